#include "when.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "tz.h"

/* Longer than any form we accept by far; longer text is refused whole. */
#define WHEN_TEXT_MAX 128
#define WHEN_SPAN_YEARS 10   /* see within_span() */
#define MINUTES_PER_DAY 1440

#define HINT_WHEN "(use 2026-12-01, \"2026-12-01 18:00\", \"fri 17:00\", +2d)"
#define HINT_TIME "(use 17:00, 9:30 or 5pm)"
#define HINT_REL "(use +2d, +4h, +30m, +1w or +1d12h)"

/* Our own names: the process locale must not change what users read. */
static const char *const day_abbr[7] = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};
static const char *const day_word[7] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday",
};
static const char *const month_abbr[12] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};
static const char *const month_name[12] = {
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
};

/* Largest first: durations are written in this order and no unit twice. */
static const struct {
    char    unit;
    int64_t ms;
} duration_units[] = {
    { .unit = 'w', .ms = 7 * MS_PER_DAY },
    { .unit = 'd', .ms = MS_PER_DAY },
    { .unit = 'h', .ms = MS_PER_HOUR },
    { .unit = 'm', .ms = MS_PER_MIN },
    { .unit = 's', .ms = MS_PER_SEC },
};
#define N_UNITS (sizeof(duration_units) / sizeof(duration_units[0]))

enum scan_result {
    SCAN_OK,
    SCAN_BAD,     /* malformed */
    SCAN_RANGE,   /* well formed but too large */
};

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
    return c >= 'a' && c <= 'z';
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* ASCII only: the locale must not decide what a letter is. */
static char
lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static size_t
skip_spaces(const char *s, size_t i)
{
    while (s[i] == ' ')
        i++;
    return i;
}

static size_t
token_end(const char *s, size_t i)
{
    while (s[i] != '\0' && s[i] != ' ')
        i++;
    return i;
}

/* Read min..max digits at s[*i]; stops early at a non-digit. */
static bool
scan_digits(const char *s, size_t *i, int min, int max, int *val)
{
    int n = 0, v = 0;
    while (n < max && is_digit(s[*i + n])) {
        v = v * 10 + (s[*i + n] - '0');
        n++;
    }
    if (n < min)
        return false;
    *i += (size_t)n;
    *val = v;
    return true;
}

/*
 * Components like "1d12h" in s[0..n).  Each unit at most once and largest
 * first, so "1h1h" or "30m2h" (likely typos) are refused.  With spaces,
 * single spaces may separate components, as when_duration_format writes.
 */
static enum scan_result
scan_duration(const char *s, size_t n, bool spaces, int64_t *ms)
{
    size_t i = 0, next_unit = 0;
    int64_t total = 0;
    bool any = false;

    while (i < n) {
        if (any && spaces && s[i] == ' ')
            i++;
        if (i >= n || !is_digit(s[i]))
            return SCAN_BAD;
        int64_t v = 0;
        bool range = false;
        while (i < n && is_digit(s[i])) {
            int d = s[i++] - '0';
            if (v > (INT64_MAX - d) / 10)
                range = true;
            else
                v = v * 10 + d;
        }
        if (i >= n)
            return SCAN_BAD;            /* a bare number: units required */
        char u = lower(s[i++]);
        size_t k = next_unit;
        while (k < N_UNITS && duration_units[k].unit != u)
            k++;
        if (k == N_UNITS)
            return SCAN_BAD;
        if (range || v > INT64_MAX / duration_units[k].ms)
            return SCAN_RANGE;
        int64_t part = v * duration_units[k].ms;
        if (total > INT64_MAX - part)
            return SCAN_RANGE;
        total += part;
        next_unit = k + 1;
        any = true;
    }
    if (!any)
        return SCAN_BAD;
    *ms = total;
    return SCAN_OK;
}

bool
when_duration_parse(const char *text, int64_t *ms)
{
    int64_t v;

    if (text == NULL)
        return false;
    if (scan_duration(text, strlen(text), true, &v) != SCAN_OK)
        return false;
    *ms = v;
    return true;
}

void
when_duration_format(int64_t ms, char *out, size_t outlen)
{
    if (out == NULL || outlen == 0)
        return;
    /* Negate in unsigned so INT64_MIN cannot overflow. */
    uint64_t v = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
    const char *sign = ms < 0 ? "-" : "";

    size_t k = 0;
    while (k < N_UNITS && v < (uint64_t)duration_units[k].ms)
        k++;
    if (k == N_UNITS) {
        snprintf(out, outlen, "0m");
        return;
    }
    uint64_t big = v / (uint64_t)duration_units[k].ms;
    uint64_t rest = v % (uint64_t)duration_units[k].ms;
    /* The second unit is the next smaller one, or none: "2d" rather than
     * "2d 5m", so the precision shown follows the size. */
    uint64_t small = 0;
    if (k + 1 < N_UNITS)
        small = rest / (uint64_t)duration_units[k + 1].ms;
    if (small != 0)
        snprintf(out, outlen, "%s%llu%c %llu%c", sign,
                 (unsigned long long)big, duration_units[k].unit,
                 (unsigned long long)small, duration_units[k + 1].unit);
    else
        snprintf(out, outlen, "%s%llu%c", sign, (unsigned long long)big,
                 duration_units[k].unit);
}

/*
 * A time of day at s[*i]: H:MM or HH:MM (24 h), or 5pm, 5:30pm, "5 pm".
 * The character after it must end the token (or be 'z' when z_ok, for
 * the ISO forms).  On success *i points past the time.
 */
static bool
scan_time(const char *s, size_t *i, bool z_ok, int *minute_of_day)
{
    size_t p = *i;
    int h, m = 0;

    if (!scan_digits(s, &p, 1, 2, &h))
        return false;
    bool colon = s[p] == ':';
    if (colon) {
        p++;
        if (!scan_digits(s, &p, 2, 2, &m))
            return false;
    }
    size_t q = skip_spaces(s, p);
    if ((s[q] == 'a' || s[q] == 'p') && s[q + 1] == 'm' &&
        !is_alpha(s[q + 2]) && !is_digit(s[q + 2])) {
        if (h < 1 || h > 12 || m > 59)
            return false;
        h = h % 12 + (s[q] == 'p' ? 12 : 0);
        p = q + 2;
    } else if (!colon || h > 23 || m > 59) {
        return false;
    }
    if (s[p] != '\0' && s[p] != ' ' && !(z_ok && s[p] == 'z'))
        return false;
    *i = p;
    *minute_of_day = h * 60 + m;
    return true;
}

bool
when_clock_parse(const char *text, int *minute_of_day)
{
    size_t i = 0;
    int h, m;

    if (text == NULL || !scan_digits(text, &i, 1, 2, &h) || text[i] != ':')
        return false;
    i++;
    if (!scan_digits(text, &i, 2, 2, &m) || text[i] != '\0')
        return false;
    if (h > 23 || m > 59)
        return false;
    *minute_of_day = h * 60 + m;
    return true;
}

/* What when_parse works on: the text trimmed, as typed and lowercased
 * (same indices, so errors can quote what the user wrote). */
struct parse {
    char                        s[WHEN_TEXT_MAX + 1];
    char                        typed[WHEN_TEXT_MAX + 1];
    const struct when_options  *opt;
    int64_t                     today;   /* local day number of now */
    int                         wday;    /* its weekday, 0 = Monday */
    struct when_result         *out;
    struct ch_error            *err;
};

static enum ch_status
fail_token(struct parse *p, size_t at, const char *what, const char *hint)
{
    size_t end = token_end(p->s, at);
    return ch_fail(p->err, CH_INVALID, "\"%.*s\" is not %s %s",
                   (int)(end - at), p->typed + at, what, hint);
}

static enum ch_status
fail_trailing(struct parse *p, size_t done, size_t at)
{
    size_t end = token_end(p->s, at);
    if ((end - at == 3 && strncmp(p->s + at, "utc", 3) == 0) ||
        (end - at == 1 && p->s[at] == 'z'))
        return ch_fail(p->err, CH_INVALID,
                       "\"%.*s\" only follows a full date, as in "
                       "\"2026-12-01 18:00 UTC\"",
                       (int)(end - at), p->typed + at);
    return ch_fail(p->err, CH_INVALID, "unexpected \"%.*s\" after \"%.*s\" "
                   HINT_WHEN, (int)(end - at), p->typed + at, (int)done,
                   p->typed);
}

/* Nothing but spaces may follow position i. */
static enum ch_status
expect_end(struct parse *p, size_t i)
{
    size_t j = skip_spaces(p->s, i);
    return p->s[j] == '\0' ? CH_OK : fail_trailing(p, i, j);
}

/* Wall time (day number, minute) in zone, or in UTC when zone is NULL. */
static enum ch_status
wall_to_utc(const char *zone, int64_t day, int minute, int64_t *ms,
            enum tz_fit *fit)
{
    if (zone == NULL) {
        *ms = day * MS_PER_DAY + (int64_t)minute * MS_PER_MIN;
        *fit = TZ_FIT_EXACT;
        return CH_OK;
    }
    int y, m, d;
    tz_civil_from_days(day, &y, &m, &d);
    return tz_from_local(zone, y, m, d, minute / 60, minute % 60, 0, ms, fit);
}

/*
 * Settle a wall time into the result.  A time the user typed that falls
 * in a gap is refused, naming the gap; a default time of day (a bare
 * date) moves forward silently, since the user did not choose it.
 */
static enum ch_status
settle(struct parse *p, const char *zone, int64_t day, int minute,
       bool date_only, int64_t ms, enum tz_fit fit)
{
    if (fit == TZ_FIT_GAP && !date_only) {
        int y, m, d;
        char why[64];
        tz_civil_from_days(day, &y, &m, &d);
        tz_describe_gap(zone, y, m, d, minute / 60, minute % 60, why,
                        sizeof(why));
        return ch_fail(p->err, CH_INVALID,
                       "%04d-%02d-%02d %02d:%02d does not exist in %s (%s)",
                       y, m, d, minute / 60, minute % 60, zone, why);
    }
    p->out->utc_ms = ms;
    p->out->date_only = date_only;
    return CH_OK;
}

/* 2026-12-01, 2026-12-01T18:00, "2026-12-01 18:00", each with Z or UTC. */
static enum ch_status
parse_iso(struct parse *p)
{
    const char *s = p->s;
    size_t i = 0;
    int y, mo, d;

    if (!scan_digits(s, &i, 4, 4, &y) || s[i++] != '-' ||
        !scan_digits(s, &i, 1, 2, &mo) || s[i++] != '-' ||
        !scan_digits(s, &i, 1, 2, &d) ||
        (s[i] != '\0' && s[i] != ' ' && s[i] != 't' && s[i] != 'z'))
        return fail_token(p, 0, "a date", HINT_WHEN);
    if (mo < 1 || mo > 12)
        return ch_fail(p->err, CH_INVALID, "\"%.*s\" is not a date "
                       HINT_WHEN, (int)i, p->typed);
    if (d < 1 || d > tz_days_in_month(y, mo))
        return ch_fail(p->err, CH_INVALID,
                       "\"%.*s\" is not a date (%s %d has %d days)", (int)i,
                       p->typed, month_name[mo - 1], y,
                       tz_days_in_month(y, mo));

    bool date_only = true;
    int minute = p->opt->date_only_minute;
    if (s[i] == 't' || (s[i] == ' ' && is_digit(s[skip_spaces(s, i)]))) {
        i = s[i] == 't' ? i + 1 : skip_spaces(s, i);
        size_t at = i;
        if (!scan_time(s, &i, true, &minute))
            return fail_token(p, at, "a time of day", HINT_TIME);
        date_only = false;
    }

    const char *zone = p->opt->zone;
    if (s[i] == 'z') {
        zone = NULL;
        i++;
    } else {
        size_t j = skip_spaces(s, i);
        if (strncmp(s + j, "utc", 3) == 0 &&
            (s[j + 3] == '\0' || s[j + 3] == ' ')) {
            zone = NULL;
            i = j + 3;
        }
    }
    enum ch_status st = expect_end(p, i);
    if (st != CH_OK)
        return st;

    int64_t day = tz_days_from_civil(y, mo, d), ms;
    enum tz_fit fit;
    if (wall_to_utc(zone, day, minute, &ms, &fit) != CH_OK)
        return ch_fail(p->err, CH_INVALID, "\"%s\" is out of range",
                       p->typed);
    return settle(p, zone, day, minute, date_only, ms, fit);
}

/* An optional time after a day word, at s[i]; *have says if one came. */
static enum ch_status
parse_optional_time(struct parse *p, size_t *i, bool *have, int *minute)
{
    size_t j = skip_spaces(p->s, *i);

    *have = false;
    if (!is_digit(p->s[j]))
        return expect_end(p, *i);
    size_t at = j;
    if (!scan_time(p->s, &j, false, minute))
        return fail_token(p, at, "a time of day", HINT_TIME);
    *have = true;
    *i = j;
    return expect_end(p, j);
}

static int
weekday_word(const char *w, size_t n)
{
    for (int k = 0; k < 7; k++)
        if (n == 3 ? strncmp(w, day_word[k], 3) == 0
                   : n == strlen(day_word[k]) &&
                     strncmp(w, day_word[k], n) == 0)
            return k;
    return -1;
}

/* today, tomorrow, mon..sun, monday..sunday; each with a time or not. */
static enum ch_status
parse_day_word(struct parse *p)
{
    const char *s = p->s, *zone = p->opt->zone;
    size_t n = 0;

    while (is_alpha(s[n]))
        n++;
    int wd = -1;
    int64_t day;
    if (n == 5 && strncmp(s, "today", 5) == 0)
        day = p->today;
    else if (n == 8 && strncmp(s, "tomorrow", 8) == 0)
        day = p->today + 1;
    else if ((wd = weekday_word(s, n)) >= 0)
        day = p->today + (wd - p->wday + 7) % 7;
    else
        return fail_token(p, 0, "a date or time", HINT_WHEN);
    if (s[n] != '\0' && s[n] != ' ')
        return fail_token(p, 0, "a date or time", HINT_WHEN);

    size_t i = n;
    bool have_time;
    int minute = p->opt->date_only_minute;
    enum ch_status st = parse_optional_time(p, &i, &have_time, &minute);
    if (st != CH_OK)
        return st;

    int64_t ms;
    enum tz_fit fit;
    if (wall_to_utc(zone, day, minute, &ms, &fit) != CH_OK)
        return ch_fail(p->err, CH_INVALID, "\"%s\" is out of range",
                       p->typed);
    /* A weekday means today only while that moment is still ahead. */
    if (wd >= 0 && ms <= p->opt->now_ms) {
        day += 7;
        if (wall_to_utc(zone, day, minute, &ms, &fit) != CH_OK)
            return ch_fail(p->err, CH_INVALID, "\"%s\" is out of range",
                           p->typed);
    }
    return settle(p, zone, day, minute, !have_time, ms, fit);
}

/* 17:00 or 5pm alone: today if still ahead, else tomorrow. */
static enum ch_status
parse_clock(struct parse *p)
{
    const char *zone = p->opt->zone;
    size_t i = 0;
    int minute;

    if (!scan_time(p->s, &i, false, &minute)) {
        size_t end = token_end(p->s, 0);
        bool datey = memchr(p->s, '-', end) || memchr(p->s, '/', end) ||
                     memchr(p->s, '.', end);
        return datey ? fail_token(p, 0, "a date", HINT_WHEN)
                     : fail_token(p, 0, "a time of day", HINT_TIME);
    }
    enum ch_status st = expect_end(p, i);
    if (st != CH_OK)
        return st;

    int64_t day = p->today, ms;
    enum tz_fit fit;
    if (wall_to_utc(zone, day, minute, &ms, &fit) != CH_OK)
        return ch_fail(p->err, CH_INVALID, "\"%s\" is out of range",
                       p->typed);
    if (ms <= p->opt->now_ms) {
        day++;
        if (wall_to_utc(zone, day, minute, &ms, &fit) != CH_OK)
            return ch_fail(p->err, CH_INVALID, "\"%s\" is out of range",
                           p->typed);
    }
    return settle(p, zone, day, minute, false, ms, fit);
}

/* +2d, +1d12h: an exact duration after now, not calendar days. */
static enum ch_status
parse_relative(struct parse *p)
{
    size_t end = token_end(p->s, 0);
    int64_t ms;

    switch (scan_duration(p->s + 1, end - 1, false, &ms)) {
    case SCAN_OK:
        break;
    case SCAN_RANGE:
        return ch_fail(p->err, CH_INVALID, "\"%.*s\" is too far ahead",
                       (int)end, p->typed);
    default:
        return fail_token(p, 0, "a duration", HINT_REL);
    }
    enum ch_status st = expect_end(p, end);
    if (st != CH_OK)
        return st;
    if (p->opt->now_ms > INT64_MAX - ms)
        return ch_fail(p->err, CH_INVALID, "\"%.*s\" is too far ahead",
                       (int)end, p->typed);
    p->out->utc_ms = p->opt->now_ms + ms;
    p->out->date_only = false;
    return CH_OK;
}

/*
 * Nothing a person plans here lies decades away: a date more than
 * WHEN_SPAN_YEARS from now is a typo (+99999999d, 9026-12-01), refused
 * before it becomes a deadline in the year 275817 that every reader and
 * formatter would then have to cope with.
 */
static enum ch_status
within_span(struct parse *p)
{
    int64_t at = p->out->utc_ms, now = p->opt->now_ms;
    bool ahead = at > now;
    /* In unsigned: the distance between any two int64 fits. */
    uint64_t dist = ahead ? (uint64_t)at - (uint64_t)now
                          : (uint64_t)now - (uint64_t)at;
    if (dist <= (uint64_t)WHEN_SPAN_YEARS * 366 * MS_PER_DAY)
        return CH_OK;
    return ch_fail(p->err, CH_INVALID,
                   "\"%s\" is more than %d years %s; dates must lie "
                   "within %d years of today", p->typed, WHEN_SPAN_YEARS,
                   ahead ? "ahead" : "ago", WHEN_SPAN_YEARS);
}

enum ch_status
when_parse(const char *text, const struct when_options *opt,
           struct when_result *out, struct ch_error *err)
{
    struct parse p;
    struct local_time now;

    if (opt == NULL || opt->zone == NULL)
        return ch_fail(err, CH_INVALID, "no time zone to read the date in");
    if (tz_to_local(opt->zone, opt->now_ms, &now) != CH_OK)
        return ch_fail(err, CH_INVALID, "time zone \"%.64s\" is not known",
                       opt->zone);
    if (text == NULL)
        text = "";
    while (is_space(*text))
        text++;
    size_t len = strlen(text);
    while (len > 0 && is_space(text[len - 1]))
        len--;
    if (len == 0)
        return ch_fail(err, CH_INVALID, "no date given " HINT_WHEN);
    if (len > WHEN_TEXT_MAX)
        return ch_fail(err, CH_INVALID, "\"%.24s...\" is too long for a "
                       "date " HINT_WHEN, text);

    for (size_t i = 0; i < len; i++) {
        /* Tabs and newlines count as the spaces between words. */
        char c = is_space(text[i]) ? ' ' : text[i];
        p.typed[i] = c;
        p.s[i] = lower(c);
    }
    p.typed[len] = p.s[len] = '\0';
    p.opt = opt;
    p.today = tz_days_from_civil(now.year, now.month, now.day);
    p.wday = now.wday;
    p.out = out;
    p.err = err;

    const char *s = p.s;
    enum ch_status st;
    if (s[0] == '+')
        st = parse_relative(&p);
    else if (is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) &&
             is_digit(s[3]) && s[4] == '-')
        st = parse_iso(&p);
    else if (is_digit(s[0]))
        st = parse_clock(&p);
    else if (is_alpha(s[0]))
        st = parse_day_word(&p);
    else
        st = fail_token(&p, 0, "a date or time", HINT_WHEN);
    return st == CH_OK ? within_span(&p) : st;
}

/* UTC breakdown without the tz machinery, for the invalid-zone fallback. */
static void
utc_local(int64_t utc_ms, struct local_time *lt)
{
    int64_t secs = utc_ms / 1000 - (utc_ms % 1000 < 0);
    int64_t day = secs / 86400 - (secs % 86400 < 0);
    int64_t sod = secs - day * 86400;

    memset(lt, 0, sizeof(*lt));
    tz_civil_from_days(day, &lt->year, &lt->month, &lt->day);
    lt->hour = (int)(sod / 3600);
    lt->minute = (int)(sod / 60 % 60);
    lt->second = (int)(sod % 60);
    lt->wday = tz_weekday_of_days(day);
    snprintf(lt->abbrev, sizeof(lt->abbrev), "UTC");
}

#define YEAR_HORIZON_DAYS 183

bool
when_day_needs_year(int64_t day, int64_t today)
{
    int y1, y2, m, d;
    tz_civil_from_days(day, &y1, &m, &d);
    tz_civil_from_days(today, &y2, &m, &d);
    int64_t away = day > today ? day - today : today - day;
    return y1 != y2 || away > YEAR_HORIZON_DAYS;
}

static void
to_local(const char *zone, int64_t utc_ms, struct local_time *lt)
{
    if (zone == NULL || tz_to_local(zone, utc_ms, lt) != CH_OK)
        utc_local(utc_ms, lt);
}

int64_t
when_local_date(const char *zone, int64_t utc_ms)
{
    struct local_time lt;
    to_local(zone, utc_ms, &lt);
    return tz_days_from_civil(lt.year, lt.month, lt.day);
}

void
when_format(int64_t utc_ms, const char *zone, int64_t now_ms,
            enum when_style style, char *out, size_t outlen)
{
    struct local_time lt;

    if (out == NULL || outlen == 0)
        return;
    to_local(zone, utc_ms, &lt);
    int64_t day = tz_days_from_civil(lt.year, lt.month, lt.day);
    char year[16] = "";
    if (now_ms == WHEN_YEAR_ALWAYS ||
        when_day_needs_year(day, when_local_date(zone, now_ms)))
        snprintf(year, sizeof(year), " %d", lt.year);
    switch (style) {
    case WHEN_LONG:
        snprintf(out, outlen, "%s %d %s%s %02d:%02d %s", day_abbr[lt.wday],
                 lt.day, month_abbr[lt.month - 1], year, lt.hour, lt.minute,
                 lt.abbrev);
        break;
    case WHEN_SHORT:
        snprintf(out, outlen, "%d %s%s %02d:%02d", lt.day,
                 month_abbr[lt.month - 1], year, lt.hour, lt.minute);
        break;
    case WHEN_DATE:
        snprintf(out, outlen, "%s %d %s%s", day_abbr[lt.wday], lt.day,
                 month_abbr[lt.month - 1], year);
        break;
    case WHEN_ISO:
    default:
        snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d", lt.year, lt.month,
                 lt.day, lt.hour, lt.minute);
        break;
    }
}

void
when_format_day(int64_t day, bool with_year, char *out, size_t outlen)
{
    int y, m, d;
    if (out == NULL || outlen == 0)
        return;
    tz_civil_from_days(day, &y, &m, &d);
    if (with_year)
        snprintf(out, outlen, "%s %d %s %d", day_abbr[tz_weekday_of_days(day)],
                 d, month_abbr[m - 1], y);
    else
        snprintf(out, outlen, "%s %d %s", day_abbr[tz_weekday_of_days(day)],
                 d, month_abbr[m - 1]);
}

static bool
local_day(const char *zone, int64_t utc_ms, int64_t *day)
{
    struct local_time lt;
    if (tz_to_local(zone, utc_ms, &lt) != CH_OK)
        return false;
    *day = tz_days_from_civil(lt.year, lt.month, lt.day);
    return true;
}

int64_t
when_local_midnight(const char *zone, int64_t utc_ms)
{
    struct local_time lt;
    int64_t start, day;
    enum tz_fit fit;

    /* An invalid zone reads as UTC, as in when_format. */
    if (zone == NULL || tz_to_local(zone, utc_ms, &lt) != CH_OK ||
        tz_from_local(zone, lt.year, lt.month, lt.day, 0, 0, 0, &start,
                      &fit) != CH_OK) {
        int64_t d = utc_ms / MS_PER_DAY - (utc_ms % MS_PER_DAY < 0);
        return d * MS_PER_DAY;
    }
    if (fit != TZ_FIT_GAP)
        return start;

    /*
     * Midnight was skipped.  start is midnight moved forward by the gap,
     * which overshoots when the jump began before midnight (23:30 ->
     * 00:30 starts the day at 00:30, not 01:00), so bisect to the second
     * for the first instant whose local date is this day.
     */
    day = tz_days_from_civil(lt.year, lt.month, lt.day);
    int64_t lo = start / 1000 - 86400, hi = start / 1000;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2, d;
        if (!local_day(zone, mid * 1000, &d))
            return start;
        if (d >= day)
            hi = mid;
        else
            lo = mid;
    }
    return hi * 1000;
}

/*
 * The start of a day in a zone, remembered: working one out switches the
 * process's zone (tz.h: glibc reads the zone's file again), and every
 * campaign read needs two; a standup round reads a campaign once or twice
 * per creator.  The instants depend on nothing but the zone's rules.
 */
#define DAY_STARTS 8
static struct {
    char    zone[64];
    int64_t day, start;
} day_starts[DAY_STARTS];
static unsigned day_starts_next;

static int64_t
day_start_uncached(const char *zone, int64_t day)
{
    int y, m, d;
    int64_t ms;
    tz_civil_from_days(day, &y, &m, &d);
    /* Noon is on that date in every zone; its day starts where it does. */
    if (zone == NULL || tz_from_local(zone, y, m, d, 12, 0, 0, &ms, NULL) !=
        CH_OK)
        return day * MS_PER_DAY;
    return when_local_midnight(zone, ms);
}

int64_t
when_day_start(const char *zone, int64_t day)
{
    if (zone == NULL)
        return day_start_uncached(zone, day);
    for (unsigned i = 0; i < DAY_STARTS; i++)
        if (day_starts[i].day == day && day_starts[i].zone[0] &&
            strcmp(day_starts[i].zone, zone) == 0)
            return day_starts[i].start;
    int64_t start = day_start_uncached(zone, day);
    if (strlen(zone) < sizeof(day_starts[0].zone)) {
        unsigned i = day_starts_next++ % DAY_STARTS;
        snprintf(day_starts[i].zone, sizeof(day_starts[i].zone), "%s", zone);
        day_starts[i].day = day;
        day_starts[i].start = start;
    }
    return start;
}

int64_t
when_day_at(const char *zone, int64_t day, int minute)
{
    int64_t t = 0;
    enum tz_fit fit;
    wall_to_utc(zone, day, minute, &t, &fit);
    return t;
}

int64_t
when_next_local(const char *zone, int64_t after_ms, unsigned weekday_mask,
                int minute_of_day)
{
    int64_t today;

    weekday_mask &= 0x7f;
    if (weekday_mask == 0 || !local_day(zone, after_ms, &today))
        return INT64_MAX;
    /*
     * One candidate per local day, in date order, so the first one not
     * before after_ms is the answer.  The day before is tried because a
     * gap can push its wall time past midnight; two weeks cover any mask
     * even if a day is missing from the calendar (Samoa, 2011).  In an
     * overlap only the earlier instant counts, so a day never fires twice.
     */
    for (int64_t day = today - 1; day <= today + 14; day++) {
        int64_t ms;
        if (!(weekday_mask & (1u << tz_weekday_of_days(day))))
            continue;
        int y, m, d;
        tz_civil_from_days(day, &y, &m, &d);
        if (tz_from_local(zone, y, m, d, minute_of_day / 60,
                          minute_of_day % 60, 0, &ms, NULL) != CH_OK)
            return INT64_MAX;
        if (ms >= after_ms)
            return ms;
    }
    return INT64_MAX;
}
