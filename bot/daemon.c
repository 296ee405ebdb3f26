/* The daemon: configuration, loop, core and adapters wired together. */
#include "daemon.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "ws.h"
#include "console.h"
#include "config.h"
#include "loop.h"
#include "notify.h"
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
/* How often the service manager's STATUS= is brought up to date: often
 * while starting, so READY=1 follows the last connection closely. */
#define STATUS_STARTING_MS 100
#define STATUS_RUNNING_MS  1000

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
    /* The service manager (notify.h): NULL when not run by one. */
    struct notify      *notify;
    struct loop_timer  *status_timer;
    struct loop_timer  *watchdog;
    int64_t             watchdog_ms;
    bool                ready;           /* READY=1 sent */
    char                status[512];     /* the last STATUS= sent */
    int64_t             down_since[MAX_PLATFORMS];  /* wall ms; 0: up */
};

/* A start-up error, on standard error before the log is of use; with
 * its priority when that is the journal (log.h). */
static void say_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static void
say_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%schorus: ", log_stderr_prefix(LOG_ERROR));
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

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

/* --- the service manager ----------------------------------------------------
 *
 * Type=notify: READY=1 once the database is open and every platform is
 * connected; STATUS= says, in words, what each platform is doing; the
 * watchdog is pinged from a loop timer, so a stuck loop stops pinging
 * and systemd restarts it.  Connection state is the platforms'
 * chorus_platform_connected gauge, the one /healthz reads.
 */

static size_t
campaign_count(struct daemon *d)
{
    size_t n = 0;
    char **slugs;
    struct arena *a = arena_new();
    store_campaign_slugs(core_store(d->core), a, &slugs, &n);
    arena_free(a);
    return n;
}

/* Bring STATUS= up to date (sent only when it changed); READY=1 the first
 * time every platform is connected (platforms in start order):
 *   ready: discord connected, slack connected, 3 campaigns
 *   degraded: discord reconnecting (down since 19:02:11 UTC), slack
 *   connected, 3 campaigns */
static void
service_status(struct daemon *d)
{
    if (d->notify == NULL || d->stopping)
        return;
    struct buf b;
    size_t up = 0;
    int64_t now = clock_realtime_ms();
    buf_init(&b, sizeof(d->status) - 1);
    for (size_t i = 0; i < d->nplatforms; i++) {
        const char *name = d->padapters[i]->ops->name;
        bool connected = metrics_get("chorus_platform_connected", "platform",
                                     name) >= 1;
        up += connected;
        if (connected)
            d->down_since[i] = 0;
        else if (d->ready && d->down_since[i] == 0)
            d->down_since[i] = now;
        buf_printf(&b, "%s%s %s", i ? ", " : "", name,
                   connected ? "connected"
                   : d->ready ? "reconnecting" : "connecting");
        if (d->down_since[i]) {
            time_t t = (time_t)(d->down_since[i] / 1000);
            struct tm tm;
            char since[32];
            gmtime_r(&t, &tm);
            strftime(since, sizeof(since), "%H:%M:%S", &tm);
            buf_printf(&b, " (down since %s UTC)", since);
        }
    }
    size_t n = campaign_count(d);
    buf_printf(&b, ", %zu campaign%s", n, n == 1 ? "" : "s");
    bool all = up == d->nplatforms;
    char line[sizeof(d->status)];
    snprintf(line, sizeof(line), "%s: %s",
             all ? "ready" : d->ready ? "degraded" : "starting",
             buf_cstr(&b));
    buf_free(&b);
    if (all && !d->ready) {
        d->ready = true;
        log_info("daemon", "ready: every platform is connected");
        notify_send(d->notify, "READY=1\nSTATUS=%s", line);
    } else if (strcmp(line, d->status) != 0) {
        notify_send(d->notify, "STATUS=%s", line);
    }
    snprintf(d->status, sizeof(d->status), "%s", line);
}

static void
on_status_timer(void *arg)
{
    struct daemon *d = arg;
    service_status(d);
    if (!d->stopping)
        loop_timer_arm(d->status_timer, d->ready ? STATUS_RUNNING_MS
                                                 : STATUS_STARTING_MS);
}

static void
on_watchdog(void *arg)
{
    struct daemon *d = arg;
    notify_send(d->notify, "WATCHDOG=1");
    loop_timer_arm(d->watchdog, d->watchdog_ms);
}

/* Before the platforms start: the socket, the watchdog, a first STATUS. */
static void
service_begin(struct daemon *d)
{
    d->notify = notify_new();
    if (d->notify == NULL)
        return;
    d->watchdog_ms = notify_watchdog_interval_ms();
    if (d->watchdog_ms > 0) {
        d->watchdog = loop_timer_new(d->loop, on_watchdog, d);
        on_watchdog(d);
    }
    d->status_timer = loop_timer_new(d->loop, on_status_timer, d);
    loop_timer_arm(d->status_timer, STATUS_STARTING_MS);
    notify_send(d->notify, "STATUS=starting: database %s open, connecting "
                "to the platforms", d->db_path);
}

/* For RELOADING=1 (systemd.service(5)): CLOCK_MONOTONIC in microseconds. */
static long long
monotonic_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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
    loop_timer_free(d->watchdog);     /* pinged through the drain */
    d->watchdog = NULL;
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
    notify_send(d->notify, "STOPPING=1\nSTATUS=stopping: %s", why);
    loop_timer_free(d->status_timer);
    d->status_timer = NULL;
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
    /* Type=notify: RELOADING=1 ... READY=1 brackets the reload (only
     * once started: before that READY=1 means "started"). */
    bool bracket = d->ready;
    if (bracket)
        notify_send(d->notify, "RELOADING=1\nMONOTONIC_USEC=%lld\n"
                    "STATUS=reloading %s", monotonic_usec(), d->config_path);
    struct config *fresh = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    if (config_load(d->config_path, &fresh, &errs) != CH_OK) {
        for (size_t i = 0; i < errs.n; i++)
            log_error("config", "%s", errs.v[i].text);
        log_error("daemon", "reload refused: %s has %zu error%s; keeping "
                  "the running configuration", d->config_path, errs.n,
                  errs.n == 1 ? "" : "s");
        if (bracket)
            notify_send(d->notify, "READY=1\nSTATUS=%s (reload refused: "
                        "%zu error%s in %s)", d->status, errs.n,
                        errs.n == 1 ? "" : "s", d->config_path);
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
    if (bracket)
        notify_send(d->notify, "READY=1\nSTATUS=%s", d->status);
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
        if (log_to_journal())   /* each with its priority */
            for (size_t i = 0; i < errs.n; i++)
                log_error("config", "%s", errs.v[i].text);
        else
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
        say_error("cannot create the folder for %s: %s", d->db_path,
                  strerror(errno));
        return -1;
    }
    struct ch_error err = { 0 };
    if (core_new(d->db_path, &d->cfg->core, &d->clock, &d->core, &err) !=
        CH_OK) {
        say_error("%s", err.user);
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
    loop_timer_free(d->status_timer);
    loop_timer_free(d->watchdog);
    notify_free(d->notify);
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
            say_error("--now: %s", err.user);
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
        say_error("console: %s", err.user);
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
        say_error("cannot read standard input");
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

/* The web server's admin token into *token (NULL: none, when only the
 * default variable is unset, as check-config agrees); -1 when the one
 * named cannot be used.  quiet: a check, before anything is created. */
static int
load_admin_token(struct daemon *d, char **token, bool quiet)
{
    struct ch_error err = { 0 };
    *token = NULL;
    if (config_secret_load(d->cfg, d->cfg->http.admin_token, token,
                           &err) == CH_OK)
        return 0;
    if (err.status != CH_NOT_FOUND ||
        strcmp(d->cfg->http.admin_token, "env:CHORUS_ADMIN_TOKEN") != 0) {
        say_error("http_admin_token: %s", err.user);
        return -1;
    }
    if (!quiet)
        log_warn("web", "no admin token (%s is not set): /metrics refuses "
                 "every request", d->cfg->http.admin_token + 4);
    return 0;
}

/* Every secret the run needs, read and checked before the database is
 * created: a refused token leaves nothing behind.  0, or -1 (said). */
static int
check_secrets(struct daemon *d, const size_t *wanted, size_t nwanted)
{
    for (size_t i = 0; i < nwanted; i++) {
        struct ch_error err = { 0 };
        if (!platforms_secrets_ok(wanted[i], d->cfg, &err)) {
            say_error("%s: %s", platforms_name(wanted[i]), err.user);
            return -1;
        }
    }
    if (d->cfg->http.listen) {
        char *token;
        if (load_admin_token(d, &token, true) != 0)
            return -1;
        config_secret_free(token);
    }
    return 0;
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
    if (load_admin_token(d, &token, false) != 0)
        return -1;
    struct web_options o = {
        .iface = iface, .port = port, .admin_token = token,
        .core = d->core, .health = web_health, .arg = d,
    };
    int bound = 0;
    d->web = web_listen(d->loop, d->ws, &o, &bound);
    config_secret_free(token);
    if (d->web == NULL) {
        say_error("http_listen: cannot listen on %s", listen);
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
platform_fatal(void *arg, const char *platform, enum adapter_fatal kind,
               const char *why)
{
    struct daemon *d = arg;
    log_error("daemon", "%s: %s", platform, why);
    if (d->exit_code == 0)
        d->exit_code = kind == ADAPTER_FATAL_REFUSED ? EX_NOPERM : 1;
    begin_shutdown(d, "a platform cannot continue");
    /* The reason, where `systemctl status` shows it. */
    notify_send(d->notify, "STATUS=stopped: %s: %s", platform, why);
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
        return EX_CONFIG;
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
            say_error("cannot prepare the run");
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
        say_error("no platform to run: enable slack or discord in the "
                  "configuration, or set SLACK_APP_TOKEN and SLACK_BOT_TOKEN, "
                  "or DISCORD_TOKEN.");
        fprintf(stderr, "To try chorus on a terminal, run: chorus console\n");
        d.exit_code = EX_CONFIG;
    } else if (check_secrets(&d, wanted, nwanted) != 0) {
        d.exit_code = EX_CONFIG;
    }
    if (d.exit_code) {
        if (d.loop) {           /* a hook prepared things: take them down */
            begin_shutdown(&d, "start-up failed");
            loop_run(d.loop);
        }
        int rc = d.exit_code;
        teardown(&d);
        return rc;
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
        say_error("cannot set up the network transport");
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
            say_error("%s: %s", name, err.user);
            d.exit_code = 1;
            begin_shutdown(&d, "start-up failed");
            break;
        }
        d.padapters[d.nplatforms++] = a;
        if (core_attach(d.core, a, &err) != CH_OK) {
            say_error("%s: %s", name, err.user);
            d.exit_code = 1;
            begin_shutdown(&d, "start-up failed");
            break;
        }
        if (adapter_start(a) != 0) {
            say_error("%s: cannot start", name);
            d.exit_code = 1;
            begin_shutdown(&d, "start-up failed");
        }
    }
    if (!d.stopping)
        service_begin(&d);
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
