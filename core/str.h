/*
 * str: small string helpers shared by the command grammar and the
 * configuration parser.
 */
#ifndef CHORUS_STR_H
#define CHORUS_STR_H

#include <stdbool.h>
#include <stddef.h>

/* Levenshtein distance, case-insensitive, capped at cap+1 for speed. */
int         str_distance(const char *a, const char *b, int cap);
/* The candidate closest to word within a distance that scales with its
 * length (1 for short words, up to 3), or NULL: "did you mean ...?". */
const char *str_suggest(const char *word, const char *const *candidates,
                        size_t n);
/* True for ASCII letters, digits and the characters in extra. */
bool        str_all_in(const char *s, const char *extra);
bool        str_starts_with(const char *s, const char *prefix);
/* Empty, or nothing but spaces, tabs and line breaks. */
bool        str_blank(const char *s);
/* A display name from a platform, made safe to store and show: invalid
 * UTF-8 and control characters dropped, spaces collapsed and trimmed, at
 * most max_chars characters.  Writes "" when nothing is left. */
void        str_clean_name(const char *in, char *out, size_t outlen,
                           size_t max_chars);
/* Case-insensitive ASCII prefix test. */
bool        str_starts_with_ci(const char *s, const char *prefix);

#endif
