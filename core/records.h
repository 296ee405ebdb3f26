/*
 * records: domain-level reads and writes over the store.  This is the only
 * interface the rest of the core uses to reach the database; the SQL sits
 * behind it in core/store_<family>.c, and every function is named after
 * its file (store_brief_get() is in store_brief.c).  Jobs, nudges,
 * questions and schedule settings are declared in schedule.h and nudge.h.
 *
 * Conventions: getters return CH_OK or CH_NOT_FOUND and fill a struct whose
 * strings come from the arena; list getters return an arena array and a
 * count; writers return CH_OK, CH_CONFLICT (a constraint) or CH_INTERNAL.
 * Optional integers use INT64_MIN for "none"; optional ids use 0.
 */
#ifndef CHORUS_RECORDS_H
#define CHORUS_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "status.h"

struct arena;
struct store;

/* --- people and identities: store_people.c ------------------------------- */
enum ch_status store_people_get(struct store *, struct arena *, int64_t id,
                                struct person *);
enum ch_status store_people_by_identity(struct store *, struct arena *,
                                        const char *platform,
                                        const char *user_id, struct person *);
/* People whose name or any platform handle equals name (case-insensitive). */
enum ch_status store_people_by_name(struct store *, struct arena *,
                                    const char *name, struct person **out,
                                    size_t *n);
enum ch_status store_people_create(struct store *, const char *name,
                                   int64_t now, int64_t *id);
enum ch_status store_people_identity_add(struct store *, const char *platform,
                                         const char *user_id, int64_t person_id,
                                         const char *handle);
/* The person's user id on platform, or NULL. */
char          *store_people_identity_of(struct store *, struct arena *,
                                        int64_t person_id,
                                        const char *platform);
/* What a mention of a person needs: their name and their user id on a
 * platform (NULL when they have none there). */
struct person_mention {
    int64_t id;
    char   *name;
    char   *user_id;
};
/* The mentions of the people in ids (a JSON array of person ids), in one
 * query, each person once; ids of people that do not exist are left out. */
enum ch_status store_people_mentions(struct store *, struct arena *,
                                     const char *ids_json, const char *platform,
                                     struct person_mention **out, size_t *n);
enum ch_status store_people_set_name(struct store *, int64_t id,
                                     const char *name);
enum ch_status store_people_set_tz(struct store *, int64_t id, const char *tz,
                                   const char *source);
enum ch_status store_people_set_preferred(struct store *, int64_t id,
                                          const char *platform);
enum ch_status store_people_set_hours(struct store *, int64_t id, int start,
                                      int end, unsigned days);
/* When direct messages may reach a person: urgent ones at any time,
 * news in a morning digest (1 on, 0 off, -1 not chosen). */
enum ch_status store_people_notify(struct store *, int64_t id,
                                   bool *urgent_anytime, int *news_digest);
enum ch_status store_people_set_notify(struct store *, int64_t id,
                                       bool urgent_anytime, int news_digest);

/* --- one person across platforms: store_link.c --------------------------- */
struct link_code {
    char   *code;
    int64_t person_id;        /* who asked for it */
    char   *platform;         /* where, as whom */
    char   *user_id;
    int64_t created_at;
    int64_t expires_at;
    int64_t used_at;          /* INT64_MIN: not yet */
    char   *used_platform;
    char   *used_user;
};
/* A new code for an identity; its earlier live code ends now. */
enum ch_status store_link_code_add(struct store *, const char *code,
                                   int64_t person_id, const char *platform,
                                   const char *user_id, int64_t now,
                                   int64_t expires_at);
enum ch_status store_link_code_get(struct store *, struct arena *,
                                   const char *code, struct link_code *);
/* Mark a code used (CH_CONFLICT when it already was). */
enum ch_status store_link_code_use(struct store *, const char *code,
                                   int64_t now, const char *platform,
                                   const char *user_id);
/* A person's identities, by platform (at most 8). */
enum ch_status store_link_platforms(struct store *, struct arena *,
                                    int64_t person_id, char ***platforms,
                                    char ***user_ids, size_t *n);
/* Merge person gone into keep: clashing rows resolved (the stronger
 * participation, the answered standup prompt), every other row naming
 * gone re-pointed to keep, except the audit log; gone's row stays,
 * merged_into keep. */
enum ch_status store_link_merge(struct store *, int64_t keep, int64_t gone,
                                int64_t now);
/* A new person for one identity of person from (a copy of its zone,
 * hours and notification choices); sets *id. */
enum ch_status store_link_split(struct store *, const char *platform,
                                const char *user_id, int64_t from,
                                const char *name, int64_t now, int64_t *id);
/* Set the profile a merge decided. */
enum ch_status store_link_profile(struct store *, int64_t id, const char *tz,
                                  const char *tz_source, int work_start,
                                  int work_end, unsigned work_days,
                                  bool hours_set, bool urgent_anytime,
                                  int news_digest, const char *preferred);

/* --- time off: store_timeoff.c ------------------------------------------- */
enum ch_status store_timeoff_add(struct store *, int64_t person_id,
                                 int64_t from, int64_t to, const char *note,
                                 int64_t set_by, int64_t now, int64_t *id);
/* The end of the time off covering t (0: none). */
int64_t        store_timeoff_covering(struct store *, int64_t person_id,
                                      int64_t t);
/* The start of the next time off after t (INT64_MAX: none). */
int64_t        store_timeoff_next_start(struct store *, int64_t person_id,
                                        int64_t t);
/* End the time off running at now; *ended says how many were cut. */
enum ch_status store_timeoff_end(struct store *, int64_t person_id, int64_t now,
                                 int *ended);
enum ch_status store_timeoff_list(struct store *, struct arena *,
                                  int64_t person_id, int64_t after,
                                  int64_t **from, int64_t **to, char ***notes,
                                  size_t *n);

/* --- brands and agencies: store_brand.c, store_agency.c ------------------ */
enum ch_status store_brand_by_name(struct store *, struct arena *,
                                   const char *name, struct brand *);
enum ch_status store_brand_get(struct store *, struct arena *, int64_t id,
                               struct brand *);
/* Category and exclusivity set in chat (NULL: none); the configuration
 * no longer changes them. */
enum ch_status store_brand_set(struct store *, int64_t id,
                               const char *category, const char *exclusive,
                               int64_t by, int64_t now);
/* Insert, or update category and exclusivity of an existing brand (from
 * the configuration: not one whose were set in chat). */
enum ch_status store_brand_put(struct store *, const char *name,
                               const char *category, const char *exclusive,
                               int64_t now, int64_t *id);
enum ch_status store_agency_get_or_create(struct store *, const char *name,
                                          int64_t now, int64_t *id,
                                          bool *created);

/* --- campaigns: store_campaign.c ----------------------------------------- */
enum ch_status store_campaign_by_slug(struct store *, struct arena *,
                                      const char *slug, struct campaign *);
enum ch_status store_campaign_get(struct store *, struct arena *, int64_t id,
                                  struct campaign *);
enum ch_status store_campaign_by_channel(struct store *, struct arena *,
                                         const char *platform,
                                         const char *channel_id,
                                         struct campaign *);
/* All campaign slugs (for "did you mean"). */
enum ch_status store_campaign_slugs(struct store *, struct arena *,
                                    char ***slugs, size_t *n);
/* Campaigns person takes part in (all campaigns when person_id is 0),
 * not closed, newest first. */
enum ch_status store_campaign_list_for(struct store *, struct arena *,
                                       int64_t person_id, struct campaign **out,
                                       size_t *n);
/* Every campaign of a brand, closed ones too, by slug. */
enum ch_status store_campaign_list_of_brand(struct store *, struct arena *,
                                            int64_t brand_id,
                                            struct campaign **out, size_t *n);
enum ch_status store_campaign_insert(struct store *, const struct campaign *,
                                     int64_t created_by, int64_t *id);
enum ch_status store_campaign_kickoff(struct store *, int64_t id, int64_t now);
/* Move a campaign from one state to another (wrap, close), noting when;
 * CH_CONFLICT when it is not in `from`. */
enum ch_status store_campaign_set_state(struct store *, int64_t id,
                                        enum campaign_state from,
                                        enum campaign_state to, int64_t now);
/* When the campaign wrapped (INT64_MIN: it has not). */
int64_t        store_campaign_wrapped_at(struct store *, int64_t id);

/* --- briefs: store_brief.c ----------------------------------------------- */
enum ch_status store_brief_get(struct store *, struct arena *,
                               int64_t campaign_id, int version,
                               struct brief *);
/* Write brief as a new version and make it current. */
enum ch_status store_brief_put(struct store *, int64_t campaign_id,
                               const struct brief *, const char *changed_field,
                               int64_t changed_by, int64_t now, bool locked);
enum ch_status store_brief_lock(struct store *, int64_t campaign_id,
                                int version, int64_t now);
/* A change to the brief after kickoff, proposed and then decided by the
 * brand (the brand's own edit is one approved at once). */
struct brief_proposal {
    int64_t id;
    int64_t campaign_id;
    int     field;          /* enum brief_field */
    bool    add;            /* items to add, else the new value */
    char   *value;          /* list fields: items joined by '\n' */
    int64_t proposed_by;
    char   *proposer;
    int64_t proposed_at;
    char   *state;          /* open, approved, declined, superseded */
    int64_t decided_by;     /* 0: undecided */
    char   *decider;
    int64_t decided_at;     /* INT64_MIN: undecided */
    char   *note;
};
/* Insert as open; sets id. */
enum ch_status store_brief_propose(struct store *, struct brief_proposal *);
enum ch_status store_brief_proposal(struct store *, struct arena *,
                                    int64_t id, struct brief_proposal *);
/* The open proposals of a campaign, oldest first. */
enum ch_status store_brief_proposals_open(struct store *, struct arena *,
                                          int64_t campaign_id,
                                          struct brief_proposal **out,
                                          size_t *n);
/* Decide an open proposal (CH_CONFLICT when it is not open). */
enum ch_status store_brief_decide(struct store *, int64_t id,
                                  const char *state, int64_t by, int64_t now,
                                  const char *note);

/* --- participants: store_participant.c ----------------------------------- */
/* The person's role in the campaign (0 when not a current participant). */
unsigned       store_participant_role_in(struct store *, int64_t campaign_id,
                                         int64_t person_id, char **tier,
                                         struct arena *);
/* Union of the person's roles across all campaigns. */
unsigned       store_participant_roles_anywhere(struct store *,
                                                int64_t person_id);
/* Union of the person's roles across the campaigns of a brand. */
unsigned       store_participant_roles_in_brand(struct store *,
                                                int64_t brand_id,
                                                int64_t person_id);
enum ch_status store_participant_put(struct store *, int64_t campaign_id,
                                     int64_t person_id, unsigned role,
                                     const char *tier, int64_t now);
/* Also drops the jobs of the campaign addressed to the person. */
enum ch_status store_participant_remove(struct store *, int64_t campaign_id,
                                        int64_t person_id, int64_t now);
/* Does the person hold the brand role in a campaign of this brand? */
bool           store_participant_brand_lead(struct store *, int64_t brand_id,
                                            int64_t person_id);
/* Current participants whose role is in role_mask, by role then name. */
enum ch_status store_participant_list(struct store *, struct arena *,
                                      int64_t campaign_id, unsigned role_mask,
                                      struct participant **out, size_t *n);

/* --- deliverables: store_deliverable.c; submissions: store_submission.c */
enum ch_status store_deliverable_insert(struct store *, struct deliverable *,
                                        int64_t now); /* sets id, number */
enum ch_status store_deliverable_get(struct store *, struct arena *,
                                     int64_t campaign_id, int number,
                                     struct deliverable *);
enum ch_status store_deliverable_by_id(struct store *, struct arena *,
                                       int64_t id, struct deliverable *);
/* Writes state, stage, rounds, draft_due and publish_at. */
enum ch_status store_deliverable_update(struct store *,
                                        const struct deliverable *,
                                        int64_t now);
enum ch_status store_deliverable_published(struct store *, int64_t id,
                                           const char *link, int64_t now);
/* Hand the deliverable to another creator. */
enum ch_status store_deliverable_set_creator(struct store *, int64_t id,
                                             int64_t creator_id, int64_t now);
/* The late rule (payout.h): a deliverable's own percentage; a campaign's
 * default (-1 from store_campaign_late: none). */
enum ch_status store_deliverable_set_late(struct store *, int64_t id,
                                          int pct);
enum ch_status store_campaign_set_late(struct store *, int64_t campaign_id,
                                       int pct);
int            store_campaign_late(struct store *, int64_t campaign_id);
enum ch_status store_deliverable_list(struct store *, struct arena *,
                                      int64_t campaign_id, int64_t creator_id,
                                      struct deliverable **out, size_t *n);
enum ch_status store_submission_insert(struct store *, int64_t deliverable_id,
                                       int round, const char *link,
                                       const char *body, int64_t by,
                                       int64_t now, int64_t *id);
/* The latest submission: id, round, link, time. */
enum ch_status store_submission_latest(struct store *, struct arena *,
                                       int64_t deliverable_id, int64_t *id,
                                       int *round, char **link, int64_t *at);
/* One submission with the facts the quality gate keeps about it. */
struct submission {
    int64_t id;
    int64_t deliverable_id;
    int     round;
    char   *link;
    char   *body;                /* caption or script; NULL: none */
    int64_t submitted_by;
    int64_t submitted_at;
    int64_t due_at;              /* what it was measured against */
    int64_t late_ms;             /* <= 0: on time; INT64_MIN: unknown */
    char   *disclosure;          /* disclosure_name(); NULL: fine */
    int64_t latency_alerted_at;  /* INT64_MIN: not alerted */
};
enum ch_status store_submission_get(struct store *, struct arena *,
                                    int64_t id, struct submission *);
/* Record the deadline a submission was measured against, how late it
 * was, and what the disclosure check found (NULL: fine). */
enum ch_status store_submission_set_facts(struct store *, int64_t id,
                                          int64_t due_at, int64_t late_ms,
                                          const char *disclosure);
enum ch_status store_submission_latency_alerted(struct store *, int64_t id,
                                                int64_t now);
/* When changes were last requested on a deliverable (INT64_MIN: never). */
int64_t        store_submission_changes_at(struct store *,
                                           int64_t deliverable_id);
struct review_record {
    int64_t           deliverable_id;
    int64_t           submission_id;
    int64_t           reviewer_id;
    enum review_stage stage;
    const char       *decision;     /* "approve", "changes", "reject" */
    bool              visible, message, engagement;
    const char       *reason;
    const char       *override;     /* approved over failed points: why */
};
enum ch_status store_submission_review_insert(struct store *,
                                              const struct review_record *,
                                              int64_t now);
/* Did anyone pass this submission at the review stage? */
bool           store_submission_passed_stage(struct store *,
                                             int64_t submission_id);
/* Did person_id pass this submission at the review stage? */
bool           store_submission_passed_by(struct store *,
                                          int64_t submission_id,
                                          int64_t person_id);

/* --- review settings of a campaign: store_review.c ---------------------- */
enum ch_status store_review_set_mode(struct store *, int64_t campaign_id,
                                     enum review_mode mode);

/* --- a campaign's weekly rhythm: store_rhythm.c (rhythm.h) -------------- */
enum rhythm_step {
    RHYTHM_BRIEF,
    RHYTHM_QUESTIONS,
    RHYTHM_DRAFTS,
    RHYTHM_FEEDBACK,
    RHYTHM_REVISIONS,
    RHYTHM_NSTEPS
};
struct rhythm {
    int64_t campaign_id;
    int     day[RHYTHM_NSTEPS];  /* 0 = Monday .. 6 = Sunday; -1: not set
                                    (drafts is always set) */
    int     at_min;              /* -1: the end of each person's working
                                    day */
    int64_t job_due, job_id;     /* the feedback-day job; 0: none */
    int64_t set_by;
    int64_t set_at;
};
enum ch_status store_rhythm_get(struct store *, int64_t campaign_id,
                                struct rhythm *);
/* Insert or replace the days, at_min, set_by and set_at (not the job). */
enum ch_status store_rhythm_put(struct store *, const struct rhythm *);
enum ch_status store_rhythm_delete(struct store *, int64_t campaign_id);
enum ch_status store_rhythm_set_job(struct store *, int64_t campaign_id,
                                    int64_t job_due, int64_t job_id);
/* Was the reviewer looked at for the feedback day `day` (their date)? */
bool           store_rhythm_reminded(struct store *, int64_t campaign_id,
                                     int64_t person_id, int64_t day);
enum ch_status store_rhythm_remind_add(struct store *, int64_t campaign_id,
                                       int64_t person_id, int64_t day,
                                       int waiting, int64_t now);

/* --- escalations: store_escalation.c ------------------------------------- */
enum ch_status store_escalation_insert(struct store *, struct escalation *);
enum ch_status store_escalation_get(struct store *, struct arena *, int64_t id,
                                    struct escalation *);
/* The open (or acknowledged) escalation of a subject and cause. */
enum ch_status store_escalation_find_open(struct store *, struct arena *,
                                          int64_t campaign_id,
                                          int64_t deliverable_id,
                                          enum escalation_cause cause,
                                          struct escalation *);
enum ch_status store_escalation_set_reason(struct store *, int64_t id,
                                           const char *reason);
enum ch_status store_escalation_ack(struct store *, int64_t id, int64_t by,
                                    const char *note, int64_t now);
/* by 0: chorus resolved it (its fact cleared). */
enum ch_status store_escalation_resolve(struct store *, int64_t id, int64_t by,
                                        const char *note, int64_t now);
enum ch_status store_escalation_set_level(struct store *, int64_t id, int level,
                                          int cycle, int64_t now);
enum ch_status store_escalation_list_open(struct store *, struct arena *,
                                          int64_t campaign_id,
                                          struct escalation **out, size_t *n);
enum ch_status store_escalation_list_deliverable(struct store *,
                                                 struct arena *,
                                                 int64_t deliverable_id,
                                                 struct escalation **out,
                                                 size_t *n);
/* Everyone an escalation reached, at which level. */
enum ch_status store_escalation_reached_add(struct store *, int64_t id,
                                            int64_t person_id, int level,
                                            int64_t now);
enum ch_status store_escalation_reached(struct store *, struct arena *,
                                        int64_t id, int64_t **people,
                                        size_t *n);
bool           store_escalation_was_reached(struct store *, int64_t id,
                                            int64_t person_id);

/* --- audit: store_audit.c ------------------------------------------------ */
struct audit_line {
    int64_t at;
    char   *actor;      /* the actor's name, or their platform reference */
    char   *subject;
    char   *action;
    char   *detail;
};
enum ch_status store_audit_add(struct store *, int64_t at, int64_t actor_id,
                               const char *actor_ref, int64_t campaign_id,
                               const char *subject, const char *action,
                               const char *detail);
/* How many lines of `action` on `subject` were written at or after since. */
int64_t        store_audit_count_since(struct store *, const char *subject,
                                       const char *action, int64_t since);
/* The last `limit` lines for a campaign (subject NULL) or for one subject,
 * oldest first; *total is how many exist. */
enum ch_status store_audit_list(struct store *, struct arena *,
                                int64_t campaign_id, const char *subject,
                                int limit, struct audit_line **out, size_t *n,
                                int64_t *total);

/* --- inbound dedupe: store_inbound.c ------------------------------------- */
/* CH_OK when (platform, event_id) is new and now recorded; CH_DUPLICATE. */
enum ch_status store_inbound_mark(struct store *, const char *platform,
                                  const char *event_id, int64_t now);
/* A state-changing command lately applied (commands_recent): who typed
 * what (key: the normalised text), when, and the outbox id of its
 * reply.  Rows older than `since` go as one is added. */
struct recent_command {
    int64_t at;
    int64_t reply_id;
    bool    answered;   /* the caller saw the reply (core.c) */
};
enum ch_status store_inbound_recent_add(struct store *, const char *platform,
                                        const char *user_id, const char *key,
                                        int64_t now, int64_t reply_id,
                                        int64_t since);
/* The latest since `since`; CH_NOT_FOUND when there is none. */
enum ch_status store_inbound_recent_find(struct store *, const char *platform,
                                         const char *user_id,
                                         const char *key, int64_t since,
                                         struct recent_command *out);
/* The command whose reply this is was answered. */
enum ch_status store_inbound_recent_answered(struct store *,
                                             int64_t reply_id);

/* --- outbox: store_outbox.c ---------------------------------------------- */
struct outbox_row {
    int64_t     id;
    const char *platform;
    const char *kind;          /* adapter_kind_names[] */
    int64_t     campaign_id;   /* 0: none */
    int64_t     person_id;     /* 0: none */
    const char *channel_ref;   /* platform channel (replies) */
    const char *user_ref;      /* platform user */
    int64_t     ref_id;        /* outbox row this updates or pins; 0: none */
    const char *text;
    const char *buttons;       /* serialized, see outbox.c */
    int         attempts;
    const char *platform_ref;  /* once sent */
    /* joined for delivery: */
    const char *ref_platform_ref;   /* platform_ref of ref_id, if sent */
    const char *ref_state;
    /* by store_outbox_by_platform_ref only: who acted on its buttons,
     * and when (0: nobody yet) */
    int64_t     acted_by;
    int64_t     acted_at;
    /* A DM: held until (0: at once), the campaign it is about (0: none)
     * and its subject with the state it had ("d12:...", "e3:open"). */
    int64_t     not_before;
    int64_t     about;
    const char *subject;
};
enum ch_status store_outbox_insert(struct store *, const struct outbox_row *,
                                   int64_t now, int64_t *id);
/* Pending rows of a platform due at now, oldest first, ids > after_id. */
enum ch_status store_outbox_pending(struct store *, struct arena *,
                                    const char *platform, int64_t now,
                                    int64_t after_id, int limit,
                                    struct outbox_row **out, size_t *n);
enum ch_status store_outbox_get(struct store *, struct arena *, int64_t id,
                                struct outbox_row *);
/* The sent row with this platform reference (a pressed button's message). */
enum ch_status store_outbox_by_platform_ref(struct store *, struct arena *,
                                            const char *platform,
                                            const char *platform_ref,
                                            struct outbox_row *);
/* Record who acted on a message's buttons; CH_CONFLICT when someone
 * already had. */
enum ch_status store_outbox_acted(struct store *, int64_t id,
                                  int64_t person_id, int64_t now);
/* Mark a pending row sent; *was (unless NULL) gets its platform, kind and
 * campaign (in a.).  CH_NOT_FOUND when no such row is pending. */
enum ch_status store_outbox_sent(struct store *, struct arena *, int64_t id,
                                 const char *platform_ref, int64_t now,
                                 struct outbox_row *was);
enum ch_status store_outbox_retry(struct store *, int64_t id,
                                  int64_t not_before, const char *error);
enum ch_status store_outbox_failed(struct store *, int64_t id,
                                   const char *error);
/* A pending update of ref_id, to fold a newer text into (0: none). */
int64_t        store_outbox_pending_update(struct store *, int64_t ref_id);
enum ch_status store_outbox_set_text(struct store *, int64_t id,
                                     const char *text);
/* How many rows wait for delivery, on every platform. */
int64_t        store_outbox_backlog(struct store *);
/* Earliest not_before in the future among pending rows; INT64_MAX. */
int64_t        store_outbox_next_retry(struct store *, int64_t now);
/* A person's pending DMs on platform due at now, oldest first. */
enum ch_status store_outbox_dm_due(struct store *, struct arena *,
                                   const char *platform, int64_t person_id,
                                   int64_t now, struct outbox_row **out,
                                   size_t *n);
/* The earliest pending DM of a person held until a time in [from, to]
 * (0: none), so a new one can go with it. */
int64_t        store_outbox_dm_held(struct store *, int64_t person_id,
                                    int64_t from, int64_t to);
/* The state now of a row's subject ("d12:submitted/review/1"), in a;
 * NULL when it is gone. */
const char    *store_outbox_subject_now(struct store *, struct arena *,
                                        const char *subject);
/* A subject with its state now: "d<id>:...", "e<id>:...", "p<id>:..."
 * or "c<id>:..." (a deliverable, an escalation, a brief proposal, a
 * conflict), or NULL. */
const char    *store_outbox_subject_of(struct store *, struct arena *,
                                       char kind, int64_t id);
/* A row that goes nowhere (its subject moved on): done, with why. */
enum ch_status store_outbox_dropped(struct store *, int64_t id, int64_t now,
                                    const char *why);
/* Row lead went out as a digest with this text and these buttons,
 * carrying the rows of members (n of them). */
enum ch_status store_outbox_digest_sent(struct store *, int64_t lead,
                                        const char *text,
                                        const char *buttons,
                                        const int64_t *members, size_t n,
                                        int64_t now);

/* --- campaign channels: store_channel.c ---------------------------------- */
struct channel_row {
    int64_t campaign_id;
    char   *platform;
    char   *channel_id;    /* NULL until created */
    char   *name;
    int64_t brief_msg;     /* outbox ids; 0: none */
    int64_t status_msg;
};
enum ch_status store_channel_get(struct store *, struct arena *,
                                 int64_t campaign_id, const char *platform,
                                 struct channel_row *);
/* Where a campaign's messages go on platform, in one lookup. */
struct campaign_place {
    char *slug;
    bool  has_channel;     /* a channel row exists (created or asked for) */
    char *channel_id;      /* NULL until created */
    char *channel_name;
};
enum ch_status store_channel_place(struct store *, struct arena *,
                                   int64_t campaign_id, const char *platform,
                                   struct campaign_place *);
enum ch_status store_channel_insert(struct store *, int64_t campaign_id,
                                    const char *platform, const char *name);
enum ch_status store_channel_set_id(struct store *, int64_t campaign_id,
                                    const char *platform,
                                    const char *channel_id);
enum ch_status store_channel_set_msgs(struct store *, int64_t campaign_id,
                                      const char *platform, int64_t brief_msg,
                                      int64_t status_msg);
/* Campaigns with a channel row on platform that has no channel id and no
 * pending request to create it (the request failed for good). */
enum ch_status store_channel_unresolved(struct store *, struct arena *,
                                        const char *platform, int64_t **ids,
                                        size_t *n);
/* Campaigns (not closed) without a channel row on platform. */
enum ch_status store_channel_missing(struct store *, struct arena *,
                                     const char *platform, int64_t **ids,
                                     size_t *n);


/* --- standups: store_standup.c (issue 16) --------------------------------- */
/* A campaign's schedule: weekdays (bit 0 = Monday) at a local time,
 * every `weeks` weeks counted from the Monday `anchor` (a day number). */
struct standup_sched {
    int64_t  campaign_id;
    unsigned days;
    int      at_min;
    int64_t  window_ms;
    int      weeks;
    int64_t  anchor;
    bool     enabled;
};
struct standup_round {
    int64_t id, campaign_id;
    int64_t day;          /* the scheduled day (days since 1970-01-01) */
    bool    adhoc;        /* standup now */
    int64_t opens_at, closes_at;
    int64_t closed_at;    /* 0: open */
};
enum prompt_state { PROMPT_DUE, PROMPT_SENT, PROMPT_ANSWERED, PROMPT_AWAY };
struct standup_prompt {
    int64_t           id, round_id, person_id, due_at;
    enum prompt_state state;
    char             *away;      /* PROMPT_AWAY: why */
    int64_t           sent_at, reminded_at, answered_at;   /* 0: not */
    /* from the round */
    int64_t           campaign_id, closes_at;
    bool              closed, adhoc;
};
struct standup_answer {
    int64_t             id, prompt_id, deliverable_id;
    enum standup_colour colour;
    char               *note;
    int64_t             at;
};
enum ch_status store_standup_get(struct store *, struct arena *,
                                 int64_t campaign_id, struct standup_sched *);
enum ch_status store_standup_set(struct store *, const struct standup_sched *,
                                 int64_t by, int64_t now);
enum ch_status store_standup_round_insert(struct store *,
                                          struct standup_round *, int64_t by);
enum ch_status store_standup_round_get(struct store *, struct arena *,
                                       int64_t id, struct standup_round *);
/* The campaign's latest round before round id before_id (0: any). */
enum ch_status store_standup_round_last(struct store *, struct arena *,
                                        int64_t campaign_id, int64_t before_id,
                                        struct standup_round *);
enum ch_status store_standup_round_open(struct store *, struct arena *,
                                        int64_t campaign_id,
                                        struct standup_round *);
/* The day of the campaign's latest scheduled round (0: none). */
int64_t        store_standup_last_day(struct store *, int64_t campaign_id);
/* CH_CONFLICT when it was closed already. */
enum ch_status store_standup_round_close(struct store *, int64_t id,
                                         int64_t now);
enum ch_status store_standup_prompt_insert(struct store *, int64_t round_id,
                                           int64_t person_id, int64_t due_at,
                                           enum prompt_state state,
                                           const char *away, int64_t *id);
enum ch_status store_standup_prompt_get(struct store *, struct arena *,
                                        int64_t id, struct standup_prompt *);
/* A round's prompts, by the person's name. */
enum ch_status store_standup_prompts_round(struct store *, struct arena *,
                                           int64_t round_id,
                                           struct standup_prompt **out,
                                           size_t *n);
/* A person's prompts not yet sent, due by `until`, of open rounds. */
enum ch_status store_standup_prompts_due(struct store *, struct arena *,
                                         int64_t person_id, int64_t until,
                                         struct standup_prompt **out,
                                         size_t *n);
/* A person's prompts she may answer: those of open rounds (one not yet
 * sent may be answered early: it is then not sent). */
enum ch_status store_standup_prompts_open(struct store *, struct arena *,
                                          int64_t person_id,
                                          struct standup_prompt **out,
                                          size_t *n);
/* The person's latest prompt (away ones aside). */
enum ch_status store_standup_prompt_last(struct store *, struct arena *,
                                         int64_t person_id,
                                         struct standup_prompt *);
enum ch_status store_standup_prompt_state(struct store *, int64_t id,
                                          enum prompt_state state,
                                          const char *away, int64_t now);
/* CH_CONFLICT when it was reminded already. */
enum ch_status store_standup_prompt_reminded(struct store *, int64_t id,
                                             int64_t now);
enum ch_status store_standup_answer_insert(struct store *, int64_t prompt_id,
                                           int64_t deliverable_id,
                                           enum standup_colour colour,
                                           const char *note, int64_t now);
/* A prompt's answers that count: the latest per deliverable. */
enum ch_status store_standup_answers_prompt(struct store *, struct arena *,
                                            int64_t prompt_id,
                                            struct standup_answer **out,
                                            size_t *n);
/* A deliverable's latest answer in a round before before_round (0: any). */
enum ch_status store_standup_answer_latest(struct store *, struct arena *,
                                           int64_t deliverable_id,
                                           int64_t before_round,
                                           struct standup_answer *);
/* How many answers of this colour a prompt has for a deliverable. */
int64_t        store_standup_answer_count(struct store *, int64_t prompt_id,
                                          int64_t deliverable_id,
                                          enum standup_colour colour);
/* Prompts answered, of prompts answered or closed unanswered (away ones
 * don't count), for a person in one campaign (0: all). */
/* Secret tokens for the web server (store_web.c): kept as hashes. */
enum ch_status store_web_token_set(struct store *, int64_t person_id,
                                   const char *kind, const char *hash,
                                   int64_t now);
/* The person holding that hash, or 0. */
int64_t        store_web_token_person(struct store *, const char *kind,
                                      const char *hash);
/* Deadlines of a person's deliverables (campaign_id 0) or of a campaign
 * (person_id 0), by date; elements are struct core_deadline (core.h). */
enum ch_status store_web_deadlines(struct store *, struct arena *,
                                   int64_t person_id, int64_t campaign_id,
                                   void **out, size_t *n);
/* A page of the campaigns a person's dashboard shows (person_id 0: the
 * admin's, every one not closed), by brand, then window: their ids, and
 * how many there are in all (0 when the page is past the end). */
enum ch_status store_web_campaign_page(struct store *, struct arena *,
                                       int64_t person_id, size_t limit,
                                       size_t offset, int64_t **ids,
                                       size_t *n, size_t *total);
/* A campaign's deliverables' publish times and states, in no order,
 * and how many of its escalations are open: its row on that page. */
struct store_web_dates {
    int64_t                publish_at;
    enum deliverable_state state;
};
enum ch_status store_web_campaign_dates(struct store *, struct arena *,
                                        int64_t campaign_id,
                                        struct store_web_dates **out,
                                        size_t *n, int *escalations);

void           store_standup_rate(struct store *, int64_t person_id,
                                  int64_t campaign_id, int *answered,
                                  int *asked);

/* --- scorecards: store_scorecard.c ---------------------------------------- */
/* A creator's record across campaigns: each figure with its count. */
struct scorecard {
    int deliverables, campaigns;           /* cancelled ones left out */
    int drafts, drafts_on_time;            /* first rounds due by now */
    int fixes, fixes_on_time;              /* later rounds, fix windows */
    int publishes, publishes_on_time;      /* publish times passed or met */
    int submitted, rounds;                 /* deliverables with a round;
                                              changes requested on them */
    int approvals;                         /* final (brand) approvals */
    int escalations, escalations_open;     /* on her deliverables */
    int standups_answered, standups_asked;
    int kudos, kudos_from;                 /* received; from how many */
};
void           store_scorecard(struct store *, int64_t person_id,
                               int64_t now, struct scorecard *out);

#endif
