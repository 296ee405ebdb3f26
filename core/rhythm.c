/* A campaign's weekly rhythm: its dates, its deadlines per person and its
 * feedback-day reminders (see rhythm.h). */
#include "rhythm.h"

#include <string.h>

#include "avail.h"
#include "clock.h"
#include "core_internal.h"
#include "log.h"
#include "schedule.h"
#include "tz.h"
#include "when.h"

#define FEEDBACK_JOB "rhythm.feedback"

/* --- calendar arithmetic ------------------------------------------------- */

int64_t
rhythm_monday_of(int64_t day)
{
    return day - tz_weekday_of_days(day);
}

int64_t
rhythm_week_day(int64_t week1, int week, int weekday)
{
    return week1 + 7 * (int64_t)(week - 1) + weekday;
}

int64_t
rhythm_next_weekday(int64_t day, int weekday)
{
    return day + (weekday - tz_weekday_of_days(day) + 7) % 7;
}

int
rhythm_week_of(int64_t week1, int64_t day)
{
    int64_t d = day - week1;
    /* Rounded down, before week 1 too. */
    return (int)((d >= 0 ? d / 7 : -((-d + 6) / 7)) + 1);
}

int64_t
rhythm_week1(const struct campaign *cp, const char **from)
{
    if (cp->from_day != 0) {
        if (from)
            *from = "the window starts";
        return rhythm_monday_of(cp->from_day);
    }
    if (from)
        *from = "it was created";
    return rhythm_monday_of(when_local_date(cp->zone, cp->created_at));
}

/* --- words --------------------------------------------------------------- */

const char *
rhythm_date_text(struct ctx *c, const struct campaign *cp, int64_t day)
{
    char text[40];
    when_format_day(day, when_day_needs_year(
                             day, when_local_date(cp->zone, c->now)),
                    text, sizeof(text));
    return arena_strdup(c->a, text);
}

const char *
rhythm_day_name(int weekday)
{
    static const char *const names[] = { "Mon", "Tue", "Wed", "Thu",
                                         "Fri", "Sat", "Sun" };
    return weekday >= 0 && weekday < 7 ? names[weekday] : "?";
}

const char *
rhythm_step_name(enum rhythm_step s)
{
    static const char *const names[RHYTHM_NSTEPS] = {
        [RHYTHM_BRIEF] = "brief", [RHYTHM_QUESTIONS] = "questions",
        [RHYTHM_DRAFTS] = "drafts", [RHYTHM_FEEDBACK] = "feedback",
        [RHYTHM_REVISIONS] = "revisions",
    };
    return (unsigned)s < RHYTHM_NSTEPS ? names[s] : "?";
}

const char *
rhythm_days_text(struct ctx *c, const struct rhythm *r)
{
    static const char *const words[RHYTHM_NSTEPS] = {
        [RHYTHM_BRIEF] = "briefs out", [RHYTHM_QUESTIONS] = "questions",
        [RHYTHM_DRAFTS] = "drafts", [RHYTHM_FEEDBACK] = "feedback",
        [RHYTHM_REVISIONS] = "revisions",
    };
    struct buf b = BUF_INIT;
    for (int i = 0; i < RHYTHM_NSTEPS; i++)
        if (r->day[i] >= 0)
            buf_printf(&b, "%s%s %s", b.len ? ", " : "", words[i],
                       rhythm_day_name(r->day[i]));
    const char *s = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

const char *
rhythm_time_text(struct ctx *c, const struct rhythm *r)
{
    if (r->at_min < 0)
        return "at the end of each person's working day, in their own zone";
    return arena_printf(c->a, "at %02d:%02d in each person's own zone",
                        r->at_min / 60, r->at_min % 60);
}

/* --- deadlines ----------------------------------------------------------- */

enum ch_status
rhythm_get(struct ctx *c, int64_t campaign_id, struct rhythm *r)
{
    return store_rhythm_get(c->st, campaign_id, r);
}

int64_t
rhythm_deadline(struct ctx *c, const struct rhythm *r, const struct person *p,
                int64_t day)
{
    if (r->at_min >= 0)
        return when_day_at(ctx_person_zone(c, p), day, r->at_min);
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    return avail_end_of(c, p, y, m, d);
}

int64_t
rhythm_revisions_due(struct ctx *c, const struct rhythm *r,
                     const struct person *p, int64_t at)
{
    int weekday = r->day[RHYTHM_REVISIONS];
    if (weekday < 0)
        return INT64_MIN;
    int64_t day = rhythm_next_weekday(
        when_local_date(ctx_person_zone(c, p), at), weekday);
    /* A revisions day closer than 24 h gives way to the next one; two
     * weeks always find one, whatever the time of day. */
    for (int k = 0; k < 2; k++, day += 7) {
        int64_t due = rhythm_deadline(c, r, p, day);
        if (due >= at + 24 * MS_PER_HOUR)
            return due;
    }
    return rhythm_deadline(c, r, p, day);
}

int64_t
rhythm_feedback_at(struct ctx *c, const struct person *p, int64_t day)
{
    return avail_next(c, p, when_day_start(ctx_person_zone(c, p), day));
}

/* --- the feedback-day job ------------------------------------------------- */

size_t
rhythm_reviewers(struct ctx *c, int64_t campaign_id,
                 struct rhythm_reviewer **out)
{
    struct participant *ps;
    size_t n = 0, k = 0;
    store_participant_list(c->st, c->a, campaign_id, ROLE_ANY_PARTICIPANT,
                           &ps, &n);
    *out = arena_alloc(c->a, (n ? n : 1) * sizeof(**out));
    for (size_t i = 0; i < n; i++) {
        if (!(perm_allows(&c->set->perms, ACT_REVIEW, ps[i].role) ||
              perm_allows(&c->set->perms, ACT_FINAL_APPROVAL, ps[i].role)) ||
            store_people_get(c->st, c->a, ps[i].person_id, &(*out)[k].p) !=
                CH_OK)
            continue;
        (*out)[k++].role = ps[i].role;
    }
    return k;
}

/* The latest feedback day in p's zone on or before today. */
static int64_t
latest_feedback_day(struct ctx *c, const struct rhythm *r,
                    const struct person *p)
{
    int64_t today = when_local_date(ctx_person_zone(c, p), c->now);
    return rhythm_next_weekday(today - 6, r->day[RHYTHM_FEEDBACK]);
}

/* A feedback day counts for p when it had not ended in p's zone when the
 * rhythm was set, and p's reminder for it comes after that. */
static bool
day_counts(struct ctx *c, const struct rhythm *r, const struct person *p,
           int64_t day)
{
    return day >= when_local_date(ctx_person_zone(c, p), r->set_at) &&
           rhythm_feedback_at(c, p, day) > r->set_at;
}

/* p's latest feedback day whose reminder is due by now and counts
 * (INT64_MIN: none).  One that waited past the next (a long time off)
 * gives way to it: one reminder, of what waits now. */
static int64_t
due_day(struct ctx *c, const struct rhythm *r, const struct person *p)
{
    int64_t day = latest_feedback_day(c, r, p);
    for (int k = 0; k < 2; k++, day -= 7)
        if (rhythm_feedback_at(c, p, day) <= c->now)
            return day_counts(c, r, p, day) ? day : INT64_MIN;
    return INT64_MIN;
}

/* When p's next reminder is due (INT64_MAX: none to come). */
static int64_t
next_at(struct ctx *c, const struct rhythm *r, const struct person *p,
        int64_t campaign_id)
{
    int64_t day = latest_feedback_day(c, r, p);
    for (int k = 0; k < 2; k++, day += 7) {
        if (!day_counts(c, r, p, day) ||
            store_rhythm_reminded(c->st, campaign_id, p->id, day))
            continue;
        int64_t at = rhythm_feedback_at(c, p, day);
        /* One due already (a reviewer added on the day) goes now. */
        return at > c->now ? at : c->now;
    }
    return INT64_MAX;
}

void
rhythm_plan(struct ctx *c, int64_t campaign_id)
{
    struct rhythm r;
    if (rhythm_get(c, campaign_id, &r) != CH_OK)
        return;
    if (r.job_id)
        store_jobs_delete(c->st, r.job_due, r.job_id);
    struct campaign cp;
    if (r.day[RHYTHM_FEEDBACK] < 0 ||
        store_campaign_get(c->st, c->a, campaign_id, &cp) != CH_OK ||
        cp.state == CAMPAIGN_CLOSED) {
        store_rhythm_set_job(c->st, campaign_id, 0, 0);
        return;
    }
    struct rhythm_reviewer *rv;
    size_t n = rhythm_reviewers(c, campaign_id, &rv);
    int64_t due = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        int64_t at = next_at(c, &r, &rv[i].p, campaign_id);
        due = at < due ? at : due;
    }
    /* Nobody reviews yet: look again when the next feedback day starts
     * in the campaign's zone. */
    if (due == INT64_MAX) {
        int64_t day = rhythm_next_weekday(
            when_local_date(cp.zone, c->now) + 1, r.day[RHYTHM_FEEDBACK]);
        due = when_day_start(cp.zone, day);
    }
    struct job j = { .due_at = due, .kind = FEEDBACK_JOB,
                     .campaign_id = campaign_id };
    int64_t id = 0;
    if (store_jobs_insert(c->st, &j, c->now, &id) != CH_OK ||
        store_rhythm_set_job(c->st, campaign_id, due, id) != CH_OK)
        log_error("rhythm", "could not plan the feedback day of campaign "
                  "%lld", (long long)campaign_id);
}

enum ch_status
rhythm_end(struct ctx *c, const struct rhythm *r)
{
    if (r->job_id)
        store_jobs_delete(c->st, r->job_due, r->job_id);
    return store_rhythm_delete(c->st, r->campaign_id);
}

/* What waits for p in the campaign, as the lines of a list; how many. */
static size_t
waiting_for(struct ctx *c, const struct campaign *cp, unsigned role,
            const struct person *p, struct buf *out)
{
    bool review = perm_allows(&c->set->perms, ACT_REVIEW, role);
    bool final = perm_allows(&c->set->perms, ACT_FINAL_APPROVAL, role);
    struct deliverable *ds;
    size_t nd = 0, n = 0;
    store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
    for (size_t i = 0; i < nd; i++) {
        const struct deliverable *d = &ds[i];
        int64_t sid = 0, at = 0;
        int round = 0;
        if (d->state != DELIV_SUBMITTED ||
            !(d->stage == STAGE_REVIEW ? review
              : d->stage == STAGE_BRAND ? final : false) ||
            store_submission_latest(c->st, c->a, d->id, &sid, &round, NULL,
                                    &at) != CH_OK)
            continue;
        /* Whoever passed a round in review may not give its final
         * approval too: it does not wait for them. */
        if (d->stage == STAGE_BRAND &&
            store_submission_passed_by(c->st, sid, p->id))
            continue;
        buf_printf(out, "\n• %s \"%s\" by %s, round %d, submitted %s%s",
                   campaign_deliv_ref(c, d), d->title,
                   ctx_mark_person(c, d->creator_id), round,
                   ctx_time_for(c, p, at),
                   d->stage == STAGE_BRAND && review
                       ? " (for the final approval)" : "");
        n++;
    }
    return n;
}

static void
remind(struct ctx *c, const struct campaign *cp,
       const struct rhythm_reviewer *rv, int64_t day)
{
    const struct person *p = &rv->p;
    struct buf list = BUF_INIT;
    size_t n = waiting_for(c, cp, rv->role, p, &list);
    bool final_only = !perm_allows(&c->set->perms, ACT_REVIEW, rv->role);
    if (n)
        ctx_dm(c, p->id, NULL,
               "Feedback day in %s: %zu submission%s wait%s for your %s:%s\n"
               "Reply with approve <ref> to %s, or changes <ref> <reason> to "
               "send it back.",
               cp->slug, n, n == 1 ? "" : "s", n == 1 ? "s" : "",
               final_only ? "final approval" : "review", buf_cstr(&list),
               final_only ? "give the final approval" : "pass one");
    buf_free(&list);
    store_rhythm_remind_add(c->st, cp->id, p->id, day, (int)n, c->now);
}

enum ch_status
rhythm_job_feedback(struct ctx *c, const struct job *j)
{
    struct rhythm r;
    struct campaign cp;
    /* A job the rhythm no longer names (changed, or off) has nothing to
     * do: the one planned with the change speaks instead. */
    if (rhythm_get(c, j->campaign_id, &r) != CH_OK || r.job_id != j->id ||
        r.day[RHYTHM_FEEDBACK] < 0 ||
        store_campaign_get(c->st, c->a, j->campaign_id, &cp) != CH_OK)
        return CH_OK;
    struct rhythm_reviewer *rv;
    size_t n = rhythm_reviewers(c, cp.id, &rv);
    for (size_t i = 0; i < n; i++) {
        int64_t day = due_day(c, &r, &rv[i].p);
        if (day != INT64_MIN &&
            !store_rhythm_reminded(c->st, cp.id, rv[i].p.id, day))
            remind(c, &cp, &rv[i], day);
    }
    rhythm_plan(c, cp.id);
    return CH_OK;
}
