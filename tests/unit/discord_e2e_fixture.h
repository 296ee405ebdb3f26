/*
 * discord_e2e_fixture: the real daemon (the chorus binary, e2e_daemon.h)
 * against the Discord simulator, for tests/unit/test_discord_e2e*.c.
 *
 * The test process runs the simulator on its own loop and ws context (as
 * test_discord_sim.c does) and spawns `chorus run` as a child with
 * DISCORD_TOKEN and DISCORD_API_URL pointing at it, a config naming the
 * sim's guild and application and alice as admin, a database and a log
 * file in a temporary directory.  Tests drive users through the sim's
 * control API, run the loop with the sim's wait helpers, and check the
 * sim's records (REST calls, gateway frames, interactions) and the
 * daemon's database (sqlite3, read-only).  e2e_finish() stops the daemon
 * with SIGTERM and fails on a wrong exit status or any sanitizer report in
 * its output; a failed check prints the end of the daemon's log.
 *
 * Everything here is static: each test binary includes it once.
 */
#ifndef CHORUS_DISCORD_E2E_FIXTURE_H
#define CHORUS_DISCORD_E2E_FIXTURE_H

#include "e2e_daemon.h"

#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <valgrind/valgrind.h>

#include "ws.h"
#include "log.h"
#include "discord_sim.h"

#define E2E_WAIT_MS   20000     /* for things that must happen */
#define E2E_QUIET_MS  400       /* for things that must not */
#define E2E_MAX_IX    512

struct e2e {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct discord_sim *sim;
    struct e2e_daemon   d;
    char                api[128];
    char                guild[32];
    char                app[32];
    char                general[32];
    char                alice[32];     /* admin */
    char                bob[32];
    char                carol[32];
    char                robot[32];     /* another bot */
    const char         *env[8];        /* for the daemon: "NAME=value" */
};

/* The end of the daemon's log, to stderr (after a failed check). */
static inline void
e2e_dump(const struct e2e *e)
{
    e2e_daemon_dump(&e->d);
}

#define e2e_check(e, cond)                                                  \
    do {                                                                    \
        if (!(cond)) {                                                      \
            e2e_dump(e);                                                    \
            fail_msg("%s:%d: %s", __FILE__, __LINE__, #cond);               \
        }                                                                   \
    } while (0)

static inline int
e2e_log_count(const struct e2e *e, const char *needle)
{
    return (int)e2e_daemon_log_count(&e->d, needle);
}

/* ---- the simulator ---- */

/* Under valgrind the simulator (in this process) runs many times slower:
 * heartbeats that tight would look like a zombie connection. */
static inline int
e2e_heartbeat_ms(void)
{
    return RUNNING_ON_VALGRIND ? 4000 : 1000;
}

/*
 * Short protocol waits for the daemon (struct discord_timing), for tests
 * whose faults make it reconnect again and again: the real ones (in
 * brackets) cost seconds per reconnect.  The Identify spacing stays
 * longer than the gap between two faults of a test, and the op 9 wait
 * longer than the spacing, so that each still shows in the timings.
 */
#define E2E_IDENTIFY_MS   1000  /* between two Identifies [5000] */
#define E2E_INVALID_MS    500   /* op 9 false: 500-2500 ms [1-5 s] */
#define E2E_STABLE_MS     100   /* a healthy connection [1000] */
#define E2E_BACKOFF_MS    100   /* the reconnect backoff's step [1000] */
#define E2E_STR_(x) #x
#define E2E_STR(x)  E2E_STR_(x)

static inline void
e2e_short_waits(struct e2e *e)
{
    static const char *const waits[] = {
        "CHORUS_DISCORD_IDENTIFY_SPACING_MS=" E2E_STR(E2E_IDENTIFY_MS),
        "CHORUS_DISCORD_INVALID_SESSION_MS=" E2E_STR(E2E_INVALID_MS),
        "CHORUS_DISCORD_STABLE_MS=" E2E_STR(E2E_STABLE_MS),
        "CHORUS_DISCORD_BACKOFF_MS=" E2E_STR(E2E_BACKOFF_MS),
    };
    for (size_t i = 0; i < sizeof(waits) / sizeof(*waits); i++)
        e->env[i] = waits[i];
}

static inline struct discord_sim_options
e2e_sim_defaults(void)
{
    return (struct discord_sim_options){
        .heartbeat_interval_ms = e2e_heartbeat_ms(),
        .identify_interval_ms = -1,     /* the daemon spaces them itself */
        .topic_edit_limit = -1,
        .default_limit = 1000,
        .default_window_ms = 1000,
        .reconnect_drop_ms = 3000,
    };
}

static inline const char *
e2e_user(struct e2e *e, const char *name, bool bot, char out[32])
{
    struct discord_sim_user u = { .username = name, .global_name = NULL,
                                  .bot = bot };
    const char *id = discord_sim_add_user(e->sim, &u);
    assert_non_null(id);
    snprintf(out, 32, "%s", id);
    return out;
}

/* The daemon's configuration; ids false: neither the guild nor the
 * application id (the daemon learns both). */
static inline void
e2e_write_config_ids(struct e2e *e, bool ids, const char *extra)
{
    FILE *f = fopen(e->d.conf, "w");
    assert_non_null(f);
    fprintf(f, "discord yes\n");
    if (ids)
        fprintf(f, "discord_guild %s\ndiscord_application_id %s\n",
                e->guild, e->app);
    /* The daemon runs on the wall clock: every moment is a working
     * one, so no direct message waits for working hours (ctx.c). */
    fprintf(f, "admin discord:%s\n"
               "log_level info\n"
               "working_hours 00:00-23:59\nworking_days mon-sun\n"
               "default_timezone UTC\n%s",
            e->alice, extra ? extra : "");
    fclose(f);
}

static inline void
e2e_write_config(struct e2e *e, const char *extra)
{
    e2e_write_config_ids(e, true, extra);
}

static inline struct e2e *
e2e_new(void **state, const struct discord_sim_options *opts)
{
    struct e2e *e = xcalloc(1, sizeof(*e));
    struct discord_sim_options o = opts ? *opts : e2e_sim_defaults();
    *state = e;
    log_set_level(getenv("E2E_LWS") ? LOG_DEBUG : LOG_WARN);
    e->loop = loop_new();
    assert_non_null(e->loop);
    e2e_daemon_init(&e->d, e->loop, "discord");
    struct ws_ctx_options wo = { .lws_debug = getenv("E2E_LWS") != NULL };
    e->ws = ws_ctx_new(e->loop, &wo);
    assert_non_null(e->ws);
    e->sim = discord_sim_new(e->loop, e->ws, &o);
    assert_non_null(e->sim);
    snprintf(e->api, sizeof(e->api), "%s", discord_sim_api_base(e->sim));
    snprintf(e->guild, sizeof(e->guild), "%s", discord_sim_guild_id(e->sim));
    snprintf(e->app, sizeof(e->app), "%s", discord_sim_app_id(e->sim));
    snprintf(e->general, sizeof(e->general), "%s",
             discord_sim_channel_by_name(e->sim, "general"));
    e2e_user(e, "alice", false, e->alice);
    e2e_user(e, "bob", false, e->bob);
    e2e_user(e, "carol", false, e->carol);
    e2e_user(e, "robot", true, e->robot);
    e2e_write_config(e, NULL);
    return e;
}

/* Spawn the daemon; token NULL: the sim's, "" : no DISCORD_TOKEN. */
static inline void
e2e_spawn(struct e2e *e, const char *token)
{
    char tok[256], api[192];
    const char *vars[5 + sizeof(e->env) / sizeof(*e->env)] = {
        tok, api, "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN",
    };

    if (token && !*token)
        snprintf(tok, sizeof(tok), "DISCORD_TOKEN");
    else
        snprintf(tok, sizeof(tok), "DISCORD_TOKEN=%s",
                 token ? token : discord_sim_token(e->sim));
    snprintf(api, sizeof(api), "DISCORD_API_URL=%s", e->api);
    for (size_t i = 0; i < sizeof(e->env) / sizeof(*e->env) && e->env[i];
         i++)
        vars[4 + i] = e->env[i];
    e2e_daemon_spawn(&e->d, vars);
}

/* Run the loop until the daemon exits; false on timeout. */
static inline bool
e2e_wait_exit(struct e2e *e, int timeout_ms)
{
    return e2e_daemon_wait_exit(&e->d, timeout_ms);
}

/* Poll the database until sql gives want (text args as e2e_db_int). */
#define e2e_db_wait(e, want, ...)                                           \
    do {                                                                    \
        int64_t t0_ = loop_now_ms((e)->loop);                               \
        while (e2e_db_int(e, __VA_ARGS__) != (want) &&                      \
               loop_now_ms((e)->loop) - t0_ < E2E_WAIT_MS)                  \
            discord_sim_run_for((e)->sim, 20);                              \
        e2e_check(e, e2e_db_int(e, __VA_ARGS__) == (want));                 \
    } while (0)

/* The exit code, or 128 + the signal that ended it. */
static inline int
e2e_exit_code(const struct e2e *e)
{
    int code = e2e_daemon_exit_code(&e->d);

    return code < 0 ? 128 - code : code;
}

/* Start the daemon and wait until it is connected, its commands are
 * registered and it has seen the guild. */
static inline void
e2e_start(struct e2e *e)
{
    struct discord_sim_stats st;
    discord_sim_stats(e->sim, &st);
    e2e_spawn(e, NULL);
    e2e_check(e, discord_sim_wait_ready(e->sim, st.ready + 1, E2E_WAIT_MS));
    size_t i = discord_sim_wait_rest(
        e->sim, "PUT", "/applications/{id}/guilds/{id}/commands", 0,
        E2E_WAIT_MS);
    e2e_check(e, i != SIZE_MAX);
    /* GUILD_CREATE follows READY at once; give the daemon a moment. */
    discord_sim_run_for(e->sim, 50);
}

/* SIGTERM, wait, check the exit status and the sanitizers. */
static inline void
e2e_finish(struct e2e *e, int want_code)
{
    if (!e->d.exited) {
        int64_t t0 = loop_now_ms(e->loop);
        e2e_check(e, e2e_daemon_stop(&e->d, SIGTERM, E2E_WAIT_MS));
        if (getenv("E2E_VERBOSE"))
            fprintf(stderr, "daemon stopped in %lld ms\n",
                    (long long)(loop_now_ms(e->loop) - t0));
    }
    if (e2e_exit_code(e) != want_code) {
        e2e_dump(e);
        fail_msg("daemon exit %d, wanted %d", e2e_exit_code(e), want_code);
    }
    e2e_daemon_check_sanitizers(&e->d);
}

static inline int
e2e_teardown(void **state)
{
    struct e2e *e = *state;
    if (e == NULL)
        return 0;
    e2e_daemon_kill(&e->d);
    /* Let lws see the daemon's connections close (and the sim free what
     * it was about to send on them) before the sim goes. */
    discord_sim_run_for(e->sim, 100);
    discord_sim_free(e->sim);
    ws_ctx_shutdown(e->ws);
    loop_stop(e->loop);
    loop_run(e->loop);
    ws_ctx_free(e->ws);
    loop_free(e->loop);
    e2e_daemon_cleanup(&e->d);
    free(e);
    *state = NULL;
    return 0;
}

/* ---- the database (read-only, beside the running daemon) ---- */

/* The single integer a query returns (text arguments ...). */
static inline long long
e2e_db_int(struct e2e *e, const char *sql, ...)
{
    va_list ap;
    va_start(ap, sql);
    long long v = e2e_daemon_db_v(&e->d, NULL, 0, sql, ap);
    va_end(ap);
    return v;
}

/* ---- users' actions ---- */

/* /cmd [sub] with options: sub names the form of a command with several
 * (/standup now), NULL for a command with one (/approve). */
static inline const char *
e2e_command(struct e2e *e, const char *user, const char *channel,
            const char *cmd, const char *sub,
            const struct discord_sim_opt *opts, size_t nopts)
{
    struct discord_sim_command c = {
        .user_id = user, .channel_id = channel, .name = cmd,
        .subcommand = sub, .opts = opts, .nopts = nopts,
    };
    const char *id = discord_sim_command(e->sim, &c);
    e2e_check(e, id != NULL);
    return id;
}

struct e2e_ix_wait {
    const char *id;
    bool        followup;   /* also wait for a follow-up or an edit */
};

static inline bool
e2e_answered_pred(struct discord_sim *sim, void *arg)
{
    struct e2e_ix_wait *w = arg;
    struct discord_sim_interaction_info in;
    if (!discord_sim_interaction(sim, w->id, &in) || in.callback_type == 0)
        return false;
    if (!w->followup)
        return true;
    if (in.followups > 0)
        return true;
    struct discord_sim_message_info m;
    return in.original_id && discord_sim_message(sim, in.original_id, &m) &&
           m.content && m.content[0];
}

/* Wait until interaction id was answered (a callback was accepted). */
static inline struct discord_sim_interaction_info
e2e_answer(struct e2e *e, const char *id)
{
    struct e2e_ix_wait w = { .id = id };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &w,
                                  E2E_WAIT_MS));
    struct discord_sim_interaction_info in;
    discord_sim_interaction(e->sim, id, &in);
    return in;
}

/* The text of an interaction's response message ("" if none). */
static inline const char *
e2e_answer_text(struct e2e *e, const char *id)
{
    struct discord_sim_interaction_info in;
    struct discord_sim_message_info m;
    if (!discord_sim_interaction(e->sim, id, &in) || !in.original_id ||
        !discord_sim_message(e->sim, in.original_id, &m) || !m.content)
        return "";
    return m.content;
}

/* Run a command as user in channel and return the reply text. */
static inline const char *
e2e_run(struct e2e *e, const char *user, const char *channel,
        const char *cmd, const char *sub,
        const struct discord_sim_opt *opts, size_t nopts)
{
    const char *id = e2e_command(e, user, channel, cmd, sub, opts, nopts);
    struct e2e_ix_wait w = { .id = id, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &w,
                                  E2E_WAIT_MS));
    return e2e_answer_text(e, id);
}

struct e2e_chan_wait {
    const char *name;
};

static inline bool
e2e_channel_pred(struct discord_sim *sim, void *arg)
{
    return discord_sim_channel_by_name(sim, ((struct e2e_chan_wait *)arg)
                                                ->name) != NULL;
}

/* /new <slug> brand:Fizz as alice; waits for its channel. */
static inline const char *
e2e_campaign(struct e2e *e, const char *slug)
{
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = slug },
        { .name = "brand", .type = 3, .value = "Fizz" },
    };
    const char *r = e2e_run(e, e->alice, e->general, "new", NULL, o, 2);
    e2e_check(e, strstr(r, "Created") != NULL);
    struct e2e_chan_wait w = { .name = slug };
    e2e_check(e, discord_sim_wait(e->sim, e2e_channel_pred, &w,
                                  E2E_WAIT_MS));
    return discord_sim_channel_by_name(e->sim, slug);
}

/* Whether the sim sent interaction id to the bot (over any connection). */
static inline bool
e2e_dispatched(struct e2e *e, const char *id)
{
    size_t from = 0, i;
    while ((i = discord_sim_gw_find(e->sim, false, 0, "INTERACTION_CREATE",
                                    from)) != SIZE_MAX) {
        const struct discord_sim_gw_frame *f = discord_sim_gw_get(e->sim, i);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f->d, "id");
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return true;
        from = i + 1;
    }
    return false;
}

/* ---- a stream of interactions during a fault ---- */

struct e2e_stream {
    char ids[E2E_MAX_IX][32];
    char texts[E2E_MAX_IX][24];
    int  n;
    int  tag;               /* keeps texts unique across streams */
};

/* One "ask <slug> <unique text>" from alice. */
static inline void
e2e_stream_send(struct e2e *e, struct e2e_stream *s, const char *slug)
{
    assert_true(s->n < E2E_MAX_IX);
    snprintf(s->texts[s->n], sizeof(s->texts[s->n]), "q-%d-%d", s->tag,
             s->n);
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = slug },
        { .name = "question", .type = 3, .value = s->texts[s->n] },
    };
    const char *id = e2e_command(e, e->alice, e->general, "ask", NULL, o, 2);
    snprintf(s->ids[s->n], sizeof(s->ids[s->n]), "%s", id);
    s->n++;
}

/* Send one interaction every every_ms for total_ms, calling fault() once
 * after fault_at_ms. */
static inline void
e2e_stream_run(struct e2e *e, struct e2e_stream *s, const char *slug,
               int total_ms, int every_ms, int fault_at_ms,
               void (*fault)(struct e2e *e, void *arg), void *arg)
{
    int64_t start = loop_now_ms(e->loop);
    bool faulted = fault == NULL;
    while (loop_now_ms(e->loop) - start < total_ms) {
        if (!faulted && loop_now_ms(e->loop) - start >= fault_at_ms) {
            fault(e, arg);
            faulted = true;
        }
        e2e_stream_send(e, s, slug);
        discord_sim_run_for(e->sim, every_ms);
    }
}

struct e2e_stream_result {
    int delivered;      /* reached the bot */
    int answered;       /* callback accepted within 3 s */
    int late;           /* delivered, no accepted callback */
    int applied_twice;
    int lost;           /* delivered, not in the database */
    int phantom;        /* not delivered, yet in the database */
};

/* Which of the stream's interactions the sim sent to the bot: one pass
 * over the gateway log. */
static inline void
e2e_stream_delivered(struct e2e *e, const struct e2e_stream *s, bool *out)
{
    for (int i = 0; i < s->n; i++)
        out[i] = false;
    size_t from = 0, k;
    while ((k = discord_sim_gw_find(e->sim, false, 0, "INTERACTION_CREATE",
                                    from)) != SIZE_MAX) {
        const struct discord_sim_gw_frame *f = discord_sim_gw_get(e->sim, k);
        const cJSON *v = f ? cJSON_GetObjectItemCaseSensitive(f->d, "id")
                           : NULL;
        for (int i = 0; cJSON_IsString(v) && i < s->n; i++)
            if (strcmp(v->valuestring, s->ids[i]) == 0)
                out[i] = true;
        from = k + 1;
    }
}

/* Wait for the stream to settle, then count (see the struct). */
static inline struct e2e_stream_result
e2e_stream_check(struct e2e *e, struct e2e_stream *s)
{
    struct e2e_stream_result r = { 0 };
    bool sent[E2E_MAX_IX];
    /* Undelivered ones never get a callback: wait for the delivered. */
    int64_t start = loop_now_ms(e->loop);
    while (loop_now_ms(e->loop) - start < 10000) {
        e2e_stream_delivered(e, s, sent);
        bool all = true;
        for (int i = 0; i < s->n && all; i++) {
            struct discord_sim_interaction_info in;
            if (sent[i] && discord_sim_interaction(e->sim, s->ids[i], &in) &&
                in.callbacks == 0)
                all = false;
        }
        if (all)
            break;
        discord_sim_run_for(e->sim, 50);
    }
    discord_sim_run_for(e->sim, 300);
    e2e_stream_delivered(e, s, sent);
    for (int i = 0; i < s->n; i++) {
        struct discord_sim_interaction_info in;
        discord_sim_interaction(e->sim, s->ids[i], &in);
        long long rows = e2e_db_int(
            e, "SELECT count(*) FROM questions WHERE text = ?", s->texts[i]);
        r.delivered += sent[i];
        if (sent[i] && in.callback_type && in.latency_ms <= 3000 &&
            in.first_status >= 200 && in.first_status < 300)
            r.answered++;
        else if (sent[i]) {
            r.late++;
            if (getenv("E2E_VERBOSE"))
                fprintf(stderr, "late: #%d %s cb %d status %ld latency "
                        "%lld callbacks %d\n", i, s->ids[i], in.callback_type,
                        in.first_status, (long long)in.latency_ms,
                        in.callbacks);
        }
        if (rows > 1)
            r.applied_twice++;
        if (sent[i] && rows == 0)
            r.lost++;
        if (!sent[i] && rows > 0)
            r.phantom++;
    }
    return r;
}

#endif
