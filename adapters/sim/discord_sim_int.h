/*
 * discord_sim internals, shared by discord_sim.c (state, events, logs,
 * observer, the web server's routing), discord_sim_gateway.c (the
 * websocket connections, sessions, payloads, faults), discord_sim_rest.c
 * (routes, buckets, handlers) and discord_sim_control.c (the /_sim/
 * routes).  HTTP and websocket framing are sim_server.c's.  Not for use
 * outside adapters/sim/discord_sim*.
 */
#ifndef CHORUS_DISCORD_SIM_INT_H
#define CHORUS_DISCORD_SIM_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "json.h"
#include "discord_sim.h"
#include "sim_server.h"

struct loop_timer;

#define DSIM_ID_LEN     24      /* snowflake: 17-19 digits + NUL */
#define DSIM_MAX_PAYLOAD 4096   /* client payload limit */

/* A growable array of pointers; the owner frees the elements. */
struct dsim_vec {
    void   **v;
    size_t   n, cap;
};

void discord_sim_vec_push(struct dsim_vec *vec, void *p);
void discord_sim_vec_free(struct dsim_vec *vec); /* the array, not elements */

struct discord_sim_user_rec {
    char  id[DSIM_ID_LEN];
    char *username;
    char *global_name;          /* NULL when none */
    bool  bot;
    bool  dm_blocked;
    bool  member;               /* in the guild */
    char  dm_channel[DSIM_ID_LEN];
};

struct discord_sim_channel_rec {
    char     id[DSIM_ID_LEN];
    int      type;
    char    *name;              /* NULL for DMs */
    char    *topic;             /* NULL when none */
    char     parent_id[DSIM_ID_LEN];
    char     recipient[DSIM_ID_LEN];
    int      position;
    bool     nsfw;
    bool     by_bot;
    cJSON   *overwrites;        /* array of {id,type,allow,deny} */
    char     last_message_id[DSIM_ID_LEN];
    int64_t *edit_times;        /* name/topic edits, for the sublimit */
    size_t   nedit_times;
    size_t   topic_edits;
};

struct dsim_version {
    char  *content;
    cJSON *components;
    char   edited[40];
};

struct discord_sim_message_rec {
    char     id[DSIM_ID_LEN];
    char     channel_id[DSIM_ID_LEN];
    char     author_id[DSIM_ID_LEN];
    char    *content;
    cJSON   *components;        /* array */
    cJSON   *embeds;            /* array */
    cJSON   *mentions;          /* array of user ids (strings) */
    unsigned flags;
    bool     pinned;
    char     pinned_at[40];     /* ISO 8601, when pinned */
    char     timestamp[40];
    char     edited[40];        /* "" until edited */
    char     interaction_id[DSIM_ID_LEN];
    char     visible_to[DSIM_ID_LEN];   /* ephemeral: the user */
    int      itype;             /* interaction type it answers */
    int      type;              /* message type: 0, 6 (pin), 20 */
    char     ref_id[DSIM_ID_LEN];       /* message_reference */
    struct dsim_version *versions;      /* earlier versions */
    size_t   nversions;
};

struct discord_sim_interaction_rec {
    char     id[DSIM_ID_LEN];
    char     token[80];
    int      type;
    char     user_id[DSIM_ID_LEN];
    char     channel_id[DSIM_ID_LEN];
    char     message_id[DSIM_ID_LEN];   /* components: the source */
    char     command_name[40];
    cJSON   *data;
    int64_t  created_ms;
    int      callbacks;
    int      callback_type;
    long     first_status;
    int64_t  latency_ms;
    bool     deferred;                  /* type 5: loading message */
    char     original_id[DSIM_ID_LEN];
    int      followups;
    cJSON   *modal;
};

/* One REST log record (owner of its strings). */
struct dsim_rest_rec {
    struct discord_sim_rest_call pub;
    char  *method, *path, *route, *bucket, *raw_body, *audit, *ua;
    cJSON *body, *response;
};

struct dsim_gw_rec {
    struct discord_sim_gw_frame pub;
    char  *t, *raw;
    cJSON *d;
};

/* A log with a cap: records[0] has index base. */
struct dsim_log {
    struct dsim_vec recs;
    size_t          base;
};

enum dsim_conn_state {
    DSIM_CONN_OPEN,
    DSIM_CONN_CLOSING,          /* our close frame queued or sent */
    DSIM_CONN_CLOSED,
};

struct dsim_session;

/* A gateway connection; the record outlives the socket (for the log). */
struct dsim_conn {
    int                  id;
    struct discord_sim  *sim;
    struct sim_conn     *link;          /* NULL once closed */
    enum dsim_conn_state state;
    char                *path;
    bool                 resume_url;
    int64_t              opened_ms, closed_ms;
    int                  close_sent, close_received;
    bool                 dropped;
    bool                 identified, resumed;
    long                 intents;
    struct dsim_session *session;
    char                 session_id[40];    /* for the record */
    int                  heartbeats, acks;
    int64_t              last_beat_ms;
    bool                 zombie;
    int64_t             *sends;             /* ring of receive times */
    size_t               nsends, sends_pos;
    struct loop_timer   *timer;             /* drop / heartbeat */
    int64_t              drop_at_ms;        /* op 7: drop if still open */
};

enum dsim_session_state {
    DSIM_SESSION_ACTIVE,        /* attached to an open connection */
    DSIM_SESSION_DETACHED,      /* resumable until resumable_until */
    DSIM_SESSION_INVALID,
};

struct dsim_replay {
    long  s;
    char *json;
};

struct dsim_session {
    char                     id[40];
    enum dsim_session_state  state;
    struct dsim_conn        *conn;
    long                     intents;
    int                      shard_id, shard_count;
    long                     seq;
    int64_t                  resumable_until;
    bool                     doomed;    /* invalid once detached */
    struct dsim_replay      *replay;    /* ring, oldest at replay_head */
    size_t                   nreplay, replay_head, replay_cap;
};

struct dsim_bucket {
    char    key[160];           /* route bucket name + ":" + major */
    char    hash[40];
    int     limit;
    int     window_ms;
    int     used;
    int64_t reset_ms;           /* loop clock; window end */
};

struct dsim_budget {
    char method[8];
    char route[80];
    int  limit;
    int  window_ms;
};

struct dsim_fault {
    struct discord_sim_rest_fault f;
    char *method, *route, *scope, *message;
};

struct discord_sim {
    struct loop         *loop;
    struct ws_ctx       *ws;
    struct sim_server   *srv;
    int                  port;
    struct discord_sim_options o;   /* with defaults filled in */
    char                *iface;
    char                *token;
    char                *bot_name;
    char                *guild_name;
    char                 app_id[DSIM_ID_LEN];    /* = bot user id */
    char                 guild_id[DSIM_ID_LEN];
    char                 bot_role_id[DSIM_ID_LEN];
    char                 owner_id[DSIM_ID_LEN];
    char                 api_base[96];
    char                 gateway_url[96];
    char                 resume_url[96];
    int64_t              last_snowflake_ms;
    unsigned             snowflake_inc;
    uint64_t             rng;

    struct dsim_vec      users;          /* struct discord_sim_user_rec * */
    struct dsim_vec      channels;       /* struct discord_sim_channel_rec * */
    struct dsim_vec      messages;       /* struct discord_sim_message_rec * */
    struct dsim_vec interactions; /* struct discord_sim_interaction_rec * */
    cJSON               *global_commands;
    cJSON               *guild_commands;
    int                  command_creates;

    /* gateway */
    struct dsim_vec      conns;          /* struct dsim_conn *, all ever */
    struct dsim_vec      sessions;       /* struct dsim_session * */
    int                  session_start_remaining;
    int64_t              last_identify_ms;
    bool                 any_identify;

    /* rest */
    struct dsim_vec      buckets;        /* struct dsim_bucket * */
    struct dsim_vec      budgets;        /* struct dsim_budget * */
    struct dsim_vec      faults;         /* struct dsim_fault * */
    int64_t              global_reset_ms;
    int                  global_used;

    struct dsim_log      rest_log;
    struct dsim_log      gw_log;
    size_t               rest_total, gw_total;
    struct discord_sim_stats st;

    discord_sim_observer_fn *observer;
    void                *observer_arg;
};

/* ---- discord_sim.c: helpers shared by the other files ---- */

int64_t discord_sim_now(struct discord_sim *sim); /* loop clock */
void discord_sim_new_id(struct discord_sim *sim, char out[DSIM_ID_LEN]);
void discord_sim_random_hex(struct discord_sim *sim, char *out, size_t n);
void discord_sim_random_token(struct discord_sim *sim, char *out, size_t n);
void discord_sim_iso_time(char out[40]);
bool discord_sim_is_snowflake(const char *s);

struct discord_sim_user_rec *discord_sim_user_rec(const struct discord_sim *sim,
                                                  const char *id);
struct discord_sim_channel_rec *
discord_sim_channel_rec(const struct discord_sim *sim, const char *id);
struct discord_sim_message_rec *
discord_sim_message_rec(const struct discord_sim *sim, const char *id);
struct discord_sim_interaction_rec *
discord_sim_interaction_by_token(const struct discord_sim *sim,
                                 const char *token);
struct discord_sim_interaction_rec *
discord_sim_interaction_rec(const struct discord_sim *sim, const char *id);
struct discord_sim_channel_rec *
discord_sim_dm_open(struct discord_sim *sim, struct discord_sim_user_rec *u);
uint64_t discord_sim_bot_perms(const struct discord_sim *sim,
                               const struct discord_sim_channel_rec *ch);
uint64_t discord_sim_bot_base_perms(const struct discord_sim *sim);

/* JSON views of the state (new objects; the caller owns them). */
cJSON *discord_sim_user_json(const struct discord_sim *sim,
                             const struct discord_sim_user_rec *u);
cJSON *discord_sim_bot_user_json(const struct discord_sim *sim);
cJSON *discord_sim_channel_json(const struct discord_sim *sim,
                                const struct discord_sim_channel_rec *ch);
cJSON *discord_sim_message_json(const struct discord_sim *sim,
                                const struct discord_sim_message_rec *m);
cJSON *discord_sim_guild_json(const struct discord_sim *sim);
cJSON *discord_sim_member_json(const struct discord_sim *sim,
                               const struct discord_sim_user_rec *u,
                               bool with_user);

/* A new message (the sim owns it); fires MESSAGE_CREATE (unless it is
 * ephemeral and ephemeral_dispatch is off) and the observer. */
struct discord_sim_message_rec *discord_sim_message_add(
    struct discord_sim *sim, struct discord_sim_channel_rec *ch,
    const char *author_id, const char *content, const cJSON *components,
    const cJSON *embeds, unsigned flags,
    const struct discord_sim_interaction_rec *in);
/* The system message Discord posts when a message is pinned (type 6). */
void discord_sim_pin_notice(struct discord_sim *sim,
                            struct discord_sim_channel_rec *ch,
                            const struct discord_sim_message_rec *pinned);
/* Keep the current version in the history, apply new fields (NULL: keep),
 * fire MESSAGE_UPDATE and the observer. */
void discord_sim_message_edit(struct discord_sim *sim,
                              struct discord_sim_message_rec *m,
                              const char *content, const cJSON *components,
                              const cJSON *embeds, const cJSON *flags);
/* Remove it and fire MESSAGE_DELETE. */
void discord_sim_message_delete(struct discord_sim *sim,
                                struct discord_sim_message_rec *m);
void discord_sim_channel_created(struct discord_sim *sim,
                                 struct discord_sim_channel_rec *ch);

void discord_sim_observe(struct discord_sim *sim,
                         const struct discord_sim_event *ev);
void discord_sim_observe_message(struct discord_sim *sim,
                                 enum discord_sim_event_kind kind,
                                 const struct discord_sim_message_rec *m);

/* Logs */
void discord_sim_log_rest(struct discord_sim *sim, struct dsim_rest_rec *r);
void discord_sim_log_gw(struct discord_sim *sim, int conn_id, bool from_bot,
                        const char *raw, size_t len);
void discord_sim_log_clear(struct dsim_log *log, bool rest);

/* ---- discord_sim_gateway.c ---- */

/* The web server's websocket callbacks (sim_server.h); sim is the struct
 * discord_sim, c the struct dsim_conn. */
int discord_sim_gateway_upgrade(void *sim, const struct sim_request *rq,
                                const char **why);
void *discord_sim_gateway_open(void *sim, struct sim_conn *link,
                               const struct sim_request *rq);
void discord_sim_gateway_receive(void *c, const char *msg, size_t len,
                                 unsigned flags);
void discord_sim_gateway_peer_close(void *c, int code);
void discord_sim_gateway_closed(void *c, bool timed_out);
void discord_sim_gateway_free(struct discord_sim *sim);

/* What a dispatch needs to reach a session. */
struct dsim_target {
    const char *guild_id;       /* NULL: DM or not about a guild */
    const char *channel_id;     /* NULL: no channel view check */
    bool        content_rule;   /* MESSAGE_CONTENT applies */
    bool        content_exempt; /* mention of the bot, or bot's own */
};
/* Dispatch to every session that may see it; d is not consumed. */
void discord_sim_gateway_dispatch_to(struct discord_sim *sim, const char *t,
                                     const cJSON *d,
                                     const struct dsim_target *to);

/* ---- discord_sim_rest.c ---- */

void discord_sim_rest_handle(struct discord_sim *sim,
                             const struct sim_request *rq,
                             struct sim_response *rs);
/* {"message", "code", "errors"?}: Discord's error body. */
void discord_sim_rest_resp_error(struct sim_response *rs, int status, int code,
                                 const char *message, cJSON *errors);
bool discord_sim_rest_set_budget(struct discord_sim *sim, const char *method,
                                 const char *route, int limit, int window_ms);
void discord_sim_rest_free(struct discord_sim *sim);
/* Discord's channel name rules: lowercase, spaces to '-', only
 * [a-z0-9-_] and non-ASCII; NULL when nothing is left. */
char *discord_sim_rest_channel_name(const char *name);

/* ---- discord_sim_control.c ---- */

void discord_sim_control_handle(struct discord_sim *sim,
                                const struct sim_request *rq,
                                struct sim_response *rs);

#endif
