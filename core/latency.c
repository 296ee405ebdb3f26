/* latency: the approval latency alert (see latency.h). */
#include "latency.h"

#include <stdlib.h>

#include "avail.h"
#include "core_internal.h"
#include "gate.h"
#include "log.h"
#include "schedule.h"

void
latency_plan(struct ctx *c, const struct deliverable *d,
             int64_t submission_id, int64_t submitted_at)
{
    latency_cancel(c, d);
    struct job j = {
        .due_at = submitted_at + gate_latency_limit(c, d->campaign_id),
        .kind = "latency", .campaign_id = d->campaign_id,
        .deliverable_id = d->id,
        .arg = arena_printf(c->a, "%lld", (long long)submission_id),
    };
    if (schedule_job_add(c, &j) != CH_OK)
        log_error("latency", "could not plan the approval latency alert of "
                  "deliverable %lld", (long long)d->id);
}

void
latency_cancel(struct ctx *c, const struct deliverable *d)
{
    schedule_cancel_deliverable(c, "latency", d->id);
}

enum ch_status
latency_job(struct ctx *c, const struct job *j)
{
    struct deliverable d;
    struct submission sub;
    int64_t latest = 0;
    int64_t sid = j->arg ? strtoll(j->arg, NULL, 10) : 0;
    if (store_deliverable_by_id(c->st, c->a, j->deliverable_id, &d) != CH_OK ||
        store_submission_get(c->st, c->a, sid, &sub) != CH_OK ||
        store_submission_latest(c->st, c->a, d.id, &latest, NULL, NULL,
                                NULL) != CH_OK)
        return CH_OK;
    /* Moved on: a newer round, a decision, or alerted already. */
    if (latest != sid || d.state != DELIV_SUBMITTED ||
        sub.latency_alerted_at != INT64_MIN)
        return CH_OK;
    struct participant *brand;
    size_t nb;
    store_participant_list(c->st, c->a, d.campaign_id, ROLE_BRAND, &brand,
                           &nb);
    struct person *leads = arena_alloc(c->a, (nb + 1) * sizeof(*leads));
    size_t n = 0;
    int64_t next = INT64_MAX;
    bool anyone = false;
    for (size_t i = 0; i < nb; i++) {
        if (store_people_get(c->st, c->a, brand[i].person_id, &leads[n]) !=
            CH_OK)
            continue;
        if (avail_why_not(c, &leads[n], c->now)) {
            int64_t at = avail_next(c, &leads[n], c->now);
            next = at < next ? at : next;
        } else {
            anyone = true;
        }
        n++;
    }
    /* Nobody of the brand at work now: wait for the first of them. */
    if (n && !anyone && next != INT64_MAX && next > c->now) {
        struct job later = *j;
        later.due_at = next;
        return schedule_job_add(c, &later);
    }
    const char *ref = campaign_deliv_ref(c, &d);
    int64_t limit = gate_latency_limit(c, d.campaign_id);
    const char *waited = ctx_duration(c, c->now - sub.submitted_at);
    const char *where = d.stage == STAGE_BRAND
        ? "it waits for your final approval"
        : "it is still in coordinator review";
    const char *buttons = gate_review_buttons(c, ref, false);
    for (size_t i = 0; i < n; i++)
        ctx_dm(c, leads[i].id, buttons,
               "Approval latency: round %d of %s \"%s\" was submitted %s ago "
               "(%s), more than the %s this campaign allows, and %s. Approve "
               "it or ask for changes.",
               sub.round, ref, d.title, waited,
               ctx_time_for(c, &leads[i], sub.submitted_at),
               ctx_duration(c, limit), where);
    ctx_dm_roles(c, d.campaign_id, ROLE_COORDINATOR, 0, NULL,
                 "Approval latency: round %d of %s \"%s\" has waited %s for "
                 "its final approval (limit %s); %s.",
                 sub.round, ref, d.title, waited, ctx_duration(c, limit),
                 n ? "the brand was alerted"
                   : "the campaign has no brand lead to alert");
    ctx_audit(c, d.campaign_id, ref, "review.latency",
              "round %d waited %s for final approval (limit %s); %zu brand "
              "lead%s alerted", sub.round, waited, ctx_duration(c, limit), n,
              n == 1 ? "" : "s");
    return store_submission_latency_alerted(c->st, sid, c->now);
}
