/* SQL for the participants of campaigns and their roles. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

unsigned
store_participant_role_in(struct store *st, int64_t campaign_id,
                          int64_t person_id, char **tier, struct arena *a)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT role, tier FROM participants WHERE campaign_id = ?"
            " AND person_id = ? AND removed_at IS NULL");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    unsigned role = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        model_role_parse((const char *)sqlite3_column_text(s, 0), &role);
        if (tier)
            *tier = store_col_text(a, s, 1);
    } else if (tier) {
        *tier = NULL;
    }
    sqlite3_reset(s);
    return role;
}

/* The roles of every row of a bound statement of role names, as one
 * mask. */
static unsigned
role_mask(sqlite3_stmt *s)
{
    unsigned mask = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        unsigned r = 0;
        if (model_role_parse((const char *)sqlite3_column_text(s, 0), &r))
            mask |= r;
    }
    sqlite3_reset(s);
    return mask;
}

unsigned
store_participant_roles_anywhere(struct store *st, int64_t person_id)
{
    /* Not DISTINCT: that builds a scratch B-tree per run, and the mask
     * takes a role twice as well as once. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT role FROM participants p"
            " JOIN campaigns c ON c.id = p.campaign_id"
            " WHERE p.person_id = ? AND p.removed_at IS NULL"
            " AND c.state != 'closed'");
    sqlite3_bind_int64(s, 1, person_id);
    return role_mask(s);
}

unsigned
store_participant_roles_in_brand(struct store *st, int64_t brand_id,
                                 int64_t person_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT role FROM participants p"
            " JOIN campaigns c ON c.id = p.campaign_id"
            " WHERE p.person_id = ? AND c.brand_id = ?"
            " AND p.removed_at IS NULL AND c.state != 'closed'");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, brand_id);
    return role_mask(s);
}

enum ch_status
store_participant_put(struct store *st, int64_t campaign_id, int64_t person_id,
                      unsigned role, const char *tier, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st,
        "INSERT INTO participants (campaign_id, person_id, role, tier,"
        " added_at) VALUES (?1, ?2, ?3, ?4, ?5)"
        " ON CONFLICT (campaign_id, person_id) DO UPDATE SET"
        " role = ?3, tier = ?4, removed_at = NULL,"
        " added_at = CASE WHEN removed_at IS NULL THEN added_at ELSE ?5 END");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    store_bind_text(s, 3, model_role_name(role));
    store_bind_text(s, 4, tier);
    sqlite3_bind_int64(s, 5, now);
    return store_exec(st, s);
}

enum ch_status
store_participant_remove(struct store *st, int64_t campaign_id,
                         int64_t person_id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE participants SET removed_at = ? WHERE campaign_id = ?"
            " AND person_id = ? AND removed_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, campaign_id);
    sqlite3_bind_int64(s, 3, person_id);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    if (store_changes(st) == 0)
        return CH_NOT_FOUND;
    /* Nothing of this campaign waits for them any more (a question
     * reminder put back to their working hours, say). */
    s = store_stmt(st, "DELETE FROM jobs WHERE campaign_id = ?"
                       " AND person_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    return store_exec(st, s);
}

bool
store_participant_brand_lead(struct store *st, int64_t brand_id,
                             int64_t person_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT 1 FROM participants p JOIN campaigns c"
            " ON c.id = p.campaign_id WHERE c.brand_id = ?"
            " AND p.person_id = ? AND p.role = 'brand'"
            " AND p.removed_at IS NULL LIMIT 1");
    sqlite3_bind_int64(s, 1, brand_id);
    sqlite3_bind_int64(s, 2, person_id);
    bool lead = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    return lead;
}

enum ch_status
store_participant_list(struct store *st, struct arena *a, int64_t campaign_id,
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
        model_role_parse((const char *)sqlite3_column_text(s, 2), &role);
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
