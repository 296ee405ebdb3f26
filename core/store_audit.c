/* SQL for the audit log. */
#include <sqlite3.h>

#include "arena.h"
#include "records.h"
#include "store.h"

enum ch_status
store_audit_add(struct store *st, int64_t at, int64_t actor_id,
                const char *actor_ref, int64_t campaign_id, const char *subject,
                const char *action, const char *detail)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO audit (at, actor_id, actor_ref, campaign_id, subject,"
            " action, detail) VALUES (?, ?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, at);
    store_bind_int(s, 2, actor_id ? actor_id : INT64_MIN);
    store_bind_text(s, 3, actor_ref);
    store_bind_int(s, 4, campaign_id ? campaign_id : INT64_MIN);
    store_bind_text(s, 5, subject);
    store_bind_text(s, 6, action);
    store_bind_text(s, 7, detail);
    return store_exec(st, s);
}

int64_t
store_audit_count_since(struct store *st, const char *subject,
                        const char *action, int64_t since)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM audit WHERE subject = ? AND action = ?"
            " AND at >= ?");
    store_bind_text(s, 1, subject);
    store_bind_text(s, 2, action);
    sqlite3_bind_int64(s, 3, since);
    return store_scalar(st, s);
}

enum ch_status
store_audit_list(struct store *st, struct arena *a, int64_t campaign_id,
                 const char *subject, int limit, struct audit_line **out,
                 size_t *n, int64_t *total)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM audit WHERE campaign_id = ?1"
            " AND (?2 IS NULL OR subject = ?2)");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, subject);
    *total = store_scalar(st, s);

    s = store_stmt(
        st, "SELECT * FROM (SELECT a.id, a.at, COALESCE(p.name, a.actor_ref,"
            " 'chorus'), a.subject, a.action, a.detail FROM audit a"
            " LEFT JOIN people p ON p.id = a.actor_id"
            " WHERE a.campaign_id = ?1 AND (?2 IS NULL OR a.subject = ?2)"
            " ORDER BY a.id DESC LIMIT ?3) ORDER BY 1");
    sqlite3_bind_int64(s, 1, campaign_id);
    store_bind_text(s, 2, subject);
    sqlite3_bind_int(s, 3, limit);
    struct audit_line *list = arena_alloc(a, (size_t)limit * sizeof(*list));
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && count < (size_t)limit) {
        struct audit_line *l = &list[count++];
        l->at = sqlite3_column_int64(s, 1);
        l->actor = store_col_text(a, s, 2);
        l->subject = store_col_text(a, s, 3);
        l->action = store_col_text(a, s, 4);
        l->detail = store_col_text(a, s, 5);
    }
    sqlite3_reset(s);
    *out = list;
    *n = count;
    return store_check(st, rc == SQLITE_ROW ? SQLITE_DONE : rc, "audit");
}
