/*
 * settings: what the configuration tells the core.  Filled by bot/config.c,
 * read by the core.  Borrowed: the core keeps the pointer it was given
 * until core_set_settings() hands it another, so the owner (the daemon's
 * config) must outlive that.  settings_defaults() gives the embedded
 * default used when no configuration file is named.
 */
#ifndef CHORUS_SETTINGS_H
#define CHORUS_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ladder.h"
#include "model.h"
#include "perm.h"

struct brand_setting {
    const char *name;
    const char *category;     /* NULL: none */
    const char *exclusive;    /* excluded categories, ';'-separated */
    /* Where its conflict alerts go instead of its brand leads' direct
     * messages: "slack:C0123,discord:4567" (NULL: by direct message). */
    const char *alerts;
};

/* holidays <who> <file.ics>: who is a region, a person's name, or "*". */
struct holiday_source {
    const char *who;
    const char *path;
};

/* region <person> <region> */
struct region_setting {
    const char *person;
    const char *region;
};

#define SETTINGS_MAX_NUDGES 8

struct core_settings {
    const char          *default_tz;      /* IANA zone for people without one */
    int                  work_start;      /* minutes after local midnight */
    int                  work_end;
    unsigned             work_days;       /* bit 0 = Monday */
    /* Workspace admins as "platform:user_id" (slack:U123,
     * discord:1100..., console:admin). */
    const char *const   *admins;
    size_t               nadmins;
    const struct brand_setting *brands;
    size_t               nbrands;
    struct perm_table    perms;
    enum review_mode     review_mode;     /* for new campaigns */
    const char          *currency;        /* for fees without one */
    /* Where the daemon's web server answers ("http://127.0.0.1:8080",
     * no trailing '/'), for the links chorus hands out; NULL: off. */
    const char          *web_url;
    int64_t              lead_time_ms;    /* warn when a draft is due sooner */
    int                  revision_limit;  /* alert above this many rounds */
    int64_t              approval_latency_ms;
    /* Schedules: nudges, the guard, fix windows, questions. */
    int64_t              nudge_before_ms[SETTINGS_MAX_NUDGES];
    size_t               n_nudge_before;
    int64_t              nudge_after_ms[SETTINGS_MAX_NUDGES];
    size_t               n_nudge_after;
    int                  nudge_daily_cap;
    int64_t              approval_guard_ms;
    int64_t              fix_window_ms;
    int64_t              question_target_ms;
    /* An overdue draft or publication escalates after this much of the
     * creator's working time past its deadline. */
    int64_t              grace_ms;
    /* The escalation ladder, and the working time after which whoever
     * acknowledged an escalation is reminded it is still open (0: one
     * working day of theirs). */
    struct ladder        ladder;
    int64_t              ack_reminder_ms;
    /* Direct messages to one person due this close together go as one. */
    int64_t              digest_window_ms;
    /* News waits for a morning digest for reviewers (coordinators, brand
     * leads) who have not chosen (`notify digest:`). */
    bool                 news_digest;
    /* Conflict alerts (conflict.h): two deliverables of a brand on one
     * platform publishing less than this apart collide; two captions
     * this alike (Jaccard similarity of their shingles, percent) are
     * near duplicates. */
    int64_t              collision_interval_ms;
    int                  duplicate_similarity;
    /* Holiday calendars (loaded by the core, see holidays.h). */
    const struct holiday_source *holidays;
    size_t               nholidays;
    const struct region_setting *regions;
    size_t               nregions;
    /* PRAGMA synchronous NORMAL instead of FULL (db_synchronous; read
     * when the database opens). */
    bool                 db_sync_normal;
};

/* The embedded defaults (spec values), with no admins and no brands. */
void settings_defaults(struct core_settings *s);

#endif
