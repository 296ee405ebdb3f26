/*
 * slack: the adapter's face to the core and the daemon (core/adapter.h):
 * the ops table, rendering, lifecycle.
 *
 * Every delivery is asynchronous (slack_api.c).  A slash command's reply
 * never comes through here: the core hands it back with the command
 * (struct core_result) and slack_events.c puts it on the ack.
 *
 * stop() is polite: no envelope is taken any more (Slack sends unacked
 * events again), no new request starts (what is queued stays pending in
 * the outbox), requests on the wire finish until the deadline (the
 * queue's outq_stop()), every socket closes with a close frame; then
 * done().
 */
#include "slack_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "loop.h"
#include "core.h"
#include "log.h"
#include "when.h"
#include "xmalloc.h"

#define DEFAULT_API_URL "https://slack.com/api"

static const struct slack_timing default_timing = {
    .ping_ms = 5000,
    .stale_ms = 20000,
    .hello_ms = 10000,
    .reconnect_base_ms = 1000,
    .reconnect_max_ms = 60000,
    .link_disabled_ms = 2 * 60 * 1000,
    .link_disabled_max_ms = 30 * 60 * 1000,
    .retry_base_ms = 1000,
    .retry_max_ms = 60000,
};

/* ---- shared helpers ---- */

void
slack_kick(struct slack *sk)
{
    if (!sk->finished)
        sk->env.kick(sk->env.arg);
}

void
slack_fatal(struct slack *sk, enum adapter_fatal kind, const char *fmt,
            ...)
{
    char why[512];
    va_list ap;

    if (sk->failed)
        return;
    sk->failed = true;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    log_error(SLACK_MOD, "cannot go on: %s", why);
    sk->env.fatal(sk->env.arg, "slack", kind, why);
}

void
slack_thread_note(struct slack *sk, int64_t reply_id, const char *channel,
                  const char *ts)
{
    struct slack_thread *t = &sk->threads[sk->nthread++ % SLACK_THREADS];

    t->reply_id = reply_id;
    snprintf(t->channel, sizeof(t->channel), "%s", channel);
    snprintf(t->ts, sizeof(t->ts), "%s", ts);
}

const struct slack_thread *
slack_thread_find(struct slack *sk, int64_t reply_id)
{
    for (size_t i = 0; i < SLACK_THREADS; i++)
        if (sk->threads[i].reply_id == reply_id && reply_id)
            return &sk->threads[i];
    return NULL;
}

/* ---- adapter ops ---- */

static enum ch_status
op_deliver(struct adapter *a, const struct out_msg *m)
{
    return slack_api_deliver(slack_of(a), m);
}

static enum ch_status
op_find_user(struct adapter *a, const char *name, struct buf *out)
{
    (void)a;
    (void)name;
    (void)out;
    return CH_NOT_FOUND;    /* on Slack people are mentioned: <@U…> */
}

bool
slack_is_id(const char *s)
{
    if (!s || !*s || strlen(s) >= SLACK_ID_MAX)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

static void
render_person(struct adapter *a, const char *user_id, const char *name,
              struct buf *out)
{
    (void)a;
    if (!slack_is_id(user_id)) {
        buf_printf(out, "@%s", name ? name : "someone");
        return;
    }
    buf_printf(out, "%c<@%s>%c", SLACK_RAW_OPEN, user_id, SLACK_RAW_CLOSE);
}

static void
render_channel(struct adapter *a, const char *channel_id, const char *slug,
               struct buf *out)
{
    (void)a;
    if (!slack_is_id(channel_id)) {
        buf_printf(out, "#%s", slug ? slug : "");
        return;
    }
    buf_printf(out, "%c<#%s>%c", SLACK_RAW_OPEN, channel_id,
               SLACK_RAW_CLOSE);
}

/* Slack shows <!date^...> in each reader's own zone; the fallback (old
 * clients, notifications) is UTC. */
static void
render_time(struct adapter *a, int64_t utc_ms, struct buf *out)
{
    char fallback[64];
    int64_t secs = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);

    (void)a;
    when_format(utc_ms, "UTC", WHEN_YEAR_ALWAYS, WHEN_LONG, fallback,
                sizeof(fallback));
    for (char *p = fallback; *p; p++)
        if (*p == '|' || *p == '>' || *p == '<' || *p == '&')
            *p = ' ';
    buf_printf(out, "%c<!date^%" PRId64 "^{date_short_pretty} {time}|%s>%c",
               SLACK_RAW_OPEN, secs, fallback, SLACK_RAW_CLOSE);
}

/* ---- lifecycle ---- */

static void
wipe(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

static void
slack_free(struct adapter *a)
{
    struct slack *sk;

    if (!a)
        return;
    sk = slack_of(a);
    /* Sockets first: one still opening points at its
     * apps.connections.open request, which slack_api_free() frees. */
    slack_socket_free_all(sk);
    slack_api_free(sk);
    loop_timer_free(sk->stop_timer);
    wipe(sk->app_token);
    wipe(sk->bot_token);
    wipe(sk->auth_app);
    wipe(sk->auth_bot);
    free(sk);
}

/* The liveness clock follows the ping interval (tests shorten it). */
static void
timing_for_ping(struct slack_timing *t, int64_t ms)
{
    t->ping_ms = ms;
    t->stale_ms = 4 * ms;
    t->hello_ms = 2 * ms > 2000 ? 2 * ms : 2000;
    t->reconnect_base_ms = ms < t->reconnect_base_ms ? ms
                                                     : t->reconnect_base_ms;
}

static bool
check_token(const char *token, const char *what, const char *prefix,
            struct ch_error *err)
{
    if (token == NULL || !*token) {
        ch_fail(err, CH_INVALID, "no %s", what);
        return false;
    }
    if (strncmp(token, prefix, strlen(prefix)) != 0)
        log_warn(SLACK_MOD, "the %s does not start with \"%s\"; Slack will "
                 "probably refuse it", what, prefix);
    return true;
}

static const struct adapter_ops slack_ops;

struct adapter *
slack_new(const struct slack_options *opt, const struct adapter_env *env,
          struct ch_error *err)
{
    const char *url = opt->api_url && *opt->api_url ? opt->api_url
                                                    : DEFAULT_API_URL;
    struct slack *sk;
    size_t n;

    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
        ch_fail(err, CH_INVALID, "the Slack API URL must start with "
                "https:// (or http:// for a local simulator)");
        return NULL;
    }
    if (strlen(url) >= sizeof(sk->api_url)) {
        ch_fail(err, CH_INVALID, "the Slack API URL is too long");
        return NULL;
    }
    if (opt->ping_ms && (opt->ping_ms < 10 || opt->ping_ms > 600000)) {
        ch_fail(err, CH_INVALID, "the Slack ping interval must be 10 to "
                "600000 ms");
        return NULL;
    }
    if (!check_token(opt->app_token, "app-level token", "xapp-", err) ||
        !check_token(opt->bot_token, "bot token", "xoxb-", err))
        return NULL;
    sk = xcalloc(1, sizeof(*sk));
    sk->base.ops = &slack_ops;
    sk->env = *env;
    sk->t = default_timing;
    if (opt->ping_ms)
        timing_for_ping(&sk->t, opt->ping_ms);
    sk->app_token = xstrdup(opt->app_token);
    sk->bot_token = xstrdup(opt->bot_token);
    sk->auth_app = xasprintf("Authorization: Bearer %s", sk->app_token);
    sk->auth_bot = xasprintf("Authorization: Bearer %s", sk->bot_token);
    snprintf(sk->api_url, sizeof(sk->api_url), "%s", url);
    n = strlen(sk->api_url);
    while (n && sk->api_url[n - 1] == '/')
        sk->api_url[--n] = '\0';
    backoff_init(&sk->reconnect, sk->t.reconnect_base_ms,
                 sk->t.reconnect_max_ms, backoff_seed());
    slack_api_new(sk);
    return &sk->base;
}

static void on_reconnect_timer(void *arg);

static int
slack_start(struct adapter *a)
{
    struct slack *sk = slack_of(a);

    if (sk->started)
        return 0;
    sk->started = true;
    sk->reconnect_timer = loop_timer_new(sk->env.loop, on_reconnect_timer,
                                         sk);
    log_info(SLACK_MOD, "starting: Web API at %s", sk->api_url);
    slack_api_start(sk);
    return 0;
}

static void
on_reconnect_timer(void *arg)
{
    struct slack *sk = arg;

    sk->reconnect_armed = false;
    slack_socket_open(sk, "reconnect");
}

static void
call_done(void *arg)
{
    struct slack *sk = arg;

    if (sk->done) {
        void (*done)(void *) = sk->done;

        sk->done = NULL;
        done(sk->done_arg);
    }
}

/* Every socket is closed or given up, and the queue drained: release the
 * loop handles, tell the daemon (from the loop, never from inside an lws
 * or curl callback). */
static void
finish_stop(struct slack *sk)
{
    if (sk->finished)
        return;
    sk->finished = true;
    slack_socket_free_all(sk);
    loop_timer_free(sk->stop_timer);
    sk->stop_timer = NULL;
    log_info(SLACK_MOD, "stopped");
    loop_defer(sk->env.loop, call_done, sk);
}

void
slack_stop_progress(struct slack *sk)
{
    if (!sk->stopping || sk->finished)
        return;
    if (sk->api_drained && slack_socket_count(sk) == 0)
        finish_stop(sk);
}

/* The queue cancels what is left at the same deadline (outq_stop());
 * sockets still closing are dropped here. */
static void
on_stop_deadline(void *arg)
{
    struct slack *sk = arg;

    if (slack_socket_count(sk))
        log_warn(SLACK_MOD, "stop: %zu socket%s still closing at the "
                 "deadline; dropping them", slack_socket_count(sk),
                 slack_socket_count(sk) == 1 ? "" : "s");
    slack_socket_free_all(sk);
    slack_stop_progress(sk);
}

static void
slack_stop(struct adapter *a, int64_t deadline_ms, void (*done)(void *arg),
           void *arg)
{
    struct slack *sk = slack_of(a);
    int64_t now = loop_now_ms(sk->env.loop);

    sk->done = done;
    sk->done_arg = arg;
    if (sk->stopping)
        return;
    sk->stopping = true;
    sk->deadline = deadline_ms;
    log_info(SLACK_MOD, "stopping: %zu request%s in flight, %zu socket%s",
             outq_inflight(sk->outq), outq_inflight(sk->outq) == 1 ? "" : "s",
             slack_socket_count(sk), slack_socket_count(sk) == 1 ? "" : "s");
    slack_api_stop(sk, deadline_ms);
    slack_socket_close_all(sk);
    sk->stop_timer = loop_timer_new(sk->env.loop, on_stop_deadline, sk);
    loop_timer_arm(sk->stop_timer, deadline_ms > now ? deadline_ms - now : 0);
    slack_stop_progress(sk);
}

static const struct adapter_ops slack_ops = {
    .version = ADAPTER_OPS_VERSION,
    .name = "slack",
    .caps = ADAPTER_CAP_BUTTONS | ADAPTER_CAP_EPHEMERAL | ADAPTER_CAP_PIN |
            ADAPTER_CAP_LOCAL_TIME | ADAPTER_CAP_PROFILES,
    .deliver = op_deliver,
    .find_user = op_find_user,
    .render_person = render_person,
    .render_channel = render_channel,
    .render_time = render_time,
    .start = slack_start,
    .stop = slack_stop,
    .free = slack_free,
};
