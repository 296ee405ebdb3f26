/* standup: a campaign's schedule, a round now, off, the view, and the
 * creators' answers (standup.h has the rounds). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "standup.h"
#include "tz.h"
#include "when.h"

#define DEFAULT_WINDOW_MS (8 * MS_PER_HOUR)
#define RATES_SHOWN 40

/* The shortest time between two rounds of a schedule. */
static int64_t
shortest_gap(const struct standup_sched *s)
{
    int64_t prev = -1, gap = INT64_MAX;
    int64_t from = s->anchor;
    for (int64_t d = standup_next_day(s, from);
         d >= 0 && d < from + 14 * (int64_t)s->weeks + 7;
         d = standup_next_day(s, d + 1)) {
        if (prev >= 0 && (d - prev) * MS_PER_DAY < gap)
            gap = (d - prev) * MS_PER_DAY;
        prev = d;
    }
    return gap;
}

static size_t
creators_of(struct ctx *c, int64_t campaign_id)
{
    struct participant *ps;
    size_t n;
    store_participant_list(c->st, c->a, campaign_id, ROLE_CREATOR, &ps, &n);
    return n;
}

/* "Mon 7 Dec": when the next round's first prompts go. */
static const char *
next_round_words(struct ctx *c, const struct standup_sched *s)
{
    int64_t today = when_local_date(c->caller_zone, c->now);
    int64_t last = store_standup_last_day(c->st, s->campaign_id);
    int64_t day = standup_next_day(s, last >= today ? last + 1 : today);
    if (day < 0)
        return "none";
    char text[40];
    when_format_day(day, when_day_needs_year(day, today), text,
                    sizeof(text));
    return arena_strdup(c->a, text);
}

enum ch_status
cmd_standup_every(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    const struct arg *window = command_arg(c, "window");
    const struct arg *weeks = command_arg(c, "weeks");
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    if (creators_of(c, cp->id) == 0)
        return ch_fail(&c->err, CH_INVALID,
                       "%s has no creators yet, so there is nobody to ask; "
                       "add them first (add %s @name role:creator)",
                       cp->slug, cp->slug);
    int64_t today = when_local_date("UTC", c->now);
    struct standup_sched s = {
        .campaign_id = cp->id,
        .days = (unsigned)command_arg(c, "days")->num,
        .at_min = (int)command_arg(c, "HH")->num,
        .window_ms = window ? window->num : DEFAULT_WINDOW_MS,
        .weeks = weeks ? (int)weeks->num : 1,
        /* weeks:2 counts from this week: its rounds come first. */
        .anchor = today - tz_weekday_of_days(today),
        .enabled = true,
    };
    if (s.weeks < 1 || s.weeks > 8)
        return ch_fail(&c->err, CH_INVALID,
                       "weeks: is how many weeks apart the rounds are, 1 to "
                       "8 (weeks:2 is every other week); not %d", s.weeks);
    if (s.window_ms < MS_PER_HOUR)
        return ch_fail(&c->err, CH_INVALID,
                       "window: must be an hour at least, to give creators "
                       "time to answer; not %s",
                       ctx_duration(c, s.window_ms));
    int64_t gap = shortest_gap(&s);
    if (s.window_ms >= gap)
        return ch_fail(&c->err, CH_INVALID,
                       "a window of %s is as long as the %s between two "
                       "rounds, so one would still be open when the next "
                       "asks; make it shorter than %s",
                       ctx_duration(c, s.window_ms), ctx_duration(c, gap),
                       ctx_duration(c, gap));
    /* Each creator's window starts at her own 10:00: the rounds must
     * not meet across the zones either. */
    int64_t spread = standup_zone_spread(c, &s, standup_next_day(&s, today));
    if (spread && s.window_ms + spread >= gap)
        return ch_fail(&c->err, CH_INVALID,
                       "the creators' %s are %s apart across their zones, "
                       "so a window of %s would still be open when the next "
                       "round asks; make it shorter than %s",
                       arena_printf(c->a, "%02d:%02d", s.at_min / 60,
                                    s.at_min % 60),
                       ctx_duration(c, spread), ctx_duration(c, s.window_ms),
                       ctx_duration(c, gap - spread));
    enum ch_status st = store_standup_set(c->st, &s, c->caller.id, c->now);
    if (st == CH_OK)
        st = standup_plan(c, cp->id);
    if (st != CH_OK)
        return ch_fail(&c->err, st, "could not save the standup schedule");
    struct buf words = BUF_INIT;
    standup_sched_words(c, &s, &words);
    ctx_audit(c, cp->id, cp->slug, "standup.schedule", "%s",
              buf_cstr(&words));
    ctx_reply(c, "Standups for %s: %s. The next round is %s.", cp->slug,
              buf_cstr(&words), next_round_words(c, &s));
    ctx_post(c, cp->id, NULL,
             "Standups: %s. Each creator gets a direct message asking "
             "green, yellow or red for her open work; the summary comes "
             "here when the round closes.", buf_cstr(&words));
    buf_free(&words);
    return CH_OK;
}

enum ch_status
cmd_standup_off(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct standup_sched s;
    if (store_standup_get(c->st, c->a, cp->id, &s) != CH_OK || !s.enabled)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s has no standups to turn off", cp->slug);
    s.enabled = false;
    enum ch_status st = store_standup_set(c->st, &s, c->caller.id, c->now);
    if (st == CH_OK)
        st = standup_plan(c, cp->id);
    if (st != CH_OK)
        return ch_fail(&c->err, st, "could not turn the standups off");
    ctx_audit(c, cp->id, cp->slug, "standup.off", "-");
    struct standup_round r;
    bool running = store_standup_round_open(c->st, c->a, cp->id, &r) == CH_OK;
    ctx_reply(c, "Standups for %s are off.%s%s", cp->slug,
              running ? " The round under way still closes " : "",
              running ? arena_printf(c->a, "%s, with its summary.",
                                     ctx_time_for_caller(c, r.closes_at))
                      : "");
    ctx_post(c, cp->id, NULL, "Standups are off for now.");
    return CH_OK;
}

enum ch_status
cmd_standup_now(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    struct standup_round r;
    if (store_standup_round_open(c->st, c->a, cp->id, &r) == CH_OK)
        return ch_fail(&c->err, CH_CONFLICT,
                       "a %s standup is under way (R%lld) until %s; its "
                       "summary comes then", cp->slug, (long long)r.id,
                       ctx_time_for_caller(c, r.closes_at));
    size_t prompted, away;
    enum ch_status s = standup_start_now(c, cp, &r, &prompted, &away);
    if (s == CH_NOT_FOUND)
        return ch_fail(&c->err, CH_INVALID,
                       "no creator of %s has open work to report on, so "
                       "nobody was asked", cp->slug);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not start the standup");
    ctx_reply(c, "Asked %zu creator%s of %s now%s%s; answers close %s.",
              prompted, prompted == 1 ? "" : "s", cp->slug,
              away ? arena_printf(c->a, " (%zu away)", away) : "",
              prompted ? " (each in her working hours)" : "",
              ctx_time_for_caller(c, r.closes_at));
    return CH_OK;
}

enum ch_status
cmd_standup_show(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct standup_sched s;
    struct buf out = BUF_INIT;
    if (store_standup_get(c->st, c->a, cp->id, &s) != CH_OK) {
        buf_printf(&out, "%s has no standups. Start them with standup %s "
                   "every mon,thu 10:00.", cp->slug, cp->slug);
    } else {
        buf_printf(&out, "Standups for %s: ", cp->slug);
        if (s.enabled) {
            standup_sched_words(c, &s, &out);
            buf_printf(&out, ". Next round: %s.", next_round_words(c, &s));
        } else {
            buf_adds(&out, "off.");
        }
    }
    struct standup_round r;
    if (store_standup_round_last(c->st, c->a, cp->id, 0, &r) == CH_OK) {
        buf_adds(&out, r.closed_at ? "\nLast round — " : "\nUnder way — ");
        standup_summary(c, cp, &r, &c->caller, &out);
    }
    struct participant *ps;
    size_t n;
    store_participant_list(c->st, c->a, cp->id, ROLE_CREATOR, &ps, &n);
    /* Answer rates, the lowest first: who needs a word.  A campaign of
     * many creators shows the first RATES_SHOWN. */
    struct rate { int64_t id; int answered, asked; } *rs =
        arena_alloc(c->a, (n ? n : 1) * sizeof(*rs));
    size_t nr = 0;
    for (size_t i = 0; i < n; i++) {
        rs[nr].id = ps[i].person_id;
        store_standup_rate(c->st, ps[i].person_id, cp->id, &rs[nr].answered,
                           &rs[nr].asked);
        nr += rs[nr].asked > 0;
    }
    for (size_t i = 1; i < nr; i++)    /* insertion sort: stable */
        for (size_t k = i; k > 0 && (int64_t)rs[k].answered * rs[k - 1].asked <
                                        (int64_t)rs[k - 1].answered * rs[k].asked;
             k--) {
            struct rate t = rs[k];
            rs[k] = rs[k - 1];
            rs[k - 1] = t;
        }
    struct buf rates = BUF_INIT;
    for (size_t i = 0; i < nr && i < RATES_SHOWN; i++)
        buf_printf(&rates, "%s%s %d of %d", rates.len ? ", " : "",
                   ctx_mark_person(c, rs[i].id), rs[i].answered, rs[i].asked);
    if (nr > RATES_SHOWN)
        buf_printf(&rates, " and %zu more", nr - RATES_SHOWN);
    if (rates.len)
        buf_printf(&out, "\nAnswered: %s", buf_cstr(&rates));
    ctx_reply(c, "%s", buf_cstr(&out));
    buf_free(&rates);
    buf_free(&out);
    return CH_OK;
}

enum ch_status
cmd_standup_reply(struct ctx *c)
{
    return standup_reply(c, command_arg_text(c, "answer"));
}
