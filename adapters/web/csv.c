/* csv: the CSV exports' files (csv.h). */
#include "csv.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "core.h"

static const char *const names[] = {
    [CSV_DELIVERABLES] = "deliverables.csv",
    [CSV_REVIEWS] = "reviews.csv",
    [CSV_PAYOUTS] = "payouts.csv",
};

bool
csv_file_parse(const char *name, enum csv_file *out)
{
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        if (strcmp(names[i], name) == 0) {
            *out = (enum csv_file)i;
            return true;
        }
    }
    return false;
}

const char *
csv_file_name(enum csv_file f)
{
    return names[f];
}

void
csv_text(struct buf *out, const char *s)
{
    if (s == NULL)
        return;
    bool formula = strchr("=+-@\t\r", s[0]) && s[0] != '\0';
    if (!formula && strpbrk(s, ",\"\r\n") == NULL) {
        buf_adds(out, s);
        return;
    }
    buf_addc(out, '"');
    if (formula)
        buf_addc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_addc(out, '"');
        buf_addc(out, *p);
    }
    buf_addc(out, '"');
}

/* Cells after the first of a row. */
static void
text(struct buf *out, const char *s)
{
    buf_addc(out, ',');
    csv_text(out, s);
}

static void
when(struct buf *out, int64_t ms)
{
    char s[32];
    struct tm tm;
    time_t t;

    buf_addc(out, ',');
    if (ms == INT64_MIN)
        return;
    t = (time_t)(ms / 1000 - (ms % 1000 < 0));
    if (gmtime_r(&t, &tm) && strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ",
                                      &tm))
        buf_adds(out, s);
}

static void
number(struct buf *out, int64_t n)
{
    buf_printf(out, ",%" PRId64, n);
}

/* Cents as a plain decimal: 50000 -> 500.00. */
static void
money(struct buf *out, int64_t cents)
{
    if (cents == INT64_MIN) {
        buf_addc(out, ',');
        return;
    }
    buf_printf(out, ",%s%" PRId64 ".%02" PRId64, cents < 0 ? "-" : "",
               (cents < 0 ? -cents : cents) / 100,
               (cents < 0 ? -cents : cents) % 100);
}

static void
yes_no(struct buf *out, bool v)
{
    buf_adds(out, v ? ",yes" : ",no");
}

/* The first three cells of every row: where it comes from. */
static void
row_start(struct buf *out, const char *campaign, const char *brand,
          int64_t number)
{
    char ref[128];

    csv_text(out, campaign);
    text(out, brand);
    snprintf(ref, sizeof(ref), "%s#%" PRId64, campaign, number);
    text(out, ref);
}

static void
deliverables(struct buf *out, const struct core_export *e)
{
    buf_adds(out, "campaign,brand,ref,title,creator,platform,draft due,"
                  "publish due,state,first submitted,final approval,"
                  "published,revision rounds,draft late,publish late,"
                  "fixes,fixes late\r\n");
    for (size_t i = 0; i < e->ndelivs; i++) {
        const struct core_export_deliv *d = &e->delivs[i];
        row_start(out, d->campaign, d->brand, d->number);
        text(out, d->title);
        text(out, d->creator);
        text(out, d->platform);
        when(out, d->draft_due);
        when(out, d->publish_due);
        text(out, d->state);
        when(out, d->submitted_at);
        when(out, d->approved_at);
        when(out, d->published_at);
        number(out, d->rounds);
        if (d->draft_late < 0)
            buf_addc(out, ',');
        else
            yes_no(out, d->draft_late > 0);
        yes_no(out, d->publish_late);
        number(out, d->fixes);
        number(out, d->fixes_late);
        buf_adds(out, "\r\n");
    }
}

static void
reviews(struct buf *out, const struct core_export *e)
{
    buf_adds(out, "campaign,brand,ref,title,creator,round,submitted,link,"
                  "caption,stage,decision,reviewer,decided,visible,message,"
                  "engagement,reason,override\r\n");
    for (size_t i = 0; i < e->nreviews; i++) {
        const struct core_export_review *r = &e->reviews[i];
        row_start(out, r->campaign, r->brand, r->number);
        text(out, r->title);
        text(out, r->creator);
        number(out, r->round);
        when(out, r->submitted_at);
        text(out, r->link);
        text(out, r->caption);
        text(out, r->stage);
        text(out, r->decision);
        text(out, r->reviewer);
        when(out, r->at);
        text(out, r->visible ? "pass" : "fail");
        text(out, r->message ? "pass" : "fail");
        text(out, r->engagement ? "pass" : "fail");
        text(out, r->reason);
        text(out, r->override);
        buf_adds(out, "\r\n");
    }
}

/* One row per deliverable, no totals: a totals row breaks a sheet's
 * sorting and filtering, and the sums per creator and currency are one
 * SUMIFS (or the report's own lines). */
static void
payouts(struct buf *out, const struct core_export *e)
{
    buf_adds(out, "campaign,brand,ref,title,creator,state,delivered,fee,"
                  "currency,late rule,late because,owed\r\n");
    for (size_t i = 0; i < e->ndelivs; i++) {
        const struct core_export_deliv *d = &e->delivs[i];
        bool fee = d->fee_cents != INT64_MIN;
        row_start(out, d->campaign, d->brand, d->number);
        text(out, d->title);
        text(out, d->creator);
        text(out, d->state);
        yes_no(out, d->delivered);
        money(out, d->fee_cents);
        text(out, d->currency);
        if (d->late_why)
            buf_printf(out, ",%d%%", d->late_pct);
        else
            buf_addc(out, ',');
        text(out, d->late_why);
        money(out, fee ? d->owed_cents : INT64_MIN);
        buf_adds(out, "\r\n");
    }
}

void
csv_write(struct buf *out, enum csv_file f, const struct core_export *e)
{
    switch (f) {
    case CSV_DELIVERABLES:
        deliverables(out, e);
        break;
    case CSV_REVIEWS:
        reviews(out, e);
        break;
    case CSV_PAYOUTS:
        payouts(out, e);
        break;
    }
}
