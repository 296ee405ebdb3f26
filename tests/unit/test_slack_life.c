/*
 * test_slack_life: the Slack adapter's lifecycle, in one process, against
 * the simulator on the same loop: create, start, stop, free; free without
 * start; and free without stop at every point of start-up (auth.test on
 * the wire, apps.connections.open on the wire, the socket opening, then
 * connected).  Free must release everything and read no freed memory at
 * each of them: a socket still opening points at its
 * apps.connections.open request, so the sockets go first (ASan and
 * LeakSanitizer watch the whole run).
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
#include "core.h"
#include "log.h"
#include "settings.h"
#include "slack.h"
#include "slack_sim.h"

#define STEPS 60        /* loop passes: start-up is done well before */

struct life {
    struct loop          *loop;
    struct ws_ctx        *ws;
    struct http          *http;
    struct slack_sim     *sim;
    struct core          *core;
    struct core_settings  set;
    struct clock          clock;
    struct loop_timer    *wake;
    struct adapter       *a;
    int                   fatals;
    bool                  stopped;
};

static void
on_kick(void *arg)
{
    (void)arg;
}

static void
on_fatal(void *arg, const char *platform, const char *why)
{
    struct life *l = arg;

    (void)platform;
    (void)why;
    l->fatals++;
}

static void
on_wake(void *arg)
{
    (void)arg;
}

static void
life_new(struct life *l)
{
    struct ch_error err = { .status = CH_OK };

    memset(l, 0, sizeof(*l));
    log_set_level(getenv("LIFE_VERBOSE") ? LOG_DEBUG : LOG_ERROR);
    l->loop = loop_new();
    l->ws = ws_ctx_new(l->loop, NULL);
    l->http = http_new(l->loop, NULL);
    l->sim = slack_sim_new(l->loop, l->ws, NULL);
    assert_non_null(l->sim);
    l->wake = loop_timer_new(l->loop, on_wake, l);
    settings_defaults(&l->set);
    l->clock = clock_system();
    assert_int_equal(core_new(":memory:", &l->set, &l->clock, &l->core,
                              &err), CH_OK);

    const struct slack_sim_identity *id = slack_sim_identity(l->sim);
    struct slack_options o = {
        .app_token = id->app_token,
        .bot_token = id->bot_token,
        .api_url = slack_sim_api_url(l->sim),
    };
    struct adapter_env env = {
        .loop = l->loop, .ws = l->ws, .http = l->http, .core = l->core,
        .kick = on_kick, .fatal = on_fatal, .arg = l,
    };
    l->a = slack_new(&o, &env, &err);
    assert_non_null(l->a);
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
    slack_sim_free(l->sim);
    loop_timer_free(l->wake);
    loop_defer(l->loop, shutdown_cb, l);
    assert_int_equal(loop_run(l->loop), 0);
    ws_ctx_free(l->ws);
    loop_free(l->loop);
    core_free(l->core);
    assert_int_equal(l->fatals, 0);
}

static bool
has_call(struct life *l, const char *method)
{
    for (size_t i = 0; i < slack_sim_call_count(l->sim); i++)
        if (strcmp(slack_sim_call_at(l->sim, i)->method, method) == 0)
            return true;
    return false;
}

static void
test_free_without_start(void **state)
{
    struct life l;

    (void)state;
    life_new(&l);
    life_free(&l);
}

/* Free after k passes of the loop, for every k through start-up: each
 * state start-up goes through is freed at least once. */
static void
test_free_without_stop(void **state)
{
    bool saw_url = false, saw_open = false;
    int opened = 0;

    (void)state;
    for (int k = 0; k < STEPS && opened < 3; k++) {
        struct life l;

        life_new(&l);
        assert_int_equal(adapter_start(l.a), 0);
        for (int i = 0; i < k; i++)
            step(&l);
        if (has_call(&l, "apps.connections.open") &&
            slack_sim_open_count(l.sim) == 0)
            saw_url = true;
        if (slack_sim_open_count(l.sim) > 0) {
            saw_open = true;
            opened++;           /* connected: a few more, then enough */
        }
        life_free(&l);
    }
    assert_true(saw_url);
    assert_true(saw_open);
}

static void
on_stopped(void *arg)
{
    struct life *l = arg;

    l->stopped = true;
}

/* The polite way: stop (done from the loop, once), then free. */
static void
test_stop_then_free(void **state)
{
    struct life l;
    int64_t deadline;

    (void)state;
    life_new(&l);
    assert_int_equal(adapter_start(l.a), 0);
    for (int i = 0; i < STEPS && slack_sim_open_count(l.sim) == 0; i++)
        step(&l);
    assert_true(slack_sim_open_count(l.sim) > 0);
    deadline = loop_now_ms(l.loop) + 2000;
    adapter_stop(l.a, deadline, on_stopped, &l);
    assert_false(l.stopped);        /* from the loop, not from stop() */
    for (int i = 0; i < 400 && !l.stopped; i++)
        step(&l);
    assert_true(l.stopped);
    assert_true(loop_now_ms(l.loop) < deadline);   /* nothing to wait for */
    life_free(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_free_without_start),
        cmocka_unit_test(test_free_without_stop),
        cmocka_unit_test(test_stop_then_free),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
