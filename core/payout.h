/*
 * payout: what a deliverable's fee comes to (issue 18; spec §3.3).
 *
 * The rule, in full:
 * - Nothing is owed for a deliverable that was not delivered: only an
 *   approved or published one earns its fee (rejected, missed, cancelled,
 *   planned or still in review: 0, "not delivered").
 * - The late rule applies when the publish window was missed -- it went
 *   live after its publish time, or it is approved and not live and the
 *   publish time has passed -- or a fix window was missed: a submission
 *   after changes were requested (round 2 on) came in late (its late_ms
 *   > 0; the first draft's lateness does not count).
 * - The late percentage is the deliverable's own (deliverable ...
 *   late:<percent>), else the campaign's default (settings <slug>
 *   late:<percent>), else 100: no reduction.
 * - Owed = fee x percent / 100, rounded half up to the cent.  A
 *   deliverable without a fee owes nothing and is counted apart.
 */
#ifndef CHORUS_PAYOUT_H
#define CHORUS_PAYOUT_H

#include <stdbool.h>
#include <stdint.h>

/* Facts about one deliverable, gathered from the store. */
struct payout_in {
    int64_t fee_cents;      /* INT64_MIN: no fee */
    bool    delivered;      /* approved or published */
    bool    publish_missed;
    bool    fix_missed;
    int     late_pct;       /* the deliverable's; -1: not set */
    int     default_pct;    /* the campaign's; -1: not set */
};

struct payout {
    int64_t owed_cents;     /* 0 when nothing is owed */
    int     pct_applied;    /* 100 when the late rule did not apply */
    bool    late;           /* a window was missed */
};

struct payout payout_compute(const struct payout_in *in);

#endif
