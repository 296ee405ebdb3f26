/* SQL for questions. */
#include <sqlite3.h>

#include "arena.h"
#include "nudge.h"
#include "store.h"

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
store_question_insert(struct store *st, struct question *q)
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
store_question_get(struct store *st, struct arena *a, int64_t id,
                   struct question *q)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " Q_COLS
                                     " FROM questions WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_question, q, "question");
}

enum ch_status
store_question_answer(struct store *st, int64_t id, int64_t by,
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
store_question_reminded(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE questions SET reminded_at = COALESCE(reminded_at, ?)"
            " WHERE id = ?");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}
