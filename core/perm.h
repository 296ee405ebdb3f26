/*
 * perm: who may do what, as one table of actions to roles.
 *
 * The defaults below can be overridden per action by the configuration
 * (`permit <action> <role>[,<role>...]`).  Two rules are relations rather
 * than roles and live in code, next to the table: a creator may submit
 * their own deliverables, a brand lead of a campaign's brand may add its
 * brand leads, and an escalation may be handled by the level it is
 * addressed to or anyone above it (see escalation.c).
 */
#ifndef CHORUS_PERM_H
#define CHORUS_PERM_H

#include <stdbool.h>
#include <stddef.h>

enum action {
    ACT_CREATE,           /* new */
    ACT_MANAGE,           /* add, remove, deliverable, brief before kickoff,
                             kickoff */
    ACT_BRIEF_LOCKED,     /* change the brief after kickoff */
    ACT_SUBMIT,           /* submit (besides the deliverable's creator) */
    ACT_REVIEW,           /* approve for brand review, changes, reject */
    ACT_FINAL_APPROVAL,   /* final approval, changes and reject at it */
    ACT_ESCALATE,
    ACT_HANDLE_ESCALATION,/* ack / resolve (besides the addressed level) */
    ACT_SELF,             /* tz, ooo, back, ask, answer for oneself */
    ACT_FOR_OTHERS,       /* tz, ooo for someone else */
    ACT_VIEW,             /* status, brief */
    ACT_AUDIT,
    ACT_HELP,
    ACT_ASK,              /* ask a tracked question */
    ACT_ANSWER,           /* answer one */
    ACT_GRANT_BRAND,      /* add a brand lead (besides any brand lead of
                             the campaign's brand, see command.c) */
    ACT_CONFLICTS,        /* list and dismiss conflict alerts (of the
                             campaigns one takes part in) */
    ACT_BRAND,            /* set a brand's category and exclusivity */
    ACT_FEEDBACK,         /* leave feedback on a campaign for its report */
    ACT_COUNT
};

/* Anyone at all, participant or not (ROLE_* bits come from model.h). */
#define ROLE_ANYONE (1u << 5)

struct perm_table {
    unsigned roles[ACT_COUNT];
};

extern const struct perm_table perm_defaults;

const char *perm_action_name(enum action a);
bool perm_action_parse(const char *name, enum action *out);
/* Does a caller holding `roles` (ROLE_* bits) pass `action`? */
bool        perm_allows(const struct perm_table *t, enum action a,
                        unsigned roles);

#endif
