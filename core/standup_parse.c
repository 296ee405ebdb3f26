/* Reading a standup answer as people type it (standup.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "standup.h"

/* Words and signs for a colour; emoji may carry a variation selector. */
static const struct {
    const char         *word;
    enum standup_colour colour;
} colour_words[] = {
    { "green", SU_GREEN },  { "g", SU_GREEN },    { "🟢", SU_GREEN },
    { "✅", SU_GREEN },     { "💚", SU_GREEN },
    { "yellow", SU_YELLOW }, { "y", SU_YELLOW },  { "amber", SU_YELLOW },
    { "🟡", SU_YELLOW },    { "🟠", SU_YELLOW }, { "💛", SU_YELLOW },
    { "⚠", SU_YELLOW },
    { "red", SU_RED },      { "r", SU_RED },      { "🔴", SU_RED },
    { "❤", SU_RED },        { "🛑", SU_RED },
};

static bool
is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Characters that separate a colour from its note. */
static const char *
skip_separators(const char *p)
{
    for (;;) {
        if (is_space(*p) || *p == ':' || *p == ',' || *p == '-' ||
            *p == '.' || *p == ';' || *p == '!' || *p == '(' || *p == ')')
            p++;
        else if (strncmp(p, "\xe2\x80\x93", 3) == 0 ||   /* – */
                 strncmp(p, "\xe2\x80\x94", 3) == 0)     /* — */
            p += 3;
        else if (strncmp(p, "\xef\xb8\x8f", 3) == 0)     /* VS16 */
            p += 3;
        else
            return p;
    }
}

/* A colour at p: its length, or 0.  A word must end there. */
static size_t
colour_at(const char *p, enum standup_colour *colour)
{
    for (size_t i = 0; i < sizeof(colour_words) / sizeof(colour_words[0]);
         i++) {
        const char *w = colour_words[i].word;
        size_t n = strlen(w);
        bool word = isalpha((unsigned char)w[0]);
        if (word ? strncasecmp(p, w, n) != 0 : strncmp(p, w, n) != 0)
            continue;
        if (word && (isalnum((unsigned char)p[n]) || p[n] == '#' ||
                     (unsigned char)p[n] >= 0x80))
            continue;
        *colour = colour_words[i].colour;
        return n;
    }
    return 0;
}

/* A deliverable reference at p ("#2", "spring-launch#2"): its length. */
static size_t
ref_at(const char *p)
{
    size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");
    if (p[n] != '#' || !isdigit((unsigned char)p[n + 1]))
        return 0;
    n++;
    n += strspn(p + n, "0123456789");
    if (isalnum((unsigned char)p[n]))
        return 0;
    return n;
}

/* Where the next part starts: a , ; or line break before a reference. */
static const char *
part_end(const char *p)
{
    for (const char *q = p; *q; q++) {
        if (*q != ',' && *q != ';' && *q != '\n')
            continue;
        const char *r = q + 1;
        while (is_space(*r))
            r++;
        if (ref_at(r))
            return q;
    }
    return p + strlen(p);
}

bool
standup_parse(struct arena *a, const char *text, struct su_answer *out)
{
    memset(out, 0, sizeof(*out));
    const char *p = text ? text : "";
    while (is_space(*p))
        p++;
    /* A button's rounds: "R12 R13 green". */
    while ((*p == 'R' || *p == 'r') && isdigit((unsigned char)p[1])) {
        char *end;
        long long id = strtoll(p + 1, &end, 10);
        if (!is_space(*end) || out->nrounds == SU_MAX_ROUNDS)
            break;
        out->rounds[out->nrounds++] = id;
        p = end;
        while (is_space(*p))
            p++;
    }
    while (*p) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        if (out->nparts == SU_MAX_PARTS)
            return false;
        struct su_part *part = &out->part[out->nparts];
        const char *end = part_end(p);
        size_t n;
        while ((n = ref_at(p)) != 0) {
            if (part->nrefs == SU_MAX_REFS)
                return false;
            part->refs[part->nrefs++] = arena_strndup(a, p, n);
            p += n;
            while (is_space(*p) || *p == ',' || *p == '&' || *p == ':')
                p++;
            if (strncasecmp(p, "and ", 4) == 0)
                p += 4;
        }
        if (strncasecmp(p, "all ", 4) == 0 && part->nrefs == 0)
            p += 4;
        n = colour_at(p, &part->colour);
        if (n == 0 || p + n > end)
            return false;
        p = skip_separators(p + n);
        /* "red #2": the references right after the colour, when nothing
         * else follows them but a note after a separator. */
        const char *q = p;
        struct su_part after = { 0 };
        while (part->nrefs == 0 && (n = ref_at(q)) != 0 && q + n <= end &&
               after.nrefs < SU_MAX_REFS) {
            after.refs[after.nrefs++] = arena_strndup(a, q, n);
            q += n;
            while (is_space(*q) || *q == '&')
                q++;
            if (strncasecmp(q, "and ", 4) == 0)
                q += 4;
        }
        if (after.nrefs) {
            memcpy(part->refs, after.refs, sizeof(after.refs));
            part->nrefs = after.nrefs;
            p = skip_separators(q);
        }
        size_t len = p < end ? (size_t)(end - p) : 0;
        while (len && (is_space(p[len - 1]) || p[len - 1] == ','))
            len--;
        part->note = len ? arena_strndup(a, p, len) : NULL;
        out->nparts++;
        p = *end ? end + 1 : end;
    }
    return out->nparts > 0;
}
