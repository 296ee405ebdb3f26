/*
 * log: one line per event, with a level and a module tag.
 *
 *   2026-11-24T14:32:00.123Z info  core: command approve ok
 * campaign=spring-launch
 *
 * Every line passes through redaction before it is written: registered
 * secrets (tokens loaded from the environment or files) and anything shaped
 * like a secret (log_redact.c: Slack tokens, Discord interaction and
 * webhook tokens in URLs, Authorization values, tickets, token
 * parameters, calendar paths) are replaced by "[redacted]", and control characters
 * (a newline inside user text, say) are escaped so one event stays one line.
 * The logger is process-global, like OpenSMTPD's, because every module logs
 * and there is exactly one output.
 *
 * When standard error is systemd's journal ($JOURNAL_STREAM names its
 * device:inode), a line is "<N>module: text": N the syslog priority the
 * journal files it under, and no timestamp, the journal keeps its own.
 */
#ifndef CHORUS_LOG_H
#define CHORUS_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_DEBUG,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR,
    LOG_OFF,
};

/* A sink receives each finished, redacted line (without newline). */
typedef void log_sink_fn(void *arg, enum log_level level, const char *line);

void        log_set_level(enum log_level level);
enum log_level log_get_level(void);
bool        log_level_parse(const char *name, enum log_level *out);
const char *log_level_name(enum log_level level);
/* NULL sink restores the default (stderr). */
void        log_set_sink(log_sink_fn *fn, void *arg);
/* Standard error is the journal (decided at the first call). */
bool        log_to_journal(void);
/* "<3>" and the like for a line written to stderr by hand (start-up
 * errors), "" when stderr is not the journal. */
const char *log_stderr_prefix(enum log_level level);
/* Secrets are copied; they are redacted from every later line. */
void        log_add_secret(const char *secret);
void        log_clear_secrets(void);

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level level, const char *module, const char *fmt,
              va_list ap) __attribute__((format(printf, 3, 0)));

/* Redact and escape s into out (at most outlen bytes, always terminated). */
void log_scrub(const char *s, char *out, size_t outlen);

#define log_debug(mod, ...) log_msg(LOG_DEBUG, mod, __VA_ARGS__)
#define log_info(mod, ...)  log_msg(LOG_INFO, mod, __VA_ARGS__)
#define log_warn(mod, ...)  log_msg(LOG_WARN, mod, __VA_ARGS__)
#define log_error(mod, ...) log_msg(LOG_ERROR, mod, __VA_ARGS__)

#endif
