/*
 * standup: asynchronous green / yellow / red rounds per campaign
 * (product §5).
 *
 * A campaign's schedule names weekdays and a local time.  Each scheduled
 * day is a round: every creator of the campaign gets a prompt due at that
 * time in her own zone, unless she is away for the day (time off, a
 * holiday, a day off), and prompts due to one person at one time go as
 * one message.  Answers are recorded per deliverable, the latest counting;
 * non-responders are reminded once; when the window after the last
 * zone's prompt closes, the summary goes to the campaign channel.  Red on
 * a deliverable due soon opens an escalation, yellow twice in a row on
 * one alerts the coordinators.  Everything lives in the store and moves
 * in jobs, so a restart loses no answer and repeats no prompt.
 */
#ifndef CHORUS_STANDUP_H
#define CHORUS_STANDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "status.h"

struct arena;
struct ctx;
struct job;
struct campaign;
struct buf;
struct deliverable;
struct escalation;

/* --- reading an answer (standup_parse.c) ---------------------------------
 * "green", "g", "🟢", "yellow - waiting for the product", "Y: shipping
 * delayed", "red, sick until monday", "#2 red, #3 green", "red #2".
 * Parts start at a reference, or end with one right after the colour
 * ("green spring#2", as buttons write it); a part naming none is about
 * all of the writer's deliverables. */
#define SU_MAX_PARTS 16
#define SU_MAX_REFS 8
struct su_part {
    const char         *refs[SU_MAX_REFS];   /* "#2", "spring#2" */
    size_t              nrefs;               /* 0: all of hers */
    enum standup_colour colour;
    const char         *note;                /* NULL: none */
};
#define SU_MAX_ROUNDS 8
struct su_answer {
    int64_t        rounds[SU_MAX_ROUNDS];  /* leading "R12 R13" (buttons) */
    size_t         nrounds;
    struct su_part part[SU_MAX_PARTS];
    size_t         nparts;
};
/* Whether text reads as an answer; strings in out come from a. */
bool standup_parse(struct arena *a, const char *text, struct su_answer *out);

/* --- rounds (standup.c) --------------------------------------------------- */
/* The forms an answer takes, for a reply to one that could not be read. */
extern const char standup_forms[];
extern const char *const standup_dots[];   /* "🟢", "🟡", "🔴" */
/* The first scheduled day >= from (days since 1970-01-01), or -1. */
int64_t        standup_next_day(const struct standup_sched *s, int64_t from);
/* Plan the campaign's next round after a change to its schedule or its
 * creators (a job at the first prompt time). */
enum ch_status standup_plan(struct ctx *c, int64_t campaign_id);
/* How far apart the campaign's creators' local times of a round are
 * (Kolkata's 10:00 to Los Angeles' 10:00: 13h 30m). */
int64_t        standup_zone_spread(struct ctx *c,
                                   const struct standup_sched *s, int64_t day);
/* Open a round now (`standup now`): prompts go at once. */
enum ch_status standup_start_now(struct ctx *c, const struct campaign *cp,
                                 struct standup_round *out, size_t *prompted,
                                 size_t *away);
/* Jobs. */
enum ch_status standup_job_round(struct ctx *c, const struct job *j);
enum ch_status standup_job_prompt(struct ctx *c, const struct job *j);
enum ch_status standup_job_remind(struct ctx *c, const struct job *j);
enum ch_status standup_job_close(struct ctx *c, const struct job *j);
/* Record the caller's answer (`standup reply`, a typed "green" in a DM). */
enum ch_status standup_reply(struct ctx *c, const char *text);
/* Whether the person has a prompt she may answer now. */
bool           standup_has_open_prompt(struct ctx *c, int64_t person_id);
/* Why a red-standup escalation's fact has cleared, or NULL: the draft
 * arrived (or it was published), the due date moved beyond the horizon,
 * or the creator's latest answer on it is no longer red. */
const char    *standup_red_cleared(struct ctx *c, const struct escalation *e,
                                   const struct deliverable *d);
/* "🟡 yellow Mon 7 Dec 10:12: waiting for the product" for a deliverable's
 * latest answer, in the reader's zone (NULL: channel), or NULL. */
const char    *standup_last_words(struct ctx *c, int64_t deliverable_id,
                                  const struct person *reader);
/* The schedule in words: "Mon, Thu at 10:00 in each creator's zone, window
 * 8h, every other week". */
void           standup_sched_words(struct ctx *c, const struct standup_sched *s,
                                   struct buf *out);
/* The summary of a round: colours, away, missing. */
void           standup_summary(struct ctx *c, const struct campaign *cp,
                               const struct standup_round *r,
                               const struct person *reader, struct buf *out);

#endif
