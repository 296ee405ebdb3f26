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
 * submission, under 50 ms for a brief change, memory flat.
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

#define BRANDS      200
#define CAMPAIGNS   1000             /* 5 per brand */
#define CREATORS    10000
#define DELIVS      50000            /* 50 per campaign, 5 per creator */
#define CHECKS      2000
#define DAY         86400000LL

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

static uint64_t seed = 0x9E3779B97F4A7C15u;

static unsigned
pick(unsigned n)
{
    return (unsigned)(next_random(&seed) % n);
}

/* Words of a made-up language: captions differ, common phrases recur. */
static void
word(char *out, size_t size)
{
    static const char *const syl[] = { "ka", "lo", "mi", "ne", "su", "ta",
                                       "ro", "vi", "po", "da", "xe", "fu",
                                       "ga", "he", "ji", "zo" };
    unsigned n = 2 + pick(2);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++)
        strncat(out, syl[pick(16)], size - strlen(out) - 1);
}

static void
words(char *out, size_t size, unsigned n)
{
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++) {
        char w[16];
        word(w, sizeof(w));
        if (i)
            strncat(out, " ", size - strlen(out) - 1);
        strncat(out, w, size - strlen(out) - 1);
    }
}

static void
caption(char *out, size_t size, int brand)
{
    char body[512];
    words(body, sizeof(body), 25 + pick(20));
    snprintf(out, size, "#ad %s link in bio #brand%d @brand%d", body, brand,
             brand);
}

static void
exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench: %s: %s\n", sql, msg);
        exit(1);
    }
}

static sqlite3_stmt *
prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return s;
}

static void
step(sqlite3 *db, sqlite3_stmt *s)
{
    if (sqlite3_step(s) != SQLITE_DONE) {
        fprintf(stderr, "bench: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(s);
}

static void
day_text(int64_t day, char *out, size_t size)
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%d", &tm);
}

/* A brief: 10 words to avoid, 5 phrases to include, one of 50
 * audiences.  Returns the text of must_avoid written. */
static void
brief_row(sqlite3 *db, sqlite3_stmt *s, int64_t campaign, int navoid,
          int64_t now)
{
    char avoid[8192] = "", include[512] = "", core[256], audience[64];
    for (int i = 0; i < navoid; i++) {
        char w[16];
        word(w, sizeof(w));
        snprintf(avoid + strlen(avoid), sizeof(avoid) - strlen(avoid),
                 "%s%s %d", i ? "\n" : "", w, i);
    }
    for (int i = 0; i < 5; i++) {
        char p[64];
        words(p, sizeof(p), 3);
        snprintf(include + strlen(include), sizeof(include) - strlen(include),
                 "%s%s", i ? "\n" : "", p);
    }
    words(core, sizeof(core), 6);
    snprintf(audience, sizeof(audience), "audience %u", pick(50));
    sqlite3_bind_int64(s, 1, campaign);
    sqlite3_bind_text(s, 2, audience, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, core, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, include, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, avoid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 6, now);
    step(db, s);
}

static void
populate(struct core *core, int64_t now)
{
    sqlite3 *db = store_db(core_store(core));
    exec(db, "BEGIN");
    sqlite3_stmt *brand = prep(db, "INSERT INTO brands (id, name, category,"
                                   " exclusive, created_at) VALUES (?, ?, ?,"
                                   " ?, ?)");
    for (int b = 1; b <= BRANDS; b++) {
        char name[32], cat[32], excl[32];
        snprintf(name, sizeof(name), "Brand%d", b);
        snprintf(cat, sizeof(cat), "category %d", b % 40);
        snprintf(excl, sizeof(excl), "category %d", (b + 1) % 40);
        sqlite3_bind_int(brand, 1, b);
        sqlite3_bind_text(brand, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(brand, 3, cat, -1, SQLITE_TRANSIENT);
        if (b % 10 == 0)
            sqlite3_bind_text(brand, 4, excl, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(brand, 4);
        sqlite3_bind_int64(brand, 5, now);
        step(db, brand);
    }
    sqlite3_stmt *person = prep(db, "INSERT INTO people (id, name,"
                                    " created_at) VALUES (?, ?, ?)");
    int people = CREATORS + CAMPAIGNS + BRANDS;
    for (int p = 1; p <= people; p++) {
        char name[32];
        snprintf(name, sizeof(name), "person%d", p);
        sqlite3_bind_int(person, 1, p);
        sqlite3_bind_text(person, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(person, 3, now);
        step(db, person);
    }
    /* Campaigns of a brand start ten days apart and last thirty: each
     * overlaps the ones beside it. */
    sqlite3_stmt *camp = prep(db, "INSERT INTO campaigns (id, slug, brand_id,"
                                  " state, window_from, window_to, zone,"
                                  " brief_version, created_at) VALUES (?, ?,"
                                  " ?, 'active', ?, ?, 'UTC', 1, ?)");
    sqlite3_stmt *brief = prep(db, "INSERT INTO brief_versions (campaign_id,"
                                   " version, story, audience, core_message,"
                                   " must_include, must_avoid, disclosure,"
                                   " created_at) VALUES (?1, 1, 'story', ?2,"
                                   " ?3, ?4, ?5, '#ad', ?6)");
    sqlite3_stmt *part = prep(db, "INSERT OR IGNORE INTO participants"
                                  " (campaign_id, person_id, role, added_at)"
                                  " VALUES (?, ?, ?, ?)");
    int64_t first_day = now / DAY + 30;
    for (int c = 1; c <= CAMPAIGNS; c++) {
        int b = (c - 1) / 5 + 1, k = (c - 1) % 5;
        char slug[32], from[16], to[16];
        snprintf(slug, sizeof(slug), "campaign-%d", c);
        int64_t start = first_day + k * 10 + b % 30;
        day_text(start, from, sizeof(from));
        day_text(start + 29, to, sizeof(to));
        sqlite3_bind_int(camp, 1, c);
        sqlite3_bind_text(camp, 2, slug, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(camp, 3, b);
        sqlite3_bind_text(camp, 4, from, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(camp, 5, to, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(camp, 6, now);
        step(db, camp);
        brief_row(db, brief, c, 10, now);
        sqlite3_bind_int(part, 1, c);
        sqlite3_bind_int(part, 2, CREATORS + c);
        sqlite3_bind_text(part, 3, "coordinator", -1, SQLITE_STATIC);
        sqlite3_bind_int64(part, 4, now);
        step(db, part);
        sqlite3_bind_int(part, 1, c);
        sqlite3_bind_int(part, 2, CREATORS + CAMPAIGNS + b);
        sqlite3_bind_text(part, 3, "brand", -1, SQLITE_STATIC);
        sqlite3_bind_int64(part, 4, now);
        step(db, part);
    }
    /* Each creator works for one brand, five pieces in its campaigns;
     * one in a hundred also for a brand of another category. */
    static const char *const platforms[] = { "instagram", "tiktok",
                                             "youtube", "twitch", "x",
                                             "facebook", "snapchat",
                                             "pinterest", "linkedin",
                                             "threads" };
    sqlite3_stmt *deliv = prep(db, "INSERT INTO deliverables (id,"
                                   " campaign_id, number, creator_id, title,"
                                   " platform, draft_due, publish_at, state,"
                                   " review_stage, created_at, updated_at)"
                                   " VALUES (?, ?, ?, ?, 'piece', ?, ?, ?,"
                                   " 'submitted', 'review', ?, ?)");
    sqlite3_stmt *sub = prep(db, "INSERT INTO submissions (deliverable_id,"
                                 " round, link, body, submitted_by,"
                                 " submitted_at) VALUES (?, 1,"
                                 " 'https://x.example/v', ?, ?, ?)");
    int numbers[CAMPAIGNS + 1] = { 0 };
    for (int d = 1; d <= DELIVS; d++) {
        int creator = (d - 1) / 5 + 1;
        int b = (creator - 1) % BRANDS + 1;
        if (creator % 100 == 0 && d % 5 == 0)
            b = b % BRANDS + 1;
        int c = (b - 1) * 5 + 1 + (int)pick(5);
        int64_t start = (first_day + ((c - 1) % 5) * 10 + b % 30) * DAY;
        int64_t publish = start + (int64_t)pick(29) * DAY +
                          (int64_t)pick(24) * 3600000LL;
        sqlite3_bind_int(deliv, 1, d);
        sqlite3_bind_int(deliv, 2, c);
        sqlite3_bind_int(deliv, 3, ++numbers[c]);
        sqlite3_bind_int(deliv, 4, creator);
        sqlite3_bind_text(deliv, 5, platforms[pick(10)], -1, SQLITE_STATIC);
        sqlite3_bind_int64(deliv, 6, publish - 3 * DAY);
        sqlite3_bind_int64(deliv, 7, publish);
        sqlite3_bind_int64(deliv, 8, now);
        sqlite3_bind_int64(deliv, 9, now);
        step(db, deliv);
        sqlite3_bind_int(part, 1, c);
        sqlite3_bind_int(part, 2, creator);
        sqlite3_bind_text(part, 3, "creator", -1, SQLITE_STATIC);
        sqlite3_bind_int64(part, 4, now);
        step(db, part);
        char cap[1024];
        caption(cap, sizeof(cap), b);
        sqlite3_bind_int(sub, 1, d);
        sqlite3_bind_text(sub, 2, cap, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(sub, 3, creator);
        sqlite3_bind_int64(sub, 4, now);
        step(db, sub);
    }
    sqlite3_finalize(brand);
    sqlite3_finalize(person);
    sqlite3_finalize(camp);
    sqlite3_finalize(brief);
    sqlite3_finalize(part);
    sqlite3_finalize(deliv);
    sqlite3_finalize(sub);
    exec(db, "COMMIT");
    exec(db, "ANALYZE");
}

static double part_deliv[CHECKS], part_text[CHECKS];
static int nparts;

/* The checks one submission triggers, in a transaction rolled back. */
static double
one_submission(struct core *core, int64_t id, const char *body)
{
    struct ctx c;
    ctx_init(&c, core, NULL);
    store_begin(c.st);
    double t0 = now_s();
    struct deliverable d;
    int64_t sid = 0;
    if (store_deliverable_by_id(c.st, c.a, id, &d) == CH_OK &&
        store_submission_latest(c.st, c.a, id, &sid, NULL, NULL, NULL) ==
            CH_OK) {
        conflict_follow_deliverable(&c, &d);
        double t1 = now_s();
        conflict_follow_submission(&c, &d, sid, body);
        if (nparts < CHECKS) {
            part_deliv[nparts] = t1 - t0;
            part_text[nparts++] = now_s() - t1;
        }
    }
    double t = now_s() - t0;
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
    double t0 = now_s();
    conflict_follow_brief(&c, campaign);
    double t = now_s() - t0;
    store_rollback(c.st);
    ctx_release(&c);
    return t;
}

static int
cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void
report(const char *what, double *t, int n, double target_ms)
{
    qsort(t, (size_t)n, sizeof(*t), cmp_double);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += t[i];
    double mean = sum / n * 1e3, p50 = t[n / 2] * 1e3,
           p99 = t[n * 99 / 100] * 1e3, max = t[n - 1] * 1e3;
    printf("%-34s mean %7.3f ms  p50 %7.3f  p99 %7.3f  max %7.3f  "
           "(target < %g ms: %s)\n", what, mean, p50, p99, max, target_ms,
           p99 < target_ms ? "met" : "MISSED");
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    log_set_level(LOG_ERROR);
    char path[512], side[530];
    snprintf(path, sizeof(path), "%s/bench-conflicts.db", dir);
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);

    struct core_settings settings;
    settings_defaults(&settings);
    struct sim_clock sim = {.now_ms = INT64_C(1796083200000)}; /* 2026-12-01 */
    struct clock clock = clock_simulated(&sim);
    struct core *core;
    struct ch_error err = { 0 };
    if (core_new(path, &settings, &clock, &core, &err) != CH_OK) {
        fprintf(stderr, "bench: %s\n", err.user);
        return 1;
    }
    double t0 = now_s();
    populate(core, sim.now_ms);
    printf("workspace: %d brands, %d active campaigns, %d creators, %d "
           "deliverables with captions (%.1f s to write)\n", BRANDS,
           CAMPAIGNS, CREATORS, DELIVS, now_s() - t0);

    /* The start-up check: everything once, and every caption shingled. */
    t0 = now_s();
    core_tick(core);
    sqlite3 *db = store_db(core_store(core));
    sqlite3_stmt *q = prep(db, "SELECT (SELECT count(*) FROM conflicts),"
                               " (SELECT count(*) FROM conflict_shingles)");
    sqlite3_step(q);
    printf("start-up check: %.2f s (%d conflicts open, %d shingles "
           "indexed)\n", now_s() - t0, sqlite3_column_int(q, 0),
           sqlite3_column_int(q, 1));
    sqlite3_finalize(q);

    /* Submissions: a fresh caption, or (one in four) another creator's
     * caption of the same brand reworded at the end: the candidate path
     * reads and compares it. */
    static double ts[CHECKS];
    long rss0 = -1;
    q = prep(db, "SELECT body FROM submissions WHERE deliverable_id = ?");
    for (int i = 0; i < CHECKS; i++) {
        if (i == CHECKS / 4)
            rss0 = proc_status_kib(getpid(), "VmRSS");
        int64_t d = 1 + pick(DELIVS);
        char body[2048];
        if (i % 4 == 0) {
            sqlite3_bind_int64(q, 1, d % DELIVS + 1);
            sqlite3_step(q);
            snprintf(body, sizeof(body), "%s and more words here",
                     (const char *)sqlite3_column_text(q, 0));
            sqlite3_reset(q);
        } else {
            caption(body, sizeof(body), (int)((d - 1) / 5) % BRANDS + 1);
        }
        ts[i] = one_submission(core, d, body);
    }
    sqlite3_finalize(q);
    report("checks of one submission", ts, CHECKS, 5);
    report("  its deliverable (dates, bookings)", part_deliv, nparts, 5);
    report("  its caption (near duplicates)", part_text, nparts, 5);

    for (int i = 0; i < CHECKS; i++)
        ts[i] = one_brief(core, 1 + pick(CAMPAIGNS));
    report("checks of one brief change", ts, CHECKS, 50);

    /* A brief of 300 entries to avoid, against its brand's others. */
    exec(db, "BEGIN");
    sqlite3_stmt *b = prep(db, "INSERT INTO brief_versions (campaign_id,"
                               " version, story, audience, core_message,"
                               " must_include, must_avoid, disclosure,"
                               " created_at) VALUES (?1, 2, 'story', ?2,"
                               " ?3, ?4, ?5, '#ad', ?6)");
    brief_row(db, b, 3, 300, sim.now_ms);
    sqlite3_finalize(b);
    exec(db, "UPDATE campaigns SET brief_version = 2 WHERE id = 3");
    exec(db, "COMMIT");
    for (int i = 0; i < 200; i++)
        ts[i] = one_brief(core, 3);
    report("brief change, 300 to avoid", ts, 200, 50);

    long rss3 = proc_status_kib(getpid(), "VmRSS");
    printf("resident memory: %.1f MiB after %d checks, %.1f MiB after "
           "%d more: %+.1f MiB (memory flat: %s)\n", rss0 / 1024.0,
           CHECKS / 4, rss3 / 1024.0, CHECKS * 7 / 4 + 200,
           (rss3 - rss0) / 1024.0,
           rss3 - rss0 < 4096 ? "met" : "MISSED");
    core_free(core);
    unlink(path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
    return 0;
}
