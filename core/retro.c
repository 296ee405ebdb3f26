/* The retrospective of a campaign: see retro.h, and payout.h for the
 * rule that turns fees into what is owed. */
#include <string.h>

#include "core_internal.h"
#include "payout.h"
#include "retro.h"
#include "utf8.h"

#define MAX_CURRENCIES 8

struct money {
    const char *currency[MAX_CURRENCIES];
    int64_t     owed[MAX_CURRENCIES];
    int64_t     fees[MAX_CURRENCIES];
    size_t      n;
};

static void
money_add(struct money *m, const char *cur, int64_t owed, int64_t fee)
{
    size_t i = 0;
    while (i < m->n && strcmp(m->currency[i], cur) != 0)
        i++;
    if (i == m->n) {
        if (m->n == MAX_CURRENCIES)
            return;   /* more currencies than any campaign has */
        m->currency[m->n++] = cur;
    }
    m->owed[i] += owed;
    m->fees[i] += fee;
}

/* "400.00 EUR of 500.00 EUR; 90.00 USD of 90.00 USD", or NULL. */
static const char *
money_text(struct ctx *c, const struct money *m)
{
    if (m->n == 0)
        return NULL;
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < m->n; i++)
        buf_printf(&b, "%s%s of %s", i ? "; " : "",
                   campaign_money(c, m->owed[i], m->currency[i]),
                   campaign_money(c, m->fees[i], m->currency[i]));
    const char *s = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* Free text in one line of at most 160 bytes. */
static const char *
quote(struct ctx *c, const char *s)
{
    size_t len = strlen(s), cut = utf8_cut(s, len, 160);
    char *q = arena_printf(c->a, "%.*s%s", (int)cut, s,
                           cut < len ? "\xe2\x80\xa6" : "");
    for (char *p = q; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return q;
}

/* A mention is a 5-byte marker that a platform renders in up to 22
 * (Discord's "<@" snowflake ">"): the length a reader gets at most. */
static size_t
rendered(size_t len, size_t marks)
{
    return len + marks * 22;
}

static bool
delivered(const struct retro_row *r)
{
    return strcmp(r->state, "approved") == 0 ||
           strcmp(r->state, "published") == 0;
}

static bool
publish_missed(struct ctx *c, const struct retro_row *r)
{
    if (r->publish_at == INT64_MIN)
        return false;
    if (r->published_at != INT64_MIN)
        return r->published_at > r->publish_at;
    return strcmp(r->state, "approved") == 0 && c->now > r->publish_at;
}

static struct payout
row_payout(struct ctx *c, const struct retro_row *r, int default_pct)
{
    struct payout_in in = {
        .fee_cents = r->fee_cents,
        .delivered = delivered(r),
        .publish_missed = publish_missed(c, r),
        .fix_missed = r->fixes_late > 0,
        .late_pct = r->late_pct,
        .default_pct = default_pct,
    };
    return payout_compute(&in);
}

struct payout
retro_row_payout(struct ctx *c, const struct retro_row *r, int default_pct,
                 bool *publish_late)
{
    *publish_late = publish_missed(c, r);
    return row_payout(c, r, default_pct);
}

const char *
retro_late_why(bool publish_late, bool fix_late)
{
    return publish_late && fix_late ? "publish and fix windows missed"
           : publish_late           ? "publish window missed"
           : fix_late               ? "fix window missed"
                                    : NULL;
}

/* "#2 Leaf story · published 1d late · 1 round · approved 2h after
 * submission · 1 escalation · 500.00 EUR at 80% (publish window
 * missed): 400.00 EUR" */
static const char *
deliverable_line(struct ctx *c, const struct retro_row *r, int default_pct)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "#%d %s · %s", r->number, r->title, r->state);
    if (r->published_at != INT64_MIN && r->publish_at != INT64_MIN &&
        r->published_at > r->publish_at)
        buf_printf(&b, " %s late", ctx_duration(c, r->published_at -
                                                       r->publish_at));
    if (r->draft_late_ms == INT64_MIN)
        buf_adds(&b, " · no draft in");
    else if (r->draft_late_ms > 0)
        buf_printf(&b, " · draft %s late", ctx_duration(c, r->draft_late_ms));
    else
        buf_adds(&b, " · draft on time");
    if (r->fixes_late)
        buf_printf(&b, " · %d of %d fix%s late", r->fixes_late, r->fixes,
                   r->fixes == 1 ? "" : "es");
    buf_printf(&b, " · %d round%s", r->rounds, r->rounds == 1 ? "" : "s");
    if (r->latency_ms != INT64_MIN)
        buf_printf(&b, " · approved %s after submission",
                   ctx_duration(c, r->latency_ms));
    if (r->escalations)
        buf_printf(&b, " · %d escalation%s", r->escalations,
                   r->escalations == 1 ? "" : "s");
    if (r->conflicts)
        buf_printf(&b, " · %d conflict%s", r->conflicts,
                   r->conflicts == 1 ? "" : "s");
    if (r->fee_cents != INT64_MIN) {
        struct payout p = row_payout(c, r, default_pct);
        const char *why = retro_late_why(publish_missed(c, r),
                                         r->fixes_late > 0);
        if (!delivered(r))
            buf_printf(&b, " · fee %s: nothing owed (not delivered)",
                       campaign_money(c, r->fee_cents, r->currency));
        else if (why)
            buf_printf(&b, " · fee %s at %d%% (%s): %s owed",
                       campaign_money(c, r->fee_cents, r->currency),
                       p.pct_applied, why,
                       campaign_money(c, p.owed_cents, r->currency));
        else
            buf_printf(&b, " · fee %s owed",
                       campaign_money(c, p.owed_cents, r->currency));
    }
    const char *s = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return s;
}

enum ch_status
retro_render(struct ctx *c, const struct campaign *cp, struct buf *out)
{
    struct retro_row *rows;
    size_t n = 0;
    enum ch_status s = store_retro_rows(c->st, c->a, cp->id, &rows, &n);
    if (s != CH_OK)
        return s;
    if (n == 0)
        return CH_NOT_FOUND;
    int default_pct = store_campaign_late(c->st, cp->id);

    /* The campaign's figures. */
    int live = 0, done = 0, cancelled = 0, drafts_in = 0, drafts_on_time = 0;
    int due_publish = 0, published_on_time = 0, fixes = 0, fixes_late = 0;
    int rounds = 0, approvals = 0;
    int64_t latency = 0;
    struct money total = { .n = 0 };
    for (size_t i = 0; i < n; i++) {
        const struct retro_row *r = &rows[i];
        bool off = strcmp(r->state, "cancelled") == 0;
        cancelled += off;
        if (off)
            continue;
        live++;
        done += delivered(r);
        if (r->draft_late_ms != INT64_MIN) {
            drafts_in++;
            drafts_on_time += r->draft_late_ms <= 0;
        }
        if (r->published_at != INT64_MIN ||
            (delivered(r) && publish_missed(c, r))) {
            due_publish++;
            published_on_time += !publish_missed(c, r);
        }
        fixes += r->fixes;
        fixes_late += r->fixes_late;
        rounds += r->rounds;
        if (r->latency_ms != INT64_MIN) {
            approvals++;
            latency += r->latency_ms;
        }
        if (r->fee_cents != INT64_MIN)
            money_add(&total, r->currency, row_payout(c, r, default_pct)
                                                .owed_cents,
                      r->fee_cents);
    }
    int escalations, conflicts;
    store_retro_counts(c->st, cp->id, &escalations, &conflicts);

    buf_printf(out, "Retrospective of %s (%s) · %s · %s\n", cp->slug,
               cp->brand, model_campaign_states[cp->state],
               campaign_window_text(c, cp));
    if (cp->need)
        buf_printf(out, "Delivered: %d of %d needed (%d deliverable%s", done,
                   cp->need, live, live == 1 ? "" : "s");
    else
        buf_printf(out, "Delivered: %d of %d deliverable%s (", done, live,
                   live == 1 ? "" : "s");
    buf_printf(out, "%s%d cancelled)\n", cp->need ? ", " : "", cancelled);
    buf_printf(out, "On time: drafts %d of %d in (%d not in) · publishing "
               "%d of %d · fixes %d of %d\n", drafts_on_time, drafts_in,
               live - drafts_in, published_on_time, due_publish,
               fixes - fixes_late, fixes);
    buf_printf(out, "Revision rounds: %d over %d deliverable%s · approval "
               "latency: %s\n", rounds, live, live == 1 ? "" : "s",
               approvals ? arena_printf(c->a, "%s on average over %d "
                                        "approval%s",
                                        ctx_duration(c, latency / approvals),
                                        approvals, approvals == 1 ? "" : "s")
                         : "no final approval yet");
    buf_printf(out, "Escalations: %d · conflicts: %d\n", escalations,
               conflicts);
    const char *owed = money_text(c, &total);
    buf_printf(out, "Payouts, owed of fees: %s%s\n",
               owed ? owed : "no fees set",
               default_pct >= 0
                   ? arena_printf(c->a, " (late rule: %d%% unless a "
                                  "deliverable has its own)", default_pct)
                   : "");

    /* Per creator, in the order of the rows (by creator). */
    buf_adds(out, "Per creator:");
    int creators = 0, left_out = 0;
    size_t marks = 0;   /* mentions written: each grows when rendered */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int c_live = 0, c_done = 0, c_in = 0, c_ok = 0, c_rounds = 0;
        struct money m = { .n = 0 };
        for (; j < n && rows[j].creator_id == rows[i].creator_id; j++) {
            const struct retro_row *r = &rows[j];
            if (strcmp(r->state, "cancelled") == 0)
                continue;
            c_live++;
            c_done += delivered(r);
            if (r->draft_late_ms != INT64_MIN) {
                c_in++;
                c_ok += r->draft_late_ms <= 0;
            }
            c_rounds += r->rounds;
            if (r->fee_cents != INT64_MIN)
                money_add(&m, r->currency,
                          row_payout(c, r, default_pct).owed_cents,
                          r->fee_cents);
        }
        int answered, asked;
        store_standup_rate(c->st, rows[i].creator_id, cp->id, &answered,
                           &asked);
        const char *cm = money_text(c, &m);
        const char *line = arena_printf(
            c->a, "\n  %s: %d of %d delivered · drafts on time %d of %d · "
            "%d round%s · standups %d of %d answered%s%s",
            ctx_mark_person(c, rows[i].creator_id), c_done, c_live, c_ok,
            c_in, c_rounds, c_rounds == 1 ? "" : "s", answered, asked,
            cm ? " · owed " : "", cm ? cm : "");
        /* Room is kept for the line that says how many were left out. */
        if (creators >= RETRO_MAX_CREATORS ||
            rendered(out->len + strlen(line), marks + 1) >
                RETRO_MAX_BYTES - 80) {
            left_out++;
        } else {
            buf_adds(out, line);
            marks++;
            creators++;
        }
        i = j;
    }
    if (left_out)
        buf_printf(out, "\n  … and %d more creator%s", left_out,
                   left_out == 1 ? "" : "s");

    /* The feedback layer, as much as fits with room for the last line. */
    struct retro_feedback *fb;
    size_t nfb = 0;
    if (store_retro_feedback_list(c->st, c->a, cp->id, &fb, &nfb) != CH_OK)
        nfb = 0;
    int64_t wrapped = store_campaign_wrapped_at(c->st, cp->id);
    struct retro_kudos *ku;
    size_t nku = 0;
    if (store_retro_kudos_of_campaign(c->st, c->a, cp->id, cp->created_at,
                                      wrapped == INT64_MIN ? c->now : wrapped,
                                      &ku, &nku) != CH_OK)
        nku = 0;
    size_t room = RETRO_MAX_BYTES - 160, told = 0;
    if (nfb)
        buf_printf(out, "\nFeedback (%zu):", nfb);
    for (size_t i = 0; i < nfb; i++) {
        const char *who = fb[i].person_id
                              ? arena_printf(c->a, "%s (%s)",
                                             ctx_mark_person(c,
                                                             fb[i].person_id),
                                             fb[i].role)
                              : "anonymous";
        const char *line = arena_printf(c->a, "\n  \"%s\" — %s",
                                        quote(c, fb[i].text), who);
        size_t m = fb[i].person_id ? 1 : 0;
        if (rendered(out->len + strlen(line), marks + m) > room)
            break;
        buf_adds(out, line);
        marks += m;
        told++;
    }
    if (told < nfb)
        buf_printf(out, "\n  … and %zu more", nfb - told);
    told = 0;
    if (nku)
        buf_printf(out, "\nKudos (%zu):", nku);
    for (size_t i = 0; i < nku; i++) {
        const char *line = arena_printf(
            c->a, "\n  %s to %s: %s", ctx_mark_person(c, ku[i].from_id),
            ctx_mark_person(c, ku[i].to_id), quote(c, ku[i].reason));
        if (rendered(out->len + strlen(line), marks + 2) > room)
            break;
        buf_adds(out, line);
        marks += 2;
        told++;
    }
    if (told < nku)
        buf_printf(out, "\n  … and %zu more", nku - told);

    /* Per deliverable, when it all fits one message. */
    struct buf lines = BUF_INIT;
    buf_adds(&lines, "\nPer deliverable:");
    for (size_t i = 0; i < n; i++)
        buf_printf(&lines, "\n  %s (%s)",
                   deliverable_line(c, &rows[i], default_pct),
                   ctx_mark_person(c, rows[i].creator_id));
    if (rendered(out->len + lines.len, marks + n) <= RETRO_MAX_BYTES)
        buf_adds(out, buf_cstr(&lines));
    else
        buf_printf(out, "\nPer deliverable: %zu lines left out to fit one "
                   "message; the per-creator lines above carry the same "
                   "totals.", n);
    buf_free(&lines);
    return CH_OK;
}
