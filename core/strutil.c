#include "strutil.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

int
str_distance(const char *a, const char *b, int cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap + 1;
    if ((int)(la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    int row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        int best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = tolower((unsigned char)a[i - 1]) ==
                               tolower((unsigned char)b[j - 1])
                           ? 0 : 1;
            int v = diag + cost;
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            diag = up;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb];
}

const char *
str_suggest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    int cap = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    const char *best = NULL;
    int best_d = cap + 1;
    for (size_t i = 0; i < n; i++) {
        if (candidates[i] == NULL)
            continue;
        int d = str_distance(word, candidates[i], cap);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

long
utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        size_t need;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            need = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            need = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            need = 3;
            cp = c & 0x07;
        } else {
            return (long)i;
        }
        if (len - i <= need)    /* truncated sequence */
            return (long)i;
        for (size_t k = 1; k <= need; k++) {
            if ((p[i + k] & 0xc0) != 0x80)
                return (long)i;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        static const unsigned min_cp[4] = { 0, 0x80, 0x800, 0x10000 };
        if (cp < min_cp[need] || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return (long)i;
        i += need + 1;
    }
    return -1;
}

size_t
utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

bool
str_all_in(const char *s, const char *extra)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
            return false;
    return true;
}

bool
str_starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_starts_with_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

void
str_clean_name(const char *in, char *out, size_t outlen, size_t max_chars)
{
    size_t o = 0, chars = 0, len = strlen(in);
    bool space = false;
    if (outlen == 0)
        return;
    for (size_t i = 0; i < len && chars < max_chars;) {
        unsigned char ch = (unsigned char)in[i];
        size_t n = ch < 0x80 ? 1 : (ch & 0xe0) == 0xc0 ? 2
                   : (ch & 0xf0) == 0xe0 ? 3 : (ch & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || n > len - i || utf8_invalid_at(in + i, n) >= 0) {
            i++;            /* a stray byte */
            continue;
        }
        if (n == 1 && (ch < 0x20 || ch == 0x7f || ch == ' ')) {
            space = o > 0;  /* runs of blanks and controls become one space */
            i++;
            continue;
        }
        if (o + n + (space ? 1 : 0) >= outlen)
            break;
        if (space) {
            out[o++] = ' ';
            space = false;
        }
        memcpy(out + o, in + i, n);
        o += n;
        i += n;
        chars++;
    }
    out[o] = '\0';
}
