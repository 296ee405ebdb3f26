/*
 * slack: the Slack adapter (Socket Mode over libwebsockets, the Web API
 * over libcurl).
 *
 * Module map:
 *   slack.c          adapter ops (core/adapter.h), rendering of people,
 *                    channels and times, lifecycle
 *   slack_socket.c   apps.connections.open, hello, acks, ping/pong and the
 *                    stale rule, the disconnect-reason table (refresh:
 *                    new socket first; too_many_websockets: old first;
 *                    link_disabled: minutes), backoff with jitter
 *   slack_events.c   the envelope-type and event-type tables: frames ->
 *                    core events, with dedupe ids; the slash-command
 *                    reply carried by the ack
 *   slack_api.c      the Web API client on the shared outbound queue
 *                    (outq): the method table, a lane per conversation
 *                    (order, ~1 message per second per channel), a 429
 *                    blocking its method (the queue's gate), the status
 *                    and error tables; outbox rows -> calls
 *   slack_blocks.c   message text (escaping, Slack's own mention and date
 *                    syntax), Block Kit buttons, the modal for a button
 *                    that asks for text
 * Shared transport: adapters/runtime (ws, http, outq, backoff, ratewin).
 *
 * Tokens: the app-level token (xapp-, scope connections:write) opens
 * sockets; the bot token (xoxb-) makes every Web API call.  The daemon
 * loads both (bot/platforms.c) and passes them in; slack_new() copies
 * them and wipes its copies on free.  No token is ever logged.
 */
#ifndef CHORUS_SLACK_H
#define CHORUS_SLACK_H

#include <stdint.h>

#include "adapter_env.h"
#include "adapter.h"

struct slack_options {
    const char *app_token;   /* the secret itself, xapp-... */
    const char *bot_token;   /* xoxb-... */
    const char *api_url;     /* NULL: https://slack.com/api */
    int64_t     ping_ms;     /* 0: the default (5 s); tests shorten it and
                                the liveness limits follow */
};

/* A Slack adapter (not yet started), or NULL with the reason in err. */
struct adapter *slack_new(const struct slack_options *opt,
                          const struct adapter_env *env,
                          struct ch_error *err);

#endif
