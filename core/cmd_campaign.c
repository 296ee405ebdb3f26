/* new, brief, kickoff, add, remove. */
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "core_internal.h"
#include "utf8.h"
#include "when.h"

#define MAX_LIST_ITEMS 30
#define MAX_ITEM_CHARS 300

enum ch_status
cmd_new(struct ctx *c)
{
    const char *slug = arg_text(c, "slug");
    const char *brand_name = arg_text(c, "brand");
    const char *agency_name = arg_text(c, "agency");
    const struct arg *from = arg_get(c, "from");
    const struct arg *to = arg_get(c, "to");
    const struct arg *need = arg_get(c, "need");

    struct campaign cp = {
        .slug = (char *)slug,
        .title = (char *)arg_text(c, "title"),
        .starts_at = from ? from->num : INT64_MIN,
        .ends_at = to ? to->num : INT64_MIN,
        .need = need ? (int)need->num : 0,
        .review_mode = c->set->review_mode,
        .created_at = c->now,
    };
    if (from && to && to->num <= from->num)
        return ch_fail(&c->err, CH_INVALID,
                       "to: %s is not after from: %s", to->raw, from->raw);

    struct brand b;
    bool new_brand = store_brand_by_name(c->st, c->a, brand_name, &b) != CH_OK;
    enum ch_status s = new_brand ? store_brand_put(c->st, brand_name, NULL, NULL,
                                                 c->now, &cp.brand_id)
                                 : CH_OK;
    if (!new_brand)
        cp.brand_id = b.id;
    bool new_agency = false;
    if (s == CH_OK && agency_name)
        s = store_agency_get_or_create(c->st, agency_name, c->now, &cp.agency_id,
                                     &new_agency);
    int64_t id = 0;
    if (s == CH_OK)
        s = store_campaign_insert(c->st, &cp, c->caller.id, &id);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not create %s", slug);

    struct brief br = { .version = 1 };
    br.field[BRIEF_DISCLOSURE] = "#ad";
    s = store_brief_put(c->st, id, &br, NULL, c->caller.id, c->now, false);
    if (s == CH_OK)
        s = store_participant_put(c->st, id, c->caller.id, ROLE_COORDINATOR,
                                NULL, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not create %s", slug);

    queue_simple(c, OUT_CREATE_CHANNEL, id, 0, NULL);
    queue_simple(c, OUT_TOPIC, id, 0,
                 arena_printf(c->a, "%s for %s — brief in draft",
                              cp.title ? cp.title : slug, brand_name));
    queue_simple(c, OUT_INVITE, id, c->caller.id, NULL);
    post(c, id, NULL,
         "Campaign %s for %s created by %s. The brief is a draft until "
         "kickoff.", slug, brand_name, mark_person(c, c->caller.id));
    audit(c, id, slug, "campaign.create", "brand %s%s%s", brand_name,
          agency_name ? ", agency " : "", agency_name ? agency_name : "");

    reply(c, "Created %s for %s%s%s (draft). You are its coordinator.", slug,
          brand_name, agency_name ? " with " : "",
          agency_name ? agency_name : "");
    if (new_brand)
        reply(c, "%s is a new brand: give it a category in the configuration "
              "(brand \"%s\" category ...) so conflicts can be checked.",
              brand_name, brand_name);
    reply(c, "Next: brief %s set story <text>, add %s <person> role:creator, "
          "deliverable %s ..., then kickoff %s.", slug, slug, slug, slug);
    return CH_OK;
}

enum ch_status
cmd_brief_show(struct ctx *c)
{
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    struct brief b;
    if (brief_current(c, cp, &b) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "the brief of %s is missing",
                       cp->slug);
    brief_render(c, cp, &b, &c->reply);
    return CH_OK;
}

/* Before kickoff the managers edit; after it only the brand (spec §3.2). */
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
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    int field = (int)arg_get(c, "field")->num;
    const struct brief_field_info *fi = &brief_fields[field];
    const char *text = arg_text(c, append ? "item" : "text");
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
    if (fi->is_list && append) {
        /* Only items not listed yet: the same one twice is a typo, not a
         * second requirement. */
        struct buf fresh = BUF_INIT;
        s = split_items(c, text, &fresh);
        buf_adds(&value, old);
        for (const char *q = buf_cstr(&fresh); s == CH_OK && *q;) {
            size_t len = strcspn(q, "\n");
            if (!list_has(old, q, len))
                buf_printf(&value, "%s%.*s", value.len ? "\n" : "",
                           (int)len, q);
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
        return s;
    }
    const char *now_value = arena_strdup(c->a, buf_cstr(&value));
    buf_free(&value);
    if (strcmp(old, now_value) == 0) {
        reply(c, "The %s of %s is already that; nothing changed.", fi->name,
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
    audit(c, cp->id, cp->slug, append ? "brief.add" : "brief.set",
          "v%d %s: %s", b.version, fi->name, now_value);

    if (locked) {
        /* Everyone works from the brief: a change after kickoff is news. */
        const char *what = append
            ? arena_printf(c->a, "%s gained: %s", fi->label, text)
            : arena_printf(c->a, "%s is now: %s", fi->label, now_value);
        post(c, cp->id, NULL, "Brief of %s changed by %s (version %d). %s",
             cp->slug, mark_person(c, c->caller.id), b.version, what);
        dm_roles(c, cp->id, ROLE_ANY_PARTICIPANT, c->caller.id, NULL,
                 "The brief of %s changed (version %d, by %s). %s",
                 cp->slug, b.version, mark_person(c, c->caller.id), what);
        struct campaign fresh;
        if (store_campaign_get(c->st, c->a, cp->id, &fresh) == CH_OK) {
            struct buf text2 = BUF_INIT;
            brief_render(c, &fresh, &b, &text2);
            for (size_t i = 0; i < c->core->nadapters; i++) {
                const char *pf = adapter_name(c->core->adapters[i]);
                struct channel_row ch;
                if (store_channel_get(c->st, c->a, cp->id, pf, &ch) == CH_OK &&
                    ch.brief_msg)
                    queue_update(c, pf, ch.brief_msg,
                                 arena_strdup(c->a, buf_cstr(&text2)));
            }
            buf_free(&text2);
        }
    }
    reply(c, "Brief of %s, version %d: %s %s.%s", cp->slug, b.version,
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

enum ch_status
cmd_kickoff(struct ctx *c)
{
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    if (cp->state != CAMPAIGN_DRAFT)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s was kicked off on %s; its brief (version %d) is "
                       "locked", cp->slug,
                       time_for_caller(c, cp->kicked_off_at),
                       cp->brief_version);
    struct brief b;
    if (brief_current(c, cp, &b) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "the brief of %s is missing",
                       cp->slug);
    struct buf missing = BUF_INIT;
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        if (brief_fields[i].required && (!b.field[i] || !*b.field[i]))
            buf_printf(&missing, "%s%s", missing.len ? ", " : "",
                       brief_fields[i].name);
    if (missing.len) {
        ch_fail(&c->err, CH_CONFLICT,
                "kickoff needs a complete brief: set %s first (brief %s set "
                "<field> <text>)", buf_cstr(&missing), cp->slug);
        buf_free(&missing);
        return CH_CONFLICT;
    }
    buf_free(&missing);

    enum ch_status s = store_campaign_kickoff(c->st, cp->id, c->now);
    if (s == CH_OK)
        s = store_brief_lock(c->st, cp->id, b.version, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not kick off %s", cp->slug);
    struct campaign live;
    if (store_campaign_get(c->st, c->a, cp->id, &live) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "%s vanished", cp->slug);

    struct buf text = BUF_INIT;
    brief_render(c, &live, &b, &text);
    struct pending *p = post(c, cp->id, NULL, "Kickoff! %s",
                             buf_cstr(&text));
    p->pin = true;
    p->mark = MARK_BRIEF;
    buf_reset(&text);
    campaign_status_text(c, &live, NULL, &text);
    p = post(c, cp->id, NULL, "Status: %s", buf_cstr(&text));
    p->pin = true;
    p->mark = MARK_STATUS;
    buf_free(&text);
    const char *summary = b.field[BRIEF_CORE_MESSAGE];
    queue_simple(c, OUT_TOPIC, cp->id, 0,
                 arena_printf(c->a, "%.240s", summary));

    struct participant *ps;
    size_t np;
    store_participant_list(c->st, c->a, cp->id, ROLE_ANY_PARTICIPANT, &ps, &np);
    bool has_brand = false;
    for (size_t i = 0; i < np; i++) {
        has_brand |= ps[i].role == ROLE_BRAND;
        dm(c, ps[i].person_id, NULL,
           "%s has kicked off. You are %s. The brief (version %d) is pinned "
           "in %s; read it before you start.", cp->slug,
           role_name(ps[i].role), b.version, mark_channel(c, cp->id));
    }
    audit(c, cp->id, cp->slug, "campaign.kickoff", "brief v%d locked",
          b.version);
    reply(c, "%s is active. Brief version %d is locked, posted and pinned; "
          "%zu participant%s told.", cp->slug, b.version, np,
          np == 1 ? " was" : "s were");
    if (!has_brand)
        reply(c, "Note: nobody has the brand role yet, and final approvals "
              "need one: add %s <person> role:brand.", cp->slug);
    return CH_OK;
}

static bool
last_coordinator(struct ctx *c, int64_t campaign_id, int64_t person_id)
{
    struct participant *ps;
    size_t n;
    store_participant_list(c->st, c->a, campaign_id, ROLE_COORDINATOR, &ps, &n);
    return n == 1 && ps[0].person_id == person_id;
}

enum ch_status
cmd_add(struct ctx *c)
{
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    struct person *who = arg_get(c, "person")->person;
    unsigned role = 0;
    role_parse(arg_text(c, "role"), &role);
    const char *tier = arg_text(c, "tier");
    const char *tz = arg_text(c, "tz");
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    if (tier && role != ROLE_CREATOR)
        return ch_fail(&c->err, CH_INVALID,
                       "tier: is for creators (core or flex), not for the "
                       "%s role", role_name(role));
    if (role == ROLE_CREATOR && !tier)
        tier = "core";

    char *old_tier = NULL;
    unsigned old = store_participant_role_in(c->st, cp->id, who->id, &old_tier, c->a);
    if (old && old != role && old == ROLE_COORDINATOR &&
        last_coordinator(c, cp->id, who->id))
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is the only coordinator of %s: add another "
                       "coordinator first", who->name, cp->slug);
    bool same = old == role && ((!tier && !old_tier) ||
                                (tier && old_tier && !strcmp(tier, old_tier)));
    if (tz) {
        enum ch_status s = store_people_set_tz(c->st, who->id, tz,
                                             who->id == c->caller.id
                                                 ? "self" : "coordinator");
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not set the time zone");
    }
    if (same) {
        reply(c, "%s is already %s of %s%s.", mark_person(c, who->id),
              role_name(role), cp->slug,
              tz ? arena_printf(c->a, "; time zone set to %s", tz) : "");
        if (tz)
            audit(c, cp->id, cp->slug, "person.tz", "%s: %s", who->name, tz);
        return CH_OK;
    }
    enum ch_status s = store_participant_put(c->st, cp->id, who->id, role, tier,
                                           c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not add %s", who->name);
    const char *as = tier ? arena_printf(c->a, "%s (%s)", role_name(role), tier)
                          : role_name(role);
    if (!old)
        queue_simple(c, OUT_INVITE, cp->id, who->id, NULL);
    post(c, cp->id, NULL, "%s %s %s.", mark_person(c, who->id),
         old ? "is now" : "joined as", as);
    if (who->id != c->caller.id)
        dm(c, who->id, NULL, "%s %s you %s %s (brand %s) as %s.",
           mark_person(c, c->caller.id), old ? "made" : "added",
           old ? "in" : "to", cp->slug, cp->brand, as);
    audit(c, cp->id, cp->slug, old ? "participant.role" : "participant.add",
          "%s as %s%s%s", who->name, as, tz ? ", tz " : "", tz ? tz : "");
    campaign_refresh_status(c, cp);
    reply(c, "%s %s %s of %s%s.", mark_person(c, who->id),
          old ? "is now" : "added as", as, cp->slug,
          tz ? arena_printf(c->a, " (time zone %s)", tz) : "");
    return CH_OK;
}

enum ch_status
cmd_remove(struct ctx *c)
{
    const struct campaign *cp = arg_get(c, "slug")->campaign;
    struct person *who = arg_get(c, "person")->person;
    unsigned role = store_participant_role_in(c->st, cp->id, who->id, NULL, c->a);
    if (!role)
        return ch_fail(&c->err, CH_NOT_FOUND, "%s is not part of %s",
                       who->name, cp->slug);
    if (role == ROLE_COORDINATOR && last_coordinator(c, cp->id, who->id))
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is the only coordinator of %s: add another "
                       "coordinator first", who->name, cp->slug);
    enum ch_status s = store_participant_remove(c->st, cp->id, who->id, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not remove %s", who->name);
    struct deliverable *ds;
    size_t nd;
    store_deliverable_list(c->st, c->a, cp->id, who->id, &ds, &nd);
    struct buf open = BUF_INIT;
    for (size_t i = 0; i < nd; i++)
        if (deliverable_state_open(ds[i].state))
            buf_printf(&open, "%s#%d", open.len ? ", " : "", ds[i].number);
    post(c, cp->id, NULL, "%s left %s.", mark_person(c, who->id), cp->slug);
    if (who->id != c->caller.id)
        dm(c, who->id, NULL, "%s removed you from %s.",
           mark_person(c, c->caller.id), cp->slug);
    audit(c, cp->id, cp->slug, "participant.remove", "%s (was %s)", who->name,
          role_name(role));
    campaign_refresh_status(c, cp);
    reply(c, "Removed %s from %s.", mark_person(c, who->id), cp->slug);
    if (open.len)
        reply(c, "They still had open deliverables: %s. Cancel them "
              "(deliverable %s#N cancel <reason>) or add a new deliverable "
              "for someone else.", buf_cstr(&open), cp->slug);
    buf_free(&open);
    return CH_OK;
}
