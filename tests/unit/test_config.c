#define _GNU_SOURCE   /* nftw */
/*
 * config: the directive file, its errors (checked word for word, with
 * file:line:key), secrets and the reload check.  Files are written to a
 * mkdtemp directory, removed at the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "clock.h"
#include "log.h"
#include "model.h"
#include "perm.h"
#include "settings.h"
#include "xmalloc.h"

static char tmpdir[PATH_MAX];

/* ---- files ---- */

static char *
path_in(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

static void
write_bytes(const char *name, const char *data, size_t len, mode_t mode)
{
    char *path = path_in(name);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    /* open() applies the umask; set exactly what the test asks for. */
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
    free(path);
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
    write_bytes(name, text, strlen(text), mode);
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int
group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/chorus-config-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    /* The daemon's own environment must not leak into the tests. */
    unsetenv("SLACK_APP_TOKEN");
    unsetenv("SLACK_BOT_TOKEN");
    unsetenv("DISCORD_TOKEN");
    return 0;
}

static int
group_teardown(void **state)
{
    (void)state;
    log_set_sink(NULL, NULL);
    log_clear_secrets();
    return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- loading ---- */

static struct config *
load_ok(const char *text)
{
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    char *path = path_in("chorus.conf");

    write_file("chorus.conf", text, 0644);
    enum ch_status st = config_load(path, &cfg, &errs);
    if (st != CH_OK)
        config_errors_print(&errs, stderr);
    assert_int_equal(st, CH_OK);
    assert_int_equal(errs.n, 0);
    assert_non_null(cfg);
    assert_string_equal(cfg->file, path);
    free(path);
    return cfg;
}

/* Load text; it must fail with exactly the errors in want, each written
 * without the "<path>:" that starts every error. */
static void
expect_errors_n(const char *text, const char *const *want, size_t n)
{
    struct config *cfg = (struct config *)&cfg;   /* must become NULL */
    struct config_errors errs = CONFIG_ERRORS_INIT;
    char *path = path_in("chorus.conf");

    write_file("chorus.conf", text, 0644);
    enum ch_status st = config_load(path, &cfg, &errs);
    assert_int_equal(st, CH_INVALID);
    assert_null(cfg);
    bool same = errs.n == n;
    for (size_t i = 0; same && i < n; i++) {
        char *full = xasprintf("%s:%s", path, want[i]);
        same = strcmp(errs.v[i].text, full) == 0;
        free(full);
    }
    if (!same) {
        print_error("text:\n%s\ngot %zu errors:\n", text, errs.n);
        config_errors_print(&errs, stderr);
        print_error("want %zu:\n", n);
        for (size_t i = 0; i < n; i++)
            print_error("%s:%s\n", path, want[i]);
    }
    assert_true(same);
    config_errors_free(&errs);
    assert_int_equal(errs.n, 0);
    free(path);
}

#define EXPECT_ERRORS(text, ...)                                          \
    expect_errors_n(text, (const char *const[]){ __VA_ARGS__ },          \
                    sizeof((const char *const[]){ __VA_ARGS__ }) /       \
                        sizeof(const char *))

/* A one-line file with a single error on line 1. */
static void
expect_error1(const char *line, const char *want)
{
    char *w = xasprintf("1: %s", want);
    EXPECT_ERRORS(line, w);
    free(w);
}

static void
assert_core_defaults(const struct core_settings *got)
{
    struct core_settings want;
    settings_defaults(&want);

    assert_string_equal(got->default_tz, want.default_tz);
    assert_int_equal(got->work_start, want.work_start);
    assert_int_equal(got->work_end, want.work_end);
    assert_int_equal(got->work_days, want.work_days);
    assert_int_equal(got->nbrands, 0);
    assert_memory_equal(&got->perms, &want.perms, sizeof(want.perms));
    assert_int_equal(got->review_mode, want.review_mode);
    assert_false(got->db_sync_normal);      /* synchronous FULL */
    assert_string_equal(got->currency, want.currency);
    assert_int_equal(got->lead_time_ms, want.lead_time_ms);
    assert_int_equal(got->revision_limit, want.revision_limit);
    assert_int_equal(got->approval_latency_ms, want.approval_latency_ms);
    assert_int_equal(got->n_nudge_before, want.n_nudge_before);
    assert_memory_equal(got->nudge_before_ms, want.nudge_before_ms,
                        sizeof(want.nudge_before_ms));
    assert_int_equal(got->n_nudge_after, want.n_nudge_after);
    assert_memory_equal(got->nudge_after_ms, want.nudge_after_ms,
                        sizeof(want.nudge_after_ms));
    assert_int_equal(got->nudge_daily_cap, want.nudge_daily_cap);
    assert_int_equal(got->approval_guard_ms, want.approval_guard_ms);
    assert_int_equal(got->fix_window_ms, want.fix_window_ms);
    assert_int_equal(got->question_target_ms, want.question_target_ms);
    assert_int_equal(got->grace_ms, want.grace_ms);
    assert_int_equal(got->ladder.n, want.ladder.n);
    assert_memory_equal(got->ladder.level, want.ladder.level,
                        sizeof(want.ladder.level));
    assert_int_equal(got->ladder.repeats, want.ladder.repeats);
    assert_int_equal(got->ack_reminder_ms, want.ack_reminder_ms);
}

static void
assert_adapter_defaults(const struct config *cfg)
{
    assert_null(cfg->database);
    assert_int_equal(cfg->log_level, LOG_INFO);
    assert_false(cfg->slack.enabled);
    assert_string_equal(cfg->slack.app_token, "env:SLACK_APP_TOKEN");
    assert_string_equal(cfg->slack.bot_token, "env:SLACK_BOT_TOKEN");
    assert_string_equal(cfg->slack.api_url, "https://slack.com/api");
    assert_false(cfg->discord.enabled);
    assert_string_equal(cfg->discord.token, "env:DISCORD_TOKEN");
    assert_string_equal(cfg->discord.api_url, "https://discord.com/api");
    assert_null(cfg->discord.guild);
    assert_null(cfg->discord.application_id);
    assert_false(cfg->discord.message_content);
    assert_int_equal(cfg->nholidays, 0);
    assert_int_equal(cfg->nregions, 0);
}

/* ---- defaults and the example ---- */

static void
test_embedded_default(void **state)
{
    (void)state;
    struct config *cfg = config_new_default();

    assert_core_defaults(&cfg->core);
    assert_adapter_defaults(cfg);
    assert_true(cfg->demo_workspace);
    assert_int_equal(cfg->core.nadmins, 1);
    assert_string_equal(cfg->core.admins[0], "console:admin");
    assert_null(cfg->file);
    /* The strings the core sees belong to the config, not to settings.c. */
    assert_ptr_equal(cfg->core.default_tz, cfg->own_default_tz);
    assert_ptr_equal(cfg->core.currency, cfg->own_currency);
    config_free(cfg);
    config_free(NULL);
    config_secret_free(NULL);
}

static void
test_empty_file(void **state)
{
    (void)state;
    struct config *cfg = load_ok("");
    assert_core_defaults(&cfg->core);
    assert_adapter_defaults(cfg);
    assert_false(cfg->demo_workspace);
    assert_int_equal(cfg->core.nadmins, 0);
    config_free(cfg);

    cfg = load_ok("\n   \n\t\n# only a comment\n   # indented\n");
    assert_core_defaults(&cfg->core);
    config_free(cfg);
}

static char *
example_path(void)
{
    const char *src = getenv("CHORUS_SOURCE_DIR");
    if (src != NULL)
        return xasprintf("%s/config/chorus.conf.example", src);
    /* __FILE__ is tests/unit/test_config.c under the source tree. */
    const char *slash = strrchr(__FILE__, '/');
    return xasprintf("%.*s/../../config/chorus.conf.example",
                     slash ? (int)(slash - __FILE__) : 1,
                     slash ? __FILE__ : ".");
}

static void
test_example_parses(void **state)
{
    (void)state;
    char *path = example_path();
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;

    enum ch_status st = config_load(path, &cfg, &errs);
    config_errors_print(&errs, stderr);
    assert_int_equal(st, CH_OK);
    /* Its active lines restate the defaults. */
    assert_core_defaults(&cfg->core);
    assert_adapter_defaults(cfg);
    assert_false(cfg->demo_workspace);
    config_free(cfg);

    /* Every directive is in it, set or commented out. */
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char *text = xcalloc(1, 256 * 1024);
    size_t len = fread(text, 1, 256 * 1024 - 1, fp);
    fclose(fp);
    assert_true(len > 0);
    for (size_t i = 0; i < config_directive_count(); i++) {
        const char *name = config_directive_name(i);
        char *set = xasprintf("\n%s ", name);
        char *off = xasprintf("\n#%s ", name);
        if (strstr(text, set) == NULL && strstr(text, off) == NULL)
            print_error("%s is missing from the example\n", name);
        assert_true(strstr(text, set) != NULL || strstr(text, off) != NULL);
        free(set);
        free(off);
    }
    /* And every commented-out example line parses too. */
    char *uncommented = xcalloc(1, len + 1);
    size_t o = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        bool directive = n > 1 && line[0] == '#' && line[1] >= 'a' &&
                         line[1] <= 'z';
        /* holidays needs its calendar file; checked elsewhere. */
        if (directive && strncmp(line, "#holidays ", 10) != 0) {
            memcpy(uncommented + o, line + 1, n - 1);
            o += n - 1;
            uncommented[o++] = '\n';
        }
        line = nl ? nl + 1 : NULL;
    }
    assert_true(o > 0);
    cfg = load_ok(uncommented);
    assert_int_equal(cfg->core.nadmins, 2);
    assert_int_equal(cfg->core.nbrands, 2);
    assert_string_equal(cfg->core.brands[0].name, "Fizz Co");
    assert_int_equal(cfg->nregions, 1);
    assert_non_null(cfg->database);
    config_free(cfg);
    free(uncommented);
    free(text);
    free(path);
}

static void
test_help_lists_every_directive(void **state)
{
    (void)state;
    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    assert_non_null(fp);
    config_directive_help(fp);
    fclose(fp);

    assert_true(config_directive_count() >= 34);
    assert_null(config_directive_name(config_directive_count()));
    for (size_t i = 0; i < config_directive_count(); i++) {
        char *start = xasprintf("\n%s ", config_directive_name(i));
        assert_true(i == 0 ? strncmp(out, start + 1, strlen(start + 1)) == 0
                           : strstr(out, start) != NULL);
        free(start);
    }
    assert_non_null(strstr(out, "nudge_before <duration>[,<duration>...]\n"
                                "    Reminders before each draft and "
                                "publish time (at most 8).\n"
                                "    default: 48h,4h\n"));
    assert_non_null(strstr(out, "database <path>\n"));
    assert_non_null(strstr(out, "a change needs a restart"));
    free(out);
}

/* ---- every directive, valid ---- */

static void
test_all_directives_valid(void **state)
{
    (void)state;
    write_file("de.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 0644);
    char *ics = path_in("de.ics");
    char *text = xasprintf(
        "database data/chorus.db\n"
        "log_level debug\n"
        "default_timezone Europe/Berlin\n"
        "working_hours 08:30-17:00\n"
        "working_days sun-thu\n"
        "admin alice\n"
        "admin slack:U024BE7LH\n"
        "admin discord:1100123456789012345\n"
        "admin console:bob\n"
        "admin alice\n"
        "brand \"Fizz Co\" category \"energy drinks\" exclusive "
        "\"soft drinks; energy drinks\"\n"
        "brand Glow\n"
        "brand Bolt exclusive snacks category sports alerts "
        "slack:C0ALERTS,discord:1100123456789012345\n"
        "permit review coordinator, agency,admin\n"
        "permit final_approval anyone\n"
        "review_mode brand_only\n"
        "db_synchronous normal\n"
        "currency EUR\n"
        "lead_time 0m\n"
        "revision_limit 20\n"
        "approval_latency 1d12h\n"
        "nudge_before 72h, 24h,2h\n"
        "nudge_after 12h,48h\n"
        "nudge_daily_cap 1\n"
        "approval_guard 36h\n"
        "fix_window 1w\n"
        "question_target 90m\n"
        "escalation_ladder 1h,2h,3h,4h\n"
        "escalation_repeats 0\n"
        "holidays de de.ics\n"
        "holidays de %s\n"
        "holidays \"Ana Lima\" ./de.ics\n"
        "region \"Ana Lima\" de\n"
        "region bob de\n"
        "demo_workspace yes\n"
        "slack on\n"
        "slack_app_token file:app.token\n"
        "slack_bot_token env:MY_BOT_TOKEN\n"
        "slack_api_url http://127.0.0.1:8080/api/\n"
        "discord TRUE\n"
        "discord_token file:/run/secrets/discord\n"
        "discord_api_url https://127.0.0.1:9000/api\n"
        "discord_guild 11001234567890123\n"
        "discord_application_id 1100123456789012346\n"
        "discord_message_content off\n",
        ics);
    struct config *cfg = load_ok(text);
    const struct core_settings *s = &cfg->core;

    /* mkdtemp's directory may sit behind a symlink; dir is resolved. */
    char *realdir = realpath(tmpdir, NULL);
    char *want_db = xasprintf("%s/data/chorus.db", realdir);
    assert_string_equal(cfg->database, want_db);
    assert_string_equal(cfg->dir, realdir);
    assert_int_equal(cfg->log_level, LOG_DEBUG);
    assert_string_equal(s->default_tz, "Europe/Berlin");
    assert_int_equal(s->work_start, 8 * 60 + 30);
    assert_int_equal(s->work_end, 17 * 60);
    assert_int_equal(s->work_days, 0x4f);   /* sun, mon..thu */
    assert_int_equal(s->nadmins, 4);        /* alice only once */
    assert_string_equal(s->admins[0], "console:alice");
    assert_string_equal(s->admins[1], "slack:U024BE7LH");
    assert_string_equal(s->admins[2], "discord:1100123456789012345");
    assert_string_equal(s->admins[3], "console:bob");
    assert_int_equal(s->nbrands, 3);
    assert_string_equal(s->brands[0].name, "Fizz Co");
    assert_string_equal(s->brands[0].category, "energy drinks");
    assert_string_equal(s->brands[0].exclusive, "soft drinks;energy drinks");
    assert_string_equal(s->brands[1].name, "Glow");
    assert_null(s->brands[1].category);
    assert_null(s->brands[1].exclusive);
    assert_string_equal(s->brands[2].category, "sports");
    assert_string_equal(s->brands[2].exclusive, "snacks");
    assert_string_equal(s->brands[2].alerts,
                        "slack:C0ALERTS,discord:1100123456789012345");
    assert_null(s->brands[0].alerts);
    assert_int_equal(s->perms.roles[ACT_REVIEW],
                     ROLE_COORDINATOR | ROLE_AGENCY | ROLE_ADMIN);
    assert_int_equal(s->perms.roles[ACT_FINAL_APPROVAL], ROLE_ANYONE);
    assert_int_equal(s->perms.roles[ACT_CREATE],
                     perm_defaults.roles[ACT_CREATE]);
    assert_int_equal(s->review_mode, REVIEW_BRAND_ONLY);
    assert_true(s->db_sync_normal);
    assert_string_equal(s->currency, "EUR");
    assert_int_equal(s->lead_time_ms, 0);
    assert_int_equal(s->revision_limit, 20);
    assert_int_equal(s->approval_latency_ms, 36 * MS_PER_HOUR);
    assert_int_equal(s->n_nudge_before, 3);
    assert_int_equal(s->nudge_before_ms[0], 72 * MS_PER_HOUR);
    assert_int_equal(s->nudge_before_ms[1], 24 * MS_PER_HOUR);
    assert_int_equal(s->nudge_before_ms[2], 2 * MS_PER_HOUR);
    assert_int_equal(s->n_nudge_after, 2);
    assert_int_equal(s->nudge_after_ms[1], 48 * MS_PER_HOUR);
    assert_int_equal(s->nudge_daily_cap, 1);
    assert_int_equal(s->approval_guard_ms, 36 * MS_PER_HOUR);
    assert_int_equal(s->fix_window_ms, 7 * MS_PER_DAY);
    assert_int_equal(s->question_target_ms, 90 * MS_PER_MIN);
    assert_int_equal(s->ladder.n, 4);
    assert_int_equal(s->ladder.level[0].role, ROLE_COORDINATOR);
    assert_int_equal(s->ladder.level[0].ms, 1 * MS_PER_HOUR);
    assert_int_equal(s->ladder.level[3].role, ROLE_ADMIN);
    assert_int_equal(s->ladder.level[3].ms, 4 * MS_PER_HOUR);
    assert_int_equal(s->ladder.repeats, 0);
    assert_int_equal(cfg->nholidays, 3);
    char *want_ics = xasprintf("%s/de.ics", realdir);
    assert_string_equal(cfg->holidays[0].who, "de");
    assert_string_equal(cfg->holidays[0].path, want_ics);
    assert_string_equal(cfg->holidays[1].path, ics);
    assert_string_equal(cfg->holidays[2].who, "Ana Lima");
    assert_int_equal(cfg->nregions, 2);
    assert_string_equal(cfg->regions[0].person, "Ana Lima");
    assert_string_equal(cfg->regions[0].region, "de");
    assert_true(cfg->demo_workspace);
    assert_true(cfg->slack.enabled);
    assert_string_equal(cfg->slack.app_token, "file:app.token");
    assert_string_equal(cfg->slack.bot_token, "env:MY_BOT_TOKEN");
    assert_string_equal(cfg->slack.api_url, "http://127.0.0.1:8080/api");
    assert_true(cfg->discord.enabled);
    assert_string_equal(cfg->discord.token, "file:/run/secrets/discord");
    assert_string_equal(cfg->discord.api_url, "https://127.0.0.1:9000/api");
    assert_string_equal(cfg->discord.guild, "11001234567890123");
    assert_string_equal(cfg->discord.application_id, "1100123456789012346");
    assert_false(cfg->discord.message_content);

    config_free(cfg);
    free(want_ics);
    free(want_db);
    free(realdir);
    free(text);
    free(ics);
}

static void
test_working_days(void **state)
{
    (void)state;
    static const struct {
        const char *value;
        unsigned    mask;
    } cases[] = {
        { "mon-fri", 0x1f },
        { "mon,wed,fri", 0x15 },
        { "sun-thu", 0x4f },
        { "sat, sun", 0x60 },
        { "Monday-Sunday", 0x7f },
        { "fri-mon", 0x71 },
        { "wed", 0x04 },
        { "tue-tue,thu", 0x0a },
        /* One quoted word: blanks around items are allowed there too. */
        { "\"sat , sun\"", 0x60 },
        { "SUN-Tue", 0x43 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text = xasprintf("working_days %s\n", cases[i].value);
        struct config *cfg = load_ok(text);
        assert_int_equal(cfg->core.work_days, cases[i].mask);
        config_free(cfg);
        free(text);
    }
}

static void
test_bools(void **state)
{
    (void)state;
    const char *yes[] = { "yes", "true", "on", "YES", "On" };
    const char *no[] = { "no", "false", "off", "No" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        char *text = xasprintf("slack %s\n", yes[i]);
        struct config *cfg = load_ok(text);
        assert_true(cfg->slack.enabled);
        config_free(cfg);
        free(text);
    }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
        char *text = xasprintf("demo_workspace %s\n", no[i]);
        struct config *cfg = load_ok(text);
        assert_false(cfg->demo_workspace);
        config_free(cfg);
        free(text);
    }
}

/* ---- every directive, invalid ---- */

static void
test_invalid_values(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        const char *error;
    } cases[] = {
        { "database \"\"", "key \"database\": the path is empty" },
        { "log_level loud", "key \"log_level\": value \"loud\" is not one "
          "of debug, info, warn, error" },
        { "log_level off", "key \"log_level\": value \"off\" is not one of "
          "debug, info, warn, error" },
        { "default_timezone Mars/Olympus", "key \"default_timezone\": "
          "\"Mars/Olympus\" is not a time zone (use an IANA name such as "
          "Europe/Berlin, America/New_York or Asia/Kolkata)" },
        { "default_timezone ../etc/passwd", "key \"default_timezone\": "
          "\"../etc/passwd\" is not a time zone (use an IANA name such as "
          "Europe/Berlin, America/New_York or Asia/Kolkata)" },
        { "working_hours 9-5", "key \"working_hours\": \"9-5\" is not a "
          "span of hours HH:MM-HH:MM (e.g. 09:00-18:00)" },
        { "working_hours 09:00", "key \"working_hours\": \"09:00\" is not "
          "a span of hours HH:MM-HH:MM (e.g. 09:00-18:00)" },
        { "working_hours 09:00-24:00", "key \"working_hours\": "
          "\"09:00-24:00\" is not a span of hours HH:MM-HH:MM (e.g. "
          "09:00-18:00)" },
        { "working_hours 18:00-09:00", "key \"working_hours\": "
          "\"18:00-09:00\" does not end after it starts (working hours "
          "cannot cross midnight)" },
        { "working_hours 09:00-09:00", "key \"working_hours\": "
          "\"09:00-09:00\" does not end after it starts (working hours "
          "cannot cross midnight)" },
        { "working_days mon-fry", "key \"working_days\": \"mon-fry\" "
          "is not a day or a range of days (mon..sun, e.g. mon-fri, "
          "mon,wed,fri, sun-thu)" },
        { "working_days mon fri", "key \"working_days\": values must be "
          "separated by commas (\"mon fri\")" },
        { "working_days mon,,fri", "key \"working_days\": \"mon,,fri\" "
          "has an empty item in its list" },
        { "working_days mon,", "key \"working_days\": \"mon,\" has an "
          "empty item in its list" },
        { "admin slack:u123", "key \"admin\": value \"slack:u123\" is not a "
          "Slack user id (e.g. slack:U024BE7LH)" },
        { "admin slack:", "key \"admin\": value \"slack:\" is not a Slack "
          "user id (e.g. slack:U024BE7LH)" },
        { "admin discord:1234", "key \"admin\": value \"discord:1234\" is "
          "not a Discord user id (discord: and 17 to 19 digits)" },
        { "admin discord:11001234567890123456", "key \"admin\": value "
          "\"discord:11001234567890123456\" is not a Discord user id "
          "(discord: and 17 to 19 digits)" },
        { "admin console:", "key \"admin\": value \"console:\" has no "
          "console name after the colon" },
        { "admin teams:bob", "key \"admin\": value \"teams:bob\" names an "
          "unknown platform \"teams\" (slack, discord or console)" },
        { "admin \"\"", "key \"admin\": value \"\" is not a name or "
          "platform:id" },
        { "brand \"\"", "key \"brand\": value \"\" is not a brand name" },
        { "brand Acme categry drinks", "key \"brand\": unexpected "
          "\"categry\" after brand \"Acme\" (expected category <text>, "
          "exclusive <cat>[;<cat>...] or alerts <platform>:<channel>[,...])" },
        { "brand Acme category", "key \"brand\": \"category\" needs a value "
          "for brand \"Acme\"" },
        { "brand Acme category a category b", "key \"brand\": \"category\" "
          "given twice for brand \"Acme\"" },
        { "brand Acme alerts general", "key \"brand\": alerts \"general\" "
          "is not <platform>:<channel> (slack:C0123ABC, "
          "discord:123456789012345678)" },
        { "brand Acme alerts slack:general", "key \"brand\": alerts "
          "\"slack:general\": a Slack channel id looks like C0123ABC" },
        { "brand Acme alerts slack:C01,discord:abc", "key \"brand\": "
          "alerts \"discord:abc\": a Discord channel id is digits" },
        { "brand Acme exclusive \"a;;b\"", "key \"brand\": exclusive "
          "\"a;;b\" has an empty category" },
        { "permit reveiw coordinator", "key \"permit\": value \"reveiw\" is "
          "not an action (did you mean \"review\"?)" },
        { "permit everything admin", "key \"permit\": value \"everything\" "
          "is not an action (create, manage, brief_after_kickoff, submit, "
          "review, final_approval, escalate, handle_escalation, self, "
          "for_others, view, audit, help, ask, answer, grant_brand, "
          "conflicts, brand, feedback)" },
        { "permit review boss", "key \"permit\": role \"boss\" is not one of "
          "creator, coordinator, agency, brand, admin, anyone" },
        { "permit review", "key \"permit\": missing value (usage: permit "
          "<action> <role>[,<role>...])" },
        { "review_mode brand", "key \"review_mode\": value \"brand\" is not "
          "one of two_stage, brand_only" },
        { "db_synchronous off", "key \"db_synchronous\": value \"off\" is "
          "not one of full, normal" },
        { "currency usd", "key \"currency\": value \"usd\" is not an ISO "
          "4217 currency code (3 capital letters, e.g. USD, EUR)" },
        { "currency EURO", "key \"currency\": value \"EURO\" is not an ISO "
          "4217 currency code (3 capital letters, e.g. USD, EUR)" },
        { "lead_time 5", "key \"lead_time\": \"5\" is not a duration "
          "(e.g. 90m, 24h, 2d or 1d12h)" },
        { "lead_time -1d", "key \"lead_time\": \"-1d\" is not a "
          "duration (e.g. 90m, 24h, 2d or 1d12h)" },
        { "revision_limit 0", "key \"revision_limit\": value \"0\" is not a "
          "whole number from 1 to 20" },
        { "revision_limit 21", "key \"revision_limit\": value \"21\" is not "
          "a whole number from 1 to 20" },
        { "revision_limit two", "key \"revision_limit\": value \"two\" is "
          "not a whole number from 1 to 20" },
        { "revision_limit 3x", "key \"revision_limit\": value \"3x\" is not "
          "a whole number from 1 to 20" },
        { "approval_latency 0m", "key \"approval_latency\": \"0m\" is "
          "too short (at least 1m)" },
        { "approval_latency 59s", "key \"approval_latency\": \"59s\" is "
          "too short (at least 1m)" },
        { "nudge_before 48h,4x", "key \"nudge_before\": \"4x\" is not "
          "a duration (e.g. 90m, 24h, 2d or 1d12h)" },
        { "nudge_before 1h,2h,3h,4h,5h,6h,7h,8h,9h", "key \"nudge_before\": "
          "\"1h,2h,3h,4h,5h,6h,7h,8h,9h\" has 9 durations; at most 8 are "
          "allowed" },
        { "nudge_before 0m", "key \"nudge_before\": \"0m\" is too short "
          "(at least 1m)" },
        { "nudge_after 24h 48h", "key \"nudge_after\": values must be "
          "separated by commas (\"24h 48h\")" },
        { "nudge_daily_cap 99", "key \"nudge_daily_cap\": value \"99\" is not "
          "a whole number from 1 to 20" },
        { "approval_guard soon", "key \"approval_guard\": \"soon\" is "
          "not a duration (e.g. 90m, 24h, 2d or 1d12h)" },
        { "fix_window 48", "key \"fix_window\": \"48\" is not a "
          "duration (e.g. 90m, 24h, 2d or 1d12h)" },
        { "question_target 1x", "key \"question_target\": \"1x\" is "
          "not a duration (e.g. 90m, 24h, 2d or 1d12h)" },
        { "escalation_ladder 4h,8h,24h", "key \"escalation_ladder\": "
          "expected 4 durations (coordinator, agency, brand, admins), got 3" },
        { "escalation_ladder 4h,8h,24h,24h,1h", "key \"escalation_ladder\": "
          "\"4h,8h,24h,24h,1h\" has 5 durations; at most 4 are allowed" },
        { "escalation_ladder coordinator:4h, boss:1h",
          "key \"escalation_ladder\": \"boss:1h\" is not a ladder level: "
          "write role:duration with a role of coordinator, agency, brand or "
          "admin (coordinator:4h)" },
        { "escalation_ladder brand:4h,brand:8h", "key \"escalation_ladder\": "
          "brand appears twice in the ladder" },
        { "escalation_ladder brand:soon", "key \"escalation_ladder\": "
          "\"soon\" is not a duration (e.g. 90m, 24h, 2d or 1d12h)" },
        { "escalation_repeats 6", "key \"escalation_repeats\": value \"6\" is "
          "not a whole number from 0 to 5" },
        { "escalation_repeats -1", "key \"escalation_repeats\": value \"-1\" "
          "is not a whole number from 0 to 5" },
        { "holidays de", "key \"holidays\": missing value (usage: holidays "
          "<region-or-person> <path.ics>)" },
        { "region bob", "key \"region\": missing value (usage: region "
          "<person> <region>)" },
        { "region bob de extra", "key \"region\": too many values (usage: "
          "region <person> <region>)" },
        { "demo_workspace maybe", "key \"demo_workspace\": value \"maybe\" is "
          "not yes or no" },
        { "slack 1", "key \"slack\": value \"1\" is not yes or no" },
        { "slack_app_token env:", "key \"slack_app_token\": value is not "
          "env:NAME, file:PATH or credential:NAME (NAME must be letters, "
          "digits and _)" },
        { "slack_bot_token file:", "key \"slack_bot_token\": value is not "
          "env:NAME, file:PATH or credential:NAME (the path is empty)" },
        { "discord_token credential:../x", "key \"discord_token\": value is "
          "not env:NAME, file:PATH or credential:NAME (a credential's NAME "
          "is a file name: not empty, no '/')" },
        { "slack_api_url slack.com/api", "key \"slack_api_url\": value "
          "\"slack.com/api\" is not an http:// or https:// URL" },
        { "slack_api_url https://", "key \"slack_api_url\": value "
          "\"https://\" is not an http:// or https:// URL" },
        { "discord yes please", "key \"discord\": too many values (usage: "
          "discord yes|no)" },
        { "discord_token", "key \"discord_token\": missing value (usage: "
          "discord_token env:<NAME>|file:<path>|credential:<name>)" },
        { "discord_api_url ftp://discord.com", "key \"discord_api_url\": "
          "value \"ftp://discord.com\" is not an http:// or https:// URL" },
        { "discord_guild 123", "key \"discord_guild\": value \"123\" is not "
          "a Discord id (17 to 19 digits)" },
        { "discord_application_id 1100123456789012x", "key "
          "\"discord_application_id\": value \"1100123456789012x\" is not a "
          "Discord id (17 to 19 digits)" },
        { "discord_message_content y", "key \"discord_message_content\": "
          "value \"y\" is not yes or no" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_error1(cases[i].line, cases[i].error);
}

/* The exact forms of the style guide, file name as given. */
static void
test_error_forms_exact(void **state)
{
    (void)state;
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    write_file("chorus.conf",
               "# line 1\n\n\n\n\n\n\n\n\n\n\n\n\n"
               "nudge_before 2x\n"                         /* 14 */
               "\n\n\n\n\n\n\n"
               "escalation_repets 3\n",                    /* 22 */
               0644);
    assert_int_equal(chdir(tmpdir), 0);

    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    enum ch_status st = config_load("chorus.conf", &cfg, &errs);
    assert_int_equal(chdir(cwd), 0);

    assert_int_equal(st, CH_INVALID);
    assert_null(cfg);
    assert_int_equal(errs.n, 2);
    assert_string_equal(errs.v[0].text, "chorus.conf:14: key \"nudge_before\""
                        ": \"2x\" is not a duration (e.g. 90m, 24h, 2d or "
                        "1d12h)");
    assert_string_equal(errs.v[0].file, "chorus.conf");
    assert_int_equal(errs.v[0].line, 14);
    assert_string_equal(errs.v[0].key, "nudge_before");
    assert_string_equal(errs.v[0].message,
                        "\"2x\" is not a duration (e.g. 90m, 24h, 2d or "
                        "1d12h)");
    assert_string_equal(errs.v[1].text, "chorus.conf:22: unknown key "
                        "\"escalation_repets\" (did you mean "
                        "\"escalation_repeats\"?)");
    assert_int_equal(errs.v[1].line, 22);
    assert_string_equal(errs.v[1].key, "escalation_repets");

    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    config_errors_print(&errs, fp);
    fclose(fp);
    assert_string_equal(out, "chorus.conf:14: key \"nudge_before\": "
                        "\"2x\" is not a duration (e.g. 90m, 24h, 2d or "
                        "1d12h)\n"
                        "chorus.conf:22: unknown key \"escalation_repets\" "
                        "(did you mean \"escalation_repeats\"?)\n");
    free(out);
    config_errors_free(&errs);
}

static void
test_unknown_keys(void **state)
{
    (void)state;
    EXPECT_ERRORS("nudge_befor 48h\n"
                  "Log_Level info\n"
                  "frobnicate yes\n"
                  "slack_bot_tokn env:X\n",
                  "1: unknown key \"nudge_befor\" (did you mean "
                  "\"nudge_before\"?)",
                  "2: unknown key \"Log_Level\" (did you mean "
                  "\"log_level\"?)",
                  "3: unknown key \"frobnicate\"",
                  "4: unknown key \"slack_bot_tokn\" (did you mean "
                  "\"slack_bot_token\"?)");
}

static void
test_many_errors_in_order(void **state)
{
    (void)state;
    /* Valid lines between bad ones; the bad ones are all reported, in
     * order, and no config comes back even though most lines are fine. */
    EXPECT_ERRORS("log_level debug\n"
                  "lead_time 5x\n"
                  "currency EUR\n"
                  "standup_window 8h\n"
                  "revision_limit 99\n"
                  "working_days mon-fri\n"
                  "log_level info\n"
                  "slack_bot_token xoxb-123\n"
                  "brand \"unterminated\n"
                  "escalation_repeats 2\n",
                  "2: key \"lead_time\": \"5x\" is not a duration "
                  "(e.g. 90m, 24h, 2d or 1d12h)",
                  "4: unknown key \"standup_window\"",
                  "5: key \"revision_limit\": value \"99\" is not a whole "
                  "number from 1 to 20",
                  "7: key \"log_level\": given twice (first on line 1)",
                  "8: key \"slack_bot_token\": value is not env:NAME, "
                  "file:PATH or credential:NAME (tokens may not be written "
                  "in the configuration)",
                  "9: unterminated quote");

    /* One bad line at the very end still refuses the whole file. */
    EXPECT_ERRORS("log_level debug\ncurrency EUR\nslack maybe",
                  "3: key \"slack\": value \"maybe\" is not yes or no");
}

static void
test_too_many_errors(void **state)
{
    (void)state;
    struct {
        char  *s;
        size_t n;
    } b = { xmalloc(300 * 16), 0 };
    for (int i = 0; i < 300; i++)
        b.n += (size_t)snprintf(b.s + b.n, 16, "bogus %d\n", i);

    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    char *path = path_in("chorus.conf");
    write_file("chorus.conf", b.s, 0644);
    assert_int_equal(config_load(path, &cfg, &errs), CH_INVALID);
    assert_null(cfg);
    assert_int_equal(errs.n, CONFIG_ERRORS_MAX + 1);
    char *last = xasprintf("%s:%d: too many errors; stopping here", path,
                           CONFIG_ERRORS_MAX);
    assert_string_equal(errs.v[CONFIG_ERRORS_MAX].text, last);
    free(last);
    config_errors_free(&errs);
    free(path);
    free(b.s);

    /* NULL errs is allowed: only the status comes back. */
    write_file("chorus.conf", "bogus 1\n", 0644);
    path = path_in("chorus.conf");
    assert_int_equal(config_load(path, &cfg, NULL), CH_INVALID);
    assert_null(cfg);
    free(path);
}

static void
test_duplicates(void **state)
{
    (void)state;
    EXPECT_ERRORS("log_level info\n"
                  "currency EUR\n"
                  "# a comment\n"
                  "log_level debug\n"
                  "database a.db\n"
                  "database b.db\n"
                  "database c.db\n",
                  "4: key \"log_level\": given twice (first on line 1)",
                  "6: key \"database\": given twice (first on line 5)",
                  "7: key \"database\": given twice (first on line 5)");
    /* An invalid first value still counts as given. */
    EXPECT_ERRORS("lead_time x\nlead_time 2d\n",
                  "1: key \"lead_time\": \"x\" is not a duration "
                  "(e.g. 90m, 24h, 2d or 1d12h)",
                  "2: key \"lead_time\": given twice (first on line 1)");
    /* Repeatable directives, but with unique names inside. */
    EXPECT_ERRORS("brand Acme\n"
                  "brand Glow\n"
                  "brand ACME category soda\n"
                  "permit review coordinator\n"
                  "permit view anyone\n"
                  "permit review brand\n"
                  "region ana de\n"
                  "region bob fr\n"
                  "region ana fr\n",
                  "3: key \"brand\": brand \"ACME\" is already defined on "
                  "line 1",
                  "6: key \"permit\": action \"review\" is already "
                  "permitted on line 4",
                  "9: key \"region\": person \"ana\" already has a region "
                  "on line 7");
}

static void
test_quotes_and_comments(void **state)
{
    (void)state;
    struct config *cfg = load_ok(
        "brand \"Fizz \\\"Pop\\\" Co\" category \"back\\\\slash # not a "
        "comment\"\n"
        "brand C# category music   # a comment after a word\n"
        "brand \"Tab\"\tcategory\t\"x\"\n"
        "  currency   EUR  # trailing\n"
        "log_level \"debug\" #a comment needs no space after '#'\n"
        "region \"Ana Lima\" \"\xc3\x8ele-de-France\"\r\n"
        "default_timezone \"Europe/Berlin\"");   /* no final newline */
    assert_int_equal(cfg->core.nbrands, 3);
    assert_string_equal(cfg->core.brands[0].name, "Fizz \"Pop\" Co");
    assert_string_equal(cfg->core.brands[0].category,
                        "back\\slash # not a comment");
    assert_string_equal(cfg->core.brands[1].name, "C#");
    assert_string_equal(cfg->core.brands[1].category, "music");
    assert_string_equal(cfg->core.brands[2].name, "Tab");
    assert_string_equal(cfg->core.currency, "EUR");
    assert_int_equal(cfg->log_level, LOG_DEBUG);
    assert_string_equal(cfg->regions[0].region, "\xc3\x8ele-de-France");
    assert_string_equal(cfg->core.default_tz, "Europe/Berlin");
    config_free(cfg);

    EXPECT_ERRORS("brand \"Acme\n"
                  "brand \"Acme\\n\"\n"
                  "brand \"Acme\"x\n"
                  "brand Ac\"me\"\n"
                  "brand \"Acme\\\"\n"
                  "currency \"\"\n",
                  "1: unterminated quote",
                  "2: in quotes, a backslash must be followed by \" or \\",
                  "3: a closing quote must be followed by a space",
                  "4: a quote inside a word (quote the whole value)",
                  "5: unterminated quote",
                  "6: key \"currency\": value \"\" is not an ISO 4217 "
                  "currency code (3 capital letters, e.g. USD, EUR)");
}

static void
test_invalid_utf8_and_nul(void **state)
{
    (void)state;
    EXPECT_ERRORS("log_level info\n"
                  "brand Caf\xe9\n"
                  "brand \"\xc0\xaf\"\n"
                  "brand \xed\xa0\x80\n",
                  "2: line is not valid UTF-8 (at byte 10)",
                  "3: line is not valid UTF-8 (at byte 8)",
                  "4: line is not valid UTF-8 (at byte 7)");

    static const char with_nul[] = "log_level info\ncurrency EUR\0X\n";
    write_bytes("nul.conf", with_nul, sizeof(with_nul) - 1, 0644);
    char *path = path_in("nul.conf");
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    assert_int_equal(config_load(path, &cfg, &errs), CH_INVALID);
    assert_int_equal(errs.n, 1);
    assert_int_equal(errs.v[0].line, 2);
    assert_string_equal(errs.v[0].message, "line contains a NUL byte");
    config_errors_free(&errs);
    free(path);
}

static void
test_long_lines(void **state)
{
    (void)state;
    /* Exactly CONFIG_LINE_MAX bytes is fine, one more is not. */
    char *text = xmalloc(3 * CONFIG_LINE_MAX);
    size_t n = 0;
    text[n++] = '#';
    memset(text + n, 'x', CONFIG_LINE_MAX - 1);
    n += CONFIG_LINE_MAX - 1;
    text[n++] = '\n';
    memcpy(text + n, "brand ", 6);
    n += 6;
    memset(text + n, 'y', CONFIG_LINE_MAX - 5);
    n += CONFIG_LINE_MAX - 5;
    memcpy(text + n, "\nlead_time 1d\n", 15);

    char *want = xasprintf("2: line is longer than %d bytes",
                           CONFIG_LINE_MAX);
    EXPECT_ERRORS(text, want);
    free(want);

    /* Cut line 2 to exactly CONFIG_LINE_MAX bytes. */
    text[CONFIG_LINE_MAX + 1 + CONFIG_LINE_MAX] = '\n';
    text[CONFIG_LINE_MAX + 1 + CONFIG_LINE_MAX + 1] = '\0';
    struct config *cfg = load_ok(text);
    assert_int_equal(strlen(cfg->core.brands[0].name), CONFIG_LINE_MAX - 6);
    config_free(cfg);
    free(text);
}

static void
test_unreadable_file(void **state)
{
    (void)state;
    char *path = path_in("missing.conf");
    struct config *cfg = (struct config *)&cfg;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    assert_int_equal(config_load(path, &cfg, &errs), CH_IO);
    assert_null(cfg);
    assert_int_equal(errs.n, 1);
    char *want = xasprintf("%s: cannot read: No such file or directory",
                           path);
    assert_string_equal(errs.v[0].text, want);
    assert_int_equal(errs.v[0].line, CONFIG_LINE_NONE);
    assert_null(errs.v[0].key);
    free(want);
    config_errors_free(&errs);

    /* A directory is not a configuration file. */
    assert_int_equal(config_load(tmpdir, &cfg, &errs), CH_IO);
    assert_int_equal(errs.n, 1);
    want = xasprintf("%s: is not a regular file (a directory); give the "
                     "path of the configuration file itself", tmpdir);
    assert_string_equal(errs.v[0].text, want);
    free(want);
    config_errors_free(&errs);
    free(path);

    /* Nor is a FIFO: refused at once, where reading it would wait for a
     * writer for ever (the test would time out). */
    path = path_in("fifo.conf");
    assert_int_equal(mkfifo(path, 0600), 0);
    assert_int_equal(config_load(path, &cfg, &errs), CH_IO);
    assert_null(cfg);
    assert_int_equal(errs.n, 1);
    want = xasprintf("%s: is not a regular file (a FIFO); give the path of "
                     "the configuration file itself", path);
    assert_string_equal(errs.v[0].text, want);
    free(want);
    config_errors_free(&errs);
    unlink(path);
    free(path);
}

/* What the file holds is quoted in errors, which go to a terminal: its
 * control bytes are written out, never sent raw. */
static void
test_errors_escape_controls(void **state)
{
    (void)state;
    static const char text[] = "\x1b]0;owned\x07\x1b[31mred 1\n"
                               "log_level \"\xc2\x9b" "2J\"\n";
    struct config *cfg = (struct config *)&cfg;
    struct config_errors errs = CONFIG_ERRORS_INIT;

    assert_int_equal(config_load_text("mem.conf", text, sizeof(text) - 1,
                                      &cfg, &errs), CH_INVALID);
    assert_null(cfg);
    assert_int_equal(errs.n, 2);
    assert_string_equal(errs.v[0].text,
                        "mem.conf:1: unknown key \"\\x1b]0;owned\\x07"
                        "\\x1b[31mred\"");
    assert_non_null(strstr(errs.v[1].text, "\\u009b2J"));
    for (size_t i = 0; i < errs.n; i++)
        for (const char *p = errs.v[i].text; *p; p++) {
            unsigned char ch = (unsigned char)*p;
            assert_false(ch < 0x20 || ch == 0x7f);
            assert_false(ch == 0xc2 && (unsigned char)p[1] >= 0x80 &&
                         (unsigned char)p[1] <= 0x9f);
        }
    config_errors_free(&errs);

    /* From memory, NUL bytes are the file's: refused like a file's. */
    static const char nul[] = "log_level debug\nlog_level\0info\n";
    assert_int_equal(config_load_text("mem.conf", nul, sizeof(nul) - 1, &cfg,
                                      &errs), CH_INVALID);
    assert_int_equal(errs.n, 1);
    assert_string_equal(errs.v[0].text,
                        "mem.conf:2: line contains a NUL byte");
    config_errors_free(&errs);
    assert_int_equal(config_load_text("mem.conf", "log_level debug\n", 16,
                                      &cfg, &errs), CH_OK);
    assert_int_equal(cfg->log_level, LOG_DEBUG);
    config_free(cfg);
}

static void
test_holidays(void **state)
{
    (void)state;
    char *cal = path_in("cal");
    assert_true(mkdir(cal, 0755) == 0 || errno == EEXIST);
    free(cal);
    write_file("cal/fr.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 0644);
    struct config *cfg = load_ok("holidays fr cal/fr.ics\n");
    assert_int_equal(cfg->nholidays, 1);
    assert_string_equal(cfg->holidays[0].who, "fr");
    assert_non_null(strstr(cfg->holidays[0].path, "/cal/fr.ics"));
    assert_true(cfg->holidays[0].path[0] == '/');
    config_free(cfg);

    char *realdir = realpath(tmpdir, NULL);
    char *w1 = xasprintf("1: key \"holidays\": file \"%s/cal/nope.ics\" "
                         "cannot be read (No such file or directory)",
                         realdir);
    char *w2 = xasprintf("2: key \"holidays\": file \"%s/cal\" is not a "
                         "regular file", realdir);
    EXPECT_ERRORS("holidays fr cal/nope.ics\n"
                  "holidays fr cal\n"
                  "holidays \"\" cal/fr.ics\n",
                  w1, w2,
                  "3: key \"holidays\": value \"\" is not a region or "
                  "person");
    free(w1);
    free(w2);
    free(realdir);
}

/* ---- secrets ---- */

static void
test_secret_env(void **state)
{
    (void)state;
    struct ch_error err = { .status = CH_OK };
    char *secret = (char *)&err;

    setenv("CHORUS_TEST_TOKEN", "tok-from-env-123\n", 1);
    assert_int_equal(config_secret_load(NULL, "env:CHORUS_TEST_TOKEN",
                                        &secret, &err), CH_OK);
    assert_string_equal(secret, "tok-from-env-123");
    config_secret_free(secret);

    unsetenv("CHORUS_TEST_TOKEN");
    assert_int_equal(config_secret_load(NULL, "env:CHORUS_TEST_TOKEN",
                                        &secret, &err), CH_NOT_FOUND);
    assert_null(secret);
    assert_string_equal(err.user, "environment variable CHORUS_TEST_TOKEN "
                        "is not set");

    setenv("CHORUS_TEST_TOKEN", "short", 1);
    assert_int_equal(config_secret_load(NULL, "env:CHORUS_TEST_TOKEN",
                                        &secret, &err), CH_INVALID);
    assert_non_null(strstr(err.user, "too short for a token"));
    assert_null(strstr(err.user, "short,"));   /* the value is not echoed */

    setenv("CHORUS_TEST_TOKEN", "", 1);
    assert_int_equal(config_secret_load(NULL, "env:CHORUS_TEST_TOKEN",
                                        &secret, &err), CH_INVALID);
    assert_string_equal(err.user, "environment variable CHORUS_TEST_TOKEN "
                        "is empty");
    unsetenv("CHORUS_TEST_TOKEN");

    assert_int_equal(config_secret_load(NULL, "xoxb-literal-9999", &secret,
                                        &err), CH_INVALID);
    assert_null(strstr(err.user, "9999"));
    assert_string_equal(err.user,
                        "secret reference is not env:NAME, file:PATH or "
                        "credential:NAME");
}

static void
test_secret_files(void **state)
{
    (void)state;
    struct config *cfg = load_ok("");
    struct ch_error err = { .status = CH_OK };
    char *secret = NULL;

    /* 0600, relative to the config's directory, one newline dropped. */
    write_file("ok.token", "file-secret-abc123\n", 0600);
    assert_int_equal(config_secret_load(cfg, "file:ok.token", &secret,
                                        &err), CH_OK);
    assert_string_equal(secret, "file-secret-abc123");
    config_secret_free(secret);
    write_file("ok.token", "file-secret-abc123", 0400);
    char *abs = path_in("ok.token");
    char *ref = xasprintf("file:%s", abs);
    assert_int_equal(config_secret_load(NULL, ref, &secret, &err), CH_OK);
    assert_string_equal(secret, "file-secret-abc123");
    config_secret_free(secret);
    free(ref);
    free(abs);

    static const struct {
        const char *name;
        mode_t      mode;
        const char *shown;
    } open_modes[] = {
        { "g.token", 0640, "0640" },
        { "o.token", 0604, "0604" },
        { "gw.token", 0620, "0620" },
        { "all.token", 0666, "0666" },
    };
    for (size_t i = 0; i < sizeof(open_modes) / sizeof(open_modes[0]);
         i++) {
        write_file(open_modes[i].name, "leaky-secret-value-77\n",
                   open_modes[i].mode);
        ref = xasprintf("file:%s", open_modes[i].name);
        secret = (char *)&err;
        assert_int_equal(config_secret_load(cfg, ref, &secret, &err),
                         CH_DENIED);
        assert_null(secret);
        char *file = xasprintf("%s/%s", cfg->dir, open_modes[i].name);
        char *want = xasprintf("secrets file \"%s\" has mode %s, which lets "
                               "group or others read or write it; fix with: "
                               "chmod 600 %s", file, open_modes[i].shown,
                               file);
        assert_string_equal(err.user, want);
        assert_null(strstr(err.user, "leaky"));
        free(want);
        free(file);
        free(ref);
    }

    write_file("empty.token", "", 0600);
    assert_int_equal(config_secret_load(cfg, "file:empty.token", &secret,
                                        &err), CH_INVALID);
    char *want = xasprintf("secrets file \"%s/empty.token\" is empty",
                           cfg->dir);
    assert_string_equal(err.user, want);
    free(want);
    write_file("empty.token", "\n", 0600);
    assert_int_equal(config_secret_load(cfg, "file:empty.token", &secret,
                                        &err), CH_INVALID);

    write_file("two.token", "line-one-secret\nline-two\n", 0600);
    assert_int_equal(config_secret_load(cfg, "file:two.token", &secret,
                                        &err), CH_INVALID);
    assert_non_null(strstr(err.user, "holds more than one line"));
    assert_null(strstr(err.user, "line-one-secret"));

    assert_int_equal(config_secret_load(cfg, "file:absent.token", &secret,
                                        &err), CH_NOT_FOUND);
    want = xasprintf("secrets file \"%s/absent.token\" cannot be read (No "
                     "such file or directory)", cfg->dir);
    assert_string_equal(err.user, want);
    free(want);

    assert_int_equal(config_secret_load(cfg, "file:.", &secret, &err),
                     CH_INVALID);
    assert_non_null(strstr(err.user, "is not a regular file"));

    /* Owned by someone else: only testable as root (chown). */
    if (geteuid() == 0) {
        write_file("root.token", "owned-by-nobody-1\n", 0600);
        char *p = path_in("root.token");
        assert_int_equal(chown(p, 65534, 65534), 0);
        assert_int_equal(config_secret_load(cfg, "file:root.token", &secret,
                                            &err), CH_DENIED);
        assert_non_null(strstr(err.user, "is owned by uid 65534"));
        free(p);
    }
    config_free(cfg);
}

static void
test_literal_token_refused(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "slack_bot_token xoxb-1111-2222-SuperSecretValue",
        "slack_app_token \"xapp-1-SuperSecretValue\"",
        "discord_token SuperSecretValue.abc.def",
        "discord_token \"env:SuperSecretValue-not-a-name\"",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        struct config *cfg = NULL;
        struct config_errors errs = CONFIG_ERRORS_INIT;
        char *path = path_in("chorus.conf");
        write_file("chorus.conf", lines[i], 0600);
        assert_int_equal(config_load(path, &cfg, &errs), CH_INVALID);
        assert_int_equal(errs.n, 1);
        assert_null(strstr(errs.v[0].text, "SuperSecretValue"));
        assert_non_null(strstr(errs.v[0].text,
                               "value is not env:NAME, file:PATH or "
                               "credential:NAME"));
        config_errors_free(&errs);
        free(path);
    }
    expect_error1("slack_bot_token xoxb-1111-2222-SuperSecretValue",
                  "key \"slack_bot_token\": value is not env:NAME, "
                  "file:PATH or credential:NAME (tokens may not be written "
                  "in the configuration)");
    /* Extra words after a reference are not echoed either. */
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    char *path = path_in("chorus.conf");
    write_file("chorus.conf", "slack_bot_token env:X SuperSecretValue\n",
               0600);
    assert_int_equal(config_load(path, &cfg, &errs), CH_INVALID);
    assert_int_equal(errs.n, 1);
    assert_null(strstr(errs.v[0].text, "SuperSecretValue"));
    config_errors_free(&errs);
    free(path);
}

struct captured {
    char lines[8][512];
    int  n;
};

static void
capture(void *arg, enum log_level level, const char *line)
{
    struct captured *c = arg;
    (void)level;
    if (c->n < 8)
        snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%s", line);
}

static void
test_loaded_secret_redacted(void **state)
{
    (void)state;
    /* Not shaped like a Slack token, so only registration can hide it. */
    static const char token[] = "Mz9Q-discord-bot-token.Gx81.abcdef";
    struct config *cfg = load_ok("discord yes\n"
                                 "discord_token file:discord.token\n");
    write_file("discord.token", token, 0600);
    char *secret = NULL;
    struct ch_error err = { .status = CH_OK };
    assert_int_equal(config_secret_load(cfg, cfg->discord.token, &secret,
                                        &err), CH_OK);
    assert_string_equal(secret, token);

    struct captured cap = { .n = 0 };
    enum log_level saved = log_get_level();
    log_set_level(LOG_DEBUG);
    log_set_sink(capture, &cap);
    log_info("test", "connecting with token=%s now", secret);
    log_set_sink(NULL, NULL);
    log_set_level(saved);

    assert_int_equal(cap.n, 1);
    assert_string_equal(cap.lines[0],
                        "test: connecting with token=[redacted] now");
    assert_null(strstr(cap.lines[0], "Mz9Q"));
    config_secret_free(secret);
    config_free(cfg);
}

/* credential:NAME: read where systemd puts it; check-config outside the
 * service (no $CREDENTIALS_DIRECTORY) cannot see it, so it does not
 * complain; inside, a file others can read is an error. */
static void
test_check_secrets_credentials(void **state)
{
    (void)state;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    struct ch_error err = { .status = CH_OK };
    char *secret = NULL;
    struct config *cfg = load_ok("slack yes\n"
                                 "slack_app_token credential:app\n"
                                 "slack_bot_token credential:bot\n");

    unsetenv("CREDENTIALS_DIRECTORY");
    assert_int_equal(config_check_secrets(cfg, &errs), 0);
    assert_int_equal(config_secret_load(cfg, "credential:app", &secret,
                                        &err), CH_NOT_FOUND);
    assert_string_equal(err.user, "credential \"app\": "
                        "$CREDENTIALS_DIRECTORY is not set (systemd sets it "
                        "for a unit with LoadCredential=)");

    setenv("CREDENTIALS_DIRECTORY", tmpdir, 1);
    write_file("app", "xapp-credential-value-1\n", 0400);
    write_file("bot", "xoxb-credential-value-2\n", 0444);
    assert_int_equal(config_secret_load(cfg, "credential:app", &secret,
                                        &err), CH_OK);
    assert_string_equal(secret, "xapp-credential-value-1");
    config_secret_free(secret);
    assert_int_equal(config_check_secrets(cfg, &errs), 1);
    char *path = path_in("bot");
    char *want = xasprintf("credential \"bot\" (%s) has mode 0444, which "
                           "lets others read or write it; LoadCredential= "
                           "hands over a file only the service can read",
                           path);
    assert_non_null(strstr(errs.v[0].text, want));
    free(want);
    free(path);
    config_errors_free(&errs);
    unsetenv("CREDENTIALS_DIRECTORY");
    config_free(cfg);
}

static void
test_check_secrets(void **state)
{
    (void)state;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    char *path = path_in("chorus.conf");

    /* Nothing enabled: nothing to check. */
    struct config *cfg = config_new_default();
    assert_int_equal(config_check_secrets(cfg, &errs), 0);
    config_free(cfg);

    /* Defaults with the variables unset. */
    cfg = load_ok("slack yes\ndiscord yes\n");
    assert_int_equal(config_check_secrets(cfg, &errs), 3);
    assert_int_equal(errs.n, 3);
    char *w0 = xasprintf("%s:(default): key \"slack_app_token\": slack is "
                         "enabled but SLACK_APP_TOKEN is not set", path);
    char *w1 = xasprintf("%s:(default): key \"slack_bot_token\": slack is "
                         "enabled but SLACK_BOT_TOKEN is not set", path);
    char *w2 = xasprintf("%s:(default): key \"discord_token\": discord is "
                         "enabled but DISCORD_TOKEN is not set", path);
    assert_string_equal(errs.v[0].text, w0);
    assert_string_equal(errs.v[1].text, w1);
    assert_string_equal(errs.v[2].text, w2);
    assert_int_equal(errs.v[0].line, CONFIG_LINE_DEFAULT);
    free(w0);
    free(w1);
    free(w2);
    config_errors_free(&errs);

    setenv("SLACK_APP_TOKEN", "xapp-test-value-1", 1);
    setenv("SLACK_BOT_TOKEN", "xoxb-test-value-2", 1);
    setenv("DISCORD_TOKEN", "discord-test-value-3", 1);
    assert_int_equal(config_check_secrets(cfg, &errs), 0);
    assert_int_equal(errs.n, 0);
    config_free(cfg);

    /* Set in the file: errors at the directive's line. */
    write_file("bot.token", "group-readable-secret-4\n", 0640);
    cfg = load_ok("slack yes\n"
                  "slack_bot_token file:bot.token\n"
                  "discord yes\n"
                  "discord_token env:CHORUS_NO_SUCH_VAR\n");
    assert_int_equal(config_check_secrets(cfg, &errs), 2);
    char *file = xasprintf("%s/bot.token", cfg->dir);
    w0 = xasprintf("%s:2: key \"slack_bot_token\": secrets file \"%s\" has "
                   "mode 0640, which lets group or others read or write it; "
                   "fix with: chmod 600 %s", path, file, file);
    w1 = xasprintf("%s:4: key \"discord_token\": environment variable "
                   "CHORUS_NO_SUCH_VAR is not set", path);
    assert_string_equal(errs.v[0].text, w0);
    assert_string_equal(errs.v[1].text, w1);
    assert_null(strstr(errs.v[0].text, "group-readable-secret"));
    free(w0);
    free(w1);
    free(file);
    config_errors_free(&errs);
    config_free(cfg);

    /* The web server's admin token: unset by default is no error (the
     * daemon refuses /metrics); one named that cannot be read is. */
    unsetenv("CHORUS_ADMIN_TOKEN");
    cfg = load_ok("http_listen 8080\n");
    assert_int_equal(config_check_secrets(cfg, &errs), 0);
    config_free(cfg);
    cfg = load_ok("http_listen 127.0.0.1:8080\n"
                  "http_admin_token env:CHORUS_NO_SUCH_VAR\n");
    assert_int_equal(config_check_secrets(cfg, &errs), 1);
    w0 = xasprintf("%s:2: key \"http_admin_token\": environment variable "
                   "CHORUS_NO_SUCH_VAR is not set", path);
    assert_string_equal(errs.v[0].text, w0);
    assert_string_equal(cfg->core.web_url, "http://127.0.0.1:8080");
    free(w0);
    config_errors_free(&errs);
    config_free(cfg);
    cfg = load_ok("http_listen 8080\n");
    assert_string_equal(cfg->core.web_url, "http://127.0.0.1:8080");
    config_free(cfg);

    unsetenv("SLACK_APP_TOKEN");
    unsetenv("SLACK_BOT_TOKEN");
    unsetenv("DISCORD_TOKEN");
    free(path);
}

/* ---- reload ---- */

static void
test_restart_needed(void **state)
{
    (void)state;
    struct config_errors out = CONFIG_ERRORS_INIT;
    char *path = path_in("chorus.conf");

    struct config *old = load_ok("database a.db\n"
                                 "slack_api_url https://slack.com/api/\n"
                                 "discord yes\n");
    /* Same values, written differently: nothing to restart for. */
    struct config *same = load_ok("# reordered\n"
                                  "discord on\n"
                                  "slack_api_url https://slack.com/api\n"
                                  "database ./a.db\n"
                                  "log_level debug\n"
                                  "nudge_before 1h\n"
                                  "admin root\n");
    assert_int_equal(config_restart_needed(old, same, &out), 0);
    assert_int_equal(out.n, 0);
    config_free(same);

    struct config *changed = load_ok("log_level error\n"
                                     "database b.db\n"
                                     "lead_time 1d\n"
                                     "slack yes\n"
                                     "slack_bot_token env:OTHER\n"
                                     "discord_guild 11001234567890123\n");
    assert_int_equal(config_restart_needed(old, changed, &out), 5);
    const char *want[] = {
        "2: key \"database\": change needs a restart",
        "4: key \"slack\": change needs a restart",
        "5: key \"slack_bot_token\": change needs a restart",
        "(default): key \"discord\": change needs a restart",
        "6: key \"discord_guild\": change needs a restart",
    };
    for (size_t i = 0; i < 5; i++) {
        char *w = xasprintf("%s:%s", path, want[i]);
        assert_string_equal(out.v[i].text, w);
        free(w);
    }
    config_errors_free(&out);

    /* From the embedded default: demo_workspace differs too. */
    struct config *def = config_new_default();
    assert_int_equal(config_restart_needed(def, old, &out), 3);
    assert_string_equal(out.v[0].key, "database");
    assert_string_equal(out.v[1].key, "demo_workspace");
    assert_string_equal(out.v[2].key, "discord");
    config_errors_free(&out);
    config_free(def);

    config_free(changed);
    config_free(old);
    free(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_embedded_default),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_example_parses),
        cmocka_unit_test(test_help_lists_every_directive),
        cmocka_unit_test(test_all_directives_valid),
        cmocka_unit_test(test_working_days),
        cmocka_unit_test(test_bools),
        cmocka_unit_test(test_invalid_values),
        cmocka_unit_test(test_error_forms_exact),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_many_errors_in_order),
        cmocka_unit_test(test_too_many_errors),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_quotes_and_comments),
        cmocka_unit_test(test_invalid_utf8_and_nul),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_unreadable_file),
        cmocka_unit_test(test_errors_escape_controls),
        cmocka_unit_test(test_holidays),
        cmocka_unit_test(test_secret_env),
        cmocka_unit_test(test_secret_files),
        cmocka_unit_test(test_check_secrets_credentials),
        cmocka_unit_test(test_literal_token_refused),
        cmocka_unit_test(test_loaded_secret_redacted),
        cmocka_unit_test(test_check_secrets),
        cmocka_unit_test(test_restart_needed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
