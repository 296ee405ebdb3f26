/* store_backup: a consistent copy of a live database (`chorus backup`). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmalloc.h"

/* Pages copied per step: one read transaction each, so a checkpoint can
 * move on between them. */
#define CHUNK_PAGES 1024
/* A writer's commit between two steps restarts the copy from page 1.
 * After this many restarts the rest goes in one step: in WAL mode a
 * reader blocks no writer, so one long read transaction costs the daemon
 * only a checkpoint that waits, and the copy is sure to end. */
#define RESTARTS_MAX 3
/* How long SQLITE_BUSY / SQLITE_LOCKED are retried (WAL recovery, a
 * checkpoint holding a lock), in milliseconds. */
#define BUSY_MS 10000
#define BUSY_SLEEP_MS 20

/* fsync the directory holding path, so a rename in it is durable. */
static int
sync_dir_of(const char *path)
{
    char *copy = xstrdup(path);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int
copy_pages(sqlite3 *src, sqlite3 *dst, struct store_backup_report *rep,
           struct ch_error *err)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL) {
        ch_fail(err, CH_IO, "cannot start the copy: %s", sqlite3_errmsg(dst));
        return -1;
    }
    int chunk = CHUNK_PAGES, done_before = 0, busy_ms = 0, rc;
    for (;;) {
        rc = sqlite3_backup_step(b, chunk);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (busy_ms >= BUSY_MS)
                break;
            sqlite3_sleep(BUSY_SLEEP_MS);
            busy_ms += BUSY_SLEEP_MS;
            continue;
        }
        if (rc != SQLITE_OK)
            break;
        busy_ms = 0;
        int done = sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b);
        if (done <= done_before && ++rep->restarts >= RESTARTS_MAX)
            chunk = -1;
        done_before = done;
    }
    rep->pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    if (rc == SQLITE_DONE)
        return 0;
    ch_fail(err, rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CH_BUSY : CH_IO,
            "the copy failed: %s", sqlite3_errstr(rc));
    return -1;
}

/* One self-contained file (journal mode DELETE, no -wal beside it) that
 * SQLite itself finds sound. */
static int
seal_copy(sqlite3 *dst, struct ch_error *err)
{
    sqlite3_stmt *s = NULL;
    const char *mode = NULL;
    if (sqlite3_prepare_v2(dst, "PRAGMA journal_mode=DELETE", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        mode = (const char *)sqlite3_column_text(s, 0);
    bool ok = mode && strcmp(mode, "delete") == 0;
    sqlite3_finalize(s);
    if (!ok) {
        ch_fail(err, CH_IO, "cannot set the copy's journal mode: %s",
                sqlite3_errmsg(dst));
        return -1;
    }
    s = NULL;
    const char *verdict = NULL;
    if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check(1)", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        verdict = (const char *)sqlite3_column_text(s, 0);
    ok = verdict && strcmp(verdict, "ok") == 0;
    if (!ok)
        ch_fail(err, CH_INVALID, "the copy fails its integrity check: %s",
                verdict ? verdict : sqlite3_errmsg(dst));
    sqlite3_finalize(s);
    return ok ? 0 : -1;
}

/* Where the target may go: not onto the live database, not a folder. */
static int
check_target(const char *src, const char *dst, struct ch_error *err)
{
    struct stat ss, ds;
    if (stat(src, &ss) != 0) {
        ch_fail(err, errno == ENOENT ? CH_NOT_FOUND : CH_IO,
                "no database at %s: %s", src, strerror(errno));
        return -1;
    }
    if (!S_ISREG(ss.st_mode)) {
        ch_fail(err, CH_INVALID, "%s is not a regular file", src);
        return -1;
    }
    if (stat(dst, &ds) != 0)
        return 0;
    if (ds.st_dev == ss.st_dev && ds.st_ino == ss.st_ino) {
        ch_fail(err, CH_INVALID, "%s is the database itself", dst);
        return -1;
    }
    if (!S_ISREG(ds.st_mode)) {
        ch_fail(err, CH_INVALID, "%s exists and is not a regular file", dst);
        return -1;
    }
    return 0;
}

static void
remove_temp(const char *tmp)
{
    static const char *const suffix[] = { "", "-journal", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        char *p = xasprintf("%s%s", tmp, suffix[i]);
        unlink(p);
        free(p);
    }
}

enum ch_status
store_backup(const char *src_path, const char *dst_path,
             struct store_backup_report *rep, struct ch_error *err)
{
    memset(rep, 0, sizeof(*rep));
    if (check_target(src_path, dst_path, err) != 0)
        return err ? err->status : CH_INVALID;
    /* The copy is written beside its target and renamed over it only
     * once sealed and synced: a reader of the target sees the old backup
     * or the new one, never half of one.  mkstemp creates it 0600, owned
     * by whoever runs the backup, and SQLite gives its journal the same
     * mode. */
    char *tmp = xasprintf("%s.tmp-XXXXXX", dst_path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        ch_fail(err, CH_IO, "cannot create a file beside %s: %s", dst_path,
                strerror(errno));
        free(tmp);
        return CH_IO;
    }
    /* Read-only, never created: a wrong path is an error, not a new empty
     * database.  Run as root, SQLite gives a -shm it has to create the
     * database owner's uid, so the service can still open its files. */
    sqlite3 *src = NULL, *dst = NULL;
    int rc = sqlite3_open_v2(src_path, &src,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        ch_fail(err, CH_IO, "cannot open database %s: %s", src_path,
                src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
        goto fail;
    }
    rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK) {
        ch_fail(err, CH_IO, "cannot open %s: %s", tmp,
                dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(src, 1000);
    if (copy_pages(src, dst, rep, err) != 0 || seal_copy(dst, err) != 0)
        goto fail;
    sqlite3_close(src);
    src = NULL;
    if (sqlite3_close(dst) != SQLITE_OK) {
        ch_fail(err, CH_IO, "cannot close %s", tmp);
        goto fail;
    }
    dst = NULL;
    struct stat st;
    if (fsync(fd) != 0 || fstat(fd, &st) != 0) {
        ch_fail(err, CH_IO, "cannot sync %s: %s", tmp, strerror(errno));
        goto fail;
    }
    rep->bytes = (long long)st.st_size;
    if (rename(tmp, dst_path) != 0) {
        ch_fail(err, CH_IO, "cannot rename %s to %s: %s", tmp, dst_path,
                strerror(errno));
        goto fail;
    }
    sync_dir_of(dst_path);   /* best effort: the copy itself is synced */
    close(fd);
    free(tmp);
    return CH_OK;
fail:
    sqlite3_close(src);
    sqlite3_close(dst);
    close(fd);
    remove_temp(tmp);
    free(tmp);
    return err ? err->status : CH_IO;
}
