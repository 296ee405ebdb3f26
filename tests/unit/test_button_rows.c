/*
 * test_button_rows: buttons in rows on every platform.  The layout they
 * share (adapters/runtime/button_rows.c): a new row where a button's row
 * changes or a row is full, at most OUT_MAX_ROWS rows, the rest left out
 * with a warning.  The console: a "buttons:" line per row.
 */
#include "core_fixture.h"

#include "button_rows.h"
#include "console.h"

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

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(rows_follow_the_row_field),
        T(a_full_row_wraps),
        T(rows_past_the_fifth_are_left_out),
        cmocka_unit_test(console_prints_a_line_per_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
