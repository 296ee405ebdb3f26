/* SQL for campaigns, briefs and participants. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

#define CAMPAIGN_COLS                                                      \
    "c.id, c.slug, c.title, c.brand_id, b.name, b.category, c.agency_id, " \
    "a.name, c.state, c.starts_at, c.ends_at, c.need, c.review_mode, "     \
    "c.brief_version, c.kicked_off_at, c.created_at"
#define CAMPAIGN_FROM                                                      \
    " FROM campaigns c JOIN brands b ON b.id = c.brand_id"                 \
    " LEFT JOIN agencies a ON a.id = c.agency_id"

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
    int st = name_index(campaign_state_names, (const char *)
                        sqlite3_column_text(s, 8));
    c->state = st < 0 ? CAMPAIGN_DRAFT : (enum campaign_state)st;
    c->starts_at = store_col_int(s, 9, INT64_MIN);
    c->ends_at = store_col_int(s, 10, INT64_MIN);
    c->need = (int)store_col_int(s, 11, 0);
    int rm = name_index(review_mode_names, (const char *)
                        sqlite3_column_text(s, 12));
    c->review_mode = rm < 0 ? REVIEW_TWO_STAGE : (enum review_mode)rm;
    c->brief_version = sqlite3_column_int(s, 13);
    c->kicked_off_at = store_col_int(s, 14, INT64_MIN);
    c->created_at = sqlite3_column_int64(s, 15);
}

enum ch_status
rec_campaign_by_slug(struct store *st, struct arena *a, const char *slug,
                     struct campaign *c)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
                                     " WHERE c.slug = ?");
    store_bind_text(s, 1, slug);
    return store_row(st, a, s, read_campaign, c, "campaign");
}

enum ch_status
rec_campaign_get(struct store *st, struct arena *a, int64_t id,
                 struct campaign *c)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " CAMPAIGN_COLS CAMPAIGN_FROM
                                     " WHERE c.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_campaign, c, "campaign");
}

enum ch_status
rec_campaign_by_channel(struct store *st, struct arena *a,
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
rec_campaign_slugs(struct store *st, struct arena *a, char ***slugs, size_t *n)
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
rec_campaigns_for(struct store *st, struct arena *a, int64_t person_id,
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
rec_campaign_insert(struct store *st, const struct campaign *c,
                    int64_t created_by, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO campaigns (slug, title, brand_id, agency_id, state,"
            " starts_at, ends_at, need, review_mode, brief_version,"
            " created_by, created_at)"
            " VALUES (?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, ?, ?)");
    store_bind_text(s, 1, c->slug);
    store_bind_text(s, 2, c->title);
    sqlite3_bind_int64(s, 3, c->brand_id);
    store_bind_int(s, 4, c->agency_id ? c->agency_id : INT64_MIN);
    store_bind_int(s, 5, c->starts_at);
    store_bind_int(s, 6, c->ends_at);
    store_bind_int(s, 7, c->need ? c->need : INT64_MIN);
    store_bind_text(s, 8, review_mode_names[c->review_mode]);
    store_bind_int(s, 9, created_by ? created_by : INT64_MIN);
    sqlite3_bind_int64(s, 10, c->created_at);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK)
        *id = store_last_id(st);
    return r;
}

enum ch_status
rec_campaign_kickoff(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE campaigns SET state = 'active', kicked_off_at = ?"
            " WHERE id = ? AND state = 'draft'");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}

static void
read_brief(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct brief *b = row;
    b->version = sqlite3_column_int(s, 0);
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        b->field[i] = store_col_text(a, s, 1 + i);
    b->locked_at = store_col_int(s, 1 + BRIEF_NFIELDS, INT64_MIN);
}

enum ch_status
rec_brief_get(struct store *st, struct arena *a, int64_t campaign_id,
              int version, struct brief *b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT version, story, audience, core_message, visual_style,"
            " must_include, must_avoid, flexible, disclosure, success_metrics,"
            " timeline_notes, locked_at FROM brief_versions"
            " WHERE campaign_id = ? AND version = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, version);
    return store_row(st, a, s, read_brief, b, "brief");
}

enum ch_status
rec_brief_put(struct store *st, int64_t campaign_id, const struct brief *b,
              const char *changed_field, int64_t changed_by, int64_t now,
              bool locked)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO brief_versions (campaign_id, version, story,"
            " audience, core_message, visual_style, must_include, must_avoid,"
            " flexible, disclosure, success_metrics, timeline_notes,"
            " changed_field, changed_by, created_at, locked_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int(s, 2, b->version);
    for (int i = 0; i < BRIEF_NFIELDS; i++)
        store_bind_text(s, 3 + i, b->field[i]);
    store_bind_text(s, 13, changed_field);
    store_bind_int(s, 14, changed_by ? changed_by : INT64_MIN);
    sqlite3_bind_int64(s, 15, now);
    store_bind_int(s, 16, locked ? now : INT64_MIN);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    s = store_stmt(st, "UPDATE campaigns SET brief_version = ? WHERE id = ?");
    sqlite3_bind_int(s, 1, b->version);
    sqlite3_bind_int64(s, 2, campaign_id);
    return store_exec(st, s);
}

enum ch_status
rec_brief_lock(struct store *st, int64_t campaign_id, int version, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE brief_versions SET locked_at = ?"
            " WHERE campaign_id = ? AND version = ? AND locked_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, campaign_id);
    sqlite3_bind_int(s, 3, version);
    return store_exec(st, s);
}

unsigned
rec_role_in(struct store *st, int64_t campaign_id, int64_t person_id,
            char **tier, struct arena *a)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT role, tier FROM participants WHERE campaign_id = ?"
            " AND person_id = ? AND removed_at IS NULL");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    unsigned role = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        role_parse((const char *)sqlite3_column_text(s, 0), &role);
        if (tier)
            *tier = store_col_text(a, s, 1);
    } else if (tier) {
        *tier = NULL;
    }
    sqlite3_reset(s);
    return role;
}

unsigned
rec_roles_anywhere(struct store *st, int64_t person_id)
{
    /* Not DISTINCT: that builds a scratch B-tree per run, and the mask
     * takes a role twice as well as once. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT role FROM participants p"
            " JOIN campaigns c ON c.id = p.campaign_id"
            " WHERE p.person_id = ? AND p.removed_at IS NULL"
            " AND c.state != 'closed'");
    sqlite3_bind_int64(s, 1, person_id);
    unsigned mask = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        unsigned r = 0;
        if (role_parse((const char *)sqlite3_column_text(s, 0), &r))
            mask |= r;
    }
    sqlite3_reset(s);
    return mask;
}

enum ch_status
rec_participant_put(struct store *st, int64_t campaign_id, int64_t person_id,
                    unsigned role, const char *tier, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO participants (campaign_id, person_id, role, tier,"
            " added_at) VALUES (?1, ?2, ?3, ?4, ?5)"
            " ON CONFLICT (campaign_id, person_id) DO UPDATE SET"
            " role = ?3, tier = ?4, removed_at = NULL,"
            " added_at = CASE WHEN removed_at IS NULL THEN added_at ELSE ?5 END");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    store_bind_text(s, 3, role_name(role));
    store_bind_text(s, 4, tier);
    sqlite3_bind_int64(s, 5, now);
    return store_exec(st, s);
}

enum ch_status
rec_participant_remove(struct store *st, int64_t campaign_id,
                       int64_t person_id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE participants SET removed_at = ? WHERE campaign_id = ?"
            " AND person_id = ? AND removed_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, campaign_id);
    sqlite3_bind_int64(s, 3, person_id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_NOT_FOUND : r;
}

enum ch_status
rec_participants(struct store *st, struct arena *a, int64_t campaign_id,
                 unsigned role_mask, struct participant **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT p.person_id, pe.name, p.role, p.tier FROM participants p"
            " JOIN people pe ON pe.id = p.person_id"
            " WHERE p.campaign_id = ? AND p.removed_at IS NULL"
            " ORDER BY CASE p.role WHEN 'brand' THEN 0 WHEN 'agency' THEN 1"
            "  WHEN 'coordinator' THEN 2 ELSE 3 END, pe.name COLLATE NOCASE");
    sqlite3_bind_int64(s, 1, campaign_id);
    size_t cap = 16, count = 0;
    struct participant *list = arena_alloc(a, cap * sizeof(*list));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        unsigned role = 0;
        role_parse((const char *)sqlite3_column_text(s, 2), &role);
        if (!(role & role_mask))
            continue;
        if (count == cap) {
            list = arena_grow(a, list, cap * sizeof(*list),
                              2 * cap * sizeof(*list));
            cap *= 2;
        }
        struct participant *p = &list[count++];
        p->person_id = sqlite3_column_int64(s, 0);
        p->name = store_col_text(a, s, 1);
        p->role = role;
        p->tier = store_col_text(a, s, 3);
    }
    sqlite3_reset(s);
    *out = list;
    *n = count;
    return store_check(st, rc, "participants");
}
