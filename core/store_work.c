/* SQL for deliverables, submissions, reviews and escalations. */
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
    int st = name_index(deliverable_state_names,
                        (const char *)sqlite3_column_text(s, 10));
    d->state = st < 0 ? DELIV_PLANNED : (enum deliverable_state)st;
    const char *stage = (const char *)sqlite3_column_text(s, 11);
    int sg = stage ? name_index(review_stage_names, stage) : -1;
    d->stage = sg < 0 ? STAGE_NONE : (enum review_stage)sg;
    d->fee_cents = store_col_int(s, 12, INT64_MIN);
    d->currency = store_col_text(a, s, 13);
    d->rounds = sqlite3_column_int(s, 14);
}

enum ch_status
rec_deliverable_insert(struct store *st, struct deliverable *d, int64_t now)
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
rec_deliverable_get(struct store *st, struct arena *a, int64_t campaign_id,
                    int number, struct deliverable *d)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                                     " WHERE d.campaign_id = ? AND d.number = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, number);
    return store_row(st, a, s, read_deliverable, d, "deliverable");
}

enum ch_status
rec_deliverable_by_id(struct store *st, struct arena *a, int64_t id,
                      struct deliverable *d)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " DELIV_COLS DELIV_FROM
                                     " WHERE d.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_deliverable, d, "deliverable");
}

enum ch_status
rec_deliverable_update(struct store *st, const struct deliverable *d,
                       int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE deliverables SET state = ?, review_stage = ?, rounds = ?,"
            " draft_due = ?, publish_at = ?, updated_at = ? WHERE id = ?");
    store_bind_text(s, 1, deliverable_state_names[d->state]);
    store_bind_text(s, 2, d->stage == STAGE_NONE
                              ? NULL : review_stage_names[d->stage]);
    sqlite3_bind_int(s, 3, d->rounds);
    sqlite3_bind_int64(s, 4, d->draft_due);
    sqlite3_bind_int64(s, 5, d->publish_at);
    sqlite3_bind_int64(s, 6, now);
    sqlite3_bind_int64(s, 7, d->id);
    return store_exec(st, s);
}

enum ch_status
rec_deliverable_published(struct store *st, int64_t id, const char *link,
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
rec_deliverables(struct store *st, struct arena *a, int64_t campaign_id,
                 int64_t creator_id, struct deliverable **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " DELIV_COLS DELIV_FROM
            " WHERE (?1 = 0 OR d.campaign_id = ?1)"
            " AND (?2 = 0 OR d.creator_id = ?2)"
            " ORDER BY d.campaign_id, p.name COLLATE NOCASE, d.number");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, creator_id);
    return store_rows(st, a, s, read_deliverable, sizeof(**out), (void **)out,
                      n, "deliverables");
}

enum ch_status
rec_submission_insert(struct store *st, int64_t deliverable_id, int round,
                      const char *link, const char *body, int64_t by,
                      int64_t now, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO submissions (deliverable_id, round, link, body,"
            " submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, deliverable_id);
    sqlite3_bind_int(s, 2, round);
    store_bind_text(s, 3, link);
    store_bind_text(s, 4, body);
    sqlite3_bind_int64(s, 5, by);
    sqlite3_bind_int64(s, 6, now);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK && id)
        *id = store_last_id(st);
    return r;
}

enum ch_status
rec_submission_latest(struct store *st, struct arena *a,
                      int64_t deliverable_id, int64_t *id, int *round,
                      char **link, int64_t *at)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id, round, link, submitted_at FROM submissions"
            " WHERE deliverable_id = ? ORDER BY round DESC LIMIT 1");
    sqlite3_bind_int64(s, 1, deliverable_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        if (id)
            *id = sqlite3_column_int64(s, 0);
        if (round)
            *round = sqlite3_column_int(s, 1);
        if (link)
            *link = store_col_text(a, s, 2);
        if (at)
            *at = sqlite3_column_int64(s, 3);
    } else if (round) {
        *round = 0;
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW    ? CH_OK
           : rc == SQLITE_DONE ? CH_NOT_FOUND
                               : store_check(st, rc, "submission");
}

enum ch_status
rec_review_insert(struct store *st, const struct review_record *r, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO reviews (deliverable_id, submission_id, reviewer_id,"
            " stage, decision, visible, message, engagement, reason,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, r->deliverable_id);
    sqlite3_bind_int64(s, 2, r->submission_id);
    sqlite3_bind_int64(s, 3, r->reviewer_id);
    store_bind_text(s, 4, review_stage_names[r->stage]);
    store_bind_text(s, 5, r->decision);
    sqlite3_bind_int(s, 6, r->visible);
    sqlite3_bind_int(s, 7, r->message);
    sqlite3_bind_int(s, 8, r->engagement);
    store_bind_text(s, 9, r->reason);
    sqlite3_bind_int64(s, 10, now);
    return store_exec(st, s);
}

#define ESC_COLS                                                           \
    "id, campaign_id, deliverable_id, reason, opened_by, opened_at, level, " \
    "level_since, cycle, state, acked_by, ack_note, resolution"

static void
read_escalation(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct escalation *e = row;
    e->id = sqlite3_column_int64(s, 0);
    e->campaign_id = sqlite3_column_int64(s, 1);
    e->deliverable_id = store_col_int(s, 2, 0);
    e->reason = store_col_text(a, s, 3);
    e->opened_by = store_col_int(s, 4, 0);
    e->opened_at = sqlite3_column_int64(s, 5);
    e->level = sqlite3_column_int(s, 6);
    e->level_since = sqlite3_column_int64(s, 7);
    e->cycle = sqlite3_column_int(s, 8);
    int st = name_index(escalation_state_names,
                        (const char *)sqlite3_column_text(s, 9));
    e->state = st < 0 ? ESC_OPEN : (enum escalation_state)st;
    e->acked_by = store_col_int(s, 10, 0);
    e->ack_note = store_col_text(a, s, 11);
    e->resolution = store_col_text(a, s, 12);
}

enum ch_status
rec_escalation_insert(struct store *st, struct escalation *e)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO escalations (campaign_id, deliverable_id, reason,"
            " opened_by, opened_at, level, level_since, cycle, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'open')");
    sqlite3_bind_int64(s, 1, e->campaign_id);
    store_bind_int(s, 2, e->deliverable_id ? e->deliverable_id : INT64_MIN);
    store_bind_text(s, 3, e->reason);
    store_bind_int(s, 4, e->opened_by ? e->opened_by : INT64_MIN);
    sqlite3_bind_int64(s, 5, e->opened_at);
    sqlite3_bind_int(s, 6, e->level);
    sqlite3_bind_int64(s, 7, e->level_since);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK) {
        e->id = store_last_id(st);
        e->state = ESC_OPEN;
    }
    return r;
}

enum ch_status
rec_escalation_get(struct store *st, struct arena *a, int64_t id,
                   struct escalation *e)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " ESC_COLS
                                     " FROM escalations WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_escalation, e, "escalation");
}

enum ch_status
rec_escalation_ack(struct store *st, int64_t id, int64_t by, const char *note,
                   int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE escalations SET state = 'acknowledged', acked_by = ?,"
            " acked_at = ?, ack_note = ? WHERE id = ? AND state = 'open'");
    sqlite3_bind_int64(s, 1, by);
    sqlite3_bind_int64(s, 2, now);
    store_bind_text(s, 3, note);
    sqlite3_bind_int64(s, 4, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

enum ch_status
rec_escalation_resolve(struct store *st, int64_t id, int64_t by,
                       const char *note, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE escalations SET state = 'resolved', resolved_by = ?,"
            " resolved_at = ?, resolution = ?"
            " WHERE id = ? AND state != 'resolved'");
    sqlite3_bind_int64(s, 1, by);
    sqlite3_bind_int64(s, 2, now);
    store_bind_text(s, 3, note);
    sqlite3_bind_int64(s, 4, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

enum ch_status
rec_escalation_set_level(struct store *st, int64_t id, int level, int cycle,
                         int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE escalations SET level = ?, cycle = ?, level_since = ?"
            " WHERE id = ? AND state = 'open'");
    sqlite3_bind_int(s, 1, level);
    sqlite3_bind_int(s, 2, cycle);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, id);
    return store_exec(st, s);
}

enum ch_status
rec_escalations_open(struct store *st, struct arena *a, int64_t campaign_id,
                     struct escalation **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ESC_COLS " FROM escalations"
            " WHERE campaign_id = ? AND state != 'resolved' ORDER BY id");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_escalation, sizeof(**out), (void **)out,
                      n, "escalations");
}
