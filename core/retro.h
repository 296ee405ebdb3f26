/*
 * retro: the retrospective of a campaign (`report <slug>`, and posted to
 * its channel when it wraps): pieces delivered against `need`; drafts,
 * publishing and fixes on time; revision rounds; approval latency;
 * escalations and conflicts; payouts (payout.h) per creator, per
 * deliverable and in total per currency; standup answer rates.  Sized
 * for one chat message on every platform (RETRO_MAX_BYTES): the
 * per-deliverable lines are left out, and said to be, when they would
 * not fit, and the per-creator lines stop after RETRO_MAX_CREATORS.
 */
#ifndef CHORUS_RETRO_H
#define CHORUS_RETRO_H

#include <stdint.h>

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

/* The retrospective; CH_NOT_FOUND (and nothing written) when the
 * campaign has no deliverables. */
enum ch_status retro_render(struct ctx *c, const struct campaign *cp,
                            struct buf *out);

#endif
