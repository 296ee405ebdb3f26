/*
 * delivery: outbox rows out to the adapters, their outcomes back in
 * (the design is at the top of delivery.c).  The core's own half of
 * core.h's entry points -- core_flush(), core_delivered(),
 * core_next_due() ... are thin calls into here -- plus what core.c needs
 * around its transactions.  Core-internal: nothing outside core/ includes
 * this.
 */
#ifndef CHORUS_DELIVERY_H
#define CHORUS_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "core.h"

struct arena;
struct buf;
struct out_button;

/* Every write transaction of the core: delivery_begin() records the
 * outcomes queued since the last one, delivery_commit() forgets them once
 * committed (after a rollback they stay queued). */
enum ch_status delivery_begin(struct core *core);
enum ch_status delivery_commit(struct core *core);
/* Record the queued outcomes now, in a transaction of their own. */
void delivery_outcomes_record(struct core *core);
void delivery_outcomes_free(struct core *core);

/* Inside an event's transaction, just before its commit: read what the
 * flush after it will hand out. */
void delivery_collect_early(struct core *core);
/* Inside an event's transaction, before delivery_collect_early(): name
 * its in-band rows, which the early pass holds back and renders for the
 * event's platform; delivery_inband_take() hands them over after it;
 * delivery_inband_drop() gives them back when the transaction does not
 * commit. */
void delivery_inband_want(struct core *core, const char *platform,
                          int64_t reply_id, int64_t update_id);
void delivery_inband_take(struct core *core, struct core_result *res);
void delivery_inband_drop(struct core *core, struct core_result *res);
/* Buttons as an outbox row keeps them, appended to out (at most
 * OUT_MAX_BUTTONS): one line per button, label \t command \t style \t
 * prompt, then \t and its flags, space separated, when it has any:
 * "rubric" (the form asks for the failed points too), "optional" (its
 * text may be left empty), "row=N" (past the first row).  The one
 * encoder: ctx_buttons_encode() and the digests use it. */
void   delivery_buttons_encode(struct buf *out, const struct out_button *b,
                               size_t n);
/* The buttons of an outbox row (delivery_buttons_encode()), at most
 * OUT_MAX_BUTTONS into b, their strings in ar; how many. */
size_t delivery_buttons_decode(struct arena *ar, const char *enc,
                               struct out_button *b);
/* A recent command's reply (commands_recent): once the platform says
 * the caller has it -- a CH_OK for it before anything else is heard of
 * it, on the path it was first handed to -- the command is marked
 * answered.  A reply handed back (CH_BUSY, a failure) or delivered
 * after a restart does not count: see core.c, "Retries". */
void delivery_await_answer(struct core *core, int64_t reply_id);
/* Look at every pending row again at the next flush (retries come due,
 * adapters come and go); the same when a retry has come due. */
void delivery_rescan(struct core *core);
void delivery_rescan_if_due(struct core *core);

/* What core.h promises (see there). */
void    delivery_report(struct core *core, int64_t msg_id,
                        enum ch_status status, const char *platform_ref,
                        int64_t retry_after_ms, const char *error);
void    delivery_inband_deliver(struct core *core,
                                const struct core_result *res);
void    delivery_flush(struct core *core);
int64_t delivery_backlog(struct core *core);
int64_t delivery_next_due(struct core *core);

#endif
