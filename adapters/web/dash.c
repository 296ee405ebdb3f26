/* dash: the web dashboard's pages (dash.h). */
#include "dash.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "core.h"
#include "html.h"
#include "web.h"
#include "when.h"

#define DAY_MS       86400000LL
/* The timeline picture: a label column, then the plot. */
#define SVG_WIDTH    1200
#define SVG_LABEL    300
#define SVG_RIGHT    20
#define SVG_TOP      34
#define SVG_ROW      22

struct page {
    struct core                   *core;
    struct buf                    *out;
    struct arena                  *ar;
    const struct core_dash_reader *r;
    const char                    *q;   /* "?token=..." for every link */
};

/* ---- pieces ---- */

static void
text(struct page *p, const char *s)
{
    html_escape(p->out, s);
}

/* <a href="/dashboard<path>?token=...">label</a>; path is ours, label
 * the user's. */
static void
link_to(struct page *p, const char *path, const char *label)
{
    buf_printf(p->out, "<a href=\"/dashboard%s%s\">", path, p->q);
    text(p, label);
    buf_adds(p->out, "</a>");
}

static const char *
campaign_path(struct page *p, const char *slug)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "/c/");
    html_url_escape(&b, slug);
    const char *s = arena_strdup(p->ar, buf_cstr(&b));
    buf_free(&b);
    return s;
}

static const char *
when_text(struct page *p, int64_t ms, int64_t now, enum when_style style)
{
    char t[64];
    when_format(ms, p->r->zone, now, style, t, sizeof(t));
    return arena_strdup(p->ar, t);
}

static void
page_start(struct page *p, const char *title)
{
    buf_adds(p->out,
             "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
             "<meta name=\"referrer\" content=\"no-referrer\">"
             "<meta name=\"robots\" content=\"noindex\"><title>");
    text(p, title);
    buf_adds(p->out,
             " · chorus</title><style>"
             "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;"
             "color:#1d2330;background:#fafafa}"
             "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;"
             "margin:1.4em 0 .4em}"
             "nav{color:#667;margin-bottom:1em}a{color:#1a56b0}"
             "table{border-collapse:collapse;background:#fff}"
             "th,td{border:1px solid #dde;padding:3px 8px;text-align:left}"
             "td.n{text-align:right}th{background:#eef1f6}"
             "pre{background:#fff;border:1px solid #dde;padding:.8em;"
             "white-space:pre-wrap;max-width:110ch}"
             ".state-active{color:#1a7f37}.state-draft{color:#8a6d00}"
             ".state-wrapped{color:#555}.muted{color:#667}"
             "svg{background:#fff;border:1px solid #dde;max-width:100%;"
             "height:auto}"
             "</style></head><body><nav>chorus dashboard · ");
    text(p, p->r->name);
    buf_adds(p->out, " · times in ");
    text(p, p->r->zone);
    buf_adds(p->out, " · ");
    link_to(p, "", "all campaigns");
    if (p->r->person_id) {
        char path[48];
        snprintf(path, sizeof(path), "/p/%" PRId64, p->r->person_id);
        buf_adds(p->out, " · ");
        link_to(p, path, "my scorecard");
    }
    buf_adds(p->out, "</nav>\n");
}

static void
page_end(struct page *p)
{
    buf_adds(p->out, "\n</body></html>\n");
}

static void
pre(struct page *p, const char *s)
{
    buf_adds(p->out, "<pre>");
    text(p, s);
    buf_adds(p->out, "</pre>\n");
}

/* ---- the timeline picture ---- */

struct scale {
    int64_t t0, t1;
    double  x0, x1;
};

/* Whole pixels: enough for a day at any span that fits, and integers
 * print several times faster than fractions on a page of 2 500 marks. */
static int
x_of(const struct scale *s, int64_t t)
{
    return (int)(s->x0 + (s->x1 - s->x0) * (double)(t - s->t0) /
                             (double)(s->t1 - s->t0) + 0.5);
}

/* The span the page's campaigns cover: windows, publish dates, today. */
static void
span_of(const struct core_dash_index *ix, struct scale *s)
{
    int64_t lo = ix->now, hi = ix->now;
    for (size_t i = 0; i < ix->n; i++) {
        const struct core_dash_campaign *c = &ix->c[i];
        if (c->from_ms != INT64_MIN && c->from_ms < lo)
            lo = c->from_ms;
        if (c->to_ms != INT64_MIN && c->to_ms > hi)
            hi = c->to_ms;
        for (size_t j = 0; j < c->npublish; j++) {
            if (c->publish_ms[j] < lo)
                lo = c->publish_ms[j];
            if (c->publish_ms[j] > hi)
                hi = c->publish_ms[j];
        }
    }
    s->t0 = lo - DAY_MS;
    s->t1 = hi + DAY_MS;
    s->x0 = SVG_LABEL;
    s->x1 = SVG_WIDTH - SVG_RIGHT;
}

/* Date ticks at the reader's midnights: daily, weekly (Mondays) or at
 * the first of every month or few, so that about a dozen show. */
static void
svg_ticks(struct page *p, const struct scale *s, int height)
{
    const char *zone = p->r->zone;
    int64_t d0 = when_local_date(zone, s->t0) + 1;
    int64_t d1 = when_local_date(zone, s->t1);
    int64_t span = d1 - d0 + 1;
    int months = span <= 120 ? 0 : (int)(span / 30 / 12) + 1;
    int step = span <= 21 ? 1 : 7;

    for (int64_t d = d0; d <= d1; d++) {
        if (months) {
            time_t t = (time_t)(d * 86400);
            struct tm tm;
            gmtime_r(&t, &tm);
            if (tm.tm_mday != 1 || tm.tm_mon % months != 0)
                continue;
        } else if (step == 7 && (d + 3) % 7 != 0) {  /* 1970-01-05: Mon */
            continue;
        }
        int x = x_of(s, when_day_start(zone, d));
        char label[32];
        when_format_day(d, false, label, sizeof(label));
        const char *sp = strchr(label, ' ');  /* "Mon 7 Dec": "7 Dec" */
        buf_printf(p->out,
                   "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
                   "stroke=\"#e3e6ee\"/><text x=\"%d\" y=\"%d\" "
                   "font-size=\"11\" fill=\"#667\" text-anchor=\"middle\">",
                   x, SVG_TOP - 6, x, height, x, SVG_TOP - 12);
        text(p, sp ? sp + 1 : label);
        buf_adds(p->out, "</text>");
    }
}

static void
svg_timeline(struct page *p, const struct core_dash_index *ix)
{
    struct scale s;
    int height = SVG_TOP + (int)ix->n * SVG_ROW + 8;

    span_of(ix, &s);
    buf_printf(p->out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
               "aria-label=\"timeline of campaign windows and publish "
               "dates\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"system-ui,sans-serif\">",
               SVG_WIDTH, height, SVG_WIDTH, height);
    svg_ticks(p, &s, height);
    const char *brand = NULL;
    bool shade = false;
    for (size_t i = 0; i < ix->n; i++) {
        const struct core_dash_campaign *c = &ix->c[i];
        int y = SVG_TOP + (int)i * SVG_ROW;
        /* A band per brand, so its campaigns read as a group. */
        if (!brand || strcmp(brand, c->brand) != 0) {
            shade = !shade;
            brand = c->brand;
        }
        if (shade)
            buf_printf(p->out, "<rect x=\"0\" y=\"%d\" width=\"%d\" "
                       "height=\"%d\" fill=\"#f3f6fb\"/>", y, SVG_WIDTH,
                       SVG_ROW);
        buf_printf(p->out, "<a href=\"/dashboard%s%s\"><text x=\"6\" "
                   "y=\"%d\" font-size=\"12\"><tspan fill=\"#667\">",
                   campaign_path(p, c->slug), p->q, y + 15);
        text(p, c->brand);
        buf_adds(p->out, "</tspan> <tspan fill=\"#1a56b0\">");
        text(p, c->slug);
        buf_adds(p->out, "</tspan></text></a>");
        if (c->from_ms != INT64_MIN && c->to_ms != INT64_MIN) {
            int a = x_of(&s, c->from_ms), b = x_of(&s, c->to_ms);
            buf_printf(p->out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                       "height=\"12\" rx=\"3\" fill=\"%s\"><title>",
                       a, y + 5, b - a > 1 ? b - a : 1,
                       strcmp(c->state, "active") == 0 ? "#bcd7f5"
                                                       : "#dcdfe6");
            text(p, c->slug);
            buf_adds(p->out, ": ");
            text(p, c->window);
            buf_adds(p->out, "</title></rect>");
        }
        for (size_t j = 0; j < c->npublish; j++) {
            int x = x_of(&s, c->publish_ms[j]);
            buf_printf(p->out, "<path d=\"M%d %dl4 5-4 5-4-5z\" "
                       "fill=\"#c2410c\"><title>publish ", x, y + 6);
            text(p, when_text(p, c->publish_ms[j], ix->now, WHEN_SHORT));
            buf_adds(p->out, "</title></path>");
        }
    }
    int today = x_of(&s, ix->now);
    buf_printf(p->out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
               "stroke=\"#d00\" stroke-width=\"1.5\"/><text x=\"%d\" "
               "y=\"%d\" font-size=\"11\" fill=\"#d00\" "
               "text-anchor=\"middle\">today</text></svg>\n", today,
               SVG_TOP - 4, today, height, today, SVG_TOP - 24);
}

/* ---- pages ---- */

static void
index_nav(struct page *p, size_t page, size_t pages)
{
    char path[48];
    if (pages <= 1)
        return;
    buf_printf(p->out, "<p>Page %zu of %zu · ", page, pages);
    if (page > 1) {
        snprintf(path, sizeof(path), "/page/%zu", page - 1);
        link_to(p, path, "previous");
        if (page < pages)
            buf_adds(p->out, " · ");
    }
    if (page < pages) {
        snprintf(path, sizeof(path), "/page/%zu", page + 1);
        link_to(p, path, "next");
    }
    buf_adds(p->out, "</p>\n");
}

static int
page_index(struct page *p, size_t page)
{
    struct core_dash_index ix;
    if (core_dash_index(p->core, p->r, page, p->ar, &ix) != CH_OK)
        return 404;
    size_t pages = (ix.total + CORE_DASH_PAGE - 1) / CORE_DASH_PAGE;
    page_start(p, "Campaigns");
    buf_printf(p->out, "<h1>Campaigns</h1>\n");
    if (ix.n == 0) {
        buf_adds(p->out, "<p>No campaigns to show: you take part in none "
                 "yet.</p>");
        page_end(p);
        return 200;
    }
    buf_printf(p->out, "<p class=\"muted\">%zu–%zu of %zu, by brand; bars "
               "are windows, diamonds publish dates, the red line "
               "today.</p>\n", ix.first + 1, ix.first + ix.n, ix.total);
    index_nav(p, page ? page : 1, pages);
    svg_timeline(p, &ix);
    buf_adds(p->out, "<table><tr><th>Campaign</th><th>Brand</th>"
             "<th>Agency</th><th>State</th><th>Window</th>"
             "<th>Deliverables</th><th>In the works</th>"
             "<th>Approved</th><th>Open escalations</th>"
             "<th>Next publish</th></tr>\n");
    for (size_t i = 0; i < ix.n; i++) {
        const struct core_dash_campaign *c = &ix.c[i];
        int64_t next = INT64_MAX;
        for (size_t j = 0; j < c->npublish; j++)
            if (c->publish_ms[j] >= ix.now && c->publish_ms[j] < next)
                next = c->publish_ms[j];
        buf_adds(p->out, "<tr><td>");
        link_to(p, campaign_path(p, c->slug), c->slug);
        if (c->title) {
            buf_adds(p->out, " <span class=\"muted\">");
            text(p, c->title);
            buf_adds(p->out, "</span>");
        }
        buf_adds(p->out, "</td><td>");
        text(p, c->brand);
        buf_adds(p->out, "</td><td>");
        text(p, c->agency ? c->agency : "");
        buf_printf(p->out, "</td><td class=\"state-%s\">%s</td><td>",
                   c->state, c->state);
        text(p, c->window ? c->window : "not set");
        buf_printf(p->out, "</td><td class=\"n\">%d</td><td class=\"n\">%d"
                   "</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td>",
                   c->deliverables, c->open, c->done, c->escalations);
        text(p, next == INT64_MAX ? "none"
                                  : when_text(p, next, ix.now, WHEN_LONG));
        buf_adds(p->out, "</td></tr>\n");
    }
    buf_adds(p->out, "</table>\n");
    index_nav(p, page ? page : 1, pages);
    page_end(p);
    return 200;
}

static int
page_campaign(struct page *p, const char *slug)
{
    struct core_dash_view v;
    if (core_dash_campaign(p->core, p->r, slug, p->ar, &v) != CH_OK)
        return 401;
    const struct core_dash_campaign *c = &v.head;
    page_start(p, c->slug);
    buf_adds(p->out, "<h1>");
    text(p, c->slug);
    if (c->title) {
        buf_adds(p->out, " — ");
        text(p, c->title);
    }
    buf_adds(p->out, "</h1>\n<p>");
    text(p, c->brand);
    if (c->agency) {
        buf_adds(p->out, " with ");
        text(p, c->agency);
    }
    buf_printf(p->out, " · <span class=\"state-%s\">%s</span> · ", c->state,
               c->state);
    text(p, c->window ? c->window : "no window set");
    buf_printf(p->out, " · %d deliverable%s, %d in the works, %d approved, "
               "%d open escalation%s</p>\n", c->deliverables,
               c->deliverables == 1 ? "" : "s", c->open, c->done,
               c->escalations, c->escalations == 1 ? "" : "s");

    buf_adds(p->out, "<h2>Status</h2>\n");
    pre(p, v.status);
    if (v.sees_conflicts) {
        buf_printf(p->out, "<h2>Open conflicts (%zu)</h2>\n", v.nconflicts);
        if (v.nconflicts == 0)
            buf_adds(p->out, "<p>None.</p>\n");
        else {
            buf_adds(p->out, "<ul>");
            for (size_t i = 0; i < v.nconflicts; i++) {
                buf_adds(p->out, "<li>");
                text(p, v.conflicts[i]);
                buf_adds(p->out, "</li>");
            }
            buf_adds(p->out, "</ul>\n");
        }
    }
    if (v.report) {
        buf_adds(p->out, "<h2>Report</h2>\n");
        if (*v.report)
            pre(p, v.report);
        else
            buf_adds(p->out, "<p>No deliverables yet: nothing to report."
                     "</p>\n");
    }
    buf_adds(p->out, "<h2>People</h2>\n<ul>");
    for (size_t i = 0; i < v.npeople; i++) {
        char path[48];
        snprintf(path, sizeof(path), "/p/%" PRId64, v.people[i].id);
        buf_adds(p->out, "<li>");
        link_to(p, path, v.people[i].name);
        buf_adds(p->out, " <span class=\"muted\">");
        text(p, v.people[i].role);
        buf_adds(p->out, "</span></li>");
    }
    buf_adds(p->out, "</ul>\n");
    page_end(p);
    return 200;
}

static int
page_scorecard(struct page *p, const char *id_text)
{
    char *end;
    long long id = strtoll(id_text, &end, 10);
    const char *name, *card;
    if (*id_text < '1' || *id_text > '9' || *end != '\0' ||
        core_dash_scorecard(p->core, p->r, id, p->ar, &name, &card) != CH_OK)
        return 401;
    page_start(p, name);
    buf_adds(p->out, "<h1>Scorecard of ");
    text(p, name);
    buf_adds(p->out, "</h1>\n");
    pre(p, card);
    page_end(p);
    return 200;
}

/* ---- routing under /dashboard ---- */

/* The page a path names: 'i' the index (with *page), 'c' a campaign, 'p'
 * a scorecard (with *arg), 0 none. */
static char
page_kind(const char *path, size_t *page, const char **arg)
{
    const char *rest = path + strlen("/dashboard");
    *page = 1;
    *arg = NULL;
    if (*rest == '\0' || strcmp(rest, "/") == 0)
        return 'i';
    if (strncmp(rest, "/page/", 6) == 0) {
        char *end;
        const char *n = rest + 6;
        unsigned long long v = strtoull(n, &end, 10);
        if (*n < '1' || *n > '9' || *end != '\0' || v > 1000000)
            return 0;
        *page = (size_t)v;
        return 'i';
    }
    if ((strncmp(rest, "/c/", 3) == 0 || strncmp(rest, "/p/", 3) == 0) &&
        rest[3] != '\0' && strchr(rest + 3, '/') == NULL) {
        *arg = rest + 3;
        return rest[1];
    }
    return 0;
}

int
dash_serve(struct core *core, const char *path, const char *token,
           bool admin, struct web_answer *a)
{
    size_t page;
    const char *arg;
    char kind = page_kind(path, &page, &arg);
    if (kind == 0)
        return 404;
    if (core == NULL)
        return 401;

    struct arena *ar = arena_new();
    struct core_dash_reader r;
    if (admin)
        core_dash_admin(core, &r);
    else if (core_dash_reader(core, token, ar, &r) != CH_OK) {
        arena_free(ar);
        return 401;
    }
    struct buf q = BUF_INIT;
    buf_adds(&q, "?token=");
    html_url_escape(&q, token);
    struct page p = { .core = core, .out = a->body, .ar = ar, .r = &r,
                      .q = buf_cstr(&q) };
    /* A page refused writes nothing: each asks the core first. */
    int status = kind == 'i' ? page_index(&p, page)
               : kind == 'c' ? page_campaign(&p, arg)
                             : page_scorecard(&p, arg);
    if (status == 200) {
        a->status = 200;
        a->ctype = "text/html; charset=utf-8";
    }
    buf_free(&q);
    arena_free(ar);
    return status;
}
