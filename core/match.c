/* Words, phrases and shingles for conflict alerts (see match.h). */
#include "match.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

/* --- code points -------------------------------------------------------- */

/* The code point at s (len bytes left) and its length; a stray byte is
 * itself, one byte long (the core refuses invalid UTF-8 before here). */
static uint32_t
decode(const unsigned char *s, size_t len, size_t *n)
{
    uint32_t c = s[0];
    size_t need = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
                : (c >> 3) == 30 ? 4 : 1;
    if (need > len)
        need = 1;
    if (need > 1) {
        c &= 0x3f >> (need - 1);
        for (size_t i = 1; i < need; i++)
            c = (c << 6) | (s[i] & 0x3f);
    }
    *n = need;
    return c;
}

static size_t
encode(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xc0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xe0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[2] = (char)(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
    out[3] = (char)(0x80 | (c & 0x3f));
    return 4;
}

/* Latin-1 letters U+00C0..U+00FF and Latin Extended-A U+0100..U+017F
 * without their accents; '-' is not a letter, '2' a two-letter fold. */
static const char latin1[] = "aaaaaa2ceeeeiiiidnooooo-ouuuuy22"
                             "aaaaaa2ceeeeiiiidnooooo-ouuuuy2y";
static const char latin_ext[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhh"
                                "iiiiiiiiii22jjkkkllllllllllnnnnnnnnnooo"
                                "ooo22rrrrrrssssssssttttttuuuuuuuuuuuuww"
                                "yyyzzzzzzs";

enum cls { C_SEP, C_WORD, C_ALONE, C_IGNORE };

/* What a code point is to a word, and its folded form in fold (a letter
 * or two, or the code point itself lower-cased where that is simple). */
static enum cls
classify(uint32_t c, char *fold, size_t *nfold)
{
    *nfold = 0;
    if (c < 0x80) {
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
            fold[(*nfold)++] = (char)c;
            return C_WORD;
        }
        if (c >= 'A' && c <= 'Z') {
            fold[(*nfold)++] = (char)(c + 32);
            return C_WORD;
        }
        return C_SEP;
    }
    if (c >= 0xc0 && c <= 0x17f) {
        char f = c <= 0xff ? latin1[c - 0xc0] : latin_ext[c - 0x100];
        if (f == '-')
            return C_SEP;  /* × ÷ */
        if (f == '2') {
            const char *two = c == 0xc6 || c == 0xe6     ? "ae"
                              : c == 0xde || c == 0xfe   ? "th"
                              : c == 0xdf                ? "ss"
                              : c == 0x132 || c == 0x133 ? "ij"
                                                         : "oe";
            fold[0] = two[0];
            fold[1] = two[1];
            *nfold = 2;
            return C_WORD;
        }
        fold[(*nfold)++] = f;
        return C_WORD;
    }
    if (c < 0xc0)
        return C_SEP;                      /* ¡ « ° and the like */
    if ((c >= 0x300 && c <= 0x36f) || (c >= 0xfe00 && c <= 0xfe0f) ||
        (c >= 0x1f3fb && c <= 0x1f3ff) || c == 0x200d || c == 0x200b ||
        (c >= 0xe0020 && c <= 0xe007f))
        return C_IGNORE;  /* accents, variation selectors, skin tones */
    if (c == 0x2019 || c == 0x2018)
        return C_IGNORE;  /* an apostrophe inside a word: "don’t" */
    /* Greek and Cyrillic capitals have their small letters at a fixed
     * distance. */
    if (c >= 0x391 && c <= 0x3a9)
        c += 32;
    else if (c >= 0x410 && c <= 0x42f)
        c += 32;
    else if (c >= 0x400 && c <= 0x40f)
        c += 80;
    if (c < 0x2000) {
        *nfold = encode(c, fold);
        return C_WORD;
    }
    if (c <= 0x206f)
        return C_SEP;                      /* general punctuation */
    /* Symbols, emoji and characters of scripts written without spaces
     * are words of one character each. */
    bool alone = (c >= 0x2100 && c <= 0x2bff) ||
                 (c >= 0x2e80 && c <= 0x30ff) ||
                 (c >= 0x3400 && c <= 0x9fff) ||
                 (c >= 0xf900 && c <= 0xfaff) ||
                 (c >= 0x1f000 && c <= 0x1faff) ||
                 (c >= 0x20000 && c <= 0x3ffff);
    if ((c >= 0x3000 && c <= 0x303f) || (c >= 0xff00 && c <= 0xff0f))
        return C_SEP;                      /* CJK punctuation */
    *nfold = encode(c, fold);
    return alone ? C_ALONE : C_WORD;
}

/* --- words -------------------------------------------------------------- */

static bool
ends(const char *w, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, k) == 0;
}

/* Take an English plural ending off a folded word of four letters or
 * more: "berries" -> "berry", "boxes" -> "box", "claims" -> "claim";
 * "glass", "bonus" and "basis" stay. */
static size_t
singular(char *w, size_t n)
{
    if (n < 4)
        return n;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)w[i] >= 0x80)
            return n;
    if (ends(w, n, "ies") && n > 4) {
        w[n - 3] = 'y';
        return n - 2;
    }
    if (ends(w, n, "sses") || ends(w, n, "xes") || ends(w, n, "ches") ||
        ends(w, n, "shes") || ends(w, n, "zzes"))
        return n - 2;
    if (ends(w, n, "s") && !ends(w, n, "ss") && !ends(w, n, "us") &&
        !ends(w, n, "is"))
        return n - 1;
    return n;
}

static bool
is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* A tag, a mention or a link starting at s: its length, else 0. */
static size_t
tag_len(const char *s, size_t at)
{
    const char *p = s + at;
    bool tag = (*p == '#' || *p == '@') && p[1] && !is_space((unsigned char)p[1]) &&
               (at == 0 || is_space((unsigned char)p[-1]) || p[-1] == '(');
    bool link = strncmp(p, "http://", 7) == 0 ||
                strncmp(p, "https://", 8) == 0 || strncmp(p, "www.", 4) == 0;
    if (!tag && !link)
        return 0;
    size_t n = 0;
    while (p[n] && !is_space((unsigned char)p[n]))
        n++;
    return n;
}

static bool
word_follows(const char *text, size_t at, size_t len)
{
    size_t n, nf;
    char fold[8];
    if (at >= len)
        return false;
    uint32_t cp = decode((const unsigned char *)text + at, len - at, &n);
    return classify(cp, fold, &nf) == C_WORD;
}

void
match_words(struct arena *a, const char *text, unsigned flags,
            struct match_text *out)
{
    out->src = text ? text : "";
    out->w = NULL;
    out->n = 0;
    if (text == NULL)
        return;
    size_t len = strlen(text), cap = 0;
    char *word = arena_alloc(a, len * 2 + 8);  /* folds at most double */
    size_t wl = 0, wstart = 0, i = 0;
    bool in_word = false;

#define FLUSH(at)                                                          \
    do {                                                                   \
        if (in_word && wl > 0 && out->n < MATCH_MAX_WORDS) {               \
            if (out->n == cap) {                                           \
                size_t ncap = cap ? cap * 2 : 16;                          \
                out->w = arena_grow(a, out->w, cap * sizeof(*out->w),      \
                                    ncap * sizeof(*out->w));               \
                cap = ncap;                                                \
            }                                                              \
            size_t sl = singular(word, wl);                                \
            struct match_word *mw = &out->w[out->n++];                     \
            mw->norm = arena_strndup(a, word, sl);                         \
            mw->len = sl;                                                  \
            mw->start = (uint32_t)wstart;                                  \
            mw->end = (uint32_t)(at);                                      \
        }                                                                  \
        in_word = false;                                                   \
        wl = 0;                                                            \
    } while (0)

    while (i < len) {
        if ((flags & MATCH_SKIP_TAGS) && !in_word) {
            size_t t = tag_len(text, i);
            if (t) {
                i += t;
                continue;
            }
        }
        size_t n;
        uint32_t cp = decode((const unsigned char *)text + i, len - i, &n);
        char fold[8];
        size_t nf;
        enum cls k = classify(cp, fold, &nf);
        /* An apostrophe between letters joins them: "don't". */
        if (cp == '\'' && in_word && word_follows(text, i + 1, len))
            k = C_IGNORE;
        switch (k) {
        case C_WORD:
            if (!in_word) {
                in_word = true;
                wstart = i;
            }
            memcpy(word + wl, fold, nf);
            wl += nf;
            break;
        case C_ALONE:
            FLUSH(i);
            in_word = true;
            wstart = i;
            memcpy(word, fold, nf);
            wl = nf;
            FLUSH(i + n);
            break;
        case C_IGNORE:
            break;
        case C_SEP:
            FLUSH(i);
            break;
        }
        i += n;
    }
    FLUSH(len);
#undef FLUSH
}

/* Does the run of words of t from i spell phrase (the concatenation of
 * its words), ending on a word boundary?  *to is where it ends. */
static bool
spells(const struct match_text *t, size_t i, const char *phrase, size_t plen,
       size_t *to)
{
    size_t got = 0;
    for (size_t j = i; j < t->n; j++) {
        const struct match_word *w = &t->w[j];
        if (got + w->len > plen || memcmp(phrase + got, w->norm, w->len) != 0)
            return false;
        got += w->len;
        if (got == plen) {
            *to = j + 1;
            return true;
        }
    }
    return false;
}

static const char *
joined(const struct match_text *p, char *buf, size_t cap, size_t *len)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (n + p->w[i].len >= cap)
            return NULL;
        memcpy(buf + n, p->w[i].norm, p->w[i].len);
        n += p->w[i].len;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

bool
match_find(const struct match_text *phrase, const struct match_text *text,
           size_t *from, size_t *to)
{
    char buf[1024];
    size_t plen;
    if (phrase->n == 0 || joined(phrase, buf, sizeof(buf), &plen) == NULL)
        return false;
    for (size_t i = 0; i < text->n; i++) {
        if (text->w[i].norm[0] != buf[0])
            continue;
        if (spells(text, i, buf, plen, to)) {
            *from = i;
            return true;
        }
    }
    return false;
}

void
match_drop(const struct match_text *phrase, struct match_text *text)
{
    char buf[1024];
    size_t plen, to;
    if (phrase->n == 0 || joined(phrase, buf, sizeof(buf), &plen) == NULL)
        return;
    for (size_t i = 0; i < text->n; i++)
        if (text->w[i].norm[0] == buf[0] && spells(text, i, buf, plen, &to))
            for (size_t j = i; j < to; j++)
                text->w[j].drop = true;
}

static int
cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The distinct words of t, sorted, in the arena. */
static size_t
word_set(struct arena *a, const struct match_text *t, const char ***out)
{
    const char **v = arena_alloc(a, (t->n ? t->n : 1) * sizeof(*v));
    for (size_t i = 0; i < t->n; i++)
        v[i] = t->w[i].norm;
    qsort(v, t->n, sizeof(*v), cmp_str);
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        if (n == 0 || strcmp(v[n - 1], v[i]) != 0)
            v[n++] = v[i];
    *out = v;
    return n;
}

bool
match_same_words(struct arena *a, const struct match_text *x,
                 const struct match_text *y)
{
    const char **vx, **vy;
    size_t nx = word_set(a, x, &vx), ny = word_set(a, y, &vy);
    if (nx == 0 || nx != ny)
        return false;
    for (size_t i = 0; i < nx; i++)
        if (strcmp(vx[i], vy[i]) != 0)
            return false;
    return true;
}

const char *
match_canonical(struct arena *a, const struct match_text *t)
{
    size_t len = 1;
    for (size_t i = 0; i < t->n; i++)
        len += t->w[i].len + 1;
    char *s = arena_alloc(a, len), *p = s;
    for (size_t i = 0; i < t->n; i++) {
        if (i)
            *p++ = ' ';
        memcpy(p, t->w[i].norm, t->w[i].len);
        p += t->w[i].len;
    }
    *p = '\0';
    return s;
}

/* --- shingles ----------------------------------------------------------- */

/* FNV-1a over the words of a shingle, a separator between them. */
static uint64_t
shingle_hash(const struct match_word *const *w)
{
    uint64_t h = UINT64_C(14695981039346656037);
    for (size_t k = 0; k < MATCH_SHINGLE; k++) {
        for (size_t i = 0; i < w[k]->len; i++) {
            h ^= (unsigned char)w[k]->norm[i];
            h *= UINT64_C(1099511628211);
        }
        h ^= 0x1f;
        h *= UINT64_C(1099511628211);
    }
    /* SQLite keeps signed 64-bit integers: any value round-trips. */
    return h;
}

static int
cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* The shingle hash of each run of MATCH_SHINGLE kept words, in text
 * order (*pos: the index of its first word); *n of them. */
static uint64_t *
shingles_in_order(struct arena *a, const struct match_text *t, size_t **pos,
                  size_t *n)
{
    size_t *kept = arena_alloc(a, (t->n ? t->n : 1) * sizeof(*kept));
    size_t nk = 0;
    for (size_t i = 0; i < t->n; i++)
        if (!t->w[i].drop)
            kept[nk++] = i;
    *n = nk >= MATCH_SHINGLE ? nk - MATCH_SHINGLE + 1 : 0;
    uint64_t *h = arena_alloc(a, (*n ? *n : 1) * sizeof(*h));
    if (pos)
        *pos = arena_alloc(a, (*n ? *n : 1) * sizeof(**pos));
    for (size_t i = 0; i < *n; i++) {
        const struct match_word *w[MATCH_SHINGLE];
        for (size_t k = 0; k < MATCH_SHINGLE; k++)
            w[k] = &t->w[kept[i + k]];
        h[i] = shingle_hash(w);
        if (pos)
            (*pos)[i] = kept[i];
    }
    return h;
}

uint64_t *
match_shingles(struct arena *a, const struct match_text *t, size_t *n)
{
    uint64_t *h = shingles_in_order(a, t, NULL, n);
    qsort(h, *n, sizeof(*h), cmp_u64);
    size_t m = 0;
    for (size_t i = 0; i < *n; i++)
        if (m == 0 || h[m - 1] != h[i])
            h[m++] = h[i];
    *n = m;
    return h;
}

size_t
match_common(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
    size_t i = 0, j = 0, n = 0;
    while (i < nx && j < ny) {
        if (x[i] < y[j]) {
            i++;
        } else if (x[i] > y[j]) {
            j++;
        } else {
            n++;
            i++;
            j++;
        }
    }
    return n;
}

int
match_similarity(const uint64_t *x, size_t nx, const uint64_t *y, size_t ny)
{
    size_t both = match_common(x, nx, y, ny), either = nx + ny - both;
    return either ? (int)(both * 100 / either) : 0;
}

static bool
has(const uint64_t *v, size_t n, uint64_t h)
{
    return bsearch(&h, v, n, sizeof(*v), cmp_u64) != NULL;
}

const char *
match_passage(struct arena *a, const struct match_text *t,
              const uint64_t *other, size_t nother, size_t max_bytes)
{
    size_t *pos, n;
    uint64_t *h = shingles_in_order(a, t, &pos, &n);
    size_t best = 0, best_at = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = has(other, nother, h[i]) ? run + 1 : 0;
        if (run > best) {
            best = run;
            best_at = i + 1 - run;
        }
    }
    if (best == 0)
        return NULL;
    /* The shingles best_at .. best_at+best-1 cover their words up to the
     * last word of the last one. */
    size_t first = pos[best_at];
    size_t last_shingle = best_at + best - 1;
    size_t last = pos[last_shingle];
    for (size_t k = 1, j = last + 1; k < MATCH_SHINGLE && j < t->n; j++)
        if (!t->w[j].drop) {
            last = j;
            k++;
        }
    size_t from = t->w[first].start, to = t->w[last].end;
    size_t len = to - from;
    bool cut = false;
    if (len > max_bytes) {
        /* Back to the start of a character. */
        len = max_bytes;
        while (len > 0 && ((unsigned char)t->src[from + len] & 0xc0) == 0x80)
            len--;
        cut = true;
    }
    char *q = arena_alloc(a, len + 4);
    memcpy(q, t->src + from, len);
    if (cut)
        memcpy(q + len, "\xe2\x80\xa6", 4);
    return q;
}
