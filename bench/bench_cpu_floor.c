/*
 * bench_cpu_floor: the CPU cost of the least work any command must do.
 *
 * The issues' target is 0.3 CPU seconds per 1 000 commands, for the whole
 * daemon.  This measures two pieces every command pays before chorus does
 * anything of its own, with this build's storage, loop and HTTP code:
 *
 *  - storage: one transaction per command, in a WAL database on disk like
 *    the daemon's: the event id recorded for deduplication, the reply
 *    written to the outbox, the previous reply marked sent.  No command
 *    logic, no read.
 *  - HTTP (Discord answers every interaction with a POST): one request
 *    through http.c (curl multi on the loop) to a keep-alive server on
 *    127.0.0.1 answering 204, counting this thread's CPU only; back to
 *    back, then one every 5 ms (200 per second, the benchmarks' rate).
 *  - a wake-up: the loop sleeping 5 ms and waking with nothing to do.
 *    A paced load pays one per event at least (a command arriving, a
 *    response arriving); on a VM that is far from free.
 *
 *   build-rel/bench/bench_cpu_floor [--commands N]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "loop.h"
#include "arena.h"
#include "records.h"
#include "store.h"

static double
cpu_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- storage ------------------------------------------------------------ */

static double
storage_per_1000(int n)
{
    char dir[] = "/tmp/chorus-cpu-floor-XXXXXX";
    if (!mkdtemp(dir))
        return -1;
    char path[64];
    snprintf(path, sizeof(path), "%s/floor.db", dir);
    struct store *st = NULL;
    struct ch_error err = { 0 };
    if (store_open(path, &st, &err) != CH_OK) {
        fprintf(stderr, "bench_cpu_floor: %s\n", err.user);
        return -1;
    }
    struct arena *a = arena_new();
    unsigned seed = 1;
    int64_t prev = 0, now = 1796112000000;
    double t0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    for (int i = 0; i < n; i++, now++) {
        /* Envelope ids are random (UUIDs), as Slack's are. */
        char event_id[40];
        snprintf(event_id, sizeof(event_id), "%08x-%04x-%08x", rand_r(&seed),
                 i & 0xffff, rand_r(&seed));
        struct outbox_row r = {
            .platform = "slack", .kind = "reply", .channel_ref = "C0123",
            .user_ref = "U0456",
            .text = "*spring-launch*: 3 of 5 deliverables approved, 1 in "
                    "review, 1 late (due Tue 14:00).  Next: brand approval.",
        };
        struct outbox_row was;
        if (store_begin(st) != CH_OK ||
            (prev && store_outbox_sent(st, a, prev, "1700000000.0001", now,
                                       &was) != CH_OK) ||
            store_inbound_mark(st, "slack", event_id, now) != CH_OK ||
            store_outbox_insert(st, &r, now, &prev) != CH_OK ||
            store_commit(st) != CH_OK) {
            fprintf(stderr, "bench_cpu_floor: storage failed at %d\n", i);
            return -1;
        }
        arena_reset(a);
    }
    double used = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - t0;
    arena_free(a);
    store_close(st);
    static const char *const files[] = { "floor.db", "floor.db-wal",
                                         "floor.db-shm" };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    return used * 1000.0 / n;
}

/* ---- HTTP --------------------------------------------------------------- */

/* A keep-alive server answering every request with 204, on its thread. */
static void *
serve(void *arg)
{
    int lfd = *(int *)arg;
    int fd;
    while ((fd = accept(lfd, NULL, NULL)) >= 0) {
        char in[8192];
        size_t have = 0;
        for (;;) {
            ssize_t got = read(fd, in + have, sizeof(in) - 1 - have);
            if (got <= 0)
                break;
            have += (size_t)got;
            in[have] = '\0';
            char *end = strstr(in, "\r\n\r\n");
            if (!end)
                continue;
            const char *cl = strstr(in, "Content-Length:");
            size_t body = cl ? strtoul(cl + 15, NULL, 10) : 0;
            size_t whole = (size_t)(end + 4 - in) + body;
            if (have < whole)
                continue;
            static const char ok[] = "HTTP/1.1 204 No Content\r\n\r\n";
            if (write(fd, ok, sizeof(ok) - 1) < 0)
                break;
            memmove(in, in + whole, have - whole);
            have -= whole;
        }
        close(fd);
    }
    return NULL;
}

#define PACE_MS 5

struct client {
    struct loop *loop;
    struct loop_timer *pace;    /* NULL: back to back */
    struct http *http;
    char         url[64];
    int          left;
    int          failed;
};

static void send_next(struct client *c);

static void
done(void *arg, const struct http_response *res)
{
    struct client *c = arg;
    if (res->status != 204)
        c->failed++;
    if (--c->left > 0) {
        if (c->pace)
            loop_timer_arm(c->pace, PACE_MS);
        else
            send_next(c);
        return;
    }
    http_free(c->http);
    loop_stop(c->loop);
}

static void
send_next(struct client *c)
{
    static const char body[] =
        "{\"type\":4,\"data\":{\"content\":\"Your time zone is now "
        "Europe/Berlin.\",\"flags\":64,\"allowed_mentions\":{\"parse\":"
        "[\"users\"]}}}";
    struct http_request rq = {
        .method = HTTP_POST, .url = c->url, .body = body,
        .body_len = sizeof(body) - 1,
    };
    if (!http_request(c->http, &rq, done, c)) {
        c->failed = c->left;
        http_free(c->http);
        loop_stop(c->loop);
    }
}

static void
paced_send(void *arg)
{
    send_next(arg);
}

static double
http_per_1000(int n, bool paced)
{
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        listen(lfd, 8) != 0 ||
        getsockname(lfd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    pthread_t server;
    pthread_create(&server, NULL, serve, &lfd);
    pthread_detach(server);

    struct client c = { .loop = loop_new(), .left = n };
    c.http = http_new(c.loop, NULL);
    if (paced)
        c.pace = loop_timer_new(c.loop, paced_send, &c);
    snprintf(c.url, sizeof(c.url), "http://127.0.0.1:%d/callback",
             ntohs(sa.sin_port));
    double t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    send_next(&c);
    loop_run(c.loop);
    double used = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
    loop_free(c.loop);
    close(lfd);     /* the server thread's accept fails: it ends */
    if (c.failed) {
        fprintf(stderr, "bench_cpu_floor: %d requests failed\n", c.failed);
        return -1;
    }
    return used * 1000.0 / n;
}

/* ---- wake-ups ----------------------------------------------------------- */

struct waker {
    struct loop       *loop;
    struct loop_timer *timer;
    int                left;
};

static void
wake(void *arg)
{
    struct waker *w = arg;
    if (--w->left > 0) {
        loop_timer_arm(w->timer, PACE_MS);
        return;
    }
    loop_timer_free(w->timer);
    loop_stop(w->loop);
}

static double
wakeups_per_1000(int n)
{
    struct waker w = { .loop = loop_new(), .left = n };
    w.timer = loop_timer_new(w.loop, wake, &w);
    loop_timer_arm(w.timer, PACE_MS);
    double t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    loop_run(w.loop);
    double used = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
    loop_free(w.loop);
    return used * 1000.0 / n;
}

int
main(int argc, char **argv)
{
    long n = 2000;
    char *end = NULL;
    bool ok = argc == 1;
    if (argc == 3 && strcmp(argv[1], "--commands") == 0) {
        n = strtol(argv[2], &end, 10);
        ok = *end == '\0' && n >= 1 && n <= 1000000;
    }
    if (!ok) {
        fprintf(stderr, "usage: bench_cpu_floor [--commands N]\n");
        return 2;
    }
    double store = storage_per_1000((int)n);
    double http = http_per_1000((int)n, false);
    double http_paced = http_per_1000((int)n, true);
    double wakes = wakeups_per_1000((int)n);
    if (store < 0 || http < 0 || http_paced < 0)
        return 1;
    printf("CPU seconds per 1000 (the daemon's target: 0.3 per 1000 "
           "commands, all included)\n");
    printf("  storage, one commit per command     %.3f\n", store);
    printf("  HTTP POST, back to back             %.3f\n", http);
    printf("  HTTP POST, one every %d ms           %.3f\n", PACE_MS,
           http_paced);
    printf("  loop wake-up with nothing to do     %.3f\n", wakes);
    return 0;
}
