/*
 * test_discord_sim: the Discord simulator (adapters/sim/discord_sim*), driven
 * by raw clients from adapters/runtime (ws.h, http.h) in the same process
 * and on the same loop, as a test of the real daemon will drive it.
 *
 * Each test builds an environment (loop, ws context, sim on an ephemeral
 * port, http client), runs the loop in steps with discord_sim_wait() until
 * what it expects happened, and asserts between steps, never inside a
 * callback.  The cmocka teardown frees the environment even after a failed
 * assertion.  Timeouts are generous for valgrind; a passing run is quick.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "http.h"
#include "ws.h"
#include "loop.h"
#include "buf.h"
#include "log.h"
#include "xmalloc.h"
#include "discord_sim.h"

#define WAIT_MS   10000     /* for things that must happen */
#define QUIET_MS  300       /* for things that must not */
#define MAX_FRAMES 512
#define NCLIENTS  8

/* ================= environment ================= */

struct tc {
    struct env     *e;
    struct ws_conn *c;
    bool            open;
    bool            closed;
    int             close_code;
    char            close_reason[128];
    char           *raw[MAX_FRAMES];
    cJSON          *json[MAX_FRAMES];
    int             n;
};

struct env {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct http        *http;
    struct discord_sim *sim;
    char                api[128];
    char                token[64];
    char                app[32];
    char                guild[32];
    char                general[32];
    struct tc           tcs[NCLIENTS];
    int                 ntcs;
    struct buf          observed;
};

static void
observe(void *arg, const struct discord_sim_event *ev)
{
    struct env *e = arg;

    discord_sim_event_format(ev, &e->observed);
    buf_addc(&e->observed, '\n');
}

static struct env *
env_new(void **state, const struct discord_sim_options *opts)
{
    struct env *e = xcalloc(1, sizeof(*e));
    /* Tests run many requests per route: large default buckets, except
     * where a test asks for Discord's. */
    struct discord_sim_options o = {
        .heartbeat_interval_ms = 45000,
        .identify_interval_ms = -1,
        .message_content_enabled = true,
        .topic_edit_limit = -1,
        .default_limit = 1000,
    };

    *state = e;
    if (opts)
        o = *opts;
    buf_init(&e->observed, 0);
    e->loop = loop_new();
    assert_non_null(e->loop);
    e->ws = ws_ctx_new(e->loop, NULL);
    assert_non_null(e->ws);
    e->sim = discord_sim_new(e->loop, e->ws, &o);
    assert_non_null(e->sim);
    e->http = http_new(e->loop, NULL);
    assert_non_null(e->http);
    discord_sim_set_observer(e->sim, observe, e);
    snprintf(e->api, sizeof(e->api), "%s", discord_sim_api_base(e->sim));
    snprintf(e->token, sizeof(e->token), "%s", discord_sim_token(e->sim));
    snprintf(e->app, sizeof(e->app), "%s", discord_sim_app_id(e->sim));
    snprintf(e->guild, sizeof(e->guild), "%s",
             discord_sim_guild_id(e->sim));
    snprintf(e->general, sizeof(e->general), "%s",
             discord_sim_channel_by_name(e->sim, "general"));
    return e;
}

/* Free every client (tests that go through many connections). */
static void
tcs_recycle(struct env *e)
{
    for (int i = 0; i < e->ntcs; i++) {
        struct tc *t = &e->tcs[i];

        ws_free(t->c);
        for (int k = 0; k < t->n; k++) {
            free(t->raw[k]);
            cJSON_Delete(t->json[k]);
        }
        memset(t, 0, sizeof(*t));
    }
    e->ntcs = 0;
}

static int
env_teardown(void **state)
{
    struct env *e = *state;

    if (!e)
        return 0;
    tcs_recycle(e);
    http_free(e->http);
    discord_sim_free(e->sim);
    ws_ctx_shutdown(e->ws);
    loop_stop(e->loop);
    loop_run(e->loop);
    ws_ctx_free(e->ws);
    loop_free(e->loop);
    buf_free(&e->observed);
    free(e);
    *state = NULL;
    return 0;
}

/* ================= a raw gateway client ================= */

static void
tc_on_open(void *arg)
{
    ((struct tc *)arg)->open = true;
}

static void
tc_on_text(void *arg, const char *msg, size_t len)
{
    struct tc *t = arg;

    if (t->n == MAX_FRAMES)
        return;
    t->raw[t->n] = xstrndup(msg, len);
    t->json[t->n] = cJSON_ParseWithLength(msg, len);
    t->n++;
}

static void
tc_on_close(void *arg, int code, const char *reason)
{
    struct tc *t = arg;

    t->closed = true;
    t->open = false;
    t->close_code = code;
    snprintf(t->close_reason, sizeof(t->close_reason), "%s", reason);
}

static const struct ws_callbacks tc_cbs = {
    .on_open = tc_on_open,
    .on_text = tc_on_text,
    .on_close = tc_on_close,
};

static bool
tc_is_open(struct discord_sim *sim, void *arg)
{
    (void)sim;
    return ((struct tc *)arg)->open || ((struct tc *)arg)->closed;
}

static bool
tc_is_closed(struct discord_sim *sim, void *arg)
{
    (void)sim;
    return ((struct tc *)arg)->closed;
}

/* Connect to url (NULL: the gateway URL with ?v=10&encoding=json). */
static struct tc *
tc_connect(struct env *e, const char *url)
{
    struct tc *t;
    char buf[256];
    struct ws_conn_options o = { .max_message_out = 1 << 16 };

    assert_true(e->ntcs < NCLIENTS);
    t = &e->tcs[e->ntcs++];
    t->e = e;
    if (!url) {
        snprintf(buf, sizeof(buf), "%s?v=10&encoding=json",
                 discord_sim_gateway_url(e->sim));
        url = buf;
    }
    t->c = ws_connect(e->ws, url, &o, &tc_cbs, t);
    assert_non_null(t->c);
    assert_true(discord_sim_wait(e->sim, tc_is_open, t, WAIT_MS));
    assert_true(t->open);
    return t;
}

static void
tc_send(struct tc *t, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    assert_int_equal(ws_send_text(t->c, buf_cstr(&b), b.len), 0);
    buf_free(&b);
}

struct frame_want {
    struct tc  *t;
    int         op;
    const char *ev;     /* dispatch type, NULL: any */
    int         from;
    int         found;
};

static int
tc_find(struct tc *t, int op, const char *ev, int from)
{
    for (int i = from; i < t->n; i++) {
        const cJSON *j = t->json[i];
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "op");
        const cJSON *ty = cJSON_GetObjectItemCaseSensitive(j, "t");

        if (!cJSON_IsNumber(o) || (op >= 0 && o->valueint != op))
            continue;
        if (ev && !(cJSON_IsString(ty) && strcmp(ty->valuestring, ev) == 0))
            continue;
        return i;
    }
    return -1;
}

static bool
frame_seen(struct discord_sim *sim, void *arg)
{
    struct frame_want *w = arg;

    (void)sim;
    w->found = tc_find(w->t, w->op, w->ev, w->from);
    return w->found >= 0 || w->t->closed;
}

/* Wait for a frame with op (and type ev) at index >= *from; returns it and
 * moves *from past it.  Fails the test on timeout or close. */
static const cJSON *
tc_wait(struct tc *t, int op, const char *ev, int *from)
{
    struct frame_want w = { t, op, ev, from ? *from : 0, -1 };

    discord_sim_wait(t->e->sim, frame_seen, &w, WAIT_MS);
    if (w.found < 0)
        fail_msg("no frame op %d %s (closed %d, code %d)", op,
                 ev ? ev : "", t->closed, t->close_code);
    if (from)
        *from = w.found + 1;
    return t->json[w.found];
}

static const cJSON *
jget(const cJSON *o, const char *path)
{
    char key[64];

    /* "d.user.id" style lookups; numeric segments index arrays. */
    while (o && *path) {
        size_t n = strcspn(path, ".");

        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        if (cJSON_IsArray(o) && key[0] >= '0' && key[0] <= '9')
            o = cJSON_GetArrayItem(o, (int)strtol(key, NULL, 10));
        else
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        path += n;
        if (*path == '.')
            path++;
    }
    return o;
}

static const char *
jstr(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);

    return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static double
jnum(const cJSON *o, const char *path)
{
    const cJSON *v = jget(o, path);

    return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static void
tc_wait_closed(struct tc *t)
{
    assert_true(discord_sim_wait(t->e->sim, tc_is_closed, t, WAIT_MS));
}

static void
tc_identify_raw(struct tc *t, const char *token, long intents)
{
    tc_send(t, "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":%ld,"
               "\"properties\":{\"os\":\"linux\",\"browser\":\"chorus\","
               "\"device\":\"chorus\"}}}",
            token, intents);
}

/* Connect, Hello, Identify, READY: returns the client; READY's d in
 * *ready if asked. */
static struct tc *
tc_session(struct env *e, long intents, const cJSON **ready)
{
    struct tc *t = tc_connect(e, NULL);
    const cJSON *r;
    int at = 0;

    tc_wait(t, 10, NULL, &at);
    tc_identify_raw(t, e->token, intents);
    r = tc_wait(t, 0, "READY", &at);
    if (ready)
        *ready = r;
    return t;
}

static long
last_seq(const struct tc *t)
{
    long s = -1;

    for (int i = 0; i < t->n; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(t->json[i], "s");

        if (cJSON_IsNumber(v))
            s = (long)v->valuedouble;
    }
    return s;
}

/* ================= a raw REST client ================= */

struct tresp {
    bool   done;
    long   status;
    cJSON *json;
    char   body[512];
    char   limit[16], remaining[16], reset[32], reset_after[16];
    char   bucket[48], retry_after[16], scope[16], global[16];
};

static void
hcopy(char *dst, size_t n, const struct http_response *res,
      const char *name)
{
    const char *v = http_response_header(res, name);

    snprintf(dst, n, "%s", v ? v : "");
}

static void
tresp_done(void *arg, const struct http_response *res)
{
    struct tresp *r = arg;

    r->done = true;
    r->status = res->status;
    r->json = cJSON_ParseWithLength(res->body, res->body_len);
    snprintf(r->body, sizeof(r->body), "%s", res->body);
    hcopy(r->limit, sizeof(r->limit), res, "X-RateLimit-Limit");
    hcopy(r->remaining, sizeof(r->remaining), res, "X-RateLimit-Remaining");
    hcopy(r->reset, sizeof(r->reset), res, "X-RateLimit-Reset");
    hcopy(r->reset_after, sizeof(r->reset_after), res,
          "X-RateLimit-Reset-After");
    hcopy(r->bucket, sizeof(r->bucket), res, "X-RateLimit-Bucket");
    hcopy(r->retry_after, sizeof(r->retry_after), res, "Retry-After");
    hcopy(r->scope, sizeof(r->scope), res, "X-RateLimit-Scope");
    hcopy(r->global, sizeof(r->global), res, "X-RateLimit-Global");
}

static bool
tresp_is_done(struct discord_sim *sim, void *arg)
{
    (void)sim;
    return ((struct tresp *)arg)->done;
}

static void
tresp_clear(struct tresp *r)
{
    cJSON_Delete(r->json);
    memset(r, 0, sizeof(*r));
}

enum auth {
    AUTH_BOT,
    AUTH_NONE,
    AUTH_WRONG,
};

/* One request, run to completion; path is under the API base unless it
 * starts with "http".  r is cleared first. */
static void
treq(struct env *e, struct tresp *r, enum http_method m, enum auth auth,
     const char *path, const char *body)
{
    char url[512], authz[128];
    const char *hdrs[4] = { "User-Agent: DiscordBot (chorus-test, 0.1)" };
    struct http_request rq = {
        .method = m,
        .url = url,
        .headers = hdrs,
        .body = body,
        .body_len = body ? strlen(body) : 0,
    };

    tresp_clear(r);
    if (strncmp(path, "http", 4) == 0)
        snprintf(url, sizeof(url), "%s", path);
    else
        snprintf(url, sizeof(url), "%s%s", e->api, path);
    if (auth != AUTH_NONE) {
        snprintf(authz, sizeof(authz), "Authorization: Bot %s",
                 auth == AUTH_BOT ? e->token : "nope");
        hdrs[1] = authz;
    }
    assert_non_null(http_request(e->http, &rq, tresp_done, r));
    assert_true(discord_sim_wait(e->sim, tresp_is_done, r, WAIT_MS));
}

static void
treqf(struct env *e, struct tresp *r, enum http_method m, const char *body,
      const char *fmt, ...)
{
    char path[384];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof(path), fmt, ap);
    va_end(ap);
    treq(e, r, m, AUTH_BOT, path, body);
}

static const char *
add_user(struct env *e, const char *name)
{
    const char *id = discord_sim_add_user(e->sim,
        &(struct discord_sim_user){ .username = name });

    assert_non_null(id);
    return id;
}

/* ================= tests: REST basics ================= */

static void
test_gateway_bot_and_auth(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = -1, .message_content_enabled = true });
    struct tresp r = { 0 };
    struct discord_sim_stats st;
    char want[128];
    size_t i;

    treq(e, &r, HTTP_GET, AUTH_BOT, "/gateway/bot", NULL);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof(want), "ws://127.0.0.1:%d/gateway",
             discord_sim_port(e->sim));
    assert_string_equal(jstr(r.json, "url"), want);
    assert_int_equal(jnum(r.json, "shards"), 1);
    assert_int_equal(jnum(r.json, "session_start_limit.total"), 1000);
    assert_int_equal(jnum(r.json, "session_start_limit.remaining"), 1000);
    assert_int_equal(jnum(r.json, "session_start_limit.max_concurrency"), 1);
    assert_true(jnum(r.json, "session_start_limit.reset_after") > 0);
    /* Rate-limit headers on every 2xx. */
    assert_string_equal(r.limit, "5");
    assert_string_equal(r.remaining, "4");
    assert_true(strlen(r.bucket) == 32);
    assert_true(strtod(r.reset_after, NULL) > 0);
    assert_true(strtod(r.reset, NULL) > 1.7e9);

    treq(e, &r, HTTP_GET, AUTH_NONE, "/gateway/bot", NULL);
    assert_int_equal(r.status, 401);
    assert_string_equal(jstr(r.json, "message"), "401: Unauthorized");
    assert_int_equal(jnum(r.json, "code"), 0);
    treq(e, &r, HTTP_GET, AUTH_WRONG, "/users/@me", NULL);
    assert_int_equal(r.status, 401);
    /* GET /gateway needs no token; /api without v10 works too. */
    treq(e, &r, HTTP_GET, AUTH_NONE, "/gateway", NULL);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof(want), "http://127.0.0.1:%d/api/users/@me",
             discord_sim_port(e->sim));
    treq(e, &r, HTTP_GET, AUTH_BOT, want, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "id"), e->app);
    assert_true(cJSON_IsTrue(jget(r.json, "bot")));
    treq(e, &r, HTTP_GET, AUTH_BOT, "/oauth2/applications/@me", NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "id"), e->app);
    assert_int_equal(jnum(r.json, "flags"), 1 << 18);
    /* Unknown routes, wrong methods, unknown users, bad snowflakes. */
    treq(e, &r, HTTP_GET, AUTH_BOT, "/nope", NULL);
    assert_int_equal(r.status, 404);
    treq(e, &r, HTTP_DELETE, AUTH_BOT, "/gateway/bot", NULL);
    assert_int_equal(r.status, 405);
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/123456789012345678", NULL);
    assert_int_equal(r.status, 404);
    assert_int_equal(jnum(r.json, "code"), 10013);
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/abc", NULL);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50035);
    snprintf(want, sizeof(want), "http://127.0.0.1:%d/api/v9/users/@me",
             discord_sim_port(e->sim));
    treq(e, &r, HTTP_GET, AUTH_BOT, want, NULL);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50041);

    discord_sim_stats(e->sim, &st);
    assert_int_equal(st.http_401, 2);
    assert_int_equal(st.invalid_requests, 2);
    assert_int_equal(st.rest_calls, 11);
    i = discord_sim_rest_find(e->sim, "GET", "/gateway/bot", 1);
    assert_int_equal(i, 1);
    assert_false(discord_sim_rest_get(e->sim, i)->authorized);
    assert_string_equal(discord_sim_rest_get(e->sim, 0)->user_agent,
                        "DiscordBot (chorus-test, 0.1)");
    tresp_clear(&r);
}

/* ================= tests: gateway ================= */

static void
test_hello_heartbeat(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .heartbeat_interval_ms = 1234, .identify_interval_ms = -1 });
    struct tc *t;
    const cJSON *f;
    struct discord_sim_conn_info ci;
    size_t gi;
    int at = 0;

    /* Both URL forms: "/gateway?v=10" and "/gateway/?v=10". */
    t = tc_connect(e, NULL);
    f = tc_wait(t, 10, NULL, &at);
    assert_int_equal(jnum(f, "d.heartbeat_interval"), 1234);
    assert_true(cJSON_IsNull(jget(f, "s")));
    assert_true(cJSON_IsNull(jget(f, "t")));
    /* Heartbeats before Identify are fine, with d null or 0. */
    tc_send(t, "{\"op\":1,\"d\":null}");
    tc_wait(t, 11, NULL, &at);
    tc_send(t, "{\"op\":1,\"d\":0}");
    tc_wait(t, 11, NULL, &at);
    assert_true(discord_sim_conn_last(e->sim, &ci));
    assert_int_equal(ci.heartbeats, 2);
    assert_int_equal(ci.acks, 2);
    assert_false(ci.identified);
    gi = discord_sim_wait_gw(e->sim, 1, 0, WAIT_MS);
    assert_true(gi != SIZE_MAX);
    assert_true(cJSON_IsNull(discord_sim_gw_get(e->sim, gi)->d));

    {
        char url[128];
        struct tc *t2;

        snprintf(url, sizeof(url), "ws://127.0.0.1:%d/gateway/?v=10&"
                 "encoding=json", discord_sim_port(e->sim));
        t2 = tc_connect(e, url);
        at = 0;
        tc_wait(t2, 10, NULL, &at);
        /* v=9 is refused with 4012, compression with 4000. */
        snprintf(url, sizeof(url), "ws://127.0.0.1:%d/?v=9&encoding=json",
                 discord_sim_port(e->sim));
        t2 = tc_connect(e, url);
        tc_wait_closed(t2);
        assert_int_equal(t2->close_code, 4012);
        snprintf(url, sizeof(url), "ws://127.0.0.1:%d/gateway?v=10&"
                 "encoding=json&compress=zlib-stream",
                 discord_sim_port(e->sim));
        t2 = tc_connect(e, url);
        tc_wait_closed(t2);
        assert_int_equal(t2->close_code, 4000);
    }
}

static void
test_identify_ready_guild_create(void **state)
{
    struct env *e = env_new(state, NULL);
    const cJSON *ready, *g, *chans;
    struct tc *t;
    struct tresp r = { 0 };
    struct discord_sim_stats st;
    char want[128];
    int at = 0;

    /* Enough channels that GUILD_CREATE spans several frames. */
    for (int i = 0; i < 40; i++) {
        char name[32];

        snprintf(name, sizeof(name), "room-%02d-with-a-long-name", i);
        assert_non_null(discord_sim_add_channel(e->sim,
            &(struct discord_sim_channel_spec){
                .type = DISCORD_SIM_CHANNEL_TEXT, .name = name,
                .topic = "a topic that makes the guild payload longer" }));
    }
    t = tc_session(e, 37377, &ready);
    assert_int_equal(jnum(ready, "op"), 0);
    assert_int_equal(jnum(ready, "s"), 1);
    assert_int_equal(jnum(ready, "d.v"), 10);
    assert_string_equal(jstr(ready, "d.user.id"), e->app);
    assert_true(cJSON_IsTrue(jget(ready, "d.user.bot")));
    assert_string_equal(jstr(ready, "d.guilds.0.id"), e->guild);
    assert_true(cJSON_IsTrue(jget(ready, "d.guilds.0.unavailable")));
    assert_int_equal(strlen(jstr(ready, "d.session_id")), 32);
    snprintf(want, sizeof(want), "ws://127.0.0.1:%d/gateway-resume",
             discord_sim_port(e->sim));
    assert_string_equal(jstr(ready, "d.resume_gateway_url"), want);
    assert_string_equal(jstr(ready, "d.application.id"), e->app);
    assert_int_equal(jnum(ready, "d.application.flags"), 1 << 18);

    g = tc_wait(t, 0, "GUILD_CREATE", &at);
    assert_int_equal(jnum(g, "s"), 2);
    assert_true(strlen(t->raw[at - 1]) > 8000);
    assert_string_equal(jstr(g, "d.id"), e->guild);
    chans = jget(g, "d.channels");
    assert_int_equal(cJSON_GetArraySize(chans), 42);
    assert_string_equal(jstr(chans, "1.name"), "general");
    assert_string_equal(jstr(chans, "1.parent_id"), jstr(chans, "0.id"));
    assert_int_equal(jnum(chans, "0.type"), 4);
    assert_true(cJSON_IsArray(jget(chans, "1.permission_overwrites")));
    assert_string_equal(jstr(g, "d.members.0.user.id"), e->app);

    /* remaining counts Identify calls. */
    treq(e, &r, HTTP_GET, AUTH_BOT, "/gateway/bot", NULL);
    assert_int_equal(jnum(r.json, "session_start_limit.remaining"), 999);
    discord_sim_stats(e->sim, &st);
    assert_int_equal(st.identifies, 1);
    assert_int_equal(st.ready, 1);
    assert_int_equal(st.session_start_remaining, 999);
    assert_non_null(strstr(buf_cstr(&e->observed), "identified"));
    tresp_clear(&r);
}

/* Each row: what to send after Hello, the close code expected. */
struct ident_case {
    const char *name;
    const char *first;      /* sent first (may be NULL) */
    const char *payload;    /* then this; %s = token */
    int         code;
    bool        content_off;
};

static void
test_identify_errors(void **state)
{
    static const struct ident_case cases[] = {
        { .name = "bad token", .code = 4004,
          .payload = "{\"op\":2,\"d\":{\"token\":\"wrong\",\"intents\":1,"
                     "\"properties\":{}}}" },
        { .name = "unknown intent bit", .code = 4013,
          .payload = "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":"
                     "1073741824,\"properties\":{}}}" },
        { .name = "privileged intent off", .code = 4014,
          .content_off = true,
          .payload = "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":37377,"
                     "\"properties\":{}}}" },
        { .name = "second identify", .code = 4005,
          .first = "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":1,"
                   "\"properties\":{}}}",
          .payload = "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":1,"
                     "\"properties\":{}}}" },
        { .name = "presence before identify", .code = 4003,
          .payload = "{\"op\":3,\"d\":{\"status\":\"online\"}}" },
        { .name = "unknown opcode", .code = 4001,
          .payload = "{\"op\":5,\"d\":null}" },
        { .name = "invalid json", .code = 4002, .payload = "{\"op\":1," },
        { .name = "no op", .code = 4002, .payload = "[1,2,3]" },
        { .name = "bad shard", .code = 4010,
          .payload = "{\"op\":2,\"d\":{\"token\":\"%s\",\"intents\":1,"
                     "\"properties\":{},\"shard\":[2,2]}}" },
    };
    struct env *e = env_new(state, NULL);

    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const struct ident_case *c = &cases[i];
        struct discord_sim_conn_info ci;
        struct tc *t;
        int at = 0;

        discord_sim_set_message_content(e->sim, !c->content_off);
        if (e->ntcs == NCLIENTS)
            tcs_recycle(e);
        t = tc_connect(e, NULL);
        tc_wait(t, 10, NULL, &at);
        if (c->first) {
            tc_send(t, c->first, e->token);
            tc_wait(t, 0, "READY", &at);
        }
        tc_send(t, c->payload, e->token);
        tc_wait_closed(t);
        if (t->close_code != c->code)
            fail_msg("%s: close %d, want %d", c->name, t->close_code,
                     c->code);
        assert_true(discord_sim_conn_last(e->sim, &ci));
        assert_int_equal(ci.close_sent, c->code);
        assert_int_equal(ci.close_received, -1);
    }
    discord_sim_set_message_content(e->sim, true);
    /* Payloads over 4096 bytes: 4002, even when valid JSON. */
    {
        struct buf big = BUF_INIT;
        struct tc *t;
        int at = 0;

        tcs_recycle(e);
        buf_adds(&big, "{\"op\":1,\"d\":null,\"pad\":\"");
        for (int k = 0; k < 5000; k++)
            buf_addc(&big, 'x');
        buf_adds(&big, "\"}");
        t = tc_connect(e, NULL);
        tc_wait(t, 10, NULL, &at);
        assert_int_equal(ws_send_text(t->c, buf_cstr(&big), big.len), 0);
        buf_free(&big);
        tc_wait_closed(t);
        assert_int_equal(t->close_code, 4002);
    }
}

/* Close the client politely with code and wait until the sim saw it. */
static void
tc_close(struct tc *t, int code)
{
    struct discord_sim_conn_info ci;

    ws_close(t->c, code, "test");
    tc_wait_closed(t);
    assert_true(discord_sim_conn_last(t->e->sim, &ci));
    assert_true(discord_sim_wait_conn_closed(t->e->sim, ci.id, WAIT_MS));
}

static struct tc *
tc_resume(struct env *e, const char *session, long seq)
{
    char url[160];
    struct tc *t;
    int at = 0;

    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/gateway-resume?v=10&"
             "encoding=json", discord_sim_port(e->sim));
    t = tc_connect(e, url);
    tc_wait(t, 10, NULL, &at);
    tc_send(t, "{\"op\":6,\"d\":{\"token\":\"%s\",\"session_id\":\"%s\","
               "\"seq\":%ld}}", e->token, session, seq);
    return t;
}

static void
test_resume_replay(void **state)
{
    struct env *e = env_new(state, NULL);
    const char *alice = add_user(e, "alice");
    const cJSON *ready, *f;
    struct tc *t1, *t2;
    struct discord_sim_stats st;
    struct discord_sim_conn_info ci;
    char session[64];
    long seq;
    int at = 0;

    t1 = tc_session(e, 37377, &ready);
    snprintf(session, sizeof(session), "%s", jstr(ready, "d.session_id"));
    tc_wait(t1, 0, "GUILD_CREATE", &at);
    assert_non_null(discord_sim_post(e->sim, alice, e->general, "one"));
    f = tc_wait(t1, 0, "MESSAGE_CREATE", &at);
    assert_string_equal(jstr(f, "d.content"), "one");
    seq = last_seq(t1);
    assert_int_equal(seq, 3);
    /* A close with a non-1000 code keeps the session resumable; events
     * that happen meanwhile are kept for the replay. */
    tc_close(t1, 4000);
    assert_non_null(discord_sim_post(e->sim, alice, e->general, "two"));
    assert_non_null(discord_sim_post(e->sim, alice, e->general, "three"));

    t2 = tc_resume(e, session, seq);
    at = 0;
    f = tc_wait(t2, 0, "MESSAGE_CREATE", &at);
    assert_string_equal(jstr(f, "d.content"), "two");
    assert_int_equal(jnum(f, "s"), 4);
    f = tc_wait(t2, 0, "MESSAGE_CREATE", &at);
    assert_string_equal(jstr(f, "d.content"), "three");
    assert_int_equal(jnum(f, "s"), 5);
    f = tc_wait(t2, 0, "RESUMED", &at);
    assert_int_equal(jnum(f, "s"), 6);
    assert_int_equal(tc_find(t2, 0, "READY", 0), -1);
    /* The resumed session gets new events. */
    assert_non_null(discord_sim_post(e->sim, alice, e->general, "four"));
    f = tc_wait(t2, 0, "MESSAGE_CREATE", &at);
    assert_int_equal(jnum(f, "s"), 7);
    assert_true(discord_sim_conn_last(e->sim, &ci));
    assert_true(ci.resume_url);
    assert_true(ci.resumed);
    assert_false(ci.identified);
    assert_string_equal(ci.session_id, session);
    discord_sim_stats(e->sim, &st);
    assert_int_equal(st.identifies, 1);
    assert_int_equal(st.resumes, 1);
    assert_int_equal(st.resumed, 1);
    assert_true(discord_sim_wait_resumed(e->sim, 1, 0));

    /* A seq the session never reached: 4007, and the session is gone. */
    tc_close(t2, 4000);
    t2 = tc_resume(e, session, 99);
    tc_wait_closed(t2);
    assert_int_equal(t2->close_code, 4007);
    t2 = tc_resume(e, session, 7);
    at = 0;
    f = tc_wait(t2, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
    /* Unknown session: op 9 false. */
    ws_close(t2->c, 1000, "bye");
    t2 = tc_resume(e, "0123456789abcdef0123456789abcdef", 1);
    at = 0;
    f = tc_wait(t2, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
    ws_close(t2->c, 1000, "bye");
}

static void
test_resume_after_1000_and_expiry(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = -1, .resume_window_ms = 200,
        .message_content_enabled = true });
    const cJSON *ready, *f;
    struct tc *t;
    char session[64];
    int at = 0;

    /* 1000 from the client ends the session. */
    t = tc_session(e, 513, &ready);
    snprintf(session, sizeof(session), "%s", jstr(ready, "d.session_id"));
    tc_close(t, 1000);
    t = tc_resume(e, session, 1);
    f = tc_wait(t, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
    ws_close(t->c, 1000, "bye");
    /* A drop keeps it, but only for resume_window_ms. */
    t = tc_session(e, 513, &ready);
    snprintf(session, sizeof(session), "%s", jstr(ready, "d.session_id"));
    tc_close(t, 4000);
    discord_sim_run_for(e->sim, 400);
    t = tc_resume(e, session, 1);
    at = 0;
    f = tc_wait(t, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
}

static void
test_reconnect_invalid_session(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = -1, .reconnect_drop_ms = 100,
        .message_content_enabled = true });
    const cJSON *ready, *f;
    struct tc *t;
    char session[64];
    int at = 0;

    /* op 7, then the sim drops the socket if the client does not. */
    t = tc_session(e, 513, &ready);
    snprintf(session, sizeof(session), "%s", jstr(ready, "d.session_id"));
    assert_int_equal(discord_sim_gateway_reconnect(e->sim), 1);
    f = tc_wait(t, 7, NULL, &at);
    assert_true(cJSON_IsNull(jget(f, "d")));
    tc_wait_closed(t);
    assert_int_equal(t->close_code, WS_CLOSE_NONE);
    t = tc_resume(e, session, last_seq(t));
    at = 0;
    tc_wait(t, 0, "RESUMED", &at);

    /* op 9 true: still resumable. */
    assert_int_equal(discord_sim_gateway_invalid_session(e->sim, true), 1);
    f = tc_wait(t, 9, NULL, &at);
    assert_true(cJSON_IsTrue(jget(f, "d")));
    tc_close(t, 4000);
    t = tc_resume(e, session, 3);
    at = 0;
    tc_wait(t, 0, "RESUMED", &at);
    /* op 9 false: gone. */
    assert_int_equal(discord_sim_gateway_invalid_session(e->sim, false), 1);
    f = tc_wait(t, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
    tc_close(t, 4000);
    t = tc_resume(e, session, 4);
    at = 0;
    f = tc_wait(t, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
}

static void
test_close_codes(void **state)
{
    /* Close codes: resume after 4000-4003, 4005,
     * 4008; a new session after 4007, 4009; stop on 4004, 4010-4014. */
    static const struct {
        int  code;
        bool resumable;
        bool reconnect;
    } want[] = {
        { 1000, false, true }, { 1001, false, true }, { 4000, true, true },
        { 4001, true, true }, { 4002, true, true }, { 4003, true, true },
        { 4004, false, false }, { 4005, true, true }, { 4007, false, true },
        { 4008, true, true }, { 4009, false, true }, { 4010, false, false },
        { 4011, false, false }, { 4012, false, false },
        { 4013, false, false }, { 4014, false, false },
    };
    struct env *e = env_new(state, NULL);

    for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
        const struct discord_sim_gateway_close_code *cc =
            discord_sim_gateway_close_code(want[i].code);
        const cJSON *ready;
        struct tc *t;
        char session[64];
        int at = 0;

        assert_non_null(cc);
        assert_int_equal(cc->resumable, want[i].resumable);
        assert_int_equal(cc->reconnect, want[i].reconnect);
        if (e->ntcs + 2 > NCLIENTS)
            tcs_recycle(e);
        t = tc_session(e, 513, &ready);
        snprintf(session, sizeof(session), "%s",
                 jstr(ready, "d.session_id"));
        assert_int_equal(discord_sim_gateway_close(e->sim, want[i].code, NULL),
                         1);
        tc_wait_closed(t);
        assert_int_equal(t->close_code, want[i].code);
        assert_string_equal(t->close_reason, cc->name);
        /* Whether the session survives. */
        t = tc_resume(e, session, 1);
        if (want[i].resumable)
            tc_wait(t, 0, "RESUMED", &at);
        else
            assert_true(cJSON_IsFalse(jget(tc_wait(t, 9, NULL, &at), "d")));
        tc_close(t, 1000);
    }
    assert_null(discord_sim_gateway_close_code(4006)); /* not in v10 */
}

static void
test_drop_zombie_heartbeat_request(void **state)
{
    struct env *e = env_new(state, NULL);
    const cJSON *ready;
    struct tc *t;
    struct discord_sim_conn_info ci;
    char session[64];
    int at = 0, acks;

    t = tc_session(e, 513, &ready);
    snprintf(session, sizeof(session), "%s", jstr(ready, "d.session_id"));
    /* Server-requested heartbeat. */
    assert_int_equal(discord_sim_gateway_request_heartbeat(e->sim), 1);
    tc_wait(t, 1, NULL, &at);
    /* Zombie: heartbeats are no longer ACKed. */
    tc_send(t, "{\"op\":1,\"d\":2}");
    tc_wait(t, 11, NULL, &at);
    assert_int_equal(discord_sim_gateway_zombie(e->sim, true), 1);
    tc_send(t, "{\"op\":1,\"d\":2}");
    discord_sim_run_for(e->sim, QUIET_MS);
    acks = 0;
    for (int i = 0; i < t->n; i++)
        acks += jnum(t->json[i], "op") == 11;
    assert_int_equal(acks, 1);
    assert_true(discord_sim_conn_last(e->sim, &ci));
    assert_int_equal(ci.heartbeats, 2);
    assert_int_equal(ci.acks, 1);
    /* Silent drop: no close frame, the session stays resumable. */
    assert_int_equal(discord_sim_gateway_drop(e->sim), 1);
    tc_wait_closed(t);
    assert_int_equal(t->close_code, WS_CLOSE_NONE);
    assert_true(discord_sim_conn_last(e->sim, &ci));
    assert_true(ci.dropped);
    t = tc_resume(e, session, 2);
    at = 0;
    tc_wait(t, 0, "RESUMED", &at);
    /* A new connection ACKs again. */
    tc_send(t, "{\"op\":1,\"d\":3}");
    tc_wait(t, 11, NULL, &at);
}

static void
test_heartbeat_timeout(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .heartbeat_interval_ms = 150, .heartbeat_timeout_ms = 100,
        .identify_interval_ms = -1, .message_content_enabled = true });
    const cJSON *ready;
    struct tc *t;
    char session[64];
    int at = 0;

    t = tc_session(e, 513, &ready);
    snprintf(session, sizeof(session), "%s", jstr(ready, "d.session_id"));
    /* Beating in time keeps it open... */
    for (int i = 0; i < 3; i++) {
        discord_sim_run_for(e->sim, 100);
        tc_send(t, "{\"op\":1,\"d\":1}");
    }
    assert_false(t->closed);
    /* ...silence past interval + slack closes it, resumably. */
    tc_wait_closed(t);
    assert_int_equal(t->close_code, 4000);
    assert_string_equal(t->close_reason, "heartbeat timed out");
    t = tc_resume(e, session, 1);
    tc_wait(t, 0, "RESUMED", &at);
}

struct refused {
    bool opened, closed;
    int  code;
};

static void
refused_open(void *arg)
{
    ((struct refused *)arg)->opened = true;
}

static void
refused_close(void *arg, int code, const char *reason)
{
    struct refused *r = arg;

    (void)reason;
    r->closed = true;
    r->code = code;
}

static bool
refused_done(struct discord_sim *sim, void *arg)
{
    (void)sim;
    return ((struct refused *)arg)->closed;
}

static void
test_upgrade_paths(void **state)
{
    struct env *e = env_new(state, NULL);
    struct ws_callbacks cb = { .on_open = refused_open,
                               .on_close = refused_close };
    struct refused r = { 0 };
    struct ws_conn *c;
    char url[128];

    /* Only the gateway paths upgrade. */
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/api/v10?v=10",
             discord_sim_port(e->sim));
    c = ws_connect(e->ws, url, NULL, &cb, &r);
    assert_non_null(c);
    assert_true(discord_sim_wait(e->sim, refused_done, &r, WAIT_MS));
    assert_false(r.opened);
    assert_int_equal(r.code, WS_CLOSE_NONE);
    ws_free(c);
    assert_int_equal(discord_sim_conn_count(e->sim), 0);
}

static void
test_malformed_to_client(void **state)
{
    struct env *e = env_new(state, NULL);
    struct tc *t = tc_session(e, 513, NULL);
    struct buf big = BUF_INIT;
    const cJSON *f;
    int at, n;
    long s;

    tc_wait(t, 0, "GUILD_CREATE", NULL);
    n = t->n;
    assert_int_equal(discord_sim_gateway_send_raw(e->sim, "{not json", 9), 1);
    for (int i = 0; i < 20000; i++)
        buf_addc(&big, (char)('a' + i % 26));
    assert_int_equal(
        discord_sim_gateway_send_raw(e->sim, buf_cstr(&big), big.len), 1);
    assert_int_equal(discord_sim_gateway_send_op(e->sim, 42, "{\"x\":1}"), 1);
    at = n;
    f = tc_wait(t, 42, NULL, &at);
    assert_int_equal(jnum(f, "d.x"), 1);
    assert_string_equal(t->raw[n], "{not json");
    assert_null(t->json[n]);
    assert_int_equal(strlen(t->raw[n + 1]), 20000);
    assert_memory_equal(t->raw[n + 1], buf_cstr(&big), 20000);
    buf_free(&big);
    /* An unknown dispatch type, sequenced like any other. */
    s = last_seq(t);
    assert_int_equal(
        discord_sim_gateway_dispatch(e->sim, "SOMETHING_NEW", "{\"a\":1}"), 1);
    f = tc_wait(t, 0, "SOMETHING_NEW", &at);
    assert_int_equal(jnum(f, "s"), s + 1);
    assert_int_equal(jnum(f, "d.a"), 1);
    /* Redelivered: same event, new seq. */
    assert_int_equal(discord_sim_gateway_redeliver(e->sim, s + 1), 1);
    f = tc_wait(t, 0, "SOMETHING_NEW", &at);
    assert_int_equal(jnum(f, "s"), s + 2);
}

static void
test_send_flood(void **state)
{
    struct env *e = env_new(state, NULL);
    struct tc *t = tc_session(e, 513, NULL);

    /* 120 payloads per 60 s; Identify was one of them. */
    for (int i = 0; i < 119; i++)
        tc_send(t, "{\"op\":1,\"d\":null}");
    discord_sim_run_for(e->sim, 100);
    assert_false(t->closed);
    tc_send(t, "{\"op\":1,\"d\":null}");
    tc_wait_closed(t);
    assert_int_equal(t->close_code, 4008);
}

static void
test_identify_throttle(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = 5000, .session_start_total = 2,
        .message_content_enabled = true });
    struct tc *t;
    const cJSON *f;
    int at = 0;

    tc_session(e, 1, NULL);
    /* A second Identify within 5 s: op 9 false. */
    t = tc_connect(e, NULL);
    tc_wait(t, 10, NULL, &at);
    tc_identify_raw(t, e->token, 1);
    f = tc_wait(t, 9, NULL, &at);
    assert_true(cJSON_IsFalse(jget(f, "d")));
    /* Out of session starts: 4004. */
    discord_sim_set_identify_interval(e->sim, -1);
    tc_session(e, 1, NULL);
    t = tc_connect(e, NULL);
    at = 0;
    tc_wait(t, 10, NULL, &at);
    tc_identify_raw(t, e->token, 1);
    tc_wait_closed(t);
    assert_int_equal(t->close_code, 4004);
}

/* ================= tests: interactions ================= */

static const char campaign_cmd[] =
    "[{\"name\":\"campaign\",\"type\":1,\"description\":\"Campaigns\","
    "\"options\":[{\"type\":1,\"name\":\"approve\",\"description\":"
    "\"Approve a submission\",\"options\":[{\"type\":3,\"name\":\"ref\","
    "\"description\":\"Reference\",\"required\":true},{\"type\":6,"
    "\"name\":\"who\",\"description\":\"Reviewer\"}]}]}]";

static void
test_commands(void **state)
{
    struct env *e = env_new(state, NULL);
    struct tresp r = { 0 };
    char id[32];

    /* Discord's budget for these is tight (2 per 20 s here). */
    treqf(e, &r, HTTP_PUT, "[]", "/applications/%s/commands", e->app);
    treqf(e, &r, HTTP_PUT, "[]", "/applications/%s/commands", e->app);
    treqf(e, &r, HTTP_PUT, "[]", "/applications/%s/commands", e->app);
    assert_int_equal(r.status, 429);
    assert_true(discord_sim_set_budget(e->sim, "PUT",
        "/applications/{id}/commands", 100, 1000));
    assert_true(discord_sim_set_budget(e->sim, "PUT",
        "/applications/{id}/guilds/{id}/commands", 100, 1000));
    discord_sim_reset_limits(e->sim);
    treqf(e, &r, HTTP_PUT, campaign_cmd, "/applications/%s/guilds/%s/"
          "commands", e->app, e->guild);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(r.json), 1);
    assert_string_equal(jstr(r.json, "0.name"), "campaign");
    assert_string_equal(jstr(r.json, "0.guild_id"), e->guild);
    assert_string_equal(jstr(r.json, "0.application_id"), e->app);
    snprintf(id, sizeof(id), "%s", jstr(r.json, "0.id"));
    assert_true(strlen(id) >= 17);
    /* Overwriting keeps the id of an existing command. */
    treqf(e, &r, HTTP_PUT, campaign_cmd, "/applications/%s/guilds/%s/"
          "commands", e->app, e->guild);
    assert_string_equal(jstr(r.json, "0.id"), id);
    treqf(e, &r, HTTP_GET, NULL, "/applications/%s/guilds/%s/commands",
          e->app, e->guild);
    assert_string_equal(jstr(r.json, "0.id"), id);
    assert_int_equal(cJSON_GetArraySize(discord_sim_commands(e->sim,
                                                             e->guild)), 1);
    assert_int_equal(cJSON_GetArraySize(discord_sim_commands(e->sim, NULL)),
                     0);
    /* Validation: name case, description length, option order. */
    treqf(e, &r, HTTP_PUT, "[{\"name\":\"Bad Name\",\"description\":\"x\"},"
          "{\"name\":\"ok\",\"description\":\"\"},{\"name\":\"opt\","
          "\"description\":\"d\",\"options\":[{\"type\":3,\"name\":\"a\","
          "\"description\":\"a\"},{\"type\":3,\"name\":\"b\",\"description\""
          ":\"b\",\"required\":true},{\"type\":99,\"name\":\"c\","
          "\"description\":\"c\"}]}]", "/applications/%s/commands", e->app);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50035);
    assert_string_equal(jstr(r.json, "errors.0.name._errors.0.code"),
                        "APPLICATION_COMMAND_INVALID_NAME");
    assert_string_equal(jstr(r.json, "errors.1.description._errors.0.code"),
                        "BASE_TYPE_BAD_LENGTH");
    assert_string_equal(jstr(r.json, "errors.2.options.1._errors.0.code"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID");
    assert_string_equal(jstr(r.json,
                             "errors.2.options.2.type._errors.0.code"),
                        "BASE_TYPE_CHOICES");
    treqf(e, &r, HTTP_PUT, "{}", "/applications/%s/commands", e->app);
    assert_int_equal(r.status, 400);
    treqf(e, &r, HTTP_PUT, "[]", "/applications/%s/commands",
          "123456789012345678");
    assert_int_equal(r.status, 403);
    /* The global list. */
    treqf(e, &r, HTTP_PUT, campaign_cmd, "/applications/%s/commands",
          e->app);
    assert_int_equal(r.status, 200);
    assert_true(cJSON_IsNull(jget(r.json, "0.guild_id")) ||
                !jget(r.json, "0.guild_id"));
    assert_non_null(strstr(buf_cstr(&e->observed), "/campaign"));
    tresp_clear(&r);
}

/* [{"name":"x",...}] of exactly 7901 + desc_len characters (see below). */
static void
exact_body(struct buf *b, const char *desc, int desc_len)
{
    buf_reset(b);
    buf_printf(b, "[{\"name\":\"x\",\"description\":\"%.*s\","
               "\"options\":[", desc_len, desc);
    for (int i = 0; i < 8; i++) {
        buf_printf(b, "%s{\"type\":1,\"name\":\"s%02d\",\"description\":"
                   "\"%.97s\",\"options\":[", i ? "," : "", i, desc);
        for (int k = 0; k < (i < 7 ? 9 : 8); k++)
            buf_printf(b, "%s{\"type\":3,\"name\":\"o%d\","
                       "\"description\":\"%.98s\"}", k ? "," : "", k, desc);
        buf_adds(b, "]}");
    }
    buf_adds(b, "]}]");
}

/* A command over 8000 characters (names, descriptions, choice names and
 * values at any depth) fails the whole overwrite with 50035, the error
 * under its index; 8000 exactly passes.  More than 100 chat commands fail
 * it with 30032, and nothing of it is kept. */
static void
test_command_limits(void **state)
{
    struct env *e = env_new(state, NULL);
    struct tresp r = { 0 };
    struct buf body = BUF_INIT;
    char desc[101];
    cJSON *list;
    size_t chars;

    assert_true(discord_sim_set_budget(e->sim, "PUT",
        "/applications/{id}/guilds/{id}/commands", 100, 1000));
    memset(desc, 'd', 100);
    desc[100] = '\0';
    /* "ok" (2 + 1), then "big" (3 + 100): 25 subcommands "sNN" (3 + 100)
     * of 3 options "oN" (2 + 100) with 2 choices "cN"/"vN" (2 + 2 each):
     * 103 + 25 * (103 + 3 * 110). */
    buf_printf(&body, "[{\"name\":\"ok\",\"description\":\"d\"},"
               "{\"name\":\"big\",\"description\":\"%s\",\"options\":[",
               desc);
    for (int i = 0; i < 25; i++) {
        buf_printf(&body, "%s{\"type\":1,\"name\":\"s%02d\","
                   "\"description\":\"%s\",\"options\":[", i ? "," : "", i,
                   desc);
        for (int k = 0; k < 3; k++)
            buf_printf(&body, "%s{\"type\":3,\"name\":\"o%d\","
                       "\"description\":\"%s\",\"choices\":[{\"name\":"
                       "\"c1\",\"value\":\"v1\"},{\"name\":\"c2\","
                       "\"value\":\"v2\"}]}", k ? "," : "", k, desc);
        buf_adds(&body, "]}");
    }
    buf_adds(&body, "]}]");
    list = cJSON_Parse(buf_cstr(&body));
    assert_non_null(list);
    chars = discord_sim_rest_command_chars(cJSON_GetArrayItem(list, 1));
    assert_int_equal(chars, 103 + 25 * (103 + 3 * 110));
    assert_int_equal(discord_sim_rest_command_chars(cJSON_GetArrayItem(list,
                                                                       0)),
                     3);
    cJSON_Delete(list);
    treqf(e, &r, HTTP_PUT, buf_cstr(&body), "/applications/%s/guilds/%s/"
          "commands", e->app, e->guild);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50035);
    assert_string_equal(jstr(r.json, "message"), "Invalid Form Body");
    assert_string_equal(jstr(r.json, "errors.1._errors.0.code"),
                        "APPLICATION_COMMAND_TOO_LARGE");
    assert_string_equal(jstr(r.json, "errors.1._errors.0.message"),
                        "Command exceeds maximum size (8000)");
    assert_null(jget(r.json, "errors.0"));
    assert_int_equal(cJSON_GetArraySize(discord_sim_commands(e->sim,
                                                             e->guild)), 0);

    /* 8000 exactly passes, 8001 does not: "x" with a description of 99
     * (100), 7 subcommands "sNN" with 97 (100) of 9 options "oN" with 98
     * (900 each), and one of 8 options (800). */
    for (int len = 99; len <= 100; len++) {
        bool fits = len == 99;

        exact_body(&body, desc, len);
        list = cJSON_Parse(buf_cstr(&body));
        assert_int_equal(discord_sim_rest_command_chars(cJSON_GetArrayItem(
                             list, 0)), fits ? 8000 : 8001);
        cJSON_Delete(list);
        treqf(e, &r, HTTP_PUT, buf_cstr(&body), "/applications/%s/guilds/"
              "%s/commands", e->app, e->guild);
        assert_int_equal(r.status, fits ? 200 : 400);
        assert_int_equal(cJSON_GetArraySize(discord_sim_commands(
                             e->sim, e->guild)), 1);
    }
    assert_string_equal(jstr(r.json, "errors.0._errors.0.code"),
                        "APPLICATION_COMMAND_TOO_LARGE");

    /* 101 chat commands: refused as a whole, the list stays. */
    buf_reset(&body);
    buf_addc(&body, '[');
    for (int i = 0; i < 101; i++)
        buf_printf(&body, "%s{\"name\":\"c%03d\",\"description\":\"d\"}",
                   i ? "," : "", i);
    buf_addc(&body, ']');
    treqf(e, &r, HTTP_PUT, buf_cstr(&body), "/applications/%s/guilds/%s/"
          "commands", e->app, e->guild);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 30032);
    assert_non_null(strstr(jstr(r.json, "message"), "(100)"));
    assert_int_equal(cJSON_GetArraySize(discord_sim_commands(e->sim,
                                                             e->guild)), 1);
    buf_free(&body);
    tresp_clear(&r);
}

static void
test_interaction_callbacks(void **state)
{
    struct env *e = env_new(state, NULL);
    const char *alice = add_user(e, "alice");
    const char *bob = add_user(e, "bob");
    struct tc *t = tc_session(e, 37377, NULL);
    struct tresp r = { 0 };
    struct discord_sim_interaction_info ii;
    struct discord_sim_message_info mi;
    struct discord_sim_stats st;
    const cJSON *f;
    const char *iid;
    char cmd_id[32], token[128], path[256];
    int at = 0;
    size_t gw;

    treqf(e, &r, HTTP_PUT, campaign_cmd, "/applications/%s/guilds/%s/"
          "commands", e->app, e->guild);
    snprintf(cmd_id, sizeof(cmd_id), "%s", jstr(r.json, "0.id"));
    iid = discord_sim_command(e->sim, &(struct discord_sim_command){
        .user_id = alice, .channel_id = e->general, .name = "campaign",
        .subcommand = "approve",
        .opts = (struct discord_sim_opt[]){
            { .name = "ref", .type = 3, .value = "spring#3" },
            { .name = "who", .type = 6, .value = bob } },
        .nopts = 2 });
    assert_non_null(iid);
    f = tc_wait(t, 0, "INTERACTION_CREATE", &at);
    assert_string_equal(jstr(f, "d.id"), iid);
    assert_int_equal(jnum(f, "d.type"), 2);
    assert_string_equal(jstr(f, "d.application_id"), e->app);
    assert_string_equal(jstr(f, "d.guild_id"), e->guild);
    assert_string_equal(jstr(f, "d.channel_id"), e->general);
    assert_string_equal(jstr(f, "d.member.user.id"), alice);
    assert_null(jget(f, "d.user"));
    assert_int_equal(jnum(f, "d.version"), 1);
    assert_string_equal(jstr(f, "d.data.id"), cmd_id);
    assert_string_equal(jstr(f, "d.data.name"), "campaign");
    assert_string_equal(jstr(f, "d.data.options.0.name"), "approve");
    assert_int_equal(jnum(f, "d.data.options.0.type"), 1);
    assert_string_equal(jstr(f, "d.data.options.0.options.0.value"),
                        "spring#3");
    assert_string_equal(jstr(f, "d.data.options.0.options.1.value"), bob);
    {
        char key[64];

        snprintf(key, sizeof(key), "d.data.resolved.users.%s.username", bob);
        assert_string_equal(jstr(f, key), "bob");
    }
    snprintf(token, sizeof(token), "%s", jstr(f, "d.token"));
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    assert_string_equal(ii.token, token);

    /* In time: 204, and the reply is posted (MESSAGE_CREATE). */
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid, token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path,
         "{\"type\":4,\"data\":{\"content\":\"approved\"}}");
    assert_int_equal(r.status, 204);
    f = tc_wait(t, 0, "MESSAGE_CREATE", &at);
    assert_string_equal(jstr(f, "d.content"), "approved");
    assert_string_equal(jstr(f, "d.author.id"), e->app);
    assert_string_equal(jstr(f, "d.interaction_metadata.id"), iid);
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    assert_int_equal(ii.callback_type, 4);
    assert_int_equal(ii.first_status, 204);
    assert_true(ii.latency_ms >= 0 && ii.latency_ms < 3000);
    assert_non_null(ii.original_id);
    /* Twice: 40060. */
    treq(e, &r, HTTP_POST, AUTH_BOT, path,
         "{\"type\":4,\"data\":{\"content\":\"again\"}}");
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 40060);
    /* Follow-up and edit of @original, without Authorization. */
    snprintf(path, sizeof(path), "/webhooks/%s/%s", e->app, token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"content\":\"details\"}");
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "content"), "details");
    snprintf(path, sizeof(path), "/webhooks/%s/%s/messages/@original",
             e->app, token);
    treq(e, &r, HTTP_PATCH, AUTH_NONE, path, "{\"content\":\"approved!\"}");
    assert_int_equal(r.status, 200);
    assert_true(discord_sim_message(e->sim, ii.original_id, &mi));
    assert_string_equal(mi.content, "approved!");
    assert_int_equal(mi.edits, 1);
    f = tc_wait(t, 0, "MESSAGE_UPDATE", &at);
    assert_string_equal(jstr(f, "d.content"), "approved!");

    /* Late: 10062 after the deadline. */
    discord_sim_set_interaction_deadline(e->sim, 100);
    iid = discord_sim_command_json(e->sim, alice, e->general,
                                   "{\"name\":\"campaign\",\"type\":1}");
    assert_non_null(iid);
    discord_sim_run_for(e->sim, 250);
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid,
             ii.token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"type\":5}");
    assert_int_equal(r.status, 404);
    assert_int_equal(jnum(r.json, "code"), 10062);
    discord_sim_set_interaction_deadline(e->sim, 3000);

    /* Ephemeral: stored for alice only, not dispatched. */
    iid = discord_sim_command_json(e->sim, alice, e->general,
                                   "{\"name\":\"campaign\",\"type\":1}");
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid,
             ii.token);
    gw = discord_sim_gw_count(e->sim);
    treq(e, &r, HTTP_POST, AUTH_NONE, path,
         "{\"type\":4,\"data\":{\"content\":\"psst\",\"flags\":64}}");
    assert_int_equal(r.status, 204);
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    assert_true(discord_sim_message(e->sim, ii.original_id, &mi));
    assert_int_equal(mi.flags, 64);
    assert_string_equal(mi.visible_to, alice);
    discord_sim_run_for(e->sim, 50);
    assert_int_equal(discord_sim_gw_find(e->sim, false, 0, "MESSAGE_CREATE",
                                         gw), SIZE_MAX);
    assert_non_null(strstr(buf_cstr(&e->observed), "only alice can see"));

    /* Deferred (5): the first follow-up fills the loading message. */
    iid = discord_sim_command_json(e->sim, alice, e->general,
                                   "{\"name\":\"campaign\",\"type\":1}");
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid,
             ii.token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"type\":5}");
    assert_int_equal(r.status, 204);
    snprintf(path, sizeof(path), "/webhooks/%s/%s", e->app, ii.token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"content\":\"done\"}");
    assert_int_equal(r.status, 200);
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    assert_true(discord_sim_message(e->sim, ii.original_id, &mi));
    assert_string_equal(mi.content, "done");
    assert_int_equal(mi.flags & 128, 0);
    assert_int_equal(ii.followups, 0);
    /* A wrong callback type for a command (6 is for components). */
    iid = discord_sim_command_json(e->sim, alice, e->general,
                                   "{\"name\":\"campaign\",\"type\":1}");
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid,
             ii.token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"type\":6}");
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50035);
    /* Unknown token. */
    snprintf(path, sizeof(path), "/interactions/%s/nope/callback", iid);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"type\":5}");
    assert_int_equal(r.status, 404);

    discord_sim_stats(e->sim, &st);
    assert_int_equal(st.late_callbacks, 1);
    assert_int_equal(st.double_callbacks, 1);
    assert_int_equal(st.interactions, 5);
    tresp_clear(&r);
}

static void
test_components_modal(void **state)
{
    struct env *e = env_new(state, NULL);
    const char *alice = add_user(e, "alice");
    struct tc *t = tc_session(e, 37377, NULL);
    struct tresp r = { 0 };
    struct discord_sim_interaction_info ii;
    struct discord_sim_message_info mi;
    const cJSON *f;
    const char *iid, *sid;
    char mid[32], path[256];
    int at = 0;

    treqf(e, &r, HTTP_POST, "{\"content\":\"Task 42 is open\","
          "\"components\":[{\"type\":1,\"components\":[{\"type\":2,"
          "\"style\":3,\"label\":\"Claim\",\"custom_id\":\"claim:42\"},"
          "{\"type\":2,\"style\":5,\"label\":\"Docs\",\"url\":"
          "\"https://example.com\"}]}]}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 200);
    snprintf(mid, sizeof(mid), "%s", jstr(r.json, "id"));
    assert_string_equal(jstr(r.json, "components.0.components.0.custom_id"),
                        "claim:42");
    assert_non_null(strstr(buf_cstr(&e->observed), "[Claim]"));
    assert_null(discord_sim_click(e->sim, alice, mid, "nope", NULL, 0));
    iid = discord_sim_click(e->sim, alice, mid, "claim:42", NULL, 0);
    assert_non_null(iid);
    f = tc_wait(t, 0, "INTERACTION_CREATE", &at);
    assert_int_equal(jnum(f, "d.type"), 3);
    assert_string_equal(jstr(f, "d.data.custom_id"), "claim:42");
    assert_int_equal(jnum(f, "d.data.component_type"), 2);
    assert_string_equal(jstr(f, "d.message.id"), mid);
    assert_string_equal(jstr(f, "d.message.content"), "Task 42 is open");
    /* Answer with a modal, then the user submits it.  A modal's row
     * holds one text input, whose "required" is a boolean. */
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid,
             jstr(f, "d.token"));
    static const char *const bad_rows[] = {
        "{\"type\":2,\"style\":1,\"custom_id\":\"b\",\"label\":\"B\"}",
        "{\"type\":4,\"custom_id\":\"text\",\"style\":1,\"label\":"
        "\"Text\",\"required\":\"no\"}",
    };
    for (size_t i = 0; i < sizeof(bad_rows) / sizeof(*bad_rows); i++) {
        char body[512];
        snprintf(body, sizeof(body), "{\"type\":9,\"data\":{\"custom_id\":"
                 "\"note:42\",\"title\":\"Note\",\"components\":[{\"type\":"
                 "1,\"components\":[%s]}]}}", bad_rows[i]);
        treq(e, &r, HTTP_POST, AUTH_NONE, path, body);
        assert_int_equal(r.status, 400);
    }
    treq(e, &r, HTTP_POST, AUTH_NONE, path,
         "{\"type\":9,\"data\":{\"custom_id\":\"note:42\",\"title\":"
         "\"Note\",\"components\":[{\"type\":1,\"components\":[{\"type\":4,"
         "\"custom_id\":\"text\",\"style\":1,\"label\":\"Text\"}]},"
         "{\"type\":1,\"components\":[{\"type\":4,\"custom_id\":\"more\","
         "\"style\":2,\"label\":\"Anything to add?\",\"required\":false}]}"
         "]}}");
    assert_int_equal(r.status, 204);
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    assert_non_null(ii.modal);
    /* "text" is required (the default): the client sends no form
     * without it. */
    assert_null(discord_sim_modal_submit(e->sim, alice, iid, NULL, NULL, 0));
    assert_null(discord_sim_modal_submit(e->sim, alice, iid, NULL,
        (struct discord_sim_field[]){ { "more", "later" } }, 1));
    sid = discord_sim_modal_submit(e->sim, alice, iid, NULL,
        (struct discord_sim_field[]){ { "text", "looks good" } }, 1);
    assert_non_null(sid);
    f = tc_wait(t, 0, "INTERACTION_CREATE", &at);
    assert_int_equal(jnum(f, "d.type"), 5);
    assert_string_equal(jstr(f, "d.data.custom_id"), "note:42");
    assert_string_equal(jstr(f, "d.data.components.0.components.0.value"),
                        "looks good");
    /* Every input is there: the optional one left empty, as "". */
    assert_string_equal(jstr(f, "d.data.components.1.components.0.custom_id"),
                        "more");
    assert_string_equal(jstr(f, "d.data.components.1.components.0.value"),
                        "");
    /* Type 7 on that submit edits the message that had the button. */
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", sid,
             jstr(f, "d.token"));
    treq(e, &r, HTTP_POST, AUTH_NONE, path,
         "{\"type\":7,\"data\":{\"content\":\"Task 42: claimed\","
         "\"components\":[]}}");
    assert_int_equal(r.status, 204);
    f = tc_wait(t, 0, "MESSAGE_UPDATE", &at);
    assert_string_equal(jstr(f, "d.content"), "Task 42: claimed");
    assert_true(discord_sim_message(e->sim, mid, &mi));
    assert_int_equal(cJSON_GetArraySize(mi.components), 0);
    /* Invalid components: a button without custom_id, duplicates. */
    treqf(e, &r, HTTP_POST, "{\"content\":\"x\",\"components\":[{\"type\":"
          "1,\"components\":[{\"type\":2,\"style\":1,\"label\":\"A\"}]}]}",
          "/channels/%s/messages", e->general);
    assert_int_equal(r.status, 400);
    assert_string_equal(jstr(r.json,
        "errors.components.0.components.0._errors.0.code"),
        "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED");
    treqf(e, &r, HTTP_POST, "{\"components\":[{\"type\":1,\"components\":"
          "[{\"type\":2,\"style\":1,\"custom_id\":\"a\"},{\"type\":2,"
          "\"style\":1,\"custom_id\":\"a\"}]}]}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 400);
    tresp_clear(&r);
}

/* ================= tests: rate limits ================= */

static void
test_rate_limits(void **state)
{
    struct env *e = env_new(state, NULL);
    struct tresp r = { 0 };
    struct discord_sim_stats st;
    char bucket[48], path[256];
    const char *other, *iid, *alice;
    struct discord_sim_interaction_info ii;

    other = discord_sim_add_channel(e->sim, &(struct discord_sim_channel_spec){
        .type = DISCORD_SIM_CHANNEL_TEXT, .name = "other" });
    assert_true(discord_sim_set_budget(e->sim, "POST",
                                       "/channels/{id}/messages", 2, 800));
    assert_false(discord_sim_set_budget(e->sim, "POST", "/nope", 2, 800));
    treqf(e, &r, HTTP_POST, "{\"content\":\"1\"}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.limit, "2");
    assert_string_equal(r.remaining, "1");
    snprintf(bucket, sizeof(bucket), "%s", r.bucket);
    treqf(e, &r, HTTP_POST, "{\"content\":\"2\"}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.remaining, "0");
    treqf(e, &r, HTTP_POST, "{\"content\":\"3\"}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 429);
    assert_string_equal(jstr(r.json, "message"),
                        "You are being rate limited.");
    assert_true(jnum(r.json, "retry_after") > 0 &&
                jnum(r.json, "retry_after") <= 0.8);
    assert_true(cJSON_IsFalse(jget(r.json, "global")));
    assert_string_equal(r.retry_after, "1");
    assert_string_equal(r.scope, "user");
    assert_string_equal(r.global, "");
    assert_string_equal(r.bucket, bucket);
    assert_string_equal(r.remaining, "0");
    /* Another channel is another bucket (same bucket id). */
    treqf(e, &r, HTTP_POST, "{\"content\":\"x\"}", "/channels/%s/messages",
          other);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.bucket, bucket);
    assert_string_equal(r.remaining, "1");
    /* The window resets. */
    discord_sim_run_for(e->sim, 900);
    treqf(e, &r, HTTP_POST, "{\"content\":\"4\"}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 200);

    /* Injected: a 429 with retry_after, a 500, a 401, a shared 429. */
    discord_sim_rest_fault(
        e->sim, &(struct discord_sim_rest_fault){.method = "GET",
                                                 .route = "/users/@me",
                                                 .count = 1,
                                                 .status = 429,
                                                 .retry_after = 1.5});
    discord_sim_rest_fault(
        e->sim, &(struct discord_sim_rest_fault){
                    .route = "/users/@me", .count = 1, .status = 502});
    discord_sim_rest_fault(
        e->sim, &(struct discord_sim_rest_fault){
                    .route = "/users/@me", .count = 1, .status = 401});
    discord_sim_rest_fault(
        e->sim, &(struct discord_sim_rest_fault){.route = "/users/@me",
                                                 .count = 1,
                                                 .status = 429,
                                                 .retry_after = 0.2,
                                                 .scope = "shared"});
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/@me", NULL);
    assert_int_equal(r.status, 429);
    assert_true(jnum(r.json, "retry_after") == 1.5);
    assert_string_equal(r.retry_after, "2");
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/@me", NULL);
    assert_int_equal(r.status, 502);
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/@me", NULL);
    assert_int_equal(r.status, 401);
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/@me", NULL);
    assert_int_equal(r.status, 429);
    assert_string_equal(r.scope, "shared");
    treq(e, &r, HTTP_GET, AUTH_BOT, "/users/@me", NULL);
    assert_int_equal(r.status, 200);
    assert_true(discord_sim_rest_get(e->sim,
        discord_sim_rest_count(e->sim) - 2)->injected);

    /* The global limit: 50/s by default; 5 here. */
    discord_sim_reset_limits(e->sim);
    discord_sim_set_global_limit(e->sim, 5);
    assert_true(discord_sim_set_budget(e->sim, NULL, NULL, 100, 1000));
    alice = add_user(e, "alice");
    iid = discord_sim_command_json(e->sim, alice, e->general,
                                   "{\"name\":\"x\",\"type\":1}");
    for (int i = 0; i < 5; i++) {
        treq(e, &r, HTTP_GET, AUTH_BOT, "/users/@me", NULL);
        assert_int_equal(r.status, 200);
    }
    treqf(e, &r, HTTP_GET, NULL, "/channels/%s", e->general);
    assert_int_equal(r.status, 429);
    assert_true(cJSON_IsTrue(jget(r.json, "global")));
    assert_string_equal(r.global, "true");
    assert_string_equal(r.scope, "global");
    /* Interaction callbacks are exempt. */
    assert_true(discord_sim_interaction(e->sim, iid, &ii));
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback", iid,
             ii.token);
    treq(e, &r, HTTP_POST, AUTH_NONE, path, "{\"type\":5}");
    assert_int_equal(r.status, 204);

    discord_sim_stats(e->sim, &st);
    assert_int_equal(st.http_429, 4);
    assert_int_equal(st.http_429_shared, 1);
    assert_int_equal(st.http_401, 1);
    assert_int_equal(st.http_5xx, 1);
    assert_int_equal(st.invalid_requests, 4);
    tresp_clear(&r);
}

/* ================= tests: channels, DMs, messages ================= */

static void
test_channels(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = -1, .message_content_enabled = true,
        .topic_edit_limit = 2, .topic_edit_window_ms = 60000,
        .default_limit = 1000 });
    const char *alice = add_user(e, "alice");
    struct tc *t = tc_session(e, 37377, NULL);
    struct tresp r = { 0 };
    struct discord_sim_channel_info ci;
    struct buf body = BUF_INIT;
    const cJSON *f;
    char cat[32], chan[32], hidden[32];
    const struct discord_sim_rest_call *call;
    int at = 0;

    treqf(e, &r, HTTP_POST, "{\"name\":\"Campaigns\",\"type\":4}",
          "/guilds/%s/channels", e->guild);
    assert_int_equal(r.status, 201);
    assert_string_equal(jstr(r.json, "name"), "Campaigns");
    snprintf(cat, sizeof(cat), "%s", jstr(r.json, "id"));
    buf_printf(&body, "{\"name\":\"Spring Launch!\",\"type\":0,"
               "\"parent_id\":\"%s\",\"topic\":\"Spring\","
               "\"permission_overwrites\":[{\"id\":\"%s\",\"type\":0,"
               "\"allow\":\"0\",\"deny\":\"1024\"},{\"id\":\"%s\","
               "\"type\":1,\"allow\":\"3072\",\"deny\":\"0\"},{\"id\":"
               "\"%s\",\"type\":1,\"allow\":3072,\"deny\":null}]}",
               cat, e->guild, alice, e->app);
    {
        char url[256], authz[128];
        const char *hdrs[] = { authz, "X-Audit-Log-Reason: campaign",
                               NULL };
        struct http_request rq = { .method = HTTP_POST, .url = url,
                                   .headers = hdrs,
                                   .body = buf_cstr(&body),
                                   .body_len = body.len };

        snprintf(url, sizeof(url), "%s/guilds/%s/channels", e->api,
                 e->guild);
        snprintf(authz, sizeof(authz), "Authorization: Bot %s", e->token);
        tresp_clear(&r);
        assert_non_null(http_request(e->http, &rq, tresp_done, &r));
        assert_true(discord_sim_wait(e->sim, tresp_is_done, &r, WAIT_MS));
    }
    assert_int_equal(r.status, 201);
    assert_string_equal(jstr(r.json, "name"), "spring-launch");
    assert_string_equal(jstr(r.json, "parent_id"), cat);
    assert_string_equal(jstr(r.json, "topic"), "Spring");
    assert_string_equal(jstr(r.json, "permission_overwrites.0.deny"),
                        "1024");
    assert_string_equal(jstr(r.json, "permission_overwrites.2.allow"),
                        "3072");
    assert_string_equal(jstr(r.json, "permission_overwrites.2.deny"), "0");
    snprintf(chan, sizeof(chan), "%s", jstr(r.json, "id"));
    call = discord_sim_rest_get(e->sim, discord_sim_rest_count(e->sim) - 1);
    assert_string_equal(call->audit_reason, "campaign");
    assert_string_equal(call->route, "/guilds/{id}/channels");
    assert_string_equal(jstr(call->body, "name"), "Spring Launch!");
    f = tc_wait(t, 0, "CHANNEL_CREATE", &at);
    assert_string_equal(jstr(f, "d.name"), "Campaigns");
    f = tc_wait(t, 0, "CHANNEL_CREATE", &at);
    assert_string_equal(jstr(f, "d.id"), chan);
    assert_true(discord_sim_channel(e->sim, chan, &ci));
    assert_true(ci.created_by_bot);
    assert_int_equal(cJSON_GetArraySize(ci.overwrites), 3);
    assert_true(discord_sim_bot_permissions(e->sim, chan) & (1 << 10));

    /* @everyone denied and no overwrite for the bot: it cannot see it. */
    buf_reset(&body);
    buf_printf(&body, "{\"name\":\"secret\",\"permission_overwrites\":"
               "[{\"id\":\"%s\",\"type\":0,\"deny\":\"1024\"}]}", e->guild);
    treqf(e, &r, HTTP_POST, buf_cstr(&body), "/guilds/%s/channels",
          e->guild);
    assert_int_equal(r.status, 201);
    snprintf(hidden, sizeof(hidden), "%s", jstr(r.json, "id"));
    treqf(e, &r, HTTP_POST, "{\"content\":\"hi\"}", "/channels/%s/messages",
          hidden);
    assert_int_equal(r.status, 403);
    assert_int_equal(jnum(r.json, "code"), 50001);
    assert_non_null(discord_sim_post(e->sim, alice, hidden, "psst"));
    discord_sim_run_for(e->sim, 50);
    assert_int_equal(tc_find(t, 0, "MESSAGE_CREATE", 0), -1);
    /* Bits the bot lacks (ADMINISTRATOR): 403 50013. */
    buf_reset(&body);
    buf_printf(&body, "{\"name\":\"x\",\"permission_overwrites\":"
               "[{\"id\":\"%s\",\"type\":1,\"allow\":\"8\"}]}", alice);
    treqf(e, &r, HTTP_POST, buf_cstr(&body), "/guilds/%s/channels",
          e->guild);
    assert_int_equal(r.status, 403);
    assert_int_equal(jnum(r.json, "code"), 50013);
    /* Form errors: bad parent, long topic, unknown role, bad name. */
    buf_reset(&body);
    buf_adds(&body, "{\"name\":\"x\",\"parent_id\":\"123456789012345678\","
                    "\"topic\":\"");
    for (int i = 0; i < 1025; i++)
        buf_addc(&body, 't');
    buf_adds(&body, "\"}");
    treqf(e, &r, HTTP_POST, buf_cstr(&body), "/guilds/%s/channels",
          e->guild);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50035);
    assert_non_null(jget(r.json, "errors.parent_id._errors"));
    assert_non_null(jget(r.json, "errors.topic._errors"));
    treqf(e, &r, HTTP_POST, "{\"name\":\"!!!\"}", "/guilds/%s/channels",
          e->guild);
    assert_int_equal(r.status, 400);
    treqf(e, &r, HTTP_POST, "{\"name\":\"x\"}", "/guilds/%s/channels",
          "123456789012345678");
    assert_int_equal(r.status, 404);
    assert_int_equal(jnum(r.json, "code"), 10004);

    /* Topic edits: CHANNEL_UPDATE; the third within the window is a
     * sublimit 429. */
    treqf(e, &r, HTTP_PATCH, "{\"topic\":\"Spring, week 1\"}",
          "/channels/%s", chan);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "topic"), "Spring, week 1");
    f = tc_wait(t, 0, "CHANNEL_UPDATE", &at);
    assert_string_equal(jstr(f, "d.topic"), "Spring, week 1");
    treqf(e, &r, HTTP_PATCH, "{\"topic\":\"Spring, week 2\"}",
          "/channels/%s", chan);
    assert_int_equal(r.status, 200);
    treqf(e, &r, HTTP_PATCH, "{\"topic\":\"Spring, week 3\"}",
          "/channels/%s", chan);
    assert_int_equal(r.status, 429);
    assert_true(jnum(r.json, "retry_after") > 50);
    assert_string_equal(r.remaining, "2");
    treqf(e, &r, HTTP_PATCH, "{\"topic\":\"x\"}", "/channels/%s", e->general);
    assert_int_equal(r.status, 200);
    assert_true(discord_sim_channel(e->sim, chan, &ci));
    assert_string_equal(ci.topic, "Spring, week 2");
    assert_int_equal(ci.topic_edits, 2);

    treqf(e, &r, HTTP_GET, NULL, "/guilds/%s/channels", e->guild);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(r.json), 5);
    assert_non_null(strstr(buf_cstr(&e->observed), "#spring-launch"));
    buf_free(&body);
    tresp_clear(&r);
}

static void
test_dm_and_messages(void **state)
{
    struct env *e = env_new(state, NULL);
    const char *alice = add_user(e, "alice");
    const char *mallory = discord_sim_add_user(e->sim,
        &(struct discord_sim_user){ .username = "mallory",
                                    .dm_blocked = true });
    struct tc *t = tc_session(e, 37377, NULL);
    struct tresp r = { 0 };
    struct discord_sim_message_info mi;
    struct discord_sim_channel_info ci;
    struct buf body = BUF_INIT;
    const cJSON *f;
    char dm[32], mid[32], body2[96];
    const char *umid;
    int at = 0;

    /* DM channel: created once, reused. */
    snprintf(body2, sizeof(body2), "{\"recipient_id\":\"%s\"}", alice);
    treq(e, &r, HTTP_POST, AUTH_BOT, "/users/@me/channels", body2);
    assert_int_equal(r.status, 200);
    assert_int_equal(jnum(r.json, "type"), 1);
    assert_string_equal(jstr(r.json, "recipients.0.id"), alice);
    snprintf(dm, sizeof(dm), "%s", jstr(r.json, "id"));
    treq(e, &r, HTTP_POST, AUTH_BOT, "/users/@me/channels", body2);
    assert_string_equal(jstr(r.json, "id"), dm);
    assert_string_equal(discord_sim_dm_channel(e->sim, alice), dm);
    treq(e, &r, HTTP_POST, AUTH_BOT, "/users/@me/channels",
         "{\"recipient_id\":\"123456789012345678\"}");
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50033);
    treqf(e, &r, HTTP_POST, "{\"content\":\"hello alice\"}",
          "/channels/%s/messages", dm);
    assert_int_equal(r.status, 200);
    f = tc_wait(t, 0, "MESSAGE_CREATE", &at);
    assert_null(jget(f, "d.guild_id"));
    assert_int_equal(jnum(f, "d.channel_type"), 1);
    snprintf(body2, sizeof(body2), "{\"recipient_id\":\"%s\"}", mallory);
    treq(e, &r, HTTP_POST, AUTH_BOT, "/users/@me/channels", body2);
    treqf(e, &r, HTTP_POST, "{\"content\":\"hi\"}", "/channels/%s/messages",
          jstr(r.json, "id"));
    assert_int_equal(r.status, 403);
    assert_int_equal(jnum(r.json, "code"), 50007);

    /* Create, edit (history + MESSAGE_UPDATE), pin. */
    buf_adds(&body, "{\"content\":\"");
    for (int i = 0; i < 2001; i++)
        buf_addc(&body, 'x');
    buf_adds(&body, "\"}");
    treqf(e, &r, HTTP_POST, buf_cstr(&body), "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50035);
    assert_string_equal(jstr(r.json, "errors.content._errors.0.code"),
                        "BASE_TYPE_MAX_LENGTH");
    buf_free(&body);
    treqf(e, &r, HTTP_POST, "{\"content\":\"\"}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50006);
    treqf(e, &r, HTTP_POST, "{\"content\":", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 400);
    assert_int_equal(jnum(r.json, "code"), 50109);
    treqf(e, &r, HTTP_POST, "{\"content\":\"v1\"}", "/channels/%s/messages",
          e->general);
    assert_int_equal(r.status, 200);
    snprintf(mid, sizeof(mid), "%s", jstr(r.json, "id"));
    assert_string_equal(jstr(r.json, "author.id"), e->app);
    assert_string_equal(jstr(r.json, "guild_id"), e->guild);
    treqf(e, &r, HTTP_PATCH, "{\"content\":\"v2\"}",
          "/channels/%s/messages/%s", e->general, mid);
    assert_int_equal(r.status, 200);
    assert_string_equal(jstr(r.json, "content"), "v2");
    assert_true(cJSON_IsString(jget(r.json, "edited_timestamp")));
    f = tc_wait(t, 0, "MESSAGE_UPDATE", &at);
    assert_string_equal(jstr(f, "d.id"), mid);
    assert_string_equal(jstr(f, "d.content"), "v2");
    assert_string_equal(discord_sim_message_version(e->sim, mid, 0), "v1");
    assert_string_equal(discord_sim_message_version(e->sim, mid, 1), "v2");
    /* The pre-2026 route is gone. */
    treqf(e, &r, HTTP_PUT, NULL, "/channels/%s/pins/%s", e->general, mid);
    assert_int_equal(r.status, 404);
    treqf(e, &r, HTTP_PUT, NULL, "/channels/%s/messages/pins/%s", e->general,
          mid);
    assert_int_equal(r.status, 204);
    f = tc_wait(t, 0, "CHANNEL_PINS_UPDATE", &at);
    assert_string_equal(jstr(f, "d.channel_id"), e->general);
    f = tc_wait(t, 0, "MESSAGE_CREATE", &at);
    assert_int_equal(jnum(f, "d.type"), 6);
    assert_string_equal(jstr(f, "d.message_reference.message_id"), mid);
    assert_true(discord_sim_message(e->sim, mid, &mi));
    assert_true(mi.pinned);
    assert_int_equal(mi.edits, 1);
    assert_true(discord_sim_channel(e->sim, e->general, &ci));
    assert_int_equal(ci.pins, 1);
    treqf(e, &r, HTTP_GET, NULL, "/channels/%s/messages/pins", e->general);
    assert_int_equal(r.status, 200);
    assert_int_equal(cJSON_GetArraySize(jget(r.json, "items")), 1);
    assert_string_equal(jstr(r.json, "items.0.message.id"), mid);
    assert_true(cJSON_IsString(jget(r.json, "items.0.pinned_at")));
    assert_true(cJSON_IsFalse(jget(r.json, "has_more")));
    /* Someone else's message: 403 50005; unknown message: 10008. */
    umid = discord_sim_post(e->sim, alice, e->general, "mine");
    treqf(e, &r, HTTP_PATCH, "{\"content\":\"hacked\"}",
          "/channels/%s/messages/%s", e->general, umid);
    assert_int_equal(r.status, 403);
    assert_int_equal(jnum(r.json, "code"), 50005);
    treqf(e, &r, HTTP_PATCH, "{\"content\":\"x\"}",
          "/channels/%s/messages/%s", e->general, "123456789012345678");
    assert_int_equal(r.status, 404);
    assert_int_equal(jnum(r.json, "code"), 10008);
    treqf(e, &r, HTTP_POST, "{\"content\":\"x\"}", "/channels/%s/messages",
          "123456789012345678");
    assert_int_equal(r.status, 404);
    assert_int_equal(jnum(r.json, "code"), 10003);
    assert_non_null(strstr(buf_cstr(&e->observed), "pinned a message"));
    assert_non_null(strstr(buf_cstr(&e->observed), "(edited): v2"));
    tresp_clear(&r);
}

/* Since 2026 a pin needs PIN_MESSAGES: a bot whose role has only what the
 * old invite granted (Manage Messages, 268512272) is refused, 403 50013,
 * unless a channel overwrite grants it; unpinning needs it too. */
static void
test_pin_permission(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
                                       .bot_permissions = 268512272 });
    struct tresp r = { 0 };
    char mid[32], ow[160];
    uint64_t have = discord_sim_bot_permissions(e->sim, e->general);

    assert_true(have & DISCORD_SIM_PERM_MANAGE_MESSAGES);
    assert_false(have & DISCORD_SIM_PERM_PIN_MESSAGES);
    treqf(e, &r, HTTP_POST, "{\"content\":\"brief\"}",
          "/channels/%s/messages", e->general);
    assert_int_equal(r.status, 200);
    snprintf(mid, sizeof(mid), "%s", jstr(r.json, "id"));
    treqf(e, &r, HTTP_PUT, NULL, "/channels/%s/messages/pins/%s", e->general,
          mid);
    assert_int_equal(r.status, 403);
    assert_int_equal(jnum(r.json, "code"), 50013);
    treqf(e, &r, HTTP_DELETE, NULL, "/channels/%s/messages/pins/%s",
          e->general, mid);
    assert_int_equal(r.status, 403);
    /* The bot cannot grant itself what it lacks... */
    snprintf(ow, sizeof(ow), "{\"type\":1,\"allow\":\"%llu\","
             "\"deny\":\"0\"}",
             (unsigned long long)DISCORD_SIM_PERM_PIN_MESSAGES);
    treqf(e, &r, HTTP_PUT, ow, "/channels/%s/permissions/%s", e->general,
          e->app);
    assert_int_equal(r.status, 403);
    /* ...but an owner's overwrite in a channel does it there. */
    snprintf(ow, sizeof(ow), "[{\"id\":\"%s\",\"type\":1,\"allow\":"
             "\"%llu\",\"deny\":\"0\"}]", e->app,
             (unsigned long long)DISCORD_SIM_PERM_PIN_MESSAGES);
    const char *ch = discord_sim_add_channel(e->sim,
        &(struct discord_sim_channel_spec){ .name = "pins-ok",
                                            .overwrites_json = ow });
    assert_non_null(ch);
    treqf(e, &r, HTTP_POST, "{\"content\":\"status\"}",
          "/channels/%s/messages", ch);
    assert_int_equal(r.status, 200);
    snprintf(mid, sizeof(mid), "%s", jstr(r.json, "id"));
    treqf(e, &r, HTTP_PUT, NULL, "/channels/%s/messages/pins/%s", ch, mid);
    assert_int_equal(r.status, 204);
    tresp_clear(&r);
}

static void
test_message_content_rule(void **state)
{
    struct env *e = env_new(state, NULL);
    const char *alice = add_user(e, "alice");
    struct tc *plain = tc_session(e, 1 | 512 | 4096, NULL);
    struct tc *full = tc_session(e, 37377, NULL);
    struct tresp r = { 0 };
    const cJSON *f;
    char text[96];
    int ap = 0, af = 0;

    /* A guild message: empty without the intent... */
    assert_non_null(discord_sim_post(e->sim, alice, e->general, "hello"));
    f = tc_wait(plain, 0, "MESSAGE_CREATE", &ap);
    assert_string_equal(jstr(f, "d.content"), "");
    assert_string_equal(jstr(f, "d.author.id"), alice);
    f = tc_wait(full, 0, "MESSAGE_CREATE", &af);
    assert_string_equal(jstr(f, "d.content"), "hello");
    /* ...except when it mentions the bot, in DMs, and for its own. */
    snprintf(text, sizeof(text), "<@%s> status please", e->app);
    assert_non_null(discord_sim_post(e->sim, alice, e->general, text));
    f = tc_wait(plain, 0, "MESSAGE_CREATE", &ap);
    assert_string_equal(jstr(f, "d.content"), text);
    assert_string_equal(jstr(f, "d.mentions.0.id"), e->app);
    assert_non_null(discord_sim_post_dm(e->sim, alice, "in private"));
    f = tc_wait(plain, 0, "MESSAGE_CREATE", &ap);
    assert_string_equal(jstr(f, "d.content"), "in private");
    treqf(e, &r, HTTP_POST, "{\"content\":\"from the bot\"}",
          "/channels/%s/messages", e->general);
    f = tc_wait(plain, 0, "MESSAGE_CREATE", &ap);
    assert_string_equal(jstr(f, "d.content"), "from the bot");
    /* Without GUILD_MESSAGES nothing from guilds arrives at all. */
    {
        struct tc *dm_only = tc_session(e, 4096, NULL);
        int ad = 0;

        assert_non_null(discord_sim_post(e->sim, alice, e->general, "g"));
        assert_non_null(discord_sim_post_dm(e->sim, alice, "d"));
        f = tc_wait(dm_only, 0, "MESSAGE_CREATE", &ad);
        assert_string_equal(jstr(f, "d.content"), "d");
        assert_int_equal(tc_find(dm_only, 0, "GUILD_CREATE", 0), -1);
    }
    tresp_clear(&r);
}

/* ================= tests: control API and observer ================= */

static void
test_control_api(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = -1, .message_content_enabled = true,
        .control_api = true });
    struct tc *t = tc_session(e, 37377, NULL);
    struct tresp r = { 0 };
    char base[96], url[160], carol[32];
    const cJSON *f;
    int at = 0;

    snprintf(base, sizeof(base), "http://127.0.0.1:%d/_sim",
             discord_sim_port(e->sim));
    snprintf(url, sizeof(url), "%s/", base);
    treq(e, &r, HTTP_GET, AUTH_NONE, url, NULL);
    assert_int_equal(r.status, 200);
    assert_true(cJSON_GetArraySize(r.json) > 10);
    snprintf(url, sizeof(url), "%s/users", base);
    treq(e, &r, HTTP_POST, AUTH_NONE, url, "{\"username\":\"carol\"}");
    assert_int_equal(r.status, 200);
    snprintf(carol, sizeof(carol), "%s", jstr(r.json, "id"));
    snprintf(url, sizeof(url), "%s/messages", base);
    treq(e, &r, HTTP_POST, AUTH_NONE, url,
         "{\"user\":\"carol\",\"channel\":\"#general\",\"content\":\"hey\"}");
    assert_int_equal(r.status, 200);
    f = tc_wait(t, 0, "MESSAGE_CREATE", &at);
    assert_string_equal(jstr(f, "d.author.id"), carol);
    assert_string_equal(jstr(f, "d.content"), "hey");
    snprintf(url, sizeof(url), "%s/commands", base);
    treq(e, &r, HTTP_POST, AUTH_NONE, url,
         "{\"user\":\"carol\",\"channel\":\"general\",\"name\":\"campaign\","
         "\"subcommand\":\"status\",\"options\":[{\"name\":\"n\",\"type\":4,"
         "\"value\":3}]}");
    assert_int_equal(r.status, 200);
    assert_true(strlen(jstr(r.json, "token")) > 20);
    f = tc_wait(t, 0, "INTERACTION_CREATE", &at);
    assert_int_equal(jnum(f, "d.data.options.0.options.0.value"), 3);
    snprintf(url, sizeof(url), "%s/messages", base);
    treq(e, &r, HTTP_POST, AUTH_NONE, url, "{\"user\":\"nobody\"}");
    assert_int_equal(r.status, 400);
    snprintf(url, sizeof(url), "%s/state", base);
    treq(e, &r, HTTP_GET, AUTH_NONE, url, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(jnum(r.json, "stats.identifies"), 1);
    assert_string_equal(jstr(r.json, "users.0.username"), "carol");
    snprintf(url, sizeof(url), "%s/log/gateway?since=0", base);
    treq(e, &r, HTTP_GET, AUTH_NONE, url, NULL);
    assert_string_equal(jstr(r.json, "0.dir"), "out");
    assert_int_equal(jnum(r.json, "0.op"), 10);
    snprintf(url, sizeof(url), "%s/gateway/close", base);
    treq(e, &r, HTTP_POST, AUTH_NONE, url, "{\"code\":4009}");
    assert_int_equal(r.status, 200);
    assert_int_equal(jnum(r.json, "connections"), 1);
    tc_wait_closed(t);
    assert_int_equal(t->close_code, 4009);
    snprintf(url, sizeof(url), "%s/faults", base);
    treq(e, &r, HTTP_POST, AUTH_NONE, url,
         "{\"route\":\"/gateway/bot\",\"status\":503}");
    treq(e, &r, HTTP_GET, AUTH_BOT, "/gateway/bot", NULL);
    assert_int_equal(r.status, 503);
    tresp_clear(&r);
}

static void
test_control_api_off(void **state)
{
    struct env *e = env_new(state, NULL);
    struct tresp r = { 0 };
    char url[128];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/_sim/state",
             discord_sim_port(e->sim));
    treq(e, &r, HTTP_GET, AUTH_NONE, url, NULL);
    assert_int_equal(r.status, 404);
    tresp_clear(&r);
}

static void
test_state_and_logs(void **state)
{
    struct env *e = env_new(state, &(struct discord_sim_options){
        .identify_interval_ms = -1, .message_content_enabled = true,
        .max_log = 10 });
    const char *alice = add_user(e, "alice");
    struct tresp r = { 0 };
    cJSON *snap;

    for (int i = 0; i < 25; i++)
        treq(e, &r, HTTP_GET, AUTH_BOT, "/gateway", NULL);
    /* The log keeps at most max_log records; indexes keep counting. */
    assert_int_equal(discord_sim_rest_count(e->sim), 25);
    assert_null(discord_sim_rest_get(e->sim, 0));
    assert_non_null(discord_sim_rest_get(e->sim, 24));
    assert_int_equal(discord_sim_rest_find(e->sim, "GET", "/gateway", 0) <
                     25, true);
    discord_sim_clear_logs(e->sim);
    assert_null(discord_sim_rest_get(e->sim, 24));
    assert_non_null(discord_sim_post_dm(e->sim, alice, "hi"));
    snap = discord_sim_state_json(e->sim);
    assert_int_equal(cJSON_GetArraySize(jget(snap, "messages")), 1);
    assert_int_equal(cJSON_GetArraySize(jget(snap, "channels")), 3);
    cJSON_Delete(snap);
    assert_null(discord_sim_post(e->sim, alice, "123456789012345678", "x"));
    assert_null(discord_sim_add_user(e->sim,
        &(struct discord_sim_user){ .username = "" }));
    tresp_clear(&r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_gateway_bot_and_auth, env_teardown),
        cmocka_unit_test_teardown(test_hello_heartbeat, env_teardown),
        cmocka_unit_test_teardown(test_identify_ready_guild_create,
                                  env_teardown),
        cmocka_unit_test_teardown(test_identify_errors, env_teardown),
        cmocka_unit_test_teardown(test_resume_replay, env_teardown),
        cmocka_unit_test_teardown(test_resume_after_1000_and_expiry,
                                  env_teardown),
        cmocka_unit_test_teardown(test_reconnect_invalid_session,
                                  env_teardown),
        cmocka_unit_test_teardown(test_close_codes, env_teardown),
        cmocka_unit_test_teardown(test_drop_zombie_heartbeat_request,
                                  env_teardown),
        cmocka_unit_test_teardown(test_heartbeat_timeout, env_teardown),
        cmocka_unit_test_teardown(test_upgrade_paths, env_teardown),
        cmocka_unit_test_teardown(test_malformed_to_client, env_teardown),
        cmocka_unit_test_teardown(test_send_flood, env_teardown),
        cmocka_unit_test_teardown(test_identify_throttle, env_teardown),
        cmocka_unit_test_teardown(test_commands, env_teardown),
        cmocka_unit_test_teardown(test_command_limits, env_teardown),
        cmocka_unit_test_teardown(test_interaction_callbacks, env_teardown),
        cmocka_unit_test_teardown(test_components_modal, env_teardown),
        cmocka_unit_test_teardown(test_rate_limits, env_teardown),
        cmocka_unit_test_teardown(test_channels, env_teardown),
        cmocka_unit_test_teardown(test_dm_and_messages, env_teardown),
        cmocka_unit_test_teardown(test_pin_permission, env_teardown),
        cmocka_unit_test_teardown(test_message_content_rule, env_teardown),
        cmocka_unit_test_teardown(test_control_api, env_teardown),
        cmocka_unit_test_teardown(test_control_api_off, env_teardown),
        cmocka_unit_test_teardown(test_state_and_logs, env_teardown),
    };

    if (getenv("CHORUS_TEST_DEBUG"))
        log_set_level(LOG_DEBUG);
    else
        log_set_level(LOG_WARN);
    if (getenv("CHORUS_TEST_FILTER"))
        cmocka_set_test_filter(getenv("CHORUS_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
