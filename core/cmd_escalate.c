/*
 * escalate, ack, resolve.  The ladder's levels name roles, not
 * people: coordinator -> agency -> brand -> workspace admins.  Whoever
 * holds the current level's role, or a role above it, may acknowledge or
 * resolve; so may the roles `permit handle_escalation` names (admins by
 * default).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "escalation.h"

/* May the caller act on an escalation at its current level? */
static enum ch_status
check_handler(struct ctx *c, const struct escalation *e,
              const struct campaign *cp, const char *verb)
{
    unsigned roles = c->cmd->roles;
    if (perm_allows(&c->set->perms, ACT_HANDLE_ESCALATION, roles))
        return CH_OK;
    for (int l = e->level; l < ESC_LEVELS; l++)
        if (roles & escalation_level_role(l))
            return CH_OK;
    unsigned allowed = 0;
    for (int l = e->level; l < ESC_LEVELS; l++)
        allowed |= escalation_level_role(l);
    allowed |= c->set->perms.roles[ACT_HANDLE_ESCALATION];
    char who[128];
    model_role_describe(allowed, who, sizeof(who));
    return ch_fail(&c->err, CH_DENIED,
                   "E%lld is with %s of %s: to %s it you need the role %s",
                   (long long)e->id, escalation_level_name(e->level), cp->slug,
                   verb, who);
}

enum ch_status
cmd_escalate(struct ctx *c)
{
    const struct arg *subject = command_arg(c, "ref|slug");
    const struct campaign *cp = subject->campaign;
    const char *reason = command_arg_text(c, "reason");
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    struct escalation e = {
        .campaign_id = cp->id,
        .deliverable_id = subject->deliv ? subject->deliv->id : 0,
        .reason = (char *)reason,
        .opened_by = c->caller.id,
        .opened_at = c->now,
        .level = 0,
        .level_since = c->now,
    };
    enum ch_status s = store_escalation_insert(c->st, &e);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not open the escalation");
    const char *what = escalation_subject(c, &e, cp);
    char esc_id[24];
    snprintf(esc_id, sizeof(esc_id), "E%lld", (long long)e.id);
    ctx_audit(c, cp->id, esc_id, "escalation.open", "on %s: %s", what, reason);
    if (subject->deliv)
        ctx_audit(c, cp->id, what, "escalation.open", "%s: %s", esc_id, reason);
    escalation_notify_level(c, &e, cp, "");
    escalation_schedule(c, &e);
    ctx_post(c, cp->id, NULL, "%s opened %s on %s: %s. It is with %s.",
             ctx_mark_person(c, c->caller.id), esc_id, what, reason,
             escalation_level_name(0));
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Opened %s on %s; %s were told.", esc_id, what,
              escalation_level_name(0));
    return CH_OK;
}

enum ch_status
cmd_escalate_ack(struct ctx *c)
{
    const struct arg *ea = command_arg(c, "escalation");
    struct escalation *e = ea->esc;
    const struct campaign *cp = ea->campaign;
    enum ch_status s = check_handler(c, e, cp, "acknowledge");
    if (s != CH_OK)
        return s;
    if (e->state == ESC_RESOLVED)
        return ch_fail(&c->err, CH_CONFLICT, "E%lld is already resolved",
                       (long long)e->id);
    if (e->state == ESC_ACKNOWLEDGED) {
        struct person by;
        bool known = store_people_get(c->st, c->a, e->acked_by, &by) == CH_OK;
        return ch_fail(&c->err, CH_CONFLICT,
                       "E%lld was already acknowledged%s%s", (long long)e->id,
                       known ? " by " : "", known ? by.name : "");
    }
    const char *note = command_arg_text(c, "note");
    s = store_escalation_ack(c->st, e->id, c->caller.id, note, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not acknowledge E%lld",
                       (long long)e->id);
    escalation_unschedule(c, e->id);
    char esc_id[24];
    snprintf(esc_id, sizeof(esc_id), "E%lld", (long long)e->id);
    ctx_audit(c, cp->id, esc_id, "escalation.ack", "at level %d (%s)%s%s",
              e->level, escalation_level_name(e->level), note ? ": " : "",
              note ? note : "");
    const char *with = note ? arena_printf(c->a, ": %s", note) : "";
    if (e->opened_by && e->opened_by != c->caller.id)
        ctx_dm(c, e->opened_by, NULL, "%s acknowledged %s%s",
               ctx_mark_person(c, c->caller.id), esc_id, with);
    ctx_post(c, cp->id, NULL, "%s acknowledged %s%s",
             ctx_mark_person(c, c->caller.id), esc_id, with);
    campaign_refresh_status(c, cp);
    ctx_reply(c,
              "Acknowledged %s; it stops climbing. Close it with resolve %s "
              "<note>.",
              esc_id, esc_id);
    return CH_OK;
}

enum ch_status
cmd_escalate_resolve(struct ctx *c)
{
    const struct arg *ea = command_arg(c, "escalation");
    struct escalation *e = ea->esc;
    const struct campaign *cp = ea->campaign;
    enum ch_status s = check_handler(c, e, cp, "resolve");
    if (s != CH_OK)
        return s;
    if (e->state == ESC_RESOLVED)
        return ch_fail(&c->err, CH_CONFLICT, "E%lld is already resolved: %s",
                       (long long)e->id, e->resolution ? e->resolution : "");
    const char *note = command_arg_text(c, "note");
    s = store_escalation_resolve(c->st, e->id, c->caller.id, note, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not resolve E%lld",
                       (long long)e->id);
    escalation_unschedule(c, e->id);
    char esc_id[24];
    snprintf(esc_id, sizeof(esc_id), "E%lld", (long long)e->id);
    ctx_audit(c, cp->id, esc_id, "escalation.resolve", "%s", note);
    if (e->opened_by && e->opened_by != c->caller.id)
        ctx_dm(c, e->opened_by, NULL, "%s resolved %s: %s",
               ctx_mark_person(c, c->caller.id), esc_id, note);
    ctx_post(c, cp->id, NULL, "%s resolved %s: %s",
             ctx_mark_person(c, c->caller.id), esc_id, note);
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Resolved %s.", esc_id);
    return CH_OK;
}
