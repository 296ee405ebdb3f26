/*
 * test_brief: the standard brief's item limits, and the pinned brief on
 * every platform.  Versions, list fields, kickoff (a complete brief, the
 * lock, posts, pins and DMs) and changes after kickoff (the brand only,
 * everyone told, the pinned brief kept current) are a conversation:
 * tests/chat/brief.chat.
 */
#include "core_fixture.h"

static void
item_limits(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    struct buf items = BUF_INIT;
    for (int i = 1; i <= 31; i++)
        buf_printf(&items, "%sitem %d", i > 1 ? ";" : "", i);
    struct fx_counts before;
    fx_counts(fx, &before);
    fx_fails(fx, CH_INVALID, "too many items (at most 30)", "carol", NULL,
             "brief spring-launch set must_include %s", buf_cstr(&items));
    fx_assert_refused_cleanly(fx, &before);
    /* Thirty fit... */
    items.len -= strlen(";item 31");
    items.data[items.len] = '\0';
    fx_ok(fx, "carol", NULL, "brief spring-launch set must_include %s",
          buf_cstr(&items));
    assert_int_equal(fx_int(fx, "SELECT length(must_include) - length("
                                "replace(must_include, char(10), '')) FROM "
                                "brief_versions ORDER BY version DESC LIMIT "
                                "1"), 29);
    /* ...and a thirty-first is refused. */
    fx_counts(fx, &before);
    fx_fails(fx, CH_INVALID, "must_include may hold at most 30 items", "carol",
             NULL, "brief spring-launch add must_include one more");
    fx_assert_refused_cleanly(fx, &before);
    buf_free(&items);

    char item[400];
    memset(item, 'x', 301);
    item[301] = '\0';
    fx_counts(fx, &before);
    fx_fails(fx, CH_INVALID, "an item is too long (301 characters; at most "
             "300)", "carol", NULL, "brief spring-launch set must_avoid ok; "
             "%s", item);
    fx_assert_refused_cleanly(fx, &before);
    item[300] = '\0';
    fx_ok(fx, "carol", NULL, "brief spring-launch set must_avoid ok; %s",
          item);
}

/* A platform attached after kickoff gets the pinned brief too, and a
 * change updates the copy on every platform. */
static void
pinned_brief_on_every_platform(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    struct fake_adapter *f2 = fx_attach_fake2(fx);
    struct fake_msg *brief2 = fx_find_in(f2, 0, OUT_POST, NULL,
                                         "Brief for spring-launch, version "
                                         "4");
    assert_non_null(brief2);
    assert_string_equal(brief2->channel, "C-spring-launch");
    char *ref2 = fx_strdup(brief2->answer);
    assert_int_equal(fx_count_in(f2, 0, OUT_PIN, NULL, NULL), 2);
    size_t mark1 = fx_mark(fx), mark2 = f2->n;
    fx_ok(fx, "brenda", NULL, "brief spring-launch set story New story");
    struct fake_msg *u2 = fx_find_in(f2, mark2, OUT_UPDATE, NULL,
                                     "Brief for spring-launch, version 5");
    assert_non_null(u2);
    assert_string_equal(u2->ref, ref2);
    assert_non_null(fx_find(fx, mark1, OUT_UPDATE, NULL,
                            "Brief for spring-launch, version 5"));
    /* The channel post goes to both platforms. */
    assert_non_null(fx_find_in(f2, mark2, OUT_POST, NULL,
                               "Brief of spring-launch changed (version"));
    free(ref2);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(item_limits),
        T(pinned_brief_on_every_platform),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
