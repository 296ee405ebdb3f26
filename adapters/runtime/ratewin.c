/* Sliding-window rate limiter over a ring of event times. */
#include "ratewin.h"

#include <stdlib.h>

#include "xmalloc.h"

void
ratewin_init(struct ratewin *w, size_t limit, int64_t window_ms)
{
    w->limit = limit ? limit : 1;
    w->times = xcalloc(w->limit, sizeof(*w->times));
    w->n = 0;
    w->head = 0;
    w->window_ms = window_ms;
}

void
ratewin_free(struct ratewin *w)
{
    free(w->times);
    w->times = NULL;
    w->n = 0;
}

void
ratewin_reset(struct ratewin *w)
{
    w->n = 0;
    w->head = 0;
}

int64_t
ratewin_wait(const struct ratewin *w, int64_t now)
{
    if (w->n < w->limit)
        return 0;
    int64_t free_at = w->times[w->head] + w->window_ms;
    return free_at > now ? free_at - now : 0;
}

size_t
ratewin_used(const struct ratewin *w, int64_t now)
{
    size_t used = 0;
    for (size_t i = 0; i < w->n; i++)
        if (now - w->times[(w->head + i) % w->limit] < w->window_ms)
            used++;
    return used;
}

void
ratewin_add(struct ratewin *w, int64_t now)
{
    if (w->n < w->limit) {
        w->times[(w->head + w->n) % w->limit] = now;
        w->n++;
        return;
    }
    /* Full: the oldest makes room. */
    w->times[w->head] = now;
    w->head = (w->head + 1) % w->limit;
}
