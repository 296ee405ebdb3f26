/*
 * rhythm: the weekly rhythm's calendar arithmetic (rhythm.c), and its
 * dates through the real core with a simulated clock: week:<n>
 * deliverables in several zones and across a change of daylight saving
 * time, the fix window to the revisions day with its 24 h boundary, and
 * the feedback-day reminders -- once per reviewer and day, across a
 * restart, none when nothing waits -- and the one job that drives them.
 *
 * Expected instants are worked out by hand from the rules and written
 * down as UTC (fx_utc, glibc's timegm): 2026-11-30 is a Monday; London
 * is UTC+0 in December, Kolkata UTC+5:30, New York UTC-5 (UTC-4 from 14
 * March 2027), Los Angeles UTC-8; working hours are 09:00-18:00,
 * Monday to Friday.
 */
#include "core_fixture.h"

#include "model.h"
#include "rhythm.h"

#define DAY_MS (24 * 60 * 60 * (int64_t)1000)

/* Days since 1970-01-01 of a date (glibc, not the code under test). */
static int64_t
day_of(int y, int m, int d)
{
    return fx_utc(y, m, d, 0, 0) / DAY_MS;
}

/* When each message of the fake adapter arrived (parallel to its list;
 * a restart empties both). */
static int64_t stamp[512];
static size_t  nstamp;

static void
stamp_messages(struct fx *fx)
{
    if (fx->fake.n < nstamp)
        nstamp = 0;
    while (nstamp < fx->fake.n && nstamp < sizeof(stamp) / sizeof(stamp[0]))
        stamp[nstamp++] = fx->sim.now_ms;
}

/* Move time to target the way the console's `~` does: each due job at
 * its own instant. */
static void
run_to(struct fx *fx, int64_t target)
{
    stamp_messages(fx);
    for (int guard = 0; guard < 100000; guard++) {
        int64_t next = core_next_due(fx->core);
        if (next > target)
            break;
        fx_at(fx, next > fx->sim.now_ms ? next : fx->sim.now_ms);
        stamp_messages(fx);
    }
    fx_at(fx, target);
    stamp_messages(fx);
}

/* When the feedback-day reminder of person `name` arrived, alone or in a
 * digest (INT64_MIN: it did not, since the last restart). */
static int64_t
reminder_at(struct fx *fx, const char *name)
{
    struct fake_msg *m = fx_find(fx, 0, OUT_DM, name, "Feedback day in");
    return m ? stamp[m - fx->fake.msgs] : INT64_MIN;
}

/* How many reminders reached name since the last restart. */
static size_t
reminders_of(struct fx *fx, const char *name)
{
    return fx_count(fx, 0, OUT_DM, name, "Feedback day in");
}

static int64_t
rhythm_jobs(struct fx *fx)
{
    return fx_int(fx, "SELECT count(*) FROM jobs"
                      " WHERE kind = 'rhythm.feedback'");
}

static int64_t
rhythm_job_due(struct fx *fx)
{
    return fx_int(fx, "SELECT due_at FROM jobs"
                      " WHERE kind = 'rhythm.feedback'");
}

static int64_t
deliv_int(struct fx *fx, const char *column, int number)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT %s FROM deliverables"
             " WHERE number = %d ORDER BY id DESC LIMIT 1", column, number);
    return fx_int(fx, sql);
}

static int64_t
fix_due(struct fx *fx, int number)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT due_at FROM jobs WHERE kind ="
             " 'fix_window' AND deliverable_id = (SELECT id FROM deliverables"
             " WHERE number = %d)", number);
    return fx_int(fx, sql);
}

/* --- calendar arithmetic --------------------------------------------------- */

static void
calendar_math(void **state)
{
    (void)state;
    int64_t w1 = day_of(2026, 11, 30);
    assert_int_equal(rhythm_monday_of(w1), w1);
    assert_int_equal(rhythm_monday_of(day_of(2026, 12, 5)), w1);
    assert_int_equal(rhythm_monday_of(day_of(2026, 12, 6)), w1);
    assert_int_equal(rhythm_monday_of(day_of(2026, 12, 7)), w1 + 7);
    /* Friday (4) of week 2; Sunday (6) of week 1; Monday of week 0. */
    assert_int_equal(rhythm_week_day(w1, 2, 4), day_of(2026, 12, 11));
    assert_int_equal(rhythm_week_day(w1, 1, 6), day_of(2026, 12, 6));
    assert_int_equal(rhythm_week_day(w1, 0, 0), day_of(2026, 11, 23));
    assert_int_equal(rhythm_next_weekday(day_of(2026, 12, 5), 0),
                     day_of(2026, 12, 7));
    assert_int_equal(rhythm_next_weekday(day_of(2026, 12, 7), 0),
                     day_of(2026, 12, 7));
    assert_int_equal(rhythm_next_weekday(day_of(2026, 12, 31), 4),
                     day_of(2027, 1, 1));
    assert_int_equal(rhythm_week_of(w1, day_of(2026, 11, 30)), 1);
    assert_int_equal(rhythm_week_of(w1, day_of(2026, 12, 6)), 1);
    assert_int_equal(rhythm_week_of(w1, day_of(2026, 12, 7)), 2);
    assert_int_equal(rhythm_week_of(w1, day_of(2026, 11, 29)), 0);
    assert_int_equal(rhythm_week_of(w1, day_of(2026, 11, 23)), 0);
    assert_int_equal(rhythm_week_of(w1, day_of(2026, 11, 22)), -1);
    assert_int_equal(rhythm_week_of(w1, day_of(2027, 1, 4)), 6);

    /* Week 1 is the week the window starts; without one, the week the
     * campaign was created, in its zone: Sunday 6 Dec 20:00 UTC is
     * already Monday 7 Dec in Kolkata. */
    const char *from = NULL;
    struct campaign cp = { .from_day = day_of(2026, 12, 5),
                           .zone = "Asia/Kolkata",
                           .created_at = fx_utc(2026, 12, 6, 20, 0) };
    assert_int_equal(rhythm_week1(&cp, &from), w1);
    assert_string_equal(from, "the window starts");
    cp.from_day = 0;
    assert_int_equal(rhythm_week1(&cp, &from), w1 + 7);
    assert_string_equal(from, "it was created");
    cp.zone = "Europe/London";
    assert_int_equal(rhythm_week1(&cp, NULL), w1);
}

/* --- deadlines through the core ----------------------------------------- */

static void
spring_world(struct fx *fx, const char *window)
{
    fx_ok(fx, "admin", NULL, "new spring brand:Fizz %s", window);
    fx_ok(fx, "admin", NULL, "add spring carol role:coordinator "
                             "tz:Europe/London");
    fx_ok(fx, "admin", NULL, "add spring brenda role:brand "
                             "tz:America/New_York");
    fx_ok(fx, "admin", NULL, "add spring nadia role:creator "
                             "tz:America/New_York");
    fx_ok(fx, "admin", NULL, "add spring priya role:creator "
                             "tz:Asia/Kolkata");
    fx_ok(fx, "admin", NULL, "remove spring admin");
}

/* A drafts day is a date for everyone and an instant per creator: at:
 * in her own zone (through New York's change to summer time), else the
 * end of her working day; publishing a week later, same time. */
static void
week_deadlines_in_each_zone(void **state)
{
    struct fx *fx = *state;
    spring_world(fx, "from:2027-03-08 to:2027-03-31");
    fx_ok(fx, "carol", NULL, "rhythm spring drafts:mon feedback:wed at:09:00");
    fx_ok(fx, "carol", NULL, "deliverable spring nadia \"One\" week:1");
    fx_reply_has(fx, "publishing defaults to a week later");
    fx_ok(fx, "carol", NULL, "deliverable spring nadia \"Two\" week:2");
    fx_ok(fx, "carol", NULL, "deliverable spring priya \"Three\" week:1");
    assert_int_equal(deliv_int(fx, "draft_due", 1),
                     fx_utc(2027, 3, 8, 14, 0));
    assert_int_equal(deliv_int(fx, "publish_at", 1),
                     fx_utc(2027, 3, 15, 13, 0));
    assert_int_equal(deliv_int(fx, "draft_due", 2),
                     fx_utc(2027, 3, 15, 13, 0));
    assert_int_equal(deliv_int(fx, "draft_due", 3),
                     fx_utc(2027, 3, 8, 3, 30));
    assert_int_equal(deliv_int(fx, "publish_at", 3),
                     fx_utc(2027, 3, 15, 3, 30));
    /* Without at:, the end of each creator's working day; publish: as
     * typed wins over the default. */
    fx_ok(fx, "carol", NULL, "rhythm spring drafts:mon feedback:wed");
    fx_ok(fx, "carol", NULL, "deliverable spring nadia \"Four\" week:3 "
                             "publish:2027-03-30");
    assert_int_equal(deliv_int(fx, "draft_due", 4),
                     fx_utc(2027, 3, 22, 22, 0));
    assert_int_equal(deliv_int(fx, "publish_at", 4),
                     fx_utc(2027, 3, 30, 22, 0));
    fx_ok(fx, "carol", NULL, "deliverable spring priya \"Five\" week:3");
    assert_int_equal(deliv_int(fx, "draft_due", 5),
                     fx_utc(2027, 3, 22, 12, 30));
    assert_int_equal(deliv_int(fx, "publish_at", 5),
                     fx_utc(2027, 3, 29, 12, 30));
}

/* Each wrong week: gets its own answer and adds nothing. */
static void
week_refusals(void **state)
{
    struct fx *fx = *state;
    spring_world(fx, "from:2026-12-05 to:2026-12-31");
    fx_fails(fx, CH_INVALID, "needs the campaign's rhythm, and spring has "
             "none", "carol", NULL, "deliverable spring priya \"A\" week:2");
    fx_ok(fx, "carol", NULL, "rhythm spring drafts:fri feedback:mon");
    fx_fails(fx, CH_INVALID, "week 1's drafts day, Fri 4 Dec, is before "
             "spring starts (Sat 5 Dec)", "carol", NULL,
             "deliverable spring priya \"A\" week:1");
    fx_fails(fx, CH_INVALID, "not both", "carol", NULL,
             "deliverable spring priya \"A\" week:2 draft:+3d");
    fx_fails(fx, CH_INVALID, "missing draft:<when> (or week:<n>", "carol",
             NULL, "deliverable spring priya \"A\" publish:+9d");
    fx_fails(fx, CH_INVALID, "missing publish:<when>", "carol", NULL,
             "deliverable spring priya \"A\" draft:+3d");
    fx_fails(fx, CH_INVALID, "week must be a whole number", "carol", NULL,
             "deliverable spring priya \"A\" week:0");
    /* Saturday 12 Dec: week 2's Friday is gone in Kolkata. */
    fx_at(fx, fx_utc(2026, 12, 12, 10, 0));
    fx_fails(fx, CH_INVALID, "week 2's drafts day has passed for priya",
             "carol", NULL, "deliverable spring priya \"A\" week:2");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM deliverables"), 0);
    fx_ok(fx, "carol", NULL, "deliverable spring priya \"A\" week:3");
    assert_int_equal(deliv_int(fx, "draft_due", 1),
                     fx_utc(2026, 12, 18, 12, 30));
}

/* A rhythm that is wrong is refused, each for its reason, and changes
 * nothing. */
static void
rhythm_refusals(void **state)
{
    struct fx *fx = *state;
    spring_world(fx, "");
    fx_fails(fx, CH_INVALID, "drafts: \"fry\" is not a day of the week",
             "carol", NULL, "rhythm spring drafts:fry");
    fx_fails(fx, CH_INVALID, "missing drafts:<day>", "carol", NULL,
             "rhythm spring feedback:sun");
    fx_fails(fx, CH_INVALID, "at: \"7pm\" is not a time of day", "carol",
             NULL, "rhythm spring drafts:fri at:7pm");
    fx_fails(fx, CH_INVALID, "feedback:fri is the drafts day", "carol",
             NULL, "rhythm spring drafts:FRIDAY feedback:fri");
    fx_fails(fx, CH_INVALID, "revisions:sun is the feedback day", "carol",
             NULL, "rhythm spring drafts:fri feedback:sun revisions:Sunday");
    fx_fails(fx, CH_DENIED, "rhythm needs the role coordinator, agency or "
             "admin", "priya", NULL, "rhythm spring drafts:fri");
    fx_fails(fx, CH_CONFLICT, "spring has no rhythm", "carol", NULL,
             "rhythm spring off");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM rhythms"), 0);
    assert_int_equal(rhythm_jobs(fx), 0);
    fx_ok(fx, "priya", NULL, "rhythm spring");
    fx_reply_has(fx, "spring has no rhythm.");
    assert_null(strstr(fx->reply, "Declare"));
}

/* --- the fix window -------------------------------------------------------- */

/* Changes requested are due on the next revisions day at least 24 h away,
 * at the end of the creator's working day in her zone (Kolkata: Wednesday
 * 18:00 IST is 12:30 UTC); then the deliverable is missed. */
static void
fix_window_to_the_revisions_day(void **state)
{
    struct fx *fx = *state;
    spring_world(fx, "from:2026-12-01 to:2026-12-31");
    fx_ok(fx, "carol", NULL, "brief spring set story s");
    fx_ok(fx, "carol", NULL, "brief spring set audience a");
    fx_ok(fx, "carol", NULL, "brief spring set core_message m");
    fx_ok(fx, "carol", NULL, "kickoff spring");
    fx_ok(fx, "carol", NULL, "rhythm spring drafts:fri feedback:mon "
                             "revisions:wed");
    fx_ok(fx, "carol", NULL, "deliverable spring priya \"A\" week:2");
    fx_ok(fx, "carol", NULL, "deliverable spring priya \"B\" week:2");
    fx_ok(fx, "priya", NULL, "submit spring#1 https://x.example/a #ad");
    fx_ok(fx, "priya", NULL, "submit spring#2 https://x.example/b #ad");
    /* Tuesday 12:00 UTC: Wednesday's deadline is 24.5 h away. */
    fx_at(fx, fx_utc(2026, 12, 1, 12, 0));
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "changes spring#1 the can is hidden");
    assert_int_equal(fix_due(fx, 1), fx_utc(2026, 12, 2, 12, 30));
    assert_non_null(fx_find(fx, mark, OUT_DM, "priya",
                            "Resubmit by Wed 2 Dec 18:00 IST (the rhythm's "
                            "revisions day)"));
    /* 13:00 UTC: 23.5 h is too close; the next Wednesday. */
    fx_at(fx, fx_utc(2026, 12, 1, 13, 0));
    fx_ok(fx, "carol", NULL, "changes spring#2 the can is hidden");
    assert_int_equal(fix_due(fx, 2), fx_utc(2026, 12, 9, 12, 30));
    /* The window lapses on the minute, not at 48 h. */
    run_to(fx, fx_utc(2026, 12, 2, 12, 29));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM deliverables WHERE "
                                "state = 'missed'"), 0);
    mark = fx_mark(fx);
    run_to(fx, fx_utc(2026, 12, 2, 12, 30));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM deliverables WHERE "
                                "state = 'missed'"), 1);
    assert_non_null(fx_find(fx, mark, OUT_DM, "carol",
                            "no resubmission within the fix window (to the "
                            "rhythm's revisions day)"));
    /* spring#2 resubmitted on the next Wednesday is on time. */
    fx_at(fx, fx_utc(2026, 12, 9, 12, 0));
    fx_ok(fx, "priya", NULL, "submit spring#2 https://x.example/b2 #ad");
    fx_reply_has(fx, "on time");
}

/* --- feedback-day reminders ------------------------------------------------ */

/* carol (London) and alice (agency, Kolkata) review, brenda (New York)
 * gives the final approval; bob's three pieces wait at both stages. */
static void
review_world(struct fx *fx)
{
    spring_world(fx, "from:2026-12-01 to:2026-12-31");
    fx_ok(fx, "admin", NULL, "add spring alice role:agency tz:Asia/Kolkata");
    fx_ok(fx, "carol", NULL, "add spring bob role:creator "
                             "tz:Europe/London");
    fx_ok(fx, "carol", NULL, "brief spring set story s");
    fx_ok(fx, "carol", NULL, "brief spring set audience a");
    fx_ok(fx, "carol", NULL, "brief spring set core_message m");
    fx_ok(fx, "carol", NULL, "kickoff spring");
    fx_ok(fx, "carol", NULL, "rhythm spring brief:mon questions:tue "
                             "drafts:fri feedback:mon revisions:wed");
    for (int i = 1; i <= 3; i++)
        fx_ok(fx, "carol", NULL, "deliverable spring bob \"R%d\" week:2", i);
}

/* On Monday 7 Dec each reviewer is reminded once, at the start of their
 * working day, of what waits for them -- alice at 03:30 UTC, carol at
 * 09:00, brenda at 14:00 -- and a restart in between neither loses
 * brenda's nor repeats the others'. */
static void
reminded_once_across_a_restart(void **state)
{
    struct fx *fx = fx_create();
    fx_start_on(fx, fx_db_file("rhythm"));
    *state = fx;
    review_world(fx);
    /* Fri 4 Dec: #1 waits for review, #3 for the brand. */
    fx_at(fx, fx_utc(2026, 12, 4, 10, 0));
    fx_ok(fx, "bob", NULL, "submit spring#1 https://x.example/1 #ad");
    fx_ok(fx, "bob", NULL, "submit spring#3 https://x.example/3 #ad");
    fx_ok(fx, "carol", NULL, "approve spring#3");
    assert_int_equal(rhythm_job_due(fx), fx_utc(2026, 12, 7, 3, 30));
    run_to(fx, fx_utc(2026, 12, 7, 10, 0));
    assert_int_equal(reminder_at(fx, "alice"),
                     fx_utc(2026, 12, 7, 3, 30));
    assert_int_equal(reminder_at(fx, "carol"),
                     fx_utc(2026, 12, 7, 9, 0));
    struct fake_msg *m = fx_find(fx, 0, OUT_DM, "carol", "Feedback day in");
    assert_non_null(m);
    assert_non_null(strstr(m->text, "1 submission waits for your review"));
    assert_non_null(strstr(m->text, "spring#1 \"R1\" by @bob, round 1, "
                                    "submitted Fri 4 Dec 10:00 GMT"));
    assert_null(strstr(m->text, "spring#3"));
    assert_int_equal(reminders_of(fx, "alice"), 1);
    assert_int_equal(reminders_of(fx, "carol"), 1);
    assert_int_equal(reminders_of(fx, "brenda"), 0);

    fx_restart_on(fx, fx_db_path);
    run_to(fx, fx_utc(2026, 12, 8, 10, 0));
    assert_int_equal(reminder_at(fx, "brenda"),
                     fx_utc(2026, 12, 7, 14, 0));
    m = fx_find(fx, 0, OUT_DM, "brenda", "Feedback day in");
    assert_non_null(m);
    assert_non_null(strstr(m->text, "1 submission waits for your final "
                                    "approval"));
    assert_non_null(strstr(m->text, "submitted Fri 4 Dec 05:00 EST"));
    assert_non_null(strstr(m->text, "to give the final approval"));
    /* Once each: no second reminder after the restart, and no creator
     * is reminded. */
    assert_int_equal(reminders_of(fx, "alice"), 0);
    assert_int_equal(reminders_of(fx, "carol"), 0);
    assert_int_equal(reminders_of(fx, "brenda"), 1);
    assert_int_equal(reminders_of(fx, "bob"), 0);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM rhythm_reminders"),
                     3);
    /* Next Monday, alice's morning first; one job. */
    assert_int_equal(rhythm_jobs(fx), 1);
    assert_int_equal(rhythm_job_due(fx), fx_utc(2026, 12, 14, 3, 30));
}

/* Nothing waiting, no message: in a campaign reviewed by the brand alone
 * the coordinators have nothing, the brand has what was submitted. */
static void
nothing_waiting_no_message(void **state)
{
    struct fx *fx = *state;
    review_world(fx);
    fx_ok(fx, "carol", NULL, "settings spring review:brand_only");
    fx_at(fx, fx_utc(2026, 12, 4, 10, 0));
    fx_ok(fx, "bob", NULL, "submit spring#2 https://x.example/2 #ad");
    run_to(fx, fx_utc(2026, 12, 8, 10, 0));
    assert_int_equal(reminders_of(fx, "carol"), 0);
    assert_int_equal(reminders_of(fx, "alice"), 0);
    assert_int_equal(reminders_of(fx, "brenda"), 1);
    /* Each was looked at once all the same. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM rhythm_reminders"
                                " WHERE waiting = 0"), 2);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM rhythm_reminders"
                                " WHERE waiting = 1"), 1);
}

/* A rhythm set after a reviewer's feedback morning does not remind them
 * of that day; a change moves the one job; off removes it. */
static void
the_job_follows_the_rhythm(void **state)
{
    struct fx *fx = *state;
    review_world(fx);
    assert_int_equal(rhythm_jobs(fx), 1);
    assert_int_equal(rhythm_job_due(fx), fx_utc(2026, 12, 7, 3, 30));
    /* Tuesday 1 Dec 08:00 UTC: Tuesday feedback has begun for alice
     * (her 09:00 was 03:30 UTC) but not for carol or brenda. */
    fx_ok(fx, "carol", NULL, "rhythm spring drafts:fri feedback:tue "
                             "revisions:thu");
    assert_int_equal(rhythm_jobs(fx), 1);
    assert_int_equal(rhythm_job_due(fx), fx_utc(2026, 12, 1, 9, 0));
    run_to(fx, fx_utc(2026, 12, 2, 0, 0));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM rhythm_reminders"),
                     2);
    assert_int_equal(fx_int1(fx, "SELECT count(*) FROM rhythm_reminders"
                                 " WHERE person_id = (SELECT id FROM people"
                                 " WHERE name = ?1)", "alice"), 0);
    assert_int_equal(rhythm_job_due(fx), fx_utc(2026, 12, 8, 3, 30));
    fx_ok(fx, "carol", NULL, "rhythm spring off");
    assert_int_equal(rhythm_jobs(fx), 0);
    fx_fails(fx, CH_INVALID, "needs the campaign's rhythm", "carol", NULL,
             "deliverable spring bob \"R4\" week:3");
    /* Back on: one job again. */
    fx_ok(fx, "carol", NULL, "rhythm spring drafts:fri feedback:mon");
    assert_int_equal(rhythm_jobs(fx), 1);
    assert_int_equal(rhythm_job_due(fx), fx_utc(2026, 12, 7, 3, 30));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(calendar_math),
        cmocka_unit_test_setup_teardown(week_deadlines_in_each_zone,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(week_refusals, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(rhythm_refusals, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(fix_window_to_the_revisions_day,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_teardown(reminded_once_across_a_restart,
                                  fx_db_file_teardown),
        cmocka_unit_test_setup_teardown(nothing_waiting_no_message,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(the_job_follows_the_rhythm,
                                        fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
