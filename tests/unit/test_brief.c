/*
 * test_brief: the standard brief — versions, list fields,
 * item limits, kickoff (complete brief, lock, posts, pins, DMs), and
 * changes after kickoff (the brand only; everyone told; the pinned brief
 * kept current).
 */
#include "core_fixture.h"

/* The newest version's value of a brief column. */
static const char *
latest(struct fx *fx, const char *column)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT %s FROM brief_versions WHERE "
             "campaign_id = 1 ORDER BY version DESC LIMIT 1", column);
    return fx_str(fx, sql);
}

static int64_t
versions(struct fx *fx)
{
    return fx_int(fx, "SELECT count(*) FROM brief_versions WHERE "
                      "campaign_id = 1");
}

static void
each_change_is_a_version(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    /* A new campaign starts at version 1 with the default disclosure. */
    assert_int_equal(versions(fx), 1);
    assert_int_equal(fx_int(fx, "SELECT brief_version FROM campaigns"), 1);
    assert_string_equal(latest(fx, "disclosure"), "#ad");
    assert_null(latest(fx, "story"));

    fx_ok(fx, "carol", NULL, "brief spring-launch set story Cold mornings");
    fx_reply_has(fx, "Brief of spring-launch, version 2: story set.");
    assert_int_equal(versions(fx), 2);
    assert_int_equal(fx_int(fx, "SELECT brief_version FROM campaigns"), 2);
    assert_string_equal(latest(fx, "story"), "Cold mornings");
    assert_string_equal(latest(fx, "changed_field"), "story");
    assert_string_equal(fx_str(fx, "SELECT p.name FROM brief_versions b "
                                   "JOIN people p ON p.id = b.changed_by "
                                   "WHERE b.version = 2"), "carol");
    /* The old version is still there, unchanged. */
    assert_null(fx_str(fx, "SELECT story FROM brief_versions WHERE "
                           "version = 1"));
    /* The same value again is no change at all. */
    struct fx_counts before, after;
    fx_counts(fx, &before);
    fx_ok(fx, "carol", NULL, "brief spring-launch set story Cold mornings");
    fx_reply_has(fx, "The story of spring-launch is already that; nothing "
                     "changed.");
    fx_counts(fx, &after);
    assert_int_equal(versions(fx), 2);
    assert_int_equal(fx_table_delta(&before, &after, "audit"), 0);
    /* Other fields are carried into the next version. */
    fx_ok(fx, "carol", NULL, "brief spring-launch set audience runners");
    assert_int_equal(versions(fx), 3);
    assert_string_equal(latest(fx, "story"), "Cold mornings");
    assert_string_equal(latest(fx, "audience"), "runners");
    assert_string_equal(latest(fx, "disclosure"), "#ad");
    /* A semicolon in a text field is just text. */
    fx_ok(fx, "carol", NULL, "brief spring-launch set timeline_notes drafts "
                             "fri; feedback sun");
    assert_string_equal(latest(fx, "timeline_notes"),
                        "drafts fri; feedback sun");
    assert_string_equal(fx_str(fx, "SELECT detail FROM audit WHERE action = "
                                   "'brief.set' ORDER BY id DESC LIMIT 1"),
                        "v4 timeline_notes: drafts fri; feedback sun");
    /* Showing it shows the current version. */
    fx_ok(fx, "bob", NULL, "brief spring-launch");
    fx_reply_has(fx, "Brief for spring-launch, version 4 (draft: "
                     "coordinators may edit until kickoff)");
    fx_reply_has(fx, "\nStory: Cold mornings\nAudience: runners\nCore "
                     "message: —\n");
    fx_reply_has(fx, "\nTimeline notes: drafts fri; feedback sun");
}

static void
list_fields(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    fx_ok(fx, "carol", NULL, "brief spring-launch set must_avoid rivals; "
                             "sugar ;  ; diet claims;");
    assert_string_equal(latest(fx, "must_avoid"),
                        "rivals\nsugar\ndiet claims");
    fx_ok(fx, "carol", NULL, "brief spring-launch add must_avoid   the word "
                             "cheap ; red cans");
    fx_reply_has(fx, "Brief of spring-launch, version 3: must_avoid item "
                     "added.");
    assert_string_equal(latest(fx, "must_avoid"),
                        "rivals\nsugar\ndiet claims\nthe word cheap\n"
                        "red cans");
    /* set replaces the whole list. */
    fx_ok(fx, "carol", NULL, "brief spring-launch set disclosure #ad; "
                             "#sponsored");
    assert_string_equal(latest(fx, "disclosure"), "#ad\n#sponsored");
    fx_ok(fx, "carol", NULL, "brief spring-launch set disclosure #ad");
    assert_string_equal(latest(fx, "disclosure"), "#ad");
    /* add on an empty list starts it. */
    fx_ok(fx, "carol", NULL, "brief spring-launch add flexible music");
    assert_string_equal(latest(fx, "flexible"), "music");
    struct fx_counts before;
    fx_counts(fx, &before);
    fx_fails(fx, CH_INVALID, "give at least one item", "carol", NULL,
             "brief spring-launch set must_include ; ;");
    fx_assert_refused_cleanly(fx, &before);
    fx_ok(fx, "carol", NULL, "brief spring-launch");
    fx_reply_has(fx, "\nMust avoid:\n  • rivals\n  • sugar\n  • diet "
                     "claims\n  • the word cheap\n  • red cans\n");
    fx_reply_has(fx, "\nMust include: —\n");
}

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

static void
kickoff_needs_a_complete_brief(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    struct fx_counts before;
    fx_counts(fx, &before);
    fx_fails(fx, CH_CONFLICT, "kickoff needs a complete brief: set story, "
             "audience, core_message first (brief spring-launch set <field> "
             "<text>)", "carol", NULL, "kickoff spring-launch");
    fx_assert_refused_cleanly(fx, &before);
    fx_ok(fx, "carol", NULL, "brief spring-launch set audience runners");
    fx_counts(fx, &before);
    fx_fails(fx, CH_CONFLICT, "set story, core_message first", "carol", NULL,
             "kickoff spring-launch");
    fx_assert_refused_cleanly(fx, &before);
    assert_string_equal(fx_str(fx, "SELECT state FROM campaigns"), "draft");
    assert_true(fx_int(fx, "SELECT count(*) FROM brief_versions WHERE "
                           "locked_at IS NOT NULL") == 0);
}

static void
kickoff_locks_and_tells_everyone(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_BRIEF);
    fx_advance(fx, 90 * MS_PER_MIN);       /* 09:30 */
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "kickoff spring-launch");
    fx_reply_has(fx, "spring-launch is active. Brief version 4 is locked, "
                     "posted and pinned; 4 participants were told.");
    assert_string_equal(fx_str(fx, "SELECT state FROM campaigns"), "active");
    int64_t t = fx_utc(2026, 12, 1, 9, 30);
    assert_int_equal(fx_int(fx, "SELECT kicked_off_at FROM campaigns"), t);
    /* The current version is locked at that moment; earlier ones not. */
    assert_int_equal(fx_int(fx, "SELECT locked_at FROM brief_versions WHERE "
                                "version = 4"), t);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM brief_versions WHERE "
                                "locked_at IS NULL"), 3);
    /* Every participant is told, each with their role. */
    static const struct {
        const char *who;
        const char *role;
    } told[] = {
        { "carol", "coordinator" }, { "bob", "creator" },
        { "dave", "creator" }, { "brenda", "brand" },
    };
    for (size_t i = 0; i < 4; i++) {
        char want[160];
        snprintf(want, sizeof(want), "spring-launch has kicked off. You are "
                 "%s. The brief (version 4) is pinned in #spring-launch",
                 told[i].role);
        assert_int_equal(fx_count(fx, mark, OUT_DM, told[i].who, want), 1);
    }
    assert_int_equal(fx_count(fx, mark, OUT_DM, NULL, NULL), 4);
    /* The brief is posted in the channel and pinned there. */
    struct fake_msg *brief = fx_find(fx, mark, OUT_POST, NULL,
                                     "Kickoff! Brief for spring-launch, "
                                     "version 4 (locked since kickoff: "
                                     "changes need the brand)");
    assert_non_null(brief);
    assert_string_equal(brief->channel, "C-spring-launch");
    assert_non_null(strstr(brief->text, "\nCore message: Fizz wakes you "
                                        "up\n"));
    assert_non_null(brief->answer);
    bool pinned = false;
    for (size_t i = mark; i < fx->fake.n; i++)
        pinned |= fx->fake.msgs[i].kind == OUT_PIN &&
                  strcmp(fx->fake.msgs[i].ref, brief->answer) == 0;
    assert_true(pinned);
    /* So is a status message, and the topic is the core message. */
    struct fake_msg *status = fx_find(fx, mark, OUT_POST, NULL,
                                      "Status: spring-launch — Spring Launch "
                                      "(brand Fizz) · active");
    assert_non_null(status);
    struct fake_msg *topic = fx_find(fx, mark, OUT_TOPIC, NULL, NULL);
    assert_non_null(topic);
    assert_string_equal(topic->text, "Fizz wakes you up");
    assert_int_equal(fx_count(fx, mark, OUT_PIN, NULL, NULL), 2);
    /* Once is enough. */
    fx_fails(fx, CH_CONFLICT, "spring-launch was kicked off on Tue 1 Dec "
             "09:30 UTC; its brief (version 4) is locked", "carol", NULL,
             "kickoff spring-launch");
    fx_ok(fx, "bob", NULL, "brief spring-launch");
    fx_reply_has(fx, "Brief for spring-launch, version 4 (locked since "
                     "kickoff: changes need the brand)");
}

static void
before_kickoff_the_brand_may_not_edit(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_BRIEF);
    struct fx_counts before;
    fx_counts(fx, &before);
    fx_fails(fx, CH_DENIED, "editing the brief of spring-launch needs the "
             "role coordinator, agency or admin", "brenda", NULL,
             "brief spring-launch set story Ours");
    fx_assert_refused_cleanly(fx, &before);
}

static void
after_kickoff_only_the_brand(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE | FX_WORLD_AGENCY);
    struct fake_msg *kick = fx_find(fx, 0, OUT_POST, NULL, "Kickoff! Brief");
    assert_non_null(kick);
    char *pinned_ref = fx_strdup(kick->answer);
    static const char *const refused_people[] = { "carol", "alice", "admin" };
    for (size_t i = 0; i < 3; i++) {
        struct fx_counts before;
        fx_counts(fx, &before);
        fx_fails(fx, CH_DENIED, "the brief of spring-launch is locked since "
                 "kickoff: changing it needs the role brand",
                 refused_people[i], NULL, "brief spring-launch set story "
                                          "Warm evenings");
        fx_assert_refused_cleanly(fx, &before);
    }
    fx_advance(fx, MS_PER_HOUR);
    int64_t t = fx_utc(2026, 12, 1, 9, 0);
    size_t mark = fx_mark(fx);
    fx_ok(fx, "brenda", NULL, "brief spring-launch set core_message Fizz "
                              "keeps you going");
    fx_reply_has(fx, "Brief of spring-launch, version 5: core_message set. "
                     "Every participant was told.");
    /* A new version, locked as it is written. */
    assert_int_equal(versions(fx), 5);
    assert_int_equal(fx_int(fx, "SELECT locked_at FROM brief_versions WHERE "
                                "version = 5"), t);
    assert_string_equal(latest(fx, "core_message"), "Fizz keeps you going");
    /* Everyone else hears of it by DM... */
    static const char *const others[] = { "carol", "alice", "bob", "dave" };
    for (size_t i = 0; i < 4; i++)
        if (fx_count(fx, mark, OUT_DM, others[i],
                     "The brief of spring-launch changed (version 5, by "
                     "@brenda). Core message is now: Fizz keeps you going")
            != 1)
            fail_msg("%s was not told", others[i]);
    assert_int_equal(fx_count(fx, mark, OUT_DM, "brenda", NULL), 0);
    /* ...and in the channel. */
    struct fake_msg *post = fx_find(fx, mark, OUT_POST, NULL,
                                    "Brief of spring-launch changed by "
                                    "@brenda (version 5). Core message is "
                                    "now: Fizz keeps you going");
    assert_non_null(post);
    assert_string_equal(post->channel, "C-spring-launch");
    /* The pinned brief now shows version 5. */
    struct fake_msg *upd = fx_find(fx, mark, OUT_UPDATE, NULL,
                                   "Brief for spring-launch, version 5");
    assert_non_null(upd);
    assert_string_equal(upd->ref, pinned_ref);
    assert_string_equal(upd->channel, "C-spring-launch");
    assert_non_null(strstr(upd->text, "\nCore message: Fizz keeps you "
                                      "going\n"));
    free(pinned_ref);

    /* A list item added after kickoff says what was gained. */
    mark = fx_mark(fx);
    fx_ok(fx, "brenda", NULL, "brief spring-launch add must_avoid rivals");
    assert_non_null(fx_find(fx, mark, OUT_POST, NULL,
                            "Must avoid gained: rivals"));
    assert_string_equal(latest(fx, "must_avoid"), "rivals");
    assert_true(fx_int(fx, "SELECT locked_at FROM brief_versions WHERE "
                           "version = 6") != INT64_MIN);
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
                               "Brief of spring-launch changed by"));
    free(ref2);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(each_change_is_a_version),
        T(list_fields),
        T(item_limits),
        T(kickoff_needs_a_complete_brief),
        T(kickoff_locks_and_tells_everyone),
        T(before_kickoff_the_brand_may_not_edit),
        T(after_kickoff_only_the_brand),
        T(pinned_brief_on_every_platform),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
