/*
 * fuzz_platform: a real platform adapter on the world of fuzz_core.h,
 * with a loop and an HTTP client but no network, for the frame handlers'
 * fuzz targets (fuzz_slack.c, fuzz_discord.c).
 *
 * The adapter's API URL is a closed local port and the loop never runs,
 * so what the adapter would send (acks, API calls, channel creations)
 * is queued and then freed unsent: the frame handler, the core and the
 * adapter's delivery code run, nothing leaves the process.  An input is
 * up to FZP_FRAMES text frames, one per line.
 */
#ifndef CHORUS_FUZZ_PLATFORM_H
#define CHORUS_FUZZ_PLATFORM_H

#include "fuzz_core.h"

#include "adapter_env.h"
#include "http.h"
#include "loop.h"

#define FZP_FRAMES 4
#define FZP_API_URL "http://127.0.0.1:9"   /* discard: nothing listens */

struct fzp {
    struct fz      *fz;
    struct loop    *loop;
    struct http    *http;
    struct adapter *a;
};

static void
fzp_kick(void *arg)
{
    (void)arg;
}

static void
fzp_fatal(void *arg, const char *platform, enum adapter_fatal kind,
          const char *why)
{
    (void)arg;
    (void)platform;
    (void)kind;
    (void)why;
}

FZ_STATIC struct adapter_env
fzp_env(struct fzp *p)
{
    p->fz = fz_open_world();
    p->loop = loop_new();
    p->http = http_new(p->loop, NULL);
    if (p->loop == NULL || p->http == NULL)
        abort();
    return (struct adapter_env){
        .loop = p->loop,
        .http = p->http,
        .core = p->fz->core,
        .kick = fzp_kick,
        .fatal = fzp_fatal,
        .arg = p,
    };
}

/* Attach the adapter made from fzp_env's environment and start it. */
FZ_STATIC void
fzp_attach(struct fzp *p, struct adapter *a)
{
    struct ch_error err = { .status = CH_OK };
    if (a == NULL || core_attach(p->fz->core, a, &err) != CH_OK) {
        fprintf(stderr, "fuzz: attaching the adapter: %s\n", err.user);
        abort();
    }
    p->a = a;
    adapter_start(a);
    core_flush(p->fz->core);
}

FZ_STATIC void
fzp_close(struct fzp *p)
{
    core_detach(p->fz->core, p->a);
    adapter_free(p->a);
    http_free(p->http);
    fz_close(p->fz);
    loop_free(p->loop);
}

/* Call frame(arg, line, len) for each line of data, at most FZP_FRAMES. */
FZ_STATIC void
fzp_frames(const uint8_t *data, size_t size,
           void (*frame)(void *arg, const char *msg, size_t len), void *arg)
{
    const char *p = (const char *)data, *end = p + size;
    for (int n = 0; n < FZP_FRAMES && p < end; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* A frame in a buffer of its own, so ASan sees a read past it. */
        char *copy = malloc(len ? len : 1);
        if (copy == NULL)
            abort();
        memcpy(copy, p, len);
        frame(arg, copy, len);
        free(copy);
        p += len + 1;
    }
}

#endif
