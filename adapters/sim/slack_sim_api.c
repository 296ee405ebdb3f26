/*
 * slack_sim_api: the Web API (methods, limits, errors) and the
 * response_url hooks.
 *
 * Every request, whatever its fate, becomes one struct slack_sim_call:
 * parsed arguments, status, the response sent.  Order of checks:
 * unknown method, injected faults (slack_sim_api_fail_method), token, then the
 * method itself.  API errors are HTTP 200 {"ok":false,"error":...}; only
 * rate limits use another status (429 + Retry-After), as on Slack.
 */
#include "slack_sim_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

enum api_auth {
    AUTH_BOT,       /* xoxb- in Authorization, or token= in a form body */
    AUTH_APP,       /* xapp- in Authorization only */
};

struct api_ctx {
    struct slack_sim *sim;
    const char       *method;
    cJSON            *args;
    cJSON            *out;          /* the ok:true response under way */
    const char       *error;
    cJSON            *extra;        /* fields added to an error response */
    long              status;
    int               retry_after;
    cJSON            *owned[4];     /* arguments parsed from strings */
    int               nowned;
    char              scratch[4][32];
    int               nscratch;
};

typedef void api_fn(struct api_ctx *c);

/* ---- answers ---- */

void
slack_sim_api_resp_json(struct sim_response *r, int status, cJSON *j)
{
    r->ctype = "application/json; charset=utf-8";
    sim_server_json(r, status, j);
}

void
slack_sim_api_resp_error(struct sim_response *r, int status, const char *error)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddBoolToObject(j, "ok", 0);
    cJSON_AddStringToObject(j, "error", error);
    slack_sim_api_resp_json(r, status, j);
}

/* ---- argument helpers ---- */

static const char *
arg(struct api_ctx *c, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->args, name);

    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsNumber(v) && c->nscratch < 4) {
        char *s = c->scratch[c->nscratch++];

        /* JSON bodies may carry ts as a number; Slack takes both. */
        snprintf(s, 32, "%.6f", v->valuedouble);
        return s;
    }
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    return NULL;
}

static bool
arg_bool(struct api_ctx *c, const char *name)
{
    const char *s = arg(c, name);

    return s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
}

/* blocks, view: a JSON value, or a JSON string in form bodies.  NULL if
 * absent; *bad when present but not JSON. */
static const cJSON *
arg_json(struct api_ctx *c, const char *name, bool *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->args, name);
    cJSON *p;

    *bad = false;
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v))
        return v;
    if (!*v->valuestring)
        return NULL;
    p = cJSON_Parse(v->valuestring);
    if (!p || c->nowned == 4) {
        cJSON_Delete(p);
        *bad = true;
        return NULL;
    }
    c->owned[c->nowned++] = p;
    return p;
}

static void
fail(struct api_ctx *c, const char *error)
{
    if (!c->error)
        c->error = error;
}

/* ---- channels as arguments ---- */

/*
 * chat.postMessage takes names ("#general") and user ids (the bot's DM
 * with them) besides channel ids; the conversations.* methods take ids.
 * A private channel the bot is not in does not exist for it.
 */
static struct slack_sim_channel *
chan_arg(struct api_ctx *c, const char *name, bool lenient)
{
    struct slack_sim *sim = c->sim;
    const char *key = arg(c, name);
    struct slack_sim_channel *ch = NULL;

    if (!key || !*key) {
        fail(c, "channel_not_found");
        return NULL;
    }
    if (lenient && key[0] == 'U') {
        struct slack_sim_user *u = slack_sim_user_rec(sim, key);

        if (u)
            ch = slack_sim_dm_rec(sim, u, true, NULL);
    } else if (lenient || key[0] == 'C' || key[0] == 'D' || key[0] == 'G') {
        ch = slack_sim_chan(sim, key);
        if (ch && !lenient && strcmp(ch->id, key) != 0)
            ch = NULL;      /* a name where an id is required */
    }
    if (!ch || (ch->is_private &&
                !slack_sim_is_member(ch, sim->id.bot_user_id))) {
        fail(c, "channel_not_found");
        return NULL;
    }
    return ch;
}

static bool
bot_in(const struct api_ctx *c, const struct slack_sim_channel *ch)
{
    return slack_sim_is_member(ch, c->sim->id.bot_user_id);
}

/* ---- Block Kit checks (Slack's documented limits) ---- */

static bool
text_obj_ok(const cJSON *t, size_t max, bool plain_only, struct buf *why,
            const char *where)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(t, "type");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(t, "text");

    if (!cJSON_IsObject(t) || !cJSON_IsString(type) ||
        !cJSON_IsString(text)) {
        buf_printf(why, "missing required field: text [json-pointer:%s]",
                   where);
        return false;
    }
    if (strcmp(type->valuestring, "plain_text") != 0 &&
        (plain_only || strcmp(type->valuestring, "mrkdwn") != 0)) {
        buf_printf(why, "must be a valid enum value [json-pointer:%s/type]",
                   where);
        return false;
    }
    if (utf8_length(text->valuestring) > max) {
        buf_printf(why, "must be less than %zu characters "
                   "[json-pointer:%s/text]", max + 1, where);
        return false;
    }
    return true;
}

static bool
str_max(const cJSON *o, const char *k, size_t max, bool required,
        struct buf *why, const char *where)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    if (!v && !required)
        return true;
    if (!cJSON_IsString(v)) {
        buf_printf(why, "missing required field: %s [json-pointer:%s]", k,
                   where);
        return false;
    }
    if (utf8_length(v->valuestring) > max) {
        buf_printf(why, "must be less than %zu characters "
                   "[json-pointer:%s/%s]", max + 1, where, k);
        return false;
    }
    return true;
}

static bool
button_ok(const cJSON *e, struct buf *why, const char *where)
{
    const cJSON *style = cJSON_GetObjectItemCaseSensitive(e, "style");
    char w[160];

    snprintf(w, sizeof(w), "%s/text", where);
    if (!text_obj_ok(cJSON_GetObjectItemCaseSensitive(e, "text"), 75, true,
                     why, w))
        return false;
    if (!str_max(e, "action_id", 255, false, why, where) ||
        !str_max(e, "value", 2000, false, why, where) ||
        !str_max(e, "url", 3000, false, why, where))
        return false;
    if (style && (!cJSON_IsString(style) ||
                  (strcmp(style->valuestring, "primary") != 0 &&
                   strcmp(style->valuestring, "danger") != 0))) {
        buf_printf(why, "must be a valid enum value "
                   "[json-pointer:%s/style]", where);
        return false;
    }
    return true;
}

static bool
actions_ok(const cJSON *b, struct buf *why, const char *where)
{
    const cJSON *els = cJSON_GetObjectItemCaseSensitive(b, "elements");
    int n = cJSON_GetArraySize(els), i = 0;
    const cJSON *e;

    if (!cJSON_IsArray(els) || n < 1 || n > 25) {
        buf_printf(why, "must provide 1 to 25 elements "
                   "[json-pointer:%s/elements]", where);
        return false;
    }
    cJSON_ArrayForEach(e, els) {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");
        const cJSON *aid = cJSON_GetObjectItemCaseSensitive(e, "action_id");
        char w[96];
        int k = 0;
        const cJSON *o;

        snprintf(w, sizeof(w), "%s/elements/%d", where, i);
        if (!cJSON_IsString(type)) {
            buf_printf(why, "missing required field: type "
                       "[json-pointer:%s]", w);
            return false;
        }
        if (strcmp(type->valuestring, "button") == 0 &&
            !button_ok(e, why, w))
            return false;
        /* action_id must be unique within the block. */
        cJSON_ArrayForEach(o, els) {
            const cJSON *a = cJSON_GetObjectItemCaseSensitive(o,
                                                              "action_id");

            if (k++ < i + 1 || !cJSON_IsString(a) || !cJSON_IsString(aid))
                continue;
            if (strcmp(a->valuestring, aid->valuestring) == 0) {
                buf_printf(why, "action_id must be unique "
                           "[json-pointer:%s/action_id]", w);
                return false;
            }
        }
        i++;
    }
    return true;
}

static bool
block_ok(const cJSON *b, int i, struct buf *why)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(b, "type");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(b, "text");
    const cJSON *fields = cJSON_GetObjectItemCaseSensitive(b, "fields");
    char w[64], wt[80];
    const char *t;

    snprintf(w, sizeof(w), "/blocks/%d", i);
    snprintf(wt, sizeof(wt), "%s/text", w);
    if (!cJSON_IsObject(b) || !cJSON_IsString(type)) {
        buf_printf(why, "missing required field: type [json-pointer:%s]",
                   w);
        return false;
    }
    if (!str_max(b, "block_id", 255, false, why, w))
        return false;
    t = type->valuestring;
    if (strcmp(t, "section") == 0) {
        if (!text && !fields) {
            buf_printf(why, "must provide text or fields "
                       "[json-pointer:%s]", w);
            return false;
        }
        if (text && !text_obj_ok(text, 3000, false, why, wt))
            return false;
        if (fields && (!cJSON_IsArray(fields) ||
                       cJSON_GetArraySize(fields) > 10)) {
            buf_printf(why, "must provide at most 10 fields "
                       "[json-pointer:%s/fields]", w);
            return false;
        }
        return true;
    }
    if (strcmp(t, "header") == 0)
        return text_obj_ok(text, 150, true, why, wt);
    if (strcmp(t, "actions") == 0)
        return actions_ok(b, why, w);
    if (strcmp(t, "context") == 0) {
        int n = cJSON_GetArraySize(cJSON_GetObjectItem(b, "elements"));

        if (n < 1 || n > 10) {
            buf_printf(why, "must provide 1 to 10 elements "
                       "[json-pointer:%s/elements]", w);
            return false;
        }
        return true;
    }
    if (strcmp(t, "input") == 0) {
        const cJSON *el = cJSON_GetObjectItemCaseSensitive(b, "element");
        char wl[80];

        snprintf(wl, sizeof(wl), "%s/label", w);
        if (!text_obj_ok(cJSON_GetObjectItem(b, "label"), 2000, true, why,
                         wl))
            return false;
        if (!cJSON_IsObject(el)) {
            buf_printf(why, "missing required field: element "
                       "[json-pointer:%s]", w);
            return false;
        }
        if (cJSON_HasObjectItem(b, "optional") &&
            !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(b, "optional"))) {
            buf_printf(why, "must be a boolean "
                       "[json-pointer:%s/optional]", w);
            return false;
        }
        return true;
    }
    if (strcmp(t, "divider") == 0 || strcmp(t, "image") == 0 ||
        strcmp(t, "rich_text") == 0 || strcmp(t, "file") == 0 ||
        strcmp(t, "video") == 0)
        return true;
    buf_printf(why, "unsupported type: %s [json-pointer:%s/type]", t, w);
    return false;
}

/* NULL when fine, else an "[ERROR] ..." line for response_metadata. */
static bool
blocks_ok(const cJSON *blocks, struct buf *why)
{
    const cJSON *b;
    int i = 0;

    if (!cJSON_IsArray(blocks)) {
        buf_adds(why, "must be an array [json-pointer:/blocks]");
        return false;
    }
    if (cJSON_GetArraySize(blocks) > 50) {
        buf_adds(why, "must provide at most 50 blocks "
                      "[json-pointer:/blocks]");
        return false;
    }
    cJSON_ArrayForEach(b, blocks) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(b, "block_id");
        const cJSON *o;
        int k = 0;

        if (!block_ok(b, i, why))
            return false;
        /* block_id: unique within the message or view. */
        cJSON_ArrayForEach(o, blocks) {
            const cJSON *oid = cJSON_GetObjectItemCaseSensitive(o,
                                                                "block_id");

            if (k++ >= i)
                break;
            if (cJSON_IsString(id) && cJSON_IsString(oid) &&
                strcmp(id->valuestring, oid->valuestring) == 0) {
                buf_printf(why, "block_id must be unique "
                           "[json-pointer:/blocks/%d/block_id]", i);
                return false;
            }
        }
        i++;
    }
    return true;
}

static void
fail_blocks(struct api_ctx *c, const char *error, struct buf *why)
{
    cJSON *md, *msgs;
    char line[512];

    fail(c, error);
    if (c->extra || !why->len)
        return;
    snprintf(line, sizeof(line), "[ERROR] %s", buf_cstr(why));
    c->extra = cJSON_CreateObject();
    md = cJSON_AddObjectToObject(c->extra, "response_metadata");
    msgs = cJSON_AddArrayToObject(md, "messages");
    cJSON_AddItemToArray(msgs, cJSON_CreateString(line));
}

/*
 * text / blocks / attachments of chat.* methods: no_text, msg_too_long,
 * invalid_blocks.  On success *text and *blocks are borrowed (blocks may
 * be NULL).  need: at least one of them (postMessage, postEphemeral).
 */
static bool
content(struct api_ctx *c, const char **text, const cJSON **blocks,
        bool need)
{
    struct buf why = BUF_INIT;
    bool bad;

    *text = arg(c, "text");
    *blocks = arg_json(c, "blocks", &bad);
    if (bad) {
        buf_adds(&why, "invalid JSON [json-pointer:/blocks]");
        fail_blocks(c, "invalid_blocks", &why);
        buf_free(&why);
        return false;
    }
    if (*blocks && !blocks_ok(*blocks, &why)) {
        fail_blocks(c, "invalid_blocks", &why);
        buf_free(&why);
        return false;
    }
    buf_free(&why);
    if (*blocks && cJSON_GetArraySize(*blocks) == 0 && need)
        *blocks = NULL;
    if (need && (!*text || !**text) && !*blocks &&
        !cJSON_GetObjectItemCaseSensitive(c->args, "attachments")) {
        fail(c, "no_text");
        return false;
    }
    if (*text && utf8_length(*text) > (size_t)c->sim->max_text) {
        fail(c, "msg_too_long");
        return false;
    }
    return true;
}

/* ---- rate limiting: chat.postMessage, ~1/s per channel ---- */

static struct ssim_bucket *
bucket(struct slack_sim *sim, const char *channel)
{
    struct ssim_bucket *b;

    for (size_t i = 0; i < sim->buckets.n; i++) {
        b = sim->buckets.v[i];
        if (strcmp(b->channel, channel) == 0)
            return b;
    }
    b = xcalloc(1, sizeof(*b));
    snprintf(b->channel, sizeof(b->channel), "%s", channel);
    b->tokens = sim->post_burst;
    b->last = slack_sim_now(sim);
    slack_sim_vec_push(&sim->buckets, b);
    return b;
}

/* false (and a 429) when the channel's bucket is empty. */
static bool
post_allowed(struct api_ctx *c, const char *channel)
{
    struct slack_sim *sim = c->sim;
    struct ssim_bucket *b = bucket(sim, channel);
    int64_t now = slack_sim_now(sim);
    double wait_ms;

    b->tokens += (double)(now - b->last) / sim->post_interval_ms;
    if (b->tokens > sim->post_burst)
        b->tokens = sim->post_burst;
    b->last = now;
    if (b->tokens >= 1.0)
        return true;
    wait_ms = (1.0 - b->tokens) * sim->post_interval_ms;
    c->status = 429;
    c->retry_after = (int)ceil(wait_ms / 1000.0);
    if (c->retry_after < 1)
        c->retry_after = 1;
    fail(c, "ratelimited");
    return false;
}

static void
post_taken(struct api_ctx *c, const char *channel)
{
    bucket(c->sim, channel)->tokens -= 1.0;
}

/* ---- methods ---- */

static void
m_auth_test(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    char url[96];

    snprintf(url, sizeof(url), "https://%s.slack.com/", sim->id.team_domain);
    cJSON_AddStringToObject(c->out, "url", url);
    cJSON_AddStringToObject(c->out, "team", sim->id.team_name);
    cJSON_AddStringToObject(c->out, "user", sim->id.bot_name);
    cJSON_AddStringToObject(c->out, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(c->out, "user_id", sim->id.bot_user_id);
    cJSON_AddStringToObject(c->out, "bot_id", sim->id.bot_id);
    cJSON_AddBoolToObject(c->out, "is_enterprise_install", 0);
}

static void
m_connections_open(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    char ticket[40], url[256];

    slack_sim_socket_ticket_new(sim, ticket);
    snprintf(url, sizeof(url), "ws://127.0.0.1:%d/link/?ticket=%s"
             "&app_id=%s%s", sim->port, ticket, sim->id.app_id,
             arg_bool(c, "debug_reconnects") ? "&debug_reconnects=true"
                                             : "");
    cJSON_AddStringToObject(c->out, "url", url);
}

static void
echo_own(struct api_ctx *c, struct slack_sim_channel *ch,
         const struct slack_sim_message *m)
{
    struct slack_sim *sim = c->sim;
    cJSON *p, *ev;
    char evid[24];

    /* Real Slack sends the bot its own posts as message events when it is
     * subscribed and in the conversation; bots must skip them. */
    if (!sim->echo_own || !bot_in(c, ch))
        return;
    snprintf(evid, sizeof(evid), "Ev0SIM%06u", ++sim->n_event);
    p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "token", "sim-verification-token");
    cJSON_AddStringToObject(p, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(p, "api_app_id", sim->id.app_id);
    ev = slack_sim_msg_json(sim, m);
    cJSON_AddStringToObject(ev, "channel", ch->id);
    cJSON_AddStringToObject(ev, "event_ts", m->ts);
    cJSON_AddStringToObject(ev, "channel_type",
                            ch->is_im ? "im" : ch->is_private ? "group"
                                                              : "channel");
    cJSON_AddItemToObject(p, "event", ev);
    cJSON_AddStringToObject(p, "type", "event_callback");
    cJSON_AddStringToObject(p, "event_id", evid);
    cJSON_AddNumberToObject(p, "event_time", (double)slack_sim_epoch());
    slack_sim_socket_deliver(sim, "events_api", p, false, evid,
                             "bot's own message", NULL, ch->id);
}

static void
m_post_message(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = chan_arg(c, "channel", true);
    struct slack_sim_message *m;
    const char *text, *thread;
    const cJSON *blocks;

    if (!ch || !post_allowed(c, ch->id) || !content(c, &text, &blocks, true))
        return;
    if (ch->is_archived) {
        fail(c, "is_archived");
        return;
    }
    post_taken(c, ch->id);
    thread = arg(c, "thread_ts");
    m = slack_sim_msg_add(sim, ch, sim->id.bot_user_id, sim->id.bot_id, text,
                          blocks, thread && *thread ? thread : NULL, NULL);
    cJSON_AddStringToObject(c->out, "channel", ch->id);
    cJSON_AddStringToObject(c->out, "ts", m->ts);
    cJSON_AddItemToObject(c->out, "message", slack_sim_msg_json(sim, m));
    slack_sim_observe(sim, SLACK_SIM_OBS_POST, ch, sim->id.bot_name, text,
                      blocks, "%s%s%s", m->thread_ts ? "(thread " : "",
                      m->thread_ts ? m->thread_ts : "",
                      m->thread_ts ? ") " : "");
    echo_own(c, ch, m);
}

static void
m_update(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = chan_arg(c, "channel", false);
    struct slack_sim_message *m;
    const char *text;
    const cJSON *blocks;

    if (!ch)
        return;
    m = slack_sim_msg_find(ch, arg(c, "ts"));
    if (!m) {
        fail(c, "message_not_found");
        return;
    }
    if (!m->bot_id || strcmp(m->bot_id, sim->id.bot_id) != 0) {
        fail(c, "cant_update_message");
        return;
    }
    if (!content(c, &text, &blocks, false))
        return;
    if (!text && !blocks) {
        fail(c, "no_text");
        return;
    }
    slack_sim_msg_edit(sim, m, text, blocks);
    cJSON_AddStringToObject(c->out, "channel", ch->id);
    cJSON_AddStringToObject(c->out, "ts", m->ts);
    cJSON_AddStringToObject(c->out, "text", m->text);
    cJSON_AddItemToObject(c->out, "message", slack_sim_msg_json(sim, m));
    slack_sim_observe(sim, SLACK_SIM_OBS_UPDATE, ch, sim->id.bot_name, m->text,
                      m->blocks, "(edited %s) ", m->ts);
}

static void
m_post_ephemeral(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = chan_arg(c, "channel", true);
    struct slack_sim_user *u;
    struct slack_sim_ephemeral *e;
    const char *text;
    const cJSON *blocks;

    if (!ch)
        return;
    u = slack_sim_user_rec(sim, arg(c, "user"));
    if (!u || !slack_sim_is_member(ch, u->id)) {
        /* "Intended recipient is not in the specified channel". */
        fail(c, u ? "user_not_in_channel" : "user_not_found");
        return;
    }
    if (!content(c, &text, &blocks, true))
        return;
    e = slack_sim_ephemeral_add(sim, ch->id, u->id, text, blocks,
                                "chat.postEphemeral");
    cJSON_AddStringToObject(c->out, "message_ts", e->ts);
    slack_sim_observe(sim, SLACK_SIM_OBS_EPHEMERAL, ch, sim->id.bot_name, text,
                      blocks, "(only @%s sees) ", u->name);
}

static const char *
name_error(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    bool punct_only = true;

    if (n == 0)
        return "invalid_name_required";
    if (n > 80)
        return "invalid_name_maxlength";
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];

        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return "invalid_name_specials";
        if (ch != '-' && ch != '_')
            punct_only = false;
    }
    return punct_only ? "invalid_name_punctuation" : NULL;
}

static void
m_create(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    const char *name = arg(c, "name"), *why = name_error(name);
    bool priv = arg_bool(c, "is_private");
    struct slack_sim_channel *ch;

    if (why) {
        fail(c, why);
        return;
    }
    for (size_t i = 0; i < sim->channels.n; i++) {
        ch = sim->channels.v[i];
        if (ch->name && strcmp(ch->name, name) == 0) {
            fail(c, "name_taken");
            return;
        }
    }
    ch = slack_sim_chan_new(sim, name, priv, sim->id.bot_user_id);
    cJSON_AddItemToObject(c->out, "channel", slack_sim_chan_json(sim, ch));
    slack_sim_observe(sim, SLACK_SIM_OBS_CREATE, ch, sim->id.bot_name, NULL,
                      NULL, "created %s channel #%s",
                      priv ? "private" : "public", name);
}

/* users / channel lists: "U1,U2" strings, or JSON arrays of strings. */
static size_t
user_list(struct api_ctx *c, const char *name, char ***out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->args, name);
    const cJSON *e;
    char **list = NULL;
    size_t n = 0;

    if (cJSON_IsArray(v)) {
        cJSON_ArrayForEach(e, v)
            if (cJSON_IsString(e)) {
                list = xrealloc(list, n + 1, sizeof(*list));
                list[n++] = xstrdup(e->valuestring);
            }
    } else if (cJSON_IsString(v)) {
        const char *p = v->valuestring;

        while (*p) {
            size_t len = strcspn(p, ","), skip = len;
            const char *q = p;

            while (len && isspace((unsigned char)*q))
                q++, len--;
            while (len && isspace((unsigned char)q[len - 1]))
                len--;
            if (len) {
                list = xrealloc(list, n + 1, sizeof(*list));
                list[n++] = xstrndup(q, len);
            }
            p += skip;
            if (*p == ',')
                p++;
        }
    }
    *out = list;
    return n;
}

static void
list_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

static void
m_invite(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = chan_arg(c, "channel", false);
    struct buf added = BUF_INIT;
    const char **why;
    char **users;
    size_t n, bad = 0, ok = 0;
    bool force = arg_bool(c, "force");
    cJSON *errs;

    if (!ch)
        return;
    if (!bot_in(c, ch)) {
        fail(c, "not_in_channel");
        return;
    }
    n = user_list(c, "users", &users);
    if (n == 0) {
        fail(c, "no_user");
        return;
    }
    if (n > 100) {
        list_free(users, n);
        fail(c, "too_many_users");
        return;
    }
    why = xcalloc(n, sizeof(*why));
    for (size_t i = 0; i < n; i++) {
        struct slack_sim_user *u = slack_sim_user_rec(sim, users[i]);

        if (!u || strcmp(u->id, users[i]) != 0)
            why[i] = "user_not_found";      /* ids only, like Slack */
        else if (strcmp(u->id, sim->id.bot_user_id) == 0)
            why[i] = "cant_invite_self";
        else if (slack_sim_is_member(ch, u->id))
            why[i] = "already_in_channel";
        else {
            for (size_t k = 0; k < i; k++)
                if (strcmp(users[k], users[i]) == 0)
                    why[i] = "already_in_channel";
        }
        bad += why[i] != NULL;
    }
    /* Without force one bad user fails the whole call (the documented
     * per-user "errors" shape); with force the valid ones get in. */
    if (!bad || force) {
        for (size_t i = 0; i < n; i++)
            if (!why[i] && slack_sim_member_add(ch, users[i])) {
                buf_printf(&added, "%s@%s", ok++ ? ", " : "",
                           slack_sim_user_label(sim, users[i]));
            }
    }
    if (bad) {
        errs = cJSON_CreateArray();
        for (size_t i = 0; i < n; i++) {
            cJSON *e;

            if (!why[i])
                continue;
            e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "user", users[i]);
            cJSON_AddBoolToObject(e, "ok", 0);
            cJSON_AddStringToObject(e, "error", why[i]);
            cJSON_AddItemToArray(errs, e);
        }
        if (ok) {
            cJSON_AddItemToObject(c->out, "errors", errs);
        } else {
            for (size_t i = 0; i < n && !c->error; i++)
                if (why[i])
                    fail(c, why[i]);
            c->extra = cJSON_CreateObject();
            cJSON_AddItemToObject(c->extra, "errors", errs);
        }
    }
    if (!c->error)
        cJSON_AddItemToObject(c->out, "channel", slack_sim_chan_json(sim, ch));
    if (ok)
        slack_sim_observe(sim, SLACK_SIM_OBS_INVITE, ch, sim->id.bot_name, NULL,
                          NULL, "added %s", buf_cstr(&added));
    buf_free(&added);
    free(why);
    list_free(users, n);
}

static struct slack_sim_channel *
mpim(struct api_ctx *c, char **users, size_t n)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch;
    struct buf name = BUF_INIT;

    for (size_t i = 0; i < sim->channels.n; i++) {
        size_t hit = 0;

        ch = sim->channels.v[i];
        if (!ch->is_mpim || ch->nmembers != n + 1)
            continue;
        for (size_t k = 0; k < n; k++)
            hit += slack_sim_is_member(ch, users[k]);
        if (hit == n)
            return ch;
    }
    buf_adds(&name, "mpdm");
    for (size_t k = 0; k < n; k++)
        buf_printf(&name, "-%s-", slack_sim_user_label(sim, users[k]));
    buf_adds(&name, "1");
    ch = slack_sim_chan_new(sim, buf_cstr(&name), true, sim->id.bot_user_id);
    buf_free(&name);
    ch->is_mpim = true;
    ch->id[0] = 'G';
    for (size_t k = 0; k < n; k++)
        slack_sim_member_add(ch, users[k]);
    return ch;
}

static void
m_open(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = NULL;
    bool created = false, full = arg_bool(c, "return_im");
    char **users;
    size_t n = user_list(c, "users", &users);
    cJSON *j;

    if (n == 0 && !arg(c, "channel")) {
        fail(c, "users_list_not_supplied");
        return;
    }
    if (n == 0) {
        ch = chan_arg(c, "channel", false);
        if (!ch)
            return;
    }
    for (size_t i = 0; i < n; i++) {
        struct slack_sim_user *u = slack_sim_user_rec(sim, users[i]);

        if (!u || strcmp(u->id, users[i]) != 0) {
            fail(c, "user_not_found");
            goto out;
        }
    }
    if (n > 8) {
        fail(c, "too_many_users");
        goto out;
    }
    if (n == 1)
        ch = slack_sim_dm_rec(sim, slack_sim_user_rec(sim, users[0]), true,
                              &created);
    else if (n > 1) {
        size_t before = sim->channels.n;

        ch = mpim(c, users, n);
        created = sim->channels.n != before;
    }
    if (!created) {
        cJSON_AddBoolToObject(c->out, "no_op", 1);
        cJSON_AddBoolToObject(c->out, "already_open", 1);
    }
    if (full || !created)
        j = slack_sim_chan_json(sim, ch);
    else {
        j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "id", ch->id);
    }
    cJSON_AddItemToObject(c->out, "channel", j);
out:
    list_free(users, n);
}

/* Slack: the caller must be a member; a channel archived twice answers
 * already_archived; a DM cannot be archived. */
static void
m_archive(struct api_ctx *c)
{
    struct slack_sim_channel *ch = chan_arg(c, "channel", false);

    if (!ch)
        return;
    if (ch->is_im || ch->is_mpim) {
        fail(c, "method_not_supported_for_channel_type");
        return;
    }
    if (!bot_in(c, ch)) {
        fail(c, "not_in_channel");
        return;
    }
    if (ch->is_archived) {
        fail(c, "already_archived");
        return;
    }
    ch->is_archived = true;
}

static void
m_set_topic(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = chan_arg(c, "channel", false);
    const char *topic = arg(c, "topic");
    char text[600];

    if (!ch)
        return;
    if (!bot_in(c, ch)) {
        fail(c, "not_in_channel");
        return;
    }
    if (!topic)
        topic = "";
    if (utf8_length(topic) > 250) {
        fail(c, "too_long");
        return;
    }
    free(ch->topic);
    ch->topic = xstrdup(topic);
    free(ch->topic_creator);
    ch->topic_creator = xstrdup(sim->id.bot_user_id);
    ch->topic_last_set = slack_sim_epoch();
    snprintf(text, sizeof(text), "set the channel topic: %s", topic);
    slack_sim_msg_add(sim, ch, sim->id.bot_user_id, NULL, text, NULL, NULL,
                      "channel_topic");
    cJSON_AddItemToObject(c->out, "channel", slack_sim_chan_json(sim, ch));
    slack_sim_observe(sim, SLACK_SIM_OBS_TOPIC, ch, sim->id.bot_name, NULL,
                      NULL, "set the topic: %s", topic);
}

static void
m_pin(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct slack_sim_channel *ch = chan_arg(c, "channel", false);
    struct slack_sim_message *m;
    const char *ts = arg(c, "timestamp");

    if (!ch)
        return;
    if (!ts || !*ts) {
        fail(c, "no_item_specified");
        return;
    }
    m = slack_sim_msg_find(ch, ts);
    if (!m) {
        fail(c, "message_not_found");
        return;
    }
    if (m->pinned) {
        fail(c, "already_pinned");
        return;
    }
    m->pinned = true;
    slack_sim_observe(sim, SLACK_SIM_OBS_PIN, ch, sim->id.bot_name, m->text,
                      m->blocks, "pinned: ");
}

static void
m_users_info(struct api_ctx *c)
{
    struct slack_sim_user *u = slack_sim_user_rec(c->sim, arg(c, "user"));

    if (!u || strcmp(u->id, arg(c, "user")) != 0) {
        fail(c, "user_not_found");
        return;
    }
    cJSON_AddItemToObject(c->out, "user", slack_sim_user_json(c->sim, u));
}

static struct ssim_trigger *
trigger_find(struct slack_sim *sim, const char *id)
{
    for (size_t i = 0; id && i < sim->triggers.n; i++) {
        struct ssim_trigger *t = sim->triggers.v[i];

        if (strcmp(t->id, id) == 0)
            return t;
    }
    return NULL;
}

static void
m_views_open(struct api_ctx *c)
{
    struct slack_sim *sim = c->sim;
    struct ssim_trigger *t = trigger_find(sim, arg(c, "trigger_id"));
    struct slack_sim_view *v;
    const cJSON *view, *blocks, *title, *cb;
    struct buf why = BUF_INIT;
    char id[24];
    cJSON *j;
    bool bad;

    view = arg_json(c, "view", &bad);
    if (!arg(c, "trigger_id") || !view || bad || !cJSON_IsObject(view)) {
        fail(c, "invalid_arguments");
        return;
    }
    /* A trigger is good once, within trigger_ttl_ms of the interaction
     * (3 s on Slack); invalid_/exchanged_trigger_id as Slack names them. */
    if (!t) {
        fail(c, "invalid_trigger_id");
        return;
    }
    if (t->used) {
        fail(c, "exchanged_trigger_id");
        return;
    }
    if (slack_sim_now(sim) - t->issued > sim->trigger_ms) {
        fail(c, "expired_trigger_id");
        return;
    }
    blocks = cJSON_GetObjectItemCaseSensitive(view, "blocks");
    title = cJSON_GetObjectItemCaseSensitive(view, "title");
    if (!cJSON_IsString(cJSON_GetObjectItem(view, "type")) ||
        !text_obj_ok(title, 24, true, &why, "/view/title") ||
        (blocks && !blocks_ok(blocks, &why))) {
        fail_blocks(c, "invalid_arguments", &why);
        buf_free(&why);
        return;
    }
    buf_free(&why);
    t->used = true;
    snprintf(id, sizeof(id), "V0SIM%05u", ++sim->n_view);
    cb = cJSON_GetObjectItemCaseSensitive(view, "callback_id");
    v = xcalloc(1, sizeof(*v));
    v->id = xstrdup(id);
    v->user = xstrdup(t->user ? t->user : "");
    v->trigger_id = xstrdup(t->id);
    v->callback_id = xstrdup(cJSON_IsString(cb) ? cb->valuestring : "");
    v->view = cJSON_Duplicate(view, 1);
    slack_sim_vec_push(&sim->views, v);
    j = cJSON_Duplicate(view, 1);
    cJSON_AddStringToObject(j, "id", id);
    cJSON_AddStringToObject(j, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(j, "app_id", sim->id.app_id);
    cJSON_AddStringToObject(j, "bot_id", sim->id.bot_id);
    cJSON_AddStringToObject(j, "hash", "1700000000.sim");
    cJSON_AddItemToObject(cJSON_AddObjectToObject(j, "state"), "values",
                          cJSON_CreateObject());
    cJSON_AddItemToObject(c->out, "view", j);
    slack_sim_observe(sim, SLACK_SIM_OBS_MODAL, NULL, sim->id.bot_name, NULL,
                      blocks, "opened a modal for @%s: %s\n",
                      slack_sim_user_label(sim, v->user),
                      cJSON_GetObjectItem(title, "text")->valuestring);
}

/* Sorted by name. */
static const struct api_method {
    const char    *name;
    enum api_auth  auth;
    api_fn        *fn;
} methods[] = {
    { .name = "apps.connections.open", .auth = AUTH_APP,
      .fn = m_connections_open },
    { .name = "auth.test", .auth = AUTH_BOT, .fn = m_auth_test },
    { .name = "chat.postEphemeral", .auth = AUTH_BOT,
      .fn = m_post_ephemeral },
    { .name = "chat.postMessage", .auth = AUTH_BOT, .fn = m_post_message },
    { .name = "chat.update", .auth = AUTH_BOT, .fn = m_update },
    { .name = "conversations.archive", .auth = AUTH_BOT, .fn = m_archive },
    { .name = "conversations.create", .auth = AUTH_BOT, .fn = m_create },
    { .name = "conversations.invite", .auth = AUTH_BOT, .fn = m_invite },
    { .name = "conversations.open", .auth = AUTH_BOT, .fn = m_open },
    { .name = "conversations.setTopic", .auth = AUTH_BOT,
      .fn = m_set_topic },
    { .name = "pins.add", .auth = AUTH_BOT, .fn = m_pin },
    { .name = "users.info", .auth = AUTH_BOT, .fn = m_users_info },
    { .name = "views.open", .auth = AUTH_BOT, .fn = m_views_open },
};

static const struct api_method *
method_find(const char *name)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
        if (strcmp(methods[i].name, name) == 0)
            return &methods[i];
    return NULL;
}

/* ---- request plumbing ---- */

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *
url_decode(const char *s, size_t len)
{
    char *out = xmalloc(len + 1), *o = out;

    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+')
            *o++ = ' ';
        else if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
                 hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        } else
            *o++ = s[i];
    }
    *o = '\0';
    return out;
}

void
slack_sim_api_form_parse(const char *s, size_t len, cJSON *obj)
{
    const char *end = s + len;

    while (s < end) {
        const char *amp = memchr(s, '&', (size_t)(end - s));
        const char *pe = amp ? amp : end;
        const char *eq = memchr(s, '=', (size_t)(pe - s));
        char *k, *v;

        if (pe > s) {
            k = url_decode(s, (size_t)((eq ? eq : pe) - s));
            v = eq ? url_decode(eq + 1, (size_t)(pe - eq - 1))
                   : xstrdup("");
            cJSON_DeleteItemFromObjectCaseSensitive(obj, k);
            cJSON_AddStringToObject(obj, k, v);
            free(k);
            free(v);
        }
        s = pe + 1;
    }
}

static bool
is_json(const struct sim_request *rq)
{
    const char *p = rq->body;

    if (strncmp(rq->ctype, "application/json", 16) == 0)
        return true;
    if (rq->ctype[0])
        return false;
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
        p++;
    return *p == '{';
}

/* Arguments: query, then the body (form or JSON) over it.  false when a
 * JSON body does not parse. */
static bool
parse_args(const struct sim_request *rq, cJSON *args, bool *json)
{
    for (size_t i = 0; i < rq->nargs; i++)    /* the first one counts */
        if (!cJSON_GetObjectItemCaseSensitive(args, rq->args[i].name))
            cJSON_AddStringToObject(args, rq->args[i].name,
                                    rq->args[i].value);
    *json = rq->body_len && is_json(rq);
    if (*json) {
        cJSON *b = cJSON_ParseWithLength(rq->body, rq->body_len), *e;

        if (!cJSON_IsObject(b)) {
            cJSON_Delete(b);
            return false;
        }
        while ((e = b->child)) {
            cJSON_DetachItemViaPointer(b, e);
            cJSON_DeleteItemFromObjectCaseSensitive(args, e->string);
            cJSON_AddItemToObject(args, e->string, e);
        }
        cJSON_Delete(b);
    } else if (rq->body_len)
        slack_sim_api_form_parse(rq->body, rq->body_len, args);
    return true;
}

/* The token presented: Authorization: Bearer, or for bot methods a form
 * token= argument (Slack still takes it in POST bodies). */
static const char *
token_of(const struct sim_request *rq, const cJSON *args, bool json,
         enum api_auth auth)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(args, "token");

    if (strncmp(rq->auth, "Bearer ", 7) == 0)
        return rq->auth + 7;
    if (auth == AUTH_BOT && !json && cJSON_IsString(t))
        return t->valuestring;
    return NULL;
}

static const char *
auth_error(const struct slack_sim *sim, const char *token,
           enum api_auth auth)
{
    const char *want = auth == AUTH_APP ? sim->app_token : sim->bot_token;
    const char *other = auth == AUTH_APP ? sim->bot_token : sim->app_token;

    if (!token || !*token)
        return "not_authed";
    if (strcmp(token, want) == 0)
        return NULL;
    if (strcmp(token, other) == 0)
        return "not_allowed_token_type";
    return "invalid_auth";
}

static struct ssim_mfault *
take_fault(struct slack_sim *sim, const char *method, const cJSON *args)
{
    const char *channel = json_string(args, "channel");

    for (size_t i = 0; i < sim->mfaults.n; i++) {
        struct ssim_mfault *f = sim->mfaults.v[i];

        if (f->count <= 0 || (strcmp(f->method, "*") != 0 &&
                              strcmp(f->method, method) != 0))
            continue;
        if (f->channel && (!channel || strcmp(f->channel, channel) != 0))
            continue;
        f->count--;
        return f;
    }
    return NULL;
}

static void
apply_fault(struct api_ctx *c, const struct ssim_mfault *f)
{
    c->status = f->status ? f->status : 200;
    if (c->status == 429) {
        c->retry_after = f->retry_after > 0 ? f->retry_after : 1;
        fail(c, f->error ? f->error : "ratelimited");
    } else if (c->status >= 500)
        fail(c, f->error ? f->error : "internal_error");
    else
        fail(c, f->error ? f->error : "fatal_error");
}

void
slack_sim_api_fail_method(struct slack_sim *sim,
                          const struct slack_sim_method_fault *f)
{
    struct ssim_mfault *m = xcalloc(1, sizeof(*m));

    m->method = xstrdup(f->method ? f->method : "*");
    m->count = f->count > 0 ? f->count : 1;
    m->status = f->status;
    m->retry_after = f->retry_after;
    m->error = f->error ? xstrdup(f->error) : NULL;
    m->channel = f->channel ? xstrdup(f->channel) : NULL;
    slack_sim_vec_push(&sim->mfaults, m);
}

static void
record(struct slack_sim *sim, const char *method, cJSON *args, bool json,
       long status, int retry_after, cJSON *response, bool injected)
{
    struct slack_sim_call *call = xcalloc(1, sizeof(*call));
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(response, "error");

    call->seq = ++sim->seq;
    call->at_ms = slack_sim_now(sim);
    call->method = xstrdup(method);
    call->args = args;
    call->json_body = json;
    call->status = status;
    call->retry_after = retry_after;
    call->response = response;
    call->error = cJSON_IsString(err) ? err->valuestring : NULL;
    call->injected = injected;
    slack_sim_vec_push(&sim->calls, call);
}

void
slack_sim_api_handle(struct slack_sim *sim, const char *method,
                     const struct sim_request *rq, struct sim_response *rs)
{
    const struct api_method *m = method_find(method);
    struct api_ctx c = {
        .sim = sim,
        .method = method,
        .args = cJSON_CreateObject(),
        .out = cJSON_CreateObject(),
        .status = 200,
    };
    struct ssim_mfault *f = NULL;
    cJSON *resp;
    bool json = false;

    if (!parse_args(rq, c.args, &json))
        fail(&c, "invalid_json");
    else if (!m) {
        fail(&c, "unknown_method");
        c.extra = cJSON_CreateObject();
        cJSON_AddStringToObject(c.extra, "req_method", method);
    } else if ((f = take_fault(sim, method, c.args))) {
        apply_fault(&c, f);
    } else {
        const char *e = auth_error(sim, token_of(rq, c.args, json, m->auth),
                                   m->auth);

        if (e)
            fail(&c, e);
        else
            m->fn(&c);
    }
    if (c.error) {
        cJSON *e;

        cJSON_Delete(c.out);
        resp = cJSON_CreateObject();
        cJSON_AddBoolToObject(resp, "ok", 0);
        cJSON_AddStringToObject(resp, "error", c.error);
        while (c.extra && (e = c.extra->child)) {
            cJSON_DetachItemViaPointer(c.extra, e);
            cJSON_AddItemToObject(resp, e->string, e);
        }
        log_debug(SSIM_MOD, "%s -> %ld %s", method, c.status, c.error);
        if (strcmp(c.error, "ratelimited") != 0 || f)
            slack_sim_observe(sim, SLACK_SIM_OBS_API_ERROR, NULL, NULL, NULL,
                              NULL, "(%s failed: %ld %s%s)", method, c.status,
                              c.error, f ? ", injected" : "");
    } else {
        resp = cJSON_CreateObject();
        cJSON_AddBoolToObject(resp, "ok", 1);
        while ((c.out->child)) {
            cJSON *e = c.out->child;

            cJSON_DetachItemViaPointer(c.out, e);
            cJSON_AddItemToObject(resp, e->string, e);
        }
        cJSON_Delete(c.out);
        log_debug(SSIM_MOD, "%s -> ok", method);
    }
    cJSON_Delete(c.extra);
    for (int i = 0; i < c.nowned; i++)
        cJSON_Delete(c.owned[i]);
    if (c.retry_after > 0)
        sim_server_header(rs, "Retry-After", "%d", c.retry_after);
    slack_sim_api_resp_json(rs, (int)c.status, cJSON_Duplicate(resp, 1));
    record(sim, method, c.args, json, c.status, c.retry_after, resp,
           f != NULL);
}

/* ---- triggers and response_url hooks ---- */

struct ssim_trigger *
slack_sim_api_trigger_new(struct slack_sim *sim, const char *user)
{
    struct ssim_trigger *t = xcalloc(1, sizeof(*t));

    slack_sim_trigger_id(sim, t->id);
    t->issued = slack_sim_now(sim);
    t->user = user ? xstrdup(user) : NULL;
    slack_sim_vec_push(&sim->triggers, t);
    return t;
}

struct ssim_hook *
slack_sim_api_hook_new(struct slack_sim *sim, const char *kind,
                       const char *channel, const char *user, char *url,
                       size_t urllen)
{
    struct ssim_hook *h = xcalloc(1, sizeof(*h));

    snprintf(h->id, sizeof(h->id), "%llu/%016llx",
             (unsigned long long)(slack_sim_rand(sim) % 10000000000ULL),
             (unsigned long long)slack_sim_rand(sim));
    h->created = slack_sim_now(sim);
    h->channel = channel ? xstrdup(channel) : NULL;
    h->user = user ? xstrdup(user) : NULL;
    slack_sim_vec_push(&sim->hooks, h);
    snprintf(url, urllen, "%s/hooks/%s/%s/%s", sim->base_url, kind,
             sim->id.team_id, h->id);
    return h;
}

/*
 * POST to a response_url: {"text", "blocks", "response_type":
 * "in_channel"|"ephemeral"}.  Usable 5 times within 30 minutes (JAVA
 * docs); the 404 bodies for a spent or stale URL are ours.
 */
void
slack_sim_api_hook_handle(struct slack_sim *sim, const struct sim_request *rq,
                          struct sim_response *rs)
{
    const char *id = rq->path + 7;     /* "<kind>/<team>/<n>/<hex>" */
    struct ssim_hook *h = NULL;
    cJSON *args = cJSON_CreateObject(), *resp;
    const char *err = NULL;
    bool json = false;

    for (int i = 0; i < 2 && strchr(id, '/'); i++)
        id = strchr(id, '/') + 1;
    for (size_t i = 0; i < sim->hooks.n; i++) {
        struct ssim_hook *k = sim->hooks.v[i];

        if (strcmp(k->id, id) == 0)
            h = k;
    }
    if (!parse_args(rq, args, &json))
        err = "invalid_json";
    else if (!h)
        err = "invalid_url";
    else if (h->uses >= 5)
        err = "used_url";
    else if (slack_sim_now(sim) - h->created > 30 * 60 * 1000)
        err = "expired_url";
    if (err) {
        resp = cJSON_CreateObject();
        cJSON_AddBoolToObject(resp, "ok", 0);
        cJSON_AddStringToObject(resp, "error", err);
        slack_sim_api_resp_json(rs,
                                strcmp(err, "invalid_json") == 0 ? 400 : 404,
                                cJSON_Duplicate(resp, 1));
        record(sim, "response_url", args, json, rs->status, 0, resp, false);
        return;
    }
    h->uses++;
    slack_sim_respond(sim, h->channel, h->user, args, "response_url");
    resp = cJSON_CreateObject();
    cJSON_AddBoolToObject(resp, "ok", 1);
    slack_sim_api_resp_json(rs, 200, cJSON_Duplicate(resp, 1));
    record(sim, "response_url", args, json, 200, 0, resp, false);
}
