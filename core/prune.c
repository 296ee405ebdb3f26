/* Pruning old outbox rows and inbound records (prune.h). */
#include "prune.h"

#include "core_internal.h"
#include "log.h"
#include "store.h"

int64_t
prune_run(struct core *core, int64_t now)
{
    struct store *st = core->store;
    int outbox = 0, inbound = 0;
    if (store_begin(st) != CH_OK)
        return now + 60 * 1000;     /* busy: in a minute */
    enum ch_status s = store_prune_outbox(st, now - PRUNE_KEEP_MS,
                                          now - PRUNE_BUTTONS_KEEP_MS,
                                          PRUNE_BATCH, &outbox);
    if (s == CH_OK)
        s = store_prune_inbound(st, now - PRUNE_KEEP_MS, PRUNE_BATCH,
                                &inbound);
    if (s == CH_OK)
        s = store_commit(st);
    else
        store_rollback(st);
    if (s != CH_OK) {
        log_warn("prune", "pruning old rows failed (%s); again in a minute",
                 ch_strerror(s));
        return now + 60 * 1000;
    }
    if (outbox || inbound)
        log_debug("prune", "deleted %d outbox rows and %d inbound records "
                  "older than %lld days", outbox, inbound,
                  (long long)(PRUNE_KEEP_MS / (24 * 3600 * 1000)));
    /* A full batch: more may wait, after the loop has breathed. */
    if (outbox == PRUNE_BATCH || inbound == PRUNE_BATCH)
        return now + PRUNE_AGAIN_MS;
    return now + PRUNE_EVERY_MS;
}
