/* SQL for conflict alerts: conflicts, whom they reached, the shingles of
 * submissions, and the candidate queries of conflict.c. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "conflict.h"
#include "records.h"
#include "store.h"

#define CONFLICT_COLS                                                      \
    "id, kind, key, state, brand_id, campaign_a, campaign_b, "             \
    "deliverable_a, deliverable_b, person_id, side_a, side_b, note, sig, " \
    "opened_at, updated_at, closed_at, closed_why, dismissed_by, "         \
    "dismissed_at, dismiss_reason"

/* Running campaigns and live deliverables, as conflict.h says. */
#define RUNNING "c.state IN ('draft', 'active')"
#define LIVE "d.state NOT IN ('rejected', 'missed', 'cancelled')"

static void
read_conflict(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct conflict *k = row;
    k->id = sqlite3_column_int64(s, 0);
    int kind = model_name_index(conflict_kinds,
                                (const char *)sqlite3_column_text(s, 1));
    k->kind = kind < 0 ? CONFLICT_CREATIVE : (enum conflict_kind)kind;
    k->key = store_col_text(a, s, 2);
    int st = model_name_index(conflict_states,
                              (const char *)sqlite3_column_text(s, 3));
    k->state = st < 0 ? CONFLICT_OPEN : (enum conflict_state)st;
    k->brand_id = sqlite3_column_int64(s, 4);
    k->campaign_a = sqlite3_column_int64(s, 5);
    k->campaign_b = sqlite3_column_int64(s, 6);
    k->deliverable_a = store_col_int(s, 7, 0);
    k->deliverable_b = store_col_int(s, 8, 0);
    k->person_id = store_col_int(s, 9, 0);
    k->side_a = store_col_text(a, s, 10);
    k->side_b = store_col_text(a, s, 11);
    k->note = store_col_text(a, s, 12);
    k->sig = store_col_text(a, s, 13);
    k->opened_at = sqlite3_column_int64(s, 14);
    k->updated_at = sqlite3_column_int64(s, 15);
    k->closed_at = store_col_int(s, 16, INT64_MIN);
    k->closed_why = store_col_text(a, s, 17);
    k->dismissed_by = store_col_int(s, 18, 0);
    k->dismissed_at = store_col_int(s, 19, INT64_MIN);
    k->dismiss_reason = store_col_text(a, s, 20);
}

static void
bind_id(sqlite3_stmt *s, int col, int64_t id)
{
    if (id)
        sqlite3_bind_int64(s, col, id);
    else
        sqlite3_bind_null(s, col);
}

enum ch_status
store_conflict_get(struct store *st, struct arena *a, int64_t id,
                   struct conflict *k)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CONFLICT_COLS
                                     " FROM conflicts WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_conflict, k, "conflict");
}

enum ch_status
store_conflict_by_key(struct store *st, struct arena *a, const char *key,
                      struct conflict *k)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CONFLICT_COLS
                                     " FROM conflicts WHERE key = ?"
                                     " AND state != 'closed'");
    store_bind_text(s, 1, key);
    return store_row(st, a, s, read_conflict, k, "conflict");
}

enum ch_status
store_conflict_insert(struct store *st, struct conflict *k)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO conflicts (kind, key, brand_id, campaign_a,"
            " campaign_b, deliverable_a, deliverable_b, person_id, side_a,"
            " side_b, note, sig, opened_at, updated_at) VALUES (?, ?, ?, ?,"
            " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?13)");
    store_bind_text(s, 1, conflict_kinds[k->kind]);
    store_bind_text(s, 2, k->key);
    sqlite3_bind_int64(s, 3, k->brand_id);
    sqlite3_bind_int64(s, 4, k->campaign_a);
    sqlite3_bind_int64(s, 5, k->campaign_b);
    bind_id(s, 6, k->deliverable_a);
    bind_id(s, 7, k->deliverable_b);
    bind_id(s, 8, k->person_id);
    store_bind_text(s, 9, k->side_a);
    store_bind_text(s, 10, k->side_b);
    store_bind_text(s, 11, k->note);
    store_bind_text(s, 12, k->sig);
    sqlite3_bind_int64(s, 13, k->opened_at);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK)
        k->id = store_last_id(st);
    return r;
}

enum ch_status
store_conflict_update(struct store *st, const struct conflict *k)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE conflicts SET campaign_a = ?, campaign_b = ?,"
            " deliverable_a = ?, deliverable_b = ?, person_id = ?,"
            " side_a = ?, side_b = ?, note = ?, sig = ?, updated_at = ?"
            " WHERE id = ?");
    sqlite3_bind_int64(s, 1, k->campaign_a);
    sqlite3_bind_int64(s, 2, k->campaign_b);
    bind_id(s, 3, k->deliverable_a);
    bind_id(s, 4, k->deliverable_b);
    bind_id(s, 5, k->person_id);
    store_bind_text(s, 6, k->side_a);
    store_bind_text(s, 7, k->side_b);
    store_bind_text(s, 8, k->note);
    store_bind_text(s, 9, k->sig);
    sqlite3_bind_int64(s, 10, k->updated_at);
    sqlite3_bind_int64(s, 11, k->id);
    return store_exec(st, s);
}

enum ch_status
store_conflict_close(struct store *st, int64_t id, const char *why,
                     int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE conflicts SET state = 'closed', closed_at = ?,"
            " closed_why = ? WHERE id = ? AND state != 'closed'");
    sqlite3_bind_int64(s, 1, now);
    store_bind_text(s, 2, why);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}

enum ch_status
store_conflict_dismiss(struct store *st, int64_t id, int64_t by,
                       const char *reason, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE conflicts SET state = 'dismissed', dismissed_by = ?,"
            " dismissed_at = ?, dismiss_reason = ? WHERE id = ?"
            " AND state = 'open'");
    sqlite3_bind_int64(s, 1, by);
    sqlite3_bind_int64(s, 2, now);
    store_bind_text(s, 3, reason);
    sqlite3_bind_int64(s, 4, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

/* Keep the rows whose kind is in kinds. */
static enum ch_status
scoped(struct store *st, struct arena *a, sqlite3_stmt *s, unsigned kinds,
       struct conflict **out, size_t *n)
{
    enum ch_status r = store_rows(st, a, s, read_conflict, sizeof(**out),
                                  (void **)out, n, "conflicts");
    size_t m = 0;
    for (size_t i = 0; i < *n; i++)
        if (kinds & (1u << (*out)[i].kind))
            (*out)[m++] = (*out)[i];
    *n = m;
    return r;
}

enum ch_status
store_conflict_of_campaign(struct store *st, struct arena *a,
                           int64_t campaign_id, unsigned kinds,
                           struct conflict **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CONFLICT_COLS " FROM conflicts WHERE campaign_a = ?1"
            " AND state != 'closed' UNION SELECT " CONFLICT_COLS
            " FROM conflicts WHERE campaign_b = ?1 AND state != 'closed'"
            " ORDER BY id");
    sqlite3_bind_int64(s, 1, campaign_id);
    return scoped(st, a, s, kinds, out, n);
}

enum ch_status
store_conflict_of_deliverable(struct store *st, struct arena *a,
                              int64_t deliverable_id, unsigned kinds,
                              struct conflict **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CONFLICT_COLS " FROM conflicts WHERE"
            " deliverable_a = ?1 AND state != 'closed' UNION SELECT "
            CONFLICT_COLS " FROM conflicts WHERE deliverable_b = ?1"
            " AND state != 'closed' ORDER BY id");
    sqlite3_bind_int64(s, 1, deliverable_id);
    return scoped(st, a, s, kinds, out, n);
}

enum ch_status
store_conflict_of_person(struct store *st, struct arena *a, int64_t person_id,
                         unsigned kinds, struct conflict **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CONFLICT_COLS " FROM conflicts WHERE person_id = ?"
            " AND state != 'closed' ORDER BY id");
    sqlite3_bind_int64(s, 1, person_id);
    return scoped(st, a, s, kinds, out, n);
}

enum ch_status
store_conflict_list_open(struct store *st, struct arena *a, int64_t brand_id,
                         int limit, struct conflict **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CONFLICT_COLS " FROM conflicts k WHERE state = 'open'"
            " AND (?1 IS NULL OR EXISTS (SELECT 1 FROM campaigns c WHERE"
            " c.brand_id = ?1 AND c.id IN (k.campaign_a, k.campaign_b)))"
            " ORDER BY id LIMIT ?2");
    bind_id(s, 1, brand_id);
    sqlite3_bind_int(s, 2, limit);
    return store_rows(st, a, s, read_conflict, sizeof(**out), (void **)out, n,
                      "conflicts");
}

int64_t
store_conflict_count_dismissed(struct store *st, int64_t brand_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM conflicts k WHERE state = 'dismissed'"
            " AND (?1 IS NULL OR EXISTS (SELECT 1 FROM campaigns c WHERE"
            " c.brand_id = ?1 AND c.id IN (k.campaign_a, k.campaign_b)))");
    bind_id(s, 1, brand_id);
    return store_scalar(st, s);
}

enum ch_status
store_conflict_stale(struct store *st, struct arena *a, struct conflict **out,
                     size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CONFLICT_COLS " FROM conflicts k WHERE state != 'closed'"
            " AND EXISTS (SELECT 1 FROM campaigns c WHERE c.id IN"
            " (k.campaign_a, k.campaign_b) AND NOT " RUNNING ") ORDER BY id");
    return store_rows(st, a, s, read_conflict, sizeof(**out), (void **)out, n,
                      "conflicts");
}

enum ch_status
store_conflict_told_add(struct store *st, int64_t id, int64_t person_id,
                        int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT OR IGNORE INTO conflict_told (conflict_id, person_id, at)"
            " VALUES (?, ?, ?)");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, person_id);
    sqlite3_bind_int64(s, 3, now);
    return store_exec(st, s);
}

static enum ch_status
ids(struct store *st, struct arena *a, sqlite3_stmt *s, int64_t **out,
    size_t *n, const char *what)
{
    return store_rows(st, a, s, store_read_id, sizeof(**out), (void **)out, n,
                      what);
}

enum ch_status
store_conflict_told(struct store *st, struct arena *a, int64_t id,
                    int64_t **people, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT person_id FROM conflict_told WHERE conflict_id = ?"
            " ORDER BY at, person_id");
    sqlite3_bind_int64(s, 1, id);
    return ids(st, a, s, people, n, "conflict told");
}

/* --- candidates ------------------------------------------------------- */

enum ch_status
store_conflict_brand_campaigns(struct store *st, struct arena *a,
                               int64_t brand_id, int64_t except,
                               int64_t **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT c.id FROM campaigns c WHERE c.brand_id = ? AND c.id != ?"
            " AND " RUNNING " ORDER BY c.id");
    sqlite3_bind_int64(s, 1, brand_id);
    sqlite3_bind_int64(s, 2, except);
    return ids(st, a, s, out, n, "brand campaigns");
}

static void
read_work(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct deliverable *d = row;
    d->id = sqlite3_column_int64(s, 0);
    d->campaign_id = sqlite3_column_int64(s, 1);
    d->slug = store_col_text(a, s, 2);
    d->number = sqlite3_column_int(s, 3);
    d->creator_id = sqlite3_column_int64(s, 4);
}

enum ch_status
store_conflict_creator_work(struct store *st, struct arena *a,
                            int64_t person_id, struct deliverable **out,
                            size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.id, d.campaign_id, c.slug, d.number, d.creator_id"
            " FROM deliverables d JOIN campaigns c ON c.id = d.campaign_id"
            " WHERE d.creator_id = ? AND " LIVE " AND " RUNNING
            " ORDER BY d.campaign_id, d.number");
    sqlite3_bind_int64(s, 1, person_id);
    return store_rows(st, a, s, read_work, sizeof(**out), (void **)out, n,
                      "creator work");
}

enum ch_status
store_conflict_near_publish(struct store *st, struct arena *a,
                            int64_t brand_id, const char *platform,
                            int64_t from, int64_t to, int64_t except_campaign,
                            int64_t **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.id FROM campaigns c JOIN deliverables d"
            " ON d.campaign_id = c.id AND d.platform = ?1"
            " AND d.publish_at > ?2 AND d.publish_at < ?3"
            " WHERE c.brand_id = ?5 AND c.id != ?4 AND " RUNNING
            " AND " LIVE " ORDER BY d.publish_at, d.id");
    store_bind_text(s, 1, platform);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, to);
    sqlite3_bind_int64(s, 4, except_campaign);
    sqlite3_bind_int64(s, 5, brand_id);
    return ids(st, a, s, out, n, "publishing neighbours");
}

enum ch_status
store_conflict_brand_creators(struct store *st, struct arena *a,
                              int64_t brand_id, int64_t **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT DISTINCT d.creator_id FROM campaigns c JOIN deliverables d"
            " ON d.campaign_id = c.id WHERE c.brand_id = ? AND " RUNNING
            " AND " LIVE " ORDER BY d.creator_id");
    sqlite3_bind_int64(s, 1, brand_id);
    return ids(st, a, s, out, n, "brand creators");
}

enum ch_status
store_conflict_all_campaigns(struct store *st, struct arena *a, int64_t **out,
                             size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT c.id FROM campaigns c WHERE " RUNNING " ORDER BY c.id");
    return ids(st, a, s, out, n, "running campaigns");
}

enum ch_status
store_conflict_all_creators(struct store *st, struct arena *a, int64_t **out,
                            size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT DISTINCT d.creator_id FROM deliverables d JOIN campaigns c"
            " ON c.id = d.campaign_id WHERE " LIVE " AND " RUNNING
            " ORDER BY d.creator_id");
    return ids(st, a, s, out, n, "creators at work");
}

enum ch_status
store_conflict_upcoming(struct store *st, struct arena *a, int64_t after,
                        int64_t **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.id FROM deliverables d JOIN campaigns c"
            " ON c.id = d.campaign_id WHERE d.platform IS NOT NULL"
            " AND d.publish_at > ? AND " LIVE " AND " RUNNING
            " ORDER BY d.id");
    sqlite3_bind_int64(s, 1, after);
    return ids(st, a, s, out, n, "upcoming deliverables");
}

enum ch_status
store_conflict_unshingled(struct store *st, struct arena *a, int64_t **out,
                          size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.id FROM deliverables d JOIN campaigns c"
            " ON c.id = d.campaign_id WHERE " LIVE " AND " RUNNING
            " AND EXISTS (SELECT 1 FROM submissions s WHERE"
            " s.deliverable_id = d.id) AND NOT EXISTS (SELECT 1 FROM"
            " conflict_texts t WHERE t.deliverable_id = d.id) ORDER BY d.id");
    return ids(st, a, s, out, n, "texts to shingle");
}

enum ch_status
store_conflict_text_drop(struct store *st, int64_t deliverable_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "DELETE FROM conflict_shingles WHERE deliverable_id = ?");
    sqlite3_bind_int64(s, 1, deliverable_id);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    s = store_stmt(st, "DELETE FROM conflict_texts WHERE deliverable_id = ?");
    sqlite3_bind_int64(s, 1, deliverable_id);
    return store_exec(st, s);
}

enum ch_status
store_conflict_text_put(struct store *st, int64_t deliverable_id,
                        int64_t submission_id, int64_t brand_id,
                        const uint64_t *hashes, size_t n)
{
    enum ch_status r = store_conflict_text_drop(st, deliverable_id);
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO conflict_texts (deliverable_id, submission_id,"
            " brand_id, shingles) VALUES (?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, deliverable_id);
    sqlite3_bind_int64(s, 2, submission_id);
    sqlite3_bind_int64(s, 3, brand_id);
    sqlite3_bind_int64(s, 4, (int64_t)n);
    if (r == CH_OK)
        r = store_exec(st, s);
    for (size_t i = 0; i < n && r == CH_OK; i++) {
        s = store_stmt(st, "INSERT OR IGNORE INTO conflict_shingles"
                           " (brand_id, hash, deliverable_id)"
                           " VALUES (?, ?, ?)");
        sqlite3_bind_int64(s, 1, brand_id);
        sqlite3_bind_int64(s, 2, (int64_t)hashes[i]);
        sqlite3_bind_int64(s, 3, deliverable_id);
        r = store_exec(st, s);
    }
    return r;
}

int64_t
store_conflict_text_of(struct store *st, int64_t deliverable_id,
                       int64_t *shingles)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT submission_id, shingles FROM conflict_texts"
            " WHERE deliverable_id = ?");
    sqlite3_bind_int64(s, 1, deliverable_id);
    int64_t id = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        id = sqlite3_column_int64(s, 0);
        if (shingles)
            *shingles = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    return id;
}

enum ch_status
store_conflict_postings(struct store *st, struct arena *a, int64_t brand_id,
                        uint64_t hash, int limit, int64_t **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT deliverable_id FROM conflict_shingles WHERE brand_id = ?"
            " AND hash = ? LIMIT ?");
    sqlite3_bind_int64(s, 1, brand_id);
    sqlite3_bind_int64(s, 2, (int64_t)hash);
    sqlite3_bind_int(s, 3, limit + 1);
    return ids(st, a, s, out, n, "shingle postings");
}
