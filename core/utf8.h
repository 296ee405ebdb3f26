/*
 * utf8: checking, counting and cutting UTF-8 text.
 *
 * Every place that shortens text to a platform's limit (a Discord topic
 * or message part, a Slack label, a console snippet, an excerpt in an
 * audit line) cuts through here, so no cut splits a character: platforms
 * refuse text with a broken sequence, and a terminal shows garbage.
 *
 * The cutters work on lengths and return lengths; they never write.  A
 * "character" is a code point; the cutters count every byte that does
 * not continue a sequence as one, so on invalid input they still return
 * a length within the limit, only perhaps not a useful one.
 */
#ifndef CHORUS_UTF8_H
#define CHORUS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* A byte no message may carry to a platform: a control character other
 * than newline and tab (platforms refuse them, a terminal obeys them). */
static inline bool
utf8_unsendable(unsigned char c)
{
    return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

/* Whether text may go to a platform as it is: valid UTF-8 without an
 * unsendable byte (NULL: nothing to send, so yes).  What every adapter is
 * handed; the tests' fake adapters check each message with it. */
bool   utf8_sendable(const char *s);
/* Offset of the first invalid UTF-8 byte, or -1 if s[0..len) is valid.
 * Overlong forms, surrogates and code points above U+10FFFF are invalid. */
long   utf8_invalid_at(const char *s, size_t len);
/* Bytes (1 to 4) of the valid character that starts s[0..len), or 0 when
 * len is 0 or s starts with a byte that begins none (a stray byte, a
 * truncated or overlong sequence). */
size_t utf8_char_len(const char *s, size_t len);
/*
 * Bytes of the character at s[0..len) when it may be part of a person's
 * name (an ASCII letter or digit, or a letter of another script: José,
 * Zoë, Łukasz, 李), else 0.  Without Unicode tables, "a letter of another
 * script" is any valid non-ASCII character outside the punctuation and
 * symbol blocks (curly quotes, dashes, no-break space, emoji).
 */
size_t utf8_name_char(const char *s, size_t len);
/* Number of code points in s (counted by their first bytes). */
size_t utf8_length(const char *s);

/* The length of the longest prefix of s[0..len) of at most max bytes
 * that does not end inside a character: len itself when len <= max. */
size_t utf8_cut(const char *s, size_t len, size_t max);
/* The length in bytes of the longest prefix of s[0..len) that holds at
 * most max characters (for limits counted in characters, as Slack's). */
size_t utf8_cut_chars(const char *s, size_t len, size_t max);
/*
 * Where to end the first part of a text too long for one message of at
 * most max bytes: at the last line break in s[max/2..max], else at the
 * last space there, else at utf8_cut().  The break itself is not in the
 * part (s[cut] is it, and starts the rest).  len itself when len <= max.
 */
size_t utf8_cut_at_break(const char *s, size_t len, size_t max);

#endif
