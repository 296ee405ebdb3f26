/* calendar, dashboard: a person's secret links to the web server;
 * cmd_feed_link_new: the secret behind every such link. */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "commands.h"
#include "core_internal.h"
#include "records.h"
#include "sha256.h"

/* 32 random bytes as 64 hex digits: the token in the link. */
static enum ch_status
new_token(struct ctx *c, char out[65])
{
    unsigned char raw[32];
    size_t got = 0;

    while (got < sizeof(raw)) {
        ssize_t n = getrandom(raw + got, sizeof(raw) - got, 0);
        if (n <= 0)
            return ch_fail(&c->err, CH_INTERNAL,
                           "no randomness for a secret link; try again");
        got += (size_t)n;
    }
    for (size_t i = 0; i < sizeof(raw); i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
    return CH_OK;
}

enum ch_status
cmd_feed_link_new(struct ctx *c, const char *kind, char token[65])
{
    char hash[65];
    enum ch_status s;

    if (c->set->web_url == NULL)
        return ch_fail(&c->err, CH_INVALID,
                       "%s links need the web server, which is off "
                       "(an admin sets http_listen)", kind);
    s = new_token(c, token);
    if (s != CH_OK)
        return s;
    sha256_hex(token, strlen(token), hash);
    s = store_web_token_set(c->st, c->caller.id, kind, hash, c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "could not make a %s link", kind);
    return CH_OK;
}

enum ch_status
cmd_feed_calendar(struct ctx *c)
{
    char token[65];
    enum ch_status s = cmd_feed_link_new(c, "calendar", token);

    if (s != CH_OK)
        return s;
    ctx_reply(c, "Your calendar of deadlines; subscribe to it in any "
              "calendar app and keep the link to yourself (asking again "
              "makes a new one and the old one stops working):\n"
              "%s/calendar/%s.ics\n"
              "A campaign's whole calendar: %s/calendar/%s/<slug>.ics",
              c->set->web_url, token, c->set->web_url, token);
    return CH_OK;
}

enum ch_status
cmd_feed_dashboard(struct ctx *c)
{
    char token[65];
    enum ch_status s = cmd_feed_link_new(c, "dashboard", token);

    if (s != CH_OK)
        return s;
    ctx_reply(c, "Your dashboard of the campaigns you take part in, "
              "read-only; keep the link to yourself (asking again makes a "
              "new one and the old one stops working):\n"
              "%s/dashboard?token=%s", c->set->web_url, token);
    return CH_OK;
}
