/*
 * slack_blocks: what chorus's messages look like on Slack.
 *
 * Text: the core writes plain text; Slack reads "&", "<" and ">" as markup,
 * so they are escaped, except inside the raw spans the render_* ops wrote
 * (<@U…>, <#C…>, <!date^…>).  Buttons: a Block Kit actions block per row
 * (button_rows.h) whose buttons carry the command they run (the Block Kit
 * limits used here are the constants below).  A button that asks for
 * text first opens a modal; its private_metadata carries the command,
 * whether the text may be left empty, the message the button was on and
 * where it was pressed, so the submission needs no state here.
 */
#include "slack_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "button_rows.h"
#include "utf8.h"
#include "xmalloc.h"

#define SECTION_MAX_CHARS 3000   /* a section's text */
#define BUTTON_TEXT_MAX   75
#define BUTTON_VALUE_MAX  2000
#define MAX_SECTIONS      45     /* 50 blocks in all */
#define MODAL_TITLE_MAX   24
#define MODAL_LABEL_MAX   2000
#define CHANNEL_NAME_MAX  80

#define ACTION_RUN "chorus.run."
#define ACTION_ASK "chorus.ask."
#define ACTIONS_BLOCK "chorus.actions"   /* the first row's; then ".1"... */

/* A byte that starts a character (slack_blocks_text counts characters as it
 * escapes: its limit is on what Slack shows, so it cannot cut the input
 * by length first the way utf8_cut_chars does). */
static bool
starts_char(unsigned char c)
{
    return (c & 0xc0) != 0x80;
}

/* Bytes that need attention in slack_blocks_text(): markup, raw-span markers,
 * control bytes.  Everything else is copied in runs. */
static bool
special(unsigned char c)
{
    return c == '&' || c == '<' || c == '>' || c < 0x20 || c == 0x7f;
}

void
slack_blocks_text(const char *in, size_t max_chars, struct buf *out)
{
    const unsigned char *p = (const unsigned char *)(in ? in : "");
    bool raw = false;
    size_t chars = 0;

    for (;;) {
        const unsigned char *run = p;
        unsigned char c;

        /* Plain bytes go in runs, up to the limit (counted in
         * characters; a raw span is never cut). */
        while (*p && !special(*p) &&
               (raw || !starts_char(*p) || chars < max_chars)) {
            chars += starts_char(*p);
            p++;
        }
        buf_add(out, run, (size_t)(p - run));
        c = *p;
        if (c == '\0')
            return;
        p++;
        if (c == SLACK_RAW_OPEN || c == SLACK_RAW_CLOSE) {
            raw = c == SLACK_RAW_OPEN;
            continue;
        }
        if (utf8_unsendable((unsigned char)c))
            continue;
        if (!raw && chars >= max_chars) {
            buf_adds(out, " …");
            return;
        }
        chars++;
        if (raw || !special(c) || c == '\n' || c == '\t')
            buf_addc(out, (char)c);
        else
            buf_adds(out, c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;");
    }
}

void
slack_blocks_text_in(const char *in, struct buf *out)
{
    static const struct {
        const char *entity;
        char        ch;
    } entities[] = {
        { .entity = "&lt;", .ch = '<' },
        { .entity = "&gt;", .ch = '>' },
        { .entity = "&amp;", .ch = '&' },
    };

    for (const char *p = in ? in : ""; *p;) {
        bool done = false;

        if (*p == '&') {
            for (size_t i = 0; i < sizeof(entities) / sizeof(*entities);
                 i++) {
                size_t n = strlen(entities[i].entity);

                if (strncmp(p, entities[i].entity, n) != 0)
                    continue;
                /* A typed "<@U…>" stays text: mentions are Slack's. */
                if (entities[i].ch == '<' && strchr("@#!", p[n]) &&
                    p[n] != '\0')
                    break;
                buf_addc(out, entities[i].ch);
                p += n;
                done = true;
                break;
            }
        }
        if (!done)
            buf_addc(out, *p++);
    }
}

static cJSON *
plain(const char *text, size_t max)
{
    cJSON *t = cJSON_CreateObject();
    const char *s = text && *text ? text : " ";
    char *cut = xstrndup(s, utf8_cut_chars(s, strlen(s), max));

    cJSON_AddStringToObject(t, "type", "plain_text");
    cJSON_AddStringToObject(t, "text", cut);
    free(cut);
    return t;
}

/* Where to end a section that starts at s: at most SECTION_MAX_CHARS
 * characters, at the last line break (else space) before that, never
 * inside an entity or a <...> token. */
static size_t
section_end(const char *s)
{
    size_t lim = utf8_cut_chars(s, strlen(s), SECTION_MAX_CHARS);
    size_t nl = 0, sp = 0;

    if (s[lim] == '\0')
        return lim;
    for (size_t i = 0; i < lim; i++) {
        if (s[i] == '\n')
            nl = i + 1;
        else if (s[i] == ' ')
            sp = i + 1;
    }
    if (nl > lim / 2)
        return nl;
    if (sp > lim / 2)
        return sp;
    return lim;
}

size_t
slack_blocks_part_end(const char *s, size_t max_chars)
{
    size_t chars = 0, i = 0, nl = 0, sp = 0, open = 0;
    bool in_token = false;

    for (; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];

        if (starts_char(c)) {
            if (chars == max_chars)
                break;
            chars++;
        }
        /* Escaped text: '&' opens an entity, '<' a mention; neither is
         * cut. */
        if (c == '&' || c == '<') {
            in_token = true;
            open = i;
        } else if (in_token && (c == ';' || c == '>')) {
            in_token = false;
        } else if (!in_token && c == '\n') {
            nl = i + 1;
        } else if (!in_token && c == ' ') {
            sp = i + 1;
        }
    }
    if (s[i] == '\0')
        return i;
    if (nl > i / 2)
        return nl;
    if (sp > i / 2)
        return sp;
    return in_token && open > 0 ? open : i;
}

/* Button i of a message, or NULL when its value would be too long. */
static cJSON *
button(const struct out_button *b, size_t i)
{
    cJSON *e;
    char id[32];
    char *value;

    if (b->prompt) {
        cJSON *v = cJSON_CreateObject();

        cJSON_AddStringToObject(v, "c", b->command);
        cJSON_AddStringToObject(v, "p", b->prompt);
        if (b->rubric)
            cJSON_AddBoolToObject(v, "r", 1);
        if (b->optional)
            cJSON_AddBoolToObject(v, "o", 1);
        value = cJSON_PrintUnformatted(v);
        cJSON_Delete(v);
    } else {
        value = xstrdup(b->command ? b->command : "");
    }
    if (strlen(value) > BUTTON_VALUE_MAX) {
        /* A command this long is not a button the core makes. */
        free(value);
        return NULL;
    }
    e = cJSON_CreateObject();
    snprintf(id, sizeof(id), "%s%zu", b->prompt ? ACTION_ASK : ACTION_RUN, i);
    cJSON_AddStringToObject(e, "type", "button");
    cJSON_AddStringToObject(e, "action_id", id);
    cJSON_AddItemToObject(e, "text", plain(b->label, BUTTON_TEXT_MAX));
    cJSON_AddStringToObject(e, "value", value);
    if (b->style && (strcmp(b->style, "primary") == 0 ||
                     strcmp(b->style, "danger") == 0))
        cJSON_AddStringToObject(e, "style", b->style);
    free(value);
    return e;
}

cJSON *
slack_blocks(const char *text, const struct out_button *b, size_t n)
{
    cJSON *blocks;
    struct button_rows rows;
    int sections = 0;

    if (n == 0)
        return NULL;
    blocks = cJSON_CreateArray();
    for (const char *p = text ? text : ""; *p && sections < MAX_SECTIONS;
         sections++) {
        size_t len = section_end(p);
        char *part = xstrndup(p, len);
        cJSON *sec = cJSON_CreateObject(), *t = cJSON_CreateObject();

        cJSON_AddStringToObject(sec, "type", "section");
        cJSON_AddStringToObject(t, "type", "mrkdwn");
        cJSON_AddStringToObject(t, "text", part);
        cJSON_AddItemToObject(sec, "text", t);
        cJSON_AddItemToArray(blocks, sec);
        free(part);
        p += len;
    }
    /* An actions block per row, each with a block_id of its own. */
    button_rows(b, n, SLACK_MOD, &rows);
    for (size_t r = 0; r < rows.n; r++) {
        cJSON *actions = cJSON_CreateObject(), *els;
        char block_id[32];

        snprintf(block_id, sizeof(block_id), r ? "%s.%zu" : "%s",
                 ACTIONS_BLOCK, r);
        cJSON_AddStringToObject(actions, "type", "actions");
        cJSON_AddStringToObject(actions, "block_id", block_id);
        els = cJSON_AddArrayToObject(actions, "elements");
        for (size_t i = rows.start[r]; i < rows.start[r + 1]; i++) {
            cJSON *e = button(&b[i], i);

            if (e)
                cJSON_AddItemToArray(els, e);
        }
        if (cJSON_GetArraySize(els) > 0)
            cJSON_AddItemToArray(blocks, actions);
        else
            cJSON_Delete(actions);
    }
    return blocks;
}

bool
slack_blocks_button_parse(const char *action_id, const char *value,
                          struct slack_press *out)
{
    memset(out, 0, sizeof(*out));
    if (!action_id || !value)
        return false;
    if (strncmp(action_id, ACTION_RUN, strlen(ACTION_RUN)) == 0) {
        if (!*value)
            return false;
        out->command = xstrdup(value);
        return true;
    }
    if (strncmp(action_id, ACTION_ASK, strlen(ACTION_ASK)) == 0) {
        cJSON *v = json_parse(value, strlen(value));
        const char *c = json_string(v, "c"), *p = json_string(v, "p");
        bool ok = c && *c && p;

        if (ok) {
            out->command = xstrdup(c);
            out->prompt = xstrdup(p);
            out->rubric = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v,
                                                                        "r"));
            out->optional = cJSON_IsTrue(
                cJSON_GetObjectItemCaseSensitive(v, "o"));
        }
        cJSON_Delete(v);
        return ok;
    }
    return false;
}

void
slack_blocks_press_free(struct slack_press *p)
{
    free(p->command);
    free(p->prompt);
    memset(p, 0, sizeof(*p));
}

cJSON *
slack_blocks_modal(const char *label, const struct slack_press *press,
                   const char *via, const char *channel)
{
    cJSON *view = cJSON_CreateObject(), *meta = cJSON_CreateObject();
    cJSON *blocks, *input, *el;
    char *md;

    cJSON_AddStringToObject(meta, "c", press->command);
    if (press->optional)
        cJSON_AddBoolToObject(meta, "o", 1);
    if (via)
        cJSON_AddStringToObject(meta, "v", via);
    if (channel)
        cJSON_AddStringToObject(meta, "ch", channel);
    md = cJSON_PrintUnformatted(meta);
    cJSON_Delete(meta);
    cJSON_AddStringToObject(view, "type", "modal");
    cJSON_AddStringToObject(view, "callback_id", SLACK_MODAL_CALLBACK);
    cJSON_AddItemToObject(view, "title", plain(label, MODAL_TITLE_MAX));
    cJSON_AddItemToObject(view, "submit", plain("Send", MODAL_TITLE_MAX));
    cJSON_AddItemToObject(view, "close", plain("Cancel", MODAL_TITLE_MAX));
    cJSON_AddStringToObject(view, "private_metadata", md ? md : "{}");
    free(md);
    blocks = cJSON_AddArrayToObject(view, "blocks");
    if (press->rubric) {
        cJSON *points = cJSON_CreateObject(), *cb, *opts;

        cJSON_AddStringToObject(points, "type", "input");
        cJSON_AddStringToObject(points, "block_id", SLACK_RUBRIC_BLOCK);
        cJSON_AddBoolToObject(points, "optional", 1);
        cJSON_AddItemToObject(points, "label",
                              plain("Which rubric points failed?",
                                    MODAL_LABEL_MAX));
        cb = cJSON_AddObjectToObject(points, "element");
        cJSON_AddStringToObject(cb, "type", "checkboxes");
        cJSON_AddStringToObject(cb, "action_id", SLACK_RUBRIC_ACTION);
        opts = cJSON_AddArrayToObject(cb, "options");
        for (size_t i = 0; i < ADAPTER_RUBRIC_POINTS; i++) {
            cJSON *o = cJSON_CreateObject();

            cJSON_AddItemToObject(o, "text", plain(adapter_rubric[i].label,
                                                   BUTTON_TEXT_MAX));
            cJSON_AddStringToObject(o, "value", adapter_rubric[i].word);
            cJSON_AddItemToArray(opts, o);
        }
        cJSON_AddItemToArray(blocks, points);
    }
    input = cJSON_CreateObject();
    cJSON_AddStringToObject(input, "type", "input");
    cJSON_AddStringToObject(input, "block_id", SLACK_MODAL_BLOCK);
    if (press->optional)
        cJSON_AddBoolToObject(input, "optional", 1);
    cJSON_AddItemToObject(input, "label", plain(press->prompt,
                                                MODAL_LABEL_MAX));
    el = cJSON_AddObjectToObject(input, "element");
    cJSON_AddStringToObject(el, "type", "plain_text_input");
    cJSON_AddStringToObject(el, "action_id", SLACK_MODAL_ACTION);
    cJSON_AddBoolToObject(el, "multiline", 1);
    cJSON_AddNumberToObject(el, "max_length", 3000);
    cJSON_AddItemToArray(blocks, input);
    return view;
}

char *
slack_blocks_modal_line(const char *command, const cJSON *values,
                        const char *answer)
{
    const cJSON *sel = json_get(cJSON_GetObjectItemCaseSensitive(
                                    cJSON_GetObjectItemCaseSensitive(
                                        values, SLACK_RUBRIC_BLOCK),
                                    SLACK_RUBRIC_ACTION),
                                "selected_options");
    const cJSON *o;
    struct buf b = BUF_INIT;
    char *line;

    /* Only the rubric's own words: the command parser refuses others,
     * but nothing but a point goes in front of the reason. */
    cJSON_ArrayForEach(o, sel) {
        const char *w = json_string(o, "value");

        for (size_t i = 0; w && i < ADAPTER_RUBRIC_POINTS; i++)
            if (strcmp(w, adapter_rubric[i].word) == 0)
                buf_printf(&b, "%s%s", b.len ? "," : " fail:", w);
    }
    line = xasprintf("%s%s%s%s", command, buf_cstr(&b),
                     answer && *answer ? " " : "", answer ? answer : "");
    buf_free(&b);
    return line;
}

void
slack_blocks_channel_name(const char *want, int suffix, char *out,
                          size_t outlen)
{
    char base[CHANNEL_NAME_MAX + 1], tail[16] = "";
    size_t n = 0, max;

    if (suffix > 1)
        snprintf(tail, sizeof(tail), "-%d", suffix);
    max = CHANNEL_NAME_MAX - strlen(tail);
    /* Lowercase letters, digits, '-' and '_'; anything else becomes one
     * '-', and no name starts or ends with one. */
    for (const unsigned char *p = (const unsigned char *)(want ? want : "");
         *p && n < max; p++) {
        char c = (char)*p;

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_'))
            c = '-';
        if (c == '-' && (n == 0 || base[n - 1] == '-'))
            continue;
        base[n++] = c;
    }
    while (n && base[n - 1] == '-')
        n--;
    base[n] = '\0';
    if (n == 0)
        snprintf(base, sizeof(base), "campaign");
    snprintf(out, outlen, "%s%s", base, tail);
}

bool
slack_blocks_ref_split(const char *ref, char *channel, size_t clen, char *ts,
                       size_t tlen)
{
    const char *colon = ref ? strchr(ref, ':') : NULL;

    if (!colon || colon == ref || !colon[1] ||
        (size_t)(colon - ref) >= clen || strlen(colon + 1) >= tlen)
        return false;
    memcpy(channel, ref, (size_t)(colon - ref));
    channel[colon - ref] = '\0';
    snprintf(ts, tlen, "%s", colon + 1);
    return true;
}
