/* test_utf8: validation, counting, and the cutters every platform limit
 * goes through (no cut may split a character). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* e-acute (2 bytes), euro sign (3), a musical G clef (4). */
#define E2 "\xc3\xa9"
#define E3 "\xe2\x82\xac"
#define E4 "\xf0\x9d\x84\x9e"

static void
validation(void **state)
{
    (void)state;
    assert_int_equal(utf8_invalid_at("caf" E2, 5), -1);
    assert_int_equal(utf8_invalid_at("", 0), -1);
    assert_int_equal(utf8_invalid_at(E3 E4, 7), -1);
    assert_int_equal(utf8_invalid_at("ok \xff", 4), 3);
    /* Overlong forms, a surrogate, past U+10FFFF and U+10FFFF itself. */
    assert_int_equal(utf8_invalid_at("\xc0\xaf", 2), 0);
    assert_int_equal(utf8_invalid_at("\xe0\x80\xaf", 3), 0);
    assert_int_equal(utf8_invalid_at("x\xed\xa0\x80", 4), 1);
    assert_int_equal(utf8_invalid_at("\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(utf8_invalid_at("\xf4\x8f\xbf\xbf", 4), -1);
    /* Truncated, and a stray continuation byte. */
    assert_int_equal(utf8_invalid_at("ab\xe2\x82", 4), 2);
    assert_int_equal(utf8_invalid_at("a\x80", 2), 1);
    assert_int_equal(utf8_invalid_at("\xf8\x88\x80\x80\x80", 5), 0);
    /* The length given bounds the check, not a NUL. */
    assert_int_equal(utf8_invalid_at("a\0b", 3), -1);
    assert_int_equal(utf8_invalid_at(E2, 1), 0);
}

static void
char_len(void **state)
{
    (void)state;
    assert_int_equal(utf8_char_len("a", 1), 1);
    assert_int_equal(utf8_char_len("\x01", 1), 1);
    assert_int_equal(utf8_char_len(E2 "x", 3), 2);
    assert_int_equal(utf8_char_len(E3, 3), 3);
    assert_int_equal(utf8_char_len(E4, 4), 4);
    assert_int_equal(utf8_char_len("", 0), 0);
    assert_int_equal(utf8_char_len(E3, 2), 0);              /* truncated */
    assert_int_equal(utf8_char_len("\xa9", 1), 0);          /* continuation */
    assert_int_equal(utf8_char_len("\xc0\xaf", 2), 0);      /* overlong */
    assert_int_equal(utf8_char_len("\xed\xa0\x80", 3), 0);  /* surrogate */
    assert_int_equal(utf8_char_len("\xc3" "a", 2), 0);      /* broken */
}

static void
length(void **state)
{
    (void)state;
    assert_int_equal(utf8_length(""), 0);
    assert_int_equal(utf8_length("caf" E2), 4);
    assert_int_equal(utf8_length(E2 E3 E4), 3);
}

static void
cut(void **state)
{
    (void)state;
    const char *s = "ab" E2 "c";    /* a b e-acute c: 5 bytes */
    assert_int_equal(utf8_cut(s, 5, 5), 5);
    assert_int_equal(utf8_cut(s, 5, 9), 5);
    assert_int_equal(utf8_cut(s, 5, 4), 4);     /* after the e-acute */
    assert_int_equal(utf8_cut(s, 5, 3), 2);     /* not inside it */
    assert_int_equal(utf8_cut(s, 5, 2), 2);
    assert_int_equal(utf8_cut(s, 5, 0), 0);
    /* Every position inside a 3- and a 4-byte character. */
    const char *t = "x" E3 E4;      /* 1 + 3 + 4 bytes */
    static const size_t want[] = { 0, 1, 1, 1, 4, 4, 4, 4, 8 };
    for (size_t max = 0; max <= 8; max++)
        assert_int_equal(utf8_cut(t, 8, max), want[max]);
    /* The length given is the text: what follows it does not matter. */
    assert_int_equal(utf8_cut("abc" E2, 4, 3), 3);
    /* A text of nothing but continuation bytes can only be cut to 0. */
    assert_int_equal(utf8_cut("\x80\x80\x80", 3, 2), 0);
}

/* Every prefix utf8_cut returns, of many texts mixing 1- to 4-byte
 * characters, is the longest valid one within the limit. */
static void
cut_is_longest(void **state)
{
    (void)state;
    static const char *const pieces[] = { "a", " ", E2, E3, E4, "\n" };
    uint32_t rng = 12345;
    for (int round = 0; round < 500; round++) {
        char text[128];
        size_t len = 0;
        while (len + 4 < sizeof(text) - 1) {
            rng = rng * 1103515245u + 12345u;
            const char *p = pieces[(rng >> 16) % 6];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
            if ((rng >> 8) % 17 == 0)
                break;
        }
        text[len] = '\0';
        for (size_t max = 0; max <= len + 1; max++) {
            size_t n = utf8_cut(text, len, max);
            assert_true(n <= max || n == len);
            assert_true(n <= len);
            assert_int_equal(utf8_invalid_at(text, n), -1);
            /* No longer prefix within max is valid too. */
            for (size_t m = n + 1; m <= max && m <= len; m++)
                assert_int_not_equal(utf8_invalid_at(text, m), -1);
        }
    }
}

static void
cut_chars(void **state)
{
    (void)state;
    const char *s = E2 "b" E4 "d";   /* 4 characters, 8 bytes */
    assert_int_equal(utf8_cut_chars(s, 8, 0), 0);
    assert_int_equal(utf8_cut_chars(s, 8, 1), 2);
    assert_int_equal(utf8_cut_chars(s, 8, 2), 3);
    assert_int_equal(utf8_cut_chars(s, 8, 3), 7);
    assert_int_equal(utf8_cut_chars(s, 8, 4), 8);
    assert_int_equal(utf8_cut_chars(s, 8, 100), 8);
    assert_int_equal(utf8_cut_chars("", 0, 3), 0);
    /* Slack's 24-character modal title: 30 e-acutes keep 24 of them. */
    char t[61];
    for (int i = 0; i < 30; i++)
        memcpy(t + 2 * i, E2, 2);
    t[60] = '\0';
    assert_int_equal(utf8_cut_chars(t, 60, 24), 48);
}

static void
cut_at_break(void **state)
{
    (void)state;
    /* Short enough: all of it. */
    assert_int_equal(utf8_cut_at_break("one\ntwo", 7, 7), 7);
    /* A line break in the second half wins over a later space. */
    const char *a = "aaaaaa\nbb cc dd";      /* \n at 6, spaces at 9, 12 */
    assert_int_equal(utf8_cut_at_break(a, strlen(a), 10), 6);
    /* The byte just past the limit counts: a break there ends the part
     * exactly at the limit. */
    assert_int_equal(utf8_cut_at_break(a, strlen(a), 6), 6);
    /* A line break in the first half only is too early: the last space
     * in the second half. */
    const char *b = "a\nbbbbbb cccccc";     /* \n at 1, space at 8 */
    assert_int_equal(utf8_cut_at_break(b, strlen(b), 12), 8);
    /* At max / 2 exactly still counts. */
    const char *c = "abcde\nghijklmnop";    /* \n at 5 */
    assert_int_equal(utf8_cut_at_break(c, strlen(c), 10), 5);
    assert_int_equal(utf8_cut_at_break(c, strlen(c), 12), 12);
    /* No break at all: a character boundary. */
    const char *d = "abcdefgh" E3 "ij";     /* the euro at 8..10 */
    assert_int_equal(utf8_cut_at_break(d, strlen(d), 9), 8);
    assert_int_equal(utf8_cut_at_break(d, strlen(d), 11), 11);
    /* Discord's case: a 2000-byte part of a long text of lines. */
    char text[4100];
    size_t n = 0;
    while (n + 41 < sizeof(text)) {
        memset(text + n, 'x', 40);
        text[n + 40] = '\n';
        n += 41;
    }
    text[n] = '\0';
    size_t part = utf8_cut_at_break(text, n, 2000);
    assert_true(part <= 2000 && part > 1000);
    assert_int_equal(text[part], '\n');
    assert_int_equal(part % 41, 40);
}

/* Letters of any script make names; punctuation and symbols end them. */
static void
name_chars(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t      n;
    } cases[] = {
        { "a", 1 }, { "Z", 1 }, { "7", 1 }, { "_", 0 }, { ".", 0 },
        { " ", 0 }, { "\"", 0 }, { "'", 0 },
        { "\xc3\xa9", 2 },            /* é */
        { "\xc5\x81", 2 },            /* Ł */
        { "\xd0\x96", 2 },            /* Ж */
        { "\xe6\x9d\x8e", 3 },        /* 李 */
        { "\xe0\xa4\xaa", 3 },        /* प */
        { "\xc2\xa0", 0 },            /* no-break space */
        { "\xc3\x97", 0 },            /* × */
        { "\xe2\x80\x99", 0 },        /* ’ */
        { "\xe2\x80\x9c", 0 },        /* “ */
        { "\xe2\x80\x94", 0 },        /* — */
        { "\xe3\x80\x82", 0 },        /* 。 */
        { "\xf0\x9f\x98\x80", 0 },    /* 😀 */
        { "\xc3", 0 },                /* a truncated é */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (utf8_name_char(cases[i].s, strlen(cases[i].s)) != cases[i].n)
            fail_msg("case %zu: want %zu", i, cases[i].n);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(validation),
        cmocka_unit_test(char_len),
        cmocka_unit_test(length),
        cmocka_unit_test(cut),
        cmocka_unit_test(cut_is_longest),
        cmocka_unit_test(cut_chars),
        cmocka_unit_test(cut_at_break),
        cmocka_unit_test(name_chars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
