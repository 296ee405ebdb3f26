#include "str.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"

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
        size_t n = utf8_char_len(in + i, len - i);
        if (n == 0) {
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

bool
str_blank(const char *s)
{
    for (; *s; s++)
        if (!strchr(" \t\r\n", *s))
            return false;
    return true;
}
