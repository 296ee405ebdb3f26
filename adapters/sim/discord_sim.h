/*
 * discord_sim: a local Discord (Gateway v10 websocket + REST API v10) for
 * end-to-end tests and `chorus demo`, built from Discord's documented
 * behaviour: what a bot sees, faults included.
 *
 * It runs inside any process, on a given loop and ws context: it adds one
 * listening vhost (ws_ctx_listen) on 127.0.0.1 that serves
 *   http://127.0.0.1:PORT/api/v10/...     REST (also /api/... without v10)
 *   ws://127.0.0.1:PORT/gateway?v=10...   the gateway (also "/" and
 *                                         "/gateway/?..."); resumes go to
 *   ws://127.0.0.1:PORT/gateway-resume    the READY resume_gateway_url
 *   http://127.0.0.1:PORT/_sim/...        the control API (opt-in, see
 *                                         discord_sim_control.c)
 * so a test can run it next to an in-process client, next to the real
 * daemon started as a child process, or inside the daemon (demo).
 *
 * What it models: one application/bot user, one guild with categories,
 * text channels and DM channels, users, messages with edit history, pins,
 * permission overwrites (and the bot's own effective permissions),
 * registered commands, interactions with their 3 s / 15 min windows,
 * rate-limit buckets per route and major parameter plus the global limit,
 * sessions with sequence numbers, replay buffers and resume, the intent
 * rules (MESSAGE_CONTENT), and every documented fault and the close
 * code table.
 *
 * Choices where the reference leaves room (each is documented where it is
 * implemented):
 *  - Resume with a seq newer than the session's: close 4007.  Resume of an
 *    unknown, invalidated or expired session, or with a seq older than the
 *    replay buffer still holds: op 9 false (what Discord does).
 *  - Unknown opcodes get 4001 before and after Identify; a known opcode
 *    other than 1/2/6 before Identify gets 4003.
 *  - Identify when session_start_limit.remaining is 0: close 4004 (the
 *    real limit resets the token).  Identify sooner than
 *    identify_interval_ms after the previous one: op 9 false
 *    (max_concurrency 1).
 *  - After op 7 the sim drops the TCP connection reconnect_drop_ms later if
 *    the client has not closed it by then.
 *  - Ephemeral interaction replies are stored but not dispatched as
 *    MESSAGE_CREATE (option ephemeral_dispatch turns that on).
 *  - Status codes: channel create 201, every other create 200, callbacks
 *    and pins 204, 40060 is a 400.
 *
 * Threading: single thread, the loop's.  Every function here must be
 * called on the loop thread and outside lws callbacks of this sim's own
 * connections (a test calls them between loop_run_once() steps; the demo
 * from its own loop callbacks).
 *
 * Ownership:
 *  - discord_sim_new()/discord_sim_free() pair.  Free the sim before
 *    ws_ctx_shutdown(): it drops its connections and stops listening.
 *  - strings passed in are copied.
 *  - every const char * and const cJSON * handed out (ids, log records,
 *    info structs) is owned by the sim and stays valid until
 *    discord_sim_free(), except log records dropped by
 *    discord_sim_clear_logs() or by the log cap (max_log).
 *  - JSON text arguments (d_json, data_json) are parsed and copied.
 */
#ifndef CHORUS_DISCORD_SIM_H
#define CHORUS_DISCORD_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct buf;
struct loop;
struct ws_ctx;
struct discord_sim;

/* Gateway intents. */
#define DISCORD_SIM_INTENT_GUILDS          (1L << 0)
#define DISCORD_SIM_INTENT_GUILD_MEMBERS   (1L << 1)
#define DISCORD_SIM_INTENT_GUILD_PRESENCES (1L << 8)
#define DISCORD_SIM_INTENT_GUILD_MESSAGES  (1L << 9)
#define DISCORD_SIM_INTENT_DIRECT_MESSAGES (1L << 12)
#define DISCORD_SIM_INTENT_MESSAGE_CONTENT (1L << 15)
/* The coordination bot's set: 1|512|4096|32768. */
#define DISCORD_SIM_INTENTS_CHORUS         37377L

/* Permission bits, as Discord numbers them. */
#define DISCORD_SIM_PERM_ADMINISTRATOR     (UINT64_C(1) << 3)
#define DISCORD_SIM_PERM_MANAGE_CHANNELS   (UINT64_C(1) << 4)
#define DISCORD_SIM_PERM_VIEW_CHANNEL      (UINT64_C(1) << 10)
#define DISCORD_SIM_PERM_SEND_MESSAGES     (UINT64_C(1) << 11)
#define DISCORD_SIM_PERM_MANAGE_MESSAGES   (UINT64_C(1) << 13)
#define DISCORD_SIM_PERM_READ_HISTORY      (UINT64_C(1) << 16)
#define DISCORD_SIM_PERM_MANAGE_ROLES      (UINT64_C(1) << 28)
/* Since 2026 pinning needs this, no longer MANAGE_MESSAGES. */
#define DISCORD_SIM_PERM_PIN_MESSAGES      (UINT64_C(1) << 51)

/* Channel types used here. */
#define DISCORD_SIM_CHANNEL_TEXT     0
#define DISCORD_SIM_CHANNEL_DM       1
#define DISCORD_SIM_CHANNEL_CATEGORY 4

/*
 * Options.  Zero means "the default" for every field, so a designated
 * initializer with only what a test cares about is enough.  Durations in
 * milliseconds; a negative value disables the check where noted.
 */
struct discord_sim_options {
    const char *iface;               /* NULL: 127.0.0.1 */
    int         port;                /* 0: any free port */
    const char *token;               /* NULL: "sim-bot-token" */
    const char *app_id;              /* = the bot user id; NULL: new */
    const char *bot_name;            /* NULL: "chorus" */
    const char *guild_id;            /* NULL: new */
    const char *guild_name;          /* NULL: "Chorus Sim" */
    bool        control_api;         /* serve /_sim/ (no auth!) */

    int  heartbeat_interval_ms;      /* Hello; 0: 41250 */
    /* After Identify/Resume, close with 4000 "heartbeat timed out" (the
     * session stays resumable) when no heartbeat came for
     * heartbeat_interval_ms + this slack; 0: not enforced (many raw test
     * clients never beat). */
    int  heartbeat_timeout_ms;
    bool message_content_enabled;    /* privileged intents switched on */
    bool guild_members_enabled;      /* in the Developer Portal */
    bool presences_enabled;
    int  session_start_total;        /* 0: 1000 */
    int  identify_interval_ms;       /* 0: 5000; < 0: no throttle */
    int  resume_window_ms;           /* 0: 180000 */
    int  replay_max;                 /* dispatches kept; 0: 1000 */
    int  reconnect_drop_ms;          /* after op 7; 0: 5000, < 0: never */
    int  close_timeout_ms;           /* close handshake; 0: 2000 */
    int  send_limit;                 /* client payloads per window; 0: 120 */
    int  send_window_ms;             /* 0: 60000 */

    int  interaction_deadline_ms;    /* 0: 3000 */
    int  interaction_ttl_ms;         /* follow-ups; 0: 15 min */
    bool ephemeral_dispatch;         /* MESSAGE_CREATE for ephemeral */
    int  global_limit;               /* requests per second; 0: 50 */
    int  default_limit;              /* per bucket when a route has none;
                                        0: 5 */
    int  default_window_ms;          /* 0: 5000 */
    /* Channel name/topic edits: 2 per 10 min per channel on Discord.  0:
     * that; < 0: no sublimit. */
    int  topic_edit_limit;
    int  topic_edit_window_ms;

    uint64_t everyone_permissions;   /* 0: view, send, history, ... */
    uint64_t bot_permissions;        /* the bot's role; 0: a typical
                                        invite (no ADMINISTRATOR) */
    size_t   max_log;                /* records per log; 0: 20000 */
};

struct discord_sim *discord_sim_new(struct loop *loop, struct ws_ctx *ws,
                                    const struct discord_sim_options *o);
/* Drops every connection (no close frame) and stops listening.  NULL is a
 * no-op.  Call outside lws callbacks, before ws_ctx_shutdown(). */
void discord_sim_free(struct discord_sim *sim);

int         discord_sim_port(const struct discord_sim *sim);
/* "http://127.0.0.1:PORT/api/v10" and "ws://127.0.0.1:PORT/gateway". */
const char *discord_sim_api_base(const struct discord_sim *sim);
const char *discord_sim_gateway_url(const struct discord_sim *sim);
const char *discord_sim_token(const struct discord_sim *sim);
const char *discord_sim_app_id(const struct discord_sim *sim);   /* = bot */
const char *discord_sim_guild_id(const struct discord_sim *sim);

/* ---- runtime configuration ---- */

void discord_sim_set_message_content(struct discord_sim *sim, bool on);
void discord_sim_set_heartbeat_interval(struct discord_sim *sim, int ms);
void discord_sim_set_interaction_deadline(struct discord_sim *sim, int ms);
void discord_sim_set_identify_interval(struct discord_sim *sim, int ms);
void discord_sim_set_global_limit(struct discord_sim *sim, int per_second);
/* Budget of a route's bucket, e.g. ("POST", "/channels/{id}/messages", 5,
 * 5000); route NULL sets the default for every route without its own.
 * Returns false for an unknown route.  Takes effect for new windows. */
bool discord_sim_set_budget(struct discord_sim *sim, const char *method,
                            const char *route, int limit, int window_ms);
/* Reset every bucket and the global window (tests that reuse a sim). */
void discord_sim_reset_limits(struct discord_sim *sim);

/* ---- state: users, channels ---- */

struct discord_sim_user {
    const char *id;           /* NULL: a new snowflake */
    const char *username;     /* required */
    const char *global_name;  /* NULL: none */
    bool        bot;
    bool        dm_blocked;   /* messages to their DM fail with 50007 */
    bool        not_member;   /* exists, but is not in the guild */
};
/* Returns the user id (owned by the sim), or NULL if username is empty or
 * the id is taken. */
const char *discord_sim_add_user(struct discord_sim *sim,
                                 const struct discord_sim_user *u);
const char *discord_sim_user_by_name(const struct discord_sim *sim,
                                     const char *username);

struct discord_sim_channel_spec {
    int         type;         /* DISCORD_SIM_CHANNEL_TEXT or _CATEGORY */
    const char *name;         /* stored as given (no normalisation) */
    const char *parent_id;
    const char *topic;
    const char *overwrites_json;  /* JSON array, or NULL */
};
/* A channel made "by a human" in the guild: fires CHANNEL_CREATE.
 * Returns its id or NULL. */
const char *discord_sim_add_channel(struct discord_sim *sim,
                                    const struct discord_sim_channel_spec *c);
const char *discord_sim_channel_by_name(const struct discord_sim *sim,
                                        const char *name);
/* The DM channel with user_id, or NULL if none was opened yet. */
const char *discord_sim_dm_channel(const struct discord_sim *sim,
                                   const char *user_id);

struct discord_sim_channel_info {
    const char  *id;
    int          type;
    const char  *name;
    const char  *topic;          /* NULL when none */
    const char  *parent_id;      /* NULL when none */
    const char  *recipient_id;   /* DMs */
    const cJSON *overwrites;     /* array */
    int          position;
    size_t       pins;
    bool         created_by_bot;
    size_t       topic_edits;    /* PATCHes that changed name or topic */
};
bool   discord_sim_channel(const struct discord_sim *sim, const char *id,
                           struct discord_sim_channel_info *out);
size_t discord_sim_channel_count(const struct discord_sim *sim);
bool   discord_sim_channel_at(const struct discord_sim *sim, size_t i,
                              struct discord_sim_channel_info *out);
/* The bot's effective permissions in a channel (role + overwrites). */
uint64_t discord_sim_bot_permissions(const struct discord_sim *sim,
                                     const char *channel_id);

/* ---- state: messages, commands ---- */

struct discord_sim_message_info {
    const char  *id;
    const char  *channel_id;
    const char  *author_id;
    const char  *content;
    const cJSON *components;      /* array (may be empty) */
    const cJSON *embeds;          /* array */
    unsigned     flags;           /* 64: ephemeral */
    bool         pinned;
    bool         by_bot;
    const char  *interaction_id;  /* a reply to an interaction, or NULL */
    const char  *visible_to;      /* ephemeral: the one user, else NULL */
    size_t       edits;           /* earlier versions kept */
};
bool        discord_sim_message(const struct discord_sim *sim,
                                const char *id,
                                struct discord_sim_message_info *out);
size_t      discord_sim_message_count(const struct discord_sim *sim);
bool        discord_sim_message_at(const struct discord_sim *sim, size_t i,
                                   struct discord_sim_message_info *out);
/* The newest message in a channel (by anyone), false if none. */
bool        discord_sim_last_message(const struct discord_sim *sim,
                                     const char *channel_id,
                                     struct discord_sim_message_info *out);
/* Content of version i (0 = the original) of an edited message. */
const char *discord_sim_message_version(const struct discord_sim *sim,
                                        const char *id, size_t i);
/* Registered commands: guild_id NULL for the global list.  An array
 * (empty when nothing was registered). */
const cJSON *discord_sim_commands(const struct discord_sim *sim,
                                  const char *guild_id);
/* A command's size as Discord counts it against the 8000 characters a
 * command may have: its names, descriptions and values, at any depth. */
size_t discord_sim_rest_command_chars(const cJSON *command);
/* A JSON snapshot of everything (users, channels, messages, commands,
 * sessions, stats).  Ownership: the caller frees it with cJSON_Delete. */
cJSON *discord_sim_state_json(const struct discord_sim *sim);

/* ---- events from "users" (each returns the new object's id) ---- */

/* A message in a guild channel or DM channel: MESSAGE_CREATE.  "<@id>" in
 * content becomes a mention (and lifts the MESSAGE_CONTENT rule when it
 * names the bot). */
const char *discord_sim_post(struct discord_sim *sim, const char *user_id,
                             const char *channel_id, const char *content);
/* A DM from user to the bot (opens the DM channel if needed). */
const char *discord_sim_post_dm(struct discord_sim *sim, const char *user_id,
                                const char *content);

/* One option of a chat-input command.  value is text: "42", "true", a
 * snowflake for USER (6), CHANNEL (7), ROLE (8) and MENTIONABLE (9). */
struct discord_sim_opt {
    const char *name;
    int         type;       /* 3 STRING .. 10 NUMBER */
    const char *value;
};
struct discord_sim_command {
    const char                   *user_id;
    const char                   *channel_id;   /* guild channel or DM */
    const char                   *name;         /* "approve", "standup" */
    const char                   *group;        /* subcommand group */
    const char                   *subcommand;   /* "now", or NULL */
    const struct discord_sim_opt *opts;
    size_t                        nopts;
};
/* INTERACTION_CREATE type 2; USER options fill data.resolved.users (and
 * .members in guilds), CHANNEL options data.resolved.channels.  Returns
 * the interaction id (its token: discord_sim_interaction()). */
const char *discord_sim_command(struct discord_sim *sim,
                                const struct discord_sim_command *c);
/* The same with data given as JSON, sent as is. */
const char *discord_sim_command_json(struct discord_sim *sim,
                                     const char *user_id,
                                     const char *channel_id,
                                     const char *data_json);
/* A click on the component custom_id of message_id (type 3); values for
 * a select menu (NULL/0 for a button).  NULL if the message has no such
 * component or it is disabled. */
const char *discord_sim_click(struct discord_sim *sim, const char *user_id,
                              const char *message_id, const char *custom_id,
                              const char *const *values, size_t nvalues);

struct discord_sim_field {
    const char *custom_id;
    const char *value;
};
/* A modal submit (type 5).  from_interaction: the interaction the bot
 * answered with a modal (type 9); custom_id NULL then takes the modal's.
 * With that modal, every text input of it is submitted, with its field's
 * value or empty, and NULL is returned when one that is required (the
 * default) would be empty, as Discord's client does not send it. */
const char *discord_sim_modal_submit(struct discord_sim *sim,
                                     const char *user_id,
                                     const char *from_interaction,
                                     const char *custom_id,
                                     const struct discord_sim_field *fields,
                                     size_t nfields);

struct discord_sim_interaction_info {
    const char  *id;
    const char  *token;
    int          type;             /* 2, 3, 5 */
    const char  *user_id;
    const char  *channel_id;
    int64_t      created_ms;       /* loop clock */
    int          callbacks;        /* callback requests, even refused */
    int          callback_type;    /* the accepted one; 0: none yet */
    long         first_status;     /* status of the first callback */
    int64_t      latency_ms;       /* first callback - creation */
    const char  *original_id;      /* message of the response, or NULL */
    int          followups;
    const cJSON *modal;            /* data of a type 9 response */
};
bool discord_sim_interaction(const struct discord_sim *sim, const char *id,
                             struct discord_sim_interaction_info *out);

/* ---- gateway faults (each applies to every open connection and
 * returns how many it reached) ---- */

int discord_sim_gateway_reconnect(struct discord_sim *sim); /* op 7 */
int discord_sim_gateway_invalid_session(struct discord_sim *sim,
                                        bool resumable); /* op 9 */
/* Close with any code; reason NULL: the close-code table's text.  The
 * sessions stay resumable or not as the table says. */
int discord_sim_gateway_close(struct discord_sim *sim, int code,
                              const char *reason);
int discord_sim_gateway_drop(struct discord_sim *sim); /* TCP, no frame */
/* Zombie: stop (or resume) sending heartbeat ACKs. */
int discord_sim_gateway_zombie(struct discord_sim *sim, bool on);
int discord_sim_gateway_request_heartbeat(struct discord_sim *sim); /* op 1 */
/* Raw text as one message (malformed or oversized payloads). */
int discord_sim_gateway_send_raw(struct discord_sim *sim, const char *text,
                                 size_t len);
/* {"op":op,"d":d_json} for unknown opcodes; d_json NULL: null. */
int discord_sim_gateway_send_op(struct discord_sim *sim, int op,
                                const char *d_json);
/* A sequenced dispatch of any type to every live session (also into the
 * replay buffers of detached ones): unknown events, GUILD_DELETE... */
int discord_sim_gateway_dispatch(struct discord_sim *sim, const char *t,
                                 const char *d_json);
/* Send dispatch seq again, with a new seq (a redelivered event). */
int discord_sim_gateway_redeliver(struct discord_sim *sim, long seq);
/* Forget every session: the next Resume gets op 9 false.  Live
 * connections keep their session until they close. */
void discord_sim_gateway_invalidate_sessions(struct discord_sim *sim);

/* What the close-code table says about code: its name, whether the
 * docs allow a reconnect, and whether the sim keeps the session. */
struct discord_sim_gateway_close_code {
    int         code;
    const char *name;
    bool        reconnect;    /* docs: may reconnect */
    bool        resumable;    /* the sim keeps the session */
};
const struct discord_sim_gateway_close_code *
discord_sim_gateway_close_code(int code);

/* ---- REST faults ---- */

struct discord_sim_rest_fault {
    const char *method;       /* NULL: any */
    const char *route;        /* "/channels/{id}/messages"; NULL: any */
    int         count;        /* next N matching requests */
    int         status;       /* 429, 5xx, 401, 403, ... */
    double      retry_after;  /* 429: seconds */
    bool        global;       /* 429: a global limit */
    const char *scope;        /* 429: "user" (default), "shared" */
    int         code;         /* JSON error code; 0: by status */
    const char *message;      /* NULL: by status */
};
void discord_sim_rest_fault(struct discord_sim *sim,
                            const struct discord_sim_rest_fault *f);
void discord_sim_rest_faults_clear(struct discord_sim *sim);

/* ---- read back ---- */

struct discord_sim_rest_call {
    int64_t      at_ms;       /* loop clock */
    const char  *method;
    const char  *path;        /* as requested, with the query */
    const char  *route;       /* matched pattern, NULL: none */
    const char  *bucket;      /* bucket key "hash:major", or NULL */
    const char  *raw_body;    /* "" when none */
    const cJSON *body;        /* parsed JSON body, NULL if none/invalid */
    long         status;
    const cJSON *response;    /* parsed response body, NULL for 204 */
    const char  *audit_reason;   /* X-Audit-Log-Reason, or NULL */
    const char  *user_agent;
    bool         authorized;  /* carried the right Bot token */
    bool         injected;    /* status came from discord_sim_rest_fault */
};
/* Calls ever made (also counting records dropped from the log). */
size_t discord_sim_rest_count(const struct discord_sim *sim);
/* NULL if i >= count or the record was dropped. */
const struct discord_sim_rest_call *
       discord_sim_rest_get(const struct discord_sim *sim, size_t i);
/* First call at index >= from matching method (NULL: any) and route
 * pattern (NULL: any); SIZE_MAX if none. */
size_t discord_sim_rest_find(const struct discord_sim *sim,
                             const char *method, const char *route,
                             size_t from);

struct discord_sim_gw_frame {
    int64_t      at_ms;
    int          conn_id;
    bool         from_bot;    /* received from the client */
    int          op;          /* -1: not JSON / no op */
    const char  *t;           /* dispatches: event name, else NULL */
    long         s;           /* dispatches: seq, else -1 */
    const cJSON *d;           /* NULL if absent or unparsable */
    const char  *raw;
};
size_t discord_sim_gw_count(const struct discord_sim *sim);
const struct discord_sim_gw_frame *
       discord_sim_gw_get(const struct discord_sim *sim, size_t i);
/* First frame at index >= from with this direction and op (-1: any) and,
 * for dispatches, event t (NULL: any); SIZE_MAX if none. */
size_t discord_sim_gw_find(const struct discord_sim *sim, bool from_bot,
                           int op, const char *t, size_t from);

struct discord_sim_conn_info {
    int          id;            /* 1, 2, ... in order of connection */
    const char  *path;          /* request path with query */
    bool         resume_url;    /* came in on the resume URL */
    int64_t      opened_ms;
    int64_t      closed_ms;     /* -1 while open */
    int          close_sent;    /* code we sent, -1: none */
    int          close_received;/* code the client sent, -1: none */
    bool         dropped;       /* we dropped it (fault or timeout) */
    bool         identified;
    bool         resumed;
    const char  *session_id;    /* NULL before Identify/Resume */
    long         intents;       /* from Identify, -1: none */
    int          heartbeats;    /* op 1 received */
    int          acks;          /* op 11 sent */
};
size_t discord_sim_conn_count(const struct discord_sim *sim);
bool   discord_sim_conn(const struct discord_sim *sim, size_t i,
                        struct discord_sim_conn_info *out);
/* The newest connection, false if none. */
bool   discord_sim_conn_last(const struct discord_sim *sim,
                             struct discord_sim_conn_info *out);

struct discord_sim_stats {
    int    connections;       /* accepted gateway connections */
    int    open_connections;
    int    identifies;        /* Identify payloads received */
    int    ready;             /* READY sent */
    int    resumes;           /* Resume payloads received */
    int    resumed;           /* RESUMED sent */
    int    invalid_sessions;  /* op 9 sent */
    int    dispatches;        /* op 0 frames sent (with replays) */
    int    heartbeats;        /* op 1 received */
    int    acks;              /* op 11 sent */
    int    session_start_remaining;
    size_t rest_calls;
    int    http_401, http_403, http_429;
    int    http_429_shared;   /* not counted as invalid by Discord */
    int    invalid_requests;  /* 401 + 403 + 429 (not shared) */
    int    http_5xx;
    int    interactions;
    int    callbacks;         /* interaction callback requests */
    int    late_callbacks;    /* refused with 10062 */
    int    double_callbacks;  /* refused with 40060 */
};
void discord_sim_stats(const struct discord_sim *sim,
                       struct discord_sim_stats *out);
/* Drop the REST and gateway logs (counts keep running). */
void discord_sim_clear_logs(struct discord_sim *sim);

/* ---- waiting (tests): run the loop until pred holds ---- */

typedef bool discord_sim_pred_fn(struct discord_sim *sim, void *arg);

/* Runs loop_run_once() until pred(sim, arg) is true (checked first) or
 * timeout_ms passed.  Never call from a loop callback. */
bool   discord_sim_wait(struct discord_sim *sim, discord_sim_pred_fn *pred,
                        void *arg, int timeout_ms);
/* Run the loop for ms. */
void   discord_sim_run_for(struct discord_sim *sim, int ms);
/* Index of the first matching REST call at >= from, or SIZE_MAX on
 * timeout. */
size_t discord_sim_wait_rest(struct discord_sim *sim, const char *method,
                             const char *route, size_t from, int timeout_ms);
/* Same for gateway frames from the bot (op) ... */
size_t discord_sim_wait_gw(struct discord_sim *sim, int op, size_t from,
                           int timeout_ms);
/* ... and until at least n READY or RESUMED were sent in total. */
bool   discord_sim_wait_ready(struct discord_sim *sim, int n, int timeout_ms);
bool   discord_sim_wait_resumed(struct discord_sim *sim, int n,
                                int timeout_ms);
/* Until connection id (1-based) is closed. */
bool   discord_sim_wait_conn_closed(struct discord_sim *sim, int conn_id,
                                    int timeout_ms);

/* ---- observer: every visible action, as Discord would show it ---- */

enum discord_sim_event_kind {
    DISCORD_SIM_EV_MESSAGE,        /* a message appeared */
    DISCORD_SIM_EV_EDIT,           /* a message was edited */
    DISCORD_SIM_EV_PIN,
    DISCORD_SIM_EV_CHANNEL,        /* a channel was created */
    DISCORD_SIM_EV_CHANNEL_EDIT,   /* name/topic/overwrites changed */
    DISCORD_SIM_EV_DM_OPEN,
    DISCORD_SIM_EV_COMMANDS,       /* commands registered */
    DISCORD_SIM_EV_INTERACTION,    /* a user ran a command, clicked... */
    DISCORD_SIM_EV_RESPONSE,       /* the bot acked (defer, modal) */
    DISCORD_SIM_EV_GATEWAY,        /* identify, resume, close */
};

struct discord_sim_event {
    enum discord_sim_event_kind kind;
    bool         by_bot;
    const char  *channel_id;      /* NULL when not about a channel */
    const char  *channel_name;    /* "#name", "@user" for DMs */
    const char  *user_id;         /* who acted */
    const char  *user_name;
    const char  *message_id;
    const char  *content;         /* message text, command line... */
    const cJSON *components;      /* buttons, or NULL */
    bool         ephemeral;       /* only user_name... sees it */
    const char  *visible_to;      /* ephemeral: user name */
    const char  *detail;          /* anything else worth a line */
};
typedef void discord_sim_observer_fn(void *arg,
                                     const struct discord_sim_event *ev);
void discord_sim_set_observer(struct discord_sim *sim,
                              discord_sim_observer_fn *fn, void *arg);
/* Render ev the way the Discord client shows it, one or more lines:
 *   #general  chorus: Task 42 is open  [Claim] [Drop]
 * Appends to out (no trailing newline). */
void discord_sim_event_format(const struct discord_sim_event *ev,
                              struct buf *out);

#endif
