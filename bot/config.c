/*
 * config: the directive table, the line parser and the checks.
 *
 * Reading a file is three steps: split it into lines (length, NUL and
 * UTF-8 checks), split each line into words (quotes, escapes, comments),
 * and hand the words to the directive's row.  Simple rows (a string, a
 * path, a secret reference, a bool, a bounded number, a duration) name
 * their field in struct config and are stored generically, which is also
 * how the reload check compares them; the others have an apply function.
 * Defaults live in the table too and are applied through the same code
 * before the file is read, so the help text and the behaviour cannot
 * drift apart.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "holidays.h"
#include "model.h"
#include "perm.h"
#include "str.h"
#include "utf8.h"
#include "value.h"
#include "xmalloc.h"

#define SECRET_MAX (64 * 1024)   /* no token is anywhere near this */
#define NO_FILE "(built-in)"     /* the file name of the embedded default */

enum value_type {
    V_STRING,    /* char *, one word, optionally checked */
    V_PATH,      /* char *, resolved against the config's directory */
    V_SECRET,    /* char *, an env:NAME, file:PATH or credential:NAME
                    reference */
    V_BOOL,      /* bool: yes/no, true/false, on/off */
    V_INT,       /* int within [min, max] */
    V_DURATION,  /* int64_t milliseconds, at least min */
    V_CHOICE,    /* one of choices; apply gets the index */
    V_CUSTOM,    /* apply reads the words itself */
};

/* What the reader is working on, for messages and cross-line checks. */
struct parse {
    const char             *file;     /* as given, for messages */
    int                     line;
    const struct directive *d;        /* the directive of this line */
    struct config_errors   *errs;
    size_t                  nerrs;    /* errors of this load */
    bool                    stopped;  /* CONFIG_ERRORS_MAX reached */
    bool                    defaults; /* applying the table's defaults */
    int                    *brand_line;  /* parallel to own_brands */
    int                    *region_line; /* parallel to regions */
    int                     permit_line[ACT_COUNT];
};

struct value {
    char   **argv;    /* the words after the key */
    size_t   argc;
    int      choice;  /* V_CHOICE: index into choices */
};

typedef bool apply_fn(struct parse *p, struct config *c,
                      const struct value *v);
/* May rewrite value in place (to normalise it); reports its own error. */
typedef bool check_fn(struct parse *p, char *value);

struct directive {
    const char        *name;
    enum value_type    type;
    const char        *args;      /* usage after the name, for help */
    const char        *def;       /* default value, applied at start */
    const char        *def_note;  /* help text when def is NULL */
    const char        *help;
    size_t             off;       /* simple types: the field */
    size_t             size;      /* its size, checked against type */
    long long          min, max;  /* V_INT bounds; V_DURATION min (ms) */
    const char *const *choices;   /* V_CHOICE, NULL-terminated */
    size_t             min_args;  /* V_CUSTOM: how many words, */
    size_t             max_args;  /* max_args 0: any number */
    bool               repeatable;
    bool               reloadable;
    check_fn          *check;
    apply_fn          *apply;
};

#define FIELD(f) .off = offsetof(struct config, f), \
                 .size = sizeof(((struct config *)0)->f)

/* ---- errors ---- */

/*
 * s with its control characters written out (\x1b, \t, \u009b): an
 * error quotes what the file holds and goes to a terminal, where a raw
 * escape sequence would recolour, retitle or rewrite the screen.  C1
 * controls (U+0080..U+009F) count too: some terminals act on them.
 */
static void
add_escaped(struct buf *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\t')
            buf_adds(out, "\\t");
        else if (*p < 0x20 || *p == 0x7f)
            buf_printf(out, "\\x%02x", *p);
        else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            buf_printf(out, "\\u%04x", *++p);
        else
            buf_addc(out, (char)*p);
    }
}

static char *
escaped(const char *s)
{
    struct buf b = BUF_INIT;
    add_escaped(&b, s);
    return buf_detach(&b);
}

static void
add_error(struct config_errors *errs, const char *file, int line,
          const char *key, bool key_prefix, char *message)
{
    struct buf text = BUF_INIT;
    char *safe = escaped(message);

    free(message);
    message = safe;
    add_escaped(&text, file);
    if (line > 0)
        buf_printf(&text, ":%d: ", line);
    else if (line == CONFIG_LINE_DEFAULT)
        buf_adds(&text, ":(default): ");
    else
        buf_adds(&text, ": ");
    if (key != NULL && key_prefix)
        buf_printf(&text, "key \"%s\": ", key);
    buf_adds(&text, message);

    if (errs->n == errs->alloc) {
        errs->alloc = errs->alloc ? errs->alloc * 2 : 8;
        errs->v = xrealloc(errs->v, errs->alloc, sizeof(*errs->v));
    }
    errs->v[errs->n++] = (struct config_error){
        .file = xstrdup(file),
        .line = line,
        .key = key ? xstrdup(key) : NULL,
        .message = message,
        .text = buf_detach(&text),
    };
}

static void
perr_at(struct parse *p, const char *key, bool key_prefix, const char *fmt,
        va_list ap)
{
    struct buf msg = BUF_INIT;

    if (p->stopped)
        return;
    buf_vprintf(&msg, fmt, ap);
    add_error(p->errs, p->file, p->line, key, key_prefix, buf_detach(&msg));
    if (++p->nerrs == CONFIG_ERRORS_MAX) {
        add_error(p->errs, p->file, p->line, NULL, false,
                  xstrdup("too many errors; stopping here"));
        p->stopped = true;
    }
}

/* An error about the current line's directive: key "name": ... */
static bool perr(struct parse *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
perr(struct parse *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    perr_at(p, p->d ? p->d->name : NULL, true, fmt, ap);
    va_end(ap);
    return false;
}

/* An error about the line itself (no directive known yet). */
static void perr_line(struct parse *p, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
perr_line(struct parse *p, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    perr_at(p, key, false, fmt, ap);
    va_end(ap);
}

void
config_errors_print(const struct config_errors *errs, FILE *fp)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(fp, "%s\n", errs->v[i].text);
}

void
config_errors_free(struct config_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++) {
        free(errs->v[i].file);
        free(errs->v[i].key);
        free(errs->v[i].message);
        free(errs->v[i].text);
    }
    free(errs->v);
    *errs = (struct config_errors)CONFIG_ERRORS_INIT;
}

/* ---- small helpers ---- */

static void
set_str(char **slot, char *value)
{
    free(*slot);
    *slot = value;
}

/* path against dir, unless absolute; a leading "./" is dropped so that
 * "./a.db" and "a.db" compare equal on reload. */
static char *
resolve_path(const char *dir, const char *path)
{
    if (path[0] == '/' || dir == NULL)
        return xstrdup(path);
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
        while (path[0] == '/')
            path++;
    }
    if (path[0] == '\0')
        return xstrdup(dir);
    return xasprintf("%s/%s", dir, path);
}

/* Printable: no control characters (a tab inside quotes, say), which
 * would make names and messages misleading. */
static bool
printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static bool
all_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool
env_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    return str_all_in(s, "_");
}

/*
 * The words of a comma-separated list, joined back into one string:
 * "48h," "4h" and "48h" ",4h" read as "48h,4h", so a space after a comma
 * does no harm, while two words with no comma between them, or an empty
 * item, are errors.  NULL after reporting one.
 */
static char *
join_list(struct parse *p, char **argv, size_t argc)
{
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < argc; i++) {
        if (i > 0 && (b.len == 0 || b.data[b.len - 1] != ',') &&
            argv[i][0] != ',') {
            buf_free(&b);
            perr(p, "values must be separated by commas (\"%s %s\")",
                 argv[i - 1], argv[i]);
            return NULL;
        }
        buf_adds(&b, argv[i]);
    }
    struct ch_error err;
    if (value_list(buf_cstr(&b), &err) != CH_OK) {
        perr(p, "%s", err.user);
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* Next item of a comma-separated list at *s, terminated in place; NULL
 * at the end. */
static char *
next_item(char **s)
{
    char *item = *s;
    if (item == NULL)
        return NULL;
    char *comma = strchr(item, ',');
    if (comma != NULL) {
        *comma = '\0';
        *s = comma + 1;
    } else {
        *s = NULL;
    }
    return item;
}

static bool
parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on" };
    static const char *const no[] = { "no", "false", "off" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

static bool
parse_int(const char *s, long long min, long long max, long long *out)
{
    const char *digits = s[0] == '-' ? s + 1 : s;
    if (*digits < '0' || *digits > '9')
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

/* A value module verdict (value.h) as this line's error. */
static bool
checked(struct parse *p, enum ch_status st, const struct ch_error *err)
{
    if (st == CH_OK)
        return true;
    return perr(p, "%s", err->user);
}

static bool
parse_duration(struct parse *p, const char *s, long long min, int64_t *out)
{
    struct ch_error err;
    return checked(p, value_duration(s, min, out, &err), &err);
}

/* A comma-separated list of durations of a minute or more, at most max
 * of them. */
static bool
parse_durations(struct parse *p, const struct value *v, int64_t *out,
                size_t max, size_t *n)
{
    char *list = join_list(p, v->argv, v->argc);
    if (list == NULL)
        return false;
    struct ch_error err;
    bool ok = checked(p, value_durations(list, MS_PER_MIN, max, out, n,
                                         &err), &err);
    free(list);
    return ok;
}

/* ---- checks of single values ---- */

static bool
check_tz(struct parse *p, char *value)
{
    struct ch_error err;
    return checked(p, value_zone(value, &err), &err);
}

static bool
check_currency(struct parse *p, char *value)
{
    if (strlen(value) == 3 && value[0] >= 'A' && value[0] <= 'Z' &&
        value[1] >= 'A' && value[1] <= 'Z' && value[2] >= 'A' &&
        value[2] <= 'Z')
        return true;
    return perr(p, "value \"%s\" is not an ISO 4217 currency code "
                "(3 capital letters, e.g. USD, EUR)", value);
}

static bool
check_url(struct parse *p, char *value)
{
    const char *host = NULL;
    if (str_starts_with(value, "https://"))
        host = value + 8;
    else if (str_starts_with(value, "http://"))
        host = value + 7;
    bool ok = host != NULL && host[0] != '\0' && host[0] != '/';
    for (const char *s = value; ok && *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            ok = false;
    if (!ok)
        return perr(p, "value \"%s\" is not an http:// or https:// URL",
                    value);
    /* Callers append "/chat.postMessage" and the like. */
    size_t n = strlen(value);
    if (value[n - 1] == '/')
        value[n - 1] = '\0';
    return true;
}

/* "<IPv4 address>:<port>" or "<port>" (then 127.0.0.1). */
static bool
check_listen(struct parse *p, char *value)
{
    char *colon = strrchr(value, ':');
    const char *port = colon ? colon + 1 : value;
    bool ok = all_digits(port, 1, 5) && strtol(port, NULL, 10) >= 1 &&
              strtol(port, NULL, 10) <= 65535;
    if (ok && colon) {
        int dots = 0;
        for (const char *s = value; s < colon && ok; s++) {
            if (*s == '.')
                dots++;
            else if (*s < '0' || *s > '9')
                ok = false;
        }
        ok = ok && dots == 3 && colon > value;
    }
    if (!ok)
        return perr(p, "value \"%s\" is not <IPv4 address>:<port> or "
                    "<port>", value);
    return true;
}

/* Discord ids are snowflakes: 17 to 19 decimal digits today. */
static bool
check_snowflake(struct parse *p, char *value)
{
    if (all_digits(value, 17, 19))
        return true;
    return perr(p, "value \"%s\" is not a Discord id (17 to 19 digits)",
                value);
}

/* A systemd credential's name is a file name in $CREDENTIALS_DIRECTORY. */
static bool
credential_name_ok(const char *s)
{
    return *s && strlen(s) <= NAME_MAX && strchr(s, '/') == NULL &&
           strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

#define SECRET_REFS "env:NAME, file:PATH or credential:NAME"
#define SECRET_ARGS "env:<NAME>|file:<path>|credential:<name>"

/* Never echo the value: whatever is not a reference may be a token. */
static bool
check_secret_ref(struct parse *p, const char *value)
{
    if (str_starts_with(value, "env:")) {
        if (env_name_ok(value + 4))
            return true;
        return perr(p, "value is not " SECRET_REFS " (NAME must be "
                    "letters, digits and _)");
    }
    if (str_starts_with(value, "file:")) {
        if (value[5] != '\0')
            return true;
        return perr(p, "value is not " SECRET_REFS " (the path is empty)");
    }
    if (str_starts_with(value, "credential:")) {
        if (credential_name_ok(value + 11))
            return true;
        return perr(p, "value is not " SECRET_REFS " (a credential's NAME "
                    "is a file name: not empty, no '/')");
    }
    return perr(p, "value is not " SECRET_REFS " (tokens may not be "
                "written in the configuration)");
}

/* ---- apply functions ---- */

static bool
apply_log_level(struct parse *p, struct config *c, const struct value *v)
{
    (void)p;
    /* The choices are log level names, so this cannot fail. */
    return log_level_parse(v->argv[0], &c->log_level);
}

static bool
apply_db_synchronous(struct parse *p, struct config *c, const struct value *v)
{
    (void)p;
    c->core.db_sync_normal = v->choice == 1;
    return true;
}

static bool
apply_review_mode(struct parse *p, struct config *c, const struct value *v)
{
    (void)p;
    c->core.review_mode = (enum review_mode)v->choice;
    return true;
}

static bool
apply_working_hours(struct parse *p, struct config *c, const struct value *v)
{
    struct ch_error err;
    return checked(p, value_hours(v->argv[0], &c->core.work_start,
                                  &c->core.work_end, &err), &err);
}

static bool
apply_working_days(struct parse *p, struct config *c, const struct value *v)
{
    char *list = join_list(p, v->argv, v->argc);
    if (list == NULL)
        return false;
    struct ch_error err;
    bool ok = checked(p, value_days(list, &c->core.work_days, &err), &err);
    free(list);
    return ok;
}

static bool
check_admin(struct parse *p, const char *s)
{
    const char *colon = strchr(s, ':');

    if (colon == NULL) {
        if (s[0] != '\0' && printable(s))
            return true;
        return perr(p, "value \"%s\" is not a name or platform:id", s);
    }
    size_t plen = (size_t)(colon - s);
    const char *id = colon + 1;
    if (plen == 5 && strncmp(s, "slack", 5) == 0) {
        /* U… for users, W… for Enterprise Grid users. */
        if ((id[0] == 'U' || id[0] == 'W') && strlen(id) >= 3 &&
            strlen(id) <= 21 &&
            strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
                strlen(id))
            return true;
        return perr(p, "value \"%s\" is not a Slack user id (e.g. "
                    "slack:U024BE7LH)", s);
    }
    if (plen == 7 && strncmp(s, "discord", 7) == 0) {
        if (all_digits(id, 17, 19))
            return true;
        return perr(p, "value \"%s\" is not a Discord user id (discord: "
                    "and 17 to 19 digits)", s);
    }
    if (plen == 7 && strncmp(s, "console", 7) == 0) {
        if (id[0] != '\0' && printable(id))
            return true;
        return perr(p, "value \"%s\" has no console name after the colon",
                    s);
    }
    return perr(p, "value \"%s\" names an unknown platform \"%.*s\" "
                "(slack, discord or console)", s, (int)plen, s);
}

static bool
apply_admin(struct parse *p, struct config *c, const struct value *v)
{
    const char *s = v->argv[0];
    if (!check_admin(p, s))
        return false;
    config_add_admin(c, s);
    return true;
}

void
config_add_admin(struct config *c, const char *who)
{
    /* A bare name is a console speaker: on Slack or Discord anyone can
     * choose a display name, so admins there are ids.  The core reads
     * every admin as platform:id. */
    char *ref = strchr(who, ':') ? xstrdup(who) : xasprintf("console:%s", who);
    /* Naming someone twice changes nothing, so it is not worth an error. */
    for (size_t i = 0; i < c->core.nadmins; i++)
        if (strcmp(c->own_admins[i], ref) == 0) {
            free(ref);
            return;
        }
    c->own_admins = xrealloc(c->own_admins, c->core.nadmins + 1,
                             sizeof(*c->own_admins));
    c->own_admins[c->core.nadmins++] = ref;
    c->core.admins = (const char *const *)c->own_admins;
}

/* "slack:C0123,discord:4567": each a platform chorus speaks and a
 * channel id as that platform writes them. */
static bool
alert_channels_ok(struct parse *p, const char *list)
{
    for (const char *q = list; *q;) {
        size_t n = strcspn(q, ",");
        const char *colon = memchr(q, ':', n);
        size_t pl = colon ? (size_t)(colon - q) : 0;
        const char *ch = colon ? colon + 1 : NULL;
        size_t cl = colon ? n - pl - 1 : 0;
        bool slack = pl == 5 && strncmp(q, "slack", 5) == 0;
        bool discord = pl == 7 && strncmp(q, "discord", 7) == 0;
        bool console = pl == 7 && strncmp(q, "console", 7) == 0;
        if (!colon || !(slack || discord || console) || cl == 0)
            return perr(p, "alerts \"%.*s\" is not <platform>:<channel> "
                        "(slack:C0123ABC, discord:123456789012345678)",
                        (int)n, q);
        bool ok = true;
        for (size_t i = 0; i < cl; i++) {
            unsigned char x = (unsigned char)ch[i];
            ok = ok && (discord ? isdigit(x)
                        : slack ? isupper(x) || isdigit(x)
                                : x > ' ' && x != ',');
        }
        if (!ok || (slack && ch[0] != 'C' && ch[0] != 'G'))
            return perr(p, "alerts \"%.*s\": %s", (int)n, q,
                        slack     ? "a Slack channel id looks like C0123ABC"
                        : discord ? "a Discord channel id is digits"
                                  : "a console channel is one word");
        q += n + (q[n] == ',');
    }
    return true;
}

static bool
apply_brand(struct parse *p, struct config *c, const struct value *v)
{
    const char *name = v->argv[0];
    const char *category = NULL, *exclusive = NULL, *alerts = NULL;

    if (name[0] == '\0' || !printable(name))
        return perr(p, "value \"%s\" is not a brand name", name);
    for (size_t i = 1; i < v->argc; i += 2) {
        const char *word = v->argv[i];
        const char **slot = strcmp(word, "category") == 0    ? &category
                            : strcmp(word, "exclusive") == 0 ? &exclusive
                            : strcmp(word, "alerts") == 0    ? &alerts
                                                             : NULL;
        if (slot == NULL)
            return perr(p, "unexpected \"%s\" after brand \"%s\" (expected "
                        "category <text>, exclusive <cat>[;<cat>...] or "
                        "alerts <platform>:<channel>[,...])",
                        word, name);
        if (*slot != NULL)
            return perr(p, "\"%s\" given twice for brand \"%s\"", word,
                        name);
        if (i + 1 == v->argc || v->argv[i + 1][0] == '\0')
            return perr(p, "\"%s\" needs a value for brand \"%s\"", word,
                        name);
        if (slot != &alerts && !printable(v->argv[i + 1]))
            return perr(p, "value \"%s\" is not a category", v->argv[i + 1]);
        if (slot == &alerts && !alert_channels_ok(p, v->argv[i + 1]))
            return false;
        *slot = v->argv[i + 1];
    }
    for (size_t i = 0; i < c->core.nbrands; i++)
        if (strcasecmp(c->own_brands[i].name, name) == 0)
            return perr(p, "brand \"%s\" is already defined on line %d",
                        name, p->brand_line[i]);
    char *excl = NULL;
    if (exclusive != NULL) {
        struct buf b = BUF_INIT;
        struct ch_error e;
        if (value_categories(exclusive, &b, &e) != CH_OK) {
            buf_free(&b);
            return perr(p, "exclusive %s", e.user);
        }
        excl = buf_detach(&b);
    }

    size_t n = c->core.nbrands;
    c->own_brands = xrealloc(c->own_brands, n + 1, sizeof(*c->own_brands));
    c->own_brands[n] = (struct brand_setting){
        .name = xstrdup(name),
        .category = category ? xstrdup(category) : NULL,
        .exclusive = excl,
        .alerts = alerts ? xstrdup(alerts) : NULL,
    };
    p->brand_line = xrealloc(p->brand_line, n + 1, sizeof(*p->brand_line));
    p->brand_line[n] = p->line;
    c->core.nbrands = n + 1;
    return true;
}

static const char *const role_words =
    "creator, coordinator, agency, brand, admin, anyone";

static bool
parse_role(const char *s, unsigned *role)
{
    if (strcasecmp(s, "admin") == 0)
        *role = ROLE_ADMIN;
    else if (strcasecmp(s, "anyone") == 0)
        *role = ROLE_ANYONE;
    else
        return model_role_parse(s, role);
    return true;
}

static bool
apply_permit(struct parse *p, struct config *c, const struct value *v)
{
    enum action act;
    const char *name = v->argv[0];

    if (!perm_action_parse(name, &act)) {
        const char *names[ACT_COUNT];
        struct buf all = BUF_INIT;
        for (int i = 0; i < ACT_COUNT; i++) {
            names[i] = perm_action_name((enum action)i);
            buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
        }
        const char *near = str_suggest(name, names, ACT_COUNT);
        if (near != NULL)
            perr(p, "value \"%s\" is not an action (did you mean \"%s\"?)",
                 name, near);
        else
            perr(p, "value \"%s\" is not an action (%s)", name,
                 buf_cstr(&all));
        buf_free(&all);
        return false;
    }
    if (p->permit_line[act] != 0)
        return perr(p, "action \"%s\" is already permitted on line %d", name,
                    p->permit_line[act]);

    char *list = join_list(p, v->argv + 1, v->argc - 1);
    if (list == NULL)
        return false;
    unsigned roles = 0;
    bool ok = true;
    char *rest = list;
    for (char *item; ok && (item = next_item(&rest)) != NULL;) {
        unsigned r;
        if (parse_role(item, &r))
            roles |= r;
        else
            ok = perr(p, "role \"%s\" is not one of %s", item, role_words);
    }
    free(list);
    if (!ok)
        return false;
    p->permit_line[act] = p->line;
    c->core.perms.roles[act] = roles;
    return true;
}

static bool
apply_nudge_before(struct parse *p, struct config *c, const struct value *v)
{
    return parse_durations(p, v, c->core.nudge_before_ms,
                           SETTINGS_MAX_NUDGES, &c->core.n_nudge_before);
}

static bool
apply_nudge_after(struct parse *p, struct config *c, const struct value *v)
{
    return parse_durations(p, v, c->core.nudge_after_ms, SETTINGS_MAX_NUDGES,
                           &c->core.n_nudge_after);
}

static bool
apply_ladder(struct parse *p, struct config *c, const struct value *v)
{
    char *list = join_list(p, v->argv, v->argc);
    if (list == NULL)
        return false;
    struct ch_error err;
    bool ok = checked(p, ladder_parse(list, &c->core.ladder, &err), &err);
    free(list);
    return ok;
}

static bool
apply_holidays(struct parse *p, struct config *c, const struct value *v)
{
    const char *who = v->argv[0];
    if (who[0] == '\0' || !printable(who))
        return perr(p, "value \"%s\" is not a region or person", who);
    if (v->argv[1][0] == '\0')
        return perr(p, "the calendar path is empty");

    /* Only readability is checked here; the calendar is read later. */
    char *path = resolve_path(c->dir, v->argv[1]);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        perr(p, "file \"%s\" cannot be read (%s)", path, strerror(errno));
        free(path);
        return false;
    }
    struct stat st;
    bool regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    close(fd);
    if (!regular) {
        perr(p, "file \"%s\" is not a regular file", path);
        free(path);
        return false;
    }
    struct ch_error err = { 0 };
    if (holidays_check_file(path, NULL, &err) != CH_OK) {
        perr(p, "%s", err.user);
        free(path);
        return false;
    }
    c->holidays = xrealloc(c->holidays, c->nholidays + 1,
                           sizeof(*c->holidays));
    c->holidays[c->nholidays++] = (struct config_holiday){
        .who = xstrdup(who), .path = path,
    };
    return true;
}

static bool
apply_region(struct parse *p, struct config *c, const struct value *v)
{
    const char *person = v->argv[0], *region = v->argv[1];
    if (person[0] == '\0' || !printable(person))
        return perr(p, "value \"%s\" is not a person", person);
    if (region[0] == '\0' || !printable(region))
        return perr(p, "value \"%s\" is not a region", region);
    for (size_t i = 0; i < c->nregions; i++)
        if (strcmp(c->regions[i].person, person) == 0)
            return perr(p, "person \"%s\" already has a region on line %d",
                        person, p->region_line[i]);
    size_t n = c->nregions;
    c->regions = xrealloc(c->regions, n + 1, sizeof(*c->regions));
    c->regions[n] = (struct config_region){
        .person = xstrdup(person), .region = xstrdup(region),
    };
    p->region_line = xrealloc(p->region_line, n + 1,
                              sizeof(*p->region_line));
    p->region_line[n] = p->line;
    c->nregions = n + 1;
    return true;
}

/* ---- the table ---- */

static const char *const log_levels[] = {
    "debug", "info", "warn", "error", NULL,
};

static const char *const db_synchronous_modes[] = {
    "full", "normal", NULL,
};

static const struct directive table[] = {
    {
        .name = "database", .type = V_PATH, FIELD(database),
        .args = "<path>",
        .def_note = "$XDG_STATE_HOME/chorus/chorus.db",
        .help = "The SQLite database; relative to this file's directory.",
    },
    {
        .name = "db_synchronous", .type = V_CHOICE,
        .choices = db_synchronous_modes, .args = "full|normal",
        .def = "full", .reloadable = true, .apply = apply_db_synchronous,
        .help = "full: every commit reaches the disk before chorus answers, "
                "so nothing acknowledged is lost, even to a power cut. "
                "normal: fewer disk syncs; a process crash loses nothing, "
                "a power cut or kernel crash may lose the last commits.",
    },
    {
        .name = "log_level", .type = V_CHOICE, .choices = log_levels,
        .args = "debug|info|warn|error", .def = "info", .reloadable = true,
        .apply = apply_log_level,
        .help = "The least severe log lines written.",
    },
    {
        .name = "default_timezone", .type = V_STRING,
        FIELD(own_default_tz), .check = check_tz,
        .args = "<IANA zone>", .def = "UTC", .reloadable = true,
        .help = "Zone for people whose platform tells none and who set "
                "none.",
    },
    {
        .name = "working_hours", .type = V_CUSTOM, .min_args = 1,
        .max_args = 1, .apply = apply_working_hours,
        .args = "<HH:MM>-<HH:MM>", .def = "09:00-18:00",
        .reloadable = true,
        .help = "Default working hours, in each person's zone: nudges wait "
                "for them.",
    },
    {
        .name = "working_days", .type = V_CUSTOM, .min_args = 1,
        .apply = apply_working_days,
        .args = "<day>[-<day>][,...]", .def = "mon-fri",
        .reloadable = true,
        .help = "Default working days (mon..sun), e.g. mon-fri, sun-thu, "
                "mon,wed,fri.",
    },
    {
        .name = "admin", .type = V_CUSTOM, .min_args = 1, .max_args = 1,
        .apply = apply_admin, .repeatable = true, .reloadable = true,
        .args = "<name>|slack:<user id>|discord:<user id>|console:<name>",
        .def_note = "none in a file; \"admin\" without one",
        .help = "A workspace admin: last step of every escalation ladder.",
    },
    {
        .name = "brand", .type = V_CUSTOM, .min_args = 1, .max_args = 7,
        .apply = apply_brand, .repeatable = true, .reloadable = true,
        .args = "<name> [category <text>] [exclusive <cat>[;<cat>...]] "
                "[alerts <platform>:<channel>[,...]]",
        .def_note = "none",
        .help = "A brand, its category, categories its creators must avoid "
                "meanwhile, and the channels its conflict alerts go to "
                "instead of its brand leads' direct messages (a Slack "
                "channel id, a Discord channel id; chorus must be in it).",
    },
    {
        .name = "permit", .type = V_CUSTOM, .min_args = 2,
        .apply = apply_permit, .repeatable = true, .reloadable = true,
        .args = "<action> <role>[,<role>...]",
        .def_note = "the default rules (README, Commands: managers create "
                    "and review, the brand approves)",
        .help = "Roles allowed an action: creator, coordinator, agency, "
                "brand, admin, anyone.",
    },
    {
        .name = "review_mode", .type = V_CHOICE, .choices = model_review_modes,
        .apply = apply_review_mode,
        .args = "two_stage|brand_only", .def = "two_stage",
        .reloadable = true,
        .help = "Review for new campaigns: coordinator then brand, or brand "
                "alone.",
    },
    {
        .name = "currency", .type = V_STRING, FIELD(own_currency),
        .check = check_currency, .args = "<ISO 4217 code>", .def = "USD",
        .reloadable = true,
        .help = "Currency of fees written without one.",
    },
    {
        .name = "lead_time", .type = V_DURATION, FIELD(core.lead_time_ms),
        .min = 0, .args = "<duration>", .def = "5d", .reloadable = true,
        .help = "Warn when a draft is due sooner than this after it is "
                "assigned (0m: never).",
    },
    {
        .name = "revision_limit", .type = V_INT, FIELD(core.revision_limit),
        .min = 1, .max = 20, .args = "<1..20>", .def = "2",
        .reloadable = true,
        .help = "Revision rounds above this tell the coordinator the brief "
                "is unclear.",
    },
    {
        .name = "approval_latency", .type = V_DURATION,
        FIELD(core.approval_latency_ms), .min = MS_PER_MIN,
        .args = "<duration>", .def = "3d", .reloadable = true,
        .help = "A submission waiting longer than this alerts the brand "
                "lead.",
    },
    {
        .name = "nudge_before", .type = V_CUSTOM, .min_args = 1,
        .apply = apply_nudge_before, .args = "<duration>[,<duration>...]",
        .def = "48h,4h", .reloadable = true,
        .help = "Reminders before each draft and publish time (at most 8).",
    },
    {
        .name = "nudge_after", .type = V_CUSTOM, .min_args = 1,
        .apply = apply_nudge_after, .args = "<duration>[,<duration>...]",
        .def = "24h", .reloadable = true,
        .help = "Reminders after a missed time (at most 8).",
    },
    {
        .name = "grace", .type = V_DURATION, FIELD(core.grace_ms),
        .min = MS_PER_MIN, .args = "<duration>", .def = "24h",
        .reloadable = true,
        .help = "Working time of the creator after a missed draft or "
                "publish time before it escalates.",
    },
    {
        .name = "nudge_daily_cap", .type = V_INT,
        FIELD(core.nudge_daily_cap), .min = 1, .max = 20, .args = "<1..20>",
        .def = "3", .reloadable = true,
        .help = "Most nudges one person gets in a day.",
    },
    {
        .name = "approval_guard", .type = V_DURATION,
        FIELD(core.approval_guard_ms), .min = MS_PER_MIN,
        .args = "<duration>", .def = "48h", .reloadable = true,
        .help = "This long before publishing, a deliverable without brand "
                "approval escalates.",
    },
    {
        .name = "fix_window", .type = V_DURATION, FIELD(core.fix_window_ms),
        .min = MS_PER_MIN, .args = "<duration>", .def = "48h",
        .reloadable = true,
        .help = "Time to resubmit after changes are requested, then it is "
                "missed.",
    },
    {
        .name = "question_target", .type = V_DURATION,
        FIELD(core.question_target_ms), .min = MS_PER_MIN,
        .args = "<duration>", .def = "24h", .reloadable = true,
        .help = "An unanswered question nudges the coordinator after this.",
    },
    {
        .name = "digest_window", .type = V_DURATION,
        FIELD(core.digest_window_ms), .min = 0, .args = "<duration>",
        .def = "30m", .reloadable = true,
        .help = "Direct messages to one person due this close together go "
                "as one digest.",
    },
    {
        .name = "news_digest", .type = V_BOOL, FIELD(core.news_digest),
        .args = "yes|no", .def = "yes", .reloadable = true,
        .help = "News (submissions to review, answered questions) waits for "
                "a morning digest for coordinators and brand leads who have "
                "not chosen with notify digest:.",
    },
    {
        .name = "collision_interval", .type = V_DURATION,
        FIELD(core.collision_interval_ms), .min = MS_PER_MIN,
        .args = "<duration>", .def = "24h", .reloadable = true,
        .help = "Two deliverables of one brand, in different campaigns, "
                "publishing on the same platform less than this apart are "
                "a conflict.",
    },
    {
        .name = "duplicate_similarity", .type = V_INT,
        FIELD(core.duplicate_similarity), .min = 10, .max = 100,
        .args = "<10..100>", .def = "50", .reloadable = true,
        .help = "Two captions of one brand sharing this percentage of their "
                "three-word runs (brand tags and disclosure left out) are "
                "near duplicates.",
    },
    {
        .name = "escalation_ladder", .type = V_CUSTOM, .min_args = 1,
        .apply = apply_ladder, .args = "<role>:<dur>[,<role>:<dur>...]",
        .def = "coordinator:4h,agency:8h,brand:24h,admin:24h",
        .reloadable = true,
        .help = "The levels an escalation climbs, each a role and the "
                "working time it has to acknowledge (a level nobody holds is "
                "skipped).",
    },
    {
        .name = "escalation_repeats", .type = V_INT,
        FIELD(core.ladder.repeats), .min = 0, .max = 5, .args = "<0..5>",
        .def = "2", .reloadable = true,
        .help = "How often an unacknowledged ladder starts over before it "
                "rests at its last level.",
    },
    {
        .name = "escalation_ack_reminder", .type = V_DURATION,
        FIELD(core.ack_reminder_ms), .min = MS_PER_MIN,
        .args = "<duration>", .def_note = "one working day",
        .reloadable = true,
        .help = "Working time after which whoever acknowledged an open "
                "escalation is reminded of it.",
    },
    {
        .name = "holidays", .type = V_CUSTOM, .min_args = 2, .max_args = 2,
        .apply = apply_holidays, .repeatable = true, .reloadable = true,
        .args = "<region-or-person> <path.ics>", .def_note = "none",
        .help = "An iCalendar file of days off; relative to this file's "
                "directory.",
    },
    {
        .name = "region", .type = V_CUSTOM, .min_args = 2, .max_args = 2,
        .apply = apply_region, .repeatable = true, .reloadable = true,
        .args = "<person> <region>", .def_note = "none",
        .help = "The holiday region a person follows.",
    },
    {
        .name = "demo_workspace", .type = V_BOOL, FIELD(demo_workspace),
        .args = "yes|no", .def = "no",
        .help = "Seed a demo brand and campaign (the built-in configuration "
                "says yes).",
    },
    {
        .name = "slack", .type = V_BOOL, FIELD(slack.enabled),
        .args = "yes|no", .def = "no",
        .help = "Connect to Slack (Socket Mode).",
    },
    {
        .name = "slack_app_token", .type = V_SECRET, FIELD(slack.app_token),
        .args = SECRET_ARGS, .def = "env:SLACK_APP_TOKEN",
        .help = "Where the xapp- token comes from; never the token itself.",
    },
    {
        .name = "slack_bot_token", .type = V_SECRET, FIELD(slack.bot_token),
        .args = SECRET_ARGS, .def = "env:SLACK_BOT_TOKEN",
        .help = "Where the xoxb- token comes from; never the token itself.",
    },
    {
        .name = "slack_api_url", .type = V_STRING, FIELD(slack.api_url),
        .check = check_url, .args = "<URL>", .def = "https://slack.com/api",
        .help = "Slack Web API base (a simulator's, in tests).",
    },
    {
        .name = "discord", .type = V_BOOL, FIELD(discord.enabled),
        .args = "yes|no", .def = "no",
        .help = "Connect to Discord (Gateway and REST).",
    },
    {
        .name = "discord_token", .type = V_SECRET, FIELD(discord.token),
        .args = SECRET_ARGS, .def = "env:DISCORD_TOKEN",
        .help = "Where the bot token comes from; never the token itself.",
    },
    {
        .name = "discord_api_url", .type = V_STRING, FIELD(discord.api_url),
        .check = check_url, .args = "<URL>",
        .def = "https://discord.com/api",
        .help = "Discord REST API base (a simulator's, in tests).",
    },
    {
        .name = "discord_guild", .type = V_STRING, FIELD(discord.guild),
        .check = check_snowflake, .args = "<snowflake>", .def_note = "unset",
        .help = "Register commands in this server only (instant; global "
                "ones take time).",
    },
    {
        .name = "discord_application_id", .type = V_STRING,
        FIELD(discord.application_id), .check = check_snowflake,
        .args = "<snowflake>", .def_note = "unset",
        .help = "The application whose commands are registered.",
    },
    {
        .name = "discord_message_content", .type = V_BOOL,
        FIELD(discord.message_content), .args = "yes|no", .def = "no",
        .help = "Ask for the privileged MESSAGE_CONTENT intent (plain-text "
                "commands).",
    },
    {
        .name = "http_listen", .type = V_STRING, FIELD(http.listen),
        .check = check_listen, .args = "[<IPv4 address>:]<port>",
        .def_note = "off",
        .help = "Serve /healthz and /metrics over HTTP here (a port alone: "
                "127.0.0.1).",
    },
    {
        .name = "http_admin_token", .type = V_SECRET,
        FIELD(http.admin_token), .args = SECRET_ARGS,
        .def = "env:CHORUS_ADMIN_TOKEN",
        .help = "Where the token for /metrics comes from; never the token "
                "itself.",
    },
};

#define NDIRECTIVES (sizeof(table) / sizeof(table[0]))
_Static_assert(NDIRECTIVES <= CONFIG_DIRECTIVES_MAX,
               "raise CONFIG_DIRECTIVES_MAX");

static size_t
type_size(enum value_type t)
{
    switch (t) {
    case V_STRING:
    case V_PATH:
    case V_SECRET:
        return sizeof(char *);
    case V_BOOL:
        return sizeof(bool);
    case V_INT:
        return sizeof(int);
    case V_DURATION:
        return sizeof(int64_t);
    case V_CHOICE:
    case V_CUSTOM:
        break;
    }
    return 0;
}

/*
 * The table's own invariants: a field of the size its type writes, an
 * apply function where one is needed, and only simple types among the
 * rows that cannot be reloaded (config_restart_needed compares those
 * generically).  Broken only by editing the table, so it aborts.
 */
static void
table_check(void)
{
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        const struct directive *d = &table[i];
        bool custom = d->type == V_CHOICE || d->type == V_CUSTOM;
        bool ok = custom ? d->apply != NULL && d->size == 0
                         : d->size == type_size(d->type);
        ok = ok && d->help != NULL && d->args != NULL &&
             (d->def != NULL) != (d->def_note != NULL) &&
             (d->reloadable || !custom) && (d->type != V_CHOICE ||
                                            d->choices != NULL);
        if (!ok) {
            fprintf(stderr, "config: table row \"%s\" is malformed\n",
                    d->name);
            abort();
        }
    }
}

static const struct directive *
lookup(const char *name)
{
    for (size_t i = 0; i < NDIRECTIVES; i++)
        if (strcmp(table[i].name, name) == 0)
            return &table[i];
    return NULL;
}

size_t
config_directive_count(void)
{
    return NDIRECTIVES;
}

const char *
config_directive_name(size_t i)
{
    return i < NDIRECTIVES ? table[i].name : NULL;
}

void
config_directive_help(FILE *fp)
{
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        const struct directive *d = &table[i];
        fprintf(fp, "%s %s\n    %s\n    default: %s%s%s\n", d->name, d->args,
                d->help, d->def ? d->def : d->def_note,
                d->repeatable ? "; repeatable" : "",
                d->reloadable ? "" : "; a change needs a restart");
    }
}

/*
 * chorus.conf(5), written from the table at build time (CMake runs
 * `chorus help-config --man`), so the page cannot drift from the parser.
 * The prose around the table is the format itself, which lives here too.
 */
static const char man_head[] =
    ".SH NAME\n"
    "chorus.conf \\- configuration file of the chorus daemon\n"
    ".SH SYNOPSIS\n"
    ".I /etc/chorus/chorus.conf\n"
    ".SH DESCRIPTION\n"
    ".B chorus run \\-\\-config\n"
    "reads one file in which each line is a directive and its values,\n"
    ".IR \"directive value ...\" ,\n"
    "or blank.\n"
    "A word that starts with\n"
    ".B #\n"
    "begins a comment that ends the line.\n"
    "A value with spaces goes in double quotes, where\n"
    ".B \\e\"\n"
    "and\n"
    ".B \\e\\e\n"
    "are the only escapes.\n"
    "A line is at most 4096 bytes and must be valid UTF\\-8.\n"
    "Durations are written 90m, 24h, 2d, 1w or 1d12h;\n"
    "lists are comma\\-separated; booleans are yes/no, true/false or on/off.\n"
    "Relative paths are read from the file's own directory.\n"
    ".PP\n"
    "The whole file is checked before anything is applied: every error is\n"
    "reported with its file, line and key, and a file with any error is\n"
    "not used.\n"
    ".B chorus check\\-config\n"
    "does only that.\n"
    "Directives the file does not set keep their defaults.\n"
    ".SH DIRECTIVES\n";

static const char man_tail[] =
    ".SH SECRETS\n"
    "Tokens are never written in the file.\n"
    "A secret directive holds a reference:\n"
    ".BI env: NAME\n"
    "reads an environment variable,\n"
    ".BI file: PATH\n"
    "a file that only its owner may read (mode 600); a file its group or\n"
    "others can read is refused.\n"
    "Secrets never reach a log line.\n"
    ".SH RELOADING\n"
    "On\n"
    ".B SIGHUP\n"
    "the daemon reads the file again and switches to it only when it has\n"
    "no error; otherwise it logs the errors and keeps the running\n"
    "configuration.\n"
    "Directives marked above as needing a restart keep their running\n"
    "value until the next start, and the log says so.\n"
    ".SH FILES\n"
    ".TP\n"
    ".I /etc/chorus/chorus.conf\n"
    "the configuration the packaged service reads\n"
    ".TP\n"
    ".I /usr/share/doc/chorus/examples/chorus.conf.example\n"
    "every directive with its default and a comment\n"
    ".SH SEE ALSO\n"
    ".BR chorus (8)\n";

/* Text for roff: backslashes escaped, and a line that would start with
 * a control character made plain. */
static void
man_text(FILE *fp, const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", fp);
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", fp);
        else if (*s == '-')
            fputs("\\-", fp);
        else
            fputc(*s, fp);
    }
}

void
config_directive_man(FILE *fp, const char *version)
{
    fprintf(fp, ".\\\" Generated by `chorus help-config --man` from the "
            "directive table in bot/config.c.\n"
            ".TH CHORUS.CONF 5 \"\" \"chorus %s\" \"File Formats\"\n",
            version);
    fputs(man_head, fp);
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        const struct directive *d = &table[i];
        fputs(".TP\n\\fB", fp);
        man_text(fp, d->name);
        fputs("\\fR \\fI", fp);
        man_text(fp, d->args);
        fputs("\\fR\n", fp);
        man_text(fp, d->help);
        fputs("\n.br\nDefault: ", fp);
        man_text(fp, d->def ? d->def : d->def_note);
        fprintf(fp, ".%s%s\n", d->repeatable ? " Repeatable." : "",
                d->reloadable ? "" : " A change needs a restart.");
    }
    fputs(man_tail, fp);
}

/* ---- one line ---- */

static void *
field(struct config *c, const struct directive *d)
{
    return (char *)c + d->off;
}

static const void *
cfield(const struct config *c, const struct directive *d)
{
    return (const char *)c + d->off;
}

static bool
apply_choice(struct parse *p, struct config *c, struct value *v)
{
    const struct directive *d = p->d;
    const char *s = v->argv[0];

    for (v->choice = 0; d->choices[v->choice]; v->choice++)
        if (strcmp(d->choices[v->choice], s) == 0)
            return d->apply(p, c, v);
    struct buf all = BUF_INIT;
    for (size_t i = 0; d->choices[i]; i++)
        buf_printf(&all, "%s%s", i ? ", " : "", d->choices[i]);
    perr(p, "value \"%s\" is not one of %s", s, buf_cstr(&all));
    buf_free(&all);
    return false;
}

static bool
apply_value(struct parse *p, struct config *c, struct value *v)
{
    const struct directive *d = p->d;
    char *s = v->argv[0];
    long long n;
    bool b;

    switch (d->type) {
    case V_STRING:
        if (d->check != NULL && !p->defaults && !d->check(p, s))
            return false;
        set_str(field(c, d), xstrdup(s));
        return true;
    case V_PATH:
        if (s[0] == '\0')
            return perr(p, "the path is empty");
        /* SQLite's in-memory database is a name, not a file. */
        set_str(field(c, d), strcmp(s, ":memory:") == 0
                                 ? xstrdup(s)
                                 : resolve_path(c->dir, s));
        return true;
    case V_SECRET:
        if (!check_secret_ref(p, s))
            return false;
        set_str(field(c, d), xstrdup(s));
        return true;
    case V_BOOL:
        if (!parse_bool(s, &b))
            return perr(p, "value \"%s\" is not yes or no", s);
        *(bool *)field(c, d) = b;
        return true;
    case V_INT:
        if (!parse_int(s, d->min, d->max, &n))
            return perr(p, "value \"%s\" is not a whole number from %lld "
                        "to %lld", s, d->min, d->max);
        *(int *)field(c, d) = (int)n;
        return true;
    case V_DURATION:
        return parse_duration(p, s, d->min, field(c, d));
    case V_CHOICE:
        return apply_choice(p, c, v);
    case V_CUSTOM:
        return d->apply(p, c, v);
    }
    return false;
}

/*
 * Split line into words in place.  A word is a run of non-blank bytes or
 * a double-quoted string; '#' at the start of a word begins a comment, so
 * "C#" stays a word.  At most len/2 + 1 words fit in a line of len bytes.
 */
static bool
split_words(struct parse *p, char *line, char **argv, size_t *argc)
{
    size_t r = 0, w = 0, n = 0;

    for (;;) {
        while (line[r] == ' ' || line[r] == '\t')
            r++;
        if (line[r] == '\0' || line[r] == '#')
            break;
        char *start = line + w;
        if (line[r] == '"') {
            r++;
            for (;;) {
                char ch = line[r];
                if (ch == '\0') {
                    perr_line(p, NULL, "unterminated quote");
                    return false;
                }
                if (ch == '"') {
                    r++;
                    break;
                }
                if (ch == '\\') {
                    ch = line[r + 1];
                    if (ch != '"' && ch != '\\') {
                        perr_line(p, NULL, "in quotes, a backslash must be "
                                  "followed by \" or \\");
                        return false;
                    }
                    r++;
                }
                line[w++] = ch;
                r++;
            }
            if (line[r] != '\0' && line[r] != ' ' && line[r] != '\t') {
                perr_line(p, NULL, "a closing quote must be followed by a "
                          "space");
                return false;
            }
        } else {
            while (line[r] != '\0' && line[r] != ' ' && line[r] != '\t') {
                if (line[r] == '"') {
                    perr_line(p, NULL, "a quote inside a word (quote the "
                              "whole value)");
                    return false;
                }
                line[w++] = line[r++];
            }
        }
        /* Step over the separator before terminating the word, which may
         * overwrite it when nothing has shifted (w == r). */
        if (line[r] != '\0')
            r++;
        line[w++] = '\0';
        argv[n++] = start;
    }
    *argc = n;
    return true;
}

static void
parse_words(struct parse *p, struct config *c, char **argv, size_t argc)
{
    const char *key = argv[0];
    const struct directive *d = lookup(key);

    p->d = NULL;
    if (d == NULL) {
        const char *names[NDIRECTIVES];
        for (size_t i = 0; i < NDIRECTIVES; i++)
            names[i] = table[i].name;
        const char *near = str_suggest(key, names, NDIRECTIVES);
        if (near != NULL)
            perr_line(p, key, "unknown key \"%s\" (did you mean \"%s\"?)",
                      key, near);
        else
            perr_line(p, key, "unknown key \"%s\"", key);
        return;
    }
    p->d = d;
    size_t row = (size_t)(d - table);
    if (!d->repeatable && c->line_of[row] != 0) {
        perr(p, "given twice (first on line %d)", c->line_of[row]);
        return;
    }
    c->line_of[row] = p->line;

    struct value v = { .argv = argv + 1, .argc = argc - 1 };
    bool simple = d->type != V_CUSTOM;
    size_t min = simple ? 1 : d->min_args;
    size_t max = simple ? 1 : d->max_args;
    if (v.argc < min) {
        perr(p, "missing value (usage: %s %s)", d->name, d->args);
        return;
    }
    /* Not echoed: an extra word after a secret reference may be one. */
    if (max != 0 && v.argc > max) {
        perr(p, "too many values (usage: %s %s)", d->name, d->args);
        return;
    }
    apply_value(p, c, &v);
}

static void
parse_line(struct parse *p, struct config *c, char *line)
{
    size_t len = strlen(line);
    char **argv = xcalloc(len / 2 + 2, sizeof(*argv));
    size_t argc;

    if (split_words(p, line, argv, &argc) && argc > 0)
        parse_words(p, c, argv, argc);
    free(argv);
}

/* Split text (len bytes, ours to modify) into lines and parse each. */
static void
parse_text(struct parse *p, struct config *c, char *text, size_t len)
{
    size_t pos = 0;

    for (p->line = 1; pos < len && !p->stopped; p->line++) {
        char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char *line = text + pos;
        pos += n + 1;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        p->d = NULL;
        if (n > CONFIG_LINE_MAX) {
            perr_line(p, NULL, "line is longer than %d bytes",
                      CONFIG_LINE_MAX);
            continue;
        }
        if (memchr(line, '\0', n) != NULL) {
            perr_line(p, NULL, "line contains a NUL byte");
            continue;
        }
        long bad = utf8_invalid_at(line, n);
        if (bad >= 0) {
            perr_line(p, NULL, "line is not valid UTF-8 (at byte %ld)",
                      bad + 1);
            continue;
        }
        line[n] = '\0';
        parse_line(p, c, line);
    }
}

/* ---- whole configs ---- */

/* Point the core settings at the storage this config owns. */
static void
link_core(struct config *c)
{
    c->core.default_tz = c->own_default_tz;
    c->core.currency = c->own_currency;
    free(c->own_web_url);
    c->own_web_url = NULL;
    if (c->http.listen)
        c->own_web_url = xasprintf("http://%s%s", strchr(c->http.listen, ':')
                                   ? "" : "127.0.0.1:", c->http.listen);
    c->core.web_url = c->own_web_url;
    c->core.admins = (const char *const *)c->own_admins;
    c->core.brands = c->own_brands;
    free(c->own_holidays);
    free(c->own_regions);
    c->own_holidays = xcalloc(c->nholidays + 1, sizeof(*c->own_holidays));
    for (size_t i = 0; i < c->nholidays; i++)
        c->own_holidays[i] = (struct holiday_source){
            .who = c->holidays[i].who, .path = c->holidays[i].path,
        };
    c->own_regions = xcalloc(c->nregions + 1, sizeof(*c->own_regions));
    for (size_t i = 0; i < c->nregions; i++)
        c->own_regions[i] = (struct region_setting){
            .person = c->regions[i].person, .region = c->regions[i].region,
        };
    c->core.holidays = c->own_holidays;
    c->core.nholidays = c->nholidays;
    c->core.regions = c->own_regions;
    c->core.nregions = c->nregions;
}

static void
parse_free(struct parse *p)
{
    free(p->brand_line);
    free(p->region_line);
}

/* Defaults from the table, through the same code as the file's lines. */
static struct config *
config_base(void)
{
    struct config *c = xcalloc(1, sizeof(*c));
    struct config_errors errs = CONFIG_ERRORS_INIT;
    struct parse p = { .file = "(default)", .errs = &errs, .defaults = true };

    table_check();
    /* What no directive's default covers (the permission table). */
    settings_defaults(&c->core);
    c->core.default_tz = NULL;
    c->core.currency = NULL;
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        if (table[i].def == NULL)
            continue;
        char *text = xasprintf("%s %s", table[i].name, table[i].def);
        parse_line(&p, c, text);
        free(text);
    }
    if (errs.n > 0) {
        config_errors_print(&errs, stderr);
        abort();
    }
    memset(c->line_of, 0, sizeof(c->line_of));
    parse_free(&p);
    link_core(c);
    return c;
}

struct config *
config_new_default(void)
{
    struct config *c = config_base();
    c->demo_workspace = true;
    config_add_admin(c, "admin");
    link_core(c);
    return c;
}

/* The absolute directory holding path, for relative paths in it. */
static char *
config_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash == NULL   ? xstrdup(".")
                : slash == path ? xstrdup("/")
                                : xstrndup(path, (size_t)(slash - path));
    char *real = realpath(dir, NULL);
    if (real == NULL)
        return dir;
    free(dir);
    return real;
}

/*
 * Read the whole file into b.  NULL on success, else why not.  Only a
 * regular file is read: a FIFO would block the open and then the read
 * until some writer came (`chorus check-config` hanging for ever), and a
 * device or directory is no configuration.  So the open does not wait
 * (O_NONBLOCK), fstat decides, and the reads then block as usual.
 */
static char *
read_file(const char *path, struct buf *b)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    char chunk[8192];
    ssize_t n;
    struct stat st;

    if (fd < 0)
        return xasprintf("cannot read: %s", strerror(errno));
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        return xasprintf("cannot read: %s", strerror(saved));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return xasprintf("is not a regular file (a %s); give the path of "
                         "the configuration file itself",
                         S_ISFIFO(st.st_mode)  ? "FIFO"
                         : S_ISDIR(st.st_mode) ? "directory"
                         : S_ISSOCK(st.st_mode) ? "socket"
                         : S_ISCHR(st.st_mode) ? "character device"
                         : S_ISBLK(st.st_mode) ? "block device"
                                               : "special file");
    }
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        int saved = errno;
        close(fd);
        return xasprintf("cannot read: %s", strerror(saved));
    }
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            close(fd);
            return xasprintf("cannot read: %s", strerror(saved));
        }
        if (!buf_add(b, chunk, (size_t)n)) {
            close(fd);
            return xasprintf("larger than %d bytes", CONFIG_FILE_MAX);
        }
    }
    close(fd);
    return NULL;
}

/* Parse text (len bytes, ours to change) as the file name says. */
static enum ch_status
config_parse(const char *name, char *dir, char *text, size_t len,
             struct config **out, struct config_errors *errs)
{
    struct config *c = config_base();
    c->file = xstrdup(name);
    c->dir = dir;
    struct parse p = { .file = name, .errs = errs };
    if (len > 0)
        parse_text(&p, c, text, len);
    parse_free(&p);
    link_core(c);
    if (p.nerrs > 0) {
        config_free(c);
        return CH_INVALID;
    }
    *out = c;
    return CH_OK;
}

enum ch_status
config_load(const char *path, struct config **out,
            struct config_errors *errs)
{
    struct config_errors local = CONFIG_ERRORS_INIT;
    struct buf text;

    *out = NULL;
    if (errs == NULL)
        errs = &local;
    buf_init(&text, CONFIG_FILE_MAX);
    char *why = read_file(path, &text);
    if (why != NULL) {
        add_error(errs, path, CONFIG_LINE_NONE, NULL, false, why);
        buf_free(&text);
        config_errors_free(&local);
        return CH_IO;
    }
    /* buf keeps data NUL-terminated, so the last line ends there even
     * without a newline. */
    enum ch_status st = config_parse(path, config_dir(path), text.data,
                                     text.len, out, errs);
    buf_free(&text);
    config_errors_free(&local);
    return st;
}

enum ch_status
config_load_text(const char *name, const char *text, size_t len,
                 struct config **out, struct config_errors *errs)
{
    struct config_errors local = CONFIG_ERRORS_INIT;

    *out = NULL;
    if (errs == NULL)
        errs = &local;
    if (len > CONFIG_FILE_MAX) {
        add_error(errs, name, CONFIG_LINE_NONE, NULL, false,
                  xasprintf("larger than %d bytes", CONFIG_FILE_MAX));
        config_errors_free(&local);
        return CH_IO;
    }
    char *copy = xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    enum ch_status st = config_parse(name, config_dir("."), copy, len, out,
                                     errs);
    free(copy);
    config_errors_free(&local);
    return st;
}

void
config_free(struct config *c)
{
    if (c == NULL)
        return;
    free(c->file);
    free(c->dir);
    free(c->database);
    free(c->slack.app_token);
    free(c->slack.bot_token);
    free(c->slack.api_url);
    free(c->discord.token);
    free(c->discord.api_url);
    free(c->discord.guild);
    free(c->discord.application_id);
    free(c->http.listen);
    free(c->http.admin_token);
    for (size_t i = 0; i < c->nholidays; i++) {
        free(c->holidays[i].who);
        free(c->holidays[i].path);
    }
    free(c->holidays);
    free(c->own_holidays);
    free(c->own_regions);
    for (size_t i = 0; i < c->nregions; i++) {
        free(c->regions[i].person);
        free(c->regions[i].region);
    }
    free(c->regions);
    free(c->own_default_tz);
    free(c->own_currency);
    free(c->own_web_url);
    for (size_t i = 0; i < c->core.nadmins; i++)
        free(c->own_admins[i]);
    free(c->own_admins);
    /* brand_setting's fields are const for the core's sake; we own them. */
    for (size_t i = 0; i < c->core.nbrands; i++) {
        free((char *)c->own_brands[i].name);
        free((char *)c->own_brands[i].category);
        free((char *)c->own_brands[i].exclusive);
        free((char *)c->own_brands[i].alerts);
    }
    free(c->own_brands);
    free(c);
}

/* ---- reload ---- */

static bool
same_value(const struct config *a, const struct config *b,
           const struct directive *d)
{
    const void *x = cfield(a, d), *y = cfield(b, d);
    switch (d->type) {
    case V_STRING:
    case V_PATH:
    case V_SECRET: {
        const char *s = *(char *const *)x, *t = *(char *const *)y;
        return s == t || (s != NULL && t != NULL && strcmp(s, t) == 0);
    }
    case V_BOOL:
        return *(const bool *)x == *(const bool *)y;
    case V_INT:
        return *(const int *)x == *(const int *)y;
    case V_DURATION:
        return *(const int64_t *)x == *(const int64_t *)y;
    case V_CHOICE:
    case V_CUSTOM:
        break;
    }
    return false;
}

size_t
config_restart_needed(const struct config *old, const struct config *new,
                      struct config_errors *out)
{
    size_t n = 0;
    for (size_t i = 0; i < NDIRECTIVES; i++) {
        const struct directive *d = &table[i];
        if (d->reloadable || same_value(old, new, d))
            continue;
        int line = new->line_of[i] ? new->line_of[i] : CONFIG_LINE_DEFAULT;
        add_error(out, new->file ? new->file : NO_FILE, line, d->name, true,
                  xstrdup("change needs a restart"));
        n++;
    }
    return n;
}

/* ---- secrets ---- */

/* Drop one trailing newline; refuse empty and multi-line values.  Takes
 * value, which is wiped and freed on failure. */
static enum ch_status
secret_finish(char *value, size_t len, const char *what, char **out,
              struct ch_error *err)
{
    enum ch_status st = CH_OK;

    if (len > 0 && value[len - 1] == '\n')
        value[--len] = '\0';
    if (len > 0 && value[len - 1] == '\r')
        value[--len] = '\0';
    if (len == 0)
        st = ch_fail(err, CH_INVALID, "%s is empty", what);
    else if (strlen(value) != len || strpbrk(value, "\r\n") != NULL)
        st = ch_fail(err, CH_INVALID, "%s holds more than one line", what);
    /* The log redacts secrets of 6 characters and more; a shorter one is
     * no real token, and could not be kept out of the logs. */
    else if (len < 8)
        st = ch_fail(err, CH_INVALID,
                     "%s is %zu characters long, too short for a token", what,
                     len);
    if (st != CH_OK) {
        config_secret_free(value);
        return st;
    }
    log_add_secret(value);
    *out = value;
    return CH_OK;
}

/* The POSIX ACL's entries (linux/posix_acl_xattr.h, a stable format:
 * a little-endian version 2 header, then tag, permission, id). */
#define ACL_XATTR_VERSION 2
enum { ACL_TAG_USER = 0x02, ACL_TAG_GROUP_OBJ = 0x04, ACL_TAG_GROUP = 0x08,
       ACL_TAG_MASK = 0x10 };
#define ACL_RW 06

static uint32_t
le_bytes(const unsigned char *p, int n)
{
    uint32_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* A group the service may share its secrets with: its own, or root's. */
static bool
own_group(uint32_t gid)
{
    return gid == 0 || gid == (uint32_t)getegid();
}

/*
 * A credential systemd handed over (LoadCredential=): owned by us or by
 * root, nothing for others, and any group or ACL entry that may read or
 * write it names us, our group or root.  systemd 250 and later leave the
 * file root's, mode 0400, with an ACL entry for the service's user
 * (mode bits 0440 show the ACL's mask); older ones chown it to the user.
 * NULL: private; else why not.
 */
static const char *
credential_not_private(int fd, const struct stat *st, char *why, size_t n)
{
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        snprintf(why, n, "is owned by uid %u, neither root nor the user "
                 "chorus runs as (uid %u)", (unsigned)st->st_uid,
                 (unsigned)geteuid());
        return why;
    }
    if (st->st_mode & S_IRWXO) {
        snprintf(why, n, "has mode %04o, which lets others read or write "
                 "it", (unsigned)(st->st_mode & 07777));
        return why;
    }
    unsigned char acl[1024];
    ssize_t len = fgetxattr(fd, "system.posix_acl_access", acl, sizeof(acl));
    if (len < 0 && (errno == ENODATA || errno == ENOTSUP)) {
        /* No ACL: the group bits are the owning group's. */
        if ((st->st_mode & S_IRWXG) && !own_group(st->st_gid)) {
            snprintf(why, n, "has mode %04o, which lets group %u read or "
                     "write it", (unsigned)(st->st_mode & 07777),
                     (unsigned)st->st_gid);
            return why;
        }
        return NULL;
    }
    if (len < 4 || (len - 4) % 8 != 0 ||
        le_bytes(acl, 4) != ACL_XATTR_VERSION) {
        snprintf(why, n, "has an ACL chorus cannot read");
        return why;
    }
    unsigned mask = ACL_RW;
    for (ssize_t o = 4; o < len; o += 8)
        if (le_bytes(acl + o, 2) == ACL_TAG_MASK)
            mask = le_bytes(acl + o + 2, 2);
    for (ssize_t o = 4; o < len; o += 8) {
        uint32_t tag = le_bytes(acl + o, 2), id = le_bytes(acl + o + 4, 4);
        if (!(le_bytes(acl + o + 2, 2) & mask & ACL_RW))
            continue;
        if ((tag == ACL_TAG_USER && id != (uint32_t)geteuid()) ||
            (tag == ACL_TAG_GROUP_OBJ && !own_group(st->st_gid)) ||
            (tag == ACL_TAG_GROUP && !own_group(id))) {
            snprintf(why, n, "has an ACL that lets %s %u read or write it",
                     tag == ACL_TAG_USER ? "user" : "group",
                     (unsigned)(tag == ACL_TAG_GROUP_OBJ ? st->st_gid : id));
            return why;
        }
    }
    return NULL;
}

/* what: "secrets file \"PATH\"" or "credential \"NAME\" (PATH)". */
static enum ch_status
secret_from_file(const char *path, const char *what, bool credential,
                 char **out, struct ch_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    struct stat st;

    if (fd < 0)
        return ch_fail(err, errno == ENOENT ? CH_NOT_FOUND : CH_IO,
                       "%s cannot be read (%s)", what, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ch_fail(err, CH_INVALID, "%s is not a regular file", what);
    }
    /* As OpenSMTPD's check_file_secrecy: a token others could read, or
     * replace, is not a secret any more. */
    char why[160];
    if (credential && credential_not_private(fd, &st, why, sizeof(why))) {
        close(fd);
        return ch_fail(err, CH_DENIED, "%s %s; LoadCredential= hands over "
                       "a file only the service can read", what, why);
    }
    if (!credential && st.st_uid != geteuid()) {
        close(fd);
        return ch_fail(err, CH_DENIED, "%s is owned by uid %u, not by the "
                       "user chorus runs as (uid %u)", what,
                       (unsigned)st.st_uid, (unsigned)geteuid());
    }
    if (!credential && (st.st_mode & (S_IRWXG | S_IRWXO))) {
        close(fd);
        return ch_fail(err, CH_DENIED, "%s has mode %04o, which lets group "
                       "or others read or write it; fix with: chmod 600 %s",
                       what, (unsigned)(st.st_mode & 07777), path);
    }

    char *data = xmalloc(SECRET_MAX + 1);
    size_t len = 0;
    ssize_t n;
    while (len <= SECRET_MAX &&
           (n = read(fd, data + len, SECRET_MAX + 1 - len)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            config_secret_free(data);
            return ch_fail(err, CH_IO, "%s cannot be read (%s)", what,
                           strerror(saved));
        }
        len += (size_t)n;
    }
    close(fd);
    if (len > SECRET_MAX) {
        explicit_bzero(data, len);
        free(data);
        return ch_fail(err, CH_INVALID, "%s is larger than %d bytes", what,
                       SECRET_MAX);
    }
    data[len] = '\0';
    return secret_finish(data, len, what, out, err);
}

enum ch_status
config_secret_load(const struct config *cfg, const char *ref, char **out,
                   struct ch_error *err)
{
    *out = NULL;
    if (ref != NULL && str_starts_with(ref, "env:") &&
        env_name_ok(ref + 4)) {
        const char *name = ref + 4;
        const char *value = getenv(name);
        if (value == NULL)
            return ch_fail(err, CH_NOT_FOUND, "environment variable %s is "
                           "not set", name);
        char *what = xasprintf("environment variable %s", name);
        enum ch_status st = secret_finish(xstrdup(value), strlen(value),
                                          what, out, err);
        free(what);
        return st;
    }
    if (ref != NULL && str_starts_with(ref, "file:") && ref[5] != '\0') {
        char *path = resolve_path(cfg ? cfg->dir : NULL, ref + 5);
        char *what = xasprintf("secrets file \"%s\"", path);
        enum ch_status st = secret_from_file(path, what, false, out, err);
        free(what);
        free(path);
        return st;
    }
    if (ref != NULL && str_starts_with(ref, "credential:") &&
        credential_name_ok(ref + 11)) {
        /* systemd.exec(5): LoadCredential= and SetCredential= put each
         * in $CREDENTIALS_DIRECTORY, a file named by the credential. */
        const char *name = ref + 11, *dir = getenv("CREDENTIALS_DIRECTORY");
        if (dir == NULL || dir[0] != '/')
            return ch_fail(err, CH_NOT_FOUND, "credential \"%s\": "
                           "$CREDENTIALS_DIRECTORY is not set (systemd sets "
                           "it for a unit with LoadCredential=)", name);
        char *path = xasprintf("%s/%s", dir, name);
        char *what = xasprintf("credential \"%s\" (%s)", name, path);
        enum ch_status st = secret_from_file(path, what, true, out, err);
        free(what);
        free(path);
        return st;
    }
    /* Never echo ref: a malformed reference may be a pasted token. */
    return ch_fail(err, CH_INVALID, "secret reference is not " SECRET_REFS);
}

void
config_secret_free(char *secret)
{
    if (secret == NULL)
        return;
    explicit_bzero(secret, strlen(secret));
    free(secret);
}

size_t
config_check_secrets(const struct config *cfg, struct config_errors *errs)
{
    static const struct {
        const char *adapter;
        const char *key;
    } uses[] = {
        { "slack", "slack_app_token" },
        { "slack", "slack_bot_token" },
        { "discord", "discord_token" },
    };
    size_t n = 0;

    for (size_t i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
        const struct directive *on = lookup(uses[i].adapter);
        const struct directive *d = lookup(uses[i].key);
        if (!*(const bool *)cfield(cfg, on))
            continue;
        const char *ref = *(char *const *)cfield(cfg, d);
        /* Only the service sees its credentials: outside it (check-config
         * in a shell) there is nothing to check. */
        if (str_starts_with(ref, "credential:") &&
            getenv("CREDENTIALS_DIRECTORY") == NULL)
            continue;
        struct ch_error e = { .status = CH_OK };
        char *secret;
        enum ch_status st = config_secret_load(cfg, ref, &secret, &e);
        config_secret_free(secret);
        if (st == CH_OK)
            continue;
        int line = cfg->line_of[d - table];
        char *msg;
        if (line == 0 && st == CH_NOT_FOUND && str_starts_with(ref, "env:"))
            msg = xasprintf("%s is enabled but %s is not set",
                            uses[i].adapter, ref + 4);
        else
            msg = xstrdup(e.user);
        add_error(errs, cfg->file ? cfg->file : NO_FILE,
                  line ? line : CONFIG_LINE_DEFAULT, d->name, true, msg);
        n++;
    }
    /* The web server's admin token: an unset default variable only
     * leaves /metrics refused (the daemon warns); anything else named
     * that cannot be read stops the start, so it is an error here. */
    if (cfg->http.listen &&
        !(str_starts_with(cfg->http.admin_token, "credential:") &&
          getenv("CREDENTIALS_DIRECTORY") == NULL)) {
        const struct directive *d = lookup("http_admin_token");
        struct ch_error e = { .status = CH_OK };
        char *secret;
        enum ch_status st = config_secret_load(cfg, cfg->http.admin_token,
                                               &secret, &e);
        config_secret_free(secret);
        int line = cfg->line_of[d - table];
        if (st != CH_OK && !(st == CH_NOT_FOUND && line == 0)) {
            add_error(errs, cfg->file ? cfg->file : NO_FILE,
                      line ? line : CONFIG_LINE_DEFAULT, d->name, true,
                      xstrdup(e.user));
            n++;
        }
    }
    return n;
}
