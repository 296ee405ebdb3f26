/* SQL for submissions and their reviews. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

enum ch_status
store_submission_insert(struct store *st, int64_t deliverable_id, int round,
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
store_submission_latest(struct store *st, struct arena *a,
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

bool
store_submission_passed_stage(struct store *st, int64_t submission_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM reviews WHERE submission_id = ?"
            " AND stage = 'review' AND decision = 'approve'");
    sqlite3_bind_int64(s, 1, submission_id);
    return store_scalar(st, s) > 0;
}

bool
store_submission_passed_by(struct store *st, int64_t submission_id,
                           int64_t person_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM reviews WHERE submission_id = ?"
            " AND reviewer_id = ? AND stage = 'review'"
            " AND decision = 'approve'");
    sqlite3_bind_int64(s, 1, submission_id);
    sqlite3_bind_int64(s, 2, person_id);
    return store_scalar(st, s) > 0;
}

enum ch_status
store_submission_review_insert(struct store *st, const struct review_record *r,
                               int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO reviews (deliverable_id, submission_id, reviewer_id,"
            " stage, decision, visible, message, engagement, reason,"
            " created_at, override) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?)");
    sqlite3_bind_int64(s, 1, r->deliverable_id);
    sqlite3_bind_int64(s, 2, r->submission_id);
    sqlite3_bind_int64(s, 3, r->reviewer_id);
    store_bind_text(s, 4, model_review_stages[r->stage]);
    store_bind_text(s, 5, r->decision);
    sqlite3_bind_int(s, 6, r->visible);
    sqlite3_bind_int(s, 7, r->message);
    sqlite3_bind_int(s, 8, r->engagement);
    store_bind_text(s, 9, r->reason);
    sqlite3_bind_int64(s, 10, now);
    store_bind_text(s, 11, r->override);
    return store_exec(st, s);
}

static void
read_submission(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct submission *sub = row;
    *sub = (struct submission){
        .id = sqlite3_column_int64(s, 0),
        .deliverable_id = sqlite3_column_int64(s, 1),
        .round = sqlite3_column_int(s, 2),
        .link = store_col_text(a, s, 3),
        .body = store_col_text(a, s, 4),
        .submitted_by = sqlite3_column_int64(s, 5),
        .submitted_at = sqlite3_column_int64(s, 6),
        .due_at = store_col_int(s, 7, INT64_MIN),
        .late_ms = store_col_int(s, 8, INT64_MIN),
        .disclosure = store_col_text(a, s, 9),
        .latency_alerted_at = store_col_int(s, 10, INT64_MIN),
    };
}

enum ch_status
store_submission_get(struct store *st, struct arena *a, int64_t id,
                     struct submission *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id, deliverable_id, round, link, body, submitted_by,"
            " submitted_at, due_at, late_ms, disclosure, latency_alerted_at"
            " FROM submissions WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_submission, out, "submission");
}

enum ch_status
store_submission_set_facts(struct store *st, int64_t id, int64_t due_at,
                           int64_t late_ms, const char *disclosure)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE submissions SET due_at = ?, late_ms = ?, disclosure = ?"
            " WHERE id = ?");
    store_bind_int(s, 1, due_at);
    store_bind_int(s, 2, late_ms);
    store_bind_text(s, 3, disclosure);
    sqlite3_bind_int64(s, 4, id);
    return store_exec(st, s);
}

enum ch_status
store_submission_latency_alerted(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE submissions SET latency_alerted_at = ? WHERE id = ?");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

int64_t
store_submission_changes_at(struct store *st, int64_t deliverable_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT ifnull(max(created_at), ?2) FROM reviews"
            " WHERE deliverable_id = ?1 AND decision = 'changes'");
    sqlite3_bind_int64(s, 1, deliverable_id);
    sqlite3_bind_int64(s, 2, INT64_MIN);
    return store_scalar(st, s);
}
