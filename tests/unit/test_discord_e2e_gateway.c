/*
 * test_discord_e2e_gateway: gateway faults that keep the session, during
 * a stream of interactions (op 7, op 9 true, a silent drop, the resumable
 * close codes, a zombie connection), and the close codes that stop the
 * daemon.  Every interaction the sim delivered must be answered in its
 * 3-second window and applied exactly once; resume, never a new Identify.
 * The faults that start a new session are in test_discord_e2e_session.c.
 */
#include "discord_e2e_fixture.h"

struct fault {
    const char *name;
    void      (*fn)(struct e2e *e, void *arg);
    int         code;   /* close code, for the close faults */
    int         our_close;  /* the code the daemon must close with, or 0 */
};

static void
f_reconnect(struct e2e *e, void *arg)
{
    (void)arg;
    discord_sim_gateway_reconnect(e->sim);
}

static void
f_invalid_resumable(struct e2e *e, void *arg)
{
    (void)arg;
    discord_sim_gateway_invalid_session(e->sim, true);
}

static void
f_drop(struct e2e *e, void *arg)
{
    (void)arg;
    discord_sim_gateway_drop(e->sim);
}

static void
f_close(struct e2e *e, void *arg)
{
    discord_sim_gateway_close(e->sim, *(const int *)arg, NULL);
}

static void
f_heartbeat_request(struct e2e *e, void *arg)
{
    (void)arg;
    discord_sim_gateway_request_heartbeat(e->sim);
}

static const struct fault resume_faults[] = {
    { .name = "op 7", .fn = f_reconnect, .our_close = 4000 },
    { .name = "op 9 true", .fn = f_invalid_resumable, .our_close = 4000 },
    { .name = "drop", .fn = f_drop },
    { .name = "close 4000", .fn = f_close, .code = 4000 },
    { .name = "close 4001", .fn = f_close, .code = 4001 },
    { .name = "close 4002", .fn = f_close, .code = 4002 },
    { .name = "close 4003", .fn = f_close, .code = 4003 },
    { .name = "close 4005", .fn = f_close, .code = 4005 },
    { .name = "close 4008", .fn = f_close, .code = 4008 },
};

/* Every resumable fault in turn, each during its own burst of the
 * stream; then the whole stream is checked.  Short waits: a fault comes
 * more than E2E_STABLE_MS after the last resume, so every reconnect is
 * the quick first one, as a fault on a long-healthy connection gets. */
static void
test_resume_faults(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_short_waits(e);
    e2e_start(e);
    e2e_campaign(e, "stream");
    struct e2e_stream *s = xcalloc(1, sizeof(*s));
    struct discord_sim_stats st0, before, after;
    discord_sim_stats(e->sim, &st0);
    for (size_t i = 0; i < sizeof(resume_faults) / sizeof(*resume_faults);
         i++) {
        const struct fault *f = &resume_faults[i];
        struct discord_sim_conn_info old;
        discord_sim_stats(e->sim, &before);
        e2e_check(e, discord_sim_conn_last(e->sim, &old));
        int code = f->code;
        e2e_stream_run(e, s, "stream", 650, 40, 200, f->fn, &code);
        if (!discord_sim_wait_resumed(e->sim, before.resumed + 1,
                                      E2E_WAIT_MS)) {
            e2e_dump(e);
            fail_msg("no resume after %s", f->name);
        }
        discord_sim_stats(e->sim, &after);
        if (after.identifies != st0.identifies ||
            after.resumes != before.resumes + 1) {
            e2e_dump(e);
            fail_msg("%s: identifies %d -> %d, resumes %d -> %d", f->name,
                     st0.identifies, after.identifies, before.resumes,
                     after.resumes);
        }
        discord_sim_conn(e->sim, (size_t)old.id - 1, &old);
        if (f->our_close && old.close_received != f->our_close) {
            e2e_dump(e);
            fail_msg("%s: the daemon closed with %d", f->name,
                     old.close_received);
        }
        e2e_check(e, old.close_received != 1000 &&
                         old.close_received != 1001);
    }
    /* A server's heartbeat request is answered at once. */
    size_t beats = discord_sim_gw_count(e->sim);
    f_heartbeat_request(e, NULL);
    e2e_check(e, discord_sim_wait_gw(e->sim, 1, beats, 500) != SIZE_MAX);

    struct e2e_stream_result r = e2e_stream_check(e, s);
    if (r.delivered != s->n || r.answered != r.delivered ||
        r.applied_twice || r.lost || r.phantom) {
        e2e_dump(e);
        fail_msg("sent %d delivered %d answered %d late %d twice %d lost %d "
                 "phantom %d", s->n, r.delivered, r.answered, r.late,
                 r.applied_twice, r.lost, r.phantom);
    }
    free(s);
    e2e_finish(e, 0);
}

/* ACKs stop: detected within two heartbeat intervals, closed with a
 * non-1000 code, resumed; nothing lost meanwhile.  The Hello asks for
 * half the usual interval, so the intervals this waits for are short. */
static void
test_zombie(void **state)
{
    struct discord_sim_options o = e2e_sim_defaults();
    o.heartbeat_interval_ms = e2e_heartbeat_ms() / 2;
    int beat = o.heartbeat_interval_ms;
    struct e2e *e = e2e_new(state, &o);
    e2e_start(e);
    e2e_campaign(e, "stream");
    struct e2e_stream *s = xcalloc(1, sizeof(*s));
    struct discord_sim_stats before, after;
    struct discord_sim_conn_info zombie;
    discord_sim_stats(e->sim, &before);
    e2e_check(e, discord_sim_conn_last(e->sim, &zombie));
    /* Let a beat or two pass so the timing is not the first jittered one. */
    e2e_stream_run(e, s, "stream", beat * 3 / 2, 50, 0, NULL, NULL);
    int64_t t0 = loop_now_ms(e->loop);
    discord_sim_gateway_zombie(e->sim, true);
    e2e_stream_run(e, s, "stream", beat * 3, 50, 0, NULL, NULL);
    e2e_check(e, discord_sim_wait_resumed(e->sim, before.resumed + 1,
                                          E2E_WAIT_MS));
    discord_sim_conn(e->sim, (size_t)zombie.id - 1, &zombie);
    e2e_check(e, zombie.closed_ms > 0);
    int64_t detect = zombie.closed_ms - t0;
    if (getenv("E2E_VERBOSE"))
        fprintf(stderr, "zombie detected in %lld ms (interval %d)\n",
                (long long)detect, beat);
    e2e_check(e, detect <= 2 * beat + 100);
    e2e_check(e, zombie.close_received == 4000);
    e2e_stream_run(e, s, "stream", 500, 50, 0, NULL, NULL);
    discord_sim_stats(e->sim, &after);
    e2e_check(e, after.identifies == before.identifies);
    struct e2e_stream_result r = e2e_stream_check(e, s);
    if (r.delivered != s->n || r.answered != r.delivered ||
        r.applied_twice || r.lost || r.phantom) {
        e2e_dump(e);
        fail_msg("sent %d delivered %d answered %d late %d twice %d lost %d "
                 "phantom %d", s->n, r.delivered, r.answered, r.late,
                 r.applied_twice, r.lost, r.phantom);
    }
    free(s);
    e2e_finish(e, 0);
}

/* A close code that cannot be fixed by reconnecting: one clear line,
 * exit with rc (77, EX_NOPERM, when Discord refused the token or an
 * intent: the unit does not restart on it), no reconnect. */
static void
fatal_close(void **state, int code, int rc, const char *line)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    struct e2e_stream *s = xcalloc(1, sizeof(*s));
    e2e_campaign(e, "stream");
    int c = code;
    e2e_stream_run(e, s, "stream", 600, 50, 300, f_close, &c);
    e2e_check(e, e2e_wait_exit(e, E2E_WAIT_MS));
    e2e_finish(e, rc);
    e2e_check(e, e2e_log_count(e, line) == 1);
    struct discord_sim_stats st;
    discord_sim_stats(e->sim, &st);
    e2e_check(e, st.connections == 1);
    free(s);
}

static void
test_close_4004(void **state)
{
    fatal_close(state, 4004, 77, "gateway closed with 4004 (authentication "
                             "failed): Discord refused the bot token");
}

static void
test_close_4014(void **state)
{
    fatal_close(state, 4014, 77,
                "gateway closed with 4014 (disallowed intents)");
}

static void
test_close_4011(void **state)
{
    /* 4010-4013 share the table's "stop" row with 4004 and 4014; one more
     * of the class is enough here. */
    fatal_close(state, 4011, 1,
                "gateway closed with 4011 (sharding required)");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_resume_faults, e2e_teardown),
        cmocka_unit_test_teardown(test_zombie, e2e_teardown),
        cmocka_unit_test_teardown(test_close_4004, e2e_teardown),
        cmocka_unit_test_teardown(test_close_4014, e2e_teardown),
        cmocka_unit_test_teardown(test_close_4011, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
