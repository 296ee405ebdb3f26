/*
 * bench_rss_floor: the resident memory of the libraries alone.
 *
 * Sets up what every chorus daemon sets up before it does any work (the
 * libuv loop, libwebsockets with TLS, curl's multi handle, an SQLite
 * database, libical) and prints VmRSS, split into anonymous memory and
 * mapped files, from /proc/self/status.  The daemon's figures in
 * bench_slack and bench_discord are best read against this floor: most of
 * a small C daemon's resident set is shared library pages (OpenSSL, ICU
 * through libical), which no code here can shrink.
 *
 *   build-rel/bench/bench_rss_floor
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libical/ical.h>

#include "adapters/common/http.h"
#include "adapters/common/ws.h"
#include "bot/loop.h"
#include "core/store.h"
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
    icalcomponent *cal = icalparser_parse_string(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//chorus//bench//EN\r\n"
        "BEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\n"
        "SUMMARY:Christmas\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n");
    print_status("loop, TLS, curl, SQLite, libical");
    if (cal)
        icalcomponent_free(cal);
    store_close(st);
    http_free(http);
    ws_ctx_shutdown(ws);
    loop_stop(loop);
    loop_run(loop);
    ws_ctx_free(ws);
    loop_free(loop);
    return 0;
}
