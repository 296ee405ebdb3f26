/*
 * bench_tz: what a zone switch costs.  tz caches the zone TZ names, so a
 * run of conversions in one zone reads its file once, while alternating
 * zones pays setenv + tzset (glibc re-reads the file) on every call.
 * Prints nanoseconds per conversion; no asserts.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "tz.h"

#define SAME_N 200000
#define SWITCH_N 20000

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Sum of results, printed so the loops cannot be optimised away. */
static int64_t sink;

static double
run_to_local(const char *a, const char *b, int n)
{
    struct local_time lt;
    int64_t t = INT64_C(1796342400000);   /* 2026-12-04 00:00 UTC */
    int64_t start = now_ns();

    for (int i = 0; i < n; i++) {
        if (tz_to_local((i & 1) ? b : a, t + (int64_t)i * 60000, &lt) ==
            CH_OK)
            sink += lt.minute;
    }
    return (double)(now_ns() - start) / n;
}

static double
run_from_local(const char *a, const char *b, int n)
{
    int64_t ms;
    int64_t start = now_ns();

    for (int i = 0; i < n; i++) {
        if (tz_from_local((i & 1) ? b : a, 2026, 12, 4, 0, i % 1440, 0, &ms,
                          NULL) == CH_OK)
            sink += ms;
    }
    return (double)(now_ns() - start) / n;
}

int
main(void)
{
    const char *berlin = "Europe/Berlin", *ny = "America/New_York";

    /* Warm the page cache so the first switch is not a disk read. */
    run_to_local(berlin, ny, 100);

    printf("tz_to_local   one zone:        %8.1f ns\n",
           run_to_local(berlin, berlin, SAME_N));
    printf("tz_to_local   alternating:     %8.1f ns\n",
           run_to_local(berlin, ny, SWITCH_N));
    printf("tz_from_local one zone:        %8.1f ns\n",
           run_from_local(berlin, berlin, SAME_N));
    printf("tz_from_local alternating:     %8.1f ns\n",
           run_from_local(berlin, ny, SWITCH_N));
    printf("(checksum %lld)\n", (long long)sink);
    return 0;
}
