/*
 * avail: when a person can be reached — their working hours in their own
 * zone, their time off, and the holidays of their calendars.  Nudges,
 * reminders and ladder timeouts go through here so nothing lands at
 * night, on a weekend, on a holiday or during time off.
 */
#ifndef CHORUS_AVAIL_H
#define CHORUS_AVAIL_H

#include <stdbool.h>
#include <stdint.h>

struct ctx;
struct person;

/* Why a person is unavailable at t, or NULL when they are available:
 * "outside working hours", "time off", or the holiday's name. */
const char *avail_why_not(struct ctx *c, const struct person *p, int64_t t);
/* The first instant >= t at which the person is available. */
int64_t     avail_next(struct ctx *c, const struct person *p, int64_t t);
/* start plus `working` milliseconds of the person's working time. */
int64_t     avail_add(struct ctx *c, const struct person *p, int64_t start,
                      int64_t working);
/* The end of the person's working hours on t's local day (t itself
 * when that day is not a working day). */
int64_t     avail_day_end(struct ctx *c, const struct person *p, int64_t t);
/* The last moment in [floor, t) at which the person is available with
 * half an hour of working time still ahead of them (INT64_MIN: none). */
int64_t     avail_last_before(struct ctx *c, const struct person *p,
                              int64_t floor, int64_t t);
/* The end of the person's working hours on local date y-m-d. */
int64_t     avail_end_of(struct ctx *c, const struct person *p, int y, int m,
                         int d);
/* Why a deadline at t is badly placed for the person, in words for
 * whoever sets it ("after their working hours (09:00-18:00
 * Asia/Kolkata)", "on their day off", "on a holiday in their calendar
 * (Diwali)", "during their time off"), or NULL. */
const char *avail_badly(struct ctx *c, const struct person *p, int64_t t);
/* When news gathered for a morning digest reaches the person: the
 * start of their next working day, or their next working moment when
 * t is outside their working time (today's has not started). */
int64_t     avail_next_day_start(struct ctx *c, const struct person *p,
                                 int64_t t);
/* Why the person is away on t's local day, or NULL: "day off", "time
 * off", "holiday (Diwali)".  A working day outside
 * working hours is not away. */
const char *avail_away(struct ctx *c, const struct person *p, int64_t t);
/* The person's local calendar day of t, "YYYY-MM-DD" (arena string). */
const char *avail_local_day(struct ctx *c, const struct person *p, int64_t t);

#endif
