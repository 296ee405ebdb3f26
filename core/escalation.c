/* Escalations: opening, the ladder's steps, following their facts. */
#include "escalation.h"
#include "standup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "command.h"
#include "ladder.h"
#include "log.h"
#include "nudge.h"
#include "when.h"

#define ACK_REMINDERS 3   /* an acknowledged escalation reminds this often */

static const char *const cause_words[] = {
    [ESC_MANUAL] = "opened by hand",
    [ESC_OVERDUE_DRAFT] = "overdue draft",
    [ESC_OVERDUE_PUBLISH] = "overdue publication",
    [ESC_GUARD] = "approval guard",
    [ESC_RED_STANDUP] = "red standup",
};

static const char *
esc_name(struct ctx *c, int64_t id)
{
    return arena_printf(c->a, "E%lld", (long long)id);
}

/* The ladder an escalation climbs: the one it started with. */
static void
esc_ladder(struct ctx *c, const struct escalation *e, struct ladder *l)
{
    /* Status lines read this for every open escalation: the snapshot
     * alone, without the campaign's settings, when it parses. */
    if (e->ladder && e->repeats >= 0) {
        l->repeats = e->repeats;
        if (ladder_parse(e->ladder, l, NULL) == CH_OK)
            return;
    }
    struct schedule s;
    nudge_schedule_for(c, e->campaign_id, &s);
    *l = s.ladder;
    if (e->ladder)
        ladder_parse(e->ladder, l, NULL);
    if (e->repeats >= 0)
        l->repeats = e->repeats;
}

static unsigned
level_role(const struct ladder *l, int level)
{
    return level >= 0 && (size_t)level < l->n ? l->level[level].role
                                              : ROLE_ADMIN;
}

/* "24 working hours": what a ladder timeout means. */
static const char *
working_time(struct ctx *c, int64_t ms)
{
    if (ms % MS_PER_HOUR == 0)
        return arena_printf(c->a, "%lld working hour%s",
                            (long long)(ms / MS_PER_HOUR),
                            ms == MS_PER_HOUR ? "" : "s");
    return arena_printf(c->a, "%lld working minutes",
                        (long long)(ms / MS_PER_MIN));
}

/* The people a role names in a campaign (admins: the configuration's). */
static size_t
role_people(struct ctx *c, int64_t campaign_id, unsigned role,
            struct person **out)
{
    size_t n = 0;
    if (role == ROLE_ADMIN) {
        size_t na = c->set->nadmins;
        *out = arena_alloc(c->a, (na ? na : 1) * sizeof(**out));
        for (size_t i = 0; i < na; i++) {
            struct person p;
            if (people_of_admin(c, c->set->admins[i], &p) != CH_OK)
                continue;
            bool dup = false;
            for (size_t k = 0; k < n; k++)
                dup |= (*out)[k].id == p.id;
            if (!dup)
                (*out)[n++] = p;
        }
        return n;
    }
    struct participant *ps;
    size_t np;
    if (store_participant_list(c->st, c->a, campaign_id, role, &ps, &np) !=
        CH_OK)
        return 0;
    *out = arena_alloc(c->a, (np ? np : 1) * sizeof(**out));
    for (size_t i = 0; i < np; i++)
        if (store_people_get(c->st, c->a, ps[i].person_id, &(*out)[n]) ==
            CH_OK)
            n++;
    return n;
}

const char *
escalation_subject(struct ctx *c, const struct escalation *e,
                   const struct campaign *cp)
{
    if (e->deliverable_id) {
        struct deliverable d;
        if (store_deliverable_by_id(c->st, c->a, e->deliverable_id, &d) ==
            CH_OK)
            return campaign_deliv_ref(c, &d);
    }
    return cp->slug;
}

const char *
escalation_standing(struct ctx *c, const struct escalation *e)
{
    if (e->state == ESC_RESOLVED)
        return "resolved";
    if (e->state == ESC_ACKNOWLEDGED)
        return arena_printf(c->a, "acknowledged by %s",
                            ctx_mark_person(c, e->acked_by));
    struct ladder l;
    esc_ladder(c, e, &l);
    return arena_printf(c->a, "with %s",
                        ladder_role_audience(level_role(&l, e->level)));
}

static const char *
ack_button(struct ctx *c, int64_t id)
{
    struct out_button b = {
        .label = "Acknowledge", .style = "primary",
        .command = arena_printf(c->a, "ack E%lld", (long long)id),
    };
    return ctx_buttons_encode(c, &b, 1);
}

/* Tell everyone at the escalation's level, and remember they were
 * reached.  The one who opened it knows already. */
static void
notify_level(struct ctx *c, const struct escalation *e,
             const struct campaign *cp, const struct ladder *l,
             const char *why)
{
    unsigned role = level_role(l, e->level);
    const char *button = ack_button(c, e->id);
    const char *by = e->opened_by
        ? arena_printf(c->a, "opened by %s", ctx_mark_person(c, e->opened_by))
        : "opened by chorus";
    struct person *ps;
    size_t n = role_people(c, cp->id, role, &ps);
    for (size_t i = 0; i < n; i++) {
        /* Who opened it knows; on the first round, so does whoever was
         * told another way (escalation_told): the level still has its
         * time, without a second message about the same thing. */
        if (ps[i].id == e->opened_by ||
            (e->cycle == 0 &&
             store_escalation_was_reached(c->st, e->id, ps[i].id)))
            continue;
        store_escalation_reached_add(c->st, e->id, ps[i].id, e->level,
                                     c->now);
        ctx_dm_urgent(c, ps[i].id, button,
               "Escalation E%lld on %s (%s): %s. It is with %s%s. "
               "Acknowledge with ack E%lld (it stops climbing); close it "
               "with resolve E%lld <note>.",
               (long long)e->id, escalation_subject(c, e, cp), by, e->reason,
               ladder_role_audience(role), why, (long long)e->id,
               (long long)e->id);
    }
}

/* When the level's working time has passed for everyone it addresses:
 * the first of them to have had that much working time decides. */
static void
schedule_step(struct ctx *c, const struct escalation *e,
              const struct ladder *l)
{
    int64_t ms = l->level[e->level].ms;
    struct person *ps;
    size_t n = role_people(c, e->campaign_id, level_role(l, e->level), &ps);
    int64_t due = n ? INT64_MAX : e->level_since + ms;
    for (size_t i = 0; i < n; i++) {
        int64_t at = avail_add(c, &ps[i], e->level_since, ms);
        if (at < due)
            due = at;
    }
    struct job j = {
        .due_at = due,
        .kind = "escalation.step",
        .campaign_id = e->campaign_id,
        .escalation_id = e->id,
    };
    if (schedule_job_add(c, &j) != CH_OK)
        log_error("escalation", "could not schedule E%lld's next step",
                  (long long)e->id);
}

/* The first level at or after (*level, *cycle) that somebody holds,
 * wrapping to the bottom while repeats remain.  Skips are audited.
 * False when nobody is left to climb to. */
static bool
next_staffed(struct ctx *c, const struct escalation *e,
             const struct ladder *l, int *level, int *cycle)
{
    int lv = *level, cy = *cycle;
    for (size_t tries = 0; tries < l->n * 2 + 2; tries++) {
        if ((size_t)lv >= l->n) {
            if (cy >= l->repeats)
                return false;
            lv = 0;
            cy++;
        }
        struct person *ps;
        unsigned role = level_role(l, lv);
        if (role_people(c, e->campaign_id, role, &ps) > 0) {
            *level = lv;
            *cycle = cy;
            return true;
        }
        ctx_audit(c, e->campaign_id, esc_name(c, e->id), "escalation.skip",
                  "nobody holds the %s role: skipped %s",
                  role == ROLE_ADMIN ? "admin" : model_role_name(role),
                  ladder_role_audience(role));
        lv++;
    }
    return false;
}

enum ch_status
escalation_open(struct ctx *c, const struct campaign *cp,
                int64_t deliverable_id, enum escalation_cause cause,
                const char *reason, int64_t opened_by, struct escalation *e,
                bool *opened)
{
    *opened = false;
    if (cause != ESC_MANUAL &&
        store_escalation_find_open(c->st, c->a, cp->id, deliverable_id, cause,
                                   e) == CH_OK) {
        /* One open escalation per subject and cause: say what is new. */
        if (strcmp(e->reason, reason) != 0) {
            enum ch_status s = store_escalation_set_reason(c->st, e->id,
                                                           reason);
            if (s != CH_OK)
                return s;
            ctx_audit(c, cp->id, esc_name(c, e->id), "escalation.update",
                      "%s", reason);
            e->reason = (char *)reason;
        }
        return CH_OK;
    }
    struct schedule sched;
    nudge_schedule_for(c, cp->id, &sched);
    char text[256];
    ladder_format(&sched.ladder, text, sizeof(text));
    *e = (struct escalation){
        .campaign_id = cp->id,
        .deliverable_id = deliverable_id,
        .reason = (char *)reason,
        .opened_by = opened_by,
        .opened_at = c->now,
        .level_since = c->now,
        .cause = cause,
        .ladder = text,
        .repeats = sched.ladder.repeats,
    };
    int level = 0, cycle = 0;
    bool staffed = next_staffed(c, e, &sched.ladder, &level, &cycle);
    e->level = staffed ? level : (int)sched.ladder.n - 1;
    e->cycle = cycle;
    enum ch_status s = store_escalation_insert(c->st, e);
    if (s != CH_OK)
        return s;
    e->ladder = arena_strdup(c->a, text);
    *opened = true;
    const char *id = esc_name(c, e->id);
    const char *what = escalation_subject(c, e, cp);
    const char *who = opened_by ? ctx_mark_person(c, opened_by) : "chorus";
    if (cause == ESC_MANUAL)
        ctx_audit(c, cp->id, id, "escalation.open", "on %s: %s", what,
                  reason);
    else
        ctx_audit(c, cp->id, id, "escalation.open", "by chorus on %s (%s): %s",
                  what, cause_words[cause], reason);
    if (deliverable_id)
        ctx_audit(c, cp->id, what, "escalation.open", "%s: %s", id, reason);
    const char *with =
        ladder_role_audience(level_role(&sched.ladder, e->level));
    if (!staffed) {
        ctx_audit(c, cp->id, id, "escalation.rest",
                  "nobody holds any role of its ladder");
        ctx_post(c, cp->id, NULL,
                 "%s opened %s on %s: %s. Nobody holds a role on its "
                 "ladder: add a coordinator to %s.",
                 who, id, what, reason, cp->slug);
        return CH_OK;
    }
    notify_level(c, e, cp, &sched.ladder, "");
    schedule_step(c, e, &sched.ladder);
    ctx_post(c, cp->id, NULL, "%s opened %s on %s: %s. It is with %s.", who,
             id, what, reason, with);
    return CH_OK;
}

void
escalation_told(struct ctx *c, const struct escalation *e, int64_t person_id,
                unsigned role)
{
    struct ladder l;
    esc_ladder(c, e, &l);
    int level = -1;
    for (size_t i = 0; i < l.n; i++)
        if (level < 0 && l.level[i].role == role)
            level = (int)i;
    store_escalation_reached_add(c->st, e->id, person_id, level, c->now);
}

enum ch_status
escalation_check_handler(struct ctx *c, const struct escalation *e,
                         const struct campaign *cp, const char *verb)
{
    unsigned roles = c->cmd->roles;
    bool resolving = strcmp(verb, "resolve") == 0;
    if (perm_allows(&c->set->perms, ACT_HANDLE_ESCALATION, roles))
        return CH_OK;
    struct ladder l;
    esc_ladder(c, e, &l);
    unsigned allowed = 0;
    for (size_t lv = (size_t)e->level; lv < l.n; lv++)
        allowed |= l.level[lv].role;
    if (roles & allowed)
        return CH_OK;
    /* Whoever it reached on its way up, who picked it up, or who raised
     * it may still close it: they are often the one who fixed the
     * problem. */
    if (resolving && c->has_caller &&
        (e->acked_by == c->caller.id || e->opened_by == c->caller.id ||
         store_escalation_was_reached(c->st, e->id, c->caller.id)))
        return CH_OK;
    allowed |= c->set->perms.roles[ACT_HANDLE_ESCALATION];
    char who[128];
    model_role_describe(allowed, who, sizeof(who));
    return ch_fail(&c->err, CH_DENIED,
                   "E%lld in %s is %s: to %s it you need the role %s",
                   (long long)e->id, cp->slug, escalation_standing(c, e), verb,
                   who);
}

/* Remind whoever acknowledged it after `working` of their time. */
static void
schedule_reminder(struct ctx *c, const struct escalation *e, int64_t person,
                  int count)
{
    struct person p;
    if (store_people_get(c->st, c->a, person, &p) != CH_OK)
        return;
    struct schedule s;
    nudge_schedule_for(c, e->campaign_id, &s);
    int64_t working = s.ack_reminder;
    if (working <= 0)    /* one working day of theirs */
        working = (int64_t)(p.work_end - p.work_start) * MS_PER_MIN;
    if (!p.hours_set && s.ack_reminder <= 0)
        working = (int64_t)(c->set->work_end - c->set->work_start) *
                  MS_PER_MIN;
    struct job j = {
        .due_at = avail_add(c, &p, c->now, working),
        .kind = "escalation.remind",
        .campaign_id = e->campaign_id,
        .escalation_id = e->id,
        .person_id = person,
        .arg = arena_printf(c->a, "%d", count),
    };
    if (schedule_job_add(c, &j) != CH_OK)
        log_error("escalation", "could not schedule E%lld's reminder",
                  (long long)e->id);
}

enum ch_status
escalation_acknowledge(struct ctx *c, const struct escalation *e,
                       const struct campaign *cp, const char *note)
{
    enum ch_status s = store_escalation_ack(c->st, e->id, c->caller.id, note,
                                            c->now);
    if (s != CH_OK)
        return s;
    schedule_cancel_escalation(c, e->id);
    schedule_reminder(c, e, c->caller.id, 1);
    const char *id = esc_name(c, e->id);
    struct ladder l;
    esc_ladder(c, e, &l);
    ctx_audit(c, cp->id, id, "escalation.ack", "with %s%s%s",
              ladder_role_audience(level_role(&l, e->level)),
              note ? ": " : "", note ? note : "");
    const char *with = note ? arena_printf(c->a, ": %s", note) : "";
    if (e->opened_by && e->opened_by != c->caller.id)
        ctx_dm(c, e->opened_by, NULL, "%s acknowledged %s on %s%s",
               ctx_mark_person(c, c->caller.id), id,
               escalation_subject(c, e, cp), with);
    ctx_post(c, cp->id, NULL, "%s acknowledged %s%s",
             ctx_mark_person(c, c->caller.id), id, with);
    campaign_refresh_status(c, cp);
    return CH_OK;
}

enum ch_status
escalation_resolve(struct ctx *c, const struct escalation *e,
                   const struct campaign *cp, int64_t by, const char *note)
{
    enum ch_status s = store_escalation_resolve(c->st, e->id, by, note,
                                                c->now);
    if (s != CH_OK)
        return s;
    schedule_cancel_escalation(c, e->id);
    const char *id = esc_name(c, e->id);
    const char *what = escalation_subject(c, e, cp);
    ctx_audit(c, cp->id, id, "escalation.resolve", "%s%s",
              by ? "" : "by chorus: ", note);
    const char *line =
        by ? arena_printf(c->a, "%s on %s is resolved by %s: %s", id, what,
                          ctx_mark_person(c, by), note)
           : arena_printf(c->a, "%s on %s resolved itself: %s.", id, what,
                          note);
    /* Everyone it reached, and who opened it, hears how it ended, as
     * news -- except whoever's own command ended it. */
    int64_t *reached;
    size_t n = 0;
    store_escalation_reached(c->st, c->a, e->id, &reached, &n);
    int64_t knows = by ? by : c->has_caller ? c->caller.id : 0;
    if (e->opened_by && e->opened_by != knows)
        ctx_dm_news(c, e->opened_by, NULL, "%s", line);
    for (size_t i = 0; i < n; i++)
        if (reached[i] != knows && reached[i] != e->opened_by)
            ctx_dm_news(c, reached[i], NULL, "%s", line);
    ctx_post(c, cp->id, NULL, "%s", line);
    campaign_refresh_status(c, cp);
    return CH_OK;
}

/* Why the fact behind an automatic escalation no longer holds, or NULL
 * while it does. */
static const char *
fact_cleared(struct ctx *c, const struct escalation *e,
             const struct deliverable *d)
{
    switch (d->state) {
    case DELIV_CANCELLED: return "the deliverable was cancelled";
    case DELIV_MISSED:    return "the deliverable was marked missed";
    case DELIV_REJECTED:  return "the deliverable was rejected";
    default:              break;
    }
    switch (e->cause) {
    case ESC_OVERDUE_DRAFT:
        if (d->state != DELIV_PLANNED)
            return "the draft arrived";
        if (d->draft_due > c->now)
            return "the draft due date moved";
        return NULL;
    case ESC_OVERDUE_PUBLISH:
        if (d->state == DELIV_PUBLISHED)
            return "it was published";
        if (d->state != DELIV_APPROVED)
            return "it is no longer waiting to be published";
        if (d->publish_at > c->now)
            return "the publish date moved";
        return NULL;
    case ESC_GUARD: {
        if (d->state == DELIV_APPROVED || d->state == DELIV_PUBLISHED)
            return "the brand gave its final approval";
        struct schedule s;
        nudge_schedule_for(c, d->campaign_id, &s);
        if (d->publish_at - s.guard > c->now)
            return "the publish date moved out of the approval guard's "
                   "window";
        return NULL;
    }
    case ESC_RED_STANDUP:
        return standup_red_cleared(c, e, d);
    default:
        return NULL;
    }
}

static void
clear_where(struct ctx *c, const struct deliverable *d, const char *why)
{
    struct escalation *es;
    size_t n;
    if (store_escalation_list_deliverable(c->st, c->a, d->id, &es, &n) !=
            CH_OK ||
        n == 0)
        return;
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, d->campaign_id, &cp) != CH_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        if (es[i].cause == ESC_MANUAL)
            continue;   /* only resolve closes what a person opened */
        const char *because = why ? why : fact_cleared(c, &es[i], d);
        if (because)
            escalation_resolve(c, &es[i], &cp, 0, because);
    }
}

void
escalation_follow(struct ctx *c, const struct deliverable *d)
{
    clear_where(c, d, NULL);
}

void
escalation_clear_deliverable(struct ctx *c, const struct deliverable *d,
                             const char *why)
{
    clear_where(c, d, why);
}

enum ch_status
escalation_step(struct ctx *c, const struct job *j)
{
    struct escalation e;
    if (store_escalation_get(c->st, c->a, j->escalation_id, &e) != CH_OK ||
        e.state != ESC_OPEN)
        return CH_OK;   /* acknowledged or resolved meanwhile */
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, e.campaign_id, &cp) != CH_OK)
        return CH_OK;
    struct ladder l;
    esc_ladder(c, &e, &l);
    int from = e.level;
    const char *waited = working_time(
        c, l.level[(size_t)from < l.n ? from : (int)l.n - 1].ms);
    const char *from_name = ladder_role_audience(level_role(&l, from));
    const char *id = esc_name(c, e.id);
    int level = from + 1, cycle = e.cycle;
    if (!next_staffed(c, &e, &l, &level, &cycle)) {
        /* The last level keeps it: nothing further to climb to. */
        ctx_audit(c, cp.id, id, "escalation.rest",
                  "no acknowledgement from %s within %s; it stays with them "
                  "after %d round%s of the ladder",
                  from_name, waited, e.cycle + 1, e.cycle ? "s" : "");
        ctx_post(c, cp.id, NULL,
                 "%s went up the whole ladder %d time%s without an "
                 "acknowledgement. It stays open with %s: ack %s when "
                 "someone picks it up.",
                 id, e.cycle + 1, e.cycle ? "s" : "", from_name, id);
        return CH_OK;
    }
    enum ch_status s =
        store_escalation_set_level(c->st, e.id, level, cycle, c->now);
    if (s != CH_OK)
        return s;
    e.level = level;
    e.cycle = cycle;
    e.level_since = c->now;
    const char *to_name = ladder_role_audience(level_role(&l, level));
    ctx_audit(c, cp.id, id, "escalation.step",
              "no acknowledgement from %s within %s: now with %s%s",
              from_name, waited, to_name,
              cycle > 0 && level == 0 ? " (the ladder starts over)" : "");
    notify_level(c, &e, &cp, &l,
                 arena_printf(c->a, ": no acknowledgement from %s within %s",
                              from_name, waited));
    ctx_post(c, cp.id, NULL,
             "%s moved to %s: no acknowledgement from %s within %s.", id,
             to_name, from_name, waited);
    schedule_step(c, &e, &l);
    return CH_OK;
}

enum ch_status
escalation_remind(struct ctx *c, const struct job *j)
{
    struct escalation e;
    struct campaign cp;
    if (store_escalation_get(c->st, c->a, j->escalation_id, &e) != CH_OK ||
        e.state != ESC_ACKNOWLEDGED || e.acked_by != j->person_id ||
        store_campaign_get(c->st, c->a, e.campaign_id, &cp) != CH_OK)
        return CH_OK;
    struct person p;
    if (store_people_get(c->st, c->a, j->person_id, &p) != CH_OK)
        return CH_OK;
    if (avail_why_not(c, &p, c->now)) {
        struct job again = *j;
        again.due_at = avail_next(c, &p, c->now);
        return schedule_job_add(c, &again);
    }
    int count = j->arg ? (int)strtol(j->arg, NULL, 10) : 1;
    ctx_dm(c, p.id, NULL,
           "%s on %s, which you acknowledged %s ago, is still open: %s. When "
           "it is sorted, close it with resolve %s <note>.",
           esc_name(c, e.id), escalation_subject(c, &e, &cp),
           ctx_duration(c, c->now - e.acked_at), e.reason,
           esc_name(c, e.id));
    ctx_audit(c, cp.id, esc_name(c, e.id), "escalation.remind",
              "still open %s after the acknowledgement",
              ctx_duration(c, c->now - e.acked_at));
    if (count < ACK_REMINDERS)
        schedule_reminder(c, &e, p.id, count + 1);
    return CH_OK;
}
