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
#include "discord_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "sim_server.h"

struct setup {
    struct discord_sim_options o;
    bool                       verbose;
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
print_event(void *arg, const struct discord_sim_event *ev)
{
    struct buf b = BUF_INIT;

    (void)arg;
    discord_sim_event_format(ev, &b);
    printf("%s\n", buf_cstr(&b));
    fflush(stdout);
    buf_free(&b);
}

static void *
start(struct loop *loop, struct ws_ctx *ws, void *arg)
{
    struct setup *w = arg;
    struct discord_sim *sim = discord_sim_new(loop, ws, &w->o);

    if (sim && w->verbose)
        discord_sim_set_observer(sim, print_event, NULL);
    return sim;
}

static void
ready(void *sim, void *arg)
{
    (void)arg;
    printf("listening 127.0.0.1:%d\n", discord_sim_port(sim));
    printf("token %s app %s guild %s\n", discord_sim_token(sim),
           discord_sim_app_id(sim), discord_sim_guild_id(sim));
    fflush(stdout);
}

static void
sim_free(void *sim)
{
    discord_sim_free(sim);
}

int
main(int argc, char **argv)
{
    struct setup w = { .o = { .control_api = true } };

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true, takes = true;

        if (strcmp(opt, "--port") == 0)
            ok = int_arg(val, 0, 65535, &w.o.port);
        else if (strcmp(opt, "--token") == 0)
            w.o.token = val;
        else if (strcmp(opt, "--app-id") == 0)
            w.o.app_id = val;
        else if (strcmp(opt, "--guild-id") == 0)
            w.o.guild_id = val;
        else if (strcmp(opt, "--heartbeat") == 0)
            ok = int_arg(val, 1, 3600000, &w.o.heartbeat_interval_ms);
        else if (strcmp(opt, "--deadline") == 0)
            ok = int_arg(val, 1, 3600000, &w.o.interaction_deadline_ms);
        else if (strcmp(opt, "--identify-interval") == 0)
            ok = int_arg(val, -1, 3600000, &w.o.identify_interval_ms);
        else if (strcmp(opt, "--log-level") == 0) {
            enum log_level lv;

            ok = val && log_level_parse(val, &lv);
            if (ok)
                log_set_level(lv);
        } else {
            takes = false;
            if (strcmp(opt, "--message-content") == 0)
                w.o.message_content_enabled = true;
            else if (strcmp(opt, "--verbose") == 0)
                w.verbose = true;
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
    if (w.o.identify_interval_ms == 0)
        w.o.identify_interval_ms = -1;    /* 0 on the command line: none */

    return sim_server_program(&(struct sim_program){
        .name = "discord-sim", .start = start, .ready = ready,
        .free = sim_free, .arg = &w });
}
