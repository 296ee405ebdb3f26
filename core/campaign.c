/* Campaign views shared by commands and the pinned status message. */
#include <string.h>

#include "core_internal.h"
#include "escalation.h"
#include "standup.h"
#include "tz.h"
#include "when.h"

const char *
campaign_deliv_ref(struct ctx *c, const struct deliverable *d)
{
    return arena_printf(c->a, "%s#%d", d->slug, d->number);
}


const char *
campaign_window_text(struct ctx *c, const struct campaign *cp)
{
    /* Dates, not instants: every reader sees the days that were set.
     * The year shows when either end needs it, once if they share it. */
    int64_t today = when_local_date(cp->zone, c->now);
    bool year = (cp->from_day != 0 &&
                 when_day_needs_year(cp->from_day, today)) ||
                (cp->to_day != 0 &&
                 when_day_needs_year(cp->to_day, today));
    int y1 = 0, y2 = 0, m, d;
    if (cp->from_day != 0)
        tz_civil_from_days(cp->from_day, &y1, &m, &d);
    if (cp->to_day != 0)
        tz_civil_from_days(cp->to_day, &y2, &m, &d);
    char from[40] = "…", to[40] = "…";
    if (cp->from_day != 0)
        when_format_day(cp->from_day, year && y1 != y2, from, sizeof(from));
    if (cp->to_day != 0)
        when_format_day(cp->to_day, year, to, sizeof(to));
    if (year && cp->to_day == 0)
        when_format_day(cp->from_day, true, from, sizeof(from));
    return arena_printf(c->a, "%s – %s", from, to);
}

const char *
campaign_deliv_words(const struct deliverable *d)
{
    switch (d->state) {
    case DELIV_SUBMITTED:
        return d->stage == STAGE_BRAND ? "awaiting brand approval"
                                       : "submitted, awaiting review";
    case DELIV_CHANGES_REQUESTED:
        return "waiting for changes";
    default:
        return model_deliverable_states[d->state];
    }
}

static bool
on_track(const struct deliverable *d, int64_t now)
{
    if (d->state == DELIV_REJECTED || d->state == DELIV_MISSED ||
        d->state == DELIV_CANCELLED)
        return false;
    return !(d->state == DELIV_PLANNED && d->draft_due < now);
}

/* Which deliverables are owned (their creator is still a creator here)
 * and how many of those are on track. */
static int
owned_on_track(struct ctx *c, const struct deliverable *ds, size_t nd,
               const struct participant *ps, size_t np, bool *owned)
{
    int tracking = 0;
    for (size_t j = 0; j < nd; j++) {
        owned[j] = false;
        for (size_t i = 0; i < np && !owned[j]; i++)
            owned[j] = ps[i].role == ROLE_CREATOR &&
                       ps[i].person_id == ds[j].creator_id;
        tracking += owned[j] && on_track(&ds[j], c->now);
    }
    return tracking;
}

/* The first lines of a status: the campaign, how much is on track, its
 * window. */
static void
status_header(struct ctx *c, const struct campaign *cp, int tracking,
              size_t nd, struct buf *out)
{
    buf_printf(out, "%s", cp->slug);
    if (cp->title)
        buf_printf(out, " — %s", cp->title);
    buf_printf(out, " (brand %s%s%s) · %s", cp->brand,
               cp->agency ? ", agency " : "", cp->agency ? cp->agency : "",
               model_campaign_states[cp->state]);
    if (cp->need)
        buf_printf(out, " · %d of %d needed pieces on track", tracking,
                   cp->need);
    else
        buf_printf(out, " · %d of %zu pieces on track", tracking, nd);
    if (cp->from_day != 0 || cp->to_day != 0)
        buf_printf(out, "\nWindow: %s", campaign_window_text(c, cp));
}

/* The campaign's open escalations; false (having said "none") when
 * there are none. */
static bool
open_escalations(struct ctx *c, const struct campaign *cp,
                 struct escalation **es, size_t *ne, struct buf *out)
{
    store_escalation_list_open(c->st, c->a, cp->id, es, ne);
    if (*ne == 0)
        buf_adds(out, "\nOpen escalations: none");
    return *ne != 0;
}

/* How long text may be once an adapter has rendered it: a marker (a
 * person, a channel, a time) may grow into a mention or a date token,
 * so each counts as MARK_WIDTH characters; other bytes count one each,
 * which over-counts multi-byte characters, never under-counts. */
#define MARK_WIDTH 64
static size_t
rendered_width(const char *s, size_t from)
{
    size_t n = 0;
    bool mark = false;

    for (const char *p = s + from; *p; p++) {
        if (*p == '\001') {
            mark = true;
            n += MARK_WIDTH;
        } else if (*p == '\002') {
            mark = false;
        } else if (!mark) {
            n++;
        }
    }
    return n;
}

static void status_full(struct ctx *c, const struct campaign *cp,
                        const struct person *reader,
                        const struct deliverable *ds, size_t nd,
                        const struct participant *ps, size_t np,
                        struct buf *out);
static void status_summary(struct ctx *c, const struct campaign *cp,
                           const struct person *reader,
                           const struct deliverable *ds, size_t nd,
                           const struct participant *ps, size_t np,
                           size_t budget, struct buf *out);

void
campaign_status_text(struct ctx *c, const struct campaign *cp,
                     const struct person *reader, struct buf *out)
{
    /* The pinned message is edited in place and cannot be split: past
     * what every platform takes in one message, it becomes a summary.
     * A reply may be split by the adapter, so it keeps every line. */
    size_t start = out->len;
    size_t budget = reader ? STATUS_REPLY_MAX : STATUS_PIN_MAX;
    struct deliverable *ds;
    size_t nd;
    store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
    struct participant *ps;
    size_t np;
    store_participant_list(c->st, c->a, cp->id, ROLE_ANY_PARTICIPANT, &ps, &np);
    status_full(c, cp, reader, ds, nd, ps, np, out);
    if (rendered_width(buf_cstr(out), start) <= budget)
        return;
    out->len = start;
    out->data[start] = '\0';
    status_summary(c, cp, reader, ds, nd, ps, np, budget, out);
}

static bool
deliv_late(const struct deliverable *d, int64_t now)
{
    bool drafting = d->state == DELIV_PLANNED ||
                    d->state == DELIV_CHANGES_REQUESTED;
    return (drafting && d->draft_due < now) ||
           (model_deliverable_open(d->state) && d->publish_at < now) ||
           d->state == DELIV_MISSED;
}

static bool
deliv_at_risk(const struct deliverable *d, int64_t now)
{
    return d->state == DELIV_PLANNED && d->draft_due >= now &&
           d->draft_due - now < 48 * 3600 * 1000LL;
}

/* Appends line (with its leading "\n") while the summary stays within
 * STATUS_PIN_MAX; false once it would not. */
static bool
fit_line(struct buf *out, size_t start, size_t budget, const char *line)
{
    if (rendered_width(buf_cstr(out), start) + rendered_width(line, 0) +
            STATUS_MORE_ROOM > budget)
        return false;
    buf_adds(out, line);
    return true;
}

static void
status_summary(struct ctx *c, const struct campaign *cp,
               const struct person *reader, const struct deliverable *ds,
               size_t nd, const struct participant *ps, size_t np,
               size_t budget, struct buf *out)
{
    size_t start = out->len;
    size_t per_state[DELIV_CANCELLED + 1] = { 0 };
    size_t late = 0, risk = 0;
    for (size_t j = 0; j < nd; j++) {
        per_state[ds[j].state]++;
        late += deliv_late(&ds[j], c->now);
        risk += deliv_at_risk(&ds[j], c->now);
    }
    bool *owned = arena_alloc(c->a, (nd ? nd : 1) * sizeof(*owned));
    status_header(c, cp, owned_on_track(c, ds, nd, ps, np, owned), nd, out);
    if (reader)
        buf_printf(out, "\nSummary of %zu deliverables (too many to list "
                   "each with its dates):", nd);
    else
        buf_printf(out, "\nSummary of %zu deliverables (status %s for "
                   "more):", nd, cp->slug);
    const char *sep = "\n  ";
    for (int st = 0; st <= DELIV_CANCELLED; st++)
        if (per_state[st]) {
            buf_printf(out, "%s%zu %s", sep, per_state[st],
                       model_deliverable_states[st]);
            sep = " · ";
        }

    /* A line per creator (how many, how many done), up to half the room,
     * written first so the late ones cannot crowd them out. */
    size_t creators = 0, shown = 0;
    for (size_t i = 0; i < np; i++)
        creators += ps[i].role == ROLE_CREATOR;
    struct buf cre = BUF_INIT;
    if (creators)
        buf_printf(&cre, "\nCreators (%zu):", creators);
    for (size_t i = 0; i < np; i++) {
        if (ps[i].role != ROLE_CREATOR)
            continue;
        size_t mine = 0, done = 0, behind = 0;
        for (size_t j = 0; j < nd; j++) {
            if (ds[j].creator_id != ps[i].person_id)
                continue;
            mine++;
            done += ds[j].state == DELIV_APPROVED ||
                    ds[j].state == DELIV_PUBLISHED;
            behind += deliv_late(&ds[j], c->now);
        }
        const char *line = arena_printf(
            c->a, "\n  %s · %zu deliverable%s · %zu approved or published%s",
            ctx_mark_person(c, ps[i].person_id), mine, mine == 1 ? "" : "s",
            done,
            behind ? arena_printf(c->a, " · %zu late", behind) : "");
        if (!fit_line(&cre, 0, budget / 2, line))
            break;
        shown++;
    }
    if (shown < creators)
        buf_printf(&cre, "\n  … and %zu more", creators - shown);

    size_t used = rendered_width(buf_cstr(&cre), 0) + STATUS_MORE_ROOM;
    size_t late_budget = budget > used ? budget - used : 0;
    /* The ones that need someone: late first, then at risk. */
    size_t listed_late = 0;
    if (late + risk) {
        buf_printf(out, "\nLate (%zu) or at risk (%zu):", late, risk);
        for (int pass = 0; pass < 2; pass++)
            for (size_t j = 0; j < nd; j++) {
                const struct deliverable *d = &ds[j];
                if (pass == 0 ? !deliv_late(d, c->now)
                              : !deliv_at_risk(d, c->now))
                    continue;
                const char *line = arena_printf(
                    c->a, "\n  #%d %.40s · %s · %s · %s %s", d->number,
                    d->title, d->creator, campaign_deliv_words(d),
                    pass == 0 ? "late, was due" : "draft due",
                    ctx_time_reader(c, reader,
                                    d->state == DELIV_PLANNED ||
                                    d->state == DELIV_CHANGES_REQUESTED
                                        ? d->draft_due : d->publish_at));
                if (!fit_line(out, start, late_budget, line))
                    goto listed;
                listed_late++;
            }
    listed:
        if (listed_late < late + risk)
            buf_printf(out, "\n  … and %zu more", late + risk - listed_late);
    }
    buf_add(out, cre.data ? cre.data : "", cre.len);
    buf_free(&cre);

    /* A reply has room for the deliverables themselves, a line each. */
    size_t listed = 0;
    if (reader && nd)
        buf_adds(out, "\nDeliverables:");
    for (size_t j = 0; reader && j < nd; j++) {
        const struct deliverable *d = &ds[j];
        const char *line = arena_printf(
            c->a, "\n  #%d %.60s · %s · %s · publish %s", d->number, d->title,
            d->creator, campaign_deliv_words(d),
            ctx_time_reader(c, reader, d->publish_at));
        if (!fit_line(out, start, budget, line))
            break;
        listed++;
    }
    if (reader && listed < nd)
        buf_printf(out, "\n  … and %zu more", nd - listed);

    struct escalation *es;
    size_t ne;
    if (!open_escalations(c, cp, &es, &ne, out))
        return;
    buf_printf(out, "\nOpen escalations: %zu", ne);
    const char *lead = ":";
    for (size_t i = 0; i < ne; i++) {
        const char *item = arena_printf(c->a, "%s E%lld", lead,
                                        (long long)es[i].id);
        if (!fit_line(out, start, budget, item)) {
            buf_printf(out, " …");
            break;
        }
        lead = ",";
    }
}

static void
status_full(struct ctx *c, const struct campaign *cp,
            const struct person *reader, const struct deliverable *ds,
            size_t nd, const struct participant *ps, size_t np,
            struct buf *out)
{
    /* A deliverable whose creator is no longer a creator here is nobody's
     * work: it is not on track, and is listed apart, under its own name. */
    bool *owned = arena_alloc(c->a, (nd ? nd : 1) * sizeof(*owned));
    int tracking = owned_on_track(c, ds, nd, ps, np, owned);
    size_t orphans = 0;
    for (size_t j = 0; j < nd; j++)
        orphans += !owned[j];
    status_header(c, cp, tracking, nd, out);

    struct buf team = BUF_INIT;
    for (size_t i = 0; i < np; i++)
        if (ps[i].role != ROLE_CREATOR)
            buf_printf(&team, "%s%s (%s)", team.len ? ", " : "",
                       ctx_mark_person(c, ps[i].person_id),
                       model_role_name(ps[i].role));
    if (team.len)
        buf_printf(out, "\nTeam: %s", buf_cstr(&team));
    buf_free(&team);

    for (size_t i = 0; i < np; i++) {
        if (ps[i].role != ROLE_CREATOR)
            continue;
        buf_printf(out, "\n%s (creator%s%s)",
                   ctx_mark_person(c, ps[i].person_id), ps[i].tier ? ", " : "",
                   ps[i].tier ? ps[i].tier : "");
        bool any = false;
        for (size_t j = 0; j < nd; j++) {
            const struct deliverable *d = &ds[j];
            if (d->creator_id != ps[i].person_id)
                continue;
            any = true;
            buf_printf(out, "\n  #%d %s%s%s · %s", d->number, d->title,
                       d->platform ? " · " : "",
                       d->platform ? d->platform : "", campaign_deliv_words(d));
            if (d->rounds)
                buf_printf(out, " (revisions: %d)", d->rounds);
            buf_printf(out, " · draft %s · publish %s",
                       ctx_time_reader(c, reader, d->draft_due),
                       ctx_time_reader(c, reader, d->publish_at));
            const char *standup = standup_last_words(c, d->id, reader);
            if (standup)
                buf_printf(out, "\n    standup %s", standup);
        }
        if (!any)
            buf_printf(out, "\n  no deliverables yet");
    }
    /* Deliverables whose creator has left stay visible, under a heading
     * of their own: indented after the last creator, they read as hers. */
    if (orphans)
        buf_adds(out, "\nNo longer in the campaign:");
    for (size_t j = 0; j < nd; j++)
        if (!owned[j])
            buf_printf(out, "\n  #%d %s · %s (%s)", ds[j].number,
                       ds[j].title, campaign_deliv_words(&ds[j]),
                       ds[j].creator);

    struct escalation *es;
    size_t ne;
    if (!open_escalations(c, cp, &es, &ne, out))
        return;
    buf_adds(out, "\nOpen escalations:");
    for (size_t i = 0; i < ne; i++) {
        const char *subject = cp->slug;
        if (es[i].deliverable_id) {
            struct deliverable d;
            if (store_deliverable_by_id(c->st, c->a, es[i].deliverable_id,
                                        &d) == CH_OK)
                subject = campaign_deliv_ref(c, &d);
        }
        buf_printf(out, "\n  E%lld %s · %s · %s", (long long)es[i].id,
                   subject, escalation_standing(c, &es[i]), es[i].reason);
    }
}

void
campaign_refresh_status(struct ctx *c, const struct campaign *cp)
{
    /* Re-read: the caller's copy may predate this unit of work's changes. */
    struct campaign fresh;
    if (store_campaign_get(c->st, c->a, cp->id, &fresh) != CH_OK)
        return;
    for (size_t i = 0; i < c->core->nadapters; i++) {
        const char *platform = adapter_name(c->core->adapters[i]);
        struct channel_row ch;
        if (store_channel_get(c->st, c->a, cp->id, platform, &ch) != CH_OK ||
            ch.status_msg == 0)
            continue;
        struct buf text = BUF_INIT;
        buf_adds(&text, "Status: ");
        campaign_status_text(c, &fresh, NULL, &text);
        ctx_queue_update(c, platform, ch.status_msg,
                         arena_strdup(c->a, buf_cstr(&text)));
        buf_free(&text);
    }
}

const char *
campaign_money(struct ctx *c, int64_t cents, const char *currency)
{
    return arena_printf(c->a, "%lld.%02lld %s", (long long)(cents / 100),
                        (long long)(cents % 100), currency);
}
