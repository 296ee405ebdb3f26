/*
 * discord_interactions: answering interactions within their 3-second
 * window, and the queue that hands inbound events to the core in order
 * (see discord.c for the design).
 */
#include "discord.h"
#include "discord_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"
#include "core.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

/* ---- interactions -------------------------------------------------------- */

static struct ix *
ix_find(struct discord *d, const char *id)
{
    for (struct ix *ix = d->ix_tail; ix; ix = ix->prev)
        if (strcmp(ix->id, id) == 0)
            return ix;
    return NULL;
}

struct ix *
discord_interactions_by_reply(struct discord *d, int64_t reply_id)
{
    for (struct ix *ix = d->ix_tail; ix; ix = ix->prev)
        if (ix->reply_id == reply_id && reply_id)
            return ix;
    return NULL;
}

static void
ix_unlink(struct ix *ix)
{
    struct discord *d = ix->d;
    if (ix->prev)
        ix->prev->next = ix->next;
    else
        d->ix_head = ix->next;
    if (ix->next)
        ix->next->prev = ix->prev;
    else
        d->ix_tail = ix->prev;
    d->nix--;
}

void
discord_interactions_free(struct ix *ix)
{
    struct discord *d = ix->d;
    struct job *w = ix->waiting;
    ix->waiting = NULL;
    ix_unlink(ix);
    /* Only a forced free (expiry, the cap) leaves users behind. */
    for (struct job *j = d->jobs; ix->refs > 0 && j; j = j->next)
        if (j->ix == ix) {
            j->ix = NULL;
            ix->refs--;
        }
    for (struct inbound *in = d->retry_head; ix->refs > 0 && in;
         in = in->next)
        if (in->ix == ix) {
            in->ix = NULL;
            ix->refs--;
        }
    discord_jobs_body_free(&ix->col_reply);
    discord_jobs_body_free(&ix->col_update);
    if (ix->token) {
        memset(ix->token, 0, strlen(ix->token));
        free(ix->token);
    }
    free(ix);
    /* Follow-ups that can no longer use the webhook go by DM. */
    while (w) {
        struct job *next = w->wnext;
        w->wnext = NULL;
        if (d->rest && !d->stopping)
            discord_jobs_fallback_to_dm(w, "the interaction expired");
        w = next;
    }
}

/* Free an interaction nothing more is expected of. */
void
discord_interactions_settle(struct ix *ix)
{
    if (ix->busy || ix->waiting || ix->refs > 0 || ix->cb == CB_NONE ||
        ix->cb == CB_SENDING || ix->expect_reply)
        return;
    discord_interactions_free(ix);
}

void
discord_interactions_waiting_add(struct ix *ix, struct job *j)
{
    j->wnext = NULL;
    struct job **pp = &ix->waiting;
    while (*pp)
        pp = &(*pp)->wnext;
    *pp = j;
}

static void
ix_release_waiting(struct ix *ix)
{
    struct job *j = ix->waiting;
    ix->waiting = NULL;
    while (j) {
        struct job *next = j->wnext;
        j->wnext = NULL;
        discord_jobs_step(j);
        j = next;
    }
}

/* A follow-up job carrying body (taken) for interaction ix. */
static struct job *
followup_job(struct ix *ix, struct body *b, size_t first_part)
{
    struct job *j = discord_jobs_new(ix->d, J_FOLLOWUP, b->id);
    j->ix = ix;
    ix->refs++;
    j->body = *b;
    memset(b, 0, sizeof(*b));
    j->part = first_part;
    snprintf(j->user, sizeof(j->user), "%s", ix->user);
    return j;
}

static void inbound_wake(struct discord *d);

static void
on_callback(void *arg, const struct rest_result *r)
{
    struct ix *ix = arg;
    struct discord *d = ix->d;
    ix->busy = false;
    if (r->cancelled)
        return;     /* stopping: what it carried stays in the outbox */
    int64_t id = ix->cb_delivers;
    ix->cb_delivers = 0;
    struct job *rest = ix->cb_rest;
    ix->cb_rest = NULL;
    struct body resend = ix->col_reply;
    bool had_resend = ix->collected_reply;
    memset(&ix->col_reply, 0, sizeof(ix->col_reply));
    ix->collected_reply = false;
    /* 40060: acknowledged already (a retry of a callback that got
     * through): as good as done. */
    bool ok = r->ch == CH_OK || (r->status == 400 && r->code == 40060);
    if (ok) {
        ix->cb = CB_DONE;
        char ref[DC_REF_LEN] = "";
        const cJSON *msg = json_get(json_get(r->json, "resource"), "message");
        char mid[DC_ID_LEN];
        if (ix->cb_ref_is_via)
            snprintf(ref, sizeof(ref), "%s", ix->via);
        else if (discord_events_id(msg, "id", mid))
            snprintf(ref, sizeof(ref), "%s:%s", ix->channel, mid);
        if (rest) {
            /* More parts follow; that job reports the whole reply. */
            snprintf(rest->first_ref, sizeof(rest->first_ref), "%s", ref);
            snprintf(rest->last_ref, sizeof(rest->last_ref), "%s", ref);
            discord_jobs_step(rest);
        } else if (id) {
            if (id == ix->reply_id)
                ix->expect_reply = false;
            discord_delivered(d, id, CH_OK, ref[0] ? ref : NULL, NULL);
        }
    } else {
        ix->cb = CB_GONE;
        log_info("discord", "interaction %s: callback type %d refused: %s",
                 ix->id, ix->cb_type, r->error ? r->error : "?");
        if (rest) {
            /* Nothing was shown: the whole reply goes by DM. */
            rest->part = 0;
            rest->first_ref[0] = rest->last_ref[0] = '\0';
            discord_jobs_fallback_to_dm(rest, "the callback was refused");
        } else if (had_resend && resend.nparts) {
            struct job *j = followup_job(ix, &resend, 0);
            discord_jobs_fallback_to_dm(j, "the interaction window is gone");
        } else if (id) {
            /* An edit that could not ride the callback: the outbox
             * offers it again, as a plain edit. */
            discord_delivered(d, id, CH_BUSY, NULL,
                              "interaction callback refused");
        }
    }
    discord_jobs_body_free(&resend);
    ix_release_waiting(ix);
    inbound_wake(d);
    discord_interactions_settle(ix);
}

/* Send callback type with data (taken), reporting outbox row `delivers`
 * when it succeeds. */
static void
ix_callback(struct ix *ix, int type, cJSON *data, int64_t delivers,
            bool ref_is_via)
{
    struct discord *d = ix->d;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "type", type);
    if (data)
        cJSON_AddItemToObject(o, "data", data);
    /* The message id comes back only when asked for, and is needed only
     * to find the message again: one with buttons (a click marks it),
     * or the first part of a reply that follow-ups complete.  Asking
     * for it on every reply would have Discord render each message back. */
    bool want_message = type == 4 && (ix->cb_rest != NULL ||
                                      cJSON_GetObjectItem(data, "components"));
    char *body = discord_jobs_print_free(o);
    char path[512];
    snprintf(path, sizeof(path), "/interactions/%s/%s/callback%s", ix->id,
             ix->token, want_message ? "?with_response=true" : "");
    ix->cb = CB_SENDING;
    ix->cb_type = type;
    ix->cb_delivers = delivers;
    ix->cb_ref_is_via = ref_is_via;
    ix->busy = true;
    discord_rest_send(d->rest, HTTP_POST, path, body, REST_NO_AUTH | REST_BURST,
                      NULL, on_callback, ix);
    free(body);
}

static void
ix_defer(struct ix *ix)
{
    if (ix->cb != CB_NONE || ix->d->rest == NULL)
        return;
    if (ix->type == 3) {
        ix_callback(ix, 6, NULL, 0, false);
        return;
    }
    cJSON *data = cJSON_CreateObject();
    cJSON_AddNumberToObject(data, "flags", 64);
    ix_callback(ix, 5, data, 0, false);
}

/* Answer ix with a reply body (taken). */
void
discord_interactions_reply(struct ix *ix, struct body *b)
{
    if (ix->cb == CB_NONE) {
        cJSON *data = discord_jobs_message_json(b, 0, true, false);
        struct job *rest = NULL;
        if (b->nparts > 1) {
            /* The buttons ride the last part, a follow-up. */
            cJSON_DeleteItemFromObject(data, "components");
            rest = followup_job(ix, b, 1);
            rest->first_ref[0] = '\0';
        }
        int64_t id = b->id;
        if (rest == NULL) {
            ix->col_reply = *b;    /* kept to resend if the window is gone */
            memset(b, 0, sizeof(*b));
            ix->collected_reply = true;
        }
        ix->cb_rest = rest;
        ix_callback(ix, 4, data, rest ? 0 : id, false);
        return;
    }
    struct job *j = followup_job(ix, b, 0);
    discord_jobs_step(j);
}

static void reply_now(struct ix *ix, const char *text);

/* Answer the interaction from the core's in-band answer. */
static void
ix_answer(struct ix *ix)
{
    struct discord *d = ix->d;
    bool clicked = ix->via[0] && (ix->type == 3 || ix->type == 5);
    if (ix->collected_update && clicked && ix->cb == CB_NONE) {
        struct body *u = &ix->col_update;
        struct body one = *u;
        one.nparts = 1;
        cJSON *data = discord_jobs_message_json(&one, 0, false, true);
        cJSON_DeleteItemFromObject(data, "allowed_mentions");
        ix_callback(ix, 7, data, u->id, true);
        discord_jobs_body_free(u);
        ix->collected_update = false;
        if (ix->collected_reply) {
            ix->collected_reply = false;
            struct job *j = followup_job(ix, &ix->col_reply, 0);
            discord_jobs_step(j); /* waits for the callback */
        }
        return;
    }
    if (ix->collected_update) {
        ix->collected_update = false;
        struct job *j = discord_jobs_new(d, J_UPDATE, ix->col_update.id);
        discord_split_ref(ix->via, j->channel, j->target);
        j->body = ix->col_update;
        memset(&ix->col_update, 0, sizeof(ix->col_update));
        discord_jobs_step(j);
    }
    if (ix->collected_reply) {
        ix->collected_reply = false;
        struct body b = ix->col_reply;
        memset(&ix->col_reply, 0, sizeof(ix->col_reply));
        discord_interactions_reply(ix, &b);
        discord_jobs_body_free(&b);
        return;
    }
    /* The core had nothing to say: acknowledge, so nothing hangs. */
    if (ix->cb == CB_NONE && !ix->expect_reply) {
        if (ix->type == 3)
            ix_callback(ix, 6, NULL, 0, false);
        else
            reply_now(ix, "Done.");
    }
}

void
discord_interactions_on_defer_timer(void *arg)
{
    struct discord *d = arg;
    int64_t now = discord_now(d);
    int64_t next = INT64_MAX;
    for (struct ix *ix = d->ix_head, *nx; ix; ix = nx) {
        nx = ix->next;
        if (ix->cb == CB_NONE) {
            if (now - ix->received >= d->defer_ms)
                ix_defer(ix);
            else if (ix->received + d->defer_ms < next)
                next = ix->received + d->defer_ms;
        } else if (now - ix->received > IX_KEEP_MS && !ix->busy) {
            /* The token is dead: nothing can use this any more. */
            discord_interactions_free(ix);
        }
    }
    if (next == INT64_MAX && d->nix)
        next = now + 60000;
    d->defer_due = next == INT64_MAX ? 0 : next;
    if (d->defer_due)
        loop_timer_arm(d->defer_timer, next - now);
}

static struct ix *
ix_new(struct discord *d, const char *id, const char *token, int type)
{
    if (d->nix >= MAX_IX) {
        /* The oldest settled-or-not record goes; a late reply to it is
         * sent as a direct message. */
        struct ix *old = d->ix_head;
        while (old && old->busy)
            old = old->next;
        if (old)
            discord_interactions_free(old);
    }
    struct ix *ix = xcalloc(1, sizeof(*ix));
    ix->d = d;
    snprintf(ix->id, sizeof(ix->id), "%s", id);
    ix->token = xstrdup(token);
    ix->type = type;
    ix->received = discord_now(d);
    ix->prev = d->ix_tail;
    if (d->ix_tail)
        d->ix_tail->next = ix;
    else
        d->ix_head = ix;
    d->ix_tail = ix;
    d->nix++;
    int64_t due = ix->received + d->defer_ms;
    if (d->defer_due == 0 || due < d->defer_due) {
        d->defer_due = due;
        loop_timer_arm(d->defer_timer, d->defer_ms);
    }
    return ix;
}

/* ---- inbound: to the core, in order -------------------------------------- */

void
discord_interactions_inbound_free(struct inbound *in)
{
    if (in->ix)
        in->ix->refs--;
    for (size_t i = 0; i < sizeof(in->strs) / sizeof(in->strs[0]); i++)
        free(in->strs[i]);
    free(in);
}

static const char *
keep(struct inbound *in, size_t slot, const char *s)
{
    in->strs[slot] = s ? xstrdup(s) : NULL;
    return in->strs[slot];
}

static void
inbound_wake(struct discord *d)
{
    if (d->retry_head)
        loop_timer_arm(d->retry_timer, 0);
}

/* Hand one event to the core; false when the database was busy. */
static bool
deliver_event(struct discord *d, struct inbound *in)
{
    struct core_result res;
    struct ix *ix = in->ix;
    enum ch_status s = core_handle_event(d->env.core, &in->ev, &res);
    if (s == CH_BUSY && res.reply_id == 0) {
        if (ix)
            ix_defer(ix);
        return false;
    }
    if (s == CH_DUPLICATE) {
        log_debug("discord", "event %s already applied", in->ev.event_id);
        if (ix) {
            ix->expect_reply = false;
            if (ix->cb == CB_NONE)
                ix->cb = CB_DONE;   /* answered when it first came */
            discord_interactions_settle(ix);
        }
        discord_kick(d);
        return true;
    }
    if (ix) {
        ix->reply_id = res.reply_id;
        ix->expect_reply = res.reply_id != 0;
        /* The core's answer, handed back with the event, answers the
         * interaction: the reply, and the edit of the clicked message. */
        if (res.reply) {
            discord_jobs_body_from(d, res.reply, NULL, &ix->col_reply);
            ix->collected_reply = true;
            res.reply = NULL;
        }
        if (res.update && ix->via[0] && res.update->ref &&
            strcmp(res.update->ref, ix->via) == 0) {
            discord_jobs_body_from(d, res.update, NULL, &ix->col_update);
            ix->collected_update = true;
            res.update = NULL;
        }
        ix_answer(ix);
        discord_interactions_settle(ix);
    }
    core_deliver_result(d->env.core, &res);   /* a message's, as jobs */
    discord_kick(d);
    return true;
}

void
discord_interactions_inbound_run(struct discord *d)
{
    int64_t now = discord_now(d);
    while (d->retry_head && !d->stopping) {
        struct inbound *in = d->retry_head;
        if (in->ix && in->ix->cb == CB_SENDING && now < in->hold_until) {
            loop_timer_arm(d->retry_timer, in->hold_until - now);
            return;
        }
        if (!deliver_event(d, in)) {
            int64_t wait = backoff_next(&d->retry_backoff);
            log_warn("discord", "the database is busy; %zu event%s wait "
                     "(retry in %lld ms)", d->nretry,
                     d->nretry == 1 ? "" : "s", (long long)wait);
            loop_timer_arm(d->retry_timer, wait);
            return;
        }
        backoff_reset(&d->retry_backoff);
        d->retry_head = in->next;
        if (d->retry_head == NULL)
            d->retry_tail = &d->retry_head;
        d->nretry--;
        struct ix *ix = in->ix;
        discord_interactions_inbound_free(in);
        if (ix)
            discord_interactions_settle(ix);
    }
}

void
discord_interactions_on_retry_timer(void *arg)
{
    discord_interactions_inbound_run(arg);
}

/* Take an event (its strings are copied) and run it now, or after the
 * ones already waiting. */
static void
inbound_submit(struct discord *d, const struct core_event *ev, struct ix *ix,
               int64_t hold_ms)
{
    if (d->nretry >= MAX_INBOUND) {
        log_error("discord", "%zu events wait for the database; dropping "
                  "%s", d->nretry, ev->event_id ? ev->event_id : "one");
        return;
    }
    struct inbound *in = xcalloc(1, sizeof(*in));
    in->ev.kind = ev->kind;
    in->ev.platform = "discord";
    in->ev.event_id = keep(in, 0, ev->event_id);
    in->ev.user_id = keep(in, 1, ev->user_id);
    in->ev.user_name = keep(in, 2, ev->user_name);
    in->ev.channel_id = keep(in, 3, ev->channel_id);
    in->ev.text = keep(in, 4, ev->text);
    in->ev.via_message = keep(in, 5, ev->via_message);
    in->ix = ix;
    if (ix)
        ix->refs++;
    in->hold_until = discord_now(d) + hold_ms;
    *d->retry_tail = in;
    d->retry_tail = &in->next;
    d->nretry++;
    discord_interactions_inbound_run(d);
}

/* ---- inbound: interactions ----------------------------------------------- */

static void
reply_now(struct ix *ix, const char *text)
{
    struct body b = { 0 };
    discord_jobs_split_text(text, NULL, &b);
    discord_interactions_reply(ix, &b);
    discord_jobs_body_free(&b);
}

/* Who acted, in a guild (member.user) or a DM (user). */
static const cJSON *
actor(const cJSON *x, const char **nick)
{
    const cJSON *member = json_get(x, "member");
    *nick = json_string(member, "nick");
    const cJSON *u = json_get(member, "user");
    return u ? u : json_get(x, "user");
}

static const char *
display_name(const cJSON *user, const char *nick)
{
    if (nick && *nick)
        return nick;
    const char *g = json_string(user, "global_name");
    return g && *g ? g : json_string(user, "username");
}

/* The button behind a button's or a modal's custom_id into *out (free it
 * with discord_jobs_button_forget()): "c|cmd"; "p|cmd|prompt", or
 * "r|cmd|prompt" for a form with the rubric, either with an "o" after
 * the letter when the text may be left empty; "k|key" from the table;
 * "m|cmd" or "mk|key" for a modal. */
static bool
decode_button(struct discord *d, const char *cid, bool modal,
              struct dc_button *out)
{
    memset(out, 0, sizeof(*out));
    if (modal) {
        if (cid[0] != 'm')
            return false;
        cid++;      /* "m|cmd" reads as "|cmd", "mk|n" as "k|n" */
        if (cid[0] == '|' && cid[1]) {
            out->command = xstrdup(cid + 1);
            return true;
        }
    }
    if (!modal && strncmp(cid, "c|", 2) == 0 && cid[2]) {
        out->command = xstrdup(cid + 2);
        return true;
    }
    if (!modal && (cid[0] == 'p' || cid[0] == 'r')) {
        const char *f = cid + 1;
        out->rubric = cid[0] == 'r';
        out->optional = *f == 'o';
        f += out->optional;
        const char *bar = *f == '|' ? strchr(f + 1, '|') : NULL;
        if (bar == NULL || bar == f + 1)
            return false;
        out->command = xstrndup(f + 1, (size_t)(bar - f - 1));
        out->prompt = xstrdup(bar + 1);
        return true;
    }
    if (strncmp(cid, "k|", 2) == 0) {
        char *end;
        unsigned long key = strtoul(cid + 2, &end, 10);
        for (size_t i = 0; *end == '\0' && i < DC_BUTTONS; i++) {
            const struct dc_button *k = &d->buttons[i];
            if (k->command && k->key == key) {
                out->command = xstrdup(k->command);
                out->prompt = k->prompt ? xstrdup(k->prompt) : NULL;
                out->rubric = k->rubric;
                out->optional = k->optional;
                return true;
            }
        }
    }
    return false;
}

/* The rubric in a modal: a short text input for the failed points.  The
 * protocol this adapter follows (legacy components, no Components V2)
 * puts only text inputs in a modal, so the points are typed, not
 * picked: "visible, engagement". */
static void
add_rubric_row(cJSON *rows)
{
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "type", 1);
    cJSON *kids = cJSON_AddArrayToObject(row, "components");
    cJSON *input = cJSON_CreateObject();
    struct buf ph = BUF_INIT;
    for (size_t i = 0; i < ADAPTER_RUBRIC_POINTS; i++)
        buf_printf(&ph, "%s%s", i ? ", " : "Failed points, any of: ",
                   adapter_rubric[i].word);
    cJSON_AddNumberToObject(input, "type", 4);
    cJSON_AddStringToObject(input, "custom_id", "fail");
    cJSON_AddStringToObject(input, "label", "Which rubric points failed?");
    cJSON_AddNumberToObject(input, "style", 1);
    cJSON_AddFalseToObject(input, "required");
    cJSON_AddStringToObject(input, "placeholder", buf_cstr(&ph));
    cJSON_AddNumberToObject(input, "max_length", 60);
    buf_free(&ph);
    cJSON_AddItemToArray(kids, input);
    cJSON_AddItemToArray(rows, row);
}

/* The failed points typed into a modal's "fail" input, as fail: takes
 * them ("visible,engagement"): spaces, commas and case do not matter;
 * a word that is no point is kept, for the parser to refuse by name. */
static void
modal_fail(const cJSON *data, struct buf *out)
{
    const cJSON *row, *c;
    const char *v = NULL;
    cJSON_ArrayForEach(row, json_get(data, "components")) {
        cJSON_ArrayForEach(c, json_get(row, "components")) {
            const char *id = json_string(c, "custom_id");
            if (id && strcmp(id, "fail") == 0)
                v = json_string(c, "value");
        }
    }
    for (const char *p = v ? v : ""; *p;) {
        size_t skip = strspn(p, " ,;\t\r\n"), n;
        p += skip;
        n = strcspn(p, " ,;\t\r\n");
        if (!n)
            break;
        buf_adds(out, out->len ? "," : " fail:");
        for (size_t i = 0; i < n; i++)
            buf_addc(out, (char)tolower((unsigned char)p[i]));
        p += n;
    }
}

/* The form a button with a prompt opens: the text input required unless
 * the button says it may be left empty (the submission then runs the
 * command as it is). */
static void
open_modal(struct ix *ix, const struct dc_button *pressed)
{
    struct discord *d = ix->d;
    const char *prompt = pressed->prompt;
    char cid[128], label[46];
    int n = snprintf(cid, sizeof(cid), "m|%s", pressed->command);
    if (n < 0 || n > DC_CUSTOM_ID_MAX) {
        struct out_button b = { .command = pressed->command,
                                .prompt = prompt };
        char id[120];
        discord_jobs_button_id(d, &b, id);
        snprintf(cid, sizeof(cid), "m%.100s", id);   /* "mk|<key>" */
    }
    /* Titles and labels hold at most 45 characters. */
    size_t cut = utf8_cut(prompt, strlen(prompt), 45);
    snprintf(label, sizeof(label), "%.*s", (int)cut, prompt);
    cJSON *data = cJSON_CreateObject();
    cJSON_AddStringToObject(data, "custom_id", cid);
    cJSON_AddStringToObject(data, "title", label[0] ? label : "chorus");
    cJSON *rows = cJSON_AddArrayToObject(data, "components");
    if (pressed->rubric)
        add_rubric_row(rows);
    cJSON *row = cJSON_CreateObject();
    cJSON_AddNumberToObject(row, "type", 1);
    cJSON *kids = cJSON_AddArrayToObject(row, "components");
    cJSON *input = cJSON_CreateObject();
    cJSON_AddNumberToObject(input, "type", 4);
    cJSON_AddStringToObject(input, "custom_id", "text");
    cJSON_AddStringToObject(input, "label", label[0] ? label : "Text");
    cJSON_AddNumberToObject(input, "style", 2);
    cJSON_AddBoolToObject(input, "required", !pressed->optional);
    cJSON_AddNumberToObject(input, "max_length", MODAL_TEXT_MAX);
    cJSON_AddItemToArray(kids, input);
    cJSON_AddItemToArray(rows, row);
    ix_callback(ix, 9, data, 0, false);
}

/* The text typed into a modal: the "text" input, else the first one. */
static const char *
modal_text(const cJSON *data)
{
    const char *first = NULL;
    const cJSON *row, *c;
    cJSON_ArrayForEach(row, json_get(data, "components")) {
        cJSON_ArrayForEach(c, json_get(row, "components")) {
            const char *v = json_string(c, "value");
            const char *id = json_string(c, "custom_id");
            if (v && id && strcmp(id, "text") == 0)
                return v;
            if (v && !first)
                first = v;
        }
    }
    return first;
}

void
discord_interactions_handle(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN], channel[DC_ID_LEN], uid[DC_ID_LEN];
    const char *token = json_string(x, "token");
    long type = json_int(x, "type", JSON_INT_MIN, JSON_INT_MAX, 0);
    const char *nick;
    const cJSON *user = actor(x, &nick);
    if (!discord_events_id(x, "id", id) || !token || !*token ||
        strlen(token) > 1000 || !discord_events_id(user, "id", uid)) {
        discord_log_once(d, DC_LOG_INTERACTION,
                         "interaction without id, token "
                         "or user dropped");
        return;
    }
    if (d->stopping || d->rest == NULL)
        return;
    if (ix_find(d, id)) {
        log_debug("discord", "interaction %s seen again (replay)", id);
        return;
    }
    if (type != 2 && type != 3 && type != 5) {
        discord_log_once(d, DC_LOG_INTERACTION, "interaction type %ld ignored",
                         type);
        return;
    }
    if (cJSON_IsTrue(json_get(user, "bot")))
        return;
    discord_events_id(x, "channel_id", channel);
    struct ix *ix = ix_new(d, id, token, (int)type);
    snprintf(ix->channel, sizeof(ix->channel), "%s", channel);
    snprintf(ix->user, sizeof(ix->user), "%s", uid);
    ix->dm = json_get(x, "guild_id") == NULL;
    discord_events_users_note(d, user, nick);
    if (ix->dm && channel[0])
        discord_dm_note(d, uid, channel);
    const cJSON *msg = json_get(x, "message");
    char mch[DC_ID_LEN], mid[DC_ID_LEN];
    if (discord_events_id(msg, "id", mid)) {
        if (!discord_events_id(msg, "channel_id", mch))
            snprintf(mch, sizeof(mch), "%s", channel);
        snprintf(ix->via, sizeof(ix->via), "%s:%s", mch, mid);
    }
    const cJSON *data = json_get(x, "data");
    /* No cap of its own: the core measures and refuses a long text, and
     * a cut one would read as shorter.  The gateway bounds a frame. */
    struct buf line = BUF_INIT;
    bool defer_first = false;
    if (type == 2) {
        if (discord_commands_line(data, &line, &defer_first) != CH_OK) {
            reply_now(ix, buf_cstr(&line));
            buf_free(&line);
            return;
        }
    } else {
        const char *cid = json_string(data, "custom_id");
        struct dc_button pressed;
        if (!cid || !decode_button(d, cid, type == 5, &pressed)) {
            discord_log_once(d, DC_LOG_COMPONENT,
                             "component %.40s not known "
                             "(from before a restart?)",
                             cid ? cid : "?");
            reply_now(ix, "That button is no longer known to chorus (it "
                          "restarted since); type the command instead.");
            buf_free(&line);
            return;
        }
        if (type == 3 && pressed.prompt) {
            open_modal(ix, &pressed);
            discord_jobs_button_forget(&pressed);
            buf_free(&line);
            return;
        }
        buf_adds(&line, pressed.command);
        if (type == 5) {
            struct buf fail = BUF_INIT;
            modal_fail(data, &fail);
            buf_adds(&line, buf_cstr(&fail));
            buf_free(&fail);
        }
        /* An empty text (an optional one left so) adds nothing. */
        const char *text = type == 5 ? modal_text(data) : NULL;
        if (text && *text) {
            buf_addc(&line, ' ');
            buf_adds(&line, text);
        }
        discord_jobs_button_forget(&pressed);
    }
    struct core_event ev = {
        .kind = CORE_EV_COMMAND,
        .platform = "discord",
        .event_id = id,
        .user_id = uid,
        .user_name = display_name(user, nick),
        .channel_id = ix->dm ? NULL : channel,
        .text = buf_cstr(&line),
        .via_message = ix->via[0] && type != 2 ? ix->via : NULL,
    };
    int64_t hold = 0;
    if (defer_first) {
        ix->defer_first = true;
        ix_defer(ix);
        hold = DEFER_FIRST_MAX_MS;
    }
    inbound_submit(d, &ev, ix, hold);
    buf_free(&line);
}

/* ---- inbound: messages --------------------------------------------------- */

/* Text with the bot's own mentions taken out (<@id> and <@!id>). */
static void
strip_bot_mention(const char *content, const char *bot, struct buf *out)
{
    char m1[DC_ID_LEN + 4], m2[DC_ID_LEN + 5];
    snprintf(m1, sizeof(m1), "<@%s>", bot);
    snprintf(m2, sizeof(m2), "<@!%s>", bot);
    for (const char *p = content; *p;) {
        if (strncmp(p, m1, strlen(m1)) == 0) {
            p += strlen(m1);
            continue;
        }
        if (strncmp(p, m2, strlen(m2)) == 0) {
            p += strlen(m2);
            continue;
        }
        buf_addc(out, *p++);
    }
    /* Trim. */
    size_t s = 0;
    while (s < out->len && (out->data[s] == ' ' || out->data[s] == '\n'))
        s++;
    if (s) {
        memmove(out->data, out->data + s, out->len - s + 1);
        out->len -= s;
    }
    buf_rtrim(out);
}

void
discord_interactions_message(struct discord *d, const cJSON *x)
{
    char id[DC_ID_LEN], channel[DC_ID_LEN], uid[DC_ID_LEN];
    const cJSON *author = json_get(x, "author");
    if (!discord_events_id(x, "id", id) ||
        !discord_events_id(x, "channel_id", channel) ||
        !discord_events_id(author, "id", uid)) {
        discord_log_once(d, DC_LOG_MALFORMED,
                         "MESSAGE_CREATE without id, "
                         "channel or author dropped");
        return;
    }
    /* Our own messages, other bots', webhooks', system messages. */
    if ((d->bot_id[0] && strcmp(uid, d->bot_id) == 0) ||
        cJSON_IsTrue(json_get(author, "bot")) || json_get(x, "webhook_id"))
        return;
    long mtype = json_int(x, "type", JSON_INT_MIN, JSON_INT_MAX, 0);
    if (mtype != 0 && mtype != 19)
        return;
    if (d->stopping)
        return;
    const char *content = json_string(x, "content");
    bool dm = json_get(x, "guild_id") == NULL;
    const char *nick = json_string(json_get(x, "member"), "nick");
    discord_events_users_note(d, author, nick);
    /* Uncapped, as an interaction's line: a capped buffer refused the
     * whole of a long DM, which then read as empty and was dropped. */
    struct buf text = BUF_INIT;
    if (dm) {
        discord_dm_note(d, uid, channel);
        buf_adds(&text, content ? content : "");
        buf_rtrim(&text);
    } else {
        /* A guild message counts only when it mentions the bot. */
        bool mentioned = false;
        const cJSON *m;
        cJSON_ArrayForEach(m, json_get(x, "mentions")) {
            char mid[DC_ID_LEN];
            if (discord_events_id(m, "id", mid) && strcmp(mid, d->bot_id) == 0)
                mentioned = true;
        }
        if (!mentioned || !d->bot_id[0] || !content) {
            buf_free(&text);
            return;
        }
        strip_bot_mention(content, d->bot_id, &text);
    }
    if (text.len == 0) {
        buf_free(&text);
        return;     /* an attachment, a sticker: nothing to read */
    }
    struct core_event ev = {
        .kind = dm ? CORE_EV_DM : CORE_EV_MESSAGE,
        .platform = "discord",
        .event_id = id,
        .user_id = uid,
        .user_name = display_name(author, nick),
        .channel_id = dm ? NULL : channel,
        .text = buf_cstr(&text),
    };
    inbound_submit(d, &ev, NULL, 0);
    buf_free(&text);
}

