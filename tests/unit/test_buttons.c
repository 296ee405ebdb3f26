/*
 * test_buttons: a button press acts only as one of its message's buttons
 * and only once; a command retried after chorus died between its commit
 * and its answer says "already done"; audit times in the reader's zone.
 * Expected texts are written by hand.
 */
#include "core_fixture.h"

#include <unistd.h>

/* The message carol is asked to review with, once bob submitted #1. */
static char *
review_message(struct fx *fx)
{
    fx_world(fx, FX_WORLD_DELIVS);
    fx_news_at_once(fx);
    size_t mark = fx_mark(fx);
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    for (size_t i = mark; i < fx->fake.n; i++) {
        struct fake_msg *m = &fx->fake.msgs[i];
        if (m->user && strcmp(m->user, "carol") == 0 && m->nbuttons == 3 &&
            m->answer) {
            assert_string_equal(m->button_command[0],
                                "approve spring-launch#1");
            return fx_strdup(m->answer);
        }
    }
    fx_dump(&fx->fake, mark);
    fail_msg("carol got no message with review buttons");
    return NULL;
}

static enum ch_status
press(struct fx *fx, const char *user, const char *text, const char *via)
{
    return fx_event(fx, CORE_EV_COMMAND, user, NULL, text, NULL, via);
}

static int64_t
acted_at(struct fx *fx, const char *ref)
{
    return fx_int1(fx, "SELECT ifnull(acted_at, 0) FROM outbox "
                       "WHERE platform_ref = ? AND kind != 'update'", ref);
}

static int64_t
reviews(struct fx *fx)
{
    return fx_int(fx, "SELECT count(*) FROM reviews");
}

/* help, or an outsider's approve, through a review message's button:
 * refused, nothing recorded, the buttons stay for carol. */
static void
foreign_press_is_refused_and_keeps_the_buttons(void **state)
{
    struct fx *fx = *state;
    char *ref = review_message(fx);
    size_t mark = fx_mark(fx);
    assert_int_equal(press(fx, "carol", "help", ref), CH_INVALID);
    fx_reply_has(fx, "\"help\" is not one of that message's buttons "
                     "(Approve, Request changes and Reject), so nothing "
                     "was done");
    assert_int_equal(press(fx, "carol", "escalate spring-launch#1 no",
                           ref), CH_INVALID);
    /* The right command from someone who may not use it. */
    assert_int_equal(press(fx, "zed", "approve spring-launch#1", ref),
                     CH_DENIED);
    assert_int_equal(acted_at(fx, ref), 0);
    assert_int_equal(fx_count(fx, mark, OUT_UPDATE, NULL, NULL), 0);
    assert_int_equal(reviews(fx), 0);
    /* An unknown message is no button of chorus's. */
    assert_int_equal(press(fx, "carol", "approve spring-launch#1", "nope"),
                     CH_NOT_FOUND);
    fx_reply_has(fx, "chorus does not know the message that button was on");
    assert_int_equal(reviews(fx), 0);
    /* carol's press still works and marks the message. */
    assert_int_equal(press(fx, "carol", "approve spring-launch#1", ref),
                     CH_OK);
    struct fake_msg *u = fx_find(fx, mark, OUT_UPDATE, NULL,
                                 "→ approve by @carol");
    assert_non_null(u);
    assert_string_equal(u->ref, ref);
    assert_int_equal(u->nbuttons, 0);
    assert_int_equal(reviews(fx), 1);
    free(ref);
}

/* A button with a prompt runs its command with the typed text after it;
 * the text must start with the command on a word boundary. */
static void
prompt_button_takes_its_text(void **state)
{
    struct fx *fx = *state;
    char *ref = review_message(fx);
    assert_int_equal(press(fx, "carol", "changes spring-launch#10 x", ref),
                     CH_INVALID);
    assert_int_equal(press(fx, "carol", "approve spring-launch#1 ok", ref),
                     CH_INVALID);   /* Approve asks for no text */
    assert_int_equal(press(fx, "carol", "changes  spring-launch#1 the can "
                                        "is off screen", ref), CH_OK);
    assert_int_equal(reviews(fx), 1);
    assert_true(acted_at(fx, ref) > 0);
    free(ref);
}

/* A double click: one decision; the second press says who did it. */
static void
double_click_records_one_decision(void **state)
{
    struct fx *fx = *state;
    char *ref = review_message(fx);
    fx_ok(fx, "carol", NULL, "tz Europe/Berlin");
    fx_advance(fx, 5 * MS_PER_MIN);   /* 08:05 UTC */
    assert_int_equal(press(fx, "carol", "approve spring-launch#1", ref),
                     CH_OK);
    size_t mark = fx_mark(fx);
    int64_t audit = fx_int(fx, "SELECT count(*) FROM audit");
    assert_int_equal(press(fx, "carol", "approve spring-launch#1", ref),
                     CH_CONFLICT);
    fx_reply_has(fx, "Already done by @carol at Tue 1 Dec 09:05 CET.");
    /* dave in his own zone (the default, UTC), with another button. */
    assert_int_equal(press(fx, "dave", "reject spring-launch#1 meh", ref),
                     CH_CONFLICT);
    fx_reply_has(fx, "Already done by @carol at Tue 1 Dec 08:05 UTC.");
    assert_int_equal(reviews(fx), 1);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM audit"), audit);
    assert_int_equal(fx_count(fx, mark, OUT_UPDATE, NULL, NULL), 0);
    free(ref);
}

/* ---- on a database file, across restarts -------------------------------- */

static int
file_setup(void **state)
{
    struct fx *fx = fx_create();
    fx->set.work_start = 0;          /* as fx_setup_reachable() */
    fx->set.work_end = 24 * 60;
    fx->set.work_days = 0x7f;
    fx_start_on(fx, fx_db_file("buttons"));
    *state = fx;
    return 0;
}

/* After a restart a click on a message already acted on answers the
 * same, and records nothing. */
static void
click_after_restart_is_already_done(void **state)
{
    struct fx *fx = *state;
    char *ref = review_message(fx);
    assert_int_equal(press(fx, "carol", "approve spring-launch#1", ref),
                     CH_OK);
    fx_restart_on(fx, fx_db_path);
    assert_int_equal(press(fx, "carol", "approve spring-launch#1", ref),
                     CH_CONFLICT);
    fx_reply_has(fx, "Already done by @carol at Tue 1 Dec 08:00 UTC.");
    assert_int_equal(reviews(fx), 1);
    free(ref);
}

/* The event's transaction commits, then chorus dies before the answer
 * reaches anyone: the core's result is never delivered. */
static void
commit_then_die(struct fx *fx, const char *user, const char *text)
{
    struct core_event ev = {
        .kind = CORE_EV_COMMAND, .platform = "fake", .event_id = "died",
        .user_id = user, .user_name = user, .text = text,
    };
    struct core_result res;
    assert_int_equal(core_handle_event(fx->core, &ev, &res), CH_OK);
    assert_non_null(res.reply);
    fx_restart_on(fx, fx_db_path);
}

/* Killed between commit and answer, the same person retries: "already
 * done" with the first reply, one escalation; a retry again still says
 * so; past the window it runs. */
static void
retry_after_crash_is_already_done(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_advance(fx, 3 * MS_PER_MIN);   /* 08:03 */
    commit_then_die(fx, "carol", "escalate spring-launch#1 bob is silent");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations"), 1);
    fx_advance(fx, 2 * MS_PER_MIN);
    /* Spaces differ: the same command. */
    fx_ok(fx, "carol", NULL, "escalate  spring-launch#1 bob is silent ");
    fx_reply_has(fx, "Already done at Tue 1 Dec 08:03 UTC: Opened E1 on "
                     "spring-launch#1; it is with the coordinators.");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations"), 1);
    fx_ok(fx, "carol", NULL, "escalate spring-launch#1 bob is silent");
    fx_reply_has(fx, "Already done at");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations"), 1);
    /* Someone else, or the same words somewhere else, is another one. */
    fx_ok(fx, "carol", "C-spring-launch",
          "escalate spring-launch#1 bob is silent");
    assert_null(strstr(fx->reply, "Already done"));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations"), 2);
    /* Past RETRY_WINDOW_MS (10 minutes), a retry is a new command. */
    fx_advance(fx, 9 * MS_PER_MIN);   /* 08:14 */
    fx_ok(fx, "carol", NULL, "escalate spring-launch#1 bob is silent");
    assert_null(strstr(fx->reply, "Already done"));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM escalations"), 3);
    /* Old rows go as new ones come. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM commands_recent "
                                "WHERE at < (SELECT max(at) FROM "
                                "commands_recent) - 600000"), 0);
    /* 08:03's is gone; the channel's (08:05) and 08:14's are kept. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM commands_recent"), 2);
}

/* A read-only command is not remembered: after a crash it just runs. */
static void
read_only_commands_are_not_remembered(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    commit_then_die(fx, "carol", "status spring-launch");
    fx_ok(fx, "carol", NULL, "status spring-launch");
    assert_null(strstr(fx->reply, "Already done"));
    assert_int_equal(fx_int1(fx, "SELECT count(*) FROM commands_recent "
                                 "WHERE text LIKE ?", "status%"), 0);
}

/* An answer seen: the same command again is meant, and runs. */
static void
deliberate_repeat_runs(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "bob", NULL, "ask spring-launch may I show the blue can?");
    fx_ok(fx, "bob", NULL, "ask spring-launch may I show the blue can?");
    assert_null(strstr(fx->reply, "Already done"));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM questions"), 2);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM commands_recent "
                                "WHERE answered = 0"), 0);
}

/* A reply the platform could not carry at once (CH_BUSY) goes later
 * through the outbox: the caller saw a failure first, so a retry says
 * "already done". */
static void
reply_handed_back_is_not_seen(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx->fake.mode = FAKE_BUSY;
    fx_run(fx, "bob", NULL, "ask spring-launch may I show the blue can?");
    fx->fake.mode = FAKE_OK;
    fx_advance(fx, 5 * MS_PER_SEC);   /* delivered now, late */
    fx_ok(fx, "bob", NULL, "ask spring-launch may I show the blue can?");
    fx_reply_has(fx, "Already done at Tue 1 Dec 08:00 UTC: ");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM questions"), 1);
}

/* audit: each reader's zone, named once. */
static void
audit_in_two_zones(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "carol", NULL, "tz Europe/Berlin");
    fx_ok(fx, "brenda", NULL, "tz America/New_York");
    fx_ok(fx, "carol", NULL, "audit spring-launch#1");
    fx_reply_has(fx, "Audit log of spring-launch#1 (1 line), times in "
                     "Europe/Berlin:\n  Tue 1 Dec 09:00  carol  "
                     "deliverable.add  \"Reel 1\"");
    fx_ok(fx, "brenda", NULL, "audit spring-launch#1");
    fx_reply_has(fx, "Audit log of spring-launch#1 (1 line), times in "
                     "America/New_York:\n  Tue 1 Dec 03:00  carol  "
                     "deliverable.add  \"Reel 1\"");
    assert_null(strstr(fx->reply, "2026-12-01"));
    assert_null(strstr(fx->reply, "Dec 08:00  carol"));
}

int
main(void)
{
#define T(name)                                                      \
    cmocka_unit_test_setup_teardown(name, fx_setup_reachable, fx_teardown)
#define TF(name) \
    cmocka_unit_test_setup_teardown(name, file_setup, fx_db_file_teardown)
    const struct CMUnitTest tests[] = {
        T(foreign_press_is_refused_and_keeps_the_buttons),
        T(prompt_button_takes_its_text),
        T(double_click_records_one_decision),
        TF(click_after_restart_is_already_done),
        TF(retry_after_crash_is_already_done),
        TF(read_only_commands_are_not_remembered),
        T(deliberate_repeat_runs),
        T(reply_handed_back_is_not_seen),
        T(audit_in_two_zones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
