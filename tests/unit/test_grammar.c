/*
 * test_grammar: the command table and the grammar engine (command.c),
 * through the core's one entry point with the fake adapter of
 * core_fixture.h.
 *
 * Every example of cmd_table.c must bind to its own form and succeed in a
 * world where what it names exists.  What a transcript cannot type stays
 * here: the platform's channel mentions, a platform without a directory
 * of people, text too long or not valid UTF-8 or with control
 * characters, and replies that must stay valid text.  Each refusal must
 * say what was wrong (the substrings below are the user-facing words,
 * written out by hand) and change nothing but the audit line and the
 * reply (fx_assert_refused_cleanly).
 *
 * The rest is conversation, in tests/chat: grammar.chat (finding the
 * command, binding its words, quotes, campaign names and slugs,
 * references, escalation ids), values.chat (zones, numbers, days, hours,
 * durations, amounts, platforms, links, the rubric, dates, hostile text)
 * and help.chat (help for each caller and for one command).
 */
#include "core_fixture.h"

#include "command.h"
#include "core_internal.h"

/* A refusal: status, words in the reply, and nothing else changed. */
#define refused(fx, st, want, user, channel, ...)                          \
    do {                                                                   \
        struct fx_counts before_;                                          \
        fx_counts((fx), &before_);                                         \
        fx_fails((fx), (st), (want), (user), (channel), __VA_ARGS__);      \
        fx_assert_refused_cleanly((fx), &before_);                         \
    } while (0)

/* --- the table ---------------------------------------------------------- */

static void
table_compiles(void **state)
{
    (void)state;
    char err[160] = "";
    assert_true(command_compile(err, sizeof(err)));
    size_t n;
    const struct cmd_form *forms = command_forms(&n);
    assert_int_equal(n, cmd_table_len);
    assert_true(n >= 22);
    for (size_t i = 0; i < n; i++) {
        const struct cmd_spec *s = &cmd_table[i];
        assert_ptr_equal(forms[i].spec, s);
        if (i > 0 && strcmp(cmd_table[i - 1].name, s->name) > 0)
            fail_msg("table not sorted at %s", s->name);
        assert_non_null(s->run);
        assert_true(s->actions != 0);
        assert_true(strlen(s->summary) > 10);
        /* The example starts with the command's own name. */
        size_t len = strlen(s->name);
        if (strncmp(s->example, s->name, len) != 0 ||
            (s->example[len] != ' ' && s->example[len] != '\0'))
            fail_msg("example of %s does not start with it: %s", s->name,
                     s->example);
        /* Free text, when there is any, ends the pattern. */
        for (size_t e = 0; e + 1 < forms[i].nelems; e++)
            assert_int_not_equal(forms[i].elems[e].kind, E_REST);
    }
    /* Every command built so far is in the table. */
    static const char *const names[] = {
        "ack", "add", "answer", "approve", "ask", "audit", "back", "brief",
        "changes", "close", "feedback", "kudos", "deliverable", "escalate", "help", "hours", "kickoff",
        "new", "ooo", "published", "reject", "remove", "report", "resolve",
        "rhythm",
        "settings",
        "status", "submit", "tz", "wrap",
    };
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        bool found = false;
        for (size_t i = 0; i < n; i++)
            found |= strcmp(cmd_table[i].name, names[k]) == 0;
        if (!found)
            fail_msg("command %s missing from the table", names[k]);
    }
}

/*
 * Run one line through the grammar as the core would, inside a
 * transaction that is rolled back, and say which form it bound to.  This
 * mirrors the caller set-up of core_handle_event() (core.c set_caller)
 * so the binding can be checked, which the public entry point does not
 * show.
 */
static const struct cmd_spec *
bound_form(struct fx *fx, const char *user, const char *text,
           enum ch_status *status)
{
    struct core_event ev = {
        .kind = CORE_EV_COMMAND, .platform = "fake", .user_id = user,
        .user_name = user, .text = text,
    };
    struct ctx c;
    ctx_init(&c, fx->core, &ev);
    assert_int_equal(store_begin(c.st), CH_OK);
    c.actor_ref = "fake:test";
    c.caller_admin = people_is_admin(&c, "fake", user);
    assert_int_equal(people_for_identity(&c, "fake", user, user, &c.caller),
                     CH_OK);
    c.has_caller = true;
    c.caller_zone = ctx_person_zone(&c, &c.caller);
    *status = command_run(&c, text);
    if (*status != CH_OK)
        print_error("  %s: %s\n", text, c.err.user);
    const struct cmd_spec *spec = c.cmd ? c.cmd->form->spec : NULL;
    store_rollback(c.st);
    ctx_release(&c);
    return spec;
}

/* Build the world an example needs (it names spring-launch#3, E4, Q3,
 * @bob); returns who types it. */
static const char *
example_world(struct fx *fx, const char *name, const char *example)
{
    if (strcmp(name, "new") == 0)
        return "admin";
    if (strcmp(name, "brief") == 0 && strstr(example, " propos")) {
        fx_world(fx, FX_WORLD_BRIEF);
        fx_ok(fx, "carol", NULL, "kickoff spring-launch");
        return "carol";
    }
    if (strcmp(name, "brief") == 0 && (strstr(example, " approve ") ||
                                       strstr(example, " decline "))) {
        /* P1..P3 open, after kickoff: the brand decides. */
        fx_world(fx, FX_WORLD_BRIEF);
        fx_ok(fx, "carol", NULL, "kickoff spring-launch");
        fx_ok(fx, "carol", NULL, "brief spring-launch propose story a");
        fx_ok(fx, "carol", NULL, "brief spring-launch propose flexible b");
        fx_ok(fx, "carol", NULL, "brief spring-launch propose audience c");
        return "brenda";
    }
    if (strcmp(name, "conflicts") == 0 && strstr(example, " dismiss ")) {
        /* C1..C3: another Fizz campaign avoids what spring-launch must
         * include. */
        fx_world(fx, FX_WORLD_BRIEF);
        fx_ok(fx, "carol", NULL, "new other-one brand:Fizz");
        fx_ok(fx, "carol", NULL, "brief other-one set must_avoid one;two;"
                                 "three");
        fx_ok(fx, "carol", NULL, "brief spring-launch set must_include one;"
                                 "two;three");
        return "carol";
    }
    if (strcmp(name, "link") == 0 && strchr(example, ' ')) {
        /* The code of the example, asked for by carol's identity on
         * another platform ("fake2", not attached: nothing is sent). */
        fx_world(fx, 0);
        struct store *st = core_store(fx->core);
        int64_t id;
        assert_int_equal(store_people_create(st, "carol", fx->sim.now_ms,
                                             &id), CH_OK);
        assert_int_equal(store_people_identity_add(st, "fake2", "C2", id,
                                                   "carol"), CH_OK);
        const char *code = strchr(example, ' ') + 1;
        assert_int_equal(store_link_code_add(st, code, id, "fake2", "C2",
                                             fx->sim.now_ms,
                                             fx->sim.now_ms + 600000),
                         CH_OK);
        return "carol";
    }
    if (strcmp(name, "brief") == 0 || strcmp(name, "kickoff") == 0) {
        fx_world(fx, FX_WORLD_BRIEF);
        return "carol";
    }
    fx_world(fx, FX_WORLD_DELIVS);
    if (strcmp(name, "submit") == 0)
        return "bob";
    if (strcmp(name, "standup") == 0 && strstr(example, " off")) {
        fx_ok(fx, "carol", NULL, "standup spring-launch every mon 10:00");
        return "carol";
    }
    if (strcmp(name, "standup") == 0 && strstr(example, " reply ")) {
        fx_ok(fx, "carol", NULL, "standup spring-launch now");
        return "bob";
    }
    if (strcmp(name, "ack") == 0 || strcmp(name, "resolve") == 0) {
        for (int e = 1; e <= 4; e++)
            fx_ok(fx, "carol", NULL, "escalate spring-launch#1 problem %d", e);
        return "carol";
    }
    if (strcmp(name, "rhythm") == 0 && strstr(example, " off")) {
        fx_ok(fx, "carol", NULL, "rhythm spring-launch drafts:fri");
        return "carol";
    }
    if (strcmp(name, "deliverable") == 0 && strstr(example, " reopen ")) {
        /* #2 missed: changes asked, and its fix window lapsed. */
        fx_ok(fx, "bob", NULL, "submit spring-launch#2 https://x.example/r2 "
                               "cut");
        fx_ok(fx, "carol", NULL, "changes spring-launch#2 fail:visible more");
        fx_advance(fx, 5LL * 24 * 3600 * 1000);
        return "carol";
    }
    if (strcmp(name, "feedback") == 0)
        return "bob";
    if (strcmp(name, "close") == 0) {
        fx_ok(fx, "carol", NULL, "wrap spring-launch");
        return "carol";
    }
    if (strcmp(name, "answer") == 0) {
        for (int q = 1; q <= 3; q++)
            fx_ok(fx, "bob", NULL, "ask spring-launch question %d?", q);
        return "carol";
    }
    fx_ok(fx, "bob", NULL, "submit spring-launch#3 https://x.example/reel3 "
                           "first cut");
    if (strcmp(name, "published") == 0) {
        fx_ok(fx, "carol", NULL, "approve spring-launch#3");
        fx_ok(fx, "brenda", NULL, "approve spring-launch#3");
        return "bob";
    }
    return "carol";
}

/* Every example binds to its own form and works, typed by someone who
 * may, in a world where what it names exists. */
static void
every_example_works(void **state)
{
    (void)state;
    for (size_t i = 0; i < cmd_table_len; i++) {
        const struct cmd_spec *s = &cmd_table[i];
        struct fx *fx = fx_open();
        const char *who = example_world(fx, s->name, s->example);
        enum ch_status st;
        const struct cmd_spec *got = bound_form(fx, who, s->example, &st);
        if (got != s)
            fail_msg("example \"%s\" bound to %s \"%s\"", s->example,
                     got ? got->name : "nothing",
                     got ? got->pattern : "");
        if (st != CH_OK)
            fail_msg("example \"%s\" (%s) failed: %s", s->example, who,
                     ch_strerror(st));
        fx_ok(fx, who, NULL, "%s", s->example);
        assert_true(strlen(fx->reply) > 0);
        assert_int_equal(fx_close(fx), 0);
    }
}

/* --- campaigns ------------------------------------------------------- */

/* The platform's channel mention names the campaign (the console has no
 * such mention: tests/chat/grammar.chat has the other campaign names). */
static void
channel_mentions(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    fx_ok(fx, "carol", NULL, "brief <#C-spring-launch|spring-launch>");
    fx_reply_has(fx, "Brief for spring-launch");
    refused(fx, CH_NOT_FOUND, "that channel is not a campaign channel",
            "carol", NULL, "brief <#C999>");
}

/* --- people ----------------------------------------------------------- */

static void
people(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    /* A name the platform's directory refuses. */
    refused(fx, CH_NOT_FOUND, "unknown person \"Zed!\": mention them "
                              "(@Zed!) so chorus can find them", "carol",
            NULL, "add spring-launch Zed! role:creator");
    /* Without a directory only known names and mentions work. */
    fx->fake.no_find_user = true;
    refused(fx, CH_NOT_FOUND, "unknown person \"zed\": mention them (@zed)",
            "carol", NULL, "add spring-launch zed role:creator");
    fx_ok(fx, "carol", NULL, "add spring-launch <@U77|zed> role:creator");
    fx_reply_has(fx, "@zed added as creator (core) of spring-launch");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM identities WHERE "
                                "user_id = 'U77' AND handle = 'zed'"), 1);
    /* Known now, by name or @name. */
    fx_ok(fx, "carol", NULL, "tz @zed Asia/Kolkata");
    fx_ok(fx, "carol", NULL, "tz ZED Asia/Kolkata");
    /* Two people called sam: a name is not enough. */
    fx_ok(fx, "carol", NULL, "add spring-launch <@U1|sam> role:creator");
    fx_ok(fx, "carol", NULL, "tz <@U2|sam> Europe/Paris");
    refused(fx, CH_INVALID, "\"sam\" could be several people: sam (#", "carol",
            NULL, "remove spring-launch sam");
    fx_reply_has(fx, "mention the one you mean");
    refused(fx, CH_INVALID, "\"<@>\" is not a mention", "carol", NULL,
            "remove spring-launch <@>");
}

/* --- values ---------------------------------------------------------- */

/* A long value is quoted cut between characters, never inside one (the
 * other values, as in the configuration, are tests/chat/values.chat). */
static void
long_value_cut_between_characters(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    char zone[2 * 40 + 1];
    for (int i = 0; i < 40; i++)
        memcpy(zone + 2 * i, "\xc3\xa9", 2);
    zone[2 * 40] = '\0';
    refused(fx, CH_INVALID, "\"\xc3\xa9\xc3\xa9", "carol", NULL, "tz %s",
            zone);
    fx_reply_has(fx, "\xc3\xa9\xe2\x80\xa6\" is not a time zone");
    assert_int_equal(utf8_invalid_at(fx->reply, strlen(fx->reply)), -1);
}

/* --- text limits ------------------------------------------------------- */

static void
text_limits(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    const char *head = "brief spring-launch set story ";
    size_t big = 100 * 1024;
    char *text = malloc(strlen(head) + big + 1);
    assert_non_null(text);
    memcpy(text, head, strlen(head));
    memset(text + strlen(head), 'a', big);
    text[strlen(head) + big] = '\0';
    char want[96];
    snprintf(want, sizeof(want), "that message is %zu bytes long; the limit "
             "is 16384", strlen(head) + big);
    refused(fx, CH_INVALID, want, "carol", NULL, "%s", text);
    /* Under the message limit but over the field's. */
    text[strlen(head) + 5000] = '\0';
    refused(fx, CH_INVALID, "the text is too long (5000 characters; at most "
                            "4000)", "carol", NULL, "%s", text);
    /* Characters, not bytes: 4000 two-byte characters fit. */
    size_t o = strlen(head);
    for (int i = 0; i < 4000; i++) {
        text[o++] = '\xc3';
        text[o++] = '\xa9';
    }
    text[o] = '\0';
    fx_ok(fx, "carol", NULL, "%s", text);
    free(text);

    char title[260] = "new long-title brand:Fizz title:\"";
    size_t t = strlen(title);
    memset(title + t, 'T', 201);
    memcpy(title + t + 201, "\"", 2);
    refused(fx, CH_INVALID, "title is too long (201 characters; at most "
                            "200)", "carol", NULL, "%s", title);

    /* Broken UTF-8, anywhere, is refused before anything is read. */
    snprintf(want, sizeof(want), "that message is not valid UTF-8 (at byte "
             "%zu)", strlen("brief spring-launch set story caf"));
    refused(fx, CH_INVALID, want, "carol", NULL,
            "brief spring-launch set story caf\xc3 ok");
    refused(fx, CH_INVALID, "not valid UTF-8 (at byte 30)", "carol", NULL,
            "brief spring-launch set story \xc0\xaf overlong");
    refused(fx, CH_INVALID, "not valid UTF-8", "carol", NULL,
            "brief spring-launch set story \xed\xa0\x80 surrogate");
    refused(fx, CH_INVALID, "not valid UTF-8", "carol", NULL,
            "brief spring-launch set story end\xf0\x9f\x98");
    /* Control characters too; tabs and newlines are text. */
    refused(fx, CH_INVALID, "that message contains a control character "
                            "(byte 6)", "carol", NULL, "status\x01");
    refused(fx, CH_INVALID, "control character", "carol", NULL,
            "brief spring-launch set story red \x1b[31m text");
    refused(fx, CH_INVALID, "control character", "carol", NULL,
            "brief spring-launch set story del \x7f");
    fx_ok(fx, "carol", NULL, "status\tspring-launch\n");
    fx_reply_has(fx, "spring-launch — Spring Launch");
    /* Blanks alone are no command (a console line is trimmed first). */
    refused(fx, CH_INVALID, "no command given", "carol", NULL, "   ");
}

/* Free text is the rest of the line as typed: as long as people write
 * (up to the platforms' 4,000 characters), quotes and apostrophes in it
 * literal; only an option or a positional word takes quotes. */
static void
free_text(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    const char *sql = "SELECT body FROM submissions ORDER BY id DESC LIMIT 1";

    /* A stray quote and apostrophes. */
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1 "
          "it's the \"best 6\" can I've had");
    assert_string_equal(fx_db_text(fx, fx_db(fx), sql, NULL),
                        "it's the \"best 6\" can I've had");
    fx_ok(fx, "bob", NULL, "submit spring-launch#2 https://x.example/2 "
          "\"unclosed from the start");
    assert_string_equal(fx_db_text(fx, fx_db(fx), sql, NULL),
                        "\"unclosed from the start");
    /* An open quote where a word or an option value goes is an error. */
    refused(fx, CH_INVALID, "missing closing quote after \"spring-launch#3",
            "bob", NULL, "submit \"spring-launch#3 https://x.example/3 ok");
    refused(fx, CH_INVALID, "missing closing quote after title:\"Big",
            "admin", NULL, "new big-one brand:Fizz title:\"Big one");

    /* 700 words (more than the old cap of 64 words a line) fit. */
    struct buf cap = BUF_INIT;
    buf_adds(&cap, "submit spring-launch#3 https://x.example/3");
    for (int i = 0; i < 700; i++)
        buf_adds(&cap, i % 7 ? " glow" : " it's");
    fx_ok(fx, "bob", NULL, "%s", buf_cstr(&cap));
    assert_int_equal(strlen(fx_db_text(fx, fx_db(fx), sql, NULL)),
                     700 * 5 - 1);
    buf_free(&cap);

    /* 5,000 characters do not, and the reply says how many. */
    fx_ok(fx, "carol", NULL, "changes spring-launch#3 fix it");
    struct buf big = BUF_INIT;
    buf_adds(&big, "submit spring-launch#3 https://x.example/3 ");
    for (int i = 0; i < 1000; i++)
        buf_adds(&big, "ab\"c ");
    big.len--;
    big.data[big.len] = '\0';
    refused(fx, CH_INVALID, "the caption is too long (4999 characters; at "
                            "most 4000)", "bob", NULL, "%s", buf_cstr(&big));
    buf_free(&big);

    /* A link too long is too long, not "not a link". */
    struct buf link = BUF_INIT;
    buf_adds(&link, "submit spring-launch#3 https://x.example/");
    for (int i = 0; i < 3000 - 18; i++)
        buf_addc(&link, 'a');
    refused(fx, CH_INVALID, "the link is too long (3000 characters; at most "
                            "2000)", "bob", NULL, "%s", buf_cstr(&link));
    buf_free(&link);
}

/* A window is calendar dates in the campaign's zone: readers in Los
 * Angeles, London and Kolkata all see 1 to 31 December (as instants read
 * in each zone they would see 30 Nov or 1 Jan). */
static void
window_same_dates_everywhere(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    fx_ok(fx, "admin", NULL, "tz Europe/London");
    fx_ok(fx, "admin", NULL, "new win brand:Fizz from:2026-12-01 "
          "to:2026-12-31");
    static const char *const readers[][2] = {
        { "carol", "America/Los_Angeles" },
        { "bob", "Europe/London" },
        { "brenda", "Asia/Kolkata" },
    };
    for (size_t i = 0; i < 3; i++) {
        fx_ok(fx, "admin", NULL, "add win %s role:creator", readers[i][0]);
        fx_ok(fx, readers[i][0], NULL, "tz %s", readers[i][1]);
        fx_ok(fx, readers[i][0], NULL, "status win");
        fx_reply_has(fx, "Window: Tue 1 Dec – Thu 31 Dec\n");
    }
    /* The instants follow the dates in London: from midnight on the 1st
     * to the last moment of the 31st. */
    struct campaign cp;
    struct arena *a = arena_new();
    assert_int_equal(store_campaign_by_slug(core_store(fx->core), a,
                                            "win", &cp),
                     CH_OK);
    assert_int_equal(cp.starts_at, fx_utc(2026, 12, 1, 0, 0));
    assert_int_equal(cp.ends_at, fx_utc(2027, 1, 1, 0, 0) - 1);
    arena_free(a);
    /* In the new year, the window names its year, for everyone alike. */
    fx_at(fx, fx_utc(2027, 1, 4, 9, 0));
    for (size_t i = 0; i < 3; i++) {
        fx_ok(fx, readers[i][0], NULL, "status win");
        fx_reply_has(fx, "Window: Tue 1 Dec – Thu 31 Dec 2026\n");
    }
}

/* Whatever a user types, what chorus says back is valid UTF-8 without
 * control characters (the fake adapter checks every message; these are
 * the inputs most likely to break that). */
static void
replies_stay_valid_text(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    /* Words quoted back in errors are cut to a length: never inside a
     * character.  "a" then 30 two-byte characters is 61 bytes. */
    struct buf word = BUF_INIT;
    buf_adds(&word, "a");
    for (int i = 0; i < 30; i++)
        buf_adds(&word, "\xc3\xa9");
    fx_fails(fx, CH_NOT_FOUND, "unknown campaign \"a", "carol", NULL,
             "brief %s", buf_cstr(&word));
    assert_int_equal(utf8_invalid_at(fx->reply, strlen(fx->reply)), -1);
    fx_fails(fx, CH_INVALID, "is not a valid slug", "carol", NULL,
             "new %s brand:Fizz", buf_cstr(&word));
    assert_int_equal(utf8_invalid_at(fx->reply, strlen(fx->reply)), -1);
    fx_fails(fx, CH_INVALID, "is not a link", "bob", NULL,
             "submit spring-launch#1 %s", buf_cstr(&word));
    assert_int_equal(utf8_invalid_at(fx->reply, strlen(fx->reply)), -1);
    buf_free(&word);

    /* A refused message is kept in the audit log, and the audit log is
     * shown in chat: a long one is cut, never inside a character... */
    struct buf text = BUF_INIT;
    buf_adds(&text, "brief spring-launch set story ");
    for (int i = 0; i < 4100; i++)
        buf_adds(&text, "\xe2\x82\xac");
    fx_fails(fx, CH_INVALID, "the text is too long", "carol",
             "C-spring-launch", "%s", buf_cstr(&text));
    buf_free(&text);
    /* ...and one with control characters (refused for them) does not
     * smuggle them, or chorus's own markers, into chat. */
    fx_fails(fx, CH_INVALID, "control character", "bob", "C-spring-launch",
             "status \x01p1\x02 \x1b[2J");
    fx_ok(fx, "carol", NULL, "audit spring-launch");
    /* Shown as typed but defused: no @mention made of "\x01p1\x02". */
    fx_reply_has(fx, "refused  status ?p1? ?[2J: that message contains a "
                     "control character (byte 7)");
    assert_int_equal(utf8_invalid_at(fx->reply, strlen(fx->reply)), -1);
    for (const char *p = fx->reply; *p; p++)
        if ((unsigned char)*p < 0x20 && *p != '\n')
            fail_msg("audit shows control character 0x%02x", *p);
}

/* A carriage return never reaches a platform: "\r\n" typed is a line
 * break, a lone one is refused, and one already stored (a title from
 * before, a brief) goes out as a space; the fake adapter fails the test
 * at teardown on any control character it is handed. */
static void
carriage_returns(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    fx_ok(fx, "carol", NULL, "brief spring-launch set story first line\r\n"
                             "second line\r\n");
    assert_string_equal(fx_str(fx, "SELECT story FROM brief_versions "
                                   "ORDER BY version DESC LIMIT 1"),
                        "first line\nsecond line");
    refused(fx, CH_INVALID, "that message contains a carriage return that "
            "does not end a line (byte 32)", "admin", NULL,
            "new summer brand:Fizz title:\"Sum\rmer\"");
    refused(fx, CH_INVALID, "carriage return", "carol", NULL,
            "brief spring-launch set story one\rtwo");
    refused(fx, CH_INVALID, "carriage return", "carol", NULL, "frob\rnicate");

    /* Stored before this rule: the output guard (delivery.c). */
    assert_int_equal(sqlite3_exec(fx_db(fx), "UPDATE campaigns SET title = "
                                  "'Spring' || char(13) || 'Launch' || "
                                  "char(13, 10) || 'Two' || char(27)",
                                  NULL, NULL, NULL), SQLITE_OK);
    fx_ok(fx, "carol", NULL, "status spring-launch");
    fx_reply_has(fx, "Spring Launch\nTwo");
    assert_null(strchr(fx->reply, '\r'));
    assert_int_equal(fx->fake.bad_text, 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_compiles),
        cmocka_unit_test(every_example_works),
        T(channel_mentions),
        T(people),
        T(long_value_cut_between_characters),
        T(text_limits),
        T(free_text),
        T(window_same_dates_everywhere),
        T(replies_stay_valid_text),
        T(carriage_returns),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
