/*
 * sim_server: the lws side of the simulators (sim_server.h).
 *
 * One protocol, protocols[0] of the vhost, gets both plain HTTP and the
 * websocket upgrades (ws.h).  A callback finds its struct sim_server
 * as the vhost's owner (http_out.h), which sim_server_free() clears:
 * callbacks that lws still makes for this vhost afterwards find no
 * server and only release what the per-session data owns.
 */
#include <uv.h>             /* before libwebsockets.h: its uv helpers */
#include <libwebsockets.h>

#include "sim_server.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_out.h"
#include "ws.h"
#include "loop.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_CHUNK    4096
#define WS_FRAGMENT   4000

struct sim_server {
    struct loop                      *loop;
    struct lws_vhost                 *vh;
    const struct sim_server_handlers *h;
    void                             *sim;
    size_t                            max_body;
    size_t                            max_message_in;
    int                               close_timeout_ms;
    struct sim_conn                  *conns;   /* live websockets */
};

struct frame {
    struct frame  *next;
    bool           ping;
    size_t         len;
    size_t         off;         /* bytes already written */
    unsigned char  data[];      /* LWS_PRE headroom, then the payload */
};

struct sim_conn {
    struct sim_conn   *next;
    struct sim_server *srv;
    struct lws        *wsi;
    struct pss        *pss;
    void              *arg;             /* the simulator's record */
    struct frame      *qhead, **qtail;
    struct buf         rx;
    bool               rx_in_msg, rx_binary, rx_too_big;
    bool               close_pending, close_written, peer_closed;
    bool               drop, frozen, frozen_applied, timed_out;
    int                close_code;
    char               close_reason[124];
    struct loop_timer *close_timer;     /* the wait for the echo */
};

/* Per-session data: the request being read and its answer, or the
 * websocket it became. */
struct pss {
    const char       *method;
    char              path[1024];
    char              query[2048];
    char              argtext[4096];    /* "name\0value\0" per argument */
    struct sim_arg    args[SIM_SERVER_MAX_ARGS];
    size_t            nargs;
    char              auth[512];
    char              ctype[128];
    char              ua[256];
    char              audit[256];
    struct buf        body;
    bool              answered;
    struct http_out   out;              /* the answer being written */
    bool              accepted;         /* the upgrade was */
    struct sim_conn  *conn;
};

/* ---- reading a request ---- */

struct method_token {
    enum lws_token_indexes token;
    const char            *name;
};

static const struct method_token methods[] = {
    { .token = WSI_TOKEN_GET_URI, .name = "GET" },
    { .token = WSI_TOKEN_POST_URI, .name = "POST" },
    { .token = WSI_TOKEN_PUT_URI, .name = "PUT" },
    { .token = WSI_TOKEN_PATCH_URI, .name = "PATCH" },
    { .token = WSI_TOKEN_DELETE_URI, .name = "DELETE" },
    { .token = WSI_TOKEN_OPTIONS_URI, .name = "OPTIONS" },
};

static void
copy_hdr(struct lws *wsi, char *dst, size_t n, enum lws_token_indexes tok)
{
    dst[0] = '\0';
    if (lws_hdr_total_length(wsi, tok) >= (int)n ||
        lws_hdr_copy(wsi, dst, (int)n, tok) < 0)
        dst[0] = '\0';      /* too long to be real: treat as absent */
}

/* lws has split the query at '&' and URL-decoded each piece; keep the
 * pieces (a decoded value may hold '&') and their '&'-joined text. */
static void
read_args(struct lws *wsi, struct pss *p)
{
    size_t used = 0, qlen = 0;

    p->nargs = 0;
    p->query[0] = '\0';
    while (p->nargs < SIM_SERVER_MAX_ARGS) {
        char *frag = p->argtext + used, *eq;
        int n = lws_hdr_copy_fragment(wsi, frag,
                                      (int)(sizeof(p->argtext) - used - 1),
                                      WSI_TOKEN_HTTP_URI_ARGS,
                                      (int)p->nargs);

        if (n < 0)
            break;
        if (qlen + (size_t)n + 2 <= sizeof(p->query)) {
            qlen += (size_t)snprintf(p->query + qlen,
                                     sizeof(p->query) - qlen, "%s%s",
                                     qlen ? "&" : "", frag);
        }
        eq = strchr(frag, '=');
        if (eq) {
            *eq = '\0';
            p->args[p->nargs].value = eq + 1;
        } else {
            frag[n] = '\0';
            frag[n + 1] = '\0';
            p->args[p->nargs].value = frag + n + 1;
        }
        p->args[p->nargs].name = frag;
        used += (size_t)n + 2;
        p->nargs++;
        if (used + 2 >= sizeof(p->argtext))
            break;
    }
}

static void
read_request(struct lws *wsi, struct pss *p, const char *uri)
{
    p->method = "OTHER";
    for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
        if (lws_hdr_total_length(wsi, methods[i].token) > 0) {
            p->method = methods[i].name;
            break;
        }
    snprintf(p->path, sizeof(p->path), "%s", uri ? uri : "/");
    read_args(wsi, p);
    copy_hdr(wsi, p->auth, sizeof(p->auth), WSI_TOKEN_HTTP_AUTHORIZATION);
    copy_hdr(wsi, p->ctype, sizeof(p->ctype), WSI_TOKEN_HTTP_CONTENT_TYPE);
    copy_hdr(wsi, p->ua, sizeof(p->ua), WSI_TOKEN_HTTP_USER_AGENT);
    p->audit[0] = '\0';
    if (lws_hdr_custom_length(wsi, "x-audit-log-reason:", 19) > 0 &&
        lws_hdr_custom_copy(wsi, p->audit, sizeof(p->audit),
                            "x-audit-log-reason:", 19) < 0)
        p->audit[0] = '\0';
}

static struct sim_request
request_of(const struct pss *p)
{
    return (struct sim_request){
        .method = p->method,
        .path = p->path,
        .query = p->query,
        .args = p->args,
        .nargs = p->nargs,
        .auth = p->auth,
        .ctype = p->ctype,
        .ua = p->ua,
        .audit = p->audit,
        .body = p->body.overflow ? "" : buf_cstr(&p->body),
        .body_len = p->body.overflow ? 0 : p->body.len,
        .too_large = p->body.overflow,
    };
}

const char *
sim_server_arg(const struct sim_request *rq, const char *name)
{
    for (size_t i = 0; i < rq->nargs; i++)
        if (strcmp(rq->args[i].name, name) == 0)
            return rq->args[i].value;
    return NULL;
}

/* ---- responses ---- */

void
sim_server_header(struct sim_response *rs, const char *name,
                  const char *fmt, ...)
{
    va_list ap;

    if (rs->nhdrs >= SIM_SERVER_MAX_HDRS)
        return;
    snprintf(rs->hdrs[rs->nhdrs].name, sizeof(rs->hdrs[0].name), "%s",
             name);
    va_start(ap, fmt);
    vsnprintf(rs->hdrs[rs->nhdrs].value, sizeof(rs->hdrs[0].value), fmt,
              ap);
    va_end(ap);
    rs->nhdrs++;
}

void
sim_server_json(struct sim_response *rs, int status, cJSON *body)
{
    char *text;

    rs->status = status;
    buf_reset(&rs->body);
    if (!body)
        return;
    text = cJSON_PrintUnformatted(body);
    if (text) {
        buf_adds(&rs->body, text);
        free(text);
    }
    cJSON_Delete(body);
}

static void
http_clear(struct pss *p)
{
    buf_free(&p->body);
    http_out_clear(&p->out);
    p->answered = false;
}

/* Build the headers and keep the body; both go out from WRITEABLE (see
 * sim_server.h for why not the headers now). */
static int
http_answer(struct lws *wsi, struct pss *p)
{
    struct sim_server *srv = http_out_owner(wsi);
    struct sim_response rs = { .status = 200 };
    struct sim_request rq = request_of(p);
    int rc = -1;

    /* An empty body is answered from LWS_CALLBACK_HTTP, and lws still
     * reports the end of an empty POST body. */
    if (p->answered)
        return 0;
    if (!srv)
        return -1;          /* the simulator is gone: refuse */
    p->answered = true;
    buf_init(&rs.body, 0);
    srv->h->route(srv->sim, &rq, &rs);
    if (rs.status == 204)
        buf_reset(&rs.body);
    if (http_out_start(wsi, &p->out, rs.status,
                       rs.status == 204 ? NULL
                       : rs.ctype       ? rs.ctype
                                        : "application/json",
                       rs.body.len))
        goto out;
    for (int i = 0; i < rs.nhdrs; i++)
        if (http_out_header(wsi, &p->out, rs.hdrs[i].name,
                            rs.hdrs[i].value))
            goto out;
    http_out_finish(wsi, &p->out, rs.body.data, rs.body.len);
    buf_free(&p->body);
    rc = 0;
out:
    buf_free(&rs.body);
    return rc;
}

/* One write per WRITEABLE (http_out.h); then the transaction is over. */
static int
http_writeable(struct lws *wsi, struct pss *p)
{
    int rc = http_out_writeable(wsi, &p->out, HTTP_CHUNK);

    if (rc <= 0)
        return rc;
    http_clear(p);
    if (lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

static int
http_start(struct lws *wsi, struct pss *p, const char *uri)
{
    struct sim_server *srv = http_out_owner(wsi);
    char clen[24];

    http_clear(p);
    if (!srv)
        return -1;
    read_request(wsi, p, uri);
    buf_init(&p->body, srv->max_body);
    copy_hdr(wsi, clen, sizeof(clen), WSI_TOKEN_HTTP_CONTENT_LENGTH);
    if (clen[0] && strcmp(clen, "0") != 0)
        return 0;           /* the body follows: BODY, BODY_COMPLETION */
    return http_answer(wsi, p);
}

/* ---- websocket ---- */

static int
ws_upgrade(struct lws *wsi, struct pss *p)
{
    struct sim_server *srv = http_out_owner(wsi);
    struct sim_request rq;
    const char *why = "";
    char uri[1024];
    int st;

    p->accepted = false;
    if (!srv)
        return -1;
    copy_hdr(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
    read_request(wsi, p, uri);
    rq = request_of(p);
    st = srv->h->upgrade(srv->sim, &rq, &why);
    if (st > 0)
        lws_return_http_status(wsi, (unsigned)st, why);
    if (st != 0)
        return -1;
    p->accepted = true;
    return 0;
}

static void
frame_pop(struct sim_conn *c)
{
    struct frame *f = c->qhead;

    c->qhead = f->next;
    if (!c->qhead)
        c->qtail = &c->qhead;
    free(f);
}

static void
frames_free(struct sim_conn *c)
{
    while (c->qhead)
        frame_pop(c);
}

static void
conn_unlink(struct sim_conn *c)
{
    for (struct sim_conn **pp = &c->srv->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            return;
        }
}

static void
conn_free(struct sim_conn *c)
{
    frames_free(c);
    buf_free(&c->rx);
    loop_timer_free(c->close_timer);
    free(c);
}

/* Cut the connection off; asynchronous, so safe inside lws callbacks. */
static void
conn_kill(struct sim_conn *c)
{
    if (c->wsi)
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

static void
close_timed_out(void *arg)
{
    struct sim_conn *c = arg;

    c->timed_out = true;
    conn_kill(c);
}

static int
ws_open(struct lws *wsi, struct pss *p)
{
    struct sim_server *srv = http_out_owner(wsi);
    struct sim_request rq;
    struct sim_conn *c;

    http_clear(p);
    p->conn = NULL;
    if (!srv || !p->accepted)
        return -1;
    rq = request_of(p);     /* the upgrade's path and arguments */
    c = xcalloc(1, sizeof(*c));
    c->srv = srv;
    c->wsi = wsi;
    c->pss = p;
    c->qtail = &c->qhead;
    buf_init(&c->rx, srv->max_message_in);
    c->close_timer = loop_timer_new(srv->loop, close_timed_out, c);
    c->next = srv->conns;
    srv->conns = c;
    p->conn = c;
    c->arg = srv->h->open(srv->sim, c, &rq);
    if (!c->arg) {
        p->conn = NULL;
        conn_unlink(c);
        conn_free(c);
        return -1;
    }
    return 0;
}

static int
ws_receive(struct lws *wsi, struct sim_conn *c, const void *in, size_t len)
{
    struct sim_server *srv = c->srv;
    bool last = lws_is_final_fragment(wsi) &&
                !lws_remaining_packet_payload(wsi);
    unsigned flags;

    if (!c->rx_in_msg) {
        buf_reset(&c->rx);
        c->rx_in_msg = true;
        c->rx_binary = lws_frame_is_binary(wsi) != 0;
        c->rx_too_big = false;
    }
    if (!c->rx_too_big && !buf_add(&c->rx, in, len))
        c->rx_too_big = true;
    if (!last)
        return 0;
    c->rx_in_msg = false;
    flags = (c->rx_binary ? SIM_MSG_BINARY : 0) |
            (c->rx_too_big ? SIM_MSG_TOO_BIG : 0);
    srv->h->message(c->arg, c->rx_too_big ? NULL : buf_cstr(&c->rx),
                    c->rx_too_big ? 0 : c->rx.len, flags);
    return c->drop ? -1 : 0;
}

static int
ws_writeable(struct lws *wsi, struct sim_conn *c)
{
    struct frame *f = c->qhead;

    if (c->drop)
        return -1;          /* no close reason: lws just closes the TCP */
    if (c->peer_closed)
        return 0;           /* lws is answering the peer's close */
    if (c->frozen) {
        if (!c->frozen_applied) {
            c->frozen_applied = true;
            lws_rx_flow_control(wsi, 0);
        }
        return 0;
    }
    if (f && f->ping) {
        if (lws_write(wsi, f->data + LWS_PRE, f->len, LWS_WRITE_PING) <
            (int)f->len)
            return -1;
        frame_pop(c);
    } else if (f) {
        size_t n = f->len - f->off;
        int flags;

        if (n > WS_FRAGMENT)
            n = WS_FRAGMENT;
        flags = lws_write_ws_flags(LWS_WRITE_TEXT, f->off == 0,
                                   f->off + n == f->len);
        /* As for HTTP: the bytes before a later fragment are sent. */
        if (lws_write(wsi, f->data + LWS_PRE + f->off, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        f->off += n;
        if (f->off == f->len)
            frame_pop(c);
    } else if (c->close_pending && !c->close_written) {
        c->close_written = true;
        if (ws_lws_close_frame(wsi, c->close_code, c->close_reason,
                               strlen(c->close_reason)) != 0)
            return -1;
        loop_timer_arm(c->close_timer, c->srv->close_timeout_ms);
        if (c->srv->h->close_sent)
            c->srv->h->close_sent(c->arg, c->close_code);
        return 0;
    }
    if (c->qhead || (c->close_pending && !c->close_written))
        lws_callback_on_writable(wsi);
    return 0;
}

static int
ws_peer_close(struct sim_conn *c, const unsigned char *in, size_t len)
{
    if (c->close_written)
        return -1;          /* the echo of ours: the handshake is done */
    c->peer_closed = true;
    c->srv->h->peer_close(c->arg, len >= 2 ? (in[0] << 8 | in[1]) : 1005);
    return 0;               /* lws echoes the close frame, then closes */
}

static void
ws_closed(struct pss *p)
{
    struct sim_conn *c = p->conn;

    if (!c)
        return;
    p->conn = NULL;
    c->wsi = NULL;
    conn_unlink(c);
    c->srv->h->closed(c->arg, c->timed_out);
    conn_free(c);
}

/* ---- the protocol callback ---- */

static int
server_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
          void *in, size_t len)
{
    struct pss *p = user;
    struct sim_conn *c;

    if (!p)
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    c = p->conn;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return http_start(wsi, p, in);
    case LWS_CALLBACK_HTTP_BODY:
        buf_add(&p->body, in, len);     /* overflow: too_large */
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return http_answer(wsi, p);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_writeable(wsi, p);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        http_clear(p);
        return 0;

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return ws_upgrade(wsi, p);
    case LWS_CALLBACK_ESTABLISHED:
        return ws_open(wsi, p);
    case LWS_CALLBACK_RECEIVE:
        return c ? ws_receive(wsi, c, in, len) : -1;
    case LWS_CALLBACK_RECEIVE_PONG:
        if (c && c->srv->h->pong)
            c->srv->h->pong(c->arg);
        return c ? 0 : -1;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return c ? ws_writeable(wsi, c) : -1;
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        return c ? ws_peer_close(c, in, len) : -1;
    case LWS_CALLBACK_CLOSED:
        http_clear(p);
        ws_closed(p);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* Static: it must outlive the lws context, and servers come and go. */
static const struct lws_protocols protocols[] = {
    {
        .name = "sim",
        .callback = server_cb,
        .per_session_data_size = sizeof(struct pss),
        .rx_buffer_size = 0,
    },
    { .name = NULL },
};

/* ---- the connection API ---- */

static void
queue(struct sim_conn *c, bool ping, const void *data, size_t len)
{
    struct frame *f = xmalloc(sizeof(*f) + LWS_PRE + len + 1);

    f->next = NULL;
    f->ping = ping;
    f->len = len;
    f->off = 0;
    if (len)
        memcpy(f->data + LWS_PRE, data, len);
    *c->qtail = f;
    c->qtail = &f->next;
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

void
sim_server_send(struct sim_conn *c, const char *text, size_t len)
{
    queue(c, false, text, len);
}

void
sim_server_ping(struct sim_conn *c, const void *payload, size_t len)
{
    queue(c, true, payload, len > 125 ? 125 : len);
}

void
sim_server_close(struct sim_conn *c, int code, const char *reason)
{
    if (c->close_pending || c->close_written)
        return;
    c->close_pending = true;
    c->close_code = code;
    snprintf(c->close_reason, sizeof(c->close_reason), "%.123s",
             reason ? reason : "");
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

void
sim_server_drop(struct sim_conn *c)
{
    c->drop = true;
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

void
sim_server_freeze(struct sim_conn *c)
{
    c->frozen = true;
    if (c->wsi)
        lws_callback_on_writable(c->wsi);
}

/* ---- start / stop ---- */

struct sim_server *
sim_server_listen(struct loop *loop, struct ws_ctx *ws,
                  const struct sim_server_options *o, int *port_out)
{
    struct ws_listen_options lo = {
        .name = o->name,
        .iface = o->iface,
        .port = o->port,
        .protocols = protocols,
    };
    struct sim_server *srv = xcalloc(1, sizeof(*srv));

    srv->loop = loop;
    srv->h = o->h;
    srv->sim = o->sim;
    srv->max_body = o->max_body;
    srv->max_message_in = o->max_message_in;
    srv->close_timeout_ms = o->close_timeout_ms;
    srv->vh = http_out_listen(ws, &lo, srv, port_out);
    if (!srv->vh) {
        free(srv);
        return NULL;
    }
    return srv;
}

void
sim_server_free(struct sim_server *srv)
{
    if (!srv)
        return;
    while (srv->conns) {
        struct sim_conn *c = srv->conns;

        srv->conns = c->next;
        if (c->pss)
            c->pss->conn = NULL;
        conn_kill(c);
        conn_free(c);
    }
    /* Closes the listener and whatever HTTP connections are left; their
     * callbacks find no server and only free their own buffers. */
    http_out_unlisten(srv->vh, protocols);
    free(srv);
}

/* ---- the /_sim/ control plane ---- */

bool
sim_server_ctl_path(const char *path)
{
    return strncmp(path, "/_sim/", 6) == 0 || strcmp(path, "/_sim") == 0;
}

static bool
route_matches(const struct sim_ctl_route *r, const char *method,
              const char *path)
{
    size_t n = strlen(r->path);
    bool prefix = r->path[n - 1] == '/' && strcmp(r->path, "/_sim/") != 0;

    if (strcmp(r->method, method) != 0)
        return false;
    return prefix ? strncmp(path, r->path, n) == 0 && path[n]
                  : strcmp(path, r->path) == 0;
}

void
sim_server_ctl(const struct sim_ctl_plane *cp, void *sim,
               const struct sim_request *rq, struct sim_response *rs)
{
    const char *path = strcmp(rq->path, "/_sim") == 0 ? "/_sim/" : rq->path;
    struct sim_ctl_call c = { .plane = cp, .sim = sim, .rq = rq,
                              .rs = rs };
    const struct sim_ctl_route *r = NULL;
    cJSON *body = NULL;

    for (size_t i = 0; i < cp->nroutes && !r; i++)
        if (route_matches(&cp->routes[i], rq->method, path))
            r = &cp->routes[i];
    if (!r) {
        cp->error(rs, 404, cp->unknown);
        return;
    }
    if (rq->body_len) {
        body = cJSON_ParseWithLength(rq->body, rq->body_len);
        if (!cJSON_IsObject(body)) {
            cJSON_Delete(body);
            cp->error(rs, 400, cp->bad_body);
            return;
        }
    }
    c.body = body;
    c.arg = path + strlen(r->path);
    if (cp->run)
        cp->run(&c, r->fn);
    else
        r->fn(&c);
    cJSON_Delete(body);
}

cJSON *
sim_server_ctl_index(const struct sim_ctl_plane *cp)
{
    cJSON *a = cJSON_CreateArray();

    for (size_t i = 0; i < cp->nroutes; i++) {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "method", cp->routes[i].method);
        cJSON_AddStringToObject(o, "path", cp->routes[i].path);
        if (cp->routes[i].help)
            cJSON_AddStringToObject(o, "help", cp->routes[i].help);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* ---- the standalone programs -------------------------------------------- */

struct program_run {
    const struct sim_program *p;
    struct loop              *loop;
    struct ws_ctx            *ws;
    void                     *sim;
    struct loop_signal       *sigint, *sigterm;
    bool                      stopping;
};

/* From the loop, never from inside an lws callback: the simulator may be
 * freed here. */
static void
program_stop(void *arg)
{
    struct program_run *r = arg;

    r->p->free(r->sim);
    r->sim = NULL;
    loop_signal_free(r->sigint);
    loop_signal_free(r->sigterm);
    r->sigint = r->sigterm = NULL;
    ws_ctx_shutdown(r->ws);
    loop_stop(r->loop);
}

static void
program_signal(void *arg, int signum)
{
    struct program_run *r = arg;

    (void)signum;
    if (r->stopping)
        return;
    r->stopping = true;
    loop_defer(r->loop, program_stop, r);
}

int
sim_server_program(const struct sim_program *p)
{
    struct program_run r = { .p = p };

    r.loop = loop_new();
    if (!r.loop)
        return 1;
    r.ws = ws_ctx_new(r.loop, NULL);
    if (!r.ws) {
        loop_free(r.loop);
        return 1;
    }
    r.sim = p->start(r.loop, r.ws, p->arg);
    if (!r.sim) {
        fprintf(stderr, "%s: cannot start the simulator\n", p->name);
        ws_ctx_shutdown(r.ws);
        loop_stop(r.loop);
        loop_run(r.loop);
        ws_ctx_free(r.ws);
        loop_free(r.loop);
        return 1;
    }
    p->ready(r.sim, p->arg);
    r.sigint = loop_signal_new(r.loop, SIGINT, program_signal, &r);
    r.sigterm = loop_signal_new(r.loop, SIGTERM, program_signal, &r);
    int rc = loop_run(r.loop);
    ws_ctx_free(r.ws);
    loop_free(r.loop);
    return rc == 0 ? 0 : 1;
}
