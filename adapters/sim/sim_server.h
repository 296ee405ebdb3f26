/*
 * sim_server: the web server under both simulators (slack_sim and
 * discord_sim).  One listening vhost on the process's ws context
 * (ws_ctx_listen) serves plain HTTP and websocket upgrades; the simulator
 * sees plain structs and callbacks, never lws.
 *
 * HTTP: a request is read whole (method, path, decoded query arguments,
 * the few headers the simulators look at, the body up to max_body) and
 * handed to handlers->route, which fills a struct sim_response: status,
 * content type, extra headers (Retry-After, X-RateLimit-*...), body.
 * Headers and body are written from WRITEABLE, the body in pieces of at
 * most 4 KiB: a client that reuses the connection sends its next request
 * as soon as it has a whole response (for a 204, the headers alone), and
 * that request must not arrive before this transaction is completed.
 *
 * Websocket: handlers->upgrade accepts or refuses an upgrade (with an
 * HTTP status and a reason, or by dropping it); handlers->open makes the
 * simulator's record for an accepted one and returns the pointer the
 * other callbacks get.  The connection (struct sim_conn) queues frames
 * and writes one per WRITEABLE, text in fragments of at most 4000 bytes:
 * lws on this stack drops a connection whose close frame arrives while it
 * still buffers a large write (ws.h).  Closing follows ws.h: our close
 * frame goes out through ws_lws_close_frame() once the queue is empty,
 * and the connection ends when the echo comes back or close_timeout_ms
 * later.
 *
 * The /_sim/ control plane: a route table (method, path, handler, help)
 * and sim_server_ctl(), which matches a request against it, parses its
 * JSON object body and answers refusals in the simulator's own error
 * format.
 *
 * Ownership:
 *  - sim_server_listen()/sim_server_free() pair.  Free the server before
 *    ws_ctx_shutdown().  sim_server_free() runs no callback: it cuts every
 *    live connection (they close asynchronously) and stops listening;
 *    lws callbacks that still come for them find no server.
 *  - a struct sim_conn belongs to the server.  It is valid from open until
 *    handlers->closed returns (the simulator drops its pointer there) or
 *    until sim_server_free().
 *  - strings in a struct sim_request are borrowed for the duration of the
 *    callback; sim_server_send() and friends copy their data.
 *
 * Threading: the loop's.  The sim_conn functions may be called from any
 * loop callback, including this connection's own callbacks.
 */
#ifndef CHORUS_SIM_SERVER_H
#define CHORUS_SIM_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "buf.h"

struct loop;
struct ws_ctx;
struct sim_server;
struct sim_conn;

#define SIM_SERVER_MAX_ARGS  64
#define SIM_SERVER_MAX_HDRS  12

struct sim_arg {
    const char *name;
    const char *value;          /* "" for a bare "name" */
};

/* An HTTP request, or a websocket upgrade (path and arguments only). */
struct sim_request {
    const char           *method;   /* "GET", "POST", "PUT", "PATCH",
                                       "DELETE", "OPTIONS"; else "OTHER" */
    const char           *path;     /* without the query */
    const char           *query;    /* decoded arguments joined by '&' */
    const struct sim_arg *args;     /* the same, split, in order */
    size_t                nargs;
    const char           *auth;     /* Authorization; "" when none */
    const char           *ctype;    /* Content-Type */
    const char           *ua;       /* User-Agent */
    const char           *audit;    /* X-Audit-Log-Reason */
    const char           *body;     /* NUL-terminated; "" when none */
    size_t                body_len;
    bool                  too_large;    /* over max_body: body is "" */
};

/* The first value of argument name, or NULL. */
const char *sim_server_arg(const struct sim_request *rq, const char *name);

struct sim_response {
    int         status;
    const char *ctype;          /* NULL: application/json */
    struct buf  body;           /* ignored for a 204 */
    struct {
        char name[40];
        char value[80];
    }           hdrs[SIM_SERVER_MAX_HDRS];
    int         nhdrs;
};

/* An extra header; past SIM_SERVER_MAX_HDRS it is dropped. */
void sim_server_header(struct sim_response *rs, const char *name,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* status and the JSON text of body (consumed; NULL: an empty body). */
void sim_server_json(struct sim_response *rs, int status, cJSON *body);

/* Flags of a received websocket message. */
#define SIM_MSG_BINARY   1u
#define SIM_MSG_TOO_BIG  2u     /* over max_message_in: msg is NULL */

struct sim_server_handlers {
    /* Answer rs (status 200, an empty body and no headers on entry). */
    void  (*route)(void *sim, const struct sim_request *rq,
                   struct sim_response *rs);
    /* 0 accepts the upgrade; > 0 refuses with that HTTP status and *why
     * as the body; < 0 drops the connection without an answer. */
    int   (*upgrade)(void *sim, const struct sim_request *rq,
                     const char **why);
    /* An accepted upgrade is open: the simulator's record for c, passed
     * to the callbacks below; NULL closes the connection. */
    void *(*open)(void *sim, struct sim_conn *c,
                  const struct sim_request *rq);
    void  (*message)(void *conn, const char *msg, size_t len,
                     unsigned flags);
    void  (*pong)(void *conn);                  /* may be NULL */
    /* Our close frame was written (sim_server_close()). */
    void  (*close_sent)(void *conn, int code);  /* may be NULL */
    /* The peer closed first (its code, 1005 without one); lws echoes. */
    void  (*peer_close)(void *conn, int code);
    /* Gone; timed_out: our close frame got no echo in time.  Drop every
     * pointer to c here. */
    void  (*closed)(void *conn, bool timed_out);
};

struct sim_server_options {
    const char *name;               /* vhost name, a literal (lws keeps
                                       the pointer) */
    const char *iface;              /* NULL: 127.0.0.1 */
    int         port;               /* 0: any free port */
    size_t      max_body;           /* request bodies */
    size_t      max_message_in;     /* websocket messages */
    int         close_timeout_ms;   /* wait for the echo of our close */
    const struct sim_server_handlers *h;
    void       *sim;                /* passed back to route/upgrade/open */
};

/* Listen; NULL if the port cannot be had.  *port_out: the bound port. */
struct sim_server *sim_server_listen(struct loop *loop, struct ws_ctx *ws,
                                     const struct sim_server_options *o,
                                     int *port_out);
void               sim_server_free(struct sim_server *srv);

/* Queue a text message, or a ping (payload at most 125 bytes). */
void sim_server_send(struct sim_conn *c, const char *text, size_t len);
void sim_server_ping(struct sim_conn *c, const void *payload, size_t len);
/* Send a close frame once the queue is written (reason cut to 123
 * bytes); a no-op once closing. */
void sim_server_close(struct sim_conn *c, int code, const char *reason);
/* Cut the TCP connection: no close frame. */
void sim_server_drop(struct sim_conn *c);
/* A zombie: stop reading (the peer's pings and frames go unanswered) and
 * writing (queued frames stay queued). */
void sim_server_freeze(struct sim_conn *c);

/* ---- the /_sim/ control plane ---- */

struct sim_ctl_plane;

/* One control request being answered. */
struct sim_ctl_call {
    const struct sim_ctl_plane *plane;
    void                       *sim;
    const struct sim_request   *rq;
    struct sim_response        *rs;
    const cJSON                *body;   /* the JSON object sent, or NULL */
    const char                 *arg;    /* the path after a prefix route */
    cJSON                      *out;    /* for the plane's run hook */
};

typedef void sim_ctl_fn(struct sim_ctl_call *c);

struct sim_ctl_route {
    const char *method;
    const char *path;       /* a trailing '/' matches longer paths, except
                               the index "/_sim/" */
    sim_ctl_fn *fn;
    const char *help;       /* for sim_server_ctl_index(); may be NULL */
};

struct sim_ctl_plane {
    const struct sim_ctl_route *routes;
    size_t                      nroutes;
    /* A refusal in the simulator's error format. */
    void (*error)(struct sim_response *rs, int status, const char *msg);
    const char *unknown;    /* 404 text for a path no route has */
    const char *bad_body;   /* 400 text for a body that is not an object */
    /* Runs a matched route; NULL: fn(c), which answers c->rs itself. */
    void (*run)(struct sim_ctl_call *c, sim_ctl_fn *fn);
};

/* Whether path is under /_sim/ (or is "/_sim"). */
bool sim_server_ctl_path(const char *path);
/* Answer a /_sim/ request from the plane's routes. */
void sim_server_ctl(const struct sim_ctl_plane *cp, void *sim,
                    const struct sim_request *rq, struct sim_response *rs);
/* The routes with their help, as a JSON array (the caller owns it). */
cJSON *sim_server_ctl_index(const struct sim_ctl_plane *cp);

/* ---- the standalone programs (slack-sim, discord-sim) ---- */

struct loop;
struct ws_ctx;

/* What a simulator program runs: make the simulator on the loop, say
 * where it listens, free it when SIGINT or SIGTERM comes. */
struct sim_program {
    const char *name;                                  /* "slack-sim" */
    void      *(*start)(struct loop *loop, struct ws_ctx *ws, void *arg);
    void       (*ready)(void *sim, void *arg);
    void       (*free)(void *sim);
    void        *arg;
};

/* A loop and a ws context, the simulator until a stop signal, then a
 * clean teardown.  Returns the program's exit status. */
int sim_server_program(const struct sim_program *p);

#endif
