/* SQL for a campaign's review settings: its mode (two-stage or brand
 * only) and its approval latency limit. */
#include <sqlite3.h>
#include <stdint.h>

#include "records.h"
#include "store.h"

enum ch_status
store_review_set_mode(struct store *st, int64_t campaign_id,
                      enum review_mode mode)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE campaigns SET review_mode = ? WHERE id = ?");
    store_bind_text(s, 1, model_review_modes[mode]);
    sqlite3_bind_int64(s, 2, campaign_id);
    return store_exec(st, s);
}

int64_t
store_review_latency(struct store *st, int64_t campaign_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT ifnull((SELECT approval_latency FROM campaign_settings"
            " WHERE campaign_id = ?1), ?2)");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, INT64_MIN);
    return store_scalar(st, s);
}

enum ch_status
store_review_set_latency(struct store *st, int64_t campaign_id, int64_t ms)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO campaign_settings (campaign_id, approval_latency)"
            " VALUES (?1, ?2) ON CONFLICT (campaign_id) DO UPDATE SET"
            " approval_latency = ?2");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_int(s, 2, ms);
    return store_exec(st, s);
}
