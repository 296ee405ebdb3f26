/*
 * slack_sim_int: what the slack_sim_*.c files share; not for users.
 *
 * Files:
 *   slack_sim.c         lifecycle, workspace state, records, observer,
 *                       ids and timestamps, waiting
 *   slack_sim_socket.c  Socket Mode: tickets and the upgrade, hello,
 *                       pings, deliveries, acks and redelivery,
 *                       disconnects, faults, the timer
 *   slack_sim_api.c     Web API method table, response_url hooks
 *   slack_sim_push.c    payload builders for the scripted human side
 *   slack_sim_ctl.c     /_sim/ control routes and JSON dumps
 *
 * Ownership inside the sim: every record is allocated on its own and kept
 * in a pointer vector until slack_sim_free(), so pointers handed out stay
 * valid.  A live socket (struct ssim_sock) is tied to one connection of
 * the web server (sim_server.h), from its open callback until its closed
 * callback or slack_sim_free().
 */
#ifndef CHORUS_SLACK_SIM_INT_H
#define CHORUS_SLACK_SIM_INT_H

#include "slack_sim.h"

#include "buf.h"
#include "json.h"
#include "sim_server.h"

struct loop_timer;

#define SSIM_MOD "slack-sim"
#define SSIM_MAX_WS_IN ((size_t)1 << 20)    /* client frames */

struct ssim_vec {
    void  **v;
    size_t  n;
    size_t  cap;
};

void slack_sim_vec_push(struct ssim_vec *vec, void *p);
void slack_sim_vec_free(struct ssim_vec *vec);

/* ---- HTTP answers ---- */

/* Set the response to the JSON text of j (j is freed). */
void slack_sim_api_resp_json(struct sim_response *r, int status, cJSON *j);
/* {"ok":false,"error":error}, the Web API's refusal. */
void slack_sim_api_resp_error(struct sim_response *r, int status,
                              const char *error);

/* ---- Socket Mode internals ---- */

struct ssim_sock {
    struct ssim_sock      *next;
    struct slack_sim      *sim;
    struct sim_conn       *conn;   /* NULL once the connection went */
    struct slack_sim_conn *rec;
    bool                   deliverable;  /* takes envelopes */
    bool                   zombie;
    bool                   no_pings;
    bool                   close_sent;   /* our close frame is out */
    int64_t                next_ping_at;     /* 0: none */
    int64_t                refresh_at;       /* send refresh_requested */
    int64_t                close_at;         /* send the close frame */
    int64_t                lifetime_at;      /* start a refresh */
};

struct ssim_delivery {
    struct slack_sim_envelope *last;     /* newest attempt */
    const char *type;
    char       *event_id;                /* events_api */
    cJSON      *payload;                 /* owned */
    bool        accepts_response_payload;
    bool        retries;                 /* events_api: redelivered */
    int         attempts;
    int64_t     deadline;                /* ack window end; 0: none */
    bool        acked;
    bool        finished;                /* acked, given up or timed out */
    int         last_conn;
    char       *label;                   /* for the observer */
    char       *user;                    /* interactions: who acted */
    char       *channel;
};

struct ssim_env {                        /* one attempt */
    struct slack_sim_envelope pub;       /* first: cast both ways */
    struct ssim_delivery     *d;
    bool                      queued;    /* waiting for a socket */
};

struct ssim_ticket {
    char    id[40];
    int64_t created;
    bool    used;
};

struct ssim_trigger {
    char    id[96];
    int64_t issued;
    bool    used;
    char   *user;
};

struct ssim_bucket {                     /* chat.postMessage per channel */
    char    channel[24];
    double  tokens;
    int64_t last;
};

struct ssim_mfault {
    char  *method;
    int    count;
    long   status;
    int    retry_after;
    char  *error;
    char  *channel;     /* NULL: any call */
};

struct ssim_hook {                       /* a response_url */
    char    id[48];
    int64_t created;
    int     uses;
    char   *channel;
    char   *user;
};

/* ---- the simulator ---- */

struct slack_sim {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct sim_server  *srv;
    int                 port;
    char                base_url[64];
    char                api_url[80];

    struct slack_sim_identity id;
    char               *app_token;
    char               *bot_token;
    char               *team_name;
    char               *bot_name;

    int                 ping_ms;
    int                 ack_ms;
    int                 max_retries;
    int                 trigger_ms;
    int                 warning_ms;
    int                 refresh_close_ms;
    int                 max_sockets;
    int                 post_burst;
    int                 post_interval_ms;
    int                 ticket_ms;
    int                 lifetime_ms;
    int                 debug_lifetime_ms;
    int                 max_text;
    bool                echo_own;
    bool                control;
    slack_sim_observer_fn *observer;
    void               *observer_arg;

    uint64_t            rng;
    unsigned            seq;            /* records */
    unsigned            n_chan, n_dm, n_user, n_event, n_view, n_conn;
    int64_t             last_ts_us;
    size_t              rr;             /* round robin over sockets */
    char                err[256];

    struct ssim_vec     users;          /* struct slack_sim_user */
    struct ssim_vec     channels;       /* struct slack_sim_channel */
    struct ssim_vec     ephemerals;
    struct ssim_vec     views;
    struct ssim_vec     calls;
    struct ssim_vec     acks;
    struct ssim_vec     envs;           /* struct ssim_env */
    struct ssim_vec     deliveries;
    struct ssim_vec     conns;          /* struct slack_sim_conn */
    struct ssim_vec     tickets;
    struct ssim_vec     triggers;
    struct ssim_vec     buckets;
    struct ssim_vec     mfaults;        /* pending, in order */
    struct ssim_vec     hooks;

    struct ssim_sock   *socks;
    struct loop_timer  *timer;
    bool                in_tick;
};

/* slack_sim.c */
void slack_sim_err(struct slack_sim *sim, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int64_t slack_sim_now(struct slack_sim *sim); /* loop ms */
int64_t slack_sim_epoch(void);                /* wall seconds */
void slack_sim_uuid(struct slack_sim *sim, char out[40]);
void slack_sim_new_ts(struct slack_sim *sim, char out[24]);
void slack_sim_trigger_id(struct slack_sim *sim, char out[96]);
uint64_t slack_sim_rand(struct slack_sim *sim);
struct slack_sim_user *slack_sim_user_rec(const struct slack_sim *sim,
                                          const char *id_or_name);
struct slack_sim_channel *slack_sim_chan(const struct slack_sim *sim,
                                         const char *id_or_name);
struct slack_sim_channel *slack_sim_chan_new(struct slack_sim *sim,
                                             const char *name, bool is_private,
                                             const char *creator);
/* The DM with user; created if create.  NULL if !create and none. */
struct slack_sim_channel *slack_sim_dm_rec(struct slack_sim *sim,
                                           struct slack_sim_user *u,
                                           bool create, bool *created);
bool slack_sim_member_add(struct slack_sim_channel *ch, const char *user);
struct slack_sim_message *
slack_sim_msg_add(struct slack_sim *sim, struct slack_sim_channel *ch,
                  const char *user, const char *bot_id, const char *text,
                  const cJSON *blocks, const char *thread_ts,
                  const char *subtype);
struct slack_sim_message *slack_sim_msg_find(const struct slack_sim_channel *ch,
                                             const char *ts);
void slack_sim_msg_edit(struct slack_sim *sim, struct slack_sim_message *m,
                        const char *text, const cJSON *blocks);
struct slack_sim_ephemeral *
slack_sim_ephemeral_add(struct slack_sim *sim, const char *channel,
                        const char *user, const char *text, const cJSON *blocks,
                        const char *source);
/* An answer to a slash command or button (the ack's payload or a
 * response_url POST): posted in the channel, or shown to user alone. */
void slack_sim_respond(struct slack_sim *sim, const char *channel,
                       const char *user, const cJSON *payload,
                       const char *source);
/* Flatten text + blocks into something a terminal shows. */
void slack_sim_render(const char *text, const cJSON *blocks, struct buf *out);
void slack_sim_observe(struct slack_sim *sim, enum slack_sim_obs_kind kind,
                       const struct slack_sim_channel *ch, const char *actor,
                       const char *text, const cJSON *blocks, const char *fmt,
                       ...) __attribute__((format(printf, 7, 8)));
const char *slack_sim_user_label(const struct slack_sim *sim, const char *id);
/* tz_label / tz_offset now, from the zone unless fixed by the spec. */
void slack_sim_user_tz(const struct slack_sim_user *u, char *label, size_t n,
                       int *offset);
cJSON *slack_sim_user_json(const struct slack_sim *sim,
                           const struct slack_sim_user *u);
cJSON *slack_sim_chan_json(const struct slack_sim *sim,
                           const struct slack_sim_channel *ch);
cJSON *slack_sim_msg_json(const struct slack_sim *sim,
                          const struct slack_sim_message *m);

/* slack_sim_socket.c */
void slack_sim_socket_ticket_new(struct slack_sim *sim, char out[40]);
/* The web server's websocket callbacks (sim_server.h); sim is the
 * struct slack_sim, s the struct ssim_sock. */
int slack_sim_socket_sock_upgrade(void *sim, const struct sim_request *rq,
                                  const char **why);
void *slack_sim_socket_sock_open(void *sim, struct sim_conn *c,
                                 const struct sim_request *rq);
void slack_sim_socket_sock_text(void *s, const char *msg, size_t len,
                                unsigned flags);
void slack_sim_socket_sock_pong(void *s);
void slack_sim_socket_sock_close_sent(void *s, int code);
void slack_sim_socket_sock_peer_close(void *s, int code);
void slack_sim_socket_sock_gone(void *s, bool timed_out);
void slack_sim_socket_schedule(struct slack_sim *sim);
/* Wrap payload (taken) in an envelope and deliver or queue it. */
struct ssim_env *slack_sim_socket_deliver(struct slack_sim *sim,
                                          const char *type, cJSON *payload,
                                          bool accepts, const char *event_id,
                                          const char *label, const char *user,
                                          const char *channel);
void slack_sim_socket_sockets_free(struct slack_sim *sim);

/* slack_sim_api.c */
void slack_sim_api_handle(struct slack_sim *sim, const char *method,
                          const struct sim_request *rq,
                          struct sim_response *rs);
void slack_sim_api_hook_handle(struct slack_sim *sim,
                               const struct sim_request *rq,
                               struct sim_response *rs);
struct ssim_hook *slack_sim_api_hook_new(struct slack_sim *sim,
                                         const char *kind, const char *channel,
                                         const char *user, char *url,
                                         size_t urllen);
struct ssim_trigger *slack_sim_api_trigger_new(struct slack_sim *sim,
                                               const char *user);
/* Parse an application/x-www-form-urlencoded body into obj. */
void slack_sim_api_form_parse(const char *s, size_t len, cJSON *obj);

/* slack_sim_ctl.c */
void slack_sim_ctl_handle(struct slack_sim *sim, const struct sim_request *rq,
                          struct sim_response *rs);

#endif
