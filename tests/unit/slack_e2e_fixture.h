/*
 * slack_e2e_fixture: the real daemon against the Slack simulator.
 *
 * The test process runs the simulator (adapters/sim/slack_sim.h) on its own
 * loop and lws context and starts the real chorus binary as a child
 * (e2e_daemon.h) with SLACK_APP_TOKEN, SLACK_BOT_TOKEN and SLACK_API_URL
 * pointing at the simulator.  The tests read the daemon's log for lines,
 * and e2e_free() scans it for sanitizer reports: any report fails the
 * test.
 *
 * The workspace: alice (a workspace admin), bob, carol, dave; #general
 * with all of them, #lounge with them and the bot (for mentions).
 * Waiting always runs the test's loop (the simulator answers the daemon
 * meanwhile); every wait has a generous bound so sanitizer builds and
 * valgrind runs do not make it flaky.
 *
 * Header-only, static functions only, like core_fixture.h.
 * Ownership: e2e_new()/e2e_free(); strings returned by e2e_* helpers
 * are owned by the fixture until the next call or e2e_free().
 */
#ifndef CHORUS_TEST_SLACK_E2E_FIXTURE_H
#define CHORUS_TEST_SLACK_E2E_FIXTURE_H

#include "e2e_daemon.h"

#include "ws.h"
#include "log.h"
#include "slack_sim.h"

#define E2E_STATIC static __attribute__((unused))
#define E2E_WAIT_MS 15000       /* upper bound; passing steps take ms */

struct e2e {
    struct loop      *loop;
    struct ws_ctx    *ws;
    struct slack_sim *sim;
    const struct slack_sim_identity *id;
    struct e2e_daemon d;
    /* user ids */
    const char       *alice, *bob, *carol, *dave;
    char              scratch[8192];
};

/* ---- small helpers ---- */

E2E_STATIC int64_t
e2e_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- waiting ---- */

/*
 * Run the loop until pred(arg) holds or timeout_ms passes, looking at
 * least every 5 ms: some conditions (the child exited, a log line was
 * written) are not loop events, so slack_sim_wait() alone would sleep
 * through them until its bound.
 */
E2E_STATIC bool
e2e_wait(struct slack_sim *sim, bool (*pred)(void *), void *arg,
         int timeout_ms)
{
    int64_t end = e2e_now_ms() + timeout_ms;

    for (;;) {
        if (pred(arg))
            return true;
        if (e2e_now_ms() >= end)
            return false;
        slack_sim_run_for(sim, 5);
    }
}

/* ---- the workspace and the simulator ---- */

E2E_STATIC struct e2e *
e2e_new(const struct slack_sim_options *opts)
{
    struct e2e *e = xcalloc(1, sizeof(*e));
    struct slack_sim_options o = { 0 };
    const struct slack_sim_user *u;
    FILE *f;

    if (opts)
        o = *opts;
    if (!o.ping_interval_ms)
        o.ping_interval_ms = 2000;
    log_set_level(getenv("E2E_VERBOSE") ? LOG_DEBUG : LOG_WARN);
    e->loop = loop_new();
    assert_non_null(e->loop);
    e2e_daemon_init(&e->d, e->loop, "slack");
    e->ws = ws_ctx_new(e->loop, NULL);
    assert_non_null(e->ws);
    e->sim = slack_sim_new(e->loop, e->ws, &o);
    assert_non_null(e->sim);
    e->id = slack_sim_identity(e->sim);

    struct slack_sim_user_spec people[] = {
        { .name = "alice", .real_name = "Alice Admin",
          .tz = "Europe/Berlin" },
        { .name = "bob", .real_name = "Bob Creator",
          .tz = "America/New_York" },
        { .name = "carol", .real_name = "Carol Brand", .tz = "Europe/Paris" },
        { .name = "dave", .real_name = "Dave Agency", .tz = "Asia/Tokyo" },
    };
    const char **ids[] = { &e->alice, &e->bob, &e->carol, &e->dave };
    for (size_t i = 0; i < 4; i++) {
        u = slack_sim_add_user(e->sim, &people[i]);
        assert_non_null(u);
        *ids[i] = u->id;
    }
    const char *general[] = { "alice", "bob", "carol", "dave", NULL };
    assert_non_null(slack_sim_add_channel(e->sim, "general", false,
                                          general));
    const char *lounge[] = { "alice", "bob", "carol", "dave",
                             e->id->bot_user_id, NULL };
    assert_non_null(slack_sim_add_channel(e->sim, "lounge", false, lounge));

    f = fopen(e->d.conf, "w");
    assert_non_null(f);
    /* The daemon runs on the wall clock: every moment is a working
     * one, so no direct message waits for working hours (ctx.c). */
    fprintf(f, "log_level info\nadmin slack:%s\n"
               "working_hours 00:00-23:59\nworking_days mon-sun\n",
            e->alice);
    fclose(f);
    return e;
}

/* Append a line to the configuration (before the daemon starts). */
E2E_STATIC void
e2e_config(struct e2e *e, const char *line)
{
    FILE *f = fopen(e->d.conf, "a");

    assert_non_null(f);
    fprintf(f, "%s\n", line);
    fclose(f);
}

struct e2e_env {
    const char *app_token;     /* NULL: the simulator's */
    const char *bot_token;
    const char *extra[4];      /* "NAME=value", NULL-terminated early */
};

/* Start the daemon; does not wait for it to connect. */
E2E_STATIC void
e2e_spawn(struct e2e *e, const struct e2e_env *env)
{
    struct e2e_env none = { 0 };
    char app[256], bot[256], url[256];
    const char *vars[9] = { app, bot, url, "DISCORD_TOKEN" };

    if (!env)
        env = &none;
    snprintf(app, sizeof(app), "SLACK_APP_TOKEN=%s",
             env->app_token ? env->app_token : e->id->app_token);
    snprintf(bot, sizeof(bot), "SLACK_BOT_TOKEN=%s",
             env->bot_token ? env->bot_token : e->id->bot_token);
    snprintf(url, sizeof(url), "SLACK_API_URL=%s",
             slack_sim_api_url(e->sim));
    for (size_t i = 0; i < 4 && env->extra[i]; i++)
        vars[4 + i] = env->extra[i];
    e2e_daemon_spawn(&e->d, vars);
}

struct e2e_open_wait {
    struct e2e *e;
    size_t      n;
};

static bool
e2e_open_or_exit(void *arg)
{
    struct e2e_open_wait *w = arg;

    return slack_sim_open_count(w->e->sim) >= w->n ||
           e2e_daemon_reap(&w->e->d);
}

E2E_STATIC bool e2e_wait_log(struct e2e *e, const char *needle,
                              int timeout_ms);

/* Start and wait until the daemon's socket is open. */
E2E_STATIC void
e2e_start(struct e2e *e, const struct e2e_env *env)
{
    struct e2e_open_wait w = { .e = e, .n = 1 };

    e2e_spawn(e, env);
    assert_true(e2e_wait(e->sim, e2e_open_or_exit, &w, E2E_WAIT_MS));
    if (e->d.exited) {
        e2e_daemon_dump(&e->d);
        fail_msg("daemon exited early");
    }
    /* The simulator counts a socket open once hello is queued; the daemon
     * has it only when it logs so.  A fault injected before that would
     * race the hello frame. */
    assert_true(e2e_wait_log(e, "socket 1 connected", E2E_WAIT_MS));
}

/* Wait for the child to exit; returns its exit code (-signal if killed). */
E2E_STATIC int
e2e_wait_exit(struct e2e *e, int timeout_ms)
{
    assert_true(e2e_daemon_wait_exit(&e->d, timeout_ms));
    return e2e_daemon_exit_code(&e->d);
}

/* SIGTERM: a polite stop; the exit code. */
E2E_STATIC int
e2e_term(struct e2e *e)
{
    assert_true(e2e_daemon_stop(&e->d, SIGTERM, E2E_WAIT_MS));
    return e2e_daemon_exit_code(&e->d);
}

E2E_STATIC void
e2e_kill9(struct e2e *e)
{
    assert_true(e2e_daemon_stop(&e->d, SIGKILL, E2E_WAIT_MS));
    assert_int_equal(e2e_daemon_exit_code(&e->d), -SIGKILL);
}

/* ---- the daemon's log ---- */

E2E_STATIC bool
e2e_log_has(struct e2e *e, const char *needle)
{
    return e2e_daemon_log_count(&e->d, needle) > 0;
}

E2E_STATIC size_t
e2e_log_count(struct e2e *e, const char *needle)
{
    return e2e_daemon_log_count(&e->d, needle);
}

struct e2e_log_wait {
    struct e2e *e;
    const char *needle;
};

static bool
e2e_log_pred(void *arg)
{
    struct e2e_log_wait *w = arg;

    return e2e_log_has(w->e, w->needle);
}

E2E_STATIC bool
e2e_wait_log(struct e2e *e, const char *needle, int timeout_ms)
{
    struct e2e_log_wait w = { .e = e, .needle = needle };

    return e2e_wait(e->sim, e2e_log_pred, &w, timeout_ms);
}

/* ---- the database ---- */

/* The single integer a query returns; sql is a sqlite3_mprintf format. */
E2E_STATIC long long
e2e_db_int(struct e2e *e, const char *sql, ...)
{
    va_list ap;
    char *q;
    long long v;

    va_start(ap, sql);
    q = sqlite3_vmprintf(sql, ap);
    va_end(ap);
    v = e2e_daemon_db(&e->d, NULL, 0, q);
    sqlite3_free(q);
    return v;
}

/* The first column of the first row as text ("" when none). */
E2E_STATIC const char *
e2e_db_text(struct e2e *e, const char *sql, ...)
{
    va_list ap;
    char *q;

    va_start(ap, sql);
    q = sqlite3_vmprintf(sql, ap);
    va_end(ap);
    e2e_daemon_db(&e->d, e->scratch, sizeof(e->scratch), q);
    sqlite3_free(q);
    return e->scratch;
}

/* ---- driving people ---- */

struct e2e_ack_wait {
    struct e2e *e;
    const char *envelope_id;
};

static bool
e2e_acked(void *arg)
{
    struct e2e_ack_wait *w = arg;

    return slack_sim_ack_find(w->e->sim, w->envelope_id) != NULL;
}

E2E_STATIC const struct slack_sim_ack *
e2e_wait_ack(struct e2e *e, const char *envelope_id)
{
    struct e2e_ack_wait w = { .e = e, .envelope_id = envelope_id };

    assert_true(e2e_wait(e->sim, e2e_acked, &w, E2E_WAIT_MS));
    return slack_sim_ack_find(e->sim, envelope_id);
}

/* The text of an ack's payload, or "" when it had none. */
E2E_STATIC const char *
e2e_ack_text(const struct slack_sim_ack *a)
{
    const cJSON *t = a && a->payload
        ? cJSON_GetObjectItemCaseSensitive(a->payload, "text") : NULL;

    return cJSON_IsString(t) ? t->valuestring : "";
}

/* /campaign <text> from user in channel; waits for the ack and returns
 * its reply text. */
E2E_STATIC const char *
e2e_cmd(struct e2e *e, const char *user, const char *channel,
        const char *text)
{
    struct slack_sim_push p;
    const struct slack_sim_ack *a;

    assert_int_equal(slack_sim_push_command(e->sim, user, channel,
                                            "/campaign", text, &p), 0);
    a = e2e_wait_ack(e, p.envelope_id);
    assert_false(a->late);
    snprintf(e->scratch, sizeof(e->scratch), "%s", e2e_ack_text(a));
    return e->scratch;
}

/* Same, checking the reply contains want. */
E2E_STATIC void
e2e_cmd_ok(struct e2e *e, const char *user, const char *text,
           const char *want)
{
    const char *got = e2e_cmd(e, user, "general", text);

    if (!strstr(got, want)) {
        print_message("/campaign %s\n  replied: %s\n  wanted:  %s\n", text,
                      got, want);
        fail();
    }
}

/* e2e_cmd_ok with the command written printf-style. */
E2E_STATIC void
e2e_cmdf(struct e2e *e, const char *user, const char *want, const char *fmt,
         ...) __attribute__((format(printf, 4, 5)));
E2E_STATIC void
e2e_cmdf(struct e2e *e, const char *user, const char *want, const char *fmt,
         ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    e2e_cmd_ok(e, user, text, want);
}

struct e2e_calls_wait {
    struct e2e *e;
    const char *method;
    size_t      n;
    const char *arg;     /* optional: an argument ... */
    const char *value;   /* ... containing this */
};

static size_t
e2e_calls_matching(struct e2e *e, const char *method, const char *arg,
                   const char *value, bool ok_only)
{
    size_t n = 0;

    for (size_t i = 0; i < slack_sim_call_count(e->sim); i++) {
        const struct slack_sim_call *c = slack_sim_call_at(e->sim, i);

        if (method && strcmp(c->method, method) != 0)
            continue;
        if (ok_only && (c->error || c->status != 200))
            continue;
        if (arg && !strstr(slack_sim_call_arg(c, arg), value))
            continue;
        n++;
    }
    return n;
}

static bool
e2e_calls_pred(void *arg)
{
    struct e2e_calls_wait *w = arg;

    return e2e_calls_matching(w->e, w->method, w->arg, w->value, true) >=
           w->n;
}

/* Wait for n successful calls of method whose arg contains value. */
E2E_STATIC bool
e2e_wait_ok_calls(struct e2e *e, const char *method, size_t n,
                  const char *arg, const char *value)
{
    struct e2e_calls_wait w = { .e = e, .method = method, .n = n,
                                .arg = arg, .value = value };

    return e2e_wait(e->sim, e2e_calls_pred, &w, E2E_WAIT_MS);
}

E2E_STATIC size_t
e2e_ok_calls(struct e2e *e, const char *method, const char *arg,
             const char *value)
{
    return e2e_calls_matching(e, method, arg, value, true);
}

/* A channel by id or name, or a user's DM with the bot by user name. */
E2E_STATIC const struct slack_sim_channel *
e2e_channel(struct e2e *e, const char *channel)
{
    const struct slack_sim_channel *ch = slack_sim_channel(e->sim, channel);

    return ch ? ch : slack_sim_dm(e->sim, channel);
}

/* The bot's newest message in channel (id, name, or a user's DM) whose
 * text contains s. */
E2E_STATIC const struct slack_sim_message *
e2e_find_message(struct e2e *e, const char *channel, const char *s)
{
    const struct slack_sim_channel *ch = e2e_channel(e, channel);

    for (size_t i = ch ? ch->nmessages : 0; i-- > 0;)
        if (ch->messages[i]->bot_id && ch->messages[i]->text &&
            strstr(ch->messages[i]->text, s))
            return ch->messages[i];
    return NULL;
}

struct e2e_msg_wait {
    struct e2e *e;
    const char *channel;
    const char *text;
};

static bool
e2e_msg_pred(void *arg)
{
    struct e2e_msg_wait *w = arg;

    return e2e_find_message(w->e, w->channel, w->text) != NULL;
}

E2E_STATIC const struct slack_sim_message *
e2e_wait_message(struct e2e *e, const char *channel, const char *text)
{
    struct e2e_msg_wait w = { .e = e, .channel = channel, .text = text };

    if (!e2e_wait(e->sim, e2e_msg_pred, &w, E2E_WAIT_MS)) {
        print_message("no message containing \"%s\" in %s\n", text,
                      channel);
        fail();
    }
    return e2e_find_message(e, channel, text);
}

/* The bot's messages in channel containing s. */
E2E_STATIC size_t
e2e_count_messages(struct e2e *e, const char *channel, const char *s)
{
    const struct slack_sim_channel *ch = e2e_channel(e, channel);
    size_t n = 0;

    for (size_t i = 0; ch && i < ch->nmessages; i++)
        n += ch->messages[i]->bot_id && ch->messages[i]->text &&
             strstr(ch->messages[i]->text, s);
    return n;
}

/* Ephemeral replies to user containing s. */
E2E_STATIC size_t
e2e_count_ephemeral(struct e2e *e, const char *user, const char *s)
{
    size_t n = 0;

    for (size_t i = 0; i < slack_sim_ephemeral_count(e->sim); i++) {
        const struct slack_sim_ephemeral *x =
            slack_sim_ephemeral_at(e->sim, i);

        n += strcmp(x->user, user) == 0 && x->text && strstr(x->text, s);
    }
    return n;
}

/* The DM channel id of user with the bot ("" if none yet). */
E2E_STATIC const char *
e2e_dm(struct e2e *e, const char *user)
{
    const struct slack_sim_channel *ch = slack_sim_dm(e->sim, user);

    return ch ? ch->id : "";
}

/* ---- teardown ---- */

static void
e2e_shutdown_cb(void *arg)
{
    struct e2e *e = arg;

    ws_ctx_shutdown(e->ws);
    loop_stop(e->loop);
}

E2E_STATIC void
e2e_free(struct e2e *e)
{
    e2e_daemon_kill(&e->d);
    e2e_daemon_check_sanitizers(&e->d);
    slack_sim_free(e->sim);
    loop_defer(e->loop, e2e_shutdown_cb, e);
    assert_int_equal(loop_run(e->loop), 0);
    ws_ctx_free(e->ws);
    loop_free(e->loop);
    e2e_daemon_cleanup(&e->d);
    free(e);
}

#endif
