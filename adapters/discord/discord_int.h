/*
 * discord_int: what the Discord adapter's files share (see discord.h for
 * the module map).  Not for use outside adapters/discord.
 *
 * Threading: everything runs on the daemon's loop thread.
 * Ownership: struct discord owns its REST client, its gateway, every job
 * and interaction record; the platform env, the config and the core are
 * borrowed from the daemon.
 */
#ifndef CHORUS_DISCORD_INT_H
#define CHORUS_DISCORD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backoff.h"
#include "http.h"
#include "json.h"
#include "adapter.h"
#include "buf.h"
#include "event.h"

#include "discord.h"

#define DC_ID_LEN 24          /* a snowflake is at most 20 digits */
#define DC_REF_LEN 48         /* "channel_id:message_id" */
#define DC_CONTENT_MAX 2000   /* message content, in bytes here (code
                                 points on Discord: bytes are safe) */
#define DC_TOPIC_MAX 1024
#define DC_CUSTOM_ID_MAX 100

/* Gateway intents: the bits Identify asks for. */
#define DC_INTENT_GUILDS          (1L << 0)
#define DC_INTENT_GUILD_MESSAGES  (1L << 9)
#define DC_INTENT_DIRECT_MESSAGES (1L << 12)
#define DC_INTENT_MESSAGE_CONTENT (1L << 15)

/* Permission bits, as Discord numbers them. */
#define DC_PERM_MANAGE_CHANNELS   (UINT64_C(1) << 4)
#define DC_PERM_VIEW_CHANNEL      (UINT64_C(1) << 10)
#define DC_PERM_SEND_MESSAGES     (UINT64_C(1) << 11)
#define DC_PERM_MANAGE_MESSAGES   (UINT64_C(1) << 13)
#define DC_PERM_READ_HISTORY      (UINT64_C(1) << 16)
#define DC_PERM_MANAGE_ROLES      (UINT64_C(1) << 28)
/* Split from MANAGE_MESSAGES in 2026: pinning needs this one now. */
#define DC_PERM_PIN_MESSAGES      (UINT64_C(1) << 51)

/* What the invite URL asks for (README, "Discord"): Manage Channels,
 * View Channels, Send Messages, Read Message History, Manage Roles (the
 * overwrites that keep a campaign channel private) and Pin Messages.
 * 2251800082189328: above 2^32, so always a uint64_t and, in JSON, a
 * decimal string. */
#define DC_INVITE_PERMS                                                   \
    (DC_PERM_MANAGE_CHANNELS | DC_PERM_VIEW_CHANNEL |                     \
     DC_PERM_SEND_MESSAGES | DC_PERM_READ_HISTORY | DC_PERM_MANAGE_ROLES | \
     DC_PERM_PIN_MESSAGES)

struct discord;
struct rest;
struct rest_req;
struct gateway;
struct loop_timer;

/* ---- snowflakes (discord_events.c); other fields: json.h ---- */

/* A snowflake field into out (string or number); false if absent/bad. */
bool discord_events_id(const cJSON *o, const char *name, char out[DC_ID_LEN]);
bool discord_events_is_snowflake(const char *s);

/* ---- REST (discord_rest.c) ---- */

enum rest_flags {
    REST_NO_AUTH = 1u << 0,  /* interaction callbacks and webhooks: the
                                token in the URL is the credential */
    REST_BURST = 1u << 1,    /* no bucket queue and no global limit
                                (interaction endpoints); 429 still waits */
};

struct rest_result {
    long            status;   /* HTTP status; 0 on a transport failure */
    enum ch_status  ch;       /* CH_OK, CH_REMOTE_4XX, CH_REMOTE_5XX,
                                 CH_IO, or CH_BUSY (halted: the token was
                                 refused; or cancelled: the work stays in
                                 the outbox) */
    bool            cancelled;    /* stop or free let go of it unanswered:
                                     report nothing */
    int             code;     /* Discord's JSON error code, 0 if none */
    const char     *error;    /* one line for logs and the outbox, or NULL */
    const cJSON    *json;     /* the parsed body, NULL for 204/non-JSON */
};

/* Ownership: r and everything in it are borrowed for the call. */
typedef void rest_done_fn(void *arg, const struct rest_result *r);

struct rest_options {
    struct loop *loop;
    struct http *http;
    const char  *base;        /* ".../api/v10", copied */
    const char  *token;       /* bot token, copied and wiped on free */
    /* A 401 on a request made with the bot token: the client halts (every
     * later request finishes with CH_BUSY) and says so once. */
    void       (*unauthorized)(void *arg, const char *why);
    /* discord_rest_full() said yes, and now there is room. */
    void       (*room)(void *arg);
    void        *arg;
};

struct rest *discord_rest_new(const struct rest_options *o);
/* Cancels everything on the wire or queued: each done() hears
 * .cancelled. */
void discord_rest_free(struct rest *r);
/*
 * Queue a request.  path starts with '/', is relative to the base and may
 * carry a query.  body is JSON text or NULL (copied); audit_reason goes in
 * X-Audit-Log-Reason (copied, NULL for none).  done(arg, result) is called
 * exactly once, from the loop, after discord_rest_send() returned; with
 * .cancelled when stop or free let go of the request first.  429s are
 * waited out and retried without limit; 5xx and transport failures are
 * retried 3 times with backoff.
 */
void discord_rest_send(struct rest *r, enum http_method m, const char *path,
                       const char *body, unsigned flags,
                       const char *audit_reason, rest_done_fn *done, void *arg);
/* Start no request; those on the wire may end until deadline_ms, then the
 * rest is cancelled and done(arg) is called once, from the loop. */
void discord_rest_stop(struct rest *r, int64_t deadline_ms,
                       void (*done)(void *arg), void *arg);
/* Too much is queued (a cap far above normal work): take no new work. */
bool discord_rest_full(const struct rest *r);
bool discord_rest_halted(const struct rest *r);

/* ---- gateway (discord_gateway.c) ---- */

struct gateway *discord_gateway_new(struct discord *d);
void discord_gateway_free(struct gateway *gw);
/* Fetch /gateway/bot and connect. */
void discord_gateway_start(struct gateway *gw);
/* Close with 1000 (see discord.c for why), then done(arg) once. */
void discord_gateway_stop(struct gateway *gw, void (*done)(void *arg),
                          void *arg);
bool discord_gateway_is_ready(const struct gateway *gw);
/* One text frame received on the current connection: what the
 * websocket hands on, and what the fuzz target (tests/fuzz) feeds in
 * without one. */
void discord_gateway_frame(struct gateway *gw, const char *msg, size_t len);

/* ---- dispatch (discord_events.c) ---- */

/* One gateway dispatch (op 0) with event name t and payload d. */
void discord_events_dispatch(struct discord *d, const char *t,
                             const cJSON *data);
/* Users seen in events, for find_user ("add spring-launch bob"). */
void discord_events_users_note(struct discord *d, const cJSON *user,
                               const char *nick);
enum ch_status discord_events_users_find(struct discord *d, const char *name,
                                         struct buf *out);

/* ---- commands (discord_commands.c) ---- */

/* Discord's limits on chat commands (discord-protocol.md §3.4). */
#define DC_COMMANDS_MAX      100   /* chat commands in one list */
#define DC_OPTIONS_MAX       25    /* options of a command or subcommand */
#define DC_CHOICES_MAX       25    /* choices of an option */
#define DC_COMMAND_CHARS_MAX 8000  /* names, descriptions and values of a
                                      command and all its options */

/* What a command list came to (for the log and the tests). */
struct discord_commands_stats {
    size_t commands;              /* chat commands in the list */
    size_t largest_chars;         /* the largest one, as Discord counts */
    char   largest[40];
    size_t most_options;          /* the most options (or subcommands) */
    char   most_options_name[40];
    size_t shortened;             /* commands whose descriptions were cut
                                     to fit */
    size_t left_out;              /* commands, subcommands and options'
                                     choices left out to fit */
};

struct cmd_form;

/* The bulk-overwrite body: [{"name":"approve",...},{"name":"brief",...}],
 * one chat command per chorus command, generated from the core's command
 * table and kept within Discord's limits (see discord_commands.c).  st, if
 * not NULL, gets the figures.  Ownership: the caller frees the string. */
char *discord_commands_json(struct discord_commands_stats *st);
/* The same for other forms than the core's (the tests' oversized ones). */
char *discord_commands_json_of(const struct cmd_form *forms, size_t n,
                               struct discord_commands_stats *st);
/*
 * The command line of a chat-input interaction's data ("approve
 * spring-launch#3 looks good").  CH_OK: the line is in out; otherwise out
 * holds a message for the user (unknown subcommand, missing option) and
 * nothing reaches the core.  *defer_first is set for commands whose work
 * fans out (see discord_commands.c).
 */
enum ch_status discord_commands_line(const cJSON *data, struct buf *out,
                                     bool *defer_first);
/* A value as one word of a command line: quoted and escaped when it has
 * spaces or quotes. */
void discord_commands_append_word(struct buf *out, const char *value);

/* ---- the adapter (discord.c) ---- */

enum dc_logged {          /* "logged once" flags for bad input */
    DC_LOG_MALFORMED = 1u << 0,
    DC_LOG_UNKNOWN_OP = 1u << 1,
    DC_LOG_OVERSIZE = 1u << 2,
    DC_LOG_INTERACTION = 1u << 3,
    DC_LOG_NO_GUILD = 1u << 4,
    DC_LOG_COMPONENT = 1u << 5,
    DC_LOG_INVALID_REQ = 1u << 6,
    DC_LOG_UNKNOWN_OPTION = 1u << 7,
    DC_LOG_NO_PIN = 1u << 8,
};

struct dc_user {
    char id[DC_ID_LEN];
    char username[40];
    char global_name[64];
};

#define DC_USERS 256
#define DC_DM_CACHE 128
#define DC_EVENT_NAMES 32

struct dc_dm {
    char user[DC_ID_LEN];
    char channel[DC_ID_LEN];
};

/* A button whose command and prompt do not fit in a custom_id (and a
 * pressed button, decoded). */
#define DC_BUTTONS 128
struct dc_button {
    unsigned key;
    char    *command;
    char    *prompt;
    bool     rubric;    /* the form asks for the failed rubric points */
    bool     optional;  /* the text may be left empty */
};

struct job;
struct ix;
struct inbound;

struct discord {
    struct adapter       base;          /* first: the core's view */
    struct adapter_env   env;
    char                *token;
    char                *api_base;      /* ".../api/v10" */
    char                 app_id[DC_ID_LEN];
    char                 guild_id[DC_ID_LEN];
    bool                 guild_configured;
    char                 bot_id[DC_ID_LEN];
    long                 intents;
    struct discord_timing timing;       /* as given: 0 is the default */
    int64_t              defer_ms;      /* DEFER_AFTER_MS unless set */
    struct rest         *rest;
    struct gateway      *gw;
    uint64_t             rng;

    /* The guild, as GUILD_CREATE showed it. */
    bool                 guild_seen;
    char                 category_id[DC_ID_LEN];   /* "campaigns" */
    bool                 category_creating;
    char                 ready_guilds[4][DC_ID_LEN];
    size_t               nready_guilds;

    /* Outbound work in progress, and interactions being answered. */
    struct job          *jobs;
    struct ix           *ix_head, *ix_tail;
    size_t               nix;
    struct loop_timer   *defer_timer;
    struct loop_timer   *kick_timer;    /* batches flushes after deliveries */
    bool                 kick_armed;
    int64_t              defer_due;     /* when it fires; 0: not armed */
    struct inbound      *retry_head, **retry_tail;
    size_t               nretry;
    struct loop_timer   *retry_timer;
    struct backoff       retry_backoff;

    /* Caches. */
    struct dc_dm         dms[DC_DM_CACHE];
    size_t               dm_next;
    struct dc_user       users[DC_USERS];
    size_t               nusers, user_next;
    struct dc_button     buttons[DC_BUTTONS];
    size_t               button_next;
    unsigned             button_key;

    /* Lifecycle. */
    bool                 started;
    bool                 stopping;
    bool                 fatal;
    bool                 commands_done;
    void               (*stop_done)(void *arg);
    void                *stop_arg;
    struct loop_timer   *stop_timer;
    int64_t              stop_deadline;
    bool                 gw_closed;
    bool                 rest_drained;

    /* Logged-once bookkeeping for bad input. */
    unsigned             logged;
    char                 seen_events[DC_EVENT_NAMES][32];
    size_t               nseen_events;
};

/* Loop time. */
int64_t discord_now(const struct discord *d);
/* The platform cannot go on: log why once and tell the daemon. */
void discord_fatal(struct discord *d, enum adapter_fatal kind,
                   const char *why);
/* The invite URL (README) with this application's id and DC_INVITE_PERMS. */
void discord_invite_url(const struct discord *d, char *out, size_t n);
/* Log at warn the first time a kind of bad input shows up, at debug
 * after that. */
void discord_log_once(struct discord *d, unsigned flag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Called by the gateway. */
void discord_on_ready(struct discord *d, const cJSON *data);
void discord_on_resumed(struct discord *d);
/* Inbound, from discord_events.c. */
void discord_interactions_handle(struct discord *d, const cJSON *data);
void discord_interactions_message(struct discord *d, const cJSON *data);
void discord_guild_seen(struct discord *d, const char *guild_id,
                        const cJSON *channels);
void discord_channel_seen(struct discord *d, const cJSON *channel, bool gone);
/* Remember a user's DM channel. */
void discord_dm_note(struct discord *d, const char *user, const char *channel);

/* ---- between discord.c, discord_jobs.c and discord_interactions.c ---- */

#define MAX_PARTS        10      /* a longer text is cut */
#define MAX_INBOUND      2000    /* events waiting for a busy database */
#define MAX_IX           4096    /* interactions being answered */
#define DEFER_AFTER_MS   1500    /* unanswered by then: defer */
#define DEFER_FIRST_MAX_MS 250   /* a deferred-first command waits at most
                                    this for its deferral to leave */
#define IX_KEEP_MS       (15 * 60 * 1000)  /* the follow-up window */
#define KICK_BATCH_MS    5       /* deliveries reported per outbox flush */
#define MODAL_TEXT_MAX   4000
#define CATEGORY_NAME    "campaigns"
#define DEFAULT_API      "https://discord.com/api"

#define BOT_ALLOW                                                        \
    (DC_PERM_VIEW_CHANNEL | DC_PERM_SEND_MESSAGES | DC_PERM_READ_HISTORY | \
     DC_PERM_PIN_MESSAGES)
#define MEMBER_ALLOW                                                     \
    (DC_PERM_VIEW_CHANNEL | DC_PERM_SEND_MESSAGES | DC_PERM_READ_HISTORY)

enum cb_state { CB_NONE, CB_SENDING, CB_DONE, CB_GONE };

/* A message ready to send: its parts and the buttons of the last one. */
struct body {
    int64_t  id;            /* outbox id; 0 when none */
    char   **parts;
    size_t   nparts;
    char    *components;    /* JSON array text, or NULL */
};

struct ix {
    struct ix     *next, *prev;
    struct discord *d;
    char           id[DC_ID_LEN];
    char          *token;
    int            type;            /* 2 command, 3 component, 5 modal */
    char           channel[DC_ID_LEN];
    char           user[DC_ID_LEN];
    char           via[DC_REF_LEN]; /* the message a button was on */
    bool           dm;
    int64_t        received;
    int64_t        reply_id;        /* the core's reply row, 0 if none */
    bool           expect_reply;
    bool           defer_first;
    enum cb_state  cb;
    int            cb_type;
    int64_t        cb_delivers;     /* outbox id reported by the callback */
    bool           cb_ref_is_via;   /* type 7: the reference is via */
    struct job    *cb_rest;         /* parts after the first, for later */
    struct job    *waiting;         /* follow-ups waiting for the callback */
    struct body    col_reply;       /* the core's in-band answer */
    struct body    col_update;
    bool           collected_reply, collected_update;
    bool           busy;            /* a callback is in flight */
    int            refs;            /* jobs and queued events using it */
};

enum job_kind {
    J_MESSAGE,          /* post, DM, plain reply */
    J_FOLLOWUP,         /* interaction reply parts over the webhook */
    J_UPDATE,
    J_CREATE_CHANNEL,
    J_CATEGORY,
    J_INVITE,
    J_PIN,
    J_TOPIC,
    J_ARCHIVE,          /* the campaign closed: the channel read-only */
};

struct job;
/* The handler of a job's REST call (never told of a cancelled one). */
typedef void job_answer_fn(struct job *j, const struct rest_result *r);

struct job {
    struct job    *next, *prev;
    struct discord *d;
    enum job_kind  kind;
    job_answer_fn *answer;          /* of the call on its way */
    int64_t        msg_id;          /* outbox id; 0 for our own work */
    char           channel[DC_ID_LEN];
    char           user[DC_ID_LEN];
    char           target[DC_ID_LEN];   /* message to edit or pin */
    struct body    body;
    size_t         part;            /* next part to send */
    char           first_ref[DC_REF_LEN];
    char           last_ref[DC_REF_LEN];
    char           mention[DC_ID_LEN];  /* "<@user> " before part one */
    char          *name;            /* channel to create */
    char          *text;            /* topic */
    struct ix     *ix;              /* J_FOLLOWUP */
    struct job    *wnext;           /* in ix->waiting */
    bool           parked;          /* waits for the guild or category */
    bool           fallback;        /* a follow-up turned into a DM */
    bool           no_pin;          /* create the channel without asking
                                       for PIN_MESSAGES (the bot lacks it) */
};

struct inbound {
    struct inbound *next;
    struct core_event ev;
    char           *strs[8];        /* owned copies behind ev */
    struct ix      *ix;
    int64_t         hold_until;     /* deferred first: until the deferral
                                       left, or this time */
};

/* discord.c */
void discord_kick(struct discord *d);
void discord_delivered(struct discord *d, int64_t id, enum ch_status s,
                       const char *ref, const char *err);
const char *discord_dm_channel(struct discord *d, const char *user);
bool discord_split_ref(const char *ref, char ch[DC_ID_LEN],
                       char msg[DC_ID_LEN]);

/* discord_jobs.c */
void discord_jobs_split_text(const char *text, const char *prefix,
                             struct body *b);
void discord_jobs_body_free(struct body *b);
void discord_jobs_button_forget(struct dc_button *b);
/* The button's custom_id (a key in d->buttons when the command is long). */
void discord_jobs_button_id(struct discord *d, const struct out_button *b,
                            char out[120]);
void discord_jobs_body_from(struct discord *d, const struct out_msg *m,
                            const char *prefix, struct body *b);
/* Part i of b as a message object (buttons on the last part). */
cJSON *discord_jobs_message_json(const struct body *b, size_t i, bool ephemeral,
                                 bool edit);
char *discord_jobs_print_free(cJSON *o);
struct job *discord_jobs_new(struct discord *d, enum job_kind kind,
                             int64_t msg_id);
void discord_jobs_free(struct job *j);
/* Run the job's next REST call, or finish it. */
void discord_jobs_step(struct job *j);
void discord_jobs_fallback_to_dm(struct job *j, const char *why);
void discord_jobs_channel_name(const char *in, char out[101]);
/* Start the jobs that waited for the guild or the category. */
void discord_jobs_resume_parked(struct discord *d);

/* discord_interactions.c */
struct ix *discord_interactions_by_reply(struct discord *d, int64_t reply_id);
void discord_interactions_free(struct ix *ix);
void discord_interactions_settle(struct ix *ix);
void discord_interactions_waiting_add(struct ix *ix, struct job *j);
/* Answer ix with b (the core's reply to it). */
void discord_interactions_reply(struct ix *ix, struct body *b);
void discord_interactions_inbound_free(struct inbound *in);
/* Hand queued inbound events to the core, in order. */
void discord_interactions_inbound_run(struct discord *d);
void discord_interactions_on_defer_timer(void *arg);
void discord_interactions_on_retry_timer(void *arg);

#endif
