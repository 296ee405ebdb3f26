/*
 * outq: the one outbound queue of the network adapters (Slack's Web API,
 * Discord's REST): what may go now, in what order, and when to try again.
 * It schedules and never talks to the network: the owner's send() starts
 * a call, and the owner reports its end with outq_done(), outq_retry(),
 * outq_wait() or outq_resend().
 *
 * Lanes.  An item pushed with a lane key (a Slack conversation, a Discord
 * bucket and major parameter) waits in that lane's FIFO.  A lane has at
 * most one item on the wire, so a conversation reads in the order its
 * messages were written, and an item sent again stays the head of its
 * lane: nothing behind it overtakes it.  Items without a lane run side by
 * side, at most max_free of them on the wire; max_inflight caps them all.
 *
 * One busy lane never holds up the others: there is no cap per lane, and
 * lanes take turns (a lane whose call ended queues up behind the others).
 * The one cap is on the items held in all (outq_full()), a safety net for
 * memory set far above normal operation; the owner asks it before taking
 * new work, and a push never fails, so a multi-step delivery can always
 * take its next step.
 *
 * When an item may go: not before its own time (a retry, a wait), not
 * before its lane's pace allows (items flagged OUTQ_PACED: at most
 * pace_burst in any pace_window_ms per lane, ratewin.c), and not before
 * the owner's gate() allows (platform limits: a Slack method blocked by a
 * 429, a Discord bucket, the global window).  The engine arms ONE loop
 * timer for the earliest of these waits, never a timer per item.
 *
 * Retries are data (struct outq_retry): outq_retry() waits base_ms * 2^n,
 * capped at max_ms, with equal jitter (backoff_delay()), n being the
 * item's retries so far, and gives up after `attempts` (0: never).  What
 * an answer means (retry, done, failed, a dead token) is the platform's
 * business and stays in each adapter, as a table.
 *
 * Stop.  outq_stop() starts nothing new, lets the calls on the wire end
 * until the deadline, then cancels the rest: cancelled() tells each
 * owner, which keeps its outbox row pending.  done() follows, once, from
 * the loop.
 *
 * Re-entrancy: send(), gate(), cancelled(), room() and done() run only
 * from the engine's timer (cancelled() also from outq_free()), never from
 * inside another outq_*() call, so each of them may call any outq_*()
 * function but outq_free(); outq_*() calls only change state and wake the
 * timer.  One loop thread.
 *
 * Ownership: an item is the owner's memory (struct outq_item embedded in
 * its request).  The engine links it from outq_push() until outq_done(),
 * a failed outq_retry() or cancelled(); it never frees one.  Lane keys are
 * copied.  outq_free() without outq_stop() is allowed: it cancels what is
 * left (cancelled() for each), then frees the engine.
 *
 * Never: block, do I/O, free an item, call send() for an item again
 * before the owner has settled the previous call.
 */
#ifndef CHORUS_OUTQ_H
#define CHORUS_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct outq;
struct outq_lane;

/* The cap on items held.  Each costs its owner's request: a queued Slack
 * message is its text plus about 500 bytes (0.8 KB at 300 characters,
 * measured), some 16 MB at the cap; normal work stays far below it. */
#define OUTQ_DEFAULT_MAX_ITEMS 20000

/* gate(): not until something else changes (an answer, a push). */
#define OUTQ_HOLD INT64_MAX

enum {
    OUTQ_PACED = 1u << 0,    /* counts against its lane's pace */
};

/* The retry policy of outq_retry(). */
struct outq_retry {
    int64_t  base_ms;    /* wait before the first retry, before jitter */
    int64_t  max_ms;     /* cap, before jitter */
    unsigned attempts;   /* retries before giving up; 0: retry forever */
};

enum outq_state {
    OUTQ_IDLE,           /* not in the engine */
    OUTQ_QUEUED,
    OUTQ_WIRE,           /* send() was called; not settled yet */
};

/* A link of the engine's lists (items in a lane, lanes in turn). */
struct outq_link {
    struct outq_link *next, *prev;
};

/* Embedded in the owner's request.  The engine's fields: read only. */
struct outq_item {
    struct outq_link  link;          /* in a lane, the free queue or the
                                        list of items on the wire */
    struct outq_lane *lane;          /* NULL: no lane */
    int64_t           not_before;    /* loop ms */
    unsigned          retries;       /* outq_retry() calls so far */
    unsigned          flags;
    enum outq_state   state;
};

struct outq_ops {
    /* Start the call for it; settle it later (or at once) with one of
     * outq_done(), outq_retry(), outq_wait(), outq_resend(). */
    void    (*send)(void *arg, struct outq_item *it);
    /* How long it (a lane's head or a free item) must still wait for the
     * platform's limits, in ms: 0 to go now, OUTQ_HOLD to wait for a
     * change.  NULL: never waits. */
    int64_t (*gate)(void *arg, const struct outq_item *it, int64_t now);
    /* The engine let go of it without an answer (stop, free): on the wire
     * or not, the owner cancels its call and frees it.  Must not push. */
    void    (*cancelled)(void *arg, struct outq_item *it);
    /* outq_full() said yes, and now there is room (half the cap). */
    void    (*room)(void *arg);
};

struct outq_options {
    const char       *name;          /* log module ("slack"); NULL: "outq" */
    struct outq_retry retry;
    size_t            max_inflight;  /* items on the wire; 0: no cap */
    size_t            max_free;      /* of them without a lane; 0: no cap */
    size_t            max_items;     /* held; 0: OUTQ_DEFAULT_MAX_ITEMS */
    size_t            pace_burst;    /* OUTQ_PACED items per lane ... */
    int64_t           pace_window_ms;    /* ... in any window this long */
};

/* ops and o are copied; arg is passed back to every callback. */
struct outq *outq_new(struct loop *loop, const struct outq_options *o,
                      const struct outq_ops *ops, void *arg);
/* Cancels every item left (cancelled()), then frees.  NULL: no-op. */
void         outq_free(struct outq *q);

/* Queue it at the tail of lane (NULL: no lane).  flags: OUTQ_PACED. */
void    outq_push(struct outq *q, struct outq_item *it, const char *lane,
                  unsigned flags);
/* The call ended for good (an answer, or a failure not worth a retry). */
void    outq_done(struct outq *q, struct outq_item *it);
/* A transient failure: send it again after the policy's backoff, as the
 * head of its lane.  Returns the wait, or -1 when the policy's attempts
 * are used up: it has then left the queue as after outq_done(). */
int64_t outq_retry(struct outq *q, struct outq_item *it);
/* Send it again after wait_ms (a Retry-After; 0 when gate() holds it),
 * as the head of its lane, without counting a retry. */
void    outq_wait(struct outq *q, struct outq_item *it, int64_t wait_ms);
/* Send it again at once as a new request (the owner changed it): the
 * head of its lane, its retry count starting over. */
void    outq_resend(struct outq *q, struct outq_item *it);

/*
 * Everything of lane `from` belongs to lane `to` from now on (a Discord
 * route whose bucket became known): its queued items go to the tail of
 * `to` in order, and the one on the wire, sent again, becomes the head
 * of `to`.
 */
void        outq_lane_move(struct outq *q, const char *from, const char *to);
/* Items of the lane, queued or on the wire. */
size_t      outq_lane_count(const struct outq *q, const char *lane);
/* The key of the lane it is in, NULL for none. */
const char *outq_item_lane(const struct outq_item *it);

/* Items held (queued or on the wire), and on the wire. */
size_t outq_count(const struct outq *q);
size_t outq_inflight(const struct outq *q);
/* Held items at the cap: take no new work (room() says when again). */
bool   outq_full(struct outq *q);

/*
 * Start nothing new; items on the wire may end until deadline_ms (loop
 * time), then the rest is cancelled (cancelled() for each) and done(arg)
 * is called once, from the loop (on its next pass when nothing is on
 * the wire).
 * Items pushed afterwards are cancelled the same way.
 */
void   outq_stop(struct outq *q, int64_t deadline_ms,
                 void (*done)(void *arg), void *arg);

#endif
