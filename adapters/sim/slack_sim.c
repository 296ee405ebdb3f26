/*
 * slack_sim: lifecycle, the workspace (users, channels, messages), the
 * records tests read back, ids and timestamps, the observer, waiting.
 *
 * Lookups are linear scans: a simulated workspace holds tens of users and
 * channels, so an index would only add code.
 */
#include "slack_sim_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"
#include "log.h"
#include "tz.h"
#include "xmalloc.h"

/* ---- small helpers ---- */

void
slack_sim_vec_push(struct ssim_vec *vec, void *p)
{
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? vec->cap * 2 : 8;
        vec->v = xrealloc(vec->v, vec->cap, sizeof(*vec->v));
    }
    vec->v[vec->n++] = p;
}

void
slack_sim_vec_free(struct ssim_vec *vec)
{
    free(vec->v);
    memset(vec, 0, sizeof(*vec));
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void
slack_sim_err(struct slack_sim *sim, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sim->err, sizeof(sim->err), fmt, ap);
    va_end(ap);
    log_debug(SSIM_MOD, "%s", sim->err);
}

int64_t
slack_sim_now(struct slack_sim *sim)
{
    return loop_now_ms(sim->loop);
}

int64_t
slack_sim_epoch(void)
{
    return (int64_t)time(NULL);
}

/* splitmix64: ids only need to look random and differ between runs. */
uint64_t
slack_sim_rand(struct slack_sim *sim)
{
    uint64_t z = (sim->rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void
slack_sim_uuid(struct slack_sim *sim, char out[40])
{
    uint64_t a = slack_sim_rand(sim), b = slack_sim_rand(sim);

    /* Version 4, variant 1, like the envelope ids in every example. */
    a = (a & ~0xf000ULL) | 0x4000ULL;
    b = (b & ~(0xcULL << 60)) | (0x8ULL << 60);
    snprintf(out, 40, "%08x-%04x-%04x-%04x-%012llx",
             (unsigned)(a >> 32), (unsigned)((a >> 16) & 0xffff),
             (unsigned)(a & 0xffff), (unsigned)(b >> 48),
             (unsigned long long)(b & 0xffffffffffffULL));
}

void
slack_sim_new_ts(struct slack_sim *sim, char out[24])
{
    struct timespec t;
    int64_t us;

    clock_gettime(CLOCK_REALTIME, &t);
    us = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
    /* Slack's ts is unique per channel and doubles as the message id;
     * keep it strictly increasing across the whole sim. */
    if (us <= sim->last_ts_us)
        us = sim->last_ts_us + 1;
    sim->last_ts_us = us;
    snprintf(out, 24, "%lld.%06lld", (long long)(us / 1000000),
             (long long)(us % 1000000));
}

void
slack_sim_trigger_id(struct slack_sim *sim, char out[96])
{
    /* Shape of "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3" */
    snprintf(out, 96, "%llu.%llu.%016llx%016llx",
             (unsigned long long)(slack_sim_rand(sim) % 100000000000ULL),
             (unsigned long long)(slack_sim_rand(sim) % 1000000000000ULL),
             (unsigned long long)slack_sim_rand(sim),
             (unsigned long long)slack_sim_rand(sim));
}

/* ---- users ---- */

struct slack_sim_user *
slack_sim_user_rec(const struct slack_sim *sim, const char *key)
{
    if (!key || !*key)
        return NULL;
    if (*key == '@')
        key++;
    for (size_t i = 0; i < sim->users.n; i++) {
        struct slack_sim_user *u = sim->users.v[i];

        if (strcmp(u->id, key) == 0 || strcmp(u->name, key) == 0)
            return u;
    }
    return NULL;
}

const char *
slack_sim_user_label(const struct slack_sim *sim, const char *id)
{
    struct slack_sim_user *u = slack_sim_user_rec(sim, id);

    return u ? u->name : (id ? id : "?");
}

static struct slack_sim_user *
user_add(struct slack_sim *sim, const struct slack_sim_user_spec *sp)
{
    struct slack_sim_user *u;
    char idbuf[24];
    const char *tz = sp->tz ? sp->tz : "UTC";

    if (!sp->name || !*sp->name) {
        slack_sim_err(sim, "user: a name is required");
        return NULL;
    }
    if (slack_sim_user_rec(sim, sp->name) ||
        (sp->id && slack_sim_user_rec(sim, sp->id))) {
        slack_sim_err(sim, "user %s: id or name already taken", sp->name);
        return NULL;
    }
    if (!tz_valid(tz)) {
        slack_sim_err(sim, "user %s: unknown time zone %s", sp->name, tz);
        return NULL;
    }
    if (!sp->id)
        snprintf(idbuf, sizeof(idbuf), "U0SIM%05u", ++sim->n_user);
    u = xcalloc(1, sizeof(*u));
    u->id = xstrdup(sp->id ? sp->id : idbuf);
    u->name = xstrdup(sp->name);
    u->real_name = xstrdup(sp->real_name ? sp->real_name : sp->name);
    u->tz = xstrdup(tz);
    u->tz_label = dup_or_null(sp->tz_label);
    u->tz_offset = sp->tz_offset;
    u->email = dup_or_null(sp->email);
    u->is_bot = sp->is_bot;
    slack_sim_vec_push(&sim->users, u);
    return u;
}

const struct slack_sim_user *
slack_sim_add_user(struct slack_sim *sim,
                   const struct slack_sim_user_spec *spec)
{
    sim->err[0] = '\0';
    return user_add(sim, spec);
}

const struct slack_sim_user *
slack_sim_user(const struct slack_sim *sim, const char *id_or_name)
{
    return slack_sim_user_rec(sim, id_or_name);
}

void
slack_sim_user_tz(const struct slack_sim_user *u, char *label, size_t n,
                  int *offset)
{
    struct local_time lt;

    if (u->tz_label) {
        snprintf(label, n, "%s", u->tz_label);
        *offset = u->tz_offset;
        return;
    }
    /* The reference pairs tz_offset with the zone's offset right now
     * (-25200 with "Pacific Daylight Time"); glibc only knows the
     * abbreviation, so that is the label. */
    if (tz_to_local(u->tz, slack_sim_epoch() * 1000, &lt) != CH_OK) {
        snprintf(label, n, "Coordinated Universal Time");
        *offset = 0;
        return;
    }
    snprintf(label, n, "%s", lt.abbrev);
    *offset = lt.utc_offset;
}

static void
user_free(struct slack_sim_user *u)
{
    free(u->id);
    free(u->name);
    free(u->real_name);
    free(u->tz);
    free(u->tz_label);
    free(u->email);
    free(u->dm_id);
    free(u);
}

/* ---- channels and messages ---- */

struct slack_sim_channel *
slack_sim_chan(const struct slack_sim *sim, const char *key)
{
    if (!key || !*key)
        return NULL;
    if (*key == '#')
        key++;
    for (size_t i = 0; i < sim->channels.n; i++) {
        struct slack_sim_channel *ch = sim->channels.v[i];

        if (strcmp(ch->id, key) == 0 || (ch->name &&
                                         strcmp(ch->name, key) == 0))
            return ch;
    }
    return NULL;
}

struct slack_sim_channel *
slack_sim_chan_new(struct slack_sim *sim, const char *name, bool is_private,
                   const char *creator)
{
    struct slack_sim_channel *ch = xcalloc(1, sizeof(*ch));
    char id[24];

    snprintf(id, sizeof(id), "C0SIM%05u", ++sim->n_chan);
    ch->id = xstrdup(id);
    ch->name = dup_or_null(name);
    ch->is_private = is_private;
    ch->creator = xstrdup(creator ? creator : "");
    ch->created = slack_sim_epoch();
    ch->topic = xstrdup("");
    ch->topic_creator = xstrdup("");
    if (creator)
        slack_sim_member_add(ch, creator);
    slack_sim_vec_push(&sim->channels, ch);
    return ch;
}

struct slack_sim_channel *
slack_sim_dm_rec(struct slack_sim *sim, struct slack_sim_user *u, bool create,
                 bool *created)
{
    struct slack_sim_channel *ch;
    char id[24];

    if (created)
        *created = false;
    if (u->dm_id)
        return slack_sim_chan(sim, u->dm_id);
    if (!create)
        return NULL;
    ch = xcalloc(1, sizeof(*ch));
    snprintf(id, sizeof(id), "D0SIM%05u", ++sim->n_dm);
    ch->id = xstrdup(id);
    ch->is_im = true;
    ch->is_private = true;
    ch->im_user = xstrdup(u->id);
    ch->creator = xstrdup(u->id);
    ch->created = slack_sim_epoch();
    ch->topic = xstrdup("");
    ch->topic_creator = xstrdup("");
    slack_sim_member_add(ch, u->id);
    slack_sim_member_add(ch, sim->id.bot_user_id);
    slack_sim_vec_push(&sim->channels, ch);
    u->dm_id = xstrdup(id);
    if (created)
        *created = true;
    return ch;
}

bool
slack_sim_is_member(const struct slack_sim_channel *ch, const char *user)
{
    if (!ch || !user)
        return false;
    for (size_t i = 0; i < ch->nmembers; i++)
        if (strcmp(ch->members[i], user) == 0)
            return true;
    return false;
}

bool
slack_sim_member_add(struct slack_sim_channel *ch, const char *user)
{
    if (slack_sim_is_member(ch, user))
        return false;
    ch->members = xrealloc(ch->members, ch->nmembers + 1,
                           sizeof(*ch->members));
    ch->members[ch->nmembers++] = xstrdup(user);
    return true;
}

struct slack_sim_message *
slack_sim_msg_add(struct slack_sim *sim, struct slack_sim_channel *ch,
                  const char *user, const char *bot_id, const char *text,
                  const cJSON *blocks, const char *thread_ts,
                  const char *subtype)
{
    struct slack_sim_message *m = xcalloc(1, sizeof(*m));
    char ts[24];

    slack_sim_new_ts(sim, ts);
    m->ts = xstrdup(ts);
    m->channel_id = xstrdup(ch->id);
    m->user = xstrdup(user);
    m->bot_id = dup_or_null(bot_id);
    m->text = xstrdup(text ? text : "");
    m->blocks = blocks ? cJSON_Duplicate(blocks, 1) : NULL;
    m->thread_ts = dup_or_null(thread_ts);
    m->subtype = dup_or_null(subtype);
    ch->messages = xrealloc(ch->messages, ch->nmessages + 1,
                            sizeof(*ch->messages));
    ch->messages[ch->nmessages++] = m;
    return m;
}

struct slack_sim_message *
slack_sim_msg_find(const struct slack_sim_channel *ch, const char *ts)
{
    if (!ch || !ts)
        return NULL;
    for (size_t i = 0; i < ch->nmessages; i++)
        if (strcmp(ch->messages[i]->ts, ts) == 0)
            return ch->messages[i];
    return NULL;
}

void
slack_sim_msg_edit(struct slack_sim *sim, struct slack_sim_message *m,
                   const char *text, const cJSON *blocks)
{
    struct slack_sim_edit *e;

    m->edits = xrealloc(m->edits, m->nedits + 1, sizeof(*m->edits));
    e = &m->edits[m->nedits++];
    e->text = m->text;
    e->blocks = m->blocks ? cJSON_Duplicate(m->blocks, 1) : NULL;
    e->replaced_at_ms = slack_sim_now(sim);
    m->text = xstrdup(text ? text : e->text);
    /* chat.update keeps the old blocks unless new ones are given; an
     * empty array removes them. */
    if (blocks) {
        cJSON_Delete(m->blocks);
        m->blocks = cJSON_GetArraySize(blocks) > 0
                        ? cJSON_Duplicate(blocks, 1) : NULL;
    }
}

static void
msg_free(struct slack_sim_message *m)
{
    for (size_t i = 0; i < m->nedits; i++) {
        free(m->edits[i].text);
        cJSON_Delete(m->edits[i].blocks);
    }
    free(m->edits);
    free(m->ts);
    free(m->channel_id);
    free(m->user);
    free(m->bot_id);
    free(m->text);
    cJSON_Delete(m->blocks);
    free(m->thread_ts);
    free(m->subtype);
    free(m);
}

static void
chan_free(struct slack_sim_channel *ch)
{
    for (size_t i = 0; i < ch->nmembers; i++)
        free(ch->members[i]);
    free(ch->members);
    for (size_t i = 0; i < ch->nmessages; i++)
        msg_free(ch->messages[i]);
    free(ch->messages);
    free(ch->id);
    free(ch->name);
    free(ch->im_user);
    free(ch->creator);
    free(ch->topic);
    free(ch->topic_creator);
    free(ch);
}

const struct slack_sim_channel *
slack_sim_add_channel(struct slack_sim *sim, const char *name,
                      bool is_private, const char *const *members)
{
    struct slack_sim_channel *ch;

    sim->err[0] = '\0';
    if (!name || !*name || slack_sim_chan(sim, name)) {
        slack_sim_err(sim, "channel %s: missing or taken", name ? name : "");
        return NULL;
    }
    for (size_t i = 0; members && members[i]; i++)
        if (!slack_sim_user_rec(sim, members[i])) {
            slack_sim_err(sim, "channel %s: unknown member %s", name,
                          members[i]);
            return NULL;
        }
    ch = slack_sim_chan_new(sim, *name == '#' ? name + 1 : name, is_private,
                            NULL);
    for (size_t i = 0; members && members[i]; i++)
        slack_sim_member_add(ch, slack_sim_user_rec(sim, members[i])->id);
    return ch;
}

const struct slack_sim_channel *
slack_sim_channel(const struct slack_sim *sim, const char *id_or_name)
{
    return slack_sim_chan(sim, id_or_name);
}

const struct slack_sim_channel *
slack_sim_dm(const struct slack_sim *sim, const char *user)
{
    struct slack_sim_user *u = slack_sim_user_rec(sim, user);

    return u && u->dm_id ? slack_sim_chan(sim, u->dm_id) : NULL;
}

size_t
slack_sim_channel_count(const struct slack_sim *sim)
{
    return sim->channels.n;
}

const struct slack_sim_channel *
slack_sim_channel_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->channels.n ? sim->channels.v[i] : NULL;
}

const struct slack_sim_message *
slack_sim_message(const struct slack_sim *sim, const char *channel,
                  const char *ts)
{
    return slack_sim_msg_find(slack_sim_chan(sim, channel), ts);
}

const struct slack_sim_message *
slack_sim_last_message(const struct slack_sim *sim, const char *channel)
{
    const struct slack_sim_channel *ch = slack_sim_chan(sim, channel);

    return ch && ch->nmessages ? ch->messages[ch->nmessages - 1] : NULL;
}

struct slack_sim_ephemeral *
slack_sim_ephemeral_add(struct slack_sim *sim, const char *channel,
                        const char *user, const char *text, const cJSON *blocks,
                        const char *source)
{
    struct slack_sim_ephemeral *e = xcalloc(1, sizeof(*e));
    char ts[24];

    slack_sim_new_ts(sim, ts);
    e->channel_id = xstrdup(channel ? channel : "");
    e->user = xstrdup(user ? user : "");
    e->text = xstrdup(text ? text : "");
    e->blocks = blocks ? cJSON_Duplicate(blocks, 1) : NULL;
    e->ts = xstrdup(ts);
    e->source = source;
    slack_sim_vec_push(&sim->ephemerals, e);
    return e;
}

/* A slash command's or button's answer (the ack's payload, or a POST to
 * its response_url): "in_channel" posts as the bot, anything else only
 * the invoker sees. */
void
slack_sim_respond(struct slack_sim *sim, const char *channel,
                  const char *user, const cJSON *payload, const char *source)
{
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(payload, "text");
    const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(payload, "blocks");
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(payload,
                                                       "response_type");
    struct slack_sim_channel *ch = slack_sim_chan(sim, channel);
    const char *t = cJSON_IsString(text) ? text->valuestring : NULL;

    if (!cJSON_IsArray(blocks))
        blocks = NULL;
    if (ch && cJSON_IsString(rt) &&
        strcmp(rt->valuestring, "in_channel") == 0) {
        slack_sim_msg_add(sim, ch, sim->id.bot_user_id, sim->id.bot_id, t,
                          blocks, NULL, NULL);
        slack_sim_observe(sim, SLACK_SIM_OBS_POST, ch, sim->id.bot_name, t,
                          blocks, NULL);
        return;
    }
    slack_sim_ephemeral_add(sim, channel, user, t, blocks, source);
    slack_sim_observe(sim, SLACK_SIM_OBS_EPHEMERAL, ch, sim->id.bot_name, t,
                      blocks, "(only @%s sees) ",
                      slack_sim_user_label(sim, user));
}

size_t
slack_sim_ephemeral_count(const struct slack_sim *sim)
{
    return sim->ephemerals.n;
}

const struct slack_sim_ephemeral *
slack_sim_ephemeral_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->ephemerals.n ? sim->ephemerals.v[i] : NULL;
}

size_t
slack_sim_view_count(const struct slack_sim *sim)
{
    return sim->views.n;
}

const struct slack_sim_view *
slack_sim_view_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->views.n ? sim->views.v[i] : NULL;
}

/* ---- JSON shapes (as in Slack's response examples) ---- */

cJSON *
slack_sim_user_json(const struct slack_sim *sim, const struct slack_sim_user *u)
{
    cJSON *j = cJSON_CreateObject(), *p;
    char label[64];
    int off;

    slack_sim_user_tz(u, label, sizeof(label), &off);
    cJSON_AddStringToObject(j, "id", u->id);
    cJSON_AddStringToObject(j, "team_id", sim->id.team_id);
    cJSON_AddStringToObject(j, "name", u->name);
    cJSON_AddBoolToObject(j, "deleted", 0);
    cJSON_AddStringToObject(j, "real_name", u->real_name);
    cJSON_AddStringToObject(j, "tz", u->tz);
    cJSON_AddStringToObject(j, "tz_label", label);
    cJSON_AddNumberToObject(j, "tz_offset", off);
    p = cJSON_AddObjectToObject(j, "profile");
    cJSON_AddStringToObject(p, "real_name", u->real_name);
    cJSON_AddStringToObject(p, "display_name", u->name);
    if (u->email)
        cJSON_AddStringToObject(p, "email", u->email);
    if (u->is_bot && strcmp(u->id, sim->id.bot_user_id) == 0)
        cJSON_AddStringToObject(p, "bot_id", sim->id.bot_id);
    cJSON_AddBoolToObject(j, "is_admin", 0);
    cJSON_AddBoolToObject(j, "is_bot", u->is_bot);
    cJSON_AddNumberToObject(j, "updated", 1700000000);
    return j;
}

cJSON *
slack_sim_chan_json(const struct slack_sim *sim,
                    const struct slack_sim_channel *ch)
{
    cJSON *j = cJSON_CreateObject(), *t;

    cJSON_AddStringToObject(j, "id", ch->id);
    cJSON_AddNumberToObject(j, "created", (double)ch->created);
    if (ch->is_im) {
        cJSON_AddBoolToObject(j, "is_im", 1);
        cJSON_AddStringToObject(j, "user", ch->im_user);
        cJSON_AddBoolToObject(j, "is_org_shared", 0);
        return j;
    }
    cJSON_AddStringToObject(j, "name", ch->name ? ch->name : "");
    cJSON_AddBoolToObject(j, "is_channel", !ch->is_mpim);
    cJSON_AddBoolToObject(j, "is_group", 0);
    cJSON_AddBoolToObject(j, "is_im", 0);
    cJSON_AddBoolToObject(j, "is_mpim", ch->is_mpim);
    cJSON_AddBoolToObject(j, "is_private", ch->is_private);
    cJSON_AddBoolToObject(j, "is_archived", ch->is_archived);
    cJSON_AddBoolToObject(j, "is_general", 0);
    cJSON_AddStringToObject(j, "name_normalized", ch->name ? ch->name : "");
    cJSON_AddBoolToObject(j, "is_member",
                          slack_sim_is_member(ch, sim->id.bot_user_id));
    cJSON_AddStringToObject(j, "creator", ch->creator);
    t = cJSON_AddObjectToObject(j, "topic");
    cJSON_AddStringToObject(t, "value", ch->topic);
    cJSON_AddStringToObject(t, "creator", ch->topic_creator);
    cJSON_AddNumberToObject(t, "last_set", (double)ch->topic_last_set);
    t = cJSON_AddObjectToObject(j, "purpose");
    cJSON_AddStringToObject(t, "value", "");
    cJSON_AddStringToObject(t, "creator", "");
    cJSON_AddNumberToObject(t, "last_set", 0);
    return j;
}

cJSON *
slack_sim_msg_json(const struct slack_sim *sim,
                   const struct slack_sim_message *m)
{
    cJSON *j = cJSON_CreateObject();

    cJSON_AddStringToObject(j, "type", "message");
    if (m->subtype)
        cJSON_AddStringToObject(j, "subtype", m->subtype);
    cJSON_AddStringToObject(j, "text", m->text);
    cJSON_AddStringToObject(j, "user", m->user);
    if (m->bot_id) {
        cJSON_AddStringToObject(j, "bot_id", m->bot_id);
        cJSON_AddStringToObject(j, "app_id", sim->id.app_id);
    }
    cJSON_AddStringToObject(j, "ts", m->ts);
    cJSON_AddStringToObject(j, "team", sim->id.team_id);
    if (m->thread_ts)
        cJSON_AddStringToObject(j, "thread_ts", m->thread_ts);
    if (m->blocks)
        cJSON_AddItemToObject(j, "blocks", cJSON_Duplicate(m->blocks, 1));
    if (m->nedits) {
        cJSON *e = cJSON_AddObjectToObject(j, "edited");

        cJSON_AddStringToObject(e, "user", m->user);
        cJSON_AddStringToObject(e, "ts", m->ts);
    }
    return j;
}

/* ---- rendering and the observer ---- */

static void
render_text_obj(const cJSON *t, struct buf *out)
{
    const char *s = json_string(t, "text");

    if (s)
        buf_adds(out, s);
}

void
slack_sim_render(const char *text, const cJSON *blocks, struct buf *out)
{
    const cJSON *b;
    size_t start = out->len;

    cJSON_ArrayForEach(b, blocks) {
        const char *type = json_string(b, "type");
        const cJSON *e;
        size_t mark = out->len, before;

        if (!type)
            continue;
        if (out->len > start)
            buf_addc(out, '\n');
        before = out->len;
        if (strcmp(type, "section") == 0 || strcmp(type, "header") == 0) {
            render_text_obj(cJSON_GetObjectItem(b, "text"), out);
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(b, "fields")) {
                buf_adds(out, out->len > before ? "  " : "");
                render_text_obj(e, out);
            }
        } else if (strcmp(type, "context") == 0) {
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(b, "elements")) {
                buf_adds(out, out->len > before ? " " : "");
                render_text_obj(e, out);
            }
        } else if (strcmp(type, "actions") == 0) {
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(b, "elements")) {
                buf_adds(out, out->len > before ? " [" : "[");
                render_text_obj(cJSON_GetObjectItem(e, "text"), out);
                buf_addc(out, ']');
            }
        } else if (strcmp(type, "divider") == 0) {
            buf_adds(out, "----");
        } else if (strcmp(type, "input") == 0) {
            render_text_obj(cJSON_GetObjectItem(b, "label"), out);
            buf_adds(out, cJSON_IsTrue(cJSON_GetObjectItem(b, "optional"))
                              ? " (optional): ____"
                              : ": ____");
        }
        if (out->len == before && before != mark) {
            out->len = mark;        /* nothing shown: drop the newline */
            out->data[mark] = '\0';
        }
    }
    /* Slack shows blocks when there are any; text is the fallback. */
    if (out->len == start && text)
        buf_adds(out, text);
}

static const char *
where_label(const struct slack_sim *sim, const struct slack_sim_channel *ch,
            char *b, size_t n)
{
    if (!ch)
        snprintf(b, n, "%s", "");
    else if (ch->is_im)
        snprintf(b, n, "@%s (DM)", slack_sim_user_label(sim, ch->im_user));
    else
        snprintf(b, n, "#%s", ch->name ? ch->name : ch->id);
    return b;
}

void
slack_sim_observe(struct slack_sim *sim, enum slack_sim_obs_kind kind,
                  const struct slack_sim_channel *ch, const char *actor,
                  const char *text, const cJSON *blocks, const char *fmt, ...)
{
    struct buf body = BUF_INIT, line = BUF_INIT;
    char where[128];
    struct slack_sim_obs o;
    va_list ap;

    if (!sim->observer && log_get_level() > LOG_DEBUG)
        return;
    slack_sim_render(text, blocks, &body);
    where_label(sim, ch, where, sizeof(where));
    if (where[0])
        buf_printf(&line, "%-18s ", where);
    if (actor)
        buf_printf(&line, "%s: ", actor);
    if (fmt) {
        va_start(ap, fmt);
        buf_vprintf(&line, fmt, ap);
        va_end(ap);
    }
    /* Continuation lines line up under the first one's text. */
    for (const char *p = buf_cstr(&body); *p; p++) {
        buf_addc(&line, *p);
        if (*p == '\n')
            buf_adds(&line, "    ");
    }
    o = (struct slack_sim_obs){
        .kind = kind,
        .channel_id = ch ? ch->id : NULL,
        .where = where,
        .actor = actor ? actor : "",
        .text = buf_cstr(&body),
        .line = buf_cstr(&line),
    };
    if (sim->observer)
        sim->observer(sim->observer_arg, &o);
    else
        log_debug(SSIM_MOD, "%s", o.line);
    buf_free(&body);
    buf_free(&line);
}

/* ---- records: accessors ---- */

size_t
slack_sim_call_count(const struct slack_sim *sim)
{
    return sim->calls.n;
}

const struct slack_sim_call *
slack_sim_call_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->calls.n ? sim->calls.v[i] : NULL;
}

size_t
slack_sim_calls_of(const struct slack_sim *sim, const char *method)
{
    size_t n = 0;

    for (size_t i = 0; i < sim->calls.n; i++) {
        const struct slack_sim_call *c = sim->calls.v[i];

        if (!method || strcmp(c->method, method) == 0)
            n++;
    }
    return n;
}

const struct slack_sim_call *
slack_sim_call_find(const struct slack_sim *sim, const char *method,
                    int nth)
{
    const struct slack_sim_call *last = NULL;
    int k = 0;

    for (size_t i = 0; i < sim->calls.n; i++) {
        const struct slack_sim_call *c = sim->calls.v[i];

        if (method && strcmp(c->method, method) != 0)
            continue;
        if (k++ == nth)
            return c;
        last = c;
    }
    return nth < 0 ? last : NULL;
}

const char *
slack_sim_call_arg(const struct slack_sim_call *c, const char *name)
{
    const char *s = c ? json_string(c->args, name) : NULL;

    return s ? s : "";
}

size_t
slack_sim_ack_count(const struct slack_sim *sim)
{
    return sim->acks.n;
}

const struct slack_sim_ack *
slack_sim_ack_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->acks.n ? sim->acks.v[i] : NULL;
}

const struct slack_sim_ack *
slack_sim_ack_find(const struct slack_sim *sim, const char *envelope_id)
{
    for (size_t i = 0; i < sim->acks.n; i++) {
        const struct slack_sim_ack *a = sim->acks.v[i];

        if (strcmp(a->envelope_id, envelope_id) == 0)
            return a;
    }
    return NULL;
}

size_t
slack_sim_envelope_count(const struct slack_sim *sim)
{
    return sim->envs.n;
}

const struct slack_sim_envelope *
slack_sim_envelope_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->envs.n ? sim->envs.v[i] : NULL;
}

int
slack_sim_attempts(const struct slack_sim *sim, const char *envelope_id)
{
    for (size_t i = 0; i < sim->envs.n; i++) {
        const struct ssim_env *e = sim->envs.v[i];

        if (strcmp(e->pub.envelope_id, envelope_id) == 0)
            return e->d->attempts;
    }
    return 0;
}

size_t
slack_sim_conn_count(const struct slack_sim *sim)
{
    return sim->conns.n;
}

const struct slack_sim_conn *
slack_sim_conn_at(const struct slack_sim *sim, size_t i)
{
    return i < sim->conns.n ? sim->conns.v[i] : NULL;
}

size_t
slack_sim_open_count(const struct slack_sim *sim)
{
    size_t n = 0;

    for (const struct ssim_sock *s = sim->socks; s; s = s->next)
        if (s->conn && s->rec->open && !s->rec->refused)
            n++;
    return n;
}

/* ---- the web server ---- */

#define SSIM_MAX_BODY  ((size_t)8 << 20)

static void
route(void *arg, const struct sim_request *rq, struct sim_response *rs)
{
    struct slack_sim *sim = arg;

    if (rq->too_large)
        slack_sim_api_resp_error(rs, 413, "request_too_large");
    else if (strncmp(rq->path, "/api/", 5) == 0)
        slack_sim_api_handle(sim, rq->path + 5, rq, rs);
    else if (strncmp(rq->path, "/hooks/", 7) == 0)
        slack_sim_api_hook_handle(sim, rq, rs);
    else if (sim->control && sim_server_ctl_path(rq->path))
        slack_sim_ctl_handle(sim, rq, rs);
    else {
        rs->status = 404;
        rs->ctype = "text/plain";
        buf_adds(&rs->body, "not found\n");
    }
}

static const struct sim_server_handlers handlers = {
    .route = route,
    .upgrade = slack_sim_socket_sock_upgrade,
    .open = slack_sim_socket_sock_open,
    .message = slack_sim_socket_sock_text,
    .pong = slack_sim_socket_sock_pong,
    .close_sent = slack_sim_socket_sock_close_sent,
    .peer_close = slack_sim_socket_sock_peer_close,
    .closed = slack_sim_socket_sock_gone,
};

/* ---- lifecycle ---- */

static int
pick(int v, int def)
{
    if (v == 0)
        return def;
    return v < 0 ? 0 : v;
}

struct slack_sim *
slack_sim_new(struct loop *loop, struct ws_ctx *ws,
              const struct slack_sim_options *opts)
{
    struct slack_sim_options none = { 0 };
    struct slack_sim *sim;
    const struct slack_sim_options *o = opts ? opts : &none;

    sim = xcalloc(1, sizeof(*sim));
    sim->loop = loop;
    sim->ws = ws;
    sim->app_token = xstrdup(o->app_token ? o->app_token
                                          : "xapp-1-A0CHORUS1-sim");
    sim->bot_token = xstrdup(o->bot_token ? o->bot_token
                                          : "xoxb-sim-bot-token");
    sim->team_name = xstrdup(o->team_name ? o->team_name : "Chorus Sim");
    sim->bot_name = xstrdup(o->bot_name ? o->bot_name : "chorus");
    sim->id = (struct slack_sim_identity){
        .app_token = sim->app_token,
        .bot_token = sim->bot_token,
        .app_id = "A0CHORUS1",
        .team_id = "T0CHORUS1",
        .team_name = sim->team_name,
        .team_domain = "chorus-sim",
        .bot_user_id = "U0CHORUSBT",
        .bot_id = "B0CHORUS1",
        .bot_name = sim->bot_name,
    };
    sim->ping_ms = pick(o->ping_interval_ms, 10000);
    sim->ack_ms = pick(o->ack_timeout_ms, 3000);
    sim->max_retries = pick(o->max_redeliveries, 3);
    sim->trigger_ms = pick(o->trigger_ttl_ms, 3000);
    sim->warning_ms = pick(o->warning_delay_ms, 10000);
    sim->refresh_close_ms = pick(o->refresh_close_ms, 1000);
    sim->max_sockets = pick(o->max_sockets, 10);
    sim->post_burst = pick(o->post_burst, 3);
    sim->post_interval_ms = pick(o->post_interval_ms, 1000);
    sim->ticket_ms = pick(o->ticket_ttl_ms, 60000);
    sim->lifetime_ms = o->lifetime_ms > 0 ? o->lifetime_ms : 0;
    sim->debug_lifetime_ms = pick(o->debug_lifetime_ms, 360000);
    sim->max_text = pick(o->max_text, 4000);
    sim->echo_own = o->echo_own_messages;
    sim->control = !o->no_control;
    sim->observer = o->observer;
    sim->observer_arg = o->observer_arg;
    sim->rng = o->seed ? o->seed
                       : (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
    user_add(sim, &(struct slack_sim_user_spec){
        .id = sim->id.bot_user_id,
        .name = sim->bot_name,
        .real_name = sim->bot_name,
        .is_bot = true,
    });
    sim->srv = sim_server_listen(loop, ws, &(struct sim_server_options){
        .name = "slack-sim",
        .port = o->port,
        .max_body = SSIM_MAX_BODY,
        .max_message_in = SSIM_MAX_WS_IN,
        .close_timeout_ms = 5000,   /* a peer that never echoes */
        .h = &handlers,
        .sim = sim,
    }, &sim->port);
    if (!sim->srv) {
        slack_sim_free(sim);
        return NULL;
    }
    snprintf(sim->base_url, sizeof(sim->base_url), "http://127.0.0.1:%d",
             sim->port);
    snprintf(sim->api_url, sizeof(sim->api_url), "%s/api/", sim->base_url);
    log_info(SSIM_MOD, "listening on 127.0.0.1:%d", sim->port);
    return sim;
}

void
slack_sim_free(struct slack_sim *sim)
{
    if (!sim)
        return;
    sim_server_free(sim->srv);
    slack_sim_socket_sockets_free(sim);
    for (size_t i = 0; i < sim->users.n; i++)
        user_free(sim->users.v[i]);
    for (size_t i = 0; i < sim->channels.n; i++)
        chan_free(sim->channels.v[i]);
    for (size_t i = 0; i < sim->ephemerals.n; i++) {
        struct slack_sim_ephemeral *e = sim->ephemerals.v[i];

        free(e->channel_id);
        free(e->user);
        free(e->text);
        cJSON_Delete(e->blocks);
        free(e->ts);
        free(e);
    }
    for (size_t i = 0; i < sim->views.n; i++) {
        struct slack_sim_view *v = sim->views.v[i];

        free(v->id);
        free(v->user);
        free(v->trigger_id);
        free(v->callback_id);
        cJSON_Delete(v->view);
        free(v);
    }
    for (size_t i = 0; i < sim->calls.n; i++) {
        struct slack_sim_call *c = sim->calls.v[i];

        free(c->method);
        cJSON_Delete(c->args);
        cJSON_Delete(c->response);
        free(c);
    }
    for (size_t i = 0; i < sim->acks.n; i++) {
        struct slack_sim_ack *a = sim->acks.v[i];

        free(a->envelope_id);
        cJSON_Delete(a->payload);
        free(a);
    }
    for (size_t i = 0; i < sim->envs.n; i++) {
        struct ssim_env *e = sim->envs.v[i];

        free(e->pub.envelope_id);
        free(e->pub.event_id);
        cJSON_Delete(e->pub.json);
        free(e);
    }
    for (size_t i = 0; i < sim->deliveries.n; i++) {
        struct ssim_delivery *d = sim->deliveries.v[i];

        free(d->event_id);
        cJSON_Delete(d->payload);
        free(d->label);
        free(d->user);
        free(d->channel);
        free(d);
    }
    for (size_t i = 0; i < sim->conns.n; i++) {
        struct slack_sim_conn *c = sim->conns.v[i];

        free(c->last_disconnect);
        free(c);
    }
    for (size_t i = 0; i < sim->triggers.n; i++) {
        struct ssim_trigger *t = sim->triggers.v[i];

        free(t->user);
        free(t);
    }
    for (size_t i = 0; i < sim->mfaults.n; i++) {
        struct ssim_mfault *f = sim->mfaults.v[i];

        free(f->method);
        free(f->error);
        free(f->channel);
        free(f);
    }
    for (size_t i = 0; i < sim->hooks.n; i++) {
        struct ssim_hook *h = sim->hooks.v[i];

        free(h->channel);
        free(h->user);
        free(h);
    }
    for (size_t i = 0; i < sim->tickets.n; i++)
        free(sim->tickets.v[i]);
    for (size_t i = 0; i < sim->buckets.n; i++)
        free(sim->buckets.v[i]);
    slack_sim_vec_free(&sim->users);
    slack_sim_vec_free(&sim->channels);
    slack_sim_vec_free(&sim->ephemerals);
    slack_sim_vec_free(&sim->views);
    slack_sim_vec_free(&sim->calls);
    slack_sim_vec_free(&sim->acks);
    slack_sim_vec_free(&sim->envs);
    slack_sim_vec_free(&sim->deliveries);
    slack_sim_vec_free(&sim->conns);
    slack_sim_vec_free(&sim->tickets);
    slack_sim_vec_free(&sim->triggers);
    slack_sim_vec_free(&sim->buckets);
    slack_sim_vec_free(&sim->mfaults);
    slack_sim_vec_free(&sim->hooks);
    free(sim->app_token);
    free(sim->bot_token);
    free(sim->team_name);
    free(sim->bot_name);
    free(sim);
}

int
slack_sim_port(const struct slack_sim *sim)
{
    return sim->port;
}

const char *
slack_sim_api_url(const struct slack_sim *sim)
{
    return sim->api_url;
}

const char *
slack_sim_base_url(const struct slack_sim *sim)
{
    return sim->base_url;
}

const struct slack_sim_identity *
slack_sim_identity(const struct slack_sim *sim)
{
    return &sim->id;
}

const char *
slack_sim_error(const struct slack_sim *sim)
{
    return sim->err;
}

/* ---- waiting ---- */

static void
wait_expired(void *arg)
{
    *(bool *)arg = true;
}

bool
slack_sim_wait(struct slack_sim *sim, slack_sim_pred_fn *pred, void *arg,
               int timeout_ms)
{
    struct loop_timer *t;
    bool expired = false, ok;

    if (pred && pred(arg))
        return true;
    t = loop_timer_new(sim->loop, wait_expired, &expired);
    loop_timer_arm(t, timeout_ms);
    for (;;) {
        if (loop_run_once(sim->loop, true) < 0) {
            log_error(SSIM_MOD, "slack_sim_wait called inside the loop");
            break;
        }
        if ((pred && pred(arg)) || expired)
            break;
    }
    ok = pred ? pred(arg) : true;
    /* expired points into this frame: the timer must not fire later. */
    loop_timer_stop(t);
    loop_timer_free(t);
    return ok;
}

struct wait_calls {
    struct slack_sim *sim;
    const char       *method;
    size_t            n;
};

static bool
calls_reached(void *arg)
{
    struct wait_calls *w = arg;

    return slack_sim_calls_of(w->sim, w->method) >= w->n;
}

bool
slack_sim_wait_calls(struct slack_sim *sim, const char *method, size_t n,
                     int timeout_ms)
{
    struct wait_calls w = { sim, method, n };

    return slack_sim_wait(sim, calls_reached, &w, timeout_ms);
}

static bool
acks_reached(void *arg)
{
    struct wait_calls *w = arg;

    return w->sim->acks.n >= w->n;
}

bool
slack_sim_wait_acks(struct slack_sim *sim, size_t n, int timeout_ms)
{
    struct wait_calls w = { sim, NULL, n };

    return slack_sim_wait(sim, acks_reached, &w, timeout_ms);
}

static bool
open_reached(void *arg)
{
    struct wait_calls *w = arg;

    return slack_sim_open_count(w->sim) >= w->n;
}

bool
slack_sim_wait_open(struct slack_sim *sim, size_t n, int timeout_ms)
{
    struct wait_calls w = { sim, NULL, n };

    return slack_sim_wait(sim, open_reached, &w, timeout_ms);
}

void
slack_sim_run_for(struct slack_sim *sim, int ms)
{
    slack_sim_wait(sim, NULL, NULL, ms);
}
