/*
 * loop: the program's only event loop (libuv underneath; README,
 * "Dependencies, and why", says why).  One thread; nothing blocks it.
 *
 * libwebsockets runs on it as a foreign loop (ws.c asks loop_native() for
 * the uv_loop_t), libcurl's multi socket API runs on its fd watches and a
 * timer (http.c), and the daemon keeps exactly one timer armed for the
 * core's next due job.  Only adapters/runtime may call loop_native().
 *
 * Ownership: every handle from loop_*_new() is released with its _free(),
 * which is asynchronous underneath (uv_close) but safe to call from inside
 * the handle's own callback; the memory goes away on a later iteration.
 * loop_run() returns once loop_stop() was called and every handle closed.
 */
#ifndef CHORUS_LOOP_H
#define CHORUS_LOOP_H

#include <stdbool.h>
#include <stdint.h>

struct loop;
struct loop_timer;
struct loop_watch;
struct loop_signal;

enum {
    LOOP_READ = 1,
    LOOP_WRITE = 2,
    LOOP_ERROR = 4,   /* reported only, never requested */
};

typedef void loop_timer_fn(void *arg);
typedef void loop_watch_fn(void *arg, int fd, unsigned events);
typedef void loop_signal_fn(void *arg, int signum);
typedef void loop_defer_fn(void *arg);

struct loop *loop_new(void);
/* Runs until loop_stop() and all handles are closed.  0 on a clean exit. */
int          loop_run(struct loop *loop);
/* One iteration, for test drivers that run the loop in steps (the
 * simulators' wait helpers): wait true blocks until something happens
 * (arm a timer to bound it), false only polls.  Returns -1 when called
 * from inside the loop (loop_run or loop_run_once already running), else
 * 0 once nothing keeps the loop alive any more, 1 otherwise. */
int          loop_run_once(struct loop *loop, bool wait);
/* Ask loop_run to return once the remaining handles have closed. */
void         loop_stop(struct loop *loop);
void         loop_free(struct loop *loop);
/* uv_loop_t *, for libwebsockets' foreign-loop option.  adapters/runtime only.
 */
void        *loop_native(struct loop *loop);
/* Monotonic milliseconds as the loop sees them (updated before reading). */
int64_t      loop_now_ms(struct loop *loop);
/* Run fn(arg) once on the next iteration, outside the current callback. */
void         loop_defer(struct loop *loop, loop_defer_fn *fn, void *arg);

struct loop_timer *loop_timer_new(struct loop *loop, loop_timer_fn *fn,
                                  void *arg);
/* (Re)arm to fire once after delay_ms (0: next iteration); replaces any
 * earlier arming. */
void               loop_timer_arm(struct loop_timer *t, int64_t delay_ms);
void               loop_timer_stop(struct loop_timer *t);
void               loop_timer_free(struct loop_timer *t);

/* Watch a socket for LOOP_READ / LOOP_WRITE.  events 0 pauses the watch. */
struct loop_watch *loop_watch_new(struct loop *loop, int fd,
                                  loop_watch_fn *fn, void *arg);
void               loop_watch_set(struct loop_watch *w, unsigned events);
void               loop_watch_free(struct loop_watch *w);

/* Deliver signum to fn on the loop (never in signal context). */
struct loop_signal *loop_signal_new(struct loop *loop, int signum,
                                    loop_signal_fn *fn, void *arg);
void                loop_signal_free(struct loop_signal *s);

#endif
