/*
 * daemon: one process, one loop, one core, its adapters.
 *
 * Wiring: adapters feed events to the core; after every event and every
 * tick the daemon flushes the outbox and re-arms its single timer for
 * core_next_due().  Signals are loop events: SIGTERM and SIGINT stop
 * taking input, drain the outbox and exit; SIGHUP reloads the
 * configuration, keeping the old one when the new one has errors.
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

/* Each returns the process exit status. */
int daemon_console(const struct daemon_options *opt);
int daemon_run(const struct daemon_options *opt);
int daemon_check_config(const char *path);

#endif
