/* test_disclosure: the caption check at submission (core/disclosure.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "disclosure.h"

/* 130 characters of story, so whatever follows is past the fold. */
#define LONG "Morning run along the river, cold can in hand, the sun " \
             "coming up over the bridge, and the first sip that makes " \
             "the whole day start right."

static void
buried_and_up_front(void **state)
{
    (void)state;
    assert_true(strlen(LONG) > DISCLOSURE_VISIBLE);
    assert_int_equal(disclosure_check(LONG " #ad", NULL), DISCLOSURE_BURIED);
    assert_int_equal(disclosure_check("#ad " LONG, NULL), DISCLOSURE_OK);
    assert_int_equal(disclosure_check("Paid post: #ad. " LONG, NULL),
                     DISCLOSURE_OK);
    /* The tag must be whole inside the visible part. */
    char edge[200];
    memset(edge, 'x', DISCLOSURE_VISIBLE - 4);
    memcpy(edge + DISCLOSURE_VISIBLE - 4, " #ad", 5);
    assert_int_equal(disclosure_check(edge, NULL), DISCLOSURE_OK);
    memset(edge, 'x', DISCLOSURE_VISIBLE - 3);
    memcpy(edge + DISCLOSURE_VISIBLE - 3, " #ad", 5);
    assert_int_equal(disclosure_check(edge, NULL), DISCLOSURE_BURIED);
}

static void
trailing_hashtag_block(void **state)
{
    (void)state;
    assert_int_equal(disclosure_check("Cold can, big smile #fitness "
                                      "#morning #ad #run", NULL),
                     DISCLOSURE_HASHTAG_BLOCK);
    /* Up front as well: fine. */
    assert_int_equal(disclosure_check("#ad Cold can, big smile #fitness "
                                      "#morning #ad #run", NULL),
                     DISCLOSURE_OK);
    /* One or two hashtags at the end are not a block. */
    assert_int_equal(disclosure_check("Cold can, big smile #ad", NULL),
                     DISCLOSURE_OK);
    assert_int_equal(disclosure_check("Cold can, big smile #run #ad", NULL),
                     DISCLOSURE_OK);
}

static void
whole_tags_only(void **state)
{
    (void)state;
    assert_int_equal(disclosure_check("New #adidas kicks", NULL),
                     DISCLOSURE_MISSING);
    assert_int_equal(disclosure_check("New kicks #ad_team", NULL),
                     DISCLOSURE_MISSING);
    assert_int_equal(disclosure_check("New kicks x#ad", NULL),
                     DISCLOSURE_MISSING);
    assert_int_equal(disclosure_check("Nothing to see here", NULL),
                     DISCLOSURE_MISSING);
    /* #sponsored only when the brief lists it. */
    assert_int_equal(disclosure_check("#sponsored run", NULL),
                     DISCLOSURE_MISSING);
    assert_int_equal(disclosure_check("#sponsored run", "#ad\n#sponsored"),
                     DISCLOSURE_OK);
    assert_int_equal(disclosure_check("#ad run", "#sponsored"),
                     DISCLOSURE_MISSING);
    /* A brief item written without its '#'. */
    assert_int_equal(disclosure_check("#Advert: run", " advert \n"),
                     DISCLOSURE_OK);
}

/* n times "é" (two bytes each), then " #ad". */
static void
accented(char *out, int n)
{
    for (int i = 0; i < n; i++)
        memcpy(out + 2 * i, "\xc3\xa9", 2);
    memcpy(out + 2 * n, " #ad", 5);
}

static void
case_and_utf8(void **state)
{
    (void)state;
    assert_int_equal(disclosure_check("Morning run #AD", NULL),
                     DISCLOSURE_OK);
    assert_int_equal(disclosure_check("#Ad: morning run", NULL),
                     DISCLOSURE_OK);
    /* 120 characters of two-byte text (240 bytes) before the tag: still
     * inside the first 125 characters. */
    char s[400];
    accented(s, 120);
    assert_int_equal(disclosure_check(s, NULL), DISCLOSURE_OK);
    /* Past the fold by characters. */
    char t[400];
    accented(t, 130);
    assert_int_equal(disclosure_check(t, NULL), DISCLOSURE_BURIED);
    /* A letter beyond ASCII right after the tag makes another word. */
    assert_int_equal(disclosure_check("#ad\xc3\xa9 run", NULL),
                     DISCLOSURE_MISSING);
}

static void
no_caption_and_names(void **state)
{
    (void)state;
    assert_int_equal(disclosure_check(NULL, NULL), DISCLOSURE_NO_CAPTION);
    assert_int_equal(disclosure_check("  \n", "#ad"), DISCLOSURE_NO_CAPTION);
    assert_null(disclosure_name(DISCLOSURE_OK));
    assert_string_equal(disclosure_name(DISCLOSURE_BURIED), "buried");
    assert_int_equal(disclosure_parse("hashtag_block"),
                     DISCLOSURE_HASHTAG_BLOCK);
    assert_int_equal(disclosure_parse(NULL), DISCLOSURE_OK);
    char out[64];
    disclosure_tags_text(NULL, out, sizeof(out));
    assert_string_equal(out, "#ad");
    disclosure_tags_text("#ad\nsponsored", out, sizeof(out));
    assert_string_equal(out, "#ad or #sponsored");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buried_and_up_front),
        cmocka_unit_test(trailing_hashtag_block),
        cmocka_unit_test(whole_tags_only),
        cmocka_unit_test(case_and_utf8),
        cmocka_unit_test(no_caption_and_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
