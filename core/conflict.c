/* Conflict alerts: finding them, keeping them, telling people (see
 * conflict.h). */
#include "conflict.h"

#include <stdlib.h>
#include <string.h>

#include "core_internal.h"
#include "delivery.h"
#include "log.h"
#include "match.h"
#include "utf8.h"
#include "xmalloc.h"

const char *const conflict_kinds[] = {
    [CONFLICT_CREATIVE] = "creative", [CONFLICT_AUDIENCE] = "audience",
    [CONFLICT_BOOKING] = "booking",   [CONFLICT_COLLISION] = "collision",
    [CONFLICT_DUPLICATE] = "duplicate", NULL,
};
const char *const conflict_states[] = { "open", "dismissed", "closed", NULL };

#define KIND(k) (1u << (k))
#define QUOTE_BYTES 160      /* of a side, as stored and shown */
#define POSTINGS 64          /* a shingle in more texts is boilerplate */
/* A text is indexed by its SKETCH smallest shingle hashes (a bottom-k
 * MinHash sketch): two texts alike enough share several of them, so the
 * index finds the candidates with a few lookups whatever the length of
 * a script; the similarity itself is computed on every shingle. */
#define SKETCH 16
#define MAX_BUTTONS 5        /* Dismiss buttons on one message */

/* Who hears about conflicts of a campaign. */
#define TOLD_ROLES (ROLE_BRAND | ROLE_COORDINATOR)

/* --- one check ------------------------------------------------------------
 *
 * A check fills `found` with the facts true now in its scope, then
 * reconciles them with the stored conflicts of that scope; what changed
 * is told when the check ends (run_finish), one message per reader. */

enum event { EV_OPENED, EV_UPDATED, EV_CLOSED };

struct change {
    struct conflict k;
    enum event      ev;
    const char     *why;       /* closed: why */
};

struct run {
    struct ctx      *c;
    struct conflict *found;
    size_t           nfound, capfound;
    struct change   *changes;
    size_t           nchanges, capchanges;
};

static void
run_init(struct run *r, struct ctx *c)
{
    memset(r, 0, sizeof(*r));
    r->c = c;
}

static void
found_add(struct run *r, const struct conflict *k)
{
    if (r->nfound == r->capfound) {
        size_t cap = r->capfound ? r->capfound * 2 : 8;
        r->found = arena_grow(r->c->a, r->found, r->capfound * sizeof(*k),
                              cap * sizeof(*k));
        r->capfound = cap;
    }
    r->found[r->nfound++] = *k;
}

static void
change_add(struct run *r, const struct conflict *k, enum event ev,
           const char *why)
{
    if (r->nchanges == r->capchanges) {
        size_t cap = r->capchanges ? r->capchanges * 2 : 8;
        r->changes = arena_grow(r->c->a, r->changes,
                                r->capchanges * sizeof(*r->changes),
                                cap * sizeof(*r->changes));
        r->capchanges = cap;
    }
    r->changes[r->nchanges++] = (struct change){ *k, ev, why };
}

static const char *
cname(struct ctx *c, int64_t id)
{
    return arena_printf(c->a, "C%lld", (long long)id);
}

/* A quote of at most QUOTE_BYTES, cut between characters, on one line. */
static char *
quote(struct ctx *c, const char *s)
{
    if (s == NULL)
        return arena_strdup(c->a, "");
    size_t len = strlen(s), cut = utf8_cut(s, len, QUOTE_BYTES);
    char *q = arena_printf(c->a, "%.*s%s", (int)cut, s,
                           cut < len ? "\xe2\x80\xa6" : "");
    for (char *p = q; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return q;
}

static bool
running(const struct campaign *cp)
{
    return cp->state == CAMPAIGN_DRAFT || cp->state == CAMPAIGN_ACTIVE;
}

/* Windows overlap when each starts before the other ends; a window not
 * set runs from the beginning or to the end of time: chorus cannot tell
 * such a campaign is not running.  Windows that touch (one ends the day
 * before the other starts) do not overlap. */
static bool
overlap(const struct campaign *x, const struct campaign *y)
{
    int64_t xs = x->starts_at == INT64_MIN ? INT64_MIN : x->starts_at;
    int64_t xe = x->ends_at == INT64_MIN ? INT64_MAX : x->ends_at;
    int64_t ys = y->starts_at == INT64_MIN ? INT64_MIN : y->starts_at;
    int64_t ye = y->ends_at == INT64_MIN ? INT64_MAX : y->ends_at;
    return xs <= ye && ys <= xe;
}

static void reason_closed(struct run *r, const struct conflict *k,
                          const char **why);

/* Found anew: open; found changed: update; not found: close. */
static void
reconcile(struct run *r, const struct conflict *have, size_t nhave)
{
    struct ctx *c = r->c;
    bool *seen = arena_alloc(c->a, (nhave ? nhave : 1) * sizeof(*seen));
    for (size_t i = 0; i < r->nfound; i++) {
        struct conflict *f = &r->found[i];
        bool dup = false;   /* the same fact found twice in one check */
        for (size_t j = 0; j < i && !dup; j++)
            dup = strcmp(r->found[j].key, f->key) == 0;
        if (dup)
            continue;
        for (size_t j = 0; j < nhave; j++)
            if (strcmp(have[j].key, f->key) == 0)
                seen[j] = true;
        struct conflict old;
        f->opened_at = f->updated_at = c->now;
        if (store_conflict_by_key(c->st, c->a, f->key, &old) != CH_OK) {
            if (store_conflict_insert(c->st, f) != CH_OK) {
                log_error("conflict", "could not record %s", f->key);
                continue;
            }
            f->state = CONFLICT_OPEN;
            ctx_audit(c, f->campaign_a, cname(c, f->id), "conflict.open",
                      "%s: %s | %s", conflict_kinds[f->kind], f->side_a,
                      f->side_b);
            change_add(r, f, EV_OPENED, NULL);
            continue;
        }
        if (strcmp(old.sig, f->sig) == 0)
            continue;
        f->id = old.id;
        f->state = old.state;
        f->opened_at = old.opened_at;
        f->dismissed_by = old.dismissed_by;
        if (store_conflict_update(c->st, f) != CH_OK)
            continue;
        ctx_audit(c, f->campaign_a, cname(c, f->id), "conflict.update",
                  "%s: %s | %s%s", conflict_kinds[f->kind], f->side_a,
                  f->side_b,
                  old.state == CONFLICT_DISMISSED ? " (stays dismissed)" : "");
        /* A dismissed one stays dismissed while its fact lasts. */
        if (old.state == CONFLICT_OPEN)
            change_add(r, f, EV_UPDATED, NULL);
    }
    for (size_t j = 0; j < nhave; j++) {
        if (seen[j])
            continue;
        const char *why;
        reason_closed(r, &have[j], &why);
        if (store_conflict_close(c->st, have[j].id, why, c->now) != CH_OK)
            continue;
        ctx_audit(c, have[j].campaign_a, cname(c, have[j].id),
                  "conflict.close", "%s", why);
        if (have[j].state == CONFLICT_OPEN)
            change_add(r, &have[j], EV_CLOSED, why);
    }
    r->nfound = 0;
}

/* --- briefs: creative conflicts and audiences ---------------------------- */

struct brief_words {
    const struct campaign *cp;
    struct brief           b;
    bool                   ok;
    struct match_text     *avoid, *include;
    const char           **avoid_raw, **include_raw;
    size_t                 navoid, ninclude;
    struct match_text      core, audience;
};

static size_t
list_words(struct ctx *c, const char *list, struct match_text **out,
           const char ***raw)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    *raw = NULL;
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, "\n");
        char *item = arena_strndup(c->a, p, len);
        p += len + (p[len] == '\n');
        struct match_text t;
        match_words(c->a, item, 0, &t);
        if (t.n == 0)
            continue;   /* nothing a text could say */
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 8;
            *out = arena_grow(c->a, *out, cap * sizeof(**out),
                              ncap * sizeof(**out));
            *raw = arena_grow(c->a, *raw, cap * sizeof(**raw),
                              ncap * sizeof(**raw));
            cap = ncap;
        }
        (*out)[n] = t;
        (*raw)[n++] = item;
    }
    return n;
}

static void
brief_words(struct ctx *c, const struct campaign *cp, struct brief_words *w)
{
    memset(w, 0, sizeof(*w));
    w->cp = cp;
    w->ok = brief_current(c, cp, &w->b) == CH_OK;
    if (!w->ok)
        return;
    w->navoid = list_words(c, w->b.field[BRIEF_MUST_AVOID], &w->avoid,
                           &w->avoid_raw);
    w->ninclude = list_words(c, w->b.field[BRIEF_MUST_INCLUDE], &w->include,
                             &w->include_raw);
    match_words(c->a, w->b.field[BRIEF_CORE_MESSAGE], 0, &w->core);
    match_words(c->a, w->b.field[BRIEF_AUDIENCE], 0, &w->audience);
}

/* What x avoids and y says: one conflict per phrase avoided. */
static void
clashes(struct run *r, const struct brief_words *x,
        const struct brief_words *y)
{
    struct ctx *c = r->c;
    size_t from, to;
    for (size_t i = 0; i < x->navoid; i++) {
        const char *field = NULL, *said = NULL;
        for (size_t j = 0; j < y->ninclude && !said; j++)
            if (match_find(&x->avoid[i], &y->include[j], &from, &to)) {
                field = "must_include";
                said = y->include_raw[j];
            }
        if (!said && match_find(&x->avoid[i], &y->core, &from, &to)) {
            field = "core_message";
            said = y->b.field[BRIEF_CORE_MESSAGE];
        }
        if (!said)
            continue;
        const char *canon = match_canonical(c->a, &x->avoid[i]);
        struct conflict k = {
            .kind = CONFLICT_CREATIVE,
            .key = arena_printf(c->a, "creative:%lld:%lld:%s",
                                (long long)x->cp->id, (long long)y->cp->id,
                                canon),
            .brand_id = x->cp->brand_id,
            .campaign_a = x->cp->id,
            .campaign_b = y->cp->id,
            .side_a = quote(c, x->avoid_raw[i]),
            .side_b = quote(c, said),
            .note = (char *)field,
        };
        k.sig = arena_printf(c->a, "%s|%s|%s", canon, field, k.side_b);
        found_add(r, &k);
    }
}

/* The same audience told different things. */
static void
audiences(struct run *r, const struct brief_words *x,
          const struct brief_words *y)
{
    struct ctx *c = r->c;
    if (x->core.n == 0 || y->core.n == 0 ||
        !match_same_words(c->a, &x->audience, &y->audience) ||
        match_same_words(c->a, &x->core, &y->core))
        return;
    const struct brief_words *a = x->cp->id < y->cp->id ? x : y;
    const struct brief_words *b = a == x ? y : x;
    struct conflict k = {
        .kind = CONFLICT_AUDIENCE,
        .key = arena_printf(c->a, "audience:%lld:%lld", (long long)a->cp->id,
                            (long long)b->cp->id),
        .brand_id = a->cp->brand_id,
        .campaign_a = a->cp->id,
        .campaign_b = b->cp->id,
        .side_a = quote(c, a->b.field[BRIEF_CORE_MESSAGE]),
        .side_b = quote(c, b->b.field[BRIEF_CORE_MESSAGE]),
        .note = quote(c, a->b.field[BRIEF_AUDIENCE]),
    };
    k.sig = arena_printf(c->a, "%s|%s|%s", match_canonical(c->a, &a->core),
                         match_canonical(c->a, &b->core),
                         match_canonical(c->a, &a->audience));
    found_add(r, &k);
}

static void
check_brief(struct run *r, int64_t campaign_id)
{
    struct ctx *c = r->c;
    struct campaign *x = arena_alloc(c->a, sizeof(*x));
    struct conflict *have;
    size_t nhave;
    if (store_conflict_of_campaign(c->st, c->a, campaign_id,
                                   KIND(CONFLICT_CREATIVE) |
                                       KIND(CONFLICT_AUDIENCE),
                                   &have, &nhave) != CH_OK)
        return;
    if (store_campaign_get(c->st, c->a, campaign_id, x) == CH_OK &&
        running(x)) {
        struct brief_words wx;
        brief_words(c, x, &wx);
        int64_t *ids;
        size_t n = 0;
        if (wx.ok)
            store_conflict_brand_campaigns(c->st, c->a, x->brand_id, x->id,
                                           &ids, &n);
        for (size_t i = 0; i < n; i++) {
            struct campaign *y = arena_alloc(c->a, sizeof(*y));
            if (store_campaign_get(c->st, c->a, ids[i], y) != CH_OK ||
                !overlap(x, y))
                continue;
            struct brief_words wy;
            brief_words(c, y, &wy);
            if (!wy.ok)
                continue;
            clashes(r, &wx, &wy);
            clashes(r, &wy, &wx);
            audiences(r, &wx, &wy);
        }
    }
    reconcile(r, have, nhave);
}

/* --- bookings: one creator, two brands ------------------------------------ */

/* Is category cat among the ';'-separated categories of list? */
static bool
category_in(struct ctx *c, const char *list, const char *cat)
{
    if (list == NULL || cat == NULL)
        return false;
    struct match_text want;
    match_words(c->a, cat, 0, &want);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ";");
        struct match_text t;
        match_words(c->a, arena_strndup(c->a, p, len), 0, &t);
        if (match_same_words(c->a, &t, &want))
            return true;
        p += len + (p[len] == ';');
    }
    return false;
}

/* Why brands x and y may not share a creator meanwhile, or NULL. */
static const char *
booking_rule(struct ctx *c, const struct brand *x, const struct brand *y)
{
    if (x->category && y->category && category_in(c, x->category,
                                                  y->category))
        return arena_printf(c->a, "both brands are %s", y->category);
    if (category_in(c, x->exclusive, y->category))
        return arena_printf(c->a, "%s excludes %s while its campaigns run",
                            x->name, y->category);
    if (category_in(c, y->exclusive, x->category))
        return arena_printf(c->a, "%s excludes %s while its campaigns run",
                            y->name, x->category);
    return NULL;
}

struct booked {
    struct campaign cp;
    struct brand    brand;
    int64_t         first;    /* a deliverable of the creator in it */
    const char     *ref;
};

static void
check_booking(struct run *r, int64_t person_id)
{
    struct ctx *c = r->c;
    struct conflict *have;
    size_t nhave, nw;
    struct deliverable *w;
    if (store_conflict_of_person(c->st, c->a, person_id,
                                 KIND(CONFLICT_BOOKING), &have, &nhave) !=
            CH_OK ||
        store_conflict_creator_work(c->st, c->a, person_id, &w, &nw) != CH_OK)
        return;
    struct booked *bk = arena_alloc(c->a, (nw ? nw : 1) * sizeof(*bk));
    size_t nb = 0;
    for (size_t i = 0; i < nw; i++) {
        if (nb && bk[nb - 1].cp.id == w[i].campaign_id)
            continue;
        struct booked *b = &bk[nb];
        if (store_campaign_get(c->st, c->a, w[i].campaign_id, &b->cp) !=
                CH_OK ||
            store_brand_get(c->st, c->a, b->cp.brand_id, &b->brand) != CH_OK)
            continue;
        b->first = w[i].id;
        b->ref = campaign_deliv_ref(c, &w[i]);
        nb++;
    }
    for (size_t i = 0; i < nb; i++)
        for (size_t j = i + 1; j < nb; j++) {
            struct booked *x = &bk[i], *y = &bk[j];
            if (x->cp.brand_id == y->cp.brand_id || !overlap(&x->cp, &y->cp))
                continue;
            const char *why = booking_rule(c, &x->brand, &y->brand);
            if (why == NULL)
                continue;
            const char *sa = arena_printf(
                c->a, "%s (%s)", x->brand.name,
                x->brand.category ? x->brand.category : "no category");
            const char *sb = arena_printf(
                c->a, "%s (%s)", y->brand.name,
                y->brand.category ? y->brand.category : "no category");
            struct conflict k = {
                .kind = CONFLICT_BOOKING,
                .key = arena_printf(c->a, "booking:%lld:%lld:%lld",
                                    (long long)person_id,
                                    (long long)x->cp.id, (long long)y->cp.id),
                .brand_id = x->cp.brand_id,
                .campaign_a = x->cp.id,
                .campaign_b = y->cp.id,
                .deliverable_a = x->first,
                .deliverable_b = y->first,
                .person_id = person_id,
                .side_a = (char *)sa,
                .side_b = (char *)sb,
                .note = (char *)why,
            };
            /* The windows as dates: what they are, not how they read
             * today. */
            k.sig = arena_printf(c->a, "%s|%s|%s|%lld-%lld|%lld-%lld", sa, sb,
                                 why, (long long)x->cp.from_day,
                                 (long long)x->cp.to_day,
                                 (long long)y->cp.from_day,
                                 (long long)y->cp.to_day);
            found_add(r, &k);
        }
    reconcile(r, have, nhave);
}

/* --- publishing collisions ---------------------------------------------- */

static bool
live(const struct deliverable *d)
{
    return d->state != DELIV_REJECTED && d->state != DELIV_MISSED &&
           d->state != DELIV_CANCELLED;
}

static void
check_collision(struct run *r, const struct deliverable *d)
{
    struct ctx *c = r->c;
    struct conflict *have;
    size_t nhave;
    if (store_conflict_of_deliverable(c->st, c->a, d->id,
                                      KIND(CONFLICT_COLLISION), &have,
                                      &nhave) != CH_OK)
        return;
    struct campaign cp = { 0 };
    int64_t gap = c->set->collision_interval_ms, *ids = NULL;
    size_t n = 0;
    if (live(d) && d->platform && gap > 0 &&
        store_campaign_get(c->st, c->a, d->campaign_id, &cp) == CH_OK &&
        running(&cp))
        store_conflict_near_publish(c->st, c->a, cp.brand_id, d->platform,
                                    d->publish_at - gap, d->publish_at + gap,
                                    d->campaign_id, &ids, &n);
    for (size_t i = 0; i < n; i++) {
        struct deliverable o;
        if (store_deliverable_by_id(c->st, c->a, ids[i], &o) != CH_OK)
            continue;
        /* a publishes first (the lower id when at the same time). */
        bool d_first = d->publish_at < o.publish_at ||
                       (d->publish_at == o.publish_at && d->id < o.id);
        const struct deliverable *a = d_first ? d : &o, *b = d_first ? &o : d;
        struct conflict k = {
            .kind = CONFLICT_COLLISION,
            .key = arena_printf(c->a, "collision:%lld:%lld",
                                (long long)(d->id < o.id ? d->id : o.id),
                                (long long)(d->id < o.id ? o.id : d->id)),
            .brand_id = cp.brand_id,
            .campaign_a = a->campaign_id,
            .campaign_b = b->campaign_id,
            .deliverable_a = a->id,
            .deliverable_b = b->id,
            .side_a = quote(c, a->title),
            .side_b = quote(c, b->title),
            .note = d->platform,
        };
        k.sig = arena_printf(c->a, "%lld:%lld|%lld:%lld|%s", (long long)a->id,
                             (long long)a->publish_at, (long long)b->id,
                             (long long)b->publish_at, d->platform);
        found_add(r, &k);
    }
    reconcile(r, have, nhave);
}

/* --- near-duplicate submissions ------------------------------------------- */

/* The words of a deliverable's caption that count: tags, mentions,
 * links, the campaign's disclosure and its must_include phrases -- what
 * every caption of the brand is asked to say -- are left out. */
static void
caption_words(struct ctx *c, int64_t campaign_id, const char *body,
              struct match_text *t)
{
    match_words(c->a, body, MATCH_SKIP_TAGS, t);
    struct campaign cp;
    struct brief b;
    if (t->n == 0 ||
        store_campaign_get(c->st, c->a, campaign_id, &cp) != CH_OK ||
        brief_current(c, &cp, &b) != CH_OK)
        return;
    static const int fields[] = { BRIEF_DISCLOSURE, BRIEF_MUST_INCLUDE };
    for (size_t f = 0; f < 2; f++) {
        struct match_text *items;
        const char **raw;
        size_t n = list_words(c, b.field[fields[f]], &items, &raw);
        for (size_t i = 0; i < n; i++)
            match_drop(&items[i], t);
    }
}

static int
cmp_id(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

/* Deliverables of the brand sharing a sketch hash with h (sorted: the
 * first ones are the sketch), each with how many it shares. */
static size_t
candidates(struct ctx *c, int64_t brand_id, int64_t self, const uint64_t *h,
           size_t nh, int64_t **cand, size_t **shared)
{
    int64_t *all = NULL;
    size_t nall = 0, cap = 0;
    for (size_t i = 0; i < nh && i < SKETCH; i++) {
        int64_t *ids;
        size_t n;
        if (store_conflict_postings(c->st, c->a, brand_id, h[i], POSTINGS,
                                    &ids, &n) != CH_OK || n > POSTINGS)
            continue;   /* too common to tell anything */
        if (nall + n > cap) {
            size_t ncap = (cap + n) * 2;
            all = arena_grow(c->a, all, cap * sizeof(*all),
                             ncap * sizeof(*all));
            cap = ncap;
        }
        for (size_t j = 0; j < n; j++)
            if (ids[j] != self)
                all[nall++] = ids[j];
    }
    qsort(all, nall, sizeof(*all), cmp_id);
    *cand = arena_alloc(c->a, (nall ? nall : 1) * sizeof(**cand));
    *shared = arena_alloc(c->a, (nall ? nall : 1) * sizeof(**shared));
    size_t m = 0;
    for (size_t i = 0; i < nall; i++) {
        if (m && (*cand)[m - 1] == all[i]) {
            (*shared)[m - 1]++;
            continue;
        }
        (*cand)[m] = all[i];
        (*shared)[m++] = 1;
    }
    return m;
}

static void
check_duplicate(struct run *r, const struct deliverable *d, int64_t sid,
                const char *body)
{
    struct ctx *c = r->c;
    struct conflict *have;
    size_t nhave;
    if (store_conflict_of_deliverable(c->st, c->a, d->id,
                                      KIND(CONFLICT_DUPLICATE), &have,
                                      &nhave) != CH_OK)
        return;
    struct campaign cp;
    if (!live(d) || store_campaign_get(c->st, c->a, d->campaign_id, &cp) !=
                        CH_OK || !running(&cp)) {
        store_conflict_text_drop(c->st, d->id);
        reconcile(r, have, nhave);
        return;
    }
    struct match_text t;
    caption_words(c, d->campaign_id, body, &t);
    size_t nh;
    uint64_t *h = match_shingles(c->a, &t, &nh);
    store_conflict_text_put(c->st, d->id, sid, cp.brand_id, h,
                            nh < SKETCH ? nh : SKETCH);
    int64_t *cand;
    size_t *shared, ncand = 0;
    if (nh > 0)
        ncand = candidates(c, cp.brand_id, d->id, h, nh, &cand, &shared);
    int want = c->set->duplicate_similarity;
    /* Texts this alike share about that share of their sketches; a third
     * of it is enough to be worth reading the other text. */
    size_t k = nh < SKETCH ? nh : SKETCH;
    size_t need = (size_t)want * k / 300;
    for (size_t i = 0; i < ncand; i++) {
        int64_t osid = store_conflict_text_of(c->st, cand[i], NULL);
        if (osid == 0 || shared[i] < (need ? need : 1))
            continue;
        struct deliverable o;
        struct submission s;
        if (store_deliverable_by_id(c->st, c->a, cand[i], &o) != CH_OK ||
            !live(&o) || store_submission_get(c->st, c->a, osid, &s) != CH_OK)
            continue;
        struct match_text ot;
        caption_words(c, o.campaign_id, s.body, &ot);
        size_t noh;
        uint64_t *oh = match_shingles(c->a, &ot, &noh);
        int sim = match_similarity(h, nh, oh, noh);
        if (sim < want)
            continue;
        const char *pa = match_passage(c->a, &t, oh, noh, QUOTE_BYTES);
        const char *pb = match_passage(c->a, &ot, h, nh, QUOTE_BYTES);
        struct conflict kf = {
            .kind = CONFLICT_DUPLICATE,
            .key = arena_printf(c->a, "duplicate:%lld:%lld",
                                (long long)(d->id < o.id ? d->id : o.id),
                                (long long)(d->id < o.id ? o.id : d->id)),
            .brand_id = cp.brand_id,
            .campaign_a = d->campaign_id,
            .campaign_b = o.campaign_id,
            .deliverable_a = d->id,
            .deliverable_b = o.id,
            .person_id = d->creator_id,
            .side_a = quote(c, pa),
            .side_b = quote(c, pb),
            .note = arena_printf(c->a, "%d", sim),
        };
        kf.sig = arena_printf(c->a, "%lld|%lld|%d", (long long)sid,
                              (long long)osid, sim);
        found_add(r, &kf);
    }
    reconcile(r, have, nhave);
}

/* --- why one closed -------------------------------------------------------- */

static void
reason_closed(struct run *r, const struct conflict *k, const char **why)
{
    struct ctx *c = r->c;
    struct campaign a, b;
    bool ga = store_campaign_get(c->st, c->a, k->campaign_a, &a) == CH_OK;
    bool gb = store_campaign_get(c->st, c->a, k->campaign_b, &b) == CH_OK;
    if (ga && !running(&a)) {
        *why = arena_printf(c->a, "%s is %s", a.slug,
                            model_campaign_states[a.state]);
        return;
    }
    if (gb && !running(&b)) {
        *why = arena_printf(c->a, "%s is %s", b.slug,
                            model_campaign_states[b.state]);
        return;
    }
    struct deliverable da, db;
    bool hda = k->deliverable_a &&
               store_deliverable_by_id(c->st, c->a, k->deliverable_a, &da) ==
                   CH_OK;
    bool hdb = k->deliverable_b &&
               store_deliverable_by_id(c->st, c->a, k->deliverable_b, &db) ==
                   CH_OK;
    switch (k->kind) {
    case CONFLICT_CREATIVE:
    case CONFLICT_AUDIENCE:
    case CONFLICT_BOOKING:
        if (ga && gb && !overlap(&a, &b)) {
            *why = "their windows no longer overlap";
            return;
        }
        *why = k->kind == CONFLICT_CREATIVE ? "the briefs no longer clash"
               : k->kind == CONFLICT_AUDIENCE
                   ? "they no longer tell the same audience different "
                     "things"
                   : arena_printf(c->a, "%s no longer works for both brands "
                                  "at once, or their categories no longer "
                                  "exclude each other",
                                  ctx_mark_person(c, k->person_id));
        return;
    case CONFLICT_COLLISION:
    case CONFLICT_DUPLICATE:
        if (hda && !live(&da)) {
            *why = arena_printf(c->a, "%s is %s", campaign_deliv_ref(c, &da),
                                campaign_deliv_words(&da));
            return;
        }
        if (hdb && !live(&db)) {
            *why = arena_printf(c->a, "%s is %s", campaign_deliv_ref(c, &db),
                                campaign_deliv_words(&db));
            return;
        }
        if (k->kind == CONFLICT_DUPLICATE) {
            *why = "a new round made the captions different enough";
            return;
        }
        if (hda && hdb) {
            int64_t gap = da.publish_at - db.publish_at;
            *why = arena_printf(c->a, "they now publish %s apart",
                                ctx_duration(c, gap));
            if (da.platform && db.platform &&
                strcmp(da.platform, db.platform) != 0)
                *why = arena_printf(c->a, "%s now publishes on %s",
                                    campaign_deliv_ref(c, &db), db.platform);
            return;
        }
        *why = "a deliverable moved";
        return;
    }
    *why = "its cause went away";
}

/* --- saying it -------------------------------------------------------------- */

static const char *
campaign_slug(struct ctx *c, int64_t id, struct campaign *out)
{
    if (store_campaign_get(c->st, c->a, id, out) != CH_OK)
        return "?";
    return out->slug;
}

/* A double booking across brands is told to each brand's side: what a
 * reader who works on one side only may see of it is that side ('a' or
 * 'b'); the other brand's name, campaign and work stay its own.  0: the
 * reader sees both (someone on both sides, an admin on neither, one
 * brand's own conflict). */
static int
visible_side(struct ctx *c, const struct conflict *k,
             const struct person *reader)
{
    if (k->kind != CONFLICT_BOOKING || reader == NULL ||
        k->campaign_a == k->campaign_b)
        return 0;
    struct campaign a, b;
    campaign_slug(c, k->campaign_a, &a);
    campaign_slug(c, k->campaign_b, &b);
    if (a.brand_id == b.brand_id)
        return 0;
    bool in_a = (store_participant_role_in(c->st, k->campaign_a, reader->id,
                                           NULL, c->a) & ~ROLE_CREATOR) != 0;
    bool in_b = (store_participant_role_in(c->st, k->campaign_b, reader->id,
                                           NULL, c->a) & ~ROLE_CREATOR) != 0;
    return in_a == in_b ? 0 : in_a ? 'a' : 'b';
}

static const char *
brands_as(struct ctx *c, const struct conflict *k, int side)
{
    struct campaign a, b;
    campaign_slug(c, k->campaign_a, &a);
    campaign_slug(c, k->campaign_b, &b);
    if (side)
        return side == 'a' ? a.brand : b.brand;
    if (k->kind == CONFLICT_BOOKING && a.brand_id != b.brand_id)
        return arena_printf(c->a, "%s and %s", a.brand, b.brand);
    return a.brand ? a.brand : "?";
}

const char *
conflict_brands(struct ctx *c, const struct conflict *k,
                const struct person *reader)
{
    return brands_as(c, k, visible_side(c, k, reader));
}

/* A booking for a reader of one side: her work there, and that another
 * brand's overlaps, with the rule in words that name no other brand. */
static const char *
booking_one_side(struct ctx *c, const struct conflict *k, int side)
{
    struct campaign mine, other;
    struct deliverable d;
    campaign_slug(c, side == 'a' ? k->campaign_a : k->campaign_b, &mine);
    campaign_slug(c, side == 'a' ? k->campaign_b : k->campaign_a, &other);
    if (store_deliverable_by_id(c->st, c->a,
                                side == 'a' ? k->deliverable_a
                                            : k->deliverable_b,
                                &d) != CH_OK)
        return "?";
    const char *other_side = side == 'a' ? k->side_b : k->side_a;
    const char *cat = strrchr(other_side, '(');
    return arena_printf(
        c->a, "%s is booked for %s in %s (%s) and, while it runs, by another "
        "brand (%.*s) whose campaign runs %s: %s.",
        ctx_mark_person(c, k->person_id),
        side == 'a' ? k->side_a : k->side_b, mine.slug,
        campaign_deliv_ref(c, &d),
        cat ? (int)(strlen(cat) - 2) : 11, cat ? cat + 1 : "no category",
        campaign_window_text(c, &other),
        strstr(k->note, other.brand) == k->note
            ? "its exclusivity rules out this brand's category"
            : k->note);
}

/* "winter#2 (@bob)" */
static const char *
deliv_named(struct ctx *c, int64_t id, struct deliverable *d)
{
    if (store_deliverable_by_id(c->st, c->a, id, d) != CH_OK)
        return "?";
    return arena_printf(c->a, "%s (%s)", campaign_deliv_ref(c, d),
                        ctx_mark_person(c, d->creator_id));
}


static const char *
describe_as(struct ctx *c, const struct conflict *k,
            const struct person *reader, int side)
{
    struct campaign a, b;
    const char *sa = campaign_slug(c, k->campaign_a, &a);
    const char *sb = campaign_slug(c, k->campaign_b, &b);
    const char *windows = arena_printf(c->a, "%s runs %s, %s runs %s", sa,
                                       campaign_window_text(c, &a), sb,
                                       campaign_window_text(c, &b));
    struct deliverable da, db;
    switch (k->kind) {
    case CONFLICT_CREATIVE:
        return arena_printf(c->a, "%s must avoid \"%s\", but the %s of %s "
                            "says \"%s\" (%s).", sa, k->side_a, k->note, sb,
                            k->side_b, windows);
    case CONFLICT_AUDIENCE:
        return arena_printf(c->a, "%s and %s both speak to \"%s\" with "
                            "different core messages: \"%s\" and \"%s\" "
                            "(%s).", sa, sb, k->note, k->side_a, k->side_b,
                            windows);
    case CONFLICT_BOOKING:
        if (side)
            return booking_one_side(c, k, side);
        if (store_deliverable_by_id(c->st, c->a, k->deliverable_a, &da) !=
                CH_OK ||
            store_deliverable_by_id(c->st, c->a, k->deliverable_b, &db) !=
                CH_OK)
            return "?";
        return arena_printf(c->a, "%s is booked for %s in %s (%s) and for %s "
                            "in %s (%s) while both run: %s (%s).",
                            ctx_mark_person(c, k->person_id), k->side_a, sa,
                            campaign_deliv_ref(c, &da), k->side_b, sb,
                            campaign_deliv_ref(c, &db), k->note, windows);
    case CONFLICT_COLLISION: {
        const char *ra = deliv_named(c, k->deliverable_a, &da);
        const char *rb = deliv_named(c, k->deliverable_b, &db);
        int64_t gap = db.publish_at - da.publish_at;
        return arena_printf(c->a, "%s \"%s\" and %s \"%s\" both publish on %s "
                            "for %s %s: %s and %s (less than %s apart).", ra,
                            k->side_a, rb, k->side_b, k->note, a.brand,
                            gap == 0 ? "at the same time"
                                     : arena_printf(c->a, "%s apart",
                                                    ctx_duration(c, gap)),
                            ctx_time_reader(c, reader, da.publish_at),
                            ctx_time_reader(c, reader, db.publish_at),
                            ctx_duration(c, c->set->collision_interval_ms));
    }
    case CONFLICT_DUPLICATE: {
        const char *ra = deliv_named(c, k->deliverable_a, &da);
        const char *rb = deliv_named(c, k->deliverable_b, &db);
        return arena_printf(c->a, "the caption of %s is %s%% like that of %s: "
                            "\"%s\" and \"%s\".", ra, k->note, rb, k->side_a,
                            k->side_b);
    }
    }
    return "?";
}

const char *
conflict_describe(struct ctx *c, const struct conflict *k,
                  const struct person *reader)
{
    return describe_as(c, k, reader, visible_side(c, k, reader));
}

const char *
conflict_line(struct ctx *c, const struct conflict *k,
              const struct person *reader)
{
    return arena_printf(c->a, "C%lld %s (%s, since %s): %s",
                        (long long)k->id, conflict_kinds[k->kind],
                        conflict_brands(c, k, reader),
                        ctx_time_for(c, reader, k->opened_at),
                        conflict_describe(c, k, reader));
}

/* --- telling people --------------------------------------------------------- */

/* The brand leads and coordinators of a conflict's campaigns, each once
 * (the roles they hold in either merged). */
static size_t
involved(struct ctx *c, const struct conflict *k, struct participant **out)
{
    struct participant *pa, *pb = NULL;
    size_t na = 0, nb = 0, n = 0;
    store_participant_list(c->st, c->a, k->campaign_a, TOLD_ROLES, &pa, &na);
    if (k->campaign_b != k->campaign_a)
        store_participant_list(c->st, c->a, k->campaign_b, TOLD_ROLES, &pb,
                               &nb);
    *out = arena_alloc(c->a, (na + nb + 1) * sizeof(**out));
    for (size_t i = 0; i < na + nb; i++) {
        const struct participant *p = i < na ? &pa[i] : &pb[i - na];
        size_t j = 0;
        while (j < n && (*out)[j].person_id != p->person_id)
            j++;
        if (j == n)
            (*out)[n++] = *p;
        else
            (*out)[j].role |= p->role;
    }
    return n;
}

bool
conflict_involves(struct ctx *c, const struct conflict *k, int64_t person_id)
{
    unsigned roles = store_participant_role_in(c->st, k->campaign_a,
                                               person_id, NULL, c->a) |
                     store_participant_role_in(c->st, k->campaign_b,
                                               person_id, NULL, c->a);
    return (roles & ~ROLE_CREATOR) != 0;
}

static const char *
dismiss_button(struct ctx *c, int64_t id)
{
    struct out_button b = {
        .label = "Dismiss",
        .command = arena_printf(c->a, "conflicts dismiss C%lld",
                                (long long)id),
        .prompt = "Why dismiss it?",
    };
    return ctx_buttons_encode(c, &b, 1);
}

/* What one change is, in a line for a reader (NULL: a channel) who sees
 * one side of it ('a', 'b') or both (0). */
static const char *
change_text_as(struct ctx *c, const struct change *ch,
               const struct person *p, int side)
{
    const struct conflict *k = &ch->k;
    const char *head = arena_printf(c->a, "Conflict C%lld (%s, %s)",
                                    (long long)k->id, conflict_kinds[k->kind],
                                    brands_as(c, k, side));
    switch (ch->ev) {
    case EV_OPENED:
        return arena_printf(c->a, "%s: %s", head, describe_as(c, k, p, side));
    case EV_UPDATED:
        return arena_printf(c->a, "%s changed: %s", head,
                            describe_as(c, k, p, side));
    case EV_CLOSED:
        break;
    }
    if (side)
        return arena_printf(c->a, "%s closed itself: %s.", head, ch->why);
    return arena_printf(c->a, "%s closed itself: %s (it was \"%s\" against "
                        "\"%s\").", head, ch->why, k->side_a, k->side_b);
}

static const char *
change_text(struct ctx *c, const struct change *ch, const struct person *p)
{
    return change_text_as(c, ch, p, visible_side(c, &ch->k, p));
}

/* A brand's alert channels ("slack:C01,discord:2"), or NULL. */
static const char *
brand_alerts(struct ctx *c, int64_t campaign_id)
{
    struct campaign cp;
    if (store_campaign_get(c->st, c->a, campaign_id, &cp) != CH_OK)
        return NULL;
    for (size_t i = 0; i < c->set->nbrands; i++)
        if (strcasecmp(c->set->brands[i].name, cp.brand) == 0)
            return c->set->brands[i].alerts;
    return NULL;
}

/* Post to each "platform:channel" of a list. */
static void
post_to(struct ctx *c, const char *list, const char *buttons,
        const char *text)
{
    for (const char *q = list; *q;) {
        size_t n = strcspn(q, ",");
        const char *colon = memchr(q, ':', n);
        if (colon)
            ctx_post_channel(c, arena_strndup(c->a, q, (size_t)(colon - q)),
                             arena_strndup(c->a, colon + 1,
                                           n - (size_t)(colon - q) - 1),
                             buttons, text);
        q += n + (q[n] == ',');
    }
}

/* Post a change to the alert channels of the brand of one side of it
 * (side 'a' or 'b'; what a channel of a cross-brand booking reads is
 * its own brand's side only). */
static void
post_alerts(struct ctx *c, const struct change *ch, int side)
{
    const struct conflict *k = &ch->k;
    const char *list =
        brand_alerts(c, side == 'b' ? k->campaign_b : k->campaign_a);
    if (list == NULL)
        return;
    struct campaign a, b;
    campaign_slug(c, k->campaign_a, &a);
    campaign_slug(c, k->campaign_b, &b);
    int shown = k->kind == CONFLICT_BOOKING && a.brand_id != b.brand_id
                    ? side : 0;
    const char *text = change_text_as(c, ch, NULL, shown);
    const char *buttons = ch->ev == EV_CLOSED ? NULL : dismiss_button(c, k->id);
    if (buttons)
        text = arena_printf(c->a, "%s Dismiss it with conflicts dismiss "
                            "C%lld <reason>.", text, (long long)k->id);
    post_to(c, list, buttons, text);
}

/* Whether a brand lead hears it in her brand's alert channel rather
 * than by direct message: she leads (and only leads) a side whose
 * brand has one. */
static bool
told_in_channel(struct ctx *c, const struct conflict *k, int64_t person_id)
{
    unsigned ra = store_participant_role_in(c->st, k->campaign_a, person_id,
                                            NULL, c->a);
    unsigned rb = store_participant_role_in(c->st, k->campaign_b, person_id,
                                            NULL, c->a);
    if ((ra | rb) & ~(unsigned)ROLE_BRAND)
        return false;
    return (ra == ROLE_BRAND && brand_alerts(c, k->campaign_a)) ||
           (rb == ROLE_BRAND && brand_alerts(c, k->campaign_b));
}

/* A creator whose new caption is much like another one hears it too,
 * without the other's name: reviewers may turn down look-alikes. */
static const char *
creator_text(struct ctx *c, const struct conflict *k)
{
    struct deliverable d;
    if (store_deliverable_by_id(c->st, c->a, k->deliverable_a, &d) != CH_OK)
        return NULL;
    return arena_printf(c->a, "Heads-up: your caption for %s is %s%% like "
                        "another submission for %s (\"%s\"). Reviewers may "
                        "turn down submissions that are too alike, so make "
                        "it your own.", campaign_deliv_ref(c, &d), k->note,
                        conflict_brands(c, k, NULL), k->side_a);
}

/* Tell one reader: the caller in their reply, after what the command
 * itself says; anyone else by a direct message per conflict, which the
 * digest folds together, with its Dismiss button when they may. */
static void
tell(struct ctx *c, int64_t person_id, const char *text, int64_t dismiss)
{
    if (c->has_caller && c->ev && person_id == c->caller.id) {
        buf_printf(&c->reply_after, "%s%s", c->reply_after.len ? "\n" : "",
                   text);
        return;
    }
    ctx_dm(c, person_id, dismiss ? dismiss_button(c, dismiss) : NULL,
           "%s%s", text,
           dismiss ? arena_printf(c->a, " Dismiss it with conflicts dismiss "
                                  "C%lld <reason>.", (long long)dismiss)
                   : "");
}

static void
run_finish(struct run *r)
{
    struct ctx *c = r->c;
    bool caller_told = false;
    for (size_t i = 0; i < r->nchanges; i++) {
        const struct change *ch = &r->changes[i];
        const struct conflict *k = &ch->k;
        post_alerts(c, ch, 'a');
        if (brand_alerts(c, k->campaign_b) &&
            (brand_alerts(c, k->campaign_a) != brand_alerts(c, k->campaign_b)))
            post_alerts(c, ch, 'b');
        if (ch->ev == EV_CLOSED) {
            int64_t *told;
            size_t nt;
            store_conflict_told(c->st, c->a, k->id, &told, &nt);
            for (size_t j = 0; j < nt; j++) {
                struct person p;
                if (store_people_get(c->st, c->a, told[j], &p) == CH_OK)
                    tell(c, p.id, change_text(c, ch, &p), 0);
                caller_told |= c->has_caller && told[j] == c->caller.id;
            }
            continue;
        }
        struct participant *ps;
        size_t np = involved(c, k, &ps);
        bool creator_manages = false;
        for (size_t j = 0; j < np; j++) {
            struct person p;
            if (store_people_get(c->st, c->a, ps[j].person_id, &p) != CH_OK)
                continue;
            if (told_in_channel(c, k, p.id))
                continue;
            bool may = perm_allows(&c->set->perms, ACT_CONFLICTS, ps[j].role);
            tell(c, p.id, change_text(c, ch, &p), may ? k->id : 0);
            store_conflict_told_add(c->st, k->id, p.id, c->now);
            caller_told |= c->has_caller && p.id == c->caller.id;
            creator_manages |= p.id == k->person_id;
        }
        if (k->kind == CONFLICT_DUPLICATE && ch->ev == EV_OPENED &&
            k->person_id && !creator_manages) {
            const char *t = creator_text(c, k);
            if (t)
                tell(c, k->person_id, t, 0);
            caller_told |= c->has_caller && k->person_id == c->caller.id;
        }
    }
    /* An admin who changed something that conflicts, without a part in
     * either campaign, reads it in their reply all the same. */
    if (r->nchanges && c->has_caller && c->ev && c->caller_admin &&
        !caller_told)
        for (size_t i = 0; i < r->nchanges; i++)
            tell(c, c->caller.id, change_text(c, &r->changes[i], &c->caller),
                 0);
}

/* --- the change points ------------------------------------------------------ */

void
conflict_follow_brief(struct ctx *c, int64_t campaign_id)
{
    struct run r;
    run_init(&r, c);
    check_brief(&r, campaign_id);
    run_finish(&r);
}

void
conflict_follow_deliverable(struct ctx *c, const struct deliverable *d)
{
    struct run r;
    run_init(&r, c);
    check_collision(&r, d);
    /* The creator's bookings, and those of whoever had the campaign's
     * bookings before (a deliverable handed to someone else). */
    struct conflict *ks;
    size_t nk = 0;
    store_conflict_of_campaign(c->st, c->a, d->campaign_id,
                               KIND(CONFLICT_BOOKING), &ks, &nk);
    check_booking(&r, d->creator_id);
    for (size_t i = 0; i < nk; i++) {
        bool done = ks[i].person_id == d->creator_id;
        for (size_t j = 0; j < i && !done; j++)
            done = ks[j].person_id == ks[i].person_id;
        if (!done)
            check_booking(&r, ks[i].person_id);
    }
    if (!live(d))
        check_duplicate(&r, d, 0, NULL);
    run_finish(&r);
}

void
conflict_follow_submission(struct ctx *c, const struct deliverable *d,
                           int64_t submission_id, const char *body)
{
    struct run r;
    run_init(&r, c);
    check_duplicate(&r, d, submission_id, body);
    run_finish(&r);
}

void
conflict_follow_person(struct ctx *c, int64_t person_id)
{
    struct run r;
    run_init(&r, c);
    check_booking(&r, person_id);
    run_finish(&r);
}

void
conflict_follow_brand(struct ctx *c, int64_t brand_id)
{
    struct run r;
    run_init(&r, c);
    int64_t *ids;
    size_t n;
    if (store_conflict_brand_creators(c->st, c->a, brand_id, &ids, &n) ==
        CH_OK)
        for (size_t i = 0; i < n; i++)
            check_booking(&r, ids[i]);
    /* Bookings that held through this brand's old category. */
    struct conflict *ks;
    size_t nk;
    if (store_conflict_list_open(c->st, c->a, brand_id, 10000, &ks, &nk) ==
        CH_OK)
        for (size_t i = 0; i < nk; i++)
            if (ks[i].kind == CONFLICT_BOOKING)
                check_booking(&r, ks[i].person_id);
    run_finish(&r);
}

void
conflict_follow_campaign(struct ctx *c, int64_t campaign_id)
{
    struct run r;
    run_init(&r, c);
    struct conflict *ks;
    size_t nk = 0;
    /* Nothing found again: each closes, reason_closed() naming the
     * campaign's state. */
    if (store_conflict_of_campaign(c->st, c->a, campaign_id, ~0u, &ks, &nk) ==
        CH_OK)
        reconcile(&r, ks, nk);
    run_finish(&r);
}

enum ch_status
conflict_dismiss(struct ctx *c, const struct conflict *k, const char *reason)
{
    enum ch_status s = store_conflict_dismiss(c->st, k->id, c->caller.id,
                                              reason, c->now);
    if (s != CH_OK)
        return s;
    ctx_audit(c, k->campaign_a, cname(c, k->id), "conflict.dismiss", "%s",
              reason);
    int64_t *told;
    size_t nt;
    store_conflict_told(c->st, c->a, k->id, &told, &nt);
    /* The brands' alert channels hear it as their leads would. */
    for (int side = 'a'; side <= 'b'; side++) {
        const char *list = brand_alerts(c, side == 'a' ? k->campaign_a
                                                       : k->campaign_b);
        if (list == NULL || (side == 'b' && list == brand_alerts(
                                                c, k->campaign_a)))
            continue;
        int mine = visible_side(c, k, &c->caller);
        const char *text =
            mine && mine != side
                ? arena_printf(c->a, "Conflict C%lld (%s, %s) was dismissed "
                               "by the other brand's side.", (long long)k->id,
                               conflict_kinds[k->kind],
                               brands_as(c, k, side))
                : arena_printf(c->a, "%s dismissed conflict C%lld (%s, %s): "
                               "%s", ctx_mark_person(c, c->caller.id),
                               (long long)k->id, conflict_kinds[k->kind],
                               brands_as(c, k, mine ? side : 0), reason);
        post_to(c, list, NULL, text);
    }
    for (size_t i = 0; i < nt; i++) {
        struct person p;
        if (told[i] == c->caller.id ||
            store_people_get(c->st, c->a, told[i], &p) != CH_OK)
            continue;
        /* The other brand's side hears that it was dismissed, not who
         * dismissed it or why: those are the dismissing brand's. */
        if (visible_side(c, k, &p) &&
            visible_side(c, k, &p) != visible_side(c, k, &c->caller))
            ctx_dm(c, p.id, NULL, "Conflict C%lld (%s, %s) was dismissed by "
                   "the other brand's side.", (long long)k->id,
                   conflict_kinds[k->kind], conflict_brands(c, k, &p));
        else
            ctx_dm(c, p.id, NULL, "%s dismissed conflict C%lld (%s, %s): %s",
                   ctx_mark_person(c, c->caller.id), (long long)k->id,
                   conflict_kinds[k->kind], conflict_brands(c, k, &p),
                   reason);
    }
    return CH_OK;
}

/* --- start-up ---------------------------------------------------------------- */

/* The start-up check goes in chunks of this many scopes, each its own
 * transaction: a large workspace neither holds the write lock nor grows
 * the WAL for the whole of it. */
#define STARTUP_CHUNK 256

enum phase { PH_STALE, PH_BRIEF, PH_BOOKING, PH_COLLISION, PH_TEXT, PH_N };

/* The scopes of a phase, in a malloc'd array (the arena is reset between
 * chunks). */
static int64_t *
phase_ids(struct ctx *c, enum phase ph, size_t *n)
{
    int64_t *ids = NULL;
    enum ch_status s = CH_OK;
    *n = 0;
    switch (ph) {
    case PH_STALE:
        *n = 1;   /* one scope: every stale conflict */
        return xcalloc(1, sizeof(int64_t));
    case PH_BRIEF:
        s = store_conflict_all_campaigns(c->st, c->a, &ids, n);
        break;
    case PH_BOOKING:
        s = store_conflict_all_creators(c->st, c->a, &ids, n);
        break;
    case PH_COLLISION:
        s = store_conflict_upcoming(c->st, c->a,
                                    c->now - c->set->collision_interval_ms,
                                    &ids, n);
        break;
    case PH_TEXT:
        s = store_conflict_unshingled(c->st, c->a, &ids, n);
        break;
    case PH_N:
        break;
    }
    if (s != CH_OK || *n == 0) {
        *n = 0;
        return NULL;
    }
    int64_t *copy = xcalloc(*n, sizeof(*copy));
    memcpy(copy, ids, *n * sizeof(*copy));
    return copy;
}

static void
startup_scope(struct run *r, enum phase ph, int64_t id)
{
    struct ctx *c = r->c;
    struct deliverable d;
    switch (ph) {
    case PH_STALE: {
        /* What concerns a campaign that stopped running is over. */
        struct conflict *stale;
        size_t ns;
        if (store_conflict_stale(c->st, c->a, &stale, &ns) == CH_OK)
            reconcile(r, stale, ns);
        return;
    }
    case PH_BRIEF:
        check_brief(r, id);
        return;
    case PH_BOOKING:
        check_booking(r, id);
        return;
    case PH_COLLISION:
        if (store_deliverable_by_id(c->st, c->a, id, &d) == CH_OK)
            check_collision(r, &d);
        return;
    case PH_TEXT: {
        int64_t sid = 0;
        struct submission s;
        if (store_deliverable_by_id(c->st, c->a, id, &d) == CH_OK &&
            store_submission_latest(c->st, c->a, d.id, &sid, NULL, NULL,
                                    NULL) == CH_OK &&
            store_submission_get(c->st, c->a, sid, &s) == CH_OK)
            check_duplicate(r, &d, sid, s.body);
        return;
    }
    case PH_N:
        return;
    }
}

void
conflict_startup(struct core *core)
{
    size_t changed = 0;
    for (enum phase ph = PH_STALE; ph < PH_N; ph++) {
        struct ctx c;
        ctx_init(&c, core, NULL);
        size_t n = 0;
        int64_t *ids = NULL;
        if (store_begin_read(c.st) == CH_OK) {
            ids = phase_ids(&c, ph, &n);
            store_commit(c.st);
        }
        ctx_release(&c);
        for (size_t i = 0; i < n; i += STARTUP_CHUNK) {
            ctx_init(&c, core, NULL);
            if (delivery_begin(core) != CH_OK) {
                ctx_release(&c);
                break;
            }
            struct run r;
            run_init(&r, &c);
            for (size_t j = i; j < n && j < i + STARTUP_CHUNK; j++)
                startup_scope(&r, ph, ids[j]);
            changed += r.nchanges;
            run_finish(&r);
            if (ctx_write_outbox(&c, NULL) != CH_OK ||
                delivery_commit(core) != CH_OK)
                store_rollback(c.st);
            ctx_release(&c);
        }
        free(ids);
    }
    log_info("conflict", "start-up check done: %zu change%s", changed,
             changed == 1 ? "" : "s");
}
