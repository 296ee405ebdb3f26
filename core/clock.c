#include "clock.h"

#include <time.h>

int64_t
clock_realtime_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
clock_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t
system_now(void *arg)
{
    (void)arg;
    return clock_realtime_ms();
}

static int64_t
simulated_now(void *arg)
{
    return ((struct sim_clock *)arg)->now_ms;
}

struct clock
clock_system(void)
{
    return (struct clock){ .now_ms = system_now, .arg = NULL };
}

struct clock
clock_simulated(struct sim_clock *sim)
{
    return (struct clock){ .now_ms = simulated_now, .arg = sim };
}

int64_t
clock_now(const struct clock *c)
{
    return c->now_ms(c->arg);
}
