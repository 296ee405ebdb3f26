/*
 * http_out: one HTTP answer written by an lws server, for every server
 * chorus runs (the simulators' sim_server, the daemon's web).
 *
 * lws wants writes from WRITEABLE only, one per callback: the headers
 * are built at once (http_out_start, http_out_header) and kept with a
 * copy of the body (http_out_finish, which asks for WRITEABLE); each
 * WRITEABLE then calls http_out_writeable(), which writes the headers,
 * then the body in pieces of at most `chunk` bytes, and says when the
 * answer is all out.  The caller then completes the transaction (or
 * closes).  A reused connection's next request must not arrive before
 * that: the headers alone are a whole answer for a 204.
 *
 * Also the per-vhost owner: http_out_listen() adds a listening vhost
 * (ws_ctx_listen) whose protocols[0] callbacks find owner again with
 * http_out_owner(); http_out_unlisten() clears it first, so callbacks lws
 * still makes for that vhost find NULL.
 *
 * Ownership: struct http_out lives in the caller's per-session data;
 * http_out_clear() frees what it holds (also when the connection closes
 * before the answer is out).  Threading: the loop's.
 */
#ifndef CHORUS_HTTP_OUT_H
#define CHORUS_HTTP_OUT_H

#include <stddef.h>

struct lws;
struct lws_protocols;
struct lws_vhost;
struct ws_ctx;
struct ws_listen_options;

struct http_out {
    unsigned char *hdr;         /* LWS_PRE + headers, until written */
    size_t         hdr_len;
    unsigned char *out;         /* LWS_PRE + body */
    size_t         out_len, out_off;
};

/* The status line, and unless ctype is NULL (a 204) the Content-Type and
 * Content-Length of a body of body_len bytes.  0, or -1 (no room). */
int  http_out_start(struct lws *wsi, struct http_out *o, int status,
                    const char *ctype, size_t body_len);
/* One more header; name in any case ("Retry-After").  0 or -1. */
int  http_out_header(struct lws *wsi, struct http_out *o, const char *name,
                     const char *value);
/* Keep a copy of the body and ask for WRITEABLE. */
void http_out_finish(struct lws *wsi, struct http_out *o, const void *body,
                     size_t len);
/* From WRITEABLE: 1 when the whole answer is out, 0 when more is to come
 * (WRITEABLE is asked again), -1 when the connection must close. */
int  http_out_writeable(struct lws *wsi, struct http_out *o, size_t chunk);
void http_out_clear(struct http_out *o);

/* A listening vhost (ws_ctx_listen) whose callbacks find owner; NULL
 * when the port cannot be had or lws has no room (logged). */
struct lws_vhost *http_out_listen(struct ws_ctx *ws,
                                  const struct ws_listen_options *lo,
                                  void *owner, int *port_out);
/* The owner of wsi's vhost, or NULL (never set, or unlistened). */
void             *http_out_owner(struct lws *wsi);
/* Forget the owner and destroy the vhost (its connections close). */
void              http_out_unlisten(struct lws_vhost *vh,
                                    const struct lws_protocols *protocols);

#endif
