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
     * the time passed with it not live (or missed). */
    sqlite3_stmt *s = store_stmt(
        st,
        "WITH mine AS (SELECT * FROM deliverables WHERE creator_id = ?1"
        "  AND state != 'cancelled'),"
        " first AS (SELECT s.* FROM submissions s JOIN mine d"
        "  ON d.id = s.deliverable_id WHERE s.round = 1),"
        " fixes AS (SELECT s.* FROM submissions s JOIN mine d"
        "  ON d.id = s.deliverable_id WHERE s.round > 1"
        "  AND s.late_ms IS NOT NULL)"
        " SELECT"
        "  (SELECT COUNT(*) FROM mine),"
        "  (SELECT COUNT(DISTINCT campaign_id) FROM mine),"
        "  (SELECT COUNT(*) FROM first WHERE late_ms IS NOT NULL)"
        "   + (SELECT COUNT(*) FROM mine WHERE state = 'planned'"
        "      AND draft_due < ?2),"
        "  (SELECT COUNT(*) FROM first WHERE late_ms <= 0),"
        "  (SELECT COUNT(*) FROM fixes),"
        "  (SELECT COUNT(*) FROM fixes WHERE late_ms <= 0),"
        "  (SELECT COUNT(*) FROM mine WHERE published_at IS NOT NULL"
        "   OR state = 'missed' OR (publish_at < ?2 AND state IN"
        "   ('planned','submitted','changes_requested','approved'))),"
        "  (SELECT COUNT(*) FROM mine WHERE published_at IS NOT NULL"
        "   AND published_at <= publish_at),"
        "  (SELECT COUNT(*) FROM mine WHERE id IN (SELECT deliverable_id"
        "   FROM submissions)),"
        "  (SELECT COALESCE(SUM(rounds), 0) FROM mine WHERE id IN"
        "   (SELECT deliverable_id FROM submissions)),"
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
