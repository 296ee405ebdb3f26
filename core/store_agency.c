/* SQL for agencies. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

enum ch_status
store_agency_get_or_create(struct store *st, const char *name, int64_t now,
                           int64_t *id, bool *created)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT id FROM agencies WHERE name = ?");
    store_bind_text(s, 1, name);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *created = false;
        sqlite3_reset(s);
        return CH_OK;
    }
    sqlite3_reset(s);
    s = store_stmt(st, "INSERT INTO agencies (name, created_at) VALUES (?, ?)");
    store_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, now);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK) {
        *id = store_last_id(st);
        *created = true;
    }
    return r;
}
