/* export: links to CSV files of a campaign's, or a brand's campaigns',
 * deliverables, reviews and payouts (the web server serves them).
 *
 * The secret: one "export" token per person (cmd_feed_link_new), the
 * campaign or brand in the link's path.  Asking again replaces it, which
 * ends every earlier export link of hers; and a download checks her
 * permission again (core_export_read), so a link stops working once she
 * may no longer see the payouts, whatever the link says. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "core_internal.h"
#include "export.h"

/* A path segment: unreserved characters kept, every other byte %XX (a
 * brand's name may hold spaces, slashes or any UTF-8). */
static const char *
path_segment(struct ctx *c, const char *s)
{
    struct buf b = BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p))
            buf_addc(&b, (char)*p);
        else
            buf_printf(&b, "%%%02X", *p);
    }
    const char *out = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    return out;
}

enum ch_status
cmd_export(struct ctx *c)
{
    const struct arg *a = command_arg(c, "slug|brand");
    const char *what;
    const char *subject;

    if (a->campaign) {
        /* The command's own check (ACT_AUDIT in the campaign) is the
         * one a download repeats. */
        subject = a->campaign->slug;
        what = arena_printf(c->a, "%s (%s)", a->campaign->slug,
                            a->campaign->brand);
    } else {
        struct campaign *cps;
        size_t n = 0;
        if (core_export_brand(c, a->num, c->caller.id, c->caller_admin, &cps,
                              &n) != CH_OK)
            return ch_fail(&c->err, CH_INTERNAL,
                           "could not read the campaigns of %s", a->text);
        if (n == 0) {
            char need[128];
            command_roles_needed(c, ACTS(ACT_AUDIT), need, sizeof(need));
            return ch_fail(&c->err, CH_DENIED,
                           "you may export none of the campaigns of %s: an "
                           "export shows what report does, to a %s of the "
                           "campaign", a->text, need);
        }
        subject = a->text;
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < n; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", cps[i].slug);
        what = arena_printf(c->a, "%s: %zu campaign%s you may see (%s)",
                            a->text, n, n == 1 ? "" : "s", buf_cstr(&b));
        buf_free(&b);
    }
    char token[65];
    enum ch_status s = cmd_feed_link_new(c, "export", token);
    if (s != CH_OK)
        return s;
    const char *base = arena_printf(c->a, "%s/export/%s/%s", c->set->web_url,
                                    token, path_segment(c, subject));
    ctx_reply(c, "CSV exports of %s; keep the links to yourself (asking "
              "again makes new ones and these stop working, and so do they "
              "when you may no longer see its payouts):\n"
              "  deliverables: %s/deliverables.csv\n"
              "  reviews:      %s/reviews.csv\n"
              "  payouts:      %s/payouts.csv",
              what, base, base, base);
    return CH_OK;
}
