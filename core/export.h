/*
 * export: the CSV exports' data (issue 18), shared by `export`
 * (cmd_export.c), which hands out the links, and core_export_read()
 * (core.h), which the web server calls when one is followed.  Both ask
 * the same question, so a link stops working when its holder loses the
 * role that let her ask for it.
 */
#ifndef CHORUS_EXPORT_H
#define CHORUS_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct arena;
struct campaign;
struct core_export_review;
struct ctx;
struct store;

/* Who may export a campaign: who may read its `report`, which shows the
 * same payouts (the roles of ACT_AUDIT in it, as configured), or an
 * admin. */
bool           core_export_may(struct ctx *c, int64_t person_id, bool admin,
                               const struct campaign *cp);
/* The campaigns of a brand the person may export, by slug (arena). */
enum ch_status core_export_brand(struct ctx *c, int64_t brand_id,
                                 int64_t person_id, bool admin,
                                 struct campaign **out, size_t *n);

/* A campaign's deliverable facts the retrospective does not read, in the
 * order of store_retro_rows (creator, then number). */
struct store_export_row {
    int64_t id;
    char   *creator;        /* display name */
    char   *platform;
    int64_t draft_due;
    int64_t submitted_at;   /* the first draft; INT64_MIN */
    int64_t approved_at;    /* the last final approval; INT64_MIN */
};
enum ch_status store_export_rows(struct store *, struct arena *,
                                 int64_t campaign_id,
                                 struct store_export_row **out, size_t *n);
/* Every review of the campaign's submissions, oldest first (campaign
 * and brand left NULL for the caller). */
enum ch_status store_export_reviews(struct store *, struct arena *,
                                    int64_t campaign_id,
                                    struct core_export_review **out,
                                    size_t *n);

#endif
