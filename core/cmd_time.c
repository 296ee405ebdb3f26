/* ooo, back, hours, ask, answer, settings, published (spec §5). */
#include <stdio.h>
#include <string.h>

#include "avail.h"
#include "commands.h"
#include "core_internal.h"
#include "nudge.h"
#include "schedule.h"
#include "when.h"

/* The person a self-service command is about: the caller, or `for:`
 * someone else, which needs a coordinator (spec §3.4). */
static enum ch_status
subject_person(struct ctx *c, struct person **who)
{
    const struct arg *f = arg_get(c, "for");
    if (f == NULL)
        f = arg_get(c, "person");
    if (f == NULL || f->person->id == c->caller.id) {
        *who = &c->caller;
        return CH_OK;
    }
    unsigned roles = store_participant_roles_anywhere(c->st, c->caller.id) |
                     (c->caller_admin ? ROLE_ADMIN : 0);
    if (!perm_allows(&c->set->perms, ACT_FOR_OTHERS, roles)) {
        char need[96];
        command_roles_needed(c, ACTS(ACT_FOR_OTHERS), need, sizeof(need));
        return ch_fail(&c->err, CH_DENIED,
                       "setting this for someone else needs the role %s",
                       need);
    }
    *who = f->person;
    return CH_OK;
}

static const char *
possessive(struct ctx *c, const struct person *who)
{
    return who->id == c->caller.id
        ? "Your" : arena_printf(c->a, "%s's", mark_person(c, who->id));
}

enum ch_status
cmd_ooo(struct ctx *c)
{
    struct person *who = NULL;
    enum ch_status s = subject_person(c, &who);
    if (s != CH_OK)
        return s;
    const struct arg *from = arg_get(c, "from");
    const struct arg *to = arg_get(c, "to");
    const char *note = arg_text(c, "note");
    if (to->num <= from->num)
        return ch_fail(&c->err, CH_INVALID,
                       "ooo: the end (%s) is not after the start (%s)",
                       time_for_caller(c, to->num),
                       time_for_caller(c, from->num));
    if (to->num - from->num > 366 * MS_PER_DAY)
        return ch_fail(&c->err, CH_INVALID,
                       "ooo: at most a year at a time");
    s = store_timeoff_add(c->st, who->id, from->num, to->num, note,
                         c->caller.id, c->now, NULL);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the time off");
    audit(c, 0, NULL, "person.ooo", "%s: %s to %s%s%s", who->name,
          time_for(c, who, from->num), time_for(c, who, to->num),
          note ? ": " : "", note ? note : "");
    if (who->id != c->caller.id)
        dm(c, who->id, NULL, "%s marked you away from %s to %s%s%s. "
           "Reminders wait until you are back.",
           mark_person(c, c->caller.id), time_for(c, who, from->num),
           time_for(c, who, to->num), note ? ": " : "", note ? note : "");
    reply(c, "%s time off: %s to %s%s%s. Nudges wait until then; "
          "back ends it early.", possessive(c, who),
          time_for_caller(c, from->num), time_for_caller(c, to->num),
          note ? " — " : "", note ? note : "");
    return CH_OK;
}

enum ch_status
cmd_back(struct ctx *c)
{
    struct person *who = NULL;
    enum ch_status s = subject_person(c, &who);
    if (s != CH_OK)
        return s;
    /* Reminders that waited for this time off were put back to the first
     * moment the person is free again, and re-queued while it ran: they
     * resume now (and still meet working hours and the daily cap). */
    int64_t resume = avail_next(c, who, c->now);
    int64_t *from, *to, since = INT64_MAX;
    char **notes;
    size_t nranges = 0;
    store_timeoff_list(c->st, c->a, who->id, c->now, &from, &to, &notes,
                      &nranges);
    for (size_t i = 0; i < nranges; i++)
        if (from[i] < c->now && from[i] < since)
            since = from[i];
    int ended = 0;
    s = store_timeoff_end(c->st, who->id, c->now, &ended);
    if (s == CH_OK && ended && since != INT64_MAX)
        s = store_jobs_resume(c->st, who->id, since, resume, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not end the time off");
    if (!ended) {
        reply(c, "%s had no time off running; nothing changed.",
              who->id == c->caller.id ? "You" : mark_person(c, who->id));
        return CH_OK;
    }
    audit(c, 0, NULL, "person.back", "%s", who->name);
    reply(c, "%s back: reminders resume.", who->id == c->caller.id
                                               ? "Welcome back. You are"
                                               : arena_printf(c->a, "%s is",
                                                   mark_person(c, who->id)));
    return CH_OK;
}

static const char *
days_text(struct ctx *c, unsigned mask)
{
    static const char *const names[] = { "mon", "tue", "wed", "thu", "fri",
                                         "sat", "sun" };
    struct buf b = BUF_INIT;
    for (int i = 0; i < 7; i++)
        if (mask & (1u << i))
            buf_printf(&b, "%s%s", b.len ? "," : "", names[i]);
    const char *s = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

enum ch_status
cmd_hours(struct ctx *c)
{
    struct person *who = NULL;
    enum ch_status s = subject_person(c, &who);
    if (s != CH_OK)
        return s;
    int64_t span = arg_get(c, "hours")->num;
    int from = (int)(span / 10000), to = (int)(span % 10000);
    const struct arg *days = arg_get(c, "days");
    unsigned mask = days ? (unsigned)days->num
                  : who->hours_set ? who->work_days : c->set->work_days;
    s = store_people_set_hours(c->st, who->id, from, to, mask);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save the working hours");
    const char *text = arena_printf(c->a, "%02d:%02d-%02d:%02d %s", from / 60,
                                    from % 60, to / 60, to % 60,
                                    days_text(c, mask));
    audit(c, 0, NULL, "person.hours", "%s: %s (%s)", who->name, text,
          person_zone(c, who));
    reply(c, "%s working hours: %s in %s. Reminders arrive inside them.",
          possessive(c, who), text, person_zone(c, who));
    return CH_OK;
}

/* The campaign a question is about: named, the channel's, or the only
 * one the asker is part of. */
static enum ch_status
question_campaign(struct ctx *c, const struct campaign **out)
{
    const struct arg *sa = arg_get(c, "slug");
    if (sa) {
        *out = sa->campaign;
        return CH_OK;
    }
    if (c->in_channel) {
        *out = &c->here;
        return CH_OK;
    }
    struct campaign *list;
    size_t n;
    store_campaign_list_for(c->st, c->a, c->caller.id, &list, &n);
    if (n == 1) {
        *out = &list[0];
        return CH_OK;
    }
    return ch_fail(&c->err, CH_INVALID,
                   n ? "which campaign is it about? ask <slug> <question>"
                     : "you are not part of a campaign to ask about");
}

enum ch_status
cmd_ask(struct ctx *c)
{
    const struct campaign *cp = NULL;
    enum ch_status s = question_campaign(c, &cp);
    if (s != CH_OK)
        return s;
    unsigned roles = store_participant_role_in(c->st, cp->id, c->caller.id, NULL, c->a) |
                     (c->caller_admin ? ROLE_ADMIN : 0);
    if (!perm_allows(&c->set->perms, ACT_ASK, roles))
        return ch_fail(&c->err, CH_DENIED,
                       "you are not part of %s: asking needs a role in it",
                       cp->slug);
    struct question q = {
        .campaign_id = cp->id, .asked_by = c->caller.id,
        .text = (char *)arg_text(c, "question"), .asked_at = c->now,
    };
    s = store_question_insert(c->st, &q);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the question");
    plan_question(c, &q);
    char qid[24];
    snprintf(qid, sizeof(qid), "Q%lld", (long long)q.id);
    audit(c, cp->id, qid, "question.ask", "%s", q.text);
    struct schedule sched;
    schedule_for(c, cp->id, &sched);
    char target[32];
    when_duration_format(sched.response, target, sizeof(target));
    dm_roles(c, cp->id, ROLE_COORDINATOR | ROLE_AGENCY, c->caller.id, NULL,
             "%s asks (%s, %s): %s\nAnswer with: answer %s <text>",
             mark_person(c, c->caller.id), qid, cp->slug, q.text, qid);
    post(c, cp->id, NULL, "%s asked %s: %s", mark_person(c, c->caller.id),
         qid, q.text);
    reply(c, "Asked %s in %s; the coordinators were told and aim to answer "
          "within %s.", qid, cp->slug, target);
    return CH_OK;
}

enum ch_status
cmd_answer(struct ctx *c)
{
    const struct arg *qa = arg_get(c, "question");
    struct question *q = qa->question;
    const struct campaign *cp = qa->campaign;
    if (q->answered_by) {
        struct person by;
        store_people_get(c->st, c->a, q->answered_by, &by);
        return ch_fail(&c->err, CH_CONFLICT, "Q%lld was already answered by "
                       "%s: %s", (long long)q->id, by.name, q->answer);
    }
    const char *text = arg_text(c, "text");
    enum ch_status s = store_question_answer(c->st, q->id, c->caller.id, text,
                                           c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the answer");
    jobs_cancel_question(c, q->id);
    char qid[24], took[32];
    snprintf(qid, sizeof(qid), "Q%lld", (long long)q->id);
    when_duration_format(c->now - q->asked_at, took, sizeof(took));
    audit(c, cp->id, qid, "question.answer", "after %s: %s", took, text);
    if (q->asked_by != c->caller.id)
        dm(c, q->asked_by, NULL, "%s answered your question %s (\"%s\"): %s",
           mark_person(c, c->caller.id), qid, q->text, text);
    post(c, cp->id, NULL, "%s answered %s: %s", mark_person(c, c->caller.id),
         qid, text);
    reply(c, "Answered %s (%s after it was asked).", qid, took);
    return CH_OK;
}

static const char *
duration_or_default(struct ctx *c, int64_t ms)
{
    char text[32];
    when_duration_format(ms, text, sizeof(text));
    return arena_strdup(c->a, text);
}

enum ch_status
cmd_settings(struct ctx *c)
{
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    static const char *const keys[] = { "nudge_before", "nudge_after", "cap",
                                        "guard", "fix_window", "response",
                                        "lead_time" };
    bool changing = false;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        changing |= arg_get(c, keys[i]) != NULL;
    if (changing && !perm_allows(&c->set->perms, ACT_MANAGE, c->cmd->roles)) {
        char need[96];
        command_roles_needed(c, ACTS(ACT_MANAGE), need, sizeof(need));
        return ch_fail(&c->err, CH_DENIED,
                       "changing the settings of %s needs the role %s",
                       cp->slug, need);
    }
    if (changing) {
        struct schedule_row r;
        store_schedule_row(c->st, c->a, cp->id, &r);
        const struct arg *a;
        if ((a = arg_get(c, "nudge_before")))
            r.before = strcmp(a->text, "none") ? (char *)a->text : "";
        if ((a = arg_get(c, "nudge_after")))
            r.after = strcmp(a->text, "none") ? (char *)a->text : "";
        if ((a = arg_get(c, "cap")))
            r.cap = (int)a->num;
        if ((a = arg_get(c, "guard")))
            r.guard = a->num;
        if ((a = arg_get(c, "fix_window")))
            r.fix = a->num;
        if ((a = arg_get(c, "response")))
            r.response = a->num;
        if ((a = arg_get(c, "lead_time")))
            r.lead = a->num;
        enum ch_status s = store_schedule_put(c->st, cp->id, &r);
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not save the settings");
        /* Re-plan what is already scheduled under the old settings. */
        struct deliverable *ds;
        size_t nd;
        store_deliverable_list(c->st, c->a, cp->id, 0, &ds, &nd);
        for (size_t i = 0; i < nd; i++)
            plan_deliverable(c, &ds[i]);
    }
    struct schedule s;
    schedule_for(c, cp->id, &s);
    const char *text = arena_printf(
        c->a, "nudges before %s; after %s; at most %d a day per person; "
        "approval guard %s before publishing; fix window %s; questions "
        "answered within %s; lead time %s",
        durations_text(c, s.before, s.nbefore),
        durations_text(c, s.after, s.nafter), s.cap,
        duration_or_default(c, s.guard), duration_or_default(c, s.fix),
        duration_or_default(c, s.response), duration_or_default(c, s.lead));
    if (changing)
        audit(c, cp->id, cp->slug, "campaign.settings", "%s", text);
    reply(c, "%s of %s: %s.", changing ? "New settings" : "Settings", cp->slug,
          text);
    return CH_OK;
}

enum ch_status
cmd_published(struct ctx *c)
{
    const struct arg *ra = arg_get(c, "ref");
    struct deliverable d = *ra->deliv;
    const char *link = arg_text(c, "link");
    const char *ref = deliv_ref(c, &d);
    if (d.state == DELIV_PUBLISHED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is already published", ref);
    if (d.state != DELIV_APPROVED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is %s, not approved: content goes live only after "
                       "the brand's final approval (escalate %s <reason> if "
                       "it is already out)", ref,
                       deliverable_state_names[d.state], ref);
    d.state = DELIV_PUBLISHED;
    enum ch_status s = store_deliverable_update(c->st, &d, c->now);
    if (s == CH_OK)
        s = store_deliverable_published(c->st, d.id, link, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the publication");
    plan_deliverable(c, &d);
    int64_t late = c->now - d.publish_at;
    char lateness[80] = "";
    if (late > 0) {
        char dur[32];
        when_duration_format(late, dur, sizeof(dur));
        snprintf(lateness, sizeof(lateness), " (%s after the planned time)",
                 dur);
    }
    audit(c, d.campaign_id, ref, "deliverable.published", "%s%s", link,
          lateness);
    post(c, d.campaign_id, NULL, "%s \"%s\" is live%s: %s", ref, d.title,
         lateness, link);
    campaign_refresh_status(c, ra->campaign);
    reply(c, "Recorded %s as published%s.", ref, lateness);
    return CH_OK;
}
