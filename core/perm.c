#include "perm.h"

#include <string.h>

#include "model.h"

const struct perm_table perm_defaults = {
    .roles = {
        [ACT_CREATE] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_ADMIN,
        [ACT_MANAGE] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_ADMIN,
        [ACT_BRIEF_LOCKED] = ROLE_BRAND,
        [ACT_SUBMIT] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_ADMIN,
        [ACT_REVIEW] = ROLE_COORDINATOR | ROLE_AGENCY,
        [ACT_FINAL_APPROVAL] = ROLE_BRAND,
        [ACT_ESCALATE] = ROLE_ANY_PARTICIPANT | ROLE_ADMIN,
        [ACT_HANDLE_ESCALATION] = ROLE_ADMIN,
        [ACT_SELF] = ROLE_ANYONE,
        [ACT_FOR_OTHERS] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_ADMIN,
        [ACT_VIEW] = ROLE_ANY_PARTICIPANT | ROLE_ADMIN,
        [ACT_AUDIT] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_BRAND | ROLE_ADMIN,
        [ACT_HELP] = ROLE_ANYONE,
        [ACT_ASK] = ROLE_ANY_PARTICIPANT | ROLE_ADMIN,
        [ACT_ANSWER] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_BRAND |
                       ROLE_ADMIN,
        [ACT_GRANT_BRAND] = ROLE_BRAND | ROLE_ADMIN,
        [ACT_CONFLICTS] = ROLE_COORDINATOR | ROLE_AGENCY | ROLE_BRAND |
                          ROLE_ADMIN,
        [ACT_BRAND] = ROLE_COORDINATOR | ROLE_ADMIN,
        [ACT_FEEDBACK] = ROLE_CREATOR | ROLE_AGENCY,
    },
};

static const char *const action_names[ACT_COUNT] = {
    [ACT_CREATE] = "create",
    [ACT_MANAGE] = "manage",
    [ACT_BRIEF_LOCKED] = "brief_after_kickoff",
    [ACT_SUBMIT] = "submit",
    [ACT_REVIEW] = "review",
    [ACT_FINAL_APPROVAL] = "final_approval",
    [ACT_ESCALATE] = "escalate",
    [ACT_HANDLE_ESCALATION] = "handle_escalation",
    [ACT_SELF] = "self",
    [ACT_FOR_OTHERS] = "for_others",
    [ACT_VIEW] = "view",
    [ACT_AUDIT] = "audit",
    [ACT_HELP] = "help",
    [ACT_ASK] = "ask",
    [ACT_ANSWER] = "answer",
    [ACT_GRANT_BRAND] = "grant_brand",
    [ACT_CONFLICTS] = "conflicts",
    [ACT_BRAND] = "brand",
    [ACT_FEEDBACK] = "feedback",
};

const char *
perm_action_name(enum action a)
{
    return (unsigned)a < ACT_COUNT ? action_names[a] : "?";
}

bool
perm_action_parse(const char *name, enum action *out)
{
    for (int i = 0; i < ACT_COUNT; i++) {
        if (strcmp(action_names[i], name) == 0) {
            *out = (enum action)i;
            return true;
        }
    }
    return false;
}

bool
perm_allows(const struct perm_table *t, enum action a, unsigned roles)
{
    if ((unsigned)a >= ACT_COUNT)
        return false;
    unsigned need = t->roles[a];
    return (need & ROLE_ANYONE) || (need & roles) != 0;
}
