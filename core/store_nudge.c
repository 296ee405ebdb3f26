/* SQL for the nudges sent. */
#include <sqlite3.h>

#include "arena.h"
#include "nudge.h"
#include "store.h"

enum ch_status
store_nudge_add(struct store *st, const struct nudge_record *n)
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
store_nudge_count_on_day(struct store *st, int64_t person_id,
                         const char *local_day)
{
    sqlite3_stmt *s = store_stmt(
        st,
        "SELECT count(*) FROM nudges WHERE person_id = ? AND local_day = ?");
    sqlite3_bind_int64(s, 1, person_id);
    store_bind_text(s, 2, local_day);
    int n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_reset(s);
    return n;
}

bool
store_nudge_superseded(struct store *st, int64_t deliverable_id,
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
