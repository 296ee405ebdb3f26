/*
 * discord_sim: state (users, channels, messages, interactions), the events
 * a test pushes as "users", the logs, the observer, the wait helpers and
 * which handler a request of the web server (sim_server.c) goes to.  The
 * wire sides live in discord_sim_gateway.c, _rest.c and _control.c.
 *
 * Lookups are linear scans: a simulated guild holds hundreds of objects,
 * not millions, and keeping one vector per kind keeps the ownership plain
 * (the sim owns every element; discord_sim_free() releases them).
 */
#include "discord_sim_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ws.h"
#include "loop.h"
#include "clock.h"
#include "log.h"
#include "xmalloc.h"

#define DISCORD_EPOCH_MS INT64_C(1420070400000)

/* Typical permissions: @everyone may read and write; the bot's role is what
 * chorus's invite URL grants (manage channels and roles, pin messages).
 * No ADMINISTRATOR, so channel overwrites bind the bot as they do on
 * Discord. */
#define DEFAULT_EVERYONE_PERMS                                             \
    (UINT64_C(1) << 0 | UINT64_C(1) << 6 | DISCORD_SIM_PERM_VIEW_CHANNEL | \
     DISCORD_SIM_PERM_SEND_MESSAGES | UINT64_C(1) << 14 |                 \
     UINT64_C(1) << 15 | DISCORD_SIM_PERM_READ_HISTORY |                  \
     UINT64_C(1) << 31)
#define DEFAULT_BOT_PERMS                                                  \
    (DISCORD_SIM_PERM_MANAGE_CHANNELS | DISCORD_SIM_PERM_VIEW_CHANNEL |    \
     DISCORD_SIM_PERM_SEND_MESSAGES | DISCORD_SIM_PERM_PIN_MESSAGES |     \
     UINT64_C(1) << 14 | UINT64_C(1) << 15 |                               \
     DISCORD_SIM_PERM_READ_HISTORY | DISCORD_SIM_PERM_MANAGE_ROLES)

/* ---- small helpers ---- */

void
discord_sim_vec_push(struct dsim_vec *vec, void *p)
{
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? vec->cap * 2 : 16;
        vec->v = xrealloc(vec->v, vec->cap, sizeof(*vec->v));
    }
    vec->v[vec->n++] = p;
}

void
discord_sim_vec_free(struct dsim_vec *vec)
{
    free(vec->v);
    memset(vec, 0, sizeof(*vec));
}

int64_t
discord_sim_now(struct discord_sim *sim)
{
    return loop_now_ms(sim->loop);
}

static uint64_t
rng_next(struct discord_sim *sim)
{
    /* xorshift64*: ids and tokens need to be unique, not secret. */
    sim->rng ^= sim->rng >> 12;
    sim->rng ^= sim->rng << 25;
    sim->rng ^= sim->rng >> 27;
    return sim->rng * UINT64_C(2685821657736338717);
}

void
discord_sim_new_id(struct discord_sim *sim, char out[DSIM_ID_LEN])
{
    int64_t ms = clock_realtime_ms() - DISCORD_EPOCH_MS;
    uint64_t id;

    /* A real snowflake layout (timestamp << 22 | worker | increment), so
     * ids have 19 digits and sort by creation. */
    if (ms <= sim->last_snowflake_ms) {
        ms = sim->last_snowflake_ms;
        if (++sim->snowflake_inc > 0xfff) {
            ms++;
            sim->snowflake_inc = 0;
        }
    } else
        sim->snowflake_inc = 0;
    sim->last_snowflake_ms = ms;
    id = (uint64_t)ms << 22 | UINT64_C(1) << 17 | sim->snowflake_inc;
    snprintf(out, DSIM_ID_LEN, "%" PRIu64, id);
}

void
discord_sim_random_hex(struct discord_sim *sim, char *out, size_t n)
{
    static const char hex[] = "0123456789abcdef";

    for (size_t i = 0; i + 1 < n; i++)
        out[i] = hex[rng_next(sim) & 15];
    out[n - 1] = '\0';
}

void
discord_sim_random_token(struct discord_sim *sim, char *out, size_t n)
{
    static const char alnum[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    for (size_t i = 0; i + 1 < n; i++)
        out[i] = alnum[rng_next(sim) % 64];
    out[n - 1] = '\0';
}

void
discord_sim_iso_time(char out[40])
{
    int64_t ms = clock_realtime_ms();
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    char base[24];

    gmtime_r(&secs, &tm);
    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%s.%06d+00:00", base, (int)(ms % 1000) * 1000);
}

bool
discord_sim_is_snowflake(const char *s)
{
    size_t n = 0;

    if (!s)
        return false;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9')
            return false;
    return n >= 17 && n <= 19;
}

static bool
same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* ---- lookups ---- */

struct discord_sim_user_rec *
discord_sim_user_rec(const struct discord_sim *sim, const char *id)
{
    for (size_t i = 0; id && i < sim->users.n; i++) {
        struct discord_sim_user_rec *u = sim->users.v[i];

        if (strcmp(u->id, id) == 0)
            return u;
    }
    return NULL;
}

struct discord_sim_channel_rec *
discord_sim_channel_rec(const struct discord_sim *sim, const char *id)
{
    for (size_t i = 0; id && i < sim->channels.n; i++) {
        struct discord_sim_channel_rec *ch = sim->channels.v[i];

        if (strcmp(ch->id, id) == 0)
            return ch;
    }
    return NULL;
}

struct discord_sim_message_rec *
discord_sim_message_rec(const struct discord_sim *sim, const char *id)
{
    /* Newest first: tests mostly look at recent messages. */
    for (size_t i = sim->messages.n; id && i-- > 0;) {
        struct discord_sim_message_rec *m = sim->messages.v[i];

        if (strcmp(m->id, id) == 0)
            return m;
    }
    return NULL;
}

struct discord_sim_interaction_rec *
discord_sim_interaction_rec(const struct discord_sim *sim, const char *id)
{
    for (size_t i = sim->interactions.n; id && i-- > 0;) {
        struct discord_sim_interaction_rec *in = sim->interactions.v[i];

        if (strcmp(in->id, id) == 0)
            return in;
    }
    return NULL;
}

struct discord_sim_interaction_rec *
discord_sim_interaction_by_token(const struct discord_sim *sim,
                                 const char *token)
{
    for (size_t i = sim->interactions.n; token && i-- > 0;) {
        struct discord_sim_interaction_rec *in = sim->interactions.v[i];

        if (strcmp(in->token, token) == 0)
            return in;
    }
    return NULL;
}

static const char *
user_name(const struct discord_sim *sim, const char *id)
{
    struct discord_sim_user_rec *u;

    if (same(id, sim->app_id))
        return sim->bot_name;
    u = discord_sim_user_rec(sim, id);
    return u ? u->username : "unknown-user";
}

/* ---- permissions ---- */

uint64_t
discord_sim_bot_base_perms(const struct discord_sim *sim)
{
    uint64_t p = sim->o.everyone_permissions | sim->o.bot_permissions;

    return p & DISCORD_SIM_PERM_ADMINISTRATOR ? ~UINT64_C(0) : p;
}

static uint64_t
ow_bits(const cJSON *ow, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ow, key);

    if (cJSON_IsString(v))
        return strtoull(v->valuestring, NULL, 10);
    return 0;
}

static void
apply_overwrite(const cJSON *ows, const char *id, uint64_t *p)
{
    const cJSON *ow;

    cJSON_ArrayForEach(ow, ows) {
        const cJSON *oid = cJSON_GetObjectItemCaseSensitive(ow, "id");

        if (cJSON_IsString(oid) && strcmp(oid->valuestring, id) == 0) {
            *p &= ~ow_bits(ow, "deny");
            *p |= ow_bits(ow, "allow");
        }
    }
}

uint64_t
discord_sim_bot_perms(const struct discord_sim *sim,
                      const struct discord_sim_channel_rec *ch)
{
    uint64_t p = discord_sim_bot_base_perms(sim);

    if (!ch)
        return 0;
    if (ch->type == DISCORD_SIM_CHANNEL_DM || p == ~UINT64_C(0))
        return p;
    /* Discord's order: @everyone overwrite, role overwrites, then
     * the member overwrite. */
    apply_overwrite(ch->overwrites, sim->guild_id, &p);
    apply_overwrite(ch->overwrites, sim->bot_role_id, &p);
    apply_overwrite(ch->overwrites, sim->app_id, &p);
    return p;
}

uint64_t
discord_sim_bot_permissions(const struct discord_sim *sim,
                            const char *channel_id)
{
    return discord_sim_bot_perms(sim, discord_sim_channel_rec(sim, channel_id));
}

/* ---- JSON views ---- */

cJSON *
discord_sim_bot_user_json(const struct discord_sim *sim)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", sim->app_id);
    cJSON_AddStringToObject(o, "username", sim->bot_name);
    cJSON_AddStringToObject(o, "discriminator", "0");
    cJSON_AddNullToObject(o, "global_name");
    cJSON_AddNullToObject(o, "avatar");
    cJSON_AddTrueToObject(o, "bot");
    cJSON_AddNumberToObject(o, "public_flags", 0);
    return o;
}

cJSON *
discord_sim_user_json(const struct discord_sim *sim,
                      const struct discord_sim_user_rec *u)
{
    cJSON *o;

    if (!u)
        return discord_sim_bot_user_json(sim);
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", u->id);
    cJSON_AddStringToObject(o, "username", u->username);
    cJSON_AddStringToObject(o, "discriminator", "0");
    if (u->global_name)
        cJSON_AddStringToObject(o, "global_name", u->global_name);
    else
        cJSON_AddNullToObject(o, "global_name");
    cJSON_AddNullToObject(o, "avatar");
    if (u->bot)
        cJSON_AddTrueToObject(o, "bot");
    cJSON_AddNumberToObject(o, "public_flags", 0);
    return o;
}

static cJSON *
author_json(const struct discord_sim *sim, const char *id)
{
    return same(id, sim->app_id)
               ? discord_sim_bot_user_json(sim)
               : discord_sim_user_json(sim, discord_sim_user_rec(sim, id));
}

cJSON *
discord_sim_member_json(const struct discord_sim *sim,
                        const struct discord_sim_user_rec *u, bool with_user)
{
    cJSON *o = cJSON_CreateObject(), *roles = cJSON_CreateArray();

    if (with_user)
        cJSON_AddItemToObject(o, "user", discord_sim_user_json(sim, u));
    if (!u)
        cJSON_AddItemToArray(roles, cJSON_CreateString(sim->bot_role_id));
    cJSON_AddItemToObject(o, "roles", roles);
    cJSON_AddNullToObject(o, "nick");
    cJSON_AddStringToObject(o, "joined_at",
                            "2026-01-01T00:00:00.000000+00:00");
    cJSON_AddFalseToObject(o, "deaf");
    cJSON_AddFalseToObject(o, "mute");
    cJSON_AddNumberToObject(o, "flags", 0);
    return o;
}

cJSON *
discord_sim_channel_json(const struct discord_sim *sim,
                         const struct discord_sim_channel_rec *ch)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "id", ch->id);
    cJSON_AddNumberToObject(o, "type", ch->type);
    if (ch->last_message_id[0])
        cJSON_AddStringToObject(o, "last_message_id", ch->last_message_id);
    else
        cJSON_AddNullToObject(o, "last_message_id");
    cJSON_AddNumberToObject(o, "flags", 0);
    if (ch->type == DISCORD_SIM_CHANNEL_DM) {
        cJSON *rec = cJSON_AddArrayToObject(o, "recipients");

        cJSON_AddItemToArray(
            rec, discord_sim_user_json(
                     sim, discord_sim_user_rec(sim, ch->recipient)));
        return o;
    }
    cJSON_AddStringToObject(o, "guild_id", sim->guild_id);
    cJSON_AddStringToObject(o, "name", ch->name);
    cJSON_AddNumberToObject(o, "position", ch->position);
    if (ch->parent_id[0])
        cJSON_AddStringToObject(o, "parent_id", ch->parent_id);
    else
        cJSON_AddNullToObject(o, "parent_id");
    if (ch->type != DISCORD_SIM_CHANNEL_CATEGORY) {
        if (ch->topic)
            cJSON_AddStringToObject(o, "topic", ch->topic);
        else
            cJSON_AddNullToObject(o, "topic");
        cJSON_AddNumberToObject(o, "rate_limit_per_user", 0);
    }
    cJSON_AddBoolToObject(o, "nsfw", ch->nsfw);
    cJSON_AddItemToObject(o, "permission_overwrites",
                          cJSON_Duplicate(ch->overwrites, true));
    return o;
}

cJSON *
discord_sim_message_json(const struct discord_sim *sim,
                         const struct discord_sim_message_rec *m)
{
    const struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, m->channel_id);
    cJSON *o = cJSON_CreateObject(), *mentions;
    const cJSON *mid;
    bool by_bot = same(m->author_id, sim->app_id);

    cJSON_AddStringToObject(o, "id", m->id);
    cJSON_AddStringToObject(o, "channel_id", m->channel_id);
    cJSON_AddItemToObject(o, "author", author_json(sim, m->author_id));
    cJSON_AddStringToObject(o, "content", m->content);
    cJSON_AddStringToObject(o, "timestamp", m->timestamp);
    if (m->edited[0])
        cJSON_AddStringToObject(o, "edited_timestamp", m->edited);
    else
        cJSON_AddNullToObject(o, "edited_timestamp");
    cJSON_AddFalseToObject(o, "tts");
    cJSON_AddFalseToObject(o, "mention_everyone");
    mentions = cJSON_AddArrayToObject(o, "mentions");
    cJSON_ArrayForEach(mid, m->mentions)
        cJSON_AddItemToArray(mentions, author_json(sim, mid->valuestring));
    cJSON_AddArrayToObject(o, "mention_roles");
    cJSON_AddArrayToObject(o, "attachments");
    cJSON_AddItemToObject(o, "embeds", cJSON_Duplicate(m->embeds, true));
    cJSON_AddItemToObject(o, "components",
                          cJSON_Duplicate(m->components, true));
    cJSON_AddBoolToObject(o, "pinned", m->pinned);
    /* 20 = CHAT_INPUT_COMMAND reply, 6 = pin notice, 0 = DEFAULT. */
    cJSON_AddNumberToObject(o, "type",
                            m->type ? m->type : m->itype == 2 ? 20 : 0);
    cJSON_AddNumberToObject(o, "flags", m->flags);
    if (m->interaction_id[0]) {
        const struct discord_sim_interaction_rec *in =
            discord_sim_interaction_rec(sim, m->interaction_id);
        cJSON *meta = cJSON_AddObjectToObject(o, "interaction_metadata");

        cJSON_AddStringToObject(o, "webhook_id", sim->app_id);
        cJSON_AddStringToObject(o, "application_id", sim->app_id);
        cJSON_AddStringToObject(meta, "id", m->interaction_id);
        cJSON_AddNumberToObject(meta, "type", m->itype);
        if (in)
            cJSON_AddItemToObject(meta, "user",
                                  author_json(sim, in->user_id));
    }
    if (m->ref_id[0]) {
        cJSON *ref = cJSON_AddObjectToObject(o, "message_reference");

        cJSON_AddNumberToObject(ref, "type", 0);
        cJSON_AddStringToObject(ref, "message_id", m->ref_id);
        cJSON_AddStringToObject(ref, "channel_id", m->channel_id);
        if (ch && ch->type != DISCORD_SIM_CHANNEL_DM)
            cJSON_AddStringToObject(ref, "guild_id", sim->guild_id);
    }
    if (ch && ch->type != DISCORD_SIM_CHANNEL_DM) {
        cJSON_AddStringToObject(o, "guild_id", sim->guild_id);
        /* Discord leaves member out of ephemeral messages. */
        if (!m->visible_to[0])
            cJSON_AddItemToObject(
                o, "member",
                discord_sim_member_json(
                    sim,
                    by_bot ? NULL : discord_sim_user_rec(sim, m->author_id),
                    false));
    }
    if (ch)
        cJSON_AddNumberToObject(o, "channel_type", ch->type);
    return o;
}

cJSON *
discord_sim_guild_json(const struct discord_sim *sim)
{
    cJSON *g = cJSON_CreateObject(), *roles, *r, *members, *chans;
    char perms[24];
    int count = 1;

    cJSON_AddStringToObject(g, "id", sim->guild_id);
    cJSON_AddStringToObject(g, "name", sim->guild_name);
    cJSON_AddNullToObject(g, "icon");
    cJSON_AddStringToObject(g, "owner_id", sim->owner_id);
    cJSON_AddArrayToObject(g, "features");
    cJSON_AddStringToObject(g, "preferred_locale", "en-US");
    roles = cJSON_AddArrayToObject(g, "roles");
    r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "id", sim->guild_id);
    cJSON_AddStringToObject(r, "name", "@everyone");
    snprintf(perms, sizeof(perms), "%" PRIu64, sim->o.everyone_permissions);
    cJSON_AddStringToObject(r, "permissions", perms);
    cJSON_AddNumberToObject(r, "position", 0);
    cJSON_AddFalseToObject(r, "managed");
    cJSON_AddItemToArray(roles, r);
    r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "id", sim->bot_role_id);
    cJSON_AddStringToObject(r, "name", sim->bot_name);
    snprintf(perms, sizeof(perms), "%" PRIu64, sim->o.bot_permissions);
    cJSON_AddStringToObject(r, "permissions", perms);
    cJSON_AddNumberToObject(r, "position", 1);
    cJSON_AddTrueToObject(r, "managed");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(r, "tags"), "bot_id",
                            sim->app_id);
    cJSON_AddItemToArray(roles, r);
    for (size_t i = 0; i < sim->users.n; i++)
        count += ((struct discord_sim_user_rec *)sim->users.v[i])->member;
    /* GUILD_CREATE extras; without GUILD_PRESENCES the member
     * list holds only the bot. */
    cJSON_AddStringToObject(g, "joined_at",
                            "2026-01-01T00:00:00.000000+00:00");
    cJSON_AddFalseToObject(g, "large");
    cJSON_AddFalseToObject(g, "unavailable");
    cJSON_AddNumberToObject(g, "member_count", count);
    members = cJSON_AddArrayToObject(g, "members");
    cJSON_AddItemToArray(members, discord_sim_member_json(sim, NULL, true));
    chans = cJSON_AddArrayToObject(g, "channels");
    for (size_t i = 0; i < sim->channels.n; i++) {
        const struct discord_sim_channel_rec *ch = sim->channels.v[i];

        if (ch->type != DISCORD_SIM_CHANNEL_DM)
            cJSON_AddItemToArray(chans, discord_sim_channel_json(sim, ch));
    }
    cJSON_AddArrayToObject(g, "threads");
    cJSON_AddArrayToObject(g, "voice_states");
    cJSON_AddArrayToObject(g, "presences");
    cJSON_AddArrayToObject(g, "stage_instances");
    cJSON_AddArrayToObject(g, "guild_scheduled_events");
    return g;
}

/* ---- observer ---- */

void
discord_sim_observe(struct discord_sim *sim, const struct discord_sim_event *ev)
{
    if (sim->observer)
        sim->observer(sim->observer_arg, ev);
}

static void
channel_label(const struct discord_sim *sim,
              const struct discord_sim_channel_rec *ch, char *out, size_t n)
{
    if (!ch)
        snprintf(out, n, "#?");
    else if (ch->type == DISCORD_SIM_CHANNEL_DM)
        snprintf(out, n, "@%s", user_name(sim, ch->recipient));
    else
        snprintf(out, n, "#%s", ch->name);
}

void
discord_sim_observe_message(struct discord_sim *sim,
                            enum discord_sim_event_kind kind,
                            const struct discord_sim_message_rec *m)
{
    char label[128];
    struct discord_sim_event ev = {
        .kind = kind,
        .by_bot = same(m->author_id, sim->app_id),
        .channel_id = m->channel_id,
        .channel_name = label,
        .user_id = m->author_id,
        .user_name = user_name(sim, m->author_id),
        .message_id = m->id,
        .content = m->content,
        .components = m->components,
        .ephemeral = m->visible_to[0] != '\0',
        .visible_to = m->visible_to[0] ? user_name(sim, m->visible_to)
                                       : NULL,
        .detail = m->flags & 128 ? "is thinking..." : NULL,
    };

    if (!sim->observer)
        return;
    channel_label(sim, discord_sim_channel_rec(sim, m->channel_id), label,
                  sizeof(label));
    discord_sim_observe(sim, &ev);
}

static void
format_components(const cJSON *rows, struct buf *out)
{
    const cJSON *row, *c;

    cJSON_ArrayForEach(row, rows) {
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(row,
                                                               "components")) {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(c, "type");
            const cJSON *label = cJSON_GetObjectItemCaseSensitive(c, "label");
            const cJSON *ph =
                cJSON_GetObjectItemCaseSensitive(c, "placeholder");
            bool off = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                c, "disabled"));

            if (cJSON_IsNumber(type) && type->valueint == 2)
                buf_printf(out, "  [%s%s]",
                           cJSON_IsString(label) ? label->valuestring : "",
                           off ? " (disabled)" : "");
            else
                buf_printf(out, "  [select: %s]",
                           cJSON_IsString(ph) ? ph->valuestring : "...");
        }
    }
}

void
discord_sim_event_format(const struct discord_sim_event *ev,
                         struct buf *out)
{
    const char *ch = ev->channel_name ? ev->channel_name : "";
    const char *who = ev->user_name ? ev->user_name : "?";
    const char *text = ev->content ? ev->content : "";

    switch (ev->kind) {
    case DISCORD_SIM_EV_MESSAGE:
    case DISCORD_SIM_EV_EDIT:
        buf_printf(out, "%-16s %s%s%s: %s", ch, who,
                   ev->by_bot ? " [BOT]" : "",
                   ev->kind == DISCORD_SIM_EV_EDIT ? " (edited)" : "", text);
        if (ev->ephemeral)
            buf_printf(out, "  (only %s can see this)",
                       ev->visible_to ? ev->visible_to : "you");
        format_components(ev->components, out);
        break;
    case DISCORD_SIM_EV_PIN:
        buf_printf(out, "%-16s %s pinned a message: %s", ch, who, text);
        break;
    case DISCORD_SIM_EV_INTERACTION:
        buf_printf(out, "%-16s %s %s", ch, who, text);
        break;
    default:
        buf_printf(out, "%-16s %s%s%s", ch, who, text[0] ? ": " : "", text);
        break;
    }
    if (ev->detail && ev->detail[0])
        buf_printf(out, " (%s)", ev->detail);
}

void
discord_sim_set_observer(struct discord_sim *sim,
                         discord_sim_observer_fn *fn, void *arg)
{
    sim->observer = fn;
    sim->observer_arg = arg;
}

/* ---- messages ---- */

/* "<@123>" or "<@!123>" naming the bot or a known user. */
static cJSON *
parse_mentions(const struct discord_sim *sim, const char *content)
{
    cJSON *ids = cJSON_CreateArray();
    const char *p = content;

    while ((p = strstr(p, "<@")) != NULL) {
        const char *s = p + 2, *e;
        char id[DSIM_ID_LEN];

        if (*s == '!')
            s++;
        for (e = s; *e >= '0' && *e <= '9'; e++)
            ;
        p = s;
        if (*e != '>' || e - s >= DSIM_ID_LEN || e == s)
            continue;
        memcpy(id, s, (size_t)(e - s));
        id[e - s] = '\0';
        if (same(id, sim->app_id) || discord_sim_user_rec(sim, id))
            cJSON_AddItemToArray(ids, cJSON_CreateString(id));
    }
    return ids;
}

static bool
mentions_bot(const struct discord_sim *sim,
             const struct discord_sim_message_rec *m)
{
    const cJSON *id;

    cJSON_ArrayForEach(id, m->mentions)
        if (same(id->valuestring, sim->app_id))
            return true;
    return false;
}

static void
message_dispatch(struct discord_sim *sim, const char *t,
                 const struct discord_sim_message_rec *m)
{
    const struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, m->channel_id);
    bool guild = ch && ch->type != DISCORD_SIM_CHANNEL_DM;
    struct dsim_target to = {
        .guild_id = guild ? sim->guild_id : NULL,
        .channel_id = m->channel_id,
        .content_rule = true,
        .content_exempt = same(m->author_id, sim->app_id) ||
                          mentions_bot(sim, m),
    };
    cJSON *d;

    if (m->visible_to[0] && !sim->o.ephemeral_dispatch)
        return;
    d = discord_sim_message_json(sim, m);
    discord_sim_gateway_dispatch_to(sim, t, d, &to);
    cJSON_Delete(d);
}

static struct discord_sim_message_rec *
message_add(struct discord_sim *sim, struct discord_sim_channel_rec *ch,
            const char *author_id, const char *content, const cJSON *components,
            const cJSON *embeds, unsigned flags,
            const struct discord_sim_interaction_rec *in, int type,
            const char *ref)
{
    struct discord_sim_message_rec *m = xcalloc(1, sizeof(*m));

    m->type = type;
    if (ref)
        snprintf(m->ref_id, sizeof(m->ref_id), "%s", ref);

    discord_sim_new_id(sim, m->id);
    snprintf(m->channel_id, sizeof(m->channel_id), "%s", ch->id);
    snprintf(m->author_id, sizeof(m->author_id), "%s", author_id);
    m->content = xstrdup(content ? content : "");
    m->components = components ? cJSON_Duplicate(components, true)
                               : cJSON_CreateArray();
    m->embeds = embeds ? cJSON_Duplicate(embeds, true) : cJSON_CreateArray();
    m->mentions = parse_mentions(sim, m->content);
    m->flags = flags;
    discord_sim_iso_time(m->timestamp);
    if (in) {
        snprintf(m->interaction_id, sizeof(m->interaction_id), "%s", in->id);
        m->itype = in->type;
        if (flags & 64)
            snprintf(m->visible_to, sizeof(m->visible_to), "%s",
                     in->user_id);
    }
    discord_sim_vec_push(&sim->messages, m);
    snprintf(ch->last_message_id, sizeof(ch->last_message_id), "%s", m->id);
    message_dispatch(sim, "MESSAGE_CREATE", m);
    if (type != 6)      /* the observer reports the pin itself */
        discord_sim_observe_message(sim, DISCORD_SIM_EV_MESSAGE, m);
    return m;
}

struct discord_sim_message_rec *
discord_sim_message_add(struct discord_sim *sim,
                        struct discord_sim_channel_rec *ch,
                        const char *author_id, const char *content,
                        const cJSON *components, const cJSON *embeds,
                        unsigned flags,
                        const struct discord_sim_interaction_rec *in)
{
    return message_add(sim, ch, author_id, content, components, embeds,
                       flags, in, 0, NULL);
}

void
discord_sim_pin_notice(struct discord_sim *sim,
                       struct discord_sim_channel_rec *ch,
                       const struct discord_sim_message_rec *pinned)
{
    (void)message_add(sim, ch, sim->app_id, "", NULL, NULL, 0, NULL, 6,
                      pinned->id);
}

void
discord_sim_message_edit(struct discord_sim *sim,
                         struct discord_sim_message_rec *m, const char *content,
                         const cJSON *components, const cJSON *embeds,
                         const cJSON *flags)
{
    struct dsim_version *v;

    m->versions = xrealloc(m->versions, m->nversions + 1,
                           sizeof(*m->versions));
    v = &m->versions[m->nversions++];
    v->content = xstrdup(m->content);
    v->components = cJSON_Duplicate(m->components, true);
    snprintf(v->edited, sizeof(v->edited), "%s", m->edited);
    if (content) {
        free(m->content);
        m->content = xstrdup(content);
        cJSON_Delete(m->mentions);
        m->mentions = parse_mentions(sim, m->content);
    }
    if (components) {
        cJSON_Delete(m->components);
        m->components = cJSON_Duplicate(components, true);
    }
    if (embeds) {
        cJSON_Delete(m->embeds);
        m->embeds = cJSON_Duplicate(embeds, true);
    }
    if (cJSON_IsNumber(flags))
        /* Only SUPPRESS_EMBEDS (4) can be changed by an edit. */
        m->flags = (m->flags & ~4u) | ((unsigned)flags->valueint & 4u);
    discord_sim_iso_time(m->edited);
    message_dispatch(sim, "MESSAGE_UPDATE", m);
    discord_sim_observe_message(sim, DISCORD_SIM_EV_EDIT, m);
}

static void message_free(struct discord_sim_message_rec *m);

void
discord_sim_message_delete(struct discord_sim *sim,
                           struct discord_sim_message_rec *m)
{
    const struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, m->channel_id);
    bool guild = ch && ch->type != DISCORD_SIM_CHANNEL_DM;
    struct dsim_target to = {
        .guild_id = guild ? sim->guild_id : NULL,
        .channel_id = m->channel_id,
    };
    cJSON *d = cJSON_CreateObject();

    cJSON_AddStringToObject(d, "id", m->id);
    cJSON_AddStringToObject(d, "channel_id", m->channel_id);
    if (guild)
        cJSON_AddStringToObject(d, "guild_id", sim->guild_id);
    if (!m->visible_to[0] || sim->o.ephemeral_dispatch)
        discord_sim_gateway_dispatch_to(sim, "MESSAGE_DELETE", d, &to);
    cJSON_Delete(d);
    for (size_t i = 0; i < sim->messages.n; i++)
        if (sim->messages.v[i] == m) {
            memmove(sim->messages.v + i, sim->messages.v + i + 1,
                    (sim->messages.n - i - 1) * sizeof(*sim->messages.v));
            sim->messages.n--;
            break;
        }
    message_free(m);
}

static void
message_free(struct discord_sim_message_rec *m)
{
    for (size_t i = 0; i < m->nversions; i++) {
        free(m->versions[i].content);
        cJSON_Delete(m->versions[i].components);
    }
    free(m->versions);
    free(m->content);
    cJSON_Delete(m->components);
    cJSON_Delete(m->embeds);
    cJSON_Delete(m->mentions);
    free(m);
}

/* ---- channels ---- */

static struct discord_sim_channel_rec *
channel_new(struct discord_sim *sim, int type, const char *name)
{
    struct discord_sim_channel_rec *ch = xcalloc(1, sizeof(*ch));
    int pos = 0;

    discord_sim_new_id(sim, ch->id);
    ch->type = type;
    ch->name = name ? xstrdup(name) : NULL;
    ch->overwrites = cJSON_CreateArray();
    for (size_t i = 0; i < sim->channels.n; i++)
        if (((struct discord_sim_channel_rec *)sim->channels.v[i])->type ==
            type)
            pos++;
    ch->position = pos;
    discord_sim_vec_push(&sim->channels, ch);
    return ch;
}

static void
channel_free(struct discord_sim_channel_rec *ch)
{
    free(ch->name);
    free(ch->topic);
    cJSON_Delete(ch->overwrites);
    free(ch->edit_times);
    free(ch);
}

void
discord_sim_channel_created(struct discord_sim *sim,
                            struct discord_sim_channel_rec *ch)
{
    struct dsim_target to = {
        .guild_id = sim->guild_id,
        .channel_id = ch->id,
    };
    cJSON *d = discord_sim_channel_json(sim, ch);
    char label[128];
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_CHANNEL,
        .by_bot = ch->by_bot,
        .channel_id = ch->id,
        .channel_name = label,
        .user_id = ch->by_bot ? sim->app_id : sim->owner_id,
        .user_name = ch->by_bot ? sim->bot_name : "owner",
        .content = ch->type == DISCORD_SIM_CHANNEL_CATEGORY
                       ? "created a category"
                       : "created a channel",
        .detail = ch->topic,
    };

    discord_sim_gateway_dispatch_to(sim, "CHANNEL_CREATE", d, &to);
    cJSON_Delete(d);
    channel_label(sim, ch, label, sizeof(label));
    discord_sim_observe(sim, &ev);
}

struct discord_sim_channel_rec *
discord_sim_dm_open(struct discord_sim *sim, struct discord_sim_user_rec *u)
{
    struct discord_sim_channel_rec *ch;

    if (u->dm_channel[0] && (ch = discord_sim_channel_rec(sim, u->dm_channel)))
        return ch;
    ch = channel_new(sim, DISCORD_SIM_CHANNEL_DM, NULL);
    snprintf(ch->recipient, sizeof(ch->recipient), "%s", u->id);
    snprintf(u->dm_channel, sizeof(u->dm_channel), "%s", ch->id);
    return ch;
}

/* ---- options ---- */

static int
pick(int v, int def)
{
    return v == 0 ? def : v;
}

static void
fill_defaults(struct discord_sim_options *o)
{
    o->heartbeat_interval_ms = pick(o->heartbeat_interval_ms, 41250);
    o->session_start_total = pick(o->session_start_total, 1000);
    o->identify_interval_ms = pick(o->identify_interval_ms, 5000);
    o->resume_window_ms = pick(o->resume_window_ms, 180000);
    o->replay_max = pick(o->replay_max, 1000);
    o->reconnect_drop_ms = pick(o->reconnect_drop_ms, 5000);
    o->close_timeout_ms = pick(o->close_timeout_ms, 2000);
    o->send_limit = pick(o->send_limit, 120);
    o->send_window_ms = pick(o->send_window_ms, 60000);
    o->interaction_deadline_ms = pick(o->interaction_deadline_ms, 3000);
    o->interaction_ttl_ms = pick(o->interaction_ttl_ms, 15 * 60 * 1000);
    o->global_limit = pick(o->global_limit, 50);
    o->default_limit = pick(o->default_limit, 5);
    o->default_window_ms = pick(o->default_window_ms, 5000);
    o->topic_edit_limit = pick(o->topic_edit_limit, 2);
    o->topic_edit_window_ms = pick(o->topic_edit_window_ms, 600000);
    if (!o->everyone_permissions)
        o->everyone_permissions = DEFAULT_EVERYONE_PERMS;
    if (!o->bot_permissions)
        o->bot_permissions = DEFAULT_BOT_PERMS;
    if (!o->max_log)
        o->max_log = 20000;
}

/* ---- the web server ---- */

#define MAX_BODY_IN     ((size_t)1 << 20)
#define MAX_WS_IN       ((size_t)64 << 10)

static void
route(void *arg, const struct sim_request *rq, struct sim_response *rs)
{
    struct discord_sim *sim = arg;

    if (rq->too_large)
        discord_sim_rest_resp_error(rs, 413, 40005, "Request entity too large",
                                    NULL);
    else if (sim_server_ctl_path(rq->path)) {
        if (sim->o.control_api)
            discord_sim_control_handle(sim, rq, rs);
        else
            discord_sim_rest_resp_error(rs, 404, 0, "404: Not Found", NULL);
    } else
        discord_sim_rest_handle(sim, rq, rs);
}

static const struct sim_server_handlers handlers = {
    .route = route,
    .upgrade = discord_sim_gateway_upgrade,
    .open = discord_sim_gateway_open,
    .message = discord_sim_gateway_receive,
    .peer_close = discord_sim_gateway_peer_close,
    .closed = discord_sim_gateway_closed,
};

/* ---- create / free ---- */

struct discord_sim *
discord_sim_new(struct loop *loop, struct ws_ctx *ws,
                const struct discord_sim_options *opts)
{
    struct discord_sim_options none = { 0 };
    struct discord_sim *sim = xcalloc(1, sizeof(*sim));
    struct discord_sim_channel_rec *cat, *general;

    if (!opts)
        opts = &none;
    sim->loop = loop;
    sim->ws = ws;
    sim->o = *opts;
    fill_defaults(&sim->o);
    sim->rng = (uint64_t)clock_realtime_ms() ^
               (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)sim;
    if (!sim->rng)
        sim->rng = 88172645463325252u;
    sim->iface = xstrdup(opts->iface ? opts->iface : "127.0.0.1");
    sim->token = xstrdup(opts->token ? opts->token : "sim-bot-token");
    sim->bot_name = xstrdup(opts->bot_name ? opts->bot_name : "chorus");
    sim->guild_name = xstrdup(opts->guild_name ? opts->guild_name
                                               : "Chorus Sim");
    sim->o.iface = sim->o.token = sim->o.app_id = NULL;
    sim->o.bot_name = sim->o.guild_id = sim->o.guild_name = NULL;
    if (opts->app_id && discord_sim_is_snowflake(opts->app_id))
        snprintf(sim->app_id, sizeof(sim->app_id), "%s", opts->app_id);
    else
        discord_sim_new_id(sim, sim->app_id);
    if (opts->guild_id && discord_sim_is_snowflake(opts->guild_id))
        snprintf(sim->guild_id, sizeof(sim->guild_id), "%s",
                 opts->guild_id);
    else
        discord_sim_new_id(sim, sim->guild_id);
    discord_sim_new_id(sim, sim->bot_role_id);
    discord_sim_new_id(sim, sim->owner_id);
    sim->session_start_remaining = sim->o.session_start_total;
    sim->global_commands = cJSON_CreateArray();
    sim->guild_commands = cJSON_CreateArray();

    /* A guild as Discord creates it: one category, one text channel. */
    cat = channel_new(sim, DISCORD_SIM_CHANNEL_CATEGORY, "Text Channels");
    general = channel_new(sim, DISCORD_SIM_CHANNEL_TEXT, "general");
    snprintf(general->parent_id, sizeof(general->parent_id), "%s", cat->id);

    sim->srv = sim_server_listen(loop, ws, &(struct sim_server_options){
        .name = "discord-sim",
        .iface = sim->iface,
        .port = sim->o.port,
        .max_body = MAX_BODY_IN,
        .max_message_in = MAX_WS_IN,
        .close_timeout_ms = sim->o.close_timeout_ms,
        .h = &handlers,
        .sim = sim,
    }, &sim->port);
    if (!sim->srv) {
        discord_sim_free(sim);
        return NULL;
    }
    snprintf(sim->api_base, sizeof(sim->api_base), "http://%s:%d/api/v10",
             sim->iface, sim->port);
    snprintf(sim->gateway_url, sizeof(sim->gateway_url),
             "ws://%s:%d/gateway", sim->iface, sim->port);
    snprintf(sim->resume_url, sizeof(sim->resume_url),
             "ws://%s:%d/gateway-resume", sim->iface, sim->port);
    log_info("discord-sim", "listening on %s:%d (guild %s, app %s)",
             sim->iface, sim->port, sim->guild_id, sim->app_id);
    return sim;
}

static void
interaction_free(struct discord_sim_interaction_rec *in)
{
    cJSON_Delete(in->data);
    cJSON_Delete(in->modal);
    free(in);
}

void
discord_sim_free(struct discord_sim *sim)
{
    if (!sim)
        return;
    sim_server_free(sim->srv);
    discord_sim_gateway_free(sim);
    discord_sim_rest_free(sim);
    for (size_t i = 0; i < sim->users.n; i++) {
        struct discord_sim_user_rec *u = sim->users.v[i];

        free(u->username);
        free(u->global_name);
        free(u);
    }
    discord_sim_vec_free(&sim->users);
    for (size_t i = 0; i < sim->channels.n; i++)
        channel_free(sim->channels.v[i]);
    discord_sim_vec_free(&sim->channels);
    for (size_t i = 0; i < sim->messages.n; i++)
        message_free(sim->messages.v[i]);
    discord_sim_vec_free(&sim->messages);
    for (size_t i = 0; i < sim->interactions.n; i++)
        interaction_free(sim->interactions.v[i]);
    discord_sim_vec_free(&sim->interactions);
    cJSON_Delete(sim->global_commands);
    cJSON_Delete(sim->guild_commands);
    discord_sim_log_clear(&sim->rest_log, true);
    discord_sim_log_clear(&sim->gw_log, false);
    free(sim->iface);
    free(sim->token);
    free(sim->bot_name);
    free(sim->guild_name);
    free(sim);
}

int
discord_sim_port(const struct discord_sim *sim)
{
    return sim->port;
}

const char *
discord_sim_api_base(const struct discord_sim *sim)
{
    return sim->api_base;
}

const char *
discord_sim_gateway_url(const struct discord_sim *sim)
{
    return sim->gateway_url;
}

const char *
discord_sim_token(const struct discord_sim *sim)
{
    return sim->token;
}

const char *
discord_sim_app_id(const struct discord_sim *sim)
{
    return sim->app_id;
}

const char *
discord_sim_guild_id(const struct discord_sim *sim)
{
    return sim->guild_id;
}

/* ---- runtime configuration ---- */

void
discord_sim_set_message_content(struct discord_sim *sim, bool on)
{
    sim->o.message_content_enabled = on;
}

void
discord_sim_set_heartbeat_interval(struct discord_sim *sim, int ms)
{
    sim->o.heartbeat_interval_ms = ms > 0 ? ms : 41250;
}

void
discord_sim_set_interaction_deadline(struct discord_sim *sim, int ms)
{
    sim->o.interaction_deadline_ms = ms > 0 ? ms : 3000;
}

void
discord_sim_set_identify_interval(struct discord_sim *sim, int ms)
{
    sim->o.identify_interval_ms = ms;
}

void
discord_sim_set_global_limit(struct discord_sim *sim, int per_second)
{
    sim->o.global_limit = per_second > 0 ? per_second : 50;
}

bool
discord_sim_set_budget(struct discord_sim *sim, const char *method,
                       const char *route, int limit, int window_ms)
{
    return discord_sim_rest_set_budget(sim, method, route, limit, window_ms);
}

void
discord_sim_reset_limits(struct discord_sim *sim)
{
    for (size_t i = 0; i < sim->buckets.n; i++)
        free(sim->buckets.v[i]);
    sim->buckets.n = 0;
    sim->global_used = 0;
    sim->global_reset_ms = 0;
}

/* ---- users and channels ---- */

const char *
discord_sim_add_user(struct discord_sim *sim,
                     const struct discord_sim_user *spec)
{
    struct discord_sim_user_rec *u;

    if (!spec->username || !spec->username[0])
        return NULL;
    if (spec->id &&
        (!discord_sim_is_snowflake(spec->id) ||
         discord_sim_user_rec(sim, spec->id) || same(spec->id, sim->app_id)))
        return NULL;
    u = xcalloc(1, sizeof(*u));
    if (spec->id)
        snprintf(u->id, sizeof(u->id), "%s", spec->id);
    else
        discord_sim_new_id(sim, u->id);
    u->username = xstrdup(spec->username);
    u->global_name = spec->global_name ? xstrdup(spec->global_name) : NULL;
    u->bot = spec->bot;
    u->dm_blocked = spec->dm_blocked;
    u->member = !spec->not_member;
    discord_sim_vec_push(&sim->users, u);
    return u->id;
}

const char *
discord_sim_user_by_name(const struct discord_sim *sim, const char *name)
{
    for (size_t i = 0; name && i < sim->users.n; i++) {
        struct discord_sim_user_rec *u = sim->users.v[i];

        if (strcmp(u->username, name) == 0)
            return u->id;
    }
    return NULL;
}

const char *
discord_sim_add_channel(struct discord_sim *sim,
                        const struct discord_sim_channel_spec *c)
{
    struct discord_sim_channel_rec *ch, *parent = NULL;
    cJSON *ows = NULL;

    if (!c->name || !c->name[0] ||
        (c->type != DISCORD_SIM_CHANNEL_TEXT &&
         c->type != DISCORD_SIM_CHANNEL_CATEGORY))
        return NULL;
    if (c->parent_id) {
        parent = discord_sim_channel_rec(sim, c->parent_id);
        if (!parent || parent->type != DISCORD_SIM_CHANNEL_CATEGORY ||
            c->type == DISCORD_SIM_CHANNEL_CATEGORY)
            return NULL;
    }
    if (c->overwrites_json) {
        ows = cJSON_Parse(c->overwrites_json);
        if (!cJSON_IsArray(ows)) {
            cJSON_Delete(ows);
            return NULL;
        }
    }
    ch = channel_new(sim, c->type, c->name);
    if (parent)
        snprintf(ch->parent_id, sizeof(ch->parent_id), "%s", parent->id);
    if (c->topic)
        ch->topic = xstrdup(c->topic);
    if (ows) {
        cJSON_Delete(ch->overwrites);
        ch->overwrites = ows;
    }
    discord_sim_channel_created(sim, ch);
    return ch->id;
}

const char *
discord_sim_channel_by_name(const struct discord_sim *sim, const char *name)
{
    for (size_t i = 0; name && i < sim->channels.n; i++) {
        struct discord_sim_channel_rec *ch = sim->channels.v[i];

        if (ch->name && strcmp(ch->name, name) == 0)
            return ch->id;
    }
    return NULL;
}

const char *
discord_sim_dm_channel(const struct discord_sim *sim, const char *user_id)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, user_id);

    return u && u->dm_channel[0] ? u->dm_channel : NULL;
}

static void
channel_info(const struct discord_sim *sim,
             const struct discord_sim_channel_rec *ch,
             struct discord_sim_channel_info *out)
{
    size_t pins = 0;

    for (size_t i = 0; i < sim->messages.n; i++) {
        const struct discord_sim_message_rec *m = sim->messages.v[i];

        if (m->pinned && strcmp(m->channel_id, ch->id) == 0)
            pins++;
    }
    *out = (struct discord_sim_channel_info){
        .id = ch->id,
        .type = ch->type,
        .name = ch->name,
        .topic = ch->topic,
        .parent_id = ch->parent_id[0] ? ch->parent_id : NULL,
        .recipient_id = ch->recipient[0] ? ch->recipient : NULL,
        .overwrites = ch->overwrites,
        .position = ch->position,
        .pins = pins,
        .created_by_bot = ch->by_bot,
        .topic_edits = ch->topic_edits,
    };
}

bool
discord_sim_channel(const struct discord_sim *sim, const char *id,
                    struct discord_sim_channel_info *out)
{
    const struct discord_sim_channel_rec *ch = discord_sim_channel_rec(sim, id);

    if (!ch)
        return false;
    channel_info(sim, ch, out);
    return true;
}

size_t
discord_sim_channel_count(const struct discord_sim *sim)
{
    return sim->channels.n;
}

bool
discord_sim_channel_at(const struct discord_sim *sim, size_t i,
                       struct discord_sim_channel_info *out)
{
    if (i >= sim->channels.n)
        return false;
    channel_info(sim, sim->channels.v[i], out);
    return true;
}

/* ---- messages ---- */

static void
message_info(const struct discord_sim *sim,
             const struct discord_sim_message_rec *m,
             struct discord_sim_message_info *out)
{
    *out = (struct discord_sim_message_info){
        .id = m->id,
        .channel_id = m->channel_id,
        .author_id = m->author_id,
        .content = m->content,
        .components = m->components,
        .embeds = m->embeds,
        .flags = m->flags,
        .pinned = m->pinned,
        .by_bot = same(m->author_id, sim->app_id),
        .interaction_id = m->interaction_id[0] ? m->interaction_id : NULL,
        .visible_to = m->visible_to[0] ? m->visible_to : NULL,
        .edits = m->nversions,
    };
}

bool
discord_sim_message(const struct discord_sim *sim, const char *id,
                    struct discord_sim_message_info *out)
{
    const struct discord_sim_message_rec *m = discord_sim_message_rec(sim, id);

    if (!m)
        return false;
    message_info(sim, m, out);
    return true;
}

size_t
discord_sim_message_count(const struct discord_sim *sim)
{
    return sim->messages.n;
}

bool
discord_sim_message_at(const struct discord_sim *sim, size_t i,
                       struct discord_sim_message_info *out)
{
    if (i >= sim->messages.n)
        return false;
    message_info(sim, sim->messages.v[i], out);
    return true;
}

bool
discord_sim_last_message(const struct discord_sim *sim,
                         const char *channel_id,
                         struct discord_sim_message_info *out)
{
    for (size_t i = sim->messages.n; channel_id && i-- > 0;) {
        const struct discord_sim_message_rec *m = sim->messages.v[i];

        if (strcmp(m->channel_id, channel_id) == 0) {
            message_info(sim, m, out);
            return true;
        }
    }
    return false;
}

const char *
discord_sim_message_version(const struct discord_sim *sim, const char *id,
                            size_t i)
{
    const struct discord_sim_message_rec *m = discord_sim_message_rec(sim, id);

    if (!m || i > m->nversions)
        return NULL;
    return i == m->nversions ? m->content : m->versions[i].content;
}

const cJSON *
discord_sim_commands(const struct discord_sim *sim, const char *guild_id)
{
    return guild_id ? sim->guild_commands : sim->global_commands;
}

/* ---- events from users ---- */

const char *
discord_sim_post(struct discord_sim *sim, const char *user_id,
                 const char *channel_id, const char *content)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, user_id);
    struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, channel_id);

    if (!u || !ch || !content || ch->type == DISCORD_SIM_CHANNEL_CATEGORY)
        return NULL;
    if (ch->type == DISCORD_SIM_CHANNEL_DM && !same(ch->recipient, u->id))
        return NULL;
    if (ch->type != DISCORD_SIM_CHANNEL_DM && !u->member)
        return NULL;
    return discord_sim_message_add(sim, ch, u->id, content, NULL, NULL, 0, NULL)
        ->id;
}

const char *
discord_sim_post_dm(struct discord_sim *sim, const char *user_id,
                    const char *content)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, user_id);

    if (!u)
        return NULL;
    return discord_sim_post(sim, user_id, discord_sim_dm_open(sim, u)->id,
                            content);
}

static cJSON *
channel_brief(const struct discord_sim *sim,
              const struct discord_sim_channel_rec *ch)
{
    cJSON *o = discord_sim_channel_json(sim, ch);
    char perms[24];

    snprintf(perms, sizeof(perms), "%" PRIu64, discord_sim_bot_perms(sim, ch));
    cJSON_AddStringToObject(o, "permissions", perms);
    return o;
}

/* Create the interaction, dispatch INTERACTION_CREATE (no intent needed)
 * and tell the observer.  data is consumed. */
static struct discord_sim_interaction_rec *
interaction_new(struct discord_sim *sim, int type,
                struct discord_sim_user_rec *u,
                struct discord_sim_channel_rec *ch, cJSON *data,
                const struct discord_sim_message_rec *msg, const char *what)
{
    struct discord_sim_interaction_rec *in = xcalloc(1, sizeof(*in));
    bool guild = ch->type != DISCORD_SIM_CHANNEL_DM;
    struct dsim_target to = { .guild_id = guild ? sim->guild_id : NULL };
    cJSON *d = cJSON_CreateObject(), *owners;
    char perms[24], label[128];
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_INTERACTION,
        .channel_id = ch->id,
        .channel_name = label,
        .user_id = u->id,
        .user_name = u->username,
        .message_id = msg ? msg->id : NULL,
        .content = what,
    };
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(data, "name");

    discord_sim_new_id(sim, in->id);
    discord_sim_random_token(sim, in->token, 72);
    in->type = type;
    snprintf(in->user_id, sizeof(in->user_id), "%s", u->id);
    snprintf(in->channel_id, sizeof(in->channel_id), "%s", ch->id);
    if (msg)
        snprintf(in->message_id, sizeof(in->message_id), "%s", msg->id);
    if (cJSON_IsString(name))
        snprintf(in->command_name, sizeof(in->command_name), "%s",
                 name->valuestring);
    in->data = cJSON_Duplicate(data, true);
    in->created_ms = discord_sim_now(sim);
    discord_sim_vec_push(&sim->interactions, in);
    sim->st.interactions++;

    cJSON_AddStringToObject(d, "id", in->id);
    cJSON_AddStringToObject(d, "application_id", sim->app_id);
    cJSON_AddNumberToObject(d, "type", type);
    cJSON_AddItemToObject(d, "data", data);
    if (guild)
        cJSON_AddStringToObject(d, "guild_id", sim->guild_id);
    cJSON_AddStringToObject(d, "channel_id", ch->id);
    cJSON_AddItemToObject(d, "channel", channel_brief(sim, ch));
    /* In a guild the user is member.user; in a DM it is user. */
    if (guild) {
        cJSON *mem = discord_sim_member_json(sim, u, true);

        cJSON_AddStringToObject(mem, "permissions", "2147483647");
        cJSON_AddItemToObject(d, "member", mem);
    } else
        cJSON_AddItemToObject(d, "user", discord_sim_user_json(sim, u));
    cJSON_AddStringToObject(d, "token", in->token);
    cJSON_AddNumberToObject(d, "version", 1);
    if (msg)
        cJSON_AddItemToObject(d, "message", discord_sim_message_json(sim, msg));
    snprintf(perms, sizeof(perms), "%" PRIu64, discord_sim_bot_perms(sim, ch));
    cJSON_AddStringToObject(d, "app_permissions", perms);
    cJSON_AddStringToObject(d, "locale", "en-US");
    if (guild)
        cJSON_AddStringToObject(d, "guild_locale", "en-US");
    cJSON_AddArrayToObject(d, "entitlements");
    owners = cJSON_AddObjectToObject(d, "authorizing_integration_owners");
    cJSON_AddStringToObject(owners, "0", guild ? sim->guild_id : "0");
    cJSON_AddNumberToObject(d, "context", guild ? 0 : 1);
    discord_sim_gateway_dispatch_to(sim, "INTERACTION_CREATE", d, &to);
    cJSON_Delete(d);

    channel_label(sim, ch, label, sizeof(label));
    discord_sim_observe(sim, &ev);
    return in;
}

/* The registered command's id, so data.id matches what the bot got back
 * from the bulk overwrite; a fresh id if it was never registered. */
static void
command_id(struct discord_sim *sim, const char *name, char out[DSIM_ID_LEN])
{
    const cJSON *lists[] = { sim->guild_commands, sim->global_commands };
    const cJSON *c;

    for (size_t i = 0; i < 2; i++)
        cJSON_ArrayForEach(c, lists[i]) {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(c, "name");
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");

            if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0 &&
                cJSON_IsString(id)) {
                snprintf(out, DSIM_ID_LEN, "%s", id->valuestring);
                return;
            }
        }
    discord_sim_new_id(sim, out);
}

static cJSON *
option_value(const struct discord_sim_opt *o)
{
    char *end;

    switch (o->type) {
    case 4: {
        long long v = strtoll(o->value, &end, 10);

        return *end ? NULL : cJSON_CreateNumber((double)v);
    }
    case 10: {
        double v = strtod(o->value, &end);

        return *end ? NULL : cJSON_CreateNumber(v);
    }
    case 5:
        if (strcmp(o->value, "true") == 0)
            return cJSON_CreateTrue();
        if (strcmp(o->value, "false") == 0)
            return cJSON_CreateFalse();
        return NULL;
    case 3:
    case 6:
    case 7:
    case 8:
    case 9:
    case 11:
        return cJSON_CreateString(o->value);
    default:
        return NULL;
    }
}

/* data.resolved for USER and CHANNEL options. */
static bool
resolve_option(struct discord_sim *sim, const struct discord_sim_opt *o,
               bool guild, cJSON *data)
{
    cJSON *resolved = cJSON_GetObjectItemCaseSensitive(data, "resolved");
    cJSON *kind;

    if (o->type == 6 || (o->type == 9 && discord_sim_user_rec(sim, o->value))) {
        struct discord_sim_user_rec *u = discord_sim_user_rec(sim, o->value);

        if (!u)
            return false;
        if (!resolved)
            resolved = cJSON_AddObjectToObject(data, "resolved");
        if (!(kind = cJSON_GetObjectItemCaseSensitive(resolved, "users")))
            kind = cJSON_AddObjectToObject(resolved, "users");
        if (!cJSON_GetObjectItemCaseSensitive(kind, u->id))
            cJSON_AddItemToObject(kind, u->id, discord_sim_user_json(sim, u));
        if (guild && u->member) {
            if (!(kind = cJSON_GetObjectItemCaseSensitive(resolved,
                                                          "members")))
                kind = cJSON_AddObjectToObject(resolved, "members");
            if (!cJSON_GetObjectItemCaseSensitive(kind, u->id))
                cJSON_AddItemToObject(kind, u->id,
                                      discord_sim_member_json(sim, u, false));
        }
    } else if (o->type == 7) {
        struct discord_sim_channel_rec *ch =
            discord_sim_channel_rec(sim, o->value);

        if (!ch)
            return false;
        if (!resolved)
            resolved = cJSON_AddObjectToObject(data, "resolved");
        if (!(kind = cJSON_GetObjectItemCaseSensitive(resolved,
                                                      "channels")))
            kind = cJSON_AddObjectToObject(resolved, "channels");
        if (!cJSON_GetObjectItemCaseSensitive(kind, ch->id))
            cJSON_AddItemToObject(kind, ch->id, channel_brief(sim, ch));
    }
    return true;
}

const char *
discord_sim_command(struct discord_sim *sim,
                    const struct discord_sim_command *c)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, c->user_id);
    struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, c->channel_id);
    cJSON *data, *opts, *leaf;
    struct buf what = BUF_INIT;
    char id[DSIM_ID_LEN];
    bool guild;

    if (!u || !ch || !c->name || ch->type == DISCORD_SIM_CHANNEL_CATEGORY)
        return NULL;
    guild = ch->type != DISCORD_SIM_CHANNEL_DM;
    data = cJSON_CreateObject();
    command_id(sim, c->name, id);
    cJSON_AddStringToObject(data, "id", id);
    cJSON_AddStringToObject(data, "name", c->name);
    cJSON_AddNumberToObject(data, "type", 1);
    if (guild)
        cJSON_AddStringToObject(data, "guild_id", sim->guild_id);
    buf_printf(&what, "used /%s", c->name);
    /* options[] nests: group (type 2) > subcommand (type 1) > values. */
    leaf = opts = cJSON_AddArrayToObject(data, "options");
    if (c->group) {
        cJSON *g = cJSON_CreateObject();

        cJSON_AddStringToObject(g, "name", c->group);
        cJSON_AddNumberToObject(g, "type", 2);
        cJSON_AddItemToArray(leaf, g);
        leaf = cJSON_AddArrayToObject(g, "options");
        buf_printf(&what, " %s", c->group);
    }
    if (c->subcommand) {
        cJSON *s = cJSON_CreateObject();

        cJSON_AddStringToObject(s, "name", c->subcommand);
        cJSON_AddNumberToObject(s, "type", 1);
        cJSON_AddItemToArray(leaf, s);
        leaf = cJSON_AddArrayToObject(s, "options");
        buf_printf(&what, " %s", c->subcommand);
    }
    for (size_t i = 0; i < c->nopts; i++) {
        const struct discord_sim_opt *o = &c->opts[i];
        cJSON *v = o->name && o->value ? option_value(o) : NULL;
        cJSON *item;

        if (!v || !resolve_option(sim, o, guild, data)) {
            cJSON_Delete(v);
            cJSON_Delete(data);
            buf_free(&what);
            return NULL;
        }
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "name", o->name);
        cJSON_AddNumberToObject(item, "type", o->type);
        cJSON_AddItemToObject(item, "value", v);
        cJSON_AddItemToArray(leaf, item);
        buf_printf(&what, " %s:%s", o->name, o->value);
    }
    if (cJSON_GetArraySize(opts) == 0)
        cJSON_DeleteItemFromObject(data, "options");
    {
        struct discord_sim_interaction_rec *in =
            interaction_new(sim, 2, u, ch, data, NULL, buf_cstr(&what));

        buf_free(&what);
        return in->id;
    }
}

const char *
discord_sim_command_json(struct discord_sim *sim, const char *user_id,
                         const char *channel_id, const char *data_json)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, user_id);
    struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, channel_id);
    cJSON *data;
    const cJSON *name;
    char what[128];

    if (!u || !ch || !data_json || ch->type == DISCORD_SIM_CHANNEL_CATEGORY)
        return NULL;
    data = cJSON_Parse(data_json);
    if (!cJSON_IsObject(data)) {
        cJSON_Delete(data);
        return NULL;
    }
    name = cJSON_GetObjectItemCaseSensitive(data, "name");
    snprintf(what, sizeof(what), "used /%s",
             cJSON_IsString(name) ? name->valuestring : "?");
    return interaction_new(sim, 2, u, ch, data, NULL, what)->id;
}

static const cJSON *
find_component(const cJSON *rows, const char *custom_id)
{
    const cJSON *row, *c;

    cJSON_ArrayForEach(row, rows) {
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(row,
                                                               "components")) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(c,
                                                               "custom_id");

            if (cJSON_IsString(id) && strcmp(id->valuestring, custom_id) == 0)
                return c;
        }
    }
    return NULL;
}

const char *
discord_sim_click(struct discord_sim *sim, const char *user_id,
                  const char *message_id, const char *custom_id,
                  const char *const *values, size_t nvalues)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, user_id);
    struct discord_sim_message_rec *m =
        discord_sim_message_rec(sim, message_id);
    struct discord_sim_channel_rec *ch;
    const cJSON *comp, *type, *label;
    cJSON *data;
    char what[160];

    if (!u || !m || !custom_id ||
        !(ch = discord_sim_channel_rec(sim, m->channel_id)))
        return NULL;
    if (m->visible_to[0] && !same(m->visible_to, u->id))
        return NULL;    /* nobody else sees an ephemeral message */
    comp = find_component(m->components, custom_id);
    if (!comp ||
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(comp, "disabled")))
        return NULL;
    type = cJSON_GetObjectItemCaseSensitive(comp, "type");
    label = cJSON_GetObjectItemCaseSensitive(comp, "label");
    data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "custom_id", custom_id);
    cJSON_AddNumberToObject(data, "component_type",
                            cJSON_IsNumber(type) ? type->valueint : 2);
    if (values) {
        cJSON *vals = cJSON_AddArrayToObject(data, "values");

        for (size_t i = 0; i < nvalues; i++)
            cJSON_AddItemToArray(vals, cJSON_CreateString(values[i]));
    }
    snprintf(what, sizeof(what), "clicked [%s]",
             cJSON_IsString(label) ? label->valuestring : custom_id);
    return interaction_new(sim, 3, u, ch, data, m, what)->id;
}

/* A submitted text input, as a row of its own. */
static void
add_text_input(cJSON *rows, const char *custom_id, const char *value)
{
    cJSON *row = cJSON_CreateObject(), *inputs, *ti;

    cJSON_AddNumberToObject(row, "type", 1);
    inputs = cJSON_AddArrayToObject(row, "components");
    ti = cJSON_CreateObject();
    cJSON_AddNumberToObject(ti, "type", 4);
    cJSON_AddStringToObject(ti, "custom_id", custom_id);
    cJSON_AddStringToObject(ti, "value", value ? value : "");
    cJSON_AddItemToArray(inputs, ti);
    cJSON_AddItemToArray(rows, row);
}

static const struct discord_sim_field *
field_for(const struct discord_sim_field *fields, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (fields[i].custom_id && strcmp(fields[i].custom_id, id) == 0)
            return &fields[i];
    return NULL;
}

/* The text inputs of the modal the bot showed, each with what fields
 * give it, else empty, in the modal's order, then fields it does not
 * have; false when a required input (the default) would be empty: the
 * client does not send that form. */
static bool
modal_values(const cJSON *modal, const struct discord_sim_field *fields,
             size_t nfields, cJSON *rows)
{
    const cJSON *row, *c;

    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(modal,
                                                             "components")) {
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(row,
                                                               "components")) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(c,
                                                               "custom_id");
            const cJSON *req = cJSON_GetObjectItemCaseSensitive(c,
                                                                "required");
            const struct discord_sim_field *f;
            const char *v;

            if (!cJSON_IsString(id))
                continue;
            f = field_for(fields, nfields, id->valuestring);
            v = f && f->value ? f->value : "";
            if (!*v && !cJSON_IsFalse(req))
                return false;
            add_text_input(rows, id->valuestring, v);
        }
    }
    for (size_t i = 0; i < nfields; i++)
        if (fields[i].custom_id &&
            !find_component(cJSON_GetObjectItemCaseSensitive(modal,
                                                             "components"),
                            fields[i].custom_id))
            add_text_input(rows, fields[i].custom_id, fields[i].value);
    return true;
}

const char *
discord_sim_modal_submit(struct discord_sim *sim, const char *user_id,
                         const char *from_interaction, const char *custom_id,
                         const struct discord_sim_field *fields,
                         size_t nfields)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(sim, user_id);
    struct discord_sim_interaction_rec *from =
        discord_sim_interaction_rec(sim, from_interaction);
    struct discord_sim_channel_rec *ch;
    struct discord_sim_message_rec *m = NULL;
    cJSON *data, *rows;
    char what[160];

    if (!u || (from_interaction && !from))
        return NULL;
    if (!custom_id && from && from->modal) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(from->modal,
                                                           "custom_id");

        custom_id = cJSON_IsString(id) ? id->valuestring : NULL;
    }
    if (!custom_id)
        return NULL;
    ch = from ? discord_sim_channel_rec(sim, from->channel_id)
              : discord_sim_dm_open(sim, u);
    if (!ch)
        return NULL;
    if (from && from->message_id[0])
        m = discord_sim_message_rec(sim, from->message_id);
    data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "custom_id", custom_id);
    rows = cJSON_AddArrayToObject(data, "components");
    if (from && from->modal) {
        if (!modal_values(from->modal, fields, nfields, rows)) {
            cJSON_Delete(data);
            return NULL;
        }
    } else {
        for (size_t i = 0; i < nfields; i++)
            add_text_input(rows, fields[i].custom_id, fields[i].value);
    }
    snprintf(what, sizeof(what), "submitted the form %s", custom_id);
    return interaction_new(sim, 5, u, ch, data, m, what)->id;
}

bool
discord_sim_interaction(const struct discord_sim *sim, const char *id,
                        struct discord_sim_interaction_info *out)
{
    const struct discord_sim_interaction_rec *in =
        discord_sim_interaction_rec(sim, id);

    if (!in)
        return false;
    *out = (struct discord_sim_interaction_info){
        .id = in->id,
        .token = in->token,
        .type = in->type,
        .user_id = in->user_id,
        .channel_id = in->channel_id,
        .created_ms = in->created_ms,
        .callbacks = in->callbacks,
        .callback_type = in->callback_type,
        .first_status = in->first_status,
        .latency_ms = in->latency_ms,
        .original_id = in->original_id[0] ? in->original_id : NULL,
        .followups = in->followups,
        .modal = in->modal,
    };
    return true;
}

/* ---- logs ---- */

static void
rest_rec_free(struct dsim_rest_rec *r)
{
    free(r->method);
    free(r->path);
    free(r->route);
    free(r->bucket);
    free(r->raw_body);
    free(r->audit);
    free(r->ua);
    cJSON_Delete(r->body);
    cJSON_Delete(r->response);
    free(r);
}

static void
gw_rec_free(struct dsim_gw_rec *r)
{
    free(r->t);
    free(r->raw);
    cJSON_Delete(r->d);
    free(r);
}

static void
log_drop(struct dsim_log *log, size_t n, bool rest)
{
    if (n > log->recs.n)
        n = log->recs.n;
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        if (rest)
            rest_rec_free(log->recs.v[i]);
        else
            gw_rec_free(log->recs.v[i]);
    }
    memmove(log->recs.v, log->recs.v + n,
            (log->recs.n - n) * sizeof(*log->recs.v));
    log->recs.n -= n;
    log->base += n;
}

void
discord_sim_log_clear(struct dsim_log *log, bool rest)
{
    log_drop(log, log->recs.n, rest);
    discord_sim_vec_free(&log->recs);
}

static void
log_push(struct dsim_log *log, void *rec, size_t max, bool rest)
{
    /* At the cap drop the older half at once: amortised O(1). */
    if (log->recs.n >= max)
        log_drop(log, max / 2 + 1, rest);
    discord_sim_vec_push(&log->recs, rec);
}

void
discord_sim_log_rest(struct discord_sim *sim, struct dsim_rest_rec *r)
{
    r->pub.method = r->method;
    r->pub.path = r->path;
    r->pub.route = r->route;
    r->pub.bucket = r->bucket;
    r->pub.raw_body = r->raw_body ? r->raw_body : "";
    r->pub.body = r->body;
    r->pub.response = r->response;
    r->pub.audit_reason = r->audit;
    r->pub.user_agent = r->ua ? r->ua : "";
    sim->rest_total++;
    log_push(&sim->rest_log, r, sim->o.max_log, true);
}

void
discord_sim_log_gw(struct discord_sim *sim, int conn_id, bool from_bot,
                   const char *raw, size_t len)
{
    struct dsim_gw_rec *r = xcalloc(1, sizeof(*r));
    cJSON *root = cJSON_ParseWithLength(raw, len);
    const cJSON *op, *t, *s;

    r->raw = xstrndup(raw, len);
    r->pub.at_ms = discord_sim_now(sim);
    r->pub.conn_id = conn_id;
    r->pub.from_bot = from_bot;
    r->pub.op = -1;
    r->pub.s = -1;
    if (cJSON_IsObject(root)) {
        op = cJSON_GetObjectItemCaseSensitive(root, "op");
        t = cJSON_GetObjectItemCaseSensitive(root, "t");
        s = cJSON_GetObjectItemCaseSensitive(root, "s");
        if (cJSON_IsNumber(op))
            r->pub.op = op->valueint;
        if (cJSON_IsString(t))
            r->t = xstrdup(t->valuestring);
        if (cJSON_IsNumber(s))
            r->pub.s = (long)s->valuedouble;
        r->d = cJSON_DetachItemFromObjectCaseSensitive(root, "d");
    }
    cJSON_Delete(root);
    r->pub.t = r->t;
    r->pub.d = r->d;
    r->pub.raw = r->raw;
    sim->gw_total++;
    log_push(&sim->gw_log, r, sim->o.max_log, false);
}

size_t
discord_sim_rest_count(const struct discord_sim *sim)
{
    return sim->rest_total;
}

const struct discord_sim_rest_call *
discord_sim_rest_get(const struct discord_sim *sim, size_t i)
{
    const struct dsim_log *log = &sim->rest_log;

    if (i < log->base || i - log->base >= log->recs.n)
        return NULL;
    return &((struct dsim_rest_rec *)log->recs.v[i - log->base])->pub;
}

size_t
discord_sim_rest_find(const struct discord_sim *sim, const char *method,
                      const char *route, size_t from)
{
    if (from < sim->rest_log.base)
        from = sim->rest_log.base;
    for (size_t i = from; i < sim->rest_total; i++) {
        const struct discord_sim_rest_call *c = discord_sim_rest_get(sim, i);

        if (!c)
            continue;
        if (method && strcmp(c->method, method) != 0)
            continue;
        if (route && !same(c->route, route))
            continue;
        return i;
    }
    return SIZE_MAX;
}

size_t
discord_sim_gw_count(const struct discord_sim *sim)
{
    return sim->gw_total;
}

const struct discord_sim_gw_frame *
discord_sim_gw_get(const struct discord_sim *sim, size_t i)
{
    const struct dsim_log *log = &sim->gw_log;

    if (i < log->base || i - log->base >= log->recs.n)
        return NULL;
    return &((struct dsim_gw_rec *)log->recs.v[i - log->base])->pub;
}

size_t
discord_sim_gw_find(const struct discord_sim *sim, bool from_bot, int op,
                    const char *t, size_t from)
{
    if (from < sim->gw_log.base)
        from = sim->gw_log.base;
    for (size_t i = from; i < sim->gw_total; i++) {
        const struct discord_sim_gw_frame *f = discord_sim_gw_get(sim, i);

        if (!f || f->from_bot != from_bot)
            continue;
        if (op >= 0 && f->op != op)
            continue;
        if (t && !same(f->t, t))
            continue;
        return i;
    }
    return SIZE_MAX;
}

void
discord_sim_clear_logs(struct discord_sim *sim)
{
    log_drop(&sim->rest_log, sim->rest_log.recs.n, true);
    log_drop(&sim->gw_log, sim->gw_log.recs.n, false);
}

/* ---- connections and stats ---- */

static void
conn_info(const struct dsim_conn *c, struct discord_sim_conn_info *out)
{
    *out = (struct discord_sim_conn_info){
        .id = c->id,
        .path = c->path,
        .resume_url = c->resume_url,
        .opened_ms = c->opened_ms,
        .closed_ms = c->closed_ms,
        .close_sent = c->close_sent,
        .close_received = c->close_received,
        .dropped = c->dropped,
        .identified = c->identified,
        .resumed = c->resumed,
        .session_id = c->session_id[0] ? c->session_id : NULL,
        .intents = c->intents,
        .heartbeats = c->heartbeats,
        .acks = c->acks,
    };
}

size_t
discord_sim_conn_count(const struct discord_sim *sim)
{
    return sim->conns.n;
}

bool
discord_sim_conn(const struct discord_sim *sim, size_t i,
                 struct discord_sim_conn_info *out)
{
    if (i >= sim->conns.n)
        return false;
    conn_info(sim->conns.v[i], out);
    return true;
}

bool
discord_sim_conn_last(const struct discord_sim *sim,
                      struct discord_sim_conn_info *out)
{
    return sim->conns.n && discord_sim_conn(sim, sim->conns.n - 1, out);
}

void
discord_sim_stats(const struct discord_sim *sim,
                  struct discord_sim_stats *out)
{
    *out = sim->st;
    out->open_connections = 0;
    for (size_t i = 0; i < sim->conns.n; i++)
        if (((struct dsim_conn *)sim->conns.v[i])->state !=
            DSIM_CONN_CLOSED)
            out->open_connections++;
    out->connections = (int)sim->conns.n;
    out->rest_calls = sim->rest_total;
    out->session_start_remaining = sim->session_start_remaining;
}

/* ---- snapshot ---- */

cJSON *
discord_sim_state_json(const struct discord_sim *sim)
{
    cJSON *o = cJSON_CreateObject(), *a, *cmds, *st;
    struct discord_sim_stats s;

    cJSON_AddItemToObject(o, "bot", discord_sim_bot_user_json(sim));
    cJSON_AddStringToObject(o, "guild_id", sim->guild_id);
    cJSON_AddStringToObject(o, "api_base", sim->api_base);
    cJSON_AddStringToObject(o, "gateway_url", sim->gateway_url);
    a = cJSON_AddArrayToObject(o, "users");
    for (size_t i = 0; i < sim->users.n; i++)
        cJSON_AddItemToArray(a, discord_sim_user_json(sim, sim->users.v[i]));
    a = cJSON_AddArrayToObject(o, "channels");
    for (size_t i = 0; i < sim->channels.n; i++)
        cJSON_AddItemToArray(a,
                             discord_sim_channel_json(sim, sim->channels.v[i]));
    a = cJSON_AddArrayToObject(o, "messages");
    for (size_t i = 0; i < sim->messages.n; i++) {
        const struct discord_sim_message_rec *m = sim->messages.v[i];
        cJSON *mj = discord_sim_message_json(sim, m), *vers;

        vers = cJSON_AddArrayToObject(mj, "versions");
        for (size_t k = 0; k < m->nversions; k++)
            cJSON_AddItemToArray(vers,
                                 cJSON_CreateString(m->versions[k].content));
        if (m->visible_to[0])
            cJSON_AddStringToObject(mj, "visible_to", m->visible_to);
        cJSON_AddItemToArray(a, mj);
    }
    cmds = cJSON_AddObjectToObject(o, "commands");
    cJSON_AddItemToObject(cmds, "global",
                          cJSON_Duplicate(sim->global_commands, true));
    cJSON_AddItemToObject(cmds, "guild",
                          cJSON_Duplicate(sim->guild_commands, true));
    a = cJSON_AddArrayToObject(o, "sessions");
    for (size_t i = 0; i < sim->sessions.n; i++) {
        const struct dsim_session *ss = sim->sessions.v[i];
        static const char *const names[] = { "active", "detached",
                                             "invalid" };
        cJSON *sj = cJSON_CreateObject();

        cJSON_AddStringToObject(sj, "id", ss->id);
        cJSON_AddStringToObject(sj, "state", names[ss->state]);
        cJSON_AddNumberToObject(sj, "seq", (double)ss->seq);
        cJSON_AddNumberToObject(sj, "intents", (double)ss->intents);
        cJSON_AddItemToArray(a, sj);
    }
    a = cJSON_AddArrayToObject(o, "interactions");
    for (size_t i = 0; i < sim->interactions.n; i++) {
        const struct discord_sim_interaction_rec *in = sim->interactions.v[i];
        cJSON *ij = cJSON_CreateObject();

        cJSON_AddStringToObject(ij, "id", in->id);
        cJSON_AddStringToObject(ij, "token", in->token);
        cJSON_AddNumberToObject(ij, "type", in->type);
        cJSON_AddStringToObject(ij, "user_id", in->user_id);
        cJSON_AddNumberToObject(ij, "callback_type", in->callback_type);
        cJSON_AddNumberToObject(ij, "latency_ms", (double)in->latency_ms);
        cJSON_AddItemToArray(a, ij);
    }
    discord_sim_stats(sim, &s);
    st = cJSON_AddObjectToObject(o, "stats");
    cJSON_AddNumberToObject(st, "connections", s.connections);
    cJSON_AddNumberToObject(st, "open_connections", s.open_connections);
    cJSON_AddNumberToObject(st, "identifies", s.identifies);
    cJSON_AddNumberToObject(st, "ready", s.ready);
    cJSON_AddNumberToObject(st, "resumes", s.resumes);
    cJSON_AddNumberToObject(st, "resumed", s.resumed);
    cJSON_AddNumberToObject(st, "invalid_sessions", s.invalid_sessions);
    cJSON_AddNumberToObject(st, "dispatches", s.dispatches);
    cJSON_AddNumberToObject(st, "heartbeats", s.heartbeats);
    cJSON_AddNumberToObject(st, "acks", s.acks);
    cJSON_AddNumberToObject(st, "session_start_remaining",
                            s.session_start_remaining);
    cJSON_AddNumberToObject(st, "rest_calls", (double)s.rest_calls);
    cJSON_AddNumberToObject(st, "http_401", s.http_401);
    cJSON_AddNumberToObject(st, "http_403", s.http_403);
    cJSON_AddNumberToObject(st, "http_429", s.http_429);
    cJSON_AddNumberToObject(st, "invalid_requests", s.invalid_requests);
    cJSON_AddNumberToObject(st, "interactions", s.interactions);
    cJSON_AddNumberToObject(st, "late_callbacks", s.late_callbacks);
    cJSON_AddNumberToObject(st, "double_callbacks", s.double_callbacks);
    return o;
}

/* ---- waiting ---- */

static void
wait_fired(void *arg)
{
    *(bool *)arg = true;
}

bool
discord_sim_wait(struct discord_sim *sim, discord_sim_pred_fn *pred,
                 void *arg, int timeout_ms)
{
    struct loop_timer *t;
    bool fired = false, ok;

    if (pred(sim, arg))
        return true;
    t = loop_timer_new(sim->loop, wait_fired, &fired);
    loop_timer_arm(t, timeout_ms);
    while (!(ok = pred(sim, arg)) && !fired)
        if (loop_run_once(sim->loop, true) < 0)
            break;      /* called from inside the loop: cannot wait */
    loop_timer_free(t);
    return ok;
}

static bool
never(struct discord_sim *sim, void *arg)
{
    (void)sim;
    (void)arg;
    return false;
}

void
discord_sim_run_for(struct discord_sim *sim, int ms)
{
    discord_sim_wait(sim, never, NULL, ms);
}

struct wait_rest {
    const char *method, *route;
    size_t      from, found;
};

static bool
rest_found(struct discord_sim *sim, void *arg)
{
    struct wait_rest *w = arg;

    w->found = discord_sim_rest_find(sim, w->method, w->route, w->from);
    return w->found != SIZE_MAX;
}

size_t
discord_sim_wait_rest(struct discord_sim *sim, const char *method,
                      const char *route, size_t from, int timeout_ms)
{
    struct wait_rest w = { method, route, from, SIZE_MAX };

    discord_sim_wait(sim, rest_found, &w, timeout_ms);
    return w.found;
}

struct wait_gw {
    int    op;
    size_t from, found;
};

static bool
gw_found(struct discord_sim *sim, void *arg)
{
    struct wait_gw *w = arg;

    w->found = discord_sim_gw_find(sim, true, w->op, NULL, w->from);
    return w->found != SIZE_MAX;
}

size_t
discord_sim_wait_gw(struct discord_sim *sim, int op, size_t from,
                    int timeout_ms)
{
    struct wait_gw w = { op, from, SIZE_MAX };

    discord_sim_wait(sim, gw_found, &w, timeout_ms);
    return w.found;
}

static bool
ready_reached(struct discord_sim *sim, void *arg)
{
    return sim->st.ready >= *(int *)arg;
}

bool
discord_sim_wait_ready(struct discord_sim *sim, int n, int timeout_ms)
{
    return discord_sim_wait(sim, ready_reached, &n, timeout_ms);
}

static bool
resumed_reached(struct discord_sim *sim, void *arg)
{
    return sim->st.resumed >= *(int *)arg;
}

bool
discord_sim_wait_resumed(struct discord_sim *sim, int n, int timeout_ms)
{
    return discord_sim_wait(sim, resumed_reached, &n, timeout_ms);
}

static bool
conn_closed(struct discord_sim *sim, void *arg)
{
    int id = *(int *)arg;

    return id >= 1 && (size_t)id <= sim->conns.n &&
           ((struct dsim_conn *)sim->conns.v[id - 1])->state ==
               DSIM_CONN_CLOSED;
}

bool
discord_sim_wait_conn_closed(struct discord_sim *sim, int conn_id,
                             int timeout_ms)
{
    return discord_sim_wait(sim, conn_closed, &conn_id, timeout_ms);
}
