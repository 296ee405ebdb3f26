/*
 * when: what people type, read in their zone.  Expected instants are
 * worked out by hand from each zone's 2026 offsets (checked with zdump)
 * and written as UTC calendar times, turned into milliseconds by glibc's
 * timegm, which is not code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "when.h"

#define BERLIN "Europe/Berlin"
#define NEW_YORK "America/New_York"
#define KOLKATA "Asia/Kolkata"
#define HINT "(use 2026-12-01, \"2026-12-01 18:00\", \"fri 17:00\", +2d)"

static int64_t
utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
        .tm_hour = h, .tm_min = mi,
    };
    return (int64_t)timegm(&tm) * 1000;
}

/* Fri 2026-12-04 10:00 UTC: 11:00 in Berlin, 05:00 in New York, 15:30
 * in Kolkata; a Friday everywhere. */
static int64_t
fri_morning(void)
{
    return utc(2026, 12, 4, 10, 0);
}

static void
check_when(const char *zone, int64_t now, const char *text, int64_t want,
           bool want_date_only)
{
    struct when_options opt = {
        .zone = zone, .now_ms = now, .date_only_minute = 18 * 60,
    };
    struct when_result r = { .utc_ms = -1 };
    struct ch_error err = { .status = CH_OK };

    enum ch_status st = when_parse(text, &opt, &r, &err);
    if (st != CH_OK)
        print_error("%s: \"%s\" refused: %s\n", zone, text, err.user);
    assert_int_equal(st, CH_OK);
    if (r.utc_ms != want)
        print_error("%s: \"%s\": got %lld, want %lld (off by %lld min)\n",
                    zone, text, (long long)r.utc_ms, (long long)want,
                    (long long)((r.utc_ms - want) / MS_PER_MIN));
    assert_int_equal(r.utc_ms, want);
    assert_int_equal(r.date_only, want_date_only);
}

/* Refused; when msg is not NULL the message must be exactly that. */
static void
check_refused(const char *zone, int64_t now, const char *text,
              const char *msg)
{
    struct when_options opt = {
        .zone = zone, .now_ms = now, .date_only_minute = 18 * 60,
    };
    struct when_result r;
    struct ch_error err = { .status = CH_OK };

    enum ch_status st = when_parse(text, &opt, &r, &err);
    if (st != CH_INVALID)
        print_error("%s: \"%s\" accepted\n", zone, text ? text : "(null)");
    assert_int_equal(st, CH_INVALID);
    assert_int_equal(err.status, CH_INVALID);
    assert_true(err.user[0] != '\0');
    if (msg)
        assert_string_equal(err.user, msg);
}

static void
test_iso_forms(void **state)
{
    (void)state;
    int64_t now = fri_morning();

    check_when(BERLIN, now, "2026-12-01", utc(2026, 12, 1, 17, 0), true);
    check_when(BERLIN, now, "2026-12-01 18:00", utc(2026, 12, 1, 17, 0),
               false);
    check_when(BERLIN, now, "2026-12-01T18:00", utc(2026, 12, 1, 17, 0),
               false);
    check_when(BERLIN, now, "  2026-12-01   9:05  ",
               utc(2026, 12, 1, 8, 5), false);
    check_when(BERLIN, now, "2026-12-01 6pm", utc(2026, 12, 1, 17, 0),
               false);
    check_when(BERLIN, now, "2026-3-5 18:00", utc(2026, 3, 5, 17, 0), false);
    check_when(BERLIN, now, "2028-02-29", utc(2028, 2, 29, 17, 0), true);
    /* Summer: CEST. */
    check_when(BERLIN, now, "2026-07-01 18:00", utc(2026, 7, 1, 16, 0),
               false);

    check_when(NEW_YORK, now, "2026-12-01", utc(2026, 12, 1, 23, 0), true);
    check_when(NEW_YORK, now, "2026-12-01T18:00", utc(2026, 12, 1, 23, 0),
               false);
    check_when(KOLKATA, now, "2026-12-01 18:00", utc(2026, 12, 1, 12, 30),
               false);
    check_when("Asia/Kathmandu", now, "2026-12-01 18:00",
               utc(2026, 12, 1, 12, 15), false);
}

static void
test_utc_suffix(void **state)
{
    (void)state;
    int64_t now = fri_morning();

    check_when(BERLIN, now, "2026-12-01T18:00Z", utc(2026, 12, 1, 18, 0),
               false);
    check_when(BERLIN, now, "2026-12-01 18:00z", utc(2026, 12, 1, 18, 0),
               false);
    check_when(BERLIN, now, "2026-12-01 18:00 UTC", utc(2026, 12, 1, 18, 0),
               false);
    check_when(KOLKATA, now, "2026-12-01T18:00 utc",
               utc(2026, 12, 1, 18, 0), false);
    check_when(NEW_YORK, now, "2026-12-01Z", utc(2026, 12, 1, 18, 0), true);
    check_when(NEW_YORK, now, "2026-12-01 UTC", utc(2026, 12, 1, 18, 0),
               true);
    /* UTC has no gap where Berlin has one. */
    check_when(BERLIN, now, "2026-03-29 02:30Z", utc(2026, 3, 29, 2, 30),
               false);
}

static void
test_weekdays(void **state)
{
    (void)state;
    int64_t now = fri_morning();

    /* Friday 11:00 in Berlin: 17:00 is still ahead today. */
    check_when(BERLIN, now, "fri 17:00", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "friday 17:00", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "fri 5pm", utc(2026, 12, 4, 16, 0), false);
    /* ... but 10:30 has passed, so next week. */
    check_when(BERLIN, now, "fri 10:30", utc(2026, 12, 11, 9, 30), false);
    /* Friday 17:30 in Berlin: next Friday. */
    check_when(BERLIN, utc(2026, 12, 4, 16, 30), "fri 17:00",
               utc(2026, 12, 11, 16, 0), false);
    /* Exactly 17:00 is not ahead any more. */
    check_when(BERLIN, utc(2026, 12, 4, 16, 0), "fri 17:00",
               utc(2026, 12, 11, 16, 0), false);
    check_when(BERLIN, utc(2026, 12, 4, 15, 59), "fri 17:00",
               utc(2026, 12, 4, 16, 0), false);
    /* A bare weekday takes the default 18:00, today while it is ahead. */
    check_when(BERLIN, now, "fri", utc(2026, 12, 4, 17, 0), true);
    check_when(BERLIN, utc(2026, 12, 4, 17, 30), "fri",
               utc(2026, 12, 11, 17, 0), true);
    check_when(BERLIN, now, "mon 9:30", utc(2026, 12, 7, 8, 30), false);
    check_when(BERLIN, now, "monday", utc(2026, 12, 7, 17, 0), true);
    check_when(BERLIN, now, "thu 10:00", utc(2026, 12, 10, 9, 0), false);
    check_when(BERLIN, now, "sat", utc(2026, 12, 5, 17, 0), true);
    check_when(BERLIN, now, "sunday 08:00", utc(2026, 12, 6, 7, 0), false);
    check_when(BERLIN, now, "wednesday", utc(2026, 12, 9, 17, 0), true);
    check_when(BERLIN, now, "tue 00:00", utc(2026, 12, 7, 23, 0), false);

    /* Friday 05:00 in New York. */
    check_when(NEW_YORK, now, "fri 17:00", utc(2026, 12, 4, 22, 0), false);
    check_when(NEW_YORK, now, "sun 9:00", utc(2026, 12, 6, 14, 0), false);
    check_when(NEW_YORK, now, "fri 4am", utc(2026, 12, 11, 9, 0), false);
    /* Friday 15:30 in Kolkata. */
    check_when(KOLKATA, now, "fri 17:00", utc(2026, 12, 4, 11, 30), false);
    check_when(KOLKATA, now, "fri 3pm", utc(2026, 12, 11, 9, 30), false);
    /* Already Saturday in Kolkata at 20:00 UTC Friday (01:30 IST). */
    check_when(KOLKATA, utc(2026, 12, 4, 20, 0), "sat 9:00",
               utc(2026, 12, 5, 3, 30), false);
    check_when(NEW_YORK, utc(2026, 12, 5, 3, 0), "fri 23:00",
               utc(2026, 12, 5, 4, 0), false);  /* still Fri 22:00 there */
}

static void
test_today_tomorrow_clock(void **state)
{
    (void)state;
    int64_t now = fri_morning();

    check_when(BERLIN, now, "today 17:00", utc(2026, 12, 4, 16, 0), false);
    /* today is today, even when the time has passed: callers refuse */
    check_when(BERLIN, now, "today 9:00", utc(2026, 12, 4, 8, 0), false);
    check_when(BERLIN, now, "today", utc(2026, 12, 4, 17, 0), true);
    check_when(BERLIN, now, "tomorrow", utc(2026, 12, 5, 17, 0), true);
    check_when(BERLIN, now, "tomorrow 9:30", utc(2026, 12, 5, 8, 30), false);
    check_when(KOLKATA, now, "tomorrow 9:30", utc(2026, 12, 5, 4, 0), false);
    check_when(NEW_YORK, now, "tomorrow 9:30", utc(2026, 12, 5, 14, 30),
               false);

    /* 17:00 alone: today while ahead, else tomorrow. */
    check_when(BERLIN, now, "17:00", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "10:30", utc(2026, 12, 5, 9, 30), false);
    check_when(BERLIN, now, "11:00", utc(2026, 12, 5, 10, 0), false);
    check_when(BERLIN, now, "11:01", utc(2026, 12, 4, 10, 1), false);
    check_when(NEW_YORK, now, "17:00", utc(2026, 12, 4, 22, 0), false);
    check_when(NEW_YORK, now, "4:59", utc(2026, 12, 5, 9, 59), false);
    check_when(KOLKATA, now, "15:00", utc(2026, 12, 5, 9, 30), false);
    check_when(KOLKATA, now, "16:00", utc(2026, 12, 4, 10, 30), false);
}

static void
test_am_pm(void **state)
{
    (void)state;
    int64_t now = fri_morning();   /* 11:00 CET */

    check_when(BERLIN, now, "5pm", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "5:30pm", utc(2026, 12, 4, 16, 30), false);
    check_when(BERLIN, now, "5 PM", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "12pm", utc(2026, 12, 4, 11, 0), false);
    check_when(BERLIN, now, "12am", utc(2026, 12, 4, 23, 0), false);
    check_when(BERLIN, now, "12:30am", utc(2026, 12, 4, 23, 30), false);
    check_when(BERLIN, now, "9am", utc(2026, 12, 5, 8, 0), false);
    check_when(BERLIN, now, "11:30am", utc(2026, 12, 4, 10, 30), false);
}

static void
test_uppercase(void **state)
{
    (void)state;
    int64_t now = fri_morning();

    check_when(BERLIN, now, "FRI 17:00", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "Friday 5PM", utc(2026, 12, 4, 16, 0), false);
    check_when(BERLIN, now, "TOMORROW 9:30", utc(2026, 12, 5, 8, 30), false);
    check_when(BERLIN, now, "Today", utc(2026, 12, 4, 17, 0), true);
    check_when(BERLIN, now, "2026-12-01T18:00Z", utc(2026, 12, 1, 18, 0),
               false);
    check_when(BERLIN, now, "+2D", now + 2 * MS_PER_DAY, false);
}

static void
test_relative(void **state)
{
    (void)state;
    int64_t now = fri_morning();

    check_when(BERLIN, now, "+2d", now + 48 * MS_PER_HOUR, false);
    check_when(BERLIN, now, "+4h", now + 4 * MS_PER_HOUR, false);
    check_when(BERLIN, now, "+30m", now + 30 * MS_PER_MIN, false);
    check_when(BERLIN, now, "+1w", now + 7 * 24 * MS_PER_HOUR, false);
    check_when(BERLIN, now, "+1d12h", now + 36 * MS_PER_HOUR, false);
    check_when(BERLIN, now, "+90m", now + 90 * MS_PER_MIN, false);
    check_when(BERLIN, now, "+1w2d3h4m", now + 9 * MS_PER_DAY +
               3 * MS_PER_HOUR + 4 * MS_PER_MIN, false);
    check_when(NEW_YORK, now + 123, "+1h", now + 123 + MS_PER_HOUR, false);
    check_when(KOLKATA, now, "+0m", now, false);

    /* +2d is 48 hours even when Berlin's clocks jump in between:
     * Sat 2026-03-28 13:00 CET + 48 h = Mon 14:00 CEST, where the
     * calendar "Monday 13:00" is an hour earlier. */
    int64_t sat = utc(2026, 3, 28, 12, 0);
    check_when(BERLIN, sat, "+2d", utc(2026, 3, 30, 12, 0), false);
    check_when(BERLIN, sat, "mon 13:00", utc(2026, 3, 30, 11, 0), false);
}

static void
test_dst(void **state)
{
    (void)state;
    int64_t sat = utc(2026, 3, 28, 12, 0);    /* Sat 13:00 CET */

    check_when(BERLIN, sat, "2026-03-30 09:00", utc(2026, 3, 30, 7, 0),
               false);
    check_when(BERLIN, sat, "2026-03-27 09:00", utc(2026, 3, 27, 8, 0),
               false);
    check_when(BERLIN, sat, "sun 03:00", utc(2026, 3, 29, 1, 0), false);
    check_when(BERLIN, sat, "sun 01:59", utc(2026, 3, 29, 0, 59), false);
    check_when(BERLIN, sat, "tomorrow 12:00", utc(2026, 3, 29, 10, 0),
               false);
    /* Fall back: the earlier 02:30 (CEST). */
    check_when(BERLIN, sat, "2026-10-25 02:30", utc(2026, 10, 25, 0, 30),
               false);

    /* New York, Fri 2026-03-06 12:00 EST. */
    int64_t fri = utc(2026, 3, 6, 17, 0);
    check_when(NEW_YORK, fri, "mon 10:00", utc(2026, 3, 9, 14, 0), false);
    check_when(NEW_YORK, fri, "sat 10:00", utc(2026, 3, 7, 15, 0), false);
    check_when(NEW_YORK, fri, "2026-11-01 1:30am", utc(2026, 11, 1, 5, 30),
               false);
    check_when(NEW_YORK, fri, "2026-11-01 2:00", utc(2026, 11, 1, 7, 0),
               false);
}

static void
test_gap_refused(void **state)
{
    (void)state;
    int64_t sat = utc(2026, 3, 28, 12, 0);

    check_refused(BERLIN, sat, "2026-03-29 02:30",
                  "2026-03-29 02:30 does not exist in Europe/Berlin "
                  "(clocks jump from 02:00 to 03:00)");
    check_refused(BERLIN, sat, "2026-03-29T02:00",
                  "2026-03-29 02:00 does not exist in Europe/Berlin "
                  "(clocks jump from 02:00 to 03:00)");
    check_refused(BERLIN, sat, "sun 2:30",
                  "2026-03-29 02:30 does not exist in Europe/Berlin "
                  "(clocks jump from 02:00 to 03:00)");
    check_refused(BERLIN, sat, "tomorrow 2:15am",
                  "2026-03-29 02:15 does not exist in Europe/Berlin "
                  "(clocks jump from 02:00 to 03:00)");
    /* Sat 23:00 CET: the next 02:30 is tonight's, which is missing. */
    check_refused(BERLIN, utc(2026, 3, 28, 22, 0), "2:30",
                  "2026-03-29 02:30 does not exist in Europe/Berlin "
                  "(clocks jump from 02:00 to 03:00)");
    check_refused(NEW_YORK, utc(2026, 3, 6, 17, 0), "sun 2:30",
                  "2026-03-08 02:30 does not exist in America/New_York "
                  "(clocks jump from 02:00 to 03:00)");
    check_refused("Australia/Lord_Howe", utc(2026, 10, 1, 0, 0),
                  "2026-10-04 02:15",
                  "2026-10-04 02:15 does not exist in Australia/Lord_Howe "
                  "(clocks jump from 02:00 to 02:30)");

    /* A bare date whose default time is in the gap moves forward: the
     * user did not choose that time. */
    struct when_options opt = {
        .zone = BERLIN, .now_ms = sat, .date_only_minute = 2 * 60 + 30,
    };
    struct when_result r;
    assert_int_equal(when_parse("2026-03-29", &opt, &r, NULL), CH_OK);
    assert_int_equal(r.utc_ms, utc(2026, 3, 29, 1, 30));
    assert_true(r.date_only);
}

static void
test_bad_input(void **state)
{
    (void)state;
    int64_t now = fri_morning();
    const char *time_hint = "(use 17:00, 9:30 or 5pm)";
    char msg[256];

    check_refused(BERLIN, now, "", "no date given " HINT);
    check_refused(BERLIN, now, "   ", "no date given " HINT);
    check_refused(BERLIN, now, NULL, "no date given " HINT);
    check_refused(BERLIN, now, "garbage",
                  "\"garbage\" is not a date or time " HINT);
    check_refused(BERLIN, now, "2026-13-01",
                  "\"2026-13-01\" is not a date " HINT);
    check_refused(BERLIN, now, "2026-02-30",
                  "\"2026-02-30\" is not a date (February 2026 has 28 days)");
    check_refused(BERLIN, now, "2025-02-29",
                  "\"2025-02-29\" is not a date (February 2025 has 28 days)");
    check_refused(BERLIN, now, "2026-04-31 10:00",
                  "\"2026-04-31\" is not a date (April 2026 has 30 days)");
    check_refused(BERLIN, now, "2026-00-10", NULL);
    check_refused(BERLIN, now, "2026-12-00", NULL);
    check_refused(BERLIN, now, "2026-12-01x",
                  "\"2026-12-01x\" is not a date " HINT);
    check_refused(BERLIN, now, "2026-12-001", NULL);
    check_refused(BERLIN, now, "12/01/2026",
                  "\"12/01/2026\" is not a date " HINT);

    snprintf(msg, sizeof(msg), "\"25:00\" is not a time of day %s",
             time_hint);
    check_refused(BERLIN, now, "25:00", msg);
    check_refused(BERLIN, now, "2026-12-01 25:00", msg);
    check_refused(BERLIN, now, "2026-12-01T25:00", msg);
    snprintf(msg, sizeof(msg), "\"17\" is not a time of day %s", time_hint);
    check_refused(BERLIN, now, "fri 17", msg);
    check_refused(BERLIN, now, "17", msg);
    check_refused(BERLIN, now, "12:60", NULL);
    check_refused(BERLIN, now, "24:00", NULL);
    check_refused(BERLIN, now, "13pm", NULL);
    check_refused(BERLIN, now, "0am", NULL);
    check_refused(BERLIN, now, "17:5", NULL);
    check_refused(BERLIN, now, "1700", NULL);
    check_refused(BERLIN, now, "17:00x", NULL);
    check_refused(BERLIN, now, "2026-12-01T", NULL);

    check_refused(BERLIN, now, "+2x",
                  "\"+2x\" is not a duration "
                  "(use +2d, +4h, +30m, +1w or +1d12h)");
    check_refused(BERLIN, now, "+", NULL);
    check_refused(BERLIN, now, "+2", NULL);
    check_refused(BERLIN, now, "+d", NULL);
    check_refused(BERLIN, now, "+-2d", NULL);
    check_refused(BERLIN, now, "+2d3", NULL);
    check_refused(BERLIN, now, "+1h1d", NULL);
    check_refused(BERLIN, now, "+1h 30m", NULL);
    check_refused(BERLIN, now, "+99999999999999w",
                  "\"+99999999999999w\" is too far ahead");
    check_refused(BERLIN, INT64_MAX - 1000, "+1h",
                  "\"+1h\" is too far ahead");
    /* Within ten years of now, either way: no deadline in year 275817. */
    check_refused(BERLIN, now, "+99999999d",
                  "\"+99999999d\" is more than 10 years ahead; dates must "
                  "lie within 10 years of today");
    check_refused(BERLIN, now, "+600w", NULL);
    check_refused(BERLIN, now, "9999-12-31",
                  "\"9999-12-31\" is more than 10 years ahead; dates must "
                  "lie within 10 years of today");
    check_refused(BERLIN, now, "0001-01-01 00:00Z",
                  "\"0001-01-01 00:00Z\" is more than 10 years ago; dates "
                  "must lie within 10 years of today");
    check_refused(BERLIN, now, "1970-01-01", NULL);
    check_when(BERLIN, now, "+520w", now + 520 * 7 * MS_PER_DAY, false);
    check_when(BERLIN, now, "2036-12-01", utc(2036, 12, 1, 17, 0), true);
    check_when(BERLIN, now, "2016-12-05", utc(2016, 12, 5, 17, 0), true);

    check_refused(BERLIN, now, "fri 17:00 extra",
                  "unexpected \"extra\" after \"fri 17:00\" " HINT);
    check_refused(BERLIN, now, "2026-12-01 18:00 tomorrow",
                  "unexpected \"tomorrow\" after \"2026-12-01 18:00\" "
                  HINT);
    check_refused(BERLIN, now, "+2d 17:00",
                  "unexpected \"17:00\" after \"+2d\" " HINT);
    check_refused(BERLIN, now, "fri 17:00 UTC",
                  "\"UTC\" only follows a full date, as in "
                  "\"2026-12-01 18:00 UTC\"");
    check_refused(BERLIN, now, "fri blah",
                  "unexpected \"blah\" after \"fri\" " HINT);
    check_refused(BERLIN, now, "fri17:00", NULL);
    check_refused(BERLIN, now, "friday!", NULL);
    check_refused(BERLIN, now, "tomorow", NULL);
    check_refused(BERLIN, now, "fr 17:00", NULL);
    check_refused(BERLIN, now, "-2d", NULL);
    check_refused(BERLIN, now, "2026-12-01 18:00 UTC UTC", NULL);
    check_refused(BERLIN, now, "2026-12-01 18:00 utcx", NULL);
    check_refused(BERLIN, now, "\xc3\xa9t\xc3\xa9", NULL);

    char longtext[300];
    memset(longtext, '1', sizeof(longtext) - 1);
    longtext[sizeof(longtext) - 1] = '\0';
    check_refused(BERLIN, now, longtext, NULL);

    /* The zone must be real. */
    check_refused("Mars/Base", now, "fri 17:00",
                  "time zone \"Mars/Base\" is not known");
    check_refused(NULL, now, "fri 17:00", NULL);

    /* err and its message are optional for callers that only test. */
    struct when_options opt = { .zone = BERLIN, .now_ms = now };
    struct when_result r;
    assert_int_equal(when_parse("nonsense", &opt, &r, NULL), CH_INVALID);
    assert_int_equal(when_parse(NULL, NULL, &r, NULL), CH_INVALID);
}

static void
test_duration_parse(void **state)
{
    (void)state;
    int64_t ms;

    struct {
        const char *text;
        int64_t     ms;
    } good[] = {
        { "90m", INT64_C(5400000) },
        { "24h", INT64_C(86400000) },
        { "2d", INT64_C(172800000) },
        { "1w", INT64_C(604800000) },
        { "1d12h", INT64_C(129600000) },
        { "45s", INT64_C(45000) },
        { "0m", 0 },
        { "2d 4h", INT64_C(187200000) },
        { "1H", INT64_C(3600000) },
        { "1w2d3h4m5s", INT64_C(788645000) },
        { "106751991167d", INT64_C(9223372036828800000) },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ms = -1;
        if (!when_duration_parse(good[i].text, &ms))
            print_error("\"%s\" refused\n", good[i].text);
        assert_true(when_duration_parse(good[i].text, &ms));
        assert_int_equal(ms, good[i].ms);
    }

    const char *bad[] = {
        "90", "", "m", "1x", "-5m", "+5m", "1h1h", "30m2h", " 1h", "1h ",
        "1.5h", "1h  30m", "1ms", "1 h", "h1", "106751991168d",
        "9223372036854775807m", "99999999999999999999s", "1y", "1mo",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ms = 42;
        if (when_duration_parse(bad[i], &ms))
            print_error("\"%s\" accepted\n", bad[i]);
        assert_false(when_duration_parse(bad[i], &ms));
        assert_int_equal(ms, 42);
    }
    assert_false(when_duration_parse(NULL, &ms));
}

static void
test_duration_format(void **state)
{
    (void)state;
    char buf[32];

    struct {
        int64_t     ms;
        const char *text;
    } cases[] = {
        { 0, "0m" },
        { 999, "0m" },
        { INT64_C(45000), "45s" },
        { INT64_C(60000), "1m" },
        { INT64_C(90000), "1m 30s" },
        { INT64_C(5400000), "1h 30m" },
        { INT64_C(86400000), "1d" },
        { INT64_C(187200000), "2d 4h" },
        { INT64_C(172800000) + INT64_C(300000), "2d" },   /* 2d 0h 5m */
        { INT64_C(604800000), "1w" },
        { INT64_C(788645000), "1w 2d" },
        { -INT64_C(5400000), "-1h 30m" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        when_duration_format(cases[i].ms, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].text);
    }

    /* Round trips for values two units can hold. */
    const int64_t trips[] = {
        INT64_C(60000), INT64_C(5400000), INT64_C(86400000),
        INT64_C(187200000), INT64_C(691200000), INT64_C(45000),
        INT64_C(3660000),
    };
    for (size_t i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
        int64_t back = -1;
        when_duration_format(trips[i], buf, sizeof(buf));
        assert_true(when_duration_parse(buf, &back));
        assert_int_equal(back, trips[i]);
    }

    when_duration_format(INT64_MIN, buf, sizeof(buf));
    assert_true(buf[0] == '-');
    when_duration_format(INT64_MAX, buf, sizeof(buf));
    assert_string_equal(buf, "15250284452w 3d");
    when_duration_format(INT64_C(187200000), buf, 4);
    assert_string_equal(buf, "2d ");
    when_duration_format(INT64_C(187200000), NULL, 0);  /* no crash */
}

static void
test_clock_parse(void **state)
{
    (void)state;
    int m = -1;

    assert_true(when_clock_parse("09:30", &m));
    assert_int_equal(m, 570);
    assert_true(when_clock_parse("9:30", &m));
    assert_int_equal(m, 570);
    assert_true(when_clock_parse("00:00", &m));
    assert_int_equal(m, 0);
    assert_true(when_clock_parse("23:59", &m));
    assert_int_equal(m, 1439);

    const char *bad[] = {
        "24:00", "9", "9:3", "09:30x", "", "09:60", " 9:30", "-1:30",
        "9:30pm", "123:00", "09:300",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        m = 7;
        assert_false(when_clock_parse(bad[i], &m));
        assert_int_equal(m, 7);
    }
    assert_false(when_clock_parse(NULL, &m));
}

static void
test_format(void **state)
{
    (void)state;
    char buf[64];
    int64_t t = utc(2026, 12, 4, 17, 0);

    when_format(t, BERLIN, t, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec 18:00 CET");
    when_format(t, BERLIN, t, WHEN_SHORT, buf, sizeof(buf));
    assert_string_equal(buf, "4 Dec 18:00");
    when_format(t, BERLIN, t, WHEN_DATE, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec");
    when_format(t, BERLIN, t, WHEN_ISO, buf, sizeof(buf));
    assert_string_equal(buf, "2026-12-04 18:00");

    when_format(t, NEW_YORK, t, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec 12:00 EST");
    when_format(t, KOLKATA, t, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec 22:30 IST");
    when_format(t, "Australia/Lord_Howe", t, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Sat 5 Dec 04:00 +11");
    when_format(utc(2026, 7, 1, 10, 0), BERLIN, utc(2026, 7, 1, 0, 0),
                WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Wed 1 Jul 12:00 CEST");
    when_format(utc(2026, 1, 11, 23, 59) + 59999, "UTC", utc(2026, 1, 1, 0, 0),
                WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Sun 11 Jan 23:59 UTC");

    /* An invalid zone formats in UTC. */
    when_format(t, "Mars/Base", t, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec 17:00 UTC");
    when_format(t, NULL, t, WHEN_ISO, buf, sizeof(buf));
    assert_string_equal(buf, "2026-12-04 17:00");
    when_format(-1, NULL, -1, WHEN_ISO, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31 23:59");
    when_format(-1, NULL, -1, WHEN_DATE, buf, sizeof(buf));
    assert_string_equal(buf, "Wed 31 Dec");

    when_format(t, BERLIN, t, WHEN_LONG, buf, 5);
    assert_string_equal(buf, "Fri ");
}

/* The year shows when a date is not in the reader's current year or is
 * more than about six months away, so a typo'd year reads as one. */
static void
test_format_year(void **state)
{
    (void)state;
    char buf[64];
    int64_t now = utc(2026, 12, 1, 8, 0);

    /* Near and in the same year: no year. */
    when_format(utc(2026, 12, 4, 17, 0), BERLIN, now, WHEN_LONG, buf,
                sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec 18:00 CET");
    /* Next year, even next week. */
    when_format(utc(2027, 1, 5, 17, 0), BERLIN, now, WHEN_LONG, buf,
                sizeof(buf));
    assert_string_equal(buf, "Tue 5 Jan 2027 18:00 CET");
    when_format(utc(2027, 1, 5, 17, 0), BERLIN, now, WHEN_SHORT, buf,
                sizeof(buf));
    assert_string_equal(buf, "5 Jan 2027 18:00");
    /* A typo'd year. */
    when_format(utc(2027, 12, 4, 17, 0), BERLIN, now, WHEN_DATE, buf,
                sizeof(buf));
    assert_string_equal(buf, "Sat 4 Dec 2027");
    /* Same year but more than six months back (or ahead). */
    when_format(utc(2026, 5, 20, 17, 0), BERLIN, now, WHEN_DATE, buf,
                sizeof(buf));
    assert_string_equal(buf, "Wed 20 May 2026");
    when_format(utc(2026, 9, 1, 17, 0), BERLIN, now, WHEN_DATE, buf,
                sizeof(buf));
    assert_string_equal(buf, "Tue 1 Sep");
    when_format(utc(2026, 7, 1, 12, 0), BERLIN, utc(2026, 1, 2, 0, 0),
                WHEN_DATE, buf, sizeof(buf));
    assert_string_equal(buf, "Wed 1 Jul");
    when_format(utc(2026, 7, 10, 12, 0), BERLIN, utc(2026, 1, 2, 0, 0),
                WHEN_DATE, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 10 Jul 2026");
    /* The same instant, readers in three zones: the year is the one of
     * each reader's own date. */
    int64_t eve = utc(2026, 12, 31, 20, 0);
    when_format(eve, "America/Los_Angeles", now, WHEN_LONG, buf,
                sizeof(buf));
    assert_string_equal(buf, "Thu 31 Dec 12:00 PST");
    when_format(eve, "Europe/London", now, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Thu 31 Dec 20:00 GMT");
    when_format(eve, KOLKATA, now, WHEN_LONG, buf, sizeof(buf));
    assert_string_equal(buf, "Fri 1 Jan 2027 01:30 IST");
    /* On New Year's Eve in Kolkata it is already 2027 there: a date
     * in late 2026 now needs its year. */
    when_format(utc(2026, 12, 20, 12, 0), KOLKATA, eve, WHEN_DATE, buf,
                sizeof(buf));
    assert_string_equal(buf, "Sun 20 Dec 2026");
    when_format(utc(2026, 12, 20, 12, 0), "America/Los_Angeles", eve,
                WHEN_DATE, buf, sizeof(buf));
    assert_string_equal(buf, "Sun 20 Dec");
    /* No now to measure from: always the year. */
    when_format(utc(2026, 12, 4, 17, 0), "UTC", WHEN_YEAR_ALWAYS, WHEN_LONG,
                buf, sizeof(buf));
    assert_string_equal(buf, "Fri 4 Dec 2026 17:00 UTC");
}

/* Calendar dates for windows: a date has no zone; its day starts and
 * ends where the zone says. */
static void
test_days(void **state)
{
    (void)state;
    char buf[64];
    int64_t dec1 = 20788;   /* 2026-12-01 */
    when_format_day(dec1, false, buf, sizeof(buf));
    assert_string_equal(buf, "Tue 1 Dec");
    when_format_day(dec1 + 30, true, buf, sizeof(buf));
    assert_string_equal(buf, "Thu 31 Dec 2026");
    assert_int_equal(when_day_start("Europe/London", dec1),
                     utc(2026, 12, 1, 0, 0));
    assert_int_equal(when_day_start(KOLKATA, dec1),
                     utc(2026, 11, 30, 18, 30));
    assert_int_equal(when_day_start("America/Los_Angeles", dec1),
                     utc(2026, 12, 1, 8, 0));
    assert_int_equal(when_local_date(KOLKATA, utc(2026, 11, 30, 18, 30)),
                     dec1);
    assert_int_equal(when_local_date(KOLKATA, utc(2026, 11, 30, 18, 29)),
                     dec1 - 1);
    assert_false(when_day_needs_year(dec1 + 30, dec1));
    assert_true(when_day_needs_year(dec1 + 31, dec1));
    assert_true(when_day_needs_year(dec1 - 184, dec1));
}

static void
test_local_midnight(void **state)
{
    (void)state;

    assert_int_equal(when_local_midnight(BERLIN, utc(2026, 12, 4, 17, 0)),
                     utc(2026, 12, 3, 23, 0));
    assert_int_equal(when_local_midnight(BERLIN, utc(2026, 12, 3, 23, 0)),
                     utc(2026, 12, 3, 23, 0));
    assert_int_equal(when_local_midnight(BERLIN, utc(2026, 12, 3, 22, 59)),
                     utc(2026, 12, 2, 23, 0));
    /* DST days: midnight is before the change, in the old offset. */
    assert_int_equal(when_local_midnight(BERLIN, utc(2026, 3, 29, 12, 0)),
                     utc(2026, 3, 28, 23, 0));
    assert_int_equal(when_local_midnight(BERLIN, utc(2026, 10, 25, 22, 0)),
                     utc(2026, 10, 24, 22, 0));
    assert_int_equal(when_local_midnight(NEW_YORK, utc(2026, 11, 1, 12, 0)),
                     utc(2026, 11, 1, 4, 0));
    assert_int_equal(when_local_midnight(KOLKATA, utc(2026, 12, 4, 17, 0)),
                     utc(2026, 12, 3, 18, 30));

    /* America/Santiago skips 2026-09-06 00:00-01:00: the day starts at
     * 01:00 -03; the day before started at 00:00 -04. */
    assert_int_equal(when_local_midnight("America/Santiago",
                                         utc(2026, 9, 6, 12, 0)),
                     utc(2026, 9, 6, 4, 0));
    assert_int_equal(when_local_midnight("America/Santiago",
                                         utc(2026, 9, 5, 12, 0)),
                     utc(2026, 9, 5, 4, 0));
    /* Asia/Beirut skips 2026-03-29 00:00-01:00 (EET -> EEST). */
    assert_int_equal(when_local_midnight("Asia/Beirut",
                                         utc(2026, 3, 29, 12, 0)),
                     utc(2026, 3, 28, 22, 0));
    /* America/Havana repeats 2026-11-01 00:00-01:00: the first one. */
    assert_int_equal(when_local_midnight("America/Havana",
                                         utc(2026, 11, 1, 12, 0)),
                     utc(2026, 11, 1, 4, 0));
    /* America/Toronto 1919-03-30 jumped 23:30 EST -> 00:30 EDT, so
     * 1919-03-31 began at 00:30 EDT (04:30 UTC), not at 01:00. */
    assert_int_equal(when_local_midnight("America/Toronto",
                                         utc(1919, 3, 31, 12, 0)),
                     utc(1919, 3, 31, 4, 30));

    /* An invalid zone reads as UTC. */
    assert_int_equal(when_local_midnight("Mars/Base",
                                         utc(2026, 12, 4, 17, 0)),
                     utc(2026, 12, 4, 0, 0));
    assert_int_equal(when_local_midnight(NULL, -1), utc(1969, 12, 31, 0, 0));
}

static void
test_next_local(void **state)
{
    (void)state;
    const unsigned mon = 1u << 0, fri = 1u << 4, sun = 1u << 6;

    /* Monday 10:00 New York from a Sunday UTC instant after the change:
     * EDT, so 14:00 UTC. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 8, 12, 0), mon,
                                     600), utc(2026, 3, 9, 14, 0));
    /* From the Saturday before the change: still the EDT Monday. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 7, 12, 0), mon,
                                     600), utc(2026, 3, 9, 14, 0));
    /* Friday 11:00 EST: Friday's 10:00 passed, so Monday. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 6, 16, 0),
                                     mon | fri, 600),
                     utc(2026, 3, 9, 14, 0));
    /* Friday 09:00 EST: today 10:00 EST. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 6, 14, 0),
                                     mon | fri, 600),
                     utc(2026, 3, 6, 15, 0));
    /* after_ms itself counts. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 6, 15, 0),
                                     mon | fri, 600),
                     utc(2026, 3, 6, 15, 0));
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 6, 15, 0) + 1,
                                     mon | fri, 600),
                     utc(2026, 3, 9, 14, 0));
    /* Sunday 02:30 does not exist on 2026-03-08: moved to 03:30 EDT. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 3, 7, 12, 0), sun,
                                     150), utc(2026, 3, 8, 7, 30));
    /* Sunday 01:30 happens twice on 2026-11-01; once fired at the first
     * (05:30 UTC), the next is a week later, not the repeat at 06:30. */
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 11, 1, 5, 0), sun,
                                     90), utc(2026, 11, 1, 5, 30));
    assert_int_equal(when_next_local(NEW_YORK, utc(2026, 11, 1, 5, 30) + 1,
                                     sun, 90), utc(2026, 11, 8, 6, 30));
    /* Every day 10:00 Berlin across the fall-back Sunday. */
    assert_int_equal(when_next_local(BERLIN, utc(2026, 10, 24, 9, 0), 0x7f,
                                     600), utc(2026, 10, 25, 9, 0));
    assert_int_equal(when_next_local(BERLIN, utc(2026, 10, 24, 7, 0), 0x7f,
                                     600), utc(2026, 10, 24, 8, 0));
    /* Weekend 09:00 Kolkata from Friday. */
    assert_int_equal(when_next_local(KOLKATA, fri_morning(),
                                     (1u << 5) | sun, 540),
                     utc(2026, 12, 5, 3, 30));
    /* Toronto 1919: Sunday 23:45 fell in the 23:30 -> 00:30 gap and
     * moved to Monday 00:45 EDT; asked at Monday 00:40 it is still due. */
    assert_int_equal(when_next_local("America/Toronto",
                                     utc(1919, 3, 31, 4, 40), sun, 1425),
                     utc(1919, 3, 31, 4, 45));

    assert_int_equal(when_next_local(NEW_YORK, 0, 0, 600), INT64_MAX);
    assert_int_equal(when_next_local(NEW_YORK, 0, 0x80, 600), INT64_MAX);
    assert_int_equal(when_next_local("Mars/Base", 0, mon, 600), INT64_MAX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso_forms),
        cmocka_unit_test(test_utc_suffix),
        cmocka_unit_test(test_weekdays),
        cmocka_unit_test(test_today_tomorrow_clock),
        cmocka_unit_test(test_am_pm),
        cmocka_unit_test(test_uppercase),
        cmocka_unit_test(test_relative),
        cmocka_unit_test(test_dst),
        cmocka_unit_test(test_gap_refused),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_duration_format),
        cmocka_unit_test(test_clock_parse),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_year),
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_local_midnight),
        cmocka_unit_test(test_next_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
