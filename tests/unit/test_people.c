/*
 * test_people: who may grant which campaign role (people_grant_needs()),
 * the rule behind separation of duties in `add` and `remove`.  Expected
 * masks are written from the spec (§3.4), not read from people.c: nobody
 * grants a role above their own (creator < coordinator < agency < brand),
 * an admin grants anything, and the brand role comes only from the brand
 * or an admin.  The conversations around it are tests/chat/people.chat.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core_internal.h"

#define BRAND_SIDE (ROLE_BRAND | ROLE_ADMIN)
#define AGENCY_UP (ROLE_AGENCY | ROLE_BRAND | ROLE_ADMIN)
#define MANAGERS_UP (ROLE_COORDINATOR | ROLE_AGENCY | ROLE_BRAND | ROLE_ADMIN)

static void
admin_grants_anything(void **state)
{
    (void)state;
    static const unsigned roles[] = { ROLE_CREATOR, ROLE_COORDINATOR,
                                      ROLE_AGENCY, ROLE_BRAND };
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(people_grant_needs(ROLE_ADMIN, roles[i]), 0);
        assert_int_equal(
            people_grant_needs(ROLE_ADMIN | ROLE_CREATOR, roles[i]), 0);
    }
}

static void
nobody_grants_above_their_own(void **state)
{
    (void)state;
    /* A coordinator: creators and coordinators, nothing higher. */
    assert_int_equal(people_grant_needs(ROLE_COORDINATOR, ROLE_CREATOR), 0);
    assert_int_equal(people_grant_needs(ROLE_COORDINATOR, ROLE_COORDINATOR),
                     0);
    assert_int_equal(people_grant_needs(ROLE_COORDINATOR, ROLE_AGENCY),
                     AGENCY_UP);
    assert_int_equal(people_grant_needs(ROLE_COORDINATOR, ROLE_BRAND),
                     BRAND_SIDE);
    /* The agency: up to agency. */
    assert_int_equal(people_grant_needs(ROLE_AGENCY, ROLE_AGENCY), 0);
    assert_int_equal(people_grant_needs(ROLE_AGENCY, ROLE_CREATOR), 0);
    assert_int_equal(people_grant_needs(ROLE_AGENCY, ROLE_BRAND), BRAND_SIDE);
    /* A creator grants nothing, not even a creator. */
    assert_int_equal(people_grant_needs(ROLE_CREATOR, ROLE_CREATOR),
                     MANAGERS_UP);
    assert_int_equal(people_grant_needs(0, ROLE_CREATOR), MANAGERS_UP);
    assert_int_equal(people_grant_needs(0, ROLE_BRAND), BRAND_SIDE);
}

static void
brand_from_the_brand(void **state)
{
    (void)state;
    assert_int_equal(people_grant_needs(ROLE_BRAND, ROLE_BRAND), 0);
    /* By rank the brand is highest; whether it may `add` at all is the
     * permission table's (cmd_campaign.c asks it first). */
    assert_int_equal(people_grant_needs(ROLE_BRAND, ROLE_AGENCY), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(admin_grants_anything),
        cmocka_unit_test(nobody_grants_above_their_own),
        cmocka_unit_test(brand_from_the_brand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
