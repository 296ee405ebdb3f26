/* SQL for scorecards (issue 18): a creator's record across campaigns,
 * counted from the facts the other tables keep. */
#include <sqlite3.h>

#include "records.h"
#include "store.h"

void
store_scorecard(struct store *st, int64_t person_id, int64_t now,
                struct scorecard *out)
{
    /* Her deliverables, cancelled ones left out: what she was asked for.
     * A draft is on time when its first round came by the draft due time
     * (late_ms, measured when it came), late when it came after or has
     * not come and the time is past; a fix (a later round) is measured
     * against its fix window the same way; a publish is on time when it
     * went live by the publish time, late when it went live after, or
     * the time passed with it not live (or missed).
     * Her rounds are looked up per deliverable of hers, never joined:
     * SQLite would build a Bloom filter for such a join (and an IN
     * (SELECT ... FROM submissions) list) by reading every submission of
     * the workspace, 100 ms among 50 000. */
    sqlite3_stmt *s = store_stmt(
        st,
        "WITH mine AS (SELECT * FROM deliverables WHERE creator_id = ?1"
        "  AND state != 'cancelled'),"
        " first AS (SELECT (SELECT s.late_ms FROM submissions s"
        "  WHERE s.deliverable_id = d.id AND s.round = 1) AS late_ms"
        "  FROM mine d),"
        " fixes AS (SELECT (SELECT COUNT(*) FROM submissions s"
        "  WHERE s.deliverable_id = d.id AND s.round > 1"
        "  AND s.late_ms IS NOT NULL) AS n, (SELECT COUNT(*)"
        "  FROM submissions s WHERE s.deliverable_id = d.id"
        "  AND s.round > 1 AND s.late_ms <= 0) AS on_time FROM mine d)"
        " SELECT"
        "  (SELECT COUNT(*) FROM mine),"
        "  (SELECT COUNT(DISTINCT campaign_id) FROM mine),"
        "  (SELECT COUNT(*) FROM first WHERE late_ms IS NOT NULL)"
        "   + (SELECT COUNT(*) FROM mine WHERE state = 'planned'"
        "      AND draft_due < ?2),"
        "  (SELECT COUNT(*) FROM first WHERE late_ms <= 0),"
        "  (SELECT COALESCE(SUM(n), 0) FROM fixes),"
        "  (SELECT COALESCE(SUM(on_time), 0) FROM fixes),"
        "  (SELECT COUNT(*) FROM mine WHERE published_at IS NOT NULL"
        "   OR state = 'missed' OR (publish_at < ?2 AND state IN"
        "   ('planned','submitted','changes_requested','approved'))),"
        "  (SELECT COUNT(*) FROM mine WHERE published_at IS NOT NULL"
        "   AND published_at <= publish_at),"
        "  (SELECT COUNT(*) FROM mine d WHERE EXISTS (SELECT 1"
        "   FROM submissions s WHERE s.deliverable_id = d.id)),"
        "  (SELECT COALESCE(SUM(rounds), 0) FROM mine d WHERE EXISTS"
        "   (SELECT 1 FROM submissions s WHERE s.deliverable_id = d.id)),"
        "  (SELECT COUNT(DISTINCT r.deliverable_id) FROM reviews r JOIN mine d"
        "   ON d.id = r.deliverable_id WHERE r.stage = 'brand'"
        "   AND r.decision = 'approve'),"
        "  (SELECT COUNT(*) FROM escalations e JOIN mine d"
        "   ON d.id = e.deliverable_id),"
        "  (SELECT COUNT(*) FROM escalations e JOIN mine d"
        "   ON d.id = e.deliverable_id WHERE e.state != 'resolved'),"
        "  (SELECT COUNT(*) FROM kudos WHERE to_id = ?1),"
        "  (SELECT COUNT(DISTINCT from_id) FROM kudos WHERE to_id = ?1)");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    *out = (struct scorecard){ 0 };
    if (sqlite3_step(s) == SQLITE_ROW) {
        int i = 0;
        out->deliverables = sqlite3_column_int(s, i++);
        out->campaigns = sqlite3_column_int(s, i++);
        out->drafts = sqlite3_column_int(s, i++);
        out->drafts_on_time = sqlite3_column_int(s, i++);
        out->fixes = sqlite3_column_int(s, i++);
        out->fixes_on_time = sqlite3_column_int(s, i++);
        out->publishes = sqlite3_column_int(s, i++);
        out->publishes_on_time = sqlite3_column_int(s, i++);
        out->submitted = sqlite3_column_int(s, i++);
        out->rounds = sqlite3_column_int(s, i++);
        out->approvals = sqlite3_column_int(s, i++);
        out->escalations = sqlite3_column_int(s, i++);
        out->escalations_open = sqlite3_column_int(s, i++);
        out->kudos = sqlite3_column_int(s, i++);
        out->kudos_from = sqlite3_column_int(s, i++);
    }
    sqlite3_reset(s);
    store_standup_rate(st, person_id, 0, &out->standups_answered,
                       &out->standups_asked);
}
