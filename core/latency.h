/*
 * latency: the approval latency alert.  Every submission plans one
 * "latency" job at its time plus the campaign's limit (settings
 * latency:, else the workspace's approval_latency).  When it fires and
 * that submission is still the latest and not finally approved, the
 * brand leads get one alert with an Approve button (put off to a working
 * moment when none of them is working), the coordinators are told, and
 * the submission records when; a later submission or decision makes the
 * job a no-op.
 */
#ifndef CHORUS_LATENCY_H
#define CHORUS_LATENCY_H

#include <stdint.h>

#include "status.h"

struct ctx;
struct job;
struct deliverable;

void latency_plan(struct ctx *c, const struct deliverable *d,
                  int64_t submission_id, int64_t submitted_at);
/* The deliverable's round was decided: its alert has nothing to say
 * (a job left behind would find that out itself; this tidies). */
void latency_cancel(struct ctx *c, const struct deliverable *d);
enum ch_status latency_job(struct ctx *c, const struct job *j);

#endif
