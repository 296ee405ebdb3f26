/*
 * ws: libwebsockets client on the libuv loop.
 *
 * Life of a connection.  struct ws_conn is ours; the lws wsi points back to
 * it through its opaque user data.  The wsi can go away in several ways
 * (CLIENT_CONNECTION_ERROR, CLIENT_CLOSED, and -- when it dies before the
 * 101 upgrade -- only CLOSED_CLIENT_HTTP or WSI_DESTROY).  The
 * first of these "detaches": it clears the wsi's opaque pointer (so later
 * reasons for that wsi are ignored), drops our wsi pointer and schedules
 * conn_service() with loop_defer().  conn_service() runs outside every lws
 * callback and is the only place that
 *   - reports on_close (exactly once, guarded by "reported"),
 *   - kills a wsi that must die without a close frame (LWS_TO_KILL_SYNC;
 *     inside the conn's own callback we return -1 instead),
 *   - frees the conn (after ws_free(), once detached).
 *
 * Writes happen only in CLIENT_WRITEABLE, one frame per callback, asking
 * for another callback while frames remain: lws allows one write per
 * WRITEABLE callback, and a write from anywhere else is a bug.
 */
#include <uv.h>             /* before libwebsockets.h: its uv helpers */
#include <libwebsockets.h>

#include "ws.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loop.h"
#include "buf.h"
#include "log.h"
#include "xmalloc.h"

#define WS_DEFAULT_MAX_QUEUE  ((size_t)4 << 20)
#define WS_DEFAULT_CA_FILE    "/etc/ssl/certs/ca-certificates.crt"
#define WS_CLIENT_PROTOCOL    "chorus-ws"

struct ws_ctx {
    struct loop         *loop;
    struct lws_context  *lws;
    struct lws_context  *alive;     /* lws writes NULL after the real free */
    struct lws_vhost    *client_vh;
    void                *foreign[1];
    struct ws_conn      *conns;
    char                *ca_file;
    bool                 stage1;
};

struct frame {
    struct frame            *next;
    enum lws_write_protocol  type;
    size_t                   len;
    unsigned char            data[]; /* LWS_PRE headroom + payload */
};

enum conn_state {
    ST_CONNECTING,
    ST_OPEN,
    ST_CLOSING,     /* ws_close(): flushing the queue, then close frame */
    ST_DEAD,        /* detached from its wsi */
};

struct ws_conn {
    struct ws_conn      *next, *prev;
    struct ws_ctx       *ctx;        /* NULL once orphaned by ws_ctx_free */
    struct loop         *loop;
    struct lws          *wsi;
    struct ws_callbacks  cb;
    void                *arg;
    enum conn_state      state;
    struct ws_url        url;
    char                 host_hdr[300];

    struct frame        *qhead, **qtail;
    size_t               qbytes;
    struct buf           rx;
    bool                 rx_in_msg, rx_binary, rx_discard;

    struct loop_timer   *timer;      /* open timeout, then close fallback */
    size_t               max_in, max_out, max_queue;
    int                  open_timeout_ms, close_timeout_ms;

    int                  send_code;  /* our close frame */
    char                 send_reason[123];
    size_t               send_reason_len;
    bool                 close_sent; /* our close frame is out (or going) */
    bool                 peer_closed;
    int                  peer_code;
    char                 why[160];   /* reason reported with on_close */

    int                  in_cb;      /* > 0 inside this conn's lws callback */
    bool                 in_connect; /* inside lws_client_connect_via_info */
    bool                 kill;       /* close without a close frame */
    bool                 reported;
    bool                 freed;
    bool                 svc_pending;
};

/* ---- lws logging into ours ---- */

static void
lws_log_emit(int level, const char *line)
{
    char tmp[512];
    size_t n;

    snprintf(tmp, sizeof(tmp), "%s", line);
    n = strlen(tmp);
    while (n && (tmp[n - 1] == '\n' || tmp[n - 1] == '\r'))
        tmp[--n] = '\0';
    if (level & LLL_ERR)
        log_warn("lws", "%s", tmp);     /* lws errors are often benign */
    else if (level & LLL_WARN)
        log_info("lws", "%s", tmp);
    else
        log_debug("lws", "%s", tmp);
}

/* ---- URL ---- */

int
ws_url_parse(const char *url, struct ws_url *out)
{
    const char *p, *auth, *end, *hend;
    size_t hlen;

    memset(out, 0, sizeof(*out));
    if (strncasecmp(url, "wss://", 6) == 0) {
        out->tls = true;
        p = url + 6;
    } else if (strncasecmp(url, "ws://", 5) == 0)
        p = url + 5;
    else
        return -1;
    auth = p;
    end = p + strcspn(p, "/?#");
    if (memchr(auth, '@', (size_t)(end - auth)))
        return -1;      /* userinfo: never used by our platforms */
    if (*auth == '[') {                         /* [v6]:port */
        hend = memchr(auth, ']', (size_t)(end - auth));
        if (!hend)
            return -1;
        auth++;
        hlen = (size_t)(hend - auth);
        p = hend + 1;
    } else {
        hend = memchr(auth, ':', (size_t)(end - auth));
        if (!hend)
            hend = end;
        hlen = (size_t)(hend - auth);
        p = hend;
    }
    if (hlen == 0 || hlen >= sizeof(out->host))
        return -1;
    memcpy(out->host, auth, hlen);
    out->port = out->tls ? 443 : 80;
    if (p < end && *p == ':') {
        char *e;
        long port = strtol(p + 1, &e, 10);

        if (e != end || e == p + 1 || port < 1 || port > 65535)
            return -1;
        out->port = (int)port;
    } else if (p != end)
        return -1;
    /* Path and query; a fragment is never sent. */
    hlen = strcspn(end, "#");
    if (*end != '/') {
        out->path[0] = '/';
        if (hlen + 1 >= sizeof(out->path))
            return -1;
        memcpy(out->path + 1, end, hlen);
    } else {
        if (hlen >= sizeof(out->path))
            return -1;
        memcpy(out->path, end, hlen);
    }
    return 0;
}

/* ---- connection bookkeeping ---- */

static void conn_service(void *arg);

static void
schedule_service(struct ws_conn *c)
{
    if (c->svc_pending)
        return;
    c->svc_pending = true;
    loop_defer(c->loop, conn_service, c);
}

static void
queue_clear(struct ws_conn *c)
{
    while (c->qhead) {
        struct frame *f = c->qhead;

        c->qhead = f->next;
        free(f);
    }
    c->qtail = &c->qhead;
    c->qbytes = 0;
}

static void
conn_destroy(struct ws_conn *c)
{
    if (c->ctx) {
        if (c->prev)
            c->prev->next = c->next;
        else
            c->ctx->conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
    }
    queue_clear(c);
    buf_free(&c->rx);
    loop_timer_free(c->timer);
    free(c);
}

static void
detach(struct ws_conn *c, struct lws *wsi)
{
    if (wsi)
        lws_set_opaque_user_data(wsi, NULL);
    c->wsi = NULL;
    c->state = ST_DEAD;
    if (c->timer)
        loop_timer_stop(c->timer);
    schedule_service(c);
}

/* Record why the connection ended; the first cause wins. */
static void
set_why(struct ws_conn *c, const char *what, const char *detail)
{
    if (c->why[0])
        return;
    if (detail)
        snprintf(c->why, sizeof(c->why), "%s: %s", what, detail);
    else
        snprintf(c->why, sizeof(c->why), "%s", what);
}

static void
conn_service(void *arg)
{
    struct ws_conn *c = arg;

    c->svc_pending = false;
    if (c->wsi && c->kill) {
        struct lws *wsi = c->wsi;

        /* Outside every lws callback (we run from loop_defer). */
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
        if (c->wsi == wsi)      /* no terminal callback came: force it */
            detach(c, wsi);
    }
    if (!c->wsi && c->state == ST_DEAD && !c->reported) {
        int code = WS_CLOSE_NONE;
        const char *why = c->why[0] ? c->why : "connection lost";

        c->reported = true;
        if (c->peer_closed)
            code = c->peer_code;
        else if (c->close_sent)
            code = c->send_code;
        if (!c->freed && c->cb.on_close) {
            /* host:port only: a query can carry a ticket (Slack). */
            log_debug("ws", "%s:%d: closed, code %d (%s)", c->url.host,
                      c->url.port, code, why);
            c->cb.on_close(c->arg, code, why);
        }
    }
    if (c->freed && !c->wsi && !c->svc_pending)
        conn_destroy(c);
}

static int
conn_ret(struct ws_conn *c)
{
    /* ws_free() from inside this conn's own callback: close it now. */
    return c->kill ? -1 : 0;
}

/* ---- receiving ---- */

static void
start_close(struct ws_conn *c, int code, const char *reason)
{
    size_t rlen = strlen(reason);

    if (rlen > sizeof(c->send_reason))
        rlen = sizeof(c->send_reason);
    c->send_code = code;
    memcpy(c->send_reason, reason, rlen);
    c->send_reason_len = rlen;
    c->state = ST_CLOSING;
    loop_timer_arm(c->timer, c->close_timeout_ms);
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

static void
on_receive(struct ws_conn *c, struct lws *wsi, const void *in, size_t len)
{
    bool last = lws_is_final_fragment(wsi) &&
                !lws_remaining_packet_payload(wsi);

    if (!c->rx_in_msg) {
        buf_reset(&c->rx);
        c->rx_in_msg = true;
        c->rx_discard = false;
        c->rx_binary = lws_frame_is_binary(wsi) != 0;
    }
    if (!c->rx_discard && !buf_add(&c->rx, in, len)) {
        /* No return -1 here (see ws_lws_close_frame): close politely
         * with 1009 and drop the rest of this message. */
        snprintf(c->why, sizeof(c->why),
                 "incoming message exceeds %zu bytes", c->max_in);
        log_warn("ws", "%s: %s: closing with 1009", c->url.host, c->why);
        c->rx_discard = true;
        buf_reset(&c->rx);
        if (c->state == ST_OPEN) {
            queue_clear(c);
            start_close(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
                        "message too big");
        }
    }
    if (!last)
        return;
    c->rx_in_msg = false;
    if (c->rx_discard)
        return;
    if (c->rx_binary) {
        log_debug("ws", "%s: ignoring a %zu-byte binary message",
                  c->url.host, c->rx.len);
        return;
    }
    if (c->cb.on_text && !c->freed)
        c->cb.on_text(c->arg, buf_cstr(&c->rx), c->rx.len);
}

static void
on_peer_close(struct ws_conn *c, const unsigned char *in, size_t len)
{
    size_t rlen;

    c->peer_closed = true;
    c->peer_code = len >= 2 ? (in[0] << 8 | in[1]) : 1005;
    rlen = len > 2 ? len - 2 : 0;
    if (rlen >= sizeof(c->why))
        rlen = sizeof(c->why) - 1;
    memcpy(c->why, in + 2, rlen);
    c->why[rlen] = '\0';
    if (!c->why[0])
        snprintf(c->why, sizeof(c->why), "closed by peer");
}

/* ---- writing ---- */

static int
on_writeable(struct ws_conn *c, struct lws *wsi)
{
    struct frame *f = c->qhead;

    if (c->kill)
        return -1;
    if (f) {
        int n;

        c->qhead = f->next;
        if (!c->qhead)
            c->qtail = &c->qhead;
        c->qbytes -= f->len;
        n = lws_write(wsi, f->data + LWS_PRE, f->len, f->type);
        if (n < (int)f->len) {
            free(f);
            set_why(c, "write failed", NULL);
            return -1;
        }
        free(f);
        if (c->qhead || c->state == ST_CLOSING)
            lws_callback_on_writable(wsi);
        return 0;
    }
    if (c->state == ST_CLOSING && !c->close_sent) {
        c->close_sent = true;
        /* Not lws_close_reason() + return -1: see ws_lws_close_frame(). */
        if (ws_lws_close_frame(wsi, c->send_code, c->send_reason,
                               c->send_reason_len) != 0)
            return -1;
        return 0;       /* the peer's echo ends it; the timer bounds it */
    }
    return 0;
}

/*
 * Debian's lws 4.1.6 is built with _DEBUG, and with a libuv loop its
 * service code closes a wsi a second time right after a callback returned
 * -1 ("close_and_handled uv repeat test"), which hard-kills it before the
 * close frame queued by lws_close_reason() goes out.  So the close frame
 * is written directly, from WRITEABLE, with lws's internal CLOSE opcode
 * (lws itself writes its close echo that way), and the connection is left
 * open until the peer's close frame comes back.
 */
#define WS_LWS_WRITE_CLOSE 4    /* lws private LWS_WRITE_CLOSE */

int
ws_lws_close_frame(struct lws *wsi, int code, const char *reason,
                   size_t len)
{
    unsigned char b[LWS_PRE + 125];

    if (len > 123)
        len = 123;
    b[LWS_PRE] = (unsigned char)((code >> 8) & 0xff);
    b[LWS_PRE + 1] = (unsigned char)(code & 0xff);
    if (len)
        memcpy(b + LWS_PRE + 2, reason, len);
    if (lws_write(wsi, b + LWS_PRE, len + 2,
                  (enum lws_write_protocol)WS_LWS_WRITE_CLOSE) <
        (int)(len + 2))
        return -1;
    return 0;
}

/* ---- the lws protocol callback for every client connection ---- */

static int
client_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
          void *in, size_t len)
{
    struct ws_conn *c;
    int rc = 0;

    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
    case LWS_CALLBACK_CLIENT_RECEIVE:
    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
    case LWS_CALLBACK_CLIENT_WRITEABLE:
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
    case LWS_CALLBACK_WSI_DESTROY:
        break;
    default:
        return 0;
    }
    c = wsi ? lws_get_opaque_user_data(wsi) : NULL;
    if (!c || (c->wsi != wsi && !(c->in_connect && !c->wsi)))
        return 0;

    c->in_cb++;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        set_why(c, "connect failed", in ? (const char *)in : NULL);
        detach(c, wsi);
        break;
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        if (c->state == ST_CONNECTING) {
            c->state = ST_OPEN;
            loop_timer_stop(c->timer);
            log_debug("ws", "%s:%d: open", c->url.host, c->url.port);
            if (c->cb.on_open && !c->freed)
                c->cb.on_open(c->arg);
        }
        if (c->qhead || c->state == ST_CLOSING || c->kill)
            lws_callback_on_writable(wsi);
        rc = conn_ret(c);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        on_receive(c, wsi, in, len);
        rc = conn_ret(c);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
        if (c->cb.on_pong && !c->freed)
            c->cb.on_pong(c->arg, in, len);
        rc = conn_ret(c);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        rc = on_writeable(c, wsi);
        break;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (c->close_sent) {
            rc = -1;    /* the echo of ours: handshake done, no reply */
            break;
        }
        on_peer_close(c, in, len);
        break;      /* 0: lws echoes the close frame, then closes */
    case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
        set_why(c, "connection closed before the websocket upgrade", NULL);
        detach(c, wsi);
        break;
    case LWS_CALLBACK_CLIENT_CLOSED:
    case LWS_CALLBACK_WSI_DESTROY:
        detach(c, wsi);
        break;
    default:
        break;
    }
    c->in_cb--;
    return rc;
}

static const struct lws_protocols client_protocols[] = {
    {
        .name = WS_CLIENT_PROTOCOL,
        .callback = client_cb,
        .per_session_data_size = 0,
        .rx_buffer_size = 0,
    },
    { .name = NULL },
};

/* ---- context ---- */

struct ws_ctx *
ws_ctx_new(struct loop *loop, const struct ws_ctx_options *o)
{
    struct ws_ctx_options none = { 0 };
    struct lws_context_creation_info info;
    struct ws_ctx *ctx;

    if (!o)
        o = &none;
    lws_set_log_level(LLL_ERR | LLL_WARN |
                      (o->lws_debug ? LLL_NOTICE | LLL_INFO | LLL_DEBUG : 0),
                      lws_log_emit);
    ctx = xcalloc(1, sizeof(*ctx));
    ctx->loop = loop;
    ctx->foreign[0] = loop_native(loop);
    ctx->ca_file = xstrdup(o->ca_file ? o->ca_file : WS_DEFAULT_CA_FILE);

    memset(&info, 0, sizeof(info));
    info.options = LWS_SERVER_OPTION_LIBUV |
                   LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
                   LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.foreign_loops = ctx->foreign;
    info.pcontext = &ctx->alive;
    info.port = CONTEXT_PORT_NO_LISTEN;
    if (o->max_http_header_data)
        info.max_http_header_data = (unsigned short)
            (o->max_http_header_data < 65535 ? o->max_http_header_data
                                             : 65535);
    info.gid = -1;
    info.uid = -1;
    ctx->lws = lws_create_context(&info);
    if (!ctx->lws) {
        /* Typically the evlib_uv plugin is missing: lws loads it at run
         * time, and Debian's runtime package does not pull it in. */
        log_error("ws", "lws_create_context failed (is "
                  "libwebsockets-evlib-uv installed?)");
        free(ctx->ca_file);
        free(ctx);
        return NULL;
    }
    ctx->alive = ctx->lws;

    memset(&info, 0, sizeof(info));
    info.vhost_name = "chorus-client";
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = client_protocols;
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.client_ssl_ca_filepath = ctx->ca_file;
    ctx->client_vh = lws_create_vhost(ctx->lws, &info);
    if (!ctx->client_vh) {
        log_error("ws", "cannot create the client vhost");
        ctx->stage1 = true;
        lws_context_destroy(ctx->lws);
        /* No loop pass yet: nothing of lws is on the loop that needs
         * draining beyond what loop_free() closes. */
        if (ctx->alive)
            lws_context_destroy(ctx->lws);
        free(ctx->ca_file);
        free(ctx);
        return NULL;
    }
    return ctx;
}

void
ws_ctx_shutdown(struct ws_ctx *ctx)
{
    if (!ctx || ctx->stage1)
        return;
    for (struct ws_conn *c = ctx->conns; c; c = c->next) {
        if (!c->freed)
            log_warn("ws", "%s: connection still open at shutdown",
                     c->url.host);
        memset(&c->cb, 0, sizeof(c->cb));
    }
    ctx->stage1 = true;
    lws_context_destroy(ctx->lws);
}

void
ws_ctx_free(struct ws_ctx *ctx)
{
    if (!ctx)
        return;
    if (!ctx->stage1) {
        /* Both stages back to back crash (lws closes its libuv handles
         * asynchronously): leak instead. */
        log_error("ws", "ws_ctx_free without ws_ctx_shutdown: leaking");
        return;
    }
    if (ctx->alive)
        lws_context_destroy(ctx->lws);
    while (ctx->conns) {
        struct ws_conn *c = ctx->conns;

        ctx->conns = c->next;
        c->next = c->prev = NULL;
        c->ctx = NULL;
        c->wsi = NULL;
        c->freed = true;
        if (!c->svc_pending)
            conn_destroy(c);
        /* else conn_service() frees it from the loop. */
    }
    free(ctx->ca_file);
    free(ctx);
}

struct lws_vhost *
ws_ctx_listen(struct ws_ctx *ctx, const struct ws_listen_options *o,
              int *port_out)
{
    struct lws_context_creation_info info;
    struct lws_vhost *vh;

    memset(&info, 0, sizeof(info));
    info.vhost_name = o->name ? o->name : "local";
    info.iface = o->iface ? o->iface : "127.0.0.1";
    info.port = o->port;
    info.protocols = o->protocols;
    if (o->head_timeout_s > 0) {
        info.timeout_secs_ah_idle = (unsigned)o->head_timeout_s;
        info.keepalive_timeout = o->head_timeout_s;
    }
    if (o->cert_pem && o->key_pem) {
        info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
        info.server_ssl_cert_mem = o->cert_pem;
        info.server_ssl_cert_mem_len = (unsigned int)strlen(o->cert_pem);
        info.server_ssl_private_key_mem = o->key_pem;
        info.server_ssl_private_key_mem_len =
            (unsigned int)strlen(o->key_pem);
    }
    vh = lws_create_vhost(ctx->lws, &info);
    if (!vh) {
        log_error("ws", "cannot listen on %s:%d", info.iface, o->port);
        return NULL;
    }
    if (port_out)
        *port_out = lws_get_vhost_listen_port(vh);
    return vh;
}

/* ---- client API ---- */

static void
conn_timer(void *arg)
{
    struct ws_conn *c = arg;

    if (!c->wsi)
        return;
    if (c->state == ST_CONNECTING)
        set_why(c, "timed out opening", NULL);
    else {
        char was[sizeof(c->why)];

        snprintf(was, sizeof(was), "%s", c->why);
        snprintf(c->why, sizeof(c->why), "%.100s (no close reply in %d ms)",
                 was[0] ? was : "closing", c->close_timeout_ms);
    }
    c->kill = true;
    schedule_service(c);
}

struct ws_conn *
ws_connect(struct ws_ctx *ctx, const char *url,
           const struct ws_conn_options *o, const struct ws_callbacks *cb,
           void *arg)
{
    struct ws_conn_options none = { 0 };
    struct lws_client_connect_info i;
    struct ws_conn *c;
    struct lws *wsi;
    bool v6;

    if (!o)
        o = &none;
    if (ctx->stage1)
        return NULL;
    c = xcalloc(1, sizeof(*c));
    if (ws_url_parse(url, &c->url) != 0) {
        log_warn("ws", "not a ws:// or wss:// URL");
        free(c);
        return NULL;
    }
    c->ctx = ctx;
    c->loop = ctx->loop;
    c->cb = *cb;
    c->arg = arg;
    c->state = ST_CONNECTING;
    c->qtail = &c->qhead;
    c->max_in = o->max_message_in ? o->max_message_in
                                  : WS_DEFAULT_MAX_MESSAGE_IN;
    c->max_out = o->max_message_out ? o->max_message_out
                                    : WS_DEFAULT_MAX_MESSAGE_OUT;
    c->max_queue = o->max_queue ? o->max_queue : WS_DEFAULT_MAX_QUEUE;
    c->open_timeout_ms = o->open_timeout_ms > 0 ? o->open_timeout_ms
                                               : WS_DEFAULT_OPEN_TIMEOUT_MS;
    c->close_timeout_ms = o->close_timeout_ms > 0
                              ? o->close_timeout_ms
                              : WS_DEFAULT_CLOSE_TIMEOUT_MS;
    buf_init(&c->rx, c->max_in);
    c->timer = loop_timer_new(ctx->loop, conn_timer, c);
    c->next = ctx->conns;
    if (ctx->conns)
        ctx->conns->prev = c;
    ctx->conns = c;

    v6 = strchr(c->url.host, ':') != NULL;
    if (c->url.port == (c->url.tls ? 443 : 80))
        snprintf(c->host_hdr, sizeof(c->host_hdr), v6 ? "[%s]" : "%s",
                 c->url.host);
    else
        snprintf(c->host_hdr, sizeof(c->host_hdr),
                 v6 ? "[%s]:%d" : "%s:%d", c->url.host, c->url.port);

    memset(&i, 0, sizeof(i));
    i.context = ctx->lws;
    i.vhost = ctx->client_vh;
    i.address = c->url.host;
    i.port = c->url.port;
    i.path = c->url.path;
    i.host = c->host_hdr;
    i.origin = NULL;
    i.protocol = NULL;          /* no Sec-WebSocket-Protocol header */
    i.local_protocol_name = WS_CLIENT_PROTOCOL;
    i.ietf_version_or_minus_one = -1;
    i.opaque_user_data = c;
    i.alpn = "http/1.1";
    if (c->url.tls) {
        i.ssl_connection = LCCSCF_USE_SSL;
        if (o->tls_insecure)
            i.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED |
                                LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
                                LCCSCF_ALLOW_EXPIRED |
                                LCCSCF_ALLOW_INSECURE;
    }

    loop_timer_arm(c->timer, c->open_timeout_ms);
    log_debug("ws", "connecting to %s:%d%s", c->url.host, c->url.port,
              c->url.tls ? " (tls)" : "");
    /* A host name is resolved here, blocking (see ws.h).  Errors can be
     * reported through client_cb before this returns: they are recorded
     * and reach on_close from the loop, never from inside ws_connect. */
    c->in_connect = true;
    wsi = lws_client_connect_via_info(&i);
    c->in_connect = false;
    if (!wsi) {
        set_why(c, "connect failed", NULL);
        if (c->state != ST_DEAD)
            detach(c, NULL);
    } else if (c->state != ST_DEAD)
        c->wsi = wsi;
    return c;
}

static int
enqueue(struct ws_conn *c, enum lws_write_protocol type, const void *data,
        size_t len)
{
    struct frame *f;

    if (c->freed || c->state == ST_CLOSING || c->state == ST_DEAD)
        return -1;
    if (c->qbytes + len > c->max_queue)
        return -1;
    f = xmalloc(sizeof(*f) + LWS_PRE + len);
    f->next = NULL;
    f->type = type;
    f->len = len;
    if (len)
        memcpy(f->data + LWS_PRE, data, len);
    *c->qtail = f;
    c->qtail = &f->next;
    c->qbytes += len;
    if (c->state == ST_OPEN && c->wsi)
        lws_callback_on_writable(c->wsi);
    return 0;
}

int
ws_send_text(struct ws_conn *c, const char *msg, size_t len)
{
    if (len > c->max_out) {
        log_warn("ws", "%s: refusing a %zu-byte message (limit %zu)",
                 c->url.host, len, c->max_out);
        return -1;
    }
    return enqueue(c, LWS_WRITE_TEXT, msg, len);
}

int
ws_send_ping(struct ws_conn *c, const void *payload, size_t len)
{
    if (len > 125)
        return -1;
    return enqueue(c, LWS_WRITE_PING, payload, len);
}

void
ws_close(struct ws_conn *c, int code, const char *reason)
{
    size_t rlen = reason ? strlen(reason) : 0;

    if (!c || c->freed || c->state == ST_CLOSING || c->state == ST_DEAD)
        return;
    if (c->state == ST_CONNECTING) {
        /* Nothing to shake hands with yet. */
        set_why(c, "closed before open", NULL);
        c->kill = true;
        if (!c->in_cb)
            schedule_service(c);
        return;
    }
    snprintf(c->why, sizeof(c->why), "closed by us: %.*s", (int)rlen,
             reason ? reason : "");
    start_close(c, code, reason ? reason : "");
}

void
ws_free(struct ws_conn *c)
{
    if (!c || c->freed)
        return;
    c->freed = true;
    memset(&c->cb, 0, sizeof(c->cb));
    if (c->wsi) {
        c->kill = true;
        if (c->in_cb)
            return;     /* the callback returns -1; detach follows */
    }
    schedule_service(c);
}

bool
ws_is_open(const struct ws_conn *c)
{
    return c && c->state == ST_OPEN;
}
