/* tz: for oneself, or (coordinators) for someone else. */
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "when.h"

static const char *
local_now(struct ctx *c, const char *zone)
{
    char text[64];
    when_format(c->now, zone, c->now, WHEN_LONG, text, sizeof(text));
    return arena_strdup(c->a, text);
}

enum ch_status
cmd_people_tz_self(struct ctx *c)
{
    const char *zone = command_arg_text(c, "zone");
    enum ch_status s = store_people_set_tz(c->st, c->caller.id, zone, "self");
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save your time zone");
    ctx_audit(c, 0, NULL, "person.tz", "%s: %s (self)", c->caller.name, zone);
    ctx_reply(c,
              "Your time zone is now %s (it is %s there). Deadlines and "
              "nudges follow it.",
              zone, local_now(c, zone));
    return CH_OK;
}

enum ch_status
cmd_people_tz_other(struct ctx *c)
{
    struct person *who = command_arg(c, "person")->person;
    const char *zone = command_arg_text(c, "zone");
    bool self = who->id == c->caller.id;
    enum ch_status s = store_people_set_tz(c->st, who->id, zone,
                                           self ? "self" : "coordinator");
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save the time zone");
    ctx_audit(c, 0, NULL, "person.tz", "%s: %s (set by %s)", who->name, zone,
              c->caller.name);
    if (!self)
        ctx_dm(
            c, who->id, NULL,
            "%s set your time zone to %s (it is %s there). If that is wrong, "
            "set your own with tz <zone>.",
            ctx_mark_person(c, c->caller.id), zone, local_now(c, zone));
    ctx_reply(c, "%s's time zone is now %s (it is %s there).",
              ctx_mark_person(c, who->id), zone, local_now(c, zone));
    return CH_OK;
}
