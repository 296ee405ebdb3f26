/*
 * gate: the quality gate's words and buttons, shared by submit, the
 * review commands and the latency alert: the rubric's failed points,
 * lateness against the deadline a submission was measured by, the
 * disclosure check's finding, and the buttons a reviewer gets.
 */
#ifndef CHORUS_GATE_H
#define CHORUS_GATE_H

#include <stdbool.h>
#include <stdint.h>

struct ctx;
struct deliverable;

/* The failed points in words ("product clearly visible; engagement
 * potential"); "" when none. */
const char *gate_rubric_words(struct ctx *c, unsigned failed);
/* "on time", or "2h late against the fix window". */
const char *gate_lateness(struct ctx *c, int64_t late_ms,
                          const char *against);
/* What the disclosure check found (a disclosure_name()), as a sentence
 * for a reader, or NULL when there is nothing to say; tags is the
 * brief's disclosure list. */
const char *gate_disclosure_words(struct ctx *c, const char *finding,
                                  const char *tags);
/* The brief's disclosure list of a campaign (NULL: none named). */
const char *gate_disclosure_tags(struct ctx *c, int64_t campaign_id);
/* Approve / Request changes (asking for the failed points and a reason),
 * and Reject when reject is set. */
const char *gate_review_buttons(struct ctx *c, const char *ref, bool reject);
/* Why a reviewer may not decide on a deliverable waiting for the brand:
 * "passed review and waits for the brand's final approval" when its
 * latest round passed review, else "waits for the brand's approval". */
const char *gate_brand_wait(struct ctx *c, const struct deliverable *d);
/* The campaign's approval latency limit (its setting, else the
 * workspace's). */
int64_t     gate_latency_limit(struct ctx *c, int64_t campaign_id);

#endif
