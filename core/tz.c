#include "tz.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The longest IANA name is about 30 characters; anything far longer is
 * not a zone, and the bound lets the cache below live in a fixed array. */
#define TZ_NAME_MAX 64
#define TZ_DEFAULT_DIR "/usr/share/zoneinfo"
#define SECS_PER_DAY INT64_C(86400)
/* Wall times beyond about 3 million years are refused: far inside what
 * localtime_r and an int64 of milliseconds can hold. */
#define WALL_SECS_MAX INT64_C(100000000000000)

/* The zone TZ currently names; only ever a name that passed tz_valid(). */
static char current_zone[TZ_NAME_MAX + 1];

/* Zones already found valid, so switching between a team's zones does
 * not open each file once more before glibc reads it (round robin). */
#define KNOWN_ZONES 32
static char known_zones[KNOWN_ZONES][TZ_NAME_MAX + 1];
static unsigned next_known;

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t
floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* Howard Hinnant's days_from_civil, with month normalised first so the
 * caller may pass month 13 or day 32; int64 so no input can overflow. */
static int64_t
days_from_civil64(int64_t y, int64_t month, int64_t day)
{
    y += floor_div(month - 1, 12);
    int64_t m = floor_mod(month - 1, 12) + 1;
    if (m <= 2)
        y--;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t
tz_days_from_civil(int year, int month, int day)
{
    return days_from_civil64(year, month, day);
}

void
tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
}

int
tz_days_in_month(int year, int month)
{
    static const int days[12] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (month < 1 || month > 12)
        return 0;
    if (month == 2) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap ? 29 : 28;
    }
    return days[month - 1];
}

int
tz_weekday_of_days(int64_t days)
{
    /* 1970-01-01 was a Thursday, index 3 from Monday. */
    return (int)floor_mod(days + 3, 7);
}

static bool
zone_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' ||
           c == '/';
}

bool
tz_valid(const char *zone)
{
    if (zone == NULL || zone[0] == '\0' || zone[0] == '/')
        return false;
    size_t n = strnlen(zone, TZ_NAME_MAX + 1);
    if (n > TZ_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!zone_char_ok(zone[i]))
            return false;
    /* The charset already excludes '.', but the path must never climb
     * out of the zoneinfo directory, so say it outright. */
    if (strstr(zone, "..") != NULL || strstr(zone, "//") != NULL ||
        zone[n - 1] == '/')
        return false;
    /* right/ zones count leap seconds, so their time_t is not POSIX time
     * and every conversion would be off by ~27 s. */
    if (strncmp(zone, "right/", 6) == 0)
        return false;
    /* Debian links this name to /etc/localtime: the server's zone, which
     * is not something a user should get by typing it. */
    if (strcmp(zone, "localtime") == 0)
        return false;

    const char *dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = TZ_DEFAULT_DIR;
    char path[PATH_MAX];
    int len = snprintf(path, sizeof(path), "%s/%s", dir, zone);
    if (len < 0 || (size_t)len >= sizeof(path))
        return false;

    /* O_NONBLOCK: a FIFO planted under the name must not hang the loop. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st;
    char magic[4];
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
              memcmp(magic, "TZif", sizeof(magic)) == 0;
    close(fd);
    return ok;
}

/*
 * Point glibc at zone.  A repeat of the current zone costs one strcmp;
 * a switch costs setenv plus tzset, which re-reads the file.  The leading
 * ':' makes glibc read the file and never parse the name as a POSIX TZ
 * rule ("EST5EDT" is both).
 */
static bool
zone_select(const char *zone)
{
    if (zone == NULL)
        return false;
    if (current_zone[0] != '\0' && strcmp(current_zone, zone) == 0)
        return true;
    bool known = false;
    for (unsigned i = 0; i < KNOWN_ZONES && !known; i++)
        known = strcmp(known_zones[i], zone) == 0;
    if (!known) {
        if (!tz_valid(zone))
            return false;
        snprintf(known_zones[next_known++ % KNOWN_ZONES],
                 sizeof(known_zones[0]), "%s", zone);
    }

    char env[TZ_NAME_MAX + 2];
    snprintf(env, sizeof(env), ":%s", zone);
    if (setenv("TZ", env, 1) != 0)
        return false;
    /* localtime_r does not look at TZ again by itself. */
    tzset();
    snprintf(current_zone, sizeof(current_zone), "%s", zone);
    return true;
}

static bool
break_secs(int64_t secs, struct tm *tm)
{
    time_t t = (time_t)secs;
    return localtime_r(&t, tm) != NULL;
}

/* UTC offset in effect at secs in the selected zone. */
static bool
offset_at(int64_t secs, int64_t *off)
{
    struct tm tm;
    if (!break_secs(secs, &tm))
        return false;
    *off = tm.tm_gmtoff;
    return true;
}

bool
tz_spelling(const char *zone, char *out, size_t outlen)
{
    const char *dir = getenv("TZDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = TZ_DEFAULT_DIR;
    if (zone == NULL || strlen(zone) > TZ_NAME_MAX || outlen == 0)
        return false;
    /* One directory level per part of the name, matched ignoring case. */
    char path[PATH_MAX], name[TZ_NAME_MAX + 1] = "";
    size_t used = 0;
    for (const char *p = zone; *p;) {
        size_t n = strcspn(p, "/");
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        DIR *d = opendir(path);
        if (d == NULL)
            return false;
        struct dirent *e;
        bool found = false;
        while (!found && (e = readdir(d)) != NULL)
            if (e->d_name[0] != '.' && strlen(e->d_name) == n &&
                strncasecmp(e->d_name, p, n) == 0 &&
                used + n + 2 <= sizeof(name)) {
                used += (size_t)snprintf(name + used, sizeof(name) - used,
                                         "%s%s", used ? "/" : "", e->d_name);
                found = true;
            }
        closedir(d);
        if (!found)
            return false;
        p += n + (p[n] == '/');
    }
    if (!tz_valid(name) || strlen(name) >= outlen)
        return false;
    memcpy(out, name, strlen(name) + 1);
    return true;
}

enum ch_status
tz_to_local(const char *zone, int64_t utc_ms, struct local_time *out)
{
    struct tm tm;

    if (!zone_select(zone))
        return CH_INVALID;
    if (!break_secs(floor_div(utc_ms, 1000), &tm))
        return CH_INVALID;

    memset(out, 0, sizeof(*out));
    out->year = tm.tm_year + 1900;
    out->month = tm.tm_mon + 1;
    out->day = tm.tm_mday;
    out->hour = tm.tm_hour;
    out->minute = tm.tm_min;
    out->second = tm.tm_sec;
    out->wday = (tm.tm_wday + 6) % 7;
    out->utc_offset = (int)tm.tm_gmtoff;
    out->dst = tm.tm_isdst > 0;
    snprintf(out->abbrev, sizeof(out->abbrev), "%s",
             tm.tm_zone ? tm.tm_zone : "");
    return CH_OK;
}

/* Wall time as seconds on a UTC-like axis, fields normalised. */
static bool
wall_secs(int year, int month, int day, int hour, int minute, int second,
          int64_t *out)
{
    int64_t days = days_from_civil64(year, month, day);
    /* Check before multiplying: days from int fields stay below 2^40. */
    if (days > WALL_SECS_MAX / SECS_PER_DAY ||
        days < -WALL_SECS_MAX / SECS_PER_DAY)
        return false;
    int64_t s = days * SECS_PER_DAY + (int64_t)hour * 3600 +
                (int64_t)minute * 60 + second;
    if (s > WALL_SECS_MAX || s < -WALL_SECS_MAX)
        return false;
    *out = s;
    return true;
}

/*
 * Resolve wall seconds L in the selected zone.  The instant is L minus
 * the offset then in effect, and no zone's offset reaches 24 h, so the
 * offsets a day either side of L are the ones before and after any
 * transition near it.  Each candidate offset is kept if it round-trips
 * (the instant it gives has that offset); the offsets at the first
 * candidates are tried too, in case two transitions fall within the
 * window.  Two survivors mean an overlap, none a gap.
 */
static bool
resolve_wall(int64_t wall, int64_t *secs, enum tz_fit *fit)
{
    int64_t before, after, off[4];
    size_t noff = 0;

    if (!offset_at(wall - SECS_PER_DAY, &before) ||
        !offset_at(wall + SECS_PER_DAY, &after))
        return false;
    off[noff++] = before;
    off[noff++] = after;
    for (size_t i = 0; i < 2; i++) {
        int64_t o;
        if (!offset_at(wall - off[i], &o))
            return false;
        off[noff++] = o;
    }

    int64_t best = 0;
    size_t found = 0;
    for (size_t i = 0; i < noff; i++) {
        bool seen = false;
        for (size_t j = 0; j < i; j++)
            seen = seen || off[j] == off[i];
        int64_t o, cand = wall - off[i];
        if (seen || !offset_at(cand, &o) || o != off[i])
            continue;
        if (found == 0 || cand < best)
            best = cand;
        found++;
    }

    if (found == 0) {
        /* The offset before the jump applied to the wall time gives the
         * wall time moved forward by the gap's length. */
        *secs = wall - before;
        *fit = TZ_FIT_GAP;
    } else {
        *secs = best;
        *fit = found > 1 ? TZ_FIT_OVERLAP : TZ_FIT_EXACT;
    }
    return true;
}

enum ch_status
tz_from_local(const char *zone, int year, int month, int day, int hour,
              int minute, int second, int64_t *utc_ms, enum tz_fit *fit)
{
    int64_t wall, secs;
    enum tz_fit how;

    if (!zone_select(zone))
        return CH_INVALID;
    if (!wall_secs(year, month, day, hour, minute, second, &wall))
        return CH_INVALID;
    if (!resolve_wall(wall, &secs, &how))
        return CH_INVALID;
    *utc_ms = secs * 1000;
    if (fit)
        *fit = how;
    return CH_OK;
}

static void
format_clock(int64_t wall, char *out, size_t outlen)
{
    int64_t s = floor_mod(wall, SECS_PER_DAY);
    if (s % 60 != 0)
        snprintf(out, outlen, "%02d:%02d:%02d", (int)(s / 3600),
                 (int)(s / 60 % 60), (int)(s % 60));
    else
        snprintf(out, outlen, "%02d:%02d", (int)(s / 3600),
                 (int)(s / 60 % 60));
}

void
tz_describe_gap(const char *zone, int year, int month, int day, int hour,
                int minute, char *out, size_t outlen)
{
    int64_t wall, secs, before, after;
    enum tz_fit fit;

    if (out == NULL || outlen == 0)
        return;
    out[0] = '\0';
    if (!zone_select(zone) ||
        !wall_secs(year, month, day, hour, minute, 0, &wall) ||
        !resolve_wall(wall, &secs, &fit))
        return;
    if (fit != TZ_FIT_GAP) {
        snprintf(out, outlen, "clocks do not change then");
        return;
    }

    /*
     * secs is wall - (offset before the jump), an instant after the
     * jump; a day earlier is before it.  Bisect to the second between
     * them (17 steps) for the instant the offset changes.
     */
    int64_t lo = wall - SECS_PER_DAY, hi = secs;
    if (!offset_at(lo, &before))
        return;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2, o;
        if (!offset_at(mid, &o))
            return;
        if (o == before)
            lo = mid;
        else
            hi = mid;
    }
    if (!offset_at(hi, &after))
        return;

    char from[16], to[16];
    format_clock(hi + before, from, sizeof(from));
    format_clock(hi + after, to, sizeof(to));
    snprintf(out, outlen, "clocks jump from %s to %s", from, to);
}
