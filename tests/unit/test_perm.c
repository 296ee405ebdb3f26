/*
 * test_perm: who may do what (perm.c and the role checks of command.c),
 * with the defaults and with `permit` overrides.
 *
 * The matrix: for each command line and each of seven people, allowed or
 * not.  A refusal must be CH_DENIED, name the role that is needed, and
 * change nothing but one audit line and the reply; an allowed command
 * must succeed.  The expected rows are written from the spec's table,
 * not read from perm.c.
 *
 * The relations the table cannot express are conversations, in
 * tests/chat/permissions.chat: a creator submits their own work (or a
 * manager for them), the two review stages and who may decide at each,
 * reasons for changes and rejections, an escalation handled at its level
 * or above.  A campaign reviewed by the brand alone is brand-only.chat,
 * and permit lines at work are permit.chat.
 */
#include "core_fixture.h"

#include "command.h"
#include "perm.h"

/* The people of the matrix world. */
enum who {
    BOB,      /* creator of #1..#3 */
    DAVE,     /* another creator (flex) */
    CAROL,    /* coordinator */
    ALICE,    /* agency */
    BRENDA,   /* brand */
    ADMIN,    /* workspace admin, not in the campaign */
    NINA,     /* nobody: not in any campaign */
    NWHO
};
static const char *const names[NWHO] = {
    "bob", "dave", "carol", "alice", "brenda", "admin", "nina",
};

#define W(x) (1u << (x))
#define MANAGERS (W(CAROL) | W(ALICE) | W(ADMIN))
#define REVIEWERS (W(CAROL) | W(ALICE) | W(BRENDA))
#define HANDLERS (W(CAROL) | W(ALICE) | W(BRENDA) | W(ADMIN))
#define MEMBERS (W(BOB) | W(DAVE) | W(CAROL) | W(ALICE) | W(BRENDA))
#define EVERYONE ((1u << NWHO) - 1)

enum world { ACTIVE, DRAFT, RHYTHM, WRAPPED };

/*
 * ACTIVE: spring-launch kicked off with alice as agency; bob's #1 waits
 * for review, #2 is planned, #3 is approved by the brand; E1 (on #2) is
 * with the coordinators; bob asked Q1.
 * DRAFT: the same people, brief complete, not kicked off.
 * RHYTHM: ACTIVE with a weekly rhythm.
 * WRAPPED: ACTIVE, wrapped by carol.
 */
static void
build(struct fx *fx, enum world w)
{
    if (w == DRAFT) {
        fx_world(fx, FX_WORLD_BRIEF | FX_WORLD_AGENCY);
        return;
    }
    fx_world(fx, FX_WORLD_DELIVS | FX_WORLD_AGENCY);
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    fx_ok(fx, "bob", NULL, "submit spring-launch#3 https://x.example/3");
    fx_ok(fx, "carol", NULL, "approve spring-launch#3");
    fx_ok(fx, "brenda", NULL, "approve spring-launch#3");
    fx_ok(fx, "carol", NULL, "escalate spring-launch#2 stuck on product");
    fx_ok(fx, "bob", NULL, "ask spring-launch which can colour?");
    if (w == RHYTHM)
        fx_ok(fx, "carol", NULL, "rhythm spring-launch drafts:fri");
    if (w == WRAPPED)
        fx_ok(fx, "carol", NULL, "wrap spring-launch");
}

struct row {
    const char *line;
    enum world  world;
    unsigned    allowed;   /* W(who) bits */
    const char *need;      /* in every refusal */
    bool        alone;     /* each permitted caller needs a fresh world: a
                              second one would find the work done */
};

#define DENY_MANAGE(cmd) cmd " needs the role coordinator, agency or admin"
#define DENY_REVIEW(cmd) cmd " needs the role coordinator, agency or brand"
#define DENY_MEMBER(cmd)                                                   \
    cmd " needs the role coordinator, agency, brand, creator or admin"
#define DENY_OTHERS                                                        \
    "setting this for someone else needs the role coordinator, agency or " \
    "admin"
#define DENY_SUBMIT                                                        \
    "only the deliverable's creator, or a coordinator, agency or admin"

static const struct row matrix[] = {
    { .line = "new fresh-one brand:Fizz", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("new"), .alone = true },
    { .line = "add spring-launch erin role:creator", .world = ACTIVE,
      .allowed = MANAGERS,
      /* The brand passes the command (to add brand leads), not the role. */
      .need = "add needs the role coordinator, agency" },
    { .line = "remove spring-launch dave", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("remove"), .alone = true },
    { .line = "deliverable spring-launch dave \"Story\" draft:+7d "
              "publish:+14d", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("deliverable") },
    { .line = "deliverable spring-launch#2 move draft:+8d", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("deliverable") },
    { .line = "deliverable spring-launch#2 cancel budget moved",
      .world = ACTIVE, .allowed = MANAGERS,
      .need = DENY_MANAGE("deliverable"), .alone = true },
    { .line = "kickoff spring-launch", .world = DRAFT, .allowed = MANAGERS,
      .need = DENY_MANAGE("kickoff"), .alone = true },
    /* The campaign's end: the managers wrap it, then close it. */
    { .line = "wrap spring-launch", .world = ACTIVE, .allowed = MANAGERS,
      .need = DENY_MANAGE("wrap"), .alone = true },
    { .line = "close spring-launch", .world = WRAPPED, .allowed = MANAGERS,
      .need = DENY_MANAGE("close"), .alone = true },
    /* Before kickoff the managers edit the brief; the brand may not. */
    { .line = "brief spring-launch set story A new story", .world = DRAFT,
      .allowed = MANAGERS, .need = "needs the role coordinator, agency" },
    { .line = "brief spring-launch add must_include the logo",
      .world = DRAFT, .allowed = MANAGERS,
      .need = "needs the role coordinator, agency" },
    /* After it only the brand (the wording is test_brief's). */
    { .line = "brief spring-launch set story A new story", .world = ACTIVE,
      .allowed = W(BRENDA), .need = "brand" },
    { .line = "brief spring-launch", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN),
      .need = DENY_MEMBER("brief") " in spring-launch; you are not part of "
              "spring-launch" },
    /* Submitting: the deliverable's own creator, or a manager. */
    { .line = "submit spring-launch#2 https://x.example/2", .world = ACTIVE,
      .allowed = W(BOB) | MANAGERS, .need = DENY_SUBMIT },
    { .line = "approve spring-launch#1", .world = ACTIVE,
      .allowed = REVIEWERS, .need = DENY_REVIEW("approve"), .alone = true },
    { .line = "changes spring-launch#1 the can is hidden", .world = ACTIVE,
      .allowed = REVIEWERS, .need = DENY_REVIEW("changes"), .alone = true },
    { .line = "reject spring-launch#1 off brief", .world = ACTIVE,
      .allowed = REVIEWERS, .need = DENY_REVIEW("reject"), .alone = true },
    { .line = "escalate spring-launch#2 still stuck", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN), .need = DENY_MEMBER("escalate") },
    /* E1 is with the coordinators: they or anyone above may handle it. */
    { .line = "ack E1 on it", .world = ACTIVE, .allowed = HANDLERS,
      .need = "E1 in spring-launch is with the coordinators: to acknowledge "
              "it you need the role coordinator, agency, brand or admin",
      .alone = true },
    { .line = "resolve E1 product arrived", .world = ACTIVE,
      .allowed = HANDLERS,
      .need = "to resolve it you need the role coordinator, agency, brand "
              "or admin", .alone = true },
    { .line = "status spring-launch", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN),
      .need = "you are not part of spring-launch: seeing it needs the role "
              "coordinator, agency, brand, creator or admin" },
    { .line = "feedback spring-launch the brief came late", .world = ACTIVE,
      .allowed = W(BOB) | W(DAVE) | W(ALICE),
      .need = "feedback needs the role agency or creator" },
    /* Kudos: anyone, to someone they share a campaign with, not oneself. */
    { .line = "kudos dave helped with the lights", .world = ACTIVE,
      .allowed = W(BOB) | W(CAROL) | W(ALICE) | W(BRENDA),
      .need = "kudos go to someone" },
    { .line = "report spring-launch", .world = ACTIVE, .allowed = HANDLERS,
      .need = "report needs the role coordinator, agency, brand or admin" },
    { .line = "audit spring-launch", .world = ACTIVE, .allowed = HANDLERS,
      .need = "audit needs the role coordinator, agency, brand or admin" },
    { .line = "help", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    { .line = "status", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    { .line = "tz Europe/Berlin", .world = ACTIVE, .allowed = EVERYONE,
      .need = "" },
    { .line = "tz erin Europe/Berlin", .world = ACTIVE, .allowed = MANAGERS,
      .need = DENY_MANAGE("tz") },
    { .line = "ask spring-launch can we film indoors?", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN), .need = DENY_MEMBER("ask") },
    { .line = "answer Q1 the red one", .world = ACTIVE, .allowed = HANDLERS,
      .need = "answer needs the role coordinator, agency, brand or admin",
      .alone = true },
    { .line = "ooo 2026-12-24 2027-01-02 holiday", .world = ACTIVE,
      .allowed = EVERYONE, .need = "" },
    { .line = "ooo 2026-12-24 2027-01-02 for:erin", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_OTHERS },
    { .line = "back", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    { .line = "back erin", .world = ACTIVE, .allowed = MANAGERS,
      .need = DENY_OTHERS },
    { .line = "hours 10:00-19:00 days:mon-thu", .world = ACTIVE,
      .allowed = EVERYONE, .need = "" },
    { .line = "hours 10:00-19:00 for:erin", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_OTHERS },
    { .line = "calendar", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    /* Who may read the report's payouts may export them. */
    { .line = "export spring-launch", .world = ACTIVE, .allowed = HANDLERS,
      .need = "export needs the role coordinator, agency, brand or admin" },
    { .line = "export Fizz", .world = ACTIVE, .allowed = HANDLERS,
      .need = "export needs the role coordinator, agency, brand or admin" },
    { .line = "dashboard", .world = ACTIVE, .allowed = EVERYONE,
      .need = "" },
    { .line = "notify urgent:anytime", .world = ACTIVE,
      .allowed = EVERYONE, .need = "" },
    { .line = "notify digest:off for:erin", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_OTHERS },
    { .line = "rhythm spring-launch", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN), .need = DENY_MEMBER("rhythm") },
    { .line = "rhythm spring-launch drafts:fri feedback:mon", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("rhythm") },
    { .line = "rhythm spring-launch off", .world = RHYTHM,
      .allowed = MANAGERS, .need = DENY_MANAGE("rhythm"), .alone = true },
    { .line = "settings spring-launch", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN), .need = DENY_MEMBER("settings") },
    { .line = "settings spring-launch cap:2", .world = ACTIVE,
      .allowed = MANAGERS, .need = "needs the role coordinator, agency" },
    { .line = "standup spring-launch", .world = ACTIVE,
      .allowed = MEMBERS | W(ADMIN), .need = DENY_MEMBER("standup") },
    { .line = "standup spring-launch every mon,thu 10:00", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("standup") },
    { .line = "standup spring-launch now", .world = ACTIVE,
      .allowed = MANAGERS, .need = DENY_MANAGE("standup"), .alone = true },
    /* Conflict alerts: whoever manages or leads a campaign sees them;
     * a brand's category is set by its coordinators or an admin. */
    { .line = "conflicts", .world = ACTIVE, .allowed = HANDLERS,
      .need = "conflicts needs the role coordinator, agency, brand or "
              "admin" },
    { .line = "brand Fizz", .world = ACTIVE, .allowed = MEMBERS | W(ADMIN),
      .need = DENY_MEMBER("brand") },
    { .line = "brand Fizz category:sodas", .world = ACTIVE,
      .allowed = W(CAROL) | W(ADMIN),
      .need = "brand needs the role coordinator or admin" },
    /* One person across platforms: everyone, for themselves (the code
     * of another platform is test_link's). */
    { .line = "link", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    { .line = "unlink", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    /* timeline answers anyone, with the campaigns they may see. */
    { .line = "timeline", .world = ACTIVE, .allowed = EVERYONE, .need = "" },
    { .line = "timeline Fizz", .world = ACTIVE, .allowed = EVERYONE,
      .need = "" },
    /* A scorecard: the creator's own, her coordinators', agency's and
     * brand leads', an admin's; not another creator's. */
    { .line = "scorecard bob", .world = ACTIVE,
      .allowed = W(BOB) | HANDLERS,
      .need = "scorecard: bob's scorecard is for bob and for the "
              "coordinators, agency and brand leads of a campaign bob is in" },
    { .line = "published spring-launch#3 https://tiktok.example/v/1",
      .world = ACTIVE, .allowed = W(BOB) | MANAGERS, .need = DENY_SUBMIT,
      .alone = true },
};

static void
expect_allowed(struct fx *fx, enum who w, const struct row *r)
{
    enum ch_status s = fx_run(fx, names[w], NULL, r->line);
    if (s != CH_OK)
        fail_msg("%s: \"%s\" gave %s: \"%s\" (want allowed)", names[w],
                 r->line, ch_strerror(s), fx->reply);
}

static void
close_clean(struct fx *fx)
{
    assert_int_equal(fx_close(fx), 0);
}

static void
run_row(const struct row *r)
{
    /* Refusals change nothing, so they share one world... */
    struct fx *fx = fx_open();
    build(fx, r->world);
    for (int w = 0; w < NWHO; w++) {
        if (r->allowed & W(w))
            continue;
        struct fx_counts before;
        fx_counts(fx, &before);
        enum ch_status s = fx_run(fx, names[w], NULL, r->line);
        if (s != CH_DENIED || strstr(fx->reply, r->need) == NULL)
            fail_msg("%s: \"%s\" gave %s: \"%s\"\n  want refused with "
                     "\"%s\"", names[w], r->line, ch_strerror(s), fx->reply,
                     r->need);
        fx_assert_refused_cleanly(fx, &before);
    }
    /* ...and so do the permitted callers, one after the other, unless
     * the first one's work would stand in the next one's way. */
    bool first = true;
    for (int w = 0; w < NWHO; w++) {
        if (!(r->allowed & W(w)))
            continue;
        if (r->alone && !first) {
            close_clean(fx);
            fx = fx_open();
            build(fx, r->world);
        }
        expect_allowed(fx, (enum who)w, r);
        first = false;
    }
    close_clean(fx);
}

static void
matrix_of_defaults(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++)
        run_row(&matrix[i]);
}

/* Every command of the table has a row, so a new one cannot slip in
 * without a decision about who may use it. */
static void
matrix_covers_every_command(void **state)
{
    (void)state;
    for (size_t i = 0; i < cmd_table_len; i++) {
        const char *name = cmd_table[i].name;
        size_t len = strlen(name);
        bool found = false;
        for (size_t r = 0; r < sizeof(matrix) / sizeof(matrix[0]); r++)
            found |= strncmp(matrix[r].line, name, len) == 0 &&
                     (matrix[r].line[len] == ' ' ||
                      matrix[r].line[len] == '\0');
        if (!found)
            fail_msg("no permission row for command %s", name);
    }
}

/* --- permit overrides ----------------------------------------------------- */

static void
action_names_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        enum action a;
    } want[] = {
        { "create", ACT_CREATE },
        { "manage", ACT_MANAGE },
        { "brief_after_kickoff", ACT_BRIEF_LOCKED },
        { "feedback", ACT_FEEDBACK },
        { "submit", ACT_SUBMIT },
        { "review", ACT_REVIEW },
        { "final_approval", ACT_FINAL_APPROVAL },
        { "escalate", ACT_ESCALATE },
        { "handle_escalation", ACT_HANDLE_ESCALATION },
        { "self", ACT_SELF },
        { "for_others", ACT_FOR_OTHERS },
        { "view", ACT_VIEW },
        { "audit", ACT_AUDIT },
        { "help", ACT_HELP },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        enum action a;
        assert_true(perm_action_parse(want[i].name, &a));
        assert_int_equal(a, want[i].a);
        assert_string_equal(perm_action_name(want[i].a), want[i].name);
    }
    for (int i = 0; i < ACT_COUNT; i++) {
        enum action a;
        assert_true(perm_action_parse(perm_action_name((enum action)i), &a));
        assert_int_equal(a, i);
    }
    enum action a;
    assert_false(perm_action_parse("approve", &a));
    assert_false(perm_action_parse("", &a));
    assert_string_equal(perm_action_name(ACT_COUNT), "?");
    /* perm_allows: a bit in common, or anyone. */
    struct perm_table t = { .roles = { [ACT_AUDIT] = ROLE_BRAND,
                                       [ACT_HELP] = ROLE_ANYONE } };
    assert_true(perm_allows(&t, ACT_AUDIT, ROLE_BRAND | ROLE_CREATOR));
    assert_false(perm_allows(&t, ACT_AUDIT, ROLE_COORDINATOR | ROLE_ADMIN));
    assert_true(perm_allows(&t, ACT_HELP, 0));
    assert_false(perm_allows(&t, ACT_CREATE, ROLE_ANY_PARTICIPANT |
                                             ROLE_ADMIN));
    assert_false(perm_allows(&t, ACT_COUNT, ROLE_ANYONE));
}

/* permit lines at work are tests/chat/permit.chat.  What a transcript
 * cannot do is change the table under a running core: the admin refused
 * by "permit create creator", then let in; audit closed to carol. */
static void
permit_overrides(void **state)
{
    (void)state;
    struct fx *fx = fx_create();
    /* permit create creator: the admin may no longer create. */
    fx->set.perms.roles[ACT_CREATE] = ROLE_CREATOR;
    fx_start(fx);
    fx_fails(fx, CH_DENIED, "new needs the role creator", "admin", NULL,
             "new spring-launch brand:Fizz");
    fx->set.perms.roles[ACT_CREATE] |= ROLE_ADMIN;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_ok(fx, "carol", NULL, "audit spring-launch");
    /* Settings can change while running: the next event sees them. */
    struct core_settings next = fx->set;
    next.perms.roles[ACT_AUDIT] = ROLE_BRAND;
    core_set_settings(fx->core, &next);
    fx_fails(fx, CH_DENIED, "audit needs the role brand", "carol", NULL,
             "audit spring-launch");
    fx_ok(fx, "brenda", NULL, "audit spring-launch");
    core_set_settings(fx->core, &fx->set);
    assert_int_equal(fx_close(fx), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matrix_covers_every_command),
        cmocka_unit_test(matrix_of_defaults),
        cmocka_unit_test(action_names_round_trip),
        cmocka_unit_test(permit_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
