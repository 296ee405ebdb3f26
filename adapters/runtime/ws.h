/*
 * ws: websocket client (Slack Socket Mode, Discord Gateway) on
 * libwebsockets, running on the loop as a foreign libuv loop (the design
 * chosen by measurement: README, "Dependencies, and why").
 *
 * One struct ws_ctx per process holds the single lws context; every client
 * connection lives in it, and so may local test servers (simulators): see
 * ws_ctx_listen(), which adds a listening vhost with the caller's own lws
 * protocols to the same context, so client and server run on one loop and
 * one thread.
 *
 * Client connections:
 *  - ws_connect() parses a ws:// or wss:// URL and starts connecting.
 *    Callbacks: on_open once the 101 upgrade is done; on_text for each
 *    complete (reassembled) text message, capped at max_message_in (a
 *    larger one closes the connection with 1009); on_pong for pong frames;
 *    on_close exactly once, always last, never from inside ws_connect().
 *  - on_close(code, reason): code is the peer's close code when the peer
 *    closed first; the code we sent when we closed (ws_close(), or 1009
 *    for an oversize message), whether or not the peer acknowledged in
 *    time; -1 when the connection died without a close frame (refused,
 *    TLS failure, reset, dropped, open timeout).  reason is never NULL.
 *  - sends are queued (FIFO per connection) and written one frame per
 *    lws WRITEABLE callback; they may be queued before on_open.
 *  - server pings are answered by lws itself.
 *
 * Blocking: Debian's lws has no async DNS (LWS_WITH_SYS_ASYNC_DNS is off),
 * so connecting to a host name does a blocking getaddrinfo() on the loop
 * thread.  IP literals (127.0.0.1) do not block.
 * For production, resolve first (curl) or accept the stall.
 *
 * Ownership:
 *  - ws_ctx_new()/ws_ctx_free() pair; shutting down has two stages
 *    because lws closes its libuv handles asynchronously:
 *      ws_free() every connection;
 *      ws_ctx_shutdown(ctx);       stage 1, from a loop callback that is
 *                                  not an lws callback (a timer, a defer)
 *      loop_stop(loop);            loop_run() now returns once lws has
 *                                  closed its handles
 *      ... loop_run() returns ...
 *      ws_ctx_free(ctx);           stage 2, really frees
 *      loop_free(loop);
 *    Connections not freed before ws_ctx_shutdown() get no more
 *    callbacks and are freed by ws_ctx_free() (pointers die then).
 *  - a struct ws_conn is released by ws_free() only, also after on_close
 *    and also from inside any of its own callbacks (the memory is reaped
 *    later from the loop, never inside an lws callback).  ws_free()
 *    closes hard (no close frame): use ws_close() and wait for on_close
 *    for a polite close.  No callback runs after ws_free().
 *  - message and reason pointers given to callbacks are borrowed for the
 *    duration of the callback; ws_send_*() copy their data.
 */
#ifndef CHORUS_WS_H
#define CHORUS_WS_H

#include <stdbool.h>
#include <stddef.h>

struct lws;
struct loop;
struct ws_ctx;
struct ws_conn;
struct lws_protocols;
struct lws_vhost;

#define WS_DEFAULT_MAX_MESSAGE_IN  ((size_t)1 << 20)
#define WS_DEFAULT_MAX_MESSAGE_OUT ((size_t)64 << 10)
#define WS_DEFAULT_OPEN_TIMEOUT_MS  20000
#define WS_DEFAULT_CLOSE_TIMEOUT_MS 5000
#define WS_CLOSE_NONE               (-1)   /* on_close: no close frame */

struct ws_ctx_options {
    const char *ca_file;     /* NULL: system CA bundle */
    bool        lws_debug;   /* forward lws notice/info/debug lines to
                                log_debug (very verbose) */
    unsigned    max_http_header_data;  /* a served request's whole head;
                                          0: lws's default (4096) */
};

struct ws_ctx *ws_ctx_new(struct loop *loop, const struct ws_ctx_options *o);
/* Stage 1: closes every connection and listener; lws starts closing its
 * loop handles.  Call outside lws callbacks. */
void           ws_ctx_shutdown(struct ws_ctx *ctx);
/* Stage 2: after loop_run() returned.  Without a prior ws_ctx_shutdown()
 * it logs an error and leaks the context: both stages back to back, with
 * no loop pass between them, crash.  For an error path where
 * the loop never ran: ws_ctx_shutdown(), loop_stop(), loop_run(), then
 * ws_ctx_free(). */
void           ws_ctx_free(struct ws_ctx *ctx);

/*
 * Listening vhost for local servers (tests, simulators).  protocols is an
 * lws protocols array ending with a zeroed entry; protocols[0] gets plain
 * HTTP requests and websocket upgrades without a subprotocol.  It must
 * outlive the context.  iface NULL: 127.0.0.1; port 0: any free port.
 * cert_pem/key_pem: serve TLS (PEM text), or NULL for plain.  Returns the
 * vhost (freed with the context, or with lws_vhost_destroy()) and stores
 * the bound port in *port_out.
 */
struct ws_listen_options {
    const char                 *name;      /* vhost name; NULL: "local" */
    const char                 *iface;
    int                         port;
    const struct lws_protocols *protocols;
    const char                 *cert_pem;
    const char                 *key_pem;
    /* Seconds a client may take to send a whole request head, and may
     * idle between keep-alive requests; 0: lws's defaults (10 and 5). */
    int                         head_timeout_s;
};
struct lws_vhost *ws_ctx_listen(struct ws_ctx *ctx,
                                const struct ws_listen_options *o,
                                int *port_out);

/*
 * For server code on this context (simulators): start a close handshake
 * from a WRITEABLE callback by writing the close frame, return 0, and
 * return -1 from LWS_CALLBACK_WS_PEER_INITIATED_CLOSE when the echo
 * arrives.  Do not use lws_close_reason() + return -1: Debian's lws
 * 4.1.6 (a _DEBUG build) on libuv kills the connection before that close
 * frame is sent, so the peer sees a drop instead of the code.  Only for
 * established websocket connections; reason is cut to 123 bytes.
 * Related lws server quirk: a close frame that arrives while lws still
 * buffers part of an earlier write (any single lws_write over ~4 KiB) is
 * not answered; lws drops the connection.  Keep server frames small.
 */
int ws_lws_close_frame(struct lws *wsi, int code, const char *reason,
                       size_t len);

struct ws_callbacks {
    void (*on_open)(void *arg);
    void (*on_text)(void *arg, const char *msg, size_t len);
    void (*on_pong)(void *arg, const void *payload, size_t len);
    void (*on_close)(void *arg, int code, const char *reason);
};

struct ws_conn_options {
    size_t max_message_in;   /* 0: WS_DEFAULT_MAX_MESSAGE_IN */
    size_t max_message_out;  /* 0: WS_DEFAULT_MAX_MESSAGE_OUT (Discord
                                wants 4096) */
    size_t max_queue;        /* bytes queued for sending; 0: 4 MiB */
    int    open_timeout_ms;  /* TCP + TLS + upgrade; 0: default */
    int    close_timeout_ms; /* close handshake, then hard close */
    bool   tls_insecure;     /* tests only: accept any certificate */
};

/* A parsed ws:// or wss:// URL.  path includes the query ("/?v=10"). */
struct ws_url {
    bool  tls;
    char  host[256];
    int   port;
    char  path[2048];
};
/* 0 on success, -1 on an unsupported or malformed URL. */
int ws_url_parse(const char *url, struct ws_url *out);

/*
 * Start connecting.  Returns NULL only for a malformed URL or after
 * ws_ctx_shutdown() (no callback then); every other failure arrives as
 * on_close(-1, reason) from the loop.  cb is copied; arg is passed back to
 * every callback.
 */
struct ws_conn *ws_connect(struct ws_ctx *ctx, const char *url,
                           const struct ws_conn_options *o,
                           const struct ws_callbacks *cb, void *arg);
/* Queue a text message.  -1 if too large, the queue is full, or the
 * connection is closing or closed. */
int  ws_send_text(struct ws_conn *c, const char *msg, size_t len);
/* Queue a ping (payload at most 125 bytes).  -1 as above. */
int  ws_send_ping(struct ws_conn *c, const void *payload, size_t len);
/* Polite close: flush the queue, send a close frame with code and reason
 * (reason at most 123 bytes), wait for the peer; hard close after
 * close_timeout_ms.  on_close follows.  A no-op once closing. */
void ws_close(struct ws_conn *c, int code, const char *reason);
/* Hard close if still open, then release; NULL is a no-op. */
void ws_free(struct ws_conn *c);
bool ws_is_open(const struct ws_conn *c);

#endif
