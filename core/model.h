/*
 * model: the domain as the core sees it.
 *
 * Structs are filled by core/store_*.c.  Their strings belong to the arena
 * of the event being handled (see arena.h) and die with it; ids are the
 * database's INTEGER PRIMARY KEYs.  Enumerations carry name tables so the
 * database and messages use the same words as the README.
 */
#ifndef CHORUS_MODEL_H
#define CHORUS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Roles form a bit set: a caller's roles in one campaign, plus admin. */
enum {
    ROLE_CREATOR = 1u << 0,
    ROLE_COORDINATOR = 1u << 1,
    ROLE_AGENCY = 1u << 2,
    ROLE_BRAND = 1u << 3,
    ROLE_ADMIN = 1u << 4,     /* workspace admin, from the configuration */
    ROLE_ANY_PARTICIPANT = ROLE_CREATOR | ROLE_COORDINATOR | ROLE_AGENCY |
                           ROLE_BRAND,
};

/* The name of one role bit ("coordinator"), or NULL. */
const char *model_role_name(unsigned role);
/* One campaign role by name ("brand", "agency", "coordinator", "creator"). */
bool model_role_parse(const char *name, unsigned *role);
/* "coordinator, agency or admin" */
void model_role_describe(unsigned mask, char *out, size_t outlen);
/* The roles someone holds: "coordinator and brand". */
void model_role_held(unsigned mask, char *out, size_t outlen);

enum campaign_state {
    CAMPAIGN_DRAFT,
    CAMPAIGN_ACTIVE,
    CAMPAIGN_WRAPPED,
    CAMPAIGN_CLOSED,
};
extern const char *const model_campaign_states[];

enum deliverable_state {
    DELIV_PLANNED,
    DELIV_SUBMITTED,
    DELIV_CHANGES_REQUESTED,
    DELIV_APPROVED,
    DELIV_PUBLISHED,
    DELIV_REJECTED,
    DELIV_MISSED,
    DELIV_CANCELLED,
};
extern const char *const model_deliverable_states[];
/* A state in words for a reader ("waiting for changes", not the stored
 * name). */
/* Open: still owes work or a decision (planned .. submitted). */
bool model_deliverable_open(enum deliverable_state s);

/* Who is to act on a submitted deliverable (the two-stage review). */
enum review_stage {
    STAGE_NONE,
    STAGE_REVIEW,   /* coordinator / agency review */
    STAGE_BRAND,    /* brand final approval */
};
extern const char *const model_review_stages[];

enum review_mode {
    REVIEW_TWO_STAGE,
    REVIEW_BRAND_ONLY,
};
extern const char *const model_review_modes[];

enum escalation_state {
    ESC_OPEN,
    ESC_ACKNOWLEDGED,
    ESC_RESOLVED,
};
extern const char *const model_escalation_states[];

/* Why an escalation exists.  Every cause but ESC_MANUAL is a fact chorus
 * watches: when it clears the escalation resolves itself. */
enum escalation_cause {
    ESC_MANUAL,            /* someone ran escalate */
    ESC_OVERDUE_DRAFT,
    ESC_OVERDUE_PUBLISH,
    ESC_GUARD,             /* no final approval before publishing */
    ESC_RED_STANDUP,       /* a creator said red close to a due date */
};
extern const char *const model_escalation_causes[];

/* A standup answer. */
enum standup_colour { SU_GREEN, SU_YELLOW, SU_RED };
extern const char *const model_standup_colours[];   /* "green", ... */

/* Index of name in a NULL-terminated table, or -1. */
int model_name_index(const char *const *table, const char *name);

struct person {
    int64_t     id;
    char       *name;
    char       *tz;          /* NULL: the workspace default applies */
    char       *tz_source;
    int         work_start;  /* minutes after local midnight */
    int         work_end;
    unsigned    work_days;   /* bit 0 = Monday */
    bool        hours_set;   /* false: the workspace's working hours */
    char       *preferred_platform;
};

struct brand {
    int64_t id;
    char   *name;
    char   *category;
    char   *exclusive;
    int64_t set_by;    /* who set them in chat (0: the configuration) */
    int64_t set_at;    /* INT64_MIN: never set in chat */
};

struct campaign {
    int64_t             id;
    char               *slug;
    char               *title;
    int64_t             brand_id;
    char               *brand;
    char               *brand_category;
    int64_t             agency_id;   /* 0: none */
    char               *agency;
    enum campaign_state state;
    /* The window: calendar dates (days since 1970-01-01; 0: not set,
     * as no window starts in 1970) in the campaign's zone, the same
     * dates for every reader.
     * starts_at and ends_at are the instants they span there (the start
     * of the first day, the last millisecond of the last), for code that
     * compares instants; INT64_MIN when the date is not set. */
    int64_t             from_day;
    int64_t             to_day;
    char               *zone;        /* IANA; never NULL once read */
    int64_t             starts_at;
    int64_t             ends_at;
    int                 need;        /* 0: not set */
    enum review_mode    review_mode;
    int                 brief_version;
    int64_t             kicked_off_at;  /* INT64_MIN: not kicked off */
    int64_t             created_at;
};

struct participant {
    int64_t  person_id;
    char    *name;
    unsigned role;    /* one ROLE_* bit */
    char    *tier;    /* "core", "flex" or NULL */
};

/* The standard brief: fields in template order. */
enum brief_field {
    BRIEF_STORY,
    BRIEF_AUDIENCE,
    BRIEF_CORE_MESSAGE,
    BRIEF_VISUAL_STYLE,
    BRIEF_MUST_INCLUDE,
    BRIEF_MUST_AVOID,
    BRIEF_FLEXIBLE,
    BRIEF_DISCLOSURE,
    BRIEF_SUCCESS_METRICS,
    BRIEF_TIMELINE_NOTES,
    BRIEF_NFIELDS
};

struct brief_field_info {
    const char *name;
    bool        is_list;
    bool        required;   /* must be filled before kickoff */
    const char *label;
};
extern const struct brief_field_info model_brief_fields[BRIEF_NFIELDS];
int model_brief_field_index(const char *name);

struct brief {
    int     version;
    char   *field[BRIEF_NFIELDS];   /* list fields: items joined by '\n' */
    int64_t locked_at;              /* INT64_MIN: not locked */
};

struct deliverable {
    int64_t                id;
    int64_t                campaign_id;
    char                  *slug;       /* the campaign's */
    int                    number;     /* the N of slug#N */
    int64_t                creator_id;
    char                  *creator;
    char                  *title;
    char                  *platform;
    int64_t                draft_due;
    int64_t                publish_at;
    enum deliverable_state state;
    enum review_stage      stage;
    int64_t                fee_cents;  /* INT64_MIN: no fee */
    char                  *currency;
    int                    rounds;     /* times changes were requested */
};

struct escalation {
    int64_t               id;
    int64_t               campaign_id;
    int64_t               deliverable_id;   /* 0: the campaign itself */
    char                 *reason;
    int64_t               opened_by;        /* 0: chorus */
    int64_t               opened_at;
    int                   level;            /* index into the ladder */
    int64_t               level_since;
    int                   cycle;            /* times it started over */
    enum escalation_state state;
    enum escalation_cause cause;
    char                 *ladder;           /* as it started (ladder.h) */
    int                   repeats;
    int64_t               acked_by;
    int64_t               acked_at;
    char                 *ack_note;
    int64_t               resolved_by;      /* 0: chorus, the fact cleared */
    int64_t               resolved_at;
    char                 *resolution;
};

/* Platforms a deliverable can be published on. */
extern const char *const model_platforms[];

#endif
