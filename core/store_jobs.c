/* SQL for scheduled jobs. */
#include <sqlite3.h>

#include "arena.h"
#include "schedule.h"
#include "store.h"

enum ch_status
store_jobs_insert(struct store *st, const struct job *j, int64_t now,
                  int64_t *id)
{
    /* Not RETURNING: that builds an ephemeral table on every run. */
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE counters SET value = value + 1 WHERE name = 'job'");
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    s = store_stmt(st, "SELECT value FROM counters WHERE name = 'job'");
    int rc = sqlite3_step(s);
    int64_t new_id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    if (new_id == 0)
        return store_check(st, rc == SQLITE_ROW ? SQLITE_ERROR : rc,
                           "job id");
    s = store_stmt(
        st, "INSERT INTO jobs (due_at, kind, campaign_id, deliverable_id,"
            " person_id, escalation_id, arg, created_at, question_id, rank,"
            " id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, j->due_at);
    store_bind_text(s, 2, j->kind);
    store_bind_int(s, 3, j->campaign_id ? j->campaign_id : INT64_MIN);
    store_bind_int(s, 4, j->deliverable_id ? j->deliverable_id : INT64_MIN);
    store_bind_int(s, 5, j->person_id ? j->person_id : INT64_MIN);
    store_bind_int(s, 6, j->escalation_id ? j->escalation_id : INT64_MIN);
    store_bind_text(s, 7, j->arg);
    sqlite3_bind_int64(s, 8, now);
    store_bind_int(s, 9, j->question_id ? j->question_id : INT64_MIN);
    sqlite3_bind_int64(s, 10, j->rank);
    sqlite3_bind_int64(s, 11, new_id);
    r = store_exec(st, s);
    if (r == CH_OK && id)
        *id = new_id;
    return r;
}

static void
read_job(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct job *j = row;
    j->id = sqlite3_column_int64(s, 0);
    j->due_at = sqlite3_column_int64(s, 1);
    j->kind = store_col_text(a, s, 2);
    j->campaign_id = store_col_int(s, 3, 0);
    j->deliverable_id = store_col_int(s, 4, 0);
    j->person_id = store_col_int(s, 5, 0);
    j->escalation_id = store_col_int(s, 6, 0);
    j->arg = store_col_text(a, s, 7);
    j->question_id = store_col_int(s, 8, 0);
    j->rank = store_col_int(s, 9, 0);
}

enum ch_status
store_jobs_next(struct store *st, struct arena *a, int64_t now, struct job *j)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id, due_at, kind, campaign_id, deliverable_id, person_id,"
            " escalation_id, arg, question_id, rank FROM jobs WHERE due_at <= ?"
            " ORDER BY due_at, id LIMIT 1");   /* the first row */
    sqlite3_bind_int64(s, 1, now);
    return store_row(st, a, s, read_job, j, "next job");
}

enum ch_status
store_jobs_delete(struct store *st, int64_t due_at, int64_t id)
{
    sqlite3_stmt *s = store_stmt(
        st, "DELETE FROM jobs WHERE due_at = ? AND id = ?");
    sqlite3_bind_int64(s, 1, due_at);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

enum ch_status
store_jobs_postpone(struct store *st, int64_t old_due, int64_t id,
                    int64_t due_at)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE jobs SET due_at = ? WHERE due_at = ? AND id = ?");
    sqlite3_bind_int64(s, 1, due_at);
    sqlite3_bind_int64(s, 2, old_due);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}

enum ch_status
store_jobs_delete_deliverable(struct store *st, const char *kind,
                              int64_t deliverable_id)
{
    /* Equality on deliverable_id first, so the partial index serves it. */
    sqlite3_stmt *s = store_stmt(
        st, "DELETE FROM jobs WHERE deliverable_id = ?1"
            " AND (?2 IS NULL OR kind = ?2)");
    sqlite3_bind_int64(s, 1, deliverable_id);
    store_bind_text(s, 2, kind);
    return store_exec(st, s);
}

enum ch_status
store_jobs_delete_escalation(struct store *st, int64_t escalation_id)
{
    sqlite3_stmt *s =
        store_stmt(st, "DELETE FROM jobs WHERE escalation_id = ?");
    sqlite3_bind_int64(s, 1, escalation_id);
    return store_exec(st, s);
}

enum ch_status
store_jobs_delete_campaign(struct store *st, const char *kind,
                           int64_t campaign_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "DELETE FROM jobs WHERE campaign_id = ? AND kind = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, kind);
    return store_exec(st, s);
}

enum ch_status
store_jobs_delete_question(struct store *st, int64_t question_id)
{
    sqlite3_stmt *s = store_stmt(st, "DELETE FROM jobs WHERE question_id = ?");
    sqlite3_bind_int64(s, 1, question_id);
    return store_exec(st, s);
}

int64_t
store_jobs_more_urgent(struct store *st, const char *kind, int64_t person_id,
                       int64_t now, int64_t rank, int64_t id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM jobs WHERE person_id = ?1 AND due_at <= ?2"
            " AND kind = ?3 AND (rank < ?4 OR (rank = ?4 AND id < ?5))");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    store_bind_text(s, 3, kind);
    sqlite3_bind_int64(s, 4, rank);
    sqlite3_bind_int64(s, 5, id);
    return store_scalar(st, s);
}

enum ch_status
store_jobs_resume(struct store *st, int64_t person_id, int64_t since,
                  int64_t due_at, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE jobs SET due_at = ?4 WHERE person_id = ?1"
            " AND due_at = ?3 AND created_at >= ?2"
            " AND kind IN ('nudge', 'question')");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, since);
    sqlite3_bind_int64(s, 3, due_at);
    sqlite3_bind_int64(s, 4, now);
    return store_exec(st, s);
}

int64_t
store_jobs_next_due(struct store *st)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT due_at FROM jobs ORDER BY due_at LIMIT 1");
    int64_t t = INT64_MAX;
    if (sqlite3_step(s) == SQLITE_ROW)
        t = store_col_int(s, 0, INT64_MAX);
    sqlite3_reset(s);
    return t;
}

int64_t
store_jobs_count(struct store *st)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT count(*) FROM jobs");
    return store_scalar(st, s);
}

enum ch_status
store_jobs_delete_campaign_all(struct store *st, int64_t campaign_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "DELETE FROM jobs WHERE campaign_id = ?1"
            " OR deliverable_id IN (SELECT id FROM deliverables"
            "   WHERE campaign_id = ?1)"
            " OR escalation_id IN (SELECT id FROM escalations"
            "   WHERE campaign_id = ?1)");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_exec(st, s);
}

bool
store_jobs_campaign_closed(struct store *st, const struct job *j)
{
    if (!j->campaign_id && !j->deliverable_id && !j->escalation_id)
        return false;
    sqlite3_stmt *s = store_stmt(
        st, "SELECT 1 FROM campaigns WHERE state = 'closed' AND id ="
            " CASE WHEN ?1 != 0 THEN ?1"
            " WHEN ?2 != 0 THEN (SELECT campaign_id FROM deliverables"
            "   WHERE id = ?2)"
            " ELSE (SELECT campaign_id FROM escalations WHERE id = ?3) END");
    sqlite3_bind_int64(s, 1, j->campaign_id);
    sqlite3_bind_int64(s, 2, j->deliverable_id);
    sqlite3_bind_int64(s, 3, j->escalation_id);
    bool closed = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return closed;
}
