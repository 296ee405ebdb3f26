/* rhythm: a campaign's weekly rhythm, shown, declared, changed and
 * ended (the dates and reminders it gives are rhythm.c's). */
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "nudge.h"
#include "rhythm.h"
#include "when.h"

/* The rhythm, its weeks and what follows from it, for any reader. */
static void
describe(struct ctx *c, const struct campaign *cp, const struct rhythm *r,
         const char *head)
{
    const char *from;
    int64_t week1 = rhythm_week1(cp, &from);
    int week = rhythm_week_of(week1, when_local_date(cp->zone, c->now));
    ctx_reply(c, "%s: %s; deadlines %s.", head, rhythm_days_text(c, r),
              rhythm_time_text(c, r));
    ctx_reply(c, "Week 1 is %s – %s (the week %s); %s.",
              rhythm_date_text(c, cp, week1), rhythm_date_text(c, cp, week1 + 6), from,
              week >= 1 ? arena_printf(c->a, "this is week %d", week)
                        : "it has not started yet");
    struct buf b = BUF_INIT;
    buf_printf(&b, "A deliverable added with week:<n> is due on the drafts "
               "day of week n, and publishes a week later unless publish: "
               "says otherwise.");
    if (r->day[RHYTHM_FEEDBACK] >= 0)
        buf_printf(&b, " On the feedback day reviewers are reminded of what "
                   "waits for them.");
    if (r->day[RHYTHM_REVISIONS] >= 0)
        buf_printf(&b, " Changes requested are due on the next revisions day "
                   "at least 24h away.");
    ctx_reply(c, "%s", buf_cstr(&b));
    buf_free(&b);
}

enum ch_status
cmd_rhythm_show(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct rhythm r;
    if (rhythm_get(c, cp->id, &r) == CH_OK) {
        describe(c, cp, &r, arena_printf(c->a, "Rhythm of %s", cp->slug));
        return CH_OK;
    }
    /* Only what the reader may do. */
    bool may = perm_allows(&c->set->perms, ACT_MANAGE, c->cmd->roles);
    ctx_reply(c, "%s has no rhythm.%s", cp->slug,
              may ? arena_printf(c->a, " Declare one with: rhythm %s "
                                 "brief:mon questions:tue drafts:fri "
                                 "feedback:sun revisions:wed [at:<HH:MM>]",
                                 cp->slug)
                  : "");
    return CH_OK;
}

static const char *
step_day(int day)
{
    return day >= 0 ? rhythm_day_name(day) : "none";
}

/* A day as the command takes it: "sun". */
static const char *
day_word(struct ctx *c, int day)
{
    char *w = arena_strdup(c->a, rhythm_day_name(day));
    w[0] = (char)(w[0] - 'A' + 'a');
    return w;
}

static const char *
at_text(struct ctx *c, int at_min)
{
    return at_min < 0 ? "at the end of the working day"
                      : arena_printf(c->a, "at %02d:%02d", at_min / 60,
                                     at_min % 60);
}

/* Steps that fall on one day where that is clearly wrong. */
static enum ch_status
check_order(struct ctx *c, const struct rhythm *r)
{
    int drafts = r->day[RHYTHM_DRAFTS], feedback = r->day[RHYTHM_FEEDBACK];
    int revisions = r->day[RHYTHM_REVISIONS];
    if (feedback == drafts)
        return ch_fail(&c->err, CH_INVALID,
                       "feedback:%s is the drafts day: reviewers would be "
                       "reminded before the drafts are due. Give feedback a "
                       "later day (e.g. feedback:%s)",
                       day_word(c, feedback), day_word(c, (drafts + 2) % 7));
    if (revisions >= 0 && revisions == feedback)
        return ch_fail(&c->err, CH_INVALID,
                       "revisions:%s is the feedback day: creators need time "
                       "after the feedback to revise. Give revisions a later "
                       "day (e.g. revisions:%s)", day_word(c, revisions),
                       day_word(c, (feedback + 3) % 7));
    return CH_OK;
}

/* "feedback Sun → Sat, at end of working day → 17:00"; "" when nothing
 * changed. */
static const char *
changes_text(struct ctx *c, const struct rhythm *old, const struct rhythm *r)
{
    struct buf b = BUF_INIT;
    for (int i = 0; i < RHYTHM_NSTEPS; i++)
        if (old->day[i] != r->day[i])
            buf_printf(&b, "%s%s %s → %s", b.len ? ", " : "",
                       rhythm_step_name((enum rhythm_step)i),
                       step_day(old->day[i]), step_day(r->day[i]));
    if (old->at_min != r->at_min)
        buf_printf(&b, "%sdeadlines %s → %s", b.len ? ", " : "",
                   at_text(c, old->at_min), at_text(c, r->at_min));
    const char *s = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* The reviewers who do not work on the next feedback day: their reminder
 * waits for their next working moment. */
static void
note_days_off(struct ctx *c, const struct campaign *cp,
              const struct rhythm *r)
{
    if (r->day[RHYTHM_FEEDBACK] < 0)
        return;
    struct rhythm_reviewer *rv;
    size_t n = rhythm_reviewers(c, cp->id, &rv), off = 0;
    struct buf who = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const char *zone = ctx_person_zone(c, &rv[i].p);
        int64_t day = rhythm_next_weekday(when_local_date(zone, c->now),
                                          r->day[RHYTHM_FEEDBACK]);
        if (when_local_date(zone, rhythm_feedback_at(c, &rv[i].p, day)) ==
            day)
            continue;
        buf_printf(&who, "%s%s", off ? ", " : "",
                   ctx_mark_person(c, rv[i].p.id));
        off++;
    }
    if (off)
        ctx_reply(c, "Note: %s %s not work on %s, the next feedback day: "
                  "the reminder waits for their next working day.",
                  buf_cstr(&who), off == 1 ? "does" : "do",
                  rhythm_date_text(c, cp, rhythm_next_weekday(
                                      when_local_date(cp->zone, c->now),
                                      r->day[RHYTHM_FEEDBACK])));
    buf_free(&who);
}

/* Did the dates a deliverable takes from the rhythm change? */
static bool
dates_moved(const struct rhythm *old, const struct rhythm *r)
{
    return old->day[RHYTHM_DRAFTS] != r->day[RHYTHM_DRAFTS] ||
           old->at_min != r->at_min;
}

enum ch_status
cmd_rhythm_set(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    struct rhythm r = { .campaign_id = cp->id, .at_min = -1,
                        .set_by = c->caller.id, .set_at = c->now };
    for (int i = 0; i < RHYTHM_NSTEPS; i++) {
        const struct arg *a =
            command_arg(c, rhythm_step_name((enum rhythm_step)i));
        r.day[i] = a ? (int)a->num : -1;
    }
    const struct arg *at = command_arg(c, "at");
    if (at)
        r.at_min = (int)at->num;
    enum ch_status s = check_order(c, &r);
    if (s != CH_OK)
        return s;
    struct rhythm old;
    bool had = rhythm_get(c, cp->id, &old) == CH_OK;
    const char *changed = had ? changes_text(c, &old, &r) : "";
    if (had && !*changed) {
        ctx_reply(c, "The rhythm of %s is already %s; nothing changed.",
                  cp->slug, rhythm_days_text(c, &r));
        return CH_OK;
    }
    if ((s = store_rhythm_put(c->st, &r)) != CH_OK)
        return ch_fail(&c->err, s, "could not save the rhythm of %s",
                       cp->slug);
    rhythm_plan(c, cp->id);
    const char *days = rhythm_days_text(c, &r);
    const char *when = rhythm_time_text(c, &r);
    ctx_audit(c, cp->id, cp->slug, had ? "rhythm.change" : "rhythm.set",
              "%s%s%s; deadlines %s", changed, had ? "; now " : "", days,
              when);
    if (had)
        ctx_post(c, cp->id, NULL, "%s changed the rhythm of %s: %s. Now: "
                 "%s; deadlines %s.", ctx_mark_person(c, c->caller.id),
                 cp->slug, changed, days, when);
    else
        ctx_post(c, cp->id, NULL, "%s set the rhythm of %s: %s; deadlines "
                 "%s.", ctx_mark_person(c, c->caller.id), cp->slug, days,
                 when);
    if (had)
        ctx_reply(c, "Changed the rhythm of %s: %s.", cp->slug, changed);
    describe(c, cp, &r,
             arena_printf(c->a, "%s of %s", had ? "Now the rhythm"
                                                : "Set the rhythm", cp->slug));
    struct deliverable *ds;
    size_t nd = 0;
    store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
    if (had && nd && dates_moved(&old, &r))
        ctx_reply(c, "Deliverables already planned keep their dates "
                  "(deliverable <ref> move changes one).");
    note_days_off(c, cp, &r);
    return CH_OK;
}

enum ch_status
cmd_rhythm_off(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct rhythm r;
    if (rhythm_get(c, cp->id, &r) != CH_OK)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s has no rhythm: nothing to end", cp->slug);
    enum ch_status s = rhythm_end(c, &r);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not end the rhythm of %s",
                       cp->slug);
    struct schedule sched;
    nudge_schedule_for(c, cp->id, &sched);
    const char *days = rhythm_days_text(c, &r);
    ctx_audit(c, cp->id, cp->slug, "rhythm.off", "was %s; deadlines %s",
              days, rhythm_time_text(c, &r));
    ctx_post(c, cp->id, NULL, "%s ended the rhythm of %s (%s). Deliverables "
             "keep their dates.", ctx_mark_person(c, c->caller.id), cp->slug,
             days);
    ctx_reply(c, "Ended the rhythm of %s. Deliverables keep their dates; "
              "week:<n> needs a rhythm again, reviewers get no feedback-day "
              "reminders, and changes requested have the %s fix window.",
              cp->slug, ctx_duration(c, sched.fix));
    return CH_OK;
}
