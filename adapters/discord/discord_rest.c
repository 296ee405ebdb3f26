/*
 * discord_rest: the REST client (discord-protocol.md section 4).
 *
 * Every request gets a route ("POST /channels/:id/messages": the method
 * and the path with ids and tokens replaced) and a major parameter (the
 * channel, guild or webhook it acts on).  Requests wait in FIFO handlers
 * with at most one request in flight each, keyed by route and major
 * parameter, so a channel's messages go out in the order the core wrote
 * them.  Once a response names the route's bucket (X-RateLimit-Bucket),
 * the route's handlers are keyed by bucket instead: routes Discord counts
 * together then share one queue per major parameter, and what was queued
 * under the route moves over in order.  A handler knows its limit from the
 * X-RateLimit-* headers of its last response and does not send while its
 * bucket is empty (remaining 0 before the reset).
 *
 * Globally: at most 50 requests in any second (a sliding window), and a
 * global 429 freezes every handler for its retry_after.  Interaction
 * endpoints (the callback and the follow-up webhook) are exempt from both
 * and from the queues ("burst", as @discordjs/rest does); they only wait
 * out their own 429s.
 *
 * Failures, as a table of what each answer means (respond()):
 *   429        never reported: back to the head of its queue, retried
 *              after retry_after + 50 ms (a sublimit or a "shared" scope
 *              holds only that handler, an empty bucket its reset)
 *   5xx, none  (transport) retried 3 times with jittered backoff, then
 *              reported as CH_REMOTE_5XX / CH_IO (the outbox retries)
 *   401        with the bot token: the token is bad; the client halts and
 *              tells the adapter once; every request after that finishes
 *              with CH_BUSY so the outbox keeps it for the next run
 *   other 4xx  reported with Discord's code and message
 * 401, 403 and 429 (unless scope "shared") are counted: Discord bans an IP
 * at 10 000 in 10 minutes, and the count is logged long before that.
 *
 * Paths carry interaction tokens: logs show the route, never the path.
 */
#include "discord_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ratewin.h"
#include "loop.h"
#include "version.h"
#include "log.h"
#include "xmalloc.h"

#define OFFSET_MS         50      /* added to every reset, as discord.js */
#define RETRIES           3       /* for 5xx and transport failures */
#define GLOBAL_PER_SECOND 50
#define MAP_SLOTS         256
#define IDLE_FREE_MS      10000   /* an idle handler is freed after this */
#define INVALID_WINDOW_MS (10 * 60 * 1000)
#define INVALID_WARN      1000
#define ROUTE_LEN         128
#define MAJOR_LEN         200
#define DEFAULT_RETRY_MS  1000    /* a 429 without retry_after */

struct handler;

struct rest_req {
    struct rest_req  *next;          /* in a queue */
    struct rest_req  *anext, *aprev; /* every live request */
    struct rest      *rest;
    struct handler   *h;             /* NULL for a burst request */
    enum http_method  method;
    char             *path;
    char             *body;
    char             *audit;
    unsigned          flags;
    char              route[ROUTE_LEN];
    char              major[MAJOR_LEN];
    int               attempts;
    int64_t           not_before;
    struct http_call *call;
    rest_done_fn     *done;
    void             *arg;
};

struct handler {
    struct handler  *mnext;          /* map chain */
    char            *key;
    struct rest_req *qhead, **qtail;
    struct rest_req *inflight;
    int              limit;          /* 0: not known yet */
    int              remaining;
    int64_t          reset_at;
    int64_t          wait_until;     /* a sublimit 429 */
    int64_t          last_used;
};

struct route_hash {
    struct route_hash *next;
    char              *route;
    char              *hash;
};

struct rest {
    struct loop        *loop;
    struct http        *http;
    char               *base;
    char               *auth_header;
    char               *ua_header;
    void              (*unauthorized)(void *arg, const char *why);
    void               *arg;
    struct handler     *map[MAP_SLOTS];
    size_t              nhandlers;
    struct route_hash  *routes[MAP_SLOTS];
    struct rest_req    *all;
    size_t              nreq;
    struct rest_req    *delayed;     /* burst requests waiting a 429 out */
    struct ratewin      global;
    int64_t             global_until;
    struct loop_timer  *timer;
    bool                pumping, again;
    bool                halted;
    uint64_t            rng;
    int64_t             invalid_since;
    int                 invalid;
    bool                invalid_warned;
};

static void pump(struct rest *r);

/* ---- keys ---------------------------------------------------------------- */

static unsigned
hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % MAP_SLOTS;
}

static bool
all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/*
 * Route and major parameter of a path, as @discordjs/rest builds them
 * (section 4.3): ids become ":id", the webhook or interaction token
 * ":token", everything after /reactions is one bucket; the major is the
 * id after /channels or /guilds, or the webhook id and token.
 */
static void
route_of(enum http_method m, const char *path, char route[ROUTE_LEN],
         char major[MAJOR_LEN])
{
    struct buf b;
    buf_init(&b, ROUTE_LEN - 1);
    buf_printf(&b, "%s ", http_method_name(m));
    snprintf(major, MAJOR_LEN, "global");
    size_t plen = strcspn(path, "?");
    const char *p = path;
    int seg = 0;
    const char *first = NULL;
    size_t firstlen = 0;
    bool token_next = false;
    while (p < path + plen) {
        if (*p == '/')
            p++;
        size_t n = strcspn(p, "/?");
        if (p + n > path + plen)
            n = (size_t)(path + plen - p);
        buf_addc(&b, '/');
        if (seg == 0) {
            first = p;
            firstlen = n;
        }
        if (token_next) {
            buf_adds(&b, ":token");
            token_next = false;
            if (seg == 2 && firstlen == 8 && strncmp(first, "webhooks", 8) == 0)
                snprintf(major + strlen(major), MAJOR_LEN - strlen(major),
                         "/%.*s", (int)n, p);
        } else if (all_digits(p, n) && n >= 5) {
            buf_adds(&b, ":id");
            if (seg == 1 &&
                ((firstlen == 8 && strncmp(first, "channels", 8) == 0) ||
                 (firstlen == 6 && strncmp(first, "guilds", 6) == 0) ||
                 (firstlen == 8 && strncmp(first, "webhooks", 8) == 0)))
                snprintf(major, MAJOR_LEN, "%.*s", (int)n, p);
            /* /webhooks/{id}/{token}, /interactions/{id}/{token}/... */
            if (seg == 1 &&
                ((firstlen == 8 && strncmp(first, "webhooks", 8) == 0) ||
                 (firstlen == 12 &&
                  strncmp(first, "interactions", 12) == 0)))
                token_next = true;
        } else {
            buf_add(&b, p, n);
            if (n == 9 && strncmp(p, "reactions", 9) == 0)
                break;
        }
        p += n;
        seg++;
    }
    snprintf(route, ROUTE_LEN, "%s", buf_cstr(&b));
    buf_free(&b);
}

static const char *
learned_hash(struct rest *r, const char *route)
{
    for (struct route_hash *h = r->routes[hash_str(route)]; h; h = h->next)
        if (strcmp(h->route, route) == 0)
            return h->hash;
    return NULL;
}

static void
learn_hash(struct rest *r, const char *route, const char *hash)
{
    unsigned slot = hash_str(route);
    for (struct route_hash *h = r->routes[slot]; h; h = h->next) {
        if (strcmp(h->route, route) == 0) {
            if (strcmp(h->hash, hash) != 0) {
                free(h->hash);
                h->hash = xstrdup(hash);
            }
            return;
        }
    }
    struct route_hash *h = xcalloc(1, sizeof(*h));
    h->route = xstrdup(route);
    h->hash = xstrdup(hash);
    h->next = r->routes[slot];
    r->routes[slot] = h;
}

static char *
handler_key(struct rest *r, const char *route, const char *major)
{
    const char *hash = learned_hash(r, route);
    return xasprintf("%s%s\n%s", hash ? "b:" : "r:", hash ? hash : route,
                     major);
}

static struct handler *
handler_find(struct rest *r, const char *key)
{
    for (struct handler *h = r->map[hash_str(key)]; h; h = h->mnext)
        if (strcmp(h->key, key) == 0)
            return h;
    return NULL;
}

/* Ownership: takes key. */
static struct handler *
handler_get(struct rest *r, char *key)
{
    struct handler *h = handler_find(r, key);
    if (h) {
        free(key);
        return h;
    }
    h = xcalloc(1, sizeof(*h));
    h->key = key;
    h->qtail = &h->qhead;
    unsigned slot = hash_str(key);
    h->mnext = r->map[slot];
    r->map[slot] = h;
    r->nhandlers++;
    return h;
}

static void
handler_unlink(struct rest *r, struct handler *h)
{
    for (struct handler **pp = &r->map[hash_str(h->key)]; *pp;
         pp = &(*pp)->mnext) {
        if (*pp == h) {
            *pp = h->mnext;
            r->nhandlers--;
            return;
        }
    }
}

static void
handler_free(struct handler *h)
{
    free(h->key);
    free(h);
}

/* ---- requests ------------------------------------------------------------ */

static void
req_free(struct rest_req *q)
{
    struct rest *r = q->rest;
    if (q->aprev)
        q->aprev->anext = q->anext;
    else
        r->all = q->anext;
    if (q->anext)
        q->anext->aprev = q->aprev;
    r->nreq--;
    free(q->path);
    free(q->body);
    free(q->audit);
    free(q);
}

static void
queue_push(struct handler *h, struct rest_req *q, bool head)
{
    q->h = h;
    if (head) {
        q->next = h->qhead;
        h->qhead = q;
        if (h->qtail == &h->qhead)
            h->qtail = &q->next;
        return;
    }
    q->next = NULL;
    *h->qtail = q;
    h->qtail = &q->next;
}

static struct rest_req *
queue_pop(struct handler *h)
{
    struct rest_req *q = h->qhead;
    if (q) {
        h->qhead = q->next;
        if (h->qhead == NULL)
            h->qtail = &h->qhead;
        q->next = NULL;
    }
    return q;
}

static void
complete(struct rest_req *q, const struct rest_result *res)
{
    struct rest *r = q->rest;
    if (q->h && q->h->inflight == q)
        q->h->inflight = NULL;
    rest_done_fn *done = q->done;
    void *arg = q->arg;
    req_free(q);
    if (done)
        done(arg, res);
    pump(r);
}

static void
complete_status(struct rest_req *q, enum ch_status ch, const char *error)
{
    struct rest_result res = { .status = 0, .ch = ch, .error = error };
    complete(q, &res);
}

/* ---- answers ------------------------------------------------------------- */

static double
header_num(const struct http_response *res, const char *name, double def)
{
    const char *v = http_response_header(res, name);
    if (v == NULL)
        return def;
    char *end;
    double d = strtod(v, &end);
    return end == v || !isfinite(d) ? def : d;
}

/* The first leaf of a 50035 "errors" tree: "content: Must be 2000 or
 * fewer in length." */
static bool
first_form_error(const cJSON *node, struct buf *path, struct buf *out)
{
    const cJSON *errs = json_get(node, "_errors");
    if (cJSON_IsArray(errs)) {
        const char *m = json_string(cJSON_GetArrayItem(errs, 0), "message");
        buf_printf(out, "%s: %s", path->len ? buf_cstr(path) : "body",
                   m ? m : "invalid");
        return true;
    }
    const cJSON *kid;
    cJSON_ArrayForEach(kid, node) {
        if (!cJSON_IsObject(kid) || !kid->string)
            continue;
        size_t keep = path->len;
        buf_printf(path, "%s%s", path->len ? "." : "", kid->string);
        if (first_form_error(kid, path, out))
            return true;
        path->len = keep;
        if (path->data)
            path->data[keep] = '\0';
    }
    return false;
}

static void
describe_error(const struct rest_req *q, long status, const cJSON *json,
               const char *body, struct buf *out)
{
    const char *msg = json_string(json, "message");
    long code = json_int(json, "code", JSON_INT_MIN, JSON_INT_MAX, 0);
    buf_printf(out, "%s: %ld", q->route, status);
    if (msg)
        buf_printf(out, " %.200s", msg);
    else if (body && *body)
        buf_printf(out, " %.120s", body);
    if (code)
        buf_printf(out, " (code %ld)", code);
    const cJSON *errors = json_get(json, "errors");
    if (cJSON_IsObject(errors)) {
        struct buf path = BUF_INIT, leaf = BUF_INIT;
        if (first_form_error(errors, &path, &leaf))
            buf_printf(out, ": %.200s", buf_cstr(&leaf));
        buf_free(&path);
        buf_free(&leaf);
    }
}

static void
count_invalid(struct rest *r, int64_t now)
{
    if (now - r->invalid_since >= INVALID_WINDOW_MS) {
        r->invalid_since = now;
        r->invalid = 0;
        r->invalid_warned = false;
    }
    if (++r->invalid >= INVALID_WARN && !r->invalid_warned) {
        r->invalid_warned = true;
        log_warn("discord", "%d invalid requests (401, 403, 429) in 10 "
                 "minutes; Discord bans the address at 10000", r->invalid);
    }
}

/* Move what waits under a route's own handler to its bucket's handler,
 * in order, once the bucket is known. */
static struct handler *
learn(struct rest *r, struct handler *h, const struct rest_req *q,
      const char *hash)
{
    const char *known = learned_hash(r, q->route);
    if (known && strcmp(known, hash) == 0 && strncmp(h->key, "b:", 2) == 0)
        return h;
    learn_hash(r, q->route, hash);
    char *key = handler_key(r, q->route, q->major);
    if (strcmp(key, h->key) == 0) {
        free(key);
        return h;
    }
    struct handler *to = handler_get(r, key);
    struct rest_req *w;
    while ((w = queue_pop(h)) != NULL)
        queue_push(to, w, false);
    if (h->inflight == NULL) {
        handler_unlink(r, h);
        handler_free(h);
    }
    return to;
}

static void
on_response(void *arg, const struct http_response *hr)
{
    struct rest_req *q = arg;
    struct rest *r = q->rest;
    int64_t now = loop_now_ms(r->loop);
    q->call = NULL;
    struct handler *h = q->h;
    if (h && h->inflight == q)
        h->inflight = NULL;
    cJSON *json = hr->body_len ? cJSON_ParseWithLength(hr->body, hr->body_len)
                               : NULL;
    long status = hr->error == HTTP_ERR_NONE ? hr->status : 0;

    /* What the headers say about the bucket. */
    if (h && status) {
        const char *bucket = http_response_header(hr, "X-RateLimit-Bucket");
        if (bucket && *bucket && strlen(bucket) < 64) {
            h = learn(r, h, q, bucket);
            q->h = h;
        }
        double lim = header_num(hr, "X-RateLimit-Limit", -1);
        double rem = header_num(hr, "X-RateLimit-Remaining", -1);
        double after = header_num(hr, "X-RateLimit-Reset-After", -1);
        if (lim >= 1 && rem >= 0 && after >= 0) {
            h->limit = (int)lim;
            h->remaining = (int)rem;
            h->reset_at = now + (int64_t)(after * 1000.0) + OFFSET_MS;
        }
        h->last_used = now;
    }

    if (status == 429) {
        double secs = cJSON_IsNumber(json_get(json, "retry_after"))
                          ? json_get(json, "retry_after")->valuedouble
                          : header_num(hr, "Retry-After", -1);
        int64_t wait = secs >= 0 && secs < 86400
                           ? (int64_t)ceil(secs * 1000.0) + OFFSET_MS
                           : DEFAULT_RETRY_MS;
        const char *g = http_response_header(hr, "X-RateLimit-Global");
        bool global = cJSON_IsTrue(json_get(json, "global")) ||
                      (g && strcasecmp(g, "true") == 0);
        const char *scope = http_response_header(hr, "X-RateLimit-Scope");
        bool shared = scope && strcasecmp(scope, "shared") == 0;
        if (!shared)
            count_invalid(r, now);
        log_info("discord", "429 on %s: waiting %lld ms%s", q->route,
                 (long long)wait, global ? " (global limit)" : "");
        if (global && !(q->flags & REST_BURST)) {
            if (now + wait > r->global_until)
                r->global_until = now + wait;
        } else if (h && (shared || h->remaining > 0 || h->limit == 0)) {
            h->wait_until = now + wait;     /* a sublimit: only this queue */
        } else if (h) {
            h->remaining = 0;
            if (now + wait > h->reset_at)
                h->reset_at = now + wait;
        }
        cJSON_Delete(json);
        if (h) {
            queue_push(h, q, true);
        } else {
            q->not_before = now + wait;
            q->next = r->delayed;
            r->delayed = q;
        }
        pump(r);
        return;
    }

    if (status == 0 || status >= 500) {
        if (q->attempts < RETRIES) {
            q->attempts++;
            int64_t d = (int64_t)250 << (q->attempts - 1);
            q->not_before = now + d / 2 + jitter_range(&r->rng, 0, d / 2);
            log_info("discord", "%s: %s; retry %d of %d", q->route,
                     status ? "server error" : hr->error_text, q->attempts,
                     RETRIES);
            cJSON_Delete(json);
            if (h) {
                queue_push(h, q, true);
            } else {
                q->next = r->delayed;
                r->delayed = q;
            }
            pump(r);
            return;
        }
        struct buf err = BUF_INIT;
        if (status)
            describe_error(q, status, json, hr->body, &err);
        else
            buf_printf(&err, "%s: %s", q->route, hr->error_text);
        struct rest_result res = {
            .status = status, .ch = status ? CH_REMOTE_5XX : CH_IO,
            .error = buf_cstr(&err), .json = json,
        };
        complete(q, &res);
        buf_free(&err);
        cJSON_Delete(json);
        return;
    }

    if (status >= 200 && status < 300) {
        struct rest_result res = { .status = status, .ch = CH_OK,
                                   .json = json };
        complete(q, &res);
        cJSON_Delete(json);
        return;
    }

    /* 4xx: Discord said no, with a reason in the body. */
    if (status == 401 || status == 403)
        count_invalid(r, now);
    struct buf err = BUF_INIT;
    describe_error(q, status, json, hr->body, &err);
    struct rest_result res = {
        .status = status, .ch = CH_REMOTE_4XX,
        .code = (int)json_int(json, "code", JSON_INT_MIN, JSON_INT_MAX, 0),
        .error = buf_cstr(&err),
        .json = json,
    };
    if (status == 401 && !(q->flags & REST_NO_AUTH)) {
        bool first = !r->halted;
        r->halted = true;
        res.ch = CH_BUSY;       /* kept in the outbox for a fixed token */
        if (first && r->unauthorized)
            r->unauthorized(r->arg, buf_cstr(&err));
    }
    complete(q, &res);
    buf_free(&err);
    cJSON_Delete(json);
}

/* ---- sending ------------------------------------------------------------- */

static void
pct_encode(const char *s, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
            *p == '.' || *p == '~') {
            buf_addc(out, (char)*p);
        } else {
            buf_addc(out, '%');
            buf_addc(out, hex[*p >> 4]);
            buf_addc(out, hex[*p & 15]);
        }
    }
}

static void
start(struct rest_req *q)
{
    struct rest *r = q->rest;
    const char *headers[5];
    size_t n = 0;
    char *audit = NULL;
    if (!(q->flags & REST_NO_AUTH))
        headers[n++] = r->auth_header;
    headers[n++] = r->ua_header;
    if (q->audit) {
        struct buf b = BUF_INIT;
        buf_adds(&b, "X-Audit-Log-Reason: ");
        pct_encode(q->audit, &b);
        audit = buf_detach(&b);
        headers[n++] = audit;
    }
    headers[n] = NULL;
    char *url = xasprintf("%s%s", r->base, q->path);
    struct http_request rq = {
        .method = q->method,
        .url = url,
        .headers = headers,
        .body = q->body,
        .body_len = q->body ? strlen(q->body) : 0,
    };
    if (q->h) {
        q->h->inflight = q;
        q->h->last_used = loop_now_ms(r->loop);
    }
    q->call = http_request(r->http, &rq, on_response, q);
    free(url);
    free(audit);
    if (q->call == NULL)
        complete_status(q, CH_INTERNAL, "malformed request");
}

/* Whether handler h may send now; else the earliest time it may. */
static bool
handler_can_send(struct rest *r, struct handler *h, int64_t now,
                 int64_t *when)
{
    struct rest_req *q = h->qhead;
    int64_t t = now;
    if (q->not_before > t)
        t = q->not_before;
    if (h->wait_until > t)
        t = h->wait_until;
    if (h->limit > 0 && h->remaining <= 0 && h->reset_at > t)
        t = h->reset_at;
    if (r->global_until > t)
        t = r->global_until;
    int64_t g = ratewin_wait(&r->global, now);
    if (now + g > t)
        t = now + g;
    *when = t;
    return t <= now;
}

static void
on_timer(void *arg)
{
    pump(arg);
}

static void
pump(struct rest *r)
{
    if (r->pumping) {
        r->again = true;
        return;
    }
    r->pumping = true;
    int64_t next;
    do {
        r->again = false;
        int64_t now = loop_now_ms(r->loop);
        next = INT64_MAX;
        /* Burst requests waiting out a 429 or a retry. */
        for (struct rest_req **pp = &r->delayed; *pp;) {
            struct rest_req *q = *pp;
            if (r->halted && !(q->flags & REST_NO_AUTH)) {
                *pp = q->next;
                complete_status(q, CH_BUSY, "the bot token was refused");
                continue;
            }
            if (q->not_before <= now) {
                *pp = q->next;
                start(q);
                continue;
            }
            if (q->not_before < next)
                next = q->not_before;
            pp = &q->next;
        }
        for (size_t s = 0; s < MAP_SLOTS; s++) {
            for (struct handler **pp = &r->map[s]; *pp;) {
                struct handler *h = *pp;
                if (h->inflight) {
                    pp = &h->mnext;
                    continue;
                }
                if (h->qhead == NULL) {
                    /* Idle long enough that its limits no longer matter. */
                    if (now - h->last_used > IDLE_FREE_MS &&
                        now > h->reset_at && now > h->wait_until) {
                        *pp = h->mnext;
                        r->nhandlers--;
                        handler_free(h);
                        continue;
                    }
                    pp = &h->mnext;
                    continue;
                }
                if (r->halted) {
                    struct rest_req *q = queue_pop(h);
                    complete_status(q, CH_BUSY, "the bot token was refused");
                    continue;   /* re-examine h */
                }
                int64_t when;
                if (!handler_can_send(r, h, now, &when)) {
                    if (when < next)
                        next = when;
                    pp = &h->mnext;
                    continue;
                }
                struct rest_req *q = queue_pop(h);
                if (h->limit > 0 && now >= h->reset_at)
                    h->remaining = h->limit;   /* a new window began */
                if (h->remaining > 0)
                    h->remaining--;
                ratewin_add(&r->global, now);
                start(q);
                pp = &h->mnext;
            }
        }
    } while (r->again);
    r->pumping = false;
    if (next == INT64_MAX) {
        loop_timer_stop(r->timer);
    } else {
        int64_t now = loop_now_ms(r->loop);
        loop_timer_arm(r->timer, next > now ? next - now : 0);
    }
}

void
rest_send(struct rest *r, enum http_method m, const char *path,
          const char *body, unsigned flags, const char *audit_reason,
          rest_done_fn *done, void *arg)
{
    struct rest_req *q = xcalloc(1, sizeof(*q));
    q->rest = r;
    q->method = m;
    q->path = xstrdup(path);
    q->body = body ? xstrdup(body) : NULL;
    q->audit = audit_reason ? xstrdup(audit_reason) : NULL;
    q->flags = flags;
    q->done = done;
    q->arg = arg;
    route_of(m, path, q->route, q->major);
    q->anext = r->all;
    if (r->all)
        r->all->aprev = q;
    r->all = q;
    r->nreq++;
    if (flags & REST_BURST) {
        /* Answered on the next loop pass, never from inside this call. */
        q->not_before = 0;
        q->next = r->delayed;
        r->delayed = q;
    } else {
        char *key = handler_key(r, q->route, q->major);
        queue_push(handler_get(r, key), q, false);
    }
    loop_timer_arm(r->timer, 0);
}

/* ---- life ---------------------------------------------------------------- */

struct rest *
rest_new(const struct rest_options *o)
{
    struct rest *r = xcalloc(1, sizeof(*r));
    r->loop = o->loop;
    r->http = o->http;
    r->base = xstrdup(o->base);
    r->auth_header = xasprintf("Authorization: Bot %s", o->token);
    r->ua_header = xasprintf("User-Agent: DiscordBot "
                             "(https://github.com/chorus-bot/chorus, %s)",
                             version_string);
    r->unauthorized = o->unauthorized;
    r->arg = o->arg;
    r->rng = jitter_seed();
    ratewin_init(&r->global, GLOBAL_PER_SECOND, 1000);
    r->timer = loop_timer_new(r->loop, on_timer, r);
    r->invalid_since = loop_now_ms(r->loop);
    return r;
}

void
rest_free(struct rest *r)
{
    if (r == NULL)
        return;
    while (r->all) {
        struct rest_req *q = r->all;
        http_cancel(q->call);
        req_free(q);
    }
    for (size_t s = 0; s < MAP_SLOTS; s++) {
        while (r->map[s]) {
            struct handler *h = r->map[s];
            r->map[s] = h->mnext;
            handler_free(h);
        }
        while (r->routes[s]) {
            struct route_hash *h = r->routes[s];
            r->routes[s] = h->next;
            free(h->route);
            free(h->hash);
            free(h);
        }
    }
    ratewin_free(&r->global);
    loop_timer_free(r->timer);
    /* The header holds the token: wipe it. */
    memset(r->auth_header, 0, strlen(r->auth_header));
    free(r->auth_header);
    free(r->ua_header);
    free(r->base);
    free(r);
}

size_t
rest_pending(const struct rest *r)
{
    return r->nreq;
}

size_t
rest_inflight(const struct rest *r)
{
    size_t n = 0;
    for (const struct rest_req *q = r->all; q; q = q->anext)
        n += q->call != NULL;
    return n;
}

bool
rest_halted(const struct rest *r)
{
    return r->halted;
}
