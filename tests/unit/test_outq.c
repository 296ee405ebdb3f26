/*
 * test_outq: adapters/runtime/outq.c, the outbound queue both network
 * adapters share, on a real loop with fake sends.
 *
 * A fake call stays "on the wire" for its request's dur ms (one harness
 * timer ends the calls whose time has come) and then answers as the
 * request says: a wait (a 429), transient failures (outq_retry), or done.
 * Every send is recorded with its loop time, so the tests check order per
 * lane, calls side by side, caps, pacing, gate waits, the retry policy
 * and giving up, stop with a deadline, the cap on items held, and that a
 * lane with a huge paced backlog holds up no other lane.  Also the
 * Retry-After parser both adapters use (http.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http.h"
#include "outq.h"
#include "loop.h"
#include "xmalloc.h"

#define MAX_WIRE 64
#define MAX_SENDS 8

struct req {
    struct outq_item item;        /* first */
    int       id;
    char      lane[16];           /* "": no lane */
    unsigned  flags;
    int64_t   dur;                /* ms on the wire; < 0: answered inside
                                     send() */
    int       fails;              /* transient failures before success */
    int64_t   limit_ms;           /* > 0: the first answer waits this long */
    /* what happened */
    int       sends;
    int64_t   sent_at[MAX_SENDS];
    int64_t   end_at;
    bool      finished, gave_up, cancelled;
};

struct h {
    struct loop       *loop;
    struct outq       *q;
    struct loop_timer *tick;      /* ends the fake calls */
    struct loop_timer *wake;      /* bounds one loop pass */
    int64_t            t0;
    struct req        *r;
    size_t             nr;
    int               *order;     /* ids in the order they were sent */
    size_t             norder, order_cap;
    struct req        *wire[MAX_WIRE];
    size_t             nwire, max_wire, free_wire, max_free_wire;
    bool               lane_twice;    /* two calls of one lane at once */
    size_t             cancelled, rooms, dones;
    bool               in_stop, done_inside;
    /* the gate */
    char               slow_lane[16];
    int64_t            slow_until;    /* loop ms since t0 */
    bool               hold_free;     /* OUTQ_HOLD for laneless items */
};

static int64_t
now_of(struct h *h)
{
    return loop_now_ms(h->loop) - h->t0;
}

static void arm_tick(struct h *h);

static void
wire_remove(struct h *h, struct req *r)
{
    for (size_t i = 0; i < h->nwire; i++) {
        if (h->wire[i] == r) {
            h->wire[i] = h->wire[--h->nwire];
            if (!r->lane[0])
                h->free_wire--;
            return;
        }
    }
}

/* The fake platform's answer. */
static void
answer(struct h *h, struct req *r)
{
    wire_remove(h, r);
    if (r->limit_ms > 0) {
        int64_t w = r->limit_ms;

        r->limit_ms = 0;
        outq_wait(h->q, &r->item, w);
        return;
    }
    if (r->fails > 0) {
        r->fails--;
        if (outq_retry(h->q, &r->item) < 0)
            r->gave_up = true;
        return;
    }
    r->finished = true;
    outq_done(h->q, &r->item);
}

static void
fake_send(void *arg, struct outq_item *it)
{
    struct h *h = arg;
    struct req *r = (struct req *)it;

    if (h->norder == h->order_cap) {
        h->order_cap = h->order_cap ? 2 * h->order_cap : 256;
        h->order = xrealloc(h->order, h->order_cap, sizeof(*h->order));
    }
    h->order[h->norder++] = r->id;
    if (r->sends < MAX_SENDS)
        r->sent_at[r->sends] = now_of(h);
    r->sends++;
    assert_string_equal(outq_item_lane(it) ? outq_item_lane(it) : "",
                        r->lane);
    if (r->dur < 0) {
        r->finished = true;
        outq_done(h->q, it);
        return;
    }
    for (size_t i = 0; i < h->nwire; i++)
        if (r->lane[0] && strcmp(h->wire[i]->lane, r->lane) == 0)
            h->lane_twice = true;
    assert_true(h->nwire < MAX_WIRE);
    h->wire[h->nwire++] = r;
    if (h->nwire > h->max_wire)
        h->max_wire = h->nwire;
    if (!r->lane[0] && ++h->free_wire > h->max_free_wire)
        h->max_free_wire = h->free_wire;
    r->end_at = now_of(h) + r->dur;
    arm_tick(h);
}

static int64_t
fake_gate(void *arg, const struct outq_item *it, int64_t now)
{
    struct h *h = arg;
    const struct req *r = (const struct req *)it;
    int64_t until = h->slow_until + h->t0;

    if (!r->lane[0] && h->hold_free)
        return OUTQ_HOLD;
    if (h->slow_lane[0] && strcmp(r->lane, h->slow_lane) == 0 && now < until)
        return until - now;
    return 0;
}

static void
fake_cancelled(void *arg, struct outq_item *it)
{
    struct h *h = arg;
    struct req *r = (struct req *)it;

    wire_remove(h, r);
    r->cancelled = true;
    h->cancelled++;
}

static void
fake_room(void *arg)
{
    struct h *h = arg;

    h->rooms++;
}

static void
on_tick(void *arg)
{
    struct h *h = arg;
    int64_t now = now_of(h);

    for (size_t i = 0; i < h->nwire;) {
        struct req *r = h->wire[i];

        if (r->end_at <= now)
            answer(h, r);       /* takes it off the wire array */
        else
            i++;
    }
    arm_tick(h);
}

static void
arm_tick(struct h *h)
{
    int64_t next = INT64_MAX, now = now_of(h);

    for (size_t i = 0; i < h->nwire; i++)
        if (h->wire[i]->end_at < next)
            next = h->wire[i]->end_at;
    if (next == INT64_MAX)
        loop_timer_stop(h->tick);
    else
        loop_timer_arm(h->tick, next > now ? next - now : 0);
}

static void
on_wake(void *arg)
{
    (void)arg;
}

static const struct outq_ops fake_ops = {
    .send = fake_send,
    .gate = fake_gate,
    .cancelled = fake_cancelled,
    .room = fake_room,
};

static struct h *
h_new(const struct outq_options *o, size_t nreq)
{
    struct h *h = xcalloc(1, sizeof(*h));

    h->loop = loop_new();
    h->tick = loop_timer_new(h->loop, on_tick, h);
    h->wake = loop_timer_new(h->loop, on_wake, h);
    h->q = outq_new(h->loop, o, &fake_ops, h);
    h->r = xcalloc(nreq, sizeof(*h->r));
    h->t0 = loop_now_ms(h->loop);
    return h;
}

static void
h_free(struct h *h)
{
    outq_free(h->q);
    loop_timer_free(h->tick);
    loop_timer_free(h->wake);
    loop_stop(h->loop);
    loop_run(h->loop);
    loop_free(h->loop);
    free(h->r);
    free(h->order);
    free(h);
}

/* A request; lane NULL for none.  dur 1 ms unless changed. */
static struct req *
add(struct h *h, const char *lane, unsigned flags)
{
    struct req *r = &h->r[h->nr];

    r->id = (int)h->nr++;
    snprintf(r->lane, sizeof(r->lane), "%s", lane ? lane : "");
    r->flags = flags;
    r->dur = 1;
    return r;
}

static void
push(struct h *h, struct req *r)
{
    outq_push(h->q, &r->item, r->lane[0] ? r->lane : NULL, r->flags);
}

/* Add and push n requests on lane. */
static void
push_n(struct h *h, const char *lane, unsigned flags, int64_t dur, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct req *r = add(h, lane, flags);

        r->dur = dur;
        push(h, r);
    }
}

typedef bool pred_fn(struct h *h, void *arg);

/* Run the loop until pred holds (true) or ms pass (false), looking at
 * least every 5 ms: a pass of the loop runs its due timers and then
 * blocks in poll, so a condition met by a timer is seen only after the
 * next wake-up. */
static bool
run_until(struct h *h, pred_fn *pred, void *arg, int64_t ms)
{
    int64_t end = loop_now_ms(h->loop) + ms;

    for (;;) {
        int64_t now = loop_now_ms(h->loop);

        if (pred && pred(h, arg))
            return true;
        if (now >= end)
            return false;
        loop_timer_arm(h->wake, end - now < 5 ? end - now : 5);
        loop_run_once(h->loop, true);
    }
}

static void
run_for(struct h *h, int64_t ms)
{
    run_until(h, NULL, NULL, ms);
}

static bool
all_finished(struct h *h, void *arg)
{
    (void)arg;
    for (size_t i = 0; i < h->nr; i++)
        if (!h->r[i].finished && !h->r[i].gave_up && !h->r[i].cancelled)
            return false;
    return true;
}

static bool
finished_range(struct h *h, void *arg)
{
    const size_t *range = arg;

    for (size_t i = range[0]; i < range[1]; i++)
        if (!h->r[i].finished)
            return false;
    return true;
}

static bool
stopped(struct h *h, void *arg)
{
    (void)arg;
    return h->dones > 0;
}

/* Position of id in the send order; -1 if never sent. */
static long
sent_pos(const struct h *h, int id)
{
    for (size_t i = 0; i < h->norder; i++)
        if (h->order[i] == id)
            return (long)i;
    return -1;
}

static const struct outq_options plain = {
    .name = "test",
    .retry = { .base_ms = 20, .max_ms = 80, .attempts = 0 },
};

/* ---- lanes ---- */

/* A lane sends in push order, one call at a time; lanes run side by side. */
static void
test_order_per_lane(void **state)
{
    struct h *h = h_new(&plain, 32);

    (void)state;
    /* b's calls end while a's are on the wire, and each end pumps */
    push_n(h, "a", 0, 10, 5);
    push_n(h, "b", 0, 3, 15);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_false(h->lane_twice);
    assert_true(h->max_wire >= 2);
    for (int i = 1; i < 5; i++) {
        assert_true(sent_pos(h, i - 1) < sent_pos(h, i));
        /* one at a time: sent after the one before ended */
        assert_true(h->r[i].sent_at[0] >= h->r[i - 1].sent_at[0] + 10);
    }
    for (int i = 6; i < 20; i++)
        assert_true(sent_pos(h, i - 1) < sent_pos(h, i));
    assert_int_equal(outq_count(h->q), 0);
    h_free(h);
}

/* Items without a lane run side by side up to max_free; every item up to
 * max_inflight. */
static void
test_caps(void **state)
{
    struct outq_options o = plain;
    struct h *h;

    (void)state;
    o.max_free = 3;
    h = h_new(&o, 32);
    push_n(h, NULL, 0, 20, 10);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_int_equal(h->max_free_wire, 3);
    h_free(h);

    o.max_inflight = 4;
    o.max_free = 0;
    h = h_new(&o, 32);
    for (int i = 0; i < 10; i++) {
        char lane[8];

        snprintf(lane, sizeof(lane), "l%d", i);
        push_n(h, lane, 0, 20, 1);
    }
    push_n(h, NULL, 0, 20, 4);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_int_equal(h->max_wire, 4);
    h_free(h);
}

/* An answer inside send() itself: no nesting, order kept. */
static void
test_settled_inside_send(void **state)
{
    struct h *h = h_new(&plain, 300);

    (void)state;
    push_n(h, "a", 0, -1, 200);
    push_n(h, NULL, 0, -1, 50);
    assert_true(run_until(h, all_finished, NULL, 5000));
    for (int i = 1; i < 200; i++)
        assert_true(sent_pos(h, i - 1) < sent_pos(h, i));
    assert_int_equal(outq_count(h->q), 0);
    h_free(h);
}

/* ---- pacing and gates ---- */

/* Paced items: at most burst in any window, per lane; others unpaced. */
static void
test_pacing(void **state)
{
    struct outq_options o = plain;
    struct h *h;
    struct req *unpaced;

    (void)state;
    o.pace_burst = 3;
    o.pace_window_ms = 300;
    h = h_new(&o, 16);
    push_n(h, "p", OUTQ_PACED, 1, 3);        /* 0-2 */
    unpaced = add(h, "p", 0);                /* 3 */
    push(h, unpaced);
    push_n(h, "p", OUTQ_PACED, 1, 2);        /* 4-5 */
    push_n(h, "r", OUTQ_PACED, 1, 3);        /* 6-8: its own pace */
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_true(h->r[2].sent_at[0] < 150);
    assert_true(h->r[3].sent_at[0] < 150);   /* not paced */
    assert_true(h->r[4].sent_at[0] >= 300);  /* after the first left */
    assert_true(h->r[5].sent_at[0] >= 300);
    assert_true(h->r[8].sent_at[0] < 150);
    for (int i = 1; i < 6; i++)
        assert_true(sent_pos(h, i - 1) < sent_pos(h, i));
    h_free(h);
}

/* The gate holds one lane's head; the others go; the one timer wakes the
 * queue when the wait is over, and OUTQ_HOLD waits for a change. */
static void
test_gate(void **state)
{
    struct h *h = h_new(&plain, 16);
    struct req *held, *other;
    size_t r[2] = { 0, 3 };

    (void)state;
    snprintf(h->slow_lane, sizeof(h->slow_lane), "slow");
    h->slow_until = 200;
    push_n(h, "slow", 0, 1, 2);
    push_n(h, "fast", 0, 1, 1);
    h->hold_free = true;
    held = add(h, NULL, 0);
    push(h, held);
    r[0] = 2;
    assert_true(run_until(h, finished_range, r, 5000));
    assert_true(h->r[2].sent_at[0] < 100);
    assert_int_equal(h->r[0].sends, 0);
    r[0] = 0;
    r[1] = 2;
    assert_true(run_until(h, finished_range, r, 5000));
    assert_true(h->r[0].sent_at[0] >= 200);
    assert_true(h->r[0].sent_at[0] < 400);   /* woken, not polled late */
    run_for(h, 100);
    assert_int_equal(held->sends, 0);        /* held until a change */
    h->hold_free = false;
    other = add(h, "fast", 0);
    push(h, other);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_int_equal(held->sends, 1);
    h_free(h);
}

/* ---- retries ---- */

/* Transient failures back off (equal jitter: [d/2, d]) and the item stays
 * the head of its lane; the policy gives up after its attempts. */
static void
test_retry_policy(void **state)
{
    struct outq_options o = plain;
    struct h *h;
    struct req *x, *y, *z, *w;

    (void)state;
    o.retry = (struct outq_retry){ .base_ms = 40, .max_ms = 100,
                                   .attempts = 2 };
    h = h_new(&o, 16);
    x = add(h, "a", 0);
    x->fails = 2;                /* then succeeds, on the third send */
    push(h, x);
    y = add(h, "a", 0);
    push(h, y);
    z = add(h, "b", 0);
    z->fails = 3;                /* one more than the policy allows */
    push(h, z);
    w = add(h, "b", 0);
    push(h, w);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_int_equal(x->sends, 3);
    assert_true(x->finished);
    assert_true(x->sent_at[1] - x->sent_at[0] >= 20);   /* 40 / 2 */
    assert_true(x->sent_at[2] - x->sent_at[1] >= 40);   /* 80 / 2 */
    assert_true(y->sent_at[0] > x->sent_at[2]);         /* not overtaken */
    assert_int_equal(z->sends, 3);
    assert_true(z->gave_up);
    assert_false(z->finished);
    assert_true(w->finished);
    assert_true(w->sent_at[0] > z->sent_at[2]);
    h_free(h);

    /* attempts 0: retried until it works */
    o.retry.attempts = 0;
    o.retry.base_ms = 2;
    o.retry.max_ms = 8;
    h = h_new(&o, 4);
    x = add(h, "a", 0);
    x->fails = 7;
    push(h, x);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_int_equal(x->sends, 8);
    assert_true(x->finished);
    h_free(h);
}

/* A wait (a 429's Retry-After) keeps the head and counts no retry. */
static void
test_wait_keeps_head(void **state)
{
    struct outq_options o = plain;
    struct h *h;
    struct req *x, *y;

    (void)state;
    o.retry.attempts = 1;
    h = h_new(&o, 4);
    x = add(h, "a", 0);
    x->limit_ms = 150;
    x->fails = 1;               /* after the wait: one failure, allowed */
    push(h, x);
    y = add(h, "a", 0);
    push(h, y);
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_true(x->finished);
    assert_int_equal(x->sends, 3);
    assert_true(x->sent_at[1] - x->sent_at[0] >= 150);
    assert_true(y->sent_at[0] > x->sent_at[2]);
    h_free(h);
}

/* Retry-After: the header's seconds or the body's float, capped, padded,
 * defaulted. */
static void
test_retry_after(void **state)
{
    const struct http_retry_after slack = { .default_ms = 1000,
                                            .min_ms = 1000,
                                            .max_ms = 3600000 };
    const struct http_retry_after discord = { .default_ms = 1000,
                                              .max_ms = 86400000,
                                              .pad_ms = 50 };

    (void)state;
    assert_int_equal(http_retry_after_ms("2", -1, &slack), 2000);
    assert_int_equal(http_retry_after_ms("30", -1, &slack), 30000);
    assert_int_equal(http_retry_after_ms("0", -1, &slack), 1000);
    assert_int_equal(http_retry_after_ms(NULL, -1, &slack), 1000);
    assert_int_equal(http_retry_after_ms("soon", -1, &slack), 1000);
    assert_int_equal(http_retry_after_ms("-5", -1, &slack), 1000);
    assert_int_equal(http_retry_after_ms("99999999", -1, &slack), 3600000);
    assert_int_equal(http_retry_after_ms("1.5", -1, &discord), 1550);
    assert_int_equal(http_retry_after_ms(NULL, 0.8, &discord), 850);
    assert_int_equal(http_retry_after_ms("9", 0.0011, &discord), 52);
    assert_int_equal(http_retry_after_ms(NULL, 64.57, &discord), 64620);
    assert_int_equal(http_retry_after_ms(NULL, -1, &discord), 1000);
    assert_int_equal(http_retry_after_ms("nan", -1, &discord), 1000);
    assert_int_equal(http_retry_after_ms(NULL, 1e12, &discord),
                     86400000 + 50);
}

/* ---- stop, free, the cap ---- */

static void
on_stopped(void *arg)
{
    struct h *h = arg;

    h->dones++;
    if (h->in_stop)
        h->done_inside = true;
}

/* stop: nothing new starts, calls on the wire end until the deadline,
 * then the rest is cancelled and done() comes once, from the loop. */
static void
test_stop_drain(void **state)
{
    struct h *h = h_new(&plain, 16);
    struct req *a, *b, *c, *d;
    int64_t at;

    (void)state;
    a = add(h, "a", 0);
    a->dur = 50;
    push(h, a);
    b = add(h, "a", 0);          /* queued behind a */
    push(h, b);
    c = add(h, NULL, 0);
    c->dur = 5000;               /* still on the wire at the deadline */
    push(h, c);
    run_for(h, 10);
    assert_int_equal(outq_inflight(h->q), 2);
    h->in_stop = true;
    at = now_of(h);
    outq_stop(h->q, loop_now_ms(h->loop) + 300, on_stopped, h);
    h->in_stop = false;
    assert_true(run_until(h, stopped, NULL, 5000));
    assert_false(h->done_inside);
    assert_true(now_of(h) - at >= 300);
    assert_true(a->finished);            /* ended before the deadline */
    assert_int_equal(b->sends, 0);       /* never started */
    assert_true(b->cancelled);
    assert_true(c->cancelled);
    assert_int_equal(h->cancelled, 2);
    d = add(h, "a", 0);                  /* pushed after: cancelled too */
    push(h, d);
    run_for(h, 50);
    assert_true(d->cancelled);
    assert_int_equal(d->sends, 0);
    assert_int_equal(h->dones, 1);
    assert_int_equal(outq_count(h->q), 0);
    h_free(h);

    /* Nothing outlasts the deadline: done() comes as the wire empties. */
    h = h_new(&plain, 4);
    a = add(h, "a", 0);
    a->dur = 30;
    push(h, a);
    run_for(h, 5);
    at = now_of(h);
    outq_stop(h->q, loop_now_ms(h->loop) + 5000, on_stopped, h);
    assert_true(run_until(h, stopped, NULL, 5000));
    assert_true(now_of(h) - at < 1000);
    assert_true(a->finished);
    assert_int_equal(h->cancelled, 0);
    h_free(h);
}

/* free without stop cancels everything, on the wire or not. */
static void
test_free_without_stop(void **state)
{
    struct h *h = h_new(&plain, 16);
    struct req *on_wire;

    (void)state;
    on_wire = add(h, "a", 0);
    on_wire->dur = 5000;
    push(h, on_wire);
    push_n(h, "a", OUTQ_PACED, 1, 3);
    push_n(h, NULL, 0, 5000, 2);
    run_for(h, 20);
    assert_int_equal(outq_inflight(h->q), 3);
    outq_free(h->q);
    h->q = NULL;
    assert_int_equal(h->cancelled, 6);
    for (size_t i = 0; i < h->nr; i++)
        assert_true(h->r[i].cancelled);
    h_free(h);
}

/* The cap on items held: full at max_items, room() once at half. */
static void
test_cap_on_items(void **state)
{
    struct outq_options o = plain;
    struct h *h;
    size_t r[2] = { 0, 5 };

    (void)state;
    o.max_items = 10;
    h = h_new(&o, 16);
    push_n(h, "a", 0, 20, 10);
    assert_true(outq_full(h->q));
    assert_true(run_until(h, finished_range, r, 5000));
    run_for(h, 5);
    assert_int_equal(h->rooms, 1);
    assert_false(outq_full(h->q));
    assert_true(run_until(h, all_finished, NULL, 5000));
    assert_int_equal(h->rooms, 1);
    h_free(h);
}

/*
 * One busy lane never holds up the others: one person's 5 000 paced DMs
 * (Slack's pace: 3 in any 3.3 s, so hours of backlog) and, pushed after
 * them, messages for 100 other conversations and 20 calls without a lane:
 * all of those go out at once, with Slack's caps on calls in flight.
 */
static void
test_busy_lane_holds_up_nobody(void **state)
{
    struct outq_options o = plain;
    struct h *h;
    size_t r[2];

    (void)state;
    o.pace_burst = 3;
    o.pace_window_ms = 3300;
    o.max_inflight = 16;
    o.max_free = 8;
    h = h_new(&o, 5300);
    push_n(h, "Ucoordinator", OUTQ_PACED, 2, 5000);
    r[0] = h->nr;
    for (int i = 0; i < 100; i++) {
        char lane[16];

        snprintf(lane, sizeof(lane), "C%03d", i);
        push_n(h, lane, OUTQ_PACED, 2, 2);
    }
    push_n(h, NULL, 0, 2, 20);
    r[1] = h->nr;
    assert_false(outq_full(h->q));
    assert_true(run_until(h, finished_range, r, 2000));
    assert_true(now_of(h) < 1500);
    for (size_t i = r[0]; i < r[1]; i++)
        assert_true(h->r[i].sent_at[0] < 1500);
    /* the backlog moves at its own pace meanwhile */
    size_t sent = 0;
    for (size_t i = 0; i < 5000; i++)
        sent += h->r[i].sends > 0;
    assert_int_equal(sent, 3);
    assert_int_equal(outq_count(h->q), 4997);
    assert_false(h->lane_twice);
    h_free(h);
}

/* A lane moved (a Discord route whose bucket became known): queued items
 * follow in order, and the one on the wire, sent again, leads. */
static void
test_lane_move(void **state)
{
    struct h *h = h_new(&plain, 16);
    struct req *r0, *r1, *r2, *b0, *b1;

    (void)state;
    b0 = add(h, "b", 0);
    b0->dur = 200;
    push(h, b0);
    b1 = add(h, "b", 0);
    push(h, b1);
    r0 = add(h, "r", 0);
    r0->dur = 50;
    r0->limit_ms = 1;          /* answered with a wait: sent again */
    push(h, r0);
    r1 = add(h, "r", 0);
    push(h, r1);
    r2 = add(h, "r", 0);
    push(h, r2);
    run_for(h, 10);
    assert_int_equal(r0->sends, 1);
    assert_int_equal(outq_lane_count(h->q, "r"), 3);
    outq_lane_move(h->q, "r", "b");
    snprintf(r0->lane, sizeof(r0->lane), "b");
    snprintf(r1->lane, sizeof(r1->lane), "b");
    snprintf(r2->lane, sizeof(r2->lane), "b");
    assert_int_equal(outq_lane_count(h->q, "r"), 0);
    assert_int_equal(outq_lane_count(h->q, "b"), 5);
    assert_true(run_until(h, all_finished, NULL, 5000));
    /* r0 again first, then b1 (queued in b before the move), r1, r2 */
    assert_true(r0->sent_at[1] >= b0->sent_at[0] + 200);
    assert_true(sent_pos(h, b1->id) > sent_pos(h, r0->id));
    assert_true(r0->sent_at[1] <= b1->sent_at[0]);
    assert_true(b1->sent_at[0] <= r1->sent_at[0]);
    assert_true(r1->sent_at[0] <= r2->sent_at[0]);
    h_free(h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_per_lane),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_settled_inside_send),
        cmocka_unit_test(test_pacing),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_retry_policy),
        cmocka_unit_test(test_wait_keeps_head),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_stop_drain),
        cmocka_unit_test(test_free_without_stop),
        cmocka_unit_test(test_cap_on_items),
        cmocka_unit_test(test_busy_lane_holds_up_nobody),
        cmocka_unit_test(test_lane_move),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
