/* SQL for link codes, and for joining two people into one and splitting
 * an identity off again (link.c decides; this only moves rows). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

enum ch_status
store_link_code_add(struct store *st, const char *code, int64_t person_id,
                    const char *platform, const char *user_id, int64_t now,
                    int64_t expires_at)
{
    /* An identity has one live code: asking again ends the earlier one. */
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE link_codes SET expires_at = ?3 WHERE platform = ?1"
            " AND user_id = ?2 AND used_at IS NULL AND expires_at > ?3");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, user_id);
    sqlite3_bind_int64(s, 3, now);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    s = store_stmt(st, "INSERT INTO link_codes (code, person_id, platform,"
                       " user_id, created_at, expires_at)"
                       " VALUES (?, ?, ?, ?, ?, ?)");
    store_bind_text(s, 1, code);
    sqlite3_bind_int64(s, 2, person_id);
    store_bind_text(s, 3, platform);
    store_bind_text(s, 4, user_id);
    sqlite3_bind_int64(s, 5, now);
    sqlite3_bind_int64(s, 6, expires_at);
    return store_exec(st, s);
}

static void
read_code(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct link_code *k = row;
    k->code = store_col_text(a, s, 0);
    k->person_id = sqlite3_column_int64(s, 1);
    k->platform = store_col_text(a, s, 2);
    k->user_id = store_col_text(a, s, 3);
    k->created_at = sqlite3_column_int64(s, 4);
    k->expires_at = sqlite3_column_int64(s, 5);
    k->used_at = store_col_int(s, 6, INT64_MIN);
    k->used_platform = store_col_text(a, s, 7);
    k->used_user = store_col_text(a, s, 8);
}

enum ch_status
store_link_code_get(struct store *st, struct arena *a, const char *code,
                    struct link_code *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT code, person_id, platform, user_id, created_at,"
            " expires_at, used_at, used_platform, used_user"
            " FROM link_codes WHERE code = ?");
    store_bind_text(s, 1, code);
    return store_row(st, a, s, read_code, out, "link code");
}

enum ch_status
store_link_code_use(struct store *st, const char *code, int64_t now,
                    const char *platform, const char *user_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE link_codes SET used_at = ?, used_platform = ?,"
            " used_user = ? WHERE code = ? AND used_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    store_bind_text(s, 2, platform);
    store_bind_text(s, 3, user_id);
    store_bind_text(s, 4, code);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK && sqlite3_changes(store_db(st)) != 1)
        r = CH_CONFLICT;
    return r;
}

enum ch_status
store_link_platforms(struct store *st, struct arena *a, int64_t person_id,
                     char ***platforms, char ***user_ids, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT platform, user_id FROM identities WHERE person_id = ?"
            " ORDER BY platform");
    sqlite3_bind_int64(s, 1, person_id);
    size_t cap = 8, count = 0;
    char **p = arena_alloc(a, cap * sizeof(*p));
    char **u = arena_alloc(a, cap * sizeof(*u));
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && count < cap) {
        p[count] = store_col_text(a, s, 0);
        u[count] = store_col_text(a, s, 1);
        count++;
    }
    sqlite3_reset(s);
    *platforms = p;
    *user_ids = u;
    *n = count;
    return store_check(st, rc == SQLITE_ROW ? SQLITE_DONE : rc, "identities");
}

/* One statement with ?1 the survivor, ?2 the one merged into her and
 * (when it has one) ?3 the time. */
static enum ch_status
exec2(struct store *st, const char *sql, int64_t keep, int64_t gone,
      int64_t now)
{
    sqlite3_stmt *s = store_stmt(st, sql);
    sqlite3_bind_int64(s, 1, keep);
    sqlite3_bind_int64(s, 2, gone);
    if (sqlite3_bind_parameter_count(s) >= 3)
        sqlite3_bind_int64(s, 3, now);
    return store_exec(st, s);
}

/* A participant row's weight: a current role beats a past one, then the
 * higher role (creator < coordinator < agency < brand). */
#define PART_RANK(t)                                                       \
    "((" t ".removed_at IS NULL) * 10 + CASE " t ".role"                   \
    " WHEN 'brand' THEN 4 WHEN 'agency' THEN 3"                            \
    " WHEN 'coordinator' THEN 2 ELSE 1 END)"

/* A prompt's weight: answered beats sent beats away beats due. */
#define PROMPT_RANK(t)                                                     \
    "(CASE " t ".state WHEN 'answered' THEN 4 WHEN 'sent' THEN 3"          \
    " WHEN 'away' THEN 2 ELSE 1 END)"

/* The prompts of a round both were asked in that give way: the weaker
 * of the two, or on a tie the one of ?2. */
#define PROMPT_LOSERS                                                      \
    "SELECT l.id FROM standup_prompts l JOIN standup_prompts w"            \
    " ON w.round_id = l.round_id AND w.person_id IN (?1, ?2)"              \
    " AND w.id != l.id WHERE l.person_id IN (?1, ?2) AND ("                \
    PROMPT_RANK("w") " > " PROMPT_RANK("l") " OR (" PROMPT_RANK("w")       \
    " = " PROMPT_RANK("l") " AND w.person_id = ?1))"

/* Rows that would name the same person twice where a key allows one:
 * the weaker of each pair goes before the re-pointing. */
static const char *const clash_sql[] = {
    /* Both in one campaign: keep the stronger row (keep's on a tie). */
    "DELETE FROM participants WHERE person_id = ?2 AND campaign_id IN ("
    " SELECT k.campaign_id FROM participants k JOIN participants g"
    "  ON g.campaign_id = k.campaign_id AND g.person_id = ?2"
    "  WHERE k.person_id = ?1 AND " PART_RANK("k") " >= " PART_RANK("g")
    ")",
    "DELETE FROM participants WHERE person_id = ?1 AND campaign_id IN ("
    " SELECT campaign_id FROM participants WHERE person_id = ?2)",
    /* Both prompted in one standup round: the answers of the weaker
     * prompt join the stronger one (they stay history), which stays. */
    "UPDATE standup_answers SET prompt_id = (SELECT w.id FROM"
    " standup_prompts l JOIN standup_prompts w ON w.round_id = l.round_id"
    "  AND w.person_id IN (?1, ?2) AND w.id != l.id"
    "  WHERE l.id = standup_answers.prompt_id)"
    " WHERE prompt_id IN (" PROMPT_LOSERS ")",
    "DELETE FROM standup_prompts WHERE id IN (" PROMPT_LOSERS ")",
    /* Reached by one escalation, reminded on one day, told of one
     * conflict: once is enough (the survivor's). */
    "DELETE FROM escalation_reached WHERE person_id = ?2 AND escalation_id"
    " IN (SELECT escalation_id FROM escalation_reached WHERE person_id = ?1)",
    "DELETE FROM rhythm_reminders WHERE person_id = ?2 AND EXISTS (SELECT 1"
    " FROM rhythm_reminders k WHERE k.person_id = ?1"
    "  AND k.campaign_id = rhythm_reminders.campaign_id"
    "  AND k.day = rhythm_reminders.day)",
    "DELETE FROM conflict_told WHERE person_id = ?2 AND conflict_id IN ("
    " SELECT conflict_id FROM conflict_told WHERE person_id = ?1)",
    /* A secret feed link each had: the survivor's stays, the other's
     * stops working (she asks `calendar` again for a new one). */
    "DELETE FROM web_tokens WHERE person_id = ?2 AND kind IN ("
    " SELECT kind FROM web_tokens WHERE person_id = ?1)",
    /* A double booking names its person in its key: one the survivor
     * has open as well closes, the others are keyed to her. */
    "UPDATE conflicts SET state = 'closed', closed_why = 'people joined',"
    " closed_at = ?3, updated_at = ?3 WHERE person_id = ?2"
    " AND state != 'closed' AND kind = 'booking' AND EXISTS (SELECT 1"
    "  FROM conflicts k"
    "  WHERE k.state != 'closed' AND k.key = 'booking:' || ?1 ||"
    "  substr(conflicts.key, length('booking:' || ?2) + 1))",
    "UPDATE conflicts SET key = 'booking:' || ?1 ||"
    " substr(key, length('booking:' || ?2) + 1)"
    " WHERE person_id = ?2 AND kind = 'booking'"
    " AND key LIKE 'booking:' || ?2 || ':%'",
};

/* Every column that names a person, found in the schema itself, so a
 * table added later is re-pointed too (a clash in it fails the merge,
 * which then changes nothing). */
static enum ch_status
repoint_all(struct store *st, int64_t keep, int64_t gone)
{
    sqlite3 *db = store_db(st);
    sqlite3_stmt *cols = NULL;
    int rc = sqlite3_prepare_v2(
        db, "SELECT m.name, f.\"from\" FROM sqlite_master m,"
            " pragma_foreign_key_list(m.name) f"
            " WHERE m.type = 'table' AND f.\"table\" = 'people'"
            " AND m.name != 'audit' ORDER BY 1, 2", -1, &cols, NULL);
    if (rc != SQLITE_OK)
        return store_check(st, rc, "person columns");
    enum ch_status r = CH_OK;
    while (r == CH_OK && (rc = sqlite3_step(cols)) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(cols, 0);
        const char *col = (const char *)sqlite3_column_text(cols, 1);
        char sql[256];
        int len = snprintf(sql, sizeof(sql),
                           "UPDATE \"%s\" SET \"%s\" = ?1 WHERE \"%s\" = ?2",
                           table, col, col);
        if (len < 0 || (size_t)len >= sizeof(sql)) {
            r = CH_INTERNAL;
            break;
        }
        sqlite3_stmt *up = NULL;
        int urc = sqlite3_prepare_v2(db, sql, -1, &up, NULL);
        if (urc == SQLITE_OK) {
            sqlite3_bind_int64(up, 1, keep);
            sqlite3_bind_int64(up, 2, gone);
            urc = sqlite3_step(up);
            if (urc == SQLITE_DONE)
                urc = SQLITE_OK;
        }
        r = store_check(st, urc, table);
        sqlite3_finalize(up);
    }
    if (r == CH_OK && rc != SQLITE_DONE)
        r = store_check(st, rc, "person columns");
    sqlite3_finalize(cols);
    return r;
}

enum ch_status
store_link_merge(struct store *st, int64_t keep, int64_t gone, int64_t now)
{
    enum ch_status r = CH_OK;
    for (size_t i = 0; r == CH_OK && i < sizeof(clash_sql) / sizeof(*clash_sql);
         i++)
        r = exec2(st, clash_sql[i], keep, gone, now);
    if (r == CH_OK)
        r = repoint_all(st, keep, gone);
    if (r == CH_OK)
        r = exec2(st, "UPDATE people SET merged_into = ?1 WHERE id = ?2",
                  keep, gone, now);
    return r;
}

enum ch_status
store_link_split(struct store *st, const char *platform, const char *user_id,
                 int64_t from, const char *name, int64_t now, int64_t *id)
{
    /* The new person starts with a copy of the zone, hours and
     * notification choices; everything else stays where it was. */
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO people (name, tz, tz_source, work_start, work_end,"
            " work_days, preferred_platform, created_at, hours_set,"
            " urgent_anytime, news_digest)"
            " SELECT ?1, tz, tz_source, work_start, work_end, work_days, ?2,"
            " ?3, hours_set, urgent_anytime, news_digest"
            " FROM people WHERE id = ?4");
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, platform);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, from);
    enum ch_status r = store_exec(st, s);
    if (r != CH_OK)
        return r;
    *id = store_last_id(st);
    s = store_stmt(st, "UPDATE identities SET person_id = ?1"
                       " WHERE platform = ?2 AND user_id = ?3");
    sqlite3_bind_int64(s, 1, *id);
    store_bind_text(s, 2, platform);
    store_bind_text(s, 3, user_id);
    return store_exec(st, s);
}

enum ch_status
store_link_profile(struct store *st, int64_t id, const char *tz,
                   const char *tz_source, int work_start, int work_end,
                   unsigned work_days, bool hours_set, bool urgent_anytime,
                   int news_digest, const char *preferred)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE people SET tz = ?, tz_source = ?, work_start = ?,"
            " work_end = ?, work_days = ?, hours_set = ?,"
            " urgent_anytime = ?, news_digest = ?, preferred_platform = ?"
            " WHERE id = ?");
    store_bind_text(s, 1, tz);
    store_bind_text(s, 2, tz_source);
    sqlite3_bind_int(s, 3, work_start);
    sqlite3_bind_int(s, 4, work_end);
    sqlite3_bind_int(s, 5, (int)work_days);
    sqlite3_bind_int(s, 6, hours_set);
    sqlite3_bind_int(s, 7, urgent_anytime);
    store_bind_int(s, 8, news_digest < 0 ? INT64_MIN : news_digest);
    store_bind_text(s, 9, preferred);
    sqlite3_bind_int64(s, 10, id);
    return store_exec(st, s);
}
