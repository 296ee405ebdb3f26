/*
 * daemon: one process, one loop, one core, its adapters.
 *
 * Wiring: adapters feed events to the core; after every event and every
 * tick the daemon flushes the outbox and re-arms its single timer for
 * core_next_due().  Signals are loop events: SIGTERM and SIGINT stop
 * taking input, drain the outbox and exit; SIGHUP reloads the
 * configuration, keeping the old one when the new one has errors.
 * Under systemd (notify.h) `run` says READY=1 once every platform is
 * connected, keeps STATUS= current and pings the watchdog from the loop.
 */
#ifndef CHORUS_DAEMON_H
#define CHORUS_DAEMON_H

#include <stdbool.h>

struct daemon_options {
    const char *config_path;   /* NULL: the embedded default */
    const char *db_path;       /* NULL: from the config, else XDG state */
    const char *now;           /* console: start a simulated clock here */
    bool        verbose;       /* log at debug level */
    bool        empty;         /* console: no demo workspace */
};

struct config;
struct loop;
struct ws_ctx;
struct core;

/*
 * Hooks for programs built on `chorus run` (chorus demo): prepare runs
 * once the loop and transport exist and before any platform is built (it
 * may start simulators and adjust the configuration and environment);
 * started runs once the platforms are started; closing runs when the
 * daemon stops, before the transport is torn down (free what uses it).
 * The daemon's own stop is requested with daemon_stop().
 */
struct daemon;
struct daemon_hooks {
    int  (*prepare)(void *arg, struct loop *loop, struct ws_ctx *ws,
                    struct config *cfg);
    void (*started)(void *arg, struct daemon *d, struct core *core);
    void (*closing)(void *arg);
    void  *arg;
};

/* Each returns the process exit status: for run, EX_CONFIG (78) when the
 * configuration or a secret is wrong, EX_NOPERM (77) when a platform
 * refused the token (sysexits.h; the unit's RestartPreventExitStatus=). */
int  daemon_console(const struct daemon_options *opt);
int  daemon_run(const struct daemon_options *opt);
int  daemon_run_with(const struct daemon_options *opt,
                     const struct daemon_hooks *hooks);
void daemon_stop(struct daemon *d, const char *why);
int  daemon_check_config(const char *path);
/* `chorus backup`: a live copy of the database opt names to target. */
int  daemon_backup(const struct daemon_options *opt, const char *target);

#endif
