/* SQL for nudges sent, questions and per-campaign schedule settings. */
#include <sqlite3.h>

#include "arena.h"
#include "nudge.h"
#include "store.h"

enum ch_status
rec_nudge_add(struct store *st, const struct nudge_record *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO nudges (person_id, campaign_id, deliverable_id,"
            " question_id, kind, offset_ms, due_at, sent_at, local_day)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, n->person_id);
    store_bind_int(s, 2, n->campaign_id ? n->campaign_id : INT64_MIN);
    store_bind_int(s, 3, n->deliverable_id ? n->deliverable_id : INT64_MIN);
    store_bind_int(s, 4, n->question_id ? n->question_id : INT64_MIN);
    store_bind_text(s, 5, n->kind);
    sqlite3_bind_int64(s, 6, n->offset_ms);
    sqlite3_bind_int64(s, 7, n->due_at);
    sqlite3_bind_int64(s, 8, n->sent_at);
    store_bind_text(s, 9, n->local_day);
    return store_exec(st, s);
}

int
rec_nudges_on_day(struct store *st, int64_t person_id, const char *local_day)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM nudges WHERE person_id = ? AND local_day = ?");
    sqlite3_bind_int64(s, 1, person_id);
    store_bind_text(s, 2, local_day);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    return n;
}

bool
rec_nudge_superseded(struct store *st, int64_t deliverable_id,
                     const char *phase, int64_t offset, int64_t target,
                     int64_t now)
{
    /* Sent rows count only for this deadline (due_at - offset_ms is the
     * deadline they were about): a moved deliverable starts afresh. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT EXISTS (SELECT 1 FROM nudges WHERE deliverable_id = ?1"
            "  AND kind = ?2 AND offset_ms > ?3 AND due_at - offset_ms = ?4)"
            " OR EXISTS (SELECT 1 FROM jobs WHERE deliverable_id = ?1"
            "  AND kind = 'nudge' AND due_at <= ?5"
            "  AND substr(arg, 1, length(?2) + 1) = ?2 || ':'"
            "  AND CAST(substr(arg, length(?2) + 2) AS INTEGER) > ?3)");
    sqlite3_bind_int64(s, 1, deliverable_id);
    store_bind_text(s, 2, phase);
    sqlite3_bind_int64(s, 3, offset);
    sqlite3_bind_int64(s, 4, target);
    sqlite3_bind_int64(s, 5, now);
    bool yes = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return yes;
}

enum ch_status
rec_schedule_row(struct store *st, struct arena *a, int64_t campaign_id,
                 struct schedule_row *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT nudge_before, nudge_after, nudge_daily_cap,"
            " approval_guard, fix_window, question_target, lead_time"
            " FROM campaign_settings WHERE campaign_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    int rc = sqlite3_step(s);
    *r = (struct schedule_row){ .cap = 0, .guard = INT64_MIN,
                                .fix = INT64_MIN, .response = INT64_MIN,
                                .lead = INT64_MIN };
    if (rc == SQLITE_ROW) {
        r->before = store_col_text(a, s, 0);
        r->after = store_col_text(a, s, 1);
        r->cap = (int)store_col_int(s, 2, 0);
        r->guard = store_col_int(s, 3, INT64_MIN);
        r->fix = store_col_int(s, 4, INT64_MIN);
        r->response = store_col_int(s, 5, INT64_MIN);
        r->lead = store_col_int(s, 6, INT64_MIN);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? CH_OK
                                                 : store_check(st, rc, "settings");
}

enum ch_status
rec_schedule_put(struct store *st, int64_t campaign_id,
                 const struct schedule_row *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO campaign_settings (campaign_id, nudge_before,"
            " nudge_after, nudge_daily_cap, approval_guard, fix_window,"
            " question_target, lead_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
            " ?8) ON CONFLICT (campaign_id) DO UPDATE SET"
            " nudge_before = ?2, nudge_after = ?3, nudge_daily_cap = ?4,"
            " approval_guard = ?5, fix_window = ?6, question_target = ?7,"
            " lead_time = ?8");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, r->before);
    store_bind_text(s, 3, r->after);
    store_bind_int(s, 4, r->cap ? r->cap : INT64_MIN);
    store_bind_int(s, 5, r->guard);
    store_bind_int(s, 6, r->fix);
    store_bind_int(s, 7, r->response);
    store_bind_int(s, 8, r->lead);
    return store_exec(st, s);
}

#define Q_COLS "id, campaign_id, asked_by, text, asked_at, answered_by, " \
               "answered_at, answer, reminded_at"

static void
read_question(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct question *q = row;
    q->id = sqlite3_column_int64(s, 0);
    q->campaign_id = sqlite3_column_int64(s, 1);
    q->asked_by = sqlite3_column_int64(s, 2);
    q->text = store_col_text(a, s, 3);
    q->asked_at = sqlite3_column_int64(s, 4);
    q->answered_by = store_col_int(s, 5, 0);
    q->answered_at = store_col_int(s, 6, INT64_MIN);
    q->answer = store_col_text(a, s, 7);
    q->reminded_at = store_col_int(s, 8, INT64_MIN);
}

enum ch_status
rec_question_insert(struct store *st, struct question *q)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO questions (campaign_id, asked_by, text, asked_at)"
            " VALUES (?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, q->campaign_id);
    sqlite3_bind_int64(s, 2, q->asked_by);
    store_bind_text(s, 3, q->text);
    sqlite3_bind_int64(s, 4, q->asked_at);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK)
        q->id = store_last_id(st);
    return r;
}

enum ch_status
rec_question_get(struct store *st, struct arena *a, int64_t id,
                 struct question *q)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " Q_COLS
                                     " FROM questions WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_question, q, "question");
}

enum ch_status
rec_question_answer(struct store *st, int64_t id, int64_t by,
                    const char *answer, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE questions SET answered_by = ?, answered_at = ?,"
            " answer = ? WHERE id = ? AND answered_at IS NULL");
    sqlite3_bind_int64(s, 1, by);
    sqlite3_bind_int64(s, 2, now);
    store_bind_text(s, 3, answer);
    sqlite3_bind_int64(s, 4, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

enum ch_status
rec_question_reminded(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE questions SET reminded_at = COALESCE(reminded_at, ?)"
            " WHERE id = ?");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}
