/* store_metrics: the figures /metrics reads from the database (metrics.h). */
#include <sqlite3.h>

#include "metrics.h"
#include "store.h"

void
store_metrics_read(struct store *st, int64_t now_ms, struct store_metrics *m)
{
    sqlite3_stmt *s;

    s = store_stmt(st, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    m->outbox_backlog = s ? store_scalar(st, s) : 0;
    s = store_stmt(st, "SELECT min(created_at) FROM outbox"
                       " WHERE state = 'pending'");
    int64_t oldest = s ? store_scalar(st, s) : 0;
    m->oldest_pending_ms = oldest > 0 && now_ms > oldest ? now_ms - oldest
                                                         : 0;
    /* Delivered rows pruned (prune.h) still count: the summary's sum and
     * count never go down. */
    s = store_stmt(st, "SELECT (SELECT count(*) FROM outbox"
                       " WHERE state = 'sent') + coalesce((SELECT value"
                       " FROM counters WHERE name = 'outbox_pruned_sent'),"
                       " 0)");
    m->delivered = s ? store_scalar(st, s) : 0;
    s = store_stmt(st, "SELECT coalesce(sum(max(sent_at - created_at, 0)),"
                       " 0) + coalesce((SELECT value FROM counters WHERE"
                       " name = 'outbox_pruned_latency_ms'), 0)"
                       " FROM outbox WHERE state = 'sent'"
                       " AND sent_at IS NOT NULL");
    m->latency_sum_ms = s ? store_scalar(st, s) : 0;
    s = store_stmt(st, "SELECT count(*) FROM jobs");
    m->jobs_pending = s ? store_scalar(st, s) : 0;
    s = store_stmt(st, "SELECT count(*) FROM escalations"
                       " WHERE state != 'resolved'");
    m->escalations_open = s ? store_scalar(st, s) : 0;
}
