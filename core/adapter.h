/*
 * adapter: the one interface between chorus and a chat platform.
 *
 * Every platform (console, Slack, Discord) is one struct adapter whose
 * first member points at one const struct adapter_ops.  The core checks
 * the table's version at core_attach() and calls it only through the
 * adapter_*() wrappers below, never a->ops->x: a slot left NULL gets a
 * default there, so no caller tests for NULL.
 *
 * Outbound.  Everything the core says was first written to the outbox
 * table.  The core hands each pending row to its platform with
 * adapter_deliver(); the message kind says what it is.  Delivery is
 * asynchronous and the adapter reports the outcome with core_delivered()
 * (core.h), exactly once per CH_OK:
 *   CH_OK           accepted; core_delivered() follows
 *   CH_BUSY         not now (not connected, stopping): offered again later
 *   CH_UNSUPPORTED  the platform has no such thing (pins, topics): the row
 *                   is marked sent, nothing is lost
 *   other           refused for good; the row is marked failed
 * The reply to an event is handed back by core_handle_event() itself
 * (struct core_result), rendered for the event's platform, so a platform
 * that must answer in-band (Slack's ack, Discord's interaction callback)
 * never waits for, or intercepts, a flush.
 *
 * Inbound, an adapter turns platform events into struct core_event and
 * calls core_handle_event(), the one entry point.
 *
 * Campaign channels are a core concept: the core names them by campaign
 * (slug) and the adapter maps them to platform channels, reporting the
 * platform id it created through core_delivered().
 *
 * Lifecycle, one rule for every platform: the platform's own *_new()
 * creates it from a small options struct (which it copies: nothing of
 * the caller's is kept), start() begins, stop() finishes politely and
 * then calls done(), free() releases.  free() without stop() is allowed
 * once the loop has ended (the daemon's teardown after a failed start).
 *
 * Ownership: the adapter owns itself; the core borrows it from
 * core_attach() until core_detach().  struct out_msg and everything it
 * points to are borrowed for the duration of the call only.
 * Versioning: fields are only ever appended to adapter_ops, and a new
 * field raises ADAPTER_OPS_VERSION.
 */
#ifndef CHORUS_ADAPTER_H
#define CHORUS_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "status.h"

struct adapter;
struct buf;

enum out_kind {
    OUT_REPLY,           /* to the user who spoke, where they spoke */
    OUT_POST,            /* to a campaign channel */
    OUT_DM,              /* direct message to a person */
    OUT_UPDATE,          /* replace the text of an earlier message */
    OUT_CREATE_CHANNEL,  /* create the campaign's channel */
    OUT_INVITE,          /* add a person to the campaign's channel */
    OUT_PIN,             /* pin an earlier message */
    OUT_TOPIC,           /* set the channel topic */
    OUT_LOOKUP,          /* look up a user's profile (name, time zone) */
    OUT_ARCHIVE,         /* archive the campaign's channel (Slack), or make
                            it read-only (Discord): the campaign closed */
    OUT_KIND_COUNT
};
extern const char *const adapter_kind_names[];

/* A button is a pre-filled command: pressing it runs `command` as the
 * presser, through the same parser and permission checks as typed text.
 * When prompt is set the platform first asks for text (a modal) and
 * appends the answer to the command.  A prompt with rubric set also asks
 * which of the three rubric points failed (ADAPTER_RUBRIC, each one a
 * box to tick or an option to pick) and puts the ones chosen before the
 * text: "<command> fail:visible,engagement <text>". */
struct out_button {
    const char *label;
    const char *command;
    const char *style;    /* "primary", "danger" or NULL */
    const char *prompt;   /* e.g. "What needs to change?" or NULL */
    bool        rubric;   /* with prompt: ask for the failed points too */
    bool        optional; /* with prompt: the text may be left empty (the
                             command then runs as it is) */
    unsigned    row;      /* buttons are laid out in rows: a button whose
                             row differs from the one before starts a new
                             one, and so does a sixth in a row (at most
                             OUT_MAX_ROWS rows; adapters leave out the
                             buttons past the last) */
};

/* The rubric points a form offers: the word the command takes, and the
 * label the reader sees. */
struct adapter_rubric_point {
    const char *word;
    const char *label;
};
#define ADAPTER_RUBRIC_POINTS 3
extern const struct adapter_rubric_point
    adapter_rubric[ADAPTER_RUBRIC_POINTS];

#define OUT_MAX_BUTTONS 15
#define OUT_MAX_ROWS 5          /* and at most 5 buttons in a row */

struct out_msg {
    int64_t                  id;            /* outbox id for core_delivered */
    enum out_kind            kind;
    const char              *campaign;      /* slug, when about a campaign */
    const char              *channel;       /* platform channel id; NULL for a
                                               DM or a reply in a DM */
    const char *channel_name; /* OUT_CREATE_CHANNEL: wanted name */
    const char              *user;          /* platform user id (reply, dm,
                                               invite, lookup) */
    const char              *ref;           /* platform id of the message to
                                               update or pin */
    const char              *text;          /* rendered for this platform */
    const struct out_button *buttons;
    size_t                   nbuttons;
    int                      private_channel; /* OUT_CREATE_CHANNEL */
};

/* What a platform can do, for the core's choices and wording. */
enum {
    ADAPTER_CAP_BUTTONS = 1u << 0,
    ADAPTER_CAP_EPHEMERAL = 1u << 1,
    ADAPTER_CAP_PIN = 1u << 2,
    ADAPTER_CAP_LOCAL_TIME = 1u << 3,  /* renders times in each reader's zone */
    ADAPTER_CAP_PROFILES = 1u << 4,    /* OUT_LOOKUP finds name and zone */
};

#define ADAPTER_OPS_VERSION 6

struct adapter_ops {
    unsigned    version;     /* ADAPTER_OPS_VERSION; core_attach checks it */
    const char *name; /* the platform, as events and outbox rows name it */
    unsigned    caps;
    /* Hand over one outbox row (see the top of this file). */
    enum ch_status (*deliver)(struct adapter *, const struct out_msg *);
    /*
     * Synchronous directory lookup of a name someone typed ("bob"):
     * write the platform user id to out and return CH_OK, or CH_NOT_FOUND
     * (the default: people are mentioned, not named).
     */
    enum ch_status (*find_user)(struct adapter *, const char *name,
                                struct buf *out);
    /* Rendering of the core's markers in message text; defaults: "@name",
     * "#slug" and a UTC time. */
    void (*render_person)(struct adapter *, const char *user_id,
                          const char *name, struct buf *out);
    void (*render_channel)(struct adapter *, const char *channel_id,
                           const char *slug, struct buf *out);
    void (*render_time)(struct adapter *, int64_t utc_ms, struct buf *out);
    /* Lifecycle (see the top of this file).  start: 0, or -1 when the
     * platform cannot run.  stop: take no more events, give deliveries in
     * flight until deadline_ms (loop time), close, then call done(arg)
     * once, from the loop. */
    int  (*start)(struct adapter *);
    void (*stop)(struct adapter *, int64_t deadline_ms,
                 void (*done)(void *arg), void *arg);
    void (*free)(struct adapter *);
    /* v6: how a command is typed here, before its name, as usage lines
     * and help show it: "/" where each command is its own slash command;
     * NULL: "/campaign ". */
    const char *command_lead;
};

/* Every adapter struct embeds this header first (container_of style). */
struct adapter {
    const struct adapter_ops *ops;
};

/* Is the table one this build can call?  CH_OK, or CH_INVALID with the
 * reason in err. */
enum ch_status adapter_check(const struct adapter *a, struct ch_error *err);

/* The wrappers; NULL slots get the defaults. */
enum ch_status adapter_deliver(struct adapter *a, const struct out_msg *m);
enum ch_status adapter_find_user(struct adapter *a, const char *name,
                                 struct buf *out);
void adapter_render_person(struct adapter *a, const char *user_id,
                           const char *name, struct buf *out);
void adapter_render_channel(struct adapter *a, const char *channel_id,
                            const char *slug, struct buf *out);
void adapter_render_time(struct adapter *a, int64_t utc_ms, struct buf *out);
const char *adapter_name(const struct adapter *a);
const char *adapter_command_lead(const struct adapter *a);
unsigned    adapter_caps(const struct adapter *a);
int  adapter_start(struct adapter *a);
/* done(arg) is called at once for a platform without a stop slot. */
void adapter_stop(struct adapter *a, int64_t deadline_ms,
                  void (*done)(void *arg), void *arg);
/* NULL is a no-op. */
void adapter_free(struct adapter *a);

#endif
