/*
 * core_dash: what the web dashboard shows a reader (core.h).
 *
 * Every figure and text comes from the views the commands use
 * (campaign_status_text, retro_render, conflict_describe, the scorecard),
 * read in one read transaction for a consistent page, on a ctx whose
 * caller is the reader; their markers (a person, a channel, an instant)
 * are resolved here into plain words, as a platform would.
 */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "conflict.h"
#include "core_internal.h"
#include "retro.h"
#include "sha256.h"
#include "when.h"

struct dash {
    struct ctx    c;
    struct person reader;       /* id 0: the admin */
    bool          began;
};

static void
dash_open(struct dash *d, struct core *core, const struct core_dash_reader *r)
{
    ctx_init(&d->c, core, NULL);
    d->reader = (struct person){ .id = r->person_id, .name = (char *)r->name,
                                 .tz = (char *)r->zone };
    d->c.caller = d->reader;
    d->c.has_caller = r->person_id != 0;
    d->c.caller_admin = r->person_id == 0;
    d->c.caller_zone = r->zone;
    d->began = !store_in_txn(d->c.st) && store_begin_read(d->c.st) == CH_OK;
}

static void
dash_close(struct dash *d)
{
    if (d->began)
        store_rollback(d->c.st);
    ctx_release(&d->c);
}

enum ch_status
core_dash_reader(struct core *core, const char *token, struct arena *a,
                 struct core_dash_reader *out)
{
    struct store *st = core_store(core);
    struct person p;
    char hash[65];

    memset(out, 0, sizeof(*out));
    if (token == NULL || strlen(token) != 64)
        return CH_NOT_FOUND;
    sha256_hex(token, strlen(token), hash);
    int64_t id = store_web_token_person(st, "dashboard", hash);
    if (id == 0 || store_people_get(st, a, id, &p) != CH_OK)
        return CH_NOT_FOUND;
    out->person_id = p.id;
    out->name = p.name;
    out->zone = p.tz ? p.tz : core->settings->default_tz;
    return CH_OK;
}

void
core_dash_admin(struct core *core, struct core_dash_reader *out)
{
    out->person_id = 0;
    out->name = "admin";
    out->zone = core->settings->default_tz;
}

/* The text with the core's markers resolved for the reader: a person's
 * name, a campaign's #slug, an instant in her zone. */
static const char *
plain(struct dash *d, struct arena *a, const char *in)
{
    struct buf out = BUF_INIT;

    for (const char *p = in; *p;) {
        size_t run = strcspn(p, "\001");
        buf_add(&out, p, run);
        p += run;
        if (*p == '\0')
            break;
        char *end;
        char kind = p[1];
        long long id = kind ? strtoll(p + 2, &end, 10) : 0;
        if (kind == '\0' || *end != '\002') {   /* a stray byte: dropped */
            p++;
            continue;
        }
        p = end + 1;
        if (kind == 'p') {
            struct person who;
            buf_adds(&out, store_people_get(d->c.st, d->c.a, id, &who) ==
                               CH_OK ? who.name : "someone");
        } else if (kind == 'c') {
            struct campaign cp;
            if (store_campaign_get(d->c.st, d->c.a, id, &cp) == CH_OK)
                buf_printf(&out, "#%s", cp.slug);
        } else if (kind == 't') {
            char text[64];
            when_format(id, d->c.caller_zone, d->c.now, WHEN_LONG, text,
                        sizeof(text));
            buf_adds(&out, text);
        }
    }
    const char *s = arena_strdup(a, buf_cstr(&out));
    buf_free(&out);
    return s;
}

/* A campaign's heading: window, counts, publish times. */
static void
head_fill(struct dash *d, struct arena *a, const struct campaign *cp,
          struct core_dash_campaign *h)
{
    struct store_web_dates *ds;
    size_t nd;

    memset(h, 0, sizeof(*h));
    h->slug = cp->slug;
    h->title = cp->title;
    h->brand = cp->brand;
    h->agency = cp->agency;
    h->state = model_campaign_states[cp->state];
    h->window = cp->from_day || cp->to_day
                    ? arena_strdup(a, campaign_window_text(&d->c, cp))
                    : NULL;
    h->from_ms = cp->starts_at;
    h->to_ms = cp->ends_at;
    store_web_campaign_dates(d->c.st, d->c.a, cp->id, &ds, &nd,
                             &h->escalations);
    h->publish_ms = arena_alloc(a, (nd ? nd : 1) * sizeof(*h->publish_ms));
    for (size_t j = 0; j < nd; j++) {
        enum deliverable_state s = ds[j].state;
        if (s == DELIV_CANCELLED || s == DELIV_REJECTED)
            continue;
        h->deliverables++;
        h->open += model_deliverable_open(s);
        h->done += s == DELIV_APPROVED || s == DELIV_PUBLISHED;
        if (s != DELIV_MISSED)      /* timeline's rule: no date to keep */
            h->publish_ms[h->npublish++] = ds[j].publish_at;
    }
}

/* The reader's roles in a campaign, as timeline and status read them:
 * hers in it, the brand role when she leads its brand anywhere, admin. */
static unsigned
dash_roles(struct dash *d, const struct campaign *cp)
{
    if (d->reader.id == 0)
        return ROLE_ADMIN;
    unsigned roles = store_participant_role_in(d->c.st, cp->id, d->reader.id,
                                               NULL, d->c.a);
    if (store_participant_brand_lead(d->c.st, cp->brand_id, d->reader.id))
        roles |= ROLE_BRAND;
    return roles;
}

enum ch_status
core_dash_index(struct core *core, const struct core_dash_reader *r,
                size_t page, struct arena *a, struct core_dash_index *out)
{
    struct dash d;
    int64_t *ids;
    size_t n;
    enum ch_status s;

    memset(out, 0, sizeof(*out));
    if (page == 0)
        page = 1;
    dash_open(&d, core, r);
    out->now = d.c.now;
    out->first = (page - 1) * CORE_DASH_PAGE;
    s = store_web_campaign_page(d.c.st, d.c.a, r->person_id, CORE_DASH_PAGE,
                                out->first, &ids, &n, &out->total);
    if (s == CH_OK && n == 0 && page > 1)
        s = CH_NOT_FOUND;
    out->c = arena_alloc(a, (n ? n : 1) * sizeof(*out->c));
    for (size_t i = 0; s == CH_OK && i < n; i++) {
        struct campaign cp;
        if (store_campaign_get(d.c.st, a, ids[i], &cp) != CH_OK)
            continue;
        head_fill(&d, a, &cp, &out->c[out->n++]);
    }
    dash_close(&d);
    return s;
}

enum ch_status
core_dash_campaign(struct core *core, const struct core_dash_reader *r,
                   const char *slug, struct arena *a,
                   struct core_dash_view *out)
{
    struct dash d;
    struct campaign cp;

    memset(out, 0, sizeof(*out));
    dash_open(&d, core, r);
    out->now = d.c.now;
    if (store_campaign_by_slug(d.c.st, a, slug, &cp) != CH_OK) {
        dash_close(&d);
        return CH_NOT_FOUND;
    }
    unsigned roles = dash_roles(&d, &cp);
    const struct perm_table *perms = &d.c.set->perms;
    if (!perm_allows(perms, ACT_VIEW, roles)) {
        dash_close(&d);
        return CH_NOT_FOUND;
    }
    head_fill(&d, a, &cp, &out->head);

    struct participant *ps;
    size_t np;
    store_participant_list(d.c.st, a, cp.id, ROLE_ANY_PARTICIPANT, &ps, &np);
    out->people = arena_alloc(a, (np ? np : 1) * sizeof(*out->people));
    for (size_t i = 0; i < np; i++)
        out->people[out->npeople++] = (struct core_dash_person){
            .id = ps[i].person_id, .name = ps[i].name,
            .role = model_role_name(ps[i].role) };

    struct buf text = BUF_INIT;
    campaign_status_text(&d.c, &cp, &d.reader, &text);
    out->status = plain(&d, a, buf_cstr(&text));

    /* The conflicts and the report, as `conflicts` and `report` allow. */
    out->sees_conflicts = perm_allows(perms, ACT_CONFLICTS, roles);
    struct conflict *ks;
    size_t nk;
    if (out->sees_conflicts &&
        store_conflict_of_campaign(d.c.st, d.c.a, cp.id, ~0u, &ks, &nk) ==
            CH_OK) {
        out->conflicts = arena_alloc(a, (nk ? nk : 1) *
                                            sizeof(*out->conflicts));
        for (size_t i = 0; i < nk; i++) {
            if (ks[i].state != CONFLICT_OPEN)
                continue;
            out->conflicts[out->nconflicts++] =
                plain(&d, a, conflict_line(&d.c, &ks[i], &d.reader));
        }
    }
    if (perm_allows(perms, ACT_AUDIT, roles)) {
        buf_reset(&text);
        enum ch_status s = retro_render(&d.c, &cp, &text);
        out->report = s == CH_OK ? plain(&d, a, buf_cstr(&text)) : "";
    }
    buf_free(&text);
    dash_close(&d);
    return CH_OK;
}

enum ch_status
core_dash_scorecard(struct core *core, const struct core_dash_reader *r,
                    int64_t person_id, struct arena *a, const char **name,
                    const char **text)
{
    struct dash d;
    struct person who;
    enum ch_status s = CH_NOT_FOUND;

    *name = *text = NULL;
    dash_open(&d, core, r);
    if (person_id > 0 &&
        store_people_get(d.c.st, a, person_id, &who) == CH_OK &&
        cmd_view_may_score(&d.c, &who)) {
        struct buf out = BUF_INIT;
        cmd_view_scorecard_text(&d.c, &who, &out);
        *name = who.name;
        *text = plain(&d, a, buf_cstr(&out));
        buf_free(&out);
        s = CH_OK;
    }
    dash_close(&d);
    return s;
}
