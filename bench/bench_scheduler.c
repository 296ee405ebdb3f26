/*
 * bench_scheduler: the persistent scheduler at 10 k, 100 k and 1 M
 * pending jobs.  For each size it prints the time to insert the jobs, the
 * cost per fired job (core_tick: pick the earliest job by index, delete
 * it, run it, commit), the cost of core_next_due(), and the resident
 * memory the pending jobs add.  Targets (issue 6): the cost per fired job
 * stays within 2x from 10 k to 1 M, and 1 M pending jobs add less than
 * 64 MB of resident memory.
 *
 *   build/bench/bench_scheduler [dir]    (dir: where the databases go)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "log.h"
#include "records.h"
#include "schedule.h"
#include "store.h"

#define FIRED 5000

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kib(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    while (fp && fgets(line, sizeof(line), fp))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    if (fp)
        fclose(fp);
    return kib;
}

/* xorshift: reproducible due times without libc's rand(). */
static uint64_t
next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

struct result {
    double insert_s;
    double fire_us;
    double next_due_us;
    long   rss_added_kib;
    long   db_kib;
};

static int
run(const char *dir, long n, struct result *r)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/bench-%ld.db", dir, n);
    unlink(path);
    char wal[520];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);

    struct core_settings settings;
    settings_defaults(&settings);
    struct sim_clock sim = {.now_ms = INT64_C(1796083200000)}; /* 2026-12-01 */
    struct clock clock = clock_simulated(&sim);
    struct core *core;
    struct ch_error err = { 0 };
    if (core_new(path, &settings, &clock, &core, &err) != CH_OK) {
        fprintf(stderr, "bench: %s\n", err.user);
        return -1;
    }
    struct store *st = core_store(core);

    /* One resolved escalation for every job to point at: firing then does
     * the scheduler's whole round trip with the smallest possible effect. */
    int64_t brand, campaign;
    struct escalation e = { .reason = "bench", .opened_at = sim.now_ms,
                            .level_since = sim.now_ms };
    store_begin(st);
    store_brand_put(st, "Bench", NULL, NULL, sim.now_ms, &brand);
    struct campaign cp = { .slug = "bench", .brand_id = brand,
                           .starts_at = INT64_MIN, .ends_at = INT64_MIN,
                           .created_at = sim.now_ms };
    store_campaign_insert(st, &cp, 0, &campaign);
    e.campaign_id = campaign;
    store_escalation_insert(st, &e);
    store_escalation_resolve(st, e.id, 0, "bench", sim.now_ms);
    store_commit(st);

    long rss_before = rss_kib();
    uint64_t seed = 0x9E3779B97F4A7C15u;
    double t0 = now_s();
    for (long i = 0; i < n;) {
        store_begin(st);
        for (long k = 0; k < 10000 && i < n; k++, i++) {
            struct job j = {
                .due_at = sim.now_ms + 60000 +
                          (int64_t)(next_random(&seed) %
                                    (uint64_t)(365 * 86400000LL)),
                .kind = "escalation.step", .campaign_id = campaign,
                .escalation_id = e.id,
            };
            store_jobs_insert(st, &j, sim.now_ms, NULL);
        }
        store_commit(st);
    }
    r->insert_s = now_s() - t0;
    r->rss_added_kib = rss_kib() - rss_before;

    /* core_next_due: one index lookup, whatever the size. */
    t0 = now_s();
    int64_t due = 0;
    for (int i = 0; i < 10000; i++)
        due ^= core_next_due(core);   /* used, so the calls stay */
    if (due == 0)
        fprintf(stderr, "bench: no job due\n");
    r->next_due_us = (now_s() - t0) * 1e6 / 10000;

    /* Fire the FIRED earliest jobs the way the daemon does: move the
     * clock to the next due time, tick. */
    int fired = 0;
    t0 = now_s();
    while (fired < FIRED) {
        sim.now_ms = core_next_due(core);
        int ran = core_tick(core);
        if (ran == 0)
            break;
        fired += ran;
    }
    r->fire_us = (now_s() - t0) * 1e6 / (fired ? fired : 1);

    core_free(core);
    FILE *fp = fopen(path, "rb");
    r->db_kib = 0;
    if (fp) {
        fseek(fp, 0, SEEK_END);
        r->db_kib = ftell(fp) / 1024;
        fclose(fp);
    }
    unlink(path);
    unlink(wal);
    snprintf(wal, sizeof(wal), "%s-shm", path);
    unlink(wal);
    return fired == FIRED ? 0 : -1;
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    log_set_level(LOG_WARN);
    static const long sizes[] = { 10000, 100000, 1000000 };
    struct result res[3];
    printf("%-10s %12s %14s %14s %14s %12s %10s\n", "pending", "insert s",
           "insert us/job", "fire us/job", "next_due us", "RSS +MiB",
           "db MiB");
    for (int i = 0; i < 3; i++) {
        if (run(dir, sizes[i], &res[i]) != 0) {
            fprintf(stderr, "bench: run with %ld jobs failed\n", sizes[i]);
            return 1;
        }
        printf("%-10ld %12.2f %14.2f %14.1f %14.2f %12.1f %10.1f\n", sizes[i],
               res[i].insert_s, res[i].insert_s * 1e6 / (double)sizes[i],
               res[i].fire_us, res[i].next_due_us,
               (double)res[i].rss_added_kib / 1024.0,
               (double)res[i].db_kib / 1024.0);
        fflush(stdout);
    }
    double ratio = res[2].fire_us / res[0].fire_us;
    printf("fire cost 1M/10k: %.2fx (target <= 2x): %s\n", ratio,
           ratio <= 2.0 ? "met" : "MISSED");
    printf("RSS added by 1M pending jobs: %.1f MiB (target < 64): %s\n",
           (double)res[2].rss_added_kib / 1024.0,
           res[2].rss_added_kib < 64 * 1024 ? "met" : "MISSED");
    return 0;
}
