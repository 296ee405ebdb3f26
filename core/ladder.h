/*
 * ladder: an escalation policy as data — ordered levels, each naming a
 * role and the working time it is given to acknowledge, and how often an
 * unacknowledged escalation starts over before it rests at the last
 * level.  The workspace default comes from the configuration
 * (`escalation_ladder`), a campaign may set its own (`settings <slug>
 * ladder:`), and each escalation keeps the text of the ladder it started
 * with, so a change never moves one already climbing.
 *
 * Text form, for the file, the chat and the snapshot alike:
 *   coordinator:4h,agency:8h,brand:24h,admin:24h
 * (roles coordinator, agency, brand, admin; each at most once).  The
 * configuration's older form, four bare durations for those four roles
 * in that order, is read too.
 */
#ifndef CHORUS_LADDER_H
#define CHORUS_LADDER_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#define LADDER_MAX 4

struct ladder_level {
    unsigned role;      /* one ROLE_* bit (ROLE_ADMIN: workspace admins) */
    int64_t  ms;        /* working time before the next level */
};

struct ladder {
    struct ladder_level level[LADDER_MAX];
    size_t              n;
    int                 repeats;  /* starts over at most this often */
};

/* The spec's default: coordinator 4h, agency 8h, brand 24h, admins 24h,
 * repeated twice. */
void           ladder_default(struct ladder *l);
/* Parse the levels of `text` into l (repeats untouched).  err may be
 * NULL. */
enum ch_status ladder_parse(const char *text, struct ladder *l,
                            struct ch_error *err);
/* The levels as text ("coordinator:4h,agency:8h,..."), in out. */
void           ladder_format(const struct ladder *l, char *out,
                             size_t outlen);
/* "the coordinators", "the agency", "the brand", "the workspace admins" */
const char    *ladder_role_audience(unsigned role);

#endif
