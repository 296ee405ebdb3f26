/* test_json: the getters every adapter and simulator reads platform JSON
 * with (adapters/runtime/json.c): paths, types, ranges, ids, and input
 * of the wrong shape, which reads as missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "json.h"

static const char *const doc =
    "{\"type\":\"view_submission\","
    " \"user\":{\"id\":\"U024BE7LH\",\"name\":\"bob\"},"
    " \"view\":{\"state\":{\"values\":{\"b\":{\"a\":{\"value\":\"hi\"}}}}},"
    " \"actions\":[{\"value\":\"approve\"},{\"value\":\"reject\"}],"
    " \"0\":\"a key of digits\","
    " \"n\":42, \"neg\":-7, \"frac\":2.75, \"big\":1e300, \"zero\":0,"
    " \"yes\":true, \"no\":false, \"nul\":null,"
    " \"id_str\":\"1100123456789012345\", \"id_num\":1100123456789,"
    " \"id_frac\":12.5, \"id_neg\":-1, \"id_huge\":9007199254740992,"
    " \"max\":9007199254740991}";

static cJSON *
parse(void)
{
    cJSON *j = cJSON_Parse(doc);
    assert_non_null(j);
    return j;
}

static void
paths(void **state)
{
    (void)state;
    cJSON *j = parse();
    assert_ptr_equal(json_get(j, ""), j);
    assert_string_equal(json_string(j, "type"), "view_submission");
    assert_string_equal(json_string(j, "user.id"), "U024BE7LH");
    assert_string_equal(json_string(j, "view.state.values.b.a.value"), "hi");
    /* Digits index an array, and name a member of an object. */
    assert_string_equal(json_string(j, "actions.0.value"), "approve");
    assert_string_equal(json_string(j, "actions.1.value"), "reject");
    assert_string_equal(json_string(j, "0"), "a key of digits");
    /* Missing, past the end, through a non-container, on NULL. */
    assert_null(json_get(j, "actions.2.value"));
    assert_null(json_get(j, "actions.x"));
    assert_null(json_get(j, "type.length"));
    assert_null(json_get(j, "nope.id"));
    assert_null(json_get(NULL, "type"));
    assert_null(json_string(NULL, "type"));
    assert_null(json_get(j, "actions.99999999999"));
    /* Keys are case-sensitive. */
    assert_null(json_get(j, "Type"));
    /* A segment longer than any key finds nothing. */
    char longkey[200];
    memset(longkey, 'k', sizeof(longkey) - 1);
    longkey[sizeof(longkey) - 1] = '\0';
    assert_null(json_get(j, longkey));
    /* Not a string: NULL. */
    assert_null(json_string(j, "n"));
    assert_null(json_string(j, "user"));
    assert_null(json_string(j, "nul"));
    cJSON_Delete(j);
}

static void
ints(void **state)
{
    (void)state;
    cJSON *j = parse();
    assert_int_equal(json_int(j, "n", 0, 100, -1), 42);
    assert_int_equal(json_int(j, "n", 42, 42, -1), 42);    /* inclusive */
    assert_int_equal(json_int(j, "n", 43, 100, -1), -1);   /* below */
    assert_int_equal(json_int(j, "n", 0, 41, -1), -1);     /* above */
    assert_int_equal(json_int(j, "neg", JSON_INT_MIN, JSON_INT_MAX, 0), -7);
    assert_int_equal(json_int(j, "neg", 0, JSON_INT_MAX, 5), 5);
    /* The fraction is dropped. */
    assert_int_equal(json_int(j, "frac", 0, 10, -1), 2);
    assert_int_equal(json_int(j, "big", JSON_INT_MIN, JSON_INT_MAX, -1), -1);
    assert_int_equal(json_int(j, "max", 0, JSON_INT_MAX, -1), JSON_INT_MAX);
    assert_int_equal(json_int(j, "id_huge", 0, JSON_INT_MAX, -1), -1);
    /* Bounds beyond what a double holds exactly are held to it. */
    assert_int_equal(json_int(j, "id_huge", INT64_MIN, INT64_MAX, -1), -1);
    /* Missing or of another type: the default. */
    assert_int_equal(json_int(j, "nope", 0, 10, 9), 9);
    assert_int_equal(json_int(j, "type", 0, 10, 9), 9);
    assert_int_equal(json_int(j, "yes", 0, 10, 9), 9);
    assert_int_equal(json_int(j, "nul", 0, 10, 9), 9);
    assert_int_equal(json_int(NULL, "n", 0, 10, 9), 9);
    /* A NaN is no number in range. */
    cJSON *nan = cJSON_CreateObject();
    cJSON_AddNumberToObject(nan, "x", NAN);
    assert_int_equal(json_int(nan, "x", JSON_INT_MIN, JSON_INT_MAX, 3), 3);
    cJSON_Delete(nan);

    assert_true(json_number(j, "frac", 0) == 2.75);
    assert_true(json_number(j, "type", 1.5) == 1.5);
    cJSON_Delete(j);
}

static void
bools(void **state)
{
    (void)state;
    cJSON *j = parse();
    assert_true(json_bool(j, "yes", false));
    assert_false(json_bool(j, "no", true));
    assert_true(json_bool(j, "nope", true));
    assert_false(json_bool(j, "zero", false));     /* 0 is not false */
    assert_true(json_bool(j, "type", true));
    cJSON_Delete(j);
}

static void
ids(void **state)
{
    (void)state;
    cJSON *j = parse();
    char id[24];
    assert_true(json_id(j, "id_str", id, sizeof(id)));
    assert_string_equal(id, "1100123456789012345");
    assert_true(json_id(j, "id_num", id, sizeof(id)));
    assert_string_equal(id, "1100123456789");
    assert_true(json_id(j, "zero", id, sizeof(id)));
    assert_string_equal(id, "0");
    assert_true(json_id(j, "max", id, sizeof(id)));
    assert_string_equal(id, "9007199254740991");
    assert_true(json_id(j, "user.id", id, sizeof(id)));
    assert_string_equal(id, "U024BE7LH");
    /* Not an id: false and "". */
    static const char *const bad[] = { "id_frac", "id_neg", "id_huge",
                                       "yes", "nul", "user", "nope" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        memcpy(id, "junk", 5);
        assert_false(json_id(j, bad[i], id, sizeof(id)));
        assert_string_equal(id, "");
    }
    /* Too long for out, as a string or as a number. */
    char small[10];
    assert_false(json_id(j, "id_str", small, sizeof(small)));
    assert_string_equal(small, "");
    assert_false(json_id(j, "id_num", small, sizeof(small)));
    assert_string_equal(small, "");
    assert_true(json_id(j, "n", small, 3));
    assert_string_equal(small, "42");
    assert_false(json_id(j, "n", small, 2));
    assert_false(json_id(j, "n", small, 0));
    cJSON_Delete(j);
}

/* A \u0000 escape would end the C string: the text keeps its length,
 * with U+001A where the NUL was, so the core refuses it. */
static void
nul_escapes(void **state)
{
    (void)state;
    static const char j1[] = "{\"text\":\"approve x#1\\u0000 and more\","
                             "\"k\\u0000\":1}";
    cJSON *o = json_parse(j1, sizeof(j1) - 1);
    assert_non_null(o);
    assert_string_equal(json_string(o, "text"), "approve x#1\x1a and more");
    assert_int_equal(json_int(o, "k\x1a", 0, 9, -1), 1);
    cJSON_Delete(o);

    /* An escaped backslash before "u0000" is text, not an escape; and
     * outside strings nothing is touched. */
    static const char j2[] = "{\"a\":\"\\\\u0000\",\"b\":\"\\\"\\u0000\"}";
    o = json_parse(j2, sizeof(j2) - 1);
    assert_non_null(o);
    assert_string_equal(json_string(o, "a"), "\\u0000");
    assert_string_equal(json_string(o, "b"), "\"\x1a");
    cJSON_Delete(o);
    assert_null(json_parse("{\"a\":\"x\"", 9));
    assert_null(json_parse("\\u0000", 6));
    /* Only len bytes are read. */
    o = json_parse("[1]garbage", 3);
    assert_true(cJSON_IsArray(o));
    cJSON_Delete(o);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths),
        cmocka_unit_test(ints),
        cmocka_unit_test(bools),
        cmocka_unit_test(ids),
        cmocka_unit_test(nul_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
