/* A set of int64 ids (open addressing, linear probing, tombstone-free
 * deletion by re-inserting the rest of the cluster). */
#include <stdlib.h>

#include "core_internal.h"
#include "xmalloc.h"

static size_t
slot_of(int64_t id, size_t nslots)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 17) & (nslots - 1);
}

static void
grow(struct idset *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 64;
    int64_t *slots = xcalloc(n, sizeof(*slots));
    for (size_t i = 0; i < s->nslots; i++) {
        if (s->slots[i] == 0)
            continue;
        size_t j = slot_of(s->slots[i], n);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = s->slots[i];
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
}

bool
idset_has(const struct idset *s, int64_t id)
{
    if (s->nslots == 0 || id == 0)
        return false;
    for (size_t i = slot_of(id, s->nslots); s->slots[i];
         i = (i + 1) & (s->nslots - 1))
        if (s->slots[i] == id)
            return true;
    return false;
}

void
idset_add(struct idset *s, int64_t id)
{
    if (id == 0 || idset_has(s, id))
        return;
    if ((s->used + 1) * 2 > s->nslots)
        grow(s);
    size_t i = slot_of(id, s->nslots);
    while (s->slots[i])
        i = (i + 1) & (s->nslots - 1);
    s->slots[i] = id;
    s->used++;
}

void
idset_del(struct idset *s, int64_t id)
{
    if (s->nslots == 0 || id == 0)
        return;
    size_t mask = s->nslots - 1;
    size_t i = slot_of(id, s->nslots);
    while (s->slots[i] && s->slots[i] != id)
        i = (i + 1) & mask;
    if (s->slots[i] == 0)
        return;
    s->slots[i] = 0;
    s->used--;
    for (size_t j = (i + 1) & mask; s->slots[j]; j = (j + 1) & mask) {
        int64_t moved = s->slots[j];
        s->slots[j] = 0;
        s->used--;
        idset_add(s, moved);
    }
}

void
idset_free(struct idset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->nslots = s->used = 0;
}
