/* SQL for the retrospective (retro.h). */
#include <sqlite3.h>
#include <stdbool.h>

#include "arena.h"
#include "retro.h"
#include "store.h"

static void
read_row(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct retro_row *r = row;
    r->id = sqlite3_column_int64(s, 0);
    r->number = sqlite3_column_int(s, 1);
    r->creator_id = sqlite3_column_int64(s, 2);
    r->title = store_col_text(a, s, 3);
    r->state = store_col_text(a, s, 4);
    r->fee_cents = store_col_int(s, 5, INT64_MIN);
    r->currency = store_col_text(a, s, 6);
    r->late_pct = (int)store_col_int(s, 7, -1);
    r->publish_at = store_col_int(s, 8, INT64_MIN);
    r->published_at = store_col_int(s, 9, INT64_MIN);
    r->rounds = sqlite3_column_int(s, 10);
    r->draft_late_ms = store_col_int(s, 11, INT64_MIN);
    r->fixes = sqlite3_column_int(s, 12);
    r->fixes_late = sqlite3_column_int(s, 13);
    r->latency_ms = store_col_int(s, 14, INT64_MIN);
    r->escalations = sqlite3_column_int(s, 15);
    r->conflicts = sqlite3_column_int(s, 16);
}

enum ch_status
store_retro_rows(struct store *st, struct arena *a, int64_t campaign_id,
                 struct retro_row **out, size_t *n)
{
    /* A draft's lateness is its first round's (late_ms <= 0: on time);
     * a fix is a round after changes were requested; the latency is from
     * the approved round's submission to the brand's final approval. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.id, d.number, d.creator_id, d.title, d.state,"
            " d.fee_cents, d.currency, d.late_pct, d.publish_at,"
            " d.published_at, d.rounds,"
            " (SELECT IFNULL(late_ms, 0) FROM submissions s"
            "   WHERE s.deliverable_id = d.id AND s.round = 1),"
            " (SELECT count(*) FROM submissions s"
            "   WHERE s.deliverable_id = d.id AND s.round >= 2),"
            " (SELECT count(*) FROM submissions s"
            "   WHERE s.deliverable_id = d.id AND s.round >= 2"
            "   AND s.late_ms > 0),"
            " (SELECT r.created_at - s.submitted_at FROM reviews r"
            "   JOIN submissions s ON s.id = r.submission_id"
            "   WHERE r.deliverable_id = d.id AND r.decision = 'approve'"
            "   AND r.stage = 'brand' ORDER BY r.id DESC LIMIT 1),"
            " (SELECT count(*) FROM escalations e"
            "   WHERE e.deliverable_id = d.id),"
            " (SELECT count(*) FROM conflicts k"
            "   WHERE k.deliverable_a = d.id OR k.deliverable_b = d.id)"
            " FROM deliverables d WHERE d.campaign_id = ?"
            " ORDER BY d.creator_id, d.number");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_row, sizeof(**out), (void **)out, n,
                      "retrospective");
}

void
store_retro_counts(struct store *st, int64_t campaign_id, int *escalations,
                   int *conflicts)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT (SELECT count(*) FROM escalations WHERE campaign_id = ?1),"
            " (SELECT count(*) FROM conflicts WHERE campaign_a = ?1"
            "   OR campaign_b = ?1)");
    sqlite3_bind_int64(s, 1, campaign_id);
    *escalations = *conflicts = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *escalations = sqlite3_column_int(s, 0);
        *conflicts = sqlite3_column_int(s, 1);
    }
    sqlite3_reset(s);
}

enum ch_status
store_retro_feedback_add(struct store *st, int64_t campaign_id,
                         int64_t person_id, const char *role,
                         const char *text, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO feedback (campaign_id, person_id, role, text, at)"
            " VALUES (?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_int(s, 2, person_id ? person_id : INT64_MIN);
    store_bind_text(s, 3, role);
    store_bind_text(s, 4, text);
    sqlite3_bind_int64(s, 5, now);
    return store_exec(st, s);
}

static void
read_feedback(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct retro_feedback *f = row;
    f->person_id = store_col_int(s, 0, 0);
    f->role = store_col_text(a, s, 1);
    f->text = store_col_text(a, s, 2);
}

enum ch_status
store_retro_feedback_list(struct store *st, struct arena *a,
                          int64_t campaign_id, struct retro_feedback **out,
                          size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT person_id, role, text FROM feedback"
            " WHERE campaign_id = ? ORDER BY id");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_feedback, sizeof(**out), (void **)out,
                      n, "feedback");
}

enum ch_status
store_retro_kudos_add(struct store *st, int64_t from, int64_t to,
                const char *reason, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO kudos (from_id, to_id, reason, at)"
            " VALUES (?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, from);
    sqlite3_bind_int64(s, 2, to);
    store_bind_text(s, 3, reason);
    sqlite3_bind_int64(s, 4, now);
    return store_exec(st, s);
}

bool
store_retro_share_campaign(struct store *st, int64_t a, int64_t b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT 1 FROM participants x JOIN participants y"
            " ON y.campaign_id = x.campaign_id WHERE x.person_id = ?"
            " AND y.person_id = ? AND x.removed_at IS NULL"
            " AND y.removed_at IS NULL LIMIT 1");
    sqlite3_bind_int64(s, 1, a);
    sqlite3_bind_int64(s, 2, b);
    bool yes = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return yes;
}

static void
read_kudos(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct retro_kudos *k = row;
    k->from_id = sqlite3_column_int64(s, 0);
    k->to_id = sqlite3_column_int64(s, 1);
    k->reason = store_col_text(a, s, 2);
}

enum ch_status
store_retro_kudos_of_campaign(struct store *st, struct arena *a,
                        int64_t campaign_id, int64_t from, int64_t until,
                        struct retro_kudos **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT k.from_id, k.to_id, k.reason FROM kudos k"
            " WHERE k.at >= ?2 AND k.at <= ?3 AND k.to_id IN"
            " (SELECT person_id FROM participants WHERE campaign_id = ?1)"
            " AND k.from_id IN"
            " (SELECT person_id FROM participants WHERE campaign_id = ?1)"
            " ORDER BY k.id");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, until);
    return store_rows(st, a, s, read_kudos, sizeof(**out), (void **)out, n,
                      "kudos");
}
