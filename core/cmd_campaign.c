/* new, kickoff, add, remove: campaigns and their people. */
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "conflict.h"
#include "core_internal.h"
#include "escalation.h"
#include "lifecycle.h"
#include "standup.h"
#include "nudge.h"
#include "rhythm.h"
#include "utf8.h"
#include "when.h"

enum ch_status
cmd_campaign_new(struct ctx *c)
{
    const char *slug = command_arg_text(c, "slug");
    const char *brand_name = command_arg_text(c, "brand");
    const char *agency_name = command_arg_text(c, "agency");
    const struct arg *from = command_arg(c, "from");
    const struct arg *to = command_arg(c, "to");
    const struct arg *need = command_arg(c, "need");

    /* The window is the dates named, in the creator's zone: the
     * campaign's from now on, whoever reads it. */
    struct campaign cp = {
        .slug = (char *)slug,
        .title = (char *)command_arg_text(c, "title"),
        .zone = (char *)c->caller_zone,
        .from_day = from ? when_local_date(c->caller_zone, from->num) : 0,
        .to_day = to ? when_local_date(c->caller_zone, to->num) : 0,
        .need = need ? (int)need->num : 0,
        .review_mode = c->set->review_mode,
        .created_at = c->now,
    };
    if (from && to && cp.to_day < cp.from_day)
        return ch_fail(&c->err, CH_INVALID,
                       "to: %s is not after from: %s", to->raw, from->raw);

    struct brand b;
    bool new_brand = store_brand_by_name(c->st, c->a, brand_name, &b) != CH_OK;
    enum ch_status s = new_brand ? store_brand_put(c->st, brand_name, NULL,
                                                   NULL, c->now, &cp.brand_id)
                                 : CH_OK;
    if (!new_brand)
        cp.brand_id = b.id;
    bool new_agency = false;
    if (s == CH_OK && agency_name)
        s = store_agency_get_or_create(c->st, agency_name, c->now,
                                       &cp.agency_id, &new_agency);
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

    ctx_queue(c, OUT_CREATE_CHANNEL, id, 0, NULL);
    ctx_queue(c, OUT_TOPIC, id, 0,
              arena_printf(c->a, "%s for %s — brief in draft",
                           cp.title ? cp.title : slug, brand_name));
    ctx_queue(c, OUT_INVITE, id, c->caller.id, NULL);
    ctx_post(c, id, NULL,
             "Campaign %s for %s created by %s. The brief is a draft until "
             "kickoff.",
             slug, brand_name, ctx_mark_person(c, c->caller.id));
    ctx_audit(c, id, slug, "campaign.create", "brand %s%s%s", brand_name,
              agency_name ? ", agency " : "", agency_name ? agency_name : "");

    ctx_reply(c, "Created %s for %s%s%s (draft). You are its coordinator.",
              slug, brand_name, agency_name ? " with " : "",
              agency_name ? agency_name : "");
    if (new_brand)
        ctx_reply(c,
                  "%s is a new brand: give it a category (brand \"%s\" "
                  "category:<category>) so double bookings can be checked.",
                  brand_name, brand_name);
    ctx_reply(c,
              "Next: brief %s set story <text>, add %s <person> role:creator, "
              "deliverable %s ..., then kickoff %s.",
              slug, slug, slug, slug);
    return CH_OK;
}

enum ch_status
cmd_campaign_kickoff(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    if (cp->state != CAMPAIGN_DRAFT)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s was kicked off on %s; its brief (version %d) is "
                       "locked",
                       cp->slug, ctx_time_for_caller(c, cp->kicked_off_at),
                       cp->brief_version);
    struct brief b;
    if (brief_current(c, cp, &b) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "the brief of %s is missing",
                       cp->slug);
    struct buf missing = BUF_INIT;
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        if (model_brief_fields[i].required && (!b.field[i] || !*b.field[i]))
            buf_printf(&missing, "%s%s", missing.len ? ", " : "",
                       model_brief_fields[i].name);
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
    struct pending *p =
        ctx_post(c, cp->id, NULL, "Kickoff! %s", buf_cstr(&text));
    p->pin = true;
    p->mark = MARK_BRIEF;
    buf_reset(&text);
    campaign_status_text(c, &live, NULL, &text);
    p = ctx_post(c, cp->id, NULL, "Status: %s", buf_cstr(&text));
    p->pin = true;
    p->mark = MARK_STATUS;
    buf_free(&text);
    s = lifecycle_plan(c, &live);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not plan the wrap of %s", cp->slug);
    const char *summary = b.field[BRIEF_CORE_MESSAGE];
    ctx_queue(c, OUT_TOPIC, cp->id, 0, arena_printf(c->a, "%.240s", summary));

    struct participant *ps;
    size_t np;
    store_participant_list(c->st, c->a, cp->id, ROLE_ANY_PARTICIPANT, &ps, &np);
    bool has_brand = false;
    for (size_t i = 0; i < np; i++) {
        has_brand |= ps[i].role == ROLE_BRAND;
        ctx_dm(
            c, ps[i].person_id, NULL,
            "%s has kicked off. You are %s. The brief (version %d) is pinned "
            "in %s; read it before you start.",
            cp->slug, model_role_name(ps[i].role), b.version,
            ctx_mark_channel(c, cp->id));
    }
    ctx_audit(c, cp->id, cp->slug, "campaign.kickoff", "brief v%d locked",
              b.version);
    ctx_reply(c,
              "%s is active. Brief version %d is locked, posted and pinned; "
              "%zu participant%s told.",
              cp->slug, b.version, np, np == 1 ? " was" : "s were");
    if (!has_brand)
        ctx_reply(c,
                  "Note: nobody has the brand role yet, and final approvals "
                  "need one: add %s <person> role:brand.",
                  cp->slug);
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

/* "a creator", "an agency" */
static const char *
a_role(struct ctx *c, unsigned role)
{
    const char *name = model_role_name(role);
    return arena_printf(c->a, "%s %s", name[0] == 'a' ? "an" : "a", name);
}

/* What the caller holds for granting roles in cp: their role there, admin,
 * and the brand role when they lead the campaign's brand anywhere. */
static unsigned
grant_power(struct ctx *c, const struct campaign *cp)
{
    unsigned have = c->cmd->roles;
    if (c->has_caller &&
        store_participant_brand_lead(c->st, cp->brand_id, c->caller.id))
        have |= ROLE_BRAND;
    return have;
}

/* Refuse (CH_DENIED) unless the caller may grant or take away `role`. */
static enum ch_status
check_grant(struct ctx *c, const struct campaign *cp, unsigned role,
            const char *doing)
{
    unsigned need = people_grant_needs(grant_power(c, cp), role);
    if (!need)
        return CH_OK;
    char who[96], have[64];
    model_role_describe(need, who, sizeof(who));
    model_role_held(c->cmd->roles, have, sizeof(have));
    return ch_fail(&c->err, CH_DENIED,
                   "%s the %s role in %s needs the role %s (nobody grants a "
                   "role above their own); you are %s there",
                   doing, model_role_name(role), cp->slug, who,
                   c->cmd->roles ? have : "not part of it");
}

/* The open deliverables of a creator in a campaign: planned, in review,
 * or approved and not yet published. */
static size_t
open_work(struct ctx *c, const struct campaign *cp, int64_t creator_id,
          struct deliverable **out)
{
    struct deliverable *ds;
    size_t nd, n = 0;
    store_deliverable_list(c->st, c->a, cp->id, creator_id, &ds, &nd);
    for (size_t i = 0; i < nd; i++)
        if (model_deliverable_open(ds[i].state) ||
            ds[i].state == DELIV_APPROVED)
            ds[n++] = ds[i];
    *out = ds;
    return n;
}

/* "#1 "Reel" (planned, draft due Tue 8 Dec 18:00)" for a reader. */
static const char *
work_line(struct ctx *c, const struct deliverable *d,
          const struct person *reader)
{
    const char *due =
        d->state == DELIV_APPROVED
            ? arena_printf(c->a, "publish %s",
                           ctx_time_for(c, reader, d->publish_at))
            : arena_printf(c->a, "draft due %s, publish %s",
                           ctx_time_for(c, reader, d->draft_due),
                           ctx_time_for(c, reader, d->publish_at));
    return arena_printf(c->a, "#%d \"%s\" (%s, %s)", d->number, d->title,
                        campaign_deliv_words(d), due);
}

static const char *
refs_of(struct ctx *c, const struct deliverable *ds, size_t n)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s#%d", i ? ", " : "", ds[i].number);
    const char *out = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

/* A zone people set themselves is theirs: add's tz: leaves it (and its
 * source).  What to tell the caller when tz: asked for another, or NULL;
 * *tz becomes NULL whenever the zone stays. */
static const char *
own_zone_kept(struct ctx *c, const struct person *who, const char **tz)
{
    if (*tz == NULL || who->tz == NULL || who->tz_source == NULL ||
        strcmp(who->tz_source, "self") != 0)
        return NULL;
    bool same = strcmp(who->tz, *tz) == 0;
    *tz = NULL;
    if (same)
        return NULL;
    return arena_printf(c->a, "Kept %s's own time zone %s: they set it "
                        "themselves (tz %s <zone> sets it for them).",
                        ctx_mark_person(c, who->id), who->tz, who->name);
}

/* add on someone already in the campaign: the same role is news to
 * nobody; another role is a change the caller must be allowed to make. */
static enum ch_status
change_member(struct ctx *c, const struct campaign *cp,
              const struct person *who, unsigned old, const char *old_tier,
              unsigned role, const char *tier, const char *tz)
{
    const char *mark = ctx_mark_person(c, who->id);
    bool tier_change = role == ROLE_CREATOR && old == role && tier &&
                       (!old_tier || strcmp(tier, old_tier) != 0);
    if (old == role && !tier_change) {
        if (tz) {
            enum ch_status s =
                store_people_set_tz(c->st, who->id, tz, "coordinator");
            if (s != CH_OK)
                return ch_fail(&c->err, s, "could not set the time zone");
            ctx_audit(c, cp->id, cp->slug, "person.tz", "%s: %s", who->name,
                      tz);
        }
        ctx_reply(c, "%s is already %s of %s; nothing changed%s.", mark,
                  a_role(c, role), cp->slug,
                  tz ? arena_printf(c->a, " but the time zone, now %s", tz)
                     : "");
        return CH_OK;
    }
    enum ch_status s = check_grant(c, cp, old, "taking away");
    if (s != CH_OK)
        return s;
    if (old == ROLE_COORDINATOR && last_coordinator(c, cp->id, who->id))
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is the only coordinator of %s: add another "
                       "coordinator first", who->name, cp->slug);
    struct deliverable *ds;
    size_t n = old == ROLE_CREATOR && role != ROLE_CREATOR
                   ? open_work(c, cp, who->id, &ds) : 0;
    if (n)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s still has open deliverables in %s (%s): hand them "
                       "on first (remove %s %s reassign:<creator>, or "
                       "cancel)", who->name, cp->slug, refs_of(c, ds, n),
                       cp->slug, who->name);
    if (tz && (s = store_people_set_tz(c->st, who->id, tz, "coordinator")) !=
                  CH_OK)
        return ch_fail(&c->err, s, "could not set the time zone");
    s = store_participant_put(c->st, cp->id, who->id, role, tier, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not change %s's role", who->name);
    conflict_follow_person(c, who->id);
    const char *what, *said;
    if (tier_change) {
        what = arena_printf(c->a, "tier in %s from %s to %s", cp->slug,
                            old_tier ? old_tier : "none", tier);
        said = arena_printf(c->a, "creator tier: %s → %s",
                            old_tier ? old_tier : "none", tier);
    } else {
        what = arena_printf(c->a, "role in %s from %s to %s", cp->slug,
                            model_role_name(old), model_role_name(role));
        said = arena_printf(c->a, "%s → %s", model_role_name(old),
                            model_role_name(role));
    }
    ctx_post(c, cp->id, NULL, "%s changed %s's %s.",
             ctx_mark_person(c, c->caller.id), mark, what);
    ctx_dm(c, who->id, NULL, "%s changed your %s.",
           ctx_mark_person(c, c->caller.id), what);
    ctx_audit(c, cp->id, cp->slug, "participant.role", "%s: %s%s%s",
              who->name, said, tz ? ", tz " : "", tz ? tz : "");
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Changed %s's %s%s. They were told.", mark, what,
              tz ? arena_printf(c->a, " (time zone %s)", tz) : "");
    return CH_OK;
}

enum ch_status
cmd_campaign_add(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct person *who = command_arg(c, "person")->person;
    unsigned role = 0;
    model_role_parse(command_arg_text(c, "role"), &role);
    const char *tier = command_arg_text(c, "tier");
    const char *tz = command_arg_text(c, "tz");
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is closed", cp->slug);
    /* The brand's side may bring in more of the brand; everything else
     * is the managers' (the command lets both through). */
    if (role != ROLE_BRAND &&
        !perm_allows(&c->set->perms, ACT_MANAGE, c->cmd->roles)) {
        char need[96], have[64];
        command_roles_needed(c, ACTS(ACT_MANAGE), need, sizeof(need));
        model_role_held(c->cmd->roles, have, sizeof(have));
        return ch_fail(&c->err, CH_DENIED,
                       "add needs the role %s in %s; you are %s%s (the "
                       "brand may add only brand leads)",
                       need, cp->slug, c->cmd->roles ? have : "not part of it",
                       c->cmd->roles ? " there" : "");
    }
    if (c->has_caller && who->id == c->caller.id)
        return ch_fail(&c->err, CH_DENIED,
                       "nobody changes their own roles: someone else who "
                       "may grant %s role in %s must add you",
                       a_role(c, role), cp->slug);
    if (tier && role != ROLE_CREATOR)
        return ch_fail(&c->err, CH_INVALID,
                       "tier: is for creators (core or flex), not for the "
                       "%s role",
                       model_role_name(role));
    enum ch_status s = check_grant(c, cp, role, "granting");
    if (s != CH_OK)
        return s;

    char *old_tier = NULL;
    unsigned old =
        store_participant_role_in(c->st, cp->id, who->id, &old_tier, c->a);
    if (role == ROLE_CREATOR && !tier)
        tier = old == ROLE_CREATOR && old_tier ? old_tier : "core";
    const char *kept = own_zone_kept(c, who, &tz);
    if (old) {
        s = change_member(c, cp, who, old, old_tier, role, tier, tz);
        if (s == CH_OK)
            rhythm_plan(c, cp->id);   /* a reviewer now, or no more */
        if (s == CH_OK && kept)
            ctx_reply(c, "%s", kept);
        return s;
    }

    if (tz) {
        s = store_people_set_tz(c->st, who->id, tz, "coordinator");
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not set the time zone");
    }
    s = store_participant_put(c->st, cp->id, who->id, role, tier, c->now);
    /* A creator in an earlier zone opens the next standup round sooner. */
    if (s == CH_OK && role == ROLE_CREATOR)
        s = standup_plan(c, cp->id);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not add %s", who->name);
    conflict_follow_person(c, who->id);
    const char *as =
        tier ? arena_printf(c->a, "%s (%s)", model_role_name(role), tier)
             : model_role_name(role);
    ctx_queue(c, OUT_INVITE, cp->id, who->id, NULL);
    ctx_post(c, cp->id, NULL, "%s joined as %s.", ctx_mark_person(c, who->id),
             as);
    ctx_dm(c, who->id, NULL, "%s added you to %s (brand %s) as %s.",
           ctx_mark_person(c, c->caller.id), cp->slug, cp->brand, as);
    ctx_audit(c, cp->id, cp->slug, "participant.add", "%s as %s%s%s",
              who->name, as, tz ? ", tz " : "", tz ? tz : "");
    /* A new reviewer's feedback-day reminder may come before the others'. */
    rhythm_plan(c, cp->id);
    campaign_refresh_status(c, cp);
    ctx_reply(c, "%s added as %s of %s%s.", ctx_mark_person(c, who->id), as,
              cp->slug,
              tz ? arena_printf(c->a, " (time zone %s)", tz) : "");
    if (kept)
        ctx_reply(c, "%s", kept);
    return CH_OK;
}

/* The open work of someone leaving goes to another creator. */
static void
hand_over(struct ctx *c, const struct campaign *cp, const struct person *from,
          const struct person *to, struct deliverable *ds, size_t n)
{
    struct buf lines = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        struct deliverable *d = &ds[i];
        if (store_deliverable_set_creator(c->st, d->id, to->id, c->now) !=
            CH_OK)
            continue;
        d->creator_id = to->id;
        /* What chorus raised about the leaver's lateness is not the new
         * creator's to answer for: it closes. */
        escalation_clear_deliverable(
            c, d, arena_printf(c->a, "it was handed to %s", to->name));
        nudge_plan_deliverable(c, d);
        ctx_audit(c, cp->id, campaign_deliv_ref(c, d), "deliverable.reassign",
                  "from %s to %s (%s left %s)", from->name, to->name,
                  from->name, cp->slug);
        buf_printf(&lines, "\n  %s", work_line(c, d, to));
    }
    ctx_dm(c, to->id, NULL,
           "%s handed you %s's open work in %s (brand %s); it is yours now:%s",
           ctx_mark_person(c, c->caller.id), from->name, cp->slug, cp->brand,
           buf_cstr(&lines));
    buf_free(&lines);
    ctx_post(c, cp->id, NULL, "%s left %s; %s now belong%s to %s.",
             ctx_mark_person(c, from->id), cp->slug, refs_of(c, ds, n),
             n == 1 ? "s" : "", ctx_mark_person(c, to->id));
}

static void
cancel_work(struct ctx *c, const struct campaign *cp,
            const struct person *from, struct deliverable *ds, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct deliverable *d = &ds[i];
        d->state = DELIV_CANCELLED;
        d->stage = STAGE_NONE;
        if (store_deliverable_update(c->st, d, c->now) != CH_OK)
            continue;
        nudge_plan_deliverable(c, d);
        ctx_audit(c, cp->id, campaign_deliv_ref(c, d), "deliverable.cancel",
                  "%s left %s", from->name, cp->slug);
    }
    ctx_post(c, cp->id, NULL, "%s left %s; %s %s cancelled.",
             ctx_mark_person(c, from->id), cp->slug, refs_of(c, ds, n),
             n == 1 ? "was" : "were");
}

enum ch_status
cmd_campaign_remove(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct person *who = command_arg(c, "person")->person;
    const struct arg *ra = command_arg(c, "reassign");
    struct person *to = ra ? ra->person : NULL;
    bool cancel = command_arg(c, "cancel") != NULL;
    unsigned role =
        store_participant_role_in(c->st, cp->id, who->id, NULL, c->a);
    if (!role)
        return ch_fail(&c->err, CH_NOT_FOUND, "%s is not part of %s",
                       who->name, cp->slug);
    bool self = c->has_caller && who->id == c->caller.id;
    enum ch_status s = self ? CH_OK : check_grant(c, cp, role, "taking away");
    if (s != CH_OK)
        return s;
    if (role == ROLE_COORDINATOR && last_coordinator(c, cp->id, who->id))
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is the only coordinator of %s: add another "
                       "coordinator first", who->name, cp->slug);
    if (to && to->id == who->id)
        return ch_fail(&c->err, CH_INVALID,
                       "reassign: names %s, who is the one leaving: name "
                       "another creator of %s", who->name, cp->slug);
    if (to && store_participant_role_in(c->st, cp->id, to->id, NULL, c->a) !=
                  ROLE_CREATOR)
        return ch_fail(&c->err, CH_INVALID,
                       "reassign: needs a creator of %s, and %s is not one "
                       "(add %s %s role:creator first)",
                       cp->slug, to->name, cp->slug, to->name);

    struct deliverable *ds;
    size_t n = open_work(c, cp, who->id, &ds);
    if (n && !to && !cancel) {
        struct buf list = BUF_INIT;
        for (size_t i = 0; i < n; i++)
            buf_printf(&list, "\n  %s", work_line(c, &ds[i], &c->caller));
        ch_fail(&c->err, CH_CONFLICT,
                "%s still has %zu open deliverable%s in %s:%s\nSay what "
                "becomes of %s: remove %s %s reassign:<creator> hands %s to "
                "another creator of %s; remove %s %s cancel cancels %s.",
                who->name, n, n == 1 ? "" : "s", cp->slug, buf_cstr(&list),
                n == 1 ? "it" : "them", cp->slug, who->name,
                n == 1 ? "it" : "them", cp->slug, cp->slug, who->name,
                n == 1 ? "it" : "them");
        buf_free(&list);
        return CH_CONFLICT;
    }
    if (n && to)
        hand_over(c, cp, who, to, ds, n);
    else if (n)
        cancel_work(c, cp, who, ds, n);
    else
        ctx_post(c, cp->id, NULL, "%s left %s.", ctx_mark_person(c, who->id),
                 cp->slug);
    /* After the hand-over: nothing of this campaign waits for them. */
    s = store_participant_remove(c->st, cp->id, who->id, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not remove %s", who->name);
    conflict_follow_person(c, who->id);
    const char *fate =
        !n   ? ""
        : to ? arena_printf(c->a, " %s went to %s.", refs_of(c, ds, n),
                            ctx_mark_person(c, to->id))
             : arena_printf(c->a, " %s %s cancelled.", refs_of(c, ds, n),
                            n == 1 ? "was" : "were");
    if (!self)
        ctx_dm(c, who->id, NULL,
               "%s removed you from %s.%s Nothing more is expected of you "
               "there.",
               ctx_mark_person(c, c->caller.id), cp->slug, fate);
    ctx_audit(c, cp->id, cp->slug, "participant.remove", "%s (was %s)%s",
              who->name, model_role_name(role),
              !n ? "" : to ? arena_printf(c->a, "; work to %s", to->name)
                           : "; work cancelled");
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Removed %s from %s.%s%s", ctx_mark_person(c, who->id),
              cp->slug, fate, self ? "" : " They were told.");
    return CH_OK;
}

enum ch_status
cmd_campaign_wrap(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    if (cp->state == CAMPAIGN_DRAFT)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is a draft: kick it off before it can wrap "
                       "(kickoff %s)", cp->slug, cp->slug);
    if (cp->state != CAMPAIGN_ACTIVE)
        return ch_fail(&c->err, CH_CONFLICT, "%s is already %s", cp->slug,
                       model_campaign_states[cp->state]);
    enum ch_status s = lifecycle_wrap(c, cp, true);
    return s == CH_OK ? s : ch_fail(&c->err, s, "could not wrap %s", cp->slug);
}

enum ch_status
cmd_campaign_close(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    if (cp->state == CAMPAIGN_CLOSED)
        return ch_fail(&c->err, CH_CONFLICT, "%s is already closed",
                       cp->slug);
    if (cp->state != CAMPAIGN_WRAPPED)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is %s: a campaign closes after it wraps (at the "
                       "end of its window, or wrap %s)",
                       cp->slug, model_campaign_states[cp->state], cp->slug);
    enum ch_status s = lifecycle_close(c, cp);
    return s == CH_OK ? s
                      : ch_fail(&c->err, s, "could not close %s", cp->slug);
}
