/* test_retro: the retrospective fits one chat message on every platform
 * (Discord: 2 000 characters, Slack 4 000), summarised for a campaign of
 * 200 deliverables; a small one shows every deliverable.  The figures
 * themselves are checked by hand in tests/chat/retro.chat. */
#include "core_fixture.h"

#include "retro.h"

static void
small_campaign_lists_every_deliverable(void **state)
{
    (void)state;
    struct fx *fx = fx_open();
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "carol", NULL, "report spring-launch");
    assert_non_null(strstr(fx->reply, "Retrospective of spring-launch"));
    assert_non_null(strstr(fx->reply, "Per deliverable:"));
    assert_non_null(strstr(fx->reply, "#3 Reel 3"));
    assert_null(strstr(fx->reply, "left out"));
    assert_int_equal(fx_close(fx), 0);
}

static void
big_campaign_fits_one_message(void **state)
{
    (void)state;
    struct fx *fx = fx_open();
    fx_world(fx, FX_WORLD_DELIVS);
    /* 40 creators with 5 deliverables each, a fee on every one: 203. */
    for (int p = 0; p < 40; p++) {
        fx_ok(fx, "carol", NULL, "add spring-launch creator%02d role:creator",
              p);
        for (int i = 0; i < 5; i++)
            fx_ok(fx, "carol", NULL,
                  "deliverable spring-launch creator%02d \"Piece %d with a "
                  "rather long title to fill the line\" on:tiktok "
                  "draft:+7d publish:+14d fee:1234.56EUR late:75",
                  p, i);
    }
    fx_ok(fx, "carol", NULL, "report spring-launch");
    assert_true(strlen(fx->reply) <= 2000);
    assert_non_null(strstr(fx->reply, "Per deliverable: 203 lines left out"));
    assert_non_null(strstr(fx->reply, "more creators"));
    /* The totals cover all of them: 200 fees of 1234.56 EUR. */
    assert_non_null(strstr(fx->reply, "0.00 EUR of 246912.00 EUR"));
    assert_int_equal(fx_close(fx), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(small_campaign_lists_every_deliverable),
        cmocka_unit_test(big_campaign_fits_one_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
