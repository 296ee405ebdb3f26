/*
 * web: the daemon's HTTP server (web.h).
 *
 * One lws protocol on its own listening vhost.  A request is answered
 * from LWS_CALLBACK_HTTP, once lws has its whole head: the limits are
 * checked, the route runs synchronously (it reads SQLite, as a command
 * does), and headers and body go out from WRITEABLE (http_out.h), the
 * body in pieces of at most 16 KiB.  A callback finds its struct web as
 * the vhost's owner, which web_free() clears.
 */
#include <uv.h>             /* before libwebsockets.h: its uv helpers */
#include <libwebsockets.h>

#include "web.h"

#include <dlfcn.h>
#include <libical/ical.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "http_out.h"
#include "ws.h"
#include "arena.h"
#include "buf.h"
#include "core.h"
#include "dash.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "xmalloc.h"

#define HTTP_CHUNK  16384
#define TOKEN_MAX   256

struct web {
    struct lws_vhost  *vh;
    char              *admin_token;
    size_t             max_uri, max_headers;
    int                timeout_s;
    struct core       *core;
    bool             (*health)(void *arg, struct buf *why);
    void              *arg;
};

/* Per-session data: the answer being written. */
struct pss {
    struct http_out out;
    bool            close_after;    /* a refused request: no keep-alive */
};

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

/*
 * libical is loaded the first time a feed is asked for, as the core does
 * for holiday files (holidays.c): a daemon that serves no calendar never
 * maps it (nor ICU beneath it).  Every libical function this file calls
 * is in this list.
 */
#define ICAL_SONAME "libical.so.3"
#define ICAL_FUNCTIONS(X) \
    X(icalcomponent_add_component) \
    X(icalcomponent_add_property) \
    X(icalcomponent_as_ical_string_r) \
    X(icalcomponent_free) \
    X(icalcomponent_new) \
    X(icalproperty_new_description) \
    X(icalproperty_new_dtend) \
    X(icalproperty_new_dtstamp) \
    X(icalproperty_new_dtstart) \
    X(icalproperty_new_prodid) \
    X(icalproperty_new_summary) \
    X(icalproperty_new_uid) \
    X(icalproperty_new_version) \
    X(icaltime_from_timet_with_zone) \
    X(icaltimezone_get_utc_timezone)

static struct {
    void *handle;
#define X(f) __typeof__(&f) f;
    ICAL_FUNCTIONS(X)
#undef X
} ical;

static bool
ical_open(void)
{
    if (ical.handle)
        return true;
    void *h = dlopen(ICAL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        log_error("web", "calendar feeds need libical (Debian package "
                  "libical3): %s", dlerror());
        return false;
    }
#define X(f)                                                              \
    if ((*(void **)&ical.f = dlsym(h, #f)) == NULL) {                     \
        log_error("web", "%s has no %s: a libical too old", ICAL_SONAME, \
                  #f);                                                    \
        dlclose(h);                                                       \
        return false;                                                     \
    }
    ICAL_FUNCTIONS(X)
#undef X
    ical.handle = h;
    return true;
}

/* One VEVENT per deadline, at its instant in UTC. */
static void
add_deadline(icalcomponent *cal, const struct core_deadline *d,
             int64_t stamp_ms)
{
    icaltimezone *utc = ical.icaltimezone_get_utc_timezone();
    icalcomponent *ev = ical.icalcomponent_new(ICAL_VEVENT_COMPONENT);
    struct icaltimetype at = ical.icaltime_from_timet_with_zone(
        (time_t)(d->at_ms / 1000), 0, utc);
    char text[512];

    snprintf(text, sizeof(text), "%s-%lld-%s@chorus", d->campaign,
             (long long)d->number, d->publish ? "publish" : "draft");
    ical.icalcomponent_add_property(ev, ical.icalproperty_new_uid(text));
    ical.icalcomponent_add_property(ev, ical.icalproperty_new_dtstamp(
        ical.icaltime_from_timet_with_zone((time_t)(stamp_ms / 1000), 0, utc)));
    ical.icalcomponent_add_property(ev, ical.icalproperty_new_dtstart(at));
    ical.icalcomponent_add_property(ev, ical.icalproperty_new_dtend(at));
    snprintf(text, sizeof(text), "%s due: %s (%s#%lld, %s)",
             d->publish ? "Publish" : "Draft", d->title, d->campaign,
             (long long)d->number, d->creator);
    ical.icalcomponent_add_property(ev, ical.icalproperty_new_summary(text));
    snprintf(text, sizeof(text), "state: %s", d->state);
    ical.icalcomponent_add_property(ev, ical.icalproperty_new_description(text));
    ical.icalcomponent_add_component(cal, ev);
}

/* /calendar/<token>.ics, /calendar/<token>/<slug>.ics.  The token is in
 * the path so that every calendar app can subscribe to the link. */
static int
route_calendar(struct web *w, const char *path, const char *bearer,
               struct web_answer *a)
{
    char token[80], slug[80] = "";
    (void)bearer;   /* the secret is the path */
    if (path[strlen("/calendar")] != '/')
        return 404;
    const char *rest = path + strlen("/calendar/");
    const char *slash = strchr(rest, '/');
    size_t n = strlen(rest);
    struct core_deadline *d;
    size_t nd;

    if (n < 5 || strcmp(rest + n - 4, ".ics") != 0)
        return 404;
    if (slash) {
        if ((size_t)(slash - rest) >= sizeof(token) ||
            strlen(slash + 1) - 4 >= sizeof(slug) || strlen(slash + 1) < 5)
            return 404;
        snprintf(token, sizeof(token), "%.*s", (int)(slash - rest), rest);
        snprintf(slug, sizeof(slug), "%.*s", (int)(strlen(slash + 1) - 4),
                 slash + 1);
    } else {
        if (n - 4 >= sizeof(token))
            return 404;
        snprintf(token, sizeof(token), "%.*s", (int)(n - 4), rest);
    }
    struct arena *ar = arena_new();
    if (!w->core ||
        core_feed_deadlines(w->core, "calendar", token, slug[0] ? slug : NULL,
                            ar, &d, &nd) != CH_OK) {
        arena_free(ar);
        return 401;
    }
    if (!ical_open()) {
        arena_free(ar);
        answer_text(a, 503, "calendar feeds are not available\n");
        return 503;
    }
    icalcomponent *cal = ical.icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    ical.icalcomponent_add_property(cal, ical.icalproperty_new_version("2.0"));
    ical.icalcomponent_add_property(
        cal, ical.icalproperty_new_prodid("-//chorus//deadlines//EN"));
    int64_t now = core_now(w->core);
    for (size_t i = 0; i < nd; i++)
        add_deadline(cal, &d[i], now);
    char *text = ical.icalcomponent_as_ical_string_r(cal);
    a->status = 200;
    a->ctype = "text/calendar; charset=utf-8";
    buf_adds(a->body, text ? text : "");
    free(text);
    ical.icalcomponent_free(cal);
    arena_free(ar);
    return 200;
}

/* /export/<token>/<subject>/<file>.csv: the subject (a campaign's slug
 * or a brand's name, lws has decoded it) is all between the token and
 * the file name, so a brand's name may hold a slash. */
static int
route_export(struct web *w, const char *path, const char *bearer,
             struct web_answer *a)
{
    (void)bearer;   /* the secret is the path */
    if (path[strlen("/export")] != '/')
        return 404;
    const char *rest = path + strlen("/export/");
    const char *slash = strchr(rest, '/'), *last = strrchr(rest, '/');
    char token[80], subject[256];
    enum csv_file f;

    if (!slash || last == slash || !csv_file_parse(last + 1, &f) ||
        (size_t)(slash - rest) >= sizeof(token) ||
        (size_t)(last - slash - 1) >= sizeof(subject))
        return 404;
    snprintf(token, sizeof(token), "%.*s", (int)(slash - rest), rest);
    snprintf(subject, sizeof(subject), "%.*s", (int)(last - slash - 1),
             slash + 1);
    struct arena *ar = arena_new();
    struct core_export e;
    if (!w->core ||
        core_export_read(w->core, token, subject, f == CSV_REVIEWS, ar,
                         &e) != CH_OK) {
        arena_free(ar);
        return 401;
    }
    a->status = 200;
    a->ctype = "text/csv; charset=utf-8";
    csv_write(a->body, f, &e);
    /* "chorus-<subject>-payouts.csv", the subject in safe characters. */
    size_t o = (size_t)snprintf(a->attachment, sizeof(a->attachment),
                                "chorus-");
    for (const char *p = subject; *p && o + 20 < sizeof(a->attachment); p++)
        a->attachment[o++] = (*p >= 'a' && *p <= 'z') ||
                                     (*p >= 'A' && *p <= 'Z') ||
                                     (*p >= '0' && *p <= '9') || *p == '-'
                                 ? *p : '_';
    snprintf(a->attachment + o, sizeof(a->attachment) - o, "-%s",
             csv_file_name(f));
    arena_free(ar);
    return 200;
}

/* The dashboard's pages check their own readers (dash.h). */
static int
route_dashboard(struct web *w, const char *path, const char *token,
                struct web_answer *a)
{
    return dash_serve(w->core, path, token, admin_ok(w, token), a);
}

struct route {
    const char *path;
    bool        admin;          /* behind the admin token */
    void      (*run)(struct web *w, struct web_answer *a);
    /* Or the path and every path under it: 401 or 404, answered here
     * alike for every route; else the status of the answer it wrote. */
    int       (*tree)(struct web *w, const char *path, const char *token,
                      struct web_answer *a);
};

static const struct route routes[] = {
    { .path = "/calendar", .tree = route_calendar },
    { .path = "/dashboard", .tree = route_dashboard },
    { .path = "/export", .tree = route_export },
    { .path = "/healthz", .admin = false, .run = route_healthz },
    { .path = "/metrics", .admin = true, .run = route_metrics },
};

void
web_route(struct web *w, const char *path, const char *token,
          struct web_answer *a)
{
    a->attachment[0] = '\0';
    for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++) {
        size_t n = strlen(routes[i].path);
        if (routes[i].tree && strncmp(routes[i].path, path, n) == 0 &&
            (path[n] == '\0' || path[n] == '/')) {
            int status = routes[i].tree(w, path, token, a);
            if (status == 401)
                answer_text(a, 401, "unauthorized\n");
            else if (status == 404)
                answer_text(a, 404, "not found\n");
            return;
        }
        if (routes[i].tree || strcmp(routes[i].path, path) != 0)
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
        size_t len = strlen(auth + 7);

        /* One that does not fit is no token: never a truncated match. */
        if (len < n)
            memcpy(tok, auth + 7, len + 1);
        return;
    }
    char arg[TOKEN_MAX + 8];
    const char *v = lws_get_urlarg_by_name(wsi, "token=", arg,
                                           (int)sizeof(arg));
    if (v && strlen(v) < n) /* lws copied "token=<value>"; v: the value */
        memcpy(tok, v, strlen(v) + 1);
}

static int
http_answer(struct lws *wsi, struct pss *p, const struct web_answer *a,
            const struct buf *body)
{
    struct http_out *o = &p->out;
    char disposition[128];

    snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"",
             a->attachment);
    if (http_out_start(wsi, o, a->status, a->ctype, body->len) ||
        http_out_header(wsi, o, "Cache-Control", "no-store") ||
        (a->status == 401 &&
         http_out_header(wsi, o, "WWW-Authenticate", "Bearer")) ||
        (a->attachment[0] &&
         http_out_header(wsi, o, "Content-Disposition", disposition)) ||
        (p->close_after && http_out_header(wsi, o, "Connection", "close")))
        return -1;
    http_out_finish(wsi, o, body->data, body->len);
    return 0;
}

static int
http_request(struct lws *wsi, struct pss *p, const char *uri)
{
    struct web *w = http_out_owner(wsi);
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

static int
http_writeable(struct lws *wsi, struct pss *p)
{
    int rc = http_out_writeable(wsi, &p->out, HTTP_CHUNK);

    if (rc <= 0)
        return rc;
    if (p->close_after || lws_http_transaction_completed(wsi))
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
            http_out_clear(&p->out);
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
        w->vh = http_out_listen(ws, &lo, w, port_out);
        if (!w->vh) {
            web_free(w);
            return NULL;
        }
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
    http_out_unlisten(w->vh, protocols);
    if (w->admin_token) {
        memset(w->admin_token, 0, strlen(w->admin_token));
        free(w->admin_token);
    }
    free(w);
}
