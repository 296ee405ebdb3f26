/*
 * when: the dates, times and durations people type, read in their zone.
 *
 * Accepted <when> forms, case-insensitive:
 *   2026-12-01            a date; its time of day is the caller's default
 *   2026-12-01T18:00      2026-12-01 18:00 (one argument when quoted)
 *   fri 17:00   fri       the next such weekday (today if still ahead);
 *                         mon..sun and monday..sunday
 *   today 17:00, tomorrow, tomorrow 9:30
 *   +2d  +4h  +30m  +1w  +1d12h   relative to now
 *   17:00                 today at 17:00, or tomorrow if already past
 * Times are HH:MM (24 h), H:MM, or with am/pm ("5pm", "5:30pm").
 * A trailing "Z" or "UTC" on an ISO form reads it in UTC instead.
 * A wall time that does not exist in the zone (a spring-forward gap) is
 * refused with a message that names the gap, and so is an instant more
 * than 10 years from now (ahead or ago): a typo, never a plan.
 */
#ifndef CHORUS_WHEN_H
#define CHORUS_WHEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct when_options {
    const char *zone;              /* the reader's IANA zone */
    int64_t     now_ms;            /* the current instant */
    int date_only_minute; /* minute of day for a bare date, e.g. 18*60 */
};

struct when_result {
    int64_t utc_ms;
    bool    date_only;   /* the text named a day but no time */
};

/* CH_INVALID with a user-facing message in err for anything unreadable. */
enum ch_status when_parse(const char *text, const struct when_options *opt,
                          struct when_result *out, struct ch_error *err);

/* Durations in config and commands: "90m", "24h", "2d", "1w", "1d12h",
 * "45s"; a bare number is refused (units are required). */
bool when_duration_parse(const char *text, int64_t *ms);
/* "2d 4h", "45m", "0m": largest units first, at most two of them. */
void when_duration_format(int64_t ms, char *out, size_t outlen);

/* "HH:MM" (24 h) to minutes after midnight; false if malformed. */
bool when_clock_parse(const char *text, int *minute_of_day);

enum when_style {
    WHEN_LONG,    /* "Fri 4 Dec 18:00 CET" */
    WHEN_SHORT,   /* "4 Dec 18:00" */
    WHEN_DATE,    /* "Fri 4 Dec" */
    WHEN_ISO,     /* "2026-12-04 18:00" */
};
/* A now_ms for when_format that always shows the year (a reader, such as
 * a log or a platform's fallback text, with no "now" to measure from). */
#define WHEN_YEAR_ALWAYS INT64_MIN
/*
 * Format utc_ms in zone; an invalid zone formats in UTC.  The year shows
 * ("Fri 4 Dec 2027 18:00 CET") when the date is not in the current year
 * of now_ms in that zone or is more than about six months (183 days)
 * from now_ms, so a typo'd year never reads like next week.
 */
void when_format(int64_t utc_ms, const char *zone, int64_t now_ms,
                 enum when_style style, char *out, size_t outlen);
/* A calendar date (no instant, no zone) the way when_format writes one,
 * "Tue 1 Dec", "Tue 1 Dec 2026" when with_year. */
void when_format_day(int64_t day, bool with_year, char *out, size_t outlen);
/* Whether a date on day (days since 1970-01-01) needs its year, read on
 * today (the reader's current date): the rule of when_format. */
bool when_day_needs_year(int64_t day, int64_t today);
/* The date (days since 1970-01-01) of utc_ms in zone (UTC if invalid). */
int64_t when_local_date(const char *zone, int64_t utc_ms);
/* The first instant of the date day in zone (see when_local_midnight). */
int64_t when_day_start(const char *zone, int64_t day);
/* The instant of minute_of_day on a day (days since 1970-01-01) in zone
 * (NULL: UTC); a wall time in a gap moves forward (tz_from_local). */
int64_t when_day_at(const char *zone, int64_t day, int minute);

/* The instant the local day containing utc_ms starts in zone (the first
 * instant of that date, even when midnight is skipped); an invalid zone
 * reads as UTC. */
int64_t when_local_midnight(const char *zone, int64_t utc_ms);

/*
 * The first instant >= after_ms whose local wall time in zone is
 * minute_of_day on a weekday in weekday_mask (bit 0 = Monday .. bit 6 =
 * Sunday).  Wall times in a gap move forward (see tz_from_local); in an
 * overlap only the earlier instant counts, so a day never yields two.
 * Returns INT64_MAX if the mask is empty (or the zone is invalid).
 */
int64_t when_next_local(const char *zone, int64_t after_ms,
                        unsigned weekday_mask, int minute_of_day);

#endif
