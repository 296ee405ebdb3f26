/* SQL for campaign channels on each platform. */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

static void
read_channel(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct channel_row *c = row;
    c->campaign_id = sqlite3_column_int64(s, 0);
    c->platform = store_col_text(a, s, 1);
    c->channel_id = store_col_text(a, s, 2);
    c->name = store_col_text(a, s, 3);
    c->brief_msg = store_col_int(s, 4, 0);
    c->status_msg = store_col_int(s, 5, 0);
}

enum ch_status
store_channel_get(struct store *st, struct arena *a, int64_t campaign_id,
                  const char *platform, struct channel_row *c)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT campaign_id, platform, channel_id, name, brief_msg,"
            " status_msg FROM channels WHERE campaign_id = ? AND platform = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, platform);
    return store_row(st, a, s, read_channel, c, "channel");
}

static void
read_place(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct campaign_place *p = row;
    p->slug = store_col_text(a, s, 0);
    p->has_channel = sqlite3_column_int(s, 1) != 0;
    p->channel_id = store_col_text(a, s, 2);
    p->channel_name = store_col_text(a, s, 3);
}

enum ch_status
store_channel_place(struct store *st, struct arena *a, int64_t campaign_id,
                    const char *platform, struct campaign_place *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT c.slug, ch.campaign_id IS NOT NULL, ch.channel_id,"
            " ch.name FROM campaigns c LEFT JOIN channels ch"
            " ON ch.campaign_id = c.id AND ch.platform = ?2 WHERE c.id = ?1");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, platform);
    return store_row(st, a, s, read_place, out, "campaign place");
}

enum ch_status
store_channel_insert(struct store *st, int64_t campaign_id,
                     const char *platform, const char *name)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO channels (campaign_id, platform, name)"
            " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, platform);
    store_bind_text(s, 3, name);
    return store_exec(st, s);
}

enum ch_status
store_channel_set_id(struct store *st, int64_t campaign_id,
                     const char *platform, const char *channel_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE channels SET channel_id = ?"
            " WHERE campaign_id = ? AND platform = ?");
    store_bind_text(s, 1, channel_id);
    sqlite3_bind_int64(s, 2, campaign_id);
    store_bind_text(s, 3, platform);
    return store_exec(st, s);
}

enum ch_status
store_channel_set_msgs(struct store *st, int64_t campaign_id,
                       const char *platform, int64_t brief_msg,
                       int64_t status_msg)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE channels SET"
            " brief_msg = COALESCE(?, brief_msg),"
            " status_msg = COALESCE(?, status_msg)"
            " WHERE campaign_id = ? AND platform = ?");
    store_bind_int(s, 1, brief_msg ? brief_msg : INT64_MIN);
    store_bind_int(s, 2, status_msg ? status_msg : INT64_MIN);
    sqlite3_bind_int64(s, 3, campaign_id);
    store_bind_text(s, 4, platform);
    return store_exec(st, s);
}

enum ch_status
store_channel_missing(struct store *st, struct arena *a, const char *platform,
                      int64_t **ids, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id FROM campaigns c WHERE c.state != 'closed' AND NOT"
            " EXISTS (SELECT 1 FROM channels ch WHERE ch.campaign_id = c.id"
            " AND ch.platform = ?) ORDER BY id LIMIT 1000");
    store_bind_text(s, 1, platform);
    return store_rows(st, a, s, store_read_id, sizeof(**ids), (void **)ids, n,
                      "campaigns without channel");
}

enum ch_status
store_channel_unresolved(struct store *st, struct arena *a,
                         const char *platform, int64_t **ids, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT ch.campaign_id FROM channels ch"
            " JOIN campaigns c ON c.id = ch.campaign_id"
            " WHERE ch.platform = ?1 AND ch.channel_id IS NULL"
            " AND c.state != 'closed' AND NOT EXISTS (SELECT 1 FROM outbox o"
            "  WHERE o.platform = ?1 AND o.kind = 'create_channel'"
            "  AND o.campaign_id = ch.campaign_id AND o.state = 'pending')"
            " ORDER BY ch.campaign_id LIMIT 1000");
    store_bind_text(s, 1, platform);
    return store_rows(st, a, s, store_read_id, sizeof(**ids), (void **)ids, n,
                      "unresolved channels");
}
