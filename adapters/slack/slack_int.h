/*
 * slack_int: what the files of adapters/slack share; nobody else.
 *
 * One struct slack per process (the daemon runs one Slack workspace).  It
 * embeds struct adapter first, so the core's adapter pointer is the slack
 * pointer.  Everything runs on the daemon's one loop; nothing blocks.
 *
 * Ownership:
 *  - struct slack owns its tokens (wiped on free), its sockets, its API
 *    requests and their queue (outq.h), and its loop timers; slack_free()
 *    releases all of them, also when stop() never ran (the loop has
 *    ended then): sockets first, since one still opening points at its
 *    apps.connections.open request.
 *  - a struct slack_sock is freed by slack_socket.c only, never inside one
 *    of its own ws callbacks' callers' loops (it is unlinked first).
 *  - a struct api_req belongs to the API layer from slack_api_submit() until
 * its done() returned false (then it is freed); done() may keep it by returning
 * true after changing its arguments (it is sent again). done() is called
 * exactly once per answer, and with API_CANCELLED when the queue lets go of it
 * unanswered (stop, free).
 *  - cJSON and strings handed to the core are borrowed for one call.
 */
#ifndef CHORUS_SLACK_INT_H
#define CHORUS_SLACK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "backoff.h"
#include "json.h"
#include "outq.h"
#include "adapter.h"
#include "buf.h"

#include "slack.h"

#define SLACK_MOD "slack"

struct http_call;
struct loop_timer;
struct ws_conn;
struct slack;
struct slack_sock;
struct api_req;

/* Slack ids are short ("C0123ABCDEF", "U0123ABC"); refs are "C…:ts". */
#define SLACK_ID_MAX  32

/* A Slack id as the API uses them (U…, C…, D…): upper-case letters and
 * digits, shorter than SLACK_ID_MAX. */
bool slack_is_id(const char *s);
#define SLACK_REF_MAX 64

/*
 * Raw spans in message text: what the render_* ops write (mentions, dates)
 * is wrapped in these two bytes so that slack_blocks_text() escapes everything
 * else (&, <, >) and nothing of them.  The core refuses control bytes in
 * user input, so they cannot come from a person.
 */
#define SLACK_RAW_OPEN  '\001'
#define SLACK_RAW_CLOSE '\002'

/* Timings; defaults in slack.c.  CHORUS_SLACK_PING_MS (tests) sets the
 * ping interval, and the stale and hello limits follow it. */
struct slack_timing {
    int64_t ping_ms;             /* client ping every */
    int64_t stale_ms;            /* no pong for this long: stale */
    int64_t hello_ms;            /* socket open, no hello: give up */
    int64_t reconnect_base_ms;   /* backoff before the first reconnect */
    int64_t reconnect_max_ms;
    int64_t link_disabled_ms;    /* link_disabled: first wait */
    int64_t link_disabled_max_ms;
    int64_t retry_base_ms;       /* Web API: 5xx, network, bad body, */
    int64_t retry_max_ms;        /* retried for as long as we run */
};

/* ---- the Web API (slack_api.c) ---- */

/* The methods chorus calls; the table in slack_api.c says how. */
enum slack_method {
    SM_APPS_CONNECTIONS_OPEN,
    SM_AUTH_TEST,
    SM_CHAT_POST_EPHEMERAL,
    SM_CHAT_POST_MESSAGE,
    SM_CHAT_UPDATE,
    SM_CONVERSATIONS_ARCHIVE,
    SM_CONVERSATIONS_CREATE,
    SM_CONVERSATIONS_INVITE,
    SM_CONVERSATIONS_OPEN,
    SM_CONVERSATIONS_SET_TOPIC,
    SM_PINS_ADD,
    SM_USERS_INFO,
    SM_VIEWS_OPEN,
    SM_COUNT
};

const char *slack_api_method_name(enum slack_method m);

/* What a request's handler is told once the API layer is done with it:
 * transient failures (network, 5xx, 429, bodies that are not JSON,
 * internal_error...) are retried below and never reach a handler, and a
 * dead token is fatal for the whole adapter. */
enum api_outcome {
    API_OK,         /* {"ok":true,...}: body */
    API_ERROR,      /* {"ok":false,"error":...}: error */
    API_HTTP,       /* an unexpected status (a 4xx but 429): error */
    API_CANCELLED,  /* stopped before an answer; nothing is reported */
};

struct api_result {
    enum api_outcome outcome;
    const cJSON     *body;     /* borrowed; NULL unless API_OK/API_ERROR */
    const char      *error;    /* "channel_not_found", "HTTP 404" */
    long             status;   /* HTTP status */
};

/* true: the handler changed r (args, lane) and wants it sent again. */
typedef bool api_done_fn(struct slack *sk, struct api_req *r,
                         const struct api_result *res);

struct api_req {
    struct outq_item   item;       /* first: the queue's */
    struct slack      *sk;
    enum slack_method  m;
    cJSON             *args;       /* owned: the method's arguments */
    api_done_fn       *done;
    int64_t            outbox_id;  /* 0: not an outbox row */
    enum out_kind      kind;
    struct http_call  *call;       /* while on the wire */
    bool               warned;     /* a transient failure was logged */
    bool               needs_dm;   /* channel: user's DM (opened with
                                      conversations.open first) */
    int                suffix;     /* conversations.create: name_taken */
    char               want[96];   /* conversations.create: the name */
    char               user[SLACK_ID_MAX];   /* target user, if any */
    void              *ctx;        /* the handler's (a socket) */
    cJSON             *more;       /* owned: chat.post*: the next parts
                                      of a long text, [{text, blocks}] */
};

/* A user's direct-message channel, learned from conversations.open or
 * from a message they sent; or why it could not be opened. */
struct slack_dm {
    struct slack_dm *next;
    char             user[SLACK_ID_MAX];
    char             channel[SLACK_ID_MAX];
    char             error[48];
    bool             opening;    /* conversations.open queued */
};

struct api_req *slack_api_req_new(struct slack *sk, enum slack_method m,
                                  api_done_fn *done);
void slack_api_req_free(struct api_req *r);
/* Queue r on lane, the conversation it belongs to (a channel id, or a
 * user id for a DM), or NULL for a call that keeps no order. */
void slack_api_submit(struct slack *sk, struct api_req *r, const char *lane);
/* A user's DM channel seen in an event (saves a conversations.open). */
void slack_api_dm_note(struct slack *sk, const char *user, const char *channel);

/* The queue, from slack_new(); its free releases every request. */
void            slack_api_new(struct slack *sk);
void            slack_api_free(struct slack *sk);
/* auth.test, then the first socket. */
void            slack_api_start(struct slack *sk);
/* stop(): start no call; those on the wire until the deadline; then
 * slack_stop_progress(). */
void            slack_api_stop(struct slack *sk, int64_t deadline_ms);
/* Outbox rows -> Web API calls. */
enum ch_status  slack_api_deliver(struct slack *sk, const struct out_msg *m);

/* ---- sockets (slack_socket.c) ---- */

void slack_socket_open(struct slack *sk, const char *why);
/* stop(): close every socket politely (1000) and take no envelope. */
void slack_socket_close_all(struct slack *sk);
void slack_socket_free_all(struct slack *sk);
size_t slack_socket_count(const struct slack *sk);
/* A socket on no connection, as if waiting for its hello, to hand
 * frames to slack_events_frame() without a network (the fuzz target,
 * tests/fuzz): what it would send, acks included, goes nowhere.  Freed
 * with the others. */
struct slack_sock *slack_socket_detached(struct slack *sk);
/* From slack_events.c. */
void slack_socket_hello(struct slack_sock *s, const cJSON *j);
void slack_socket_disconnect(struct slack_sock *s, const cJSON *j);
/* Send an ack (or any text frame) on s; -1 when s cannot take it. */
int slack_socket_send(struct slack_sock *s, const char *text, size_t len);
unsigned slack_socket_id(const struct slack_sock *s);
struct slack *slack_socket_owner(const struct slack_sock *s);

/* ---- envelopes (slack_events.c) ---- */

void slack_events_frame(struct slack_sock *s, const char *msg, size_t len);

/* ---- text and blocks (slack_blocks.c) ---- */

/* Core text -> Slack text: &, < and > escaped outside raw spans, raw
 * span markers dropped, cut to max_chars characters (with a mark). */
void slack_blocks_text(const char *in, size_t max_chars, struct buf *out);
/* Inbound text: Slack's &lt; &gt; &amp; back to characters, except a
 * typed "<@", "<#" or "<!" (kept escaped: only Slack makes mentions). */
void slack_blocks_text_in(const char *in, struct buf *out);
/* Where the first message of an escaped text s ends, so that it holds
 * at most max_chars characters: at a line break in the second half if
 * there is one (else a space), never inside an entity or a mention.
 * strlen(s) when all of it fits. */
size_t slack_blocks_part_end(const char *s, size_t max_chars);
/* Blocks for a message: its text in sections and an actions block per
 * row of buttons.  NULL when there are no buttons (text alone is
 * enough). */
cJSON *slack_blocks(const char *text, const struct out_button *b,
                    size_t n);
/* A pressed button of chorus's: the command it runs and, for one that
 * asks first, its question and what the form offers. */
struct slack_press {
    char *command;
    char *prompt;      /* NULL: the command runs at once */
    bool  rubric;      /* the form asks for the failed rubric points too */
    bool  optional;    /* the text may be left empty */
};
/* A button press: action_id and value -> *out (strings allocated; free
 * them with slack_blocks_press_free()); false for a button that is not
 * ours. */
bool slack_blocks_button_parse(const char *action_id, const char *value,
                               struct slack_press *out);
void slack_blocks_press_free(struct slack_press *p);
/* The modal for a button with a prompt: with rubric, a checkboxes input
 * for the three rubric points above the text; the text input optional
 * when the press says so.  Owned by the caller. */
cJSON *slack_blocks_modal(const char *label, const struct slack_press *press,
                          const char *via, const char *channel);
/* The command a submitted modal runs: "<command> [fail:<ticked points>]
 * [<answer>]", from the view's state values (answer NULL or empty: none).
 * Allocated. */
char  *slack_blocks_modal_line(const char *command, const cJSON *values,
                               const char *answer);
#define SLACK_MODAL_CALLBACK "chorus.ask"
#define SLACK_MODAL_BLOCK    "chorus.text"
#define SLACK_MODAL_ACTION   "text"
#define SLACK_RUBRIC_BLOCK   "chorus.rubric"
#define SLACK_RUBRIC_ACTION  "points"
/* A channel name within Slack's rules from what the core wants; suffix
 * > 1 appends "-N" (name_taken). */
void slack_blocks_channel_name(const char *want, int suffix, char *out,
                               size_t outlen);
/* "C123:1700000000.000100" -> channel and ts; false if malformed. */
bool slack_blocks_ref_split(const char *ref, char *channel, size_t clen,
                            char *ts, size_t tlen);

/* ---- the adapter (slack.c) ---- */

/* The longest reply an ack carries (a longer one goes later, in parts). */
#define SLACK_ACK_TEXT_MAX 4000

/* Where the reply to an app_mention goes: a thread under the mention. */
#define SLACK_THREADS 64
struct slack_thread {
    int64_t reply_id;
    char    channel[SLACK_ID_MAX];
    char    ts[SLACK_ID_MAX];
};

struct slack {
    struct adapter       base;          /* first */
    struct adapter_env   env;
    struct slack_timing  t;
    char                *app_token;     /* owned, wiped on free */
    char                *bot_token;
    char                *auth_app;      /* "Authorization: Bearer ..." */
    char                *auth_bot;
    char                 api_url[512];  /* no trailing '/' */

    /* Who we are (auth.test). */
    bool                 authed;
    char                 self_user[SLACK_ID_MAX];
    char                 self_bot[SLACK_ID_MAX];
    char                 team[128];

    /* Sockets (slack_socket.c). */
    struct slack_sock   *socks;
    unsigned             sock_seq;
    struct backoff       reconnect;
    struct loop_timer   *reconnect_timer;
    bool                 reconnect_armed;
    bool                 ever_open;     /* a socket said hello once */
    int64_t              link_disabled_wait;   /* 0: not disabled */

    /* Web API (slack_api.c). */
    struct outq         *outq;
    int64_t              blocked_until[SM_COUNT];  /* 429, per method */
    struct slack_dm     *dms;
    bool                 api_drained;   /* stop(): nothing on the wire */

    struct slack_thread  threads[SLACK_THREADS];
    size_t               nthread;

    /* Lifecycle. */
    bool                 started;
    bool                 stopping;
    bool                 finished;
    bool                 failed;        /* fatal() was called */
    void               (*done)(void *arg);
    void                *done_arg;
    int64_t              deadline;
    struct loop_timer   *stop_timer;
};

static inline struct slack *
slack_of(struct adapter *a)
{
    return (struct slack *)a;
}

/* Ask the daemon to flush the outbox and re-arm its timer. */
void slack_kick(struct slack *sk);
/* The adapter cannot go on (a dead token): log why, tell the daemon. */
void slack_fatal(struct slack *sk, enum adapter_fatal kind, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));
/* stop(): called whenever a socket closed or the queue drained. */
void slack_stop_progress(struct slack *sk);
/* Remember that the reply reply_id answers a mention at (channel, ts). */
void slack_thread_note(struct slack *sk, int64_t reply_id,
                       const char *channel, const char *ts);
const struct slack_thread *slack_thread_find(struct slack *sk,
                                             int64_t reply_id);

#endif
