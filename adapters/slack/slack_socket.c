/*
 * slack_socket: Socket Mode connections.
 *
 * A socket's life: apps.connections.open with the app-level token gives a
 * one-time URL; we connect to it with that URL's own scheme (wss:// from
 * Slack, ws:// from a simulator); the socket counts as connected once
 * Slack says hello.  Every socket pings every ping_ms and is declared
 * stale when no pong came for stale_ms; a socket that never says hello is
 * given up after hello_ms.
 *
 * Slack asks for new sockets with a disconnect message.  What each reason
 * means is the table below:
 *   warning, refresh_requested  open the new socket first; close the old
 *                               one (politely, 1000) once the new one says
 *                               hello, so there is no gap
 *   too_many_websockets         close the old one first, then open
 *   link_disabled               Socket Mode was turned off: close, wait
 *                               minutes (doubling), say so in the log
 * A socket lost otherwise (dropped, stale, closed by the peer) is replaced
 * after an exponential backoff with jitter, reset by every hello.  While
 * two sockets overlap both deliver; the core's dedupe by event id makes a
 * doubly delivered event harmless.  Dead tokens stop the adapter (the
 * API layer's error table).
 */
#include "slack_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "loop.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

#define MAX_FRAME_IN     ((size_t)1 << 20)  /* Slack frames are far less */
#define MAX_FRAME_OUT    ((size_t)256 << 10)
#define OPEN_TIMEOUT_MS  10000
#define CLOSE_TIMEOUT_MS 3000

enum sock_state {
    SOCK_URL,          /* apps.connections.open in flight */
    SOCK_CONNECTING,   /* websocket opening, or open without hello */
    SOCK_OPEN,         /* hello received: connected */
    SOCK_CLOSING,      /* our close frame is on its way */
};

static const char *const sock_state_names[] = {
    [SOCK_URL] = "url",
    [SOCK_CONNECTING] = "connecting",
    [SOCK_OPEN] = "open",
    [SOCK_CLOSING] = "closing",
};

struct slack_sock {
    struct slack_sock *next;
    struct slack      *sk;
    unsigned           id;
    enum sock_state    state;
    struct ws_conn    *ws;
    struct api_req    *url_req;     /* while SOCK_URL */
    struct loop_timer *timer;       /* hello limit, then pings */
    int64_t            created_ms;
    int64_t            last_pong_ms;
    unsigned           pings;
    bool               retiring;    /* a newer socket takes over */
    bool               close_first; /* too_many_websockets */
    bool               disabled;    /* link_disabled */
};

/* ---- the disconnect table ---- */

enum disc_action {
    DISC_NEW_FIRST,    /* open the new socket, then close this one */
    DISC_CLOSE_FIRST,  /* close this one, then open */
    DISC_DISABLED,     /* close; reconnect after minutes */
};

static const struct {
    const char      *reason;
    enum disc_action action;
} disconnect_table[] = {
    { .reason = "warning", .action = DISC_NEW_FIRST },
    { .reason = "refresh_requested", .action = DISC_NEW_FIRST },
    { .reason = "too_many_websockets", .action = DISC_CLOSE_FIRST },
    { .reason = "link_disabled", .action = DISC_DISABLED },
};

/* ---- bookkeeping ---- */

unsigned
slack_socket_id(const struct slack_sock *s)
{
    return s->id;
}

struct slack *
slack_socket_owner(const struct slack_sock *s)
{
    return s->sk;
}

size_t
slack_socket_count(const struct slack *sk)
{
    size_t n = 0;

    for (const struct slack_sock *s = sk->socks; s; s = s->next)
        n++;
    return n;
}

static size_t
count_state(const struct slack *sk, enum sock_state st)
{
    size_t n = 0;

    for (const struct slack_sock *s = sk->socks; s; s = s->next)
        n += s->state == st;
    return n;
}

static void sock_timer(void *arg);

static struct slack_sock *
sock_new(struct slack *sk)
{
    struct slack_sock *s = xcalloc(1, sizeof(*s)), **tail;

    s->sk = sk;
    s->id = ++sk->sock_seq;
    s->state = SOCK_URL;
    s->created_ms = loop_now_ms(sk->env.loop);
    s->timer = loop_timer_new(sk->env.loop, sock_timer, s);
    for (tail = &sk->socks; *tail; tail = &(*tail)->next)
        ;
    *tail = s;
    return s;
}

/* Unlink and free; no callback of s runs afterwards. */
static void
sock_free(struct slack_sock *s)
{
    struct slack *sk = s->sk;

    for (struct slack_sock **pp = &sk->socks; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    if (s->url_req)
        s->url_req->ctx = NULL;   /* its answer finds no socket */
    ws_free(s->ws);
    loop_timer_free(s->timer);
    free(s);
}

/* ---- reconnecting ---- */

static void
schedule_reconnect(struct slack *sk)
{
    int64_t delay;

    if (sk->reconnect_armed || sk->stopping || sk->failed)
        return;
    delay = sk->link_disabled_wait ? sk->link_disabled_wait
                                   : backoff_next(&sk->reconnect);
    sk->reconnect_armed = true;
    loop_timer_arm(sk->reconnect_timer, delay);
    if (sk->link_disabled_wait)
        log_warn(SLACK_MOD, "Socket Mode is disabled for this app "
                 "(link_disabled): trying again in %" PRId64 " min %" PRId64
                 " s; turn Socket Mode on in the app's settings", delay /
                 60000, delay / 1000 % 60);
    else
        log_info(SLACK_MOD, "reconnecting in %" PRId64 " ms", delay);
}

/* A socket is gone: decide what comes next. */
static void
after_loss(struct slack *sk, bool close_first, bool disabled)
{
    if (sk->stopping || sk->failed) {
        slack_stop_progress(sk);
        return;
    }
    if (disabled) {
        schedule_reconnect(sk);
        return;
    }
    if (close_first) {
        slack_socket_open(sk, "too_many_websockets");
        return;
    }
    /* Another socket that is open, or on its way, carries on. */
    for (struct slack_sock *s = sk->socks; s; s = s->next)
        if (s->state != SOCK_CLOSING && !(s->state == SOCK_OPEN &&
                                           s->retiring))
            return;
    schedule_reconnect(sk);
}

/* Drop s at once (no close frame), then replace it as needed. */
static void
sock_kill(struct slack_sock *s, const char *why)
{
    struct slack *sk = s->sk;

    log_warn(SLACK_MOD, "socket %u: %s; dropping it", s->id, why);
    sock_free(s);
    after_loss(sk, false, false);
}

static void
sock_close(struct slack_sock *s, const char *why)
{
    if (!s->ws || s->state == SOCK_CLOSING)
        return;
    s->state = SOCK_CLOSING;
    loop_timer_stop(s->timer);
    ws_close(s->ws, 1000, why);
}

/* ---- websocket callbacks ---- */

static void
on_open(void *arg)
{
    struct slack_sock *s = arg;

    log_debug(SLACK_MOD, "socket %u: websocket open, waiting for hello",
              s->id);
}

static void
on_text(void *arg, const char *msg, size_t len)
{
    slack_events_frame(arg, msg, len);
}

static void
on_pong(void *arg, const void *payload, size_t len)
{
    struct slack_sock *s = arg;

    (void)payload;
    (void)len;
    s->last_pong_ms = loop_now_ms(s->sk->env.loop);
}

static void
on_close(void *arg, int code, const char *reason)
{
    struct slack_sock *s = arg;
    struct slack *sk = s->sk;
    bool ours = s->state == SOCK_CLOSING;
    bool close_first = s->close_first, disabled = s->disabled;

    if (ours || sk->stopping)
        log_info(SLACK_MOD, "socket %u closed (%d: %s)", s->id, code,
                 reason);
    else if (s->state == SOCK_OPEN)
        log_warn(SLACK_MOD, "socket %u lost (%s%d: %s)", s->id,
                 code == WS_CLOSE_NONE ? "no close frame, " : "code ",
                 code, reason);
    else
        log_warn(SLACK_MOD, "socket %u could not connect: %s", s->id,
                 reason);
    sock_free(s);      /* ws_free inside its own callback is allowed */
    metrics_set("chorus_platform_connected", "platform", "slack",
                count_state(sk, SOCK_OPEN) > 0);
    after_loss(sk, close_first, disabled);
}

static const struct ws_callbacks callbacks = {
    .on_open = on_open,
    .on_text = on_text,
    .on_pong = on_pong,
    .on_close = on_close,
};

/* ---- opening ---- */

static void
connect_url(struct slack_sock *s, const char *url)
{
    struct slack *sk = s->sk;
    struct ws_url u;
    struct ws_conn_options o = {
        .max_message_in = MAX_FRAME_IN,
        .max_message_out = MAX_FRAME_OUT,
        .open_timeout_ms = OPEN_TIMEOUT_MS,
        .close_timeout_ms = CLOSE_TIMEOUT_MS,
    };

    /* Never log the URL: its ticket opens a socket. */
    if (ws_url_parse(url, &u) != 0) {
        log_warn(SLACK_MOD, "socket %u: apps.connections.open gave a URL "
                 "that is not ws:// or wss://", s->id);
        sock_free(s);
        after_loss(sk, false, false);
        return;
    }
    s->ws = ws_connect(sk->env.ws, url, &o, &callbacks, s);
    if (!s->ws) {
        sock_free(s);
        after_loss(sk, false, false);
        return;
    }
    s->state = SOCK_CONNECTING;
    loop_timer_arm(s->timer, sk->t.hello_ms);
    log_debug(SLACK_MOD, "socket %u: connecting to %s:%d%s", s->id, u.host,
              u.port, u.tls ? " (tls)" : "");
}

static bool
url_done(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    struct slack_sock *s = r->ctx;
    const char *url;

    if (!s)
        return false;         /* the socket went (stop) */
    s->url_req = NULL;
    if (res->outcome == API_CANCELLED)
        return false;
    url = res->outcome == API_OK ? json_string(res->body, "url") : NULL;
    if (url && *url) {
        connect_url(s, url);
        return false;
    }
    if (res->error && strcmp(res->error, "missing_scope") == 0) {
        slack_fatal(sk, ADAPTER_FATAL_REFUSED, "the app-level token lacks the connections:write "
                    "scope (apps.connections.open: missing_scope); create "
                    "one with it under Basic Information");
        return false;
    }
    log_warn(SLACK_MOD, "socket %u: apps.connections.open failed: %s",
             s->id, res->error ? res->error : "no url in the answer");
    sock_free(s);
    after_loss(sk, false, false);
    return false;
}

void
slack_socket_open(struct slack *sk, const char *why)
{
    struct slack_sock *s;

    if (sk->stopping || sk->failed || !sk->authed)
        return;
    /* One new socket at a time. */
    if (count_state(sk, SOCK_URL) || count_state(sk, SOCK_CONNECTING))
        return;
    if (sk->reconnect_armed) {
        loop_timer_stop(sk->reconnect_timer);
        sk->reconnect_armed = false;
    }
    s = sock_new(sk);
    log_debug(SLACK_MOD, "socket %u: opening (%s)", s->id, why);
    s->url_req = slack_api_req_new(sk, SM_APPS_CONNECTIONS_OPEN, url_done);
    s->url_req->ctx = s;
    slack_api_submit(sk, s->url_req, NULL);
}

/* ---- Slack's control messages ---- */

struct slack_sock *
slack_socket_detached(struct slack *sk)
{
    struct slack_sock *s = sock_new(sk);

    s->state = SOCK_CONNECTING;
    return s;
}

void
slack_socket_hello(struct slack_sock *s, const cJSON *j)
{
    struct slack *sk = s->sk;
    const cJSON *n = json_get(j, "num_connections");
    const cJSON *life = json_get(j, "debug_info.approximate_connection_time");
    int64_t now = loop_now_ms(sk->env.loop);

    if (s->state != SOCK_CONNECTING) {
        log_info(SLACK_MOD, "socket %u: hello while %s; ignored", s->id,
                 sock_state_names[s->state]);
        return;
    }
    s->state = SOCK_OPEN;
    s->last_pong_ms = now;
    if (sk->ever_open)
        metrics_count("chorus_platform_reconnects_total", "platform",
                      "slack", 1);
    sk->ever_open = true;
    metrics_set("chorus_platform_connected", "platform", "slack", 1);
    backoff_reset(&sk->reconnect);
    sk->link_disabled_wait = 0;
    log_info(SLACK_MOD, "socket %u connected (%d open; Slack refreshes it "
             "in about %d s)", s->id,
             cJSON_IsNumber(n) ? n->valueint : -1,
             cJSON_IsNumber(life) ? life->valueint : -1);
    loop_timer_arm(s->timer, sk->t.ping_ms);
    if (sk->stopping) {
        sock_close(s, "shutting down");
        return;
    }
    /* The new one is up: the ones it replaces go now. */
    for (struct slack_sock *o = sk->socks; o; o = o->next)
        if (o != s && o->retiring && o->state == SOCK_OPEN) {
            log_info(SLACK_MOD, "socket %u: closing, socket %u took over",
                     o->id, s->id);
            sock_close(o, "refreshed");
        }
}

void
slack_socket_disconnect(struct slack_sock *s, const cJSON *j)
{
    struct slack *sk = s->sk;
    const char *reason = json_string(j, "reason");
    enum disc_action act = DISC_NEW_FIRST;
    bool known = false;

    for (size_t i = 0;
         reason && i < sizeof(disconnect_table) / sizeof(*disconnect_table);
         i++)
        if (strcmp(disconnect_table[i].reason, reason) == 0) {
            act = disconnect_table[i].action;
            known = true;
        }
    if (!known)
        log_warn(SLACK_MOD, "socket %u: disconnect with unknown reason "
                 "\"%s\"; treated as refresh_requested", s->id,
                 reason ? reason : "(none)");
    else
        log_info(SLACK_MOD, "socket %u: disconnect %s", s->id, reason);
    if (sk->stopping || s->state == SOCK_CLOSING)
        return;
    s->retiring = true;
    switch (act) {
    case DISC_NEW_FIRST:
        slack_socket_open(sk, reason ? reason : "disconnect");
        /* A socket that was not yet open is simply replaced. */
        if (s->state != SOCK_OPEN)
            sock_close(s, "replaced");
        break;
    case DISC_CLOSE_FIRST:
        s->close_first = true;
        sock_close(s, "too many websockets");
        break;
    case DISC_DISABLED:
        s->disabled = true;
        sk->link_disabled_wait =
            sk->link_disabled_wait ? sk->link_disabled_wait * 2
                                   : sk->t.link_disabled_ms;
        if (sk->link_disabled_wait > sk->t.link_disabled_max_ms)
            sk->link_disabled_wait = sk->t.link_disabled_max_ms;
        sock_close(s, "link disabled");
        break;
    }
}

int
slack_socket_send(struct slack_sock *s, const char *text, size_t len)
{
    struct slack *sk = s->sk;

    if (s->ws && s->state != SOCK_CLOSING &&
        ws_send_text(s->ws, text, len) == 0)
        return 0;
    /* The socket it came on is closing: any open one takes the ack. */
    for (struct slack_sock *o = sk->socks; o; o = o->next)
        if (o != s && o->ws && o->state == SOCK_OPEN &&
            ws_send_text(o->ws, text, len) == 0)
            return 0;
    return -1;
}

/* ---- liveness ---- */

static void
sock_timer(void *arg)
{
    struct slack_sock *s = arg;
    struct slack *sk = s->sk;
    int64_t now = loop_now_ms(sk->env.loop);
    char why[96], payload[48];
    int n;

    switch (s->state) {
    case SOCK_URL:
    case SOCK_CLOSING:
        return;
    case SOCK_CONNECTING:
        snprintf(why, sizeof(why), "no hello within %" PRId64 " ms",
                 sk->t.hello_ms);
        sock_kill(s, why);
        return;
    case SOCK_OPEN:
        break;
    }
    if (now - s->last_pong_ms > sk->t.stale_ms) {
        snprintf(why, sizeof(why), "stale: no pong for %" PRId64 " ms",
                 now - s->last_pong_ms);
        sock_kill(s, why);
        return;
    }
    n = snprintf(payload, sizeof(payload), "chorus %u:%u", s->id,
                 ++s->pings);
    ws_send_ping(s->ws, payload, (size_t)n);
    loop_timer_arm(s->timer, sk->t.ping_ms);
}

/* ---- stop ---- */

void
slack_socket_close_all(struct slack *sk)
{
    struct slack_sock *s = sk->socks, *next;

    if (sk->reconnect_armed) {
        loop_timer_stop(sk->reconnect_timer);
        sk->reconnect_armed = false;
    }
    for (; s; s = next) {
        next = s->next;
        if (s->state == SOCK_OPEN)
            sock_close(s, "shutting down");
        else if (s->state != SOCK_CLOSING)
            sock_free(s);          /* not connected yet: nothing to say */
    }
}

void
slack_socket_free_all(struct slack *sk)
{
    while (sk->socks)
        sock_free(sk->socks);
    loop_timer_free(sk->reconnect_timer);
    sk->reconnect_timer = NULL;
    sk->reconnect_armed = false;
}
