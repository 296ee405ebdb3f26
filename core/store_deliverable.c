/* SQL for deliverables. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

#define DELIV_COLS                                                         \
    "d.id, d.campaign_id, c.slug, d.number, d.creator_id, p.name, d.title, " \
    "d.platform, d.draft_due, d.publish_at, d.state, d.review_stage, "     \
    "d.fee_cents, d.currency, d.rounds"
#define DELIV_FROM                                                         \
    " FROM deliverables d JOIN campaigns c ON c.id = d.campaign_id"        \
    " JOIN people p ON p.id = d.creator_id"

static void
read_deliverable(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct deliverable *d = row;
    d->id = sqlite3_column_int64(s, 0);
    d->campaign_id = sqlite3_column_int64(s, 1);
    d->slug = store_col_text(a, s, 2);
    d->number = sqlite3_column_int(s, 3);
    d->creator_id = sqlite3_column_int64(s, 4);
    d->creator = store_col_text(a, s, 5);
    d->title = store_col_text(a, s, 6);
    d->platform = store_col_text(a, s, 7);
    d->draft_due = sqlite3_column_int64(s, 8);
    d->publish_at = sqlite3_column_int64(s, 9);
    int st = model_name_index(model_deliverable_states,
                              (const char *)sqlite3_column_text(s, 10));
    d->state = st < 0 ? DELIV_PLANNED : (enum deliverable_state)st;
    const char *stage = (const char *)sqlite3_column_text(s, 11);
    int sg = stage ? model_name_index(model_review_stages, stage) : -1;
    d->stage = sg < 0 ? STAGE_NONE : (enum review_stage)sg;
    d->fee_cents = store_col_int(s, 12, INT64_MIN);
    d->currency = store_col_text(a, s, 13);
    d->rounds = sqlite3_column_int(s, 14);
}

enum ch_status
store_deliverable_insert(struct store *st, struct deliverable *d, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO deliverables (campaign_id, number, creator_id, title,"
            " platform, draft_due, publish_at, state, fee_cents, currency,"
            " created_at, updated_at) VALUES (?1, (SELECT COALESCE(MAX(number),"
            " 0) + 1 FROM deliverables WHERE campaign_id = ?1), ?2, ?3, ?4, ?5,"
            " ?6, 'planned', ?7, ?8, ?9, ?9) RETURNING id, number");
    sqlite3_bind_int64(s, 1, d->campaign_id);
    sqlite3_bind_int64(s, 2, d->creator_id);
    store_bind_text(s, 3, d->title);
    store_bind_text(s, 4, d->platform);
    sqlite3_bind_int64(s, 5, d->draft_due);
    sqlite3_bind_int64(s, 6, d->publish_at);
    store_bind_int(s, 7, d->fee_cents);
    store_bind_text(s, 8, d->currency);
    sqlite3_bind_int64(s, 9, now);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        d->id = sqlite3_column_int64(s, 0);
        d->number = sqlite3_column_int(s, 1);
        d->state = DELIV_PLANNED;
        d->stage = STAGE_NONE;
        d->rounds = 0;
    }
    enum ch_status r = store_check(st, rc, "insert deliverable");
    sqlite3_reset(s);
    return r;
}

enum ch_status
store_deliverable_get(struct store *st, struct arena *a, int64_t campaign_id,
                      int number, struct deliverable *d)
{
    sqlite3_stmt *s =
        store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                       " WHERE d.campaign_id = ? AND d.number = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, number);
    return store_row(st, a, s, read_deliverable, d, "deliverable");
}

enum ch_status
store_deliverable_by_id(struct store *st, struct arena *a, int64_t id,
                        struct deliverable *d)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                                     " WHERE d.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_deliverable, d, "deliverable");
}

enum ch_status
store_deliverable_update(struct store *st, const struct deliverable *d,
                         int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE deliverables SET state = ?, review_stage = ?, rounds = ?,"
            " draft_due = ?, publish_at = ?, updated_at = ? WHERE id = ?");
    store_bind_text(s, 1, model_deliverable_states[d->state]);
    store_bind_text(s, 2, d->stage == STAGE_NONE
                              ? NULL : model_review_stages[d->stage]);
    sqlite3_bind_int(s, 3, d->rounds);
    sqlite3_bind_int64(s, 4, d->draft_due);
    sqlite3_bind_int64(s, 5, d->publish_at);
    sqlite3_bind_int64(s, 6, now);
    sqlite3_bind_int64(s, 7, d->id);
    return store_exec(st, s);
}

enum ch_status
store_deliverable_published(struct store *st, int64_t id, const char *link,
                            int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE deliverables SET published_at = ?, live_link = ?"
            " WHERE id = ?");
    sqlite3_bind_int64(s, 1, now);
    store_bind_text(s, 2, link);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}

enum ch_status
store_deliverable_list(struct store *st, struct arena *a, int64_t campaign_id,
                       int64_t creator_id, struct deliverable **out, size_t *n)
{
    /* "?2 = 0 OR d.creator_id = ?2" keeps SQLite off the creator index
     * (a standup asks about each creator's work: that was a scan of the
     * campaign's deliverables per creator), so one creator's list is its
     * own statement: the same rows in the same order.  So is one
     * campaign's: "?1 = 0 OR" kept it off the campaign's index, a scan of
     * every deliverable of the workspace for each campaign's status. */
    sqlite3_stmt *s = creator_id
        ? store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                         " WHERE d.creator_id = ?2"
                         " AND (?1 = 0 OR d.campaign_id = ?1)"
                         " ORDER BY d.campaign_id, p.name COLLATE NOCASE,"
                         " d.number")
        : campaign_id
        ? store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                         " WHERE d.campaign_id = ?1"
                         " ORDER BY d.campaign_id, p.name COLLATE NOCASE,"
                         " d.number")
        : store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                         " ORDER BY d.campaign_id, p.name COLLATE NOCASE,"
                         " d.number");
    if (creator_id || campaign_id)
        sqlite3_bind_int64(s, 1, campaign_id);
    if (creator_id)
        sqlite3_bind_int64(s, 2, creator_id);
    return store_rows(st, a, s, read_deliverable, sizeof(**out), (void **)out,
                      n, "deliverables");
}

enum ch_status
store_deliverable_set_creator(struct store *st, int64_t id, int64_t creator_id,
                              int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE deliverables SET creator_id = ?, updated_at = ?"
            " WHERE id = ?");
    sqlite3_bind_int64(s, 1, creator_id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}

enum ch_status
store_deliverable_set_late(struct store *st, int64_t id, int pct)
{
    sqlite3_stmt *s =
        store_stmt(st, "UPDATE deliverables SET late_pct = ? WHERE id = ?");
    sqlite3_bind_int(s, 1, pct);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}
