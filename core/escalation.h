/*
 * escalation: the ladder.  Levels name roles: coordinator (0),
 * agency (1), brand (2), workspace admins (3).  A step job moves an open
 * escalation up when its level's timeout passes; ack or resolve cancels
 * the job at once.  After the admins the ladder starts again from the
 * bottom, at most `escalation_repeats` times.
 */
#ifndef CHORUS_ESCALATION_H
#define CHORUS_ESCALATION_H

#include "core_internal.h"
#include "schedule.h"

#define ESC_LEVELS 4

unsigned    escalation_level_role(int level);
const char *escalation_level_name(int level);
const char *escalation_subject(struct ctx *c, const struct escalation *e,
                               const struct campaign *cp);
const char *escalation_ack_button(struct ctx *c, int64_t id);
/* DM everyone at the escalation's current level. */
void        escalation_notify_level(struct ctx *c, const struct escalation *e,
                                    const struct campaign *cp,
                                    const char *why);
/* Schedule the next ladder step; cancel every step of an escalation. */
void        escalation_schedule(struct ctx *c, const struct escalation *e);
void        escalation_unschedule(struct ctx *c, int64_t escalation_id);
/* Open an escalation on behalf of chorus itself (guards, overdue work). */
enum ch_status escalation_open_auto(struct ctx *c, const struct campaign *cp,
                                    int64_t deliverable_id,
                                    const char *reason, int64_t *id);
/* The job that climbs one step. */
enum ch_status escalation_step(struct ctx *c, const struct job *j);

#endif
