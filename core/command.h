/*
 * command: the one command grammar of every platform, driven by one
 * table (cmd_table.c).
 *
 * Each table entry is one form of a command: its name, a pattern written
 * in the product grammar, a summary, an example and the permission
 * actions it needs.  The patterns are compiled once; from them come the
 * parser, argument checks, permission checks, `help`, and the platforms'
 * command registration.  Pipeline for a line:
 *   tokenize -> find the command (exact or unique prefix) -> pick the form
 *   -> bind tokens to pattern elements -> convert and resolve each value
 *   (campaigns, deliverables, people, times in the caller's zone) ->
 *   check permission -> run the handler.
 * Pattern syntax (see cmd_table.c for every form):
 *   word            a literal ("set", "move")
 *   <name>          a required positional; "<title>" shows quotes
 *   [<name>]        optional positional
 *   key:<name>      a required option; [key:<name>] an optional one
 *   <name...>       the free text that ends the line; [<name...>] optional
 *   E<N> Q<N>       an escalation or question reference
 *   <a|b|c>         one of the listed words
 *   <name:note>     a typed variant (slug:new, when:start, when:end)
 * The element name decides the type (slug, ref, person, creator, when,
 * zone, field, n, amount, platform, link, ...).
 */
#ifndef CHORUS_COMMAND_H
#define CHORUS_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "perm.h"
#include "status.h"

struct ctx;
struct buf;
struct question;

enum arg_type {
    T_WORD,         /* any single token */
    T_TEXT,         /* a single (quoted) value: a title, a brand name */
    T_REST,         /* the rest of the line */
    T_CAMPAIGN,     /* an existing campaign slug (or #channel mention) */
    T_NEW_SLUG,     /* a slug not yet taken */
    T_REF,          /* slug#N, or #N in the campaign's channel */
    T_SUBJECT,      /* a ref or a slug */
    T_ANY_SUBJECT,  /* a ref, a slug, or E<N> */
    T_ESCALATION,   /* E<N> */
    T_QUESTION,     /* Q<N> */
    T_PERSON,
    T_WHEN,         /* a due time: a bare date means 18:00; future only */
    T_WHEN_START,   /* a bare date means 00:00; today or later */
    T_WHEN_END,     /* a bare date means the end of that day */
    T_ZONE,
    T_FIELD,        /* a brief field */
    T_INT,
    T_AMOUNT,       /* money: 500, 500.50, 500EUR, EUR500 */
    T_CHOICE,
    T_PLATFORM,     /* a content platform (instagram, tiktok...) */
    T_LINK,
    T_RUBRIC,       /* visible,message,engagement */
    T_DURATION,
    T_CLOCK,        /* HH:MM */
    T_DAY,          /* one day of the week: mon or monday */
    T_DAYS,         /* mon,thu or mon-fri */
    T_HOURS,        /* 09:00-18:00 */
    T_DURATIONS,    /* 48h,4h or none */
    T_LADDER,       /* coordinator:4h,brand:24h (ladder.h) */
    T_PERCENT,      /* 0..100, with or without a trailing % */
    T_CAMPAIGN_OR_BRAND, /* a campaign slug, else a brand's name */
};

enum elem_kind { E_LIT, E_POS, E_OPT, E_REST };

struct cmd_elem {
    enum elem_kind kind;
    bool           required;
    const char    *name;      /* placeholder or option key */
    enum arg_type  type;
    const char    *choices;   /* T_CHOICE: "a|b|c" */
    char           display[64];
};

typedef enum ch_status cmd_fn(struct ctx *c);

#define ACTS(a) (1u << (a))

struct cmd_spec {
    const char *name;
    const char *pattern;    /* after the name */
    const char *summary;
    const char *example;    /* after "/campaign " */
    unsigned    actions;    /* ACTS(...): the caller needs any of these */
    cmd_fn     *run;
    bool        read_only;  /* changes nothing: a retry just runs again */
    /* A press of one of its buttons leaves the message's buttons in
     * place: they may be pressed again (a standup answer changed). */
    bool        keeps_buttons;
};

extern const struct cmd_spec cmd_table[];
extern const size_t cmd_table_len;

#define CMD_MAX_ELEMS 16

struct cmd_form {
    const struct cmd_spec *spec;
    struct cmd_elem        elems[CMD_MAX_ELEMS];
    size_t                 nelems;
};

/* A bound and converted argument. */
struct arg {
    const struct cmd_elem *elem;
    bool                   present;
    const char            *raw;
    const char            *text;      /* normalised string value */
    int64_t                num;       /* int, time, cents, mask, field */
    bool                   date_only;
    int                    year, month, day;  /* date_only: the date typed */
    struct campaign       *campaign;
    struct deliverable    *deliv;
    struct person         *person;
    struct escalation     *esc;
    struct question       *question;
};

struct cmd_parsed {
    const struct cmd_form *form;
    struct arg             args[CMD_MAX_ELEMS];
    struct campaign       *campaign;  /* the campaign it acts on, if any */
    unsigned               roles;     /* the caller's roles there */
    /* Where dates and times are read: the caller's zone, or the zone of
     * the person a for: option names (time off set for Lucy is in her
     * days). */
    const char            *zone;
};

/* Compile the table; false (with a message) for a broken table. */
bool command_compile(char *err, size_t errlen);
/* Compiled forms, for help and platform registration. */
const struct cmd_form *command_forms(size_t *n);

/* Parse, check and run one command line as ctx's caller.  The reply (or
 * the error, in c->err) is left in the ctx. */
enum ch_status command_run(struct ctx *c, const char *line);

/* Whether a line starts with a command's name (or a prefix of one). */
bool command_is_known(const char *line);

/* The argument bound to element `name`, or NULL when absent. */
const struct arg *command_arg(const struct ctx *c, const char *name);
const char *command_arg_text(const struct ctx *c, const char *name);

/* Refuse the running command's arguments as the parser refuses them:
 * what is wrong, then its form's usage line (for rules a pattern cannot
 * say, such as "draft: unless week: stands for it"). */
enum ch_status command_usage_error(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "usage: <lead>approve <ref> [<note...>]" lines for a command name;
 * lead as ctx_command_lead() gives it. */
void command_usage(const char *lead, const char *name, struct buf *out);
/* Help: the list, or one command in detail. */
void command_help(struct ctx *c, const char *topic);
/* The roles allowed for a spec's actions, for messages. */
void command_roles_needed(const struct ctx *c, unsigned actions, char *out,
                          size_t outlen);

#endif
