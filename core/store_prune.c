/* SQL for pruning old outbox rows and inbound records (prune.h). */
#include <sqlite3.h>
#include <stdint.h>

#include "prune.h"
#include "store.h"

/* The delivered rows about to go carry on in /metrics' totals. */
static enum ch_status
add_counter(struct store *st, const char *name, int64_t v)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO counters (name, value) VALUES (?1, ?2)"
            " ON CONFLICT (name) DO UPDATE SET value = value + ?2");
    store_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, v);
    return store_exec(st, s);
}

enum ch_status
store_prune_outbox(struct store *st, int64_t before, int64_t buttons_before,
                   int limit, int *n)
{
    *n = 0;
    /* Oldest first through outbox_done; a row something points at
     * (an update, a pin, a digest's parts, a channel's brief or status)
     * stays until that goes. */
    static const char pick[] =
        "SELECT o.id, o.state = 'sent', max(o.sent_at - o.created_at, 0)"
        " FROM outbox o"
        " WHERE o.state != 'pending' AND o.created_at < ?1"
        " AND (o.buttons IS NULL OR o.created_at < ?2)"
        " AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.ref_id = o.id)"
        " AND NOT EXISTS (SELECT 1 FROM outbox r WHERE r.digest_of = o.id)"
        " AND NOT EXISTS (SELECT 1 FROM channels c WHERE c.brief_msg = o.id"
        "   OR c.status_msg = o.id)"
        " ORDER BY o.created_at LIMIT ?3";
    sqlite3_stmt *s = store_stmt(st, pick);
    sqlite3_bind_int64(s, 1, before);
    sqlite3_bind_int64(s, 2, buttons_before);
    sqlite3_bind_int(s, 3, limit);
    int64_t ids[PRUNE_BATCH];
    int64_t sent = 0, latency = 0;
    int rc, k = 0;
    while (k < limit && k < PRUNE_BATCH &&
           (rc = sqlite3_step(s)) == SQLITE_ROW) {
        ids[k++] = sqlite3_column_int64(s, 0);
        if (sqlite3_column_int(s, 1)) {
            sent++;
            latency += sqlite3_column_int64(s, 2);
        }
    }
    sqlite3_reset(s);
    sqlite3_stmt *del = store_stmt(st, "DELETE FROM outbox WHERE id = ?");
    for (int i = 0; i < k; i++) {
        sqlite3_bind_int64(del, 1, ids[i]);
        enum ch_status r = store_exec(st, del);
        if (r != CH_OK)
            return r;
    }
    enum ch_status r = CH_OK;
    if (sent)
        r = add_counter(st, "outbox_pruned_sent", sent);
    if (r == CH_OK && latency)
        r = add_counter(st, "outbox_pruned_latency_ms", latency);
    if (r == CH_OK)
        *n = k;
    return r;
}

enum ch_status
store_prune_inbound(struct store *st, int64_t before, int limit, int *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "DELETE FROM inbound WHERE (platform, event_id) IN"
            " (SELECT platform, event_id FROM inbound WHERE received_at < ?"
            "  ORDER BY received_at LIMIT ?)");
    sqlite3_bind_int64(s, 1, before);
    sqlite3_bind_int(s, 2, limit);
    enum ch_status r = store_exec(st, s);
    *n = r == CH_OK ? store_changes(st) : 0;
    return r;
}
