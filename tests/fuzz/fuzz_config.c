/*
 * fuzz_config: the configuration parser (bot/config.c), from memory
 * (config_load_text).  Every error it reports goes to a terminal, so it
 * must name a line and carry no control character; an accepted file is
 * freed again (leaks are caught by LeakSanitizer).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config *cfg = NULL;
    struct config_errors errs = CONFIG_ERRORS_INIT;
    enum ch_status st = config_load_text("fuzz.conf", (const char *)data,
                                         size, &cfg, &errs);
    if ((st == CH_OK) != (errs.n == 0) || (st == CH_OK) != (cfg != NULL))
        abort();
    for (size_t i = 0; i < errs.n; i++) {
        const char *t = errs.v[i].text;
        if (strncmp(t, "fuzz.conf:", 10) != 0)
            abort();
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
            if (*p < 0x20 || *p == 0x7f) {
                fprintf(stderr, "fuzz: control byte in \"%s\"\n", t);
                abort();
            }
    }
    config_errors_free(&errs);
    config_free(cfg);
    return 0;
}
