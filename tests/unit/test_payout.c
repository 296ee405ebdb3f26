/* test_payout: the payout arithmetic (core/payout.h), worked by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "payout.h"

static struct payout
pay(int64_t fee, bool delivered, bool publish_missed, bool fix_missed,
    int late_pct, int default_pct)
{
    struct payout_in in = {
        .fee_cents = fee, .delivered = delivered,
        .publish_missed = publish_missed, .fix_missed = fix_missed,
        .late_pct = late_pct, .default_pct = default_pct,
    };
    return payout_compute(&in);
}

static void
on_time_pays_the_fee(void **state)
{
    (void)state;
    struct payout p = pay(50000, true, false, false, 80, 50);
    assert_int_equal(p.owed_cents, 50000);   /* 500.00 in full */
    assert_int_equal(p.pct_applied, 100);
    assert_false(p.late);
}

static void
late_rule_applies_on_a_missed_window(void **state)
{
    (void)state;
    /* The publish window: 500.00 at 80 % is 400.00. */
    struct payout p = pay(50000, true, true, false, 80, -1);
    assert_int_equal(p.owed_cents, 40000);
    assert_int_equal(p.pct_applied, 80);
    assert_true(p.late);
    /* The fix window alone, the campaign's default of 50 %: 250.00. */
    p = pay(50000, true, false, true, -1, 50);
    assert_int_equal(p.owed_cents, 25000);
    /* The deliverable's own percentage wins over the default. */
    p = pay(50000, true, true, true, 90, 50);
    assert_int_equal(p.owed_cents, 45000);
    /* No percentage anywhere: late, but paid in full. */
    p = pay(50000, true, true, false, -1, -1);
    assert_int_equal(p.owed_cents, 50000);
    assert_true(p.late);
    /* 0 % is allowed: nothing for a missed window. */
    p = pay(50000, true, true, false, 0, -1);
    assert_int_equal(p.owed_cents, 0);
}

static void
cents_round_half_up(void **state)
{
    (void)state;
    /* 333.33 at 50 % is 166.665: 166.67. */
    assert_int_equal(pay(33333, true, true, false, 50, -1).owed_cents,
                     16667);
    /* 0.01 at 50 % is 0.005: 0.01; 0.01 at 49 % is 0.0049: 0.00. */
    assert_int_equal(pay(1, true, true, false, 50, -1).owed_cents, 1);
    assert_int_equal(pay(1, true, true, false, 49, -1).owed_cents, 0);
    /* A large fee does not overflow: 10 000 000.00 at 99 %. */
    assert_int_equal(pay(INT64_C(1000000000), true, true, false, 99, -1)
                         .owed_cents,
                     INT64_C(990000000));
}

static void
undelivered_or_no_fee_owes_nothing(void **state)
{
    (void)state;
    assert_int_equal(pay(50000, false, false, false, -1, -1).owed_cents, 0);
    assert_int_equal(pay(50000, false, true, true, 80, -1).owed_cents, 0);
    assert_int_equal(pay(INT64_MIN, true, false, false, -1, -1).owed_cents,
                     0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(on_time_pays_the_fee),
        cmocka_unit_test(late_rule_applies_on_a_missed_window),
        cmocka_unit_test(cents_round_half_up),
        cmocka_unit_test(undelivered_or_no_fee_owes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
