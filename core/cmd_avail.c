/* ooo, back, hours: when a person can be reached. */
#include <stdio.h>
#include <string.h>

#include "avail.h"
#include "commands.h"
#include "core_internal.h"
#include "nudge.h"
#include "schedule.h"
#include "when.h"

/* The person a self-service command is about: the caller, or `for:`
 * someone else, which needs a coordinator. */
static enum ch_status
subject_person(struct ctx *c, struct person **who)
{
    const struct arg *f = command_arg(c, "for");
    if (f == NULL)
        f = command_arg(c, "person");
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
               ? "Your"
               : arena_printf(c->a, "%s's", ctx_mark_person(c, who->id));
}

enum ch_status
cmd_avail_ooo(struct ctx *c)
{
    struct person *who = NULL;
    enum ch_status s = subject_person(c, &who);
    if (s != CH_OK)
        return s;
    const struct arg *from = command_arg(c, "from");
    const struct arg *to = command_arg(c, "to");
    const char *note = command_arg_text(c, "note");
    if (to->num <= from->num)
        return ch_fail(&c->err, CH_INVALID,
                       "ooo: the end (%s) is not after the start (%s)",
                       ctx_time_for_caller(c, to->num),
                       ctx_time_for_caller(c, from->num));
    if (to->num - from->num > 366 * MS_PER_DAY)
        return ch_fail(&c->err, CH_INVALID,
                       "ooo: at most a year at a time");
    s = store_timeoff_add(c->st, who->id, from->num, to->num, note,
                          c->caller.id, c->now, NULL);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the time off");
    ctx_audit(c, 0, NULL, "person.ooo", "%s: %s to %s%s%s", who->name,
              ctx_time_for(c, who, from->num), ctx_time_for(c, who, to->num),
              note ? ": " : "", note ? note : "");
    if (who->id != c->caller.id)
        ctx_dm(c, who->id, NULL,
               "%s marked you away from %s to %s%s%s. "
               "Reminders wait until you are back.",
               ctx_mark_person(c, c->caller.id),
               ctx_time_for(c, who, from->num), ctx_time_for(c, who, to->num),
               note ? ": " : "", note ? note : "");
    /* Read in their zone (command.c), so shown in it. */
    ctx_reply(c,
              "%s time off: %s to %s%s%s. Nudges wait until then; "
              "back ends it early.",
              possessive(c, who), ctx_time_for(c, who, from->num),
              ctx_time_for(c, who, to->num), note ? " — " : "",
              note ? note : "");
    /* Their open deadlines are planned again around the leave (a
     * reminder before it starts), and the ones it covers are named. */
    struct deliverable *ds;
    size_t nd = 0;
    store_deliverable_list(c->st, c->a, 0, who->id, &ds, &nd);
    for (size_t i = 0; i < nd; i++) {
        bool draft = ds[i].state == DELIV_PLANNED;
        if (!draft && ds[i].state != DELIV_APPROVED)
            continue;
        nudge_plan_deliverable(c, &ds[i]);
        const char *w = nudge_deadline_warning(c, &ds[i], draft);
        if (w)
            ctx_reply(c, "%s: %s", campaign_deliv_ref(c, &ds[i]), w);
    }
    return CH_OK;
}

enum ch_status
cmd_avail_back(struct ctx *c)
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
        ctx_reply(c, "%s had no time off running; nothing changed.",
                  who->id == c->caller.id ? "You"
                                          : ctx_mark_person(c, who->id));
        return CH_OK;
    }
    ctx_audit(c, 0, NULL, "person.back", "%s", who->name);
    ctx_reply(c, "%s back: reminders resume.",
              who->id == c->caller.id
                  ? "Welcome back. You are"
                  : arena_printf(c->a, "%s is", ctx_mark_person(c, who->id)));
    return CH_OK;
}

static const char *
days_text(struct ctx *c, unsigned mask)
{
    static const char *const names[] = { "mon", "tue", "wed", "thu", "fri",
                                         "sat", "sun" };
    return ctx_bits_text(c, mask, names, 7, ",");
}

enum ch_status
cmd_avail_hours(struct ctx *c)
{
    struct person *who = NULL;
    enum ch_status s = subject_person(c, &who);
    if (s != CH_OK)
        return s;
    int64_t span = command_arg(c, "hours")->num;
    int from = (int)(span / 10000), to = (int)(span % 10000);
    const struct arg *days = command_arg(c, "days");
    unsigned mask = days ? (unsigned)days->num
                  : who->hours_set ? who->work_days : c->set->work_days;
    s = store_people_set_hours(c->st, who->id, from, to, mask);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save the working hours");
    const char *text = arena_printf(c->a, "%02d:%02d-%02d:%02d %s", from / 60,
                                    from % 60, to / 60, to % 60,
                                    days_text(c, mask));
    ctx_audit(c, 0, NULL, "person.hours", "%s: %s (%s)", who->name, text,
              ctx_person_zone(c, who));
    ctx_reply(c, "%s working hours: %s in %s. Reminders arrive inside them.",
              possessive(c, who), text, ctx_person_zone(c, who));
    return CH_OK;
}

/* When direct messages reach someone (ctx.c): given without options, it
 * says what applies. */
enum ch_status
cmd_avail_notify(struct ctx *c)
{
    struct person *who = NULL;
    enum ch_status s = subject_person(c, &who);
    if (s != CH_OK)
        return s;
    bool anytime;
    int digest;
    store_people_notify(c->st, who->id, &anytime, &digest);
    const struct arg *urgent = command_arg(c, "urgent");
    const struct arg *news = command_arg(c, "digest");
    if (urgent || news) {
        if (urgent)
            anytime = strcmp(urgent->text, "anytime") == 0;
        if (news)
            digest = strcmp(news->text, "on") == 0;
        s = store_people_set_notify(c->st, who->id, anytime, digest);
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not save the setting");
        ctx_audit(c, 0, NULL, "person.notify", "%s: urgent:%s digest:%s",
                  who->name, anytime ? "anytime" : "working",
                  digest ? "on" : "off");
    }
    bool on = people_news_digest(c, who->id, digest);
    ctx_reply(c,
              "%s direct messages: urgent ones %s; news (submissions to "
              "review, answered questions) %s%s. Others arrive inside "
              "working hours, those due together as one.",
              possessive(c, who),
              anytime ? "at any time" : "inside working hours",
              on ? "in one digest at the start of the working day"
                 : "at once, inside working hours",
              digest < 0 ? " (the default: on for coordinators and brand "
                           "leads)" : "");
    return CH_OK;
}
