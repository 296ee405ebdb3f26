/* What a deliverable's fee comes to: the rule is in payout.h. */
#include "payout.h"

struct payout
payout_compute(const struct payout_in *in)
{
    struct payout p = { .owed_cents = 0, .pct_applied = 100 };
    p.late = in->publish_missed || in->fix_missed;
    if (in->fee_cents == INT64_MIN || in->fee_cents <= 0 || !in->delivered)
        return p;
    if (p.late)
        p.pct_applied = in->late_pct >= 0       ? in->late_pct
                        : in->default_pct >= 0 ? in->default_pct
                                               : 100;
    p.owed_cents = (in->fee_cents * p.pct_applied + 50) / 100;
    return p;
}
