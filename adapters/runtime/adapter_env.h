/*
 * adapter_env: what the daemon lends a platform adapter at creation.
 *
 * The loop and the transport are the process's one each; the adapter
 * borrows them, and the core, for its whole life.  Everything else a
 * platform needs comes in its own options struct (slack.h, discord.h,
 * console.h), which the adapter copies: nothing of the daemon's
 * configuration is kept, so a reload can never leave an adapter holding
 * freed memory.
 */
#ifndef CHORUS_ADAPTER_ENV_H
#define CHORUS_ADAPTER_ENV_H

struct core;
struct http;
struct loop;
struct ws_ctx;

/* Why a platform cannot go on: the daemon's exit status tells the
 * service manager whether a restart could help. */
enum adapter_fatal {
    ADAPTER_FATAL_ERROR,    /* a fatal close code and the like */
    ADAPTER_FATAL_REFUSED,  /* the platform refused the token, or a
                               permission it needs: fixed only by the
                               operator */
};

struct adapter_env {
    struct loop   *loop;
    struct ws_ctx *ws;      /* the process's one lws context (may be NULL
                               for a platform without websockets) */
    struct http   *http;    /* the process's one curl multi (likewise) */
    struct core   *core;
    /* After handing the core an event: the daemon flushes the outbox and
     * re-arms its timer (on the next loop iteration). */
    void         (*kick)(void *arg);
    /* The platform cannot go on (revoked token, fatal close code): the
     * daemon logs why, stops, and exits non-zero (EX_NOPERM when
     * refused). */
    void         (*fatal)(void *arg, const char *platform,
                          enum adapter_fatal kind, const char *why);
    void          *arg;
};

#endif
