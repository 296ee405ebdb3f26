/*
 * log_redact: the shapes of secrets a log line may carry without anyone
 * having registered them (log_add_secret covers the configured tokens):
 * Slack tokens, the tokens inside Discord interaction and webhook URLs,
 * Authorization headers, Bearer and Bot credentials, Socket Mode tickets,
 * token query parameters and JSON "token" fields, and calendar feed
 * paths.  Each is a credential on its own: an interaction token answers
 * as chorus for 15 minutes, a calendar path shows a person's deadlines.
 */
#include "log_redact.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool
is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* Characters of a token in a URL, a header or JSON. */
static bool
is_token_char(char c)
{
    return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
           c == '+' || c == '/' || c == '=' || c == '%';
}

/* Length of a Slack-token-shaped run at s (xoxb-…, xapp-…), else 0. */
static size_t
slack_token_len(const char *s)
{
    static const char *const prefixes[] = {
        "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxe-", "xapp-",
    };
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        size_t plen = strlen(prefixes[i]);
        if (strncmp(s, prefixes[i], plen) == 0) {
            size_t n = plen;
            while (s[n] == '-' || is_alnum(s[n]))
                n++;
            return n > plen ? n : 0;
        }
    }
    return 0;
}

/* A path segment: up to '/', '?', '#', a quote, a space or the end;
 * dot too when stop_dot (the ".ics" after a calendar token). */
static size_t
segment_len(const char *s, bool stop_dot)
{
    size_t n = 0;
    while (s[n] && s[n] != '/' && s[n] != '?' && s[n] != '#' &&
           s[n] != '"' && s[n] != '\'' && s[n] != ' ' && s[n] != '&' &&
           (unsigned char)s[n] >= 0x20 && !(stop_dot && s[n] == '.'))
        n++;
    return n;
}

/* "/interactions/<id>/" or "/webhooks/<id>/": the length up to the token,
 * else 0. */
static size_t
id_then_token(const char *s, const char *prefix)
{
    size_t p = strlen(prefix), n = p;
    if (strncmp(s, prefix, p) != 0)
        return 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n > p && s[n] == '/' ? n + 1 : 0;
}

/* A value after "name=" (a query parameter): up to '&' or a delimiter. */
static size_t
param_value_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '&' && s[n] != ' ' && s[n] != '"' &&
           s[n] != '\'' && s[n] != '#' && (unsigned char)s[n] >= 0x20)
        n++;
    return n;
}

size_t
log_redact_shape(const char *s, size_t *keep)
{
    size_t k, n;

    *keep = 0;
    if ((n = slack_token_len(s)) != 0)
        return n;
    /* Discord: POST /interactions/<id>/<token>/callback, follow-ups on
     * /webhooks/<application id>/<token>[/messages/...]. */
    if ((k = id_then_token(s, "/interactions/")) != 0 ||
        (k = id_then_token(s, "/webhooks/")) != 0) {
        n = segment_len(s + k, false);
        if (n) {
            *keep = k;
            return n;
        }
        return 0;
    }
    /* The web server's calendar feeds: /calendar/<token>[.ics|/<slug>]. */
    if (strncmp(s, "/calendar/", 10) == 0 &&
        (n = segment_len(s + 10, true)) != 0) {
        *keep = 10;
        return n;
    }
    /* "Authorization: <anything>" to the end of the header; in JSON,
     * "authorization":"<anything>" to the closing quote. */
    if (strncasecmp(s, "authorization", 13) == 0 &&
        (s[13] == ':' || (s[13] == '"' && s[14] == ':'))) {
        k = s[13] == ':' ? 14 : 15;
        while (s[k] == ' ')
            k++;
        if (s[k] == '"')
            k++;
        n = 0;
        while (s[k + n] && s[k + n] != '"' && s[k + n] != '\r' &&
               s[k + n] != '\n' && s[k + n] != ',')
            n++;
        if (n) {
            *keep = k;
            return n;
        }
        return 0;
    }
    /* "Bearer <token>", "Bot <token>" elsewhere (an error echoing a
     * header).  A Bot token is long; a word after "Bot " in prose is not. */
    if (strncmp(s, "Bearer ", 7) == 0 || strncmp(s, "Bot ", 4) == 0) {
        k = s[1] == 'e' ? 7 : 4;
        n = 0;
        while (is_token_char(s[k + n]))
            n++;
        if (n >= (k == 7 ? 8u : 20u)) {
            *keep = k;
            return n;
        }
        return 0;
    }
    /* ?ticket= (Slack Socket Mode URLs), ?token= / &token= (the web
     * server's links). */
    if ((s[0] == '?' || s[0] == '&') &&
        (strncmp(s + 1, "ticket=", 7) == 0 ||
         strncmp(s + 1, "token=", 6) == 0)) {
        k = s[2] == 'i' ? 8 : 7;
        if ((n = param_value_len(s + k)) != 0) {
            *keep = k;
            return n;
        }
        return 0;
    }
    /* JSON: "token":"<value>" (an interaction, an Identify). */
    if (strncmp(s, "\"token\"", 7) == 0) {
        k = 7;
        while (s[k] == ' ')
            k++;
        if (s[k] != ':')
            return 0;
        k++;
        while (s[k] == ' ')
            k++;
        if (s[k] != '"')
            return 0;
        k++;
        n = 0;
        while (s[k + n] && s[k + n] != '"')
            n += s[k + n] == '\\' && s[k + n + 1] ? 2 : 1;
        if (n) {
            *keep = k;
            return n;
        }
    }
    return 0;
}
