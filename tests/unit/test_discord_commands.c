/*
 * test_discord_commands: the chat commands chorus registers on Discord
 * (adapters/discord/discord_commands.c).
 *
 * With the real command table every command must be within Discord's
 * limits (discord-protocol.md §3.4) as it stands: at most 25 options, at
 * most 8000 characters as the simulator counts them, at most 100
 * commands, and nothing shortened or left out to get there.  A command
 * that would break Discord fails here, naming itself in the log, before
 * it reaches a server.  An oversized table of made-up forms shows the
 * safety net: descriptions cut, forms, choices and commands left out,
 * each named in an error.  And the way back: interaction data -> the
 * command line the core reads, for a command of one form (/approve) and
 * one of several (/standup now).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "command.h"
#include "discord_int.h"
#include "discord_sim.h"
#include "log.h"
#include "utf8.h"

/* ---- the log -------------------------------------------------------------- */

struct logged {
    struct buf errors;      /* error lines, one per line */
};

static void
on_log(void *arg, enum log_level level, const char *line)
{
    struct logged *l = arg;
    if (level >= LOG_ERROR)
        buf_printf(&l->errors, "%s\n", line);
}

/* Generate the list from forms (NULL: the core's), logging into l. */
static cJSON *
generate(const struct cmd_form *forms, size_t n,
         struct discord_commands_stats *st, struct logged *l)
{
    log_set_sink(on_log, l);
    char *json = forms ? discord_commands_json_of(forms, n, st)
                       : discord_commands_json(st);
    log_set_sink(NULL, NULL);
    cJSON *list = cJSON_Parse(json);
    free(json);
    assert_non_null(list);
    assert_true(cJSON_IsArray(list));
    return list;
}

/* ---- Discord's rules, checked on the JSON ---------------------------------- */

static void
check_name(const char *name)
{
    assert_non_null(name);
    size_t n = strlen(name);
    assert_true(n >= 1 && n <= 32);
    for (const char *p = name; *p; p++)
        assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                    *p == '-' || *p == '_');
}

/* A command or option: name, description, options (at most 25, required
 * first, subcommands only above values), choices (at most 25). */
static void
check_option(const cJSON *o)
{
    check_name(json_string(o, "name"));
    const char *desc = json_string(o, "description");
    assert_non_null(desc);
    assert_true(utf8_length(desc) >= 1 && utf8_length(desc) <= 100);
    const cJSON *choices = json_get(o, "choices");
    assert_true(cJSON_GetArraySize(choices) <= DC_CHOICES_MAX);
    const cJSON *opts = json_get(o, "options");
    assert_true(cJSON_GetArraySize(opts) <= DC_OPTIONS_MAX);
    bool optional_seen = false;
    const cJSON *k;
    cJSON_ArrayForEach(k, opts) {
        bool required = cJSON_IsTrue(json_get(k, "required"));
        assert_false(required && optional_seen);
        optional_seen |= !required;
        check_option(k);
    }
}

/* Every command of list within the limits; the largest's figures. */
static void
check_list(const cJSON *list, size_t *largest, size_t *most_options)
{
    assert_true(cJSON_GetArraySize(list) <= DC_COMMANDS_MAX);
    *largest = *most_options = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, list) {
        assert_int_equal(json_int(c, "type", 0, 10, 0), 1);
        check_option(c);
        size_t chars = discord_sim_rest_command_chars(c);
        if (chars > DC_COMMAND_CHARS_MAX)
            fail_msg("/%s is %zu characters", json_string(c, "name"),
                     chars);
        if (chars > *largest)
            *largest = chars;
        size_t opts = (size_t)cJSON_GetArraySize(json_get(c, "options"));
        if (opts > *most_options)
            *most_options = opts;
    }
}

static const cJSON *
named(const cJSON *array, const char *name)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, array) {
        const char *n = json_string(o, "name");
        if (n && strcmp(n, name) == 0)
            return o;
    }
    return NULL;
}

static const cJSON *
opts(const cJSON *o)
{
    return json_get(o, "options");
}

/* ---- the real table ---------------------------------------------------------- */

static void
test_real_table_fits(void **state)
{
    (void)state;
    struct logged l = { .errors = BUF_INIT };
    struct discord_commands_stats st;
    cJSON *list = generate(NULL, 0, &st, &l);
    if (st.shortened || st.left_out || l.errors.len)
        fail_msg("the command table is over Discord's limits (shorten "
                 "summaries, or split the command):\n%s",
                 buf_cstr(&l.errors));

    /* One command per chorus command, each name once. */
    size_t n, names = 0;
    const struct cmd_form *forms = command_forms(&n);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(forms[i - 1].spec->name, forms[i].spec->name) == 0)
            continue;
        names++;
        if (!named(list, forms[i].spec->name))
            fail_msg("/%s is not registered", forms[i].spec->name);
    }
    assert_int_equal(cJSON_GetArraySize(list), names);
    assert_int_equal(st.commands, names);

    size_t largest, most_options;
    check_list(list, &largest, &most_options);
    assert_int_equal(st.largest_chars, largest);
    assert_int_equal(st.most_options, most_options);
    print_message("%zu commands; the largest, /%s, %zu of %d characters; "
                  "the most options, /%s, %zu of %d\n", st.commands,
                  st.largest, st.largest_chars, DC_COMMAND_CHARS_MAX,
                  st.most_options_name, st.most_options, DC_OPTIONS_MAX);

    /* One form: its options are the command's, required first. */
    const cJSON *approve = named(list, "approve");
    const cJSON *ref = cJSON_GetArrayItem(opts(approve), 0);
    assert_ptr_equal(named(opts(approve), "ref"), ref);
    assert_true(cJSON_IsTrue(json_get(ref, "required")));
    assert_non_null(named(opts(approve), "note"));
    const cJSON *add = named(list, "add");
    assert_int_equal(json_int(named(opts(add), "person"), "type", 0, 99, 0),
                     6);
    assert_int_equal(cJSON_GetArraySize(json_get(named(opts(add), "role"),
                                                 "choices")), 4);
    /* Several: a subcommand each, named by the rule. */
    const cJSON *standup = named(list, "standup");
    const char *subs[] = { "show", "every", "now", "off", "reply" };
    assert_int_equal(cJSON_GetArraySize(opts(standup)), 5);
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        const cJSON *s = named(opts(standup), subs[i]);
        assert_non_null(s);
        assert_int_equal(json_int(s, "type", 0, 99, 0), 1);
    }
    const cJSON *now = named(opts(standup), "now");
    assert_int_equal(cJSON_GetArraySize(opts(now)), 1);
    assert_non_null(named(opts(now), "slug"));
    const cJSON *tz = named(list, "tz");
    assert_true(named(opts(tz), "set") && named(opts(tz), "set-person"));
    const cJSON *brief = named(list, "brief");
    assert_true(named(opts(brief), "show") && named(opts(brief), "set") &&
                named(opts(brief), "add"));
    /* A campaign or a brand: one option, named for both. */
    const cJSON *export = named(list, "export");
    assert_int_equal(cJSON_GetArraySize(opts(export)), 1);
    assert_non_null(named(opts(export), "campaign_or_brand"));
    /* No /campaign on Discord any more. */
    assert_null(named(list, "campaign"));
    cJSON_Delete(list);
    buf_free(&l.errors);
}

/* ---- interaction -> line ------------------------------------------------ */

/* The line (or the answer) for interaction data. */
static enum ch_status
line_of(const char *data_json, struct buf *out, bool *defer)
{
    cJSON *data = cJSON_Parse(data_json);
    assert_non_null(data);
    buf_reset(out);
    enum ch_status s = discord_commands_line(data, out, defer);
    cJSON_Delete(data);
    return s;
}

static void
test_lines(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    bool defer;

    /* A subcommand of a command with several forms. */
    assert_int_equal(line_of("{\"name\":\"standup\",\"type\":1,\"options\":"
                             "[{\"name\":\"now\",\"type\":1,\"options\":[{"
                             "\"name\":\"slug\",\"type\":3,\"value\":"
                             "\"spring-launch\"}]}]}", &out, &defer),
                     CH_OK);
    assert_string_equal(buf_cstr(&out), "standup spring-launch now");
    assert_false(defer);
    /* A brand's name with a space stays one value. */
    assert_int_equal(line_of("{\"name\":\"export\",\"type\":1,\"options\":"
                             "[{\"name\":\"campaign_or_brand\",\"type\":3,"
                             "\"value\":\"Nova Drinks\"}]}", &out, &defer),
                     CH_OK);
    assert_string_equal(buf_cstr(&out), "export \"Nova Drinks\"");
    /* One form: the options at the top; in the grammar's order. */
    assert_int_equal(line_of("{\"name\":\"approve\",\"type\":1,\"options\":"
                             "[{\"name\":\"ref\",\"type\":3,\"value\":"
                             "\"spring-launch#3\"},{\"name\":\"note\","
                             "\"type\":3,\"value\":\"great hook\"},{"
                             "\"name\":\"override\",\"type\":3,\"value\":"
                             "\"launch date is fixed\"},{\"name\":\"fail\","
                             "\"type\":3,\"value\":\"engagement\"}]}",
                             &out, &defer),
                     CH_OK);
    assert_string_equal(buf_cstr(&out),
                        "approve spring-launch#3 fail:engagement "
                        "override:\"launch date is fixed\" great hook");
    /* A user option becomes a mention with the name Discord resolved. */
    assert_int_equal(line_of("{\"name\":\"tz\",\"type\":1,\"options\":[{"
                             "\"name\":\"set-person\",\"type\":1,\"options\":"
                             "[{\"name\":\"person\",\"type\":6,\"value\":"
                             "\"1100000000000000300\"},{\"name\":\"zone\","
                             "\"type\":3,\"value\":\"America/New_York\"}]}],"
                             "\"resolved\":{\"users\":{\"1100000000000000300"
                             "\":{\"id\":\"1100000000000000300\","
                             "\"username\":\"bob\",\"global_name\":\"Bob\"}}}"
                             "}", &out, &defer),
                     CH_OK);
    assert_string_equal(buf_cstr(&out),
                        "tz <@1100000000000000300|Bob> America/New_York");
    /* A command whose work fans out is deferred first. */
    assert_int_equal(line_of("{\"name\":\"kickoff\",\"type\":1,\"options\":"
                             "[{\"name\":\"slug\",\"type\":3,\"value\":"
                             "\"winter\"}]}", &out, &defer),
                     CH_OK);
    assert_string_equal(buf_cstr(&out), "kickoff winter");
    assert_true(defer);
    assert_int_equal(line_of("{\"name\":\"help\",\"type\":1}", &out, &defer),
                     CH_OK);
    assert_string_equal(buf_cstr(&out), "help");

    /* Answered here, never reaching the core. */
    assert_int_equal(line_of("{\"name\":\"approve\",\"type\":1}", &out,
                             &defer),
                     CH_INVALID);
    assert_non_null(strstr(buf_cstr(&out), "Missing option ref"));
    assert_non_null(strstr(buf_cstr(&out), "usage:"));
    assert_int_equal(line_of("{\"name\":\"standup\",\"type\":1,\"options\":"
                             "[{\"name\":\"fly\",\"type\":1}]}", &out,
                             &defer),
                     CH_INVALID);
    assert_non_null(strstr(buf_cstr(&out), "Unknown subcommand /standup fly"));
    /* A subcommand's options without the subcommand. */
    assert_int_equal(line_of("{\"name\":\"standup\",\"type\":1,\"options\":"
                             "[{\"name\":\"slug\",\"type\":3,\"value\":\"x\""
                             "}]}", &out, &defer),
                     CH_INVALID);
    assert_non_null(strstr(buf_cstr(&out), "Unknown subcommand /standup"));
    /* The old single command, from a client that has not caught up. */
    assert_int_equal(line_of("{\"name\":\"campaign\",\"type\":1,\"options\":"
                             "[{\"name\":\"approve\",\"type\":1}]}", &out,
                             &defer),
                     CH_INVALID);
    assert_non_null(strstr(buf_cstr(&out), "Unknown command /campaign"));
    assert_non_null(strstr(buf_cstr(&out), "/help"));
    buf_free(&out);
}

/* ---- an oversized table ------------------------------------------------- */

#define FAKE_MAX 160

/* Made-up forms, sorted by name as command_forms() gives them. */
struct fake {
    struct cmd_spec specs[FAKE_MAX];
    struct cmd_form forms[FAKE_MAX];
    char            names[FAKE_MAX][16];
    size_t          n;
};

static struct cmd_form *
fake_form(struct fake *fk, const char *name, const char *summary)
{
    assert_true(fk->n < FAKE_MAX);
    size_t i = fk->n++;
    snprintf(fk->names[i], sizeof(fk->names[i]), "%s", name);
    fk->specs[i] = (struct cmd_spec){ .name = fk->names[i],
                                      .summary = summary };
    fk->forms[i] = (struct cmd_form){ .spec = &fk->specs[i] };
    return &fk->forms[i];
}

static void
fake_elem(struct cmd_form *f, enum elem_kind kind, const char *name,
          enum arg_type type, const char *choices)
{
    assert_true(f->nelems < CMD_MAX_ELEMS);
    f->elems[f->nelems++] = (struct cmd_elem){
        .kind = kind, .required = kind != E_OPT, .name = name, .type = type,
        .choices = choices,
    };
}

static const char long_summary[] =
    "a summary long enough to matter: what this form does, for whom, and "
    "when it may be used at all";

/* 27 choices, two more than Discord takes. */
static const char many_choices[] =
    "c01|c02|c03|c04|c05|c06|c07|c08|c09|c10|c11|c12|c13|c14|c15|c16|c17|"
    "c18|c19|c20|c21|c22|c23|c24|c25|c26|c27";

/* 25 choices of 30 characters: 1500 a choice option. */
static const char wide_choices[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa01|aaaaaaaaaaaaaaaaaaaaaaaaaaaa02|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa03|aaaaaaaaaaaaaaaaaaaaaaaaaaaa04|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa05|aaaaaaaaaaaaaaaaaaaaaaaaaaaa06|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa07|aaaaaaaaaaaaaaaaaaaaaaaaaaaa08|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa09|aaaaaaaaaaaaaaaaaaaaaaaaaaaa10|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa11|aaaaaaaaaaaaaaaaaaaaaaaaaaaa12|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa13|aaaaaaaaaaaaaaaaaaaaaaaaaaaa14|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa15|aaaaaaaaaaaaaaaaaaaaaaaaaaaa16|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa17|aaaaaaaaaaaaaaaaaaaaaaaaaaaa18|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa19|aaaaaaaaaaaaaaaaaaaaaaaaaaaa20|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa21|aaaaaaaaaaaaaaaaaaaaaaaaaaaa22|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa23|aaaaaaaaaaaaaaaaaaaaaaaaaaaa24|"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaa25";

static void
test_oversized_cut_to_fit(void **state)
{
    (void)state;
    struct fake *fk = calloc(1, sizeof(*fk));
    assert_non_null(fk);
    /* /big: 30 forms of 8 options with long descriptions: over 25
     * subcommands and, at 25, over 8000 characters. */
    static const char *const lits[] = {
        "f01", "f02", "f03", "f04", "f05", "f06", "f07", "f08", "f09", "f10",
        "f11", "f12", "f13", "f14", "f15", "f16", "f17", "f18", "f19", "f20",
        "f21", "f22", "f23", "f24", "f25", "f26", "f27", "f28", "f29", "f30",
    };
    for (size_t i = 0; i < 30; i++) {
        struct cmd_form *f = fake_form(fk, "big", long_summary);
        fake_elem(f, E_LIT, lits[i], T_WORD, NULL);
        fake_elem(f, E_POS, "slug", T_CAMPAIGN, NULL);
        fake_elem(f, E_POS, "ref", T_REF, NULL);
        fake_elem(f, E_POS, "when", T_WHEN, NULL);
        fake_elem(f, E_POS, "zone", T_ZONE, NULL);
        fake_elem(f, E_POS, "person", T_PERSON, NULL);
        fake_elem(f, E_POS, "link", T_LINK, NULL);
        fake_elem(f, E_POS, "amount", T_AMOUNT, NULL);
        fake_elem(f, E_REST, "text", T_REST, NULL);
    }
    /* /choosy: more choices than Discord takes. */
    struct cmd_form *f = fake_form(fk, "choosy", "pick one");
    fake_elem(f, E_OPT, "pick", T_CHOICE, many_choices);
    /* /wordy: one form over 8000 characters whatever its descriptions. */
    f = fake_form(fk, "wordy", "too many words");
    static const char *const keys[] = { "a", "b", "c", "d", "e", "f" };
    for (size_t i = 0; i < 6; i++)
        fake_elem(f, E_OPT, keys[i], T_CHOICE, wide_choices);

    struct logged l = { .errors = BUF_INIT };
    struct discord_commands_stats st;
    cJSON *list = generate(fk->forms, fk->n, &st, &l);
    size_t largest, most_options;
    check_list(list, &largest, &most_options);
    const char *log = buf_cstr(&l.errors);

    /* /big: 25 subcommands, shorter descriptions, the rest named. */
    const cJSON *big = named(list, "big");
    assert_non_null(big);
    assert_int_equal(cJSON_GetArraySize(opts(big)), DC_OPTIONS_MAX);
    assert_non_null(named(opts(big), "f25"));
    assert_null(named(opts(big), "f26"));
    assert_true(utf8_length(json_string(big, "description")) < 100);
    assert_non_null(strstr(json_string(big, "description"), "..."));
    assert_non_null(strstr(log, "/big has 30 forms"));
    assert_non_null(strstr(log, "f26, f27, f28, f29, f30"));
    assert_non_null(strstr(log, "/big would be"));
    assert_non_null(strstr(log, "cut to"));
    /* /choosy: the first 25 choices. */
    const cJSON *pick = named(opts(named(list, "choosy")), "pick");
    assert_int_equal(cJSON_GetArraySize(json_get(pick, "choices")), 25);
    assert_non_null(strstr(log, "/choosy: option pick has 27 choices"));
    /* /wordy: left out, the rest registers. */
    assert_null(named(list, "wordy"));
    assert_non_null(strstr(log, "/wordy is over"));

    assert_int_equal(st.commands, 2);
    assert_int_equal(st.shortened, 1);
    assert_int_equal(st.left_out, 5 + 1 + 1);
    assert_string_equal(st.largest, "big");
    assert_int_equal(st.largest_chars, largest);
    assert_true(largest <= DC_COMMAND_CHARS_MAX);
    cJSON_Delete(list);
    buf_free(&l.errors);
    free(fk);
}

/* More than 100 commands: the first 100 register, the rest are named. */
static void
test_over_100_commands(void **state)
{
    (void)state;
    struct fake *fk = calloc(1, sizeof(*fk));
    assert_non_null(fk);
    for (int i = 0; i < 103; i++) {
        char name[16];
        snprintf(name, sizeof(name), "cmd%03d", i);
        struct cmd_form *f = fake_form(fk, name, "does a thing");
        fake_elem(f, E_POS, "slug", T_CAMPAIGN, NULL);
    }
    struct logged l = { .errors = BUF_INIT };
    struct discord_commands_stats st;
    cJSON *list = generate(fk->forms, fk->n, &st, &l);
    assert_int_equal(cJSON_GetArraySize(list), DC_COMMANDS_MAX);
    assert_int_equal(st.commands, DC_COMMANDS_MAX);
    assert_int_equal(st.left_out, 3);
    assert_non_null(named(list, "cmd099"));
    assert_null(named(list, "cmd100"));
    assert_non_null(strstr(buf_cstr(&l.errors), "Discord takes 100 chat "
                                                "commands: left out: "
                                                "/cmd100, /cmd101, /cmd102"));
    cJSON_Delete(list);
    buf_free(&l.errors);
    free(fk);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_table_fits),
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_oversized_cut_to_fit),
        cmocka_unit_test(test_over_100_commands),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
