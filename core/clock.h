/*
 * clock: where the core learns the time.  Injected, so a test (or the
 * console's --now) can run a month of campaign time in milliseconds.
 * All instants are UTC milliseconds since the Unix epoch.
 */
#ifndef CHORUS_CLOCK_H
#define CHORUS_CLOCK_H

#include <stdint.h>

struct clock {
    int64_t (*now_ms)(void *arg);
    void     *arg;
};

/* A manually advanced clock: tests and `chorus console --now`. */
struct sim_clock {
    int64_t now_ms;
};

int64_t      clock_now(const struct clock *c);
struct clock clock_system(void);
struct clock clock_simulated(struct sim_clock *sim);
/* Wall clock, for code outside the core (loop, adapters, logs). */
int64_t      clock_realtime_ms(void);
/* Monotonic milliseconds, for timeouts and rate limits. */
int64_t      clock_monotonic_ms(void);

#define MS_PER_SEC  INT64_C(1000)
#define MS_PER_MIN  (60 * MS_PER_SEC)
#define MS_PER_HOUR (60 * MS_PER_MIN)
#define MS_PER_DAY  (24 * MS_PER_HOUR)

#endif
