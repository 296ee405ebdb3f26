/*
 * status: one result enum for the whole program, one strerror.
 *
 * The numbers are stable (they reach logs and the outbox's last_error) and
 * CH_STATUS_LAST ends the list; a unit test checks every value has a name.
 * A status says what happened to the machine; the human-readable detail
 * travels separately (struct ch_error), split into what the chat user is
 * told and what only the log sees.  Neither ever holds a token.
 */
#ifndef CHORUS_STATUS_H
#define CHORUS_STATUS_H

#include <stddef.h>

enum ch_status {
    CH_OK = 0,
    CH_DUPLICATE = 1,   /* the event was applied before; nothing done */
    CH_NOT_FOUND = 2,   /* an unknown campaign, deliverable, person... */
    CH_DENIED = 3,      /* the caller's role may not do this */
    CH_INVALID = 4,     /* malformed or missing input */
    CH_CONFLICT = 5,    /* valid input, but the state does not allow it */
    CH_BUSY = 6,        /* retry later (database busy, rate limited) */
    CH_REMOTE_4XX = 7,  /* the platform refused the request */
    CH_REMOTE_5XX = 8,  /* the platform failed; retry with backoff */
    CH_IO = 9,          /* local I/O or network failure */
    CH_INTERNAL = 10,   /* a bug or an invariant broken */
    CH_UNSUPPORTED = 11,/* the platform cannot do this; nothing to do */
    CH_STATUS_LAST
};

const char *ch_strerror(enum ch_status status);

#define CH_ERROR_TEXT 1024

struct ch_error {
    enum ch_status status;
    char           user[CH_ERROR_TEXT];   /* safe to show in chat */
};

/* Set e (when not NULL) and return status, so callers can write
 * `return ch_fail(e, CH_INVALID, "...")`. */
enum ch_status ch_fail(struct ch_error *e, enum ch_status status,
                       const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
