/*
 * test_prune: under steady use the database stops growing.  A core on a
 * file runs twelve simulated weeks of daily traffic (commands and their
 * replies: inbound records and outbox rows); once pruning has caught up
 * (after its 7-day window) the outbox, the inbound records and the pages
 * in use stay flat, while every audit line and every row something points
 * at (a channel's brief and status, a message with buttons) stays.
 */
#include "core_fixture.h"

#include "prune.h"

#define DAY INT64_C(86400000)

struct size {
    int64_t outbox, inbound, pages, audit;
};

static struct size
size_now(struct fx *fx)
{
    return (struct size){
        .outbox = fx_int(fx, "SELECT count(*) FROM outbox"),
        .inbound = fx_int(fx, "SELECT count(*) FROM inbound"),
        .pages = fx_int(fx, "SELECT (SELECT page_count FROM"
                            " pragma_page_count) - (SELECT freelist_count"
                            " FROM pragma_freelist_count)"),
        .audit = fx_int(fx, "SELECT count(*) FROM audit"),
    };
}

/* A working day: questions and answers that write no audit line. */
static void
one_day(struct fx *fx)
{
    for (int i = 0; i < 30; i++) {
        fx_ok(fx, "carol", NULL, "status spring-launch");
        fx_ok(fx, "bob", NULL, "help");
        fx_advance(fx, 10 * 60 * 1000);
    }
}

static void
size_stays_flat(void **state)
{
    struct fx *fx = fx_create();
    *state = fx;
    fx->set.db_sync_normal = true;      /* thousands of commits: no fsyncs */
    fx_start_on(fx, fx_db_file("prune"));
    fx_world(fx, FX_WORLD_DELIVS);      /* kicked off: brief, status */
    int64_t audit0 = size_now(fx).audit;
    int64_t audit_max0 = fx_int(fx, "SELECT max(id) FROM audit");
    assert_true(audit0 > 0);
    int64_t status_msg = fx_int(fx, "SELECT status_msg FROM channels");
    int64_t brief_msg = fx_int(fx, "SELECT brief_msg FROM channels");

    struct size week[13];
    week[0] = size_now(fx);
    for (int w = 1; w <= 12; w++) {
        for (int d = 0; d < 7; d++) {
            int64_t start = fx->sim.now_ms;
            one_day(fx);
            fx_at(fx, start + DAY);
        }
        week[w] = size_now(fx);
    }
    /* Without pruning twelve weeks hold 12 x 7 x 60 commands' rows. */
    int64_t per_week = week[1].outbox - week[0].outbox;
    if (getenv("PRUNE_VERBOSE"))
        for (int w = 0; w <= 12; w++)
            fprintf(stderr, "week %2d: %6lld outbox %6lld inbound %5lld "
                    "pages %lld audit\n", w, (long long)week[w].outbox,
                    (long long)week[w].inbound, (long long)week[w].pages,
                    (long long)week[w].audit);
    assert_true(per_week > 400);
    /* From week 3 on (7 days kept, a day to catch up): flat. */
    for (int w = 4; w <= 12; w++) {
        if (week[w].outbox > week[3].outbox + per_week / 7 ||
            week[w].inbound > week[3].inbound + per_week / 7 ||
            week[w].pages > week[3].pages + week[3].pages / 20)
            fail_msg("week %d: %lld outbox rows, %lld inbound, %lld pages; "
                     "week 3: %lld, %lld, %lld", w,
                     (long long)week[w].outbox, (long long)week[w].inbound,
                     (long long)week[w].pages, (long long)week[3].outbox,
                     (long long)week[3].inbound, (long long)week[3].pages);
    }
    assert_true(week[12].outbox < 2 * per_week);
    /* Nothing younger than the window went. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM inbound"),
                     fx_int(fx, "SELECT count(*) FROM inbound WHERE"
                                " received_at >= (SELECT max(received_at)"
                                " FROM inbound) - 8 * 86400000"));
    /* Every audit line is there, the first ones included. */
    assert_true(week[12].audit >= audit0);
    assert_int_equal(fx_int(fx, "SELECT max(id) - min(id) + 1 FROM audit"),
                     week[12].audit);
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit WHERE id <= %lld",
             (long long)audit_max0);
    assert_int_equal(fx_int(fx, sql), audit0);
    /* The channel's brief and status messages stay, whatever their age. */
    assert_true(status_msg > 0);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM outbox WHERE id IN "
             "(%lld, %lld)", (long long)status_msg, (long long)brief_msg);
    assert_int_equal(fx_int(fx, sql), brief_msg > 0 ? 2 : 1);
    /* /metrics' delivered total kept counting what was pruned. */
    assert_true(fx_int(fx, "SELECT value FROM counters WHERE name = "
                           "'outbox_pruned_sent'") > 5 * per_week);
}

/* A pending row is never pruned, however old: it is still to be said. */
static void
pending_rows_stay(void **state)
{
    struct fx *fx = fx_create();
    *state = fx;
    fx_start_on(fx, fx_db_file("prune-pending"));
    fx->fake.mode = FAKE_BUSY;
    fx_run(fx, "admin", NULL, "help");
    int64_t pending = fx_int(fx, "SELECT count(*) FROM outbox WHERE state = "
                                 "'pending'");
    assert_true(pending > 0);
    for (int d = 0; d < 10; d++)
        fx_advance(fx, DAY);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state = "
                                "'pending'"), pending);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM inbound"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(size_stays_flat, fx_db_file_teardown),
        cmocka_unit_test_teardown(pending_rows_stay, fx_db_file_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
