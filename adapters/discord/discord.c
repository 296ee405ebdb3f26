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
 * core at once (core_handle_event) and the outbox is flushed right away
 * (core_flush) while the adapter "collects": the reply to this
 * interaction (msg->id == the core's reply_id) and, for a button or a
 * modal from a button, the core's edit of the clicked message.  Then one
 * callback answers it:
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
 * Buttons are pre-filled commands: the custom_id carries the command
 * ("c|approve spring-launch#3") or the command and its prompt
 * ("p|changes spring-launch#3|What needs to change?"); one that does not
 * fit in 100 characters is kept in a small table ("k|<key>"), which a
 * restart forgets (the click then says so).
 *
 * Campaign channels live under a "campaigns" category (found in
 * GUILD_CREATE or created once), named from the slug, hidden from
 * @everyone, visible to the bot; OUT_INVITE adds a member overwrite.
 */
#include "discord.h"
#include "discord_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "adapters/common/ratewin.h"
#include "bot/config.h"
#include "bot/loop.h"
#include "core/core.h"
#include "core/log.h"
#include "core/xmalloc.h"

#define MAX_PARTS        10      /* a longer text is cut */
#define MAX_JOBS         4000    /* then deliveries wait (CH_BUSY) */
#define MAX_INBOUND      2000    /* events waiting for a busy database */
#define MAX_IX           4096    /* interactions being answered */
#define DEFER_AFTER_MS   1500    /* unanswered by then: defer */
#define DEFER_FIRST_MAX_MS 250   /* a deferred-first command waits at most
                                    this for its deferral to leave */
#define IX_KEEP_MS       (15 * 60 * 1000)  /* the follow-up window */
#define KICK_BATCH_MS    5       /* deliveries reported per outbox flush */
#define MODAL_TEXT_MAX   4000
#define CATEGORY_NAME    "campaigns"
#define DEFAULT_API      "https://discord.com/api"

#define BOT_ALLOW                                                        \
    (DC_PERM_VIEW_CHANNEL | DC_PERM_SEND_MESSAGES | DC_PERM_READ_HISTORY | \
     DC_PERM_MANAGE_MESSAGES)
#define MEMBER_ALLOW                                                     \
    (DC_PERM_VIEW_CHANNEL | DC_PERM_SEND_MESSAGES | DC_PERM_READ_HISTORY)

enum cb_state { CB_NONE, CB_SENDING, CB_DONE, CB_GONE };

/* A message ready to send: its parts and the buttons of the last one. */
struct body {
    int64_t  id;            /* outbox id; 0 when none */
    char   **parts;
    size_t   nparts;
    char    *components;    /* JSON array text, or NULL */
};

struct ix {
    struct ix     *next, *prev;
    struct discord *d;
    char           id[DC_ID_LEN];
    char          *token;
    int            type;            /* 2 command, 3 component, 5 modal */
    char           channel[DC_ID_LEN];
    char           user[DC_ID_LEN];
    char           via[DC_REF_LEN]; /* the message a button was on */
    bool           dm;
    int64_t        received;
    int64_t        reply_id;        /* the core's reply row, 0 if none */
    bool           expect_reply;
    bool           defer_first;
    enum cb_state  cb;
    int            cb_type;
    int64_t        cb_delivers;     /* outbox id reported by the callback */
    bool           cb_ref_is_via;   /* type 7: the reference is via */
    struct job    *cb_rest;         /* parts after the first, for later */
    struct job    *waiting;         /* follow-ups waiting for the callback */
    struct body    col_reply;       /* collected during the flush */
    struct body    col_update;
    bool           collected_reply, collected_update;
    bool           busy;            /* a callback is in flight */
    int            refs;            /* jobs and queued events using it */
};

enum job_kind {
    J_MESSAGE,          /* post, DM, plain reply */
    J_FOLLOWUP,         /* interaction reply parts over the webhook */
    J_UPDATE,
    J_CREATE_CHANNEL,
    J_CATEGORY,
    J_INVITE,
    J_PIN,
    J_TOPIC,
};

struct job {
    struct job    *next, *prev;
    struct discord *d;
    enum job_kind  kind;
    int64_t        msg_id;          /* outbox id; 0 for our own work */
    char           channel[DC_ID_LEN];
    char           user[DC_ID_LEN];
    char           target[DC_ID_LEN];   /* message to edit or pin */
    struct body    body;
    size_t         part;            /* next part to send */
    char           first_ref[DC_REF_LEN];
    char           last_ref[DC_REF_LEN];
    char           mention[DC_ID_LEN];  /* "<@user> " before part one */
    char          *name;            /* channel to create */
    char          *text;            /* topic */
    struct ix     *ix;              /* J_FOLLOWUP */
    struct job    *wnext;           /* in ix->waiting */
    bool           parked;          /* waits for the guild or category */
    bool           fallback;        /* a follow-up turned into a DM */
};

struct inbound {
    struct inbound *next;
    struct core_event ev;
    char           *strs[8];        /* owned copies behind ev */
    struct ix      *ix;
    int64_t         hold_until;     /* deferred first: until the deferral
                                       left, or this time */
};

static void job_step(struct job *j);
static void inbound_run(struct discord *d);
static void ix_free(struct ix *ix);
static void ix_settle(struct ix *ix);

static struct discord *
from_adapter(struct adapter *a)
{
    return (struct discord *)a;
}

/* ---- shared helpers ------------------------------------------------------ */

int64_t
dc_now(const struct discord *d)
{
    return loop_now_ms(d->env.loop);
}

void
dc_fatal(struct discord *d, const char *why)
{
    if (d->fatal)
        return;
    d->fatal = true;
    d->env.fatal(d->env.arg, "discord", why);
}

void
dc_log_once(struct discord *d, unsigned flag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg((d->logged & flag) ? LOG_DEBUG : LOG_WARN, "discord", fmt, ap);
    va_end(ap);
    d->logged |= flag;
}

static void
kick(struct discord *d)
{
    d->env.kick(d->env.arg);
}

static void
on_kick_timer(void *arg)
{
    struct discord *d = arg;
    d->kick_armed = false;
    kick(d);
}

/* Report a delivery.  What it unblocks (a pin after its post, the posts
 * of a new channel) goes out at the next flush: the outbox is flushed a
 * few milliseconds later, once for every delivery in that time, rather
 * than once per delivery (each flush reads the pending rows again). */
static void
delivered(struct discord *d, int64_t id, enum ch_status s, const char *ref,
          const char *error)
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
dc_dm_note(struct discord *d, const char *user, const char *channel)
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

static const char *
dm_channel(struct discord *d, const char *user)
{
    for (size_t i = 0; i < DC_DM_CACHE; i++)
        if (d->dms[i].user[0] && strcmp(d->dms[i].user, user) == 0)
            return d->dms[i].channel;
    return NULL;
}

/* "channel:message" into its parts. */
static bool
split_ref(const char *ref, char ch[DC_ID_LEN], char msg[DC_ID_LEN])
{
    const char *colon = ref ? strchr(ref, ':') : NULL;
    if (colon == NULL || colon == ref || (size_t)(colon - ref) >= DC_ID_LEN ||
        strlen(colon + 1) >= DC_ID_LEN)
        return false;
    snprintf(ch, DC_ID_LEN, "%.*s", (int)(colon - ref), ref);
    snprintf(msg, DC_ID_LEN, "%s", colon + 1);
    return dc_is_snowflake(ch) && dc_is_snowflake(msg);
}

/* ---- bodies: text parts and buttons -------------------------------------- */

/* Split text into parts of at most DC_CONTENT_MAX bytes, at a line break
 * when there is one, else at a space, else at a UTF-8 boundary. */
static void
split_text(const char *text, const char *prefix, struct body *b)
{
    struct buf all = BUF_INIT;
    buf_printf(&all, "%s%s", prefix ? prefix : "", text ? text : "");
    const char *p = buf_cstr(&all);
    if (*p == '\0')
        p = "-";
    b->parts = xcalloc(MAX_PARTS, sizeof(*b->parts));
    while (*p && b->nparts < MAX_PARTS) {
        size_t len = strlen(p);
        if (len <= DC_CONTENT_MAX) {
            b->parts[b->nparts++] = xstrdup(p);
            break;
        }
        if (b->nparts == MAX_PARTS - 1) {
            /* The last part says the rest was cut. */
            size_t keep = DC_CONTENT_MAX - 20;
            while (keep > 0 && ((unsigned char)p[keep] & 0xc0) == 0x80)
                keep--;
            b->parts[b->nparts++] = xasprintf("%.*s\n... (cut)", (int)keep,
                                              p);
            break;
        }
        size_t cut = DC_CONTENT_MAX;
        size_t nl = cut;
        while (nl > DC_CONTENT_MAX / 2 && p[nl] != '\n')
            nl--;
        if (p[nl] == '\n') {
            cut = nl;
        } else {
            size_t sp = cut;
            while (sp > DC_CONTENT_MAX / 2 && p[sp] != ' ')
                sp--;
            if (p[sp] == ' ')
                cut = sp;
            while (cut > 0 && ((unsigned char)p[cut] & 0xc0) == 0x80)
                cut--;
        }
        b->parts[b->nparts++] = xstrndup(p, cut);
        p += cut;
        while (*p == '\n' || *p == ' ')
            p++;
    }
    buf_free(&all);
}

static void
body_free(struct body *b)
{
    for (size_t i = 0; i < b->nparts; i++)
        free(b->parts[i]);
    free(b->parts);
    free(b->components);
    memset(b, 0, sizeof(*b));
}

static void
button_forget(struct dc_button *b)
{
    free(b->command);
    free(b->prompt);
    memset(b, 0, sizeof(*b));
}

/* The custom_id of a button (see the comment at the top). */
static void
button_id(struct discord *d, const struct out_button *b, char out[120])
{
    bool bar = strchr(b->command, '|') || (b->prompt && strchr(b->prompt, '|'));
    int n = b->prompt
                ? snprintf(out, 120, "p|%s|%s", b->command, b->prompt)
                : snprintf(out, 120, "c|%s", b->command);
    if (!bar && n > 0 && n <= DC_CUSTOM_ID_MAX)
        return;
    struct dc_button *e = &d->buttons[d->button_next];
    d->button_next = (d->button_next + 1) % DC_BUTTONS;
    button_forget(e);
    e->key = ++d->button_key;
    e->command = xstrdup(b->command);
    e->prompt = b->prompt ? xstrdup(b->prompt) : NULL;
    snprintf(out, 120, "k|%u", e->key);
}

static char *
components_json(struct discord *d, const struct out_button *bs, size_t n)
{
    if (n == 0)
        return NULL;
    cJSON *rows = cJSON_CreateArray();
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "type", 1);
    cJSON *kids = cJSON_AddArrayToObject(row, "components");
    for (size_t i = 0; i < n && i < 5; i++) {
        cJSON *b = cJSON_CreateObject();
        char id[120], label[81];
        button_id(d, &bs[i], id);
        snprintf(label, sizeof(label), "%s", bs[i].label ? bs[i].label : "OK");
        cJSON_AddNumberToObject(b, "type", 2);
        int style = 2;
        if (bs[i].style && strcmp(bs[i].style, "primary") == 0)
            style = 1;
        else if (bs[i].style && strcmp(bs[i].style, "danger") == 0)
            style = 4;
        cJSON_AddNumberToObject(b, "style", style);
        cJSON_AddStringToObject(b, "label", label);
        cJSON_AddStringToObject(b, "custom_id", id);
        cJSON_AddItemToArray(kids, b);
    }
    cJSON_AddItemToArray(rows, row);
    char *text = cJSON_PrintUnformatted(rows);
    cJSON_Delete(rows);
    return text;
}

static void
body_from(struct discord *d, const struct out_msg *m, const char *prefix,
          struct body *b)
{
    memset(b, 0, sizeof(*b));
    b->id = m->id;
    split_text(m->text, prefix, b);
    b->components = components_json(d, m->buttons, m->nbuttons);
}

/* {"content":..., "components":..., ...} for part i of b. */
static cJSON *
message_json(const struct body *b, size_t i, bool ephemeral, bool edit)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "content", b->parts[i]);
    bool last = i + 1 == b->nparts;
    if (last && b->components)
        cJSON_AddItemToObject(o, "components",
                              cJSON_Parse(b->components));
    else if (edit)
        cJSON_AddArrayToObject(o, "components");   /* drop old buttons */
    if (ephemeral)
        cJSON_AddNumberToObject(o, "flags", 64);
    /* Mentions ping people, never @everyone or roles. */
    cJSON *am = cJSON_AddObjectToObject(o, "allowed_mentions");
    cJSON *parse = cJSON_AddArrayToObject(am, "parse");
    cJSON_AddItemToArray(parse, cJSON_CreateString("users"));
    return o;
}

static char *
print_free(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* ---- jobs ---------------------------------------------------------------- */

static struct job *
job_new(struct discord *d, enum job_kind kind, int64_t msg_id)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->d = d;
    j->kind = kind;
    j->msg_id = msg_id;
    j->next = d->jobs;
    if (d->jobs)
        d->jobs->prev = j;
    d->jobs = j;
    d->njobs++;
    return j;
}

static void
job_free(struct job *j)
{
    struct discord *d = j->d;
    if (j->prev)
        j->prev->next = j->next;
    else
        d->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    d->njobs--;
    if (j->ix)
        j->ix->refs--;
    body_free(&j->body);
    free(j->name);
    free(j->text);
    free(j);
}

static void
job_done(struct job *j, enum ch_status s, const char *ref, const char *err)
{
    struct discord *d = j->d;
    struct ix *ix = j->ix;
    int64_t id = j->msg_id;
    char refcopy[DC_REF_LEN] = "";
    if (ref)
        snprintf(refcopy, sizeof(refcopy), "%s", ref);
    job_free(j);
    delivered(d, id, s, ref ? refcopy : NULL, err);
    if (ix) {
        if (ix->reply_id == id)
            ix->expect_reply = false;
        ix_settle(ix);
    }
}

/* Finish a message job: the reference of the part with the buttons, or
 * of the first part. */
static void
message_finished(struct job *j)
{
    const char *ref = j->body.components && j->last_ref[0] ? j->last_ref
                                                           : j->first_ref;
    job_done(j, CH_OK, ref[0] ? ref : NULL, NULL);
}

static void
note_part(struct job *j, const char *channel, const cJSON *msg)
{
    char id[DC_ID_LEN], ch[DC_ID_LEN];
    if (!dc_id(msg, "id", id))
        return;
    if (!dc_id(msg, "channel_id", ch))
        snprintf(ch, sizeof(ch), "%s", channel);
    char ref[DC_REF_LEN];
    snprintf(ref, sizeof(ref), "%s:%s", ch, id);
    if (j->part == 0)
        snprintf(j->first_ref, sizeof(j->first_ref), "%s", ref);
    snprintf(j->last_ref, sizeof(j->last_ref), "%s", ref);
}

static void
job_failed(struct job *j, const struct rest_result *r)
{
    /* Parts already out: report what is there rather than repeat it. */
    if (j->part > 0 && r->ch == CH_REMOTE_4XX) {
        log_warn("discord", "part %zu of %zu not sent: %s", j->part + 1,
                 j->body.nparts, r->error);
        message_finished(j);
        return;
    }
    if (r->ch == CH_REMOTE_4XX)
        log_warn("discord", "outbox %lld not delivered: %s",
                 (long long)j->msg_id, r->error ? r->error : "refused");
    job_done(j, r->ch, NULL, r->error);
}

static void
on_message_part(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    if (r->ch != CH_OK) {
        job_failed(j, r);
        return;
    }
    note_part(j, j->channel, r->json);
    j->part++;
    if (j->part >= j->body.nparts)
        message_finished(j);
    else
        job_step(j);
}

static void
on_dm_open(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    char ch[DC_ID_LEN];
    if (r->ch != CH_OK || !dc_id(r->json, "id", ch)) {
        if (r->ch == CH_OK)
            job_done(j, CH_REMOTE_5XX, NULL, "DM channel without an id");
        else
            job_failed(j, r);
        return;
    }
    dc_dm_note(j->d, j->user, ch);
    snprintf(j->channel, sizeof(j->channel), "%s", ch);
    job_step(j);
}

static void
send_part(struct job *j)
{
    struct discord *d = j->d;
    cJSON *o = message_json(&j->body, j->part, false, false);
    char *body = print_free(o);
    char path[96];
    snprintf(path, sizeof(path), "/channels/%s/messages", j->channel);
    rest_send(d->rest, HTTP_POST, path, body, 0, NULL, on_message_part, j);
    free(body);
}

/* ---- follow-ups over the interaction webhook ----------------------------- */

static void ix_waiting_add(struct ix *ix, struct job *j);

static void
fallback_to_dm(struct job *j, const char *why)
{
    log_info("discord", "interaction %s: %s; the reply goes by direct "
             "message", j->ix ? j->ix->id : "?", why);
    j->kind = J_MESSAGE;
    j->fallback = true;
    j->channel[0] = '\0';
    job_step(j);
}

static void
on_followup(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    if (r->ch == CH_OK) {
        const cJSON *msg = r->json;
        note_part(j, j->ix ? j->ix->channel : "", msg);
        j->part++;
        if (j->part >= j->body.nparts)
            message_finished(j);
        else
            job_step(j);
        return;
    }
    if (r->ch == CH_REMOTE_4XX) {
        /* Expired token, unknown webhook: the user still gets it. */
        fallback_to_dm(j, r->error ? r->error : "follow-up refused");
        return;
    }
    job_failed(j, r);
}

static void
send_followup(struct job *j)
{
    struct discord *d = j->d;
    struct ix *ix = j->ix;
    if (ix == NULL || ix->cb == CB_GONE) {
        fallback_to_dm(j, "the interaction is gone");
        return;
    }
    if (ix->cb != CB_DONE) {
        ix_waiting_add(ix, j);
        return;
    }
    char path[512];
    cJSON *o;
    enum http_method m = HTTP_POST;
    /* After a deferral (type 5) the first part fills "thinking...". */
    if (j->part == 0 && ix->cb_type == 5) {
        o = message_json(&j->body, j->part, false, true);
        snprintf(path, sizeof(path), "/webhooks/%s/%s/messages/@original",
                 d->app_id, ix->token);
        m = HTTP_PATCH;
    } else {
        o = message_json(&j->body, j->part, true, false);
        snprintf(path, sizeof(path), "/webhooks/%s/%s?wait=true", d->app_id,
                 ix->token);
    }
    char *body = print_free(o);
    rest_send(d->rest, m, path, body, REST_NO_AUTH | REST_BURST, NULL,
              on_followup, j);
    free(body);
}

/* ---- channels ------------------------------------------------------------ */

static void resume_parked(struct discord *d);

static void
on_category(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    struct discord *d = j->d;
    d->category_creating = false;
    char id[DC_ID_LEN];
    if (r->ch == CH_OK && dc_id(r->json, "id", id)) {
        snprintf(d->category_id, sizeof(d->category_id), "%s", id);
        log_info("discord", "created the \"%s\" category", CATEGORY_NAME);
    } else {
        /* Channels then go to the top level rather than nowhere. */
        log_warn("discord", "cannot create the \"%s\" category (%s); "
                 "campaign channels go to the top of the server",
                 CATEGORY_NAME, r->error ? r->error : "no id");
        snprintf(d->category_id, sizeof(d->category_id), "-");
    }
    job_free(j);
    resume_parked(d);
}

static void
on_channel_created(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    char id[DC_ID_LEN];
    if (r->ch != CH_OK) {
        job_failed(j, r);
        return;
    }
    if (!dc_id(r->json, "id", id)) {
        job_done(j, CH_REMOTE_5XX, NULL, "created channel without an id");
        return;
    }
    log_info("discord", "created channel #%s (%s)", j->name, id);
    job_done(j, CH_OK, id, NULL);
}

/* A channel name within Discord's rules: lowercase letters, digits, '-'
 * and '_', 1-100 characters. */
static void
channel_name(const char *in, char out[101])
{
    size_t o = 0;
    bool dash = false;
    for (const char *p = in ? in : ""; *p && o < 100; p++) {
        char c = (char)tolower((unsigned char)*p);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
            out[o++] = c;
            dash = false;
        } else if (o > 0 && !dash) {
            out[o++] = '-';
            dash = true;
        }
    }
    while (o > 0 && out[o - 1] == '-')
        o--;
    out[o] = '\0';
    if (o == 0)
        snprintf(out, 101, "campaign");
}

static void
create_channel_step(struct job *j)
{
    struct discord *d = j->d;
    if (!d->guild_id[0] || !d->guild_seen || !d->bot_id[0]) {
        j->parked = true;
        if (d->guild_seen && !d->guild_id[0])
            dc_log_once(d, DC_LOG_NO_GUILD, "cannot create campaign "
                        "channels: chorus is in no server (invite it with "
                        "the URL in the README)");
        return;
    }
    if (!d->category_id[0]) {
        j->parked = true;
        if (!d->category_creating) {
            d->category_creating = true;
            struct job *c = job_new(d, J_CATEGORY, 0);
            job_step(c);
        }
        return;
    }
    j->parked = false;
    char name[101];
    channel_name(j->name, name);
    free(j->name);
    j->name = xstrdup(name);
    char allow_bot[24], allow_none[4] = "0", deny[24];
    snprintf(allow_bot, sizeof(allow_bot), "%llu",
             (unsigned long long)BOT_ALLOW);
    snprintf(deny, sizeof(deny), "%llu",
             (unsigned long long)DC_PERM_VIEW_CHANNEL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddNumberToObject(o, "type", 0);
    if (strcmp(d->category_id, "-") != 0)
        cJSON_AddStringToObject(o, "parent_id", d->category_id);
    cJSON *ows = cJSON_AddArrayToObject(o, "permission_overwrites");
    cJSON *everyone = cJSON_CreateObject();
    cJSON_AddStringToObject(everyone, "id", d->guild_id);
    cJSON_AddNumberToObject(everyone, "type", 0);
    cJSON_AddStringToObject(everyone, "allow", allow_none);
    cJSON_AddStringToObject(everyone, "deny", deny);
    cJSON_AddItemToArray(ows, everyone);
    cJSON *bot = cJSON_CreateObject();
    cJSON_AddStringToObject(bot, "id", d->bot_id);
    cJSON_AddNumberToObject(bot, "type", 1);
    cJSON_AddStringToObject(bot, "allow", allow_bot);
    cJSON_AddStringToObject(bot, "deny", allow_none);
    cJSON_AddItemToArray(ows, bot);
    char *body = print_free(o);
    char path[64];
    snprintf(path, sizeof(path), "/guilds/%s/channels", d->guild_id);
    rest_send(d->rest, HTTP_POST, path, body, 0, "chorus: campaign channel",
              on_channel_created, j);
    free(body);
}

static void
resume_parked(struct discord *d)
{
    /* Collect first: a step may add or finish jobs. */
    size_t n = 0;
    for (struct job *j = d->jobs; j; j = j->next)
        n += j->parked;
    if (n == 0)
        return;
    struct job **v = xcalloc(n, sizeof(*v));
    size_t k = 0;
    for (struct job *j = d->jobs; j && k < n; j = j->next)
        if (j->parked)
            v[k++] = j;
    for (size_t i = 0; i < k; i++) {
        v[i]->parked = false;
        job_step(v[i]);
    }
    free(v);
}

/* ---- one REST step of a job ---------------------------------------------- */

static void
on_simple(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    if (r->ch != CH_OK) {
        job_failed(j, r);
        return;
    }
    const char *ref = NULL;
    char buf[DC_REF_LEN];
    if (j->kind == J_UPDATE) {
        snprintf(buf, sizeof(buf), "%s:%s", j->channel, j->target);
        ref = buf;
    } else if (j->kind == J_INVITE) {
        ref = j->user;
    }
    job_done(j, CH_OK, ref, NULL);
}

static void
job_step(struct job *j)
{
    struct discord *d = j->d;
    char path[160];
    char *body = NULL;
    if (d->rest == NULL)
        return;         /* stopping: the outbox keeps the row */
    switch (j->kind) {
    case J_MESSAGE:
        if (!j->channel[0]) {
            const char *dm = dm_channel(d, j->user);
            if (dm) {
                snprintf(j->channel, sizeof(j->channel), "%s", dm);
            } else {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "recipient_id", j->user);
                body = print_free(o);
                rest_send(d->rest, HTTP_POST, "/users/@me/channels", body, 0,
                          NULL, on_dm_open, j);
                free(body);
                return;
            }
        }
        send_part(j);
        return;
    case J_FOLLOWUP:
        send_followup(j);
        return;
    case J_UPDATE: {
        struct body one = j->body;
        one.nparts = 1;     /* an edit keeps to one message */
        cJSON *o = message_json(&one, 0, false, true);
        body = print_free(o);
        snprintf(path, sizeof(path), "/channels/%s/messages/%s", j->channel,
                 j->target);
        rest_send(d->rest, HTTP_PATCH, path, body, 0, NULL, on_simple, j);
        free(body);
        return;
    }
    case J_CREATE_CHANNEL:
        create_channel_step(j);
        return;
    case J_CATEGORY: {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", CATEGORY_NAME);
        cJSON_AddNumberToObject(o, "type", 4);
        body = print_free(o);
        snprintf(path, sizeof(path), "/guilds/%s/channels", d->guild_id);
        rest_send(d->rest, HTTP_POST, path, body, 0,
                  "chorus: category for campaign channels", on_category, j);
        free(body);
        return;
    }
    case J_INVITE: {
        char allow[24];
        snprintf(allow, sizeof(allow), "%llu",
                 (unsigned long long)MEMBER_ALLOW);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "type", 1);
        cJSON_AddStringToObject(o, "allow", allow);
        cJSON_AddStringToObject(o, "deny", "0");
        body = print_free(o);
        snprintf(path, sizeof(path), "/channels/%s/permissions/%s",
                 j->channel, j->user);
        rest_send(d->rest, HTTP_PUT, path, body, 0, NULL, on_simple, j);
        free(body);
        return;
    }
    case J_PIN:
        /* Pinning takes no body; "{}" keeps the request from being a
         * bodiless PUT, which some HTTP servers (the simulator's lws)
         * can answer twice on a reused connection. */
        snprintf(path, sizeof(path), "/channels/%s/pins/%s", j->channel,
                 j->target);
        rest_send(d->rest, HTTP_PUT, path, "{}", 0, NULL, on_simple, j);
        return;
    case J_TOPIC: {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "topic", j->text ? j->text : "");
        body = print_free(o);
        snprintf(path, sizeof(path), "/channels/%s", j->channel);
        rest_send(d->rest, HTTP_PATCH, path, body, 0, NULL, on_simple, j);
        free(body);
        return;
    }
    }
}

/* ---- interactions -------------------------------------------------------- */

static struct ix *
ix_find(struct discord *d, const char *id)
{
    for (struct ix *ix = d->ix_tail; ix; ix = ix->prev)
        if (strcmp(ix->id, id) == 0)
            return ix;
    return NULL;
}

static struct ix *
ix_by_reply(struct discord *d, int64_t reply_id)
{
    for (struct ix *ix = d->ix_tail; ix; ix = ix->prev)
        if (ix->reply_id == reply_id && reply_id)
            return ix;
    return NULL;
}

static void
ix_unlink(struct ix *ix)
{
    struct discord *d = ix->d;
    if (ix->prev)
        ix->prev->next = ix->next;
    else
        d->ix_head = ix->next;
    if (ix->next)
        ix->next->prev = ix->prev;
    else
        d->ix_tail = ix->prev;
    d->nix--;
}

static void fallback_to_dm(struct job *j, const char *why);

static void
ix_free(struct ix *ix)
{
    struct discord *d = ix->d;
    struct job *w = ix->waiting;
    ix->waiting = NULL;
    ix_unlink(ix);
    /* Only a forced free (expiry, the cap) leaves users behind. */
    for (struct job *j = d->jobs; ix->refs > 0 && j; j = j->next)
        if (j->ix == ix) {
            j->ix = NULL;
            ix->refs--;
        }
    for (struct inbound *in = d->retry_head; ix->refs > 0 && in;
         in = in->next)
        if (in->ix == ix) {
            in->ix = NULL;
            ix->refs--;
        }
    if (d->collect == ix)
        d->collect = NULL;
    body_free(&ix->col_reply);
    body_free(&ix->col_update);
    if (ix->token) {
        memset(ix->token, 0, strlen(ix->token));
        free(ix->token);
    }
    free(ix);
    /* Follow-ups that can no longer use the webhook go by DM. */
    while (w) {
        struct job *next = w->wnext;
        w->wnext = NULL;
        if (d->rest && !d->stopping)
            fallback_to_dm(w, "the interaction expired");
        w = next;
    }
}

/* Free an interaction nothing more is expected of. */
static void
ix_settle(struct ix *ix)
{
    if (ix->busy || ix->waiting || ix->refs > 0 || ix->cb == CB_NONE ||
        ix->cb == CB_SENDING || ix->expect_reply)
        return;
    ix_free(ix);
}

static void
ix_waiting_add(struct ix *ix, struct job *j)
{
    j->wnext = NULL;
    struct job **pp = &ix->waiting;
    while (*pp)
        pp = &(*pp)->wnext;
    *pp = j;
}

static void
ix_release_waiting(struct ix *ix)
{
    struct job *j = ix->waiting;
    ix->waiting = NULL;
    while (j) {
        struct job *next = j->wnext;
        j->wnext = NULL;
        job_step(j);
        j = next;
    }
}

/* A follow-up job carrying body (taken) for interaction ix. */
static struct job *
followup_job(struct ix *ix, struct body *b, size_t first_part)
{
    struct job *j = job_new(ix->d, J_FOLLOWUP, b->id);
    j->ix = ix;
    ix->refs++;
    j->body = *b;
    memset(b, 0, sizeof(*b));
    j->part = first_part;
    snprintf(j->user, sizeof(j->user), "%s", ix->user);
    return j;
}

static void inbound_wake(struct discord *d);

static void
on_callback(void *arg, const struct rest_result *r)
{
    struct ix *ix = arg;
    struct discord *d = ix->d;
    ix->busy = false;
    int64_t id = ix->cb_delivers;
    ix->cb_delivers = 0;
    struct job *rest = ix->cb_rest;
    ix->cb_rest = NULL;
    struct body resend = ix->col_reply;
    bool had_resend = ix->collected_reply;
    memset(&ix->col_reply, 0, sizeof(ix->col_reply));
    ix->collected_reply = false;
    /* 40060: acknowledged already (a retry of a callback that got
     * through): as good as done. */
    bool ok = r->ch == CH_OK || (r->status == 400 && r->code == 40060);
    if (ok) {
        ix->cb = CB_DONE;
        char ref[DC_REF_LEN] = "";
        const cJSON *msg = dc_field(dc_field(r->json, "resource"), "message");
        char mid[DC_ID_LEN];
        if (ix->cb_ref_is_via)
            snprintf(ref, sizeof(ref), "%s", ix->via);
        else if (dc_id(msg, "id", mid))
            snprintf(ref, sizeof(ref), "%s:%s", ix->channel, mid);
        if (rest) {
            /* More parts follow; that job reports the whole reply. */
            snprintf(rest->first_ref, sizeof(rest->first_ref), "%s", ref);
            snprintf(rest->last_ref, sizeof(rest->last_ref), "%s", ref);
            job_step(rest);
        } else if (id) {
            if (id == ix->reply_id)
                ix->expect_reply = false;
            delivered(d, id, CH_OK, ref[0] ? ref : NULL, NULL);
        }
    } else {
        ix->cb = CB_GONE;
        log_info("discord", "interaction %s: callback type %d refused: %s",
                 ix->id, ix->cb_type, r->error ? r->error : "?");
        if (rest) {
            /* Nothing was shown: the whole reply goes by DM. */
            rest->part = 0;
            rest->first_ref[0] = rest->last_ref[0] = '\0';
            fallback_to_dm(rest, "the callback was refused");
        } else if (had_resend && resend.nparts) {
            struct job *j = followup_job(ix, &resend, 0);
            fallback_to_dm(j, "the interaction window is gone");
        } else if (id) {
            /* An edit that could not ride the callback: the outbox
             * offers it again, as a plain edit. */
            delivered(d, id, CH_BUSY, NULL, "interaction callback refused");
        }
    }
    body_free(&resend);
    ix_release_waiting(ix);
    inbound_wake(d);
    ix_settle(ix);
}

/* Send callback type with data (taken), reporting outbox row `delivers`
 * when it succeeds. */
static void
ix_callback(struct ix *ix, int type, cJSON *data, int64_t delivers,
            bool ref_is_via)
{
    struct discord *d = ix->d;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "type", type);
    if (data)
        cJSON_AddItemToObject(o, "data", data);
    char *body = print_free(o);
    char path[512];
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback%s", ix->id,
             ix->token, type == 4 ? "?with_response=true" : "");
    ix->cb = CB_SENDING;
    ix->cb_type = type;
    ix->cb_delivers = delivers;
    ix->cb_ref_is_via = ref_is_via;
    ix->busy = true;
    rest_send(d->rest, HTTP_POST, path, body, REST_NO_AUTH | REST_BURST,
              NULL, on_callback, ix);
    free(body);
}

static void
ix_defer(struct ix *ix)
{
    if (ix->cb != CB_NONE || ix->d->rest == NULL)
        return;
    if (ix->type == 3) {
        ix_callback(ix, 6, NULL, 0, false);
        return;
    }
    cJSON *data = cJSON_CreateObject();
    cJSON_AddNumberToObject(data, "flags", 64);
    ix_callback(ix, 5, data, 0, false);
}

/* Answer ix with a reply body (taken). */
static void
ix_reply(struct ix *ix, struct body *b)
{
    if (ix->cb == CB_NONE) {
        cJSON *data = message_json(b, 0, true, false);
        struct job *rest = NULL;
        if (b->nparts > 1) {
            /* The buttons ride the last part, a follow-up. */
            cJSON_DeleteItemFromObject(data, "components");
            rest = followup_job(ix, b, 1);
            rest->first_ref[0] = '\0';
        }
        int64_t id = b->id;
        if (rest == NULL) {
            ix->col_reply = *b;    /* kept to resend if the window is gone */
            memset(b, 0, sizeof(*b));
            ix->collected_reply = true;
        }
        ix_callback(ix, 4, data, rest ? 0 : id, false);
        ix->cb_rest = rest;
        return;
    }
    struct job *j = followup_job(ix, b, 0);
    job_step(j);
}

static void reply_now(struct ix *ix, const char *text);

/* Answer the interaction from what the flush collected. */
static void
ix_answer(struct ix *ix)
{
    struct discord *d = ix->d;
    bool clicked = ix->via[0] && (ix->type == 3 || ix->type == 5);
    if (ix->collected_update && clicked && ix->cb == CB_NONE) {
        struct body *u = &ix->col_update;
        struct body one = *u;
        one.nparts = 1;
        cJSON *data = message_json(&one, 0, false, true);
        cJSON_DeleteItemFromObject(data, "allowed_mentions");
        ix_callback(ix, 7, data, u->id, true);
        body_free(u);
        ix->collected_update = false;
        if (ix->collected_reply) {
            ix->collected_reply = false;
            struct job *j = followup_job(ix, &ix->col_reply, 0);
            job_step(j);      /* waits for the callback */
        }
        return;
    }
    if (ix->collected_update) {
        ix->collected_update = false;
        struct job *j = job_new(d, J_UPDATE, ix->col_update.id);
        split_ref(ix->via, j->channel, j->target);
        j->body = ix->col_update;
        memset(&ix->col_update, 0, sizeof(ix->col_update));
        job_step(j);
    }
    if (ix->collected_reply) {
        ix->collected_reply = false;
        struct body b = ix->col_reply;
        memset(&ix->col_reply, 0, sizeof(ix->col_reply));
        ix_reply(ix, &b);
        body_free(&b);
        return;
    }
    /* The core had nothing to say: acknowledge, so nothing hangs. */
    if (ix->cb == CB_NONE && !ix->expect_reply) {
        if (ix->type == 3)
            ix_callback(ix, 6, NULL, 0, false);
        else
            reply_now(ix, "Done.");
    }
}

static void
on_defer_timer(void *arg)
{
    struct discord *d = arg;
    int64_t now = dc_now(d);
    int64_t next = INT64_MAX;
    for (struct ix *ix = d->ix_head, *nx; ix; ix = nx) {
        nx = ix->next;
        if (ix->cb == CB_NONE) {
            if (now - ix->received >= DEFER_AFTER_MS)
                ix_defer(ix);
            else if (ix->received + DEFER_AFTER_MS < next)
                next = ix->received + DEFER_AFTER_MS;
        } else if (now - ix->received > IX_KEEP_MS && !ix->busy) {
            /* The token is dead: nothing can use this any more. */
            ix_free(ix);
        }
    }
    if (next == INT64_MAX && d->nix)
        next = now + 60000;
    d->defer_due = next == INT64_MAX ? 0 : next;
    if (d->defer_due)
        loop_timer_arm(d->defer_timer, next - now);
}

static struct ix *
ix_new(struct discord *d, const char *id, const char *token, int type)
{
    if (d->nix >= MAX_IX) {
        /* The oldest settled-or-not record goes; a late reply to it is
         * sent as a direct message. */
        struct ix *old = d->ix_head;
        while (old && old->busy)
            old = old->next;
        if (old)
            ix_free(old);
    }
    struct ix *ix = xcalloc(1, sizeof(*ix));
    ix->d = d;
    snprintf(ix->id, sizeof(ix->id), "%s", id);
    ix->token = xstrdup(token);
    ix->type = type;
    ix->received = dc_now(d);
    ix->prev = d->ix_tail;
    if (d->ix_tail)
        d->ix_tail->next = ix;
    else
        d->ix_head = ix;
    d->ix_tail = ix;
    d->nix++;
    int64_t due = ix->received + DEFER_AFTER_MS;
    if (d->defer_due == 0 || due < d->defer_due) {
        d->defer_due = due;
        loop_timer_arm(d->defer_timer, DEFER_AFTER_MS);
    }
    return ix;
}

/* ---- inbound: to the core, in order -------------------------------------- */

static void
inbound_free(struct inbound *in)
{
    if (in->ix)
        in->ix->refs--;
    for (size_t i = 0; i < sizeof(in->strs) / sizeof(in->strs[0]); i++)
        free(in->strs[i]);
    free(in);
}

static const char *
keep(struct inbound *in, size_t slot, const char *s)
{
    in->strs[slot] = s ? xstrdup(s) : NULL;
    return in->strs[slot];
}

static void
inbound_wake(struct discord *d)
{
    if (d->retry_head)
        loop_timer_arm(d->retry_timer, 0);
}

/* Hand one event to the core; false when the database was busy. */
static bool
deliver_event(struct discord *d, struct inbound *in)
{
    struct core_result res;
    struct ix *ix = in->ix;
    enum ch_status s = core_handle_event(d->env.core, &in->ev, &res);
    if (s == CH_BUSY && res.reply_id == 0) {
        if (ix)
            ix_defer(ix);
        return false;
    }
    if (s == CH_DUPLICATE) {
        log_debug("discord", "event %s already applied", in->ev.event_id);
        if (ix) {
            ix->expect_reply = false;
            if (ix->cb == CB_NONE)
                ix->cb = CB_DONE;   /* answered when it first came */
            ix_settle(ix);
        }
        kick(d);
        return true;
    }
    if (ix) {
        ix->reply_id = res.reply_id;
        ix->expect_reply = res.reply_id != 0;
        d->collect = ix;
    }
    core_flush(d->env.core);
    if (ix && d->collect == ix) {
        d->collect = NULL;
        ix_answer(ix);
        ix_settle(ix);
    }
    kick(d);
    return true;
}

static void
inbound_run(struct discord *d)
{
    int64_t now = dc_now(d);
    while (d->retry_head && !d->stopping) {
        struct inbound *in = d->retry_head;
        if (in->ix && in->ix->cb == CB_SENDING && now < in->hold_until) {
            loop_timer_arm(d->retry_timer, in->hold_until - now);
            return;
        }
        if (!deliver_event(d, in)) {
            int64_t wait = backoff_next(&d->retry_backoff);
            log_warn("discord", "the database is busy; %zu event%s wait "
                     "(retry in %lld ms)", d->nretry,
                     d->nretry == 1 ? "" : "s", (long long)wait);
            loop_timer_arm(d->retry_timer, wait);
            return;
        }
        backoff_reset(&d->retry_backoff);
        d->retry_head = in->next;
        if (d->retry_head == NULL)
            d->retry_tail = &d->retry_head;
        d->nretry--;
        struct ix *ix = in->ix;
        inbound_free(in);
        if (ix)
            ix_settle(ix);
    }
}

static void
on_retry_timer(void *arg)
{
    inbound_run(arg);
}

/* Take an event (its strings are copied) and run it now, or after the
 * ones already waiting. */
static void
inbound_submit(struct discord *d, const struct core_event *ev, struct ix *ix,
               int64_t hold_ms)
{
    if (d->nretry >= MAX_INBOUND) {
        log_error("discord", "%zu events wait for the database; dropping "
                  "%s", d->nretry, ev->event_id ? ev->event_id : "one");
        return;
    }
    struct inbound *in = xcalloc(1, sizeof(*in));
    in->ev.kind = ev->kind;
    in->ev.platform = "discord";
    in->ev.event_id = keep(in, 0, ev->event_id);
    in->ev.user_id = keep(in, 1, ev->user_id);
    in->ev.user_name = keep(in, 2, ev->user_name);
    in->ev.channel_id = keep(in, 3, ev->channel_id);
    in->ev.text = keep(in, 4, ev->text);
    in->ev.via_message = keep(in, 5, ev->via_message);
    in->ix = ix;
    if (ix)
        ix->refs++;
    in->hold_until = dc_now(d) + hold_ms;
    *d->retry_tail = in;
    d->retry_tail = &in->next;
    d->nretry++;
    inbound_run(d);
}

/* ---- inbound: interactions ----------------------------------------------- */

static void
reply_now(struct ix *ix, const char *text)
{
    struct body b = { 0 };
    split_text(text, NULL, &b);
    ix_reply(ix, &b);
    body_free(&b);
}

/* Who acted, in a guild (member.user) or a DM (user). */
static const cJSON *
actor(const cJSON *x, const char **nick)
{
    const cJSON *member = dc_field(x, "member");
    *nick = dc_str(member, "nick");
    const cJSON *u = dc_field(member, "user");
    return u ? u : dc_field(x, "user");
}

static const char *
display_name(const cJSON *user, const char *nick)
{
    if (nick && *nick)
        return nick;
    const char *g = dc_str(user, "global_name");
    return g && *g ? g : dc_str(user, "username");
}

/* The command (and prompt) behind a button's or a modal's custom_id. */
static bool
decode_button(struct discord *d, const char *cid, bool modal,
              char **command, char **prompt)
{
    *command = *prompt = NULL;
    if (modal) {
        if (cid[0] != 'm')
            return false;
        cid++;      /* "m|cmd" reads as "|cmd", "mk|n" as "k|n" */
        if (cid[0] == '|' && cid[1]) {
            *command = xstrdup(cid + 1);
            return true;
        }
    }
    if (!modal && strncmp(cid, "c|", 2) == 0 && cid[2]) {
        *command = xstrdup(cid + 2);
        return true;
    }
    if (!modal && strncmp(cid, "p|", 2) == 0) {
        const char *bar = strchr(cid + 2, '|');
        if (bar == NULL || bar == cid + 2)
            return false;
        *command = xstrndup(cid + 2, (size_t)(bar - cid - 2));
        *prompt = xstrdup(bar + 1);
        return true;
    }
    if (strncmp(cid, "k|", 2) == 0) {
        char *end;
        unsigned long key = strtoul(cid + 2, &end, 10);
        for (size_t i = 0; *end == '\0' && i < DC_BUTTONS; i++) {
            if (d->buttons[i].command && d->buttons[i].key == key) {
                *command = xstrdup(d->buttons[i].command);
                if (d->buttons[i].prompt)
                    *prompt = xstrdup(d->buttons[i].prompt);
                return true;
            }
        }
    }
    return false;
}

static void
open_modal(struct ix *ix, const char *command, const char *prompt)
{
    struct discord *d = ix->d;
    char cid[128], label[46];
    int n = snprintf(cid, sizeof(cid), "m|%s", command);
    if (n < 0 || n > DC_CUSTOM_ID_MAX) {
        struct out_button b = { .command = command, .prompt = prompt };
        char id[120];
        button_id(d, &b, id);
        snprintf(cid, sizeof(cid), "m%.100s", id);   /* "mk|<key>" */
    }
    /* Titles and labels hold at most 45 characters. */
    size_t cut = strlen(prompt) > 45 ? 45 : strlen(prompt);
    while (cut > 0 && ((unsigned char)prompt[cut] & 0xc0) == 0x80)
        cut--;
    snprintf(label, sizeof(label), "%.*s", (int)cut, prompt);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "custom_id", cid);
    cJSON_AddStringToObject(data, "title", label[0] ? label : "chorus");
    cJSON *rows = cJSON_AddArrayToObject(data, "components");
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "type", 1);
    cJSON *kids = cJSON_AddArrayToObject(row, "components");
    cJSON *input = cJSON_CreateObject();
    cJSON_AddNumberToObject(input, "type", 4);
    cJSON_AddStringToObject(input, "custom_id", "text");
    cJSON_AddStringToObject(input, "label", label[0] ? label : "Text");
    cJSON_AddNumberToObject(input, "style", 2);
    cJSON_AddTrueToObject(input, "required");
    cJSON_AddNumberToObject(input, "max_length", MODAL_TEXT_MAX);
    cJSON_AddItemToArray(kids, input);
    cJSON_AddItemToArray(rows, row);
    ix_callback(ix, 9, data, 0, false);
}

/* The text typed into a modal: the "text" input, else the first one. */
static const char *
modal_text(const cJSON *data)
{
    const char *first = NULL;
    const cJSON *row, *c;
    cJSON_ArrayForEach(row, dc_field(data, "components")) {
        cJSON_ArrayForEach(c, dc_field(row, "components")) {
            const char *v = dc_str(c, "value");
            const char *id = dc_str(c, "custom_id");
            if (v && id && strcmp(id, "text") == 0)
                return v;
            if (v && !first)
                first = v;
        }
    }
    return first;
}

void
dc_handle_interaction(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN], channel[DC_ID_LEN], uid[DC_ID_LEN];
    const char *token = dc_str(x, "token");
    long type = dc_int(x, "type", 0);
    const char *nick;
    const cJSON *user = actor(x, &nick);
    if (!dc_id(x, "id", id) || !token || !*token || strlen(token) > 1000 ||
        !dc_id(user, "id", uid)) {
        dc_log_once(d, DC_LOG_INTERACTION, "interaction without id, token "
                    "or user dropped");
        return;
    }
    if (d->stopping || d->rest == NULL)
        return;
    if (ix_find(d, id)) {
        log_debug("discord", "interaction %s seen again (replay)", id);
        return;
    }
    if (type != 2 && type != 3 && type != 5) {
        dc_log_once(d, DC_LOG_INTERACTION, "interaction type %ld ignored",
                    type);
        return;
    }
    if (cJSON_IsTrue(dc_field(user, "bot")))
        return;
    dc_id(x, "channel_id", channel);
    struct ix *ix = ix_new(d, id, token, (int)type);
    snprintf(ix->channel, sizeof(ix->channel), "%s", channel);
    snprintf(ix->user, sizeof(ix->user), "%s", uid);
    ix->dm = dc_field(x, "guild_id") == NULL;
    dc_users_note(d, user, nick);
    if (ix->dm && channel[0])
        dc_dm_note(d, uid, channel);
    const cJSON *msg = dc_field(x, "message");
    char mch[DC_ID_LEN], mid[DC_ID_LEN];
    if (dc_id(msg, "id", mid)) {
        if (!dc_id(msg, "channel_id", mch))
            snprintf(mch, sizeof(mch), "%s", channel);
        snprintf(ix->via, sizeof(ix->via), "%s:%s", mch, mid);
    }
    const cJSON *data = dc_field(x, "data");
    struct buf line = BUF_INIT;
    buf_init(&line, 16 * 1024);
    bool defer_first = false;
    if (type == 2) {
        if (dc_command_line(data, &line, &defer_first) != CH_OK) {
            reply_now(ix, buf_cstr(&line));
            buf_free(&line);
            return;
        }
    } else {
        const char *cid = dc_str(data, "custom_id");
        char *command = NULL, *prompt = NULL;
        if (!cid || !decode_button(d, cid, type == 5, &command, &prompt)) {
            dc_log_once(d, DC_LOG_COMPONENT, "component %.40s not known "
                        "(from before a restart?)", cid ? cid : "?");
            reply_now(ix, "That button is no longer known to chorus (it "
                          "restarted since); type the command instead.");
            buf_free(&line);
            return;
        }
        if (type == 3 && prompt) {
            open_modal(ix, command, prompt);
            free(command);
            free(prompt);
            buf_free(&line);
            return;
        }
        buf_adds(&line, command);
        const char *text = type == 5 ? modal_text(data) : NULL;
        if (text && *text) {
            buf_addc(&line, ' ');
            buf_adds(&line, text);
        }
        free(command);
        free(prompt);
    }
    struct core_event ev = {
        .kind = CORE_EV_COMMAND,
        .platform = "discord",
        .event_id = id,
        .user_id = uid,
        .user_name = display_name(user, nick),
        .channel_id = ix->dm ? NULL : channel,
        .text = buf_cstr(&line),
        .via_message = ix->via[0] && type != 2 ? ix->via : NULL,
    };
    int64_t hold = 0;
    if (defer_first) {
        ix->defer_first = true;
        ix_defer(ix);
        hold = DEFER_FIRST_MAX_MS;
    }
    inbound_submit(d, &ev, ix, hold);
    buf_free(&line);
}

/* ---- inbound: messages --------------------------------------------------- */

/* Text with the bot's own mentions taken out (<@id> and <@!id>). */
static void
strip_bot_mention(const char *content, const char *bot, struct buf *out)
{
    char m1[DC_ID_LEN + 4], m2[DC_ID_LEN + 5];
    snprintf(m1, sizeof(m1), "<@%s>", bot);
    snprintf(m2, sizeof(m2), "<@!%s>", bot);
    for (const char *p = content; *p;) {
        if (strncmp(p, m1, strlen(m1)) == 0) {
            p += strlen(m1);
            continue;
        }
        if (strncmp(p, m2, strlen(m2)) == 0) {
            p += strlen(m2);
            continue;
        }
        buf_addc(out, *p++);
    }
    /* Trim. */
    size_t s = 0;
    while (s < out->len && (out->data[s] == ' ' || out->data[s] == '\n'))
        s++;
    if (s) {
        memmove(out->data, out->data + s, out->len - s + 1);
        out->len -= s;
    }
    buf_rtrim(out);
}

void
dc_handle_message(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN], channel[DC_ID_LEN], uid[DC_ID_LEN];
    const cJSON *author = dc_field(x, "author");
    if (!dc_id(x, "id", id) || !dc_id(x, "channel_id", channel) ||
        !dc_id(author, "id", uid)) {
        dc_log_once(d, DC_LOG_MALFORMED, "MESSAGE_CREATE without id, "
                    "channel or author dropped");
        return;
    }
    /* Our own messages, other bots', webhooks', system messages. */
    if ((d->bot_id[0] && strcmp(uid, d->bot_id) == 0) ||
        cJSON_IsTrue(dc_field(author, "bot")) || dc_field(x, "webhook_id"))
        return;
    long mtype = dc_int(x, "type", 0);
    if (mtype != 0 && mtype != 19)
        return;
    if (d->stopping)
        return;
    const char *content = dc_str(x, "content");
    bool dm = dc_field(x, "guild_id") == NULL;
    const char *nick = dc_str(dc_field(x, "member"), "nick");
    dc_users_note(d, author, nick);
    struct buf text = BUF_INIT;
    buf_init(&text, 16 * 1024);
    if (dm) {
        dc_dm_note(d, uid, channel);
        buf_adds(&text, content ? content : "");
        buf_rtrim(&text);
    } else {
        /* A guild message counts only when it mentions the bot. */
        bool mentioned = false;
        const cJSON *m;
        cJSON_ArrayForEach(m, dc_field(x, "mentions")) {
            char mid[DC_ID_LEN];
            if (dc_id(m, "id", mid) && strcmp(mid, d->bot_id) == 0)
                mentioned = true;
        }
        if (!mentioned || !d->bot_id[0] || !content) {
            buf_free(&text);
            return;
        }
        strip_bot_mention(content, d->bot_id, &text);
    }
    if (text.len == 0) {
        buf_free(&text);
        return;     /* an attachment, a sticker: nothing to read */
    }
    struct core_event ev = {
        .kind = dm ? CORE_EV_DM : CORE_EV_MESSAGE,
        .platform = "discord",
        .event_id = id,
        .user_id = uid,
        .user_name = display_name(author, nick),
        .channel_id = dm ? NULL : channel,
        .text = buf_cstr(&text),
    };
    inbound_submit(d, &ev, NULL, 0);
    buf_free(&text);
}

/* ---- the guild ----------------------------------------------------------- */

static bool
is_category_named(const cJSON *ch)
{
    const char *name = dc_str(ch, "name");
    return dc_int(ch, "type", -1) == 4 && name &&
           strcasecmp(name, CATEGORY_NAME) == 0;
}

void
dc_guild_seen(struct discord *d, const char *guild_id, const cJSON *channels)
{
    if (!d->guild_id[0])
        snprintf(d->guild_id, sizeof(d->guild_id), "%s", guild_id);
    if (strcmp(d->guild_id, guild_id) != 0)
        return;
    const cJSON *ch;
    cJSON_ArrayForEach(ch, channels) {
        char cid[DC_ID_LEN];
        if (is_category_named(ch) && dc_id(ch, "id", cid) &&
            (!d->category_id[0] || d->category_id[0] == '-'))
            snprintf(d->category_id, sizeof(d->category_id), "%s", cid);
    }
    if (!d->guild_seen)
        log_info("discord", "server %s: %s", guild_id,
                 d->category_id[0] ? "\"campaigns\" category found"
                                   : "no \"campaigns\" category yet");
    d->guild_seen = true;
    resume_parked(d);
}

void
dc_channel_seen(struct discord *d, const cJSON *channel, bool gone)
{
    char id[DC_ID_LEN], gid[DC_ID_LEN];
    if (!dc_id(channel, "id", id))
        return;
    if (dc_id(channel, "guild_id", gid) && d->guild_id[0] &&
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
dc_on_ready(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN];
    if (dc_id(dc_field(x, "user"), "id", id))
        snprintf(d->bot_id, sizeof(d->bot_id), "%s", id);
    if (!d->app_id[0] && dc_id(dc_field(x, "application"), "id", id))
        snprintf(d->app_id, sizeof(d->app_id), "%s", id);
    d->nready_guilds = 0;
    const cJSON *g;
    cJSON_ArrayForEach(g, dc_field(x, "guilds")) {
        if (d->nready_guilds < 4 &&
            dc_id(g, "id", d->ready_guilds[d->nready_guilds]))
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
            dc_log_once(d, DC_LOG_NO_GUILD, "chorus is in no server yet: "
                        "invite it with the URL in the README");
        }
    }
    if (!d->commands_done)
        register_commands(d);
    kick(d);
}

void
dc_on_resumed(struct discord *d)
{
    kick(d);
}

/* ---- start-up: application id, commands ---------------------------------- */

static void
on_commands(void *arg, const struct rest_result *r)
{
    struct discord *d = arg;
    if (r->ch == CH_OK) {
        d->commands_done = true;
        log_info("discord", "registered /campaign (%s)",
                 d->guild_configured ? "server command" : "global command");
        return;
    }
    d->commands_done = false;
    if (r->ch != CH_BUSY)
        log_error("discord", "could not register /campaign: %s",
                  r->error ? r->error : "?");
}

static void
register_commands(struct discord *d)
{
    if (d->commands_done || !d->app_id[0] || d->rest == NULL)
        return;
    d->commands_done = true;    /* in flight; cleared on failure */
    char *json = dc_commands_json();
    char path[128];
    if (d->guild_configured)
        snprintf(path, sizeof(path), "/applications/%s/guilds/%s/commands",
                 d->app_id, d->guild_id);
    else
        snprintf(path, sizeof(path), "/applications/%s/commands", d->app_id);
    rest_send(d->rest, HTTP_PUT, path, json, 0, NULL, on_commands, d);
    free(json);
}

static void
on_application(void *arg, const struct rest_result *r)
{
    struct discord *d = arg;
    char id[DC_ID_LEN];
    if (r->ch == CH_OK && dc_id(r->json, "id", id)) {
        if (!d->app_id[0])
            snprintf(d->app_id, sizeof(d->app_id), "%s", id);
        register_commands(d);
        return;
    }
    if (r->ch != CH_BUSY)
        log_warn("discord", "could not read the application id (%s); "
                 "waiting for READY", r->error ? r->error : "no id");
}

static void
on_unauthorized(void *arg, const char *why)
{
    struct discord *d = arg;
    char text[512];
    snprintf(text, sizeof(text), "Discord refused the bot token (401 "
             "Unauthorized on %s): check DISCORD_TOKEN (or the discord_token "
             "directive)", why);
    dc_fatal(d, text);
}

/* ---- adapter ops --------------------------------------------------------- */

static bool
can_take(struct discord *d)
{
    return !d->stopping && !d->fatal && d->rest && !rest_halted(d->rest) &&
           d->njobs < MAX_JOBS;
}

static enum ch_status
op_message(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    /* A reply to an interaction answers it. */
    if (m->kind == OUT_REPLY) {
        struct ix *ix = d->collect && d->collect->reply_id == m->id
                            ? d->collect
                            : ix_by_reply(d, m->id);
        if (ix && ix == d->collect) {
            body_free(&ix->col_reply);
            body_from(d, m, NULL, &ix->col_reply);
            ix->collected_reply = true;
            return CH_OK;
        }
        if (ix) {
            struct body b;
            body_from(d, m, NULL, &b);
            ix_reply(ix, &b);
            body_free(&b);
            return CH_OK;
        }
    }
    struct job *j = job_new(d, J_MESSAGE, m->id);
    if (m->channel && dc_is_snowflake(m->channel))
        snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    if (m->user && dc_is_snowflake(m->user))
        snprintf(j->user, sizeof(j->user), "%s", m->user);
    char prefix[DC_ID_LEN + 8] = "";
    if (m->kind == OUT_REPLY && j->channel[0] && j->user[0])
        snprintf(prefix, sizeof(prefix), "<@%s> ", j->user);
    if (!j->channel[0] && !j->user[0]) {
        job_free(j);
        log_warn("discord", "outbox %lld has neither a channel nor a user",
                 (long long)m->id);
        return CH_INVALID;
    }
    body_from(d, m, prefix, &j->body);
    job_step(j);
    return CH_OK;
}

static enum ch_status
op_update(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    if (d->collect && d->collect->via[0] && m->ref &&
        strcmp(m->ref, d->collect->via) == 0 && !d->collect->collected_update) {
        body_from(d, m, NULL, &d->collect->col_update);
        d->collect->collected_update = true;
        return CH_OK;
    }
    struct job *j = job_new(d, J_UPDATE, m->id);
    if (!split_ref(m->ref, j->channel, j->target)) {
        job_free(j);
        return CH_INVALID;
    }
    body_from(d, m, NULL, &j->body);
    job_step(j);
    return CH_OK;
}

static enum ch_status
op_create_channel(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    struct job *j = job_new(d, J_CREATE_CHANNEL, m->id);
    j->name = xstrdup(m->channel_name ? m->channel_name
                      : m->campaign   ? m->campaign
                                      : "campaign");
    job_step(j);
    return CH_OK;
}

static enum ch_status
op_invite(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    if (!m->channel || !m->user || !dc_is_snowflake(m->channel) ||
        !dc_is_snowflake(m->user))
        return CH_INVALID;
    struct job *j = job_new(d, J_INVITE, m->id);
    snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    snprintf(j->user, sizeof(j->user), "%s", m->user);
    job_step(j);
    return CH_OK;
}

static enum ch_status
op_pin(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    struct job *j = job_new(d, J_PIN, m->id);
    if (!split_ref(m->ref, j->channel, j->target)) {
        job_free(j);
        return CH_INVALID;
    }
    job_step(j);
    return CH_OK;
}

static enum ch_status
op_topic(struct adapter *a, const struct out_msg *m)
{
    struct discord *d = from_adapter(a);
    if (!can_take(d))
        return CH_BUSY;
    if (!m->channel || !dc_is_snowflake(m->channel))
        return CH_INVALID;
    struct job *j = job_new(d, J_TOPIC, m->id);
    snprintf(j->channel, sizeof(j->channel), "%s", m->channel);
    size_t len = m->text ? strlen(m->text) : 0;
    if (len > DC_TOPIC_MAX) {
        len = DC_TOPIC_MAX;
        while (len > 0 && ((unsigned char)m->text[len] & 0xc0) == 0x80)
            len--;
    }
    j->text = xstrndup(m->text ? m->text : "", len);
    job_step(j);
    return CH_OK;
}

static enum ch_status
op_find_user(struct adapter *a, const char *name, struct buf *out)
{
    return dc_users_find(from_adapter(a), name, out);
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

static const struct adapter_ops discord_ops = {
    .version = ADAPTER_OPS_V1,
    .name = "discord",
    .caps = ADAPTER_CAP_BUTTONS | ADAPTER_CAP_EPHEMERAL | ADAPTER_CAP_PIN |
            ADAPTER_CAP_LOCAL_TIME,
    .reply = op_message,
    .post = op_message,
    .dm = op_message,
    .update = op_update,
    .create_channel = op_create_channel,
    .invite = op_invite,
    .pin = op_pin,
    .set_topic = op_topic,
    .lookup_user = NULL,     /* Discord has no time zone to look up */
    .find_user = op_find_user,
    .render_person = op_render_person,
    .render_channel = op_render_channel,
    .render_time = op_render_time,
};

/* ---- platform ------------------------------------------------------------ */

static bool
dc_wanted(const struct config *cfg)
{
    const char *t = getenv("DISCORD_TOKEN");
    return cfg->discord.enabled || (t && *t);
}

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

static struct adapter *
dc_create(const struct platform_env *env, struct ch_error *err)
{
    const struct config *cfg = env->cfg;
    const char *ref = cfg->discord.token ? cfg->discord.token
                                         : "env:DISCORD_TOKEN";
    char *token = NULL;
    struct ch_error serr = { 0 };
    if (config_secret_load(cfg, ref, &token, &serr) != CH_OK) {
        ch_fail(err, serr.status ? serr.status : CH_INVALID,
                "the bot token: %s", serr.user);
        return NULL;
    }
    struct discord *d = xcalloc(1, sizeof(*d));
    d->base.ops = &discord_ops;
    d->env = *env;
    d->cfg = cfg;
    d->token = token;
    const char *url = getenv("DISCORD_API_URL");
    if (!url || !*url)
        url = cfg->discord.api_url ? cfg->discord.api_url : DEFAULT_API;
    d->api_base = api_base(url);
    if (cfg->discord.guild) {
        snprintf(d->guild_id, sizeof(d->guild_id), "%s", cfg->discord.guild);
        d->guild_configured = true;
    }
    if (cfg->discord.application_id)
        snprintf(d->app_id, sizeof(d->app_id), "%s",
                 cfg->discord.application_id);
    d->intents = DC_INTENT_GUILDS | DC_INTENT_GUILD_MESSAGES |
                 DC_INTENT_DIRECT_MESSAGES;
    if (cfg->discord.message_content)
        d->intents |= DC_INTENT_MESSAGE_CONTENT;
    d->rng = jitter_seed();
    backoff_init(&d->retry_backoff, 200, 5000, d->rng);
    d->retry_tail = &d->retry_head;
    struct rest_options ro = {
        .loop = env->loop, .http = env->http, .base = d->api_base,
        .token = token, .unauthorized = on_unauthorized, .arg = d,
    };
    d->rest = rest_new(&ro);
    d->gw = gw_new(d);
    d->defer_timer = loop_timer_new(env->loop, on_defer_timer, d);
    d->kick_timer = loop_timer_new(env->loop, on_kick_timer, d);
    d->retry_timer = loop_timer_new(env->loop, on_retry_timer, d);
    log_info("discord", "REST at %s", d->api_base);
    return &d->base;
}

static int
dc_start(struct adapter *a)
{
    struct discord *d = from_adapter(a);
    d->started = true;
    if (!d->app_id[0])
        rest_send(d->rest, HTTP_GET, "/oauth2/applications/@me", NULL, 0,
                  NULL, on_application, d);
    else
        register_commands(d);
    gw_start(d->gw);
    return 0;
}

/* The last step of stop(): nothing of ours may outlive the daemon's http
 * client and lws context, so both go now, outside their callbacks. */
static void
on_stop_timer(void *arg)
{
    struct discord *d = arg;
    int64_t now = dc_now(d);
    /* Requests still queued (a 429 wait, a later part) stay in the
     * outbox; only those on the wire are waited for. */
    bool rest_idle = d->rest == NULL || rest_inflight(d->rest) == 0;
    if ((!rest_idle || !d->gw_closed) && now < d->stop_deadline) {
        loop_timer_arm(d->stop_timer, now + 50 < d->stop_deadline
                                          ? 50
                                          : d->stop_deadline - now);
        return;
    }
    if (d->rest && rest_pending(d->rest))
        log_info("discord", "stopping with %zu request%s unfinished (the "
                 "outbox keeps them)", rest_pending(d->rest),
                 rest_pending(d->rest) == 1 ? "" : "s");
    rest_free(d->rest);
    d->rest = NULL;
    gw_free(d->gw);
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
dc_stop(struct adapter *a, int64_t deadline_ms, void (*done)(void *arg),
        void *arg)
{
    struct discord *d = from_adapter(a);
    d->stopping = true;
    d->stop_done = done;
    d->stop_arg = arg;
    d->stop_deadline = deadline_ms;
    loop_timer_stop(d->defer_timer);
    loop_timer_stop(d->retry_timer);
    d->stop_timer = loop_timer_new(d->env.loop, on_stop_timer, d);
    loop_timer_arm(d->stop_timer, 50);
    if (d->gw)
        gw_stop(d->gw, on_gw_stopped, d);
    else
        d->gw_closed = true;
}

static void
dc_free(struct adapter *a)
{
    if (a == NULL)
        return;
    struct discord *d = from_adapter(a);
    rest_free(d->rest);     /* first: no callback runs after this */
    gw_free(d->gw);
    while (d->jobs)
        job_free(d->jobs);
    while (d->ix_head)
        ix_free(d->ix_head);
    while (d->retry_head) {
        struct inbound *in = d->retry_head;
        d->retry_head = in->next;
        inbound_free(in);
    }
    for (size_t i = 0; i < DC_BUTTONS; i++)
        button_forget(&d->buttons[i]);
    loop_timer_free(d->defer_timer);
    loop_timer_free(d->retry_timer);
    loop_timer_free(d->stop_timer);
    loop_timer_free(d->kick_timer);
    config_secret_free(d->token);
    free(d->api_base);
    free(d);
}

const struct platform_ops discord_platform = {
    .name = "discord",
    .wanted = dc_wanted,
    .create = dc_create,
    .start = dc_start,
    .stop = dc_stop,
    .free = dc_free,
};
