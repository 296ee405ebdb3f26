/*
 * slack_e2e_fixture: the real daemon against the Slack simulator.
 *
 * The test process runs the simulator (adapters/sim/slack_sim.h) on its own
 * loop and lws context and starts the real chorus binary as a child:
 * `chorus run --config <tmp>/chorus.conf --db <tmp>/chorus.db` with
 * SLACK_APP_TOKEN, SLACK_BOT_TOKEN and SLACK_API_URL pointing at the
 * simulator.  The child's stdout and stderr go to <tmp>/daemon.log, which
 * the tests read for log lines and which e2e_free() scans for sanitizer
 * reports (ASan, LSan, UBSan): any report fails the test.
 *
 * The binary is $CHORUS_BIN (tests/CMakeLists.txt sets it), else the
 * chorus next to the test's build directory (valgrind runs by hand).
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

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ws.h"
#include "loop.h"
#include "buf.h"
#include "log.h"
#include "xmalloc.h"
#include "slack_sim.h"

#define E2E_STATIC static __attribute__((unused))
#define E2E_WAIT_MS 15000       /* upper bound; passing steps take ms */

struct e2e {
    struct loop      *loop;
    struct ws_ctx    *ws;
    struct slack_sim *sim;
    const struct slack_sim_identity *id;
    char              dir[128];
    char              db[192];
    char              conf[192];
    char              log[192];
    char              bin[PATH_MAX];
    pid_t             pid;
    bool              exited;
    int               status;       /* from waitpid */
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

E2E_STATIC char *
e2e_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;

    if (!f)
        return xstrdup("");
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    if (!b.data)
        return xstrdup("");
    return buf_detach(&b);
}

E2E_STATIC void
e2e_find_bin(struct e2e *e)
{
    const char *env = getenv("CHORUS_BIN");
    char self[PATH_MAX - 16];
    ssize_t n;

    if (env && *env) {
        snprintf(e->bin, sizeof(e->bin), "%s", env);
        return;
    }
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    assert_true(n > 0);
    self[n] = '\0';
    *strrchr(self, '/') = '\0';             /* build/tests */
    snprintf(e->bin, sizeof(e->bin), "%s/../chorus", self);
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
    e2e_find_bin(e);
    assert_int_equal(access(e->bin, X_OK), 0);
    snprintf(e->dir, sizeof(e->dir), "/tmp/chorus-slack-e2e-XXXXXX");
    assert_non_null(mkdtemp(e->dir));
    snprintf(e->db, sizeof(e->db), "%s/chorus.db", e->dir);
    snprintf(e->conf, sizeof(e->conf), "%s/chorus.conf", e->dir);
    snprintf(e->log, sizeof(e->log), "%s/daemon.log", e->dir);
    e->loop = loop_new();
    assert_non_null(e->loop);
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

    f = fopen(e->conf, "w");
    assert_non_null(f);
    fprintf(f, "log_level info\nadmin slack:%s\n", e->alice);
    fclose(f);
    e->pid = -1;
    return e;
}

/* Append a line to the configuration (before the daemon starts). */
E2E_STATIC void
e2e_config(struct e2e *e, const char *line)
{
    FILE *f = fopen(e->conf, "a");

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
    pid_t pid;

    if (!env)
        env = &none;
    e->exited = false;
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(e->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        if (fd < 0)
            _exit(126);
        dup2(fd, 1);
        dup2(fd, 2);
        for (int i = 3; i < 1024; i++)
            close(i);
        setenv("SLACK_APP_TOKEN",
               env->app_token ? env->app_token : e->id->app_token, 1);
        setenv("SLACK_BOT_TOKEN",
               env->bot_token ? env->bot_token : e->id->bot_token, 1);
        setenv("SLACK_API_URL", slack_sim_api_url(e->sim), 1);
        unsetenv("DISCORD_TOKEN");
        for (size_t i = 0; i < 4 && env->extra[i]; i++)
            putenv((char *)env->extra[i]);
        execl(e->bin, "chorus", "run", "--config", e->conf, "--db", e->db,
              (char *)NULL);
        _exit(127);
    }
    e->pid = pid;
}

/* The child exited: collect it (non-blocking). */
static bool
e2e_reap(void *arg)
{
    struct e2e *e = arg;

    if (e->exited || e->pid <= 0)
        return true;
    if (waitpid(e->pid, &e->status, WNOHANG) == e->pid) {
        e->exited = true;
        return true;
    }
    return false;
}

struct e2e_open_wait {
    struct e2e *e;
    size_t      n;
};

static bool
e2e_open_or_exit(void *arg)
{
    struct e2e_open_wait *w = arg;

    return slack_sim_open_count(w->e->sim) >= w->n || e2e_reap(w->e);
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
    if (e->exited) {
        char *log = e2e_read_file(e->log);

        print_message("daemon exited early:\n%s\n", log);
        free(log);
        fail();
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
    assert_true(e2e_wait(e->sim, e2e_reap, e, timeout_ms));
    e->pid = -1;
    if (WIFEXITED(e->status))
        return WEXITSTATUS(e->status);
    return WIFSIGNALED(e->status) ? -WTERMSIG(e->status) : -1000;
}

/* SIGTERM: a polite stop; the exit code. */
E2E_STATIC int
e2e_term(struct e2e *e)
{
    assert_true(e->pid > 0);
    assert_int_equal(kill(e->pid, SIGTERM), 0);
    return e2e_wait_exit(e, E2E_WAIT_MS);
}

E2E_STATIC void
e2e_kill9(struct e2e *e)
{
    assert_true(e->pid > 0);
    assert_int_equal(kill(e->pid, SIGKILL), 0);
    assert_int_equal(e2e_wait_exit(e, E2E_WAIT_MS), -SIGKILL);
}

/* ---- the daemon's log ---- */

E2E_STATIC bool
e2e_log_has(struct e2e *e, const char *needle)
{
    char *log = e2e_read_file(e->log);
    bool has = strstr(log, needle) != NULL;

    free(log);
    return has;
}

E2E_STATIC size_t
e2e_log_count(struct e2e *e, const char *needle)
{
    char *log = e2e_read_file(e->log);
    size_t n = 0;

    for (const char *p = log; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    free(log);
    return n;
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

static const char *const e2e_sanitizer_marks[] = {
    "ERROR: AddressSanitizer",
    "ERROR: LeakSanitizer",
    "runtime error:",
    "AddressSanitizer:DEADLYSIGNAL",
    "UndefinedBehaviorSanitizer",
};

/* Fails the test when the daemon's log holds a sanitizer report. */
E2E_STATIC void
e2e_check_sanitizers(struct e2e *e)
{
    char *log = e2e_read_file(e->log);

    for (size_t i = 0;
         i < sizeof(e2e_sanitizer_marks) / sizeof(*e2e_sanitizer_marks);
         i++) {
        const char *hit = strstr(log, e2e_sanitizer_marks[i]);

        if (hit) {
            print_message("sanitizer report in the daemon's log:\n%.4000s\n",
                          hit > log + 2000 ? hit - 2000 : log);
            free(log);
            fail();
        }
    }
    free(log);
}

/* ---- the database ---- */

E2E_STATIC long long
e2e_db_int(struct e2e *e, const char *sql, ...)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    va_list ap;
    char *q;
    long long v = -1;

    va_start(ap, sql);
    q = sqlite3_vmprintf(sql, ap);
    va_end(ap);
    assert_int_equal(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) {
        print_message("SQL error: %s in %s\n", sqlite3_errmsg(db), q);
        fail();
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    sqlite3_free(q);
    return v;
}

/* The first column of the first row as text ("" when none). */
E2E_STATIC const char *
e2e_db_text(struct e2e *e, const char *sql, ...)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    va_list ap;
    char *q;

    va_start(ap, sql);
    q = sqlite3_vmprintf(sql, ap);
    va_end(ap);
    e->scratch[0] = '\0';
    assert_int_equal(sqlite3_open_v2(e->db, &db, SQLITE_OPEN_READONLY,
                                     NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(e->scratch, sizeof(e->scratch), "%s",
                 (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
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
    if (e->pid > 0 && !e->exited) {
        kill(e->pid, SIGKILL);
        waitpid(e->pid, &e->status, 0);
    }
    e2e_check_sanitizers(e);
    if (getenv("E2E_KEEP"))
        print_message("kept %s\n", e->dir);
    slack_sim_free(e->sim);
    loop_defer(e->loop, e2e_shutdown_cb, e);
    assert_int_equal(loop_run(e->loop), 0);
    ws_ctx_free(e->ws);
    loop_free(e->loop);
    if (!getenv("E2E_KEEP")) {
        const char *files[] = { "chorus.db", "chorus.db-wal",
                                "chorus.db-shm", "chorus.conf",
                                "daemon.log" };
        char path[256];

        for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
            snprintf(path, sizeof(path), "%s/%s", e->dir, files[i]);
            unlink(path);
        }
        rmdir(e->dir);
    }
    free(e);
}

#endif
