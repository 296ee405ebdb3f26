/*
 * store: the SQLite database every fact lives in.
 *
 * Opening creates a new database file 0600 (its -wal and -shm follow its
 * mode), requires WAL (a file system where SQLite cannot use it is an
 * error), sets synchronous FULL, foreign keys and a busy timeout, then
 * migrates
 * the schema forward by PRAGMA user_version (store_schema.c).  All SQL in
 * chorus lives in core/store*.c; the rest of the core calls domain-level
 * functions, declared in records.h and named after their file
 * (store_campaign_by_slug() in store_campaign.c, store_outbox_insert()
 * in store_outbox.c, ...).
 *
 * Statements are prepared once and cached by the address of their SQL text
 * (always a string literal), with bound parameters only: no SQL is ever
 * built from input.  Transactions: one per inbound event, scheduler job or
 * outbox flush (store_begin / store_commit / store_rollback); nesting is
 * a bug.
 * Times are UTC milliseconds since the epoch in INTEGER columns.
 */
#ifndef CHORUS_STORE_H
#define CHORUS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"

struct store;
struct sqlite3_stmt;
struct arena;

/* Newest schema version this build knows. */
extern const int store_schema_version;
/* The SQL of one migration (1..store_schema_version), for tests; NULL
 * for any other version. */
const char *store_schema_sql(int version);

/* Ownership: the caller frees the store with store_close().  A database
 * whose schema is newer than this build is refused (CH_CONFLICT). */
enum ch_status store_open(const char *path, struct store **out,
                          struct ch_error *err);
void           store_close(struct store *st);
int            store_version(struct store *st);
/* store_open() leaves PRAGMA synchronous at FULL (an acknowledged commit
 * survives a power loss); false: NORMAL (fewer fsyncs; a power loss may
 * drop the last commits).  store_synchronous(): the PRAGMA's value, 2 for
 * FULL, 1 for NORMAL. */
enum ch_status store_set_synchronous(struct store *st, bool full);
int            store_synchronous(struct store *st);

enum ch_status store_begin(struct store *st);
/* A transaction that only reads: one snapshot and one set of locks for
 * many statements, without taking the write lock. */
enum ch_status store_begin_read(struct store *st);
enum ch_status store_commit(struct store *st);
void           store_rollback(struct store *st);
bool           store_in_txn(struct store *st);
/* Rows this connection has changed since it opened: a cheap "has
 * anything been written since" for caches. */
int64_t        store_total_changes(struct store *st);
/* WAL checkpoints run on the store's checkpoint thread so far (tests). */
unsigned long  store_checkpoints(struct store *st);

/*
 * A consistent copy of the database at src, while other processes keep
 * writing it, through SQLite's backup API (store_backup.c).  The copy is
 * written to a temporary file beside dst (0600, the caller's own), set
 * to journal mode DELETE so it is one file, passed through PRAGMA
 * integrity_check, synced, then renamed to dst.  src is never created;
 * dst may not be src.  On error nothing is left behind and an existing
 * dst is untouched.
 */
struct store_backup_report {
    int       pages;     /* pages in the copy */
    int       restarts;  /* times a writer's commit restarted it */
    long long bytes;     /* the copy's size */
};
enum ch_status store_backup(const char *src, const char *dst,
                            struct store_backup_report *rep,
                            struct ch_error *err);

/* --- for core/store_*.c only ------------------------------------------ */

/* A cached, reset statement for sql (a string literal). */
struct sqlite3_stmt *store_stmt(struct store *st, const char *sql);
/* Execute a cached statement to completion; CH_OK, CH_CONFLICT for a
 * constraint violation, CH_BUSY, or CH_INTERNAL (logged). */
enum ch_status       store_exec(struct store *st, struct sqlite3_stmt *stmt);
/* The first column of a one-row query (a count, an id); 0 when no row. */
int64_t              store_scalar(struct store *st, struct sqlite3_stmt *stmt);
int64_t              store_last_id(struct store *st);
int                  store_changes(struct store *st);
/* Column helpers: text columns are copied into the arena (NULL stays NULL). */
char                *store_col_text(struct arena *a, struct sqlite3_stmt *s,
                                    int col);
int64_t              store_col_int(struct sqlite3_stmt *s, int col,
                                   int64_t if_null);
/* Bind helpers: text NULL binds SQL NULL; int64 INT64_MIN binds NULL. */
void                 store_bind_text(struct sqlite3_stmt *s, int idx,
                                     const char *text);
void                 store_bind_int(struct sqlite3_stmt *s, int idx,
                                    int64_t v);
/* Fill one struct from the current row of a statement. */
typedef void store_read_fn(struct arena *a, struct sqlite3_stmt *s,
                           void *row);
/* A store_read_fn for a one-column list of ids (int64_t elements). */
void                 store_read_id(struct arena *a, struct sqlite3_stmt *s,
                                   void *row);
/* Step a bound statement once: CH_OK with *row filled, CH_NOT_FOUND, or
 * an error.  The statement is reset either way. */
enum ch_status       store_row(struct store *st, struct arena *a,
                               struct sqlite3_stmt *s, store_read_fn *read,
                               void *row, const char *what);
/* Step a bound statement to the end, reading every row into an arena
 * array of elements of elem_size bytes.  *out and *n are always set. */
enum ch_status       store_rows(struct store *st, struct arena *a,
                                struct sqlite3_stmt *s, store_read_fn *read,
                                size_t elem_size, void **out, size_t *n,
                                const char *what);
/* Log and translate a SQLite result code. */
enum ch_status       store_check(struct store *st, int rc, const char *what);
struct sqlite3      *store_db(struct store *st);

#endif
