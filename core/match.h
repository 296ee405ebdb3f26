/*
 * match: words and phrases compared the way a reader compares them, for
 * conflict alerts (conflict.c).
 *
 * A text is cut into words: letters and digits, case-folded, accents
 * dropped (é -> e, ß -> ss, Œ -> oe), and a plural ending taken off
 * ("claims" -> "claim", "berries" -> "berry", "boxes" -> "box").  An
 * emoji or a CJK character is a word of its own; punctuation, hyphens
 * and spaces only separate words.  A phrase is found in a text when its
 * words appear there in a row -- whole words, never a piece of one
 * ("cola" is not in "chocolate") -- and word boundaries do not matter
 * inside it: "sugar free", "Sugar-free" and "sugarfree" are one phrase.
 *
 * Near-duplicate texts are compared as sets of word shingles (runs of
 * MATCH_SHINGLE words, hashed) with the Jaccard similarity |A∩B| / |A∪B|;
 * the passage quoted is the longest run of words the two share.
 *
 * Nothing here touches the store; strings come from the arena given.
 */
#ifndef CHORUS_MATCH_H
#define CHORUS_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

#define MATCH_SHINGLE 3

struct match_word {
    const char *norm;     /* folded and singular; in the arena */
    size_t      len;
    uint32_t    start;    /* bytes of the source text it came from */
    uint32_t    end;
    bool        drop;     /* boilerplate: left out of shingles */
};

struct match_text {
    const char        *src;
    struct match_word *w;
    size_t             n;
};

enum {
    /* Leave out #hashtags, @mentions and links: the shared boilerplate
     * of captions, not their content. */
    MATCH_SKIP_TAGS = 1u << 0,
};

/* The words of text (NULL: none).  At most MATCH_MAX_WORDS are kept. */
#define MATCH_MAX_WORDS 4096
void match_words(struct arena *a, const char *text, unsigned flags,
                 struct match_text *out);
/* Where phrase occurs in text: true with the words [*from, *to) of
 * text.  A phrase without words is found nowhere. */
bool match_find(const struct match_text *phrase, const struct match_text *text,
                size_t *from, size_t *to);
/* Mark the words of every occurrence of phrase in text as dropped. */
void match_drop(const struct match_text *phrase, struct match_text *text);
/* The same words, in any order and counted once ("Urban runners, 18-30"
 * and "urban runner 18 30"); two texts without words are not the same. */
bool match_same_words(struct arena *a, const struct match_text *x,
                      const struct match_text *y);
/* The words joined by single spaces: a phrase's canonical form. */
const char *match_canonical(struct arena *a, const struct match_text *t);

/* The distinct shingle hashes of the words not dropped, sorted, in an
 * arena array; *n is 0 for a text of fewer than MATCH_SHINGLE words. */
uint64_t *match_shingles(struct arena *a, const struct match_text *t,
                         size_t *n);
/* |A∩B| of two sorted hash arrays. */
size_t match_common(const uint64_t *x, size_t nx, const uint64_t *y,
                    size_t ny);
/* Jaccard similarity in percent (0 when both are empty). */
int match_similarity(const uint64_t *x, size_t nx, const uint64_t *y,
                     size_t ny);
/* The longest run of words of t whose shingles all are in other (sorted),
 * as a quote of at most max_bytes of t's source ("…" where cut); NULL
 * when they share no shingle. */
const char *match_passage(struct arena *a, const struct match_text *t,
                          const uint64_t *other, size_t nother,
                          size_t max_bytes);

#endif
