/*
 * test_deliver: direct messages held to the reader's working hours and
 * combined into digests (ctx.c, delivery.c).  The fixture's clock starts
 * Tuesday 1 Dec 2026 08:00 UTC: an hour before the workspace's 09:00.
 * Expected texts are written by hand.
 */
#include "core_fixture.h"

#include <unistd.h>

#define TUE9 fx_utc(2026, 12, 1, 9, 0)

/* carol's DMs since mark. */
static size_t
dms_to_carol(struct fx *fx, size_t mark)
{
    return fx_count(fx, mark, OUT_DM, "carol", NULL);
}

/* bob submits #1 and #2 at 08:00: carol's review requests (news, her
 * day not begun) and her welcome wait for 09:00 and go as one message,
 * grouped under the campaign, the buttons of both kept (labelled with
 * what they act on): six fit in OUT_MAX_BUTTONS. */
static void
held_rows_go_as_one_digest(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    fx_ok(fx, "bob", NULL, "submit spring-launch#2 https://x.example/2");
    size_t mark = fx_mark(fx);
    assert_int_equal(core_next_due(fx->core), TUE9);
    fx_at(fx, TUE9 - 1);
    assert_int_equal(dms_to_carol(fx, mark), 0);
    fx_at(fx, TUE9);
    assert_int_equal(dms_to_carol(fx, mark), 1);
    struct fake_msg *m = fx_find(fx, mark, OUT_DM, "carol", NULL);
    assert_non_null(m);
    assert_string_equal(
        m->text,
        "3 messages for you:\n"
        "spring-launch:\n"
        "• @admin added you to spring-launch (brand Fizz) as coordinator.\n"
        "• @bob submitted spring-launch#1 \"Reel 1\" (round 1), on time, for "
        "review: https://x.example/1\n"
        "  Disclosure: there is no caption to check for the disclosure "
        "(#ad).\n"
        "• @bob submitted spring-launch#2 \"Reel 2\" (round 1), on time, for "
        "review: https://x.example/2\n"
        "  Disclosure: there is no caption to check for the disclosure "
        "(#ad).");
    assert_int_equal(m->nbuttons, 6);
    assert_string_equal(m->button_label[0], "Approve spring-launch#1");
    assert_string_equal(m->button_command[0], "approve spring-launch#1");
    assert_string_equal(m->button_label[1],
                        "Request changes spring-launch#1");
    assert_string_equal(m->button_prompt[1], "What needs to change?");
    /* One message, three rows: the first carries it and its buttons. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE "
                                "digest_of = (SELECT id FROM outbox WHERE "
                                "text LIKE '3 messages for you:%')"), 2);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE "
                                "state != 'sent'"), 0);
}

/* A button pressed on a digest acts: the press finds the message by the
 * platform's reference of the row that carried it. */
static void
button_on_a_digest_acts(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    fx_ok(fx, "bob", NULL, "submit spring-launch#2 https://x.example/2");
    size_t mark = fx_mark(fx);
    fx_at(fx, TUE9);
    struct fake_msg *m = fx_find(fx, mark, OUT_DM, "carol", "3 messages");
    assert_non_null(m);
    char *ref = fx_strdup(m->answer);
    mark = fx_mark(fx);
    assert_int_equal(fx_event(fx, CORE_EV_COMMAND, "carol", NULL,
                              "approve spring-launch#1", NULL, ref),
                     CH_OK);
    assert_string_equal(fx_str(fx, "SELECT review_stage FROM deliverables "
                                   "WHERE number = 1"), "brand");
    struct fake_msg *u = NULL;
    for (size_t i = mark; i < fx->fake.n; i++)
        if (fx->fake.msgs[i].kind == OUT_UPDATE &&
            strcmp(fx->fake.msgs[i].ref, ref) == 0)
            u = &fx->fake.msgs[i];
    assert_non_null(u);
    assert_non_null(strstr(u->text, "3 messages for you:"));
    assert_non_null(strstr(u->text, "→ approve by @carol"));
    free(ref);
}

/* A held item whose subject moved on before it went out is dropped; a
 * digest of nothing else is not sent. */
static void
stale_item_is_not_sent(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_at(fx, TUE9);                         /* the welcomes go */
    fx_at(fx, fx_utc(2026, 12, 1, 19, 0));   /* after carol's day */
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    fx_ok(fx, "carol", NULL, "approve spring-launch#1 seen it");
    size_t mark = fx_mark(fx);
    fx_at(fx, fx_utc(2026, 12, 2, 9, 0));
    assert_int_equal(dms_to_carol(fx, mark), 0);
    assert_string_equal(fx_str(fx, "SELECT last_error FROM outbox WHERE "
                                   "text LIKE '%submitted spring-launch#1%'"
                                   " AND kind = 'dm'"),
                        "dropped: what it was about moved on before it "
                        "went out");
    /* brenda's request is current: it goes, at her 09:00. */
    assert_non_null(fx_find(fx, mark, OUT_DM, "brenda",
                            "needs your final approval"));
}

/* ---- across a restart ----------------------------------------------- */

static int
file_setup(void **state)
{
    struct fx *fx = fx_create();
    fx_start_on(fx, fx_db_file("deliver"));
    *state = fx;
    return 0;
}

/* A message held for 09:00 survives a restart, wakes the new process at
 * its time and is sent once. */
static void
held_message_survives_a_restart(void **state)
{
    struct fx *fx = *state;
    fx_ok(fx, "admin", NULL, "new spring-launch brand:Fizz");
    fx_ok(fx, "admin", NULL, "add spring-launch carol role:coordinator");
    assert_int_equal(dms_to_carol(fx, 0), 0);
    fx_restart_on(fx, fx_db_path);
    assert_int_equal(core_next_due(fx->core), TUE9);
    fx_at(fx, TUE9);
    assert_int_equal(fx_count(fx, 0, OUT_DM, "carol", "added you to "
                              "spring-launch"), 1);
    fx_restart_on(fx, fx_db_path);
    fx_at(fx, TUE9 + MS_PER_HOUR);
    assert_int_equal(dms_to_carol(fx, 0), 0);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE "
                                "kind = 'dm' AND state = 'sent' AND "
                                "text LIKE '%added you to spring-launch%'"),
                     1);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(held_rows_go_as_one_digest),
        T(button_on_a_digest_acts),
        T(stale_item_is_not_sent),
        cmocka_unit_test_setup_teardown(held_message_survives_a_restart,
                                        file_setup, fx_db_file_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
