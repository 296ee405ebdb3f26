/* The core's entry points: events in, jobs, and delivery out. */
#include "core.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "conflict.h"
#include "core_internal.h"
#include "delivery.h"
#include "holidays.h"
#include "log.h"
#include "metrics.h"
#include "prune.h"
#include "schedule.h"
#include "standup.h"
#include "str.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

#define MAX_COMMAND_BYTES (16 * 1024)
#define MAX_JOBS_PER_TICK 1000

/* --- lifecycle ---------------------------------------------------------- */

static void sync_brands(struct core *core);

enum ch_status
core_new(const char *db_path, const struct core_settings *s,
         const struct clock *clock, struct core **out, struct ch_error *err)
{
    char cerr[160];
    if (!command_compile(cerr, sizeof(cerr)))
        return ch_fail(err, CH_INTERNAL, "command table: %s", cerr);
    struct store *st;
    enum ch_status r = store_open(db_path, &st, err);
    if (r != CH_OK)
        return r;
    if (s->db_sync_normal && store_set_synchronous(st, false) != CH_OK) {
        store_close(st);
        return ch_fail(err, CH_IO, "cannot set PRAGMA synchronous=NORMAL");
    }
    struct core *core = xcalloc(1, sizeof(*core));
    core->store = st;
    core->settings = s;
    core->clock = *clock;
    core->arena = arena_new();
    core->flush_arena = arena_new();
    core->done_arena = arena_new();
    core->inband_arena = arena_new();
    core->hol = holidays_load(s);
    core->due_changes = -1;
    core->rescan_at = INT64_MAX;
    core->prune_at = core_now(core) + PRUNE_FIRST_MS;
    sync_brands(core);
    *out = core;
    return CH_OK;
}

void
core_free(struct core *core)
{
    if (core == NULL)
        return;
    delivery_outcomes_record(core); /* what adapters reported last */
    delivery_outcomes_free(core);
    free(core->handouts);
    free(core->early);
    free(core->inband);
    store_close(core->store);
    arena_free(core->arena);
    arena_free(core->flush_arena);
    arena_free(core->done_arena);
    arena_free(core->inband_arena);
    holidays_free(core->hol);
    idset_free(&core->handed);
    idset_free(&core->awaiting);
    free(core);
}

struct store *
core_store(struct core *core)
{
    return core->store;
}

int64_t
core_now(const struct core *core)
{
    return clock_now(&core->clock);
}

const struct core_settings *
core_settings(const struct core *core)
{
    return core->settings;
}

/* Brands declared in the configuration: category and exclusivity. */
static void
sync_brands(struct core *core)
{
    const struct core_settings *s = core->settings;
    if (s->nbrands == 0)
        return;
    if (delivery_begin(core) != CH_OK)
        return;
    int64_t now = core_now(core);
    for (size_t i = 0; i < s->nbrands; i++)
        store_brand_put(core->store, s->brands[i].name, s->brands[i].category,
                        s->brands[i].exclusive, now, NULL);
    delivery_commit(core);
}

void
core_set_settings(struct core *core, const struct core_settings *s)
{
    if (s->db_sync_normal != core->settings->db_sync_normal)
        store_set_synchronous(core->store, !s->db_sync_normal);
    core->settings = s;
    holidays_free(core->hol);
    core->hol = holidays_load(s);
    sync_brands(core);
    core->conflicts_checked = false;
}

void
core_set_fault(struct core *core, const char *point, int after)
{
    snprintf(core->fault, sizeof(core->fault), "%s", point ? point : "");
    core->fault_after = after;
}

/* Die here, as a power cut or kill -9 would, when a test asks to. */
static void
fault_point(struct core *core, const char *point)
{
    if (core->fault[0] == '\0' || strcmp(core->fault, point) != 0)
        return;
    if (core->fault_after-- > 0)
        return;
    log_warn("core", "fault injection: SIGKILL at %s", point);
    raise(SIGKILL);
}

/* --- platforms ---------------------------------------------------------- */

/* Give every campaign a channel on a newly attached platform, with its
 * people invited and, once kicked off, its brief and status pinned. */
static void
reconcile_channels(struct core *core, struct adapter *a)
{
    struct ctx c;
    ctx_init(&c, core, NULL);
    const char *platform = adapter_name(a);
    if (delivery_begin(c.core) != CH_OK) {
        ctx_release(&c);
        return;
    }
    int64_t *ids;
    size_t n;
    store_channel_missing(c.st, c.a, platform, &ids, &n);
    /* A channel whose creation failed for good is asked for again at
     * start: the messages held for it were kept, not lost. */
    int64_t *retry;
    size_t nretry;
    store_channel_unresolved(c.st, c.a, platform, &retry, &nretry);
    for (size_t i = 0; i < nretry; i++) {
        ctx_queue(&c, OUT_CREATE_CHANNEL, retry[i], 0, NULL);
        c.out_tail->platform = platform;
    }
    for (size_t i = 0; i < n; i++) {
        struct campaign cp;
        if (store_campaign_get(c.st, c.a, ids[i], &cp) != CH_OK)
            continue;
        struct pending *p;
        ctx_queue(&c, OUT_CREATE_CHANNEL, cp.id, 0, NULL);
        c.out_tail->platform = platform;
        struct participant *ps;
        size_t np;
        store_participant_list(c.st, c.a, cp.id, ROLE_ANY_PARTICIPANT, &ps,
                               &np);
        for (size_t j = 0; j < np; j++) {
            ctx_queue(&c, OUT_INVITE, cp.id, ps[j].person_id, NULL);
            c.out_tail->platform = platform;
        }
        if (cp.state == CAMPAIGN_DRAFT)
            continue;
        struct brief b;
        if (brief_current(&c, &cp, &b) == CH_OK) {
            struct buf text = BUF_INIT;
            brief_render(&c, &cp, &b, &text);
            p = ctx_post(&c, cp.id, NULL, "%s", buf_cstr(&text));
            p->platform = platform;
            p->pin = true;
            p->mark = MARK_BRIEF;
            buf_reset(&text);
            campaign_status_text(&c, &cp, NULL, &text);
            p = ctx_post(&c, cp.id, NULL, "Status: %s", buf_cstr(&text));
            p->platform = platform;
            p->pin = true;
            p->mark = MARK_STATUS;
            buf_free(&text);
        }
    }
    if (ctx_write_outbox(&c, NULL) == CH_OK)
        delivery_commit(c.core);
    else
        store_rollback(c.st);
    if (n)
        log_info("core", "%s: %zu campaign channel%s to create", platform, n,
                 n == 1 ? "" : "s");
    ctx_release(&c);
}

enum ch_status
core_attach(struct core *core, struct adapter *a, struct ch_error *err)
{
    enum ch_status s = adapter_check(a, err);
    if (s != CH_OK)
        return s;
    if (core->nadapters == CORE_MAX_ADAPTERS)
        return ch_fail(err, CH_INVALID, "more than %d platforms",
                       CORE_MAX_ADAPTERS);
    for (size_t i = 0; i < core->nadapters; i++)
        if (strcmp(adapter_name(core->adapters[i]), adapter_name(a)) == 0)
            return ch_fail(err, CH_INVALID, "platform %s is attached twice",
                           adapter_name(a));
    core->adapters[core->nadapters++] = a;
    delivery_rescan(core);
    reconcile_channels(core, a);
    return CH_OK;
}

struct adapter *
core_adapter(struct core *core, const char *platform)
{
    for (size_t i = 0; platform && i < core->nadapters; i++)
        if (strcmp(adapter_name(core->adapters[i]), platform) == 0)
            return core->adapters[i];
    return NULL;
}

void
core_detach(struct core *core, struct adapter *a)
{
    for (size_t i = 0; i < core->nadapters; i++) {
        if (core->adapters[i] == a) {
            memmove(&core->adapters[i], &core->adapters[i + 1],
                    (core->nadapters - i - 1) * sizeof(a));
            core->nadapters--;
            delivery_rescan(core);
            return;
        }
    }
}

/* --- inbound ------------------------------------------------------------ */

/* Refuse what no command should contain before anything is parsed. */
static enum ch_status
check_text(const char *text, struct ch_error *err)
{
    size_t len = strlen(text);
    if (len > MAX_COMMAND_BYTES)
        return ch_fail(err, CH_INVALID,
                       "that message is %zu bytes long; the limit is %d",
                       len, MAX_COMMAND_BYTES);
    long bad = utf8_invalid_at(text, len);
    if (bad >= 0)
        return ch_fail(err, CH_INVALID,
                       "that message is not valid UTF-8 (at byte %ld)", bad);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        long at = (long)(p - (const unsigned char *)text);
        if (*p == '\r')
            return ch_fail(err, CH_INVALID,
                           "that message contains a carriage return that "
                           "does not end a line (byte %ld)", at);
        if (utf8_unsendable(*p))
            return ch_fail(err, CH_INVALID,
                           "that message contains a control character "
                           "(byte %ld)", at);
    }
    return CH_OK;
}

/* Line breaks as "\r\n" (some clients, pasted text) read as "\n": a
 * carriage return kept in a title or a brief would travel into every
 * message that quotes it.  A lone one is refused by check_text. */
static const char *
crlf_to_lf(struct ctx *c, const char *text)
{
    if (strstr(text, "\r\n") == NULL)
        return text;
    char *out = arena_strdup(c->a, text), *o = out;
    for (const char *p = text; *p; p++)
        if (!(p[0] == '\r' && p[1] == '\n'))
            *o++ = *p;
    *o = '\0';
    return out;
}

static void
apply_user_info(struct ctx *c, const struct core_event *ev)
{
    struct person p;
    if (store_people_by_identity(c->st, c->a, ev->platform, ev->user_id, &p) !=
        CH_OK)
        return;
    /* A name the person was given by a mention placeholder gives way to
     * the platform's; a zone they or a coordinator chose is kept. */
    char name[256];
    str_clean_name(ev->user_name ? ev->user_name : "", name, sizeof(name), 80);
    if (name[0] && strcmp(p.name, name) != 0)
        store_people_set_name(c->st, p.id, name);
    if (ev->tz && *ev->tz && tz_valid(ev->tz) &&
        (p.tz_source == NULL || strcmp(p.tz_source, "platform") == 0) &&
        (p.tz == NULL || strcmp(p.tz, ev->tz) != 0)) {
        store_people_set_tz(c->st, p.id, ev->tz, "platform");
        ctx_audit(c, 0, NULL, "person.tz", "%s: %s (from %s)", p.name, ev->tz,
                  ev->platform);
    }
}

static void
set_caller(struct ctx *c, const struct core_event *ev)
{
    c->actor_ref = arena_printf(c->a, "%s:%s", ev->platform, ev->user_id);
    c->caller_admin = people_is_admin(c, ev->platform, ev->user_id);
    if (ev->channel_id &&
        store_campaign_by_channel(c->st, c->a, ev->platform, ev->channel_id,
                                  &c->here) == CH_OK)
        c->in_channel = true;
}

/* The refused text for its audit line, which `audit` shows in chat: cut
 * between characters, with stray bytes and control characters as '?'
 * (the text may have been refused for holding them, and \x01 would read
 * as one of notify.c's markers) and line breaks as spaces. */
static void
refused_excerpt(const char *text, char *out, size_t outlen)
{
    size_t o = 0, len = strlen(text);
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)text[i];
        size_t n = utf8_char_len(text + i, len - i);   /* 0: a stray byte */
        if (o + (n ? n : 1) >= outlen)
            break;
        if (n == 0 || ch == 0x7f || (ch < 0x20 && !strchr("\t\n\r", ch))) {
            out[o++] = '?';
        } else if (ch < 0x20) {
            out[o++] = ' ';
        } else {
            memcpy(out + o, text + i, n);
            o += n;
        }
        i += n ? n : 1;
    }
    out[o] = '\0';
}

/* Commit an event's transaction, its in-band answer held back for the
 * caller when there is one to hand it to. */
static enum ch_status
commit_event(struct ctx *c, const struct core_event *ev,
             struct core_result *res, bool inband)
{
    if (inband)
        delivery_inband_want(c->core, ev->platform, res->reply_id,
                             c->button_update ? c->button_update->id : 0);
    delivery_collect_early(c->core);
    if (inband)
        delivery_inband_take(c->core, res);
    enum ch_status s = delivery_commit(c->core);
    if (s != CH_OK && inband)
        delivery_inband_drop(c->core, res);
    return s;
}

/* The refusal path: nothing but the dedupe mark, an audit line and the
 * reply survive a refused command: nothing else is recorded for it. */
static enum ch_status
refuse(struct ctx *c, const struct core_event *ev, enum ch_status why,
       struct core_result *res, bool inband)
{
    store_rollback(c->st);
    struct ch_error err = c->err;
    if (err.user[0] == '\0')
        ch_fail(&err, why, "that did not work (%s)", ch_strerror(why));
    int64_t campaign_id = c->cmd && c->cmd->campaign ? c->cmd->campaign->id
                          : c->in_channel            ? c->here.id
                                                     : 0;
    c->out_head = c->out_tail = NULL;
    c->button_update = NULL;
    buf_reset(&c->reply);
    buf_reset(&c->reply_after);
    c->has_caller = store_people_by_identity(c->st, c->a, ev->platform,
                                             ev->user_id, &c->caller) == CH_OK;
    /* A campaign created in the rolled-back transaction is gone too. */
    struct campaign check;
    if (campaign_id &&
        store_campaign_get(c->st, c->a, campaign_id, &check) != CH_OK)
        campaign_id = 0;
    enum ch_status s = delivery_begin(c->core);
    if (s != CH_OK)
        return s;
    if (ev->event_id)
        store_inbound_mark(c->st, ev->platform, ev->event_id, c->now);
    char text[200];
    refused_excerpt(ev->text ? ev->text : "", text, sizeof(text));
    ctx_audit(c, campaign_id, NULL, "refused", "%s: %s", text, err.user);
    ctx_reply(c, "%s", err.user);
    s = ctx_write_outbox(c, &res->reply_id);
    if (s != CH_OK) {
        store_rollback(c->st);
        return s;
    }
    return commit_event(c, ev, res, inband);
}

/* --- buttons and retries --------------------------------------------------
 *
 * A button press (via_message) acts only when its command is one of the
 * buttons chorus put on that message (a button with a prompt: its
 * command, then the text the platform asked for), and only once: the
 * first successful press records who acted and when on the message's
 * outbox row, in the press's own transaction, and strips the buttons.
 * A later press -- a double click, a click after a restart -- answers
 * "Already done by @x at <time>" and records nothing.  A refused press
 * leaves the buttons to someone who may act.
 *
 * Retries.  When chorus dies between a command's commit and its answer
 * reaching the caller, the caller saw a failure (Slack's ack never came,
 * Discord's interaction failed, the console printed nothing) and may
 * type the command again.  Every successful command that changes state
 * (not the read_only ones of cmd_table.c) is kept in commands_recent with
 * its reply's outbox id; the same text from the same person, in the same
 * place, within RETRY_WINDOW_MS, while that reply is not known to have
 * been seen, answers "Already done at <time>: <the reply>" and applies
 * nothing.
 *
 * "Seen" (delivery_await_answer()): the platform reported the reply
 * delivered (core_delivered() with CH_OK) on the path it was first
 * handed to, in the process that ran the command: Slack's ack (or the
 * message it posted for a DM or a mention), Discord's interaction
 * callback, the console's print; for a caller that passes no
 * core_result, the flush's first hand-out of the reply.  A reply handed
 * back (CH_BUSY: the ack could not carry it) or failed is not seen, even
 * when the outbox delivers it later: the caller saw a failure first.
 * After a restart the outbox delivers the unanswered reply, late; that
 * does not count either.  A delivery reported but not yet recorded when
 * chorus dies counts as unseen: "already done" is the safe side.  A
 * command whose answer was seen runs again: a deliberate repeat.
 */

#define RETRY_WINDOW_MS (10 * MS_PER_MIN)

/* Whitespace runs as one space, none at the ends, no "/campaign". */
static const char *
normalized(struct ctx *c, const char *text)
{
    struct buf b = BUF_INIT;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " \t\r\n");
        if (n) {
            if (b.len)
                buf_addc(&b, ' ');
            buf_add(&b, p, n);
        }
        p += n;
        p += strspn(p, " \t\r\n");
    }
    const char *out = arena_strdup(c->a, buf_cstr(&b));
    buf_free(&b);
    for (int i = 0; i < 2; i++) {
        const char *lead = i ? "campaign " : "/campaign ";
        if (strncmp(out, lead, strlen(lead)) == 0)
            return out + strlen(lead);
    }
    return out;
}

/* The key of a command in commands_recent: its text, and where. */
static const char *
recent_key(struct ctx *c, const struct core_event *ev, const char *text)
{
    const char *t = normalized(c, text);
    return ev->channel_id ? arena_printf(c->a, "in %s: %s", ev->channel_id, t)
                          : t;
}

/* Whether text runs one of the buttons (ctx_buttons_encode()). */
static bool
is_button_of(struct ctx *c, const char *buttons, const char *text,
             struct buf *labels)
{
    struct out_button b[OUT_MAX_BUTTONS];
    size_t n = delivery_buttons_decode(c->a, buttons, b);
    for (size_t i = 0; i < n; i++) {
        const char *cmd = normalized(c, b[i].command);
        size_t len = strlen(cmd);
        if (strncmp(text, cmd, len) == 0 &&
            (text[len] == '\0' || (b[i].prompt && text[len] == ' ')))
            return true;
        buf_printf(labels, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
                   b[i].label);
    }
    return false;
}

/* A button press: the message it was on must be chorus's, carry that
 * command as a button and not have been acted on.  *done when the reply
 * ("already done by") is all there is to say. */
static enum ch_status
check_press(struct ctx *c, const struct core_event *ev, const char *text,
            struct outbox_row *row, bool *done)
{
    if (store_outbox_by_platform_ref(c->st, c->a, ev->platform,
                                     ev->via_message, row) != CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "chorus does not know the message that button was "
                       "on, so nothing was done; type the command instead");
    if (row->acted_at) {
        ctx_reply(c, "Already done by %s at %s.",
                  ctx_mark_person(c, row->acted_by),
                  ctx_time_for_caller(c, row->acted_at));
        *done = true;
        return CH_OK;
    }
    struct buf labels = BUF_INIT;
    bool ok = is_button_of(c, row->buttons, normalized(c, text), &labels);
    enum ch_status s = CH_OK;
    if (!ok && labels.len == 0)
        s = ch_fail(&c->err, CH_INVALID,
                    "that message has no buttons, so nothing was done");
    else if (!ok)
        s = ch_fail(&c->err, CH_INVALID,
                    "\"%.60s\" is not one of that message's buttons (%s), "
                    "so nothing was done", normalized(c, text),
                    buf_cstr(&labels));
    buf_free(&labels);
    return s;
}

/* The same command from the same person, lately, its answer unseen:
 * say it is done instead of doing it again.  *done when so. */
static enum ch_status
check_retry(struct ctx *c, const struct core_event *ev, const char *key,
            bool *done)
{
    struct recent_command rc;
    enum ch_status s =
        store_inbound_recent_find(c->st, ev->platform, ev->user_id, key,
                                  c->now - RETRY_WINDOW_MS, &rc);
    if (s == CH_NOT_FOUND || (s == CH_OK && rc.answered))
        return CH_OK;
    if (s != CH_OK)
        return ch_fail(&c->err, s, "chorus could not check that command "
                       "against the last ones; please try again");
    struct outbox_row reply;
    bool said = rc.reply_id &&
                store_outbox_get(c->st, c->a, rc.reply_id, &reply) == CH_OK &&
                reply.text;
    ctx_reply(c, "Already done at %s%s%s", ctx_time_for_caller(c, rc.at),
              said ? ": " : ".", said ? reply.text : "");
    *done = true;
    return CH_OK;
}

/* A direct message that answers a standup ("green", "#2 red, #3
 * green"), or that is no command from someone with a standup open,
 * is her answer: the standup's own command reads it (and explains the
 * forms when it cannot). */
static const char *
standup_route(struct ctx *c, const char *text)
{
    if (c->ev->kind != CORE_EV_DM || c->ev->via_message || !c->has_caller)
        return text;
    struct su_answer a;
    if (standup_parse(c->a, text, &a) ||
        (!command_is_known(text) &&
         standup_has_open_prompt(c, c->caller.id)))
        return arena_printf(c->a, "standup reply %s", text);
    return text;
}

/* A pressed button's message shows who acted and loses its buttons. */
static enum ch_status
mark_button_message(struct ctx *c, const struct core_event *ev,
                    const struct outbox_row *row)
{
    enum ch_status s = store_outbox_acted(c->st, row->id, c->caller.id,
                                          c->now);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "that message's buttons were used "
                       "already, so nothing was done");
    char verb[24];
    snprintf(verb, sizeof(verb), "%s", normalized(c, ev->text));
    verb[strcspn(verb, " ")] = '\0';
    c->button_update =
        ctx_queue_update(c, ev->platform, row->id,
                         arena_printf(c->a, "%s\n→ %s by %s", row->text, verb,
                                      ctx_mark_person(c, c->caller.id)));
    return CH_OK;
}

static const char *
event_kind_name(enum core_event_kind k)
{
    switch (k) {
    case CORE_EV_COMMAND:   return "command";
    case CORE_EV_DM:        return "dm";
    case CORE_EV_MESSAGE:   return "message";
    case CORE_EV_USER_INFO: return "user_info";
    }
    return "other";
}

enum ch_status
core_handle_event(struct core *core, const struct core_event *ev,
                  struct core_result *res)
{
    struct core_result dummy;
    bool inband = res != NULL;   /* else the flush answers */
    if (res == NULL)
        res = &dummy;
    memset(res, 0, sizeof(*res));
    if (ev->platform == NULL || ev->user_id == NULL || !*ev->user_id) {
        log_warn("core", "event without platform or user ignored");
        return res->status = CH_INVALID;
    }
    struct ctx c;
    ctx_init(&c, core, ev);
    const char *text = ev->text ? ev->text : "";
    enum ch_status s = delivery_begin(c.core);
    if (s != CH_OK) {
        ctx_release(&c);
        return res->status = s;
    }
    if (ev->event_id) {
        s = store_inbound_mark(c.st, ev->platform, ev->event_id, c.now);
        if (s != CH_OK) {
            store_rollback(c.st);
            if (s == CH_DUPLICATE)
                log_info("core", "event %s:%s already applied; ignored",
                         ev->platform, ev->event_id);
            ctx_release(&c);
            return res->status = s;
        }
    }
    set_caller(&c, ev);
    metrics_count("chorus_events_total", "kind", event_kind_name(ev->kind), 1);
    if (ev->kind == CORE_EV_USER_INFO) {
        apply_user_info(&c, ev);
        s = delivery_commit(c.core);
        ctx_release(&c);
        return res->status = s;
    }

    text = crlf_to_lf(&c, text);
    s = check_text(text, &c.err);
    if (s == CH_OK)
        s = people_for_identity(&c, ev->platform, ev->user_id, ev->user_name,
                                &c.caller);
    if (s == CH_OK) {
        c.has_caller = true;
        c.caller_zone = ctx_person_zone(&c, &c.caller);
        if (c.caller.preferred_platform == NULL ||
            strcmp(c.caller.preferred_platform, ev->platform) != 0)
            store_people_set_preferred(c.st, c.caller.id, ev->platform);
    }
    /* done: the reply says it all (a button already used, a retry). */
    bool done = false;
    struct outbox_row pressed = { 0 };
    if (s == CH_OK && ev->via_message)
        s = check_press(&c, ev, text, &pressed, &done);
    const char *key = recent_key(&c, ev, text);
    if (s == CH_OK && !done)
        s = check_retry(&c, ev, key, &done);
    if (s == CH_OK && !done)
        s = command_run(&c, standup_route(&c, text));
    if (s == CH_OK && !done && ev->via_message &&
        !c.cmd->form->spec->keeps_buttons)
        s = mark_button_message(&c, ev, &pressed);
    if (s == CH_OK)
        s = ctx_write_outbox(&c, &res->reply_id);
    bool remember = s == CH_OK && !done && c.cmd &&
                    !c.cmd->form->spec->read_only;
    if (remember)
        s = store_inbound_recent_add(c.st, ev->platform, ev->user_id, key,
                                     c.now, res->reply_id,
                                     c.now - RETRY_WINDOW_MS);
    if (s == CH_OK) {
        fault_point(core, "event-before-commit");
        s = commit_event(&c, ev, res, inband);
    }
    if (s == CH_OK) {
        if (remember)
            delivery_await_answer(core, res->reply_id);
        fault_point(core, "event-after-commit");
    }
    const char *verb = c.cmd ? c.cmd->form->spec->name : "-";
    if (s == CH_OK && done) {
        log_info("core", "%s %s: already done: %s", ev->platform,
                 c.actor_ref, text);
        s = ev->via_message && pressed.acted_at ? CH_CONFLICT : CH_OK;
        ctx_release(&c);
        return res->status = s;
    }
    if (s == CH_OK) {
        log_info("core", "%s %s: %s ok", ev->platform, c.actor_ref, verb);
    } else {
        log_info("core", "%s %s: %s refused (%s): %s", ev->platform,
                 c.actor_ref, verb, ch_strerror(s), c.err.user);
        enum ch_status r = refuse(&c, ev, s, res, inband);
        if (r != CH_OK)
            log_error("core", "could not record a refusal: %s",
                      ch_strerror(r));
    }
    ctx_release(&c);
    return res->status = s;
}

/* --- jobs --------------------------------------------------------------- */

int
core_tick(struct core *core)
{
    int ran = 0;
    /* Conflicts are checked when something changes, and once when chorus
     * starts (or its configuration changed), with the platforms
     * attached: the first tick. */
    if (!core->conflicts_checked) {
        core->conflicts_checked = true;
        conflict_startup(core);
    }
    delivery_rescan_if_due(core);
    /* Most ticks are for a retry or an outcome to record, not a job:
     * those take no transaction here. */
    while (ran < MAX_JOBS_PER_TICK &&
           store_jobs_next_due(core->store) <= core_now(core)) {
        struct ctx c;
        ctx_init(&c, core, NULL);
        if (delivery_begin(c.core) != CH_OK) {
            ctx_release(&c);
            break;
        }
        struct job j;
        enum ch_status s = store_jobs_next(c.st, c.a, c.now, &j);
        if (s != CH_OK) {
            delivery_commit(c.core); /* the outcomes it recorded */
            ctx_release(&c);
            break;
        }
        /* Deleting the job and applying its effect commit together:
         * exactly one effect whatever instant a crash comes at. */
        s = store_jobs_delete(c.st, j.due_at, j.id);
        if (s == CH_OK)
            s = schedule_run(&c, &j);
        if (s == CH_OK)
            s = ctx_write_outbox(&c, NULL);
        if (s == CH_OK) {
            fault_point(core, "job-before-commit");
            s = delivery_commit(c.core);
        }
        if (s == CH_OK)
            fault_point(core, "job-after-commit");
        if (s != CH_OK) {
            store_rollback(c.st);
            log_error("schedule", "job %lld (%s) failed: %s; retrying in a "
                      "minute", (long long)j.id, j.kind, ch_strerror(s));
            store_jobs_postpone(c.st, j.due_at, j.id, c.now + MS_PER_MIN);
            ctx_release(&c);
            break;
        }
        ran++;
        ctx_release(&c);
    }
    if (core_now(core) >= core->prune_at && !store_in_txn(core->store))
        core->prune_at = prune_run(core, core_now(core));
    return ran;
}

/* --- delivery (delivery.c) --------------------------------------------- */

void
core_delivered(struct core *core, int64_t msg_id, enum ch_status status,
               const char *platform_ref, int64_t retry_after_ms,
               const char *error)
{
    delivery_report(core, msg_id, status, platform_ref, retry_after_ms,
                    error);
}

void
core_deliver_result(struct core *core, const struct core_result *res)
{
    delivery_inband_deliver(core, res);
}

void
core_flush(struct core *core)
{
    delivery_flush(core);
}

int64_t
core_outbox_backlog(struct core *core)
{
    return delivery_backlog(core);
}

int64_t
core_next_due(struct core *core)
{
    return delivery_next_due(core);
}
