/* SQL for inbound-event dedupe. */
#include <sqlite3.h>

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
