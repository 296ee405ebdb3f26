/*
 * console: the adapter for a terminal, and chorus's embedded default.
 *
 * Input lines:
 *   <speaker>: <text>                    said with no place (a DM to chorus)
 *   <speaker> in #<campaign>: <text>     said in a campaign's channel
 *   <speaker> in dm: <text>              said in a DM to chorus
 *   ~ +3h  |  ~ 2026-12-03T09:00Z        move the simulated clock forward
 *   # comment                            ignored
 * A text starting with /campaign is a command; anything else a message.
 * Speakers are console identities, created on first sight.
 *
 * Output: everything chorus sends, one message per line (continuation
 * lines indented), with its destination:
 *   [#spring-launch] chorus: ...          a channel post
 *   [dm bob] chorus: ...                  a direct message
 *   [#spring-launch, to bob] chorus: ...  a reply only bob sees
 *   [#spring-launch] * ...                channel events (created, pinned)
 * With a simulated clock every line starts with its UTC time, e.g.
 * "[2026-12-01 09:00Z] ".  When input is not a terminal, each input line
 * is echoed as "> line" so the output reads as a transcript.
 *
 * Delivery is synchronous: every outbox row handed over is printed and
 * reported done before the call returns.  The console drives nothing:
 * after each line it calls after_line (the daemon flushes and re-arms its
 * timer), and `~` asks the daemon to run the clock forward (advance).
 * Ownership: console_new() copies the options; the environment (loop,
 * core) is borrowed and must outlive the console.
 */
#ifndef CHORUS_CONSOLE_H
#define CHORUS_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "adapter_env.h"
#include "adapter.h"
#include "clock.h"

struct console_options {
    FILE             *out;     /* NULL: stdout */
    bool              echo;    /* echo input lines as "> line" */
    struct sim_clock *sim;     /* non-NULL: the clock `~` moves */
    /* Called after each input line is handled and at end of input. */
    void            (*after_line)(void *arg);
    void            (*at_eof)(void *arg);
    /* `~`: run everything due up to target_ms (simulated clock only). */
    void            (*advance)(void *arg, int64_t target_ms);
    void             *arg;
};

/* The console adapter; start() reads standard input on env->loop until
 * end of input. */
struct adapter *console_new(const struct console_options *opt,
                            const struct adapter_env *env);
/* Handle one input line (without its newline), as if typed. */
void            console_line(struct adapter *a, const char *line);
/* Print nothing while true (the demo workspace is seeded quietly). */
void            console_set_quiet(struct adapter *a, bool quiet);

#endif
