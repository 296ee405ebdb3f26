/*
 * button_rows: how every platform lays a message's buttons out in rows
 * (core/adapter.h, struct out_button).  A button whose row differs from
 * the one before it starts a new row, and so does one that would be a
 * row's sixth (BUTTON_ROWS_WIDTH: Discord's action rows hold five, and
 * Slack and the console keep the same layout); there are at most
 * OUT_MAX_ROWS rows, and buttons past the last are left out, with a
 * warning in the log.
 *
 * Ownership: nothing is allocated; out indexes the caller's buttons.
 */
#ifndef CHORUS_BUTTON_ROWS_H
#define CHORUS_BUTTON_ROWS_H

#include <stddef.h>

#include "adapter.h"

#define BUTTON_ROWS_WIDTH 5

struct button_rows {
    size_t n;                         /* rows */
    size_t start[OUT_MAX_ROWS + 1];   /* row r is buttons start[r] up to
                                         start[r + 1] */
};

/* The rows of b[0..nb) into out; mod names the platform in the warning
 * when some are left out (start[n] < nb then). */
void button_rows(const struct out_button *b, size_t nb, const char *mod,
                 struct button_rows *out);

#endif
