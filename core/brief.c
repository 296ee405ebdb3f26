/* The brief of a campaign: the current version, rendered for a reader. */
#include <string.h>

#include "core_internal.h"
#include "when.h"

enum ch_status
brief_current(struct ctx *c, const struct campaign *cp, struct brief *b)
{
    return store_brief_get(c->st, c->a, cp->id, cp->brief_version, b);
}

void
brief_render(struct ctx *c, const struct campaign *cp, const struct brief *b,
             struct buf *out)
{
    (void)c;
    buf_printf(out, "Brief for %s, version %d", cp->slug, b->version);
    if (cp->kicked_off_at != INT64_MIN)
        buf_adds(out, " (locked since kickoff: changes need the brand)");
    else
        buf_adds(out, " (draft: coordinators may edit until kickoff)");
    for (int i = 0; i < BRIEF_NFIELDS; i++) {
        const char *v = b->field[i];
        if (!model_brief_fields[i].is_list) {
            buf_printf(out, "\n%s: %s", model_brief_fields[i].label,
                       v && *v ? v : "—");
            continue;
        }
        buf_printf(out, "\n%s:", model_brief_fields[i].label);
        if (!v || !*v) {
            buf_adds(out, " —");
            continue;
        }
        for (const char *p = v; *p;) {
            size_t n = strcspn(p, "\n");
            buf_printf(out, "\n  • %.*s", (int)n, p);
            p += n + (p[n] == '\n');
        }
    }
}
