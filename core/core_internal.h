/*
 * core_internal: what the core's modules share and nobody else sees.
 *
 * struct ctx is the state of one unit of work (an inbound event or a fired
 * job): the open transaction, the arena every string of it comes from, the
 * caller, and the messages it will send.  Messages are queued in memory
 * and written to the outbox by ctx_write_outbox(), in the same transaction,
 * reply first, so what a user reads arrives in the order it was decided.
 */
#ifndef CHORUS_CORE_INTERNAL_H
#define CHORUS_CORE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "adapter.h"
#include "arena.h"
#include "buf.h"
#include "core.h"
#include "model.h"
#include "records.h"
#include "settings.h"
#include "store.h"

#define CORE_MAX_ADAPTERS 8

/* Ids handed to an adapter and not yet reported back (open addressing). */
struct idset {
    int64_t *slots;
    size_t   nslots;
    size_t   used;
};
void idset_add(struct idset *s, int64_t id);
void idset_del(struct idset *s, int64_t id);
bool idset_has(const struct idset *s, int64_t id);
void idset_free(struct idset *s);

struct report;
struct handout;
struct digest;
struct pass;

struct core {
    struct store               *store;
    int64_t                     prune_at;   /* next prune batch (prune.h) */
    const struct core_settings *settings;
    struct clock                clock;
    struct adapter             *adapters[CORE_MAX_ADAPTERS];
    size_t                      nadapters;
    struct idset                handed;
    /* Replies of recent commands not yet known to be seen (delivery.c). */
    struct idset                awaiting;
    /* Per adapter: every pending row below this id is handed to it or
     * waits for its retry time, so a flush starts here (core.c). */
    int64_t                     flush_from[CORE_MAX_ADAPTERS];
    struct arena               *arena;        /* per event or job */
    struct arena               *flush_arena;  /* core_flush */
    struct arena               *done_arena;   /* recording outcomes */
    /* Outcomes from core_delivered(), recorded by the next flush. */
    struct report              *reports;
    size_t                      nreports, reports_cap;
    size_t                      recorded;   /* in the open transaction */
    struct handout             *handouts;   /* one flush pass's rows */
    /* Digests handed out, until their outcome is committed. */
    struct digest              *digests;
    size_t                      ndigests, digests_cap;
    /* An event's in-band reply and button edit (struct core_result). */
    struct handout             *inband;
    struct adapter             *inband_adapter;
    int64_t                     inband_want[2];  /* reply, button edit */
    bool                        inband_got[2];
    struct arena               *inband_arena;
    /* A pass read by an event's transaction (delivery_collect_early()). */
    struct pass                *early;
    enum { EARLY_NONE, EARLY_COLLECTED, EARLY_READY } early_state;
    int64_t                     early_changes;
    /* The last flush handed everything it could, and nothing has been
     * written since (store_total_changes()): the next has nothing to do. */
    bool                        flush_clean;
    /* Outcomes came back outside a flush (core_deliver_result()): the
     * next flush records them. */
    bool                        record_soon;
    int64_t                     flushed_changes;
    /* The earliest retry time seen since the last full rescan, and when
     * that was (delivery_rescan_if_due()). */
    int64_t                     rescan_at;
    int64_t                     rescanned_at;
    /* core_next_due()'s answer, good while store_total_changes() is unchanged.
     */
    int64_t                     due_at;
    int64_t                     due_changes;
    struct holidays            *hol;          /* from the settings */
    /* The start-up conflict check ran (conflict.h). */
    bool                        conflicts_checked;
    char                        fault[32];    /* see core_set_fault */
    int                         fault_after;
};

/* A message decided during the unit of work, written out at commit. */
/* How a direct message may be timed (issue 15): every one lands inside
 * the reader's working hours; an urgent one goes at once (any time, for
 * a reader who asked for urgent ones at any time); news may wait for the
 * reader's digest at the start of their working day. */
enum dm_urgency {
    DM_NORMAL,
    DM_URGENT,   /* an escalation addressed to you, a guard alert, a
                    deadline within 4 hours */
    DM_NEWS,     /* a new submission to review, an answered question */
};

struct pending {
    struct pending *next;
    enum out_kind   kind;
    enum dm_urgency urgency;       /* DM only */
    int64_t         campaign_id;
    int64_t         person_id;
    const char     *platform;      /* UPDATE: the row's platform; campaign
                                      kinds: only this platform (NULL: all) */
    int64_t         ref_id;        /* UPDATE: the row to replace */
    const char     *channel_ref;   /* POST with no campaign: the platform
                                      channel (a brand's alerts) */
    const char     *user_ref;      /* DM to one identity: its platform user
                                      id (platform says which) */
    const char     *text;
    const char     *buttons;       /* serialized */
    bool            pin;           /* POST: pin it as well */
    int             mark;          /* POST: MARK_BRIEF or MARK_STATUS */
    int64_t         id;            /* set by ctx_write_outbox: the row
                                      (of the last platform) it became */
};
enum { MARK_NONE, MARK_BRIEF, MARK_STATUS };

struct ctx {
    struct core              *core;
    struct store             *st;
    struct arena             *a;
    const struct core_settings *set;
    int64_t                   now;
    const struct core_event  *ev;          /* NULL for a job */
    /* The caller (commands only). */
    struct person             caller;
    bool                      has_caller;
    bool                      caller_admin;
    const char               *actor_ref;   /* "platform:user" or "chorus" */
    const char               *caller_zone; /* caller.tz or the default */
    /* The campaign whose channel the event came from, if any. */
    struct campaign           here;
    bool                      in_channel;
    /* Output. */
    struct pending           *out_head, *out_tail;
    struct buf                reply;
    /* Said after the reply: what the change caused elsewhere (a
     * conflict it opened or closed, conflict.c). */
    struct buf                reply_after;
    struct ch_error           err;
    /* The parsed command (command.c). */
    struct cmd_parsed        *cmd;
    /* The edit of the pressed button's message, answered in-band. */
    struct pending           *button_update;
};

void ctx_init(struct ctx *c, struct core *core, const struct core_event *ev);
void ctx_release(struct ctx *c);
/* Write queued messages to the outbox (inside the open transaction). */
enum ch_status ctx_write_outbox(struct ctx *c, int64_t *reply_id);

/* Zone to show times to a person in. */
const char *ctx_person_zone(const struct ctx *c, const struct person *p);

/* --- saying things (ctx.c) ----------------------------------------- */
/* Text markers resolved per platform when the message is delivered. */
const char *ctx_mark_person(struct ctx *c, int64_t person_id);
const char *ctx_mark_channel(struct ctx *c, int64_t campaign_id);
const char *ctx_mark_time(struct ctx *c, int64_t utc_ms);
/* A duration in words ("2d 4h"; the sign is dropped), from the arena. */
const char *ctx_duration(struct ctx *c, int64_t ms);
/* The names of the bits set in mask (bit i: names[i], i < n), joined by
 * sep: "mon,thu", "product clearly visible; engagement potential". */
const char *ctx_bits_text(struct ctx *c, unsigned mask,
                          const char *const *names, size_t n,
                          const char *sep);
/* A time in a person's own zone, for DMs and replies. */
const char *ctx_time_for(struct ctx *c, const struct person *p, int64_t utc_ms);
const char *ctx_time_for_caller(struct ctx *c, int64_t utc_ms);
/* How a command is typed where the event came from ("/campaign ",
 * or "/" where each command is its own slash command). */
const char *ctx_command_lead(const struct ctx *c);
/* For a reader, or (reader NULL: a channel) a marker each platform
 * renders. */
const char *ctx_time_reader(struct ctx *c, const struct person *reader,
                            int64_t utc_ms);
/* Serialize buttons for the outbox. */
const char *ctx_buttons_encode(struct ctx *c, const struct out_button *b,
                               size_t n);

void ctx_reply(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
struct pending *ctx_post(struct ctx *c, int64_t campaign_id,
                         const char *buttons, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A post to a platform channel that is no campaign's (a brand's alert
 * channel); nothing when that platform is not running. */
void ctx_post_channel(struct ctx *c, const char *platform,
                      const char *channel, const char *buttons,
                      const char *text);
/* A direct message (DM_NORMAL), an urgent one, a piece of news. */
void ctx_dm(struct ctx *c, int64_t person_id, const char *buttons,
            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ctx_dm_urgent(struct ctx *c, int64_t person_id, const char *buttons,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A direct message to one identity of a person (platform, user id),
 * whichever platform she prefers: what was done in that identity's name
 * elsewhere (a link).  Sent at once. */
void ctx_dm_identity(struct ctx *c, int64_t person_id, const char *platform,
                     const char *user_id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void ctx_dm_news(struct ctx *c, int64_t person_id, const char *buttons,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* DM every current participant whose role is in role_mask, except skip. */
void ctx_dm_roles(struct ctx *c, int64_t campaign_id, unsigned role_mask,
                  int64_t skip, const char *buttons, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void ctx_dm_roles_as(struct ctx *c, enum dm_urgency urgency,
                     int64_t campaign_id, unsigned role_mask, int64_t skip,
                     const char *buttons, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void ctx_queue(struct ctx *c, enum out_kind kind, int64_t campaign_id,
               int64_t person_id, const char *text);
/* Replace the text of a message row on its platform. */
struct pending *ctx_queue_update(struct ctx *c, const char *platform,
                                 int64_t ref_id, const char *text);

/* Audit line for the unit of work's campaign (0: none). */
void ctx_audit(struct ctx *c, int64_t campaign_id, const char *subject,
               const char *action, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* --- people (people.c) -------------------------------------------------- */
/* Find or create the person behind a platform identity. */
enum ch_status people_for_identity(struct ctx *c, const char *platform,
                                   const char *user_id, const char *name_hint,
                                   struct person *out);
bool people_is_admin(const struct ctx *c, const char *platform,
                     const char *user_id);
/* The person behind an admin of the settings ("platform:user_id"), if
 * they have spoken to chorus. */
enum ch_status people_of_admin(struct ctx *c, const char *ref,
                               struct person *out);
/* Who may grant a campaign role (one ROLE_* bit) to someone else: 0 when
 * a caller holding `have` may (their role in the campaign, ROLE_ADMIN for
 * an admin, ROLE_BRAND too when they lead the campaign's brand anywhere),
 * else the roles one of which is needed.  Nobody grants a role above
 * their own; the brand role comes from the brand or an admin. */
unsigned people_grant_needs(unsigned have, unsigned role);
/* Whether news (submissions to review, answered questions) waits for the
 * person's morning digest: as they chose (chosen >= 0), else for those
 * who review -- coordinators and brand leads -- unless the workspace
 * says no (news_digest). */
bool people_news_digest(struct ctx *c, int64_t person_id, int chosen);

/* --- campaigns (campaign.c) --------------------------------------------- */
/* "spring-launch#3" */
const char *campaign_deliv_ref(struct ctx *c, const struct deliverable *d);
/* An amount in cents with its currency, as fees are written: "500.00
 * EUR". */
const char *campaign_money(struct ctx *c, int64_t cents,
                           const char *currency);
/* A deliverable's state in words for any reader ("waiting for changes",
 * "awaiting brand approval"): never a raw state name. */
const char *campaign_deliv_words(const struct deliverable *d);
/* The window's dates, the same for every reader: "Tue 1 Dec – Thu 31
 * Dec", with the year when either end needs it (when_format's rule). */
const char *campaign_window_text(struct ctx *c, const struct campaign *cp);
/* Rebuild the pinned status message and queue its update. */
void        campaign_refresh_status(struct ctx *c, const struct campaign *cp);
/* The pinned status's longest text once rendered (with "Status: "): it
 * is edited in place, so it must fit the smallest platform's message
 * (Discord, 2 000 characters; Slack 4 000). */
#define STATUS_PIN_MAX 1900
#define STATUS_MORE_ROOM 120   /* kept for "… and N more" and what follows */
/* A `status` reply may be split by the adapter, but not without end
 * (Discord sends at most 10 parts): past this, it is summarised too. */
#define STATUS_REPLY_MAX 15000
/* The status text of a campaign for a reader (NULL: channel, markers;
 * summarised when the full text would pass STATUS_PIN_MAX). */
void        campaign_status_text(struct ctx *c, const struct campaign *cp,
                                 const struct person *reader, struct buf *out);
void        brief_render(struct ctx *c, const struct campaign *cp,
                         const struct brief *b, struct buf *out);
/* Load the current brief of a campaign. */
enum ch_status brief_current(struct ctx *c, const struct campaign *cp,
                             struct brief *b);

/* --- secret web links (cmd_feed.c) ------------------------------------- */
/* A new secret for the caller's link of a kind ("calendar", "export"):
 * 32 random bytes as 64 hex digits in token; only its SHA-256 is stored,
 * replacing her earlier one of that kind (whose links stop working).
 * Refused, naming the kind, when the web server is off. */
enum ch_status cmd_feed_link_new(struct ctx *c, const char *kind,
                                 char token[65]);
/* Scorecards (cmd_view.c): whether the caller may see who's -- her own;
 * a coordinator's, agency's or brand lead's of a campaign who is in; an
 * admin's -- and its text, each figure with its count. */
bool        cmd_view_may_score(struct ctx *c, const struct person *who);
void        cmd_view_scorecard_text(struct ctx *c, const struct person *who,
                                    struct buf *out);

/* The attached adapter of a platform, or NULL (core.c). */
struct adapter *core_adapter(struct core *core, const char *platform);

#endif
