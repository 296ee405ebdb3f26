/* Standup rounds: planning, prompts, answers, reminders, the summary
 * (standup.h). */
#include "standup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "core_internal.h"
#include "escalation.h"
#include "log.h"
#include "schedule.h"
#include "tz.h"
#include "when.h"

/* The earliest zone on Earth is 14 hours ahead of UTC: a round with no
 * creators yet opens then, before any creator's local time can come. */
#define EARLIEST_ZONE_MS (14 * MS_PER_HOUR)
/* Red on a deliverable due within this opens an escalation. */
#define RED_HORIZON_MS (72 * MS_PER_HOUR)
/* Deliverable rows with their own buttons in one prompt (one more row
 * answers for all). */
#define PROMPT_ROWS (OUT_MAX_ROWS - 1)
/* A summary lists each creator's answers up to this many creators (and
 * as many with yellow or red beyond), and names up to SUMMARY_NAMES in a
 * list: a round of thousands stays one readable message. */
#define SUMMARY_FULL 25
#define SUMMARY_NAMES 40


const char *const standup_dots[] = { "🟢", "🟡", "🔴" };

const char standup_forms[] =
    "green, yellow or red, then a note if you like: \"green\", \"g\", "
    "\"🟡 waiting for the product\", \"red, sick until monday\"; for one "
    "deliverable put its number first: \"#2 red, #3 green\"";

/* --- the calendar --------------------------------------------------------- */

static int64_t
floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t
standup_next_day(const struct standup_sched *s, int64_t from)
{
    if (s->days == 0 || s->weeks < 1)
        return -1;
    for (int64_t d = from; d < from + 7 * (int64_t)s->weeks + 7; d++) {
        int wd = tz_weekday_of_days(d);
        if (!(s->days & (1u << wd)))
            continue;
        int64_t week = floor_div(d - wd - s->anchor, 7);
        if (week % s->weeks == 0)
            return d;
    }
    return -1;
}

/* The first and last of the campaign's creators' local times of a
 * round's day; false when it has no creators. */
static bool
creator_times(struct ctx *c, const struct standup_sched *s, int64_t day,
              int64_t *lo, int64_t *hi)
{
    struct participant *ps;
    size_t n;
    *lo = INT64_MAX;
    *hi = INT64_MIN;
    store_participant_list(c->st, c->a, s->campaign_id, ROLE_CREATOR, &ps,
                           &n);
    for (size_t i = 0; i < n; i++) {
        struct person p;
        if (store_people_get(c->st, c->a, ps[i].person_id, &p) != CH_OK)
            continue;
        int64_t t = when_day_at(ctx_person_zone(c, &p), day, s->at_min);
        *lo = t < *lo ? t : *lo;
        *hi = t > *hi ? t : *hi;
    }
    return *hi >= *lo;
}

/* When a round opens: its first creator's local time (the earliest zone
 * on Earth when it has none yet). */
static int64_t
round_fires_at(struct ctx *c, const struct standup_sched *s, int64_t day)
{
    int64_t lo, hi;
    return creator_times(c, s, day, &lo, &hi)
               ? lo
               : when_day_at("UTC", day, s->at_min) - EARLIEST_ZONE_MS;
}

int64_t
standup_zone_spread(struct ctx *c, const struct standup_sched *s,
                    int64_t day)
{
    int64_t lo, hi;
    return creator_times(c, s, day, &lo, &hi) ? hi - lo : 0;
}

enum ch_status
standup_plan(struct ctx *c, int64_t campaign_id)
{
    enum ch_status s = store_jobs_delete_campaign(c->st, "standup.round",
                                                  campaign_id);
    struct standup_sched sc;
    if (s != CH_OK ||
        store_standup_get(c->st, c->a, campaign_id, &sc) != CH_OK ||
        !sc.enabled)
        return s;
    int64_t from = when_local_date("UTC", c->now) - 1;
    int64_t last = store_standup_last_day(c->st, campaign_id);
    if (last >= from)
        from = last + 1;
    for (int i = 0; i < 8; i++) {
        int64_t day = standup_next_day(&sc, from);
        if (day < 0)
            return CH_OK;
        int64_t at = round_fires_at(c, &sc, day);
        if (at >= c->now) {
            struct job j = { .due_at = at, .kind = "standup.round",
                             .campaign_id = campaign_id,
                             .arg = arena_printf(c->a, "%lld",
                                                 (long long)day) };
            return schedule_job_add(c, &j);
        }
        from = day + 1;
    }
    return CH_OK;
}

/* --- who is asked about what ------------------------------------------- */

static bool
asked_about(const struct deliverable *d)
{
    return model_deliverable_open(d->state) || d->state == DELIV_APPROVED;
}

/* The next date the deliverable waits for: the draft until it is in,
 * then publishing. */
static int64_t
next_due(const struct deliverable *d, const char **what)
{
    if (d->state == DELIV_PLANNED || d->state == DELIV_CHANGES_REQUESTED) {
        *what = d->state == DELIV_PLANNED ? "draft due" : "changes, draft was due";
        return d->draft_due;
    }
    *what = d->state == DELIV_SUBMITTED ? "in review, publish" : "publish";
    return d->publish_at;
}

/* Her deliverables the prompt asks about. */
static size_t
her_work(struct ctx *c, int64_t campaign_id, int64_t person_id,
         struct deliverable **out)
{
    struct deliverable *ds;
    size_t n, k = 0;
    if (store_deliverable_list(c->st, c->a, campaign_id, person_id, &ds, &n) !=
        CH_OK)
        n = 0;
    for (size_t i = 0; i < n; i++)
        if (asked_about(&ds[i]))
            ds[k++] = ds[i];
    *out = ds;
    return k;
}

static enum ch_status close_round(struct ctx *c, const struct campaign *cp,
                                  struct standup_round *r);

/* --- opening a round ------------------------------------------------------ */

/* A round for day (adhoc: now): a prompt per creator with open work, due
 * at the schedule's time in her zone (now), or away.  CH_NOT_FOUND when
 * nobody has open work. */
static enum ch_status
open_round(struct ctx *c, const struct campaign *cp,
           const struct standup_sched *sc, int64_t day, bool adhoc,
           struct standup_round *r, size_t *prompted, size_t *away)
{
    struct participant *ps;
    size_t np;
    store_participant_list(c->st, c->a, cp->id, ROLE_CREATOR, &ps, &np);
    struct person *who = arena_alloc(c->a, (np ? np : 1) * sizeof(*who));
    int64_t *due = arena_alloc(c->a, (np ? np : 1) * sizeof(*due));
    const char **why = arena_alloc(c->a, (np ? np : 1) * sizeof(*why));
    size_t k = 0;
    int64_t opens = INT64_MAX, last_start = INT64_MIN;
    *prompted = *away = 0;
    for (size_t i = 0; i < np; i++) {
        struct deliverable *ds;
        if (store_people_get(c->st, c->a, ps[i].person_id, &who[k]) != CH_OK ||
            her_work(c, cp->id, ps[i].person_id, &ds) == 0)
            continue;
        due[k] = adhoc ? c->now
                       : when_day_at(ctx_person_zone(c, &who[k]), day,
                                  sc->at_min);
        why[k] = avail_away(c, &who[k], due[k]);
        if (due[k] < opens)
            opens = due[k];
        if (why[k] == NULL) {
            /* A prompt waits for her working hours: her window starts
             * when she can read it. */
            int64_t start = avail_next(c, &who[k], due[k]);
            if (start > last_start)
                last_start = start;
        }
        k++;
    }
    if (k == 0)
        return CH_NOT_FOUND;
    /* One round open per campaign: one still open (its last zone's
     * window outlasting the next round's first prompt) closes now, so an
     * answer always belongs to one round. */
    struct standup_round prev;
    enum ch_status s = CH_OK;
    if (store_standup_round_open(c->st, c->a, cp->id, &prev) == CH_OK)
        s = close_round(c, cp, &prev);
    if (s != CH_OK)
        return s;
    memset(r, 0, sizeof(*r));
    r->campaign_id = cp->id;
    r->day = adhoc ? when_local_date(cp->zone, c->now) : day;
    r->adhoc = adhoc;
    r->opens_at = opens;
    r->closes_at = (last_start == INT64_MIN ? opens : last_start) +
                   sc->window_ms;
    s = store_standup_round_insert(
        c->st, r, adhoc && c->has_caller ? c->caller.id : 0);
    for (size_t i = 0; i < k && s == CH_OK; i++) {
        s = store_standup_prompt_insert(c->st, r->id, who[i].id, due[i],
                                        why[i] ? PROMPT_AWAY : PROMPT_DUE,
                                        why[i], NULL);
        if (why[i]) {
            (*away)++;
            continue;
        }
        (*prompted)++;
        struct job j = { .due_at = due[i], .kind = "standup.prompt",
                         .campaign_id = cp->id, .person_id = who[i].id };
        if (s == CH_OK)
            s = schedule_job_add(c, &j);
    }
    struct job close = { .due_at = r->closes_at, .kind = "standup.close",
                         .campaign_id = cp->id,
                         .arg = arena_printf(c->a, "%lld", (long long)r->id) };
    if (s == CH_OK)
        s = schedule_job_add(c, &close);
    if (s == CH_OK)
        ctx_audit(c, cp->id, arena_printf(c->a, "R%lld", (long long)r->id),
                  "standup.round", "%zu asked, %zu away, closes %s",
                  *prompted, *away, ctx_time_reader(c, NULL, r->closes_at));
    return s;
}

enum ch_status
standup_job_round(struct ctx *c, const struct job *j)
{
    struct campaign cp;
    struct standup_sched sc;
    if (store_campaign_get(c->st, c->a, j->campaign_id, &cp) != CH_OK ||
        store_standup_get(c->st, c->a, j->campaign_id, &sc) != CH_OK ||
        !sc.enabled || cp.state == CAMPAIGN_CLOSED)
        return CH_OK;
    int64_t day = j->arg ? strtoll(j->arg, NULL, 10) : -1;
    enum ch_status s = CH_OK;
    if (day >= 0 && standup_next_day(&sc, day) == day &&
        day > store_standup_last_day(c->st, cp.id)) {
        struct standup_round r;
        size_t prompted, away;
        s = open_round(c, &cp, &sc, day, false, &r, &prompted, &away);
        if (s == CH_NOT_FOUND) {
            log_info("standup", "%s: nobody has open work on %lld; no round",
                     cp.slug, (long long)day);
            s = CH_OK;
        }
    }
    return s == CH_OK ? standup_plan(c, cp.id) : s;
}

enum ch_status
standup_start_now(struct ctx *c, const struct campaign *cp,
                  struct standup_round *out, size_t *prompted, size_t *away)
{
    struct standup_sched sc;
    if (store_standup_get(c->st, c->a, cp->id, &sc) != CH_OK)
        sc = (struct standup_sched){ .window_ms = 8 * MS_PER_HOUR };
    return open_round(c, cp, &sc, 0, true, out, prompted, away);
}

/* --- the prompt ----------------------------------------------------------- */

/* One campaign's part of a prompt: the deliverables listed, and buttons. */
static void
prompt_part(struct ctx *c, const struct person *p,
            const struct standup_prompt *pr, const struct campaign *cp,
            bool several, struct buf *text, struct out_button *b, size_t *nb,
            unsigned *row)
{
    struct deliverable *ds;
    size_t n = her_work(c, cp->id, p->id, &ds);
    if (several)
        buf_printf(text, "\n%s (answers until %s):", cp->slug,
                   ctx_time_for(c, p, pr->closes_at));
    for (size_t i = 0; i < n; i++) {
        const char *what;
        int64_t due = next_due(&ds[i], &what);
        buf_printf(text, "\n• #%d \"%s\"%s%s · %s %s", ds[i].number,
                   ds[i].title, ds[i].platform ? " · " : "",
                   ds[i].platform ? ds[i].platform : "", what,
                   ctx_time_for(c, p, due));
    }
    /* One row per deliverable while rows last (a single one needs only
     * the row for all). */
    for (size_t i = 0; (several || n > 1) && i < n && *row < OUT_MAX_ROWS &&
                       *nb + 3 <= OUT_MAX_BUTTONS;
         i++, (*row)++) {
        const char *ref = campaign_deliv_ref(c, &ds[i]);
        for (int k = 0; k < 3; k++) {
            b[*nb] = (struct out_button){
                .label = arena_printf(c->a, "%s %s", standup_dots[k], ref),
                .command = arena_printf(c->a, "standup reply R%lld %s %s",
                                        (long long)pr->round_id,
                                        model_standup_colours[k], ref),
                .prompt = k ? "Anything to add? (optional)" : NULL,
                .optional = k != 0,
                .row = *row,
            };
            (*nb)++;
        }
    }
}

/* The text and buttons asking about a person's prompts. */
static void
prompt_message(struct ctx *c, const struct person *p,
               const struct standup_prompt *prs, size_t n, bool reminder,
               struct buf *text, const char **buttons)
{
    struct out_button b[OUT_MAX_BUTTONS];
    size_t nb = 3;
    unsigned row = 1;
    struct buf rounds = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&rounds, "R%lld ", (long long)prs[i].round_id);
    struct campaign first;
    bool several = n > 1;
    if (store_campaign_get(c->st, c->a, prs[0].campaign_id, &first) != CH_OK)
        first.slug = "?";
    if (reminder)
        buf_printf(text, "Reminder: the %s standup closes %s and has no "
                   "answer from you yet.", several ? "" : first.slug,
                   ctx_time_for(c, p, prs[0].closes_at));
    else if (several)
        buf_adds(text, "Standup: how is your work going?");
    else
        buf_printf(text, "Standup for %s: how is your work going? Answers "
                   "until %s.", first.slug,
                   ctx_time_for(c, p, prs[0].closes_at));
    for (size_t i = 0; i < n; i++) {
        struct campaign cp;
        if (store_campaign_get(c->st, c->a, prs[i].campaign_id, &cp) ==
            CH_OK)
            prompt_part(c, p, &prs[i], &cp, several, text, b, &nb, &row);
    }
    buf_adds(text, "\nReply green, yellow or red, with a note if you like "
                   "(\"yellow - waiting for the product\"); for one piece "
                   "put its number first (\"#2 red, #3 green\").");
    static const char *const all[] = { "All green", "All yellow", "All red" };
    for (int k = 0; k < 3; k++)
        b[k] = (struct out_button){
            .label = arena_printf(c->a, "%s %s", standup_dots[k],
                                  row > 1 ? all[k] : all[k] + 4),
            .command = arena_printf(c->a, "standup reply %s%s",
                                    buf_cstr(&rounds), model_standup_colours[k]),
            .style = k == 0 ? "primary" : k == 2 ? "danger" : NULL,
            .prompt = k ? "Anything to add? (optional)" : NULL,
            .optional = k != 0,
        };
    /* "Green" alone reads better than "green" for one piece. */
    if (row == 1)
        for (int k = 0; k < 3; k++)
            b[k].label = arena_printf(c->a, "%s %c%s", standup_dots[k],
                                      model_standup_colours[k][0] - 32,
                                      model_standup_colours[k] + 1);
    buf_free(&rounds);
    *buttons = ctx_buttons_encode(c, b, nb);
}

/* When a non-responder is reminded: halfway through her window, at a
 * moment she works, or not at all. */
static int64_t
remind_at(struct ctx *c, const struct person *p, int64_t from, int64_t close)
{
    int64_t at = from + (close - from) / 2;
    if (avail_why_not(c, p, at) == NULL)
        return at;
    int64_t last = avail_last_before(c, p, from, close);
    return last == INT64_MIN || last <= from + 30 * MS_PER_MIN ? 0 : last;
}

enum ch_status
standup_job_prompt(struct ctx *c, const struct job *j)
{
    struct person p;
    struct standup_prompt *prs;
    size_t n;
    if (store_people_get(c->st, c->a, j->person_id, &p) != CH_OK ||
        store_standup_prompts_due(c->st, c->a, p.id, c->now, &prs, &n) !=
            CH_OK ||
        n == 0)
        return CH_OK;   /* sent with another campaign's prompt */
    /* Time off taken since the round opened counts too. */
    const char *away = avail_away(c, &p, c->now);
    size_t k = 0;
    enum ch_status s = CH_OK;
    for (size_t i = 0; i < n && s == CH_OK; i++) {
        struct deliverable *ds;
        if (away || her_work(c, prs[i].campaign_id, p.id, &ds) == 0) {
            s = store_standup_prompt_state(
                c->st, prs[i].id, PROMPT_AWAY,
                away ? away : "nothing open to report on", c->now);
            continue;
        }
        s = store_standup_prompt_state(c->st, prs[i].id, PROMPT_SENT, NULL,
                                       c->now);
        prs[k++] = prs[i];
    }
    if (s != CH_OK || k == 0)
        return s;
    struct buf text = BUF_INIT;
    const char *buttons;
    prompt_message(c, &p, prs, k, false, &text, &buttons);
    ctx_dm(c, p.id, buttons, "%s", buf_cstr(&text));
    buf_free(&text);
    /* One reminder per prompt, for whoever has not answered by then. */
    int64_t start = avail_next(c, &p, c->now);
    for (size_t i = 0; i < k && s == CH_OK; i++) {
        int64_t at = remind_at(c, &p, start, prs[i].closes_at);
        if (at == 0)
            continue;
        struct job r = { .due_at = at, .kind = "standup.remind",
                         .campaign_id = prs[i].campaign_id,
                         .person_id = p.id,
                         .arg = arena_printf(c->a, "%lld",
                                             (long long)prs[i].id) };
        s = schedule_job_add(c, &r);
    }
    return s;
}

enum ch_status
standup_job_remind(struct ctx *c, const struct job *j)
{
    struct standup_prompt pr;
    struct person p;
    if (!j->arg ||
        store_standup_prompt_get(c->st, c->a, strtoll(j->arg, NULL, 10),
                                 &pr) != CH_OK ||
        pr.state != PROMPT_SENT || pr.closed || pr.closes_at <= c->now ||
        store_people_get(c->st, c->a, pr.person_id, &p) != CH_OK)
        return CH_OK;   /* answered, closed, or gone */
    if (store_standup_prompt_reminded(c->st, pr.id, c->now) != CH_OK)
        return CH_OK;
    struct buf text = BUF_INIT;
    const char *buttons;
    prompt_message(c, &p, &pr, 1, true, &text, &buttons);
    ctx_dm(c, p.id, buttons, "%s", buf_cstr(&text));
    buf_free(&text);
    return CH_OK;
}

/* --- answers -------------------------------------------------------------- */

bool
standup_has_open_prompt(struct ctx *c, int64_t person_id)
{
    struct standup_prompt *prs;
    size_t n;
    return store_standup_prompts_open(c->st, c->a, person_id, &prs, &n) ==
               CH_OK &&
           n > 0;
}

/* One deliverable's answer, before it is recorded. */
struct pick {
    struct deliverable        d;
    const struct standup_prompt *pr;
    enum standup_colour       colour;
    const char               *note;
};

/* "winter#1, winter#2": what the caller's open prompts ask about. */
static const char *
her_refs(struct ctx *c, const struct standup_prompt *prs, size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        struct deliverable *ds;
        size_t k = her_work(c, prs[i].campaign_id, c->caller.id, &ds);
        for (size_t j = 0; j < k; j++)
            buf_printf(&b, "%s%s", b.len ? ", " : "",
                       campaign_deliv_ref(c, &ds[j]));
    }
    const char *s = arena_strdup(c->a, b.len ? buf_cstr(&b) : "none");
    buf_free(&b);
    return s;
}

/* The deliverable a reference names among the open prompts' campaigns. */
static enum ch_status
resolve_ref(struct ctx *c, const char *ref, const struct standup_prompt *prs,
            size_t n, struct deliverable *out, size_t *which)
{
    const char *hash = strchr(ref, '#');
    int number = (int)strtol(hash + 1, NULL, 10);
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        struct campaign cp;
        struct deliverable d;
        if (store_campaign_get(c->st, c->a, prs[i].campaign_id, &cp) != CH_OK)
            continue;
        if (hash > ref && (strlen(cp.slug) != (size_t)(hash - ref) ||
                           strncasecmp(cp.slug, ref, (size_t)(hash - ref))))
            continue;
        if (store_deliverable_get(c->st, c->a, cp.id, number, &d) != CH_OK)
            continue;
        if (d.creator_id != c->caller.id)
            return ch_fail(&c->err, CH_INVALID,
                           "%s is not yours, so nothing was recorded; "
                           "yours: %s", campaign_deliv_ref(c, &d),
                           her_refs(c, prs, n));
        if (!asked_about(&d))
            return ch_fail(&c->err, CH_INVALID,
                           "%s is %s, so there is nothing to report on it; "
                           "nothing was recorded",
                           campaign_deliv_ref(c, &d),
                           campaign_deliv_words(&d));
        if (found++)
            return ch_fail(&c->err, CH_INVALID,
                           "%s could be %s or %s: write the campaign too "
                           "(\"%s red\"); nothing was recorded", ref,
                           campaign_deliv_ref(c, out),
                           campaign_deliv_ref(c, &d),
                           campaign_deliv_ref(c, &d));
        *out = d;
        *which = i;
    }
    if (found == 0) {
        if (hash > ref)
            return ch_fail(&c->err, CH_NOT_FOUND,
                           "you have no open standup for %.*s with a %s; "
                           "nothing was recorded",
                           (int)(hash - ref), ref, hash);
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "%s is none of the deliverables your standup asks "
                       "about (%s); nothing was recorded", ref,
                       her_refs(c, prs, n));
    }
    return CH_OK;
}

/* Add or replace the pick for a deliverable. */
static void
pick_put(struct pick *picks, size_t *n, const struct deliverable *d,
         const struct standup_prompt *pr, const struct su_part *part)
{
    size_t i = 0;
    while (i < *n && picks[i].d.id != d->id)
        i++;
    if (i == *n)
        (*n)++;
    picks[i] = (struct pick){ .d = *d, .pr = pr, .colour = part->colour,
                              .note = part->note };
}

/* What the open prompts are, given the rounds a button named. */
static enum ch_status
open_prompts(struct ctx *c, const struct su_answer *a,
             struct standup_prompt **out, size_t *n)
{
    struct standup_prompt *prs;
    size_t np;
    store_standup_prompts_open(c->st, c->a, c->caller.id, &prs, &np);
    if (a->nrounds) {
        size_t k = 0;
        for (size_t i = 0; i < np; i++)
            for (size_t r = 0; r < a->nrounds; r++)
                if (prs[i].round_id == a->rounds[r]) {
                    prs[k++] = prs[i];
                    break;
                }
        if (k == 0) {
            struct standup_round r;
            struct campaign cp;
            if (store_standup_round_get(c->st, c->a, a->rounds[0], &r) ==
                    CH_OK &&
                r.closed_at &&
                store_campaign_get(c->st, c->a, r.campaign_id, &cp) == CH_OK)
                return ch_fail(&c->err, CH_CONFLICT,
                               "that %s standup closed %s, so nothing was "
                               "recorded; the next one asks again",
                               cp.slug, ctx_time_for_caller(c, r.closed_at));
            return ch_fail(&c->err, CH_NOT_FOUND,
                           "that standup is not open for you, so nothing "
                           "was recorded");
        }
        np = k;
    }
    struct standup_prompt last;
    struct campaign cp;
    if (np == 0 &&
        store_standup_prompt_last(c->st, c->a, c->caller.id, &last) ==
            CH_OK &&
        last.closed &&
        store_campaign_get(c->st, c->a, last.campaign_id, &cp) == CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "you have no open standup: the %s one closed %s, so "
                       "nothing was recorded; the next one asks again",
                       cp.slug, ctx_time_for_caller(c, last.closes_at));
    if (np == 0) {
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "you have no open standup to answer, so nothing was "
                       "recorded. chorus asks by direct message when a "
                       "campaign's standup comes round.");
    }
    *out = prs;
    *n = np;
    return CH_OK;
}

/* The red and yellow rules, after an answer is recorded. */
static void
apply_rules(struct ctx *c, const struct pick *pk, bool first_of_colour,
            struct buf *told)
{
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, pk->d.campaign_id, &cp) != CH_OK)
        return;
    /* A red cleared by a better answer closes its escalation. */
    escalation_follow(c, &pk->d);
    const char *ref = campaign_deliv_ref(c, &pk->d);
    const char *what;
    int64_t due = next_due(&pk->d, &what);
    if (pk->colour == SU_RED && due - c->now <= RED_HORIZON_MS) {
        struct escalation e;
        bool opened;
        const char *reason = arena_printf(
            c->a, "%s said red on %s \"%s\" (%s %s)%s%s",
            ctx_mark_person(c, c->caller.id), ref, pk->d.title, what,
            ctx_time_reader(c, NULL, due), pk->note ? ": " : "",
            pk->note ? pk->note : "");
        if (escalation_open(c, &cp, pk->d.id, ESC_RED_STANDUP, reason, 0, &e,
                            &opened) == CH_OK && opened) {
            buf_printf(told, "\n%s is due within 3 days, so E%lld is open: "
                       "the coordinators are on it.", ref, (long long)e.id);
            campaign_refresh_status(c, &cp);
        }
    }
    if (pk->colour == SU_YELLOW && first_of_colour) {
        struct standup_answer prev;
        if (store_standup_answer_latest(c->st, c->a, pk->d.id,
                                        pk->pr->round_id, &prev) == CH_OK &&
            prev.colour == SU_YELLOW) {
            ctx_dm_roles(c, cp.id, ROLE_COORDINATOR, 0, NULL,
                         "%s said yellow on %s \"%s\" in two standups in a "
                         "row (%s %s): %s; before, %s: %s",
                         ctx_mark_person(c, c->caller.id), ref, pk->d.title,
                         what, ctx_mark_time(c, due),
                         pk->note ? pk->note : "no note",
                         ctx_mark_time(c, prev.at),
                         prev.note ? prev.note : "no note");
            ctx_audit(c, cp.id, ref, "standup.yellow_twice", "%s",
                      pk->note ? pk->note : "");
            buf_printf(told, "\nThat is the second yellow in a row for %s, "
                       "so the coordinators are told.", ref);
        }
    }
}

enum ch_status
standup_reply(struct ctx *c, const char *text)
{
    struct su_answer a;
    if (!standup_parse(c->a, text, &a))
        return ch_fail(&c->err, CH_INVALID,
                       "chorus could not read \"%.60s\" as a standup "
                       "answer, so nothing was recorded. Answer %s.", text,
                       standup_forms);
    struct standup_prompt *prs = NULL;
    size_t np = 0;
    enum ch_status s = open_prompts(c, &a, &prs, &np);
    if (s != CH_OK)
        return s;
    /* Everything is resolved before anything is written: an answer
     * with one bad reference records nothing. */
    size_t cap = 0;
    struct deliverable **work = arena_alloc(c->a, np * sizeof(*work));
    size_t *nwork = arena_alloc(c->a, np * sizeof(*nwork));
    for (size_t i = 0; i < np; i++)
        cap += nwork[i] = her_work(c, prs[i].campaign_id, c->caller.id,
                                   &work[i]);
    for (size_t p = 0; p < a.nparts; p++)
        cap += a.part[p].nrefs;
    struct pick *picks = arena_alloc(c->a, (cap ? cap : 1) * sizeof(*picks));
    size_t npick = 0;
    for (size_t p = 0; p < a.nparts; p++) {
        const struct su_part *part = &a.part[p];
        if (part->nrefs == 0)
            for (size_t i = 0; i < np; i++)
                for (size_t k = 0; k < nwork[i]; k++)
                    pick_put(picks, &npick, &work[i][k], &prs[i], part);
        for (size_t r = 0; r < part->nrefs; r++) {
            struct deliverable d;
            size_t which = 0;
            s = resolve_ref(c, part->refs[r], prs, np, &d, &which);
            if (s != CH_OK)
                return s;
            pick_put(picks, &npick, &d, &prs[which], part);
        }
    }
    if (npick == 0)
        return ch_fail(&c->err, CH_INVALID,
                       "nothing of yours is open to report on, so nothing "
                       "was recorded");
    struct buf said = BUF_INIT, told = BUF_INIT;
    int64_t last_prompt = 0;
    for (size_t i = 0; i < npick && s == CH_OK; i++) {
        const struct pick *pk = &picks[i];
        bool first = store_standup_answer_count(c->st, pk->pr->id, pk->d.id,
                                                pk->colour) == 0;
        s = store_standup_answer_insert(c->st, pk->pr->id, pk->d.id,
                                        pk->colour, pk->note, c->now);
        if (s == CH_OK && pk->pr->id != last_prompt)
            s = store_standup_prompt_state(c->st, pk->pr->id,
                                           PROMPT_ANSWERED, NULL, c->now);
        last_prompt = pk->pr->id;
        if (s != CH_OK)
            break;
        buf_printf(&said, "%s%s %s %s%s%s", i ? "; " : "",
                   campaign_deliv_ref(c, &pk->d), standup_dots[pk->colour],
                   model_standup_colours[pk->colour], pk->note ? ": " : "",
                   pk->note ? pk->note : "");
        ctx_audit(c, pk->d.campaign_id, campaign_deliv_ref(c, &pk->d),
                  "standup.answer", "R%lld %s%s%s",
                  (long long)pk->pr->round_id, model_standup_colours[pk->colour],
                  pk->note ? ": " : "", pk->note ? pk->note : "");
        apply_rules(c, pk, first, &told);
    }
    if (s == CH_OK)
        ctx_reply(c, "Recorded %s. You can change it until %s.%s",
                  buf_cstr(&said), ctx_time_for_caller(c, picks[0].pr->closes_at),
                  buf_cstr(&told));
    buf_free(&said);
    buf_free(&told);
    return s == CH_OK ? CH_OK
                      : ch_fail(&c->err, s, "could not record the answer");
}

const char *
standup_red_cleared(struct ctx *c, const struct escalation *e,
                    const struct deliverable *d)
{
    if (d->state == DELIV_PUBLISHED)
        return "it was published";
    struct standup_answer a;
    if (store_standup_answer_latest(c->st, c->a, d->id, 0, &a) == CH_OK &&
        a.colour != SU_RED)
        return arena_printf(c->a, "the creator's standup on it is %s now",
                            model_standup_colours[a.colour]);
    /* A draft that came in after the red answered it. */
    int64_t sub_id, at;
    int round;
    char *link;
    if ((d->state == DELIV_SUBMITTED || d->state == DELIV_APPROVED) &&
        store_submission_latest(c->st, c->a, d->id, &sub_id, &round, &link,
                                &at) == CH_OK &&
        at >= e->opened_at)
        return "the draft arrived";
    const char *what;
    if (next_due(d, &what) - c->now > RED_HORIZON_MS)
        return "the due date moved";
    return NULL;
}

/* --- words ---------------------------------------------------------------- */

const char *
standup_last_words(struct ctx *c, int64_t deliverable_id,
                   const struct person *reader)
{
    struct standup_answer a;
    if (store_standup_answer_latest(c->st, c->a, deliverable_id, 0, &a) !=
        CH_OK)
        return NULL;
    return arena_printf(c->a, "%s %s %s%s%s", standup_dots[a.colour],
                        model_standup_colours[a.colour],
                        ctx_time_reader(c, reader, a.at), a.note ? ": " : "",
                        a.note ? a.note : "");
}

void
standup_sched_words(struct ctx *c, const struct standup_sched *s,
                    struct buf *out)
{
    static const char *const day_names[] = { "Mon", "Tue", "Wed", "Thu",
                                             "Fri", "Sat", "Sun" };
    buf_printf(out, "%s at %02d:%02d in each creator's own zone, answers "
               "open for %s after the last zone's prompt",
               ctx_bits_text(c, s->days, day_names, 7, ", "), s->at_min / 60,
               s->at_min % 60, ctx_duration(c, s->window_ms));
    if (s->weeks == 2)
        buf_adds(out, ", every other week");
    else if (s->weeks > 2)
        buf_printf(out, ", every %d weeks", s->weeks);
}

/* A list of names that stops at SUMMARY_NAMES ("and 12 more"). */
struct names {
    struct buf b;
    size_t     n;
};

static void
names_add(struct names *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
names_add(struct names *l, const char *fmt, ...)
{
    if (l->n++ >= SUMMARY_NAMES)
        return;
    if (l->b.len)
        buf_adds(&l->b, ", ");
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&l->b, fmt, ap);
    va_end(ap);
}

static void
names_put(struct buf *out, const char *label, struct names *l)
{
    if (l->n)
        buf_printf(out, "\n%s: %s", label, buf_cstr(&l->b));
    if (l->n > SUMMARY_NAMES)
        buf_printf(out, " and %zu more", l->n - SUMMARY_NAMES);
    buf_free(&l->b);
}

/* One creator's answers, a line per deliverable. */
static void
answers_lines(struct ctx *c, const struct standup_answer *as, size_t na,
              struct buf *out)
{
    for (size_t k = 0; k < na; k++) {
        struct deliverable d;
        if (store_deliverable_by_id(c->st, c->a, as[k].deliverable_id, &d) !=
            CH_OK)
            continue;
        buf_printf(out, "\n  #%d \"%s\" %s %s%s%s", d.number, d.title,
                   standup_dots[as[k].colour],
                   model_standup_colours[as[k].colour],
                   as[k].note ? " — " : "", as[k].note ? as[k].note : "");
    }
}

void
standup_summary(struct ctx *c, const struct campaign *cp,
                const struct standup_round *r, const struct person *reader,
                struct buf *out)
{
    struct standup_prompt *prs;
    size_t n;
    store_standup_prompts_round(c->st, c->a, r->id, &prs, &n);
    size_t answered = 0, asked = 0;
    for (size_t i = 0; i < n; i++) {
        answered += prs[i].state == PROMPT_ANSWERED;
        asked += prs[i].state != PROMPT_AWAY;
    }
    char day[40];
    when_format_day(r->day, when_day_needs_year(r->day,
                                                when_local_date("UTC", c->now)),
                    day, sizeof(day));
    if (r->adhoc)
        buf_printf(out, "Standup asked %s", ctx_time_reader(c, reader,
                                                            r->opens_at));
    else
        buf_printf(out, "Standup of %s", day);
    buf_printf(out, " for %s (R%lld): %zu of %zu answered", cp->slug,
               (long long)r->id, answered, asked);
    /* A campaign of many creators reads its greens as a count: every
     * yellow and red is listed (up to SUMMARY_FULL creators), and what
     * would not fit is counted, so the post stays one message. */
    bool full = answered <= SUMMARY_FULL;
    struct names away = { BUF_INIT, 0 }, missing = { BUF_INIT, 0 };
    struct names green = { BUF_INIT, 0 };
    size_t listed = 0, unlisted = 0;
    for (size_t i = 0; i < n; i++) {
        const struct standup_prompt *pr = &prs[i];
        const char *who = ctx_mark_person(c, pr->person_id);
        if (pr->state == PROMPT_AWAY) {
            names_add(&away, "%s (%s)", who, pr->away ? pr->away : "away");
            continue;
        }
        if (pr->state != PROMPT_ANSWERED) {
            names_add(&missing, "%s", who);
            continue;
        }
        struct standup_answer *as;
        size_t na;
        store_standup_answers_prompt(c->st, c->a, pr->id, &as, &na);
        bool all_green = true;
        for (size_t k = 0; k < na; k++)
            all_green = all_green && as[k].colour == SU_GREEN;
        if (!full && all_green) {
            names_add(&green, "%s", who);
        } else if (full || listed < SUMMARY_FULL) {
            buf_printf(out, "\n%s:", who);
            answers_lines(c, as, na, out);
            listed++;
        } else {
            unlisted++;
        }
    }
    if (unlisted)
        buf_printf(out, "\n… and %zu more with yellow or red", unlisted);
    names_put(out, "🟢 All green", &green);
    names_put(out, "Away", &away);
    names_put(out, r->closed_at ? "No answer" : "No answer yet", &missing);
}

/* Close a round and post its summary. */
static enum ch_status
close_round(struct ctx *c, const struct campaign *cp, struct standup_round *r)
{
    enum ch_status s = store_standup_round_close(c->st, r->id, c->now);
    if (s != CH_OK)
        return s == CH_CONFLICT ? CH_OK : s;
    r->closed_at = c->now;
    struct buf text = BUF_INIT;
    standup_summary(c, cp, r, NULL, &text);
    ctx_post(c, cp->id, NULL, "%s", buf_cstr(&text));
    buf_free(&text);
    ctx_audit(c, cp->id, arena_printf(c->a, "R%lld", (long long)r->id),
              "standup.close", "summary posted");
    return CH_OK;
}

enum ch_status
standup_job_close(struct ctx *c, const struct job *j)
{
    struct standup_round r;
    struct campaign cp;
    if (!j->arg ||
        store_standup_round_get(c->st, c->a, strtoll(j->arg, NULL, 10), &r) !=
            CH_OK ||
        r.closed_at ||
        store_campaign_get(c->st, c->a, r.campaign_id, &cp) != CH_OK)
        return CH_OK;
    return close_round(c, &cp, &r);
}
