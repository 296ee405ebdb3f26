/*
 * test_discord_e2e: the real daemon against the Discord simulator (see
 * discord_e2e_fixture.h): registration, interaction replies and their
 * 3-second window, the deferred path, buttons and modals, direct messages,
 * the private campaign channel, 429s, bad input, a refused token.
 * The gateway's faults are in test_discord_e2e_gateway.c and
 * test_discord_e2e_session.c.
 */
#include "discord_e2e_fixture.h"

#include "command.h"

/* ---- helpers ---- */

static const cJSON *
named(const cJSON *list, const char *name)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, list) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return o;
    }
    return NULL;
}

static int
num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valueint : -1;
}

static const cJSON *
opts(const cJSON *o)
{
    return cJSON_GetObjectItemCaseSensitive(o, "options");
}

/* The overwrite for id in a channel, or NULL. */
static const cJSON *
overwrite(const struct discord_sim_channel_info *ch, const char *id)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, ch->overwrites) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "id");
        if (cJSON_IsString(v) && strcmp(v->valuestring, id) == 0)
            return o;
    }
    return NULL;
}

static unsigned long long
bits(const cJSON *ow, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(ow, key);
    return cJSON_IsString(v) ? strtoull(v->valuestring, NULL, 10) : 0;
}

struct ow_wait {
    const char *channel;
    const char *user;
};

static bool
has_overwrite(struct discord_sim *sim, void *arg)
{
    struct ow_wait *w = arg;
    struct discord_sim_channel_info ch;
    return discord_sim_channel(sim, w->channel, &ch) &&
           overwrite(&ch, w->user) != NULL;
}

struct pins_wait {
    const char *channel;
    size_t      n;
};

struct topic_wait {
    const char *channel;
    const char *contains;
};

static bool
has_topic(struct discord_sim *sim, void *arg)
{
    struct topic_wait *w = arg;
    struct discord_sim_channel_info ch;
    return discord_sim_channel(sim, w->channel, &ch) && ch.topic &&
           strstr(ch.topic, w->contains) != NULL;
}

/* The channel is read-only: @everyone and bob may not send. */
static bool
read_only(struct discord_sim *sim, void *arg)
{
    struct ow_wait *w = arg;
    struct discord_sim_channel_info ch;
    if (!discord_sim_channel(sim, w->channel, &ch))
        return false;
    const cJSON *everyone = overwrite(&ch, discord_sim_guild_id(sim));
    const cJSON *who = overwrite(&ch, w->user);
    return everyone && who && (bits(everyone, "deny") & 2048) &&
           (bits(who, "deny") & 2048) && !(bits(who, "allow") & 2048);
}

/* The pinned "Status:" message of a channel was edited. */
static bool
status_edited(struct discord_sim *sim, void *arg)
{
    const char *channel = arg;
    size_t n = discord_sim_message_count(sim);
    for (size_t i = 0; i < n; i++) {
        struct discord_sim_message_info m;
        if (discord_sim_message_at(sim, i, &m) && m.pinned && m.by_bot &&
            strcmp(m.channel_id, channel) == 0 && m.content &&
            strncmp(m.content, "Status:", 7) == 0 && m.edits > 0)
            return true;
    }
    return false;
}

static bool
has_pins(struct discord_sim *sim, void *arg)
{
    struct pins_wait *w = arg;
    struct discord_sim_channel_info ch;
    return discord_sim_channel(sim, w->channel, &ch) && ch.pins >= w->n;
}

/* The newest bot message in a channel after message count `after`. */
struct msg_wait {
    const char *channel;
    const char *dm_of;      /* or: the DM channel with this user */
    size_t      after;      /* message index to start from */
    const char *contains;   /* NULL: any */
    const char *found;      /* out: its id */
};

static bool
bot_message(struct discord_sim *sim, void *arg)
{
    struct msg_wait *w = arg;
    size_t n = discord_sim_message_count(sim);
    if (w->dm_of)
        w->channel = discord_sim_dm_channel(sim, w->dm_of);
    if (w->channel == NULL)
        return false;
    for (size_t i = w->after; i < n; i++) {
        struct discord_sim_message_info m;
        if (!discord_sim_message_at(sim, i, &m) || !m.by_bot ||
            strcmp(m.channel_id, w->channel) != 0)
            continue;
        if (w->contains && (!m.content || !strstr(m.content, w->contains)))
            continue;
        w->found = m.id;
        return true;
    }
    return false;
}

/* The daemon has recorded message msg as delivered (a click on it can
 * then be traced back to its outbox row). */
static void
delivered_ref(struct e2e *e, const char *channel, const char *msg)
{
    char ref[80];
    snprintf(ref, sizeof(ref), "%s:%s", channel, msg);
    e2e_db_wait(e, 1, "SELECT count(*) FROM outbox WHERE platform_ref = ?",
                ref);
}

static const char *
button_id(const cJSON *components, const char *label)
{
    const cJSON *row, *b;
    cJSON_ArrayForEach(row, components) {
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(row,
                                                               "components")) {
            const cJSON *l = cJSON_GetObjectItemCaseSensitive(b, "label");
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(b, "custom_id");
            if (cJSON_IsString(l) && strcmp(l->valuestring, label) == 0 &&
                cJSON_IsString(c))
                return c->valuestring;
        }
    }
    return NULL;
}

static void
brief_set(struct e2e *e, const char *slug, const char *field,
          const char *text)
{
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = slug },
        { .name = "field", .type = 3, .value = field },
        { .name = "text", .type = 3, .value = text },
    };
    const char *r = e2e_run(e, e->alice, e->general, "brief", "set", o, 3);
    e2e_check(e, r[0] != '\0');
}

static void
kickoff(struct e2e *e, const char *slug)
{
    brief_set(e, slug, "story", "Spring is here");
    brief_set(e, slug, "audience", "urban runners");
    brief_set(e, slug, "core_message", "Fizz keeps you running");
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = slug },
    };
    const char *r = e2e_run(e, e->alice, e->general, "kickoff", NULL, o, 1);
    e2e_check(e, strstr(r, slug) != NULL);
}

static void
deliverable(struct e2e *e, const char *slug, const char *creator,
            const char *title)
{
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = slug },
        { .name = "creator", .type = 6, .value = creator },
        { .name = "title", .type = 3, .value = title },
        { .name = "draft", .type = 3, .value = "+7d" },
        { .name = "publish", .type = 3, .value = "+14d" },
    };
    const char *r = e2e_run(e, e->alice, e->general, "deliverable", "add", o,
                            5);
    e2e_check(e, strstr(r, "#") != NULL);
}

static void
add_person(struct e2e *e, const char *slug, const char *who,
           const char *role)
{
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = slug },
        { .name = "person", .type = 6, .value = who },
        { .name = "role", .type = 3, .value = role },
    };
    const char *r = e2e_run(e, e->alice, e->general, "add", NULL, o, 3);
    e2e_check(e, strstr(r, "added") != NULL);
}

/* How many chat commands chorus registers: one per command name. */
static size_t
command_names(void)
{
    size_t n, names = 0;
    const struct cmd_form *forms = command_forms(&n);
    for (size_t i = 0; i < n; i++)
        names += i == 0 ||
                 strcmp(forms[i - 1].spec->name, forms[i].spec->name) != 0;
    return names;
}

/* The line the core ran, as commands_recent keeps it ("in <channel>:
 * <line>"): how many times. */
static long long
ran(struct e2e *e, const char *line)
{
    char like[160];
    snprintf(like, sizeof(like), "%%: %s", line);
    return e2e_db_int(e, "SELECT count(*) FROM commands_recent WHERE text "
                         "LIKE ?", like);
}

/* ---- tests ---- */

/* A chat command per chorus command, generated from the core's table
 * (test_discord_commands.c checks their shape and Discord's limits), and
 * a command is answered within 3 s with an ephemeral reply. */
static void
test_commands_and_reply(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);

    const cJSON *cmds = discord_sim_commands(e->sim, e->guild);
    size_t n;
    const struct cmd_form *forms = command_forms(&n);
    for (size_t i = 0; i < n; i++)
        e2e_check(e, named(cmds, forms[i].spec->name) != NULL);
    e2e_check(e, (size_t)cJSON_GetArraySize(cmds) == command_names());
    e2e_check(e, named(cmds, "campaign") == NULL);
    const cJSON *approve = named(cmds, "approve");
    const cJSON *ref = cJSON_GetArrayItem(opts(approve), 0);
    e2e_check(e, named(opts(approve), "ref") == ref);
    e2e_check(e, num(ref, "type") == 3);
    e2e_check(e, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ref,
                                                               "required")));
    const cJSON *standup = named(cmds, "standup");
    e2e_check(e, num(named(opts(standup), "now"), "type") == 1);
    const cJSON *tz = named(cmds, "tz");
    e2e_check(e, named(opts(tz), "set") && named(opts(tz), "set-person"));

    /* Intents: guilds, guild messages, direct messages; no privileged
     * one unless configured. */
    struct discord_sim_conn_info conn;
    e2e_check(e, discord_sim_conn_last(e->sim, &conn));
    e2e_check(e, conn.intents == 4609);

    /* Answered at once, ephemeral. */
    const char *id = e2e_command(e, e->carol, e->general, "help", NULL, NULL,
                                 0);
    struct discord_sim_interaction_info in = e2e_answer(e, id);
    e2e_check(e, in.callback_type == 4);
    /* No buttons: the message is not asked back (204, not 200). */
    e2e_check(e, in.first_status == 204);
    e2e_check(e, in.latency_ms < 3000);
    struct discord_sim_message_info m;
    e2e_check(e, discord_sim_message(e->sim, in.original_id, &m));
    e2e_check(e, m.flags & 64);
    e2e_check(e, strstr(m.content, "Commands you can use") != NULL);

    /* A change of state, from a subcommand. */
    struct discord_sim_opt zone[] = {
        { .name = "zone", .type = 3, .value = "Europe/Berlin" },
    };
    const char *r = e2e_run(e, e->carol, e->general, "tz", "set", zone, 1);
    e2e_check(e, strstr(r, "Europe/Berlin") != NULL);
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM people p JOIN "
                               "identities i ON i.person_id = p.id WHERE "
                               "i.platform = 'discord' AND i.user_id = ? "
                               "AND p.tz = 'Europe/Berlin'",
                            e->carol) == 1);
    e2e_finish(e, 0);
}

/* Each chorus command is its own chat command: /approve takes its
 * options directly, /standup a subcommand per form; both reach the core
 * as the line the console would type. */
static void
test_own_commands(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    e2e_campaign(e, "dawn");
    add_person(e, "dawn", e->bob, "creator");
    deliverable(e, "dawn", e->bob, "Sunrise reel");
    kickoff(e, "dawn");
    struct discord_sim_opt sub[] = {
        { .name = "ref", .type = 3, .value = "dawn#1" },
        { .name = "link", .type = 3, .value = "https://example.com/v1" },
    };
    e2e_check(e, strstr(e2e_run(e, e->bob, e->general, "submit", NULL, sub,
                                2), "dawn#1") != NULL);

    /* One form: /approve ref:dawn#1 note:great hook. */
    struct discord_sim_opt approve[] = {
        { .name = "ref", .type = 3, .value = "dawn#1" },
        { .name = "note", .type = 3, .value = "great hook" },
    };
    const char *r = e2e_run(e, e->alice, e->general, "approve", NULL,
                            approve, 2);
    e2e_check(e, strstr(r, "dawn#1") != NULL);
    e2e_check(e, ran(e, "approve dawn#1 great hook") == 1);
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM reviews WHERE "
                               "decision = 'approve'") == 1);

    /* Several forms: /standup now slug:dawn. */
    struct discord_sim_opt slug[] = {
        { .name = "slug", .type = 3, .value = "dawn" },
    };
    r = e2e_run(e, e->alice, e->general, "standup", "now", slug, 1);
    e2e_check(e, strstr(r, "Asked 1 creator of dawn now") != NULL);
    e2e_check(e, ran(e, "standup dawn now") == 1);
    /* The form with no literal: /standup show slug:dawn (read-only, so
     * not kept; its answer says it ran). */
    r = e2e_run(e, e->alice, e->general, "standup", "show", slug, 1);
    e2e_check(e, strstr(r, "dawn") != NULL);
    e2e_check(e, strstr(r, "Asked") == NULL);
    e2e_finish(e, 0);
}

/* The private campaign channel: category, overwrites, topic; kickoff is
 * deferred first and followed up; the brief and the status are pinned. */
static void
test_channel_and_kickoff(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    const char *chan = e2e_campaign(e, "spring");
    char ch[32];
    snprintf(ch, sizeof(ch), "%s", chan);
    add_person(e, "spring", e->bob, "creator");
    struct ow_wait w = { .channel = ch, .user = e->bob };
    e2e_check(e, discord_sim_wait(e->sim, has_overwrite, &w, E2E_WAIT_MS));

    struct discord_sim_channel_info info, cat;
    e2e_check(e, discord_sim_channel(e->sim, ch, &info));
    e2e_check(e, info.created_by_bot && info.type == 0);
    e2e_check(e, strcmp(info.name, "spring") == 0);
    e2e_check(e, info.parent_id &&
                     discord_sim_channel(e->sim, info.parent_id, &cat));
    e2e_check(e, cat.type == 4 && strcmp(cat.name, "campaigns") == 0);
    const cJSON *everyone = overwrite(&info, e->guild);
    e2e_check(e, everyone && (bits(everyone, "deny") & 1024));
    e2e_check(e, (bits(overwrite(&info, e->app), "allow") & 1024));
    /* Pin Messages (1 << 51, past 32 bits) for chorus itself. */
    e2e_check(e, (bits(overwrite(&info, e->app), "allow") >> 51) & 1);
    e2e_check(e, bits(overwrite(&info, e->alice), "allow") == 68608);
    e2e_check(e, bits(overwrite(&info, e->bob), "allow") == 68608);
    e2e_check(e, overwrite(&info, e->carol) == NULL);
    e2e_check(e, discord_sim_bot_permissions(e->sim, ch) & 1024);
    struct topic_wait tw = { .channel = ch, .contains = "Fizz" };
    e2e_check(e, discord_sim_wait(e->sim, has_topic, &tw, E2E_WAIT_MS));

    brief_set(e, "spring", "story", "Spring is here");
    brief_set(e, "spring", "audience", "urban runners");
    brief_set(e, "spring", "core_message", "Fizz keeps you running");
    struct discord_sim_opt slug[] = {
        { .name = "slug", .type = 3, .value = "spring" },
    };
    size_t rest0 = discord_sim_rest_count(e->sim);
    const char *id = e2e_command(e, e->alice, e->general, "kickoff", NULL,
                                 slug, 1);
    struct e2e_ix_wait iw = { .id = id, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    struct discord_sim_interaction_info in;
    discord_sim_interaction(e->sim, id, &in);
    e2e_check(e, in.callback_type == 5);        /* deferred first */
    e2e_check(e, in.latency_ms < 3000);
    e2e_check(e, strstr(e2e_answer_text(e, id), "spring") != NULL);
    size_t cb = discord_sim_rest_find(e->sim, "POST",
                                      "/interactions/{id}/{token}/callback",
                                      rest0);
    size_t fill = discord_sim_rest_find(
        e->sim, "PATCH", "/webhooks/{id}/{token}/messages/@original", rest0);
    e2e_check(e, cb != SIZE_MAX && fill != SIZE_MAX && cb < fill);

    struct pins_wait pw = { .channel = ch, .n = 2 };
    e2e_check(e, discord_sim_wait(e->sim, has_pins, &pw, E2E_WAIT_MS));
    tw.contains = "Fizz keeps you running";
    e2e_check(e, discord_sim_wait(e->sim, has_topic, &tw, E2E_WAIT_MS));
    e2e_check(e, discord_sim_channel(e->sim, ch, &info));
    e2e_check(e, strcmp(info.topic, "Fizz keeps you running") == 0);
    /* The pinned brief is the kickoff post. */
    size_t nmsg = discord_sim_message_count(e->sim);
    bool brief_pinned = false;
    for (size_t i = 0; i < nmsg; i++) {
        struct discord_sim_message_info m;
        if (discord_sim_message_at(e->sim, i, &m) && m.pinned &&
            strcmp(m.channel_id, ch) == 0 && strstr(m.content, "Kickoff"))
            brief_pinned = true;
    }
    e2e_check(e, brief_pinned);

    /* Wrapped, then closed: the channel turns read-only for everyone
     * but chorus; members still see it and its history. */
    id = e2e_command(e, e->alice, e->general, "wrap", NULL, slug, 1);
    iw = (struct e2e_ix_wait){ .id = id };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    e2e_check(e, strstr(e2e_answer_text(e, id), "is wrapped") != NULL);
    id = e2e_command(e, e->alice, e->general, "close", NULL, slug, 1);
    iw = (struct e2e_ix_wait){ .id = id };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    e2e_check(e, strstr(e2e_answer_text(e, id), "is closed") != NULL);
    e2e_check(e, discord_sim_wait(e->sim, read_only, &w, E2E_WAIT_MS));
    e2e_check(e, discord_sim_channel(e->sim, ch, &info));
    everyone = overwrite(&info, e->guild);
    e2e_check(e, bits(everyone, "deny") & 1024);     /* still private */
    e2e_check(e, bits(overwrite(&info, e->bob), "allow") & 1024);
    e2e_check(e, discord_sim_bot_permissions(e->sim, ch) & 2048);
    e2e_finish(e, 0);
}

/* A bot invited before Pin Messages existed (the old integer, with Manage
 * Messages): its campaign channel is still made, without asking the
 * permission for itself; each pin is refused once, says what to do, and
 * is not retried. */
static void
test_pin_refused(void **state)
{
    struct discord_sim_options o = e2e_sim_defaults();
    o.bot_permissions = 268512272;
    struct e2e *e = e2e_new(state, &o);
    e2e_start(e);
    const char *chan = e2e_campaign(e, "spring");
    char ch[32];
    snprintf(ch, sizeof(ch), "%s", chan);
    struct discord_sim_channel_info info;
    e2e_check(e, discord_sim_channel(e->sim, ch, &info));
    e2e_check(e, bits(overwrite(&info, e->app), "allow") & 1024);
    e2e_check(e, !(discord_sim_bot_permissions(e->sim, ch) >> 51 & 1));
    e2e_check(e, e2e_log_count(e, "Discord refused to create #spring with "
                                  "Pin Messages") == 1);

    brief_set(e, "spring", "story", "Spring is here");
    brief_set(e, "spring", "audience", "urban runners");
    brief_set(e, "spring", "core_message", "Fizz keeps you running");
    struct discord_sim_opt slug[] = {
        { .name = "slug", .type = 3, .value = "spring" },
    };
    const char *id = e2e_command(e, e->alice, e->general, "kickoff", NULL,
                                 slug, 1);
    struct e2e_ix_wait iw = { .id = id, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    /* Both pins (brief, status) refused and failed, not pending. */
    e2e_db_wait(e, 2, "SELECT count(*) FROM outbox WHERE platform ="
                      " 'discord' AND kind = 'pin' AND state = 'failed'");
    char want[256];
    snprintf(want, sizeof(want), "Discord refused to pin in #spring: the bot "
             "lacks Pin Messages (PIN_MESSAGES); re-invite with "
             "https://discord.com/oauth2/authorize?client_id=%s&scope=bot+"
             "applications.commands&permissions=2251800082189328 or grant "
             "it", e->app);
    e2e_check(e, e2e_log_count(e, want) == 2);
    discord_sim_run_for(e->sim, 1500);
    size_t puts = 0;
    for (size_t i = 0; i < discord_sim_rest_count(e->sim); i++) {
        const struct discord_sim_rest_call *c = discord_sim_rest_get(e->sim,
                                                                     i);
        puts += c && c->route &&
                strcmp(c->route, "/channels/{id}/messages/pins/{id}") == 0;
    }
    e2e_check(e, puts == 2);
    e2e_check(e, discord_sim_channel(e->sim, ch, &info) && info.pins == 0);
    e2e_finish(e, 0);
}

/* summer, kicked off, with bob's deliverables (n of them); review
 * requests go at once, not in the next morning's digest. */
static void
summer_for_review(struct e2e *e, int n)
{
    static const char *const title[] = { "Reel one", "Reel two" };
    e2e_campaign(e, "summer");
    add_person(e, "summer", e->bob, "creator");
    for (int i = 0; i < n && i < 2; i++)
        deliverable(e, "summer", e->bob, title[i]);
    kickoff(e, "summer");
    struct discord_sim_opt news[] = {
        { .name = "digest", .type = 3, .value = "off" },
    };
    e2e_check(e, strstr(e2e_run(e, e->alice, e->general, "notify", NULL,
                                news, 1), "news") != NULL);
}

/* bob submits ref; alice (coordinator) gets the review buttons by DM:
 * that message's id into msg, once the daemon has it delivered. */
static void
submit_for_review(struct e2e *e, const char *ref, const char *link,
                  char msg[32])
{
    size_t before = discord_sim_message_count(e->sim);
    struct discord_sim_opt sub[] = {
        { .name = "ref", .type = 3, .value = ref },
        { .name = "link", .type = 3, .value = link },
    };
    e2e_check(e, strstr(e2e_run(e, e->bob, e->general, "submit", NULL, sub,
                                2), ref) != NULL);
    struct msg_wait mw = { .after = before, .contains = ref,
                           .dm_of = e->alice };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &mw, E2E_WAIT_MS));
    snprintf(msg, 32, "%s", mw.found);
    delivered_ref(e, mw.channel, msg);
}

/* A click that opens a modal: the interaction's id (in id) and its
 * modal. */
static const cJSON *
click_for_modal(struct e2e *e, const char *msg, const char *custom_id,
                char id[32])
{
    const char *click = discord_sim_click(e->sim, e->alice, msg, custom_id,
                                          NULL, 0);
    e2e_check(e, click != NULL);
    snprintf(id, 32, "%s", click);
    struct discord_sim_interaction_info in = e2e_answer(e, id);
    e2e_check(e, in.callback_type == 9);
    e2e_check(e, in.modal != NULL);
    return in.modal;
}

/* alice sends the modal of interaction id with these fields: the
 * submit's id into out, once the bot has answered it. */
static void
send_modal(struct e2e *e, const char *id, const struct discord_sim_field *f,
           size_t n, char out[32])
{
    const char *submit = discord_sim_modal_submit(e->sim, e->alice, id, NULL,
                                                  f, n);
    e2e_check(e, submit != NULL);
    snprintf(out, 32, "%s", submit);
    struct e2e_ix_wait iw = { .id = out, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
}

/* The text input "text" of a modal. */
static const cJSON *
modal_input(const cJSON *modal)
{
    const cJSON *row, *c;
    cJSON_ArrayForEach(row, cJSON_GetObjectItem(modal, "components"))
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(row, "components")) {
            const cJSON *id = cJSON_GetObjectItem(c, "custom_id");
            if (cJSON_IsString(id) && strcmp(id->valuestring, "text") == 0)
                return c;
        }
    return NULL;
}

/* Buttons: a click runs the button's command as the clicker and edits the
 * clicked message (type 7); a button with a prompt opens a modal whose
 * submit carries the text. */
static void
test_buttons_and_modal(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    summer_for_review(e, 2);

    /* bob submits; alice (coordinator) gets the review buttons by DM. */
    char msg1[32];
    submit_for_review(e, "summer#1", "https://example.com/v1", msg1);
    struct discord_sim_message_info m;
    discord_sim_message(e->sim, msg1, &m);
    const char *approve = button_id(m.components, "Approve");
    e2e_check(e, approve != NULL);

    const char *click = discord_sim_click(e->sim, e->alice, msg1, approve,
                                          NULL, 0);
    e2e_check(e, click != NULL);
    char click_id[32];
    snprintf(click_id, sizeof(click_id), "%s", click);
    struct e2e_ix_wait iw = { .id = click_id, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    struct discord_sim_interaction_info in;
    discord_sim_interaction(e->sim, click_id, &in);
    e2e_check(e, in.callback_type == 7);
    e2e_check(e, in.latency_ms < 3000);
    discord_sim_message(e->sim, msg1, &m);
    e2e_check(e, strstr(m.content, "approve by") != NULL);
    e2e_check(e, cJSON_GetArraySize(m.components) == 0);
    e2e_db_wait(e, 1, "SELECT count(*) FROM reviews WHERE decision = "
                      "'approve'");
    /* The pinned status message is kept current. */
    char summer[32];
    snprintf(summer, sizeof(summer), "%s",
             discord_sim_channel_by_name(e->sim, "summer"));
    e2e_check(e, discord_sim_wait(e->sim, status_edited, summer,
                                  E2E_WAIT_MS));

    /* The second: Request changes asks for the reason in a modal. */
    char msg2[32];
    submit_for_review(e, "summer#2", "https://example.com/v2", msg2);
    discord_sim_message(e->sim, msg2, &m);
    const char *changes = button_id(m.components, "Request changes");
    e2e_check(e, changes != NULL);
    const cJSON *modal = click_for_modal(e, msg2, changes, click_id);
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM reviews WHERE "
                               "decision = 'changes'") == 0);
    /* The form asks for the failed rubric points beside the reason: a
     * short text input first ("fail"), the reason after it. */
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(
        cJSON_GetArrayItem(cJSON_GetObjectItem(modal, "components"), 0),
        "components"), 0);
    e2e_check(e, first != NULL);
    e2e_check(e, strcmp(cJSON_GetObjectItem(first, "custom_id")->valuestring,
                        "fail") == 0);
    e2e_check(e, cJSON_GetArraySize(cJSON_GetObjectItem(modal,
                                                        "components")) == 2);
    struct discord_sim_field f[] = {
        { .custom_id = "fail", .value = "Visible, engagement" },
        { .custom_id = "text", .value = "more light, please" },
    };
    char submit_id[32];
    send_modal(e, click_id, f, 2, submit_id);
    discord_sim_interaction(e->sim, submit_id, &in);
    e2e_check(e, in.callback_type == 7);
    e2e_check(e, in.followups == 1);
    discord_sim_message(e->sim, msg2, &m);
    e2e_check(e, strstr(m.content, "changes by") != NULL);
    e2e_db_wait(e, 1, "SELECT count(*) FROM reviews WHERE decision = "
                      "'changes' AND reason = 'more light, please' AND "
                      "visible = 0 AND message = 1 AND engagement = 0");
    e2e_finish(e, 0);
}

/* A message whose buttons are in rows (as the standup prompt's will be)
 * gets an action row per row; a button whose question is optional opens
 * a modal whose text input is not required, and the form sent empty runs
 * the command as it is. */
static void
test_rows_and_optional_prompt(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    summer_for_review(e, 1);
    char msg[32];
    submit_for_review(e, "summer#1", "https://example.com/v1", msg);
    e2e_finish(e, 0);
    char *sql = sqlite3_mprintf(
        "INSERT INTO outbox (platform, kind, user_ref, text, buttons, "
        "created_at) VALUES ('discord', 'dm', %Q, 'How is summer#1 "
        "going?', %Q, 0)", e->alice,
        "Approve\tapprove summer#1\tprimary\tAnything to add? "
        "(optional)\toptional\n"
        "Request changes\tchanges summer#1\t\tWhat needs to change?\t"
        "rubric\n"
        "Help\thelp\t\t\trow=1\n"
        "Status\tstatus summer\t\t\trow=2\n");
    e2e_daemon_db_exec(&e->d, sql);
    sqlite3_free(sql);
    size_t before = discord_sim_message_count(e->sim);
    e2e_start(e);
    struct msg_wait mw = { .after = before, .contains = "How is summer#1",
                           .dm_of = e->alice };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &mw, E2E_WAIT_MS));
    snprintf(msg, sizeof(msg), "%s", mw.found);
    delivered_ref(e, mw.channel, msg);
    struct discord_sim_message_info m;
    discord_sim_message(e->sim, msg, &m);
    /* Three rows, three action rows. */
    e2e_check(e, cJSON_GetArraySize(m.components) == 3);
    static const int width[] = { 2, 1, 1 };
    for (int r = 0; r < 3; r++)
        e2e_check(e, cJSON_GetArraySize(cJSON_GetObjectItem(
                         cJSON_GetArrayItem(m.components, r),
                         "components")) == width[r]);
    char id[32];

    /* The reason for changes is required: the client sends no empty
     * form. */
    const cJSON *modal = click_for_modal(e, msg, button_id(m.components,
                                                           "Request "
                                                           "changes"), id);
    e2e_check(e, cJSON_IsTrue(cJSON_GetObjectItem(modal_input(modal),
                                                  "required")));
    e2e_check(e, discord_sim_modal_submit(e->sim, e->alice, id, NULL, NULL,
                                          0) == NULL);

    /* Approve's "Anything to add?" is not. */
    const char *approve = button_id(m.components, "Approve");
    e2e_check(e, strncmp(approve, "po|", 3) == 0);
    modal = click_for_modal(e, msg, approve, id);
    e2e_check(e, cJSON_IsFalse(cJSON_GetObjectItem(modal_input(modal),
                                                   "required")));
    char submit_id[32];
    send_modal(e, id, NULL, 0, submit_id);
    e2e_db_wait(e, 1, "SELECT count(*) FROM reviews WHERE decision = "
                      "'approve' AND ifnull(reason, '') = ''");
    discord_sim_message(e->sim, msg, &m);
    e2e_check(e, strstr(m.content, "approve by") != NULL);
    e2e_finish(e, 0);
}

/* A standup on Discord: bob's prompt has an action row for all and one
 * per deliverable; a yellow button opens a form whose note may be left
 * empty, the all-green button records at once and leaves the buttons,
 * and a typed direct message is read as an answer. */
static void
test_standup_buttons(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    summer_for_review(e, 2);
    size_t before = discord_sim_message_count(e->sim);
    struct discord_sim_opt slug[] = {
        { .name = "slug", .type = 3, .value = "summer" },
    };
    e2e_check(e, strstr(e2e_run(e, e->alice, e->general, "standup", "now",
                                slug, 1), "Asked 1 creator") != NULL);
    struct msg_wait mw = { .after = before, .contains = "Standup for summer",
                           .dm_of = e->bob };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &mw, E2E_WAIT_MS));
    char msg[32];
    snprintf(msg, sizeof(msg), "%s", mw.found);
    delivered_ref(e, mw.channel, msg);
    struct discord_sim_message_info m;
    discord_sim_message(e->sim, msg, &m);
    e2e_check(e, cJSON_GetArraySize(m.components) == 3);

    /* Yellow on #1, with a note in the form. */
    const char *yellow = button_id(m.components, "🟡 summer#1");
    e2e_check(e, yellow != NULL && strncmp(yellow, "po|", 3) == 0);
    const char *click = discord_sim_click(e->sim, e->bob, msg, yellow, NULL,
                                          0);
    e2e_check(e, click != NULL);
    char id[32];
    snprintf(id, sizeof(id), "%s", click);
    struct discord_sim_interaction_info in = e2e_answer(e, id);
    e2e_check(e, in.callback_type == 9);
    e2e_check(e, cJSON_IsFalse(cJSON_GetObjectItem(modal_input(in.modal),
                                                   "required")));
    struct discord_sim_field note = { "text", "waiting for the product" };
    e2e_check(e, discord_sim_modal_submit(e->sim, e->bob, id, NULL, &note,
                                          1) != NULL);
    e2e_db_wait(e, 1, "SELECT count(*) FROM standup_answers WHERE colour = "
                      "'yellow' AND note = 'waiting for the product'");

    /* All green from the same message: its buttons are still there. */
    discord_sim_message(e->sim, msg, &m);
    e2e_check(e, cJSON_GetArraySize(m.components) == 3);
    const char *green = button_id(m.components, "🟢 All green");
    e2e_check(e, green != NULL);
    e2e_check(e, discord_sim_click(e->sim, e->bob, msg, green, NULL, 0) !=
                     NULL);
    e2e_db_wait(e, 3, "SELECT count(*) FROM standup_answers");

    /* Typed: #2 red. */
    e2e_check(e, discord_sim_post_dm(e->sim, e->bob,
                                     "#2 red, sick until monday") != NULL);
    e2e_db_wait(e, 1, "SELECT count(*) FROM standup_answers WHERE colour = "
                      "'red' AND note = 'sick until monday'");
    e2e_db_wait(e, 1, "SELECT count(*) FROM standup_prompts WHERE state = "
                      "'answered'");
    e2e_finish(e, 0);
}

/* A conflict alert reaches the other coordinator by DM with a Dismiss
 * button; the button asks for the reason in a form, and the conflict
 * is dismissed with it. */
static void
test_conflict_dismiss_button(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    e2e_campaign(e, "summer");
    e2e_campaign(e, "winter");
    add_person(e, "summer", e->bob, "coordinator");
    brief_set(e, "summer", "must_avoid", "coffee");
    size_t before = discord_sim_message_count(e->sim);
    brief_set(e, "winter", "must_include", "a coffee mug on the desk");
    struct msg_wait mw = { .after = before, .contains = "Conflict C1",
                           .dm_of = e->bob };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &mw, E2E_WAIT_MS));
    char msg[32];
    snprintf(msg, sizeof(msg), "%s", mw.found);
    delivered_ref(e, mw.channel, msg);
    struct discord_sim_message_info m;
    discord_sim_message(e->sim, msg, &m);
    e2e_check(e, strstr(m.content, "\"coffee\"") != NULL);
    const char *dismiss = button_id(m.components, "Dismiss");
    e2e_check(e, dismiss != NULL);
    const char *click = discord_sim_click(e->sim, e->bob, msg, dismiss, NULL,
                                          0);
    e2e_check(e, click != NULL);
    char click_id[32];
    snprintf(click_id, sizeof(click_id), "%s", click);
    struct discord_sim_interaction_info in = e2e_answer(e, click_id);
    e2e_check(e, in.callback_type == 9);
    e2e_check(e, in.modal != NULL);
    struct discord_sim_field f[] = {
        { .custom_id = "text", .value = "the mug is decaf" },
    };
    const char *submit = discord_sim_modal_submit(e->sim, e->bob, click_id,
                                                  NULL, f, 1);
    e2e_check(e, submit != NULL);
    char submit_id[32];
    snprintf(submit_id, sizeof(submit_id), "%s", submit);
    struct e2e_ix_wait iw = { .id = submit_id, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    e2e_db_wait(e, 1, "SELECT count(*) FROM conflicts WHERE id = 1 AND "
                      "state = 'dismissed' AND dismiss_reason = "
                      "'the mug is decaf'");
    discord_sim_message(e->sim, msg, &m);
    e2e_check(e, strstr(m.content, "conflicts by") != NULL);
    e2e_check(e, cJSON_GetArraySize(m.components) == 0);
    e2e_finish(e, 0);
}

/* A direct message reaches the core and is answered there; a mention in
 * a channel too; the bot's own messages and other bots' are ignored. */
static void
test_direct_messages(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    size_t before = discord_sim_message_count(e->sim);
    const char *dm = discord_sim_post_dm(e->sim, e->bob, "help");
    e2e_check(e, dm != NULL);
    char dm_id[32];
    snprintf(dm_id, sizeof(dm_id), "%s", dm);
    struct msg_wait mw = { .channel = discord_sim_dm_channel(e->sim, e->bob),
                           .after = before, .contains = "Commands" };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &mw, E2E_WAIT_MS));
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM inbound WHERE "
                               "platform = 'discord' AND event_id = ?",
                            dm_id) == 1);

    /* Help shows commands as Discord has them: /approve, not /campaign. */
    before = discord_sim_message_count(e->sim);
    e2e_check(e, discord_sim_post_dm(e->sim, e->bob, "help approve") != NULL);
    struct msg_wait hw = { .channel = mw.channel, .after = before,
                           .contains = "usage:" };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &hw, E2E_WAIT_MS));
    struct discord_sim_message_info hm;
    discord_sim_message(e->sim, hw.found, &hm);
    e2e_check(e, strstr(hm.content, "usage:   /approve ") != NULL);
    e2e_check(e, strstr(hm.content, "/campaign") == NULL);

    /* A mention in a guild channel: answered there, to the author. */
    char text[96];
    snprintf(text, sizeof(text), "<@%s> tz Asia/Tokyo", e->app);
    before = discord_sim_message_count(e->sim);
    const char *post = discord_sim_post(e->sim, e->carol, e->general, text);
    e2e_check(e, post != NULL);
    struct msg_wait gw = { .channel = e->general, .after = before,
                           .contains = "Asia/Tokyo" };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &gw, E2E_WAIT_MS));
    struct discord_sim_message_info m;
    discord_sim_message(e->sim, gw.found, &m);
    char mention[48];
    snprintf(mention, sizeof(mention), "<@%s>", e->carol);
    e2e_check(e, strstr(m.content, mention) == m.content);

    /* A DM longer than the core takes is refused, naming its size (a
     * capped buffer once took none of it, and it was dropped unsaid). */
    size_t big_len = 20000;
    char *big = malloc(big_len + 1);
    e2e_check(e, big != NULL);
    memcpy(big, "status ", 7);
    memset(big + 7, 'a', big_len - 7);
    big[big_len] = '\0';
    before = discord_sim_message_count(e->sim);
    e2e_check(e, discord_sim_post_dm(e->sim, e->bob, big) != NULL);
    free(big);
    struct msg_wait lw = { .channel = discord_sim_dm_channel(e->sim, e->bob),
                           .after = before,
                           .contains = "that message is 20000 bytes long; "
                                       "the limit is 16384" };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &lw, E2E_WAIT_MS));

    /* Other bots and plain chatter: nothing reaches the core. */
    const char *robot = discord_sim_post_dm(e->sim, e->robot, "help");
    const char *chatter = discord_sim_post(e->sim, e->carol, e->general,
                                           "lunch anyone?");
    char robot_id[32] = "", chatter_id[32] = "";
    if (robot)
        snprintf(robot_id, sizeof(robot_id), "%s", robot);
    snprintf(chatter_id, sizeof(chatter_id), "%s", chatter);
    discord_sim_run_for(e->sim, E2E_QUIET_MS);
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM inbound WHERE "
                               "event_id = ? OR event_id = ?",
                            robot_id, chatter_id) == 0);
    /* Its own messages (MESSAGE_CREATE for every post) neither. */
    size_t nmsg = discord_sim_message_count(e->sim);
    for (size_t i = 0; i < nmsg; i++) {
        struct discord_sim_message_info own;
        if (discord_sim_message_at(e->sim, i, &own) && own.by_bot)
            e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM inbound WHERE "
                                       "event_id = ?", own.id) == 0);
    }
    e2e_finish(e, 0);
}

/* A 429 on message create: the message goes out after retry_after. */
static void
test_429_message_create(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    e2e_campaign(e, "autumn");
    discord_sim_run_for(e->sim, 300);   /* the channel's first post */
    size_t from = discord_sim_rest_count(e->sim);
    struct discord_sim_rest_fault f = {
        .method = "POST", .route = "/channels/{id}/messages", .count = 1,
        .status = 429, .retry_after = 0.8,
    };
    discord_sim_rest_fault(e->sim, &f);
    struct discord_sim_opt o[] = {
        { .name = "slug", .type = 3, .value = "autumn" },
        { .name = "question", .type = 3, .value = "is blue ok?" },
    };
    const char *r = e2e_run(e, e->alice, e->general, "ask", NULL, o, 2);
    e2e_check(e, strstr(r, "Asked") != NULL);
    size_t first = discord_sim_wait_rest(e->sim, "POST",
                                         "/channels/{id}/messages", from,
                                         E2E_WAIT_MS);
    e2e_check(e, first != SIZE_MAX);
    const struct discord_sim_rest_call *c429 =
        discord_sim_rest_get(e->sim, first);
    e2e_check(e, c429->status == 429 && c429->injected);
    int64_t t429 = c429->at_ms;
    size_t second = discord_sim_wait_rest(e->sim, "POST",
                                          "/channels/{id}/messages",
                                          first + 1, E2E_WAIT_MS);
    e2e_check(e, second != SIZE_MAX);
    const struct discord_sim_rest_call *ok =
        discord_sim_rest_get(e->sim, second);
    e2e_check(e, ok->status == 200);
    e2e_check(e, ok->at_ms - t429 >= 800);
    e2e_check(e, strstr(ok->raw_body, "is blue ok?") != NULL);
    e2e_db_wait(e, 1, "SELECT count(*) FROM outbox WHERE state = 'sent' "
                      "AND kind = 'post' AND text LIKE '%is blue ok?%'");
    e2e_finish(e, 0);
}

/* Bad input: malformed and oversized payloads, unknown opcodes and
 * events, interactions with missing options, REST errors with JSON
 * bodies; logged once, no crash, nothing half-applied. */
static void
test_bad_input(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_start(e);
    const char *chan = e2e_campaign(e, "winter");
    char ch[32];
    snprintf(ch, sizeof(ch), "%s", chan);
    struct discord_sim_stats st0, st;
    discord_sim_stats(e->sim, &st0);

    discord_sim_gateway_send_raw(e->sim, "this is not json", 16);
    discord_sim_gateway_send_raw(e->sim, "{\"op\":\"ten\"}", 12);
    discord_sim_gateway_send_raw(e->sim, "[1,2,3]", 7);
    discord_sim_gateway_send_op(e->sim, 42, "{\"x\":1}");
    discord_sim_gateway_dispatch(e->sim, "SOMETHING_NEW", "{\"a\":1}");
    discord_sim_gateway_dispatch(e->sim, "SOMETHING_NEW", "{\"a\":2}");
    discord_sim_gateway_dispatch(e->sim, "INTERACTION_CREATE", "{\"type\":2}");
    discord_sim_gateway_dispatch(e->sim, "MESSAGE_CREATE", "{\"content\":7}");
    discord_sim_run_for(e->sim, E2E_QUIET_MS);
    e2e_check(e, e2e_log_count(e, "gateway payload of") == 1);
    e2e_check(e, e2e_log_count(e, "unknown gateway opcode 42") == 1);
    e2e_check(e, e2e_log_count(e, "SOMETHING_NEW (not used") == 1);
    discord_sim_stats(e->sim, &st);
    e2e_check(e, st.open_connections == 1 && st.resumes == st0.resumes);

    /* Oversized: our cap closes the connection (1009); we resume. */
    size_t big = (size_t)5 << 20;
    char *huge = xmalloc(big + 1);
    memset(huge, 'x', big);
    huge[0] = '"';
    huge[big - 1] = '"';
    huge[big] = '\0';
    discord_sim_gateway_send_raw(e->sim, huge, big);
    free(huge);
    e2e_check(e, discord_sim_wait_resumed(e->sim, st.resumed + 1,
                                          E2E_WAIT_MS));
    discord_sim_stats(e->sim, &st);
    e2e_check(e, st.identifies == st0.identifies);

    /* Missing options and unknown subcommands: answered, not applied. */
    const char *id = discord_sim_command_json(
        e->sim, e->alice, e->general,
        "{\"name\":\"approve\",\"type\":1,\"options\":[]}");
    e2e_check(e, id != NULL);
    char ix1[32];
    snprintf(ix1, sizeof(ix1), "%s", id);
    e2e_answer(e, ix1);
    e2e_check(e, strstr(e2e_answer_text(e, ix1), "Missing option ref"));
    id = discord_sim_command_json(
        e->sim, e->alice, e->general,
        "{\"name\":\"standup\",\"type\":1,\"options\":[{\"name\":"
        "\"fly\",\"type\":1}]}");
    char ix2[32];
    snprintf(ix2, sizeof(ix2), "%s", id);
    e2e_answer(e, ix2);
    e2e_check(e, strstr(e2e_answer_text(e, ix2), "Unknown subcommand"));
    e2e_check(e, e2e_db_int(e, "SELECT count(*) FROM inbound WHERE "
                               "event_id IN (?, ?)", ix1, ix2) == 0);
    /* An option of the wrong JSON type is read as text; the core then
     * says what is wrong with it. */
    id = discord_sim_command_json(
        e->sim, e->alice, e->general,
        "{\"name\":\"status\",\"type\":1,\"options\":[{\"name\":"
        "\"slug\",\"type\":3,\"value\":12}]}");
    char ix3[32];
    snprintf(ix3, sizeof(ix3), "%s", id);
    e2e_answer(e, ix3);
    e2e_check(e, strstr(e2e_answer_text(e, ix3), "12") != NULL);

    /* REST errors with JSON bodies: the reason is logged, the row is
     * failed, the daemon goes on. */
    struct discord_sim_rest_fault f403 = {
        .method = "POST", .route = "/channels/{id}/messages", .count = 1,
        .status = 403, .code = 50013, .message = "Missing Permissions",
    };
    discord_sim_rest_fault(e->sim, &f403);
    struct discord_sim_opt q[] = {
        { .name = "slug", .type = 3, .value = "winter" },
        { .name = "question", .type = 3, .value = "forbidden?" },
    };
    e2e_run(e, e->alice, e->general, "ask", NULL, q, 2);
    discord_sim_run_for(e->sim, 500);
    e2e_check(e, e2e_log_count(e, "Missing Permissions (code 50013)") >= 1);
    e2e_db_wait(e, 1, "SELECT count(*) FROM outbox WHERE state = 'failed' "
                      "AND text LIKE '%forbidden?%'");
    /* 5xx twice: retried, delivered. */
    struct discord_sim_rest_fault f500 = {
        .method = "POST", .route = "/channels/{id}/messages", .count = 2,
        .status = 500,
    };
    discord_sim_rest_fault(e->sim, &f500);
    q[1].value = "after two 500s";
    e2e_run(e, e->alice, e->general, "ask", NULL, q, 2);
    struct msg_wait mw = { .channel = ch, .after = 0,
                           .contains = "after two 500s" };
    e2e_check(e, discord_sim_wait(e->sim, bot_message, &mw, E2E_WAIT_MS));
    /* Still answering. */
    e2e_check(e, strstr(e2e_run(e, e->carol, e->general, "help", NULL, NULL,
                                0), "Commands") != NULL);
    e2e_finish(e, 0);
}

/* Without discord_guild and discord_application_id, a token file and
 * discord_message_content yes: the application id comes from the API, the
 * commands are registered globally, the guild comes from READY, and the
 * privileged intent is asked for. */
static void
test_learned_ids(void **state)
{
    struct discord_sim_options o = e2e_sim_defaults();
    o.message_content_enabled = true;
    struct e2e *e = e2e_new(state, &o);
    char tok[256], extra[320];
    snprintf(tok, sizeof(tok), "%s/token", e->d.dir);
    FILE *f = fopen(tok, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", discord_sim_token(e->sim));
    fclose(f);
    chmod(tok, 0600);
    snprintf(extra, sizeof(extra),
             "discord_token file:%s\ndiscord_message_content yes\n", tok);
    e2e_write_config_ids(e, false, extra);
    e2e_spawn(e, "");
    e2e_check(e, discord_sim_wait_ready(e->sim, 1, E2E_WAIT_MS));
    size_t put = discord_sim_wait_rest(e->sim, "PUT",
                                       "/applications/{id}/commands", 0,
                                       E2E_WAIT_MS);
    e2e_check(e, put != SIZE_MAX);
    size_t app = discord_sim_rest_find(e->sim, "GET",
                                       "/oauth2/applications/@me", 0);
    e2e_check(e, app != SIZE_MAX && app < put);
    e2e_check(e, (size_t)cJSON_GetArraySize(discord_sim_commands(
                     e->sim, NULL)) == command_names());
    e2e_check(e, cJSON_GetArraySize(discord_sim_commands(e->sim,
                                                         e->guild)) == 0);
    struct discord_sim_conn_info conn;
    e2e_check(e, discord_sim_conn_last(e->sim, &conn));
    e2e_check(e, conn.intents == 37377);
    /* Channels still go to the guild it is in. */
    e2e_campaign(e, "learned");
    struct discord_sim_channel_info ch;
    e2e_check(e, discord_sim_channel(e->sim, discord_sim_channel_by_name(
                                                 e->sim, "learned"), &ch));
    e2e_check(e, ch.created_by_bot);
    e2e_finish(e, 0);
    unlink(tok);
}

/* A refused token (401): one clear line, exit 77 (EX_NOPERM: the unit
 * does not restart on it). */
static void
test_unauthorized(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    e2e_spawn(e, "not-the-token-at-all-0000");
    e2e_check(e, e2e_wait_exit(e, E2E_WAIT_MS));
    e2e_finish(e, 77);
    e2e_check(e, e2e_log_count(e, "refused the bot token (401") == 1);
    e2e_check(e, e2e_log_count(e, "not-the-token-at-all") == 0);
    struct discord_sim_stats st;
    discord_sim_stats(e->sim, &st);
    e2e_check(e, st.http_401 <= 2);
    e2e_check(e, st.identifies == 0);
}

/* The token segment of an interaction or webhook path ("" if none). */
static void
path_token(const char *path, char *out, size_t n)
{
    const char *p = strstr(path, "/interactions/");
    if (!p)
        p = strstr(path, "/webhooks/");
    out[0] = '\0';
    if (!p || !(p = strchr(p + 1, '/')) || !(p = strchr(p + 1, '/')))
        return;
    p++;
    size_t len = strcspn(p, "/?");
    snprintf(out, n, "%.*s", (int)len, p);
}

/* At debug level the HTTP client logs every URL it calls, and Discord's
 * interaction callbacks and follow-ups carry their token in the URL: each
 * would answer as chorus for 15 minutes.  None reaches the log. */
static void
test_debug_log_keeps_tokens(void **state)
{
    struct e2e *e = e2e_new(state, NULL);
    char *conf = e2e_daemon_read_file(e->d.conf);
    char *at = strstr(conf, "log_level info");
    e2e_check(e, at != NULL);
    *at = '\0';
    FILE *f = fopen(e->d.conf, "w");
    e2e_check(e, f != NULL);
    fprintf(f, "%slog_level debug%s", conf, at + strlen("log_level info"));
    fclose(f);
    free(conf);
    e2e_start(e);
    summer_for_review(e, 1);
    char msg1[32];
    submit_for_review(e, "summer#1", "https://example.com/v1", msg1);
    struct discord_sim_message_info m;
    discord_sim_message(e->sim, msg1, &m);
    const char *approve = button_id(m.components, "Approve");
    e2e_check(e, approve != NULL);
    const char *click = discord_sim_click(e->sim, e->alice, msg1, approve,
                                          NULL, 0);
    e2e_check(e, click != NULL);
    struct e2e_ix_wait iw = { .id = click, .followup = true };
    e2e_check(e, discord_sim_wait(e->sim, e2e_answered_pred, &iw,
                                  E2E_WAIT_MS));
    e2e_finish(e, 0);

    size_t tokens = 0;
    for (size_t i = 0; i < discord_sim_rest_count(e->sim); i++) {
        const struct discord_sim_rest_call *c = discord_sim_rest_get(e->sim,
                                                                     i);
        char tok[256];
        if (!c)
            continue;
        path_token(c->path, tok, sizeof(tok));
        if (strlen(tok) < 8)
            continue;
        tokens++;
        if (e2e_log_count(e, tok) != 0)
            fail_msg("interaction token %s is in the log", tok);
    }
    e2e_check(e, tokens >= 4);
    /* The URLs were logged, with the token cut out. */
    e2e_check(e, e2e_log_count(e, "http: POST") > 0);
    e2e_check(e, e2e_log_count(e, "[redacted]/callback") >= 2);
    e2e_check(e, e2e_log_count(e, discord_sim_token(e->sim)) == 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_commands_and_reply, e2e_teardown),
        cmocka_unit_test_teardown(test_own_commands, e2e_teardown),
        cmocka_unit_test_teardown(test_channel_and_kickoff, e2e_teardown),
        cmocka_unit_test_teardown(test_pin_refused, e2e_teardown),
        cmocka_unit_test_teardown(test_debug_log_keeps_tokens, e2e_teardown),
        cmocka_unit_test_teardown(test_buttons_and_modal, e2e_teardown),
        cmocka_unit_test_teardown(test_rows_and_optional_prompt,
                                  e2e_teardown),
        cmocka_unit_test_teardown(test_standup_buttons, e2e_teardown),
        cmocka_unit_test_teardown(test_conflict_dismiss_button,
                                  e2e_teardown),
        cmocka_unit_test_teardown(test_direct_messages, e2e_teardown),
        cmocka_unit_test_teardown(test_429_message_create, e2e_teardown),
        cmocka_unit_test_teardown(test_bad_input, e2e_teardown),
        cmocka_unit_test_teardown(test_learned_ids, e2e_teardown),
        cmocka_unit_test_teardown(test_unauthorized, e2e_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
