#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "checkpointer.h"
#include "log.h"
#include "xmalloc.h"

/* Prepared statements keyed by the address of their SQL literal.  Open
 * addressing; the table only grows, to a few hundred entries at most. */
struct stmt_slot {
    const char   *sql;
    sqlite3_stmt *stmt;
};

struct store {
    sqlite3          *db;
    struct stmt_slot *slots;
    size_t            nslots;
    size_t            used;
    bool              in_txn;
    struct checkpointer *ckpt;   /* NULL: SQLite's automatic checkpoint */
    int               poked_at;     /* WAL pages at the last poke */
};

/* SQLite's own automatic checkpoint threshold, in WAL pages. */
#define CHECKPOINT_PAGES 1000

enum ch_status store_schema_migrate(struct store *st, struct ch_error *err);

struct sqlite3 *
store_db(struct store *st)
{
    return st->db;
}

enum ch_status
store_check(struct store *st, int rc, const char *what)
{
    switch (rc) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return CH_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        log_warn("store", "%s: database busy", what);
        return CH_BUSY;
    case SQLITE_CONSTRAINT:
        log_debug("store", "%s: %s", what, sqlite3_errmsg(st->db));
        return CH_CONFLICT;
    default:
        log_error("store", "%s: %s (%d)", what, sqlite3_errmsg(st->db), rc);
        return CH_INTERNAL;
    }
}

static size_t
slot_index(const char *sql, size_t nslots)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 7) & (nslots - 1);
}

static void
grow_slots(struct store *st)
{
    size_t n = st->nslots ? st->nslots * 2 : 256;
    struct stmt_slot *slots = xcalloc(n, sizeof(*slots));
    for (size_t i = 0; i < st->nslots; i++) {
        if (st->slots[i].sql == NULL)
            continue;
        size_t j = slot_index(st->slots[i].sql, n);
        while (slots[j].sql)
            j = (j + 1) & (n - 1);
        slots[j] = st->slots[i];
    }
    free(st->slots);
    st->slots = slots;
    st->nslots = n;
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
    if (st->used * 2 >= st->nslots)
        grow_slots(st);
    size_t i = slot_index(sql, st->nslots);
    while (st->slots[i].sql && st->slots[i].sql != sql)
        i = (i + 1) & (st->nslots - 1);
    if (st->slots[i].sql) {
        sqlite3_stmt *s = st->slots[i].stmt;
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                                &s, NULL);
    if (rc != SQLITE_OK) {
        /* Our SQL is fixed text: failing to prepare it is a bug. */
        log_error("store", "prepare failed: %s: %s", sqlite3_errmsg(st->db),
                  sql);
        abort();
    }
    st->slots[i].sql = sql;
    st->slots[i].stmt = s;
    st->used++;
    return s;
}

enum ch_status
store_exec(struct store *st, sqlite3_stmt *stmt)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    enum ch_status status = store_check(st, rc, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
    return status;
}

enum ch_status
store_row(struct store *st, struct arena *a, sqlite3_stmt *s,
          store_read_fn *read, void *row, const char *what)
{
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read(a, s, row);
    sqlite3_reset(s);
    return rc == SQLITE_ROW    ? CH_OK
           : rc == SQLITE_DONE ? CH_NOT_FOUND
                               : store_check(st, rc, what);
}

enum ch_status
store_rows(struct store *st, struct arena *a, sqlite3_stmt *s,
           store_read_fn *read, size_t elem_size, void **out, size_t *n,
           const char *what)
{
    size_t cap = 16, count = 0;
    char *list = arena_alloc(a, cap * elem_size);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (count == cap) {
            list = arena_grow(a, list, cap * elem_size, 2 * cap * elem_size);
            cap *= 2;
        }
        read(a, s, list + count * elem_size);
        count++;
    }
    sqlite3_reset(s);
    *out = list;
    *n = count;
    return store_check(st, rc, what);
}

int64_t
store_scalar(struct store *st, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        log_error("store", "query failed: %s", sqlite3_errmsg(st->db));
    sqlite3_reset(stmt);
    return v;
}

int64_t
store_last_id(struct store *st)
{
    return sqlite3_last_insert_rowid(st->db);
}

int
store_changes(struct store *st)
{
    return sqlite3_changes(st->db);
}

char *
store_col_text(struct arena *a, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    if (t == NULL)
        return NULL;
    return arena_strndup(a, (const char *)t,
                         (size_t)sqlite3_column_bytes(s, col));
}

int64_t
store_col_int(sqlite3_stmt *s, int col, int64_t if_null)
{
    if (sqlite3_column_type(s, col) == SQLITE_NULL)
        return if_null;
    return sqlite3_column_int64(s, col);
}

void
store_bind_text(sqlite3_stmt *s, int idx, const char *text)
{
    if (text)
        sqlite3_bind_text(s, idx, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, idx);
}

void
store_bind_int(sqlite3_stmt *s, int idx, int64_t v)
{
    if (v == INT64_MIN)
        sqlite3_bind_null(s, idx);
    else
        sqlite3_bind_int64(s, idx, v);
}

/* BEGIN, COMMIT, ROLLBACK: prepared once like every statement, since they
 * run several times per command. */
static enum ch_status
exec_txn(struct store *st, const char *sql)
{
    sqlite3_stmt *s = store_stmt(st, sql);
    int rc = s ? sqlite3_step(s) : SQLITE_ERROR;
    if (s)
        sqlite3_reset(s);
    if (rc != SQLITE_DONE) {
        log_error("store", "%s: %s", sql, sqlite3_errmsg(st->db));
        return rc == SQLITE_BUSY ? CH_BUSY : CH_INTERNAL;
    }
    return CH_OK;
}

static enum ch_status
begin(struct store *st, const char *sql)
{
    if (st->in_txn) {
        log_error("store", "nested transaction");
        return CH_INTERNAL;
    }
    enum ch_status s = exec_txn(st, sql);
    if (s == CH_OK)
        st->in_txn = true;
    return s;
}

enum ch_status
store_begin(struct store *st)
{
    /* IMMEDIATE takes the write lock up front, so a command never fails
     * half-way with SQLITE_BUSY on its first write. */
    return begin(st, "BEGIN IMMEDIATE");
}

enum ch_status
store_begin_read(struct store *st)
{
    return begin(st, "BEGIN");
}

enum ch_status
store_commit(struct store *st)
{
    enum ch_status s = exec_txn(st, "COMMIT");
    if (s == CH_OK)
        st->in_txn = false;
    else
        store_rollback(st);
    return s;
}

void
store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        exec_txn(st, "ROLLBACK");
    st->in_txn = false;
}

/* After each commit (sqlite3_wal_hook): a big WAL goes to the thread. */
static int
wal_grew(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)db;
    (void)name;
    struct store *st = arg;
    /* Once per quarter threshold of growth, not after every commit while
     * a checkpoint runs; a smaller WAL means it was reset. */
    if (pages < st->poked_at)
        st->poked_at = 0;
    if (pages >= CHECKPOINT_PAGES &&
        pages >= st->poked_at + CHECKPOINT_PAGES / 4) {
        st->poked_at = pages;
        checkpointer_poke(st->ckpt);
    }
    return SQLITE_OK;
}

unsigned long
store_checkpoints(struct store *st)
{
    return st->ckpt ? checkpointer_runs(st->ckpt) : 0;
}

int64_t
store_total_changes(struct store *st)
{
    return sqlite3_total_changes64(st->db);
}

bool
store_in_txn(struct store *st)
{
    return st->in_txn;
}

int
store_version(struct store *st)
{
    sqlite3_stmt *s = store_stmt(st, "PRAGMA user_version");
    int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_reset(s);
    return v;
}

/* The database file, made 0600 if it does not exist yet: it holds
 * people's names and work, whatever the umask and wherever it lives.
 * SQLite gives its -wal and -shm files the database's mode. */
static enum ch_status
create_private(const char *path, struct ch_error *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ELOOP)   /* a symlink: keep it, as SQLite does */
        return CH_OK;
    if (fd < 0)
        return ch_fail(err, CH_IO, "cannot open database %s: %s", path,
                       strerror(errno));
    close(fd);
    return CH_OK;
}

/* WAL, as asked, or an error: anything else (a file system without the
 * shared memory WAL needs) would run in rollback mode unnoticed, where a
 * backup blocks writers and durability rests on other rules. */
static enum ch_status
check_wal(struct store *st, const char *path, struct ch_error *err)
{
    sqlite3_stmt *s = NULL;
    char mode[16] = "";
    int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode=WAL", -1, &s,
                                NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *m = sqlite3_column_text(s, 0);
        snprintf(mode, sizeof(mode), "%s", m ? (const char *)m : "");
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK)
        return ch_fail(err, rc == SQLITE_NOTADB ? CH_INVALID : CH_IO,
                       "cannot use database %s: %s", path,
                       sqlite3_errmsg(st->db));
    if (strcmp(mode, "wal") != 0)
        return ch_fail(err, CH_IO,
                       "database %s: SQLite cannot use write-ahead logging "
                       "there (journal mode \"%s\"); put the database on a "
                       "local file system that supports it", path, mode);
    return CH_OK;
}

enum ch_status
store_set_synchronous(struct store *st, bool full)
{
    char *msg = NULL;
    int rc = sqlite3_exec(st->db, full ? "PRAGMA synchronous=FULL"
                                       : "PRAGMA synchronous=NORMAL",
                          NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        log_error("store", "PRAGMA synchronous: %s",
                  msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? CH_OK : CH_INTERNAL;
}

int
store_synchronous(struct store *st)
{
    sqlite3_stmt *s = store_stmt(st, "PRAGMA synchronous");
    int v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_reset(s);
    return v;
}

enum ch_status
store_open(const char *path, struct store **out, struct ch_error *err)
{
    bool memory = strcmp(path, ":memory:") == 0;
    enum ch_status made = memory ? CH_OK : create_private(path, err);
    if (made != CH_OK)
        return made;
    struct store *st = xcalloc(1, sizeof(*st));
    int rc = sqlite3_open_v2(path, &st->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                 SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        ch_fail(err, CH_IO, "cannot open database %s: %s", path,
                st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
        store_close(st);
        return CH_IO;
    }
    sqlite3_extended_result_codes(st->db, 0);
    sqlite3_busy_timeout(st->db, 5000);
    /* WAL lets a backup (chorus backup, litestream) read while we write.
     * FULL syncs the WAL at every commit, so what chorus acknowledged
     * survives a power loss too, not only a process crash (NORMAL's
     * promise); db_synchronous normal trades that for fewer fsyncs. */
    if (!memory) {
        enum ch_status s = check_wal(st, path, err);
        if (s != CH_OK) {
            store_close(st);
            return s;
        }
    }
    const char *setup = "PRAGMA synchronous=FULL;"
                        "PRAGMA foreign_keys=ON;";
    char *msg = NULL;
    rc = sqlite3_exec(st->db, setup, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        ch_fail(err, rc == SQLITE_NOTADB ? CH_INVALID : CH_IO,
                "cannot use database %s: %s", path,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        store_close(st);
        return err ? err->status : CH_IO;
    }
    enum ch_status s = store_schema_migrate(st, err);
    if (s != CH_OK) {
        store_close(st);
        return s;
    }
    if (!memory) {
        st->ckpt = checkpointer_start(path);
        if (st->ckpt)   /* replaces the automatic checkpoint */
            sqlite3_wal_hook(st->db, wal_grew, st);
    }
    *out = st;
    return CH_OK;
}

void
store_close(struct store *st)
{
    if (st == NULL)
        return;
    checkpointer_stop(st->ckpt);    /* then the close checkpoints the rest */
    for (size_t i = 0; i < st->nslots; i++)
        if (st->slots[i].stmt)
            sqlite3_finalize(st->slots[i].stmt);
    free(st->slots);
    if (st->db)
        sqlite3_close(st->db);
    free(st);
}

void
store_read_id(struct arena *a, sqlite3_stmt *s, void *row)
{
    (void)a;
    *(int64_t *)row = sqlite3_column_int64(s, 0);
}
