/*
 * schedule: jobs that fire at a time (nudges, guards, ladder steps...).
 *
 * Jobs live in the store ordered by due time, so the loop arms one timer
 * for core_next_due() and a tick costs O(log n) per fired job, not a
 * scan.  Firing is exactly-once: core_tick() deletes the job and applies
 * its effect (state, audit, outbox rows) in one transaction, so a crash
 * before the commit leaves the job due and a crash after it leaves it
 * done.  Kinds are looked up in a table (schedule.c) by name.
 */
#ifndef CHORUS_SCHEDULE_H
#define CHORUS_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

struct ctx;
struct store;
struct arena;

struct job {
    int64_t     id;
    int64_t     due_at;
    const char *kind;
    int64_t     campaign_id;     /* 0: none */
    int64_t     deliverable_id;
    int64_t     person_id;
    int64_t     escalation_id;
    int64_t     question_id;
    int64_t     rank;            /* urgency among due jobs: lower first */
    const char *arg;
};

enum ch_status schedule_job_add(struct ctx *c, const struct job *j);
/* Delete jobs of a kind (NULL: any) for a deliverable / escalation. */
enum ch_status schedule_cancel_deliverable(struct ctx *c, const char *kind,
                                           int64_t deliverable_id);
enum ch_status schedule_cancel_escalation(struct ctx *c, int64_t escalation_id);
enum ch_status schedule_cancel_question(struct ctx *c, int64_t question_id);

/* records */
enum ch_status store_jobs_insert(struct store *, const struct job *,
                                 int64_t now, int64_t *id);
/* The earliest job due at or before now (CH_NOT_FOUND when none). */
enum ch_status store_jobs_next(struct store *, struct arena *, int64_t now,
                               struct job *);
enum ch_status store_jobs_delete(struct store *, int64_t due_at, int64_t id);
enum ch_status store_jobs_postpone(struct store *, int64_t old_due, int64_t id,
                                   int64_t due_at);
/* Delete a deliverable's jobs of one kind (NULL: all kinds). */
enum ch_status store_jobs_delete_deliverable(struct store *, const char *kind,
                                             int64_t deliverable_id);
enum ch_status store_jobs_delete_escalation(struct store *,
                                            int64_t escalation_id);
enum ch_status store_jobs_delete_question(struct store *, int64_t question_id);
/* Delete a campaign's jobs of one kind (a scan: for commands, not ticks). */
enum ch_status store_jobs_delete_campaign(struct store *, const char *kind,
                                          int64_t campaign_id);
/* Delete every job of a campaign: its own, its deliverables', its
 * escalations' (a scan: for `close`). */
enum ch_status store_jobs_delete_campaign_all(struct store *,
                                              int64_t campaign_id);
/* Whether the job is about a closed campaign (its own, or through its
 * deliverable or escalation): such a job does nothing. */
bool           store_jobs_campaign_closed(struct store *, const struct job *);
/* Jobs of a kind for a person, due by `until`, that outrank (rank, id). */
int64_t        store_jobs_more_urgent(struct store *, const char *kind,
                                      int64_t person_id, int64_t until,
                                      int64_t rank, int64_t id);
/* A person's nudge and question jobs that were put back to due_at while
 * they were away (re-queued at or after since) come due at now. */
enum ch_status store_jobs_resume(struct store *, int64_t person_id,
                                 int64_t since, int64_t due_at, int64_t now);
int64_t        store_jobs_next_due(struct store *);
int64_t        store_jobs_count(struct store *);

/* Run one job's effect inside the open transaction. */
enum ch_status schedule_run(struct ctx *c, const struct job *j);

#endif
