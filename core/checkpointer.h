/*
 * checkpointer: WAL checkpoints off the event loop (see checkpointer.c).
 * The store starts one per database file and pokes it after a commit
 * that leaves the WAL over its threshold.
 */
#ifndef CHORUS_CHECKPOINTER_H
#define CHORUS_CHECKPOINTER_H

struct checkpointer;

/* NULL (logged) when the second connection or the thread cannot be had:
 * the caller then keeps SQLite's automatic checkpoint. */
struct checkpointer *checkpointer_start(const char *path);
/* Ask for a checkpoint; returns at once.  Reports a failure of the last
 * one in the log. */
void                 checkpointer_poke(struct checkpointer *cp);
/* Checkpoints run so far (for tests). */
unsigned long        checkpointer_runs(struct checkpointer *cp);
/* Finish: waits for a running checkpoint, joins the thread. */
void                 checkpointer_stop(struct checkpointer *cp);

#endif
