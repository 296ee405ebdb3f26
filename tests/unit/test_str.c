/* test_str: suggestions, display-name cleaning, and the arena every
 * string of a unit of work lives in (UTF-8: test_utf8). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "str.h"

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

/* Reset keeps a block for the next use: what comes out of it is zeroed
 * again, and blocks beyond the first (a large request, a long unit of
 * work) still work across resets. */
static void
arena_reuse(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    for (int round = 0; round < 3; round++) {
        unsigned char *p = arena_alloc(a, 64);
        for (size_t i = 0; i < 64; i++)
            assert_int_equal(p[i], 0);
        memset(p, 0xab, 64);
        char *big = arena_alloc(a, 100 * 1024);    /* a block of its own */
        memset(big, 'x', 100 * 1024);
        char *many[200];
        for (int i = 0; i < 200; i++)              /* past the first block */
            many[i] = arena_printf(a, "line %d of round %d", i, round);
        char want[32];
        snprintf(want, sizeof(want), "line 199 of round %d", round);
        assert_string_equal(many[199], want);
        assert_string_equal(many[0], round == 0   ? "line 0 of round 0"
                                     : round == 1 ? "line 0 of round 1"
                                                  : "line 0 of round 2");
        assert_int_equal(big[100 * 1024 - 1], 'x');
        arena_reset(a);
    }
    arena_free(a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distance_and_suggestions),
        cmocka_unit_test(clean_names),
        cmocka_unit_test(arena_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
