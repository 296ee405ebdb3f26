/*
 * tz: IANA time zones, read from the system's zoneinfo through glibc.
 *
 * The conversions switch the process's TZ (setenv + tzset) and cache the
 * last zone, so a run of conversions in one zone reads its file once.
 * That global switch is safe because chorus is single-threaded (one loop);
 * nothing else in the program reads local time (logs are in UTC).
 *
 * Zone names are validated against the zoneinfo directory ($TZDIR or
 * /usr/share/zoneinfo): the name must be a relative path of letters,
 * digits, '_', '-', '+' and '/', without "..", naming a TZif file.  glibc
 * silently treats an unknown zone as UTC, so nothing may convert with a
 * zone that did not pass tz_valid().
 */
#ifndef CHORUS_TZ_H
#define CHORUS_TZ_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "status.h"

struct local_time {
    int  year;        /* e.g. 2026 */
    int  month;       /* 1..12 */
    int  day;         /* 1..31 */
    int  hour;        /* 0..23 */
    int  minute;      /* 0..59 */
    int  second;      /* 0..60 */
    int  wday;        /* 0 = Monday .. 6 = Sunday (ISO order) */
    int  utc_offset;  /* seconds east of UTC at that instant */
    bool dst;
    char abbrev[16];  /* "CET", "EDT", "IST", "+0530"... */
};

/* How a local wall time was mapped to an instant. */
enum tz_fit {
    TZ_FIT_EXACT,     /* the wall time exists once */
    TZ_FIT_GAP,       /* it does not exist (spring forward); see below */
    TZ_FIT_OVERLAP,   /* it exists twice (fall back); the earlier is used */
};

bool tz_valid(const char *zone);
/* The valid zone that zone names but for letter case ("europe/london" is
 * Europe/London), as the zoneinfo spells it, in out; false if none. */
bool tz_spelling(const char *zone, char *out, size_t outlen);

/* Break utc_ms into wall time in zone.  CH_INVALID for an invalid zone. */
enum ch_status tz_to_local(const char *zone, int64_t utc_ms,
                           struct local_time *out);

/*
 * Map a wall time in zone to UTC.  Fields are normalised first (day 32 is
 * the 1st of the next month, minute 60 the next hour), so callers may do
 * calendar arithmetic by adding to fields.
 * In a gap the result is the wall time moved forward by the gap's length
 * (02:30 on a night that jumps 02:00->03:00 gives 03:30), which keeps
 * scheduled local times in order; *fit says TZ_FIT_GAP so user-facing
 * parsers can refuse the input instead.  In an overlap the earlier of the
 * two instants is returned.  fit may be NULL.
 */
enum ch_status tz_from_local(const char *zone, int year, int month, int day,
                             int hour, int minute, int second,
                             int64_t *utc_ms, enum tz_fit *fit);

/* Names of the zone's transition around an instant, for messages:
 * writes e.g. "clocks jump from 02:00 to 03:00" (used in gap errors). */
void tz_describe_gap(const char *zone, int year, int month, int day,
                     int hour, int minute, char *out, size_t outlen);

/*
 * Proleptic Gregorian calendar arithmetic, independent of any zone, for
 * modules that step through dates.  Day 0 is 1970-01-01.  Months and days
 * out of range are normalised as in tz_from_local (month 13 is January of
 * the next year, day 0 the last day of the previous month).
 */
int64_t tz_days_from_civil(int year, int month, int day);
void    tz_civil_from_days(int64_t days, int *year, int *month, int *day);
/* 28..31; 0 for a month outside 1..12. */
int     tz_days_in_month(int year, int month);
/* 0 = Monday .. 6 = Sunday, as in struct local_time. */
int     tz_weekday_of_days(int64_t days);

#endif
