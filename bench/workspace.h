/*
 * workspace: the benchmarks' large workspace (workspace.c) and the
 * helpers they time and print with.
 */
#ifndef CHORUS_BENCH_WORKSPACE_H
#define CHORUS_BENCH_WORKSPACE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

struct core;
struct sim_clock;

#define WORKSPACE_BRANDS     200
#define WORKSPACE_CAMPAIGNS  1000    /* 5 per brand */
#define WORKSPACE_CREATORS   10000
#define WORKSPACE_DELIVS     50000   /* 50 per campaign, 5 per creator */
#define WORKSPACE_DAY        86400000LL

/* A core on a new database dir/file (any old one removed) with the
 * simulated clock sim, set to 2026-12-01; exits when it cannot.
 * workspace_close() frees it and removes the files. */
struct core  *workspace_open(const char *dir, const char *file,
                             struct sim_clock *sim);
void          workspace_close(struct core *core);

/* Write the workspace into core's empty store, as of now (campaigns
 * start 30 days later), then ANALYZE. */
void          workspace_populate(struct core *core, int64_t now);

/* Monotonic seconds. */
double        workspace_now_s(void);
/* A random number below n (the workspace's generator). */
unsigned      workspace_pick(unsigned n);
/* A caption of made-up words that names its brand. */
void          workspace_caption(char *out, size_t size, int brand);
/* A brief row (the statement of brief_versions' insert) with navoid
 * words to avoid. */
void          workspace_brief_row(sqlite3 *db, sqlite3_stmt *s,
                                  int64_t campaign, int navoid, int64_t now);
/* SQL that must work, or the benchmark exits. */
void          workspace_exec(sqlite3 *db, const char *sql);
sqlite3_stmt *workspace_prep(sqlite3 *db, const char *sql);
void          workspace_step(sqlite3 *db, sqlite3_stmt *s);
/* Print mean, p50, p99 and max of n timings (seconds; sorted in place)
 * against a target in ms, met when the p99 is under it. */
void          workspace_report(const char *what, double *t, int n,
                               double target_ms);

#endif
