/*
 * bench_conflicts: the conflict checks (core/conflict.c) in a workspace of
 * 1 000 active campaigns, 200 brands, 10 000 creators and 50 000
 * deliverables, each with a submitted caption.  It prints the time of the
 * start-up check (every brief, booking and upcoming deliverable, and the
 * shingles of every caption), then the time of the checks one new
 * submission triggers (its deliverable's collisions and bookings, its
 * caption against the brand's), of those one brief change triggers (the
 * brand's overlapping campaigns, both ways, and a brief of 300 entries
 * to avoid), and the resident memory before and after thousands of
 * checks.  Each check runs in a transaction that is rolled back, so every
 * one sees the same workspace.  Targets (issue 17): under 5 ms for a
 * submission, under 50 ms for a brief change, memory flat.  The
 * workspace is workspace.c's, which bench_web shares.
 *
 *   build/bench/bench_conflicts [dir]    (dir: where the database goes)
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conflict.h"
#include "core.h"
#include "core_internal.h"
#include "log.h"
#include "proc.h"
#include "records.h"
#include "store.h"
#include "workspace.h"

#define CHECKS      2000

static double part_deliv[CHECKS], part_text[CHECKS];
static int nparts;

/* The checks one submission triggers, in a transaction rolled back. */
static double
one_submission(struct core *core, int64_t id, const char *body)
{
    struct ctx c;
    ctx_init(&c, core, NULL);
    store_begin(c.st);
    double t0 = workspace_now_s();
    struct deliverable d;
    int64_t sid = 0;
    if (store_deliverable_by_id(c.st, c.a, id, &d) == CH_OK &&
        store_submission_latest(c.st, c.a, id, &sid, NULL, NULL, NULL) ==
            CH_OK) {
        conflict_follow_deliverable(&c, &d);
        double t1 = workspace_now_s();
        conflict_follow_submission(&c, &d, sid, body);
        if (nparts < CHECKS) {
            part_deliv[nparts] = t1 - t0;
            part_text[nparts++] = workspace_now_s() - t1;
        }
    }
    double t = workspace_now_s() - t0;
    store_rollback(c.st);
    ctx_release(&c);
    return t;
}

static double
one_brief(struct core *core, int64_t campaign)
{
    struct ctx c;
    ctx_init(&c, core, NULL);
    store_begin(c.st);
    double t0 = workspace_now_s();
    conflict_follow_brief(&c, campaign);
    double t = workspace_now_s() - t0;
    store_rollback(c.st);
    ctx_release(&c);
    return t;
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    struct sim_clock sim;
    struct core *core = workspace_open(dir, "bench-conflicts.db", &sim);
    double t0 = workspace_now_s();
    workspace_populate(core, sim.now_ms);
    printf("workspace: %d brands, %d active campaigns, %d creators, %d "
           "deliverables with captions (%.1f s to write)\n", WORKSPACE_BRANDS,
           WORKSPACE_CAMPAIGNS, WORKSPACE_CREATORS, WORKSPACE_DELIVS,
           workspace_now_s() - t0);

    /* The start-up check: everything once, and every caption shingled. */
    t0 = workspace_now_s();
    core_tick(core);
    sqlite3 *db = store_db(core_store(core));
    sqlite3_stmt *q = workspace_prep(db,
        "SELECT (SELECT count(*) FROM conflicts),"
        " (SELECT count(*) FROM conflict_shingles)");
    sqlite3_step(q);
    printf("start-up check: %.2f s (%d conflicts open, %d shingles "
           "indexed)\n", workspace_now_s() - t0, sqlite3_column_int(q, 0),
           sqlite3_column_int(q, 1));
    sqlite3_finalize(q);

    /* Submissions: a fresh caption, or (one in four) another creator's
     * caption of the same brand reworded at the end: the candidate path
     * reads and compares it. */
    static double ts[CHECKS];
    long rss0 = -1;
    q = workspace_prep(db,
        "SELECT body FROM submissions WHERE deliverable_id = ?");
    for (int i = 0; i < CHECKS; i++) {
        if (i == CHECKS / 4)
            rss0 = proc_status_kib(getpid(), "VmRSS");
        int64_t d = 1 + workspace_pick(WORKSPACE_DELIVS);
        char body[2048];
        if (i % 4 == 0) {
            sqlite3_bind_int64(q, 1, d % WORKSPACE_DELIVS + 1);
            sqlite3_step(q);
            snprintf(body, sizeof(body), "%s and more words here",
                     (const char *)sqlite3_column_text(q, 0));
            sqlite3_reset(q);
        } else {
            workspace_caption(body, sizeof(body),
                              (int)((d - 1) / 5) % WORKSPACE_BRANDS + 1);
        }
        ts[i] = one_submission(core, d, body);
    }
    sqlite3_finalize(q);
    workspace_report("checks of one submission", ts, CHECKS, 5);
    workspace_report("  its deliverable (dates, bookings)", part_deliv,
                     nparts, 5);
    workspace_report("  its caption (near duplicates)", part_text, nparts, 5);

    for (int i = 0; i < CHECKS; i++)
        ts[i] = one_brief(core, 1 + workspace_pick(WORKSPACE_CAMPAIGNS));
    workspace_report("checks of one brief change", ts, CHECKS, 50);

    /* A brief of 300 entries to avoid, against its brand's others. */
    workspace_exec(db, "BEGIN");
    sqlite3_stmt *b = workspace_prep(db,
        "INSERT INTO brief_versions (campaign_id,"
        " version, story, audience, core_message,"
        " must_include, must_avoid, disclosure,"
        " created_at) VALUES (?1, 2, 'story', ?2,"
        " ?3, ?4, ?5, '#ad', ?6)");
    workspace_brief_row(db, b, 3, 300, sim.now_ms);
    sqlite3_finalize(b);
    workspace_exec(db, "UPDATE campaigns SET brief_version = 2 WHERE id = 3");
    workspace_exec(db, "COMMIT");
    for (int i = 0; i < 200; i++)
        ts[i] = one_brief(core, 3);
    workspace_report("brief change, 300 to avoid", ts, 200, 50);

    long rss3 = proc_status_kib(getpid(), "VmRSS");
    printf("resident memory: %.1f MiB after %d checks, %.1f MiB after "
           "%d more: %+.1f MiB (memory flat: %s)\n", rss0 / 1024.0,
           CHECKS / 4, rss3 / 1024.0, CHECKS * 7 / 4 + 200,
           (rss3 - rss0) / 1024.0,
           rss3 - rss0 < 4096 ? "met" : "MISSED");
    workspace_close(core);
    return 0;
}
