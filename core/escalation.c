/* The escalation ladder: levels, notifications and the step job. */
#include <stdio.h>
#include <string.h>

#include "escalation.h"
#include "avail.h"
#include "log.h"
#include "when.h"

static const unsigned ladder_roles[ESC_LEVELS] = {
    ROLE_COORDINATOR, ROLE_AGENCY, ROLE_BRAND, ROLE_ADMIN,
};
static const char *const ladder_names[ESC_LEVELS] = {
    "the coordinators", "the agency", "the brand", "the workspace admins",
};

unsigned
escalation_level_role(int level)
{
    return level >= 0 && level < ESC_LEVELS ? ladder_roles[level] : ROLE_ADMIN;
}

const char *
escalation_level_name(int level)
{
    return level >= 0 && level < ESC_LEVELS ? ladder_names[level]
                                            : "the workspace admins";
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
escalation_ack_button(struct ctx *c, int64_t id)
{
    struct out_button b = {
        .label = "Acknowledge", .style = "primary",
        .command = arena_printf(c->a, "ack E%lld", (long long)id),
    };
    return ctx_buttons_encode(c, &b, 1);
}

void
escalation_notify_level(struct ctx *c, const struct escalation *e,
                        const struct campaign *cp, const char *why)
{
    unsigned role = escalation_level_role(e->level);
    const char *subject = escalation_subject(c, e, cp);
    const char *button = escalation_ack_button(c, e->id);
    const char *text =
        arena_printf(c->a,
                     "Escalation E%lld on %s%s: %s (opened by %s). Acknowledge "
                     "with ack E%lld, close with resolve E%lld <note>.",
                     (long long)e->id, subject, why, e->reason,
                     e->opened_by ? ctx_mark_person(c, e->opened_by) : "chorus",
                     (long long)e->id, (long long)e->id);
    if (role != ROLE_ADMIN) {
        ctx_dm_roles(c, cp->id, role, 0, button, "%s", text);
        return;
    }
    /* Admins come from the configuration, not from the campaign. */
    const struct core_settings *s = c->set;
    for (size_t i = 0; i < s->nadmins; i++) {
        struct person p;
        if (people_of_admin(c, s->admins[i], &p) == CH_OK)
            ctx_dm(c, p.id, button, "%s", text);
    }
}

/* Is anyone there to hear this level? */
static bool
level_staffed(struct ctx *c, int64_t campaign_id, int level)
{
    unsigned role = escalation_level_role(level);
    if (role == ROLE_ADMIN)
        return c->set->nadmins > 0;
    struct participant *ps;
    size_t n;
    return store_participant_list(c->st, c->a, campaign_id, role, &ps, &n) ==
               CH_OK &&
           n > 0;
}

/* Someone at the level, whose working hours the timeout counts. */
static bool
level_person(struct ctx *c, int64_t campaign_id, int level, struct person *p)
{
    unsigned role = escalation_level_role(level);
    if (role == ROLE_ADMIN) {
        for (size_t i = 0; i < c->set->nadmins; i++)
            if (people_of_admin(c, c->set->admins[i], p) == CH_OK)
                return true;
        return false;
    }
    struct participant *ps;
    size_t n;
    if (store_participant_list(c->st, c->a, campaign_id, role, &ps, &n) !=
            CH_OK ||
        n == 0)
        return false;
    return store_people_get(c->st, c->a, ps[0].person_id, p) == CH_OK;
}

void
escalation_schedule(struct ctx *c, const struct escalation *e)
{
    /* Timeouts count the working hours of the person addressed: four
     * hours at 17:00 on a Friday run out on Monday. */
    int64_t due = e->level_since + c->set->ladder_ms[e->level];
    struct person p;
    if (level_person(c, e->campaign_id, e->level, &p))
        due = avail_add(c, &p, e->level_since, c->set->ladder_ms[e->level]);
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

void
escalation_unschedule(struct ctx *c, int64_t escalation_id)
{
    schedule_cancel_escalation(c, escalation_id);
}

enum ch_status
escalation_open_auto(struct ctx *c, const struct campaign *cp,
                     int64_t deliverable_id, const char *reason, int64_t *id)
{
    struct escalation e = {
        .campaign_id = cp->id,
        .deliverable_id = deliverable_id,
        .reason = (char *)reason,
        .opened_at = c->now,
        .level_since = c->now,
    };
    enum ch_status s = store_escalation_insert(c->st, &e);
    if (s != CH_OK)
        return s;
    char esc_id[24];
    snprintf(esc_id, sizeof(esc_id), "E%lld", (long long)e.id);
    const char *what = escalation_subject(c, &e, cp);
    ctx_audit(c, cp->id, esc_id, "escalation.open", "by chorus on %s: %s", what,
              reason);
    escalation_notify_level(c, &e, cp, "");
    escalation_schedule(c, &e);
    ctx_post(c, cp->id, NULL, "chorus opened %s on %s: %s. It is with %s.",
             esc_id, what, reason, escalation_level_name(0));
    if (id)
        *id = e.id;
    return CH_OK;
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
    int from = e.level;
    int level = e.level;
    int cycle = e.cycle;
    /* Climb to the next level that has someone on it. */
    for (int tries = 0; tries < ESC_LEVELS * 2; tries++) {
        level++;
        if (level >= ESC_LEVELS) {
            level = 0;
            cycle++;
        }
        if (level_staffed(c, cp.id, level))
            break;
    }
    char esc_id[24];
    snprintf(esc_id, sizeof(esc_id), "E%lld", (long long)e.id);
    char waited[32];
    when_duration_format(c->set->ladder_ms[from], waited, sizeof(waited));
    if (cycle > c->set->ladder_repeats) {
        ctx_audit(c, cp.id, esc_id, "escalation.exhausted",
                  "no acknowledgement after %d rounds of the ladder", cycle);
        ctx_post(c, cp.id, NULL,
                 "%s went up the whole ladder %d times without an "
                 "acknowledgement. It stays open: ack %s when someone picks it "
                 "up.",
                 esc_id, cycle, esc_id);
        return CH_OK;
    }
    enum ch_status s =
        store_escalation_set_level(c->st, e.id, level, cycle, c->now);
    if (s != CH_OK)
        return s;
    e.level = level;
    e.cycle = cycle;
    e.level_since = c->now;
    ctx_audit(c, cp.id, esc_id, "escalation.step",
              "no acknowledgement from %s within %s: now with %s",
              escalation_level_name(from), waited,
              escalation_level_name(level));
    escalation_notify_level(
        c, &e, &cp,
        arena_printf(c->a, " (no acknowledgement from %s within %s)",
                     escalation_level_name(from), waited));
    ctx_post(c, cp.id, NULL,
             "%s moved up to %s: no acknowledgement from %s "
             "within %s.",
             esc_id, escalation_level_name(level), escalation_level_name(from),
             waited);
    escalation_schedule(c, &e);
    return CH_OK;
}
