/* SQL for brands. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

static void
read_brand(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct brand *b = row;
    b->id = sqlite3_column_int64(s, 0);
    b->name = store_col_text(a, s, 1);
    b->category = store_col_text(a, s, 2);
    b->exclusive = store_col_text(a, s, 3);
    b->set_by = store_col_int(s, 4, 0);
    b->set_at = store_col_int(s, 5, INT64_MIN);
}

#define BRAND_COLS "id, name, category, exclusive, set_by, set_at"

enum ch_status
store_brand_by_name(struct store *st, struct arena *a, const char *name,
                    struct brand *b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " BRAND_COLS " FROM brands WHERE name = ?");
    store_bind_text(s, 1, name);
    return store_row(st, a, s, read_brand, b, "brand");
}

enum ch_status
store_brand_get(struct store *st, struct arena *a, int64_t id,
                struct brand *b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " BRAND_COLS " FROM brands WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_brand, b, "brand");
}

enum ch_status
store_brand_set(struct store *st, int64_t id, const char *category,
                const char *exclusive, int64_t by, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE brands SET category = ?, exclusive = ?, set_by = ?,"
            " set_at = ? WHERE id = ?");
    store_bind_text(s, 1, category);
    store_bind_text(s, 2, exclusive);
    sqlite3_bind_int64(s, 3, by);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, id);
    return store_exec(st, s);
}

enum ch_status
store_brand_put(struct store *st, const char *name, const char *category,
                const char *exclusive, int64_t now, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO brands (name, category, exclusive, created_at)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET"
            " category = CASE WHEN set_at IS NULL"
            "   THEN COALESCE(?2, category) ELSE category END,"
            " exclusive = CASE WHEN set_at IS NULL"
            "   THEN COALESCE(?3, exclusive) ELSE exclusive END"
            " RETURNING id");
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, category);
    store_bind_text(s, 3, exclusive);
    sqlite3_bind_int64(s, 4, now);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && id)
        *id = sqlite3_column_int64(s, 0);
    enum ch_status r = rc == SQLITE_ROW ? CH_OK : store_check(st, rc, "brand");
    sqlite3_reset(s);
    return r;
}
