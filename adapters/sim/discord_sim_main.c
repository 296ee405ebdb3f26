/*
 * discord-sim: the Discord simulator as a process, for manual poking and
 * for scripts.  Serves REST, the gateway and the /_sim/ control routes on
 * 127.0.0.1:PORT, prints "listening 127.0.0.1:PORT" once ready, and with
 * --verbose prints every visible action the way Discord would show it.
 * SIGINT/SIGTERM stop it cleanly.
 *
 *   discord-sim --port 8090 --token t0ken --message-content
 *   curl -s localhost:8090/_sim/ | jq .
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "loop.h"
#include "buf.h"
#include "log.h"
#include "discord_sim.h"

struct app {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct discord_sim *sim;
    struct loop_signal *sigint, *sigterm;
};

static void
usage(FILE *f)
{
    fputs("usage: discord-sim [--port N] [--token T] [--app-id ID]\n"
          "                   [--guild-id ID] [--heartbeat MS]\n"
          "                   [--deadline MS] [--identify-interval MS]\n"
          "                   [--message-content] [--verbose]\n"
          "                   [--log-level debug|info|warn|error]\n",
          f);
}

static bool
int_arg(const char *s, long lo, long hi, int *out)
{
    char *end;
    long v;

    if (!s)
        return false;
    v = strtol(s, &end, 10);
    if (*end || end == s || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static void
on_signal(void *arg, int signum)
{
    struct app *a = arg;

    (void)signum;
    /* A loop callback, not an lws one: the sim may be freed here. */
    discord_sim_free(a->sim);
    a->sim = NULL;
    ws_ctx_shutdown(a->ws);
    loop_signal_free(a->sigint);
    loop_signal_free(a->sigterm);
    a->sigint = a->sigterm = NULL;
    loop_stop(a->loop);
}

static void
print_event(void *arg, const struct discord_sim_event *ev)
{
    struct buf b = BUF_INIT;

    (void)arg;
    discord_sim_event_format(ev, &b);
    printf("%s\n", buf_cstr(&b));
    fflush(stdout);
    buf_free(&b);
}

int
main(int argc, char **argv)
{
    struct discord_sim_options o = { .control_api = true };
    struct app a = { 0 };
    bool verbose = false;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true, takes = true;

        if (strcmp(opt, "--port") == 0)
            ok = int_arg(val, 0, 65535, &o.port);
        else if (strcmp(opt, "--token") == 0)
            o.token = val;
        else if (strcmp(opt, "--app-id") == 0)
            o.app_id = val;
        else if (strcmp(opt, "--guild-id") == 0)
            o.guild_id = val;
        else if (strcmp(opt, "--heartbeat") == 0)
            ok = int_arg(val, 1, 3600000, &o.heartbeat_interval_ms);
        else if (strcmp(opt, "--deadline") == 0)
            ok = int_arg(val, 1, 3600000, &o.interaction_deadline_ms);
        else if (strcmp(opt, "--identify-interval") == 0)
            ok = int_arg(val, -1, 3600000, &o.identify_interval_ms);
        else if (strcmp(opt, "--log-level") == 0) {
            enum log_level lv;

            ok = val && log_level_parse(val, &lv);
            if (ok)
                log_set_level(lv);
        } else {
            takes = false;
            if (strcmp(opt, "--message-content") == 0)
                o.message_content_enabled = true;
            else if (strcmp(opt, "--verbose") == 0)
                verbose = true;
            else if (strcmp(opt, "--help") == 0) {
                usage(stdout);
                return 0;
            } else
                ok = false;
        }
        if (!ok || (takes && !val)) {
            fprintf(stderr, "discord-sim: bad option %s\n", opt);
            usage(stderr);
            return 2;
        }
        i += takes;
    }
    if (o.identify_interval_ms == 0)
        o.identify_interval_ms = -1;    /* 0 on the command line: none */

    a.loop = loop_new();
    if (!a.loop)
        return 1;
    a.ws = ws_ctx_new(a.loop, NULL);
    if (!a.ws) {
        loop_free(a.loop);
        return 1;
    }
    a.sim = discord_sim_new(a.loop, a.ws, &o);
    if (!a.sim) {
        fprintf(stderr, "discord-sim: cannot listen on port %d\n", o.port);
        ws_ctx_shutdown(a.ws);
        loop_stop(a.loop);
        loop_run(a.loop);
        ws_ctx_free(a.ws);
        loop_free(a.loop);
        return 1;
    }
    if (verbose)
        discord_sim_set_observer(a.sim, print_event, NULL);
    a.sigint = loop_signal_new(a.loop, SIGINT, on_signal, &a);
    a.sigterm = loop_signal_new(a.loop, SIGTERM, on_signal, &a);
    printf("listening 127.0.0.1:%d\n", discord_sim_port(a.sim));
    printf("token %s app %s guild %s\n", discord_sim_token(a.sim),
           discord_sim_app_id(a.sim), discord_sim_guild_id(a.sim));
    fflush(stdout);
    rc = loop_run(a.loop);
    ws_ctx_free(a.ws);
    loop_free(a.loop);
    return rc == 0 ? 0 : 1;
}
