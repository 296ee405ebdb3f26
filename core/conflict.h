/*
 * conflict: conflict alerts for brands (issue 17).
 *
 * Four kinds of fact, each found between two things of one brand (or of
 * two brands, for a creator's bookings):
 *  - creative: two campaigns of a brand whose windows overlap, where what
 *    one brief's must_include or core_message says is what the other's
 *    must_avoid names (kind "creative"), or which address the same
 *    audience with different core messages ("audience");
 *  - booking: a creator with work in two campaigns whose windows overlap,
 *    for brands of the same category or whose exclusivity excludes the
 *    other's category;
 *  - collision: two deliverables of a brand in different campaigns
 *    (across campaigns and agencies: within one campaign its coordinator
 *    set both dates) publishing on the same platform less than the
 *    collision interval apart;
 *  - duplicate: two latest submissions of a brand whose captions or
 *    scripts are more alike than the duplicate threshold (match.h),
 *    the brand's tags, links, disclosure and must_include left out;
 *    each text is indexed by a MinHash sketch, its smallest shingle
 *    hashes, so candidates take a few lookups.
 *
 * The model is escalation.c's: a check recomputes the facts of one scope
 * (a campaign's briefs, a creator's bookings, a deliverable's dates, a
 * submission's text) and reconciles them with the stored conflicts of
 * that scope.  A fact found anew opens a conflict C<N> and tells the
 * brand leads and coordinators of both campaigns (the one who caused it
 * in their reply, the rest by direct message, with a Dismiss button);
 * found again as it was, nothing; found changed, it is updated and they
 * hear so; gone, it closes itself and everyone it reached hears why.  A
 * dismissed one stays dismissed, across restarts, while its fact lasts.
 *
 * Checks run from the change points -- brief edits (cmd_brief.c),
 * every deliverable change (nudge_plan_deliverable()), submissions
 * (cmd_work.c), participants (cmd_campaign.c), brand settings -- and once
 * at start-up (conflict_startup()), never on a timer.  Every query is
 * indexed by brand, creator, platform and time, or shingle hash.
 */
#ifndef CHORUS_CONFLICT_H
#define CHORUS_CONFLICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "status.h"

struct ctx;
struct core;
struct store;
struct arena;

enum conflict_kind {
    CONFLICT_CREATIVE,
    CONFLICT_AUDIENCE,
    CONFLICT_BOOKING,
    CONFLICT_COLLISION,
    CONFLICT_DUPLICATE,
};
extern const char *const conflict_kinds[];   /* NULL-terminated */

enum conflict_state { CONFLICT_OPEN, CONFLICT_DISMISSED, CONFLICT_CLOSED };
extern const char *const conflict_states[];

struct conflict {
    int64_t             id;
    enum conflict_kind  kind;
    char               *key;
    enum conflict_state state;
    int64_t             brand_id;
    int64_t             campaign_a, campaign_b;
    int64_t             deliverable_a, deliverable_b;  /* 0: none */
    int64_t             person_id;                     /* 0: none */
    /* What each side says, quoted (see conflict.c for each kind). */
    char               *side_a, *side_b;
    char               *note;
    char               *sig;
    int64_t             opened_at, updated_at;
    int64_t             closed_at;          /* INT64_MIN: not closed */
    char               *closed_why;
    int64_t             dismissed_by;       /* 0: not dismissed */
    int64_t             dismissed_at;
    char               *dismiss_reason;
};

/* --- the change points ---------------------------------------------- */
/* A brief of the campaign changed. */
void conflict_follow_brief(struct ctx *c, int64_t campaign_id);
/* A deliverable changed (nudge_plan_deliverable() calls it). */
void conflict_follow_deliverable(struct ctx *c, const struct deliverable *d);
/* A submission was recorded; body is its caption or script. */
void conflict_follow_submission(struct ctx *c, const struct deliverable *d,
                                int64_t submission_id, const char *body);
/* Someone joined or left a campaign. */
void conflict_follow_person(struct ctx *c, int64_t person_id);
/* A brand's category or exclusivity changed. */
void conflict_follow_brand(struct ctx *c, int64_t brand_id);
/* The campaign stopped running (wrapped or closed): what concerns it is
 * over, and is closed ("spring-launch is closed"). */
void conflict_follow_campaign(struct ctx *c, int64_t campaign_id);
/* Everything, once at start-up (and after the configuration changed), in
 * its own transaction. */
void conflict_startup(struct core *core);

/* --- for cmd_conflict.c ---------------------------------------------- */
/* The conflict in a line for a reader (NULL: a channel). */
const char *conflict_describe(struct ctx *c, const struct conflict *k,
                              const struct person *reader);
/* "C3 booking (Fizz, since Tue 1 Dec 09:00 UTC): ...": the line that
 * lists it for a reader (not NULL), in `conflicts` and on the dashboard. */
const char *conflict_line(struct ctx *c, const struct conflict *k,
                          const struct person *reader);
/* "Fizz": the brand (or brands) it is about, for a reader (NULL: both
 * brands of a double booking; a reader on one brand's side only sees
 * hers). */
const char *conflict_brands(struct ctx *c, const struct conflict *k,
                            const struct person *reader);
/* Whether the caller takes part in it: a coordinator, agency or brand
 * lead of one of its campaigns. */
bool        conflict_involves(struct ctx *c, const struct conflict *k,
                              int64_t person_id);
/* Dismiss it for the caller and tell everyone it reached. */
enum ch_status conflict_dismiss(struct ctx *c, const struct conflict *k,
                                const char *reason);

/* --- records: store_conflict.c ---------------------------------------- */
enum ch_status store_conflict_get(struct store *, struct arena *, int64_t id,
                                  struct conflict *);
/* The open or dismissed conflict with this key. */
enum ch_status store_conflict_by_key(struct store *, struct arena *,
                                     const char *key, struct conflict *);
enum ch_status store_conflict_insert(struct store *, struct conflict *);
/* Write sides, note, sig, updated_at and the ids of a found-again one. */
enum ch_status store_conflict_update(struct store *, const struct conflict *);
enum ch_status store_conflict_close(struct store *, int64_t id,
                                    const char *why, int64_t now);
/* CH_CONFLICT when it is not open. */
enum ch_status store_conflict_dismiss(struct store *, int64_t id, int64_t by,
                                      const char *reason, int64_t now);
/* Open and dismissed conflicts of a scope: of the kinds in kinds (a bit
 * per enum conflict_kind) about a campaign, a deliverable, a person. */
enum ch_status store_conflict_of_campaign(struct store *, struct arena *,
                                          int64_t campaign_id, unsigned kinds,
                                          struct conflict **out, size_t *n);
enum ch_status store_conflict_of_deliverable(struct store *, struct arena *,
                                             int64_t deliverable_id,
                                             unsigned kinds,
                                             struct conflict **out,
                                             size_t *n);
enum ch_status store_conflict_of_person(struct store *, struct arena *,
                                        int64_t person_id, unsigned kinds,
                                        struct conflict **out, size_t *n);
/* Open conflicts about a campaign of brand_id (0: every brand), oldest
 * first, at most limit. */
enum ch_status store_conflict_list_open(struct store *, struct arena *,
                                        int64_t brand_id, int limit,
                                        struct conflict **out, size_t *n);
/* How many are dismissed (still true) for brand_id (0: every brand). */
int64_t        store_conflict_count_dismissed(struct store *,
                                              int64_t brand_id);
/* Open or dismissed conflicts about a campaign no longer running. */
enum ch_status store_conflict_stale(struct store *, struct arena *,
                                    struct conflict **out, size_t *n);
enum ch_status store_conflict_told_add(struct store *, int64_t id,
                                       int64_t person_id, int64_t now);
enum ch_status store_conflict_told(struct store *, struct arena *, int64_t id,
                                   int64_t **people, size_t *n);

/* Candidates.  "Running": a draft or active campaign; "live": a
 * deliverable not rejected, missed or cancelled. */
/* The running campaigns of a brand but one (0: none left out). */
enum ch_status store_conflict_brand_campaigns(struct store *, struct arena *,
                                              int64_t brand_id,
                                              int64_t except, int64_t **ids,
                                              size_t *n);
/* A creator's live deliverables in running campaigns, by campaign. */
enum ch_status store_conflict_creator_work(struct store *, struct arena *,
                                           int64_t person_id,
                                           struct deliverable **out,
                                           size_t *n);
/* Live deliverables of a brand's running campaigns on platform
 * publishing in (from, to), but those of one campaign. */
enum ch_status store_conflict_near_publish(struct store *, struct arena *,
                                           int64_t brand_id,
                                           const char *platform, int64_t from,
                                           int64_t to, int64_t except_campaign,
                                           int64_t **ids, size_t *n);
/* Creators with live deliverables in a brand's running campaigns. */
enum ch_status store_conflict_brand_creators(struct store *, struct arena *,
                                             int64_t brand_id, int64_t **ids,
                                             size_t *n);
/* For start-up: every running campaign; every creator with live work;
 * live deliverables with a platform publishing after `after`; live
 * deliverables whose latest submission has a text not yet shingled. */
enum ch_status store_conflict_all_campaigns(struct store *, struct arena *,
                                            int64_t **ids, size_t *n);
enum ch_status store_conflict_all_creators(struct store *, struct arena *,
                                           int64_t **ids, size_t *n);
enum ch_status store_conflict_upcoming(struct store *, struct arena *,
                                       int64_t after, int64_t **ids,
                                       size_t *n);
enum ch_status store_conflict_unshingled(struct store *, struct arena *,
                                         int64_t **ids, size_t *n);
/* The sketch (its smallest shingle hashes) of a deliverable's latest
 * submission, replacing any. */
enum ch_status store_conflict_text_put(struct store *, int64_t deliverable_id,
                                       int64_t submission_id,
                                       int64_t brand_id,
                                       const uint64_t *hashes, size_t n);
enum ch_status store_conflict_text_drop(struct store *,
                                        int64_t deliverable_id);
/* The submission a deliverable's sketch came from (0: none). */
int64_t        store_conflict_text_of(struct store *, int64_t deliverable_id,
                                      int64_t *shingles);
/* Deliverables of a brand whose text has this shingle, at most limit
 * (one more than that means "too common to tell"). */
enum ch_status store_conflict_postings(struct store *, struct arena *,
                                       int64_t brand_id, uint64_t hash,
                                       int limit, int64_t **ids, size_t *n);

#endif
