/*
 * approve, changes, reject: the two-stage review.  A
 * submission waits first for the coordinator/agency review, then for the
 * brand's final approval (or only for the brand in a brand-only
 * campaign).  The brand may decide at either stage; reviewers may not
 * decide for the brand, and whoever passed a round in review may not
 * give its final approval too.  The quality gate: an approval passes the
 * three rubric points unless fail: names some, and then needs
 * override:"<reason>"; the creator hears every decision, with the failed
 * points and the reasons as written.
 */
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "gate.h"
#include "latency.h"
#include "nudge.h"

struct review_target {
    struct deliverable       d;
    const struct campaign   *cp;
    const char              *ref;
    int64_t                  submission_id;
    int                      round;
    bool                     as_brand;   /* acting with the final say */
};

static enum ch_status
load_target(struct ctx *c, const char *verb, struct review_target *t)
{
    const struct arg *ra = command_arg(c, "ref");
    t->d = *ra->deliv;
    t->cp = ra->campaign;
    t->ref = campaign_deliv_ref(c, &t->d);
    if (t->d.state != DELIV_SUBMITTED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s has no submission waiting for review (it is %s)",
                       t->ref, campaign_deliv_words(&t->d));
    if (store_submission_latest(c->st, c->a, t->d.id, &t->submission_id,
                                &t->round, NULL, NULL) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "%s has no submission", t->ref);
    const struct perm_table *pt = &c->set->perms;
    bool reviewer = perm_allows(pt, ACT_REVIEW, c->cmd->roles);
    bool brand = perm_allows(pt, ACT_FINAL_APPROVAL, c->cmd->roles);
    if (t->d.stage == STAGE_BRAND && !brand) {
        char who[96];
        command_roles_needed(c, ACTS(ACT_FINAL_APPROVAL), who, sizeof(who));
        if (t->cp->review_mode == REVIEW_BRAND_ONLY)
            return ch_fail(&c->err, CH_DENIED,
                           "%s waits for the brand's approval (%s is "
                           "reviewed by the brand alone): only the role %s "
                           "may %s it", t->ref, t->cp->slug, who, verb);
        return ch_fail(&c->err, CH_DENIED,
                       "%s %s: only the role %s may %s it now", t->ref,
                       gate_brand_wait(c, &t->d), who, verb);
    }
    /* The brand has the last word at either stage. */
    t->as_brand = brand && (t->d.stage == STAGE_BRAND || !reviewer);
    return CH_OK;
}

/* What the disclosure check found on the round under review, for a
 * reviewer: " Disclosure: ..." or "". */
static const char *
disclosure_flag(struct ctx *c, const struct review_target *t)
{
    struct submission sub;
    if (store_submission_get(c->st, c->a, t->submission_id, &sub) != CH_OK)
        return "";
    const char *w = gate_disclosure_words(
        c, sub.disclosure, gate_disclosure_tags(c, t->d.campaign_id));
    return w ? arena_printf(c->a, "\nDisclosure: %s.", w) : "";
}

static enum ch_status
record(struct ctx *c, const struct review_target *t, const char *decision,
       unsigned failed, const char *reason, const char *override)
{
    struct review_record r = {
        .deliverable_id = t->d.id,
        .submission_id = t->submission_id,
        .reviewer_id = c->caller.id,
        .stage = t->as_brand ? STAGE_BRAND : STAGE_REVIEW,
        .decision = decision,
        .visible = !(failed & 1),
        .message = !(failed & 2),
        .engagement = !(failed & 4),
        .reason = reason,
        .override = override,
    };
    enum ch_status s = store_submission_review_insert(c->st, &r, c->now);
    if (s == CH_OK)
        s = store_deliverable_update(c->st, &t->d, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the review of %s",
                       t->ref);
    nudge_plan_deliverable(c, &t->d);
    if (t->d.state != DELIV_SUBMITTED)
        latency_cancel(c, &t->d);
    return CH_OK;
}

/* The rubric as fail: takes it ("visible,engagement"). */
static const char *
fail_words(struct ctx *c, unsigned failed)
{
    static const char *const words[] = { "visible", "message", "engagement" };
    return ctx_bits_text(c, failed, words, 3, ",");
}

/* The verdict on the rubric, for the creator and the audit:
 * " All three rubric points passed." or " Failed: ...; approved anyway
 * because: <reason>." */
static const char *
verdict(struct ctx *c, unsigned failed, const char *override)
{
    if (!failed)
        return " All three rubric points passed.";
    size_t n = strlen(override);
    return arena_printf(c->a, " Failed: %s; approved anyway because: %s%s",
                        gate_rubric_words(c, failed), override,
                        n && strchr(".!?", override[n - 1]) ? "" : ".");
}

/* The quality gate on an approval: a failed point needs a reason to be
 * approved over, and a reason needs a failed point. */
static enum ch_status
gate_check(struct ctx *c, const struct review_target *t, unsigned failed,
           const char *override)
{
    /* (The grammar refuses a blank override: T_TEXT.) */
    if (failed && !override)
        return ch_fail(&c->err, CH_INVALID,
                       "%s fails %s: approving it anyway needs the reason, "
                       "as approve %s fail:%s override:\"<reason>\" (or ask "
                       "for changes: changes %s fail:%s <reason>)", t->ref,
                       gate_rubric_words(c, failed), t->ref,
                       fail_words(c, failed), t->ref, fail_words(c, failed));
    if (!failed && override)
        return ch_fail(&c->err, CH_INVALID,
                       "override: is the reason for approving over failed "
                       "rubric points, and none is failed: approve %s "
                       "without it, or name the points with fail:", t->ref);
    return CH_OK;
}

enum ch_status
cmd_review_approve(struct ctx *c)
{
    struct review_target t;
    enum ch_status s = load_target(c, "approve", &t);
    if (s != CH_OK)
        return s;
    const char *note = command_arg_text(c, "note");
    const struct arg *fail = command_arg(c, "fail");
    unsigned failed = fail ? (unsigned)fail->num : 0;
    const char *override = command_arg_text(c, "override");
    if ((s = gate_check(c, &t, failed, override)) != CH_OK)
        return s;
    const char *why = verdict(c, failed, override);
    const char *with = note ? arena_printf(c->a, " Note: %s", note) : "";
    const char *flag = disclosure_flag(c, &t);
    if (!t.as_brand) {
        /* Stage one passed: on to the brand. */
        t.d.stage = STAGE_BRAND;
        if ((s = record(c, &t, "approve", failed, note, override)) != CH_OK)
            return s;
        ctx_audit(c, t.d.campaign_id, t.ref, "review.approve",
                  "round %d passed review.%s%s", t.round, why, with);
        ctx_dm_roles_as(c, DM_NEWS, t.d.campaign_id, ROLE_BRAND,
                        c->caller.id, gate_review_buttons(c, t.ref, false),
                        "%s \"%s\" passed review by %s and needs your final "
                        "approval.%s%s%s",
                        t.ref, t.d.title, ctx_mark_person(c, c->caller.id),
                        why, with, flag);
        ctx_dm(c, t.d.creator_id, NULL,
               "%s passed review by %s and went to the brand for final "
               "approval.%s%s",
               t.ref, ctx_mark_person(c, c->caller.id), why, with);
        ctx_post(
            c, t.d.campaign_id, NULL,
            "%s passed review (%s); waiting for the brand's final approval.",
            t.ref, ctx_mark_person(c, c->caller.id));
        campaign_refresh_status(c, t.cp);
        ctx_reply(c,
                  "%s passed review and went to the brand for final approval.",
                  t.ref);
        return CH_OK;
    }
    /* Two stages are two people: whoever passed this round in review
     * (and holds the brand's role now, or by a permit) may not also give
     * its final approval. */
    if (t.d.stage == STAGE_BRAND &&
        store_submission_passed_by(c->st, t.submission_id, c->caller.id)) {
        char who[96];
        command_roles_needed(c, ACTS(ACT_FINAL_APPROVAL), who, sizeof(who));
        return ch_fail(&c->err, CH_DENIED,
                       "you passed %s in review: its final approval needs "
                       "someone else with the role %s", t.ref, who);
    }
    bool skipped = t.d.stage == STAGE_REVIEW;
    t.d.state = DELIV_APPROVED;
    t.d.stage = STAGE_NONE;
    if ((s = record(c, &t, "approve", failed, note, override)) != CH_OK)
        return s;
    struct submission sub;
    const char *waited =
        store_submission_get(c->st, c->a, t.submission_id, &sub) == CH_OK &&
                c->now - sub.submitted_at >= MS_PER_MIN
            ? arena_printf(c->a, ", %s after it was submitted",
                           ctx_duration(c, c->now - sub.submitted_at))
            : "";
    ctx_audit(c, t.d.campaign_id, t.ref, "review.final_approve",
              "round %d approved by the brand%s%s.%s%s", t.round,
              skipped ? " (before coordinator review)" : "", waited, why,
              with);
    ctx_dm(c, t.d.creator_id, NULL,
           "%s \"%s\" is approved by %s: publish it as planned.%s%s", t.ref,
           t.d.title, ctx_mark_person(c, c->caller.id), why, with);
    ctx_post(c, t.d.campaign_id, NULL, "%s is approved by the brand (%s).",
             t.ref, ctx_mark_person(c, c->caller.id));
    campaign_refresh_status(c, t.cp);
    ctx_reply(c, "%s is approved (final).%s", t.ref,
              skipped ? " It skipped coordinator review." : "");
    return CH_OK;
}

enum ch_status
cmd_review_changes(struct ctx *c)
{
    struct review_target t;
    enum ch_status s = load_target(c, "request changes to", &t);
    if (s != CH_OK)
        return s;
    const char *reason = command_arg_text(c, "reason");
    const struct arg *fail = command_arg(c, "fail");
    unsigned failed = fail ? (unsigned)fail->num : 0;
    t.d.state = DELIV_CHANGES_REQUESTED;
    t.d.stage = STAGE_NONE;
    t.d.rounds++;
    if ((s = record(c, &t, "changes", failed, reason, NULL)) != CH_OK)
        return s;
    nudge_plan_fix_window(c, &t.d);
    bool revisions;
    int64_t fix_due = nudge_fix_due(c, &t.d, c->now, &revisions);
    struct person creator;
    store_people_get(c->st, c->a, t.d.creator_id, &creator);
    size_t rl = strlen(reason);
    const char *stop = rl && strchr(".!?", reason[rl - 1]) ? "" : ".";
    const char *failing = failed ? arena_printf(c->a, "%s Failed: %s.", stop,
                                                gate_rubric_words(c, failed))
                                 : stop;
    ctx_audit(c, t.d.campaign_id, t.ref, "review.changes",
              "round %d, revision %d: %s%s", t.round, t.d.rounds, reason,
              failing);
    ctx_dm(c, t.d.creator_id, NULL,
           "%s asks for changes to %s \"%s\" (revision %d): %s%s Resubmit by "
           "%s%s with: submit %s <link>",
           ctx_mark_person(c, c->caller.id), t.ref, t.d.title, t.d.rounds,
           reason, failing, ctx_time_for(c, &creator, fix_due),
           revisions ? " (the rhythm's revisions day)" : "", t.ref);
    ctx_post(c, t.d.campaign_id, NULL,
             "%s: changes requested by %s (revision %d).", t.ref,
             ctx_mark_person(c, c->caller.id), t.d.rounds);
    if (t.d.rounds > c->set->revision_limit)
        ctx_dm_roles(c, t.d.campaign_id, ROLE_COORDINATOR, 0, NULL,
                     "%s is at revision %d (limit %d): the brief of %s is "
                     "probably unclear on this point. Latest reason: %s",
                     t.ref, t.d.rounds, c->set->revision_limit, t.cp->slug,
                     reason);
    campaign_refresh_status(c, t.cp);
    ctx_reply(c, "Changes requested on %s (revision %d); %s was told.", t.ref,
              t.d.rounds, ctx_mark_person(c, t.d.creator_id));
    return CH_OK;
}

enum ch_status
cmd_review_reject(struct ctx *c)
{
    struct review_target t;
    enum ch_status s = load_target(c, "reject", &t);
    if (s != CH_OK)
        return s;
    const char *reason = command_arg_text(c, "reason");
    const struct arg *fail = command_arg(c, "fail");
    unsigned failed = fail && fail->num ? (unsigned)fail->num : 7;
    t.d.state = DELIV_REJECTED;
    t.d.stage = STAGE_NONE;
    if ((s = record(c, &t, "reject", failed, reason, NULL)) != CH_OK)
        return s;
    size_t rl = strlen(reason);
    const char *stop = rl && strchr(".!?", reason[rl - 1]) ? "" : ".";
    ctx_audit(c, t.d.campaign_id, t.ref, "review.reject",
              "round %d: %s%s Failed: %s.", t.round, reason, stop,
              gate_rubric_words(c, failed));
    ctx_dm(c, t.d.creator_id, NULL, "%s rejected %s \"%s\": %s%s Failed: %s.",
           ctx_mark_person(c, c->caller.id), t.ref, t.d.title, reason, stop,
           gate_rubric_words(c, failed));
    ctx_post(c, t.d.campaign_id, NULL, "%s was rejected by %s.", t.ref,
             ctx_mark_person(c, c->caller.id));
    campaign_refresh_status(c, t.cp);
    ctx_reply(c, "Rejected %s.", t.ref);
    /* A lost piece: say which flex-tier creator could cover it. */
    struct participant *ps;
    size_t n;
    store_participant_list(c->st, c->a, t.d.campaign_id, ROLE_CREATOR, &ps, &n);
    struct buf flex = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (ps[i].tier && strcmp(ps[i].tier, "flex") == 0 &&
            ps[i].person_id != t.d.creator_id)
            buf_printf(&flex, "%s%s", flex.len ? ", " : "",
                       ctx_mark_person(c, ps[i].person_id));
    if (flex.len)
        ctx_reply(c, "Flex creators who could cover it: %s.", buf_cstr(&flex));
    buf_free(&flex);
    return CH_OK;
}
