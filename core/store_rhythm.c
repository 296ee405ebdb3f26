/* SQL for a campaign's weekly rhythm and the feedback-day reminders it
 * gave (rhythm.h). */
#include <sqlite3.h>
#include <stdint.h>

#include "records.h"
#include "store.h"

static void
read_rhythm(struct arena *a, sqlite3_stmt *s, void *row)
{
    (void)a;
    struct rhythm *r = row;
    r->campaign_id = sqlite3_column_int64(s, 0);
    for (int i = 0; i < RHYTHM_NSTEPS; i++)
        r->day[i] = (int)store_col_int(s, 1 + i, -1);
    r->at_min = (int)store_col_int(s, 6, -1);
    r->job_due = store_col_int(s, 7, 0);
    r->job_id = store_col_int(s, 8, 0);
    r->set_by = store_col_int(s, 9, 0);
    r->set_at = sqlite3_column_int64(s, 10);
}

enum ch_status
store_rhythm_get(struct store *st, int64_t campaign_id, struct rhythm *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT campaign_id, brief, questions, drafts, feedback,"
            " revisions, at_min, job_due, job_id, set_by, set_at"
            " FROM rhythms WHERE campaign_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_row(st, NULL, s, read_rhythm, r, "rhythm");
}

/* A day or a time of day, -1 for none (NULL). */
static void
bind_opt(sqlite3_stmt *s, int idx, int v)
{
    store_bind_int(s, idx, v < 0 ? INT64_MIN : v);
}

enum ch_status
store_rhythm_put(struct store *st, const struct rhythm *r)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO rhythms (campaign_id, brief, questions, drafts,"
            " feedback, revisions, at_min, set_by, set_at) VALUES (?1, ?2,"
            " ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (campaign_id) DO UPDATE"
            " SET brief = ?2, questions = ?3, drafts = ?4, feedback = ?5,"
            " revisions = ?6, at_min = ?7, set_by = ?8, set_at = ?9");
    sqlite3_bind_int64(s, 1, r->campaign_id);
    for (int i = 0; i < RHYTHM_NSTEPS; i++)
        bind_opt(s, 2 + i, r->day[i]);
    bind_opt(s, 7, r->at_min);
    store_bind_int(s, 8, r->set_by ? r->set_by : INT64_MIN);
    sqlite3_bind_int64(s, 9, r->set_at);
    return store_exec(st, s);
}

enum ch_status
store_rhythm_delete(struct store *st, int64_t campaign_id)
{
    sqlite3_stmt *s =
        store_stmt(st, "DELETE FROM rhythms WHERE campaign_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_exec(st, s);
}

enum ch_status
store_rhythm_set_job(struct store *st, int64_t campaign_id, int64_t job_due,
                     int64_t job_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE rhythms SET job_due = ?, job_id = ? WHERE campaign_id = ?");
    store_bind_int(s, 1, job_id ? job_due : INT64_MIN);
    store_bind_int(s, 2, job_id ? job_id : INT64_MIN);
    sqlite3_bind_int64(s, 3, campaign_id);
    return store_exec(st, s);
}

bool
store_rhythm_reminded(struct store *st, int64_t campaign_id,
                      int64_t person_id, int64_t day)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT count(*) FROM rhythm_reminders WHERE campaign_id = ?"
            " AND person_id = ? AND day = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    sqlite3_bind_int64(s, 3, day);
    return store_scalar(st, s) > 0;
}

enum ch_status
store_rhythm_remind_add(struct store *st, int64_t campaign_id,
                        int64_t person_id, int64_t day, int waiting,
                        int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO rhythm_reminders (campaign_id, person_id, day,"
            " waiting, at) VALUES (?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, person_id);
    sqlite3_bind_int64(s, 3, day);
    sqlite3_bind_int(s, 4, waiting);
    sqlite3_bind_int64(s, 5, now);
    return store_exec(st, s);
}
