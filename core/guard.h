/*
 * guard: the approval guard (a job of schedule.c, planned with a
 * deliverable's other timers by nudge_plan_deliverable()).
 */
#ifndef CHORUS_GUARD_H
#define CHORUS_GUARD_H

#include "schedule.h"

struct ctx;

/* The guard job of a deliverable has fired. */
enum ch_status guard_run(struct ctx *c, const struct job *j);

#endif
