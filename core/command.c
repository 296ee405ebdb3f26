/*
 * command: the grammar engine (see command.h for the pipeline and the
 * pattern syntax).
 */
#include "command.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core_internal.h"
#include "ladder.h"
#include "log.h"
#include "metrics.h"
#include "nudge.h"
#include "str.h"
#include "tz.h"
#include "utf8.h"
#include "value.h"
#include "when.h"

#define MAX_FORMS  96
#define MAX_SLUG   40
#define MAX_TEXT   200     /* a title, a name */
/* Free text (a caption, a script, a reason, a question): what every way
 * in carries whole.  Discord's modal text input and the string option
 * chorus registers hold 4,000 characters, and Slack refuses message text
 * over 4,000 (a caption is shown to the reviewers); Slack's own modal
 * input stops people at 3,000 before chorus sees it. */
#define MAX_REST   4000
/* A link: what browsers and both platforms' link buttons take. */
#define MAX_LINK   2000

static struct cmd_form forms[MAX_FORMS];
static size_t nforms;
static bool compiled;

/* --- pattern compilation ----------------------------------------------- */

static const struct {
    const char   *name;
    enum arg_type type;
} type_names[] = {
    { "slug", T_CAMPAIGN },      { "slug:new", T_NEW_SLUG },
    { "ref", T_REF },            { "ref|slug", T_SUBJECT },
    { "slug|ref|E<N>", T_ANY_SUBJECT },
    { "person", T_PERSON },      { "creator", T_PERSON },
    { "when", T_WHEN },          { "when:start", T_WHEN_START },
    { "when:end", T_WHEN_END },  { "zone", T_ZONE },
    { "field", T_FIELD },        { "n", T_INT },
    { "amount", T_AMOUNT },      { "platform", T_PLATFORM },
    { "link", T_LINK },          { "name", T_TEXT },
    { "title", T_TEXT },         { "command", T_WORD },
    { "reason", T_TEXT },
    { "visible,message,engagement", T_RUBRIC },
    { "duration", T_DURATION },  { "HH:MM", T_CLOCK },
    { "days", T_DAYS },          { "id", T_WORD },
    { "day", T_DAY },
    { "hours", T_HOURS },        { "durations", T_DURATIONS },
    { "from", T_WHEN_START },    { "to", T_WHEN_END },
    { "ladder", T_LADDER },      { "brand", T_TEXT },
    { "category", T_TEXT },      { "categories", T_TEXT },
    { "code", T_WORD },
    { "percent", T_PERCENT },
    { "slug|brand", T_CAMPAIGN_OR_BRAND },
};

static bool
elem_type(const char *inner, struct cmd_elem *e)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        if (strcmp(inner, type_names[i].name) == 0) {
            e->type = type_names[i].type;
            return true;
        }
    }
    if (strchr(inner, '|')) {
        e->type = T_CHOICE;
        e->choices = inner;
        return true;
    }
    return false;
}

/* Display form: annotations dropped ("<slug:new>" shows as "<slug>"). */
static void
set_display(struct cmd_elem *e, const char *tok)
{
    static const char *const notes[] = { ":new>", ":start>", ":end>" };
    size_t o = 0;
    for (const char *p = tok; *p && o + 1 < sizeof(e->display);) {
        size_t skip = 0;
        for (size_t i = 0; i < 3 && !skip; i++)
            if (strncmp(p, notes[i], strlen(notes[i])) == 0)
                skip = strlen(notes[i]) - 1;   /* keep the '>' */
        p += skip;
        e->display[o++] = *p++;
    }
    e->display[o] = '\0';
}

/* Compiled names live as long as the program: a static pool, no malloc. */
static char name_pool[8192];
static size_t name_pool_used;

static const char *
pool_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    if (name_pool_used + n > sizeof(name_pool))
        return NULL;
    char *p = name_pool + name_pool_used;
    memcpy(p, s, n);
    name_pool_used += n;
    return p;
}

static bool
compile_elem(const char *tok, struct cmd_elem *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof(*e));
    set_display(e, tok);
    char buf[96];
    size_t len = strlen(tok);
    if (len >= sizeof(buf)) {
        snprintf(err, errlen, "pattern token too long: %s", tok);
        return false;
    }
    memcpy(buf, tok, len + 1);
    char *t = buf;
    e->required = true;
    if (t[0] == '[') {
        if (t[len - 1] != ']') {
            snprintf(err, errlen, "unbalanced [ in %s", tok);
            return false;
        }
        e->required = false;
        t[len - 1] = '\0';
        t++;
    }
    if (strcmp(t, "E<N>") == 0 || strcmp(t, "Q<N>") == 0) {
        e->kind = E_POS;
        e->name = t[0] == 'E' ? "escalation" : "question";
        e->type = t[0] == 'E' ? T_ESCALATION : T_QUESTION;
        return true;
    }
    char *colon = strchr(t, ':');
    char *lt = strchr(t, '<');
    if (lt == NULL) {
        e->kind = E_LIT;
        e->name = pool_dup(t);
        return e->name != NULL;
    }
    char *key = NULL;
    if (colon && colon < lt) {        /* key:<...> */
        *colon = '\0';
        key = t;
        t = colon + 1;
        e->kind = E_OPT;
    } else {
        e->kind = E_POS;
    }
    if (*t == '"')
        t++;
    size_t tl = strlen(t);
    if (tl && t[tl - 1] == '"')
        t[--tl] = '\0';
    if (t[0] != '<' || tl < 3 || t[tl - 1] != '>') {
        snprintf(err, errlen, "bad pattern token %s", tok);
        return false;
    }
    t[tl - 1] = '\0';
    t++;
    tl = strlen(t);
    if (tl > 3 && strcmp(t + tl - 3, "...") == 0) {
        t[tl - 3] = '\0';
        e->kind = E_REST;
        e->type = T_REST;
        e->name = pool_dup(t);
        return e->name != NULL;
    }
    if (!elem_type(t, e) && !(key && elem_type(key, e))) {
        snprintf(err, errlen, "unknown placeholder <%s> in %s", t, tok);
        return false;
    }
    if (e->type == T_CHOICE)
        e->choices = pool_dup(e->choices);
    /* The name of a typed positional is its type word ("slug" for
     * "<slug:new>"). */
    if (!key)
        t[strcspn(t, ":")] = '\0';
    e->name = pool_dup(key ? key : t);
    return e->name != NULL;
}

static bool
compile_form(const struct cmd_spec *spec, struct cmd_form *f, char *err,
             size_t errlen)
{
    f->spec = spec;
    f->nelems = 0;
    const char *p = spec->pattern;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *start = p;
        /* A token ends at a space outside <...>. */
        int depth = 0;
        while (*p && (*p != ' ' || depth > 0)) {
            if (*p == '<')
                depth++;
            else if (*p == '>')
                depth--;
            p++;
        }
        char tok[96];
        size_t n = (size_t)(p - start);
        if (n >= sizeof(tok) || f->nelems == CMD_MAX_ELEMS) {
            snprintf(err, errlen, "%s: pattern too long", spec->name);
            return false;
        }
        memcpy(tok, start, n);
        tok[n] = '\0';
        if (!compile_elem(tok, &f->elems[f->nelems], err, errlen))
            return false;
        f->nelems++;
    }
    /* Free text must come last. */
    for (size_t i = 0; i + 1 < f->nelems; i++) {
        if (f->elems[i].kind == E_REST) {
            snprintf(err, errlen, "%s: free text must end the pattern",
                     spec->name);
            return false;
        }
    }
    return true;
}

bool
command_compile(char *err, size_t errlen)
{
    if (compiled)
        return true;
    if (cmd_table_len > MAX_FORMS) {
        snprintf(err, errlen, "too many command forms");
        return false;
    }
    for (size_t i = 0; i < cmd_table_len; i++) {
        const struct cmd_spec *s = &cmd_table[i];
        if (i > 0 && strcmp(cmd_table[i - 1].name, s->name) > 0) {
            snprintf(err, errlen, "command table not sorted at %s", s->name);
            return false;
        }
        if (!s->summary || !s->example || !s->run || !s->actions) {
            snprintf(err, errlen, "%s: incomplete entry", s->name);
            return false;
        }
        if (!compile_form(s, &forms[i], err, errlen))
            return false;
    }
    nforms = cmd_table_len;
    compiled = true;
    return true;
}

const struct cmd_form *
command_forms(size_t *n)
{
    char err[128];
    if (!command_compile(err, sizeof(err))) {
        log_error("command", "%s", err);
        abort();
    }
    *n = nforms;
    return forms;
}

/* --- tokenizing -------------------------------------------------------- */

struct token {
    const char *raw;      /* start in the line */
    size_t      rawlen;
    char       *text;     /* unquoted */
    char       *key;      /* key of key:value, lowercased, or NULL */
    char       *value;    /* the value part when key is set */
    bool        quoted;   /* the whole token was one quoted string */
    bool        unclosed; /* a quote in it was never closed: literal in
                             free text, an error anywhere else */
};

/* Length of an opening or closing quote at p: " or a curly quote. */
static size_t
quote_len(const char *p)
{
    if (*p == '"')
        return 1;
    if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
        ((unsigned char)p[2] == 0x9c || (unsigned char)p[2] == 0x9d))
        return 3;
    return 0;
}

/* A platform's reference to a person, a channel or a link (<@U1|Carol
 * Jones>, <#C1|general>, <https://x.example|the draft>) is one word,
 * spaces and quotes in its label included.  Its closing '>', or NULL. */
static const char *
platform_ref_end(const char *p)
{
    if (p[0] != '<' ||
        !(p[1] == '@' || p[1] == '#' || strncasecmp(p + 1, "http", 4) == 0))
        return NULL;
    for (const char *q = p + 1; *q && *q != '\n' && *q != '<'; q++)
        if (*q == '>')
            return q;
    return NULL;
}

/*
 * Words, quoted values and key:value options.  Nothing here fails: a
 * quote left open is taken literally and marked, because where the word
 * lands decides whether that is an error (an option or a positional) or
 * just text (free text, which is kept as typed: see rest_of_line).
 */
static void
tokenize(struct ctx *c, const char *line, struct token **out, size_t *ntok)
{
    /* A word takes at least one byte and a separator. */
    size_t cap = strlen(line) / 2 + 1, n = 0;
    struct token *toks = arena_alloc(c->a, cap * sizeof(*toks));
    const char *p = line;
    struct buf text = BUF_INIT;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (!*p)
            break;
        struct token *t = &toks[n];
        t->raw = p;
        buf_reset(&text);
        bool any_quote = false, started_quoted = quote_len(p) > 0;
        size_t keylen = 0;
        /* key:value: letters and '_' up to a ':' before any quote. */
        while (islower((unsigned char)p[keylen]) || p[keylen] == '_')
            keylen++;
        bool has_key = keylen > 0 && p[keylen] == ':';
        const char *ref_end = platform_ref_end(p);
        if (ref_end) {
            buf_add(&text, p, (size_t)(ref_end + 1 - p));
            p = ref_end + 1;
        }
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
            size_t q = t->unclosed ? 0 : quote_len(p);
            if (q == 0) {
                buf_addc(&text, *p++);
                continue;
            }
            const char *close = p + q;
            while (*close && !quote_len(close))
                close += (*close == '\\' && (close[1] == '"' ||
                                               close[1] == '\\')) ? 2 : 1;
            if (!*close) {
                t->unclosed = true;   /* the quote is a character */
                continue;
            }
            any_quote = true;
            for (p += q; p < close; p++) {
                if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                    p++;
                buf_addc(&text, *p);
            }
            p += quote_len(p);
        }
        t->rawlen = (size_t)(p - t->raw);
        t->text = arena_strdup(c->a, buf_cstr(&text));
        t->quoted = started_quoted && any_quote && !t->unclosed;
        if (has_key && !started_quoted) {
            t->key = arena_strndup(c->a, t->raw, keylen);
            t->value = t->text + keylen + 1;
        }
        n++;
    }
    buf_free(&text);
    *out = toks;
    *ntok = n;
}

/* --- finding the command and its form ------------------------------------ */

static const char *
unique_names[MAX_FORMS];

static size_t
command_names(void)
{
    size_t n = 0;
    for (size_t i = 0; i < nforms; i++)
        if (n == 0 || strcmp(unique_names[n - 1], forms[i].spec->name) != 0)
            unique_names[n++] = forms[i].spec->name;
    return n;
}

static enum ch_status
find_command(struct ctx *c, const char *word, const char **name)
{
    size_t n = command_names();
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(unique_names[i], word) == 0) {
            *name = unique_names[i];
            return CH_OK;
        }
    }
    const char *match[MAX_FORMS];
    size_t nm = 0;
    for (size_t i = 0; i < n; i++)
        if (str_starts_with_ci(unique_names[i], word))
            match[nm++] = unique_names[i];
    if (nm == 1) {
        *name = match[0];
        return CH_OK;
    }
    if (nm > 1) {
        struct buf b = BUF_INIT;
        for (size_t i = 0; i < nm; i++)
            buf_printf(&b, "%s%s", i ? ", " : "", match[i]);
        ch_fail(&c->err, CH_INVALID, "ambiguous command \"%s\": could be %s",
                word, buf_cstr(&b));
        buf_free(&b);
        return CH_INVALID;
    }
    const char *guess = str_suggest(word, unique_names, n);
    if (guess)
        return ch_fail(&c->err, CH_INVALID,
                       "unknown command \"%.40s\" (did you mean %s?). "
                       "Type help for the list.", word, guess);
    return ch_fail(&c->err, CH_INVALID,
                   "unknown command \"%.40s\". Type help for the list.", word);
}

bool
command_is_known(const char *line)
{
    const char *p = line ? line : "";
    while (*p == ' ' || *p == '/')
        p++;
    size_t len = strcspn(p, " \t\r\n");
    if (len == 0 || len >= 32)
        return false;
    char word[32];
    memcpy(word, p, len);
    word[len] = '\0';
    size_t n = command_names(), prefixed = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(unique_names[i], word) == 0)
            return true;
        prefixed += str_starts_with_ci(unique_names[i], word);
    }
    return prefixed > 0;
}

static bool
form_has_option(const struct cmd_form *f, const char *key)
{
    for (size_t i = 0; i < f->nelems; i++)
        if (f->elems[i].kind == E_OPT && strcmp(f->elems[i].name, key) == 0)
            return true;
    return false;
}

/* Score a form against the tokens: -1 when a literal does not match;
 * otherwise more literals matched score higher, and a form whose count of
 * positional words fits what was typed beats one that does not (so
 * "tz Europe/Berlin" and "tz @bob Europe/Berlin" find their forms). */
static int
form_score(const struct cmd_form *f, const struct token *toks, size_t ntok)
{
    int literals = 0;
    size_t ti = 1, minpos = 0, maxpos = 0;
    bool has_rest = false;
    for (size_t i = 0; i < f->nelems; i++) {
        const struct cmd_elem *e = &f->elems[i];
        if (e->kind == E_OPT)
            continue;
        if (e->kind == E_REST) {
            has_rest = true;
            minpos += e->required;
            continue;
        }
        maxpos++;
        minpos += e->required;
        if (e->kind == E_LIT) {
            if (ti >= ntok || strcasecmp(toks[ti].text, e->name) != 0)
                return -1;
            literals++;
        } else if (!e->required) {
            continue;   /* optional positional: position unknown */
        }
        ti++;
    }
    size_t words = 0;
    for (size_t i = 1; i < ntok; i++)
        if (!(toks[i].key && form_has_option(f, toks[i].key)))
            words++;
    bool fits = words >= minpos && (has_rest || words <= maxpos);
    return literals * 2 + (fits ? 1 : 0);
}

void
command_usage(const char *lead, const char *name, struct buf *out)
{
    size_t n;
    const struct cmd_form *fs = command_forms(&n);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(fs[i].spec->name, name) != 0)
            continue;
        buf_printf(out, "%susage: %s%s", out->len ? "\n" : "", lead, name);
        for (size_t j = 0; j < fs[i].nelems; j++)
            buf_printf(out, " %s", fs[i].elems[j].display);
    }
}

static enum ch_status
usage_errorv(struct ctx *c, const struct cmd_form *f, const char *fmt,
             va_list ap)
{
    char what[512];
    vsnprintf(what, sizeof(what), fmt, ap);
    struct buf b = BUF_INIT;
    buf_printf(&b, "usage: %s%s", ctx_command_lead(c), f->spec->name);
    for (size_t j = 0; j < f->nelems; j++)
        buf_printf(&b, " %s", f->elems[j].display);
    ch_fail(&c->err, CH_INVALID, "%s\n%s", what, buf_cstr(&b));
    buf_free(&b);
    return CH_INVALID;
}

static enum ch_status
usage_error(struct ctx *c, const struct cmd_form *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum ch_status
usage_error(struct ctx *c, const struct cmd_form *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum ch_status s = usage_errorv(c, f, fmt, ap);
    va_end(ap);
    return s;
}

enum ch_status
command_usage_error(struct ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum ch_status s = usage_errorv(c, c->cmd->form, fmt, ap);
    va_end(ap);
    return s;
}

/* --- converting values ---------------------------------------------------- */

static enum ch_status
campaign_from_slug(struct ctx *c, const char *word, struct campaign **out)
{
    struct campaign *cp = arena_alloc(c->a, sizeof(*cp));
    /* <#C123> or <#C123|name>: a channel mention. */
    if (word[0] == '<' && word[1] == '#' && c->ev) {
        char *id = arena_strdup(c->a, word + 2);
        id[strcspn(id, "|>")] = '\0';
        if (store_campaign_by_channel(c->st, c->a, c->ev->platform, id, cp) ==
            CH_OK) {
            *out = cp;
            return CH_OK;
        }
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "that channel is not a campaign channel");
    }
    char *slug = arena_strdup(c->a, word);
    if (slug[0] == '#')
        slug++;
    for (char *p = slug; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    enum ch_status s = store_campaign_by_slug(c->st, c->a, slug, cp);
    if (s == CH_OK) {
        *out = cp;
        return CH_OK;
    }
    if (s != CH_NOT_FOUND)
        return ch_fail(&c->err, s, "cannot read campaigns right now");
    char **slugs;
    size_t n;
    store_campaign_slugs(c->st, c->a, &slugs, &n);
    const char *guess = str_suggest(slug, (const char *const *)slugs, n);
    if (guess)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "unknown campaign \"%.60s\" (did you mean %s?)", word,
                       guess);
    return ch_fail(&c->err, CH_NOT_FOUND, "unknown campaign \"%.60s\"%s",
                   word, n ? "" : " (there are no campaigns yet: create one "
                                  "with new)");
}

/* A campaign's slug (or channel), else a brand's name: a->campaign, or
 * a->text and a->num the brand's name and id. */
static enum ch_status
convert_campaign_or_brand(struct ctx *c, const char *word, struct arg *a)
{
    struct brand b;
    if (campaign_from_slug(c, word, &a->campaign) == CH_OK)
        return CH_OK;
    a->campaign = NULL;
    if (store_brand_by_name(c->st, c->a, word, &b) == CH_OK) {
        a->text = b.name;
        a->num = b.id;
        return CH_OK;
    }
    return ch_fail(&c->err, CH_NOT_FOUND,
                   "there is no campaign or brand called \"%.60s\": give a "
                   "campaign's slug (status lists yours) or a brand's name",
                   word);
}

static enum ch_status
convert_new_slug(struct ctx *c, const char *word, struct arg *a)
{
    size_t len = strlen(word);
    bool ok = len >= 2 && len <= MAX_SLUG && islower((unsigned char)word[0]) &&
              str_all_in(word, "-") && word[len - 1] != '-';
    for (const char *p = word; ok && *p; p++)
        if (isupper((unsigned char)*p))
            ok = false;
    if (!ok) {
        char lower[64] = "";
        bool fixable = len <= MAX_SLUG && len >= 2;
        for (size_t i = 0; fixable && i < len; i++) {
            char ch = (char)tolower((unsigned char)word[i]);
            if (ch == ' ' || ch == '_')
                ch = '-';
            if (!isalnum((unsigned char)ch) && ch != '-')
                fixable = false;
            lower[i] = ch;
            lower[i + 1] = '\0';
        }
        /* Suggest only what would itself be valid. */
        fixable = fixable && isalpha((unsigned char)lower[0]) &&
                  lower[len - 1] != '-';
        return ch_fail(
            &c->err, CH_INVALID,
            "\"%.60s\" is not a valid slug: use 2-%d lowercase "
            "letters, digits and hyphens, starting with a letter%s%s%s",
            word, MAX_SLUG, fixable ? " (e.g. " : "", fixable ? lower : "",
            fixable ? ")" : "");
    }
    struct campaign cp;
    if (store_campaign_by_slug(c->st, c->a, word, &cp) == CH_OK)
        return ch_fail(&c->err, CH_CONFLICT,
                       "a campaign called %s already exists (brand %s)",
                       word, cp.brand);
    a->text = word;
    return CH_OK;
}

static enum ch_status
convert_ref(struct ctx *c, const char *word, struct arg *a)
{
    const char *hash = strrchr(word, '#');
    if (hash == NULL || hash[1] == '\0')
        return ch_fail(&c->err, CH_INVALID,
                       "\"%.60s\" is not a deliverable reference (use "
                       "spring-launch#3, or #3 in the campaign's channel)",
                       word);
    char *end;
    long n = strtol(hash + 1, &end, 10);
    if (*end || n < 1 || n > 1000000)
        return ch_fail(&c->err, CH_INVALID,
                       "\"%.60s\" is not a deliverable reference (the part "
                       "after # is a number, e.g. spring-launch#3)", word);
    struct campaign *cp;
    if (hash == word) {
        if (!c->in_channel)
            return ch_fail(&c->err, CH_INVALID,
                           "%s needs its campaign here: write it as "
                           "<campaign>#%ld (e.g. spring-launch#%ld), or type "
                           "the command in the campaign's channel",
                           word, n, n);
        cp = &c->here;
    } else {
        char *slug = arena_strndup(c->a, word, (size_t)(hash - word));
        enum ch_status s = campaign_from_slug(c, slug, &cp);
        if (s != CH_OK)
            return s;
    }
    struct deliverable *d = arena_alloc(c->a, sizeof(*d));
    enum ch_status s = store_deliverable_get(c->st, c->a, cp->id, (int)n, d);
    if (s == CH_NOT_FOUND)
        return ch_fail(&c->err, CH_NOT_FOUND,
                       "%s has no deliverable #%ld", cp->slug, n);
    if (s != CH_OK)
        return ch_fail(&c->err, s, "cannot read deliverables right now");
    a->deliv = d;
    a->campaign = cp;
    return CH_OK;
}

static enum ch_status
convert_escalation(struct ctx *c, const char *word, struct arg *a)
{
    const char *p = word;
    if (*p == 'E' || *p == 'e')
        p++;
    char *end;
    long n = strtol(p, &end, 10);
    if (p == word || *end || n < 1)
        return ch_fail(&c->err, CH_INVALID,
                       "\"%.40s\" is not an escalation id (they look like E4)",
                       word);
    struct escalation *e = arena_alloc(c->a, sizeof(*e));
    if (store_escalation_get(c->st, c->a, n, e) != CH_OK)
        return ch_fail(&c->err, CH_NOT_FOUND, "there is no escalation E%ld", n);
    struct campaign *cp = arena_alloc(c->a, sizeof(*cp));
    if (store_campaign_get(c->st, c->a, e->campaign_id, cp) != CH_OK)
        return ch_fail(&c->err, CH_INTERNAL, "escalation E%ld has no campaign",
                       n);
    a->esc = e;
    a->campaign = cp;
    return CH_OK;
}

static enum ch_status
convert_person(struct ctx *c, const char *word, struct arg *a)
{
    struct person *p = arena_alloc(c->a, sizeof(*p));
    if (c->ev == NULL)
        return ch_fail(&c->err, CH_INTERNAL, "no platform to find %.60s on",
                       word);
    const char *platform = c->ev->platform;
    if (word[0] == '<' && word[1] == '@') {
        /* <@U123>, <@!123> (Discord nickname form), <@U123|name> */
        const char *id = word + 2 + (word[2] == '!');
        size_t idlen = strcspn(id, "|>");
        if (idlen == 0 || id[idlen] == '\0')
            return ch_fail(&c->err, CH_INVALID, "\"%.60s\" is not a mention",
                           word);
        char *uid = arena_strndup(c->a, id, idlen);
        char *hint = NULL;
        if (id[idlen] == '|') {
            hint = arena_strdup(c->a, id + idlen + 1);
            hint[strcspn(hint, ">")] = '\0';
        }
        enum ch_status s = people_for_identity(c, platform, uid, hint, p);
        if (s != CH_OK)
            return ch_fail(&c->err, s, "cannot look up that person now");
        a->person = p;
        return CH_OK;
    }
    const char *name = word[0] == '@' ? word + 1 : word;
    if (!*name || strlen(name) > 80)
        return ch_fail(&c->err, CH_INVALID, "\"%.60s\" is not a person", word);
    struct person *found;
    size_t n;
    if (store_people_by_name(c->st, c->a, name, &found, &n) == CH_OK &&
        n >= 1) {
        if (n > 1) {
            struct buf b = BUF_INIT;
            for (size_t i = 0; i < n && i < 5; i++)
                buf_printf(&b, "%s%s (#%lld)", i ? ", " : "", found[i].name,
                           (long long)found[i].id);
            ch_fail(&c->err, CH_INVALID,
                    "\"%s\" could be several people: %s; mention the one "
                    "you mean", name, buf_cstr(&b));
            buf_free(&b);
            return CH_INVALID;
        }
        *p = found[0];
        a->person = p;
        return CH_OK;
    }
    /* Unknown by name: ask the platform's directory (a terminal knows
     * everyone by name; chat platforms want a mention). */
    struct adapter *ad = core_adapter(c->core, platform);
    if (ad) {
        struct buf uid = BUF_INIT;
        if (adapter_find_user(ad, name, &uid) == CH_OK) {
            enum ch_status s =
                people_for_identity(c, platform, buf_cstr(&uid), name, p);
            buf_free(&uid);
            if (s != CH_OK)
                return ch_fail(&c->err, s, "cannot add that person now");
            a->person = p;
            return CH_OK;
        }
        buf_free(&uid);
    }
    return ch_fail(&c->err, CH_NOT_FOUND,
                   "unknown person \"%.60s\": mention them (@%.60s) so chorus "
                   "can find them", name, name);
}

static enum ch_status
convert_when(struct ctx *c, const struct cmd_elem *e, const char *word,
             struct arg *a)
{
    const char *zone = c->cmd && c->cmd->zone ? c->cmd->zone : c->caller_zone;
    struct when_options opt = {
        .zone = zone,
        .now_ms = c->now,
        .date_only_minute = e->type == T_WHEN_START ? 0
                            : e->type == T_WHEN_END ? 23 * 60 + 59
                                                    : 18 * 60,
    };
    struct when_result r;
    struct ch_error err;
    if (when_parse(word, &opt, &r, &err) != CH_OK)
        return ch_fail(&c->err, CH_INVALID, "%s%s%s",
                       e->kind == E_OPT ? e->name : "",
                       e->kind == E_OPT ? ": " : "", err.user);
    if (e->type == T_WHEN_END && r.date_only)
        r.utc_ms += 59 * MS_PER_SEC + 999;
    /* A bare date is not in the past until its day is: a deadline's
     * handler reads it in the assignee's zone and checks the instant. */
    int64_t floor = c->now;
    if (e->type == T_WHEN_START || (e->type == T_WHEN && r.date_only))
        floor = when_local_midnight(zone, c->now);
    if (r.utc_ms < floor)
        return ch_fail(
            &c->err, CH_INVALID, "%s%s%s is in the past (it is now %s)",
            e->kind == E_OPT ? e->name : "", e->kind == E_OPT ? ":" : "", word,
            ctx_time_for_caller(c, c->now));
    a->num = r.utc_ms;
    a->date_only = r.date_only;
    /* A date-only deadline is read by its handler in the assignee's
     * zone: it needs the date as typed. */
    struct local_time lt;
    if (r.date_only && tz_to_local(c->caller_zone, r.utc_ms, &lt) == CH_OK) {
        a->year = lt.year;
        a->month = lt.month;
        a->day = lt.day;
    }
    return CH_OK;
}

static enum ch_status
convert_amount(struct ctx *c, const char *word, struct arg *a)
{
    /* 500, 500.5, 500.50, 1,500.00, EUR500, 500EUR, $500, €500 */
    char cur[4] = "";
    const char *p = word;
    if (strncmp(p, "$", 1) == 0) {
        memcpy(cur, "USD", 4);
        p += 1;
    } else if (strncmp(p, "\xe2\x82\xac", 3) == 0) {
        memcpy(cur, "EUR", 4);
        p += 3;
    } else if (strncmp(p, "\xc2\xa3", 2) == 0) {
        memcpy(cur, "GBP", 4);
        p += 2;
    } else if (isupper((unsigned char)p[0]) && isupper((unsigned char)p[1]) &&
               isupper((unsigned char)p[2])) {
        memcpy(cur, p, 3);
        p += 3;
    }
    int64_t units = 0;
    int digits = 0;
    for (; isdigit((unsigned char)*p) || *p == ','; p++) {
        if (*p == ',')
            continue;
        if (units > INT64_C(100000000000))
            return ch_fail(&c->err, CH_INVALID, "fee %s is too large", word);
        units = units * 10 + (*p - '0');
        digits++;
    }
    int64_t cents = units * 100;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)p[0]))
            digits = 0;
        int frac = 0, nf = 0;
        while (isdigit((unsigned char)*p) && nf < 3) {
            frac = frac * 10 + (*p++ - '0');
            nf++;
        }
        if (nf == 1)
            frac *= 10;
        if (nf == 3)
            digits = 0;   /* more than cents: refuse */
        cents += frac;
    }
    if (!cur[0] && isupper((unsigned char)p[0]) &&
        isupper((unsigned char)p[1]) && isupper((unsigned char)p[2])) {
        memcpy(cur, p, 3);
        p += 3;
    }
    if (digits == 0 || *p)
        return ch_fail(&c->err, CH_INVALID,
                       "fee \"%.40s\" is not an amount (e.g. 500, 499.99, "
                       "500EUR)", word);
    a->num = cents;
    a->text = cur[0] ? arena_strdup(c->a, cur) : NULL;
    return CH_OK;
}

static enum ch_status
convert_choice(struct ctx *c, const struct cmd_elem *e, const char *word,
               struct arg *a)
{
    const char *p = e->choices;
    while (*p) {
        size_t n = strcspn(p, "|");
        if (strlen(word) == n && strncasecmp(p, word, n) == 0) {
            a->text = arena_strndup(c->a, p, n);
            return CH_OK;
        }
        p += n + (p[n] == '|');
    }
    char list[128];
    snprintf(list, sizeof(list), "%s", e->choices);
    for (char *q = list; *q; q++)
        if (*q == '|')
            *q = '/';
    return ch_fail(&c->err, CH_INVALID, "%s must be one of %s, not \"%.40s\"",
                   e->name, list, word);
}

/* A value parser's verdict (value.h).  A value given as an option is
 * refused under the option's name, as the configuration names its key:
 * "days: ..." when "hours 09:00-17:00 days:mon-fry" is refused. */
static enum ch_status
checked_value(struct ctx *c, const struct cmd_elem *e, enum ch_status st,
              const struct ch_error *err)
{
    if (st == CH_OK)
        return CH_OK;
    if (e->kind == E_OPT)
        return ch_fail(&c->err, st, "%s: %s", e->name, err->user);
    c->err = *err;
    return st;
}

static enum ch_status
convert(struct ctx *c, const struct cmd_elem *e, struct arg *a)
{
    const char *w = a->raw;
    struct ch_error err;
    enum ch_status st;
    a->text = w;
    switch (e->type) {
    case T_WORD:
        return CH_OK;
    case T_TEXT:
        if (utf8_length(w) > MAX_TEXT)
            return ch_fail(&c->err, CH_INVALID,
                           "%s is too long (%zu characters; at most %d)",
                           e->name, utf8_length(w), MAX_TEXT);
        if (str_blank(w))
            return ch_fail(&c->err, CH_INVALID, "%s may not be empty%s",
                           e->name, *w ? " or only spaces" : "");
        return CH_OK;
    case T_REST:
        if (utf8_length(w) > MAX_REST)
            return ch_fail(&c->err, CH_INVALID,
                           "the %s is too long (%zu characters; at most %d)",
                           e->name, utf8_length(w), MAX_REST);
        return CH_OK;
    case T_CAMPAIGN:
        return campaign_from_slug(c, w, &a->campaign);
    case T_NEW_SLUG:
        return convert_new_slug(c, w, a);
    case T_REF:
        return convert_ref(c, w, a);
    case T_SUBJECT:
    case T_ANY_SUBJECT:
        if (strchr(w, '#') && w[0] != '<')
            return convert_ref(c, w, a);
        if (e->type == T_ANY_SUBJECT && (w[0] == 'E' || w[0] == 'e') &&
            isdigit((unsigned char)w[1]))
            return convert_escalation(c, w, a);
        return campaign_from_slug(c, w, &a->campaign);
    case T_CAMPAIGN_OR_BRAND:
        return convert_campaign_or_brand(c, w, a);
    case T_ESCALATION:
        return convert_escalation(c, w, a);
    case T_QUESTION: {
        const char *p = (w[0] == 'Q' || w[0] == 'q') ? w + 1 : w;
        char *end;
        long n = strtol(p, &end, 10);
        if (p == w || *end || n < 1)
            return ch_fail(&c->err, CH_INVALID,
                           "\"%.40s\" is not a question id (they look like "
                           "Q7)", w);
        a->num = n;
        a->question = arena_alloc(c->a, sizeof(*a->question));
        if (store_question_get(c->st, c->a, n, a->question) != CH_OK)
            return ch_fail(&c->err, CH_NOT_FOUND, "there is no question Q%ld",
                           n);
        a->campaign = arena_alloc(c->a, sizeof(*a->campaign));
        if (store_campaign_get(c->st, c->a, a->question->campaign_id,
                               a->campaign) != CH_OK)
            return ch_fail(&c->err, CH_INTERNAL, "Q%ld has no campaign", n);
        return CH_OK;
    }
    case T_HOURS: {
        int from, to;
        st = value_hours(w, &from, &to, &err);
        if (st == CH_OK)
            a->num = from * 10000 + to;
        return checked_value(c, e, st, &err);
    }
    case T_DURATIONS: {
        /* Only checked here: the text is what is stored. */
        int64_t v[SETTINGS_MAX_NUDGES];
        size_t n;
        if (strcmp(w, "none") == 0)
            return CH_OK;
        st = value_durations(w, 0, SETTINGS_MAX_NUDGES, v, &n, &err);
        return checked_value(c, e, st, &err);
    }
    case T_LADDER: {
        /* Only checked here: the text is what is stored. */
        struct ladder l = { 0 };
        return checked_value(c, e, ladder_parse(w, &l, &err), &err);
    }
    case T_PERSON:
        return convert_person(c, w, a);
    case T_WHEN:
    case T_WHEN_START:
    case T_WHEN_END:
        return convert_when(c, e, w, a);
    case T_ZONE:
        return checked_value(c, e, value_zone(w, &err), &err);
    case T_FIELD: {
        int f = model_brief_field_index(w);
        if (f < 0) {
            const char *names[BRIEF_NFIELDS];
            for (int i = 0; i < BRIEF_NFIELDS; i++)
                names[i] = model_brief_fields[i].name;
            const char *guess = str_suggest(w, names, BRIEF_NFIELDS);
            struct buf b = BUF_INIT;
            for (int i = 0; i < BRIEF_NFIELDS; i++)
                buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
            ch_fail(&c->err, CH_INVALID,
                    "unknown brief field \"%.40s\"%s%s%s; fields: %s", w,
                    guess ? " (did you mean " : "", guess ? guess : "",
                    guess ? "?)" : "", buf_cstr(&b));
            buf_free(&b);
            return CH_INVALID;
        }
        a->num = f;
        return CH_OK;
    }
    case T_INT: {
        char *end;
        long long n = strtoll(w, &end, 10);
        if (*end || end == w || n < 1 || n > 10000)
            return ch_fail(&c->err, CH_INVALID,
                           "%s must be a whole number from 1 to 10000, not "
                           "\"%.40s\"", e->name, w);
        a->num = n;
        return CH_OK;
    }
    case T_AMOUNT:
        return convert_amount(c, w, a);
    case T_PERCENT: {
        char *end;
        long long n = strtoll(w, &end, 10);
        if (end != w && *end == '%')
            end++;
        if (*end || end == w || !isdigit((unsigned char)*w) || n > 100)
            return ch_fail(&c->err, CH_INVALID,
                           "%s: must be a percentage from 0 to 100 (what is "
                           "paid of the fee when the publish or fix window "
                           "is missed), not \"%.40s\"", e->name, w);
        a->num = n;
        return CH_OK;
    }
    case T_CHOICE:
        return convert_choice(c, e, w, a);
    case T_PLATFORM: {
        char lower[32];
        snprintf(lower, sizeof(lower), "%s", w);
        for (char *p = lower; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        int i = model_name_index(model_platforms, lower);
        if (i < 0) {
            size_t n = 0;
            while (model_platforms[n])
                n++;
            const char *guess = str_suggest(lower, model_platforms, n);
            return ch_fail(&c->err, CH_INVALID,
                           "unknown platform \"%.40s\"%s%s%s (instagram, "
                           "tiktok, youtube, twitch, x, ..., other)", w,
                           guess ? " (did you mean " : "",
                           guess ? guess : "", guess ? "?)" : "");
        }
        a->text = model_platforms[i];
        return CH_OK;
    }
    case T_LINK: {
        const char *host = str_starts_with_ci(w, "https://") ? w + 8
                           : str_starts_with_ci(w, "http://") ? w + 7
                                                              : NULL;
        /* Slack wraps links as <https://...> or <https://...|label>. */
        if (w[0] == '<') {
            char *inner = arena_strdup(c->a, w + 1);
            inner[strcspn(inner, "|>")] = '\0';
            a->raw = inner;
            return convert(c, e, a);
        }
        if (utf8_length(w) > MAX_LINK)
            return ch_fail(&c->err, CH_INVALID,
                           "the link is too long (%zu characters; at most "
                           "%d)", utf8_length(w), MAX_LINK);
        if (host == NULL || !*host || *host == '/')
            return ch_fail(&c->err, CH_INVALID,
                           "\"%.60s\" is not a link (give the http:// or "
                           "https:// address of the draft)", w);
        return CH_OK;
    }
    case T_RUBRIC: {
        static const char *const points[] = { "visible", "message",
                                              "engagement" };
        unsigned mask = 0;
        const char *p = w;
        while (*p) {
            size_t n = strcspn(p, ",");
            int found = -1;
            for (int i = 0; i < 3; i++)
                if (strlen(points[i]) == n && strncasecmp(p, points[i], n) == 0)
                    found = i;
            if (found < 0)
                return ch_fail(&c->err, CH_INVALID,
                               "fail: takes visible, message and/or "
                               "engagement (comma-separated), not "
                               "\"%.*s\"", (int)(n > 40 ? 40 : n), p);
            mask |= 1u << found;
            p += n + (p[n] == ',');
        }
        a->num = mask;
        return CH_OK;
    }
    case T_DURATION:
        /* More than zero: durations are whole seconds at least. */
        st = value_duration(w, MS_PER_SEC, &a->num, &err);
        return checked_value(c, e, st, &err);
    case T_CLOCK: {
        int m;
        st = value_clock(w, &m, &err);
        if (st == CH_OK)
            a->num = m;
        return checked_value(c, e, st, &err);
    }
    case T_DAY: {
        int day;
        st = value_day(w, &day, &err);
        if (st == CH_OK)
            a->num = day;
        return checked_value(c, e, st, &err);
    }
    case T_DAYS: {
        unsigned mask;
        st = value_days(w, &mask, &err);
        if (st == CH_OK)
            a->num = mask;
        return checked_value(c, e, st, &err);
    }
    }
    return CH_INTERNAL;
}

/* --- binding ---------------------------------------------------------- */

static const char *
rest_of_line(struct ctx *c, const struct token *t, const char *line)
{
    (void)line;
    /* A lone quoted rest ("too dark") is its contents; otherwise the text
     * is kept exactly as typed. */
    size_t len = strlen(t->raw);
    while (len && (t->raw[len - 1] == ' ' || t->raw[len - 1] == '\n' ||
                   t->raw[len - 1] == '\r' || t->raw[len - 1] == '\t'))
        len--;
    if (t->quoted && t->rawlen == len)
        return t->text;
    return arena_strndup(c->a, t->raw, len);
}

/* A word that takes quotes (an option's value, a positional) with one
 * left open. */
static enum ch_status
unclosed_quote(struct ctx *c, const struct token *t)
{
    size_t len = strlen(t->raw);
    while (len && strchr(" \t\r\n", t->raw[len - 1]))
        len--;
    return ch_fail(&c->err, CH_INVALID, "missing closing quote after %.*s",
                   (int)utf8_cut(t->raw, len, 40), t->raw);
}

static enum ch_status
bind(struct ctx *c, const struct cmd_form *f, struct token *toks, size_t ntok,
     const char *line, struct cmd_parsed *out)
{
    size_t pos[CMD_MAX_ELEMS], npos = 0;
    ssize_t rest = -1;
    for (size_t i = 0; i < f->nelems; i++) {
        out->args[i].elem = &f->elems[i];
        if (f->elems[i].kind == E_POS || f->elems[i].kind == E_LIT)
            pos[npos++] = i;
        else if (f->elems[i].kind == E_REST)
            rest = (ssize_t)i;
    }
    size_t next_pos = 0;
    for (size_t ti = 1; ti < ntok; ti++) {
        struct token *t = &toks[ti];
        if (t->key && form_has_option(f, t->key)) {
            if (t->unclosed)
                return unclosed_quote(c, t);
            for (size_t i = 0; i < f->nelems; i++) {
                struct arg *a = &out->args[i];
                if (f->elems[i].kind != E_OPT ||
                    strcmp(f->elems[i].name, t->key) != 0)
                    continue;
                if (a->present)
                    return usage_error(c, f, "%s: is given twice", t->key);
                a->present = true;
                a->raw = t->value;
            }
            continue;
        }
        /* Skip optional positionals that this token cannot fill. */
        while (next_pos < npos) {
            const struct cmd_elem *e = &f->elems[pos[next_pos]];
            if (e->kind == E_POS && !e->required && rest >= 0 &&
                t->unclosed) {
                next_pos++;     /* free text, quote and all */
                continue;
            }
            if (e->kind == E_POS && !e->required && rest >= 0) {
                struct arg probe = { .elem = e, .raw = t->text };
                struct ch_error saved = c->err;
                enum ch_status s = convert(c, e, &probe);
                c->err = saved;
                if (s != CH_OK) {
                    next_pos++;
                    continue;
                }
            }
            break;
        }
        if (next_pos < npos) {
            if (t->unclosed)
                return unclosed_quote(c, t);
            struct arg *a = &out->args[pos[next_pos++]];
            a->present = true;
            a->raw = t->text;
            continue;
        }
        if (rest >= 0) {
            struct arg *a = &out->args[rest];
            a->present = true;
            a->raw = rest_of_line(c, t, line);
            break;
        }
        if (t->key) {
            const char *opts[CMD_MAX_ELEMS];
            size_t no = 0;
            for (size_t i = 0; i < f->nelems; i++)
                if (f->elems[i].kind == E_OPT)
                    opts[no++] = f->elems[i].name;
            const char *guess = str_suggest(t->key, opts, no);
            if (guess)
                return usage_error(c, f, "unknown option %s: (did you mean "
                                   "%s:?)", t->key, guess);
            if (no)
                return usage_error(c, f, "unknown option %s:", t->key);
        }
        if (t->unclosed)
            return unclosed_quote(c, t);
        return usage_error(c, f, "unexpected \"%.60s\"", t->text);
    }
    for (size_t i = 0; i < f->nelems; i++) {
        const struct cmd_elem *e = &f->elems[i];
        if (!e->required || out->args[i].present || e->kind == E_LIT)
            continue;
        if (e->kind == E_REST)
            return usage_error(c, f, "a %s is required", e->name);
        if (e->kind == E_OPT)
            return usage_error(c, f, "missing %s", e->display);
        /* A word that went to an earlier place may be the one missing
         * ("every 10:00": no days): say what is wrong with it first. */
        for (size_t k = 0; k < i; k++) {
            struct arg probe = out->args[k];
            if (!probe.present || f->elems[k].kind != E_POS ||
                f->elems[k].type == T_PERSON)
                continue;
            enum ch_status s = convert(c, &f->elems[k], &probe);
            if (s != CH_OK)
                return s;
        }
        return usage_error(c, f, "missing %s", e->display);
    }
    /* Dates are read in the zone of whoever for: names, so that person
     * is found first; then the rest in pattern order, so the first
     * problem is reported. */
    out->zone = c->caller_zone;
    for (size_t i = 0; i < f->nelems; i++) {
        struct arg *a = &out->args[i];
        const struct cmd_elem *e = &f->elems[i];
        if (!a->present || e->kind != E_OPT || e->type != T_PERSON ||
            strcmp(e->name, "for") != 0)
            continue;
        enum ch_status s = convert(c, e, a);
        if (s != CH_OK)
            return s;
        out->zone = ctx_person_zone(c, a->person);
    }
    for (size_t i = 0; i < f->nelems; i++) {
        struct arg *a = &out->args[i];
        const struct cmd_elem *e = &f->elems[i];
        if (!a->present || e->kind == E_LIT || a->person)
            continue;
        if (e->kind == E_REST && str_blank(a->raw)) {
            /* Spaces say nothing: no note, or no reason where one is
             * needed. */
            if (e->required && a->raw[0])
                return usage_error(c, f, "a %s of only spaces says nothing: "
                                   "write the %s", e->name, e->name);
            if (e->required)
                return usage_error(c, f, "a %s is required", e->name);
            a->present = false;
            continue;
        }
        enum ch_status s = convert(c, e, a);
        if (s != CH_OK)
            return s;
        if (out->campaign == NULL && a->campaign)
            out->campaign = a->campaign;
    }
    if (out->campaign == NULL && c->in_channel)
        out->campaign = &c->here;
    return CH_OK;
}

/* --- permission ------------------------------------------------------- */

void
command_roles_needed(const struct ctx *c, unsigned actions, char *out,
                     size_t outlen)
{
    unsigned roles = 0;
    for (int a = 0; a < ACT_COUNT; a++)
        if (actions & ACTS(a))
            roles |= c->set->perms.roles[a];
    if (roles & ROLE_ANYONE)
        snprintf(out, outlen, "anyone");
    else
        model_role_describe(roles, out, outlen);
}

static unsigned
caller_roles(struct ctx *c, const struct campaign *cp)
{
    unsigned roles = c->caller_admin ? ROLE_ADMIN : 0;
    if (!c->has_caller)
        return roles;
    if (cp)
        return roles | store_participant_role_in(c->st, cp->id, c->caller.id,
                                                 NULL, c->a);
    return roles | store_participant_roles_anywhere(c->st, c->caller.id);
}

static enum ch_status
check_permission(struct ctx *c, const struct cmd_form *f,
                 struct cmd_parsed *p)
{
    p->roles = caller_roles(c, p->campaign);
    unsigned actions = f->spec->actions;
    for (int a = 0; a < ACT_COUNT; a++)
        if ((actions & ACTS(a)) && perm_allows(&c->set->perms, a, p->roles))
            return CH_OK;
    /* Relations the table cannot express. */
    const struct arg *ref = NULL;
    for (size_t i = 0; i < f->nelems; i++)
        if (p->args[i].deliv)
            ref = &p->args[i];
    if ((actions & ACTS(ACT_SUBMIT)) && ref && c->has_caller &&
        ref->deliv->creator_id == c->caller.id)
        return CH_OK;
    if (actions & ACTS(ACT_HANDLE_ESCALATION))
        return CH_OK;   /* the ladder decides: see cmd_escalate.c */
    /* A brand lead of the campaign's brand, in any of its campaigns, may
     * add brand leads to this one (cmd_campaign.c checks the role). */
    if ((actions & ACTS(ACT_GRANT_BRAND)) && p->campaign && c->has_caller &&
        perm_allows(&c->set->perms, ACT_GRANT_BRAND, ROLE_BRAND) &&
        store_participant_brand_lead(c->st, p->campaign->brand_id,
                                     c->caller.id))
        return CH_OK;
    /* "tz <yourself> <zone>" is setting your own. */
    if (actions & ACTS(ACT_FOR_OTHERS)) {
        for (size_t i = 0; i < f->nelems; i++)
            if (p->args[i].person && c->has_caller &&
                p->args[i].person->id == c->caller.id &&
                perm_allows(&c->set->perms, ACT_SELF, p->roles))
                return CH_OK;
    }
    char need[128];
    command_roles_needed(c, actions, need, sizeof(need));
    if (actions & ACTS(ACT_SUBMIT))
        return ch_fail(&c->err, CH_DENIED,
                       "%s: only the deliverable's creator, or a %s, may do "
                       "this", f->spec->name, need);
    /* Being a workspace admin is not a role in the campaign: an admin
     * who is not part of it is told so, not "you are admin there". */
    if (p->campaign && !(p->roles & ~ROLE_ADMIN))
        return ch_fail(&c->err, CH_DENIED,
                       "%s needs the role %s in %s; you are %snot part of %s",
                       f->spec->name, need, p->campaign->slug,
                       c->caller_admin ? "a workspace admin but " : "",
                       p->campaign->slug);
    if (p->campaign) {
        char have[64];
        model_role_held(p->roles & ~ROLE_ADMIN, have, sizeof(have));
        return ch_fail(&c->err, CH_DENIED,
                       "%s needs the role %s in %s; you are %s there%s",
                       f->spec->name, need, p->campaign->slug, have,
                       c->caller_admin ? " (and a workspace admin)" : "");
    }
    return ch_fail(&c->err, CH_DENIED, "%s needs the role %s",
                   f->spec->name, need);
}

/* --- running ---------------------------------------------------------- */

enum ch_status
command_run(struct ctx *c, const char *line)
{
    char err[160];
    if (!command_compile(err, sizeof(err)))
        return ch_fail(&c->err, CH_INTERNAL, "command table: %s", err);
    struct token *toks;
    size_t ntok = 0;
    tokenize(c, line, &toks, &ntok);
    if (ntok == 0)
        return ch_fail(&c->err, CH_INVALID,
                       "no command given. Type help for the list.");
    /* "/campaign approve ..." typed in full (a mention, the console). */
    size_t skip = 0;
    if (strcasecmp(toks[0].text, "/campaign") == 0 ||
        strcasecmp(toks[0].text, "campaign") == 0) {
        skip = 1;
        if (ntok == 1)
            return ch_fail(&c->err, CH_INVALID,
                           "no command given. Type help for the list.");
    }
    toks += skip;
    ntok -= skip;
    const char *name;
    enum ch_status s = find_command(c, toks[0].text, &name);
    if (s != CH_OK)
        return s;

    const struct cmd_form *best = NULL;
    int best_score = -1;
    for (size_t i = 0; i < nforms; i++) {
        if (strcmp(forms[i].spec->name, name) != 0)
            continue;
        int sc = form_score(&forms[i], toks, ntok);
        if (sc > best_score) {
            best = &forms[i];
            best_score = sc;
        }
    }
    if (best == NULL) {
        struct buf b = BUF_INIT;
        command_usage(ctx_command_lead(c), name, &b);
        ch_fail(&c->err, CH_INVALID, "%s: that form is not known\n%s", name,
                buf_cstr(&b));
        buf_free(&b);
        return CH_INVALID;
    }
    struct cmd_parsed *p = arena_alloc(c->a, sizeof(*p));
    p->form = best;
    c->cmd = p;
    s = bind(c, best, toks, ntok, line, p);
    if (s != CH_OK)
        return s;
    s = check_permission(c, best, p);
    if (s != CH_OK)
        return s;
    metrics_count("chorus_commands_total", "command", best->spec->name, 1);
    /* A closed campaign changes no more (its channel is archived): what
     * reads it, `close` itself (it says so), feedback for its report and
     * its settings and its exports still work. */
    static const char *const after_close[] = { "close", "export",
                                               "feedback", "settings" };
    bool open_after = best->spec->read_only;
    for (size_t i = 0; i < sizeof(after_close) / sizeof(*after_close); i++)
        open_after |= strcmp(best->spec->name, after_close[i]) == 0;
    if (p->campaign && p->campaign->state == CAMPAIGN_CLOSED && !open_after)
        return ch_fail(&c->err, CH_CONFLICT,
                       "%s is closed: nothing in it changes any more "
                       "(report %s still shows it)",
                       p->campaign->slug, p->campaign->slug);
    return best->spec->run(c);
}

const struct arg *
command_arg(const struct ctx *c, const char *name)
{
    const struct cmd_parsed *p = c->cmd;
    if (p == NULL)
        return NULL;
    for (size_t i = 0; i < p->form->nelems; i++)
        if (p->args[i].present && strcmp(p->form->elems[i].name, name) == 0)
            return &p->args[i];
    return NULL;
}

const char *
command_arg_text(const struct ctx *c, const char *name)
{
    const struct arg *a = command_arg(c, name);
    return a ? a->text : NULL;
}

/* --- help --------------------------------------------------------------- */

/* The form that says what a command is for: the one with the fewest
 * literal words, then the fewest required elements ("deliverable <slug>
 * <creator> ..." rather than "deliverable <ref> cancel ..."). */
static const struct cmd_form *
primary_form(const char *name)
{
    const struct cmd_form *best = NULL;
    int best_cost = 1 << 30;
    for (size_t i = 0; i < nforms; i++) {
        if (strcmp(forms[i].spec->name, name) != 0)
            continue;
        int cost = 0;
        for (size_t j = 0; j < forms[i].nelems; j++)
            cost += forms[i].elems[j].kind == E_LIT ? 100
                    : forms[i].elems[j].required;
        if (cost < best_cost) {
            best = &forms[i];
            best_cost = cost;
        }
    }
    return best;
}

static bool
may_use(struct ctx *c, const char *name, unsigned roles)
{
    for (size_t i = 0; i < nforms; i++) {
        if (strcmp(forms[i].spec->name, name) != 0)
            continue;
        for (int a = 0; a < ACT_COUNT; a++)
            if ((forms[i].spec->actions & ACTS(a)) &&
                perm_allows(&c->set->perms, a, roles))
                return true;
        /* Creators may submit their own work. */
        if ((forms[i].spec->actions & ACTS(ACT_SUBMIT)) &&
            (roles & ROLE_CREATOR))
            return true;
        if (forms[i].spec->actions & ACTS(ACT_HANDLE_ESCALATION) &&
            (roles & ~ROLE_CREATOR))
            return true;
    }
    return false;
}

/* One form in help <command>: its usage, example and who may use it. */
static void
help_form(struct ctx *c, const char *name, const struct cmd_form *f)
{
    struct buf u = BUF_INIT;
    for (size_t j = 0; j < f->nelems; j++)
        buf_printf(&u, " %s", f->elems[j].display);
    char need[128];
    command_roles_needed(c, f->spec->actions, need, sizeof(need));
    ctx_reply(c, "  usage:   %s%s%s", ctx_command_lead(c), name, buf_cstr(&u));
    ctx_reply(c, "  example: %s%s", ctx_command_lead(c), f->spec->example);
    ctx_reply(c, "  who:     %s%s", need,
          (f->spec->actions & ACTS(ACT_SUBMIT))
              ? " (and the deliverable's creator)"
          : (f->spec->actions & ACTS(ACT_HANDLE_ESCALATION))
              ? " (and whoever it is addressed to, or above)"
              : "");
    buf_free(&u);
}

void
command_help(struct ctx *c, const char *topic)
{
    size_t n;
    command_forms(&n);
    if (topic) {
        const char *name;
        char word[48];
        snprintf(word, sizeof(word), "%s", topic);
        if (find_command(c, word, &name) != CH_OK) {
            ctx_reply(c, "%s", c->err.user);
            c->err.user[0] = '\0';
            return;
        }
        /* What the command is for first, then its other forms. */
        const struct cmd_form *primary = primary_form(name);
        ctx_reply(c, "%s — %s", name, primary->spec->summary);
        help_form(c, name, primary);
        const struct cmd_spec *last = primary->spec;
        for (size_t i = 0; i < nforms; i++) {
            const struct cmd_form *f = &forms[i];
            if (f == primary || strcmp(f->spec->name, name) != 0)
                continue;
            if (strcmp(last->summary, f->spec->summary) != 0)
                ctx_reply(c, "  %s", f->spec->summary);
            last = f->spec;
            help_form(c, name, f);
        }
        return;
    }
    unsigned roles = c->in_channel ? caller_roles(c, &c->here)
                                   : caller_roles(c, NULL);
    size_t nn = command_names();
    ctx_reply(c, "Commands you can use%s (type help <command> for details):",
              c->in_channel ? " here" : "");
    for (size_t i = 0; i < nn; i++) {
        if (!may_use(c, unique_names[i], roles))
            continue;
        const struct cmd_form *basic = primary_form(unique_names[i]);
        ctx_reply(c, "  %-11s %s", unique_names[i], basic->spec->summary);
    }
}
