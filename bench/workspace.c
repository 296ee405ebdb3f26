/*
 * workspace: the large workspace the benchmarks share -- 200 brands,
 * 1 000 active campaigns (5 a brand, each overlapping the next), 10 000
 * creators and 50 000 deliverables (50 a campaign, 5 a creator), each
 * submitted with a caption, every campaign with a brief, a coordinator
 * and a brand lead -- written straight into the store, and the helpers
 * its benchmarks time and print with.  The random numbers come from a
 * fixed seed: every run builds the same workspace.
 */
#include "workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "core.h"
#include "log.h"
#include "settings.h"
#include "store.h"

/* The database's path, for workspace_close(). */
static char db_path[512];

static void
remove_db(void)
{
    static const char *const suffix[] = { "", "-wal", "-shm" };
    char side[530];
    for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
        snprintf(side, sizeof(side), "%s%s", db_path, suffix[i]);
        unlink(side);
    }
}

struct core *
workspace_open(const char *dir, const char *file, struct sim_clock *sim)
{
    log_set_level(LOG_ERROR);
    snprintf(db_path, sizeof(db_path), "%s/%s", dir, file);
    remove_db();
    /* The core keeps a pointer to its settings: they outlive it here. */
    static struct core_settings settings;
    settings_defaults(&settings);
    sim->now_ms = INT64_C(1796083200000);   /* 2026-12-01 */
    struct clock clock = clock_simulated(sim);
    struct core *core;
    struct ch_error err = { 0 };
    if (core_new(db_path, &settings, &clock, &core, &err) != CH_OK) {
        fprintf(stderr, "bench: %s\n", err.user);
        exit(1);
    }
    return core;
}

void
workspace_close(struct core *core)
{
    core_free(core);
    remove_db();
}

double
workspace_now_s(void)
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

unsigned
workspace_pick(unsigned n)
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
    unsigned n = 2 + workspace_pick(2);
    out[0] = '\0';
    for (unsigned i = 0; i < n; i++)
        strncat(out, syl[workspace_pick(16)], size - strlen(out) - 1);
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

void
workspace_caption(char *out, size_t size, int brand)
{
    char body[512];
    words(body, sizeof(body), 25 + workspace_pick(20));
    snprintf(out, size, "#ad %s link in bio #brand%d @brand%d", body, brand,
             brand);
}

void
workspace_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench: %s: %s\n", sql, msg);
        exit(1);
    }
}

sqlite3_stmt *
workspace_prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return s;
}

void
workspace_step(sqlite3 *db, sqlite3_stmt *s)
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
void
workspace_brief_row(sqlite3 *db, sqlite3_stmt *s, int64_t campaign,
                    int navoid,
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
    snprintf(audience, sizeof(audience), "audience %u", workspace_pick(50));
    sqlite3_bind_int64(s, 1, campaign);
    sqlite3_bind_text(s, 2, audience, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, core, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, include, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, avoid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 6, now);
    workspace_step(db, s);
}

void
workspace_populate(struct core *core, int64_t now)
{
    sqlite3 *db = store_db(core_store(core));
    workspace_exec(db, "BEGIN");
    sqlite3_stmt *brand = workspace_prep(db,
        "INSERT INTO brands (id, name, category,"
        " exclusive, created_at) VALUES (?, ?, ?,"
        " ?, ?)");
    for (int b = 1; b <= WORKSPACE_BRANDS; b++) {
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
        workspace_step(db, brand);
    }
    sqlite3_stmt *person = workspace_prep(db, "INSERT INTO people (id, name,"
                                    " created_at) VALUES (?, ?, ?)");
    int people = WORKSPACE_CREATORS + WORKSPACE_CAMPAIGNS + WORKSPACE_BRANDS;
    for (int p = 1; p <= people; p++) {
        char name[32];
        snprintf(name, sizeof(name), "person%d", p);
        sqlite3_bind_int(person, 1, p);
        sqlite3_bind_text(person, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(person, 3, now);
        workspace_step(db, person);
    }
    /* Campaigns of a brand start ten days apart and last thirty: each
     * overlaps the ones beside it. */
    sqlite3_stmt *camp = workspace_prep(db,
        "INSERT INTO campaigns (id, slug, brand_id,"
        " state, window_from, window_to, zone,"
        " brief_version, created_at) VALUES (?, ?,"
        " ?, 'active', ?, ?, 'UTC', 1, ?)");
    sqlite3_stmt *brief = workspace_prep(db,
        "INSERT INTO brief_versions (campaign_id,"
        " version, story, audience, core_message,"
        " must_include, must_avoid, disclosure,"
        " created_at) VALUES (?1, 1, 'story', ?2,"
        " ?3, ?4, ?5, '#ad', ?6)");
    sqlite3_stmt *part = workspace_prep(db,
        "INSERT OR IGNORE INTO participants"
        " (campaign_id, person_id, role, added_at)"
        " VALUES (?, ?, ?, ?)");
    int64_t first_day = now / WORKSPACE_DAY + 30;
    for (int c = 1; c <= WORKSPACE_CAMPAIGNS; c++) {
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
        workspace_step(db, camp);
        workspace_brief_row(db, brief, c, 10, now);
        sqlite3_bind_int(part, 1, c);
        sqlite3_bind_int(part, 2, WORKSPACE_CREATORS + c);
        sqlite3_bind_text(part, 3, "coordinator", -1, SQLITE_STATIC);
        sqlite3_bind_int64(part, 4, now);
        workspace_step(db, part);
        sqlite3_bind_int(part, 1, c);
        sqlite3_bind_int(part, 2,
                         WORKSPACE_CREATORS + WORKSPACE_CAMPAIGNS + b);
        sqlite3_bind_text(part, 3, "brand", -1, SQLITE_STATIC);
        sqlite3_bind_int64(part, 4, now);
        workspace_step(db, part);
    }
    /* Each creator works for one brand, five pieces in its campaigns;
     * one in a hundred also for a brand of another category. */
    static const char *const platforms[] = { "instagram", "tiktok",
                                             "youtube", "twitch", "x",
                                             "facebook", "snapchat",
                                             "pinterest", "linkedin",
                                             "threads" };
    sqlite3_stmt *deliv = workspace_prep(db, "INSERT INTO deliverables (id,"
                                   " campaign_id, number, creator_id, title,"
                                   " platform, draft_due, publish_at, state,"
                                   " review_stage, created_at, updated_at)"
                                   " VALUES (?, ?, ?, ?, 'piece', ?, ?, ?,"
                                   " 'submitted', 'review', ?, ?)");
    sqlite3_stmt *sub = workspace_prep(db,
        "INSERT INTO submissions (deliverable_id,"
        " round, link, body, submitted_by,"
        " submitted_at) VALUES (?, 1,"
        " 'https://x.example/v', ?, ?, ?)");
    int numbers[WORKSPACE_CAMPAIGNS + 1] = { 0 };
    for (int d = 1; d <= WORKSPACE_DELIVS; d++) {
        int creator = (d - 1) / 5 + 1;
        int b = (creator - 1) % WORKSPACE_BRANDS + 1;
        if (creator % 100 == 0 && d % 5 == 0)
            b = b % WORKSPACE_BRANDS + 1;
        int c = (b - 1) * 5 + 1 + (int)workspace_pick(5);
        int64_t start = (first_day + ((c - 1) % 5) * 10 + b % 30) *
                        WORKSPACE_DAY;
        int64_t publish = start + (int64_t)workspace_pick(29) * WORKSPACE_DAY +
                          (int64_t)workspace_pick(24) * 3600000LL;
        sqlite3_bind_int(deliv, 1, d);
        sqlite3_bind_int(deliv, 2, c);
        sqlite3_bind_int(deliv, 3, ++numbers[c]);
        sqlite3_bind_int(deliv, 4, creator);
        sqlite3_bind_text(deliv, 5, platforms[workspace_pick(10)], -1,
                          SQLITE_STATIC);
        sqlite3_bind_int64(deliv, 6, publish - 3 * WORKSPACE_DAY);
        sqlite3_bind_int64(deliv, 7, publish);
        sqlite3_bind_int64(deliv, 8, now);
        sqlite3_bind_int64(deliv, 9, now);
        workspace_step(db, deliv);
        sqlite3_bind_int(part, 1, c);
        sqlite3_bind_int(part, 2, creator);
        sqlite3_bind_text(part, 3, "creator", -1, SQLITE_STATIC);
        sqlite3_bind_int64(part, 4, now);
        workspace_step(db, part);
        char cap[1024];
        workspace_caption(cap, sizeof(cap), b);
        sqlite3_bind_int(sub, 1, d);
        sqlite3_bind_text(sub, 2, cap, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(sub, 3, creator);
        sqlite3_bind_int64(sub, 4, now);
        workspace_step(db, sub);
    }
    sqlite3_finalize(brand);
    sqlite3_finalize(person);
    sqlite3_finalize(camp);
    sqlite3_finalize(brief);
    sqlite3_finalize(part);
    sqlite3_finalize(deliv);
    sqlite3_finalize(sub);
    workspace_exec(db, "COMMIT");
    workspace_exec(db, "ANALYZE");
}

static int
cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

void
workspace_report(const char *what, double *t, int n, double target_ms)
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

