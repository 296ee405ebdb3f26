/*
 * discord_commands: the `campaign` chat command, generated from the core's
 * command table (core/command.h command_forms()), and the way back: an
 * interaction's options -> the command line the core parses.
 *
 * Shape: one CHAT_INPUT command "campaign" -- and, when the table has
 * more commands than Discord lets one command hold (25), a second one,
 * "campaign-more", for the commands of more_first that do not fit (then
 * the last ones of the table).  Both are read the same way back.  A
 * command with one form is a subcommand ("/campaign approve ref:... ");
 * a command with several forms is a subcommand group whose subcommands
 * are its forms ("/campaign brief set slug:... field:... text:...").  A
 * form's subcommand is named after its first literal word ("set",
 * "cancel"), else after the first word of its summary ("show", "add");
 * when two forms would share a name, the one with fewer elements keeps it
 * and the other gets "-<first option>" ("tz set", "tz set-person").  Every
 * element of the pattern becomes an option: <person> and <creator> are
 * USER options, <n> is an INTEGER, <a|b|c> and brief fields are choices,
 * everything else is a STRING; required options come first, as Discord
 * wants, while the command line keeps the pattern's order.  Only the
 * descriptions of argument types are written here.
 *
 * The line is built as the console would type it: positionals and
 * literals in pattern order, then key:value options, then the free text;
 * values with spaces or quotes are quoted, user options become <@id|name>
 * mentions.  A missing required option is answered here, with the usage,
 * and never reaches the core.
 */
#include "discord_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "log.h"
#include "model.h"
#include "utf8.h"

#define NAME_MAX_LEN 32
#define DESC_MAX_LEN 100
#define MAX_SUBS     96

/* Option types. */
enum {
    OPT_SUB = 1,
    OPT_GROUP = 2,
    OPT_STRING = 3,
    OPT_INTEGER = 4,
    OPT_USER = 6,
};

struct sub {
    const char            *group;     /* the command name, or NULL */
    char                   name[NAME_MAX_LEN + 1];
    const struct cmd_form *form;
    char                   opt[CMD_MAX_ELEMS][NAME_MAX_LEN + 1];
};

static struct sub subs[MAX_SUBS];
static size_t nsubs;
static bool built;

/*
 * Commands answered with a deferred response before the core runs: their
 * work fans out (kickoff posts and pins the brief, tells and invites every
 * participant; report walks a campaign's whole history), so they are the
 * ones that may outgrow the 3-second window on a loaded database.
 */
static const char *const defer_first[] = { "kickoff", "report", NULL };

/*
 * Discord takes at most 25 sub-commands and groups in one command.  When
 * the table has more, these move to "campaign-more" first, in this order
 * (what people type seldom), then the table's last ones.
 */
#define TOP_MAX 25
#define MORE_NAME "campaign-more"
static const char *const more_first[] = { "brand", "conflicts", "notify",
                                          "hours", "settings", "audit",
                                          NULL };

/* How each argument type is offered, and described, on Discord. */
static const struct {
    enum arg_type type;
    int           opt_type;
    const char   *desc;
} type_info[] = {
    { T_WORD, OPT_STRING, "a word" },
    { T_TEXT, OPT_STRING, "a name or title" },
    { T_REST, OPT_STRING, "free text" },
    { T_CAMPAIGN, OPT_STRING, "campaign slug, e.g. spring-launch" },
    { T_NEW_SLUG, OPT_STRING,
      "new campaign slug: lowercase letters, digits and hyphens" },
    { T_REF, OPT_STRING,
      "deliverable, e.g. spring-launch#3 (or #3 in its channel)" },
    { T_SUBJECT, OPT_STRING, "deliverable (spring-launch#3) or campaign" },
    { T_ANY_SUBJECT, OPT_STRING,
      "campaign, deliverable (spring-launch#3) or escalation (E4)" },
    { T_ESCALATION, OPT_STRING, "escalation, e.g. E4" },
    { T_QUESTION, OPT_STRING, "question, e.g. Q7" },
    { T_PERSON, OPT_USER, "a member" },
    { T_WHEN, OPT_STRING, "when, in your zone: 2026-12-01 18:00, fri 17:00, "
                          "+2d" },
    { T_WHEN_START, OPT_STRING, "start day: 2026-12-01, +1d" },
    { T_WHEN_END, OPT_STRING, "end day: 2026-12-31, +30d" },
    { T_ZONE, OPT_STRING, "IANA time zone, e.g. Europe/Berlin" },
    { T_FIELD, OPT_STRING, "brief field" },
    { T_INT, OPT_INTEGER, "a whole number" },
    { T_AMOUNT, OPT_STRING, "amount, e.g. 500 or 500EUR" },
    { T_CHOICE, OPT_STRING, "one of the choices" },
    { T_PLATFORM, OPT_STRING, "instagram, tiktok, youtube, twitch, x..." },
    { T_LINK, OPT_STRING, "a link (https://...)" },
    { T_RUBRIC, OPT_STRING, "failed points: visible, message, engagement" },
    { T_DURATION, OPT_STRING, "a duration, e.g. 48h or 90m" },
    { T_CLOCK, OPT_STRING, "time of day, HH:MM" },
    { T_DAYS, OPT_STRING, "days, e.g. mon,thu or mon-fri" },
    { T_HOURS, OPT_STRING, "working hours, e.g. 09:00-18:00" },
    { T_DURATIONS, OPT_STRING, "durations, e.g. 48h,4h (or none)" },
};

static int
info_index(enum arg_type t)
{
    for (size_t i = 0; i < sizeof(type_info) / sizeof(type_info[0]); i++)
        if (type_info[i].type == t)
            return (int)i;
    return 0;
}

/* [-_a-z0-9], at most 32, never empty. */
static void
sanitize(const char *in, char out[NAME_MAX_LEN + 1], const char *fallback)
{
    size_t o = 0;
    for (const char *p = in; p && *p && o < NAME_MAX_LEN; p++) {
        char c = (char)tolower((unsigned char)*p);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c == '-')
            out[o++] = c;
        else if (c == '|' || c == ' ')
            break;
    }
    out[o] = '\0';
    if (o == 0)
        snprintf(out, NAME_MAX_LEN + 1, "%s", fallback);
}

static void
option_name(const struct cmd_elem *e, char out[NAME_MAX_LEN + 1])
{
    if (e->kind != E_OPT && strchr(e->name, '|'))
        snprintf(out, NAME_MAX_LEN + 1, "subject");
    else
        sanitize(e->name, out, "value");
}

static bool
name_taken(const struct sub *from, const struct sub *to, const char *group,
           const char *name)
{
    for (const struct sub *s = from; s < to; s++)
        if (s->group && group && strcmp(s->group, group) == 0 &&
            strcmp(s->name, name) == 0)
            return true;
    return false;
}

static size_t
elem_count(const struct cmd_form *f)
{
    return f->nelems;
}

static void
build(void)
{
    if (built)
        return;
    size_t n;
    const struct cmd_form *forms = command_forms(&n);
    for (size_t i = 0; i < n && nsubs < MAX_SUBS;) {
        size_t j = i;
        while (j < n && strcmp(forms[j].spec->name, forms[i].spec->name) == 0)
            j++;
        const char *cmd = forms[i].spec->name;
        /* Forms of one command, fewest elements first: the simplest form
         * keeps the plain name when two would share it. */
        size_t order[MAX_SUBS], k = 0;
        for (size_t f = i; f < j && k < MAX_SUBS; f++)
            order[k++] = f;
        for (size_t a = 1; a < k; a++)
            for (size_t b = a; b > 0 && elem_count(&forms[order[b]]) <
                                            elem_count(&forms[order[b - 1]]);
                 b--) {
                size_t t = order[b];
                order[b] = order[b - 1];
                order[b - 1] = t;
            }
        size_t first = nsubs;
        for (size_t a = 0; a < k && nsubs < MAX_SUBS; a++) {
            const struct cmd_form *f = &forms[order[a]];
            struct sub *s = &subs[nsubs];
            memset(s, 0, sizeof(*s));
            s->form = f;
            for (size_t e = 0; e < f->nelems; e++) {
                if (f->elems[e].kind == E_LIT)
                    continue;
                char base[NAME_MAX_LEN + 1];
                option_name(&f->elems[e], base);
                /* Unique within the subcommand. */
                snprintf(s->opt[e], sizeof(s->opt[e]), "%s", base);
                for (int dup = 2; dup < 10; dup++) {
                    bool clash = false;
                    for (size_t o = 0; o < e; o++)
                        clash |= strcmp(s->opt[o], s->opt[e]) == 0;
                    if (!clash)
                        break;
                    snprintf(s->opt[e], sizeof(s->opt[e]), "%.29s%d", base,
                             dup);
                }
            }
            if (j - i == 1) {
                sanitize(cmd, s->name, "command");
                nsubs++;
                continue;
            }
            s->group = cmd;
            char base[NAME_MAX_LEN + 1] = "";
            for (size_t e = 0; e < f->nelems && !base[0]; e++)
                if (f->elems[e].kind == E_LIT)
                    sanitize(f->elems[e].name, base, "form");
            if (!base[0])
                sanitize(f->spec->summary, base, "form");
            snprintf(s->name, sizeof(s->name), "%s", base);
            if (name_taken(&subs[first], s, cmd, s->name)) {
                const char *o1 = "";
                for (size_t e = 0; e < f->nelems && !*o1; e++)
                    if (f->elems[e].kind != E_LIT)
                        o1 = s->opt[e];
                snprintf(s->name, sizeof(s->name), "%.15s-%.15s", base, o1);
            }
            for (int dup = 2; dup < 10 &&
                              name_taken(&subs[first], s, cmd, s->name);
                 dup++)
                snprintf(s->name, sizeof(s->name), "%.29s%d", base, dup);
            nsubs++;
        }
        i = j;
    }
    built = true;
}

/* ---- registration -------------------------------------------------------- */

/* Cut at a word boundary to fit Discord's 100 characters. */
static void
add_description(cJSON *o, const char *text)
{
    char d[DESC_MAX_LEN + 1];
    size_t len = strlen(text);
    if (len <= DESC_MAX_LEN) {
        cJSON_AddStringToObject(o, "description", *text ? text : "-");
        return;
    }
    size_t cut = DESC_MAX_LEN - 3;
    while (cut > 20 && text[cut] != ' ')
        cut--;
    cut = utf8_cut(text, len, cut);
    snprintf(d, sizeof(d), "%.*s...", (int)cut, text);
    cJSON_AddStringToObject(o, "description", d);
}

static void
add_choices(cJSON *opt, const struct cmd_elem *e)
{
    cJSON *choices = NULL;
    if (e->type == T_CHOICE && e->choices) {
        choices = cJSON_AddArrayToObject(opt, "choices");
        for (const char *p = e->choices; *p;) {
            size_t n = strcspn(p, "|");
            char v[NAME_MAX_LEN * 2];
            snprintf(v, sizeof(v), "%.*s", (int)n, p);
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "name", v);
            cJSON_AddStringToObject(c, "value", v);
            cJSON_AddItemToArray(choices, c);
            p += n + (p[n] == '|');
        }
    } else if (e->type == T_FIELD) {
        choices = cJSON_AddArrayToObject(opt, "choices");
        for (int i = 0; i < BRIEF_NFIELDS; i++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "name", model_brief_fields[i].name);
            cJSON_AddStringToObject(c, "value", model_brief_fields[i].name);
            cJSON_AddItemToArray(choices, c);
        }
    }
}

static cJSON *
option_json(const struct sub *s, size_t e)
{
    const struct cmd_elem *el = &s->form->elems[e];
    int ti = info_index(el->type);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "type", type_info[ti].opt_type);
    cJSON_AddStringToObject(o, "name", s->opt[e]);
    char desc[160];
    if (el->kind == E_REST)
        snprintf(desc, sizeof(desc), "%s (free text, last)", el->name);
    else
        snprintf(desc, sizeof(desc), "%s", type_info[ti].desc);
    add_description(o, desc);
    if (el->required)
        cJSON_AddTrueToObject(o, "required");
    if (el->type == T_INT) {
        cJSON_AddNumberToObject(o, "min_value", 1);
        cJSON_AddNumberToObject(o, "max_value", 10000);
    }
    if (el->kind == E_REST)
        cJSON_AddNumberToObject(o, "max_length", 4000);
    add_choices(o, el);
    return o;
}

static cJSON *
sub_json(const struct sub *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "type", OPT_SUB);
    cJSON_AddStringToObject(o, "name", s->name);
    add_description(o, s->form->spec->summary);
    cJSON *opts = cJSON_AddArrayToObject(o, "options");
    /* Required options first (Discord refuses the other order). */
    for (int pass = 0; pass < 2; pass++)
        for (size_t e = 0; e < s->form->nelems; e++) {
            const struct cmd_elem *el = &s->form->elems[e];
            if (el->kind == E_LIT || el->required != (pass == 0))
                continue;
            cJSON_AddItemToArray(opts, option_json(s, e));
        }
    if (cJSON_GetArraySize(opts) == 0)
        cJSON_DeleteItemFromObject(o, "options");
    return o;
}

static cJSON *
top_command(cJSON *list, const char *name, const char *description)
{
    cJSON *cmd = cJSON_CreateObject();
    cJSON_AddItemToArray(list, cmd);
    cJSON_AddStringToObject(cmd, "name", name);
    cJSON_AddNumberToObject(cmd, "type", 1);
    cJSON_AddStringToObject(cmd, "description", description);
    /* Guild channels and DMs with the bot (standups happen in DMs). */
    cJSON *ctx = cJSON_AddArrayToObject(cmd, "contexts");
    cJSON_AddItemToArray(ctx, cJSON_CreateNumber(0));
    cJSON_AddItemToArray(ctx, cJSON_CreateNumber(1));
    return cJSON_AddArrayToObject(cmd, "options");
}

/* Whether sub i starts a top-level entry: a sub-command, or the first
 * form of a group. */
static bool
top_entry(size_t i)
{
    const struct sub *s = &subs[i];
    return s->group == NULL || i == 0 || subs[i - 1].group == NULL ||
           strcmp(subs[i - 1].group, s->group) != 0;
}

/* Which top-level entries go to MORE_NAME (more[i] for entry i). */
static void
place_entries(bool *more)
{
    size_t ntop = 0;
    for (size_t i = 0; i < nsubs; i++)
        ntop += top_entry(i);
    size_t over = ntop > TOP_MAX ? ntop - TOP_MAX : 0;
    for (size_t m = 0; more_first[m] && over; m++)
        for (size_t i = 0; i < nsubs; i++)
            if (top_entry(i) && !more[i] &&
                strcmp(subs[i].form->spec->name, more_first[m]) == 0) {
                more[i] = true;
                over--;
                break;
            }
    for (size_t i = nsubs; i-- > 0 && over;)
        if (top_entry(i) && !more[i]) {
            more[i] = true;
            over--;
        }
}

char *
discord_commands_json(void)
{
    build();
    cJSON *list = cJSON_CreateArray();
    cJSON *main_opts = top_command(
        list, "campaign", "Coordinate influencer campaigns with chorus");
    cJSON *more_opts = NULL;
    bool more[MAX_SUBS] = { false };
    place_entries(more);
    for (size_t i = 0; i < nsubs; i++) {
        const struct sub *s = &subs[i];
        if (!top_entry(i))
            continue;   /* the group was written with its first form */
        if (more[i] && more_opts == NULL)
            more_opts = top_command(list, MORE_NAME,
                                    "More chorus commands: those /campaign "
                                    "has no room for");
        cJSON *opts = more[i] ? more_opts : main_opts;
        if (s->group == NULL) {
            cJSON_AddItemToArray(opts, sub_json(s));
            continue;
        }
        cJSON *g = cJSON_CreateObject();
        cJSON_AddNumberToObject(g, "type", OPT_GROUP);
        char gname[NAME_MAX_LEN + 1];
        sanitize(s->group, gname, "group");
        cJSON_AddStringToObject(g, "name", gname);
        add_description(g, s->form->spec->summary);
        cJSON *kids = cJSON_AddArrayToObject(g, "options");
        for (size_t k = i; k < nsubs && subs[k].group &&
                           strcmp(subs[k].group, s->group) == 0;
             k++)
            cJSON_AddItemToArray(kids, sub_json(&subs[k]));
        cJSON_AddItemToArray(opts, g);
    }
    char *text = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    return text;
}

/* ---- interaction -> command line ----------------------------------------- */

static bool
is_quote_at(const char *p)
{
    return *p == '"' || ((unsigned char)p[0] == 0xe2 &&
                         (unsigned char)p[1] == 0x80 &&
                         ((unsigned char)p[2] == 0x9c ||
                          (unsigned char)p[2] == 0x9d));
}

/* "key:..." at the start, where key is lowercase letters and '_'. */
static size_t
key_prefix(const char *v)
{
    size_t n = 0;
    while ((v[n] >= 'a' && v[n] <= 'z') || v[n] == '_')
        n++;
    return n > 0 && v[n] == ':' ? n : 0;
}

void
discord_commands_append_word(struct buf *out, const char *value)
{
    bool quote = *value == '\0';
    for (const char *p = value; *p && !quote; p++)
        quote = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
                is_quote_at(p);
    size_t k = key_prefix(value);
    if (k && strncmp(value + k, "://", 3) != 0)
        quote = true;       /* would read as an option */
    if (out->len)
        buf_addc(out, ' ');
    if (!quote) {
        buf_adds(out, value);
        return;
    }
    buf_addc(out, '"');
    for (const char *p = value; *p; p++) {
        if (is_quote_at(p)) {
            buf_adds(out, "\\\"");
            p += *p == '"' ? 0 : 2;
            continue;
        }
        if (*p == '\\')
            buf_addc(out, '\\');
        buf_addc(out, *p);
    }
    buf_addc(out, '"');
}

static const struct sub *
sub_find(const char *group, const char *name)
{
    build();
    for (size_t i = 0; i < nsubs; i++) {
        const struct sub *s = &subs[i];
        char gname[NAME_MAX_LEN + 1] = "";
        if (s->group)
            sanitize(s->group, gname, "group");
        if ((group == NULL) != (s->group == NULL))
            continue;
        if (group && strcmp(gname, group) != 0)
            continue;
        if (strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

/* A user option as a mention with the name the core may use for a person
 * it has not met: <@id|Name>. */
static void
user_value(const cJSON *data, const char *id, struct buf *v)
{
    const cJSON *resolved = json_get(data, "resolved");
    const cJSON *member = json_get(json_get(resolved, "members"), id);
    const cJSON *user = json_get(json_get(resolved, "users"), id);
    const char *name = json_string(member, "nick");
    if (!name)
        name = json_string(user, "global_name");
    if (!name)
        name = json_string(user, "username");
    buf_printf(v, "<@%s", id);
    if (name && *name) {
        buf_addc(v, '|');
        for (const char *p = name; *p && p - name < 64; p++)
            if (*p != '>' && *p != '<' && *p != '|' && *p != '\n' &&
                *p != '\r')
                buf_addc(v, *p);
    }
    buf_addc(v, '>');
}

/* The value of option `name` among opts, as text; false when absent. */
static bool
option_value(const cJSON *data, const cJSON *opts, const char *name,
             struct buf *v)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, opts) {
        const char *n = json_string(o, "name");
        if (!n || strcmp(n, name) != 0)
            continue;
        const cJSON *val = json_get(o, "value");
        long type = json_int(o, "type", 0, JSON_INT_MAX, OPT_STRING);
        if (cJSON_IsString(val)) {
            if (type == OPT_USER &&
                discord_events_is_snowflake(val->valuestring))
                user_value(data, val->valuestring, v);
            else
                buf_adds(v, val->valuestring);
        } else if (cJSON_IsNumber(val)) {
            double d = val->valuedouble;
            if (d == (double)(long long)d)
                buf_printf(v, "%lld", (long long)d);
            else
                buf_printf(v, "%g", d);
        } else if (cJSON_IsBool(val)) {
            buf_adds(v, cJSON_IsTrue(val) ? "true" : "false");
        } else {
            return false;
        }
        return true;
    }
    return false;
}

static bool
form_has_key(const struct cmd_form *f, const char *v)
{
    size_t k = key_prefix(v);
    for (size_t i = 0; k && i < f->nelems; i++)
        if (f->elems[i].kind == E_OPT && strlen(f->elems[i].name) == k &&
            strncmp(f->elems[i].name, v, k) == 0)
            return true;
    return false;
}

static void
missing(const struct sub *s, const char *opt, struct buf *out)
{
    buf_reset(out);
    buf_printf(out, "Missing option %s.", opt);
    command_usage(s->form->spec->name, out);
}

/* One element's value, written the way the command grammar reads it. */
static void
append_value(struct buf *out, const struct cmd_form *f,
             const struct cmd_elem *el, const char *value)
{
    if (el->kind == E_POS) {
        discord_commands_append_word(out, value);
    } else if (el->kind == E_OPT) {
        struct buf word = BUF_INIT;
        discord_commands_append_word(&word, value);
        buf_printf(out, " %s:%s", el->name, buf_cstr(&word));
        buf_free(&word);
    } else if (form_has_key(f, value)) {
        discord_commands_append_word(
            out, value); /* free text that reads as an option */
    } else {
        buf_addc(out, ' ');             /* free text, as typed */
        buf_adds(out, value);
    }
}

/* How much of a name Discord sent fits in a reply: at most max bytes,
 * not ending inside a character (the reply goes back to Discord). */
static int
fit(const char *s, size_t max)
{
    return (int)utf8_cut(s, strlen(s), max);
}

enum ch_status
discord_commands_line(const cJSON *data, struct buf *out, bool *defer)
{
    *defer = false;
    const char *cmd = json_string(data, "name");
    if (!cmd || (strcmp(cmd, "campaign") != 0 &&
                 strcmp(cmd, MORE_NAME) != 0)) {
        cmd = cmd ? cmd : "?";
        buf_printf(out, "Unknown command /%.*s: chorus answers /campaign.",
                   fit(cmd, 40), cmd);
        return CH_INVALID;
    }
    const cJSON *top = cJSON_GetArrayItem(json_get(data, "options"), 0);
    const char *group = NULL, *name = json_string(top, "name");
    const cJSON *opts = json_get(top, "options");
    if (json_int(top, "type", 0, JSON_INT_MAX, 0) == OPT_GROUP) {
        group = name;
        const cJSON *sub = cJSON_GetArrayItem(opts, 0);
        name = json_string(sub, "name");
        opts = json_get(sub, "options");
    } else if (json_int(top, "type", 0, JSON_INT_MAX, 0) != OPT_SUB) {
        name = NULL;
    }
    const struct sub *s = name ? sub_find(group, name) : NULL;
    if (s == NULL) {
        const char *g = group ? group : "", *n = name ? name : "";
        buf_printf(out, "Unknown subcommand /campaign%s%.*s %.*s (the "
                   "command list may still be updating; try /campaign "
                   "help).", group ? " " : "", fit(g, 32), g, fit(n, 32),
                   n);
        return CH_INVALID;
    }
    const struct cmd_form *f = s->form;
    for (const char *const *d = defer_first; *d; d++)
        *defer |= strcmp(*d, f->spec->name) == 0;
    buf_adds(out, f->spec->name);
    struct buf v = BUF_INIT;
    /* As the grammar reads them: positionals and literals in pattern
     * order, then key:value options, then the free text. */
    static const enum elem_kind phases[] = { E_POS, E_OPT, E_REST };
    for (size_t ph = 0; ph < sizeof(phases) / sizeof(phases[0]); ph++) {
        for (size_t e = 0; e < f->nelems; e++) {
            const struct cmd_elem *el = &f->elems[e];
            if (el->kind == E_LIT && phases[ph] == E_POS) {
                discord_commands_append_word(out, el->name);
                continue;
            }
            if (el->kind != phases[ph])
                continue;
            buf_reset(&v);
            if (option_value(data, opts, s->opt[e], &v) &&
                (el->kind != E_REST || v.len)) {
                append_value(out, f, el, buf_cstr(&v));
            } else if (el->required) {
                missing(s, s->opt[e], out);
                buf_free(&v);
                return CH_INVALID;
            }
        }
    }
    buf_free(&v);
    if (out->overflow) {
        buf_reset(out);
        buf_adds(out, "That command is too long.");
        return CH_INVALID;
    }
    return CH_OK;
}
