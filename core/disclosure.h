/*
 * disclosure: is a caption's sponsorship disclosure where readers see it?
 *
 * The brief's `disclosure` list names the accepted tags ("#ad" when it
 * names none).  A caption discloses when one of them appears, as a whole
 * tag and in any case, within its first DISCLOSURE_VISIBLE characters
 * (what a feed shows before "more") and not only inside the block of
 * hashtags that ends it.  "#ad" does not match "#adidas"; "#sponsored"
 * counts only when the brief lists it.
 */
#ifndef CHORUS_DISCLOSURE_H
#define CHORUS_DISCLOSURE_H

#include <stddef.h>

#define DISCLOSURE_VISIBLE 125
/* Hashtags in a row at the end of a caption that make a block. */
#define DISCLOSURE_BLOCK 3

enum disclosure_verdict {
    DISCLOSURE_OK,
    DISCLOSURE_NO_CAPTION,    /* nothing to check; not a fault */
    DISCLOSURE_MISSING,       /* none of the tags */
    DISCLOSURE_BURIED,        /* only after the first characters */
    DISCLOSURE_HASHTAG_BLOCK, /* only inside the trailing hashtag block */
};

/* Check caption (NULL or blank: no caption) against tags, the brief's
 * list with items separated by '\n' (NULL or empty: "#ad"). */
enum disclosure_verdict disclosure_check(const char *caption,
                                         const char *tags);
/* The verdict's stored name ("missing", ...; NULL for DISCLOSURE_OK) and
 * back (DISCLOSURE_OK for NULL or an unknown name). */
const char *disclosure_name(enum disclosure_verdict v);
enum disclosure_verdict disclosure_parse(const char *name);
/* "#ad" or "#ad or #sponsored": the tags as a reader should write them,
 * into out. */
void disclosure_tags_text(const char *tags, char *out, size_t outlen);

#endif
