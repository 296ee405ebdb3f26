/* The job kinds: name -> effect.  A job whose subject has moved on (an
 * escalation acknowledged, a deliverable approved) finds that out when it
 * fires and does nothing: cancelling is an optimisation, not a duty. */
#include <string.h>

#include "core_internal.h"
#include "escalation.h"
#include "guard.h"
#include "latency.h"
#include "lifecycle.h"
#include "log.h"
#include "nudge.h"
#include "rhythm.h"
#include "schedule.h"
#include "standup.h"

typedef enum ch_status job_fn(struct ctx *c, const struct job *j);

static const struct {
    const char *kind;
    job_fn     *run;
} job_kinds[] = {
    { "campaign.plan", lifecycle_job_plan },
    { "campaign.wrap", lifecycle_job_wrap },
    { "escalation.step", escalation_step },
    { "escalation.remind", escalation_remind },
    { "fix_window", nudge_job_fix_window },
    { "guard", guard_run },
    { "latency", latency_job },
    { "nudge", nudge_job_nudge },
    { "overdue", nudge_job_overdue },
    { "question", nudge_job_question },
    { "rhythm.feedback", rhythm_job_feedback },
    { "standup.close", standup_job_close },
    { "standup.prompt", standup_job_prompt },
    { "standup.remind", standup_job_remind },
    { "standup.round", standup_job_round },
};

enum ch_status
schedule_run(struct ctx *c, const struct job *j)
{
    /* Nothing fires for a closed campaign (its jobs were deleted when it
     * closed; this catches any planned in the same breath). */
    if (store_jobs_campaign_closed(c->st, j))
        return CH_OK;
    for (size_t i = 0; i < sizeof(job_kinds) / sizeof(job_kinds[0]); i++)
        if (strcmp(job_kinds[i].kind, j->kind) == 0)
            return job_kinds[i].run(c, j);
    /* A kind from a newer build: keep nothing we cannot run. */
    log_warn("schedule", "job %lld has unknown kind %s; dropped",
             (long long)j->id, j->kind);
    return CH_OK;
}

enum ch_status
schedule_job_add(struct ctx *c, const struct job *j)
{
    return store_jobs_insert(c->st, j, c->now, NULL);
}

enum ch_status
schedule_cancel_deliverable(struct ctx *c, const char *kind,
                            int64_t deliverable_id)
{
    return store_jobs_delete_deliverable(c->st, kind, deliverable_id);
}

enum ch_status
schedule_cancel_escalation(struct ctx *c, int64_t escalation_id)
{
    return store_jobs_delete_escalation(c->st, escalation_id);
}

enum ch_status
schedule_cancel_question(struct ctx *c, int64_t question_id)
{
    return store_jobs_delete_question(c->st, question_id);
}
