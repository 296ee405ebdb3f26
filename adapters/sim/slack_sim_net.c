/*
 * slack_sim_net: the simulator's lws protocol on its listening vhost.
 *
 * One protocol serves plain HTTP (the Web API, response_url hooks, the
 * /_sim/ control routes) and the Socket Mode websocket upgrade.  The
 * callback finds its struct slack_sim through lws's per-vhost protocol
 * storage, which slack_sim_free() clears: the vhost lives as long as the
 * lws context, so late callbacks must find no simulator rather than a
 * dangling one.
 *
 * HTTP: a request is answered when its body is complete; headers go out
 * from that callback (as lws's own examples do), the body from
 * HTTP_WRITEABLE in pieces of at most 4 KiB.
 *
 * Websocket: frames are queued per socket and written one per WRITEABLE,
 * text messages in fragments of at most 4000 bytes.  lws on this stack
 * drops a connection whose close frame arrives while it still buffers a
 * large write (ws.h), so big frames are never handed over in one piece.
 * The close handshake follows ws.h: our close frame goes out through
 * ws_lws_close_frame() and we return -1 when the peer's echo arrives.
 */
#include <uv.h>             /* before libwebsockets.h (event-loop.md) */
#include <libwebsockets.h>

#include "slack_sim_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "log.h"
#include "xmalloc.h"

#define SSIM_MAX_BODY      ((size_t)8 << 20)
#define SSIM_HTTP_CHUNK    4096
#define SSIM_WS_FRAGMENT   4000

struct ssim_pss {
    /* HTTP */
    char              verb[8];
    char              path[512];
    char              auth[512];
    char              ctype[128];
    cJSON            *query;
    struct buf        body;
    unsigned char    *out;          /* LWS_PRE + body */
    size_t            out_len;
    size_t            out_off;
    /* websocket */
    struct ssim_sock *sock;
    bool              ticket_ok;
    bool              debug_reconnects;
};

static struct slack_sim *
sim_of(struct lws *wsi)
{
    struct lws_vhost *vh = wsi ? lws_get_vhost(wsi) : NULL;
    struct slack_sim **slot;

    if (!vh)
        return NULL;
    slot = lws_protocol_vh_priv_get(vh, lws_get_protocol(wsi));
    return slot ? *slot : NULL;
}

/* ---- HTTP ---- */

static void
http_clear(struct ssim_pss *p)
{
    cJSON_Delete(p->query);
    p->query = NULL;
    buf_free(&p->body);
    free(p->out);
    p->out = NULL;
    p->out_len = p->out_off = 0;
}

void
ssim_resp_json(struct ssim_resp *r, long status, cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);

    r->status = status;
    r->ctype = "application/json; charset=utf-8";
    buf_reset(&r->body);
    buf_adds(&r->body, s ? s : "{}");
    free(s);
    cJSON_Delete(j);
}

void
ssim_resp_error(struct ssim_resp *r, long status, const char *error)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddBoolToObject(j, "ok", 0);
    cJSON_AddStringToObject(j, "error", error);
    ssim_resp_json(r, status, j);
}

static void
copy_hdr(struct lws *wsi, char *dst, int n, enum lws_token_indexes h)
{
    /* Missing or too long (a token does not fit 512 bytes): "". */
    if (lws_hdr_copy(wsi, dst, n, h) < 0)
        dst[0] = '\0';
}

static void
read_query(struct lws *wsi, struct ssim_pss *p)
{
    char frag[1024];

    p->query = cJSON_CreateObject();
    /* lws has split the query at '&' and URL-decoded each piece. */
    for (int i = 0; i < 64; i++) {
        char *eq;

        if (lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
                                  WSI_TOKEN_HTTP_URI_ARGS, i) < 0)
            break;
        eq = strchr(frag, '=');
        if (eq)
            *eq++ = '\0';
        if (!cJSON_GetObjectItemCaseSensitive(p->query, frag))
            cJSON_AddStringToObject(p->query, frag, eq ? eq : "");
    }
}

static void
route(struct slack_sim *sim, const struct ssim_req *rq, struct ssim_resp *rs)
{
    if (strncmp(rq->path, "/api/", 5) == 0)
        ssim_api_handle(sim, rq->path + 5, rq, rs);
    else if (strncmp(rq->path, "/hooks/", 7) == 0)
        ssim_hook_handle(sim, rq, rs);
    else if (sim->control && strncmp(rq->path, "/_sim/", 6) == 0)
        ssim_ctl_handle(sim, rq, rs);
    else {
        rs->status = 404;
        rs->ctype = "text/plain";
        buf_adds(&rs->body, "not found\n");
    }
}

static int
http_respond(struct lws *wsi, struct ssim_pss *p)
{
    struct slack_sim *sim = sim_of(wsi);
    unsigned char hdr[LWS_PRE + 1024], *start = hdr + LWS_PRE, *h = start;
    unsigned char *end = hdr + sizeof(hdr) - 1;
    struct ssim_resp rs = { .status = 200 };
    struct ssim_req rq;
    char ra[16];

    if (!sim)
        return -1;          /* simulator gone: refuse */
    buf_init(&rs.body, 0);
    if (p->body.overflow) {
        ssim_resp_error(&rs, 413, "request_too_large");
    } else {
        rq = (struct ssim_req){
            .verb = p->verb,
            .path = p->path,
            .auth = p->auth,
            .ctype = p->ctype,
            .body = buf_cstr(&p->body) ? buf_cstr(&p->body) : "",
            .body_len = p->body.len,
            .query = p->query,
        };
        route(sim, &rq, &rs);
    }
    if (rs.body.len == 0)
        buf_adds(&rs.body, "\n");   /* lws wants a final write */
    if (lws_add_http_common_headers(wsi, (unsigned)rs.status,
                                    rs.ctype ? rs.ctype
                                             : "application/json",
                                    rs.body.len, &h, end))
        goto fail;
    if (rs.retry_after > 0) {
        int n = snprintf(ra, sizeof(ra), "%d", rs.retry_after);

        if (lws_add_http_header_by_name(wsi,
                (const unsigned char *)"retry-after:",
                (const unsigned char *)ra, n, &h, end))
            goto fail;
    }
    if (lws_finalize_write_http_header(wsi, start, &h, end))
        goto fail;
    p->out_len = rs.body.len;
    p->out_off = 0;
    p->out = xmalloc(LWS_PRE + rs.body.len);
    memcpy(p->out + LWS_PRE, rs.body.data, rs.body.len);
    buf_free(&rs.body);
    buf_free(&p->body);
    lws_callback_on_writable(wsi);
    return 0;
fail:
    buf_free(&rs.body);
    return -1;
}

static int
http_writeable(struct lws *wsi, struct ssim_pss *p)
{
    size_t n;
    bool last;

    if (!p->out)
        return 0;
    n = p->out_len - p->out_off;
    if (n > SSIM_HTTP_CHUNK)
        n = SSIM_HTTP_CHUNK;
    last = p->out_off + n == p->out_len;
    /* Bytes before this piece are already sent, so lws may use them as
     * the LWS_PRE headroom it needs. */
    if (lws_write(wsi, p->out + LWS_PRE + p->out_off, n,
                  last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
        return -1;
    p->out_off += n;
    if (!last) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    http_clear(p);
    if (lws_http_transaction_completed(wsi))
        return -1;
    return 0;
}

static int
http_start(struct lws *wsi, struct ssim_pss *p, const char *path)
{
    http_clear(p);
    snprintf(p->path, sizeof(p->path), "%s", path ? path : "/");
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI))
        snprintf(p->verb, sizeof(p->verb), "POST");
    else if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI))
        snprintf(p->verb, sizeof(p->verb), "GET");
    else
        snprintf(p->verb, sizeof(p->verb), "OTHER");
    copy_hdr(wsi, p->auth, sizeof(p->auth), WSI_TOKEN_HTTP_AUTHORIZATION);
    copy_hdr(wsi, p->ctype, sizeof(p->ctype), WSI_TOKEN_HTTP_CONTENT_TYPE);
    read_query(wsi, p);
    buf_init(&p->body, SSIM_MAX_BODY);
    if (strcmp(p->verb, "POST") == 0)
        return 0;           /* answered at BODY_COMPLETION */
    return http_respond(wsi, p);
}

/* ---- websocket ---- */

static int
ws_filter(struct lws *wsi, struct ssim_pss *p)
{
    struct slack_sim *sim = sim_of(wsi);
    char path[256], frag[256], ticket[256] = "";
    const char *why;

    if (!sim)
        return -1;
    p->ticket_ok = false;
    p->debug_reconnects = false;
    copy_hdr(wsi, path, sizeof(path), WSI_TOKEN_GET_URI);
    for (int i = 0; i < 16; i++) {
        if (lws_hdr_copy_fragment(wsi, frag, sizeof(frag),
                                  WSI_TOKEN_HTTP_URI_ARGS, i) < 0)
            break;
        if (strncmp(frag, "ticket=", 7) == 0)
            snprintf(ticket, sizeof(ticket), "%s", frag + 7);
        else if (strcmp(frag, "debug_reconnects=true") == 0)
            p->debug_reconnects = true;
    }
    if (strcmp(path, "/link/") != 0 && strcmp(path, "/link") != 0)
        why = "bad_path";
    else
        why = ssim_ticket_take(sim, ticket);
    if (why) {
        struct slack_sim_conn *c = xcalloc(1, sizeof(*c));

        c->id = ++sim->n_conn;
        c->opened_at_ms = c->closed_at_ms = ssim_now(sim);
        c->refused = true;
        c->refused_reason = why;
        c->close_code = -1;
        ssim_vec_push(&sim->conns, c);
        log_info(SSIM_MOD, "websocket upgrade refused: %s", why);
        ssim_observe(sim, SLACK_SIM_OBS_SOCKET, NULL, NULL, NULL, NULL,
                     "[socket %d refused: %s]", c->id, why);
        /* Answer the upgrade with a 401 rather than a silent close. */
        lws_return_http_status(wsi, HTTP_STATUS_UNAUTHORIZED, why);
        return -1;
    }
    p->ticket_ok = true;
    return 0;
}

static void
ws_receive(struct lws *wsi, struct ssim_sock *s, const void *in, size_t len)
{
    bool last = lws_is_final_fragment(wsi) &&
                !lws_remaining_packet_payload(wsi);

    if (!s->rx_in_msg) {
        buf_reset(&s->rx);
        s->rx_in_msg = true;
        s->rx_skip = lws_frame_is_binary(wsi) != 0;
    }
    if (!s->rx_skip && !buf_add(&s->rx, in, len))
        s->rx_skip = true;
    if (!last)
        return;
    s->rx_in_msg = false;
    if (s->rx_skip) {
        s->rec->frames_in++;
        s->rec->bad_frames++;
        log_info(SSIM_MOD, "socket %d: binary or oversized frame ignored",
                 s->rec->id);
        return;
    }
    ssim_sock_text(s, buf_cstr(&s->rx) ? buf_cstr(&s->rx) : "", s->rx.len);
}

static void
frame_pop(struct ssim_sock *s)
{
    struct ssim_frame *f = s->qhead;

    s->qhead = f->next;
    if (!s->qhead)
        s->qtail = &s->qhead;
    free(f->data);
    free(f);
}

static int
ws_writeable(struct lws *wsi, struct ssim_sock *s)
{
    struct ssim_frame *f = s->qhead;

    if (s->drop)
        return -1;          /* no close reason: lws just closes the TCP */
    if (s->rec->peer_closed)
        return 0;           /* lws is answering the peer's close */
    if (s->zombie) {
        if (!s->zombie_applied) {
            /* Stop reading: client pings go unanswered, acks unseen. */
            s->zombie_applied = true;
            lws_rx_flow_control(wsi, 0);
        }
        return 0;
    }
    if (f && f->ping) {
        if (lws_write(wsi, f->data + LWS_PRE, f->len, LWS_WRITE_PING) <
            (int)f->len)
            return -1;
        frame_pop(s);
    } else if (f) {
        size_t n = f->len - f->off;
        int flags;

        if (n > SSIM_WS_FRAGMENT)
            n = SSIM_WS_FRAGMENT;
        flags = lws_write_ws_flags(LWS_WRITE_TEXT, f->off == 0,
                                   f->off + n == f->len);
        if (lws_write(wsi, f->data + LWS_PRE + f->off, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        f->off += n;
        if (f->off == f->len)
            frame_pop(s);
    } else if (s->close_pending && !s->close_sent) {
        s->close_pending = false;
        s->close_sent = true;
        s->rec->close_code = s->close_code;
        if (ws_lws_close_frame(wsi, s->close_code, s->close_reason,
                               strlen(s->close_reason)) != 0)
            return -1;
        /* A peer that never echoes is cut off after 5 s. */
        lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_ACK, 5);
        return 0;
    }
    if (s->qhead || (s->close_pending && !s->close_sent))
        lws_callback_on_writable(wsi);
    return 0;
}

void
ssim_sock_queue(struct ssim_sock *s, bool ping, const void *data,
                size_t len)
{
    struct ssim_frame *f = xcalloc(1, sizeof(*f));

    f->ping = ping;
    f->len = len;
    f->data = xmalloc(LWS_PRE + len + 1);
    if (len)
        memcpy(f->data + LWS_PRE, data, len);
    *s->qtail = f;
    s->qtail = &f->next;
    ssim_sock_wake(s);
}

void
ssim_sock_wake(struct ssim_sock *s)
{
    if (s->wsi)
        lws_callback_on_writable(s->wsi);
}

void
ssim_sock_free(struct ssim_sock *s)
{
    while (s->qhead)
        frame_pop(s);
    buf_free(&s->rx);
    free(s);
}

/* ---- the protocol callback ---- */

static int
sim_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user,
       void *in, size_t len)
{
    struct ssim_pss *p = user;
    struct ssim_sock *s;

    if (!p)
        return lws_callback_http_dummy(wsi, reason, user, in, len);
    s = p->sock;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return http_start(wsi, p, in);
    case LWS_CALLBACK_HTTP_BODY:
        buf_add(&p->body, in, len);     /* overflow answered with 413 */
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return http_respond(wsi, p);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return http_writeable(wsi, p);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        http_clear(p);
        return 0;

    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return ws_filter(wsi, p);
    case LWS_CALLBACK_ESTABLISHED: {
        struct slack_sim *sim = sim_of(wsi);

        http_clear(p);
        if (!sim || !p->ticket_ok)
            return -1;
        p->sock = ssim_sock_open(sim, wsi, p->debug_reconnects);
        return 0;
    }
    case LWS_CALLBACK_RECEIVE:
        if (!s)
            return -1;
        ws_receive(wsi, s, in, len);
        return s->drop ? -1 : 0;
    case LWS_CALLBACK_RECEIVE_PONG:
        if (!s)
            return -1;
        ssim_sock_pong(s);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!s)
            return -1;
        return ws_writeable(wsi, s);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (!s)
            return -1;
        if (s->close_sent)
            return -1;      /* the echo of ours: done */
        ssim_sock_peer_close(s, len >= 2 ? (((const unsigned char *)in)[0]
                                            << 8 |
                                            ((const unsigned char *)in)[1])
                                         : 1005);
        return 0;           /* lws echoes the close frame */
    case LWS_CALLBACK_CLOSED:
        http_clear(p);
        if (s) {
            p->sock = NULL;
            ssim_sock_gone(s);
        }
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols ssim_protocols[] = {
    {
        .name = "slack-sim",
        .callback = sim_cb,
        .per_session_data_size = sizeof(struct ssim_pss),
        .rx_buffer_size = 0,
    },
    { .name = NULL },
};

int
ssim_net_listen(struct slack_sim *sim, int port)
{
    struct ws_listen_options lo = {
        .name = "slack-sim",    /* lws keeps the pointer: a literal */
        .port = port,
        .protocols = ssim_protocols,
    };

    sim->vh = ws_ctx_listen(sim->ws, &lo, &sim->port);
    if (!sim->vh)
        return -1;
    sim->vh_slot = lws_protocol_vh_priv_zalloc(sim->vh, &ssim_protocols[0],
                                               sizeof(*sim->vh_slot));
    if (!sim->vh_slot) {
        log_error(SSIM_MOD, "no per-vhost storage");
        return -1;
    }
    *sim->vh_slot = sim;
    return 0;
}

void
ssim_net_detach(struct slack_sim *sim)
{
    if (sim->vh_slot)
        *sim->vh_slot = NULL;
    sim->vh_slot = NULL;
    for (struct ssim_sock *s = sim->socks; s; s = s->next) {
        struct lws *wsi = s->wsi;
        struct ssim_pss *p;

        if (!wsi)
            continue;
        p = lws_wsi_user(wsi);
        if (p)
            p->sock = NULL;
        s->wsi = NULL;
        /* Asynchronous: safe even if we are inside an lws callback. */
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
    }
}
