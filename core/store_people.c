/* SQL for people and their platform identities. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

#define PERSON_COLS                                                       \
    "p.id, p.name, p.tz, p.tz_source, p.work_start, p.work_end, "         \
    "p.work_days, p.preferred_platform, p.hours_set"

static void
read_person(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct person *p = row;
    p->id = sqlite3_column_int64(s, 0);
    p->name = store_col_text(a, s, 1);
    p->tz = store_col_text(a, s, 2);
    p->tz_source = store_col_text(a, s, 3);
    p->work_start = sqlite3_column_int(s, 4);
    p->work_end = sqlite3_column_int(s, 5);
    p->work_days = (unsigned)sqlite3_column_int(s, 6);
    p->preferred_platform = store_col_text(a, s, 7);
    p->hours_set = sqlite3_column_int(s, 8) != 0;
}

enum ch_status
store_people_get(struct store *st, struct arena *a, int64_t id,
                 struct person *p)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " PERSON_COLS
                                     " FROM people p WHERE p.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_person, p, "person");
}

enum ch_status
store_people_by_identity(struct store *st, struct arena *a,
                         const char *platform, const char *user_id,
                         struct person *p)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PERSON_COLS " FROM identities i"
            " JOIN people p ON p.id = i.person_id"
            " WHERE i.platform = ? AND i.user_id = ?");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, user_id);
    return store_row(st, a, s, read_person, p, "person");
}

enum ch_status
store_people_by_name(struct store *st, struct arena *a, const char *name,
                     struct person **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PERSON_COLS " FROM people p WHERE p.id IN ("
            " SELECT id FROM people WHERE name = ?1 COLLATE NOCASE"
            "   AND merged_into IS NULL"
            " UNION SELECT person_id FROM identities"
            "   WHERE handle = ?1 COLLATE NOCASE) ORDER BY p.id LIMIT 16");
    store_bind_text(s, 1, name);
    return store_rows(st, a, s, read_person, sizeof(**out), (void **)out, n,
                      "people by name");
}

enum ch_status
store_people_create(struct store *st, const char *name, int64_t now,
                    int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO people (name, created_at) VALUES (?, ?)");
    store_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, now);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK)
        *id = store_last_id(st);
    return r;
}

enum ch_status
store_people_identity_add(struct store *st, const char *platform,
                          const char *user_id, int64_t person_id,
                          const char *handle)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO identities (platform, user_id, person_id, handle)"
            " VALUES (?, ?, ?, ?)");
    store_bind_text(s, 1, platform);
    store_bind_text(s, 2, user_id);
    sqlite3_bind_int64(s, 3, person_id);
    store_bind_text(s, 4, handle);
    return store_exec(st, s);
}

char *
store_people_identity_of(struct store *st, struct arena *a, int64_t person_id,
                         const char *platform)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT user_id FROM identities WHERE person_id = ?"
            " AND platform = ? LIMIT 1");
    sqlite3_bind_int64(s, 1, person_id);
    store_bind_text(s, 2, platform);
    char *id = NULL;
    if (sqlite3_step(s) == SQLITE_ROW)
        id = store_col_text(a, s, 0);
    sqlite3_reset(s);
    return id;
}

static void
read_mention(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct person_mention *m = row;
    m->id = sqlite3_column_int64(s, 0);
    m->name = store_col_text(a, s, 1);
    m->user_id = store_col_text(a, s, 2);
}

enum ch_status
store_people_mentions(struct store *st, struct arena *a, const char *ids_json,
                      const char *platform, struct person_mention **out,
                      size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT p.id, p.name, (SELECT user_id FROM identities"
            "  WHERE person_id = p.id AND platform = ?2 LIMIT 1)"
            " FROM people p WHERE p.id IN (SELECT value FROM json_each(?1))");
    store_bind_text(s, 1, ids_json);
    store_bind_text(s, 2, platform);
    return store_rows(st, a, s, read_mention, sizeof(**out), (void **)out, n,
                      "mentions");
}

enum ch_status
store_people_set_name(struct store *st, int64_t id, const char *name)
{
    sqlite3_stmt *s = store_stmt(st, "UPDATE people SET name = ? WHERE id = ?");
    store_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

enum ch_status
store_people_set_tz(struct store *st, int64_t id, const char *tz,
                    const char *source)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE people SET tz = ?, tz_source = ? WHERE id = ?");
    store_bind_text(s, 1, tz);
    store_bind_text(s, 2, source);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}

enum ch_status
store_people_set_hours(struct store *st, int64_t id, int start, int end,
                       unsigned days)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE people SET work_start = ?, work_end = ?, work_days = ?,"
            " hours_set = 1 WHERE id = ?");
    sqlite3_bind_int(s, 1, start);
    sqlite3_bind_int(s, 2, end);
    sqlite3_bind_int(s, 3, (int)days);
    sqlite3_bind_int64(s, 4, id);
    return store_exec(st, s);
}

enum ch_status
store_people_set_preferred(struct store *st, int64_t id, const char *platform)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE people SET preferred_platform = ? WHERE id = ?");
    store_bind_text(s, 1, platform);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

enum ch_status
store_people_notify(struct store *st, int64_t id, bool *urgent_anytime,
                    int *news_digest)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT urgent_anytime, news_digest FROM people WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    *urgent_anytime = false;
    *news_digest = -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *urgent_anytime = sqlite3_column_int(s, 0) != 0;
        *news_digest = (int)store_col_int(s, 1, -1);
    }
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? CH_OK : CH_NOT_FOUND;
}

enum ch_status
store_people_set_notify(struct store *st, int64_t id, bool urgent_anytime,
                        int news_digest)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE people SET urgent_anytime = ?, news_digest = ?"
            " WHERE id = ?");
    sqlite3_bind_int(s, 1, urgent_anytime);
    store_bind_int(s, 2, news_digest < 0 ? INT64_MIN : news_digest);
    sqlite3_bind_int64(s, 3, id);
    return store_exec(st, s);
}
