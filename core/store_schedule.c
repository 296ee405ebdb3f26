/* SQL for the per-campaign schedule settings. */
#include <sqlite3.h>

#include "arena.h"
#include "nudge.h"
#include "store.h"

enum ch_status
store_schedule_row(struct store *st, struct arena *a, int64_t campaign_id,
                   struct schedule_row *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT nudge_before, nudge_after, nudge_daily_cap,"
            " approval_guard, fix_window, question_target, lead_time,"
            " ladder, ladder_repeats, ack_reminder, approval_latency,"
            " overdue_grace FROM campaign_settings WHERE campaign_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    int rc = sqlite3_step(s);
    *r = (struct schedule_row){ .cap = 0, .guard = INT64_MIN,
                                .fix = INT64_MIN, .response = INT64_MIN,
                                .lead = INT64_MIN, .repeats = -1,
                                .ack_reminder = INT64_MIN,
                                .latency = INT64_MIN,
                                .grace = INT64_MIN };
    if (rc == SQLITE_ROW) {
        r->before = store_col_text(a, s, 0);
        r->after = store_col_text(a, s, 1);
        r->cap = (int)store_col_int(s, 2, 0);
        r->guard = store_col_int(s, 3, INT64_MIN);
        r->fix = store_col_int(s, 4, INT64_MIN);
        r->response = store_col_int(s, 5, INT64_MIN);
        r->lead = store_col_int(s, 6, INT64_MIN);
        r->ladder = store_col_text(a, s, 7);
        r->repeats = (int)store_col_int(s, 8, -1);
        r->ack_reminder = store_col_int(s, 9, INT64_MIN);
        r->latency = store_col_int(s, 10, INT64_MIN);
        r->grace = store_col_int(s, 11, INT64_MIN);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE
               ? CH_OK
               : store_check(st, rc, "settings");
}

enum ch_status
store_schedule_put(struct store *st, int64_t campaign_id,
                   const struct schedule_row *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO campaign_settings (campaign_id, nudge_before,"
            " nudge_after, nudge_daily_cap, approval_guard, fix_window,"
            " question_target, lead_time, ladder, ladder_repeats,"
            " ack_reminder, approval_latency, overdue_grace) VALUES (?1, ?2,"
            " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
            " ON CONFLICT (campaign_id) DO UPDATE"
            " SET nudge_before = ?2, nudge_after = ?3, nudge_daily_cap = ?4,"
            " approval_guard = ?5, fix_window = ?6, question_target = ?7,"
            " lead_time = ?8, ladder = ?9, ladder_repeats = ?10,"
            " ack_reminder = ?11, approval_latency = ?12,"
            " overdue_grace = ?13");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, r->before);
    store_bind_text(s, 3, r->after);
    store_bind_int(s, 4, r->cap ? r->cap : INT64_MIN);
    store_bind_int(s, 5, r->guard);
    store_bind_int(s, 6, r->fix);
    store_bind_int(s, 7, r->response);
    store_bind_int(s, 8, r->lead);
    store_bind_text(s, 9, r->ladder);
    store_bind_int(s, 10, r->repeats >= 0 ? r->repeats : INT64_MIN);
    store_bind_int(s, 11, r->ack_reminder);
    store_bind_int(s, 12, r->latency);
    store_bind_int(s, 13, r->grace);
    return store_exec(st, s);
}
