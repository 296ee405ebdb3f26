/*
 * button_rows: buttons into rows (see button_rows.h).
 */
#include "button_rows.h"

#include "log.h"

void
button_rows(const struct out_button *b, size_t nb, const char *mod,
            struct button_rows *out)
{
    size_t i, in_row = 0;

    out->n = 0;
    out->start[0] = 0;
    for (i = 0; i < nb; i++) {
        if (i == 0 || b[i].row != b[i - 1].row ||
            in_row == BUTTON_ROWS_WIDTH) {
            if (out->n == OUT_MAX_ROWS)
                break;
            out->start[out->n++] = i;
            in_row = 0;
        }
        in_row++;
    }
    out->start[out->n] = i;
    if (i < nb)
        log_warn(mod, "%zu of a message's %zu buttons left out: more than "
                 "%d rows", nb - i, nb, OUT_MAX_ROWS);
}
