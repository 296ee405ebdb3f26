/*
 * test_deliver: direct messages held to the reader's working hours and
 * combined into digests (ctx.c, delivery.c).  The fixture's clock starts
 * Tuesday 1 Dec 2026 08:00 UTC: an hour before the workspace's 09:00.
 * Expected texts are written by hand.
 */
#include "core_fixture.h"

#include <unistd.h>

#include "arena.h"
#include "delivery.h"

#define TUE9 fx_utc(2026, 12, 1, 9, 0)

/* carol's DMs since mark. */
static size_t
dms_to_carol(struct fx *fx, size_t mark)
{
    return fx_count(fx, mark, OUT_DM, "carol", NULL);
}

/* bob submits #1 and #2 at 08:00: carol's review requests (news, her
 * day not begun) and her welcome wait for 09:00 and go as one message,
 * grouped under the campaign, each request's three buttons kept in a row
 * of their own (labelled with what they act on). */
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
    static const char *const label[] = {
        "Approve spring-launch#1", "Request changes spring-launch#1",
        "Reject spring-launch#1", "Approve spring-launch#2",
        "Request changes spring-launch#2", "Reject spring-launch#2",
    };
    for (size_t i = 0; i < 6; i++) {
        assert_string_equal(m->button_label[i], label[i]);
        assert_int_equal(m->button_row[i], i / 3);   /* a row per item */
    }
    assert_string_equal(m->button_command[0], "approve spring-launch#1");
    assert_string_equal(m->button_command[5], "reject spring-launch#2");
    assert_string_equal(m->button_prompt[1], "What needs to change?");
    /* One message, three rows: the first carries it and its buttons. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE "
                                "digest_of = (SELECT id FROM outbox WHERE "
                                "text LIKE '3 messages for you:%')"), 2);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE "
                                "state != 'sent'"), 0);
}

/* A DM to carol held with her welcome (at 09:00), with these buttons. */
static void
held_dm(struct fx *fx, const char *text, const char *buttons)
{
    sqlite3_stmt *s = fx_prepare_(
        fx_db(fx),
        "INSERT INTO outbox (platform, kind, person_id, user_ref, text, "
        "buttons, not_before, created_at) SELECT platform, 'dm', "
        "person_id, user_ref, ?1, ?2, not_before, created_at FROM outbox "
        "WHERE kind = 'dm' AND user_ref = 'carol' AND state = 'pending' "
        "ORDER BY id LIMIT 1", text);
    sqlite3_bind_text(s, 2, buttons, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
}

/* Each item's buttons start a row of their own (an item with rows keeps
 * them, below the others'), while both the buttons (OUT_MAX_BUTTONS) and
 * the rows (OUT_MAX_ROWS) fit; an item that would pass either names its
 * commands instead.  A label that names what the button acts on already
 * stays as it is. */
static void
digest_rows_fit_or_become_commands(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    size_t mark = fx_mark(fx);
    /* Two rows, six buttons: rows 0 and 1. */
    held_dm(fx, "Standup",
            "🟢 Green\tstandup reply R3 green\tprimary\t\n"
            "🟡 Yellow\tstandup reply R3 yellow\t\tAnything to add? "
            "(optional)\toptional\n"
            "🔴 Red\tstandup reply R3 red\tdanger\tAnything to add? "
            "(optional)\toptional\n"
            "🟢 spring#2\tstandup reply R3 green spring#2\t\t\trow=1\n"
            "🟡 spring#2\tstandup reply R3 yellow spring#2\t\tAnything to "
            "add? (optional)\toptional row=1\n"
            "🔴 spring#2\tstandup reply R3 red spring#2\t\tAnything to "
            "add? (optional)\trubric optional row=1\n");
    /* Five in one row: row 2, eleven buttons. */
    held_dm(fx, "Five",
            "A\tpick a\t\t\nB\tpick b\t\t\nC\tpick c\t\t\nD\tpick d\t\t\n"
            "E\tpick e\t\t\n");
    /* Five more would be sixteen: commands. */
    held_dm(fx, "Five more",
            "F\tpick f\t\t\nG\tpick g\t\t\nH\tpick h\t\t\nI\tpick i\t\t\n"
            "J\tpick j\t\tWhy?\n");
    /* Rows 3 and 4. */
    held_dm(fx, "E1", "Acknowledge\tacknowledge E1\tprimary\t\n");
    held_dm(fx, "E2", "Acknowledge\tacknowledge E2\tprimary\t\n");
    /* A sixth row: commands.  Then one the digest has already. */
    held_dm(fx, "E3", "Acknowledge\tacknowledge E3\tprimary\t\n");
    held_dm(fx, "E1 again", "Acknowledge\tacknowledge E1\tprimary\t\n");
    fx_at(fx, TUE9);
    struct fake_msg *m = fx_find(fx, mark, OUT_DM, "carol", "messages for");
    assert_non_null(m);
    assert_non_null(strstr(m->text,
                           "• Five more\n"
                           "  To act: pick f · pick g · pick h · pick i · "
                           "pick j <reason>\n"));
    assert_non_null(strstr(m->text,
                           "• E3\n"
                           "  To act: acknowledge E3\n"
                           "• E1 again"));
    assert_null(strstr(m->text, "To act: acknowledge E1"));
    static const struct {
        const char *label;
        unsigned    row;
    } want[] = {
        { "🟢 Green", 0 },       { "🟡 Yellow", 0 },   { "🔴 Red", 0 },
        { "🟢 spring#2", 1 },    { "🟡 spring#2", 1 }, { "🔴 spring#2", 1 },
        { "A", 2 },              { "B", 2 },           { "C", 2 },
        { "D", 2 },              { "E", 2 },
        { "Acknowledge E1", 3 }, { "Acknowledge E2", 4 },
    };
    assert_int_equal(m->nbuttons, sizeof(want) / sizeof(*want));
    for (size_t i = 0; i < m->nbuttons; i++) {
        assert_string_equal(m->button_label[i], want[i].label);
        assert_int_equal(m->button_row[i], want[i].row);
    }
    assert_false(m->button_optional[0]);
    assert_true(m->button_optional[1]);
    assert_true(m->button_optional[5]);
    assert_string_equal(m->button_command[5],
                        "standup reply R3 red spring#2");
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

/* ---- the outbox's form of buttons ------------------------------------ */

/* What delivery_buttons_encode() writes, delivery_buttons_decode() reads
 * back: rows, the optional and rubric flags (both only with a prompt). */
static void
buttons_encode_decode_round_trip(void **state)
{
    (void)state;
    const struct out_button in[] = {
        { .label = "Approve", .command = "approve x#1", .style = "primary" },
        { .label = "Request changes", .command = "changes x#1",
          .prompt = "What needs to change?", .rubric = true },
        { .label = "🟡 x#1", .command = "standup reply R1 yellow x#1",
          .prompt = "Anything to add? (optional)", .optional = true,
          .row = 1 },
        { .label = "Both", .command = "both", .prompt = "Why?",
          .rubric = true, .optional = true, .row = 4 },
        { .label = "Plain", .command = "plain", .rubric = true,
          .optional = true, .row = 2 },
    };
    size_t n = sizeof(in) / sizeof(*in);
    struct buf enc = BUF_INIT;
    delivery_buttons_encode(&enc, in, n);
    assert_string_equal(buf_cstr(&enc),
                        "Approve\tapprove x#1\tprimary\t\n"
                        "Request changes\tchanges x#1\t\tWhat needs to "
                        "change?\trubric\n"
                        "🟡 x#1\tstandup reply R1 yellow x#1\t\tAnything to "
                        "add? (optional)\toptional row=1\n"
                        "Both\tboth\t\tWhy?\trubric optional row=4\n"
                        "Plain\tplain\t\t\trow=2\n");
    struct arena *ar = arena_new();
    struct out_button out[OUT_MAX_BUTTONS];
    assert_int_equal(delivery_buttons_decode(ar, buf_cstr(&enc), out), n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(out[i].label, in[i].label);
        assert_string_equal(out[i].command, in[i].command);
        if (in[i].style)
            assert_string_equal(out[i].style, in[i].style);
        else
            assert_null(out[i].style);
        if (in[i].prompt)
            assert_string_equal(out[i].prompt, in[i].prompt);
        else
            assert_null(out[i].prompt);
        assert_int_equal(out[i].rubric, in[i].prompt && in[i].rubric);
        assert_int_equal(out[i].optional, in[i].prompt && in[i].optional);
        assert_int_equal(out[i].row, in[i].row);
    }
    /* What the encoder wrote before: a flag with a space after it. */
    assert_int_equal(delivery_buttons_decode(ar, "L\tc\t\tP?\trubric "
                                                 "optional \n", out), 1);
    assert_true(out[0].rubric && out[0].optional);
    assert_int_equal(out[0].row, 0);
    /* At most OUT_MAX_BUTTONS, either way. */
    struct out_button many[OUT_MAX_BUTTONS + 2];
    for (size_t i = 0; i < OUT_MAX_BUTTONS + 2; i++)
        many[i] = (struct out_button){ .label = "L", .command = "c",
                                       .row = (unsigned)i / 5 };
    buf_reset(&enc);
    delivery_buttons_encode(&enc, many, OUT_MAX_BUTTONS + 2);
    assert_int_equal(delivery_buttons_decode(ar, buf_cstr(&enc), out),
                     OUT_MAX_BUTTONS);
    assert_int_equal(out[OUT_MAX_BUTTONS - 1].row, 2);
    buf_free(&enc);
    arena_free(ar);
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
        T(digest_rows_fit_or_become_commands),
        T(button_on_a_digest_acts),
        cmocka_unit_test(buttons_encode_decode_round_trip),
        T(stale_item_is_not_sent),
        cmocka_unit_test_setup_teardown(held_message_survives_a_restart,
                                        file_setup, fx_db_file_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
