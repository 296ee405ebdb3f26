/*
 * The daemon as a systemd service, against both simulators at once:
 *
 * - Type=notify: with $NOTIFY_SOCKET on a socket this test reads (a path,
 *   and an @abstract name), READY=1 comes only once Slack and Discord
 *   are both connected, STATUS= lines say what each is doing, WATCHDOG=1
 *   comes every half $WATCHDOG_USEC (and never for another process's
 *   $WATCHDOG_PID), SIGHUP is bracketed by RELOADING=1 and READY=1,
 *   SIGTERM says STOPPING=1; with Discord unreachable there is no READY.
 * - Exit codes the unit's RestartPreventExitStatus= names: 78 for a bad
 *   configuration or a refused secret (and no database is created), 77
 *   for a token the platform refused.
 * - Credentials ($CREDENTIALS_DIRECTORY, LoadCredential=): a root-owned
 *   file with an ACL for the service's user, as systemd hands it over,
 *   is read by the daemon running as that user; one others can read, or
 *   one an ACL or group opens to someone else, is refused.
 * - The journal: with $JOURNAL_STREAM naming stderr, each line starts
 *   with its <priority> and has no timestamp; naming something else,
 *   lines are as on a terminal.
 *
 * The test runs as root (it spawns the daemon as nobody for credentials).
 * It sets the kernel's PR_SET_MDWE first (Linux 6.3 and later), which the
 * daemons it forks keep across exec: the rule the unit's
 * MemoryDenyWriteExecute= sets with seccomp, so a library that maps
 * memory writable and executable fails here rather than in production.
 */
#include "e2e_daemon.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/xattr.h>

#include <valgrind/valgrind.h>

#include "ws.h"
#include "log.h"
#include "discord_sim.h"
#include "slack_sim.h"

#define WAIT_MS 20000           /* for what must happen */
#define NOBODY 65534
#define MAX_MSGS 4096
#ifndef PR_SET_MDWE                 /* linux/prctl.h, Linux 6.3 */
#define PR_SET_MDWE 65
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

struct svc {
    struct loop        *loop;
    struct ws_ctx      *ws;
    struct slack_sim   *slack;
    struct discord_sim *discord;
    bool                discord_on;     /* configured: give it a token */
    struct e2e_daemon   d;
    const char         *alice;
    int                 nfd;            /* the notify socket; -1: none */
    char                creds[256];     /* $CREDENTIALS_DIRECTORY, if any */
    char                notify_env[160];
    char               *msgs[MAX_MSGS];    /* datagrams, in order */
    size_t              nmsgs;
    /* At the first READY=1: what the simulators had seen. */
    size_t              ready_msg;      /* its index; SIZE_MAX: none yet */
    size_t              slack_open_at_ready;
    int                 discord_ready_at_ready;
};

#define svc_check(s, cond)                                                  \
    do {                                                                    \
        if (!(cond)) {                                                      \
            svc_dump(s);                                                    \
            fail_msg("%s:%d: %s", __FILE__, __LINE__, #cond);               \
        }                                                                   \
    } while (0)

static void
svc_dump(const struct svc *s)
{
    e2e_daemon_dump(&s->d);
    fprintf(stderr, "---- %zu notifications ----\n", s->nmsgs);
    for (size_t i = 0; i < s->nmsgs; i++)
        fprintf(stderr, "[%zu] %s\n", i, s->msgs[i]);
}

/* ---- the notification socket ---- */

/* Read what the daemon sent; at the first READY=1, note what the
 * simulators have seen by then. */
static void
svc_drain(struct svc *s)
{
    char buf[4096];
    ssize_t n;

    while (s->nfd >= 0 &&
           (n = recv(s->nfd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
        buf[n] = '\0';
        assert_true(s->nmsgs < MAX_MSGS);
        s->msgs[s->nmsgs] = xstrdup(buf);
        if (s->ready_msg == SIZE_MAX &&
            (strncmp(buf, "READY=1\n", 8) == 0 ||
             strcmp(buf, "READY=1") == 0)) {
            struct discord_sim_stats st;
            s->ready_msg = s->nmsgs;
            s->slack_open_at_ready = slack_sim_open_count(s->slack);
            discord_sim_stats(s->discord, &st);
            s->discord_ready_at_ready = st.ready;
        }
        s->nmsgs++;
    }
}

/* The index of the first message at or after from holding line (a whole
 * line, or a line's start when line ends with '*'); SIZE_MAX: none. */
static size_t
svc_find(const struct svc *s, size_t from, const char *line)
{
    size_t len = strlen(line);
    bool prefix = len && line[len - 1] == '*';

    if (prefix)
        len--;
    for (size_t i = from; i < s->nmsgs; i++)
        for (const char *p = s->msgs[i]; p && *p;) {
            const char *nl = strchr(p, '\n');
            size_t l = nl ? (size_t)(nl - p) : strlen(p);
            if ((prefix ? l >= len : l == len) && strncmp(p, line, len) == 0)
                return i;
            p = nl ? nl + 1 : NULL;
        }
    return SIZE_MAX;
}

static size_t
svc_count(const struct svc *s, size_t from, const char *line)
{
    size_t n = 0;

    for (size_t i = from; (i = svc_find(s, i, line)) != SIZE_MAX; i++)
        n++;
    return n;
}

/* Bind the socket the daemon is told about: a path in the test's
 * directory, or (abstract) "@chorus-test-<pid>". */
static void
svc_listen(struct svc *s, bool abstract)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    socklen_t len;

    s->nfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(s->nfd >= 0);
    if (abstract) {
        int n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1,
                         "chorus-test-%d", (int)getpid());
        len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
                          (size_t)n);
        snprintf(s->notify_env, sizeof(s->notify_env), "NOTIFY_SOCKET=@%s",
                 a.sun_path + 1);
    } else {
        assert_true(strlen(s->d.dir) + 8 <= sizeof(a.sun_path));
        memcpy(a.sun_path, s->d.dir, strlen(s->d.dir));
        memcpy(a.sun_path + strlen(s->d.dir), "/notify", 8);
        len = sizeof(a);
        snprintf(s->notify_env, sizeof(s->notify_env), "NOTIFY_SOCKET=%s",
                 a.sun_path);
    }
    assert_int_equal(bind(s->nfd, (struct sockaddr *)&a, len), 0);
    /* The daemon may run as nobody: it must be able to send. */
    if (!abstract)
        assert_int_equal(chmod(a.sun_path, 0666), 0);
}

/* ---- set-up ---- */

static int
svc_setup(void **state)
{
    struct svc *s = xcalloc(1, sizeof(*s));
    struct slack_sim_options so = { .ping_interval_ms = 2000 };
    struct discord_sim_options dopt = {
        .heartbeat_interval_ms = RUNNING_ON_VALGRIND ? 4000 : 1000,
        .identify_interval_ms = -1,
        .topic_edit_limit = -1,
        .default_limit = 1000,
        .default_window_ms = 1000,
    };
    struct slack_sim_user_spec alice = { .name = "alice",
                                         .real_name = "Alice Admin",
                                         .tz = "Europe/Berlin" };

    log_set_level(getenv("E2E_VERBOSE") ? LOG_DEBUG : LOG_WARN);
    s->nfd = -1;
    s->ready_msg = SIZE_MAX;
    s->loop = loop_new();
    assert_non_null(s->loop);
    e2e_daemon_init(&s->d, s->loop, "service");
    s->ws = ws_ctx_new(s->loop, NULL);
    assert_non_null(s->ws);
    s->slack = slack_sim_new(s->loop, s->ws, &so);
    assert_non_null(s->slack);
    s->alice = slack_sim_add_user(s->slack, &alice)->id;
    s->discord = discord_sim_new(s->loop, s->ws, &dopt);
    assert_non_null(s->discord);
    *state = s;
    return 0;
}

static void
svc_shutdown_cb(void *arg)
{
    struct svc *s = arg;

    ws_ctx_shutdown(s->ws);
    loop_stop(s->loop);
}

static int
svc_teardown(void **state)
{
    struct svc *s = *state;

    e2e_daemon_kill(&s->d);
    /* Let lws see the daemon's connections close before the sims go. */
    e2e_daemon_run_for(&s->d, 100);
    slack_sim_free(s->slack);
    discord_sim_free(s->discord);
    loop_defer(s->loop, svc_shutdown_cb, s);
    loop_run(s->loop);
    ws_ctx_free(s->ws);
    loop_free(s->loop);
    if (s->nfd >= 0)
        close(s->nfd);
    for (size_t i = 0; i < s->nmsgs; i++)
        free(s->msgs[i]);
    if (s->creds[0]) {      /* e2e_daemon_cleanup() removes files only */
        char path[512];
        const char *names[] = { "slack-app-token", "slack-bot-token" };
        for (size_t i = 0; i < 2; i++) {
            snprintf(path, sizeof(path), "%s/%s", s->creds, names[i]);
            unlink(path);
        }
        rmdir(s->creds);
    }
    e2e_daemon_cleanup(&s->d);
    free(s);
    return 0;
}

/* The configuration: what is asked for (slack, discord), then extra. */
static void
svc_config(struct svc *s, bool slack, bool discord, const char *extra)
{
    FILE *f = fopen(s->d.conf, "w");

    assert_non_null(f);
    s->discord_on = discord;
    fprintf(f, "log_level info\nadmin slack:%s\n", s->alice);
    if (slack)
        fprintf(f, "slack yes\n");
    if (discord)
        fprintf(f, "discord yes\ndiscord_guild %s\n"
                   "discord_application_id %s\n",
                discord_sim_guild_id(s->discord),
                discord_sim_app_id(s->discord));
    fprintf(f, "%s", extra ? extra : "");
    fclose(f);
    assert_int_equal(chmod(s->d.conf, 0644), 0);
}

/* Spawn with the simulators' tokens and URLs, and more (NULL-ended). */
static void
svc_spawn(struct svc *s, const char *const *more)
{
    const struct slack_sim_identity *id = slack_sim_identity(s->slack);
    char app[256], bot[256], surl[256], dtok[256], durl[256];
    const char *env[24] = { app, bot, surl, dtok, durl };
    size_t n = 5;

    snprintf(app, sizeof(app), "SLACK_APP_TOKEN=%s", id->app_token);
    snprintf(bot, sizeof(bot), "SLACK_BOT_TOKEN=%s", id->bot_token);
    snprintf(surl, sizeof(surl), "SLACK_API_URL=%s",
             slack_sim_api_url(s->slack));
    if (s->discord_on)
        snprintf(dtok, sizeof(dtok), "DISCORD_TOKEN=%s",
                 discord_sim_token(s->discord));
    else    /* a token in the environment would start Discord too */
        snprintf(dtok, sizeof(dtok), "DISCORD_TOKEN");
    snprintf(durl, sizeof(durl), "DISCORD_API_URL=%s",
             discord_sim_api_base(s->discord));
    for (size_t i = 0; more && more[i] && n < 23; i++)
        env[n++] = more[i];
    env[n] = NULL;
    e2e_daemon_spawn(&s->d, env);
}

/* ---- waiting ---- */

struct svc_want {
    struct svc *s;
    size_t      from;
    const char *line;
};

static bool
svc_has_pred(void *arg)
{
    struct svc_want *w = arg;

    svc_drain(w->s);
    return svc_find(w->s, w->from, w->line) != SIZE_MAX ||
           e2e_daemon_reap(&w->s->d);
}

/* Wait for a message with line at or after from; its index. */
static size_t
svc_wait(struct svc *s, size_t from, const char *line)
{
    struct svc_want w = { .s = s, .from = from, .line = line };

    e2e_daemon_wait(&s->d, svc_has_pred, &w, WAIT_MS);
    size_t i = svc_find(s, from, line);
    if (i == SIZE_MAX) {
        svc_dump(s);
        fail_msg("no notification \"%s\"%s", line,
                 s->d.exited ? " (the daemon exited)" : "");
    }
    return i;
}

static void
svc_run_for(struct svc *s, int ms)
{
    int64_t end = loop_now_ms(s->loop) + ms;

    while (loop_now_ms(s->loop) < end) {
        e2e_daemon_run_for(&s->d, 5);
        svc_drain(s);
    }
}

/* Stop with SIGTERM; the exit code; sanitizers checked. */
static int
svc_term(struct svc *s)
{
    assert_true(e2e_daemon_stop(&s->d, SIGTERM, WAIT_MS));
    svc_drain(s);
    e2e_daemon_check_sanitizers(&s->d);
    return e2e_daemon_exit_code(&s->d);
}

/* Run until the daemon exits by itself; its exit code. */
static int
svc_exit(struct svc *s)
{
    if (!e2e_daemon_wait_exit(&s->d, WAIT_MS)) {
        svc_dump(s);
        fail_msg("the daemon did not exit");
    }
    e2e_daemon_check_sanitizers(&s->d);
    return e2e_daemon_exit_code(&s->d);
}

static bool
exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* ---- Type=notify ---- */

static void
test_ready_status_watchdog(void **state)
{
    struct svc *s = *state;

    svc_listen(s, false);
    svc_config(s, true, true, NULL);
    const char *env[] = { s->notify_env, "WATCHDOG_USEC=200000", NULL };
    svc_spawn(s, env);

    size_t ready = svc_wait(s, 0, "READY=1");
    /* Only once both platforms were connected... */
    svc_check(s, s->slack_open_at_ready >= 1);
    svc_check(s, s->discord_ready_at_ready >= 1);
    /* ... after a STATUS= saying it was starting, and saying so itself. */
    size_t starting = svc_find(s, 0, "STATUS=starting: *");
    svc_check(s, starting < ready);
    svc_check(s, svc_find(s, ready, "STATUS=ready: discord connected, "
                                    "slack connected, 0 campaigns") == ready);
    svc_check(s, svc_count(s, 0, "READY=1") == 1);

    /* The watchdog: every 100 ms; a second gives 3 at the very least,
     * however slow the machine. */
    size_t before = svc_count(s, 0, "WATCHDOG=1");
    svc_run_for(s, 1000);
    svc_check(s, svc_count(s, 0, "WATCHDOG=1") >= before + 3);

    /* SIGHUP: RELOADING=1 (with the monotonic time), then READY=1. */
    size_t mark = s->nmsgs;
    assert_int_equal(kill(s->d.pid, SIGHUP), 0);
    size_t reloading = svc_wait(s, mark, "RELOADING=1");
    svc_check(s, svc_find(s, reloading, "MONOTONIC_USEC=*") == reloading);
    svc_check(s, svc_wait(s, reloading + 1, "READY=1") > reloading);

    mark = s->nmsgs;
    svc_check(s, svc_term(s) == 0);
    svc_check(s, svc_find(s, mark, "STOPPING=1") != SIZE_MAX);
    svc_check(s, svc_find(s, mark, "STATUS=stopping: SIGTERM") !=
                 SIZE_MAX);
}

/* Discord unreachable: Slack connects, STATUS says Discord is still
 * connecting, and READY=1 never comes.  The watchdog variables are
 * another process's: no pings.  The socket is an abstract one. */
static void
test_not_ready_while_a_platform_is_down(void **state)
{
    struct svc *s = *state;

    svc_listen(s, true);
    svc_config(s, true, true, NULL);
    const char *env[] = { s->notify_env, "WATCHDOG_USEC=200000",
                          "WATCHDOG_PID=1",
                          /* nothing listens on port 1 */
                          "DISCORD_API_URL=http://127.0.0.1:1/api/v10",
                          NULL };
    svc_spawn(s, env);
    svc_wait(s, 0, "STATUS=starting: discord connecting, slack connected, "
                   "0 campaigns");
    svc_run_for(s, 1500);
    svc_check(s, svc_find(s, 0, "READY=1") == SIZE_MAX);
    svc_check(s, svc_find(s, 0, "WATCHDOG=1") == SIZE_MAX);
    svc_check(s, svc_term(s) == 0);
    svc_check(s, svc_find(s, 0, "STOPPING=1") != SIZE_MAX);
}

/* ---- exit codes ---- */

static void
test_exit_codes(void **state)
{
    struct svc *s = *state;
    char tok[256], line[512];

    /* A bad configuration: 78, and nothing created. */
    svc_config(s, true, false, "nudge_before 2x\n");
    svc_spawn(s, NULL);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "key \"nudge_before\"") == 1);
    svc_check(s, !exists(s->d.db));

    /* A secrets file others can read: 78, before the database exists. */
    snprintf(tok, sizeof(tok), "%s/bot-token", s->d.dir);
    FILE *f = fopen(tok, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", slack_sim_identity(s->slack)->bot_token);
    fclose(f);
    assert_int_equal(chmod(tok, 0644), 0);
    snprintf(line, sizeof(line), "slack_bot_token file:%s\n", tok);
    svc_config(s, true, false, line);
    svc_spawn(s, NULL);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "has mode 0644") == 1);
    svc_check(s, !exists(s->d.db));

    /* The same with the web server's admin token. */
    svc_config(s, true, false, "http_listen 127.0.0.1:18099\n"
                               "http_admin_token env:CHORUS_TEST_NONE\n");
    const char *none[] = { "CHORUS_TEST_NONE", NULL };
    svc_spawn(s, none);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "CHORUS_TEST_NONE is not "
                                             "set") == 1);
    svc_check(s, !exists(s->d.db));

    /* A token the platform refuses: 77 (Slack's invalid_auth). */
    svc_config(s, true, false, NULL);
    const char *bad[] = { "SLACK_BOT_TOKEN=xoxb-not-the-right-one", NULL };
    svc_spawn(s, bad);
    svc_check(s, svc_exit(s) == 77);
    svc_check(s, e2e_daemon_log_count(&s->d, "invalid_auth") >= 1);
}

/* ---- credentials ---- */

/* A POSIX access ACL (linux/posix_acl_xattr.h) as setfacl writes it:
 * owner r, the named users r, owning group nothing, mask r, others
 * nothing. */
static void
set_acl(const char *path, const unsigned *users, size_t n)
{
    unsigned char b[4 + 8 * 8];
    size_t o = 0;

    assert_true(n <= 4);
#define PUT16(v)                                                            \
    (b[o++] = (unsigned char)(v), b[o++] = (unsigned char)((v) >> 8))
#define PUT32(v) (PUT16((v) & 0xffff), PUT16((v) >> 16))
    PUT32(2u);
    PUT16(0x01); PUT16(4); PUT32(0xffffffffu);          /* USER_OBJ r */
    for (size_t i = 0; i < n; i++) {
        PUT16(0x02); PUT16(4); PUT32(users[i]);         /* USER r */
    }
    PUT16(0x04); PUT16(0); PUT32(0xffffffffu);          /* GROUP_OBJ */
    PUT16(0x10); PUT16(4); PUT32(0xffffffffu);          /* MASK r */
    PUT16(0x20); PUT16(0); PUT32(0xffffffffu);          /* OTHER */
#undef PUT16
#undef PUT32
    assert_int_equal(setxattr(path, "system.posix_acl_access", b, o, 0), 0);
}

/* Write a credential as systemd does: root's, mode 0400, then (users) an
 * ACL entry for each. */
static void
put_credential(const char *dir, const char *name, const char *value,
               const unsigned *users, size_t n)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    unlink(path);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%s", value);
    fclose(f);
    assert_int_equal(chown(path, 0, 0), 0);
    assert_int_equal(chmod(path, 0400), 0);
    if (n)
        set_acl(path, users, n);
}

static void
test_credentials(void **state)
{
    struct svc *s = *state;
    const struct slack_sim_identity *id = slack_sim_identity(s->slack);
    static const unsigned nobody[] = { NOBODY };
    static const unsigned nobody_and_other[] = { NOBODY, 1234 };
    char cred_env[300], path[512];
    const char *creds = s->creds;
    struct stat st;

    snprintf(s->creds, sizeof(s->creds), "%s/credentials", s->d.dir);
    assert_int_equal(mkdir(creds, 0755), 0);
    snprintf(cred_env, sizeof(cred_env), "CREDENTIALS_DIRECTORY=%s", creds);
    /* The daemon runs as nobody, in a directory it owns. */
    assert_int_equal(chown(s->d.dir, NOBODY, NOBODY), 0);
    s->d.run_uid = NOBODY;
    s->d.run_gid = NOBODY;
    svc_config(s, true, false,
               "slack_app_token credential:slack-app-token\n"
               "slack_bot_token credential:slack-bot-token\n");
    put_credential(creds, "slack-app-token", id->app_token, nobody, 1);
    put_credential(creds, "slack-bot-token", id->bot_token, nobody, 1);
    snprintf(path, sizeof(path), "%s/slack-bot-token", creds);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0440);     /* the ACL's mask */

    /* Not in the environment: the credentials or nothing. */
    const char *env[] = { cred_env, "SLACK_APP_TOKEN", "SLACK_BOT_TOKEN",
                          NULL };
    svc_spawn(s, env);
    int64_t end = loop_now_ms(s->loop) + WAIT_MS;
    while (slack_sim_open_count(s->slack) < 1 && !e2e_daemon_reap(&s->d) &&
           loop_now_ms(s->loop) < end)
        e2e_daemon_run_for(&s->d, 5);
    svc_check(s, slack_sim_open_count(s->slack) >= 1);
    svc_check(s, svc_term(s) == 0);
    assert_int_equal(stat(s->d.db, &st), 0);
    svc_check(s, st.st_uid == NOBODY);
    unlink(s->d.db);

    /* Others may read it: refused, though the daemon could read it. */
    assert_int_equal(chmod(path, 0444), 0);
    svc_spawn(s, env);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "credential "
                                      "\"slack-bot-token\"") == 1);
    svc_check(s, e2e_daemon_log_count(&s->d, "has mode 0444, which lets "
                                             "others read or write it") == 1);
    svc_check(s, !exists(s->d.db));

    /* An ACL that lets another user read it too: refused. */
    put_credential(creds, "slack-bot-token", id->bot_token,
                   nobody_and_other, 2);
    svc_spawn(s, env);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "has an ACL that lets user "
                                             "1234 read or write it") == 1);

    /* Group-readable for a group that is not the service's: refused. */
    put_credential(creds, "slack-bot-token", id->bot_token, NULL, 0);
    assert_int_equal(chown(path, NOBODY, 1234), 0);
    assert_int_equal(chmod(path, 0440), 0);
    svc_spawn(s, env);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "lets group 1234 read") == 1);

    /* No $CREDENTIALS_DIRECTORY: said so. */
    const char *unset[] = { "CREDENTIALS_DIRECTORY", "SLACK_APP_TOKEN",
                            "SLACK_BOT_TOKEN", NULL };
    svc_spawn(s, unset);
    svc_check(s, svc_exit(s) == 78);
    svc_check(s, e2e_daemon_log_count(&s->d, "$CREDENTIALS_DIRECTORY is "
                                             "not set") >= 1);
    svc_check(s, !exists(s->d.db));
}

/* ---- the journal ---- */

static void
test_journal_prefixes(void **state)
{
    struct svc *s = *state;
    struct stat st;
    char stream[96];
    int fd = open(s->d.log, O_WRONLY | O_CREAT | O_APPEND, 0600);

    assert_true(fd >= 0);
    assert_int_equal(fstat(fd, &st), 0);
    close(fd);
    /* The daemon's stderr is this file: the journal, as far as it can
     * tell. */
    snprintf(stream, sizeof(stream), "JOURNAL_STREAM=%llu:%llu",
             (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    svc_config(s, true, false, NULL);
    const char *env[] = { stream, NULL };
    svc_spawn(s, env);
    int64_t end = loop_now_ms(s->loop) + WAIT_MS;
    while (e2e_daemon_log_count(&s->d, "socket 1 connected") == 0 &&
           !e2e_daemon_reap(&s->d) && loop_now_ms(s->loop) < end)
        e2e_daemon_run_for(&s->d, 5);
    svc_check(s, svc_term(s) == 0);
    /* And a start-up error: priority 3. */
    svc_config(s, true, false, "slack_bot_token env:CHORUS_TEST_NONE\n");
    const char *env2[] = { stream, "CHORUS_TEST_NONE", NULL };
    svc_spawn(s, env2);
    svc_check(s, svc_exit(s) == 78);

    char *log = e2e_daemon_log(&s->d);
    size_t lines = 0;
    for (char *p = log; *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (!(p[0] == '<' && strchr("3467", p[1]) && p[2] == '>')) {
            svc_dump(s);
            fail_msg("a line without a priority: %s", p);
        }
        lines++;
        p = nl ? nl + 1 : p + strlen(p);
    }
    free(log);
    svc_check(s, lines >= 3);
    svc_check(s, e2e_daemon_log_count(&s->d, "<6>daemon: database ") == 1);
    svc_check(s, e2e_daemon_log_count(&s->d, "<6>slack: socket 1 "
                                             "connected") == 1);
    svc_check(s, e2e_daemon_log_count(&s->d, "<3>chorus: slack: the bot "
                                             "token") == 1);
    svc_check(s, e2e_daemon_log_count(&s->d, "Z info ") == 0);

    /* $JOURNAL_STREAM for some other file: as on a terminal. */
    unlink(s->d.log);
    svc_config(s, true, false, NULL);
    const char *other[] = { "JOURNAL_STREAM=1:1", NULL };
    svc_spawn(s, other);
    end = loop_now_ms(s->loop) + WAIT_MS;
    while (e2e_daemon_log_count(&s->d, "socket 1 connected") == 0 &&
           !e2e_daemon_reap(&s->d) && loop_now_ms(s->loop) < end)
        e2e_daemon_run_for(&s->d, 5);
    svc_check(s, svc_term(s) == 0);
    svc_check(s, e2e_daemon_log_count(&s->d, "Z info  daemon: database ") ==
                 1);
    svc_check(s, e2e_daemon_log_count(&s->d, "<6>") == 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ready_status_watchdog,
                                        svc_setup, svc_teardown),
        cmocka_unit_test_setup_teardown(
            test_not_ready_while_a_platform_is_down, svc_setup,
            svc_teardown),
        cmocka_unit_test_setup_teardown(test_exit_codes, svc_setup,
                                        svc_teardown),
        cmocka_unit_test_setup_teardown(test_credentials, svc_setup,
                                        svc_teardown),
        cmocka_unit_test_setup_teardown(test_journal_prefixes, svc_setup,
                                        svc_teardown),
    };

    if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0)
        print_message("no PR_SET_MDWE (%s): MemoryDenyWriteExecute= is "
                      "not checked\n", strerror(errno));
    if (getenv("E2E_ONLY"))
        cmocka_set_test_filter(getenv("E2E_ONLY"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
