/*
 * discord_jobs: outbound deliveries as jobs, each one or more REST calls in
 * sequence (see discord.c for the design), and the message bodies they
 * send: text cut into parts, buttons as components.
 */
#include "discord.h"
#include "discord_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "button_rows.h"
#include "core.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

/* ---- bodies: text parts and buttons -------------------------------------- */

/* Split text into parts of at most DC_CONTENT_MAX bytes, at a line break
 * when there is one, else at a space, else at a UTF-8 boundary. */
void
discord_jobs_split_text(const char *text, const char *prefix, struct body *b)
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
            size_t keep = utf8_cut(p, len, DC_CONTENT_MAX - 20);
            b->parts[b->nparts++] = xasprintf("%.*s\n... (cut)", (int)keep,
                                              p);
            break;
        }
        size_t cut = utf8_cut_at_break(p, len, DC_CONTENT_MAX);
        b->parts[b->nparts++] = xstrndup(p, cut);
        p += cut;
        while (*p == '\n' || *p == ' ')
            p++;
    }
    buf_free(&all);
}

void
discord_jobs_body_free(struct body *b)
{
    for (size_t i = 0; i < b->nparts; i++)
        free(b->parts[i]);
    free(b->parts);
    free(b->components);
    memset(b, 0, sizeof(*b));
}

void
discord_jobs_button_forget(struct dc_button *b)
{
    free(b->command);
    free(b->prompt);
    memset(b, 0, sizeof(*b));
}

/* The custom_id of a button (see the comment at the top). */
void
discord_jobs_button_id(struct discord *d, const struct out_button *b,
                       char out[120])
{
    bool bar = strchr(b->command, '|') || (b->prompt && strchr(b->prompt, '|'));
    int n = b->prompt
                ? snprintf(out, 120, "%c%s|%s|%s", b->rubric ? 'r' : 'p',
                           b->optional ? "o" : "", b->command, b->prompt)
                : snprintf(out, 120, "c|%s", b->command);
    if (!bar && n > 0 && n <= DC_CUSTOM_ID_MAX)
        return;
    struct dc_button *e = &d->buttons[d->button_next];
    d->button_next = (d->button_next + 1) % DC_BUTTONS;
    discord_jobs_button_forget(e);
    e->key = ++d->button_key;
    e->command = xstrdup(b->command);
    e->prompt = b->prompt ? xstrdup(b->prompt) : NULL;
    e->rubric = b->prompt && b->rubric;
    e->optional = b->prompt && b->optional;
    snprintf(out, 120, "k|%u", e->key);
}

static cJSON *
button_json(struct discord *d, const struct out_button *ob)
{
    cJSON *b = cJSON_CreateObject();
    char id[120], label[81];
    discord_jobs_button_id(d, ob, id);
    snprintf(label, sizeof(label), "%s", ob->label ? ob->label : "OK");
    cJSON_AddNumberToObject(b, "type", 2);
    int style = 2;
    if (ob->style && strcmp(ob->style, "primary") == 0)
        style = 1;
    else if (ob->style && strcmp(ob->style, "danger") == 0)
        style = 4;
    cJSON_AddNumberToObject(b, "style", style);
    cJSON_AddStringToObject(b, "label", label);
    cJSON_AddStringToObject(b, "custom_id", id);
    return b;
}

/* An action row (type 1) per row of buttons (button_rows.h). */
static char *
components_json(struct discord *d, const struct out_button *bs, size_t n)
{
    if (n == 0)
        return NULL;
    struct button_rows layout;
    button_rows(bs, n, "discord", &layout);
    cJSON *rows = cJSON_CreateArray();
    for (size_t r = 0; r < layout.n; r++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "type", 1);
        cJSON *kids = cJSON_AddArrayToObject(row, "components");
        for (size_t i = layout.start[r]; i < layout.start[r + 1]; i++)
            cJSON_AddItemToArray(kids, button_json(d, &bs[i]));
        cJSON_AddItemToArray(rows, row);
    }
    char *text = cJSON_PrintUnformatted(rows);
    cJSON_Delete(rows);
    return text;
}

void
discord_jobs_body_from(struct discord *d, const struct out_msg *m,
                       const char *prefix, struct body *b)
{
    memset(b, 0, sizeof(*b));
    b->id = m->id;
    discord_jobs_split_text(m->text, prefix, b);
    b->components = components_json(d, m->buttons, m->nbuttons);
}

/* {"content":..., "components":..., ...} for part i of b. */
cJSON *
discord_jobs_message_json(const struct body *b, size_t i, bool ephemeral,
                          bool edit)
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

char *
discord_jobs_print_free(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

/* ---- jobs ---------------------------------------------------------------- */

struct job *
discord_jobs_new(struct discord *d, enum job_kind kind, int64_t msg_id)
{
    struct job *j = xcalloc(1, sizeof(*j));
    j->d = d;
    j->kind = kind;
    j->msg_id = msg_id;
    j->next = d->jobs;
    if (d->jobs)
        d->jobs->prev = j;
    d->jobs = j;
    return j;
}

void
discord_jobs_free(struct job *j)
{
    struct discord *d = j->d;
    if (j->prev)
        j->prev->next = j->next;
    else
        d->jobs = j->next;
    if (j->next)
        j->next->prev = j->prev;
    if (j->ix)
        j->ix->refs--;
    discord_jobs_body_free(&j->body);
    free(j->name);
    free(j->text);
    free(j);
}

/* Every REST call of a job answers here: one that stop or free let go of
 * ends the job without a report, so its outbox row stays pending. */
static void
on_job_answer(void *arg, const struct rest_result *r)
{
    struct job *j = arg;
    if (r->cancelled) {
        discord_jobs_free(j);
        return;
    }
    j->answer(j, r);
}

/* The job's next REST call; answer gets its result. */
static void
job_send(struct job *j, enum http_method m, const char *path,
         const char *body, unsigned flags, const char *audit,
         job_answer_fn *answer)
{
    j->answer = answer;
    discord_rest_send(j->d->rest, m, path, body, flags, audit, on_job_answer,
                      j);
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
    discord_jobs_free(j);
    discord_delivered(d, id, s, ref ? refcopy : NULL, err);
    if (ix) {
        if (ix->reply_id == id)
            ix->expect_reply = false;
        discord_interactions_settle(ix);
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
    if (!discord_events_id(msg, "id", id))
        return;
    if (!discord_events_id(msg, "channel_id", ch))
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
on_message_part(struct job *j, const struct rest_result *r)
{
    if (r->ch != CH_OK) {
        job_failed(j, r);
        return;
    }
    note_part(j, j->channel, r->json);
    j->part++;
    if (j->part >= j->body.nparts)
        message_finished(j);
    else
        discord_jobs_step(j);
}

static void
on_dm_open(struct job *j, const struct rest_result *r)
{
    char ch[DC_ID_LEN];
    if (r->ch != CH_OK || !discord_events_id(r->json, "id", ch)) {
        if (r->ch == CH_OK)
            job_done(j, CH_REMOTE_5XX, NULL, "DM channel without an id");
        else
            job_failed(j, r);
        return;
    }
    discord_dm_note(j->d, j->user, ch);
    snprintf(j->channel, sizeof(j->channel), "%s", ch);
    discord_jobs_step(j);
}

static void
send_part(struct job *j)
{
    cJSON *o = discord_jobs_message_json(&j->body, j->part, false, false);
    char *body = discord_jobs_print_free(o);
    char path[96];
    snprintf(path, sizeof(path), "/channels/%s/messages", j->channel);
    job_send(j, HTTP_POST, path, body, 0, NULL, on_message_part);
    free(body);
}

/* ---- follow-ups over the interaction webhook ----------------------------- */

void
discord_jobs_fallback_to_dm(struct job *j, const char *why)
{
    log_info("discord", "interaction %s: %s; the reply goes by direct "
             "message", j->ix ? j->ix->id : "?", why);
    j->kind = J_MESSAGE;
    j->fallback = true;
    j->channel[0] = '\0';
    discord_jobs_step(j);
}

static void
on_followup(struct job *j, const struct rest_result *r)
{
    if (r->ch == CH_OK) {
        const cJSON *msg = r->json;
        note_part(j, j->ix ? j->ix->channel : "", msg);
        j->part++;
        if (j->part >= j->body.nparts)
            message_finished(j);
        else
            discord_jobs_step(j);
        return;
    }
    if (r->ch == CH_REMOTE_4XX) {
        /* Expired token, unknown webhook: the user still gets it. */
        discord_jobs_fallback_to_dm(j,
                                    r->error ? r->error : "follow-up refused");
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
        discord_jobs_fallback_to_dm(j, "the interaction is gone");
        return;
    }
    if (ix->cb != CB_DONE) {
        discord_interactions_waiting_add(ix, j);
        return;
    }
    char path[512];
    cJSON *o;
    enum http_method m = HTTP_POST;
    /* After a deferral (type 5) the first part fills "thinking...". */
    if (j->part == 0 && ix->cb_type == 5) {
        o = discord_jobs_message_json(&j->body, j->part, false, true);
        snprintf(path, sizeof(path), "/webhooks/%s/%s/messages/@original",
                 d->app_id, ix->token);
        m = HTTP_PATCH;
    } else {
        o = discord_jobs_message_json(&j->body, j->part, true, false);
        snprintf(path, sizeof(path), "/webhooks/%s/%s?wait=true", d->app_id,
                 ix->token);
    }
    char *body = discord_jobs_print_free(o);
    job_send(j, m, path, body, REST_NO_AUTH | REST_BURST, NULL, on_followup);
    free(body);
}

/* ---- channels ------------------------------------------------------------ */

static void
on_category(struct job *j, const struct rest_result *r)
{
    struct discord *d = j->d;
    d->category_creating = false;
    char id[DC_ID_LEN];
    if (r->ch == CH_OK && discord_events_id(r->json, "id", id)) {
        snprintf(d->category_id, sizeof(d->category_id), "%s", id);
        log_info("discord", "created the \"%s\" category", CATEGORY_NAME);
    } else {
        /* Channels then go to the top level rather than nowhere. */
        log_warn("discord", "cannot create the \"%s\" category (%s); "
                 "campaign channels go to the top of the server",
                 CATEGORY_NAME, r->error ? r->error : "no id");
        snprintf(d->category_id, sizeof(d->category_id), "-");
    }
    discord_jobs_free(j);
    discord_jobs_resume_parked(d);
}

static void
on_channel_created(struct job *j, const struct rest_result *r)
{
    char id[DC_ID_LEN];
    if (r->status == 403 && r->code == 50013 && !j->no_pin) {
        /* A bot invited before Pin Messages existed may not grant it in
         * an overwrite: the channel matters more than its pins. */
        char url[200];
        discord_invite_url(j->d, url, sizeof(url));
        log_warn("discord", "Discord refused to create #%s with Pin Messages "
                 "for chorus: the bot lacks Pin Messages (PIN_MESSAGES); "
                 "creating it without, so its pins will fail; re-invite "
                 "with %s or grant it", j->name, url);
        j->no_pin = true;
        discord_jobs_step(j);
        return;
    }
    if (r->ch != CH_OK) {
        job_failed(j, r);
        return;
    }
    if (!discord_events_id(r->json, "id", id)) {
        job_done(j, CH_REMOTE_5XX, NULL, "created channel without an id");
        return;
    }
    log_info("discord", "created channel #%s (%s)", j->name, id);
    job_done(j, CH_OK, id, NULL);
}

/* A channel name within Discord's rules: lowercase letters, digits, '-'
 * and '_', 1-100 characters. */
void
discord_jobs_channel_name(const char *in, char out[101])
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

/* One permission overwrite (type 0: a role, 1: a member) appended to ows,
 * its bits written as Discord wants them, decimal strings. */
static void
add_overwrite(cJSON *ows, const char *id, int type, uint64_t allow,
              uint64_t deny)
{
    char as[24], ds[24];
    snprintf(as, sizeof(as), "%llu", (unsigned long long)allow);
    snprintf(ds, sizeof(ds), "%llu", (unsigned long long)deny);
    cJSON *one = cJSON_CreateObject();
    cJSON_AddStringToObject(one, "id", id);
    cJSON_AddNumberToObject(one, "type", type);
    cJSON_AddStringToObject(one, "allow", as);
    cJSON_AddStringToObject(one, "deny", ds);
    cJSON_AddItemToArray(ows, one);
}

static void
create_channel_step(struct job *j)
{
    struct discord *d = j->d;
    if (!d->guild_id[0] || !d->guild_seen || !d->bot_id[0]) {
        j->parked = true;
        if (d->guild_seen && !d->guild_id[0])
            discord_log_once(d, DC_LOG_NO_GUILD,
                             "cannot create campaign "
                             "channels: chorus is in no server (invite it with "
                             "the URL in the README)");
        return;
    }
    if (!d->category_id[0]) {
        j->parked = true;
        if (!d->category_creating) {
            d->category_creating = true;
            struct job *c = discord_jobs_new(d, J_CATEGORY, 0);
            discord_jobs_step(c);
        }
        return;
    }
    j->parked = false;
    char name[101];
    discord_jobs_channel_name(j->name, name);
    free(j->name);
    j->name = xstrdup(name);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddNumberToObject(o, "type", 0);
    if (strcmp(d->category_id, "-") != 0)
        cJSON_AddStringToObject(o, "parent_id", d->category_id);
    cJSON *ows = cJSON_AddArrayToObject(o, "permission_overwrites");
    add_overwrite(ows, d->guild_id, 0, 0, DC_PERM_VIEW_CHANNEL);
    add_overwrite(ows, d->bot_id, 1,
                  j->no_pin ? BOT_ALLOW & ~DC_PERM_PIN_MESSAGES : BOT_ALLOW, 0);
    char *body = discord_jobs_print_free(o);
    char path[64];
    snprintf(path, sizeof(path), "/guilds/%s/channels", d->guild_id);
    job_send(j, HTTP_POST, path, body, 0, "chorus: campaign channel",
             on_channel_created);
    free(body);
}

void
discord_jobs_resume_parked(struct discord *d)
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
        discord_jobs_step(v[i]);
    }
    free(v);
}

/* ---- one REST step of a job ---------------------------------------------- */

static void
on_simple(struct job *j, const struct rest_result *r)
{
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

/* A pin Discord refused for want of PIN_MESSAGES (403, 50013 Missing
 * Permissions) says what to do about it, and the row fails rather than
 * retries: the permission will not appear by itself. */
static void
on_pinned(struct job *j, const struct rest_result *r)
{
    if (r->status == 403 && r->code == 50013) {
        char url[200];
        discord_invite_url(j->d, url, sizeof(url));
        log_warn("discord", "Discord refused to pin in %s%s: the bot lacks "
                 "Pin Messages (PIN_MESSAGES); re-invite with %s or grant it",
                 j->name ? "#" : "channel ", j->name ? j->name : j->channel,
                 url);
        job_done(j, CH_REMOTE_4XX, NULL,
                 r->error ? r->error : "403: Missing Permissions");
        return;
    }
    on_simple(j, r);
}

/* The channel's overwrites as read: each but the bot's own loses
 * SEND_MESSAGES (moved from allow to deny), @everyone's too (added when
 * missing), so members keep reading and nobody posts.  One PATCH writes
 * them all back. */
static void
on_archive_read(struct job *j, const struct rest_result *r)
{
    if (r->ch != CH_OK) {
        job_failed(j, r);
        return;
    }
    struct discord *d = j->d;
    const cJSON *have =
        r->json ? cJSON_GetObjectItemCaseSensitive(r->json,
                                                   "permission_overwrites")
                : NULL;
    cJSON *o = cJSON_CreateObject();
    cJSON *ows = cJSON_AddArrayToObject(o, "permission_overwrites");
    bool everyone = false;
    const cJSON *ow;
    cJSON_ArrayForEach(ow, have) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(ow, "id");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(ow, "type");
        const cJSON *allow = cJSON_GetObjectItemCaseSensitive(ow, "allow");
        const cJSON *deny = cJSON_GetObjectItemCaseSensitive(ow, "deny");
        if (!cJSON_IsString(id) || !cJSON_IsNumber(type))
            continue;
        uint64_t a = cJSON_IsString(allow)
                         ? strtoull(allow->valuestring, NULL, 10) : 0;
        uint64_t n = cJSON_IsString(deny)
                         ? strtoull(deny->valuestring, NULL, 10) : 0;
        if (strcmp(id->valuestring, d->bot_id) != 0) {
            a &= ~DC_PERM_SEND_MESSAGES;
            n |= DC_PERM_SEND_MESSAGES;
        }
        everyone |= strcmp(id->valuestring, d->guild_id) == 0;
        add_overwrite(ows, id->valuestring, type->valueint, a, n);
    }
    if (!everyone)
        add_overwrite(ows, d->guild_id, 0, 0, DC_PERM_SEND_MESSAGES);
    char *body = discord_jobs_print_free(o);
    char path[64];
    snprintf(path, sizeof(path), "/channels/%s", j->channel);
    job_send(j, HTTP_PATCH, path, body, 0, "chorus: the campaign closed",
             on_simple);
    free(body);
}

void
discord_jobs_step(struct job *j)
{
    struct discord *d = j->d;
    char path[160];
    char *body = NULL;
    if (d->rest == NULL)
        return;         /* stopping: the outbox keeps the row */
    switch (j->kind) {
    case J_MESSAGE:
        if (!j->channel[0]) {
            const char *dm = discord_dm_channel(d, j->user);
            if (dm) {
                snprintf(j->channel, sizeof(j->channel), "%s", dm);
            } else {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddStringToObject(o, "recipient_id", j->user);
                body = discord_jobs_print_free(o);
                job_send(j, HTTP_POST, "/users/@me/channels", body, 0, NULL,
                         on_dm_open);
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
        cJSON *o = discord_jobs_message_json(&one, 0, false, true);
        body = discord_jobs_print_free(o);
        snprintf(path, sizeof(path), "/channels/%s/messages/%s", j->channel,
                 j->target);
        job_send(j, HTTP_PATCH, path, body, 0, NULL, on_simple);
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
        body = discord_jobs_print_free(o);
        snprintf(path, sizeof(path), "/guilds/%s/channels", d->guild_id);
        job_send(j, HTTP_POST, path, body, 0,
                 "chorus: category for campaign channels", on_category);
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
        body = discord_jobs_print_free(o);
        snprintf(path, sizeof(path), "/channels/%s/permissions/%s",
                 j->channel, j->user);
        job_send(j, HTTP_PUT, path, body, 0, NULL, on_simple);
        free(body);
        return;
    }
    case J_PIN:
        /* The route since 2026 (the old /channels/{id}/pins/{id} is
         * gone).  Pinning takes no body; "{}" keeps the request from
         * being a bodiless PUT, which some HTTP servers (the simulator's
         * lws) can answer twice on a reused connection. */
        snprintf(path, sizeof(path), "/channels/%s/messages/pins/%s",
                 j->channel, j->target);
        job_send(j, HTTP_PUT, path, "{}", 0, NULL, on_pinned);
        return;
    case J_TOPIC: {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "topic", j->text ? j->text : "");
        body = discord_jobs_print_free(o);
        snprintf(path, sizeof(path), "/channels/%s", j->channel);
        job_send(j, HTTP_PATCH, path, body, 0, NULL, on_simple);
        free(body);
        return;
    }
    case J_ARCHIVE:
        snprintf(path, sizeof(path), "/channels/%s", j->channel);
        job_send(j, HTTP_GET, path, NULL, 0, NULL, on_archive_read);
        return;
    }
}

