/*
 * metrics: the process's counters and gauges, counted where things
 * happen and written out in the Prometheus text format (version 0.0.4)
 * by whoever serves /metrics.
 *
 * A series is a family name (a string literal, "chorus_events_total")
 * and at most one label (a literal name, a copied value).  Families
 * are declared once, in metrics.c's table, with their type and help; a
 * name not in the table is refused with a log line, so a typo never
 * becomes a new family quietly.
 *
 * Process-wide, like the log: several cores in one test process add up.
 * Single-threaded: the loop's thread only (the checkpointer counts
 * nothing).  Bounded: past METRICS_MAX_SERIES series new ones are
 * dropped (and logged once); label values are cut to 63 bytes.
 */
#ifndef CHORUS_METRICS_H
#define CHORUS_METRICS_H

#include <stdint.h>

struct buf;
struct store;

#define METRICS_MAX_SERIES 512

/* Add n to a counter. */
void metrics_count(const char *family, const char *label, const char *value,
                   int64_t n);
/* Set a gauge. */
void metrics_set(const char *family, const char *label, const char *value,
                 double v);
/* The value of a series (0 when absent): for tests. */
double metrics_get(const char *family, const char *label, const char *value);
/* What the store knows at this instant (store_metrics.c). */
struct store_metrics {
    int64_t outbox_backlog;     /* pending rows */
    int64_t oldest_pending_ms;  /* now - created_at of the oldest; 0 */
    int64_t delivered;          /* sent rows */
    int64_t latency_sum_ms;     /* sum of sent_at - created_at over them */
    int64_t jobs_pending;
    int64_t escalations_open;
};
void store_metrics_read(struct store *st, int64_t now_ms,
                        struct store_metrics *out);

/* Every declared family with its HELP and TYPE lines and its series,
 * then the gauges read from the store at this instant (outbox backlog,
 * delivery latency, jobs pending, escalations open). */
void metrics_write(struct buf *out, struct store *st, int64_t now_ms);

#endif
