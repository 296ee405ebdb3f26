/* report, feedback, kudos: the retrospective of a campaign (retro.h),
 * any time, and the feedback layer it shows. */
#include <string.h>

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

/* feedback <slug> [anonymous:yes] <text>: for the brand, in the report.
 * Anonymous feedback keeps no name, and no audit line names who left it. */
enum ch_status
cmd_retro_feedback(struct ctx *c)
{
    const struct campaign *cp = command_arg(c, "slug")->campaign;
    const char *text = command_arg_text(c, "text");
    const char *anon = command_arg_text(c, "anonymous");
    bool anonymous = anon && strcmp(anon, "yes") == 0;
    unsigned role =
        store_participant_role_in(c->st, cp->id, c->caller.id, NULL, c->a);
    /* Not even the role of an anonymous one: a campaign's only agency
     * would be named by it. */
    const char *role_name = anonymous ? "anonymous"
                                      : model_role_name(role ? role
                                                             : ROLE_ADMIN);
    enum ch_status s = store_retro_feedback_add(
        c->st, cp->id, anonymous ? 0 : c->caller.id, role_name, text, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the feedback");
    if (!anonymous)
        ctx_audit(c, cp->id, cp->slug, "feedback.add", "%s", text);
    ctx_reply(c,
              "Thank you: your feedback on %s is recorded for its report%s.",
              cp->slug,
              anonymous ? ", without your name (nothing keeps who left it)"
                        : ", with your name");
    return CH_OK;
}

/* kudos <person> <reason>: to someone the caller shares a campaign with;
 * she is told. */
enum ch_status
cmd_retro_kudos(struct ctx *c)
{
    const struct person *to = command_arg(c, "person")->person;
    const char *reason = command_arg_text(c, "reason");
    if (to->id == c->caller.id)
        return ch_fail(&c->err, CH_DENIED,
                       "kudos go to someone else, not to yourself");
    if (!store_retro_share_campaign(c->st, c->caller.id, to->id))
        return ch_fail(&c->err, CH_DENIED,
                       "kudos go to someone you share a campaign with: you "
                       "and %s share none", to->name);
    enum ch_status s = store_retro_kudos_add(c->st, c->caller.id, to->id,
                                             reason, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not record the kudos");
    ctx_audit(c, 0, to->name, "kudos.add", "%s", reason);
    ctx_dm(c, to->id, NULL, "Kudos from %s: %s",
           ctx_mark_person(c, c->caller.id), reason);
    ctx_reply(c, "Kudos to %s recorded; they are told.",
              ctx_mark_person(c, to->id));
    return CH_OK;
}
