/* SQL for campaigns. */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"
#include "tz.h"
#include "when.h"

#define CAMPAIGN_COLS                                                      \
    "c.id, c.slug, c.title, c.brand_id, b.name, b.category, c.agency_id, " \
    "a.name, c.state, c.starts_at, c.ends_at, c.need, c.review_mode, "     \
    "c.brief_version, c.kicked_off_at, c.created_at, c.window_from, "     \
    "c.window_to, COALESCE(c.zone, 'UTC')"
#define CAMPAIGN_FROM                                                      \
    " FROM campaigns c JOIN brands b ON b.id = c.brand_id"                 \
    " LEFT JOIN agencies a ON a.id = c.agency_id"

/* "2026-12-01" to days since 1970-01-01; 0 (not set) when NULL or bad. */
static int64_t
col_day(sqlite3_stmt *s, int col)
{
    const char *t = (const char *)sqlite3_column_text(s, col);
    int y, m, d;
    char end;
    if (t == NULL || sscanf(t, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
        return 0;
    return tz_days_from_civil(y, m, d);
}

static void
bind_day(sqlite3_stmt *s, int col, int64_t day)
{
    if (day == 0) {
        sqlite3_bind_null(s, col);
        return;
    }
    int y, m, d;
    char text[16];
    tz_civil_from_days(day, &y, &m, &d);
    snprintf(text, sizeof(text), "%04d-%02d-%02d", y, m, d);
    sqlite3_bind_text(s, col, text, -1, SQLITE_TRANSIENT);
}

/*
 * The window: its dates and zone are what was set; the instants follow
 * from them.  A campaign made before windows were dates (window_from and
 * window_to NULL) kept the instants, the start and the end of its days in
 * its creator's zone, so the dates are read back from them there.
 */
static void
window(struct arena *a, sqlite3_stmt *s, int col, struct campaign *c)
{
    c->from_day = col_day(s, col);
    c->to_day = col_day(s, col + 1);
    c->zone = store_col_text(a, s, col + 2);
    bool old = c->from_day == 0 && c->to_day == 0;
    if (old) {
        if (c->starts_at != INT64_MIN)
            c->from_day = when_local_date(c->zone, c->starts_at);
        if (c->ends_at != INT64_MIN)
            c->to_day = when_local_date(c->zone, c->ends_at);
        return;
    }
    c->starts_at = c->from_day == 0
                       ? INT64_MIN : when_day_start(c->zone, c->from_day);
    c->ends_at = c->to_day == 0
                     ? INT64_MIN : when_day_start(c->zone, c->to_day + 1) - 1;
}

static void
read_campaign(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct campaign *c = row;
    c->id = sqlite3_column_int64(s, 0);
    c->slug = store_col_text(a, s, 1);
    c->title = store_col_text(a, s, 2);
    c->brand_id = sqlite3_column_int64(s, 3);
    c->brand = store_col_text(a, s, 4);
    c->brand_category = store_col_text(a, s, 5);
    c->agency_id = store_col_int(s, 6, 0);
    c->agency = store_col_text(a, s, 7);
    int st = model_name_index(model_campaign_states,
                              (const char *)sqlite3_column_text(s, 8));
    c->state = st < 0 ? CAMPAIGN_DRAFT : (enum campaign_state)st;
    c->starts_at = store_col_int(s, 9, INT64_MIN);
    c->ends_at = store_col_int(s, 10, INT64_MIN);
    c->need = (int)store_col_int(s, 11, 0);
    int rm = model_name_index(model_review_modes,
                              (const char *)sqlite3_column_text(s, 12));
    c->review_mode = rm < 0 ? REVIEW_TWO_STAGE : (enum review_mode)rm;
    c->brief_version = sqlite3_column_int(s, 13);
    c->kicked_off_at = store_col_int(s, 14, INT64_MIN);
    c->created_at = sqlite3_column_int64(s, 15);
    window(a, s, 16, c);
}

enum ch_status
store_campaign_by_slug(struct store *st, struct arena *a, const char *slug,
                       struct campaign *c)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
                                     " WHERE c.slug = ?");
    store_bind_text(s, 1, slug);
    return store_row(st, a, s, read_campaign, c, "campaign");
}

enum ch_status
store_campaign_get(struct store *st, struct arena *a, int64_t id,
                   struct campaign *c)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
                                     " WHERE c.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_campaign, c, "campaign");
}

enum ch_status
store_campaign_by_channel(struct store *st, struct arena *a,
                          const char *platform, const char *channel_id,
                          struct campaign *c)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
            " JOIN channels ch ON ch.campaign_id = c.id"
            " WHERE ch.platform = ? AND ch.channel_id = ?");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, channel_id);
    return store_row(st, a, s, read_campaign, c, "campaign");
}

enum ch_status
store_campaign_slugs(struct store *st, struct arena *a, char ***slugs,
                     size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT slug FROM campaigns ORDER BY id DESC LIMIT 500");
    char **list = arena_alloc(a, 500 * sizeof(*list));
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        list[count++] = store_col_text(a, s, 0);
    sqlite3_reset(s);
    *slugs = list;
    *n = count;
    return store_check(st, rc, "campaign slugs");
}

enum ch_status
store_campaign_list_for(struct store *st, struct arena *a, int64_t person_id,
                        struct campaign **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
            " WHERE c.state != 'closed' AND (?1 = 0 OR c.id IN ("
            "  SELECT campaign_id FROM participants"
            "  WHERE person_id = ?1 AND removed_at IS NULL))"
            " ORDER BY c.id DESC LIMIT 100");
    sqlite3_bind_int64(s, 1, person_id);
    return store_rows(st, a, s, read_campaign, sizeof(**out), (void **)out, n,
                      "campaigns");
}

enum ch_status
store_campaign_list_of_brand(struct store *st, struct arena *a,
                             int64_t brand_id, struct campaign **out,
                             size_t *n)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
                                     " WHERE c.brand_id = ? ORDER BY c.slug");
    sqlite3_bind_int64(s, 1, brand_id);
    return store_rows(st, a, s, read_campaign, sizeof(**out), (void **)out, n,
                      "campaigns");
}

enum ch_status
store_campaign_insert(struct store *st, const struct campaign *c,
                      int64_t created_by, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO campaigns (slug, title, brand_id, agency_id, state,"
            " window_from, window_to, need, review_mode, brief_version,"
            " created_by, created_at, zone)"
            " VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, ?, ?, ?)");
    store_bind_text(s, 1, c->slug);
    store_bind_text(s, 2, c->title);
    sqlite3_bind_int64(s, 3, c->brand_id);
    store_bind_int(s, 4, c->agency_id ? c->agency_id : INT64_MIN);
    bind_day(s, 5, c->from_day);
    bind_day(s, 6, c->to_day);
    store_bind_int(s, 7, c->need ? c->need : INT64_MIN);
    store_bind_text(s, 8, model_review_modes[c->review_mode]);
    store_bind_int(s, 9, created_by ? created_by : INT64_MIN);
    sqlite3_bind_int64(s, 10, c->created_at);
    store_bind_text(s, 11, c->zone);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK)
        *id = store_last_id(st);
    return r;
}

enum ch_status
store_campaign_kickoff(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE campaigns SET state = 'active', kicked_off_at = ?"
            " WHERE id = ? AND state = 'draft'");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

enum ch_status
store_campaign_set_state(struct store *st, int64_t id,
                         enum campaign_state from, enum campaign_state to,
                         int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE campaigns SET state = ?3,"
            " wrapped_at = CASE WHEN ?3 = 'wrapped' THEN ?4 ELSE wrapped_at"
            " END,"
            " closed_at = CASE WHEN ?3 = 'closed' THEN ?4 ELSE closed_at END"
            " WHERE id = ?1 AND state = ?2");
    sqlite3_bind_int64(s, 1, id);
    store_bind_text(s, 2, model_campaign_states[from]);
    store_bind_text(s, 3, model_campaign_states[to]);
    sqlite3_bind_int64(s, 4, now);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

int64_t
store_campaign_wrapped_at(struct store *st, int64_t id)
{
    sqlite3_stmt *s =
        store_stmt(st, "SELECT wrapped_at FROM campaigns WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    int64_t at = INT64_MIN;
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL)
        at = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return at;
}

enum ch_status
store_campaign_set_late(struct store *st, int64_t campaign_id, int pct)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO campaign_settings (campaign_id, late_pct)"
            " VALUES (?1, ?2) ON CONFLICT (campaign_id) DO UPDATE SET"
            " late_pct = ?2");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, pct);
    return store_exec(st, s);
}

int
store_campaign_late(struct store *st, int64_t campaign_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT late_pct FROM campaign_settings WHERE campaign_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    int pct = -1;
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL)
        pct = sqlite3_column_int(s, 0);
    sqlite3_reset(s);
    return pct;
}
