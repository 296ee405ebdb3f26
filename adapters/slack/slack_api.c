/*
 * slack_api: the Web API client.
 *
 * Every call is a struct api_req on the adapter's outbound queue (outq.h).
 * Calls about one conversation go through that conversation's lane: one
 * on the wire at a time, in the order the core wrote them, so a channel
 * reads in order and a retried message is never overtaken; chat.postMessage
 * is paced there at about one per second with a burst of three (what Slack
 * asks).  Other calls (users.info, views.open, ephemeral replies, creating
 * a channel) have no lane and run side by side.  A direct message waits in
 * its user's lane behind the conversations.open that finds its channel.
 *
 * What an answer means is decided by two tables, never by scattered ifs:
 *   HTTP status (status_rules): 200 read the body; 429 wait Retry-After
 *   (per method, as Slack counts it: the queue's gate holds every call of
 *   the method) and send again; 5xx and network failures back off and
 *   send again; anything else is a final failure of that call;
 *   "error" in a 200 body (error_table): a dead token stops the adapter,
 *   rate limits and Slack's internal errors are retried, everything else
 *   goes to the call's handler (which may treat it as done:
 *   already_in_channel).
 * Transient failures are retried for as long as the process runs, with
 * the queue's exponential backoff and jitter capped at retry_max_ms: the
 * row stays the head of its lane, so nothing behind it is sent out of
 * order, and a crash leaves it pending in the outbox for the next start.
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
#include "metrics.h"
#include "xmalloc.h"

#define MAX_INFLIGHT    16
#define MAX_FREE_INFLIGHT 8
#define TEXT_MAX        4000   /* chat.* text: msg_too_long above */
#define TOPIC_MAX       250
#define PACE_BURST      3      /* chat.postMessage per lane ... */
#define PACE_WINDOW_MS  3300   /* ... in any window this long */
#define MAX_NAME_TRIES  20     /* conversations.create: name_taken */

/* Retry-After: whole seconds; none or 0 waits a second, and a wait over
 * an hour is not trusted. */
static const struct http_retry_after retry_after_rule = {
    .default_ms = 1000,
    .min_ms = 1000,
    .max_ms = 3600 * 1000,
};

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
    [SM_CONVERSATIONS_ARCHIVE] = { .name = "conversations.archive" },
    [SM_CONVERSATIONS_CREATE] = { .name = "conversations.create" },
    [SM_CONVERSATIONS_INVITE] = { .name = "conversations.invite" },
    [SM_CONVERSATIONS_OPEN] = { .name = "conversations.open" },
    [SM_CONVERSATIONS_SET_TOPIC] = { .name = "conversations.setTopic" },
    [SM_PINS_ADD] = { .name = "pins.add" },
    [SM_USERS_INFO] = { .name = "users.info" },
    [SM_VIEWS_OPEN] = { .name = "views.open", .json = true },
};

const char *
slack_api_method_name(enum slack_method m)
{
    return (unsigned)m < SM_COUNT ? methods[m].name : "?";
}

/* ---- what an answer means ---- */

enum answer {
    ANS_BODY,     /* 200: the body says (error_table) */
    ANS_OK,       /* {"ok":true}: to the handler */
    ANS_CALL,     /* {"ok":false}: the call's own business; its handler
                     decides */
    ANS_FAIL,     /* an unexpected HTTP status: the call failed */
    ANS_RETRY,    /* the network or Slack's side failed: back off, retry */
    ANS_LIMIT,    /* rate limited: wait Retry-After, the whole method */
    ANS_DEAD,     /* the token is dead: nothing will work */
};

/* HTTP status (0: no response at all); anything else is ANS_FAIL. */
static const struct {
    long        lo, hi;
    enum answer a;
} status_rules[] = {
    { .lo = 0, .hi = 0, .a = ANS_RETRY },
    { .lo = 200, .hi = 200, .a = ANS_BODY },
    { .lo = 429, .hi = 429, .a = ANS_LIMIT },
    { .lo = 500, .hi = 999, .a = ANS_RETRY },
};

/* "error" of a 200 {"ok":false} body; anything else is ANS_CALL. */
static const struct {
    const char  *error;
    enum answer  a;
    const char  *meaning;
} error_table[] = {
    { .error = "account_inactive", .a = ANS_DEAD,
      .meaning = "the token's user or workspace is deactivated" },
    { .error = "invalid_auth", .a = ANS_DEAD,
      .meaning = "the token is not valid" },
    { .error = "not_allowed_token_type", .a = ANS_DEAD,
      .meaning = "the token is of the wrong kind (the app-level token is "
                 "xapp-..., the bot token xoxb-...)" },
    { .error = "not_authed", .a = ANS_DEAD,
      .meaning = "no token was accepted" },
    { .error = "token_expired", .a = ANS_DEAD,
      .meaning = "the token has expired" },
    { .error = "token_revoked", .a = ANS_DEAD,
      .meaning = "the token was revoked (app uninstalled?)" },
    { .error = "ratelimited", .a = ANS_LIMIT, .meaning = NULL },
    { .error = "rate_limited", .a = ANS_LIMIT, .meaning = NULL },
    { .error = "fatal_error", .a = ANS_RETRY, .meaning = NULL },
    { .error = "internal_error", .a = ANS_RETRY, .meaning = NULL },
    { .error = "request_timeout", .a = ANS_RETRY, .meaning = NULL },
    { .error = "service_unavailable", .a = ANS_RETRY, .meaning = NULL },
};

#define NERRORS (sizeof(error_table) / sizeof(*error_table))

static enum answer
status_answer(long status)
{
    for (size_t i = 0; i < sizeof(status_rules) / sizeof(*status_rules);
         i++)
        if (status >= status_rules[i].lo && status <= status_rules[i].hi)
            return status_rules[i].a;
    return ANS_FAIL;
}

static size_t
error_row(const char *error)
{
    for (size_t i = 0; i < NERRORS; i++)
        if (strcmp(error_table[i].error, error) == 0)
            return i;
    return NERRORS;
}

/* ---- requests ---- */

struct api_req *
slack_api_req_new(struct slack *sk, enum slack_method m, api_done_fn *done)
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
slack_api_req_free(struct api_req *r)
{
    if (!r)
        return;
    cJSON_Delete(r->args);
    cJSON_Delete(r->more);
    free(r);
}

void
slack_api_submit(struct slack *sk, struct api_req *r, const char *lane)
{
    outq_push(sk->outq, &r->item, lane,
              lane && methods[r->m].paced ? OUTQ_PACED : 0);
}

/* ---- direct messages ---- */

static struct slack_dm *
dm_get(struct slack *sk, const char *user)
{
    struct slack_dm *dm;

    for (dm = sk->dms; dm; dm = dm->next)
        if (strcmp(dm->user, user) == 0)
            return dm;
    dm = xcalloc(1, sizeof(*dm));
    snprintf(dm->user, sizeof(dm->user), "%s", user);
    dm->next = sk->dms;
    sk->dms = dm;
    return dm;
}

void
slack_api_dm_note(struct slack *sk, const char *user, const char *channel)
{
    struct slack_dm *dm;

    if (!slack_is_id(user) || !slack_is_id(channel) || channel[0] != 'D')
        return;
    dm = dm_get(sk, user);
    if (!dm->channel[0])
        snprintf(dm->channel, sizeof(dm->channel), "%s", channel);
}

/* conversations.open for a user: remember the DM's id, or why not. */
static bool
on_dm_open(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    struct slack_dm *dm = r->ctx;
    const char *id = res->outcome == API_OK
                         ? json_string(res->body, "channel.id") : NULL;

    (void)sk;
    dm->opening = false;
    if (res->outcome == API_CANCELLED)
        return false;
    if (id && *id && strlen(id) < sizeof(dm->channel)) {
        snprintf(dm->channel, sizeof(dm->channel), "%s", id);
        return false;
    }
    snprintf(dm->error, sizeof(dm->error), "%s",
             res->error ? res->error : "no channel in the answer");
    log_warn(SLACK_MOD, "conversations.open with %s failed (%s): the "
             "direct messages waiting for it fail too", dm->user,
             dm->error);
    return false;
}

/* r (needs_dm, to r->user) on its user's lane, behind the
 * conversations.open that finds the channel when none is known.  A
 * failed open fails what waits for it; the next message, once they are
 * gone, tries again. */
static void
dm_submit(struct slack *sk, struct api_req *r)
{
    struct slack_dm *dm = dm_get(sk, r->user);

    r->needs_dm = true;
    if (!dm->channel[0] && !dm->opening) {
        if (dm->error[0] && outq_lane_count(sk->outq, r->user) == 0)
            dm->error[0] = '\0';
        if (!dm->error[0]) {
            struct api_req *o =
                slack_api_req_new(sk, SM_CONVERSATIONS_OPEN, on_dm_open);

            cJSON_AddStringToObject(o->args, "users", r->user);
            o->ctx = dm;
            dm->opening = true;
            slack_api_submit(sk, o, r->user);
        }
    }
    slack_api_submit(sk, r, r->user);
}

/* ---- sending ---- */

static void on_http(void *arg, const struct http_response *res);
static void finish(struct slack *sk, struct api_req *r,
                   const struct api_result *res);

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

/* The queue's send(): r may go now. */
static void
api_send(void *arg, struct outq_item *it)
{
    struct slack *sk = arg;
    struct api_req *r = (struct api_req *)it;
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

    if (r->needs_dm && !cJSON_GetObjectItem(r->args, "channel")) {
        const struct slack_dm *dm = dm_get(sk, r->user);

        if (!dm->channel[0]) {
            /* The DM could not be opened: nor can this go. */
            struct api_result ar = {
                .outcome = API_ERROR,
                .error = dm->error[0] ? dm->error : "no direct message",
            };
            finish(sk, r, &ar);
            return;
        }
        cJSON_AddStringToObject(r->args, "channel", dm->channel);
    }
    snprintf(url, sizeof(url), "%s/%s", sk->api_url, mi->name);
    if (body_of(r, &body)) {
        rq.body = buf_cstr(&body);
        rq.body_len = body.len;
        r->call = http_request(sk->env.http, &rq, on_http, r);
        if (!r->call)
            log_error(SLACK_MOD, "%s: the HTTP request was refused (bad API "
                      "URL?)", mi->name);
    } else {
        log_error(SLACK_MOD, "%s: cannot build the request body", mi->name);
    }
    buf_free(&body);
    if (!r->call)       /* could not even build it: later */
        outq_wait(sk->outq, it, sk->t.retry_max_ms);
}

/* The queue's gate: a method blocked by a 429 waits; after a dead token
 * nothing goes. */
static int64_t
api_gate(void *arg, const struct outq_item *it, int64_t now)
{
    struct slack *sk = arg;
    const struct api_req *r = (const struct api_req *)it;

    if (sk->failed)
        return OUTQ_HOLD;
    return sk->blocked_until[r->m] > now ? sk->blocked_until[r->m] - now : 0;
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

/* Back off and send again later; r stays the head of its lane. */
static void
transient(struct slack *sk, struct api_req *r, const char *why)
{
    int64_t d = outq_retry(sk->outq, &r->item);

    if (d < 0) {        /* a policy with an end (ours has none) */
        struct api_result ar = { .outcome = API_HTTP, .error = why };

        finish(sk, r, &ar);
        return;
    }
    if (!r->warned || r->item.retries % 10 == 0)
        log_warn(SLACK_MOD, "%s failed (%s); retry %u in %" PRId64 " ms",
                 methods[r->m].name, why, r->item.retries, d);
    else
        log_debug(SLACK_MOD, "%s failed (%s); retry %u in %" PRId64 " ms",
                  methods[r->m].name, why, r->item.retries, d);
    r->warned = true;
}

/* The whole method waits (the gate), r at the head of its lane. */
static void
rate_limited(struct slack *sk, struct api_req *r, const char *retry_after)
{
    int64_t wait = http_retry_after_ms(retry_after, -1, &retry_after_rule);
    int64_t until = loop_now_ms(sk->env.loop) + wait;

    if (until > sk->blocked_until[r->m])
        sk->blocked_until[r->m] = until;
    log_info(SLACK_MOD, "%s rate limited: waiting %" PRId64 " s "
             "(Retry-After%s)", methods[r->m].name, wait / 1000,
             retry_after ? "" : " missing");
    outq_wait(sk->outq, &r->item, 0);
}

/* Nothing will work: the gate holds r and everything else until stop. */
static void
dead_token(struct slack *sk, struct api_req *r, const char *error,
           size_t row)
{
    bool app = methods[r->m].app_token;

    slack_fatal(sk, ADAPTER_FATAL_REFUSED, "Slack refused the %s token (%s from %s: %s); check "
                "%s and restart",
                app ? "app-level" : "bot", error, methods[r->m].name,
                error_table[row].meaning,
                app ? "SLACK_APP_TOKEN (or slack_app_token)"
                    : "SLACK_BOT_TOKEN (or slack_bot_token)");
    outq_wait(sk->outq, &r->item, 0);
}

/* The handler has the answer; r leaves the queue unless it is to be sent
 * again. */
static void
finish(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    if (r->done && r->done(sk, r, res)) {
        r->warned = false;
        outq_resend(sk->outq, &r->item);  /* still first of its lane */
        return;
    }
    outq_done(sk->outq, &r->item);
    slack_api_req_free(r);
}

/* Why a call is retried, for the log. */
static void
retry_reason(const struct http_response *res, long status,
             const char *error, char *why, size_t len)
{
    char body[121];

    if (status == 0) {
        snprintf(why, len, "network: %s",
                 res->error_text ? res->error_text : "error");
    } else if (status != 200) {
        snprintf(why, len, "HTTP %ld", status);
    } else if (error) {
        snprintf(why, len, "%s", error);
    } else {
        snippet(res->body, body, sizeof(body));
        snprintf(why, len, "a body that is not a Slack answer: %s", body);
    }
}

static void
on_http(void *arg, const struct http_response *res)
{
    struct api_req *r = arg;
    struct slack *sk = r->sk;
    long status = res->error == HTTP_ERR_NONE ? res->status : 0;
    enum answer a = status_answer(status);
    cJSON *j = NULL;
    const char *error = NULL;
    size_t row = NERRORS;
    char why[200], text[121];

    r->call = NULL;
    if (a == ANS_BODY) {
        const cJSON *ok;

        j = cJSON_ParseWithLength(res->body, res->body_len);
        ok = cJSON_GetObjectItemCaseSensitive(j, "ok");
        if (!cJSON_IsBool(ok)) {
            a = ANS_RETRY;
        } else if (cJSON_IsTrue(ok)) {
            a = ANS_OK;
        } else {
            error = json_string(j, "error");
            if (!error)
                error = "unknown_error";
            row = error_row(error);
            a = row < NERRORS ? error_table[row].a : ANS_CALL;
        }
    }
    switch (a) {
    case ANS_OK:
    case ANS_CALL: {
        struct api_result ar = {
            .outcome = a == ANS_OK ? API_OK : API_ERROR, .body = j,
            .error = error, .status = status,
        };
        finish(sk, r, &ar);
        break;
    }
    case ANS_BODY:      /* never left so: the body was read above */
    case ANS_FAIL: {
        snippet(res->body, text, sizeof(text));
        log_warn(SLACK_MOD, "%s: unexpected HTTP %ld: %s",
                 methods[r->m].name, status, text);
        snprintf(why, sizeof(why), "HTTP %ld", status);
        struct api_result ar = { .outcome = API_HTTP, .error = why,
                                 .status = status };
        finish(sk, r, &ar);
        break;
    }
    case ANS_RETRY:
        retry_reason(res, status, error, why, sizeof(why));
        transient(sk, r, why);
        break;
    case ANS_LIMIT:
        metrics_count("chorus_platform_429_total", "platform", "slack", 1);
        rate_limited(sk, r, http_response_header(res, "Retry-After"));
        break;
    case ANS_DEAD:
        dead_token(sk, r, error, row);
        break;
    }
    cJSON_Delete(j);
}

/* ---- the queue's life ---- */

/* Stop or free let go of r: its handler hears API_CANCELLED (an outbox
 * row stays pending). */
static void
api_cancelled(void *arg, struct outq_item *it)
{
    struct slack *sk = arg;
    struct api_req *r = (struct api_req *)it;
    struct api_result ar = { .outcome = API_CANCELLED };

    http_cancel(r->call);
    r->call = NULL;
    if (r->done)
        r->done(sk, r, &ar);
    slack_api_req_free(r);
}

/* outq_full() said no earlier: the rows it refused can come now. */
static void
api_room(void *arg)
{
    slack_kick(arg);
}

static const struct outq_ops api_ops = {
    .send = api_send,
    .gate = api_gate,
    .cancelled = api_cancelled,
    .room = api_room,
};

void
slack_api_new(struct slack *sk)
{
    const struct outq_options o = {
        .name = SLACK_MOD,
        .retry = { .base_ms = sk->t.retry_base_ms,
                   .max_ms = sk->t.retry_max_ms, .attempts = 0 },
        .max_inflight = MAX_INFLIGHT,
        .max_free = MAX_FREE_INFLIGHT,
        .pace_burst = PACE_BURST,
        .pace_window_ms = PACE_WINDOW_MS,
    };

    sk->outq = outq_new(sk->env.loop, &o, &api_ops, sk);
}

void
slack_api_free(struct slack *sk)
{
    outq_free(sk->outq);
    sk->outq = NULL;
    while (sk->dms) {
        struct slack_dm *dm = sk->dms;

        sk->dms = dm->next;
        free(dm);
    }
}

static void
api_stopped(void *arg)
{
    struct slack *sk = arg;

    sk->api_drained = true;
    slack_stop_progress(sk);
}

void
slack_api_stop(struct slack *sk, int64_t deadline_ms)
{
    outq_stop(sk->outq, deadline_ms, api_stopped, sk);
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
    struct api_req *d = slack_api_req_new(sk, SM_CHAT_POST_MESSAGE, r->done);
    cJSON *text = cJSON_DetachItemFromObjectCaseSensitive(r->args, "text");
    cJSON *blocks = cJSON_DetachItemFromObjectCaseSensitive(r->args,
                                                            "blocks");

    if (text)
        cJSON_AddItemToObject(d->args, "text", text);
    if (blocks)
        cJSON_AddItemToObject(d->args, "blocks", blocks);
    d->more = r->more;
    r->more = NULL;
    d->outbox_id = r->outbox_id;
    d->kind = r->kind;
    snprintf(d->user, sizeof(d->user), "%s", r->user);
    log_info(SLACK_MOD, "outbox %lld: the reply cannot be shown in %s; "
             "sending it to %s by direct message", (long long)r->outbox_id,
             json_string(r->args, "channel") ? json_string(r->args, "channel")
                                             : "?",
             r->user);
    dm_submit(sk, d);
}

/* The next part of a long text, in place of the one just sent; false
 * when there is none. */
static bool
next_part(struct api_req *r)
{
    cJSON *o = r->more ? cJSON_DetachItemFromArray(r->more, 0) : NULL;
    cJSON *blocks;

    if (!o)
        return false;
    cJSON_DeleteItemFromObjectCaseSensitive(r->args, "blocks");
    cJSON_ReplaceItemInObjectCaseSensitive(
        r->args, "text",
        cJSON_DetachItemFromObjectCaseSensitive(o, "text"));
    blocks = cJSON_DetachItemFromObjectCaseSensitive(o, "blocks");
    if (blocks)
        cJSON_AddItemToObject(r->args, "blocks", blocks);
    cJSON_Delete(o);
    return true;
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
        if ((r->m == SM_CHAT_POST_MESSAGE || r->m == SM_CHAT_POST_EPHEMERAL)
            && next_part(r))
            return true;    /* the row is done with its last part */
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

                slack_blocks_channel_name(r->want, ++r->suffix, name,
                                          sizeof(name));
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

/* One message's text and blocks into o: buttons only with the last. */
static void
part_args(cJSON *o, const char *text, size_t len, const struct out_msg *m,
          bool last, bool update)
{
    char *part = xstrndup(text, len);
    cJSON *blocks = last ? slack_blocks(part, m->buttons, m->nbuttons)
                         : NULL;

    cJSON_AddStringToObject(o, "text", part);
    if (!blocks && update)
        blocks = cJSON_CreateArray();
    if (blocks)
        cJSON_AddItemToObject(o, "blocks", blocks);
    free(part);
}

/* text (escaped) and, with buttons, blocks; update: always blocks (an
 * empty list takes old buttons away).  A text over Slack's 4 000
 * characters: an update (one message, edited in place) is cut with a
 * mark; a new message goes as several, the rest kept in r->more and
 * sent one after the other (row_done), the buttons under the last. */
static void
add_text(struct api_req *r, const struct out_msg *m, bool update)
{
    struct buf b = BUF_INIT;
    const char *p;
    size_t end;

    slack_blocks_text(m->text, SIZE_MAX, &b);
    if (b.len == 0)
        buf_adds(&b, "(nothing)");
    p = buf_cstr(&b);
    end = slack_blocks_part_end(p, TEXT_MAX);
    if (p[end] == '\0') {
        part_args(r->args, p, end, m, true, update);
    } else if (update) {
        struct buf cut = BUF_INIT;

        buf_add(&cut, p, slack_blocks_part_end(p, TEXT_MAX - 2));
        buf_adds(&cut, " …");
        part_args(r->args, buf_cstr(&cut), cut.len, m, true, true);
        buf_free(&cut);
    } else {
        part_args(r->args, p, end, m, false, false);
        r->more = cJSON_CreateArray();
        for (p += end; *p; p += end) {
            cJSON *o = cJSON_CreateObject();

            end = slack_blocks_part_end(p, TEXT_MAX);
            part_args(o, p, end, m, p[end] == '\0', false);
            cJSON_AddItemToArray(r->more, o);
        }
    }
    buf_free(&b);
}


static struct api_req *
row_req(struct slack *sk, const struct out_msg *m, enum slack_method meth)
{
    struct api_req *r = slack_api_req_new(sk, meth, row_done);

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
    dm_submit(sk, r);
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
        slack_api_submit(sk, r, t->channel);
        return CH_OK;
    }
    if (slack_is_id(m->channel) && !is_dm_channel(m->channel) &&
        slack_is_id(m->user)) {
        struct api_req *r = row_req(sk, m, SM_CHAT_POST_EPHEMERAL);

        add_text(r, m, false);
        cJSON_AddStringToObject(r->args, "channel", m->channel);
        cJSON_AddStringToObject(r->args, "user", m->user);
        slack_api_submit(sk, r, NULL);
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
    slack_api_submit(sk, r, m->channel);
    return CH_OK;
}

/* The lane of an edit or pin of an earlier message: a DM's is its user's
 * (where the message went), a channel's the channel's. */
static const char *
ref_lane(const struct out_msg *m, const char *channel)
{
    if (is_dm_channel(channel) && slack_is_id(m->user))
        return m->user;
    return channel;
}

static enum ch_status
deliver_update(struct slack *sk, const struct out_msg *m)
{
    char ch[SLACK_ID_MAX], ts[SLACK_ID_MAX];

    if (!slack_blocks_ref_split(m->ref, ch, sizeof(ch), ts, sizeof(ts)) ||
        !slack_is_id(ch))
        return refuse(m, "not a Slack message reference");
    struct api_req *r = row_req(sk, m, SM_CHAT_UPDATE);
    add_text(r, m, true);
    cJSON_AddStringToObject(r->args, "channel", ch);
    cJSON_AddStringToObject(r->args, "ts", ts);
    slack_api_submit(sk, r, ref_lane(m, ch));
    return CH_OK;
}

static enum ch_status
deliver_pin(struct slack *sk, const struct out_msg *m)
{
    char ch[SLACK_ID_MAX], ts[SLACK_ID_MAX];

    if (!slack_blocks_ref_split(m->ref, ch, sizeof(ch), ts, sizeof(ts)) ||
        !slack_is_id(ch))
        return refuse(m, "not a Slack message reference");
    struct api_req *r = row_req(sk, m, SM_PINS_ADD);
    cJSON_AddStringToObject(r->args, "channel", ch);
    cJSON_AddStringToObject(r->args, "timestamp", ts);
    slack_api_submit(sk, r, ref_lane(m, ch));
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
    slack_blocks_channel_name(want, 1, name, sizeof(name));
    cJSON_AddStringToObject(r->args, "name", name);
    cJSON_AddBoolToObject(r->args, "is_private", m->private_channel != 0);
    slack_api_submit(sk, r, NULL);
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
    slack_api_submit(sk, r, m->channel);
    return CH_OK;
}

static enum ch_status
deliver_topic(struct slack *sk, const struct out_msg *m)
{
    struct buf b = BUF_INIT;

    if (!slack_is_id(m->channel))
        return refuse(m, "no channel");
    struct api_req *r = row_req(sk, m, SM_CONVERSATIONS_SET_TOPIC);
    slack_blocks_text(m->text, TOPIC_MAX, &b);
    cJSON_AddStringToObject(r->args, "channel", m->channel);
    cJSON_AddStringToObject(r->args, "topic", buf_cstr(&b));
    buf_free(&b);
    slack_api_submit(sk, r, m->channel);
    return CH_OK;
}

/* The campaign closed: its channel is archived (nothing more can be
 * posted there; its history stays readable). */
static enum ch_status
deliver_archive(struct slack *sk, const struct out_msg *m)
{
    if (!slack_is_id(m->channel))
        return refuse(m, "no channel");
    struct api_req *r = row_req(sk, m, SM_CONVERSATIONS_ARCHIVE);
    cJSON_AddStringToObject(r->args, "channel", m->channel);
    slack_api_submit(sk, r, m->channel);
    return CH_OK;
}

static enum ch_status
deliver_lookup(struct slack *sk, const struct out_msg *m)
{
    if (!slack_is_id(m->user))
        return refuse(m, "not a Slack user id");
    struct api_req *r = slack_api_req_new(sk, SM_USERS_INFO, lookup_done);
    r->outbox_id = m->id;
    r->kind = m->kind;
    snprintf(r->user, sizeof(r->user), "%s", m->user);
    cJSON_AddStringToObject(r->args, "user", m->user);
    slack_api_submit(sk, r, NULL);
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
    [OUT_ARCHIVE] = deliver_archive,
};

enum ch_status
slack_api_deliver(struct slack *sk, const struct out_msg *m)
{
    if (sk->stopping || sk->failed)
        return CH_BUSY;
    if ((unsigned)m->kind >= OUT_KIND_COUNT || !deliver_table[m->kind])
        return CH_UNSUPPORTED;
    if (outq_full(sk->outq))
        return CH_BUSY;         /* memory's cap, far above normal work */
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
        slack_fatal(sk, ADAPTER_FATAL_ERROR, "auth.test failed (%s) at %s: check SLACK_API_URL "
                    "and the bot token", res->error ? res->error : "?",
                    sk->api_url);
        return false;
    }
    const char *user = json_string(res->body, "user_id");
    const char *bot = json_string(res->body, "bot_id");
    const char *team = json_string(res->body, "team");
    if (!user || !*user) {
        slack_fatal(sk, ADAPTER_FATAL_ERROR, "auth.test answered without a user_id");
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
    slack_api_submit(sk, slack_api_req_new(sk, SM_AUTH_TEST, auth_done), NULL);
}
