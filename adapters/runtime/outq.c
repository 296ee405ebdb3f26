/*
 * The outbound queue (outq.h): lanes in a hash map, the ready ones on a
 * list in turn order, the laneless ones on a free queue, and one timer.
 *
 * A lane is in exactly one place: on the ready list (items queued, none
 * on the wire: its head may go once its waits allow), on no list (its
 * item is on the wire), or on the idle list (empty; freed LANE_KEEP_MS
 * later, so a busy conversation does not allocate its lane per message
 * and a pace window is not forgotten while it still counts).  A lane
 * whose call ends goes to the tail of the ready list: lanes take turns.
 *
 * Everything that calls back into the owner runs from the timer (pump(),
 * stop_step()); the outq_*() calls only change state and wake it, so an
 * owner settling an item from inside send() never re-enters the pump.
 */
#include "outq.h"

#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "loop.h"
#include "ratewin.h"
#include "log.h"
#include "xmalloc.h"

#define LANE_KEEP_MS 10000
#define MAP_SLOTS_MIN 64

/* A list of links: items (a lane's queue, the free queue, the wire) or
 * lanes (ready, idle).  The link is the first member of both. */
struct list {
    struct outq_link *head, *tail;
    size_t            n;
};

enum lane_place {
    LANE_WIRE,      /* its call is on the wire: on no list */
    LANE_READY,
    LANE_IDLE,
};

struct outq_lane {
    struct outq_link  link;           /* first: ready or idle list */
    struct outq_lane *mnext;          /* map chain */
    struct list       queue;
    size_t            nwire;          /* 1, or 2 for a moment after a move */
    enum lane_place   place;
    int64_t           idle_since;
    bool              paced;          /* pace set up */
    struct ratewin    pace;
    uint32_t          hash;
    char              key[];
};

struct outq {
    struct loop        *loop;
    struct outq_options o;
    struct outq_ops     ops;
    void               *arg;
    struct loop_timer  *timer;
    int64_t             timer_at;     /* INT64_MAX: not armed */
    uint64_t            rng;

    struct outq_lane  **map;
    size_t              nslots;       /* a power of two */
    size_t              nlanes;
    struct list         ready, idle;  /* lanes */
    struct list         freeq;        /* items queued without a lane */
    struct list         wire;         /* every item on the wire */
    size_t              free_wire;    /* of them without a lane */
    size_t              count;        /* held: queued and on the wire */

    bool                pumping;
    bool                again;        /* changed while pumping */
    bool                owe_room;     /* outq_full() said yes */
    bool                room_due;
    bool                stopping;
    int64_t             deadline;
    void              (*done)(void *arg);
    void               *done_arg;
};

/* ---- lists ---- */

static struct outq_item *
item_of(struct outq_link *k)
{
    return (struct outq_item *)k;
}

static struct outq_lane *
lane_of(struct outq_link *k)
{
    return (struct outq_lane *)k;
}

static void
list_append(struct list *l, struct outq_link *k)
{
    k->next = NULL;
    k->prev = l->tail;
    if (l->tail)
        l->tail->next = k;
    else
        l->head = k;
    l->tail = k;
    l->n++;
}

static void
list_prepend(struct list *l, struct outq_link *k)
{
    k->prev = NULL;
    k->next = l->head;
    if (l->head)
        l->head->prev = k;
    else
        l->tail = k;
    l->head = k;
    l->n++;
}

static void
list_remove(struct list *l, struct outq_link *k)
{
    if (k->prev)
        k->prev->next = k->next;
    else
        l->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    else
        l->tail = k->prev;
    k->next = k->prev = NULL;
    l->n--;
}

/* ---- lanes ---- */

static uint32_t
hash_key(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static struct outq_lane *
lane_find(const struct outq *q, const char *key)
{
    uint32_t h = hash_key(key);

    for (struct outq_lane *l = q->map[h & (q->nslots - 1)]; l; l = l->mnext)
        if (l->hash == h && strcmp(l->key, key) == 0)
            return l;
    return NULL;
}

static void
map_grow(struct outq *q)
{
    size_t n = q->nslots * 2;
    struct outq_lane **map = xcalloc(n, sizeof(*map));

    for (size_t s = 0; s < q->nslots; s++) {
        while (q->map[s]) {
            struct outq_lane *l = q->map[s];

            q->map[s] = l->mnext;
            l->mnext = map[l->hash & (n - 1)];
            map[l->hash & (n - 1)] = l;
        }
    }
    free(q->map);
    q->map = map;
    q->nslots = n;
}

static void
lane_list_leave(struct outq *q, struct outq_lane *l)
{
    if (l->place == LANE_READY)
        list_remove(&q->ready, &l->link);
    else if (l->place == LANE_IDLE)
        list_remove(&q->idle, &l->link);
    l->place = LANE_WIRE;
}

/* Put l where its items say (see the top of the file). */
static void
lane_place(struct outq *q, struct outq_lane *l)
{
    enum lane_place want = l->nwire        ? LANE_WIRE
                           : l->queue.n    ? LANE_READY
                                           : LANE_IDLE;

    if (l->place == want)
        return;
    lane_list_leave(q, l);
    l->place = want;
    if (want == LANE_READY) {
        list_append(&q->ready, &l->link);
    } else if (want == LANE_IDLE) {
        l->idle_since = loop_now_ms(q->loop);
        list_append(&q->idle, &l->link);
    }
}

static struct outq_lane *
lane_get(struct outq *q, const char *key)
{
    struct outq_lane *l = lane_find(q, key);
    size_t len;

    if (l)
        return l;
    if (q->nlanes >= q->nslots)
        map_grow(q);
    len = strlen(key);
    l = xcalloc(1, sizeof(*l) + len + 1);
    memcpy(l->key, key, len + 1);
    l->hash = hash_key(key);
    l->mnext = q->map[l->hash & (q->nslots - 1)];
    q->map[l->hash & (q->nslots - 1)] = l;
    q->nlanes++;
    l->place = LANE_WIRE;   /* placed by the caller once it has items */
    return l;
}

/* A lane's pace starts with its first paced item. */
static void
lane_pace(struct outq *q, struct outq_lane *l)
{
    if (l->paced || !q->o.pace_burst)
        return;
    ratewin_init(&l->pace, q->o.pace_burst, q->o.pace_window_ms);
    l->paced = true;
}

static void
lane_free(struct outq *q, struct outq_lane *l)
{
    struct outq_lane **pp = &q->map[l->hash & (q->nslots - 1)];

    while (*pp != l)
        pp = &(*pp)->mnext;
    *pp = l->mnext;
    q->nlanes--;
    lane_list_leave(q, l);
    if (l->paced)
        ratewin_free(&l->pace);
    free(l);
}

/* Lanes idle long enough: every lane waits the same time, so the idle
 * list is in the order they expire. */
static void
lanes_expire(struct outq *q, int64_t now)
{
    int64_t keep = q->o.pace_window_ms > LANE_KEEP_MS ? q->o.pace_window_ms
                                                       : LANE_KEEP_MS;

    while (q->idle.head && now - lane_of(q->idle.head)->idle_since >= keep)
        lane_free(q, lane_of(q->idle.head));
}

/* ---- the timer ---- */

static void
timer_set(struct outq *q, int64_t at, int64_t now)
{
    if (at == INT64_MAX) {
        if (q->timer_at != INT64_MAX)
            loop_timer_stop(q->timer);
    } else {
        loop_timer_arm(q->timer, at > now ? at - now : 0);
    }
    q->timer_at = at;
}

/* Something changed: look again, from the loop. */
static void
wake(struct outq *q)
{
    if (q->pumping) {
        q->again = true;
        return;
    }
    int64_t now = loop_now_ms(q->loop);
    if (q->timer_at > now)
        timer_set(q, now, now);
}

/* ---- items ---- */

/* Take it off the wire or out of its queue; the counts follow. */
static void
detach(struct outq *q, struct outq_item *it)
{
    struct outq_lane *l = it->lane;

    if (it->state == OUTQ_WIRE) {
        list_remove(&q->wire, &it->link);
        if (l)
            l->nwire--;
        else
            q->free_wire--;
    } else if (it->state == OUTQ_QUEUED) {
        list_remove(l ? &l->queue : &q->freeq, &it->link);
    }
}

/* It leaves the engine. */
static void
release(struct outq *q, struct outq_item *it)
{
    struct outq_lane *l = it->lane;

    detach(q, it);
    it->state = OUTQ_IDLE;
    it->lane = NULL;
    q->count--;
    if (l)
        lane_place(q, l);
    if (q->owe_room && q->count <= q->o.max_items / 2) {
        q->owe_room = false;
        q->room_due = true;
    }
}

/* Back to the head of its lane (or of the free queue). */
static void
requeue_head(struct outq *q, struct outq_item *it, int64_t not_before)
{
    if (it->state == OUTQ_IDLE)
        return;
    detach(q, it);
    it->state = OUTQ_QUEUED;
    it->not_before = not_before;
    if (it->lane) {
        list_prepend(&it->lane->queue, &it->link);
        lane_place(q, it->lane);
    } else {
        list_prepend(&q->freeq, &it->link);
    }
    wake(q);
}

/* What it still waits for, in ms: its own time, its lane's pace, the
 * owner's gate. */
static int64_t
wait_of(struct outq *q, const struct outq_item *it, int64_t now)
{
    int64_t w = it->not_before > now ? it->not_before - now : 0;

    if ((it->flags & OUTQ_PACED) && it->lane && it->lane->paced) {
        int64_t p = ratewin_wait(&it->lane->pace, now);

        if (p > w)
            w = p;
    }
    if (q->ops.gate) {
        int64_t g = q->ops.gate(q->arg, it, now);

        if (g > w)
            w = g;
    }
    return w;
}

static void
start(struct outq *q, struct outq_item *it, int64_t now)
{
    struct outq_lane *l = it->lane;

    detach(q, it);
    it->state = OUTQ_WIRE;
    list_append(&q->wire, &it->link);
    if (l) {
        l->nwire++;
        if ((it->flags & OUTQ_PACED) && l->paced)
            ratewin_add(&l->pace, now);
        lane_place(q, l);
    } else {
        q->free_wire++;
    }
    q->ops.send(q->arg, it);      /* last: it may be settled and gone */
}

static bool
wire_full(const struct outq *q)
{
    return q->o.max_inflight && q->wire.n >= q->o.max_inflight;
}

static bool
free_full(const struct outq *q)
{
    return q->o.max_free && q->free_wire >= q->o.max_free;
}

static void
note_wait(int64_t now, int64_t w, int64_t *next)
{
    if (w != OUTQ_HOLD && now + w < *next)
        *next = now + w;
}

/* One pass: the head of every ready lane in turn, then the free queue.
 * An owner's call that changes anything ends the pass (again). */
static void
pass(struct outq *q, int64_t now, int64_t *next)
{
    size_t n = q->ready.n;
    struct outq_link *k = q->ready.head, *nx;

    for (size_t i = 0; i < n && k && !q->again && !wire_full(q); i++) {
        struct outq_item *head = item_of(lane_of(k)->queue.head);
        int64_t w = wait_of(q, head, now);

        nx = k->next;
        if (w == 0)
            start(q, head, now);
        else
            note_wait(now, w, next);
        k = nx;
    }
    for (k = q->freeq.head;
         k && !q->again && !wire_full(q) && !free_full(q); k = nx) {
        int64_t w = wait_of(q, item_of(k), now);

        nx = k->next;
        if (w == 0)
            start(q, item_of(k), now);
        else
            note_wait(now, w, next);
    }
}

static void
pump(struct outq *q)
{
    int64_t now = loop_now_ms(q->loop), next;

    lanes_expire(q, now);
    q->pumping = true;
    do {
        q->again = false;
        next = INT64_MAX;
        now = loop_now_ms(q->loop);
        pass(q, now, &next);
    } while (q->again && !q->stopping);
    q->pumping = false;
    timer_set(q, q->stopping ? now : next, now);
}

static struct outq_item *
any_item(const struct outq *q)
{
    if (q->wire.head)
        return item_of(q->wire.head);
    if (q->ready.head)    /* nothing on the wire: every queued lane */
        return item_of(lane_of(q->ready.head)->queue.head);
    return item_of(q->freeq.head);
}

static void
cancel_all(struct outq *q)
{
    struct outq_item *it;

    while ((it = any_item(q)) != NULL) {
        release(q, it);
        if (q->ops.cancelled)
            q->ops.cancelled(q->arg, it);
    }
}

/* Stopping: wait for the wire to empty or the deadline, then end. */
static void
stop_step(struct outq *q)
{
    int64_t now = loop_now_ms(q->loop);

    if (q->wire.n && now < q->deadline) {
        timer_set(q, q->deadline, now);
        return;
    }
    if (q->count)
        log_info(q->o.name, "stopping with %zu request%s unfinished (%zu on "
                 "the wire); the outbox keeps them", q->count,
                 q->count == 1 ? "" : "s", q->wire.n);
    cancel_all(q);
    void (*done)(void *) = q->done;
    q->done = NULL;
    if (done)
        done(q->done_arg);
}

static void
on_timer(void *arg)
{
    struct outq *q = arg;

    q->timer_at = INT64_MAX;
    if (q->stopping) {
        stop_step(q);
        return;
    }
    if (q->room_due) {
        q->room_due = false;
        if (q->ops.room)
            q->ops.room(q->arg);
    }
    pump(q);
}

/* ---- the interface ---- */

struct outq *
outq_new(struct loop *loop, const struct outq_options *o,
         const struct outq_ops *ops, void *arg)
{
    struct outq *q = xcalloc(1, sizeof(*q));

    q->loop = loop;
    q->o = *o;
    if (!q->o.name)
        q->o.name = "outq";
    if (!q->o.max_items)
        q->o.max_items = OUTQ_DEFAULT_MAX_ITEMS;
    q->ops = *ops;
    q->arg = arg;
    q->timer = loop_timer_new(loop, on_timer, q);
    q->timer_at = INT64_MAX;
    q->rng = backoff_seed();
    q->nslots = MAP_SLOTS_MIN;
    q->map = xcalloc(q->nslots, sizeof(*q->map));
    return q;
}

void
outq_free(struct outq *q)
{
    if (!q)
        return;
    q->stopping = true;
    q->done = NULL;
    cancel_all(q);
    for (size_t s = 0; s < q->nslots; s++)
        while (q->map[s])
            lane_free(q, q->map[s]);
    free(q->map);
    loop_timer_free(q->timer);
    free(q);
}

void
outq_push(struct outq *q, struct outq_item *it, const char *lane,
          unsigned flags)
{
    memset(it, 0, sizeof(*it));
    it->flags = flags;
    it->state = OUTQ_QUEUED;
    q->count++;
    if (lane) {
        struct outq_lane *l = lane_get(q, lane);

        if (flags & OUTQ_PACED)
            lane_pace(q, l);
        it->lane = l;
        list_append(&l->queue, &it->link);
        lane_place(q, l);
    } else {
        list_append(&q->freeq, &it->link);
    }
    wake(q);
}

void
outq_done(struct outq *q, struct outq_item *it)
{
    if (it->state == OUTQ_IDLE)
        return;
    release(q, it);
    wake(q);
}

int64_t
outq_retry(struct outq *q, struct outq_item *it)
{
    const struct outq_retry *p = &q->o.retry;

    if (it->state == OUTQ_IDLE)
        return -1;
    if (p->attempts && it->retries >= p->attempts) {
        outq_done(q, it);
        return -1;
    }
    int64_t d = backoff_delay(p->base_ms, p->max_ms, it->retries, &q->rng);
    it->retries++;
    requeue_head(q, it, loop_now_ms(q->loop) + d);
    return d;
}

void
outq_wait(struct outq *q, struct outq_item *it, int64_t wait_ms)
{
    requeue_head(q, it, loop_now_ms(q->loop) + (wait_ms > 0 ? wait_ms : 0));
}

void
outq_resend(struct outq *q, struct outq_item *it)
{
    it->retries = 0;
    requeue_head(q, it, 0);
}

void
outq_lane_move(struct outq *q, const char *from, const char *to)
{
    struct outq_lane *f = lane_find(q, from), *t;
    struct outq_item *it;

    if (!f || strcmp(from, to) == 0)
        return;
    t = lane_get(q, to);
    if (f->paced)
        lane_pace(q, t);
    while ((it = item_of(f->queue.head)) != NULL) {
        list_remove(&f->queue, &it->link);
        it->lane = t;
        list_append(&t->queue, &it->link);
    }
    for (struct outq_link *k = q->wire.head; k; k = k->next) {
        it = item_of(k);
        if (it->lane == f) {
            it->lane = t;
            f->nwire--;
            t->nwire++;
        }
    }
    lane_place(q, f);
    lane_place(q, t);
    wake(q);
}

size_t
outq_lane_count(const struct outq *q, const char *lane)
{
    const struct outq_lane *l = lane_find(q, lane);

    return l ? l->queue.n + l->nwire : 0;
}

const char *
outq_item_lane(const struct outq_item *it)
{
    return it->lane ? it->lane->key : NULL;
}

size_t
outq_count(const struct outq *q)
{
    return q->count;
}

size_t
outq_inflight(const struct outq *q)
{
    return q->wire.n;
}

bool
outq_full(struct outq *q)
{
    if (q->count < q->o.max_items)
        return false;
    q->owe_room = true;
    return true;
}

void
outq_stop(struct outq *q, int64_t deadline_ms, void (*done)(void *arg),
          void *arg)
{
    q->done = done;
    q->done_arg = arg;
    if (q->stopping)
        return;
    q->stopping = true;
    q->deadline = deadline_ms;
    if (q->pumping) {
        q->again = true;      /* the pump ends and arms the timer */
        return;
    }
    int64_t now = loop_now_ms(q->loop);
    timer_set(q, now, now);
}
