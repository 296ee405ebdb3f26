/*
 * slack_events: Socket Mode frames -> acks and core events.
 *
 * Two tables decide everything: the envelope type (hello, disconnect,
 * events_api, slash_commands, interactive) and, inside, the event or
 * interaction type.  Every envelope is acknowledged at once:
 *  - events and interactions: the ack is queued first, then the core
 *    works (one SQLite transaction); the frame leaves when this callback
 *    returns, so it is on the wire within the same loop pass;
 *  - slash commands: the core's reply is the ack's payload, so the core
 *    runs first (same pass) and hands the reply back with the command
 *    (struct core_result), whatever the outbox holds.  A reply that
 *    cannot ride on the ack goes out as chat.postEphemeral later: it is
 *    in the outbox either way.
 *  - every other answer the core hands back (a DM's, a mention's, a
 *    button's) goes to the Web API at once, ahead of the outbox.
 * Dedupe ids for the core's inbound table: payload.event_id for events
 * (a redelivery, retry_attempt >= 1, or the same event on two sockets
 * during a refresh is refused there), the trigger_id for slash commands
 * and interactions (unique per human action), else the envelope_id.
 *
 * Input from the network is judged, never trusted: a frame that is not
 * JSON, an unknown type, a missing field, an event from a bot (ourselves
 * included) is logged once with what was wrong and dropped; an envelope
 * that can be acked is acked so Slack does not send it again, and a
 * person waiting for an answer (a slash command) is told.
 */
#include "slack_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "core.h"
#include "log.h"
#include "xmalloc.h"

static const char *
nonempty(const char *s)
{
    return s && *s ? s : NULL;
}

/* A channel for the core: DMs are no place (event.h). */
static const char *
place(const char *channel)
{
    return channel && *channel && channel[0] != 'D' ? channel : NULL;
}

/* ---- acks ---- */

/* s as a JSON string (quoted, escaped) appended to b. */
static void
json_str(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *run;

    buf_addc(b, '"');
    while (*p) {
        for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
            ;
        buf_add(b, run, (size_t)(p - run));
        if (!*p)
            break;
        buf_addc(b, '\\');
        switch (*p) {
        case '"':
        case '\\':
            buf_addc(b, (char)*p);
            break;
        case '\n':
            buf_addc(b, 'n');
            break;
        case '\t':
            buf_addc(b, 't');
            break;
        default:
            buf_adds(b, "u00");
            buf_addc(b, hex[*p >> 4]);
            buf_addc(b, hex[*p & 15]);
            break;
        }
        p++;
    }
    buf_addc(b, '"');
}

/*
 * Queue an ack on s (or on another open socket); false when none took
 * it.  text: an answer for the person (Slack text), with blocks for its
 * buttons (taken); extra: any other payload (taken; a modal's errors).
 */
static bool
ack_full(struct slack_sock *s, const char *envelope_id, const char *text,
         cJSON *blocks, cJSON *extra)
{
    struct buf b;
    bool ok;

    buf_init(&b, 512 * 1024);
    buf_adds(&b, "{\"envelope_id\":");
    json_str(&b, envelope_id);
    if (text) {
        buf_adds(&b, ",\"payload\":{\"response_type\":\"ephemeral\","
                     "\"text\":");
        json_str(&b, text);
        if (blocks) {
            char *bl = cJSON_PrintUnformatted(blocks);

            buf_adds(&b, ",\"blocks\":");
            buf_adds(&b, bl ? bl : "[]");
            free(bl);
        }
        buf_addc(&b, '}');
    } else if (extra) {
        char *ex = cJSON_PrintUnformatted(extra);

        buf_adds(&b, ",\"payload\":");
        buf_adds(&b, ex ? ex : "{}");
        free(ex);
    }
    buf_addc(&b, '}');
    cJSON_Delete(blocks);
    cJSON_Delete(extra);
    ok = !b.overflow && slack_socket_send(s, b.data, b.len) == 0;
    if (!ok)
        log_warn(SLACK_MOD, "socket %u: could not send the ack of %s",
                 slack_socket_id(s), envelope_id);
    buf_free(&b);
    return ok;
}

static bool
ack(struct slack_sock *s, const char *envelope_id)
{
    return ack_full(s, envelope_id, NULL, NULL, NULL);
}

/* The core's answer to an inbound event, for the log. */
static void
after_core(struct slack *sk, enum ch_status st, const char *what,
           const char *id)
{
    switch (st) {
    case CH_BUSY:
    case CH_IO:
    case CH_INTERNAL:
        log_error(SLACK_MOD, "%s %s: the core could not take it (%s)", what,
                  id ? id : "", ch_strerror(st));
        break;
    default:
        break;   /* applied, refused with a reply, or a duplicate */
    }
    slack_kick(sk);
}

/* ---- events_api ---- */

typedef void event_fn(struct slack_sock *s, const cJSON *event,
                      const char *event_id);

/* Room for all of it (decoding entities only shortens it): a cap here
 * would hand the core a cut text, whose length check would then name
 * the wrong size, or pass.  The socket's frame limit bounds it. */
static void
text_in(const char *in, struct buf *out)
{
    buf_init(out, (in ? strlen(in) : 0) + 1);
    slack_blocks_text_in(in, out);
}

/* message.im: a person wrote to chorus directly. */
static void
on_message(struct slack_sock *s, const cJSON *ev, const char *event_id)
{
    struct slack *sk = slack_socket_owner(s);
    const char *user = json_string(ev, "user");
    const char *channel = json_string(ev, "channel");
    const char *ctype = json_string(ev, "channel_type");
    struct buf text;

    if (!ctype || strcmp(ctype, "im") != 0) {
        log_debug(SLACK_MOD, "event %s: a %s message; only direct "
                  "messages are read", event_id, ctype ? ctype : "?");
        return;
    }
    slack_api_dm_note(sk, user, channel); /* where to answer */
    text_in(json_string(ev, "text"), &text);
    struct core_event ce = {
        .kind = CORE_EV_DM,
        .platform = "slack",
        .event_id = event_id,
        .user_id = user,
        .text = buf_cstr(&text),
    };
    struct core_result res;
    enum ch_status st = core_handle_event(sk->env.core, &ce, &res);
    core_deliver_result(sk->env.core, &res);
    after_core(sk, st, "event", event_id);
    buf_free(&text);
}

/* app_mention: "@chorus status spring-launch" in a channel. */
static void
on_mention(struct slack_sock *s, const cJSON *ev, const char *event_id)
{
    struct slack *sk = slack_socket_owner(s);
    const char *channel = json_string(ev, "channel");
    const char *ts = json_string(ev, "thread_ts");
    const char *p = json_string(ev, "text");
    struct core_result res;
    struct buf text;
    char self[SLACK_ID_MAX + 4];

    if (!nonempty(channel)) {
        log_warn(SLACK_MOD, "event %s: app_mention without a channel: "
                 "ignored", event_id);
        return;
    }
    if (!ts)
        ts = json_string(ev, "ts");
    /* Drop the leading mention of ourselves: the rest is the command. */
    p = p ? p : "";
    while (*p == ' ')
        p++;
    snprintf(self, sizeof(self), "<@%s", sk->self_user);
    if (strncmp(p, self, strlen(self)) == 0 &&
        (p[strlen(self)] == '>' || p[strlen(self)] == '|')) {
        p = strchr(p, '>');
        p = p ? p + 1 : "";
    }
    while (*p == ' ')
        p++;
    text_in(p, &text);
    struct core_event ce = {
        .kind = CORE_EV_MESSAGE,
        .platform = "slack",
        .event_id = event_id,
        .user_id = json_string(ev, "user"),
        .channel_id = place(channel),
        .text = buf_cstr(&text),
    };
    enum ch_status st = core_handle_event(sk->env.core, &ce, &res);
    if (res.reply_id && ts)
        slack_thread_note(sk, res.reply_id, channel, ts);
    core_deliver_result(sk->env.core, &res);    /* in the thread */
    after_core(sk, st, "event", event_id);
    buf_free(&text);
}

static const struct {
    const char *type;
    event_fn   *fn;
} event_table[] = {
    { .type = "app_mention", .fn = on_mention },
    { .type = "message", .fn = on_message },
};

static void
on_events_api(struct slack_sock *s, const cJSON *j, const char *envelope_id)
{
    struct slack *sk = slack_socket_owner(s);
    const cJSON *payload = json_get(j, "payload");
    const cJSON *ev = json_get(payload, "event");
    const cJSON *retry = json_get(j, "retry_attempt");
    const char *event_id = nonempty(json_string(payload, "event_id"));
    const char *type = json_string(ev, "type");
    const char *user = json_string(ev, "user");

    ack(s, envelope_id);
    if (!cJSON_IsObject(ev) || !type) {
        log_warn(SLACK_MOD,
                 "socket %u: events_api envelope %s has no "
                 "event (or no event type): ignored",
                 slack_socket_id(s), envelope_id);
        return;
    }
    if (!event_id) {
        log_warn(SLACK_MOD,
                 "socket %u: %s event in envelope %s has no "
                 "event_id, so a redelivery could not be told apart: "
                 "ignored",
                 slack_socket_id(s), type, envelope_id);
        return;
    }
    if (cJSON_IsNumber(retry) && retry->valueint > 0)
        log_info(SLACK_MOD, "event %s delivered again (retry_attempt %d, "
                 "%s)", event_id, retry->valueint,
                 json_string(j, "retry_reason")
                     ? json_string(j, "retry_reason")
                     : "no reason");
    /* Ourselves, other bots, edits, joins: not people talking to us. */
    if (json_string(ev, "bot_id") || json_string(ev, "subtype") ||
        (user && strcmp(user, sk->self_user) == 0)) {
        log_debug(SLACK_MOD, "event %s: %s from a bot or with a subtype: "
                  "ignored", event_id, type);
        return;
    }
    if (!nonempty(user)) {
        log_warn(SLACK_MOD, "event %s: %s without a user: ignored",
                 event_id, type);
        return;
    }
    for (size_t i = 0; i < sizeof(event_table) / sizeof(*event_table); i++)
        if (strcmp(event_table[i].type, type) == 0) {
            event_table[i].fn(s, ev, event_id);
            return;
        }
    log_debug(SLACK_MOD, "event %s: type %s is not one chorus reads",
              event_id, type);
}

/* ---- slash commands ---- */

static void
on_slash(struct slack_sock *s, const cJSON *j, const char *envelope_id)
{
    struct slack *sk = slack_socket_owner(s);
    const cJSON *p = json_get(j, "payload");
    const char *user = nonempty(json_string(p, "user_id"));
    const char *trigger = nonempty(json_string(p, "trigger_id"));
    const char *command = json_string(p, "command");
    struct core_result res;
    struct buf text;
    const char *answer = NULL;

    if (!user || !cJSON_IsString(json_get(p, "text"))) {
        log_warn(SLACK_MOD,
                 "socket %u: slash command %s without %s: "
                 "answered with an error",
                 slack_socket_id(s), envelope_id, user ? "text" : "user_id");
        ack_full(s, envelope_id, "chorus could not read that command (Slack "
                 "sent it incomplete). Please try again.", NULL, NULL);
        return;
    }
    if (command && strcmp(command, "/campaign") != 0)
        log_debug(SLACK_MOD, "slash command %s read as /campaign", command);
    text_in(json_string(p, "text"), &text);
    struct core_event ce = {
        .kind = CORE_EV_COMMAND,
        .platform = "slack",
        .event_id = trigger ? trigger : envelope_id,
        .user_id = user,
        .user_name = nonempty(json_string(p, "user_name")),
        .channel_id = place(json_string(p, "channel_id")),
        .text = buf_cstr(&text),
    };
    enum ch_status st = core_handle_event(sk->env.core, &ce, &res);
    buf_free(&text);

    /* The reply rides on the ack. */
    struct buf reply = BUF_INIT;
    cJSON *blocks = NULL;
    bool too_long = false;
    if (res.reply) {
        buf_init(&reply, 256 * 1024);
        slack_blocks_text(res.reply->text, SIZE_MAX, &reply);
        /* Over one message's text: it goes later, in parts, as
         * ephemeral messages (deliver_reply). */
        too_long = reply.len > 0 &&
                   buf_cstr(&reply)[slack_blocks_part_end(
                       buf_cstr(&reply), SLACK_ACK_TEXT_MAX)] != '\0';
        if (!too_long) {
            blocks = slack_blocks(buf_cstr(&reply), res.reply->buttons,
                                  res.reply->nbuttons);
            answer = buf_cstr(&reply);
        }
    } else if (st == CH_BUSY || st == CH_IO || st == CH_INTERNAL) {
        answer = "chorus could not take that command just now. Please try "
                 "again in a moment.";
    }
    bool sent = !too_long && ack_full(s, envelope_id, answer, blocks, NULL);
    if (too_long)
        ack(s, envelope_id);
    /* Too big for one frame?  Ack without it; the reply goes later as
     * an ephemeral message. */
    if (!sent && answer)
        ack(s, envelope_id);
    if (res.reply) {
        core_delivered(sk->env.core, res.reply->id, sent ? CH_OK : CH_BUSY,
                       NULL, 0, sent ? NULL : "the ack could not be sent");
        res.reply = NULL;
    }
    core_deliver_result(sk->env.core, &res);
    buf_free(&reply);
    after_core(sk, st, "slash command", ce.event_id);
}

/* ---- interactions ---- */

typedef void interaction_fn(struct slack_sock *s, const cJSON *p,
                            const char *envelope_id);

static bool
modal_done(struct slack *sk, struct api_req *r, const struct api_result *res)
{
    (void)sk;
    if (res->outcome != API_OK && res->outcome != API_CANCELLED)
        log_warn(SLACK_MOD, "views.open for %s failed (%s): the button's "
                 "question was not shown", r->user,
                 res->error ? res->error : "?");
    return false;
}

static void
command_event(struct slack *sk, const char *kind, const char *id,
              const char *user, const char *name, const char *channel,
              const char *text, const char *via)
{
    struct core_event ce = {
        .kind = CORE_EV_COMMAND,
        .platform = "slack",
        .event_id = id,
        .user_id = user,
        .user_name = name,
        .channel_id = place(channel),
        .text = text,
        .via_message = via,
    };
    struct core_result res;
    enum ch_status st = core_handle_event(sk->env.core, &ce, &res);

    core_deliver_result(sk->env.core, &res);
    after_core(sk, st, kind, id);
}

/* block_actions: one of our buttons was pressed. */
static void
on_actions(struct slack_sock *s, const cJSON *p, const char *envelope_id)
{
    struct slack *sk = slack_socket_owner(s);
    const cJSON *act = json_get(p, "actions.0");
    const char *user = nonempty(json_string(p, "user.id"));
    const char *trigger = nonempty(json_string(p, "trigger_id"));
    const char *channel = nonempty(json_string(p, "container.channel_id"));
    const char *msg_ts = nonempty(json_string(p, "container.message_ts"));
    const char *action_id = json_string(act, "action_id");
    char via[SLACK_REF_MAX] = "";
    struct slack_press press;

    ack(s, envelope_id);
    if (!channel)
        channel = nonempty(json_string(p, "channel.id"));
    if (!user || !cJSON_IsObject(act)) {
        log_warn(SLACK_MOD,
                 "socket %u: block_actions %s without %s: "
                 "ignored",
                 slack_socket_id(s), envelope_id,
                 user ? "an action" : "a user");
        return;
    }
    if (!slack_blocks_button_parse(action_id, json_string(act, "value"),
                                   &press)) {
        log_info(SLACK_MOD, "button %s pressed by %s is not one of "
                 "chorus's commands: ignored", action_id ? action_id : "?",
                 user);
        return;
    }
    if (channel && msg_ts)
        snprintf(via, sizeof(via), "%s:%s", channel, msg_ts);
    if (press.prompt) {
        /* Ask first: the submission carries the command on. */
        struct api_req *r = slack_api_req_new(sk, SM_VIEWS_OPEN, modal_done);

        snprintf(r->user, sizeof(r->user), "%s", user);
        cJSON_AddStringToObject(r->args, "trigger_id", trigger ? trigger
                                                               : "");
        cJSON_AddItemToObject(r->args, "view",
                              slack_blocks_modal(json_string(act, "text.text"),
                                                 &press, via[0] ? via : NULL,
                                                 channel));
        slack_api_submit(sk, r, NULL);
    } else {
        command_event(sk, "button", trigger ? trigger : envelope_id, user,
                      nonempty(json_string(p, "user.username")), channel,
                      press.command, via[0] ? via : NULL);
    }
    slack_blocks_press_free(&press);
}

/* view_submission: the answer to a button's question.  An optional
 * question left empty (Slack sends its value as null) runs the command
 * as it is. */
static void
on_submission(struct slack_sock *s, const cJSON *p, const char *envelope_id)
{
    struct slack *sk = slack_socket_owner(s);
    const char *user = nonempty(json_string(p, "user.id"));
    const char *cb = json_string(p, "view.callback_id");
    const char *trigger = nonempty(json_string(p, "trigger_id"));
    const cJSON *values = json_get(p, "view.state.values");
    const cJSON *blk = cJSON_GetObjectItemCaseSensitive(values,
                                                        SLACK_MODAL_BLOCK);
    const char *answer = json_string(cJSON_GetObjectItemCaseSensitive(
                                    blk, SLACK_MODAL_ACTION), "value");
    cJSON *md = NULL;
    const char *command;

    if (!cb || strcmp(cb, SLACK_MODAL_CALLBACK) != 0) {
        ack(s, envelope_id);
        log_info(SLACK_MOD, "view_submission of a view that is not "
                 "chorus's (%s): ignored", cb ? cb : "no callback_id");
        return;
    }
    const char *meta = json_string(p, "view.private_metadata");
    md = json_parse(meta, meta ? strlen(meta) : 0);
    command = nonempty(json_string(md, "c"));
    if (!user || !command) {
        ack(s, envelope_id);
        log_warn(SLACK_MOD,
                 "socket %u: view_submission %s without %s: "
                 "ignored",
                 slack_socket_id(s), envelope_id,
                 user ? "its command" : "a user");
        cJSON_Delete(md);
        return;
    }
    if ((!answer || !*answer) &&
        !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(md, "o"))) {
        /* The modal stays open and says what is missing. */
        cJSON *ra = cJSON_CreateObject();
        cJSON *errs = cJSON_AddObjectToObject(ra, "errors");

        cJSON_AddStringToObject(ra, "response_action", "errors");
        cJSON_AddStringToObject(errs, SLACK_MODAL_BLOCK,
                                "Please write something.");
        ack_full(s, envelope_id, NULL, NULL, ra);
        cJSON_Delete(md);
        return;
    }
    ack(s, envelope_id);
    char *line = slack_blocks_modal_line(command, values, answer);
    command_event(sk, "modal", trigger ? trigger : envelope_id, user,
                  nonempty(json_string(p, "user.username")),
                  json_string(md, "ch"), line, nonempty(json_string(md, "v")));
    free(line);
    cJSON_Delete(md);
}

static const struct {
    const char     *type;
    interaction_fn *fn;
} interaction_table[] = {
    { .type = "block_actions", .fn = on_actions },
    { .type = "view_submission", .fn = on_submission },
};

static void
on_interactive(struct slack_sock *s, const cJSON *j, const char *envelope_id)
{
    const cJSON *p = json_get(j, "payload");
    const char *type = json_string(p, "type");

    for (size_t i = 0;
         type && i < sizeof(interaction_table) / sizeof(*interaction_table);
         i++)
        if (strcmp(interaction_table[i].type, type) == 0) {
            interaction_table[i].fn(s, p, envelope_id);
            return;
        }
    ack(s, envelope_id);
    log_info(SLACK_MOD, "interaction %s of type %s: acked, not one chorus "
             "reads", envelope_id, type ? type : "(none)");
}

/* ---- control messages ---- */

static void
on_hello(struct slack_sock *s, const cJSON *j, const char *envelope_id)
{
    (void)envelope_id;
    slack_socket_hello(s, j);
}

static void
on_disconnect(struct slack_sock *s, const cJSON *j, const char *envelope_id)
{
    (void)envelope_id;
    slack_socket_disconnect(s, j);
}

/* ---- the envelope table ---- */

typedef void envelope_fn(struct slack_sock *s, const cJSON *j,
                         const char *envelope_id);

static const struct {
    const char  *type;
    envelope_fn *fn;
    bool         envelope;   /* carries work: needs an envelope_id */
} envelope_table[] = {
    { .type = "disconnect", .fn = on_disconnect, .envelope = false },
    { .type = "events_api", .fn = on_events_api, .envelope = true },
    { .type = "hello", .fn = on_hello, .envelope = false },
    { .type = "interactive", .fn = on_interactive, .envelope = true },
    { .type = "slash_commands", .fn = on_slash, .envelope = true },
};

void
slack_events_frame(struct slack_sock *s, const char *msg, size_t len)
{
    struct slack *sk = slack_socket_owner(s);
    cJSON *j = json_parse(msg, len);
    const char *type = json_string(j, "type");
    const char *eid = nonempty(json_string(j, "envelope_id"));

    if (!cJSON_IsObject(j)) {
        log_warn(SLACK_MOD,
                 "socket %u: a %zu-byte frame that is not a JSON "
                 "object: ignored (starts \"%.40s\")",
                 slack_socket_id(s), len, msg);
        cJSON_Delete(j);
        return;
    }
    for (size_t i = 0;
         type && i < sizeof(envelope_table) / sizeof(*envelope_table); i++) {
        if (strcmp(envelope_table[i].type, type) != 0)
            continue;
        if (envelope_table[i].envelope && !eid)
            log_warn(SLACK_MOD,
                     "socket %u: %s envelope without an "
                     "envelope_id: ignored (it cannot be acked)",
                     slack_socket_id(s), type);
        else if (envelope_table[i].envelope && (sk->stopping || sk->failed))
            log_info(SLACK_MOD,
                     "socket %u: %s %s not taken: stopping "
                     "(Slack sends it again elsewhere)",
                     slack_socket_id(s), type, eid);
        else
            envelope_table[i].fn(s, j, eid);
        cJSON_Delete(j);
        return;
    }
    if (eid && !sk->stopping)
        ack(s, eid);
    log_warn(SLACK_MOD,
             "socket %u: frame of unknown type \"%s\"%s: "
             "ignored",
             slack_socket_id(s), type ? type : "(none)", eid ? " (acked)" : "");
    cJSON_Delete(j);
}
