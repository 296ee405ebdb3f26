/*
 * rhythm: a campaign's weekly rhythm -- briefs go out Monday, questions
 * by Tuesday, drafts Friday, feedback Sunday, revisions Wednesday -- and
 * the dates and reminders that follow from it (issue 16).
 *
 * Weeks are calendar weeks, Monday to Sunday, in the campaign's zone.
 * Week 1 is the week in which the campaign's window starts, or, for a
 * campaign without a start date, the week in which it was created (not
 * its kickoff: deliverables are planned before kickoff, and week numbers
 * must not change under them).  A rhythm day is a date, the same for
 * everyone; the deadline on it is an instant per person: the rhythm's
 * at: time in their own zone, or the end of their working day, as for a
 * date-only deadline (avail_end_of).
 *
 *  - week:<n> of a deliverable is the drafts day of week n, and its
 *    publish time defaults to the same weekday and time a week later;
 *  - the fix window after "changes requested" ends on the next revisions
 *    day at least 24 h away, at the creator's deadline time;
 *  - on the feedback day each reviewer -- who may review (submissions at
 *    the review stage) or give the final approval (submissions waiting
 *    for it) -- with something waiting gets one direct message listing
 *    it, at their first working moment of that day in their own zone (or
 *    their next one, when they do not work that day).
 *
 * Reminders: one job per campaign with a feedback day ("rhythm.feedback",
 * its key kept in the rhythm's row), due at the earliest reviewer's next
 * reminder.  When it fires it looks at every reviewer whose reminder for
 * their latest feedback day is due, once per reviewer and day
 * (rhythm_reminders, written in the same transaction), then plans itself
 * again; a change of the rhythm moves it, `rhythm <slug> off` removes
 * it.  A feedback day counts only when it had not ended, in the
 * reviewer's zone, when the rhythm was set, and their reminder comes
 * after that: a new rhythm never reminds anyone of a day already gone.
 */
#ifndef CHORUS_RHYTHM_H
#define CHORUS_RHYTHM_H

#include <stdbool.h>
#include <stdint.h>

#include "records.h"
#include "status.h"

struct ctx;
struct job;

/* --- calendar arithmetic (days since 1970-01-01; 0 = Monday) ----------- */

/* The Monday of the week of day. */
int64_t rhythm_monday_of(int64_t day);
/* The date of weekday in week `week` (1-based) counted from the Monday
 * week1; weeks before 1 count back. */
int64_t rhythm_week_day(int64_t week1, int week, int weekday);
/* The first date on or after day that is a weekday. */
int64_t rhythm_next_weekday(int64_t day, int weekday);
/* The week of day counted from the Monday week1 (<= 0: before it). */
int     rhythm_week_of(int64_t week1, int64_t day);
/* The Monday of a campaign's week 1; *from (unless NULL) says what it
 * counts from, for a reader: "the window starts", "it was created". */
int64_t rhythm_week1(const struct campaign *cp, const char **from);

/* --- words ------------------------------------------------------------- */

/* A rhythm date the way every date of the campaign reads: "Fri 4 Dec",
 * with the year when it needs one. */
const char *rhythm_date_text(struct ctx *c, const struct campaign *cp,
                             int64_t day);

/* "Mon" .. "Sun". */
const char *rhythm_day_name(int weekday);
/* The step's name as the command takes it: "brief", "questions", ... */
const char *rhythm_step_name(enum rhythm_step s);
/* "briefs out Mon, questions Tue, drafts Fri, feedback Sun, revisions
 * Wed" (the steps it has). */
const char *rhythm_days_text(struct ctx *c, const struct rhythm *r);
/* "at the end of each person's working day" or "at 17:00", both "in
 * their own zone". */
const char *rhythm_time_text(struct ctx *c, const struct rhythm *r);

/* --- a campaign's rhythm and its deadlines --------------------------- */

/* CH_OK, or CH_NOT_FOUND when the campaign has none. */
enum ch_status rhythm_get(struct ctx *c, int64_t campaign_id,
                          struct rhythm *r);
/* The deadline on date day for p: at_min in p's zone, or the end of p's
 * working day. */
int64_t rhythm_deadline(struct ctx *c, const struct rhythm *r,
                        const struct person *p, int64_t day);
/* When a fix window opened at `at` ends for creator p: the deadline of
 * the first revisions day at least 24 h after at; INT64_MIN when the
 * rhythm has no revisions day. */
int64_t rhythm_revisions_due(struct ctx *c, const struct rhythm *r,
                             const struct person *p, int64_t at);
/* When reviewer p is reminded of the feedback day on their date day: their
 * first working moment on or after its start. */
int64_t rhythm_feedback_at(struct ctx *c, const struct person *p,
                           int64_t day);

/* --- the feedback-day job ---------------------------------------------- */

/* A campaign's reviewers: the participants who may pass the review stage
 * or give the final approval, with their people (arena arrays). */
struct rhythm_reviewer {
    unsigned      role;
    struct person p;
};
size_t rhythm_reviewers(struct ctx *c, int64_t campaign_id,
                        struct rhythm_reviewer **out);

/* Plan the campaign's feedback-day job again from its rhythm as stored
 * (deleting the one planned before); with no rhythm or no feedback day,
 * there is none. */
void           rhythm_plan(struct ctx *c, int64_t campaign_id);
/* Delete the rhythm and its job. */
enum ch_status rhythm_end(struct ctx *c, const struct rhythm *r);
enum ch_status rhythm_job_feedback(struct ctx *c, const struct job *j);

#endif
