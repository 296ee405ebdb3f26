/*
 * Delivery: outbox rows out to the adapters, their outcomes back in.
 *
 * A flush works in passes.  Each pass reads and renders the rows the
 * adapters can be handed in one transaction (one snapshot and one set of
 * locks, not one implicit transaction per statement), commits, and only
 * then hands them out: no adapter code runs inside a transaction.
 *
 * Outcomes (core_delivered()) are queued, not written at once: the next
 * transaction the core opens for any reason records them (delivery_begin()),
 * so under load they ride along with the commands' own commits instead
 * of costing a commit each.  When nothing else comes, core_next_due()
 * asks for a tick OUTCOME_DELAY_MS after the oldest one.  Until recorded
 * a row stays "handed", so it is not offered twice.  A crash before the
 * record leaves the row pending and it is delivered again on restart,
 * as after a crash between the platform's answer and any commit: chat
 * messages are delivered at least once, and that window is at most
 * OUTCOME_DELAY_MS wide.
 */
#include "delivery.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_internal.h"
#include "log.h"
#include "schedule.h"
#include "utf8.h"
#include "xmalloc.h"

#define FLUSH_BATCH      64    /* rows per query */
#define PASS_SCAN_MAX    512   /* rows a pass looks at */
#define PASS_HANDOUT_MAX 128   /* rows a pass renders and hands out */
#define FLUSH_PASSES     16
#define OUTCOME_DELAY_MS 20
#define RESCAN_EVERY_MS  (60 * MS_PER_SEC)

struct report {
    int64_t        id;
    int64_t        at;        /* when it was reported */
    enum ch_status status;
    int64_t        retry_after_ms;
    bool           answered;  /* a recent command's reply, seen */
    char          *ref;       /* owned */
    char          *error;     /* owned */
};

/* A marker of notify.c at p ("\001" kind id "\002"): its kind and id, and
 * where the text goes on; 0 when p holds none (a stray byte). */
static char
marker_at(const char *p, long long *id, const char **next)
{
    if (p[0] != '\001' || p[1] == '\0')
        return 0;
    char *end;
    *id = strtoll(p + 2, &end, 10);
    if (*end != '\002')
        return 0;
    *next = end + 1;
    return p[1];
}

/* Everyone the text mentions, looked up in one query: a status message
 * names every participant. */
static void
mentions_load(struct core *core, struct arena *ar, const char *platform,
              const char *in, struct person_mention **out, size_t *n)
{
    struct buf ids = BUF_INIT;
    buf_addc(&ids, '[');
    for (const char *p = in ? strchr(in, '\001') : NULL; p;
         p = strchr(p + 1, '\001')) {
        long long id;
        const char *next;
        if (marker_at(p, &id, &next) == 'p')
            buf_printf(&ids, "%s%lld", ids.len > 1 ? "," : "", id);
    }
    buf_addc(&ids, ']');
    *n = 0;
    if (ids.len > 2 && store_people_mentions(core->store, ar, buf_cstr(&ids),
                                             platform, out, n) != CH_OK)
        *n = 0;
    buf_free(&ids);
}

/*
 * The last guard of the rule that what a platform is handed carries no
 * control character but newline and tab (platforms refuse or mangle the
 * rest): the core's own text, whatever a stored title, brief or echoed
 * error holds, is copied with a carriage return before a newline
 * dropped, any other one read as a space, and other control bytes left
 * out.  The adapters' renderings are theirs (Slack wraps mentions in
 * \001..\002 on purpose) and are not touched.
 */
static void
add_plain(struct buf *out, const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t run = 0;
        while (i + run < n) {
            unsigned char ch = (unsigned char)p[i + run];
            if (utf8_unsendable(ch))
                break;
            run++;
        }
        buf_add(out, p + i, run);
        i += run;
        if (i == n)
            break;
        if (p[i] == '\r' && !(i + 1 < n && p[i + 1] == '\n'))
            buf_addc(out, ' ');
        i++;
    }
}

/* Resolve the markers of notify.c for one platform. */
static void
render(struct core *core, struct adapter *a, struct arena *ar, const char *in,
       struct buf *out)
{
    const char *platform = adapter_name(a);
    struct person_mention *people = NULL;
    size_t npeople;
    mentions_load(core, ar, platform, in, &people, &npeople);
    for (const char *p = in; p && *p;) {
        if (*p != '\001') {
            size_t n = strcspn(p, "\001");
            add_plain(out, p, n);
            p += n;
            continue;
        }
        long long id;
        const char *next;
        char kind = marker_at(p, &id, &next);
        if (kind == 0) {        /* not ours: drop the stray byte */
            p++;
            continue;
        }
        p = next;
        if (kind == 'p') {
            const struct person_mention *m = NULL;
            for (size_t i = 0; i < npeople && !m; i++)
                if (people[i].id == id)
                    m = &people[i];
            if (m)
                adapter_render_person(a, m->user_id, m->name, out);
            else
                buf_adds(out, "someone");
        } else if (kind == 'c') {
            struct campaign_place cp;
            if (store_channel_place(core->store, ar, id, platform, &cp) ==
                CH_OK)
                adapter_render_channel(a, cp.channel_id, cp.slug, out);
        } else if (kind == 't') {
            adapter_render_time(a, id, out);
        }
    }
}

void
delivery_buttons_encode(struct buf *out, const struct out_button *b,
                        size_t n)
{
    for (size_t i = 0; i < n && i < OUT_MAX_BUTTONS; i++) {
        buf_printf(out, "%s\t%s\t%s\t%s", b[i].label, b[i].command,
                   b[i].style ? b[i].style : "",
                   b[i].prompt ? b[i].prompt : "");
        const char *sep = "\t";
        if (b[i].prompt && b[i].rubric) {
            buf_printf(out, "%srubric", sep);
            sep = " ";
        }
        if (b[i].prompt && b[i].optional) {
            buf_printf(out, "%soptional", sep);
            sep = " ";
        }
        if (b[i].row)
            buf_printf(out, "%srow=%u", sep, b[i].row);
        buf_addc(out, '\n');
    }
}

size_t
delivery_buttons_decode(struct arena *ar, const char *enc,
                        struct out_button *b)
{
    size_t n = 0;
    for (const char *p = enc; p && *p && n < OUT_MAX_BUTTONS;) {
        size_t len = strcspn(p, "\n");
        char *line = arena_strndup(ar, p, len);
        p += len + (p[len] == '\n');
        char *f[5] = { line, NULL, NULL, NULL, NULL };
        for (int i = 1; i < 5; i++) {
            char *tab = f[i - 1] ? strchr(f[i - 1], '\t') : NULL;
            if (tab) {
                *tab = '\0';
                f[i] = tab + 1;
            }
        }
        if (!f[1])
            continue;
        b[n].label = f[0];
        b[n].command = f[1];
        b[n].style = f[2] && *f[2] ? f[2] : NULL;
        b[n].prompt = f[3] && *f[3] ? f[3] : NULL;
        b[n].rubric = b[n].optional = false;
        b[n].row = 0;
        for (char *w = f[4]; w && *w;) {
            size_t wl = strcspn(w, " ");
            if (wl == 6 && strncmp(w, "rubric", 6) == 0)
                b[n].rubric = b[n].prompt != NULL;
            else if (wl == 8 && strncmp(w, "optional", 8) == 0)
                b[n].optional = b[n].prompt != NULL;
            else if (strncmp(w, "row=", 4) == 0)
                b[n].row = (unsigned)strtoul(w + 4, NULL, 10);
            w += wl + (w[wl] == ' ');
        }
        n++;
    }
    return n;
}

enum hold { SEND, HOLD, DROP, STALE };

/* Why a stale row went nowhere (outbox.last_error of a row recorded
 * sent without being handed out). */
#define STALE_NOTE "dropped: what it was about moved on before it went out"

/* Fill msg from row; HOLD when what it needs does not exist yet (the
 * campaign's channel, the message it edits). */
static enum hold
prepare(struct core *core, struct adapter *a, struct arena *ar,
        const struct outbox_row *row, struct out_msg *msg,
        struct out_button *buttons)
{
    const char *platform = adapter_name(a);
    int kind = model_name_index(adapter_kind_names, row->kind);
    if (kind < 0)
        return DROP;
    memset(msg, 0, sizeof(*msg));
    msg->id = row->id;
    msg->kind = (enum out_kind)kind;
    msg->user = row->user_ref;
    msg->channel = row->channel_ref;
    if (row->campaign_id) {
        struct campaign_place cp = { 0 };
        if (store_channel_place(core->store, ar, row->campaign_id, platform,
                                &cp) == CH_OK)
            msg->campaign = cp.slug;
        if (!cp.has_channel)
            return msg->kind == OUT_CREATE_CHANNEL ? DROP : HOLD;
        if (msg->kind == OUT_CREATE_CHANNEL) {
            if (cp.channel_id)
                return DROP;   /* already there */
            msg->channel_name = cp.channel_name;
            msg->private_channel = 1;
        } else if (cp.channel_id == NULL) {
            return HOLD;
        } else {
            msg->channel = cp.channel_id;
        }
    }
    if (msg->kind == OUT_UPDATE || msg->kind == OUT_PIN) {
        if (row->ref_state && strcmp(row->ref_state, "failed") == 0)
            return DROP;
        if (row->ref_platform_ref == NULL)
            return HOLD;
        msg->ref = row->ref_platform_ref;
        if (msg->channel == NULL && row->ref_id) {
            struct outbox_row ref;
            if (store_outbox_get(core->store, ar, row->ref_id, &ref) == CH_OK) {
                msg->user = ref.user_ref;
                msg->channel = ref.channel_ref;
                if (ref.campaign_id) {
                    struct channel_row ch;
                    if (store_channel_get(core->store, ar, ref.campaign_id,
                                          platform, &ch) == CH_OK)
                        msg->channel = ch.channel_id;
                }
            }
        }
    }
    if (row->text) {
        struct buf text = BUF_INIT;
        render(core, a, ar, row->text, &text);
        msg->text = arena_strdup(ar, buf_cstr(&text));
        buf_free(&text);
    }
    msg->nbuttons = delivery_buttons_decode(ar, row->buttons, buttons);
    msg->buttons = msg->nbuttons ? buttons : NULL;
    return SEND;
}

/* A row read, rendered and marked handed, to give its adapter after the
 * pass's commit. */
struct handout {
    size_t            adapter;
    struct out_msg    msg;
    struct out_button buttons[OUT_MAX_BUTTONS];
};

/* --- digests ----------------------------------------------------------------
 *
 * The DMs due to one person when the first of them goes out go as one
 * message: the first row carries it, the others ride along (members).
 * Items are grouped by the campaign they are about, each keeps its
 * buttons, in rows of its own, while they fit (OUT_MAX_BUTTONS and
 * OUT_MAX_ROWS; labelled with what they act on), and an item whose
 * buttons do not fit names their commands.  A row
 * whose subject moved on since it was written (store_outbox_subject_now:
 * the review was done, the escalation acknowledged) is stale and goes
 * nowhere.  Once the carrier's delivery is committed it takes the
 * digest's text and buttons, so a button pressed on it finds them
 * (core.c), and the members are marked sent as part of it (digest_of);
 * until then the digest lives here, and a carrier given back or failed
 * frees its members for the next flush.  A crash before the record
 * delivers them all again, as for any row.
 */
struct digest {
    int64_t  lead;
    size_t   adapter;
    int64_t *members;
    size_t   n;
    char    *text, *buttons;   /* unrendered, as the outbox keeps them */
};

static struct digest *
digest_find(struct core *core, int64_t lead)
{
    for (size_t i = 0; i < core->ndigests; i++)
        if (core->digests[i].lead == lead)
            return &core->digests[i];
    return NULL;
}

/* Forget a digest; its members are offered again unless they were
 * recorded sent with it (committed). */
static void
digest_release(struct core *core, int64_t lead)
{
    struct digest *d = digest_find(core, lead);
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++) {
        idset_del(&core->handed, d->members[i]);
        if (core->flush_from[d->adapter] > d->members[i])
            core->flush_from[d->adapter] = d->members[i];
    }
    core->flush_clean = false;
    free(d->members);
    free(d->text);
    free(d->buttons);
    *d = core->digests[--core->ndigests];
}

static bool
is_stale(struct core *core, struct arena *ar, const struct outbox_row *row)
{
    if (row->subject == NULL)
        return false;
    const char *now = store_outbox_subject_now(core->store, ar, row->subject);
    return now == NULL || strcmp(now, row->subject) != 0;
}

/* At most this many buttons in a row (adapter.h, struct out_button). */
#define ROW_MAX_BUTTONS 5

/* Whether one of b[0..n) runs cmd already (two reminders of one
 * escalation). */
static bool
digest_has(const struct out_button *b, size_t n, const char *cmd)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(b[i].command, cmd) == 0)
            return true;
    return false;
}

/* Whether text has word as a whole word, in any case ("🟢 Green" has
 * "green"). */
static bool
has_word(const char *text, const char *word, size_t len)
{
    for (const char *p = text; *p; p++)
        if ((p == text || p[-1] == ' ') && strncasecmp(p, word, len) == 0 &&
            (p[len] == '\0' || p[len] == ' '))
            return true;
    return false;
}

/* A button's label on a digest: what it acts on, the last word of its
 * command ("Approve spring#2", "Acknowledge E3"), unless the label names
 * it already ("🟢 spring#2"). */
static const char *
digest_label(struct arena *ar, const struct out_button *b)
{
    const char *word = strrchr(b->command, ' ');
    if (word == NULL || *++word == '\0' || has_word(b->label, word,
                                                     strlen(word)))
        return b->label;
    return arena_printf(ar, "%s %s", b->label, word);
}

/* Lay b[0..n) out in rows as the adapters do (adapter.h): a new row where
 * a button's row differs from the one before it, or where a row is full.
 * Each button's row, counted from 0, into row; how many rows. */
static unsigned
digest_rows(const struct out_button *b, size_t n, unsigned *row)
{
    unsigned rows = 0, in_row = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || b[i].row != b[i - 1].row ||
            in_row == ROW_MAX_BUTTONS) {
            rows++;
            in_row = 0;
        }
        in_row++;
        row[i] = rows - 1;
    }
    return rows;
}

/* The buttons a digest has so far. */
struct digest_buttons {
    struct out_button b[OUT_MAX_BUTTONS];
    size_t            n;
    unsigned          rows;
};

/* An item's buttons onto the digest, those it does not have yet, in rows
 * of their own below the digest's; false, and nothing added, when they
 * do not fit (OUT_MAX_BUTTONS, OUT_MAX_ROWS). */
static bool
digest_buttons(struct arena *ar, const struct out_button *b, size_t n,
               struct digest_buttons *d)
{
    struct out_button fresh[OUT_MAX_BUTTONS];
    unsigned row[OUT_MAX_BUTTONS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!digest_has(d->b, d->n, b[i].command) &&
            !digest_has(fresh, k, b[i].command))
            fresh[k++] = b[i];
    unsigned rows = digest_rows(fresh, k, row);
    if (d->n + k > OUT_MAX_BUTTONS || d->rows + rows > OUT_MAX_ROWS)
        return false;
    for (size_t i = 0; i < k; i++) {
        fresh[i].label = digest_label(ar, &fresh[i]);
        fresh[i].row = d->rows + row[i];
        d->b[d->n++] = fresh[i];
    }
    d->rows += rows;
    return true;
}

/* The commands of buttons that did not fit, written into the item. */
static void
digest_commands(const struct out_button *b, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n; i++)
        buf_printf(out, "%s%s%s", i ? " · " : "\n  To act: ", b[i].command,
                   !b[i].prompt     ? ""
                   : b[i].optional ? " [reason]"
                                   : " <reason>");
}

/* One item: a bullet, its later lines indented under it. */
static void
digest_item(const char *text, struct buf *out)
{
    buf_adds(out, "\n• ");
    for (const char *p = text ? text : ""; *p; p++) {
        buf_addc(out, *p);
        if (*p == '\n')
            buf_adds(out, "  ");
    }
}

/* The digest of rows (n > 1, oldest first): text and buttons. */
static void
digest_compose(struct core *core, struct arena *ar, struct outbox_row *rows,
               size_t n, struct buf *text, struct buf *buttons)
{
    bool *done = arena_alloc(ar, n * sizeof(*done));
    memset(done, 0, n * sizeof(*done));
    struct digest_buttons *kept = arena_alloc(ar, sizeof(*kept));
    buf_printf(text, "%zu messages for you:", n);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        struct campaign cp;
        if (rows[i].about &&
            store_campaign_get(core->store, ar, rows[i].about, &cp) == CH_OK)
            buf_printf(text, "\n%s:", cp.slug);
        else
            buf_adds(text, "\nOther:");
        for (size_t j = i; j < n; j++) {
            if (done[j] || rows[j].about != rows[i].about)
                continue;
            done[j] = true;
            digest_item(rows[j].text, text);
            struct out_button b[OUT_MAX_BUTTONS];
            size_t nb = delivery_buttons_decode(ar, rows[j].buttons, b);
            if (!digest_buttons(ar, b, nb, kept))
                digest_commands(b, nb, text);
        }
    }
    delivery_buttons_encode(buttons, kept->b, kept->n);
}

static void queue_report(struct core *core, int64_t id, enum ch_status status,
                         const char *ref, int64_t retry_after_ms,
                         const char *error);

/* A DM row about to go: with the other DMs due to its reader, as one
 * digest; DROP when it is stale. */
static enum hold
prepare_dm(struct core *core, size_t ai, struct arena *ar,
           const struct outbox_row *row, struct handout *h)
{
    struct adapter *a = core->adapters[ai];
    if (is_stale(core, ar, row))
        return STALE;
    struct outbox_row *due;
    size_t n = 0, live = 0;
    if (core->settings->digest_window_ms == 0 ||
        store_outbox_dm_due(core->store, ar, adapter_name(a), row->person_id,
                            core_now(core), &due, &n) != CH_OK)
        n = 0;
    struct outbox_row *items = arena_alloc(ar, (n + 1) * sizeof(*items));
    items[live++] = *row;
    for (size_t i = 0; i < n; i++) {
        if (due[i].id == row->id || idset_has(&core->handed, due[i].id))
            continue;
        if (is_stale(core, ar, &due[i])) {
            queue_report(core, due[i].id, CH_OK, NULL, 0, STALE_NOTE);
            continue;
        }
        items[live++] = due[i];
    }
    if (live == 1)
        return prepare(core, a, ar, row, &h->msg, h->buttons);
    struct buf text = BUF_INIT, buttons = BUF_INIT;
    digest_compose(core, ar, items, live, &text, &buttons);
    struct outbox_row carrier = *row;
    carrier.text = buf_cstr(&text);
    carrier.buttons = buf_cstr(&buttons);
    enum hold hd = prepare(core, a, ar, &carrier, &h->msg, h->buttons);
    if (hd == SEND) {
        if (core->ndigests == core->digests_cap) {
            core->digests_cap = core->digests_cap ? core->digests_cap * 2 : 8;
            core->digests = xrealloc(core->digests, core->digests_cap,
                                     sizeof(*core->digests));
        }
        struct digest *d = &core->digests[core->ndigests++];
        *d = (struct digest){
            .lead = row->id, .adapter = ai, .n = live - 1,
            .members = xcalloc(live - 1, sizeof(int64_t)),
            .text = xstrdup(buf_cstr(&text)),
            .buttons = xstrdup(buf_cstr(&buttons)),
        };
        for (size_t i = 1; i < live; i++) {
            d->members[i - 1] = items[i].id;
            idset_add(&core->handed, items[i].id);
        }
    }
    buf_free(&text);
    buf_free(&buttons);
    return hd;
}

/* --- in-band: an event's own answer ----------------------------------------
 */

/*
 * An event's in-band rows (struct core_result): the reply and the button
 * message's edit, for the event's platform.  delivery_inband_want() names
 * them before the event's transaction commits; the early pass that reads
 * what the flush will hand out (delivery_collect_early()) renders them
 * for the event's platform as it passes them and holds them out of the
 * pass, so they cost no query of their own; delivery_inband_take() hands
 * them back.  A row the pass did not reach is read on its own; one that
 * cannot go yet (its channel does not exist) is left to the flush.
 */
void
delivery_inband_want(struct core *core, const char *platform,
                     int64_t reply_id, int64_t update_id)
{
    struct adapter *a = core_adapter(core, platform);
    core->inband_want[0] = a ? reply_id : 0;
    core->inband_want[1] = a ? update_id : 0;
    core->inband_got[0] = core->inband_got[1] = false;
    core->inband_adapter = a;
    if (a == NULL)
        return;
    arena_reset(core->inband_arena);
    if (core->inband == NULL)
        core->inband = xcalloc(2, sizeof(*core->inband));
}

/* Hold row k of the wanted ones if it can go now; true when it was. */
static bool
hold_inband(struct core *core, int k, const struct outbox_row *row)
{
    struct handout *h = &core->inband[k];
    core->inband_want[k] = 0;
    if (prepare(core, core->inband_adapter, core->inband_arena, row, &h->msg,
                h->buttons) != SEND)
        return false;
    idset_add(&core->handed, row->id);
    core->inband_got[k] = true;
    return true;
}

/* The wanted row this scan row is, if any: 0 or 1, else -1. */
static int
inband_slot(const struct core *core, const struct adapter *a, int64_t id)
{
    if (a != core->inband_adapter || id == 0)
        return -1;
    return id == core->inband_want[0] ? 0 : id == core->inband_want[1] ? 1
                                                                       : -1;
}

/* After the pass: the wanted rows it did not reach, read on their own. */
static void
inband_read_rest(struct core *core)
{
    for (int k = 0; k < 2; k++) {
        struct outbox_row row;
        int64_t id = core->inband_want[k];
        if (id == 0)
            continue;
        core->inband_want[k] = 0;
        if (!idset_has(&core->handed, id) &&
            store_outbox_get(core->store, core->inband_arena, id, &row) ==
                CH_OK)
            hold_inband(core, k, &row);
    }
}

void
delivery_inband_take(struct core *core, struct core_result *res)
{
    inband_read_rest(core);
    res->reply = core->inband_got[0] ? &core->inband[0].msg : NULL;
    res->update = core->inband_got[1] ? &core->inband[1].msg : NULL;
    core->inband_got[0] = core->inband_got[1] = false;
}

/* The event's transaction did not commit: nothing was said. */
void
delivery_inband_drop(struct core *core, struct core_result *res)
{
    if (res->reply)
        idset_del(&core->handed, res->reply->id);
    if (res->update)
        idset_del(&core->handed, res->update->id);
    res->reply = res->update = NULL;
}

static void give_back(struct core *core, size_t ai, int64_t id);

void
delivery_inband_deliver(struct core *core, const struct core_result *res)
{
    const struct out_msg *m[2] = { res->reply, res->update };
    size_t queued = core->nreports;
    size_t ai = 0;
    while (ai < core->nadapters && core->adapters[ai] != core->inband_adapter)
        ai++;
    for (size_t i = 0; i < 2; i++) {
        if (m[i] == NULL)
            continue;
        enum ch_status s = adapter_deliver(core->inband_adapter, m[i]);
        if (s == CH_BUSY && ai < core->nadapters) {
            /* The flush offers it again: late, so not "seen". */
            idset_del(&core->awaiting, m[i]->id);
            give_back(core, ai, m[i]->id);
        } else if (s != CH_OK)
            queue_report(core, m[i]->id, s, NULL, 0, NULL);
    }
    /* A platform that reported at once (a terminal, a refusal): the next
     * flush records it, as a flush's own hand-out would. */
    if (core->nreports > queued)
        core->record_soon = true;
}

/* --- outcomes ------------------------------------------------------------ */

static void
queue_report(struct core *core, int64_t id, enum ch_status status,
             const char *ref, int64_t retry_after_ms, const char *error)
{
    if (core->nreports == core->reports_cap) {
        core->reports_cap = core->reports_cap ? core->reports_cap * 2 : 32;
        core->reports = xrealloc(core->reports, core->reports_cap,
                                 sizeof(*core->reports));
    }
    core->reports[core->nreports++] = (struct report){
        .id = id,
        .at = core_now(core),
        .status = status,
        .retry_after_ms = retry_after_ms,
        .answered = status == CH_OK && idset_has(&core->awaiting, id),
        .ref = ref ? xstrdup(ref) : NULL,
        .error = error ? xstrdup(error) : NULL,
    };
    idset_add(&core->handed, id);   /* not offered again until recorded */
    idset_del(&core->awaiting, id); /* its first outcome decides */
}

void
delivery_await_answer(struct core *core, int64_t reply_id)
{
    if (reply_id)
        idset_add(&core->awaiting, reply_id);
}

void
delivery_report(struct core *core, int64_t msg_id, enum ch_status status,
                const char *platform_ref, int64_t retry_after_ms,
                const char *error)
{
    queue_report(core, msg_id, status, platform_ref, retry_after_ms, error);
}

static int64_t
backoff_ms(int attempts)
{
    int64_t d = MS_PER_SEC;
    for (int i = 0; i < attempts && d < 5 * MS_PER_MIN; i++)
        d *= 2;
    return d < 5 * MS_PER_MIN ? d : 5 * MS_PER_MIN;
}

static void
record_one(struct core *core, const struct report *r)
{
    struct arena *ar = core->done_arena;
    struct outbox_row row;
    if (r->answered)
        store_inbound_recent_answered(core->store, r->id);
    if (r->status == CH_OK && r->error && strcmp(r->error, STALE_NOTE) == 0) {
        store_outbox_dropped(core->store, r->id, r->at, r->error);
        return;
    }
    if (r->status == CH_OK || r->status == CH_DUPLICATE ||
        r->status == CH_UNSUPPORTED) {
        /* The common case: marked sent without reading the row first; read
         * back only with a platform reference, which a created channel
         * has (its id). */
        struct digest *d = digest_find(core, r->id);
        if (store_outbox_sent(core->store, ar, r->id, r->ref, r->at,
                              r->ref ? &row : NULL) == CH_OK &&
            r->ref && strcmp(row.kind, "create_channel") == 0)
            store_channel_set_id(core->store, row.campaign_id, row.platform,
                                 r->ref);
        if (d)
            store_outbox_digest_sent(core->store, r->id, d->text, d->buttons,
                                     d->members, d->n, r->at);
        arena_reset(ar);
        return;
    }
    if (store_outbox_get(core->store, ar, r->id, &row) != CH_OK) {
        arena_reset(ar);
        return;
    }
    const char *why = r->error ? r->error : ch_strerror(r->status);
    switch (r->status) {
    case CH_BUSY:
    case CH_REMOTE_5XX:
    case CH_IO: {
        int64_t wait = backoff_ms(row.attempts);
        if (r->retry_after_ms > wait)
            wait = r->retry_after_ms;
        store_outbox_retry(core->store, r->id, r->at + wait, r->error);
        /* Due again later: the tick then makes the flush rescan. */
        log_info("core", "outbox %lld (%s on %s) retry in %lld ms: %s",
                 (long long)r->id, row.kind, row.platform, (long long)wait,
                 why);
        break;
    }
    default:
        if (strcmp(row.kind, "create_channel") == 0)
            log_error("core", "%s: the channel of campaign %lld could not be "
                      "created (%s); its messages wait until chorus starts "
                      "again with the cause fixed", row.platform,
                      (long long)row.campaign_id, why);
        store_outbox_failed(core->store, r->id, why);
        log_warn("core", "outbox %lld (%s on %s) failed for good: %s",
                 (long long)r->id, row.kind, row.platform, why);
        break;
    }
    arena_reset(ar);
}

/* The first n outcomes are committed: forget them and free their rows
 * for the next offer (a retry, when it is due). */
static void
drop_reports(struct core *core, size_t n)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++) {
        idset_del(&core->handed, core->reports[i].id);
        digest_release(core, core->reports[i].id);
        free(core->reports[i].ref);
        free(core->reports[i].error);
    }
    memmove(core->reports, core->reports + n,
            (core->nreports - n) * sizeof(*core->reports));
    core->nreports -= n;
}

enum ch_status
delivery_begin(struct core *core)
{
    enum ch_status s = store_begin(core->store);
    if (s != CH_OK)
        return s;
    for (size_t i = 0; i < core->nreports; i++)
        record_one(core, &core->reports[i]);
    core->recorded = core->nreports;
    return CH_OK;
}

static void early_committed(struct core *core, bool ok);

enum ch_status
delivery_commit(struct core *core)
{
    enum ch_status s = store_commit(core->store);
    if (s == CH_OK)
        drop_reports(core, core->recorded);
    core->recorded = 0;     /* rolled back: they stay queued */
    early_committed(core, s == CH_OK);
    return s;
}

/* Record what is queued now, in a transaction of its own. */
void
delivery_outcomes_record(struct core *core)
{
    if (core->nreports > 0 && delivery_begin(core) == CH_OK)
        delivery_commit(core);
}

void
delivery_outcomes_free(struct core *core)
{
    drop_reports(core, core->nreports);
    while (core->ndigests > 0)
        digest_release(core, core->digests[0].lead);
    free(core->digests);
    core->digests = NULL;
    core->digests_cap = 0;
    free(core->reports);
    core->reports = NULL;
    core->reports_cap = 0;
}

/* When the oldest queued outcome must be recorded; INT64_MAX for none. */
static int64_t
outcomes_due_at(const struct core *core)
{
    return core->nreports > 0 ? core->reports[0].at + OUTCOME_DELAY_MS
                              : INT64_MAX;
}

/* --- the flush ----------------------------------------------------------- */

struct pass {
    struct handout *h;
    size_t          n;
    bool            complete;   /* every pending row was looked at */
    bool            held;       /* a row waits for another's outcome */
};

/*
 * Read adapter ai's pending rows into the pass, inside its transaction.
 *
 * The scan starts at the adapter's cursor, flush_from: rows below it are
 * handed (in flight), or were given back for a retry later (core_tick
 * resets the cursors, so they are looked at again when due).  The cursor
 * moves past a row only while every row before it is handed or done, so a
 * held row, or one the adapter was too busy to take, is looked at again
 * by the next flush.  Without it every flush re-read every row still in
 * flight: a platform pacing its posts (Slack, ~1 per second per channel)
 * made each flush cost O(rows in flight).
 */
static void
collect(struct core *core, size_t ai, struct pass *p)
{
    struct adapter *a = core->adapters[ai];
    struct arena *ar = core->flush_arena;
    /* Campaigns with a held row: their later rows wait behind it, so a
     * channel shows its messages in order. */
    struct idset held = { 0 };
    int64_t after = core->flush_from[ai] > 0 ? core->flush_from[ai] - 1 : 0;
    bool advance = true;
    size_t scanned = 0;
    for (;;) {
        if (scanned >= PASS_SCAN_MAX || p->n >= PASS_HANDOUT_MAX) {
            p->complete = false;
            break;
        }
        struct outbox_row *rows;
        size_t n;
        if (store_outbox_pending(core->store, ar, adapter_name(a),
                                 core_now(core), after, FLUSH_BATCH, &rows,
                                 &n) != CH_OK ||
            n == 0)
            break;
        scanned += n;
        after = rows[n - 1].id;
        for (size_t i = 0; i < n && p->n < PASS_HANDOUT_MAX; i++) {
            const struct outbox_row *row = &rows[i];
            after = row->id;
            int k = inband_slot(core, a, row->id);
            if (idset_has(&core->handed, row->id) ||
                (k >= 0 && hold_inband(core, k, row))) {
                if (advance)
                    core->flush_from[ai] = row->id + 1;
                continue;
            }
            if (row->campaign_id && idset_has(&held, row->campaign_id)) {
                advance = false;
                continue;
            }
            struct handout *h = &p->h[p->n];
            enum hold hd = strcmp(row->kind, "dm") == 0 && row->person_id
                               ? prepare_dm(core, ai, ar, row, h)
                               : prepare(core, a, ar, row, &h->msg,
                                         h->buttons);
            if (hd == HOLD) {
                idset_add(&held, row->campaign_id);
                advance = false;
                p->held = true;
                continue;
            }
            if (advance)     /* handed below, or its outcome queued */
                core->flush_from[ai] = row->id + 1;
            if (hd == DROP || hd == STALE) {
                queue_report(core, row->id, CH_OK, NULL, 0,
                             hd == STALE ? STALE_NOTE : NULL);
                continue;
            }
            h->adapter = ai;
            idset_add(&core->handed, row->id);
            p->n++;
        }
        if (n < FLUSH_BATCH)
            break;
    }
    idset_free(&held);
}

/* A row the adapter was too busy to take: offered again from here. */
static void
give_back(struct core *core, size_t ai, int64_t id)
{
    idset_del(&core->handed, id);
    digest_release(core, id);
    if (core->flush_from[ai] > id)
        core->flush_from[ai] = id;
    core->flush_clean = false;
}

/* Give each collected row its adapter; false when one was too busy. */
static bool
hand_out(struct core *core, struct pass *p)
{
    bool busy[CORE_MAX_ADAPTERS] = { false };
    bool all_taken = true;
    for (size_t i = 0; i < p->n; i++) {
        struct handout *h = &p->h[i];
        size_t ai = h->adapter;
        int64_t id = h->msg.id;
        if (busy[ai]) {     /* the cursor went back to an earlier row */
            idset_del(&core->handed, id);
            digest_release(core, id);
            continue;
        }
        enum ch_status s = adapter_deliver(core->adapters[ai], &h->msg);
        if (s == CH_OK)
            continue;
        idset_del(&core->handed, id);
        if (s == CH_BUSY) {
            give_back(core, ai, id);
            busy[ai] = true;
            all_taken = false;
            continue;
        }
        queue_report(core, id, s, NULL, 0, NULL);
    }
    return all_taken;
}

int64_t
delivery_backlog(struct core *core)
{
    delivery_outcomes_record(core);
    return store_outbox_backlog(core->store);
}

static int64_t
next_due(struct core *core)
{
    int64_t jobs = store_jobs_next_due(core->store);
    int64_t retry = store_outbox_next_retry(core->store, core_now(core));
    if (retry < core->rescan_at)
        core->rescan_at = retry;
    return jobs < retry ? jobs : retry;
}

/* Jobs and retries: good until the next change to the database (a
 * command, a job, an outcome may add either).  Queued outcomes want a
 * tick to record them when no transaction comes first. */
int64_t
delivery_next_due(struct core *core)
{
    if (core->due_changes != store_total_changes(core->store)) {
        core->due_at = next_due(core);
        core->due_changes = store_total_changes(core->store);
    }
    int64_t outcomes = outcomes_due_at(core);
    return outcomes < core->due_at ? outcomes : core->due_at;
}

void
delivery_rescan(struct core *core)
{
    memset(core->flush_from, 0, sizeof(core->flush_from));
    core->flush_clean = false;
    core->rescan_at = INT64_MAX;
    core->rescanned_at = core_now(core);
}

/*
 * Rows whose retry time has come lie below the flush cursors: rescan
 * from the first pending row when one has (rescan_at is the earliest
 * retry time seen since the last rescan; each is seen while still in the
 * future, since core_next_due() runs after every flush), and once a
 * minute whatever happened.  Not on every tick: a rescan reads every row
 * in flight, and a platform pacing its posts can have hundreds.
 */
void
delivery_rescan_if_due(struct core *core)
{
    int64_t now = core_now(core);
    if (core->rescan_at <= now || now - core->rescanned_at >= RESCAN_EVERY_MS)
        delivery_rescan(core);
}

/* Give collected rows back (a commit failed, or they went stale): the
 * cursors go back so the next pass reads them again. */
static void
unhand(struct core *core, struct pass *p)
{
    for (size_t i = 0; i < p->n; i++) {
        int64_t id = p->h[i].msg.id;
        idset_del(&core->handed, id);
        digest_release(core, id);
        if (core->flush_from[p->h[i].adapter] > id)
            core->flush_from[p->h[i].adapter] = id;
    }
    p->n = 0;
    core->flush_clean = false;
}

/* Read and render every adapter's rows, inside the caller's transaction. */
static void
collect_all(struct core *core, struct pass *p)
{
    arena_reset(core->flush_arena);
    if (core->handouts == NULL)
        core->handouts = xcalloc(PASS_HANDOUT_MAX, sizeof(struct handout));
    *p = (struct pass){ .h = core->handouts, .complete = true };
    for (size_t i = 0; i < core->nadapters; i++)
        collect(core, i, p);
    core->due_at = next_due(core);  /* good once committed (due_changes) */
}

/* After the commit that read them: hand the rows out.  True when another
 * pass is wanted: there is more to look at, or outcomes came back during
 * the hand-out (a synchronous platform, a refusal), which the next pass
 * records, releasing the rows held for them (a channel just created). */
static bool
hand_out_pass(struct core *core, struct pass *p, int64_t changes)
{
    core->due_changes = changes;
    size_t queued = core->nreports;   /* DROP rows: no hurry */
    bool taken = hand_out(core, p);
    p->n = 0;
    core->flush_clean = taken && p->complete && !p->held;
    core->flushed_changes = changes;
    return taken && (!p->complete || core->nreports > queued);
}

/* One pass in a transaction of its own; false when the flush is done. */
static bool
flush_pass(struct core *core)
{
    /* A read-only transaction unless there are outcomes to record. */
    enum ch_status s =
        core->nreports ? delivery_begin(core) : store_begin_read(core->store);
    if (s != CH_OK)
        return false;   /* logged; the next kick or tick tries again */
    struct pass p;
    collect_all(core, &p);
    int64_t changes = store_total_changes(core->store);
    if (delivery_commit(core) != CH_OK) {
        unhand(core, &p);
        return false;
    }
    return hand_out_pass(core, &p, changes);
}

/* Give back a pass read early that will not be handed out. */
static void
early_drop(struct core *core)
{
    if (core->early_state != EARLY_NONE)
        unhand(core, core->early);
    core->early_state = EARLY_NONE;
}

/*
 * An event's transaction reads what there is to hand out before it
 * commits (the lock is held anyway), so the flush that follows the
 * event needs no transaction of its own.  The pass waits in core->early
 * until that flush, and is dropped if anything was written in between.
 */
void
delivery_collect_early(struct core *core)
{
    if (core->early == NULL)
        core->early = xcalloc(1, sizeof(*core->early));
    early_drop(core);
    collect_all(core, core->early);
    core->early_state = EARLY_COLLECTED;
}

static void
early_committed(struct core *core, bool ok)
{
    if (core->early_state != EARLY_COLLECTED)
        return;
    if (ok) {
        core->early_state = EARLY_READY;
        core->early_changes = store_total_changes(core->store);
    } else {
        early_drop(core);
    }
}

void
delivery_flush(struct core *core)
{
    bool more;
    if (core->early_state == EARLY_READY &&
        core->early_changes == store_total_changes(core->store)) {
        core->early_state = EARLY_NONE;
        more = hand_out_pass(core, core->early, core->early_changes);
    } else {
        early_drop(core);
        /* The loop flushes after every event and every kick; most find
         * nothing new, and cost nothing. */
        if (core->flush_clean && !core->record_soon &&
            outcomes_due_at(core) > core_now(core) &&
            core->flushed_changes == store_total_changes(core->store))
            return;
        more = true;
    }
    if (core->record_soon) {
        core->record_soon = false;
        more = true;
    }
    for (int pass = 0; more && pass < FLUSH_PASSES; pass++)
        more = flush_pass(core);
}
