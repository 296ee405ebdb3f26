/*
 * platforms: which chat platforms `chorus run` starts, and what each is
 * given.  The one place that reads the configuration (and the
 * environment's overrides) for an adapter: it loads the secrets, fills
 * the platform's small options struct and creates the adapter, which
 * copies what it keeps.
 */
#ifndef CHORUS_PLATFORMS_H
#define CHORUS_PLATFORMS_H

#include <stdbool.h>
#include <stddef.h>

#include "adapter_env.h"
#include "status.h"

struct adapter;
struct config;

/* The network platforms, in start order; NULL after the last. */
const char *platforms_name(size_t i);
/* Enabled in the configuration, or its tokens are in the environment. */
bool        platforms_wanted(size_t i, const struct config *cfg);
/* Every secret platform i needs can be read and is acceptable (read and
 * dropped again), else false with the reason in err: checked before
 * anything is created, so a refused token leaves nothing behind. */
bool        platforms_secrets_ok(size_t i, const struct config *cfg,
                                 struct ch_error *err);
/* Create platform i (not started), or NULL with the reason in err. */
struct adapter *platforms_new(size_t i, const struct config *cfg,
                              const struct adapter_env *env,
                              struct ch_error *err);

#endif
