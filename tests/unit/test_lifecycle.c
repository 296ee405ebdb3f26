/*
 * test_lifecycle: every platform follows one rule (core/adapter.h):
 * *_new() creates it, start() begins, stop() finishes politely and calls
 * done() once, free() releases -- and free() without stop() is safe
 * once the loop has ended, whatever was in flight.  Run in-process
 * against the simulators, under the sanitizers: a use-after-free on any
 * of these paths fails the test.  Also: the core refuses an adapter table
 * of another interface version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "adapter.h"
#include "clock.h"
#include "console.h"
#include "core.h"
#include "discord.h"
#include "discord_sim.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "settings.h"
#include "slack.h"
#include "slack_sim.h"
#include "ws.h"

#define WAIT_MS 10000

struct rig {
    struct loop          *loop;
    struct ws_ctx        *ws;
    struct http          *http;
    struct core          *core;
    struct core_settings  set;
    struct clock          clock;
    struct adapter_env    env;
    struct slack_sim     *ssim;
    struct discord_sim   *dsim;
    struct adapter       *a;
    int                   stopped;   /* done() calls */
    int                   fatal;
};

static void
on_kick(void *arg)
{
    (void)arg;
}

static void
on_fatal(void *arg, const char *platform, const char *why)
{
    struct rig *r = arg;
    (void)platform;
    (void)why;
    r->fatal++;
}

static void
on_stopped(void *arg)
{
    struct rig *r = arg;
    r->stopped++;
}

static int
rig_setup(void **state)
{
    static struct rig r;
    memset(&r, 0, sizeof(r));
    log_set_level(LOG_ERROR);
    r.loop = loop_new();
    r.ws = ws_ctx_new(r.loop, NULL);
    r.http = http_new(r.loop, NULL);
    settings_defaults(&r.set);
    r.clock = clock_system();
    struct ch_error err = { 0 };
    if (core_new(":memory:", &r.set, &r.clock, &r.core, &err) != CH_OK)
        fail_msg("core_new: %s", err.user);
    r.env = (struct adapter_env){
        .loop = r.loop, .ws = r.ws, .http = r.http, .core = r.core,
        .kick = on_kick, .fatal = on_fatal, .arg = &r,
    };
    *state = &r;
    return 0;
}

static void
shutdown_cb(void *arg)
{
    struct rig *r = arg;
    http_free(r->http);
    r->http = NULL;
    ws_ctx_shutdown(r->ws);
    loop_stop(r->loop);
}

/* The daemon's teardown order: platforms, simulators, transport, loop. */
static int
rig_teardown(void **state)
{
    struct rig *r = *state;
    if (r->a) {
        core_detach(r->core, r->a);
        adapter_free(r->a);
    }
    slack_sim_free(r->ssim);
    discord_sim_free(r->dsim);
    loop_defer(r->loop, shutdown_cb, r);
    assert_int_equal(loop_run(r->loop), 0);
    ws_ctx_free(r->ws);
    loop_free(r->loop);
    core_free(r->core);
    return 0;
}

static void
attach(struct rig *r)
{
    struct ch_error err = { 0 };
    assert_non_null(r->a);
    assert_int_equal(core_attach(r->core, r->a, &err), CH_OK);
}

/* --- Slack --------------------------------------------------------------- */

static void
slack_up(struct rig *r)
{
    struct slack_sim_options so = { .ping_interval_ms = -1 };
    r->ssim = slack_sim_new(r->loop, r->ws, &so);
    assert_non_null(r->ssim);
    const struct slack_sim_identity *id = slack_sim_identity(r->ssim);
    struct slack_options o = {
        .app_token = id->app_token,
        .bot_token = id->bot_token,
        .api_url = slack_sim_api_url(r->ssim),
    };
    struct ch_error err = { 0 };
    r->a = slack_new(&o, &r->env, &err);
    attach(r);
}

/* Freed while its first socket is still being opened: the socket points
 * at its apps.connections.open request, which the API layer frees. */
static void
slack_freed_while_connecting(void **state)
{
    struct rig *r = *state;
    slack_up(r);
    assert_int_equal(adapter_start(r->a), 0);
    assert_true(slack_sim_wait_calls(r->ssim, "apps.connections.open", 1,
                                     WAIT_MS));
    core_detach(r->core, r->a);
    adapter_free(r->a);
    r->a = NULL;
    assert_int_equal(r->stopped, 0);
}

static void
slack_freed_when_connected(void **state)
{
    struct rig *r = *state;
    slack_up(r);
    assert_int_equal(adapter_start(r->a), 0);
    assert_true(slack_sim_wait_open(r->ssim, 1, WAIT_MS));
}

static bool
stopped_once(void *arg)
{
    return ((struct rig *)arg)->stopped > 0;
}

static void
slack_stopped_then_freed(void **state)
{
    struct rig *r = *state;
    slack_up(r);
    assert_int_equal(adapter_start(r->a), 0);
    assert_true(slack_sim_wait_open(r->ssim, 1, WAIT_MS));
    adapter_stop(r->a, loop_now_ms(r->loop) + 2000, on_stopped, r);
    assert_true(slack_sim_wait(r->ssim, stopped_once, r, WAIT_MS));
    slack_sim_run_for(r->ssim, 50);
    assert_int_equal(r->stopped, 1);
    assert_int_equal(r->fatal, 0);
}

static void
slack_never_started(void **state)
{
    struct rig *r = *state;
    slack_up(r);
}

/* --- Discord ------------------------------------------------------------- */

static void
discord_up(struct rig *r)
{
    struct discord_sim_options so = { .heartbeat_interval_ms = 1000 };
    r->dsim = discord_sim_new(r->loop, r->ws, &so);
    assert_non_null(r->dsim);
    struct discord_options o = {
        .token = discord_sim_token(r->dsim),
        .api_url = discord_sim_api_base(r->dsim),
        .guild = discord_sim_guild_id(r->dsim),
        .application_id = discord_sim_app_id(r->dsim),
    };
    struct ch_error err = { 0 };
    r->a = discord_new(&o, &r->env, &err);
    attach(r);
}

static bool
d_stopped_once(struct discord_sim *sim, void *arg)
{
    (void)sim;
    return ((struct rig *)arg)->stopped > 0;
}

static void
discord_freed_while_connecting(void **state)
{
    struct rig *r = *state;
    discord_up(r);
    assert_int_equal(adapter_start(r->a), 0);
    discord_sim_run_for(r->dsim, 5);     /* requests and the socket open */
}

static void
discord_freed_when_ready(void **state)
{
    struct rig *r = *state;
    discord_up(r);
    assert_int_equal(adapter_start(r->a), 0);
    assert_true(discord_sim_wait_ready(r->dsim, 1, WAIT_MS));
}

static void
discord_stopped_then_freed(void **state)
{
    struct rig *r = *state;
    discord_up(r);
    assert_int_equal(adapter_start(r->a), 0);
    assert_true(discord_sim_wait_ready(r->dsim, 1, WAIT_MS));
    adapter_stop(r->a, loop_now_ms(r->loop) + 2000, on_stopped, r);
    assert_true(discord_sim_wait(r->dsim, d_stopped_once, r, WAIT_MS));
    assert_int_equal(r->stopped, 1);
    assert_int_equal(r->fatal, 0);
}

static void
discord_never_started(void **state)
{
    struct rig *r = *state;
    discord_up(r);
}

/* --- the console and the table ------------------------------------------- */

static void
console_stop_is_immediate(void **state)
{
    struct rig *r = *state;
    struct console_options o = { 0 };
    r->a = console_new(&o, &r->env);
    attach(r);
    adapter_stop(r->a, 0, on_stopped, r);
    assert_int_equal(r->stopped, 1);
}

static enum ch_status
no_deliver(struct adapter *a, const struct out_msg *m)
{
    (void)a;
    (void)m;
    return CH_OK;
}

static void
other_versions_are_refused(void **state)
{
    struct rig *r = *state;
    struct adapter_ops ops = {
        .version = ADAPTER_OPS_VERSION - 1, .name = "old",
        .deliver = no_deliver,
    };
    struct adapter old = { .ops = &ops };
    struct ch_error err = { 0 };
    assert_int_equal(core_attach(r->core, &old, &err), CH_INVALID);
    assert_non_null(strstr(err.user, "interface version"));
    ops.version = ADAPTER_OPS_VERSION;
    ops.deliver = NULL;
    assert_int_equal(core_attach(r->core, &old, &err), CH_INVALID);
    ops.deliver = no_deliver;
    assert_int_equal(core_attach(r->core, &old, &err), CH_OK);
    struct adapter twin = { .ops = &ops };
    assert_int_equal(core_attach(r->core, &twin, &err), CH_INVALID);
    assert_non_null(strstr(err.user, "twice"));
    core_detach(r->core, &old);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, rig_setup, rig_teardown)
    const struct CMUnitTest tests[] = {
        T(slack_freed_while_connecting),
        T(slack_freed_when_connected),
        T(slack_stopped_then_freed),
        T(slack_never_started),
        T(discord_freed_while_connecting),
        T(discord_freed_when_ready),
        T(discord_stopped_then_freed),
        T(discord_never_started),
        T(console_stop_is_immediate),
        T(other_versions_are_refused),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
