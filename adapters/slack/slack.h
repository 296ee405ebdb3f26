/*
 * slack: the Slack adapter (Socket Mode over libwebsockets, the Web API
 * over libcurl), as a platform of the daemon (bot/platform.h).
 *
 * Module map (c-style.md section 4):
 *   slack.c          adapter ops (core/adapter.h), rendering of people,
 *                    channels and times, lifecycle, platform_ops
 *   slack_socket.c   apps.connections.open, hello, acks, ping/pong and the
 *                    stale rule, the disconnect-reason table (refresh:
 *                    new socket first; too_many_websockets: old first;
 *                    link_disabled: minutes), backoff with jitter
 *   slack_events.c   the envelope-type and event-type tables: frames ->
 *                    core events, with dedupe ids; the slash-command
 *                    reply carried by the ack
 *   slack_api.c      the Web API client: the method table, one FIFO lane
 *                    per channel (order, ~1 message per second per
 *                    channel), Retry-After per method, retries with
 *                    backoff, the error table; outbox rows -> calls
 *   slack_blocks.c   message text (escaping, Slack's own mention and date
 *                    syntax), Block Kit buttons, the modal for a button
 *                    that asks for text
 * Shared transport: adapters/common (ws, http, backoff, ratewin).
 *
 * Tokens: the app-level token (xapp-, scope connections:write) opens
 * sockets; the bot token (xoxb-) makes every Web API call.  Both come
 * from config_secret_load() (default env:SLACK_APP_TOKEN and
 * env:SLACK_BOT_TOKEN); the API base is SLACK_API_URL, else the
 * configuration's slack_api_url.  No token is ever logged.
 */
#ifndef CHORUS_SLACK_H
#define CHORUS_SLACK_H

#include "bot/platform.h"

extern const struct platform_ops slack_platform;

#endif
