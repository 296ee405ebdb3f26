/*
 * test_backup: `chorus backup` (store_backup.c) beside a process that
 * keeps writing.
 *
 * The writer is a child opened through store_open(), so it runs with the
 * daemon's own settings (WAL, its checkpoint thread): a ~6 MB table so the
 * copy takes several steps, then one commit after another.  After each
 * commit it writes the id to a marker file, so every id the test reads
 * there was committed before it read it.  Each backup must hold every row
 * committed before it began, no gap (the ids are committed in order, so
 * a gap is an inconsistent copy), pass integrity_check, be one file in
 * journal mode DELETE, 0600 and ours.  The last is then restored (copied
 * into place as the README says) and opened as the daemon opens it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store.h"

#define PREFILL_ROWS 4000      /* of 1500 bytes: ~6 MB, several steps */
#define BACKUPS 5

struct fx {
    char dir[64];
    char db[128];
    char marker[128];
    char bin[PATH_MAX];
    pid_t writer;
};

static void
path_in(const struct fx *f, char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", f->dir, name);
}

static int
setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/chorus-backup-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    path_in(f, f->db, sizeof(f->db), "chorus.db");
    path_in(f, f->marker, sizeof(f->marker), "committed");
    const char *bin = getenv("CHORUS_BIN");
    snprintf(f->bin, sizeof(f->bin), "%s", bin && *bin ? bin : "chorus");
    f->writer = -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;
    if (f->writer > 0) {
        kill(f->writer, SIGKILL);
        waitpid(f->writer, NULL, 0);
    }
    DIR *d = opendir(f->dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The marker holds the id twice: a read that sees two different halves
 * caught a write in the middle and reads again. */
static void
marker_write(int fd, long long id)
{
    long long v[2] = { id, id };
    if (pwrite(fd, v, sizeof(v), 0) != (ssize_t)sizeof(v))
        _exit(4);
}

static long long
marker_read(const struct fx *f)
{
    int fd = open(f->marker, O_RDONLY);
    assert_true(fd >= 0);
    long long v[2] = { 0, 1 };
    while (pread(fd, v, sizeof(v), 0) != (ssize_t)sizeof(v) || v[0] != v[1])
        usleep(1000);
    close(fd);
    return v[0];
}

static void
exec_or_die(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        _exit(3);
}

/* The child: never returns; the test kills it. */
static void
writer(const struct fx *f)
{
    struct store *st = NULL;
    struct ch_error err = { 0 };
    int fd = open(f->marker, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || store_open(f->db, &st, &err) != CH_OK)
        _exit(3);
    sqlite3 *db = store_db(st);
    exec_or_die(db, "CREATE TABLE probe (id INTEGER PRIMARY KEY, "
                    "pad BLOB NOT NULL)");
    exec_or_die(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                    "FROM n WHERE i < 4000) INSERT INTO probe "
                    "SELECT i, randomblob(1500) FROM n");
    marker_write(fd, PREFILL_ROWS);
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO probe VALUES (?, randomblob(200))",
                           -1, &ins, NULL) != SQLITE_OK)
        _exit(3);
    for (long long id = PREFILL_ROWS + 1;; id++) {
        sqlite3_bind_int64(ins, 1, id);
        int rc;
        while ((rc = sqlite3_step(ins)) == SQLITE_BUSY)
            sqlite3_reset(ins);
        if (rc != SQLITE_DONE)
            _exit(3);
        sqlite3_reset(ins);
        marker_write(fd, id);     /* committed: autocommit, step done */
        usleep(300);
    }
}

/* Run `chorus backup --db <db> <out>`; its exit status. */
static int
run_backup(const struct fx *f, const char *db, const char *out)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(f->bin, f->bin, "backup", "--db", db, out, (char *)NULL);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static sqlite3_int64
query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    sqlite3_int64 v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void
query_text(sqlite3 *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

static bool
exists(const char *path, const char *suffix)
{
    char p[PATH_MAX];
    snprintf(p, sizeof(p), "%s%s", path, suffix);
    return access(p, F_OK) == 0;
}

/* Every row committed before the backup began, no gap, a sound file. */
static long long
check_copy(const char *path, long long committed_before)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(sb.st_uid, geteuid());
    assert_false(exists(path, "-wal"));
    assert_false(exists(path, "-journal"));

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                     SQLITE_OK);
    char text[64];
    query_text(db, "PRAGMA journal_mode", text, sizeof(text));
    assert_string_equal(text, "delete");
    query_text(db, "PRAGMA integrity_check", text, sizeof(text));
    assert_string_equal(text, "ok");
    long long n = query_int(db, "SELECT count(*) FROM probe");
    long long lo = query_int(db, "SELECT min(id) FROM probe");
    long long hi = query_int(db, "SELECT max(id) FROM probe");
    assert_int_equal(lo, 1);
    assert_int_equal(n, hi);                 /* no gap */
    assert_true(hi >= committed_before);     /* nothing committed lost */
    /* and the daemon's own tables came along */
    assert_true(query_int(db, "SELECT count(*) FROM sqlite_master WHERE "
                              "name = 'campaigns'") == 1);
    sqlite3_close(db);
    assert_false(exists(path, "-wal"));      /* reading made no WAL */
    return hi;
}

static void
no_temp_files(const struct fx *f)
{
    DIR *d = opendir(f->dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        assert_null(strstr(e->d_name, ".tmp-"));
    closedir(d);
}

static void
copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT |
                                                      O_TRUNC, 0600);
    assert_true(in >= 0 && out >= 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        assert_int_equal(write(out, buf, (size_t)n), n);
    assert_int_equal(n, 0);
    close(in);
    close(out);
}

static void
backups_under_load_hold_every_committed_row(void **state)
{
    struct fx *f = *state;
    f->writer = fork();
    assert_true(f->writer >= 0);
    if (f->writer == 0)
        writer(f);
    /* wait for the prefill */
    struct stat sb;
    for (int i = 0; i < 3000 && (stat(f->marker, &sb) != 0 ||
                                 sb.st_size < 16); i++)
        usleep(10000);
    assert_true(marker_read(f) >= PREFILL_ROWS);

    char out[PATH_MAX] = "";
    long long last_before = 0, last_hi = 0;
    for (int k = 0; k < BACKUPS; k++) {
        usleep(100 * 1000);
        /* the last one replaces an earlier backup, as a nightly job does */
        char name[32];
        snprintf(name, sizeof(name), "backup-%d.db", k == BACKUPS - 1 ? 0 : k);
        path_in(f, out, sizeof(out), name);
        long long before = marker_read(f);
        assert_int_equal(run_backup(f, f->db, out), 0);
        long long after = marker_read(f);
        assert_true(after > before);          /* writes went on meanwhile */
        last_hi = check_copy(out, before);
        last_before = before;
        print_message("backup %d: %lld rows committed before, %lld in the "
                      "copy, %lld committed by its end\n", k, before,
                      last_hi, after);
    }
    no_temp_files(f);
    kill(f->writer, SIGKILL);
    waitpid(f->writer, NULL, 0);
    f->writer = -1;

    /* Restore: the copy put where a database goes, opened as the daemon
     * opens it (migrations, WAL), every row still there. */
    char restored[PATH_MAX];
    path_in(f, restored, sizeof(restored), "restored.db");
    copy_file(out, restored);
    struct store *st = NULL;
    struct ch_error err = { 0 };
    assert_int_equal(store_open(restored, &st, &err), CH_OK);
    sqlite3 *db = store_db(st);
    assert_int_equal(query_int(db, "SELECT count(*) FROM probe"), last_hi);
    assert_true(last_hi >= last_before);
    store_close(st);
}

static void
refusals_change_nothing(void **state)
{
    struct fx *f = *state;
    char missing[PATH_MAX], out[PATH_MAX];
    path_in(f, missing, sizeof(missing), "missing.db");
    path_in(f, out, sizeof(out), "out.db");
    /* a wrong path is an error, never a new empty database */
    assert_int_equal(run_backup(f, missing, out), 1);
    assert_false(exists(missing, ""));
    assert_false(exists(out, ""));

    struct store *st = NULL;
    struct ch_error err = { 0 };
    assert_int_equal(store_open(f->db, &st, &err), CH_OK);
    store_close(st);
    struct stat before, after;
    assert_int_equal(stat(f->db, &before), 0);
    /* onto the database itself, or onto a folder */
    assert_int_equal(run_backup(f, f->db, f->db), 1);
    assert_int_equal(run_backup(f, f->db, f->dir), 1);
    assert_int_equal(stat(f->db, &after), 0);
    assert_int_equal(before.st_ino, after.st_ino);
    assert_int_equal(before.st_size, after.st_size);
    no_temp_files(f);
}

/* The files SQLite makes beside the database stay its owner's: run as
 * root on a database the service owns (the case that matters, and CI's),
 * the service could not open them otherwise.  Run as anyone else, the
 * owner is that user and the same holds. */
static void
the_database_keeps_its_owner(void **state)
{
    struct fx *f = *state;
    uid_t owner = geteuid() == 0 ? 65534 : geteuid();
    struct store *st = NULL;
    struct ch_error err = { 0 };
    assert_int_equal(store_open(f->db, &st, &err), CH_OK);
    store_close(st);
    if (geteuid() == 0)
        assert_int_equal(chown(f->db, 65534, 65534), 0);
    char out[PATH_MAX];
    path_in(f, out, sizeof(out), "root-copy.db");
    assert_int_equal(run_backup(f, f->db, out), 0);
    static const char *const side[] = { "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < 3; i++) {
        char p[PATH_MAX];
        struct stat sb;
        snprintf(p, sizeof(p), "%s%s", f->db, side[i]);
        if (stat(p, &sb) == 0)
            assert_int_equal(sb.st_uid, owner);
    }
    struct stat sb;
    assert_int_equal(stat(out, &sb), 0);
    assert_int_equal(sb.st_uid, geteuid());
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            backups_under_load_hold_every_committed_row, setup, teardown),
        cmocka_unit_test_setup_teardown(refusals_change_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(the_database_keeps_its_owner, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
