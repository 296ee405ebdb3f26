/*
 * test_discord_e2e_session: gateway faults after which Discord wants a new
 * session (op 9 false, close 4007 and 4009, a server's 1000), during a
 * stream of interactions.  The daemon must Identify anew (never try a
 * Resume first), keep its spacing between Identifies, wait after op 9
 * (both shortened here, e2e_short_waits()), and apply every interaction
 * that reached it exactly once; interactions sent while no session
 * existed never reached it and must leave no trace.
 */
#include "discord_e2e_fixture.h"

struct fault {
    const char *name;
    int         code;       /* close code; 0: op 9 false */
};

static const struct fault faults[] = {
    { .name = "op 9 false", .code = 0 },
    { .name = "close 4007", .code = 4007 },
    { .name = "close 4009", .code = 4009 },
    { .name = "close 1000", .code = 1000 },
};

static void
f_apply(struct e2e *e, void *arg)
{
    const struct fault *f = arg;
    if (f->code == 0)
        discord_sim_gateway_invalid_session(e->sim, false);
    else
        discord_sim_gateway_close(e->sim, f->code, NULL);
}

static void
test_new_session_faults(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_short_waits(e);
    e2e_start(e);
    e2e_campaign(e, "stream");
    struct e2e_stream *s = xcalloc(1, sizeof(*s));
    struct discord_sim_stats st0, before, after;
    discord_sim_stats(e->sim, &st0);
    for (size_t i = 0; i < sizeof(faults) / sizeof(*faults); i++) {
        const struct fault *f = &faults[i];
        discord_sim_stats(e->sim, &before);
        s->tag = (int)i;
        size_t gw0 = discord_sim_gw_count(e->sim);
        int64_t t0 = loop_now_ms(e->loop);
        /* op 9 comes once the Identify spacing has run out, so that only
         * its own wait holds the next Identify back; the other faults come
         * sooner, so that the spacing does. */
        int at = f->code == 0 ? E2E_IDENTIFY_MS + 200 : 200;
        e2e_stream_run(e, s, "stream", at + 400, 100, at, f_apply,
                       (void *)f);
        if (!discord_sim_wait_ready(e->sim, before.ready + 1, E2E_WAIT_MS)) {
            e2e_dump(e);
            fail_msg("no new session after %s", f->name);
        }
        int64_t took = loop_now_ms(e->loop) - t0;
        discord_sim_stats(e->sim, &after);
        if (getenv("E2E_VERBOSE"))
            fprintf(stderr, "%s: new session after %lld ms\n", f->name,
                    (long long)took);
        if (after.identifies != before.identifies + 1 ||
            after.resumes != st0.resumes) {
            e2e_dump(e);
            fail_msg("%s: identifies %d -> %d, resumes %d -> %d", f->name,
                     before.identifies, after.identifies, st0.resumes,
                     after.resumes);
        }
        /* After op 9 false: E2E_INVALID_MS at least before the new
         * Identify. */
        if (f->code == 0) {
            size_t op9 = discord_sim_gw_find(e->sim, false, 9, NULL, gw0);
            size_t id = op9 == SIZE_MAX
                            ? SIZE_MAX
                            : discord_sim_gw_find(e->sim, true, 2, NULL,
                                                  op9);
            e2e_check(e, id != SIZE_MAX);
            e2e_check(e, discord_sim_gw_get(e->sim, id)->at_ms -
                                 discord_sim_gw_get(e->sim, op9)->at_ms >=
                             E2E_INVALID_MS - 10);
        }
        e2e_stream_run(e, s, "stream", 400, 100, 0, NULL, NULL);
    }
    /* Identify spacing: E2E_IDENTIFY_MS between any two. */
    int64_t prev = -1;
    size_t from = 0, k;
    while ((k = discord_sim_gw_find(e->sim, true, 2, NULL, from)) !=
           SIZE_MAX) {
        int64_t at = discord_sim_gw_get(e->sim, k)->at_ms;
        e2e_check(e, prev < 0 || at - prev >= E2E_IDENTIFY_MS - 10);
        prev = at;
        from = k + 1;
    }
    struct e2e_stream_result r = e2e_stream_check(e, s);
    if (r.answered != r.delivered || r.applied_twice || r.lost ||
        r.phantom || r.delivered == 0) {
        e2e_dump(e);
        fail_msg("sent %d delivered %d answered %d late %d twice %d lost %d "
                 "phantom %d", s->n, r.delivered, r.answered, r.late,
                 r.applied_twice, r.lost, r.phantom);
    }
    free(s);
    e2e_finish(e, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_new_session_faults, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
