/* The network platforms and their options from the configuration, whose
 * secret references always hold a value (the directives' defaults). */
#include "platforms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "discord.h"
#include "slack.h"
#include "config.h"
#include "log.h"

/* An "env:NAME" reference whose variable is set. */
static bool
env_ref_set(const char *ref)
{
    if (strncmp(ref, "env:", 4) != 0)
        return false;
    const char *v = getenv(ref + 4);
    return v && *v;
}

/* The environment wins over the file (a simulator, a test). */
static const char *
env_or(const char *name, const char *value)
{
    const char *v = getenv(name);
    return v && *v ? v : value;
}

static bool
load_secret(const struct config *cfg, const char *ref, const char *what,
            char **out, struct ch_error *err)
{
    struct ch_error e = { 0 };
    enum ch_status st = config_secret_load(cfg, ref, out, &e);
    if (st != CH_OK) {
        ch_fail(err, st, "the %s (%s): %s", what, ref, e.user);
        return false;
    }
    return true;
}

/* A test knob in milliseconds; 0 (the real default) when unset or
 * malformed. */
static long long
env_ms(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    char *end;
    long long ms = strtoll(v, &end, 10);
    if (*end || ms <= 0) {
        log_warn("daemon", "%s=%s ignored: not a number of milliseconds",
                 name, v);
        return 0;
    }
    return ms;
}

/* --- Slack ---------------------------------------------------------------- */

static bool
slack_wanted(const struct config *cfg)
{
    return cfg->slack.enabled ||
           (env_ref_set(cfg->slack.app_token) &&
            env_ref_set(cfg->slack.bot_token));
}

static struct adapter *
slack_create(const struct config *cfg, const struct adapter_env *env,
             struct ch_error *err)
{
    char *app = NULL, *bot = NULL;
    struct adapter *a = NULL;
    if (load_secret(cfg, cfg->slack.app_token, "app-level token", &app,
                    err) &&
        load_secret(cfg, cfg->slack.bot_token, "bot token", &bot, err)) {
        struct slack_options o = {
            .app_token = app,
            .bot_token = bot,
            .api_url = env_or("SLACK_API_URL", cfg->slack.api_url),
            .ping_ms = env_ms("CHORUS_SLACK_PING_MS"),
        };
        a = slack_new(&o, env, err);
    }
    config_secret_free(app);
    config_secret_free(bot);
    return a;
}

static bool
slack_secrets(const struct config *cfg, struct ch_error *err)
{
    char *app = NULL, *bot = NULL;
    bool ok = load_secret(cfg, cfg->slack.app_token, "app-level token", &app,
                          err) &&
              load_secret(cfg, cfg->slack.bot_token, "bot token", &bot, err);
    config_secret_free(app);
    config_secret_free(bot);
    return ok;
}

/* --- Discord -------------------------------------------------------------- */

static bool
discord_wanted(const struct config *cfg)
{
    const char *t = getenv("DISCORD_TOKEN");
    return cfg->discord.enabled || (t && *t);
}

static struct adapter *
discord_create(const struct config *cfg, const struct adapter_env *env,
               struct ch_error *err)
{
    char *token = NULL;
    if (!load_secret(cfg, cfg->discord.token, "bot token", &token, err))
        return NULL;
    struct discord_options o = {
        .token = token,
        .api_url = env_or("DISCORD_API_URL", cfg->discord.api_url),
        .guild = cfg->discord.guild,
        .application_id = cfg->discord.application_id,
        .message_content = cfg->discord.message_content,
        .timing = {     /* test knobs: the protocol's waits, shortened */
            .hello_timeout_ms = env_ms("CHORUS_DISCORD_HELLO_TIMEOUT_MS"),
            .ready_timeout_ms = env_ms("CHORUS_DISCORD_READY_TIMEOUT_MS"),
            .identify_spacing_ms =
                env_ms("CHORUS_DISCORD_IDENTIFY_SPACING_MS"),
            .backoff_ms = env_ms("CHORUS_DISCORD_BACKOFF_MS"),
            .quick_retry_ms = env_ms("CHORUS_DISCORD_QUICK_RETRY_MS"),
            .stable_ms = env_ms("CHORUS_DISCORD_STABLE_MS"),
            .invalid_session_ms =
                env_ms("CHORUS_DISCORD_INVALID_SESSION_MS"),
            .defer_ms = env_ms("CHORUS_DISCORD_DEFER_MS"),
        },
    };
    struct adapter *a = discord_new(&o, env, err);
    config_secret_free(token);
    return a;
}

static bool
discord_secrets(const struct config *cfg, struct ch_error *err)
{
    char *token = NULL;
    bool ok = load_secret(cfg, cfg->discord.token, "bot token", &token, err);
    config_secret_free(token);
    return ok;
}

/* --- the table ------------------------------------------------------------ */

static const struct {
    const char *name;
    bool      (*wanted)(const struct config *cfg);
    bool      (*secrets)(const struct config *cfg, struct ch_error *err);
    struct adapter *(*create)(const struct config *cfg,
                              const struct adapter_env *env,
                              struct ch_error *err);
} platforms[] = {
    { .name = "discord", .wanted = discord_wanted,
      .secrets = discord_secrets, .create = discord_create },
    { .name = "slack", .wanted = slack_wanted, .secrets = slack_secrets,
      .create = slack_create },
};

#define NPLATFORMS (sizeof(platforms) / sizeof(platforms[0]))

const char *
platforms_name(size_t i)
{
    return i < NPLATFORMS ? platforms[i].name : NULL;
}

bool
platforms_wanted(size_t i, const struct config *cfg)
{
    return i < NPLATFORMS && platforms[i].wanted(cfg);
}

bool
platforms_secrets_ok(size_t i, const struct config *cfg,
                     struct ch_error *err)
{
    if (i >= NPLATFORMS) {
        ch_fail(err, CH_INVALID, "no such platform");
        return false;
    }
    return platforms[i].secrets(cfg, err);
}

struct adapter *
platforms_new(size_t i, const struct config *cfg,
              const struct adapter_env *env, struct ch_error *err)
{
    if (i >= NPLATFORMS) {
        ch_fail(err, CH_INVALID, "no such platform");
        return NULL;
    }
    return platforms[i].create(cfg, env, err);
}
