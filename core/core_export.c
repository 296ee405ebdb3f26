/* core_export: what an export link may read (core.h; export.h). */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "export.h"
#include "records.h"
#include "retro.h"
#include "sha256.h"
#include "store.h"

bool
core_export_may(struct ctx *c, int64_t person_id, bool admin,
                const struct campaign *cp)
{
    unsigned roles = store_participant_role_in(c->st, cp->id, person_id,
                                               NULL, c->a) |
                     (admin ? ROLE_ADMIN : 0);
    return perm_allows(&c->set->perms, ACT_AUDIT, roles);
}

enum ch_status
core_export_brand(struct ctx *c, int64_t brand_id, int64_t person_id,
                  bool admin, struct campaign **out, size_t *n)
{
    size_t all = 0, kept = 0;
    enum ch_status s = store_campaign_list_of_brand(c->st, c->a, brand_id,
                                                    out, &all);
    for (size_t i = 0; s == CH_OK && i < all; i++)
        if (core_export_may(c, person_id, admin, &(*out)[i]))
            (*out)[kept++] = (*out)[i];
    *n = kept;
    return s;
}

/* Whether the person is a workspace admin now: one of the settings'
 * admins is one of her identities. */
static bool
is_admin(struct ctx *c, int64_t person_id)
{
    for (size_t i = 0; i < c->set->nadmins; i++) {
        struct person p;
        if (people_of_admin(c, c->set->admins[i], &p) == CH_OK &&
            p.id == person_id)
            return true;
    }
    return false;
}

static int
by_number(const void *a, const void *b)
{
    const struct core_export_deliv *x = a, *y = b;
    return (x->number > y->number) - (x->number < y->number);
}

/* One campaign's rows, appended to out's arrays (arena, grown). */
struct rows {
    struct core_export_deliv  *d;
    size_t                     nd, capd;
    struct core_export_review *r;
    size_t                     nr, capr;
};

static void *
grow(struct arena *a, void *old, size_t n, size_t *cap, size_t add,
     size_t size)
{
    if (n + add <= *cap)
        return old;
    size_t want = *cap ? *cap : 64;
    while (want < n + add)
        want *= 2;
    void *p = arena_alloc(a, want * size);
    if (n)
        memcpy(p, old, n * size);
    *cap = want;
    return p;
}

/* A campaign's reviews, tagged with it. */
static enum ch_status
add_reviews(struct ctx *c, const struct campaign *cp, struct rows *out)
{
    struct core_export_review *rv;
    size_t nr = 0;

    if (store_export_reviews(c->st, c->a, cp->id, &rv, &nr) != CH_OK)
        return CH_INTERNAL;
    out->r = grow(c->a, out->r, out->nr, &out->capr, nr, sizeof(*out->r));
    for (size_t i = 0; i < nr; i++) {
        rv[i].campaign = cp->slug;
        rv[i].brand = cp->brand;
        out->r[out->nr++] = rv[i];
    }
    return CH_OK;
}

/* A campaign's deliverables with their payouts, by number. */
static enum ch_status
add_delivs(struct ctx *c, const struct campaign *cp, struct rows *out)
{
    struct retro_row *rr;
    struct store_export_row *er;
    size_t n = 0, ne = 0;
    int default_pct = store_campaign_late(c->st, cp->id);

    if (store_retro_rows(c->st, c->a, cp->id, &rr, &n) != CH_OK ||
        store_export_rows(c->st, c->a, cp->id, &er, &ne) != CH_OK)
        return CH_INTERNAL;
    if (ne != n)
        return CH_INTERNAL;
    out->d = grow(c->a, out->d, out->nd, &out->capd, n, sizeof(*out->d));
    size_t first = out->nd;
    for (size_t i = 0; i < n; i++) {
        const struct retro_row *r = &rr[i];
        if (er[i].id != r->id)
            return CH_INTERNAL;     /* the two reads disagree */
        bool publish_late;
        struct payout p = retro_row_payout(c, r, default_pct, &publish_late);
        bool fee = r->fee_cents != INT64_MIN;
        bool delivered = strcmp(r->state, "approved") == 0 ||
                         strcmp(r->state, "published") == 0;
        out->d[out->nd++] = (struct core_export_deliv){
            .campaign = cp->slug, .brand = cp->brand,
            .number = r->number, .title = r->title,
            .creator = er[i].creator, .platform = er[i].platform,
            .state = r->state,
            .draft_due = er[i].draft_due, .publish_due = r->publish_at,
            .submitted_at = er[i].submitted_at,
            .approved_at = er[i].approved_at,
            .published_at = r->published_at,
            .rounds = r->rounds,
            .draft_late = r->draft_late_ms == INT64_MIN ? -1
                          : r->draft_late_ms > 0       ? 1
                                                       : 0,
            .publish_late = publish_late,
            .fixes = r->fixes, .fixes_late = r->fixes_late,
            .fee_cents = r->fee_cents,
            .currency = fee ? r->currency : NULL,
            .delivered = delivered,
            /* As the report words it: only a delivered piece with a
             * fee has the rule applied to what it is owed. */
            .late_why = fee && delivered
                            ? retro_late_why(publish_late, r->fixes_late > 0)
                            : NULL,
            .late_pct = p.pct_applied,
            .owed_cents = p.owed_cents,
        };
    }
    if (n > 1)
        qsort(out->d + first, n, sizeof(*out->d), by_number);
    return CH_OK;
}

/* The campaigns subject names that the person may export. */
static enum ch_status
subject_campaigns(struct ctx *c, const char *subject, int64_t person_id,
                  struct campaign **out, size_t *n)
{
    bool admin = is_admin(c, person_id);
    struct campaign *cp = arena_alloc(c->a, sizeof(*cp));
    struct brand b;

    *n = 0;
    if (store_campaign_by_slug(c->st, c->a, subject, cp) == CH_OK) {
        if (!core_export_may(c, person_id, admin, cp))
            return CH_NOT_FOUND;
        *out = cp;
        *n = 1;
        return CH_OK;
    }
    if (store_brand_by_name(c->st, c->a, subject, &b) != CH_OK ||
        core_export_brand(c, b.id, person_id, admin, out, n) != CH_OK ||
        *n == 0)
        return CH_NOT_FOUND;
    return CH_OK;
}

enum ch_status
core_export_read(struct core *core, const char *token, const char *subject,
                 bool reviews, struct arena *a, struct core_export *out)
{
    struct ctx c;
    struct campaign *cps;
    struct rows rows = { 0 };
    char hash[65];
    size_t n;
    enum ch_status s = CH_NOT_FOUND;

    memset(out, 0, sizeof(*out));
    if (token == NULL || strlen(token) != 64 || subject == NULL)
        return CH_NOT_FOUND;
    ctx_init(&c, core, NULL);
    struct arena *own = c.a;
    c.a = a;    /* the rows outlive this ctx */
    sha256_hex(token, strlen(token), hash);
    int64_t person = store_web_token_person(c.st, "export", hash);
    if (person != 0 &&
        subject_campaigns(&c, subject, person, &cps, &n) == CH_OK) {
        s = CH_OK;
        for (size_t i = 0; s == CH_OK && i < n; i++)
            s = reviews ? add_reviews(&c, &cps[i], &rows)
                        : add_delivs(&c, &cps[i], &rows);
    }
    if (s == CH_OK) {
        out->delivs = rows.d;
        out->ndelivs = rows.nd;
        out->reviews = rows.r;
        out->nreviews = rows.nr;
    }
    c.a = own;
    ctx_release(&c);
    return s;
}
