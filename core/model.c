#include "model.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const model_campaign_states[] = {
    [CAMPAIGN_DRAFT] = "draft",
    [CAMPAIGN_ACTIVE] = "active",
    [CAMPAIGN_WRAPPED] = "wrapped",
    [CAMPAIGN_CLOSED] = "closed",
    NULL,
};

const char *const model_deliverable_states[] = {
    [DELIV_PLANNED] = "planned",
    [DELIV_SUBMITTED] = "submitted",
    [DELIV_CHANGES_REQUESTED] = "changes_requested",
    [DELIV_APPROVED] = "approved",
    [DELIV_PUBLISHED] = "published",
    [DELIV_REJECTED] = "rejected",
    [DELIV_MISSED] = "missed",
    [DELIV_CANCELLED] = "cancelled",
    NULL,
};

const char *const model_review_stages[] = {
    [STAGE_NONE] = "none",
    [STAGE_REVIEW] = "review",
    [STAGE_BRAND] = "brand",
    NULL,
};

const char *const model_review_modes[] = {
    [REVIEW_TWO_STAGE] = "two_stage",
    [REVIEW_BRAND_ONLY] = "brand_only",
    NULL,
};

const char *const model_escalation_causes[] = {
    [ESC_MANUAL] = "manual",
    [ESC_OVERDUE_DRAFT] = "overdue_draft",
    [ESC_OVERDUE_PUBLISH] = "overdue_publish",
    [ESC_GUARD] = "guard",
    [ESC_RED_STANDUP] = "red_standup",
    NULL,
};

const char *const model_standup_colours[] = {
    [SU_GREEN] = "green",
    [SU_YELLOW] = "yellow",
    [SU_RED] = "red",
    NULL,
};

const char *const model_escalation_states[] = {
    [ESC_OPEN] = "open",
    [ESC_ACKNOWLEDGED] = "acknowledged",
    [ESC_RESOLVED] = "resolved",
    NULL,
};

const char *const model_platforms[] = {
    "instagram", "tiktok", "youtube", "twitch", "x", "facebook",
    "linkedin", "snapchat", "pinterest", "threads", "blog", "podcast",
    "other", NULL,
};

const struct brief_field_info model_brief_fields[BRIEF_NFIELDS] = {
    [BRIEF_STORY] = { "story", false, true, "Story" },
    [BRIEF_AUDIENCE] = { "audience", false, true, "Audience" },
    [BRIEF_CORE_MESSAGE] = { "core_message", false, true, "Core message" },
    [BRIEF_VISUAL_STYLE] = { "visual_style", false, false, "Visual style" },
    [BRIEF_MUST_INCLUDE] = { "must_include", true, false, "Must include" },
    [BRIEF_MUST_AVOID] = { "must_avoid", true, false, "Must avoid" },
    [BRIEF_FLEXIBLE] = { "flexible", true, false, "Flexible" },
    [BRIEF_DISCLOSURE] = { "disclosure", true, true, "Disclosure" },
    [BRIEF_SUCCESS_METRICS] = { "success_metrics", false, false,
                                "Success metrics" },
    [BRIEF_TIMELINE_NOTES] = { "timeline_notes", false, false,
                               "Timeline notes" },
};

int
model_brief_field_index(const char *name)
{
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        if (strcasecmp(model_brief_fields[i].name, name) == 0)
            return i;
    return -1;
}

int
model_name_index(const char *const *table, const char *name)
{
    for (int i = 0; table[i]; i++)
        if (strcmp(table[i], name) == 0)
            return i;
    return -1;
}

static const struct {
    unsigned    bit;
    const char *name;
} role_table[] = {
    { ROLE_COORDINATOR, "coordinator" },
    { ROLE_AGENCY, "agency" },
    { ROLE_BRAND, "brand" },
    { ROLE_CREATOR, "creator" },
    { ROLE_ADMIN, "admin" },
};
#define NROLES (sizeof(role_table) / sizeof(role_table[0]))

const char *
model_role_name(unsigned role)
{
    for (size_t i = 0; i < NROLES; i++)
        if (role_table[i].bit == role)
            return role_table[i].name;
    return NULL;
}

bool
model_role_parse(const char *name, unsigned *role)
{
    for (size_t i = 0; i < NROLES; i++) {
        if (role_table[i].bit != ROLE_ADMIN &&
            strcasecmp(role_table[i].name, name) == 0) {
            *role = role_table[i].bit;
            return true;
        }
    }
    return false;
}

static void
role_join(unsigned mask, const char *last, char *out, size_t outlen)
{
    const char *names[NROLES];
    size_t n = 0;
    for (size_t i = 0; i < NROLES; i++)
        if (mask & role_table[i].bit)
            names[n++] = role_table[i].name;
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o < outlen; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? last : ", ";
        int w = snprintf(out + o, outlen - o, "%s%s", sep, names[i]);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    if (n == 0)
        snprintf(out, outlen, "nobody");
}

void
model_role_describe(unsigned mask, char *out, size_t outlen)
{
    role_join(mask, " or ", out, outlen);
}

void
model_role_held(unsigned mask, char *out, size_t outlen)
{
    role_join(mask, " and ", out, outlen);
}

bool
model_deliverable_open(enum deliverable_state s)
{
    return s == DELIV_PLANNED || s == DELIV_SUBMITTED ||
           s == DELIV_CHANGES_REQUESTED;
}
