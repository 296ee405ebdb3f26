/*
 * fuzz_when: the <when> parser (core/when.c) and the duration and clock
 * readers, and the formatting of whatever they accept.
 *
 * The first byte picks the reader's zone and the default minute of a bare
 * date; the rest is the text typed.  What is accepted must lie within
 * the span when_parse promises (ten years of now) and format without
 * overrunning its buffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const zones[] = {
    "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC",
    "Australia/Lord_Howe", "Pacific/Chatham", "America/Havana",
    "Asia/Beirut",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

/* Tue 2026-12-01 08:00 UTC. */
#define NOW_MS 1796112000000LL
#define SPAN_MS (10LL * 366 * MS_PER_DAY)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const char *zone = zones[data[0] % NZONES];
    char *text = malloc(size);
    if (text == NULL)
        abort();
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    struct when_options opt = {
        .zone = zone,
        .now_ms = NOW_MS + (int64_t)(data[0] >> 3) * 3 * MS_PER_HOUR,
        .date_only_minute = (data[0] & 1) ? 0 : 18 * 60,
    };
    struct when_result r;
    struct ch_error err = { .status = CH_OK };
    char out[96];
    if (when_parse(text, &opt, &r, &err) == CH_OK) {
        int64_t d = r.utc_ms - opt.now_ms;
        if (d > SPAN_MS || d < -SPAN_MS) {
            fprintf(stderr, "fuzz: \"%s\" accepted %lld ms from now\n", text,
                    (long long)d);
            abort();
        }
        for (int style = WHEN_LONG; style <= WHEN_ISO; style++)
            when_format(r.utc_ms, zone, opt.now_ms, (enum when_style)style,
                        out, sizeof(out));
        when_format_day(when_local_date(zone, r.utc_ms), true, out,
                        sizeof(out));
    } else if (err.user[0] == '\0') {
        fprintf(stderr, "fuzz: \"%s\" refused without a reason\n", text);
        abort();
    }
    int64_t ms;
    if (when_duration_parse(text, &ms))
        when_duration_format(ms, out, sizeof(out));
    int minute;
    if (when_clock_parse(text, &minute) && (minute < 0 || minute >= 24 * 60))
        abort();
    free(text);
    return 0;
}
