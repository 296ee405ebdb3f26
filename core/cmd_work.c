/* deliverable (add, move, cancel), submit and published. */
#include <stdio.h>
#include <string.h>

#include "avail.h"
#include "commands.h"
#include "conflict.h"
#include "core_internal.h"
#include "disclosure.h"
#include "gate.h"
#include "latency.h"
#include "nudge.h"
#include "rhythm.h"
#include "when.h"

/* A deadline typed as a bare date is the end of the creator's working
 * day on that date, in their zone, wherever the one typing it is. */
static enum ch_status
deadline_of(struct ctx *c, const struct arg *a, const struct person *creator,
            int64_t *out)
{
    *out = a->num;
    if (!a->date_only)
        return CH_OK;
    *out = avail_end_of(c, creator, a->year, a->month, a->day);
    if (*out <= c->now)
        return ch_fail(&c->err, CH_INVALID,
                       "%s:%s is in the past: %s's working day ended %s",
                       a->elem->name, a->raw, creator->name,
                       ctx_time_for_caller(c, *out));
    return CH_OK;
}

/* Tell whoever sets a deadline that it falls badly for the creator. */
static void
warn_deadline(struct ctx *c, const struct deliverable *d, bool draft)
{
    const char *w = nudge_deadline_warning(c, d, draft);
    if (w)
        ctx_reply(c, "%s", w);
}

/* week:<n> of the campaign's rhythm stands for draft: -- the drafts day
 * of week n at the creator's rhythm deadline -- and publishing defaults
 * to a week after it; without week: both are typed.  *by_week says, for
 * the reply, where the draft's date came from. */
static enum ch_status
week_dates(struct ctx *c, const struct campaign *cp,
           const struct person *creator, int64_t *draft_due,
           int64_t *publish_at, const char **by_week)
{
    const struct arg *week = command_arg(c, "week");
    bool draft = command_arg(c, "draft") != NULL;
    struct rhythm r;
    bool rhythm = rhythm_get(c, cp->id, &r) == CH_OK;
    if (!week) {
        if (!draft)
            return command_usage_error(
                c, "missing draft:<when>%s", rhythm
                    ? arena_printf(c->a, " (or week:<n>, for the drafts day "
                                   "of week n in the rhythm of %s)", cp->slug)
                    : "");
        if (!command_arg(c, "publish"))
            return command_usage_error(c, "missing publish:<when>");
        return CH_OK;
    }
    int n = (int)week->num;
    if (draft)
        return ch_fail(&c->err, CH_INVALID,
                       "give week:%d or draft:<when>, not both: week:%d is "
                       "the drafts day of week %d in the rhythm of %s", n, n,
                       n, cp->slug);
    if (!rhythm)
        return ch_fail(&c->err, CH_INVALID,
                       "week:%d needs the campaign's rhythm, and %s has none: "
                       "give draft:<when> and publish:<when>, or declare the "
                       "rhythm first (rhythm %s drafts:<day> ...)", n,
                       cp->slug, cp->slug);
    const char *from;
    int64_t week1 = rhythm_week1(cp, &from);
    int64_t day = rhythm_week_day(week1, n, r.day[RHYTHM_DRAFTS]);
    const char *date = rhythm_date_text(c, cp, day);
    if (cp->from_day != 0 && day < cp->from_day)
        return ch_fail(&c->err, CH_INVALID,
                       "week %d's drafts day, %s, is before %s starts (%s): "
                       "use a later week or draft:<when>", n, date, cp->slug,
                       rhythm_date_text(c, cp, cp->from_day));
    *draft_due = rhythm_deadline(c, &r, creator, day);
    *publish_at = rhythm_deadline(c, &r, creator, day + 7);
    if (*draft_due <= c->now)
        return ch_fail(&c->err, CH_INVALID,
                       "week %d's drafts day has passed for %s: the draft "
                       "would have been due %s (it is now %s); this is week "
                       "%d of %s", n, creator->name,
                       ctx_time_for_caller(c, *draft_due),
                       ctx_time_for_caller(c, c->now),
                       rhythm_week_of(week1, when_local_date(cp->zone,
                                                             c->now)),
                       cp->slug);
    *by_week = arena_printf(c->a, "The draft is due on week %d's drafts day "
                            "in the rhythm of %s (%s; week 1 is the week %s)",
                            n, cp->slug, date, from);
    return CH_OK;
}

enum ch_status
cmd_work_new(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct person *creator = command_arg(c, "creator")->person;
    const struct arg *draft = command_arg(c, "draft");
    const struct arg *publish = command_arg(c, "publish");
    const struct arg *fee = command_arg(c, "fee");
    const struct arg *late = command_arg(c, "late");
    if (cp->state == CAMPAIGN_WRAPPED || cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is %s: no new deliverables",
                       cp->slug, model_campaign_states[cp->state]);
    if (store_participant_role_in(c->st, cp->id, creator->id, NULL, c->a) !=
        ROLE_CREATOR)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is not a creator in %s: add them first (add %s "
                       "%s role:creator)", creator->name, cp->slug, cp->slug,
                       creator->name);
    int64_t draft_due = 0, publish_at = 0;
    const char *by_week = NULL;
    enum ch_status st = week_dates(c, cp, creator, &draft_due, &publish_at,
                                   &by_week);
    if (st != CH_OK)
        return st;
    if ((draft && deadline_of(c, draft, creator, &draft_due) != CH_OK) ||
        (publish && deadline_of(c, publish, creator, &publish_at) != CH_OK))
        return c->err.status;
    if (publish_at <= draft_due)
        return ch_fail(&c->err, CH_INVALID,
                       "publish: must be after the draft is due (draft %s, "
                       "publish %s)",
                       ctx_time_for_caller(c, draft_due),
                       ctx_time_for_caller(c, publish_at));

    struct deliverable d = {
        .campaign_id = cp->id,
        .slug = cp->slug,
        .creator_id = creator->id,
        .title = (char *)command_arg_text(c, "title"),
        .platform = (char *)command_arg_text(c, "on"),
        .draft_due = draft_due,
        .publish_at = publish_at,
        .fee_cents = fee ? fee->num : INT64_MIN,
        .currency =
            fee ? (char *)(fee->text ? fee->text : c->set->currency) : NULL,
    };
    if (late && !fee)
        return ch_fail(&c->err, CH_INVALID,
                       "late: is the share of the fee paid when a window is "
                       "missed: give the fee too (fee:<amount>)");
    enum ch_status s = store_deliverable_insert(c->st, &d, c->now);
    if (s == CH_OK && late)
        s = store_deliverable_set_late(c->st, d.id, (int)late->num);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not add the deliverable");
    const char *ref = campaign_deliv_ref(c, &d);
    const char *late_words =
        late ? arena_printf(c->a, " (%lld%% if a window is missed)",
                            (long long)late->num)
             : "";
    ctx_audit(c, cp->id, ref, "deliverable.add",
              "\"%s\" for %s%s%s, draft %s, publish %s%s%s%s", d.title,
              creator->name, d.platform ? " on " : "",
              d.platform ? d.platform : "", ctx_time_for(c, NULL, d.draft_due),
              ctx_time_for(c, NULL, d.publish_at), fee ? ", fee " : "",
              fee ? campaign_money(c, d.fee_cents, d.currency) : "",
              late_words);

    ctx_reply(c,
              "Added %s \"%s\" for %s%s%s: draft due %s, publish %s%s%s%s.",
              ref, d.title, ctx_mark_person(c, creator->id),
              d.platform ? " on " : "", d.platform ? d.platform : "",
              ctx_time_for_caller(c, d.draft_due),
              ctx_time_for_caller(c, d.publish_at), fee ? ", fee " : "",
              fee ? campaign_money(c, d.fee_cents, d.currency) : "",
              late_words);
    if (by_week)
        ctx_reply(c, "%s%s", by_week,
                  publish ? "."
                  : arena_printf(c->a, "; publishing defaults to a week "
                                 "later (change it with deliverable %s move "
                                 "publish:<when>).", ref));
    struct schedule sched;
    nudge_schedule_for(c, cp->id, &sched);
    int64_t lead = d.draft_due - c->now;
    if (lead < sched.lead)
        ctx_reply(c,
                  "Warning: the draft is due in %s, less than the %s lead time "
                  "(rushed briefs make rushed content).",
                  ctx_duration(c, lead), ctx_duration(c, sched.lead));
    /* The window is a set of dates: name them, not instants. */
    if (cp->ends_at != INT64_MIN && d.publish_at > cp->ends_at)
        ctx_reply(c, "Warning: it publishes after the campaign ends (its "
                  "window is %s).", campaign_window_text(c, cp));
    if (cp->starts_at != INT64_MIN && d.publish_at < cp->starts_at)
        ctx_reply(c, "Warning: it publishes before the campaign starts (its "
                  "window is %s).", campaign_window_text(c, cp));
    warn_deadline(c, &d, true);
    warn_deadline(c, &d, false);

    ctx_dm(
        c, creator->id, NULL,
        "New deliverable for you in %s: %s \"%s\"%s%s. Draft due %s, publish "
        "%s.",
        cp->slug, ref, d.title, d.platform ? " on " : "",
        d.platform ? d.platform : "", ctx_time_for(c, creator, d.draft_due),
        ctx_time_for(c, creator, d.publish_at));
    ctx_post(c, cp->id, NULL,
             "New deliverable %s \"%s\" for %s: draft due %s, "
             "publish %s.",
             ref, d.title, ctx_mark_person(c, creator->id),
             ctx_mark_time(c, d.draft_due), ctx_mark_time(c, d.publish_at));
    nudge_plan_deliverable(c, &d);
    campaign_refresh_status(c, cp);
    return CH_OK;
}

static bool
finished(enum deliverable_state s)
{
    return s == DELIV_PUBLISHED || s == DELIV_REJECTED || s == DELIV_MISSED ||
           s == DELIV_CANCELLED;
}

enum ch_status
cmd_work_move(struct ctx *c)
{
    const struct arg *ra = command_arg(c, "ref");
    struct deliverable d = *ra->deliv;
    const struct arg *draft = command_arg(c, "draft");
    const struct arg *publish = command_arg(c, "publish");
    const char *ref = campaign_deliv_ref(c, &d);
    if (!draft && !publish)
        return ch_fail(&c->err, CH_INVALID,
                       "say what moves: deliverable %s move draft:<when> "
                       "and/or publish:<when>", ref);
    if (finished(d.state))
        return ch_fail(&c->err, CH_CONFLICT, "%s is %s; its dates are final",
                       ref, campaign_deliv_words(&d));
    struct person creator;
    if (store_people_get(c->st, c->a, d.creator_id, &creator) != CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND, "%s has no creator", ref);
    int64_t old_draft = d.draft_due, old_publish = d.publish_at;
    if ((draft && deadline_of(c, draft, &creator, &d.draft_due) != CH_OK) ||
        (publish && deadline_of(c, publish, &creator, &d.publish_at) != CH_OK))
        return c->err.status;
    if (d.publish_at <= d.draft_due)
        return ch_fail(&c->err, CH_INVALID,
                       "publish must be after the draft is due (draft %s, "
                       "publish %s)",
                       ctx_time_for_caller(c, d.draft_due),
                       ctx_time_for_caller(c, d.publish_at));
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not move %s", ref);
    ctx_audit(
        c, d.campaign_id, ref, "deliverable.move",
        "draft %s -> %s, publish %s -> %s", ctx_time_for(c, NULL, old_draft),
        ctx_time_for(c, NULL, d.draft_due), ctx_time_for(c, NULL, old_publish),
        ctx_time_for(c, NULL, d.publish_at));
    ctx_dm(c, d.creator_id, NULL,
           "%s moved %s \"%s\": draft due %s, publish %s.",
           ctx_mark_person(c, c->caller.id), ref, d.title,
           ctx_time_for(c, &creator, d.draft_due),
           ctx_time_for(c, &creator, d.publish_at));
    ctx_post(c, d.campaign_id, NULL, "%s moved: draft due %s, publish %s.", ref,
             ctx_mark_time(c, d.draft_due), ctx_mark_time(c, d.publish_at));
    nudge_plan_deliverable(c, &d);
    campaign_refresh_status(c, ra->campaign);
    ctx_reply(c, "Moved %s: draft due %s, publish %s.", ref,
              ctx_time_for_caller(c, d.draft_due),
              ctx_time_for_caller(c, d.publish_at));
    if (draft)
        warn_deadline(c, &d, true);
    if (publish)
        warn_deadline(c, &d, false);
    return CH_OK;
}

enum ch_status
cmd_work_cancel(struct ctx *c)
{
    const struct arg *ra = command_arg(c, "ref");
    struct deliverable d = *ra->deliv;
    const char *reason = command_arg_text(c, "reason");
    const char *ref = campaign_deliv_ref(c, &d);
    if (finished(d.state))
        return ch_fail(&c->err, CH_CONFLICT, "%s is already %s", ref,
                       campaign_deliv_words(&d));
    d.state = DELIV_CANCELLED;
    d.stage = STAGE_NONE;
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not cancel %s", ref);
    ctx_audit(c, d.campaign_id, ref, "deliverable.cancel", "%s", reason);
    ctx_dm(c, d.creator_id, NULL, "%s cancelled %s \"%s\": %s",
           ctx_mark_person(c, c->caller.id), ref, d.title, reason);
    ctx_post(c, d.campaign_id, NULL, "%s \"%s\" was cancelled: %s", ref,
             d.title, reason);
    nudge_plan_deliverable(c, &d);
    campaign_refresh_status(c, ra->campaign);
    ctx_reply(c, "Cancelled %s.", ref);
    return CH_OK;
}

/* A coordinator takes a late fix after all: the piece is open again
 * with a new fix window from now, and the fix it gets is still measured
 * against the window it missed (round_due), so the late rule applies. */
enum ch_status
cmd_work_reopen(struct ctx *c)
{
    const struct arg *ra = command_arg(c, "ref");
    struct deliverable d = *ra->deliv;
    const char *reason = command_arg_text(c, "reason");
    const char *ref = campaign_deliv_ref(c, &d);
    if (d.state != DELIV_MISSED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is %s: only a piece marked missed (its fix window "
                       "lapsed) can be reopened",
                       ref, campaign_deliv_words(&d));
    d.state = DELIV_CHANGES_REQUESTED;
    d.stage = STAGE_NONE;
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not reopen %s", ref);
    nudge_plan_deliverable(c, &d);
    nudge_plan_fix_window(c, &d);
    int64_t due = nudge_fix_due(c, &d, c->now, NULL);
    const char *fee = d.fee_cents != INT64_MIN
        ? " Its fee is paid at the late rule's share: the fix window was "
          "missed."
        : "";
    ctx_audit(c, d.campaign_id, ref, "deliverable.reopen",
              "a late fix accepted: %s", reason);
    struct person creator;
    if (store_people_get(c->st, c->a, d.creator_id, &creator) == CH_OK)
        ctx_dm(c, d.creator_id, NULL,
               "%s reopened %s \"%s\" for a late fix (%s). Resubmit before "
               "%s with: submit %s <link>.%s",
               ctx_mark_person(c, c->caller.id), ref, d.title, reason,
               ctx_time_for(c, &creator, due), ref, fee);
    ctx_post(c, d.campaign_id, NULL, "%s \"%s\" is open again for a late "
             "fix: %s", ref, d.title, reason);
    campaign_refresh_status(c, ra->campaign);
    ctx_reply(c, "Reopened %s: %s has until %s to resubmit.%s", ref,
              ctx_mark_person(c, d.creator_id), ctx_time_for_caller(c, due),
              fee);
    return CH_OK;
}

/* A round is measured against the draft due time, or after a change
 * request against the fix window it was given. */
static int64_t
round_due(struct ctx *c, const struct deliverable *d, const char **against)
{
    int64_t changes_at = store_submission_changes_at(c->st, d->id);
    if (changes_at == INT64_MIN) {
        *against = "the draft due time";
        return d->draft_due;
    }
    *against = "the fix window";
    return nudge_fix_due(c, d, changes_at, NULL);
}

enum ch_status
cmd_work_submit(struct ctx *c)
{
    const struct arg *ra = command_arg(c, "ref");
    struct deliverable d = *ra->deliv;
    const struct campaign *cp = ra->campaign;
    const char *link = command_arg_text(c, "link");
    const char *caption = command_arg_text(c, "caption");
    const char *ref = campaign_deliv_ref(c, &d);
    if (cp->state == CAMPAIGN_DRAFT)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s has not been kicked off yet: drafts follow the "
                       "locked brief", cp->slug);
    if (d.state == DELIV_SUBMITTED && d.stage == STAGE_BRAND)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s %s: a new round can follow only once changes are "
                       "asked for", ref, gate_brand_wait(c, &d));
    if (!model_deliverable_open(d.state))
        return ch_fail(&c->err, CH_CONFLICT, "%s is %s: nothing to submit",
                       ref, campaign_deliv_words(&d));
    int round = 0;
    store_submission_latest(c->st, c->a, d.id, NULL, &round, NULL, NULL);
    round++;
    const char *against;
    int64_t due = round_due(c, &d, &against), late_ms = c->now - due;
    const char *tags = gate_disclosure_tags(c, cp->id);
    const char *finding = disclosure_name(disclosure_check(caption, tags));
    int64_t sid = 0;
    enum ch_status s = store_submission_insert(
        c->st, d.id, round, link, caption, c->caller.id, c->now, &sid);
    if (s == CH_OK)
        s = store_submission_set_facts(c->st, sid, due, late_ms, finding);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the submission");
    d.state = DELIV_SUBMITTED;
    d.stage = cp->review_mode == REVIEW_BRAND_ONLY ? STAGE_BRAND : STAGE_REVIEW;
    s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not update %s", ref);

    const char *late = gate_lateness(c, late_ms, against);
    const char *found = gate_disclosure_words(c, finding, tags);
    /* The creator is told of a faulty disclosure, not of a missing
     * caption; the reviewers of both. */
    const char *fault = found && caption
        ? arena_printf(c->a, "\nDisclosure: %s.", found) : "";
    const char *check = found ? arena_printf(c->a, "\nDisclosure: %s.", found)
                              : "";
    bool mine = c->caller.id == d.creator_id;
    const char *by = mine ? ""
                          : arena_printf(c->a, " on behalf of %s",
                                         ctx_mark_person(c, d.creator_id));
    ctx_audit(c, d.campaign_id, ref, "deliverable.submit",
              "round %d: %s, %s%s%s", round, link, late,
              finding ? "; disclosure: " : "", finding ? finding : "");
    unsigned reviewers = d.stage == STAGE_BRAND
        ? ROLE_BRAND : (ROLE_COORDINATOR | ROLE_AGENCY);
    const char *who = d.stage == STAGE_BRAND ? "brand approval" : "review";
    ctx_dm_roles_as(c, DM_NEWS, d.campaign_id, reviewers, c->caller.id,
                    gate_review_buttons(c, ref, true),
                    "%s submitted %s \"%s\" (round %d)%s, %s, for %s: %s%s%s%s",
                    ctx_mark_person(c, c->caller.id), ref, d.title, round, by,
                    late, who, link, caption ? "\n" : "",
                    caption ? caption : "", check);
    if (!mine) {
        ctx_dm(c, d.creator_id, NULL,
               "%s submitted %s \"%s\" (round %d) on your behalf, %s: %s. It "
               "waits for %s.%s",
               ctx_mark_person(c, c->caller.id), ref, d.title, round, late,
               link, who, fault);
    }
    ctx_post(c, d.campaign_id, NULL, "%s submitted %s \"%s\" (round %d)%s, %s: "
             "%s", ctx_mark_person(c, c->caller.id), ref, d.title, round, by,
             late, link);
    nudge_plan_deliverable(c, &d);
    conflict_follow_submission(c, &d, sid, caption);
    latency_plan(c, &d, sid, c->now);
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Submitted %s (round %d)%s, %s. It waits for %s.%s", ref,
              round, by, late, who, fault);
    return CH_OK;
}

enum ch_status
cmd_work_published(struct ctx *c)
{
    const struct arg *ra = command_arg(c, "ref");
    struct deliverable d = *ra->deliv;
    const char *link = command_arg_text(c, "link");
    const char *ref = campaign_deliv_ref(c, &d);
    if (d.state == DELIV_PUBLISHED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is already published", ref);
    if (d.state != DELIV_APPROVED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is %s, not approved: content goes live only after "
                       "the brand's final approval (escalate %s <reason> if "
                       "it is already out)", ref,
                       campaign_deliv_words(&d), ref);
    d.state = DELIV_PUBLISHED;
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s == CH_OK)
        s = store_deliverable_published(c->st, d.id, link, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the publication");
    nudge_plan_deliverable(c, &d);
    const char *late = gate_lateness(c, c->now - d.publish_at,
                                     "the publish time");
    ctx_audit(c, d.campaign_id, ref, "deliverable.published", "%s, %s", link,
              late);
    ctx_post(c, d.campaign_id, NULL, "%s \"%s\" is live, %s: %s", ref, d.title,
             late, link);
    campaign_refresh_status(c, ra->campaign);
    ctx_reply(c, "Recorded %s as published, %s.", ref, late);
    return CH_OK;
}
