/* SQL for the CSV exports (export.h). */
#include <sqlite3.h>

#include "core.h"
#include "export.h"
#include "store.h"

static void
read_row(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct store_export_row *r = row;
    r->id = sqlite3_column_int64(s, 0);
    r->creator = store_col_text(a, s, 1);
    r->platform = store_col_text(a, s, 2);
    r->draft_due = store_col_int(s, 3, INT64_MIN);
    r->submitted_at = store_col_int(s, 4, INT64_MIN);
    r->approved_at = store_col_int(s, 5, INT64_MIN);
}

enum ch_status
store_export_rows(struct store *st, struct arena *a, int64_t campaign_id,
                  struct store_export_row **out, size_t *n)
{
    /* The final approval is the brand's, as the retrospective's latency
     * reads it (store_retro.c). */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.id, p.name, d.platform, d.draft_due,"
            " (SELECT submitted_at FROM submissions s"
            "   WHERE s.deliverable_id = d.id AND s.round = 1),"
            " (SELECT r.created_at FROM reviews r"
            "   WHERE r.deliverable_id = d.id AND r.decision = 'approve'"
            "   AND r.stage = 'brand' ORDER BY r.id DESC LIMIT 1)"
            " FROM deliverables d JOIN people p ON p.id = d.creator_id"
            " WHERE d.campaign_id = ? ORDER BY d.creator_id, d.number");
    *out = NULL;
    *n = 0;
    if (s == NULL)
        return CH_INTERNAL;
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_row, sizeof(**out), (void **)out, n,
                      "export");
}

static void
read_review(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct core_export_review *r = row;
    r->number = sqlite3_column_int64(s, 0);
    r->title = store_col_text(a, s, 1);
    r->creator = store_col_text(a, s, 2);
    r->round = sqlite3_column_int(s, 3);
    r->submitted_at = store_col_int(s, 4, INT64_MIN);
    r->link = store_col_text(a, s, 5);
    r->caption = store_col_text(a, s, 6);
    r->stage = store_col_text(a, s, 7);
    r->decision = store_col_text(a, s, 8);
    r->reviewer = store_col_text(a, s, 9);
    r->at = store_col_int(s, 10, INT64_MIN);
    r->visible = sqlite3_column_int(s, 11) != 0;
    r->message = sqlite3_column_int(s, 12) != 0;
    r->engagement = sqlite3_column_int(s, 13) != 0;
    r->reason = store_col_text(a, s, 14);
    r->override = store_col_text(a, s, 15);
}

enum ch_status
store_export_reviews(struct store *st, struct arena *a, int64_t campaign_id,
                     struct core_export_review **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT d.number, d.title, pc.name, s.round, s.submitted_at,"
            " s.link, s.body, r.stage, r.decision, pr.name, r.created_at,"
            " r.visible, r.message, r.engagement, r.reason, r.override"
            " FROM reviews r"
            " JOIN deliverables d ON d.id = r.deliverable_id"
            " JOIN submissions s ON s.id = r.submission_id"
            " JOIN people pc ON pc.id = d.creator_id"
            " JOIN people pr ON pr.id = r.reviewer_id"
            " WHERE d.campaign_id = ? ORDER BY r.created_at, r.id");
    *out = NULL;
    *n = 0;
    if (s == NULL)
        return CH_INTERNAL;
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_review, sizeof(**out), (void **)out, n,
                      "export reviews");
}
