/*
 * test_core: the core's entry points (core.h) with the fake adapter:
 * inbound dedupe, the refusal path, the outbox (order, holding for a
 * channel, CH_BUSY, 5xx backoff, failures), buttons, a second platform,
 * and the escalation ladder on a simulated clock.
 *
 * Ladder times are worked out by hand from the defaults: working hours
 * 09:00-18:00 Monday to Friday in UTC (nobody here has a zone), timeouts
 * of 4 h (coordinators), 8 h (agency), 24 h (brand), 24 h (admins)
 * counted in the addressed person's working time.  2026-12-01 is a
 * Tuesday.
 */
#include "core_fixture.h"

#include "records.h"

static int64_t
outbox_max(struct fx *fx)
{
    int64_t v = fx_int(fx, "SELECT max(id) FROM outbox");
    return v == INT64_MIN ? 0 : v;
}

/* --- inbound ------------------------------------------------------------ */

static void
event_dedupe(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    enum ch_status s = fx_event(fx, CORE_EV_COMMAND, "carol", NULL,
                                "new summer brand:Fizz", "Ev-77", NULL);
    assert_int_equal(s, CH_OK);
    struct fx_counts before, after;
    fx_counts(fx, &before);
    size_t mark = fx_mark(fx);
    /* The platform delivers it again: nothing is applied or said. */
    s = fx_event(fx, CORE_EV_COMMAND, "carol", NULL, "new summer brand:Fizz",
                 "Ev-77", NULL);
    assert_int_equal(s, CH_DUPLICATE);
    assert_int_equal(fx->res.status, CH_DUPLICATE);
    assert_int_equal(fx->res.reply_id, 0);
    fx_counts(fx, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(fx_mark(fx), mark);
    /* Even when its text differs: the id is what counts. */
    s = fx_event(fx, CORE_EV_COMMAND, "carol", NULL, "new autumn brand:Fizz",
                 "Ev-77", NULL);
    assert_int_equal(s, CH_DUPLICATE);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM campaigns WHERE slug "
                                "= 'autumn'"), 0);
    /* The same id from another platform is another event. */
    struct core_event ev = {
        .kind = CORE_EV_COMMAND, .platform = "fake2", .event_id = "Ev-77",
        .user_id = "C2", .user_name = "carol", .text = "help",
    };
    assert_int_equal(core_handle_event(fx->core, &ev, NULL), CH_OK);
    /* A refused event is remembered too: its redelivery is a duplicate. */
    s = fx_event(fx, CORE_EV_COMMAND, "bob", NULL, "kickoff summer",
                 "Ev-78", NULL);
    assert_int_equal(s, CH_DENIED);
    fx_counts(fx, &before);
    s = fx_event(fx, CORE_EV_COMMAND, "bob", NULL, "kickoff summer",
                 "Ev-78", NULL);
    assert_int_equal(s, CH_DUPLICATE);
    fx_counts(fx, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    /* Events without an id are all applied. */
    size_t n = fx_mark(fx);
    struct core_event noid = {
        .kind = CORE_EV_COMMAND, .platform = "fake", .user_id = "carol",
        .user_name = "carol", .text = "help",
    };
    assert_int_equal(core_handle_event(fx->core, &noid, NULL), CH_OK);
    assert_int_equal(core_handle_event(fx->core, &noid, NULL), CH_OK);
    core_flush(fx->core);
    assert_int_equal(fx_count(fx, n, OUT_REPLY, "carol", "Commands you can "
                                                         "use"), 2);
}

static void
event_without_user(void **state)
{
    struct fx *fx = *state;
    struct fx_counts before, after;
    fx_counts(fx, &before);
    struct core_event ev = { .kind = CORE_EV_COMMAND, .platform = "fake",
                             .event_id = "E1", .user_id = "", .text = "help" };
    struct core_result res = { .status = -1 };
    assert_int_equal(core_handle_event(fx->core, &ev, &res), CH_INVALID);
    assert_int_equal(res.status, CH_INVALID);
    ev.user_id = "carol";
    ev.platform = NULL;
    assert_int_equal(core_handle_event(fx->core, &ev, &res), CH_INVALID);
    fx_counts(fx, &after);
    assert_memory_equal(&before, &after, sizeof(before));
}

static void
refusal_is_an_audit_line_and_a_reply(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_BRIEF);
    struct fx_counts before;
    fx_counts(fx, &before);
    size_t mark = fx_mark(fx);
    /* nina has never spoken: even her person row is not kept. */
    enum ch_status s = fx_run(fx, "nina", NULL, "kickoff spring-launch");
    assert_int_equal(s, CH_DENIED);
    fx_assert_refused_cleanly(fx, &before);
    assert_string_equal(fx->reply, "kickoff needs the role coordinator, "
                                   "agency or admin in spring-launch; you "
                                   "are not part of spring-launch");
    /* The reply is the only message, and it went to nina. */
    assert_int_equal(fx_mark(fx), mark + 1);
    assert_int_equal(fx->fake.msgs[mark].kind, OUT_REPLY);
    assert_string_equal(fx->fake.msgs[mark].user, "nina");
    assert_null(fx->fake.msgs[mark].channel);
    /* The audit line: who, where, what was typed and why it failed. */
    assert_string_equal(fx_str(fx, "SELECT actor_ref || ' ' || campaign_id "
                                   "|| ' ' || (actor_id IS NULL) FROM audit "
                                   "ORDER BY id DESC LIMIT 1"),
                        "fake:nina 1 1");
    assert_string_equal(fx_str(fx, "SELECT detail FROM audit ORDER BY id "
                                   "DESC LIMIT 1"),
                        "kickoff spring-launch: kickoff needs the role "
                        "coordinator, agency or admin in spring-launch; you "
                        "are not part of spring-launch");
    /* A refusal inside the handler rolls back what it had done. */
    fx_counts(fx, &before);
    s = fx_run(fx, "carol", NULL, "add spring-launch zoe role:creator "
                                  "tier:flex tz:Nowhere/Else");
    assert_int_equal(s, CH_INVALID);
    fx_assert_refused_cleanly(fx, &before);
}

static void
user_info_sets_zone_unless_chosen(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, 0);
    struct core_event ev = {
        .kind = CORE_EV_USER_INFO, .platform = "fake", .user_id = "bob",
        .user_name = "Bob Smith", .tz = "America/New_York",
    };
    assert_int_equal(core_handle_event(fx->core, &ev, NULL), CH_OK);
    assert_string_equal(fx_str(fx, "SELECT name || ' ' || tz || ' ' || "
                                   "tz_source FROM people p JOIN identities "
                                   "i ON i.person_id = p.id WHERE i.user_id "
                                   "= 'bob'"),
                        "Bob Smith America/New_York platform");
    /* A zone the person chose stays. */
    fx_ok(fx, "bob", NULL, "tz Europe/Berlin");
    ev.tz = "Asia/Tokyo";
    assert_int_equal(core_handle_event(fx->core, &ev, NULL), CH_OK);
    assert_string_equal(fx_str(fx, "SELECT tz || ' ' || tz_source FROM "
                                   "people WHERE name = 'Bob Smith'"),
                        "Europe/Berlin self");
    /* An unknown zone is ignored. */
    ev.user_id = "dave";
    ev.user_name = "dave";
    ev.tz = "Mars/Olympus";
    assert_int_equal(core_handle_event(fx->core, &ev, NULL), CH_OK);
    assert_null(fx_str(fx, "SELECT tz FROM people WHERE name = 'dave'"));
}

/* --- outbox ------------------------------------------------------------- */

static void
reply_comes_first(void **state)
{
    struct fx *fx = *state;
    int64_t before = outbox_max(fx);
    size_t mark = fx_mark(fx);
    fx_ok(fx, "admin", NULL, "new spring-launch brand:Fizz");
    /* The reply is the event's first outbox row... */
    assert_int_equal(fx->res.reply_id, before + 1);
    assert_string_equal(fx_str(fx, "SELECT kind FROM outbox WHERE id = (SELECT "
                                   "min(id) FROM outbox WHERE kind != "
                                   "'lookup')"), "reply");
    assert_true(outbox_max(fx) > before + 3);
    /* ...and the first message delivered. */
    assert_true(fx_mark(fx) > mark + 3);
    assert_int_equal(fx->fake.msgs[mark].kind, OUT_REPLY);
    assert_int_equal(fx->fake.msgs[mark].id, fx->res.reply_id);
    /* Then the channel, before anything said in it. */
    struct fake_msg *create = fx_find(fx, mark, OUT_CREATE_CHANNEL, NULL,
                                      NULL);
    assert_non_null(create);
    assert_string_equal(create->channel_name, "spring-launch");
    assert_int_equal(create->private_channel, 1);
    assert_string_equal(create->campaign, "spring-launch");
    for (size_t i = mark; i < fx->fake.n; i++) {
        if (fx->fake.msgs[i].kind == OUT_POST ||
            fx->fake.msgs[i].kind == OUT_TOPIC ||
            fx->fake.msgs[i].kind == OUT_INVITE) {
            assert_true(fx->fake.msgs[i].id > create->id);
            assert_string_equal(fx->fake.msgs[i].channel, "C-spring-launch");
        }
    }
    /* Everything was delivered and recorded as sent. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state != "
                                "'sent'"), 0);
    assert_string_equal(fx_str(fx, "SELECT channel_id FROM channels"),
                        "C-spring-launch");
}

static void
held_until_the_channel_exists(void **state)
{
    struct fx *fx = *state;
    fx->fake.defer_channels = true;
    size_t mark = fx_mark(fx);
    fx_ok(fx, "admin", NULL, "new spring-launch brand:Fizz");
    fx_ok(fx, "admin", NULL, "add spring-launch carol role:coordinator");
    /* Replies and DMs go; the campaign's channel traffic waits. */
    assert_int_equal(fx_count(fx, mark, OUT_REPLY, "admin", NULL), 2);
    assert_int_equal(fx_count(fx, mark, OUT_DM, "carol",
                              "added you to spring-launch"), 1);
    assert_int_equal(fx_count(fx, mark, OUT_CREATE_CHANNEL, NULL, NULL), 1);
    assert_int_equal(fx_count(fx, mark, OUT_POST, NULL, NULL), 0);
    assert_int_equal(fx_count(fx, mark, OUT_TOPIC, NULL, NULL), 0);
    assert_int_equal(fx_count(fx, mark, OUT_INVITE, NULL, NULL), 0);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state = "
                                "'pending' AND kind != 'create_channel'"),
                     5);
    /* Flushing again changes nothing while the channel is missing. */
    size_t n = fx_mark(fx);
    core_flush(fx->core);
    assert_int_equal(fx_mark(fx), n);
    /* The platform reports the channel: the rest follows, in order. */
    fx_complete_channels(fx, &fx->fake);
    assert_string_equal(fx_str(fx, "SELECT channel_id FROM channels"),
                        "C-spring-launch");
    static const enum out_kind order[] = {
        OUT_TOPIC, OUT_INVITE, OUT_POST, OUT_INVITE, OUT_POST,
    };
    assert_int_equal(fx_mark(fx), n + 5);
    int64_t last = 0;
    for (size_t i = 0; i < 5; i++) {
        struct fake_msg *m = &fx->fake.msgs[n + i];
        assert_int_equal(m->kind, order[i]);
        assert_string_equal(m->channel, "C-spring-launch");
        assert_true(m->id > last);
        last = m->id;
    }
    assert_string_equal(fx->fake.msgs[n + 1].user, "admin");
    assert_string_equal(fx->fake.msgs[n + 3].user, "carol");
    assert_non_null(strstr(fx->fake.msgs[n + 2].text, "Campaign "
                                                      "spring-launch for "
                                                      "Fizz created"));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state != "
                                "'sent'"), 0);
}

static void
busy_keeps_rows_pending(void **state)
{
    struct fx *fx = *state;
    fx->fake.mode = FAKE_BUSY;
    size_t mark = fx_mark(fx);
    fx_ok(fx, "admin", NULL, "help");
    fx_ok(fx, "admin", NULL, "status");
    assert_int_equal(fx_mark(fx), mark);
    assert_true(fx->fake.busy >= 2);
    size_t busy = fx->fake.busy;
    /* Busy is not a failure: no attempt counted, no retry time. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state = "
                                "'pending' AND attempts = 0 AND not_before "
                                "= 0 AND kind = 'reply'"), 2);
    assert_int_equal(core_next_due(fx->core), INT64_MAX);
    /* A busy platform is asked once per flush, not once per row. */
    core_flush(fx->core);
    assert_int_equal(fx->fake.busy, busy + 1);
    fx->fake.mode = FAKE_OK;
    core_flush(fx->core);
    assert_int_equal(fx_count(fx, mark, OUT_REPLY, "admin", NULL), 2);
    /* In the order they were written. */
    struct fake_msg *help = fx_find(fx, mark, OUT_REPLY, "admin",
                                    "Commands you can use");
    struct fake_msg *status = fx_find(fx, mark, OUT_REPLY, "admin",
                                      "not part of any campaign");
    assert_non_null(help);
    assert_non_null(status);
    assert_true(help < status);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state != "
                                "'sent'"), 0);
}

static void
server_errors_back_off(void **state)
{
    struct fx *fx = *state;
    int64_t t0 = fx->sim.now_ms;
    fx_ok(fx, "admin", NULL, "status");   /* first contact: a lookup */
    fx->fake.mode = FAKE_5XX;
    size_t mark = fx_mark(fx);
    fx_ok(fx, "admin", NULL, "help");
    int64_t id = fx->res.reply_id;
    assert_int_equal(fx_mark(fx), mark + 1);   /* tried once */
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || attempts || ' ' || "
             "(not_before - %lld) || ' ' || last_error FROM outbox WHERE id "
             "= %lld", (long long)t0, (long long)id);
    assert_string_equal(fx_str(fx, sql), "pending 1 1000 HTTP 503 from the "
                                         "fake");
    assert_int_equal(core_next_due(fx->core), t0 + 1000);
    /* Not before its time. */
    core_flush(fx->core);
    fx_at(fx, t0 + 999);
    assert_int_equal(fx_mark(fx), mark + 1);
    /* Then again, and the wait doubles. */
    fx_at(fx, t0 + 1000);
    assert_int_equal(fx_mark(fx), mark + 2);
    assert_string_equal(fx_str(fx, sql), "pending 2 3000 HTTP 503 from the "
                                         "fake");
    assert_int_equal(core_next_due(fx->core), t0 + 3000);
    fx_at(fx, t0 + 3000);
    assert_string_equal(fx_str(fx, sql), "pending 3 7000 HTTP 503 from the "
                                         "fake");
    /* A Retry-After longer than the backoff wins. */
    fx->fake.retry_after_ms = 60000;
    fx_at(fx, t0 + 7000);
    assert_string_equal(fx_str(fx, sql), "pending 4 67000 HTTP 503 from the "
                                         "fake");
    fx->fake.mode = FAKE_OK;
    fx_at(fx, t0 + 67000);
    assert_int_equal(fx_mark(fx), mark + 5);
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || attempts || ' ' || "
             "platform_ref FROM outbox WHERE id = %lld", (long long)id);
    assert_string_equal(fx_str(fx, sql), "sent 5 fake-m2");
    assert_int_equal(core_next_due(fx->core), INT64_MAX);
}

static void
backoff_is_capped(void **state)
{
    struct fx *fx = *state;
    fx->fake.mode = FAKE_5XX;
    fx_ok(fx, "admin", NULL, "help");
    int64_t id = fx->res.reply_id;
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT not_before FROM outbox WHERE id = "
             "%lld", (long long)id);
    for (int i = 0; i < 12; i++)
        fx_at(fx, fx_int(fx, sql));
    /* 1 s doubling reaches the five-minute cap and stays there. */
    int64_t now = fx->sim.now_ms;
    fx_at(fx, fx_int(fx, sql));
    assert_int_equal(fx_int(fx, sql) - fx->sim.now_ms, 5 * MS_PER_MIN);
    assert_true(fx->sim.now_ms - now == 5 * MS_PER_MIN);
}

static void
failed_rows_are_not_retried(void **state)
{
    struct fx *fx = *state;
    fx_ok(fx, "admin", NULL, "status");   /* first contact: a lookup */
    fx->fake.mode = FAKE_4XX;
    size_t mark = fx_mark(fx);
    fx_ok(fx, "admin", NULL, "help");
    int64_t id = fx->res.reply_id;
    fx->fake.mode = FAKE_REFUSE;
    fx_ok(fx, "admin", NULL, "status");
    int64_t id2 = fx->res.reply_id;
    assert_int_equal(fx_mark(fx), mark + 2);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || last_error FROM "
             "outbox WHERE id = %lld", (long long)id);
    assert_string_equal(fx_str(fx, sql), "failed HTTP 400 from the fake");
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || attempts FROM outbox "
             "WHERE id = %lld", (long long)id2);
    assert_string_equal(fx_str(fx, sql), "failed 1");
    fx->fake.mode = FAKE_OK;
    assert_int_equal(core_next_due(fx->core), INT64_MAX);
    fx_advance(fx, MS_PER_DAY);
    core_flush(fx->core);
    assert_int_equal(fx_mark(fx), mark + 2);
}

/*
 * Rows held for a campaign whose channel does not exist yet must not
 * stand in front of other rows: once more than a flush batch waits,
 * replies and DMs to everyone else still go out.
 */
static void
held_rows_do_not_block_the_rest(void **state)
{
    struct fx *fx = *state;
    fx->fake.defer_channels = true;
    fx_ok(fx, "admin", NULL, "new spring-launch brand:Fizz");
    /* Each addition holds an invitation and a post for the channel. */
    for (int i = 0; i < 40; i++)
        fx_ok(fx, "admin", NULL, "add spring-launch p%d role:creator", i);
    assert_true(fx_int(fx, "SELECT count(*) FROM outbox WHERE state = "
                           "'pending'") > 64);
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "help");
    if (fx_count(fx, mark, OUT_REPLY, "carol", "Commands you can use") != 1)
        fail_msg("carol's reply was not delivered: %lld rows wait for "
                 "spring-launch's channel in front of it",
                 (long long)fx_int(fx, "SELECT count(*) FROM outbox WHERE "
                                       "state = 'pending' AND campaign_id "
                                       "IS NOT NULL"));
    /* ...and once the channel exists, its rows follow. */
    fx_complete_channels(fx, &fx->fake);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM outbox WHERE state = "
                                "'pending'"), 0);
}

/* A pressed button runs its command as the presser and marks the message
 * it was on. */
/* The reply and a pressed button's edit come back with the event,
 * rendered for its platform, whatever the outbox holds; the flush leaves
 * them alone until the platform says what became of them. */
static void
answer_comes_back_in_band(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_news_at_once(fx);     /* brenda's review request at once */
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "approve spring-launch#1");
    struct fake_msg *m = fx_find(fx, mark, OUT_DM, "brenda",
                                 "needs your final approval");
    assert_non_null(m);
    char *ref = fx_strdup(m->answer);

    fx->fake.mode = FAKE_BUSY;              /* nothing leaves the outbox */
    struct core_event ev = {
        .kind = CORE_EV_COMMAND, .platform = "fake", .event_id = "ib-1",
        .user_id = "brenda", .user_name = "brenda",
        .text = "approve spring-launch#1", .via_message = ref,
    };
    struct core_result res;
    assert_int_equal(core_handle_event(fx->core, &ev, &res), CH_OK);
    assert_non_null(res.reply);
    assert_int_equal(res.reply->id, res.reply_id);
    assert_int_equal(res.reply->kind, OUT_REPLY);
    assert_string_equal(res.reply->user, "brenda");
    assert_non_null(strstr(res.reply->text, "approved"));
    assert_non_null(res.update);
    assert_int_equal(res.update->kind, OUT_UPDATE);
    assert_string_equal(res.update->ref, ref);
    assert_non_null(strstr(res.update->text, "→ approve by @brenda"));
    int64_t reply_id = res.reply->id, update_id = res.update->id;

    /* Held: the flush offers the channel's rows, never these two. */
    mark = fx_mark(fx);
    fx->fake.mode = FAKE_OK;
    core_flush(fx->core);
    for (size_t i = mark; i < fx->fake.n; i++) {
        assert_int_not_equal(fx->fake.msgs[i].id, reply_id);
        assert_int_not_equal(fx->fake.msgs[i].id, update_id);
    }
    /* The platform carried the reply and handed the edit back. */
    core_delivered(fx->core, reply_id, CH_OK, "carried-1", 0, NULL);
    core_delivered(fx->core, update_id, CH_BUSY, NULL, 0, "not now");
    fx_advance(fx, MS_PER_SEC);             /* recorded: a retry is due */
    fx_at(fx, core_next_due(fx->core));
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT state || ' ' || platform_ref FROM "
             "outbox WHERE id = %lld", (long long)reply_id);
    assert_string_equal(fx_str(fx, sql), "sent carried-1");
    struct fake_msg *u = NULL;
    for (size_t i = mark; i < fx->fake.n; i++)
        if (fx->fake.msgs[i].id == update_id)
            u = &fx->fake.msgs[i];
    assert_non_null(u);                     /* then delivered as a row */
    assert_int_equal(fx_count(fx, mark, OUT_REPLY, "brenda", NULL), 0);
    free(ref);
}

/* A transaction that does not commit answers nothing in-band, and a
 * caller that passes no result gets its reply through the flush. */
static void
no_result_means_the_flush_answers(void **state)
{
    struct fx *fx = *state;
    fx_ok(fx, "admin", NULL, "status");
    size_t mark = fx_mark(fx);
    struct core_event ev = {
        .kind = CORE_EV_COMMAND, .platform = "fake", .event_id = "ib-2",
        .user_id = "admin", .user_name = "admin", .text = "help",
    };
    assert_int_equal(core_handle_event(fx->core, &ev, NULL), CH_OK);
    core_flush(fx->core);
    assert_non_null(fx_find(fx, mark, OUT_REPLY, "admin",
                            "Commands you can use"));
}

static void
button_press_updates_the_message(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_DELIVS);
    fx_news_at_once(fx);     /* brenda's review request at once */
    fx_ok(fx, "bob", NULL, "submit spring-launch#1 https://x.example/1");
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "approve spring-launch#1");
    struct fake_msg *m = fx_find(fx, mark, OUT_DM, "brenda",
                                 "needs your final approval");
    assert_non_null(m);
    assert_int_equal(m->nbuttons, 2);
    assert_string_equal(m->button_label[0], "Approve");
    assert_string_equal(m->button_command[0], "approve spring-launch#1");
    assert_null(m->button_prompt[0]);
    assert_string_equal(m->button_label[1], "Request changes");
    assert_string_equal(m->button_command[1], "changes spring-launch#1");
    assert_string_equal(m->button_prompt[1], "What needs to change?");
    char *ref = fx_strdup(m->answer);
    char *text = fx_strdup(m->text);

    mark = fx_mark(fx);
    assert_int_equal(fx_event(fx, CORE_EV_COMMAND, "brenda", NULL,
                              "approve spring-launch#1", NULL, ref), CH_OK);
    assert_string_equal(fx_str(fx, "SELECT state FROM deliverables WHERE "
                                   "number = 1"), "approved");
    /* (The pinned status message is updated too; find the DM's edit.) */
    struct fake_msg *u = NULL;
    for (size_t i = mark; i < fx->fake.n; i++)
        if (fx->fake.msgs[i].kind == OUT_UPDATE &&
            strcmp(fx->fake.msgs[i].ref, ref) == 0)
            u = &fx->fake.msgs[i];
    assert_non_null(u);
    assert_string_equal(u->user, "brenda");
    assert_null(u->channel);
    assert_int_equal(u->nbuttons, 0);
    char want[1024];
    snprintf(want, sizeof(want), "%s\n→ approve by @brenda", text);
    assert_string_equal(u->text, want);
    /* A second press finds the work done: no edit. */
    mark = fx_mark(fx);
    assert_int_equal(fx_event(fx, CORE_EV_COMMAND, "brenda", NULL,
                              "approve spring-launch#1", NULL, ref),
                     CH_CONFLICT);
    assert_int_equal(fx_count(fx, mark, OUT_UPDATE, NULL, NULL), 0);
    free(ref);
    free(text);
}

static void
second_platform_gets_channels(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    fx_ok(fx, "carol", NULL, "new summer brand:Pop");
    /* carol is also on fake2, as "C2". */
    int64_t carol = fx_int(fx, "SELECT person_id FROM identities WHERE "
                               "platform = 'fake' AND user_id = 'carol'");
    assert_int_equal(store_people_identity_add(core_store(fx->core), "fake2",
                                               "C2", carol, "carol"),
                     CH_OK);
    struct fake_adapter *f2 = fx_attach_fake2(fx);
    /* Channels first, for both campaigns, then carol's invitations. */
    assert_true(f2->n >= 4);
    assert_int_equal(f2->msgs[0].kind, OUT_CREATE_CHANNEL);
    assert_string_equal(f2->msgs[0].channel_name, "spring-launch");
    assert_int_equal(fx_count_in(f2, 0, OUT_CREATE_CHANNEL, NULL, NULL), 2);
    assert_non_null(fx_find_in(f2, 0, OUT_INVITE, "C2", NULL));
    assert_int_equal(fx_count_in(f2, 0, OUT_INVITE, NULL, NULL), 2);
    /* The kicked-off campaign gets its brief and status pinned; the
     * draft does not. */
    struct fake_msg *b = fx_find_in(f2, 0, OUT_POST, NULL,
                                    "Brief for spring-launch, version 4");
    assert_non_null(b);
    assert_string_equal(b->channel, "C-spring-launch");
    assert_non_null(fx_find_in(f2, 0, OUT_POST, NULL,
                               "Status: spring-launch"));
    assert_int_equal(fx_count_in(f2, 0, OUT_PIN, NULL, NULL), 2);
    assert_null(fx_find_in(f2, 0, OUT_POST, NULL, "summer"));
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM channels WHERE "
                                "platform = 'fake2' AND channel_id IS NOT "
                                "NULL"), 2);
    /* Attaching again creates nothing twice. */
    size_t n2 = f2->n;
    core_detach(fx->core, &f2->base);
    fx_attach(fx->core, &f2->base);
    core_flush(fx->core);
    assert_int_equal(f2->n, n2);
    /* From now on campaign posts go to both platforms. */
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "escalate spring-launch help");
    assert_non_null(fx_find_in(f2, n2, OUT_POST, NULL, "opened E1"));
    assert_non_null(fx_find(fx, mark, OUT_POST, NULL, "opened E1"));
}

/* --- the escalation ladder ---------------------------------------------- */

static int
level_of(struct fx *fx, int id)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT level FROM escalations WHERE id = %d",
             id);
    return (int)fx_int(fx, sql);
}

static void
ladder_climbs_in_working_hours(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    fx_ok(fx, "admin", NULL, "status");   /* the admin is known */
    size_t mark = fx_mark(fx);
    fx_ok(fx, "bob", NULL, "escalate spring-launch no product yet");
    fx_reply_has(fx, "Opened E1 on spring-launch; it is with the "
                     "coordinators.");
    /* Urgent, but 08:00 is before carol's day: it waits for 09:00. */
    int64_t tue9 = fx_utc(2026, 12, 1, 9, 0);
    assert_null(fx_find(fx, mark, OUT_DM, "carol", "Escalation E1"));
    assert_int_equal(core_next_due(fx->core), tue9);
    assert_int_equal(fx_at(fx, tue9), 0);
    struct fake_msg *m = fx_find(fx, mark, OUT_DM, "carol",
                                 "Escalation E1 on spring-launch (opened by "
                                 "@bob): no product yet. It is with the "
                                 "coordinators.");
    assert_non_null(m);
    assert_int_equal(m->nbuttons, 1);
    assert_string_equal(m->button_command[0], "ack E1");
    /* 08:00 is before carol's day: four working hours end at 13:00. */
    int64_t tue13 = fx_utc(2026, 12, 1, 13, 0);
    assert_int_equal(core_next_due(fx->core), tue13);
    mark = fx_mark(fx);
    assert_int_equal(fx_at(fx, tue13 - 1), 0);
    assert_int_equal(level_of(fx, 1), 0);
    assert_int_equal(fx_mark(fx), mark);

    /* No agency in this campaign: straight to the brand. */
    assert_int_equal(fx_at(fx, tue13), 1);
    assert_int_equal(level_of(fx, 1), 2);
    assert_non_null(fx_find(fx, mark, OUT_DM, "brenda",
                            "Escalation E1 on spring-launch (opened by "
                            "@bob): no product yet. It is with the brand: no "
                            "acknowledgement from the coordinators within 4 "
                            "working hours."));
    assert_non_null(fx_find(fx, mark, OUT_POST, NULL,
                            "E1 moved to the brand: no acknowledgement "
                            "from the coordinators within 4 working "
                            "hours."));
    assert_string_equal(fx_str(fx, "SELECT detail FROM audit WHERE action = "
                                   "'escalation.step'"),
                        "no acknowledgement from the coordinators within "
                        "4 working hours: now with the brand");
    /* The same instant again: the step happened once. */
    size_t after = fx_mark(fx);
    assert_int_equal(fx_at(fx, tue13), 0);
    assert_int_equal(fx_mark(fx), after);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                "'escalation.step'"), 1);
    /* 24 working hours of the brand from Tue 13:00: 5 + 9 + 9 + 1, so
     * Friday 10:00. */
    int64_t fri10 = fx_utc(2026, 12, 4, 10, 0);
    assert_int_equal(core_next_due(fx->core), fri10);
    assert_int_equal(fx_at(fx, fri10 - 1), 0);
    mark = fx_mark(fx);
    assert_int_equal(fx_at(fx, fri10), 1);
    assert_int_equal(level_of(fx, 1), 3);
    assert_non_null(fx_find(fx, mark, OUT_DM, "admin",
                            "no acknowledgement from the brand within 24 "
                            "working hours."));
    /* The admins' 24 hours: Fri 8, Mon 9, Tue 7: Tuesday 16:00. */
    assert_int_equal(core_next_due(fx->core), fx_utc(2026, 12, 8, 16, 0));
}

static void
ladder_with_an_agency(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE | FX_WORLD_AGENCY);
    fx_ok(fx, "carol", NULL, "escalate spring-launch budget question");
    int64_t tue13 = fx_utc(2026, 12, 1, 13, 0);
    fx_at(fx, fx_utc(2026, 12, 1, 9, 0));   /* the world's DMs, held */
    size_t mark = fx_mark(fx);
    assert_int_equal(fx_at(fx, tue13), 1);
    assert_int_equal(level_of(fx, 1), 1);
    assert_non_null(fx_find(fx, mark, OUT_DM, "alice", "Escalation E1"));
    assert_null(fx_find(fx, mark, OUT_DM, "brenda", NULL));
    /* Eight working hours of the agency: Tue 5 + Wed 3, Wednesday
     * 12:00. */
    int64_t wed12 = fx_utc(2026, 12, 2, 12, 0);
    assert_int_equal(core_next_due(fx->core), wed12);
    mark = fx_mark(fx);
    assert_int_equal(fx_at(fx, wed12), 1);
    assert_int_equal(level_of(fx, 1), 2);
    assert_non_null(fx_find(fx, mark, OUT_DM, "brenda",
                            "no acknowledgement from the agency within 8 "
                            "working hours."));
    /* 24 of the brand's: Wed 6, Thu 9, Fri 9: Friday 18:00. */
    assert_int_equal(core_next_due(fx->core), fx_utc(2026, 12, 4, 18, 0));
}

static void
ack_stops_the_ladder(void **state)
{
    struct fx *fx = *state;
    fx_world(fx, FX_WORLD_ACTIVE);
    fx_ok(fx, "bob", NULL, "escalate spring-launch no product yet");
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM jobs WHERE "
                                "escalation_id = 1"), 1);
    fx_advance(fx, 2 * MS_PER_HOUR);
    size_t mark = fx_mark(fx);
    fx_ok(fx, "carol", NULL, "ack E1 calling the supplier");
    fx_reply_has(fx, "Acknowledged E1; it stops climbing. Close it with "
                     "resolve E1 <note> when it is sorted.");
    assert_non_null(fx_find(fx, mark, OUT_DM, "bob",
                            "@carol acknowledged E1 on spring-launch: "
                            "calling the supplier"));
    /* No step is left; one reminder for carol, a working day on. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM jobs WHERE "
                                "escalation_id = 1 AND kind = "
                                "'escalation.step'"), 0);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM jobs WHERE "
                                "escalation_id = 1 AND kind = "
                                "'escalation.remind'"), 1);
    mark = fx_mark(fx);
    for (int h = 0; h < 14 * 24; h++)
        fx_advance(fx, MS_PER_HOUR);
    assert_int_equal(level_of(fx, 1), 0);
    assert_string_equal(fx_str(fx, "SELECT state FROM escalations"),
                        "acknowledged");
    /* Reminded three times, then left alone; nobody else heard. */
    assert_int_equal(fx_count(fx, mark, OUT_DM, "carol",
                              "E1 on spring-launch, which you acknowledged"),
                     3);
    assert_int_equal(core_next_due(fx->core), INT64_MAX);
    fx_fails(fx, CH_CONFLICT, "E1 was already acknowledged by @carol",
             "brenda", NULL, "ack E1");
    fx_ok(fx, "carol", NULL, "resolve E1 supplier shipped");
    fx_fails(fx, CH_CONFLICT,
             "E1 was already resolved by @carol: supplier shipped", "carol",
             NULL, "resolve E1 again");
    fx_ok(fx, "carol", NULL, "audit E1");
    fx_reply_has(fx, "Audit log of E1 (6 lines), times in UTC:");
    fx_reply_has(fx, "escalation.open");
    fx_reply_has(fx, "escalation.ack");
    fx_reply_has(fx, "escalation.resolve");
}

/* Working around the clock, with one-hour levels: the ladder goes round
 * three times (the first pass and two repeats), then stops. */
static void
ladder_repeats_then_stops(void **state)
{
    (void)state;
    struct fx *fx = fx_create();
    fx->set.work_start = 0;
    fx->set.work_end = 24 * 60;
    fx->set.work_days = 0x7f;
    for (int i = 0; i < 4; i++)
        fx->set.ladder.level[i].ms = MS_PER_HOUR;
    fx_start(fx);
    fx_world(fx, FX_WORLD_ACTIVE);
    fx_ok(fx, "admin", NULL, "status");
    fx_ok(fx, "bob", NULL, "escalate spring-launch nobody answers");
    int64_t t0 = fx->sim.now_ms;
    /* coordinators -> brand -> admins, three times: 8 steps. */
    static const int levels[] = { 2, 3, 0, 2, 3, 0, 2, 3 };
    for (int i = 0; i < 8; i++) {
        assert_int_equal(core_next_due(fx->core), t0 + (i + 1) * MS_PER_HOUR);
        assert_int_equal(fx_at(fx, t0 + (i + 1) * MS_PER_HOUR), 1);
        assert_int_equal(level_of(fx, 1), levels[i]);
        assert_int_equal(fx_int(fx, "SELECT cycle FROM escalations"),
                         (i + 1) / 3);
    }
    size_t mark = fx_mark(fx);
    assert_int_equal(fx_at(fx, t0 + 9 * MS_PER_HOUR), 1);
    assert_non_null(fx_find(fx, mark, OUT_POST, NULL,
                            "E1 went up the whole ladder 3 times without an "
                            "acknowledgement. It stays open"));
    assert_string_equal(fx_str(fx, "SELECT state FROM escalations"), "open");
    assert_int_equal(level_of(fx, 1), 3);
    assert_int_equal(core_next_due(fx->core), INT64_MAX);
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM audit WHERE action = "
                                "'escalation.step'"), 8);
    assert_int_equal(fx_close(fx), 0);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
#define TR(name)                                                     \
    cmocka_unit_test_setup_teardown(name, fx_setup_reachable, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(event_dedupe),
        T(event_without_user),
        T(refusal_is_an_audit_line_and_a_reply),
        T(user_info_sets_zone_unless_chosen),
        T(reply_comes_first),
        TR(held_until_the_channel_exists),
        T(busy_keeps_rows_pending),
        T(server_errors_back_off),
        T(backoff_is_capped),
        T(failed_rows_are_not_retried),
        TR(held_rows_do_not_block_the_rest),
        TR(answer_comes_back_in_band),
        T(no_result_means_the_flush_answers),
        TR(button_press_updates_the_message),
        T(second_platform_gets_channels),
        T(ladder_climbs_in_working_hours),
        T(ladder_with_an_agency),
        T(ack_stops_the_ladder),
        cmocka_unit_test(ladder_repeats_then_stops),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
