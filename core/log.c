#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log_redact.h"
#include "xmalloc.h"

#define LOG_LINE_MAX 4096

static enum log_level current_level = LOG_INFO;
static log_sink_fn *sink_fn;
static void *sink_arg;
/* Grows as needed: every token ever loaded stays redacted, including the
 * ones a reload replaced. */
static char **secrets;
static size_t nsecrets, secrets_alloc;

static const char *const level_names[] = {
    [LOG_DEBUG] = "debug",
    [LOG_INFO] = "info",
    [LOG_WARN] = "warn",
    [LOG_ERROR] = "error",
    [LOG_OFF] = "off",
};

void
log_set_level(enum log_level level)
{
    current_level = level;
}

enum log_level
log_get_level(void)
{
    return current_level;
}

bool
log_level_parse(const char *name, enum log_level *out)
{
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strcasecmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return true;
        }
    }
    return false;
}

const char *
log_level_name(enum log_level level)
{
    return level <= LOG_OFF ? level_names[level] : "?";
}

void
log_set_sink(log_sink_fn *fn, void *arg)
{
    sink_fn = fn;
    sink_arg = arg;
}

void
log_add_secret(const char *secret)
{
    /* Very short values would redact ordinary words; they are not tokens
     * (config_secret_load refuses them). */
    if (secret == NULL || strlen(secret) < 6)
        return;
    for (size_t i = 0; i < nsecrets; i++)
        if (strcmp(secrets[i], secret) == 0)
            return;
    if (nsecrets == secrets_alloc) {
        secrets_alloc = secrets_alloc ? secrets_alloc * 2 : 8;
        secrets = xrealloc(secrets, secrets_alloc, sizeof(*secrets));
    }
    secrets[nsecrets++] = xstrdup(secret);
}

void
log_clear_secrets(void)
{
    for (size_t i = 0; i < nsecrets; i++)
        free(secrets[i]);
    free(secrets);
    secrets = NULL;
    nsecrets = secrets_alloc = 0;
}

void
log_scrub(const char *s, char *out, size_t outlen)
{
    static const char redacted[] = "[redacted]";
    size_t o = 0;
    if (outlen == 0)
        return;
    while (*s && o + 1 < outlen) {
        size_t skip = 0;
        for (size_t i = 0; i < nsecrets && !skip; i++) {
            size_t n = strlen(secrets[i]);
            if (strncmp(s, secrets[i], n) == 0)
                skip = n;
        }
        if (!skip) {                /* a secret by its shape */
            size_t keep = 0;
            skip = log_redact_shape(s, &keep);
            for (; skip && keep > 0 && o + 1 < outlen; keep--)
                out[o++] = *s++;
        }
        if (skip) {
            for (const char *r = redacted; *r && o + 1 < outlen; r++)
                out[o++] = *r;
            s += skip;
            continue;
        }
        unsigned char c = (unsigned char)*s++;
        if (c < 0x20 || c == 0x7f) {
            if (o + 4 >= outlen)
                break;
            const char *esc = c == '\n' ? "\\n" : c == '\r' ? "\\r"
                            : c == '\t' ? "\\t" : NULL;
            if (esc) {
                out[o++] = esc[0];
                out[o++] = esc[1];
            } else {
                o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
            }
            continue;
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
}

/* systemd's journal reads "<N>" at a line's start as its priority
 * (sd-daemon.h: err 3, warning 4, info 6, debug 7). */
static const char *const journal_prefix[] = {
    [LOG_DEBUG] = "<7>",
    [LOG_INFO] = "<6>",
    [LOG_WARN] = "<4>",
    [LOG_ERROR] = "<3>",
};

bool
log_to_journal(void)
{
    /* Decided once: standard error does not change under a running
     * daemon.  $JOURNAL_STREAM alone is not enough (a child inherits it
     * with stderr redirected), so its device:inode must be stderr's. */
    static int journal = -1;
    if (journal < 0) {
        const char *env = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        char end;
        struct stat st;
        journal = env && sscanf(env, "%llu:%llu%c", &dev, &ino, &end) == 2 &&
                  fstat(STDERR_FILENO, &st) == 0 &&
                  (unsigned long long)st.st_dev == dev &&
                  (unsigned long long)st.st_ino == ino;
    }
    return journal;
}

const char *
log_stderr_prefix(enum log_level level)
{
    return log_to_journal() && level < LOG_OFF ? journal_prefix[level] : "";
}

void
log_vmsg(enum log_level level, const char *module, const char *fmt, va_list ap)
{
    if (level < current_level || level >= LOG_OFF)
        return;
    int saved_errno = errno;
    char raw[LOG_LINE_MAX], clean[LOG_LINE_MAX];
    vsnprintf(raw, sizeof(raw), fmt, ap);
    log_scrub(raw, clean, sizeof(clean));

    if (sink_fn) {
        char line[LOG_LINE_MAX + 64];
        snprintf(line, sizeof(line), "%s: %s", module, clean);
        sink_fn(sink_arg, level, line);
    } else if (log_to_journal()) {
        /* The journal stamps each line itself. */
        fprintf(stderr, "%s%s: %s\n", journal_prefix[level], module, clean);
    } else {
        struct timespec ts;
        struct tm tm;
        char stamp[32];
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(stderr, "%s.%03ldZ %-5s %s: %s\n", stamp,
                ts.tv_nsec / 1000000L, level_names[level], module, clean);
    }
    errno = saved_errno;
}

void
log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, module, fmt, ap);
    va_end(ap);
}
