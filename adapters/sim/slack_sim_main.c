/*
 * slack-sim: the Slack simulator on its own, for manual poking.
 *
 *   slack-sim [--port N] [--app-token T] [--bot-token T]
 *             [--ping-ms N] [--ack-ms N] [--warning-ms N]
 *             [--user NAME[:ZONE]]... [--channel NAME]... [--quiet]
 *
 * Prints "listening 127.0.0.1:PORT" on stdout once it listens, then one
 * line per thing a Slack user would see (unless --quiet), and runs until
 * SIGINT or SIGTERM.  Drive it over HTTP: /api/ for the bot side, /_sim/
 * for the human side and faults (see slack_sim_ctl.c).
 */
#include "slack_sim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "loop.h"
#include "log.h"

struct app {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct slack_sim   *sim;
    struct loop_signal *sigint;
    struct loop_signal *sigterm;
    bool                stopping;
};

static void
print_obs(void *arg, const struct slack_sim_obs *o)
{
    (void)arg;
    printf("%s\n", o->line);
    fflush(stdout);
}

static void
shutdown_cb(void *arg)
{
    struct app *a = arg;

    slack_sim_free(a->sim);
    a->sim = NULL;
    loop_signal_free(a->sigint);
    loop_signal_free(a->sigterm);
    a->sigint = a->sigterm = NULL;
    ws_ctx_shutdown(a->ws);
    loop_stop(a->loop);
}

static void
on_signal(void *arg, int signum)
{
    struct app *a = arg;

    (void)signum;
    if (a->stopping)
        return;
    a->stopping = true;
    loop_defer(a->loop, shutdown_cb, a);
}

static int
num(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v < -1 || v > 100000000) {
        fprintf(stderr, "slack-sim: bad %s: %s\n", what, s);
        exit(2);
    }
    return (int)v;
}

static void
usage(void)
{
    fprintf(stderr, "usage: slack-sim [--port N] [--app-token T] "
            "[--bot-token T] [--ping-ms N] [--ack-ms N] [--warning-ms N]\n"
            "                 [--user NAME[:ZONE]]... [--channel NAME]... "
            "[--quiet]\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    struct slack_sim_options o = { .observer = print_obs };
    struct app a = { 0 };
    const char *users[32], *chans[32];
    size_t nu = 0, nc = 0;
    int rc;

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(opt, "--quiet") == 0) {
            o.observer = NULL;
            continue;
        }
        if (!val)
            usage();
        i++;
        if (strcmp(opt, "--port") == 0)
            o.port = num(val, "port");
        else if (strcmp(opt, "--app-token") == 0)
            o.app_token = val;
        else if (strcmp(opt, "--bot-token") == 0)
            o.bot_token = val;
        else if (strcmp(opt, "--ping-ms") == 0)
            o.ping_interval_ms = num(val, "ping interval");
        else if (strcmp(opt, "--ack-ms") == 0)
            o.ack_timeout_ms = num(val, "ack timeout");
        else if (strcmp(opt, "--warning-ms") == 0)
            o.warning_delay_ms = num(val, "warning delay");
        else if (strcmp(opt, "--user") == 0 && nu < 32)
            users[nu++] = val;
        else if (strcmp(opt, "--channel") == 0 && nc < 32)
            chans[nc++] = val;
        else
            usage();
    }
    if (getenv("CHORUS_SIM_DEBUG"))
        log_set_level(LOG_DEBUG);

    a.loop = loop_new();
    if (!a.loop)
        return 1;
    a.ws = ws_ctx_new(a.loop, NULL);
    if (!a.ws) {
        loop_free(a.loop);
        return 1;
    }
    a.sim = slack_sim_new(a.loop, a.ws, &o);
    if (!a.sim) {
        ws_ctx_shutdown(a.ws);
        loop_stop(a.loop);
        loop_run(a.loop);
        ws_ctx_free(a.ws);
        loop_free(a.loop);
        return 1;
    }
    for (size_t i = 0; i < nu; i++) {
        char name[128];
        const char *colon = strchr(users[i], ':');

        snprintf(name, sizeof(name), "%.*s",
                 colon ? (int)(colon - users[i]) : (int)strlen(users[i]),
                 users[i]);
        if (!slack_sim_add_user(a.sim, &(struct slack_sim_user_spec){
                .name = name, .tz = colon ? colon + 1 : NULL }))
            fprintf(stderr, "slack-sim: %s\n", slack_sim_error(a.sim));
    }
    for (size_t i = 0; i < nc; i++)
        if (!slack_sim_add_channel(a.sim, chans[i], false, NULL))
            fprintf(stderr, "slack-sim: %s\n", slack_sim_error(a.sim));
    a.sigint = loop_signal_new(a.loop, SIGINT, on_signal, &a);
    a.sigterm = loop_signal_new(a.loop, SIGTERM, on_signal, &a);
    printf("listening 127.0.0.1:%d\n", slack_sim_port(a.sim));
    fflush(stdout);
    rc = loop_run(a.loop);
    ws_ctx_free(a.ws);
    loop_free(a.loop);
    return rc == 0 ? 0 : 1;
}
