/*
 * event: what an adapter tells the core (the one inbound entry point,
 * core_handle_event()).
 *
 * Ownership: every string is borrowed for the duration of the call.
 * Text arrives as the platform delivered it, with mentions normalised by
 * the adapter to <@USERID> (or <@USERID|name>) and channel mentions to
 * <#CHANNELID>, the forms Slack and Discord already share.
 */
#ifndef CHORUS_EVENT_H
#define CHORUS_EVENT_H

#include <stdint.h>

enum core_event_kind {
    CORE_EV_COMMAND,    /* a slash command, a button press, a modal:
                           text is the command line without "/campaign" */
    CORE_EV_DM,         /* a direct message to the bot */
    CORE_EV_MESSAGE,    /* a message in a channel that mentions the bot */
    CORE_EV_USER_INFO,  /* the answer to an OUT_LOOKUP */
};

struct core_event {
    enum core_event_kind kind;
    const char *platform;     /* the adapter's name */
    const char *event_id;     /* the platform's unique id, for dedupe; may be
                                 NULL when the platform has none */
    const char *user_id;      /* who acted (platform identity) */
    const char *user_name;    /* their display name, if known */
    const char *channel_id;   /* where; NULL in a direct message */
    const char *text;
    const char *via_message;  /* a button press: the platform reference of
                                 the message the button was on */
    const char *tz;           /* CORE_EV_USER_INFO: their IANA zone */
};

struct out_msg;

/*
 * What core_handle_event() hands back.  The reply to the event, and the
 * edit of the message whose button was pressed (via_message), come back
 * in-band: already written to the outbox in the event's transaction,
 * rendered for the event's platform, and held out of every flush, so a
 * platform that must answer inside its own event handling (Slack's ack,
 * Discord's interaction callback) never waits behind the outbox.  For
 * each one that is not NULL the adapter calls core_delivered() exactly
 * once: CH_OK when it carried it, CH_BUSY to hand it back to the outbox
 * (it is then delivered like any other row).  An adapter with no in-band
 * path of its own passes them on with core_deliver_result().
 * The messages are the core's, valid until its next call other than
 * core_delivered().
 */
struct core_result {
    int                   status;    /* enum ch_status of the command */
    int64_t               reply_id;  /* outbox id of the reply, 0 if none */
    const struct out_msg *reply;     /* in-band reply, or NULL */
    const struct out_msg *update;    /* in-band edit of via_message, or NULL */
};

#endif
