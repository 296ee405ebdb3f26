/*
 * slack_sim_socket: Socket Mode as Slack runs it.
 *
 *  - tickets from apps.connections.open are single-use and expire; an
 *    upgrade with a bad one, or to another path than /link, gets a 401;
 *  - a new socket gets hello (num_connections, approximate_connection_time,
 *    app_id), or, past max_sockets, a too_many_websockets disconnect and a
 *    close;
 *  - the server pings every ping_ms; lws answers the client's pings;
 *  - envelopes go round robin to open sockets, or wait for one; an events_api
 *    envelope not acked within ack_ms is sent again as a new envelope
 *    (new envelope_id, same event_id, retry_attempt + 1, retry_reason
 *    "timeout"), preferring another socket, up to max_retries times;
 *    an interaction not acked in time is marked timed out (the user would
 *    see operation_timeout);
 *  - disconnects: warning, then refresh_requested after warning_ms, then a
 *    close after refresh_close_ms; link_disabled and too_many_websockets
 *    close at once.
 *
 * Timing: one loop timer, armed for the earliest due item over sockets and
 * deliveries (pings, refreshes, closes, ack deadlines).  The scan is O(n)
 * per change; n is a handful of sockets and the envelopes of one test.
 */
#include "slack_sim_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loop.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

static void tick(void *arg);

/* ---- tickets ---- */

void
slack_sim_socket_ticket_new(struct slack_sim *sim, char out[40])
{
    struct ssim_ticket *t = xcalloc(1, sizeof(*t));

    slack_sim_uuid(sim, t->id);
    t->created = slack_sim_now(sim);
    slack_sim_vec_push(&sim->tickets, t);
    memcpy(out, t->id, sizeof(t->id));
}

/* 0: valid and now used; else the refusal reason. */
static const char *
ticket_take(struct slack_sim *sim, const char *ticket)
{
    for (size_t i = 0; i < sim->tickets.n; i++) {
        struct ssim_ticket *t = sim->tickets.v[i];

        if (strcmp(t->id, ticket) != 0)
            continue;
        if (t->used)
            return "used_ticket";
        if (slack_sim_now(sim) - t->created > sim->ticket_ms)
            return "expired_ticket";
        t->used = true;
        return NULL;
    }
    return "invalid_ticket";
}

/* ---- sending ---- */

static void
send_json(struct ssim_sock *s, cJSON *j)
{
    char *text = cJSON_PrintUnformatted(j);

    if (text)
        sim_server_send(s->conn, text, strlen(text));
    free(text);
    cJSON_Delete(j);
}

static void
host_name(const struct ssim_sock *s, char *b, size_t n)
{
    snprintf(b, n, "applink-sim-%d", s->rec->id);
}

static void
send_disconnect(struct slack_sim *sim, struct ssim_sock *s,
                const char *reason)
{
    cJSON *j = cJSON_CreateObject(), *o;
    char host[32];

    host_name(s, host, sizeof(host));
    cJSON_AddStringToObject(j, "type", "disconnect");
    cJSON_AddStringToObject(j, "reason", reason);
    if (strcmp(reason, "too_many_websockets") == 0) {
        /* The SDK fixture's shape. */
        cJSON_AddNumberToObject(j, "num_connections",
                                (double)slack_sim_open_count(sim));
    }
    o = cJSON_AddObjectToObject(j, "debug_info");
    cJSON_AddStringToObject(o, "host", host);
    if (strcmp(reason, "too_many_websockets") == 0) {
        o = cJSON_AddObjectToObject(j, "connection_info");
        cJSON_AddStringToObject(o, "app_id", sim->id.app_id);
    }
    send_json(s, j);
    free(s->rec->last_disconnect);
    s->rec->last_disconnect = xstrdup(reason);
    slack_sim_observe(sim, SLACK_SIM_OBS_SOCKET, NULL, NULL, NULL, NULL,
                      "[socket %d: disconnect %s]", s->rec->id, reason);
}

static void
request_close(struct ssim_sock *s, int code, const char *reason)
{
    s->deliverable = false;
    sim_server_close(s->conn, code, reason);   /* once only */
}

/* Warning first, refresh_requested later: what Slack does every few
 * hours and what FAULT_WARNING scripts. */
static void
start_refresh(struct slack_sim *sim, struct ssim_sock *s)
{
    send_disconnect(sim, s, "warning");
    s->refresh_at = slack_sim_now(sim) + sim->warning_ms;
}

static void
send_refresh(struct slack_sim *sim, struct ssim_sock *s)
{
    send_disconnect(sim, s, "refresh_requested");
    s->deliverable = false;
    s->refresh_at = 0;
    s->close_at = slack_sim_now(sim) + sim->refresh_close_ms;
}

/* ---- deliveries ---- */

static struct ssim_sock *
pick_socket(struct slack_sim *sim, int avoid)
{
    struct ssim_sock *cand[64];
    size_t n = 0, i;

    for (struct ssim_sock *s = sim->socks; s && n < 64; s = s->next)
        if (s->conn && s->deliverable)
            cand[n++] = s;
    if (n == 0)
        return NULL;
    i = sim->rr++ % n;
    /* "each payload may be sent to any of the connections": a retry goes
     * elsewhere when it can, so a zombie socket does not eat it twice. */
    if (n > 1 && cand[i]->rec->id == avoid)
        i = (i + 1) % n;
    return cand[i];
}

static void
send_env(struct slack_sim *sim, struct ssim_sock *s, struct ssim_env *e)
{
    char *text = cJSON_PrintUnformatted(e->pub.json);

    sim_server_send(s->conn, text, strlen(text));
    free(text);
    e->queued = false;
    e->pub.sent_at_ms = slack_sim_now(sim);
    e->pub.conn_id = s->rec->id;
    e->d->last_conn = s->rec->id;
    e->d->deadline = e->pub.sent_at_ms + sim->ack_ms;
}

static struct ssim_env *
attempt(struct slack_sim *sim, struct ssim_delivery *d,
        const char *retry_reason)
{
    struct ssim_env *e = xcalloc(1, sizeof(*e));
    struct ssim_sock *s;
    cJSON *j = cJSON_CreateObject();
    char id[40];

    slack_sim_uuid(sim, id);
    e->d = d;
    e->pub.seq = ++sim->seq;
    e->pub.envelope_id = xstrdup(id);
    e->pub.type = d->type;
    e->pub.event_id = d->event_id ? xstrdup(d->event_id) : NULL;
    e->pub.attempt = d->attempts++;
    cJSON_AddStringToObject(j, "envelope_id", id);
    cJSON_AddItemToObject(j, "payload", cJSON_Duplicate(d->payload, 1));
    cJSON_AddStringToObject(j, "type", d->type);
    cJSON_AddBoolToObject(j, "accepts_response_payload",
                          d->accepts_response_payload);
    if (d->retries) {
        /* Only events_api envelopes carry the retry fields (1.4). */
        cJSON_AddNumberToObject(j, "retry_attempt", e->pub.attempt);
        cJSON_AddStringToObject(j, "retry_reason", retry_reason);
    }
    e->pub.json = j;
    d->last = &e->pub;
    d->deadline = 0;
    slack_sim_vec_push(&sim->envs, e);
    s = pick_socket(sim, d->last_conn);
    if (s)
        send_env(sim, s, e);
    else
        e->queued = true;
    return e;
}

struct ssim_env *
slack_sim_socket_deliver(struct slack_sim *sim, const char *type,
                         cJSON *payload, bool accepts, const char *event_id,
                         const char *label, const char *user,
                         const char *channel)
{
    struct ssim_delivery *d = xcalloc(1, sizeof(*d));
    struct ssim_env *e;

    d->type = type;
    d->payload = payload;
    d->accepts_response_payload = accepts;
    d->retries = strcmp(type, "events_api") == 0;
    d->event_id = event_id ? xstrdup(event_id) : NULL;
    d->label = xstrdup(label ? label : type);
    d->user = user ? xstrdup(user) : NULL;
    d->channel = channel ? xstrdup(channel) : NULL;
    slack_sim_vec_push(&sim->deliveries, d);
    e = attempt(sim, d, "");
    slack_sim_socket_schedule(sim);
    return e;
}

static struct ssim_env *
env_find(const struct slack_sim *sim, const char *envelope_id)
{
    for (size_t i = 0; i < sim->envs.n; i++) {
        struct ssim_env *e = sim->envs.v[i];

        if (strcmp(e->pub.envelope_id, envelope_id) == 0)
            return e;
    }
    return NULL;
}

int
slack_sim_socket_redeliver(struct slack_sim *sim, const char *envelope_id)
{
    struct ssim_env *e = env_find(sim, envelope_id);

    sim->err[0] = '\0';
    if (!e) {
        slack_sim_err(sim, "redeliver: unknown envelope %s", envelope_id);
        return -1;
    }
    /* A fresh attempt that must be acked again, whatever came before. */
    e->d->acked = false;
    e->d->finished = false;
    attempt(sim, e->d, "timeout");
    slack_sim_socket_schedule(sim);
    return 0;
}

/* ---- sockets ---- */

static void
flush_queued(struct slack_sim *sim, struct ssim_sock *s)
{
    for (size_t i = 0; i < sim->envs.n; i++) {
        struct ssim_env *e = sim->envs.v[i];

        if (e->queued && !e->d->finished)
            send_env(sim, s, e);
    }
}

static void
started_text(char *b, size_t n)
{
    struct timespec t;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &t);
    gmtime_r(&t.tv_sec, &tm);
    snprintf(b, n, "%04d-%02d-%02d %02d:%02d:%02d.%03d",
             (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
             tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
             tm.tm_sec % 100, (int)(t.tv_nsec / 1000000) % 1000);
}

static void
send_hello(struct slack_sim *sim, struct ssim_sock *s, int n)
{
    cJSON *j = cJSON_CreateObject(), *o;
    char host[32], started[64];
    int lifetime_s;

    if (s->rec->debug_reconnects)
        lifetime_s = sim->debug_lifetime_ms ? sim->debug_lifetime_ms / 1000
                                            : 360;
    else if (sim->lifetime_ms)
        lifetime_s = sim->lifetime_ms / 1000;
    else
        lifetime_s = 18060;     /* the SDK fixture; "every few hours" */
    host_name(s, host, sizeof(host));
    started_text(started, sizeof(started));
    cJSON_AddStringToObject(j, "type", "hello");
    cJSON_AddNumberToObject(j, "num_connections", n);
    o = cJSON_AddObjectToObject(j, "debug_info");
    cJSON_AddStringToObject(o, "host", host);
    cJSON_AddStringToObject(o, "started", started);
    cJSON_AddNumberToObject(o, "build_number", 54);
    cJSON_AddNumberToObject(o, "approximate_connection_time", lifetime_s);
    o = cJSON_AddObjectToObject(j, "connection_info");
    cJSON_AddStringToObject(o, "app_id", sim->id.app_id);
    send_json(s, j);
}

int
slack_sim_socket_sock_upgrade(void *arg, const struct sim_request *rq,
                              const char **why)
{
    struct slack_sim *sim = arg;
    const char *ticket = sim_server_arg(rq, "ticket");
    struct slack_sim_conn *c;

    if (strcmp(rq->path, "/link/") != 0 && strcmp(rq->path, "/link") != 0)
        *why = "bad_path";
    else
        *why = ticket_take(sim, ticket ? ticket : "");
    if (!*why)
        return 0;
    c = xcalloc(1, sizeof(*c));
    c->id = ++sim->n_conn;
    c->opened_at_ms = c->closed_at_ms = slack_sim_now(sim);
    c->refused = true;
    c->refused_reason = *why;
    c->close_code = -1;
    slack_sim_vec_push(&sim->conns, c);
    log_info(SSIM_MOD, "websocket upgrade refused: %s", *why);
    slack_sim_observe(sim, SLACK_SIM_OBS_SOCKET, NULL, NULL, NULL, NULL,
                      "[socket %d refused: %s]", c->id, *why);
    /* Answer the upgrade with a 401 rather than a silent close. */
    return 401;
}

void *
slack_sim_socket_sock_open(void *arg, struct sim_conn *conn,
                           const struct sim_request *rq)
{
    struct slack_sim *sim = arg;
    const char *dbg = sim_server_arg(rq, "debug_reconnects");
    bool debug = dbg && strcmp(dbg, "true") == 0;
    struct ssim_sock *s = xcalloc(1, sizeof(*s)), **tail;
    struct slack_sim_conn *rec = xcalloc(1, sizeof(*rec));
    int64_t now = slack_sim_now(sim);
    size_t n;

    s->sim = sim;
    s->conn = conn;
    s->rec = rec;
    rec->id = ++sim->n_conn;
    rec->opened_at_ms = now;
    rec->open = true;
    rec->debug_reconnects = debug;
    rec->close_code = -1;
    slack_sim_vec_push(&sim->conns, rec);
    for (tail = &sim->socks; *tail; tail = &(*tail)->next)
        ;
    *tail = s;

    n = slack_sim_open_count(sim);
    if ((int)n > sim->max_sockets) {
        /* Section 1.7: at most 10 per app; the extra one is told why. */
        rec->refused = true;
        rec->refused_reason = "too_many_websockets";
        send_disconnect(sim, s, "too_many_websockets");
        request_close(s, 1000, "too_many_websockets");
        return s;
    }
    rec->num_connections = (int)n;
    send_hello(sim, s, (int)n);
    s->deliverable = true;
    if (sim->ping_ms)
        s->next_ping_at = now + sim->ping_ms;
    if (debug && sim->debug_lifetime_ms)
        s->lifetime_at = now + sim->debug_lifetime_ms;
    else if (!debug && sim->lifetime_ms)
        s->lifetime_at = now + sim->lifetime_ms;
    slack_sim_observe(sim, SLACK_SIM_OBS_SOCKET, NULL, NULL, NULL, NULL,
                      "[socket %d connected, %zu open%s]", rec->id, n,
                      debug ? ", debug_reconnects" : "");
    flush_queued(sim, s);
    slack_sim_socket_schedule(sim);
    return s;
}

static void
ack_reply(struct slack_sim *sim, struct ssim_delivery *d,
          const cJSON *payload)
{
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(payload, "text");
    const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(payload,
                                                            "blocks");
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(payload,
                                                        "response_action");

    if (cJSON_IsString(ra)) {
        /* view_submission: errors / update / push / clear. */
        slack_sim_observe(sim, SLACK_SIM_OBS_MODAL, NULL, sim->id.bot_name,
                          NULL, NULL, "modal response_action %s",
                          ra->valuestring);
        return;
    }
    if (!cJSON_IsString(text) && !cJSON_IsArray(blocks))
        return;
    /* A response's text has chat.postMessage's limit: over it, Slack
     * shows nothing. */
    if (cJSON_IsString(text) &&
        utf8_length(text->valuestring) > (size_t)sim->max_text) {
        slack_sim_observe(sim, SLACK_SIM_OBS_API_ERROR, NULL, NULL, NULL,
                          NULL, "ack: msg_too_long");
        return;
    }
    /* The HTTP slash-command default: only the invoker sees it. */
    slack_sim_respond(sim, d->channel, d->user, payload, "ack");
}

void
slack_sim_socket_sock_text(void *arg, const char *msg, size_t len,
                           unsigned flags)
{
    struct ssim_sock *s = arg;
    struct slack_sim *sim = s->sim;
    struct slack_sim_ack *a;
    struct ssim_env *e;
    const cJSON *id, *payload;
    cJSON *j;
    int64_t now = slack_sim_now(sim);

    s->rec->frames_in++;
    if (flags) {
        s->rec->bad_frames++;
        log_info(SSIM_MOD, "socket %d: binary or oversized frame ignored",
                 s->rec->id);
        return;
    }
    j = cJSON_ParseWithLength(msg, len);
    id = cJSON_GetObjectItemCaseSensitive(j, "envelope_id");
    if (!cJSON_IsObject(j) || !cJSON_IsString(id)) {
        s->rec->bad_frames++;
        log_info(SSIM_MOD, "socket %d: frame is not an ack (%zu bytes)",
                 s->rec->id, len);
        cJSON_Delete(j);
        return;
    }
    payload = cJSON_GetObjectItemCaseSensitive(j, "payload");
    a = xcalloc(1, sizeof(*a));
    a->seq = ++sim->seq;
    a->at_ms = now;
    a->envelope_id = xstrdup(id->valuestring);
    a->conn_id = s->rec->id;
    if (payload && !cJSON_IsNull(payload))
        a->payload = cJSON_Duplicate(payload, 1);
    e = env_find(sim, id->valuestring);
    if (!e) {
        log_info(SSIM_MOD, "socket %d: ack for unknown envelope %s",
                 s->rec->id, id->valuestring);
    } else {
        a->type = e->pub.type;
        a->duplicate = e->pub.acked;
        a->late = e->pub.sent_at_ms == 0 ||
                  now > e->pub.sent_at_ms + sim->ack_ms;
        e->pub.acked = true;
        if (!e->d->acked && !a->duplicate) {
            e->d->acked = true;
            e->d->finished = true;
            if (a->payload && !e->pub.timed_out)
                ack_reply(sim, e->d, a->payload);
        }
    }
    slack_sim_vec_push(&sim->acks, a);
    cJSON_Delete(j);
    slack_sim_socket_schedule(sim);
}

void
slack_sim_socket_sock_pong(void *arg)
{
    struct ssim_sock *s = arg;

    s->rec->pongs_received++;
}

void
slack_sim_socket_sock_close_sent(void *arg, int code)
{
    struct ssim_sock *s = arg;

    s->close_sent = true;
    s->rec->close_code = code;
}

void
slack_sim_socket_sock_peer_close(void *arg, int code)
{
    struct ssim_sock *s = arg;

    s->rec->peer_closed = true;
    s->rec->close_code = code;
    s->deliverable = false;
}

static void
sock_unlink(struct slack_sim *sim, struct ssim_sock *s)
{
    for (struct ssim_sock **pp = &sim->socks; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            return;
        }
}

void
slack_sim_socket_sock_gone(void *arg, bool timed_out)
{
    struct ssim_sock *s = arg;
    struct slack_sim *sim = s->sim;
    struct slack_sim_conn *rec = s->rec;

    (void)timed_out;
    rec->open = false;
    rec->closed_at_ms = slack_sim_now(sim);
    s->conn = NULL;
    slack_sim_observe(sim, SLACK_SIM_OBS_SOCKET, NULL, NULL, NULL, NULL,
                      "[socket %d closed, code %d%s]", rec->id, rec->close_code,
                      rec->peer_closed ? " from the client" : "");
    sock_unlink(sim, s);
    free(s);
    slack_sim_socket_schedule(sim);
}

void
slack_sim_socket_sockets_free(struct slack_sim *sim)
{
    while (sim->socks) {
        struct ssim_sock *s = sim->socks;

        sim->socks = s->next;
        if (s->rec->open) {
            s->rec->open = false;
            s->rec->closed_at_ms = slack_sim_now(sim);
        }
        free(s);
    }
    loop_timer_free(sim->timer);
    sim->timer = NULL;
}

/* ---- the timer ---- */

static void
due_min(int64_t *min, int64_t t)
{
    if (t && (!*min || t < *min))
        *min = t;
}

void
slack_sim_socket_schedule(struct slack_sim *sim)
{
    int64_t due = 0;

    if (sim->in_tick)
        return;         /* tick() reschedules when it is done */
    for (struct ssim_sock *s = sim->socks; s; s = s->next) {
        if (!s->conn)
            continue;
        due_min(&due, s->next_ping_at);
        due_min(&due, s->refresh_at);
        due_min(&due, s->close_at);
        due_min(&due, s->lifetime_at);
    }
    for (size_t i = 0; i < sim->deliveries.n; i++) {
        struct ssim_delivery *d = sim->deliveries.v[i];

        if (!d->finished)
            due_min(&due, d->deadline);
    }
    if (!sim->timer)
        sim->timer = loop_timer_new(sim->loop, tick, sim);
    if (due)
        loop_timer_arm(sim->timer, due - slack_sim_now(sim));
    else
        loop_timer_stop(sim->timer);
}

static void
tick_socket(struct slack_sim *sim, struct ssim_sock *s, int64_t now)
{
    if (s->next_ping_at && now >= s->next_ping_at) {
        char payload[48];
        int n = snprintf(payload, sizeof(payload), "Ping from %s-%d",
                         "applink-sim", s->rec->id);

        s->next_ping_at = now + sim->ping_ms;
        if (!s->no_pings && !s->zombie && !s->close_sent) {
            sim_server_ping(s->conn, payload, (size_t)n);
            s->rec->pings_sent++;
        }
    }
    if (s->lifetime_at && now >= s->lifetime_at) {
        s->lifetime_at = 0;
        start_refresh(sim, s);
    }
    if (s->refresh_at && now >= s->refresh_at)
        send_refresh(sim, s);
    if (s->close_at && now >= s->close_at) {
        s->close_at = 0;
        request_close(s, 1000, "refresh_requested");
    }
}

static void
tick_delivery(struct slack_sim *sim, struct ssim_delivery *d)
{
    struct slack_sim_envelope *last = d->last;

    d->deadline = 0;
    if (d->retries) {
        if (d->attempts <= sim->max_retries) {
            attempt(sim, d, "timeout");
            return;
        }
        d->finished = true;
        slack_sim_observe(sim, SLACK_SIM_OBS_TIMEOUT,
                          slack_sim_chan(sim, d->channel), NULL, NULL, NULL,
                          "(%s: never acked after %d "
                          "attempts; Slack gives up)",
                          d->label, d->attempts);
        return;
    }
    d->finished = true;
    last->timed_out = true;
    slack_sim_observe(sim, SLACK_SIM_OBS_TIMEOUT,
                      slack_sim_chan(sim, d->channel), NULL, NULL, NULL,
                      "(%s: not acked in %d ms; @%s sees "
                      "\"operation_timeout\")",
                      d->label, sim->ack_ms,
                      slack_sim_user_label(sim, d->user));
}

static void
tick(void *arg)
{
    struct slack_sim *sim = arg;
    int64_t now = slack_sim_now(sim);

    sim->in_tick = true;
    for (struct ssim_sock *s = sim->socks; s; s = s->next)
        if (s->conn)
            tick_socket(sim, s, now);
    /* attempt() may append deliveries' envelopes, never deliveries, so
     * the count is stable while we walk. */
    for (size_t i = 0; i < sim->deliveries.n; i++) {
        struct ssim_delivery *d = sim->deliveries.v[i];

        if (!d->finished && d->deadline && now >= d->deadline)
            tick_delivery(sim, d);
    }
    sim->in_tick = false;
    slack_sim_socket_schedule(sim);
}

/* ---- faults ---- */

static void
fault_warning(struct slack_sim *sim, struct ssim_sock *s,
              const struct slack_sim_fault_args *a)
{
    (void)a;
    start_refresh(sim, s);
}

static void
fault_refresh(struct slack_sim *sim, struct ssim_sock *s,
              const struct slack_sim_fault_args *a)
{
    (void)a;
    send_refresh(sim, s);
}

static void
fault_link_disabled(struct slack_sim *sim, struct ssim_sock *s,
                    const struct slack_sim_fault_args *a)
{
    (void)a;
    send_disconnect(sim, s, "link_disabled");
    request_close(s, 1000, "link_disabled");
}

static void
fault_too_many(struct slack_sim *sim, struct ssim_sock *s,
               const struct slack_sim_fault_args *a)
{
    (void)a;
    send_disconnect(sim, s, "too_many_websockets");
    request_close(s, 1000, "too_many_websockets");
}

static void
fault_close(struct slack_sim *sim, struct ssim_sock *s,
            const struct slack_sim_fault_args *a)
{
    (void)sim;
    request_close(s, a->code ? a->code : 1011, "");
}

static void
fault_drop(struct slack_sim *sim, struct ssim_sock *s,
           const struct slack_sim_fault_args *a)
{
    (void)sim;
    (void)a;
    s->deliverable = false;
    sim_server_drop(s->conn);
}

static void
fault_zombie(struct slack_sim *sim, struct ssim_sock *s,
             const struct slack_sim_fault_args *a)
{
    (void)sim;
    (void)a;
    s->zombie = true;
    sim_server_freeze(s->conn);
}

static void
fault_stop_pings(struct slack_sim *sim, struct ssim_sock *s,
                 const struct slack_sim_fault_args *a)
{
    (void)sim;
    (void)a;
    s->no_pings = true;
}

static void
fault_malformed(struct slack_sim *sim, struct ssim_sock *s,
                const struct slack_sim_fault_args *a)
{
    static const char bad[] = "{\"type\":\"events_api\",\"envelope_id\":"
                              "\"7c1e\",\"payload\":{\"event\":";

    (void)sim;
    (void)a;
    sim_server_send(s->conn, bad, sizeof(bad) - 1);
}

static void
fault_unknown_type(struct slack_sim *sim, struct ssim_sock *s,
                   const struct slack_sim_fault_args *a)
{
    cJSON *j = cJSON_CreateObject();
    char id[40];

    (void)a;
    slack_sim_uuid(sim, id);
    cJSON_AddStringToObject(j, "envelope_id", id);
    cJSON_AddStringToObject(j, "type", "quantum_entanglement");
    cJSON_AddObjectToObject(j, "payload");
    cJSON_AddBoolToObject(j, "accepts_response_payload", 0);
    send_json(s, j);
}

static void
fault_missing_fields(struct slack_sim *sim, struct ssim_sock *s,
                     const struct slack_sim_fault_args *a)
{
    cJSON *j = cJSON_CreateObject(), *p;

    (void)a;
    cJSON_AddStringToObject(j, "type", "events_api");
    cJSON_AddBoolToObject(j, "accepts_response_payload", 0);
    p = cJSON_AddObjectToObject(j, "payload");
    cJSON_AddStringToObject(p, "type", "event_callback");
    cJSON_AddStringToObject(p, "team_id", sim->id.team_id);
    send_json(s, j);
}

static void
fault_oversized(struct slack_sim *sim, struct ssim_sock *s,
                const struct slack_sim_fault_args *a)
{
    size_t want = a->bytes ? a->bytes : (size_t)2 << 20;
    struct buf b;
    char id[40];

    slack_sim_uuid(sim, id);
    buf_init(&b, want + 512);
    buf_printf(&b, "{\"envelope_id\":\"%s\",\"type\":\"events_api\","
               "\"accepts_response_payload\":false,\"retry_attempt\":0,"
               "\"retry_reason\":\"\",\"payload\":{\"type\":"
               "\"event_callback\",\"event\":{\"type\":\"message\","
               "\"text\":\"", id);
    while (b.len + 4 < want && !b.overflow)
        buf_addc(&b, 'x');
    buf_adds(&b, "\"}}}");
    sim_server_send(s->conn, b.data, b.len);
    buf_free(&b);
}

typedef void fault_fn(struct slack_sim *, struct ssim_sock *,
                      const struct slack_sim_fault_args *);

static const struct {
    const char *name;
    fault_fn   *fn;
} faults[SLACK_SIM_FAULT_COUNT_] = {
    [SLACK_SIM_FAULT_WARNING] = { .name = "warning", .fn = fault_warning },
    [SLACK_SIM_FAULT_REFRESH] = { .name = "refresh_requested",
                                  .fn = fault_refresh },
    [SLACK_SIM_FAULT_LINK_DISABLED] = { .name = "link_disabled",
                                        .fn = fault_link_disabled },
    [SLACK_SIM_FAULT_TOO_MANY] = { .name = "too_many_websockets",
                                   .fn = fault_too_many },
    [SLACK_SIM_FAULT_CLOSE] = { .name = "close", .fn = fault_close },
    [SLACK_SIM_FAULT_DROP] = { .name = "drop", .fn = fault_drop },
    [SLACK_SIM_FAULT_ZOMBIE] = { .name = "zombie", .fn = fault_zombie },
    [SLACK_SIM_FAULT_STOP_PINGS] = { .name = "stop_pings",
                                     .fn = fault_stop_pings },
    [SLACK_SIM_FAULT_MALFORMED] = { .name = "malformed",
                                    .fn = fault_malformed },
    [SLACK_SIM_FAULT_UNKNOWN_TYPE] = { .name = "unknown_type",
                                       .fn = fault_unknown_type },
    [SLACK_SIM_FAULT_MISSING_FIELDS] = { .name = "missing_fields",
                                         .fn = fault_missing_fields },
    [SLACK_SIM_FAULT_OVERSIZED] = { .name = "oversized",
                                    .fn = fault_oversized },
};

const char *
slack_sim_socket_fault_name(enum slack_sim_fault f)
{
    if ((int)f < 0 || f >= SLACK_SIM_FAULT_COUNT_)
        return "?";
    return faults[f].name;
}

int
slack_sim_socket_fault_from_name(const char *name)
{
    for (int i = 0; i < SLACK_SIM_FAULT_COUNT_; i++)
        if (strcmp(faults[i].name, name) == 0)
            return i;
    return -1;
}

static bool
targets(const struct ssim_sock *s, int conn_id)
{
    if (!s->conn || s->close_sent)
        return false;
    return conn_id == 0 ? !s->rec->refused : s->rec->id == conn_id;
}

int
slack_sim_socket_inject(struct slack_sim *sim, int conn_id,
                        enum slack_sim_fault f,
                        const struct slack_sim_fault_args *args)
{
    struct slack_sim_fault_args none = { 0 };
    int hit = 0;

    sim->err[0] = '\0';
    if ((int)f < 0 || f >= SLACK_SIM_FAULT_COUNT_) {
        slack_sim_err(sim, "unknown fault %d", (int)f);
        return -1;
    }
    for (struct ssim_sock *s = sim->socks; s; s = s->next)
        if (targets(s, conn_id)) {
            log_info(SSIM_MOD, "socket %d: fault %s", s->rec->id,
                     faults[f].name);
            faults[f].fn(sim, s, args ? args : &none);
            hit++;
        }
    slack_sim_socket_schedule(sim);
    if (!hit) {
        slack_sim_err(sim, "fault %s: no open socket %d", faults[f].name,
                      conn_id);
        return -1;
    }
    return 0;
}

int
slack_sim_socket_send_raw(struct slack_sim *sim, int conn_id, const char *text,
                          size_t len)
{
    int hit = 0;

    sim->err[0] = '\0';
    for (struct ssim_sock *s = sim->socks; s; s = s->next)
        if (targets(s, conn_id)) {
            sim_server_send(s->conn, text, len);
            hit++;
        }
    if (!hit) {
        slack_sim_err(sim, "send: no open socket %d", conn_id);
        return -1;
    }
    return 0;
}
