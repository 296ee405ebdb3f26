/*
 * discord_rest: the REST client.  The
 * queueing, pacing and retrying are the runtime's outbound queue
 * (outq.h); what stays here is what Discord means by its limits and its
 * answers.
 *
 * Every request gets a route ("POST /channels/:id/messages": the method
 * and the path with ids and tokens replaced) and a major parameter (the
 * channel, guild or webhook it acts on), and waits in the queue's lane of
 * that route and major parameter: one request on the wire per lane, so a
 * channel's messages go out in the order the core wrote them.  Once a
 * response names the route's bucket (X-RateLimit-Bucket), the route's
 * lanes are keyed by bucket instead (outq_lane_move()): routes Discord
 * counts together then share one lane per major parameter, and what was
 * queued under the route moves over in order.  A bucket's limit comes
 * from the X-RateLimit-* headers of its last response; the queue's gate
 * (rest_gate()) holds a lane while its bucket is empty (remaining 0
 * before the reset), while the last second already saw 50 requests (a
 * sliding window) and while a global 429 lasts.  Interaction endpoints
 * (the callback and the follow-up webhook) are exempt from all three and
 * have no lane ("burst", as @discordjs/rest does); they only wait out
 * their own 429s.
 *
 * What each answer means is a table (answers[]):
 *   429        never reported: sent again as the head of its lane after
 *              retry_after + 50 ms (a sublimit or a "shared" scope holds
 *              only that request, an empty bucket its reset, a global
 *              limit everyone)
 *   5xx, none  (transport) retried 3 times with the queue's jittered
 *              backoff, then reported as CH_REMOTE_5XX / CH_IO (the outbox
 *              retries)
 *   401        with the bot token: the token is bad; the client halts and
 *              tells the adapter once; every request after that finishes
 *              with CH_BUSY so the outbox keeps it for the next run
 *   other      reported with Discord's code and message
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

#include "outq.h"
#include "ratewin.h"
#include "loop.h"
#include "version.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

#define OFFSET_MS         50      /* added to every reset, as discord.js */
#define RETRIES           3       /* for 5xx and transport failures */
#define RETRY_BASE_MS     250     /* then 500, 1000 (equal jitter) */
#define GLOBAL_PER_SECOND 50
#define MAP_SLOTS         256
#define IDLE_FREE_MS      10000   /* an idle bucket is forgotten after this */
#define INVALID_WINDOW_MS (10 * 60 * 1000)
#define INVALID_WARN      1000
#define ROUTE_LEN         128
#define MAJOR_LEN         200

/* retry_after (a float in the body, else the header), + 50 ms as
 * discord.js; none: a second. */
static const struct http_retry_after retry_after_rule = {
    .default_ms = 1000,
    .max_ms = 86400 * 1000,
    .pad_ms = OFFSET_MS,
};

/* What an HTTP status means (0: no response at all). */
enum answer {
    ANS_OK,       /* reported as CH_OK with the body */
    ANS_RETRY,    /* again after a backoff, RETRIES times, then reported */
    ANS_LIMIT,    /* a 429: waited out and sent again, never reported */
    ANS_DEAD,     /* the bot token is refused: halt */
    ANS_FAIL,     /* Discord said no: reported with its code and message */
};

static const struct answer_rule {
    long        lo, hi;
    bool        bot_token;   /* only for requests made with the bot token */
    bool        invalid;     /* counts against the 10 000 in 10 minutes */
    enum answer a;
} answers[] = {
    { .lo = 0, .hi = 0, .a = ANS_RETRY },
    { .lo = 200, .hi = 299, .a = ANS_OK },
    { .lo = 401, .hi = 401, .bot_token = true, .invalid = true,
      .a = ANS_DEAD },
    { .lo = 401, .hi = 401, .invalid = true, .a = ANS_FAIL },
    { .lo = 403, .hi = 403, .invalid = true, .a = ANS_FAIL },
    { .lo = 429, .hi = 429, .a = ANS_LIMIT },   /* counted unless shared */
    { .lo = 500, .hi = 999, .a = ANS_RETRY },
    { .lo = 1, .hi = 999, .a = ANS_FAIL },      /* everything else */
};

struct rest_req {
    struct outq_item  item;          /* first: the queue's */
    struct rest      *rest;
    enum http_method  method;
    char             *path;
    char             *body;
    char             *audit;
    unsigned          flags;
    char              route[ROUTE_LEN];
    char              major[MAJOR_LEN];
    struct http_call *call;          /* while on the wire */
    rest_done_fn     *done;
    void             *arg;
};

/* What Discord said of a lane's bucket, keyed like the lane. */
struct bucket {
    struct bucket *mnext;            /* map chain */
    char          *key;
    int            limit;            /* 0: not known yet */
    int            remaining;
    int64_t        reset_at;
    int64_t        last_used;
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
    void              (*room)(void *arg);
    void               *arg;
    struct outq        *outq;
    struct bucket      *map[MAP_SLOTS];
    struct route_hash  *routes[MAP_SLOTS];
    struct ratewin      global;
    int64_t             global_until;
    int64_t             swept_at;
    bool                halted;
    int64_t             invalid_since;
    int                 invalid;
    bool                invalid_warned;
};

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
 * Route and major parameter of a path, as @discordjs/rest builds them:
 * ids become ":id", the webhook or interaction token
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

/* The lane of a route and major parameter: by bucket once known. */
static char *
lane_key(struct rest *r, const char *route, const char *major)
{
    const char *hash = learned_hash(r, route);
    return xasprintf("%s%s\n%s", hash ? "b:" : "r:", hash ? hash : route,
                     major);
}

/* ---- buckets ------------------------------------------------------------- */

static struct bucket *
bucket_find(struct rest *r, const char *key)
{
    for (struct bucket *b = r->map[hash_str(key)]; b; b = b->mnext)
        if (strcmp(b->key, key) == 0)
            return b;
    return NULL;
}

static struct bucket *
bucket_get(struct rest *r, const char *key)
{
    struct bucket *b = bucket_find(r, key);
    if (b)
        return b;
    b = xcalloc(1, sizeof(*b));
    b->key = xstrdup(key);
    unsigned slot = hash_str(key);
    b->mnext = r->map[slot];
    r->map[slot] = b;
    return b;
}

/* Forget buckets idle long enough that their limits no longer matter. */
static void
buckets_sweep(struct rest *r, int64_t now)
{
    if (now - r->swept_at < IDLE_FREE_MS)
        return;
    r->swept_at = now;
    for (size_t s = 0; s < MAP_SLOTS; s++) {
        for (struct bucket **pp = &r->map[s]; *pp;) {
            struct bucket *b = *pp;
            if (now - b->last_used > IDLE_FREE_MS && now > b->reset_at &&
                outq_lane_count(r->outq, b->key) == 0) {
                *pp = b->mnext;
                free(b->key);
                free(b);
                continue;
            }
            pp = &b->mnext;
        }
    }
}

/* ---- requests ------------------------------------------------------------ */

static void
req_free(struct rest_req *q)
{
    free(q->path);
    free(q->body);
    free(q->audit);
    free(q);
}

/* The request is over: it leaves the queue, then its owner hears. */
static void
complete(struct rest_req *q, const struct rest_result *res)
{
    rest_done_fn *done = q->done;
    void *arg = q->arg;
    outq_done(q->rest->outq, &q->item);
    req_free(q);
    if (done)
        done(arg, res);
}

static void
complete_status(struct rest_req *q, enum ch_status ch, const char *error)
{
    struct rest_result res = { .status = 0, .ch = ch, .error = error };
    complete(q, &res);
}

/* ---- answers ------------------------------------------------------------- */

static const struct answer_rule *
answer_of(long status, unsigned flags)
{
    size_t n = sizeof(answers) / sizeof(*answers);
    for (size_t i = 0; i < n; i++)
        if (status >= answers[i].lo && status <= answers[i].hi &&
            (!answers[i].bot_token || !(flags & REST_NO_AUTH)))
            return &answers[i];
    return &answers[n - 1];
}

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

/* Once a response names the route's bucket, what waits under the route's
 * own lane moves to the bucket's, in order. */
static void
learn(struct rest *r, const struct rest_req *q, const char *hash)
{
    const char *lane = outq_item_lane(&q->item);
    const char *known = learned_hash(r, q->route);
    if (known && strcmp(known, hash) == 0 && strncmp(lane, "b:", 2) == 0)
        return;
    learn_hash(r, q->route, hash);
    char *key = lane_key(r, q->route, q->major);
    if (strcmp(key, lane) != 0)
        outq_lane_move(r->outq, lane, key);
    free(key);
}

/* What the headers say about the bucket of q's lane. */
static void
note_limits(struct rest *r, const struct rest_req *q,
            const struct http_response *hr, int64_t now)
{
    const char *hash = http_response_header(hr, "X-RateLimit-Bucket");
    if (hash && *hash && strlen(hash) < 64)
        learn(r, q, hash);
    struct bucket *b = bucket_get(r, outq_item_lane(&q->item));
    double lim = header_num(hr, "X-RateLimit-Limit", -1);
    double rem = header_num(hr, "X-RateLimit-Remaining", -1);
    double after = header_num(hr, "X-RateLimit-Reset-After", -1);
    if (lim >= 1 && rem >= 0 && after >= 0) {
        b->limit = (int)lim;
        b->remaining = (int)rem;
        b->reset_at = now + (int64_t)(after * 1000.0) + OFFSET_MS;
    }
    b->last_used = now;
}

/* A 429: who waits, and how long; q goes again as the head of its lane. */
static void
limited(struct rest *r, struct rest_req *q, const struct http_response *hr,
        const cJSON *json, int64_t now)
{
    const cJSON *after = json_get(json, "retry_after");
    int64_t wait = http_retry_after_ms(
        http_response_header(hr, "Retry-After"),
        cJSON_IsNumber(after) ? after->valuedouble : -1, &retry_after_rule);
    const char *g = http_response_header(hr, "X-RateLimit-Global");
    bool global = cJSON_IsTrue(json_get(json, "global")) ||
                  (g && strcasecmp(g, "true") == 0);
    const char *scope = http_response_header(hr, "X-RateLimit-Scope");
    bool shared = scope && strcasecmp(scope, "shared") == 0;
    const char *lane = outq_item_lane(&q->item);
    struct bucket *b = lane ? bucket_get(r, lane) : NULL;
    if (!shared)
        count_invalid(r, now);
    metrics_count("chorus_platform_429_total", "platform", "discord", 1);
    log_info("discord", "429 on %s: waiting %lld ms%s", q->route,
             (long long)wait, global ? " (global limit)" : "");
    if (global && lane) {
        if (now + wait > r->global_until)
            r->global_until = now + wait;
        outq_wait(r->outq, &q->item, 0);        /* the gate holds it */
    } else if (b && !shared && b->remaining <= 0 && b->limit > 0) {
        if (now + wait > b->reset_at)
            b->reset_at = now + wait;             /* the bucket is empty */
        outq_wait(r->outq, &q->item, 0);
    } else {
        /* A sublimit, a shared limit, a burst request: only q waits. */
        outq_wait(r->outq, &q->item, wait);
    }
}

/* Report a final answer: Discord's code and message, or the transport's
 * error. */
static void
report(struct rest *r, struct rest_req *q, const struct http_response *hr,
       long status, enum ch_status ch, const cJSON *json)
{
    struct buf err = BUF_INIT;
    struct rest_result res = { .status = status, .ch = ch, .json = json };
    if (ch != CH_OK) {
        if (status)
            describe_error(q, status, json, hr->body, &err);
        else
            buf_printf(&err, "%s: %s", q->route, hr->error_text);
        res.error = buf_cstr(&err);
    }
    if (ch == CH_REMOTE_4XX)
        res.code = (int)json_int(json, "code", JSON_INT_MIN, JSON_INT_MAX, 0);
    if (ch == CH_BUSY) {        /* the bot token was refused */
        bool first = !r->halted;
        r->halted = true;
        res.code = (int)json_int(json, "code", JSON_INT_MIN, JSON_INT_MAX, 0);
        if (first && r->unauthorized)
            r->unauthorized(r->arg, buf_cstr(&err));
    }
    complete(q, &res);
    buf_free(&err);
}

static void
on_response(void *arg, const struct http_response *hr)
{
    struct rest_req *q = arg;
    struct rest *r = q->rest;
    int64_t now = loop_now_ms(r->loop);
    long status = hr->error == HTTP_ERR_NONE ? hr->status : 0;
    const struct answer_rule *rule = answer_of(status, q->flags);
    cJSON *json = hr->body_len ? cJSON_ParseWithLength(hr->body, hr->body_len)
                               : NULL;
    q->call = NULL;
    if (status && outq_item_lane(&q->item))
        note_limits(r, q, hr, now);
    if (rule->invalid)
        count_invalid(r, now);
    switch (rule->a) {
    case ANS_LIMIT:
        limited(r, q, hr, json, now);
        break;
    case ANS_RETRY: {
        int64_t d = outq_retry(r->outq, &q->item);
        if (d >= 0) {
            log_info("discord", "%s: %s; retry %u of %d", q->route,
                     status ? "server error" : hr->error_text,
                     q->item.retries, RETRIES);
            break;
        }
        report(r, q, hr, status, status ? CH_REMOTE_5XX : CH_IO, json);
        break;
    }
    case ANS_OK:
        report(r, q, hr, status, CH_OK, json);
        break;
    case ANS_DEAD:
        report(r, q, hr, status, CH_BUSY, json);
        break;
    case ANS_FAIL:
        report(r, q, hr, status, CH_REMOTE_4XX, json);
        break;
    }
    cJSON_Delete(json);
    buckets_sweep(r, now);
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

/* The queue's send(): q may go now. */
static void
rest_start(void *arg, struct outq_item *it)
{
    struct rest *r = arg;
    struct rest_req *q = (struct rest_req *)it;
    const char *lane = outq_item_lane(it);
    if (r->halted && !(q->flags & REST_NO_AUTH)) {
        complete_status(q, CH_BUSY, "the bot token was refused");
        return;
    }
    if (lane) {
        int64_t now = loop_now_ms(r->loop);
        struct bucket *b = bucket_get(r, lane);
        if (b->limit > 0 && now >= b->reset_at)
            b->remaining = b->limit;   /* a new window began */
        if (b->remaining > 0)
            b->remaining--;
        b->last_used = now;
        ratewin_add(&r->global, now);
    }
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
    q->call = http_request(r->http, &rq, on_response, q);
    free(url);
    free(audit);
    if (q->call == NULL)
        complete_status(q, CH_INTERNAL, "malformed request");
}

/* The queue's gate: how long a lane's head waits for Discord's limits.
 * Burst requests have no lane and wait only for their own 429; once the
 * token is refused everything goes, to be failed at once. */
static int64_t
rest_gate(void *arg, const struct outq_item *it, int64_t now)
{
    struct rest *r = arg;
    const char *lane = outq_item_lane(it);
    if (r->halted || lane == NULL)
        return 0;
    int64_t t = now;
    if (r->global_until > t)
        t = r->global_until;
    int64_t g = now + ratewin_wait(&r->global, now);
    if (g > t)
        t = g;
    const struct bucket *b = bucket_find(r, lane);
    if (b && b->limit > 0 && b->remaining <= 0 && b->reset_at > t)
        t = b->reset_at;
    return t - now;
}

/* Stop or free let go of q: its owner hears it was cancelled. */
static void
rest_cancelled(void *arg, struct outq_item *it)
{
    struct rest_req *q = (struct rest_req *)it;
    struct rest_result res = { .ch = CH_BUSY, .cancelled = true,
                               .error = "cancelled" };
    (void)arg;
    http_cancel(q->call);
    q->call = NULL;
    complete(q, &res);
}

static void
rest_room(void *arg)
{
    struct rest *r = arg;
    if (r->room)
        r->room(r->arg);
}

static const struct outq_ops rest_ops = {
    .send = rest_start,
    .gate = rest_gate,
    .cancelled = rest_cancelled,
    .room = rest_room,
};

void
discord_rest_send(struct rest *r, enum http_method m, const char *path,
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
    char *lane = flags & REST_BURST ? NULL
                                    : lane_key(r, q->route, q->major);
    outq_push(r->outq, &q->item, lane, 0);
    free(lane);
}

/* ---- life ---------------------------------------------------------------- */

struct rest *
discord_rest_new(const struct rest_options *o)
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
    r->room = o->room;
    r->arg = o->arg;
    ratewin_init(&r->global, GLOBAL_PER_SECOND, 1000);
    r->invalid_since = loop_now_ms(r->loop);
    const struct outq_options qo = {
        .name = "discord",
        .retry = { .base_ms = RETRY_BASE_MS, .max_ms = 4 * RETRY_BASE_MS,
                   .attempts = RETRIES },
    };
    r->outq = outq_new(r->loop, &qo, &rest_ops, r);
    return r;
}

void
discord_rest_free(struct rest *r)
{
    if (r == NULL)
        return;
    outq_free(r->outq);     /* first: owners hear of what was left */
    for (size_t s = 0; s < MAP_SLOTS; s++) {
        while (r->map[s]) {
            struct bucket *b = r->map[s];
            r->map[s] = b->mnext;
            free(b->key);
            free(b);
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
    /* The header holds the token: wipe it. */
    memset(r->auth_header, 0, strlen(r->auth_header));
    free(r->auth_header);
    free(r->ua_header);
    free(r->base);
    free(r);
}

void
discord_rest_stop(struct rest *r, int64_t deadline_ms, void (*done)(void *arg),
                  void *arg)
{
    outq_stop(r->outq, deadline_ms, done, arg);
}

bool
discord_rest_full(const struct rest *r)
{
    return outq_full(r->outq);
}

bool
discord_rest_halted(const struct rest *r)
{
    return r->halted;
}
