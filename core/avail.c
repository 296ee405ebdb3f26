/* Working hours, time off and holidays combined. */
#include "avail.h"

#include <stdbool.h>
#include <stdio.h>

#include "clock.h"
#include "core_internal.h"
#include "holidays.h"
#include "tz.h"

/* Enough for years of weekends and holidays; a bound, not a rule. */
#define MAX_STEPS 2000

struct hours {
    int      start, end;   /* minutes after local midnight */
    unsigned days;         /* bit 0 = Monday */
};

static struct hours
hours_of(const struct ctx *c, const struct person *p)
{
    if (p->hours_set && p->work_end > p->work_start && p->work_days)
        return (struct hours){ p->work_start, p->work_end, p->work_days };
    return (struct hours){ c->set->work_start, c->set->work_end,
                           c->set->work_days };
}

static int64_t
at_local(const char *zone, int y, int m, int d, int minute)
{
    int64_t t = 0;
    tz_from_local(zone, y, m, d, minute / 60, minute % 60, 0, &t, NULL);
    return t;
}

/* One step: t itself when available, else the next instant worth trying
 * (the start of hours, the end of time off or of a holiday). */
static int64_t
step(struct ctx *c, const struct person *p, int64_t t, const char **why)
{
    const char *zone = ctx_person_zone(c, p);
    struct hours h = hours_of(c, p);
    struct local_time lt;
    if (tz_to_local(zone, t, &lt) != CH_OK) {
        *why = NULL;
        return t;
    }
    int minute = lt.hour * 60 + lt.minute;
    if (!(h.days & (1u << lt.wday)) || minute >= h.end) {
        *why = "outside working hours";
        return at_local(zone, lt.year, lt.month, lt.day + 1, h.start);
    }
    if (minute < h.start) {
        *why = "outside working hours";
        return at_local(zone, lt.year, lt.month, lt.day, h.start);
    }
    int64_t off_end = store_timeoff_covering(c->st, p->id, t);
    if (off_end) {
        *why = "time off";
        return off_end;
    }
    int64_t until;
    const char *name;
    if (holidays_off(c->core->hol, p->name, zone, t, &until, &name)) {
        *why = name;
        return until;
    }
    *why = NULL;
    return t;
}

const char *
avail_why_not(struct ctx *c, const struct person *p, int64_t t)
{
    const char *why;
    step(c, p, t, &why);
    return why;
}

const char *
avail_away(struct ctx *c, const struct person *p, int64_t t)
{
    const char *zone = ctx_person_zone(c, p);
    struct hours h = hours_of(c, p);
    struct local_time lt;
    if (tz_to_local(zone, t, &lt) != CH_OK)
        return NULL;
    if (!(h.days & (1u << lt.wday)))
        return "day off";
    int64_t off_end = store_timeoff_covering(c->st, p->id, t);
    if (off_end)
        return "time off";
    int64_t until;
    const char *name;
    if (holidays_off(c->core->hol, p->name, zone, t, &until, &name))
        return arena_printf(c->a, "holiday (%s)", name);
    return NULL;
}

int64_t
avail_next(struct ctx *c, const struct person *p, int64_t t)
{
    for (int i = 0; i < MAX_STEPS; i++) {
        const char *why;
        int64_t next = step(c, p, t, &why);
        if (why == NULL)
            return t;
        t = next > t ? next : t + MS_PER_MIN;
    }
    return t;
}

int64_t
avail_add(struct ctx *c, const struct person *p, int64_t start,
          int64_t working)
{
    const char *zone = ctx_person_zone(c, p);
    struct hours h = hours_of(c, p);
    int64_t t = avail_next(c, p, start);
    for (int i = 0; i < MAX_STEPS && working > 0; i++) {
        struct local_time lt;
        if (tz_to_local(zone, t, &lt) != CH_OK)
            return t + working;
        int64_t end = at_local(zone, lt.year, lt.month, lt.day, h.end);
        int64_t off = store_timeoff_next_start(c->st, p->id, t);
        if (off < end)
            end = off;
        if (end <= t)
            end = t + MS_PER_MIN;
        if (working <= end - t)
            return t + working;
        working -= end - t;
        t = avail_next(c, p, end);
    }
    return t;
}

int64_t
avail_day_end(struct ctx *c, const struct person *p, int64_t t)
{
    const char *zone = ctx_person_zone(c, p);
    struct hours h = hours_of(c, p);
    struct local_time lt;
    if (tz_to_local(zone, t, &lt) != CH_OK || !(h.days & (1u << lt.wday)))
        return t;
    int64_t end = at_local(zone, lt.year, lt.month, lt.day, h.end);
    return end > t ? end : t;
}

/* A reminder needs time to be read: the last moment leaves this much. */
#define READ_MS (30 * MS_PER_MIN)

int64_t
avail_last_before(struct ctx *c, const struct person *p, int64_t floor,
                  int64_t t)
{
    const char *zone = ctx_person_zone(c, p);
    struct hours h = hours_of(c, p);
    int64_t *from, *to;
    char **notes;
    size_t n = 0;
    store_timeoff_list(c->st, c->a, p->id, floor, &from, &to, &notes, &n);
    int64_t x = t - READ_MS;
    for (int i = 0; i < MAX_STEPS && x >= floor; i++) {
        struct local_time lt;
        if (tz_to_local(zone, x, &lt) != CH_OK)
            return INT64_MIN;
        int minute = lt.hour * 60 + lt.minute;
        if (!(h.days & (1u << lt.wday)) || minute < h.start) {
            x = at_local(zone, lt.year, lt.month, lt.day - 1, h.end) -
                READ_MS;
            continue;
        }
        if (minute + READ_MS / MS_PER_MIN > h.end) {
            x = at_local(zone, lt.year, lt.month, lt.day, h.end) - READ_MS;
            continue;
        }
        bool away = false;
        for (size_t k = 0; k < n && !away; k++)
            if (from[k] < x + READ_MS && to[k] > x) {
                x = from[k] - READ_MS;
                away = true;
            }
        if (away)
            continue;
        int64_t until;
        const char *name;
        if (holidays_off(c->core->hol, p->name, zone, x, &until, &name)) {
            /* Back to the working day before the holiday's. */
            x = at_local(zone, lt.year, lt.month, lt.day, h.start) -
                MS_PER_MIN;
            continue;
        }
        return x;
    }
    return INT64_MIN;
}

int64_t
avail_end_of(struct ctx *c, const struct person *p, int y, int m, int d)
{
    return at_local(ctx_person_zone(c, p), y, m, d, hours_of(c, p).end);
}

const char *
avail_badly(struct ctx *c, const struct person *p, int64_t t)
{
    const char *zone = ctx_person_zone(c, p);
    struct hours h = hours_of(c, p);
    struct local_time lt;
    if (tz_to_local(zone, t, &lt) != CH_OK)
        return NULL;
    int minute = lt.hour * 60 + lt.minute;
    if (!(h.days & (1u << lt.wday)))
        return "on their day off";
    if (minute < h.start || minute > h.end)
        return arena_printf(c->a, "%s their working hours (%02d:%02d-"
                            "%02d:%02d %s)", minute < h.start ? "before"
                                                              : "after",
                            h.start / 60, h.start % 60, h.end / 60,
                            h.end % 60, zone);
    if (store_timeoff_covering(c->st, p->id, t))
        return "during their time off";
    int64_t until;
    const char *name;
    if (holidays_off(c->core->hol, p->name, zone, t, &until, &name))
        return arena_printf(c->a, "on a holiday in their calendar (%s)",
                            name);
    return NULL;
}

const char *
avail_local_day(struct ctx *c, const struct person *p, int64_t t)
{
    struct local_time lt;
    if (tz_to_local(ctx_person_zone(c, p), t, &lt) != CH_OK)
        return "?";
    return arena_printf(c->a, "%04d-%02d-%02d", lt.year, lt.month, lt.day);
}

int64_t
avail_next_day_start(struct ctx *c, const struct person *p, int64_t t)
{
    if (avail_why_not(c, p, t))
        return avail_next(c, p, t);
    return avail_next(c, p, avail_day_end(c, p, t));
}
