/*
 * discord: the Discord adapter (Gateway v10 over libwebsockets, REST v10
 * over libcurl).
 *
 * Module map:
 *   discord.c           adapter ops (core/adapter.h), start-up and the
 *                       guild, lifecycle
 *   discord_interactions.c  interactions and their 3-second window (the
 *                       core's in-band answer on the callback), the queue
 *                       of inbound events
 *   discord_jobs.c      outbound deliveries as jobs of REST calls, and
 *                       the message bodies they send (parts, buttons)
 *   discord_gateway.c   Hello, heartbeats and zombie detection,
 *                       Identify/Resume, the close-code table, the send
 *                       limit, reconnect backoff
 *   discord_events.c    the dispatch table: gateway events -> core events
 *   discord_rest.c      REST on the shared outbound queue (outq): routes
 *                       and their lanes, rate-limit buckets learned from
 *                       the headers, the global limit and 429s as the
 *                       queue's gate, the table of what each status means
 *   discord_commands.c  a chat command per chorus command, generated from
 *                       the core's command table within Discord's limits;
 *                       interaction options -> command line
 * Shared transport: adapters/runtime (ws, http, outq, backoff, ratewin).
 *
 * The bot token comes from the daemon (bot/platforms.c), which loads it;
 * discord_new() copies it and wipes its copy on free.
 */
#ifndef CHORUS_DISCORD_H
#define CHORUS_DISCORD_H

#include <stdbool.h>
#include <stdint.h>

#include "adapter_env.h"
#include "adapter.h"

/*
 * The adapter's own protocol waits, in milliseconds; 0 keeps Discord's
 * (in brackets), at most 10 minutes.  The heartbeat interval is not here:
 * it comes from the gateway's Hello.  Tests shorten these
 * (CHORUS_DISCORD_*_MS, bot/platforms.c) so that a reconnect does not
 * cost real seconds.
 */
struct discord_timing {
    int64_t hello_timeout_ms;    /* [20000] connected, no Hello: again */
    int64_t ready_timeout_ms;    /* [15000] Identify or Resume sent, no
                                    READY or RESUMED: again */
    int64_t identify_spacing_ms; /* [5000] between two Identifies */
    int64_t backoff_ms;          /* [1000] the first step of the reconnect
                                    backoff (doubling up to 60 s) */
    int64_t quick_retry_ms;      /* [250] the first reconnect after a
                                    healthy connection waits up to this */
    int64_t stable_ms;           /* [1000] a connection up this long after
                                    READY or RESUMED was healthy */
    int64_t invalid_session_ms;  /* [1000] op 9 false: Identify anew after
                                    this to five times this */
    int64_t defer_ms;            /* [1500] an interaction unanswered this
                                    long is deferred */
};

struct discord_options {
    const char *token;            /* the bot token itself */
    const char *api_url;          /* NULL: https://discord.com/api */
    const char *guild;            /* snowflake: commands show there at once;
                                     NULL: global commands */
    const char *application_id;   /* NULL: read from the API at start */
    bool        message_content;  /* the privileged MESSAGE_CONTENT intent */
    struct discord_timing timing;
};

/* A Discord adapter (not yet started), or NULL with the reason in err. */
struct adapter *discord_new(const struct discord_options *opt,
                            const struct adapter_env *env,
                            struct ch_error *err);

#endif
