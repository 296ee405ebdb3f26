/*
 * slack_sim_push: the scripted human side.  Each push builds the payload
 * Slack would send (slash command, message /
 * app_mention events, block_actions, view_submission), updates the
 * workspace as Slack would (the human's message is stored, a DM is opened)
 * and hands the payload to slack_sim_socket_deliver().
 *
 * Slack only sends message events for conversations the bot is in; a push
 * into a channel without the bot stores the message and delivers nothing
 * (out->envelope_id stays empty), which is what a bot would experience.
 */
#include "slack_sim_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

static void
out_clear(struct slack_sim_push *out)
{
    if (out)
        memset(out, 0, sizeof(*out));
}

static void
out_env(struct slack_sim_push *out, const struct ssim_env *e)
{
    if (!out || !e)
        return;
    snprintf(out->envelope_id, sizeof(out->envelope_id), "%s",
             e->pub.envelope_id);
    if (e->pub.event_id)
        snprintf(out->event_id, sizeof(out->event_id), "%s",
                 e->pub.event_id);
}

static struct slack_sim_user *
human(struct slack_sim *sim, const char *who)
{
    struct slack_sim_user *u = slack_sim_user_rec(sim, who);

    if (!u)
        slack_sim_err(sim, "unknown user %s", who ? who : "(null)");
    else if (strcmp(u->id, sim->id.bot_user_id) == 0) {
        slack_sim_err(sim, "the bot cannot be the human");
        u = NULL;
    }
    return u;
}

static struct slack_sim_channel *
channel(struct slack_sim *sim, const char *key)
{
    struct slack_sim_channel *ch = slack_sim_chan(sim, key);

    if (!ch)
        slack_sim_err(sim, "unknown channel %s", key ? key : "(null)");
    return ch;
}

static cJSON *
user_obj(const struct slack_sim *sim, const struct slack_sim_user *u)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "id", u->id);
    cJSON_AddStringToObject(j, "username", u->name);
    cJSON_AddStringToObject(j, "name", u->name);
    cJSON_AddStringToObject(j, "team_id", sim->id.team_id);
    return j;
}

static cJSON *
team_obj(const struct slack_sim *sim)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "id", sim->id.team_id);
    cJSON_AddStringToObject(j, "domain", sim->id.team_domain);
    return j;
}

static const char *
channel_type(const struct slack_sim_channel *ch)
{
    if (ch->is_im)
        return "im";
    if (ch->is_mpim)
        return "mpim";
    return ch->is_private ? "group" : "channel";
}

static const char *
channel_name(const struct slack_sim_channel *ch)
{
    return ch->is_im ? "directmessage" : ch->name ? ch->name : ch->id;
}

/* The Events API wrapper. */
static cJSON *
event_callback(struct slack_sim *sim, cJSON *event, const char *type,
               const char *channel_id, char evid[24])
{
    cJSON *p = cJSON_CreateObject(), *a, *au;
    char ctx[96];

    snprintf(evid, 24, "Ev0SIM%06u", ++sim->n_event);
    snprintf(ctx, sizeof(ctx), "1-%s-%s-%s", type, sim->id.team_id,
             channel_id);
    cJSON_AddStringToObject(p, "token", "sim-verification-token");
    cJSON_AddStringToObject(p, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(p, "api_app_id", sim->id.app_id);
    cJSON_AddItemToObject(p, "event", event);
    cJSON_AddStringToObject(p, "type", "event_callback");
    cJSON_AddStringToObject(p, "event_id", evid);
    cJSON_AddNumberToObject(p, "event_time", (double)slack_sim_epoch());
    a = cJSON_AddArrayToObject(p, "authorizations");
    au = cJSON_CreateObject();
    cJSON_AddNullToObject(au, "enterprise_id");
    cJSON_AddStringToObject(au, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(au, "user_id", sim->id.bot_user_id);
    cJSON_AddBoolToObject(au, "is_bot", 1);
    cJSON_AddBoolToObject(au, "is_enterprise_install", 0);
    cJSON_AddItemToArray(a, au);
    cJSON_AddBoolToObject(p, "is_ext_shared_channel", 0);
    cJSON_AddStringToObject(p, "event_context", ctx);
    return p;
}

/*
 * A human's message: stored in the channel, then delivered as `type`
 * ("message" or "app_mention") if the bot is in the conversation.
 */
static int
human_message(struct slack_sim *sim, struct slack_sim_user *u,
              struct slack_sim_channel *ch, const char *type,
              const char *text, const char *thread_ts,
              struct slack_sim_push *out)
{
    struct slack_sim_message *m;
    struct ssim_env *e;
    cJSON *ev, *p;
    char cmid[40], evid[24], label[160];

    if (!slack_sim_is_member(ch, u->id)) {
        if (ch->is_private) {
            slack_sim_err(sim, "%s is not in private #%s", u->name,
                          channel_name(ch));
            return -1;
        }
        slack_sim_member_add(ch, u->id); /* posting joins a public one */
    }
    if (thread_ts && !slack_sim_msg_find(ch, thread_ts)) {
        slack_sim_err(sim, "no message %s to reply to", thread_ts);
        return -1;
    }
    m = slack_sim_msg_add(sim, ch, u->id, NULL, text, NULL, thread_ts, NULL);
    if (out)
        snprintf(out->ts, sizeof(out->ts), "%s", m->ts);
    slack_sim_observe(sim, SLACK_SIM_OBS_HUMAN, ch, u->name, text, NULL,
                      "%s%s%s", thread_ts ? "(thread " : "",
                      thread_ts ? thread_ts : "", thread_ts ? ") " : "");
    if (!slack_sim_is_member(ch, sim->id.bot_user_id)) {
        slack_sim_observe(sim, SLACK_SIM_OBS_HUMAN, ch, NULL, NULL, NULL,
                          "(the bot is not in this conversation: no event)");
        return 0;
    }
    slack_sim_uuid(sim, cmid);
    ev = cJSON_CreateObject();
    cJSON_AddStringToObject(ev, "client_msg_id", cmid);
    cJSON_AddStringToObject(ev, "type", type);
    cJSON_AddStringToObject(ev, "text", m->text);
    cJSON_AddStringToObject(ev, "user", u->id);
    cJSON_AddStringToObject(ev, "ts", m->ts);
    cJSON_AddStringToObject(ev, "team", sim->id.team_id);
    if (thread_ts)
        cJSON_AddStringToObject(ev, "thread_ts", thread_ts);
    cJSON_AddStringToObject(ev, "channel", ch->id);
    cJSON_AddStringToObject(ev, "event_ts", m->ts);
    if (strcmp(type, "message") == 0)
        cJSON_AddStringToObject(ev, "channel_type", channel_type(ch));
    p = event_callback(sim, ev, type, ch->id, evid);
    snprintf(label, sizeof(label), "%s from %s", type, u->name);
    e = slack_sim_socket_deliver(sim, "events_api", p, false, evid, label,
                                 u->id, ch->id);
    out_env(out, e);
    return 0;
}

int
slack_sim_push_message(struct slack_sim *sim, const char *user,
                       const char *chan, const char *text,
                       const char *thread_ts, struct slack_sim_push *out)
{
    struct slack_sim_user *u;
    struct slack_sim_channel *ch;

    sim->err[0] = '\0';
    out_clear(out);
    if (!(u = human(sim, user)) || !(ch = channel(sim, chan)))
        return -1;
    return human_message(sim, u, ch, "message", text ? text : "", thread_ts,
                         out);
}

int
slack_sim_push_dm(struct slack_sim *sim, const char *user, const char *text,
                  struct slack_sim_push *out)
{
    return slack_sim_push_dm_reply(sim, user, text, NULL, out);
}

int
slack_sim_push_dm_reply(struct slack_sim *sim, const char *user,
                        const char *text, const char *thread_ts,
                        struct slack_sim_push *out)
{
    struct slack_sim_user *u;
    struct slack_sim_channel *ch;

    sim->err[0] = '\0';
    out_clear(out);
    if (!(u = human(sim, user)))
        return -1;
    ch = slack_sim_dm_rec(sim, u, true, NULL);
    return human_message(sim, u, ch, "message", text ? text : "", thread_ts,
                         out);
}

int
slack_sim_push_mention(struct slack_sim *sim, const char *user,
                       const char *chan, const char *text,
                       struct slack_sim_push *out)
{
    struct slack_sim_user *u;
    struct slack_sim_channel *ch;
    char mention[32];
    struct buf b = BUF_INIT;
    int rc;

    sim->err[0] = '\0';
    out_clear(out);
    if (!(u = human(sim, user)) || !(ch = channel(sim, chan)))
        return -1;
    snprintf(mention, sizeof(mention), "<@%s>", sim->id.bot_user_id);
    if (!text)
        text = "";
    if (!strstr(text, mention))
        buf_printf(&b, "%s %s", mention, text);
    else
        buf_adds(&b, text);
    rc = human_message(sim, u, ch, "app_mention", buf_cstr(&b), NULL, out);
    buf_free(&b);
    return rc;
}

int
slack_sim_push_command(struct slack_sim *sim, const char *user,
                       const char *chan, const char *command,
                       const char *text, struct slack_sim_push *out)
{
    struct slack_sim_user *u;
    struct slack_sim_channel *ch;
    struct ssim_trigger *t;
    struct ssim_env *e;
    char url[128], label[160];
    cJSON *p;

    sim->err[0] = '\0';
    out_clear(out);
    if (!(u = human(sim, user)) || !(ch = channel(sim, chan)))
        return -1;
    if (!command || command[0] != '/') {
        slack_sim_err(sim, "a command starts with '/'");
        return -1;
    }
    if (!text)
        text = "";
    t = slack_sim_api_trigger_new(sim, u->id);
    slack_sim_api_hook_new(sim, "commands", ch->id, u->id, url, sizeof(url));
    /* Every value is a string: slash payloads come from a form. */
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "token", "sim-verification-token");
    cJSON_AddStringToObject(p, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(p, "team_domain", sim->id.team_domain);
    cJSON_AddStringToObject(p, "channel_id", ch->id);
    cJSON_AddStringToObject(p, "channel_name", channel_name(ch));
    cJSON_AddStringToObject(p, "user_id", u->id);
    cJSON_AddStringToObject(p, "user_name", u->name);
    cJSON_AddStringToObject(p, "command", command);
    cJSON_AddStringToObject(p, "text", text);
    cJSON_AddStringToObject(p, "api_app_id", sim->id.app_id);
    cJSON_AddStringToObject(p, "is_enterprise_install", "false");
    cJSON_AddStringToObject(p, "response_url", url);
    cJSON_AddStringToObject(p, "trigger_id", t->id);
    slack_sim_observe(sim, SLACK_SIM_OBS_HUMAN, ch, u->name, NULL, NULL,
                      "%s %s", command, text);
    snprintf(label, sizeof(label), "%s from %s", command, u->name);
    e = slack_sim_socket_deliver(sim, "slash_commands", p, true, NULL, label,
                                 u->id, ch->id);
    out_env(out, e);
    if (out) {
        snprintf(out->trigger_id, sizeof(out->trigger_id), "%s", t->id);
        snprintf(out->response_url, sizeof(out->response_url), "%s", url);
    }
    return 0;
}

/* The button with action_id in a message's blocks (actions elements or a
 * section accessory), and its block. */
static const cJSON *
find_button(const cJSON *blocks, const char *action_id, const cJSON **block)
{
    const cJSON *b, *e;

    cJSON_ArrayForEach(b, blocks) {
        const cJSON *acc = cJSON_GetObjectItemCaseSensitive(b, "accessory");
        const cJSON *aid = cJSON_GetObjectItemCaseSensitive(acc,
                                                             "action_id");

        *block = b;
        if (cJSON_IsString(aid) && strcmp(aid->valuestring, action_id) == 0)
            return acc;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(b,
                                                               "elements")) {
            aid = cJSON_GetObjectItemCaseSensitive(e, "action_id");
            if (cJSON_IsString(aid) &&
                strcmp(aid->valuestring, action_id) == 0)
                return e;
        }
    }
    *block = NULL;
    return NULL;
}

int
slack_sim_push_action(struct slack_sim *sim, const char *user,
                      const char *chan, const char *message_ts,
                      const char *action_id, const char *value,
                      struct slack_sim_push *out)
{
    struct slack_sim_user *u;
    struct slack_sim_channel *ch;
    struct slack_sim_message *m;
    const cJSON *btn, *block, *bid, *bval, *btext, *style;
    struct ssim_trigger *t;
    struct ssim_env *e;
    cJSON *p, *o, *acts, *a;
    char url[128], label[200], ats[24];

    sim->err[0] = '\0';
    out_clear(out);
    if (!(u = human(sim, user)) || !(ch = channel(sim, chan)))
        return -1;
    m = slack_sim_msg_find(ch, message_ts);
    if (!m) {
        slack_sim_err(sim, "no message %s in %s", message_ts ? message_ts : "",
                      chan);
        return -1;
    }
    btn = find_button(m->blocks, action_id ? action_id : "", &block);
    if (!btn) {
        slack_sim_err(sim, "message %s has no button %s", m->ts,
                      action_id ? action_id : "");
        return -1;
    }
    bid = cJSON_GetObjectItemCaseSensitive(block, "block_id");
    bval = cJSON_GetObjectItemCaseSensitive(btn, "value");
    btext = cJSON_GetObjectItemCaseSensitive(btn, "text");
    style = cJSON_GetObjectItemCaseSensitive(btn, "style");
    if (!value)
        value = cJSON_IsString(bval) ? bval->valuestring : "";
    t = slack_sim_api_trigger_new(sim, u->id);
    slack_sim_api_hook_new(sim, "actions", ch->id, u->id, url, sizeof(url));
    slack_sim_new_ts(sim, ats);

    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "type", "block_actions");
    cJSON_AddItemToObject(p, "user", user_obj(sim, u));
    cJSON_AddStringToObject(p, "api_app_id", sim->id.app_id);
    cJSON_AddStringToObject(p, "token", "sim-verification-token");
    o = cJSON_AddObjectToObject(p, "container");
    cJSON_AddStringToObject(o, "type", "message");
    cJSON_AddStringToObject(o, "message_ts", m->ts);
    cJSON_AddStringToObject(o, "channel_id", ch->id);
    cJSON_AddBoolToObject(o, "is_ephemeral", 0);
    cJSON_AddStringToObject(p, "trigger_id", t->id);
    cJSON_AddItemToObject(p, "team", team_obj(sim));
    cJSON_AddNullToObject(p, "enterprise");
    cJSON_AddBoolToObject(p, "is_enterprise_install", 0);
    o = cJSON_AddObjectToObject(p, "channel");
    cJSON_AddStringToObject(o, "id", ch->id);
    cJSON_AddStringToObject(o, "name", channel_name(ch));
    cJSON_AddItemToObject(p, "message", slack_sim_msg_json(sim, m));
    cJSON_AddItemToObject(cJSON_AddObjectToObject(p, "state"), "values",
                          cJSON_CreateObject());
    cJSON_AddStringToObject(p, "response_url", url);
    acts = cJSON_AddArrayToObject(p, "actions");
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "action_id", action_id);
    cJSON_AddStringToObject(a, "block_id",
                            cJSON_IsString(bid) ? bid->valuestring : "sim");
    if (btext)
        cJSON_AddItemToObject(a, "text", cJSON_Duplicate(btext, 1));
    cJSON_AddStringToObject(a, "value", value);
    if (cJSON_IsString(style))
        cJSON_AddStringToObject(a, "style", style->valuestring);
    cJSON_AddStringToObject(a, "type", "button");
    cJSON_AddStringToObject(a, "action_ts", ats);
    cJSON_AddItemToArray(acts, a);

    slack_sim_observe(sim, SLACK_SIM_OBS_HUMAN, ch, u->name, NULL, NULL,
                      "pressed [%s] (%s=%s) on %s",
                      cJSON_IsString(cJSON_GetObjectItem(btext, "text"))
                          ? cJSON_GetObjectItem(btext, "text")->valuestring
                          : action_id,
                      action_id, value, m->ts);
    snprintf(label, sizeof(label), "button %s from %s", action_id, u->name);
    /* Slack's own block_actions example says true (its docs disagree). */
    e = slack_sim_socket_deliver(sim, "interactive", p, true, NULL, label,
                                 u->id, ch->id);
    out_env(out, e);
    if (out) {
        snprintf(out->trigger_id, sizeof(out->trigger_id), "%s", t->id);
        snprintf(out->response_url, sizeof(out->response_url), "%s", url);
    }
    return 0;
}

/* The input block block_id of a view, or NULL. */
static const cJSON *
input_block(const cJSON *view, const char *block_id)
{
    const cJSON *b;

    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(view, "blocks")) {
        const cJSON *bid = cJSON_GetObjectItemCaseSensitive(b, "block_id");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(b, "type");

        if (cJSON_IsString(bid) && strcmp(bid->valuestring, block_id) == 0 &&
            cJSON_IsString(type) && strcmp(type->valuestring, "input") == 0)
            return b;
    }
    return NULL;
}

/* The state value of one input, shaped by its element type.  An input
 * left empty is a null value (an empty list of ticked boxes), as Slack
 * sends it. */
static cJSON *
input_value(const cJSON *view, const struct slack_sim_field *f)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(input_block(view, f->block_id),
                                         "element"),
        "type");
    cJSON *v = cJSON_CreateObject(), *o;
    const char *t = cJSON_IsString(type) ? type->valuestring
                                         : "plain_text_input";
    bool empty = !f->value || !*f->value;

    cJSON_AddStringToObject(v, "type", t);
    if (strcmp(t, "static_select") == 0) {
        if (empty) {
            cJSON_AddNullToObject(v, "selected_option");
            return v;
        }
        o = cJSON_AddObjectToObject(v, "selected_option");
        cJSON_AddItemToObject(o, "text", cJSON_CreateObject());
        cJSON_AddStringToObject(cJSON_GetObjectItem(o, "text"), "type",
                                "plain_text");
        cJSON_AddStringToObject(cJSON_GetObjectItem(o, "text"), "text",
                                f->value);
        cJSON_AddStringToObject(o, "value", f->value);
    } else if (strcmp(t, "checkboxes") == 0) {
        /* The value names the ticked options, comma-separated. */
        cJSON *sel = cJSON_AddArrayToObject(v, "selected_options");
        const char *p = f->value ? f->value : "";

        while (*p) {
            size_t n = strcspn(p, ",");

            if (n) {
                o = cJSON_CreateObject();
                char *one = cJSON_malloc(n + 1);

                memcpy(one, p, n);
                one[n] = '\0';
                cJSON_AddStringToObject(o, "value", one);
                cJSON_free(one);
                cJSON_AddItemToArray(sel, o);
            }
            p += n + (p[n] == ',');
        }
    } else {
        const char *key = strcmp(t, "datepicker") == 0     ? "selected_date"
                          : strcmp(t, "users_select") == 0 ? "selected_user"
                                                           : "value";

        if (empty)
            cJSON_AddNullToObject(v, key);
        else
            cJSON_AddStringToObject(v, key, f->value);
    }
    return v;
}

/* The field given for an input block, or NULL. */
static const struct slack_sim_field *
field_for(const struct slack_sim_field *fields, size_t n, const char *bid)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i].block_id, bid) == 0)
            return &fields[i];
    return NULL;
}

/* Every input block of the view with what was entered in it (nothing for
 * an input not among fields), and the fields for blocks the view does not
 * have, as given.  NULL, with the error set, when an input that is not
 * "optional" is left empty: Slack's client does not send that form. */
static cJSON *
state_values(struct slack_sim *sim, const cJSON *view,
             const struct slack_sim_field *fields, size_t nfields)
{
    cJSON *values = cJSON_CreateObject();
    const cJSON *b;

    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(view, "blocks")) {
        const cJSON *bid = cJSON_GetObjectItemCaseSensitive(b, "block_id");
        const cJSON *aid = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(b, "element"), "action_id");
        const struct slack_sim_field *f;
        struct slack_sim_field none;

        if (!cJSON_IsString(bid) || !cJSON_IsString(aid) ||
            input_block(view, bid->valuestring) != b)
            continue;
        f = field_for(fields, nfields, bid->valuestring);
        if (!f) {
            none = (struct slack_sim_field){ .block_id = bid->valuestring,
                                             .action_id = aid->valuestring };
            f = &none;
        }
        if ((!f->value || !*f->value) &&
            !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "optional"))) {
            slack_sim_err(sim, "input %s is required: Slack does not send "
                          "the form with it empty", bid->valuestring);
            cJSON_Delete(values);
            return NULL;
        }
        cJSON_AddItemToObject(cJSON_AddObjectToObject(values,
                                                      bid->valuestring),
                              aid->valuestring, input_value(view, f));
    }
    for (size_t i = 0; i < nfields; i++) {
        cJSON *blk;

        if (input_block(view, fields[i].block_id))
            continue;
        blk = cJSON_GetObjectItemCaseSensitive(values, fields[i].block_id);
        if (!blk)
            blk = cJSON_AddObjectToObject(values, fields[i].block_id);
        cJSON_DeleteItemFromObjectCaseSensitive(blk, fields[i].action_id);
        cJSON_AddItemToObject(blk, fields[i].action_id,
                              input_value(view, &fields[i]));
    }
    return values;
}

int
slack_sim_push_submission(struct slack_sim *sim, const char *user,
                          const char *view_id,
                          const struct slack_sim_field *fields,
                          size_t nfields, struct slack_sim_push *out)
{
    struct slack_sim_user *u;
    struct slack_sim_view *v = NULL;
    struct ssim_trigger *t;
    struct ssim_env *e;
    cJSON *p, *view, *values;
    char label[160];

    sim->err[0] = '\0';
    out_clear(out);
    if (!(u = human(sim, user)))
        return -1;
    for (size_t i = 0; view_id && i < sim->views.n; i++) {
        struct slack_sim_view *k = sim->views.v[i];

        if (strcmp(k->id, view_id) == 0)
            v = k;
    }
    if (!v) {
        slack_sim_err(sim, "no view %s", view_id ? view_id : "(null)");
        return -1;
    }
    values = state_values(sim, v->view, fields, nfields);
    if (!values)
        return -1;
    t = slack_sim_api_trigger_new(sim, u->id);
    view = cJSON_Duplicate(v->view, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(view, "id");
    cJSON_AddStringToObject(view, "id", v->id);
    cJSON_AddStringToObject(view, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(view, "app_id", sim->id.app_id);
    cJSON_AddStringToObject(view, "bot_id", sim->id.bot_id);
    cJSON_DeleteItemFromObjectCaseSensitive(view, "state");
    cJSON_AddItemToObject(cJSON_AddObjectToObject(view, "state"), "values",
                          values);
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "type", "view_submission");
    cJSON_AddItemToObject(p, "team", team_obj(sim));
    cJSON_AddItemToObject(p, "user", user_obj(sim, u));
    cJSON_AddStringToObject(p, "api_app_id", sim->id.app_id);
    cJSON_AddStringToObject(p, "token", "sim-verification-token");
    cJSON_AddStringToObject(p, "trigger_id", t->id);
    cJSON_AddItemToObject(p, "view", view);
    cJSON_AddArrayToObject(p, "response_urls");
    cJSON_AddBoolToObject(p, "is_enterprise_install", 0);
    cJSON_AddNullToObject(p, "enterprise");
    slack_sim_observe(sim, SLACK_SIM_OBS_HUMAN, NULL, u->name, NULL, NULL,
                      "submitted modal %s (%s) with %zu field%s", v->id,
                      v->callback_id, nfields, nfields == 1 ? "" : "s");
    snprintf(label, sizeof(label), "modal %s from %s", v->id, u->name);
    e = slack_sim_socket_deliver(sim, "interactive", p, true, NULL, label,
                                 u->id, NULL);
    out_env(out, e);
    if (out)
        snprintf(out->trigger_id, sizeof(out->trigger_id), "%s", t->id);
    return 0;
}
