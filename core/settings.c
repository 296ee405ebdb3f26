#include "settings.h"

#include <string.h>

#include "clock.h"

void
settings_defaults(struct core_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->default_tz = "UTC";
    s->work_start = 9 * 60;
    s->work_end = 18 * 60;
    s->work_days = 0x1f;                 /* Monday to Friday */
    s->perms = perm_defaults;
    s->review_mode = REVIEW_TWO_STAGE;
    s->currency = "USD";
    s->lead_time_ms = 5 * MS_PER_DAY;
    s->revision_limit = 2;
    s->approval_latency_ms = 3 * MS_PER_DAY;
    s->nudge_before_ms[0] = 48 * MS_PER_HOUR;
    s->nudge_before_ms[1] = 4 * MS_PER_HOUR;
    s->n_nudge_before = 2;
    s->nudge_after_ms[0] = 24 * MS_PER_HOUR;
    s->n_nudge_after = 1;
    s->nudge_daily_cap = 3;
    s->approval_guard_ms = 48 * MS_PER_HOUR;
    s->fix_window_ms = 48 * MS_PER_HOUR;
    s->question_target_ms = 24 * MS_PER_HOUR;
    s->grace_ms = 24 * MS_PER_HOUR;
    s->digest_window_ms = 30 * MS_PER_MIN;
    s->news_digest = true;
    s->collision_interval_ms = 24 * MS_PER_HOUR;
    s->duplicate_similarity = 50;
    ladder_default(&s->ladder);
}
