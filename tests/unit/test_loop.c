/*
 * test_loop: adapters/runtime/loop.c, http.c and ws.c together, in one
 * process and one thread, as the daemon runs them.
 *
 * Each test builds an environment (loop, ws context, an lws server vhost
 * on 127.0.0.1 with an ephemeral port, an http client), runs the loop until
 * the test's state machine calls env_finish(), then shuts down in the
 * teardown order (own handles, curl, lws stage 1, stop) and checks what
 * the callbacks recorded.  Callbacks only record; the assertions run after
 * loop_run() returned, so a failing assert never longjmps out of libuv.  A
 * watchdog timer ends a stuck test.
 *
 * The server (protocols[0] of the test vhost) speaks:
 *  - HTTP: GET /data?i=N, POST /echo, GET /limited (429), GET /big,
 *    GET /hang (never answers), anything else 404;
 *  - websocket text commands: "close:CODE:REASON", "drop" (TCP close, no
 *    close frame), "ping:PAYLOAD" (server ping; the client's automatic pong
 *    is reported back as text "pong:PAYLOAD"), "big:N" (an N-byte message
 *    sent in 4000-byte fragments), "stall" (reply "stalled", then stop
 *    reading); anything else is echoed.
 */
#include <uv.h>
#include <libwebsockets.h>

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "http.h"
#include "ws.h"
#include "loop.h"
#include "buf.h"
#include "log.h"
#include "xmalloc.h"

/* Generous: valgrind slows lws and TLS a lot; a passing run takes far less. */
#define WATCHDOG_MS 30000

/* Self-signed P-256 (valid to 2126) for the wss/https test only. */
static const char test_cert_pem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBmjCCAUGgAwIBAgIUeNuNCZ3cb7f8c9BMb1tnh7kgvn4wCgYIKoZIzj0EAwIw\n"
    "FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDE1MDAyOFoYDzIxMjYxMDMx\n"
    "MTUwMDI4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
    "PQMBBwNCAAQOHbZic9auU5SW2GYrpDK8QtT5bLoqon8o/k/0yeR28ayCYE7EWIHg\n"
    "7ON7So3E/dDvLgANBXd/eqw69RKiD7Xdo28wbTAdBgNVHQ4EFgQUTLR8I/TVjeYw\n"
    "d90JlcSN4NJbInkwHwYDVR0jBBgwFoAUTLR8I/TVjeYwd90JlcSN4NJbInkwDwYD\n"
    "VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI\n"
    "zj0EAwIDRwAwRAIgAiO6HsBOZkbpvcirDh7/vpfQqEyk3ZXiqnOKB9KCtWQCIBQ6\n"
    "fltmOedNMUjUv+6zbaLqN0or2++7HaLLlJf6IxOg\n"
    "-----END CERTIFICATE-----\n";
static const char test_key_pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQiNCh/ZkFijACFNZ\n"
    "/XaBifSB+ZbrZnreIyAqXRWYr0mhRANCAAQOHbZic9auU5SW2GYrpDK8QtT5bLoq\n"
    "on8o/k/0yeR28ayCYE7EWIHg7ON7So3E/dDvLgANBXd/eqw69RKiD7Xd\n"
    "-----END PRIVATE KEY-----\n";

/* ================= the test server ================= */

struct srv_frame {
    struct srv_frame        *next;
    enum lws_write_protocol  type;
    size_t                   len;
    unsigned char            data[];
};

struct srv_pss {
    /* http */
    char              path[64];
    char              args[64];
    char              auth[128];
    char              ctype[64];
    struct buf        body_in;
    unsigned char    *resp;           /* LWS_PRE + body */
    size_t            resp_len;
    /* websocket */
    struct srv_frame *qhead, *qtail;
    int               close_code;
    char              close_reason[64];
    bool              close_pending;
    bool              close_sent;
    size_t            big_total, big_sent;
    bool              close_after;    /* /bye: close the TCP once answered */
};

/* What the server saw, for the assertions. */
static struct {
    int  ws_established;
    int  ws_closed;
    int  peer_close_code;          /* close code a client sent us */
    char peer_close_reason[64];
    int  http_requests;
} srv;

static void
srv_queue(struct srv_pss *p, enum lws_write_protocol type, const void *d,
          size_t len)
{
    struct srv_frame *f = xmalloc(sizeof(*f) + LWS_PRE + len);

    f->next = NULL;
    f->type = type;
    f->len = len;
    memcpy(f->data + LWS_PRE, d, len);
    if (p->qtail)
        p->qtail->next = f;
    else
        p->qhead = f;
    p->qtail = f;
}

static void
srv_clear(struct srv_pss *p)
{
    while (p->qhead) {
        struct srv_frame *f = p->qhead;

        p->qhead = f->next;
        free(f);
    }
    p->qtail = NULL;
    free(p->resp);
    p->resp = NULL;
    buf_free(&p->body_in);
    p->close_after = false;
}

struct srv_hdr {
    const char *name;       /* lws wants the trailing colon */
    const char *value;
};

/* A Discord-style 429: Retry-After in the body, and the bucket headers. */
static const struct srv_hdr limited_hdrs[] = {
    { .name = "retry-after:", .value = "2" },
    { .name = "x-ratelimit-limit:", .value = "5" },
    { .name = "x-ratelimit-remaining:", .value = "0" },
    { .name = "x-ratelimit-reset-after:", .value = "1.500" },
    { .name = "x-ratelimit-bucket:", .value = "abcd1234" },
    { .name = "x-ratelimit-scope:", .value = "user" },
};

static int
srv_respond(struct lws *wsi, struct srv_pss *p)
{
    unsigned char hdr[LWS_PRE + 2048], *start = hdr + LWS_PRE, *h = start;
    unsigned char *end = hdr + sizeof(hdr) - 1;
    struct buf body = BUF_INIT;
    const char *ctype = "text/plain";
    unsigned status = 200;
    struct srv_hdr extra[8];
    size_t n = 0;

    if (strcmp(p->path, "/data") == 0) {
        buf_printf(&body, "data:%s", p->args[0] ? p->args + 2 : "");
        extra[n++] = (struct srv_hdr){ "x-test:", "yes" };
        extra[n++] = (struct srv_hdr){ "x-echo-auth:", p->auth };
    } else if (strcmp(p->path, "/echo") == 0) {
        buf_add(&body, buf_cstr(&p->body_in), p->body_in.len);
        ctype = "application/json";
        extra[n++] = (struct srv_hdr){ "x-got-type:", p->ctype };
    } else if (strcmp(p->path, "/limited") == 0) {
        status = 429;
        ctype = "application/json";
        buf_adds(&body, "{\"message\":\"You are being rate limited.\","
                        "\"retry_after\":2.0,\"global\":false}");
        for (size_t i = 0; i < sizeof(limited_hdrs) / sizeof(*limited_hdrs);
             i++)
            extra[n++] = limited_hdrs[i];
    } else if (strcmp(p->path, "/big") == 0) {
        for (int i = 0; i < 8192; i++)
            buf_addc(&body, 'b');
    } else if (strcmp(p->path, "/bye") == 0) {
        buf_adds(&body, "bye");
        p->close_after = true;
    } else {
        status = 404;
        buf_adds(&body, "not found");
    }

    if (lws_add_http_common_headers(wsi, status, ctype, body.len, &h, end))
        goto fail;
    for (size_t i = 0; i < n; i++)
        if (lws_add_http_header_by_name(wsi,
                (const unsigned char *)extra[i].name,
                (const unsigned char *)extra[i].value,
                (int)strlen(extra[i].value), &h, end))
            goto fail;
    /* Headers from here (lws's own examples do the same); the body only
     * from HTTP_WRITEABLE. */
    if (lws_finalize_write_http_header(wsi, start, &h, end))
        goto fail;
    p->resp_len = body.len;
    p->resp = xmalloc(LWS_PRE + body.len + 1);
    memcpy(p->resp + LWS_PRE, buf_cstr(&body), body.len);
    buf_free(&body);
    lws_callback_on_writable(wsi);
    return 0;
fail:
    buf_free(&body);
    return -1;
}

static int
srv_ws_receive(struct lws *wsi, struct srv_pss *p, const char *in,
               size_t len)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "%.*s", (int)len, in);
    if (strncmp(cmd, "close:", 6) == 0) {
        char *e;

        p->close_code = (int)strtol(cmd + 6, &e, 10);
        snprintf(p->close_reason, sizeof(p->close_reason), "%s",
                 *e == ':' ? e + 1 : "");
        p->close_pending = true;
    } else if (strcmp(cmd, "stall") == 0) {
        /* Answer, then stop reading: a later close frame goes unread. */
        srv_queue(p, LWS_WRITE_TEXT, "stalled", 7);
        lws_rx_flow_control(wsi, 0);
    } else if (strcmp(cmd, "drop") == 0) {
        return -1;      /* no close reason set: lws just closes the TCP */
    } else if (strncmp(cmd, "ping:", 5) == 0) {
        srv_queue(p, LWS_WRITE_PING, cmd + 5, strlen(cmd + 5));
    } else if (strncmp(cmd, "big:", 4) == 0) {
        p->big_total = (size_t)strtoul(cmd + 4, NULL, 10);
        p->big_sent = 0;
    } else {
        srv_queue(p, LWS_WRITE_TEXT, in, len);
    }
    lws_callback_on_writable(wsi);
    return 0;
}

static int
srv_ws_writeable(struct lws *wsi, struct srv_pss *p)
{
    if (p->qhead) {
        struct srv_frame *f = p->qhead;
        int n;

        p->qhead = f->next;
        if (!p->qhead)
            p->qtail = NULL;
        n = lws_write(wsi, f->data + LWS_PRE, f->len, f->type);
        free(f);
        if (n < 0)
            return -1;
    } else if (p->big_sent < p->big_total) {
        unsigned char frag[LWS_PRE + 4000];
        size_t n = p->big_total - p->big_sent;
        int flags;

        /* lws writes at most ~4 KiB per call and buffers the rest; a
         * peer's close that arrives while tx is buffered makes lws drop
         * the connection instead of answering, so keep fragments small. */
        if (n > 4000)
            n = 4000;
        for (size_t i = 0; i < n; i++)
            frag[LWS_PRE + i] = (unsigned char)('a' + (p->big_sent + i) % 26);
        flags = lws_write_ws_flags(LWS_WRITE_TEXT, p->big_sent == 0,
                                   p->big_sent + n == p->big_total);
        if (lws_write(wsi, frag + LWS_PRE, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        p->big_sent += n;
    } else if (p->close_pending) {
        p->close_pending = false;
        p->close_sent = true;
        return ws_lws_close_frame(wsi, p->close_code, p->close_reason,
                                  strlen(p->close_reason));
    }
    if (p->qhead || p->big_sent < p->big_total || p->close_pending)
        lws_callback_on_writable(wsi);
    return 0;
}

static int
srv_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
       void *in, size_t len)
{
    struct srv_pss *p = user;

    if (!p)     /* e.g. a connection that failed its TLS handshake */
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        srv.http_requests++;
        srv_clear(p);
        snprintf(p->path, sizeof(p->path), "%s", (const char *)in);
        p->args[0] = p->auth[0] = p->ctype[0] = '\0';
        lws_hdr_copy_fragment(wsi, p->args, sizeof(p->args),
                              WSI_TOKEN_HTTP_URI_ARGS, 0);
        lws_hdr_copy(wsi, p->auth, sizeof(p->auth),
                     WSI_TOKEN_HTTP_AUTHORIZATION);
        lws_hdr_copy(wsi, p->ctype, sizeof(p->ctype),
                     WSI_TOKEN_HTTP_CONTENT_TYPE);
        if (strcmp(p->path, "/hang") == 0)
            return 0;   /* never answer; the client times out */
        if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
            return 0;   /* wait for the body */
        return srv_respond(wsi, p);
    case LWS_CALLBACK_HTTP_BODY:
        buf_add(&p->body_in, in, len);
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return srv_respond(wsi, p);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (!p->resp)
            return 0;
        if (lws_write(wsi, p->resp + LWS_PRE, p->resp_len,
                      LWS_WRITE_HTTP_FINAL) < (int)p->resp_len)
            return -1;
        free(p->resp);
        p->resp = NULL;
        buf_free(&p->body_in);
        if (p->close_after || lws_http_transaction_completed(wsi))
            return -1;
        return 0;
    case LWS_CALLBACK_CLOSED_HTTP:
        srv_clear(p);
        return 0;

    case LWS_CALLBACK_ESTABLISHED:
        srv.ws_established++;
        memset(p, 0, sizeof(*p));
        return 0;
    case LWS_CALLBACK_RECEIVE:
        return srv_ws_receive(wsi, p, in, len);
    case LWS_CALLBACK_RECEIVE_PONG: {
        char msg[160];
        int n = snprintf(msg, sizeof(msg), "pong:%.*s", (int)len,
                         (const char *)in);

        srv_queue(p, LWS_WRITE_TEXT, msg, (size_t)n);
        lws_callback_on_writable(wsi);
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return srv_ws_writeable(wsi, p);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (p->close_sent)
            return -1;  /* the client's echo of our close */
        if (len >= 2) {
            const unsigned char *b = in;

            srv.peer_close_code = b[0] << 8 | b[1];
            snprintf(srv.peer_close_reason, sizeof(srv.peer_close_reason),
                     "%.*s", (int)len - 2, (const char *)in + 2);
        }
        return 0;
    case LWS_CALLBACK_CLOSED:
        srv.ws_closed++;
        srv_clear(p);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols srv_protocols[] = {
    {
        .name = "test",
        .callback = srv_cb,
        .per_session_data_size = sizeof(struct srv_pss),
        .rx_buffer_size = 0,
    },
    { .name = NULL },
};

/* ================= environment ================= */

struct env {
    struct loop       *loop;
    struct ws_ctx     *ws;
    struct http       *http;
    struct loop_timer *watchdog;
    int                port;
    int                tls_port;
    int                remaining;       /* env_done() calls to finish */
    bool               timed_out;
    bool               finishing;
    char               url[128];
};

static void
shutdown_cb(void *arg)
{
    struct env *e = arg;

    /* Own handles, curl teardown, lws stage 1, stop: libuv needs every
     * handle closed before the loop ends. */
    loop_timer_free(e->watchdog);
    e->watchdog = NULL;
    http_free(e->http);
    e->http = NULL;
    ws_ctx_shutdown(e->ws);
    loop_stop(e->loop);
}

/* Safe from any callback: the teardown itself runs from loop_defer. */
static void
env_finish(struct env *e)
{
    if (e->finishing)
        return;
    e->finishing = true;
    loop_defer(e->loop, shutdown_cb, e);
}

static void
env_done(struct env *e)
{
    if (--e->remaining <= 0)
        env_finish(e);
}

static void
watchdog_cb(void *arg)
{
    struct env *e = arg;

    e->timed_out = true;
    env_finish(e);
}

static void
env_init(struct env *e, bool tls)
{
    struct ws_listen_options lo = {
        .protocols = srv_protocols,
    };
    struct http_options ho = {
        .max_body = 4096,
        .insecure = tls,
    };

    memset(e, 0, sizeof(*e));
    memset(&srv, 0, sizeof(srv));
    e->remaining = 1;
    e->loop = loop_new();
    assert_non_null(e->loop);
    e->ws = ws_ctx_new(e->loop, &(struct ws_ctx_options){
        .lws_debug = getenv("CHORUS_TEST_LWS") != NULL });
    assert_non_null(e->ws);
    assert_non_null(ws_ctx_listen(e->ws, &lo, &e->port));
    assert_true(e->port > 0);
    if (tls) {
        lo.name = "local-tls";
        lo.cert_pem = test_cert_pem;
        lo.key_pem = test_key_pem;
        assert_non_null(ws_ctx_listen(e->ws, &lo, &e->tls_port));
        assert_true(e->tls_port > 0);
    }
    e->http = http_new(e->loop, &ho);
    assert_non_null(e->http);
    e->watchdog = loop_timer_new(e->loop, watchdog_cb, e);
    loop_timer_arm(e->watchdog, WATCHDOG_MS);
    snprintf(e->url, sizeof(e->url), "ws://127.0.0.1:%d/socket?x=1",
             e->port);
}

/* Run to completion and tear down; asserts the shutdown was clean. */
static void
env_run(struct env *e)
{
    int rc = loop_run(e->loop);

    ws_ctx_free(e->ws);
    loop_free(e->loop);
    assert_false(e->timed_out);
    assert_int_equal(rc, 0);
}

static int
closed_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    port = ntohs(sa.sin_port);
    close(fd);      /* never listened: connects are refused */
    return port;
}

/* ================= loop: timers, defer, signals ================= */

struct lt;

struct lt_tag {
    struct lt         *lt;
    int                id;
    struct loop_timer *timer;
};

struct lt {
    struct loop        *loop;
    struct loop_signal *sig;
    struct loop_timer  *stopped;
    int                 order[16];
    int                 norder;
    int                 defer_order[8];
    int                 ndefer;
    int                 signals;
    int                 signum;
    int64_t             t0, t_last;
    int                 fired_stopped;
    bool                done;
};

static void
lt_maybe_stop(struct lt *lt)
{
    if (lt->done || lt->norder != 3 || lt->ndefer != 4 || lt->signals != 1)
        return;
    lt->done = true;
    loop_timer_free(lt->stopped);   /* never fired, still open */
    loop_stop(lt->loop);
}

static void
lt_defer(void *arg)
{
    struct lt_tag *tag = arg;
    struct lt *lt = tag->lt;

    lt->defer_order[lt->ndefer++] = tag->id;
    if (tag->id == 1) {
        /* Deferred from a deferred call: runs after 2, not before. */
        static struct lt_tag three = { .id = 3 };

        three.lt = lt;
        loop_defer(lt->loop, lt_defer, &three);
    }
    lt_maybe_stop(lt);
}

static void
lt_signal(void *arg, int signum)
{
    struct lt *lt = arg;

    lt->signals++;
    lt->signum = signum;
    loop_signal_free(lt->sig);     /* freed inside its own callback */
    lt->sig = NULL;
    lt_maybe_stop(lt);
}

static void
lt_timer(void *arg)
{
    struct lt_tag *tag = arg;
    struct lt *lt = tag->lt;

    if (tag->id == 99) {
        lt->fired_stopped++;
        return;
    }
    lt->order[lt->norder++] = tag->id;
    lt->t_last = loop_now_ms(lt->loop);
    if (tag->id == 10) {
        static struct lt_tag four = { .id = 4 };

        four.lt = lt;
        raise(SIGUSR1);             /* reaches lt_signal via the loop */
        loop_defer(lt->loop, lt_defer, &four);
    }
    loop_timer_free(tag->timer);    /* inside its own callback */
    tag->timer = NULL;
    lt_maybe_stop(lt);
}

static void
test_loop_basics(void **state)
{
    struct lt lt = { 0 };
    struct lt_tag tags[4] = {
        { .lt = &lt, .id = 30 }, { .lt = &lt, .id = 10 },
        { .lt = &lt, .id = 20 }, { .lt = &lt, .id = 99 },
    };
    struct lt_tag d1 = { .lt = &lt, .id = 1 }, d2 = { .lt = &lt, .id = 2 };
    int64_t delays[] = { 30, 10, 20, 5 };

    (void)state;
    lt.loop = loop_new();
    assert_non_null(lt.loop);
    lt.sig = loop_signal_new(lt.loop, SIGUSR1, lt_signal, &lt);
    assert_non_null(lt.sig);
    lt.t0 = loop_now_ms(lt.loop);
    for (int i = 0; i < 4; i++) {
        tags[i].timer = loop_timer_new(lt.loop, lt_timer, &tags[i]);
        loop_timer_arm(tags[i].timer, 1000);    /* replaced below */
        loop_timer_arm(tags[i].timer, delays[i]);
    }
    lt.stopped = tags[3].timer;
    loop_timer_stop(lt.stopped);
    loop_defer(lt.loop, lt_defer, &d1);
    loop_defer(lt.loop, lt_defer, &d2);

    assert_int_equal(loop_run(lt.loop), 0);
    loop_free(lt.loop);

    assert_int_equal(lt.norder, 3);
    assert_int_equal(lt.order[0], 10);
    assert_int_equal(lt.order[1], 20);
    assert_int_equal(lt.order[2], 30);
    assert_true(lt.t_last - lt.t0 >= 30);
    assert_true(lt.t_last - lt.t0 < 1000);     /* the 1000 ms was replaced */
    assert_int_equal(lt.fired_stopped, 0);
    assert_int_equal(lt.ndefer, 4);
    assert_int_equal(lt.defer_order[0], 1);
    assert_int_equal(lt.defer_order[1], 2);
    assert_int_equal(lt.defer_order[2], 3);
    assert_int_equal(lt.defer_order[3], 4);
    assert_int_equal(lt.signals, 1);
    assert_int_equal(lt.signum, SIGUSR1);
}

static void
stop_cb(void *arg)
{
    loop_stop(arg);
}

static void
noop_timer(void *arg)
{
    (void)arg;
}

/* A handle left open is reported by loop_run, and loop_free copes. */
static void
test_loop_leak_reported(void **state)
{
    struct loop *loop = loop_new();
    struct loop_timer *t = loop_timer_new(loop, noop_timer, NULL);

    (void)state;
    loop_defer(loop, stop_cb, loop);
    assert_int_equal(loop_run(loop), -1);
    loop_timer_free(t);
    loop_free(loop);
}

/* ================= websocket client ================= */

struct wc {
    struct env     *e;
    struct ws_conn *c;
    int             opens;
    int             closes;
    int             close_code;
    char            close_reason[128];
    bool            in_connect;
    bool            closed_in_connect;
    int             echoed;          /* "msg-N" received in order */
    int             bad;             /* anything unexpected */
    int             pongs;
    char            pong[64];
    bool            srv_pong;
    bool            big_asked;
    size_t          big_len;
    bool            big_ok;
    int             mode;
    int64_t         closed_at;
    struct loop_timer *timer;
};

enum {
    MODE_ECHO,          /* the long conversation */
    MODE_CLIENT_CLOSE,  /* ws_close on open */
    MODE_DROP,          /* server drops TCP */
    MODE_TOO_BIG,       /* server sends more than max_message_in */
    MODE_FREE_ON_OPEN,  /* ws_free inside on_open */
    MODE_ONE_ECHO,      /* one message, then close (wss) */
    MODE_EXPECT_FAIL,   /* connect must fail */
    MODE_STALL_CLOSE,   /* server stops reading; ws_close must time out */
    MODE_FREE_LATER,    /* ws_free from a timer, outside callbacks */
};

static void
wc_send(struct wc *w, const char *s)
{
    if (ws_send_text(w->c, s, strlen(s)) != 0)
        w->bad++;
}

static void
wc_on_open(void *arg)
{
    struct wc *w = arg;
    char msg[32];

    w->opens++;
    switch (w->mode) {
    case MODE_ECHO:
        for (int i = 100; i < 200; i++) {
            snprintf(msg, sizeof(msg), "msg-%d", i);
            wc_send(w, msg);
        }
        break;
    case MODE_CLIENT_CLOSE:
        ws_close(w->c, 1000, "bye");
        /* Refused once closing. */
        if (ws_send_text(w->c, "late", 4) != -1)
            w->bad++;
        break;
    case MODE_DROP:
        wc_send(w, "drop");
        break;
    case MODE_TOO_BIG:
        wc_send(w, "big:100000");
        break;
    case MODE_FREE_ON_OPEN:
        ws_free(w->c);
        w->c = NULL;
        break;
    case MODE_ONE_ECHO:
        wc_send(w, "over tls");
        break;
    case MODE_STALL_CLOSE:
        wc_send(w, "stall");
        break;
    case MODE_FREE_LATER:
        loop_timer_arm(w->timer, 20);
        break;
    default:
        w->bad++;
        break;
    }
}

static void
wc_echo_progress(struct wc *w)
{
    if (w->pongs == 1 && w->srv_pong && !w->big_asked) {
        w->big_asked = true;
        wc_send(w, "big:300000");
    }
}

static void
wc_on_text(void *arg, const char *msg, size_t len)
{
    struct wc *w = arg;
    char want[32];

    if (w->mode == MODE_ONE_ECHO) {
        if (len != 8 || memcmp(msg, "over tls", 8) != 0)
            w->bad++;
        w->echoed++;
        ws_close(w->c, 1001, "done");
        return;
    }
    if (w->mode == MODE_STALL_CLOSE) {
        if (len != 7 || memcmp(msg, "stalled", 7) != 0)
            w->bad++;
        w->echoed++;
        ws_close(w->c, 1000, "bye");
        return;
    }
    if (w->mode != MODE_ECHO) {
        w->bad++;
        return;
    }
    if (w->echoed < 200) {
        snprintf(want, sizeof(want), "msg-%d", w->echoed);
        if (len != strlen(want) || memcmp(msg, want, len) != 0 ||
            msg[len] != '\0')
            w->bad++;
        if (++w->echoed == 200) {
            if (ws_send_ping(w->c, "hi", 2) != 0)
                w->bad++;
            wc_send(w, "ping:srv");
        }
        return;
    }
    if (len == 8 && memcmp(msg, "pong:srv", 8) == 0) {
        w->srv_pong = true;
        wc_echo_progress(w);
        return;
    }
    if (w->big_asked && !w->big_len) {
        w->big_len = len;
        w->big_ok = true;
        for (size_t i = 0; i < len; i++)
            if (msg[i] != (char)('a' + i % 26))
                w->big_ok = false;
        wc_send(w, "close:4000:going away");
        return;
    }
    w->bad++;
}

static void
wc_on_pong(void *arg, const void *payload, size_t len)
{
    struct wc *w = arg;

    w->pongs++;
    snprintf(w->pong, sizeof(w->pong), "%.*s", (int)len,
             (const char *)payload);
    wc_echo_progress(w);
}

static void
wc_on_close(void *arg, int code, const char *reason)
{
    struct wc *w = arg;

    if (w->in_connect)
        w->closed_in_connect = true;
    w->closes++;
    w->closed_at = loop_now_ms(w->e->loop);
    w->close_code = code;
    snprintf(w->close_reason, sizeof(w->close_reason), "%s", reason);
    ws_free(w->c);          /* inside on_close: allowed */
    w->c = NULL;
    env_done(w->e);
}

static const struct ws_callbacks wc_cbs = {
    .on_open = wc_on_open,
    .on_text = wc_on_text,
    .on_pong = wc_on_pong,
    .on_close = wc_on_close,
};

static void
wc_connect(struct wc *w, struct env *e, const char *url, int mode,
           const struct ws_conn_options *o)
{
    memset(w, 0, sizeof(*w));
    w->e = e;
    w->mode = mode;
    w->in_connect = true;
    w->c = ws_connect(e->ws, url, o, &wc_cbs, w);
    w->in_connect = false;
    assert_non_null(w->c);
}

static void
test_ws_echo(void **state)
{
    struct env e;
    struct wc w;
    char msg[32];

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_ECHO, NULL);
    /* The first half is queued before the connection is open. */
    for (int i = 0; i < 100; i++) {
        snprintf(msg, sizeof(msg), "msg-%d", i);
        wc_send(&w, msg);
    }
    assert_false(ws_is_open(w.c));
    {
        char *huge = xcalloc(1, WS_DEFAULT_MAX_MESSAGE_OUT + 1);

        /* Over max_message_out: refused, nothing queued. */
        assert_int_equal(ws_send_text(w.c, huge,
                                      WS_DEFAULT_MAX_MESSAGE_OUT + 1), -1);
        free(huge);
    }
    env_run(&e);

    assert_int_equal(w.bad, 0);
    assert_int_equal(w.opens, 1);
    assert_int_equal(w.echoed, 200);
    assert_int_equal(w.pongs, 1);
    assert_string_equal(w.pong, "hi");
    assert_true(w.srv_pong);
    assert_int_equal(w.big_len, 300000);
    assert_true(w.big_ok);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, 4000);
    assert_string_equal(w.close_reason, "going away");
    assert_false(w.closed_in_connect);
    assert_int_equal(srv.ws_established, 1);
    assert_int_equal(srv.ws_closed, 1);
}

static void
test_ws_client_close(void **state)
{
    struct env e;
    struct wc w;

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_CLIENT_CLOSE, NULL);
    env_run(&e);

    assert_int_equal(w.bad, 0);
    assert_int_equal(w.opens, 1);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, 1000);
    assert_int_equal(srv.peer_close_code, 1000);
    assert_string_equal(srv.peer_close_reason, "bye");
    assert_int_equal(srv.ws_closed, 1);
}

static void
test_ws_drop(void **state)
{
    struct env e;
    struct wc w;

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_DROP, NULL);
    env_run(&e);

    assert_int_equal(w.bad, 0);
    assert_int_equal(w.opens, 1);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, WS_CLOSE_NONE);
}

static void
test_ws_refused(void **state)
{
    struct env e;
    struct wc w;
    char url[64];

    (void)state;
    env_init(&e, false);
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/", closed_port());
    wc_connect(&w, &e, url, MODE_EXPECT_FAIL, NULL);
    env_run(&e);

    assert_int_equal(w.opens, 0);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, WS_CLOSE_NONE);
    assert_false(w.closed_in_connect);
    assert_true(strlen(w.close_reason) > 0);
    assert_int_equal(srv.ws_established, 0);
}

static void
test_ws_too_big(void **state)
{
    struct env e;
    struct wc w;
    struct ws_conn_options o = { .max_message_in = 65536 };

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_TOO_BIG, &o);
    env_run(&e);

    assert_int_equal(w.bad, 0);
    assert_int_equal(w.opens, 1);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, 1009);
    assert_non_null(strstr(w.close_reason, "65536"));
    assert_int_equal(srv.peer_close_code, 1009);
    assert_string_equal(srv.peer_close_reason, "message too big");
}

/* ws_free inside on_open: no more callbacks, the server sees a close. */
static void
srv_watch_closed(void *arg)
{
    struct env *e = arg;

    if (srv.ws_closed == 1)
        env_done(e);
    else
        loop_defer(e->loop, srv_watch_closed, e);
}

static void
free_on_open_poll(void *arg)
{
    struct wc *w = arg;

    if (w->opens == 1)
        srv_watch_closed(w->e);
    else
        loop_defer(w->e->loop, free_on_open_poll, w);
}

static void
test_ws_free_on_open(void **state)
{
    struct env e;
    struct wc w;

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_FREE_ON_OPEN, NULL);
    loop_defer(e.loop, free_on_open_poll, &w);
    env_run(&e);

    assert_int_equal(w.opens, 1);
    assert_int_equal(w.closes, 0);
    assert_int_equal(srv.ws_established, 1);
    assert_int_equal(srv.ws_closed, 1);
}

static void
test_ws_open_timeout(void **state)
{
    struct env e;
    struct wc w;
    struct ws_conn_options o = { .open_timeout_ms = 300 };
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t sl = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char url[64];
    int64_t t0;

    (void)state;
    /* Listens but never accepts: TCP connects, the upgrade never comes. */
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 4), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    env_init(&e, false);
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/", ntohs(sa.sin_port));
    t0 = loop_now_ms(e.loop);
    wc_connect(&w, &e, url, MODE_EXPECT_FAIL, &o);
    env_run(&e);
    close(fd);

    assert_int_equal(w.opens, 0);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, WS_CLOSE_NONE);
    assert_string_equal(w.close_reason, "timed out opening");
    assert_true(w.closed_at - t0 >= 295);
}

static void
test_ws_close_timeout(void **state)
{
    struct env e;
    struct wc w;
    struct ws_conn_options o = { .close_timeout_ms = 300 };

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_STALL_CLOSE, &o);
    env_run(&e);

    assert_int_equal(w.bad, 0);
    assert_int_equal(w.opens, 1);
    assert_int_equal(w.echoed, 1);
    assert_int_equal(w.closes, 1);
    assert_int_equal(w.close_code, 1000);   /* ours; no reply came */
    assert_non_null(strstr(w.close_reason, "no close reply in 300 ms"));
    assert_int_equal(srv.peer_close_code, 0);
}

static void
free_later_cb(void *arg)
{
    struct wc *w = arg;

    ws_free(w->c);          /* from a timer: not inside any lws callback */
    w->c = NULL;
    loop_timer_free(w->timer);
    w->timer = NULL;
    srv_watch_closed(w->e);
}

static void
test_ws_free_outside_callback(void **state)
{
    struct env e;
    struct wc w;

    (void)state;
    env_init(&e, false);
    wc_connect(&w, &e, e.url, MODE_FREE_LATER, NULL);
    w.timer = loop_timer_new(e.loop, free_later_cb, &w);
    env_run(&e);

    assert_int_equal(w.bad, 0);
    assert_int_equal(w.opens, 1);
    assert_int_equal(w.closes, 0);
    assert_null(w.timer);
    assert_int_equal(srv.ws_closed, 1);
}

static void
test_ws_url(void **state)
{
    struct ws_url u;

    (void)state;
    assert_int_equal(ws_url_parse("wss://gateway.discord.gg/?v=10&"
                                  "encoding=json", &u), 0);
    assert_true(u.tls);
    assert_string_equal(u.host, "gateway.discord.gg");
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/?v=10&encoding=json");
    assert_int_equal(ws_url_parse("wss://h?v=10", &u), 0);
    assert_string_equal(u.path, "/?v=10");
    assert_int_equal(ws_url_parse("ws://127.0.0.1:8080", &u), 0);
    assert_false(u.tls);
    assert_int_equal(u.port, 8080);
    assert_string_equal(u.path, "/");
    assert_int_equal(ws_url_parse("ws://[::1]:9/a#frag", &u), 0);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 9);
    assert_string_equal(u.path, "/a");
    assert_int_equal(ws_url_parse("http://x/", &u), -1);
    assert_int_equal(ws_url_parse("ws://:80/", &u), -1);
    assert_int_equal(ws_url_parse("ws://h:0/", &u), -1);
    assert_int_equal(ws_url_parse("ws://h:99999/", &u), -1);
    assert_int_equal(ws_url_parse("ws://h:8x/", &u), -1);
    assert_int_equal(ws_url_parse("ws://u@h/", &u), -1);
}

/* ================= http client ================= */

enum hkind {
    HK_DATA,
    HK_POST,
    HK_LIMITED,
    HK_HANG,
    HK_BIG,
    HK_NOTFOUND,
    HK_REFUSED,
    HK_CANCELLED,
};

struct ht {
    struct env       *e;
    int               data_ok;
    int               bad;
    long              post_status;
    char              post_body[128];
    char              post_type[64];
    long              lim_status;
    char              lim_body[128];
    char              retry_after[16], limit[16], remaining[16];
    char              reset_after[16], bucket[32], scope[16];
    bool              global_absent;
    enum http_error   hang_err;
    long              hang_status;
    int64_t           hang_ms;
    char              hang_text[128];
    enum http_error   big_err;
    char              big_text[128];
    long              nf_status;
    enum http_error   refused_err;
    int               cancelled_called;
    struct http_call *to_cancel;
    struct loop_timer *cancel_timer;
};

struct hreq {
    struct ht  *ht;
    enum hkind  kind;
    int         i;
};

static void
copy_hdr(char *dst, size_t n, const struct http_response *res,
         const char *name)
{
    const char *v = http_response_header(res, name);

    snprintf(dst, n, "%s", v ? v : "(none)");
}

static void
ht_done(void *arg, const struct http_response *res)
{
    struct hreq *r = arg;
    struct ht *ht = r->ht;
    char want[32];

    switch (r->kind) {
    case HK_DATA: {
        const char *auth = http_response_header(res, "X-ECHO-AUTH");

        snprintf(want, sizeof(want), "data:%d", r->i);
        if (res->error == HTTP_ERR_NONE && res->status == 200 &&
            strcmp(res->body, want) == 0 && res->body_len == strlen(want) &&
            auth && strcmp(auth, "Bearer xoxb-test") == 0 &&
            strcmp(http_response_header(res, "x-test"), "yes") == 0)
            ht->data_ok++;
        else
            ht->bad++;
        break;
    }
    case HK_POST:
        ht->post_status = res->status;
        snprintf(ht->post_body, sizeof(ht->post_body), "%s", res->body);
        copy_hdr(ht->post_type, sizeof(ht->post_type), res, "X-Got-Type");
        break;
    case HK_LIMITED:
        ht->lim_status = res->status;
        snprintf(ht->lim_body, sizeof(ht->lim_body), "%s", res->body);
        copy_hdr(ht->retry_after, sizeof(ht->retry_after), res,
                 "retry-after");
        copy_hdr(ht->limit, sizeof(ht->limit), res, "X-RateLimit-Limit");
        copy_hdr(ht->remaining, sizeof(ht->remaining), res,
                 "X-RateLimit-Remaining");
        copy_hdr(ht->reset_after, sizeof(ht->reset_after), res,
                 "X-RateLimit-Reset-After");
        copy_hdr(ht->bucket, sizeof(ht->bucket), res, "X-RATELIMIT-BUCKET");
        copy_hdr(ht->scope, sizeof(ht->scope), res, "x-ratelimit-scope");
        ht->global_absent =
            http_response_header(res, "X-RateLimit-Global") == NULL;
        break;
    case HK_HANG:
        ht->hang_err = res->error;
        ht->hang_status = res->status;
        ht->hang_ms = res->elapsed_ms;
        snprintf(ht->hang_text, sizeof(ht->hang_text), "%s",
                 res->error_text ? res->error_text : "");
        break;
    case HK_BIG:
        ht->big_err = res->error;
        snprintf(ht->big_text, sizeof(ht->big_text), "%s",
                 res->error_text ? res->error_text : "");
        break;
    case HK_NOTFOUND:
        ht->nf_status = res->status;
        break;
    case HK_REFUSED:
        ht->refused_err = res->error;
        break;
    case HK_CANCELLED:
        ht->cancelled_called++;
        break;
    }
    env_done(ht->e);
}

static void
ht_cancel(void *arg)
{
    struct ht *ht = arg;

    http_cancel(ht->to_cancel);
    ht->to_cancel = NULL;
    loop_timer_free(ht->cancel_timer);
    ht->cancel_timer = NULL;
    env_done(ht->e);
}

static struct http_call *
ht_get(struct ht *ht, struct hreq *r, const char *path, long timeout_ms)
{
    static const char *const hdrs[] = {
        "Authorization: Bearer xoxb-test",
        NULL,
    };
    char url[128];
    struct http_request rq = {
        .method = HTTP_GET,
        .url = url,
        .headers = hdrs,
        .timeout_ms = timeout_ms,
    };
    struct http_call *c;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", ht->e->port, path);
    c = http_request(ht->e->http, &rq, ht_done, r);
    assert_non_null(c);
    return c;
}

static void
test_http(void **state)
{
    struct env e;
    struct ht ht = { 0 };
    struct hreq data[50], post, lim, hang, big, nf, refused, cancelled;
    char path[64], url[64];
    const char json[] = "{\"text\":\"hello \\u00e9\",\"n\":[1,2,3]}";
    struct http_request rq = {
        .method = HTTP_POST,
        .url = url,
        .body = json,
        .body_len = sizeof(json) - 1,
    };
    static const char *const bad_hdrs[] = { "X-Evil: a\r\nInjected: b",
                                            NULL };

    (void)state;
    env_init(&e, false);
    ht.e = &e;
    e.remaining = 50 + 6 + 1;   /* callbacks expected + the cancel timer */

    for (int i = 0; i < 50; i++) {
        data[i] = (struct hreq){ &ht, HK_DATA, i };
        snprintf(path, sizeof(path), "/data?i=%d", i);
        ht_get(&ht, &data[i], path, 0);
    }
    post = (struct hreq){ &ht, HK_POST, 0 };
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/echo", e.port);
    assert_non_null(http_request(e.http, &rq, ht_done, &post));
    lim = (struct hreq){ &ht, HK_LIMITED, 0 };
    ht_get(&ht, &lim, "/limited", 0);
    hang = (struct hreq){ &ht, HK_HANG, 0 };
    ht_get(&ht, &hang, "/hang", 300);
    big = (struct hreq){ &ht, HK_BIG, 0 };
    ht_get(&ht, &big, "/big", 0);
    nf = (struct hreq){ &ht, HK_NOTFOUND, 0 };
    ht_get(&ht, &nf, "/nope", 0);
    refused = (struct hreq){ &ht, HK_REFUSED, 0 };
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", closed_port());
    rq.method = HTTP_GET;
    rq.body = NULL;
    rq.body_len = 0;
    assert_non_null(http_request(e.http, &rq, ht_done, &refused));
    cancelled = (struct hreq){ &ht, HK_CANCELLED, 0 };
    ht.to_cancel = ht_get(&ht, &cancelled, "/hang", 20000);
    ht.cancel_timer = loop_timer_new(e.loop, ht_cancel, &ht);
    loop_timer_arm(ht.cancel_timer, 100);
    /* Malformed: refused up front, no callback. */
    rq.headers = bad_hdrs;
    assert_null(http_request(e.http, &rq, ht_done, &refused));
    assert_int_equal(http_pending(e.http), 57);

    env_run(&e);

    assert_int_equal(ht.bad, 0);
    assert_int_equal(ht.data_ok, 50);
    assert_int_equal(ht.post_status, 200);
    assert_string_equal(ht.post_body, json);
    assert_string_equal(ht.post_type, "application/json");
    assert_int_equal(ht.lim_status, 429);
    assert_non_null(strstr(ht.lim_body, "\"retry_after\":2.0"));
    assert_string_equal(ht.retry_after, "2");
    assert_string_equal(ht.limit, "5");
    assert_string_equal(ht.remaining, "0");
    assert_string_equal(ht.reset_after, "1.500");
    assert_string_equal(ht.bucket, "abcd1234");
    assert_string_equal(ht.scope, "user");
    assert_true(ht.global_absent);
    assert_int_equal(ht.hang_err, HTTP_ERR_TIMEOUT);
    assert_int_equal(ht.hang_status, 0);
    assert_true(ht.hang_ms >= 250);
    assert_true(strlen(ht.hang_text) > 0);
    assert_int_equal(ht.big_err, HTTP_ERR_TOO_BIG);
    assert_non_null(strstr(ht.big_text, "4096"));
    assert_int_equal(ht.nf_status, 404);
    assert_int_equal(ht.refused_err, HTTP_ERR_CONNECT);
    assert_int_equal(ht.cancelled_called, 0);
}

/* Requests one at a time with a pause between them, so each finds its
 * kept-alive connection idle (http.c parks the idle socket's watch and
 * resumes it), and twice the server closes the connection after
 * answering without saying so: the next request finds it dead, curl
 * closes it (the parked watch goes with it) and connects again, maybe on
 * the same descriptor number. */
static const char *const idle_paths[] = {
    "/data?i=1", "/data?i=2", "/bye", "/data?i=3", "/data?i=4", "/bye",
    "/data?i=5",
};
#define IDLE_STEPS (sizeof(idle_paths) / sizeof(idle_paths[0]))

struct idle {
    struct env        *e;
    struct loop_timer *pause;
    size_t             step;
    size_t             ok;
};

static void idle_send(void *arg);

static void
idle_done(void *arg, const struct http_response *res)
{
    struct idle *t = arg;
    const char *path = idle_paths[t->step];
    char want[32];
    if (strcmp(path, "/bye") == 0)
        snprintf(want, sizeof(want), "bye");
    else
        snprintf(want, sizeof(want), "data:%s", strchr(path, '=') + 1);
    if (res->error == HTTP_ERR_NONE && res->status == 200 &&
        strcmp(res->body, want) == 0)
        t->ok++;
    else
        print_error("step %zu (%s): status %ld, error %d, body \"%s\"\n",
                    t->step, path, res->status, (int)res->error, res->body);
    if (++t->step < IDLE_STEPS) {
        loop_timer_arm(t->pause, 30);
        return;
    }
    loop_timer_free(t->pause);
    env_done(t->e);
}

static void
idle_send(void *arg)
{
    struct idle *t = arg;
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", t->e->port,
             idle_paths[t->step]);
    struct http_request rq = { .method = HTTP_GET, .url = url };
    assert_non_null(http_request(t->e->http, &rq, idle_done, t));
}

static void
test_http_idle_connections(void **state)
{
    struct env e;
    (void)state;
    env_init(&e, false);
    struct idle t = { .e = &e };
    t.pause = loop_timer_new(e.loop, idle_send, &t);
    idle_send(&t);
    env_run(&e);
    assert_int_equal(t.ok, IDLE_STEPS);
    assert_int_equal(srv.http_requests, (int)IDLE_STEPS);
}

/* http_free() from inside a completion callback drops the rest quietly. */
struct hf {
    struct env        *e;
    int                calls;
    struct loop_timer *timer;
};

static void
hf_timer(void *arg)
{
    struct hf *hf = arg;

    loop_timer_free(hf->timer);
    hf->timer = NULL;
    env_done(hf->e);
}

static void
hf_done(void *arg, const struct http_response *res)
{
    struct hf *hf = arg;

    (void)res;
    if (hf->calls++ == 0) {
        http_free(hf->e->http);
        hf->e->http = NULL;
        /* Give any wrongly surviving request time to call back. */
        hf->timer = loop_timer_new(hf->e->loop, hf_timer, hf);
        loop_timer_arm(hf->timer, 200);
    }
}

static void
test_http_free_in_callback(void **state)
{
    struct env e;
    struct hf hf = { 0 };
    char url[64];
    struct http_request rq = { .method = HTTP_GET, .url = url };

    (void)state;
    env_init(&e, false);
    hf.e = &e;
    for (int i = 0; i < 3; i++) {
        snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", e.port,
                 i == 2 ? "hang" : "data?i=1");
        assert_non_null(http_request(e.http, &rq, hf_done, &hf));
    }
    env_run(&e);

    assert_int_equal(hf.calls, 1);
}

static void
test_http_form(void **state)
{
    struct buf b = BUF_INIT;

    (void)state;
    assert_true(http_form_add(&b, "channel", "C123"));
    assert_true(http_form_add(&b, "text", "a b&c=d/é"));
    assert_string_equal(buf_cstr(&b),
                        "channel=C123&text=a%20b%26c%3Dd%2F%C3%A9");
    buf_free(&b);
}

/* ================= TLS: wss and https on the same loop ================= */

static void
test_tls(void **state)
{
    struct env e;
    struct wc ok, strict;
    struct ht ht = { 0 };
    struct hreq get = { &ht, HK_DATA, 7 };
    struct ws_conn_options insecure = { .tls_insecure = true };
    char url[96];
    struct http_request rq = { .method = HTTP_GET, .url = url,
                               .headers = (const char *const[]){
                                   "Authorization: Bearer xoxb-test",
                                   NULL } };

    (void)state;
    env_init(&e, true);
    ht.e = &e;
    e.remaining = 3;
    snprintf(url, sizeof(url), "wss://127.0.0.1:%d/", e.tls_port);
    wc_connect(&ok, &e, url, MODE_ONE_ECHO, &insecure);
    /* Default verification must refuse a self-signed certificate. */
    wc_connect(&strict, &e, url, MODE_EXPECT_FAIL, NULL);
    snprintf(url, sizeof(url), "https://127.0.0.1:%d/data?i=7", e.tls_port);
    assert_non_null(http_request(e.http, &rq, ht_done, &get));
    env_run(&e);

    assert_int_equal(ok.bad, 0);
    assert_int_equal(ok.opens, 1);
    assert_int_equal(ok.echoed, 1);
    assert_int_equal(ok.closes, 1);
    assert_int_equal(ok.close_code, 1001);
    assert_int_equal(strict.opens, 0);
    assert_int_equal(strict.closes, 1);
    assert_int_equal(strict.close_code, WS_CLOSE_NONE);
    assert_int_equal(ht.data_ok, 1);
    assert_int_equal(ht.bad, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_basics),
        cmocka_unit_test(test_loop_leak_reported),
        cmocka_unit_test(test_ws_url),
        cmocka_unit_test(test_ws_echo),
        cmocka_unit_test(test_ws_client_close),
        cmocka_unit_test(test_ws_drop),
        cmocka_unit_test(test_ws_refused),
        cmocka_unit_test(test_ws_too_big),
        cmocka_unit_test(test_ws_free_on_open),
        cmocka_unit_test(test_ws_open_timeout),
        cmocka_unit_test(test_ws_close_timeout),
        cmocka_unit_test(test_ws_free_outside_callback),
        cmocka_unit_test(test_http),
        cmocka_unit_test(test_http_idle_connections),
        cmocka_unit_test(test_http_free_in_callback),
        cmocka_unit_test(test_http_form),
        cmocka_unit_test(test_tls),
    };

    if (getenv("CHORUS_TEST_DEBUG"))
        log_set_level(LOG_DEBUG);
    if (getenv("CHORUS_TEST_FILTER"))
        cmocka_set_test_filter(getenv("CHORUS_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
