/* test_value: the one parser per value type that the configuration and
 * the chat grammar share (core/value.c): what each accepts, its
 * boundaries, and the exact words of every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "utf8.h"
#include "value.h"

#define WANT_DURATION "is not a duration (e.g. 90m, 24h, 2d or 1d12h)"
#define WANT_DAYS "is not a day or a range of days (mon..sun, e.g. " \
                  "mon-fri, mon,wed,fri, sun-thu)"
#define WANT_HOURS "is not a span of hours HH:MM-HH:MM (e.g. 09:00-18:00)"

/* The refusal of st, err: CH_INVALID and exactly want. */
static void
refused(enum ch_status st, const struct ch_error *err, const char *want)
{
    if (st != CH_INVALID || strcmp(err->user, want) != 0)
        fail_msg("got %s \"%s\"\n want \"%s\"", ch_strerror(st), err->user,
                 want);
}

static void
duration_good(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int64_t     ms;
    } good[] = {
        { "90m", 90 * MS_PER_MIN },
        { "24h", 24 * MS_PER_HOUR },
        { "2d", 2 * MS_PER_DAY },
        { "1w", 7 * MS_PER_DAY },
        { "45s", 45 * MS_PER_SEC },
        { "1d12h", 36 * MS_PER_HOUR },
        { "2d 4h", 52 * MS_PER_HOUR },
        { "1W2D", 9 * MS_PER_DAY },
        { "0m", 0 },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct ch_error err = { 0 };
        int64_t ms = -1;
        assert_int_equal(value_duration(good[i].text, 0, &ms, &err), CH_OK);
        assert_int_equal(ms, good[i].ms);
    }
}

static void
duration_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "5", "-1d", "+1d", "1h1h", "30m2h", "2x", "h", "1.5h", " 1h",
        "1h ", "99999999999999999999w", "106751991167w",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ch_error err = { 0 };
        int64_t ms = 42;
        char want[128];
        snprintf(want, sizeof(want), "\"%s\" %s", bad[i], WANT_DURATION);
        refused(value_duration(bad[i], 0, &ms, &err), &err, want);
        assert_int_equal(ms, 42);           /* untouched */
    }
    /* No error wanted: the status alone. */
    int64_t ms;
    assert_int_equal(value_duration("soon", 0, &ms, NULL), CH_INVALID);
}

static void
duration_bounds(void **state)
{
    (void)state;
    struct ch_error err = { 0 };
    int64_t ms = 0;
    assert_int_equal(value_duration("1m", MS_PER_MIN, &ms, &err), CH_OK);
    assert_int_equal(ms, MS_PER_MIN);
    refused(value_duration("59s", MS_PER_MIN, &ms, &err), &err,
            "\"59s\" is too short (at least 1m)");
    refused(value_duration("0m", MS_PER_MIN, &ms, &err), &err,
            "\"0m\" is too short (at least 1m)");
    assert_int_equal(value_duration("1s", MS_PER_SEC, &ms, &err), CH_OK);
    refused(value_duration("0s", MS_PER_SEC, &ms, &err), &err,
            "\"0s\" is too short (at least 1s)");
    refused(value_duration("1d", 2 * MS_PER_DAY + 4 * MS_PER_HOUR, &ms, &err),
            &err, "\"1d\" is too short (at least 2d 4h)");
    /* The largest that fits. */
    assert_int_equal(value_duration("106751991167d", 0, &ms, &err), CH_OK);
    assert_int_equal(ms, 106751991167 * MS_PER_DAY);
}

static void
durations(void **state)
{
    (void)state;
    struct ch_error err = { 0 };
    int64_t v[8];
    size_t n = 99;

    assert_int_equal(value_durations("48h,4h", 0, 8, v, &n, &err), CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(v[0], 48 * MS_PER_HOUR);
    assert_int_equal(v[1], 4 * MS_PER_HOUR);
    assert_int_equal(value_durations(" 72h , 1d12h,\t2h ", 0, 8, v, &n, &err),
                     CH_OK);
    assert_int_equal(n, 3);
    assert_int_equal(v[1], 36 * MS_PER_HOUR);
    assert_int_equal(v[2], 2 * MS_PER_HOUR);
    /* Exactly max; one more is refused, counting them all. */
    assert_int_equal(value_durations("1h,2h,3h,4h", 0, 4, v, &n, &err), CH_OK);
    assert_int_equal(n, 4);
    refused(value_durations("1h,2h,3h,4h,5h,6h", 0, 4, v, &n, &err), &err,
            "\"1h,2h,3h,4h,5h,6h\" has 6 durations; at most 4 are allowed");
    assert_int_equal(n, 0);
    /* Each item is a duration of at least min_ms, named alone. */
    refused(value_durations("48h,4x,2h", 0, 8, v, &n, &err), &err,
            "\"4x\" " WANT_DURATION);
    assert_int_equal(n, 0);
    refused(value_durations("48h, 30s", MS_PER_MIN, 8, v, &n, &err), &err,
            "\"30s\" is too short (at least 1m)");
    assert_int_equal(value_durations("0m", 0, 8, v, &n, &err), CH_OK);
    /* Empty items, and nothing at all. */
    static const char *const empty[] = { ",48h", "48h,", "48h,,4h",
                                         "48h, ,4h", "," };
    for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
        char want[64];
        snprintf(want, sizeof(want), "\"%s\" has an empty item in its list",
                 empty[i]);
        refused(value_durations(empty[i], 0, 8, v, &n, &err), &err, want);
    }
    refused(value_durations("", 0, 8, v, &n, &err), &err,
            "\"\" " WANT_DURATION);
    refused(value_durations("  ", 0, 8, v, &n, &err), &err,
            "\"  \" " WANT_DURATION);
}

static void
days(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned    mask;
    } good[] = {
        { "mon-fri", 0x1f },
        { "mon,wed,fri", 0x15 },
        { "sun-thu", 0x4f },             /* wraps past Sunday */
        { "fri-mon", 0x71 },
        { "sat, sun", 0x60 },
        { "Monday-Sunday", 0x7f },
        { "WED", 0x04 },
        { "tue-tue,thu", 0x0a },
        { "thursday,Tue", 0x0a },
        { "mon,mon-tue", 0x03 },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct ch_error err = { 0 };
        unsigned mask = 0;
        assert_int_equal(value_days(good[i].text, &mask, &err), CH_OK);
        assert_int_equal(mask, good[i].mask);
    }
    /* Refused, naming the item that is wrong. */
    static const struct {
        const char *text;
        const char *item;
    } bad[] = {
        { "mon-fry", "mon-fry" }, { "mo", "mo" }, { "tues", "tues" },
        { "mon-", "mon-" }, { "-fri", "-fri" },
        { "mon-wed-fri", "mon-wed-fri" },
        { "mon fri", "mon fri" }, { "mon,sunday,thur", "thur" },
        { "mon - fri", "mon - fri" }, { "", "" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ch_error err = { 0 };
        unsigned mask = 7;
        char want[160];
        snprintf(want, sizeof(want), "\"%s\" %s", bad[i].item, WANT_DAYS);
        refused(value_days(bad[i].text, &mask, &err), &err, want);
        assert_int_equal(mask, 7);
    }
    struct ch_error err = { 0 };
    unsigned mask;
    refused(value_days("mon,,fri", &mask, &err), &err,
            "\"mon,,fri\" has an empty item in its list");
}

static void
clock_and_hours(void **state)
{
    (void)state;
    struct ch_error err = { 0 };
    int m = -1, start = -1, end = -1;

    assert_int_equal(value_clock("9:30", &m, &err), CH_OK);
    assert_int_equal(m, 570);
    assert_int_equal(value_clock("00:00", &m, &err), CH_OK);
    assert_int_equal(m, 0);
    assert_int_equal(value_clock("23:59", &m, &err), CH_OK);
    assert_int_equal(m, 1439);
    static const char *const bad_clock[] = { "24:00", "9", "9:5", "09:60",
                                             "", "9:30pm", "-1:00" };
    for (size_t i = 0; i < sizeof(bad_clock) / sizeof(bad_clock[0]); i++) {
        char want[96];
        snprintf(want, sizeof(want), "\"%s\" is not a time of day (use "
                 "HH:MM, e.g. 10:00)", bad_clock[i]);
        refused(value_clock(bad_clock[i], &m, &err), &err, want);
    }

    assert_int_equal(value_hours("09:00-18:00", &start, &end, &err), CH_OK);
    assert_int_equal(start, 540);
    assert_int_equal(end, 1080);
    assert_int_equal(value_hours("0:00-23:59", &start, &end, &err), CH_OK);
    assert_int_equal(start, 0);
    assert_int_equal(end, 1439);
    assert_int_equal(value_hours("09:00-09:01", &start, &end, &err), CH_OK);
    static const char *const bad_hours[] = {
        "9-5", "09:00", "09:00-24:00", "09:00-", "-18:00", "", "09:00 18:00",
        "09:00-12:00-18:00", "09:00 - 18:00",
    };
    for (size_t i = 0; i < sizeof(bad_hours) / sizeof(bad_hours[0]); i++) {
        char want[128];
        snprintf(want, sizeof(want), "\"%s\" %s", bad_hours[i], WANT_HOURS);
        start = end = 7;
        refused(value_hours(bad_hours[i], &start, &end, &err), &err, want);
        assert_int_equal(start, 7);
        assert_int_equal(end, 7);
    }
    refused(value_hours("18:00-09:00", &start, &end, &err), &err,
            "\"18:00-09:00\" does not end after it starts (working hours "
            "cannot cross midnight)");
    refused(value_hours("09:00-09:00", &start, &end, &err), &err,
            "\"09:00-09:00\" does not end after it starts (working hours "
            "cannot cross midnight)");
}

static void
zones(void **state)
{
    (void)state;
    struct ch_error err = { 0 };
    assert_int_equal(value_zone("Europe/Berlin", &err), CH_OK);
    assert_int_equal(value_zone("UTC", &err), CH_OK);
    assert_int_equal(value_zone("America/Argentina/Buenos_Aires", &err),
                     CH_OK);
    static const char *const bad[] = { "Mars/Base", "", "../etc/passwd",
                                       "Europe/Berlin ", "right/UTC",
                                       "../Europe/berlin" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[160];
        snprintf(want, sizeof(want), "\"%s\" is not a time zone (use an IANA "
                 "name such as Europe/Berlin, America/New_York or "
                 "Asia/Kolkata)", bad[i]);
        refused(value_zone(bad[i], &err), &err, want);
    }
    /* The wrong case is refused with the spelling to use (suggested, not
     * taken: one spelling of a zone in the file and the database). */
    refused(value_zone("europe/berlin", &err), &err,
            "\"europe/berlin\" is not a time zone (did you mean "
            "Europe/Berlin?)");
    refused(value_zone("AMERICA/argentina/BUENOS_AIRES", &err), &err,
            "\"AMERICA/argentina/BUENOS_AIRES\" is not a time zone (did you "
            "mean America/Argentina/Buenos_Aires?)");
    refused(value_zone("utc", &err), &err,
            "\"utc\" is not a time zone (did you mean UTC?)");
}

static void
lists(void **state)
{
    (void)state;
    struct ch_error err = { 0 };
    assert_int_equal(value_list("a", &err), CH_OK);
    assert_int_equal(value_list("a,b", &err), CH_OK);
    assert_int_equal(value_list("a , b", &err), CH_OK);
    refused(value_list("a,,b", &err), &err,
            "\"a,,b\" has an empty item in its list");
    refused(value_list("a,", &err), &err,
            "\"a,\" has an empty item in its list");
    refused(value_list("", &err), &err, "\"\" has an empty item in its list");
}

/* A value is quoted at most VALUE_QUOTE_MAX bytes long, cut between
 * characters, with an ellipsis where it was cut. */
static void
long_values_quoted_short(void **state)
{
    (void)state;
    struct ch_error err = { 0 };
    char text[201];
    memset(text, 'x', 200);
    text[200] = '\0';
    int64_t ms;
    char want[300];
    snprintf(want, sizeof(want), "\"%.*s\xe2\x80\xa6\" %s", VALUE_QUOTE_MAX,
             text, WANT_DURATION);
    refused(value_duration(text, 0, &ms, &err), &err, want);
    /* Exactly VALUE_QUOTE_MAX bytes: whole, no ellipsis. */
    text[VALUE_QUOTE_MAX] = '\0';
    snprintf(want, sizeof(want), "\"%s\" %s", text, WANT_DURATION);
    refused(value_duration(text, 0, &ms, &err), &err, want);
    /* e-acute is two bytes; 61 bytes of them end inside the 31st. */
    char zone[2 * 40 + 2];
    zone[0] = 'Z';
    for (int i = 0; i < 40; i++)
        memcpy(zone + 1 + 2 * i, "\xc3\xa9", 2);
    zone[1 + 2 * 40] = '\0';
    assert_int_equal(value_zone(zone, &err), CH_INVALID);
    assert_int_equal(utf8_invalid_at(err.user, strlen(err.user)), -1);
    snprintf(want, sizeof(want), "\"%.59s\xe2\x80\xa6\" is not a time zone",
             zone);
    assert_int_equal(strncmp(err.user, want, strlen(want)), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(duration_good),
        cmocka_unit_test(duration_bad),
        cmocka_unit_test(duration_bounds),
        cmocka_unit_test(durations),
        cmocka_unit_test(days),
        cmocka_unit_test(clock_and_hours),
        cmocka_unit_test(zones),
        cmocka_unit_test(lists),
        cmocka_unit_test(long_values_quoted_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
