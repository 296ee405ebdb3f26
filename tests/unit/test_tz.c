/*
 * tz: zone validation and wall-time conversions.  Expected instants come
 * from the published 2026 rules (checked against zdump), written as UTC
 * calendar times and turned into milliseconds with glibc's timegm, which
 * is not code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"

static int64_t
utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
        .tm_hour = h, .tm_min = mi, .tm_sec = s,
    };
    return (int64_t)timegm(&tm) * 1000;
}

/* from_local must give want with fit want_fit. */
static void
check_from(const char *zone, int y, int mo, int d, int h, int mi, int s,
           int64_t want, enum tz_fit want_fit)
{
    int64_t got = -1;
    enum tz_fit fit = (enum tz_fit)-1;

    assert_int_equal(tz_from_local(zone, y, mo, d, h, mi, s, &got, &fit),
                     CH_OK);
    if (got != want || fit != want_fit)
        print_error("%s %04d-%02d-%02d %02d:%02d:%02d: got %lld fit %d, "
                    "want %lld fit %d\n", zone, y, mo, d, h, mi, s,
                    (long long)got, (int)fit, (long long)want,
                    (int)want_fit);
    assert_int_equal(got, want);
    assert_int_equal(fit, want_fit);
}

static void
check_to(const char *zone, int64_t ms, int y, int mo, int d, int h, int mi,
         int s, int off, bool dst, const char *abbrev)
{
    struct local_time lt;

    assert_int_equal(tz_to_local(zone, ms, &lt), CH_OK);
    assert_int_equal(lt.year, y);
    assert_int_equal(lt.month, mo);
    assert_int_equal(lt.day, d);
    assert_int_equal(lt.hour, h);
    assert_int_equal(lt.minute, mi);
    assert_int_equal(lt.second, s);
    assert_int_equal(lt.utc_offset, off);
    assert_int_equal(lt.dst, dst);
    assert_string_equal(lt.abbrev, abbrev);
}

static void
test_valid_good(void **state)
{
    (void)state;
    assert_true(tz_valid("Europe/Berlin"));
    assert_true(tz_valid("America/New_York"));
    assert_true(tz_valid("Asia/Kolkata"));
    assert_true(tz_valid("Australia/Lord_Howe"));
    assert_true(tz_valid("America/Argentina/Buenos_Aires"));
    assert_true(tz_valid("UTC"));
    assert_true(tz_valid("Etc/GMT+5"));
    assert_true(tz_valid("Etc/GMT-14"));
}

static void
test_valid_bad(void **state)
{
    (void)state;
    assert_false(tz_valid(NULL));
    assert_false(tz_valid(""));
    assert_false(tz_valid("Mars/Olympus_Mons"));
    assert_false(tz_valid("../etc/passwd"));
    assert_false(tz_valid("Europe/../../etc/passwd"));
    assert_false(tz_valid("/etc/localtime"));
    assert_false(tz_valid("/usr/share/zoneinfo/Europe/Berlin"));
    assert_false(tz_valid("Europe/"));
    assert_false(tz_valid("Europe"));             /* a directory */
    assert_false(tz_valid("Europe//Berlin"));
    assert_false(tz_valid("Europe/./Berlin"));
    assert_false(tz_valid("Europe/Berlin "));
    assert_false(tz_valid(" Europe/Berlin"));
    assert_false(tz_valid("Europe/Berlin\n"));
    assert_false(tz_valid("europe/berlin"));      /* names are exact */
    assert_false(tz_valid("zone.tab"));           /* not TZif */
    assert_false(tz_valid("tzdata.zi"));
    assert_false(tz_valid("zone1970.tab"));
    assert_false(tz_valid("right/Europe/Berlin")); /* leap seconds */
    assert_false(tz_valid("localtime"));          /* the server's zone */

    char longname[200];
    memset(longname, 'A', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_false(tz_valid(longname));
}

/* TZDIR is honoured; a FIFO or a text file under a zone name is refused
 * (and the FIFO must not block). */
static void
test_valid_tzdir(void **state)
{
    (void)state;
    char dir[] = "/tmp/chorus-tz-XXXXXX";
    char sub[64], good[96], text[96], fifo[96], shortf[96];

    assert_non_null(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/Fake", dir);
    snprintf(good, sizeof(good), "%s/Fake/Zone", dir);
    snprintf(text, sizeof(text), "%s/Fake/Text", dir);
    snprintf(fifo, sizeof(fifo), "%s/Fake/Pipe", dir);
    snprintf(shortf, sizeof(shortf), "%s/Fake/Short", dir);
    assert_int_equal(mkdir(sub, 0700), 0);

    FILE *f = fopen(good, "w");
    assert_non_null(f);
    fputs("TZif2 and then some", f);
    fclose(f);
    f = fopen(text, "w");
    assert_non_null(f);
    fputs("Europe/Berlin\n", f);
    fclose(f);
    f = fopen(shortf, "w");
    assert_non_null(f);
    fputs("TZ", f);
    fclose(f);
    assert_int_equal(mkfifo(fifo, 0600), 0);

    assert_int_equal(setenv("TZDIR", dir, 1), 0);
    assert_true(tz_valid("Fake/Zone"));
    assert_false(tz_valid("Fake/Text"));
    assert_false(tz_valid("Fake/Short"));
    assert_false(tz_valid("Fake/Pipe"));
    assert_false(tz_valid("Fake"));
    assert_false(tz_valid("Europe/Berlin"));     /* not in this TZDIR */
    assert_int_equal(setenv("TZDIR", "", 1), 0);  /* empty: the default */
    assert_true(tz_valid("Europe/Berlin"));
    assert_int_equal(unsetenv("TZDIR"), 0);
    assert_true(tz_valid("Europe/Berlin"));

    unlink(good);
    unlink(text);
    unlink(shortf);
    unlink(fifo);
    rmdir(sub);
    rmdir(dir);
}

static void
test_berlin(void **state)
{
    (void)state;
    const char *z = "Europe/Berlin";

    /* Spring forward: 2026-03-29 01:00 UTC, 02:00 CET -> 03:00 CEST. */
    check_to(z, utc(2026, 3, 29, 0, 59, 59), 2026, 3, 29, 1, 59, 59, 3600,
             false, "CET");
    check_to(z, utc(2026, 3, 29, 1, 0, 0), 2026, 3, 29, 3, 0, 0, 7200,
             true, "CEST");
    check_from(z, 2026, 3, 29, 1, 59, 59, utc(2026, 3, 29, 0, 59, 59),
               TZ_FIT_EXACT);
    check_from(z, 2026, 3, 29, 2, 0, 0, utc(2026, 3, 29, 1, 0, 0),
               TZ_FIT_GAP);
    check_from(z, 2026, 3, 29, 2, 30, 0, utc(2026, 3, 29, 1, 30, 0),
               TZ_FIT_GAP);                    /* = 03:30 CEST */
    check_from(z, 2026, 3, 29, 3, 0, 0, utc(2026, 3, 29, 1, 0, 0),
               TZ_FIT_EXACT);

    /* Fall back: 2026-10-25 01:00 UTC, 03:00 CEST -> 02:00 CET. */
    check_to(z, utc(2026, 10, 25, 0, 30, 0), 2026, 10, 25, 2, 30, 0, 7200,
             true, "CEST");
    check_to(z, utc(2026, 10, 25, 1, 30, 0), 2026, 10, 25, 2, 30, 0, 3600,
             false, "CET");
    check_from(z, 2026, 10, 25, 1, 59, 0, utc(2026, 10, 24, 23, 59, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 10, 25, 2, 0, 0, utc(2026, 10, 25, 0, 0, 0),
               TZ_FIT_OVERLAP);
    check_from(z, 2026, 10, 25, 2, 30, 0, utc(2026, 10, 25, 0, 30, 0),
               TZ_FIT_OVERLAP);
    check_from(z, 2026, 10, 25, 2, 59, 59, utc(2026, 10, 25, 0, 59, 59),
               TZ_FIT_OVERLAP);
    check_from(z, 2026, 10, 25, 3, 0, 0, utc(2026, 10, 25, 2, 0, 0),
               TZ_FIT_EXACT);

    /* Ordinary winter and summer days; the weekday is ISO (Fri = 4). */
    struct local_time lt;
    assert_int_equal(tz_to_local(z, utc(2026, 12, 4, 17, 0, 0), &lt), CH_OK);
    assert_int_equal(lt.wday, 4);
    assert_int_equal(lt.hour, 18);
    check_from(z, 2026, 7, 1, 12, 0, 0, utc(2026, 7, 1, 10, 0, 0),
               TZ_FIT_EXACT);
    /* fit may be NULL */
    int64_t ms = 0;
    assert_int_equal(tz_from_local(z, 2026, 7, 1, 12, 0, 0, &ms, NULL),
                     CH_OK);
    assert_int_equal(ms, INT64_C(1782900000000));
}

static void
test_new_york(void **state)
{
    (void)state;
    const char *z = "America/New_York";

    /* 2026-03-08 07:00 UTC: 02:00 EST -> 03:00 EDT. */
    check_from(z, 2026, 3, 8, 1, 59, 0, utc(2026, 3, 8, 6, 59, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 3, 8, 2, 30, 0, utc(2026, 3, 8, 7, 30, 0),
               TZ_FIT_GAP);
    check_from(z, 2026, 3, 8, 3, 0, 0, utc(2026, 3, 8, 7, 0, 0),
               TZ_FIT_EXACT);
    check_to(z, utc(2026, 3, 8, 7, 30, 0), 2026, 3, 8, 3, 30, 0, -14400,
             true, "EDT");
    /* 2026-11-01 06:00 UTC: 02:00 EDT -> 01:00 EST. */
    check_from(z, 2026, 11, 1, 1, 30, 0, utc(2026, 11, 1, 5, 30, 0),
               TZ_FIT_OVERLAP);
    check_from(z, 2026, 11, 1, 2, 0, 0, utc(2026, 11, 1, 7, 0, 0),
               TZ_FIT_EXACT);
    check_to(z, utc(2026, 11, 1, 5, 30, 0), 2026, 11, 1, 1, 30, 0, -14400,
             true, "EDT");
    check_to(z, utc(2026, 11, 1, 6, 30, 0), 2026, 11, 1, 1, 30, 0, -18000,
             false, "EST");
}

static void
test_half_hour_zones(void **state)
{
    (void)state;
    /* Asia/Kolkata: +05:30 all year. */
    check_from("Asia/Kolkata", 2026, 12, 4, 18, 0, 0,
               utc(2026, 12, 4, 12, 30, 0), TZ_FIT_EXACT);
    check_from("Asia/Kolkata", 2026, 6, 15, 0, 0, 0,
               utc(2026, 6, 14, 18, 30, 0), TZ_FIT_EXACT);
    check_to("Asia/Kolkata", utc(2026, 12, 4, 12, 30, 0), 2026, 12, 4, 18,
             0, 0, 19800, false, "IST");
    /* Asia/Kathmandu: +05:45. */
    check_from("Asia/Kathmandu", 2026, 12, 4, 18, 0, 0,
               utc(2026, 12, 4, 12, 15, 0), TZ_FIT_EXACT);
    check_to("Asia/Kathmandu", utc(2026, 12, 4, 12, 15, 0), 2026, 12, 4,
             18, 0, 0, 20700, false, "+0545");
}

static void
test_lord_howe(void **state)
{
    (void)state;
    const char *z = "Australia/Lord_Howe";

    /* 2026-04-04 15:00 UTC: 02:00 +11 -> 01:30 +1030. */
    check_to(z, utc(2026, 4, 4, 14, 59, 59), 2026, 4, 5, 1, 59, 59, 39600,
             true, "+11");
    check_to(z, utc(2026, 4, 4, 15, 0, 0), 2026, 4, 5, 1, 30, 0, 37800,
             false, "+1030");
    check_from(z, 2026, 4, 5, 1, 45, 0, utc(2026, 4, 4, 14, 45, 0),
               TZ_FIT_OVERLAP);
    check_from(z, 2026, 4, 5, 1, 29, 0, utc(2026, 4, 4, 14, 29, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 4, 5, 2, 0, 0, utc(2026, 4, 4, 15, 30, 0),
               TZ_FIT_EXACT);
    /* 2026-10-03 15:30 UTC: 02:00 +1030 -> 02:30 +11, a 30 min gap. */
    check_from(z, 2026, 10, 4, 1, 59, 0, utc(2026, 10, 3, 15, 29, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 10, 4, 2, 15, 0, utc(2026, 10, 3, 15, 45, 0),
               TZ_FIT_GAP);                    /* = 02:45 +11 */
    check_from(z, 2026, 10, 4, 2, 30, 0, utc(2026, 10, 3, 15, 30, 0),
               TZ_FIT_EXACT);
}

static void
test_chatham(void **state)
{
    (void)state;
    const char *z = "Pacific/Chatham";

    /* +12:45 / +13:45; 2026-09-26 14:00 UTC jumps 02:45 -> 03:45. */
    check_to(z, utc(2026, 12, 4, 0, 0, 0), 2026, 12, 4, 13, 45, 0, 49500,
             true, "+1345");
    check_from(z, 2026, 9, 27, 3, 0, 0, utc(2026, 9, 26, 14, 15, 0),
               TZ_FIT_GAP);
    check_from(z, 2026, 9, 27, 2, 44, 0, utc(2026, 9, 26, 13, 59, 0),
               TZ_FIT_EXACT);
    /* 2026-04-04 14:00 UTC: 03:45 -> 02:45, so 03:00 happens twice. */
    check_from(z, 2026, 4, 5, 3, 0, 0, utc(2026, 4, 4, 13, 15, 0),
               TZ_FIT_OVERLAP);
}

static void
test_normalise(void **state)
{
    (void)state;
    const char *z = "Europe/Berlin";

    check_from(z, 2026, 1, 32, 10, 0, 0, utc(2026, 2, 1, 9, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 12, 31, 24, 0, 0, utc(2026, 12, 31, 23, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 13, 1, 0, 0, 0, utc(2026, 12, 31, 23, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 0, 15, 12, 0, 0, utc(2025, 12, 15, 11, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 3, 0, 12, 0, 0, utc(2026, 2, 28, 11, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2024, 3, 0, 12, 0, 0, utc(2024, 2, 29, 11, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 6, 1, 9, 60, 0, utc(2026, 6, 1, 8, 0, 0),
               TZ_FIT_EXACT);
    check_from(z, 2026, 6, 1, 0, 0, -1, utc(2026, 5, 31, 21, 59, 59),
               TZ_FIT_EXACT);
    /* Adding to fields lands in the gap like the plain date does. */
    check_from(z, 2026, 3, 28, 26, 30, 0, utc(2026, 3, 29, 1, 30, 0),
               TZ_FIT_GAP);
    check_from(z, 2026, 2, 57, 2, 30, 0, utc(2026, 3, 29, 1, 30, 0),
               TZ_FIT_GAP);
}

static void
test_invalid_zone(void **state)
{
    (void)state;
    struct local_time lt;
    int64_t ms = 42;
    enum tz_fit fit = TZ_FIT_EXACT;

    assert_int_equal(tz_to_local("Mars/Base", 0, &lt), CH_INVALID);
    assert_int_equal(tz_to_local(NULL, 0, &lt), CH_INVALID);
    assert_int_equal(tz_to_local("../etc/passwd", 0, &lt), CH_INVALID);
    assert_int_equal(tz_from_local("Mars/Base", 2026, 1, 1, 0, 0, 0, &ms,
                                   &fit), CH_INVALID);
    assert_int_equal(ms, 42);
    /* A valid zone after an invalid one still converts. */
    check_from("Europe/Berlin", 2026, 7, 1, 12, 0, 0,
               utc(2026, 7, 1, 10, 0, 0), TZ_FIT_EXACT);
    assert_int_equal(tz_to_local("Mars/Base", 0, &lt), CH_INVALID);
    /* Far outside any calendar we handle. */
    assert_int_equal(tz_from_local("Europe/Berlin", 2000000000, 1, 1, 0, 0,
                                   0, &ms, &fit), CH_INVALID);
}

/* Switching back and forth must not leave a stale zone behind. */
static void
test_switching(void **state)
{
    (void)state;
    int64_t t = utc(2026, 12, 4, 12, 0, 0);

    for (int i = 0; i < 3; i++) {
        check_to("Europe/Berlin", t, 2026, 12, 4, 13, 0, 0, 3600, false,
                 "CET");
        check_to("America/New_York", t, 2026, 12, 4, 7, 0, 0, -18000, false,
                 "EST");
        check_to("Asia/Kolkata", t, 2026, 12, 4, 17, 30, 0, 19800, false,
                 "IST");
        check_to("UTC", t, 2026, 12, 4, 12, 0, 0, 0, false, "UTC");
    }
}

static void
test_describe_gap(void **state)
{
    (void)state;
    char buf[64];

    tz_describe_gap("Europe/Berlin", 2026, 3, 29, 2, 30, buf, sizeof(buf));
    assert_string_equal(buf, "clocks jump from 02:00 to 03:00");
    tz_describe_gap("America/New_York", 2026, 3, 8, 2, 0, buf, sizeof(buf));
    assert_string_equal(buf, "clocks jump from 02:00 to 03:00");
    tz_describe_gap("Australia/Lord_Howe", 2026, 10, 4, 2, 15, buf,
                    sizeof(buf));
    assert_string_equal(buf, "clocks jump from 02:00 to 02:30");
    tz_describe_gap("Pacific/Chatham", 2026, 9, 27, 3, 0, buf, sizeof(buf));
    assert_string_equal(buf, "clocks jump from 02:45 to 03:45");
    tz_describe_gap("America/Santiago", 2026, 9, 6, 0, 30, buf, sizeof(buf));
    assert_string_equal(buf, "clocks jump from 00:00 to 01:00");
    tz_describe_gap("Europe/Berlin", 2026, 3, 29, 3, 30, buf, sizeof(buf));
    assert_string_equal(buf, "clocks do not change then");
    tz_describe_gap("Mars/Base", 2026, 3, 29, 2, 30, buf, sizeof(buf));
    assert_string_equal(buf, "");
    /* Truncated, still terminated. */
    tz_describe_gap("Europe/Berlin", 2026, 3, 29, 2, 30, buf, 8);
    assert_string_equal(buf, "clocks ");
}

static void
test_calendar(void **state)
{
    (void)state;
    int y, m, d;

    assert_int_equal(tz_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(tz_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(tz_days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(tz_days_from_civil(2026, 12, 4), 20791);
    assert_int_equal(tz_days_from_civil(2026, 13, 1), 20819);
    assert_int_equal(tz_days_from_civil(2026, 3, 0), 20512);
    assert_int_equal(tz_days_from_civil(2026, 1, 366), 20819);
    assert_int_equal(tz_days_from_civil(2026, -1, 1), 20393); /* 2025-11-01 */
    tz_civil_from_days(20791, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20261204);
    tz_civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 19691231);
    tz_civil_from_days(11016, &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20000229);
    tz_civil_from_days(-719468, &y, &m, &d);    /* 0000-03-01 */
    assert_int_equal(y * 10000 + m * 100 + d, 301);

    assert_int_equal(tz_days_in_month(2024, 2), 29);
    assert_int_equal(tz_days_in_month(2026, 2), 28);
    assert_int_equal(tz_days_in_month(1900, 2), 28);
    assert_int_equal(tz_days_in_month(2000, 2), 29);
    assert_int_equal(tz_days_in_month(2026, 4), 30);
    assert_int_equal(tz_days_in_month(2026, 12), 31);
    assert_int_equal(tz_days_in_month(2026, 13), 0);
    assert_int_equal(tz_days_in_month(2026, 0), 0);

    assert_int_equal(tz_weekday_of_days(0), 3);      /* Thursday */
    assert_int_equal(tz_weekday_of_days(-1), 2);     /* Wednesday */
    assert_int_equal(tz_weekday_of_days(20791), 4);  /* Fri 2026-12-04 */
    assert_int_equal(tz_weekday_of_days(20512), 5);  /* Sat 2026-02-28 */
}

static void
test_before_epoch(void **state)
{
    (void)state;
    /* -1 ms is the last second of 1969, not the first of 1970. */
    check_to("UTC", -1, 1969, 12, 31, 23, 59, 59, 0, false, "UTC");
    check_to("America/New_York", -1, 1969, 12, 31, 18, 59, 59, -18000,
             false, "EST");
    check_from("UTC", 1969, 12, 31, 23, 59, 59, -1000, TZ_FIT_EXACT);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_good),
        cmocka_unit_test(test_valid_bad),
        cmocka_unit_test(test_valid_tzdir),
        cmocka_unit_test(test_berlin),
        cmocka_unit_test(test_new_york),
        cmocka_unit_test(test_half_hour_zones),
        cmocka_unit_test(test_lord_howe),
        cmocka_unit_test(test_chatham),
        cmocka_unit_test(test_normalise),
        cmocka_unit_test(test_invalid_zone),
        cmocka_unit_test(test_switching),
        cmocka_unit_test(test_describe_gap),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_before_epoch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
