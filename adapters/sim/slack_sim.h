/*
 * slack_sim: a local Slack for end-to-end tests and `chorus demo`.
 *
 * It serves, on one 127.0.0.1 port, what a Socket Mode bot talks to
 * (as Slack documents it):
 *   POST /api/<method>     the Web API (form or JSON bodies, Bearer tokens)
 *   GET  /link/?ticket=..  the Socket Mode websocket (one-time tickets)
 *   POST /hooks/<id>       response_url of slash commands and buttons
 *   /_sim/...              an HTTP control interface (slack_sim_ctl.c)
 * and keeps a small workspace in memory: users, channels and DMs, messages
 * with their edit history, pins, ephemeral replies, modals.  Tests script
 * the human side (slash commands, DMs, mentions, button presses, modal
 * submissions), inject every fault the reference lists, and read back
 * everything the bot did.
 *
 * It never owns the loop: it runs on the caller's struct loop and adds a
 * listening vhost to the caller's struct ws_ctx, so it can live in the
 * daemon's own process (demo) or in a test process that runs the daemon as
 * a child.  One thread, like the rest of chorus.
 *
 * Ownership:
 *  - slack_sim_new()/slack_sim_free() pair; free before ws_ctx_shutdown()
 *    and outside the sim's own callbacks (observer, predicates).  Open
 *    sockets are dropped; the vhost stays until the context goes.
 *  - every const struct pointer returned here (users, channels, messages,
 *    calls, acks, envelopes, connections...) is owned by the sim, read-only
 *    to the caller, and valid until slack_sim_free().  Records are never
 *    removed, but their fields change as the sim runs (a message gains
 *    edits, a connection closes, a channel gains members: members and
 *    messages arrays may move, so re-read them after running the loop).
 *  - strings passed in are copied.
 *  - cJSON pointers in records are owned by the sim; never modify them.
 *
 * Waiting: the slack_sim_wait*() helpers run the loop (loop_run_once) until
 * a predicate holds or a timeout passes.  Call them only from outside the
 * loop (a test's main flow), never from a loop callback.
 */
#ifndef CHORUS_SLACK_SIM_H
#define CHORUS_SLACK_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct loop;
struct ws_ctx;
struct slack_sim;

/* ---- what the observer sees: the bot's actions as Slack shows them ---- */

enum slack_sim_obs_kind {
    SLACK_SIM_OBS_POST,        /* chat.postMessage (channel or DM) */
    SLACK_SIM_OBS_UPDATE,      /* chat.update */
    SLACK_SIM_OBS_EPHEMERAL,   /* chat.postEphemeral, ack or response_url
                                  reply only the user sees */
    SLACK_SIM_OBS_PIN,
    SLACK_SIM_OBS_TOPIC,
    SLACK_SIM_OBS_CREATE,      /* conversations.create */
    SLACK_SIM_OBS_INVITE,
    SLACK_SIM_OBS_MODAL,       /* views.open */
    SLACK_SIM_OBS_HUMAN,       /* a scripted push: what the human did */
    SLACK_SIM_OBS_TIMEOUT,     /* an interaction the bot did not ack */
    SLACK_SIM_OBS_API_ERROR,   /* a Web API call answered with an error */
    SLACK_SIM_OBS_SOCKET,      /* connections opened, refused, closed */
};

struct slack_sim_obs {
    enum slack_sim_obs_kind kind;
    const char *channel_id;    /* NULL when not about a channel */
    const char *where;         /* "#spring-launch", "@alice (DM)", "" */
    const char *actor;         /* "chorus", "alice" */
    const char *text;          /* plain text (blocks flattened) */
    const char *line;          /* the whole thing, ready to print; may
                                  span lines (continuations indented) */
};

/* All pointers borrowed for the duration of the call.  Must not call
 * slack_sim_free() or the wait helpers. */
typedef void slack_sim_observer_fn(void *arg, const struct slack_sim_obs *o);

/* ---- options ---- */

/*
 * Zero means "default" for every number; a negative interval turns the
 * behaviour off where noted.  Defaults follow the reference.
 */
struct slack_sim_options {
    int         port;             /* 0: any free port */
    const char *app_token;        /* NULL: "xapp-1-A0CHORUS1-sim" */
    const char *bot_token;        /* NULL: "xoxb-sim-bot-token" */
    const char *team_name;        /* NULL: "Chorus Sim" */
    const char *bot_name;         /* NULL: "chorus" */
    int  ping_interval_ms;        /* server pings; 10000; <0 none */
    int  ack_timeout_ms;          /* 3000 */
    int  max_redeliveries;        /* events_api retries; 3; <0 none */
    int  trigger_ttl_ms;          /* 3000 */
    int  warning_delay_ms;        /* warning -> refresh_requested; 10000 */
    int  refresh_close_ms;        /* refresh_requested -> close; 1000 */
    int  max_sockets;             /* 10 */
    int  post_burst;              /* chat.postMessage per channel; 3 */
    int  post_interval_ms;        /* one token per this; 1000 */
    int  ticket_ttl_ms;           /* unused tickets expire; 60000 */
    int  lifetime_ms;             /* refresh every socket after this;
                                     0: never */
    int  debug_lifetime_ms;       /* debug_reconnects=true; 360000 */
    int  max_text;                /* msg_too_long above; 4000 chars */
    bool echo_own_messages;       /* bot posts come back as message
                                     events, as on real Slack */
    bool no_control;              /* do not serve /_sim/ */
    uint64_t seed;                /* ids; 0: from time and pid */
    slack_sim_observer_fn *observer;
    void       *observer_arg;
};

/* Fixed identities of the simulated workspace and app. */
struct slack_sim_identity {
    const char *app_token;
    const char *bot_token;
    const char *app_id;           /* "A0CHORUS1" */
    const char *team_id;          /* "T0CHORUS1" */
    const char *team_name;
    const char *team_domain;      /* "chorus-sim" */
    const char *bot_user_id;      /* "U0CHORUSBT" */
    const char *bot_id;           /* "B0CHORUS1" */
    const char *bot_name;
};

/* NULL on failure (cannot listen), logged.  opts NULL: all defaults. */
struct slack_sim *slack_sim_new(struct loop *loop, struct ws_ctx *ws,
                                const struct slack_sim_options *opts);
void slack_sim_free(struct slack_sim *sim);

int         slack_sim_port(const struct slack_sim *sim);
/* "http://127.0.0.1:PORT/api/": what a bot uses instead of
 * https://slack.com/api/. */
const char *slack_sim_api_url(const struct slack_sim *sim);
/* "http://127.0.0.1:PORT" */
const char *slack_sim_base_url(const struct slack_sim *sim);
const struct slack_sim_identity *slack_sim_identity(
    const struct slack_sim *sim);
/* Why the last control call failed ("" if it did not). */
const char *slack_sim_error(const struct slack_sim *sim);

/* ---- workspace state ---- */

struct slack_sim_user {
    char   *id;
    char   *name;
    char   *real_name;
    char   *tz;            /* IANA zone */
    char   *tz_label;      /* NULL: derived from tz when asked */
    int     tz_offset;     /* seconds; used only with tz_label */
    char   *email;
    bool    is_bot;
    char   *dm_id;         /* the DM channel with the bot, or NULL */
};

struct slack_sim_user_spec {
    const char *id;         /* NULL: generated "U0SIM..." */
    const char *name;       /* required, unique */
    const char *real_name;  /* NULL: name */
    const char *tz;         /* NULL: "UTC"; must be a valid zone */
    const char *tz_label;   /* NULL: from the zone at request time */
    int         tz_offset;  /* with tz_label only */
    const char *email;
    bool        is_bot;
};

struct slack_sim_edit {     /* a message's earlier version */
    char    *text;
    cJSON   *blocks;        /* NULL if none */
    int64_t  replaced_at_ms;
};

struct slack_sim_message {
    char   *ts;
    char   *channel_id;
    char   *user;           /* author's user id (the bot user for bots) */
    char   *bot_id;         /* NULL for humans */
    char   *text;
    cJSON  *blocks;         /* NULL if none */
    char   *thread_ts;      /* NULL unless a thread reply */
    char   *subtype;        /* NULL, or "channel_topic" */
    bool    pinned;
    struct slack_sim_edit *edits;   /* oldest first */
    size_t  nedits;
};

struct slack_sim_channel {
    char   *id;             /* C..., D... for DMs, G... for group DMs */
    char   *name;           /* NULL for DMs */
    bool    is_private;
    bool    is_im;
    bool    is_mpim;
    char   *im_user;        /* DMs: the human */
    char   *creator;
    int64_t created;        /* epoch seconds */
    char   *topic;          /* "" until set */
    char   *topic_creator;
    int64_t topic_last_set;
    bool    is_archived;    /* conversations.archive: no more posts */
    char  **members;
    size_t  nmembers;
    struct slack_sim_message **messages;   /* in ts order */
    size_t  nmessages;
};

struct slack_sim_ephemeral {
    char   *channel_id;
    char   *user;           /* who sees it */
    char   *text;
    cJSON  *blocks;
    char   *ts;
    const char *source;     /* "chat.postEphemeral", "ack",
                               "response_url" */
};

struct slack_sim_view {
    char   *id;             /* "V0SIM..." */
    char   *user;
    char   *trigger_id;
    char   *callback_id;    /* "" if none */
    cJSON  *view;           /* as the bot sent it */
};

const struct slack_sim_user *slack_sim_add_user(
    struct slack_sim *sim, const struct slack_sim_user_spec *spec);
/* By id or name ("alice" or "@alice"). */
const struct slack_sim_user *slack_sim_user(const struct slack_sim *sim,
                                            const char *id_or_name);
/* members: NULL-terminated user ids or names, may be NULL.  The bot is
 * not a member unless listed (use the bot's user id). */
const struct slack_sim_channel *slack_sim_add_channel(
    struct slack_sim *sim, const char *name, bool is_private,
    const char *const *members);
/* By id ("C..."/"D...") or name ("spring-launch" or "#spring-launch"). */
const struct slack_sim_channel *slack_sim_channel(
    const struct slack_sim *sim, const char *id_or_name);
/* The DM channel between the bot and user (id or name), or NULL. */
const struct slack_sim_channel *slack_sim_dm(const struct slack_sim *sim,
                                             const char *user);
size_t slack_sim_channel_count(const struct slack_sim *sim);
const struct slack_sim_channel *slack_sim_channel_at(
    const struct slack_sim *sim, size_t i);
bool slack_sim_is_member(const struct slack_sim_channel *ch,
                         const char *user_id);
const struct slack_sim_message *slack_sim_message(
    const struct slack_sim *sim, const char *channel, const char *ts);
/* The newest message in channel (any author), or NULL. */
const struct slack_sim_message *slack_sim_last_message(
    const struct slack_sim *sim, const char *channel);
size_t slack_sim_ephemeral_count(const struct slack_sim *sim);
const struct slack_sim_ephemeral *slack_sim_ephemeral_at(
    const struct slack_sim *sim, size_t i);
size_t slack_sim_view_count(const struct slack_sim *sim);
const struct slack_sim_view *slack_sim_view_at(const struct slack_sim *sim,
                                               size_t i);

/* ---- what the bot did ---- */

struct slack_sim_call {      /* one Web API request */
    unsigned     seq;        /* 1, 2, ... across all records */
    int64_t      at_ms;      /* loop time */
    char        *method;     /* "chat.postMessage" */
    cJSON       *args;       /* object; form values are strings */
    bool         json_body;
    long         status;     /* HTTP status sent */
    int          retry_after;/* seconds, with 429 */
    cJSON       *response;   /* body sent */
    const char  *error;      /* response "error", or NULL if ok */
    bool injected;           /* answered by slack_sim_api_fail_method() */
};

struct slack_sim_ack {
    unsigned     seq;
    int64_t      at_ms;
    char        *envelope_id;
    const char  *type;       /* envelope type acked; NULL if unknown id */
    cJSON       *payload;    /* NULL when the ack had none */
    int          conn_id;
    bool         late;       /* after that envelope's ack window */
    bool         duplicate;  /* this envelope_id was acked before */
};

struct slack_sim_envelope {  /* one delivery attempt */
    unsigned     seq;
    int64_t      sent_at_ms; /* 0 while queued (no socket open) */
    char        *envelope_id;
    const char  *type;       /* "events_api", "slash_commands",
                                "interactive" */
    char        *event_id;   /* events_api only, else NULL */
    int          attempt;    /* retry_attempt: 0, 1, ... */
    int          conn_id;    /* 0 while queued */
    bool         acked;      /* this envelope_id was acked */
    bool         timed_out;  /* interaction never acked in time */
    cJSON       *json;       /* the envelope as sent */
};

struct slack_sim_conn {      /* one websocket connection */
    int          id;         /* 1, 2, ... */
    int64_t      opened_at_ms;
    int64_t      closed_at_ms;      /* 0 while open */
    bool         open;
    bool         refused;           /* never got hello */
    const char  *refused_reason;    /* "too_many_websockets", or why the
                                       upgrade was refused:
                                       "invalid_ticket", "used_ticket",
                                       "expired_ticket", "bad_path" */
    bool         debug_reconnects;
    int          num_connections;   /* as sent in hello */
    unsigned     pings_sent;
    unsigned     pongs_received;
    unsigned     frames_in;
    unsigned     bad_frames;        /* not JSON or no envelope_id */
    int          close_code;        /* from the peer, or ours; -1 none */
    bool         peer_closed;       /* the client closed first */
    char        *last_disconnect;   /* last disconnect reason sent */
};

size_t slack_sim_call_count(const struct slack_sim *sim);
const struct slack_sim_call *slack_sim_call_at(const struct slack_sim *sim,
                                               size_t i);
/* Calls of method (NULL: any) so far; and the nth of them (0-based, or
 * -1 for the last). */
size_t slack_sim_calls_of(const struct slack_sim *sim, const char *method);
const struct slack_sim_call *slack_sim_call_find(
    const struct slack_sim *sim, const char *method, int nth);
/* String argument of a call ("" when absent; numbers and bools as text
 * are not converted). */
const char *slack_sim_call_arg(const struct slack_sim_call *c,
                               const char *name);

size_t slack_sim_ack_count(const struct slack_sim *sim);
const struct slack_sim_ack *slack_sim_ack_at(const struct slack_sim *sim,
                                             size_t i);
const struct slack_sim_ack *slack_sim_ack_find(const struct slack_sim *sim,
                                               const char *envelope_id);
size_t slack_sim_envelope_count(const struct slack_sim *sim);
const struct slack_sim_envelope *slack_sim_envelope_at(
    const struct slack_sim *sim, size_t i);
/* Attempts so far for the delivery that envelope_id belongs to. */
int slack_sim_attempts(const struct slack_sim *sim, const char *envelope_id);
size_t slack_sim_conn_count(const struct slack_sim *sim);
const struct slack_sim_conn *slack_sim_conn_at(const struct slack_sim *sim,
                                               size_t i);
/* Sockets currently open (hello sent, not refused). */
size_t slack_sim_open_count(const struct slack_sim *sim);

/* ---- the human side: pushes over Socket Mode ---- */

struct slack_sim_push {
    char envelope_id[40];
    char event_id[24];       /* events_api */
    char trigger_id[96];     /* slash commands and interactions */
    char ts[24];             /* message events: the message's ts */
    char response_url[128];  /* slash commands and block_actions */
};

struct slack_sim_field {     /* one modal input */
    const char *block_id;
    const char *action_id;
    const char *value;
};

/*
 * Each builds a realistic payload, wraps it in an envelope
 * with a fresh envelope_id (and event_id), and delivers it to an open
 * socket (round robin), or queues it until one opens.  user and channel
 * are ids or names.  0 on success; -1 (see slack_sim_error()) for an
 * unknown user, channel, message or view.  out may be NULL.
 */
int slack_sim_push_command(struct slack_sim *sim, const char *user,
                           const char *channel, const char *command,
                           const char *text, struct slack_sim_push *out);
/* message.im: creates the DM channel if needed. */
int slack_sim_push_dm(struct slack_sim *sim, const char *user,
                      const char *text, struct slack_sim_push *out);
/* The same as a reply in the thread of the DM message at thread_ts. */
int slack_sim_push_dm_reply(struct slack_sim *sim, const char *user,
                            const char *text, const char *thread_ts,
                            struct slack_sim_push *out);
/* app_mention: "<@BOT> " is prefixed unless text mentions the bot. */
int slack_sim_push_mention(struct slack_sim *sim, const char *user,
                           const char *channel, const char *text,
                           struct slack_sim_push *out);
/* message.channels / message.groups; thread_ts may be NULL. */
int slack_sim_push_message(struct slack_sim *sim, const char *user,
                           const char *channel, const char *text,
                           const char *thread_ts,
                           struct slack_sim_push *out);
/* block_actions: a button press on the message at (channel, ts); the
 * button's text and block_id come from the message's blocks. */
int slack_sim_push_action(struct slack_sim *sim, const char *user,
                          const char *channel, const char *message_ts,
                          const char *action_id, const char *value,
                          struct slack_sim_push *out);
/* view_submission of a modal the bot opened (view_id from
 * slack_sim_view_at()).  Every input block of the view is in
 * state.values, with what fields give it, else empty (a null value);
 * -1 when an input that is not "optional" would be empty, as Slack's
 * client does not send such a form. */
int slack_sim_push_submission(struct slack_sim *sim, const char *user,
                              const char *view_id,
                              const struct slack_sim_field *fields,
                              size_t nfields, struct slack_sim_push *out);

/* ---- faults ---- */

enum slack_sim_fault {
    SLACK_SIM_FAULT_WARNING,        /* disconnect warning, then after
                                       warning_delay_ms refresh_requested,
                                       then close */
    SLACK_SIM_FAULT_REFRESH,        /* refresh_requested, then close */
    SLACK_SIM_FAULT_LINK_DISABLED,  /* link_disabled, then close */
    SLACK_SIM_FAULT_TOO_MANY,       /* too_many_websockets, then close */
    SLACK_SIM_FAULT_CLOSE,          /* a close frame (args.code) */
    SLACK_SIM_FAULT_DROP,           /* TCP close without a close frame */
    SLACK_SIM_FAULT_ZOMBIE,         /* stop reading and writing: pings go
                                       unanswered, acks unseen */
    SLACK_SIM_FAULT_STOP_PINGS,     /* stop sending server pings */
    SLACK_SIM_FAULT_MALFORMED,      /* a text frame that is not JSON */
    SLACK_SIM_FAULT_UNKNOWN_TYPE,   /* an envelope of an unknown type */
    SLACK_SIM_FAULT_MISSING_FIELDS, /* events_api without envelope_id and
                                       with a payload lacking event */
    SLACK_SIM_FAULT_OVERSIZED,      /* a JSON frame of args.bytes bytes */
    SLACK_SIM_FAULT_COUNT_,
};

struct slack_sim_fault_args {
    int         code;       /* CLOSE: close code; 0: 1011 */
    size_t      bytes;      /* OVERSIZED: 0: 2 MiB */
};

/* conn_id 0: every open socket (not refused, no close frame sent yet).
 * 0, or -1 if there is no such socket. */
int slack_sim_socket_inject(struct slack_sim *sim, int conn_id,
                            enum slack_sim_fault f,
                            const struct slack_sim_fault_args *args);
const char *slack_sim_socket_fault_name(enum slack_sim_fault f);
/* -1 for an unknown name. */
int slack_sim_socket_fault_from_name(const char *name);
/* Send text as one frame, verbatim. */
int slack_sim_socket_send_raw(struct slack_sim *sim, int conn_id,
                              const char *text, size_t len);

/*
 * The next count calls of method ("*": any method) are answered with:
 * status 429 and Retry-After retry_after (error "ratelimited"), a 5xx
 * status (body {"ok":false,"error":"internal_error"} unless error), or
 * status 0 / 200 with {"ok":false,"error":error} (error NULL:
 * "fatal_error").  Faults queue in order; the first that matches is used
 * up first.  Every such answer is logged with injected = true.
 * Applies to apps.connections.open too (invalid_auth, account_inactive,
 * ratelimited).
 */
struct slack_sim_method_fault {
    const char *method;
    int         count;          /* 0: 1 */
    long        status;         /* 0: 200 */
    int         retry_after;    /* 429: seconds; 0: 1 */
    const char *error;          /* NULL: by status */
    const char *channel;        /* NULL: any call; else only calls whose
                                   "channel" argument is this */
};
void slack_sim_api_fail_method(struct slack_sim *sim,
                               const struct slack_sim_method_fault *f);
/* Deliver envelope_id's payload again now, retry_attempt + 1 and
 * retry_reason "timeout", with a new envelope_id.  -1 if unknown. */
int slack_sim_socket_redeliver(struct slack_sim *sim, const char *envelope_id);

/* ---- waiting (run the loop) ---- */

typedef bool slack_sim_pred_fn(void *arg);

/* Run the loop until pred(arg) holds (checked first, then after every
 * iteration) or timeout_ms passes.  Returns pred's last value. */
bool slack_sim_wait(struct slack_sim *sim, slack_sim_pred_fn *pred,
                    void *arg, int timeout_ms);
/* At least n calls of method (NULL: any). */
bool slack_sim_wait_calls(struct slack_sim *sim, const char *method,
                          size_t n, int timeout_ms);
bool slack_sim_wait_acks(struct slack_sim *sim, size_t n, int timeout_ms);
/* At least n sockets open (hello sent). */
bool slack_sim_wait_open(struct slack_sim *sim, size_t n, int timeout_ms);
/* Run the loop for ms regardless. */
void slack_sim_run_for(struct slack_sim *sim, int ms);

#endif
