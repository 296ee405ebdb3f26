/*
 * notify: messages to the service manager, sd_notify(3)'s protocol.
 *
 * systemd (Type=notify) passes $NOTIFY_SOCKET, an AF_UNIX datagram socket
 * ("/run/systemd/notify", or "@name" in the abstract namespace); each
 * datagram is newline-separated assignments: READY=1, STATUS=<text a
 * person reads in `systemctl status`>, WATCHDOG=1, RELOADING=1,
 * STOPPING=1.  Written from the documented protocol rather than linked
 * from libsystemd: one socket and one sendto() do not need a library, and
 * the same binary runs where there is no systemd.
 *
 * Without $NOTIFY_SOCKET, notify_new() returns NULL and every call is a
 * no-op, so callers never check.  Single-threaded (the loop's).
 * Ownership: notify_new()/notify_free().
 */
#ifndef CHORUS_NOTIFY_H
#define CHORUS_NOTIFY_H

#include <stdint.h>

struct notify;

/* From $NOTIFY_SOCKET; NULL when it is unset, empty or unusable (logged). */
struct notify *notify_new(void);
void           notify_free(struct notify *n);

/* Send one datagram (printf format; lines separated by '\n').  A failure
 * is logged once and otherwise ignored: the daemon's work goes on. */
void notify_send(struct notify *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* How often to send WATCHDOG=1, in ms: half of $WATCHDOG_USEC when it is
 * set for this process ($WATCHDOG_PID unset or ours), else 0. */
int64_t notify_watchdog_interval_ms(void);

#endif
