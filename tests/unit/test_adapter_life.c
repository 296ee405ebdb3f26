/*
 * test_adapter_life: the network adapters' lifecycle, each in one process
 * against its simulator on the same loop: create, start, stop, free; free
 * without start; and free without stop at every point of start-up (for
 * Slack: auth.test and apps.connections.open on the wire, the socket
 * opening, then connected; for Discord: the application and
 * /gateway/bot on the wire, the gateway opening, identifying, READY).
 * Free must release everything and read no freed memory at each of them
 * (a Slack socket still opening points at its apps.connections.open
 * request; a Discord job at its REST call): ASan and LeakSanitizer watch
 * the whole run.  The console, which has nothing in flight, stops at
 * once; and the core refuses a table of another interface version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"
#include "ws.h"
#include "loop.h"
#include "clock.h"
#include "console.h"
#include "core.h"
#include "log.h"
#include "settings.h"
#include "discord.h"
#include "slack.h"
#include "discord_sim.h"
#include "slack_sim.h"

#define STEPS 200       /* loop passes: start-up is done well before */

struct life;

/* One platform: its simulator and adapter, and where start-up is. */
struct platform {
    const char *name;
    void (*open)(struct life *l, struct adapter_env *env);
    void (*close)(struct life *l);
    /* A start-up call is on its way and the connection is not up. */
    bool (*halfway)(struct life *l);
    bool (*connected)(struct life *l);
};

struct life {
    const struct platform *p;
    struct loop          *loop;
    struct ws_ctx        *ws;
    struct http          *http;
    struct slack_sim     *slack;
    struct discord_sim   *discord;
    struct core          *core;
    struct core_settings  set;
    struct clock          clock;
    struct loop_timer    *wake;
    struct adapter       *a;
    int                   fatals;
    bool                  stopped;
};

/* ---- the platforms ---- */

static void
slack_open(struct life *l, struct adapter_env *env)
{
    struct ch_error err = { .status = CH_OK };

    l->slack = slack_sim_new(l->loop, l->ws, NULL);
    assert_non_null(l->slack);
    const struct slack_sim_identity *id = slack_sim_identity(l->slack);
    struct slack_options o = {
        .app_token = id->app_token,
        .bot_token = id->bot_token,
        .api_url = slack_sim_api_url(l->slack),
    };
    l->a = slack_new(&o, env, &err);
    assert_non_null(l->a);
}

static void
slack_close(struct life *l)
{
    slack_sim_free(l->slack);
}

static bool
slack_halfway(struct life *l)
{
    size_t n = slack_sim_call_count(l->slack);

    return n > 0 && slack_sim_open_count(l->slack) == 0;
}

static bool
slack_connected(struct life *l)
{
    return slack_sim_open_count(l->slack) > 0;
}

static void
discord_open(struct life *l, struct adapter_env *env)
{
    struct ch_error err = { .status = CH_OK };
    struct discord_sim_options so = { .identify_interval_ms = -1 };

    l->discord = discord_sim_new(l->loop, l->ws, &so);
    assert_non_null(l->discord);
    struct discord_options o = {
        .token = discord_sim_token(l->discord),
        .api_url = discord_sim_api_base(l->discord),
    };
    l->a = discord_new(&o, env, &err);
    assert_non_null(l->a);
}

static void
discord_close(struct life *l)
{
    discord_sim_free(l->discord);
}

static bool
discord_halfway(struct life *l)
{
    struct discord_sim_stats st;

    discord_sim_stats(l->discord, &st);
    return st.rest_calls > 0 && st.ready == 0;
}

static bool
discord_connected(struct life *l)
{
    struct discord_sim_stats st;

    discord_sim_stats(l->discord, &st);
    return st.ready > 0;
}

static const struct platform slack = {
    .name = "slack", .open = slack_open, .close = slack_close,
    .halfway = slack_halfway, .connected = slack_connected,
};

static const struct platform discord = {
    .name = "discord", .open = discord_open, .close = discord_close,
    .halfway = discord_halfway, .connected = discord_connected,
};

/* ---- one life ---- */

static void
on_kick(void *arg)
{
    (void)arg;
}

static void
on_fatal(void *arg, const char *platform, enum adapter_fatal kind,
         const char *why)
{
    struct life *l = arg;

    (void)platform;
    (void)kind;
    (void)why;
    l->fatals++;
}

static void
on_wake(void *arg)
{
    (void)arg;
}

static void
life_new(struct life *l, const struct platform *p)
{
    struct ch_error err = { .status = CH_OK };

    memset(l, 0, sizeof(*l));
    l->p = p;
    log_set_level(getenv("LIFE_VERBOSE") ? LOG_DEBUG : LOG_ERROR);
    l->loop = loop_new();
    l->ws = ws_ctx_new(l->loop, NULL);
    l->http = http_new(l->loop, NULL);
    l->wake = loop_timer_new(l->loop, on_wake, l);
    settings_defaults(&l->set);
    l->clock = clock_system();
    assert_int_equal(core_new(":memory:", &l->set, &l->clock, &l->core,
                              &err), CH_OK);
    struct adapter_env env = {
        .loop = l->loop, .ws = l->ws, .http = l->http, .core = l->core,
        .kick = on_kick, .fatal = on_fatal, .arg = l,
    };
    p->open(l, &env);
}

/* One pass of the loop, at most 5 ms asleep. */
static void
step(struct life *l)
{
    loop_timer_arm(l->wake, 5);
    loop_run_once(l->loop, true);
}

static void
shutdown_cb(void *arg)
{
    struct life *l = arg;

    ws_ctx_shutdown(l->ws);
    loop_stop(l->loop);
}

/* The daemon's teardown order: the adapter (if still there), then the
 * transport, the simulator, the loop, the core. */
static void
life_free(struct life *l)
{
    adapter_free(l->a);
    http_free(l->http);
    l->p->close(l);
    loop_timer_free(l->wake);
    loop_defer(l->loop, shutdown_cb, l);
    assert_int_equal(loop_run(l->loop), 0);
    ws_ctx_free(l->ws);
    loop_free(l->loop);
    core_free(l->core);
    assert_int_equal(l->fatals, 0);
}

/* ---- the tests ---- */

static void
free_without_start(const struct platform *p)
{
    struct life l;

    life_new(&l, p);
    life_free(&l);
}

/* Free after k passes of the loop, for every k through start-up, until a
 * few after it connected: each state start-up goes through is freed at
 * least once. */
static void
free_without_stop(const struct platform *p)
{
    bool saw_halfway = false;
    int connected = 0;

    for (int k = 0; k < STEPS && connected < 3; k++) {
        struct life l;

        life_new(&l, p);
        assert_int_equal(adapter_start(l.a), 0);
        for (int i = 0; i < k; i++)
            step(&l);
        if (p->halfway(&l))
            saw_halfway = true;
        if (p->connected(&l))
            connected++;
        life_free(&l);
    }
    assert_true(saw_halfway);
    assert_int_equal(connected, 3);
}

static void
on_stopped(void *arg)
{
    struct life *l = arg;

    l->stopped = true;
}

/* The polite way: stop (done from the loop, once), then free. */
static void
stop_then_free(const struct platform *p)
{
    struct life l;
    int64_t deadline;

    life_new(&l, p);
    assert_int_equal(adapter_start(l.a), 0);
    for (int i = 0; i < STEPS && !p->connected(&l); i++)
        step(&l);
    assert_true(p->connected(&l));
    deadline = loop_now_ms(l.loop) + 3000;
    adapter_stop(l.a, deadline, on_stopped, &l);
    assert_false(l.stopped);        /* from the loop, not from stop() */
    for (int i = 0; i < 1000 && !l.stopped; i++)
        step(&l);
    assert_true(l.stopped);
    assert_true(loop_now_ms(l.loop) < deadline);   /* nothing to wait for */
    life_free(&l);
}

static void
test_slack_free_without_start(void **state)
{
    (void)state;
    free_without_start(&slack);
}

static void
test_slack_free_without_stop(void **state)
{
    (void)state;
    free_without_stop(&slack);
}

static void
test_slack_stop_then_free(void **state)
{
    (void)state;
    stop_then_free(&slack);
}

static void
test_discord_free_without_start(void **state)
{
    (void)state;
    free_without_start(&discord);
}

static void
test_discord_free_without_stop(void **state)
{
    (void)state;
    free_without_stop(&discord);
}

static void
test_discord_stop_then_free(void **state)
{
    (void)state;
    stop_then_free(&discord);
}

static void
test_console_stops_at_once(void **state)
{
    struct life l;
    struct console_options o = { 0 };

    (void)state;
    life_new(&l, &slack);           /* any rig: the console needs a loop */
    struct adapter_env env = { .loop = l.loop, .core = l.core, .arg = &l };
    struct adapter *con = console_new(&o, &env);
    struct ch_error err = { .status = CH_OK };
    assert_int_equal(core_attach(l.core, con, &err), CH_OK);
    adapter_stop(con, 0, on_stopped, &l);
    assert_true(l.stopped);
    core_detach(l.core, con);
    adapter_free(con);
    life_free(&l);
}

static enum ch_status
deliver_nothing(struct adapter *a, const struct out_msg *m)
{
    (void)a;
    (void)m;
    return CH_OK;
}

/* core_attach() checks the table: its version, a deliver slot, one
 * adapter per platform name. */
static void
test_core_checks_the_table(void **state)
{
    struct life l;
    struct adapter_ops ops = {
        .version = ADAPTER_OPS_VERSION - 1, .name = "old",
        .deliver = deliver_nothing,
    };
    struct adapter old = { .ops = &ops }, twin = { .ops = &ops };
    struct ch_error err = { .status = CH_OK };

    (void)state;
    life_new(&l, &slack);
    assert_int_equal(core_attach(l.core, &old, &err), CH_INVALID);
    assert_non_null(strstr(err.user, "interface version"));
    ops.version = ADAPTER_OPS_VERSION;
    ops.deliver = NULL;
    assert_int_equal(core_attach(l.core, &old, &err), CH_INVALID);
    ops.deliver = deliver_nothing;
    assert_int_equal(core_attach(l.core, &old, &err), CH_OK);
    assert_int_equal(core_attach(l.core, &twin, &err), CH_INVALID);
    assert_non_null(strstr(err.user, "twice"));
    core_detach(l.core, &old);
    life_free(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_stops_at_once),
        cmocka_unit_test(test_core_checks_the_table),
        cmocka_unit_test(test_slack_free_without_start),
        cmocka_unit_test(test_slack_free_without_stop),
        cmocka_unit_test(test_slack_stop_then_free),
        cmocka_unit_test(test_discord_free_without_start),
        cmocka_unit_test(test_discord_free_without_stop),
        cmocka_unit_test(test_discord_stop_then_free),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
