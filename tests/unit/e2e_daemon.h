/*
 * e2e_daemon: the real daemon as a child process, for the end-to-end
 * fixtures (slack_e2e_fixture.h, discord_e2e_fixture.h).
 *
 * The binary is $CHORUS_BIN (tests/CMakeLists.txt sets it), else the
 * chorus next to the test's build directory (valgrind runs by hand).  A
 * temporary directory holds its configuration, database and log:
 * e2e_daemon_spawn() runs `chorus run --config <dir>/chorus.conf --db
 * <dir>/chorus.db` with stdout and stderr appended to <dir>/daemon.log
 * and the environment changed as asked.  The test's loop keeps running
 * while anything here waits, so the simulators (on that loop) answer the
 * daemon meanwhile; the child's exit is no loop event, so waits poll.
 * The log is read for lines and for sanitizer reports (ASan, LSan,
 * UBSan); the database is opened read-only beside the running daemon,
 * and written only while it is stopped.
 *
 * Header-only, static functions only, like core_fixture.h.
 * Ownership: e2e_daemon_init()/e2e_daemon_cleanup(); strings returned by
 * e2e_daemon_log() are the caller's.
 */
#ifndef CHORUS_TEST_E2E_DAEMON_H
#define CHORUS_TEST_E2E_DAEMON_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "buf.h"
#include "xmalloc.h"

#define E2E_DAEMON_TAIL 80      /* log lines shown after a failed check */

struct e2e_daemon {
    struct loop *loop;          /* the test's; run while waiting */
    char         dir[128];
    char         db[192];
    char         conf[192];
    char         log[192];
    char         bin[PATH_MAX];
    pid_t        pid;           /* -1: not started */
    uid_t        run_uid;       /* non-zero: spawn as this user (and */
    gid_t        run_gid;       /* group), the test being root */
    bool         exited;
    int          status;        /* from waitpid, once exited */
};

/* A fresh directory /tmp/chorus-<tag>-e2e-XXXXXX and the paths in it. */
static inline void
e2e_daemon_init(struct e2e_daemon *d, struct loop *loop, const char *tag)
{
    const char *env = getenv("CHORUS_BIN");

    memset(d, 0, sizeof(*d));
    d->loop = loop;
    d->pid = -1;
    if (env && *env) {
        snprintf(d->bin, sizeof(d->bin), "%s", env);
    } else {
        char self[PATH_MAX - 16];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        assert_true(n > 0);
        self[n] = '\0';
        *strrchr(self, '/') = '\0';         /* build/tests */
        snprintf(d->bin, sizeof(d->bin), "%s/../chorus", self);
    }
    assert_int_equal(access(d->bin, X_OK), 0);
    snprintf(d->dir, sizeof(d->dir), "/tmp/chorus-%s-e2e-XXXXXX", tag);
    assert_non_null(mkdtemp(d->dir));
    snprintf(d->db, sizeof(d->db), "%s/chorus.db", d->dir);
    snprintf(d->conf, sizeof(d->conf), "%s/chorus.conf", d->dir);
    snprintf(d->log, sizeof(d->log), "%s/daemon.log", d->dir);
}

/* ---- the log ---- */

/* A whole file, "" when it cannot be read.  Ownership: the caller's. */
static inline char *
e2e_daemon_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    char chunk[8192];
    size_t n;

    buf_init(&b, (size_t)64 << 20);
    if (f) {
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            buf_add(&b, chunk, n);
        fclose(f);
    }
    buf_adds(&b, "");
    return buf_detach(&b);
}

static inline char *
e2e_daemon_log(const struct e2e_daemon *d)
{
    return e2e_daemon_read_file(d->log);
}

static inline size_t
e2e_daemon_log_count(const struct e2e_daemon *d, const char *needle)
{
    char *log = e2e_daemon_log(d);
    size_t n = 0;

    for (const char *p = log; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    free(log);
    return n;
}

/* The last lines of the log, to stderr (after a failed check). */
static inline void
e2e_daemon_dump(const struct e2e_daemon *d)
{
    char *log = e2e_daemon_log(d), *p = log + strlen(log);
    int lines = 0;

    while (p > log && lines <= E2E_DAEMON_TAIL)
        if (*--p == '\n')
            lines++;
    if (*p == '\n')
        p++;
    fprintf(stderr, "---- daemon log (%s) ----\n%s---- end of daemon "
            "log ----\n", p > log ? "its end" : "all of it", p);
    free(log);
}

static const char *const e2e_daemon_sanitizer_marks[] = {
    "AddressSanitizer",
    "LeakSanitizer",
    "runtime error:",
    "UndefinedBehaviorSanitizer",
};

/* Fails the test when the log holds a sanitizer report. */
static inline void
e2e_daemon_check_sanitizers(const struct e2e_daemon *d)
{
    char *log = e2e_daemon_log(d);

    for (size_t i = 0; i < sizeof(e2e_daemon_sanitizer_marks) /
                               sizeof(*e2e_daemon_sanitizer_marks); i++) {
        const char *hit = strstr(log, e2e_daemon_sanitizer_marks[i]);

        if (hit) {
            print_message("sanitizer report in the daemon's log:\n%.4000s\n",
                          hit > log + 2000 ? hit - 2000 : log);
            free(log);
            fail();
        }
    }
    free(log);
}

/* ---- the process ---- */

/*
 * Fork and exec the daemon.  env: NULL-terminated changes to the test's
 * environment, "NAME=value" to set, "NAME" to unset.  Does not wait for
 * it to connect.
 */
/* A copy of the binary in the daemon's directory, for a run as another
 * user: the build tree may sit where that user cannot reach (a checkout
 * under a 0700 directory). */
static inline void
e2e_daemon_own_copy(struct e2e_daemon *d)
{
    char to[sizeof(d->dir) + 16], chunk[65536];
    ssize_t n;

    snprintf(to, sizeof(to), "%s/chorus-bin", d->dir);
    if (strcmp(d->bin, to) == 0)
        return;
    int in = open(d->bin, O_RDONLY), out = open(to, O_WRONLY | O_CREAT |
                                                O_TRUNC, 0755);
    assert_true(in >= 0 && out >= 0);
    while ((n = read(in, chunk, sizeof(chunk))) > 0)
        assert_int_equal(write(out, chunk, (size_t)n), n);
    assert_int_equal(n, 0);
    close(in);
    assert_int_equal(close(out), 0);
    snprintf(d->bin, sizeof(d->bin), "%s", to);
}

static inline void
e2e_daemon_spawn(struct e2e_daemon *d, const char *const *env)
{
    pid_t pid;

    d->exited = false;
    if (d->run_uid)
        e2e_daemon_own_copy(d);
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        if (fd < 0)
            _exit(126);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        for (int i = 3; i < 1024; i++)
            close(i);
        for (size_t i = 0; env && env[i]; i++) {
            char name[128];
            const char *eq = strchr(env[i], '=');

            snprintf(name, sizeof(name), "%.*s",
                     (int)(eq ? (size_t)(eq - env[i]) : strlen(env[i])),
                     env[i]);
            if (eq)
                setenv(name, eq + 1, 1);
            else
                unsetenv(name);
        }
        if (d->run_uid &&
            (setgroups(0, NULL) != 0 || setgid(d->run_gid) != 0 ||
             setuid(d->run_uid) != 0)) {
            fprintf(stderr, "cannot become uid %u: %s\n",
                    (unsigned)d->run_uid, strerror(errno));
            _exit(125);
        }
        execl(d->bin, "chorus", "run", "--config", d->conf, "--db", d->db,
              (char *)NULL);
        fprintf(stderr, "exec %s: %s\n", d->bin, strerror(errno));
        _exit(127);
    }
    d->pid = pid;
}

/* Collect the child if it exited (never blocks); true once it has. */
static inline bool
e2e_daemon_reap(struct e2e_daemon *d)
{
    if (d->exited || d->pid <= 0)
        return true;
    if (waitpid(d->pid, &d->status, WNOHANG) == d->pid)
        d->exited = true;
    return d->exited;
}

static inline void
e2e_daemon_fired_(void *arg)
{
    *(bool *)arg = true;
}

/* Run the loop for ms. */
static inline void
e2e_daemon_run_for(struct e2e_daemon *d, int ms)
{
    bool fired = false;
    struct loop_timer *t = loop_timer_new(d->loop, e2e_daemon_fired_,
                                          &fired);

    loop_timer_arm(t, ms);
    while (!fired)
        if (loop_run_once(d->loop, true) < 0)
            break;
    loop_timer_free(t);
}

/* Run the loop until pred(arg) holds, looking every 5 ms at least, or
 * until timeout_ms passed; pred's last answer. */
static inline bool
e2e_daemon_wait(struct e2e_daemon *d, bool (*pred)(void *), void *arg,
                int timeout_ms)
{
    int64_t end = loop_now_ms(d->loop) + timeout_ms;

    while (!pred(arg)) {
        if (loop_now_ms(d->loop) >= end)
            return pred(arg);
        e2e_daemon_run_for(d, 5);
    }
    return true;
}

static inline bool
e2e_daemon_exited_(void *arg)
{
    return e2e_daemon_reap(arg);
}

/* Wait for the child to exit; false on timeout. */
static inline bool
e2e_daemon_wait_exit(struct e2e_daemon *d, int timeout_ms)
{
    return e2e_daemon_wait(d, e2e_daemon_exited_, d, timeout_ms);
}

/* Its exit code, or -signal when a signal ended it. */
static inline int
e2e_daemon_exit_code(const struct e2e_daemon *d)
{
    if (WIFEXITED(d->status))
        return WEXITSTATUS(d->status);
    return WIFSIGNALED(d->status) ? -WTERMSIG(d->status) : -1000;
}

/* Send sig and wait for the exit; false on timeout. */
static inline bool
e2e_daemon_stop(struct e2e_daemon *d, int sig, int timeout_ms)
{
    assert_true(d->pid > 0);
    if (!d->exited)
        assert_int_equal(kill(d->pid, sig), 0);
    return e2e_daemon_wait_exit(d, timeout_ms);
}

/* ---- the database ---- */

/*
 * The first column of the first row of sql, whose ? parameters take the
 * text arguments in ap; -1 when there is no row.  text (n bytes), when
 * not NULL, gets the column as text ("" when none).
 */
static inline long long
e2e_daemon_db_v(const struct e2e_daemon *d, char *text, size_t n,
                const char *sql, va_list ap)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    int rc;

    if (text)
        text[0] = '\0';
    rc = sqlite3_open_v2(d->db, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);     /* the daemon may be writing */
        rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    }
    if (rc != SQLITE_OK) {
        e2e_daemon_dump(d);
        fail_msg("SQL error: %s in %s", sqlite3_errmsg(db), sql);
    }
    for (int i = 1; i <= sqlite3_bind_parameter_count(st); i++)
        sqlite3_bind_text(st, i, va_arg(ap, const char *), -1,
                          SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
        if (text && sqlite3_column_text(st, 0))
            snprintf(text, n, "%s",
                     (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static inline long long
e2e_daemon_db(const struct e2e_daemon *d, char *text, size_t n,
              const char *sql, ...)
{
    va_list ap;
    long long v;

    va_start(ap, sql);
    v = e2e_daemon_db_v(d, text, n, sql, ap);
    va_end(ap);
    return v;
}

/* Run sql (statements, no results) on the database, written while the
 * daemon is stopped: rows it will find at its next start. */
static inline void
e2e_daemon_db_exec(const struct e2e_daemon *d, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;

    if (sqlite3_open(d->db, &db) != SQLITE_OK)
        fail_msg("cannot open %s", d->db);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("SQL error: %s in %s", err, sql);
    sqlite3_close(db);
}

/* ---- the end ---- */

/* SIGKILL if it still runs (a test that failed half-way), and collect. */
static inline void
e2e_daemon_kill(struct e2e_daemon *d)
{
    if (d->pid > 0 && !d->exited) {
        kill(d->pid, SIGKILL);
        waitpid(d->pid, &d->status, 0);
        d->exited = true;
    }
}

/* Kill the daemon if it still runs, then remove its directory (kept, and
 * named, when E2E_KEEP is set). */
static inline void
e2e_daemon_cleanup(struct e2e_daemon *d)
{
    DIR *dir;
    struct dirent *de;

    e2e_daemon_kill(d);
    if (getenv("E2E_KEEP")) {
        print_message("kept %s\n", d->dir);
        return;
    }
    dir = opendir(d->dir);
    while (dir && (de = readdir(dir))) {
        char path[256 + sizeof(de->d_name)];

        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", d->dir, de->d_name);
        unlink(path);
    }
    if (dir)
        closedir(dir);
    rmdir(d->dir);
}

#endif
