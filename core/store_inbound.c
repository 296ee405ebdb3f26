/* SQL for inbound-event dedupe and recently applied commands. */
#include <sqlite3.h>
#include <stdint.h>

#include "arena.h"
#include "records.h"
#include "store.h"

enum ch_status
store_inbound_mark(struct store *st, const char *platform, const char *event_id,
                   int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO inbound (platform, event_id, received_at)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, event_id);
    sqlite3_bind_int64(s, 3, now);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    return store_changes(st) == 1 ? CH_OK : CH_DUPLICATE;
}

/* --- recent commands (commands_recent) ------------------------------------ */

enum ch_status
store_inbound_recent_add(struct store *st, const char *platform,
                         const char *user_id, const char *key, int64_t now,
                         int64_t reply_id, int64_t since)
{
    /* The window's old rows, through the index on at: usually none. */
    sqlite3_stmt *s = store_stmt(st, "DELETE FROM commands_recent"
                                     " WHERE at < ?");
    sqlite3_bind_int64(s, 1, since);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    /* Twice at one instant (a simulated clock): the later one stands. */
    s = store_stmt(st, "INSERT OR REPLACE INTO commands_recent (platform,"
                       " user_id, text, at, reply_id) VALUES (?, ?, ?, ?, ?)");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, user_id);
    store_bind_text(s, 3, key);
    sqlite3_bind_int64(s, 4, now);
    store_bind_int(s, 5, reply_id ? reply_id : INT64_MIN);
    return store_exec(st, s);
}

static void
read_recent(struct arena *a, sqlite3_stmt *s, void *row)
{
    (void)a;
    struct recent_command *r = row;
    r->at = sqlite3_column_int64(s, 0);
    r->reply_id = store_col_int(s, 1, 0);
    r->answered = sqlite3_column_int(s, 2) != 0;
}

enum ch_status
store_inbound_recent_find(struct store *st, const char *platform,
                          const char *user_id, const char *key, int64_t since,
                          struct recent_command *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT at, reply_id, answered FROM commands_recent"
            " WHERE platform = ? AND user_id = ? AND text = ? AND at >= ?"
            " ORDER BY at DESC LIMIT 1");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, user_id);
    store_bind_text(s, 3, key);
    sqlite3_bind_int64(s, 4, since);
    return store_row(st, NULL, s, read_recent, out, "recent command");
}

enum ch_status
store_inbound_recent_answered(struct store *st, int64_t reply_id)
{
    sqlite3_stmt *s = store_stmt(st, "UPDATE commands_recent SET answered = 1"
                                     " WHERE reply_id = ?");
    sqlite3_bind_int64(s, 1, reply_id);
    return store_exec(st, s);
}
