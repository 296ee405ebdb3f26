/*
 * core_fixture: a whole core on ":memory:" with a simulated clock and a
 * fake adapter, for the cmocka tests of the core (test_grammar, test_perm,
 * test_brief, test_core, ...).  Header-only, static functions only: each
 * tests/unit/test_*.c is its own executable.
 *
 * The fake adapter is named "fake" (a second one, "fake2", can be
 * attached).  It records every struct out_msg it is handed (deep copies)
 * and, in its default mode, reports the delivery at once with
 * core_delivered(CH_OK) and a reference of its own: "C-<name>" for a
 * created channel (spring-launch's channel is "C-spring-launch"),
 * "<platform>-m<N>" for a message, the message's ref for an update or
 * pin.  It can instead answer CH_BUSY, report a 5xx or 4xx, or hold
 * channel creations until fx_complete_channels().  Its find_user accepts
 * any [a-z0-9_.-]+ name, like the console's, unless turned off.  Every
 * text it is handed must be valid UTF-8 without control characters but
 * newline and tab; a breach is counted and fails the test at teardown.
 *
 * People speak as platform "fake" with user id = display name, so the
 * admin of the settings is "fake:admin".  The clock starts at Tuesday
 * 2026-12-01 08:00 UTC and moves only when a test moves it (fx_at,
 * fx_advance, which tick and flush).
 *
 * Ownership: fx_open()/fx_create() allocate; fx_close() frees everything,
 * including every recorded message, and returns how many error lines were
 * logged and bad texts delivered (0 when all is well).  Expected values
 * in the tests are written by hand; nothing here computes them from the
 * code under test.
 */
#ifndef CHORUS_TEST_CORE_FIXTURE_H
#define CHORUS_TEST_CORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"
#include "buf.h"
#include "clock.h"
#include "core.h"
#include "log.h"
#include "settings.h"
#include "store.h"
#include "str.h"
#include "utf8.h"

#define FX_STATIC static __attribute__((unused))

#define FX_MAX_DEFERRED 32

enum fake_mode {
    FAKE_OK,       /* accept; report CH_OK at once */
    FAKE_BUSY,     /* return CH_BUSY: the row stays pending */
    FAKE_5XX,      /* accept; report CH_REMOTE_5XX (retry with backoff) */
    FAKE_4XX,      /* accept; report CH_REMOTE_4XX (failed for good) */
    FAKE_REFUSE,   /* return CH_REMOTE_4XX from the call itself */
};

struct fake_msg {
    int64_t        id;
    enum out_kind  kind;
    char          *platform;
    char          *campaign;
    char          *channel;
    char          *channel_name;
    char          *user;
    char          *ref;
    char          *text;
    size_t         nbuttons;
    char          *button_label[OUT_MAX_BUTTONS];
    char          *button_command[OUT_MAX_BUTTONS];
    char          *button_prompt[OUT_MAX_BUTTONS];
    unsigned       button_row[OUT_MAX_BUTTONS];
    bool           button_optional[OUT_MAX_BUTTONS];
    int            private_channel;
    char          *answer;     /* the reference reported, or NULL */
};

struct fake_adapter {
    struct adapter      base;      /* first: container_of by cast */
    struct adapter_ops  ops;
    struct core        *core;
    char                name[16];
    enum fake_mode      mode;
    int64_t             retry_after_ms;  /* with FAKE_5XX */
    bool                defer_channels;
    bool                no_find_user;
    struct fake_msg    *msgs;      /* accepted messages, in order */
    size_t              n;
    size_t              cap;
    size_t              busy;      /* CH_BUSY answers given */
    size_t              bad_text;  /* texts that broke the invariant */
    int64_t             deferred[FX_MAX_DEFERRED];
    char               *deferred_name[FX_MAX_DEFERRED];
    size_t              ndeferred;
    unsigned            next_ref;
};

struct fx {
    struct sim_clock     sim;
    struct clock         clock;
    struct core_settings set;
    const char          *admins[1];
    struct core         *core;
    struct fake_adapter  fake;
    struct fake_adapter  fake2;
    bool                 fake2_attached;
    unsigned             event_seq;
    struct core_result   res;
    const char          *reply;    /* the last command's reply text, or "" */
    char                 text[8192];
    int                  log_errors;
    int                  log_warnings;
    char                 last_cmd[240];
};

/* --- small helpers ------------------------------------------------------ */

FX_STATIC char *
fx_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    memcpy(p, s, n);
    return p;
}

FX_STATIC char *
fx_vasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    assert_true(n >= 0);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* UTC milliseconds of a calendar time (glibc's timegm, not code under
 * test). */
FX_STATIC int64_t
fx_utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
        .tm_hour = h, .tm_min = mi,
    };
    return (int64_t)timegm(&tm) * 1000;
}

#define FX_START_MS fx_utc(2026, 12, 1, 8, 0)

/* --- the fake adapter ---------------------------------------------------- */

FX_STATIC struct fake_adapter *
fake_of(struct adapter *a)
{
    return (struct fake_adapter *)a;
}

FX_STATIC struct fake_msg *
fake_record(struct fake_adapter *f, const struct out_msg *m)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->msgs = realloc(f->msgs, f->cap * sizeof(*f->msgs));
        assert_non_null(f->msgs);
    }
    struct fake_msg *r = &f->msgs[f->n++];
    memset(r, 0, sizeof(*r));
    r->id = m->id;
    r->kind = m->kind;
    r->platform = fx_strdup(f->name);
    r->campaign = fx_strdup(m->campaign);
    r->channel = fx_strdup(m->channel);
    r->channel_name = fx_strdup(m->channel_name);
    r->user = fx_strdup(m->user);
    r->ref = fx_strdup(m->ref);
    r->text = fx_strdup(m->text);
    r->private_channel = m->private_channel;
    r->nbuttons = m->nbuttons;
    for (size_t i = 0; i < m->nbuttons && i < OUT_MAX_BUTTONS; i++) {
        r->button_label[i] = fx_strdup(m->buttons[i].label);
        r->button_command[i] = fx_strdup(m->buttons[i].command);
        r->button_prompt[i] = fx_strdup(m->buttons[i].prompt);
        r->button_row[i] = m->buttons[i].row;
        r->button_optional[i] = m->buttons[i].optional;
    }
    return r;
}

/*
 * What an adapter is handed is sendable (utf8_sendable): platforms reject
 * the rest, and the core's own markers (\x01...\x02) must all have been
 * rendered.  Checked for every message of every test; fx_teardown fails
 * on a breach.
 */
FX_STATIC enum ch_status
fake_deliver(struct adapter *a, const struct out_msg *m)
{
    struct fake_adapter *f = fake_of(a);
    if (!utf8_sendable(m->text)) {
        f->bad_text++;
        fprintf(stderr, "  [fake] bad text in %s %lld: %s\n",
                adapter_kind_names[m->kind], (long long)m->id, m->text);
    }
    if (f->mode == FAKE_BUSY) {
        f->busy++;
        return CH_BUSY;
    }
    if (f->mode == FAKE_REFUSE) {
        fake_record(f, m);
        return CH_REMOTE_4XX;
    }
    size_t index = f->n;
    fake_record(f, m);
    if (f->mode == FAKE_5XX) {
        core_delivered(f->core, m->id, CH_REMOTE_5XX, NULL, f->retry_after_ms,
                       "HTTP 503 from the fake");
        return CH_OK;
    }
    if (f->mode == FAKE_4XX) {
        core_delivered(f->core, m->id, CH_REMOTE_4XX, NULL, 0,
                       "HTTP 400 from the fake");
        return CH_OK;
    }
    char ref[96];
    switch (m->kind) {
    case OUT_CREATE_CHANNEL:
        snprintf(ref, sizeof(ref), "C-%s", m->channel_name);
        if (f->defer_channels) {
            assert_true(f->ndeferred < FX_MAX_DEFERRED);
            f->deferred[f->ndeferred] = m->id;
            f->deferred_name[f->ndeferred++] = fx_strdup(ref);
            return CH_OK;
        }
        break;
    case OUT_UPDATE:
    case OUT_PIN:
        snprintf(ref, sizeof(ref), "%s", m->ref ? m->ref : "");
        break;
    case OUT_INVITE:
    case OUT_LOOKUP:
        snprintf(ref, sizeof(ref), "%s", m->user ? m->user : "");
        break;
    case OUT_TOPIC:
        snprintf(ref, sizeof(ref), "%s", m->channel ? m->channel : "");
        break;
    default:
        snprintf(ref, sizeof(ref), "%s-m%u", f->name, ++f->next_ref);
        break;
    }
    f->msgs[index].answer = fx_strdup(ref);
    core_delivered(f->core, m->id, CH_OK, ref, 0, NULL);
    return CH_OK;
}

FX_STATIC enum ch_status
fake_find_user(struct adapter *a, const char *name, struct buf *out)
{
    struct fake_adapter *f = fake_of(a);
    if (f->no_find_user || !*name || strlen(name) > 40)
        return CH_NOT_FOUND;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            return CH_NOT_FOUND;
    buf_adds(out, name);
    return CH_OK;
}

FX_STATIC void
fake_init(struct fake_adapter *f, struct core *core, const char *name)
{
    memset(f, 0, sizeof(*f));
    snprintf(f->name, sizeof(f->name), "%s", name);
    f->ops = (struct adapter_ops){
        .version = ADAPTER_OPS_VERSION,
        .name = f->name,
        .caps = ADAPTER_CAP_BUTTONS | ADAPTER_CAP_PIN | ADAPTER_CAP_PROFILES,
        .deliver = fake_deliver,
        .find_user = fake_find_user,
    };
    f->base.ops = &f->ops;
    f->core = core;
}

FX_STATIC void
fx_attach(struct core *core, struct adapter *a)
{
    struct ch_error err = { .status = CH_OK };
    if (core_attach(core, a, &err) != CH_OK)
        fail_msg("core_attach: %s", err.user);
}

FX_STATIC void
fake_free(struct fake_adapter *f)
{
    for (size_t i = 0; i < f->n; i++) {
        struct fake_msg *m = &f->msgs[i];
        free(m->platform);
        free(m->campaign);
        free(m->channel);
        free(m->channel_name);
        free(m->user);
        free(m->ref);
        free(m->text);
        free(m->answer);
        for (size_t b = 0; b < m->nbuttons && b < OUT_MAX_BUTTONS; b++) {
            free(m->button_label[b]);
            free(m->button_command[b]);
            free(m->button_prompt[b]);
        }
    }
    free(f->msgs);
    for (size_t i = 0; i < f->ndeferred; i++)
        free(f->deferred_name[i]);
    memset(f, 0, sizeof(*f));
}

/* Report every held channel creation as done, then flush. */
FX_STATIC void
fx_complete_channels(struct fx *fx, struct fake_adapter *f)
{
    for (size_t i = 0; i < f->ndeferred; i++) {
        for (size_t j = 0; j < f->n; j++)
            if (f->msgs[j].id == f->deferred[i] && !f->msgs[j].answer)
                f->msgs[j].answer = fx_strdup(f->deferred_name[i]);
        core_delivered(fx->core, f->deferred[i], CH_OK, f->deferred_name[i],
                       0, NULL);
        free(f->deferred_name[i]);
    }
    f->ndeferred = 0;
    core_flush(fx->core);
}

/* --- lifecycle ------------------------------------------------------------ */

FX_STATIC void
fx_log_sink(void *arg, enum log_level level, const char *line)
{
    struct fx *fx = arg;
    if (level >= LOG_ERROR)
        fx->log_errors++;
    else if (level == LOG_WARN)
        fx->log_warnings++;
    if (level >= LOG_WARN && getenv("FX_QUIET") == NULL)
        fprintf(stderr, "  [log] %s\n", line);
}

/* Settings and clock, no core yet: adjust fx->set, then fx_start(). */
FX_STATIC struct fx *
fx_create(void)
{
    struct fx *fx = calloc(1, sizeof(*fx));
    assert_non_null(fx);
    fx->sim.now_ms = FX_START_MS;
    fx->clock = clock_simulated(&fx->sim);
    settings_defaults(&fx->set);
    fx->admins[0] = "fake:admin";
    fx->set.admins = fx->admins;
    fx->set.nadmins = 1;
    fx->set.web_url = "http://127.0.0.1:8080";   /* links: `calendar` */
    fx->reply = "";
    log_set_level(getenv("FX_DEBUG") ? LOG_DEBUG : LOG_WARN);
    log_set_sink(fx_log_sink, fx);
    return fx;
}

/* Start the core on a database (":memory:" or a file). */
FX_STATIC void
fx_start_on(struct fx *fx, const char *path)
{
    struct ch_error err = { .status = CH_OK };
    enum ch_status s = core_new(path, &fx->set, &fx->clock, &fx->core, &err);
    if (s != CH_OK)
        fail_msg("core_new: %s", err.user);
    fake_init(&fx->fake, fx->core, "fake");
    fx_attach(fx->core, &fx->fake.base);
    core_flush(fx->core);
}

FX_STATIC void
fx_start(struct fx *fx)
{
    fx_start_on(fx, ":memory:");
}

/* chorus dies and starts again on the same file (what it said so far is
 * forgotten by the fake). */
FX_STATIC void
fx_restart_on(struct fx *fx, const char *path)
{
    core_free(fx->core);
    fake_free(&fx->fake);
    fx_start_on(fx, path);
}

FX_STATIC struct fx *
fx_open(void)
{
    struct fx *fx = fx_create();
    fx_start(fx);
    return fx;
}

/* Attach the second platform, "fake2". */
FX_STATIC struct fake_adapter *
fx_attach_fake2(struct fx *fx)
{
    fake_init(&fx->fake2, fx->core, "fake2");
    fx_attach(fx->core, &fx->fake2.base);
    fx->fake2_attached = true;
    core_flush(fx->core);
    return &fx->fake2;
}

/* Free everything.  Returns how many things went wrong unasked: error
 * lines logged and messages whose text broke the adapter invariant. */
FX_STATIC int
fx_close(struct fx *fx)
{
    if (fx == NULL)
        return 0;
    int problems = fx->log_errors + (int)fx->fake.bad_text;
    core_free(fx->core);
    fake_free(&fx->fake);
    if (fx->fake2_attached) {
        problems += (int)fx->fake2.bad_text;
        fake_free(&fx->fake2);
    }
    log_set_sink(NULL, NULL);
    log_set_level(LOG_INFO);
    free(fx);
    return problems;
}

/* cmocka setup/teardown pair. */
FX_STATIC int
fx_setup(void **state)
{
    *state = fx_open();
    return 0;
}

/* A setup for tests of what is said and delivered, not when: everyone
 * works all day every day, so no direct message is held to working
 * hours (ctx.c).  News to coordinators still waits for their morning
 * digest: fx_news_at_once() after the world is built. */
FX_STATIC int
fx_setup_reachable(void **state)
{
    struct fx *fx = fx_create();
    fx->set.work_start = 0;
    fx->set.work_end = 24 * 60;
    fx->set.work_days = 0x7f;
    fx_start(fx);
    *state = fx;
    return 0;
}

/* Everyone who has not chosen takes news at once, not in a digest. */
FX_STATIC void
fx_news_at_once(struct fx *fx)
{
    assert_int_equal(sqlite3_exec(store_db(core_store(fx->core)),
                                  "UPDATE people SET news_digest = 0"
                                  " WHERE news_digest IS NULL",
                                  NULL, NULL, NULL), SQLITE_OK);
}

FX_STATIC int
fx_teardown(void **state)
{
    /* An error line means the core lost something (an audit line, a
     * delivery record); a bad text would be refused by a platform: no
     * test expects either. */
    int problems = fx_close(*state);
    if (problems)
        fprintf(stderr, "  %d problem(s): see the lines above\n", problems);
    return problems ? -1 : 0;
}

/* ---- on a database file, across restarts ---------------------------- */

/* The file of a test that restarts the core on it (fx_start_on,
 * fx_restart_on), with its WAL companions removed before and after. */
static char fx_db_path[64] __attribute__((unused));

FX_STATIC void
fx_db_file_remove(void)
{
    const char *ext[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        char p[80];
        snprintf(p, sizeof(p), "%s%s", fx_db_path, ext[i]);
        unlink(p);
    }
}

/* A fresh file for the test called name; starts nothing. */
FX_STATIC const char *
fx_db_file(const char *name)
{
    snprintf(fx_db_path, sizeof(fx_db_path), "/tmp/chorus-test-%s-%d.db",
             name, (int)getpid());
    fx_db_file_remove();
    return fx_db_path;
}

FX_STATIC int
fx_db_file_teardown(void **state)
{
    int r = fx_teardown(state);
    fx_db_file_remove();
    return r;
}

/* --- time ---------------------------------------------------------------- */

/* Move the clock to t, run what is due, deliver.  Returns jobs run. */
FX_STATIC int
fx_at(struct fx *fx, int64_t t)
{
    assert_true(t >= fx->sim.now_ms);
    fx->sim.now_ms = t;
    int ran = core_tick(fx->core);
    core_flush(fx->core);
    return ran;
}

FX_STATIC int
fx_advance(struct fx *fx, int64_t ms)
{
    return fx_at(fx, fx->sim.now_ms + ms);
}

/* --- talking to the core -------------------------------------------------- */

FX_STATIC struct fake_msg *
fx_msg_by_id(struct fake_adapter *f, int64_t id)
{
    for (size_t i = f->n; i-- > 0;)
        if (f->msgs[i].id == id)
            return &f->msgs[i];
    return NULL;
}

/* One event as user (NULL event_id: a fresh one), then a flush.
 * fx->reply is the text of the reply the fake adapter got, or "". */
FX_STATIC enum ch_status
fx_event(struct fx *fx, enum core_event_kind kind, const char *user,
         const char *channel, const char *text, const char *event_id,
         const char *via)
{
    char id[32];
    if (event_id == NULL) {
        snprintf(id, sizeof(id), "ev%u", ++fx->event_seq);
        event_id = id;
    }
    struct core_event ev = {
        .kind = kind,
        .platform = fx->fake.name,
        .event_id = event_id,
        .user_id = user,
        .user_name = user,
        .channel_id = channel,
        .text = text,
        .via_message = via,
    };
    snprintf(fx->last_cmd, sizeof(fx->last_cmd), "%s", text ? text : "");
    enum ch_status s = core_handle_event(fx->core, &ev, &fx->res);
    /* The in-band answer goes to the fake as a platform would carry it. */
    core_deliver_result(fx->core, &fx->res);
    core_flush(fx->core);
    fx->reply = "";
    if (fx->res.reply_id) {
        struct fake_msg *m = fx_msg_by_id(&fx->fake, fx->res.reply_id);
        if (m && m->text)
            fx->reply = m->text;
    }
    return s;
}

/* A command typed by user in channel (NULL: a DM to the bot). */
FX_STATIC enum ch_status
fx_run(struct fx *fx, const char *user, const char *channel, const char *text)
{
    return fx_event(fx, CORE_EV_COMMAND, user, channel, text, NULL, NULL);
}

FX_STATIC enum ch_status
fx_runf(struct fx *fx, const char *user, const char *channel,
        const char *fmt, ...) __attribute__((format(printf, 4, 5)));

FX_STATIC enum ch_status
fx_runf(struct fx *fx, const char *user, const char *channel,
        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = fx_vasprintf(fmt, ap);
    va_end(ap);
    enum ch_status s = fx_run(fx, user, channel, text);
    free(text);
    return s;
}

/* The command must succeed; on failure the reply is shown. */
#define fx_ok(fx, user, channel, ...)                                      \
    do {                                                                   \
        enum ch_status fx_s_ = fx_runf((fx), (user), (channel),            \
                                       __VA_ARGS__);                       \
        if (fx_s_ != CH_OK)                                                \
            fail_msg("%s: \"%s\" gave %s: %s", (user),                     \
                     (fx)->last_cmd, ch_strerror(fx_s_),              \
                     (fx)->reply);                                         \
    } while (0)

/* The command must end with status st and its reply contain want. */
#define fx_fails(fx, st, want, user, channel, ...)                         \
    do {                                                                   \
        enum ch_status fx_s_ = fx_runf((fx), (user), (channel),            \
                                       __VA_ARGS__);                       \
        if (fx_s_ != (st) || strstr((fx)->reply, (want)) == NULL)          \
            fail_msg("\"%s\": got %s (want %s): \"%s\"\n  wanted in it: "  \
                     "\"%s\"", (fx)->last_cmd, ch_strerror(fx_s_),    \
                     ch_strerror(st), (fx)->reply, (want));                \
    } while (0)

/* The reply must contain s. */
#define fx_reply_has(fx, s)                                                \
    do {                                                                   \
        if (strstr((fx)->reply, (s)) == NULL)                              \
            fail_msg("reply \"%s\" lacks \"%s\"", (fx)->reply, (s));       \
    } while (0)

/* --- messages ------------------------------------------------------------ */

FX_STATIC size_t
fx_mark(struct fx *fx)
{
    return fx->fake.n;
}

/* The first message from mark on of kind (OUT_KIND_COUNT: any) for user
 * (NULL: anyone) whose text contains want (NULL: any). */
FX_STATIC struct fake_msg *
fx_find_in(struct fake_adapter *f, size_t mark, enum out_kind kind,
           const char *user, const char *want)
{
    for (size_t i = mark; i < f->n; i++) {
        struct fake_msg *m = &f->msgs[i];
        if (kind != OUT_KIND_COUNT && m->kind != kind)
            continue;
        if (user && (m->user == NULL || strcmp(m->user, user) != 0))
            continue;
        if (want && (m->text == NULL || strstr(m->text, want) == NULL))
            continue;
        return m;
    }
    return NULL;
}

FX_STATIC struct fake_msg *
fx_find(struct fx *fx, size_t mark, enum out_kind kind, const char *user,
        const char *want)
{
    return fx_find_in(&fx->fake, mark, kind, user, want);
}

FX_STATIC size_t
fx_count_in(struct fake_adapter *f, size_t mark, enum out_kind kind,
            const char *user, const char *want)
{
    size_t n = 0;
    for (size_t i = mark; i < f->n; i++) {
        struct fake_msg *m = &f->msgs[i];
        if (kind != OUT_KIND_COUNT && m->kind != kind)
            continue;
        if (user && (m->user == NULL || strcmp(m->user, user) != 0))
            continue;
        if (want && (m->text == NULL || strstr(m->text, want) == NULL))
            continue;
        n++;
    }
    return n;
}

FX_STATIC size_t
fx_count(struct fx *fx, size_t mark, enum out_kind kind, const char *user,
         const char *want)
{
    return fx_count_in(&fx->fake, mark, kind, user, want);
}

/* Print the messages since mark (debugging aid). */
FX_STATIC void
fx_dump(struct fake_adapter *f, size_t mark)
{
    for (size_t i = mark; i < f->n; i++)
        fprintf(stderr, "  %s %lld %s ch=%s user=%s ref=%s: %s\n",
                f->name, (long long)f->msgs[i].id,
                adapter_kind_names[f->msgs[i].kind],
                f->msgs[i].channel ? f->msgs[i].channel : "-",
                f->msgs[i].user ? f->msgs[i].user : "-",
                f->msgs[i].ref ? f->msgs[i].ref : "-",
                f->msgs[i].text ? f->msgs[i].text : "");
}

/* --- the database, read directly ----------------------------------------- */

FX_STATIC sqlite3 *
fx_db(struct fx *fx)
{
    return store_db(core_store(fx->core));
}

FX_STATIC sqlite3_stmt *
fx_prepare_(sqlite3 *db, const char *sql, const char *param)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    if (param)
        sqlite3_bind_text(s, 1, param, -1, SQLITE_TRANSIENT);
    return s;
}

/* First column of the first row of sql (with ?1 bound to param when not
 * NULL) as an integer; if_none when there is no row or it is NULL. */
FX_STATIC int64_t
fx_db_int(sqlite3 *db, const char *sql, const char *param, int64_t if_none)
{
    sqlite3_stmt *s = fx_prepare_(db, sql, param);
    int64_t v = if_none;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(s, 0);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return v;
}

FX_STATIC int64_t
fx_int(struct fx *fx, const char *sql)
{
    return fx_db_int(fx_db(fx), sql, NULL, INT64_MIN);
}

FX_STATIC int64_t
fx_int1(struct fx *fx, const char *sql, const char *param)
{
    return fx_db_int(fx_db(fx), sql, param, INT64_MIN);
}

/* First column as text in fx->text (valid until the next call); NULL
 * when there is no row or the value is NULL. */
FX_STATIC const char *
fx_db_text(struct fx *fx, sqlite3 *db, const char *sql, const char *param)
{
    sqlite3_stmt *s = fx_prepare_(db, sql, param);
    const char *r = NULL;
    if (sqlite3_step(s) == SQLITE_ROW &&
        sqlite3_column_type(s, 0) != SQLITE_NULL) {
        snprintf(fx->text, sizeof(fx->text), "%s",
                 (const char *)sqlite3_column_text(s, 0));
        r = fx->text;
    }
    sqlite3_finalize(s);
    return r;
}

FX_STATIC const char *
fx_str(struct fx *fx, const char *sql)
{
    return fx_db_text(fx, fx_db(fx), sql, NULL);
}

FX_STATIC const char *
fx_str1(struct fx *fx, const char *sql, const char *param)
{
    return fx_db_text(fx, fx_db(fx), sql, param);
}

/* Row counts of every table, to show that a refusal changed nothing. */
static const char *const fx_tables[] __attribute__((unused)) = {
    "campaigns", "participants", "deliverables", "submissions", "reviews",
    "escalations", "brief_versions", "people", "identities", "brands",
    "agencies", "channels", "jobs", "audit", "outbox", "inbound",
};
#define FX_NTABLES (sizeof(fx_tables) / sizeof(fx_tables[0]))

struct fx_counts {
    int64_t n[FX_NTABLES];
};

FX_STATIC void
fx_counts(struct fx *fx, struct fx_counts *c)
{
    for (size_t i = 0; i < FX_NTABLES; i++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", fx_tables[i]);
        c->n[i] = fx_int(fx, sql);
    }
}

FX_STATIC int64_t
fx_table_delta(const struct fx_counts *before, const struct fx_counts *after,
               const char *table)
{
    for (size_t i = 0; i < FX_NTABLES; i++)
        if (strcmp(fx_tables[i], table) == 0)
            return after->n[i] - before->n[i];
    fail_msg("no table %s", table);
    return 0;
}

/*
 * A refusal leaves every table as it was except: one audit line with
 * action 'refused', one outbox row (the reply) and, when the event had an
 * id, its dedupe mark in inbound.
 */
FX_STATIC void
fx_assert_refused_cleanly(struct fx *fx, const struct fx_counts *before)
{
    struct fx_counts after;
    fx_counts(fx, &after);
    for (size_t i = 0; i < FX_NTABLES; i++) {
        int64_t want = 0;
        if (strcmp(fx_tables[i], "audit") == 0 ||
            strcmp(fx_tables[i], "outbox") == 0 ||
            strcmp(fx_tables[i], "inbound") == 0)
            want = 1;
        if (after.n[i] - before->n[i] != want)
            fail_msg("table %s: %lld rows before, %lld after (want +%lld)",
                     fx_tables[i], (long long)before->n[i],
                     (long long)after.n[i], (long long)want);
    }
    const char *action = fx_str(fx, "SELECT action FROM audit "
                                    "ORDER BY id DESC LIMIT 1");
    assert_non_null(action);
    assert_string_equal(action, "refused");
    const char *kind = fx_str(fx, "SELECT kind FROM outbox "
                                  "ORDER BY id DESC LIMIT 1");
    assert_non_null(kind);
    assert_string_equal(kind, "reply");
}

/* --- a standard world ---------------------------------------------------- */

enum {
    FX_WORLD_AGENCY = 1u << 0,   /* alice holds the agency role */
    FX_WORLD_BRIEF = 1u << 1,    /* story, audience, core_message set */
    FX_WORLD_ACTIVE = 1u << 2,   /* kicked off (implies FX_WORLD_BRIEF) */
    FX_WORLD_DELIVS = 1u << 3,   /* bob has #1..#3 (implies ACTIVE) */
};

/*
 * spring-launch for brand Fizz, made by the admin, who then leaves it:
 * carol coordinator, bob creator (core), dave creator (flex), brenda
 * brand; alice agency with FX_WORLD_AGENCY.  Deliverables: draft due in
 * 7 days, publish in 14 (Tue 8 Dec and Tue 15 Dec, 08:00 UTC).
 */
FX_STATIC void
fx_world(struct fx *fx, unsigned flags)
{
    if (flags & FX_WORLD_DELIVS)
        flags |= FX_WORLD_ACTIVE;
    if (flags & FX_WORLD_ACTIVE)
        flags |= FX_WORLD_BRIEF;
    fx_ok(fx, "admin", NULL, "new spring-launch brand:Fizz "
                             "title:\"Spring Launch\"");
    fx_ok(fx, "admin", NULL, "add spring-launch carol role:coordinator");
    fx_ok(fx, "admin", NULL, "add spring-launch bob role:creator");
    fx_ok(fx, "admin", NULL, "add spring-launch dave role:creator tier:flex");
    fx_ok(fx, "admin", NULL, "add spring-launch brenda role:brand");
    if (flags & FX_WORLD_AGENCY)
        fx_ok(fx, "admin", NULL, "add spring-launch alice role:agency");
    fx_ok(fx, "admin", NULL, "remove spring-launch admin");
    if (flags & FX_WORLD_BRIEF) {
        fx_ok(fx, "carol", NULL, "brief spring-launch set story Spring "
                                 "mornings start with a cold can");
        fx_ok(fx, "carol", NULL, "brief spring-launch set audience urban "
                                 "runners, 18-30");
        fx_ok(fx, "carol", NULL, "brief spring-launch set core_message "
                                 "Fizz wakes you up");
    }
    if (flags & FX_WORLD_ACTIVE)
        fx_ok(fx, "carol", NULL, "kickoff spring-launch");
    if (flags & FX_WORLD_DELIVS) {
        for (int i = 1; i <= 3; i++)
            fx_ok(fx, "carol", NULL, "deliverable spring-launch bob "
                  "\"Reel %d\" on:tiktok draft:+7d publish:+14d", i);
    }
}

#endif
