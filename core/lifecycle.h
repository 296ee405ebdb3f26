/*
 * lifecycle: a campaign's end.  It wraps at the end of its window (a
 * 'campaign.wrap' job at the last instant of its last day in the
 * campaign's zone, planned at kickoff) or by `wrap`: no new deliverables,
 * open ones still tracked and nudged, the retrospective (retro.h) posted
 * to its channel.  `close` ends it after that:
 * nothing of it fires any more (its jobs are deleted, and a job about a
 * closed campaign does nothing), its conflicts and standups end, and its
 * channel is archived (Slack) or made read-only (Discord).
 */
#ifndef CHORUS_LIFECYCLE_H
#define CHORUS_LIFECYCLE_H

#include <stdbool.h>

#include "status.h"

struct ctx;
struct campaign;
struct job;

/* Plan the campaign's automatic wrap at the end of its window (nothing
 * when it has no end date). */
enum ch_status lifecycle_plan(struct ctx *c, const struct campaign *cp);
/* Wrap it now; by_hand: a person ran `wrap` (else its window ended). */
enum ch_status lifecycle_wrap(struct ctx *c, const struct campaign *cp,
                              bool by_hand);
enum ch_status lifecycle_close(struct ctx *c, const struct campaign *cp);

/* Jobs. */
enum ch_status lifecycle_job_wrap(struct ctx *c, const struct job *j);
enum ch_status lifecycle_job_plan(struct ctx *c, const struct job *j);

#endif
