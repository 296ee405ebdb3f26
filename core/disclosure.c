/* disclosure: the caption check at submission (see disclosure.h). */
#include "disclosure.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {
    [DISCLOSURE_OK] = NULL,
    [DISCLOSURE_NO_CAPTION] = "no_caption",
    [DISCLOSURE_MISSING] = "missing",
    [DISCLOSURE_BURIED] = "buried",
    [DISCLOSURE_HASHTAG_BLOCK] = "hashtag_block",
};

const char *
disclosure_name(enum disclosure_verdict v)
{
    return names[v];
}

enum disclosure_verdict
disclosure_parse(const char *name)
{
    for (size_t i = 1; name && i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], name) == 0)
            return (enum disclosure_verdict)i;
    return DISCLOSURE_OK;
}

/* A byte that continues a word: a tag must end before none of these
 * ("#ad" is not in "#adidas" nor in "#ad_team"; any non-ASCII byte counts,
 * so "#adé" is not "#ad" either). */
static bool
word_byte(unsigned char c)
{
    return isalnum(c) || c == '_' || c >= 0x80;
}

static bool
blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* One item of the list, trimmed, with its '#' (added when missing). */
static size_t
next_tag(const char **p, char *tag, size_t taglen)
{
    for (;;) {
        const char *s = *p;
        if (!*s)
            return 0;
        size_t n = strcspn(s, "\n");
        *p = s + n + (s[n] == '\n');
        while (n && blank((unsigned char)*s)) {
            s++;
            n--;
        }
        while (n && blank((unsigned char)s[n - 1]))
            n--;
        if (!n)
            continue;
        int w = snprintf(tag, taglen, "%s%.*s", *s == '#' ? "" : "#",
                         (int)n, s);
        if (w > 0 && (size_t)w < taglen)
            return (size_t)w;
    }
}

/* Where the trailing block of hashtags starts (the caption's length when
 * it ends in fewer than DISCLOSURE_BLOCK of them). */
static size_t
block_start(const char *s, size_t len)
{
    size_t at = len, e = len;
    int tags = 0;
    for (;;) {
        while (e && blank((unsigned char)s[e - 1]))
            e--;
        size_t b = e;
        while (b && !blank((unsigned char)s[b - 1]))
            b--;
        if (b == e || s[b] != '#')
            break;
        tags++;
        at = b;
        e = b;
    }
    return tags >= DISCLOSURE_BLOCK ? at : len;
}

enum disclosure_verdict
disclosure_check(const char *caption, const char *tags)
{
    const char *c = caption ? caption : "";
    while (blank((unsigned char)*c))
        c++;
    if (!*c)
        return DISCLOSURE_NO_CAPTION;
    size_t len = strlen(c), block = block_start(c, len);
    if (!tags || !tags[strspn(tags, " \t\r\n")])
        tags = "#ad";
    bool buried = false, in_block = false;
    char tag[128];
    size_t tl;
    for (const char *p = tags; (tl = next_tag(&p, tag, sizeof(tag)));) {
        size_t chars = 0;   /* characters before i */
        for (size_t i = 0; i + tl <= len; i++) {
            if ((c[i] & 0xc0) != 0x80 && i)
                chars++;
            if (i && word_byte((unsigned char)c[i - 1]))
                continue;
            if (strncasecmp(c + i, tag, tl) != 0 ||
                (i + tl < len && word_byte((unsigned char)c[i + tl])))
                continue;
            size_t end = chars;   /* characters up to the tag's end */
            for (size_t k = i; k < i + tl; k++)
                end += (c[k] & 0xc0) != 0x80;
            if (end > DISCLOSURE_VISIBLE)
                buried = true;
            else if (i >= block)
                in_block = true;
            else
                return DISCLOSURE_OK;
        }
    }
    return in_block ? DISCLOSURE_HASHTAG_BLOCK
           : buried ? DISCLOSURE_BURIED
                    : DISCLOSURE_MISSING;
}

void
disclosure_tags_text(const char *tags, char *out, size_t outlen)
{
    if (!tags || !tags[strspn(tags, " \t\r\n")])
        tags = "#ad";
    size_t o = 0;
    char tag[128];
    size_t tl;
    out[0] = '\0';
    for (const char *p = tags; (tl = next_tag(&p, tag, sizeof(tag)));) {
        int w = snprintf(out + o, outlen - o, "%s%s", o ? " or " : "", tag);
        if (w < 0 || (size_t)w >= outlen - o)
            break;
        o += (size_t)w;
    }
}
