/*
 * notify: how the core says things.  Handlers queue messages on the ctx;
 * ctx_write_outbox() turns each into outbox rows, one per platform that
 * should carry it, inside the unit of work's transaction.
 *
 * Text may carry markers that only the delivering platform can render: a
 * person (\x01p<id>\x02), a campaign channel (\x01c<id>\x02) and an instant
 * (\x01t<ms>\x02; Slack and Discord show it in each reader's own zone).
 * User input never contains \x01 (core.c refuses control characters).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "avail.h"
#include "core_internal.h"
#include "delivery.h"
#include "nudge.h"
#include "log.h"
#include "utf8.h"
#include "when.h"

void
ctx_init(struct ctx *c, struct core *core, const struct core_event *ev)
{
    memset(c, 0, sizeof(*c));
    c->core = core;
    c->st = core->store;
    c->a = core->arena;
    c->set = core->settings;
    c->now = clock_now(&core->clock);
    c->ev = ev;
    c->actor_ref = "chorus";
    c->caller_zone = core->settings->default_tz;
    buf_init(&c->reply, 64 * 1024);
    buf_init(&c->reply_after, 64 * 1024);
}

void
ctx_release(struct ctx *c)
{
    buf_free(&c->reply);
    buf_free(&c->reply_after);
    arena_reset(c->a);
}

const char *
ctx_person_zone(const struct ctx *c, const struct person *p)
{
    return p && p->tz ? p->tz : c->set->default_tz;
}

const char *
ctx_mark_person(struct ctx *c, int64_t person_id)
{
    return arena_printf(c->a, "\001p%lld\002", (long long)person_id);
}

const char *
ctx_mark_channel(struct ctx *c, int64_t campaign_id)
{
    return arena_printf(c->a, "\001c%lld\002", (long long)campaign_id);
}

const char *
ctx_mark_time(struct ctx *c, int64_t utc_ms)
{
    return arena_printf(c->a, "\001t%lld\002", (long long)utc_ms);
}

const char *
ctx_time_for(struct ctx *c, const struct person *p, int64_t utc_ms)
{
    char text[64];
    when_format(utc_ms, ctx_person_zone(c, p), c->now, WHEN_LONG, text,
                sizeof(text));
    return arena_strdup(c->a, text);
}

const char *
ctx_command_lead(const struct ctx *c)
{
    return adapter_command_lead(
        c->ev ? core_adapter(c->core, c->ev->platform) : NULL);
}

const char *
ctx_time_reader(struct ctx *c, const struct person *reader, int64_t utc_ms)
{
    return reader ? ctx_time_for(c, reader, utc_ms) : ctx_mark_time(c, utc_ms);
}

const char *
ctx_time_for_caller(struct ctx *c, int64_t utc_ms)
{
    char text[64];
    when_format(utc_ms, c->caller_zone, c->now, WHEN_LONG, text,
                sizeof(text));
    return arena_strdup(c->a, text);
}

const char *
ctx_buttons_encode(struct ctx *c, const struct out_button *b, size_t n)
{
    struct buf out = BUF_INIT;
    delivery_buttons_encode(&out, b, n);
    const char *s = arena_strdup(c->a, buf_cstr(&out));
    buf_free(&out);
    return s;
}

static struct pending *
queue(struct ctx *c, enum out_kind kind, int64_t campaign_id,
      int64_t person_id, const char *buttons, const char *text)
{
    struct pending *p = arena_alloc(c->a, sizeof(*p));
    p->kind = kind;
    p->campaign_id = campaign_id;
    p->person_id = person_id;
    p->buttons = buttons && *buttons ? buttons : NULL;
    p->text = text;
    if (c->out_tail)
        c->out_tail->next = p;
    else
        c->out_head = p;
    c->out_tail = p;
    return p;
}

void
ctx_reply(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->reply.len)
        buf_addc(&c->reply, '\n');
    buf_vprintf(&c->reply, fmt, ap);
    va_end(ap);
}

struct pending *
ctx_post(struct ctx *c, int64_t campaign_id, const char *buttons,
         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = arena_vprintf(c->a, fmt, ap);
    va_end(ap);
    return queue(c, OUT_POST, campaign_id, 0, buttons, text);
}

void
ctx_post_channel(struct ctx *c, const char *platform, const char *channel,
                 const char *buttons, const char *text)
{
    struct pending *p = queue(c, OUT_POST, 0, 0, buttons, text);
    p->platform = platform;
    p->channel_ref = channel;
}

static void
dm(struct ctx *c, int64_t person_id, enum dm_urgency urgency,
   const char *buttons, const char *text)
{
    queue(c, OUT_DM, 0, person_id, buttons, text)->urgency = urgency;
}

#define DM_FORMAT(text, fmt)                                               \
    va_list ap;                                                            \
    va_start(ap, fmt);                                                     \
    char *text = arena_vprintf(c->a, fmt, ap);                             \
    va_end(ap)

void
ctx_dm(struct ctx *c, int64_t person_id, const char *buttons, const char *fmt,
       ...)
{
    DM_FORMAT(text, fmt);
    dm(c, person_id, DM_NORMAL, buttons, text);
}

void
ctx_dm_urgent(struct ctx *c, int64_t person_id, const char *buttons,
              const char *fmt, ...)
{
    DM_FORMAT(text, fmt);
    dm(c, person_id, DM_URGENT, buttons, text);
}

void
ctx_dm_news(struct ctx *c, int64_t person_id, const char *buttons,
            const char *fmt, ...)
{
    DM_FORMAT(text, fmt);
    dm(c, person_id, DM_NEWS, buttons, text);
}

void
ctx_dm_identity(struct ctx *c, int64_t person_id, const char *platform,
                const char *user_id, const char *fmt, ...)
{
    DM_FORMAT(text, fmt);
    struct pending *p = queue(c, OUT_DM, 0, person_id, NULL, text);
    p->urgency = DM_URGENT;
    p->platform = arena_strdup(c->a, platform);
    p->user_ref = arena_strdup(c->a, user_id);
}

static void
dm_roles(struct ctx *c, enum dm_urgency urgency, int64_t campaign_id,
         unsigned role_mask, int64_t skip, const char *buttons,
         const char *text)
{
    struct participant *ps;
    size_t n;
    if (store_participant_list(c->st, c->a, campaign_id, role_mask, &ps, &n) !=
        CH_OK)
        return;
    for (size_t i = 0; i < n; i++)
        if (ps[i].person_id != skip)
            dm(c, ps[i].person_id, urgency, buttons, text);
}

void
ctx_dm_roles(struct ctx *c, int64_t campaign_id, unsigned role_mask,
             int64_t skip, const char *buttons, const char *fmt, ...)
{
    DM_FORMAT(text, fmt);
    dm_roles(c, DM_NORMAL, campaign_id, role_mask, skip, buttons, text);
}

void
ctx_dm_roles_as(struct ctx *c, enum dm_urgency urgency, int64_t campaign_id,
                unsigned role_mask, int64_t skip, const char *buttons,
                const char *fmt, ...)
{
    DM_FORMAT(text, fmt);
    dm_roles(c, urgency, campaign_id, role_mask, skip, buttons, text);
}

void
ctx_queue(struct ctx *c, enum out_kind kind, int64_t campaign_id,
          int64_t person_id, const char *text)
{
    queue(c, kind, campaign_id, person_id, NULL, text);
}

struct pending *
ctx_queue_update(struct ctx *c, const char *platform, int64_t ref_id,
                 const char *text)
{
    struct pending *p = queue(c, OUT_UPDATE, 0, 0, NULL, text);
    p->platform = platform;
    p->ref_id = ref_id;
    return p;
}

void
ctx_audit(struct ctx *c, int64_t campaign_id, const char *subject,
          const char *action, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *detail = arena_vprintf(c->a, fmt, ap);
    va_end(ap);
    enum ch_status s =
        store_audit_add(c->st, c->now, c->has_caller ? c->caller.id : 0,
                        c->actor_ref, campaign_id, subject, action, detail);
    if (s != CH_OK)
        log_error("core", "audit line lost: %s %s", action, detail);
}

/* --- writing the queue to the outbox -------------------------------------- */

/* Text for the outbox is valid UTF-8 whatever went into it: words quoted
 * from input are cut to a byte length ("%.60s"), which can split a
 * character, and platforms refuse such text.  The stray bytes go. */
static const char *
valid_utf8(struct ctx *c, const char *text)
{
    if (text == NULL)
        return NULL;
    size_t len = strlen(text);
    long bad = utf8_invalid_at(text, len);
    if (bad < 0)
        return text;
    struct buf b = BUF_INIT;
    size_t i = 0;
    while (bad >= 0) {
        buf_add(&b, text + i, (size_t)bad);
        i += (size_t)bad + 1;
        bad = utf8_invalid_at(text + i, len - i);
    }
    buf_add(&b, text + i, len - i);
    const char *out = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

static enum ch_status
insert_row(struct ctx *c, struct outbox_row *r, int64_t *id)
{
    return store_outbox_insert(c->st, r, c->now, id);
}

static const char *
dm_platform(struct ctx *c, const struct person *to, char **user_ref)
{
    struct core *core = c->core;
    const struct person p = *to;
    int64_t person_id = p.id;
    /* Where they last spoke to us first, then any platform we run on. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < core->nadapters; i++) {
            const char *name = adapter_name(core->adapters[i]);
            if (pass == 0 && (p.preferred_platform == NULL ||
                              strcmp(p.preferred_platform, name) != 0))
                continue;
            char *uid = store_people_identity_of(c->st, c->a, person_id, name);
            if (uid) {
                *user_ref = uid;
                return name;
            }
        }
    }
    return NULL;
}

/* --- when and with what a DM goes (issue 15) -------------------------- */

/* When a DM to p may go (0: at once).  Every one lands inside their
 * working time, except an urgent one to a person who takes those at any
 * time; news waits for their morning digest when they have one.  Whoever
 * caused it is here now, so theirs is never held.  One that is not
 * urgent waits a little for a held DM of theirs due within the digest
 * window, so the two go as one. */
static int64_t
dm_not_before(struct ctx *c, const struct person *p, enum dm_urgency u)
{
    if (c->has_caller && c->caller.id == p->id)
        return 0;
    bool anytime = false;
    int chosen = -1;
    store_people_notify(c->st, p->id, &anytime, &chosen);
    if (u == DM_URGENT && anytime)
        return 0;
    int64_t at = u == DM_NEWS && people_news_digest(c, p->id, chosen)
                     ? avail_next_day_start(c, p, c->now)
                     : avail_next(c, p, c->now);
    if (u != DM_URGENT && c->set->digest_window_ms > 0) {
        int64_t with = store_outbox_dm_held(
            c->st, p->id, at > c->now ? at : c->now + 1,
            at + c->set->digest_window_ms);
        if (with)
            at = with;
    }
    return at > c->now ? at : 0;
}

/* What the words of s name: a deliverable ("spring#2"), an escalation
 * ("E3"), a brief proposal ("P2", *prop), and the campaign of one of
 * those, of a question ("Q4"), or the first word that is a slug. */
struct refs {
    int64_t campaign, deliv, esc, prop, conflict;
};

static void
refs_in(struct ctx *c, const char *s, struct refs *r)
{
    int64_t *campaign = &r->campaign, *deliv = &r->deliv, *esc = &r->esc;
    int lookups = 0;
    for (const char *p = s; p && *p;) {
        if (*p == '\001') {            /* a marker: not words */
            const char *end = strchr(p, '\002');
            p = end ? end + 1 : p + 1;
            continue;
        }
        size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
                             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
        if (n == 0) {
            p++;
            continue;
        }
        char *word = arena_strndup(c->a, p, n);
        const char *after = p + n;
        p = after;
        int64_t id = n > 1 && strspn(word + 1, "0123456789") == n - 1
                         ? strtoll(word + 1, NULL, 10)
                         : 0;
        struct escalation e;
        struct question q;
        if (id && word[0] == 'E') {
            if (*esc == 0 &&
                store_escalation_get(c->st, c->a, id, &e) == CH_OK) {
                *esc = e.id;
                if (*campaign == 0)
                    *campaign = e.campaign_id;
            }
            continue;
        }
        if (id && word[0] == 'P') {
            if (r->prop == 0)
                r->prop = id;
            continue;
        }
        if (id && word[0] == 'C') {
            if (r->conflict == 0)
                r->conflict = id;
            continue;
        }
        if (id && word[0] == 'Q') {
            if (*campaign == 0 &&
                store_question_get(c->st, c->a, id, &q) == CH_OK)
                *campaign = q.campaign_id;
            continue;
        }
        bool numbered = after[0] == '#' && after[1] >= '0' && after[1] <= '9';
        if ((*campaign && !numbered) || (!numbered && ++lookups > 24))
            continue;
        struct campaign cp;
        if (store_campaign_by_slug(c->st, c->a, word, &cp) != CH_OK)
            continue;
        if (*campaign == 0)
            *campaign = cp.id;
        struct deliverable d;
        if (numbered && *deliv == 0 && cp.id == *campaign &&
            store_deliverable_get(c->st, c->a, cp.id,
                                  (int)strtol(after + 1, NULL, 10),
                                  &d) == CH_OK)
            *deliv = d.id;
    }
}

/* What a DM row is about: its campaign (for the digest's headings) and,
 * when it carries buttons, the subject they act on with its state now,
 * so a row whose subject moved on before it went out is dropped. */
static void
dm_about(struct ctx *c, struct outbox_row *r)
{
    struct refs in = { 0 };
    struct out_button b[OUT_MAX_BUTTONS];
    size_t n = delivery_buttons_decode(c->a, r->buttons, b);
    for (size_t i = 0; i < n; i++)
        refs_in(c, b[i].command, &in);
    char kind = in.esc        ? 'e'
                : in.prop     ? 'p'
                : in.conflict ? 'c'
                : in.deliv    ? 'd'
                              : 0;
    if (kind)
        r->subject = store_outbox_subject_of(
            c->st, c->a, kind,
            kind == 'e'   ? in.esc
            : kind == 'p' ? in.prop
            : kind == 'c' ? in.conflict
                          : in.deliv);
    if (in.campaign == 0)
        refs_in(c, r->text, &in);
    r->about = in.campaign;
}

static enum ch_status
write_one(struct ctx *c, struct pending *p)
{
    struct core *core = c->core;
    struct outbox_row r = {
        .kind = adapter_kind_names[p->kind],
        .campaign_id = p->campaign_id,
        .person_id = p->person_id,
        .text = valid_utf8(c, p->text),
        .buttons = p->buttons,
    };
    enum ch_status s = CH_OK;

    switch (p->kind) {
    case OUT_REPLY:
        r.platform = c->ev->platform;
        r.channel_ref = c->ev->channel_id;
        r.user_ref = c->ev->user_id;
        return insert_row(c, &r, &p->id);
    case OUT_DM: {
        char *uid = NULL;
        struct person to;
        if (store_people_get(c->st, c->a, p->person_id, &to) != CH_OK)
            r.platform = NULL;
        else if (p->user_ref) { /* one identity, if its platform runs */
            r.platform = core_adapter(core, p->platform) ? p->platform : NULL;
            uid = arena_strdup(c->a, p->user_ref);
        } else
            r.platform = dm_platform(c, &to, &uid);
        if (r.platform == NULL) {
            log_info("core", "person %lld has no identity on a running "
                     "platform; direct message not sent",
                     (long long)p->person_id);
            return CH_OK;
        }
        r.user_ref = uid;
        r.not_before = dm_not_before(c, &to, p->urgency);
        dm_about(c, &r);
        return insert_row(c, &r, &p->id);
    }
    case OUT_UPDATE: {
        int64_t pending = store_outbox_pending_update(c->st, p->ref_id);
        if (pending) { /* one pending edit per message: keep the newest */
            p->id = pending;
            return store_outbox_set_text(c->st, pending, r.text);
        }
        r.platform = p->platform;
        r.ref_id = p->ref_id;
        return insert_row(c, &r, &p->id);
    }
    case OUT_POST:
        if (p->campaign_id)
            break;
        /* A channel of a platform's own (a brand's alerts), when that
         * platform runs. */
        if (core_adapter(core, p->platform) == NULL)
            return CH_OK;
        r.platform = p->platform;
        r.channel_ref = p->channel_ref;
        return insert_row(c, &r, &p->id);
    case OUT_LOOKUP:
        r.platform = c->ev ? c->ev->platform : NULL;
        r.user_ref = p->text;   /* the platform user id to look up */
        r.text = NULL;
        return r.platform ? insert_row(c, &r, NULL) : CH_OK;
    default:
        break;
    }

    /* Campaign-wide kinds: one row per platform we run on. */
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, p->campaign_id, &cp) != CH_OK)
        return CH_INTERNAL;
    for (size_t i = 0; i < core->nadapters && s == CH_OK; i++) {
        const char *name = adapter_name(core->adapters[i]);
        if (p->platform && strcmp(p->platform, name) != 0)
            continue;
        r.platform = name;
        r.user_ref = NULL;
        if (p->kind == OUT_CREATE_CHANNEL) {
            struct channel_row have;
            if (store_channel_get(c->st, c->a, p->campaign_id, name, &have) ==
                    CH_OK &&
                have.channel_id)
                continue;
            s = store_channel_insert(c->st, p->campaign_id, name, cp.slug);
            if (s == CH_OK)
                s = insert_row(c, &r, NULL);
            continue;
        }
        struct channel_row ch;
        if (store_channel_get(c->st, c->a, p->campaign_id, name, &ch) != CH_OK)
            continue;   /* no channel here (yet): core_attach adds one */
        if (p->kind == OUT_INVITE) {
            r.user_ref =
                store_people_identity_of(c->st, c->a, p->person_id, name);
            if (r.user_ref == NULL)
                continue;
        }
        int64_t id = 0;
        s = insert_row(c, &r, &id);
        if (s == CH_OK && p->kind == OUT_POST && p->pin) {
            struct outbox_row pin = {
                .platform = name, .kind = adapter_kind_names[OUT_PIN],
                .campaign_id = p->campaign_id, .ref_id = id,
            };
            s = insert_row(c, &pin, NULL);
        }
        if (s == CH_OK && p->mark != MARK_NONE)
            s = store_channel_set_msgs(c->st, p->campaign_id, name,
                                       p->mark == MARK_BRIEF ? id : 0,
                                       p->mark == MARK_STATUS ? id : 0);
    }
    return s;
}

enum ch_status
ctx_write_outbox(struct ctx *c, int64_t *reply_id)
{
    if (reply_id)
        *reply_id = 0;
    if (c->reply_after.len) {
        if (c->reply.len)
            buf_addc(&c->reply, '\n');
        buf_adds(&c->reply, buf_cstr(&c->reply_after));
        buf_reset(&c->reply_after);
    }
    if (c->reply.len && c->ev) {
        struct pending r = {
            .kind = OUT_REPLY,
            .person_id = c->has_caller ? c->caller.id : 0,
            .text = buf_cstr(&c->reply),
        };
        enum ch_status s = write_one(c, &r);
        if (s != CH_OK)
            return s;
        if (reply_id)
            *reply_id = r.id;
    }
    for (struct pending *p = c->out_head; p; p = p->next) {
        enum ch_status s = write_one(c, p);
        if (s != CH_OK)
            return s;
    }
    return CH_OK;
}

const char *
ctx_bits_text(struct ctx *c, unsigned mask, const char *const *names,
              size_t n, const char *sep)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << i))
            buf_printf(&b, "%s%s", b.len ? sep : "", names[i]);
    const char *s = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

const char *
ctx_duration(struct ctx *c, int64_t ms)
{
    char text[32];
    when_duration_format(ms < 0 ? -ms : ms, text, sizeof(text));
    return arena_strdup(c->a, text);
}
