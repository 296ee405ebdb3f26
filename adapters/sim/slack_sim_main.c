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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sim_server.h"

/* The options and the workspace to create once the simulator listens. */
struct setup {
    struct slack_sim_options o;
    const char              *users[32];
    size_t                   nu;
    const char              *chans[32];
    size_t                   nc;
};

static void
print_obs(void *arg, const struct slack_sim_obs *o)
{
    (void)arg;
    printf("%s\n", o->line);
    fflush(stdout);
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

static void *
start(struct loop *loop, struct ws_ctx *ws, void *arg)
{
    struct setup *w = arg;
    struct slack_sim *sim = slack_sim_new(loop, ws, &w->o);

    if (!sim)
        return NULL;
    for (size_t i = 0; i < w->nu; i++) {
        char name[128];
        const char *colon = strchr(w->users[i], ':');

        snprintf(name, sizeof(name), "%.*s",
                 colon ? (int)(colon - w->users[i]) : (int)strlen(w->users[i]),
                 w->users[i]);
        if (!slack_sim_add_user(sim, &(struct slack_sim_user_spec){
                .name = name, .tz = colon ? colon + 1 : NULL }))
            fprintf(stderr, "slack-sim: %s\n", slack_sim_error(sim));
    }
    for (size_t i = 0; i < w->nc; i++)
        if (!slack_sim_add_channel(sim, w->chans[i], false, NULL))
            fprintf(stderr, "slack-sim: %s\n", slack_sim_error(sim));
    return sim;
}

static void
ready(void *sim, void *arg)
{
    (void)arg;
    printf("listening 127.0.0.1:%d\n", slack_sim_port(sim));
    fflush(stdout);
}

static void
sim_free(void *sim)
{
    slack_sim_free(sim);
}

int
main(int argc, char **argv)
{
    struct setup w = { .o = { .observer = print_obs } };

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(opt, "--quiet") == 0) {
            w.o.observer = NULL;
            continue;
        }
        if (!val)
            usage();
        i++;
        if (strcmp(opt, "--port") == 0)
            w.o.port = num(val, "port");
        else if (strcmp(opt, "--app-token") == 0)
            w.o.app_token = val;
        else if (strcmp(opt, "--bot-token") == 0)
            w.o.bot_token = val;
        else if (strcmp(opt, "--ping-ms") == 0)
            w.o.ping_interval_ms = num(val, "ping interval");
        else if (strcmp(opt, "--ack-ms") == 0)
            w.o.ack_timeout_ms = num(val, "ack timeout");
        else if (strcmp(opt, "--warning-ms") == 0)
            w.o.warning_delay_ms = num(val, "warning delay");
        else if (strcmp(opt, "--user") == 0 && w.nu < 32)
            w.users[w.nu++] = val;
        else if (strcmp(opt, "--channel") == 0 && w.nc < 32)
            w.chans[w.nc++] = val;
        else
            usage();
    }
    if (getenv("CHORUS_SIM_DEBUG"))
        log_set_level(LOG_DEBUG);
    return sim_server_program(&(struct sim_program){
        .name = "slack-sim", .start = start, .ready = ready,
        .free = sim_free, .arg = &w });
}
