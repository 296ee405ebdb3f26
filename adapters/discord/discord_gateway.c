/*
 * discord_gateway: the Gateway v10 connection.
 *
 * States:  FETCH (GET /gateway/bot) -> CONNECTING -> HELLO -> [IDENTIFY
 * wait] -> AUTH (Identify or Resume sent) -> READY; any of them -> WAIT
 * (a reconnect timer) -> FETCH for a new session or CONNECTING to
 * resume_gateway_url to resume; STOPPING -> STOPPED.
 *
 * What ends a connection, and what follows, is data: the opcode table
 * (ops[]) and the close-code table (close_rules[]), which follows the
 * recommended rule: resume on 4000-4003, 4005, 4008 and on a
 * drop without a close frame; a new session on 4007, 4009 (and on a
 * server's 1000/1001, which end the session); stop with a clear error on
 * 4004 and 4010-4014.  Our own closes:
 *   op 7 Reconnect, zombie (no ACK between two beats), Hello or READY
 *   timeout, op 9 true   -> close 4000 (keeps the session), resume at once
 *   op 9 false           -> close 1000, wait 1-5 s, Identify anew
 *   a payload over our cap (ws closes 1009) -> resume; twice at the same
 *                           seq -> a new session (the replay repeats it)
 * A connection we give up on is "retired": its close handshake finishes
 * in the background while the next connection is already being made, and
 * nothing it still receives is processed (a resume replays it).
 *
 * Reconnects back off: the first after a healthy connection (one that
 * reached READY or RESUMED and lasted a second) waits 0-250 ms, later
 * ones 1 s, 2 s, 4 s ... 60 s with equal jitter, so a server that keeps
 * refusing us is not hammered; op 7 and zombie resumes do not wait.
 * Identify waits 5 s after the previous one and needs
 * session_start_limit.remaining > 0 (fetched before every new session);
 * Resume does neither.
 *
 * These waits are the defaults of struct discord_timing (discord.h).
 *
 * Sends: at most 120 payloads per connection per 60 s.  Heartbeats,
 * Identify and Resume always go; the only optional send, an answer to the
 * server's heartbeat request (op 1), is skipped once 115 of the window are
 * used, so a chatty server cannot push us into 4008.
 *
 * Never logged: the Identify and Resume payloads (they carry the token).
 */
#include "discord_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ratewin.h"
#include "ws.h"
#include "loop.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

#define HELLO_TIMEOUT_MS      20000
#define READY_TIMEOUT_MS      15000
#define IDENTIFY_SPACING_MS   5000
#define STABLE_MS             1000
#define BACKOFF_MS            1000
#define QUICK_RETRY_MS        250
#define INVALID_SESSION_MS    1000
#define DEFAULT_HEARTBEAT_MS  41250
#define MAX_HEARTBEAT_MS      (10 * 60 * 1000)
#define SEND_LIMIT            120
#define SEND_WINDOW_MS        60000
#define SEND_OPTIONAL_BUDGET  115
#define MAX_MESSAGE_IN        ((size_t)4 << 20)
#define MAX_MESSAGE_OUT       4096
#define CLOSE_TIMEOUT_MS      2000
#define OPEN_TIMEOUT_MS       15000
#define MAX_START_WAIT_MS     ((int64_t)24 * 3600 * 1000)

enum gw_state {
    GW_IDLE,
    GW_WAIT,
    GW_FETCH,
    GW_CONNECTING,
    GW_HELLO,
    GW_IDENTIFY_WAIT,
    GW_AUTH,
    GW_READY,
    GW_STOPPING,
    GW_STOPPED,
};

enum gw_action { ACT_RESUME, ACT_NEW_SESSION, ACT_FATAL };

enum timer_role { TR_NONE, TR_RECONNECT, TR_HELLO, TR_READY, TR_IDENTIFY };

struct link {
    struct gateway *gw;
    struct ws_conn *ws;
    struct link    *next;      /* in gw->retired */
    int             id;
    bool            retired;
};

struct gateway {
    struct discord    *d;
    enum gw_state      state;
    struct link       *link;
    struct link       *retired;
    int                nlinks;
    char              *url;           /* from /gateway/bot */
    char              *session_id;
    char              *resume_url;
    long               seq;           /* -1: none yet */
    bool               resuming;      /* the current connection resumes */
    int                heartbeat_ms;
    bool               ack_pending;
    int64_t            last_beat_ms, last_ack_ms, ready_at;
    bool               ever_ready;    /* for the reconnect count */
    struct loop_timer *beat;
    struct loop_timer *timer;
    enum timer_role    timer_role;
    struct backoff     backoff;
    bool               quick_used;    /* the 0-250 ms first retry is spent */
    struct ratewin     sends;
    int64_t            last_identify_ms;
    bool               identified_once;
    struct discord_timing t;          /* the waits, defaults filled in */
    int                oversize_strikes;
    long               oversize_seq;
    bool               fetching;
    void             (*stop_done)(void *arg);
    void              *stop_arg;
};

static void connect_link(struct gateway *gw, bool resume);
static void fetch(struct gateway *gw);

/* ---- small helpers ------------------------------------------------------- */

static int64_t
now_ms(const struct gateway *gw)
{
    return discord_now(gw->d);
}

static void
arm(struct gateway *gw, enum timer_role role, int64_t ms)
{
    gw->timer_role = role;
    loop_timer_arm(gw->timer, ms < 0 ? 0 : ms);
}

static void
disarm(struct gateway *gw)
{
    gw->timer_role = TR_NONE;
    loop_timer_stop(gw->timer);
}

static void
clear_session(struct gateway *gw)
{
    free(gw->session_id);
    free(gw->resume_url);
    gw->session_id = NULL;
    gw->resume_url = NULL;
    gw->seq = -1;
}

static bool
has_session(const struct gateway *gw)
{
    return gw->session_id && gw->resume_url;
}

/* url + "?v=10&encoding=json", with a '/' path when the URL has none. */
static char *
gateway_url(const char *base)
{
    if (strncmp(base, "ws://", 5) != 0 && strncmp(base, "wss://", 6) != 0)
        return NULL;
    const char *host = strstr(base, "://") + 3;
    bool has_path = strpbrk(host, "/?") != NULL;
    bool has_query = strchr(host, '?') != NULL;
    return xasprintf("%s%s%sv=10&encoding=json", base, has_path ? "" : "/",
                     has_query ? "&" : "?");
}

static bool
send_text(struct gateway *gw, const char *text, bool optional)
{
    if (gw->link == NULL)
        return false;
    int64_t now = now_ms(gw);
    if (optional && ratewin_used(&gw->sends, now) >= SEND_OPTIONAL_BUDGET)
        return false;
    if (ws_send_text(gw->link->ws, text, strlen(text)) != 0)
        return false;
    ratewin_add(&gw->sends, now);
    return true;
}

static void
send_heartbeat(struct gateway *gw, bool optional)
{
    char text[64];
    if (gw->seq >= 0)
        snprintf(text, sizeof(text), "{\"op\":1,\"d\":%ld}", gw->seq);
    else
        snprintf(text, sizeof(text), "{\"op\":1,\"d\":null}");
    if (send_text(gw, text, optional)) {
        gw->ack_pending = true;
        gw->last_beat_ms = now_ms(gw);
    } else if (optional) {
        discord_log_once(gw->d, DC_LOG_UNKNOWN_OP,
                         "heartbeat request not answered: "
                         "the send budget of this connection is used up");
    }
}

/* Send a payload holding the token, then wipe our copy. */
static void
send_secret(struct gateway *gw, cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (text == NULL)
        return;
    send_text(gw, text, false);
    memset(text, 0, strlen(text));
    free(text);
}

static void
send_identify(struct gateway *gw)
{
    struct discord *d = gw->d;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "op", 2);
    cJSON *x = cJSON_AddObjectToObject(o, "d");
    cJSON_AddStringToObject(x, "token", d->token);
    cJSON_AddNumberToObject(x, "intents", (double)d->intents);
    cJSON *p = cJSON_AddObjectToObject(x, "properties");
    cJSON_AddStringToObject(p, "os", "linux");
    cJSON_AddStringToObject(p, "browser", "chorus");
    cJSON_AddStringToObject(p, "device", "chorus");
    send_secret(gw, o);
    gw->last_identify_ms = now_ms(gw);
    gw->identified_once = true;
    gw->state = GW_AUTH;
    arm(gw, TR_READY, gw->t.ready_timeout_ms);
    log_info("discord", "gateway: identifying (intents %ld)", d->intents);
}

static void
send_resume(struct gateway *gw)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "op", 6);
    cJSON *x = cJSON_AddObjectToObject(o, "d");
    cJSON_AddStringToObject(x, "token", gw->d->token);
    cJSON_AddStringToObject(x, "session_id", gw->session_id);
    if (gw->seq >= 0)
        cJSON_AddNumberToObject(x, "seq", (double)gw->seq);
    else
        cJSON_AddNullToObject(x, "seq");
    send_secret(gw, o);
    gw->state = GW_AUTH;
    arm(gw, TR_READY, gw->t.ready_timeout_ms);
    log_info("discord", "gateway: resuming session %.8s at seq %ld",
             gw->session_id, gw->seq);
}

/* ---- reconnecting -------------------------------------------------------- */

static void
link_free(struct link *l)
{
    ws_free(l->ws);
    free(l);
}

/* Give up on the current connection: close it in the background. */
static void
retire(struct gateway *gw, int code, const char *why)
{
    struct link *l = gw->link;
    if (l == NULL)
        return;
    gw->link = NULL;
    l->retired = true;
    l->next = gw->retired;
    gw->retired = l;
    loop_timer_stop(gw->beat);
    gw->ack_pending = false;
    ws_close(l->ws, code, why);
}

/* Where the next connection goes, after delay_ms. */
static void
reconnect(struct gateway *gw, enum gw_action action, int64_t delay_ms,
          int code, const char *why)
{
    if (gw->state == GW_STOPPING || gw->state == GW_STOPPED)
        return;
    retire(gw, code, why);
    if (action == ACT_NEW_SESSION)
        clear_session(gw);
    gw->state = GW_WAIT;
    arm(gw, TR_RECONNECT, delay_ms);
}

/* The wait before a reconnect after a failure (not after op 7 / zombie). */
static int64_t
failure_delay(struct gateway *gw)
{
    int64_t now = now_ms(gw);
    if (gw->ready_at && now - gw->ready_at >= gw->t.stable_ms) {
        backoff_reset(&gw->backoff);
        gw->quick_used = false;
    }
    gw->ready_at = 0;
    if (!gw->quick_used) {
        gw->quick_used = true;
        return backoff_rand_range(&gw->backoff.rng, 0, gw->t.quick_retry_ms);
    }
    return backoff_next(&gw->backoff);
}

/* ---- the close-code table ------------------------------------------------ */

static const struct close_rule {
    int             code;
    const char     *name;
    enum gw_action  action;
    const char     *fix;     /* for a fatal code: what the operator does */
    bool            refused; /* the token or an intent: EX_NOPERM */
} close_rules[] = {
    { .code = 1000, .name = "normal closure", .action = ACT_NEW_SESSION },
    { .code = 1001, .name = "going away", .action = ACT_NEW_SESSION },
    { .code = 4000, .name = "unknown error", .action = ACT_RESUME },
    { .code = 4001, .name = "unknown opcode", .action = ACT_RESUME },
    { .code = 4002, .name = "decode error", .action = ACT_RESUME },
    { .code = 4003, .name = "not authenticated", .action = ACT_RESUME },
    { .code = 4004, .name = "authentication failed", .action = ACT_FATAL,
      .refused = true,
      .fix = "Discord refused the bot token: check DISCORD_TOKEN (or the "
             "discord_token directive), and reset the token in the "
             "Developer Portal if it leaked" },
    { .code = 4005, .name = "already authenticated", .action = ACT_RESUME },
    { .code = 4007, .name = "invalid seq", .action = ACT_NEW_SESSION },
    { .code = 4008, .name = "rate limited", .action = ACT_RESUME },
    { .code = 4009, .name = "session timed out", .action = ACT_NEW_SESSION },
    { .code = 4010, .name = "invalid shard", .action = ACT_FATAL,
      .fix = "the shard sent in Identify is invalid" },
    { .code = 4011, .name = "sharding required", .action = ACT_FATAL,
      .fix = "the bot is in too many servers for one connection (over "
             "2500); chorus does not shard" },
    { .code = 4012, .name = "invalid API version", .action = ACT_FATAL,
      .fix = "the gateway refused API version 10" },
    { .code = 4013, .name = "invalid intents", .action = ACT_FATAL,
      .fix = "the gateway refused the intents chorus asked for" },
    { .code = 4014, .name = "disallowed intents", .action = ACT_FATAL,
      .refused = true,
      .fix = "a privileged intent is not enabled: switch on Message Content "
             "Intent in the Developer Portal (Bot page), or set "
             "discord_message_content no" },
};

static const struct close_rule *
close_rule(int code)
{
    for (size_t i = 0; i < sizeof(close_rules) / sizeof(close_rules[0]); i++)
        if (close_rules[i].code == code)
            return &close_rules[i];
    return NULL;
}

/* ---- websocket callbacks ------------------------------------------------- */

static void
finish_stop(struct gateway *gw)
{
    if (gw->state != GW_STOPPING || gw->link || gw->retired)
        return;
    gw->state = GW_STOPPED;
    void (*done)(void *) = gw->stop_done;
    gw->stop_done = NULL;
    if (done)
        done(gw->stop_arg);
}

static void
on_open(void *arg)
{
    struct link *l = arg;
    struct gateway *gw = l->gw;
    if (l->retired || gw->link != l)
        return;
    gw->state = GW_HELLO;
    arm(gw, TR_HELLO, gw->t.hello_timeout_ms);
}

/* READY or RESUMED: the connection is up (metrics.h). */
static void
gateway_connected(struct gateway *gw)
{
    if (gw->ever_ready)
        metrics_count("chorus_platform_reconnects_total", "platform",
                      "discord", 1);
    gw->ever_ready = true;
    metrics_set("chorus_platform_connected", "platform", "discord", 1);
}

static void
on_close(void *arg, int code, const char *reason)
{
    struct link *l = arg;
    struct gateway *gw = l->gw;
    if (l->retired) {
        for (struct link **pp = &gw->retired; *pp; pp = &(*pp)->next) {
            if (*pp == l) {
                *pp = l->next;
                break;
            }
        }
        link_free(l);
        finish_stop(gw);
        return;
    }
    if (gw->link != l)
        return;
    gw->link = NULL;
    link_free(l);
    metrics_set("chorus_platform_connected", "platform", "discord", 0);
    loop_timer_stop(gw->beat);
    gw->ack_pending = false;
    if (gw->state == GW_STOPPING) {
        finish_stop(gw);
        return;
    }
    if (gw->state == GW_STOPPED)
        return;

    const struct close_rule *rule = close_rule(code);
    enum gw_action action = rule ? rule->action : ACT_RESUME;
    if (code == 1009) {
        /* Our cap on an incoming payload.  A resume replays a dispatch
         * that was too big, so twice at the same seq starts afresh. */
        if (gw->seq == gw->oversize_seq) {
            gw->oversize_strikes++;
        } else {
            gw->oversize_strikes = 1;
            gw->oversize_seq = gw->seq;
        }
        discord_log_once(gw->d, DC_LOG_OVERSIZE,
                         "gateway payload over %zu "
                         "bytes; connection closed (%s)",
                         MAX_MESSAGE_IN,
                         gw->oversize_strikes >= 2 ? "new session"
                                                   : "resuming");
        if (gw->oversize_strikes >= 2)
            action = ACT_NEW_SESSION;
    }
    if (action == ACT_FATAL) {
        char why[512];
        snprintf(why, sizeof(why), "gateway closed with %d (%s): %s", code,
                 rule->name, rule->fix);
        gw->state = GW_STOPPED;
        disarm(gw);
        clear_session(gw);
        discord_fatal(gw->d, rule->refused ? ADAPTER_FATAL_REFUSED
                                           : ADAPTER_FATAL_ERROR, why);
        return;
    }
    if (action == ACT_RESUME && !has_session(gw))
        action = ACT_NEW_SESSION;
    int64_t delay = failure_delay(gw);
    if (code == WS_CLOSE_NONE)
        log_info("discord", "gateway: connection lost (%s); %s in %lld ms",
                 reason, action == ACT_RESUME ? "resuming" : "new session",
                 (long long)delay);
    else
        log_info("discord", "gateway: closed with %d (%s); %s in %lld ms",
                 code, rule ? rule->name : (*reason ? reason : "no reason"),
                 action == ACT_RESUME ? "resuming" : "new session",
                 (long long)delay);
    reconnect(gw, action, delay, 0, NULL);
}

/* ---- opcodes ------------------------------------------------------------- */

static void
op_dispatch(struct gateway *gw, const cJSON *root, const cJSON *data)
{
    /* -1 (no sequence) when absent, null or not a sequence number. */
    long seq = json_int(root, "s", 0, JSON_INT_MAX, -1);
    const char *t = json_string(root, "t");
    if (seq >= 0)
        gw->seq = seq;
    if (t == NULL) {
        discord_log_once(gw->d, DC_LOG_MALFORMED,
                         "gateway dispatch without an "
                         "event name dropped");
        return;
    }
    if (strcmp(t, "READY") == 0) {
        const char *sid = json_string(data, "session_id");
        const char *rurl = json_string(data, "resume_gateway_url");
        clear_session(gw);
        gw->seq = seq;
        if (sid && *sid && strlen(sid) < 256)
            gw->session_id = xstrdup(sid);
        if (rurl && strlen(rurl) < 1024 &&
            (strncmp(rurl, "ws://", 5) == 0 || strncmp(rurl, "wss://", 6) == 0))
            gw->resume_url = xstrdup(rurl);
        else if (gw->url)
            gw->resume_url = xstrdup(gw->url);
        gw->state = GW_READY;
        gw->ready_at = now_ms(gw);
        disarm(gw);
        gateway_connected(gw);
        log_info("discord", "gateway: ready (session %.8s)",
                 gw->session_id ? gw->session_id : "?");
    } else if (strcmp(t, "RESUMED") == 0) {
        gw->state = GW_READY;
        gw->ready_at = now_ms(gw);
        disarm(gw);
        gateway_connected(gw);
        log_info("discord", "gateway: resumed at seq %ld", gw->seq);
    }
    discord_events_dispatch(gw->d, t, data);
}

static void
op_heartbeat_request(struct gateway *gw, const cJSON *root, const cJSON *data)
{
    (void)root;
    (void)data;
    send_heartbeat(gw, true);
}

static void
op_reconnect(struct gateway *gw, const cJSON *root, const cJSON *data)
{
    (void)root;
    (void)data;
    log_info("discord", "gateway: Discord asked for a reconnect (op 7); "
             "%s", has_session(gw) ? "resuming" : "new session");
    reconnect(gw, ACT_RESUME, 0, 4000, "reconnect requested");
}

static void
op_invalid_session(struct gateway *gw, const cJSON *root, const cJSON *data)
{
    (void)root;
    if (cJSON_IsTrue(data) && has_session(gw)) {
        log_info("discord", "gateway: invalid session (op 9, resumable); "
                 "resuming");
        reconnect(gw, ACT_RESUME,
                  backoff_rand_range(&gw->backoff.rng, 0, gw->t.quick_retry_ms),
                  4000, "resuming");
        return;
    }
    /* The old advice: wait 1-5 s at random so reconnecting bots spread
     * out; it also keeps us inside the identify limit. */
    int64_t wait =
        backoff_rand_range(&gw->backoff.rng, gw->t.invalid_session_ms,
                           5 * gw->t.invalid_session_ms);
    log_info("discord", "gateway: invalid session (op 9); identifying anew "
             "in %lld ms", (long long)wait);
    reconnect(gw, ACT_NEW_SESSION, wait, 1000, "new session");
}

static void
op_hello(struct gateway *gw, const cJSON *root, const cJSON *data)
{
    (void)root;
    if (gw->state != GW_HELLO) {
        discord_log_once(gw->d, DC_LOG_MALFORMED, "unexpected Hello ignored");
        return;
    }
    long interval = json_int(data, "heartbeat_interval", JSON_INT_MIN,
                             JSON_INT_MAX, -1);
    if (interval <= 0 || interval > MAX_HEARTBEAT_MS) {
        discord_log_once(gw->d, DC_LOG_MALFORMED,
                         "Hello with heartbeat_interval "
                         "%ld; using %d ms",
                         interval, DEFAULT_HEARTBEAT_MS);
        interval = DEFAULT_HEARTBEAT_MS;
    }
    gw->heartbeat_ms = (int)interval;
    gw->ack_pending = false;
    /* The first beat at interval * jitter. */
    loop_timer_arm(gw->beat,
                   (int64_t)(interval * backoff_rand_unit(&gw->backoff.rng)));
    if (gw->resuming && has_session(gw)) {
        send_resume(gw);
        return;
    }
    int64_t wait = gw->identified_once
                       ? gw->last_identify_ms + gw->t.identify_spacing_ms -
                             now_ms(gw)
                       : 0;
    if (wait > 0) {
        gw->state = GW_IDENTIFY_WAIT;
        arm(gw, TR_IDENTIFY, wait);
        return;
    }
    send_identify(gw);
}

static void
op_ack(struct gateway *gw, const cJSON *root, const cJSON *data)
{
    (void)root;
    (void)data;
    gw->ack_pending = false;
    gw->last_ack_ms = now_ms(gw);
}

static const struct op_rule {
    int   op;
    void (*fn)(struct gateway *gw, const cJSON *root, const cJSON *data);
} ops[] = {
    { .op = 0, .fn = op_dispatch },
    { .op = 1, .fn = op_heartbeat_request },
    { .op = 7, .fn = op_reconnect },
    { .op = 9, .fn = op_invalid_session },
    { .op = 10, .fn = op_hello },
    { .op = 11, .fn = op_ack },
};

static void
on_text(void *arg, const char *msg, size_t len)
{
    struct link *l = arg;
    struct gateway *gw = l->gw;
    if (l->retired || gw->link != l)
        return;
    discord_gateway_frame(gw, msg, len);
}

void
discord_gateway_frame(struct gateway *gw, const char *msg, size_t len)
{
    if (gw->state == GW_STOPPING || gw->state == GW_STOPPED)
        return;
    cJSON *root = json_parse(msg, len);
    const cJSON *op = json_get(root, "op");
    if (!cJSON_IsNumber(op)) {
        discord_log_once(gw->d, DC_LOG_MALFORMED,
                         "gateway payload of %zu bytes "
                         "dropped: %s",
                         len, root ? "no numeric \"op\"" : "not JSON");
        cJSON_Delete(root);
        return;
    }
    int code = op->valueint;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        if (ops[i].op == code) {
            ops[i].fn(gw, root, json_get(root, "d"));
            cJSON_Delete(root);
            return;
        }
    }
    discord_log_once(gw->d, DC_LOG_UNKNOWN_OP,
                     "unknown gateway opcode %d "
                     "ignored",
                     code);
    cJSON_Delete(root);
}

static const struct ws_callbacks link_callbacks = {
    .on_open = on_open,
    .on_text = on_text,
    .on_close = on_close,
};

/* ---- timers -------------------------------------------------------------- */

static void
on_beat(void *arg)
{
    struct gateway *gw = arg;
    if (gw->link == NULL || gw->state < GW_HELLO || gw->state > GW_READY)
        return;
    int64_t now = now_ms(gw);
    if (gw->ack_pending) {
        log_warn("discord", "gateway: no heartbeat ACK for %lld ms (zombie "
                 "connection); closing with 4000 and resuming",
                 (long long)(now - gw->last_beat_ms));
        reconnect(gw, ACT_RESUME, 0, 4000, "zombie connection");
        return;
    }
    send_heartbeat(gw, false);
    loop_timer_arm(gw->beat, gw->heartbeat_ms);
}

static void
on_timer(void *arg)
{
    struct gateway *gw = arg;
    enum timer_role role = gw->timer_role;
    gw->timer_role = TR_NONE;
    switch (role) {
    case TR_RECONNECT:
        if (gw->state != GW_WAIT)
            return;
        if (has_session(gw))
            connect_link(gw, true);
        else
            fetch(gw);
        return;
    case TR_HELLO:
        if (gw->state != GW_HELLO)
            return;
        log_warn("discord", "gateway: no Hello within %lld ms; reconnecting",
                 (long long)gw->t.hello_timeout_ms);
        reconnect(gw, ACT_RESUME, failure_delay(gw), 4000, "no hello");
        return;
    case TR_READY:
        if (gw->state != GW_AUTH)
            return;
        log_warn("discord", "gateway: no %s within %lld ms; reconnecting",
                 gw->resuming ? "RESUMED" : "READY",
                 (long long)gw->t.ready_timeout_ms);
        reconnect(gw, ACT_RESUME, failure_delay(gw), 4000, "no ready");
        return;
    case TR_IDENTIFY:
        if (gw->state == GW_IDENTIFY_WAIT && gw->link)
            send_identify(gw);
        return;
    case TR_NONE:
        return;
    }
}

/* ---- connecting ---------------------------------------------------------- */

static void
connect_link(struct gateway *gw, bool resume)
{
    const char *base = resume ? gw->resume_url : gw->url;
    char *url = base ? gateway_url(base) : NULL;
    if (url == NULL) {
        log_warn("discord", "gateway: no usable %s URL; starting a new "
                 "session", resume ? "resume" : "gateway");
        clear_session(gw);
        gw->state = GW_WAIT;
        arm(gw, TR_RECONNECT, failure_delay(gw));
        free(gw->url);
        gw->url = NULL;
        return;
    }
    struct link *l = xcalloc(1, sizeof(*l));
    l->gw = gw;
    l->id = ++gw->nlinks;
    struct ws_conn_options o = {
        .max_message_in = MAX_MESSAGE_IN,
        .max_message_out = MAX_MESSAGE_OUT,
        .open_timeout_ms = OPEN_TIMEOUT_MS,
        .close_timeout_ms = CLOSE_TIMEOUT_MS,
    };
    gw->resuming = resume;
    gw->ack_pending = false;
    ratewin_reset(&gw->sends);
    gw->link = l;
    gw->state = GW_CONNECTING;
    l->ws = ws_connect(gw->d->env.ws, url, &o, &link_callbacks, l);
    free(url);
    if (l->ws == NULL) {
        gw->link = NULL;
        free(l);
        log_warn("discord", "gateway: cannot connect (bad URL or shutting "
                 "down)");
        clear_session(gw);
        gw->state = GW_WAIT;
        arm(gw, TR_RECONNECT, failure_delay(gw));
    }
}

static void
on_gateway_bot(void *arg, const struct rest_result *r)
{
    struct gateway *gw = arg;
    gw->fetching = false;
    if (gw->state != GW_FETCH)
        return;
    if (r->ch == CH_BUSY)
        return;     /* the token was refused: the adapter is stopping */
    const char *url = json_string(r->json, "url");
    if (r->ch != CH_OK || url == NULL ||
        (strncmp(url, "ws://", 5) != 0 && strncmp(url, "wss://", 6) != 0)) {
        int64_t delay = failure_delay(gw);
        log_warn("discord", "gateway: GET /gateway/bot failed (%s); retrying "
                 "in %lld ms", r->error ? r->error : "no usable url",
                 (long long)delay);
        gw->state = GW_WAIT;
        arm(gw, TR_RECONNECT, delay);
        return;
    }
    free(gw->url);
    gw->url = xstrdup(url);
    const cJSON *limit = json_get(r->json, "session_start_limit");
    long remaining = json_int(limit, "remaining", JSON_INT_MIN, JSON_INT_MAX,
                              1);
    long reset_after = json_int(limit, "reset_after", 0, JSON_INT_MAX, 0);
    if (remaining <= 0) {
        int64_t wait = reset_after > 0 && reset_after < MAX_START_WAIT_MS
                           ? reset_after
                           : MAX_START_WAIT_MS;
        log_error("discord", "gateway: Discord's daily session start limit "
                  "(%lld) is used up; waiting %lld s for it to reset",
                  json_int(limit, "total", JSON_INT_MIN, JSON_INT_MAX, 1000),
                  (long long)(wait / 1000));
        gw->state = GW_WAIT;
        arm(gw, TR_RECONNECT, wait);
        return;
    }
    connect_link(gw, false);
}

static void
fetch(struct gateway *gw)
{
    gw->state = GW_FETCH;
    if (gw->fetching)
        return;
    gw->fetching = true;
    discord_rest_send(gw->d->rest, HTTP_GET, "/gateway/bot", NULL, 0, NULL,
                      on_gateway_bot, gw);
}

/* ---- interface ----------------------------------------------------------- */

static int64_t
or_default(int64_t set, int64_t def)
{
    return set > 0 ? set : def;
}

struct gateway *
discord_gateway_new(struct discord *d)
{
    const struct discord_timing *t = &d->timing;
    struct gateway *gw = xcalloc(1, sizeof(*gw));
    gw->d = d;
    gw->seq = -1;
    gw->oversize_seq = -2;
    gw->beat = loop_timer_new(d->env.loop, on_beat, gw);
    gw->timer = loop_timer_new(d->env.loop, on_timer, gw);
    gw->t = (struct discord_timing){
        .hello_timeout_ms = or_default(t->hello_timeout_ms, HELLO_TIMEOUT_MS),
        .ready_timeout_ms = or_default(t->ready_timeout_ms, READY_TIMEOUT_MS),
        .identify_spacing_ms = or_default(t->identify_spacing_ms,
                                          IDENTIFY_SPACING_MS),
        .backoff_ms = or_default(t->backoff_ms, BACKOFF_MS),
        .quick_retry_ms = or_default(t->quick_retry_ms, QUICK_RETRY_MS),
        .stable_ms = or_default(t->stable_ms, STABLE_MS),
        .invalid_session_ms = or_default(t->invalid_session_ms,
                                         INVALID_SESSION_MS),
    };
    backoff_init(&gw->backoff, gw->t.backoff_ms, 60000, backoff_seed());
    ratewin_init(&gw->sends, SEND_LIMIT, SEND_WINDOW_MS);
    return gw;
}

void
discord_gateway_free(struct gateway *gw)
{
    if (gw == NULL)
        return;
    if (gw->link)
        link_free(gw->link);
    while (gw->retired) {
        struct link *l = gw->retired;
        gw->retired = l->next;
        link_free(l);
    }
    loop_timer_free(gw->beat);
    loop_timer_free(gw->timer);
    ratewin_free(&gw->sends);
    clear_session(gw);
    free(gw->url);
    free(gw);
}

void
discord_gateway_start(struct gateway *gw)
{
    if (gw->state != GW_IDLE)
        return;
    fetch(gw);
}

/*
 * Stopping closes with 1000, which ends the session on Discord's side.
 * A restarted chorus could not resume it anyway (the session id and seq
 * live in memory only), and a 1000 makes the bot go offline at once
 * instead of leaving Discord to buffer events for a session nobody will
 * resume.
 */
void
discord_gateway_stop(struct gateway *gw, void (*done)(void *arg), void *arg)
{
    gw->stop_done = done;
    gw->stop_arg = arg;
    disarm(gw);
    loop_timer_stop(gw->beat);
    if (gw->state == GW_STOPPED) {
        gw->state = GW_STOPPING;
        finish_stop(gw);
        return;
    }
    gw->state = GW_STOPPING;
    if (gw->link)
        ws_close(gw->link->ws, 1000, "chorus is stopping");
    finish_stop(gw);
}

bool
discord_gateway_is_ready(const struct gateway *gw)
{
    return gw->state == GW_READY;
}
