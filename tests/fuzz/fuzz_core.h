/*
 * fuzz_core: a whole core on a scratch database for the fuzz targets
 * (fuzz_command.c), with a fake adapter that checks what it is handed.
 * Header-only, static functions only: each fuzz_*.c is its own program.
 *
 * The world is built once per process into a template database (the
 * opening of tests/chat/grammar.chat: spring-launch with carol
 * coordinating, bob and dave creating, brenda for the brand, three
 * deliverables, one submitted); each input starts a fresh core on a
 * copy of it and frees everything before it returns, so no state passes
 * from one input to the next.
 *
 * Invariants every input must keep (a breach aborts, which libFuzzer
 * reports with the input that did it):
 *   - every text handed to a platform is valid UTF-8 with no control
 *     character but newline and tab (the rule of core_fixture.h);
 *   - the core logs no error (an error line means it lost something).
 */
#ifndef CHORUS_FUZZ_CORE_H
#define CHORUS_FUZZ_CORE_H

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adapter.h"
#include "buf.h"
#include "clock.h"
#include "core.h"
#include "log.h"
#include "settings.h"
#include "utf8.h"

#define FZ_STATIC static __attribute__((unused))

struct fz {
    struct sim_clock     sim;
    struct clock         clock;
    struct core_settings set;
    const char          *admins[3];
    struct core         *core;
    struct adapter       base;
    struct adapter_ops   ops;
    unsigned             next_ref;
    unsigned             event_seq;
    /* Event ids are <ids><N>: the world's and an input's must differ, or
     * the core drops an input's events as redeliveries. */
    const char          *ids;
};

static char fz_dir[64];
static char fz_template[96];
static char fz_work[96];

FZ_STATIC enum ch_status
fz_deliver(struct adapter *a, const struct out_msg *m)
{
    struct fz *fz = (struct fz *)((char *)a - offsetof(struct fz, base));
    if (!utf8_sendable(m->text)) {
        fprintf(stderr, "fuzz: %s %lld breaks the text rule: \"%s\"\n",
                adapter_kind_names[m->kind], (long long)m->id, m->text);
        abort();
    }
    for (size_t i = 0; i < m->nbuttons && i < OUT_MAX_BUTTONS; i++)
        if (!utf8_sendable(m->buttons[i].label) ||
            !utf8_sendable(m->buttons[i].prompt)) {
            fprintf(stderr, "fuzz: button %zu of %lld breaks the text "
                    "rule\n", i, (long long)m->id);
            abort();
        }
    if (getenv("FUZZ_DEBUG"))
        fprintf(stderr, "  [%s] %s\n", adapter_kind_names[m->kind],
                m->text ? m->text : "");
    char ref[96];
    switch (m->kind) {
    case OUT_CREATE_CHANNEL:
        snprintf(ref, sizeof(ref), "C-%s", m->channel_name);
        break;
    case OUT_UPDATE:
    case OUT_PIN:
        snprintf(ref, sizeof(ref), "%s", m->ref ? m->ref : "");
        break;
    case OUT_INVITE:
    case OUT_LOOKUP:
        snprintf(ref, sizeof(ref), "%s", m->user ? m->user : "");
        break;
    case OUT_TOPIC:
        snprintf(ref, sizeof(ref), "%s", m->channel ? m->channel : "");
        break;
    default:
        snprintf(ref, sizeof(ref), "fake-m%u", ++fz->next_ref);
        break;
    }
    core_delivered(fz->core, m->id, CH_OK, ref, 0, NULL);
    return CH_OK;
}

/* Names typed are people, as the console takes them. */
FZ_STATIC enum ch_status
fz_find_user(struct adapter *a, const char *name, struct buf *out)
{
    (void)a;
    if (!*name || strlen(name) > 40)
        return CH_NOT_FOUND;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            return CH_NOT_FOUND;
    buf_adds(out, name);
    return CH_OK;
}

FZ_STATIC void
fz_log_sink(void *arg, enum log_level level, const char *line)
{
    (void)arg;
    if (getenv("FUZZ_DEBUG"))
        fprintf(stderr, "  [log] %s\n", line);
    if (level >= LOG_ERROR) {
        fprintf(stderr, "fuzz: the core logged an error: %s\n", line);
        abort();
    }
}

/* One event: who speaks (user id = name), where (NULL: a DM), what. */
FZ_STATIC enum ch_status
fz_say(struct fz *fz, enum core_event_kind kind, const char *user,
       const char *channel, const char *text)
{
    char id[32];
    snprintf(id, sizeof(id), "%s%u", fz->ids, ++fz->event_seq);
    struct core_event ev = {
        .kind = kind,
        .platform = "fake",
        .event_id = id,
        .user_id = user,
        .user_name = user,
        .channel_id = channel,
        .text = text,
    };
    struct core_result res;
    enum ch_status s = core_handle_event(fz->core, &ev, &res);
    core_deliver_result(fz->core, &res);
    core_flush(fz->core);
    return s;
}

/* Tuesday 2026-12-01 08:00 UTC, as in the chat transcripts. */
#define FZ_START_MS 1796112000000LL

FZ_STATIC struct fz *
fz_open(const char *path)
{
    struct fz *fz = calloc(1, sizeof(*fz));
    if (fz == NULL)
        abort();
    fz->sim.now_ms = FZ_START_MS;
    fz->ids = "ev";
    fz->clock = clock_simulated(&fz->sim);
    settings_defaults(&fz->set);
    /* The admin of each platform the targets speak as (the users of
     * the seeds of fuzz_slack and fuzz_discord). */
    fz->admins[0] = "fake:admin";
    fz->admins[1] = "slack:U0SIM00002";
    fz->admins[2] = "discord:200000000000000001";
    fz->set.admins = fz->admins;
    fz->set.nadmins = 3;
    fz->set.web_url = "http://127.0.0.1:8080";
    /* FUZZ_DEBUG=1: every log line and reply on stderr, to see what an
     * input does. */
    log_set_level(getenv("FUZZ_DEBUG") ? LOG_DEBUG : LOG_ERROR);
    log_set_sink(fz_log_sink, NULL);
    struct ch_error err = { .status = CH_OK };
    if (core_new(path, &fz->set, &fz->clock, &fz->core, &err) != CH_OK) {
        fprintf(stderr, "fuzz: core_new: %s\n", err.user);
        abort();
    }
    fz->ops = (struct adapter_ops){
        .version = ADAPTER_OPS_VERSION,
        .name = "fake",
        .caps = ADAPTER_CAP_BUTTONS | ADAPTER_CAP_PIN | ADAPTER_CAP_PROFILES,
        .deliver = fz_deliver,
        .find_user = fz_find_user,
    };
    fz->base.ops = &fz->ops;
    if (core_attach(fz->core, &fz->base, &err) != CH_OK) {
        fprintf(stderr, "fuzz: core_attach: %s\n", err.user);
        abort();
    }
    core_flush(fz->core);
    return fz;
}

FZ_STATIC void
fz_close(struct fz *fz)
{
    core_free(fz->core);
    log_set_sink(NULL, NULL);
    free(fz);
}

FZ_STATIC void
fz_remove_db(const char *path)
{
    static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        char p[128];
        snprintf(p, sizeof(p), "%s%s", path, ext[i]);
        unlink(p);
    }
}

FZ_STATIC void
fz_cleanup(void)
{
    fz_remove_db(fz_work);
    fz_remove_db(fz_template);
    rmdir(fz_dir);
}

FZ_STATIC void
fz_must(struct fz *fz, const char *user, const char *text)
{
    if (fz_say(fz, CORE_EV_COMMAND, user, NULL, text) != CH_OK) {
        fprintf(stderr, "fuzz: setting up the world: \"%s\" failed\n", text);
        abort();
    }
}

/* Build the template database once per process. */
FZ_STATIC void
fz_template_build(void)
{
    /* tmpfs when there is one: every commit syncs, and a disk's syncs
     * would make each input take tens of milliseconds. */
    snprintf(fz_dir, sizeof(fz_dir), "%s/chorus-fuzz-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(fz_dir) == NULL)
        abort();
    snprintf(fz_template, sizeof(fz_template), "%s/template.db", fz_dir);
    snprintf(fz_work, sizeof(fz_work), "%s/work.db", fz_dir);
    atexit(fz_cleanup);

    struct fz *fz = fz_open(fz_template);
    fz->ids = "world";
    static const char *const world[][2] = {
        { "admin", "new spring-launch brand:Fizz title:\"Spring Launch\"" },
        { "admin", "add spring-launch carol role:coordinator" },
        { "admin", "add spring-launch bob role:creator" },
        { "admin", "add spring-launch dave role:creator tier:flex" },
        { "admin", "add spring-launch brenda role:brand" },
        { "admin", "add spring-launch alice role:agency" },
        { "admin", "remove spring-launch admin" },
        { "carol", "brief spring-launch set story Spring mornings start "
                   "with a cold can" },
        { "carol", "brief spring-launch set audience urban runners, 18-30" },
        { "carol", "brief spring-launch set core_message Fizz wakes you up" },
        { "carol", "kickoff spring-launch" },
        { "carol", "deliverable spring-launch bob \"Reel 1\" on:tiktok "
                   "draft:+7d publish:+14d" },
        { "carol", "deliverable spring-launch bob \"Reel 2\" on:tiktok "
                   "draft:+7d publish:+14d" },
        { "carol", "deliverable spring-launch dave \"Story 1\" "
                   "on:instagram draft:+5d publish:+10d" },
        { "bob", "submit spring-launch#2 https://x.example/reel2 first cut" },
    };
    for (size_t i = 0; i < sizeof(world) / sizeof(world[0]); i++)
        fz_must(fz, world[i][0], world[i][1]);
    fz_close(fz);
}

/* A fresh core on a copy of the template. */
FZ_STATIC struct fz *
fz_open_world(void)
{
    fz_remove_db(fz_work);
    int in = open(fz_template, O_RDONLY | O_CLOEXEC);
    int out = open(fz_work, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (in < 0 || out < 0)
        abort();
    char chunk[65536];
    ssize_t n;
    while ((n = read(in, chunk, sizeof(chunk))) > 0)
        if (write(out, chunk, (size_t)n) != n)
            abort();
    if (n < 0)
        abort();
    close(in);
    close(out);
    return fz_open(fz_work);
}

#endif
