/* report: the retrospective of a campaign (retro.h), any time. */
#include "commands.h"
#include "core_internal.h"
#include "retro.h"

enum ch_status
cmd_retro_report(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    struct buf text = BUF_INIT;
    enum ch_status s = retro_render(c, cp, &text);
    if (s == CH_OK)
        ctx_reply(c, "%s", buf_cstr(&text));
    buf_free(&text);
    if (s == CH_NOT_FOUND)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s has no deliverables yet: nothing to report "
                       "(deliverable %s <creator> \"<title>\" ... adds one)",
                       cp->slug, cp->slug);
    return s == CH_OK ? s
                      : ch_fail(&c->err, s, "could not build the report of "
                                "%s", cp->slug);
}
