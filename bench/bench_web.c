/*
 * bench_web: the dashboard's pages (adapters/web/dash.c) in the workspace
 * of workspace.c -- 1 000 active campaigns, 50 000 deliverables -- each
 * page asked through web_route() as the server asks it, without a
 * socket, many times: the index (first, a middle and the last page) and
 * a campaign's page for the admin token, the index and a campaign's page
 * for a brand lead and a creator through their own dashboard links, and
 * scorecards.  It prints mean, p50, p99 and max per page, wall time
 * and the thread's CPU time, against the target (issue 18): every page
 * under 50 ms.
 *
 *   build-rel/bench/bench_web [dir [runs]]
 *       dir: where the database goes; runs: of each page (200)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "core.h"
#include "log.h"
#include "sha256.h"
#include "store.h"
#include "web.h"
#include "workspace.h"

#define RUNS        200     /* of each page, unless told */
#define TARGET_MS   50
#define ADMIN       "bench-admin-token"

/* A person's dashboard link, stored as `dashboard` stores it. */
static void
give_token(struct core *core, int64_t person, char token[65])
{
    char hash[65], sql[256];
    for (int i = 0; i < 64; i++)
        token[i] = "0123456789abcdef"[(person * 7 + i * 13) % 16];
    token[64] = '\0';
    sha256_hex(token, 64, hash);
    snprintf(sql, sizeof(sql), "INSERT INTO web_tokens (person_id, kind,"
             " hash, created_at) VALUES (%lld, 'dashboard', '%s', 0)",
             (long long)person, hash);
    workspace_exec(store_db(core_store(core)), sql);
}

/* This thread's CPU seconds: what a page costs, whatever else the
 * machine is busy with (the wall time above includes waiting for it). */
static double
cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct page {
    const char *what;
    const char *path;           /* "%d": a campaign or person, picked */
    int         pick_from, pick_n;
    const char *token;
};

static int runs = RUNS;

static void
time_page(struct web *w, const struct page *pg)
{
    double *t = calloc((size_t)runs, sizeof(*t));
    double *cpu = calloc((size_t)runs, sizeof(*cpu));
    size_t bytes = 0;
    for (int i = 0; i < runs; i++) {
        char path[128];
        snprintf(path, sizeof(path), pg->path,
                 pg->pick_from + (pg->pick_n ? (int)workspace_pick(
                                                   (unsigned)pg->pick_n)
                                             : 0));
        struct buf body = BUF_INIT;
        struct web_answer a = { .status = 0, .body = &body };
        double c0 = cpu_s(), t0 = workspace_now_s();
        web_route(w, path, pg->token, &a);
        t[i] = workspace_now_s() - t0;
        cpu[i] = cpu_s() - c0;
        if (a.status != 200) {
            fprintf(stderr, "bench_web: %s answered %d\n", path, a.status);
            exit(1);
        }
        bytes += body.len;
        buf_free(&body);
    }
    char what[80];
    snprintf(what, sizeof(what), "%s (%zu KiB)", pg->what,
             bytes / (size_t)runs / 1024);
    workspace_report(what, t, runs, TARGET_MS);
    workspace_report("  its CPU time alone", cpu, runs, TARGET_MS);
    free(t);
    free(cpu);
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    if (argc > 2 && (runs = (int)strtol(argv[2], NULL, 10)) < 1) {
        fprintf(stderr, "usage: bench_web [dir [runs]]\n");
        return 2;
    }
    struct sim_clock sim;
    struct core *core = workspace_open(dir, "bench-web.db", &sim);
    double t0 = workspace_now_s();
    workspace_populate(core, sim.now_ms);
    /* Brand1's lead, and the first creator (in Brand1's campaigns). */
    int64_t lead = WORKSPACE_CREATORS + WORKSPACE_CAMPAIGNS + 1;
    char lead_token[65], creator_token[65];
    give_token(core, lead, lead_token);
    give_token(core, 1, creator_token);
    printf("workspace: %d brands, %d active campaigns, %d deliverables "
           "(%.1f s to write); %d runs a page\n", WORKSPACE_BRANDS,
           WORKSPACE_CAMPAIGNS, WORKSPACE_DELIVS, workspace_now_s() - t0,
           runs);

    struct web_options o = { .admin_token = ADMIN, .core = core };
    struct web *w = web_listen(NULL, NULL, &o, NULL);
    int last = (WORKSPACE_CAMPAIGNS + CORE_DASH_PAGE - 1) / CORE_DASH_PAGE;
    char last_page[64];
    snprintf(last_page, sizeof(last_page), "/dashboard/page/%d", last);
    const struct page pages[] = {
        { "admin: index, page 1", "/dashboard", 0, 0, ADMIN },
        { "admin: index, a page", "/dashboard/page/%d", 2, last - 1,
          ADMIN },
        { "admin: index, last page", last_page, 0, 0, ADMIN },
        { "admin: a campaign", "/dashboard/c/campaign-%d", 1,
          WORKSPACE_CAMPAIGNS, ADMIN },
        { "admin: a scorecard", "/dashboard/p/%d", 1, WORKSPACE_CREATORS,
          ADMIN },
        { "brand lead: index", "/dashboard", 0, 0, lead_token },
        { "brand lead: a campaign", "/dashboard/c/campaign-%d", 1, 5,
          lead_token },
        { "brand lead: a scorecard", "/dashboard/p/%d", 1, 1, lead_token },
        { "creator: index", "/dashboard", 0, 0, creator_token },
        { "creator: own scorecard", "/dashboard/p/%d", 1, 0,
          creator_token },
    };
    for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++)
        time_page(w, &pages[i]);
    web_free(w);
    workspace_close(core);
    return 0;
}
