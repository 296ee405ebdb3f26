/* The daemon: configuration, loop, core and adapters wired together. */
#include "daemon.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "ws.h"
#include "console.h"
#include "config.h"
#include "loop.h"
#include "platforms.h"
#include "seed.h"
#include "web.h"
#include "arena.h"
#include "buf.h"
#include "core.h"
#include "log.h"
#include "metrics.h"
#include "records.h"
#include "store.h"
#include "when.h"
#include "xmalloc.h"

/* The longest the timer sleeps, so a wall-clock jump (suspend, NTP step)
 * is noticed within a minute. */
#define MAX_SLEEP_MS (60 * 1000)
/* How long platforms may take to finish in-flight work on SIGTERM. */
#define DRAIN_MS (10 * 1000)

#define MAX_PLATFORMS 4

struct daemon {
    struct loop        *loop;
    struct config      *cfg;
    const char         *config_path;
    char               *db_path;
    struct core        *core;
    struct clock        clock;
    struct sim_clock    sim;
    bool                simulated;
    struct loop_timer  *tick;
    struct loop_signal *sig_term;
    struct loop_signal *sig_int;
    struct loop_signal *sig_hup;
    struct adapter     *console;
    struct ws_ctx      *ws;
    struct http        *http;
    struct web         *web;
    struct adapter_env  env;
    struct adapter     *padapters[MAX_PLATFORMS];
    size_t              nplatforms;
    size_t              stopping_platforms;
    struct loop_timer  *drain_timer;
    bool                kick_pending;
    bool                finished;
    const struct daemon_hooks *hooks;
    bool                stopping;
    bool                verbose;
    bool                console_mode;
    int                 exit_code;
};

/* --- the one timer -------------------------------------------------------- */

static void
arm(struct daemon *d)
{
    if (d->stopping || d->simulated || d->tick == NULL)
        return;
    int64_t due = core_next_due(d->core);
    if (due == INT64_MAX) {
        loop_timer_arm(d->tick, MAX_SLEEP_MS);
        return;
    }
    int64_t delay = due - clock_now(&d->clock);
    if (delay < 0)
        delay = 0;
    loop_timer_arm(d->tick, delay < MAX_SLEEP_MS ? delay : MAX_SLEEP_MS);
}

static void
on_tick(void *arg)
{
    struct daemon *d = arg;
    core_tick(d->core);
    core_flush(d->core);
    arm(d);
}

/* --- shutdown and reload ----------------------------------------------------
 */

/* The last step of a shutdown: close the transport, let the loop end. */
static void
finish_shutdown(struct daemon *d)
{
    if (d->finished)
        return;
    d->finished = true;
    if (d->hooks && d->hooks->closing)
        d->hooks->closing(d->hooks->arg);
    loop_timer_free(d->drain_timer);
    d->drain_timer = NULL;
    if (d->http) {
        http_free(d->http);     /* frees loop handles: before loop_stop */
        d->http = NULL;
    }
    web_free(d->web);           /* before the context's stage 1 */
    d->web = NULL;
    if (d->ws)
        ws_ctx_shutdown(d->ws); /* stage 1; stage 2 after loop_run */
    loop_stop(d->loop);
}

static void
platform_stopped(void *arg)
{
    struct daemon *d = arg;
    if (d->stopping_platforms > 0 && --d->stopping_platforms == 0)
        finish_shutdown(d);
}

static void
on_drain_deadline(void *arg)
{
    struct daemon *d = arg;
    log_warn("daemon", "platforms did not finish within %d s; closing",
             DRAIN_MS / 1000);
    finish_shutdown(d);
}

/* The console has nothing in flight: it stops at once. */
static void
console_stopped(void *arg)
{
    (void)arg;
}

static void
begin_shutdown(struct daemon *d, const char *why)
{
    if (d->stopping)
        return;
    d->stopping = true;
    log_info("daemon", "stopping: %s", why);
    if (d->console)
        adapter_stop(d->console, 0, console_stopped, d);
    /* Hand out what is still pending; the console delivers at once.
     * Rows a platform did not accept stay in the outbox for next time. */
    if (d->core)
        core_flush(d->core);
    loop_timer_free(d->tick);
    d->tick = NULL;
    loop_signal_free(d->sig_term);
    loop_signal_free(d->sig_int);
    loop_signal_free(d->sig_hup);
    d->sig_term = d->sig_int = d->sig_hup = NULL;
    if (d->nplatforms == 0) {
        finish_shutdown(d);
        return;
    }
    d->stopping_platforms = d->nplatforms;
    d->drain_timer = loop_timer_new(d->loop, on_drain_deadline, d);
    loop_timer_arm(d->drain_timer, DRAIN_MS + 1000);
    int64_t deadline = loop_now_ms(d->loop) + DRAIN_MS;
    for (size_t i = 0; i < d->nplatforms; i++)
        adapter_stop(d->padapters[i], deadline, platform_stopped, d);
}

static void
on_stop_signal(void *arg, int signum)
{
    struct daemon *d = arg;
    begin_shutdown(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void
apply_log_level(struct daemon *d)
{
    enum log_level level = d->cfg->log_level;
    if (d->console_mode && level < LOG_WARN)
        level = LOG_WARN;     /* the terminal is for the conversation */
    if (d->verbose)
        level = LOG_DEBUG;
    log_set_level(level);
}

static void
on_reload(void *arg, int signum)
{
    struct daemon *d = arg;
    (void)signum;
    if (d->config_path == NULL) {
        log_info("daemon", "SIGHUP: no configuration file to reload");
        return;
    }
    struct config *fresh = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    if (config_load(d->config_path, &fresh, &errs) != CH_OK) {
        for (size_t i = 0; i < errs.n; i++)
            log_error("config", "%s", errs.v[i].text);
        log_error("daemon", "reload refused: %s has %zu error%s; keeping "
                  "the running configuration", d->config_path, errs.n,
                  errs.n == 1 ? "" : "s");
        config_errors_free(&errs);
        return;
    }
    struct config_errors restart = CONFIG_ERRORS_INIT;
    config_restart_needed(d->cfg, fresh, &restart);
    for (size_t i = 0; i < restart.n; i++)
        log_warn("config", "%s (kept the running value)", restart.v[i].text);
    config_errors_free(&restart);
    core_set_settings(d->core, &fresh->core);
    struct config *old = d->cfg;
    d->cfg = fresh;
    apply_log_level(d);
    config_free(old);
    log_info("daemon", "configuration reloaded from %s", d->config_path);
    arm(d);
}

/* --- start-up ------------------------------------------------------------- */

static int
mkdir_parents(const char *path)
{
    char *copy = xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
            free(copy);
            return -1;
        }
        *p = '/';
    }
    free(copy);
    return 0;
}

static char *
default_db_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    if (state && state[0] == '/')
        return xasprintf("%s/chorus/chorus.db", state);
    const char *home = getenv("HOME");
    if (home && *home)
        return xasprintf("%s/.local/state/chorus/chorus.db", home);
    return xstrdup("chorus.db");
}

/* --db, else the configuration's, else the XDG default. */
static char *
db_path_for(const struct config *cfg, const char *db_override)
{
    return db_override     ? xstrdup(db_override)
           : cfg->database ? xstrdup(cfg->database)
                           : default_db_path();
}

static int
load_config(struct daemon *d, const char *path)
{
    d->config_path = path;
    if (path == NULL) {
        d->cfg = config_new_default();
        return 0;
    }
    struct config_errors errs = CONFIG_ERRORS_INIT;
    if (config_load(path, &d->cfg, &errs) != CH_OK) {
        config_errors_print(&errs, stderr);
        config_errors_free(&errs);
        return -1;
    }
    return 0;
}

static bool
database_is_new(struct core *core)
{
    size_t n = 0;
    char **slugs;
    struct arena *a = arena_new();
    store_campaign_slugs(core_store(core), a, &slugs, &n);
    arena_free(a);
    return n == 0;
}

static int
open_core(struct daemon *d, const char *db_override)
{
    d->db_path = db_path_for(d->cfg, db_override);
    if (strcmp(d->db_path, ":memory:") != 0 && mkdir_parents(d->db_path)) {
        fprintf(stderr, "chorus: cannot create the folder for %s: %s\n",
                d->db_path, strerror(errno));
        return -1;
    }
    struct ch_error err = { 0 };
    if (core_new(d->db_path, &d->cfg->core, &d->clock, &d->core, &err) !=
        CH_OK) {
        fprintf(stderr, "chorus: %s\n", err.user);
        return -1;
    }
    log_info("daemon", "database %s", d->db_path);
    /* Crash tests only: CHORUS_FAULT=<point>[:<after>] (see core.h). */
    const char *fault = getenv("CHORUS_FAULT");
    if (fault && *fault) {
        char point[32];
        snprintf(point, sizeof(point), "%s", fault);
        char *colon = strchr(point, ':');
        int after = colon ? (int)strtol(colon + 1, NULL, 10) : 0;
        if (colon)
            *colon = '\0';
        core_set_fault(d->core, point, after);
    }
    return 0;
}

static int
setup_loop(struct daemon *d)
{
    d->loop = loop_new();
    if (d->loop == NULL)
        return -1;
    d->tick = loop_timer_new(d->loop, on_tick, d);
    d->sig_term = loop_signal_new(d->loop, SIGTERM, on_stop_signal, d);
    d->sig_int = loop_signal_new(d->loop, SIGINT, on_stop_signal, d);
    d->sig_hup = loop_signal_new(d->loop, SIGHUP, on_reload, d);
    return 0;
}

static void
teardown(struct daemon *d)
{
    for (size_t i = 0; i < d->nplatforms; i++) {
        core_detach(d->core, d->padapters[i]);
        adapter_free(d->padapters[i]);
    }
    if (d->http)
        http_free(d->http);
    web_free(d->web);
    if (d->ws)
        ws_ctx_free(d->ws);
    if (d->console) {
        core_detach(d->core, d->console);
        adapter_free(d->console);
    }
    core_free(d->core);
    if (d->loop)
        loop_free(d->loop);
    config_free(d->cfg);
    free(d->db_path);
}

/* --- chorus console ------------------------------------------------------- */

/* After each line: hand out what it said (synchronously, so the
 * transcript reads in order) and re-arm the timer. */
static void
console_after_line(void *arg)
{
    struct daemon *d = arg;
    core_flush(d->core);
    arm(d);
}

static void
console_eof(void *arg)
{
    begin_shutdown(arg, "end of input");
}

/* `~`: run everything due up to target, each job at its own time. */
static void
console_advance(void *arg, int64_t target)
{
    struct daemon *d = arg;
    struct sim_clock *sim = &d->sim;
    for (int guard = 0; guard < 1000000; guard++) {
        int64_t next = core_next_due(d->core);
        if (next > target)
            break;
        if (next > sim->now_ms)
            sim->now_ms = next;
        int ran = core_tick(d->core);
        core_flush(d->core);
        if (ran == 0 && core_next_due(d->core) <= sim->now_ms)
            break;   /* nothing runnable now: a stuck retry; move on */
    }
    sim->now_ms = target;
    core_tick(d->core);
    core_flush(d->core);
}

static void
seed_demo(struct daemon *d)
{
    console_set_quiet(d->console, true);
    for (size_t i = 0; seed_lines[i]; i++)
        console_line(d->console, seed_lines[i]);
    console_set_quiet(d->console, false);
    log_info("daemon", "demo workspace created");
}

int
daemon_console(const struct daemon_options *opt)
{
    struct daemon d = { .verbose = opt->verbose, .console_mode = true };
    if (load_config(&d, opt->config_path) != 0)
        return 1;
    apply_log_level(&d);
    if (opt->now) {
        struct when_options wo = { .zone = "UTC",
                                   .now_ms = clock_realtime_ms(),
                                   .date_only_minute = 0 };
        struct when_result r;
        struct ch_error err;
        if (when_parse(opt->now, &wo, &r, &err) != CH_OK) {
            fprintf(stderr, "chorus: --now: %s\n", err.user);
            config_free(d.cfg);
            return 2;
        }
        d.sim.now_ms = r.utc_ms;
        d.simulated = true;
        d.clock = clock_simulated(&d.sim);
    } else {
        d.clock = clock_system();
    }
    if (open_core(&d, opt->db_path) != 0 || setup_loop(&d) != 0) {
        teardown(&d);
        return 1;
    }
    bool interactive = isatty(STDIN_FILENO);
    struct console_options co = {
        .echo = !interactive,
        .sim = d.simulated ? &d.sim : NULL,
        .after_line = console_after_line,
        .at_eof = console_eof,
        .advance = console_advance,
        .arg = &d,
    };
    d.env = (struct adapter_env){ .loop = d.loop, .core = d.core, .arg = &d };
    d.console = console_new(&co, &d.env);
    bool fresh = database_is_new(d.core);
    struct ch_error err = { 0 };
    if (core_attach(d.core, d.console, &err) != CH_OK) {
        fprintf(stderr, "chorus: console: %s\n", err.user);
        teardown(&d);
        return 1;
    }
    if (fresh && d.cfg->demo_workspace && !opt->empty)
        seed_demo(&d);
    if (interactive) {
        if (fresh && d.cfg->demo_workspace && !opt->empty)
            puts(seed_intro);
        else
            printf("chorus console (database %s). Type admin: /campaign "
                   "help. Ctrl-D quits.\n", d.db_path);
        fflush(stdout);
    }
    core_flush(d.core);
    if (adapter_start(d.console) != 0) {
        fprintf(stderr, "chorus: cannot read standard input\n");
        begin_shutdown(&d, "no input");
        d.exit_code = 1;
    }
    arm(&d);
    if (loop_run(d.loop) != 0)
        log_warn("daemon", "the loop ended with handles still open");
    int rc = d.exit_code;
    teardown(&d);
    return rc;
}

/* --- chorus run ------------------------------------------------------------
 */

/* The context every network user shares; a served request's head gets
 * room when the web server is on. */
static struct ws_ctx *
new_ws_ctx(struct daemon *d)
{
    struct ws_ctx_options o = { 0 };
    if (d->cfg->http.listen)
        o.max_http_header_data = WEB_HEADER_BUFFER;
    return ws_ctx_new(d->loop, &o);
}

/* /healthz: every configured platform is connected. */
static bool
web_health(void *arg, struct buf *why)
{
    struct daemon *d = arg;
    bool ok = !d->stopping;
    if (d->stopping)
        buf_adds(why, "daemon: stopping\n");
    for (size_t i = 0; i < d->nplatforms; i++) {
        const char *name = d->padapters[i]->ops->name;
        if (metrics_get("chorus_platform_connected", "platform", name) <
            1) {
            buf_printf(why, "%s: not connected\n", name);
            ok = false;
        }
    }
    return ok;
}

/* http_listen: the web server, or an error for start-up. */
static int
start_web(struct daemon *d)
{
    const char *listen = d->cfg->http.listen;
    if (listen == NULL)
        return 0;
    char iface[64] = "127.0.0.1";
    const char *colon = strrchr(listen, ':');
    if (colon && (size_t)(colon - listen) < sizeof(iface))
        snprintf(iface, sizeof(iface), "%.*s", (int)(colon - listen),
                 listen);
    int port = (int)strtol(colon ? colon + 1 : listen, NULL, 10);
    char *token = NULL;
    struct ch_error err = { 0 };
    if (config_secret_load(d->cfg, d->cfg->http.admin_token, &token,
                           &err) != CH_OK) {
        /* Only the default variable may be unset (check-config agrees). */
        if (err.status != CH_NOT_FOUND ||
            strcmp(d->cfg->http.admin_token, "env:CHORUS_ADMIN_TOKEN") != 0) {
            fprintf(stderr, "chorus: http_admin_token: %s\n", err.user);
            return -1;
        }
        log_warn("web", "no admin token (%s is not set): /metrics refuses "
                 "every request", d->cfg->http.admin_token + 4);
        token = NULL;
    }
    struct web_options o = {
        .iface = iface, .port = port, .admin_token = token,
        .core = d->core, .health = web_health, .arg = d,
    };
    int bound = 0;
    d->web = web_listen(d->loop, d->ws, &o, &bound);
    config_secret_free(token);
    if (d->web == NULL) {
        fprintf(stderr, "chorus: http_listen: cannot listen on %s\n",
                listen);
        return -1;
    }
    return 0;
}

static void
on_kick(void *arg)
{
    struct daemon *d = arg;
    d->kick_pending = false;
    if (d->finished)
        return;
    core_flush(d->core);
    arm(d);
}

/* A platform handed the core an event: flush and re-arm, once per loop
 * iteration however many events arrived. */
static void
kick(void *arg)
{
    struct daemon *d = arg;
    if (d->kick_pending)
        return;
    d->kick_pending = true;
    loop_defer(d->loop, on_kick, d);
}

static void
platform_fatal(void *arg, const char *platform, const char *why)
{
    struct daemon *d = arg;
    log_error("daemon", "%s: %s", platform, why);
    d->exit_code = 1;
    begin_shutdown(d, "a platform cannot continue");
}

void
daemon_stop(struct daemon *d, const char *why)
{
    begin_shutdown(d, why);
}

int
daemon_run(const struct daemon_options *opt)
{
    return daemon_run_with(opt, NULL);
}

int
daemon_run_with(const struct daemon_options *opt,
                const struct daemon_hooks *hooks)
{
    struct daemon d = { .verbose = opt->verbose, .hooks = hooks };
    if (load_config(&d, opt->config_path) != 0)
        return 1;
    apply_log_level(&d);
    d.clock = clock_system();
    if (hooks && hooks->prepare) {
        if (setup_loop(&d) != 0) {
            teardown(&d);
            return 1;
        }
        d.ws = new_ws_ctx(&d);
        if (d.ws == NULL ||
            hooks->prepare(hooks->arg, d.loop, d.ws, d.cfg) != 0) {
            fprintf(stderr, "chorus: cannot prepare the run\n");
            d.exit_code = 1;
            d.hooks = NULL;
            begin_shutdown(&d, "start-up failed");
            loop_run(d.loop);
            teardown(&d);
            return 1;
        }
    }
    size_t wanted[MAX_PLATFORMS];
    size_t nwanted = 0;
    for (size_t i = 0; platforms_name(i) && nwanted < MAX_PLATFORMS; i++)
        if (platforms_wanted(i, d.cfg))
            wanted[nwanted++] = i;
    if (nwanted == 0) {
        fprintf(stderr,
                "chorus: no platform to run: enable slack or discord in the "
                "configuration, or set SLACK_APP_TOKEN and SLACK_BOT_TOKEN, "
                "or DISCORD_TOKEN.\nTo try chorus on a terminal, run: chorus "
                "console\n");
        if (d.loop) {           /* a hook prepared things: take them down */
            begin_shutdown(&d, "nothing to run");
            loop_run(d.loop);
        }
        teardown(&d);
        return 2;
    }
    if (open_core(&d, opt->db_path) != 0 ||
        (d.loop == NULL && setup_loop(&d) != 0)) {
        teardown(&d);
        return 1;
    }
    if (d.ws == NULL)
        d.ws = new_ws_ctx(&d);
    d.http = http_new(d.loop, NULL);
    if (d.ws == NULL || d.http == NULL) {
        fprintf(stderr, "chorus: cannot set up the network transport\n");
        d.exit_code = 1;
        begin_shutdown(&d, "start-up failed");
    } else if (start_web(&d) != 0) {
        d.exit_code = 1;
        begin_shutdown(&d, "start-up failed");
    }
    d.env = (struct adapter_env){
        .loop = d.loop, .ws = d.ws, .http = d.http, .core = d.core,
        .kick = kick, .fatal = platform_fatal, .arg = &d,
    };
    for (size_t i = 0; i < nwanted && !d.stopping; i++) {
        const char *name = platforms_name(wanted[i]);
        struct ch_error err = { 0 };
        struct adapter *a = platforms_new(wanted[i], d.cfg, &d.env, &err);
        if (a == NULL) {
            fprintf(stderr, "chorus: %s: %s\n", name, err.user);
            d.exit_code = 1;
            begin_shutdown(&d, "start-up failed");
            break;
        }
        d.padapters[d.nplatforms++] = a;
        if (core_attach(d.core, a, &err) != CH_OK) {
            fprintf(stderr, "chorus: %s: %s\n", name, err.user);
            d.exit_code = 1;
            begin_shutdown(&d, "start-up failed");
            break;
        }
        if (adapter_start(a) != 0) {
            fprintf(stderr, "chorus: %s: cannot start\n", name);
            d.exit_code = 1;
            begin_shutdown(&d, "start-up failed");
        }
    }
    if (!d.stopping && hooks && hooks->started)
        hooks->started(hooks->arg, &d, d.core);
    arm(&d);
    if (loop_run(d.loop) != 0)
        log_warn("daemon", "the loop ended with handles still open");
    int rc = d.exit_code;
    teardown(&d);
    log_info("daemon", "stopped");
    return rc;
}

/* --- chorus check-config ---------------------------------------------------
 */

int
daemon_check_config(const char *path)
{
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    if (config_load(path, &cfg, &errs) != CH_OK) {
        config_errors_print(&errs, stdout);
        config_errors_free(&errs);
        return 1;
    }
    config_check_secrets(cfg, &errs);
    config_free(cfg);
    if (errs.n) {
        config_errors_print(&errs, stdout);
        config_errors_free(&errs);
        return 1;
    }
    puts("configuration OK");
    return 0;
}

/* --- chorus backup ----------------------------------------------------------
 * Read-only on the database the same options would run, so it needs no
 * secret and no platform, and can run beside the daemon. */

int
daemon_backup(const struct daemon_options *opt, const char *target)
{
    struct daemon d = { 0 };
    if (load_config(&d, opt->config_path) != 0)
        return 1;
    char *src = db_path_for(d.cfg, opt->db_path);
    config_free(d.cfg);
    struct store_backup_report rep;
    struct ch_error err = { 0 };
    enum ch_status st = strcmp(src, ":memory:") == 0
        ? ch_fail(&err, CH_INVALID, "the database is in memory")
        : store_backup(src, target, &rep, &err);
    if (st == CH_OK)
        printf("chorus: backup of %s written to %s (%lld bytes, %d pages, "
               "restarted by writes %d times, integrity ok)\n", src, target,
               rep.bytes, rep.pages, rep.restarts);
    else
        fprintf(stderr, "chorus: backup of %s: %s\n", src, err.user);
    free(src);
    return st == CH_OK ? 0 : 1;
}
