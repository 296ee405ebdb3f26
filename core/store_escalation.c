/* SQL for escalations and the people they reached. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

#define ESC_COLS                                                           \
    "id, campaign_id, deliverable_id, reason, opened_by, opened_at, level, " \
    "level_since, cycle, state, acked_by, ack_note, resolution, cause, "    \
    "ladder, repeats, acked_at, resolved_by, resolved_at"

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
    int st = model_name_index(model_escalation_states,
                              (const char *)sqlite3_column_text(s, 9));
    e->state = st < 0 ? ESC_OPEN : (enum escalation_state)st;
    e->acked_by = store_col_int(s, 10, 0);
    e->ack_note = store_col_text(a, s, 11);
    e->resolution = store_col_text(a, s, 12);
    int cause = model_name_index(model_escalation_causes,
                                 (const char *)sqlite3_column_text(s, 13));
    e->cause = cause < 0 ? ESC_MANUAL : (enum escalation_cause)cause;
    e->ladder = store_col_text(a, s, 14);
    e->repeats = (int)store_col_int(s, 15, -1);
    e->acked_at = store_col_int(s, 16, 0);
    e->resolved_by = store_col_int(s, 17, 0);
    e->resolved_at = store_col_int(s, 18, 0);
}

enum ch_status
store_escalation_insert(struct store *st, struct escalation *e)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO escalations (campaign_id, deliverable_id, reason,"
            " opened_by, opened_at, level, level_since, cycle, state, cause,"
            " ladder, repeats)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'open', ?, ?, ?)");
    sqlite3_bind_int64(s, 1, e->campaign_id);
    store_bind_int(s, 2, e->deliverable_id ? e->deliverable_id : INT64_MIN);
    store_bind_text(s, 3, e->reason);
    store_bind_int(s, 4, e->opened_by ? e->opened_by : INT64_MIN);
    sqlite3_bind_int64(s, 5, e->opened_at);
    sqlite3_bind_int(s, 6, e->level);
    sqlite3_bind_int64(s, 7, e->level_since);
    store_bind_text(s, 8, model_escalation_causes[e->cause]);
    store_bind_text(s, 9, e->ladder);
    sqlite3_bind_int(s, 10, e->repeats);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK) {
        e->id = store_last_id(st);
        e->state = ESC_OPEN;
    }
    return r;
}

enum ch_status
store_escalation_get(struct store *st, struct arena *a, int64_t id,
                     struct escalation *e)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " ESC_COLS
                                     " FROM escalations WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_escalation, e, "escalation");
}

enum ch_status
store_escalation_find_open(struct store *st, struct arena *a,
                           int64_t campaign_id, int64_t deliverable_id,
                           enum escalation_cause cause, struct escalation *e)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ESC_COLS " FROM escalations"
            " WHERE campaign_id = ? AND IFNULL(deliverable_id, 0) = ?"
            " AND cause = ? AND state != 'resolved' ORDER BY id LIMIT 1");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, deliverable_id);
    store_bind_text(s, 3, model_escalation_causes[cause]);
    return store_row(st, a, s, read_escalation, e, "escalation");
}

enum ch_status
store_escalation_set_reason(struct store *st, int64_t id, const char *reason)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE escalations SET reason = ? WHERE id = ?");
    store_bind_text(s, 1, reason);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

enum ch_status
store_escalation_ack(struct store *st, int64_t id, int64_t by, const char *note,
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
store_escalation_resolve(struct store *st, int64_t id, int64_t by,
                         const char *note, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE escalations SET state = 'resolved', resolved_by = ?,"
            " resolved_at = ?, resolution = ?"
            " WHERE id = ? AND state != 'resolved'");
    store_bind_int(s, 1, by ? by : INT64_MIN);
    sqlite3_bind_int64(s, 2, now);
    store_bind_text(s, 3, note);
    sqlite3_bind_int64(s, 4, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

enum ch_status
store_escalation_set_level(struct store *st, int64_t id, int level, int cycle,
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
store_escalation_list_open(struct store *st, struct arena *a,
                           int64_t campaign_id, struct escalation **out,
                           size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ESC_COLS " FROM escalations"
            " WHERE campaign_id = ? AND state != 'resolved' ORDER BY id");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_escalation, sizeof(**out), (void **)out,
                      n, "escalations");
}

enum ch_status
store_escalation_list_deliverable(struct store *st, struct arena *a,
                                  int64_t deliverable_id,
                                  struct escalation **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ESC_COLS " FROM escalations"
            " WHERE deliverable_id = ? AND state != 'resolved' ORDER BY id");
    sqlite3_bind_int64(s, 1, deliverable_id);
    return store_rows(st, a, s, read_escalation, sizeof(**out), (void **)out,
                      n, "escalations");
}

/* --- who an escalation reached ------------------------------------------ */

enum ch_status
store_escalation_reached_add(struct store *st, int64_t id, int64_t person_id,
                             int level, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT OR IGNORE INTO escalation_reached (escalation_id,"
            " person_id, level, at) VALUES (?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, person_id);
    sqlite3_bind_int(s, 3, level);
    sqlite3_bind_int64(s, 4, now);
    return store_exec(st, s);
}

enum ch_status
store_escalation_reached(struct store *st, struct arena *a, int64_t id,
                         int64_t **people, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT person_id FROM escalation_reached"
            " WHERE escalation_id = ? ORDER BY level, at, person_id");
    sqlite3_bind_int64(s, 1, id);
    return store_rows(st, a, s, store_read_id, sizeof(**people),
                      (void **)people, n, "escalation reached");
}

bool
store_escalation_was_reached(struct store *st, int64_t id, int64_t person_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT 1 FROM escalation_reached"
            " WHERE escalation_id = ? AND person_id = ?");
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, person_id);
    return store_scalar(st, s) == 1;
}
