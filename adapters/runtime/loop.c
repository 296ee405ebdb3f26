/*
 * loop: libuv underneath.
 *
 * Every handle we hand out is a small struct whose first member is the uv
 * handle; its _free() calls uv_close() and the struct is released in the
 * close callback, so freeing from inside the handle's own callback is safe
 * (libuv never calls a closing handle's callback again).
 *
 * Two internal handles:
 *  - keep: a uv_async_t that is never sent; it holds uv_run() open
 *    until loop_stop() closes it, so a quiet loop does not return early;
 *  - defer: a uv_idle_t that is active only while deferred calls are
 *    queued.  An active idle handle makes the poll phase non-blocking, and
 *    idle callbacks run once per iteration, so a call deferred from inside
 *    a deferred call runs on the following iteration, never in a tight
 *    loop inside the same one.  (A 0 ms uv_timer would not do: libuv 1.44
 *    runs a timer started from a timer callback in the same pass.)
 */
#include "loop.h"

#include <stdbool.h>
#include <stdlib.h>

#include <uv.h>

#include "log.h"
#include "xmalloc.h"

struct defer_item {
    struct defer_item *next;
    loop_defer_fn     *fn;
    void              *arg;
};

struct loop {
    uv_loop_t          uv;
    uv_async_t         keep;
    uv_idle_t          defer;
    struct defer_item *dhead;
    struct defer_item **dtail;
    unsigned long      nhandles;    /* ours, not yet through close_cb */
    bool               keep_open;
    bool               defer_open;
    bool               stopping;
    bool               running;     /* inside uv_run: no nesting */
};

struct loop_timer {
    uv_timer_t     h;
    struct loop   *loop;
    loop_timer_fn *fn;
    void          *arg;
};

struct loop_watch {
    uv_poll_t      h;
    struct loop   *loop;
    loop_watch_fn *fn;
    void          *arg;
    int            fd;
    unsigned       events;
};

struct loop_signal {
    uv_signal_t     h;
    struct loop    *loop;
    loop_signal_fn *fn;
    void           *arg;
};

static void
keep_cb(uv_async_t *h)
{
    (void)h;    /* never sent; it only keeps the loop alive */
}

static void
run_defers(struct loop *loop)
{
    struct defer_item *it = loop->dhead;

    /* Take the whole queue: calls deferred from here wait a turn. */
    loop->dhead = NULL;
    loop->dtail = &loop->dhead;
    while (it) {
        struct defer_item *next = it->next;

        it->fn(it->arg);
        free(it);
        it = next;
    }
}

static void
defer_cb(uv_idle_t *h)
{
    struct loop *loop = h->data;

    run_defers(loop);
    if (!loop->dhead)
        uv_idle_stop(&loop->defer);
}

struct loop *
loop_new(void)
{
    struct loop *loop = xcalloc(1, sizeof(*loop));
    int rc;

    if ((rc = uv_loop_init(&loop->uv)) != 0) {
        log_error("loop", "uv_loop_init: %s", uv_strerror(rc));
        free(loop);
        return NULL;
    }
    loop->uv.data = loop;
    loop->dtail = &loop->dhead;
    uv_async_init(&loop->uv, &loop->keep, keep_cb);
    loop->keep.data = loop;
    loop->keep_open = true;
    uv_idle_init(&loop->uv, &loop->defer);
    loop->defer.data = loop;
    loop->defer_open = true;
    return loop;
}

int
loop_run(struct loop *loop)
{
    loop->running = true;
    uv_run(&loop->uv, UV_RUN_DEFAULT);
    loop->running = false;
    if (loop->nhandles != 0) {
        /* Inactive handles (a stopped timer, a paused watch) do not hold
         * uv_run, so they can still be open here: that is a leak. */
        log_warn("loop", "loop_run: %lu handles still open at stop",
                 loop->nhandles);
        return -1;
    }
    return 0;
}

int
loop_run_once(struct loop *loop, bool wait)
{
    int rc;

    if (loop->running)
        return -1;      /* libuv forbids running a loop from its callback */
    loop->running = true;
    rc = uv_run(&loop->uv, wait ? UV_RUN_ONCE : UV_RUN_NOWAIT);
    loop->running = false;
    return rc != 0;
}

void
loop_stop(struct loop *loop)
{
    loop->stopping = true;
    if (loop->keep_open) {
        loop->keep_open = false;
        uv_close((uv_handle_t *)&loop->keep, NULL);
    }
}

static void
close_stray(uv_handle_t *h, void *arg)
{
    unsigned *n = arg;

    if (!uv_is_closing(h)) {
        (*n)++;
        uv_close(h, NULL);
    }
}

void
loop_free(struct loop *loop)
{
    unsigned stray = 0;
    int rc;

    if (!loop)
        return;
    /* Deferred calls may still be queued (loop_defer after loop_run);
     * they typically free memory, so run them rather than drop them. */
    while (loop->dhead)
        run_defers(loop);
    loop_stop(loop);
    if (loop->defer_open) {
        loop->defer_open = false;
        uv_close((uv_handle_t *)&loop->defer, NULL);
    }
    uv_run(&loop->uv, UV_RUN_NOWAIT);
    uv_walk(&loop->uv, close_stray, &stray);
    if (stray)
        log_warn("loop", "loop_free: closed %u stray handles", stray);
    uv_run(&loop->uv, UV_RUN_DEFAULT);
    if ((rc = uv_loop_close(&loop->uv)) != 0) {
        /* libuv still references the memory: leaking beats a crash. */
        log_error("loop", "uv_loop_close: %s", uv_strerror(rc));
        return;
    }
    free(loop);
}

void *
loop_native(struct loop *loop)
{
    return &loop->uv;
}

int64_t
loop_now_ms(struct loop *loop)
{
    uv_update_time(&loop->uv);
    return (int64_t)uv_now(&loop->uv);
}

void
loop_defer(struct loop *loop, loop_defer_fn *fn, void *arg)
{
    struct defer_item *it = xmalloc(sizeof(*it));

    it->next = NULL;
    it->fn = fn;
    it->arg = arg;
    *loop->dtail = it;
    loop->dtail = &it->next;
    if (loop->defer_open && !uv_is_active((uv_handle_t *)&loop->defer))
        uv_idle_start(&loop->defer, defer_cb);
}

/* ---- timers ---- */

static void
timer_cb(uv_timer_t *h)
{
    struct loop_timer *t = h->data;

    t->fn(t->arg);
}

static void
timer_closed(uv_handle_t *h)
{
    struct loop_timer *t = h->data;

    t->loop->nhandles--;
    free(t);
}

struct loop_timer *
loop_timer_new(struct loop *loop, loop_timer_fn *fn, void *arg)
{
    struct loop_timer *t = xcalloc(1, sizeof(*t));

    uv_timer_init(&loop->uv, &t->h);
    t->h.data = t;
    t->loop = loop;
    t->fn = fn;
    t->arg = arg;
    loop->nhandles++;
    return t;
}

void
loop_timer_arm(struct loop_timer *t, int64_t delay_ms)
{
    if (delay_ms < 0)
        delay_ms = 0;
    /* The loop's clock is cached at the start of the iteration; without
     * this a timer armed late in a long iteration would fire early. */
    uv_update_time(&t->loop->uv);
    uv_timer_start(&t->h, timer_cb, (uint64_t)delay_ms, 0);
}

void
loop_timer_stop(struct loop_timer *t)
{
    uv_timer_stop(&t->h);
}

void
loop_timer_free(struct loop_timer *t)
{
    if (!t)
        return;
    uv_timer_stop(&t->h);
    uv_close((uv_handle_t *)&t->h, timer_closed);
}

/* ---- fd watches ---- */

static void
watch_cb(uv_poll_t *h, int status, int events)
{
    struct loop_watch *w = h->data;
    unsigned ev = 0;

    if (status < 0)
        ev = LOOP_ERROR;
    else {
        if (events & UV_READABLE)
            ev |= LOOP_READ;
        if (events & UV_WRITABLE)
            ev |= LOOP_WRITE;
    }
    w->fn(w->arg, w->fd, ev);
}

static void
watch_closed(uv_handle_t *h)
{
    struct loop_watch *w = h->data;

    w->loop->nhandles--;
    free(w);
}

struct loop_watch *
loop_watch_new(struct loop *loop, int fd, loop_watch_fn *fn, void *arg)
{
    struct loop_watch *w = xcalloc(1, sizeof(*w));
    int rc;

    if ((rc = uv_poll_init_socket(&loop->uv, &w->h, fd)) != 0) {
        log_error("loop", "watch fd %d: %s", fd, uv_strerror(rc));
        free(w);
        return NULL;
    }
    w->h.data = w;
    w->loop = loop;
    w->fn = fn;
    w->arg = arg;
    w->fd = fd;
    loop->nhandles++;
    return w;
}

void
loop_watch_set(struct loop_watch *w, unsigned events)
{
    int uvev = 0;

    if (events & LOOP_READ)
        uvev |= UV_READABLE;
    if (events & LOOP_WRITE)
        uvev |= UV_WRITABLE;
    w->events = events;
    if (uvev == 0)
        uv_poll_stop(&w->h);
    else
        uv_poll_start(&w->h, uvev, watch_cb);
}

void
loop_watch_free(struct loop_watch *w)
{
    if (!w)
        return;
    /* Stopping first takes the fd out of epoll now, so the caller may
     * close it (and reuse its number) before the handle finishes closing. */
    uv_poll_stop(&w->h);
    uv_close((uv_handle_t *)&w->h, watch_closed);
}

/* ---- signals ---- */

static void
signal_cb(uv_signal_t *h, int signum)
{
    struct loop_signal *s = h->data;

    s->fn(s->arg, signum);
}

static void
signal_closed(uv_handle_t *h)
{
    struct loop_signal *s = h->data;

    s->loop->nhandles--;
    free(s);
}

struct loop_signal *
loop_signal_new(struct loop *loop, int signum, loop_signal_fn *fn,
                void *arg)
{
    struct loop_signal *s = xcalloc(1, sizeof(*s));
    int rc;

    uv_signal_init(&loop->uv, &s->h);
    s->h.data = s;
    s->loop = loop;
    s->fn = fn;
    s->arg = arg;
    loop->nhandles++;
    if ((rc = uv_signal_start(&s->h, signal_cb, signum)) != 0) {
        log_error("loop", "signal %d: %s", signum, uv_strerror(rc));
        uv_close((uv_handle_t *)&s->h, signal_closed);
        return NULL;
    }
    return s;
}

void
loop_signal_free(struct loop_signal *s)
{
    if (!s)
        return;
    uv_signal_stop(&s->h);
    uv_close((uv_handle_t *)&s->h, signal_closed);
}
