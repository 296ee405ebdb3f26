/* settings: a campaign's schedule and review settings, shown and
 * changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "commands.h"
#include "ladder.h"
#include "core_internal.h"
#include "gate.h"
#include "nudge.h"
#include "rhythm.h"
#include "schedule.h"
#include "when.h"

static const char *const mode_words[] = {
    [REVIEW_TWO_STAGE] = "review in two stages (coordinator, then the "
                         "brand's final approval)",
    [REVIEW_BRAND_ONLY] = "review by the brand alone",
};

/* The mode as stored now (a switch in this command included). */
static enum review_mode
mode_now(struct ctx *c, const struct campaign *cp)
{
    struct campaign now;
    if (store_campaign_get(c->st, c->a, cp->id, &now) != CH_OK)
        return cp->review_mode;
    return now.review_mode;
}

/* review:brand_only moves what waits for the coordinators' review to the
 * brand, and tells the brand; review:two_stage leaves what waits for the
 * brand with the brand (the coordinators review the rounds that come
 * next). */
static enum ch_status
switch_mode(struct ctx *c, const struct campaign *cp, const char *word)
{
    int m = model_name_index(model_review_modes, word);
    if (m < 0 || (enum review_mode)m == cp->review_mode)
        return CH_OK;
    enum ch_status s = store_review_set_mode(c->st, cp->id,
                                             (enum review_mode)m);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not change the review of %s",
                       cp->slug);
    ctx_audit(c, cp->id, cp->slug, "campaign.review_mode", "%s -> %s",
              model_review_modes[cp->review_mode], model_review_modes[m]);
    struct deliverable *ds;
    size_t nd, moved = 0, staying = 0;
    store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
    for (size_t i = 0; i < nd; i++) {
        if (ds[i].state != DELIV_SUBMITTED)
            continue;
        if (m == REVIEW_TWO_STAGE) {
            staying += ds[i].stage == STAGE_BRAND;
            continue;
        }
        if (ds[i].stage != STAGE_REVIEW)
            continue;
        ds[i].stage = STAGE_BRAND;
        if ((s = store_deliverable_update(c->st, &ds[i], c->now)) != CH_OK)
            return ch_fail(&c->err, s, "could not move the submissions of %s",
                           cp->slug);
        const char *ref = campaign_deliv_ref(c, &ds[i]);
        ctx_audit(c, cp->id, ref, "review.moved",
                  "to the brand: %s is reviewed by the brand alone now",
                  cp->slug);
        ctx_dm_roles(c, cp->id, ROLE_BRAND, 0,
                     gate_review_buttons(c, ref, true),
                     "%s \"%s\" by %s waited for the coordinators' review; "
                     "%s is now reviewed by the brand alone, so it waits for "
                     "your approval.",
                     ref, ds[i].title, ctx_mark_person(c, ds[i].creator_id),
                     cp->slug);
        moved++;
    }
    if (m == REVIEW_BRAND_ONLY)
        ctx_post(c, cp->id, NULL, "%s is now reviewed by the brand alone%s.",
                 cp->slug, moved ? arena_printf(c->a, ": %zu submission%s "
                                                "waiting for review went to "
                                                "the brand", moved,
                                                moved == 1 ? "" : "s")
                                 : "");
    else
        ctx_post(c, cp->id, NULL, "%s is now reviewed in two stages: the "
                 "coordinators first, then the brand%s.", cp->slug,
                 staying ? arena_printf(c->a, " (%zu submission%s already "
                                        "with the brand stay%s there)",
                                        staying, staying == 1 ? "" : "s",
                                        staying == 1 ? "s" : "")
                         : "");
    campaign_refresh_status(c, cp);
    if (moved)
        ctx_reply(c, "%zu submission%s waiting for review went to the brand.",
                  moved, moved == 1 ? "" : "s");
    if (staying)
        ctx_reply(c, "%zu submission%s already waiting for the brand stay%s "
                  "with the brand.", staying, staying == 1 ? "" : "s",
                  staying == 1 ? "s" : "");
    return CH_OK;
}

enum ch_status
cmd_settings(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    static const char *const keys[] = { "nudge_before", "nudge_after", "cap",
                                        "guard", "fix_window", "response",
                                        "lead_time", "ladder", "repeats",
                                        "ack_reminder", "latency", "review",
                                        "grace", "late" };
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
        if ((a = command_arg(c, "latency")))
            r.latency = a->num;
        if ((a = command_arg(c, "grace")))
            r.grace = a->num;
        enum ch_status s = store_schedule_put(c->st, cp->id, &r);
        if (s == CH_OK && (a = command_arg(c, "late")))
            s = store_campaign_set_late(c->st, cp->id, (int)a->num);
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not save the settings");
        if ((a = command_arg(c, "review")) &&
            (s = switch_mode(c, cp, a->text)) != CH_OK)
            return s;
        /* Re-plan what is already scheduled under the old settings. */
        struct deliverable *ds;
        size_t nd;
        store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
        for (size_t i = 0; i < nd; i++)
            nudge_plan_deliverable(c, &ds[i]);
    }
    struct schedule s;
    nudge_schedule_for(c, cp->id, &s);
    /* The rhythm's revisions day takes the fix window's place. */
    struct rhythm r;
    const char *fix = ctx_duration(c, s.fix);
    if (rhythm_get(c, cp->id, &r) == CH_OK && r.day[RHYTHM_REVISIONS] >= 0)
        fix = arena_printf(c->a, "to the rhythm's revisions day (%s without "
                           "it)", fix);
    char ladder[256];
    ladder_format(&s.ladder, ladder, sizeof(ladder));
    const char *part[] = {
        arena_printf(c->a, "nudges before %s; after %s; at most %d a day per "
                     "person; overdue escalates after %s of the creator's "
                     "working time", nudge_durations_text(c, s.before,
                                                          s.nbefore),
                     nudge_durations_text(c, s.after, s.nafter), s.cap,
                     ctx_duration(c, s.grace)),
        arena_printf(c->a, "approval guard %s before publishing; fix window "
                     "%s; questions answered within %s; lead time %s",
                     ctx_duration(c, s.guard), fix,
                     ctx_duration(c, s.response), ctx_duration(c, s.lead)),
        arena_printf(c->a, "%s; approval latency alert after %s",
                     mode_words[mode_now(c, cp)],
                     ctx_duration(c, s.latency)),
        arena_printf(c->a, "escalations climb %s (working time per level), "
                     "start over at most %d time%s, and remind whoever "
                     "acknowledged one after %s", ladder, s.ladder.repeats,
                     s.ladder.repeats == 1 ? "" : "s",
                     s.ack_reminder > 0 ? ctx_duration(c, s.ack_reminder)
                                        : "a working day"),
    };
    /* The late rule, once one is set (payout.h). */
    int late = store_campaign_late(c->st, cp->id);
    const char *late_words =
        late < 0 ? ""
                 : arena_printf(c->a, "\n  late rule: %d%% of the fee when "
                                "the publish or fix window is missed "
                                "(unless the deliverable has its own)",
                                late);
    /* One line each in the reply; the audit line keeps them on one. */
    if (changing)
        ctx_audit(c, cp->id, cp->slug, "campaign.settings",
                  "%s; %s; %s; %s%s", part[0], part[1], part[2], part[3],
                  late < 0 ? "" : arena_printf(c->a, "; late %d%%", late));
    ctx_reply(c, "%s of %s:\n  %s\n  %s\n  %s\n  %s%s",
              changing ? "New settings" : "Settings", cp->slug, part[0],
              part[1], part[2], part[3], late_words);
    return CH_OK;
}
