/* conflicts, conflicts dismiss, brand: the conflict alerts of conflict.c
 * and the brand facts they rest on. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "conflict.h"
#include "core_internal.h"
#include "str.h"
#include "utf8.h"
#include "value.h"

#define LIST_MAX 50

static enum ch_status
brand_named(struct ctx *c, const char *name, struct brand *b)
{
    if (store_brand_by_name(c->st, c->a, name, b) == CH_OK)
        return CH_OK;
    return ch_fail(&c->err, CH_NOT_FOUND,
                   "there is no brand \"%.60s\": a brand comes with its "
                   "first campaign (new <slug> brand:<name>) or from the "
                   "configuration", name);
}

/* What a brand's missing category means for its conflicts. */
static void
reply_no_category(struct ctx *c, const struct brand *b)
{
    if (b->category == NULL)
        ctx_reply(c, "%s has no category, so double bookings of its "
                  "creators cannot be checked; a coordinator sets one with "
                  "brand \"%s\" category:<category>.", b->name, b->name);
}

enum ch_status
cmd_conflict_list(struct ctx *c)
{
    const char *name = command_arg_text(c, "brand");
    struct brand b = { 0 };
    if (name && brand_named(c, name, &b) != CH_OK)
        return c->err.status;
    struct conflict *ks;
    size_t n;
    if (store_conflict_list_open(c->st, c->a, b.id, 10000, &ks, &n) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "could not read the conflicts");
    /* An admin sees every one; anyone else those of their campaigns. */
    size_t shown = 0, mine = 0;
    struct buf lines = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (!c->caller_admin && !conflict_involves(c, &ks[i], c->caller.id))
            continue;
        if (++mine > LIST_MAX)
            continue;
        shown++;
        buf_printf(&lines, "\n  %s", conflict_line(c, &ks[i], &c->caller));
    }
    const char *where = name ? arena_printf(c->a, " for %s", b.name)
                             : c->caller_admin ? "" : " in your campaigns";
    if (mine == 0)
        ctx_reply(c, "No open conflicts%s.", where);
    else
        ctx_reply(c, "Open conflicts%s (%zu):%s%s", where, mine,
                  buf_cstr(&lines),
                  mine > shown
                      ? arena_printf(c->a, "\n  ... and %zu more.",
                                     mine - shown)
                      : "");
    buf_free(&lines);
    if (mine)
        ctx_reply(c, "Dismiss one with conflicts dismiss C<N> <reason>.");
    int64_t dismissed = store_conflict_count_dismissed(c->st, b.id);
    if (dismissed && c->caller_admin)
        ctx_reply(c, "%lld dismissed conflict%s still hold%s (not listed).",
                  (long long)dismissed, dismissed == 1 ? "" : "s",
                  dismissed == 1 ? "s" : "");
    if (name)
        reply_no_category(c, &b);
    return CH_OK;
}

enum ch_status
cmd_conflict_dismiss(struct ctx *c)
{
    const char *id = command_arg_text(c, "id");
    const char *reason = command_arg_text(c, "reason");
    const char *p = (id[0] == 'C' || id[0] == 'c') ? id + 1 : id;
    char *end;
    long long n = strtoll(p, &end, 10);
    if (p == id || *end || end == p || n < 1)
        return ch_fail(&c->err, CH_INVALID,
                       "\"%.40s\" is not a conflict id (they look like C7; "
                       "conflicts lists them)", id);
    struct conflict k;
    if (store_conflict_get(c->st, c->a, n, &k) != CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND, "there is no conflict C%lld "
                       "(conflicts lists the open ones)", n);
    if (!c->caller_admin && !conflict_involves(c, &k, c->caller.id))
        return ch_fail(&c->err, CH_DENIED,
                       "conflicts dismiss: C%lld is about campaigns you "
                       "coordinate or lead none of; a coordinator or brand "
                       "lead of one of them, or an admin, may dismiss it", n);
    if (k.state == CONFLICT_DISMISSED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "C%lld was already dismissed by %s at %s: %s", n,
                       ctx_mark_person(c, k.dismissed_by),
                       ctx_time_for_caller(c, k.dismissed_at),
                       k.dismiss_reason ? k.dismiss_reason : "");
    if (k.state == CONFLICT_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "C%lld is over already: it closed itself at %s (%s)",
                       n, ctx_time_for_caller(c, k.closed_at),
                       k.closed_why ? k.closed_why : "");
    enum ch_status s = conflict_dismiss(c, &k, reason);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not dismiss C%lld", n);
    ctx_reply(c, "Dismissed C%lld (%s, %s): %s. It stays quiet while it "
              "holds; if its cause goes away and comes back, it is a new "
              "conflict.", n, conflict_kinds[k.kind],
              conflict_brands(c, &k, &c->caller),
              reason);
    return CH_OK;
}

enum ch_status
cmd_conflict_brand(struct ctx *c)
{
    struct brand b;
    if (brand_named(c, command_arg_text(c, "brand"), &b) != CH_OK)
        return c->err.status;
    ctx_reply(c, "%s: category %s; exclusive: %s (%s).", b.name,
              b.category ? b.category : "none",
              b.exclusive ? b.exclusive : "none",
              b.set_at != INT64_MIN
                  ? arena_printf(c->a, "set by %s at %s",
                                 ctx_mark_person(c, b.set_by),
                                 ctx_time_for_caller(c, b.set_at))
                  : "from the configuration");
    reply_no_category(c, &b);
    return CH_OK;
}

enum ch_status
cmd_conflict_brand_set(struct ctx *c)
{
    struct brand b;
    if (brand_named(c, command_arg_text(c, "brand"), &b) != CH_OK)
        return c->err.status;
    /* Coordinators of this brand's campaigns, not of any brand's. */
    unsigned roles = store_participant_roles_in_brand(c->st, b.id,
                                                      c->caller.id);
    if (!c->caller_admin &&
        !perm_allows(&c->set->perms, ACT_BRAND, roles))
        return ch_fail(&c->err, CH_DENIED,
                       "brand: only an admin or a coordinator of a %s "
                       "campaign may set its category", b.name);
    const char *cat = command_arg_text(c, "category");
    const char *excl = command_arg_text(c, "exclusive");
    if (strcmp(cat, "none") == 0)
        cat = NULL;
    if (excl && strcmp(excl, "none") == 0) {
        excl = "";
    } else if (excl) {
        struct buf list = BUF_INIT;
        struct ch_error e;
        enum ch_status s = value_categories(excl, &list, &e);
        excl = arena_strdup(c->a, buf_cstr(&list));
        buf_free(&list);
        if (s != CH_OK)
            return ch_fail(&c->err, s, "exclusive: %s (separate categories "
                           "with ;)", e.user);
    }
    const char *keep = excl ? (*excl ? excl : NULL) : b.exclusive;
    bool same = (cat ? b.category && strcmp(cat, b.category) == 0
                     : b.category == NULL) &&
                (keep ? b.exclusive && strcmp(keep, b.exclusive) == 0
                      : b.exclusive == NULL);
    if (same) {
        ctx_reply(c, "%s already has category %s and exclusive %s; nothing "
                  "changed.", b.name, cat ? cat : "none",
                  keep ? keep : "none");
        return CH_OK;
    }
    enum ch_status s = store_brand_set(c->st, b.id, cat, keep, c->caller.id,
                                       c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not change %s", b.name);
    ctx_audit(c, 0, b.name, "brand.set", "category %s, exclusive %s",
              cat ? cat : "none", keep ? keep : "none");
    ctx_reply(c, "%s: category %s, exclusive %s (was %s, %s). Its creators' "
              "bookings are checked again.", b.name, cat ? cat : "none",
              keep ? keep : "none", b.category ? b.category : "none",
              b.exclusive ? b.exclusive : "none");
    conflict_follow_brand(c, b.id);
    return CH_OK;
}
