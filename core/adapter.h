/*
 * adapter: the one interface between the core and a chat platform.
 *
 * Outbound, the core calls an adapter through this small table of
 * function pointers, always via the adapter_*() wrappers below, never
 * a->ops->x directly: a slot left NULL gets a default there (a platform
 * without pins or topics just skips them), so core code never tests for
 * NULL.  Every message the core sends was first written to the outbox
 * table; the core hands each pending row to its platform's adapter with
 * one of these calls and the adapter reports the outcome later with
 * core_delivered() (see core.h).  Delivery calls are asynchronous:
 *   CH_OK        accepted; core_delivered() follows exactly once
 *   CH_BUSY      not now (not connected, queue full): offered again later
 *   CH_UNSUPPORTED  the platform has no such thing (pins, topics): the
 *                row is marked sent, nothing is lost
 *   other        refused for good; the row is marked failed
 * Inbound, an adapter turns platform events into struct core_event and
 * calls core_handle_event() (the one entry point).
 *
 * Campaign channels are a core concept: the core names them by campaign
 * (slug) and the adapter maps them to platform channels, reporting the
 * platform id it created through core_delivered().
 *
 * Ownership: the adapter owns itself; the core borrows it from
 * core_attach() until core_detach().  struct out_msg and everything it
 * points to are borrowed for the duration of the call only.
 * Versioning: fields are only ever appended to adapter_ops.
 */
#ifndef CHORUS_ADAPTER_H
#define CHORUS_ADAPTER_H

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
    OUT_KIND_COUNT
};
extern const char *const out_kind_names[];

/* A button is a pre-filled command: pressing it runs `command` as the
 * presser, through the same parser and permission checks as typed text.
 * When prompt is set the platform first asks for text (a modal) and
 * appends the answer to the command. */
struct out_button {
    const char *label;
    const char *command;
    const char *style;    /* "primary", "danger" or NULL */
    const char *prompt;   /* e.g. "What needs to change?" or NULL */
};

#define OUT_MAX_BUTTONS 5

struct out_msg {
    int64_t                  id;            /* outbox id for core_delivered */
    enum out_kind            kind;
    const char              *campaign;      /* slug, when about a campaign */
    const char              *channel;       /* platform channel id; NULL for a
                                               DM or a reply in a DM */
    const char              *channel_name;  /* OUT_CREATE_CHANNEL: wanted name */
    const char              *user;          /* platform user id (reply, dm,
                                               invite, lookup) */
    const char              *ref;           /* platform id of the message to
                                               update or pin */
    const char              *text;          /* rendered for this platform */
    const struct out_button *buttons;
    size_t                   nbuttons;
    int                      private_channel; /* OUT_CREATE_CHANNEL */
};

/* Capabilities, for the core's wording (e.g. "press Approve or type ..."). */
enum {
    ADAPTER_CAP_BUTTONS = 1u << 0,
    ADAPTER_CAP_EPHEMERAL = 1u << 1,
    ADAPTER_CAP_PIN = 1u << 2,
    ADAPTER_CAP_LOCAL_TIME = 1u << 3,  /* renders times in each reader's zone */
};

#define ADAPTER_OPS_V1 1

struct adapter_ops {
    unsigned    version;     /* ADAPTER_OPS_V1 */
    const char *name;        /* the platform: "slack", "discord", "console" */
    unsigned    caps;
    enum ch_status (*reply)(struct adapter *, const struct out_msg *);
    enum ch_status (*post)(struct adapter *, const struct out_msg *);
    enum ch_status (*dm)(struct adapter *, const struct out_msg *);
    enum ch_status (*update)(struct adapter *, const struct out_msg *);
    enum ch_status (*create_channel)(struct adapter *, const struct out_msg *);
    enum ch_status (*invite)(struct adapter *, const struct out_msg *);
    enum ch_status (*pin)(struct adapter *, const struct out_msg *);
    enum ch_status (*set_topic)(struct adapter *, const struct out_msg *);
    enum ch_status (*lookup_user)(struct adapter *, const struct out_msg *);
    /*
     * Synchronous directory lookup of a name someone typed ("bob"):
     * write the platform user id to out and return CH_OK, or CH_NOT_FOUND.
     * The console treats every name as a console identity.
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
};

/* Every adapter struct embeds this header first (container_of style). */
struct adapter {
    const struct adapter_ops *ops;
};

/* The wrappers the core calls; NULL slots get the defaults. */
enum ch_status adapter_deliver(struct adapter *a, const struct out_msg *m);
enum ch_status adapter_find_user(struct adapter *a, const char *name,
                                 struct buf *out);
void adapter_render_person(struct adapter *a, const char *user_id,
                           const char *name, struct buf *out);
void adapter_render_channel(struct adapter *a, const char *channel_id,
                            const char *slug, struct buf *out);
void adapter_render_time(struct adapter *a, int64_t utc_ms, struct buf *out);
const char *adapter_name(const struct adapter *a);

#endif
