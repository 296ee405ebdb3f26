/* deliverable (add, move, cancel) and submit. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "nudge.h"
#include "when.h"

static const char *
money(struct ctx *c, int64_t cents, const char *currency)
{
    return arena_printf(c->a, "%lld.%02lld %s", (long long)(cents / 100),
                        (long long)(cents % 100), currency);
}

static const char *
duration_text(struct ctx *c, int64_t ms)
{
    char text[32];
    when_duration_format(ms, text, sizeof(text));
    return arena_strdup(c->a, text);
}

enum ch_status
cmd_deliverable_new(struct ctx *c)
{
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    struct person *creator = arg_get(c, "creator")->person;
    const struct arg *draft = arg_get(c, "draft");
    const struct arg *publish = arg_get(c, "publish");
    const struct arg *fee = arg_get(c, "fee");
    if (cp->state == CAMPAIGN_WRAPPED || cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is %s: no new deliverables",
                       cp->slug, campaign_state_names[cp->state]);
    if (store_participant_role_in(c->st, cp->id, creator->id, NULL, c->a) != ROLE_CREATOR)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is not a creator in %s: add them first (add %s "
                       "%s role:creator)", creator->name, cp->slug, cp->slug,
                       creator->name);
    if (publish->num <= draft->num)
        return ch_fail(&c->err, CH_INVALID,
                       "publish: must be after the draft is due (draft %s, "
                       "publish %s)", time_for_caller(c, draft->num),
                       time_for_caller(c, publish->num));

    struct deliverable d = {
        .campaign_id = cp->id,
        .slug = cp->slug,
        .creator_id = creator->id,
        .title = (char *)arg_text(c, "title"),
        .platform = (char *)arg_text(c, "on"),
        .draft_due = draft->num,
        .publish_at = publish->num,
        .fee_cents = fee ? fee->num : INT64_MIN,
        .currency = fee ? (char *)(fee->text ? fee->text : c->set->currency)
                        : NULL,
    };
    enum ch_status s = store_deliverable_insert(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not add the deliverable");
    const char *ref = deliv_ref(c, &d);
    audit(c, cp->id, ref, "deliverable.add",
          "\"%s\" for %s%s%s, draft %s, publish %s%s%s", d.title,
          creator->name, d.platform ? " on " : "",
          d.platform ? d.platform : "", time_for(c, NULL, d.draft_due),
          time_for(c, NULL, d.publish_at), fee ? ", fee " : "",
          fee ? money(c, d.fee_cents, d.currency) : "");

    reply(c, "Added %s \"%s\" for %s%s%s: draft due %s, publish %s%s%s.", ref,
          d.title, mark_person(c, creator->id), d.platform ? " on " : "",
          d.platform ? d.platform : "", time_for_caller(c, d.draft_due),
          time_for_caller(c, d.publish_at), fee ? ", fee " : "",
          fee ? money(c, d.fee_cents, d.currency) : "");
    struct schedule sched;
    schedule_for(c, cp->id, &sched);
    int64_t lead = d.draft_due - c->now;
    if (lead < sched.lead)
        reply(c, "Warning: the draft is due in %s, less than the %s lead time "
              "(rushed briefs make rushed content).", duration_text(c, lead),
              duration_text(c, sched.lead));
    if (cp->ends_at != INT64_MIN && d.publish_at > cp->ends_at)
        reply(c, "Warning: it publishes after the campaign ends (%s).",
              time_for_caller(c, cp->ends_at));
    if (cp->starts_at != INT64_MIN && d.publish_at < cp->starts_at)
        reply(c, "Warning: it publishes before the campaign starts (%s).",
              time_for_caller(c, cp->starts_at));

    dm(c, creator->id, NULL,
       "New deliverable for you in %s: %s \"%s\"%s%s. Draft due %s, publish "
       "%s.", cp->slug, ref, d.title, d.platform ? " on " : "",
       d.platform ? d.platform : "", time_for(c, creator, d.draft_due),
       time_for(c, creator, d.publish_at));
    post(c, cp->id, NULL, "New deliverable %s \"%s\" for %s: draft due %s, "
         "publish %s.", ref, d.title, mark_person(c, creator->id),
         mark_time(c, d.draft_due), mark_time(c, d.publish_at));
    plan_deliverable(c, &d);
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
cmd_deliverable_move(struct ctx *c)
{
    const struct arg *ra = arg_get(c, "ref");
    struct deliverable d = *ra->deliv;
    const struct arg *draft = arg_get(c, "draft");
    const struct arg *publish = arg_get(c, "publish");
    const char *ref = deliv_ref(c, &d);
    if (!draft && !publish)
        return ch_fail(&c->err, CH_INVALID,
                       "say what moves: deliverable %s move draft:<when> "
                       "and/or publish:<when>", ref);
    if (finished(d.state))
        return ch_fail(&c->err, CH_CONFLICT, "%s is %s; its dates are final",
                       ref, deliverable_state_names[d.state]);
    int64_t old_draft = d.draft_due, old_publish = d.publish_at;
    if (draft)
        d.draft_due = draft->num;
    if (publish)
        d.publish_at = publish->num;
    if (d.publish_at <= d.draft_due)
        return ch_fail(&c->err, CH_INVALID,
                       "publish must be after the draft is due (draft %s, "
                       "publish %s)", time_for_caller(c, d.draft_due),
                       time_for_caller(c, d.publish_at));
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not move %s", ref);
    struct person creator;
    store_people_get(c->st, c->a, d.creator_id, &creator);
    audit(c, d.campaign_id, ref, "deliverable.move",
          "draft %s -> %s, publish %s -> %s", time_for(c, NULL, old_draft),
          time_for(c, NULL, d.draft_due), time_for(c, NULL, old_publish),
          time_for(c, NULL, d.publish_at));
    dm(c, d.creator_id, NULL, "%s moved %s \"%s\": draft due %s, publish %s.",
       mark_person(c, c->caller.id), ref, d.title,
       time_for(c, &creator, d.draft_due), time_for(c, &creator, d.publish_at));
    post(c, d.campaign_id, NULL, "%s moved: draft due %s, publish %s.", ref,
         mark_time(c, d.draft_due), mark_time(c, d.publish_at));
    plan_deliverable(c, &d);
    campaign_refresh_status(c, ra->campaign);
    reply(c, "Moved %s: draft due %s, publish %s.", ref,
          time_for_caller(c, d.draft_due), time_for_caller(c, d.publish_at));
    return CH_OK;
}

enum ch_status
cmd_deliverable_cancel(struct ctx *c)
{
    const struct arg *ra = arg_get(c, "ref");
    struct deliverable d = *ra->deliv;
    const char *reason = arg_text(c, "reason");
    const char *ref = deliv_ref(c, &d);
    if (finished(d.state))
        return ch_fail(&c->err, CH_CONFLICT, "%s is already %s", ref,
                       deliverable_state_names[d.state]);
    d.state = DELIV_CANCELLED;
    d.stage = STAGE_NONE;
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not cancel %s", ref);
    audit(c, d.campaign_id, ref, "deliverable.cancel", "%s", reason);
    dm(c, d.creator_id, NULL, "%s cancelled %s \"%s\": %s",
       mark_person(c, c->caller.id), ref, d.title, reason);
    post(c, d.campaign_id, NULL, "%s \"%s\" was cancelled: %s", ref, d.title,
         reason);
    plan_deliverable(c, &d);
    campaign_refresh_status(c, ra->campaign);
    reply(c, "Cancelled %s.", ref);
    return CH_OK;
}

/* Buttons a reviewer gets with a submission. */
static const char *
review_buttons(struct ctx *c, const char *ref)
{
    struct out_button b[] = {
        { .label = "Approve", .style = "primary",
          .command = arena_printf(c->a, "approve %s", ref) },
        { .label = "Request changes", .prompt = "What needs to change?",
          .command = arena_printf(c->a, "changes %s", ref) },
        { .label = "Reject", .style = "danger", .prompt = "Why reject it?",
          .command = arena_printf(c->a, "reject %s", ref) },
    };
    return buttons_encode(c, b, 3);
}

enum ch_status
cmd_submit(struct ctx *c)
{
    const struct arg *ra = arg_get(c, "ref");
    struct deliverable d = *ra->deliv;
    const struct campaign *cp = ra->campaign;
    const char *link = arg_text(c, "link");
    const char *caption = arg_text(c, "caption");
    const char *ref = deliv_ref(c, &d);
    if (cp->state == CAMPAIGN_DRAFT)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s has not been kicked off yet: drafts follow the "
                       "locked brief", cp->slug);
    if (d.state == DELIV_SUBMITTED && d.stage == STAGE_BRAND)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s passed review and waits for the brand's final "
                       "approval; ask for changes before submitting again",
                       ref);
    if (!deliverable_state_open(d.state))
        return ch_fail(&c->err, CH_CONFLICT, "%s is %s: nothing to submit",
                       ref, deliverable_state_names[d.state]);
    int round = 0;
    store_submission_latest(c->st, c->a, d.id, NULL, &round, NULL, NULL);
    round++;
    enum ch_status s = store_submission_insert(c->st, d.id, round, link, caption,
                                             c->caller.id, c->now, NULL);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the submission");
    d.state = DELIV_SUBMITTED;
    d.stage = cp->review_mode == REVIEW_BRAND_ONLY ? STAGE_BRAND : STAGE_REVIEW;
    s = store_deliverable_update(c->st, &d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not update %s", ref);

    const char *late = "";
    if (c->now > d.draft_due)
        late = arena_printf(c->a, " (%s after the draft was due)",
                            duration_text(c, c->now - d.draft_due));
    const char *by = c->caller.id == d.creator_id
        ? "" : arena_printf(c->a, " on behalf of %s",
                            mark_person(c, d.creator_id));
    audit(c, d.campaign_id, ref, "deliverable.submit", "round %d: %s%s",
          round, link, late);
    unsigned reviewers = d.stage == STAGE_BRAND
        ? ROLE_BRAND : (ROLE_COORDINATOR | ROLE_AGENCY);
    const char *who = d.stage == STAGE_BRAND ? "brand approval" : "review";
    dm_roles(c, d.campaign_id, reviewers, c->caller.id,
             review_buttons(c, ref),
             "%s submitted %s \"%s\" (round %d)%s%s for %s: %s%s%s",
             mark_person(c, c->caller.id), ref, d.title, round, by, late, who,
             link, caption ? "\n" : "", caption ? caption : "");
    post(c, d.campaign_id, NULL, "%s submitted %s \"%s\" (round %d)%s: %s",
         mark_person(c, c->caller.id), ref, d.title, round, late, link);
    plan_deliverable(c, &d);
    campaign_refresh_status(c, cp);
    reply(c, "Submitted %s (round %d)%s. It waits for %s.", ref, round, late,
          who);
    return CH_OK;
}
