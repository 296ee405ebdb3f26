/*
 * test_slack_e2e: the real daemon (chorus run) on the Slack simulator,
 * end to end: slash commands acked in time and answered in the ack,
 * campaign channels (name within Slack's rules, a suffix when taken,
 * topic, invites, the brief and the status pinned, the status kept
 * current), buttons and modals, direct messages and mentions, refreshes
 * and dropped sockets in the middle of a stream (nothing lost, nothing
 * applied twice), 429 with Retry-After (order kept), one person's
 * backlog of paced DMs holding up nobody else, redeliveries, a
 * SIGKILL with messages in the outbox, and bad tokens.
 *
 * Faults, bad input and liveness are in test_slack_e2e_faults.c.  Both
 * use slack_e2e_fixture.h; every check reads the simulator's record of
 * what the bot did, the daemon's log, or its database.
 */
#include "slack_e2e_fixture.h"

static char id_text[8][64];

/* "<@U…|name>" for a user of the fixture (a small ring of buffers). */
static const char *
mention(struct e2e *e, const char *name)
{
    static int next;
    char *b = id_text[next++ % 8];
    const struct slack_sim_user *u = slack_sim_user(e->sim, name);

    assert_non_null(u);
    snprintf(b, sizeof(id_text[0]), "<@%s|%s>", u->id, u->name);
    return b;
}

/* A campaign with a creator (bob), a brand lead (carol), a brief and two
 * deliverables; kicked off when asked. */
static void
campaign(struct e2e *e, bool kickoff)
{
    e2e_cmdf(e, "alice", "Created spring-launch",
             "new spring-launch brand:Fizz title:\"Spring Launch\"");
    e2e_cmdf(e, "alice", "added as creator",
             "add spring-launch %s role:creator", mention(e, "bob"));
    e2e_cmdf(e, "alice", "added as brand", "add spring-launch %s role:brand",
             mention(e, "carol"));
    e2e_cmdf(e, "alice", "story set",
             "brief spring-launch set story Spring is here");
    e2e_cmdf(e, "alice", "audience set",
             "brief spring-launch set audience urban runners");
    e2e_cmdf(e, "alice", "core_message set",
             "brief spring-launch set core_message Fizz makes mornings "
             "brighter");
    e2e_cmdf(e, "alice", "#1",
             "deliverable spring-launch %s \"Unboxing reel\" "
             "draft:+3d publish:+8d",
             mention(e, "bob"));
    e2e_cmdf(e, "alice", "#2",
             "deliverable spring-launch %s \"Story post\" "
             "draft:+4d publish:+9d",
             mention(e, "bob"));
    if (kickoff)
        e2e_cmdf(e, "alice", "is active", "kickoff spring-launch");
    /* Review requests at once, not in the next morning's digest. */
    e2e_cmdf(e, "alice", "news", "notify digest:off");
}

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

/* ---- slash commands ---- */

static void
test_slash_command_acked_and_answered(void **state)
{
    struct e2e *e = E(state, NULL);
    struct slack_sim_push p;
    const struct slack_sim_ack *a;
    const struct slack_sim_envelope *env = NULL;

    e2e_start(e, NULL);
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign", "help", &p), 0);
    a = e2e_wait_ack(e, p.envelope_id);
    assert_false(a->late);
    assert_false(a->duplicate);
    for (size_t i = 0; i < slack_sim_envelope_count(e->sim); i++)
        if (!strcmp(slack_sim_envelope_at(e->sim, i)->envelope_id,
                    p.envelope_id))
            env = slack_sim_envelope_at(e->sim, i);
    assert_non_null(env);
    /* Acked within the window, with the answer in the ack. */
    assert_true(a->at_ms - env->sent_at_ms < 1000);
    assert_non_null(strstr(e2e_ack_text(a), "new"));
    assert_int_equal(e2e_count_ephemeral(e, e->alice, "new"), 1);

    e2e_cmdf(e, "alice", "Created spring-launch",
             "new spring-launch brand:Fizz");
    /* Bad input gets a specific reply and changes nothing. */
    e2e_cmdf(e, "alice", "nosuch", "approve nosuch#9");
    e2e_cmdf(e, "bob", "", "new other-launch brand:Fizz");
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM campaigns"), 1);
    /* Three commands and a refusal: each recorded once by trigger id. */
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM inbound WHERE "
                                   "platform = 'slack'"), 4);
    /* Mentions in a command become Slack identities with their profile
     * (users.info): bob's name and zone. */
    e2e_cmdf(e, "alice", "added as creator",
             "add spring-launch %s role:creator", mention(e, "bob"));
    assert_true(e2e_wait_ok_calls(e, "users.info", 1, "user", e->bob));
    slack_sim_run_for(e->sim, 200);
    assert_string_equal(e2e_db_text(e, "SELECT p.tz FROM people p JOIN "
                                       "identities i ON i.person_id = p.id "
                                       "WHERE i.user_id = %Q", e->bob),
                        "America/New_York");
    assert_string_equal(e2e_db_text(e, "SELECT p.name FROM people p JOIN "
                                       "identities i ON i.person_id = p.id "
                                       "WHERE i.user_id = %Q", e->bob),
                        "Bob Creator");
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* ---- the campaign's channel ---- */

static void
test_campaign_channel(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_channel *ch;
    const struct slack_sim_message *brief, *status;
    const char *members[] = { "dave", NULL };

    /* The slug's own name is taken: the channel gets a suffix. */
    assert_non_null(slack_sim_add_channel(e->sim, "spring-launch", false,
                                          members));
    e2e_start(e, NULL);
    campaign(e, true);
    assert_true(e2e_wait_ok_calls(e, "conversations.create", 1, NULL,
                                  NULL));
    ch = slack_sim_channel(e->sim, "spring-launch-2");
    assert_non_null(ch);
    assert_true(ch->is_private);
    assert_string_equal(e2e_db_text(e, "SELECT channel_id FROM channels"),
                        ch->id);
    /* Participants with Slack identities are invited. */
    assert_true(e2e_wait_ok_calls(e, "conversations.invite", 3, NULL,
                                  NULL));
    ch = slack_sim_channel(e->sim, "spring-launch-2");
    assert_true(slack_sim_is_member(ch, e->alice));
    assert_true(slack_sim_is_member(ch, e->bob));
    assert_true(slack_sim_is_member(ch, e->carol));
    assert_false(slack_sim_is_member(ch, e->dave));
    /* The brief posted and pinned, the status pinned, the topic set to
     * the brief's one-line summary. */
    assert_true(e2e_wait_ok_calls(e, "pins.add", 2, NULL, NULL));
    brief = e2e_find_message(e, ch->id, "Kickoff!");
    status = e2e_find_message(e, ch->id, "Status:");
    assert_non_null(brief);
    assert_non_null(status);
    assert_true(brief->pinned);
    assert_true(status->pinned);
    assert_non_null(strstr(brief->text, "Fizz makes mornings brighter"));
    assert_true(e2e_wait_ok_calls(e, "conversations.setTopic", 1, "topic",
                                  "Fizz makes mornings brighter"));
    ch = slack_sim_channel(e->sim, "spring-launch-2");
    assert_string_equal(ch->topic, "Fizz makes mornings brighter");
    /* The status message is kept current: a submission edits it. */
    size_t edits = status->nedits;
    e2e_cmdf(e, "bob", "Submitted spring-launch#1",
             "submit spring-launch#1 https://drive.example.com/reel-1");
    assert_true(e2e_wait_ok_calls(e, "chat.update", 1, "ts", status->ts));
    status = e2e_find_message(e, ch->id, "Status:");
    assert_true(status->nedits > edits);
    assert_int_equal(e2e_count_messages(e, ch->id, "Kickoff!"), 1);
    /* The campaign's end: wrapped, then closed, its channel archived
     * after the last words there. */
    e2e_cmdf(e, "alice", "is wrapped", "wrap spring-launch");
    e2e_cmdf(e, "alice", "is closed", "close spring-launch");
    assert_true(e2e_wait_ok_calls(e, "conversations.archive", 1, "channel",
                                  ch->id));
    ch = slack_sim_channel(e->sim, "spring-launch-2");
    assert_true(ch->is_archived);
    assert_non_null(e2e_find_message(e, ch->id, "was closed by"));
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* ---- buttons and modals ---- */

static const char *
button_id(const struct slack_sim_message *m, const char *label)
{
    const cJSON *b, *el;

    cJSON_ArrayForEach(b, m->blocks)
        cJSON_ArrayForEach(el, cJSON_GetObjectItem(b, "elements")) {
            const cJSON *t = cJSON_GetObjectItem(cJSON_GetObjectItem(el,
                                                                     "text"),
                                                 "text");

            if (cJSON_IsString(t) && !strcmp(t->valuestring, label))
                return cJSON_GetObjectItem(el, "action_id")->valuestring;
        }
    return NULL;
}

/* bob submits ref; alice (coordinator) is asked by DM to review it: that
 * message. */
static const struct slack_sim_message *
submit_for_review(struct e2e *e, const char *ref, const char *link)
{
    char want[64];

    snprintf(want, sizeof(want), "Submitted %s", ref);
    e2e_cmdf(e, "bob", want, "submit %s %s", ref, link);
    snprintf(want, sizeof(want), "submitted %s", ref);
    return e2e_wait_message(e, "alice", want);
}

/* alice sends the modal v with these fields: the message its button was
 * on, once it is edited to say who did what (want, "changes by"). */
static const struct slack_sim_message *
send_modal(struct e2e *e, const struct slack_sim_view *v,
           const struct slack_sim_field *f, size_t n, const char *dm,
           const char *ts, const char *want)
{
    const struct slack_sim_message *m;
    struct slack_sim_push p;

    assert_int_equal(slack_sim_push_submission(e->sim, "alice", v->id, f, n,
                                               &p), 0);
    e2e_wait_ack(e, p.envelope_id);
    assert_true(e2e_wait_ok_calls(e, "chat.update", 1, "ts", ts));
    m = slack_sim_message(e->sim, dm, ts);
    assert_non_null(strstr(m->text, want));
    return m;
}

static void
test_button_and_modal(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_message *m;
    const struct slack_sim_view *v;
    struct slack_sim_push p;
    const struct slack_sim_ack *a;
    char dm[32], ts[32];

    e2e_start(e, NULL);
    campaign(e, true);
    /* The coordinator's DM carries Approve / Request changes / Reject. */
    m = submit_for_review(e, "spring-launch#1",
                          "https://drive.example.com/reel-1");
    snprintf(dm, sizeof(dm), "%s", e2e_dm(e, "alice"));
    snprintf(ts, sizeof(ts), "%s", m->ts);
    assert_non_null(button_id(m, "Approve"));
    assert_non_null(button_id(m, "Request changes"));
    assert_non_null(button_id(m, "Reject"));

    /* Approve: the command runs as alice; the message shows who acted
     * and loses its buttons. */
    assert_int_equal(slack_sim_push_action(e->sim, "alice", dm, ts,
                                           button_id(m, "Approve"), NULL,
                                           &p), 0);
    a = e2e_wait_ack(e, p.envelope_id);
    assert_false(a->late);
    assert_true(e2e_wait_ok_calls(e, "chat.update", 1, "ts", ts));
    m = slack_sim_message(e->sim, dm, ts);
    assert_non_null(strstr(m->text, "approve by"));
    assert_null(m->blocks);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM reviews WHERE "
                                   "decision = 'approve'"), 1);
    assert_string_equal(e2e_db_text(e, "SELECT review_stage FROM "
                                       "deliverables WHERE number = 1"),
                        "brand");
    /* A second press of the same button (Slack sends it again): not
     * applied twice. */
    assert_int_equal(slack_sim_socket_redeliver(e->sim, p.envelope_id), 0);
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM reviews"), 1);

    /* Request changes asks first: a modal, then its submission runs
     * "changes spring-launch#2 <text>". */
    m = submit_for_review(e, "spring-launch#2",
                          "https://drive.example.com/post-1");
    snprintf(ts, sizeof(ts), "%s", m->ts);
    assert_int_equal(slack_sim_push_action(e->sim, "alice", dm, ts,
                                           button_id(m, "Request changes"),
                                           NULL, &p), 0);
    assert_true(e2e_wait_ok_calls(e, "views.open", 1, NULL, NULL));
    assert_int_equal(slack_sim_view_count(e->sim), 1);
    v = slack_sim_view_at(e->sim, 0);
    /* The reason is not optional: Slack's client does not send the form
     * with it empty. */
    struct slack_sim_field empty = { .block_id = "chorus.text",
                                     .action_id = "text", .value = "" };
    assert_int_equal(slack_sim_push_submission(e->sim, "alice", v->id,
                                               &empty, 1, &p), -1);
    assert_non_null(strstr(slack_sim_error(e->sim), "chorus.text"));
    /* The form offers the three rubric points as checkboxes beside the
     * reason; the ticked ones become fail:. */
    const cJSON *rb = cJSON_GetArrayItem(cJSON_GetObjectItem(v->view,
                                                             "blocks"), 0);
    assert_string_equal(cJSON_GetObjectItem(rb, "block_id")->valuestring,
                        "chorus.rubric");
    const cJSON *cbx = cJSON_GetObjectItem(rb, "element");
    assert_string_equal(cJSON_GetObjectItem(cbx, "type")->valuestring,
                        "checkboxes");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cbx, "options")),
                     3);
    struct slack_sim_field f[] = {
        { .block_id = "chorus.rubric", .action_id = "points",
          .value = "visible,engagement" },
        { .block_id = "chorus.text", .action_id = "text",
          .value = "show the can in the first second" },
    };
    send_modal(e, v, f, 2, dm, ts, "changes by");
    assert_string_equal(e2e_db_text(e, "SELECT state FROM deliverables "
                                       "WHERE number = 2"),
                        "changes_requested");
    assert_string_equal(e2e_db_text(e, "SELECT reason FROM reviews WHERE "
                                       "decision = 'changes'"),
                        "show the can in the first second");
    assert_string_equal(e2e_db_text(e, "SELECT visible || message || "
                                       "engagement FROM reviews WHERE "
                                       "decision = 'changes'"),
                        "010");
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* ---- direct messages and mentions ---- */

static void
test_dm_and_mention(void **state)
{
    struct slack_sim_options o = { .echo_own_messages = true };
    struct e2e *e = E(state, &o);
    struct slack_sim_push p;
    const struct slack_sim_call *c;

    e2e_start(e, NULL);
    campaign(e, false);
    /* A DM is a command from that person, answered in the DM. */
    assert_int_equal(slack_sim_push_dm(e->sim, "bob",
                                       "ask spring-launch can we show the "
                                       "blue can?", &p), 0);
    e2e_wait_ack(e, p.envelope_id);
    e2e_wait_message(e, "bob", "Asked Q");
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM questions"), 1);
    /* The coordinator answers by DM: the answer reaches the core. */
    assert_int_equal(slack_sim_push_dm(e->sim, "alice",
                                       "answer Q1 yes, the blue can is fine",
                                       &p), 0);
    e2e_wait_ack(e, p.envelope_id);
    e2e_wait_message(e, "bob", "the blue can is fine");
    assert_string_equal(e2e_db_text(e, "SELECT answer FROM questions"),
                        "yes, the blue can is fine");
    /* A mention in a channel: answered in a thread under it. */
    assert_int_equal(slack_sim_push_mention(e->sim, "carol", "lounge",
                                            "status spring-launch", &p), 0);
    e2e_wait_ack(e, p.envelope_id);
    assert_true(e2e_wait_ok_calls(e, "chat.postMessage", 1, "thread_ts",
                                  p.ts));
    c = slack_sim_call_find(e->sim, "chat.postMessage", -1);
    assert_non_null(strstr(slack_sim_call_arg(c, "text"), "spring-launch"));
    /* Our own posts come back as events (echo_own_messages) and are
     * ignored: only the three people's events were recorded. */
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM inbound WHERE "
                                   "event_id LIKE 'Ev%%'"), 3);
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* ---- streams through refreshes and drops ---- */

struct stream {
    struct e2e *e;
    char        env[128][40];
    size_t      n;
};

/* The delivery that envelope_id began was acked (an event sent again
 * counts by its event_id: the ack of any attempt). */
static bool
delivery_acked(struct e2e *e, const char *envelope_id)
{
    const char *event_id = NULL;

    if (slack_sim_ack_find(e->sim, envelope_id))
        return true;
    for (size_t i = 0; i < slack_sim_envelope_count(e->sim); i++) {
        const struct slack_sim_envelope *v = slack_sim_envelope_at(e->sim, i);

        if (!strcmp(v->envelope_id, envelope_id))
            event_id = v->event_id;
        else if (event_id && v->event_id && !strcmp(v->event_id, event_id)
                 && v->acked)
            return true;
    }
    return false;
}

static bool
all_acked(void *arg)
{
    struct stream *s = arg;

    for (size_t i = 0; i < s->n; i++)
        if (!delivery_acked(s->e, s->env[i]))
            return false;
    return true;
}

static void
push_ask(struct stream *s, const char *user, bool by_dm)
{
    struct slack_sim_push p;
    char text[96];

    snprintf(text, sizeof(text), "ask spring-launch question %zu", s->n);
    if (by_dm)
        assert_int_equal(slack_sim_push_dm(s->e->sim, user, text, &p), 0);
    else
        assert_int_equal(slack_sim_push_command(s->e->sim, user, "general",
                                                "/campaign", text, &p), 0);
    snprintf(s->env[s->n++], sizeof(s->env[0]), "%s", p.envelope_id);
}

/* Every question asked exactly once, every command answered once. */
static void
check_stream(struct stream *s)
{
    struct e2e *e = s->e;

    assert_true(e2e_wait(e->sim, all_acked, s, E2E_WAIT_MS));
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM questions"),
                     (long long)s->n);
    assert_int_equal(e2e_db_int(e, "SELECT count(DISTINCT text) FROM "
                                   "questions"), (long long)s->n);
    for (size_t i = 0; i < slack_sim_ack_count(e->sim); i++)
        assert_false(slack_sim_ack_at(e->sim, i)->duplicate);
}

static void
test_refresh_during_stream(void **state)
{
    struct slack_sim_options o = { .warning_delay_ms = 400,
                                   .refresh_close_ms = 1500 };
    struct e2e *e = E(state, &o);
    struct stream s = { .e = e };
    size_t conns;

    e2e_start(e, NULL);
    e2e_cmdf(e, "alice", "Created", "new spring-launch brand:Fizz");
    for (int i = 0; i < 90; i++) {
        if (i == 20)   /* warning, then refresh_requested 400 ms later */
            assert_int_equal(slack_sim_socket_inject(
                                 e->sim, 0, SLACK_SIM_FAULT_WARNING, NULL),
                             0);
        if (i == 60)
            assert_int_equal(slack_sim_socket_inject(
                                 e->sim, 0, SLACK_SIM_FAULT_REFRESH, NULL),
                             0);
        push_ask(&s, "alice", false);
        slack_sim_run_for(e->sim, 15);
    }
    check_stream(&s);
    for (size_t i = 0; i < s.n; i++) {
        const struct slack_sim_ack *a = slack_sim_ack_find(e->sim, s.env[i]);

        assert_non_null(strstr(e2e_ack_text(a), "Asked Q"));
    }
    /* New socket first, then the old one closed by the daemon. */
    conns = slack_sim_conn_count(e->sim);
    assert_true(conns >= 3);
    for (size_t i = 0; i + 1 < conns; i++) {
        const struct slack_sim_conn *c = slack_sim_conn_at(e->sim, i);

        assert_false(c->open);
        assert_true(c->peer_closed);
        assert_int_equal(c->close_code, 1000);
    }
    assert_true(slack_sim_conn_at(e->sim, conns - 1)->open);
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

static void
test_socket_dropped_mid_stream(void **state)
{
    struct slack_sim_options o = { .ack_timeout_ms = 1000 };
    struct e2e *e = E(state, &o);
    struct stream s = { .e = e };

    e2e_start(e, NULL);
    e2e_cmdf(e, "alice", "Created", "new spring-launch brand:Fizz");
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:creator",
             mention(e, "bob"));
    for (int i = 0; i < 30; i++) {
        push_ask(&s, i % 3 ? "alice" : "bob", i % 3 == 0);
        slack_sim_run_for(e->sim, 10);
    }
    assert_true(e2e_wait(e->sim, all_acked, &s, E2E_WAIT_MS));
    /* A DM on its way out as the socket drops: Slack sends it again. */
    push_ask(&s, "bob", true);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_DROP, NULL), 0);
    /* Commands while the daemon is away wait for its next socket. */
    for (int i = 0; i < 30; i++) {
        push_ask(&s, i % 3 ? "alice" : "bob", i % 3 == 0);
        slack_sim_run_for(e->sim, 10);
    }
    check_stream(&s);
    assert_true(slack_sim_wait_open(e->sim, 1, E2E_WAIT_MS));
    assert_true(slack_sim_conn_count(e->sim) >= 2);
    assert_true(e2e_log_has(e, "socket 1 lost"));
    assert_int_equal(e2e_term(e), 0);
}

/* ---- rate limits ---- */

static void
test_rate_limited_post(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_channel *ch;
    const char *order[] = { "as creator", "as brand", "as agency" };
    int64_t limited_at = 0, next_ok = 0;
    char channel[32];

    e2e_start(e, NULL);
    e2e_cmdf(e, "alice", "Created", "new spring-launch brand:Fizz");
    e2e_wait_message(e, "spring-launch", "created by");
    snprintf(channel, sizeof(channel), "%s",
             slack_sim_channel(e->sim, "spring-launch")->id);
    /* The channel's next chat.postMessage gets 429 with Retry-After: 2
     * (the DMs of the same commands go in lanes of their own, in any
     * order against the channel's). */
    struct slack_sim_method_fault f = { .method = "chat.postMessage",
                                        .status = 429, .retry_after = 2,
                                        .channel = channel };
    slack_sim_api_fail_method(e->sim, &f);
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:creator",
             mention(e, "bob"));
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:brand",
             mention(e, "carol"));
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:agency",
             mention(e, "dave"));
    e2e_wait_message(e, "spring-launch", "as agency");
    /* Delivered after Retry-After, in order. */
    for (size_t i = 0; i < slack_sim_call_count(e->sim); i++) {
        const struct slack_sim_call *c = slack_sim_call_at(e->sim, i);

        if (strcmp(c->method, "chat.postMessage") != 0 ||
            strcmp(slack_sim_call_arg(c, "channel"), channel) != 0)
            continue;
        if (c->status == 429 && !limited_at)
            limited_at = c->at_ms;
        else if (limited_at && c->status == 200 && !next_ok)
            next_ok = c->at_ms;
    }
    assert_true(limited_at > 0);
    assert_true(next_ok - limited_at >= 1950);
    ch = slack_sim_channel(e->sim, "spring-launch");
    size_t at = 0;
    for (size_t i = 0; i < ch->nmessages && at < 3; i++)
        if (strstr(ch->messages[i]->text, order[at]))
            at++;
    assert_int_equal(at, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(e2e_count_messages(e, "spring-launch", order[i]),
                         1);
    assert_int_equal(e2e_term(e), 0);
}

/*
 * One person's backlog of paced DMs holds up nobody else.  A coordinator
 * of many campaigns had 3 514 nudges queued; the adapter used to take
 * 2 000, then answer CH_BUSY to everything, and the core stopped handing
 * out at that row, so every other channel and person waited for the
 * backlog (at one DM a second) to drain.  Here 2 500 DMs to alice wait in
 * the outbox at start, then a post to #general and a DM to bob: those go
 * out at once while alice's trickle at Slack's pace.
 */
static void
test_busy_lane_holds_up_nobody(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_channel *general;
    char *sql;
    int64_t started;

    e2e_start(e, NULL);             /* creates the database */
    assert_int_equal(e2e_term(e), 0);
    general = slack_sim_channel(e->sim, "general");
    assert_non_null(general);
    sql = sqlite3_mprintf(
        "BEGIN;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "  WHERE i < 2500)"
        " INSERT INTO outbox (platform, kind, user_ref, text, created_at)"
        " SELECT 'slack', 'dm', %Q, 'nudge ' || i, 0 FROM n;"
        "INSERT INTO outbox (platform, kind, channel_ref, text, created_at)"
        " VALUES ('slack', 'post', %Q, 'for everyone', 0);"
        "INSERT INTO outbox (platform, kind, user_ref, text, created_at)"
        " VALUES ('slack', 'dm', %Q, 'for bob alone', 0);"
        "COMMIT;", e->alice, general->id, e->bob);
    e2e_daemon_db_exec(&e->d, sql);
    sqlite3_free(sql);
    started = e2e_now_ms();
    e2e_start(e, NULL);
    e2e_wait_message(e, "general", "for everyone");
    e2e_wait_message(e, "bob", "for bob alone");
    assert_true(e2e_now_ms() - started < 10000);
    /* alice's DMs go at Slack's pace meanwhile, in order */
    assert_true(e2e_count_messages(e, "alice", "nudge ") >= 1);
    assert_true(e2e_count_messages(e, "alice", "nudge ") < 40);
    assert_non_null(e2e_find_message(e, "alice", "nudge 1"));
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM outbox WHERE "
                                   "state = 'sent' AND text IN "
                                   "('for everyone', 'for bob alone')"), 2);
    assert_true(e2e_db_int(e, "SELECT count(*) FROM outbox WHERE state = "
                              "'pending' AND user_ref = %Q", e->alice) > 2400);
}

/* ---- rows and optional prompts ---- */

/* The actions blocks of a message, in order. */
static size_t
actions_blocks(const struct slack_sim_message *m, const cJSON **out,
               size_t max)
{
    const cJSON *b;
    size_t n = 0;

    cJSON_ArrayForEach(b, m->blocks) {
        const cJSON *t = cJSON_GetObjectItem(b, "type");

        if (cJSON_IsString(t) && !strcmp(t->valuestring, "actions") &&
            n < max)
            out[n++] = b;
    }
    return n;
}

/* A message whose buttons are in rows (as the standup prompt's will be)
 * shows an actions block per row; a button whose question is optional
 * opens a modal whose text may be left empty, and the form sent empty
 * runs the command as it is. */
static void
test_rows_and_optional_prompt(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_message *m;
    const struct slack_sim_view *v;
    const cJSON *rows[8];
    struct slack_sim_push p;
    char dm[32], ts[32];
    char *sql;

    e2e_start(e, NULL);
    campaign(e, true);
    submit_for_review(e, "spring-launch#1",
                      "https://drive.example.com/reel-1");
    assert_int_equal(e2e_term(e), 0);
    sql = sqlite3_mprintf(
        "INSERT INTO outbox (platform, kind, user_ref, text, buttons, "
        "created_at) VALUES ('slack', 'dm', %Q, 'How is spring-launch#1 "
        "going?', %Q, 0)", e->alice,
        "Approve\tapprove spring-launch#1\tprimary\tAnything to add? "
        "(optional)\toptional\n"
        "Request changes\tchanges spring-launch#1\t\tWhat needs to "
        "change?\trubric\n"
        "Help\thelp\t\t\trow=1\n"
        "Status\tstatus spring-launch\t\t\trow=2\n");
    e2e_daemon_db_exec(&e->d, sql);
    sqlite3_free(sql);
    e2e_start(e, NULL);
    m = e2e_wait_message(e, "alice", "How is spring-launch#1 going?");
    snprintf(dm, sizeof(dm), "%s", e2e_dm(e, "alice"));
    snprintf(ts, sizeof(ts), "%s", m->ts);
    /* Three rows, three actions blocks, each block_id its own. */
    assert_int_equal(actions_blocks(m, rows, 8), 3);
    assert_string_equal(cJSON_GetObjectItem(rows[0], "block_id")->valuestring,
                        "chorus.actions");
    assert_string_equal(cJSON_GetObjectItem(rows[1], "block_id")->valuestring,
                        "chorus.actions.1");
    assert_string_equal(cJSON_GetObjectItem(rows[2], "block_id")->valuestring,
                        "chorus.actions.2");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(rows[0],
                                                            "elements")), 2);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(rows[1],
                                                            "elements")), 1);

    /* Approve asks "Anything to add?", which may be left empty. */
    assert_int_equal(slack_sim_push_action(e->sim, "alice", dm, ts,
                                           button_id(m, "Approve"), NULL,
                                           &p), 0);
    assert_true(e2e_wait_ok_calls(e, "views.open", 1, NULL, NULL));
    v = slack_sim_view_at(e->sim, slack_sim_view_count(e->sim) - 1);
    const cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItem(v->view,
                                                             "blocks"), 0);
    assert_string_equal(cJSON_GetObjectItem(in, "block_id")->valuestring,
                        "chorus.text");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(in, "optional")));
    /* Sent empty: Slack's null value; the command runs as it is. */
    send_modal(e, v, NULL, 0, dm, ts, "approve by");
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM reviews WHERE "
                                   "decision = 'approve' AND "
                                   "ifnull(reason, '') = ''"), 1);
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* A standup on Slack: bob's prompt has a row for all and a row per
 * deliverable; a yellow button asks for an optional note in a form, a
 * green one records at once and leaves the buttons for a change of
 * mind, and a reply typed in the prompt's thread is read as an answer. */
static void
test_standup_buttons_and_thread(void **state)
{
    struct e2e *e = E(state, NULL);
    const struct slack_sim_message *m;
    const struct slack_sim_view *v;
    const cJSON *rows[8];
    struct slack_sim_push p;
    char dm[32], ts[32], yellow1[32], green_all[32];

    e2e_start(e, NULL);
    campaign(e, true);
    e2e_cmdf(e, "alice", "Asked 1 creator", "standup spring-launch now");
    m = e2e_wait_message(e, "bob", "Standup for spring-launch");
    snprintf(dm, sizeof(dm), "%s", e2e_dm(e, "bob"));
    snprintf(ts, sizeof(ts), "%s", m->ts);
    assert_int_equal(actions_blocks(m, rows, 8), 3);
    snprintf(yellow1, sizeof(yellow1), "%s",
             button_id(m, "🟡 spring-launch#1"));
    snprintf(green_all, sizeof(green_all), "%s",
             button_id(m, "🟢 All green"));

    /* Yellow on #1: a form whose note may be left empty. */
    assert_int_equal(slack_sim_push_action(e->sim, "bob", dm, ts, yellow1,
                                           NULL, &p), 0);
    assert_true(e2e_wait_ok_calls(e, "views.open", 1, NULL, NULL));
    v = slack_sim_view_at(e->sim, slack_sim_view_count(e->sim) - 1);
    const cJSON *in = cJSON_GetArrayItem(cJSON_GetObjectItem(v->view,
                                                             "blocks"), 0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(in, "optional")));
    struct slack_sim_field note = { "chorus.text", "text",
                                    "waiting for the product" };
    assert_int_equal(slack_sim_push_submission(e->sim, "bob", v->id, &note,
                                               1, &p), 0);
    e2e_wait_ack(e, p.envelope_id);
    assert_true(e2e_wait_message(e, "bob", "Recorded spring-launch#1 🟡 "
                                           "yellow: waiting for the product")
                != NULL);

    /* Green for all, from the same message: its buttons stayed. */
    m = slack_sim_message(e->sim, dm, ts);
    assert_int_equal(actions_blocks(m, rows, 8), 3);
    assert_int_equal(slack_sim_push_action(e->sim, "bob", dm, ts, green_all,
                                           NULL, &p), 0);
    assert_true(e2e_wait_message(e, "bob", "Recorded spring-launch#1 🟢 "
                                           "green; spring-launch#2 🟢 green")
                != NULL);

    /* Typed in the prompt's thread: #2 goes red. */
    assert_int_equal(slack_sim_push_dm_reply(e->sim, "bob",
                                             "#2 red, sick until monday", ts,
                                             &p), 0);
    assert_true(e2e_wait_message(e, "bob", "Recorded spring-launch#2 🔴 red: "
                                           "sick until monday") != NULL);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM standup_answers"),
                     4);
    const char *latest = e2e_db_text(
        e, "SELECT group_concat(colour, ',') FROM (SELECT a.colour FROM "
           "standup_answers a WHERE a.id IN (SELECT MAX(id) FROM "
           "standup_answers GROUP BY deliverable_id) ORDER BY "
           "a.deliverable_id)");
    assert_string_equal(latest, "green,red");
    assert_int_equal(e2e_term(e), 0);
    assert_int_equal(e2e_log_count(e, " error "), 0);
}

/* ---- redelivery ---- */

static void
test_redelivered_event(void **state)
{
    struct e2e *e = E(state, NULL);
    struct slack_sim_push p, again;
    const struct slack_sim_envelope *last;

    e2e_start(e, NULL);
    assert_int_equal(slack_sim_push_dm(e->sim, "bob", "tz Europe/Paris",
                                       &p), 0);
    e2e_wait_ack(e, p.envelope_id);
    e2e_wait_message(e, "bob", "Europe/Paris");
    /* Slack sends it again (retry_attempt 1, a new envelope_id). */
    assert_int_equal(slack_sim_socket_redeliver(e->sim, p.envelope_id), 0);
    last = slack_sim_envelope_at(e->sim, slack_sim_envelope_count(e->sim) -
                                              1);
    assert_int_equal(last->attempt, 1);
    e2e_wait_ack(e, last->envelope_id);
    slack_sim_run_for(e->sim, 500);
    assert_int_equal(e2e_count_messages(e, "bob", "Europe/Paris"), 1);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM inbound"), 1);
    assert_true(e2e_log_has(e, "delivered again (retry_attempt 1"));
    /* A slash command sent twice: applied once. */
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign",
                                            "new spring-launch brand:Fizz",
                                            &again), 0);
    e2e_wait_ack(e, again.envelope_id);
    assert_int_equal(slack_sim_socket_redeliver(e->sim, again.envelope_id), 0);
    last = slack_sim_envelope_at(e->sim, slack_sim_envelope_count(e->sim) -
                                              1);
    e2e_wait_ack(e, last->envelope_id);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM campaigns"), 1);
    assert_int_equal(e2e_count_ephemeral(e, e->alice, "Created"), 1);
    assert_int_equal(e2e_term(e), 0);
}

/* ---- crash with messages in the outbox ---- */

static void
test_outbox_survives_kill(void **state)
{
    struct e2e *e = E(state, NULL);
    const char *order[] = { "as creator", "as brand", "as agency" };

    e2e_start(e, NULL);
    e2e_cmdf(e, "alice", "Created", "new spring-launch brand:Fizz");
    e2e_wait_message(e, "spring-launch", "created by");
    /* Posting stops for 60 s: what the next commands say stays queued. */
    struct slack_sim_method_fault f = { .method = "chat.postMessage",
                                        .status = 429, .retry_after = 60 };
    slack_sim_api_fail_method(e->sim, &f);
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:creator",
             mention(e, "bob"));
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:brand",
             mention(e, "carol"));
    e2e_cmdf(e, "alice", "added", "add spring-launch %s role:agency",
             mention(e, "dave"));
    assert_true(slack_sim_wait_calls(e->sim, "chat.postMessage", 2,
                                     E2E_WAIT_MS));
    slack_sim_run_for(e->sim, 300);
    /* The 3 channel posts wait (and the invites behind them, in their
     * channel's lane), and the DMs that did not go before the 429. */
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM outbox WHERE "
                                   "state = 'pending' AND kind = 'post'"), 3);
    assert_true(e2e_db_int(e, "SELECT count(*) FROM outbox WHERE state = "
                              "'pending' AND kind = 'dm'") >= 1);
    e2e_kill9(e);
    /* Restarted, everything goes out once, in order. */
    e2e_start(e, NULL);
    e2e_wait_message(e, "spring-launch", "as agency");
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(e2e_count_messages(e, "spring-launch", order[i]),
                         1);
    e2e_wait_message(e, "dave", "added you to spring-launch");
    assert_int_equal(e2e_count_messages(e, "bob",
                                        "added you to spring-launch"), 1);
    assert_int_equal(e2e_count_messages(e, "carol",
                                        "added you to spring-launch"), 1);
    assert_int_equal(e2e_count_messages(e, "dave",
                                        "added you to spring-launch"), 1);
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(e2e_db_int(e, "SELECT count(*) FROM outbox WHERE "
                                   "state != 'sent'"), 0);
    assert_int_equal(e2e_term(e), 0);
}

/* ---- a debug log keeps secrets ---- */

/* At debug level the HTTP client logs every URL and lws its own lines:
 * neither token nor a Socket Mode ticket (a one-off credential for the
 * websocket) reaches the log. */
static void
test_debug_log_private(void **state)
{
    struct e2e *e = E(state, NULL);
    char *conf = e2e_daemon_read_file(e->d.conf);
    char *at = strstr(conf, "log_level info");
    assert_non_null(at);
    *at = '\0';
    FILE *f = fopen(e->d.conf, "w");
    assert_non_null(f);
    fprintf(f, "%slog_level debug%s", conf, at + strlen("log_level info"));
    fclose(f);
    free(conf);

    e2e_start(e, NULL);
    e2e_cmdf(e, "alice", "Created spring-launch",
             "new spring-launch brand:Fizz");
    assert_int_equal(e2e_term(e), 0);
    assert_true(e2e_log_count(e, "http: POST") > 0);
    assert_false(e2e_log_has(e, "xoxb-sim-bot-token"));
    assert_false(e2e_log_has(e, "xapp-1-A0CHORUS1-sim"));
    assert_int_equal(e2e_log_count(e, "ticket="),
                     e2e_log_count(e, "ticket=[redacted]"));
}

/* ---- bad tokens ---- */

static void
test_bad_tokens(void **state)
{
    struct e2e *e = E(state, NULL);
    struct e2e_env bad_bot = { .bot_token = "xoxb-not-the-right-one" };
    struct e2e_env bad_app = { .app_token = "xapp-1-not-the-right-one" };
    int rc;

    e2e_spawn(e, &bad_bot);
    rc = e2e_wait_exit(e, E2E_WAIT_MS);
    assert_int_equal(rc, 77);       /* EX_NOPERM: not restarted */
    assert_true(e2e_log_has(e, "invalid_auth"));
    assert_true(e2e_log_has(e, "SLACK_BOT_TOKEN"));
    assert_false(e2e_log_has(e, "xoxb-not-the-right-one"));

    e2e_spawn(e, &bad_app);
    rc = e2e_wait_exit(e, E2E_WAIT_MS);
    assert_int_equal(rc, 77);
    assert_true(e2e_log_has(e, "SLACK_APP_TOKEN"));
    assert_false(e2e_log_has(e, "xapp-1-not-the-right-one"));
    assert_int_equal(slack_sim_open_count(e->sim), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_slash_command_acked_and_answered,
                                  teardown),
        cmocka_unit_test_teardown(test_campaign_channel, teardown),
        cmocka_unit_test_teardown(test_button_and_modal, teardown),
        cmocka_unit_test_teardown(test_standup_buttons_and_thread,
                                  teardown),
        cmocka_unit_test_teardown(test_rows_and_optional_prompt, teardown),
        cmocka_unit_test_teardown(test_dm_and_mention, teardown),
        cmocka_unit_test_teardown(test_refresh_during_stream, teardown),
        cmocka_unit_test_teardown(test_socket_dropped_mid_stream, teardown),
        cmocka_unit_test_teardown(test_rate_limited_post, teardown),
        cmocka_unit_test_teardown(test_busy_lane_holds_up_nobody, teardown),
        cmocka_unit_test_teardown(test_redelivered_event, teardown),
        cmocka_unit_test_teardown(test_outbox_survives_kill, teardown),
        cmocka_unit_test_teardown(test_debug_log_private, teardown),
        cmocka_unit_test_teardown(test_bad_tokens, teardown),
    };

    if (getenv("E2E_ONLY"))
        cmocka_set_test_filter(getenv("E2E_ONLY"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
