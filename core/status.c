#include "status.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const status_names[CH_STATUS_LAST] = {
    [CH_OK] = "ok",
    [CH_DUPLICATE] = "already applied",
    [CH_NOT_FOUND] = "not found",
    [CH_DENIED] = "not permitted",
    [CH_INVALID] = "invalid input",
    [CH_CONFLICT] = "not possible in the current state",
    [CH_BUSY] = "busy, retry later",
    [CH_REMOTE_4XX] = "refused by the platform",
    [CH_REMOTE_5XX] = "platform error",
    [CH_IO] = "input/output error",
    [CH_INTERNAL] = "internal error",
    [CH_UNSUPPORTED] = "not supported by the platform",
};

const char *
ch_strerror(enum ch_status status)
{
    if ((unsigned)status >= CH_STATUS_LAST || status_names[status] == NULL)
        return "unknown status";
    return status_names[status];
}

enum ch_status
ch_fail(struct ch_error *e, enum ch_status status, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        e->status = status;
        vsnprintf(e->user, sizeof(e->user), fmt, ap);
        va_end(ap);
    }
    return status;
}
