/*
 * prune: the database keeps its size under steady use.  Delivered outbox
 * rows and inbound dedupe records outlive their use by far: a platform
 * redelivers an event within minutes to an hour (Slack retries for up to
 * an hour, a Discord resume replays a few minutes, an interaction lives 15
 * minutes), and a delivered message is looked up again only for its
 * buttons or as the brief or status message of a channel.  So, once a
 * day, rows past PRUNE_KEEP_MS go, in batches of PRUNE_BATCH per
 * transaction, a second apart until none is left, so no batch holds the
 * loop or the write lock for long:
 *  - inbound records received before the cutoff;
 *  - outbox rows delivered or failed (never pending), created before the
 *    cutoff, that no other row, and no channel's brief or status, points
 *    at; rows with buttons stay PRUNE_BUTTONS_KEEP_MS, since a press
 *    answers "already done by" from them (after that a press gets "chorus
 *    does not know the message", and changes nothing).
 * The audit log is never touched (it refers to neither table).  The
 * delivered count and latency of /metrics carry on through counters.
 * Freed pages go to SQLite's free list and are reused, so the file stops
 * growing; nothing is vacuumed.
 *
 * This is the core's own housekeeping, not a row in jobs: it belongs to
 * no campaign and must exist exactly once, so its time is kept in memory,
 * PRUNE_FIRST_MS after the core opens, and core_tick() runs it once that
 * has come.  It does not move core_next_due(), which is campaign work:
 * the daemon ticks at least every MAX_SLEEP_MS anyway.
 */
#ifndef CHORUS_PRUNE_H
#define CHORUS_PRUNE_H

#include <stdint.h>

#include "status.h"

struct core;
struct store;

#define PRUNE_KEEP_MS          (INT64_C(7) * 24 * 3600 * 1000)
#define PRUNE_BUTTONS_KEEP_MS  (INT64_C(90) * 24 * 3600 * 1000)
#define PRUNE_EVERY_MS         (INT64_C(24) * 3600 * 1000)
#define PRUNE_FIRST_MS         (INT64_C(6) * 3600 * 1000)
#define PRUNE_AGAIN_MS         1000
#define PRUNE_BATCH            500

/* One batch if due (core_tick); returns when to come back. */
int64_t prune_run(struct core *core, int64_t now);

/* records (store_prune.c): one batch each; *n rows deleted. */
enum ch_status store_prune_outbox(struct store *st, int64_t before,
                                  int64_t buttons_before, int limit, int *n);
enum ch_status store_prune_inbound(struct store *st, int64_t before,
                                   int limit, int *n);

#endif
