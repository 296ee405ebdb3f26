/*
 * escalate, ack, resolve.  The ladder's levels name roles, not people
 * (escalation.h); who may handle one is escalation_check_handler()'s
 * rule.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "escalation.h"

enum ch_status
cmd_escalate(struct ctx *c)
{
    const struct arg *subject = command_arg(c, "ref|slug");
    const struct campaign *cp = subject->campaign;
    const char *reason = command_arg_text(c, "reason");
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    struct escalation e;
    bool opened;
    enum ch_status s = escalation_open(
        c, cp, subject->deliv ? subject->deliv->id : 0, ESC_MANUAL, reason,
        c->caller.id, &e, &opened);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not open the escalation");
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Opened E%lld on %s; it is %s. Close it with resolve E%lld "
              "<note> when it is sorted.",
              (long long)e.id, escalation_subject(c, &e, cp),
              escalation_standing(c, &e), (long long)e.id);
    return CH_OK;
}

/* Acting on a closed escalation says how it was closed. */
static enum ch_status
already_resolved(struct ctx *c, const struct escalation *e)
{
    if (e->resolved_by == 0)
        return ch_fail(&c->err, CH_CONFLICT,
                       "E%lld already resolved itself %s: %s",
                       (long long)e->id,
                       ctx_time_for_caller(c, e->resolved_at),
                       e->resolution ? e->resolution : "");
    return ch_fail(&c->err, CH_CONFLICT, "E%lld was already resolved by %s: %s",
                   (long long)e->id, ctx_mark_person(c, e->resolved_by),
                   e->resolution ? e->resolution : "");
}

enum ch_status
cmd_escalate_ack(struct ctx *c)
{
    const struct arg *ea = command_arg(c, "escalation");
    struct escalation *e = ea->esc;
    const struct campaign *cp = ea->campaign;
    if (e->state == ESC_RESOLVED)
        return already_resolved(c, e);
    enum ch_status s = escalation_check_handler(c, e, cp, "acknowledge");
    if (s != CH_OK)
        return s;
    if (e->state == ESC_ACKNOWLEDGED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "E%lld was already acknowledged by %s",
                       (long long)e->id, ctx_mark_person(c, e->acked_by));
    s = escalation_acknowledge(c, e, cp, command_arg_text(c, "note"));
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not acknowledge E%lld",
                       (long long)e->id);
    ctx_reply(c,
              "Acknowledged E%lld; it stops climbing. Close it with resolve "
              "E%lld <note> when it is sorted.",
              (long long)e->id, (long long)e->id);
    return CH_OK;
}

enum ch_status
cmd_escalate_resolve(struct ctx *c)
{
    const struct arg *ea = command_arg(c, "escalation");
    struct escalation *e = ea->esc;
    const struct campaign *cp = ea->campaign;
    if (e->state == ESC_RESOLVED)
        return already_resolved(c, e);
    enum ch_status s = escalation_check_handler(c, e, cp, "resolve");
    if (s != CH_OK)
        return s;
    s = escalation_resolve(c, e, cp, c->caller.id,
                           command_arg_text(c, "note"));
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not resolve E%lld",
                       (long long)e->id);
    ctx_reply(c, "Resolved E%lld.", (long long)e->id);
    return CH_OK;
}
