/* The console adapter: a terminal (or a script) as a chat platform. */
#include "console.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loop.h"
#include "adapter.h"
#include "buf.h"
#include "button_rows.h"
#include "core.h"
#include "log.h"
#include "when.h"
#include "utf8.h"
#include "xmalloc.h"

#define LINE_MAX_BYTES ((size_t)1 << 20)
#define REMEMBERED 256
#define SNIPPET 70

/* What was printed under a reference, so pins and edits can say what
 * they touched. */
struct remembered {
    char ref[24];
    char snippet[SNIPPET + 4];
};

struct console {
    struct adapter          base;     /* first: container_of by cast */
    struct adapter_env      env;
    struct console_options  opt;
    FILE                   *out;
    struct loop_watch      *watch;
    struct buf              pending;  /* input not yet ended by '\n' */
    bool                    skipping; /* inside an over-long line */
    bool                    quiet;
    bool                    eof;
    bool                    stopped;
    unsigned long           next_msg;
    struct remembered       seen[REMEMBERED];
};

static struct console *
from_adapter(struct adapter *a)
{
    return (struct console *)a;
}

/* --- output ------------------------------------------------------------- */

static void
stamp(struct console *con)
{
    if (!con->opt.sim)
        return;
    char when[32];
    when_format(con->opt.sim->now_ms, "UTC", con->opt.sim->now_ms, WHEN_ISO,
                when, sizeof(when));
    fprintf(con->out, "[%sZ] ", when);
}

/* Print text after a prefix; continuation lines are indented. */
static void
print_block(struct console *con, const char *prefix, const char *text)
{
    stamp(con);
    fputs(prefix, con->out);
    for (const char *p = text ? text : ""; *p;) {
        size_t n = strcspn(p, "\n");
        fwrite(p, 1, n, con->out);
        p += n;
        if (*p == '\n') {
            p++;
            fputs("\n  ", con->out);
        }
    }
    fputc('\n', con->out);
}

static void
snippet_of(const char *text, char *out, size_t outlen)
{
    size_t n = strcspn(text ? text : "", "\n");
    if (n > SNIPPET) {
        n = utf8_cut(text, n, SNIPPET);
        snprintf(out, outlen, "%.*s…", (int)n, text);
    } else {
        snprintf(out, outlen, "%.*s", (int)n, text ? text : "");
    }
}

static void
remember(struct console *con, const char *ref, const char *text)
{
    struct remembered *r = &con->seen[con->next_msg % REMEMBERED];
    snprintf(r->ref, sizeof(r->ref), "%s", ref);
    snippet_of(text, r->snippet, sizeof(r->snippet));
}

static const char *
recall(struct console *con, const char *ref)
{
    for (size_t i = 0; i < REMEMBERED; i++)
        if (ref && strcmp(con->seen[i].ref, ref) == 0)
            return con->seen[i].snippet;
    return "an earlier message";
}

/* One "buttons:" line per row; a button that asks for text first shows
 * it as "<text>", or "[text]" when the text may be left empty. */
static void
print_buttons(struct console *con, const struct out_msg *m)
{
    struct button_rows rows;
    button_rows(m->buttons, m->nbuttons, "console", &rows);
    for (size_t r = 0; r < rows.n; r++) {
        fputs("  buttons:", con->out);
        for (size_t i = rows.start[r]; i < rows.start[r + 1]; i++) {
            const struct out_button *b = &m->buttons[i];
            fprintf(con->out, " [%s: /campaign %s%s]", b->label, b->command,
                    !b->prompt    ? ""
                    : b->optional ? " [text]"
                                  : " <text>");
        }
        fputc('\n', con->out);
    }
}

/* Report success with a fresh message reference ("m12"). */
static enum ch_status
done(struct console *con, const struct out_msg *m, const char *ref)
{
    char own[24];
    if (ref == NULL) {
        snprintf(own, sizeof(own), "m%lu", ++con->next_msg);
        ref = own;
        remember(con, ref, m->text);
    }
    fflush(con->out);
    core_delivered(con->env.core, m->id, CH_OK, ref, 0, NULL);
    return CH_OK;
}

static enum ch_status
con_message(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    if (con->quiet)
        return done(con, m, NULL);
    char prefix[160];
    if (m->kind == OUT_DM || (m->kind == OUT_REPLY && m->channel == NULL))
        snprintf(prefix, sizeof(prefix), "[dm %s] chorus: ", m->user);
    else if (m->kind == OUT_REPLY)
        snprintf(prefix, sizeof(prefix), "[%s, to %s] chorus: ", m->channel,
                 m->user);
    else
        snprintf(prefix, sizeof(prefix), "[%s] chorus: ",
                 m->channel ? m->channel : "?");
    print_block(con, prefix, m->text);
    print_buttons(con, m);
    return done(con, m, NULL);
}

static void
event_line(struct console *con, const char *channel, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
event_line(struct console *con, const char *channel, const char *fmt, ...)
{
    if (con->quiet)
        return;
    stamp(con);
    fprintf(con->out, "[%s] * ", channel ? channel : "?");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(con->out, fmt, ap);
    va_end(ap);
    fputc('\n', con->out);
}

static enum ch_status
con_create_channel(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    char name[96];
    snprintf(name, sizeof(name), "#%s", m->channel_name);
    event_line(con, name, "channel created");
    return done(con, m, name);
}

static enum ch_status
con_invite(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    event_line(con, m->channel, "%s joined the channel", m->user);
    return done(con, m, m->user);
}

static enum ch_status
con_pin(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    event_line(con, m->channel, "pinned: %s", recall(con, m->ref));
    return done(con, m, m->ref);
}

static enum ch_status
con_update(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    char snip[SNIPPET + 4];
    snippet_of(m->text, snip, sizeof(snip));
    remember(con, m->ref, m->text);
    const char *where = m->channel;
    char dm[64];
    if (where == NULL) {
        snprintf(dm, sizeof(dm), "dm %s", m->user ? m->user : "?");
        where = dm;
    }
    event_line(con, where, "edited: %s", snip);
    return done(con, m, m->ref);
}

static enum ch_status
con_topic(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    event_line(con, m->channel, "topic: %s", m->text);
    return done(con, m, m->channel);
}

static enum ch_status
con_archive(struct adapter *a, const struct out_msg *m)
{
    struct console *con = from_adapter(a);
    event_line(con, m->channel, "channel archived");
    return done(con, m, m->channel);
}

/* Bytes of a speaker name's character at s: a letter or digit of any
 * script, '_', '.' or '-'; 0 for anything else. */
static size_t
name_char(const char *s, size_t len)
{
    if (len && (*s == '_' || *s == '.' || *s == '-'))
        return 1;
    return utf8_name_char(s, len);
}

static bool
valid_speaker(const char *name)
{
    size_t len = strlen(name);
    if (!*name || len > 40)
        return false;
    for (const char *p = name; *p;) {
        size_t n = name_char(p, len - (size_t)(p - name));
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

/* On a terminal every name is somebody. */
static enum ch_status
con_find_user(struct adapter *a, const char *name, struct buf *out)
{
    (void)a;
    if (!valid_speaker(name))
        return CH_NOT_FOUND;
    buf_adds(out, name);
    return CH_OK;
}

static void
con_render_person(struct adapter *a, const char *user_id, const char *name,
                  struct buf *out)
{
    (void)a;
    (void)name;
    buf_printf(out, "@%s", user_id);
}

static void
con_render_channel(struct adapter *a, const char *channel_id,
                   const char *slug, struct buf *out)
{
    (void)a;
    (void)slug;
    buf_adds(out, channel_id);
}

/* A terminal has one reader, in no zone chorus knows: UTC, with the
 * year when the date is far from the console's (simulated) now. */
static void
con_render_time(struct adapter *a, int64_t utc_ms, struct buf *out)
{
    struct console *con = (struct console *)a;
    int64_t now = con->opt.sim ? con->opt.sim->now_ms : clock_realtime_ms();
    char text[64];
    when_format(utc_ms, "UTC", now, WHEN_LONG, text, sizeof(text));
    buf_adds(out, text);
}

static enum ch_status
con_deliver(struct adapter *a, const struct out_msg *m)
{
    switch (m->kind) {
    case OUT_REPLY:
    case OUT_POST:
    case OUT_DM:
        return con_message(a, m);
    case OUT_UPDATE:
        return con_update(a, m);
    case OUT_CREATE_CHANNEL:
        return con_create_channel(a, m);
    case OUT_INVITE:
        return con_invite(a, m);
    case OUT_PIN:
        return con_pin(a, m);
    case OUT_TOPIC:
        return con_topic(a, m);
    case OUT_ARCHIVE:
        return con_archive(a, m);
    case OUT_LOOKUP:        /* a terminal has no profiles */
    case OUT_KIND_COUNT:
        break;
    }
    return CH_UNSUPPORTED;
}

/* --- input -------------------------------------------------------------- */

static void
say(struct console *con, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct console *con, const char *fmt, ...)
{
    stamp(con);
    fputs("[console] ", con->out);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(con->out, fmt, ap);
    va_end(ap);
    fputc('\n', con->out);
    fflush(con->out);
}

/* `~ +3h` or `~ 2026-12-03T09:00Z`: run everything due on the way, in
 * order, each at its own time. */
static void
advance_clock(struct console *con, const char *arg)
{
    struct sim_clock *sim = con->opt.sim;
    if (sim == NULL || con->opt.advance == NULL) {
        say(con, "the clock is real; start with --now <time> to move it");
        return;
    }
    while (*arg == ' ')
        arg++;
    int64_t target, delta;
    if (arg[0] == '+' && when_duration_parse(arg + 1, &delta)) {
        target = sim->now_ms + delta;
    } else {
        struct when_options o = { .zone = "UTC", .now_ms = sim->now_ms,
                                  .date_only_minute = 0 };
        struct when_result r;
        struct ch_error err;
        if (when_parse(arg, &o, &r, &err) != CH_OK) {
            say(con, "cannot move the clock: %s", err.user);
            return;
        }
        target = r.utc_ms;
    }
    if (target < sim->now_ms) {
        say(con, "the clock only moves forward");
        return;
    }
    con->opt.advance(con->opt.arg, target);
}

/* "@bob" becomes <@bob>, the mention form the core reads on every
 * platform; "@José" is José. */
static void
normalize_mentions(const char *text, struct buf *out)
{
    size_t len = strlen(text);
    for (const char *q = text; *q;) {
        size_t left = len - (size_t)(q - text);
        if (*q == '@' && (q == text || q[-1] == ' ') &&
            utf8_name_char(q + 1, left - 1)) {
            size_t n = 1, k;
            while ((k = name_char(q + n, left - n)) > 0)
                n += k;
            /* A trailing '.' ends the sentence, not the name. */
            while (n > 1 && q[n - 1] == '.')
                n--;
            buf_printf(out, "<@%.*s>", (int)(n - 1), q + 1);
            q += n;
            continue;
        }
        buf_addc(out, *q++);
    }
}

static void
take_line(struct console *con, const char *line)
{
    if (con->opt.echo) {
        fprintf(con->out, "> %s\n", line);
    }
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\0' || *p == '#')
        goto out;
    if (*p == '~') {
        advance_clock(con, p + 1);
        goto out;
    }
    /* <speaker>[ in <place>]: <text> */
    const char *colon = strchr(p, ':');
    if (colon == NULL) {
        say(con, "cannot read that line: write \"<speaker>: <text>\" or "
            "\"<speaker> in #campaign: <text>\"");
        goto out;
    }
    char head[160];
    size_t hl = (size_t)(colon - p);
    if (hl >= sizeof(head)) {
        say(con, "cannot read that line: the speaker is too long");
        goto out;
    }
    memcpy(head, p, hl);
    head[hl] = '\0';
    char *place = NULL;
    char *in = strstr(head, " in ");
    if (in) {
        *in = '\0';
        place = in + 4;
        while (*place == ' ')
            place++;
        char *end = place + strlen(place);
        while (end > place && end[-1] == ' ')
            *--end = '\0';
    }
    char *speaker = head;
    char *end = speaker + strlen(speaker);
    while (end > speaker && end[-1] == ' ')
        *--end = '\0';
    if (!valid_speaker(speaker)) {
        say(con, "\"%s\" is not a speaker name (letters, digits, _ . -)",
            speaker);
        goto out;
    }
    const char *channel = NULL;
    if (place && strcmp(place, "dm") != 0) {
        if (place[0] != '#' || !place[1]) {
            say(con, "\"%s\" is not a place: use #campaign or dm", place);
            goto out;
        }
        channel = place;
    }
    const char *text = colon + 1;
    while (*text == ' ')
        text++;

    struct core_event ev = {
        .platform = "console",
        .user_id = speaker,
        .user_name = speaker,
        .channel_id = channel,
        .text = text,
    };
    struct buf norm = BUF_INIT;
    if (strncmp(text, "/campaign", 9) == 0 &&
        (text[9] == '\0' || text[9] == ' ')) {
        ev.kind = CORE_EV_COMMAND;
        text += 9;
    } else if (channel) {
        /* In a channel chorus only hears what is addressed to it. */
        if (strncmp(text, "@chorus", 7) != 0 || (text[7] && text[7] != ' ')) {
            buf_free(&norm);
            goto out;
        }
        ev.kind = CORE_EV_MESSAGE;
        text += 7;
    } else {
        ev.kind = CORE_EV_DM;
    }
    normalize_mentions(text, &norm);
    ev.text = buf_cstr(&norm);
    struct core_result res;
    core_handle_event(con->env.core, &ev, &res);
    core_deliver_result(con->env.core, &res);   /* printed at once */
    buf_free(&norm);
out:
    fflush(con->out);
    if (con->opt.after_line)
        con->opt.after_line(con->opt.arg);
}

static void
take_input(struct console *con, const char *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (data[i] != '\n') {
            if (con->skipping)
                continue;
            if (!buf_addc(&con->pending, data[i])) {
                con->skipping = true;
                say(con, "a line longer than %zu bytes was skipped",
                    LINE_MAX_BYTES);
                buf_reset(&con->pending);
            }
            continue;
        }
        if (con->skipping) {
            con->skipping = false;
            continue;
        }
        buf_rtrim(&con->pending);   /* also drops a \r from CRLF files */
        char *line = xstrdup(buf_cstr(&con->pending));
        buf_reset(&con->pending);
        take_line(con, line);
        free(line);
        if (con->stopped)
            return;
    }
}

static void
finish_input(struct console *con)
{
    if (con->pending.len && !con->skipping) {
        char *line = xstrdup(buf_cstr(&con->pending));
        buf_reset(&con->pending);
        take_line(con, line);
        free(line);
    }
    con->eof = true;
    if (con->watch) {
        loop_watch_free(con->watch);
        con->watch = NULL;
    }
    if (con->opt.at_eof)
        con->opt.at_eof(con->opt.arg);
}

static void
on_readable(void *arg, int fd, unsigned events)
{
    struct console *con = arg;
    (void)events;
    char chunk[65536];
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return;
    if (n <= 0) {
        finish_input(con);
        return;
    }
    take_input(con, chunk, (size_t)n);
}

/* A regular file or /dev/null cannot be polled; read it in turns. */
static void
read_file_step(void *arg)
{
    struct console *con = arg;
    if (con->stopped)
        return;
    char chunk[65536];
    ssize_t n = read(STDIN_FILENO, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) {
        loop_defer(con->env.loop, read_file_step, con);
        return;
    }
    if (n <= 0) {
        finish_input(con);
        return;
    }
    take_input(con, chunk, (size_t)n);
    if (!con->stopped)
        loop_defer(con->env.loop, read_file_step, con);
}

static int
con_start(struct adapter *a)
{
    struct console *con = from_adapter(a);
    struct loop *loop = con->env.loop;
    struct stat st;
    if (fstat(STDIN_FILENO, &st) != 0)
        return -1;
    if (isatty(STDIN_FILENO) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
        con->watch = loop_watch_new(loop, STDIN_FILENO, on_readable, con);
        if (con->watch == NULL)
            return -1;
        loop_watch_set(con->watch, LOOP_READ);
    } else {
        loop_defer(loop, read_file_step, con);
    }
    return 0;
}

/* Nothing is in flight on a terminal: stop reading, done at once. */
static void
con_stop(struct adapter *a, int64_t deadline_ms, void (*stopped)(void *arg),
         void *arg)
{
    struct console *con = from_adapter(a);
    (void)deadline_ms;
    con->stopped = true;
    if (con->watch) {
        loop_watch_free(con->watch);
        con->watch = NULL;
    }
    stopped(arg);
}

static void
con_free(struct adapter *a)
{
    struct console *con = from_adapter(a);
    if (con->watch)
        loop_watch_free(con->watch);
    buf_free(&con->pending);
    free(con);
}

static const struct adapter_ops console_ops = {
    .version = ADAPTER_OPS_VERSION,
    .name = "console",
    .caps = ADAPTER_CAP_PIN,
    .deliver = con_deliver,
    .find_user = con_find_user,
    .render_person = con_render_person,
    .render_channel = con_render_channel,
    .render_time = con_render_time,
    .start = con_start,
    .stop = con_stop,
    .free = con_free,
};

struct adapter *
console_new(const struct console_options *opt, const struct adapter_env *env)
{
    struct console *con = xcalloc(1, sizeof(*con));
    con->base.ops = &console_ops;
    con->env = *env;
    con->opt = *opt;
    con->out = opt->out ? opt->out : stdout;
    buf_init(&con->pending, LINE_MAX_BYTES);
    return &con->base;
}

void
console_line(struct adapter *a, const char *text)
{
    take_line(from_adapter(a), text);
}

void
console_set_quiet(struct adapter *a, bool quiet)
{
    from_adapter(a)->quiet = quiet;
}
