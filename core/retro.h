/*
 * retro: the retrospective of a campaign (`report <slug>`, and posted to
 * its channel when it wraps): pieces delivered against `need`; drafts,
 * publishing and fixes on time; revision rounds; approval latency;
 * escalations and conflicts; payouts (payout.h) per creator, per
 * deliverable and in total per currency; standup answer rates; the
 * feedback left on the campaign and the kudos between its people.  Sized
 * for one chat message on every platform (RETRO_MAX_BYTES): the
 * per-deliverable lines are left out, and said to be, when they would
 * not fit, and the per-creator lines stop after RETRO_MAX_CREATORS.
 */
#ifndef CHORUS_RETRO_H
#define CHORUS_RETRO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "payout.h"
#include "status.h"

struct ctx;
struct campaign;
struct buf;
struct arena;
struct store;

/* Discord takes 2 000 characters, Slack 4 000: the smaller, with room
 * for the adapters' own marks (mentions grow when rendered). */
#define RETRO_MAX_BYTES 1800
#define RETRO_MAX_CREATORS 12

/* One deliverable's facts (store_retro.c). */
struct retro_row {
    int64_t id;
    int     number;
    int64_t creator_id;
    char   *title;
    char   *state;
    int64_t fee_cents;       /* INT64_MIN: none */
    char   *currency;
    int     late_pct;        /* -1: not set */
    int64_t publish_at;
    int64_t published_at;    /* INT64_MIN: not live */
    int     rounds;
    int64_t draft_late_ms;   /* INT64_MIN: no draft in */
    int     fixes, fixes_late;
    int64_t latency_ms;      /* submission to final approval; INT64_MIN */
    int     escalations;
    int     conflicts;
};
enum ch_status store_retro_rows(struct store *, struct arena *,
                                int64_t campaign_id, struct retro_row **out,
                                size_t *n);
/* Escalations and conflicts of the campaign, its own included. */
void           store_retro_counts(struct store *, int64_t campaign_id,
                                  int *escalations, int *conflicts);

/* The feedback layer: what creators and agencies said (person_id 0:
 * anonymous), and kudos between people, recorded across campaigns. */
struct retro_feedback {
    int64_t person_id;
    char   *role;
    char   *text;
};
struct retro_kudos {
    int64_t from_id, to_id;
    char   *reason;
};
enum ch_status store_retro_feedback_add(struct store *, int64_t campaign_id,
                                        int64_t person_id, const char *role,
                                        const char *text, int64_t now);
enum ch_status store_retro_feedback_list(struct store *, struct arena *,
                                         int64_t campaign_id,
                                         struct retro_feedback **out,
                                         size_t *n);
enum ch_status store_retro_kudos_add(struct store *, int64_t from,
                                     int64_t to, const char *reason,
                                     int64_t now);
/* Do the two take part in a campaign together now? */
bool           store_retro_share_campaign(struct store *, int64_t a,
                                          int64_t b);
/* Kudos between the campaign's people given in [from, until]. */
enum ch_status store_retro_kudos_of_campaign(struct store *, struct arena *,
                                             int64_t campaign_id,
                                             int64_t from, int64_t until,
                                             struct retro_kudos **out,
                                             size_t *n);

/* One deliverable's payout as the retrospective counts it, at c->now
 * (payout.h), and whether its publish window was missed. */
struct payout  retro_row_payout(struct ctx *c, const struct retro_row *r,
                                int default_pct, bool *publish_late);
/* The windows missed, in words ("publish window missed"), or NULL. */
const char    *retro_late_why(bool publish_late, bool fix_late);

/* The retrospective; CH_NOT_FOUND (and nothing written) when the
 * campaign has no deliverables. */
enum ch_status retro_render(struct ctx *c, const struct campaign *cp,
                            struct buf *out);

#endif
