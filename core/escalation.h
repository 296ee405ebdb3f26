/*
 * escalation: escalations and the ladder they climb.
 *
 * An escalation has a subject (a deliverable or a campaign), a cause and
 * a ladder (ladder.h), kept as it was when it opened.  Each level names
 * a role; the people holding it are told, and a step job moves the
 * escalation up when the level's working time has passed for every one
 * of them without an acknowledgement.  A level nobody holds is skipped
 * (and the skip audited); after the last level the ladder starts over
 * at most `repeats` times and then rests there.  Ack stops the climb and
 * plans a reminder to whoever acknowledged; resolve closes it.
 *
 * Automatic causes follow their facts: chorus opens at most one open
 * escalation per subject and cause (a second trigger updates it), and
 * escalation_follow() resolves it as soon as the fact behind it clears,
 * telling everyone it reached.
 */
#ifndef CHORUS_ESCALATION_H
#define CHORUS_ESCALATION_H

#include "core_internal.h"
#include "schedule.h"

/* The deliverable reference or campaign slug an escalation is about. */
const char *escalation_subject(struct ctx *c, const struct escalation *e,
                               const struct campaign *cp);
/* Where it stands, for a reader: "with the brand", "acknowledged by
 * @x". */
const char *escalation_standing(struct ctx *c, const struct escalation *e);
/* Open an escalation (opened_by 0: chorus itself).  For an automatic
 * cause an open one of the same subject and cause is updated instead;
 * *e is the escalation either way and *opened says which. */
enum ch_status escalation_open(struct ctx *c, const struct campaign *cp,
                               int64_t deliverable_id,
                               enum escalation_cause cause,
                               const char *reason, int64_t opened_by,
                               struct escalation *e, bool *opened);
/* Someone holding `role` was told of it another way (the guard's own
 * alert to the brand): when the ladder reaches that level on its first
 * round it does not tell them again, and they hear how it ends. */
void           escalation_told(struct ctx *c, const struct escalation *e,
                               int64_t person_id, unsigned role);
/* May the caller acknowledge or resolve it (verb)?  Its current level
 * and every level above it may, and the roles `permit handle_escalation`
 * names; whoever it already reached, acknowledged it or opened it may
 * still resolve it.  On refusal c->err says which role is needed. */
enum ch_status escalation_check_handler(struct ctx *c,
                                        const struct escalation *e,
                                        const struct campaign *cp,
                                        const char *verb);
enum ch_status escalation_acknowledge(struct ctx *c,
                                      const struct escalation *e,
                                      const struct campaign *cp,
                                      const char *note);
/* Close it (by 0: chorus, its fact cleared), cancel its steps and tell
 * everyone it reached in one line. */
enum ch_status escalation_resolve(struct ctx *c, const struct escalation *e,
                                  const struct campaign *cp, int64_t by,
                                  const char *note);
/* Resolve the automatic escalations of a deliverable whose facts have
 * cleared; nudge_plan_deliverable() calls it after every change. */
void           escalation_follow(struct ctx *c, const struct deliverable *d);
/* Resolve every automatic escalation of a deliverable, saying why (it
 * changed hands, its creator left). */
void           escalation_clear_deliverable(struct ctx *c,
                                            const struct deliverable *d,
                                            const char *why);
/* The jobs: one ladder step; the reminder of an acknowledged one. */
enum ch_status escalation_step(struct ctx *c, const struct job *j);
enum ch_status escalation_remind(struct ctx *c, const struct job *j);

#endif
