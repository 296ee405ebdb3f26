/*
 * discord_sim_server: the lws side of the simulator.  One protocol on one
 * listening vhost serves both plain HTTP (REST and /_sim/) and the gateway
 * websocket, as protocols[0] of a vhost gets both (ws.h).
 *
 * Finding the sim from a callback: the protocols table is static (it must
 * outlive the lws context, and the sim may be freed long before), and the
 * sim pointer lives in the protocol's per-vhost storage.  discord_sim_free()
 * clears that pointer and unhooks every live connection, so callbacks that
 * lws still makes for this vhost afterwards find no sim and only release
 * what the per-session data owns.
 *
 * Writing follows the project's lws rules (ws.h): one lws_write per
 * WRITEABLE callback, frames of at most DSIM_FRAGMENT bytes (larger
 * messages go out as continuation fragments), close frames through
 * ws_lws_close_frame() and -1 only when the echo comes back.
 */
#include <uv.h>             /* before libwebsockets.h (event-loop.md) */
#include <libwebsockets.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "loop.h"
#include "log.h"
#include "xmalloc.h"
#include "discord_sim_int.h"

#define DSIM_PROTOCOL   "discord-sim"
#define MAX_BODY_IN     ((size_t)1 << 20)
#define MAX_WS_IN       ((size_t)64 << 10)
#define HTTP_CHUNK      4096

struct srv_pss {
    /* http */
    const char        *method;
    char               path[1024];
    char               query[1024];
    char               auth[256];
    char               ctype[128];
    char               ua[256];
    char               audit[256];
    struct buf         body;
    bool               body_too_big;
    unsigned char     *resp;         /* LWS_PRE + body */
    size_t             resp_len, resp_off;
    bool               resp_ready;
    unsigned char     *hdr;          /* LWS_PRE + headers, until sent */
    size_t             hdr_len;
    /* websocket */
    struct dsim_conn  *conn;
};

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

static struct discord_sim *
wsi_sim(struct lws *wsi)
{
    struct lws_vhost *vh = lws_get_vhost(wsi);
    const struct lws_protocols *pr = lws_get_protocol(wsi);
    struct discord_sim **slot;

    if (!vh || !pr)
        return NULL;
    slot = lws_protocol_vh_priv_get(vh, pr);
    return slot ? *slot : NULL;
}

static void
pss_http_clear(struct srv_pss *p)
{
    buf_free(&p->body);
    free(p->resp);
    p->resp = NULL;
    p->resp_len = p->resp_off = 0;
    p->resp_ready = false;
    free(p->hdr);
    p->hdr = NULL;
    p->hdr_len = 0;
    p->body_too_big = false;
}

/* ---- responses ---- */

void
dsim_resp_header(struct dsim_resp *rs, const char *name, const char *fmt,
                 ...)
{
    va_list ap;

    if (rs->nhdrs >= DSIM_MAX_HDRS)
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
dsim_resp_json(struct dsim_resp *rs, int status, cJSON *body)
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

void
dsim_resp_error(struct dsim_resp *rs, int status, int code,
                const char *message, cJSON *errors)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "message", message);
    cJSON_AddNumberToObject(o, "code", code);
    if (errors)
        cJSON_AddItemToObject(o, "errors", errors);
    dsim_resp_json(rs, status, o);
}

/* lws wants "name:" in lower case. */
static int
add_header(struct lws *wsi, const char *name, const char *value,
           unsigned char **p, unsigned char *end)
{
    char lname[48];
    size_t n = strlen(name);

    if (n + 2 > sizeof(lname))
        return -1;
    for (size_t i = 0; i < n; i++)
        lname[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32
                                                            : name[i]);
    lname[n] = ':';
    lname[n + 1] = '\0';
    return lws_add_http_header_by_name(wsi, (const unsigned char *)lname,
                                       (const unsigned char *)value,
                                       (int)strlen(value), p, end);
}

/*
 * The headers are built here but written from WRITEABLE, like the body: a
 * client that reuses the connection sends its next request as soon as it
 * has the whole response, and for a 204 that is the headers alone.  Were
 * they written here, the next request could arrive before the transaction
 * is completed (in WRITEABLE), and lws would read it as more body of this
 * one: answered again, leaking the first answer's buffer.
 */
static int
send_response(struct lws *wsi, struct srv_pss *p, struct dsim_resp *rs)
{
    unsigned char *hdr = xmalloc(LWS_PRE + 4096);
    unsigned char *start = hdr + LWS_PRE, *h = start;
    unsigned char *end = hdr + LWS_PRE + 4096 - 1;
    char len[24];

    free(p->hdr);
    p->hdr = hdr;
    free(p->resp);
    p->resp = NULL;

    if (lws_add_http_header_status(wsi, (unsigned)rs->status, &h, end))
        return -1;
    if (rs->status != 204) {
        snprintf(len, sizeof(len), "%zu", rs->body.len);
        if (add_header(wsi, "content-type", "application/json", &h, end) ||
            add_header(wsi, "content-length", len, &h, end))
            return -1;
    }
    for (int i = 0; i < rs->nhdrs; i++)
        if (add_header(wsi, rs->hdrs[i].name, rs->hdrs[i].value, &h, end))
            return -1;
    p->hdr_len = (size_t)(h - start);
    p->resp_len = rs->status == 204 ? 0 : rs->body.len;
    p->resp_off = 0;
    p->resp = xmalloc(LWS_PRE + p->resp_len + 1);
    if (p->resp_len)
        memcpy(p->resp + LWS_PRE, buf_cstr(&rs->body), p->resp_len);
    p->resp_ready = true;
    lws_callback_on_writable(wsi);
    return 0;
}

static int
handle_http(struct lws *wsi, struct srv_pss *p)
{
    struct discord_sim *sim = wsi_sim(wsi);
    struct dsim_resp rs = { .status = 500 };
    struct dsim_req rq = {
        .method = p->method ? p->method : "OTHER",   /* 405 */
        .path = p->path,
        .query = p->query,
        .auth = p->auth,
        .ctype = p->ctype,
        .ua = p->ua,
        .audit = p->audit,
        .body = buf_cstr(&p->body),
        .body_len = p->body.len,
    };
    int rc;

    buf_init(&rs.body, 0);
    if (!sim)
        dsim_resp_error(&rs, 503, 0, "simulator stopped", NULL);
    else if (p->body_too_big)
        dsim_resp_error(&rs, 413, 40005, "Request entity too large", NULL);
    else if (strncmp(p->path, "/_sim/", 6) == 0 ||
             strcmp(p->path, "/_sim") == 0) {
        if (sim->o.control_api)
            dsim_control_handle(sim, &rq, &rs);
        else
            dsim_resp_error(&rs, 404, 0, "404: Not Found", NULL);
    } else
        dsim_rest_handle(sim, &rq, &rs);
    rc = send_response(wsi, p, &rs);
    buf_free(&rs.body);
    return rc;
}

static void
copy_hdr(struct lws *wsi, char *dst, size_t n, enum lws_token_indexes tok)
{
    dst[0] = '\0';
    if (lws_hdr_total_length(wsi, tok) >= (int)n ||
        lws_hdr_copy(wsi, dst, (int)n, tok) < 0)
        dst[0] = '\0';      /* too long to be real: treat as absent */
}

/* The query as sent, "a=1&b=2": lws keeps each argument as a fragment
 * (and lws_hdr_copy would join them with ','). */
static void
copy_args(struct lws *wsi, char *dst, size_t n)
{
    size_t len = 0;

    dst[0] = '\0';
    for (int i = 0; len + 1 < n; i++) {
        int got = lws_hdr_copy_fragment(wsi, dst + len + (len ? 1 : 0),
                                        (int)(n - len - (len ? 1 : 0)),
                                        WSI_TOKEN_HTTP_URI_ARGS, i);

        if (got < 0)
            break;
        if (len)
            dst[len] = '&';
        len += (size_t)got + (len ? 1 : 0);
    }
}

static int
on_http(struct lws *wsi, struct srv_pss *p, const char *uri)
{
    char clen[24];

    pss_http_clear(p);
    buf_init(&p->body, MAX_BODY_IN);
    p->method = NULL;
    for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
        if (lws_hdr_total_length(wsi, methods[i].token) > 0) {
            p->method = methods[i].name;
            break;
        }
    snprintf(p->path, sizeof(p->path), "%s", uri ? uri : "/");
    copy_args(wsi, p->query, sizeof(p->query));
    copy_hdr(wsi, p->auth, sizeof(p->auth), WSI_TOKEN_HTTP_AUTHORIZATION);
    copy_hdr(wsi, p->ctype, sizeof(p->ctype), WSI_TOKEN_HTTP_CONTENT_TYPE);
    copy_hdr(wsi, p->ua, sizeof(p->ua), WSI_TOKEN_HTTP_USER_AGENT);
    p->audit[0] = '\0';
    if (lws_hdr_custom_length(wsi, "x-audit-log-reason:", 19) > 0 &&
        lws_hdr_custom_copy(wsi, p->audit, sizeof(p->audit),
                            "x-audit-log-reason:", 19) < 0)
        p->audit[0] = '\0';
    copy_hdr(wsi, clen, sizeof(clen), WSI_TOKEN_HTTP_CONTENT_LENGTH);
    if (clen[0] && strcmp(clen, "0") != 0)
        return 0;           /* the body follows: BODY, BODY_COMPLETION */
    return handle_http(wsi, p);
}

static int
on_http_writeable(struct lws *wsi, struct srv_pss *p)
{
    unsigned char chunk[LWS_PRE + HTTP_CHUNK];
    size_t n;
    int flags;

    if (!p->resp_ready)
        return 0;
    if (p->hdr) {
        unsigned char *start = p->hdr + LWS_PRE, *h = start + p->hdr_len;
        unsigned char *end = p->hdr + LWS_PRE + 4096 - 1;

        if (lws_finalize_write_http_header(wsi, start, &h, end))
            return -1;
        free(p->hdr);
        p->hdr = NULL;
        if (p->resp_len > 0) {
            /* One write per WRITEABLE: the body next time. */
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    n = p->resp_len - p->resp_off;
    if (n > HTTP_CHUNK)
        n = HTTP_CHUNK;
    if (n > 0) {
        flags = p->resp_off + n == p->resp_len ? LWS_WRITE_HTTP_FINAL
                                               : LWS_WRITE_HTTP;
        /* Our buffer has LWS_PRE headroom only before offset 0: copy. */
        memcpy(chunk + LWS_PRE, p->resp + LWS_PRE + p->resp_off, n);
        if (lws_write(wsi, chunk + LWS_PRE, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        p->resp_off += n;
    }
    if (p->resp_off < p->resp_len) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    pss_http_clear(p);
    if (lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

/* ---- websocket ---- */

/* The gateway answers on these paths, with or without '/' before '?'. */
static bool
gateway_path(const char *path, bool *resume)
{
    static const struct {
        const char *path;
        bool        resume;
    } paths[] = {
        { .path = "/", .resume = false },
        { .path = "/gateway", .resume = false },
        { .path = "/gateway/", .resume = false },
        { .path = "/gateway-resume", .resume = true },
        { .path = "/gateway-resume/", .resume = true },
    };

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
        if (strcmp(path, paths[i].path) == 0) {
            *resume = paths[i].resume;
            return true;
        }
    return false;
}

static int
on_established(struct lws *wsi, struct srv_pss *p)
{
    struct discord_sim *sim = wsi_sim(wsi);
    struct dsim_conn *c;
    char uri[1024], args[1024], full[2100];

    p->conn = NULL;
    if (!sim)
        return -1;
    copy_hdr(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
    copy_args(wsi, args, sizeof(args));
    snprintf(full, sizeof(full), "%s%s%s", uri, args[0] ? "?" : "", args);

    c = xcalloc(1, sizeof(*c));
    c->sim = sim;
    c->wsi = wsi;
    c->pss = p;
    c->id = (int)sim->conns.n + 1;
    c->state = DSIM_CONN_OPEN;
    c->path = xstrdup(full);
    c->close_sent = c->close_received = -1;
    c->closed_ms = -1;
    c->intents = -1;
    c->qtail = &c->qhead;
    buf_init(&c->rx, MAX_WS_IN);
    c->timer = loop_timer_new(sim->loop, dsim_gw_timer, c);
    (void)gateway_path(uri, &c->resume_url);
    dsim_vec_push(&sim->conns, c);
    p->conn = c;
    dsim_gw_open(c, full);
    return 0;
}

static void
on_receive(struct lws *wsi, struct dsim_conn *c, const void *in, size_t len)
{
    bool last = lws_is_final_fragment(wsi) &&
                !lws_remaining_packet_payload(wsi);

    if (!c->rx_in_msg) {
        buf_reset(&c->rx);
        c->rx_in_msg = true;
        c->rx_too_big = false;
    }
    if (!c->rx_too_big && !buf_add(&c->rx, in, len))
        c->rx_too_big = true;
    if (!last)
        return;
    c->rx_in_msg = false;
    if (c->state != DSIM_CONN_OPEN)
        return;     /* closing: nothing more is read */
    if (c->rx_too_big)
        dsim_gw_receive(c, NULL, 0);
    else
        dsim_gw_receive(c, buf_cstr(&c->rx), c->rx.len);
}

static int
on_ws_writeable(struct lws *wsi, struct dsim_conn *c)
{
    struct dsim_frame *f = c->qhead;

    if (c->drop_pending)
        return -1;      /* no close frame: the peer sees a dead TCP */
    if (f) {
        unsigned char chunk[LWS_PRE + DSIM_FRAGMENT];
        size_t n = f->len - f->off;
        int flags;

        if (n > DSIM_FRAGMENT)
            n = DSIM_FRAGMENT;
        memcpy(chunk + LWS_PRE, f->data + f->off, n);
        flags = lws_write_ws_flags(LWS_WRITE_TEXT, f->off == 0,
                                   f->off + n == f->len);
        if (lws_write(wsi, chunk + LWS_PRE, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        f->off += n;
        if (f->off == f->len) {
            c->qhead = f->next;
            if (!c->qhead)
                c->qtail = &c->qhead;
            free(f);
        }
    } else if (c->close_pending && !c->close_written) {
        c->close_written = true;
        if (ws_lws_close_frame(wsi, c->close_code, c->close_reason,
                               strlen(c->close_reason)) != 0)
            return -1;
        /* The echo ends it; the timer bounds the wait. */
        c->close_deadline_ms = dsim_now(c->sim) + c->sim->o.close_timeout_ms;
        dsim_gw_timer(c);
        return 0;
    }
    if (c->qhead || (c->close_pending && !c->close_written))
        lws_callback_on_writable(wsi);
    return 0;
}

static int
on_peer_close(struct dsim_conn *c, const unsigned char *in, size_t len)
{
    if (c->close_written)
        return -1;      /* the echo of ours: the handshake is done */
    c->close_received = len >= 2 ? (in[0] << 8 | in[1]) : 1005;
    return 0;           /* lws echoes the close frame, then closes */
}

static void
conn_gone(struct srv_pss *p)
{
    struct dsim_conn *c = p->conn;

    if (!c)
        return;
    p->conn = NULL;
    c->pss = NULL;
    c->wsi = NULL;
    dsim_gw_closed(c, c->close_received);
}

/* ---- the protocol callback ---- */

static int
sim_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
       void *in, size_t len)
{
    struct srv_pss *p = user;
    bool resume;

    switch (reason) {
    case LWS_CALLBACK_HTTP:
        if (!p)
            return -1;
        return on_http(wsi, p, in);
    case LWS_CALLBACK_HTTP_BODY:
        if (p && !buf_add(&p->body, in, len))
            p->body_too_big = true;
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!p)
            return -1;
        return handle_http(wsi, p);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (!p)
            return 0;
        return on_http_writeable(wsi, p);
    case LWS_CALLBACK_CLOSED_HTTP:
        if (p)
            pss_http_clear(p);
        return 0;

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        char uri[1024];

        /* Refuse the upgrade (lws answers with an error) for paths that
         * are not a gateway, and once the sim is gone. */
        copy_hdr(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI);
        if (!wsi_sim(wsi) || !gateway_path(uri, &resume))
            return 1;
        return 0;
    }
    case LWS_CALLBACK_ESTABLISHED:
        if (!p)
            return -1;
        pss_http_clear(p);
        return on_established(wsi, p);
    case LWS_CALLBACK_RECEIVE:
        if (p && p->conn)
            on_receive(wsi, p->conn, in, len);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!p || !p->conn)
            return 0;
        return on_ws_writeable(wsi, p->conn);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (!p || !p->conn)
            return 0;
        return on_peer_close(p->conn, in, len);
    case LWS_CALLBACK_CLOSED:
        if (p)
            conn_gone(p);
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols sim_protocols[] = {
    {
        .name = DSIM_PROTOCOL,
        .callback = sim_cb,
        .per_session_data_size = sizeof(struct srv_pss),
        .rx_buffer_size = 0,
    },
    { .name = NULL },
};

/* ---- connection API for the gateway ---- */

void
dsim_conn_send(struct dsim_conn *c, const char *text, size_t len)
{
    struct dsim_frame *f;

    if (!c->wsi || c->state != DSIM_CONN_OPEN)
        return;
    f = xmalloc(sizeof(*f) + len + 1);
    f->next = NULL;
    f->len = len;
    f->off = 0;
    memcpy(f->data, text, len);
    *c->qtail = f;
    c->qtail = &f->next;
    dsim_log_gw(c->sim, c->id, false, text, len);
    lws_callback_on_writable(c->wsi);
}

void
dsim_conn_close(struct dsim_conn *c, int code, const char *reason)
{
    if (!c->wsi || c->state != DSIM_CONN_OPEN)
        return;
    c->state = DSIM_CONN_CLOSING;
    c->close_pending = true;
    c->close_code = code;
    c->close_sent = code;
    snprintf(c->close_reason, sizeof(c->close_reason), "%.123s",
             reason ? reason : "");
    lws_callback_on_writable(c->wsi);
}

void
dsim_conn_drop(struct dsim_conn *c)
{
    if (!c->wsi || c->state == DSIM_CONN_CLOSED)
        return;
    c->state = DSIM_CONN_CLOSING;
    c->dropped = true;
    c->drop_pending = true;
    lws_callback_on_writable(c->wsi);
}

void
dsim_conn_kill(struct dsim_conn *c)
{
    if (!c->wsi || c->state == DSIM_CONN_CLOSED)
        return;
    c->dropped = true;
    lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

/* ---- start / stop ---- */

int
dsim_server_start(struct discord_sim *sim)
{
    struct ws_listen_options lo = {
        .name = "discord-sim",
        .iface = sim->iface,
        .port = sim->o.port,
        .protocols = sim_protocols,
    };
    const struct lws_protocols *pr;
    struct discord_sim **slot;

    sim->vh = ws_ctx_listen(sim->ws, &lo, &sim->port);
    if (!sim->vh)
        return -1;
    pr = lws_vhost_name_to_protocol(sim->vh, DSIM_PROTOCOL);
    slot = pr ? lws_protocol_vh_priv_zalloc(sim->vh, pr, sizeof(*slot))
              : NULL;
    if (!slot) {
        log_error("discord-sim", "no per-vhost storage");
        lws_vhost_destroy(sim->vh);
        sim->vh = NULL;
        return -1;
    }
    *slot = sim;
    return 0;
}

void
dsim_server_stop(struct discord_sim *sim)
{
    const struct lws_protocols *pr;
    struct discord_sim **slot;

    if (!sim->vh)
        return;
    for (size_t i = 0; i < sim->conns.n; i++) {
        struct dsim_conn *c = sim->conns.v[i];

        if (!c->wsi)
            continue;
        if (c->pss)
            ((struct srv_pss *)c->pss)->conn = NULL;
        lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        c->wsi = NULL;
        c->pss = NULL;
    }
    pr = lws_vhost_name_to_protocol(sim->vh, DSIM_PROTOCOL);
    slot = pr ? lws_protocol_vh_priv_get(sim->vh, pr) : NULL;
    if (slot)
        *slot = NULL;
    /* Closes the listener and whatever HTTP connections are left; their
     * callbacks find no sim and only free their own buffers. */
    lws_vhost_destroy(sim->vh);
    sim->vh = NULL;
}
