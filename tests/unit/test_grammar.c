/*
 * test_grammar: the command table and the grammar engine (command.c),
 * through the core's one entry point with the fake adapter of
 * core_fixture.h.
 *
 * Every example of cmd_table.c must bind to its own form and succeed in a
 * world where what it names exists.  Every error path of the grammar
 * must say what was wrong (the substrings below are the user-facing
 * words, written out by hand) and change nothing but the audit line and
 * the reply (fx_assert_refused_cleanly).
 *
 * Help, the list for each caller and one command in detail, is a
 * conversation: tests/chat/help.chat.
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

/* A world in which spring-launch#3 waits for review and E1..E4 exist. */
static void
review_world(struct fx *fx)
{
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "bob", NULL, "submit spring-launch#3 https://x.example/reel3 "
                           "first cut");
}

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
        "changes", "deliverable", "escalate", "help", "hours", "kickoff",
        "new", "ooo", "published", "reject", "remove", "resolve", "settings",
        "status", "submit", "tz",
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
example_world(struct fx *fx, const char *name)
{
    if (strcmp(name, "new") == 0)
        return "admin";
    if (strcmp(name, "brief") == 0 || strcmp(name, "kickoff") == 0) {
        fx_world(fx, FX_WORLD_BRIEF);
        return "carol";
    }
    fx_world(fx, FX_WORLD_DELIVS);
    if (strcmp(name, "submit") == 0)
        return "bob";
    if (strcmp(name, "ack") == 0 || strcmp(name, "resolve") == 0) {
        for (int e = 1; e <= 4; e++)
            fx_ok(fx, "carol", NULL, "escalate spring-launch#1 problem %d", e);
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
        const char *who = example_world(fx, s->name);
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

/* --- finding the command --------------------------------------------- */

static void
unknown_and_ambiguous_commands(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    refused(fx, CH_INVALID,
            "unknown command \"aprove\" (did you mean approve?). Type help "
            "for the list.", "carol", NULL, "aprove spring-launch#1");
    refused(fx, CH_INVALID,
            "unknown command \"frobnicate\". Type help for the list.",
            "carol", NULL, "frobnicate now");
    /* Each candidate is named (the spec will add report, so the list is
     * checked word by word). */
    refused(fx, CH_INVALID, "ambiguous command \"re\": could be ", "carol",
            NULL, "re spring-launch#1");
    fx_reply_has(fx, "reject");
    fx_reply_has(fx, "remove");
    fx_reply_has(fx, "resolve");
    refused(fx, CH_INVALID, "no command given", "carol", NULL, "   ");
    refused(fx, CH_INVALID, "no command given", "carol", NULL, "/campaign");
}

static void
prefixes_and_case(void **state)
{
    struct fx *fx = *state;
    review_world(fx);
    /* A unique prefix is the command. */
    fx_ok(fx, "carol", NULL, "appr spring-launch#3 nice");
    fx_reply_has(fx, "spring-launch#3 passed review");
    assert_string_equal(fx_str(fx, "SELECT review_stage FROM deliverables "
                                   "WHERE number = 3"), "brand");
    fx_ok(fx, "carol", NULL, "STAT spring-launch");
    fx_reply_has(fx, "spring-launch — Spring Launch (brand Fizz)");
    /* "/campaign" or "campaign" in front is the console's way in. */
    fx_ok(fx, "carol", NULL, "/campaign status spring-launch");
    fx_reply_has(fx, "spring-launch — Spring Launch");
    /* Refused by the handler, so the grammar found kickoff. */
    fx_fails(fx, CH_CONFLICT, "spring-launch was kicked off on Tue 1 Dec "
             "08:00 UTC", "carol", NULL, "campaign kick spring-launch");
}

/* --- binding -------------------------------------------------------------- */

static void
missing_and_extra_words(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    const char *add_usage = "usage: /campaign add <slug> <person> "
                            "role:<brand|agency|coordinator|creator> "
                            "[tier:<core|flex>] [tz:<zone>]";
    refused(fx, CH_INVALID, "missing <person>", "carol", NULL,
            "add spring-launch");
    fx_reply_has(fx, add_usage);
    /* The missing option is reported before the person is looked up,
     * so nobody is created for it. */
    refused(fx, CH_INVALID, "missing role:<brand|agency|coordinator|"
                            "creator>", "carol", NULL,
            "add spring-launch erin");
    fx_reply_has(fx, add_usage);
    refused(fx, CH_INVALID, "missing draft:<when>", "carol", NULL,
            "deliverable spring-launch bob \"Reel\" publish:+14d");
    fx_reply_has(fx, "usage: /campaign deliverable <slug> <creator> "
                     "\"<title>\" [on:<platform>] draft:<when> "
                     "publish:<when> [fee:<amount>]");
    refused(fx, CH_INVALID, "unknown option tire: (did you mean tier:?)",
            "carol", NULL, "add spring-launch erin role:creator tire:flex");
    fx_reply_has(fx, add_usage);
    refused(fx, CH_INVALID, "role: is given twice", "carol", NULL,
            "add spring-launch erin role:creator role:brand");
    refused(fx, CH_INVALID, "unexpected \"now\"", "carol", NULL,
            "kickoff spring-launch now");
    fx_reply_has(fx, "usage: /campaign kickoff <slug>");
    refused(fx, CH_INVALID, "a reason is required", "carol", NULL,
            "deliverable spring-launch#2 cancel");
    fx_reply_has(fx, "usage: /campaign deliverable <ref> cancel <reason...>");
    refused(fx, CH_INVALID, "a reason is required", "carol", NULL,
            "escalate spring-launch#2 \"\"");
    refused(fx, CH_INVALID, "tier must be one of core/flex, not \"gold\"",
            "carol", NULL, "add spring-launch erin role:creator tier:gold");
    refused(fx, CH_INVALID, "role must be one of brand/agency/coordinator/"
                            "creator, not \"boss\"", "carol", NULL,
            "add spring-launch erin role:boss");
}

static void
quotes(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    refused(fx, CH_INVALID, "missing closing quote after \"unterminated",
            "carol", NULL, "brief spring-launch set story \"unterminated");
    refused(fx, CH_INVALID, "missing closing quote", "carol", NULL,
            "new summer-x brand:\"Fizz");
    /* Curly quotes, as phones type them. */
    fx_ok(fx, "carol", NULL, "new summer-x brand:\xe2\x80\x9c" "Fizz Co"
                             "\xe2\x80\x9d title:\xe2\x80\x9cSummer "
                             "X\xe2\x80\x9d");
    assert_string_equal(fx_str(fx, "SELECT b.name FROM campaigns c JOIN "
                                   "brands b ON b.id = c.brand_id WHERE "
                                   "c.slug = 'summer-x'"), "Fizz Co");
    assert_string_equal(fx_str(fx, "SELECT title FROM campaigns WHERE slug "
                                   "= 'summer-x'"), "Summer X");
    /* key:"value with spaces", with an escaped quote inside. */
    fx_ok(fx, "carol", NULL, "new summer-y brand:Fizz title:\"The \\\"big\\\" "
                             "one\"");
    assert_string_equal(fx_str(fx, "SELECT title FROM campaigns WHERE slug "
                                   "= 'summer-y'"), "The \"big\" one");
    /* A lone quoted free text is its contents. */
    fx_ok(fx, "carol", NULL, "brief spring-launch set story \"Cold cans, "
                             "warm people\"");
    assert_string_equal(fx_str(fx, "SELECT story FROM brief_versions WHERE "
                                   "campaign_id = 1 ORDER BY version DESC "
                                   "LIMIT 1"), "Cold cans, warm people");
    /* Free text is otherwise kept as typed, quotes and all. */
    fx_ok(fx, "carol", NULL, "brief spring-launch set audience \"urban\" "
                             "runners");
    assert_string_equal(fx_str(fx, "SELECT audience FROM brief_versions "
                                   "ORDER BY version DESC LIMIT 1"),
                        "\"urban\" runners");
}

/* --- campaigns, references, escalation ids ------------------------------ */

static void
campaign_names(void **state)
{
    struct fx *fx = *state;
    refused(fx, CH_NOT_FOUND, "unknown campaign \"spring-launch\" (there "
                              "are no campaigns yet: create one with new)",
            "admin", NULL, "brief spring-launch");
    fx_world(fx, 0);
    refused(fx, CH_NOT_FOUND, "unknown campaign \"sprong-launch\" (did you "
                              "mean spring-launch?)", "carol", NULL,
            "brief sprong-launch");
    refused(fx, CH_NOT_FOUND, "unknown campaign \"winter-gala\"", "carol",
            NULL, "brief winter-gala");
    /* A slug is read case-insensitively and may carry a '#'. */
    fx_ok(fx, "carol", NULL, "brief Spring-Launch");
    fx_reply_has(fx, "Brief for spring-launch, version 1");
    fx_ok(fx, "carol", NULL, "brief #spring-launch");
    fx_reply_has(fx, "Brief for spring-launch");
    /* The platform's channel mention names the campaign too. */
    fx_ok(fx, "carol", NULL, "brief <#C-spring-launch|spring-launch>");
    fx_reply_has(fx, "Brief for spring-launch");
    refused(fx, CH_NOT_FOUND, "that channel is not a campaign channel",
            "carol", NULL, "brief <#C999>");
}

static void
new_slugs(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    refused(fx, CH_INVALID,
            "\"Spring-Launch2\" is not a valid slug: use 2-40 lowercase "
            "letters, digits and hyphens, starting with a letter (e.g. "
            "spring-launch2)", "carol", NULL, "new Spring-Launch2 brand:Fizz");
    refused(fx, CH_INVALID, "(e.g. summer-sale)", "carol", NULL,
            "new summer_sale brand:Fizz");
    refused(fx, CH_INVALID, "\"x\" is not a valid slug", "carol", NULL,
            "new x brand:Fizz");
    refused(fx, CH_INVALID, "\"9lives\" is not a valid slug", "carol", NULL,
            "new 9lives brand:Fizz");
    assert_null(strstr(fx->reply, "(e.g."));
    refused(fx, CH_INVALID, "is not a valid slug", "carol", NULL,
            "new abcdefghijabcdefghijabcdefghijabcdefghijk brand:Fizz");
    refused(fx, CH_CONFLICT, "a campaign called spring-launch already "
                             "exists (brand Fizz)", "carol", NULL,
            "new spring-launch brand:Pop");
    /* The edges that are fine: 2 and 40 characters. */
    fx_ok(fx, "carol", NULL, "new ab brand:Fizz");
    fx_ok(fx, "carol", NULL, "new abcdefghijabcdefghijabcdefghijabcdefghij "
                             "brand:Fizz");
}

/* A suggested slug must itself be valid. */
static void
new_slug_suggestion_is_valid(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    refused(fx, CH_INVALID, "\"Ab-\" is not a valid slug", "carol", NULL,
            "new Ab- brand:Fizz");
    /* "ab-" ends with a hyphen: suggesting it would send the user in a
     * circle. */
    assert_null(strstr(fx->reply, "(e.g. ab-)"));
}

static void
deliverable_refs(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    refused(fx, CH_INVALID,
            "#1 needs its campaign here: write it as <campaign>#1 (e.g. "
            "spring-launch#1), or type the command in the campaign's "
            "channel", "carol", NULL, "deliverable #1 cancel budget");
    /* In the campaign's channel #N is enough. */
    fx_ok(fx, "carol", "C-spring-launch", "deliverable #1 cancel budget "
                                         "moved");
    fx_reply_has(fx, "Cancelled spring-launch#1.");
    assert_string_equal(fx_str(fx, "SELECT state FROM deliverables WHERE "
                                   "number = 1"), "cancelled");
    /* ...and the reply goes back to that channel. */
    struct fake_msg *m = fx_msg_by_id(&fx->fake, fx->res.reply_id);
    assert_non_null(m);
    assert_string_equal(m->channel, "C-spring-launch");
    assert_string_equal(m->user, "carol");
    refused(fx, CH_NOT_FOUND, "spring-launch has no deliverable #9", "carol",
            NULL, "deliverable spring-launch#9 cancel x");
    refused(fx, CH_NOT_FOUND, "unknown campaign \"sprong-launch\" (did you "
                              "mean spring-launch?)", "carol", NULL,
            "deliverable sprong-launch#2 cancel x");
    refused(fx, CH_INVALID, "\"spring-launch#x\" is not a deliverable "
                            "reference (the part after # is a number, e.g. "
                            "spring-launch#3)", "carol", NULL,
            "deliverable spring-launch#x cancel y");
    refused(fx, CH_INVALID, "\"spring-launch#0\" is not a deliverable "
                            "reference", "carol", NULL,
            "approve spring-launch#0");
    refused(fx, CH_INVALID, "\"spring-launch\" is not a deliverable "
                            "reference (use spring-launch#3, or #3 in the "
                            "campaign's channel)", "carol", NULL,
            "approve spring-launch");
}

static void
escalation_ids(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "bob", NULL, "escalate spring-launch#1 no product yet");
    fx_reply_has(fx, "Opened E1 on spring-launch#1");
    refused(fx, CH_INVALID, "\"E1x\" is not an escalation id (they look like "
                            "E4)", "carol", NULL, "ack E1x");
    refused(fx, CH_INVALID, "\"4\" is not an escalation id", "carol", NULL,
            "ack 4");
    refused(fx, CH_NOT_FOUND, "there is no escalation E7", "carol", NULL,
            "ack E7");
    /* Lower case is fine. */
    fx_ok(fx, "carol", NULL, "ack e1 calling bob");
    fx_reply_has(fx, "Acknowledged E1");
}

/* --- people, zones, fields, numbers ------------------------------------- */

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

static void
zones_fields_numbers(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    refused(fx, CH_INVALID, "\"Mars/Base\" is not a time zone (use an IANA "
                            "name such as Europe/Berlin, America/New_York or "
                            "Asia/Kolkata)", "carol", NULL, "tz Mars/Base");
    refused(fx, CH_INVALID, "\"../../etc/passwd\" is not a time zone",
            "carol", NULL, "tz ../../etc/passwd");
    /* As an option, under the option's name. */
    refused(fx, CH_INVALID, "tz: \"Europe/Berlinn\" is not a time zone",
            "carol", NULL,
            "add spring-launch erin role:creator tz:Europe/Berlinn");
    refused(fx, CH_INVALID,
            "unknown brief field \"stroy\" (did you mean story?); fields: "
            "story, audience, core_message, visual_style, must_include, "
            "must_avoid, flexible, disclosure, success_metrics, "
            "timeline_notes", "carol", NULL,
            "brief spring-launch set stroy Once upon a time");
    refused(fx, CH_INVALID, "story is not a list field: use brief "
                            "spring-launch set story <text>", "carol", NULL,
            "brief spring-launch add story more");
    static const char *const bad_need[] = { "0", "10001", "five", "-1",
                                            "1.5", "" };
    for (size_t i = 0; i < sizeof(bad_need) / sizeof(bad_need[0]); i++) {
        char want[80];
        snprintf(want, sizeof(want), "need must be a whole number from 1 to "
                 "10000, not \"%s\"", bad_need[i]);
        refused(fx, CH_INVALID, want, "carol", NULL,
                "new big-one brand:Fizz need:%s", bad_need[i]);
    }
    fx_ok(fx, "carol", NULL, "new small-one brand:Fizz need:1");
    fx_ok(fx, "carol", NULL, "new big-one brand:Fizz need:10000");
    assert_int_equal(fx_int(fx, "SELECT need FROM campaigns WHERE slug = "
                                "'big-one'"), 10000);
    assert_int_equal(fx_int(fx, "SELECT need FROM campaigns WHERE slug = "
                                "'small-one'"), 1);
}

/* Days, hours and durations are read by core/value.c, as in the
 * configuration: the same forms and the same words, an option's name in
 * front of an option's value. */
static void
values_as_in_config(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    refused(fx, CH_INVALID, "\"9-5\" is not a span of hours HH:MM-HH:MM "
                            "(e.g. 09:00-18:00)", "carol", NULL, "hours 9-5");
    refused(fx, CH_INVALID, "\"09:00-24:00\" is not a span of hours",
            "carol", NULL, "hours 09:00-24:00");
    refused(fx, CH_INVALID, "\"18:00-09:00\" does not end after it starts "
                            "(working hours cannot cross midnight)", "carol",
            NULL, "hours 18:00-09:00");
    refused(fx, CH_INVALID, "days: \"mon-fry\" is not a day or a range of "
                            "days (mon..sun, e.g. mon-fri, mon,wed,fri, "
                            "sun-thu)", "carol", NULL,
            "hours 09:00-17:00 days:mon-fry");
    refused(fx, CH_INVALID, "days: \"tues\" is not a day", "carol", NULL,
            "hours 09:00-17:00 days:mon,tues");
    refused(fx, CH_INVALID, "days: \"mon,,fri\" has an empty item in its "
                            "list", "carol", NULL,
            "hours 09:00-17:00 days:mon,,fri");
    /* Full day names, any case, blanks after commas in quotes, ranges
     * past Sunday. */
    fx_ok(fx, "carol", NULL, "hours 10:00-16:00 days:Monday-thursday");
    fx_reply_has(fx, "10:00-16:00 mon,tue,wed,thu");
    fx_ok(fx, "carol", NULL, "hours 9:30-17:00 days:\"sat, sun-mon\"");
    fx_reply_has(fx, "09:30-17:00 mon,sat,sun");
    assert_int_equal(fx_int(fx, "SELECT work_days FROM people WHERE name = "
                                "'carol'"), 0x61);

    refused(fx, CH_INVALID, "guard: \"2x\" is not a duration (e.g. 90m, "
                            "24h, 2d or 1d12h)", "carol", NULL,
            "settings spring-launch guard:2x");
    refused(fx, CH_INVALID, "guard: \"0m\" is too short (at least 1s)",
            "carol", NULL, "settings spring-launch guard:0m");
    refused(fx, CH_INVALID, "nudge_before: \"4x\" is not a duration",
            "carol", NULL, "settings spring-launch nudge_before:48h,4x");
    refused(fx, CH_INVALID, "nudge_after: \"1h,2h,3h,4h,5h,6h,7h,8h,9h\" "
                            "has 9 durations; at most 8 are allowed", "carol",
            NULL, "settings spring-launch nudge_after:1h,2h,3h,4h,5h,6h,7h,"
                  "8h,9h");
    fx_ok(fx, "carol", NULL, "settings spring-launch "
                             "nudge_before:\"72h, 2h\" nudge_after:none "
                             "guard:1d12h");
    fx_reply_has(fx, "nudges before 3d, 2h; after none;");
    fx_reply_has(fx, "approval guard 1d 12h before publishing");
    /* What was stored reads back with the same parser. */
    fx_ok(fx, "carol", NULL, "settings spring-launch");
    fx_reply_has(fx, "nudges before 3d, 2h; after none;");

    /* A long value is quoted cut between characters, never inside one. */
    char zone[2 * 40 + 1];
    for (int i = 0; i < 40; i++)
        memcpy(zone + 2 * i, "\xc3\xa9", 2);
    zone[2 * 40] = '\0';
    refused(fx, CH_INVALID, "\"\xc3\xa9\xc3\xa9", "carol", NULL, "tz %s",
            zone);
    fx_reply_has(fx, "\xc3\xa9\xe2\x80\xa6\" is not a time zone");
    assert_int_equal(utf8_invalid_at(fx->reply, strlen(fx->reply)), -1);
}

static void
amounts(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    static const struct {
        const char *text;
        int64_t     cents;
        const char *currency;
    } good[] = {
        { "500", 50000, "USD" },        /* the workspace currency */
        { "499.99", 49999, "USD" },
        { "500EUR", 50000, "EUR" },
        { "EUR500", 50000, "EUR" },
        { "\xe2\x82\xac" "500", 50000, "EUR" },
        { "$500", 50000, "USD" },
        { "1,500.00", 150000, "USD" },
        { "0.5", 50, "USD" },
        { "\xc2\xa3" "20", 2000, "GBP" },
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        fx_ok(fx, "carol", NULL, "deliverable spring-launch bob \"Fee %zu\" "
              "draft:+7d publish:+14d fee:%s", i, good[i].text);
        char sql[160];
        snprintf(sql, sizeof(sql), "SELECT fee_cents FROM deliverables "
                 "WHERE title = 'Fee %zu'", i);
        if (fx_int(fx, sql) != good[i].cents)
            fail_msg("fee:%s stored as %lld cents, want %lld", good[i].text,
                     (long long)fx_int(fx, sql), (long long)good[i].cents);
        snprintf(sql, sizeof(sql), "SELECT currency FROM deliverables "
                 "WHERE title = 'Fee %zu'", i);
        assert_string_equal(fx_str(fx, sql), good[i].currency);
    }
    static const char *const bad[] = {
        "5x", "500.999", "abc", "500.", "-5", "EU500", "500eur", "", "1e3",
        "$", "5.5.5", "EUR",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char want[96];
        snprintf(want, sizeof(want), "fee \"%s\" is not an amount (e.g. 500, "
                 "499.99, 500EUR)", bad[i]);
        refused(fx, CH_INVALID, want, "carol", NULL, "deliverable "
                "spring-launch bob \"Bad\" draft:+7d publish:+14d fee:%s",
                bad[i]);
    }
    refused(fx, CH_INVALID, "is too large", "carol", NULL, "deliverable "
            "spring-launch bob \"Bad\" draft:+7d publish:+14d "
            "fee:99999999999999999");
    /* No fee: NULL, not 0. */
    fx_ok(fx, "carol", NULL, "deliverable spring-launch bob \"Free\" "
                             "draft:+7d publish:+14d");
    assert_true(fx_int(fx, "SELECT fee_cents FROM deliverables WHERE title "
                           "= 'Free'") == INT64_MIN);
}

static void
platforms_links_rubrics(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    refused(fx, CH_INVALID, "unknown platform \"tiktk\" (did you mean "
                            "tiktok?) (instagram, tiktok, youtube, twitch, "
                            "x, ..., other)", "carol", NULL,
            "deliverable spring-launch bob \"R\" on:tiktk draft:+7d "
            "publish:+14d");
    refused(fx, CH_INVALID, "unknown platform \"myspace\" (instagram",
            "carol", NULL, "deliverable spring-launch bob \"R\" on:myspace "
            "draft:+7d publish:+14d");
    fx_ok(fx, "carol", NULL, "deliverable spring-launch bob \"R\" "
                             "on:YouTube draft:+7d publish:+14d");
    assert_string_equal(fx_str(fx, "SELECT platform FROM deliverables WHERE "
                                   "number = 4"), "youtube");

    static const char *const bad_links[] = {
        "notalink", "ftp://x.example/a", "https://", "http:///path",
        "www.example.com",
    };
    for (size_t i = 0; i < sizeof(bad_links) / sizeof(bad_links[0]); i++) {
        char want[120];
        snprintf(want, sizeof(want), "\"%s\" is not a link (give the http:// "
                 "or https:// address of the draft)", bad_links[i]);
        refused(fx, CH_INVALID, want, "bob", NULL,
                "submit spring-launch#1 %s caption", bad_links[i]);
    }
    /* Slack's <url|label> wrapping is unwrapped. */
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 "
                           "<https://x.example/reel1|reel 1> morning run");
    assert_string_equal(fx_str(fx, "SELECT link || ' / ' || body FROM "
                                   "submissions"),
                        "https://x.example/reel1 / morning run");

    refused(fx, CH_INVALID, "fail: takes visible, message and/or engagement "
                            "(comma-separated), not \"visable\"", "carol",
            NULL, "changes spring-launch#1 fail:visable too dark");
    refused(fx, CH_INVALID, "not \"hook\"", "carol", NULL,
            "changes spring-launch#1 fail:visible,hook too dark");
    fx_ok(fx, "carol", NULL, "changes spring-launch#1 "
                             "fail:engagement,VISIBLE too dark, no hook");
    assert_string_equal(fx_str(fx, "SELECT visible || message || engagement "
                                   "|| ' ' || reason FROM reviews"),
                        "010 too dark, no hook");
}

/* --- times --------------------------------------------------------------- */

static void
dates(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    refused(fx, CH_INVALID, "from:2026-11-30 is in the past (it is now Tue "
                            "1 Dec 08:00 UTC)", "carol", NULL,
            "new past-one brand:Fizz from:2026-11-30");
    /* Today is not the past for a start date. */
    fx_ok(fx, "carol", NULL, "new today-one brand:Fizz from:2026-12-01 "
                             "to:2026-12-05");
    assert_int_equal(fx_int(fx, "SELECT starts_at FROM campaigns WHERE slug "
                                "= 'today-one'"), fx_utc(2026, 12, 1, 0, 0));
    /* An end date means the end of that day. */
    assert_int_equal(fx_int(fx, "SELECT ends_at FROM campaigns WHERE slug = "
                                "'today-one'"),
                     fx_utc(2026, 12, 6, 0, 0) - 1);
    refused(fx, CH_INVALID, "to: 2026-12-05 is not after from: 2026-12-10",
            "carol", NULL, "new order-one brand:Fizz from:2026-12-10 "
                           "to:2026-12-05");
    refused(fx, CH_INVALID, "draft:2026-11-30 is in the past", "carol", NULL,
            "deliverable spring-launch bob \"R\" draft:2026-11-30 "
            "publish:+14d");
    refused(fx, CH_INVALID, "publish: must be after the draft is due (draft "
                            "Tue 8 Dec 08:00 UTC, publish Mon 7 Dec 08:00 "
                            "UTC)", "carol", NULL,
            "deliverable spring-launch bob \"R\" draft:+7d publish:+6d");
    refused(fx, CH_INVALID, "draft: ", "carol", NULL,
            "deliverable spring-launch bob \"R\" draft:someday "
            "publish:+14d");
    /* A bare date is due at 18:00 in the caller's zone. */
    fx_ok(fx, "carol", NULL, "deliverable spring-launch bob \"Utc\" "
                             "draft:2026-12-10 publish:2026-12-12");
    assert_int_equal(fx_int(fx, "SELECT draft_due FROM deliverables WHERE "
                                "title = 'Utc'"),
                     fx_utc(2026, 12, 10, 18, 0));
    fx_ok(fx, "carol", NULL, "tz Europe/Berlin");
    fx_ok(fx, "carol", NULL, "deliverable spring-launch bob \"Berlin\" "
                             "draft:\"2026-12-10 09:30\" publish:2026-12-12");
    assert_int_equal(fx_int(fx, "SELECT draft_due FROM deliverables WHERE "
                                "title = 'Berlin'"),
                     fx_utc(2026, 12, 10, 8, 30));
    assert_int_equal(fx_int(fx, "SELECT publish_at FROM deliverables WHERE "
                                "title = 'Berlin'"),
                     fx_utc(2026, 12, 12, 17, 0));
    /* Spring forward: 02:30 does not exist in Berlin that night. */
    refused(fx, CH_INVALID, "draft: 2027-03-28 02:30 does not exist in "
                            "Europe/Berlin (clocks jump from 02:00 to "
                            "03:00)", "carol", NULL,
            "deliverable spring-launch bob \"R\" draft:\"2027-03-28 02:30\" "
            "publish:2027-04-01");
    fx_ok(fx, "carol", NULL, "deliverable spring-launch bob \"Summer\" "
                             "draft:\"2027-03-28 03:30\" publish:2027-04-01");
    assert_int_equal(fx_int(fx, "SELECT draft_due FROM deliverables WHERE "
                                "title = 'Summer'"),
                     fx_utc(2027, 3, 28, 1, 30));
}

/* --- text limits and hostile text ------------------------------------- */

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
}

static void
hostile_names_stored_verbatim(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    int64_t tables = fx_int(fx, "SELECT count(*) FROM sqlite_master");
    int64_t people_before = fx_int(fx, "SELECT count(*) FROM people");
    fx_ok(fx, "carol", NULL, "new robert brand:\"Robert'); DROP TABLE "
                             "campaigns;--\" title:\"It's a \\\"test\\\"; "
                             "DELETE FROM people;--\"");
    assert_string_equal(fx_str(fx, "SELECT b.name FROM campaigns c JOIN "
                                   "brands b ON b.id = c.brand_id WHERE "
                                   "c.slug = 'robert'"),
                        "Robert'); DROP TABLE campaigns;--");
    assert_string_equal(fx_str(fx, "SELECT title FROM campaigns WHERE "
                                   "slug = 'robert'"),
                        "It's a \"test\"; DELETE FROM people;--");
    fx_ok(fx, "carol", NULL, "brief robert set story '; DROP TABLE "
                             "brief_versions; -- %%s %%n \\x00");
    assert_string_equal(fx_str(fx, "SELECT story FROM brief_versions WHERE "
                                   "story IS NOT NULL AND campaign_id = 2"),
                        "'; DROP TABLE brief_versions; -- %s %n \\x00");
    fx_ok(fx, "carol", NULL, "add robert <@U9|O'Brien \"Bobby\"> "
                             "role:creator");
    assert_int_equal(fx_int1(fx, "SELECT count(*) FROM people WHERE name = "
                                 "?1", "O'Brien \"Bobby\""), 1);
    /* Everything is still there. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM sqlite_master"),
                     tables);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM campaigns"), 2);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM people"),
                     people_before + 1);
    /* And it reads back the way it was typed. */
    fx_ok(fx, "carol", NULL, "status robert");
    fx_reply_has(fx, "robert — It's a \"test\"; DELETE FROM people;-- "
                     "(brand Robert'); DROP TABLE campaigns;--)");
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

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_compiles),
        cmocka_unit_test(every_example_works),
        T(unknown_and_ambiguous_commands),
        T(prefixes_and_case),
        T(missing_and_extra_words),
        T(quotes),
        T(campaign_names),
        T(new_slugs),
        T(new_slug_suggestion_is_valid),
        T(deliverable_refs),
        T(escalation_ids),
        T(people),
        T(zones_fields_numbers),
        T(values_as_in_config),
        T(amounts),
        T(platforms_links_rubrics),
        T(dates),
        T(text_limits),
        T(hostile_names_stored_verbatim),
        T(replies_stay_valid_text),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
