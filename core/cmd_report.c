/* status, audit, help. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "when.h"

#define AUDIT_LINES 30

static enum ch_status
need_view(struct ctx *c, const struct campaign *cp)
{
    unsigned roles =
        store_participant_role_in(c->st, cp->id, c->caller.id, NULL, c->a) |
        (c->caller_admin ? ROLE_ADMIN : 0);
    if (perm_allows(&c->set->perms, ACT_VIEW, roles))
        return CH_OK;
    char who[96];
    command_roles_needed(c, ACTS(ACT_VIEW), who, sizeof(who));
    return ch_fail(&c->err, CH_DENIED,
                   "you are not part of %s: seeing it needs the role %s",
                   cp->slug, who);
}

enum ch_status
cmd_report_status(struct ctx *c)
{
    const struct arg *sa = command_arg(c, "slug");
    const struct campaign *cp = sa ? sa->campaign
                                   : c->in_channel ? &c->here : NULL;
    if (cp) {
        enum ch_status s = need_view(c, cp);
        if (s != CH_OK)
            return s;
        campaign_status_text(c, cp, &c->caller, &c->reply);
        return CH_OK;
    }
    struct campaign *list;
    size_t n;
    store_campaign_list_for(c->st, c->a, c->caller_admin ? 0 : c->caller.id,
                            &list, &n);
    if (n == 0) {
        ctx_reply(c, "You are not part of any campaign yet.");
        return CH_OK;
    }
    ctx_reply(c, "%s campaigns (status <slug> for details):",
              c->caller_admin ? "All" : "Your");
    for (size_t i = 0; i < n; i++) {
        struct deliverable *ds;
        size_t nd;
        store_deliverable_list(c->st, c->a, list[i].id, 0, &ds, &nd);
        size_t open = 0, done = 0;
        for (size_t j = 0; j < nd; j++) {
            open += model_deliverable_open(ds[j].state);
            done += ds[j].state == DELIV_APPROVED ||
                    ds[j].state == DELIV_PUBLISHED;
        }
        struct escalation *es;
        size_t ne;
        store_escalation_list_open(c->st, c->a, list[i].id, &es, &ne);
        ctx_reply(c, "  %s (%s) · %s · %zu open, %zu approved%s%s",
                  list[i].slug, list[i].brand,
                  model_campaign_states[list[i].state], open, done,
                  ne ? " · open escalations: " : "",
                  ne ? arena_printf(c->a, "%zu", ne) : "");
    }
    return CH_OK;
}

enum ch_status
cmd_report_audit(struct ctx *c)
{
    const struct arg *a = command_arg(c, "slug|ref|E<N>");
    const struct campaign *cp = a->campaign;
    const char *subject = NULL;
    if (a->deliv)
        subject = campaign_deliv_ref(c, a->deliv);
    else if (a->esc)
        subject = arena_printf(c->a, "E%lld", (long long)a->esc->id);
    struct audit_line *lines;
    size_t n;
    int64_t total;
    if (store_audit_list(c->st, c->a, cp->id, subject, AUDIT_LINES, &lines, &n,
                         &total) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "cannot read the audit log");
    /* Times in the reader's zone, named once. */
    ctx_reply(c, "Audit log of %s (%lld line%s%s), times in %s:",
              subject ? subject : cp->slug, (long long)total,
              total == 1 ? "" : "s",
              total > AUDIT_LINES
                  ? arena_printf(c->a, ", last %d shown", AUDIT_LINES)
                  : "",
              c->caller_zone);
    for (size_t i = 0; i < n; i++) {
        char day[32], iso[32];
        when_format(lines[i].at, c->caller_zone, c->now, WHEN_DATE, day,
                    sizeof(day));
        when_format(lines[i].at, c->caller_zone, c->now, WHEN_ISO, iso,
                    sizeof(iso));
        ctx_reply(c, "  %s %s  %s  %s%s%s  %s", day, iso + 11, lines[i].actor,
                  lines[i].action, subject || !lines[i].subject ? "" : " ",
                  subject || !lines[i].subject ? "" : lines[i].subject,
                  lines[i].detail ? lines[i].detail : "");
    }
    return CH_OK;
}

enum ch_status
cmd_report_help(struct ctx *c)
{
    command_help(c, command_arg_text(c, "command"));
    return CH_OK;
}
