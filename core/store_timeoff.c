/* SQL for time off. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

enum ch_status
store_timeoff_add(struct store *st, int64_t person_id, int64_t from, int64_t to,
                  const char *note, int64_t set_by, int64_t now, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO time_off (person_id, starts_at, ends_at, note,"
            " set_by, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, to);
    store_bind_text(s, 4, note);
    store_bind_int(s, 5, set_by ? set_by : INT64_MIN);
    sqlite3_bind_int64(s, 6, now);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK && id)
        *id = store_last_id(st);
    return r;
}

int64_t
store_timeoff_covering(struct store *st, int64_t person_id, int64_t t)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MAX(ends_at) FROM time_off WHERE person_id = ?"
            " AND starts_at <= ?2 AND ends_at > ?2");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, t);
    int64_t end = 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        end = store_col_int(s, 0, 0);
    sqlite3_reset(s);
    return end;
}

int64_t
store_timeoff_next_start(struct store *st, int64_t person_id, int64_t t)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MIN(starts_at) FROM time_off WHERE person_id = ?"
            " AND starts_at > ?");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, t);
    int64_t start = INT64_MAX;
    if (sqlite3_step(s) == SQLITE_ROW)
        start = store_col_int(s, 0, INT64_MAX);
    sqlite3_reset(s);
    return start;
}

enum ch_status
store_timeoff_end(struct store *st, int64_t person_id, int64_t now, int *ended)
{
    /* Cut the current stretch at now; one not yet started is kept. */
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE time_off SET ends_at = ?2 WHERE person_id = ?1"
            " AND starts_at < ?2 AND ends_at > ?2");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    enum ch_status r = store_exec(st, s);
    if (ended)
        *ended = store_changes(st);
    return r;
}

enum ch_status
store_timeoff_list(struct store *st, struct arena *a, int64_t person_id,
                   int64_t after, int64_t **from, int64_t **to, char ***notes,
                   size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT starts_at, ends_at, note FROM time_off"
            " WHERE person_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 20");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, after);
    *from = arena_alloc(a, 20 * sizeof(int64_t));
    *to = arena_alloc(a, 20 * sizeof(int64_t));
    *notes = arena_alloc(a, 20 * sizeof(char *));
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        (*from)[count] = sqlite3_column_int64(s, 0);
        (*to)[count] = sqlite3_column_int64(s, 1);
        (*notes)[count] = store_col_text(a, s, 2);
        count++;
    }
    sqlite3_reset(s);
    *n = count;
    return store_check(st, rc, "time off");
}
