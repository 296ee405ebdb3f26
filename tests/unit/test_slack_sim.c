/*
 * test_slack_sim: the Slack simulator (adapters/sim/slack_sim*.c), driven by
 * a raw client made of ws.h + http.h in the same process and loop, as the
 * protocol asks of a fake server: tokens, hello, one-time tickets,
 * acks and redelivery, every fault, rate limits, channel rules, users'
 * zones, trigger expiry, the refresh sequence, the socket limit.
 *
 * The tests read like a script: each step starts something, then runs the
 * loop with slack_sim_wait() until it has happened.  Callbacks only
 * record; every assert runs outside the loop.  Timers are shortened
 * through the options so the whole file runs in a few seconds (waits are
 * generous so valgrind's slowdown does not make them flaky).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "http.h"
#include "ws.h"
#include "loop.h"
#include "buf.h"
#include "log.h"
#include "tz.h"
#include "xmalloc.h"
#include "slack_sim.h"
#include "slack_sim_int.h"

#define WAIT_MS  10000      /* upper bound; passing steps take far less */
#define MAX_MSGS 64

struct env;

struct client {
    struct env     *e;
    struct ws_conn *c;
    bool            opened;
    bool            closed;
    bool            auto_ack;
    int             close_code;
    char            reason[128];
    size_t          nmsg;
    char           *raw[MAX_MSGS];
    cJSON          *msg[MAX_MSGS];    /* NULL when not JSON */
    int64_t         at[MAX_MSGS];
    int             pongs;
    char            pong[64];
};

struct env {
    struct loop       *loop;
    struct ws_ctx     *ws;
    struct http       *http;
    struct slack_sim  *sim;
    const struct slack_sim_identity *id;
    struct client     *clients[24];
    size_t             nclients;
    cJSON             *keep[512];
    size_t             nkeep;
    struct buf         obs;
    int                nobs;
};

/* ---- JSON paths: "debug_info.host", "errors.0.user" ---- */

static const cJSON *
jget(const cJSON *o, const char *path)
{
    char key[64];

    while (o && *path) {
        size_t n = strcspn(path, ".");
        char *end;
        long idx;

        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        idx = strtol(key, &end, 10);
        if (cJSON_IsArray(o) && *end == '\0' && end != key)
            o = cJSON_GetArrayItem(o, (int)idx);
        else
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += n;
        if (*path == '.')
            path++;
    }
    return o;
}

static const char *
js(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);

    return cJSON_IsString(v) ? v->valuestring : "(missing)";
}

static double
jnum(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);

    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static bool
jtrue(const cJSON *o, const char *path)
{
    return cJSON_IsTrue(jget(o, path));
}

static cJSON *
keep(struct env *e, cJSON *j)
{
    assert_true(e->nkeep < sizeof(e->keep) / sizeof(*e->keep));
    e->keep[e->nkeep++] = j;
    return j;
}

/* ---- environment ---- */

static void
observe(void *arg, const struct slack_sim_obs *o)
{
    struct env *e = arg;

    buf_adds(&e->obs, o->line);
    buf_addc(&e->obs, '\n');
    e->nobs++;
}

static struct env *
env_new(struct slack_sim_options *o)
{
    struct env *e = xcalloc(1, sizeof(*e));
    struct slack_sim_options none = { 0 };

    if (!o)
        o = &none;
    o->observer = observe;
    o->observer_arg = e;
    e->loop = loop_new();
    assert_non_null(e->loop);
    e->ws = ws_ctx_new(e->loop, NULL);
    assert_non_null(e->ws);
    e->http = http_new(e->loop, NULL);
    assert_non_null(e->http);
    e->sim = slack_sim_new(e->loop, e->ws, o);
    assert_non_null(e->sim);
    e->id = slack_sim_identity(e->sim);
    return e;
}

static void
client_release(struct client *cl)
{
    ws_free(cl->c);
    for (size_t i = 0; i < cl->nmsg; i++) {
        free(cl->raw[i]);
        cJSON_Delete(cl->msg[i]);
    }
    free(cl);
}

static void
shutdown_cb(void *arg)
{
    struct env *e = arg;

    ws_ctx_shutdown(e->ws);
    loop_stop(e->loop);
}

/* The teardown order: own handles and clients, curl, the sim, lws
 * stage 1 from a loop callback, run to the end, stage 2. */
static void
env_free(struct env *e)
{
    int rc;

    for (size_t i = 0; i < e->nclients; i++)
        client_release(e->clients[i]);
    http_free(e->http);
    slack_sim_free(e->sim);
    loop_defer(e->loop, shutdown_cb, e);
    rc = loop_run(e->loop);
    ws_ctx_free(e->ws);
    loop_free(e->loop);
    for (size_t i = 0; i < e->nkeep; i++)
        cJSON_Delete(e->keep[i]);
    buf_free(&e->obs);
    free(e);
    assert_int_equal(rc, 0);
}

/* ---- HTTP: one synchronous call ---- */

struct api_res {
    bool   done;
    long   status;
    char   retry_after[16];
    char  *body;
};

static void
api_done(void *arg, const struct http_response *r)
{
    struct api_res *res = arg;
    const char *ra = http_response_header(r, "Retry-After");

    res->done = true;
    res->status = r->status;
    snprintf(res->retry_after, sizeof(res->retry_after), "%s",
             ra ? ra : "");
    res->body = xstrdup(r->body);
}

static bool
api_finished(void *arg)
{
    return ((struct api_res *)arg)->done;
}

/* POST path with body; token NULL: no Authorization.  Returns the JSON
 * body (kept by the env); *res gets status and Retry-After. */
static cJSON *
post(struct env *e, const char *path, const char *token, const char *ctype,
     const char *body, struct api_res *res)
{
    char url[256], auth[300];
    const char *hdrs[2] = { auth, NULL };
    struct http_request rq = {
        .method = HTTP_POST,
        .url = url,
        .headers = token ? hdrs : NULL,
        .body = body,
        .body_len = body ? strlen(body) : 0,
        .content_type = ctype,
    };
    struct api_res local;
    cJSON *j;

    /* http.c's default type is JSON; a form body says so. */
    if (!ctype && body && *body && *body != '{')
        rq.content_type = "application/x-www-form-urlencoded";
    if (!res)
        res = &local;
    memset(res, 0, sizeof(*res));
    snprintf(url, sizeof(url), "%s%s", slack_sim_base_url(e->sim), path);
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
             token ? token : "");
    assert_non_null(http_request(e->http, &rq, api_done, res));
    assert_true(slack_sim_wait(e->sim, api_finished, res, WAIT_MS));
    j = cJSON_Parse(res->body);
    free(res->body);
    res->body = NULL;
    return keep(e, j ? j : cJSON_CreateNull());
}

static cJSON *
get(struct env *e, const char *path, struct api_res *res)
{
    char url[256];
    struct http_request rq = { .method = HTTP_GET, .url = url };
    cJSON *j;

    memset(res, 0, sizeof(*res));
    snprintf(url, sizeof(url), "%s%s", slack_sim_base_url(e->sim), path);
    assert_non_null(http_request(e->http, &rq, api_done, res));
    assert_true(slack_sim_wait(e->sim, api_finished, res, WAIT_MS));
    j = cJSON_Parse(res->body);
    free(res->body);
    res->body = NULL;
    return keep(e, j ? j : cJSON_CreateNull());
}

/* A Web API call with the bot token and a form body. */
static cJSON *
api(struct env *e, const char *method, const char *form)
{
    char path[128];
    struct api_res r;
    cJSON *j;

    snprintf(path, sizeof(path), "/api/%s", method);
    j = post(e, path, e->id->bot_token,
             "application/x-www-form-urlencoded", form ? form : "", &r);
    assert_int_equal(r.status, 200);
    return j;
}

static cJSON *
api_json(struct env *e, const char *method, const char *json)
{
    char path[128];
    struct api_res r;
    cJSON *j;

    snprintf(path, sizeof(path), "/api/%s", method);
    j = post(e, path, e->id->bot_token, "application/json; charset=utf-8",
             json, &r);
    assert_int_equal(r.status, 200);
    return j;
}

/* ---- websocket client ---- */

static void
cl_open(void *arg)
{
    ((struct client *)arg)->opened = true;
}

static void
cl_text(void *arg, const char *msg, size_t len)
{
    struct client *cl = arg;
    const cJSON *id;
    cJSON *j;

    if (cl->nmsg == MAX_MSGS)
        return;
    j = cJSON_ParseWithLength(msg, len);
    cl->raw[cl->nmsg] = xstrndup(msg, len);
    cl->msg[cl->nmsg] = j;
    cl->at[cl->nmsg] = loop_now_ms(cl->e->loop);
    cl->nmsg++;
    id = cJSON_GetObjectItemCaseSensitive(j, "envelope_id");
    if (cl->auto_ack && cJSON_IsString(id)) {
        char ack[128];
        int n = snprintf(ack, sizeof(ack), "{\"envelope_id\":\"%s\"}",
                         id->valuestring);

        ws_send_text(cl->c, ack, (size_t)n);
    }
}

static void
cl_pong(void *arg, const void *payload, size_t len)
{
    struct client *cl = arg;

    cl->pongs++;
    snprintf(cl->pong, sizeof(cl->pong), "%.*s", (int)len,
             (const char *)payload);
}

static void
cl_close(void *arg, int code, const char *reason)
{
    struct client *cl = arg;

    cl->closed = true;
    cl->close_code = code;
    snprintf(cl->reason, sizeof(cl->reason), "%s", reason);
}

static struct client *
connect_url(struct env *e, const char *url, size_t max_in)
{
    static const struct ws_callbacks cb = {
        .on_open = cl_open,
        .on_text = cl_text,
        .on_pong = cl_pong,
        .on_close = cl_close,
    };
    struct ws_conn_options o = { .max_message_in = max_in };
    struct client *cl = xcalloc(1, sizeof(*cl));

    cl->e = e;
    cl->close_code = -99;
    assert_true(e->nclients < sizeof(e->clients) / sizeof(*e->clients));
    e->clients[e->nclients++] = cl;
    cl->c = ws_connect(e->ws, url, &o, &cb, cl);
    assert_non_null(cl->c);
    return cl;
}

struct want_msgs {
    struct client *cl;
    size_t         n;
};

static bool
has_msgs(void *arg)
{
    struct want_msgs *w = arg;

    return w->cl->nmsg >= w->n;
}

static bool
wait_msgs(struct env *e, struct client *cl, size_t n, int ms)
{
    struct want_msgs w = { cl, n };

    return slack_sim_wait(e->sim, has_msgs, &w, ms);
}

static bool
is_closed(void *arg)
{
    return ((struct client *)arg)->closed;
}

static bool
conn_gone(void *arg)
{
    return !((const struct slack_sim_conn *)arg)->open;
}

/* The sim has seen the connection close (after the client did). */
static bool
wait_conn_closed(struct env *e, const struct slack_sim_conn *rec)
{
    return slack_sim_wait(e->sim, conn_gone, (void *)rec, WAIT_MS);
}

static bool
has_pong(void *arg)
{
    return ((struct client *)arg)->pongs > 0;
}

/* apps.connections.open with the app token; the ws URL. */
static void
conn_url(struct env *e, char *url, size_t n, bool debug)
{
    struct api_res r;
    cJSON *j = post(e, "/api/apps.connections.open", e->id->app_token,
                    NULL, debug ? "{\"debug_reconnects\":true}" : "", &r);

    assert_int_equal(r.status, 200);
    assert_true(jtrue(j, "ok"));
    snprintf(url, n, "%s", js(j, "url"));
}

/* A fresh socket that has received its hello (msg[0]). */
static struct client *
open_socket(struct env *e, bool auto_ack)
{
    char url[256];
    struct client *cl;

    conn_url(e, url, sizeof(url), false);
    cl = connect_url(e, url, 0);
    cl->auto_ack = auto_ack;
    assert_true(wait_msgs(e, cl, 1, WAIT_MS));
    assert_true(cl->opened);
    assert_string_equal(js(cl->msg[0], "type"), "hello");
    return cl;
}

static void
ack(struct client *cl, const char *envelope_id, const char *payload)
{
    char buf[1024];
    int n;

    if (payload)
        n = snprintf(buf, sizeof(buf),
                     "{\"envelope_id\":\"%s\",\"payload\":%s}", envelope_id,
                     payload);
    else
        n = snprintf(buf, sizeof(buf), "{\"envelope_id\":\"%s\"}",
                     envelope_id);
    assert_int_equal(ws_send_text(cl->c, buf, (size_t)n), 0);
}

static const struct slack_sim_user *
user(struct env *e, const char *name, const char *tz)
{
    const struct slack_sim_user *u = slack_sim_add_user(e->sim,
        &(struct slack_sim_user_spec){ .name = name, .tz = tz });

    assert_non_null(u);
    return u;
}

/* #general with the bot, alice and bob. */
static void
workspace(struct env *e)
{
    const char *members[] = { e->id->bot_user_id, "alice", "bob", NULL };

    user(e, "alice", "America/Los_Angeles");
    user(e, "bob", "Europe/Berlin");
    assert_non_null(slack_sim_add_channel(e->sim, "general", false,
                                          members));
}

/* ================= tests ================= */

static void
test_tokens_and_methods(void **state)
{
    struct env *e = env_new(NULL);
    struct api_res r;
    const struct slack_sim_call *c;
    char body[128];
    cJSON *j;

    (void)state;
    j = api(e, "auth.test", "");
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "user_id"), e->id->bot_user_id);
    assert_string_equal(js(j, "bot_id"), e->id->bot_id);
    assert_string_equal(js(j, "team_id"), e->id->team_id);
    assert_string_equal(js(j, "team"), "Chorus Sim");
    assert_string_equal(js(j, "url"), "https://chorus-sim.slack.com/");

    j = post(e, "/api/auth.test", NULL, NULL, "", &r);
    assert_int_equal(r.status, 200);
    assert_false(jtrue(j, "ok"));
    assert_string_equal(js(j, "error"), "not_authed");
    j = post(e, "/api/auth.test", "xoxb-wrong", NULL, "", &r);
    assert_string_equal(js(j, "error"), "invalid_auth");
    j = post(e, "/api/auth.test", e->id->app_token, NULL, "", &r);
    assert_string_equal(js(j, "error"), "not_allowed_token_type");
    /* A form token= works for bot methods; a JSON body needs the header. */
    snprintf(body, sizeof(body), "token=%s", e->id->bot_token);
    j = post(e, "/api/auth.test", NULL, "application/x-www-form-urlencoded",
             body, &r);
    assert_true(jtrue(j, "ok"));
    snprintf(body, sizeof(body), "{\"token\":\"%s\"}", e->id->bot_token);
    j = post(e, "/api/auth.test", NULL, "application/json", body, &r);
    assert_string_equal(js(j, "error"), "not_authed");

    /* apps.connections.open: the app token, in the header only. */
    j = post(e, "/api/apps.connections.open", e->id->bot_token, NULL, "",
             &r);
    assert_string_equal(js(j, "error"), "not_allowed_token_type");
    j = post(e, "/api/apps.connections.open", NULL, NULL, "", &r);
    assert_string_equal(js(j, "error"), "not_authed");
    snprintf(body, sizeof(body), "token=%s", e->id->app_token);
    j = post(e, "/api/apps.connections.open", NULL,
             "application/x-www-form-urlencoded", body, &r);
    assert_string_equal(js(j, "error"), "not_authed");
    j = post(e, "/api/apps.connections.open", e->id->app_token, NULL, "",
             &r);
    assert_true(jtrue(j, "ok"));
    snprintf(body, sizeof(body), "ws://127.0.0.1:%d/link/?ticket=",
             slack_sim_port(e->sim));
    assert_memory_equal(js(j, "url"), body, strlen(body));
    assert_non_null(strstr(js(j, "url"), "&app_id=A0CHORUS1"));

    j = api(e, "chat.postMessageX", "channel=C1&text=x");
    assert_string_equal(js(j, "error"), "unknown_method");

    /* The call log saw all of it, in order. */
    assert_int_equal(slack_sim_call_count(e->sim), 11);
    assert_int_equal(slack_sim_calls_of(e->sim, "auth.test"), 6);
    c = slack_sim_call_find(e->sim, "auth.test", 1);
    assert_non_null(c);
    assert_string_equal(c->error, "not_authed");
    assert_int_equal(c->status, 200);
    c = slack_sim_call_find(e->sim, "chat.postMessageX", -1);
    assert_non_null(c);
    assert_string_equal(slack_sim_call_arg(c, "channel"), "C1");
    assert_false(c->json_body);
    assert_string_equal(js(c->response, "error"), "unknown_method");
    c = slack_sim_call_find(e->sim, "auth.test", 4);
    assert_false(c->json_body);
    assert_null(c->error);
    c = slack_sim_call_find(e->sim, "auth.test", 5);
    assert_true(c->json_body);
    assert_string_equal(c->error, "not_authed");
    env_free(e);
}

static void
test_hello_and_tickets(void **state)
{
    struct slack_sim_options o = { .ticket_ttl_ms = 500 };
    struct env *e = env_new(&o);
    const struct slack_sim_conn *rec;
    struct client *a, *b, *again, *bogus, *late;
    char url[256], url2[300];

    (void)state;
    conn_url(e, url, sizeof(url), false);
    a = connect_url(e, url, 0);
    assert_true(wait_msgs(e, a, 1, WAIT_MS));
    assert_string_equal(js(a->msg[0], "type"), "hello");
    assert_int_equal(jnum(a->msg[0], "num_connections"), 1);
    assert_int_equal(jnum(a->msg[0], "debug_info.approximate_connection_time"),
                     18060);
    assert_string_equal(js(a->msg[0], "connection_info.app_id"),
                        e->id->app_id);
    assert_string_equal(js(a->msg[0], "debug_info.host"), "applink-sim-1");
    assert_int_equal(slack_sim_open_count(e->sim), 1);

    /* The same ticket twice: refused. */
    again = connect_url(e, url, 0);
    assert_true(slack_sim_wait(e->sim, is_closed, again, WAIT_MS));
    assert_false(again->opened);
    assert_int_equal(again->close_code, WS_CLOSE_NONE);
    rec = slack_sim_conn_at(e->sim, slack_sim_conn_count(e->sim) - 1);
    assert_true(rec->refused);
    assert_string_equal(rec->refused_reason, "used_ticket");

    snprintf(url2, sizeof(url2), "ws://127.0.0.1:%d/link/?ticket=nope",
             slack_sim_port(e->sim));
    bogus = connect_url(e, url2, 0);
    assert_true(slack_sim_wait(e->sim, is_closed, bogus, WAIT_MS));
    assert_false(bogus->opened);
    rec = slack_sim_conn_at(e->sim, slack_sim_conn_count(e->sim) - 1);
    assert_string_equal(rec->refused_reason, "invalid_ticket");

    /* debug_reconnects appended by the client. */
    conn_url(e, url, sizeof(url), false);
    snprintf(url2, sizeof(url2), "%s&debug_reconnects=true", url);
    b = connect_url(e, url2, 0);
    assert_true(wait_msgs(e, b, 1, WAIT_MS));
    assert_int_equal(jnum(b->msg[0], "num_connections"), 2);
    assert_int_equal(jnum(b->msg[0], "debug_info.approximate_connection_time"),
                     360);
    rec = slack_sim_conn_at(e->sim, slack_sim_conn_count(e->sim) - 1);
    assert_true(rec->debug_reconnects);
    assert_true(rec->open);
    assert_int_equal(rec->num_connections, 2);
    /* ... or asked of apps.connections.open. */
    conn_url(e, url, sizeof(url), true);
    assert_non_null(strstr(url, "&debug_reconnects=true"));

    /* Unused tickets expire. */
    conn_url(e, url, sizeof(url), false);
    slack_sim_run_for(e->sim, 700);
    late = connect_url(e, url, 0);
    assert_true(slack_sim_wait(e->sim, is_closed, late, WAIT_MS));
    assert_false(late->opened);
    rec = slack_sim_conn_at(e->sim, slack_sim_conn_count(e->sim) - 1);
    assert_string_equal(rec->refused_reason, "expired_ticket");
    assert_int_equal(slack_sim_open_count(e->sim), 2);
    env_free(e);
}

static void
test_ack_and_redelivery(void **state)
{
    struct slack_sim_options o = { .ack_timeout_ms = 200,
                                   .max_redeliveries = 2 };
    struct env *e = env_new(&o);
    struct slack_sim_push p, dm;
    const struct slack_sim_ack *k;
    const struct slack_sim_conn *rec;
    struct client *cl;
    const cJSON *m;
    char first[40];

    (void)state;
    workspace(e);
    cl = open_socket(e, false);
    assert_int_equal(slack_sim_push_message(e->sim, "alice", "#general",
                                            "hello bot", NULL, &p), 0);
    assert_true(wait_msgs(e, cl, 2, WAIT_MS));
    m = cl->msg[1];
    assert_string_equal(js(m, "type"), "events_api");
    assert_string_equal(js(m, "envelope_id"), p.envelope_id);
    assert_int_equal(jnum(m, "retry_attempt"), 0);
    assert_string_equal(js(m, "retry_reason"), "");
    assert_false(jtrue(m, "accepts_response_payload"));
    assert_string_equal(js(m, "payload.type"), "event_callback");
    assert_string_equal(js(m, "payload.event_id"), p.event_id);
    assert_string_equal(js(m, "payload.api_app_id"), e->id->app_id);
    assert_string_equal(js(m, "payload.event.type"), "message");
    assert_string_equal(js(m, "payload.event.channel_type"), "channel");
    assert_string_equal(js(m, "payload.event.text"), "hello bot");
    assert_string_equal(js(m, "payload.event.user"),
                        slack_sim_user(e->sim, "alice")->id);
    assert_string_equal(js(m, "payload.event.ts"), p.ts);
    assert_string_equal(js(m, "payload.event.channel"),
                        slack_sim_channel(e->sim, "general")->id);
    assert_string_equal(js(m, "payload.authorizations.0.user_id"),
                        e->id->bot_user_id);
    snprintf(first, sizeof(first), "%s", p.envelope_id);

    /* Not acked: the same event again, as a new envelope, after 200 ms. */
    assert_true(wait_msgs(e, cl, 3, WAIT_MS));
    m = cl->msg[2];
    assert_int_equal(jnum(m, "retry_attempt"), 1);
    assert_string_equal(js(m, "retry_reason"), "timeout");
    assert_string_equal(js(m, "payload.event_id"), p.event_id);
    assert_string_not_equal(js(m, "envelope_id"), first);
    assert_true(cl->at[2] - cl->at[1] >= 180);
    assert_int_equal(slack_sim_attempts(e->sim, first), 2);
    ack(cl, js(m, "envelope_id"), "{}");
    assert_true(slack_sim_wait_acks(e->sim, 1, WAIT_MS));
    k = slack_sim_ack_at(e->sim, 0);
    assert_string_equal(k->envelope_id, js(m, "envelope_id"));
    assert_string_equal(k->type, "events_api");
    assert_false(k->late);
    assert_false(k->duplicate);
    assert_true(cJSON_IsObject(k->payload));
    assert_true(slack_sim_envelope_at(e->sim, 1)->acked);
    assert_false(slack_sim_envelope_at(e->sim, 0)->acked);
    slack_sim_run_for(e->sim, 450);
    assert_int_equal(cl->nmsg, 3);          /* acked: no more retries */

    /* Never acked: 1 + max_redeliveries deliveries, then Slack gives up. */
    assert_int_equal(slack_sim_push_dm(e->sim, "bob", "psst", &dm), 0);
    assert_true(wait_msgs(e, cl, 6, WAIT_MS));
    assert_string_equal(js(cl->msg[3], "payload.event.channel_type"), "im");
    assert_int_equal(jnum(cl->msg[5], "retry_attempt"), 2);
    slack_sim_run_for(e->sim, 450);
    assert_int_equal(cl->nmsg, 6);
    assert_int_equal(slack_sim_attempts(e->sim, dm.envelope_id), 3);
    assert_non_null(strstr(buf_cstr(&e->obs), "never acked after 3"));
    assert_non_null(slack_sim_dm(e->sim, "bob"));

    /* A duplicate ack, an ack for nothing, and a frame that is no ack. */
    ack(cl, js(cl->msg[2], "envelope_id"), NULL);
    ack(cl, "00000000-0000-4000-8000-000000000000", NULL);
    assert_int_equal(ws_send_text(cl->c, "hello?", 6), 0);
    assert_true(slack_sim_wait_acks(e->sim, 3, WAIT_MS));
    slack_sim_run_for(e->sim, 100);
    assert_true(slack_sim_ack_at(e->sim, 1)->duplicate);
    assert_null(slack_sim_ack_at(e->sim, 1)->payload);
    assert_null(slack_sim_ack_at(e->sim, 2)->type);
    rec = slack_sim_conn_at(e->sim, 0);
    assert_int_equal(rec->bad_frames, 1);
    assert_int_equal(rec->frames_in, 4);
    env_free(e);
}

static void
test_slash_command_and_replies(void **state)
{
    struct slack_sim_options o = { .ack_timeout_ms = 300 };
    struct env *e = env_new(&o);
    const struct slack_sim_ephemeral *ep;
    const struct slack_sim_message *last;
    const struct slack_sim_call *c;
    struct slack_sim_push p, p2, p3;
    struct client *cl;
    struct api_res r;
    const cJSON *m;
    cJSON *j;
    char path[160];

    (void)state;
    workspace(e);
    cl = open_socket(e, false);
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign",
                                            "new spring-launch", &p), 0);
    assert_true(wait_msgs(e, cl, 2, WAIT_MS));
    m = cl->msg[1];
    assert_string_equal(js(m, "type"), "slash_commands");
    assert_true(jtrue(m, "accepts_response_payload"));
    assert_null(jget(m, "retry_attempt"));
    assert_string_equal(js(m, "payload.command"), "/campaign");
    assert_string_equal(js(m, "payload.text"), "new spring-launch");
    assert_string_equal(js(m, "payload.user_name"), "alice");
    assert_string_equal(js(m, "payload.channel_name"), "general");
    assert_string_equal(js(m, "payload.trigger_id"), p.trigger_id);
    assert_string_equal(js(m, "payload.response_url"), p.response_url);
    assert_string_equal(js(m, "payload.team_id"), e->id->team_id);

    /* The ack carries the immediate reply: only alice sees it. */
    ack(cl, p.envelope_id, "{\"text\":\"Creating spring-launch\"}");
    assert_true(slack_sim_wait_acks(e->sim, 1, WAIT_MS));
    assert_int_equal(slack_sim_ephemeral_count(e->sim), 1);
    ep = slack_sim_ephemeral_at(e->sim, 0);
    assert_string_equal(ep->text, "Creating spring-launch");
    assert_string_equal(ep->user, slack_sim_user(e->sim, "alice")->id);
    assert_string_equal(ep->source, "ack");
    assert_non_null(strstr(buf_cstr(&e->obs), "(only @alice sees) "
                                              "Creating spring-launch"));
    /* response_type in_channel: everyone sees it. */
    assert_int_equal(slack_sim_push_command(e->sim, "bob", "general",
                                            "/campaign", "status", &p2), 0);
    assert_true(wait_msgs(e, cl, 3, WAIT_MS));
    ack(cl, p2.envelope_id, "{\"text\":\"All good\","
                            "\"response_type\":\"in_channel\"}");
    assert_true(slack_sim_wait_acks(e->sim, 2, WAIT_MS));
    last = slack_sim_last_message(e->sim, "general");
    assert_string_equal(last->text, "All good");
    assert_string_equal(last->bot_id, e->id->bot_id);

    /* Too slow: timed out, and the late ack's reply is not shown. */
    assert_int_equal(slack_sim_push_command(e->sim, "bob", "general",
                                            "/campaign", "slow", &p3), 0);
    assert_true(wait_msgs(e, cl, 4, WAIT_MS));
    slack_sim_run_for(e->sim, 500);
    assert_int_equal(cl->nmsg, 4);          /* never redelivered */
    assert_true(slack_sim_envelope_at(e->sim, 2)->timed_out);
    assert_non_null(strstr(buf_cstr(&e->obs), "operation_timeout"));
    ack(cl, p3.envelope_id, "{\"text\":\"too late\"}");
    assert_true(slack_sim_wait_acks(e->sim, 3, WAIT_MS));
    assert_true(slack_sim_ack_at(e->sim, 2)->late);
    assert_int_equal(slack_sim_ephemeral_count(e->sim), 1);

    /* response_url: five uses, then used_url. */
    snprintf(path, sizeof(path), "%s",
             p.response_url + strlen(slack_sim_base_url(e->sim)));
    for (int i = 0; i < 5; i++) {
        j = post(e, path, NULL, "application/json",
                 "{\"text\":\"Done\",\"response_type\":\"ephemeral\"}", &r);
        assert_int_equal(r.status, 200);
        assert_true(jtrue(j, "ok"));
    }
    j = post(e, path, NULL, "application/json", "{\"text\":\"again\"}", &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(js(j, "error"), "used_url");
    assert_int_equal(slack_sim_ephemeral_count(e->sim), 6);
    assert_string_equal(slack_sim_ephemeral_at(e->sim, 5)->source,
                        "response_url");
    c = slack_sim_call_find(e->sim, "response_url", 0);
    assert_non_null(c);
    assert_string_equal(slack_sim_call_arg(c, "text"), "Done");
    env_free(e);
}

static void
test_rate_limit(void **state)
{
    struct slack_sim_options o = { .post_burst = 3,
                                   .post_interval_ms = 500 };
    struct env *e = env_new(&o);
    const struct slack_sim_call *c;
    struct api_res r;
    cJSON *j;

    (void)state;
    workspace(e);
    assert_non_null(slack_sim_add_channel(e->sim, "random", false, NULL));
    for (int i = 0; i < 3; i++)
        assert_true(jtrue(api(e, "chat.postMessage",
                              "channel=%23general&text=burst"), "ok"));
    j = post(e, "/api/chat.postMessage", e->id->bot_token, NULL,
             "channel=%23general&text=one+too+many", &r);
    assert_int_equal(r.status, 429);
    assert_string_equal(r.retry_after, "1");
    assert_false(jtrue(j, "ok"));
    assert_string_equal(js(j, "error"), "ratelimited");
    c = slack_sim_call_find(e->sim, "chat.postMessage", -1);
    assert_int_equal(c->status, 429);
    assert_int_equal(c->retry_after, 1);
    assert_false(c->injected);
    assert_int_equal(slack_sim_channel(e->sim, "general")->nmessages, 3);
    /* Per channel: #random is not limited by #general's burst. */
    assert_true(jtrue(api(e, "chat.postMessage",
                          "channel=%23random&text=elsewhere"), "ok"));
    slack_sim_run_for(e->sim, 600);
    assert_true(jtrue(api(e, "chat.postMessage",
                          "channel=%23general&text=later"), "ok"));
    assert_int_equal(slack_sim_channel(e->sim, "general")->nmessages, 4);
    env_free(e);
}

static void
test_conversations(void **state)
{
    struct env *e = env_new(NULL);
    const struct slack_sim_channel *ch;
    char form[512], name81[82], id[24], dm[24];
    cJSON *j;

    (void)state;
    workspace(e);
    user(e, "carol", NULL);
    j = api(e, "conversations.create", "name=spring-launch");
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "channel.name"), "spring-launch");
    assert_false(jtrue(j, "channel.is_private"));
    assert_true(jtrue(j, "channel.is_member"));
    assert_int_equal(js(j, "channel.id")[0], 'C');
    snprintf(id, sizeof(id), "%s", js(j, "channel.id"));
    assert_string_equal(js(api(e, "conversations.create",
                               "name=spring-launch"), "error"),
                        "name_taken");
    assert_string_equal(js(api(e, "conversations.create", "name=Spring"),
                           "error"), "invalid_name_specials");
    assert_string_equal(js(api(e, "conversations.create", "name=a+b"),
                           "error"), "invalid_name_specials");
    assert_string_equal(js(api(e, "conversations.create", "name="),
                           "error"), "invalid_name_required");
    assert_string_equal(js(api(e, "conversations.create", ""),
                           "error"), "invalid_name_required");
    assert_string_equal(js(api(e, "conversations.create", "name=--__"),
                           "error"), "invalid_name_punctuation");
    memset(name81, 'a', 81);
    name81[81] = '\0';
    snprintf(form, sizeof(form), "name=%s", name81);
    assert_string_equal(js(api(e, "conversations.create", form), "error"),
                        "invalid_name_maxlength");
    form[strlen(form) - 1] = '\0';      /* 80: fine */
    assert_true(jtrue(api(e, "conversations.create", form), "ok"));
    j = api_json(e, "conversations.create",
                 "{\"name\":\"vip-room\",\"is_private\":true}");
    assert_true(jtrue(j, "channel.is_private"));
    assert_true(slack_sim_channel(e->sim, "vip-room")->is_private);

    /* Invites: per-user errors; nothing happens unless all are good. */
    snprintf(form, sizeof(form), "channel=%s&users=%s,%s", id,
             slack_sim_user(e->sim, "alice")->id,
             slack_sim_user(e->sim, "bob")->id);
    j = api(e, "conversations.invite", form);
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "channel.id"), id);
    ch = slack_sim_channel(e->sim, id);
    assert_true(slack_sim_is_member(ch, slack_sim_user(e->sim, "alice")->id));
    assert_true(slack_sim_is_member(ch, slack_sim_user(e->sim, "bob")->id));
    snprintf(form, sizeof(form), "channel=%s&users=%s", id,
             slack_sim_user(e->sim, "alice")->id);
    j = api(e, "conversations.invite", form);
    assert_string_equal(js(j, "error"), "already_in_channel");
    assert_string_equal(js(j, "errors.0.error"), "already_in_channel");
    assert_string_equal(js(j, "errors.0.user"),
                        slack_sim_user(e->sim, "alice")->id);
    snprintf(form, sizeof(form), "channel=%s&users=%s,U0NOBODY,%s", id,
             slack_sim_user(e->sim, "carol")->id, e->id->bot_user_id);
    j = api(e, "conversations.invite", form);
    assert_false(jtrue(j, "ok"));
    assert_string_equal(js(j, "error"), "user_not_found");
    assert_int_equal(cJSON_GetArraySize(jget(j, "errors")), 2);
    assert_string_equal(js(j, "errors.0.user"), "U0NOBODY");
    assert_false(jtrue(j, "errors.0.ok"));
    assert_string_equal(js(j, "errors.1.error"), "cant_invite_self");
    assert_false(slack_sim_is_member(ch,
                                     slack_sim_user(e->sim, "carol")->id));
    strncat(form, "&force=true", sizeof(form) - strlen(form) - 1);
    j = api(e, "conversations.invite", form);
    assert_true(jtrue(j, "ok"));
    assert_true(slack_sim_is_member(ch, slack_sim_user(e->sim, "carol")->id));
    assert_null(jget(api(e, "conversations.invite", "users=U1"), "channel"));
    assert_non_null(slack_sim_add_channel(e->sim, "no-bot", false, NULL));
    snprintf(form, sizeof(form), "channel=%s&users=%s",
             slack_sim_channel(e->sim, "no-bot")->id,
             slack_sim_user(e->sim, "alice")->id);
    assert_string_equal(js(api(e, "conversations.invite", form), "error"),
                        "not_in_channel");

    /* DMs: opened once, then already_open. */
    snprintf(form, sizeof(form), "users=%s",
             slack_sim_user(e->sim, "alice")->id);
    j = api(e, "conversations.open", form);
    assert_true(jtrue(j, "ok"));
    assert_null(jget(j, "already_open"));
    assert_int_equal(js(j, "channel.id")[0], 'D');
    snprintf(dm, sizeof(dm), "%s", js(j, "channel.id"));
    j = api(e, "conversations.open", form);
    assert_true(jtrue(j, "already_open"));
    assert_true(jtrue(j, "no_op"));
    assert_string_equal(js(j, "channel.id"), dm);
    assert_string_equal(slack_sim_dm(e->sim, "alice")->id, dm);
    assert_string_equal(js(api(e, "conversations.open", "users=U0NOBODY"),
                           "error"), "user_not_found");
    assert_string_equal(js(api(e, "conversations.open", ""), "error"),
                        "users_list_not_supplied");

    /* Topic: 250 characters at most; it shows as a channel_topic post. */
    snprintf(form, sizeof(form), "channel=%s&topic=Launch+on+Friday", id);
    j = api(e, "conversations.setTopic", form);
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "channel.topic.value"), "Launch on Friday");
    assert_string_equal(ch->topic, "Launch on Friday");
    assert_string_equal(slack_sim_last_message(e->sim, id)->subtype,
                        "channel_topic");
    snprintf(form, sizeof(form), "channel=%s&topic=", id);
    for (int i = 0; i < 251; i++)
        strncat(form, "t", sizeof(form) - strlen(form) - 1);
    assert_string_equal(js(api(e, "conversations.setTopic", form), "error"),
                        "too_long");
    assert_string_equal(js(api(e, "conversations.setTopic",
                               "channel=C0NOPE&topic=x"), "error"),
                        "channel_not_found");

    /* Archived: nothing more is posted there; twice is already_archived. */
    snprintf(form, sizeof(form), "channel=%s", id);
    assert_true(jtrue(api(e, "conversations.archive", form), "ok"));
    assert_true(ch->is_archived);
    assert_string_equal(js(api(e, "conversations.archive", form), "error"),
                        "already_archived");
    snprintf(form, sizeof(form), "channel=%s&text=still+there%%3F", id);
    assert_string_equal(js(api(e, "chat.postMessage", form), "error"),
                        "is_archived");
    assert_string_equal(js(api(e, "conversations.archive",
                               "channel=C0NOPE"), "error"),
                        "channel_not_found");
    env_free(e);
}

/* chat.postMessage to #general: a button in each of two actions blocks,
 * "r" and block_id, the second's action_id given. */
static cJSON *
post_two_rows(struct env *e, const char *block_id, const char *action_id)
{
    struct buf b = BUF_INIT;
    cJSON *j;

    buf_adds(&b, "{\"channel\":\"general\",\"text\":\"x\",\"blocks\":[");
    for (int i = 0; i < 2; i++)
        buf_printf(&b, "%s{\"type\":\"actions\",\"block_id\":\"%s\","
                   "\"elements\":[{\"type\":\"button\",\"action_id\":"
                   "\"%s\",\"text\":{\"type\":\"plain_text\",\"text\":"
                   "\"%c\"}}]}", i ? "," : "", i ? block_id : "r",
                   i ? action_id : "a", 'A' + i);
    buf_adds(&b, "]}");
    j = api_json(e, "chat.postMessage", buf_cstr(&b));
    buf_free(&b);
    return j;
}

/* Buttons in rows: an actions block each, their block_ids unique (an
 * action_id need only be unique within its block). */
static void
test_blocks_in_rows(void **state)
{
    struct env *e = env_new(NULL);
    cJSON *j;

    (void)state;
    workspace(e);
    assert_true(jtrue(post_two_rows(e, "r.1", "a"), "ok"));
    j = post_two_rows(e, "r", "b");
    assert_string_equal(js(j, "error"), "invalid_blocks");
    assert_non_null(strstr(js(j, "response_metadata.messages.0"),
                           "/blocks/1/block_id"));
    env_free(e);
    /* As Slack shows them: a line per row; "(optional)" by an input's
     * label when it may be left empty. */
    cJSON *blocks = cJSON_Parse(
        "[{\"type\":\"actions\",\"elements\":[{\"type\":\"button\","
        "\"text\":{\"type\":\"plain_text\",\"text\":\"A\"}},{\"type\":"
        "\"button\",\"text\":{\"type\":\"plain_text\",\"text\":\"B\"}}]},"
        "{\"type\":\"actions\",\"elements\":[{\"type\":\"button\","
        "\"text\":{\"type\":\"plain_text\",\"text\":\"C\"}}]},"
        "{\"type\":\"input\",\"optional\":true,\"label\":{\"type\":"
        "\"plain_text\",\"text\":\"Note\"},\"element\":{}},"
        "{\"type\":\"input\",\"label\":{\"type\":\"plain_text\","
        "\"text\":\"Why\"},\"element\":{}}]");
    struct buf shown = BUF_INIT;
    slack_sim_render(NULL, blocks, &shown);
    assert_string_equal(buf_cstr(&shown),
                        "[A] [B]\n[C]\nNote (optional): ____\nWhy: ____");
    buf_free(&shown);
    cJSON_Delete(blocks);
}

static void
test_messages(void **state)
{
    struct env *e = env_new(NULL);
    const struct slack_sim_message *m;
    char form[512], ts[24], gen[24];
    struct buf big = BUF_INIT;
    cJSON *j;

    (void)state;
    workspace(e);
    user(e, "dave", NULL);
    snprintf(gen, sizeof(gen), "%s", slack_sim_channel(e->sim, "general")->id);

    snprintf(form, sizeof(form), "channel=%s&text=Kickoff+at+10", gen);
    j = api(e, "chat.postMessage", form);
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "channel"), gen);
    assert_string_equal(js(j, "message.text"), "Kickoff at 10");
    assert_string_equal(js(j, "message.bot_id"), e->id->bot_id);
    snprintf(ts, sizeof(ts), "%s", js(j, "ts"));
    assert_string_equal(js(j, "message.ts"), ts);

    /* Edits keep their history. */
    snprintf(form, sizeof(form), "channel=%s&ts=%s&text=Kickoff+at+11", gen,
             ts);
    j = api(e, "chat.update", form);
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "text"), "Kickoff at 11");
    m = slack_sim_message(e->sim, gen, ts);
    assert_string_equal(m->text, "Kickoff at 11");
    assert_int_equal(m->nedits, 1);
    assert_string_equal(m->edits[0].text, "Kickoff at 10");
    snprintf(form, sizeof(form), "channel=%s&ts=1.000001&text=x", gen);
    assert_string_equal(js(api(e, "chat.update", form), "error"),
                        "message_not_found");
    assert_string_equal(js(api(e, "chat.update",
                               "channel=C0NOPE&ts=1.1&text=x"), "error"),
                        "channel_not_found");

    /* Pins. */
    snprintf(form, sizeof(form), "channel=%s&timestamp=%s", gen, ts);
    assert_true(jtrue(api(e, "pins.add", form), "ok"));
    assert_true(m->pinned);
    assert_string_equal(js(api(e, "pins.add", form), "error"),
                        "already_pinned");
    snprintf(form, sizeof(form), "channel=%s&timestamp=1.000001", gen);
    assert_string_equal(js(api(e, "pins.add", form), "error"),
                        "message_not_found");

    /* Ephemeral: the user must be in the channel. */
    snprintf(form, sizeof(form), "channel=%s&user=%s&text=just+you", gen,
             slack_sim_user(e->sim, "alice")->id);
    j = api(e, "chat.postEphemeral", form);
    assert_true(jtrue(j, "ok"));
    assert_true(strlen(js(j, "message_ts")) > 10);
    snprintf(form, sizeof(form), "channel=%s&user=%s&text=just+you", gen,
             slack_sim_user(e->sim, "dave")->id);
    assert_string_equal(js(api(e, "chat.postEphemeral", form), "error"),
                        "user_not_in_channel");

    /* chat.postMessage checks. */
    snprintf(form, sizeof(form), "channel=%s", gen);
    assert_string_equal(js(api(e, "chat.postMessage", form), "error"),
                        "no_text");
    /* Slack's 4 000 characters of text (counted as characters: "é" is
     * one), for a new message and for an edit. */
    buf_printf(&big, "channel=%s&text=", gen);
    for (int i = 0; i < 4001; i++)
        buf_adds(&big, i ? "y" : "%C3%A9");
    assert_string_equal(js(api(e, "chat.postMessage", buf_cstr(&big)),
                           "error"), "msg_too_long");
    big.len--;      /* 4000 is fine */
    big.data[big.len] = '\0';
    assert_true(jtrue(api(e, "chat.postMessage", buf_cstr(&big)), "ok"));
    buf_reset(&big);
    buf_printf(&big, "channel=%s&ts=%s&text=", gen, ts);
    for (int i = 0; i < 4001; i++)
        buf_addc(&big, 'z');
    assert_string_equal(js(api(e, "chat.update", buf_cstr(&big)), "error"),
                        "msg_too_long");
    /* A section holds 3 000 characters. */
    buf_reset(&big);
    buf_printf(&big, "{\"channel\":\"%s\",\"text\":\"x\",\"blocks\":"
               "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\","
               "\"text\":\"", gen);
    for (int i = 0; i < 3001; i++)
        buf_addc(&big, 's');
    buf_adds(&big, "\"}}]}");
    assert_string_equal(js(api_json(e, "chat.postMessage", buf_cstr(&big)),
                           "error"), "invalid_blocks");
    buf_free(&big);
    snprintf(form, sizeof(form), "channel=%s&text=x&blocks=%%5B%%7B", gen);
    j = api(e, "chat.postMessage", form);
    assert_string_equal(js(j, "error"), "invalid_blocks");
    j = api_json(e, "chat.postMessage",
                 "{\"channel\":\"general\",\"text\":\"x\",\"blocks\":"
                 "[{\"type\":\"actions\",\"elements\":[{\"type\":\"button\","
                 "\"action_id\":\"a\",\"text\":{\"type\":\"plain_text\","
                 "\"text\":\"This label is far too long for any button: "
                 "Slack allows seventy-five characters and no more\"}}]}]}");
    assert_string_equal(js(j, "error"), "invalid_blocks");
    assert_non_null(strstr(js(j, "response_metadata.messages.0"),
                           "/blocks/0/elements/0/text"));
    j = api_json(e, "chat.postMessage",
                 "{\"channel\":\"general\",\"text\":\"x\",\"blocks\":"
                 "[{\"type\":\"actions\",\"elements\":[{\"type\":\"button\","
                 "\"action_id\":\"a\",\"style\":\"loud\",\"text\":{\"type\":"
                 "\"plain_text\",\"text\":\"Go\"}}]}]}");
    assert_string_equal(js(j, "error"), "invalid_blocks");
    assert_string_equal(js(api(e, "chat.postMessage",
                               "channel=C0NOPE&text=x"), "error"),
                        "channel_not_found");
    /* A private channel the bot is not in does not exist for it. */
    assert_non_null(slack_sim_add_channel(e->sim, "secret", true, NULL));
    assert_string_equal(js(api(e, "chat.postMessage",
                               "channel=secret&text=x"), "error"),
                        "channel_not_found");
    /* A user id posts into the bot's DM with that user. */
    snprintf(form, sizeof(form), "channel=%s&text=hi+bob",
             slack_sim_user(e->sim, "bob")->id);
    j = api(e, "chat.postMessage", form);
    assert_int_equal(js(j, "channel")[0], 'D');
    assert_string_equal(slack_sim_last_message(e->sim, js(j, "channel"))
                            ->text, "hi bob");
    env_free(e);
}

static void
test_users_info_zones(void **state)
{
    struct env *e = env_new(NULL);
    static const char *zones[] = { "America/Los_Angeles", "Asia/Kolkata",
                                   "Europe/Berlin" };
    struct local_time lt;
    char form[64], name[16];
    cJSON *j;

    (void)state;
    for (int i = 0; i < 3; i++) {
        const struct slack_sim_user *u;

        snprintf(name, sizeof(name), "u%d", i);
        u = user(e, name, zones[i]);
        snprintf(form, sizeof(form), "user=%s", u->id);
        j = api(e, "users.info", form);
        assert_true(jtrue(j, "ok"));
        assert_string_equal(js(j, "user.id"), u->id);
        assert_string_equal(js(j, "user.name"), name);
        assert_string_equal(js(j, "user.tz"), zones[i]);
        assert_int_equal(tz_to_local(zones[i], (int64_t)time(NULL) * 1000,
                                     &lt), CH_OK);
        assert_int_equal(jnum(j, "user.tz_offset"), lt.utc_offset);
        assert_string_equal(js(j, "user.tz_label"), lt.abbrev);
        assert_false(jtrue(j, "user.is_bot"));
    }
    assert_int_equal(jnum(j, "user.tz_offset") == 3600 ||
                     jnum(j, "user.tz_offset") == 7200, 1);
    j = api(e, "users.info", "user=U0SIM00002");
    assert_int_equal(jnum(j, "user.tz_offset"), 19800);
    assert_non_null(slack_sim_add_user(e->sim, &(struct slack_sim_user_spec){
        .id = "W012A3CDE", .name = "spengler", .real_name = "Egon Spengler",
        .tz = "America/Los_Angeles", .tz_label = "Pacific Daylight Time",
        .tz_offset = -25200 }));
    j = api(e, "users.info", "user=W012A3CDE");
    assert_string_equal(js(j, "user.real_name"), "Egon Spengler");
    assert_string_equal(js(j, "user.profile.real_name"), "Egon Spengler");
    assert_string_equal(js(j, "user.tz_label"), "Pacific Daylight Time");
    assert_int_equal(jnum(j, "user.tz_offset"), -25200);
    snprintf(form, sizeof(form), "user=%s", e->id->bot_user_id);
    assert_true(jtrue(api(e, "users.info", form), "user.is_bot"));
    assert_string_equal(js(api(e, "users.info", "user=U0NOBODY"), "error"),
                        "user_not_found");
    assert_string_equal(js(api(e, "users.info", "user=u0"), "error"),
                        "user_not_found");      /* names are not ids */
    assert_null(slack_sim_add_user(e->sim, &(struct slack_sim_user_spec){
        .name = "zed", .tz = "Mars/Olympus_Mons" }));
    assert_non_null(strstr(slack_sim_error(e->sim), "Mars/Olympus_Mons"));
    assert_null(slack_sim_add_user(e->sim, &(struct slack_sim_user_spec){
        .name = "u1" }));
    env_free(e);
}

static const char modal[] =
    "{\"type\":\"modal\",\"callback_id\":\"brief\","
    "\"title\":{\"type\":\"plain_text\",\"text\":\"Campaign brief\"},"
    "\"submit\":{\"type\":\"plain_text\",\"text\":\"Save\"},"
    "\"blocks\":[{\"type\":\"input\",\"block_id\":\"goal\",\"label\":"
    "{\"type\":\"plain_text\",\"text\":\"Goal\"},\"element\":{\"type\":"
    "\"plain_text_input\",\"action_id\":\"goal_text\"}},"
    "{\"type\":\"input\",\"block_id\":\"tier\",\"label\":{\"type\":"
    "\"plain_text\",\"text\":\"Tier\"},\"element\":{\"type\":"
    "\"static_select\",\"action_id\":\"tier_pick\",\"options\":[]}},"
    "{\"type\":\"input\",\"block_id\":\"note\",\"optional\":true,"
    "\"label\":{\"type\":\"plain_text\",\"text\":\"Note\"},\"element\":"
    "{\"type\":\"plain_text_input\",\"action_id\":\"note_text\"}}]}";

static cJSON *
views_open(struct env *e, const char *trigger)
{
    struct buf b = BUF_INIT;
    cJSON *j;

    buf_printf(&b, "{\"trigger_id\":\"%s\",\"view\":%s}", trigger, modal);
    j = api_json(e, "views.open", buf_cstr(&b));
    buf_free(&b);
    return j;
}

static void
test_interactions(void **state)
{
    struct slack_sim_options o = { .trigger_ttl_ms = 400 };
    struct env *e = env_new(&o);
    static const struct slack_sim_field fields[] = {
        { .block_id = "goal", .action_id = "goal_text",
          .value = "10k signups" },
        { .block_id = "tier", .action_id = "tier_pick", .value = "gold" },
    };
    struct slack_sim_push p, a, s;
    struct client *cl;
    const cJSON *m;
    char ts[24], view_id[24];
    cJSON *j;

    (void)state;
    workspace(e);
    cl = open_socket(e, true);
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign", "brief", &p), 0);
    j = views_open(e, p.trigger_id);
    assert_true(jtrue(j, "ok"));
    assert_int_equal(js(j, "view.id")[0], 'V');
    assert_string_equal(js(j, "view.callback_id"), "brief");
    snprintf(view_id, sizeof(view_id), "%s", js(j, "view.id"));
    assert_int_equal(slack_sim_view_count(e->sim), 1);
    assert_string_equal(slack_sim_view_at(e->sim, 0)->user,
                        slack_sim_user(e->sim, "alice")->id);
    assert_string_equal(js(views_open(e, p.trigger_id), "error"),
                        "exchanged_trigger_id");
    assert_string_equal(js(views_open(e, "123.456.abc"), "error"),
                        "invalid_trigger_id");
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign", "brief", &p), 0);
    slack_sim_run_for(e->sim, 500);
    assert_string_equal(js(views_open(e, p.trigger_id), "error"),
                        "expired_trigger_id");

    /* A button on a bot message. */
    j = api_json(e, "chat.postMessage",
                 "{\"channel\":\"general\",\"text\":\"needs approval\","
                 "\"blocks\":[{\"type\":\"section\",\"block_id\":"
                 "\"cmp.summary\",\"text\":{\"type\":\"mrkdwn\",\"text\":"
                 "\"*spring-launch* is ready\"}},{\"type\":\"actions\","
                 "\"block_id\":\"cmp.actions\",\"elements\":[{\"type\":"
                 "\"button\",\"action_id\":\"campaign.approve\",\"text\":"
                 "{\"type\":\"plain_text\",\"text\":\"Approve\"},\"style\":"
                 "\"primary\",\"value\":\"spring-launch\"}]}]}");
    assert_true(jtrue(j, "ok"));
    snprintf(ts, sizeof(ts), "%s", js(j, "ts"));
    assert_int_equal(slack_sim_push_action(e->sim, "bob", "general", ts,
                                           "campaign.approve", NULL, &a), 0);
    assert_true(wait_msgs(e, cl, 4, WAIT_MS));
    m = cl->msg[3];
    assert_string_equal(js(m, "type"), "interactive");
    assert_string_equal(js(m, "envelope_id"), a.envelope_id);
    assert_string_equal(js(m, "payload.type"), "block_actions");
    assert_string_equal(js(m, "payload.user.username"), "bob");
    assert_string_equal(js(m, "payload.actions.0.action_id"),
                        "campaign.approve");
    assert_string_equal(js(m, "payload.actions.0.block_id"), "cmp.actions");
    assert_string_equal(js(m, "payload.actions.0.value"), "spring-launch");
    assert_string_equal(js(m, "payload.actions.0.text.text"), "Approve");
    assert_string_equal(js(m, "payload.actions.0.style"), "primary");
    assert_string_equal(js(m, "payload.container.type"), "message");
    assert_string_equal(js(m, "payload.container.message_ts"), ts);
    assert_string_equal(js(m, "payload.message.ts"), ts);
    assert_string_equal(js(m, "payload.message.text"), "needs approval");
    assert_string_equal(js(m, "payload.trigger_id"), a.trigger_id);
    assert_string_equal(js(m, "payload.response_url"), a.response_url);
    assert_string_equal(js(m, "payload.channel.name"), "general");
    assert_true(jtrue(views_open(e, a.trigger_id), "ok"));
    assert_int_equal(slack_sim_push_action(e->sim, "bob", "general", ts,
                                           "campaign.nope", NULL, NULL), -1);
    assert_non_null(strstr(slack_sim_error(e->sim), "campaign.nope"));
    assert_int_equal(slack_sim_push_action(e->sim, "bob", "general",
                                           "1.000001", "campaign.approve",
                                           NULL, NULL), -1);

    /* The modal, submitted. */
    assert_int_equal(slack_sim_push_submission(e->sim, "alice", view_id,
                                               fields, 2, &s), 0);
    assert_true(wait_msgs(e, cl, 5, WAIT_MS));
    m = cl->msg[4];
    assert_string_equal(js(m, "payload.type"), "view_submission");
    assert_string_equal(js(m, "payload.view.id"), view_id);
    assert_string_equal(js(m, "payload.view.callback_id"), "brief");
    assert_string_equal(js(m, "payload.view.state.values.goal.goal_text."
                              "value"), "10k signups");
    assert_string_equal(js(m, "payload.view.state.values.tier.tier_pick."
                              "selected_option.value"), "gold");
    /* The optional input left alone is there, its value null. */
    assert_true(cJSON_IsNull(jget(m, "payload.view.state.values.note."
                                         "note_text.value")));
    assert_string_equal(js(m, "payload.view.state.values.note.note_text."
                              "type"), "plain_text_input");
    assert_string_equal(js(m, "payload.trigger_id"), s.trigger_id);
    assert_int_equal(slack_sim_push_submission(e->sim, "alice", "V0NOPE",
                                               fields, 2, NULL), -1);
    /* An input that is not optional, empty: Slack's client sends no form. */
    assert_int_equal(slack_sim_push_submission(e->sim, "alice", view_id,
                                               fields + 1, 1, NULL), -1);
    assert_non_null(strstr(slack_sim_error(e->sim), "goal"));
    /* "optional" is a boolean. */
    assert_int_equal(slack_sim_push_command(e->sim, "alice", "general",
                                            "/campaign", "brief", &p), 0);
    struct buf bad = BUF_INIT;
    buf_printf(&bad, "{\"trigger_id\":\"%s\",\"view\":{\"type\":"
               "\"modal\",\"title\":{\"type\":\"plain_text\",\"text\":"
               "\"T\"},\"blocks\":[{\"type\":\"input\",\"optional\":"
               "\"yes\",\"label\":{\"type\":\"plain_text\",\"text\":"
               "\"L\"},\"element\":{\"type\":\"plain_text_input\","
               "\"action_id\":\"t\"}}]}}", p.trigger_id);
    j = api_json(e, "views.open", buf_cstr(&bad));
    buf_free(&bad);
    assert_string_equal(js(j, "error"), "invalid_arguments");
    assert_non_null(strstr(js(j, "response_metadata.messages.0"),
                           "/blocks/0/optional"));
    env_free(e);
}

static void
test_refresh_sequence(void **state)
{
    struct slack_sim_options o = { .warning_delay_ms = 300,
                                   .refresh_close_ms = 200 };
    struct env *e = env_new(&o);
    struct slack_sim_push p1, p2;
    const struct slack_sim_envelope *env;
    struct client *cl, *next;
    int64_t t0;

    (void)state;
    workspace(e);
    cl = open_socket(e, true);
    t0 = loop_now_ms(e->loop);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 0, SLACK_SIM_FAULT_WARNING, NULL), 0);
    assert_true(wait_msgs(e, cl, 2, WAIT_MS));
    assert_string_equal(js(cl->msg[1], "type"), "disconnect");
    assert_string_equal(js(cl->msg[1], "reason"), "warning");
    assert_string_equal(js(cl->msg[1], "debug_info.host"), "applink-sim-1");
    /* Still in service between warning and refresh. */
    assert_int_equal(slack_sim_push_dm(e->sim, "alice", "during", &p1), 0);
    assert_true(wait_msgs(e, cl, 3, WAIT_MS));
    assert_string_equal(js(cl->msg[2], "envelope_id"), p1.envelope_id);
    assert_true(wait_msgs(e, cl, 4, WAIT_MS));
    assert_string_equal(js(cl->msg[3], "reason"), "refresh_requested");
    assert_true(cl->at[3] - t0 >= 280);
    /* After refresh_requested nothing more is sent to this socket. */
    assert_int_equal(slack_sim_push_dm(e->sim, "alice", "after", &p2), 0);
    assert_true(slack_sim_wait(e->sim, is_closed, cl, WAIT_MS));
    assert_int_equal(cl->close_code, 1000);
    assert_int_equal(cl->nmsg, 4);
    assert_true(slack_sim_conn_at(e->sim, 0)->closed_at_ms - t0 >= 480);
    assert_false(slack_sim_conn_at(e->sim, 0)->peer_closed);
    assert_string_equal(slack_sim_conn_at(e->sim, 0)->last_disconnect,
                        "refresh_requested");
    /* The queued envelope goes to the next socket, after its hello. */
    env = slack_sim_envelope_at(e->sim, 1);
    assert_int_equal(env->sent_at_ms, 0);
    next = open_socket(e, true);
    assert_true(wait_msgs(e, next, 2, WAIT_MS));
    assert_string_equal(js(next->msg[1], "envelope_id"), p2.envelope_id);
    assert_int_equal(env->conn_id, 2);
    assert_true(slack_sim_wait_acks(e->sim, 2, WAIT_MS));
    env_free(e);
}

static void
test_lifetime_refresh(void **state)
{
    struct slack_sim_options o = { .lifetime_ms = 300,
                                   .warning_delay_ms = 100,
                                   .refresh_close_ms = 100 };
    struct env *e = env_new(&o);
    struct client *cl;

    (void)state;
    cl = open_socket(e, true);
    assert_true(wait_msgs(e, cl, 3, WAIT_MS));
    assert_string_equal(js(cl->msg[1], "reason"), "warning");
    assert_string_equal(js(cl->msg[2], "reason"), "refresh_requested");
    assert_true(cl->at[1] - cl->at[0] >= 280);
    assert_true(slack_sim_wait(e->sim, is_closed, cl, WAIT_MS));
    assert_int_equal(cl->close_code, 1000);
    env_free(e);
}

static void
test_too_many_websockets(void **state)
{
    struct env *e = env_new(NULL);
    const struct slack_sim_conn *rec;
    struct client *cl[11];
    char url[256];

    (void)state;
    for (int i = 0; i < 10; i++) {
        cl[i] = open_socket(e, true);
        assert_int_equal(jnum(cl[i]->msg[0], "num_connections"), i + 1);
    }
    conn_url(e, url, sizeof(url), false);
    cl[10] = connect_url(e, url, 0);
    assert_true(slack_sim_wait(e->sim, is_closed, cl[10], WAIT_MS));
    assert_true(cl[10]->opened);
    assert_int_equal(cl[10]->nmsg, 1);
    assert_string_equal(js(cl[10]->msg[0], "type"), "disconnect");
    assert_string_equal(js(cl[10]->msg[0], "reason"), "too_many_websockets");
    assert_string_equal(js(cl[10]->msg[0], "connection_info.app_id"),
                        e->id->app_id);
    assert_int_equal(jnum(cl[10]->msg[0], "num_connections"), 10);
    assert_int_equal(cl[10]->close_code, 1000);
    rec = slack_sim_conn_at(e->sim, 10);
    assert_true(rec->refused);
    assert_string_equal(rec->refused_reason, "too_many_websockets");
    assert_false(rec->open);
    assert_int_equal(slack_sim_open_count(e->sim), 10);

    /* One leaves politely; there is room again. */
    ws_close(cl[3]->c, 1000, "bye");
    assert_true(slack_sim_wait(e->sim, is_closed, cl[3], WAIT_MS));
    rec = slack_sim_conn_at(e->sim, 3);
    assert_true(wait_conn_closed(e, rec));
    assert_true(rec->peer_closed);
    assert_int_equal(rec->close_code, 1000);
    assert_int_equal(slack_sim_open_count(e->sim), 9);
    cl[3] = open_socket(e, true);
    assert_int_equal(jnum(cl[3]->msg[0], "num_connections"), 10);
    env_free(e);
}

static void
test_socket_faults(void **state)
{
    struct slack_sim_options o = { .ping_interval_ms = 100 };
    struct env *e = env_new(&o);
    struct slack_sim_fault_args big = { .bytes = 100 * 1024 };
    struct slack_sim_fault_args code = { .code = 4000 };
    const struct slack_sim_conn *rec;
    struct client *a, *b, *small;
    char url[256];
    unsigned pings;

    (void)state;
    /* Server pings, answered by lws on the client side. */
    a = open_socket(e, true);
    slack_sim_run_for(e->sim, 350);
    rec = slack_sim_conn_at(e->sim, 0);
    assert_true(rec->pings_sent >= 2);
    assert_true(rec->pongs_received >= 2);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 1, SLACK_SIM_FAULT_STOP_PINGS, NULL),
        0);
    slack_sim_run_for(e->sim, 50);
    pings = rec->pings_sent;
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(rec->pings_sent, pings);
    /* Client pings are echoed... */
    assert_int_equal(ws_send_ping(a->c, "cli-1", 5), 0);
    assert_true(slack_sim_wait(e->sim, has_pong, a, WAIT_MS));
    assert_int_equal(a->pongs, 1);
    assert_string_equal(a->pong, "cli-1");

    /* Frames a bot must survive. */
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 1, SLACK_SIM_FAULT_MALFORMED, NULL), 0);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 1, SLACK_SIM_FAULT_UNKNOWN_TYPE, NULL),
        0);
    assert_int_equal(slack_sim_socket_inject(
                         e->sim, 1, SLACK_SIM_FAULT_MISSING_FIELDS, NULL),
                     0);
    assert_int_equal(slack_sim_socket_send_raw(e->sim, 1, "[1,2,3]", 7), 0);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 1, SLACK_SIM_FAULT_OVERSIZED, &big), 0);
    assert_true(wait_msgs(e, a, 6, WAIT_MS));
    assert_null(a->msg[1]);
    assert_string_equal(js(a->msg[2], "type"), "quantum_entanglement");
    assert_string_equal(js(a->msg[3], "type"), "events_api");
    assert_null(jget(a->msg[3], "envelope_id"));
    assert_null(jget(a->msg[3], "payload.event"));
    assert_string_equal(a->raw[4], "[1,2,3]");
    assert_int_equal(strlen(a->raw[5]), 100 * 1024);   /* in fragments */
    assert_string_equal(js(a->msg[5], "type"), "events_api");
    /* ...until the socket turns zombie. */
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 1, SLACK_SIM_FAULT_ZOMBIE, NULL), 0);
    slack_sim_run_for(e->sim, 100);
    assert_int_equal(ws_send_ping(a->c, "cli-2", 5), 0);
    slack_sim_run_for(e->sim, 300);
    assert_int_equal(a->pongs, 1);

    /* Too big for this client: it closes with 1009, the sim sees it. */
    conn_url(e, url, sizeof(url), false);
    small = connect_url(e, url, 64 * 1024);
    assert_true(wait_msgs(e, small, 1, WAIT_MS));
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 2, SLACK_SIM_FAULT_OVERSIZED, &big), 0);
    assert_true(slack_sim_wait(e->sim, is_closed, small, WAIT_MS));
    assert_int_equal(small->close_code, 1009);
    rec = slack_sim_conn_at(e->sim, 1);
    assert_true(wait_conn_closed(e, rec));
    assert_true(rec->peer_closed);
    assert_int_equal(rec->close_code, 1009);

    /* Dropped without a close frame; closed with a code; disabled. */
    b = open_socket(e, true);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 3, SLACK_SIM_FAULT_DROP, NULL), 0);
    assert_true(slack_sim_wait(e->sim, is_closed, b, WAIT_MS));
    assert_int_equal(b->close_code, WS_CLOSE_NONE);
    b = open_socket(e, true);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 4, SLACK_SIM_FAULT_CLOSE, &code), 0);
    assert_true(slack_sim_wait(e->sim, is_closed, b, WAIT_MS));
    assert_int_equal(b->close_code, 4000);
    b = open_socket(e, true);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 5, SLACK_SIM_FAULT_LINK_DISABLED, NULL),
        0);
    assert_true(slack_sim_wait(e->sim, is_closed, b, WAIT_MS));
    assert_string_equal(js(b->msg[1], "reason"), "link_disabled");
    assert_int_equal(b->close_code, 1000);
    b = open_socket(e, true);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 6, SLACK_SIM_FAULT_TOO_MANY, NULL), 0);
    assert_true(slack_sim_wait(e->sim, is_closed, b, WAIT_MS));
    assert_string_equal(js(b->msg[1], "reason"), "too_many_websockets");
    assert_true(wait_conn_closed(e, slack_sim_conn_at(e->sim, 5)));
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 42, SLACK_SIM_FAULT_DROP, NULL), -1);
    assert_int_equal(slack_sim_socket_fault_from_name("link_disabled"),
                     SLACK_SIM_FAULT_LINK_DISABLED);
    assert_string_equal(slack_sim_socket_fault_name(SLACK_SIM_FAULT_ZOMBIE),
                        "zombie");
    env_free(e);
}

/* A zombie socket eats an event; the retry goes to the live socket. */
static void
test_zombie_redelivery(void **state)
{
    struct slack_sim_options o = { .ack_timeout_ms = 300 };
    struct env *e = env_new(&o);
    struct slack_sim_push p[2];
    const struct slack_sim_envelope *env;
    struct client *a, *b;
    int on_a = -1;

    (void)state;
    workspace(e);
    a = open_socket(e, true);
    b = open_socket(e, true);
    assert_int_equal(
        slack_sim_socket_inject(e->sim, 1, SLACK_SIM_FAULT_ZOMBIE, NULL), 0);
    slack_sim_run_for(e->sim, 50);
    for (int i = 0; i < 2; i++)
        assert_int_equal(slack_sim_push_message(e->sim, "alice", "general",
                                                "ping", NULL, &p[i]), 0);
    for (int i = 0; i < 2; i++)
        if (slack_sim_envelope_at(e->sim, (size_t)i)->conn_id == 1)
            on_a = i;
    assert_true(on_a >= 0);     /* round robin used both sockets */
    assert_true(slack_sim_wait_acks(e->sim, 2, WAIT_MS));
    assert_int_equal(slack_sim_envelope_count(e->sim), 3);
    env = slack_sim_envelope_at(e->sim, 2);
    assert_int_equal(env->conn_id, 2);
    assert_int_equal(env->attempt, 1);
    assert_string_equal(env->event_id, p[on_a].event_id);
    assert_true(env->acked);
    assert_int_equal(a->nmsg, 1);           /* only its hello got through */
    assert_int_equal(b->nmsg, 3);
    env_free(e);
}

static void
test_method_faults(void **state)
{
    struct env *e = env_new(NULL);
    struct api_res r;
    char url[256];
    cJSON *j;

    (void)state;
    workspace(e);
    slack_sim_api_fail_method(
        e->sim, &(struct slack_sim_method_fault){.method = "chat.postMessage",
                                                 .count = 2,
                                                 .status = 429,
                                                 .retry_after = 7});
    slack_sim_api_fail_method(
        e->sim, &(struct slack_sim_method_fault){.method = "chat.postMessage",
                                                 .status = 503});
    slack_sim_api_fail_method(
        e->sim, &(struct slack_sim_method_fault){.method = "users.info",
                                                 .error = "account_inactive"});
    for (int i = 0; i < 2; i++) {
        j = post(e, "/api/chat.postMessage", e->id->bot_token, NULL,
                 "channel=general&text=x", &r);
        assert_int_equal(r.status, 429);
        assert_string_equal(r.retry_after, "7");
        assert_string_equal(js(j, "error"), "ratelimited");
    }
    j = post(e, "/api/chat.postMessage", e->id->bot_token, NULL,
             "channel=general&text=x", &r);
    assert_int_equal(r.status, 503);
    assert_string_equal(js(j, "error"), "internal_error");
    assert_true(slack_sim_call_find(e->sim, "chat.postMessage", -1)
                    ->injected);
    assert_true(jtrue(api(e, "chat.postMessage", "channel=general&text=x"),
                      "ok"));
    assert_string_equal(js(api(e, "users.info", "user=U0CHORUSBT"), "error"),
                        "account_inactive");
    assert_true(jtrue(api(e, "users.info", "user=U0CHORUSBT"), "ok"));

    /* apps.connections.open failures. */
    slack_sim_api_fail_method(e->sim, &(struct slack_sim_method_fault){
                                          .method = "apps.connections.open",
                                          .error = "invalid_auth"});
    slack_sim_api_fail_method(e->sim, &(struct slack_sim_method_fault){
                                          .method = "apps.connections.open",
                                          .error = "account_inactive"});
    slack_sim_api_fail_method(e->sim, &(struct slack_sim_method_fault){
                                          .method = "apps.connections.open",
                                          .status = 429,
                                          .retry_after = 3});
    j = post(e, "/api/apps.connections.open", e->id->app_token, NULL, "",
             &r);
    assert_string_equal(js(j, "error"), "invalid_auth");
    j = post(e, "/api/apps.connections.open", e->id->app_token, NULL, "",
             &r);
    assert_string_equal(js(j, "error"), "account_inactive");
    j = post(e, "/api/apps.connections.open", e->id->app_token, NULL, "",
             &r);
    assert_int_equal(r.status, 429);
    assert_string_equal(r.retry_after, "3");
    conn_url(e, url, sizeof(url), false);
    /* "*": any method. */
    slack_sim_api_fail_method(
        e->sim, &(struct slack_sim_method_fault){.method = "*", .status = 500});
    j = post(e, "/api/auth.test", e->id->bot_token, NULL, "", &r);
    assert_int_equal(r.status, 500);
    assert_true(jtrue(api(e, "auth.test", ""), "ok"));
    env_free(e);
}

static void
test_redeliver_now(void **state)
{
    struct env *e = env_new(NULL);
    struct slack_sim_push p;
    struct client *cl;

    (void)state;
    workspace(e);
    cl = open_socket(e, true);
    assert_int_equal(slack_sim_push_mention(e->sim, "bob", "general",
                                            "status please", &p), 0);
    assert_true(slack_sim_wait_acks(e->sim, 1, WAIT_MS));
    assert_string_equal(js(cl->msg[1], "payload.event.type"), "app_mention");
    assert_string_equal(js(cl->msg[1], "payload.event.text"),
                        "<@U0CHORUSBT> status please");
    assert_int_equal(slack_sim_socket_redeliver(e->sim, p.envelope_id), 0);
    assert_true(wait_msgs(e, cl, 3, WAIT_MS));
    assert_int_equal(jnum(cl->msg[2], "retry_attempt"), 1);
    assert_string_equal(js(cl->msg[2], "retry_reason"), "timeout");
    assert_string_equal(js(cl->msg[2], "payload.event_id"), p.event_id);
    assert_string_not_equal(js(cl->msg[2], "envelope_id"), p.envelope_id);
    assert_true(slack_sim_wait_acks(e->sim, 2, WAIT_MS));
    assert_int_equal(slack_sim_socket_redeliver(e->sim, "nope"), -1);
    env_free(e);
}

/* Pushed before any socket: held, then delivered after the hello. */
static void
test_queue_until_connected(void **state)
{
    struct slack_sim_options o = { .echo_own_messages = true };
    struct env *e = env_new(&o);
    struct slack_sim_push p;
    struct client *cl;

    (void)state;
    workspace(e);
    assert_int_equal(slack_sim_push_dm(e->sim, "alice", "early", &p), 0);
    assert_int_equal(slack_sim_envelope_at(e->sim, 0)->sent_at_ms, 0);
    cl = open_socket(e, true);
    assert_true(wait_msgs(e, cl, 2, WAIT_MS));
    assert_string_equal(js(cl->msg[1], "envelope_id"), p.envelope_id);
    /* A channel without the bot: the message is stored, no event. */
    assert_non_null(slack_sim_add_channel(e->sim, "quiet", false, NULL));
    assert_int_equal(slack_sim_push_message(e->sim, "bob", "quiet", "psst",
                                            NULL, &p), 0);
    assert_string_equal(p.envelope_id, "");
    assert_string_equal(slack_sim_last_message(e->sim, "quiet")->text,
                        "psst");
    /* echo_own_messages: the bot's own post comes back as an event. */
    assert_true(jtrue(api(e, "chat.postMessage",
                          "channel=general&text=mine"), "ok"));
    assert_true(wait_msgs(e, cl, 3, WAIT_MS));
    assert_string_equal(js(cl->msg[2], "payload.event.bot_id"),
                        e->id->bot_id);
    assert_string_equal(js(cl->msg[2], "payload.event.text"), "mine");
    env_free(e);
}

static void
test_control_http(void **state)
{
    struct env *e = env_new(NULL);
    struct api_res r;
    struct client *cl;
    const cJSON *ch;
    cJSON *j;
    bool found = false;

    (void)state;
    cl = open_socket(e, true);
    j = post(e, "/_sim/users", NULL, "application/json",
             "{\"name\":\"erin\",\"tz\":\"Europe/Paris\"}", &r);
    assert_int_equal(r.status, 200);
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(j, "id"), slack_sim_user(e->sim, "erin")->id);
    j = post(e, "/_sim/channels", NULL, "application/json",
             "{\"name\":\"launch\",\"members\":[\"erin\",\"U0CHORUSBT\"]}",
             &r);
    assert_true(jtrue(j, "ok"));
    j = post(e, "/_sim/push/command", NULL, "application/json",
             "{\"user\":\"erin\",\"channel\":\"launch\",\"command\":"
             "\"/campaign\",\"text\":\"help\"}", &r);
    assert_true(jtrue(j, "ok"));
    assert_true(wait_msgs(e, cl, 2, WAIT_MS));
    assert_string_equal(js(cl->msg[1], "envelope_id"), js(j, "envelope_id"));
    assert_string_equal(js(cl->msg[1], "payload.text"), "help");
    j = post(e, "/_sim/push/dm", NULL, "application/json",
             "{\"user\":\"nobody\",\"text\":\"x\"}", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(js(j, "error"), "nobody"));
    j = post(e, "/_sim/fault", NULL, "application/json",
             "{\"fault\":\"nope\"}", &r);
    assert_int_equal(r.status, 400);
    j = post(e, "/_sim/fail_method", NULL, "application/json",
             "{\"method\":\"auth.test\",\"error\":\"token_revoked\"}", &r);
    assert_true(jtrue(j, "ok"));
    assert_string_equal(js(api(e, "auth.test", ""), "error"),
                        "token_revoked");
    j = get(e, "/_sim/state", &r);
    assert_int_equal(r.status, 200);
    cJSON_ArrayForEach(ch, jget(j, "channels"))
        if (strcmp(js(ch, "name"), "launch") == 0) {
            found = true;
            assert_int_equal(cJSON_GetArraySize(jget(ch, "members")), 2);
        }
    assert_true(found);
    assert_true(jtrue(j, "connections.0.open"));
    j = get(e, "/_sim/calls?method=auth.test", &r);
    assert_int_equal(cJSON_GetArraySize(jget(j, "calls")), 1);
    assert_string_equal(js(j, "calls.0.response.error"), "token_revoked");
    j = get(e, "/_sim/acks", &r);
    assert_int_equal(cJSON_GetArraySize(jget(j, "acks")), 1);
    j = get(e, "/_sim/envelopes", &r);
    assert_string_equal(js(j, "envelopes.0.type"), "slash_commands");
    j = post(e, "/_sim/fault", NULL, "application/json",
             "{\"fault\":\"link_disabled\",\"conn\":1}", &r);
    assert_true(jtrue(j, "ok"));
    assert_true(slack_sim_wait(e->sim, is_closed, cl, WAIT_MS));
    get(e, "/_sim/nothing", &r);
    assert_int_equal(r.status, 404);
    get(e, "/elsewhere", &r);
    assert_int_equal(r.status, 404);
    env_free(e);
}

static void
test_observer_lines(void **state)
{
    struct env *e = env_new(NULL);
    char form[256], ts[24];
    const char *log;
    cJSON *j;

    (void)state;
    workspace(e);
    j = api(e, "conversations.create", "name=spring-launch");
    snprintf(form, sizeof(form), "channel=%s&text=Kickoff+Friday",
             js(j, "channel.id"));
    j = api(e, "chat.postMessage", form);
    snprintf(ts, sizeof(ts), "%s", js(j, "ts"));
    snprintf(form, sizeof(form), "channel=%s&ts=%s&text=Kickoff+Monday",
             js(j, "channel"), ts);
    api(e, "chat.update", form);
    snprintf(form, sizeof(form), "channel=%s&timestamp=%s", js(j, "channel"),
             ts);
    api(e, "pins.add", form);
    snprintf(form, sizeof(form), "channel=%s&topic=Spring!",
             js(j, "channel"));
    api(e, "conversations.setTopic", form);
    snprintf(form, sizeof(form), "channel=%s&text=Your+turn",
             slack_sim_user(e->sim, "alice")->id);
    api(e, "chat.postMessage", form);
    log = buf_cstr(&e->obs);
    assert_non_null(strstr(log, "created public channel #spring-launch"));
    assert_non_null(strstr(log, "#spring-launch     chorus: Kickoff "
                                "Friday\n"));
    assert_non_null(strstr(log, "chorus: (edited "));
    assert_non_null(strstr(log, "Kickoff Monday"));
    assert_non_null(strstr(log, "chorus: pinned: Kickoff Monday"));
    assert_non_null(strstr(log, "chorus: set the topic: Spring!"));
    assert_non_null(strstr(log, "@alice (DM)        chorus: Your turn"));
    env_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens_and_methods),
        cmocka_unit_test(test_hello_and_tickets),
        cmocka_unit_test(test_ack_and_redelivery),
        cmocka_unit_test(test_slash_command_and_replies),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_conversations),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_blocks_in_rows),
        cmocka_unit_test(test_users_info_zones),
        cmocka_unit_test(test_interactions),
        cmocka_unit_test(test_refresh_sequence),
        cmocka_unit_test(test_lifetime_refresh),
        cmocka_unit_test(test_too_many_websockets),
        cmocka_unit_test(test_socket_faults),
        cmocka_unit_test(test_zombie_redelivery),
        cmocka_unit_test(test_method_faults),
        cmocka_unit_test(test_redeliver_now),
        cmocka_unit_test(test_queue_until_connected),
        cmocka_unit_test(test_control_http),
        cmocka_unit_test(test_observer_lines),
    };

    if (getenv("CHORUS_TEST_DEBUG"))
        log_set_level(LOG_DEBUG);
    else
        log_set_level(LOG_WARN);
    if (getenv("CHORUS_TEST_FILTER"))
        cmocka_set_test_filter(getenv("CHORUS_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
