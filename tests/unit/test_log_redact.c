/*
 * test_log_redact: every shape of secret the log recognises by itself
 * comes out of log_scrub() as "[redacted]", with what surrounds it intact,
 * and ordinary text goes through unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "log.h"

static void
scrubbed(const char *in, const char *want)
{
    char out[1024];
    log_scrub(in, out, sizeof(out));
    if (strcmp(out, want) != 0)
        fail_msg("log_scrub(\"%s\")\n  gave \"%s\"\n  want \"%s\"", in, out,
                 want);
}

static void
test_discord_interaction_tokens(void **state)
{
    (void)state;
    scrubbed("http: POST http://127.0.0.1:8090/api/v10/interactions/"
             "1100000000000000900/aW50ZXJhY3Rpb246MTEwMDAw.XyZ-_/callback"
             " -> 204 (3 ms)",
             "http: POST http://127.0.0.1:8090/api/v10/interactions/"
             "1100000000000000900/[redacted]/callback -> 204 (3 ms)");
    scrubbed("PATCH https://discord.com/api/v10/webhooks/1100000000000000001/"
             "A_UNIQUE_TOKEN/messages/@original -> 200",
             "PATCH https://discord.com/api/v10/webhooks/1100000000000000001/"
             "[redacted]/messages/@original -> 200");
    scrubbed("POST /api/v10/webhooks/1100000000000000001/tok3n?wait=true",
             "POST /api/v10/webhooks/1100000000000000001/[redacted]?wait=true");
    /* A gateway frame at debug level: the token field of the payload. */
    scrubbed("{\"t\":\"INTERACTION_CREATE\",\"d\":{\"id\":\"1\",\"token\":"
             "\"aW50\\\"ZX\",\"type\":2}}",
             "{\"t\":\"INTERACTION_CREATE\",\"d\":{\"id\":\"1\",\"token\":"
             "\"[redacted]\",\"type\":2}}");
    scrubbed("{\"op\":2,\"d\":{\"token\": \"MTk4.Cl2F.xyz\"}}",
             "{\"op\":2,\"d\":{\"token\": \"[redacted]\"}}");
    /* Not a token: the route names, ids alone. */
    scrubbed("route /interactions/{id}/{token}/callback",
             "route /interactions/{id}/{token}/callback");
    scrubbed("/webhooks/ and /interactions/123", "/webhooks/ and "
             "/interactions/123");
}

static void
test_headers_and_slack(void **state)
{
    (void)state;
    scrubbed("Authorization: Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7",
             "Authorization: [redacted]");
    scrubbed("sent {\"authorization\":\"Bearer abc\",\"x\":1}",
             "sent {\"authorization\":\"[redacted]\",\"x\":1}");
    scrubbed("refused Bearer xyzzy-secret-123 here",
             "refused Bearer [redacted] here");
    scrubbed("bad Bot MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7 token",
             "bad Bot [redacted] token");
    scrubbed("the Bot permissions are fine", "the Bot permissions are fine");
    scrubbed("token xoxb-1234-5678-AbCdEf and xapp-1-A0-99-ff",
             "token [redacted] and [redacted]");
    scrubbed("socket 1: connecting to wss://wss-primary.slack.com/link/"
             "?ticket=5b1e-77aa-4c1d&app_id=A0123",
             "socket 1: connecting to wss://wss-primary.slack.com/link/"
             "?ticket=[redacted]&app_id=A0123");
}

static void
test_web_tokens(void **state)
{
    (void)state;
    scrubbed("GET /metrics?token=s3cr3t-admin-value HTTP/1.1",
             "GET /metrics?token=[redacted] HTTP/1.1");
    scrubbed("GET /export.csv?slug=a&token=abc", "GET /export.csv?slug=a"
             "&token=[redacted]");
    scrubbed("GET /calendar/Zm9vYmFyYmF6.ics", "GET /calendar/[redacted].ics");
    scrubbed("GET /calendar/Zm9vYmFy/spring.ics",
             "GET /calendar/[redacted]/spring.ics");
    /* Ordinary words stay. */
    scrubbed("tokens=3 ticketing ok", "tokens=3 ticketing ok");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discord_interaction_tokens),
        cmocka_unit_test(test_headers_and_slack),
        cmocka_unit_test(test_web_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
