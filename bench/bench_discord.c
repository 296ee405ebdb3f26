/*
 * bench_discord: the real daemon (chorus run) against an in-process
 * Discord simulator, 2000 interactions at 200 per second doing real work
 * (a mix of status, tz, help and ask: reads, writes, replies and channel
 * posts), once on a quiet gateway and once with an op 7 Reconnect every
 * 4 seconds.  It prints, per run: interaction callback latency p50/p99
 * (measured in this process, from the moment the sim dispatched the
 * interaction to the moment its callback was handled, in microseconds),
 * interactions late (> 3 s) or lost, the daemon's idle and peak resident
 * memory (VmRSS / VmHWM from /proc/<pid>/status) and its CPU seconds per
 * 1000 interactions (utime + stime from /proc/<pid>/stat).  Then it
 * measures how long the daemon takes to notice a silent connection (the
 * sim stops acknowledging heartbeats) against the heartbeat interval.
 *
 *   build-rel/bench/bench_discord [path/to/chorus] [--slack] [--reply-only]
 *                                 [--only plain]
 *
 * --reply-only makes every interaction "help" (a reply and nothing else,
 * still through the core: dedupe, outbox row, delivery), the work the
 * discord.js figures below were measured with.
 * --slack also runs the Slack simulator and gives the daemon Slack tokens,
 * so idle and peak memory are measured with both adapters connected.
 * --only plain runs the quiet-gateway run alone (for comparing builds).
 * Targets (issue 5): none late or lost with or without reconnects,
 * callback p99 under 10 ms, a silent connection detected within two
 * heartbeat intervals, idle RSS under 10 MB and peak under 20 MB with both
 * adapters connected, under 0.3 CPU seconds per 1000 interactions.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include "discord_sim.h"
#include "proc.h"
#include "slack_sim.h"

#define TOTAL        2000
#define RATE         200        /* per second */
#define USERS        40
#define SLUG         "bench"
#define WAIT_MS      30000

struct bench {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct discord_sim *sim;
    struct slack_sim   *slack;
    const char         *bin;
    char                dir[128];
    char                conf[192];
    char                db[192];
    char                logf[192];
    char                users[USERS][32];
    char                admin[32];
    char                general[32];
    pid_t               pid;
    bool                with_slack;
    bool                reply_only;     /* every interaction is "help" */
};

/* ---- clocks and /proc ---- */

static int64_t
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- the simulators and the daemon ---- */

static void
run_ms(struct bench *b, int ms)
{
    discord_sim_run_for(b->sim, ms);
}

static void
bench_setup(struct bench *b, int heartbeat_ms)
{
    b->loop = loop_new();
    b->ws = ws_ctx_new(b->loop, NULL);
    struct discord_sim_options o = {
        .heartbeat_interval_ms = heartbeat_ms,
        .identify_interval_ms = -1,
        .topic_edit_limit = -1,
        .default_limit = 100000,
        .default_window_ms = 1000,
        .reconnect_drop_ms = 3000,
        .max_log = 400000,
        .replay_max = 20000,
    };
    b->sim = discord_sim_new(b->loop, b->ws, &o);
    if (!b->sim) {
        fprintf(stderr, "bench: cannot start the simulator\n");
        exit(1);
    }
    struct discord_sim_user admin = { .username = "boss" };
    snprintf(b->admin, sizeof(b->admin), "%s",
             discord_sim_add_user(b->sim, &admin));
    for (int i = 0; i < USERS; i++) {
        char name[32];
        snprintf(name, sizeof(name), "user%02d", i);
        struct discord_sim_user u = { .username = name };
        snprintf(b->users[i], sizeof(b->users[i]), "%s",
                 discord_sim_add_user(b->sim, &u));
    }
    snprintf(b->general, sizeof(b->general), "%s",
             discord_sim_channel_by_name(b->sim, "general"));
    if (b->with_slack) {
        struct slack_sim_options so = { .ping_interval_ms = -1 };
        b->slack = slack_sim_new(b->loop, b->ws, &so);
        if (!b->slack) {
            fprintf(stderr, "bench: cannot start the Slack simulator\n");
            exit(1);
        }
    }
    snprintf(b->dir, sizeof(b->dir), "/tmp/chorus-bench-XXXXXX");
    if (!mkdtemp(b->dir)) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(b->conf, sizeof(b->conf), "%s/chorus.conf", b->dir);
    snprintf(b->db, sizeof(b->db), "%s/chorus.db", b->dir);
    snprintf(b->logf, sizeof(b->logf), "%s/daemon.log", b->dir);
    FILE *f = fopen(b->conf, "w");
    fprintf(f, "discord yes\ndiscord_guild %s\ndiscord_application_id %s\n"
               "admin discord:%s\nlog_level info\ndefault_timezone UTC\n",
            discord_sim_guild_id(b->sim), discord_sim_app_id(b->sim),
            b->admin);
    if (b->with_slack)
        fprintf(f, "slack yes\nslack_api_url %s\n",
                slack_sim_api_url(b->slack));
    fclose(f);
}

static void
bench_spawn(struct bench *b)
{
    int fd = open(b->logf, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    fflush(stdout);
    b->pid = fork();
    if (b->pid == 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        for (int i = 3; i < 4096; i++)
            close(i);
        setenv("DISCORD_TOKEN", discord_sim_token(b->sim), 1);
        setenv("DISCORD_API_URL", discord_sim_api_base(b->sim), 1);
        if (!b->with_slack) {
            unsetenv("SLACK_APP_TOKEN");
            unsetenv("SLACK_BOT_TOKEN");
        } else {
            const struct slack_sim_identity *id = slack_sim_identity(b->slack);
            setenv("SLACK_APP_TOKEN", id->app_token, 1);
            setenv("SLACK_BOT_TOKEN", id->bot_token, 1);
            setenv("SLACK_API_URL", slack_sim_api_url(b->slack), 1);
        }
        execl(b->bin, "chorus", "run", "--db", b->db, "--config", b->conf,
              (char *)NULL);
        _exit(127);
    }
    close(fd);
}

static void
bench_stop(struct bench *b)
{
    if (b->pid > 0) {
        kill(b->pid, SIGTERM);
        int64_t t0 = now_us();
        int st;
        while (waitpid(b->pid, &st, WNOHANG) != b->pid) {
            if (now_us() - t0 > 20000000) {
                kill(b->pid, SIGKILL);
                waitpid(b->pid, &st, 0);
                break;
            }
            run_ms(b, 10);
        }
        b->pid = 0;
    }
    if (b->slack)
        slack_sim_free(b->slack);
    discord_sim_free(b->sim);
    ws_ctx_shutdown(b->ws);
    loop_stop(b->loop);
    loop_run(b->loop);
    ws_ctx_free(b->ws);
    loop_free(b->loop);
    static const char *const files[] = { "chorus.db", "chorus.db-wal",
                                         "chorus.db-shm", "chorus.conf",
                                         "daemon.log", NULL };
    for (size_t i = 0; files[i]; i++) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", b->dir, files[i]);
        unlink(p);
    }
    rmdir(b->dir);
}

/* Run a command and wait for its callback; the reply text or "". */
static const char *
command(struct bench *b, const char *user, const char *cmd,
        const struct discord_sim_opt *opts, size_t n)
{
    struct discord_sim_command c = {
        .user_id = user, .channel_id = b->general, .name = cmd,
        .opts = opts, .nopts = n,
    };
    const char *id = discord_sim_command(b->sim, &c);
    char copy[32];
    snprintf(copy, sizeof(copy), "%s", id ? id : "");
    int64_t t0 = now_us();
    struct discord_sim_interaction_info in;
    while (now_us() - t0 < (int64_t)WAIT_MS * 1000) {
        if (discord_sim_interaction(b->sim, copy, &in) &&
            in.callback_type) {
            struct discord_sim_message_info m;
            if (in.original_id &&
                discord_sim_message(b->sim, in.original_id, &m))
                return m.content ? m.content : "";
            return "";
        }
        run_ms(b, 2);
    }
    return NULL;
}

static bool
wait_ready(struct bench *b)
{
    if (!discord_sim_wait_ready(b->sim, 1, WAIT_MS))
        return false;
    if (discord_sim_wait_rest(b->sim, "PUT",
                              "/applications/{id}/guilds/{id}/commands", 0,
                              WAIT_MS) == SIZE_MAX)
        return false;
    run_ms(b, 200);
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = SLUG },
        { .name = "brand", .type = 3, .value = "Fizz" },
    };
    if (b->with_slack && !slack_sim_wait_open(b->slack, 1, WAIT_MS)) {
        fprintf(stderr, "bench: Slack did not connect\n");
        return false;
    }
    const char *r = command(b, b->admin, "new", o, 2);
    if (!r || !strstr(r, "Created"))
        return false;
    /* Every user takes part as a creator (the admin coordinates), so
     * "ask" and "status" do real work: an ask is a question row, a post
     * in the campaign channel and a DM to the coordinator, well inside
     * Discord's 50 requests per second. */
    for (int i = 0; i < USERS; i++) {
        char mention[48];
        snprintf(mention, sizeof(mention), "%s", b->users[i]);
        struct discord_sim_opt a[] = {
            { .name = "slug", .type = 3, .value = SLUG },
            { .name = "person", .type = 6, .value = mention },
            { .name = "role", .type = 3, .value = "creator" },
        };
        r = command(b, b->admin, "add", a, 3);
        if (!r)
            return false;
    }
    return true;
}

/* ---- the load ---- */

struct sample {
    char    id[32];
    int64_t sent_us;
    int64_t answered_us;    /* 0: not yet */
};

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static const char *const zones[] = { "Europe/Berlin", "America/New_York",
                                     "Asia/Tokyo", "Europe/Lisbon" };

static void
send_one(struct bench *b, struct sample *s, int i)
{
    const char *user = b->users[i % USERS];
    char q[64];
    struct discord_sim_opt o[2];
    const char *cmd, *sub = NULL;
    size_t n = 0;
    switch (b->reply_only ? 7 : i % 10) {
    case 0:
    case 1:
    case 2:
    case 3:
        cmd = "status";
        o[n++] = (struct discord_sim_opt){ .name = "slug", .type = 3,
                                           .value = SLUG };
        break;
    case 4:
    case 5:
    case 6:
        cmd = "tz";     /* /tz set: a subcommand */
        sub = "set";
        o[n++] = (struct discord_sim_opt){ .name = "zone", .type = 3,
                                           .value = zones[i % 4] };
        break;
    case 7:
    case 8:
        cmd = "help";
        break;
    default:
        cmd = "ask";
        snprintf(q, sizeof(q), "question number %d", i);
        o[n++] = (struct discord_sim_opt){ .name = "slug", .type = 3,
                                           .value = SLUG };
        o[n++] = (struct discord_sim_opt){ .name = "question", .type = 3,
                                           .value = q };
        break;
    }
    struct discord_sim_command c = {
        .user_id = user, .channel_id = b->general, .name = cmd,
        .subcommand = sub, .opts = o, .nopts = n,
    };
    const char *id = discord_sim_command(b->sim, &c);
    s->sent_us = now_us();
    s->answered_us = 0;
    snprintf(s->id, sizeof(s->id), "%s", id ? id : "");
}

struct result {
    int64_t p50_us, p99_us, max_us;
    int     late, lost, answered;
    long    idle_kib, peak_kib;
    long    idle_anon_kib, idle_file_kib, end_anon_kib, idle_pss_kib;
    double  cpu_per_1000;
    int     reconnects;
};

/* Mark what was answered since the last look. */
static void
collect(struct bench *b, struct sample *s, int n, int *first_open)
{
    int64_t t = now_us();
    for (int i = *first_open; i < n; i++) {
        if (s[i].answered_us)
            continue;
        struct discord_sim_interaction_info in;
        if (discord_sim_interaction(b->sim, s[i].id, &in) && in.callbacks)
            s[i].answered_us = t;
    }
    while (*first_open < n && s[*first_open].answered_us)
        (*first_open)++;
}

static struct result
run_load(struct bench *b, bool reconnects)
{
    struct result r = { 0 };
    struct sample *s = xcalloc(TOTAL, sizeof(*s));
    r.idle_kib = proc_status_kib(b->pid, "VmRSS");
    r.idle_anon_kib = proc_status_kib(b->pid, "RssAnon");
    r.idle_file_kib = proc_status_kib(b->pid, "RssFile");
    r.idle_pss_kib = proc_pss_kib(b->pid);
    double cpu0 = proc_cpu_seconds(b->pid);
    int64_t start = now_us(), next_op7 = start + 4000000;
    int sent = 0, first_open = 0;
    while (sent < TOTAL || first_open < TOTAL) {
        int64_t t = now_us();
        if (sent >= TOTAL && t - start > (int64_t)(TOTAL / RATE + 20) *
                                             1000000)
            break;
        while (sent < TOTAL &&
               t >= start + (int64_t)sent * 1000000 / RATE) {
            send_one(b, &s[sent], sent);
            sent++;
        }
        if (reconnects && t >= next_op7 && sent < TOTAL) {
            discord_sim_gateway_reconnect(b->sim);
            r.reconnects++;
            next_op7 += 4000000;
        }
        loop_run_once(b->loop, false);
        collect(b, s, sent, &first_open);
        if (first_open == sent && sent < TOTAL) {
            int64_t due = start + (int64_t)sent * 1000000 / RATE;
            int64_t wait = due - now_us();
            if (wait > 0)
                usleep((useconds_t)(wait < 1000 ? wait : 1000));
        }
    }
    run_ms(b, 1000);    /* let the posts drain before measuring CPU */
    double cpu1 = proc_cpu_seconds(b->pid);
    r.peak_kib = proc_status_kib(b->pid, "VmHWM");
    r.end_anon_kib = proc_status_kib(b->pid, "RssAnon");
    int64_t *lat = xcalloc(TOTAL, sizeof(*lat));
    int nl = 0;
    for (int i = 0; i < TOTAL; i++) {
        struct discord_sim_interaction_info in;
        bool known = discord_sim_interaction(b->sim, s[i].id, &in);
        if (!known || in.callbacks == 0 || !s[i].answered_us) {
            r.lost++;
            continue;
        }
        if (in.latency_ms > 3000 || in.first_status < 200 ||
            in.first_status >= 300) {
            r.late++;
            continue;
        }
        r.answered++;
        lat[nl++] = s[i].answered_us - s[i].sent_us;
    }
    qsort(lat, (size_t)nl, sizeof(*lat), cmp_i64);
    if (nl) {
        r.p50_us = lat[nl / 2];
        r.p99_us = lat[(nl * 99) / 100 < nl ? (nl * 99) / 100 : nl - 1];
        r.max_us = lat[nl - 1];
    }
    r.cpu_per_1000 = (cpu1 - cpu0) * 1000.0 / TOTAL;
    free(lat);
    free(s);
    return r;
}

static void
print_result(const char *title, const struct result *r)
{
    printf("%s\n", title);
    printf("  callback latency   p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           r->p50_us / 1000.0, r->p99_us / 1000.0, r->max_us / 1000.0);
    printf("  answered in 3 s    %d of %d; late %d, lost %d%s\n",
           r->answered, TOTAL, r->late, r->lost,
           r->reconnects ? "" : "");
    if (r->reconnects)
        printf("  op 7 reconnects    %d\n", r->reconnects);
    printf("  daemon RSS         idle %.1f MB, peak %.1f MB\n",
           r->idle_kib / 1024.0, r->peak_kib / 1024.0);
    printf("                     idle: %.1f MB anonymous + %.1f MB of "
           "mapped files (shared libraries), PSS %.1f MB; anonymous "
           "after the load %.1f MB\n",
           r->idle_anon_kib / 1024.0, r->idle_file_kib / 1024.0,
           r->idle_pss_kib / 1024.0, r->end_anon_kib / 1024.0);
    printf("  daemon CPU         %.3f s per 1000 interactions\n",
           r->cpu_per_1000);
}

static int
one_run(struct bench *b, bool reconnects)
{
    bench_setup(b, 41250);
    bench_spawn(b);
    if (!wait_ready(b)) {
        fprintf(stderr, "bench: the daemon did not come up (log: %s)\n",
                b->logf);
        bench_stop(b);
        return 1;
    }
    run_ms(b, 2000);    /* settle: idle */
    struct result r = run_load(b, reconnects);
    char title[128];
    snprintf(title, sizeof(title), "%d interactions at %d/s%s%s%s", TOTAL,
             RATE, b->reply_only ? " (help only)" : " (mixed work)",
             reconnects ? ", op 7 every 4 s" : "",
             b->with_slack ? " (Slack connected too)" : "");
    print_result(title, &r);
    bench_stop(b);
    return r.late || r.lost;
}

/* How long a silent connection (no heartbeat ACKs) goes unnoticed. */
static int
zombie_run(struct bench *b, int heartbeat_ms)
{
    bench_setup(b, heartbeat_ms);
    bench_spawn(b);
    if (!discord_sim_wait_ready(b->sim, 1, WAIT_MS)) {
        bench_stop(b);
        return 1;
    }
    int64_t worst = 0, sum = 0;
    int rounds = 3;
    for (int k = 0; k < rounds; k++) {
        run_ms(b, heartbeat_ms + (k * heartbeat_ms) / 3);
        struct discord_sim_conn_info c;
        struct discord_sim_stats st;
        discord_sim_conn_last(b->sim, &c);
        discord_sim_stats(b->sim, &st);
        int64_t t0 = loop_now_ms(b->loop);
        discord_sim_gateway_zombie(b->sim, true);
        if (!discord_sim_wait_conn_closed(b->sim, c.id, 4 * heartbeat_ms) ||
            !discord_sim_wait_resumed(b->sim, st.resumed + 1, WAIT_MS)) {
            printf("silent connection not detected\n");
            bench_stop(b);
            return 1;
        }
        discord_sim_conn(b->sim, (size_t)c.id - 1, &c);
        int64_t d = c.closed_ms - t0;
        sum += d;
        if (d > worst)
            worst = d;
    }
    printf("silent connection (no ACKs), heartbeat %d ms: detected in "
           "%.2f s on average, %.2f s at worst (%.2f intervals)\n",
           heartbeat_ms, sum / (double)rounds / 1000.0, worst / 1000.0,
           (double)worst / heartbeat_ms);
    bench_stop(b);
    return worst > 2 * heartbeat_ms;
}

int
main(int argc, char **argv)
{
    struct bench b = { .bin = "./chorus" };
    bool only_plain = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--slack") == 0)
            b.with_slack = true;
        else if (strcmp(argv[i], "--reply-only") == 0)
            b.reply_only = true;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                 strcmp(argv[i + 1], "plain") == 0)
            only_plain = true, i++;
        else
            b.bin = argv[i];
    }
    log_set_level(LOG_ERROR);
    signal(SIGPIPE, SIG_IGN);
    int bad = 0;
    bad |= one_run(&b, false);
    if (only_plain)
        return bad ? 1 : 0;
    bad |= one_run(&b, true);
    bad |= zombie_run(&b, 5000);
    return bad ? 1 : 0;
}
