/* SQL for standups: schedules, rounds, prompts and answers (issue 16). */
#include <sqlite3.h>
#include <string.h>

#include "arena.h"
#include "records.h"
#include "store.h"

static void
read_sched(struct arena *a, sqlite3_stmt *s, void *row)
{
    (void)a;
    struct standup_sched *x = row;
    x->campaign_id = sqlite3_column_int64(s, 0);
    x->days = (unsigned)sqlite3_column_int(s, 1);
    x->at_min = sqlite3_column_int(s, 2);
    x->window_ms = sqlite3_column_int64(s, 3);
    x->weeks = sqlite3_column_int(s, 4);
    x->anchor = sqlite3_column_int64(s, 5);
    x->enabled = sqlite3_column_int(s, 6) != 0;
}

enum ch_status
store_standup_get(struct store *st, struct arena *a, int64_t campaign_id,
                  struct standup_sched *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT campaign_id, days, at_min, window_ms, weeks, anchor,"
            " enabled FROM standups WHERE campaign_id = ?");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_row(st, a, s, read_sched, out, "standup");
}

enum ch_status
store_standup_set(struct store *st, const struct standup_sched *x,
                  int64_t by, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO standups (campaign_id, days, at_min, window_ms,"
            " weeks, anchor, enabled, set_by, set_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (campaign_id) DO UPDATE SET days = excluded.days,"
            " at_min = excluded.at_min, window_ms = excluded.window_ms,"
            " weeks = excluded.weeks, anchor = excluded.anchor,"
            " enabled = excluded.enabled, set_by = excluded.set_by,"
            " set_at = excluded.set_at");
    sqlite3_bind_int64(s, 1, x->campaign_id);
    sqlite3_bind_int(s, 2, (int)x->days);
    sqlite3_bind_int(s, 3, x->at_min);
    sqlite3_bind_int64(s, 4, x->window_ms);
    sqlite3_bind_int(s, 5, x->weeks);
    sqlite3_bind_int64(s, 6, x->anchor);
    sqlite3_bind_int(s, 7, x->enabled);
    store_bind_int(s, 8, by ? by : INT64_MIN);
    sqlite3_bind_int64(s, 9, now);
    return store_exec(st, s);
}

#define ROUND_COLS \
    "id, campaign_id, day, adhoc, opens_at, closes_at, closed_at"

static void
read_round(struct arena *a, sqlite3_stmt *s, void *row)
{
    (void)a;
    struct standup_round *r = row;
    r->id = sqlite3_column_int64(s, 0);
    r->campaign_id = sqlite3_column_int64(s, 1);
    r->day = sqlite3_column_int64(s, 2);
    r->adhoc = sqlite3_column_int(s, 3) != 0;
    r->opens_at = sqlite3_column_int64(s, 4);
    r->closes_at = sqlite3_column_int64(s, 5);
    r->closed_at = store_col_int(s, 6, 0);
}

enum ch_status
store_standup_round_insert(struct store *st, struct standup_round *r,
                           int64_t by)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO standup_rounds (campaign_id, day, adhoc, opens_at,"
            " closes_at, started_by) VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, r->campaign_id);
    sqlite3_bind_int64(s, 2, r->day);
    sqlite3_bind_int(s, 3, r->adhoc);
    sqlite3_bind_int64(s, 4, r->opens_at);
    sqlite3_bind_int64(s, 5, r->closes_at);
    store_bind_int(s, 6, by ? by : INT64_MIN);
    enum ch_status rc = store_exec(st, s);
    if (rc == CH_OK)
        r->id = store_last_id(st);
    return rc;
}

enum ch_status
store_standup_round_get(struct store *st, struct arena *a, int64_t id,
                        struct standup_round *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ROUND_COLS " FROM standup_rounds WHERE id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_round, out, "standup round");
}

enum ch_status
store_standup_round_last(struct store *st, struct arena *a,
                         int64_t campaign_id, int64_t before_id,
                         struct standup_round *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ROUND_COLS " FROM standup_rounds"
            " WHERE campaign_id = ? AND id < ? ORDER BY id DESC LIMIT 1");
    sqlite3_bind_int64(s, 1, campaign_id);
    sqlite3_bind_int64(s, 2, before_id ? before_id : INT64_MAX);
    return store_row(st, a, s, read_round, out, "standup round");
}

enum ch_status
store_standup_round_open(struct store *st, struct arena *a,
                         int64_t campaign_id, struct standup_round *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ROUND_COLS " FROM standup_rounds"
            " WHERE campaign_id = ? AND closed_at IS NULL"
            " ORDER BY id DESC LIMIT 1");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_row(st, a, s, read_round, out, "standup round");
}

int64_t
store_standup_last_day(struct store *st, int64_t campaign_id)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT MAX(day) FROM standup_rounds"
            " WHERE campaign_id = ? AND adhoc = 0");
    sqlite3_bind_int64(s, 1, campaign_id);
    return store_scalar(st, s);
}

enum ch_status
store_standup_round_close(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE standup_rounds SET closed_at = ?"
            " WHERE id = ? AND closed_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    enum ch_status rc = store_exec(st, s);
    return rc == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : rc;
}

/* Prompts come with their round's campaign and times. */
#define PROMPT_COLS                                                       \
    "p.id, p.round_id, p.person_id, p.due_at, p.state, p.away,"           \
    " p.sent_at, p.reminded_at, p.answered_at, r.campaign_id,"            \
    " r.closes_at, r.closed_at, r.adhoc"
#define PROMPT_FROM " FROM standup_prompts p JOIN standup_rounds r" \
                    " ON r.id = p.round_id"

static void
read_prompt(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct standup_prompt *p = row;
    p->id = sqlite3_column_int64(s, 0);
    p->round_id = sqlite3_column_int64(s, 1);
    p->person_id = sqlite3_column_int64(s, 2);
    p->due_at = sqlite3_column_int64(s, 3);
    const char *state = (const char *)sqlite3_column_text(s, 4);
    p->state = !state                         ? PROMPT_DUE
               : strcmp(state, "sent") == 0     ? PROMPT_SENT
               : strcmp(state, "answered") == 0 ? PROMPT_ANSWERED
               : strcmp(state, "away") == 0     ? PROMPT_AWAY
                                                : PROMPT_DUE;
    p->away = store_col_text(a, s, 5);
    p->sent_at = store_col_int(s, 6, 0);
    p->reminded_at = store_col_int(s, 7, 0);
    p->answered_at = store_col_int(s, 8, 0);
    p->campaign_id = sqlite3_column_int64(s, 9);
    p->closes_at = sqlite3_column_int64(s, 10);
    p->closed = sqlite3_column_type(s, 11) != SQLITE_NULL;
    p->adhoc = sqlite3_column_int(s, 12) != 0;
}

static const char *const prompt_states[] = {
    [PROMPT_DUE] = "due", [PROMPT_SENT] = "sent",
    [PROMPT_ANSWERED] = "answered", [PROMPT_AWAY] = "away",
};

enum ch_status
store_standup_prompt_insert(struct store *st, int64_t round_id,
                            int64_t person_id, int64_t due_at,
                            enum prompt_state state, const char *away,
                            int64_t *id)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO standup_prompts (round_id, person_id, due_at, state,"
            " away) VALUES (?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, round_id);
    sqlite3_bind_int64(s, 2, person_id);
    sqlite3_bind_int64(s, 3, due_at);
    store_bind_text(s, 4, prompt_states[state]);
    store_bind_text(s, 5, away);
    enum ch_status rc = store_exec(st, s);
    if (rc == CH_OK && id)
        *id = store_last_id(st);
    return rc;
}

enum ch_status
store_standup_prompt_get(struct store *st, struct arena *a, int64_t id,
                         struct standup_prompt *out)
{
    sqlite3_stmt *s = store_stmt(st, "SELECT " PROMPT_COLS PROMPT_FROM
                                     " WHERE p.id = ?");
    sqlite3_bind_int64(s, 1, id);
    return store_row(st, a, s, read_prompt, out, "standup prompt");
}

enum ch_status
store_standup_prompts_round(struct store *st, struct arena *a,
                            int64_t round_id, struct standup_prompt **out,
                            size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PROMPT_COLS PROMPT_FROM
            " JOIN people pe ON pe.id = p.person_id"
            " WHERE p.round_id = ? ORDER BY pe.name COLLATE NOCASE, p.id");
    sqlite3_bind_int64(s, 1, round_id);
    return store_rows(st, a, s, read_prompt, sizeof(**out), (void **)out, n,
                      "standup prompts");
}

enum ch_status
store_standup_prompts_due(struct store *st, struct arena *a,
                          int64_t person_id, int64_t until,
                          struct standup_prompt **out, size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PROMPT_COLS PROMPT_FROM
            " WHERE p.person_id = ? AND p.state = 'due' AND p.due_at <= ?"
            " AND r.closed_at IS NULL ORDER BY r.campaign_id, p.id");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, until);
    return store_rows(st, a, s, read_prompt, sizeof(**out), (void **)out, n,
                      "standup prompts");
}

enum ch_status
store_standup_prompts_open(struct store *st, struct arena *a,
                           int64_t person_id, struct standup_prompt **out,
                           size_t *n)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PROMPT_COLS PROMPT_FROM
            " WHERE p.person_id = ? AND p.state IN ('due', 'sent', 'answered')"
            " AND r.closed_at IS NULL ORDER BY r.campaign_id, p.id");
    sqlite3_bind_int64(s, 1, person_id);
    return store_rows(st, a, s, read_prompt, sizeof(**out), (void **)out, n,
                      "standup prompts");
}

enum ch_status
store_standup_prompt_last(struct store *st, struct arena *a, int64_t person_id,
                          struct standup_prompt *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " PROMPT_COLS PROMPT_FROM
            " WHERE p.person_id = ? AND p.state != 'away'"
            " ORDER BY p.due_at DESC, p.id DESC LIMIT 1");
    sqlite3_bind_int64(s, 1, person_id);
    return store_row(st, a, s, read_prompt, out, "standup prompt");
}

enum ch_status
store_standup_prompt_state(struct store *st, int64_t id,
                           enum prompt_state state, const char *away,
                           int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE standup_prompts SET state = ?1, away = ?2,"
            " sent_at = CASE WHEN ?1 = 'sent' THEN ?3 ELSE sent_at END,"
            " answered_at = CASE WHEN ?1 = 'answered' THEN ?3"
            "   ELSE answered_at END"
            " WHERE id = ?4");
    store_bind_text(s, 1, prompt_states[state]);
    store_bind_text(s, 2, away);
    sqlite3_bind_int64(s, 3, now);
    sqlite3_bind_int64(s, 4, id);
    return store_exec(st, s);
}

enum ch_status
store_standup_prompt_reminded(struct store *st, int64_t id, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "UPDATE standup_prompts SET reminded_at = ?"
            " WHERE id = ? AND reminded_at IS NULL");
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, id);
    enum ch_status rc = store_exec(st, s);
    return rc == CH_OK && store_changes(st) == 0 ? CH_CONFLICT : rc;
}

#define ANSWER_COLS "a.id, a.prompt_id, a.deliverable_id, a.colour, a.note, a.at"

static void
read_answer(struct arena *a, sqlite3_stmt *s, void *row)
{
    struct standup_answer *x = row;
    x->id = sqlite3_column_int64(s, 0);
    x->prompt_id = sqlite3_column_int64(s, 1);
    x->deliverable_id = sqlite3_column_int64(s, 2);
    int colour = model_name_index(model_standup_colours,
                                  (const char *)sqlite3_column_text(s, 3));
    x->colour = colour < 0 ? SU_GREEN : (enum standup_colour)colour;
    x->note = store_col_text(a, s, 4);
    x->at = sqlite3_column_int64(s, 5);
}

enum ch_status
store_standup_answer_insert(struct store *st, int64_t prompt_id,
                            int64_t deliverable_id, enum standup_colour colour,
                            const char *note, int64_t now)
{
    sqlite3_stmt *s = store_stmt(
        st, "INSERT INTO standup_answers (prompt_id, deliverable_id, colour,"
            " note, at) VALUES (?, ?, ?, ?, ?)");
    sqlite3_bind_int64(s, 1, prompt_id);
    sqlite3_bind_int64(s, 2, deliverable_id);
    store_bind_text(s, 3, model_standup_colours[colour]);
    store_bind_text(s, 4, note);
    sqlite3_bind_int64(s, 5, now);
    return store_exec(st, s);
}

enum ch_status
store_standup_answers_prompt(struct store *st, struct arena *a,
                             int64_t prompt_id, struct standup_answer **out,
                             size_t *n)
{
    /* The latest answer per deliverable: earlier ones are history. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ANSWER_COLS " FROM standup_answers a"
            " WHERE a.prompt_id = ?1 AND a.id = (SELECT MAX(b.id)"
            "   FROM standup_answers b WHERE b.prompt_id = ?1"
            "   AND b.deliverable_id = a.deliverable_id)"
            " ORDER BY a.deliverable_id");
    sqlite3_bind_int64(s, 1, prompt_id);
    return store_rows(st, a, s, read_answer, sizeof(**out), (void **)out, n,
                      "standup answers");
}

enum ch_status
store_standup_answer_latest(struct store *st, struct arena *a,
                            int64_t deliverable_id, int64_t before_round,
                            struct standup_answer *out)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT " ANSWER_COLS " FROM standup_answers a"
            " JOIN standup_prompts p ON p.id = a.prompt_id"
            " WHERE a.deliverable_id = ? AND p.round_id < ?"
            " ORDER BY p.round_id DESC, a.id DESC LIMIT 1");
    sqlite3_bind_int64(s, 1, deliverable_id);
    sqlite3_bind_int64(s, 2, before_round ? before_round : INT64_MAX);
    return store_row(st, a, s, read_answer, out, "standup answer");
}

int64_t
store_standup_answer_count(struct store *st, int64_t prompt_id,
                           int64_t deliverable_id, enum standup_colour colour)
{
    sqlite3_stmt *s = store_stmt(
        st, "SELECT COUNT(*) FROM standup_answers WHERE prompt_id = ?"
            " AND deliverable_id = ? AND colour = ?");
    sqlite3_bind_int64(s, 1, prompt_id);
    sqlite3_bind_int64(s, 2, deliverable_id);
    store_bind_text(s, 3, model_standup_colours[colour]);
    return store_scalar(st, s);
}

void
store_standup_rate(struct store *st, int64_t person_id, int64_t campaign_id,
                   int *answered, int *asked)
{
    /* Rounds still open count once they are answered: a creator is not
     * behind for a prompt she may still answer. */
    sqlite3_stmt *s = store_stmt(
        st, "SELECT COUNT(*) FILTER (WHERE p.state = 'answered'),"
            " COUNT(*) FILTER (WHERE p.state = 'answered' OR"
            "   (p.state = 'sent' AND r.closed_at IS NOT NULL))"
            " FROM standup_prompts p JOIN standup_rounds r"
            " ON r.id = p.round_id WHERE p.person_id = ?1"
            " AND (?2 = 0 OR r.campaign_id = ?2)");
    sqlite3_bind_int64(s, 1, person_id);
    sqlite3_bind_int64(s, 2, campaign_id);
    *answered = *asked = 0;
    if (sqlite3_step(s) == SQLITE_ROW) {
        *answered = sqlite3_column_int(s, 0);
        *asked = sqlite3_column_int(s, 1);
    }
    sqlite3_reset(s);
}
