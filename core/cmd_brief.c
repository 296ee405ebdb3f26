/* brief: show a campaign's brief, set and add to its fields. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "conflict.h"
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
    struct brief_proposal *ps;
    size_t n;
    store_brief_proposals_open(c->st, c->a, cp->id, &ps, &n);
    for (size_t i = 0; i < n; i++)
        buf_printf(&c->reply, "%s P%lld (%s)", i ? "," : "\nOpen proposals:",
                   (long long)ps[i].id, model_brief_fields[ps[i].field].name);
    if (n)
        buf_printf(&c->reply, " — brief %s proposals", cp->slug);
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
    if (locked && perm_allows(&c->set->perms, ACT_MANAGE, c->cmd->roles))
        return ch_fail(&c->err, CH_DENIED,
                       "the brief of %s is locked since kickoff: changing it "
                       "needs the role %s. Propose the change instead: brief "
                       "%s propose <field> <text>", cp->slug, who, cp->slug);
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

/* The brief as it is now, in *b, and the value a field would have after
 * a set (text) or an add (items): *out is the new value, *items the
 * normalized text (what a proposal stores).  CH_OK, or a failure in
 * c->err. */
static enum ch_status
compute(struct ctx *c, const struct campaign *cp, struct brief *b,
        int field, bool append, const char *text, const char **out,
        const char **items)
{
    if (brief_current(c, cp, b) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "the brief of %s is missing",
                       cp->slug);
    const struct brief_field_info *fi = &model_brief_fields[field];
    if (append && !fi->is_list)
        return ch_fail(&c->err, CH_INVALID,
                       "%s is not a list field: use brief %s %s %s <text>",
                       fi->name, cp->slug,
                       strstr(c->cmd->form->spec->pattern, "propose")
                           ? "propose" : "set", fi->name);
    const char *old = b->field[field] ? b->field[field] : "";
    struct buf value = BUF_INIT;
    struct buf fresh = BUF_INIT;
    enum ch_status s = CH_OK;
    if (fi->is_list) {
        s = split_items(c, text, &fresh);
        if (s == CH_OK && fresh.len == 0)
            s = ch_fail(&c->err, CH_INVALID, "give at least one item");
    } else {
        buf_adds(&fresh, text);
        if (fresh.len == 0)
            s = ch_fail(&c->err, CH_INVALID, "give the text of %s",
                        fi->name);
    }
    if (s == CH_OK && append) {
        /* Only items not listed yet: the same one twice is a typo, not a
         * second requirement. */
        buf_adds(&value, old);
        for (const char *q = buf_cstr(&fresh); *q;) {
            size_t len = strcspn(q, "\n");
            if (!list_has(buf_cstr(&value), q, len))
                buf_printf(&value, "%s%.*s", value.len ? "\n" : "",
                           (int)len, q);
            q += len + (q[len] == '\n');
        }
    } else if (s == CH_OK) {
        buf_adds(&value, buf_cstr(&fresh));
    }
    if (s == CH_OK && fi->is_list) {
        size_t n = 1;
        for (const char *q = buf_cstr(&value); *q; q++)
            n += *q == '\n';
        if (n > MAX_LIST_ITEMS)
            s = ch_fail(&c->err, CH_INVALID, "%s may hold at most %d items",
                        fi->name, MAX_LIST_ITEMS);
    }
    *out = arena_strdup(c->a, buf_cstr(&value));
    *items = arena_strdup(c->a, buf_cstr(&fresh));
    buf_free(&value);
    buf_free(&fresh);
    return s;
}

/* Items of list a (len-separated by '\n') missing from list b, quoted
 * and joined by ", ". */
static void
items_missing(struct buf *out, const char *a, const char *b)
{
    for (const char *q = a; *q;) {
        size_t len = strcspn(q, "\n");
        if (!list_has(b, q, len))
            buf_printf(out, "%s\"%.*s\"", out->len ? ", " : "", (int)len, q);
        q += len + (q[len] == '\n');
    }
}

/* What changed, for every reader: old → new, or the items gained and
 * lost. */
static const char *
describe(struct ctx *c, int field, const char *old, const char *now)
{
    const struct brief_field_info *fi = &model_brief_fields[field];
    old = old ? old : "";
    if (!fi->is_list)
        return arena_printf(c->a, "%s: \"%s\" → \"%s\"", fi->label,
                            *old ? old : "—", now);
    struct buf added = BUF_INIT, removed = BUF_INIT;
    items_missing(&added, now, old);
    items_missing(&removed, old, now);
    const char *text = arena_printf(
        c->a, "%s: %s%s%s%s%s", fi->label, added.len ? "added " : "",
        buf_cstr(&added), added.len && removed.len ? "; " : "",
        removed.len ? "removed " : "", buf_cstr(&removed));
    buf_free(&added);
    buf_free(&removed);
    return text;
}

/* Write the new version and tell whoever needs to know: after kickoff
 * everyone works from the brief, so a change is news to all. */
static enum ch_status
apply(struct ctx *c, const struct campaign *cp, struct brief *b, int field,
      const char *now_value, const char *change, const char *action,
      int64_t proposal, const char *why)
{
    const struct brief_field_info *fi = &model_brief_fields[field];
    bool locked = cp->kicked_off_at != INT64_MIN;
    b->version++;
    b->field[field] = (char *)now_value;
    enum ch_status s = store_brief_put(c->st, cp->id, b, fi->name,
                                       c->caller.id, c->now, locked);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save the brief");
    ctx_audit(c, cp->id, cp->slug, action, "v%d %s%s: %s", b->version,
              proposal ? arena_printf(c->a, "P%lld ", (long long)proposal)
                       : "", fi->name, now_value);
    conflict_follow_brief(c, cp->id);
    if (!locked)
        return CH_OK;
    ctx_post(c, cp->id, NULL, "Brief of %s changed (version %d, %s). %s",
             cp->slug, b->version, why, change);
    ctx_dm_roles(c, cp->id, ROLE_ANY_PARTICIPANT, c->caller.id, NULL,
                 "The brief of %s changed (version %d, %s). %s", cp->slug,
                 b->version, why, change);
    struct campaign fresh;
    if (store_campaign_get(c->st, c->a, cp->id, &fresh) == CH_OK) {
        struct buf text = BUF_INIT;
        brief_render(c, &fresh, b, &text);
        for (size_t i = 0; i < c->core->nadapters; i++) {
            const char *pf = adapter_name(c->core->adapters[i]);
            struct channel_row ch;
            if (store_channel_get(c->st, c->a, cp->id, pf, &ch) == CH_OK &&
                ch.brief_msg)
                ctx_queue_update(c, pf, ch.brief_msg,
                                 arena_strdup(c->a, buf_cstr(&text)));
        }
        buf_free(&text);
    }
    /* Since kickoff the channel's topic is the core message. */
    if (field == BRIEF_CORE_MESSAGE)
        ctx_queue(c, OUT_TOPIC, cp->id, 0,
                  arena_printf(c->a, "%.240s", now_value));
    return CH_OK;
}

/* A newer word on a field replaces the open proposals on it; their
 * proposers hear so. */
static int
supersede(struct ctx *c, const struct campaign *cp, int field, int64_t keep,
          const char *by_what)
{
    struct brief_proposal *ps;
    size_t n;
    int count = 0;
    store_brief_proposals_open(c->st, c->a, cp->id, &ps, &n);
    for (size_t i = 0; i < n; i++) {
        if (ps[i].field != field || ps[i].id == keep ||
            store_brief_decide(c->st, ps[i].id, "superseded", c->caller.id,
                               c->now, by_what) != CH_OK)
            continue;
        count++;
        ctx_audit(c, cp->id, cp->slug, "brief.superseded", "P%lld by %s",
                  (long long)ps[i].id, by_what);
        if (ps[i].proposed_by != c->caller.id)
            ctx_dm(c, ps[i].proposed_by, NULL,
                   "Your proposal P%lld for the %s of %s was superseded by "
                   "%s (%s); nobody will decide on it.",
                   (long long)ps[i].id, model_brief_fields[field].name,
                   cp->slug, by_what, ctx_mark_person(c, c->caller.id));
    }
    return count;
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
    struct brief b;
    const char *now_value, *items;
    if ((s = compute(c, cp, &b, field, append, text, &now_value, &items)) !=
        CH_OK)
        return s;
    const char *old = b.field[field] ? b.field[field] : "";
    if (strcmp(old, now_value) == 0) {
        ctx_reply(c, "The %s of %s is already that; nothing changed.", fi->name,
                  cp->slug);
        return CH_OK;
    }
    const char *change = describe(c, field, old, now_value);
    bool locked = cp->kicked_off_at != INT64_MIN;
    const char *why = "";
    int64_t proposal = 0;
    if (locked) {
        /* The brand's own edit is a proposal approved at once: one record
         * of every change after kickoff. */
        struct brief_proposal p = {
            .campaign_id = cp->id, .field = field, .add = append,
            .value = (char *)items, .proposed_by = c->caller.id,
            .proposed_at = c->now,
        };
        supersede(c, cp, field, 0, "the brand's own edit");
        s = store_brief_propose(c->st, &p);
        if (s == CH_OK)
            s = store_brief_decide(c->st, p.id, "approved", c->caller.id,
                                   c->now, "the brand's own edit");
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not record the change");
        why = arena_printf(c->a, "P%lld, by %s", (long long)p.id,
                           ctx_mark_person(c, c->caller.id));
        proposal = p.id;
    }
    s = apply(c, cp, &b, field, now_value, change,
              append ? "brief.add" : "brief.set", proposal, why);
    if (s != CH_OK)
        return s;
    ctx_reply(c, "Brief of %s, version %d: %s %s.%s", cp->slug, b.version,
              fi->name, append ? "item added" : "set",
              locked ? arena_printf(c->a, " %s. Every participant was told.",
                                    change)
                     : "");
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

/* Buttons a brand lead gets with a proposal. */
static const char *
decision_buttons(struct ctx *c, const char *slug, int64_t id)
{
    struct out_button b[] = {
        { .label = "Approve", .style = "primary",
          .command = arena_printf(c->a, "brief %s approve P%lld", slug,
                                  (long long)id) },
        { .label = "Decline", .prompt = "Why decline it?",
          .command = arena_printf(c->a, "brief %s decline P%lld", slug,
                                  (long long)id) },
    };
    return ctx_buttons_encode(c, b, 2);
}

enum ch_status
cmd_brief_propose(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    int field = (int)command_arg(c, "field")->num;
    bool append = command_arg(c, "item") != NULL;
    const char *text = command_arg_text(c, append ? "item" : "text");
    if (cp->kicked_off_at == INT64_MIN)
        return ch_fail(&c->err, CH_CONFLICT,
                       "the brief of %s is a draft until kickoff: change it "
                       "directly (brief %s %s %s ...)",
                       cp->slug, cp->slug, append ? "add" : "set",
                       model_brief_fields[field].name);
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    struct brief b;
    const char *now_value, *items;
    enum ch_status s =
        compute(c, cp, &b, field, append, text, &now_value, &items);
    if (s != CH_OK)
        return s;
    const char *old = b.field[field] ? b.field[field] : "";
    if (strcmp(old, now_value) == 0)
        return ch_fail(&c->err, CH_INVALID,
                       "the %s of %s is already that; nothing to propose",
                       model_brief_fields[field].name, cp->slug);
    const char *change = describe(c, field, old, now_value);
    struct brief_proposal p = {
        .campaign_id = cp->id, .field = field, .add = append,
        .value = (char *)items, .proposed_by = c->caller.id,
        .proposed_at = c->now,
    };
    s = store_brief_propose(c->st, &p);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the proposal");
    int replaced = supersede(c, cp, field, p.id,
                             arena_printf(c->a, "P%lld", (long long)p.id));
    ctx_audit(c, cp->id, cp->slug, "brief.propose", "P%lld %s",
              (long long)p.id, change);
    struct participant *leads;
    size_t nl;
    store_participant_list(c->st, c->a, cp->id, ROLE_BRAND, &leads, &nl);
    ctx_dm_roles(c, cp->id, ROLE_BRAND, c->caller.id,
                 decision_buttons(c, cp->slug, p.id),
                 "%s proposes a change to the brief of %s (P%lld): %s\n"
                 "Approve it (brief %s approve P%lld) or decline it with a "
                 "reason (brief %s decline P%lld <reason>).",
                 ctx_mark_person(c, c->caller.id), cp->slug, (long long)p.id,
                 change, cp->slug, (long long)p.id, cp->slug,
                 (long long)p.id);
    ctx_reply(c, "Proposed P%lld for the brief of %s: %s", (long long)p.id,
              cp->slug, change);
    if (replaced)
        ctx_reply(c, "It replaces the open proposal%s on %s.",
                  replaced == 1 ? "" : "s", model_brief_fields[field].name);
    if (nl)
        ctx_reply(c, "The brand decides: %zu brand lead%s asked.", nl,
                  nl == 1 ? " was" : "s were");
    else
        ctx_reply(c, "Nobody has the brand role in %s yet, and only the "
                  "brand decides: add %s <person> role:brand.",
                  cp->slug, cp->slug);
    return CH_OK;
}

/* The open proposal a decision names, or a failure saying why not. */
static enum ch_status
load_open(struct ctx *c, const struct campaign *cp, struct brief_proposal *p)
{
    const char *raw = command_arg_text(c, "id");
    const char *digits = raw + (raw[0] == 'P' || raw[0] == 'p');
    char *end = NULL;
    long long id = strtoll(digits, &end, 10);
    if (!*digits || *end || id <= 0)
        return ch_fail(&c->err, CH_INVALID,
                       "\"%.40s\" is not a proposal: give its P<N>, as in "
                       "brief %s proposals", raw, cp->slug);
    if (store_brief_proposal(c->st, c->a, id, p) != CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "there is no proposal P%lld (brief %s proposals lists "
                       "the open ones)", id, cp->slug);
    if (p->campaign_id != cp->id) {
        struct campaign other;
        const char *where =
            store_campaign_get(c->st, c->a, p->campaign_id, &other) == CH_OK
                ? other.slug : "another campaign";
        return ch_fail(&c->err, CH_INVALID,
                       "P%lld is a proposal for the brief of %s, not of %s",
                       id, where, cp->slug);
    }
    if (strcmp(p->state, "open") != 0) {
        const char *when = ctx_time_for_caller(c, p->decided_at);
        if (strcmp(p->state, "superseded") == 0)
            return ch_fail(&c->err, CH_CONFLICT,
                           "P%lld was replaced by %s on %s; nothing to "
                           "decide", id, p->note ? p->note : "a newer one",
                           when);
        return ch_fail(&c->err, CH_CONFLICT,
                       "P%lld was already %s by %s on %s", id, p->state,
                       p->decider ? p->decider : "someone", when);
    }
    return CH_OK;
}

enum ch_status
cmd_brief_approve(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct brief_proposal p;
    enum ch_status s = load_open(c, cp, &p);
    if (s != CH_OK)
        return s;
    struct brief b;
    /* Against the brief as it is now: it may have moved since. */
    const char *now_value, *items;
    if ((s = compute(c, cp, &b, p.field, p.add, p.value, &now_value,
                     &items)) != CH_OK)
        return s;
    s = store_brief_decide(c->st, p.id, "approved", c->caller.id, c->now,
                           NULL);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not decide P%lld",
                       (long long)p.id);
    const char *old = b.field[p.field] ? b.field[p.field] : "";
    if (strcmp(old, now_value) == 0) {
        ctx_audit(c, cp->id, cp->slug, "brief.approve", "P%lld: no change",
                  (long long)p.id);
        ctx_reply(c, "Approved P%lld; the brief of %s already said that, so "
                  "nothing changed.", (long long)p.id, cp->slug);
        return CH_OK;
    }
    const char *change = describe(c, p.field, old, now_value);
    s = apply(c, cp, &b, p.field, now_value, change, "brief.approve", p.id,
              arena_printf(c->a, "P%lld by %s, approved by %s",
                           (long long)p.id,
                           ctx_mark_person(c, p.proposed_by),
                           ctx_mark_person(c, c->caller.id)));
    if (s != CH_OK)
        return s;
    ctx_reply(c, "Approved P%lld: the brief of %s is now version %d. %s. "
              "Every participant was told.", (long long)p.id, cp->slug,
              b.version, change);
    return CH_OK;
}

enum ch_status
cmd_brief_decline(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    const char *reason = command_arg_text(c, "reason");
    struct brief_proposal p;
    enum ch_status s = load_open(c, cp, &p);
    if (s != CH_OK)
        return s;
    s = store_brief_decide(c->st, p.id, "declined", c->caller.id, c->now,
                           reason);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not decide P%lld",
                       (long long)p.id);
    const char *field = model_brief_fields[p.field].name;
    ctx_audit(c, cp->id, cp->slug, "brief.decline", "P%lld %s: %s",
              (long long)p.id, field, reason);
    if (p.proposed_by != c->caller.id)
        ctx_dm(c, p.proposed_by, NULL,
               "%s declined your proposal P%lld for the %s of %s: %s. The "
               "brief stays as it is (version %d).",
               ctx_mark_person(c, c->caller.id), (long long)p.id, field,
               cp->slug, reason, cp->brief_version);
    ctx_reply(c, "Declined P%lld (%s of %s); %s was told why.",
              (long long)p.id, field, cp->slug,
              ctx_mark_person(c, p.proposed_by));
    return CH_OK;
}

enum ch_status
cmd_brief_proposals(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct brief_proposal *ps;
    size_t n;
    store_brief_proposals_open(c->st, c->a, cp->id, &ps, &n);
    if (n == 0) {
        ctx_reply(c, "No open proposals for the brief of %s.", cp->slug);
        return CH_OK;
    }
    bool decides = perm_allows(&c->set->perms, ACT_BRIEF_LOCKED,
                               c->cmd->roles);
    ctx_reply(c, "Open proposals for the brief of %s (version %d):",
              cp->slug, cp->brief_version);
    for (size_t i = 0; i < n; i++) {
        char *v = arena_strdup(c->a, ps[i].value);
        for (char *q = v; *q; q++)
            if (*q == '\n')
                *q = ';';
        ctx_reply(c, "  P%lld %s %s: %s (by %s, %s)", (long long)ps[i].id,
                  ps[i].add ? "add to" : "set",
                  model_brief_fields[ps[i].field].name, v, ps[i].proposer,
                  ctx_time_for_caller(c, ps[i].proposed_at));
    }
    if (decides)
        ctx_reply(c, "Decide with brief %s approve P<N>, or brief %s decline "
                  "P<N> <reason>.", cp->slug, cp->slug);
    return CH_OK;
}
