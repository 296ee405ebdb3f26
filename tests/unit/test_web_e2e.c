/*
 * test_web_e2e: the real daemon (chorus run) with http_listen, on the
 * Slack simulator: /healthz says ready once Slack is connected, /metrics
 * answers only with the admin token from the environment and shows the
 * connection and the commands run, and the token is in no log line.
 */
#define _GNU_SOURCE 1
#include "slack_e2e_fixture.h"
#include "web_client.h"

#define TOKEN "e2e-admin-9f8e7d"

static int
teardown(void **state)
{
    if (*state)
        e2e_free(*state);
    return 0;
}

static void
test_health_and_metrics(void **state)
{
    struct e2e *e = e2e_new(NULL);
    struct e2e_env env = { .extra = { "CHORUS_ADMIN_TOKEN=" TOKEN } };
    struct reply r;
    struct sample sm[256];
    char line[64], bad[512] = "";
    int port = free_port();

    *state = e;
    assert_true(port > 0);
    snprintf(line, sizeof(line), "http_listen 127.0.0.1:%d", port);
    e2e_config(e, line);
    e2e_start(e, &env);
    assert_true(e2e_wait_log(e, "listening on http://127.0.0.1:",
                             E2E_WAIT_MS));
    e2e_cmd_ok(e, "alice", "new spring-launch brand:Fizz", "Created");

    get(port, "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ready\n");
    free_reply(&r);

    get(port, "/metrics", NULL, &r);
    assert_int_equal(r.status, 401);
    free_reply(&r);
    get(port, "/metrics", "Authorization: Bearer " TOKEN "\r\n", &r);
    assert_int_equal(r.status, 200);
    int n = prom_parse(r.body, sm, 256, bad, sizeof(bad));
    if (n < 0)
        fail_msg("not Prometheus text: %s", bad);
    assert_true(prom_value(sm, n, "chorus_platform_connected",
                           "platform=\"slack\"") == 1);
    assert_true(prom_value(sm, n, "chorus_commands_total",
                           "command=\"new\"") == 1);
    assert_true(prom_value(sm, n, "chorus_events_total",
                           "kind=\"command\"") >= 1);
    free_reply(&r);

    assert_int_equal(e2e_term(e), 0);
    assert_false(e2e_log_has(e, TOKEN));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_health_and_metrics, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
