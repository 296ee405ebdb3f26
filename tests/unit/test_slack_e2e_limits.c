/*
 * test_slack_e2e_limits: the real daemon on the Slack simulator with a
 * campaign of 200 deliverables, the simulator holding Slack's limits
 * (4 000 characters of text per message, 3 000 per section, 50 blocks):
 * the pinned status is summarised and keeps being updated; a `status`
 * too long for one message (summarised past 15 000 characters) comes in
 * several, each within the limit; nothing is refused with msg_too_long
 * or invalid_blocks.
 */
#include "slack_e2e_fixture.h"

#include "utf8.h"

#define DELIVERABLES 200

static int
teardown(void **state)
{
    if (*state)
        e2e_free(*state);
    return 0;
}

/* Calls of chat.* the simulator refused. */
static size_t
refused_chat_calls(struct e2e *e)
{
    size_t n = 0;

    for (size_t i = 0; i < slack_sim_call_count(e->sim); i++) {
        const struct slack_sim_call *c = slack_sim_call_at(e->sim, i);

        n += strncmp(c->method, "chat.", 5) == 0 && c->error &&
             strcmp(c->error, "ratelimited") != 0;
    }
    return n;
}

static void
test_two_hundred_deliverables(void **state)
{
    struct e2e *e = e2e_new(NULL);
    char bob[64];

    *state = e;
    e2e_start(e, NULL);
    snprintf(bob, sizeof(bob), "<@%s|bob>", e->bob);
    e2e_cmdf(e, "alice", "Created spring-launch",
             "new spring-launch brand:Fizz title:\"Spring Launch\"");
    e2e_cmdf(e, "alice", "added as creator",
             "add spring-launch %s role:creator", bob);
    e2e_cmdf(e, "alice", "story set", "brief spring-launch set story Spring");
    e2e_cmdf(e, "alice", "audience set",
             "brief spring-launch set audience urban runners");
    e2e_cmdf(e, "alice", "core_message set",
             "brief spring-launch set core_message Fizz makes mornings "
             "brighter");
    for (int i = 1; i <= 2; i++)
        e2e_cmdf(e, "alice", "#",
                 "deliverable spring-launch %s \"Piece %d of "
                 "the spring series, a reel with a long title\" draft:+%dd "
                 "publish:+%dd",
                 bob, i, 3 + i, 25 + i);
    /* The other 198 straight into the database: by command, each would
     * announce itself in the channel, and Slack's pace of a message a
     * second per channel would make that a three-minute test (the
     * Discord test adds all 200 by command). */
    e2e_daemon_db_exec(&e->d,
        "WITH RECURSIVE n(i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < 200) INSERT INTO deliverables (campaign_id, number, "
        "creator_id, title, draft_due, publish_at, created_at, updated_at) "
        "SELECT d.campaign_id, n.i, d.creator_id, 'Piece ' || n.i || "
        "' of the spring series, a reel with a long title', "
        "d.draft_due + (n.i % 20) * 86400000, "
        "d.publish_at + (n.i % 20) * 86400000, d.created_at, d.updated_at "
        "FROM n, deliverables d WHERE d.number = 1");
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM deliverables"),
                     DELIVERABLES);
    e2e_cmdf(e, "alice", "is active", "kickoff spring-launch");

    /* The pinned status: one message, summarised, within the limit. */
    assert_true(e2e_wait_ok_calls(e, "pins.add", 2, NULL, NULL));
    const char *ch = e2e_db_text(e, "SELECT channel_id FROM channels");
    char chan[64];
    snprintf(chan, sizeof(chan), "%s", ch);
    const struct slack_sim_message *status =
        e2e_find_message(e, chan, "Status:");
    assert_non_null(status);
    assert_true(status->pinned);
    assert_true(utf8_length(status->text) <= 4000);
    assert_non_null(strstr(status->text, "Summary of 200 deliverables"));
    assert_non_null(strstr(status->text, "200 planned"));

    /* It keeps being updated. */
    char ts[64];
    snprintf(ts, sizeof(ts), "%s", status->ts);
    e2e_cmdf(e, "bob", "Submitted spring-launch#7",
             "submit spring-launch#7 https://drive.example.com/reel-7");
    assert_true(e2e_wait_ok_calls(e, "chat.update", 1, "ts", ts));
    status = e2e_find_message(e, chan, "Status:");
    assert_non_null(strstr(status->text, "199 planned"));
    assert_non_null(strstr(status->text, "1 submitted"));

    /* `status`: too long for the ack, so it comes as several ephemeral
     * messages, each within the limit, from the first deliverable to
     * "… and N more". */
    size_t before = slack_sim_ephemeral_count(e->sim);
    e2e_cmd(e, "alice", "general", "status spring-launch");
    assert_true(e2e_wait_ok_calls(e, "chat.postEphemeral", 1, "text",
                                  "Open escalations"));
    size_t parts = 0, chars = 0;
    bool first = false, last = false;
    for (size_t i = before; i < slack_sim_ephemeral_count(e->sim); i++) {
        const struct slack_sim_ephemeral *x =
            slack_sim_ephemeral_at(e->sim, i);

        if (strcmp(x->user, e->alice) != 0 || !x->text)
            continue;
        assert_true(utf8_length(x->text) <= 4000);
        parts++;
        chars += utf8_length(x->text);
        first |= strstr(x->text, "#1 Piece 1 of") != NULL;
        last |= strstr(x->text, "more") != NULL;
    }
    assert_true(parts >= 2);
    assert_true(chars > 8000);
    assert_true(first && last);

    assert_int_equal(refused_chat_calls(e), 0);
    assert_int_equal(e2e_log_count(e, "msg_too_long"), 0);
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_two_hundred_deliverables, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
