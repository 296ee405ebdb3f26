/* brief: show a campaign's brief, set and add to its fields. */
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "core_internal.h"
#include "utf8.h"
#include "when.h"

/* A list field holds at most this many items of at most this many
 * characters. */
#define MAX_LIST_ITEMS 30
#define MAX_ITEM_CHARS 300

enum ch_status
cmd_brief_show(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct brief b;
    if (brief_current(c, cp, &b) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "the brief of %s is missing",
                       cp->slug);
    brief_render(c, cp, &b, &c->reply);
    return CH_OK;
}

/* Before kickoff the managers edit; after it only the brand: the strategy
 * layer is not rewritten mid-flight. */
static enum ch_status
check_brief_edit(struct ctx *c, const struct campaign *cp)
{
    bool locked = cp->kicked_off_at != INT64_MIN;
    enum action need = locked ? ACT_BRIEF_LOCKED : ACT_MANAGE;
    if (perm_allows(&c->set->perms, need, c->cmd->roles))
        return CH_OK;
    char who[96];
    command_roles_needed(c, ACTS(need), who, sizeof(who));
    if (locked)
        return ch_fail(&c->err, CH_DENIED,
                       "the brief of %s is locked since kickoff: changing it "
                       "needs the role %s", cp->slug, who);
    return ch_fail(&c->err, CH_DENIED,
                   "editing the brief of %s needs the role %s", cp->slug, who);
}

/* Items of a list field: split on ';' (and newlines), trimmed. */
static enum ch_status
split_items(struct ctx *c, const char *text, struct buf *out)
{
    int count = 0;
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, ";\n");
        const char *s = p;
        const char *e = p + n;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (e > s) {
            char *item = arena_strndup(c->a, s, (size_t)(e - s));
            if (utf8_length(item) > MAX_ITEM_CHARS)
                return ch_fail(&c->err, CH_INVALID,
                               "an item is too long (%zu characters; at most "
                               "%d)", utf8_length(item), MAX_ITEM_CHARS);
            if (++count > MAX_LIST_ITEMS)
                return ch_fail(&c->err, CH_INVALID,
                               "too many items (at most %d)", MAX_LIST_ITEMS);
            buf_printf(out, "%s%s", out->len ? "\n" : "", item);
        }
        p += n + (p[n] != '\0');
    }
    return CH_OK;
}

/* Is the item (len bytes) already in a '\n'-separated list?  Case
 * does not make it a different requirement. */
static bool
list_has(const char *list, const char *item, size_t len)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, "\n");
        if (n == len && strncasecmp(p, item, len) == 0)
            return true;
        p += n + (p[n] == '\n');
    }
    return false;
}

static enum ch_status
brief_change(struct ctx *c, bool append)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    int field = (int)command_arg(c, "field")->num;
    const struct brief_field_info *fi = &model_brief_fields[field];
    const char *text = command_arg_text(c, append ? "item" : "text");
    enum ch_status s = check_brief_edit(c, cp);
    if (s != CH_OK)
        return s;
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    if (append && !fi->is_list)
        return ch_fail(&c->err, CH_INVALID,
                       "%s is not a list field: use brief %s set %s <text>",
                       fi->name, cp->slug, fi->name);

    struct brief b;
    if (brief_current(c, cp, &b) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "the brief of %s is missing",
                       cp->slug);
    const char *old = b.field[field] ? b.field[field] : "";
    struct buf value = BUF_INIT;
    struct buf gained = BUF_INIT;   /* the items an add really added */
    if (fi->is_list && append) {
        /* Only items not listed yet: the same one twice is a typo, not a
         * second requirement. */
        struct buf fresh = BUF_INIT;
        s = split_items(c, text, &fresh);
        buf_adds(&value, old);
        for (const char *q = buf_cstr(&fresh); s == CH_OK && *q;) {
            size_t len = strcspn(q, "\n");
            if (!list_has(buf_cstr(&value), q, len)) {
                buf_printf(&value, "%s%.*s", value.len ? "\n" : "",
                           (int)len, q);
                buf_printf(&gained, "%s%.*s", gained.len ? "; " : "",
                           (int)len, q);
            }
            q += len + (q[len] == '\n');
        }
        if (s == CH_OK && fresh.len == 0)
            s = ch_fail(&c->err, CH_INVALID, "give at least one item");
        buf_free(&fresh);
    } else if (fi->is_list) {
        s = split_items(c, text, &value);
        if (s == CH_OK && value.len == 0)
            s = ch_fail(&c->err, CH_INVALID, "give at least one item");
    } else {
        buf_adds(&value, text);
    }
    if (s == CH_OK && fi->is_list) {
        size_t n = 1;
        for (const char *q = buf_cstr(&value); *q; q++)
            n += *q == '\n';
        if (n > MAX_LIST_ITEMS)
            s = ch_fail(&c->err, CH_INVALID, "%s may hold at most %d items",
                        fi->name, MAX_LIST_ITEMS);
    }
    if (s != CH_OK) {
        buf_free(&value);
        buf_free(&gained);
        return s;
    }
    const char *now_value = arena_strdup(c->a, buf_cstr(&value));
    const char *added = arena_strdup(c->a, buf_cstr(&gained));
    buf_free(&value);
    buf_free(&gained);
    if (strcmp(old, now_value) == 0) {
        ctx_reply(c, "The %s of %s is already that; nothing changed.", fi->name,
                  cp->slug);
        return CH_OK;
    }

    bool locked = cp->kicked_off_at != INT64_MIN;
    b.version++;
    b.field[field] = (char *)now_value;
    s = store_brief_put(c->st, cp->id, &b, fi->name, c->caller.id, c->now,
                        locked);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save the brief");
    ctx_audit(c, cp->id, cp->slug, append ? "brief.add" : "brief.set",
              "v%d %s: %s", b.version, fi->name, now_value);

    if (locked) {
        /* Everyone works from the brief: a change after kickoff is news. */
        const char *what = append
            ? arena_printf(c->a, "%s gained: %s", fi->label, added)
            : arena_printf(c->a, "%s is now: %s", fi->label, now_value);
        ctx_post(c, cp->id, NULL, "Brief of %s changed by %s (version %d). %s",
                 cp->slug, ctx_mark_person(c, c->caller.id), b.version, what);
        ctx_dm_roles(c, cp->id, ROLE_ANY_PARTICIPANT, c->caller.id, NULL,
                     "The brief of %s changed (version %d, by %s). %s",
                     cp->slug, b.version, ctx_mark_person(c, c->caller.id),
                     what);
        struct campaign fresh;
        if (store_campaign_get(c->st, c->a, cp->id, &fresh) == CH_OK) {
            struct buf text2 = BUF_INIT;
            brief_render(c, &fresh, &b, &text2);
            for (size_t i = 0; i < c->core->nadapters; i++) {
                const char *pf = adapter_name(c->core->adapters[i]);
                struct channel_row ch;
                if (store_channel_get(c->st, c->a, cp->id, pf, &ch) == CH_OK &&
                    ch.brief_msg)
                    ctx_queue_update(c, pf, ch.brief_msg,
                                     arena_strdup(c->a, buf_cstr(&text2)));
            }
            buf_free(&text2);
        }
        /* Since kickoff the channel's topic is the core message. */
        if (field == BRIEF_CORE_MESSAGE)
            ctx_queue(c, OUT_TOPIC, cp->id, 0,
                      arena_printf(c->a, "%.240s", now_value));
    }
    ctx_reply(c, "Brief of %s, version %d: %s %s.%s", cp->slug, b.version,
              fi->name, append ? "item added" : "set",
              locked ? " Every participant was told." : "");
    return CH_OK;
}

enum ch_status
cmd_brief_set(struct ctx *c)
{
    return brief_change(c, false);
}

enum ch_status
cmd_brief_add(struct ctx *c)
{
    return brief_change(c, true);
}
