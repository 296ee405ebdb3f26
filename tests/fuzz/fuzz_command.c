/*
 * fuzz_command: the command grammar and what the core answers, through
 * the core's one entry point (core_handle_event) on a world of
 * fuzz_core.h.
 *
 * An input is up to FZ_LINES lines written as in the tests/chat transcripts:
 *   carol: /campaign approve spring-launch#2 nice
 *   bob in #spring-launch: @chorus status
 *   /campaign help          (no speaker: carol)
 * "/campaign ..." is a command (the slash command's text after its
 * name); anything else is a direct message, or a mention in a channel.
 * Every reply and everything else the core says must keep the text rule
 * (fuzz_core.h).  Then a day passes, so the jobs the lines scheduled run
 * and speak too.
 */
#include "fuzz_core.h"

#define FZ_LINES 6

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

/* One line: "who[ in #where]: text", or text alone (carol). */
static void
say_line(struct fz *fz, char *line)
{
    const char *user = "carol", *channel = NULL;
    char *colon = strstr(line, ": ");
    char *space = strchr(line, ' ');
    if (colon && (space == NULL || space >= colon ||
                  strncmp(space, " in #", 5) == 0)) {
        *colon = '\0';
        char *in = strstr(line, " in #");
        if (in) {
            *in = '\0';
            channel = strcmp(in + 5, "spring-launch") == 0
                          ? "C-spring-launch" : in + 5;
        }
        user = line;
        line = colon + 2;
    }
    if (strncmp(line, "/campaign", 9) == 0 &&
        (line[9] == ' ' || line[9] == '\0')) {
        line += 9 + (line[9] == ' ');
        fz_say(fz, CORE_EV_COMMAND, user, channel, line);
    } else {
        fz_say(fz, channel ? CORE_EV_MESSAGE : CORE_EV_DM, user, channel,
               line);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 20000)
        return 0;   /* the core refuses long text itself; keep runs quick */
    char *text = malloc(size + 1);
    if (text == NULL)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';

    struct fz *fz = fz_open_world();
    char *line = text;
    for (int n = 0; n < FZ_LINES && line && *line; n++) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        say_line(fz, line);
        line = nl ? nl + 1 : NULL;
    }
    fz->sim.now_ms += 25 * 3600 * 1000LL;
    core_tick(fz->core);
    core_flush(fz->core);
    fz_close(fz);
    free(text);
    return 0;
}
