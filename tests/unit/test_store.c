/*
 * test_store: the SQLite store and every records.h function group, read
 * back through records.h and, where records.h has no reader, through
 * plain SQL.  Values written are constants of this file; every check
 * compares against them, never against another call of the code under
 * test.
 *
 * Migrations.  store_schema.c keeps one migration per schema version and
 * never edits a shipped one.  To test "an old database opens and keeps
 * its data", this file freezes the schema as migration 1 created it
 * (v1_schema below, copied from sqlite_master of a version-1 database).
 * v1_snapshot_is_migration_1 checks that the frozen copy is exactly what
 * migration 1 alone creates, and migrate_v1_keeps_data builds a version-1
 * database from the copy, fills it with rows written as version 1 wrote
 * them, and opens it with store_open(), which must migrate it to the newest
 * version with every row intact.  Migration 3 only adds an index, so the
 * v1 case covers it; when a migration rewrites tables or rows, freeze the
 * schema before it the same way and add a case next to v1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "model.h"
#include "nudge.h"
#include "records.h"
#include "schedule.h"
#include "store.h"

#define T0 INT64_C(1796112000000)   /* 2026-12-01T08:00:00Z */
#define HOUR INT64_C(3600000)

/* The schema as migration 1 made it, statement by statement, in
 * sqlite_master order.  Frozen: never edit. */
static const char *const v1_schema[] = {
    "CREATE TABLE people (  id INTEGER PRIMARY KEY,  name TEXT NOT NULL, "
    " tz TEXT,  tz_source TEXT CHECK (tz_source IN ('platform','self','co"
    "ordinator')),  work_start INTEGER NOT NULL DEFAULT 540,  work_end IN"
    "TEGER NOT NULL DEFAULT 1080,  work_days INTEGER NOT NULL DEFAULT 31,"
    "  preferred_platform TEXT,  created_at INTEGER NOT NULL)",
    "CREATE INDEX people_name ON people(name COLLATE NOCASE)",
    "CREATE TABLE identities (  platform TEXT NOT NULL,  user_id TEXT NOT"
    " NULL,  person_id INTEGER NOT NULL REFERENCES people(id),  handle TE"
    "XT,  PRIMARY KEY (platform, user_id)) WITHOUT ROWID",
    "CREATE INDEX identities_person ON identities(person_id)",
    "CREATE INDEX identities_handle ON identities(handle COLLATE NOCASE)",
    "CREATE TABLE brands (  id INTEGER PRIMARY KEY,  name TEXT NOT NULL U"
    "NIQUE COLLATE NOCASE,  category TEXT,  exclusive TEXT,  created_at I"
    "NTEGER NOT NULL)",
    "CREATE TABLE agencies (  id INTEGER PRIMARY KEY,  name TEXT NOT NULL"
    " UNIQUE COLLATE NOCASE,  created_at INTEGER NOT NULL)",
    "CREATE TABLE campaigns (  id INTEGER PRIMARY KEY,  slug TEXT NOT NUL"
    "L UNIQUE,  title TEXT,  brand_id INTEGER NOT NULL REFERENCES brands("
    "id),  agency_id INTEGER REFERENCES agencies(id),  state TEXT NOT NUL"
    "L DEFAULT 'draft'    CHECK (state IN ('draft','active','wrapped','cl"
    "osed')),  starts_at INTEGER,  ends_at INTEGER,  need INTEGER CHECK ("
    "need IS NULL OR need > 0),  review_mode TEXT NOT NULL DEFAULT 'two_s"
    "tage'    CHECK (review_mode IN ('two_stage','brand_only')),  brief_v"
    "ersion INTEGER NOT NULL DEFAULT 1,  kicked_off_at INTEGER,  created_"
    "by INTEGER REFERENCES people(id),  created_at INTEGER NOT NULL)",
    "CREATE INDEX campaigns_brand ON campaigns(brand_id)",
    "CREATE TABLE brief_versions (  campaign_id INTEGER NOT NULL REFERENC"
    "ES campaigns(id),  version INTEGER NOT NULL,  story TEXT, audience T"
    "EXT, core_message TEXT, visual_style TEXT,  must_include TEXT, must_"
    "avoid TEXT, flexible TEXT, disclosure TEXT,  success_metrics TEXT, t"
    "imeline_notes TEXT,  changed_field TEXT,  changed_by INTEGER REFEREN"
    "CES people(id),  created_at INTEGER NOT NULL,  locked_at INTEGER,  P"
    "RIMARY KEY (campaign_id, version))",
    "CREATE TABLE participants (  campaign_id INTEGER NOT NULL REFERENCES"
    " campaigns(id),  person_id INTEGER NOT NULL REFERENCES people(id),  "
    "role TEXT NOT NULL    CHECK (role IN ('brand','agency','coordinator'"
    ",'creator')),  tier TEXT CHECK (tier IN ('core','flex')),  added_at "
    "INTEGER NOT NULL,  removed_at INTEGER,  PRIMARY KEY (campaign_id, pe"
    "rson_id))",
    "CREATE INDEX participants_person ON participants(person_id)",
    "CREATE TABLE deliverables (  id INTEGER PRIMARY KEY,  campaign_id IN"
    "TEGER NOT NULL REFERENCES campaigns(id),  number INTEGER NOT NULL,  "
    "creator_id INTEGER NOT NULL REFERENCES people(id),  title TEXT NOT N"
    "ULL,  platform TEXT,  draft_due INTEGER NOT NULL,  publish_at INTEGE"
    "R NOT NULL,  state TEXT NOT NULL DEFAULT 'planned'    CHECK (state I"
    "N ('planned','submitted','changes_requested',      'approved','publi"
    "shed','rejected','missed','cancelled')),  review_stage TEXT CHECK (r"
    "eview_stage IN ('review','brand')),  fee_cents INTEGER,  currency TE"
    "XT,  rounds INTEGER NOT NULL DEFAULT 0,  created_at INTEGER NOT NULL"
    ",  updated_at INTEGER NOT NULL,  UNIQUE (campaign_id, number))",
    "CREATE INDEX deliverables_creator ON deliverables(creator_id)",
    "CREATE TABLE submissions (  id INTEGER PRIMARY KEY,  deliverable_id "
    "INTEGER NOT NULL REFERENCES deliverables(id),  round INTEGER NOT NUL"
    "L,  link TEXT NOT NULL,  body TEXT,  submitted_by INTEGER NOT NULL R"
    "EFERENCES people(id),  submitted_at INTEGER NOT NULL,  UNIQUE (deliv"
    "erable_id, round))",
    "CREATE TABLE reviews (  id INTEGER PRIMARY KEY,  deliverable_id INTE"
    "GER NOT NULL REFERENCES deliverables(id),  submission_id INTEGER NOT"
    " NULL REFERENCES submissions(id),  reviewer_id INTEGER NOT NULL REFE"
    "RENCES people(id),  stage TEXT NOT NULL CHECK (stage IN ('review','b"
    "rand')),  decision TEXT NOT NULL CHECK (decision IN ('approve','chan"
    "ges','reject')),  visible INTEGER NOT NULL CHECK (visible IN (0,1)),"
    "  message INTEGER NOT NULL CHECK (message IN (0,1)),  engagement INT"
    "EGER NOT NULL CHECK (engagement IN (0,1)),  reason TEXT,  created_at"
    " INTEGER NOT NULL)",
    "CREATE INDEX reviews_deliverable ON reviews(deliverable_id)",
    "CREATE TABLE escalations (  id INTEGER PRIMARY KEY,  campaign_id INT"
    "EGER NOT NULL REFERENCES campaigns(id),  deliverable_id INTEGER REFE"
    "RENCES deliverables(id),  reason TEXT NOT NULL,  opened_by INTEGER R"
    "EFERENCES people(id),  opened_at INTEGER NOT NULL,  level INTEGER NO"
    "T NULL DEFAULT 0,  level_since INTEGER NOT NULL,  cycle INTEGER NOT "
    "NULL DEFAULT 0,  state TEXT NOT NULL DEFAULT 'open'    CHECK (state "
    "IN ('open','acknowledged','resolved')),  acked_by INTEGER REFERENCES"
    " people(id),  acked_at INTEGER,  ack_note TEXT,  resolved_by INTEGER"
    " REFERENCES people(id),  resolved_at INTEGER,  resolution TEXT)",
    "CREATE INDEX escalations_campaign ON escalations(campaign_id, state)",
    "CREATE TABLE audit (  id INTEGER PRIMARY KEY,  at INTEGER NOT NULL, "
    " actor_id INTEGER REFERENCES people(id),  actor_ref TEXT,  campaign_"
    "id INTEGER REFERENCES campaigns(id),  subject TEXT,  action TEXT NOT"
    " NULL,  detail TEXT)",
    "CREATE INDEX audit_campaign ON audit(campaign_id, id)",
    "CREATE INDEX audit_subject ON audit(subject, id)",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit  BEGIN SELECT "
    "RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit  BEGIN SELECT "
    "RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TABLE inbound (  platform TEXT NOT NULL,  event_id TEXT NOT N"
    "ULL,  received_at INTEGER NOT NULL,  PRIMARY KEY (platform, event_id"
    ")) WITHOUT ROWID",
    "CREATE TABLE outbox (  id INTEGER PRIMARY KEY,  platform TEXT NOT NU"
    "LL,  kind TEXT NOT NULL CHECK (kind IN ('reply','post','dm','update'"
    ",    'create_channel','invite','pin','topic','lookup')),  campaign_i"
    "d INTEGER REFERENCES campaigns(id),  person_id INTEGER REFERENCES pe"
    "ople(id),  channel_ref TEXT,  user_ref TEXT,  ref_id INTEGER REFEREN"
    "CES outbox(id),  text TEXT,  buttons TEXT,  state TEXT NOT NULL DEFA"
    "ULT 'pending'    CHECK (state IN ('pending','sent','failed')),  atte"
    "mpts INTEGER NOT NULL DEFAULT 0,  not_before INTEGER NOT NULL DEFAUL"
    "T 0,  created_at INTEGER NOT NULL,  sent_at INTEGER,  platform_ref T"
    "EXT,  last_error TEXT)",
    "CREATE INDEX outbox_pending ON outbox(platform, id) WHERE state = 'p"
    "ending'",
    "CREATE INDEX outbox_platform_ref ON outbox(platform, platform_ref)  "
    "WHERE platform_ref IS NOT NULL",
    "CREATE TABLE channels (  campaign_id INTEGER NOT NULL REFERENCES cam"
    "paigns(id),  platform TEXT NOT NULL,  channel_id TEXT,  name TEXT NO"
    "T NULL,  brief_msg INTEGER REFERENCES outbox(id),  status_msg INTEGE"
    "R REFERENCES outbox(id),  PRIMARY KEY (campaign_id, platform))",
    "CREATE UNIQUE INDEX channels_by_id ON channels(platform, channel_id)",
    "CREATE TABLE jobs (  due_at INTEGER NOT NULL,  id INTEGER NOT NULL, "
    " kind TEXT NOT NULL,  campaign_id INTEGER REFERENCES campaigns(id), "
    " deliverable_id INTEGER REFERENCES deliverables(id),  person_id INTE"
    "GER REFERENCES people(id),  escalation_id INTEGER REFERENCES escalat"
    "ions(id),  question_id INTEGER,  rank INTEGER NOT NULL DEFAULT 0,  a"
    "rg TEXT,  created_at INTEGER NOT NULL,  PRIMARY KEY (due_at, id)) WI"
    "THOUT ROWID",
    "CREATE INDEX jobs_person ON jobs(person_id, due_at)  WHERE person_id"
    " IS NOT NULL",
    "CREATE INDEX jobs_deliverable ON jobs(deliverable_id)  WHERE deliver"
    "able_id IS NOT NULL",
    "CREATE INDEX jobs_escalation ON jobs(escalation_id)  WHERE escalatio"
    "n_id IS NOT NULL",
    "CREATE INDEX jobs_question ON jobs(question_id)  WHERE question_id I"
    "S NOT NULL",
    "CREATE TABLE counters (  name TEXT PRIMARY KEY,  value INTEGER NOT N"
    "ULL) WITHOUT ROWID",
};
#define V1_NSTMTS (sizeof(v1_schema) / sizeof(v1_schema[0]))

/* The tables of version 1; every later version keeps them. */
static const char *const v1_tables[] = {
    "people", "identities", "brands", "agencies", "campaigns",
    "brief_versions", "participants", "deliverables", "submissions",
    "reviews", "escalations", "audit", "inbound", "outbox", "channels",
    "jobs",
};
#define V1_NTABLES (sizeof(v1_tables) / sizeof(v1_tables[0]))

/* --- per-test state ------------------------------------------------------ */

struct t {
    char          dir[64];
    char          path[128];
    struct store *st;
    struct arena *a;
    int           log_errors;
};

static void
count_errors(void *arg, enum log_level level, const char *line)
{
    struct t *t = arg;
    if (level >= LOG_ERROR) {
        t->log_errors++;
        fprintf(stderr, "  [log] %s\n", line);
    }
}

static int
setup(void **state)
{
    struct t *t = calloc(1, sizeof(*t));
    assert_non_null(t);
    snprintf(t->dir, sizeof(t->dir), "/tmp/chorus-test-store-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof(t->path), "%s/chorus.db", t->dir);
    t->a = arena_new();
    log_set_level(LOG_WARN);
    log_set_sink(count_errors, t);
    *state = t;
    return 0;
}

static void
remove_db_files(const char *path)
{
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < 4; i++) {
        char p[160];
        snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static int
teardown(void **state)
{
    struct t *t = *state;
    int errors = t->log_errors;
    store_close(t->st);
    arena_free(t->a);
    remove_db_files(t->path);
    rmdir(t->dir);
    log_set_sink(NULL, NULL);
    log_set_level(LOG_INFO);
    free(t);
    /* An error line means the store failed at something no test asked
     * for. */
    if (errors)
        fprintf(stderr, "  %d unexpected error line(s) logged\n", errors);
    return errors ? -1 : 0;
}

/* Open path (or :memory:) as the store under test. */
static struct store *
open_store(const char *path)
{
    struct ch_error err = { .status = CH_OK };
    struct store *st = NULL;
    enum ch_status s = store_open(path, &st, &err);
    if (s != CH_OK)
        fail_msg("store_open(%s): %s: %s", path, ch_strerror(s), err.user);
    assert_non_null(st);
    return st;
}

static struct store *
memory_store(struct t *t)
{
    t->st = open_store(":memory:");
    return t->st;
}

/* One integer from SQL with ?1 bound to param (NULL: none). */
static int64_t
q_int(sqlite3 *db, const char *sql, const char *param)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (param)
        sqlite3_bind_text(s, 1, param, -1, SQLITE_TRANSIENT);
    int64_t v = INT64_MIN;
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static char text_buf[4096];

/* One text value from SQL (NULL for no row or NULL). */
static const char *
q_text(sqlite3 *db, const char *sql, const char *param)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (param)
        sqlite3_bind_text(s, 1, param, -1, SQLITE_TRANSIENT);
    const char *r = NULL;
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL) {
        snprintf(text_buf, sizeof(text_buf), "%s",
                 (const char *)sqlite3_column_text(s, 0));
        r = text_buf;
    }
    sqlite3_finalize(s);
    return r;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        char copy[256];
        snprintf(copy, sizeof(copy), "%s", msg ? msg : "?");
        sqlite3_free(msg);
        fail_msg("%s: %s", sql, copy);
    }
}

static int64_t
table_exists(sqlite3 *db, const char *name)
{
    return q_int(db, "SELECT count(*) FROM sqlite_master WHERE type = "
                     "'table' AND name = ?1", name);
}

/* A person, a brand and a campaign to hang rows on. */
struct base {
    int64_t carol, bob, brenda;
    int64_t brand;
    int64_t campaign;
};

static void
make_base(struct store *st, struct base *b)
{
    assert_int_equal(store_people_create(st, "carol", T0, &b->carol), CH_OK);
    assert_int_equal(store_people_create(st, "bob", T0, &b->bob), CH_OK);
    assert_int_equal(store_people_create(st, "brenda", T0, &b->brenda), CH_OK);
    assert_int_equal(
        store_brand_put(st, "Fizz", "energy drinks", NULL, T0, &b->brand),
        CH_OK);
    struct campaign cp = {
        .slug = "spring-launch", .title = "Spring Launch",
        .brand_id = b->brand, .starts_at = INT64_MIN, .ends_at = INT64_MIN,
        .created_at = T0,
    };
    assert_int_equal(store_campaign_insert(st, &cp, b->carol, &b->campaign),
                     CH_OK);
}

/* --- schema and migrations ----------------------------------------------- */

static void
schema_from_empty_file(void **state)
{
    struct t *t = *state;
    t->st = open_store(t->path);
    sqlite3 *db = store_db(t->st);
    assert_true(store_schema_version >= 1);
    assert_int_equal(store_version(t->st), store_schema_version);
    assert_int_equal(q_int(db, "PRAGMA user_version", NULL),
                     store_schema_version);
    for (size_t i = 0; i < V1_NTABLES; i++)
        if (!table_exists(db, v1_tables[i]))
            fail_msg("table %s missing", v1_tables[i]);
    const char *mode = q_text(db, "PRAGMA journal_mode", NULL);
    assert_non_null(mode);
    assert_string_equal(mode, "wal");
    assert_int_equal(q_int(db, "PRAGMA foreign_keys", NULL), 1);
    assert_false(store_in_txn(t->st));
}

static void
schema_in_memory(void **state)
{
    struct t *t = *state;
    memory_store(t);
    sqlite3 *db = store_db(t->st);
    assert_int_equal(store_version(t->st), store_schema_version);
    assert_int_equal(q_int(db, "PRAGMA foreign_keys", NULL), 1);
    for (size_t i = 0; i < V1_NTABLES; i++)
        assert_int_equal(table_exists(db, v1_tables[i]), 1);
}

static void
reopen_is_idempotent(void **state)
{
    struct t *t = *state;
    struct store *st = open_store(t->path);
    int64_t objects = q_int(store_db(st), "SELECT count(*) FROM "
                                          "sqlite_master", NULL);
    int64_t id;
    assert_int_equal(store_people_create(st, "carol", T0, &id), CH_OK);
    assert_int_equal(store_people_identity_add(st, "slack", "U1", id, "carol"),
                     CH_OK);
    store_close(st);

    t->st = open_store(t->path);
    sqlite3 *db = store_db(t->st);
    assert_int_equal(store_version(t->st), store_schema_version);
    assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_master", NULL),
                     objects);
    assert_int_equal(q_int(db, "SELECT count(*) FROM people", NULL), 1);
    struct person p;
    assert_int_equal(store_people_by_identity(t->st, t->a, "slack", "U1", &p),
                     CH_OK);
    assert_int_equal(p.id, id);
    assert_string_equal(p.name, "carol");
}

static void
refuses_newer_schema(void **state)
{
    struct t *t = *state;
    store_close(open_store(t->path));
    sqlite3 *db;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
             store_schema_version + 1);
    exec_ok(db, sql);
    sqlite3_close(db);

    struct ch_error err = { .status = CH_OK };
    struct store *st = NULL;
    assert_int_equal(store_open(t->path, &st, &err), CH_CONFLICT);
    assert_null(st);
    assert_int_equal(err.status, CH_CONFLICT);
    char want[128];
    snprintf(want, sizeof(want), "schema version %d, newer than this "
             "chorus knows (%d)", store_schema_version + 1,
             store_schema_version);
    if (strstr(err.user, want) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", err.user, want);
    /* Nothing was touched. */
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    assert_int_equal(q_int(db, "PRAGMA user_version", NULL),
                     store_schema_version + 1);
    sqlite3_close(db);
}

static void
refuses_non_database(void **state)
{
    struct t *t = *state;
    FILE *f = fopen(t->path, "w");
    assert_non_null(f);
    for (int i = 0; i < 200; i++)
        fputs("this is not a database file\n", f);
    fclose(f);
    struct ch_error err = { .status = CH_OK };
    struct store *st = NULL;
    enum ch_status s = store_open(t->path, &st, &err);
    assert_int_not_equal(s, CH_OK);
    assert_null(st);
    if (strstr(err.user, t->path) == NULL)
        fail_msg("error \"%s\" does not name the file", err.user);
    t->log_errors = 0;   /* the failed open is logged, as it should be */
}

/* Build a version-1 database at path from the frozen schema. */
static void
make_v1_database(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec_ok(db, "BEGIN");
    for (size_t i = 0; i < V1_NSTMTS; i++)
        exec_ok(db, v1_schema[i]);
    /* The one row migration 1 writes besides its schema. */
    exec_ok(db, "INSERT INTO counters VALUES ('job', 0)");
    exec_ok(db, "PRAGMA user_version = 1");
    exec_ok(db, "COMMIT");
    sqlite3_close(db);
}

/* The frozen copy is checked against what migration 1 alone creates,
 * statement for statement (later migrations alter its tables). */
static void
v1_snapshot_is_migration_1(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, store_schema_sql(1), NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master "
                                            "WHERE sql IS NOT NULL "
                                            "ORDER BY rowid", -1, &s, NULL),
                     SQLITE_OK);
    size_t i = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *sql = (const char *)sqlite3_column_text(s, 0);
        if (i >= V1_NSTMTS)
            fail_msg("migration 1 makes more than the copy: %s", sql);
        if (strcmp(sql, v1_schema[i]) != 0)
            fail_msg("statement %zu differs:\n  migration: %s\n  copy:      "
                     "%s", i, sql, v1_schema[i]);
        i++;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_int_equal(i, V1_NSTMTS);
}

/* The writes made for every message and every time-zone change run
 * without a scratch B-tree (an "IN (a, b, c)" CHECK builds one per
 * statement), and the constraints written without IN still refuse what
 * they refused. */
static const char *const hot_writes[] = {
    "INSERT INTO outbox (platform, kind, created_at) VALUES ('slack', 'dm', 0)",
    "UPDATE outbox SET state = 'sent', sent_at = 1, platform_ref = 'x',"
    " attempts = attempts + 1 WHERE id = 1",
    "UPDATE people SET tz = 'UTC', tz_source = 'self' WHERE id = 1",
};

static void
assert_hot_writes_lean(sqlite3 *db)
{
    for (size_t i = 0; i < sizeof(hot_writes) / sizeof(hot_writes[0]); i++) {
        char *sql = sqlite3_mprintf("EXPLAIN %s", hot_writes[i]);
        sqlite3_stmt *s = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW)
            if (strcmp((const char *)sqlite3_column_text(s, 1),
                       "OpenEphemeral") == 0)
                fail_msg("builds a scratch table: %s", hot_writes[i]);
        sqlite3_finalize(s);
        sqlite3_free(sql);
    }
    static const char *const refused[] = {
        "INSERT INTO outbox (platform, kind, created_at) VALUES ('slack', "
        "'fax', 0)",
        "UPDATE outbox SET state = 'lost' WHERE id = 1",
        "UPDATE people SET tz_source = 'guess' WHERE id = 1",
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        if (sqlite3_exec(db, refused[i], NULL, NULL, NULL) != SQLITE_CONSTRAINT)
            fail_msg("not refused: %s", refused[i]);
}

static void
hot_writes_build_no_scratch_table(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct base b;
    make_base(st, &b);
    assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM people WHERE "
                                         "id = 1", NULL), 1);
    exec_ok(store_db(st), "INSERT INTO outbox (id, platform, kind, created_at)"
                          " VALUES (1, 'slack', 'dm', 0)");
    assert_hot_writes_lean(store_db(st));
}

/* Rows as version 1 wrote them (plain SQL: the records of a newer build
 * may write columns version 1 did not have). */
static const char v1_rows[] =
    "INSERT INTO people (id, name, tz, tz_source, created_at) VALUES"
    " (1, 'carol', 'Europe/Berlin', 'self', 1796112000000),"
    " (2, 'bob', NULL, NULL, 1796112000000),"
    " (3, 'brenda', NULL, NULL, 1796112000000);"
    "INSERT INTO identities VALUES ('slack', 'U1', 1, 'carol'),"
    " ('discord', '1100', 1, 'carol'), ('slack', 'U2', 2, 'bob');"
    "INSERT INTO brands VALUES (1, 'Fizz', 'energy drinks', 'sodas',"
    " 1796112000000);"
    "INSERT INTO agencies VALUES (1, 'Loud', 1796112000000);"
    "INSERT INTO campaigns (id, slug, title, brand_id, agency_id, state,"
    " starts_at, need, brief_version, kicked_off_at, created_by,"
    " created_at) VALUES (1, 'spring-launch', 'Spring Launch', 1, 1,"
    " 'active', 1796169600000, 5, 2, 1796115600000, 1, 1796112000000);"
    "INSERT INTO brief_versions (campaign_id, version, story, must_include,"
    " disclosure, created_at, locked_at) VALUES"
    " (1, 1, NULL, NULL, '#ad', 1796112000000, NULL),"
    " (1, 2, 'Cold mornings', 'can in hand' || char(10) || 'logo', '#ad',"
    " 1796112000000, 1796115600000);"
    "INSERT INTO participants VALUES (1, 1, 'coordinator', NULL,"
    " 1796112000000, NULL), (1, 2, 'creator', 'flex', 1796112000000, NULL),"
    " (1, 3, 'brand', NULL, 1796112000000, NULL);"
    "INSERT INTO deliverables (id, campaign_id, number, creator_id, title,"
    " platform, draft_due, publish_at, state, review_stage, fee_cents,"
    " currency, rounds, created_at, updated_at) VALUES (1, 1, 1, 2, 'Reel',"
    " 'tiktok', 1796716800000, 1797321600000, 'submitted', 'brand', 50000,"
    " 'EUR', 1, 1796112000000, 1796112000000);"
    "INSERT INTO submissions VALUES (1, 1, 1, 'https://x.example/1', 'v1',"
    " 2, 1796200000000), (2, 1, 2, 'https://x.example/2', NULL, 2,"
    " 1796300000000);"
    "INSERT INTO reviews VALUES (1, 1, 1, 1, 'review', 'changes', 0, 1, 1,"
    " 'too dark', 1796250000000);"
    "INSERT INTO escalations (id, campaign_id, deliverable_id, reason,"
    " opened_by, opened_at, level, level_since, cycle, state) VALUES"
    " (1, 1, 1, 'silent', 1, 1796112000000, 2, 1796140800000, 0, 'open');"
    "INSERT INTO audit (at, actor_id, actor_ref, campaign_id, subject,"
    " action, detail) VALUES (1796112000000, 1, 'slack:U1', 1,"
    " 'spring-launch', 'campaign.create', 'brand Fizz'),"
    " (1796112000001, NULL, 'chorus', 1, 'E1', 'escalation.step', 'up');"
    "INSERT INTO inbound VALUES ('slack', 'Ev1', 1796112000000);"
    "INSERT INTO outbox (id, platform, kind, campaign_id, text, state,"
    " attempts, created_at, sent_at, platform_ref) VALUES (1, 'slack',"
    " 'post', 1, 'Kickoff!', 'sent', 1, 1796112000000, 1796112000000,"
    " '1700000000.000100'), (2, 'slack', 'dm', NULL, 'pending one',"
    " 'pending', 0, 1796112000000, NULL, NULL);"
    "INSERT INTO channels VALUES (1, 'slack', 'C1', 'spring-launch', 1,"
    " NULL);"
    "INSERT INTO jobs (id, due_at, kind, campaign_id, escalation_id,"
    " created_at) VALUES (1, 1796227200000, 'escalation.step', 1, 1,"
    " 1796112000000);"
    "UPDATE counters SET value = 1 WHERE name = 'job';";

static void
migrate_v1_keeps_data(void **state)
{
    struct t *t = *state;
    make_v1_database(t->path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    exec_ok(db, "PRAGMA foreign_keys = ON");
    exec_ok(db, v1_rows);
    sqlite3_close(db);

    t->st = open_store(t->path);
    struct store *st = t->st;
    assert_int_equal(store_version(st), store_schema_version);
    struct arena *a = t->a;

    struct person p;
    assert_int_equal(store_people_by_identity(st, a, "discord", "1100", &p),
                     CH_OK);
    assert_int_equal(p.id, 1);
    assert_string_equal(p.name, "carol");
    assert_string_equal(p.tz, "Europe/Berlin");
    assert_string_equal(p.tz_source, "self");
    assert_int_equal(p.work_start, 540);
    assert_int_equal(p.work_end, 1080);
    assert_int_equal(p.work_days, 31);

    struct campaign cp;
    assert_int_equal(store_campaign_by_slug(st, a, "spring-launch", &cp),
                     CH_OK);
    assert_string_equal(cp.title, "Spring Launch");
    assert_string_equal(cp.brand, "Fizz");
    assert_string_equal(cp.brand_category, "energy drinks");
    assert_string_equal(cp.agency, "Loud");
    assert_int_equal(cp.state, CAMPAIGN_ACTIVE);
    assert_int_equal(cp.need, 5);
    assert_int_equal(cp.starts_at, INT64_C(1796169600000));
    assert_true(cp.ends_at == INT64_MIN);
    /* A window from before windows were dates: its dates are read back
     * from its instants in its creator's zone. */
    assert_int_equal(cp.from_day, 20789);
    assert_int_equal(cp.to_day, 0);
    assert_string_equal(cp.zone, "Europe/Berlin");
    assert_int_equal(cp.brief_version, 2);
    assert_int_equal(cp.kicked_off_at, INT64_C(1796115600000));

    struct brief b;
    assert_int_equal(store_brief_get(st, a, 1, 2, &b), CH_OK);
    assert_string_equal(b.field[BRIEF_STORY], "Cold mornings");
    assert_string_equal(b.field[BRIEF_MUST_INCLUDE], "can in hand\nlogo");
    assert_int_equal(b.locked_at, INT64_C(1796115600000));

    char *tier = NULL;
    assert_int_equal(store_participant_role_in(st, 1, 2, &tier, a),
                     ROLE_CREATOR);
    assert_string_equal(tier, "flex");
    assert_int_equal(store_participant_role_in(st, 1, 3, NULL, a), ROLE_BRAND);

    struct deliverable d;
    assert_int_equal(store_deliverable_get(st, a, 1, 1, &d), CH_OK);
    assert_string_equal(d.title, "Reel");
    assert_string_equal(d.creator, "bob");
    assert_int_equal(d.state, DELIV_SUBMITTED);
    assert_int_equal(d.stage, STAGE_BRAND);
    assert_int_equal(d.fee_cents, 50000);
    assert_string_equal(d.currency, "EUR");
    assert_int_equal(d.rounds, 1);

    int64_t sub;
    int round;
    char *link;
    assert_int_equal(
        store_submission_latest(st, a, 1, &sub, &round, &link, NULL), CH_OK);
    assert_int_equal(sub, 2);
    assert_int_equal(round, 2);
    assert_string_equal(link, "https://x.example/2");

    struct escalation e;
    assert_int_equal(store_escalation_get(st, a, 1, &e), CH_OK);
    assert_int_equal(e.level, 2);
    assert_int_equal(e.deliverable_id, 1);
    assert_string_equal(e.reason, "silent");

    struct audit_line *lines;
    size_t n;
    int64_t total;
    assert_int_equal(store_audit_list(st, a, 1, NULL, 10, &lines, &n, &total),
                     CH_OK);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    assert_string_equal(lines[0].actor, "carol");
    assert_string_equal(lines[1].actor, "chorus");

    assert_int_equal(store_inbound_mark(st, "slack", "Ev1", T0), CH_DUPLICATE);

    struct outbox_row row;
    assert_int_equal(store_outbox_get(st, a, 1, &row), CH_OK);
    assert_string_equal(row.platform_ref, "1700000000.000100");
    struct outbox_row *rows;
    assert_int_equal(store_outbox_pending(st, a, "slack", T0, 0, 10, &rows, &n),
                     CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, 2);

    struct channel_row ch;
    assert_int_equal(store_channel_get(st, a, 1, "slack", &ch), CH_OK);
    assert_string_equal(ch.channel_id, "C1");
    assert_int_equal(ch.brief_msg, 1);
    /* Version 6 gave the active campaign a job, due at once, that plans
     * its wrap (id 1 + campaign 1); version 1's job is still there. */
    assert_int_equal(store_jobs_next_due(st), 0);
    {
        sqlite3_stmt *q = NULL;
        assert_int_equal(sqlite3_prepare_v2(store_db(st),
                                            "SELECT group_concat(id || ':' ||"
                                            " kind || ':' || due_at) FROM"
                                            " (SELECT * FROM jobs ORDER BY"
                                            " id)", -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(q, 0),
                            "1:escalation.step:1796227200000,2:campaign.plan:0");
        sqlite3_finalize(q);
    }
    /* Job ids go on from where the migrations left them. */
    struct job j = { .due_at = INT64_C(1796300000000), .kind = "nudge" };
    int64_t job_id = 0;
    assert_int_equal(store_jobs_insert(st, &j, T0, &job_id), CH_OK);
    assert_int_equal(job_id, 3);

    /* Still append-only and still enforcing foreign keys. */
    sqlite3 *sdb = store_db(st);
    assert_int_not_equal(sqlite3_exec(sdb, "DELETE FROM audit", NULL, NULL,
                                      NULL), SQLITE_OK);
    assert_int_equal(store_participant_put(st, 99, 1, ROLE_CREATOR, NULL, T0),
                     CH_CONFLICT);
    assert_hot_writes_lean(sdb);
}

/* Tables, indexes and triggers by name, and each table's columns and
 * rowid-ness, as lines of text to compare. */
static void
schema_shape(sqlite3 *db, struct buf *out)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(
                         db, "SELECT type, name, tbl_name, sql LIKE "
                             "'%WITHOUT ROWID%' FROM sqlite_master WHERE "
                             "name NOT LIKE 'sqlite_%' ORDER BY type, name",
                         -1, &s, NULL), SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(s, 0);
        const char *name = (const char *)sqlite3_column_text(s, 1);
        buf_printf(out, "%s %s%s\n", type, name,
                   sqlite3_column_int(s, 3) ? " without rowid" : "");
        if (strcmp(type, "table") != 0)
            continue;
        sqlite3_stmt *c = NULL;
        assert_int_equal(sqlite3_prepare_v2(
                             db, "SELECT name, type, \"notnull\", pk FROM "
                                 "pragma_table_info(?1) ORDER BY name", -1,
                             &c, NULL), SQLITE_OK);
        sqlite3_bind_text(c, 1, name, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(c) == SQLITE_ROW)
            buf_printf(out, "  %s.%s %s%s%s\n", name,
                       (const char *)sqlite3_column_text(c, 0),
                       (const char *)sqlite3_column_text(c, 1),
                       sqlite3_column_int(c, 2) ? " not null" : "",
                       sqlite3_column_int(c, 3) ? " key" : "");
        sqlite3_finalize(c);
    }
    sqlite3_finalize(s);
}

/*
 * A database that began at version 1 and was migrated has the same
 * schema as one created new; otherwise the code of this build meets
 * tables it does not expect.
 */
static void
migrated_v1_schema_matches_fresh(void **state)
{
    struct t *t = *state;
    make_v1_database(t->path);
    t->st = open_store(t->path);
    struct store *fresh = open_store(":memory:");
    struct buf a = BUF_INIT, b = BUF_INIT;
    schema_shape(store_db(t->st), &a);
    schema_shape(store_db(fresh), &b);
    store_close(fresh);
    if (strcmp(buf_cstr(&a), buf_cstr(&b)) != 0) {
        /* Name the first line that differs. */
        const char *p = buf_cstr(&a), *q = buf_cstr(&b);
        while (*p && *p == *q) {
            p++;
            q++;
        }
        while (p > buf_cstr(&a) && p[-1] != '\n') {
            p--;
            q--;
        }
        char got[160], want[160];
        snprintf(got, sizeof(got), "%.*s", (int)strcspn(p, "\n"), p);
        snprintf(want, sizeof(want), "%.*s", (int)strcspn(q, "\n"), q);
        buf_free(&a);
        buf_free(&b);
        fail_msg("migrated from version 1, the schema differs from a new "
                 "one:\n  migrated: %s\n  new:      %s", got, want);
    }
    buf_free(&a);
    buf_free(&b);
}

/* A row that breaks a foreign key (written with the checks off, by hand)
 * stops the migration with the row named, and the database keeps its
 * version: each migration checks the keys before it commits. */
static void
migration_refuses_broken_foreign_keys(void **state)
{
    struct t *t = *state;
    make_v1_database(t->path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    exec_ok(db, "INSERT INTO outbox (id, platform, kind, campaign_id,"
                " created_at) VALUES (7, 'slack', 'dm', 99, 0)");
    sqlite3_close(db);

    struct ch_error err = { .status = CH_OK };
    struct store *st = NULL;
    assert_int_equal(store_open(t->path, &st, &err), CH_INTERNAL);
    assert_null(st);
    const char *want = "outbox row 7 refers to a missing campaigns row";
    if (strstr(err.user, want) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", err.user, want);
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    assert_int_equal(q_int(db, "PRAGMA user_version", NULL), 1);
    assert_int_equal(q_int(db, "SELECT count(*) FROM outbox", NULL), 1);
    sqlite3_close(db);
}

/* --- integrity ------------------------------------------------------------ */

static void
audit_is_append_only(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct base b;
    make_base(st, &b);
    assert_int_equal(store_audit_add(st, T0, b.carol, "fake:carol", b.campaign,
                                     "spring-launch", "campaign.create", "x"),
                     CH_OK);
    sqlite3 *db = store_db(st);
    char *msg = NULL;
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET detail = 'y'",
                                      NULL, NULL, &msg), SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    msg = NULL;
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL,
                                      &msg), SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "append-only"));
    sqlite3_free(msg);
    assert_int_equal(q_int(db, "SELECT count(*) FROM audit WHERE detail = "
                               "'x'", NULL), 1);
}

static void
foreign_keys_enforced(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct base b;
    make_base(st, &b);
    /* A participant of a campaign that does not exist. */
    assert_int_equal(
        store_participant_put(st, 999, b.bob, ROLE_CREATOR, NULL, T0),
        CH_CONFLICT);
    /* ...or a person that does not. */
    assert_int_equal(
        store_participant_put(st, b.campaign, 999, ROLE_CREATOR, NULL, T0),
        CH_CONFLICT);
    assert_int_equal(store_people_identity_add(st, "slack", "U9", 999, NULL),
                     CH_CONFLICT);
    struct campaign cp = { .slug = "orphan", .brand_id = 999,
                           .starts_at = INT64_MIN, .ends_at = INT64_MIN,
                           .created_at = T0 };
    int64_t id;
    assert_int_equal(store_campaign_insert(st, &cp, b.carol, &id), CH_CONFLICT);
    assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM participants",
                           NULL), 0);
}

/* --- records round trips ----------------------------------------------- */

static void
people_and_identities(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    int64_t carol, other;
    assert_int_equal(store_people_create(st, "Carol Jones", T0, &carol), CH_OK);
    assert_int_equal(store_people_create(st, "carol jones", T0, &other), CH_OK);
    assert_true(carol > 0 && other > carol);
    assert_int_equal(
        store_people_identity_add(st, "slack", "U1", carol, "carolj"), CH_OK);
    assert_int_equal(
        store_people_identity_add(st, "discord", "1100", carol, "cj"), CH_OK);
    /* One platform id belongs to one person. */
    assert_int_equal(store_people_identity_add(st, "slack", "U1", other, NULL),
                     CH_CONFLICT);

    struct person p;
    assert_int_equal(store_people_get(st, a, carol, &p), CH_OK);
    assert_string_equal(p.name, "Carol Jones");
    assert_null(p.tz);
    assert_null(p.tz_source);
    assert_null(p.preferred_platform);
    assert_int_equal(p.work_start, 9 * 60);
    assert_int_equal(p.work_end, 18 * 60);
    assert_int_equal(p.work_days, 0x1f);
    assert_int_equal(store_people_get(st, a, 777, &p), CH_NOT_FOUND);

    assert_int_equal(store_people_by_identity(st, a, "discord", "1100", &p),
                     CH_OK);
    assert_int_equal(p.id, carol);
    assert_int_equal(store_people_by_identity(st, a, "discord", "U1", &p),
                     CH_NOT_FOUND);
    assert_string_equal(store_people_identity_of(st, a, carol, "slack"), "U1");
    assert_null(store_people_identity_of(st, a, carol, "console"));
    /* Mentions: the name, and the user id on that platform if any, each
     * person once; a person who does not exist is left out. */
    struct person_mention *m;
    size_t nm;
    char ids[64];
    snprintf(ids, sizeof(ids), "[%lld,777,%lld]", (long long)carol,
             (long long)carol);
    assert_int_equal(store_people_mentions(st, a, ids, "slack", &m, &nm),
                     CH_OK);
    assert_int_equal(nm, 1);
    assert_int_equal(m[0].id, carol);
    assert_string_equal(m[0].name, "Carol Jones");
    assert_string_equal(m[0].user_id, "U1");
    assert_int_equal(store_people_mentions(st, a, ids, "console", &m, &nm),
                     CH_OK);
    assert_int_equal(nm, 1);
    assert_string_equal(m[0].name, "Carol Jones");
    assert_null(m[0].user_id);
    assert_int_equal(store_people_mentions(st, a, "[777]", "slack", &m, &nm),
                     CH_OK);
    assert_int_equal(nm, 0);

    /* By name, case-insensitively, or by any platform handle. */
    struct person *found;
    size_t n;
    assert_int_equal(store_people_by_name(st, a, "CAROL JONES", &found, &n),
                     CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(found[0].id, carol);
    assert_int_equal(found[1].id, other);
    assert_int_equal(store_people_by_name(st, a, "CJ", &found, &n), CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(found[0].id, carol);
    assert_int_equal(store_people_by_name(st, a, "nobody", &found, &n), CH_OK);
    assert_int_equal(n, 0);

    assert_int_equal(store_people_set_name(st, carol, "Carol J."), CH_OK);
    assert_int_equal(store_people_set_tz(st, carol, "Asia/Kolkata", "self"),
                     CH_OK);
    assert_int_equal(store_people_set_preferred(st, carol, "discord"), CH_OK);
    assert_int_equal(store_people_get(st, a, carol, &p), CH_OK);
    assert_string_equal(p.name, "Carol J.");
    assert_string_equal(p.tz, "Asia/Kolkata");
    assert_string_equal(p.tz_source, "self");
    assert_string_equal(p.preferred_platform, "discord");
    /* The schema allows only the three sources. */
    assert_int_equal(store_people_set_tz(st, carol, "UTC", "guess"),
                     CH_CONFLICT);
}

static void
brands_and_agencies(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    int64_t id1 = 0, id2 = 0;
    assert_int_equal(store_brand_put(st, "Fizz", NULL, NULL, T0, &id1), CH_OK);
    assert_true(id1 > 0);
    struct brand b;
    assert_int_equal(store_brand_by_name(st, a, "fizz", &b), CH_OK);
    assert_int_equal(b.id, id1);
    assert_string_equal(b.name, "Fizz");
    assert_null(b.category);
    /* Putting it again updates it in place; NULL keeps what was there. */
    assert_int_equal(
        store_brand_put(st, "FIZZ", "energy drinks", "sodas", T0, &id2), CH_OK);
    assert_int_equal(id2, id1);
    assert_int_equal(store_brand_put(st, "Fizz", NULL, NULL, T0, NULL), CH_OK);
    assert_int_equal(store_brand_by_name(st, a, "Fizz", &b), CH_OK);
    assert_string_equal(b.category, "energy drinks");
    assert_string_equal(b.exclusive, "sodas");
    assert_int_equal(store_brand_by_name(st, a, "Pop", &b), CH_NOT_FOUND);
    assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM brands", NULL),
                     1);

    int64_t ag1 = 0, ag2 = 0;
    bool created = false;
    assert_int_equal(store_agency_get_or_create(st, "Loud", T0, &ag1, &created),
                     CH_OK);
    assert_true(created);
    assert_int_equal(store_agency_get_or_create(st, "loud", T0, &ag2, &created),
                     CH_OK);
    assert_false(created);
    assert_int_equal(ag2, ag1);
}

static void
campaigns_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    int64_t agency;
    bool created;
    assert_int_equal(
        store_agency_get_or_create(st, "Loud", T0, &agency, &created), CH_OK);
    struct campaign in = {
        .slug = "summer", .title = NULL, .brand_id = b.brand,
        .agency_id = agency, .from_day = 20789, .to_day = 20818,
        .zone = "Asia/Kolkata", .need = 5,
        .review_mode = REVIEW_BRAND_ONLY, .created_at = T0 + 1,
    };
    int64_t id;
    assert_int_equal(store_campaign_insert(st, &in, b.carol, &id), CH_OK);
    assert_true(id != b.campaign);
    int64_t dup;
    assert_int_equal(store_campaign_insert(st, &in, b.carol, &dup),
                     CH_CONFLICT);

    struct campaign cp;
    assert_int_equal(store_campaign_get(st, a, id, &cp), CH_OK);
    assert_string_equal(cp.slug, "summer");
    assert_null(cp.title);
    assert_int_equal(cp.brand_id, b.brand);
    assert_string_equal(cp.brand, "Fizz");
    assert_string_equal(cp.brand_category, "energy drinks");
    assert_int_equal(cp.agency_id, agency);
    assert_string_equal(cp.agency, "Loud");
    assert_int_equal(cp.state, CAMPAIGN_DRAFT);
    /* The window is dates (2026-12-02 to 2026-12-31) in its zone; the
     * instants are where those days start and end there. */
    assert_int_equal(cp.from_day, 20789);
    assert_int_equal(cp.to_day, 20818);
    assert_string_equal(cp.zone, "Asia/Kolkata");
    assert_int_equal(cp.starts_at, T0 + 10 * HOUR + 30 * 60000);
    assert_int_equal(cp.ends_at, T0 + 30 * 24 * HOUR + 10 * HOUR +
                                     30 * 60000 - 1);
    assert_int_equal(cp.need, 5);
    assert_int_equal(cp.review_mode, REVIEW_BRAND_ONLY);
    assert_int_equal(cp.brief_version, 1);
    assert_true(cp.kicked_off_at == INT64_MIN);
    assert_int_equal(cp.created_at, T0 + 1);

    /* The other one: no agency, no window, no need. */
    assert_int_equal(store_campaign_by_slug(st, a, "spring-launch", &cp),
                     CH_OK);
    assert_int_equal(cp.id, b.campaign);
    assert_string_equal(cp.title, "Spring Launch");
    assert_int_equal(cp.agency_id, 0);
    assert_null(cp.agency);
    assert_true(cp.starts_at == INT64_MIN);
    assert_int_equal(cp.from_day, 0);
    assert_int_equal(cp.need, 0);
    assert_int_equal(cp.review_mode, REVIEW_TWO_STAGE);
    assert_int_equal(store_campaign_by_slug(st, a, "Spring-Launch", &cp),
                     CH_NOT_FOUND);

    char **slugs;
    size_t n;
    assert_int_equal(store_campaign_slugs(st, a, &slugs, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(slugs[0], "summer");          /* newest first */
    assert_string_equal(slugs[1], "spring-launch");

    assert_int_equal(store_campaign_kickoff(st, id, T0 + HOUR), CH_OK);
    assert_int_equal(store_campaign_get(st, a, id, &cp), CH_OK);
    assert_int_equal(cp.state, CAMPAIGN_ACTIVE);
    assert_int_equal(cp.kicked_off_at, T0 + HOUR);
    /* Only a draft kicks off. */
    assert_int_equal(store_campaign_kickoff(st, id, T0 + 2 * HOUR),
                     CH_CONFLICT);
    assert_int_equal(store_campaign_get(st, a, id, &cp), CH_OK);
    assert_int_equal(cp.kicked_off_at, T0 + HOUR);

    /* Campaigns of a person: where they take part, not closed. */
    assert_int_equal(
        store_participant_put(st, id, b.bob, ROLE_CREATOR, "core", T0), CH_OK);
    struct campaign *list;
    assert_int_equal(store_campaign_list_for(st, a, b.bob, &list, &n), CH_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].slug, "summer");
    assert_int_equal(store_campaign_list_for(st, a, 0, &list, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_string_equal(list[0].slug, "summer");
    exec_ok(store_db(st), "UPDATE campaigns SET state = 'closed' "
                          "WHERE slug = 'summer'");
    assert_int_equal(store_campaign_list_for(st, a, b.bob, &list, &n), CH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_campaign_list_for(st, a, 0, &list, &n), CH_OK);
    assert_int_equal(n, 1);
}

static void
briefs_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    struct brief v1 = { .version = 1 };
    v1.field[BRIEF_DISCLOSURE] = "#ad";
    assert_int_equal(
        store_brief_put(st, b.campaign, &v1, NULL, b.carol, T0, false), CH_OK);
    struct brief v2 = v1;
    v2.version = 2;
    v2.field[BRIEF_STORY] = "Mornings";
    v2.field[BRIEF_MUST_AVOID] = "rivals\nsugar";
    assert_int_equal(
        store_brief_put(st, b.campaign, &v2, "story", b.carol, T0 + 1, false),
        CH_OK);
    /* A version is written once. */
    assert_int_equal(
        store_brief_put(st, b.campaign, &v2, "story", b.carol, T0 + 2, false),
        CH_CONFLICT);

    struct campaign cp;
    assert_int_equal(store_campaign_get(st, a, b.campaign, &cp), CH_OK);
    assert_int_equal(cp.brief_version, 2);
    struct brief got;
    assert_int_equal(store_brief_get(st, a, b.campaign, 1, &got), CH_OK);
    assert_int_equal(got.version, 1);
    assert_null(got.field[BRIEF_STORY]);
    assert_string_equal(got.field[BRIEF_DISCLOSURE], "#ad");
    assert_true(got.locked_at == INT64_MIN);
    assert_int_equal(store_brief_get(st, a, b.campaign, 2, &got), CH_OK);
    assert_string_equal(got.field[BRIEF_STORY], "Mornings");
    assert_string_equal(got.field[BRIEF_MUST_AVOID], "rivals\nsugar");
    assert_null(got.field[BRIEF_AUDIENCE]);
    assert_int_equal(store_brief_get(st, a, b.campaign, 3, &got), CH_NOT_FOUND);

    assert_int_equal(store_brief_lock(st, b.campaign, 2, T0 + 5), CH_OK);
    /* Locking again keeps the first time. */
    assert_int_equal(store_brief_lock(st, b.campaign, 2, T0 + 9), CH_OK);
    assert_int_equal(store_brief_get(st, a, b.campaign, 2, &got), CH_OK);
    assert_int_equal(got.locked_at, T0 + 5);
    assert_string_equal(q_text(store_db(st), "SELECT changed_field FROM "
                                             "brief_versions WHERE version "
                                             "= 2", NULL), "story");

    /* A version written after kickoff is locked when written. */
    struct brief v3 = v2;
    v3.version = 3;
    assert_int_equal(
        store_brief_put(st, b.campaign, &v3, "story", b.brenda, T0 + 7, true),
        CH_OK);
    assert_int_equal(store_brief_get(st, a, b.campaign, 3, &got), CH_OK);
    assert_int_equal(got.locked_at, T0 + 7);
}

static void
participants_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    int64_t alice, zed;
    assert_int_equal(store_people_create(st, "alice", T0, &alice), CH_OK);
    assert_int_equal(store_people_create(st, "Aaron", T0, &zed), CH_OK);
    assert_int_equal(store_participant_put(st, b.campaign, b.carol,
                                           ROLE_COORDINATOR, NULL, T0),
                     CH_OK);
    assert_int_equal(
        store_participant_put(st, b.campaign, b.bob, ROLE_CREATOR, "core", T0),
        CH_OK);
    assert_int_equal(
        store_participant_put(st, b.campaign, zed, ROLE_CREATOR, "flex", T0),
        CH_OK);
    assert_int_equal(
        store_participant_put(st, b.campaign, b.brenda, ROLE_BRAND, NULL, T0),
        CH_OK);
    assert_int_equal(
        store_participant_put(st, b.campaign, alice, ROLE_AGENCY, NULL, T0),
        CH_OK);

    char *tier = (char *)"unset";
    assert_int_equal(store_participant_role_in(st, b.campaign, b.bob, &tier, a),
                     ROLE_CREATOR);
    assert_string_equal(tier, "core");
    assert_int_equal(
        store_participant_role_in(st, b.campaign, b.carol, &tier, a),
        ROLE_COORDINATOR);
    assert_null(tier);
    assert_int_equal(
        store_participant_role_in(st, b.campaign + 1, b.carol, NULL, a), 0);

    /* Brand, agency, coordinator, then creators by name. */
    struct participant *ps;
    size_t n;
    assert_int_equal(store_participant_list(st, a, b.campaign,
                                            ROLE_ANY_PARTICIPANT, &ps, &n),
                     CH_OK);
    assert_int_equal(n, 5);
    assert_string_equal(ps[0].name, "brenda");
    assert_int_equal(ps[0].role, ROLE_BRAND);
    assert_string_equal(ps[1].name, "alice");
    assert_string_equal(ps[2].name, "carol");
    assert_string_equal(ps[3].name, "Aaron");
    assert_string_equal(ps[3].tier, "flex");
    assert_string_equal(ps[4].name, "bob");
    assert_int_equal(store_participant_list(st, a, b.campaign,
                                            ROLE_BRAND | ROLE_COORDINATOR, &ps,
                                            &n),
                     CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ps[0].person_id, b.brenda);
    assert_int_equal(ps[1].person_id, b.carol);

    /* A second campaign: roles anywhere are the union. */
    struct campaign cp2 = { .slug = "summer", .brand_id = b.brand,
                            .starts_at = INT64_MIN, .ends_at = INT64_MIN,
                            .created_at = T0 };
    int64_t c2;
    assert_int_equal(store_campaign_insert(st, &cp2, b.carol, &c2), CH_OK);
    assert_int_equal(
        store_participant_put(st, c2, b.bob, ROLE_AGENCY, NULL, T0), CH_OK);
    assert_int_equal(store_participant_roles_anywhere(st, b.bob),
                     ROLE_CREATOR | ROLE_AGENCY);
    assert_int_equal(store_participant_roles_anywhere(st, 999), 0);

    /* A new role replaces the old one. */
    assert_int_equal(store_participant_put(st, b.campaign, b.bob,
                                           ROLE_COORDINATOR, NULL, T0 + 1),
                     CH_OK);
    assert_int_equal(store_participant_role_in(st, b.campaign, b.bob, &tier, a),
                     ROLE_COORDINATOR);
    assert_null(tier);

    /* Removal keeps the row, stamped; a second removal finds nothing. */
    assert_int_equal(store_participant_remove(st, b.campaign, b.bob, T0 + 2),
                     CH_OK);
    assert_int_equal(store_participant_role_in(st, b.campaign, b.bob, NULL, a),
                     0);
    assert_int_equal(store_participant_remove(st, b.campaign, b.bob, T0 + 3),
                     CH_NOT_FOUND);
    assert_int_equal(q_int(store_db(st), "SELECT removed_at FROM "
                                         "participants WHERE person_id = 2 "
                                         "AND campaign_id = 1", NULL),
                     T0 + 2);
    assert_int_equal(store_participant_roles_anywhere(st, b.bob), ROLE_AGENCY);
    /* Coming back clears the removal and restarts added_at. */
    assert_int_equal(store_participant_put(st, b.campaign, b.bob, ROLE_CREATOR,
                                           "flex", T0 + 4),
                     CH_OK);
    assert_int_equal(store_participant_role_in(st, b.campaign, b.bob, &tier, a),
                     ROLE_CREATOR);
    assert_string_equal(tier, "flex");
    assert_int_equal(q_int(store_db(st), "SELECT added_at FROM participants "
                                         "WHERE person_id = 2 AND "
                                         "campaign_id = 1", NULL), T0 + 4);
    assert_int_equal(
        store_participant_put(st, b.campaign, b.bob, ROLE_CREATOR, "gold", T0),
        CH_CONFLICT);
}

static void
deliverables_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    struct campaign cp2 = { .slug = "summer", .brand_id = b.brand,
                            .starts_at = INT64_MIN, .ends_at = INT64_MIN,
                            .created_at = T0 };
    int64_t c2;
    assert_int_equal(store_campaign_insert(st, &cp2, b.carol, &c2), CH_OK);

    struct deliverable d1 = {
        .campaign_id = b.campaign, .creator_id = b.bob, .title = "Reel",
        .platform = "tiktok", .draft_due = T0 + 24 * HOUR,
        .publish_at = T0 + 48 * HOUR, .fee_cents = 50000, .currency = "EUR",
    };
    struct deliverable d2 = {
        .campaign_id = b.campaign, .creator_id = b.carol, .title = "Post",
        .draft_due = T0 + HOUR, .publish_at = T0 + 2 * HOUR,
        .fee_cents = INT64_MIN,
    };
    struct deliverable d3 = {
        .campaign_id = c2, .creator_id = b.bob, .title = "Other",
        .draft_due = T0 + HOUR, .publish_at = T0 + 2 * HOUR,
        .fee_cents = INT64_MIN,
    };
    assert_int_equal(store_deliverable_insert(st, &d1, T0), CH_OK);
    assert_int_equal(store_deliverable_insert(st, &d2, T0), CH_OK);
    assert_int_equal(store_deliverable_insert(st, &d3, T0), CH_OK);
    /* Numbers count per campaign. */
    assert_int_equal(d1.number, 1);
    assert_int_equal(d2.number, 2);
    assert_int_equal(d3.number, 1);
    assert_true(d1.id > 0 && d2.id > d1.id && d3.id > d2.id);

    struct deliverable got;
    assert_int_equal(store_deliverable_get(st, a, b.campaign, 1, &got), CH_OK);
    assert_int_equal(got.id, d1.id);
    assert_string_equal(got.slug, "spring-launch");
    assert_string_equal(got.creator, "bob");
    assert_string_equal(got.title, "Reel");
    assert_string_equal(got.platform, "tiktok");
    assert_int_equal(got.draft_due, T0 + 24 * HOUR);
    assert_int_equal(got.publish_at, T0 + 48 * HOUR);
    assert_int_equal(got.state, DELIV_PLANNED);
    assert_int_equal(got.stage, STAGE_NONE);
    assert_int_equal(got.fee_cents, 50000);
    assert_string_equal(got.currency, "EUR");
    assert_int_equal(got.rounds, 0);
    assert_int_equal(store_deliverable_by_id(st, a, d2.id, &got), CH_OK);
    assert_int_equal(got.number, 2);
    assert_null(got.platform);
    assert_true(got.fee_cents == INT64_MIN);
    assert_null(got.currency);
    assert_int_equal(store_deliverable_get(st, a, b.campaign, 3, &got),
                     CH_NOT_FOUND);

    got = d1;
    got.state = DELIV_SUBMITTED;
    got.stage = STAGE_BRAND;
    got.rounds = 2;
    got.draft_due = T0 + 3 * HOUR;
    got.publish_at = T0 + 4 * HOUR;
    assert_int_equal(store_deliverable_update(st, &got, T0 + 9), CH_OK);
    assert_int_equal(store_deliverable_by_id(st, a, d1.id, &got), CH_OK);
    assert_int_equal(got.state, DELIV_SUBMITTED);
    assert_int_equal(got.stage, STAGE_BRAND);
    assert_int_equal(got.rounds, 2);
    assert_int_equal(got.draft_due, T0 + 3 * HOUR);
    assert_int_equal(got.publish_at, T0 + 4 * HOUR);
    assert_string_equal(q_text(store_db(st), "SELECT review_stage FROM "
                                             "deliverables WHERE id = 1",
                               NULL), "brand");
    assert_int_equal(q_int(store_db(st), "SELECT updated_at FROM "
                                         "deliverables WHERE id = 1", NULL),
                     T0 + 9);

    struct deliverable *list;
    size_t n;
    assert_int_equal(store_deliverable_list(st, a, b.campaign, 0, &list, &n),
                     CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_deliverable_list(st, a, 0, b.bob, &list, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].campaign_id, b.campaign);
    assert_int_equal(list[1].campaign_id, c2);
    assert_int_equal(store_deliverable_list(st, a, c2, b.carol, &list, &n),
                     CH_OK);
    assert_int_equal(n, 0);

    /* Submissions: rounds, the latest, one row per round. */
    int64_t s1, s2;
    int round = -1;
    assert_int_equal(
        store_submission_latest(st, a, d1.id, NULL, &round, NULL, NULL),
        CH_NOT_FOUND);
    assert_int_equal(round, 0);
    assert_int_equal(store_submission_insert(st, d1.id, 1, "https://x/1",
                                             "caption", b.bob, T0 + 1, &s1),
                     CH_OK);
    assert_int_equal(store_submission_insert(st, d1.id, 2, "https://x/2", NULL,
                                             b.carol, T0 + 2, &s2),
                     CH_OK);
    assert_int_equal(store_submission_insert(st, d1.id, 2, "https://x/3", NULL,
                                             b.bob, T0 + 3, NULL),
                     CH_CONFLICT);
    int64_t sid;
    char *link;
    int64_t at;
    assert_int_equal(
        store_submission_latest(st, a, d1.id, &sid, &round, &link, &at), CH_OK);
    assert_int_equal(sid, s2);
    assert_int_equal(round, 2);
    assert_string_equal(link, "https://x/2");
    assert_int_equal(at, T0 + 2);

    struct review_record r = {
        .deliverable_id = d1.id, .submission_id = s2, .reviewer_id = b.carol,
        .stage = STAGE_REVIEW, .decision = "changes", .visible = false,
        .message = true, .engagement = false, .reason = "too dark",
    };
    assert_int_equal(store_submission_review_insert(st, &r, T0 + 5), CH_OK);
    sqlite3 *db = store_db(st);
    assert_string_equal(q_text(db, "SELECT stage || ' ' || decision || ' ' "
                                   "|| visible || message || engagement || "
                                   "' ' || reason FROM reviews", NULL),
                        "review changes 010 too dark");
    r.decision = "maybe";
    assert_int_equal(store_submission_review_insert(st, &r, T0 + 6),
                     CH_CONFLICT);
}

static void
escalations_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    struct escalation e1 = {
        .campaign_id = b.campaign, .reason = "silent for 3 days",
        .opened_by = b.carol, .opened_at = T0, .level_since = T0,
    };
    struct escalation e2 = {
        .campaign_id = b.campaign, .reason = "guard", .opened_at = T0 + 1,
        .level_since = T0 + 1,
    };
    assert_int_equal(store_escalation_insert(st, &e1), CH_OK);
    assert_int_equal(store_escalation_insert(st, &e2), CH_OK);
    assert_int_equal(e1.id, 1);
    assert_int_equal(e2.id, 2);

    struct escalation got;
    assert_int_equal(store_escalation_get(st, a, e1.id, &got), CH_OK);
    assert_string_equal(got.reason, "silent for 3 days");
    assert_int_equal(got.opened_by, b.carol);
    assert_int_equal(got.deliverable_id, 0);
    assert_int_equal(got.level, 0);
    assert_int_equal(got.cycle, 0);
    assert_int_equal(got.state, ESC_OPEN);
    assert_int_equal(store_escalation_get(st, a, e2.id, &got), CH_OK);
    assert_int_equal(got.opened_by, 0);   /* chorus itself */
    assert_int_equal(store_escalation_get(st, a, 3, &got), CH_NOT_FOUND);

    assert_int_equal(store_escalation_set_level(st, e1.id, 2, 1, T0 + HOUR),
                     CH_OK);
    assert_int_equal(store_escalation_get(st, a, e1.id, &got), CH_OK);
    assert_int_equal(got.level, 2);
    assert_int_equal(got.cycle, 1);
    assert_int_equal(got.level_since, T0 + HOUR);

    assert_int_equal(
        store_escalation_ack(st, e1.id, b.brenda, "on it", T0 + 2 * HOUR),
        CH_OK);
    assert_int_equal(
        store_escalation_ack(st, e1.id, b.carol, NULL, T0 + 3 * HOUR),
        CH_CONFLICT);
    assert_int_equal(store_escalation_get(st, a, e1.id, &got), CH_OK);
    assert_int_equal(got.state, ESC_ACKNOWLEDGED);
    assert_int_equal(got.acked_by, b.brenda);
    assert_string_equal(got.ack_note, "on it");
    /* An acknowledged escalation no longer climbs. */
    assert_int_equal(store_escalation_set_level(st, e1.id, 3, 1, T0), CH_OK);
    assert_int_equal(store_escalation_get(st, a, e1.id, &got), CH_OK);
    assert_int_equal(got.level, 2);

    struct escalation *open;
    size_t n;
    assert_int_equal(store_escalation_list_open(st, a, b.campaign, &open, &n),
                     CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        store_escalation_resolve(st, e1.id, b.brenda, "done", T0 + 4 * HOUR),
        CH_OK);
    assert_int_equal(
        store_escalation_resolve(st, e1.id, b.brenda, "again", T0 + 5 * HOUR),
        CH_CONFLICT);
    assert_int_equal(store_escalation_get(st, a, e1.id, &got), CH_OK);
    assert_int_equal(got.state, ESC_RESOLVED);
    assert_string_equal(got.resolution, "done");
    assert_int_equal(store_escalation_list_open(st, a, b.campaign, &open, &n),
                     CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(open[0].id, e2.id);
    /* Resolving straight from open works too. */
    assert_int_equal(store_escalation_resolve(st, e2.id, b.carol, "fixed", T0),
                     CH_OK);
    assert_int_equal(store_escalation_list_open(st, a, b.campaign, &open, &n),
                     CH_OK);
    assert_int_equal(n, 0);
}

static void
audit_list_order_limit_total(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    static const char *const subjects[] = { "spring-launch", "spring-launch#1",
                                            "E1" };
    for (int i = 0; i < 7; i++)
        assert_int_equal(store_audit_add(st, T0 + i, i == 6 ? 0 : b.carol,
                                         i == 6 ? NULL : "fake:carol",
                                         b.campaign, subjects[i % 3], "act",
                                         i == 5 ? NULL : "d"),
                         CH_OK);
    /* A line for another campaign and one for none. */
    assert_int_equal(
        store_audit_add(st, T0, 0, "fake:zed", 0, NULL, "person.tz", "x"),
        CH_OK);
    struct audit_line *l;
    size_t n;
    int64_t total;
    assert_int_equal(
        store_audit_list(st, a, b.campaign, NULL, 3, &l, &n, &total), CH_OK);
    assert_int_equal(total, 7);
    assert_int_equal(n, 3);
    /* The last three, oldest first. */
    assert_int_equal(l[0].at, T0 + 4);
    assert_int_equal(l[1].at, T0 + 5);
    assert_int_equal(l[2].at, T0 + 6);
    assert_string_equal(l[0].actor, "carol");   /* the person's name */
    assert_null(l[1].detail);
    assert_string_equal(l[2].actor, "chorus");  /* no actor at all */
    assert_string_equal(l[0].subject, "spring-launch#1");

    assert_int_equal(store_audit_list(st, a, b.campaign, "spring-launch#1", 30,
                                      &l, &n, &total),
                     CH_OK);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    assert_int_equal(l[0].at, T0 + 1);
    assert_int_equal(l[1].at, T0 + 4);

    /* The actor's platform reference when the person is unknown. */
    int64_t none = 0;
    assert_int_equal(store_audit_add(st, T0 + 9, none, "slack:U9", b.campaign,
                                     "E1", "act", "d"),
                     CH_OK);
    assert_int_equal(
        store_audit_list(st, a, b.campaign, "E1", 1, &l, &n, &total), CH_OK);
    assert_int_equal(total, 3);
    assert_int_equal(n, 1);
    assert_string_equal(l[0].actor, "slack:U9");
}

static void
inbound_dedupe(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    assert_int_equal(store_inbound_mark(st, "slack", "Ev1", T0), CH_OK);
    assert_int_equal(store_inbound_mark(st, "slack", "Ev1", T0 + 1),
                     CH_DUPLICATE);
    /* Ids are per platform. */
    assert_int_equal(store_inbound_mark(st, "discord", "Ev1", T0), CH_OK);
    assert_int_equal(store_inbound_mark(st, "slack", "Ev2", T0), CH_OK);
    assert_int_equal(q_int(store_db(st), "SELECT received_at FROM inbound "
                                         "WHERE platform = 'slack' AND "
                                         "event_id = 'Ev1'", NULL), T0);
}

static void
outbox_lifecycle(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    sqlite3 *db = store_db(st);
    struct outbox_row post = {
        .platform = "fake", .kind = "post", .campaign_id = b.campaign,
        .text = "hello", .buttons = "Approve\tapprove x\tprimary\t\n",
    };
    struct outbox_row dm = {
        .platform = "fake", .kind = "dm", .person_id = b.bob,
        .user_ref = "bob", .text = "psst",
    };
    struct outbox_row other = {
        .platform = "slack", .kind = "reply", .channel_ref = "C1",
        .user_ref = "U1", .text = "elsewhere",
    };
    int64_t p_id, d_id, o_id;
    assert_int_equal(store_outbox_insert(st, &post, T0, &p_id), CH_OK);
    assert_int_equal(store_outbox_insert(st, &dm, T0, &d_id), CH_OK);
    assert_int_equal(store_outbox_insert(st, &other, T0, &o_id), CH_OK);
    struct outbox_row bad = { .platform = "fake", .kind = "smoke" };
    assert_int_equal(store_outbox_insert(st, &bad, T0, NULL), CH_CONFLICT);

    struct outbox_row *rows;
    size_t n;
    assert_int_equal(store_outbox_pending(st, a, "fake", T0, 0, 10, &rows, &n),
                     CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, p_id);
    assert_int_equal(rows[1].id, d_id);
    assert_string_equal(rows[0].kind, "post");
    assert_int_equal(rows[0].campaign_id, b.campaign);
    assert_string_equal(rows[0].buttons, "Approve\tapprove x\tprimary\t\n");
    assert_string_equal(rows[1].user_ref, "bob");
    assert_int_equal(rows[1].person_id, b.bob);
    assert_int_equal(rows[1].attempts, 0);
    /* after_id and limit. */
    assert_int_equal(
        store_outbox_pending(st, a, "fake", T0, p_id, 10, &rows, &n), CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, d_id);
    assert_int_equal(store_outbox_pending(st, a, "fake", T0, 0, 1, &rows, &n),
                     CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, p_id);

    /* Sent: gone from pending, found by its platform reference. */
    struct outbox_row was;
    assert_int_equal(store_outbox_sent(st, a, p_id, "fake-m1", T0 + 1, &was),
                     CH_OK);
    assert_string_equal(was.platform, "fake");
    assert_string_equal(was.kind, "post");
    assert_int_equal(was.campaign_id, b.campaign);
    /* Sent is final: a second report finds nothing pending. */
    assert_int_equal(store_outbox_sent(st, a, p_id, "fake-m2", T0 + 2, &was),
                     CH_NOT_FOUND);
    struct outbox_row r;
    assert_int_equal(store_outbox_get(st, a, p_id, &r), CH_OK);
    assert_string_equal(r.platform_ref, "fake-m1");
    assert_int_equal(r.attempts, 1);
    assert_string_equal(q_text(db, "SELECT state FROM outbox WHERE id = 1",
                               NULL), "sent");
    assert_int_equal(store_outbox_by_platform_ref(st, a, "fake", "fake-m1", &r),
                     CH_OK);
    assert_int_equal(r.id, p_id);
    assert_int_equal(
        store_outbox_by_platform_ref(st, a, "slack", "fake-m1", &r),
        CH_NOT_FOUND);
    /* A sent row is final: neither retried nor failed afterwards. */
    assert_int_equal(store_outbox_failed(st, p_id, "late"), CH_OK);
    assert_string_equal(q_text(db, "SELECT state FROM outbox WHERE id = 1",
                               NULL), "sent");

    /* An update of the post, coalesced while untried. */
    struct outbox_row upd = { .platform = "fake", .kind = "update",
                              .campaign_id = b.campaign, .ref_id = p_id,
                              .text = "v2" };
    int64_t u_id;
    assert_int_equal(store_outbox_insert(st, &upd, T0, &u_id), CH_OK);
    assert_int_equal(store_outbox_pending_update(st, p_id), u_id);
    assert_int_equal(store_outbox_pending_update(st, d_id), 0);
    assert_int_equal(store_outbox_set_text(st, u_id, "v3"), CH_OK);
    assert_int_equal(store_outbox_get(st, a, u_id, &r), CH_OK);
    assert_string_equal(r.text, "v3");
    assert_int_equal(r.ref_id, p_id);
    assert_string_equal(r.ref_platform_ref, "fake-m1");
    assert_string_equal(r.ref_state, "sent");

    /* Retry: attempts counted, not due before not_before. */
    assert_int_equal(store_outbox_next_retry(st, T0), INT64_MAX);
    assert_int_equal(store_outbox_retry(st, u_id, T0 + 5000, "503"), CH_OK);
    assert_int_equal(store_outbox_get(st, a, u_id, &r), CH_OK);
    assert_int_equal(r.attempts, 1);
    assert_string_equal(q_text(db, "SELECT last_error FROM outbox WHERE "
                                   "kind = 'update'", NULL), "503");
    /* Tried once: a newer text becomes a new row, not a silent edit. */
    assert_int_equal(store_outbox_pending_update(st, p_id), 0);
    assert_int_equal(store_outbox_next_retry(st, T0), T0 + 5000);
    assert_int_equal(
        store_outbox_pending(st, a, "fake", T0 + 4999, 0, 10, &rows, &n),
        CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, d_id);
    assert_int_equal(
        store_outbox_pending(st, a, "fake", T0 + 5000, 0, 10, &rows, &n),
        CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[1].id, u_id);

    /* Failed: final, never pending again, no retry time. */
    assert_int_equal(store_outbox_failed(st, u_id, "400"), CH_OK);
    assert_int_equal(store_outbox_next_retry(st, T0), INT64_MAX);
    assert_int_equal(
        store_outbox_pending(st, a, "fake", T0 + 99999, 0, 10, &rows, &n),
        CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].id, d_id);
    assert_int_equal(store_outbox_get(st, a, u_id, &r), CH_OK);
    assert_int_equal(r.attempts, 2);
    assert_string_equal(q_text(db, "SELECT state || ' ' || last_error FROM "
                                   "outbox WHERE kind = 'update'", NULL),
                        "failed 400");
    assert_int_equal(store_outbox_get(st, a, 999, &r), CH_NOT_FOUND);
}

/* SQLite VM instructions, in units of 100, a call of fn costs: a query
 * that reads every pending row shows up as growing with the backlog. */
static int
count_ops(void *arg)
{
    (*(int64_t *)arg)++;
    return 0;
}

static int64_t
ops_of(struct store *st, struct arena *a,
       int64_t (*fn)(struct store *, struct arena *))
{
    int64_t ops = 0;
    sqlite3_progress_handler(store_db(st), 100, count_ops, &ops);
    fn(st, a);
    sqlite3_progress_handler(store_db(st), 0, NULL, NULL);
    return ops;
}

static int64_t
next_retry_at_t0(struct store *st, struct arena *a)
{
    (void)a;
    return store_outbox_next_retry(st, T0);
}

static int64_t
first_pending_page(struct store *st, struct arena *a)
{
    arena_reset(a);
    struct outbox_row *rows;
    size_t n = 0;
    store_outbox_pending(st, a, "fake", T0, 0, 8, &rows, &n);
    return (int64_t)n;
}

/* The queries run after every flush cost the same with 20 pending rows
 * as with 20 000 (the backlog while a platform paces its posts). */
static void
outbox_queries_do_not_grow_with_backlog(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct outbox_row row = { .platform = "fake", .kind = "dm",
                              .user_ref = "bob", .text = "psst" };
    int64_t small_retry = 0, small_page = 0;
    for (int i = 1; i <= 20000; i++) {
        int64_t id;
        assert_int_equal(store_outbox_insert(st, &row, T0, &id), CH_OK);
        if (i % 10 == 0)    /* some wait for a retry later */
            assert_int_equal(store_outbox_retry(st, id, T0 + i, "429"), CH_OK);
        if (i == 20) {
            small_retry = ops_of(st, t->a, next_retry_at_t0);
            small_page = ops_of(st, t->a, first_pending_page);
        }
    }
    assert_int_equal(next_retry_at_t0(st, t->a), T0 + 10);
    assert_int_equal(first_pending_page(st, t->a), 8);
    int64_t big_retry = ops_of(st, t->a, next_retry_at_t0);
    int64_t big_page = ops_of(st, t->a, first_pending_page);
    if (big_retry > small_retry + 2 || big_page > small_page + 2)
        fail_msg("work grew with the backlog: next retry %lld -> %lld, "
                 "a page %lld -> %lld (x100 VM steps)",
                 (long long)small_retry, (long long)big_retry,
                 (long long)small_page, (long long)big_page);
}

static void
channels_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    int64_t *ids;
    size_t n;
    assert_int_equal(store_channel_missing(st, a, "fake", &ids, &n), CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], b.campaign);

    assert_int_equal(
        store_channel_insert(st, b.campaign, "fake", "spring-launch"), CH_OK);
    /* A second insert keeps the first row. */
    assert_int_equal(store_channel_insert(st, b.campaign, "fake", "other"),
                     CH_OK);
    struct channel_row ch;
    assert_int_equal(store_channel_get(st, a, b.campaign, "fake", &ch), CH_OK);
    assert_string_equal(ch.name, "spring-launch");
    assert_null(ch.channel_id);
    /* The campaign's place: slug and channel, asked for, not created. */
    struct campaign_place place;
    assert_int_equal(store_channel_place(st, a, b.campaign, "fake", &place),
                     CH_OK);
    assert_string_equal(place.slug, "spring-launch");
    assert_true(place.has_channel);
    assert_null(place.channel_id);
    assert_string_equal(place.channel_name, "spring-launch");
    assert_int_equal(store_channel_place(st, a, b.campaign, "slack", &place),
                     CH_OK);
    assert_string_equal(place.slug, "spring-launch");
    assert_false(place.has_channel);
    assert_null(place.channel_name);
    assert_int_equal(store_channel_place(st, a, 999, "fake", &place),
                     CH_NOT_FOUND);
    assert_int_equal(ch.brief_msg, 0);
    assert_int_equal(ch.status_msg, 0);
    assert_int_equal(store_channel_get(st, a, b.campaign, "slack", &ch),
                     CH_NOT_FOUND);
    assert_int_equal(store_channel_missing(st, a, "fake", &ids, &n), CH_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_channel_missing(st, a, "slack", &ids, &n), CH_OK);
    assert_int_equal(n, 1);

    struct campaign cp;
    assert_int_equal(store_campaign_by_channel(st, a, "fake", "C42", &cp),
                     CH_NOT_FOUND);
    assert_int_equal(store_channel_set_id(st, b.campaign, "fake", "C42"),
                     CH_OK);
    assert_int_equal(store_channel_place(st, a, b.campaign, "fake", &place),
                     CH_OK);
    assert_string_equal(place.channel_id, "C42");
    assert_int_equal(store_campaign_by_channel(st, a, "fake", "C42", &cp),
                     CH_OK);
    assert_string_equal(cp.slug, "spring-launch");
    assert_int_equal(store_campaign_by_channel(st, a, "slack", "C42", &cp),
                     CH_NOT_FOUND);

    struct outbox_row o = { .platform = "fake", .kind = "post",
                            .campaign_id = b.campaign, .text = "x" };
    int64_t m1, m2;
    assert_int_equal(store_outbox_insert(st, &o, T0, &m1), CH_OK);
    assert_int_equal(store_outbox_insert(st, &o, T0, &m2), CH_OK);
    assert_int_equal(store_channel_set_msgs(st, b.campaign, "fake", m1, 0),
                     CH_OK);
    assert_int_equal(store_channel_set_msgs(st, b.campaign, "fake", 0, m2),
                     CH_OK);
    assert_int_equal(store_channel_get(st, a, b.campaign, "fake", &ch), CH_OK);
    assert_string_equal(ch.channel_id, "C42");
    assert_int_equal(ch.brief_msg, m1);
    assert_int_equal(ch.status_msg, m2);
    /* Closed campaigns get no channel on a new platform. */
    exec_ok(store_db(st), "UPDATE campaigns SET state = 'closed'");
    assert_int_equal(store_channel_missing(st, a, "slack", &ids, &n), CH_OK);
    assert_int_equal(n, 0);
}

static void
jobs_round_trip(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    struct escalation e = { .campaign_id = b.campaign, .reason = "r",
                            .opened_at = T0, .level_since = T0 };
    assert_int_equal(store_escalation_insert(st, &e), CH_OK);
    assert_int_equal(store_jobs_next_due(st), INT64_MAX);
    struct job j1 = { .due_at = T0 + 2 * HOUR, .kind = "escalation.step",
                      .campaign_id = b.campaign, .escalation_id = e.id };
    struct job j2 = { .due_at = T0 + HOUR, .kind = "other", .arg = "x" };
    struct job j3 = { .due_at = T0 + HOUR, .kind = "third" };
    int64_t id1, id2, id3;
    assert_int_equal(store_jobs_insert(st, &j1, T0, &id1), CH_OK);
    assert_int_equal(store_jobs_insert(st, &j2, T0, &id2), CH_OK);
    assert_int_equal(store_jobs_insert(st, &j3, T0, &id3), CH_OK);
    assert_int_equal(store_jobs_count(st), 3);
    assert_int_equal(store_jobs_next_due(st), T0 + HOUR);

    struct job got;
    assert_int_equal(store_jobs_next(st, a, T0 + HOUR - 1, &got), CH_NOT_FOUND);
    /* Earliest first; equal times by id. */
    assert_int_equal(store_jobs_next(st, a, T0 + 3 * HOUR, &got), CH_OK);
    assert_int_equal(got.id, id2);
    assert_string_equal(got.kind, "other");
    assert_string_equal(got.arg, "x");
    assert_int_equal(got.campaign_id, 0);
    assert_int_equal(store_jobs_delete(st, got.due_at, id2), CH_OK);
    assert_int_equal(store_jobs_next(st, a, T0 + 3 * HOUR, &got), CH_OK);
    assert_int_equal(got.id, id3);
    assert_int_equal(store_jobs_postpone(st, got.due_at, id3, T0 + 5 * HOUR),
                     CH_OK);
    assert_int_equal(store_jobs_next(st, a, T0 + 3 * HOUR, &got), CH_OK);
    assert_int_equal(got.id, id1);
    assert_int_equal(got.escalation_id, e.id);
    assert_int_equal(got.campaign_id, b.campaign);
    assert_int_equal(store_jobs_delete_escalation(st, e.id), CH_OK);
    assert_int_equal(store_jobs_count(st), 1);
    assert_int_equal(store_jobs_next_due(st), T0 + 5 * HOUR);
}

static void
hours_and_time_off(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    struct person p;
    assert_int_equal(store_people_get(st, a, b.bob, &p), CH_OK);
    assert_false(p.hours_set);
    assert_int_equal(store_people_set_hours(st, b.bob, 10 * 60, 19 * 60, 0x0f),
                     CH_OK);
    assert_int_equal(store_people_get(st, a, b.bob, &p), CH_OK);
    assert_true(p.hours_set);
    assert_int_equal(p.work_start, 600);
    assert_int_equal(p.work_end, 1140);
    assert_int_equal(p.work_days, 0x0f);

    int64_t day = 24 * HOUR;
    int64_t id1, id2;
    /* Two stretches: days 1-3 and 2-5 (overlapping), one for carol. */
    assert_int_equal(store_timeoff_add(st, b.bob, T0 + day, T0 + 3 * day,
                                       "trip", b.bob, T0, &id1),
                     CH_OK);
    assert_int_equal(store_timeoff_add(st, b.bob, T0 + 2 * day, T0 + 5 * day,
                                       NULL, b.carol, T0, &id2),
                     CH_OK);
    assert_int_equal(
        store_timeoff_add(st, b.carol, T0, T0 + 9 * day, NULL, 0, T0, NULL),
        CH_OK);
    assert_true(id2 > id1);
    /* An end before the start is refused by the schema. */
    assert_int_equal(
        store_timeoff_add(st, b.bob, T0 + day, T0, NULL, 0, T0, NULL),
        CH_CONFLICT);
    /* Covering: 0 outside, else the latest end of what covers t. */
    assert_int_equal(store_timeoff_covering(st, b.bob, T0), 0);
    assert_int_equal(store_timeoff_covering(st, b.bob, T0 + day), T0 + 3 * day);
    assert_int_equal(store_timeoff_covering(st, b.bob, T0 + 2 * day),
                     T0 + 5 * day);
    assert_int_equal(store_timeoff_covering(st, b.bob, T0 + 5 * day), 0);
    assert_int_equal(store_timeoff_next_start(st, b.bob, T0), T0 + day);
    assert_int_equal(store_timeoff_next_start(st, b.bob, T0 + day),
                     T0 + 2 * day);
    assert_int_equal(store_timeoff_next_start(st, b.bob, T0 + 2 * day),
                     INT64_MAX);

    int64_t *from, *to;
    char **notes;
    size_t n;
    assert_int_equal(
        store_timeoff_list(st, a, b.bob, T0, &from, &to, &notes, &n), CH_OK);
    assert_int_equal(n, 2);
    assert_int_equal(from[0], T0 + day);
    assert_int_equal(to[0], T0 + 3 * day);
    assert_string_equal(notes[0], "trip");
    assert_null(notes[1]);
    assert_int_equal(
        store_timeoff_list(st, a, b.bob, T0 + 4 * day, &from, &to, &notes, &n),
        CH_OK);
    assert_int_equal(n, 1);
    assert_int_equal(from[0], T0 + 2 * day);

    /* Back at day 2.5: both running stretches end then. */
    int ended = -1;
    int64_t back = T0 + 2 * day + 12 * HOUR;
    assert_int_equal(store_timeoff_end(st, b.bob, back, &ended), CH_OK);
    assert_int_equal(ended, 2);
    assert_int_equal(store_timeoff_covering(st, b.bob, back), 0);
    assert_int_equal(store_timeoff_covering(st, b.bob, back - 1), back);
    /* One not yet begun is kept. */
    assert_int_equal(store_timeoff_end(st, b.carol, T0 - 1, &ended), CH_OK);
    assert_int_equal(ended, 0);
    assert_int_equal(store_timeoff_covering(st, b.carol, T0), T0 + 9 * day);
}

static void
questions_settings_nudges(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    struct arena *a = t->a;
    struct base b;
    make_base(st, &b);
    struct question q = { .campaign_id = b.campaign, .asked_by = b.bob,
                          .text = "blue can?", .asked_at = T0 };
    assert_int_equal(store_question_insert(st, &q), CH_OK);
    assert_int_equal(q.id, 1);
    struct question got;
    assert_int_equal(store_question_get(st, a, 1, &got), CH_OK);
    assert_string_equal(got.text, "blue can?");
    assert_int_equal(got.asked_by, b.bob);
    assert_int_equal(got.answered_by, 0);
    assert_true(got.answered_at == INT64_MIN);
    assert_true(got.reminded_at == INT64_MIN);
    assert_int_equal(store_question_get(st, a, 2, &got), CH_NOT_FOUND);
    assert_int_equal(store_question_reminded(st, 1, T0 + 1), CH_OK);
    assert_int_equal(store_question_reminded(st, 1, T0 + 2), CH_OK);
    assert_int_equal(store_question_answer(st, 1, b.carol, "yes", T0 + 3),
                     CH_OK);
    assert_int_equal(store_question_answer(st, 1, b.brenda, "no", T0 + 4),
                     CH_CONFLICT);
    assert_int_equal(store_question_get(st, a, 1, &got), CH_OK);
    assert_int_equal(got.reminded_at, T0 + 1);   /* the first reminder */
    assert_int_equal(got.answered_by, b.carol);
    assert_int_equal(got.answered_at, T0 + 3);
    assert_string_equal(got.answer, "yes");

    /* Campaign settings: nothing stored means every default. */
    struct schedule_row r;
    assert_int_equal(store_schedule_row(st, a, b.campaign, &r), CH_OK);
    assert_null(r.before);
    assert_null(r.after);
    assert_int_equal(r.cap, 0);
    assert_true(r.guard == INT64_MIN && r.fix == INT64_MIN &&
                r.response == INT64_MIN && r.lead == INT64_MIN);
    r.before = "72h,24h";
    r.cap = 2;
    r.fix = 12 * HOUR;
    assert_int_equal(store_schedule_put(st, b.campaign, &r), CH_OK);
    r.after = "";
    r.lead = HOUR;
    assert_int_equal(store_schedule_put(st, b.campaign, &r), CH_OK);
    struct schedule_row back;
    assert_int_equal(store_schedule_row(st, a, b.campaign, &back), CH_OK);
    assert_string_equal(back.before, "72h,24h");
    assert_string_equal(back.after, "");
    assert_int_equal(back.cap, 2);
    assert_int_equal(back.fix, 12 * HOUR);
    assert_int_equal(back.lead, HOUR);
    assert_true(back.guard == INT64_MIN);
    assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM "
                                         "campaign_settings", NULL), 1);

    /* Nudges sent are counted per person and local day. */
    struct nudge_record nr = { .person_id = b.bob, .campaign_id = b.campaign,
                               .kind = "draft", .offset_ms = -4 * HOUR,
                               .due_at = T0, .sent_at = T0,
                               .local_day = "2026-12-01" };
    assert_int_equal(store_nudge_add(st, &nr), CH_OK);
    assert_int_equal(store_nudge_add(st, &nr), CH_OK);
    nr.local_day = "2026-12-02";
    assert_int_equal(store_nudge_add(st, &nr), CH_OK);
    nr.person_id = b.carol;
    assert_int_equal(store_nudge_add(st, &nr), CH_OK);
    assert_int_equal(store_nudge_count_on_day(st, b.bob, "2026-12-01"), 2);
    assert_int_equal(store_nudge_count_on_day(st, b.bob, "2026-12-02"), 1);
    assert_int_equal(store_nudge_count_on_day(st, b.bob, "2026-12-03"), 0);
}

/* A commit that leaves the WAL over its threshold is checkpointed by the
 * store's thread, which copies the rows into the database file. */
static void
checkpoints_on_their_thread(void **state)
{
    struct t *t = *state;
    t->st = open_store(t->path);
    sqlite3 *db = store_db(t->st);
    assert_int_equal(store_checkpoints(t->st), 0);
    exec_ok(db, "CREATE TABLE filler (x BLOB)");
    assert_int_equal(store_begin(t->st), CH_OK);
    exec_ok(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                "FROM n WHERE i < 1200) "
                "INSERT INTO filler SELECT randomblob(3000) FROM n");
    assert_int_equal(store_commit(t->st), CH_OK);
    for (int i = 0; i < 500 && store_checkpoints(t->st) == 0; i++)
        usleep(10 * 1000);
    assert_true(store_checkpoints(t->st) >= 1);
    FILE *f = fopen(t->path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    if (size < 1200L * 3000)
        fail_msg("database file is %ld bytes: the rows were not copied in",
                 size);
}

static void
transactions(void **state)
{
    struct t *t = *state;
    struct store *st = memory_store(t);
    assert_int_equal(store_begin(st), CH_OK);
    assert_true(store_in_txn(st));
    int64_t id;
    assert_int_equal(store_people_create(st, "ghost", T0, &id), CH_OK);
    store_rollback(st);
    assert_false(store_in_txn(st));
    assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM people",
                           NULL), 0);
    assert_int_equal(store_begin(st), CH_OK);
    assert_int_equal(store_people_create(st, "kept", T0, &id), CH_OK);
    /* Nesting is a bug the store refuses. */
    assert_int_equal(store_begin(st), CH_INTERNAL);
    assert_int_equal(store_commit(st), CH_OK);
    assert_int_equal(q_int(store_db(st), "SELECT count(*) FROM people",
                           NULL), 1);
    t->log_errors = 0;   /* the nested begin is logged, as it should be */
}

/* ---- durability and privacy of the file (issue 19) ---- */

/* FULL unless asked otherwise: an acknowledged commit survives a power
 * loss. */
static void
synchronous_full_by_default(void **state)
{
    struct t *t = *state;
    t->st = open_store(t->path);
    assert_int_equal(store_synchronous(t->st), 2);
    assert_int_equal(store_set_synchronous(t->st, false), CH_OK);
    assert_int_equal(store_synchronous(t->st), 1);
    store_close(t->st);
    t->st = open_store(t->path);        /* per connection: FULL again */
    assert_int_equal(store_synchronous(t->st), 2);
}

static mode_t
mode_of(const char *path, const char *suffix)
{
    char p[192];
    struct stat sb;
    snprintf(p, sizeof(p), "%s%s", path, suffix);
    if (stat(p, &sb) != 0)
        fail_msg("%s: %s", p, strerror(errno));
    return sb.st_mode & 0777;
}

/* A database made under a permissive umask, outside any state directory:
 * it and its WAL and shared-memory files are its owner's alone. */
static void
new_database_is_private(void **state)
{
    struct t *t = *state;
    mode_t old = umask(022);
    t->st = open_store(t->path);
    umask(old);
    sqlite3_stmt *s = store_stmt(t->st, "INSERT INTO counters (name, value)"
                                        " VALUES ('mode-test', 1)");
    assert_int_equal(store_exec(t->st, s), CH_OK);
    assert_int_equal(mode_of(t->path, ""), 0600);
    assert_int_equal(mode_of(t->path, "-wal"), 0600);
    assert_int_equal(mode_of(t->path, "-shm"), 0600);
}

/* A default VFS whose files lack shared memory (io_methods version 1),
 * as on a file system where SQLite cannot map the -shm file: WAL is
 * impossible there, and PRAGMA journal_mode=WAL answers "delete". */
static sqlite3_vfs *unix_vfs;
static sqlite3_io_methods noshm_methods;

static int
noshm_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
           int *out)
{
    (void)vfs;
    int rc = unix_vfs->xOpen(unix_vfs, name, f, flags, out);
    if (rc == SQLITE_OK && f->pMethods) {
        noshm_methods = *f->pMethods;
        noshm_methods.iVersion = 1;
        noshm_methods.xShmMap = NULL;
        f->pMethods = &noshm_methods;
    }
    return rc;
}

static void
journal_mode_other_than_wal_refused(void **state)
{
    struct t *t = *state;
    unix_vfs = sqlite3_vfs_find(NULL);
    assert_non_null(unix_vfs);
    sqlite3_vfs noshm = *unix_vfs;
    noshm.zName = "chorus-test-noshm";
    noshm.xOpen = noshm_open;
    assert_int_equal(sqlite3_vfs_register(&noshm, 1), SQLITE_OK);
    struct ch_error err = { .status = CH_OK };
    struct store *st = NULL;
    enum ch_status s = store_open(t->path, &st, &err);
    sqlite3_vfs_unregister(&noshm);
    sqlite3_vfs_register(unix_vfs, 1);
    assert_int_equal(s, CH_IO);
    assert_null(st);
    const char *want = "SQLite cannot use write-ahead logging there "
                       "(journal mode \"delete\")";
    if (strstr(err.user, want) == NULL)
        fail_msg("error \"%s\" lacks \"%s\"", err.user, want);
    /* Nothing was migrated in rollback mode. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    assert_int_equal(q_int(db, "PRAGMA user_version", NULL), 0);
    sqlite3_close(db);
    /* Where WAL works, the same file opens. */
    t->st = open_store(t->path);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(schema_from_empty_file),
        T(synchronous_full_by_default),
        T(new_database_is_private),
        T(journal_mode_other_than_wal_refused),
        T(schema_in_memory),
        T(reopen_is_idempotent),
        T(refuses_newer_schema),
        T(refuses_non_database),
        T(v1_snapshot_is_migration_1),
        T(migrate_v1_keeps_data),
        T(migrated_v1_schema_matches_fresh),
        T(hot_writes_build_no_scratch_table),
        T(migration_refuses_broken_foreign_keys),
        T(audit_is_append_only),
        T(foreign_keys_enforced),
        T(people_and_identities),
        T(brands_and_agencies),
        T(campaigns_round_trip),
        T(briefs_round_trip),
        T(participants_round_trip),
        T(deliverables_round_trip),
        T(escalations_round_trip),
        T(audit_list_order_limit_total),
        T(inbound_dedupe),
        T(outbox_lifecycle),
        T(outbox_queries_do_not_grow_with_backlog),
        T(channels_round_trip),
        T(jobs_round_trip),
        T(hours_and_time_off),
        T(questions_settings_nudges),
        T(transactions),
        T(checkpoints_on_their_thread),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
