/* timeline: the active campaigns and their publish dates, across brands
 * and agencies, in the reader's zone, with publishing collisions marked. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "core_internal.h"
#include "when.h"

#define TIMELINE_DAYS 31        /* days listed; the rest summarised */
#define TIMELINE_MAX  12000     /* characters, well within what the
                                   adapters split into a few messages */

/* Whether the reader may see campaign cp: she takes part in it, leads its
 * brand in any campaign (brand_ids), or is an admin. */
static bool
may_see(struct ctx *c, const struct campaign *cp, const int64_t *brand_ids,
        size_t nbrands)
{
    if (c->caller_admin ||
        store_participant_role_in(c->st, cp->id, c->caller.id, NULL, c->a))
        return true;
    for (size_t i = 0; i < nbrands; i++)
        if (brand_ids[i] == cp->brand_id)
            return true;
    return false;
}

struct slot {
    const struct deliverable *d;
    const struct campaign    *cp;
    bool                      collides;
};

static int
by_publish(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;
    if (x->d->publish_at != y->d->publish_at)
        return x->d->publish_at < y->d->publish_at ? -1 : 1;
    int s = strcmp(x->d->slug, y->d->slug);
    return s ? s : x->d->number - y->d->number;
}

/* conflict.c's rule: one brand, two campaigns, one platform, closer than
 * the collision interval.  Sorted by time, so only neighbours count. */
static void
mark_collisions(struct ctx *c, struct slot *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            if (s[j].d->publish_at - s[i].d->publish_at >=
                c->set->collision_interval_ms)
                break;
            if (s[i].cp->brand_id == s[j].cp->brand_id &&
                s[i].cp->id != s[j].cp->id && s[i].d->platform &&
                s[j].d->platform &&
                strcasecmp(s[i].d->platform, s[j].d->platform) == 0)
                s[i].collides = s[j].collides = true;
        }
}

static bool
dated(const struct deliverable *d)
{
    return d->state != DELIV_CANCELLED && d->state != DELIV_REJECTED &&
           d->state != DELIV_MISSED;
}

enum ch_status
cmd_view_timeline(struct ctx *c)
{
    const char *name = command_arg_text(c, "brand");
    struct brand b = { 0 };
    if (name && store_brand_by_name(c->st, c->a, name, &b) != CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "there is no brand \"%.60s\" (brand names come with "
                       "their campaigns: status lists yours)", name);
    struct campaign *all;
    size_t n;
    if (store_campaign_list_for(c->st, c->a, 0, &all, &n) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "could not read the campaigns");
    /* The brands the reader leads somewhere. */
    int64_t *led = arena_alloc(c->a, (n ? n : 1) * sizeof(*led));
    size_t nled = 0;
    for (size_t i = 0; i < n; i++)
        if (store_participant_role_in(c->st, all[i].id, c->caller.id, NULL,
                                      c->a) & ROLE_BRAND)
            led[nled++] = all[i].brand_id;

    struct campaign **shown = arena_alloc(c->a, (n ? n : 1) * sizeof(*shown));
    size_t ns = 0, nslots = 0, cap = 64;
    struct slot *slots = arena_alloc(c->a, cap * sizeof(*slots));
    for (size_t i = 0; i < n; i++) {
        struct campaign *cp = &all[i];
        if (cp->state != CAMPAIGN_ACTIVE || (name && cp->brand_id != b.id) ||
            !may_see(c, cp, led, nled))
            continue;
        shown[ns++] = cp;
        struct deliverable *ds;
        size_t nd;
        store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
        for (size_t j = 0; j < nd; j++) {
            if (!dated(&ds[j]))
                continue;
            if (nslots == cap) {
                struct slot *more = arena_alloc(c->a, 2 * cap * sizeof(*more));
                memcpy(more, slots, cap * sizeof(*more));
                slots = more;
                cap *= 2;
            }
            slots[nslots++] = (struct slot){ .d = &ds[j], .cp = cp };
        }
    }
    const char *of = name ? arena_printf(c->a, " of %s", b.name) : "";
    if (ns == 0) {
        ctx_reply(c, "No active campaigns%s%s.", of,
                  c->caller_admin ? "" : " that you take part in or lead");
        return CH_OK;
    }
    qsort(slots, nslots, sizeof(*slots), by_publish);
    mark_collisions(c, slots, nslots);

    struct buf out = BUF_INIT;
    buf_printf(&out, "Timeline%s: %zu active campaign%s, times in %s", of, ns,
               ns == 1 ? "" : "s", c->caller_zone);
    for (size_t i = 0; i < ns; i++)
        buf_printf(&out, "\n  %s (%s%s%s) · %s", shown[i]->slug,
                   shown[i]->brand, shown[i]->agency ? ", " : "",
                   shown[i]->agency ? shown[i]->agency : "",
                   shown[i]->from_day || shown[i]->to_day
                       ? campaign_window_text(c, shown[i])
                       : "no window set");

    /* A line per day from today, for TIMELINE_DAYS days with publish
     * dates and TIMELINE_MAX characters at most; the rest in one line. */
    int64_t today = when_local_date(c->caller_zone, c->now);
    size_t past = 0, i = 0, days = 0, collisions = 0;
    while (i < nslots &&
           when_local_date(c->caller_zone, slots[i].d->publish_at) < today) {
        past++;
        i++;
    }
    if (i < nslots)
        buf_adds(&out, "\nPublish dates:");
    else
        buf_adds(&out, "\nNo publish dates from today on.");
    int64_t day = INT64_MIN;
    size_t day_start = 0;
    for (; i < nslots; i++) {
        const struct slot *s = &slots[i];
        int64_t d = when_local_date(c->caller_zone, s->d->publish_at);
        if (out.len > TIMELINE_MAX)
            break;
        if (d != day) {
            if (days == TIMELINE_DAYS)
                break;
            char label[32];
            when_format(s->d->publish_at, c->caller_zone, c->now, WHEN_DATE,
                        label, sizeof(label));
            buf_printf(&out, "\n  %s:", label);
            day = d;
            day_start = out.len;
            days++;
        }
        char iso[32];
        when_format(s->d->publish_at, c->caller_zone, c->now, WHEN_ISO, iso,
                    sizeof(iso));
        buf_printf(&out, "%s%s#%d%s%s %s%s", out.len == day_start ? " " : " · ",
                   s->d->slug, s->d->number, s->d->platform ? " " : "",
                   s->d->platform ? s->d->platform : "", iso + 11,
                   s->collides ? " ⚠" : "");
        collisions += s->collides;
    }
    if (i < nslots) {
        char label[32];
        when_format(slots[nslots - 1].d->publish_at, c->caller_zone, c->now,
                    WHEN_DATE, label, sizeof(label));
        buf_printf(&out, "\n  … and %zu more through %s", nslots - i, label);
    }
    if (past)
        buf_printf(&out, "\n(%zu publish date%s before today not shown)", past,
                   past == 1 ? "" : "s");
    if (collisions) {
        char gap[48];
        when_duration_format(c->set->collision_interval_ms, gap, sizeof(gap));
        buf_printf(&out, "\n⚠ publishing collision: the same brand on the "
                   "same platform less than %s apart (conflicts lists them)",
                   gap);
    }
    ctx_reply(c, "%s", buf_cstr(&out));
    buf_free(&out);
    return CH_OK;
}

/* --- scorecard ---------------------------------------------------------- */

bool
cmd_view_may_score(struct ctx *c, const struct person *who)
{
    if (c->caller_admin || c->caller.id == who->id)
        return true;
    struct campaign *list;
    size_t n;
    if (store_campaign_list_for(c->st, c->a, who->id, &list, &n) != CH_OK)
        return false;
    for (size_t i = 0; i < n; i++)
        if (store_participant_role_in(c->st, list[i].id, c->caller.id, NULL,
                                      c->a) &
            (ROLE_COORDINATOR | ROLE_AGENCY | ROLE_BRAND))
            return true;
    return false;
}

/* "3 of 4 (75%)", or "none yet" when nothing was due. */
static const char *
of(struct ctx *c, int won, int total)
{
    if (total == 0)
        return "none due yet";
    return arena_printf(c->a, "%d of %d (%d%%)", won, total,
                        (200 * won + total) / (2 * total));
}

void
cmd_view_scorecard_text(struct ctx *c, const struct person *who, struct buf *out)
{
    struct scorecard s;
    store_scorecard(c->st, who->id, c->now, &s);
    buf_printf(out, "Scorecard of %s: %d deliverable%s in %d campaign%s "
               "(cancelled ones left out)", ctx_mark_person(c, who->id),
               s.deliverables, s.deliverables == 1 ? "" : "s", s.campaigns,
               s.campaigns == 1 ? "" : "s");
    buf_printf(out, "\n  Drafts on time: %s", of(c, s.drafts_on_time,
                                                   s.drafts));
    buf_printf(out, "\n  Fixes within the fix window: %s",
               of(c, s.fixes_on_time, s.fixes));
    buf_printf(out, "\n  Published on time: %s",
               of(c, s.publishes_on_time, s.publishes));
    int tenths = s.submitted ? (20 * s.rounds + s.submitted) /
                                   (2 * s.submitted) : 0;
    if (s.submitted)
        buf_printf(out, "\n  Revision rounds: %d.%d on average (%d over "
                   "%d submitted deliverable%s)", tenths / 10, tenths % 10,
                   s.rounds, s.submitted, s.submitted == 1 ? "" : "s");
    else
        buf_adds(out, "\n  Revision rounds: nothing submitted yet");
    buf_printf(out, "\n  Final approvals won: %d of %d submitted",
               s.approvals, s.submitted);
    buf_printf(out, "\n  Standups answered: %s",
               s.standups_asked ? of(c, s.standups_answered, s.standups_asked)
                                : "none asked yet");
    buf_printf(out, "\n  Escalations about this work: %d", s.escalations);
    if (s.escalations)
        buf_printf(out, " (%d still open)", s.escalations_open);
    buf_printf(out, "\n  Kudos received: %d", s.kudos);
    if (s.kudos)
        buf_printf(out, " (from %d %s)", s.kudos_from,
                   s.kudos_from == 1 ? "person" : "people");
}

enum ch_status
cmd_view_scorecard(struct ctx *c)
{
    const struct person *who = command_arg(c, "person")->person;
    if (!cmd_view_may_score(c, who))
        return ch_fail(&c->err, CH_DENIED,
                       "scorecard: %s's scorecard is for %s and for the "
                       "coordinators, agency and brand leads of a campaign "
                       "%s is in (or an admin); you may see your own",
                       who->name, who->name, who->name);
    struct buf out = BUF_INIT;
    cmd_view_scorecard_text(c, who, &out);
    ctx_reply(c, "%s", buf_cstr(&out));
    buf_free(&out);
    return CH_OK;
}
