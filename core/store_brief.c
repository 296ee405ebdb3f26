/* SQL for briefs and their versions. */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

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
store_brief_get(struct store *st, struct arena *a, int64_t campaign_id,
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
store_brief_put(struct store *st, int64_t campaign_id, const struct brief *b,
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
store_brief_lock(struct store *st, int64_t campaign_id, int version,
                 int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE brief_versions SET locked_at = ?"
            " WHERE campaign_id = ? AND version = ? AND locked_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, campaign_id);
    sqlite3_bind_int(s, 3, version);
    return store_exec(st, s);
}

#define PROPOSAL_COLS                                                      \
    "b.id, b.campaign_id, b.field, b.op, b.value, b.proposed_by, p.name,"  \
    " b.proposed_at, b.state, b.decided_by, d.name, b.decided_at, b.note"
#define PROPOSAL_FROM                                                      \
    " FROM brief_proposals b JOIN people p ON p.id = b.proposed_by"       \
    " LEFT JOIN people d ON d.id = b.decided_by"

static void
read_proposal(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct brief_proposal *p = row;
    p->id = sqlite3_column_int64(s, 0);
    p->campaign_id = sqlite3_column_int64(s, 1);
    p->field = model_brief_field_index((const char *)sqlite3_column_text(s, 2));
    p->add = strcmp((const char *)sqlite3_column_text(s, 3), "add") == 0;
    p->value = store_col_text(a, s, 4);
    p->proposed_by = sqlite3_column_int64(s, 5);
    p->proposer = store_col_text(a, s, 6);
    p->proposed_at = sqlite3_column_int64(s, 7);
    p->state = store_col_text(a, s, 8);
    p->decided_by = store_col_int(s, 9, 0);
    p->decider = store_col_text(a, s, 10);
    p->decided_at = store_col_int(s, 11, INT64_MIN);
    p->note = store_col_text(a, s, 12);
}

enum ch_status
store_brief_propose(struct store *st, struct brief_proposal *p)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO brief_proposals (campaign_id, field, op, value,"
            " proposed_by, proposed_at) VALUES (?, ?, ?, ?, ?, ?)"
            " RETURNING id");
    sqlite3_bind_int64(s, 1, p->campaign_id);
    store_bind_text(s, 2, model_brief_fields[p->field].name);
    store_bind_text(s, 3, p->add ? "add" : "set");
    store_bind_text(s, 4, p->value);
    sqlite3_bind_int64(s, 5, p->proposed_by);
    sqlite3_bind_int64(s, 6, p->proposed_at);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        p->id = sqlite3_column_int64(s, 0);
    enum ch_status r = store_check(st, rc, "insert brief proposal");
    sqlite3_reset(s);
    return r;
}

enum ch_status
store_brief_proposal(struct store *st, struct arena *a, int64_t id,
                     struct brief_proposal *p)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " PROPOSAL_COLS PROPOSAL_FROM
                                     " WHERE b.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_proposal, p, "brief proposal");
}

enum ch_status
store_brief_proposals_open(struct store *st, struct arena *a,
                           int64_t campaign_id, struct brief_proposal **out,
                           size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PROPOSAL_COLS PROPOSAL_FROM
            " WHERE b.campaign_id = ? AND b.state = 'open' ORDER BY b.id");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_rows(st, a, s, read_proposal, sizeof(**out), (void **)out, n,
                      "brief proposals");
}

enum ch_status
store_brief_decide(struct store *st, int64_t id, const char *state,
                   int64_t by, int64_t now, const char *note)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE brief_proposals SET state = ?, decided_by = ?,"
            " decided_at = ?, note = ? WHERE id = ? AND state = 'open'");
    store_bind_text(s, 1, state);
    store_bind_int(s, 2, by ? by : INT64_MIN);
    sqlite3_bind_int64(s, 3, now);
    store_bind_text(s, 4, note);
    sqlite3_bind_int64(s, 5, id);
    enum ch_status r = store_exec(st, s);
    return r == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : r;
}
