/*
 * discord: the Discord adapter (Gateway v10 over libwebsockets, REST v10
 * over libcurl), as a platform of the daemon (bot/platform.h).
 *
 * Module map (c-style.md section 4):
 *   discord.c           adapter ops (core/adapter.h), interactions and
 *                       their 3-second window, lifecycle, platform_ops
 *   discord_gateway.c   Hello, heartbeats and zombie detection,
 *                       Identify/Resume, the close-code table, the send
 *                       limit, reconnect backoff
 *   discord_events.c    the dispatch table: gateway events -> core events
 *   discord_rest.c      REST routes, rate-limit buckets learned from the
 *                       headers, the global limit, 429, retries
 *   discord_commands.c  the `campaign` command generated from the core's
 *                       command table; interaction options -> command line
 * Shared transport: adapters/common (ws, http, backoff, ratewin).
 */
#ifndef CHORUS_DISCORD_H
#define CHORUS_DISCORD_H

#include "bot/platform.h"

extern const struct platform_ops discord_platform;

#endif
