/*
 * bench_standup: what one standup round costs (issue 16).
 *
 * One campaign, 2 000 creators over 12 time zones from Auckland to Los
 * Angeles, each with one or two open deliverables, standups every Monday
 * at 10:00 in each creator's zone.  The core runs in this process on a
 * simulated clock, with a sink adapter that takes every outbox row at
 * once (so what is measured is the core and its delivery bookkeeping, no
 * network, no terminal).  The bench walks the round's timeline in order,
 * moving the clock to each next due job or answer, and charges each step
 * to its phase:
 *   round    the standup.round job: the round opened, 2 000 prompts and
 *            their jobs written
 *   prompts  the standup.prompt jobs: each creator's prompt rendered and
 *            written to the outbox (one DM each), her reminder planned
 *   answers  2 000 direct messages ("green", "#12 yellow - waiting",
 *            "red, sick until thursday", ...) through core_handle_event;
 *            one creator in 20 answers only after her reminder
 *   reminds  the standup.remind jobs: a DM to whoever has not answered,
 *            nothing for the others
 *   close    the standup.close job: the summary of 2 000 creators posted
 *            to the channel
 *   view     `standup <slug>` by the coordinator: the schedule, the
 *            round's summary and each creator's answer rate
 * Each phase shows wall and CPU time (the whole process, so the WAL
 * checkpointer thread counts too), per creator, and the SQLite statements
 * run on the core's connection per creator (sqlite3_trace_v2
 * SQLITE_TRACE_STMT; trigger programs not counted), with the delivery to
 * the sink (core_flush, in-band replies) shown on its own.  Targets: a
 * round costs under 1 ms of CPU per creator, the summary under 100 ms.
 * Prints figures; asserts nothing.
 *
 *   build-rel/bench/bench_standup [--profile] [--keep] [dir]
 *     --profile  also the 8 costliest statements of each phase
 *                (SQLITE_TRACE_PROFILE: the time SQLite spent in them)
 *     --keep     leave the database in dir (default /tmp) for EXPLAIN
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "adapter.h"
#include "buf.h"
#include "core.h"
#include "log.h"
#include "store.h"

#define CREATORS 2000
#define SLUG "bench"
#define START_MS INT64_C(1796029200000)   /* Mon 30 Nov 2026 09:00 UTC */
/* One in LATE_EVERY creators answers only after her reminder. */
#define LATE_EVERY 20

static const char *const zones[] = {
    "Pacific/Auckland", "Asia/Tokyo",       "Asia/Kolkata",
    "Asia/Dubai",       "Europe/Moscow",    "Europe/Berlin",
    "Europe/London",    "America/Sao_Paulo", "America/New_York",
    "America/Chicago",  "America/Denver",   "America/Los_Angeles",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

static void
die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bench_standup: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* --- clocks and counters ------------------------------------------------ */

static int64_t
ns_of(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

enum phase { PH_SETUP, PH_ROUND, PH_PROMPT, PH_ANSWER, PH_REMIND, PH_CLOSE,
             PH_VIEW, PH_OTHER, PH_COUNT };
static const char *const phase_names[] = {
    "setup", "round", "prompts", "answers", "reminds", "close", "view",
    "other jobs",
};

/* Where time goes in a phase: the core's own call, and the delivery. */
struct cost {
    int64_t wall_ns, cpu_ns, stmts, commits, pages;
};
struct phase_cost {
    long        n;           /* jobs or events */
    struct cost core, deliver;
    long        msgs;        /* rows the sink took */
    size_t      bytes;       /* their text */
};
static struct phase_cost costs[PH_COUNT];

static int64_t stmt_count;    /* top-level statements started */
static int64_t commit_count;  /* of which COMMIT */
static bool    profiling;

/* --profile: SQLite's own time per statement, per phase. */
#define MAX_SQL 512
struct sql_cost {
    const char *sql;
    long        runs;
    int64_t     ns;
};
static struct sql_cost sql_costs[PH_COUNT][MAX_SQL];
static enum phase current = PH_SETUP;

static int
on_trace(unsigned type, void *arg, void *p, void *x)
{
    (void)arg;
    if (type == SQLITE_TRACE_STMT) {
        const char *text = x;
        if (!(text[0] == '-' && text[1] == '-'))   /* not a trigger */
            stmt_count++;
        if (strncmp(text, "COMMIT", 6) == 0)
            commit_count++;
    } else if (type == SQLITE_TRACE_PROFILE) {
        const char *sql = sqlite3_sql(p);
        struct sql_cost *t = sql_costs[current];
        size_t i = 0;
        while (i < MAX_SQL && t[i].sql && t[i].sql != sql)
            i++;
        if (i == MAX_SQL)
            return 0;
        t[i].sql = sql;
        t[i].runs++;
        t[i].ns += *(const int64_t *)x;
    }
    return 0;
}

struct mark {
    int64_t wall, cpu, stmts, commits, pages;
};

static sqlite3 *db;          /* the core's own connection */

/* Pages the connection has written (to the WAL): what its commits cost
 * in I/O. */
static int64_t
pages_written(void)
{
    int cur = 0, hi = 0;
    sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &cur, &hi, 0);
    return cur;
}

static struct mark
mark_now(void)
{
    return (struct mark){ ns_of(CLOCK_MONOTONIC),
                          ns_of(CLOCK_PROCESS_CPUTIME_ID), stmt_count,
                          commit_count, pages_written() };
}

static void
charge(struct cost *c, struct mark from)
{
    struct mark to = mark_now();
    c->wall_ns += to.wall - from.wall;
    c->cpu_ns += to.cpu - from.cpu;
    c->stmts += to.stmts - from.stmts;
    c->commits += to.commits - from.commits;
    c->pages += to.pages - from.pages;
}

/* --- the sink adapter: takes every row at once ---------------------------- */

static struct core *the_core;
static unsigned long next_ref;

static enum ch_status
sink_deliver(struct adapter *a, const struct out_msg *m)
{
    (void)a;
    char ref[96];
    if (m->kind == OUT_CREATE_CHANNEL)
        snprintf(ref, sizeof(ref), "#%s", m->channel_name);
    else if (m->kind == OUT_INVITE)
        snprintf(ref, sizeof(ref), "%s", m->user);
    else if (m->kind == OUT_PIN || m->kind == OUT_UPDATE)
        snprintf(ref, sizeof(ref), "%s", m->ref ? m->ref : "m0");
    else
        snprintf(ref, sizeof(ref), "m%lu", ++next_ref);
    costs[current].msgs++;
    costs[current].bytes += m->text ? strlen(m->text) : 0;
    core_delivered(the_core, m->id, CH_OK, ref, 0, NULL);
    return CH_OK;
}

/* Every name is somebody, as on the console. */
static enum ch_status
sink_find_user(struct adapter *a, const char *name, struct buf *out)
{
    (void)a;
    buf_adds(out, name);
    return CH_OK;
}

static const struct adapter_ops sink_ops = {
    .version = ADAPTER_OPS_VERSION,
    .name = "bench",
    .caps = ADAPTER_CAP_BUTTONS | ADAPTER_CAP_EPHEMERAL | ADAPTER_CAP_PIN |
            ADAPTER_CAP_LOCAL_TIME,
    .deliver = sink_deliver,
    .find_user = sink_find_user,
};
static struct adapter sink = { &sink_ops };

/* --- driving the core ------------------------------------------------------ */

static struct sim_clock sim = { .now_ms = START_MS };

/* An event as the daemon handles it: the core's call, then the in-band
 * answer and a flush (delivery). */
static int
event(enum phase ph, enum core_event_kind kind, const char *who,
      const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    struct core_event ev = { .kind = kind, .platform = "bench",
                             .user_id = who, .user_name = who,
                             .text = text };
    struct core_result res;
    current = ph;
    struct mark m = mark_now();
    core_handle_event(the_core, &ev, &res);
    charge(&costs[ph].core, m);
    const char *reply = res.reply && res.reply->text ? res.reply->text : "";
    if (res.status != CH_OK)
        die("%s: \"%s\" failed: %s", who, text, reply);
    m = mark_now();
    core_deliver_result(the_core, &res);
    core_flush(the_core);
    charge(&costs[ph].deliver, m);
    costs[ph].n++;
    current = PH_SETUP;
    return res.status;
}

#define command(who, ...) event(PH_SETUP, CORE_EV_COMMAND, who, __VA_ARGS__)

/* The earliest job: its due time and kind (INT64_MAX: none). */
static int64_t
peek_job(char *kind, size_t size)
{
    sqlite3_stmt *s;
    int64_t due = INT64_MAX;
    if (sqlite3_prepare_v2(db, "SELECT due_at, kind FROM jobs"
                               " ORDER BY due_at, id LIMIT 1",
                           -1, &s, NULL) != SQLITE_OK)
        die("%s", sqlite3_errmsg(db));
    kind[0] = '\0';
    if (sqlite3_step(s) == SQLITE_ROW) {
        due = sqlite3_column_int64(s, 0);
        snprintf(kind, size, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    return due;
}

static int64_t
count_sql(const char *sql, int64_t a, const char *b)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        die("%s", sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, a);
    if (b)
        sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0)
                                              : 0;
    sqlite3_finalize(s);
    return v;
}

static enum phase
phase_of(const char *kind)
{
    return strcmp(kind, "standup.round") == 0    ? PH_ROUND
           : strcmp(kind, "standup.prompt") == 0 ? PH_PROMPT
           : strcmp(kind, "standup.remind") == 0 ? PH_REMIND
           : strcmp(kind, "standup.close") == 0  ? PH_CLOSE
                                                 : PH_OTHER;
}

/* A tick at the next job's due time, charged to its kind.  Returns the
 * kind's phase. */
static enum phase
tick(int64_t due, const char *kind)
{
    enum phase ph = phase_of(kind);
    sim.now_ms = due;
    /* Jobs of another kind due by then would run in this tick too. */
    int64_t mixed = count_sql("SELECT count(*) FROM jobs WHERE due_at <= ?"
                              " AND kind != ?", due, kind);
    int64_t same = count_sql("SELECT count(*) FROM jobs WHERE due_at <= ?"
                             " AND kind = ?", due, kind);
    if (mixed)
        fprintf(stderr, "bench_standup: %lld other jobs ran with %s\n",
                (long long)mixed, kind);
    current = ph;
    struct mark m = mark_now();
    int ran = 0, r;
    while ((r = core_tick(the_core)) > 0)
        ran += r;
    charge(&costs[ph].core, m);
    m = mark_now();
    core_flush(the_core);
    charge(&costs[ph].deliver, m);
    costs[ph].n += ran - mixed > 0 ? ran - mixed : 0;
    costs[PH_OTHER].n += mixed;
    if (ran < same)
        die("%d of %lld %s jobs ran", ran, (long long)same, kind);
    current = PH_SETUP;
    return ph;
}

/* --- the campaign ------------------------------------------------------- */

struct creator {
    char    name[16];
    int     first, n;    /* her deliverables' numbers: first, first+1 */
    int64_t answer_at;   /* INT64_MAX: not (yet) due to answer */
    bool    answered;
};
static struct creator cr[CREATORS];

/* xorshift: reproducible answer delays. */
static uint64_t seed = 0x9E3779B97F4A7C15u;
static uint64_t
next_random(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static void
setup(void)
{
    command("admin", "new " SLUG " brand:Fizz title:\"Bench\""
                     " from:2026-11-30 to:2027-01-31");
    command("admin", "add " SLUG " carol role:coordinator tz:Europe/London");
    for (int i = 0; i < CREATORS; i++) {
        snprintf(cr[i].name, sizeof(cr[i].name), "c%04d", i + 1);
        command("carol", "add " SLUG " %s role:creator tz:%s", cr[i].name,
                zones[i % NZONES]);
    }
    /* The deliverables before kickoff: each one added later rewrites the
     * pinned status message, which lists them all. */
    static const char *const on[] = { "tiktok", "instagram", "youtube" };
    int number = 0;
    for (int i = 0; i < CREATORS; i++) {
        cr[i].first = number + 1;
        cr[i].n = 1 + (i % 2);
        for (int k = 0; k < cr[i].n; k++) {
            number++;
            command("carol", "deliverable " SLUG " %s \"Piece %d\" on:%s"
                    " draft:\"2026-12-%02d 12:00\" publish:\"2026-12-%02d"
                    " 12:00\"", cr[i].name, number, on[number % 3],
                    16 + (i % 3), 21 + (i % 3));
        }
        cr[i].answer_at = INT64_MAX;
    }
    command("carol", "brief " SLUG " set story Winter mornings with a can");
    command("carol", "brief " SLUG " set audience commuters");
    command("carol", "brief " SLUG " set core_message Fizz wakes you up");
    command("carol", "kickoff " SLUG);
    command("carol", "standup " SLUG " every mon 10:00");
}

/* What creator i answers: mostly green, some yellow with a note, a few
 * red, some per deliverable. */
static const char *
answer_of(int i, char *buf, size_t size)
{
    const struct creator *c = &cr[i];
    switch (i % LATE_EVERY) {
    case 0: case 1: case 2: case 3: return "green";
    case 4: return "g";
    case 5: return "🟢";
    case 6: return "Green, all on track";
    case 7: case 8: return "yellow - waiting for the product";
    case 9: return "Y: the samples have not arrived";
    case 10:
        if (c->n > 1) {
            snprintf(buf, size, "#%d green, #%d yellow: editing takes longer",
                     c->first, c->first + 1);
            return buf;
        }
        return "yellow, editing takes longer";
    case 11: return "red, sick until thursday";
    case 12:
        snprintf(buf, size, "#%d red - my camera broke", c->first);
        return buf;
    case 13:
        snprintf(buf, size, "#%d yellow", c->first + c->n - 1);
        return buf;
    case 14: return "green all good";
    case 15: return "yellow";
    case 16: return "green, filming tomorrow";
    case 17: return "G";
    case 18: return "red";
    default: return "green sorry, was filming";   /* the late ones */
    }
}

/* Those whose prompt just went out answer 5 to 90 minutes later, but
 * the late ones wait for their reminder. */
static void
plan_answers(int64_t now, bool reminded)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(
            db, reminded ? "SELECT p.name FROM standup_prompts s JOIN people"
                           " p ON p.id = s.person_id WHERE s.reminded_at = ?"
                         : "SELECT p.name FROM standup_prompts s JOIN people"
                           " p ON p.id = s.person_id WHERE s.sent_at = ?",
            -1, &s, NULL) != SQLITE_OK)
        die("%s", sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, now);
    int64_t closes = count_sql("SELECT max(closes_at) FROM standup_rounds"
                               " WHERE ?1 = ?1", 0, NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        char *end;
        long i = strtol((const char *)sqlite3_column_text(s, 0) + 1, &end,
                        10) - 1;
        if (i < 0 || i >= CREATORS || cr[i].answered)
            continue;
        if (!reminded && i % LATE_EVERY == LATE_EVERY - 1)
            continue;
        int64_t at = now + (int64_t)(5 + next_random() % 86) * 60000;
        if (reminded && at >= closes)
            at = now + (closes - now) / 2;
        cr[i].answer_at = at;
    }
    sqlite3_finalize(s);
}

/* --- the report ----------------------------------------------------------- */

static void
header(void)
{
    printf("%-11s %5s %8s %8s %8s %7s %6s %6s | %8s %7s %5s\n", "", "",
           "", "", "per creator:", "", "", "", "delivery:", "", "");
    printf("%-11s %5s %8s %8s %8s %7s %6s %6s | %8s %7s %5s\n", "phase",
           "n", "wall ms", "CPU ms", "CPU us", "stmts", "txns", "pages",
           "CPU ms", "stmts/cr", "msgs");
}

static void
row(const char *name, const struct phase_cost *p)
{
    double n = CREATORS;
    double cpu = (double)(p->core.cpu_ns + p->deliver.cpu_ns) / 1e6;
    double wall = (double)(p->core.wall_ns + p->deliver.wall_ns) / 1e6;
    printf("%-11s %5ld %8.1f %8.1f %8.1f %7.1f %6.2f %6.1f | %8.1f %7.1f "
           "%5ld\n", name, p->n, wall, cpu, cpu * 1000.0 / n,
           (double)(p->core.stmts + p->deliver.stmts) / n,
           (double)(p->core.commits + p->deliver.commits) / n,
           (double)(p->core.pages + p->deliver.pages) / n,
           (double)p->deliver.cpu_ns / 1e6, (double)p->deliver.stmts / n,
           p->msgs);
}

static int
by_ns(const void *a, const void *b)
{
    const struct sql_cost *x = a, *y = b;
    return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void
profile_of(enum phase ph)
{
    struct sql_cost *t = sql_costs[ph];
    size_t n = 0;
    int64_t total = 0;
    while (n < MAX_SQL && t[n].sql)
        total += t[n++].ns;
    if (n == 0)
        return;
    qsort(t, n, sizeof(*t), by_ns);
    printf("\n%s: SQLite time %.1f ms in %zu distinct statements; the "
           "costliest:\n", phase_names[ph], (double)total / 1e6, n);
    for (size_t i = 0; i < n && i < 8; i++)
        printf("  %8.1f ms %7ld runs  %.110s\n", (double)t[i].ns / 1e6,
               t[i].runs, t[i].sql);
}

int
main(int argc, char **argv)
{
    const char *dir = "/tmp";
    bool keep = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0)
            profiling = true;
        else if (strcmp(argv[i], "--keep") == 0)
            keep = true;
        else if (argv[i][0] == '-')
            die("usage: bench_standup [--profile] [--keep] [dir]");
        else
            dir = argv[i];
    }
    log_set_level(LOG_WARN);
    char path[512];
    snprintf(path, sizeof(path), "%s/bench_standup-%d.db", dir, (int)getpid());

    struct core_settings settings;
    settings_defaults(&settings);
    static const char *const admins[] = { "bench:admin" };
    settings.admins = admins;
    settings.nadmins = 1;
    struct clock clock = clock_simulated(&sim);
    struct ch_error err = { 0 };
    if (core_new(path, &settings, &clock, &the_core, &err) != CH_OK)
        die("%s", err.user);
    if (core_attach(the_core, &sink, &err) != CH_OK)
        die("%s", err.user);
    db = store_db(core_store(the_core));
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT |
                             (profiling ? SQLITE_TRACE_PROFILE : 0),
                     on_trace, NULL);

    int64_t t0 = ns_of(CLOCK_MONOTONIC);
    setup();
    /* The week before the round, hour by hour: the jobs that fall due
     * and the direct messages held for their readers' working hours
     * (the kickoff's, the deliverables') all go before it starts. */
    char kind[64];
    int64_t due = count_sql("SELECT min(due_at) FROM jobs WHERE ?1 = ?1"
                            " AND kind = ?2", 0, "standup.round");
    if (due == 0)
        die("no standup round was planned");
    while (sim.now_ms < due - 1) {
        sim.now_ms = sim.now_ms + 3600000 < due - 1 ? sim.now_ms + 3600000
                                                    : due - 1;
        while (core_tick(the_core) > 0)
            ;
        core_flush(the_core);
    }
    if (core_outbox_backlog(the_core) != 0)
        fprintf(stderr, "bench_standup: %lld rows still held at the "
                "round\n", (long long)core_outbox_backlog(the_core));
    double setup_s = (double)(ns_of(CLOCK_MONOTONIC) - t0) / 1e9;
    /* For `perf record -k CLOCK_MONOTONIC` ... `perf report --time`. */
    if (profiling)
        fprintf(stderr, "bench_standup: the round starts at monotonic "
                "%.6f s\n", (double)ns_of(CLOCK_MONOTONIC) / 1e9);
    memset(costs, 0, sizeof(costs));
    memset(sql_costs, 0, sizeof(sql_costs));

    /* The round's timeline: jobs and answers in time order until the
     * summary is out. */
    bool closed = false;
    long answers = 0;
    while (!closed) {
        due = peek_job(kind, sizeof(kind));
        int64_t first = INT64_MAX;
        int who = -1;
        for (int i = 0; i < CREATORS; i++)
            if (cr[i].answer_at < first) {
                first = cr[i].answer_at;
                who = i;
            }
        if (due == INT64_MAX && who < 0)
            die("nothing left to run and the round is not closed");
        if (who >= 0 && first < due) {
            char buf[160];
            sim.now_ms = first;
            event(PH_ANSWER, CORE_EV_DM, cr[who].name, "%s",
                  answer_of(who, buf, sizeof(buf)));
            cr[who].answer_at = INT64_MAX;
            cr[who].answered = true;
            answers++;
            continue;
        }
        enum phase ph = tick(due, kind);
        if (ph == PH_PROMPT || ph == PH_REMIND)
            plan_answers(due, ph == PH_REMIND);
        closed = ph == PH_CLOSE;
    }
    /* The coordinator looks at it. */
    event(PH_VIEW, CORE_EV_COMMAND, "carol", "standup " SLUG);
    sqlite3_trace_v2(db, 0, NULL, NULL);
    if (profiling)
        fprintf(stderr, "bench_standup: the view ends at monotonic %.6f s\n",
                (double)ns_of(CLOCK_MONOTONIC) / 1e9);

    int64_t prompts = count_sql("SELECT count(*) FROM standup_prompts"
                                " WHERE ?1 = ?1", 0, NULL);
    int64_t sent = count_sql("SELECT count(*) FROM standup_prompts WHERE"
                             " sent_at IS NOT NULL AND ?1 = ?1", 0, NULL);
    int64_t answered = count_sql("SELECT count(*) FROM standup_prompts"
                                 " WHERE state = 'answered' AND ?1 = ?1", 0,
                                 NULL);
    int64_t rows = count_sql("SELECT count(*) FROM standup_answers WHERE"
                             " ?1 = ?1", 0, NULL);
    int64_t reminded = count_sql("SELECT count(*) FROM standup_prompts"
                                 " WHERE reminded_at IS NOT NULL AND"
                                 " ?1 = ?1", 0, NULL);
    int64_t delivs = count_sql("SELECT count(*) FROM deliverables WHERE"
                               " ?1 = ?1", 0, NULL);

    printf("bench_standup: one round of %d creators in %zu zones, %lld "
           "deliverables (setup %.1f s)\n", CREATORS, NZONES,
           (long long)delivs, setup_s);
    printf("prompts %lld, sent %lld, answered %lld (%ld answer messages, "
           "%lld answer rows), reminded %lld\n", (long long)prompts,
           (long long)sent, (long long)answered, answers, (long long)rows,
           (long long)reminded);
    printf("\n");
    header();
    struct phase_cost round = { 0 };
    for (int ph = PH_ROUND; ph < PH_COUNT; ph++) {
        const struct phase_cost *p = &costs[ph];
        if (ph == PH_OTHER && p->n == 0)
            continue;
        row(phase_names[ph], p);
        if (ph == PH_VIEW || ph == PH_OTHER)
            continue;
        round.n += p->n;
        round.core.wall_ns += p->core.wall_ns;
        round.core.cpu_ns += p->core.cpu_ns;
        round.core.stmts += p->core.stmts;
        round.core.commits += p->core.commits;
        round.core.pages += p->core.pages;
        round.deliver.wall_ns += p->deliver.wall_ns;
        round.deliver.cpu_ns += p->deliver.cpu_ns;
        round.deliver.stmts += p->deliver.stmts;
        round.deliver.commits += p->deliver.commits;
        round.deliver.pages += p->deliver.pages;
        round.msgs += p->msgs;
    }
    row("round total", &round);
    printf("(per creator: divided by %d whatever the phase's n; round "
           "total: round + prompts + answers + reminds + close; stmts: SQL\n"
           "statements run, txns: commits, pages: database pages written "
           "to the WAL; delivery: core_flush and\n"
           "in-band replies to the sink adapter, included in the columns "
           "before)\n\n", CREATORS);

    double per = (double)(round.core.cpu_ns + round.deliver.cpu_ns) / 1e6 /
                 CREATORS;
    double close_ms = (double)(costs[PH_CLOSE].core.cpu_ns +
                               costs[PH_CLOSE].deliver.cpu_ns) / 1e6;
    double view_ms = (double)(costs[PH_VIEW].core.cpu_ns +
                              costs[PH_VIEW].deliver.cpu_ns) / 1e6;
    printf("target: a round under 1 ms of CPU per creator:   %.3f ms  %s\n",
           per, per < 1.0 ? "met" : "MISSED");
    printf("target: the summary (close job) under 100 ms:     %.1f ms  %s"
           " (%zu bytes posted)\n", close_ms,
           close_ms < 100.0 ? "met" : "MISSED", costs[PH_CLOSE].bytes);
    printf("        the view (standup %s) under 100 ms:    %.1f ms  %s"
           " (%zu bytes)\n", SLUG, view_ms,
           view_ms < 100.0 ? "met" : "MISSED", costs[PH_VIEW].bytes);
    if (costs[PH_VIEW].msgs == 0)
        printf("        the view's reply was empty: its text is over the "
               "reply's 64 KiB cap (ctx.c), so nothing was sent\n");

    if (profiling)
        for (int ph = PH_ROUND; ph < PH_COUNT; ph++)
            profile_of((enum phase)ph);

    core_free(the_core);
    if (keep) {
        printf("database kept: %s\n", path);
    } else {
        char side[520];
        unlink(path);
        snprintf(side, sizeof(side), "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", path);
        unlink(side);
    }
    return 0;
}
