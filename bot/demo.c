/*
 * chorus demo: the real daemon (`chorus run`: loop, core, Slack and
 * Discord adapters) against the local Slack and Discord simulators, all
 * in this one process, with a short scripted campaign.  Everything is
 * printed as each platform would show it, so a newcomer sees both
 * adapters work without any token.
 *
 * The people: on Slack carol (coordinator), brenda (brand lead) and bob
 * (creator); on Discord ops (a workspace admin) and dana (creator).  The
 * campaign's channel exists on both platforms, so what happens on one is
 * visible on the other.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ws.h"
#include "config.h"
#include "daemon.h"
#include "demo.h"
#include "loop.h"
#include "buf.h"
#include "core.h"
#include "log.h"
#include "when.h"
#include "xmalloc.h"
#include "discord_sim.h"
#include "slack_sim.h"

/* Pause after each step until the platforms have been quiet this long
 * and the outbox is empty (a slow machine, valgrind, Slack's pacing), or
 * for at most STEP_MAX_MS; the last step waits up to END_MAX_MS so the
 * conversation is complete before the demo stops. */
#define QUIET_MS       700
#define STEP_MAX_MS    8000
#define END_MAX_MS     60000
#define CONNECT_MAX_MS 15000

enum step_kind {
    SLACK_COMMAND,   /* text after "/campaign", in channel (or a DM) */
    DISCORD_COMMAND, /* a chat command (/add), its options */
    NOTE,            /* a line of narration */
};

struct demo_opt {
    const char *name;
    const char *value; /* "@name" for a user option */
};

struct step {
    enum step_kind kind;
    const char *who;
    const char *where; /* Slack channel name, or NULL for a DM */
    const char *text;
    const char *cmd;   /* Discord: the chat command ("add") */
    const char *sub;   /* its subcommand, for a command of several forms */
    struct demo_opt opts[6];
};

/* Slack mentions are written "@name" here and sent as <@ID>. */
static const struct step script[] = {
    {.kind = NOTE,
     .text = "On Slack, carol (coordinator) creates the campaign."},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "new spring-launch brand:Fizz title:\"Spring Launch\" need:2"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "add spring-launch @bob role:creator tz:Europe/Berlin"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "add spring-launch @brenda role:brand tz:America/New_York"},
    {.kind = NOTE,
     .text = "On Discord, ops (an admin) adds dana as a flex creator."},
    {.kind = DISCORD_COMMAND,
     .who = "ops",
     .cmd = "add",
     .opts = {{"slug", "spring-launch"},
              {"person", "@dana"},
              {"role", "creator"},
              {"tier", "flex"}}},
    {.kind = NOTE,
     .text = "carol writes the brief and kicks off: the brief is "
             "pinned on both platforms."},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "brief spring-launch set story Spring runs start with a cold can"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "brief spring-launch set audience urban runners, 18-30"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "brief spring-launch set core_message Fizz keeps you going"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "kickoff spring-launch"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "deliverable spring-launch @bob \"Morning run reel\" on:tiktok "
             "draft:+7d publish:+14d"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = "general",
     .text = "deliverable spring-launch dana \"Track day story\" on:instagram "
             "draft:+8d publish:+15d"},
    {.kind = NOTE,
     .text = "bob submits; carol asks for changes; bob resubmits; "
             "carol and then brenda approve."},
    {.kind = SLACK_COMMAND,
     .who = "bob",
     .where = NULL,
     .text =
         "submit spring-launch#1 https://drive.example.com/reel-v1 first cut"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = NULL,
     .text =
         "changes spring-launch#1 fail:visible the can is hidden until 0:05"},
    {.kind = SLACK_COMMAND,
     .who = "bob",
     .where = NULL,
     .text = "submit spring-launch#1 https://drive.example.com/reel-v2 can up "
             "front"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = NULL,
     .text = "approve spring-launch#1 great hook"},
    {.kind = SLACK_COMMAND,
     .who = "brenda",
     .where = NULL,
     .text = "approve spring-launch#1 ship it"},
    {.kind = NOTE,
     .text = "On Discord, dana submits and escalates; carol "
             "acknowledges on Slack."},
    {.kind = DISCORD_COMMAND,
     .who = "dana",
     .cmd = "submit",
     .opts = {{"ref", "spring-launch#2"},
              {"link", "https://drive.example.com/story-v1"}}},
    {.kind = DISCORD_COMMAND,
     .who = "dana",
     .cmd = "escalate",
     .opts = {{"subject", "spring-launch#2"},
              {"reason", "the product samples have not arrived"}}},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = NULL,
     .text = "ack E1 calling the warehouse now"},
    {.kind = SLACK_COMMAND,
     .who = "carol",
     .where = NULL,
     .text = "status spring-launch"},
};
#define NSTEPS (sizeof(script) / sizeof(script[0]))

struct demo {
    struct loop *loop;
    struct slack_sim *slack;
    struct discord_sim *discord;
    struct daemon *daemon;
    struct core *core;
    struct loop_timer *timer;
    size_t next;
    int64_t last_output; /* loop ms of the last printed line */
    int64_t step_started;
    int64_t started;
    bool connected;
    bool failed;
    bool verbose;
    char slack_ids[3][32];   /* carol, brenda, bob */
    char discord_ids[2][32]; /* ops, dana */
};

/* The name a client shows for a user id, or NULL. */
static const char *
user_name(struct demo *dm, bool slack, const char *id)
{
    if (slack) {
        const struct slack_sim_user *u = slack_sim_user(dm->slack, id);
        if (u)
            return u->name;
        return strcmp(id, slack_sim_identity(dm->slack)->bot_user_id) == 0
                   ? "chorus"
                   : NULL;
    }
    static const char *const names[] = {"ops", "dana"};
    for (size_t i = 0; i < 2; i++)
        if (strcmp(id, dm->discord_ids[i]) == 0)
            return names[i];
    return strcmp(id, discord_sim_app_id(dm->discord)) == 0 ? "chorus" : NULL;
}

static const char *
channel_name(struct demo *dm, bool slack, const char *id)
{
    if (slack) {
        const struct slack_sim_channel *c = slack_sim_channel(dm->slack, id);
        return c && c->name ? c->name : NULL;
    }
    struct discord_sim_channel_info ci;
    return discord_sim_channel(dm->discord, id, &ci) ? ci.name : NULL;
}

/*
 * What a client displays for the markup the adapters send: <@U1|x> and
 * <@123> as @name, <#C1> and <#123> as #name, Slack's <!date^...|fallback>
 * as its fallback, Discord's <t:UNIX:f> as a date, and Slack's &lt; &gt;
 * &amp; as the characters.
 */
static void
render(struct demo *dm, bool slack, const char *in, struct buf *out)
{
    for (const char *p = in; *p;) {
        size_t n = 0;
        char id[64];
        if ((p[0] == '<' && (p[1] == '@' || p[1] == '#')) &&
            (n = strcspn(p, ">")) && p[n] == '>') {
            size_t k = strcspn(p + 2, "|>");
            snprintf(id, sizeof(id), "%.*s", (int)k, p + 2 + (p[2] == '!'));
            const char *name = p[1] == '@' ? user_name(dm, slack, id)
                                           : channel_name(dm, slack, id);
            if (name) {
                buf_printf(out, "%c%s", p[1], name);
                p += n + 1;
                continue;
            }
        }
        if (strncmp(p, "<!date^", 7) == 0 && (n = strcspn(p, ">")) &&
            p[n] == '>') {
            const char *bar = memchr(p, '|', n);
            if (bar) {
                buf_add(out, bar + 1, (size_t)(p + n - bar - 1));
                p += n + 1;
                continue;
            }
        }
        if (strncmp(p, "<t:", 3) == 0 && (n = strcspn(p, ">")) && p[n] == '>') {
            char when[64];
            int64_t t = strtoll(p + 3, NULL, 10) * 1000;
            when_format(t, "UTC", WHEN_YEAR_ALWAYS, WHEN_LONG, when,
                        sizeof(when));
            buf_adds(out, when);
            p += n + 1;
            continue;
        }
        static const char *const ent[][2] = {
            {"&lt;", "<"},
            {"&gt;", ">"},
            {"&amp;", "&"},
        };
        bool done = false;
        for (size_t i = 0; slack && i < 3 && !done; i++) {
            size_t el = strlen(ent[i][0]);
            if (strncmp(p, ent[i][0], el) == 0) {
                buf_adds(out, ent[i][1]);
                p += el;
                done = true;
            }
        }
        if (!done)
            buf_addc(out, *p++);
    }
}

/* One message as its platform shows it; edits and pins of long messages
 * (the pinned brief and status) as their first line only. */
static void
say(struct demo *dm, const char *platform, const char *line, bool short_form)
{
    struct buf text = BUF_INIT;
    render(dm, strcmp(platform, "slack") == 0, line, &text);
    const char *p = buf_cstr(&text);
    while (*p) {
        size_t n = strcspn(p, "\n");
        printf("%-8s| %.*s%s\n", platform, (int)n, p,
               short_form && p[n] ? " …" : "");
        p += n + (p[n] == '\n');
        if (short_form)
            break;
    }
    buf_free(&text);
    fflush(stdout);
    dm->last_output = loop_now_ms(dm->loop);
}

static void
on_slack(void *arg, const struct slack_sim_obs *o)
{
    if (o->kind == SLACK_SIM_OBS_SOCKET)
        return; /* connection chatter is for the logs, not the story */
    say(arg, "slack", o->line,
        o->kind == SLACK_SIM_OBS_UPDATE || o->kind == SLACK_SIM_OBS_PIN);
}

static void
on_discord(void *arg, const struct discord_sim_event *ev)
{
    if (ev->kind == DISCORD_SIM_EV_GATEWAY)
        return;
    struct buf line = BUF_INIT;
    discord_sim_event_format(ev, &line);
    /* A user option shows as the raw id in the interaction's echo
     * ("person:1574..."); mentions (<@1574...>) are rendered by say(). */
    struct demo *dm = arg;
    static const char *const names[] = {"@ops", "@dana"};
    for (size_t i = 0; i < 2; i++) {
        char pat[40];
        snprintf(pat, sizeof(pat), ":%s", dm->discord_ids[i]);
        char *at;
        while (dm->discord_ids[i][0] && line.data &&
               (at = strstr(line.data, pat)) != NULL) {
            struct buf fixed = BUF_INIT;
            buf_add(&fixed, line.data, (size_t)(at - line.data) + 1);
            buf_adds(&fixed, names[i]);
            buf_adds(&fixed, at + strlen(pat));
            buf_free(&line);
            line = fixed;
        }
    }
    if (line.len)
        say(dm, "discord", buf_cstr(&line),
            ev->kind == DISCORD_SIM_EV_EDIT || ev->kind == DISCORD_SIM_EV_PIN);
    buf_free(&line);
}

static const char *
slack_id(struct demo *dm, const char *name)
{
    const struct slack_sim_user *u = slack_sim_user(dm->slack, name);
    return u ? u->id : name;
}

/* "@bob" -> "<@U...|bob>" as Slack escapes a mention in a command. */
static char *
slack_blocks_text(struct demo *dm, const char *text)
{
    char out[1024];
    size_t o = 0;
    for (const char *p = text; *p && o + 64 < sizeof(out);) {
        if (*p == '@' && (p == text || p[-1] == ' ')) {
            char name[32];
            size_t n = strcspn(p + 1, " ");
            snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
            o += (size_t)snprintf(out + o, sizeof(out) - o, "<@%s|%s>",
                                  slack_id(dm, name), name);
            p += n + 1;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = '\0';
    return xstrdup(out);
}

static void
run_step(struct demo *dm, const struct step *s)
{
    if (s->kind == NOTE) {
        printf("\n-- %s\n", s->text);
        fflush(stdout);
        return;
    }
    if (s->kind == SLACK_COMMAND) {
        char *text = slack_blocks_text(dm, s->text);
        const char *where = s->where;
        if (where == NULL) {
            /* A DM with the bot: slash commands work there too. */
            const struct slack_sim_channel *dmc =
                slack_sim_dm(dm->slack, slack_id(dm, s->who));
            where = dmc ? dmc->id : "general";
        }
        if (slack_sim_push_command(dm->slack, s->who, where, "/campaign", text,
                                   NULL) != 0)
            fprintf(stderr, "demo: %s\n", slack_sim_error(dm->slack));
        free(text);
        return;
    }
    struct discord_sim_opt opts[6];
    size_t n = 0;
    for (; n < 6 && s->opts[n].name; n++) {
        const char *v = s->opts[n].value;
        bool user = v[0] == '@';
        opts[n] = (struct discord_sim_opt){
            .name = s->opts[n].name,
            .type = user ? 6 : 3,
            .value = user ? discord_sim_user_by_name(dm->discord, v + 1) : v,
        };
    }
    struct discord_sim_command cmd = {
        .user_id = discord_sim_user_by_name(dm->discord, s->who),
        .channel_id = discord_sim_channel_by_name(dm->discord, "general"),
        .name = s->cmd,
        .subcommand = s->sub,
        .opts = opts,
        .nopts = n,
    };
    if (discord_sim_command(dm->discord, &cmd) == NULL)
        fprintf(stderr, "demo: the Discord command could not be sent\n");
}

static bool
both_connected(struct demo *dm)
{
    struct discord_sim_stats st;
    discord_sim_stats(dm->discord, &st);
    return slack_sim_open_count(dm->slack) > 0 && st.ready > 0;
}

static void
on_timer(void *arg)
{
    struct demo *dm = arg;
    int64_t now = loop_now_ms(dm->loop);
    if (!dm->connected) {
        if (both_connected(dm)) {
            dm->connected = true;
            printf("(both adapters connected; the campaign starts)\n");
            dm->last_output = now;
        } else if (now - dm->started > CONNECT_MAX_MS) {
            fprintf(stderr, "demo: the adapters did not connect\n");
            dm->failed = true;
            daemon_stop(dm->daemon, "demo could not connect");
            return;
        }
        loop_timer_arm(dm->timer, 100);
        return;
    }
    bool quiet = now - dm->last_output >= QUIET_MS &&
                 core_outbox_backlog(dm->core) == 0;
    int64_t max = dm->next == NSTEPS ? END_MAX_MS : STEP_MAX_MS;
    if (!quiet && now - dm->step_started < max) {
        loop_timer_arm(dm->timer, 100);
        return;
    }
    if (dm->next == NSTEPS) {
        printf("\n(the demo is over: the same campaign ran on Slack and "
               "Discord, through one core and one database)\n");
        fflush(stdout);
        daemon_stop(dm->daemon, "demo finished");
        return;
    }
    dm->step_started = now;
    run_step(dm, &script[dm->next++]);
    loop_timer_arm(dm->timer, script[dm->next - 1].kind == NOTE ? 0 : 100);
}

/* --- hooks -------------------------------------------------------------- */

static int
prepare(void *arg, struct loop *loop, struct ws_ctx *ws, struct config *cfg)
{
    struct demo *dm = arg;
    dm->loop = loop;
    /* The conversation is the output; logs only when asked for (-v). */
    cfg->log_level = dm->verbose ? LOG_DEBUG : LOG_ERROR;
    log_set_level(cfg->log_level);
    struct slack_sim_options so = {
        .observer = on_slack,
        .observer_arg = dm,
        .seed = 42,
    };
    dm->slack = slack_sim_new(loop, ws, &so);
    struct discord_sim_options dso = {.heartbeat_interval_ms = 5000};
    dm->discord = discord_sim_new(loop, ws, &dso);
    if (dm->slack == NULL || dm->discord == NULL)
        return -1;
    discord_sim_set_observer(dm->discord, on_discord, dm);
    /* Generous budgets: the simulator's defaults are Discord's tightest. */
    discord_sim_set_budget(dm->discord, NULL, NULL, 50, 1000);

    static const char *const slack_people[][2] = {
        {"carol", "Europe/London"},
        {"brenda", "America/New_York"},
        {"bob", "Europe/Berlin"},
    };
    for (size_t i = 0; i < 3; i++) {
        struct slack_sim_user_spec u = {.name = slack_people[i][0],
                                        .tz = slack_people[i][1]};
        const struct slack_sim_user *su = slack_sim_add_user(dm->slack, &u);
        if (su == NULL)
            return -1;
        snprintf(dm->slack_ids[i], sizeof(dm->slack_ids[i]), "%s", su->id);
    }
    static const char *const slack_members[] = {"carol", "brenda", "bob", NULL};
    slack_sim_add_channel(dm->slack, "general", false, slack_members);
    static const char *const discord_people[] = {"ops", "dana"};
    for (size_t i = 0; i < 2; i++) {
        struct discord_sim_user u = {.username = discord_people[i]};
        const char *id = discord_sim_add_user(dm->discord, &u);
        if (id == NULL)
            return -1;
        snprintf(dm->discord_ids[i], sizeof(dm->discord_ids[i]), "%s", id);
    }
    struct discord_sim_channel_spec general = {
        .type = DISCORD_SIM_CHANNEL_TEXT,
        .name = "general",
    };
    discord_sim_add_channel(dm->discord, &general);

    /* The daemon reads tokens and endpoints as it would in production. */
    const struct slack_sim_identity *id = slack_sim_identity(dm->slack);
    setenv("SLACK_APP_TOKEN", id->app_token, 1);
    setenv("SLACK_BOT_TOKEN", id->bot_token, 1);
    setenv("SLACK_API_URL", slack_sim_api_url(dm->slack), 1);
    setenv("DISCORD_TOKEN", discord_sim_token(dm->discord), 1);
    setenv("DISCORD_API_URL", discord_sim_api_base(dm->discord), 1);
    cfg->slack.enabled = true;
    cfg->discord.enabled = true;
    free(cfg->discord.guild);
    cfg->discord.guild = xstrdup(discord_sim_guild_id(dm->discord));
    char who[64];
    snprintf(who, sizeof(who), "slack:%s", dm->slack_ids[0]);
    config_add_admin(cfg, who);
    snprintf(who, sizeof(who), "discord:%s", dm->discord_ids[0]);
    config_add_admin(cfg, who);
    cfg->demo_workspace = false;
    /* Two minutes on the wall clock, any day: everyone is at work, and
     * news is not kept for tomorrow's digest. */
    cfg->core.work_start = 0;
    cfg->core.work_end = 24 * 60;
    cfg->core.work_days = 0x7f;
    cfg->core.news_digest = false;
    return 0;
}

static void
started(void *arg, struct daemon *d, struct core *core)
{
    struct demo *dm = arg;
    dm->core = core;
    dm->daemon = d;
    dm->started = loop_now_ms(dm->loop);
    dm->timer = loop_timer_new(dm->loop, on_timer, dm);
    loop_timer_arm(dm->timer, 100);
}

static void
closing(void *arg)
{
    struct demo *dm = arg;
    loop_timer_free(dm->timer);
    dm->timer = NULL;
    slack_sim_free(dm->slack);
    dm->slack = NULL;
    discord_sim_free(dm->discord);
    dm->discord = NULL;
}

int
demo_run(const struct daemon_options *opt)
{
    struct demo dm = {.verbose = opt->verbose};
    struct daemon_options o = *opt;
    if (o.db_path == NULL)
        o.db_path = ":memory:";
    printf("chorus demo: the daemon against local Slack and Discord "
           "simulators (no token needed).\n"
           "Lines are tagged with the platform that shows them.\n");
    struct daemon_hooks hooks = {
        .prepare = prepare,
        .started = started,
        .closing = closing,
        .arg = &dm,
    };
    int rc = daemon_run_with(&o, &hooks);
    return rc != 0 ? rc : dm.failed ? 1 : 0;
}
