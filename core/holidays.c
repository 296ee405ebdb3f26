/* Holiday calendars: .ics files read with libical (loaded on first use). */
#include "holidays.h"

#include <dlfcn.h>
#include <errno.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "settings.h"
#include "tz.h"
#include "xmalloc.h"

#define MAX_ICS_BYTES ((size_t)4 << 20)
#define MAX_OCCURRENCES 2000   /* per event, for a runaway RRULE */

/*
 * libical, and ICU beneath it (5.7 MB resident once loaded), is loaded
 * the first time a calendar is read, so a deployment without holiday
 * calendars never maps it.  Every libical function this file calls is in
 * this list.
 */
#define ICAL_SONAME "libical.so.3"
#if ICAL_MAJOR_VERSION != 3
#error "ICAL_SONAME names libical 3; update it with the headers"
#endif
#define ICAL_FUNCTIONS(X) \
    X(icalcomponent_free) \
    X(icalcomponent_get_dtend) \
    X(icalcomponent_get_dtstart) \
    X(icalcomponent_get_first_component) \
    X(icalcomponent_get_first_property) \
    X(icalcomponent_get_next_component) \
    X(icalcomponent_get_next_property) \
    X(icalcomponent_get_summary) \
    X(icalcomponent_isa) \
    X(icalparameter_get_tzid) \
    X(icalparser_parse_string) \
    X(icalproperty_get_exdate) \
    X(icalproperty_get_first_parameter) \
    X(icalproperty_get_rrule) \
    X(icalproperty_get_xlicerror) \
    X(icalrecur_iterator_free) \
    X(icalrecur_iterator_new) \
    X(icalrecur_iterator_next) \
    X(icaltime_add) \
    X(icaltime_adjust) \
    X(icaltime_as_timet_with_zone) \
    X(icaltime_compare) \
    X(icaltime_compare_date_only) \
    X(icaltime_days_in_month) \
    X(icaltime_is_null_time) \
    X(icaltime_is_utc) \
    X(icaltime_is_valid_time) \
    X(icaltime_subtract)

static struct {
    void *handle;
#define X(f) __typeof__(&f) f;
    ICAL_FUNCTIONS(X)
#undef X
} ical;

static enum ch_status
ical_open(struct ch_error *err)
{
    if (ical.handle)
        return CH_OK;
    void *h = dlopen(ICAL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
        return ch_fail(err, CH_IO, "holiday calendars need libical "
                       "(Debian package libical3): %s", dlerror());
    /* POSIX's way to store dlsym's result in a function pointer. */
#define X(f)                                                              \
    if ((*(void **)&ical.f = dlsym(h, #f)) == NULL) {                     \
        dlclose(h);                                                       \
        return ch_fail(err, CH_IO, "%s has no %s: a libical too old",    \
                       ICAL_SONAME, #f);                                  \
    }
    ICAL_FUNCTIONS(X)
#undef X
    ical.handle = h;
    return CH_OK;
}

/*
 * One stretch of time off.  Local entries (all-day events, floating
 * times) are civil minutes since 1970-01-01 in the reader's own zone;
 * absolute ones are UTC milliseconds.
 */
struct hol_entry {
    bool    local;
    int64_t from;
    int64_t to;
    char   *name;
};

struct hol_cal {
    char             *who;
    struct hol_entry *v;
    size_t            n, alloc;
};

struct holidays {
    struct hol_cal *cals;
    size_t          ncals;
    /* who follows which region */
    char          **region_person;
    char          **region_name;
    size_t          nregions;
};

static void
add_entry(struct hol_cal *c, bool local, int64_t from, int64_t to,
          const char *name)
{
    if (to <= from)
        return;
    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 32;
        c->v = xrealloc(c->v, c->alloc, sizeof(*c->v));
    }
    c->v[c->n++] = (struct hol_entry){
        .local = local, .from = from, .to = to,
        .name = xstrdup(name && *name ? name : "holiday"),
    };
}

static int64_t
civil_minutes(struct icaltimetype t)
{
    return tz_days_from_civil(t.year, t.month, t.day) * 1440 +
           (t.is_date ? 0 : t.hour * 60 + t.minute);
}

static bool
is_floating(struct icaltimetype t)
{
    return t.is_date || (!ical.icaltime_is_utc(t) && t.zone == NULL);
}

static bool
excluded(icalcomponent *ev, struct icaltimetype t)
{
    for (icalproperty *p =
             ical.icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
         p;
         p = ical.icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY)) {
        struct icaltimetype x = ical.icalproperty_get_exdate(p);
        if (t.is_date || x.is_date ? ical.icaltime_compare_date_only(t, x) == 0
                                   : ical.icaltime_compare(t, x) == 0)
            return true;
    }
    return false;
}

static void
add_occurrence(struct hol_cal *c, struct icaltimetype start,
               struct icaltimetype end, const char *name)
{
    if (is_floating(start)) {
        int64_t from = civil_minutes(start);
        int64_t to = civil_minutes(end);
        if (start.is_date && to <= from)
            to = from + 1440;    /* DTEND missing: a one-day event */
        add_entry(c, true, from, to, name);
        return;
    }
    int64_t from =
        (int64_t)ical.icaltime_as_timet_with_zone(start, start.zone) * 1000;
    int64_t to =
        (int64_t)ical.icaltime_as_timet_with_zone(end, end.zone) * 1000;
    add_entry(c, false, from, to, name);
}

/* The first X-LIC-ERROR libical attached anywhere in comp. */
static const char *
first_error(icalcomponent *comp)
{
    icalproperty *p = ical.icalcomponent_get_first_property(comp,
                                                       ICAL_XLICERROR_PROPERTY);
    if (p)
        return ical.icalproperty_get_xlicerror(p);
    for (icalcomponent *c =
             ical.icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT);
         c;
         c = ical.icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
        const char *e = first_error(c);
        if (e)
            return e;
    }
    return NULL;
}

/* libical takes 20261345 or T256100 as they come; the calendar does not
 * have such days or times, and normalising them would move the holiday. */
static bool
civil_valid(struct icaltimetype t)
{
    if (t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > ical.icaltime_days_in_month(t.month, t.year))
        return false;
    return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 &&
                         t.minute < 60 && t.second >= 0 && t.second <= 60);
}

/* The TZID of a DTSTART/DTEND libical could not resolve (neither a
 * VTIMEZONE in the file nor a zone it knows), or NULL: such a time
 * would otherwise be read silently as floating. */
static const char *
unknown_tzid(icalcomponent *ev, icalproperty_kind kind, struct icaltimetype t)
{
    icalproperty *p = ical.icalcomponent_get_first_property(ev, kind);
    if (p == NULL || t.zone != NULL || ical.icaltime_is_utc(t))
        return NULL;
    icalparameter *tz = ical.icalproperty_get_first_parameter(p,
                                                         ICAL_TZID_PARAMETER);
    return tz ? ical.icalparameter_get_tzid(tz) : NULL;
}

static enum ch_status
parse_event(icalcomponent *ev, struct hol_cal *c, struct ch_error *err,
            const char *path)
{
    const char *name = ical.icalcomponent_get_summary(ev);
    struct icaltimetype start = ical.icalcomponent_get_dtstart(ev);
    if (ical.icaltime_is_null_time(start) ||
        !ical.icaltime_is_valid_time(start))
        return ch_fail(err, CH_INVALID, "%s: an event has no valid DTSTART",
                       path);
    struct icaltimetype end = ical.icalcomponent_get_dtend(ev);
    if (ical.icaltime_is_null_time(end))
        end = start;
    if (!civil_valid(start) || !civil_valid(end))
        return ch_fail(err, CH_INVALID,
                       "%s: event \"%s\" has a date or time that does not "
                       "exist (%04d-%02d-%02d %02d:%02d)", path,
                       name ? name : "",
                       civil_valid(start) ? end.year : start.year,
                       civil_valid(start) ? end.month : start.month,
                       civil_valid(start) ? end.day : start.day,
                       civil_valid(start) ? end.hour : start.hour,
                       civil_valid(start) ? end.minute : start.minute);
    const char *tzid = unknown_tzid(ev, ICAL_DTSTART_PROPERTY, start);
    if (tzid == NULL)
        tzid = unknown_tzid(ev, ICAL_DTEND_PROPERTY, end);
    if (tzid)
        return ch_fail(err, CH_INVALID,
                       "%s: event \"%s\" uses the unknown time zone \"%s\"",
                       path, name ? name : "", tzid);
    icalproperty *rp = ical.icalcomponent_get_first_property(ev,
                                                        ICAL_RRULE_PROPERTY);
    if (rp == NULL) {
        add_occurrence(c, start, end, name);
        return CH_OK;
    }
    struct icalrecurrencetype rule = ical.icalproperty_get_rrule(rp);
    if (rule.freq == ICAL_NO_RECURRENCE)
        return ch_fail(err, CH_INVALID, "%s: event \"%s\" has a bad RRULE",
                       path, name ? name : "");
    icalrecur_iterator *it = ical.icalrecur_iterator_new(rule, start);
    if (it == NULL)
        return ch_fail(err, CH_INVALID,
                       "%s: event \"%s\" has an RRULE libical cannot expand",
                       path, name ? name : "");
    struct icaldurationtype span = ical.icaltime_subtract(end, start);
    int count = 0;
    for (struct icaltimetype t = ical.icalrecur_iterator_next(it);
         !ical.icaltime_is_null_time(t) && t.year <= HOLIDAYS_HORIZON_YEAR &&
         count < MAX_OCCURRENCES;
         t = ical.icalrecur_iterator_next(it), count++) {
        if (excluded(ev, t))
            continue;
        struct icaltimetype e = ical.icaltime_add(t, span);
        if (t.is_date && ical.icaltime_compare_date_only(e, t) <= 0)
            ical.icaltime_adjust(&e, 1, 0, 0, 0);
        add_occurrence(c, t, e, name);
    }
    ical.icalrecur_iterator_free(it);
    return CH_OK;
}

static enum ch_status
read_file(const char *path, char **out, struct ch_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return ch_fail(err, CH_IO, "%s: cannot read: %s", path,
                       strerror(errno));
    char *text = xmalloc(MAX_ICS_BYTES + 1);
    size_t n = fread(text, 1, MAX_ICS_BYTES + 1, fp);
    fclose(fp);
    if (n > MAX_ICS_BYTES) {
        free(text);
        return ch_fail(err, CH_INVALID, "%s: larger than %zu bytes", path,
                       MAX_ICS_BYTES);
    }
    text[n] = '\0';
    *out = text;
    return CH_OK;
}

static enum ch_status
parse_file(const char *path, struct hol_cal *c, struct ch_error *err)
{
    char *text = NULL;
    enum ch_status s = read_file(path, &text, err);
    if (s != CH_OK)
        return s;
    if (strstr(text, "BEGIN:VCALENDAR") == NULL) {
        free(text);
        return ch_fail(err, CH_INVALID,
                       "%s: not an iCalendar file (no BEGIN:VCALENDAR)", path);
    }
    s = ical_open(err);
    if (s != CH_OK) {
        free(text);
        return s;
    }
    icalcomponent *cal = ical.icalparser_parse_string(text);
    free(text);
    if (cal == NULL ||
        ical.icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT) {
        if (cal)
            ical.icalcomponent_free(cal);
        return ch_fail(err, CH_INVALID,
                       "%s: not a valid iCalendar file (libical could not "
                       "parse a VCALENDAR)", path);
    }
    const char *why = first_error(cal);
    if (why) {
        ch_fail(err, CH_INVALID, "%s: malformed iCalendar: %s", path, why);
        ical.icalcomponent_free(cal);
        return CH_INVALID;
    }
    s = CH_OK;
    for (icalcomponent *ev = ical.icalcomponent_get_first_component(
             cal, ICAL_VEVENT_COMPONENT);
         ev && s == CH_OK;
         ev = ical.icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT))
        s = parse_event(ev, c, err, path);
    ical.icalcomponent_free(cal);
    return s;
}

static void
free_cal(struct hol_cal *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].name);
    free(c->v);
    free(c->who);
}

enum ch_status
holidays_check_file(const char *path, int *events, struct ch_error *err)
{
    struct hol_cal c = { 0 };
    enum ch_status s = parse_file(path, &c, err);
    if (events)
        *events = (int)c.n;
    free_cal(&c);
    return s;
}

struct holidays *
holidays_load(const struct core_settings *s)
{
    struct holidays *h = xcalloc(1, sizeof(*h));
    h->cals = xcalloc(s->nholidays ? s->nholidays : 1, sizeof(*h->cals));
    for (size_t i = 0; i < s->nholidays; i++) {
        struct hol_cal *c = &h->cals[h->ncals];
        struct ch_error err = { 0 };
        if (parse_file(s->holidays[i].path, c, &err) != CH_OK) {
            log_error("holidays", "%s (calendar skipped)", err.user);
            free_cal(c);
            memset(c, 0, sizeof(*c));
            continue;
        }
        c->who = xstrdup(s->holidays[i].who);
        h->ncals++;
        log_info("holidays", "%s: %zu days or events for %s",
                 s->holidays[i].path, c->n, c->who);
    }
    h->nregions = s->nregions;
    h->region_person = xcalloc(s->nregions ? s->nregions : 1, sizeof(char *));
    h->region_name = xcalloc(s->nregions ? s->nregions : 1, sizeof(char *));
    for (size_t i = 0; i < s->nregions; i++) {
        h->region_person[i] = xstrdup(s->regions[i].person);
        h->region_name[i] = xstrdup(s->regions[i].region);
    }
    return h;
}

void
holidays_free(struct holidays *h)
{
    if (h == NULL)
        return;
    for (size_t i = 0; i < h->ncals; i++)
        free_cal(&h->cals[i]);
    free(h->cals);
    for (size_t i = 0; i < h->nregions; i++) {
        free(h->region_person[i]);
        free(h->region_name[i]);
    }
    free(h->region_person);
    free(h->region_name);
    free(h);
}

static bool
applies(const struct holidays *h, const struct hol_cal *c,
        const char *person)
{
    if (strcmp(c->who, "*") == 0 || strcasecmp(c->who, person) == 0)
        return true;
    for (size_t i = 0; i < h->nregions; i++)
        if (strcasecmp(h->region_person[i], person) == 0 &&
            strcasecmp(h->region_name[i], c->who) == 0)
            return true;
    return false;
}

bool
holidays_off(const struct holidays *h, const char *person, const char *zone,
             int64_t t, int64_t *until, const char **name)
{
    if (h == NULL || h->ncals == 0 || person == NULL)
        return false;
    struct local_time lt;
    if (tz_to_local(zone, t, &lt) != CH_OK)
        return false;
    int64_t local = tz_days_from_civil(lt.year, lt.month, lt.day) * 1440 +
                    lt.hour * 60 + lt.minute;
    for (size_t i = 0; i < h->ncals; i++) {
        const struct hol_cal *c = &h->cals[i];
        if (!applies(h, c, person))
            continue;
        for (size_t j = 0; j < c->n; j++) {
            const struct hol_entry *e = &c->v[j];
            bool in = e->local ? (local >= e->from && local < e->to)
                               : (t >= e->from && t < e->to);
            if (!in)
                continue;
            if (name)
                *name = e->name;
            if (until) {
                if (!e->local) {
                    *until = e->to;
                } else {
                    int64_t days = e->to / 1440, mins = e->to % 1440;
                    int y, m, d;
                    tz_civil_from_days(days, &y, &m, &d);
                    int64_t u;
                    if (tz_from_local(zone, y, m, d, (int)(mins / 60),
                                      (int)(mins % 60), 0, &u, NULL) != CH_OK)
                        u = t + 60 * 1000;
                    *until = u > t ? u : t + 60 * 1000;
                }
            }
            return true;
        }
    }
    return false;
}
