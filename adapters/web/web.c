/*
 * web: the daemon's HTTP server (web.h).
 *
 * One lws protocol on its own listening vhost.  A request is answered
 * from LWS_CALLBACK_HTTP, once lws has its whole head: the limits are
 * checked, the route runs synchronously (it reads SQLite, as a command
 * does), and headers and body go out from WRITEABLE, the body in pieces
 * of at most 16 KiB.  A callback finds its struct web through lws's
 * per-vhost protocol storage, which web_free() clears.
 */
#include <uv.h>             /* before libwebsockets.h: its uv helpers */
#include <libwebsockets.h>

#include "web.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "buf.h"
#include "core.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "xmalloc.h"

#define HTTP_CHUNK  16384
#define HDR_ROOM    1024
#define TOKEN_MAX   256

struct web {
    struct lws_vhost  *vh;
    struct web       **slot;
    char              *admin_token;
    size_t             max_uri, max_headers;
    int                timeout_s;
    struct core       *core;
    bool             (*health)(void *arg, struct buf *why);
    void              *arg;
};

/* Per-session data: the answer being written. */
struct pss {
    unsigned char *hdr;         /* LWS_PRE + headers, until sent */
    size_t         hdr_len;
    unsigned char *out;         /* LWS_PRE + body */
    size_t         out_len, out_off;
    bool           close_after; /* a refused request: no keep-alive */
};

static struct web *
web_of(struct lws *wsi)
{
    struct lws_vhost *vh = lws_get_vhost(wsi);
    const struct lws_protocols *pr = lws_get_protocol(wsi);
    struct web **slot;

    if (!vh || !pr)
        return NULL;
    slot = lws_protocol_vh_priv_get(vh, pr);
    return slot ? *slot : NULL;
}

/* ---- tokens ---- */

/* Constant time in the length of the configured token: the answer's
 * timing says nothing about how much of a guess was right. */
static bool
token_equal(const char *want, const char *got)
{
    size_t n = strlen(want), m = strlen(got);
    unsigned diff = (unsigned)(n ^ m);

    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)want[i] ^ (unsigned char)(i < m ? got[i] : 0);
    return diff == 0 && n > 0;
}

static bool
admin_ok(const struct web *w, const char *token)
{
    return w->admin_token && token && token_equal(w->admin_token, token);
}

/* ---- routes ---- */

static void
answer_text(struct web_answer *a, int status, const char *text)
{
    a->status = status;
    a->ctype = "text/plain; charset=utf-8";
    buf_adds(a->body, text);
}

static void
route_healthz(struct web *w, struct web_answer *a)
{
    struct buf why;
    bool ready = true;

    buf_init(&why, 4096);
    if (!w->core || store_version(core_store(w->core)) <= 0) {
        buf_adds(&why, "database: not open\n");
        ready = false;
    }
    if (w->health && !w->health(w->arg, &why))
        ready = false;
    a->status = ready ? 200 : 503;
    a->ctype = "text/plain; charset=utf-8";
    buf_adds(a->body, ready ? "ready\n" : "not ready\n");
    if (!ready)
        buf_add(a->body, why.data, why.len);
    buf_free(&why);
}

static void
route_metrics(struct web *w, struct web_answer *a)
{
    a->status = 200;
    a->ctype = "text/plain; version=0.0.4; charset=utf-8";
    metrics_write(a->body, w->core ? core_store(w->core) : NULL,
                  w->core ? core_now(w->core) : 0);
}

struct route {
    const char *path;
    bool        admin;          /* behind the admin token */
    void      (*run)(struct web *w, struct web_answer *a);
};

static const struct route routes[] = {
    { .path = "/healthz", .admin = false, .run = route_healthz },
    { .path = "/metrics", .admin = true, .run = route_metrics },
};

void
web_route(struct web *w, const char *path, const char *token,
          struct web_answer *a)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++) {
        if (strcmp(routes[i].path, path) != 0)
            continue;
        if (routes[i].admin && !admin_ok(w, token)) {
            answer_text(a, 401, "unauthorized\n");
            return;
        }
        routes[i].run(w, a);
        return;
    }
    answer_text(a, 404, "not found\n");
}

/* ---- the lws side ---- */

static void
pss_clear(struct pss *p)
{
    free(p->hdr);
    p->hdr = NULL;
    p->hdr_len = 0;
    free(p->out);
    p->out = NULL;
    p->out_len = p->out_off = 0;
}

/* The known request headers' total length (lws keeps each token). */
static size_t
headers_length(struct lws *wsi)
{
    size_t n = 0;

    for (int t = 0; t < WSI_TOKEN_COUNT; t++) {
        int len = lws_hdr_total_length(wsi, (enum lws_token_indexes)t);

        if (len > 0)
            n += (size_t)len;
    }
    return n;
}

/* The Bearer token, else the token argument; "" when neither. */
static void
request_token(struct lws *wsi, char *tok, size_t n)
{
    char auth[TOKEN_MAX + 16];

    tok[0] = '\0';
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) <
            (int)sizeof(auth) &&
        lws_hdr_copy(wsi, auth, sizeof(auth),
                     WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
        strncasecmp(auth, "Bearer ", 7) == 0) {
        snprintf(tok, n, "%s", auth + 7);
        return;
    }
    char arg[TOKEN_MAX + 8];
    const char *v = lws_get_urlarg_by_name(wsi, "token=", arg,
                                           (int)sizeof(arg));
    if (v)      /* lws copies "token=<value>" and points at the value */
        snprintf(tok, n, "%s", v);
}

static int
http_answer(struct lws *wsi, struct pss *p, const struct web_answer *a,
            const struct buf *body)
{
    unsigned char *start, *h, *end;

    pss_clear(p);
    p->hdr = xmalloc(LWS_PRE + HDR_ROOM);
    start = h = p->hdr + LWS_PRE;
    end = p->hdr + LWS_PRE + HDR_ROOM - 1;
    if (lws_add_http_header_status(wsi, (unsigned)a->status, &h, end) ||
        lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                     (const unsigned char *)a->ctype,
                                     (int)strlen(a->ctype), &h, end) ||
        lws_add_http_header_content_length(wsi, body->len, &h, end) ||
        lws_add_http_header_by_name(wsi,
                                    (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8,
                                    &h, end))
        return -1;
    if (a->status == 401 &&
        lws_add_http_header_by_name(
            wsi, (const unsigned char *)"www-authenticate:",
            (const unsigned char *)"Bearer", 6, &h, end))
        return -1;
    if (p->close_after &&
        lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION,
                                     (const unsigned char *)"close", 5,
                                     &h, end))
        return -1;
    p->hdr_len = (size_t)(h - start);
    p->out_len = body->len;
    p->out_off = 0;
    p->out = xmalloc(LWS_PRE + body->len + 1);
    if (body->len)
        memcpy(p->out + LWS_PRE, body->data, body->len);
    lws_callback_on_writable(wsi);
    return 0;
}

static int
http_request(struct lws *wsi, struct pss *p, const char *uri)
{
    struct web *w = web_of(wsi);
    struct buf body;
    struct web_answer a = { .status = 200, .body = &body };
    char tok[TOKEN_MAX];
    int rc;

    if (!w)
        return -1;
    buf_init(&body, 0);
    p->close_after = false;
    a.ctype = "text/plain; charset=utf-8";
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0) {
        p->close_after = true;
        a.status = 405;
        buf_adds(&body, "method not allowed\n");
    } else if (strlen(uri ? uri : "") > w->max_uri ||
               (size_t)lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) +
                       (size_t)lws_hdr_total_length(
                           wsi, WSI_TOKEN_HTTP_URI_ARGS) > w->max_uri) {
        p->close_after = true;
        a.status = 414;
        buf_adds(&body, "request line too long\n");
    } else if (headers_length(wsi) > w->max_uri + w->max_headers) {
        p->close_after = true;
        a.status = 431;
        buf_adds(&body, "request headers too large\n");
    } else {
        request_token(wsi, tok, sizeof(tok));
        web_route(w, uri ? uri : "/", tok[0] ? tok : NULL, &a);
    }
    rc = http_answer(wsi, p, &a, &body);
    buf_free(&body);
    return rc;
}

/* One write per WRITEABLE: the headers, then the body piece by piece. */
static int
http_writeable(struct lws *wsi, struct pss *p)
{
    size_t n;

    if (!p->out)
        return 0;
    if (p->hdr) {
        unsigned char *start = p->hdr + LWS_PRE, *h = start + p->hdr_len;
        unsigned char *end = p->hdr + LWS_PRE + HDR_ROOM - 1;

        if (lws_finalize_write_http_header(wsi, start, &h, end))
            return -1;
        free(p->hdr);
        p->hdr = NULL;
        if (p->out_len > 0) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    n = p->out_len - p->out_off;
    if (n > HTTP_CHUNK)
        n = HTTP_CHUNK;
    if (n > 0) {
        int flags = p->out_off + n == p->out_len ? LWS_WRITE_HTTP_FINAL
                                                 : LWS_WRITE_HTTP;

        if (lws_write(wsi, p->out + LWS_PRE + p->out_off, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        p->out_off += n;
    }
    if (p->out_off < p->out_len) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    pss_clear(p);
    if (p->close_after)
        return -1;
    if (lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

static int
web_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
       void *in, size_t len)
{
    struct pss *p = user;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return p ? http_request(wsi, p, in) : -1;
    case LWS_CALLBACK_HTTP_BODY:
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return 0;               /* answered already (405) */
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return p ? http_writeable(wsi, p) : -1;
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (p)
            pss_clear(p);
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return -1;              /* no websockets here */
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* Static: it must outlive the lws context. */
static const struct lws_protocols protocols[] = {
    {
        .name = "chorus-web",
        .callback = web_cb,
        .per_session_data_size = sizeof(struct pss),
        .rx_buffer_size = 0,
    },
    { .name = NULL },
};

struct web *
web_listen(struct loop *loop, struct ws_ctx *ws, const struct web_options *o,
           int *port_out)
{
    struct ws_listen_options lo = {
        .name = "chorus-web",
        .iface = o->iface ? o->iface : "127.0.0.1",
        .port = o->port,
        .protocols = protocols,
        .head_timeout_s = o->timeout_s > 0 ? o->timeout_s
                                           : WEB_DEFAULT_TIMEOUT_S,
    };
    struct web *w = xcalloc(1, sizeof(*w));

    (void)loop;
    w->admin_token = o->admin_token && *o->admin_token
                         ? xstrdup(o->admin_token) : NULL;
    w->max_uri = o->max_uri ? o->max_uri : WEB_DEFAULT_MAX_URI;
    w->max_headers = o->max_headers ? o->max_headers
                                    : WEB_DEFAULT_MAX_HEADERS;
    w->timeout_s = o->timeout_s > 0 ? o->timeout_s : WEB_DEFAULT_TIMEOUT_S;
    w->core = o->core;
    w->health = o->health;
    w->arg = o->arg;
    if (ws) {
        w->vh = ws_ctx_listen(ws, &lo, port_out);
        if (!w->vh) {
            web_free(w);
            return NULL;
        }
        w->slot = lws_protocol_vh_priv_zalloc(w->vh, &protocols[0],
                                              sizeof(*w->slot));
        if (!w->slot) {
            log_error("web", "no per-vhost storage");
            lws_vhost_destroy(w->vh);
            w->vh = NULL;
            web_free(w);
            return NULL;
        }
        *w->slot = w;
        log_info("web", "listening on http://%s:%d/", lo.iface,
                 port_out ? *port_out : o->port);
    }
    return w;
}

void
web_free(struct web *w)
{
    if (!w)
        return;
    if (w->slot)
        *w->slot = NULL;
    if (w->vh)
        lws_vhost_destroy(w->vh);
    if (w->admin_token) {
        memset(w->admin_token, 0, strlen(w->admin_token));
        free(w->admin_token);
    }
    free(w);
}
