/*
 * nudge: the schedules that hang off deliverables and
 * questions.
 *
 *  - deadline nudges to the creator before, at and after the draft time
 *    (while the draft is owed) and the publish time (once approved);
 *    deferred to the creator's next working moment (a reminder before
 *    its deadline to the last working moment before it, never after),
 *    capped per local day with the most urgent first;
 *  - at deadline + grace (the creator's working time) what is still
 *    overdue escalates, whatever the nudges did;
 *  - the approval guard at publish - guard: no final brand approval means
 *    an alert to the brand and an escalation (silence is never approval);
 *  - the fix window after changes are requested: lapsing makes the
 *    deliverable missed and suggests flex creators as cover;
 *  - a question unanswered past the response target reminds the
 *    coordinators once.
 * nudge_plan_deliverable() rebuilds a deliverable's jobs from its state, so a
 * handler that changes a deliverable only has to call it.
 */
#ifndef CHORUS_NUDGE_H
#define CHORUS_NUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "settings.h"
#include "status.h"

struct ctx;
struct job;
struct store;
struct arena;

/* A campaign's schedule: the workspace defaults with its overrides. */
struct schedule {
    int64_t before[SETTINGS_MAX_NUDGES];
    size_t  nbefore;
    int64_t after[SETTINGS_MAX_NUDGES];
    size_t  nafter;
    int     cap;
    int64_t guard;
    int64_t fix;
    int64_t response;
    int64_t lead;
    struct ladder ladder;      /* the escalation ladder and its repeats */
    int64_t ack_reminder;      /* 0: one working day of the acknowledger */
    int64_t latency;           /* approval latency that alerts the brand */
    int64_t grace;             /* creator's working time before overdue
                                  escalates */
};

/* The overrides as stored (NULL / 0 / INT64_MIN: use the default). */
struct schedule_row {
    char   *before;
    char   *after;
    int     cap;
    int64_t guard;
    int64_t fix;
    int64_t response;
    int64_t lead;
    char   *ladder;
    int     repeats;        /* -1: default */
    int64_t ack_reminder;
    int64_t latency;
    int64_t grace;
};

struct nudge_record {
    int64_t     person_id;
    int64_t     campaign_id;
    int64_t     deliverable_id;
    int64_t     question_id;
    const char *kind;         /* "draft", "publish", "question" */
    int64_t     offset_ms;    /* relative to the deadline */
    int64_t     due_at;       /* when it was meant for */
    int64_t     sent_at;
    const char *local_day;    /* the reader's day, YYYY-MM-DD */
};

struct question {
    int64_t id;
    int64_t campaign_id;
    int64_t asked_by;
    char   *text;
    int64_t asked_at;
    int64_t answered_by;     /* 0: unanswered */
    int64_t answered_at;     /* INT64_MIN: unanswered */
    char   *answer;
    int64_t reminded_at;     /* INT64_MIN: not yet */
};

void nudge_schedule_for(struct ctx *c, int64_t campaign_id,
                        struct schedule *out);
/* "48h, 4h" */
const char *nudge_durations_text(struct ctx *c, const int64_t *v, size_t n);

void nudge_plan_deliverable(struct ctx *c, const struct deliverable *d);
void nudge_plan_fix_window(struct ctx *c, const struct deliverable *d);
/* When the fix window of changes requested at `at` ends: with the
 * campaign's rhythm, its next revisions day at least 24 h away (at its
 * at: time, or the end of the creator's working day, in her zone; see
 * rhythm.h), else at plus the campaign's fix window.  *revisions
 * (unless NULL) says which it was. */
int64_t nudge_fix_due(struct ctx *c, const struct deliverable *d, int64_t at,
                      bool *revisions);
void nudge_plan_question(struct ctx *c, const struct question *q);

/* A deadline the creator cannot meet well (outside their hours, on a
 * day off or holiday, in or right after their time off), in a line for
 * whoever sets it; NULL when it falls well. */
const char *nudge_deadline_warning(struct ctx *c, const struct deliverable *d,
                                   bool draft);

enum ch_status nudge_job_nudge(struct ctx *c, const struct job *j);
/* deadline + grace: what is still overdue escalates. */
enum ch_status nudge_job_overdue(struct ctx *c, const struct job *j);
enum ch_status nudge_job_fix_window(struct ctx *c, const struct job *j);
enum ch_status nudge_job_question(struct ctx *c, const struct job *j);

/* records (store_time.c) */
enum ch_status store_nudge_add(struct store *, const struct nudge_record *);
int            store_nudge_count_on_day(struct store *, int64_t person_id,
                                        const char *local_day);
/* Is there, for the same deliverable and deadline, a later reminder
 * (larger offset) that is due by now or was already sent? */
bool           store_nudge_superseded(struct store *, int64_t deliverable_id,
                                      const char *phase, int64_t offset,
                                      int64_t target, int64_t now);
enum ch_status store_schedule_row(struct store *, struct arena *,
                                  int64_t campaign_id, struct schedule_row *);
enum ch_status store_schedule_put(struct store *, int64_t campaign_id,
                                  const struct schedule_row *);
enum ch_status store_question_insert(struct store *, struct question *);
enum ch_status store_question_get(struct store *, struct arena *, int64_t id,
                                  struct question *);
enum ch_status store_question_answer(struct store *, int64_t id, int64_t by,
                                     const char *answer, int64_t now);
enum ch_status store_question_reminded(struct store *, int64_t id, int64_t now);

#endif
