/*
 * core: the platform-independent heart of chorus.
 *
 * Everything the bot knows lives in the store; everything it decides
 * happens in one transaction per inbound event or per fired job, and
 * everything it says goes through the outbox in that same transaction.
 * The core never blocks and never knows which platform it talks to: it
 * is driven by three calls from the daemon's loop:
 *   core_handle_event()  an adapter's inbound event
 *   core_tick()          run the jobs that are due, retry the outbox
 *   core_flush()         hand pending outbox rows to the adapters
 * and it tells the loop when it next needs a tick (core_next_due()), so
 * the loop arms exactly one timer.
 *
 * Ownership: core_new() opens the database; core_free() closes it.
 * Settings and adapters are borrowed (see core_set_settings, core_attach).
 * Single-threaded: every call from the loop's thread.
 */
#ifndef CHORUS_CORE_H
#define CHORUS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "adapter.h"
#include "clock.h"
#include "event.h"
#include "settings.h"
#include "status.h"

struct arena;
struct core;
struct store;

enum ch_status core_new(const char *db_path, const struct core_settings *s,
                        const struct clock *clock, struct core **out,
                        struct ch_error *err);
void           core_free(struct core *core);
/* Borrowed until replaced: the caller keeps s alive. */
void           core_set_settings(struct core *core,
                                 const struct core_settings *s);
const struct core_settings *core_settings(const struct core *core);

/* Platforms: attaching checks the adapter's interface version
 * (adapter_check()) and makes sure every campaign has a channel there. */
enum ch_status core_attach(struct core *core, struct adapter *a,
                           struct ch_error *err);
void           core_detach(struct core *core, struct adapter *a);

/* The one inbound entry point.  res may be NULL only for an event that
 * is not answered in-band (the core then hands the reply to the flush);
 * see struct core_result (event.h). */
enum ch_status core_handle_event(struct core *core,
                                 const struct core_event *ev,
                                 struct core_result *res);
/* Hand res's in-band messages to their platform's deliver(), as a flush
 * would, for an adapter that does not carry them itself. */
void           core_deliver_result(struct core *core,
                                   const struct core_result *res);
/* Report the outcome of an adapter delivery (see adapter.h).
 * platform_ref: the platform's id of what was created (message, channel);
 * retry_after_ms: > 0 when the platform asked us to wait. */
void           core_delivered(struct core *core, int64_t msg_id,
                              enum ch_status status, const char *platform_ref,
                              int64_t retry_after_ms, const char *error);
void           core_flush(struct core *core);
/* Outbox rows not yet delivered (pending or being retried). */
int64_t        core_outbox_backlog(struct core *core);
/* Run due jobs; returns how many ran. */
int            core_tick(struct core *core);
/* The next instant (core clock, UTC ms) a tick is needed; INT64_MAX. */
int64_t        core_next_due(struct core *core);
int64_t        core_now(const struct core *core);
/*
 * Crash testing: kill the process with SIGKILL at a named point, once the
 * point has been passed `after` times (0: the first time).  Points:
 *   "job-before-commit"  a job's effect is computed, not yet committed
 *   "job-after-commit"   committed, not yet handed to an adapter
 *   "event-before-commit" an event's changes computed, not committed
 * Set by the daemon from CHORUS_FAULT=<point>[:<after>]; NULL clears.
 */
void           core_set_fault(struct core *core, const char *point,
                              int after);
/* Feeds for the web server: the deadlines a secret token may see (the
 * token as it is in the link; only its SHA-256 is stored). */
struct core_deadline {
    const char *campaign;       /* slug */
    int64_t     number;
    const char *title;
    const char *creator;        /* display name */
    bool        publish;        /* the publish date, else the draft's */
    int64_t     at_ms;          /* UTC */
    const char *state;
};
/* slug NULL: the token's person's own deadlines across campaigns; else
 * every deadline of that campaign, when she takes part in it.
 * CH_NOT_FOUND, with nothing said why, for a token nobody holds, a
 * campaign that does not exist and one she has no part in alike.
 * Cancelled and rejected deliverables are left out. */
enum ch_status core_feed_deadlines(struct core *core, const char *kind,
                                   const char *token, const char *slug,
                                   struct arena *a,
                                   struct core_deadline **out, size_t *n);
/* CSV exports for the web server (core_export.c): a campaign's, or a
 * brand's campaigns', deliverables, reviews and payouts.  Times are UTC
 * ms, INT64_MIN when there is none. */
struct core_export_deliv {
    const char *campaign;       /* slug */
    const char *brand;
    int64_t     number;
    const char *title;
    const char *creator;        /* display name */
    const char *platform;       /* NULL: not set */
    const char *state;
    int64_t     draft_due, publish_due;
    int64_t     submitted_at;   /* the first draft */
    int64_t     approved_at;    /* the brand's final approval */
    int64_t     published_at;
    int         rounds;
    int         draft_late;     /* 1 late, 0 on time, -1 no draft in */
    bool        publish_late;   /* the publish window was missed */
    int         fixes, fixes_late;
    /* The payout, as `report` counts it (payout.h, retro.h). */
    int64_t     fee_cents;      /* INT64_MIN: no fee */
    const char *currency;
    bool        delivered;
    const char *late_why;       /* the late rule applied: why; else NULL */
    int         late_pct;       /* what it paid when it applied */
    int64_t     owed_cents;     /* 0 without a fee */
};
struct core_export_review {
    const char *campaign;
    const char *brand;
    int64_t     number;
    const char *title;
    const char *creator;
    int         round;
    int64_t     submitted_at;
    const char *link;           /* what was submitted */
    const char *caption;        /* NULL: none */
    const char *stage;          /* review, brand */
    const char *decision;       /* approve, changes, reject */
    const char *reviewer;
    int64_t     at;
    bool        visible, message, engagement;   /* the rubric: passed */
    const char *reason;         /* NULL: none */
    const char *override;       /* NULL: none */
};
struct core_export {
    struct core_export_deliv  *delivs;      /* by campaign, then number */
    size_t                     ndelivs;
    struct core_export_review *reviews;     /* by campaign, then time */
    size_t                     nreviews;
};                              /* one of the two read, the other empty */
/* What an export link shows: subject is a campaign's slug, else a
 * brand's name (all its campaigns the token's person may export).  Her
 * permission is checked now, as `export` checked it: the roles that may
 * read `report` in each campaign (an admin: every one).  CH_NOT_FOUND,
 * nothing said why, for a token nobody holds, a subject that does not
 * exist and one she may not export alike.  reviews: read the reviews
 * (reviews.csv); otherwise the deliverables with their payouts
 * (deliverables.csv, payouts.csv). */
enum ch_status core_export_read(struct core *core, const char *token,
                                const char *subject, bool reviews,
                                struct arena *a, struct core_export *out);

/*
 * The web dashboard (core_dash.c): what a reader may see, gathered here
 * and rendered by the web server.  A reader is the person behind a
 * `dashboard` token, or the admin (the admin token, checked by the web
 * server).  She sees the campaigns she takes part in and those of a
 * brand she leads (timeline's rule); an admin sees all.  Texts are plain
 * (no markers): names, and times in the reader's zone.  Everything comes
 * from the arena given.
 */
struct core_dash_reader {
    int64_t     person_id;      /* 0: the admin */
    const char *name;
    const char *zone;           /* hers, else the workspace default */
};
/* The person holding a dashboard token; CH_NOT_FOUND for any other. */
enum ch_status core_dash_reader(struct core *core, const char *token,
                                struct arena *a,
                                struct core_dash_reader *out);
void           core_dash_admin(struct core *core,
                               struct core_dash_reader *out);

struct core_dash_campaign {
    const char *slug, *title, *brand, *agency;   /* title, agency: NULL */
    const char *state;
    const char *window;         /* "Tue 1 Dec – Thu 31 Dec"; NULL: none */
    int64_t     from_ms, to_ms; /* the window's instants; INT64_MIN: none */
    int         deliverables;   /* cancelled and rejected left out */
    int         open, done;     /* in the works; approved or published */
    int         escalations;    /* open */
    int64_t    *publish_ms;     /* each live deliverable's publish time */
    size_t      npublish;
};
#define CORE_DASH_PAGE 50       /* campaigns on a page of the index */
struct core_dash_index {
    struct core_dash_campaign *c;
    size_t      n;
    size_t      total;          /* campaigns the reader sees */
    size_t      first;          /* of c[0] among them, from 0 */
    int64_t     now;
};
/* One page (from 1) of the reader's campaigns, by brand, then window.
 * CH_NOT_FOUND for a page past the last (page 1 always exists). */
enum ch_status core_dash_index(struct core *core,
                               const struct core_dash_reader *r,
                               size_t page, struct arena *a,
                               struct core_dash_index *out);

struct core_dash_person {
    int64_t     id;
    const char *name;
    const char *role;
};
struct core_dash_view {
    struct core_dash_campaign head;
    struct core_dash_person  *people;      /* current participants */
    size_t                    npeople;
    const char               *status;      /* `status <slug>` */
    const char              **conflicts;   /* open ones, a line each */
    size_t                    nconflicts;
    bool                      sees_conflicts;
    const char               *report;      /* `report`; NULL: not hers */
    int64_t                   now;
};
/* A campaign the reader may see; CH_NOT_FOUND, said the same way, when
 * it does not exist or she may not. */
enum ch_status core_dash_campaign(struct core *core,
                                  const struct core_dash_reader *r,
                                  const char *slug, struct arena *a,
                                  struct core_dash_view *out);
/* A person's scorecard, under `scorecard`'s rule; CH_NOT_FOUND as
 * above. */
enum ch_status core_dash_scorecard(struct core *core,
                                   const struct core_dash_reader *r,
                                   int64_t person_id, struct arena *a,
                                   const char **name, const char **text);
/* For tests and the demo seeding. */
struct store  *core_store(struct core *core);

#endif
