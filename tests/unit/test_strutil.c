/* test_strutil: suggestions, UTF-8 checks and display-name cleaning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/strutil.h"

static void
distance_and_suggestions(void **state)
{
    (void)state;
    assert_int_equal(str_distance("approve", "aprove", 3), 1);
    assert_int_equal(str_distance("Approve", "approve", 3), 0);
    assert_int_equal(str_distance("kitten", "sitting", 5), 3);
    /* Past the cap the answer is only "more than the cap". */
    assert_true(str_distance("a", "abcdefgh", 2) > 2);
    static const char *const words[] = { "add", "approve", "ask", "audit" };
    assert_string_equal(str_suggest("aprove", words, 4), "approve");
    assert_string_equal(str_suggest("adit", words, 4), "audit");
    assert_null(str_suggest("zzzzzz", words, 4));
}

static void
utf8_validation(void **state)
{
    (void)state;
    assert_int_equal(utf8_invalid_at("caf\xc3\xa9", 5), -1);
    assert_int_equal(utf8_invalid_at("ok \xff", 4), 3);
    assert_int_equal(utf8_invalid_at("\xc0\xaf", 2), 0);          /* overlong */
    assert_int_equal(utf8_invalid_at("x\xed\xa0\x80", 4), 1);     /* surrogate */
    assert_int_equal(utf8_invalid_at("\xf4\x90\x80\x80", 4), 0);  /* > U+10FFFF */
    assert_int_equal(utf8_invalid_at("ab\xe2\x82", 4), 2);        /* truncated */
    assert_int_equal(utf8_length("caf\xc3\xa9"), 4);
}

static void
clean_names(void **state)
{
    (void)state;
    char out[64];
    str_clean_name("  Bob \t Lee\n", out, sizeof(out), 80);
    assert_string_equal(out, "Bob Lee");
    str_clean_name("Eve\x01p12\x02 bad\xff", out, sizeof(out), 80);
    assert_string_equal(out, "Eve p12 bad");
    str_clean_name("Ren\xc3\xa9" "e", out, sizeof(out), 3);   /* three chars */
    assert_string_equal(out, "Ren");
    str_clean_name("\x07\x08\n", out, sizeof(out), 80);
    assert_string_equal(out, "");
    /* The output buffer bounds it too, on a character boundary. */
    char tiny[5];
    str_clean_name("\xc3\xa9\xc3\xa9\xc3\xa9", tiny, sizeof(tiny), 80);
    assert_string_equal(tiny, "\xc3\xa9\xc3\xa9");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_and_suggestions),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(clean_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
