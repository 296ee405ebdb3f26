/* notify: see notify.h. */
#include "notify.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

#define NOTIFY_MAX 1024     /* one STATUS line and a few flags */

struct notify {
    int                fd;
    struct sockaddr_un addr;
    socklen_t          addrlen;
    bool               warned;
};

struct notify *
notify_new(void)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (path == NULL || *path == '\0')
        return NULL;
    struct notify *n = xcalloc(1, sizeof(*n));
    size_t len = strlen(path);
    /* An absolute path, or '@' for the abstract namespace (a NUL first,
     * and the length counts exactly the name's bytes). */
    if ((path[0] != '/' && path[0] != '@') ||
        len >= sizeof(n->addr.sun_path)) {
        log_warn("notify", "NOTIFY_SOCKET is not an absolute path or an "
                 "@abstract name of at most %zu bytes; not notifying",
                 sizeof(n->addr.sun_path) - 1);
        free(n);
        return NULL;
    }
    n->addr.sun_family = AF_UNIX;
    memcpy(n->addr.sun_path, path, len);
    if (path[0] == '@')
        n->addr.sun_path[0] = '\0';
    n->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                             (path[0] == '/'));
    n->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (n->fd < 0) {
        log_warn("notify", "cannot create the notification socket: %s",
                 strerror(errno));
        free(n);
        return NULL;
    }
    return n;
}

void
notify_free(struct notify *n)
{
    if (n == NULL)
        return;
    close(n->fd);
    free(n);
}

void
notify_send(struct notify *n, const char *fmt, ...)
{
    if (n == NULL)
        return;
    char msg[NOTIFY_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if ((size_t)len >= sizeof(msg))
        len = (int)sizeof(msg) - 1;     /* a long STATUS, cut */
    ssize_t sent;
    do
        sent = sendto(n->fd, msg, (size_t)len, MSG_NOSIGNAL,
                      (const struct sockaddr *)&n->addr, n->addrlen);
    while (sent < 0 && errno == EINTR);
    if (sent < 0 && !n->warned) {
        n->warned = true;
        log_warn("notify", "cannot notify the service manager: %s",
                 strerror(errno));
    } else if (sent >= 0) {
        n->warned = false;
    }
}

int64_t
notify_watchdog_interval_ms(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (usec == NULL || *usec == '\0')
        return 0;
    if (pid && *pid) {
        char *end;
        long long p = strtoll(pid, &end, 10);
        if (*end || p != (long long)getpid())
            return 0;     /* meant for another process */
    }
    char *end;
    errno = 0;
    long long us = strtoll(usec, &end, 10);
    if (*end || errno || us <= 0) {
        log_warn("notify", "WATCHDOG_USEC=%s ignored: not a number of "
                 "microseconds", usec);
        return 0;
    }
    /* Half the period, as sd_watchdog_enabled(3) advises; at least 1 ms. */
    int64_t ms = us / 2000;
    return ms > 0 ? ms : 1;
}
