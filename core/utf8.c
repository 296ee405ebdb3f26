#include "utf8.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static bool
continues(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

size_t
utf8_char_len(const char *s, size_t len)
{
    static const unsigned min_cp[4] = { 0, 0x80, 0x800, 0x10000 };
    const unsigned char *p = (const unsigned char *)s;
    size_t need;
    unsigned cp;

    if (len == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) {
        need = 1;
        cp = p[0] & 0x1f;
    } else if ((p[0] & 0xf0) == 0xe0) {
        need = 2;
        cp = p[0] & 0x0f;
    } else if ((p[0] & 0xf8) == 0xf0) {
        need = 3;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len <= need)            /* truncated sequence */
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if (!continues(p[k]))
            return 0;
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if (cp < min_cp[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return need + 1;
}

size_t
utf8_name_char(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = utf8_char_len(s, len);
    if (n <= 1)
        return n == 1 && isalnum(p[0]) ? 1 : 0;
    unsigned cp = p[0] & (0xff >> (n + 1));
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (p[k] & 0x3f);
    /* Latin-1 signs and marks; the multiplication and division signs;
     * general punctuation to dingbats and arrows; CJK punctuation;
     * fullwidth ASCII punctuation; the emoji planes and beyond. */
    bool sign = cp < 0xc0 || cp == 0xd7 || cp == 0xf7 ||
                (cp >= 0x2000 && cp <= 0x2bff) ||
                (cp >= 0x3000 && cp <= 0x303f) ||
                (cp >= 0xfe30 && cp <= 0xfe4f) ||
                (cp >= 0xff00 && cp <= 0xff0f) || cp >= 0x1f000;
    return sign ? 0 : n;
}

long
utf8_invalid_at(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        size_t n = utf8_char_len(s + i, len - i);
        if (n == 0)
            return (long)i;
        i += n;
    }
    return -1;
}

size_t
utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (!continues((unsigned char)*s))
            n++;
    return n;
}

size_t
utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    /* s[max] is the first byte left out: while it continues a sequence,
     * that sequence started inside the prefix and must go too. */
    while (max > 0 && continues((unsigned char)s[max]))
        max--;
    return max;
}

size_t
utf8_cut_chars(const char *s, size_t len, size_t max)
{
    size_t chars = 0;
    for (size_t i = 0; i < len; i++) {
        if (continues((unsigned char)s[i]))
            continue;
        if (chars == max)
            return i;
        chars++;
    }
    return len;
}

size_t
utf8_cut_at_break(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    /* Only the second half counts: a break near the start would leave a
     * part too small to be worth it.  s[max] exists, since len > max. */
    size_t at = max;
    while (at > max / 2 && s[at] != '\n')
        at--;
    if (s[at] == '\n')
        return at;
    at = max;
    while (at > max / 2 && s[at] != ' ')
        at--;
    if (s[at] == ' ')
        return at;
    return utf8_cut(s, len, max);
}

bool
utf8_sendable(const char *s)
{
    if (s == NULL)
        return true;
    size_t n = strlen(s);
    if (utf8_invalid_at(s, n) >= 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (utf8_unsendable((unsigned char)s[i]))
            return false;
    return true;
}
