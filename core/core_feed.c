/* core_feed: what a secret link may see (core.h, feeds). */
#include "core.h"

#include <string.h>

#include "core_internal.h"
#include "records.h"
#include "sha256.h"
#include "store.h"

enum ch_status
core_feed_deadlines(struct core *core, const char *kind, const char *token,
                    const char *slug, struct arena *a,
                    struct core_deadline **out, size_t *n)
{
    struct store *st = core_store(core);
    struct campaign camp;
    char hash[65];
    int64_t person;

    *out = NULL;
    *n = 0;
    if (token == NULL || strlen(token) != 64)
        return CH_NOT_FOUND;
    sha256_hex(token, strlen(token), hash);
    person = store_web_token_person(st, kind, hash);
    if (person == 0)
        return CH_NOT_FOUND;
    if (slug == NULL)
        return store_web_deadlines(st, a, person, 0, (void **)out, n);
    if (store_campaign_by_slug(st, a, slug, &camp) != CH_OK ||
        store_participant_role_in(st, camp.id, person, NULL, NULL) == 0)
        return CH_NOT_FOUND;
    return store_web_deadlines(st, a, 0, camp.id, (void **)out, n);
}
