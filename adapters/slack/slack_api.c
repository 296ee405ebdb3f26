/*
 * slack_api: the Web API client (slack-protocol.md sections 3 and 4).
 *
 * Every call is a struct api_req on a queue.  Calls about one
 * conversation go through that conversation's lane: one in flight at a
 * time, in the order the core wrote them, so a channel reads in order and
 * a retried message is never overtaken; chat.postMessage is paced there
 * at about one per second with a burst of three (what Slack asks).  Other
 * calls (users.info, views.open, ephemeral replies, creating a channel)
 * go on the free queue and run side by side.
 *
 * What an answer means is decided by two tables, never by scattered ifs:
 *   HTTP status: 200 read the body; 429 wait Retry-After (per method, as
 *   Slack counts it) and send again; 5xx and network failures back off
 *   and send again; anything else is a final failure of that call;
 *   "error" in a 200 body: a dead token stops the adapter, rate limits and
 *   Slack's internal errors are retried, everything else goes to the
 *   call's handler (which may treat it as done: already_in_channel).
 * Transient failures are retried for as long as the process runs, with
 * exponential backoff and jitter capped at retry_max_ms: the row stays
 * the head of its lane, so nothing behind it is sent out of order, and a
 * crash leaves it pending in the outbox for the next start.
 *
 * Outbox rows become calls in slack_api_deliver(); their outcome goes
 * back with core_delivered() exactly once, with the platform ref the core
 * keeps ("C…:ts" for messages, the channel id for a created channel).
 */
#include "slack_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "loop.h"
#include "core.h"
#include "log.h"
#include "xmalloc.h"

#define MAX_QUEUED      2000   /* then CH_BUSY: the rest waits in the
                                  outbox, not in memory */
#define MAX_INFLIGHT    16
#define MAX_FREE_INFLIGHT 8
#define TEXT_MAX        39000  /* chat.* text: Slack's limit is 40 000 */
#define TOPIC_MAX       250
#define PACE_BURST      3      /* chat.postMessage per lane ... */
#define PACE_WINDOW_MS  3300   /* ... in any window this long */
#define MAX_NAME_TRIES  20     /* conversations.create: name_taken */
#define RETRY_AFTER_MAX 3600   /* seconds; a larger value is not trusted */

/* ---- the method table ---- */

static const struct method_info {
    const char *name;
    bool        app_token;   /* the xapp- token instead of the bot's */
    bool        json;        /* JSON body (as the official SDKs do for
                                chat.* and views.open); else a form */
    bool        paced;       /* counts against the lane's pace */
} methods[SM_COUNT] = {
    [SM_APPS_CONNECTIONS_OPEN] = { .name = "apps.connections.open",
                                   .app_token = true },
    [SM_AUTH_TEST] = { .name = "auth.test" },
    [SM_CHAT_POST_EPHEMERAL] = { .name = "chat.postEphemeral",
                                 .json = true },
    [SM_CHAT_POST_MESSAGE] = { .name = "chat.postMessage", .json = true,
                               .paced = true },
    [SM_CHAT_UPDATE] = { .name = "chat.update", .json = true },
    [SM_CONVERSATIONS_CREATE] = { .name = "conversations.create" },
    [SM_CONVERSATIONS_INVITE] = { .name = "conversations.invite" },
    [SM_CONVERSATIONS_OPEN] = { .name = "conversations.open" },
    [SM_CONVERSATIONS_SET_TOPIC] = { .name = "conversations.setTopic" },
    [SM_PINS_ADD] = { .name = "pins.add" },
    [SM_USERS_INFO] = { .name = "users.info" },
    [SM_VIEWS_OPEN] = { .name = "views.open", .json = true },
};

const char *
slack_method_name(enum slack_method m)
{
    return (unsigned)m < SM_COUNT ? methods[m].name : "?";
}

/* ---- the error table ("error" of a 200 {"ok":false} body) ---- */

enum err_class {
    EC_CALL,      /* the call's own business: its handler decides */
    EC_DEAD,      /* the token is dead: nothing will work */
    EC_LIMIT,     /* rate limited without a 429 */
    EC_RETRY,     /* Slack's side failed: back off and retry */
};

static const struct {
    const char     *error;
    enum err_class  cls;
    const char     *meaning;
} error_table[] = {
    { .error = "account_inactive", .cls = EC_DEAD,
      .meaning = "the token's user or workspace is deactivated" },
    { .error = "invalid_auth", .cls = EC_DEAD,
      .meaning = "the token is not valid" },
    { .error = "not_allowed_token_type", .cls = EC_DEAD,
      .meaning = "the token is of the wrong kind (the app-level token is "
                 "xapp-..., the bot token xoxb-...)" },
    { .error = "not_authed", .cls = EC_DEAD,
      .meaning = "no token was accepted" },
    { .error = "token_expired", .cls = EC_DEAD,
      .meaning = "the token has expired" },
    { .error = "token_revoked", .cls = EC_DEAD,
      .meaning = "the token was revoked (app uninstalled?)" },
    { .error = "ratelimited", .cls = EC_LIMIT, .meaning = NULL },
    { .error = "rate_limited", .cls = EC_LIMIT, .meaning = NULL },
    { .error = "fatal_error", .cls = EC_RETRY, .meaning = NULL },
    { .error = "internal_error", .cls = EC_RETRY, .meaning = NULL },
    { .error = "request_timeout", .cls = EC_RETRY, .meaning = NULL },
    { .error = "service_unavailable", .cls = EC_RETRY, .meaning = NULL },
};

static size_t
error_row(const char *error)
{
    size_t n = sizeof(error_table) / sizeof(*error_table);

    for (size_t i = 0; i < n; i++)
        if (strcmp(error_table[i].error, error) == 0)
            return i;
    return n;
}

/* ---- requests and queues ---- */

struct api_req *
api_new(struct slack *sk, enum slack_method m, api_done_fn *done)
{
    struct api_req *r = xcalloc(1, sizeof(*r));

    r->sk = sk;
    r->m = m;
    r->done = done;
    r->args = cJSON_CreateObject();
    r->kind = OUT_KIND_COUNT;
    return r;
}

void
api_free(struct api_req *r)
{
    if (!r)
        return;
    cJSON_Delete(r->args);
    free(r);
}

struct lane *
api_lane(struct slack *sk, const char *key)
{
    for (struct lane *l = sk->lanes; l; l = l->next)
        if (strcmp(l->key, key) == 0)
            return l;
    struct lane *l = xcalloc(1, sizeof(*l));
    snprintf(l->key, sizeof(l->key), "%s", key);
    l->tail = &l->head;
    ratewin_init(&l->pace, PACE_BURST, PACE_WINDOW_MS);
    l->next = sk->lanes;
    sk->lanes = l;
    return l;
}

size_t
api_queued(const struct slack *sk)
{
    return sk->nqueued;
}

size_t
api_inflight(const struct slack *sk)
{
    return sk->ninflight;
}

static void
enqueue(struct slack *sk, struct api_req *r, bool front)
{
    struct api_req **head, ***tail;

    if (r->lane) {
        head = &r->lane->head;
        tail = &r->lane->tail;
        r->lane->n++;
    } else {
        head = &sk->free_head;
        tail = &sk->free_tail;
    }
    if (front) {
        r->next = *head;
        *head = r;
        if (*tail == head)
            *tail = &r->next;
    } else {
        r->next = NULL;
        **tail = r;
        *tail = &r->next;
    }
    sk->nqueued++;
}

static void
dequeue(struct slack *sk, struct api_req *r)
{
    struct api_req **head = r->lane ? &r->lane->head : &sk->free_head;
    struct api_req ***tail = r->lane ? &r->lane->tail : &sk->free_tail;

    for (struct api_req **pp = head; *pp; pp = &(*pp)->next) {
        if (*pp != r)
            continue;
        *pp = r->next;
        if (*tail == &r->next)
            *tail = pp;
        r->next = NULL;
        if (r->lane && r->lane->n)
            r->lane->n--;
        sk->nqueued--;
        return;
    }
}

void
api_submit(struct slack *sk, struct api_req *r, struct lane *lane)
{
    r->lane = lane;
    r->queued_ms = loop_now_ms(sk->env.loop);
    enqueue(sk, r, false);
    api_pump(sk);
}

/* ---- sending ---- */

static void on_http(void *arg, const struct http_response *res);

/* The body as the method wants it: JSON, or a form whose objects and
 * arrays are JSON text (what Slack's form methods expect). */
static bool
body_of(const struct api_req *r, struct buf *b)
{
    if (methods[r->m].json) {
        char *s = cJSON_PrintUnformatted(r->args);
        bool ok = s && buf_adds(b, s);

        free(s);
        return ok;
    }
    const cJSON *a;
    cJSON_ArrayForEach(a, r->args) {
        char num[32];
        char *owned = NULL;
        const char *v = num;

        if (cJSON_IsString(a))
            v = a->valuestring;
        else if (cJSON_IsBool(a))
            v = cJSON_IsTrue(a) ? "true" : "false";
        else if (cJSON_IsNumber(a))
            snprintf(num, sizeof(num), "%.17g", a->valuedouble);
        else
            v = owned = cJSON_PrintUnformatted(a);
        bool ok = v && http_form_add(b, a->string, v);
        free(owned);
        if (!ok)
            return false;
    }
    return true;
}

static void
start(struct slack *sk, struct api_req *r)
{
    const struct method_info *mi = &methods[r->m];
    char url[640];
    const char *hdrs[2] = {
        mi->app_token ? sk->auth_app : sk->auth_bot, NULL,
    };
    struct buf body = BUF_INIT;
    struct http_request rq = {
        .method = HTTP_POST,
        .url = url,
        .headers = hdrs,
        .content_type = mi->json ? "application/json; charset=utf-8"
                                 : "application/x-www-form-urlencoded",
    };

    if (r->lane && r->lane->dm[0] && !cJSON_GetObjectItem(r->args, "channel"))
        cJSON_AddStringToObject(r->args, "channel", r->lane->dm);
    snprintf(url, sizeof(url), "%s/%s", sk->api_url, mi->name);
    if (!body_of(r, &body)) {
        buf_free(&body);
        r->not_before = loop_now_ms(sk->env.loop) + sk->t.retry_max_ms;
        log_error(SLACK_MOD, "%s: cannot build the request body",
                  mi->name);
        return;
    }
    rq.body = buf_cstr(&body);
    rq.body_len = body.len;
    r->call = http_request(sk->env.http, &rq, on_http, r);
    buf_free(&body);
    if (!r->call) {
        r->not_before = loop_now_ms(sk->env.loop) + sk->t.retry_max_ms;
        log_error(SLACK_MOD, "%s: the HTTP request was refused (bad API "
                  "URL?)", mi->name);
        return;
    }
    sk->ninflight++;
    if (r->lane) {
        r->lane->busy = true;
        if (mi->paced)
            ratewin_add(&r->lane->pace, loop_now_ms(sk->env.loop));
    }
}

/* Milliseconds until r may go (0: now). */
static int64_t
wait_for(struct slack *sk, const struct api_req *r, int64_t now)
{
    int64_t at = r->not_before;

    if (sk->blocked_until[r->m] > at)
        at = sk->blocked_until[r->m];
    int64_t wait = at > now ? at - now : 0;
    if (r->lane && methods[r->m].paced) {
        int64_t p = ratewin_wait(&r->lane->pace, now);
        if (p > wait)
            wait = p;
    }
    return wait;
}

static void
arm(struct slack *sk, int64_t wait)
{
    int64_t at = loop_now_ms(sk->env.loop) + wait;

    if (sk->api_timer_at && sk->api_timer_at <= at)
        return;
    sk->api_timer_at = at;
    loop_timer_arm(sk->api_timer, wait);
}

static void finish(struct slack *sk, struct api_req *r,
                   const struct api_result *res);

/* conversations.open for a user lane: remember the DM's id, or why not. */
static bool
on_dm_open(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    struct lane *l = r->lane;
    const char *id = res->outcome == API_OK
                         ? json_string(res->body, "channel.id") : NULL;

    (void)sk;
    if (res->outcome == API_CANCELLED)
        return false;
    if (id && *id && strlen(id) < sizeof(l->dm)) {
        snprintf(l->dm, sizeof(l->dm), "%s", id);
        return false;
    }
    snprintf(l->dm_error, sizeof(l->dm_error), "%s",
             res->error ? res->error : "no channel in the answer");
    log_warn(SLACK_MOD, "conversations.open with %s failed (%s): the "
             "direct messages waiting for it fail too", l->key,
             l->dm_error);
    return false;
}

static void pump_once(struct slack *sk);

/* Handlers run from inside the pump (a failed DM fails its waiters) may
 * submit again: the pump never nests, it goes round once more. */
void
api_pump(struct slack *sk)
{
    if (sk->api_held || !sk->api_timer)
        return;
    if (sk->pumping) {
        sk->pump_again = true;
        return;
    }
    sk->pumping = true;
    do {
        sk->pump_again = false;
        pump_once(sk);
    } while (sk->pump_again && !sk->api_held);
    sk->pumping = false;
}

static void
pump_once(struct slack *sk)
{
    int64_t now, next = INT64_MAX;

    now = loop_now_ms(sk->env.loop);
    for (struct lane *l = sk->lanes; l; l = l->next) {
        while (l->head && !l->busy && sk->ninflight < MAX_INFLIGHT) {
            struct api_req *r = l->head;

            if (r->needs_dm && !l->dm[0]) {
                if (l->dm_error[0]) {
                    /* The DM could not be opened: nor can this go. */
                    struct api_result ar = { .outcome = API_ERROR,
                                             .error = l->dm_error };
                    finish(sk, r, &ar);
                    continue;
                }
                /* Open the DM first, as the head of the lane. */
                struct api_req *o = api_new(sk, SM_CONVERSATIONS_OPEN,
                                            on_dm_open);
                cJSON_AddStringToObject(o->args, "users", l->key);
                o->lane = l;
                o->queued_ms = now;
                enqueue(sk, o, true);
                continue;
            }
            int64_t w = wait_for(sk, r, now);

            if (w > 0) {
                if (w < next)
                    next = w;
                break;
            }
            start(sk, r);
            if (!r->call) {
                /* Could not even build it; retried later. */
                if (sk->t.retry_max_ms < next)
                    next = sk->t.retry_max_ms;
                break;
            }
        }
    }
    size_t free_busy = 0;
    for (struct api_req *r = sk->free_head; r; r = r->next)
        free_busy += r->call != NULL;
    for (struct api_req *r = sk->free_head;
         r && free_busy < MAX_FREE_INFLIGHT && sk->ninflight < MAX_INFLIGHT;
         r = r->next) {
        if (r->call)
            continue;
        int64_t w = wait_for(sk, r, now);
        if (w > 0) {
            if (w < next)
                next = w;
            continue;
        }
        start(sk, r);
        free_busy += r->call != NULL;
    }
    if (next != INT64_MAX)
        arm(sk, next);
}

static void
on_timer(void *arg)
{
    struct slack *sk = arg;

    sk->api_timer_at = 0;
    api_pump(sk);
}

/* ---- answers ---- */

static void
snippet(const char *body, char *out, size_t outlen)
{
    size_t n = 0;

    for (const char *p = body; *p && n + 1 < outlen; p++)
        out[n++] = (*p == '\n' || *p == '\r') ? ' ' : *p;
    out[n] = '\0';
}

/* Back off and send again later; r stays where it is in its queue. */
static void
transient(struct slack *sk, struct api_req *r, const char *why)
{
    int64_t d = sk->t.retry_base_ms;

    for (int i = 0; i < r->attempts && d < sk->t.retry_max_ms; i++)
        d *= 2;
    if (d > sk->t.retry_max_ms)
        d = sk->t.retry_max_ms;
    d = d / 2 + jitter_range(&sk->rng, 0, d - d / 2);
    r->attempts++;
    r->not_before = loop_now_ms(sk->env.loop) + d;
    if (!r->warned || r->attempts % 10 == 0)
        log_warn(SLACK_MOD, "%s failed (%s); retry %d in %" PRId64 " ms",
                 methods[r->m].name, why, r->attempts, d);
    else
        log_debug(SLACK_MOD, "%s failed (%s); retry %d in %" PRId64 " ms",
                  methods[r->m].name, why, r->attempts, d);
    r->warned = true;
}

static void
rate_limited(struct slack *sk, struct api_req *r, const char *retry_after)
{
    long long secs = 1;

    if (retry_after) {
        char *end;
        long long v = strtoll(retry_after, &end, 10);

        if (end != retry_after && v >= 0)
            secs = v > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : v;
    }
    if (secs < 1)
        secs = 1;
    int64_t until = loop_now_ms(sk->env.loop) + secs * 1000;
    if (until > sk->blocked_until[r->m])
        sk->blocked_until[r->m] = until;
    log_info(SLACK_MOD, "%s rate limited: waiting %lld s (Retry-After%s)",
             methods[r->m].name, secs, retry_after ? "" : " missing");
}

static void
dead_token(struct slack *sk, struct api_req *r, const char *error,
           size_t row)
{
    bool app = methods[r->m].app_token;

    slack_fatal(sk, "Slack refused the %s token (%s from %s: %s); check "
                "%s and restart",
                app ? "app-level" : "bot", error, methods[r->m].name,
                error_table[row].meaning,
                app ? "SLACK_APP_TOKEN (or slack_app_token)"
                    : "SLACK_BOT_TOKEN (or slack_bot_token)");
}

static void
finish(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    dequeue(sk, r);
    if (r->lane && r->lane->n == 0)
        r->lane->dm_error[0] = '\0';
    if (r->done && r->done(sk, r, res)) {
        r->attempts = 0;
        r->warned = false;
        enqueue(sk, r, true);       /* again, still first of its lane */
        return;
    }
    api_free(r);
    if (sk->owe_kick && sk->nqueued < MAX_QUEUED / 2) {
        sk->owe_kick = false;
        slack_kick(sk);
    }
}

static void
on_http(void *arg, const struct http_response *res)
{
    struct api_req *r = arg;
    struct slack *sk = r->sk;
    const char *name = methods[r->m].name;

    r->call = NULL;
    sk->ninflight--;
    if (r->lane)
        r->lane->busy = false;

    if (res->error != HTTP_ERR_NONE) {
        char why[200];

        snprintf(why, sizeof(why), "network: %s",
                 res->error_text ? res->error_text : "error");
        transient(sk, r, why);
    } else if (res->status == 429) {
        rate_limited(sk, r, http_response_header(res, "Retry-After"));
    } else if (res->status >= 500) {
        char why[64];

        snprintf(why, sizeof(why), "HTTP %ld", res->status);
        transient(sk, r, why);
    } else if (res->status != 200) {
        char body[121];

        snippet(res->body, body, sizeof(body));
        log_warn(SLACK_MOD, "%s: unexpected HTTP %ld: %s", name,
                 res->status, body);
        char err[32];
        snprintf(err, sizeof(err), "HTTP %ld", res->status);
        struct api_result ar = { .outcome = API_HTTP, .error = err,
                                 .status = res->status };
        finish(sk, r, &ar);
    } else {
        cJSON *j = cJSON_ParseWithLength(res->body, res->body_len);
        const cJSON *ok = cJSON_GetObjectItemCaseSensitive(j, "ok");

        if (!cJSON_IsBool(ok)) {
            char body[121], why[200];

            snippet(res->body, body, sizeof(body));
            snprintf(why, sizeof(why), "a body that is not a Slack answer: "
                     "%s", body);
            transient(sk, r, why);
        } else if (cJSON_IsTrue(ok)) {
            struct api_result ar = { .outcome = API_OK, .body = j,
                                     .status = 200 };
            finish(sk, r, &ar);
        } else {
            const char *error = json_string(j, "error");
            size_t row;

            if (!error)
                error = "unknown_error";
            row = error_row(error);
            if (row < sizeof(error_table) / sizeof(*error_table) &&
                error_table[row].cls == EC_DEAD) {
                dead_token(sk, r, error, row);
            } else if (row < sizeof(error_table) / sizeof(*error_table) &&
                       error_table[row].cls == EC_LIMIT) {
                rate_limited(sk, r, http_response_header(res,
                                                         "Retry-After"));
            } else if (row < sizeof(error_table) / sizeof(*error_table) &&
                       error_table[row].cls == EC_RETRY) {
                transient(sk, r, error);
            } else {
                struct api_result ar = { .outcome = API_ERROR, .body = j,
                                         .error = error, .status = 200 };
                finish(sk, r, &ar);
            }
        }
        cJSON_Delete(j);
    }
    if (!sk->failed)
        api_pump(sk);
    slack_stop_progress(sk);
}

void
api_hold(struct slack *sk)
{
    sk->api_held = true;
    if (sk->api_timer)
        loop_timer_stop(sk->api_timer);
    sk->api_timer_at = 0;
}

static void
drop_queue(struct slack *sk, struct api_req **head)
{
    while (*head) {
        struct api_req *r = *head;

        *head = r->next;
        if (r->call) {
            http_cancel(r->call);
            r->call = NULL;
            sk->ninflight--;
        }
        sk->nqueued--;
        api_free(r);
    }
}

void
api_cancel_all(struct slack *sk)
{
    api_hold(sk);
    for (struct lane *l = sk->lanes; l; l = l->next) {
        drop_queue(sk, &l->head);
        l->tail = &l->head;
        l->n = 0;
        l->busy = false;
    }
    drop_queue(sk, &sk->free_head);
    sk->free_tail = &sk->free_head;
}

void
api_free_all(struct slack *sk)
{
    api_cancel_all(sk);
    while (sk->lanes) {
        struct lane *l = sk->lanes;

        sk->lanes = l->next;
        ratewin_free(&l->pace);
        free(l);
    }
    loop_timer_free(sk->api_timer);
    sk->api_timer = NULL;
}

/* ---- outbox rows -> calls ---- */

/* Errors that are not failures for one method, and what they mean. */
enum quirk {
    Q_DONE,      /* what was asked is already so */
    Q_RENAME,    /* conversations.create: try the next name */
    Q_DM,        /* an ephemeral reply that cannot be shown there: DM */
};

static const struct {
    enum slack_method m;
    const char       *error;
    enum quirk        q;
} quirks[] = {
    { .m = SM_CONVERSATIONS_INVITE, .error = "already_in_channel",
      .q = Q_DONE },
    { .m = SM_CONVERSATIONS_INVITE, .error = "cant_invite_self",
      .q = Q_DONE },
    { .m = SM_PINS_ADD, .error = "already_pinned", .q = Q_DONE },
    { .m = SM_CONVERSATIONS_CREATE, .error = "name_taken", .q = Q_RENAME },
    { .m = SM_CHAT_POST_EPHEMERAL, .error = "channel_not_found", .q = Q_DM },
    { .m = SM_CHAT_POST_EPHEMERAL, .error = "not_in_channel", .q = Q_DM },
    { .m = SM_CHAT_POST_EPHEMERAL, .error = "user_not_in_channel",
      .q = Q_DM },
    { .m = SM_CHAT_POST_EPHEMERAL, .error = "is_archived", .q = Q_DM },
};

static bool
quirk_of(enum slack_method m, const char *error, enum quirk *q)
{
    for (size_t i = 0; error && i < sizeof(quirks) / sizeof(*quirks); i++)
        if (quirks[i].m == m && strcmp(quirks[i].error, error) == 0) {
            *q = quirks[i].q;
            return true;
        }
    return false;
}

static void
delivered(struct slack *sk, struct api_req *r, enum ch_status st,
          const char *ref, const char *error)
{
    core_delivered(sk->env.core, r->outbox_id, st, ref, 0, error);
    slack_kick(sk);
}

static void
make_ref(char *out, size_t outlen, const char *channel, const char *ts)
{
    if (channel && ts && *channel && *ts)
        snprintf(out, outlen, "%s:%s", channel, ts);
    else
        out[0] = '\0';
}

/* An ephemeral reply that cannot be shown where it was asked becomes a
 * DM, with the same text and buttons. */
static void
reply_by_dm(struct slack *sk, struct api_req *r)
{
    struct api_req *d = api_new(sk, SM_CHAT_POST_MESSAGE, r->done);
    cJSON *text = cJSON_DetachItemFromObjectCaseSensitive(r->args, "text");
    cJSON *blocks = cJSON_DetachItemFromObjectCaseSensitive(r->args,
                                                            "blocks");

    if (text)
        cJSON_AddItemToObject(d->args, "text", text);
    if (blocks)
        cJSON_AddItemToObject(d->args, "blocks", blocks);
    d->outbox_id = r->outbox_id;
    d->kind = r->kind;
    d->needs_dm = true;
    snprintf(d->user, sizeof(d->user), "%s", r->user);
    log_info(SLACK_MOD, "outbox %lld: the reply cannot be shown in %s; "
             "sending it to %s by direct message", (long long)r->outbox_id,
             json_string(r->args, "channel") ? json_string(r->args, "channel")
                                             : "?",
             r->user);
    api_submit(sk, d, api_lane(sk, r->user));
}

/* The handler of every outbox row but lookups. */
static bool
row_done(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    char ref[SLACK_REF_MAX];
    enum quirk q;

    switch (res->outcome) {
    case API_CANCELLED:
        return false;       /* still pending in the outbox */
    case API_OK:
        ref[0] = '\0';
        switch (r->m) {
        case SM_CHAT_POST_MESSAGE:
        case SM_CHAT_UPDATE:
            make_ref(ref, sizeof(ref), json_string(res->body, "channel"),
                     json_string(res->body, "ts"));
            break;
        case SM_CHAT_POST_EPHEMERAL:
            make_ref(ref, sizeof(ref), json_string(r->args, "channel"),
                     json_string(res->body, "message_ts"));
            break;
        case SM_CONVERSATIONS_CREATE: {
            const char *id = json_string(res->body, "channel.id");

            snprintf(ref, sizeof(ref), "%s", id ? id : "");
            log_info(SLACK_MOD, "created channel #%s (%s)",
                     json_string(r->args, "name"), ref);
            if (!ref[0]) {
                log_warn(SLACK_MOD, "conversations.create answered without "
                         "a channel id");
                delivered(sk, r, CH_REMOTE_4XX, NULL, "no channel id");
                return false;
            }
            break;
        }
        default:
            break;
        }
        delivered(sk, r, CH_OK, ref[0] ? ref : NULL, NULL);
        return false;
    case API_ERROR:
    case API_HTTP:
        break;
    }
    if (res->outcome == API_ERROR && quirk_of(r->m, res->error, &q)) {
        switch (q) {
        case Q_DONE:
            delivered(sk, r, CH_OK, NULL, NULL);
            return false;
        case Q_RENAME:
            if (r->suffix < MAX_NAME_TRIES) {
                char name[96];

                slack_channel_name(r->want, ++r->suffix, name, sizeof(name));
                log_info(SLACK_MOD, "channel name #%s is taken; trying "
                         "#%s", json_string(r->args, "name"), name);
                cJSON_ReplaceItemInObjectCaseSensitive(
                    r->args, "name", cJSON_CreateString(name));
                return true;
            }
            break;
        case Q_DM:
            if (r->user[0]) {
                reply_by_dm(sk, r);
                return false;
            }
            break;
        }
    }
    const char *who = r->user[0] ? r->user : NULL;
    if (res->error && strcmp(res->error, "user_not_found") == 0 && who)
        log_warn(SLACK_MOD, "outbox %lld (%s): Slack has no user %s "
                 "(user_not_found)", (long long)r->outbox_id,
                 r->kind < OUT_KIND_COUNT ? adapter_kind_names[r->kind] : "?",
                 who);
    else
        log_warn(SLACK_MOD, "outbox %lld (%s): %s failed: %s",
                 (long long)r->outbox_id,
                 r->kind < OUT_KIND_COUNT ? adapter_kind_names[r->kind] : "?",
                 methods[r->m].name, res->error ? res->error : "?");
    delivered(sk, r, CH_REMOTE_4XX, NULL, res->error);
    return false;
}

/* users.info: the name and zone go to the core as CORE_EV_USER_INFO. */
static bool
lookup_done(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    if (res->outcome == API_CANCELLED)
        return false;
    if (res->outcome != API_OK) {
        if (res->error && strcmp(res->error, "user_not_found") == 0)
            log_warn(SLACK_MOD, "users.info: Slack has no user %s "
                     "(user_not_found); their name and time zone stay as "
                     "they are", r->user);
        else
            log_warn(SLACK_MOD, "users.info for %s failed: %s", r->user,
                     res->error ? res->error : "?");
        delivered(sk, r, CH_REMOTE_4XX, NULL, res->error);
        return false;
    }
    const cJSON *u = json_get(res->body, "user");
    const char *name = json_string(u, "real_name");
    if (!name || !*name)
        name = json_string(u, "profile.real_name");
    if (!name || !*name)
        name = json_string(u, "profile.display_name");
    if (!name || !*name)
        name = json_string(u, "name");
    struct core_event ev = {
        .kind = CORE_EV_USER_INFO,
        .platform = "slack",
        .user_id = r->user,
        .user_name = name,
        .tz = json_string(u, "tz"),
    };
    enum ch_status st = core_handle_event(sk->env.core, &ev, NULL);
    if (st != CH_OK)
        log_warn(SLACK_MOD, "users.info for %s: the core refused it (%s)",
                 r->user, ch_strerror(st));
    delivered(sk, r, CH_OK, NULL, NULL);
    return false;
}

static bool
is_dm_channel(const char *id)
{
    return id && id[0] == 'D';
}

/* text (escaped, cut) and, with buttons, blocks; update: always blocks
 * (an empty list takes old buttons away). */
static void
add_text(struct api_req *r, const struct out_msg *m, bool update)
{
    struct buf b = BUF_INIT;
    cJSON *blocks;

    slack_text(m->text, TEXT_MAX, &b);
    if (b.len == 0)
        buf_adds(&b, "(nothing)");
    cJSON_AddStringToObject(r->args, "text", buf_cstr(&b));
    blocks = slack_blocks(buf_cstr(&b), m->buttons, m->nbuttons);
    if (!blocks && update)
        blocks = cJSON_CreateArray();
    if (blocks)
        cJSON_AddItemToObject(r->args, "blocks", blocks);
    buf_free(&b);
}

static struct api_req *
row_req(struct slack *sk, const struct out_msg *m, enum slack_method meth)
{
    struct api_req *r = api_new(sk, meth, row_done);

    r->outbox_id = m->id;
    r->kind = m->kind;
    if (m->user)
        snprintf(r->user, sizeof(r->user), "%s", m->user);
    return r;
}

static enum ch_status
refuse(const struct out_msg *m, const char *why)
{
    log_warn(SLACK_MOD, "outbox %lld (%s): %s; not sent", (long long)m->id,
             adapter_kind_names[m->kind], why);
    return CH_INVALID;
}

static enum ch_status
deliver_dm(struct slack *sk, const struct out_msg *m)
{
    if (!slack_is_id(m->user))
        return refuse(m, "no Slack user to write to");
    struct api_req *r = row_req(sk, m, SM_CHAT_POST_MESSAGE);
    add_text(r, m, false);
    r->needs_dm = true;
    api_submit(sk, r, api_lane(sk, m->user));
    return CH_OK;
}

static enum ch_status
deliver_reply(struct slack *sk, const struct out_msg *m)
{
    const struct slack_thread *t = slack_thread_find(sk, m->id);

    if (t) {
        struct api_req *r = row_req(sk, m, SM_CHAT_POST_MESSAGE);

        add_text(r, m, false);
        cJSON_AddStringToObject(r->args, "channel", t->channel);
        cJSON_AddStringToObject(r->args, "thread_ts", t->ts);
        api_submit(sk, r, api_lane(sk, t->channel));
        return CH_OK;
    }
    if (slack_is_id(m->channel) && !is_dm_channel(m->channel) && slack_is_id(m->user)) {
        struct api_req *r = row_req(sk, m, SM_CHAT_POST_EPHEMERAL);

        add_text(r, m, false);
        cJSON_AddStringToObject(r->args, "channel", m->channel);
        cJSON_AddStringToObject(r->args, "user", m->user);
        api_submit(sk, r, NULL);
        return CH_OK;
    }
    return deliver_dm(sk, m);
}

static enum ch_status
deliver_post(struct slack *sk, const struct out_msg *m)
{
    if (!slack_is_id(m->channel))
        return refuse(m, "no channel");
    struct api_req *r = row_req(sk, m, SM_CHAT_POST_MESSAGE);
    add_text(r, m, false);
    cJSON_AddStringToObject(r->args, "channel", m->channel);
    api_submit(sk, r, api_lane(sk, m->channel));
    return CH_OK;
}

/* The lane of an edit or pin of an earlier message: a DM's is its user's
 * (where the message went), a channel's the channel's. */
static struct lane *
ref_lane(struct slack *sk, const struct out_msg *m, const char *channel)
{
    if (is_dm_channel(channel) && slack_is_id(m->user))
        return api_lane(sk, m->user);
    return api_lane(sk, channel);
}

static enum ch_status
deliver_update(struct slack *sk, const struct out_msg *m)
{
    char ch[SLACK_ID_MAX], ts[SLACK_ID_MAX];

    if (!slack_ref_split(m->ref, ch, sizeof(ch), ts, sizeof(ts)) ||
        !slack_is_id(ch))
        return refuse(m, "not a Slack message reference");
    struct api_req *r = row_req(sk, m, SM_CHAT_UPDATE);
    add_text(r, m, true);
    cJSON_AddStringToObject(r->args, "channel", ch);
    cJSON_AddStringToObject(r->args, "ts", ts);
    api_submit(sk, r, ref_lane(sk, m, ch));
    return CH_OK;
}

static enum ch_status
deliver_pin(struct slack *sk, const struct out_msg *m)
{
    char ch[SLACK_ID_MAX], ts[SLACK_ID_MAX];

    if (!slack_ref_split(m->ref, ch, sizeof(ch), ts, sizeof(ts)) ||
        !slack_is_id(ch))
        return refuse(m, "not a Slack message reference");
    struct api_req *r = row_req(sk, m, SM_PINS_ADD);
    cJSON_AddStringToObject(r->args, "channel", ch);
    cJSON_AddStringToObject(r->args, "timestamp", ts);
    api_submit(sk, r, ref_lane(sk, m, ch));
    return CH_OK;
}

static enum ch_status
deliver_create(struct slack *sk, const struct out_msg *m)
{
    const char *want = m->channel_name ? m->channel_name : m->campaign;
    char name[96];

    if (!want || !*want)
        return refuse(m, "no channel name");
    struct api_req *r = row_req(sk, m, SM_CONVERSATIONS_CREATE);
    snprintf(r->want, sizeof(r->want), "%s", want);
    r->suffix = 1;
    slack_channel_name(want, 1, name, sizeof(name));
    cJSON_AddStringToObject(r->args, "name", name);
    cJSON_AddBoolToObject(r->args, "is_private", m->private_channel != 0);
    api_submit(sk, r, NULL);
    return CH_OK;
}

static enum ch_status
deliver_invite(struct slack *sk, const struct out_msg *m)
{
    if (!slack_is_id(m->channel) || !slack_is_id(m->user))
        return refuse(m, "no channel or user");
    struct api_req *r = row_req(sk, m, SM_CONVERSATIONS_INVITE);
    cJSON_AddStringToObject(r->args, "channel", m->channel);
    cJSON_AddStringToObject(r->args, "users", m->user);
    api_submit(sk, r, api_lane(sk, m->channel));
    return CH_OK;
}

static enum ch_status
deliver_topic(struct slack *sk, const struct out_msg *m)
{
    struct buf b = BUF_INIT;

    if (!slack_is_id(m->channel))
        return refuse(m, "no channel");
    struct api_req *r = row_req(sk, m, SM_CONVERSATIONS_SET_TOPIC);
    slack_text(m->text, TOPIC_MAX, &b);
    cJSON_AddStringToObject(r->args, "channel", m->channel);
    cJSON_AddStringToObject(r->args, "topic", buf_cstr(&b));
    buf_free(&b);
    api_submit(sk, r, api_lane(sk, m->channel));
    return CH_OK;
}

static enum ch_status
deliver_lookup(struct slack *sk, const struct out_msg *m)
{
    if (!slack_is_id(m->user))
        return refuse(m, "not a Slack user id");
    struct api_req *r = api_new(sk, SM_USERS_INFO, lookup_done);
    r->outbox_id = m->id;
    r->kind = m->kind;
    snprintf(r->user, sizeof(r->user), "%s", m->user);
    cJSON_AddStringToObject(r->args, "user", m->user);
    api_submit(sk, r, NULL);
    return CH_OK;
}

typedef enum ch_status deliver_fn(struct slack *, const struct out_msg *);

static deliver_fn *const deliver_table[OUT_KIND_COUNT] = {
    [OUT_REPLY] = deliver_reply,
    [OUT_POST] = deliver_post,
    [OUT_DM] = deliver_dm,
    [OUT_UPDATE] = deliver_update,
    [OUT_CREATE_CHANNEL] = deliver_create,
    [OUT_INVITE] = deliver_invite,
    [OUT_PIN] = deliver_pin,
    [OUT_TOPIC] = deliver_topic,
    [OUT_LOOKUP] = deliver_lookup,
};

enum ch_status
slack_api_deliver(struct slack *sk, const struct out_msg *m)
{
    if (sk->stopping || sk->failed)
        return CH_BUSY;
    if ((unsigned)m->kind >= OUT_KIND_COUNT || !deliver_table[m->kind])
        return CH_UNSUPPORTED;
    if (sk->nqueued >= MAX_QUEUED) {
        sk->owe_kick = true;
        return CH_BUSY;
    }
    return deliver_table[m->kind](sk, m);
}

/* ---- start: who are we? ---- */

static bool
auth_done(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    (void)r;
    if (res->outcome == API_CANCELLED)
        return false;
    if (res->outcome != API_OK) {
        slack_fatal(sk, "auth.test failed (%s) at %s: check SLACK_API_URL "
                    "and the bot token", res->error ? res->error : "?",
                    sk->api_url);
        return false;
    }
    const char *user = json_string(res->body, "user_id");
    const char *bot = json_string(res->body, "bot_id");
    const char *team = json_string(res->body, "team");
    if (!user || !*user) {
        slack_fatal(sk, "auth.test answered without a user_id");
        return false;
    }
    snprintf(sk->self_user, sizeof(sk->self_user), "%s", user);
    snprintf(sk->self_bot, sizeof(sk->self_bot), "%s", bot ? bot : "");
    snprintf(sk->team, sizeof(sk->team), "%s", team ? team : "?");
    sk->authed = true;
    log_info(SLACK_MOD, "signed in to workspace \"%s\" as bot user %s",
             sk->team, sk->self_user);
    slack_socket_open(sk, "start");
    /* Ready to deliver: what a previous run left in the outbox goes now,
     * not at the daemon's next timer. */
    slack_kick(sk);
    return false;
}

void
slack_api_start(struct slack *sk)
{
    if (!sk->api_timer)
        sk->api_timer = loop_timer_new(sk->env.loop, on_timer, sk);
    api_submit(sk, api_new(sk, SM_AUTH_TEST, auth_done), NULL);
}
