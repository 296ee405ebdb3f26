/*
 * discord_sim_gateway: Gateway v10 on the sim's websocket connections.
 *
 * A connection (struct dsim_conn) gets Hello, then Identify creates a
 * session (READY + GUILD_CREATE) or Resume re-attaches one (replay +
 * RESUMED).  Sessions outlive connections: a dispatch for a session whose
 * connection is gone still takes a sequence number and goes into the
 * replay buffer, so a later Resume replays what was missed.  What the sim
 * does with each received opcode, each close code and each intent is in
 * the tables below.
 */
#include "discord_sim_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "log.h"
#include "xmalloc.h"

static void gw_timer(void *arg);

/* Intent bits that exist in v10; any other bit is close code 4013. */
#define KNOWN_INTENTS                                                   \
    (((1L << 17) - 1) | 1L << 20 | 1L << 21 | 1L << 24 | 1L << 25)

/* ---- close codes ---- */

/* resumable: whether the sim keeps the session after it closed with this
 * code.  It follows the docs' "reconnect" column, except that 4007 and
 * 4009 say "start a new session", and a server close with 1000/1001 ends
 * the session as a client's would. */
static const struct discord_sim_gateway_close_code close_codes[] = {
    { .code = 1000, .name = "Normal closure", .reconnect = true,
      .resumable = false },
    { .code = 1001, .name = "Going away", .reconnect = true,
      .resumable = false },
    { .code = 4000, .name = "Unknown error", .reconnect = true,
      .resumable = true },
    { .code = 4001, .name = "Unknown opcode", .reconnect = true,
      .resumable = true },
    { .code = 4002, .name = "Decode error", .reconnect = true,
      .resumable = true },
    { .code = 4003, .name = "Not authenticated", .reconnect = true,
      .resumable = true },
    { .code = 4004, .name = "Authentication failed", .reconnect = false,
      .resumable = false },
    { .code = 4005, .name = "Already authenticated", .reconnect = true,
      .resumable = true },
    { .code = 4007, .name = "Invalid seq", .reconnect = true,
      .resumable = false },
    { .code = 4008, .name = "Rate limited", .reconnect = true,
      .resumable = true },
    { .code = 4009, .name = "Session timed out", .reconnect = true,
      .resumable = false },
    { .code = 4010, .name = "Invalid shard", .reconnect = false,
      .resumable = false },
    { .code = 4011, .name = "Sharding required", .reconnect = false,
      .resumable = false },
    { .code = 4012, .name = "Invalid API version", .reconnect = false,
      .resumable = false },
    { .code = 4013, .name = "Invalid intent(s)", .reconnect = false,
      .resumable = false },
    { .code = 4014, .name = "Disallowed intent(s)", .reconnect = false,
      .resumable = false },
};

const struct discord_sim_gateway_close_code *
discord_sim_gateway_close_code(int code)
{
    for (size_t i = 0; i < sizeof(close_codes) / sizeof(*close_codes); i++)
        if (close_codes[i].code == code)
            return &close_codes[i];
    return NULL;
}

/* ---- intents per dispatch ---- */

struct intent_rule {
    const char *t;
    long        guild;      /* needed in a guild */
    long        dm;         /* needed in a DM (0: none) */
};

static const struct intent_rule intent_rules[] = {
    { .t = "GUILD_CREATE", .guild = DISCORD_SIM_INTENT_GUILDS },
    { .t = "GUILD_UPDATE", .guild = DISCORD_SIM_INTENT_GUILDS },
    { .t = "GUILD_DELETE", .guild = DISCORD_SIM_INTENT_GUILDS },
    { .t = "CHANNEL_CREATE", .guild = DISCORD_SIM_INTENT_GUILDS },
    { .t = "CHANNEL_UPDATE", .guild = DISCORD_SIM_INTENT_GUILDS },
    { .t = "CHANNEL_DELETE", .guild = DISCORD_SIM_INTENT_GUILDS },
    { .t = "CHANNEL_PINS_UPDATE", .guild = DISCORD_SIM_INTENT_GUILDS,
      .dm = DISCORD_SIM_INTENT_DIRECT_MESSAGES },
    { .t = "MESSAGE_CREATE", .guild = DISCORD_SIM_INTENT_GUILD_MESSAGES,
      .dm = DISCORD_SIM_INTENT_DIRECT_MESSAGES },
    { .t = "MESSAGE_UPDATE", .guild = DISCORD_SIM_INTENT_GUILD_MESSAGES,
      .dm = DISCORD_SIM_INTENT_DIRECT_MESSAGES },
    { .t = "MESSAGE_DELETE", .guild = DISCORD_SIM_INTENT_GUILD_MESSAGES,
      .dm = DISCORD_SIM_INTENT_DIRECT_MESSAGES },
    { .t = "GUILD_MEMBER_ADD", .guild = DISCORD_SIM_INTENT_GUILD_MEMBERS },
};

/* Privileged intents and the portal switch each needs. */
static bool
privileged_ok(const struct discord_sim *sim, long intents)
{
    if ((intents & DISCORD_SIM_INTENT_MESSAGE_CONTENT) &&
        !sim->o.message_content_enabled)
        return false;
    if ((intents & DISCORD_SIM_INTENT_GUILD_MEMBERS) &&
        !sim->o.guild_members_enabled)
        return false;
    if ((intents & DISCORD_SIM_INTENT_GUILD_PRESENCES) &&
        !sim->o.presences_enabled)
        return false;
    return true;
}

/* ---- sending ---- */

/* Queue text on a connection (the server fragments it on write). */
static void
conn_send(struct dsim_conn *c, const char *text, size_t len)
{
    if (!c->link || c->state != DSIM_CONN_OPEN)
        return;
    sim_server_send(c->link, text, len);
    discord_sim_log_gw(c->sim, c->id, false, text, len);
}

/* Close with a close frame after the queue drains; reason NULL: "". */
static void
conn_close(struct dsim_conn *c, int code, const char *reason)
{
    if (!c->link || c->state != DSIM_CONN_OPEN)
        return;
    c->state = DSIM_CONN_CLOSING;
    c->close_sent = code;
    sim_server_close(c->link, code, reason);
}

/* Drop the TCP connection, no close frame. */
static void
conn_drop(struct dsim_conn *c)
{
    if (!c->link || c->state == DSIM_CONN_CLOSED)
        return;
    c->state = DSIM_CONN_CLOSING;
    c->dropped = true;
    sim_server_drop(c->link);
}

static void
send_json(struct dsim_conn *c, cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);

    if (text) {
        conn_send(c, text, strlen(text));
        free(text);
    }
    cJSON_Delete(o);
}

static void
send_op(struct dsim_conn *c, int op, cJSON *d)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "op", op);
    cJSON_AddItemToObject(o, "d", d ? d : cJSON_CreateNull());
    cJSON_AddNullToObject(o, "s");
    cJSON_AddNullToObject(o, "t");
    send_json(c, o);
}

static void
observe_gw(struct discord_sim *sim, const char *what, const char *detail)
{
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_GATEWAY,
        .by_bot = true,
        .channel_name = "[gateway]",
        .user_id = sim->app_id,
        .user_name = sim->bot_name,
        .content = what,
        .detail = detail,
    };

    discord_sim_observe(sim, &ev);
}

static void
close_with(struct dsim_conn *c, int code, const char *reason)
{
    const struct discord_sim_gateway_close_code *cc =
        discord_sim_gateway_close_code(code);
    char detail[160];

    if (!reason)
        reason = cc ? cc->name : "";
    snprintf(detail, sizeof(detail), "closing with %d %s", code, reason);
    log_debug("discord-sim", "conn %d: %s", c->id, detail);
    conn_close(c, code, reason);
}

/* ---- sessions ---- */

static void
session_invalidate(struct dsim_session *s)
{
    s->state = DSIM_SESSION_INVALID;
    if (s->conn)
        s->conn->session = NULL;
    s->conn = NULL;
}

static struct dsim_session *
session_find(struct discord_sim *sim, const char *id)
{
    for (size_t i = 0; id && i < sim->sessions.n; i++) {
        struct dsim_session *s = sim->sessions.v[i];

        if (strcmp(s->id, id) == 0)
            return s;
    }
    return NULL;
}

static bool
session_alive(struct discord_sim *sim, struct dsim_session *s)
{
    if (s->state == DSIM_SESSION_DETACHED &&
        discord_sim_now(sim) > s->resumable_until)
        s->state = DSIM_SESSION_INVALID;
    return s->state != DSIM_SESSION_INVALID;
}

static void
replay_push(struct discord_sim *sim, struct dsim_session *s, long seq,
            char *json)
{
    size_t cap = (size_t)sim->o.replay_max, slot;

    if (!s->replay) {
        s->replay = xcalloc(cap, sizeof(*s->replay));
        s->replay_cap = cap;
    }
    if (s->nreplay == s->replay_cap) {
        free(s->replay[s->replay_head].json);   /* the oldest goes */
        s->replay[s->replay_head] = (struct dsim_replay){ seq, json };
        s->replay_head = (s->replay_head + 1) % s->replay_cap;
        return;
    }
    slot = (s->replay_head + s->nreplay) % s->replay_cap;
    s->replay[slot] = (struct dsim_replay){ seq, json };
    s->nreplay++;
}

static const struct dsim_replay *
replay_at(const struct dsim_session *s, size_t i)
{
    return &s->replay[(s->replay_head + i) % s->replay_cap];
}

static void
session_dispatch(struct discord_sim *sim, struct dsim_session *s,
                 const char *t, const cJSON *d, bool keep)
{
    cJSON *o = cJSON_CreateObject();
    char *text;

    s->seq++;
    cJSON_AddNumberToObject(o, "op", 0);
    cJSON_AddItemToObject(o, "d", d ? cJSON_Duplicate(d, true)
                                    : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "s", (double)s->seq);
    cJSON_AddStringToObject(o, "t", t);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return;
    if (s->state == DSIM_SESSION_ACTIVE && s->conn &&
        s->conn->state == DSIM_CONN_OPEN) {
        conn_send(s->conn, text, strlen(text));
        sim->st.dispatches++;
    }
    if (keep)
        replay_push(sim, s, s->seq, text);
    else
        free(text);
}

static const struct intent_rule *
intent_rule(const char *t)
{
    for (size_t i = 0; i < sizeof(intent_rules) / sizeof(*intent_rules);
         i++)
        if (strcmp(intent_rules[i].t, t) == 0)
            return &intent_rules[i];
    return NULL;
}

static bool
shard_gets(const struct discord_sim *sim, const struct dsim_session *s,
           const char *guild_id)
{
    uint64_t gid;

    if (s->shard_count <= 1)
        return true;
    if (!guild_id)
        return s->shard_id == 0;        /* DMs go to shard 0 only */
    (void)sim;
    gid = strtoull(guild_id, NULL, 10);
    return (int)((gid >> 22) % (uint64_t)s->shard_count) == s->shard_id;
}

/* Without MESSAGE_CONTENT these arrive empty. */
static cJSON *
strip_content(const cJSON *d)
{
    cJSON *c = cJSON_Duplicate(d, true);

    cJSON_ReplaceItemInObjectCaseSensitive(c, "content",
                                           cJSON_CreateString(""));
    cJSON_ReplaceItemInObjectCaseSensitive(c, "embeds", cJSON_CreateArray());
    cJSON_ReplaceItemInObjectCaseSensitive(c, "attachments",
                                           cJSON_CreateArray());
    cJSON_ReplaceItemInObjectCaseSensitive(c, "components",
                                           cJSON_CreateArray());
    cJSON_DeleteItemFromObjectCaseSensitive(c, "poll");
    return c;
}

static int
dispatch_all(struct discord_sim *sim, const char *t, const cJSON *d,
             const struct dsim_target *to)
{
    const struct intent_rule *rule = intent_rule(t);
    long need = rule ? (to->guild_id ? rule->guild : rule->dm) : 0;
    bool hidden = false;
    int reached = 0;

    /* The bot gets nothing from a guild channel it cannot see. */
    if (to->guild_id && to->channel_id) {
        struct discord_sim_channel_rec *ch =
            discord_sim_channel_rec(sim, to->channel_id);

        hidden = ch && !(discord_sim_bot_perms(sim, ch) &
                         DISCORD_SIM_PERM_VIEW_CHANNEL);
    }
    if (hidden)
        return 0;
    for (size_t i = 0; i < sim->sessions.n; i++) {
        struct dsim_session *s = sim->sessions.v[i];

        if (!session_alive(sim, s))
            continue;
        if (need && !(s->intents & need))
            continue;
        if (!shard_gets(sim, s, to->guild_id))
            continue;
        if (to->content_rule && to->guild_id && !to->content_exempt &&
            !(s->intents & DISCORD_SIM_INTENT_MESSAGE_CONTENT)) {
            cJSON *stripped = strip_content(d);

            session_dispatch(sim, s, t, stripped, true);
            cJSON_Delete(stripped);
        } else
            session_dispatch(sim, s, t, d, true);
        reached++;
    }
    return reached;
}

void
discord_sim_gateway_dispatch_to(struct discord_sim *sim, const char *t,
                                const cJSON *d, const struct dsim_target *to)
{
    (void)dispatch_all(sim, t, d, to);
}

/* ---- READY and GUILD_CREATE ---- */

static cJSON *
ready_json(struct discord_sim *sim, const struct dsim_session *s)
{
    cJSON *d = cJSON_CreateObject(), *guilds, *g, *app, *trace;
    long flags = 0;

    cJSON_AddNumberToObject(d, "v", 10);
    cJSON_AddItemToObject(d, "user", discord_sim_bot_user_json(sim));
    guilds = cJSON_AddArrayToObject(d, "guilds");
    if (shard_gets(sim, s, sim->guild_id)) {
        g = cJSON_CreateObject();
        cJSON_AddStringToObject(g, "id", sim->guild_id);
        cJSON_AddTrueToObject(g, "unavailable");
        cJSON_AddItemToArray(guilds, g);
    }
    cJSON_AddStringToObject(d, "session_id", s->id);
    cJSON_AddStringToObject(d, "session_type", "normal");
    cJSON_AddStringToObject(d, "resume_gateway_url", sim->resume_url);
    if (s->shard_count > 0) {
        cJSON *sh = cJSON_AddArrayToObject(d, "shard");

        cJSON_AddItemToArray(sh, cJSON_CreateNumber(s->shard_id));
        cJSON_AddItemToArray(sh, cJSON_CreateNumber(s->shard_count));
    }
    /* GATEWAY_* application flags for the enabled privileged intents. */
    if (sim->o.presences_enabled)
        flags |= 1L << 12;
    if (sim->o.guild_members_enabled)
        flags |= 1L << 14;
    if (sim->o.message_content_enabled)
        flags |= 1L << 18;
    app = cJSON_AddObjectToObject(d, "application");
    cJSON_AddStringToObject(app, "id", sim->app_id);
    cJSON_AddNumberToObject(app, "flags", (double)flags);
    cJSON_AddArrayToObject(d, "private_channels");
    cJSON_AddArrayToObject(d, "presences");
    cJSON_AddArrayToObject(d, "relationships");
    cJSON_AddArrayToObject(d, "guild_join_requests");
    cJSON_AddObjectToObject(d, "user_settings");
    cJSON_AddObjectToObject(d, "auth");
    trace = cJSON_AddArrayToObject(d, "_trace");
    cJSON_AddItemToArray(trace, cJSON_CreateString("[\"discord-sim\"]"));
    return d;
}

/* ---- received opcodes ---- */

static void
op_heartbeat(struct dsim_conn *c, const cJSON *d)
{
    struct discord_sim *sim = c->sim;

    /* d is the last seq, null before any dispatch; concord sends 0. */
    if (d && !cJSON_IsNull(d) && !cJSON_IsNumber(d)) {
        close_with(c, 4002, "Decode error: heartbeat d");
        return;
    }
    c->heartbeats++;
    sim->st.heartbeats++;
    c->last_beat_ms = discord_sim_now(sim);
    if (c->zombie)
        return;
    c->acks++;
    sim->st.acks++;
    conn_send(c, "{\"op\":11}", 9);
    gw_timer(c);
}

static bool
token_ok(const struct discord_sim *sim, const cJSON *tok)
{
    const char *t;

    if (!cJSON_IsString(tok))
        return false;
    t = tok->valuestring;
    if (strncmp(t, "Bot ", 4) == 0)
        t += 4;
    return strcmp(t, sim->token) == 0;
}

static void
op_identify(struct dsim_conn *c, const cJSON *d)
{
    struct discord_sim *sim = c->sim;
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(d, "token");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(d, "properties");
    const cJSON *intents = cJSON_GetObjectItemCaseSensitive(d, "intents");
    const cJSON *shard = cJSON_GetObjectItemCaseSensitive(d, "shard");
    struct dsim_session *s;
    int64_t now = discord_sim_now(sim);
    long bits;
    int shard_id = 0, shard_count = 0;
    char detail[96];
    cJSON *ready, *guild;

    sim->st.identifies++;
    if (c->identified || c->resumed) {
        close_with(c, 4005, NULL);
        return;
    }
    if (!cJSON_IsObject(d) || !cJSON_IsObject(props)) {
        close_with(c, 4002, "Decode error: identify");
        return;
    }
    if (!token_ok(sim, tok)) {
        close_with(c, 4004, NULL);
        return;
    }
    if (!cJSON_IsNumber(intents) || intents->valuedouble < 0 ||
        intents->valuedouble != (double)(long)intents->valuedouble ||
        ((long)intents->valuedouble & ~KNOWN_INTENTS)) {
        close_with(c, 4013, NULL);
        return;
    }
    bits = (long)intents->valuedouble;
    if (!privileged_ok(sim, bits)) {
        close_with(c, 4014, NULL);
        return;
    }
    if (shard) {
        const cJSON *a = cJSON_GetArrayItem(shard, 0);
        const cJSON *b = cJSON_GetArrayItem(shard, 1);

        if (!cJSON_IsArray(shard) || cJSON_GetArraySize(shard) != 2 ||
            !cJSON_IsNumber(a) || !cJSON_IsNumber(b) || b->valueint < 1 ||
            a->valueint < 0 || a->valueint >= b->valueint) {
            close_with(c, 4010, NULL);
            return;
        }
        shard_id = a->valueint;
        shard_count = b->valueint;
    }
    /* The daily budget: Discord resets the token when it runs out, so the
     * next Identify fails authentication. */
    if (sim->session_start_remaining <= 0) {
        close_with(c, 4004, "Authentication failed: session start limit");
        return;
    }
    /* max_concurrency 1: one Identify per identify_interval_ms. */
    if (sim->o.identify_interval_ms > 0 && sim->any_identify &&
        now - sim->last_identify_ms < sim->o.identify_interval_ms) {
        sim->st.invalid_sessions++;
        send_op(c, 9, cJSON_CreateFalse());
        observe_gw(sim, "identify too soon", "op 9 false");
        return;
    }
    sim->session_start_remaining--;
    sim->any_identify = true;
    sim->last_identify_ms = now;

    s = xcalloc(1, sizeof(*s));
    discord_sim_random_hex(sim, s->id, 33);
    s->state = DSIM_SESSION_ACTIVE;
    s->conn = c;
    s->intents = bits;
    s->shard_id = shard_id;
    s->shard_count = shard_count;
    discord_sim_vec_push(&sim->sessions, s);
    c->session = s;
    c->identified = true;
    c->intents = bits;
    c->last_beat_ms = now;
    snprintf(c->session_id, sizeof(c->session_id), "%s", s->id);

    ready = ready_json(sim, s);
    session_dispatch(sim, s, "READY", ready, true);
    cJSON_Delete(ready);
    sim->st.ready++;
    /* Lazy loading: the guild follows READY. */
    if ((bits & DISCORD_SIM_INTENT_GUILDS) &&
        shard_gets(sim, s, sim->guild_id)) {
        guild = discord_sim_guild_json(sim);
        session_dispatch(sim, s, "GUILD_CREATE", guild, true);
        cJSON_Delete(guild);
    }
    snprintf(detail, sizeof(detail), "intents %ld, session %.8s", bits,
             s->id);
    observe_gw(sim, "identified", detail);
    gw_timer(c);
}

static void
invalid_session(struct dsim_conn *c, bool resumable, const char *why)
{
    c->sim->st.invalid_sessions++;
    send_op(c, 9, cJSON_CreateBool(resumable));
    observe_gw(c->sim, "resume refused", why);
}

static void
op_resume(struct dsim_conn *c, const cJSON *d)
{
    struct discord_sim *sim = c->sim;
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(d, "token");
    const cJSON *sid = cJSON_GetObjectItemCaseSensitive(d, "session_id");
    const cJSON *jseq = cJSON_GetObjectItemCaseSensitive(d, "seq");
    struct dsim_session *s;
    long seq;
    char detail[96];
    size_t replayed = 0;

    sim->st.resumes++;
    if (c->identified || c->resumed) {
        close_with(c, 4005, NULL);
        return;
    }
    if (!cJSON_IsObject(d) || !cJSON_IsString(sid) ||
        !(cJSON_IsNumber(jseq) || cJSON_IsNull(jseq))) {
        close_with(c, 4002, "Decode error: resume");
        return;
    }
    if (!token_ok(sim, tok)) {
        close_with(c, 4004, NULL);
        return;
    }
    seq = cJSON_IsNumber(jseq) ? (long)jseq->valuedouble : 0;
    s = session_find(sim, sid->valuestring);
    if (!s || !session_alive(sim, s)) {
        invalid_session(c, false, "unknown or expired session");
        return;
    }
    /* A seq the session never reached: the client is confused; Discord
     * wants a new session (4007). */
    if (seq > s->seq) {
        session_invalidate(s);
        close_with(c, 4007, NULL);
        return;
    }
    /* Events after seq fell out of the replay buffer: cannot resume. */
    if (seq < s->seq && s->nreplay && seq + 1 < replay_at(s, 0)->s) {
        session_invalidate(s);
        invalid_session(c, false, "seq too old for the replay buffer");
        return;
    }
    /* Resuming on a new socket takes the session from the old one. */
    if (s->conn && s->conn != c) {
        struct dsim_conn *old = s->conn;

        old->session = NULL;
        conn_drop(old);
    }
    s->conn = c;
    s->state = DSIM_SESSION_ACTIVE;
    c->session = s;
    c->resumed = true;
    c->intents = s->intents;
    c->last_beat_ms = discord_sim_now(sim);
    snprintf(c->session_id, sizeof(c->session_id), "%s", s->id);
    for (size_t i = 0; i < s->nreplay; i++) {
        const struct dsim_replay *r = replay_at(s, i);

        if (r->s <= seq)
            continue;
        conn_send(c, r->json, strlen(r->json));
        sim->st.dispatches++;
        replayed++;
    }
    /* RESUMED takes a seq but is not replayed itself. */
    session_dispatch(sim, s, "RESUMED", NULL, false);
    sim->st.resumed++;
    snprintf(detail, sizeof(detail), "session %.8s, %zu replayed", s->id,
             replayed);
    observe_gw(sim, "resumed", detail);
    gw_timer(c);
}

static void
op_accept(struct dsim_conn *c, const cJSON *d)
{
    /* Presence and voice updates, member requests: accepted, logged (the
     * gateway log has them), no effect on the simulated guild. */
    (void)c;
    (void)d;
}

struct op_rule {
    int         op;
    const char *name;
    bool        before_identify;    /* allowed before Identify/Resume */
    void      (*fn)(struct dsim_conn *c, const cJSON *d);
};

static const struct op_rule op_rules[] = {
    { .op = 1, .name = "Heartbeat", .before_identify = true,
      .fn = op_heartbeat },
    { .op = 2, .name = "Identify", .before_identify = true,
      .fn = op_identify },
    { .op = 3, .name = "Presence Update", .fn = op_accept },
    { .op = 4, .name = "Voice State Update", .fn = op_accept },
    { .op = 6, .name = "Resume", .before_identify = true, .fn = op_resume },
    { .op = 8, .name = "Request Guild Members", .fn = op_accept },
    { .op = 31, .name = "Request Soundboard Sounds", .fn = op_accept },
    { .op = 43, .name = "Request Channel Info", .fn = op_accept },
};

static bool
flooding(struct dsim_conn *c)
{
    struct discord_sim *sim = c->sim;
    size_t limit = (size_t)sim->o.send_limit;
    int64_t now = discord_sim_now(sim);
    bool over;

    /* A ring of the last `limit` receive times: the payload that would be
     * number limit + 1 inside the window is one too many. */
    if (!c->sends)
        c->sends = xcalloc(limit, sizeof(*c->sends));
    over = c->nsends == limit &&
           now - c->sends[c->sends_pos] < sim->o.send_window_ms;
    c->sends[c->sends_pos] = now;
    c->sends_pos = (c->sends_pos + 1) % limit;
    if (c->nsends < limit)
        c->nsends++;
    return over;
}

/* A complete message from the client; msg NULL: it was larger than the
 * receive buffer. */
void
discord_sim_gateway_receive(void *arg, const char *msg, size_t len,
                            unsigned flags)
{
    struct dsim_conn *c = arg;
    struct discord_sim *sim = c->sim;
    const struct op_rule *rule = NULL;
    const cJSON *op;
    cJSON *root;

    if (c->state != DSIM_CONN_OPEN)
        return;     /* closing: nothing more is read */
    if (flags & SIM_MSG_TOO_BIG)
        msg = NULL;
    if (msg)
        discord_sim_log_gw(sim, c->id, true, msg, len);
    else
        discord_sim_log_gw(sim, c->id, true, "<oversized>", 11);
    if (flooding(c)) {
        close_with(c, 4008, NULL);
        return;
    }
    if (!msg || len > DSIM_MAX_PAYLOAD) {
        close_with(c, 4002, "Decode error: payload over 4096 bytes");
        return;
    }
    root = cJSON_ParseWithLength(msg, len);
    op = cJSON_GetObjectItemCaseSensitive(root, "op");
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(op)) {
        cJSON_Delete(root);
        close_with(c, 4002, NULL);
        return;
    }
    for (size_t i = 0; i < sizeof(op_rules) / sizeof(*op_rules); i++)
        if (op_rules[i].op == op->valueint)
            rule = &op_rules[i];
    if (!rule)
        close_with(c, 4001, NULL);
    else if (!rule->before_identify && !c->identified && !c->resumed)
        close_with(c, 4003, NULL);
    else
        rule->fn(c, cJSON_GetObjectItemCaseSensitive(root, "d"));
    cJSON_Delete(root);
}

/* ---- connection life ---- */

/* The gateway answers on these paths, with or without '/' before '?'. */
static bool
gateway_path(const char *path, bool *resume)
{
    static const struct {
        const char *path;
        bool        resume;
    } paths[] = {
        { .path = "/", .resume = false },
        { .path = "/gateway", .resume = false },
        { .path = "/gateway/", .resume = false },
        { .path = "/gateway-resume", .resume = true },
        { .path = "/gateway-resume/", .resume = true },
    };

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
        if (strcmp(path, paths[i].path) == 0) {
            *resume = paths[i].resume;
            return true;
        }
    return false;
}

/* Other paths are refused: lws drops the upgrade. */
int
discord_sim_gateway_upgrade(void *sim, const struct sim_request *rq,
                            const char **why)
{
    bool resume;

    (void)sim;
    (void)why;
    return gateway_path(rq->path, &resume) ? 0 : -1;
}

void *
discord_sim_gateway_open(void *arg, struct sim_conn *link,
                         const struct sim_request *rq)
{
    struct discord_sim *sim = arg;
    struct dsim_conn *c = xcalloc(1, sizeof(*c));
    const char *v;
    cJSON *hello = cJSON_CreateObject(), *trace;

    c->sim = sim;
    c->link = link;
    c->id = (int)sim->conns.n + 1;
    c->state = DSIM_CONN_OPEN;
    c->path = xasprintf("%s%s%s", rq->path, rq->query[0] ? "?" : "",
                        rq->query);
    c->close_sent = c->close_received = -1;
    c->closed_ms = -1;
    c->intents = -1;
    c->timer = loop_timer_new(sim->loop, gw_timer, c);
    (void)gateway_path(rq->path, &c->resume_url);
    discord_sim_vec_push(&sim->conns, c);

    c->opened_ms = discord_sim_now(sim);
    log_debug("discord-sim", "conn %d: %s", c->id, c->path);
    cJSON_AddNumberToObject(hello, "heartbeat_interval",
                            sim->o.heartbeat_interval_ms);
    trace = cJSON_AddArrayToObject(hello, "_trace");
    cJSON_AddItemToArray(trace, cJSON_CreateString("[\"discord-sim\"]"));
    send_op(c, 10, hello);
    observe_gw(sim, c->resume_url ? "connected (resume url)" : "connected",
               NULL);
    /* Discord wants v=10 (4012) and can only talk JSON here; the sim
     * cannot compress, and silently sending plain text to a client that
     * asked for zlib would hide its bug. */
    if ((v = sim_server_arg(rq, "v")) && strcmp(v, "10") != 0)
        close_with(c, 4012, NULL);
    else if ((v = sim_server_arg(rq, "encoding")) && strcmp(v, "json") != 0)
        close_with(c, 4002, "Decode error: only encoding=json");
    else if (sim_server_arg(rq, "compress"))
        close_with(c, 4000, "discord-sim: compress is not supported");
    return c;
}

void
discord_sim_gateway_peer_close(void *arg, int code)
{
    struct dsim_conn *c = arg;

    c->close_received = code;
}

/* The socket is gone: peer_code -1 for a drop without close frame; a
 * close of ours that was never echoed counts as a drop. */
void
discord_sim_gateway_closed(void *arg, bool timed_out)
{
    struct dsim_conn *c = arg;
    struct discord_sim *sim = c->sim;
    struct dsim_session *s = c->session;
    int peer_code = c->close_received;
    char detail[96];

    c->link = NULL;
    if (timed_out)
        c->dropped = true;
    if (c->state == DSIM_CONN_CLOSED)
        return;
    c->state = DSIM_CONN_CLOSED;
    c->closed_ms = discord_sim_now(sim);
    loop_timer_stop(c->timer);
    if (s && s->conn == c) {
        const struct discord_sim_gateway_close_code *cc =
            discord_sim_gateway_close_code(c->close_sent);
        /* 1000/1001 from the app end the session; any other
         * code or a drop keeps it resumable for a while. */
        bool client_ended = peer_code == 1000 || peer_code == 1001;
        bool server_ended = !c->dropped && c->close_sent >= 0 &&
                            peer_code < 0 && cc && !cc->resumable;

        s->conn = NULL;
        if (client_ended || server_ended || s->doomed)
            s->state = DSIM_SESSION_INVALID;
        else if (s->state != DSIM_SESSION_INVALID) {
            s->state = DSIM_SESSION_DETACHED;
            s->resumable_until = c->closed_ms + sim->o.resume_window_ms;
        }
    }
    c->session = NULL;
    if (peer_code >= 0)
        snprintf(detail, sizeof(detail), "client closed with %d",
                 peer_code);
    else if (c->close_sent >= 0)
        snprintf(detail, sizeof(detail), "closed with %d", c->close_sent);
    else
        snprintf(detail, sizeof(detail), "dropped");
    observe_gw(sim, "disconnected", detail);
}

/* One timer per connection covers the drop after op 7 and the heartbeat
 * deadline; it is re-armed to the earliest.  (The close handshake's bound
 * is the server's.) */
static void
gw_timer(void *arg)
{
    struct dsim_conn *c = arg;
    struct discord_sim *sim = c->sim;
    int64_t now = discord_sim_now(sim), next = INT64_MAX;

    if (c->state == DSIM_CONN_CLOSED || !c->link)
        return;
    if (c->drop_at_ms) {
        if (now >= c->drop_at_ms) {
            c->drop_at_ms = 0;
            conn_drop(c);
            return;
        }
        if (c->drop_at_ms < next)
            next = c->drop_at_ms;
    }
    if (sim->o.heartbeat_timeout_ms > 0 && c->state == DSIM_CONN_OPEN &&
        (c->identified || c->resumed)) {
        int64_t due = c->last_beat_ms + sim->o.heartbeat_interval_ms +
                      sim->o.heartbeat_timeout_ms;

        if (now >= due) {
            /* Late heartbeat: closed, but resumable. */
            close_with(c, 4000, "heartbeat timed out");
            return;
        }
        if (due < next)
            next = due;
    }
    if (next == INT64_MAX)
        loop_timer_stop(c->timer);
    else
        loop_timer_arm(c->timer, next - now);
}

void
discord_sim_gateway_free(struct discord_sim *sim)
{
    for (size_t i = 0; i < sim->conns.n; i++) {
        struct dsim_conn *c = sim->conns.v[i];

        loop_timer_free(c->timer);
        free(c->sends);
        free(c->path);
        free(c);
    }
    discord_sim_vec_free(&sim->conns);
    for (size_t i = 0; i < sim->sessions.n; i++) {
        struct dsim_session *s = sim->sessions.v[i];

        for (size_t k = 0; k < s->nreplay; k++)
            free(replay_at(s, k)->json);
        free(s->replay);
        free(s);
    }
    discord_sim_vec_free(&sim->sessions);
}

/* ---- faults ---- */

typedef void conn_fn(struct dsim_conn *c, void *arg);

static int
each_open(struct discord_sim *sim, conn_fn *fn, void *arg)
{
    int n = 0;

    for (size_t i = 0; i < sim->conns.n; i++) {
        struct dsim_conn *c = sim->conns.v[i];

        if (c->state != DSIM_CONN_OPEN || !c->link)
            continue;
        fn(c, arg);
        n++;
    }
    return n;
}

static void
do_reconnect(struct dsim_conn *c, void *arg)
{
    (void)arg;
    send_op(c, 7, NULL);
    if (c->sim->o.reconnect_drop_ms >= 0) {
        /* "The server closes the connection a few seconds later." */
        c->drop_at_ms = discord_sim_now(c->sim) + c->sim->o.reconnect_drop_ms;
        gw_timer(c);
    }
}

int
discord_sim_gateway_reconnect(struct discord_sim *sim)
{
    return each_open(sim, do_reconnect, NULL);
}

static void
do_invalid(struct dsim_conn *c, void *arg)
{
    bool resumable = *(bool *)arg;

    c->sim->st.invalid_sessions++;
    send_op(c, 9, cJSON_CreateBool(resumable));
    if (!resumable && c->session)
        session_invalidate(c->session);
}

int
discord_sim_gateway_invalid_session(struct discord_sim *sim, bool resumable)
{
    return each_open(sim, do_invalid, &resumable);
}

struct close_arg {
    int         code;
    const char *reason;
};

static void
do_close(struct dsim_conn *c, void *arg)
{
    struct close_arg *a = arg;

    close_with(c, a->code, a->reason);
}

int
discord_sim_gateway_close(struct discord_sim *sim, int code, const char *reason)
{
    struct close_arg a = { code, reason };

    return each_open(sim, do_close, &a);
}

static void
do_drop(struct dsim_conn *c, void *arg)
{
    (void)arg;
    conn_drop(c);
}

int
discord_sim_gateway_drop(struct discord_sim *sim)
{
    return each_open(sim, do_drop, NULL);
}

static void
do_zombie(struct dsim_conn *c, void *arg)
{
    c->zombie = *(bool *)arg;
}

int
discord_sim_gateway_zombie(struct discord_sim *sim, bool on)
{
    return each_open(sim, do_zombie, &on);
}

static void
do_beat_request(struct dsim_conn *c, void *arg)
{
    (void)arg;
    send_op(c, 1, NULL);
}

int
discord_sim_gateway_request_heartbeat(struct discord_sim *sim)
{
    return each_open(sim, do_beat_request, NULL);
}

struct raw_arg {
    const char *text;
    size_t      len;
};

static void
do_raw(struct dsim_conn *c, void *arg)
{
    struct raw_arg *a = arg;

    conn_send(c, a->text, a->len);
}

int
discord_sim_gateway_send_raw(struct discord_sim *sim, const char *text,
                             size_t len)
{
    struct raw_arg a = { text, len };

    return each_open(sim, do_raw, &a);
}

static void
do_op(struct dsim_conn *c, void *arg)
{
    const char *text = arg;

    conn_send(c, text, strlen(text));
}

int
discord_sim_gateway_send_op(struct discord_sim *sim, int op, const char *d_json)
{
    cJSON *o = cJSON_CreateObject(), *d = NULL;
    char *text;
    int n;

    if (d_json && !(d = cJSON_Parse(d_json))) {
        cJSON_Delete(o);
        return -1;
    }
    cJSON_AddNumberToObject(o, "op", op);
    cJSON_AddItemToObject(o, "d", d ? d : cJSON_CreateNull());
    cJSON_AddNullToObject(o, "s");
    cJSON_AddNullToObject(o, "t");
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    n = each_open(sim, do_op, text);
    free(text);
    return n;
}

int
discord_sim_gateway_dispatch(struct discord_sim *sim, const char *t,
                             const char *d_json)
{
    struct dsim_target to = { .guild_id = sim->guild_id };
    cJSON *d = d_json ? cJSON_Parse(d_json) : cJSON_CreateNull();
    int n;

    if (!t || !d) {
        cJSON_Delete(d);
        return -1;
    }
    n = dispatch_all(sim, t, d, &to);
    cJSON_Delete(d);
    return n;
}

int
discord_sim_gateway_redeliver(struct discord_sim *sim, long seq)
{
    int n = 0;

    for (size_t i = 0; i < sim->sessions.n; i++) {
        struct dsim_session *s = sim->sessions.v[i];

        if (!session_alive(sim, s))
            continue;
        for (size_t k = 0; k < s->nreplay; k++) {
            const struct dsim_replay *r = replay_at(s, k);
            cJSON *o;
            const cJSON *t;

            if (r->s != seq)
                continue;
            o = cJSON_Parse(r->json);
            t = cJSON_GetObjectItemCaseSensitive(o, "t");
            if (cJSON_IsString(t)) {
                session_dispatch(sim, s, t->valuestring,
                    cJSON_GetObjectItemCaseSensitive(o, "d"), true);
                n++;
            }
            cJSON_Delete(o);
            break;
        }
    }
    return n;
}

void
discord_sim_gateway_invalidate_sessions(struct discord_sim *sim)
{
    /* Live connections keep their session until they close; only the
     * resume afterwards fails. */
    for (size_t i = 0; i < sim->sessions.n; i++) {
        struct dsim_session *s = sim->sessions.v[i];

        if (s->state == DSIM_SESSION_ACTIVE)
            s->doomed = true;
        else
            session_invalidate(s);
    }
}
