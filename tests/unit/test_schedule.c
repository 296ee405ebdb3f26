#define _GNU_SOURCE   /* nftw */
/*
 * schedule: nudges, the approval guard, fix windows, question reminders
 * and the escalation ladder, driven through the real core
 * with a simulated clock and the fake adapter of core_fixture.h.
 *
 * Time moves the way the console's `~` moves it: to each next due job in
 * turn (core_next_due), ticking and flushing at every stop, so every
 * message is delivered at the instant it was decided.  Each message the
 * fake adapter receives is stamped here with that instant.
 *
 * Every expected instant below was worked out by hand from the rules
 * (working hours in the reader's zone, time off, holiday calendars, the
 * daily cap with the earliest deadline first) and written down; the
 * local wall times are checked against this file's own table of the
 * 2026/2027 DST rules, never against core/tz.c.
 */
#include "core_fixture.h"

#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "holidays.h"

/* ---- a private temporary directory -------------------------------------- */

static char tmpdir[64];

static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int
group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/chorus-schedule-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int
group_teardown(void **state)
{
    (void)state;
    return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Write text to tmpdir/name; the path goes to path[PATH_MAX]. */
static void
write_tmp(const char *name, const char *text, char *path)
{
    snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    assert_true(fputs(text, fp) >= 0);
    assert_int_equal(fclose(fp), 0);
}

/* ---- the zones, written down independently ------------------------------ */

#define H(n) ((int64_t)(n) * MS_PER_HOUR)

/* Day number of the last (nth = -1) or nth Sunday of a month, as UTC ms
 * of its midnight (glibc timegm, which does not look at TZ). */
static int64_t
sunday_of(int y, int mo, int nth)
{
    if (nth > 0) {
        int64_t first = fx_utc(y, mo, 1, 0, 0);
        struct tm tm;
        time_t t = (time_t)(first / 1000);
        gmtime_r(&t, &tm);
        int to_sunday = (7 - tm.tm_wday) % 7;
        return first + (int64_t)(to_sunday + 7 * (nth - 1)) * MS_PER_DAY;
    }
    int64_t next = mo == 12 ? fx_utc(y + 1, 1, 1, 0, 0)
                            : fx_utc(y, mo + 1, 1, 0, 0);
    int64_t last = next - MS_PER_DAY;
    struct tm tm;
    time_t t = (time_t)(last / 1000);
    gmtime_r(&t, &tm);
    return last - (int64_t)tm.tm_wday * MS_PER_DAY;
}

/* Minutes east of UTC in zone at utc_ms.  EU zones change at 01:00 UTC
 * on the last Sundays of March and October; US zones at 02:00 local on
 * the second Sunday of March and the first of November. */
static int
offset_min(const char *zone, int64_t utc_ms)
{
    struct tm tm;
    time_t tt = (time_t)(utc_ms / 1000);
    gmtime_r(&tt, &tm);
    int y = tm.tm_year + 1900;
    if (strcmp(zone, "UTC") == 0)
        return 0;
    if (strcmp(zone, "Asia/Kolkata") == 0)
        return 330;
    int eu_base = strcmp(zone, "Europe/Berlin") == 0   ? 60
                  : strcmp(zone, "Europe/London") == 0 ? 0
                                                       : INT_MIN;
    if (eu_base != INT_MIN) {
        int64_t on = sunday_of(y, 3, -1) + H(1);
        int64_t off = sunday_of(y, 10, -1) + H(1);
        return eu_base + (utc_ms >= on && utc_ms < off ? 60 : 0);
    }
    int us_base = strcmp(zone, "America/New_York") == 0      ? -300
                  : strcmp(zone, "America/Los_Angeles") == 0 ? -480
                                                             : INT_MIN;
    if (us_base == INT_MIN)
        fail_msg("no rule written for %s", zone);
    /* 02:00 standard time, and 02:00 daylight time. */
    int64_t on = sunday_of(y, 3, 2) + H(2) - (int64_t)us_base * MS_PER_MIN;
    int64_t off = sunday_of(y, 11, 1) + H(2) -
                  (int64_t)(us_base + 60) * MS_PER_MIN;
    return us_base + (utc_ms >= on && utc_ms < off ? 60 : 0);
}

static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
                                     "Fri", "Sat" };

/* The wall time of utc_ms in zone as broken-down fields. */
static void
local_tm(const char *zone, int64_t utc_ms, struct tm *tm)
{
    time_t t = (time_t)((utc_ms + (int64_t)offset_min(zone, utc_ms) *
                                      MS_PER_MIN) / 1000);
    gmtime_r(&t, tm);
}

/* "2026-10-26 09:00 Mon" */
static void
local_text(const char *zone, int64_t utc_ms, char *out, size_t len)
{
    struct tm tm;
    local_tm(zone, utc_ms, &tm);
    snprintf(out, len, "%04d-%02d-%02d %02d:%02d %s", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
             wdays[tm.tm_wday]);
}

/* "2026-10-26" */
static void
local_day(const char *zone, int64_t utc_ms, char *out, size_t len)
{
    struct tm tm;
    local_tm(zone, utc_ms, &tm);
    snprintf(out, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday);
}

/* ---- driving time -------------------------------------------------------- */

/* When each message of the fake adapter arrived (parallel to its list). */
static int64_t *msg_at;
static size_t   msg_at_n, msg_at_cap;

static void
stamp_messages(struct fx *fx)
{
    while (msg_at_n < fx->fake.n) {
        if (msg_at_n == msg_at_cap) {
            msg_at_cap = msg_at_cap ? msg_at_cap * 2 : 256;
            msg_at = realloc(msg_at, msg_at_cap * sizeof(*msg_at));
            assert_non_null(msg_at);
        }
        msg_at[msg_at_n++] = fx->sim.now_ms;
    }
}

static void
stamps_reset(void)
{
    free(msg_at);
    msg_at = NULL;
    msg_at_n = msg_at_cap = 0;
}

/* What the console's `~ <target>` does: run every due job in order, each
 * at its own instant, then stop at target. */
static void
run_to(struct fx *fx, int64_t target)
{
    assert_true(target >= fx->sim.now_ms);
    stamp_messages(fx);
    for (int guard = 0; guard < 1000000; guard++) {
        int64_t next = core_next_due(fx->core);
        if (next > target)
            break;
        if (next > fx->sim.now_ms)
            fx->sim.now_ms = next;
        int ran = core_tick(fx->core);
        core_flush(fx->core);
        stamp_messages(fx);
        if (ran == 0 && core_next_due(fx->core) <= fx->sim.now_ms)
            fail_msg("a job is due and does not run");
    }
    fx->sim.now_ms = target;
    core_tick(fx->core);
    core_flush(fx->core);
    stamp_messages(fx);
}

/* A command at the current instant. */
#define run_ok(fx, user, ...)                                              \
    do {                                                                   \
        fx_ok((fx), (user), NULL, __VA_ARGS__);                            \
        stamp_messages(fx);                                                \
    } while (0)

static bool
is_nudge_text(const char *text)
{
    return text && (strncmp(text, "Reminder: ", 10) == 0 ||
                    strncmp(text, "Due now: ", 9) == 0 ||
                    strncmp(text, "Overdue: ", 9) == 0);
}

/* ---- the four-week campaign ---------------------------------------------- */

/*
 * autumn-push, Mon 2026-10-12 to the end of November.  carol coordinates
 * from UTC, so every date she types is UTC.  Creators:
 *   bob    Europe/Berlin, holiday region "de": CEST (+2) until Sun 25 Oct
 *          01:00 UTC, CET (+1) after; hours 09-18 = 07-16 UTC, then
 *          08-17 UTC.  Holidays: Wed 28 Oct (one-off) and Fri 30 Oct
 *          (yearly RRULE since 2019).
 *   nina   America/New_York, hours 10:00-20:00: EDT (-4) until Sun 1 Nov
 *          06:00 UTC = 14-24 UTC, EST (-5) after = 15-01 UTC.
 *   kiran  Asia/Kolkata (+5:30), hours 09-18 = 03:30-12:30 UTC; away from
 *          Mon 19 Oct 00:00 to Thu 22 Oct 13:00 IST (07:30 UTC).
 * Nudges: draft - 48h, - 4h, at, + 24h (publish the same once approved),
 * at most 3 per local day, the earliest deadline first.
 */
static const char *const campaign_de_ics =
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//chorus tests//de//EN\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:regional-2026@chorus.test\r\n"
    "DTSTAMP:20260101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20261028\r\n"
    "DTEND;VALUE=DATE:20261029\r\n"
    "SUMMARY:Regional day\r\n"
    "END:VEVENT\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:harvest@chorus.test\r\n"
    "DTSTAMP:20190101T000000Z\r\n"
    "DTSTART;VALUE=DATE:20191030\r\n"
    "DTEND;VALUE=DATE:20191031\r\n"
    "RRULE:FREQ=YEARLY\r\n"
    "SUMMARY:Harvest day\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n";

struct want_nudge {
    const char *who;
    int64_t     utc;
    const char *local;     /* in the person's zone */
    int         number;    /* autumn-push#N */
    const char *kind;      /* "draft" or "publish" */
    int         offset_h;  /* relative to the deadline */
};

struct person_rules {
    const char *who;
    const char *zone;
    int         start_h, end_h;   /* working hours, local */
};

static const struct person_rules campaign_people[] = {
    { "bob", "Europe/Berlin", 9, 18 },
    { "nina", "America/New_York", 10, 20 },
    { "kiran", "Asia/Kolkata", 9, 18 },
};

static const struct person_rules *
rules_of(const char *who)
{
    for (size_t i = 0; i < sizeof(campaign_people) /
                               sizeof(campaign_people[0]); i++)
        if (strcmp(campaign_people[i].who, who) == 0)
            return &campaign_people[i];
    fail_msg("no rules for %s", who);
    return NULL;
}

static void
campaign_setup(struct fx *fx)
{
    fx_ok(fx, "admin", NULL, "new autumn-push brand:Fizz "
                             "title:\"Autumn Push\" from:2026-10-12 "
                             "to:2026-11-30");
    fx_ok(fx, "admin", NULL, "add autumn-push carol role:coordinator");
    fx_ok(fx, "admin", NULL, "add autumn-push brenda role:brand "
                             "tz:America/New_York");
    fx_ok(fx, "admin", NULL, "remove autumn-push admin");
    fx_ok(fx, "carol", NULL, "add autumn-push <@bob> role:creator "
                             "tz:Europe/Berlin");
    fx_ok(fx, "carol", NULL, "add autumn-push <@nina> role:creator "
                             "tz:America/New_York");
    fx_ok(fx, "carol", NULL, "add autumn-push <@kiran> role:creator "
                             "tier:flex tz:Asia/Kolkata");
    fx_ok(fx, "carol", NULL, "brief autumn-push set story Autumn evenings "
                             "with a warm can");
    fx_ok(fx, "carol", NULL, "brief autumn-push set audience commuters");
    fx_ok(fx, "carol", NULL, "brief autumn-push set core_message Fizz "
                             "keeps you going");
    fx_ok(fx, "carol", NULL, "kickoff autumn-push");
    fx_ok(fx, "nina", NULL, "hours 10:00-20:00");
    fx_ok(fx, "kiran", NULL, "ooo \"2026-10-19 00:00\" \"2026-10-22 13:00\" "
                             "conference");
    /* In carol's zone, UTC. */
    static const char *const delivs[] = {
        /* #1 at 03:00 CEST: the night */
        "bob \"Night reel\" draft:\"2026-10-13 01:00\"",
        /* #2 at Thu 00:00 EDT; its - 4h falls on 20:00, her end */
        "nina \"Midnight story\" draft:\"2026-10-15 04:00\"",
        /* #3 approved early; publishes Mon 2 Nov 19:30 EST */
        "nina \"Launch post\" draft:\"2026-10-20 16:00\"",
        /* #4 during kiran's time off */
        "kiran \"Conference vlog\" draft:\"2026-10-21 06:30\"",
        /* #5 #6 #7 all due Mon 26 Oct, the day after the EU change */
        "bob \"Morning reel\" draft:\"2026-10-26 09:30\"",
        "bob \"Noon reel\" draft:\"2026-10-26 11:00\"",
        "bob \"Evening reel\" draft:\"2026-10-26 16:00\"",
        /* #8 on the yearly holiday */
        "bob \"Harvest reel\" draft:\"2026-10-30 13:00\"",
        /* #9 Fri 17:30 EDT, the weekend before the US change */
        "nina \"Weekend story\" draft:\"2026-10-30 21:30\"",
        /* #10 Mon 2 Nov 09:30 IST */
        "kiran \"Monday vlog\" draft:\"2026-11-02 04:00\"",
    };
    for (size_t i = 0; i < sizeof(delivs) / sizeof(delivs[0]); i++) {
        const char *publish = i == 2 ? "2026-11-03 00:30"
                                     : "2026-11-20 12:00";
        fx_ok(fx, "carol", NULL, "deliverable autumn-push %s publish:\"%s\"",
              delivs[i], publish);
    }
    stamp_messages(fx);
}

#define U(y, mo, d, h, mi) fx_utc(y, mo, d, h, mi)

/* Every nudge of the four weeks, in order of time (then person, then the
 * order sent).  Worked out by hand; see the comments. */
static const struct want_nudge *
campaign_expected(size_t *n)
{
    static struct want_nudge w[64];
    size_t i = 0;
#define W(who, t, local, num, kind, off)                                   \
    w[i++] = (struct want_nudge){ who, t, local, num, kind, off }
    /* Two rules shape what follows besides deferral: a reminder is dropped
     * when a later one for the same deadline is due at the same moment or
     * was already sent; and the cap of 3 a local day keeps slots for more
     * urgent reminders still to come that working day. */
    /* #1 (bob, Tue 13 Oct 01:00 UTC = 03:00 CEST): - 48h was before the
     * deliverable existed; - 4h (Mon 23:00) and at (03:00) would wait past
     * the deadline, so both move to the last half hour of his Monday,
     * where at speaks for both; + 24h (Wed 03:00) waits for 09:00. */
    W("bob", U(2026, 10, 12, 15, 30), "2026-10-12 17:30 Mon", 1, "draft",
      0);
    /* #2 (nina, Thu 15 Oct 04:00 UTC = 00:00 EDT): - 48h Tue 00:00 EDT
     * waits for her 10:00. */
    W("nina", U(2026, 10, 13, 14, 0), "2026-10-13 10:00 Tue", 2, "draft",
      -48);
    W("bob", U(2026, 10, 14, 7, 0), "2026-10-14 09:00 Wed", 1, "draft", 24);
    /* #2 - 4h is Wed 20:00 EDT, the end of her hours: it and the nudge at
     * the deadline move back to Wed 19:30, where at speaks for both;
     * + 24h Fri 00:00 -> 10:00. */
    W("nina", U(2026, 10, 14, 23, 30), "2026-10-14 19:30 Wed", 2, "draft",
      0);
    /* #4: see below. */
    W("kiran", U(2026, 10, 16, 12, 0), "2026-10-16 17:30 Fri", 4, "draft",
      -114);
    W("nina", U(2026, 10, 16, 14, 0), "2026-10-16 10:00 Fri", 2, "draft",
      24);
    /* #3 (nina, draft Tue 20 Oct 16:00 UTC): - 48h is Sunday -> Monday
     * 10:00 EDT.  She submits at 15:00 and it is approved: the rest of the
     * draft nudges stop. */
    W("nina", U(2026, 10, 19, 14, 0), "2026-10-19 10:00 Mon", 3, "draft",
      -48);
    /* #4 (kiran, Wed 21 Oct 06:30 UTC = 12:00 IST) falls in his time
     * off (Mon 19 00:00 to Thu 22 13:00 IST): he is reminded before it,
     * Fri 16 Oct 17:30 IST (114h 30m ahead); - 48h, - 4h and at could only
     * reach him after the deadline and give way (the reminder before is
     * in the table above, at its time); + 24h waits for 13:00. */
    W("kiran", U(2026, 10, 22, 7, 30), "2026-10-22 13:00 Thu", 4, "draft",
      24);
    /* Mon 26 Oct, the first day of CET: 09:00 is now 08:00 UTC; bob's day
     * ends at 17:00 UTC.  #5 #6 #7 are due at 10:30, 12:00 and 17:00 CET.
     * The cap ranks the earliest deadline first and, of one deadline, the
     * last call before an earlier reminder.  Due at 09:00: - 48h of #5
     * #6 #7 (Saturday), - 4h of #5 #6.
     *   the - 48h: their - 4h are due too or more urgent; dropped or
     *     waiting past their deadlines, so dropped;
     *   #5 - 4h goes (#5 at, #6 at ahead: 0 + 2 < 3);
     *   #6 - 4h would need a slot #5 at and #6 at keep (1 + 2 = 3):
     *     Tuesday is past its deadline, so it gives way.
     * #5 at goes at 10:30.  bob submits #6 at 11:00 CET: all of #6 is
     * dropped.  #7 - 4h (13:00) meets #7 at ahead (2 + 1): gives way;
     * #7 at goes at 17:00, the third. */
    W("bob", U(2026, 10, 26, 8, 0), "2026-10-26 09:00 Mon", 5, "draft", -4);
    W("bob", U(2026, 10, 26, 9, 30), "2026-10-26 10:30 Mon", 5, "draft", 0);
    W("bob", U(2026, 10, 26, 16, 0), "2026-10-26 17:00 Mon", 7, "draft", 0);
    /* Tuesday: #5 + 24h (10:30) and #7 + 24h (17:00) at their times. */
    W("bob", U(2026, 10, 27, 9, 30), "2026-10-27 10:30 Tue", 5, "draft", 24);
    W("bob", U(2026, 10, 27, 16, 0), "2026-10-27 17:00 Tue", 7, "draft", 24);
    /* #9 (nina, Fri 30 Oct 21:30 UTC = 17:30 EDT): - 48h Wed 17:30. */
    W("nina", U(2026, 10, 28, 21, 30), "2026-10-28 17:30 Wed", 9, "draft",
      -48);
    /* Wed 28 Oct is bob's regional holiday: #8 - 48h (Wed 14:00 CET)
     * waits for Thursday. */
    W("bob", U(2026, 10, 29, 8, 0), "2026-10-29 09:00 Thu", 8, "draft", -48);
    /* #8 - 4h and at fall on Friday's holiday: they move back to the last
     * half hour of Thursday, where at speaks for both. */
    W("bob", U(2026, 10, 29, 16, 30), "2026-10-29 17:30 Thu", 8, "draft", 0);
    /* #9 - 4h and at on nina's Friday. */
    W("nina", U(2026, 10, 30, 17, 30), "2026-10-30 13:30 Fri", 9, "draft",
      -4);
    W("nina", U(2026, 10, 30, 21, 30), "2026-10-30 17:30 Fri", 9, "draft",
      0);
    /* Mon 2 Nov.  kiran's #10 (04:00 UTC = 09:30 IST): - 48h (Saturday)
     * and - 4h (05:30 IST) are due at 09:00, where - 4h speaks for both;
     * the nudge at the deadline at 09:30. */
    W("kiran", U(2026, 11, 2, 3, 30), "2026-11-02 09:00 Mon", 10, "draft",
      -4);
    W("kiran", U(2026, 11, 2, 4, 0), "2026-11-02 09:30 Mon", 10, "draft", 0);
    /* bob's #8 (Fri 30 Oct 13:00 UTC): + 24h falls on the weekend and
     * waits for Monday 09:00 CET. */
    W("bob", U(2026, 11, 2, 8, 0), "2026-11-02 09:00 Mon", 8, "draft", 24);
    /* nina, the first day of EST (10:00 = 15:00 UTC; her day ends at
     * 01:00 UTC): #9 + 24h (Sat) and #3 publish - 48h (Sat 20:30 EDT)
     * are due at 10:00.  #9 + 24h goes; publish - 48h waits, because
     * publish - 4h (15:30) and publish at (19:30 EST, 00:30 UTC Tuesday
     * but still her Monday) are more urgent and still to come today: they
     * go at their times, and - 48h is dropped on Tuesday (later reminders
     * were sent). */
    W("nina", U(2026, 11, 2, 15, 0), "2026-11-02 10:00 Mon", 9, "draft", 24);
    W("nina", U(2026, 11, 2, 20, 30), "2026-11-02 15:30 Mon", 3, "publish",
      -4);
    W("nina", U(2026, 11, 3, 0, 30), "2026-11-02 19:30 Mon", 3, "publish",
      0);
    W("kiran", U(2026, 11, 3, 4, 0), "2026-11-03 09:30 Tue", 10, "draft",
      24);
    W("nina", U(2026, 11, 4, 0, 30), "2026-11-03 19:30 Tue", 3, "publish",
      24);
#undef W
    *n = i;
    return w;
}

/* A nudge DM's deliverable number and kind ("draft" or "publish"). */
static const char *
nudge_ref_kind(const char *text, int *number)
{
    const char *p = strstr(text, "autumn-push#");
    assert_non_null(p);
    *number = (int)strtol(p + strlen("autumn-push#"), NULL, 10);
    return strstr(text, "the draft of ") ? "draft" : "publish";
}

static void
four_week_campaign(void **state)
{
    (void)state;
    struct fx *fx = fx_create();
    static char ics[PATH_MAX];
    write_tmp("de.ics", campaign_de_ics, ics);
    struct holiday_source hol[] = { { "de", ics } };
    struct region_setting reg[] = { { "bob", "de" } };
    fx->set.holidays = hol;
    fx->set.nholidays = 1;
    fx->set.regions = reg;
    fx->set.nregions = 1;
    fx->sim.now_ms = U(2026, 10, 12, 6, 0);   /* Mon 12 Oct */
    fx_start(fx);
    stamps_reset();
    campaign_setup(fx);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM deliverables"), 10);
    size_t start = fx_mark(fx);

    /* nina hands in #3 early; carol and brenda approve it. */
    run_to(fx, U(2026, 10, 19, 15, 0));
    run_ok(fx, "nina", "submit autumn-push#3 https://example.com/launch");
    run_ok(fx, "carol", "approve autumn-push#3 good");
    run_ok(fx, "brenda", "approve autumn-push#3 ship it");
    /* bob hands in #6 at 11:00 CET. */
    run_to(fx, U(2026, 10, 26, 10, 0));
    run_ok(fx, "bob", "submit autumn-push#6 https://example.com/noon");
    run_to(fx, U(2026, 11, 9, 0, 0));

    size_t nw;
    const struct want_nudge *want = campaign_expected(&nw);
    /* The hand-written local times agree with the UTC instants. */
    for (size_t i = 0; i < nw; i++) {
        char text[40];
        local_text(rules_of(want[i].who)->zone, want[i].utc, text,
                   sizeof(text));
        if (strcmp(text, want[i].local) != 0)
            fail_msg("table row %zu: %s is %s, not %s", i, want[i].who, text,
                     want[i].local);
    }

    /* 1. The nudges table, row by row. */
    sqlite3_stmt *s = fx_prepare_(
        fx_db(fx),
        "SELECT p.name, n.sent_at, d.number, n.kind, n.offset_ms, "
        "n.local_day, n.due_at FROM nudges n JOIN people p ON p.id = "
        "n.person_id JOIN deliverables d ON d.id = n.deliverable_id "
        "ORDER BY n.sent_at, p.name, n.id", NULL);
    size_t got = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *who = (const char *)sqlite3_column_text(s, 0);
        int64_t sent = sqlite3_column_int64(s, 1);
        int number = sqlite3_column_int(s, 2);
        const char *kind = (const char *)sqlite3_column_text(s, 3);
        int64_t offset = sqlite3_column_int64(s, 4);
        const char *day = (const char *)sqlite3_column_text(s, 5);
        char text[40];
        const struct person_rules *r = rules_of(who);
        local_text(r->zone, sent, text, sizeof(text));
        if (got >= nw)
            fail_msg("unexpected nudge %zu: %s #%d %s %+lldh at %s", got,
                     who, number, kind, (long long)(offset / H(1)), text);
        const struct want_nudge *e = &want[got];
        if (strcmp(who, e->who) != 0 || sent != e->utc ||
            number != e->number || strcmp(kind, e->kind) != 0 ||
            offset / H(1) != e->offset_h)
            fail_msg("nudge %zu: got %s #%d %s %+lldh at %s, want %s #%d %s "
                     "%+dh at %s", got, who, number, kind,
                     (long long)(offset / H(1)), text, e->who, e->number,
                     e->kind, e->offset_h, e->local);
        char want_day[40];
        local_day(r->zone, sent, want_day, sizeof(want_day));
        assert_string_equal(day, want_day);
        got++;
    }
    sqlite3_finalize(s);
    if (got != nw)
        fail_msg("%zu nudges sent, %zu expected (next: %s #%d at %s)", got,
                 nw, want[got].who, want[got].number, want[got].local);

    /* 2. The same nudges as DMs, each delivered at its instant. */
    size_t k = 0;
    for (size_t i = start; i < fx->fake.n; i++) {
        const struct fake_msg *m = &fx->fake.msgs[i];
        if (m->kind != OUT_DM || !is_nudge_text(m->text))
            continue;
        assert_true(k < nw);
        int number;
        const char *kind = nudge_ref_kind(m->text, &number);
        /* DMs come in send order; the table is in (time, person) order,
         * so find this one among the rows of its instant. */
        bool found = false;
        for (size_t j = 0; j < nw && !found; j++)
            found = want[j].utc == msg_at[i] &&
                    strcmp(want[j].who, m->user) == 0 &&
                    want[j].number == number &&
                    strcmp(want[j].kind, kind) == 0;
        if (!found)
            fail_msg("a nudge DM no row expects: to %s at %lld: %s", m->user,
                     (long long)msg_at[i], m->text);
        k++;
    }
    assert_int_equal(k, nw);

    /* What three of them say: the deadline in the reader's zone, on the
     * right side of each DST change. */
    const struct {
        const char *who;
        int64_t     at;
        const char *text;
    } said[] = {
        { "bob", U(2026, 10, 14, 7, 0),
          "Overdue: the draft of autumn-push#1 \"Night reel\" was due 1d 6h "
          "ago (Tue 13 Oct 03:00 CEST)." },
        { "bob", U(2026, 10, 26, 8, 0),
          "Reminder: the draft of autumn-push#5 \"Morning reel\" is due in "
          "1h 30m (Mon 26 Oct 10:30 CET)." },
        { "nina", U(2026, 11, 2, 20, 30),
          "Reminder: publishing autumn-push#3 \"Launch post\" is due in 4h "
          "(Mon 2 Nov 19:30 EST). " },
    };
    for (size_t j = 0; j < sizeof(said) / sizeof(said[0]); j++) {
        bool seen = false;
        for (size_t i = start; i < fx->fake.n && !seen; i++)
            seen = fx->fake.msgs[i].kind == OUT_DM &&
                   msg_at[i] == said[j].at &&
                   strcmp(fx->fake.msgs[i].user, said[j].who) == 0 &&
                   strncmp(fx->fake.msgs[i].text, said[j].text,
                           strlen(said[j].text)) == 0;
        if (!seen)
            fail_msg("no DM to %s saying \"%s\"", said[j].who, said[j].text);
    }

    /* 3. The rules, over every nudge: working hours on a weekday in the
     * person's zone, not on bob's holidays, not in kiran's time off, at
     * most 3 a local day. */
    s = fx_prepare_(fx_db(fx),
                    "SELECT p.name, n.sent_at, n.local_day, (SELECT count(*) "
                    "FROM nudges m WHERE m.person_id = n.person_id AND "
                    "m.local_day = n.local_day) FROM nudges n JOIN people p "
                    "ON p.id = n.person_id", NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *who = (const char *)sqlite3_column_text(s, 0);
        int64_t sent = sqlite3_column_int64(s, 1);
        const char *day = (const char *)sqlite3_column_text(s, 2);
        int per_day = sqlite3_column_int(s, 3);
        const struct person_rules *r = rules_of(who);
        struct tm tm;
        local_tm(r->zone, sent, &tm);
        int minute = tm.tm_hour * 60 + tm.tm_min;
        assert_true(minute >= r->start_h * 60 && minute < r->end_h * 60);
        assert_true(tm.tm_wday >= 1 && tm.tm_wday <= 5);
        if (strcmp(who, "bob") == 0) {
            assert_string_not_equal(day, "2026-10-28");
            assert_string_not_equal(day, "2026-10-30");
        }
        if (strcmp(who, "kiran") == 0)
            assert_false(sent >= U(2026, 10, 18, 18, 30) &&
                         sent < U(2026, 10, 22, 7, 30));
        assert_true(per_day <= 3);
    }
    sqlite3_finalize(s);

    /* Done means done: #6, submitted before any of its nudges won a
     * slot, got none; #3 nothing after approval but its publish nudges;
     * nothing is left to nudge. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM nudges n JOIN "
                                "deliverables d ON d.id = n.deliverable_id "
                                "WHERE d.number = 6"), 0);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM jobs WHERE kind = "
                                "'nudge'"), 0);
    assert_string_equal(fx_str(fx, "SELECT state FROM deliverables WHERE "
                                   "number = 3"), "approved");
    assert_string_equal(fx_str(fx, "SELECT state FROM deliverables WHERE "
                                   "number = 6"), "submitted");
    /* What is still overdue escalated at its deadline + 24h of the
     * creator's working time, whatever the nudges did: drafts #1 #2 #4 #5
     * #7, then on Wed 4 Nov #10 (15:30 IST), #8 (15:00 CET, the clock
     * started after the holiday and weekend), #9 (11:30 EST), and the
     * publishing of #3 on Thursday; never #6. */
    assert_string_equal(
        fx_str(fx, "SELECT group_concat(number, ',') FROM (SELECT d.number "
                   "FROM escalations e JOIN deliverables d ON d.id = "
                   "e.deliverable_id ORDER BY e.opened_at, d.number)"),
        "1,2,4,5,7,10,8,9,3");
    assert_int_equal(fx->log_errors, 0);
    stamps_reset();
    fx_close(fx);
}

/* ---- helpers for the smaller worlds -------------------------------------- */

/* A core at `start` with fx_world(flags); messages stamped from here. */
static struct fx *
world_at(int64_t start, unsigned flags)
{
    struct fx *fx = fx_create();
    fx->sim.now_ms = start;
    fx_start(fx);
    stamps_reset();
    fx_world(fx, flags);
    stamp_messages(fx);
    return fx;
}

static void
world_close(struct fx *fx)
{
    assert_int_equal(fx->log_errors, 0);
    stamps_reset();
    fx_close(fx);
}

/* Messages from mark on: DMs to user containing want, and when the
 * first of them arrived (INT64_MIN: none). */
static size_t
dms_to(struct fx *fx, size_t mark, const char *user, const char *want,
       int64_t *first_at)
{
    size_t n = 0;
    if (first_at)
        *first_at = INT64_MIN;
    for (size_t i = mark; i < fx->fake.n; i++) {
        const struct fake_msg *m = &fx->fake.msgs[i];
        if (m->kind != OUT_DM || m->user == NULL ||
            strcmp(m->user, user) != 0 || m->text == NULL ||
            strstr(m->text, want) == NULL)
            continue;
        if (n++ == 0 && first_at)
            *first_at = msg_at[i];
    }
    return n;
}

static int64_t
sql_int(struct fx *fx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int64_t
sql_int(struct fx *fx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = fx_vasprintf(fmt, ap);
    va_end(ap);
    int64_t v = fx_int(fx, sql);
    free(sql);
    return v;
}

/* ---- the approval guard -------------------------------------------------- */

/*
 * Three deliverables publish Mon 14 Dec 03:00 UTC, so the guard is due
 * Sat 12 Dec 03:00 UTC: Friday 22:00 for brenda in New York, outside her
 * hours and on the eve of a weekend; an alert waits for no one.
 *   #1 approved by carol and by brenda: no alert;
 *   #2 approved by carol only (waits for brenda): alert, escalation;
 *   #3 never submitted: alert, escalation.
 */
static void
approval_guard(void **state)
{
    (void)state;
    struct fx *fx = world_at(FX_START_MS, FX_WORLD_ACTIVE);
    run_ok(fx, "brenda", "tz America/New_York");
    run_ok(fx, "brenda", "notify urgent:anytime");  /* alerts at once */
    run_ok(fx, "carol", "notify urgent:anytime digest:off");
    for (int i = 1; i <= 3; i++)
        run_ok(fx, "carol", "deliverable spring-launch bob \"Reel %d\" "
                            "draft:\"2026-12-04 12:00\" "
                            "publish:\"2026-12-14 03:00\"", i);
    run_to(fx, fx_utc(2026, 12, 3, 10, 0));
    run_ok(fx, "bob", "submit spring-launch#1 https://example.com/1");
    run_ok(fx, "bob", "submit spring-launch#2 https://example.com/2");
    run_ok(fx, "carol", "approve spring-launch#1 good");
    run_ok(fx, "carol", "approve spring-launch#2 good");
    run_ok(fx, "brenda", "approve spring-launch#1 ship it");

    const int64_t guard = fx_utc(2026, 12, 12, 3, 0);
    run_to(fx, guard - MS_PER_MIN);
    size_t mark = fx_mark(fx);
    assert_int_equal(dms_to(fx, 0, "brenda", "Approval guard", NULL), 0);
    const char *why = "reason LIKE 'no final brand approval%'";
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE %s",
                             why), 0);

    run_to(fx, guard);
    int64_t at;
    assert_int_equal(dms_to(fx, mark, "brenda", "Approval guard: "
                            "spring-launch#2 \"Reel 2\" publishes in 2d",
                            &at), 1);
    assert_int_equal(at, guard);
    assert_int_equal(dms_to(fx, mark, "brenda", "without your final "
                            "approval: it waits for you.", NULL), 1);
    assert_int_equal(dms_to(fx, mark, "brenda", "Approval guard: "
                            "spring-launch#3 \"Reel 3\" publishes in 2d",
                            &at), 1);
    assert_int_equal(at, guard);
    assert_int_equal(dms_to(fx, mark, "brenda", "no draft has been "
                            "submitted", NULL), 1);
    assert_int_equal(dms_to(fx, 0, "brenda", "spring-launch#1 \"Reel 1\" "
                            "publishes", NULL), 0);
    /* The alert for #2 carries an Approve button for brenda. */
    const struct fake_msg *m = fx_find(fx, mark, OUT_DM, "brenda",
                                       "Approval guard: spring-launch#2");
    assert_non_null(m);
    assert_int_equal(m->nbuttons, 2);
    assert_string_equal(m->button_command[0], "approve spring-launch#2");
    assert_string_equal(m->button_command[1], "changes spring-launch#2");

    /* One escalation each for #2 and #3, opened by chorus at the guard,
     * with the coordinators; none for #1. */
    assert_string_equal(
        fx_str(fx, "SELECT group_concat(x, ';') FROM (SELECT d.number || ':'"
                   " || e.state || ':' || e.level || ':' || ifnull(e.opened_by,"
                   " 'chorus') AS x FROM escalations e JOIN deliverables d ON "
                   "d.id = e.deliverable_id WHERE e.reason LIKE 'no final "
                   "brand approval%' ORDER BY d.number)"),
        "2:open:0:chorus;3:open:0:chorus");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE %s "
                                 "AND opened_at = %lld AND level_since = "
                                 "%lld", why, (long long)guard,
                             (long long)guard), 2);
    assert_int_equal(dms_to(fx, mark, "carol", "on spring-launch#2", NULL),
                     1);
    assert_int_equal(dms_to(fx, mark, "carol", "on spring-launch#3", NULL),
                     1);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                 "'guard.alert'"), 2);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs WHERE kind = "
                                 "'guard'"), 0);

    /* Work on them after the guard has spoken does not sound it again:
     * one alert per deliverable and publish time. */
    run_to(fx, guard + H(1));
    mark = fx_mark(fx);
    run_ok(fx, "bob", "submit spring-launch#3 https://example.com/3");
    run_ok(fx, "carol", "approve spring-launch#3 fine");
    run_to(fx, guard + H(2));
    assert_int_equal(dms_to(fx, mark, "brenda", "Approval guard", NULL), 0);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE %s",
                             why), 2);

    /* Moving the publish time moves the guard: #2 to Thu 24 Dec 03:00 is
     * guarded again on Tue 22 Dec 03:00, and not before. */
    /* The guard's escalations follow their facts: #2's resolves itself
     * when its date moves out of the guard's window, #3's when brenda
     * approves; everyone they reached hears it once. */
    size_t before_move = fx_mark(fx);
    run_ok(fx, "carol", "deliverable spring-launch#2 move "
                        "publish:\"2026-12-24 03:00\"");
    const char *res2 = "SELECT e.state || ':' || resolution || ':' || "
                       "ifnull(resolved_by, 'chorus') FROM escalations e "
                       "JOIN deliverables d ON d.id = e.deliverable_id "
                       "WHERE d.number = %d AND e.cause = 'guard' "
                       "ORDER BY e.id LIMIT 1";
    char sql[512];
    snprintf(sql, sizeof(sql), res2, 2);
    const char *got = fx_str(fx, sql);
    assert_string_equal(got, "resolved:the publish date moved out of the "
                             "approval guard's window:chorus");
    /* carol moved it herself: the channel hears it, she is not told. */
    assert_int_equal(dms_to(fx, before_move, "carol", "on spring-launch#2 "
                            "resolved itself", NULL), 0);
    assert_non_null(fx_find(fx, before_move, OUT_POST, NULL,
                            "on spring-launch#2 resolved itself: the "
                            "publish date moved"));
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs j JOIN "
                                 "escalations e ON e.id = j.escalation_id "
                                 "WHERE e.state = 'resolved'"), 0);
    run_ok(fx, "brenda", "approve spring-launch#3 fine by me");
    snprintf(sql, sizeof(sql), res2, 3);
    got = fx_str(fx, sql);
    assert_string_equal(got, "resolved:the brand gave its final "
                             "approval:chorus");
    fx_fails(fx, CH_CONFLICT, "already resolved itself", "carol", NULL,
             "resolve E2 done");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE "
                                 "state != 'resolved'"), 0);
    mark = fx_mark(fx);
    run_to(fx, fx_utc(2026, 12, 22, 2, 59));
    assert_int_equal(dms_to(fx, mark, "brenda", "Approval guard", NULL), 0);
    run_to(fx, fx_utc(2026, 12, 22, 3, 0));
    assert_int_equal(dms_to(fx, mark, "brenda", "Approval guard: "
                            "spring-launch#2", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 22, 3, 0));
    /* A new fact, a new escalation: one open for #2. */
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE "
                                 "state = 'open' AND cause = 'guard'"), 1);
    world_close(fx);
}

/*
 * A second trigger of the same fact updates the escalation it opened:
 * #1 publishes Mon 14 Dec 12:00, so the guard speaks Sat 12 Dec 12:00.
 * At 13:00 the publish time moves half an hour later, still inside the
 * guard's window: the guard speaks again at once (a new publish time)
 * and finds its escalation open: one escalation, its reason updated and
 * audited, no second ladder.
 */
static void
guard_second_trigger_updates(void **state)
{
    (void)state;
    struct fx *fx = world_at(FX_START_MS, FX_WORLD_ACTIVE);
    run_ok(fx, "carol", "deliverable spring-launch bob \"Reel\" "
                        "draft:\"2026-12-04 12:00\" "
                        "publish:\"2026-12-14 12:00\"");
    run_to(fx, fx_utc(2026, 12, 3, 10, 0));
    run_ok(fx, "bob", "submit spring-launch#1 https://example.com/1");
    run_to(fx, fx_utc(2026, 12, 12, 12, 0));
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE "
                                 "cause = 'guard'"), 1);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs WHERE kind = "
                                 "'escalation.step'"), 1);
    run_to(fx, fx_utc(2026, 12, 12, 13, 0));
    run_ok(fx, "carol", "deliverable spring-launch#1 move "
                        "publish:\"2026-12-14 12:30\"");
    run_to(fx, fx_utc(2026, 12, 12, 13, 1));
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                 "'guard.alert'"), 2);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations"), 1);
    assert_string_equal(fx_str(fx, "SELECT state FROM escalations"), "open");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                 "'escalation.update'"), 1);
    assert_string_equal(fx_str(fx, "SELECT reason FROM escalations"),
                        "no final brand approval 1d 23h before "
                        "spring-launch#1 publishes (it is still in "
                        "coordinator review)");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs WHERE kind = "
                                 "'escalation.step'"), 1);
    world_close(fx);
}

/* ---- the fix window ------------------------------------------------------ */

/*
 * carol asks for changes on #1 and #2 Thu 3 Dec 22:30 UTC; the 48 h
 * window ends Sat 5 Dec 22:30 (plain hours: a deadline, not a nudge).
 * bob resubmits #2 at 22:00 Saturday; #1 lapses into missed, carol is
 * told and dave and erin (flex) are suggested.
 */
static void
fix_window(void **state)
{
    (void)state;
    struct fx *fx = world_at(FX_START_MS, FX_WORLD_DELIVS);
    run_ok(fx, "carol", "add spring-launch erin role:creator tier:flex");
    run_to(fx, fx_utc(2026, 12, 3, 22, 0));
    run_ok(fx, "bob", "submit spring-launch#1 https://example.com/1");
    run_ok(fx, "bob", "submit spring-launch#2 https://example.com/2");
    run_to(fx, fx_utc(2026, 12, 3, 22, 30));
    run_ok(fx, "carol", "changes spring-launch#1 fail:visible no can");
    run_ok(fx, "carol", "changes spring-launch#2 fail:message unclear");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs WHERE kind = "
                                 "'fix_window'"), 2);

    run_to(fx, fx_utc(2026, 12, 5, 22, 0));
    run_ok(fx, "bob", "submit spring-launch#2 https://example.com/2b");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs WHERE kind = "
                                 "'fix_window'"), 1);
    run_to(fx, fx_utc(2026, 12, 5, 22, 29));
    assert_string_equal(fx_str(fx, "SELECT group_concat(state, ',') FROM "
                                   "(SELECT state FROM deliverables ORDER "
                                   "BY number)"),
                        "changes_requested,submitted,planned");
    size_t mark = fx_mark(fx);
    run_to(fx, fx_utc(2026, 12, 5, 22, 30));
    assert_string_equal(fx_str(fx, "SELECT group_concat(state, ',') FROM "
                                   "(SELECT state FROM deliverables ORDER "
                                   "BY number)"),
                        "missed,submitted,planned");
    /* Saturday night: carol hears of it when her week starts. */
    int64_t at;
    assert_int_equal(dms_to(fx, mark, "carol", "is missed", NULL), 0);
    run_to(fx, fx_utc(2026, 12, 7, 9, 0));
    assert_int_equal(dms_to(fx, mark, "carol", "spring-launch#1 \"Reel 1\" "
                            "by @bob is missed", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 7, 9, 0));
    assert_int_equal(dms_to(fx, mark, "carol", "Flex creators who could "
                            "cover it: @dave, @erin.", NULL), 1);
    assert_int_equal(dms_to(fx, mark, "bob", "spring-launch#1 \"Reel 1\" is "
                            "marked missed", NULL), 1);
    assert_non_null(fx_find(fx, mark, OUT_POST, NULL,
                            "spring-launch#1 is missed"));
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                 "'deliverable.missed'"), 1);
    /* A week on: #2 never lapsed, #1 is not nudged or guarded any more. */
    run_to(fx, fx_utc(2026, 12, 12, 0, 0));
    assert_int_equal(dms_to(fx, mark, "carol", "spring-launch#2 \"Reel 2\" "
                            "by @bob is missed", NULL), 0);
    assert_string_equal(fx_str(fx, "SELECT state FROM deliverables WHERE "
                                   "number = 2"), "submitted");
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs j JOIN "
                                 "deliverables d ON d.id = j.deliverable_id "
                                 "WHERE d.number = 1"), 0);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM nudges n JOIN "
                                 "deliverables d ON d.id = n.deliverable_id "
                                 "WHERE d.number = 1"), 0);

    /* A flex creator's own lapse does not suggest them. */
    run_ok(fx, "carol", "deliverable spring-launch dave \"Dave reel\" "
                        "draft:+1d publish:+10d");
    run_ok(fx, "dave", "submit spring-launch#4 https://example.com/4");
    run_ok(fx, "carol", "changes spring-launch#4 too dark");
    mark = fx_mark(fx);
    run_to(fx, fx->sim.now_ms + H(48));   /* Monday 00:00: carol waits */
    assert_int_equal(dms_to(fx, mark, "carol", "Flex creators", NULL), 0);
    run_to(fx, fx->sim.now_ms + H(9));
    assert_int_equal(dms_to(fx, mark, "carol", "Flex creators who could "
                            "cover it: @erin.", NULL), 1);
    world_close(fx);
}

/* ---- questions ----------------------------------------------------------- */

/*
 * Coordinators carol (Europe/London, GMT) and cody (America/Los_Angeles,
 * PST, -8).  bob asks Q1 Tue 1 Dec 10:00 UTC; 24 h later carol is at work
 * (10:00) and is reminded then; for cody it is 02:00, so his reminder
 * waits for 09:00 PST = 17:00 UTC.  Once each, never again.  Q2 is
 * answered within 5 h: no reminder.  Q3's reminder to cody is still
 * waiting when he answers it: it never comes.
 */
static void
questions(void **state)
{
    (void)state;
    struct fx *fx = world_at(FX_START_MS, FX_WORLD_ACTIVE);
    run_ok(fx, "carol", "tz Europe/London");
    run_ok(fx, "carol", "add spring-launch cody role:coordinator "
                        "tz:America/Los_Angeles");
    run_to(fx, fx_utc(2026, 12, 1, 10, 0));
    size_t mark = fx_mark(fx);
    run_ok(fx, "bob", "ask spring-launch can we show the blue can?");
    fx_reply_has(fx, "Asked Q1");
    assert_int_equal(dms_to(fx, mark, "carol", "asks (Q1", NULL), 1);
    /* 02:00 for cody: his waits for his 09:00, 17:00 UTC. */
    assert_int_equal(dms_to(fx, mark, "cody", "asks (Q1", NULL), 0);
    run_to(fx, fx_utc(2026, 12, 1, 17, 0));
    assert_int_equal(dms_to(fx, mark, "cody", "asks (Q1", NULL), 1);

    run_to(fx, fx_utc(2026, 12, 2, 9, 59));
    assert_int_equal(dms_to(fx, mark, "carol", "Q1 from @bob", NULL), 0);
    run_to(fx, fx_utc(2026, 12, 2, 12, 0));
    run_ok(fx, "bob", "ask spring-launch is the logo size fixed?");
    fx_reply_has(fx, "Asked Q2");
    run_to(fx, fx_utc(2026, 12, 2, 17, 0));
    run_ok(fx, "carol", "answer Q2 yes, a tenth of the frame");
    fx_reply_has(fx, "Answered Q2 (5h after it was asked)");
    run_to(fx, fx_utc(2026, 12, 3, 12, 0));
    run_ok(fx, "bob", "ask spring-launch may I film indoors?");
    fx_reply_has(fx, "Asked Q3");
    /* Fri 4 Dec 12:00 UTC: carol reminded; cody (04:00 PST) waits for
     * 17:00 UTC, but answers at 16:00 UTC (08:00 his time). */
    run_to(fx, fx_utc(2026, 12, 4, 16, 0));
    run_ok(fx, "cody", "answer Q3 yes");
    run_ok(fx, "cody", "answer Q1 yes, the blue can is fine");
    fx_reply_has(fx, "Answered Q1 (3d 6h after it was asked)");
    run_to(fx, fx_utc(2026, 12, 20, 0, 0));

    int64_t at;
    assert_int_equal(dms_to(fx, mark, "carol", "Q1 from @bob in "
                            "spring-launch has waited", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 2, 10, 0));
    assert_int_equal(dms_to(fx, mark, "cody", "Q1 from @bob in "
                            "spring-launch has waited", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 2, 17, 0));
    assert_int_equal(dms_to(fx, mark, "carol", "Q2 from", NULL), 0);
    assert_int_equal(dms_to(fx, mark, "cody", "Q2 from", NULL), 0);
    assert_int_equal(dms_to(fx, mark, "carol", "Q3 from @bob", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 4, 12, 0));
    assert_int_equal(dms_to(fx, mark, "cody", "Q3 from", NULL), 0);
    /* Nobody else is reminded (bob, brenda, the creators). */
    assert_int_equal(fx_count(fx, mark, OUT_DM, NULL, "has waited"), 3);
    /* The records: reminders, the response times. */
    assert_string_equal(
        fx_str(fx, "SELECT group_concat(x, ';') FROM (SELECT p.name || ':Q'"
                   " || n.question_id || ':' || n.local_day AS x FROM nudges n"
                   " JOIN people p ON p.id = n.person_id WHERE n.kind = "
                   "'question' ORDER BY n.sent_at)"),
        "carol:Q1:2026-12-02;cody:Q1:2026-12-02;carol:Q3:2026-12-04");
    assert_int_equal(sql_int(fx, "SELECT answered_at - asked_at FROM "
                                 "questions WHERE id = 1"), H(78));
    assert_int_equal(sql_int(fx, "SELECT answered_at - asked_at FROM "
                                 "questions WHERE id = 2"), H(5));
    assert_int_equal(sql_int(fx, "SELECT answered_at - asked_at FROM "
                                 "questions WHERE id = 3"), H(28));
    assert_int_equal(sql_int(fx, "SELECT reminded_at FROM questions WHERE "
                                 "id = 1"), fx_utc(2026, 12, 2, 10, 0));
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM questions WHERE "
                                 "id = 2 AND reminded_at IS NULL"), 1);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs WHERE "
                                 "question_id IS NOT NULL"), 0);
    /* Answering twice is refused and changes nothing. */
    struct fx_counts before;
    fx_counts(fx, &before);
    fx_fails(fx, CH_CONFLICT, "Q2 was already answered by carol", "cody",
             NULL, "answer Q2 no");
    fx_assert_refused_cleanly(fx, &before);
    world_close(fx);
}

/* ---- bad input ----------------------------------------------------------- */

/* Bad zones, time off that ends before it starts, times a clock change
 * skips or shows twice: tests/chat/values.chat. */

/* A malformed calendar named in the configuration fails config_load with
 * file:line:key, and no configuration comes back. */
static void
bad_calendar_in_config(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *ics;
    } bad[] = {
        { "empty.ics", "" },
        { "text.ics", "this is not a calendar\n" },
        { "nodtstart.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\nSUMMARY:No start\r\nEND:VEVENT\r\n"
          "END:VCALENDAR\r\n" },
        { "baddate.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\nDTSTART;VALUE=DATE:2026-13-45\r\n"
          "SUMMARY:Bad date\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" },
        { "badrrule.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\nDTSTART;VALUE=DATE:20261028\r\n"
          "RRULE:FREQ=SOMETIMES\r\nSUMMARY:Bad rule\r\nEND:VEVENT\r\n"
          "END:VCALENDAR\r\n" },
        { "feb30.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\nDTSTART;VALUE=DATE:20270230\r\n"
          "SUMMARY:No such day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" },
        { "hour25.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\nDTSTART:20261028T256100\r\n"
          "DTEND:20261028T260000\r\nSUMMARY:No such hour\r\nEND:VEVENT\r\n"
          "END:VCALENDAR\r\n" },
        { "mars.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\n"
          "DTSTART;TZID=Mars/Olympus:20261028T090000\r\n"
          "DTEND;TZID=Mars/Olympus:20261028T170000\r\n"
          "SUMMARY:Olympus day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n" },
        { "truncated.ics",
          "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
          "BEGIN:VEVENT\r\nUID:a@t\r\nDTSTART;VALUE=DATE:20261028\r\n" },
    };
    char good[PATH_MAX];
    write_tmp("good.ics", campaign_de_ics, good);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char ics[PATH_MAX], conf[PATH_MAX], text[3 * PATH_MAX];
        write_tmp(bad[i].name, bad[i].ics, ics);
        snprintf(text, sizeof(text),
                 "# holidays\n"
                 "holidays * %s\n"
                 "region bob de\n"
                 "holidays de %s\n", good, ics);
        write_tmp("chorus.conf", text, conf);
        struct config *cfg = NULL;
        struct config_errors errs = CONFIG_ERRORS_INIT;
        enum ch_status st = config_load(conf, &cfg, &errs);
        if (st == CH_OK || errs.n != 1)
            fail_msg("%s: status %s, %zu error(s)%s%s", bad[i].name,
                     ch_strerror(st), errs.n, errs.n ? ": " : "",
                     errs.n ? errs.v[0].text : "");
        assert_null(cfg);
        assert_string_equal(errs.v[0].file, conf);
        assert_int_equal(errs.v[0].line, 4);
        assert_string_equal(errs.v[0].key, "holidays");
        /* The message names the calendar file. */
        if (strstr(errs.v[0].message, ics) == NULL)
            fail_msg("%s: \"%s\" does not name the file", bad[i].name,
                     errs.v[0].text);
        char prefix[2 * PATH_MAX];
        snprintf(prefix, sizeof(prefix), "%s:4: key \"holidays\": ", conf);
        if (strncmp(errs.v[0].text, prefix, strlen(prefix)) != 0)
            fail_msg("%s: \"%s\" lacks file:line:key", bad[i].name,
                     errs.v[0].text);
        if (getenv("SCHEDULE_DEBUG"))
            fprintf(stderr, "  %s\n", errs.v[0].text);
        config_errors_free(&errs);
    }
    /* And the good calendar alone loads. */
    char conf[PATH_MAX], text[2 * PATH_MAX];
    snprintf(text, sizeof(text), "holidays de %s\nregion bob de\n", good);
    write_tmp("chorus.conf", text, conf);
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    assert_int_equal(config_load(conf, &cfg, &errs), CH_OK);
    assert_int_equal(cfg->core.nholidays, 1);
    int events = 0;
    struct ch_error err = { 0 };
    assert_int_equal(holidays_check_file(good, &events, &err), CH_OK);
    /* One-off day plus the yearly day from 2019 to the horizon. */
    assert_int_equal(events, 1 + (HOLIDAYS_HORIZON_YEAR - 2019 + 1));
    config_free(cfg);
}

/* libical (and ICU beneath it) is mapped only once a calendar is read:
 * a deployment without holiday calendars never pays for it.  Runs first,
 * before any other test reads a calendar. */
static void
libical_loaded_on_first_calendar(void **state)
{
    (void)state;
    assert_null(dlopen("libical.so.3", RTLD_NOW | RTLD_NOLOAD));
    char ics[PATH_MAX];
    write_tmp("first.ics",
              "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
              "BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\n"
              "SUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
              ics);
    int events = 0;
    struct ch_error err = { 0 };
    assert_int_equal(holidays_check_file(ics, &events, &err), CH_OK);
    assert_int_equal(events, 1);
    void *h = dlopen("libical.so.3", RTLD_NOW | RTLD_NOLOAD);
    assert_non_null(h);
    dlclose(h);     /* drops only the reference NOLOAD took */
}

/* ---- the escalation ladder in working hours ------------------------------ */

/*
 * carol (coordinator) in New York, alice (agency), brenda (brand) and
 * the admin in UTC.  Opened Fri 4 Dec 17:00 EST (22:00 UTC): carol's 4 h
 * are 17:00-18:00 Friday and 09:00-12:00 Monday, so E1 goes to alice
 * Mon 7 Dec 12:00 EST = 17:00 UTC.  alice's 8 h: Mon 17:00-18:00 and Tue
 * 09:00-16:00 UTC; brenda's 24 h: Tue 16:00-18:00, Wed, Thu (9 h each)
 * and Fri 09:00-13:00 UTC.  E2 is acknowledged by carol on Monday
 * morning and stays; E3 is acknowledged by alice on Tuesday.
 */
static void
ladder_in_working_hours(void **state)
{
    (void)state;
    struct fx *fx = world_at(FX_START_MS, FX_WORLD_ACTIVE | FX_WORLD_AGENCY);
    run_ok(fx, "carol", "tz America/New_York");
    run_to(fx, fx_utc(2026, 12, 4, 22, 0));
    size_t mark = fx_mark(fx);
    run_ok(fx, "bob", "escalate spring-launch nobody answers about the can");
    fx_reply_has(fx, "E1");
    run_ok(fx, "bob", "escalate spring-launch the brief is unclear");
    fx_reply_has(fx, "E2");
    run_ok(fx, "bob", "escalate spring-launch the fee is late");
    fx_reply_has(fx, "E3");
    assert_int_equal(dms_to(fx, mark, "carol", "Escalation E1", NULL), 1);

    run_to(fx, fx_utc(2026, 12, 7, 15, 0));    /* Mon 10:00 EST */
    run_ok(fx, "carol", "ack E2 looking at it");
    run_to(fx, fx_utc(2026, 12, 7, 16, 59));
    assert_int_equal(dms_to(fx, mark, "alice", "Escalation", NULL), 0);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM escalations WHERE "
                                 "level > 0"), 0);
    run_to(fx, fx_utc(2026, 12, 7, 17, 0));
    int64_t at;
    assert_int_equal(dms_to(fx, mark, "alice", "Escalation E1", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 7, 17, 0));
    assert_int_equal(dms_to(fx, mark, "alice", "Escalation E3", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 7, 17, 0));
    assert_int_equal(dms_to(fx, mark, "alice", "Escalation E2", NULL), 0);

    run_to(fx, fx_utc(2026, 12, 8, 15, 0));
    run_ok(fx, "alice", "ack E3 on it");
    run_to(fx, fx_utc(2026, 12, 8, 15, 59));
    assert_int_equal(dms_to(fx, mark, "brenda", "Escalation", NULL), 0);
    run_to(fx, fx_utc(2026, 12, 8, 16, 0));
    assert_int_equal(dms_to(fx, mark, "brenda", "Escalation E1", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 8, 16, 0));
    run_to(fx, fx_utc(2026, 12, 11, 12, 59));
    assert_int_equal(dms_to(fx, mark, "admin", "Escalation E1", NULL), 0);
    run_to(fx, fx_utc(2026, 12, 11, 13, 0));
    assert_int_equal(dms_to(fx, mark, "admin", "Escalation E1", &at), 1);
    assert_int_equal(at, fx_utc(2026, 12, 11, 13, 0));
    run_ok(fx, "admin", "ack E1 mine now");

    run_to(fx, fx_utc(2027, 1, 15, 0, 0));
    assert_string_equal(
        fx_str(fx, "SELECT group_concat(x, ';') FROM (SELECT 'E' || e.id || "
                   "':' || e.state || ':' || e.level || ':' || p.name AS x "
                   "FROM escalations e JOIN people p ON p.id = e.acked_by "
                   "ORDER BY e.id)"),
        "E1:acknowledged:3:admin;E2:acknowledged:0:carol;"
        "E3:acknowledged:1:alice");
    assert_int_equal(dms_to(fx, mark, "alice", "Escalation E2", NULL), 0);
    assert_int_equal(dms_to(fx, mark, "brenda", "Escalation E3", NULL), 0);
    assert_int_equal(dms_to(fx, mark, "brenda", "Escalation E1", NULL), 1);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM jobs"), 0);
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                 "'escalation.step'"), 4);
    world_close(fx);
}

/* ---- time off ended early ------------------------------------------------ */

/*
 * bob (Berlin, CET) is away Mon 7 Dec to Fri 11 Dec 18:00.  #1's draft is
 * due Wed 9 Dec 12:00 UTC (13:00 CET), inside his time off: he is
 * reminded before it starts (Fri 4 Dec 17:30 CET), and - 48h (Mon 13:00),
 * which could only reach him after the deadline, gives way.  He is back
 * Tue 8 Dec 10:00 UTC (11:00 CET): - 4h, at and + 24h arrive at their own
 * times.
 */
static void
back_early_resumes_nudges(void **state)
{
    (void)state;
    struct fx *fx = world_at(FX_START_MS, FX_WORLD_ACTIVE);
    run_ok(fx, "bob", "tz Europe/Berlin");
    run_ok(fx, "bob", "ooo 2026-12-07 \"2026-12-11 18:00\" skiing");
    run_ok(fx, "carol", "deliverable spring-launch bob \"Reel\" "
                        "draft:\"2026-12-09 12:00\" publish:2026-12-20");
    fx_reply_has(fx, "during their time off; chorus reminds them before it "
                     "starts (Fri 4 Dec 17:30 CET)");
    run_to(fx, fx_utc(2026, 12, 8, 10, 0));
    assert_int_equal(sql_int(fx, "SELECT count(*) FROM nudges"), 1);
    size_t mark = fx_mark(fx);
    run_ok(fx, "bob", "back");
    fx_reply_has(fx, "reminders resume");
    run_to(fx, fx_utc(2026, 12, 11, 0, 0));
    assert_int_equal(dms_to(fx, mark, "bob", "spring-launch#1", NULL), 3);
    /* Fri 17:30 CET before the leave; - 4h Wed 09:00 CET; at 13:00;
     * + 24h Thu 13:00 CET. */
    assert_string_equal(
        fx_str(fx, "SELECT group_concat(x, ';') FROM (SELECT (offset_ms / "
                   "3600000) || '@' || strftime('%d %H:%M', sent_at / 1000, "
                   "'unixepoch') AS x FROM nudges ORDER BY sent_at)"),
        "-115@04 16:30;-4@09 08:00;0@09 12:00;24@10 12:00");
    world_close(fx);
}

/* ---- deadlines that fall outside the creator's hours --------------------- */

/*
 * carol coordinates from London, priya creates in Kolkata (09-18 IST =
 * 03:30-12:30 UTC).  A date-only draft is the end of priya's working day
 * (18:00 IST); an explicit 18:00 London (23:30 IST) is flagged, and its
 * - 4h and due-now reminders land at 17:30 IST that day, before it.  Five
 * drafts due at once with a cap of 3: every one escalates at its deadline
 * + 24h of priya's working time, and the Overdue nudge after that names
 * the escalation instead of inviting one (+ 5d here).
 */
static void
deadlines_outside_hours(void **state)
{
    (void)state;
    struct fx *fx = fx_create();
    fx->sim.now_ms = U(2026, 12, 1, 9, 0);   /* Tue 1 Dec */
    fx_start(fx);
    stamps_reset();
    fx_ok(fx, "admin", NULL, "new late brand:Fizz from:2026-12-01 "
                             "to:2026-12-31");
    fx_ok(fx, "admin", NULL, "add late carol role:coordinator "
                             "tz:Europe/London");
    fx_ok(fx, "carol", NULL, "add late <@priya> role:creator "
                             "tz:Asia/Kolkata");
    fx_ok(fx, "carol", NULL, "brief late set story s");
    fx_ok(fx, "carol", NULL, "brief late set audience a");
    fx_ok(fx, "carol", NULL, "brief late set core_message m");
    fx_ok(fx, "carol", NULL, "kickoff late");
    fx_ok(fx, "carol", NULL, "settings late nudge_after:24h,5d");
    fx_ok(fx, "carol", NULL, "deliverable late priya \"Day\" "
                             "draft:2026-12-10 publish:2026-12-20");
    assert_int_equal(fx_int(fx, "SELECT draft_due FROM deliverables WHERE "
                                "number = 1"), U(2026, 12, 10, 12, 30));
    fx_ok(fx, "carol", NULL, "deliverable late priya \"Night\" "
                             "draft:\"2026-12-11 18:00\" publish:2026-12-20");
    fx_reply_has(fx, "Note: draft due Fri 11 Dec 23:30 IST for @priya, after "
                     "their working hours (09:00-18:00 Asia/Kolkata).");
    for (int i = 0; i < 5; i++)
        fx_ok(fx, "carol", NULL, "deliverable late priya \"Five %d\" "
                                 "draft:\"2026-12-15 10:00\" "
                                 "publish:2026-12-20", i);
    stamp_messages(fx);
    size_t mark = fx_mark(fx);
    run_to(fx, U(2026, 12, 12, 0, 0));
    /* #2: - 4h (19:30 IST) and at (23:30) both at 17:30 IST, as one. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM nudges n JOIN "
                                "deliverables d ON d.id = n.deliverable_id "
                                "WHERE d.number = 2 AND n.sent_at = "
                                "1796990400000"), 1);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM nudges n JOIN "
                                "deliverables d ON d.id = n.deliverable_id "
                                "WHERE d.number = 2 AND n.sent_at > "
                                "1797012000000"), 0);
    (void)mark;
    /* #3-#7 due Tue 15 Dec 10:00 GMT = 15:30 IST: escalations at + 24h of
     * her working time, Fri 18 Dec 12:30 IST, whatever the cap did. */
    run_to(fx, U(2026, 12, 18, 6, 59));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations e JOIN "
                                "deliverables d ON d.id = e.deliverable_id "
                                "WHERE d.number >= 3"), 0);
    run_to(fx, U(2026, 12, 18, 7, 0));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations e JOIN "
                                "deliverables d ON d.id = e.deliverable_id "
                                "WHERE d.number >= 3 AND e.opened_at = "
                                "1797577200000"), 5);
    run_to(fx, U(2026, 12, 31, 0, 0));
    bool named = false;
    for (size_t i = 0; i < fx->fake.n; i++)
        named |= fx->fake.msgs[i].kind == OUT_DM &&
                 strncmp(fx->fake.msgs[i].text, "Overdue: ", 9) == 0 &&
                 strstr(fx->fake.msgs[i].text, " is open about it") != NULL;
    assert_true(named);
    assert_int_equal(fx->log_errors, 0);
    stamps_reset();
    fx_close(fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libical_loaded_on_first_calendar),
        cmocka_unit_test(four_week_campaign),
        cmocka_unit_test(approval_guard),
        cmocka_unit_test(guard_second_trigger_updates),
        cmocka_unit_test(fix_window),
        cmocka_unit_test(questions),
        cmocka_unit_test(bad_calendar_in_config),
        cmocka_unit_test(ladder_in_working_hours),
        cmocka_unit_test(back_early_resumes_nudges),
        cmocka_unit_test(deadlines_outside_hours),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
