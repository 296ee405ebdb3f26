/*
 * test_dash: the web dashboard (core/core_dash.c, adapters/web/dash.c)
 * through web_route(), without a socket: `dashboard` links and their
 * refusal with the web server off; who sees which campaign (her own, her
 * brand's as its lead, all for the admin token), the report and the
 * conflicts only for the roles `report` and `conflicts` allow; the same
 * 401 for a wrong token, an unknown campaign and one she may not see;
 * 404 for unknown pages; every user string HTML-escaped; times in the
 * reader's zone; the timeline's SVG with a mark per publish date.
 * (The real browser's view is tests/e2e/dashboard.sh.)
 */
#include "core_fixture.h"

#include "web.h"

#define ADMIN_TOKEN "admin-token&x"

static struct web *
web_of(struct fx *fx)
{
    struct web_options o = { .admin_token = ADMIN_TOKEN, .core = fx->core };
    struct web *w = web_listen(NULL, NULL, &o, NULL);
    assert_non_null(w);
    return w;
}

/* GET path with token; the body (the caller frees), the status. */
static char *
get(struct web *w, const char *path, const char *token, int *status)
{
    struct buf body = BUF_INIT;
    struct web_answer a = { .status = 0, .body = &body };
    web_route(w, path, token, &a);
    *status = a.status;
    char *s = fx_strdup(buf_cstr(&body));
    buf_free(&body);
    return s;
}

static void
expect(struct web *w, const char *path, const char *token, int want,
       const char *has, const char *lacks)
{
    int status;
    char *body = get(w, path, token, &status);
    if (status != want || (has && !strstr(body, has)) ||
        (lacks && strstr(body, lacks)))
        fail_msg("GET %s: %d (want %d), has \"%s\", lacks \"%s\":\n%s", path,
                 status, want, has ? has : "", lacks ? lacks : "", body);
    free(body);
}

/* The token of the link in the last reply. */
static void
dash_token(struct fx *fx, char out[65])
{
    const char *p = strstr(fx->reply, "/dashboard?token=");
    assert_non_null(p);
    p += strlen("/dashboard?token=");
    assert_true(strlen(p) >= 64);
    memcpy(out, p, 64);
    out[64] = '\0';
}

static int64_t
person_id(struct fx *fx, const char *name)
{
    return fx_int1(fx, "SELECT id FROM people WHERE name = ?", name);
}

/* spring (Acme): bob creator, carol coordinator, brenda brand lead;
 * autumn (Acme): erin creator only; winter (Other): nobody of ours. */
static void
world(struct fx *fx)
{
    fx_ok(fx, "admin", NULL, "new spring brand:Acme title:\"<b>Spring</b> "
          "& co\" from:2026-12-01 to:2026-12-31");
    fx_ok(fx, "admin", NULL, "new autumn brand:Acme from:2026-12-10 "
          "to:2027-01-20");
    fx_ok(fx, "admin", NULL, "new winter brand:Other");
    fx_ok(fx, "admin", NULL, "add spring carol role:coordinator");
    fx_ok(fx, "admin", NULL, "add spring bob role:creator");
    fx_ok(fx, "admin", NULL, "add spring brenda role:brand");
    fx_ok(fx, "admin", NULL, "add autumn erin role:creator");
    fx_ok(fx, "admin", NULL, "deliverable spring bob \"Unboxing <reel>\" "
          "on:tiktok draft:2026-12-05 publish:2026-12-10");
    fx_ok(fx, "admin", NULL, "deliverable autumn erin \"Story\" "
          "draft:2026-12-12 publish:2026-12-15");
}

static void
test_command(void **state)
{
    struct fx *fx = *state;
    char first[65], second[65];

    fx_ok(fx, "bob", NULL, "dashboard");
    fx_reply_has(fx, "http://127.0.0.1:8080/dashboard?token=");
    dash_token(fx, first);
    fx_ok(fx, "bob", NULL, "dashboard");
    dash_token(fx, second);
    assert_string_not_equal(first, second);
    /* One row, the hash only; the calendar's is another kind. */
    fx_ok(fx, "bob", NULL, "calendar");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM web_tokens WHERE "
                                "kind = 'dashboard'"), 1);
    assert_int_equal(fx_int1(fx, "SELECT count(*) FROM web_tokens WHERE "
                                 "hash = ?", second), 0);
    struct web *w = web_of(fx);
    expect(w, "/dashboard", first, 401, "unauthorized\n", "bob");
    expect(w, "/dashboard", second, 200, "<h1>Campaigns</h1>", NULL);
    web_free(w);

    /* With the web server off: refused, nothing stored. */
    fx->set.web_url = NULL;
    fx_fails(fx, CH_INVALID, "dashboard links need the web server", "erin",
             NULL, "dashboard");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM web_tokens WHERE "
                                "kind = 'dashboard'"), 1);
}

static void
test_pages(void **state)
{
    struct fx *fx = *state;
    char bob[65], brenda[65], erin[65];
    char path[64];
    int status;

    world(fx);
    fx_ok(fx, "bob", NULL, "tz Asia/Tokyo");
    fx_ok(fx, "bob", NULL, "dashboard");
    dash_token(fx, bob);
    fx_ok(fx, "brenda", NULL, "dashboard");
    dash_token(fx, brenda);
    fx_ok(fx, "erin", NULL, "dashboard");
    dash_token(fx, erin);
    struct web *w = web_of(fx);

    /* The index: bob's one campaign, escaped, in his zone, with a mark
     * for its publish date and a link to its page carrying his token. */
    char *body = get(w, "/dashboard", bob, &status);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "<svg"));
    assert_non_null(strstr(body, "&lt;b&gt;Spring&lt;/b&gt; &amp; co"));
    assert_null(strstr(body, "<b>Spring"));
    assert_non_null(strstr(body, "times in Asia/Tokyo"));
    assert_non_null(strstr(body, "JST"));
    assert_null(strstr(body, "autumn"));
    assert_null(strstr(body, "winter"));
    snprintf(path, sizeof(path), "/dashboard/c/spring?token=%.8s", bob);
    assert_non_null(strstr(body, path));
    assert_non_null(strstr(body, "<title>publish "));
    free(body);
    /* Brenda leads Acme: both its campaigns, not Other's. */
    expect(w, "/dashboard", brenda, 200, "autumn", "winter");
    /* The admin token: every campaign, times in the default zone. */
    expect(w, "/dashboard", ADMIN_TOKEN, 200, "winter", "JST");
    /* Its links carry the admin token escaped for a URL. */
    expect(w, "/dashboard", ADMIN_TOKEN, 200, "token=admin-token%26x",
           "token=admin-token&x");

    /* A campaign's page: status and people for bob, no report (it is
     * for coordinators, agency and brand). */
    body = get(w, "/dashboard/c/spring", bob, &status);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "<h2>Status</h2>"));
    assert_non_null(strstr(body, "Unboxing &lt;reel&gt;"));
    assert_null(strstr(body, "<reel>"));
    assert_null(strstr(body, "<h2>Report</h2>"));
    assert_null(strstr(body, "Open conflicts"));
    free(body);
    expect(w, "/dashboard/c/spring", brenda, 200, "<h2>Report</h2>", NULL);
    expect(w, "/dashboard/c/spring", ADMIN_TOKEN, 200, "Open conflicts",
           NULL);
    expect(w, "/dashboard/c/autumn", brenda, 200, "erin", NULL);

    /* Not hers, not there, no token, a wrong one: one answer. */
    char *refused = get(w, "/dashboard/c/winter", bob, &status);
    assert_int_equal(status, 401);
    assert_string_equal(refused, "unauthorized\n");
    const char *same[][2] = {
        { "/dashboard/c/autumn", bob },
        { "/dashboard/c/nope", bob },
        { "/dashboard/c/spring", NULL },
        { "/dashboard/c/spring", "0123456789abcdef0123456789abcdef"
                                 "0123456789abcdef0123456789abcdef" },
        { "/dashboard", "admin-token" },
        { "/dashboard", NULL },
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++) {
        body = get(w, same[i][0], same[i][1], &status);
        assert_int_equal(status, 401);
        assert_string_equal(body, refused);
        free(body);
    }
    free(refused);

    /* Scorecards: his own; erin's is not for him, but for the admin. */
    snprintf(path, sizeof(path), "/dashboard/p/%lld",
             (long long)person_id(fx, "bob"));
    expect(w, path, bob, 200, "Scorecard of bob", NULL);
    expect(w, path, brenda, 200, "Drafts on time", NULL);
    snprintf(path, sizeof(path), "/dashboard/p/%lld",
             (long long)person_id(fx, "erin"));
    expect(w, path, bob, 401, "unauthorized", "erin");
    expect(w, path, ADMIN_TOKEN, 200, "Scorecard of erin", NULL);
    expect(w, "/dashboard/p/999999", ADMIN_TOKEN, 401, NULL, NULL);
    expect(w, "/dashboard/p/0x1", ADMIN_TOKEN, 401, NULL, NULL);

    /* Pages that are not there, whatever the token. */
    expect(w, "/dashboard/page/2", ADMIN_TOKEN, 404, "not found\n", NULL);
    expect(w, "/dashboard/page/1", ADMIN_TOKEN, 200, "winter", NULL);
    expect(w, "/dashboard/x", bob, 404, "not found\n", NULL);
    expect(w, "/dashboard/c/spring/more", bob, 404, NULL, NULL);
    expect(w, "/dashboardx", ADMIN_TOKEN, 404, NULL, NULL);
    expect(w, "/dashboard/x", NULL, 404, NULL, NULL);
    web_free(w);
}

/* More campaigns than a page: two pages, both reachable by their
 * links, each with its own rows. */
static void
test_paging(void **state)
{
    struct fx *fx = *state;

    for (int i = 0; i < CORE_DASH_PAGE + 3; i++)
        fx_ok(fx, "admin", NULL, "new c%03d brand:B%d", i, i % 4);
    struct web *w = web_of(fx);
    int status;
    char *body = get(w, "/dashboard", ADMIN_TOKEN, &status);
    assert_int_equal(status, 200);
    assert_non_null(strstr(body, "Page 1 of 2"));
    assert_non_null(strstr(body, "/dashboard/page/2?token="));
    free(body);
    expect(w, "/dashboard/page/2", ADMIN_TOKEN, 200, "51–53 of 53", NULL);
    expect(w, "/dashboard/page/3", ADMIN_TOKEN, 404, NULL, NULL);
    web_free(w);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_command, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_pages, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_paging, fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
