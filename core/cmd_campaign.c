/* new, kickoff, add, remove: campaigns and their people. */
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "core_internal.h"
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

    struct campaign cp = {
        .slug = (char *)slug,
        .title = (char *)command_arg_text(c, "title"),
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
                  "%s is a new brand: give it a category in the configuration "
                  "(brand \"%s\" category ...) so conflicts can be checked.",
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
    if (tier && role != ROLE_CREATOR)
        return ch_fail(&c->err, CH_INVALID,
                       "tier: is for creators (core or flex), not for the "
                       "%s role",
                       model_role_name(role));
    if (role == ROLE_CREATOR && !tier)
        tier = "core";

    char *old_tier = NULL;
    unsigned old =
        store_participant_role_in(c->st, cp->id, who->id, &old_tier, c->a);
    if (old && old != role && old == ROLE_COORDINATOR &&
        last_coordinator(c, cp->id, who->id))
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is the only coordinator of %s: add another "
                       "coordinator first", who->name, cp->slug);
    bool same = old == role && ((!tier && !old_tier) ||
                                (tier && old_tier && !strcmp(tier, old_tier)));
    if (tz) {
        enum ch_status s = store_people_set_tz(
            c->st, who->id, tz,
            who->id == c->caller.id ? "self" : "coordinator");
        if (s != CH_OK)
            return ch_fail(&c->err, s, "could not set the time zone");
    }
    if (same) {
        ctx_reply(c, "%s is already %s of %s%s.", ctx_mark_person(c, who->id),
                  model_role_name(role), cp->slug,
                  tz ? arena_printf(c->a, "; time zone set to %s", tz) : "");
        if (tz)
            ctx_audit(c, cp->id, cp->slug, "person.tz", "%s: %s", who->name,
                      tz);
        return CH_OK;
    }
    enum ch_status s =
        store_participant_put(c->st, cp->id, who->id, role, tier, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not add %s", who->name);
    const char *as =
        tier ? arena_printf(c->a, "%s (%s)", model_role_name(role), tier)
             : model_role_name(role);
    if (!old)
        ctx_queue(c, OUT_INVITE, cp->id, who->id, NULL);
    ctx_post(c, cp->id, NULL, "%s %s %s.", ctx_mark_person(c, who->id),
             old ? "is now" : "joined as", as);
    if (who->id != c->caller.id && old)
        ctx_dm(c, who->id, NULL, "%s made you %s in %s (brand %s).",
               ctx_mark_person(c, c->caller.id), as, cp->slug, cp->brand);
    else if (who->id != c->caller.id)
        ctx_dm(c, who->id, NULL, "%s added you to %s (brand %s) as %s.",
               ctx_mark_person(c, c->caller.id), cp->slug, cp->brand, as);
    ctx_audit(c, cp->id, cp->slug, old ? "participant.role" : "participant.add",
              "%s as %s%s%s", who->name, as, tz ? ", tz " : "", tz ? tz : "");
    campaign_refresh_status(c, cp);
    ctx_reply(c, "%s %s %s of %s%s.", ctx_mark_person(c, who->id),
              old ? "is now" : "added as", as, cp->slug,
              tz ? arena_printf(c->a, " (time zone %s)", tz) : "");
    return CH_OK;
}

enum ch_status
cmd_campaign_remove(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct person *who = command_arg(c, "person")->person;
    unsigned role =
        store_participant_role_in(c->st, cp->id, who->id, NULL, c->a);
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
        if (model_deliverable_open(ds[i].state))
            buf_printf(&open, "%s#%d", open.len ? ", " : "", ds[i].number);
    ctx_post(c, cp->id, NULL, "%s left %s.", ctx_mark_person(c, who->id),
             cp->slug);
    if (who->id != c->caller.id)
        ctx_dm(c, who->id, NULL, "%s removed you from %s.",
               ctx_mark_person(c, c->caller.id), cp->slug);
    ctx_audit(c, cp->id, cp->slug, "participant.remove", "%s (was %s)",
              who->name, model_role_name(role));
    campaign_refresh_status(c, cp);
    ctx_reply(c, "Removed %s from %s.", ctx_mark_person(c, who->id), cp->slug);
    if (open.len)
        ctx_reply(c,
                  "They still had open deliverables: %s. Cancel them "
                  "(deliverable %s#N cancel <reason>) or add a new deliverable "
                  "for someone else.",
                  buf_cstr(&open), cp->slug);
    buf_free(&open);
    return CH_OK;
}
