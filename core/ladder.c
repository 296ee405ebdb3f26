/* Escalation ladders: parsed, formatted, named. */
#include "ladder.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "model.h"
#include "value.h"
#include "when.h"

void
ladder_default(struct ladder *l)
{
    static const struct ladder_level spec[] = {
        { ROLE_COORDINATOR, 4 * MS_PER_HOUR },
        { ROLE_AGENCY, 8 * MS_PER_HOUR },
        { ROLE_BRAND, 24 * MS_PER_HOUR },
        { ROLE_ADMIN, 24 * MS_PER_HOUR },
    };
    memset(l, 0, sizeof(*l));
    memcpy(l->level, spec, sizeof(spec));
    l->n = LADDER_MAX;
    l->repeats = 2;
}

static bool
role_word(const char *w, size_t n, unsigned *role)
{
    char name[16];
    if (n == 0 || n >= sizeof(name))
        return false;
    memcpy(name, w, n);
    name[n] = '\0';
    if (strcasecmp(name, "admin") == 0 || strcasecmp(name, "admins") == 0) {
        *role = ROLE_ADMIN;
        return true;
    }
    return model_role_parse(name, role) && *role != ROLE_CREATOR;
}

/* The older form: four durations for the four default roles. */
static enum ch_status
parse_bare(const char *text, struct ladder *l, struct ch_error *err)
{
    int64_t ms[LADDER_MAX];
    size_t n;
    enum ch_status s = value_durations(text, MS_PER_MIN, LADDER_MAX, ms, &n,
                                       err);
    if (s != CH_OK)
        return s;
    if (n != LADDER_MAX)
        return ch_fail(err, CH_INVALID,
                       "expected 4 durations (coordinator, agency, brand, "
                       "admins), got %zu", n);
    struct ladder d;
    ladder_default(&d);
    for (size_t i = 0; i < n; i++)
        l->level[i] = (struct ladder_level){ d.level[i].role, ms[i] };
    l->n = n;
    return CH_OK;
}

enum ch_status
ladder_parse(const char *text, struct ladder *l, struct ch_error *err)
{
    if (strchr(text, ':') == NULL)
        return parse_bare(text, l, err);
    struct ladder out = { .repeats = l->repeats };
    unsigned seen = 0;
    const char *p = text;
    for (;;) {
        const char *end = p + strcspn(p, ",");
        while (p < end && *p == ' ')
            p++;
        const char *colon = memchr(p, ':', (size_t)(end - p));
        unsigned role;
        if (colon == NULL || !role_word(p, (size_t)(colon - p), &role))
            return ch_fail(err, CH_INVALID,
                           "\"%.*s\" is not a ladder level: write "
                           "role:duration with a role of coordinator, "
                           "agency, brand or admin (coordinator:4h)",
                           (int)(end - p > VALUE_QUOTE_MAX ? VALUE_QUOTE_MAX
                                                           : end - p), p);
        if (seen & role)
            return ch_fail(err, CH_INVALID,
                           "%s appears twice in the ladder",
                           role == ROLE_ADMIN ? "admin"
                                              : model_role_name(role));
        if (out.n == LADDER_MAX)
            return ch_fail(err, CH_INVALID,
                           "a ladder has at most %d levels", LADDER_MAX);
        char dur[64];
        snprintf(dur, sizeof(dur), "%.*s", (int)(end - colon - 1), colon + 1);
        int64_t ms;
        enum ch_status s = value_duration(dur, MS_PER_MIN, &ms, err);
        if (s != CH_OK)
            return s;
        seen |= role;
        out.level[out.n++] = (struct ladder_level){ role, ms };
        if (*end == '\0')
            break;
        p = end + 1;
    }
    *l = out;
    return CH_OK;
}

void
ladder_format(const struct ladder *l, char *out, size_t outlen)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < l->n && o < outlen; i++) {
        char dur[32];
        when_duration_format(l->level[i].ms, dur, sizeof(dur));
        unsigned r = l->level[i].role;
        int w = snprintf(out + o, outlen - o, "%s%s:%s", i ? "," : "",
                         r == ROLE_ADMIN ? "admin" : model_role_name(r), dur);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

const char *
ladder_role_audience(unsigned role)
{
    switch (role) {
    case ROLE_COORDINATOR: return "the coordinators";
    case ROLE_AGENCY:      return "the agency";
    case ROLE_BRAND:       return "the brand";
    default:               return "the workspace admins";
    }
}
