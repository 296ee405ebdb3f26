/*
 * web: the daemon's own HTTP server, on the loop's lws context
 * (ws_ctx_listen), read-only, off unless `http_listen` is configured.
 *
 * Routes:
 *   GET /healthz   200 "ready" when the database answers and every
 *                  configured platform is connected, else 503 with one
 *                  line per reason; no token (probes carry none, and it
 *                  says nothing a campaign could leak).
 *   GET /metrics   the Prometheus text format (metrics.h), behind the
 *                  admin token: "Authorization: Bearer <token>" or
 *                  "?token=<token>".
 *   GET /calendar/<token>.ics, /calendar/<token>/<slug>.ics
 *                  iCalendar feeds of deadlines (core_feed_deadlines),
 *                  the person's own or a campaign's she takes part in;
 *                  the secret is the path, as calendar apps need.
 *   GET /export/<token>/<slug or brand>/<file>.csv
 *                  CSV exports (csv.h; core_export_read): deliverables,
 *                  reviews or payouts of a campaign, or of a brand's
 *                  campaigns its holder may see; the token is hers from
 *                  `export`, her permission checked again on each one.
 *   GET /dashboard, /dashboard/...
 *                  the read-only dashboard (dash.h), for the admin token
 *                  or a person's `dashboard` token.
 * Anything else is 404; a known route with a wrong or missing token is
 * 401 with the same short body whatever the route, so nothing behind it
 * (a campaign, a person) can be told apart by the answer: a calendar
 * link for a campaign that does not exist is refused as a bad token is.  With no admin
 * token configured, /metrics is 401 to everyone.
 *
 * Limits (struct web_options): a request line longer than max_uri gets
 * 414; request headers (lws's known ones) longer than max_headers
 * together get 431.  Both are checked when lws has read the whole head,
 * so the context's header buffer (ws_ctx_options.max_http_header_data)
 * must be larger than max_uri + max_headers: a head over that buffer is
 * dropped by lws without an answer.  A client that has not sent a whole
 * request head within timeout_s seconds is dropped by lws's own timer
 * (the vhost's idle timeout for a connection holding a header buffer),
 * and so is a keep-alive connection idle that long: a slow client holds
 * a connection, never the loop.
 * Only GET is answered; any other method is 405.
 *
 * Ownership: web_listen()/web_free() pair; free before ws_ctx_shutdown().
 * Tokens are copied and never logged.  Threading: the loop's.
 */
#ifndef CHORUS_WEB_H
#define CHORUS_WEB_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct core;
struct loop;
struct ws_ctx;
struct web;

#define WEB_DEFAULT_MAX_URI      2048
#define WEB_DEFAULT_MAX_HEADERS  8192
#define WEB_DEFAULT_TIMEOUT_S    10
/* What the daemon gives lws for a whole request head. */
#define WEB_HEADER_BUFFER        16384

struct web_options {
    const char  *iface;         /* NULL: 127.0.0.1 */
    int          port;          /* 0: any free port */
    const char  *admin_token;   /* NULL or "": /metrics refused */
    size_t       max_uri;       /* 0: WEB_DEFAULT_MAX_URI */
    size_t       max_headers;   /* 0: WEB_DEFAULT_MAX_HEADERS */
    int          timeout_s;     /* 0: WEB_DEFAULT_TIMEOUT_S */
    struct core *core;          /* borrowed */
    /* Whether the daemon is ready; otherwise one line per reason in why.
     * NULL: ready when the database answers. */
    bool       (*health)(void *arg, struct buf *why);
    void        *arg;
};

struct web *web_listen(struct loop *loop, struct ws_ctx *ws,
                       const struct web_options *o, int *port_out);
void        web_free(struct web *w);

/* One answer, also for benchmarks and tests without a socket. */
struct web_answer {
    int         status;
    const char *ctype;
    struct buf *body;           /* the caller's, appended to */
    char        attachment[96]; /* "": none; else the file name it is
                                   downloaded as (Content-Disposition) */
};
/* Route a GET: path without the query; token from the request (the
 * Bearer value or the token argument), NULL when none. */
void web_route(struct web *w, const char *path, const char *token,
               struct web_answer *a);

#endif
