/* People and their platform identities. */
#include <string.h>

#include "core_internal.h"
#include "str.h"

/* Can the platform look up a profile (name, zone)?  One not attached now
 * is asked anyway: the row waits for it in the outbox. */
static bool
has_profiles(struct core *core, const char *platform)
{
    struct adapter *a = core_adapter(core, platform);
    return a == NULL || (adapter_caps(a) & ADAPTER_CAP_PROFILES);
}

enum ch_status
people_for_identity(struct ctx *c, const char *platform, const char *user_id,
                    const char *name_hint, struct person *out)
{
    enum ch_status s =
        store_people_by_identity(c->st, c->a, platform, user_id, out);
    if (s != CH_NOT_FOUND)
        return s;
    /* First sight: the person is known by their display name until the
     * platform tells us more (an OUT_LOOKUP brings name and zone). */
    char clean[256];
    str_clean_name(name_hint ? name_hint : "", clean, sizeof(clean), 80);
    const char *name = clean[0] ? clean : user_id;
    int64_t id;
    s = store_people_create(c->st, name, c->now, &id);
    if (s == CH_OK)
        s = store_people_identity_add(c->st, platform, user_id, id, name);
    if (s != CH_OK)
        return s;
    if (c->ev && strcmp(c->ev->platform, platform) == 0 &&
        has_profiles(c->core, platform))
        ctx_queue(c, OUT_LOOKUP, 0, id, arena_strdup(c->a, user_id));
    return store_people_get(c->st, c->a, id, out);
}

bool
people_is_admin(const struct ctx *c, const char *platform, const char *user_id)
{
    const struct core_settings *s = c->set;
    size_t plen = strlen(platform);
    for (size_t i = 0; i < s->nadmins; i++) {
        const char *a = s->admins[i];
        if (strncmp(a, platform, plen) == 0 && a[plen] == ':' &&
            strcmp(a + plen + 1, user_id) == 0)
            return true;
    }
    return false;
}

enum ch_status
people_of_admin(struct ctx *c, const char *ref, struct person *out)
{
    const char *colon = strchr(ref, ':');
    if (colon == NULL)
        return CH_NOT_FOUND;
    return store_people_by_identity(
        c->st, c->a, arena_strndup(c->a, ref, (size_t)(colon - ref)), colon + 1,
        out);
}

/* Rank of one campaign role: creator < coordinator < agency < brand. */
static int
role_rank(unsigned role)
{
    switch (role) {
    case ROLE_CREATOR: return 1;
    case ROLE_COORDINATOR: return 2;
    case ROLE_AGENCY: return 3;
    case ROLE_BRAND: return 4;
    default: return 0;
    }
}

unsigned
people_grant_needs(unsigned have, unsigned role)
{
    if (have & ROLE_ADMIN)
        return 0;
    /* The brand role only from the brand's side; the others from anyone
     * whose own role is at least as high (a creator grants nothing). */
    unsigned need = 0;
    for (unsigned r = ROLE_COORDINATOR; r <= ROLE_BRAND; r <<= 1)
        if (role_rank(r) >= role_rank(role))
            need |= r;
    return (have & need) ? 0 : need | ROLE_ADMIN;
}

bool
people_news_digest(struct ctx *c, int64_t person_id, int chosen)
{
    if (chosen >= 0)
        return chosen;
    return c->set->news_digest &&
           (store_participant_roles_anywhere(c->st, person_id) &
            (ROLE_COORDINATOR | ROLE_BRAND)) != 0;
}
