/*
 * discord_commands: chorus's chat commands, generated from the core's
 * command table (core/command.h command_forms()), and the way back: an
 * interaction's options -> the command line the core parses.
 *
 * Shape: one CHAT_INPUT command per chorus command name.  A command with
 * one form takes that form's options directly ("/approve ref:... "); a
 * command with several forms has one subcommand per form ("/brief set
 * slug:... field:... text:...").  One "/campaign" holding every command
 * as a subcommand (spec product.md §4) no longer fits Discord: a command
 * takes at most 25 options and 8000 characters.  A form's subcommand is
 * named after its first literal word ("set", "cancel"), else after the
 * first word of its summary ("show", "add"); when two forms would share
 * a name, the one with fewer elements keeps it and the other gets
 * "-<first option>" ("/tz set", "/tz set-person").  Every element of the
 * pattern becomes an option: <person> and <creator> are USER options,
 * <n> is an INTEGER, <a|b|c> and brief fields are choices, everything
 * else is a STRING; required options come first, as Discord wants, while
 * the command line keeps the pattern's order.  Only the descriptions of
 * argument types are written here.
 *
 * Discord's limits (discord-protocol.md §3.4) are kept as the JSON is
 * built, so that one command too big never costs the whole list: a
 * command over 8000 characters (names, descriptions, choice names and
 * values, counted recursively) gets shorter descriptions, step by step,
 * and when even that is not enough, its last subcommands are left out;
 * subcommands past the 25th, choices past the 25th and commands past the
 * 100th are left out.  Each is logged as an error naming it.  The unit
 * test (test_discord_commands.c) fails when the real table needs any of
 * this, so it is a safety net, not a way of working.
 *
 * Registration is a bulk overwrite (discord.c: PUT on the guild's, or the
 * application's, command list): the list sent replaces the whole list, so
 * commands of an earlier version (the single "/campaign") disappear on
 * the first start of this one.
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
#include "xmalloc.h"

#define NAME_MAX_LEN 32
#define DESC_MAX_LEN 100
#define MAX_FORMS    256
#define MAX_COMMANDS 128    /* past Discord's 100, so the rest are named */

_Static_assert(CMD_MAX_ELEMS <= DC_OPTIONS_MAX,
               "a form's options fit in one command or subcommand");
_Static_assert(sizeof(((struct discord_commands_stats *)0)->largest) >
                   NAME_MAX_LEN, "a command name fits in the stats");

/* Option types. */
enum {
    OPT_SUB = 1,
    OPT_STRING = 3,
    OPT_INTEGER = 4,
    OPT_USER = 6,
};

/* One form: a subcommand, or the command itself when it has one form. */
struct sub {
    char                   name[NAME_MAX_LEN + 1];
    const struct cmd_form *form;
    char                   opt[CMD_MAX_ELEMS][NAME_MAX_LEN + 1];
};

/* One chat command: a chorus command name and its forms, fewest elements
 * first. */
struct command {
    char        name[NAME_MAX_LEN + 1];
    struct sub *subs;
    size_t      nsubs;
};

struct table {
    struct sub     subs[MAX_FORMS];
    size_t         nsubs;
    struct command cmds[MAX_COMMANDS];
    size_t         ncmds;
    size_t         choices_left_out;   /* options that lost choices */
};

/*
 * Commands answered with a deferred response before the core runs: their
 * work fans out (kickoff posts and pins the brief, tells and invites every
 * participant; report walks a campaign's whole history), so they are the
 * ones that may outgrow the 3-second window on a loaded database.
 */
static const char *const defer_first[] = { "kickoff", "report", NULL };

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
    { T_DAY, OPT_STRING, "a day of the week, e.g. fri" },
    { T_DAYS, OPT_STRING, "days, e.g. mon,thu or mon-fri" },
    { T_HOURS, OPT_STRING, "working hours, e.g. 09:00-18:00" },
    { T_DURATIONS, OPT_STRING, "durations, e.g. 48h,4h (or none)" },
    { T_PERCENT, OPT_STRING, "a percentage, 0 to 100, e.g. 80%" },
    { T_CAMPAIGN_OR_BRAND, OPT_STRING,
      "campaign slug (spring-launch) or brand name" },
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
    if (e->type == T_CAMPAIGN_OR_BRAND)
        snprintf(out, NAME_MAX_LEN + 1, "campaign_or_brand");
    else if (e->kind != E_OPT && strchr(e->name, '|'))
        snprintf(out, NAME_MAX_LEN + 1, "subject");
    else
        sanitize(e->name, out, "value");
}

/* How many choices an element offers (0: free input). */
static size_t
choice_count(const struct cmd_elem *e)
{
    if (e->type == T_FIELD)
        return BRIEF_NFIELDS;
    if (e->type != T_CHOICE || !e->choices)
        return 0;
    size_t n = 1;
    for (const char *p = e->choices; *p; p++)
        n += *p == '|';
    return n;
}

/* s's option names: unique within the form. */
static void
sub_options(struct sub *s)
{
    const struct cmd_form *f = s->form;
    for (size_t e = 0; e < f->nelems; e++) {
        if (f->elems[e].kind == E_LIT)
            continue;
        char base[NAME_MAX_LEN + 1];
        option_name(&f->elems[e], base);
        snprintf(s->opt[e], sizeof(s->opt[e]), "%s", base);
        for (int dup = 2; dup < 10; dup++) {
            bool clash = false;
            for (size_t o = 0; o < e; o++)
                clash |= strcmp(s->opt[o], s->opt[e]) == 0;
            if (!clash)
                break;
            snprintf(s->opt[e], sizeof(s->opt[e]), "%.29s%d", base, dup);
        }
    }
}

static bool
name_taken(const struct sub *from, const struct sub *to, const char *name)
{
    for (const struct sub *s = from; s < to; s++)
        if (strcmp(s->name, name) == 0)
            return true;
    return false;
}

/* The subcommand name of c's form s, unique among the forms before it. */
static void
sub_name(const struct command *c, struct sub *s)
{
    const struct cmd_form *f = s->form;
    char base[NAME_MAX_LEN + 1] = "";
    for (size_t e = 0; e < f->nelems && !base[0]; e++)
        if (f->elems[e].kind == E_LIT)
            sanitize(f->elems[e].name, base, "form");
    if (!base[0])
        sanitize(f->spec->summary, base, "form");
    snprintf(s->name, sizeof(s->name), "%s", base);
    if (name_taken(c->subs, s, s->name)) {
        const char *o1 = "";
        for (size_t e = 0; e < f->nelems && !*o1; e++)
            if (f->elems[e].kind != E_LIT)
                o1 = s->opt[e];
        snprintf(s->name, sizeof(s->name), "%.15s-%.15s", base, o1);
    }
    for (int dup = 2; dup < 10 && name_taken(c->subs, s, s->name); dup++)
        snprintf(s->name, sizeof(s->name), "%.29s%d", base, dup);
}

/* Choices past Discord's 25 are left out (add_choices()); say so once. */
static void
check_choices(struct table *t, const struct command *c, const struct sub *s)
{
    for (size_t e = 0; e < s->form->nelems; e++) {
        size_t n = choice_count(&s->form->elems[e]);
        if (n <= DC_CHOICES_MAX)
            continue;
        log_error("discord", "/%s%s%s: option %s has %zu choices, over "
                  "Discord's %d: the rest are left out", c->name,
                  c->nsubs > 1 ? " " : "", c->nsubs > 1 ? s->name : "",
                  s->opt[e], n, DC_CHOICES_MAX);
        t->choices_left_out++;
    }
}

/* Forms (sorted by command name, as command_forms() gives them) -> one
 * command per name. */
static void
build_table(struct table *t, const struct cmd_form *forms, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(forms[j].spec->name, forms[i].spec->name) == 0)
            j++;
        if (t->ncmds == MAX_COMMANDS || t->nsubs + (j - i) > MAX_FORMS) {
            log_error("discord", "more commands than chorus can offer on "
                      "Discord: /%s and the ones after it are left out",
                      forms[i].spec->name);
            break;
        }
        struct command *c = &t->cmds[t->ncmds++];
        sanitize(forms[i].spec->name, c->name, "command");
        c->subs = &t->subs[t->nsubs];
        c->nsubs = j - i;
        t->nsubs += c->nsubs;
        /* Fewest elements first, else in table order: the simplest form
         * keeps the plain name when two would share it. */
        for (size_t a = 0; a < c->nsubs; a++) {
            const struct cmd_form *f = &forms[i + a];
            size_t b = a;
            for (; b > 0 && f->nelems < c->subs[b - 1].form->nelems; b--)
                c->subs[b] = c->subs[b - 1];
            memset(&c->subs[b], 0, sizeof(c->subs[b]));
            c->subs[b].form = f;
            sub_options(&c->subs[b]);
        }
        for (size_t a = 0; a < c->nsubs; a++) {
            if (c->nsubs > 1)
                sub_name(c, &c->subs[a]);
            check_choices(t, c, &c->subs[a]);
        }
        i = j;
    }
}

/* The daemon's table, built once: registration and interactions read the
 * same names. */
static const struct table *
real_table(void)
{
    static struct table real;
    static bool built;
    if (!built) {
        size_t n;
        const struct cmd_form *forms = command_forms(&n);
        build_table(&real, forms, n);
        built = true;
    }
    return &real;
}

/* ---- registration -------------------------------------------------------- */

/* text in at most cap characters: cut at a word boundary, with "...". */
static void
add_description(cJSON *o, const char *text, size_t cap)
{
    if (!*text)
        text = "-";
    if (utf8_length(text) <= cap) {
        cJSON_AddStringToObject(o, "description", text);
        return;
    }
    bool dots = cap > 6;
    size_t keep = utf8_cut_chars(text, strlen(text), dots ? cap - 3 : cap);
    size_t cut = keep;
    while (cut > keep / 2 && text[cut] != ' ')
        cut--;
    if (text[cut] != ' ')
        cut = keep;
    while (cut > 1 && strchr(" ,;:(", text[cut - 1]))
        cut--;
    char d[4 * DESC_MAX_LEN + 4];
    snprintf(d, sizeof(d), "%.*s%s", (int)cut, text, dots ? "..." : "");
    cJSON_AddStringToObject(o, "description", d);
}

static void
add_choice(cJSON *choices, const char *name)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", name);
    cJSON_AddStringToObject(c, "value", name);
    cJSON_AddItemToArray(choices, c);
}

static void
add_choices(cJSON *opt, const struct cmd_elem *e)
{
    if (choice_count(e) == 0)
        return;
    cJSON *choices = cJSON_AddArrayToObject(opt, "choices");
    if (e->type == T_FIELD) {
        for (int i = 0; i < BRIEF_NFIELDS && i < DC_CHOICES_MAX; i++)
            add_choice(choices, model_brief_fields[i].name);
        return;
    }
    for (const char *p = e->choices;
         *p && cJSON_GetArraySize(choices) < DC_CHOICES_MAX;) {
        size_t n = strcspn(p, "|");
        char v[NAME_MAX_LEN * 2];
        snprintf(v, sizeof(v), "%.*s", (int)n, p);
        add_choice(choices, v);
        p += n + (p[n] == '|');
    }
}

static cJSON *
option_json(const struct sub *s, size_t e, size_t cap)
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
    add_description(o, desc, cap);
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

/* The options of form s, into o (a command or a subcommand). */
static void
add_form_options(cJSON *o, const struct sub *s, size_t cap)
{
    cJSON *opts = cJSON_AddArrayToObject(o, "options");
    /* Required options first (Discord refuses the other order). */
    for (int pass = 0; pass < 2; pass++)
        for (size_t e = 0; e < s->form->nelems; e++) {
            const struct cmd_elem *el = &s->form->elems[e];
            if (el->kind == E_LIT || el->required != (pass == 0))
                continue;
            cJSON_AddItemToArray(opts, option_json(s, e, cap));
        }
    if (cJSON_GetArraySize(opts) == 0)
        cJSON_DeleteItemFromObject(o, "options");
}

/* Command c with its first nsubs forms, descriptions in cap characters. */
static cJSON *
command_json(const struct command *c, size_t nsubs, size_t cap)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddNumberToObject(o, "type", 1);
    add_description(o, c->subs[0].form->spec->summary, cap);
    /* Guild channels and DMs with the bot (standups happen in DMs). */
    cJSON *ctx = cJSON_AddArrayToObject(o, "contexts");
    cJSON_AddItemToArray(ctx, cJSON_CreateNumber(0));
    cJSON_AddItemToArray(ctx, cJSON_CreateNumber(1));
    if (c->nsubs == 1) {
        add_form_options(o, &c->subs[0], cap);
        return o;
    }
    cJSON *opts = cJSON_AddArrayToObject(o, "options");
    for (size_t k = 0; k < nsubs; k++) {
        const struct sub *s = &c->subs[k];
        cJSON *so = cJSON_CreateObject();
        cJSON_AddNumberToObject(so, "type", OPT_SUB);
        cJSON_AddStringToObject(so, "name", s->name);
        add_description(so, s->form->spec->summary, cap);
        add_form_options(so, s, cap);
        cJSON_AddItemToArray(opts, so);
    }
    return o;
}

/* What Discord counts against a command's 8000 characters: every name,
 * description and value in it, at any depth (choices have both). */
static size_t
command_chars(const cJSON *o)
{
    size_t n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, o) {
        if (cJSON_IsString(it) && it->string &&
            (strcmp(it->string, "name") == 0 ||
             strcmp(it->string, "description") == 0 ||
             strcmp(it->string, "value") == 0))
            n += utf8_length(it->valuestring);
        else if (cJSON_IsArray(it) || cJSON_IsObject(it))
            n += command_chars(it);
    }
    return n;
}

/* Description caps to try, longest first, when a command is too big. */
static const size_t desc_caps[] = { DESC_MAX_LEN, 80, 64, 48, 32, 24, 16, 8 };

static void
log_fitted(const struct command *c, size_t nsubs, size_t full, size_t cap,
           struct discord_commands_stats *st)
{
    if (nsubs < c->nsubs) {
        struct buf names = BUF_INIT;
        for (size_t k = nsubs; k < c->nsubs; k++)
            buf_printf(&names, "%s%s", k > nsubs ? ", " : "",
                       c->subs[k].name);
        log_error("discord", "/%s has %zu forms, more than Discord takes in "
                  "one command (%d options, %d characters): left out: %s",
                  c->name, c->nsubs, DC_OPTIONS_MAX, DC_COMMAND_CHARS_MAX,
                  buf_cstr(&names));
        buf_free(&names);
        st->left_out += c->nsubs - nsubs;
    }
    if (cap < DESC_MAX_LEN) {
        log_error("discord", "/%s would be %zu characters, over Discord's "
                  "%d: its descriptions are cut to %zu characters", c->name,
                  full, DC_COMMAND_CHARS_MAX, cap);
        st->shortened++;
    }
}

/* c as JSON within Discord's limits: its descriptions shortened, then its
 * last subcommands left out, until it fits; NULL when not even its first
 * form fits. */
static cJSON *
command_fitted(const struct command *c, struct discord_commands_stats *st)
{
    size_t most = c->nsubs > DC_OPTIONS_MAX ? DC_OPTIONS_MAX : c->nsubs;
    size_t full = 0;
    for (size_t nsubs = most; nsubs > 0; nsubs--)
        for (size_t k = 0; k < sizeof(desc_caps) / sizeof(desc_caps[0]);
             k++) {
            cJSON *o = command_json(c, nsubs, desc_caps[k]);
            size_t chars = command_chars(o);
            if (full == 0)
                full = chars;
            if (chars <= DC_COMMAND_CHARS_MAX) {
                log_fitted(c, nsubs, full, desc_caps[k], st);
                return o;
            }
            cJSON_Delete(o);
        }
    log_error("discord", "/%s is over Discord's %d characters even with "
              "short descriptions: left out", c->name, DC_COMMAND_CHARS_MAX);
    st->left_out++;
    return NULL;
}

static void
note_size(const cJSON *o, const char *name, struct discord_commands_stats *st)
{
    size_t chars = command_chars(o);
    size_t opts = (size_t)cJSON_GetArraySize(json_get(o, "options"));
    if (chars > st->largest_chars) {
        st->largest_chars = chars;
        snprintf(st->largest, sizeof(st->largest), "%s", name);
    }
    if (opts > st->most_options) {
        st->most_options = opts;
        snprintf(st->most_options_name, sizeof(st->most_options_name), "%s",
                 name);
    }
}

static char *
table_json(const struct table *t, struct discord_commands_stats *out)
{
    struct discord_commands_stats st = { .left_out = t->choices_left_out };
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < t->ncmds; i++) {
        const struct command *c = &t->cmds[i];
        if (st.commands == DC_COMMANDS_MAX) {
            struct buf names = BUF_INIT;
            for (size_t k = i; k < t->ncmds; k++)
                buf_printf(&names, "%s/%s", k > i ? ", " : "",
                           t->cmds[k].name);
            log_error("discord", "Discord takes %d chat commands: left out: "
                      "%s", DC_COMMANDS_MAX, buf_cstr(&names));
            buf_free(&names);
            st.left_out += t->ncmds - i;
            break;
        }
        cJSON *o = command_fitted(c, &st);
        if (o == NULL)
            continue;
        note_size(o, c->name, &st);
        cJSON_AddItemToArray(list, o);
        st.commands++;
    }
    char *text = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    if (out)
        *out = st;
    return text;
}

char *
discord_commands_json(struct discord_commands_stats *st)
{
    return table_json(real_table(), st);
}

char *
discord_commands_json_of(const struct cmd_form *forms, size_t n,
                         struct discord_commands_stats *st)
{
    struct table *t = xcalloc(1, sizeof(*t));
    build_table(t, forms, n);
    char *text = table_json(t, st);
    free(t);
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

static const struct command *
command_find(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncmds; i++)
        if (strcmp(t->cmds[i].name, name) == 0)
            return &t->cmds[i];
    return NULL;
}

static const struct sub *
sub_find(const struct command *c, const char *name)
{
    for (size_t i = 0; i < c->nsubs; i++)
        if (strcmp(c->subs[i].name, name) == 0)
            return &c->subs[i];
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
    command_usage("/", s->form->spec->name, out);
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
    const char *name = json_string(data, "name");
    const struct command *c = name ? command_find(real_table(), name) : NULL;
    if (c == NULL) {
        name = name ? name : "?";
        buf_printf(out, "Unknown command /%.*s (the command list may still "
                   "be updating; /help lists chorus's commands).",
                   fit(name, 40), name);
        return CH_INVALID;
    }
    /* One form: its options are the command's.  Several: the first
     * option is the subcommand naming the form, holding its options. */
    const cJSON *opts = json_get(data, "options");
    const struct sub *s = &c->subs[0];
    if (c->nsubs > 1) {
        const cJSON *top = cJSON_GetArrayItem(opts, 0);
        const char *sub = json_string(top, "name");
        if (json_int(top, "type", 0, JSON_INT_MAX, 0) != OPT_SUB)
            sub = NULL;
        s = sub ? sub_find(c, sub) : NULL;
        if (s == NULL) {
            sub = sub ? sub : "";
            buf_printf(out, "Unknown subcommand /%s %.*s (the command list "
                       "may still be updating; try /help %s).", c->name,
                       fit(sub, 32), sub, c->name);
            return CH_INVALID;
        }
        opts = json_get(top, "options");
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
