/* A campaign's end: wrap (by hand or when its window ends) and close. */
#include <stdbool.h>
#include <string.h>

#include "conflict.h"
#include "core_internal.h"
#include "escalation.h"
#include "lifecycle.h"
#include "log.h"
#include "retro.h"
#include "schedule.h"

#define WRAP_JOB "campaign.wrap"

enum ch_status
lifecycle_plan(struct ctx *c, const struct campaign *cp)
{
    if (cp->ends_at == INT64_MIN)
        return CH_OK;
    /* One wrap job per campaign: a plan again replaces it. */
    enum ch_status s = store_jobs_delete_campaign(c->st, WRAP_JOB, cp->id);
    struct job j = {
        .due_at = cp->ends_at + 1 > c->now ? cp->ends_at + 1 : c->now,
        .kind = WRAP_JOB,
        .campaign_id = cp->id,
    };
    return s == CH_OK ? schedule_job_add(c, &j) : s;
}

static size_t
open_count(struct ctx *c, const struct campaign *cp)
{
    struct deliverable *ds;
    size_t n = 0, open = 0;
    if (store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &n) == CH_OK)
        for (size_t i = 0; i < n; i++)
            open += model_deliverable_open(ds[i].state);
    return open;
}

enum ch_status
lifecycle_wrap(struct ctx *c, const struct campaign *cp, bool by_hand)
{
    enum ch_status s =
        store_campaign_set_state(c->st, cp->id, CAMPAIGN_ACTIVE,
                                 CAMPAIGN_WRAPPED, c->now);
    if (s == CH_OK && by_hand)
        s = store_jobs_delete_campaign(c->st, WRAP_JOB, cp->id);
    if (s != CH_OK)
        return s;
    struct campaign live;
    if (store_campaign_get(c->st, c->a, cp->id, &live) != CH_OK)
        return CH_INTERNAL;
    size_t open = open_count(c, &live);
    const char *how =
        by_hand ? arena_printf(c->a, "was wrapped by %s",
                               ctx_mark_person(c, c->caller.id))
                : arena_printf(c->a, "has wrapped: its window (%s) ended",
                               campaign_window_text(c, &live));
    const char *rest =
        open ? arena_printf(c->a,
                            "the %zu still open %s tracked and nudged until "
                            "done",
                            open, open == 1 ? "is" : "are")
             : "all its work is done";
    ctx_post(c, cp->id, NULL,
             "%s %s. No new deliverables; %s. close %s ends it.", cp->slug,
             how, rest, cp->slug);
    ctx_audit(c, cp->id, cp->slug, "campaign.wrap", "%s; %zu open",
              by_hand ? "by hand" : "window ended", open);
    /* The retrospective goes to the channel (none without deliverables). */
    struct buf retro = BUF_INIT;
    if (retro_render(c, &live, &retro) == CH_OK)
        ctx_post(c, cp->id, NULL, "%s", buf_cstr(&retro));
    buf_free(&retro);
    conflict_follow_campaign(c, cp->id);
    campaign_refresh_status(c, &live);
    if (by_hand)
        ctx_reply(c,
                  "%s is wrapped: no new deliverables; %s. close %s when "
                  "nothing more is owed.",
                  cp->slug, rest, cp->slug);
    return CH_OK;
}

enum ch_status
lifecycle_close(struct ctx *c, const struct campaign *cp)
{
    enum ch_status s =
        store_campaign_set_state(c->st, cp->id, CAMPAIGN_WRAPPED,
                                 CAMPAIGN_CLOSED, c->now);
    if (s == CH_OK)
        s = store_jobs_delete_campaign_all(c->st, cp->id);
    struct standup_sched su;
    bool standups = s == CH_OK &&
                    store_standup_get(c->st, c->a, cp->id, &su) == CH_OK &&
                    su.enabled;
    if (standups) {
        su.enabled = false;
        s = store_standup_set(c->st, &su, c->caller.id, c->now);
    }
    if (s != CH_OK)
        return s;
    struct campaign live;
    if (store_campaign_get(c->st, c->a, cp->id, &live) != CH_OK)
        return CH_INTERNAL;
    /* Its open escalations end with it; whoever they reached is told. */
    struct escalation *es;
    size_t nes = 0;
    if (store_escalation_list_open(c->st, c->a, cp->id, &es, &nes) != CH_OK)
        nes = 0;
    for (size_t i = 0; i < nes && s == CH_OK; i++)
        s = escalation_resolve(c, &es[i], &live, 0, "the campaign closed");
    if (s != CH_OK)
        return s;
    size_t open = open_count(c, &live);
    ctx_post(c, cp->id, NULL,
             "%s was closed by %s: nothing more is nudged or escalated for "
             "it%s, and this channel is archived.",
             cp->slug, ctx_mark_person(c, c->caller.id),
             standups ? ", its standups stopped" : "");
    ctx_audit(c, cp->id, cp->slug, "campaign.close",
              "%zu open; %zu escalation%s resolved%s", open, nes,
              nes == 1 ? "" : "s", standups ? "; standups off" : "");
    conflict_follow_campaign(c, cp->id);
    campaign_refresh_status(c, &live);
    /* Last: after the archive nothing more can be posted there. */
    ctx_queue(c, OUT_ARCHIVE, cp->id, 0, NULL);
    ctx_reply(c,
              "%s is closed: its reminders, escalation steps%s are stopped%s "
              "and its channel is archived.%s",
              cp->slug, standups ? ", standups" : "",
              nes ? arena_printf(c->a, ", %zu open escalation%s resolved",
                                 nes, nes == 1 ? " was" : "s were")
                  : "",
              open ? arena_printf(c->a, " %zu deliverable%s left open.", open,
                                  open == 1 ? " was" : "s were")
                   : "");
    return CH_OK;
}

enum ch_status
lifecycle_job_wrap(struct ctx *c, const struct job *j)
{
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, j->campaign_id, &cp) != CH_OK)
        return CH_OK;
    /* Wrapped by hand already, or never kicked off: nothing to do. */
    if (cp.state != CAMPAIGN_ACTIVE)
        return CH_OK;
    log_info("lifecycle", "%s wraps: its window ended", cp.slug);
    return lifecycle_wrap(c, &cp, false);
}

enum ch_status
lifecycle_job_plan(struct ctx *c, const struct job *j)
{
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, j->campaign_id, &cp) != CH_OK ||
        cp.state != CAMPAIGN_ACTIVE)
        return CH_OK;
    return lifecycle_plan(c, &cp);
}
