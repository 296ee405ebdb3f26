/*
 * fuzz_slack: the Slack Socket Mode envelope handler
 * (slack_events_frame: hello, disconnect, events_api, slash_commands,
 * interactive) on a socket with no connection, into a real core
 * (fuzz_platform.h).  Seeds: the frames the Slack simulator sends
 * (adapters/sim/slack_sim_push.c), one per line.
 */
#include "fuzz_platform.h"

#include "slack.h"
#include "slack_int.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_template_build();
    return 0;
}

static void
frame(void *arg, const char *msg, size_t len)
{
    slack_events_frame(arg, msg, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzp p;
    struct adapter_env env = fzp_env(&p);
    /* Shaped like tokens, secret to nobody. */
    struct slack_options o = {
        .app_token = "xapp-1-fuzz-0000000000",
        .bot_token = "xoxb-0000-fuzz-000000",
        .api_url = FZP_API_URL,
    };
    struct ch_error err = { .status = CH_OK };
    struct adapter *a = slack_new(&o, &env, &err);
    fzp_attach(&p, a);
    fzp_frames(data, size, frame, slack_socket_detached(slack_of(a)));
    fzp_close(&p);
    return 0;
}
