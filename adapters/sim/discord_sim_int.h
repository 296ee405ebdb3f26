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
#define DSIM_MAX_PAYLOAD 4096   /* client payload limit (section 1.2) */

/* A growable array of pointers; the owner frees the elements. */
struct dsim_vec {
    void   **v;
    size_t   n, cap;
};

void   dsim_vec_push(struct dsim_vec *vec, void *p);
void   dsim_vec_free(struct dsim_vec *vec);    /* the array, not elements */

struct dsim_user {
    char  id[DSIM_ID_LEN];
    char *username;
    char *global_name;          /* NULL when none */
    bool  bot;
    bool  dm_blocked;
    bool  member;               /* in the guild */
    char  dm_channel[DSIM_ID_LEN];
};

struct dsim_channel {
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

struct dsim_message {
    char     id[DSIM_ID_LEN];
    char     channel_id[DSIM_ID_LEN];
    char     author_id[DSIM_ID_LEN];
    char    *content;
    cJSON   *components;        /* array */
    cJSON   *embeds;            /* array */
    cJSON   *mentions;          /* array of user ids (strings) */
    unsigned flags;
    bool     pinned;
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

struct dsim_interaction {
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
    struct discord_sim_http_fault f;
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

    struct dsim_vec      users;          /* struct dsim_user * */
    struct dsim_vec      channels;       /* struct dsim_channel * */
    struct dsim_vec      messages;       /* struct dsim_message * */
    struct dsim_vec      interactions;   /* struct dsim_interaction * */
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

int64_t dsim_now(struct discord_sim *sim);           /* loop clock */
void    dsim_new_id(struct discord_sim *sim, char out[DSIM_ID_LEN]);
void    dsim_random_hex(struct discord_sim *sim, char *out, size_t n);
void    dsim_random_token(struct discord_sim *sim, char *out, size_t n);
void    dsim_iso_time(char out[40]);
bool    dsim_is_snowflake(const char *s);

struct dsim_user    *dsim_user(const struct discord_sim *sim, const char *id);
struct dsim_channel *dsim_channel(const struct discord_sim *sim,
                                  const char *id);
struct dsim_message *dsim_message(const struct discord_sim *sim,
                                  const char *id);
struct dsim_interaction *dsim_interaction_by_token(
    const struct discord_sim *sim, const char *token);
struct dsim_interaction *dsim_interaction(const struct discord_sim *sim,
                                          const char *id);
struct dsim_channel *dsim_dm_open(struct discord_sim *sim,
                                  struct dsim_user *u);
uint64_t dsim_bot_perms(const struct discord_sim *sim,
                        const struct dsim_channel *ch);
uint64_t dsim_bot_base_perms(const struct discord_sim *sim);

/* JSON views of the state (new objects; the caller owns them). */
cJSON *dsim_user_json(const struct discord_sim *sim,
                      const struct dsim_user *u);
cJSON *dsim_bot_user_json(const struct discord_sim *sim);
cJSON *dsim_channel_json(const struct discord_sim *sim,
                         const struct dsim_channel *ch);
cJSON *dsim_message_json(const struct discord_sim *sim,
                         const struct dsim_message *m);
cJSON *dsim_guild_json(const struct discord_sim *sim);
cJSON *dsim_member_json(const struct discord_sim *sim,
                        const struct dsim_user *u, bool with_user);

/* A new message (the sim owns it); fires MESSAGE_CREATE (unless it is
 * ephemeral and ephemeral_dispatch is off) and the observer. */
struct dsim_message *dsim_message_add(struct discord_sim *sim,
                                      struct dsim_channel *ch,
                                      const char *author_id,
                                      const char *content,
                                      const cJSON *components,
                                      const cJSON *embeds, unsigned flags,
                                      const struct dsim_interaction *in);
/* The system message Discord posts when a message is pinned (type 6). */
void dsim_pin_notice(struct discord_sim *sim, struct dsim_channel *ch,
                     const struct dsim_message *pinned);
/* Keep the current version in the history, apply new fields (NULL: keep),
 * fire MESSAGE_UPDATE and the observer. */
void dsim_message_edit(struct discord_sim *sim, struct dsim_message *m,
                       const char *content, const cJSON *components,
                       const cJSON *embeds, const cJSON *flags);
/* Remove it and fire MESSAGE_DELETE. */
void dsim_message_delete(struct discord_sim *sim, struct dsim_message *m);
void dsim_channel_created(struct discord_sim *sim, struct dsim_channel *ch);

void dsim_observe(struct discord_sim *sim,
                  const struct discord_sim_event *ev);
void dsim_observe_message(struct discord_sim *sim,
                          enum discord_sim_event_kind kind,
                          const struct dsim_message *m);

/* Logs */
void dsim_log_rest(struct discord_sim *sim, struct dsim_rest_rec *r);
void dsim_log_gw(struct discord_sim *sim, int conn_id, bool from_bot,
                 const char *raw, size_t len);
void dsim_log_clear(struct dsim_log *log, bool rest);

/* ---- discord_sim_gateway.c ---- */

/* The web server's websocket callbacks (sim_server.h); sim is the struct
 * discord_sim, c the struct dsim_conn. */
int   dsim_gw_upgrade(void *sim, const struct sim_request *rq,
                      const char **why);
void *dsim_gw_open(void *sim, struct sim_conn *link,
                   const struct sim_request *rq);
void  dsim_gw_receive(void *c, const char *msg, size_t len, unsigned flags);
void  dsim_gw_peer_close(void *c, int code);
void  dsim_gw_closed(void *c, bool timed_out);
void  dsim_gw_free(struct discord_sim *sim);

/* What a dispatch needs to reach a session (section 1.11). */
struct dsim_target {
    const char *guild_id;       /* NULL: DM or not about a guild */
    const char *channel_id;     /* NULL: no channel view check */
    bool        content_rule;   /* MESSAGE_CONTENT applies */
    bool        content_exempt; /* mention of the bot, or bot's own */
};
/* Dispatch to every session that may see it; d is not consumed. */
void dsim_dispatch(struct discord_sim *sim, const char *t, const cJSON *d,
                   const struct dsim_target *to);

/* ---- discord_sim_rest.c ---- */

void dsim_rest_handle(struct discord_sim *sim, const struct sim_request *rq,
                      struct sim_response *rs);
/* {"message", "code", "errors"?}: Discord's error body. */
void dsim_resp_error(struct sim_response *rs, int status, int code,
                     const char *message, cJSON *errors);
bool dsim_rest_set_budget(struct discord_sim *sim, const char *method,
                          const char *route, int limit, int window_ms);
void dsim_rest_free(struct discord_sim *sim);
/* Channel name rules of section 3.5: lowercase, spaces to '-', only
 * [a-z0-9-_] and non-ASCII; NULL when nothing is left. */
char *dsim_normalise_channel_name(const char *name);

/* ---- discord_sim_control.c ---- */

void dsim_control_handle(struct discord_sim *sim,
                         const struct sim_request *rq,
                         struct sim_response *rs);

#endif
