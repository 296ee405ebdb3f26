/* SQL for people, identities, brands and agencies. */
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
rec_person_get(struct store *st, struct arena *a, int64_t id, struct person *p)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " PERSON_COLS
                                     " FROM people p WHERE p.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_person, p, "person");
}

enum ch_status
rec_person_by_identity(struct store *st, struct arena *a, const char *platform,
                       const char *user_id, struct person *p)
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
rec_people_by_name(struct store *st, struct arena *a, const char *name,
                   struct person **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PERSON_COLS " FROM people p WHERE p.id IN ("
            " SELECT id FROM people WHERE name = ?1 COLLATE NOCASE"
            " UNION SELECT person_id FROM identities"
            "   WHERE handle = ?1 COLLATE NOCASE) ORDER BY p.id LIMIT 16");
    store_bind_text(s, 1, name);
    return store_rows(st, a, s, read_person, sizeof(**out), (void **)out, n,
                      "people by name");
}

enum ch_status
rec_person_create(struct store *st, const char *name, int64_t now, int64_t *id)
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
rec_identity_add(struct store *st, const char *platform, const char *user_id,
                 int64_t person_id, const char *handle)
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
rec_identity_of(struct store *st, struct arena *a, int64_t person_id,
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
rec_person_mentions(struct store *st, struct arena *a, const char *ids_json,
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
rec_person_set_name(struct store *st, int64_t id, const char *name)
{
    sqlite3_stmt *s = store_stmt(st, "UPDATE people SET name = ? WHERE id = ?");
    store_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

enum ch_status
rec_person_set_tz(struct store *st, int64_t id, const char *tz,
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
rec_person_set_hours(struct store *st, int64_t id, int start, int end,
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
rec_time_off_add(struct store *st, int64_t person_id, int64_t from,
                 int64_t to, const char *note, int64_t set_by, int64_t now,
                 int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO time_off (person_id, starts_at, ends_at, note,"
            " set_by, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, from);
    sqlite3_bind_int64(s, 3, to);
    store_bind_text(s, 4, note);
    store_bind_int(s, 5, set_by ? set_by : INT64_MIN);
    sqlite3_bind_int64(s, 6, now);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK && id)
        *id = store_last_id(st);
    return r;
}

int64_t
rec_time_off_covering(struct store *st, int64_t person_id, int64_t t)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MAX(ends_at) FROM time_off WHERE person_id = ?"
            " AND starts_at <= ?2 AND ends_at > ?2");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, t);
    int64_t end = 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        end = store_col_int(s, 0, 0);
    sqlite3_reset(s);
    return end;
}

int64_t
rec_time_off_next_start(struct store *st, int64_t person_id, int64_t t)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MIN(starts_at) FROM time_off WHERE person_id = ?"
            " AND starts_at > ?");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, t);
    int64_t start = INT64_MAX;
    if (sqlite3_step(s) == SQLITE_ROW)
        start = store_col_int(s, 0, INT64_MAX);
    sqlite3_reset(s);
    return start;
}

enum ch_status
rec_time_off_end(struct store *st, int64_t person_id, int64_t now,
                 int *ended)
{
    /* Cut the current stretch at now; one not yet started is kept. */
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE time_off SET ends_at = ?2 WHERE person_id = ?1"
            " AND starts_at < ?2 AND ends_at > ?2");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, now);
    enum ch_status r = store_exec(st, s);
    if (ended)
        *ended = store_changes(st);
    return r;
}

enum ch_status
rec_time_off_list(struct store *st, struct arena *a, int64_t person_id,
                  int64_t after, int64_t **from, int64_t **to, char ***notes,
                  size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT starts_at, ends_at, note FROM time_off"
            " WHERE person_id = ? AND ends_at > ? ORDER BY starts_at LIMIT 20");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, after);
    *from = arena_alloc(a, 20 * sizeof(int64_t));
    *to = arena_alloc(a, 20 * sizeof(int64_t));
    *notes = arena_alloc(a, 20 * sizeof(char *));
    size_t count = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        (*from)[count] = sqlite3_column_int64(s, 0);
        (*to)[count] = sqlite3_column_int64(s, 1);
        (*notes)[count] = store_col_text(a, s, 2);
        count++;
    }
    sqlite3_reset(s);
    *n = count;
    return store_check(st, rc, "time off");
}

enum ch_status
rec_person_set_preferred(struct store *st, int64_t id, const char *platform)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE people SET preferred_platform = ? WHERE id = ?");
    store_bind_text(s, 1, platform);
    sqlite3_bind_int64(s, 2, id);
    return store_exec(st, s);
}

static void
read_brand(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct brand *b = row;
    b->id = sqlite3_column_int64(s, 0);
    b->name = store_col_text(a, s, 1);
    b->category = store_col_text(a, s, 2);
    b->exclusive = store_col_text(a, s, 3);
}

enum ch_status
rec_brand_by_name(struct store *st, struct arena *a, const char *name,
                  struct brand *b)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT id, name, category, exclusive FROM brands WHERE name = ?");
    store_bind_text(s, 1, name);
    return store_row(st, a, s, read_brand, b, "brand");
}

enum ch_status
rec_brand_put(struct store *st, const char *name, const char *category,
              const char *exclusive, int64_t now, int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO brands (name, category, exclusive, created_at)"
            " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET"
            " category = COALESCE(?2, category),"
            " exclusive = COALESCE(?3, exclusive)"
            " RETURNING id");
    store_bind_text(s, 1, name);
    store_bind_text(s, 2, category);
    store_bind_text(s, 3, exclusive);
    sqlite3_bind_int64(s, 4, now);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && id)
        *id = sqlite3_column_int64(s, 0);
    enum ch_status r = rc == SQLITE_ROW ? CH_OK : store_check(st, rc, "brand");
    sqlite3_reset(s);
    return r;
}

enum ch_status
rec_agency_get_or_create(struct store *st, const char *name, int64_t now,
                         int64_t *id, bool *created)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT id FROM agencies WHERE name = ?");
    store_bind_text(s, 1, name);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *created = false;
        sqlite3_reset(s);
        return CH_OK;
    }
    sqlite3_reset(s);
    s = store_stmt(st, "INSERT INTO agencies (name, created_at) VALUES (?, ?)");
    store_bind_text(s, 1, name);
    sqlite3_bind_int64(s, 2, now);
    enum ch_status r = store_exec(st, s);
    if (r == CH_OK) {
        *id = store_last_id(st);
        *created = true;
    }
    return r;
}
