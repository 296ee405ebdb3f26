/*
 * bench_rss_floor: the resident memory of the libraries alone.
 *
 * Sets up what every chorus daemon sets up before it does any work (the
 * libuv loop, libwebsockets with TLS, curl's multi handle, an SQLite
 * database) and prints VmRSS, split into anonymous memory and mapped
 * files, from /proc/self/status; then reads a holiday calendar, which
 * loads libical and ICU (core/holidays.c loads them on first use).  The
 * daemon's figures in bench_slack and bench_discord are best read against
 * this floor: most of a small C daemon's resident set is shared library
 * pages (OpenSSL, and curl's own dependencies), which no code here can
 * shrink.
 *
 *   build-rel/bench/bench_rss_floor
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "ws.h"
#include "loop.h"
#include "holidays.h"
#include "status.h"
#include "store.h"
#include "proc.h"

static void
print_status(const char *when)
{
    pid_t self = getpid();
    printf("%-34s VmRSS %5.1f MB  (anonymous %4.1f MB, mapped files "
           "%4.1f MB)\n", when, proc_status_kib(self, "VmRSS") / 1024.0,
           proc_status_kib(self, "RssAnon") / 1024.0,
           proc_status_kib(self, "RssFile") / 1024.0);
}

int
main(void)
{
    print_status("started (libraries mapped)");
    struct loop *loop = loop_new();
    struct ws_ctx *ws = ws_ctx_new(loop, NULL);
    struct http *http = http_new(loop, NULL);
    struct store *st = NULL;
    store_open(":memory:", &st, NULL);
    print_status("loop, TLS, curl, SQLite");

    char path[] = "/tmp/chorus-floor-XXXXXX";
    int fd = mkstemp(path);
    static const char ics[] =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//chorus//bench//EN\r\n"
        "BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\n"
        "SUMMARY:Christmas\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n";
    struct ch_error err = { 0 };
    if (fd < 0 || write(fd, ics, sizeof(ics) - 1) != (ssize_t)sizeof(ics) - 1 ||
        holidays_check_file(path, NULL, &err) != CH_OK)
        fprintf(stderr, "bench_rss_floor: the calendar was not read: %s\n",
                err.user);
    if (fd >= 0) {
        close(fd);
        unlink(path);
    }
    print_status("and a holiday calendar (libical)");
    store_close(st);
    http_free(http);
    ws_ctx_shutdown(ws);
    loop_stop(loop);
    loop_run(loop);
    ws_ctx_free(ws);
    loop_free(loop);
    return 0;
}
