/* http_out: one HTTP answer from an lws server (http_out.h). */
#include <uv.h>             /* before libwebsockets.h: its uv helpers */
#include <libwebsockets.h>

#include "http_out.h"

#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "log.h"
#include "xmalloc.h"

#define HDR_ROOM 4096

int
http_out_start(struct lws *wsi, struct http_out *o, int status,
               const char *ctype, size_t body_len)
{
    unsigned char *h, *end;

    http_out_clear(o);
    o->hdr = xmalloc(LWS_PRE + HDR_ROOM);
    h = o->hdr + LWS_PRE;
    end = o->hdr + LWS_PRE + HDR_ROOM - 1;
    if (lws_add_http_header_status(wsi, (unsigned)status, &h, end))
        return -1;
    if (ctype &&
        (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                      (const unsigned char *)ctype,
                                      (int)strlen(ctype), &h, end) ||
         lws_add_http_header_content_length(wsi, body_len, &h, end)))
        return -1;
    o->hdr_len = (size_t)(h - (o->hdr + LWS_PRE));
    return 0;
}

/* lws wants "name:" in lower case. */
int
http_out_header(struct lws *wsi, struct http_out *o, const char *name,
                const char *value)
{
    unsigned char *h = o->hdr + LWS_PRE + o->hdr_len;
    unsigned char *end = o->hdr + LWS_PRE + HDR_ROOM - 1;
    char lname[48];
    size_t n = strlen(name);

    if (n + 2 > sizeof(lname))
        return -1;
    for (size_t i = 0; i < n; i++)
        lname[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32
                                                            : name[i]);
    lname[n] = ':';
    lname[n + 1] = '\0';
    if (lws_add_http_header_by_name(wsi, (const unsigned char *)lname,
                                    (const unsigned char *)value,
                                    (int)strlen(value), &h, end))
        return -1;
    o->hdr_len = (size_t)(h - (o->hdr + LWS_PRE));
    return 0;
}

void
http_out_finish(struct lws *wsi, struct http_out *o, const void *body,
                size_t len)
{
    o->out_len = len;
    o->out_off = 0;
    o->out = xmalloc(LWS_PRE + len + 1);
    if (len)
        memcpy(o->out + LWS_PRE, body, len);
    lws_callback_on_writable(wsi);
}

int
http_out_writeable(struct lws *wsi, struct http_out *o, size_t chunk)
{
    size_t n;

    if (!o->out)
        return 0;
    if (o->hdr) {
        unsigned char *start = o->hdr + LWS_PRE, *h = start + o->hdr_len;
        unsigned char *end = o->hdr + LWS_PRE + HDR_ROOM - 1;

        if (lws_finalize_write_http_header(wsi, start, &h, end))
            return -1;
        free(o->hdr);
        o->hdr = NULL;
        if (o->out_len > 0) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    n = o->out_len - o->out_off;
    if (n > chunk)
        n = chunk;
    if (n > 0) {
        int flags = o->out_off + n == o->out_len ? LWS_WRITE_HTTP_FINAL
                                                 : LWS_WRITE_HTTP;

        /* Bytes before this piece are already sent, so lws may use them
         * as the LWS_PRE headroom it needs. */
        if (lws_write(wsi, o->out + LWS_PRE + o->out_off, n,
                      (enum lws_write_protocol)flags) < (int)n)
            return -1;
        o->out_off += n;
    }
    if (o->out_off < o->out_len) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    http_out_clear(o);
    return 1;
}

void
http_out_clear(struct http_out *o)
{
    free(o->hdr);
    o->hdr = NULL;
    o->hdr_len = 0;
    free(o->out);
    o->out = NULL;
    o->out_len = o->out_off = 0;
}

struct lws_vhost *
http_out_listen(struct ws_ctx *ws, const struct ws_listen_options *lo,
                void *owner, int *port_out)
{
    struct lws_vhost *vh = ws_ctx_listen(ws, lo, port_out);
    void **slot;

    if (!vh)
        return NULL;
    slot = lws_protocol_vh_priv_zalloc(vh, &lo->protocols[0],
                                       sizeof(*slot));
    if (!slot) {
        log_error(lo->name ? lo->name : "http", "no per-vhost storage");
        lws_vhost_destroy(vh);
        return NULL;
    }
    *slot = owner;
    return vh;
}

void *
http_out_owner(struct lws *wsi)
{
    struct lws_vhost *vh = lws_get_vhost(wsi);
    const struct lws_protocols *pr = lws_get_protocol(wsi);
    void **slot;

    if (!vh || !pr)
        return NULL;
    slot = lws_protocol_vh_priv_get(vh, pr);
    return slot ? *slot : NULL;
}

void
http_out_unlisten(struct lws_vhost *vh, const struct lws_protocols *protocols)
{
    void **slot;

    if (!vh)
        return;
    slot = lws_protocol_vh_priv_get(vh, &protocols[0]);
    if (slot)
        *slot = NULL;
    lws_vhost_destroy(vh);
}
