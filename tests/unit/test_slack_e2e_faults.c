/*
 * test_slack_e2e_faults: the real daemon on the Slack simulator, when
 * things go wrong: frames that are not JSON, unknown envelope types,
 * envelopes missing fields, an oversized frame, unexpected HTTP statuses
 * and error bodies from the Web API, a user id Slack does not know, a
 * zombie socket (the stale rule), and every disconnect reason.  Each is
 * logged once with what was wrong; the daemon neither crashes nor applies
 * half a command, and a person waiting for an answer is told.
 *
 * Shares slack_e2e_fixture.h with test_slack_e2e.c.
 */
#include "slack_e2e_fixture.h"

static int
teardown(void **state)
{
    if (*state)
        e2e_free(*state);
    return 0;
}

static struct e2e *
E(void **state, const struct slack_sim_options *o)
{
    struct e2e *e = e2e_new(o);

    *state = e;
    return e;
}

static void
raw(struct e2e *e, const char *json)
{
    assert_int_equal(slack_sim_socket_send_raw(e->sim, 0, json, strlen(json)),
                     0);
}

static void
wait_log(struct e2e *e, const char *needle)
{
    if (!e2e_wait_log(e, needle, E2E_WAIT_MS)) {
        char *log = e2e_daemon_log(&e->d);

        print_message("no \"%s\" in the daemon's log:\n%s\n", needle, log);
        free(log);
        fail();
    }
}

/* The daemon still answers. */
static void
still_alive(struct e2e *e)
{
    e2e_cmd_ok(e, "alice", "help", "new");
}

/* ---- frames ---- */

static void
test_bad_frames(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_ack *a;

    e2e_start(e, NULL);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_MALFORMED, NULL), 0);
    wait_log(e, "frame that is not a JSON object");

    size_t acks = slack_sim_ack_count(e->sim);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_UNKNOWN_TYPE, NULL),
        0);
    wait_log(e, "unknown type \"quantum_entanglement\" (acked)");
    assert_true(slack_sim_wait_acks(e->sim, acks + 1, E2E_WAIT_MS));

    assert_int_equal(slack_sim_socket_inject(
                         e->sim, 0, SLACK_SIM_FAULT_MISSING_FIELDS, NULL),
                     0);
    wait_log(e, "events_api envelope without an envelope_id");

    raw(e, "{\"envelope_id\":\"e-no-event\",\"type\":\"events_api\","
           "\"accepts_response_payload\":false,\"payload\":{\"type\":"
           "\"event_callback\",\"event_id\":\"EvNOEVENT\"}}");
    wait_log(e, "e-no-event has no event");
    assert_non_null(e2e_wait_ack(e, "e-no-event"));

    raw(e, "{\"envelope_id\":\"e-no-id\",\"type\":\"events_api\","
           "\"payload\":{\"type\":\"event_callback\",\"event\":{\"type\":"
           "\"message\",\"channel_type\":\"im\",\"user\":\"U0SIM00002\","
           "\"text\":\"tz Asia/Tokyo\",\"channel\":\"D0NONE\"}}}");
    wait_log(e, "has no event_id");
    assert_non_null(e2e_wait_ack(e, "e-no-id"));

    /* A slash command Slack sent incomplete: the person is told. */
    raw(e, "{\"envelope_id\":\"e-no-user\",\"type\":\"slash_commands\","
           "\"accepts_response_payload\":true,\"payload\":{\"command\":"
           "\"/campaign\",\"text\":\"help\",\"channel_id\":\"C0NONE\"}}");
    wait_log(e, "slash command e-no-user without user_id");
    a = e2e_wait_ack(e, "e-no-user");
    assert_non_null(strstr(e2e_ack_text(a), "could not read that command"));

    raw(e, "{\"envelope_id\":\"e-shortcut\",\"type\":\"interactive\","
           "\"payload\":{\"type\":\"shortcut\",\"user\":{\"id\":"
           "\"U0SIM00002\"}}}");
    wait_log(e, "of type shortcut: acked");
    raw(e, "{\"envelope_id\":\"e-foreign\",\"type\":\"interactive\","
           "\"payload\":{\"type\":\"block_actions\",\"user\":{\"id\":"
           "\"U0SIM00002\"},\"trigger_id\":\"1.2.3\",\"actions\":[{"
           "\"action_id\":\"someone.else\",\"value\":\"approve x#1\"}]}}");
    wait_log(e, "is not one of chorus's commands");
    assert_non_null(e2e_wait_ack(e, "e-foreign"));

    /* Nothing of it reached the core. */
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM inbound"), 0);
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

static void
test_oversized_frame(void **state)
{
    struct e2e *e = E(state, NULL);
    struct slack_sim_fault_args big = { .bytes = (size_t)3 << 20 };

    e2e_start(e, NULL);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_OVERSIZED, &big), 0);
    /* Closed with 1009 by the websocket layer, logged, replaced. */
    wait_log(e, "exceeds");
    wait_log(e, "socket 2 connected");
    assert_true(slack_sim_conn_count(e->sim) >= 2);
    assert_int_equal(slack_sim_conn_at(e->sim, 0)->close_code, 1009);
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
}

/* ---- the Web API answering badly ---- */

static void
test_bad_api_answers(void **state)
{
    struct e2e *e = E(state, NULL);
    char text[256];

    e2e_start(e, NULL);
    /* A status no Slack method answers with: that call fails, logged. */
    struct slack_sim_method_fault topic = {
        .method = "conversations.setTopic", .status = 404 };
    slack_sim_api_fail_method(e->sim, &topic);
    /* 5xx twice, then Slack's own internal_error: retried, delivered. */
    struct slack_sim_method_fault down = {
        .method = "chat.postMessage", .status = 503, .count = 2 };
    slack_sim_api_fail_method(e->sim, &down);
    struct slack_sim_method_fault inner = {
        .method = "chat.postMessage", .error = "internal_error" };
    slack_sim_api_fail_method(e->sim, &inner);
    e2e_cmd_ok(e, "alice", "new spring-launch brand:Fizz", "Created");
    wait_log(e, "conversations.setTopic: unexpected HTTP 404");
    wait_log(e, "chat.postMessage failed (HTTP 503)");
    e2e_wait_message(e, "spring-launch", "created by");
    assert_int_equal(e2e_count_messages(e, "spring-launch", "created by"), 1);
    /* One warning per message however often it is retried. */
    assert_int_equal(e2e_log_count(e, "chat.postMessage failed ("), 1);
    assert_int_equal(e2e_ok_calls(e, "chat.postMessage", "text",
                                  "created by"), 1);
    assert_int_equal(slack_sim_calls_of(e->sim, "chat.postMessage"), 4);
    assert_string_equal(e2e_db_text(e, "SELECT state FROM outbox WHERE "
                                       "kind = 'topic'"), "failed");

    /* A user id Slack does not know: users.info, the invite and the DM
     * fail, each logged with the reason; the command itself was
     * answered and nothing crashed. */
    snprintf(text, sizeof(text), "add spring-launch <@U0NOSUCH|ghost> "
             "role:creator");
    e2e_cmd_ok(e, "alice", text, "added as creator");
    wait_log(e, "users.info: Slack has no user U0NOSUCH (user_not_found)");
    wait_log(e, "invite): Slack has no user U0NOSUCH (user_not_found)");
    wait_log(e, "conversations.open with U0NOSUCH failed (user_not_found)");
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM outbox WHERE "
                                   "user_ref = 'U0NOSUCH' AND state = "
                                   "'pending'"), 0);
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
}

/* ---- liveness ---- */

static void
test_stale_socket(void **state)
{
    struct slack_sim_options o = { .ack_timeout_ms = 500 };
    struct e2e *e = E(state, &o);
    struct e2e_env env = { .extra = { "CHORUS_SLACK_PING_MS=200" } };
    struct slack_sim_push p;

    e2e_start(e, &env);
    /* The simulator stops reading and writing: pings go unanswered. */
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_ZOMBIE, NULL), 0);
    wait_log(e, "socket 1: stale: no pong for");
    wait_log(e, "socket 2 connected");
    assert_true(slack_sim_conn_at(e->sim, 1)->open);
    /* The zombie never noticed and still gets envelopes, which Slack
     * sends again elsewhere: an event gets through, once. */
    assert_int_equal(slack_sim_push_dm(e->sim, "bob", "tz Asia/Tokyo", &p),
                     0);
    e2e_wait_message(e, "bob", "Asia/Tokyo");
    slack_sim_run_for(e->sim, 700);
    assert_int_equal(e2e_count_messages(e, "bob", "Asia/Tokyo"), 1);
    assert_int_equal(e2e_term(e), 0);
}

/* ---- disconnect reasons ---- */

static void
test_too_many_websockets(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_conn *old, *fresh;

    e2e_start(e, NULL);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_TOO_MANY, NULL), 0);
    wait_log(e, "socket 2 connected");
    old = slack_sim_conn_at(e->sim, 0);
    fresh = slack_sim_conn_at(e->sim, 1);
    /* The old one went first, then the new one opened. */
    assert_false(old->open);
    assert_true(fresh->open);
    assert_true(fresh->opened_at_ms >= old->closed_at_ms);
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
}

static bool
no_socket(void *arg)
{
    return slack_sim_open_count(arg) == 0;
}

static void
test_link_disabled(void **state)
{
    struct e2e *e = E(state, NULL);

    e2e_start(e, NULL);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_LINK_DISABLED, NULL),
        0);
    wait_log(e, "disconnect link_disabled");
    wait_log(e, "Socket Mode is disabled for this app (link_disabled): "
                "trying again in 2 min");
    assert_true(e2e_wait(e->sim, no_socket, e->sim, E2E_WAIT_MS));
    /* Minutes, not seconds: no new socket meanwhile. */
    slack_sim_run_for(e->sim, 1500);
    assert_int_equal(slack_sim_conn_count(e->sim), 1);
    /* It still stops at once when asked. */
    assert_int_equal(e2e_term(e), 0);
}

static void
test_unknown_disconnect_reason(void **state)
{
    struct e2e *e = E(state, NULL);

    e2e_start(e, NULL);
    raw(e, "{\"type\":\"disconnect\",\"reason\":\"solar_flare\","
           "\"debug_info\":{\"host\":\"applink-x\"}}");
    wait_log(e, "unknown reason \"solar_flare\"");
    wait_log(e, "socket 2 connected");
    wait_log(e, "socket 1: closing, socket 2 took over");
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
}

/* ---- text the core must see whole ---- */

/* A NUL (\u0000) in a command is refused, not read as the command cut
 * there; a text longer than the core takes is refused naming its real
 * size, not the size of a cut copy. */
static void
test_nul_and_long_text(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_channel *general;
    char json[1024];

    e2e_start(e, NULL);
    e2e_cmd_ok(e, "alice", "new spring-launch brand:Fizz", "Created");
    general = slack_sim_channel(e->sim, "general");
    assert_non_null(general);
    snprintf(json, sizeof(json),
             "{\"envelope_id\":\"e-nul\",\"type\":\"slash_commands\","
             "\"accepts_response_payload\":true,\"payload\":{\"command\":"
             "\"/campaign\",\"text\":\"close spring-launch\\u0000 not really"
             "\",\"user_id\":\"%s\",\"channel_id\":\"%s\"}}", e->alice,
             general->id);
    raw(e, json);
    const struct slack_sim_ack *a = e2e_wait_ack(e, "e-nul");
    const char *said = e2e_ack_text(a);
    if (!strstr(said, "that message contains a control character "
                      "(byte 19)")) {
        print_message("ack: %s\n", said);
        fail();
    }
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM campaigns WHERE "
                                   "state = 'closed'"), 0);

    /* 100 000 bytes: more than the 64 KiB the adapter once kept. */
    size_t n = 100000;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memcpy(big, "status ", 7);
    memset(big + 7, 'a', n - 7);
    big[n] = '\0';
    said = e2e_cmd(e, "alice", "general", big);
    free(big);
    if (!strstr(said, "that message is 100000 bytes long; the limit is "
                      "16384")) {
        print_message("reply: %.200s\n", said);
        fail();
    }
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* ---- stopping ---- */

static void
test_polite_stop(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_conn *c;

    e2e_start(e, NULL);
    still_alive(e);
    assert_int_equal(e2e_term(e), 0);
    c = slack_sim_conn_at(e->sim, 0);
    assert_false(c->open);
    assert_true(c->peer_closed);
    assert_int_equal(c->close_code, 1000);
    assert_true(e2e_log_has(e, "slack: stopped"));
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_bad_frames, teardown),
        cmocka_unit_test_teardown(test_oversized_frame, teardown),
        cmocka_unit_test_teardown(test_bad_api_answers, teardown),
        cmocka_unit_test_teardown(test_stale_socket, teardown),
        cmocka_unit_test_teardown(test_too_many_websockets, teardown),
        cmocka_unit_test_teardown(test_link_disabled, teardown),
        cmocka_unit_test_teardown(test_unknown_disconnect_reason, teardown),
        cmocka_unit_test_teardown(test_nul_and_long_text, teardown),
        cmocka_unit_test_teardown(test_polite_stop, teardown),
    };

    if (getenv("E2E_ONLY"))
        cmocka_set_test_filter(getenv("E2E_ONLY"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
