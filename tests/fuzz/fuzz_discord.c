/*
 * fuzz_discord: the Discord gateway's frame handler
 * (discord_gateway_frame: op codes, then the dispatch table: READY,
 * GUILD_CREATE, CHANNEL_*, MESSAGE_CREATE, INTERACTION_CREATE ...) with
 * no connection, into a real core (fuzz_platform.h).  Seeds: the frames
 * the Discord simulator sends (adapters/sim/discord_sim_gateway.c), one
 * per line, most after a READY.
 */
#include "fuzz_platform.h"

#include "discord.h"
#include "discord_int.h"

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
    discord_gateway_frame(arg, msg, len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fzp p;
    struct adapter_env env = fzp_env(&p);
    struct discord_options o = {
        .token = "fuzz.not-a-token.0000",
        .api_url = FZP_API_URL,
        .guild = "100000000000000001",
        .application_id = "100000000000000002",
        .message_content = true,
    };
    struct ch_error err = { .status = CH_OK };
    struct adapter *a = discord_new(&o, &env, &err);
    if (a == NULL) {
        fprintf(stderr, "fuzz: discord_new: %s\n", err.user);
        abort();
    }
    fzp_attach(&p, a);
    fzp_frames(data, size, frame, ((struct discord *)a)->gw);
    fzp_close(&p);
    return 0;
}
