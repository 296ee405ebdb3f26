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

void
campaign_status_text(struct ctx *c, const struct campaign *cp,
                     const struct person *reader, struct buf *out)
{
    struct deliverable *ds;
    size_t nd;
    store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
    struct participant *ps;
    size_t np;
    store_participant_list(c->st, c->a, cp->id, ROLE_ANY_PARTICIPANT, &ps, &np);
    /* A deliverable whose creator is no longer a creator here is nobody's
     * work: it is not on track, and is listed apart, under its own name. */
    bool *owned = arena_alloc(c->a, (nd ? nd : 1) * sizeof(*owned));
    int tracking = 0;
    size_t orphans = 0;
    for (size_t j = 0; j < nd; j++) {
        owned[j] = false;
        for (size_t i = 0; i < np && !owned[j]; i++)
            owned[j] = ps[i].role == ROLE_CREATOR &&
                       ps[i].person_id == ds[j].creator_id;
        tracking += owned[j] && on_track(&ds[j], c->now);
        orphans += !owned[j];
    }

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
    store_escalation_list_open(c->st, c->a, cp->id, &es, &ne);
    if (ne == 0) {
        buf_adds(out, "\nOpen escalations: none");
        return;
    }
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
