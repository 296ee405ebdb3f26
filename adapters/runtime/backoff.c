/* Exponential backoff with equal jitter; xorshift64* for the jitter. */
#include "backoff.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

uint64_t
backoff_seed(void)
{
    static uint64_t calls;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    calls++;
    uint64_t s = (uint64_t)ts.tv_sec * UINT64_C(1000000007) ^
                 (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32 ^
                 (uint64_t)(uintptr_t)&calls ^
                 calls * UINT64_C(0x9e3779b97f4a7c15);
    return s ? s : UINT64_C(88172645463325252);
}

uint64_t
backoff_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : UINT64_C(88172645463325252);
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * UINT64_C(2685821657736338717);
}

int64_t
backoff_rand_range(uint64_t *state, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(backoff_rand(state) % span);
}

double
backoff_rand_unit(uint64_t *state)
{
    /* The top 53 bits make an exact double in [0, 1). */
    return (double)(backoff_rand(state) >> 11) * (1.0 / 9007199254740992.0);
}

void
backoff_init(struct backoff *b, int64_t base_ms, int64_t max_ms,
             uint64_t seed)
{
    b->base_ms = base_ms > 0 ? base_ms : 1;
    b->max_ms = max_ms >= b->base_ms ? max_ms : b->base_ms;
    b->attempt = 0;
    b->rng = seed;
}

int64_t
backoff_delay(int64_t base_ms, int64_t max_ms, unsigned n, uint64_t *rng)
{
    int64_t d = base_ms > 0 ? base_ms : 1;
    int64_t max = max_ms > d ? max_ms : d;

    for (unsigned i = 0; i < n && d < max; i++)
        d *= 2;
    if (d > max)
        d = max;
    /* Equal jitter: [d/2, d]. */
    return d / 2 + backoff_rand_range(rng, 0, d - d / 2);
}

int64_t
backoff_next(struct backoff *b)
{
    int64_t d = backoff_delay(b->base_ms, b->max_ms, b->attempt, &b->rng);

    if (b->attempt < 64)
        b->attempt++;
    return d;
}

void
backoff_reset(struct backoff *b)
{
    b->attempt = 0;
}
