/*
 * test_web: the daemon's HTTP server (adapters/web) on a real socket on
 * 127.0.0.1: /healthz ready and not, /metrics with and without the admin
 * token (read back as Prometheus text by the small parser below), 404,
 * 405, 414, 431, and a slow client dropped by the timeout while others
 * are served.  The server runs on a loop in a second thread; the
 * requests come from the test's thread with plain blocking sockets, so
 * nothing here shares lws or curl with the code under test.
 */
#define _GNU_SOURCE 1
#include "core_fixture.h"

#include <errno.h>
#include <libical/ical.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "loop.h"
#include "metrics.h"
#include "web.h"
#include "web_client.h"
#include "ws.h"

#define TOKEN "s3cret-admin-token"

struct served {
    struct fx          *fx;
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct web         *web;
    struct loop_timer  *poll;
    int                 port;
    volatile int        done;
    volatile int        ready;      /* what the health hook answers */
    void              (*client)(struct served *s);
    pthread_t           thread;
};

static bool
health_hook(void *arg, struct buf *why)
{
    struct served *s = arg;
    if (!s->ready)
        buf_adds(why, "slack: not connected\n");
    return s->ready;
}

static void
on_poll(void *arg)
{
    struct served *s = arg;
    if (!s->done) {
        loop_timer_arm(s->poll, 5);
        return;
    }
    loop_timer_free(s->poll);
    web_free(s->web);
    ws_ctx_shutdown(s->ws);
    loop_stop(s->loop);
}

static void *
loop_main(void *arg)
{
    struct served *s = arg;
    loop_run(s->loop);
    return NULL;
}

/* Serve on a loop of its own thread while client runs on this one (a
 * failed assertion in the client must be on cmocka's thread). */
static void
serve(struct fx *fx, void (*client)(struct served *s))
{
    struct served s = { .fx = fx, .ready = 1, .client = client };
    struct ws_ctx_options wo = { .max_http_header_data = WEB_HEADER_BUFFER };
    struct web_options o = {
        .port = 0, .admin_token = TOKEN, .timeout_s = 1,
        .core = fx->core, .health = health_hook, .arg = &s,
    };

    s.loop = loop_new();
    assert_non_null(s.loop);
    s.ws = ws_ctx_new(s.loop, &wo);
    assert_non_null(s.ws);
    s.web = web_listen(s.loop, s.ws, &o, &s.port);
    assert_non_null(s.web);
    assert_true(s.port > 0);
    s.poll = loop_timer_new(s.loop, on_poll, &s);
    loop_timer_arm(s.poll, 5);
    assert_int_equal(pthread_create(&s.thread, NULL, loop_main, &s), 0);
    client(&s);
    s.done = 1;
    pthread_join(s.thread, NULL);
    ws_ctx_free(s.ws);
    loop_free(s.loop);
}

/* ---- the tests ---- */

static void
client_health(struct served *s)
{
    struct reply r;

    get(s->port, "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "ready\n");
    free_reply(&r);
    s->ready = 0;
    get(s->port, "/healthz", NULL, &r);
    assert_int_equal(r.status, 503);
    assert_string_equal(r.body, "not ready\nslack: not connected\n");
    free_reply(&r);
}

static void
test_healthz(void **state)
{
    serve(*state, client_health);
}

static void
client_tokens(struct served *s)
{
    struct reply r, other;

    get(s->port, "/metrics", NULL, &r);
    assert_int_equal(r.status, 401);
    assert_string_equal(r.body, "unauthorized\n");
    assert_null(strstr(r.body, "chorus_"));
    get(s->port, "/metrics", "Authorization: Bearer s3cret-admin-tokeX\r\n",
        &other);
    assert_int_equal(other.status, 401);
    assert_string_equal(other.body, r.body);
    free_reply(&other);
    get(s->port, "/metrics?token=s3cret", NULL, &other);
    assert_int_equal(other.status, 401);
    assert_string_equal(other.body, r.body);
    free_reply(&other);
    free_reply(&r);
    get(s->port, "/metrics?token=" TOKEN, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strcasestr(r.head, "content-type: text/plain; "
                                       "version=0.0.4"));
    free_reply(&r);
    get(s->port, "/nope", NULL, &r);
    assert_int_equal(r.status, 404);
    free_reply(&r);
    get(s->port, "/metrics/x", "Authorization: Bearer " TOKEN "\r\n", &r);
    assert_int_equal(r.status, 404);
    free_reply(&r);
    /* A route's bare name, or a name it only starts with, is no route. */
    static const char *const near[] = { "/calendar", "/calendars/x.ics",
                                        "/export", "/exports/t/s/a.csv",
                                        "/dashboards" };
    for (size_t i = 0; i < sizeof(near) / sizeof(*near); i++) {
        get(s->port, near[i], NULL, &r);
        assert_int_equal(r.status, 404);
        free_reply(&r);
    }
}

static void
test_tokens_and_paths(void **state)
{
    serve(*state, client_tokens);
}

static void
client_metrics(struct served *s)
{
    struct reply r;
    struct sample sm[256];
    char bad[512] = "";

    get(s->port, "/metrics", "Authorization: Bearer " TOKEN "\r\n", &r);
    assert_int_equal(r.status, 200);
    int n = prom_parse(r.body, sm, 256, bad, sizeof(bad));
    if (n < 0)
        fail_msg("not Prometheus text: %s", bad);
    /* Set up by the test below, counted where they happen. */
    assert_true(prom_value(sm, n, "chorus_commands_total",
                           "command=\"new\"") >= 1);
    assert_true(prom_value(sm, n, "chorus_events_total",
                           "kind=\"command\"") >= 2);
    assert_true(prom_value(sm, n, "chorus_platform_429_total",
                           "platform=\"testplat\"") == 2);
    assert_true(prom_value(sm, n, "chorus_platform_connected",
                           "platform=\"testplat\"") == 1);
    assert_true(prom_value(sm, n, "chorus_outbox_backlog", NULL) >= 0);
    assert_true(prom_value(sm, n, "chorus_jobs_pending", NULL) >= 0);
    assert_true(prom_value(sm, n, "chorus_escalations_open", NULL) == 1);
    assert_true(prom_value(sm, n, "chorus_delivery_latency_seconds_count",
                           NULL) >= 1);
    assert_true(prom_value(sm, n, "chorus_delivery_latency_seconds_sum",
                           NULL) >= 0);
    free_reply(&r);
}

static void
test_metrics(void **state)
{
    struct fx *fx = *state;

    assert_int_equal(fx_run(fx, "admin", NULL,
                            "new spring brand:Acme from:2026-12-01 "
                            "to:2026-12-31"), CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL, "escalate spring the brief "
                            "is late"), CH_OK);
    metrics_count("chorus_platform_429_total", "platform", "testplat", 2);
    metrics_set("chorus_platform_connected", "platform", "testplat", 1);
    serve(fx, client_metrics);
}

/* Send head + n copies of c + tail and read the answer. */
static void
padded(int port, const char *head, size_t n, char c, const char *tail,
       struct reply *r)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *req = malloc(hl + n + tl);

    memcpy(req, head, hl);
    memset(req + hl, c, n);
    memcpy(req + hl + n, tail, tl);
    exchange(port, req, hl + n + tl, r);
    free(req);
}

static void
client_limits(struct served *s)
{
    struct reply r;

    /* 414: a request line over the limit. */
    padded(s->port, "GET /healthz?pad=", WEB_DEFAULT_MAX_URI + 100, 'a',
           " HTTP/1.1\r\nHost: x\r\n\r\n", &r);
    assert_int_equal(r.status, 414);
    free_reply(&r);
    /* 431: headers over the limit, under lws's buffer. */
    padded(s->port, "GET /healthz HTTP/1.1\r\nHost: x\r\nCookie: ",
           WEB_DEFAULT_MAX_URI + WEB_DEFAULT_MAX_HEADERS + 100, 'c',
           "\r\n\r\n", &r);
    assert_int_equal(r.status, 431);
    free_reply(&r);
    /* 405: only GET. */
    const char post[] = "POST /metrics HTTP/1.1\r\nHost: x\r\n"
                        "Content-Length: 2\r\n\r\n{}";
    exchange(s->port, post, sizeof(post) - 1, &r);
    assert_int_equal(r.status, 405);
    free_reply(&r);
}

static void
test_limits(void **state)
{
    serve(*state, client_limits);
}

static int64_t
mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
client_slow(struct served *s)
{
    struct reply r;
    int slow = dial(s->port);
    const char part[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    char c;

    assert_true(slow >= 0);
    assert_int_equal(send(slow, part, sizeof(part) - 1, MSG_NOSIGNAL),
                     (ssize_t)(sizeof(part) - 1));
    /* Others are served meanwhile: the slow one holds no loop. */
    int64_t t0 = mono_ms();
    get(s->port, "/healthz", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_true(mono_ms() - t0 < 500);
    free_reply(&r);
    /* timeout_s is 1: lws checks timeouts once a second. */
    t0 = mono_ms();
    ssize_t n = recv(slow, &c, 1, 0);
    int64_t waited = mono_ms() - t0;
    assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
    assert_true(waited < 4000);
    close(slow);
}

static void
test_slow_client(void **state)
{
    serve(*state, client_slow);
}

/* The token of the last calendar link in fx's reply. */
static void
link_token(struct fx *fx, char out[65])
{
    const char *p = strstr(fx->reply, "/calendar/");

    assert_non_null(p);
    assert_true(strlen(p) > 10 + 64);
    memcpy(out, p + 10, 64);
    out[64] = '\0';
}

static char cal_old[65], cal_new[65], cal_carol[65], export_carol[65];

/* Parse an iCalendar answer back with libical: its VEVENT summaries. */
static int
ical_events(const char *text, char sums[][160], int max, int64_t *first_at)
{
    icalcomponent *cal = icalparser_parse_string(text);
    int n = 0;

    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    for (icalcomponent *ev = icalcomponent_get_first_component(
             cal, ICAL_VEVENT_COMPONENT);
         ev; ev = icalcomponent_get_next_component(cal,
                                                   ICAL_VEVENT_COMPONENT)) {
        if (n == 0 && first_at)
            *first_at = (int64_t)icaltime_as_timet_with_zone(
                            icalcomponent_get_dtstart(ev),
                            icaltimezone_get_utc_timezone()) * 1000;
        if (n < max)
            snprintf(sums[n], 160, "%s", icalcomponent_get_summary(ev));
        n++;
    }
    icalcomponent_free(cal);
    return n;
}

static void
client_calendar(struct served *s)
{
    struct reply r;
    char path[256], sums[8][160];
    int64_t first = 0;

    /* Bob's own: two deadlines of his one deliverable, draft first. */
    snprintf(path, sizeof(path), "/calendar/%s.ics", cal_new);
    get(s->port, path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strcasestr(r.head, "content-type: text/calendar"));
    assert_int_equal(ical_events(r.body, sums, 8, &first), 2);
    assert_string_equal(sums[0], "Draft due: Unboxing reel (spring#1, bob)");
    assert_string_equal(sums[1],
                        "Publish due: Unboxing reel (spring#1, bob)");
    assert_true(first == fx_utc(2026, 12, 5, 18, 0));
    free_reply(&r);
    /* The campaign's: erin's deliverable too. */
    snprintf(path, sizeof(path), "/calendar/%s/spring.ics", cal_new);
    get(s->port, path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(ical_events(r.body, sums, 8, NULL), 4);
    free_reply(&r);
    /* The replaced link, a made-up one, a campaign that does not exist
     * and one he has no part in: the same 401. */
    const char *refused[] = { "/calendar/%s.ics", "/calendar/%s/nope.ics",
                              "/calendar/%s/autumn.ics" };
    const char *tokens[] = { cal_old, cal_new, cal_new };
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), refused[i], tokens[i]);
        get(s->port, path, NULL, &r);
        assert_int_equal(r.status, 401);
        assert_string_equal(r.body, "unauthorized\n");
        free_reply(&r);
    }
    get(s->port, "/calendar/0123456789abcdef0123456789abcdef0123456789abcdef"
                 "0123456789abcdef.ics", NULL, &r);
    assert_int_equal(r.status, 401);
    free_reply(&r);
    /* Carol's export of her brand's campaigns, as a browser downloads
     * it: the brand's name percent-encoded in the path, which lws
     * decodes before the route sees it. */
    snprintf(path, sizeof(path), "/export/%s/%%41cme/payouts.csv",
             export_carol);
    get(s->port, path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strcasestr(r.head, "content-type: text/csv; "
                                       "charset=utf-8"));
    assert_non_null(strcasestr(r.head, "content-disposition: attachment; "
                                       "filename=\"chorus-Acme-payouts.csv\""));
    assert_string_equal(r.body, "campaign,brand,ref,title,creator,state,"
                                "delivered,fee,currency,late rule,"
                                "late because,owed\r\n");
    free_reply(&r);
    snprintf(path, sizeof(path), "/export/%s/spring/payouts.csv",
             export_carol);
    get(s->port, path, NULL, &r);
    assert_int_equal(r.status, 401);
    assert_null(strcasestr(r.head, "content-disposition"));
    free_reply(&r);
    /* Carol, who runs autumn, sees its calendar. */
    snprintf(path, sizeof(path), "/calendar/%s/autumn.ics", cal_carol);
    get(s->port, path, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(ical_events(r.body, sums, 8, NULL), 0);
    free_reply(&r);
}

static void
test_calendar(void **state)
{
    struct fx *fx = *state;

    assert_int_equal(fx_run(fx, "admin", NULL, "new spring brand:Acme"),
                     CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL, "new autumn brand:Acme"),
                     CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL,
                            "add autumn carol role:coordinator"), CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL,
                            "add spring bob role:creator"), CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL,
                            "add spring erin role:creator"), CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL,
                            "deliverable spring bob \"Unboxing reel\" "
                            "draft:2026-12-05 publish:2026-12-10"), CH_OK);
    assert_int_equal(fx_run(fx, "admin", NULL,
                            "deliverable spring erin \"Story\" "
                            "draft:2026-12-06 publish:2026-12-11"), CH_OK);
    assert_int_equal(fx_run(fx, "bob", NULL, "calendar"), CH_OK);
    link_token(fx, cal_old);
    assert_int_equal(fx_run(fx, "bob", NULL, "calendar"), CH_OK);
    link_token(fx, cal_new);
    assert_string_not_equal(cal_old, cal_new);
    assert_int_equal(fx_run(fx, "carol", NULL, "calendar"), CH_OK);
    link_token(fx, cal_carol);
    assert_int_equal(fx_run(fx, "carol", NULL, "export Acme"), CH_OK);
    const char *e = strstr(fx->reply, "/export/");
    assert_non_null(e);
    memcpy(export_carol, e + 8, 64);
    /* Only hashes are stored. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM web_tokens"), 3);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM web_tokens WHERE hash = '%s'", cal_new);
    assert_int_equal(fx_int(fx, sql), 0);
    serve(fx, client_calendar);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthz, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_tokens_and_paths, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_metrics, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_limits, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_slow_client, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_calendar, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
