/* metrics: see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "store.h"

enum family_type { FAMILY_COUNTER, FAMILY_GAUGE };

struct family {
    const char      *name;
    enum family_type type;
    const char      *help;
};

/* Every family the registry takes.  The store-derived ones are written
 * by metrics_write() from SQL, after these. */
static const struct family families[] = {
    { "chorus_events_total", FAMILY_COUNTER,
      "Inbound events handled by the core, by kind." },
    { "chorus_commands_total", FAMILY_COUNTER,
      "Commands run, by command name." },
    { "chorus_platform_connected", FAMILY_GAUGE,
      "1 while the platform's connection is up, else 0." },
    { "chorus_platform_reconnects_total", FAMILY_COUNTER,
      "Connections (re)opened after the first, by platform." },
    { "chorus_platform_429_total", FAMILY_COUNTER,
      "Rate-limit answers (HTTP 429) received, by platform." },
};

struct series {
    const struct family *f;
    const char          *label;
    char                 value[64];
    double               v;
};

static struct series series[METRICS_MAX_SERIES];
static size_t nseries;
static bool full_logged;

static const struct family *
family_find(const char *name)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(*families); i++)
        if (strcmp(families[i].name, name) == 0)
            return &families[i];
    return NULL;
}

static struct series *
series_find(const char *family, const char *label, const char *value,
            bool create)
{
    const struct family *f = family_find(family);
    char v[64];

    if (!f) {
        log_error("metrics", "no family %s", family);
        return NULL;
    }
    snprintf(v, sizeof(v), "%s", value ? value : "");
    for (size_t i = 0; i < nseries; i++)
        if (series[i].f == f && strcmp(series[i].value, v) == 0 &&
            (series[i].label == label ||
             (label && series[i].label &&
              strcmp(series[i].label, label) == 0)))
            return &series[i];
    if (!create)
        return NULL;
    if (nseries == METRICS_MAX_SERIES) {
        if (!full_logged)
            log_error("metrics", "more than %d series: new ones dropped",
                      METRICS_MAX_SERIES);
        full_logged = true;
        return NULL;
    }
    struct series *s = &series[nseries++];
    s->f = f;
    s->label = label;
    memcpy(s->value, v, sizeof(v));
    s->v = 0;
    return s;
}

void
metrics_count(const char *family, const char *label, const char *value,
              int64_t n)
{
    struct series *s = series_find(family, label, value, true);
    if (s)
        s->v += (double)n;
}

void
metrics_set(const char *family, const char *label, const char *value,
            double v)
{
    struct series *s = series_find(family, label, value, true);
    if (s)
        s->v = v;
}

double
metrics_get(const char *family, const char *label, const char *value)
{
    struct series *s = series_find(family, label, value, false);
    return s ? s->v : 0;
}

/* A label value escaped as the text format wants: \\, \" and \n. */
static void
put_label(struct buf *out, const char *label, const char *value)
{
    if (!label)
        return;
    buf_printf(out, "{%s=\"", label);
    for (const char *p = value; *p; p++) {
        if (*p == '\\' || *p == '"')
            buf_addc(out, '\\');
        if (*p == '\n') {
            buf_adds(out, "\\n");
            continue;
        }
        buf_addc(out, *p);
    }
    buf_adds(out, "\"}");
}

static void
put_value(struct buf *out, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        buf_printf(out, " %.0f\n", v);
    else
        buf_printf(out, " %.6g\n", v);
}

static void
put_head(struct buf *out, const char *name, const char *type,
         const char *help)
{
    buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
put_gauge(struct buf *out, const char *name, const char *help, double v)
{
    put_head(out, name, "gauge", help);
    buf_adds(out, name);
    put_value(out, v);
}

static void
put_store(struct buf *out, struct store *st, int64_t now_ms)
{
    struct store_metrics m;

    store_metrics_read(st, now_ms, &m);
    put_gauge(out, "chorus_outbox_backlog",
              "Outbox rows not yet delivered (pending or retrying).",
              (double)m.outbox_backlog);
    put_gauge(out, "chorus_outbox_oldest_pending_seconds",
              "Age of the oldest undelivered outbox row.",
              (double)m.oldest_pending_ms / 1000.0);
    put_head(out, "chorus_delivery_latency_seconds", "summary",
             "From outbox write to platform acceptance, delivered rows.");
    buf_adds(out, "chorus_delivery_latency_seconds_sum");
    put_value(out, (double)m.latency_sum_ms / 1000.0);
    buf_adds(out, "chorus_delivery_latency_seconds_count");
    put_value(out, (double)m.delivered);
    put_gauge(out, "chorus_jobs_pending", "Scheduled jobs not yet run.",
              (double)m.jobs_pending);
    put_gauge(out, "chorus_escalations_open",
              "Escalations open or acknowledged, not resolved.",
              (double)m.escalations_open);
}

void
metrics_write(struct buf *out, struct store *st, int64_t now_ms)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(*families); i++) {
        const struct family *f = &families[i];

        put_head(out, f->name,
                 f->type == FAMILY_COUNTER ? "counter" : "gauge", f->help);
        for (size_t j = 0; j < nseries; j++) {
            if (series[j].f != f)
                continue;
            buf_adds(out, f->name);
            put_label(out, series[j].label, series[j].value);
            put_value(out, series[j].v);
        }
    }
    if (st)
        put_store(out, st, now_ms);
}
