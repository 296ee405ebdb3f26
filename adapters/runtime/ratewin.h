/*
 * ratewin: a sliding-window rate limiter, "at most limit events in any
 * window_ms".  It remembers the time of the last `limit` events in a ring,
 * so it is exact where a token bucket is not: a token bucket refilled at
 * limit/window allows limit + refill inside one window, which a server
 * counting a true sliding window (the Discord gateway's 120 per 60 s)
 * punishes.  Used for the gateway send limit and Discord's global REST
 * limit (50 per second).
 *
 * Times are the caller's monotonic milliseconds.
 * Ownership: ratewin_init() allocates the ring; ratewin_free() releases it.
 */
#ifndef CHORUS_RATEWIN_H
#define CHORUS_RATEWIN_H

#include <stddef.h>
#include <stdint.h>

struct ratewin {
    int64_t *times;      /* ring of the last `limit` event times */
    size_t   limit;
    size_t   n;          /* events in the ring (<= limit) */
    size_t   head;       /* index of the oldest */
    int64_t  window_ms;
};

void    ratewin_init(struct ratewin *w, size_t limit, int64_t window_ms);
void    ratewin_free(struct ratewin *w);
/* Forget every event (a new connection starts a new count). */
void    ratewin_reset(struct ratewin *w);
/* Milliseconds until one more event fits; 0 when it fits now. */
int64_t ratewin_wait(const struct ratewin *w, int64_t now);
/* Events inside the window ending at now. */
size_t  ratewin_used(const struct ratewin *w, int64_t now);
/* Record an event (also when it did not fit: it happened anyway). */
void    ratewin_add(struct ratewin *w, int64_t now);

#endif
