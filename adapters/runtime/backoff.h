/*
 * backoff: exponential backoff with jitter, and the small random source
 * the adapters use for jitter (reconnect delays, the first heartbeat, the
 * 1-5 s wait after an invalid session).  The one formula of the program:
 * reconnects count with struct backoff, the outbound queue (outq.c) with
 * backoff_delay() and each request's own retry count.
 *
 * The delay before attempt n (n = 0, 1, ...) is base * 2^n capped at max,
 * with "equal jitter": half of it fixed, the other half random, so
 * reconnecting clients spread out without ever retrying at once.  The
 * random source is xorshift64*: jitter needs spread, not secrecy.
 *
 * Ownership: plain values, no allocation.
 */
#ifndef CHORUS_BACKOFF_H
#define CHORUS_BACKOFF_H

#include <stdint.h>

struct backoff {
    int64_t  base_ms;    /* delay before the first retry, before jitter */
    int64_t  max_ms;     /* cap, before jitter */
    unsigned attempt;    /* retries handed out since the last reset */
    uint64_t rng;        /* jitter state */
};

/* A seed that differs between processes and calls (time, pid, address). */
uint64_t backoff_seed(void);
/* Next raw value of the state; a zero state is replaced by a constant. */
uint64_t backoff_rand(uint64_t *state);
/* Uniform integer in [lo, hi] (hi < lo gives lo). */
int64_t backoff_rand_range(uint64_t *state, int64_t lo, int64_t hi);
/* Uniform double in [0, 1). */
double backoff_rand_unit(uint64_t *state);

/* The delay before retry n (0 for the first) of base_ms doubling up to
 * max_ms, with equal jitter: in [d/2, d]. */
int64_t backoff_delay(int64_t base_ms, int64_t max_ms, unsigned n,
                      uint64_t *rng);

void    backoff_init(struct backoff *b, int64_t base_ms, int64_t max_ms,
                     uint64_t seed);
/* The delay to wait before the next attempt; counts the attempt. */
int64_t backoff_next(struct backoff *b);
/* Success: the next failure starts from base_ms again. */
void    backoff_reset(struct backoff *b);

#endif
