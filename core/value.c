#include "value.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "tz.h"
#include "utf8.h"
#include "when.h"

/* Longer than any item worth reading (a duration, a day or a range of
 * days); a longer one is refused as malformed. */
#define ITEM_MAX 127

#define WANT_DURATION "is not a duration (e.g. 90m, 24h, 2d or 1d12h)"
#define WANT_DAYS     "is not a day or a range of days (mon..sun, e.g. " \
                      "mon-fri, mon,wed,fri, sun-thu)"
#define WANT_DAY      "is not a day of the week (mon..sun or monday..sunday)"
#define WANT_CLOCK    "is not a time of day (use HH:MM, e.g. 10:00)"
#define WANT_HOURS    "is not a span of hours HH:MM-HH:MM (e.g. 09:00-18:00)"
#define WANT_ZONE     "is not a time zone (use an IANA name such as " \
                      "Europe/Berlin, America/New_York or Asia/Kolkata)"

/* `"<s[0..len) as written>" <why>`: the value cut between characters,
 * with an ellipsis where it was cut, so a message stays short and valid
 * UTF-8 whatever was typed. */
static enum ch_status
refuse(struct ch_error *err, const char *s, size_t len, const char *why)
{
    size_t n = utf8_cut(s, len, VALUE_QUOTE_MAX);
    return ch_fail(err, CH_INVALID, "\"%.*s%s\" %s", (int)n, s,
                   n < len ? "…" : "", why);
}

static bool
blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The next item of a list separated by sep at *at, blanks around it
 * trimmed; false once the list is done. */
static bool
next_item_by(const char **at, char sep, const char **item, size_t *len)
{
    const char *s = *at;
    if (s == NULL)
        return false;
    const char *end = strchr(s, sep);
    size_t n = end ? (size_t)(end - s) : strlen(s);
    *at = end ? end + 1 : NULL;
    while (n > 0 && blank(*s)) {
        s++;
        n--;
    }
    while (n > 0 && blank(s[n - 1]))
        n--;
    *item = s;
    *len = n;
    return true;
}

static bool
next_item(const char **at, const char **item, size_t *len)
{
    return next_item_by(at, ',', item, len);
}

enum ch_status
value_categories(const char *text, struct buf *out, struct ch_error *err)
{
    const char *at = text, *item;
    size_t len;
    buf_reset(out);
    while (next_item_by(&at, ';', &item, &len)) {
        if (len == 0)
            return refuse(err, text, strlen(text), "has an empty category");
        if (out->len)
            buf_addc(out, ';');
        buf_add(out, item, len);
    }
    return CH_OK;
}

/* An empty item of text: refused as such in a list, while a lone empty
 * value is refused for what it is not (`why`). */
static enum ch_status
refuse_empty(struct ch_error *err, const char *text, const char *why)
{
    if (strchr(text, ',') == NULL)
        return refuse(err, text, strlen(text), why);
    return refuse(err, text, strlen(text), "has an empty item in its list");
}

enum ch_status
value_list(const char *text, struct ch_error *err)
{
    const char *at = text, *item;
    size_t len;
    while (next_item(&at, &item, &len))
        if (len == 0)
            return refuse(err, text, strlen(text),
                          "has an empty item in its list");
    return CH_OK;
}

/* s[0..len) as a C string in out[ITEM_MAX + 1]; false when too long. */
static bool
item_copy(const char *s, size_t len, char *out)
{
    if (len > ITEM_MAX)
        return false;
    memcpy(out, s, len);
    out[len] = '\0';
    return true;
}

static enum ch_status
duration_n(const char *s, size_t len, int64_t min_ms, int64_t *ms,
           struct ch_error *err)
{
    char item[ITEM_MAX + 1];
    int64_t v;
    if (!item_copy(s, len, item) || !when_duration_parse(item, &v))
        return refuse(err, s, len, WANT_DURATION);
    if (v < min_ms) {
        char least[32], why[64];
        when_duration_format(min_ms, least, sizeof(least));
        snprintf(why, sizeof(why), "is too short (at least %s)", least);
        return refuse(err, s, len, why);
    }
    *ms = v;
    return CH_OK;
}

enum ch_status
value_duration(const char *text, int64_t min_ms, int64_t *ms,
               struct ch_error *err)
{
    return duration_n(text, strlen(text), min_ms, ms, err);
}

enum ch_status
value_durations(const char *text, int64_t min_ms, size_t max, int64_t *ms,
                size_t *n, struct ch_error *err)
{
    const char *at = text, *item;
    size_t len, count = 0;
    enum ch_status st = CH_OK;

    *n = 0;
    while (st == CH_OK && next_item(&at, &item, &len)) {
        if (len == 0)
            return refuse_empty(err, text, WANT_DURATION);
        if (count == max) {
            size_t all = count + 1;
            while (next_item(&at, &item, &len))
                all++;
            char why[64];
            snprintf(why, sizeof(why), "has %zu durations; at most %zu are "
                     "allowed", all, max);
            return refuse(err, text, strlen(text), why);
        }
        st = duration_n(item, len, min_ms, &ms[count++], err);
    }
    if (st == CH_OK)
        *n = count;
    return st;
}

/* mon..sun or monday..sunday, any case: 0 = Monday; -1 if neither. */
static int
day_index(const char *s, size_t len)
{
    static const char *const days[] = {
        "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday",
    };
    for (int i = 0; i < 7; i++)
        if ((len == 3 || len == strlen(days[i])) &&
            strncasecmp(s, days[i], len) == 0)
            return i;
    return -1;
}

enum ch_status
value_days(const char *text, unsigned *mask, struct ch_error *err)
{
    const char *at = text, *item;
    size_t len;
    unsigned days = 0;

    while (next_item(&at, &item, &len)) {
        if (len == 0)
            return refuse_empty(err, text, WANT_DAYS);
        const char *dash = memchr(item, '-', len);
        size_t first = dash ? (size_t)(dash - item) : len;
        int a = day_index(item, first);
        int b = dash ? day_index(dash + 1, len - first - 1) : a;
        if (a < 0 || b < 0)
            return refuse(err, item, len, WANT_DAYS);
        /* A range may wrap past Sunday: sun-thu. */
        for (int d = a;; d = (d + 1) % 7) {
            days |= 1u << d;
            if (d == b)
                break;
        }
    }
    *mask = days;
    return CH_OK;
}

enum ch_status
value_day(const char *text, int *day, struct ch_error *err)
{
    size_t len = strlen(text);
    int d = len ? day_index(text, len) : -1;
    if (d < 0)
        return refuse(err, text, len, WANT_DAY);
    *day = d;
    return CH_OK;
}

static enum ch_status
clock_n(const char *s, size_t len, int *minute, const char *why,
        struct ch_error *err)
{
    char item[ITEM_MAX + 1];
    if (!item_copy(s, len, item) || !when_clock_parse(item, minute))
        return refuse(err, s, len, why);
    return CH_OK;
}

enum ch_status
value_clock(const char *text, int *minute, struct ch_error *err)
{
    return clock_n(text, strlen(text), minute, WANT_CLOCK, err);
}

enum ch_status
value_hours(const char *text, int *start, int *end, struct ch_error *err)
{
    size_t len = strlen(text);
    const char *dash = strchr(text, '-');
    int from, to;

    /* Either clock refused is the whole span refused: the message shows
     * the form of the whole. */
    if (dash == NULL ||
        clock_n(text, (size_t)(dash - text), &from, WANT_HOURS, NULL) !=
            CH_OK ||
        clock_n(dash + 1, strlen(dash + 1), &to, WANT_HOURS, NULL) != CH_OK)
        return refuse(err, text, len, WANT_HOURS);
    if (to <= from)
        return refuse(err, text, len, "does not end after it starts "
                      "(working hours cannot cross midnight)");
    *start = from;
    *end = to;
    return CH_OK;
}

enum ch_status
value_zone(const char *text, struct ch_error *err)
{
    if (tz_valid(text))
        return CH_OK;
    /* Suggested, not taken: the file and the database keep one spelling
     * of a zone, the one platforms report and every reader recognises. */
    char spelled[80];
    if (tz_spelling(text, spelled, sizeof(spelled))) {
        char why[128];
        snprintf(why, sizeof(why), "is not a time zone (did you mean %s?)",
                 spelled);
        return refuse(err, text, strlen(text), why);
    }
    return refuse(err, text, strlen(text), WANT_ZONE);
}
