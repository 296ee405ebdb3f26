/*
 * bench_slack: the Slack adapter under load, end to end.
 *
 * The real daemon (`chorus run`, found next to this program or in
 * $CHORUS_BIN) runs against the Slack simulator in this process.  A
 * workspace of 10 campaigns (a coordinator and 5 creators each, briefs,
 * deliverables, kicked off) is set up through /campaign commands first;
 * then 2 000 slash commands are sent at 200 per second, a mix that does
 * the real work (parse, permission check, SQLite commit, outbox):
 *   35 % status <slug>      15 % tz <zone>        10 % help [command]
 *   10 % hours ...          10 % ooo ... / back    10 % ask <slug> ...
 *    5 % audit <slug>        5 % brief <slug>
 * (`ask` also posts in the campaign's channel and DMs its coordinator,
 * which Slack paces at about one message per second per channel).
 *
 * It prints, per run: ack latency p50/p99 (command sent -> its ack back
 * at the simulator), reply latency p50/p99 (command sent -> the bot's
 * answer at the simulator: the ack's payload, or a later ephemeral),
 * commands lost (no answer, or not applied exactly once in the
 * database), the daemon's idle and peak resident memory (VmRSS after the
 * setup, VmHWM at the end, /proc/<pid>/status), and its CPU seconds per
 * 1 000 commands (utime + stime, /proc/<pid>/stat) from the first
 * command until every answer is in and the outbox is empty.  The second
 * run is the same with a refresh_requested disconnect every 4 seconds.
 *
 * --mix backlog is the run that shows whether an answer ever waits behind
 * the outbox: every command is a state-changing `ask`, which posts in its
 * campaign's channel and DMs the coordinator, so at 50 commands a second
 * the ten channels (paced at about one post a second each) build a backlog
 * that grows by about 40 posts a second (3 000 commands at 50/s unless
 * --commands or --rate say otherwise).  It prints how many acks carried
 * their answer and how long answers took, then the backlog left in the
 * outbox when the last answer arrived (it does not wait for the posts to
 * drain: that takes minutes, by design).
 *
 *   bench_slack [--commands N] [--rate R] [--only plain|refresh]
 *               [--mix standard|backlog]
 *
 * Build it Release (cmake -DCMAKE_BUILD_TYPE=Release): the daemon it runs
 * is the chorus binary of the same build.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ws.h"
#include "loop.h"
#include "log.h"
#include "xmalloc.h"
#include "slack_sim.h"
#include "proc.h"

#define CAMPAIGNS   10
#define CREATORS    5        /* per campaign */
#define USERS       (CAMPAIGNS * (CREATORS + 1))
#define WAIT_MS     60000

struct cmd {
    char    envelope_id[40];
    int     user;
    int64_t sent_us;
    int64_t ack_us;          /* 0: not yet */
    int64_t reply_us;        /* 0: not yet */
};

struct bench {
    struct loop      *loop;
    struct ws_ctx    *ws;
    struct slack_sim *sim;
    const struct slack_sim_identity *id;
    char              bin[PATH_MAX];
    char              dir[64];
    char              db[128];
    char              conf[128];
    char              log[128];
    pid_t             pid;
    char              user_id[USERS + 1][24];   /* [USERS]: the admin */
    /* the timed run */
    struct cmd       *cmds;
    size_t            ncmds;
    size_t            acks_seen;      /* slack_sim_ack_count() looked at */
    size_t            ack_cursor;     /* cmds before this are acked */
    size_t            eph_seen;
    size_t            answered;
    size_t            on_ack;         /* answered by the ack's payload */
    bool              timing;
    bool              backlog;        /* --mix backlog */
};

static int64_t
now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static void
die(const char *what)
{
    fprintf(stderr, "bench_slack: %s\n", what);
    exit(1);
}

/* ---- the daemon's numbers from /proc ---- */

/* ---- the simulator side ---- */

static void
record_answers(struct bench *b)
{
    size_t n = slack_sim_ack_count(b->sim);
    int64_t t = now_us();

    for (; b->acks_seen < n; b->acks_seen++) {
        const struct slack_sim_ack *a = slack_sim_ack_at(b->sim,
                                                         b->acks_seen);
        /* Acks come back nearly in order: search from the cursor. */
        for (size_t i = b->ack_cursor; i < b->ncmds; i++) {
            struct cmd *c = &b->cmds[i];

            if (c->ack_us || strcmp(c->envelope_id, a->envelope_id) != 0)
                continue;
            c->ack_us = t;
            if (a->payload && cJSON_GetObjectItem(a->payload, "text")) {
                c->reply_us = t;
                b->answered++;
                b->on_ack++;
            }
            break;
        }
        while (b->ack_cursor < b->ncmds && b->cmds[b->ack_cursor].ack_us)
            b->ack_cursor++;
    }
    /* Answers that did not ride on the ack: ephemeral messages, matched
     * to the oldest unanswered command of that user. */
    n = slack_sim_ephemeral_count(b->sim);
    for (; b->eph_seen < n; b->eph_seen++) {
        const struct slack_sim_ephemeral *x =
            slack_sim_ephemeral_at(b->sim, b->eph_seen);

        if (strcmp(x->source, "ack") == 0)
            continue;
        for (size_t i = 0; i < b->ncmds; i++) {
            struct cmd *c = &b->cmds[i];

            if (!c->reply_us && c->ack_us &&
                strcmp(b->user_id[c->user], x->user) == 0) {
                c->reply_us = t;
                b->answered++;
                break;
            }
        }
    }
}

struct until {
    struct bench *b;
    int64_t       at_us;    /* 0: until every command is answered */
};

static bool
until_pred(void *arg)
{
    struct until *u = arg;

    if (u->b->timing)
        record_answers(u->b);
    if (u->at_us)
        return now_us() >= u->at_us;
    return u->b->answered == u->b->ncmds;
}

/* ---- the daemon ---- */

static void
spawn(struct bench *b)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        die("fork failed");
    if (pid == 0) {
        int fd = open(b->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        for (int i = 3; i < 1024; i++)
            close(i);
        setenv("SLACK_APP_TOKEN", b->id->app_token, 1);
        setenv("SLACK_BOT_TOKEN", b->id->bot_token, 1);
        setenv("SLACK_API_URL", slack_sim_api_url(b->sim), 1);
        unsetenv("DISCORD_TOKEN");
        execl(b->bin, "chorus", "run", "--config", b->conf, "--db", b->db,
              (char *)NULL);
        _exit(127);
    }
    b->pid = pid;
}

static bool
one_open(void *arg)
{
    return slack_sim_open_count(arg) >= 1;
}

/* A setup command: send, wait for its answer. */
static void
setup_cmd(struct bench *b, int user, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

struct ack_wait {
    struct bench *b;
    const char   *envelope_id;
};

static bool
acked(void *arg)
{
    struct ack_wait *w = arg;

    return slack_sim_ack_find(w->b->sim, w->envelope_id) != NULL;
}

static void
setup_cmd(struct bench *b, int user, const char *fmt, ...)
{
    char text[512];
    struct slack_sim_push p;
    struct ack_wait w = { .b = b, .envelope_id = p.envelope_id };
    const struct slack_sim_ack *a;
    const cJSON *t;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (slack_sim_push_command(b->sim, b->user_id[user], "general",
                               "/campaign", text, &p) != 0)
        die(slack_sim_error(b->sim));
    if (!slack_sim_wait(b->sim, acked, &w, WAIT_MS))
        die("a setup command was not acked");
    a = slack_sim_ack_find(b->sim, p.envelope_id);
    t = a->payload ? cJSON_GetObjectItem(a->payload, "text") : NULL;
    if (!cJSON_IsString(t)) {
        fprintf(stderr, "bench_slack: setup \"%s\": no answer\n", text);
        exit(1);
    }
}

static long long
db_int(struct bench *b, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    long long v = -1;

    if (sqlite3_open_v2(b->db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return v;
}

struct drain_wait {
    struct bench *b;
    int64_t       next_check;
    bool          done;         /* stays so: the wait asks twice */
};

static bool
drained(void *arg)
{
    struct drain_wait *w = arg;
    int64_t t = now_us();

    if (w->done)
        return true;
    if (w->b->timing)
        record_answers(w->b);
    if (t < w->next_check)
        return false;
    w->next_check = t + 200000;
    w->done = db_int(w->b, "SELECT count(*) FROM outbox WHERE state = "
                           "'pending'") == 0;
    return w->done;
}

/* Run the loop until the outbox is empty (pacing drains it slowly). */
static void
wait_drained(struct bench *b, int timeout_ms)
{
    struct drain_wait w = { .b = b };
    int64_t end = now_us() + (int64_t)timeout_ms * 1000;

    while (now_us() < end)
        if (slack_sim_wait(b->sim, drained, &w, 200))
            break;
}

static const char *const zones[] = {
    "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/Lisbon",
};

static int
coordinator(int c)
{
    return c * (CREATORS + 1);
}

static int
creator(int c, int k)
{
    return c * (CREATORS + 1) + 1 + k;
}

static void
setup_workspace(struct bench *b)
{
    int admin = USERS;

    for (int c = 0; c < CAMPAIGNS; c++) {
        setup_cmd(b, admin, "new camp-%d brand:Brand%d title:\"Campaign "
                  "%d\"", c, c % 3, c);
        setup_cmd(b, admin, "add camp-%d <@%s> role:coordinator", c,
                  b->user_id[coordinator(c)]);
        /* Each campaign its own coordinator (the admin who created it
         * would otherwise be told about every question of all ten). */
        setup_cmd(b, admin, "remove camp-%d <@%s>", c, b->user_id[admin]);
        for (int k = 0; k < CREATORS; k++)
            setup_cmd(b, admin, "add camp-%d <@%s> role:creator", c,
                      b->user_id[creator(c, k)]);
        setup_cmd(b, admin, "brief camp-%d set story Spring is here", c);
        setup_cmd(b, admin, "brief camp-%d set audience runners", c);
        setup_cmd(b, admin, "brief camp-%d set core_message Brighter "
                  "mornings", c);
        for (int k = 0; k < CREATORS; k++)
            setup_cmd(b, admin, "deliverable camp-%d <@%s> \"Piece %d\" "
                      "draft:+%dd publish:+%dd", c,
                      b->user_id[creator(c, k)], k, 6 + k, 12 + k);
        setup_cmd(b, admin, "kickoff camp-%d", c);
    }
}

/* --mix backlog: every command a question that posts in its channel. */
static int
mix_backlog(size_t i, char *text, size_t len)
{
    int c = (int)(i % CAMPAIGNS);
    int k = (int)(i / CAMPAIGNS % CREATORS);

    snprintf(text, len, "ask camp-%d is the jingle cleared for use? (%zu)",
             c, i);
    return creator(c, k);
}

/* The i-th command of the mix: who sends it and what. */
static int
mix(size_t i, char *text, size_t len)
{
    /* Every 200 commands each kind below hits every campaign once, and
     * the sender rotates through its creators. */
    int r = (int)(i % 20);
    int c = (int)(i / 20 % CAMPAIGNS);
    int k = (int)((size_t)r + i / 200) % CREATORS;
    int user = creator(c, k);

    switch (r) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6:
        snprintf(text, len, "status camp-%d", c);
        break;
    case 7: case 8: case 9:
        snprintf(text, len, "tz %s", zones[i / 20 % 4]);
        break;
    case 10:
        snprintf(text, len, "help");
        break;
    case 11:
        snprintf(text, len, "help deliverable");
        break;
    case 12: case 13:
        snprintf(text, len, "hours %02d:00-%02d:00 days:mon-fri",
                 8 + (int)(i / 20 % 3), 17 + (int)(i / 20 % 3));
        break;
    case 14:
        snprintf(text, len, "ooo 2027-02-%02d 2027-02-%02d conference",
                 1 + (int)(i / 20 % 20), 3 + (int)(i / 20 % 20));
        break;
    case 15:
        snprintf(text, len, "back");
        break;
    case 16: case 17:
        if (getenv("BENCH_NO_ASK"))
            snprintf(text, len, "status camp-%d", c);
        else
            snprintf(text, len, "ask camp-%d may we use the jingle? (%zu)",
                     c, i);
        break;
    case 18:
        user = coordinator(c);
        snprintf(text, len, "audit camp-%d", c);
        break;
    default:
        snprintf(text, len, "brief camp-%d", c);
        break;
    }
    return user;
}

/*
 * Diagnostics: BENCH_PROFILE="perf record -g -p %d -o /tmp/x.data" runs
 * that command (%d: the daemon's pid) over the timed commands only, and
 * stops it with SIGINT when the last answer is in.
 */
static pid_t
profile_start(pid_t daemon)
{
    const char *tmpl = getenv("BENCH_PROFILE");
    char cmd[512];
    pid_t pid;

    if (!tmpl || !*tmpl)
        return 0;
    /* exec: the SIGINT of profile_stop reaches the profiler itself. */
    int len = snprintf(cmd, sizeof(cmd), "exec ");
    snprintf(cmd + len, sizeof(cmd) - (size_t)len, tmpl, (int)daemon);
    pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    usleep(300000);     /* let it attach */
    return pid;
}

static void
profile_stop(pid_t pid)
{
    int status;

    if (pid <= 0)
        return;
    kill(pid, SIGINT);
    waitpid(pid, &status, 0);
}

/* ---- one run ---- */

struct result {
    double ack_p50, ack_p99, reply_p50, reply_p99;
    size_t lost;
    size_t on_ack;            /* answers that rode on their ack */
    long long backlog;        /* outbox rows pending at the last answer */
    long   idle_kib, peak_kib;
    double cpu_per_1000;
    double cpu_until_answers;
    double seconds;
    size_t refreshes;
};

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

static double
pct(int64_t *v, size_t n, double p)
{
    if (n == 0)
        return -1;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

static void
shutdown_cb(void *arg)
{
    struct bench *b = arg;

    ws_ctx_shutdown(b->ws);
    loop_stop(b->loop);
}

static void
run(struct bench *b, size_t n, int rate, int64_t refresh_ms,
    struct result *r)
{
    struct slack_sim_options o = { .ping_interval_ms = 10000 };
    struct slack_sim_user_spec spec = { 0 };
    FILE *f;
    int status;

    memset(r, 0, sizeof(*r));
    snprintf(b->dir, sizeof(b->dir), "/tmp/chorus-bench-slack-XXXXXX");
    if (!mkdtemp(b->dir))
        die("mkdtemp failed");
    snprintf(b->db, sizeof(b->db), "%s/chorus.db", b->dir);
    snprintf(b->conf, sizeof(b->conf), "%s/chorus.conf", b->dir);
    snprintf(b->log, sizeof(b->log), "%s/daemon.log", b->dir);
    b->loop = loop_new();
    b->ws = ws_ctx_new(b->loop, NULL);
    b->sim = slack_sim_new(b->loop, b->ws, &o);
    if (!b->sim)
        die("cannot start the simulator");
    b->id = slack_sim_identity(b->sim);
    for (int u = 0; u <= USERS; u++) {
        char name[24];
        const struct slack_sim_user *su;

        snprintf(name, sizeof(name), u == USERS ? "admin" : "user%02d", u);
        spec.name = name;
        spec.tz = zones[u % 4];
        su = slack_sim_add_user(b->sim, &spec);
        if (!su)
            die(slack_sim_error(b->sim));
        snprintf(b->user_id[u], sizeof(b->user_id[u]), "%s", su->id);
    }
    if (!slack_sim_add_channel(b->sim, "general", false, NULL))
        die("no channel");
    f = fopen(b->conf, "w");
    if (!f)
        die("cannot write the configuration");
    /* BENCH_LOG_LEVEL=debug to see what the daemon did (its log is kept
     * with BENCH_KEEP). */
    fprintf(f, "log_level %s\nadmin slack:%s\n",
            getenv("BENCH_LOG_LEVEL") ? getenv("BENCH_LOG_LEVEL") : "warn",
            b->user_id[USERS]);
    fclose(f);

    spawn(b);
    if (!slack_sim_wait(b->sim, one_open, b->sim, WAIT_MS))
        die("the daemon did not connect (see its log in /tmp)");
    setup_workspace(b);
    if (db_int(b, "SELECT count(*) FROM campaigns WHERE state = 'active'")
            != CAMPAIGNS ||
        db_int(b, "SELECT count(*) FROM deliverables") !=
            CAMPAIGNS * CREATORS)
        die("the workspace was not set up (see the daemon's log)");
    wait_drained(b, 120000);
    slack_sim_run_for(b->sim, 1000);
    r->idle_kib = proc_status_kib(b->pid, "VmRSS");

    /* The timed run. */
    b->cmds = xcalloc(n, sizeof(*b->cmds));
    b->ncmds = n;
    b->acks_seen = slack_sim_ack_count(b->sim);
    b->eph_seen = slack_sim_ephemeral_count(b->sim);
    b->ack_cursor = 0;
    b->answered = 0;
    b->on_ack = 0;
    b->timing = true;
    long long inbound0 = db_int(b, "SELECT count(*) FROM inbound");
    pid_t prof = profile_start(b->pid);
    double cpu0 = proc_cpu_seconds(b->pid);
    int64_t t0 = now_us(), interval = 1000000 / rate;
    int64_t next_refresh = refresh_ms ? t0 + refresh_ms * 1000 : 0;

    for (size_t i = 0; i < n; i++) {
        struct until u = { .b = b, .at_us = t0 + (int64_t)i * interval };
        char text[160];
        struct slack_sim_push p;
        int64_t left;

        while ((left = u.at_us - now_us()) > 0)
            slack_sim_wait(b->sim, until_pred, &u,
                           (int)((left + 999) / 1000));
        if (next_refresh && now_us() >= next_refresh) {
            slack_sim_socket_inject(b->sim, 0, SLACK_SIM_FAULT_REFRESH, NULL);
            r->refreshes++;
            next_refresh += refresh_ms * 1000;
        }
        b->cmds[i].user = b->backlog ? mix_backlog(i, text, sizeof(text))
                                     : mix(i, text, sizeof(text));
        b->cmds[i].sent_us = now_us();
        if (slack_sim_push_command(b->sim, b->user_id[b->cmds[i].user],
                                   "general", "/campaign", text, &p) != 0)
            die(slack_sim_error(b->sim));
        snprintf(b->cmds[i].envelope_id, sizeof(b->cmds[i].envelope_id),
                 "%s", p.envelope_id);
    }
    struct until all = { .b = b };
    slack_sim_wait(b->sim, until_pred, &all, b->backlog ? 60000 : 10000);
    r->cpu_until_answers = proc_cpu_seconds(b->pid) - cpu0;
    r->seconds = (double)(now_us() - t0) / 1e6;
    r->on_ack = b->on_ack;
    r->backlog = db_int(b, "SELECT count(*) FROM outbox WHERE state = "
                           "'pending'");
    profile_stop(prof);
    if (!b->backlog)
        wait_drained(b, 180000);
    double cpu1 = proc_cpu_seconds(b->pid);
    r->peak_kib = proc_status_kib(b->pid, "VmHWM");
    b->timing = false;

    /* Latencies, and what was lost: no answer, or not applied once. */
    int64_t *acks = xcalloc(n, sizeof(int64_t));
    int64_t *replies = xcalloc(n, sizeof(int64_t));
    size_t na = 0, nr = 0;
    for (size_t i = 0; i < n; i++) {
        if (b->cmds[i].ack_us)
            acks[na++] = b->cmds[i].ack_us - b->cmds[i].sent_us;
        if (b->cmds[i].reply_us)
            replies[nr++] = b->cmds[i].reply_us - b->cmds[i].sent_us;
    }
    qsort(acks, na, sizeof(*acks), cmp_i64);
    qsort(replies, nr, sizeof(*replies), cmp_i64);
    r->ack_p50 = pct(acks, na, 0.50);
    r->ack_p99 = pct(acks, na, 0.99);
    r->reply_p50 = pct(replies, nr, 0.50);
    r->reply_p99 = pct(replies, nr, 0.99);
    long long applied = db_int(b, "SELECT count(*) FROM inbound") - inbound0;
    r->lost = n - nr;
    if (applied >= 0 && (size_t)applied < n && n - (size_t)applied > r->lost)
        r->lost = n - (size_t)applied;
    r->cpu_per_1000 = (cpu1 - cpu0) * 1000.0 / (double)n;
    free(acks);
    free(replies);

    kill(b->pid, SIGTERM);
    for (int i = 0; i < 1000; i++) {
        if (waitpid(b->pid, &status, WNOHANG) == b->pid)
            break;
        slack_sim_run_for(b->sim, 10);
    }
    slack_sim_free(b->sim);
    loop_defer(b->loop, shutdown_cb, b);
    loop_run(b->loop);
    ws_ctx_free(b->ws);
    loop_free(b->loop);
    free(b->cmds);
    b->cmds = NULL;
    if (!getenv("BENCH_KEEP")) {
        unlink(b->db);
        char p[160];
        snprintf(p, sizeof(p), "%s-wal", b->db);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", b->db);
        unlink(p);
        unlink(b->conf);
        unlink(b->log);
        rmdir(b->dir);
    } else {
        printf("  (kept %s)\n", b->dir);
    }
}

static void
print(const char *name, size_t n, int rate, const struct result *r)
{
    printf("%s: %zu commands at %d/s in %.1f s%s\n", name, n, rate,
           r->seconds, r->refreshes ? "" : "");
    if (r->refreshes)
        printf("  refresh_requested disconnects:  %zu (every 4 s)\n",
               r->refreshes);
    printf("  ack latency    p50 %7.3f ms   p99 %7.3f ms\n", r->ack_p50,
           r->ack_p99);
    printf("  reply latency  p50 %7.3f ms   p99 %7.3f ms\n", r->reply_p50,
           r->reply_p99);
    printf("  commands lost  %zu\n", r->lost);
    printf("  answers on the ack  %zu of %zu; outbox backlog at the last "
           "answer: %lld rows\n", r->on_ack, n, r->backlog);
    printf("  daemon memory  idle %.1f MB   peak %.1f MB (VmRSS, VmHWM)\n",
           (double)r->idle_kib / 1024.0, (double)r->peak_kib / 1024.0);
    printf("  daemon CPU     %.3f s per 1000 commands (%.3f s until the "
           "last answer)\n", r->cpu_per_1000,
           r->cpu_until_answers * 1000.0 / (double)n);
    fflush(stdout);
}

int
main(int argc, char **argv)
{
    struct bench b = { 0 };
    struct result r;
    size_t n = 2000;
    int rate = 200;
    const char *only = NULL;
    const char *env = getenv("CHORUS_BIN");
    bool sized = false;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--commands")) {
            n = (size_t)strtoul(argv[i + 1], NULL, 10);
            sized = true;
        } else if (!strcmp(argv[i], "--rate")) {
            rate = (int)strtol(argv[i + 1], NULL, 10);
            sized = true;
        }
        else if (!strcmp(argv[i], "--only"))
            only = argv[i + 1];
        else if (!strcmp(argv[i], "--mix")) {
            if (strcmp(argv[i + 1], "backlog") && strcmp(argv[i + 1],
                                                         "standard"))
                die("--mix is standard or backlog");
            b.backlog = !strcmp(argv[i + 1], "backlog");
        }
    }
    if (b.backlog && !only)
        only = "plain";
    /* The backlog run's defaults: a minute at 50/s, long enough for the
     * paced posts to pile up past what the adapter keeps in memory. */
    if (b.backlog && !sized) {
        n = 3000;
        rate = 50;
    }
    if (n == 0 || rate <= 0 || rate > 100000)
        die("usage: bench_slack [--commands N] [--rate R] "
            "[--only plain|refresh] [--mix standard|backlog]");
    if (env && *env) {
        snprintf(b.bin, sizeof(b.bin), "%s", env);
    } else {
        char self[PATH_MAX - 16];
        ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (len <= 0)
            die("cannot find myself");
        self[len] = '\0';
        *strrchr(self, '/') = '\0';
        snprintf(b.bin, sizeof(b.bin), "%s/../chorus", self);
    }
    if (access(b.bin, X_OK) != 0)
        die("no chorus binary (set CHORUS_BIN)");
    signal(SIGPIPE, SIG_IGN);
    log_set_level(LOG_WARN);
    printf("bench_slack: daemon %s\n", b.bin);
    if (!only || !strcmp(only, "plain")) {
        run(&b, n, rate, 0, &r);
        print(b.backlog ? "backlog (every command posts)" : "plain", n, rate,
              &r);
    }
    if (!only || !strcmp(only, "refresh")) {
        run(&b, n, rate, 4000, &r);
        print("refresh every 4 s", n, rate, &r);
    }
    return 0;
}
