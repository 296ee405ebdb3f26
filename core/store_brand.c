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
}

enum ch_status
store_brand_by_name(struct store *st, struct arena *a, const char *name,
                    struct brand *b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id, name, category, exclusive FROM brands WHERE name = ?");
    store_bind_text(s, 1, name);
    return store_row(st, a, s, read_brand, b, "brand");
}

enum ch_status
store_brand_put(struct store *st, const char *name, const char *category,
                const char *exclusive, int64_t now, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO brands (name, category, exclusive, created_at)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET"
            " category = COALESCE(?2, category),"
            " exclusive = COALESCE(?3, exclusive)"
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
