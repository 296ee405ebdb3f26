/*
 * test_link: one person across platforms (issue 18), with the two fake
 * adapters of core_fixture.h: "fake" (bob, carol, ...) and "fake2",
 * where bob is "B2".  The one who asks for the code survives; the one who
 * types it is merged into her.  Expected values are written by hand.
 */
#include "core_fixture.h"

#include "core_internal.h"

/* A command typed on a platform by a user; fx->reply is its reply. */
static enum ch_status
run_on(struct fx *fx, const char *platform, const char *user, const char *text)
{
    char id[32];
    snprintf(id, sizeof(id), "ev%u", ++fx->event_seq);
    struct core_event ev = {
        .kind = CORE_EV_COMMAND,
        .platform = platform,
        .event_id = id,
        .user_id = user,
        .user_name = user,
        .text = text,
    };
    snprintf(fx->last_cmd, sizeof(fx->last_cmd), "%s", text);
    enum ch_status s = core_handle_event(fx->core, &ev, &fx->res);
    core_deliver_result(fx->core, &fx->res);
    core_flush(fx->core);
    struct fake_adapter *f =
        strcmp(platform, "fake2") == 0 ? &fx->fake2 : &fx->fake;
    fx->reply = "";
    if (fx->res.reply_id) {
        struct fake_msg *m = fx_msg_by_id(f, fx->res.reply_id);
        if (m && m->text)
            fx->reply = m->text;
    }
    return s;
}

#define ok_on(fx, platform, user, text)                                        \
    do {                                                                       \
        enum ch_status s_ = run_on((fx), (platform), (user), (text));          \
        if (s_ != CH_OK)                                                       \
            fail_msg("%s:%s \"%s\" gave %s: %s", (platform), (user), (text),   \
                     ch_strerror(s_), (fx)->reply);                            \
    } while (0)

/* Refused with st and want in the reply; nothing changed but the audit
 * line and the reply, and no code was used. */
#define refused_on(fx, st, want, platform, user, text)                         \
    do {                                                                       \
        struct fx_counts before_;                                              \
        fx_counts((fx), &before_);                                             \
        int64_t used_ = fx_int((fx), "SELECT count(*) FROM link_codes "        \
                                     "WHERE used_at IS NOT NULL");             \
        enum ch_status s_ = run_on((fx), (platform), (user), (text));          \
        if (s_ != (st) || strstr((fx)->reply, (want)) == NULL)                 \
            fail_msg("\"%s\": got %s (want %s): \"%s\"\n  wanted: \"%s\"",     \
                     (text), ch_strerror(s_), ch_strerror(st), (fx)->reply,    \
                     (want));                                                  \
        fx_assert_refused_cleanly((fx), &before_);                             \
        assert_int_equal(fx_int((fx), "SELECT count(*) FROM link_codes "       \
                                      "WHERE used_at IS NOT NULL"),            \
                         used_);                                               \
    } while (0)

static int64_t
person_of(struct fx *fx, const char *platform, const char *user)
{
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SELECT person_id FROM identities WHERE "
             "platform = '%s' AND user_id = '%s'",
             platform, user);
    return fx_int(fx, sql);
}

/* The latest code asked for, as the reply showed it. */
static const char *
code_of_reply(struct fx *fx, char out[9])
{
    const char *p = strstr(fx->reply, "Your link code is ");
    assert_non_null(p);
    p += strlen("Your link code is ");
    memcpy(out, p, 8);
    out[8] = '\0';
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM link_codes WHERE "
                             "code = ?1 AND used_at IS NULL",
                             out),
                     1);
    return out;
}

/* user asks for a code on platform; line becomes "link <code>", to be
 * typed on the other.  Returns the code (in code). */
static const char *
ask_code(struct fx *fx, const char *platform, const char *user, char code[9],
         char line[32])
{
    ok_on(fx, platform, user, "link");
    code_of_reply(fx, code);
    snprintf(line, 32, "link %s", code);
    return code;
}

/* Rows outside the audit that name a person, in every column of the
 * schema that refers to people. */
static int64_t
rows_naming(struct fx *fx, int64_t person)
{
    sqlite3 *db = fx_db(fx);
    sqlite3_stmt *s = fx_prepare_(
        db,
        "SELECT m.name, f.\"from\" FROM sqlite_master m, "
        "pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND "
        "f.\"table\" = 'people' AND m.name != 'audit'",
        NULL);
    int64_t total = 0;
    int columns = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        char sql[256];
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM \"%s\" WHERE \"%s\" = %lld",
                 (const char *)sqlite3_column_text(s, 0),
                 (const char *)sqlite3_column_text(s, 1), (long long)person);
        total += fx_db_int(db, sql, NULL, 0);
        columns++;
    }
    sqlite3_finalize(s);
    assert_true(columns >= 30);
    return total;
}

/* One audit line of the person's own for action, and one in
 * spring-launch's audit with words in it. */
static void
audited(struct fx *fx, const char *action, const char *words)
{
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM audit WHERE action = "
                             "?1 AND campaign_id IS NULL",
                             action),
                     1);
    fx_ok(fx, "carol", NULL, "audit spring-launch");
    fx_reply_has(fx, words);
}

/* bob on fake with everything a person can have; B2 on fake2, known
 * but with nothing yet but hours of her own and the platform's zone. */
static void
two_bobs(struct fx *fx)
{
    fx_world(fx, FX_WORLD_DELIVS);
    fx_attach_fake2(fx);
    fx_ok(fx, "bob", NULL, "tz Europe/Berlin");
    fx_ok(fx, "bob", NULL, "ooo 2026-12-24 2027-01-02 family");
    fx_ok(fx, "bob", NULL, "notify urgent:anytime");
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    fx_ok(fx, "carol", NULL, "changes spring-launch#1 the can is hidden");
    fx_ok(fx, "bob", NULL, "escalate spring-launch#2 no product yet");
    fx_ok(fx, "carol", NULL, "standup spring-launch now");
    fx_ok(fx, "bob", NULL, "standup reply green all fine");
    ok_on(fx, "fake2", "B2", "hours 10:00-19:00 days:mon-thu");
    assert_int_equal(store_people_set_tz(core_store(fx->core),
                                         person_of(fx, "fake2", "B2"),
                                         "America/New_York", "platform"),
                     CH_OK);
}

static void
merge_keeps_everything(void **state)
{
    struct fx *fx = *state;
    two_bobs(fx);
    int64_t bob = person_of(fx, "fake", "bob");
    int64_t b2 = person_of(fx, "fake2", "B2");
    assert_true(bob != b2);
    assert_true(rows_naming(fx, bob) > 10);
    int64_t answers = fx_int(fx, "SELECT count(*) FROM standup_answers");
    assert_true(answers >= 3);
    /* B2 asks on fake2; bob types it on fake: bob joins B2's person. */
    char code[9], line[32];
    ask_code(fx, "fake2", "B2", code, line);
    fx_reply_has(fx, "before Tue 1 Dec 03:10 EST");
    size_t pinned = fx_mark(fx);
    ok_on(fx, "fake", "bob", line);
    fx_reply_has(fx, "Linked: your fake identity and your fake2 identity "
                     "are now one person");
    /* B2, who asked for the code, hears of it on fake2, at once. */
    assert_string_equal(
        fx_str(fx, "SELECT platform || ':' || user_ref || ':' || "
                   "(not_before = 0 OR not_before IS NULL) FROM outbox WHERE "
                   "kind = 'dm' AND text LIKE '%now joined to a fake "
                   "identity%' AND text LIKE '%type unlink here%'"),
        "fake2:B2:1");
    /* bob's zone was set by hand, B2's came from the platform; B2's
     * hours were set, bob's were not. */
    fx_reply_has(fx, "Zone: Europe/Berlin, set by hand on fake (on fake2: "
                     "from the platform).");
    fx_reply_has(fx, "Working hours: 10:00-19:00 mon,tue,wed,thu, set on "
                     "fake2 (none on fake).");
    assert_int_equal(person_of(fx, "fake", "bob"), b2);
    assert_int_equal(person_of(fx, "fake2", "B2"), b2);
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)b2);
    assert_string_equal(fx_str1(fx,
                                "SELECT tz || '/' || tz_source || '/' ||"
                                " work_start || '/' || work_days || '/' "
                                "|| urgent_anytime FROM people WHERE id"
                                " = ?1",
                                id),
                        "Europe/Berlin/self/600/15/1");
    /* Everything of bob's is B2's now. */
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM deliverables WHERE "
                             "creator_id = ?1",
                             id),
                     3);
    assert_string_equal(fx_str1(fx,
                                "SELECT role || '/' || tier FROM "
                                "participants WHERE person_id = ?1",
                                id),
                        "creator/core");
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM time_off WHERE "
                             "person_id = ?1",
                             id),
                     1);
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM submissions WHERE "
                             "submitted_by = ?1",
                             id),
                     1);
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM escalations WHERE "
                             "opened_by = ?1",
                             id),
                     1);
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM standup_prompts "
                             "WHERE person_id = ?1 AND state = "
                             "'answered'",
                             id),
                     1);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_answers"),
                     answers);
    /* Nothing names bob's old person any more but the audit (never
     * rewritten) and his row, which points at B2's. */
    snprintf(id, sizeof(id), "%lld", (long long)bob);
    assert_int_equal(rows_naming(fx, bob), 0);
    assert_int_equal(fx_int1(fx,
                             "SELECT merged_into FROM people WHERE id "
                             "= ?1",
                             id),
                     b2);
    assert_true(fx_int1(fx,
                        "SELECT count(*) FROM audit WHERE actor_id = "
                        "?1",
                        id) > 0);
    audited(fx, "person.link", "joined into");
    /* bob's work goes by the survivor's name now, on the pinned status
     * too. */
    struct fake_msg *status =
        fx_find(fx, pinned, OUT_UPDATE, NULL, "Status: spring-launch");
    assert_non_null(status);
    assert_non_null(strstr(status->text, "B2"));
    /* bob is known by name still: as the one person. */
    fx_ok(fx, "carol", NULL, "tz bob Asia/Tokyo");
    /* DMs go where he last wrote: fake (he typed the code there).  It
     * is 09:00 in Berlin, before his hours: the row waits, but its
     * platform is chosen. */
    const char *last_dm = "SELECT platform || ':' || user_ref FROM outbox "
                          "WHERE kind = 'dm' ORDER BY id DESC LIMIT 1";
    fx_ok(fx, "carol", NULL, "tz bob Europe/Berlin");
    assert_string_equal(fx_str(fx, last_dm), "fake:bob");
    /* He writes on fake2: DMs follow him there. */
    ok_on(fx, "fake2", "B2", "status");
    fx_reply_has(fx, "spring-launch");
    fx_ok(fx, "carol", NULL, "tz bob Europe/Paris");
    assert_string_equal(fx_str(fx, last_dm), "fake2:B2");
    /* In his hours they reach him there. */
    size_t m2 = fx->fake2.n;
    fx_advance(fx, 2 * 3600 * 1000);
    assert_non_null(
        fx_find_in(&fx->fake2, m2, OUT_DM, "B2", "set your time zone"));
}

/* Both in one campaign: the higher role stays; both prompted in one
 * standup round: the answered prompt stays. */
static void
merge_resolves_clashes(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_attach_fake2(fx);
    ok_on(fx, "fake2", "B2", "help");
    int64_t b2 = person_of(fx, "fake2", "B2");
    struct store *st = core_store(fx->core);
    /* Known by her handle on fake2. */
    fx_ok(fx, "carol", NULL, "add spring-launch B2 role:creator tier:flex");
    fx_ok(fx, "carol", NULL,
          "deliverable spring-launch B2 \"Story\" "
          "draft:+7d publish:+14d");
    fx_ok(fx, "carol", NULL, "new summer brand:Pop");
    fx_ok(fx, "carol", NULL, "add summer bob role:creator");
    int64_t summer = fx_int(fx, "SELECT id FROM campaigns WHERE slug = "
                                "'summer'");
    assert_int_equal(store_participant_put(st, summer, b2, ROLE_COORDINATOR,
                                           NULL, fx->sim.now_ms),
                     CH_OK);
    fx_ok(fx, "carol", NULL, "standup spring-launch now");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_prompts"), 2);
    fx_ok(fx, "bob", NULL, "standup reply red stuck");
    /* Both zones set by hand. */
    fx_ok(fx, "bob", NULL, "tz Asia/Tokyo");
    ok_on(fx, "fake2", "B2", "tz Europe/Paris");
    /* Each has a secret calendar link: bob's stays. */
    fx_ok(fx, "bob", NULL, "calendar");
    ok_on(fx, "fake2", "B2", "calendar");
    /* This time bob asks and B2 types it: bob survives. */
    int64_t bob = person_of(fx, "fake", "bob");
    char code[9], line[32];
    ask_code(fx, "fake", "bob", code, line);
    ok_on(fx, "fake2", "B2", line);
    fx_reply_has(fx, "the higher role stays");
    fx_reply_has(fx, "Zone: Asia/Tokyo, the one on fake: both were set by "
                     "hand, and the identity that asked for the code wins.");
    fx_reply_has(fx, "Working hours: the workspace's.");
    assert_int_equal(person_of(fx, "fake2", "B2"), bob);
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)bob);
    /* spring-launch: creator core (bob's) over creator flex; summer:
     * coordinator (B2's) over creator. */
    assert_string_equal(fx_str1(fx,
                                "SELECT group_concat(c.slug || ':' || "
                                "p.role || ':' || IFNULL(p.tier, '-'),"
                                " ' ') FROM participants p JOIN "
                                "campaigns c ON c.id = p.campaign_id "
                                "WHERE p.person_id = ?1 ORDER BY c.slug",
                                id),
                        "spring-launch:creator:core summer:coordinator:-");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM participants WHERE "
                                "campaign_id IN (SELECT id FROM campaigns) "
                                "AND person_id IN (SELECT id FROM people "
                                "WHERE merged_into IS NOT NULL)"),
                     0);
    /* One prompt of the round is his: the answered one. */
    assert_string_equal(fx_str1(fx,
                                "SELECT group_concat(state) FROM "
                                "standup_prompts WHERE person_id = ?1",
                                id),
                        "answered");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_prompts"), 1);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM standup_answers "
                                "WHERE colour = 'red'"),
                     3);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM web_tokens"), 1);
    assert_string_equal(fx_str1(fx, "SELECT count(*) FROM web_tokens WHERE "
                                    "person_id = ?1", id), "1");
}

static void
bad_codes(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_attach_fake2(fx);
    char code[9], line[32];
    refused_on(fx, CH_INVALID,
               "\"xyz\" is not a link code: a code is 8 "
               "letters and digits",
               "fake", "bob", "link xyz");
    refused_on(fx, CH_NOT_FOUND, "no link code ZZZZZZZZ: check it", "fake2",
               "B2", "link zzzz-zzzz");
    ask_code(fx, "fake", "bob", code, line);
    /* Typed where it was made, by him or by someone else there. */
    refused_on(fx, CH_INVALID,
               "was made here on fake: type it on your "
               "other platform",
               "fake", "bob", line);
    refused_on(fx, CH_INVALID,
               "belongs to another fake identity: two "
               "identities of the same platform cannot be one person",
               "fake", "dave", line);
    /* Expired: ten minutes and a second later. */
    fx_advance(fx, 10 * 60 * 1000 + 1000);
    refused_on(fx, CH_CONFLICT,
               "expired at Tue 1 Dec 08:10 UTC (a code "
               "lives 10 minutes): type link on fake for a new one",
               "fake2", "B2", line);
    /* A new one works once, typed lower case with a dash. */
    ask_code(fx, "fake", "bob", code, line);
    snprintf(line, sizeof(line), "link %.4s-%s", code, code + 4);
    for (char *p = line; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    ok_on(fx, "fake2", "B2", line);
    refused_on(fx, CH_CONFLICT, "was already used (", "fake2", "B3", line);
    fx_reply_has(fx, "each code works once");
    /* bob is linked to B2: another fake2 identity cannot join him, and
     * B2 cannot take another fake identity. */
    ask_code(fx, "fake", "bob", code, line);
    refused_on(fx, CH_CONFLICT,
               "already linked to another fake2 identity: "
               "unlink that one first",
               "fake2", "B3", line);
    refused_on(fx, CH_CONFLICT, "already one person: nothing to link", "fake2",
               "B2", line);
    ask_code(fx, "fake2", "B3", code, line);
    /* B3 asked, and bob is on fake2 as B2 already. */
    refused_on(fx, CH_CONFLICT,
               "you are already linked to another fake2 "
               "identity",
               "fake", "bob", line);
}

static void
unlink_splits(void **state)
{
    struct fx *fx = *state;
    two_bobs(fx);
    char code[9], line[32];
    ask_code(fx, "fake2", "B2", code, line);
    ok_on(fx, "fake", "bob", line);
    int64_t one = person_of(fx, "fake", "bob");
    /* bob unlinks on fake: the fake identity leaves, the history stays
     * with the person it leaves (on fake2). */
    fx_ok(fx, "bob", NULL, "unlink");
    fx_reply_has(fx, "Unlinked: your fake identity is a person of its own "
                     "again (bob)");
    fx_reply_has(fx, "stays with");
    fx_reply_has(fx, "on fake2");
    int64_t fresh = person_of(fx, "fake", "bob");
    assert_true(fresh != one);
    assert_int_equal(person_of(fx, "fake2", "B2"), one);
    char id[24];
    snprintf(id, sizeof(id), "%lld", (long long)one);
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM deliverables WHERE "
                             "creator_id = ?1",
                             id),
                     3);
    assert_string_equal(fx_str1(fx,
                                "SELECT preferred_platform FROM people "
                                "WHERE id = ?1",
                                id),
                        "fake2");
    snprintf(id, sizeof(id), "%lld", (long long)fresh);
    assert_string_equal(fx_str1(fx,
                                "SELECT tz || '/' || work_start FROM "
                                "people WHERE id = ?1",
                                id),
                        "Europe/Berlin/600");
    assert_int_equal(fx_int1(fx,
                             "SELECT count(*) FROM participants WHERE "
                             "person_id = ?1",
                             id),
                     0);
    audited(fx, "person.unlink", "split from");
    /* Once more: nothing to unlink. */
    fx_ok(fx, "bob", NULL, "unlink");
    fx_reply_has(fx, "there is nothing to unlink; nothing changed");
    /* And the two can be linked again. */
    ask_code(fx, "fake", "bob", code, line);
    ok_on(fx, "fake2", "B2", line);
    assert_int_equal(person_of(fx, "fake2", "B2"), fresh);
    assert_int_equal(person_of(fx, "fake", "bob"), fresh);
}

/* A double booking names its person in its key: after a merge the one
 * the survivor has too closes, the other is hers. */
static void
merge_rekeys_bookings(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    fx_ok(fx, "carol", NULL, "new summer brand:Pop");
    fx_ok(fx, "carol", NULL, "new autumn brand:Pop");
    struct store *st = core_store(fx->core);
    int64_t keep, gone;
    assert_int_equal(store_people_create(st, "kay", 0, &keep), CH_OK);
    assert_int_equal(store_people_create(st, "gil", 0, &gone), CH_OK);
    int64_t a = fx_int(fx, "SELECT id FROM campaigns WHERE slug = "
                           "'spring-launch'");
    int64_t b = fx_int(fx, "SELECT id FROM campaigns WHERE slug = 'summer'");
    int64_t c = fx_int(fx, "SELECT id FROM campaigns WHERE slug = 'autumn'");
    const int64_t rows[3][3] = { { keep, a, b }, { gone, a, b },
                                 { gone, a, c } };
    for (int i = 0; i < 3; i++) {
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO conflicts (kind, key, brand_id, campaign_a, "
                 "campaign_b, person_id, side_a, side_b, sig, opened_at, "
                 "updated_at) SELECT 'booking', 'booking:%lld:%lld:%lld', "
                 "brand_id, %lld, %lld, %lld, 'a', 'b', 's', 0, 0 FROM "
                 "campaigns WHERE id = %lld",
                 (long long)rows[i][0], (long long)rows[i][1],
                 (long long)rows[i][2], (long long)rows[i][1],
                 (long long)rows[i][2], (long long)rows[i][0],
                 (long long)rows[i][1]);
        assert_int_equal(sqlite3_exec(fx_db(fx), sql, NULL, NULL, NULL),
                         SQLITE_OK);
    }
    assert_int_equal(store_link_merge(st, keep, gone, 5), CH_OK);
    /* The closed one is history of hers now, keyed to her as well. */
    char want[160];
    snprintf(want, sizeof(want),
             "booking:%lld:%lld:%lld:open booking:%lld:%lld:%lld:closed "
             "booking:%lld:%lld:%lld:open",
             (long long)keep, (long long)a, (long long)b, (long long)keep,
             (long long)a, (long long)b, (long long)keep, (long long)a,
             (long long)c);
    assert_string_equal(fx_str(fx, "SELECT group_concat(key || ':' || "
                                   "state, ' ') FROM (SELECT * FROM "
                                   "conflicts ORDER BY id)"),
                        want);
    assert_string_equal(fx_str(fx, "SELECT closed_why FROM conflicts "
                                   "WHERE state = 'closed'"),
                        "people joined");
    assert_int_equal(rows_naming(fx, gone), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(merge_keeps_everything, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(merge_resolves_clashes, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(bad_codes, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(merge_rekeys_bookings, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(unlink_splits, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
