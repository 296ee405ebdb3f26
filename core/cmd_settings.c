/* settings: a campaign's schedule settings, shown and changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "commands.h"
#include "ladder.h"
#include "core_internal.h"
#include "nudge.h"
#include "schedule.h"
#include "when.h"

enum ch_status
cmd_settings(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    static const char *const keys[] = { "nudge_before", "nudge_after", "cap",
                                        "guard", "fix_window", "response",
                                        "lead_time", "ladder", "repeats",
                                        "ack_reminder" };
    bool changing = false;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        changing |= command_arg(c, keys[i]) != NULL;
    if (changing && !perm_allows(&c->set->perms, ACT_MANAGE, c->cmd->roles)) {
        char need[96];
        command_roles_needed(c, ACTS(ACT_MANAGE), need, sizeof(need));
        return ch_fail(&c->err, CH_DENIED,
                       "changing the settings of %s needs the role %s",
                       cp->slug, need);
    }
    if (changing) {
        struct schedule_row r;
        store_schedule_row(c->st, c->a, cp->id, &r);
        const struct arg *a;
        if ((a = command_arg(c, "nudge_before")))
            r.before = strcmp(a->text, "none") ? (char *)a->text : "";
        if ((a = command_arg(c, "nudge_after")))
            r.after = strcmp(a->text, "none") ? (char *)a->text : "";
        if ((a = command_arg(c, "cap")))
            r.cap = (int)a->num;
        if ((a = command_arg(c, "guard")))
            r.guard = a->num;
        if ((a = command_arg(c, "fix_window")))
            r.fix = a->num;
        if ((a = command_arg(c, "response")))
            r.response = a->num;
        if ((a = command_arg(c, "lead_time")))
            r.lead = a->num;
        if ((a = command_arg(c, "ladder")))
            r.ladder = (char *)a->text;
        if ((a = command_arg(c, "repeats")))
            r.repeats = (int)strtol(a->text, NULL, 10);
        if ((a = command_arg(c, "ack_reminder")))
            r.ack_reminder = a->num;
        enum ch_status s = store_schedule_put(c->st, cp->id, &r);
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not save the settings");
        /* Re-plan what is already scheduled under the old settings. */
        struct deliverable *ds;
        size_t nd;
        store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
        for (size_t i = 0; i < nd; i++)
            nudge_plan_deliverable(c, &ds[i]);
    }
    struct schedule s;
    nudge_schedule_for(c, cp->id, &s);
    char ladder[256];
    ladder_format(&s.ladder, ladder, sizeof(ladder));
    const char *text = arena_printf(
        c->a,
        "nudges before %s; after %s; at most %d a day per person; "
        "approval guard %s before publishing; fix window %s; questions "
        "answered within %s; lead time %s; escalations climb %s (working "
        "time per level), start over at most %d time%s, and remind whoever "
        "acknowledged one after %s",
        nudge_durations_text(c, s.before, s.nbefore),
        nudge_durations_text(c, s.after, s.nafter), s.cap,
        ctx_duration(c, s.guard), ctx_duration(c, s.fix),
        ctx_duration(c, s.response), ctx_duration(c, s.lead), ladder,
        s.ladder.repeats, s.ladder.repeats == 1 ? "" : "s",
        s.ack_reminder > 0 ? ctx_duration(c, s.ack_reminder)
                           : "a working day");
    if (changing)
        ctx_audit(c, cp->id, cp->slug, "campaign.settings", "%s", text);
    ctx_reply(c, "%s of %s: %s.", changing ? "New settings" : "Settings",
              cp->slug, text);
    return CH_OK;
}
