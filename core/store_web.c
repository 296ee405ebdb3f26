/* store_web: a person's secret tokens for the web server (core.h feeds). */
#include <sqlite3.h>

#include "arena.h"
#include "core.h"
#include "model.h"
#include "records.h"
#include "store.h"

enum ch_status
store_web_token_set(struct store *st, int64_t person_id, const char *kind,
                    const char *hash, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO web_tokens (person_id, kind, hash, created_at)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (person_id, kind)"
            " DO UPDATE SET hash = excluded.hash,"
            " created_at = excluded.created_at");
    if (s == NULL)
        return CH_INTERNAL;
    store_bind_int(s, 1, person_id);
    store_bind_text(s, 2, kind);
    store_bind_text(s, 3, hash);
    store_bind_int(s, 4, now);
    return store_exec(st, s);
}

int64_t
store_web_token_person(struct store *st, const char *kind, const char *hash)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT person_id FROM web_tokens WHERE hash = ?1"
            " AND kind = ?2");
    if (s == NULL)
        return 0;
    store_bind_text(s, 1, hash);
    store_bind_text(s, 2, kind);
    return store_scalar(st, s);
}

static void
read_deadline(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct core_deadline *d = row;

    d->campaign = store_col_text(a, s, 0);
    d->number = store_col_int(s, 1, 0);
    d->title = store_col_text(a, s, 2);
    d->creator = store_col_text(a, s, 3);
    d->publish = store_col_int(s, 4, 0) != 0;
    d->at_ms = store_col_int(s, 5, 0);
    d->state = store_col_text(a, s, 6);
}

enum ch_status
store_web_deadlines(struct store *st, struct arena *a, int64_t person_id,
                    int64_t campaign_id, void **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT c.slug, d.number, d.title, p.name, w.publish,"
            " CASE w.publish WHEN 1 THEN d.publish_at ELSE d.draft_due END"
            " AS at, d.state"
            " FROM deliverables d"
            " JOIN campaigns c ON c.id = d.campaign_id"
            " JOIN people p ON p.id = d.creator_id"
            " JOIN (SELECT 0 AS publish UNION ALL SELECT 1) w"
            " WHERE (?1 = 0 OR d.creator_id = ?1)"
            " AND (?2 = 0 OR d.campaign_id = ?2)"
            " AND d.state NOT IN ('cancelled', 'rejected')"
            " ORDER BY at, c.slug, d.number");
    *out = NULL;
    *n = 0;
    if (s == NULL)
        return CH_INTERNAL;
    store_bind_int(s, 1, person_id);
    store_bind_int(s, 2, campaign_id);
    return store_rows(st, a, s, read_deadline, sizeof(struct core_deadline),
                      out, n, "deadlines");
}

enum ch_status
store_web_campaign_page(struct store *st, struct arena *a, int64_t person_id,
                        size_t limit, size_t offset, int64_t **ids,
                        size_t *n, size_t *total)
{
    /* Not closed; hers: she takes part, or leads its brand somewhere
     * (store_participant_brand_lead's rule).  count() OVER () is the
     * whole list's length, counted before the LIMIT. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT c.id, count(*) OVER () FROM campaigns c"
            " JOIN brands b ON b.id = c.brand_id"
            " WHERE c.state != 'closed' AND (?1 = 0"
            " OR EXISTS (SELECT 1 FROM participants p"
            "  WHERE p.campaign_id = c.id AND p.person_id = ?1"
            "  AND p.removed_at IS NULL)"
            " OR c.brand_id IN (SELECT c2.brand_id FROM participants p2"
            "  JOIN campaigns c2 ON c2.id = p2.campaign_id"
            "  WHERE p2.person_id = ?1 AND p2.role = 'brand'"
            "  AND p2.removed_at IS NULL))"
            " ORDER BY b.name COLLATE NOCASE, c.window_from, c.slug"
            " LIMIT ?2 OFFSET ?3");
    *ids = NULL;
    *n = *total = 0;
    if (s == NULL)
        return CH_INTERNAL;
    store_bind_int(s, 1, person_id);
    store_bind_int(s, 2, (int64_t)limit);
    store_bind_int(s, 3, (int64_t)offset);
    *ids = arena_alloc(a, (limit ? limit : 1) * sizeof(**ids));
    int rc = SQLITE_DONE;
    while (*n < limit && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
        *total = (size_t)sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? CH_OK : store_check(st, rc, "dashboard campaigns");
}

static void
read_dates(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct store_web_dates *d = row;

    (void)a;
    d->publish_at = store_col_int(s, 0, 0);
    int st = model_name_index(model_deliverable_states,
                              (const char *)sqlite3_column_text(s, 1));
    d->state = st < 0 ? DELIV_PLANNED : (enum deliverable_state)st;
}

enum ch_status
store_web_campaign_dates(struct store *st, struct arena *a,
                         int64_t campaign_id, struct store_web_dates **out,
                         size_t *n, int *escalations)
{
    /* Two columns of one campaign's rows, by its index: a page of the
     * dashboard's index reads 50 campaigns' worth. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT publish_at, state FROM deliverables"
            " WHERE campaign_id = ?1");
    sqlite3_stmt *e = store_stmt(
        st, "SELECT count(*) FROM escalations WHERE campaign_id = ?1"
            " AND state != 'resolved'");
    *out = NULL;
    *n = 0;
    *escalations = 0;
    if (s == NULL || e == NULL)
        return CH_INTERNAL;
    store_bind_int(e, 1, campaign_id);
    *escalations = (int)store_scalar(st, e);
    store_bind_int(s, 1, campaign_id);
    return store_rows(st, a, s, read_dates, sizeof(**out), (void **)out, n,
                      "deliverable dates");
}
