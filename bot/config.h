/*
 * config: the daemon's one configuration file.
 *
 * The format is line-oriented, one `directive value...` per line:
 *
 *     # comment
 *     default_timezone Europe/Berlin
 *     nudge_before     48h,4h
 *     brand "Fizz Co" category "energy drinks" exclusive "soft drinks"
 *
 * A '#' at the start of a word begins a comment; blank lines are ignored;
 * a value may be double-quoted, with \" and \\ as the only escapes; a
 * line is at most CONFIG_LINE_MAX bytes and must be valid UTF-8.  Each
 * directive is one row of a table in config.c (type, bounds or choices,
 * repeatable, reloadable, help), from which the parser, the reload check
 * and `chorus help-config` all come.
 *
 * config_load() reads the whole file and collects every error before it
 * decides; it returns a config only when there were none, so an invalid
 * file is never half-applied.  On SIGHUP the daemon loads a new config
 * and swaps to it only if it loaded; config_restart_needed() names the
 * keys whose change the running daemon cannot take.
 *
 * Secrets (adapter tokens) never appear in the file: a secret directive
 * holds a reference, "env:NAME", "file:PATH" or "credential:NAME" (a
 * systemd credential, LoadCredential=), resolved by
 * config_secret_load() only when needed.  No error message, from here or
 * from the secret loader, ever contains a secret's value.
 *
 * Ownership: a struct config owns every string and array it points to,
 * including those behind `core`; config_free() releases them all.  The
 * core borrows `core` (settings.h), so a config must outlive the core's
 * use of it.  Error lists own their strings; config_errors_free().
 */
#ifndef CHORUS_CONFIG_H
#define CHORUS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "log.h"
#include "settings.h"
#include "status.h"

#define CONFIG_LINE_MAX 4096          /* bytes, without the newline */
#define CONFIG_FILE_MAX (1024 * 1024) /* a bigger file is refused */
#define CONFIG_ERRORS_MAX 200         /* then parsing stops, and says so */
/* Room for the per-directive bookkeeping in struct config; config.c
 * checks at compile time that its table fits. */
#define CONFIG_DIRECTIVES_MAX 64

/* struct config_error.line when no line applies. */
#define CONFIG_LINE_NONE    0   /* the file as a whole: "chorus.conf: ..." */
#define CONFIG_LINE_DEFAULT (-1) /* a default value: "chorus.conf:(default):" */

struct config_error {
    char *file;     /* the path as the caller gave it */
    int   line;     /* 1-based, or CONFIG_LINE_NONE / CONFIG_LINE_DEFAULT */
    char *key;      /* the directive concerned, or NULL */
    char *message;  /* the reason alone */
    char *text;     /* the full line as printed, e.g.
                       chorus.conf:14: key "lead_time": "2x" is not a
                       duration (e.g. 90m, 24h, 2d or 1d12h) */
};

/* A list of errors in the order found.  Start with CONFIG_ERRORS_INIT. */
struct config_errors {
    struct config_error *v;
    size_t               n;
    size_t               alloc;
};
#define CONFIG_ERRORS_INIT { NULL, 0, 0 }

/* holidays <who> <path.ics>: whose calendar lives where. */
struct config_holiday {
    char *who;    /* a region name or a person */
    char *path;   /* absolute (resolved against the config's directory) */
};

/* region <person> <region>: which holiday region a person follows. */
struct config_region {
    char *person;
    char *region;
};

/* Secret fields hold a reference ("env:NAME", "file:PATH",
 * "credential:NAME"), never the secret itself; config_secret_load()
 * turns one into the value. */
struct config_slack {
    bool  enabled;
    char *app_token;       /* reference; default env:SLACK_APP_TOKEN */
    char *bot_token;       /* reference; default env:SLACK_BOT_TOKEN */
    char *api_url;         /* without a trailing '/' */
};

struct config_discord {
    bool  enabled;
    char *token;           /* reference; default env:DISCORD_TOKEN */
    char *api_url;         /* without a trailing '/' */
    char *guild;           /* snowflake, or NULL: not set */
    char *application_id;  /* snowflake, or NULL: not set */
    bool  message_content; /* the privileged MESSAGE_CONTENT intent */
};

/* The HTTP server (adapters/web): off while listen is NULL. */
struct config_http {
    char *listen;          /* "127.0.0.1:8080"; NULL: no server */
    char *admin_token;     /* reference; default env:CHORUS_ADMIN_TOKEN */
};

struct config {
    char                  *file;      /* as given; NULL: embedded default */
    char                  *dir;       /* absolute; relative paths start here */
    char                  *database;  /* NULL: the daemon picks
                                         $XDG_STATE_HOME/chorus/chorus.db */
    enum log_level         log_level;
    bool                   demo_workspace;
    struct config_slack    slack;
    struct config_discord  discord;
    struct config_http     http;
    struct config_holiday *holidays;
    size_t                 nholidays;
    struct config_region  *regions;
    size_t                 nregions;
    /* What the core reads.  Its strings and arrays point into the owned
     * storage below and live exactly as long as this config. */
    struct core_settings   core;

    /* Internal: storage behind `core`, and the line that set each
     * directive (0: still the default), indexed by table row.  Read
     * `core` instead. */
    char                  *own_default_tz;
    char                  *own_currency;
    char                  *own_web_url;
    char                 **own_admins;
    struct brand_setting  *own_brands;
    struct holiday_source *own_holidays;
    struct region_setting *own_regions;
    int                    line_of[CONFIG_DIRECTIVES_MAX];
};

/*
 * The embedded default: every directive at its default, demo_workspace
 * on and one admin named "admin" (the console speaker), so `chorus`
 * without a file runs the demo.  Never NULL.
 * Ownership: the caller frees it with config_free().
 */
struct config *config_new_default(void);

/*
 * Read and check the file at path.  CH_OK: *out is a new config.
 * Otherwise *out is NULL and every error found was appended to errs, in
 * order (CH_IO when the file could not be read, CH_INVALID for the
 * rest).  Directives not in the file keep their defaults; a file starts
 * with demo_workspace off and no admins.
 * Ownership: the caller frees *out with config_free() and the entries of
 * errs with config_errors_free().
 */
enum ch_status config_load(const char *path, struct config **out,
                           struct config_errors *errs);

/* The same from text in memory (len bytes, NUL bytes and all), read as
 * if from a file called name in the working directory: for tools and
 * the fuzz target (tests/fuzz). */
enum ch_status config_load_text(const char *name, const char *text,
                                size_t len, struct config **out,
                                struct config_errors *errs);

/* Add a workspace admin ("name" or "platform:id") to a loaded config;
 * for programs that build their configuration (chorus demo). */
void config_add_admin(struct config *cfg, const char *who);

/* config_free(NULL) is a no-op. */
void config_free(struct config *cfg);

/* One error per line, as in struct config_error.text. */
void config_errors_print(const struct config_errors *errs, FILE *fp);
/* Frees the entries and leaves errs empty and reusable. */
void config_errors_free(struct config_errors *errs);

/*
 * Read a secret reference, "env:NAME", "file:PATH" (PATH relative to
 * the config's directory; cfg may be NULL to read it from the working
 * directory) or "credential:NAME" ($CREDENTIALS_DIRECTORY/NAME).  One
 * trailing newline is dropped; an empty value, one with a line break or
 * NUL inside, a file that is not a regular file, not owned by the
 * current user, or whose mode lets group or others in (the message
 * names the file, its mode and `chmod 600`) are refused.  A credential
 * is what systemd hands over: it may also be root's, and readable by a
 * group or an ACL entry that names the service's user or group, or root
 * (never others).
 * The value is registered with log_add_secret() so no log line can show
 * it, and it never appears in err.  CH_NOT_FOUND: the variable is unset
 * or the file missing; CH_DENIED: ownership or mode; CH_INVALID: the
 * rest; CH_IO: a read error.
 * Ownership: the caller frees *out, best with config_secret_free().
 */
enum ch_status config_secret_load(const struct config *cfg, const char *ref,
                                  char **out, struct ch_error *err);
/* Wipe and free a loaded secret.  NULL is a no-op. */
void config_secret_free(char *secret);

/*
 * Load, and drop again, the secrets of every enabled adapter (slack: both
 * tokens; discord: its token), appending an error per failure at the
 * directive's line, or "(default)" when the default reference is used.
 * Returns the number of errors appended (owned by errs).  Separate from
 * config_load() so tests and tools can read a file without the
 * environment it runs in; `chorus check-config` calls both.  A
 * credential: reference is skipped when $CREDENTIALS_DIRECTORY is unset:
 * only the service sees its credentials.
 */
size_t config_check_secrets(const struct config *cfg,
                            struct config_errors *errs);

/*
 * For SIGHUP: append to out one entry per directive that differs between
 * old and new but cannot be reloaded ("key "database": change needs a
 * restart"), located in new's file ("(default)" when new no longer
 * sets it).  Returns how many were appended; what to do about them is
 * the caller's decision.  Ownership: the entries belong to out
 * (config_errors_free()).
 */
size_t config_restart_needed(const struct config *old,
                             const struct config *new,
                             struct config_errors *out);

/* Every directive with its arguments, default and help text, from the
 * table (`chorus help-config`). */
void config_directive_help(FILE *fp);
/* The same as chorus.conf(5), in roff, for `chorus help-config --man`;
 * version goes in the page's footer. */
void config_directive_man(FILE *fp, const char *version);
/* The table's directive names, in table order (for docs and tests). */
size_t      config_directive_count(void);
const char *config_directive_name(size_t i);

#endif
