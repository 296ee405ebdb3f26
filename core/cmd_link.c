/*
 * link, unlink: one person across platforms (issue 18).
 *
 * `link` gives the identity that typed it a one-time code; `link <code>`
 * typed by an identity of another platform joins the two people.  The
 * person who asked for the code survives and the one who typed it is
 * merged into her (store_link_merge): her campaigns, deliverables, time
 * off, standups, escalations and the rest follow.  Of the two zones the
 * one set by hand wins over one a platform gave, and hours set by hand
 * over the default; when both or neither were set, the survivor's.
 * `unlink` makes the identity it was typed from a person of its own
 * again, with a copy of the zone and hours; the history stays with the
 * person it leaves.
 */
#include <string.h>
#include <sys/random.h>

#include "commands.h"
#include "core_internal.h"
#include "str.h"

#define LINK_CODE_LEN     8
#define LINK_CODE_LIFE_MS (10 * 60 * 1000)

/* Crockford's base 32: no I, L, O or U, so nothing reads as another. */
static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static bool
code_make(char out[LINK_CODE_LEN + 1])
{
    unsigned char raw[LINK_CODE_LEN];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    for (size_t i = 0; i < LINK_CODE_LEN; i++)
        out[i] = alphabet[raw[i] & 31];
    out[LINK_CODE_LEN] = '\0';
    return true;
}

/* The code as typed, read kindly: any case, dashes and spaces dropped,
 * O as 0 and I or L as 1.  False when it cannot be a code. */
static bool
code_read(const char *in, char out[LINK_CODE_LEN + 1])
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        char ch = *p;
        if (ch == '-' || ch == ' ')
            continue;
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch == 'O')
            ch = '0';
        else if (ch == 'I' || ch == 'L')
            ch = '1';
        if (strchr(alphabet, ch) == NULL || n == LINK_CODE_LEN)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return n == LINK_CODE_LEN;
}

static bool
has_platform(char **platforms, size_t n, const char *platform)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(platforms[i], platform) == 0)
            return true;
    return false;
}

/* "fake:bob" for the audit. */
static const char *
identity_ref(struct ctx *c, const char *platform, const char *user_id)
{
    return arena_printf(c->a, "%s:%s", platform, user_id);
}

enum ch_status
cmd_link_code(struct ctx *c)
{
    char code[LINK_CODE_LEN + 1];
    if (!code_make(code))
        return ch_fail(&c->err, CH_INTERNAL,
                       "could not make a link code: try again");
    int64_t until = c->now + LINK_CODE_LIFE_MS;
    enum ch_status s =
        store_link_code_add(c->st, code, c->caller.id, c->ev->platform,
                            c->ev->user_id, c->now, until);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not save the link code");
    ctx_audit(c, 0, NULL, "person.link_code", "%s asked on %s", c->caller.name,
              c->ev->platform);
    ctx_reply(c,
              "Your link code is %s. Type link %s on your other platform "
              "before %s: your identity there and this one (%s) become one "
              "person. It works once; asking again ends it.",
              code, code, ctx_time_for_caller(c, until), c->ev->platform);
    return CH_OK;
}

/* 2: set by hand; 1: from a platform; 0: none (the workspace's). */
static int
zone_weight(const struct person *p)
{
    if (p->tz == NULL)
        return 0;
    if (p->tz_source && (strcmp(p->tz_source, "self") == 0 ||
                         strcmp(p->tz_source, "coordinator") == 0))
        return 2;
    return 1;
}

static const char *
hours_text(struct ctx *c, const struct person *p)
{
    if (!p->hours_set)
        return "the workspace's working hours";
    static const char *const names[] = {"mon", "tue", "wed", "thu",
                                        "fri", "sat", "sun"};
    return arena_printf(c->a, "%02d:%02d-%02d:%02d %s", p->work_start / 60,
                        p->work_start % 60, p->work_end / 60, p->work_end % 60,
                        ctx_bits_text(c, p->work_days, names, 7, ","));
}

static const char *
zone_source(const struct person *p)
{
    static const char *const words[] = {"none set", "from the platform",
                                        "set by hand"};
    return words[zone_weight(p)];
}

/* What the joined person keeps of the two profiles, and why, in words:
 * keep asked for the code on keep_on, gone typed it here. */
static enum ch_status
join_profile(struct ctx *c, const struct person *keep, const char *keep_on,
             const struct person *gone, struct buf *why)
{
    const char *here = c->ev->platform;
    bool gone_zone = zone_weight(gone) > zone_weight(keep);
    const struct person *z = gone_zone ? gone : keep;
    bool gone_hours = gone->hours_set && !keep->hours_set;
    const struct person *h = gone_hours ? gone : keep;
    bool urgent_k, urgent_g;
    int digest_k, digest_g;
    enum ch_status s =
        store_people_notify(c->st, keep->id, &urgent_k, &digest_k);
    if (s == CH_OK)
        s = store_people_notify(c->st, gone->id, &urgent_g, &digest_g);
    if (s != CH_OK)
        return s;
    s = store_link_profile(c->st, keep->id, z->tz, z->tz_source, h->work_start,
                           h->work_end, h->work_days, h->hours_set,
                           urgent_k || urgent_g,
                           digest_k >= 0 ? digest_k : digest_g, here);
    if (s != CH_OK)
        return s;
    const char *zone = z->tz ? z->tz : c->set->default_tz;
    const struct person *other = gone_zone ? keep : gone;
    if ((keep->tz == NULL && gone->tz == NULL) ||
        (keep->tz && gone->tz && strcmp(keep->tz, gone->tz) == 0))
        buf_printf(why, "Zone: %s (the same on both).", zone);
    else if (zone_weight(keep) == zone_weight(gone))
        buf_printf(why,
                   "Zone: %s, the one on %s: both were %s, and the "
                   "identity that asked for the code wins.",
                   zone, keep_on, zone_source(keep));
    else
        buf_printf(why, "Zone: %s, %s on %s (on %s: %s).", zone, zone_source(z),
                   gone_zone ? here : keep_on, gone_zone ? keep_on : here,
                   zone_source(other));
    if (!keep->hours_set && !gone->hours_set)
        buf_printf(why, " Working hours: the workspace's.");
    else if (keep->hours_set && gone->hours_set)
        buf_printf(why,
                   " Working hours: %s, the ones on %s: both were set, "
                   "and the identity that asked for the code wins.",
                   hours_text(c, h), keep_on);
    else
        buf_printf(why, " Working hours: %s, set on %s (none on %s).",
                   hours_text(c, h), gone_hours ? here : keep_on,
                   gone_hours ? keep_on : here);
    return CH_OK;
}

/* An audit line of the person's own, and one in the audit of each
 * campaign she takes part in (what `audit <slug>` shows); with renamed,
 * the pinned status of each, which names her, is brought up to date. */
static void
audit_everywhere(struct ctx *c, int64_t person_id, const char *action,
                 const char *detail, bool renamed)
{
    ctx_audit(c, 0, NULL, action, "%s", detail);
    struct campaign *cps;
    size_t n = 0;
    if (store_campaign_list_for(c->st, c->a, person_id, &cps, &n) != CH_OK)
        return;
    for (size_t i = 0; i < n; i++) {
        ctx_audit(c, cps[i].id, NULL, action, "%s", detail);
        if (renamed)
            campaign_refresh_status(c, &cps[i]);
    }
}

enum ch_status
cmd_link_join(struct ctx *c)
{
    const char *typed = command_arg_text(c, "code");
    char code[LINK_CODE_LEN + 1];
    if (!code_read(typed, code))
        return ch_fail(&c->err, CH_INVALID,
                       "\"%.40s\" is not a link code: a code is 8 letters and "
                       "digits, like K7QM2XWP. Type link on your other "
                       "platform to get one.",
                       typed);
    struct link_code k;
    enum ch_status s = store_link_code_get(c->st, c->a, code, &k);
    if (s == CH_NOT_FOUND)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "no link code %s: check it, or type link on your "
                       "other platform for a new one",
                       code);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not read the link code");
    const char *here = c->ev->platform;
    if (k.used_at != INT64_MIN)
        return ch_fail(&c->err, CH_CONFLICT,
                       "link code %s was already used (%s): each code works "
                       "once. Type link on %s for a new one.",
                       code, ctx_time_for_caller(c, k.used_at), k.platform);
    if (c->now >= k.expires_at)
        return ch_fail(&c->err, CH_CONFLICT,
                       "link code %s expired at %s (a code lives 10 "
                       "minutes): type link on %s for a new one.",
                       code, ctx_time_for_caller(c, k.expires_at), k.platform);
    if (strcmp(k.platform, here) == 0 && strcmp(k.user_id, c->ev->user_id) == 0)
        return ch_fail(&c->err, CH_INVALID,
                       "link code %s was made here on %s: type it on your "
                       "other platform, as the identity you want joined to "
                       "this one.",
                       code, here);
    if (strcmp(k.platform, here) == 0)
        return ch_fail(&c->err, CH_INVALID,
                       "link code %s belongs to another %s identity: two "
                       "identities of the same platform cannot be one "
                       "person (one identity per platform).",
                       code, here);
    struct person keep;
    s = store_people_by_identity(c->st, c->a, k.platform, k.user_id, &keep);
    if (s != CH_OK)
        return ch_fail(&c->err, s,
                       "the identity that asked for link code "
                       "%s is gone",
                       code);
    struct person gone = c->caller;
    if (keep.id == gone.id)
        return ch_fail(&c->err, CH_CONFLICT,
                       "your %s and %s identities are already one person: "
                       "nothing to link.",
                       k.platform, here);
    char **kp, **ku, **gp, **gu;
    size_t nk, ng;
    s = store_link_platforms(c->st, c->a, keep.id, &kp, &ku, &nk);
    if (s == CH_OK)
        s = store_link_platforms(c->st, c->a, gone.id, &gp, &gu, &ng);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not read the identities");
    if (has_platform(kp, nk, here))
        return ch_fail(&c->err, CH_CONFLICT,
                       "the identity that asked for link code %s is already "
                       "linked to another %s identity: unlink that one first "
                       "(type unlink there).",
                       code, here);
    for (size_t i = 0; i < ng; i++)
        if (has_platform(kp, nk, gp[i]))
            return ch_fail(&c->err, CH_CONFLICT,
                           "you are already linked to another %s identity: "
                           "type unlink there first (one identity per "
                           "platform).",
                           gp[i]);
    struct buf why = BUF_INIT;
    s = join_profile(c, &keep, k.platform, &gone, &why);
    if (s == CH_OK)
        s = store_link_merge(c->st, keep.id, gone.id, c->now);
    if (s == CH_OK)
        s = store_link_code_use(c->st, code, c->now, here, c->ev->user_id);
    if (s == CH_OK)
        s = store_people_get(c->st, c->a, keep.id, &c->caller);
    if (s != CH_OK) {
        buf_free(&why);
        return ch_fail(&c->err, s,
                       "could not join the two identities: "
                       "nothing changed");
    }
    c->caller_zone = ctx_person_zone(c, &c->caller);
    const char *what =
        arena_printf(c->a,
                     "%s (%s) joined into %s (%s, person #%lld); person #%lld "
                     "merged. %s",
                     gone.name, identity_ref(c, here, c->ev->user_id),
                     keep.name, identity_ref(c, k.platform, k.user_id),
                     (long long)keep.id, (long long)gone.id, buf_cstr(&why));
    audit_everywhere(c, keep.id, "person.link", what,
                     strcmp(keep.name, gone.name) != 0);
    /* The identity that asked for the code hears of it there: a link
     * nobody there asked for is undone at once with unlink. */
    ctx_dm_identity(c, keep.id, k.platform, k.user_id,
                    "Your %s identity is now joined to a %s identity (%s) "
                    "with link code %s: one person, %s. If you did not type "
                    "that code there, type unlink here to split them again.",
                    k.platform, here, gone.name, code, keep.name);
    ctx_reply(c,
              "Linked: your %s identity and your %s identity are now one "
              "person, %s. Campaigns, roles, deliverables, time off, "
              "standups and history of both are kept (in a campaign you "
              "were in twice, the higher role stays). %s Direct messages "
              "go to the platform you last wrote from (%s now).",
              here, k.platform, keep.name, buf_cstr(&why), here);
    buf_free(&why);
    return CH_OK;
}

enum ch_status
cmd_link_unlink(struct ctx *c)
{
    const char *here = c->ev->platform;
    char **ps, **us;
    size_t n;
    enum ch_status s =
        store_link_platforms(c->st, c->a, c->caller.id, &ps, &us, &n);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not read the identities");
    if (n < 2) {
        ctx_reply(c,
                  "You are known only by your %s identity: there is "
                  "nothing to unlink; nothing changed.",
                  here);
        return CH_OK;
    }
    struct person from = c->caller;
    char clean[256];
    str_clean_name(c->ev->user_name ? c->ev->user_name : "", clean,
                   sizeof(clean), 80);
    const char *name = clean[0] ? clean : from.name;
    int64_t id;
    s = store_link_split(c->st, here, c->ev->user_id, from.id, name, c->now,
                         &id);
    /* The person left behind hears from chorus where she has an
     * identity still. */
    const char *other = NULL;
    for (size_t i = 0; i < n && other == NULL; i++)
        if (strcmp(ps[i], here) != 0)
            other = ps[i];
    if (s == CH_OK && from.preferred_platform &&
        strcmp(from.preferred_platform, here) == 0)
        s = store_people_set_preferred(c->st, from.id, other);
    if (s == CH_OK)
        s = store_people_get(c->st, c->a, id, &c->caller);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not unlink: nothing changed");
    c->caller_zone = ctx_person_zone(c, &c->caller);
    const char *what =
        arena_printf(c->a,
                     "%s split from %s (person #%lld) as person #%lld; the "
                     "history stays with #%lld",
                     identity_ref(c, here, c->ev->user_id), from.name,
                     (long long)from.id, (long long)id, (long long)from.id);
    audit_everywhere(c, from.id, "person.unlink", what, false);
    ctx_reply(c,
              "Unlinked: your %s identity is a person of its own again "
              "(%s), with a copy of the zone and working hours. The history "
              "(campaigns, roles, deliverables, time off, standups, audit) "
              "stays with %s on %s.",
              here, name, from.name, other ? other : "the other platform");
    return CH_OK;
}
