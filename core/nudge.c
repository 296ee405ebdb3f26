/* Deadline nudges, fix windows, question reminders, and the schedule
 * settings they follow (the approval guard is guard.c). */
#include "nudge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "conflict.h"
#include "core_internal.h"
#include "escalation.h"
#include "log.h"
#include "rhythm.h"
#include "schedule.h"
#include "value.h"
#include "when.h"

/* --- the schedule of a campaign ----------------------------------------- */

const char *
nudge_durations_text(struct ctx *c, const int64_t *v, size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        char one[32];
        when_duration_format(v[i], one, sizeof(one));
        buf_printf(&b, "%s%s", i ? ", " : "", one);
    }
    const char *s = arena_strdup(c->a, n ? buf_cstr(&b) : "none");
    buf_free(&b);
    return s;
}

void
nudge_schedule_for(struct ctx *c, int64_t campaign_id, struct schedule *out)
{
    const struct core_settings *s = c->set;
    memset(out, 0, sizeof(*out));
    memcpy(out->before, s->nudge_before_ms, sizeof(out->before));
    out->nbefore = s->n_nudge_before;
    memcpy(out->after, s->nudge_after_ms, sizeof(out->after));
    out->nafter = s->n_nudge_after;
    out->cap = s->nudge_daily_cap;
    out->guard = s->approval_guard_ms;
    out->fix = s->fix_window_ms;
    out->response = s->question_target_ms;
    out->lead = s->lead_time_ms;
    out->ladder = s->ladder;
    out->ack_reminder = s->ack_reminder_ms;
    out->latency = s->approval_latency_ms;
    out->grace = s->grace_ms;
    struct schedule_row r;
    if (campaign_id == 0 ||
        store_schedule_row(c->st, c->a, campaign_id, &r) != CH_OK)
        return;
    /* The grammar checked what is stored, with the same parser; "none"
     * stores as "", which parses as no nudges on that side. */
    if (r.before)
        value_durations(r.before, 0, SETTINGS_MAX_NUDGES, out->before,
                        &out->nbefore, NULL);
    if (r.after)
        value_durations(r.after, 0, SETTINGS_MAX_NUDGES, out->after,
                        &out->nafter, NULL);
    if (r.cap)
        out->cap = r.cap;
    if (r.guard != INT64_MIN)
        out->guard = r.guard;
    if (r.fix != INT64_MIN)
        out->fix = r.fix;
    if (r.response != INT64_MIN)
        out->response = r.response;
    if (r.lead != INT64_MIN)
        out->lead = r.lead;
    if (r.ladder)
        ladder_parse(r.ladder, &out->ladder, NULL);
    if (r.repeats >= 0)
        out->ladder.repeats = r.repeats;
    if (r.ack_reminder != INT64_MIN)
        out->ack_reminder = r.ack_reminder;
    if (r.latency != INT64_MIN)
        out->latency = r.latency;
    if (r.grace != INT64_MIN)
        out->grace = r.grace;
}

/* --- planning ------------------------------------------------------------ */

static void
add_job(struct ctx *c, const char *kind, int64_t due,
        const struct deliverable *d, int64_t person, int64_t rank,
        const char *arg)
{
    struct job j = {
        .due_at = due, .kind = kind, .campaign_id = d->campaign_id,
        .deliverable_id = d->id, .person_id = person, .rank = rank,
        .arg = arg,
    };
    if (schedule_job_add(c, &j) != CH_OK)
        log_error("nudge", "could not schedule %s for deliverable %lld", kind,
                  (long long)d->id);
}

/* When a reminder meant for `at` (at or before the deadline) reaches p:
 * at itself inside their hours, else their next working moment if it
 * comes by the deadline, else the last working moment before the deadline
 * (never after it); 0 when none is left. */
static int64_t
reminder_time(struct ctx *c, const struct person *p, int64_t at,
              int64_t deadline)
{
    int64_t next = avail_next(c, p, at);
    if (next <= deadline)
        return next;
    int64_t last = avail_last_before(c, p, c->now, deadline);
    return last == INT64_MIN ? 0 : last;
}

/* The time off a deadline falls in or right after (fewer than `before`
 * of working time after it ends), that starts after now; its start, or
 * 0. */
static int64_t
leave_before(struct ctx *c, const struct person *p, int64_t deadline,
             int64_t before)
{
    int64_t *from, *to;
    char **notes;
    size_t n = 0, best = SIZE_MAX;
    store_timeoff_list(c->st, c->a, p->id, c->now, &from, &to, &notes, &n);
    for (size_t i = 0; i < n; i++)
        if (from[i] > c->now && from[i] < deadline &&
            (best == SIZE_MAX || from[i] > from[best]))
            best = i;
    if (best == SIZE_MAX)
        return 0;
    bool inside = deadline < to[best];
    return inside || avail_add(c, p, to[best], before) > deadline
               ? from[best] : 0;
}

static void
add_reminder(struct ctx *c, const struct deliverable *d,
             const struct person *p, const char *phase, int64_t target,
             int64_t offset)
{
    /* One inside time off waits to fire: `back` may end it early, and
     * the reminder before the leave (plan_phase) speaks if it does not. */
    int64_t at = target + offset;
    if (offset <= 0 && !store_timeoff_covering(c->st, p->id, at))
        at = reminder_time(c, p, at, target);
    /* Urgency for the daily cap: the earliest deadline first, and of one
     * deadline's reminders the last call before an earlier one. */
    if (at > c->now)
        add_job(c, "nudge", at, d, d->creator_id, target - offset,
                arena_printf(c->a, "%s:%lld", phase, (long long)offset));
}

/* Reminders around one deadline: before, at, after it, and one before
 * time off it falls in or right after; then the escalation, at deadline
 * plus the grace in the creator's working time. */
static void
plan_phase(struct ctx *c, const struct deliverable *d, const char *phase,
           int64_t target, const struct schedule *s)
{
    struct person p;
    if (store_people_get(c->st, c->a, d->creator_id, &p) != CH_OK)
        return;
    int64_t most = 0;
    for (size_t i = 0; i < s->nbefore; i++) {
        if (target - s->before[i] > c->now)
            add_reminder(c, d, &p, phase, target, -s->before[i]);
        most = s->before[i] > most ? s->before[i] : most;
    }
    if (target > c->now)
        add_reminder(c, d, &p, phase, target, 0);
    for (size_t i = 0; i < s->nafter; i++)
        add_reminder(c, d, &p, phase, target, s->after[i]);
    int64_t leave = target > c->now ? leave_before(c, &p, target, most) : 0;
    int64_t last = leave ? avail_last_before(c, &p, c->now, leave)
                         : INT64_MIN;
    if (last != INT64_MIN)
        add_reminder(c, d, &p, phase, target, last - target);
    int64_t overdue = avail_add(c, &p, target, s->grace);
    if (overdue > c->now)
        add_job(c, "overdue", overdue, d, 0, target, phase);
}

void
nudge_plan_deliverable(struct ctx *c, const struct deliverable *d)
{
    /* Every change of a deliverable comes through here: what it made
     * true again closes the escalations chorus opened about it. */
    escalation_follow(c, d);
    conflict_follow_deliverable(c, d);
    schedule_cancel_deliverable(c, "nudge", d->id);
    schedule_cancel_deliverable(c, "overdue", d->id);
    schedule_cancel_deliverable(c, "guard", d->id);
    if (d->state != DELIV_CHANGES_REQUESTED)
        schedule_cancel_deliverable(c, "fix_window", d->id);
    struct schedule s;
    nudge_schedule_for(c, d->campaign_id, &s);
    if (d->state == DELIV_PLANNED)
        plan_phase(c, d, "draft", d->draft_due, &s);
    if (d->state == DELIV_APPROVED)
        plan_phase(c, d, "publish", d->publish_at, &s);
    bool needs_approval = d->state == DELIV_PLANNED ||
                          d->state == DELIV_SUBMITTED ||
                          d->state == DELIV_CHANGES_REQUESTED;
    if (needs_approval && d->publish_at > c->now) {
        int64_t at = d->publish_at - s.guard;
        add_job(c, "guard", at > c->now ? at : c->now, d, 0, d->publish_at,
                NULL);
    }
}

const char *
nudge_deadline_warning(struct ctx *c, const struct deliverable *d,
                       bool draft)
{
    struct person p;
    if (store_people_get(c->st, c->a, d->creator_id, &p) != CH_OK)
        return NULL;
    int64_t target = draft ? d->draft_due : d->publish_at;
    const char *why = avail_badly(c, &p, target);
    struct schedule s;
    nudge_schedule_for(c, d->campaign_id, &s);
    int64_t most = 0;
    for (size_t i = 0; i < s.nbefore; i++)
        most = s.before[i] > most ? s.before[i] : most;
    int64_t leave = leave_before(c, &p, target, most);
    int64_t last = leave ? avail_last_before(c, &p, c->now, leave)
                         : INT64_MIN;
    if (!why && !leave)
        return NULL;
    const char *off = !leave || (why && strcmp(why, "during their time off")
                                             == 0)
        ? "" : arena_printf(c->a, "%sright after their time off",
                            why ? ", " : "");
    /* Publish reminders are planned once the piece is approved. */
    const char *then = !leave || !draft ? ""
        : last != INT64_MIN
        ? arena_printf(c->a, "; chorus reminds them before it starts (%s)",
                       ctx_time_for(c, &p, last))
        : "; it starts before chorus can remind them";
    return arena_printf(c->a, "Note: %s due %s for %s, %s%s%s.",
                        draft ? "draft" : "publishing",
                        ctx_time_for(c, &p, target),
                        ctx_mark_person(c, p.id), why ? why : "", off, then);
}

int64_t
nudge_fix_due(struct ctx *c, const struct deliverable *d, int64_t at,
              bool *revisions)
{
    struct rhythm r;
    struct person p;
    int64_t due = INT64_MIN;
    if (rhythm_get(c, d->campaign_id, &r) == CH_OK &&
        store_people_get(c->st, c->a, d->creator_id, &p) == CH_OK)
        due = rhythm_revisions_due(c, &r, &p, at);
    if (revisions)
        *revisions = due != INT64_MIN;
    if (due != INT64_MIN)
        return due;
    struct schedule s;
    nudge_schedule_for(c, d->campaign_id, &s);
    return at + s.fix;
}

void
nudge_plan_fix_window(struct ctx *c, const struct deliverable *d)
{
    schedule_cancel_deliverable(c, "fix_window", d->id);
    add_job(c, "fix_window", nudge_fix_due(c, d, c->now, NULL), d,
            d->creator_id, 0, arena_printf(c->a, "%d", d->rounds));
}

void
nudge_plan_question(struct ctx *c, const struct question *q)
{
    struct schedule s;
    nudge_schedule_for(c, q->campaign_id, &s);
    struct job j = {
        .due_at = q->asked_at + s.response, .kind = "question",
        .campaign_id = q->campaign_id, .question_id = q->id,
    };
    if (schedule_job_add(c, &j) != CH_OK)
        log_error("nudge", "could not schedule the reminder of Q%lld",
                  (long long)q->id);
}

/* --- firing -------------------------------------------------------------- */

/* Put a fired job back for later, unchanged but for its due time. */
static enum ch_status
postpone(struct ctx *c, const struct job *j, int64_t due)
{
    struct job again = *j;
    again.due_at = due > c->now ? due : c->now + MS_PER_MIN;
    return schedule_job_add(c, &again);
}

static const char *
brief_pointer(struct ctx *c, const struct campaign *cp)
{
    return arena_printf(c->a, "The brief is pinned in %s (or: brief %s).",
                        ctx_mark_channel(c, cp->id), cp->slug);
}

/* "E7" when an escalation is open on the deliverable, else NULL. */
static const char *
open_escalation(struct ctx *c, const struct deliverable *d)
{
    struct escalation *es;
    size_t n = 0;
    if (store_escalation_list_deliverable(c->st, c->a, d->id, &es, &n) !=
            CH_OK || n == 0)
        return NULL;
    return arena_printf(c->a, "E%lld", (long long)es[0].id);
}

static void
send_deadline_nudge(struct ctx *c, const struct deliverable *d,
                    const struct campaign *cp, const struct person *p,
                    bool draft, int64_t target)
{
    const char *ref = campaign_deliv_ref(c, d);
    const char *when = ctx_time_for(c, p, target);
    const char *what = draft ? "the draft of" : "publishing";
    const char *next = draft
        ? arena_printf(c->a, "Submit it with: submit %s <link>", ref)
        : arena_printf(c->a, "Once it is live: published %s <link>", ref);
    int64_t left = target - c->now;
    const char *esc = left > 0 ? NULL : open_escalation(c, d);
    const char *text;
    if (left > 0)
        text = arena_printf(c->a, "Reminder: %s %s \"%s\" is due in %s (%s). "
                            "%s %s", what, ref, d->title,
                            ctx_duration(c, left), when, brief_pointer(c, cp),
                            next);
    else if (left > -15 * MS_PER_MIN)
        text = arena_printf(c->a, "Due now: %s %s \"%s\" (%s). %s %s", what,
                            ref, d->title, when, brief_pointer(c, cp), next);
    else if (esc)
        text = arena_printf(c->a, "Overdue: %s %s \"%s\" was due %s ago (%s). "
                            "%s %s is open about it; tell your coordinator "
                            "what is in the way.", what, ref, d->title,
                            ctx_duration(c, left), when, next, esc);
    else
        text = arena_printf(c->a, "Overdue: %s %s \"%s\" was due %s ago (%s). "
                            "%s If something is in the way, tell your "
                            "coordinator or use escalate %s <reason>.", what,
                            ref, d->title, ctx_duration(c, left), when, next,
                            ref);
    /* A deadline within 4 hours cannot wait for a digest. */
    if (left > -15 * MS_PER_MIN && left <= 4 * MS_PER_HOUR)
        ctx_dm_urgent(c, p->id, NULL, "%s", text);
    else
        ctx_dm(c, p->id, NULL, "%s", text);
}

/* The next working day's first moment for p, after t's local day. */
static int64_t
next_day(struct ctx *c, const struct person *p, int64_t t)
{
    const char *zone = ctx_person_zone(c, p);
    int64_t tomorrow = when_local_midnight(zone, t) +
                       26 * MS_PER_HOUR; /* past any DST change */
    return avail_next(c, p, when_local_midnight(zone, tomorrow));
}

enum ch_status
nudge_job_nudge(struct ctx *c, const struct job *j)
{
    struct deliverable d;
    if (store_deliverable_by_id(c->st, c->a, j->deliverable_id, &d) != CH_OK)
        return CH_OK;
    const char *arg = j->arg ? j->arg : "";
    bool draft = strncmp(arg, "draft:", 6) == 0;
    int64_t offset = strtoll(strchr(arg, ':') ? strchr(arg, ':') + 1 : "0",
                             NULL, 10);
    /* Done means done: no nudge for what no longer needs doing. */
    if ((draft && d.state != DELIV_PLANNED) ||
        (!draft && d.state != DELIV_APPROVED))
        return CH_OK;
    int64_t target = draft ? d.draft_due : d.publish_at;
    struct person p;
    struct campaign cp;
    if (store_people_get(c->st, c->a, d.creator_id, &p) != CH_OK ||
        store_campaign_get(c->st, c->a, d.campaign_id, &cp) != CH_OK)
        return CH_OK;

    /* Two reminders for one deadline at once say the same thing: the
     * later one (closer to the deadline) speaks, and an earlier one never
     * comes after it. */
    if (store_nudge_superseded(c->st, d.id, draft ? "draft" : "publish", offset,
                               target, c->now))
        return CH_OK;
    /* Never at night, on a weekend, on a holiday or during time off; a
     * reminder never lands after its deadline (what is overdue is said
     * by the nudges after it). */
    bool before = offset <= 0;
    if (avail_why_not(c, &p, c->now)) {
        int64_t at = before ? reminder_time(c, &p, c->now, target)
                            : avail_next(c, &p, c->now);
        return at > c->now ? postpone(c, j, at) : CH_OK;
    }
    /* The daily cap: the most urgent nudges of the person's working day
     * win.  Slots stay free for more urgent ones still to come today, so
     * a routine reminder at 09:00 cannot push a last call past its
     * deadline; the others wait for the next working day, or give way
     * when that is after their deadline. */
    struct schedule s;
    nudge_schedule_for(c, d.campaign_id, &s);
    const char *day = avail_local_day(c, &p, c->now);
    int sent = store_nudge_count_on_day(c->st, p.id, day);
    int64_t ahead = store_jobs_more_urgent(
        c->st, "nudge", p.id, avail_day_end(c, &p, c->now), j->rank, j->id);
    if (sent + ahead >= s.cap) {
        int64_t at = next_day(c, &p, c->now);
        return before && at > target ? CH_OK : postpone(c, j, at);
    }

    send_deadline_nudge(c, &d, &cp, &p, draft, target);
    struct nudge_record n = {
        .person_id = p.id, .campaign_id = d.campaign_id,
        .deliverable_id = d.id, .kind = draft ? "draft" : "publish",
        .offset_ms = offset, .due_at = target + offset, .sent_at = c->now,
        .local_day = day,
    };
    return store_nudge_add(c->st, &n);
}

enum ch_status
nudge_job_overdue(struct ctx *c, const struct job *j)
{
    struct deliverable d;
    struct campaign cp;
    if (store_deliverable_by_id(c->st, c->a, j->deliverable_id, &d) != CH_OK ||
        store_campaign_get(c->st, c->a, d.campaign_id, &cp) != CH_OK)
        return CH_OK;
    bool draft = j->arg && strcmp(j->arg, "draft") == 0;
    int64_t target = draft ? d.draft_due : d.publish_at;
    /* Only a fact still true escalates: the draft still owed, the
     * approved piece still not live, the deadline the job was for. */
    if ((draft && d.state != DELIV_PLANNED) ||
        (!draft && d.state != DELIV_APPROVED) || target != j->rank)
        return CH_OK;
    struct schedule s;
    nudge_schedule_for(c, d.campaign_id, &s);
    const char *ref = campaign_deliv_ref(c, &d);
    const char *late = ctx_duration(c, c->now - target);
    ctx_audit(c, cp.id, ref, "deliverable.overdue", "%s overdue by %s",
              draft ? "draft" : "publishing", late);
    struct escalation e;
    bool opened;
    return escalation_open(
        c, &cp, d.id, draft ? ESC_OVERDUE_DRAFT : ESC_OVERDUE_PUBLISH,
        arena_printf(c->a, "%s of %s is overdue by %s (grace: %s of the "
                     "creator's working time)", draft ? "the draft"
                                                      : "publishing",
                     ref, late, ctx_duration(c, s.grace)),
        0, &e, &opened);
}

enum ch_status
nudge_job_fix_window(struct ctx *c, const struct job *j)
{
    struct deliverable d;
    struct campaign cp;
    if (store_deliverable_by_id(c->st, c->a, j->deliverable_id, &d) != CH_OK ||
        store_campaign_get(c->st, c->a, d.campaign_id, &cp) != CH_OK)
        return CH_OK;
    /* Only the window opened by this round of changes can lapse. */
    if (d.state != DELIV_CHANGES_REQUESTED ||
        (j->arg && strtol(j->arg, NULL, 10) != d.rounds))
        return CH_OK;
    bool revisions = false;
    int64_t changes_at = store_submission_changes_at(c->st, d.id);
    if (changes_at != INT64_MIN)
        nudge_fix_due(c, &d, changes_at, &revisions);
    struct schedule s;
    nudge_schedule_for(c, d.campaign_id, &s);
    const char *ref = campaign_deliv_ref(c, &d);
    const char *window =
        revisions ? "the fix window (to the rhythm's revisions day)"
                  : arena_printf(c->a, "the %s fix window",
                                 ctx_duration(c, s.fix));
    d.state = DELIV_MISSED;
    d.stage = STAGE_NONE;
    enum ch_status st = store_deliverable_update(c->st, &d, c->now);
    if (st != CH_OK)
        return st;
    nudge_plan_deliverable(c, &d);
    ctx_audit(c, cp.id, ref, "deliverable.missed",
              "no resubmission within %s", window);

    struct participant *ps;
    size_t n;
    store_participant_list(c->st, c->a, cp.id, ROLE_CREATOR, &ps, &n);
    struct buf flex = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (ps[i].tier && strcmp(ps[i].tier, "flex") == 0 &&
            ps[i].person_id != d.creator_id)
            buf_printf(&flex, "%s%s", flex.len ? ", " : "",
                       ctx_mark_person(c, ps[i].person_id));
    const char *cover = flex.len
        ? arena_printf(c->a, " Flex creators who could cover it: %s.",
                       buf_cstr(&flex))
        : " There is no flex creator in the campaign to cover it.";
    buf_free(&flex);
    ctx_dm_roles(c, cp.id, ROLE_COORDINATOR, 0, NULL,
                 "%s \"%s\" by %s is missed: no resubmission within %s.%s",
                 ref, d.title, ctx_mark_person(c, d.creator_id), window, cover);
    ctx_dm(c, d.creator_id, NULL,
           "%s \"%s\" is marked missed: %s after the change request has "
           "passed. Talk to your coordinator.",
           ref, d.title, window);
    ctx_post(c, cp.id, NULL, "%s is missed: the fix window lapsed.", ref);
    campaign_refresh_status(c, &cp);
    return CH_OK;
}

static void
remind_person(struct ctx *c, const struct question *q,
              const struct campaign *cp, const struct person *p)
{
    const char *waited = ctx_duration(c, c->now - q->asked_at);
    ctx_dm(c, p->id, NULL,
           "Q%lld from %s in %s has waited %s for an answer: \"%s\". Answer "
           "with: answer Q%lld <text>",
           (long long)q->id, ctx_mark_person(c, q->asked_by), cp->slug, waited,
           q->text, (long long)q->id);
    struct nudge_record n = {
        .person_id = p->id, .campaign_id = cp->id, .question_id = q->id,
        .kind = "question", .due_at = c->now, .sent_at = c->now,
        .local_day = avail_local_day(c, p, c->now),
    };
    store_nudge_add(c->st, &n);
}

enum ch_status
nudge_job_question(struct ctx *c, const struct job *j)
{
    struct question q;
    struct campaign cp;
    if (store_question_get(c->st, c->a, j->question_id, &q) != CH_OK ||
        q.answered_by ||
        store_campaign_get(c->st, c->a, q.campaign_id, &cp) != CH_OK)
        return CH_OK;
    if (j->person_id) {
        /* A reminder that waited for this coordinator's working hours. */
        struct person p;
        if (store_people_get(c->st, c->a, j->person_id, &p) != CH_OK)
            return CH_OK;
        if (avail_why_not(c, &p, c->now))
            return postpone(c, j, avail_next(c, &p, c->now));
        remind_person(c, &q, &cp, &p);
        return CH_OK;
    }
    if (q.reminded_at != INT64_MIN)
        return CH_OK;     /* once */
    store_question_reminded(c->st, q.id, c->now);
    ctx_audit(c, cp.id, arena_printf(c->a, "Q%lld", (long long)q.id),
              "question.reminder", "unanswered after %s",
              ctx_duration(c, c->now - q.asked_at));
    struct participant *ps;
    size_t n;
    store_participant_list(c->st, c->a, cp.id, ROLE_COORDINATOR, &ps, &n);
    for (size_t i = 0; i < n; i++) {
        struct person p;
        if (store_people_get(c->st, c->a, ps[i].person_id, &p) != CH_OK)
            continue;
        if (avail_why_not(c, &p, c->now)) {
            struct job later = {
                .due_at = avail_next(c, &p, c->now), .kind = "question",
                .campaign_id = cp.id, .question_id = q.id,
                .person_id = p.id,
            };
            schedule_job_add(c, &later);
            continue;
        }
        remind_person(c, &q, &cp, &p);
    }
    return CH_OK;
}
