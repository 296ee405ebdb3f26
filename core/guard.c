/*
 * guard: the approval guard.  At publish - 48 h (configurable) a
 * deliverable without final brand approval alerts the brand lead and
 * opens an escalation; approval is never assumed because someone was
 * silent.
 */
#include "guard.h"

#include "core_internal.h"
#include "escalation.h"
#include "log.h"
#include "nudge.h"
#include "schedule.h"
#include "when.h"

enum ch_status
guard_run(struct ctx *c, const struct job *j)
{
    struct deliverable d;
    struct campaign cp;
    if (store_deliverable_by_id(c->st, c->a, j->deliverable_id, &d) != CH_OK ||
        store_campaign_get(c->st, c->a, d.campaign_id, &cp) != CH_OK)
        return CH_OK;
    if (!(d.state == DELIV_PLANNED || d.state == DELIV_SUBMITTED ||
          d.state == DELIV_CHANGES_REQUESTED))
        return CH_OK;
    const char *ref = campaign_deliv_ref(c, &d);
    /* One alert per publish time: a submission or a review after the
     * guard has spoken re-plans the deliverable, and must not sound it
     * (and open an escalation) again. */
    struct schedule s;
    nudge_schedule_for(c, d.campaign_id, &s);
    if (store_audit_count_since(c->st, ref, "guard.alert",
                                d.publish_at - s.guard) > 0)
        return CH_OK;
    /* Each reader gets the state in their own words: the brand is asked
     * to act, the ladder's other levels are told who is waiting. */
    bool at_brand = d.state == DELIV_SUBMITTED && d.stage == STAGE_BRAND;
    const char *where = at_brand ? "it waits for the brand's final approval"
        : d.state == DELIV_SUBMITTED ? "it is still in coordinator review"
        : d.state == DELIV_CHANGES_REQUESTED ? "changes are still being made"
                                             : "no draft has been submitted";
    const char *left = ctx_duration(c, d.publish_at - c->now);
    const char *buttons = NULL;
    const char *act = "ask the coordinators where it stands";
    if (d.state == DELIV_SUBMITTED) {
        struct out_button b[] = {
            { .label = "Approve", .style = "primary",
              .command = arena_printf(c->a, "approve %s", ref) },
            { .label = "Request changes", .prompt = "What needs to change?",
              .command = arena_printf(c->a, "changes %s", ref) },
        };
        buttons = ctx_buttons_encode(c, b, 2);
        act = arena_printf(c->a, "approve it (approve %s) or ask for changes "
                           "(changes %s <reason>)", ref, ref);
    }
    ctx_audit(c, cp.id, ref, "guard.alert",
              "no final brand approval %s before publishing (%s)", left, where);
    struct escalation e;
    bool opened;
    enum ch_status st = escalation_open(
        c, &cp, d.id, ESC_GUARD,
        arena_printf(c->a, "no final brand approval %s before %s publishes "
                     "(%s)", left, ref, where),
        0, &e, &opened);
    if (st != CH_OK)
        return st;
    /* The brand hears it here, with the escalation's number; its level
     * of the ladder keeps its time without telling it again. */
    struct participant *brand;
    size_t nb;
    store_participant_list(c->st, c->a, cp.id, ROLE_BRAND, &brand, &nb);
    for (size_t i = 0; i < nb; i++) {
        struct person p;
        if (store_people_get(c->st, c->a, brand[i].person_id, &p) != CH_OK)
            continue;
        ctx_dm_urgent(c, p.id, buttons,
                      "Approval guard: %s \"%s\" publishes in %s (%s) "
                      "without your final approval: %s. Silence is not "
                      "approval: %s. If the date must move, the coordinators "
                      "can move it. (E%lld is open about it.)",
                      ref, d.title, left, ctx_time_for(c, &p, d.publish_at),
                      at_brand ? "it waits for you" : where, act,
                      (long long)e.id);
        escalation_told(c, &e, p.id, ROLE_BRAND);
    }
    return CH_OK;
}
