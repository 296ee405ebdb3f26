/*
 * platform: how a chat platform's adapter lives in the daemon.
 *
 * The core sees only struct adapter (core/adapter.h).  The daemon also
 * needs to know whether a platform is wanted, how to build it from the
 * configuration, how to start it, and how to stop it politely (finish
 * what is in flight, close the socket) before the process exits.  Each
 * platform exports one struct platform_ops; bot/daemon.c lists them.
 *
 * Ownership: create() returns an adapter owned by the daemon, released
 * with free() after stop() has called its done() (or after the loop has
 * ended).  The environment is borrowed and outlives the adapter.
 */
#ifndef CHORUS_PLATFORM_H
#define CHORUS_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/status.h"

struct adapter;
struct config;
struct core;
struct http;
struct loop;
struct ws_ctx;

struct platform_env {
    struct loop         *loop;
    struct ws_ctx       *ws;      /* the process's one lws context */
    struct http         *http;    /* the process's one curl multi */
    struct core         *core;
    const struct config *cfg;
    /* After handing an event to the core: the daemon flushes the outbox
     * and re-arms its timer (on the next loop iteration). */
    void               (*kick)(void *arg);
    /* The platform cannot go on (revoked token, fatal close code): the
     * daemon logs why, stops, and exits non-zero. */
    void               (*fatal)(void *arg, const char *platform,
                                const char *why);
    void                *arg;
};

struct platform_ops {
    const char *name;
    /* Enabled in the configuration, or its tokens are in the environment. */
    bool            (*wanted)(const struct config *cfg);
    struct adapter *(*create)(const struct platform_env *env,
                              struct ch_error *err);
    int             (*start)(struct adapter *a);
    /* Stop taking events, give in-flight deliveries until deadline_ms
     * (loop time), close, then call done(arg) once. */
    void            (*stop)(struct adapter *a, int64_t deadline_ms,
                            void (*done)(void *arg), void *arg);
    void            (*free)(struct adapter *a);
};

#endif
