/*
 * discord: the adapter's face to the core and to the daemon.
 *
 * Outbound (core/adapter.h).  Every delivery becomes a job: one or more
 * REST calls in sequence (open the DM channel, post each part of a long
 * text, ...), after which core_delivered() reports the outcome with the
 * platform reference "channel_id:message_id" (a channel id for a created
 * channel).  Content over 2000 bytes is split at line breaks; buttons go on
 * the last part, whose reference is then the one reported.
 *
 * Interactions and the 3-second window.  An interaction is handed to the
 * core at once (core_handle_event), which hands back its answer in-band
 * (struct core_result): the reply, and for a button or a modal from a
 * button, the core's edit of the clicked message.  Then one callback
 * answers it:
 *   an edit of the clicked message    type 7 UPDATE_MESSAGE (the reply
 *                                     follows as an ephemeral follow-up)
 *   a reply                           type 4, ephemeral
 *   a button that asks for text       type 9 MODAL (the core is not called;
 *                                     the submit carries the command)
 * so a callback normally leaves within milliseconds.  Safety nets:
 *   - commands whose work fans out (discord_commands.c) are deferred
 *     first (type 5) and run once the deferral is on its way; their reply
 *     fills the deferred message (PATCH @original);
 *   - any interaction still unanswered 1.5 s after it arrived is deferred
 *     (type 5, or 6 for a button), and its reply follows the same way;
 *   - a database too busy to take the event keeps it queued, in order, and
 *     the interaction deferred;
 *   - a window already gone (10062) or a follow-up refused: the reply is
 *     sent as a direct message, so no reply is lost.
 * Redelivered interactions (a Resume replays them) are recognised by id in
 * memory and by the core's inbound table (event_id), so none runs twice.
 *
 * Buttons are pre-filled commands, in action rows (button_rows.h): the
 * custom_id carries the command ("c|approve spring-launch#3") or the
 * command and its prompt ("p|changes spring-launch#3|What needs to
 * change?"; "r|" when the form asks for the rubric points too, and an "o"
 * after either, "po|", when the text may be left empty); one that does
 * not fit in 100 characters is kept in a small table ("k|<key>"), which a
 * restart forgets (the click then says so).
 *
 * Campaign channels live under a "campaigns" category (found in
 * GUILD_CREATE or created once), named from the slug, hidden from
 * @everyone, visible to the bot; OUT_INVITE adds a member overwrite.
 *
 * This file holds the adapter's operations, start-up and the guild;
 * discord_jobs.c the outbound jobs, discord_interactions.c the
 * interactions and the queue of inbound events.
 */
#include "discord.h"
#include "discord_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "loop.h"
#include "core.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

static struct discord *
from_adapter(struct adapter *a)
{
    return (struct discord *)a;
}

/* ---- shared helpers ------------------------------------------------------ */

int64_t
discord_now(const struct discord *d)
{
    return loop_now_ms(d->env.loop);
}

void
discord_fatal(struct discord *d, enum adapter_fatal kind, const char *why)
{
    if (d->fatal)
        return;
    d->fatal = true;
    d->env.fatal(d->env.arg, "discord", kind, why);
}

void
discord_log_once(struct discord *d, unsigned flag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg((d->logged & flag) ? LOG_DEBUG : LOG_WARN, "discord", fmt, ap);
    va_end(ap);
    d->logged |= flag;
}

void
discord_invite_url(const struct discord *d, char *out, size_t n)
{
    snprintf(out, n, "https://discord.com/oauth2/authorize?client_id=%s"
             "&scope=bot+applications.commands&permissions=%llu",
             d->app_id[0] ? d->app_id : "APP_ID",
             (unsigned long long)DC_INVITE_PERMS);
}

void
discord_kick(struct discord *d)
{
    d->env.kick(d->env.arg);
}

static void
on_kick_timer(void *arg)
{
    struct discord *d = arg;
    d->kick_armed = false;
    discord_kick(d);
}

/* Report a delivery.  What it unblocks (a pin after its post, the posts
 * of a new channel) goes out at the next flush: the outbox is flushed a
 * few milliseconds later, once for every delivery in that time, rather
 * than once per delivery (each flush reads the pending rows again). */
void
discord_delivered(struct discord *d, int64_t id, enum ch_status s,
                  const char *ref, const char *error)
{
    if (id == 0)
        return;
    core_delivered(d->env.core, id, s, ref, 0, error);
    if (!d->kick_armed) {
        d->kick_armed = true;
        loop_timer_arm(d->kick_timer, KICK_BATCH_MS);
    }
}

void
discord_dm_note(struct discord *d, const char *user, const char *channel)
{
    for (size_t i = 0; i < DC_DM_CACHE; i++) {
        if (strcmp(d->dms[i].user, user) == 0) {
            snprintf(d->dms[i].channel, DC_ID_LEN, "%s", channel);
            return;
        }
    }
    struct dc_dm *e = &d->dms[d->dm_next];
    d->dm_next = (d->dm_next + 1) % DC_DM_CACHE;
    snprintf(e->user, DC_ID_LEN, "%s", user);
    snprintf(e->channel, DC_ID_LEN, "%s", channel);
}

const char *
discord_dm_channel(struct discord *d, const char *user)
{
    for (size_t i = 0; i < DC_DM_CACHE; i++)
        if (d->dms[i].user[0] && strcmp(d->dms[i].user, user) == 0)
            return d->dms[i].channel;
    return NULL;
}

/* "channel:message" into its parts. */
bool
discord_split_ref(const char *ref, char ch[DC_ID_LEN], char msg[DC_ID_LEN])
{
    const char *colon = ref ? strchr(ref, ':') : NULL;
    if (colon == NULL || colon == ref || (size_t)(colon - ref) >= DC_ID_LEN ||
        strlen(colon + 1) >= DC_ID_LEN)
        return false;
    snprintf(ch, DC_ID_LEN, "%.*s", (int)(colon - ref), ref);
    snprintf(msg, DC_ID_LEN, "%s", colon + 1);
    return discord_events_is_snowflake(ch) && discord_events_is_snowflake(msg);
}

/* ---- the guild ----------------------------------------------------------- */

static bool
is_category_named(const cJSON *ch)
{
    const char *name = json_string(ch, "name");
    return json_int(ch, "type", 0, JSON_INT_MAX, -1) == 4 && name &&
           strcasecmp(name, CATEGORY_NAME) == 0;
}

void
discord_guild_seen(struct discord *d, const char *guild_id,
                   const cJSON *channels)
{
    if (!d->guild_id[0])
        snprintf(d->guild_id, sizeof(d->guild_id), "%s", guild_id);
    if (strcmp(d->guild_id, guild_id) != 0)
        return;
    const cJSON *ch;
    cJSON_ArrayForEach(ch, channels) {
        char cid[DC_ID_LEN];
        if (is_category_named(ch) && discord_events_id(ch, "id", cid) &&
            (!d->category_id[0] || d->category_id[0] == '-'))
            snprintf(d->category_id, sizeof(d->category_id), "%s", cid);
    }
    if (!d->guild_seen)
        log_info("discord", "server %s: %s", guild_id,
                 d->category_id[0] ? "\"campaigns\" category found"
                                   : "no \"campaigns\" category yet");
    d->guild_seen = true;
    discord_jobs_resume_parked(d);
}

void
discord_channel_seen(struct discord *d, const cJSON *channel, bool gone)
{
    char id[DC_ID_LEN], gid[DC_ID_LEN];
    if (!discord_events_id(channel, "id", id))
        return;
    if (discord_events_id(channel, "guild_id", gid) && d->guild_id[0] &&
        strcmp(gid, d->guild_id) != 0)
        return;
    if (gone) {
        if (strcmp(id, d->category_id) == 0)
            d->category_id[0] = '\0';
        return;
    }
    if (is_category_named(channel) && !d->category_id[0] &&
        !d->category_creating)
        snprintf(d->category_id, sizeof(d->category_id), "%s", id);
}

/* ---- gateway hooks ------------------------------------------------------- */

static void register_commands(struct discord *d);

void
discord_on_ready(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN];
    if (discord_events_id(json_get(x, "user"), "id", id))
        snprintf(d->bot_id, sizeof(d->bot_id), "%s", id);
    if (!d->app_id[0] &&
        discord_events_id(json_get(x, "application"), "id", id))
        snprintf(d->app_id, sizeof(d->app_id), "%s", id);
    d->nready_guilds = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, json_get(x, "guilds")) {
        if (d->nready_guilds < 4 &&
            discord_events_id(g, "id", d->ready_guilds[d->nready_guilds]))
            d->nready_guilds++;
    }
    if (!d->guild_configured) {
        if (d->nready_guilds > 1)
            log_warn("discord", "chorus is in %zu servers and discord_guild "
                     "is not set; campaign channels go to server %s",
                     d->nready_guilds, d->ready_guilds[0]);
        if (d->nready_guilds > 0 && !d->guild_id[0])
            snprintf(d->guild_id, sizeof(d->guild_id), "%s",
                     d->ready_guilds[0]);
        if (d->nready_guilds == 0) {
            d->guild_seen = true;
            discord_log_once(d, DC_LOG_NO_GUILD,
                             "chorus is in no server yet: "
                             "invite it with the URL in the README");
        }
    }
    if (!d->commands_done)
        register_commands(d);
    discord_kick(d);
}

void
discord_on_resumed(struct discord *d)
{
    discord_kick(d);
}

/* ---- start-up: application id, commands ---------------------------------- */

static void
on_commands(void *arg, const struct rest_result *r)
{
    struct discord *d = arg;
    if (r->ch == CH_OK) {
        d->commands_done = true;
        log_info("discord", "registered the chat commands (%s)",
                 d->guild_configured ? "server commands" : "global commands");
        return;
    }
    d->commands_done = false;
    if (r->ch != CH_BUSY)
        log_error("discord", "could not register the chat commands: %s",
                  r->error ? r->error : "?");
}

/*
 * One bulk overwrite (PUT on the list): the list sent becomes the whole
 * list, so a command of an earlier version that is not in it (the single
 * /campaign, before each command became its own) is removed by it.
 */
static void
register_commands(struct discord *d)
{
    if (d->commands_done || !d->app_id[0] || d->rest == NULL)
        return;
    d->commands_done = true;    /* in flight; cleared on failure */
    struct discord_commands_stats st;
    char *json = discord_commands_json(&st);
    log_debug("discord", "%zu chat commands; the largest, /%s, is %zu of "
              "Discord's %d characters", st.commands, st.largest,
              st.largest_chars, DC_COMMAND_CHARS_MAX);
    char path[128];
    if (d->guild_configured)
        snprintf(path, sizeof(path), "/applications/%s/guilds/%s/commands",
                 d->app_id, d->guild_id);
    else
        snprintf(path, sizeof(path), "/applications/%s/commands", d->app_id);
    discord_rest_send(d->rest, HTTP_PUT, path, json, 0, NULL, on_commands, d);
    free(json);
}

static void
on_application(void *arg, const struct rest_result *r)
{
    struct discord *d = arg;
    char id[DC_ID_LEN];
    if (r->ch == CH_OK && discord_events_id(r->json, "id", id)) {
        if (!d->app_id[0])
            snprintf(d->app_id, sizeof(d->app_id), "%s", id);
        register_commands(d);
        return;
    }
    if (r->ch != CH_BUSY)
        log_warn("discord", "could not read the application id (%s); "
                 "waiting for READY", r->error ? r->error : "no id");
}

/* The REST queue refused work when full; there is room again. */
static void
on_rest_room(void *arg)
{
    discord_kick(arg);
}

static void
on_unauthorized(void *arg, const char *why)
{
    struct discord *d = arg;
    char text[512];
    snprintf(text, sizeof(text), "Discord refused the bot token (401 "
             "Unauthorized on %s): check DISCORD_TOKEN (or the discord_token "
             "directive)", why);
    discord_fatal(d, ADAPTER_FATAL_REFUSED, text);
}

/* ---- adapter ops --------------------------------------------------------- */

static bool
can_take(struct discord *d)
{
    return !d->stopping && !d->fatal && d->rest &&
           !discord_rest_halted(d->rest) && !discord_rest_full(d->rest);
}

static enum ch_status
op_message(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    /* A reply to an interaction that comes back from the outbox (it was
     * handed back, or the event waited for the database) answers it. */
    if (m->kind == OUT_REPLY) {
        struct ix *ix = discord_interactions_by_reply(d, m->id);
        if (ix) {
            struct body b;
            discord_jobs_body_from(d, m, NULL, &b);
            discord_interactions_reply(ix, &b);
            discord_jobs_body_free(&b);
            return CH_OK;
        }
    }
    struct job *j = discord_jobs_new(d, J_MESSAGE, m->id);
    if (m->channel && discord_events_is_snowflake(m->channel))
        snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    if (m->user && discord_events_is_snowflake(m->user))
        snprintf(j->user, sizeof(j->user), "%s", m->user);
    char prefix[DC_ID_LEN + 8] = "";
    if (m->kind == OUT_REPLY && j->channel[0] && j->user[0])
        snprintf(prefix, sizeof(prefix), "<@%s> ", j->user);
    if (!j->channel[0] && !j->user[0]) {
        discord_jobs_free(j);
        log_warn("discord", "outbox %lld has neither a channel nor a user",
                 (long long)m->id);
        return CH_INVALID;
    }
    discord_jobs_body_from(d, m, prefix, &j->body);
    discord_jobs_step(j);
    return CH_OK;
}

static enum ch_status
op_update(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    struct job *j = discord_jobs_new(d, J_UPDATE, m->id);
    if (!discord_split_ref(m->ref, j->channel, j->target)) {
        discord_jobs_free(j);
        return CH_INVALID;
    }
    discord_jobs_body_from(d, m, NULL, &j->body);
    discord_jobs_step(j);
    return CH_OK;
}

static enum ch_status
op_create_channel(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    struct job *j = discord_jobs_new(d, J_CREATE_CHANNEL, m->id);
    j->name = xstrdup(m->channel_name ? m->channel_name
                      : m->campaign   ? m->campaign
                                      : "campaign");
    discord_jobs_step(j);
    return CH_OK;
}

static enum ch_status
op_invite(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    if (!m->channel || !m->user || !discord_events_is_snowflake(m->channel) ||
        !discord_events_is_snowflake(m->user))
        return CH_INVALID;
    struct job *j = discord_jobs_new(d, J_INVITE, m->id);
    snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    snprintf(j->user, sizeof(j->user), "%s", m->user);
    discord_jobs_step(j);
    return CH_OK;
}

static enum ch_status
op_pin(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    struct job *j = discord_jobs_new(d, J_PIN, m->id);
    if (!discord_split_ref(m->ref, j->channel, j->target)) {
        discord_jobs_free(j);
        return CH_INVALID;
    }
    if (m->campaign) {      /* its channel's name, for the log */
        char name[101];
        discord_jobs_channel_name(m->campaign, name);
        j->name = xstrdup(name);
    }
    discord_jobs_step(j);
    return CH_OK;
}

static enum ch_status
op_topic(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    if (!m->channel || !discord_events_is_snowflake(m->channel))
        return CH_INVALID;
    struct job *j = discord_jobs_new(d, J_TOPIC, m->id);
    snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    size_t len = m->text ? utf8_cut(m->text, strlen(m->text), DC_TOPIC_MAX)
                         : 0;
    j->text = xstrndup(m->text ? m->text : "", len);
    discord_jobs_step(j);
    return CH_OK;
}

/* The campaign closed: its channel becomes read-only (discord_jobs.c). */
static enum ch_status
op_archive(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    if (!m->channel || !discord_events_is_snowflake(m->channel))
        return CH_INVALID;
    struct job *j = discord_jobs_new(d, J_ARCHIVE, m->id);
    snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    discord_jobs_step(j);
    return CH_OK;
}

static enum ch_status
op_find_user(struct adapter *a, const char *name, struct buf *out)
{
    return discord_events_users_find(from_adapter(a), name, out);
}

static void
op_render_person(struct adapter *a, const char *user_id, const char *name,
                 struct buf *out)
{
    (void)a;
    (void)name;
    buf_printf(out, "<@%s>", user_id);
}

static void
op_render_channel(struct adapter *a, const char *channel_id, const char *slug,
                  struct buf *out)
{
    (void)a;
    (void)slug;
    buf_printf(out, "<#%s>", channel_id);
}

static void
op_render_time(struct adapter *a, int64_t utc_ms, struct buf *out)
{
    (void)a;
    int64_t s = utc_ms >= 0 ? utc_ms / 1000 : -((-utc_ms + 999) / 1000);
    buf_printf(out, "<t:%lld:f>", (long long)s);
}

/* The one delivery op: each kind to its job. */
static enum ch_status
op_deliver(struct adapter *a, const struct out_msg *m)
{
    switch (m->kind) {
    case OUT_REPLY:
    case OUT_POST:
    case OUT_DM:
        return op_message(a, m);
    case OUT_UPDATE:
        return op_update(a, m);
    case OUT_CREATE_CHANNEL:
        return op_create_channel(a, m);
    case OUT_INVITE:
        return op_invite(a, m);
    case OUT_PIN:
        return op_pin(a, m);
    case OUT_TOPIC:
        return op_topic(a, m);
    case OUT_ARCHIVE:
        return op_archive(a, m);
    case OUT_LOOKUP:        /* Discord has no time zone to look up */
    case OUT_KIND_COUNT:
        break;
    }
    return CH_UNSUPPORTED;
}

/* ---- lifecycle ----------------------------------------------------------- */

/* The REST base with its version: ".../api" -> ".../api/v10". */
static char *
api_base(const char *url)
{
    size_t len = strlen(url);
    while (len > 0 && url[len - 1] == '/')
        len--;
    const char *v = NULL;
    for (size_t i = len; i > 0; i--) {
        if (url[i - 1] == '/') {
            v = url + i;
            break;
        }
    }
    bool versioned = v && v[0] == 'v' && isdigit((unsigned char)v[1]);
    return xasprintf("%.*s%s", (int)len, url, versioned ? "" : "/v10");
}

static const struct adapter_ops discord_ops;

#define MAX_WAIT_MS (10 * 60 * 1000)    /* struct discord_timing's bound */

struct adapter *
discord_new(const struct discord_options *opt, const struct adapter_env *env,
            struct ch_error *err)
{
    if (opt->token == NULL || !*opt->token) {
        ch_fail(err, CH_INVALID, "no bot token");
        return NULL;
    }
    const char *url = opt->api_url && *opt->api_url ? opt->api_url
                                                    : DEFAULT_API;
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) {
        ch_fail(err, CH_INVALID, "the Discord API URL must start with "
                "https:// (or http:// for a local simulator)");
        return NULL;
    }
    const struct discord_timing *t = &opt->timing;
    const int64_t waits[] = {
        t->hello_timeout_ms, t->ready_timeout_ms, t->identify_spacing_ms,
        t->backoff_ms, t->quick_retry_ms, t->stable_ms,
        t->invalid_session_ms, t->defer_ms,
    };
    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        if (waits[i] < 0 || waits[i] > MAX_WAIT_MS) {
            ch_fail(err, CH_INVALID, "a Discord protocol wait must be 0 "
                    "(the default) to %d ms", MAX_WAIT_MS);
            return NULL;
        }
    }
    struct discord *d = xcalloc(1, sizeof(*d));
    d->base.ops = &discord_ops;
    d->env = *env;
    d->token = xstrdup(opt->token);
    d->api_base = api_base(url);
    if (opt->guild && *opt->guild) {
        snprintf(d->guild_id, sizeof(d->guild_id), "%s", opt->guild);
        d->guild_configured = true;
    }
    if (opt->application_id && *opt->application_id)
        snprintf(d->app_id, sizeof(d->app_id), "%s", opt->application_id);
    d->timing = *t;
    d->defer_ms = t->defer_ms ? t->defer_ms : DEFER_AFTER_MS;
    d->intents = DC_INTENT_GUILDS | DC_INTENT_GUILD_MESSAGES |
                 DC_INTENT_DIRECT_MESSAGES;
    if (opt->message_content)
        d->intents |= DC_INTENT_MESSAGE_CONTENT;
    d->rng = backoff_seed();
    backoff_init(&d->retry_backoff, 200, 5000, d->rng);
    d->retry_tail = &d->retry_head;
    struct rest_options ro = {
        .loop = env->loop, .http = env->http, .base = d->api_base,
        .token = d->token, .unauthorized = on_unauthorized,
        .room = on_rest_room, .arg = d,
    };
    d->rest = discord_rest_new(&ro);
    d->gw = discord_gateway_new(d);
    d->defer_timer =
        loop_timer_new(env->loop, discord_interactions_on_defer_timer, d);
    d->kick_timer = loop_timer_new(env->loop, on_kick_timer, d);
    d->retry_timer =
        loop_timer_new(env->loop, discord_interactions_on_retry_timer, d);
    log_info("discord", "REST at %s", d->api_base);
    return &d->base;
}

static int
dc_start(struct adapter *a)
{
    struct discord *d = from_adapter(a);
    d->started = true;
    if (!d->app_id[0])
        discord_rest_send(d->rest, HTTP_GET, "/oauth2/applications/@me", NULL,
                          0, NULL, on_application, d);
    else
        register_commands(d);
    discord_gateway_start(d->gw);
    return 0;
}

/* The last step of stop(), once the REST queue has drained (requests
 * still queued, a 429 wait or a later part, stay in the outbox; those on
 * the wire are waited for until the deadline) and the gateway closed or
 * the deadline passed: nothing of ours may outlive the daemon's http
 * client and lws context, so both go now, outside their callbacks. */
static void
on_stop_timer(void *arg)
{
    struct discord *d = arg;
    int64_t now = discord_now(d);
    if (!d->rest_drained)
        return;         /* on_rest_stopped() comes by the deadline */
    if (!d->gw_closed && now < d->stop_deadline) {
        loop_timer_arm(d->stop_timer, d->stop_deadline - now);
        return;
    }
    discord_rest_free(d->rest);
    d->rest = NULL;
    discord_gateway_free(d->gw);
    d->gw = NULL;
    void (*done)(void *) = d->stop_done;
    d->stop_done = NULL;
    if (done)
        done(d->stop_arg);
}

static void
on_gw_stopped(void *arg)
{
    struct discord *d = arg;
    d->gw_closed = true;
    loop_timer_arm(d->stop_timer, 0);
}

static void
on_rest_stopped(void *arg)
{
    struct discord *d = arg;
    d->rest_drained = true;
    loop_timer_arm(d->stop_timer, 0);
}

static void
dc_stop(struct adapter *a, int64_t deadline_ms, void (*done)(void *arg),
        void *arg)
{
    struct discord *d = from_adapter(a);
    d->stop_done = done;
    d->stop_arg = arg;
    if (d->stopping)
        return;
    d->stopping = true;
    d->stop_deadline = deadline_ms;
    loop_timer_stop(d->defer_timer);
    loop_timer_stop(d->retry_timer);
    d->stop_timer = loop_timer_new(d->env.loop, on_stop_timer, d);
    int64_t now = discord_now(d);
    loop_timer_arm(d->stop_timer, deadline_ms > now ? deadline_ms - now : 0);
    discord_rest_stop(d->rest, deadline_ms, on_rest_stopped, d);
    if (d->gw)
        discord_gateway_stop(d->gw, on_gw_stopped, d);
    else
        d->gw_closed = true;
}

static void
dc_free(struct adapter *a)
{
    if (a == NULL)
        return;
    struct discord *d = from_adapter(a);
    discord_rest_free(d->rest); /* first: its owners hear of what was left */
    discord_gateway_free(d->gw);
    while (d->jobs)
        discord_jobs_free(d->jobs);
    while (d->ix_head)
        discord_interactions_free(d->ix_head);
    while (d->retry_head) {
        struct inbound *in = d->retry_head;
        d->retry_head = in->next;
        discord_interactions_inbound_free(in);
    }
    for (size_t i = 0; i < DC_BUTTONS; i++)
        discord_jobs_button_forget(&d->buttons[i]);
    loop_timer_free(d->defer_timer);
    loop_timer_free(d->retry_timer);
    loop_timer_free(d->stop_timer);
    loop_timer_free(d->kick_timer);
    if (d->token) {
        explicit_bzero(d->token, strlen(d->token));
        free(d->token);
    }
    free(d->api_base);
    free(d);
}

static const struct adapter_ops discord_ops = {
    .version = ADAPTER_OPS_VERSION,
    .name = "discord",
    .caps = ADAPTER_CAP_BUTTONS | ADAPTER_CAP_EPHEMERAL | ADAPTER_CAP_PIN |
            ADAPTER_CAP_LOCAL_TIME,
    .deliver = op_deliver,
    .find_user = op_find_user,
    .render_person = op_render_person,
    .render_channel = op_render_channel,
    .render_time = op_render_time,
    .start = dc_start,
    .stop = dc_stop,
    .free = dc_free,
    .command_lead = "/",  /* one slash command per chorus command */
};
