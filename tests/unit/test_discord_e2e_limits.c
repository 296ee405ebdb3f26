/*
 * test_discord_e2e_limits: the real daemon on the Discord simulator with
 * a campaign of 200 deliverables, the simulator holding Discord's limits
 * (2 000 characters of content, on a new message, an edit or an
 * interaction's answer): the pinned status is summarised and keeps being
 * edited; a `status` too long for one message comes in several; no
 * request is refused for its size.
 */
#include "discord_e2e_fixture.h"

#include "utf8.h"

#define DELIVERABLES 200

static void
run_ok(struct e2e *e, const char *user, const char *cmd, const char *sub,
       const struct discord_sim_opt *o, size_t n, const char *want)
{
    const char *r = e2e_run(e, user, e->general, cmd, sub, o, n);
    if (!strstr(r, want)) {
        print_message("/%s replied: %s\n  wanted: %s\n", cmd, r, want);
        fail();
    }
}

static void
brief_set(struct e2e *e, const char *field, const char *text)
{
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = "spring" },
        { .name = "field", .type = 3, .value = field },
        { .name = "text", .type = 3, .value = text },
    };
    run_ok(e, e->alice, "brief", "set", o, 3, "set");
}

/* The pinned status message of channel, or false. */
static bool
pinned_status(struct e2e *e, const char *channel,
              struct discord_sim_message_info *out)
{
    size_t n = discord_sim_message_count(e->sim);
    for (size_t i = 0; i < n; i++)
        if (discord_sim_message_at(e->sim, i, out) && out->pinned &&
            out->by_bot && strcmp(out->channel_id, channel) == 0 &&
            out->content && strncmp(out->content, "Status:", 7) == 0)
            return true;
    return false;
}

static bool
status_has(struct discord_sim *sim, void *arg)
{
    const char **w = arg;
    size_t n = discord_sim_message_count(sim);
    for (size_t i = 0; i < n; i++) {
        struct discord_sim_message_info m;
        if (discord_sim_message_at(sim, i, &m) && m.pinned && m.by_bot &&
            strcmp(m.channel_id, w[0]) == 0 && m.content &&
            strncmp(m.content, "Status:", 7) == 0 &&
            strstr(m.content, w[1]))
            return true;
    }
    return false;
}

/* Requests the simulator refused with 400 (a form error). */
static size_t
refused(struct e2e *e)
{
    size_t n = 0;
    for (size_t i = 0; i < discord_sim_rest_count(e->sim); i++) {
        const struct discord_sim_rest_call *c =
            discord_sim_rest_get(e->sim, i);
        n += c && c->status == 400;
    }
    return n;
}

struct parts_wait {
    size_t      from;       /* messages before the command */
    const char *channel;
};

/* A reply part: the bot's, in the channel, after the command. */
static bool
reply_part(struct discord_sim *sim, const struct parts_wait *w, size_t i,
           struct discord_sim_message_info *m)
{
    return i >= w->from && discord_sim_message_at(sim, i, m) && m->by_bot &&
           strcmp(m->channel_id, w->channel) == 0 && m->content;
}

/* The answer and its follow-ups reached the last line. */
static bool
all_parts(struct discord_sim *sim, void *arg)
{
    struct parts_wait *w = arg;
    size_t n = discord_sim_message_count(sim);
    for (size_t i = w->from; i < n; i++) {
        struct discord_sim_message_info m;
        if (reply_part(sim, w, i, &m) &&
            strstr(m.content, "Open escalations"))
            return true;
    }
    return false;
}

/* The timeline's last line (its last day) has come. */
static bool
timeline_done(struct discord_sim *sim, void *arg)
{
    struct parts_wait *w = arg;
    size_t n = discord_sim_message_count(sim);
    for (size_t i = w->from; i < n; i++) {
        struct discord_sim_message_info m;
        if (reply_part(sim, w, i, &m) && strstr(m.content, "spring#199 "))
            return true;
    }
    return false;
}

static void
test_two_hundred_deliverables(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    char ch[32];
    snprintf(ch, sizeof(ch), "%s", e2e_campaign(e, "spring"));
    struct discord_sim_opt add[] = {
        { .name = "slug", .type = 3, .value = "spring" },
        { .name = "person", .type = 6, .value = e->bob },
        { .name = "role", .type = 3, .value = "creator" },
    };
    run_ok(e, e->alice, "add", NULL, add, 3, "added");
    for (int i = 1; i <= DELIVERABLES; i++) {
        char title[96], draft[16], publish[16];
        snprintf(title, sizeof(title), "Piece %d of the spring series, a "
                 "reel with a long title", i);
        snprintf(draft, sizeof(draft), "+%dd", 3 + i % 20);
        snprintf(publish, sizeof(publish), "+%dd", 25 + i % 20);
        struct discord_sim_opt o[] = {
            { .name = "slug", .type = 3, .value = "spring" },
            { .name = "creator", .type = 6, .value = e->bob },
            { .name = "title", .type = 3, .value = title },
            { .name = "draft", .type = 3, .value = draft },
            { .name = "publish", .type = 3, .value = publish },
        };
        run_ok(e, e->alice, "deliverable", "add", o, 5, "#");
    }
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM deliverables") ==
                     DELIVERABLES);
    brief_set(e, "story", "Spring is here");
    brief_set(e, "audience", "urban runners");
    brief_set(e, "core_message", "Fizz keeps you running");
    struct discord_sim_opt slug[] = {
        { .name = "slug", .type = 3, .value = "spring" },
    };
    run_ok(e, e->alice, "kickoff", NULL, slug, 1, "spring");

    /* The pinned status: summarised, within 2 000 characters. */
    const char *w[] = { ch, "200 planned" };
    e2e_check(e, discord_sim_wait(e->sim, status_has, w, E2E_WAIT_MS));
    struct discord_sim_message_info m;
    e2e_check(e, pinned_status(e, ch, &m));
    e2e_check(e, utf8_length(m.content) <= 2000);
    e2e_check(e, strstr(m.content, "Summary of 200 deliverables") != NULL);

    /* Kept current: a submission edits it. */
    struct discord_sim_opt sub[] = {
        { .name = "ref", .type = 3, .value = "spring#7" },
        { .name = "link", .type = 3, .value = "https://example.com/v7" },
    };
    run_ok(e, e->bob, "submit", NULL, sub, 2, "spring#7");
    const char *w2[] = { ch, "1 submitted" };
    e2e_check(e, discord_sim_wait(e->sim, status_has, w2, E2E_WAIT_MS));
    e2e_check(e, pinned_status(e, ch, &m));
    e2e_check(e, m.edits > 0 && utf8_length(m.content) <= 2000);

    /* `status`: the answer and its follow-ups, each within the limit,
     * from the first deliverable to "… and N more". */
    struct parts_wait pw = { .from = discord_sim_message_count(e->sim),
                             .channel = e->general };
    e2e_command(e, e->alice, e->general, "status", NULL, slug, 1);
    e2e_check(e, discord_sim_wait(e->sim, all_parts, &pw, E2E_WAIT_MS));
    size_t parts = 0;
    bool first = false, last = false;
    for (size_t i = pw.from; i < discord_sim_message_count(e->sim); i++) {
        if (!reply_part(e->sim, &pw, i, &m))
            continue;
        e2e_check(e, utf8_length(m.content) <= 2000);
        parts++;
        first |= strstr(m.content, "#1 Piece 1 of") != NULL;
        last |= strstr(m.content, "more") != NULL;
    }
    e2e_check(e, parts >= 2);
    e2e_check(e, first && last);

    /* timeline: 200 publish dates over 20 days, in a few messages. */
    pw.from = discord_sim_message_count(e->sim);
    e2e_command(e, e->alice, e->general, "timeline", NULL, NULL, 0);
    e2e_check(e, discord_sim_wait(e->sim, timeline_done, &pw,
                                  E2E_WAIT_MS));
    parts = 0;
    size_t refs = 0;
    for (size_t i = pw.from; i < discord_sim_message_count(e->sim); i++) {
        if (!reply_part(e->sim, &pw, i, &m))
            continue;
        e2e_check(e, utf8_length(m.content) <= 2000);
        parts++;
        for (const char *p = m.content; (p = strstr(p, "spring#")); p++)
            refs++;
    }
    e2e_check(e, parts >= 2);
    e2e_check(e, refs == DELIVERABLES);
    e2e_check(e, refused(e) == 0);
    e2e_finish(e, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_two_hundred_deliverables,
                                  e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
