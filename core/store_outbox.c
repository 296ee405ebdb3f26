/* SQL for the outbox. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

#define OUTBOX_COLS                                                        \
    "o.id, o.platform, o.kind, o.campaign_id, o.person_id, o.channel_ref, " \
    "o.user_ref, o.ref_id, o.text, o.buttons, o.attempts, o.platform_ref, " \
    "r.platform_ref, r.state, o.not_before, o.about, o.subject"
#define OUTBOX_FROM " FROM outbox o LEFT JOIN outbox r ON r.id = o.ref_id"

static void
read_row(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct outbox_row *r = row;
    r->id = sqlite3_column_int64(s, 0);
    r->platform = store_col_text(a, s, 1);
    r->kind = store_col_text(a, s, 2);
    r->campaign_id = store_col_int(s, 3, 0);
    r->person_id = store_col_int(s, 4, 0);
    r->channel_ref = store_col_text(a, s, 5);
    r->user_ref = store_col_text(a, s, 6);
    r->ref_id = store_col_int(s, 7, 0);
    r->text = store_col_text(a, s, 8);
    r->buttons = store_col_text(a, s, 9);
    r->attempts = sqlite3_column_int(s, 10);
    r->platform_ref = store_col_text(a, s, 11);
    r->ref_platform_ref = store_col_text(a, s, 12);
    r->ref_state = store_col_text(a, s, 13);
    r->acted_by = r->acted_at = 0;
    r->not_before = store_col_int(s, 14, 0);
    r->about = store_col_int(s, 15, 0);
    r->subject = store_col_text(a, s, 16);
}

enum ch_status
store_outbox_insert(struct store *st, const struct outbox_row *r, int64_t now,
                    int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO outbox (platform, kind, campaign_id, person_id,"
            " channel_ref, user_ref, ref_id, text, buttons, created_at,"
            " not_before, about, subject)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    store_bind_text(s, 1, r->platform);
    store_bind_text(s, 2, r->kind);
    store_bind_int(s, 3, r->campaign_id ? r->campaign_id : INT64_MIN);
    store_bind_int(s, 4, r->person_id ? r->person_id : INT64_MIN);
    store_bind_text(s, 5, r->channel_ref);
    store_bind_text(s, 6, r->user_ref);
    store_bind_int(s, 7, r->ref_id ? r->ref_id : INT64_MIN);
    store_bind_text(s, 8, r->text);
    store_bind_text(s, 9, r->buttons);
    sqlite3_bind_int64(s, 10, now);
    sqlite3_bind_int64(s, 11, r->not_before);
    store_bind_int(s, 12, r->about ? r->about : INT64_MIN);
    store_bind_text(s, 13, r->subject);
    enum ch_status st2 = store_exec(st, s);
    if (st2 == CH_OK && id)
        *id = store_last_id(st);
    return st2;
}

enum ch_status
store_outbox_pending(struct store *st, struct arena *a, const char *platform,
                     int64_t now, int64_t after_id, int limit,
                     struct outbox_row **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " OUTBOX_COLS OUTBOX_FROM
            " WHERE o.platform = ? AND o.state = 'pending' AND o.id > ?"
            " AND o.not_before <= ? ORDER BY o.id LIMIT ?");
    store_bind_text(s, 1, platform);
    sqlite3_bind_int64(s, 2, after_id);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int(s, 4, limit);
    return store_rows(st, a, s, read_row, sizeof(**out), (void **)out, n,
                      "outbox pending");
}

int64_t
store_outbox_backlog(struct store *st)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    return store_scalar(st, s);
}

enum ch_status
store_outbox_get(struct store *st, struct arena *a, int64_t id,
                 struct outbox_row *r)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " OUTBOX_COLS OUTBOX_FROM
                                     " WHERE o.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_row, r, "outbox row");
}

static void
read_acted(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct outbox_row *r = row;
    read_row(a, s, row);
    r->acted_by = store_col_int(s, 17, 0);
    r->acted_at = store_col_int(s, 18, 0);
}

enum ch_status
store_outbox_by_platform_ref(struct store *st, struct arena *a,
                             const char *platform, const char *platform_ref,
                             struct outbox_row *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " OUTBOX_COLS ", o.acted_by, o.acted_at" OUTBOX_FROM
            " WHERE o.platform = ? AND o.platform_ref = ?"
            " AND o.kind IN ('post','dm','reply') ORDER BY o.id DESC LIMIT 1");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, platform_ref);
    return store_row(st, a, s, read_acted, r, "outbox by ref");
}

enum ch_status
store_outbox_acted(struct store *st, int64_t id, int64_t person_id,
                   int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE outbox SET acted_by = ?, acted_at = ?"
            " WHERE id = ? AND acted_at IS NULL");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_int64(s, 3, id);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK && store_changes(st) == 0)
        return CH_CONFLICT;
    return r;
}

static void
read_sent(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct outbox_row *r = row;
    memset(r, 0, sizeof(*r));
    r->platform = store_col_text(a, s, 0);
    r->kind = store_col_text(a, s, 1);
    r->campaign_id = store_col_int(s, 2, 0);
}

/* Two statements, not UPDATE ... RETURNING: RETURNING builds an ephemeral
 * table (its own pager and page cache) on every run, which cost more than
 * the command itself in the Discord benchmark's profile. */
enum ch_status
store_outbox_sent(struct store *st, struct arena *a, int64_t id,
                  const char *platform_ref, int64_t now, struct outbox_row *was)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE outbox SET state = 'sent', sent_at = ?, platform_ref = ?,"
            " attempts = attempts + 1, last_error = NULL"
            " WHERE id = ? AND state = 'pending'");
    sqlite3_bind_int64(s, 1, now);
    store_bind_text(s, 2, platform_ref);
    sqlite3_bind_int64(s, 3, id);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    if (store_changes(st) == 0)
        return CH_NOT_FOUND;
    if (was == NULL)
        return CH_OK;
    s = store_stmt(st, "SELECT platform, kind, campaign_id FROM outbox"
                       " WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_sent, was, "outbox sent");
}

enum ch_status
store_outbox_retry(struct store *st, int64_t id, int64_t not_before,
                   const char *error)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE outbox SET attempts = attempts + 1, not_before = ?,"
            " last_error = ? WHERE id = ? AND state = 'pending'");
    sqlite3_bind_int64(s, 1, not_before);
    store_bind_text(s, 2, error);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}

enum ch_status
store_outbox_failed(struct store *st, int64_t id, const char *error)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE outbox SET state = 'failed', attempts = attempts + 1,"
            " last_error = ? WHERE id = ? AND state = 'pending'");
    store_bind_text(s, 1, error);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

int64_t
store_outbox_pending_update(struct store *st, int64_t ref_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id FROM outbox WHERE ref_id = ? AND kind = 'update'"
            " AND state = 'pending' AND attempts = 0"
            " ORDER BY id DESC LIMIT 1");
    sqlite3_bind_int64(s, 1, ref_id);
    return store_scalar(st, s);
}

enum ch_status
store_outbox_set_text(struct store *st, int64_t id, const char *text)
{
    sqlite3_stmt *s = store_stmt(st, "UPDATE outbox SET text = ? WHERE id = ?");
    store_bind_text(s, 1, text);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

int64_t
store_outbox_next_retry(struct store *st, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MIN(not_before) FROM outbox"   /* index outbox_retry */
            " WHERE state = 'pending' AND not_before > 0 AND not_before > ?");
    sqlite3_bind_int64(s, 1, now);
    int64_t t = INT64_MAX;
    if (sqlite3_step(s) == SQLITE_ROW)
        t = store_col_int(s, 0, INT64_MAX);
    sqlite3_reset(s);
    return t;
}

enum ch_status
store_outbox_dm_due(struct store *st, struct arena *a, const char *platform,
                    int64_t person_id, int64_t now, struct outbox_row **out,
                    size_t *n)
{
    sqlite3_stmt *s = store_stmt(   /* index outbox_dm_person */
        st, "SELECT " OUTBOX_COLS OUTBOX_FROM
            " WHERE o.person_id = ? AND o.platform = ? AND o.kind = 'dm'"
            " AND o.state = 'pending' AND o.not_before <= ?"
            " ORDER BY o.id LIMIT 64");
    sqlite3_bind_int64(s, 1, person_id);
    store_bind_text(s, 2, platform);
    sqlite3_bind_int64(s, 3, now);
    return store_rows(st, a, s, read_row, sizeof(**out), (void **)out, n,
                      "outbox dm due");
}

int64_t
store_outbox_dm_held(struct store *st, int64_t person_id, int64_t from,
                     int64_t to)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MIN(not_before) FROM outbox WHERE person_id = ?"
            " AND kind = 'dm' AND state = 'pending'"
            " AND not_before BETWEEN ? AND ?");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, to);
    int64_t t = 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        t = store_col_int(s, 0, 0);
    sqlite3_reset(s);
    return t;
}

const char *
store_outbox_subject_of(struct store *st, struct arena *a, char kind,
                        int64_t id)
{
    static const char *const sql[] = {
        "SELECT 'd' || id || ':' || state || '/' || ifnull(review_stage, '')"
        " || '/' || rounds FROM deliverables WHERE id = ?",
        "SELECT 'e' || id || ':' || state FROM escalations WHERE id = ?",
        "SELECT 'p' || id || ':' || state FROM brief_proposals WHERE id = ?",
        /* A conflict alert is stale once it is dismissed, closed or
         * changed again. */
        "SELECT 'c' || id || ':' || state || '/' || updated_at"
        " FROM conflicts WHERE id = ?",
    };
    const char *kinds = "depc", *k = strchr(kinds, kind);
    if (kind == 0 || k == NULL)
        return NULL;
    sqlite3_stmt *s = store_stmt(st, sql[k - kinds]);
    sqlite3_bind_int64(s, 1, id);
    const char *out = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        out = store_col_text(a, s, 0);
    sqlite3_reset(s);
    return out;
}

const char *
store_outbox_subject_now(struct store *st, struct arena *a,
                         const char *subject)
{
    if (subject == NULL)
        return NULL;
    return store_outbox_subject_of(st, a, subject[0],
                                   strtoll(subject + 1, NULL, 10));
}

enum ch_status
store_outbox_digest_sent(struct store *st, int64_t lead, const char *text,
                         const char *buttons, const int64_t *members,
                         size_t n, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE outbox SET text = ?, buttons = ? WHERE id = ?");
    store_bind_text(s, 1, text);
    store_bind_text(s, 2, buttons);
    sqlite3_bind_int64(s, 3, lead);
    enum ch_status r = store_exec(st, s);
    for (size_t i = 0; i < n && r == CH_OK; i++) {
        s = store_stmt(
            st, "UPDATE outbox SET state = 'sent', sent_at = ?,"
                " digest_of = ?, attempts = attempts + 1"
                " WHERE id = ? AND state = 'pending'");
        sqlite3_bind_int64(s, 1, now);
        sqlite3_bind_int64(s, 2, lead);
        sqlite3_bind_int64(s, 3, members[i]);
        r = store_exec(st, s);
    }
    return r;
}

enum ch_status
store_outbox_dropped(struct store *st, int64_t id, int64_t now,
                     const char *why)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE outbox SET state = 'sent', sent_at = ?, last_error = ?"
            " WHERE id = ? AND state = 'pending'");
    sqlite3_bind_int64(s, 1, now);
    store_bind_text(s, 2, why);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}
