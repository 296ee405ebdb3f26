/* SQL for a campaign's review mode (two-stage or brand only); its
 * approval latency limit is a schedule setting (store_schedule.c). */
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
