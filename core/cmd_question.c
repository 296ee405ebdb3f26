/* ask, answer: questions to the coordinators, tracked until answered. */
#include <stdio.h>
#include <string.h>

#include "avail.h"
#include "commands.h"
#include "core_internal.h"
#include "nudge.h"
#include "schedule.h"
#include "when.h"

/* The campaign a question is about: named, the channel's, or the only
 * one the asker is part of. */
static enum ch_status
question_campaign(struct ctx *c, const struct campaign **out)
{
    const struct arg *sa = command_arg(c, "slug");
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
cmd_question_ask(struct ctx *c)
{
    const struct campaign *cp = NULL;
    enum ch_status s = question_campaign(c, &cp);
    if (s != CH_OK)
        return s;
    unsigned roles =
        store_participant_role_in(c->st, cp->id, c->caller.id, NULL, c->a) |
        (c->caller_admin ? ROLE_ADMIN : 0);
    if (!perm_allows(&c->set->perms, ACT_ASK, roles))
        return ch_fail(&c->err, CH_DENIED,
                       "you are not part of %s: asking needs a role in it",
                       cp->slug);
    struct question q = {
        .campaign_id = cp->id,
        .asked_by = c->caller.id,
        .text = (char *)command_arg_text(c, "question"),
        .asked_at = c->now,
    };
    s = store_question_insert(c->st, &q);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the question");
    nudge_plan_question(c, &q);
    char qid[24];
    snprintf(qid, sizeof(qid), "Q%lld", (long long)q.id);
    ctx_audit(c, cp->id, qid, "question.ask", "%s", q.text);
    struct schedule sched;
    nudge_schedule_for(c, cp->id, &sched);
    char target[32];
    when_duration_format(sched.response, target, sizeof(target));
    ctx_dm_roles(c, cp->id, ROLE_COORDINATOR | ROLE_AGENCY, c->caller.id, NULL,
                 "%s asks (%s, %s): %s\nAnswer with: answer %s <text>",
                 ctx_mark_person(c, c->caller.id), qid, cp->slug, q.text, qid);
    ctx_post(c, cp->id, NULL, "%s asked %s: %s",
             ctx_mark_person(c, c->caller.id), qid, q.text);
    ctx_reply(c,
              "Asked %s in %s; the coordinators were told and aim to answer "
              "within %s.",
              qid, cp->slug, target);
    return CH_OK;
}

enum ch_status
cmd_question_answer(struct ctx *c)
{
    const struct arg *qa = command_arg(c, "question");
    struct question *q = qa->question;
    const struct campaign *cp = qa->campaign;
    if (q->answered_by) {
        struct person by;
        store_people_get(c->st, c->a, q->answered_by, &by);
        return ch_fail(&c->err, CH_CONFLICT, "Q%lld was already answered by "
                       "%s: %s", (long long)q->id, by.name, q->answer);
    }
    const char *text = command_arg_text(c, "text");
    enum ch_status s =
        store_question_answer(c->st, q->id, c->caller.id, text, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the answer");
    schedule_cancel_question(c, q->id);
    char qid[24], took[32];
    snprintf(qid, sizeof(qid), "Q%lld", (long long)q->id);
    when_duration_format(c->now - q->asked_at, took, sizeof(took));
    ctx_audit(c, cp->id, qid, "question.answer", "after %s: %s", took, text);
    if (q->asked_by != c->caller.id)
        ctx_dm_news(c, q->asked_by, NULL,
               "%s answered your question %s (\"%s\"): %s",
               ctx_mark_person(c, c->caller.id), qid, q->text, text);
    ctx_post(c, cp->id, NULL, "%s answered %s: %s",
             ctx_mark_person(c, c->caller.id), qid, text);
    ctx_reply(c, "Answered %s (%s after it was asked).", qid, took);
    return CH_OK;
}
