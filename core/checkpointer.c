/*
 * WAL checkpoints on a thread of their own.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses the
 * threshold: copying ~1000 pages into the database file and two
 * fdatasync calls, a few milliseconds on the event loop, in front of
 * whatever answer that commit was for.  Here the store turns the
 * automatic checkpoint off and pokes this thread instead, which runs a
 * PASSIVE checkpoint on its own connection: it never blocks the writer,
 * and the loop only pays for the poke.
 *
 * The thread touches nothing but its connection and the fields below
 * under the mutex; it does not log (the log is the loop thread's), it
 * leaves the last failure for checkpointer_poke() to report.
 */
#include "checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>

#include "log.h"
#include "xmalloc.h"

struct checkpointer {
    sqlite3        *db;
    pthread_t       thread;
    pthread_mutex_t mu;
    pthread_cond_t  cv;
    bool            wanted;
    bool            stop;
    int             failed_rc;   /* last failure not yet reported */
    unsigned long   runs;
};

static void *
run(void *arg)
{
    struct checkpointer *cp = arg;
    pthread_mutex_lock(&cp->mu);
    for (;;) {
        while (!cp->wanted && !cp->stop)
            pthread_cond_wait(&cp->cv, &cp->mu);
        if (cp->stop)
            break;
        cp->wanted = false;
        pthread_mutex_unlock(&cp->mu);
        int rc = sqlite3_wal_checkpoint_v2(cp->db, NULL,
                                           SQLITE_CHECKPOINT_PASSIVE, NULL,
                                           NULL);
        pthread_mutex_lock(&cp->mu);
        cp->runs++;
        /* BUSY: another checkpoint (an operator's sqlite3) is running;
         * the next poke tries again. */
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            cp->failed_rc = rc;
    }
    pthread_mutex_unlock(&cp->mu);
    return NULL;
}

struct checkpointer *
checkpointer_start(const char *path)
{
    struct checkpointer *cp = xcalloc(1, sizeof(*cp));
    if (sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE |
                                           SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        log_warn("store", "checkpoints run in the loop: cannot open %s a "
                 "second time: %s", path,
                 cp->db ? sqlite3_errmsg(cp->db) : "out of memory");
        sqlite3_close(cp->db);
        free(cp);
        return NULL;
    }
    sqlite3_busy_timeout(cp->db, 1000);
    /* A connection learns the database is in WAL mode from its header, on
     * its first read; until then a checkpoint call does nothing. */
    sqlite3_exec(cp->db, "PRAGMA schema_version", NULL, NULL, NULL);
    pthread_mutex_init(&cp->mu, NULL);
    pthread_cond_init(&cp->cv, NULL);
    if (pthread_create(&cp->thread, NULL, run, cp) != 0) {
        log_warn("store", "checkpoints run in the loop: no thread for them");
        pthread_cond_destroy(&cp->cv);
        pthread_mutex_destroy(&cp->mu);
        sqlite3_close(cp->db);
        free(cp);
        return NULL;
    }
    return cp;
}

void
checkpointer_poke(struct checkpointer *cp)
{
    pthread_mutex_lock(&cp->mu);
    int failed = cp->failed_rc;
    cp->failed_rc = 0;
    cp->wanted = true;
    pthread_cond_signal(&cp->cv);
    pthread_mutex_unlock(&cp->mu);
    if (failed)
        log_error("store", "WAL checkpoint failed: %s",
                  sqlite3_errstr(failed));
}

unsigned long
checkpointer_runs(struct checkpointer *cp)
{
    pthread_mutex_lock(&cp->mu);
    unsigned long n = cp->runs;
    pthread_mutex_unlock(&cp->mu);
    return n;
}

void
checkpointer_stop(struct checkpointer *cp)
{
    if (cp == NULL)
        return;
    pthread_mutex_lock(&cp->mu);
    cp->stop = true;
    pthread_cond_signal(&cp->cv);
    pthread_mutex_unlock(&cp->mu);
    pthread_join(cp->thread, NULL);
    pthread_cond_destroy(&cp->cv);
    pthread_mutex_destroy(&cp->mu);
    sqlite3_close(cp->db);
    free(cp);
}
