/* SQL for briefs and their versions. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

static void
read_brief(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct brief *b = row;
    b->version = sqlite3_column_int(s, 0);
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        b->field[i] = store_col_text(a, s, 1 + i);
    b->locked_at = store_col_int(s, 1 + BRIEF_NFIELDS, INT64_MIN);
}

enum ch_status
store_brief_get(struct store *st, struct arena *a, int64_t campaign_id,
                int version, struct brief *b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT version, story, audience, core_message, visual_style,"
            " must_include, must_avoid, flexible, disclosure, success_metrics,"
            " timeline_notes, locked_at FROM brief_versions"
            " WHERE campaign_id = ? AND version = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, version);
    return store_row(st, a, s, read_brief, b, "brief");
}

enum ch_status
store_brief_put(struct store *st, int64_t campaign_id, const struct brief *b,
                const char *changed_field, int64_t changed_by, int64_t now,
                bool locked)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO brief_versions (campaign_id, version, story,"
            " audience, core_message, visual_style, must_include, must_avoid,"
            " flexible, disclosure, success_metrics, timeline_notes,"
            " changed_field, changed_by, created_at, locked_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, b->version);
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        store_bind_text(s, 3 + i, b->field[i]);
    store_bind_text(s, 13, changed_field);
    store_bind_int(s, 14, changed_by ? changed_by : INT64_MIN);
    sqlite3_bind_int64(s, 15, now);
    store_bind_int(s, 16, locked ? now : INT64_MIN);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    s = store_stmt(st, "UPDATE campaigns SET brief_version = ? WHERE id = ?");
    sqlite3_bind_int(s, 1, b->version);
    sqlite3_bind_int64(s, 2, campaign_id);
    return store_exec(st, s);
}

enum ch_status
store_brief_lock(struct store *st, int64_t campaign_id, int version,
                 int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE brief_versions SET locked_at = ?"
            " WHERE campaign_id = ? AND version = ? AND locked_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, campaign_id);
    sqlite3_bind_int(s, 3, version);
    return store_exec(st, s);
}
