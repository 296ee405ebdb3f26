/* Standups: the answer grammar, the calendar of rounds, and a round that
 * survives a restart in the middle of its window. */
#include "core_fixture.h"

#include "arena.h"
#include "standup.h"
#include "tz.h"

/* --- the answer grammar --------------------------------------------------- */

static struct su_answer
parsed(struct arena *a, const char *text)
{
    struct su_answer out;
    if (!standup_parse(a, text, &out))
        fail_msg("\"%s\" should read as an answer", text);
    return out;
}

static void
answers_as_people_type_them(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    static const struct {
        const char         *text;
        enum standup_colour colour;
        const char         *note;
    } one[] = {
        { "green", SU_GREEN, NULL },
        { "g", SU_GREEN, NULL },
        { "G", SU_GREEN, NULL },
        { "🟢", SU_GREEN, NULL },
        { "yellow - waiting for the product", SU_YELLOW,
          "waiting for the product" },
        { "Y: shipping delayed", SU_YELLOW, "shipping delayed" },
        { "red, sick until monday", SU_RED, "sick until monday" },
        { "🔴", SU_RED, NULL },
        { "🔴 sick until monday", SU_RED, "sick until monday" },
        { "Amber — the courier is late", SU_YELLOW, "the courier is late" },
        { "  green all good  ", SU_GREEN, "all good" },
    };
    for (size_t i = 0; i < sizeof(one) / sizeof(one[0]); i++) {
        struct su_answer r = parsed(a, one[i].text);
        assert_int_equal(r.nparts, 1);
        assert_int_equal(r.part[0].nrefs, 0);
        assert_int_equal(r.part[0].colour, one[i].colour);
        if (one[i].note)
            assert_string_equal(r.part[0].note, one[i].note);
        else
            assert_null(r.part[0].note);
    }
    arena_free(a);
}

static void
answers_per_deliverable(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct su_answer r = parsed(a, "#2 red, #3 green");
    assert_int_equal(r.nparts, 2);
    assert_string_equal(r.part[0].refs[0], "#2");
    assert_int_equal(r.part[0].colour, SU_RED);
    assert_null(r.part[0].note);
    assert_string_equal(r.part[1].refs[0], "#3");
    assert_int_equal(r.part[1].colour, SU_GREEN);

    /* A note may hold commas; only a reference starts a new part. */
    r = parsed(a, "spring#2 yellow: waiting, again; #3 g");
    assert_int_equal(r.nparts, 2);
    assert_string_equal(r.part[0].refs[0], "spring#2");
    assert_string_equal(r.part[0].note, "waiting, again");
    assert_string_equal(r.part[1].refs[0], "#3");

    /* All, then one exception; the colour first, as buttons write it. */
    r = parsed(a, "green, #3 red camera broke");
    assert_int_equal(r.nparts, 2);
    assert_int_equal(r.part[0].nrefs, 0);
    assert_string_equal(r.part[1].note, "camera broke");
    r = parsed(a, "R12 R13 yellow spring#2 late courier");
    assert_int_equal(r.nrounds, 2);
    assert_int_equal(r.rounds[1], 13);
    assert_string_equal(r.part[0].refs[0], "spring#2");
    assert_string_equal(r.part[0].note, "late courier");
    r = parsed(a, "#2 #4 red");
    assert_int_equal(r.part[0].nrefs, 2);
    arena_free(a);
}

static void
what_is_no_answer(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct su_answer r;
    static const char *const no[] = {
        "", "purple", "good", "greenish", "approve spring#2", "#2",
        "#2 maybe", "redo it", "gr", "#2 red, #3",
    };
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (standup_parse(a, no[i], &r))
            fail_msg("\"%s\" should not read as an answer", no[i]);
    arena_free(a);
}

/* --- the calendar ----------------------------------------------------------- */

static int64_t
day_of(int y, int m, int d)
{
    return tz_days_from_civil(y, m, d);
}

static void
rounds_fall_on_their_days(void **state)
{
    (void)state;
    /* Mon, Thu; every week from the week of Mon 7 Dec 2026. */
    struct standup_sched s = { .days = 1u << 0 | 1u << 3, .weeks = 1,
                               .anchor = day_of(2026, 12, 7) };
    assert_int_equal(standup_next_day(&s, day_of(2026, 12, 4)),
                     day_of(2026, 12, 7));
    assert_int_equal(standup_next_day(&s, day_of(2026, 12, 8)),
                     day_of(2026, 12, 10));
    /* Every other week: the 14th is skipped, the 21st is on. */
    s.days = 1u << 0;
    s.weeks = 2;
    assert_int_equal(standup_next_day(&s, day_of(2026, 12, 8)),
                     day_of(2026, 12, 21));
    /* Before the anchor too: two weeks before it is on. */
    assert_int_equal(standup_next_day(&s, day_of(2026, 11, 22)),
                     day_of(2026, 11, 23));
    s.days = 0;
    assert_int_equal(standup_next_day(&s, day_of(2026, 12, 8)), -1);
}

/* --- a round across a restart ------------------------------------------------ */

static int
file_setup(void **state)
{
    struct fx *fx = fx_create();
    fx->sim.now_ms = fx_utc(2026, 12, 4, 9, 0);
    fx_start_on(fx, fx_db_file("standup"));
    *state = fx;
    return 0;
}

static int64_t
prompts_to(struct fx *fx, const char *who)
{
    return fx_int1(fx, "SELECT count(*) FROM outbox WHERE kind = 'dm' AND"
                       " person_id = (SELECT id FROM people WHERE name = ?)"
                       " AND text LIKE 'Standup for %'", who);
}

static void
restart_loses_no_answer_and_repeats_no_prompt(void **state)
{
    struct fx *fx = *state;
    fx_ok(fx, "admin", NULL, "new winter brand:Fizz");
    fx_ok(fx, "admin", NULL, "add winter bob role:creator tz:Europe/Berlin");
    fx_ok(fx, "admin", NULL, "add winter dana role:creator tz:Asia/Kolkata");
    fx_ok(fx, "admin", NULL, "deliverable winter bob \"Reel\" "
                             "draft:2026-12-20 publish:2026-12-28");
    fx_ok(fx, "admin", NULL, "deliverable winter dana \"Story\" "
                             "draft:2026-12-20 publish:2026-12-28");
    fx_ok(fx, "admin", NULL, "standup winter every mon 10:00");
    /* Monday: dana is asked at 10:00 her time, 04:30 UTC, and answers. */
    fx_at(fx, fx_utc(2026, 12, 7, 4, 30));
    assert_int_equal(prompts_to(fx, "dana"), 1);
    assert_int_equal(prompts_to(fx, "bob"), 0);
    assert_int_equal(fx_event(fx, CORE_EV_DM, "dana", NULL,
                              "yellow - waiting for the product", NULL,
                              NULL), CH_OK);
    fx_restart_on(fx, fx_db_path);
    /* bob's 10:00 comes after the restart; dana is not asked again. */
    fx_at(fx, fx_utc(2026, 12, 7, 9, 0));
    assert_int_equal(prompts_to(fx, "bob"), 1);
    assert_int_equal(prompts_to(fx, "dana"), 1);
    assert_int_equal(fx_event(fx, CORE_EV_DM, "bob", NULL, "g", NULL, NULL),
                     CH_OK);
    fx_restart_on(fx, fx_db_path);
    fx_at(fx, fx_utc(2026, 12, 8, 12, 0));
    assert_int_equal(prompts_to(fx, "bob"), 1);
    assert_int_equal(prompts_to(fx, "dana"), 1);
    /* Both answers are in the summary; nobody was reminded. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE"
                                " kind = 'post' AND text LIKE"
                                " '%2 of 2 answered%waiting for the"
                                " product%'"), 1);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_prompts"
                                " WHERE reminded_at IS NOT NULL"), 0);
    /* A late answer to the closed round says so and records nothing. */
    assert_int_equal(fx_event(fx, CORE_EV_DM, "bob", NULL, "red", NULL,
                              NULL), CH_NOT_FOUND);
    assert_non_null(strstr(fx->reply, "no open standup"));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_answers"), 2);
}

/* Daily rounds whose window outlasts the next round's first prompt (a
 * creator in Auckland, one in Los Angeles): the earlier round closes,
 * with its summary, when the next opens, so one answer never lands in
 * two rounds. */
static void
one_round_open_at_a_time(void **state)
{
    struct fx *fx = *state;
    fx->sim.now_ms = fx_utc(2026, 12, 4, 9, 0);
    fx_ok(fx, "admin", NULL, "new tides brand:Fizz");
    fx_ok(fx, "admin", NULL, "add tides lara role:creator "
                             "tz:America/Los_Angeles");
    fx_ok(fx, "admin", NULL, "deliverable tides lara \"Pier\" "
                             "draft:2026-12-30 publish:2027-01-08");
    fx_ok(fx, "admin", NULL, "standup tides every mon-fri 10:00 window:20h");
    /* With both zones the schedule would be refused (see the transcript);
     * kiri joins after it was set. */
    fx_ok(fx, "admin", NULL, "add tides kiri role:creator "
                             "tz:Pacific/Auckland");
    fx_ok(fx, "admin", NULL, "deliverable tides kiri \"Surf\" "
                             "draft:2026-12-30 publish:2027-01-08");
    fx_fails(fx, CH_INVALID, "21h apart", "admin", NULL,
             "standup tides every mon-fri 10:00 window:20h");
    for (int64_t t = fx_utc(2026, 12, 6, 0, 0); t < fx_utc(2026, 12, 13, 0, 0);
         t += MS_PER_HOUR) {
        fx_at(fx, t);
        assert_true(fx_int(fx, "SELECT count(*) FROM standup_rounds WHERE"
                               " closed_at IS NULL") <= 1);
    }
    /* Mon..Fri: five rounds, each with its summary. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_rounds"), 5);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE"
                                " kind = 'post' AND text LIKE 'Standup of %'"),
                     5);
}

/* Thirty creators: the greens read as one line, every yellow and red is
 * listed, the missing are named. */
static void
a_large_round_reads_as_one_message(void **state)
{
    struct fx *fx = *state;
    fx_ok(fx, "admin", NULL, "new crowd brand:Fizz");
    for (int i = 0; i < 30; i++) {
        fx_ok(fx, "admin", NULL, "add crowd c%02d role:creator", i);
        fx_ok(fx, "admin", NULL, "deliverable crowd c%02d \"Piece %d\" "
                                 "draft:+10d publish:+20d", i, i);
    }
    fx_ok(fx, "admin", NULL, "standup crowd now");
    fx_advance(fx, MS_PER_MIN);
    for (int i = 0; i < 28; i++) {
        char who[8];
        snprintf(who, sizeof(who), "c%02d", i);
        assert_int_equal(fx_event(fx, CORE_EV_DM, who, NULL,
                                  i == 3 ? "red, no product" : "green", NULL,
                                  NULL), CH_OK);
    }
    fx_advance(fx, 9 * MS_PER_HOUR);
    const char *post = fx_str(fx, "SELECT text FROM outbox WHERE kind ="
                                  " 'post' AND text LIKE 'Standup asked %'");
    assert_non_null(strstr(post, "28 of 30 answered"));
    assert_non_null(strstr(post, "no product"));
    assert_non_null(strstr(post, "🟢 All green: "));
    assert_non_null(strstr(post, "No answer: "));
    /* Only c03 is listed one line per piece. */
    assert_null(strstr(post, "Piece 4"));
    assert_non_null(strstr(post, "Piece 3"));
    assert_true(strlen(post) < 2000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_as_people_type_them),
        cmocka_unit_test(answers_per_deliverable),
        cmocka_unit_test(what_is_no_answer),
        cmocka_unit_test(rounds_fall_on_their_days),
        cmocka_unit_test_setup_teardown(a_large_round_reads_as_one_message,
                                        fx_setup_reachable, fx_teardown),
        cmocka_unit_test_setup_teardown(one_round_open_at_a_time, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(
            restart_loses_no_answer_and_repeats_no_prompt, file_setup,
            fx_db_file_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
