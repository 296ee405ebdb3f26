/*
 * test_button_rows: buttons in rows on every platform.  The layout they
 * share (adapters/runtime/button_rows.c): a new row where a button's row
 * changes or a row is full, at most OUT_MAX_ROWS rows, the rest left out
 * with a warning.  The console: a "buttons:" line per row.  Slack: an
 * actions block per row; Discord: an action row per row.  And the prompt
 * whose text may be left empty, as each platform's form says it (the
 * forms themselves, submitted empty, are in test_slack_e2e.c and
 * test_discord_e2e.c: test_rows_and_optional_prompt).
 */
#include "core_fixture.h"

#include "button_rows.h"
#include "console.h"
#include "discord_int.h"
#include "slack_int.h"
#include "xmalloc.h"

static int warnings;

static void
count_warnings(void *arg, enum log_level level, const char *line)
{
    (void)arg;
    (void)line;
    warnings += level == LOG_WARN;
}

static int
setup(void **state)
{
    (void)state;
    warnings = 0;
    log_set_sink(count_warnings, NULL);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    log_set_sink(NULL, NULL);
    return 0;
}

/* n buttons, button i in row[i]. */
static void
make(struct out_button *b, size_t n, const unsigned *row)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (struct out_button){ .label = "L", .command = "c",
                                    .row = row[i] };
}

static void
rows_follow_the_row_field(void **state)
{
    (void)state;
    struct out_button b[7];
    struct button_rows r;
    /* The standup prompt: "All" in row 0, then a row per deliverable. */
    make(b, 7, (const unsigned[]){ 0, 0, 0, 1, 1, 1, 2 });
    button_rows(b, 7, "test", &r);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.start[0], 0);
    assert_int_equal(r.start[1], 3);
    assert_int_equal(r.start[2], 6);
    assert_int_equal(r.start[3], 7);
    /* A row is a change of the field, not its value: 0 1 0 is three. */
    make(b, 3, (const unsigned[]){ 0, 1, 0 });
    button_rows(b, 3, "test", &r);
    assert_int_equal(r.n, 3);
    /* No buttons, no rows. */
    button_rows(b, 0, "test", &r);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.start[0], 0);
    assert_int_equal(warnings, 0);
}

static void
a_full_row_wraps(void **state)
{
    (void)state;
    struct out_button b[12];
    struct button_rows r;
    make(b, 12, (const unsigned[]){ 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 });
    button_rows(b, 12, "test", &r);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.start[1], 5);     /* the sixth starts a row */
    assert_int_equal(r.start[2], 7);
    assert_int_equal(r.start[3], 12);
    assert_int_equal(warnings, 0);
}

static void
rows_past_the_fifth_are_left_out(void **state)
{
    (void)state;
    struct out_button b[OUT_MAX_BUTTONS];
    struct button_rows r;
    unsigned row[OUT_MAX_BUTTONS];
    for (size_t i = 0; i < OUT_MAX_BUTTONS; i++)
        row[i] = (unsigned)i / 2;        /* 8 rows of 2 (the last of 1) */
    make(b, OUT_MAX_BUTTONS, row);
    button_rows(b, OUT_MAX_BUTTONS, "test", &r);
    assert_int_equal(r.n, OUT_MAX_ROWS);
    assert_int_equal(r.start[OUT_MAX_ROWS], 10);
    assert_int_equal(warnings, 1);
}

/* A line per row; the single-row form as it always was; "[text]" for a
 * text that may be left empty. */
static void
console_prints_a_line_per_row(void **state)
{
    (void)state;
    struct fx *fx = fx_open();
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    struct console_options o = { .out = out };
    struct adapter_env env = { .core = fx->core };
    struct adapter *a = console_new(&o, &env);
    const struct out_button b[] = {
        { .label = "🟢 Green", .command = "standup reply R3 green" },
        { .label = "🟡 Yellow", .command = "standup reply R3 yellow",
          .prompt = "Anything to add? (optional)", .optional = true },
        { .label = "🟢 spring#2", .command = "standup reply R3 green "
          "spring#2", .row = 1 },
        { .label = "Why", .command = "why", .prompt = "Why?", .row = 1 },
    };
    struct out_msg m = { .kind = OUT_DM, .user = "bob", .text = "Standup",
                         .buttons = b, .nbuttons = 4 };
    assert_int_equal(adapter_deliver(a, &m), CH_OK);
    m.nbuttons = 2;
    assert_int_equal(adapter_deliver(a, &m), CH_OK);
    fflush(out);
    assert_string_equal(text,
        "[dm bob] chorus: Standup\n"
        "  buttons: [🟢 Green: /campaign standup reply R3 green] "
        "[🟡 Yellow: /campaign standup reply R3 yellow [text]]\n"
        "  buttons: [🟢 spring#2: /campaign standup reply R3 green spring#2] "
        "[Why: /campaign why <text>]\n"
        "[dm bob] chorus: Standup\n"
        "  buttons: [🟢 Green: /campaign standup reply R3 green] "
        "[🟡 Yellow: /campaign standup reply R3 yellow [text]]\n");
    adapter_free(a);
    fclose(out);
    free(text);
    assert_int_equal(fx_close(fx), 0);
}

/* ---- Slack ---- */

/* The standup prompt as it will be: "All" in a row, a row per
 * deliverable. */
static const struct out_button standup[] = {
    { .label = "🟢 Green", .command = "standup reply R3 green",
      .style = "primary" },
    { .label = "🟡 Yellow", .command = "standup reply R3 yellow",
      .prompt = "Anything to add? (optional)", .optional = true },
    { .label = "🔴 Red", .command = "standup reply R3 red", .style = "danger",
      .prompt = "Anything to add? (optional)", .optional = true },
    { .label = "🟢 spring#2", .command = "standup reply R3 green spring#2",
      .row = 1 },
    { .label = "🟡 spring#2", .command = "standup reply R3 yellow spring#2",
      .prompt = "Anything to add? (optional)", .optional = true, .row = 1 },
    { .label = "🔴 spring#2", .command = "standup reply R3 red spring#2",
      .prompt = "What went wrong?", .rubric = true, .row = 1 },
    { .label = "🟢 spring#3", .command = "standup reply R3 green spring#3",
      .row = 2 },
};
#define NSTANDUP (sizeof(standup) / sizeof(*standup))

static const char *
jstr(const cJSON *o, const char *path)
{
    const char *s = json_string(o, path);
    assert_non_null(s);
    return s;
}

static void
slack_an_actions_block_per_row(void **state)
{
    (void)state;
    cJSON *blocks = slack_blocks("Standup: how is it going?", standup,
                                 NSTANDUP);
    assert_int_equal(cJSON_GetArraySize(blocks), 4);   /* a section first */
    assert_string_equal(jstr(blocks, "0.type"), "section");
    static const char *const id[] = { "chorus.actions", "chorus.actions.1",
                                      "chorus.actions.2" };
    static const int width[] = { 3, 3, 1 };
    for (int r = 0; r < 3; r++) {
        const cJSON *a = cJSON_GetArrayItem(blocks, r + 1);
        assert_string_equal(jstr(a, "type"), "actions");
        assert_string_equal(jstr(a, "block_id"), id[r]);
        assert_int_equal(cJSON_GetArraySize(json_get(a, "elements")),
                         width[r]);
    }
    assert_string_equal(jstr(blocks, "2.elements.0.text.text"),
                        "🟢 spring#2");
    assert_string_equal(jstr(blocks, "2.elements.0.value"),
                        "standup reply R3 green spring#2");
    /* The value carries the question and its flags; a press reads them
     * back. */
    struct slack_press p;
    assert_true(slack_blocks_button_parse(jstr(blocks, "2.elements.1"
                                                       ".action_id"),
                                          jstr(blocks, "2.elements.1.value"),
                                          &p));
    assert_string_equal(p.command, "standup reply R3 yellow spring#2");
    assert_string_equal(p.prompt, "Anything to add? (optional)");
    assert_true(p.optional);
    assert_false(p.rubric);
    slack_blocks_press_free(&p);
    assert_true(slack_blocks_button_parse(jstr(blocks, "2.elements.2"
                                                       ".action_id"),
                                          jstr(blocks, "2.elements.2.value"),
                                          &p));
    assert_true(p.rubric);
    assert_false(p.optional);
    slack_blocks_press_free(&p);
    assert_true(slack_blocks_button_parse(jstr(blocks, "1.elements.0"
                                                       ".action_id"),
                                          jstr(blocks, "1.elements.0.value"),
                                          &p));
    assert_string_equal(p.command, "standup reply R3 green");
    assert_null(p.prompt);
    slack_blocks_press_free(&p);
    cJSON_Delete(blocks);
}

static void
slack_rows_past_the_fifth_are_left_out(void **state)
{
    (void)state;
    struct out_button b[7];
    for (size_t i = 0; i < 7; i++)
        b[i] = (struct out_button){ .label = "L", .command = "c",
                                    .row = (unsigned)i };
    cJSON *blocks = slack_blocks("", b, 7);
    assert_int_equal(cJSON_GetArraySize(blocks), OUT_MAX_ROWS);
    assert_string_equal(jstr(blocks, "4.block_id"), "chorus.actions.4");
    assert_int_equal(warnings, 1);
    cJSON_Delete(blocks);
}

/* The modal of an optional question: its text input optional, and the
 * private_metadata says so for the submission. */
static void
slack_optional_modal(void **state)
{
    (void)state;
    struct slack_press p = { .command = "standup reply R3 yellow",
                             .prompt = "Anything to add? (optional)",
                             .optional = true };
    cJSON *view = slack_blocks_modal("🟡 Yellow", &p, "D1:1.2", "D1");
    const cJSON *in = json_get(view, "blocks.0");
    assert_string_equal(jstr(in, "block_id"), SLACK_MODAL_BLOCK);
    assert_true(cJSON_IsTrue(json_get(in, "optional")));
    cJSON *md = cJSON_Parse(jstr(view, "private_metadata"));
    assert_string_equal(jstr(md, "c"), "standup reply R3 yellow");
    assert_true(cJSON_IsTrue(json_get(md, "o")));
    cJSON_Delete(md);
    cJSON_Delete(view);
    /* A question that must be answered: no "optional" anywhere. */
    p.optional = false;
    view = slack_blocks_modal("Reject", &p, NULL, NULL);
    assert_null(json_get(view, "blocks.0.optional"));
    md = cJSON_Parse(jstr(view, "private_metadata"));
    assert_null(json_get(md, "o"));
    cJSON_Delete(md);
    cJSON_Delete(view);
}

/* What a submitted form runs: the command, the ticked points, the text;
 * nothing appended for an empty text (Slack's null). */
static void
slack_modal_line_without_text(void **state)
{
    (void)state;
    cJSON *values = cJSON_Parse("{\"chorus.rubric\":{\"points\":{"
                                "\"type\":\"checkboxes\","
                                "\"selected_options\":[{\"value\":"
                                "\"visible\"}]}}}");
    char *line = slack_blocks_modal_line("changes x#1", values, NULL);
    assert_string_equal(line, "changes x#1 fail:visible");
    free(line);
    line = slack_blocks_modal_line("changes x#1", NULL, "");
    assert_string_equal(line, "changes x#1");
    free(line);
    line = slack_blocks_modal_line("changes x#1", values, "more light");
    assert_string_equal(line, "changes x#1 fail:visible more light");
    free(line);
    cJSON_Delete(values);
}

/* ---- Discord ---- */

/* The components a message with these buttons is sent with; d keeps the
 * buttons whose ids are keys. */
static cJSON *
discord_components(struct discord *d, const struct out_button *b, size_t n)
{
    struct out_msg m = { .kind = OUT_DM, .text = "Standup", .buttons = b,
                         .nbuttons = n };
    struct body body;
    discord_jobs_body_from(d, &m, NULL, &body);
    cJSON *c = cJSON_Parse(body.components);
    assert_non_null(c);
    discord_jobs_body_free(&body);
    return c;
}

static void
discord_free(struct discord *d)
{
    for (size_t i = 0; i < DC_BUTTONS; i++)
        discord_jobs_button_forget(&d->buttons[i]);
    free(d);
}

static void
discord_an_action_row_per_row(void **state)
{
    (void)state;
    struct discord *d = xcalloc(1, sizeof(*d));
    cJSON *rows = discord_components(d, standup, NSTANDUP);
    static const int width[] = { 3, 3, 1 };
    assert_int_equal(cJSON_GetArraySize(rows), 3);
    for (int r = 0; r < 3; r++) {
        const cJSON *row = cJSON_GetArrayItem(rows, r);
        assert_int_equal(json_int(row, "type", 0, 9, 0), 1);
        assert_int_equal(cJSON_GetArraySize(json_get(row, "components")),
                         width[r]);
    }
    assert_string_equal(jstr(rows, "1.components.0.label"), "🟢 spring#2");
    /* The custom_id says what the form asks: "o" when the text may be
     * left empty, "r" with the rubric. */
    assert_string_equal(jstr(rows, "0.components.0.custom_id"),
                        "c|standup reply R3 green");
    assert_string_equal(jstr(rows, "0.components.1.custom_id"),
                        "po|standup reply R3 yellow|Anything to add? "
                        "(optional)");
    assert_string_equal(jstr(rows, "1.components.2.custom_id"),
                        "r|standup reply R3 red spring#2|What went wrong?");
    assert_int_equal(json_int(rows, "0.components.2.style", 0, 9, 0), 4);
    cJSON_Delete(rows);
    /* Too long for a custom_id: a key, the flags kept beside it. */
    struct out_button long_one = {
        .label = "🟡 spring-launch-for-the-whole-summer#12",
        .command = "standup reply R3 yellow "
                   "spring-launch-for-the-whole-summer#12",
        .prompt = "Anything to add about how it is going? (optional)",
        .optional = true,
    };
    rows = discord_components(d, &long_one, 1);
    assert_string_equal(jstr(rows, "0.components.0.custom_id"), "k|1");
    assert_true(d->buttons[0].optional);
    assert_false(d->buttons[0].rubric);
    assert_string_equal(d->buttons[0].command, long_one.command);
    cJSON_Delete(rows);
    discord_free(d);
    assert_int_equal(warnings, 0);
}

/* Five action rows at most; five buttons in a row at most. */
static void
discord_five_rows_of_five(void **state)
{
    (void)state;
    struct discord *d = xcalloc(1, sizeof(*d));
    struct out_button b[OUT_MAX_BUTTONS];
    char cmd[OUT_MAX_BUTTONS][16];
    for (size_t i = 0; i < OUT_MAX_BUTTONS; i++) {
        snprintf(cmd[i], sizeof(cmd[i]), "pick %zu", i);
        b[i] = (struct out_button){ .label = cmd[i], .command = cmd[i],
                                    .row = i < 7 ? 0 : (unsigned)i - 6 };
    }
    /* Row 0 has 7: 5 and 2; then rows 1..8 of one: all past the fifth
     * row are left out. */
    cJSON *rows = discord_components(d, b, OUT_MAX_BUTTONS);
    assert_int_equal(cJSON_GetArraySize(rows), OUT_MAX_ROWS);
    assert_int_equal(cJSON_GetArraySize(json_get(rows, "0.components")), 5);
    assert_int_equal(cJSON_GetArraySize(json_get(rows, "1.components")), 2);
    assert_string_equal(jstr(rows, "4.components.0.label"), "pick 9");
    assert_int_equal(warnings, 1);
    cJSON_Delete(rows);
    discord_free(d);
}

/* Where a long Slack text is split into messages: at a line break in
 * the second half, never inside an entity or a mention, counting
 * characters (not bytes); all of it when it fits. */
static void
slack_parts_end_at_a_line_and_keep_tokens_whole(void **state)
{
    (void)state;
    assert_int_equal(slack_blocks_part_end("short", 10), 5);
    assert_int_equal(slack_blocks_part_end("aaaaaa\nbbbbbbbb", 10), 7);
    assert_int_equal(slack_blocks_part_end("aa\nbbbbbbbbbbbb", 10), 10);
    /* No break: at the limit, or before an entity it would cut. */
    assert_int_equal(slack_blocks_part_end("abcdefghijkl", 10), 10);
    assert_int_equal(slack_blocks_part_end("abcdefgh&amp;xyz", 10), 8);
    assert_int_equal(slack_blocks_part_end("abcdef<@U123>xyz", 10), 6);
    /* "é" is one character of two bytes. */
    assert_int_equal(slack_blocks_part_end("ééééééééééé", 10), 20);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(rows_follow_the_row_field),
        T(a_full_row_wraps),
        T(rows_past_the_fifth_are_left_out),
        cmocka_unit_test(console_prints_a_line_per_row),
        T(slack_an_actions_block_per_row),
        T(slack_rows_past_the_fifth_are_left_out),
        T(slack_optional_modal),
        T(slack_modal_line_without_text),
        T(discord_an_action_row_per_row),
        T(discord_five_rows_of_five),
        cmocka_unit_test(slack_parts_end_at_a_line_and_keep_tokens_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
