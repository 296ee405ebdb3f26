/*
 * test_slack_e2e_retry: the real daemon (chorus run) on the Slack
 * simulator, killed by CHORUS_FAULT=event-after-commit between a slash
 * command's commit and its ack (the user sees Slack's failure); the
 * same command typed again after the restart is acked with "Already
 * done at <time>: <the first answer>" and nothing is applied twice.  A
 * command whose ack carried its answer, typed again, runs again.
 */
#include "slack_e2e_fixture.h"

static int
teardown(void **state)
{
    if (*state)
        e2e_free(*state);
    return 0;
}

static void
test_retry_after_kill_is_already_done(void **state)
{
    struct e2e *e = e2e_new(NULL);
    *state = e;
    char bob[64];
    const struct slack_sim_user *u = slack_sim_user(e->sim, "bob");
    assert_non_null(u);
    snprintf(bob, sizeof(bob), "<@%s|%s>", u->id, u->name);

    e2e_start(e, NULL);
    e2e_cmd_ok(e, "alice", "new spring-launch brand:Fizz", "Created");
    char add[128];
    snprintf(add, sizeof(add), "add spring-launch %s role:creator", bob);
    e2e_cmd_ok(e, "alice", add, "added as creator");
    assert_int_equal(e2e_term(e), 0);

    /* The next command commits, and chorus dies before the ack. */
    struct e2e_env fault = { .extra = { "CHORUS_FAULT=event-after-commit" } };
    e2e_start(e, &fault);
    const char *line = "escalate spring-launch bob has gone quiet";
    struct slack_sim_push p;
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign", line, &p), 0);
    assert_true(e2e_daemon_wait_exit(&e->d, E2E_WAIT_MS));
    assert_int_equal(e2e_daemon_exit_code(&e->d), -SIGKILL);
    assert_null(slack_sim_ack_find(e->sim, p.envelope_id));
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM escalations"), 1);

    /* Restarted, alice tries again. */
    e2e_start(e, NULL);
    const char *got = e2e_cmd(e, "alice", "general", line);
    if (!strstr(got, "Already done at ") ||
        !strstr(got, "Opened E1 on spring-launch"))
        fail_msg("the retry was answered: %s", got);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM escalations"), 1);

    /* Its answer seen, the same command again is a new one. */
    e2e_cmd_ok(e, "alice", "ask spring-launch is the blue can fine?", "Q1");
    e2e_cmd_ok(e, "alice", "ask spring-launch is the blue can fine?", "Q2");
    assert_int_equal(e2e_term(e), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_retry_after_kill_is_already_done,
                                  teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
