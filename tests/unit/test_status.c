/*
 * test_status: the status enum and its names, the outbox kinds, and the
 * role names used in every permission message.  Expected strings are
 * written out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "adapter.h"
#include "model.h"
#include "status.h"

/* Every status below CH_STATUS_LAST has its own, real name. */
static void
status_names_distinct(void **state)
{
    (void)state;
    for (int i = 0; i < CH_STATUS_LAST; i++) {
        const char *a = ch_strerror((enum ch_status)i);
        assert_non_null(a);
        assert_true(strlen(a) > 0);
        if (strstr(a, "unknown") != NULL)
            fail_msg("status %d has no name (\"%s\")", i, a);
        for (int j = 0; j < i; j++)
            if (strcmp(a, ch_strerror((enum ch_status)j)) == 0)
                fail_msg("statuses %d and %d share the name \"%s\"", j, i,
                         a);
    }
}

/* The numbers are stable: they reach logs and the outbox. */
static void
status_values_stable(void **state)
{
    (void)state;
    assert_int_equal(CH_OK, 0);
    assert_int_equal(CH_DUPLICATE, 1);
    assert_int_equal(CH_NOT_FOUND, 2);
    assert_int_equal(CH_DENIED, 3);
    assert_int_equal(CH_INVALID, 4);
    assert_int_equal(CH_CONFLICT, 5);
    assert_int_equal(CH_BUSY, 6);
    assert_int_equal(CH_REMOTE_4XX, 7);
    assert_int_equal(CH_REMOTE_5XX, 8);
    assert_int_equal(CH_IO, 9);
    assert_int_equal(CH_INTERNAL, 10);
    assert_int_equal(CH_UNSUPPORTED, 11);
    assert_string_equal(ch_strerror(CH_OK), "ok");
    assert_string_equal(ch_strerror(CH_DENIED), "not permitted");
    assert_string_equal(ch_strerror(CH_DUPLICATE), "already applied");
}

static void
status_out_of_range(void **state)
{
    (void)state;
    assert_string_equal(ch_strerror(CH_STATUS_LAST), "unknown status");
    assert_string_equal(ch_strerror((enum ch_status)-1), "unknown status");
    assert_string_equal(ch_strerror((enum ch_status)1000), "unknown status");
}

static void
fail_fills_error(void **state)
{
    (void)state;
    struct ch_error e = { .status = CH_OK, .user = "" };
    assert_int_equal(ch_fail(&e, CH_CONFLICT, "%s is %d", "x", 7),
                     CH_CONFLICT);
    assert_int_equal(e.status, CH_CONFLICT);
    assert_string_equal(e.user, "x is 7");
    /* No error struct: only the status comes back. */
    assert_int_equal(ch_fail(NULL, CH_INVALID, "ignored"), CH_INVALID);
    /* Overlong text is cut, and stays terminated. */
    char big[CH_ERROR_TEXT * 2];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ch_fail(&e, CH_INVALID, "%s", big);
    assert_int_equal(strlen(e.user), CH_ERROR_TEXT - 1);
}

/* The outbox stores kinds by name: each has one, and they differ. */
static void
adapter_kind_names_complete(void **state)
{
    (void)state;
    static const char *const want[OUT_KIND_COUNT] = {
        [OUT_REPLY] = "reply", [OUT_POST] = "post", [OUT_DM] = "dm",
        [OUT_UPDATE] = "update", [OUT_CREATE_CHANNEL] = "create_channel",
        [OUT_INVITE] = "invite", [OUT_PIN] = "pin", [OUT_TOPIC] = "topic",
        [OUT_LOOKUP] = "lookup", [OUT_ARCHIVE] = "archive",
    };
    for (int i = 0; i < OUT_KIND_COUNT; i++) {
        assert_non_null(adapter_kind_names[i]);
        assert_non_null(want[i]);
        assert_string_equal(adapter_kind_names[i], want[i]);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(adapter_kind_names[i],
                                    adapter_kind_names[j]);
    }
    /* NULL-terminated, for model_name_index(). */
    assert_null(adapter_kind_names[OUT_KIND_COUNT]);
    assert_int_equal(model_name_index(adapter_kind_names, "create_channel"),
                     OUT_CREATE_CHANNEL);
    assert_int_equal(model_name_index(adapter_kind_names, "carrier pigeon"),
                     -1);
}

static void
role_describe_lists(void **state)
{
    (void)state;
    char out[96];
    model_role_describe(ROLE_COORDINATOR | ROLE_AGENCY | ROLE_ADMIN, out,
                        sizeof(out));
    assert_string_equal(out, "coordinator, agency or admin");
    model_role_describe(ROLE_BRAND, out, sizeof(out));
    assert_string_equal(out, "brand");
    model_role_describe(ROLE_CREATOR | ROLE_BRAND, out, sizeof(out));
    assert_string_equal(out, "brand or creator");
    model_role_describe(ROLE_ANY_PARTICIPANT | ROLE_ADMIN, out, sizeof(out));
    assert_string_equal(out, "coordinator, agency, brand, creator or admin");
    model_role_describe(0, out, sizeof(out));
    assert_string_equal(out, "nobody");
    /* Roles someone holds are all of them, not a choice. */
    model_role_held(ROLE_COORDINATOR | ROLE_BRAND, out, sizeof(out));
    assert_string_equal(out, "coordinator and brand");
    /* A short buffer is cut, never overrun. */
    char small[8];
    memset(small, 'x', sizeof(small));
    model_role_describe(ROLE_COORDINATOR | ROLE_AGENCY, small, sizeof(small));
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_memory_equal(small, "coordin", 8);
}

static void
role_parse_names(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        unsigned    role;
    } ok[] = {
        { "brand", ROLE_BRAND },
        { "agency", ROLE_AGENCY },
        { "coordinator", ROLE_COORDINATOR },
        { "creator", ROLE_CREATOR },
        { "Creator", ROLE_CREATOR },
        { "BRAND", ROLE_BRAND },
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        unsigned r = 0;
        assert_true(model_role_parse(ok[i].name, &r));
        assert_int_equal(r, ok[i].role);
    }
    /* admin comes from the configuration, never from a command. */
    static const char *const bad[] = { "admin", "boss", "", "creators",
                                       "brand " };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        unsigned r = 12345;
        assert_false(model_role_parse(bad[i], &r));
        assert_int_equal(r, 12345);
    }
    assert_string_equal(model_role_name(ROLE_COORDINATOR), "coordinator");
    assert_string_equal(model_role_name(ROLE_ADMIN), "admin");
    assert_null(model_role_name(ROLE_BRAND | ROLE_CREATOR));
    assert_null(model_role_name(0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_names_distinct),
        cmocka_unit_test(status_values_stable),
        cmocka_unit_test(status_out_of_range),
        cmocka_unit_test(fail_fills_error),
        cmocka_unit_test(adapter_kind_names_complete),
        cmocka_unit_test(role_describe_lists),
        cmocka_unit_test(role_parse_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
