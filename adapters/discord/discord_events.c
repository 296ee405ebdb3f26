/*
 * discord_events: what each gateway dispatch (op 0) means to chorus, as
 * one table (c-style P11), plus the small JSON readers the adapter uses
 * on everything Discord sends.
 *
 * Input from Discord is external: a payload of the wrong shape is logged
 * (once per kind, see discord_log_once) and dropped, never trusted.  Events the
 * table does not name are ignored and logged once each by name.
 */
#include "discord_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

/* ---- snowflakes ---------------------------------------------------------- */

bool
discord_events_is_snowflake(const char *s)
{
    size_t n = 0;
    if (s == NULL)
        return false;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9' || n >= 20)
            return false;
    return n >= 1;
}

bool
discord_events_id(const cJSON *o, const char *name, char out[DC_ID_LEN])
{
    if (json_id(o, name, out, DC_ID_LEN) && discord_events_is_snowflake(out))
        return true;
    out[0] = '\0';
    return false;
}

/* ---- users seen, for find_user ------------------------------------------- */

void
discord_events_users_note(struct discord *d, const cJSON *user,
                          const char *nick)
{
    char id[DC_ID_LEN];
    if (!discord_events_id(user, "id", id))
        return;
    const char *uname = json_string(user, "username");
    const char *gname = nick ? nick : json_string(user, "global_name");
    struct dc_user *u = NULL;
    for (size_t i = 0; i < d->nusers; i++)
        if (strcmp(d->users[i].id, id) == 0)
            u = &d->users[i];
    if (u == NULL) {
        if (d->nusers < DC_USERS) {
            u = &d->users[d->nusers++];
        } else {
            u = &d->users[d->user_next];
            d->user_next = (d->user_next + 1) % DC_USERS;
        }
        memset(u, 0, sizeof(*u));
        snprintf(u->id, sizeof(u->id), "%s", id);
    }
    if (uname)
        snprintf(u->username, sizeof(u->username), "%s", uname);
    if (gname)
        snprintf(u->global_name, sizeof(u->global_name), "%s", gname);
}

enum ch_status
discord_events_users_find(struct discord *d, const char *name, struct buf *out)
{
    const struct dc_user *hit = NULL;
    for (size_t i = 0; i < d->nusers; i++) {
        const struct dc_user *u = &d->users[i];
        if (strcasecmp(u->username, name) != 0 &&
            strcasecmp(u->global_name, name) != 0)
            continue;
        if (hit && strcmp(hit->id, u->id) != 0)
            return CH_NOT_FOUND;    /* ambiguous: ask for a mention */
        hit = u;
    }
    if (hit == NULL)
        return CH_NOT_FOUND;
    buf_adds(out, hit->id);
    return CH_OK;
}

/* ---- the dispatch table -------------------------------------------------- */

static void
ev_ready(struct discord *d, const cJSON *x)
{
    discord_on_ready(d, x);
}

static void
ev_resumed(struct discord *d, const cJSON *x)
{
    (void)x;
    discord_on_resumed(d);
}

static void
ev_guild_create(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN];
    if (!discord_events_id(x, "id", id)) {
        discord_log_once(d, DC_LOG_MALFORMED, "GUILD_CREATE without an id");
        return;
    }
    if (cJSON_IsTrue(json_get(x, "unavailable")))
        return;
    const cJSON *m;
    cJSON_ArrayForEach(m, json_get(x, "members")) discord_events_users_note(
        d, json_get(m, "user"), json_string(m, "nick"));
    discord_guild_seen(d, id, json_get(x, "channels"));
}

static void
ev_guild_delete(struct discord *d, const cJSON *x)
{
    (void)d;
    char id[DC_ID_LEN];
    if (!discord_events_id(x, "id", id))
        return;
    if (cJSON_IsTrue(json_get(x, "unavailable")))
        log_warn("discord", "server %s is unavailable (a Discord outage); "
                 "it comes back with GUILD_CREATE", id);
    else
        log_warn("discord", "chorus was removed from server %s", id);
}

static void
ev_channel_upsert(struct discord *d, const cJSON *x)
{
    discord_channel_seen(d, x, false);
}

static void
ev_channel_delete(struct discord *d, const cJSON *x)
{
    discord_channel_seen(d, x, true);
}

static void
ev_message_create(struct discord *d, const cJSON *x)
{
    discord_interactions_message(d, x);
}

static void
ev_interaction_create(struct discord *d, const cJSON *x)
{
    discord_interactions_handle(d, x);
}

static void
ev_ignore(struct discord *d, const cJSON *x)
{
    (void)d;
    (void)x;
}

static const struct dispatch_rule {
    const char *t;
    void      (*fn)(struct discord *d, const cJSON *data);
} rules[] = {
    { .t = "READY", .fn = ev_ready },
    { .t = "RESUMED", .fn = ev_resumed },
    { .t = "GUILD_CREATE", .fn = ev_guild_create },
    { .t = "GUILD_DELETE", .fn = ev_guild_delete },
    { .t = "CHANNEL_CREATE", .fn = ev_channel_upsert },
    { .t = "CHANNEL_UPDATE", .fn = ev_channel_upsert },
    { .t = "CHANNEL_DELETE", .fn = ev_channel_delete },
    { .t = "MESSAGE_CREATE", .fn = ev_message_create },
    { .t = "INTERACTION_CREATE", .fn = ev_interaction_create },
    /* Known and of no use to chorus: quietly dropped. */
    { .t = "GUILD_UPDATE", .fn = ev_ignore },
    { .t = "MESSAGE_UPDATE", .fn = ev_ignore },
    { .t = "MESSAGE_DELETE", .fn = ev_ignore },
    { .t = "CHANNEL_PINS_UPDATE", .fn = ev_ignore },
    { .t = "GUILD_MEMBER_ADD", .fn = ev_ignore },
    { .t = "PRESENCE_UPDATE", .fn = ev_ignore },
    { .t = "TYPING_START", .fn = ev_ignore },
};

void
discord_events_dispatch(struct discord *d, const char *t, const cJSON *data)
{
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (strcmp(rules[i].t, t) == 0) {
            rules[i].fn(d, data);
            return;
        }
    }
    for (size_t i = 0; i < d->nseen_events; i++) {
        if (strcmp(d->seen_events[i], t) == 0) {
            log_debug("discord", "ignoring gateway event %.31s", t);
            return;
        }
    }
    if (d->nseen_events < DC_EVENT_NAMES)
        snprintf(d->seen_events[d->nseen_events++], 32, "%s", t);
    log_info("discord", "ignoring gateway event %.31s (not used by chorus)",
             t);
}
