/* gate: the quality gate's shared words and buttons (see gate.h). */
#include "gate.h"

#include "core_internal.h"
#include "disclosure.h"
#include "nudge.h"

const char *
gate_rubric_words(struct ctx *c, unsigned failed)
{
    static const char *const names[] = {
        "product clearly visible", "message understood",
        "engagement potential",
    };
    return ctx_bits_text(c, failed, names, 3, "; ");
}

const char *
gate_lateness(struct ctx *c, int64_t late_ms, const char *against)
{
    if (late_ms <= 0)
        return "on time";
    return arena_printf(c->a, "%s late against %s", ctx_duration(c, late_ms),
                        against);
}

const char *
gate_disclosure_tags(struct ctx *c, int64_t campaign_id)
{
    struct campaign cp;
    struct brief b;
    if (store_campaign_get(c->st, c->a, campaign_id, &cp) != CH_OK ||
        brief_current(c, &cp, &b) != CH_OK)
        return NULL;
    return b.field[BRIEF_DISCLOSURE];
}

const char *
gate_disclosure_words(struct ctx *c, const char *finding, const char *tags)
{
    char t[256];
    disclosure_tags_text(tags, t, sizeof(t));
    switch (disclosure_parse(finding)) {
    case DISCLOSURE_OK:
        return NULL;
    case DISCLOSURE_NO_CAPTION:
        return arena_printf(c->a, "there is no caption to check for the "
                            "disclosure (%s)", t);
    case DISCLOSURE_MISSING:
        return arena_printf(c->a, "the caption has no disclosure (%s)", t);
    case DISCLOSURE_BURIED:
        return arena_printf(c->a, "the disclosure (%s) comes only after "
                            "the first %d characters, where readers must "
                            "tap \"more\" to see it", t, DISCLOSURE_VISIBLE);
    case DISCLOSURE_HASHTAG_BLOCK:
        return arena_printf(c->a, "the disclosure (%s) is only in the block "
                            "of hashtags at the end, where readers skip it",
                            t);
    }
    return NULL;
}

const char *
gate_review_buttons(struct ctx *c, const char *ref, bool reject)
{
    struct out_button b[] = {
        { .label = "Approve", .style = "primary",
          .command = arena_printf(c->a, "approve %s", ref) },
        { .label = "Request changes", .prompt = "What needs to change?",
          .rubric = true,
          .command = arena_printf(c->a, "changes %s", ref) },
        { .label = "Reject", .style = "danger", .prompt = "Why reject it?",
          .rubric = true,
          .command = arena_printf(c->a, "reject %s", ref) },
    };
    return ctx_buttons_encode(c, b, reject ? 3 : 2);
}

const char *
gate_brand_wait(struct ctx *c, const struct deliverable *d)
{
    int64_t sub = 0;
    store_submission_latest(c->st, c->a, d->id, &sub, NULL, NULL, NULL);
    return store_submission_passed_stage(c->st, sub)
        ? "passed review and waits for the brand's final approval"
        : "waits for the brand's approval";
}

int64_t
gate_latency_limit(struct ctx *c, int64_t campaign_id)
{
    struct schedule s;
    nudge_schedule_for(c, campaign_id, &s);
    return s.latency;
}
