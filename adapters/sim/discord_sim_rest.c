/*
 * discord_sim_rest: the REST API v10: routes, rate-limit buckets and the
 * global limit, validation, errors.
 *
 * Every request goes through the same steps, in this order:
 *   route lookup (404 / 405) -> injected fault -> Authorization (401)
 *   -> global limit (429 global) -> route bucket (429 user)
 *   -> Content-Type and JSON body (50035 / 50109) -> snowflake params
 *   -> the route's handler
 * and is logged with its parsed body and response.  Rate-limit headers go
 * on every response that got past the bucket step.
 *
 * Buckets are keyed like Discord's: the route's bucket name plus its major
 * parameter (channel id, guild id, webhook id + token; interaction
 * callbacks by interaction id), fixed windows starting at the first
 * request.  Budgets come from the route table, discord_sim_set_budget(),
 * or the defaults.
 */
#include "discord_sim_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

#define MAX_PARAMS 4

/* Message flags a bot may set on create. */
#define FLAG_SUPPRESS_EMBEDS  4u
#define FLAG_EPHEMERAL        64u
#define FLAG_LOADING          128u
#define FLAG_SUPPRESS_NOTIFY  4096u
#define FLAG_COMPONENTS_V2    32768u

struct rest_ctx {
    struct discord_sim       *sim;
    const struct sim_request *rq;
    struct sim_response      *rs;
    const char               *p[MAX_PARAMS];   /* captured path segments */
    const cJSON              *body;            /* NULL when none */
};

typedef void route_fn(struct rest_ctx *x);

struct route {
    const char *method;
    const char *pattern;        /* {id}: a snowflake, {token}: anything */
    route_fn   *fn;
    const char *bucket;         /* routes with one name share a bucket */
    int         limit;          /* 0: the default budget */
    int         window_ms;
    bool        no_auth;        /* the token in the URL is the credential */
    bool        no_global;      /* exempt from the 50/s global limit */
};

/* ---- errors ---- */

void
discord_sim_rest_resp_error(struct sim_response *rs, int status, int code,
                            const char *message, cJSON *errors)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "message", message);
    cJSON_AddNumberToObject(o, "code", code);
    if (errors)
        cJSON_AddItemToObject(o, "errors", errors);
    sim_server_json(rs, status, o);
}

static void
fail(struct rest_ctx *x, int status, int code, const char *message)
{
    discord_sim_rest_resp_error(x->rs, status, code, message, NULL);
}

/* errors.<path>._errors += {code, message}; path like "0.options.1.name". */
static void
form_error(cJSON *errors, const char *path, const char *code,
           const char *message)
{
    cJSON *node = errors, *list, *e;
    char seg[64];
    const char *p = path;

    while (*p) {
        size_t n = strcspn(p, ".");
        cJSON *next;

        snprintf(seg, sizeof(seg), "%.*s", (int)n, p);
        next = cJSON_GetObjectItemCaseSensitive(node, seg);
        if (!next)
            next = cJSON_AddObjectToObject(node, seg);
        node = next;
        p += n;
        if (*p == '.')
            p++;
    }
    list = cJSON_GetObjectItemCaseSensitive(node, "_errors");
    if (!list)
        list = cJSON_AddArrayToObject(node, "_errors");
    e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    cJSON_AddItemToArray(list, e);
}

/* 400 50035 with the collected errors, if any; true when it failed. */
static bool
fail_form(struct rest_ctx *x, cJSON *errors)
{
    if (cJSON_GetArraySize(errors) == 0) {
        cJSON_Delete(errors);
        return false;
    }
    discord_sim_rest_resp_error(x->rs, 400, 50035, "Invalid Form Body", errors);
    return true;
}

static void
reply_json(struct rest_ctx *x, int status, cJSON *body)
{
    sim_server_json(x->rs, status, body);
}

static bool
ids_equal(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* ---- names ---- */

char *
discord_sim_rest_channel_name(const char *name)
{
    struct buf b = BUF_INIT;
    bool dash = false;

    /* Text channel names are lower case, spaces become '-', and only
     * [a-z0-9-_] (plus non-ASCII letters) survive; runs of '-' collapse. */
    for (const unsigned char *s = (const unsigned char *)name; *s; s++) {
        unsigned char c = *s;

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (c == ' ' || c == '\t' || c == '-') {
            if (!dash && b.len)
                buf_addc(&b, '-');
            dash = true;
            continue;
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
            c >= 0x80) {
            buf_addc(&b, (char)c);
            dash = false;
        }
    }
    while (b.len && b.data[b.len - 1] == '-')
        b.data[--b.len] = '\0';
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* Command and option names: 1-32, lower case where a letter has a case;
 * letters, digits, '-', '_', '\'' (non-ASCII letters pass). */
static bool
command_name_ok(const char *s, bool chat_input)
{
    size_t n = utf8_length(s);

    if (n < 1 || n > 32)
        return false;
    if (!chat_input)
        return true;    /* user/message commands allow spaces and case */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '\'' || *p >= 0x80))
            return false;
    return true;
}

/* ---- validation: messages and components ---- */

static bool
is_select(int type)
{
    return type == 3 || (type >= 5 && type <= 8);
}

static void
validate_components(const cJSON *rows, cJSON *errors)
{
    const cJSON *row, *c;
    char path[96];
    int r = 0;
    cJSON *seen = cJSON_CreateArray();

    if (!cJSON_IsArray(rows)) {
        form_error(errors, "components", "BASE_TYPE_ARRAY",
                   "Must be an array.");
        cJSON_Delete(seen);
        return;
    }
    if (cJSON_GetArraySize(rows) > 5)
        form_error(errors, "components", "BASE_TYPE_BAD_LENGTH",
                   "Must be between 0 and 5 in length.");
    cJSON_ArrayForEach(row, rows) {
        const cJSON *rtype = json_get(row, "type");
        const cJSON *kids = json_get(row, "components");
        int n = cJSON_GetArraySize(kids), k = 0;

        if (!cJSON_IsNumber(rtype) || rtype->valueint != 1 ||
            !cJSON_IsArray(kids) || n < 1 || n > 5) {
            snprintf(path, sizeof(path), "components.%d", r);
            form_error(errors, path, "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                       "An action row needs 1 to 5 components.");
            r++;
            continue;
        }
        cJSON_ArrayForEach(c, kids) {
            const cJSON *type = json_get(c, "type");
            const cJSON *style = json_get(c, "style");
            const char *cid = json_string(c, "custom_id");
            const char *label = json_string(c, "label");
            int t = cJSON_IsNumber(type) ? type->valueint : 0;
            int st = cJSON_IsNumber(style) ? style->valueint : 0;

            snprintf(path, sizeof(path), "components.%d.components.%d", r,
                     k);
            if (t == 2) {
                if (st < 1 || st > 6)
                    form_error(errors, path, "BASE_TYPE_CHOICES",
                               "Value must be one of (1, 2, 3, 4, 5, 6).");
                else if (st == 5 && (!json_string(c, "url") || cid))
                    form_error(errors, path, "BUTTON_COMPONENT_INVALID_URL",
                               "A link button needs url and no custom_id.");
                else if (st < 5 && !cid)
                    form_error(errors, path,
                               "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                               "A custom id is required");
                if (label && utf8_length(label) > 80)
                    form_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                               "label: Must be 80 or fewer in length.");
            } else if (is_select(t)) {
                if (n != 1)
                    form_error(errors, path,
                               "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                               "A select menu fills its row.");
                if (!cid)
                    form_error(errors, path, "BASE_TYPE_REQUIRED",
                               "custom_id: This field is required");
            } else
                form_error(errors, path, "UNION_TYPE_CHOICES",
                           "Value of field \"type\" must be one of "
                           "(2, 3, 5, 6, 7, 8).");
            if (cid) {
                const cJSON *s;

                if (utf8_length(cid) < 1 || utf8_length(cid) > 100)
                    form_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                               "custom_id: Must be between 1 and 100 in "
                               "length.");
                cJSON_ArrayForEach(s, seen)
                    if (strcmp(s->valuestring, cid) == 0)
                        form_error(errors, path,
                                   "COMPONENT_CUSTOM_ID_DUPLICATED",
                                   "Component custom id cannot be "
                                   "duplicated");
                cJSON_AddItemToArray(seen, cJSON_CreateString(cid));
            }
            k++;
        }
        r++;
    }
    cJSON_Delete(seen);
}

/* Collects form errors for a message body; edit: all fields optional. */
static void
validate_message(const cJSON *b, bool edit, cJSON *errors)
{
    const cJSON *content = json_get(b, "content");
    const cJSON *embeds = json_get(b, "embeds");
    const cJSON *comps = json_get(b, "components");
    const cJSON *flags = json_get(b, "flags");
    const cJSON *nonce = json_get(b, "nonce");

    if (content && !cJSON_IsNull(content)) {
        if (!cJSON_IsString(content))
            form_error(errors, "content", "BASE_TYPE_STRING",
                       "Must be a string.");
        else if (utf8_length(content->valuestring) > 2000)
            form_error(errors, "content", "BASE_TYPE_MAX_LENGTH",
                       "Must be 2000 or fewer in length.");
    }
    if (embeds && !cJSON_IsNull(embeds) &&
        (!cJSON_IsArray(embeds) || cJSON_GetArraySize(embeds) > 10))
        form_error(errors, "embeds", "BASE_TYPE_MAX_LENGTH",
                   "Must be 10 or fewer in length.");
    else if (cJSON_IsArray(embeds)) {
        /* An embed's description: 4 096 characters; all embeds of a
         * message together: 6 000. */
        const cJSON *e;
        size_t total = 0;
        int i = 0;

        cJSON_ArrayForEach(e, embeds) {
            const char *d = json_string(e, "description");
            const char *t = json_string(e, "title");
            size_t n = d ? utf8_length(d) : 0;
            char path[48];

            if (n > 4096) {
                snprintf(path, sizeof(path), "embeds.%d.description", i);
                form_error(errors, path, "BASE_TYPE_MAX_LENGTH",
                           "Must be 4096 or fewer in length.");
            }
            total += n + (t ? utf8_length(t) : 0);
            i++;
        }
        if (total > 6000)
            form_error(errors, "embeds", "MAX_EMBED_SIZE_EXCEEDED",
                       "Embed size exceeds maximum size of 6000");
    }
    if (comps && !cJSON_IsNull(comps))
        validate_components(comps, errors);
    if (cJSON_IsNumber(flags) &&
        ((unsigned)flags->valueint & FLAG_COMPONENTS_V2) &&
        ((cJSON_IsString(content) && content->valuestring[0]) ||
         cJSON_GetArraySize(embeds) > 0))
        form_error(errors, "content", "MESSAGE_CANNOT_USE_LEGACY_FIELDS"
                   "_WITH_COMPONENTS_V2",
                   "The 'content' field cannot be used when using "
                   "MessageFlags.IS_COMPONENTS_V2");
    if (cJSON_IsString(nonce) && strlen(nonce->valuestring) > 25)
        form_error(errors, "nonce", "BASE_TYPE_MAX_LENGTH",
                   "Must be 25 or fewer in length.");
    (void)edit;
}

static bool
message_empty(const cJSON *b)
{
    const char *content = json_string(b, "content");

    return !(content && content[0]) &&
           cJSON_GetArraySize(json_get(b, "embeds")) == 0 &&
           cJSON_GetArraySize(json_get(b, "components")) == 0 &&
           cJSON_GetArraySize(json_get(b, "sticker_ids")) == 0 &&
           !json_get(b, "poll");
}

/* Validate a new message body; false after answering with the error. */
static bool
check_new_message(struct rest_ctx *x, const cJSON *b)
{
    cJSON *errors = cJSON_CreateObject();

    if (!cJSON_IsObject(b)) {
        cJSON_Delete(errors);
        fail(x, 400, 50006, "Cannot send an empty message");
        return false;
    }
    validate_message(b, false, errors);
    if (fail_form(x, errors))
        return false;
    if (message_empty(b)) {
        fail(x, 400, 50006, "Cannot send an empty message");
        return false;
    }
    return true;
}

static unsigned
create_flags(const cJSON *b, unsigned allowed)
{
    const cJSON *f = json_get(b, "flags");

    return cJSON_IsNumber(f) ? (unsigned)f->valueint & allowed : 0;
}

/* ---- gateway, users, application ---- */

static void
r_gateway(struct rest_ctx *x)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "url", x->sim->gateway_url);
    reply_json(x, 200, o);
}

static void
r_gateway_bot(struct rest_ctx *x)
{
    cJSON *o = cJSON_CreateObject(), *l;

    cJSON_AddStringToObject(o, "url", x->sim->gateway_url);
    cJSON_AddNumberToObject(o, "shards", 1);
    l = cJSON_AddObjectToObject(o, "session_start_limit");
    cJSON_AddNumberToObject(l, "total", x->sim->o.session_start_total);
    cJSON_AddNumberToObject(l, "remaining", x->sim->session_start_remaining);
    cJSON_AddNumberToObject(l, "reset_after", 14400000);
    cJSON_AddNumberToObject(l, "max_concurrency", 1);
    reply_json(x, 200, o);
}

static void
r_users_me(struct rest_ctx *x)
{
    cJSON *o = discord_sim_bot_user_json(x->sim);

    cJSON_AddTrueToObject(o, "verified");
    cJSON_AddFalseToObject(o, "mfa_enabled");
    cJSON_AddNumberToObject(o, "flags", 0);
    reply_json(x, 200, o);
}

static void
r_user_get(struct rest_ctx *x)
{
    struct discord_sim_user_rec *u = discord_sim_user_rec(x->sim, x->p[0]);

    if (ids_equal(x->p[0], x->sim->app_id))
        reply_json(x, 200, discord_sim_bot_user_json(x->sim));
    else if (!u)
        fail(x, 404, 10013, "Unknown User");
    else
        reply_json(x, 200, discord_sim_user_json(x->sim, u));
}

static void
r_app_me(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    cJSON *o = cJSON_CreateObject();
    long flags = 0;

    if (sim->o.presences_enabled)
        flags |= 1L << 12;
    if (sim->o.guild_members_enabled)
        flags |= 1L << 14;
    if (sim->o.message_content_enabled)
        flags |= 1L << 18;
    cJSON_AddStringToObject(o, "id", sim->app_id);
    cJSON_AddStringToObject(o, "name", sim->bot_name);
    cJSON_AddStringToObject(o, "description", "");
    cJSON_AddTrueToObject(o, "bot_public");
    cJSON_AddFalseToObject(o, "bot_require_code_grant");
    cJSON_AddNumberToObject(o, "flags", (double)flags);
    cJSON_AddItemToObject(o, "bot", discord_sim_bot_user_json(sim));
    cJSON_AddNullToObject(o, "team");
    reply_json(x, 200, o);
}

/* ---- application commands ---- */

static void validate_options(const cJSON *opts, const char *path, int depth,
                             cJSON *errors);

static void
validate_option(const cJSON *o, const char *path, int depth, cJSON *errors)
{
    const cJSON *type = json_get(o, "type");
    const char *name = json_string(o, "name");
    const char *desc = json_string(o, "description");
    const cJSON *choices = json_get(o, "choices");
    const cJSON *kids = json_get(o, "options");
    char sub[128];
    int t = cJSON_IsNumber(type) ? type->valueint : 0;

    if (t < 1 || t > 11) {
        snprintf(sub, sizeof(sub), "%.100s.type", path);
        form_error(errors, sub, "BASE_TYPE_CHOICES",
                   "Value must be one of (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "
                   "11).");
    }
    if (!name || !command_name_ok(name, true)) {
        snprintf(sub, sizeof(sub), "%.100s.name", path);
        form_error(errors, sub, "APPLICATION_COMMAND_INVALID_NAME",
                   "Command name is invalid");
    }
    if (!desc || utf8_length(desc) < 1 || utf8_length(desc) > 100) {
        snprintf(sub, sizeof(sub), "%.100s.description", path);
        form_error(errors, sub, "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 100 in length.");
    }
    if (choices && (!cJSON_IsArray(choices) ||
                    cJSON_GetArraySize(choices) > 25 ||
                    !(t == 3 || t == 4 || t == 10))) {
        snprintf(sub, sizeof(sub), "%.100s.choices", path);
        form_error(errors, sub, "BASE_TYPE_MAX_LENGTH",
                   "Must be 25 or fewer in length.");
    }
    if (t == 1 || t == 2) {
        /* Subcommands nest: group > subcommand > values, no deeper. */
        if ((t == 2 && depth > 0) || (t == 1 && depth > 1)) {
            snprintf(sub, sizeof(sub), "%.100s.type", path);
            form_error(errors, sub, "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                       "Subcommands cannot be nested this deep");
        }
        if (kids) {
            snprintf(sub, sizeof(sub), "%.100s.options", path);
            validate_options(kids, sub, t == 2 ? depth + 1 : 2, errors);
        }
        if (t == 2) {
            const cJSON *k;

            cJSON_ArrayForEach(k, kids) {
                const cJSON *kt = json_get(k, "type");

                if (!cJSON_IsNumber(kt) || kt->valueint != 1) {
                    snprintf(sub, sizeof(sub), "%.100s.options", path);
                    form_error(errors, sub,
                               "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                               "A group holds only subcommands");
                    break;
                }
            }
        }
    } else if (kids) {
        snprintf(sub, sizeof(sub), "%.100s.options", path);
        form_error(errors, sub, "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                   "Only subcommands have options");
    }
}

static void
validate_options(const cJSON *opts, const char *path, int depth,
                 cJSON *errors)
{
    const cJSON *o;
    char sub[128];
    int i = 0;
    bool optional_seen = false;

    if (!cJSON_IsArray(opts) || cJSON_GetArraySize(opts) > 25) {
        form_error(errors, path, "BASE_TYPE_MAX_LENGTH",
                   "Must be 25 or fewer in length.");
        return;
    }
    cJSON_ArrayForEach(o, opts) {
        bool required = cJSON_IsTrue(json_get(o, "required"));

        snprintf(sub, sizeof(sub), "%.100s.%d", path, i++);
        if (!cJSON_IsObject(o)) {
            form_error(errors, sub, "MODEL_TYPE_CONVERT",
                       "Only dictionaries may be used in a ModelType");
            continue;
        }
        validate_option(o, sub, depth, errors);
        if (required && optional_seen)
            form_error(errors, sub,
                       "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                       "Required options must be placed before "
                       "non-required options");
        if (!required)
            optional_seen = true;
    }
}

/* A command's size as Discord counts it against its 8000 characters: every
 * name, description and (choice) value, at any depth.  A number value
 * counts as its digits [inferred]; localizations are not counted (the
 * docs count the longest one per field; nothing here sends them). */
size_t
discord_sim_rest_command_chars(const cJSON *c)
{
    const cJSON *it;
    size_t n = 0;

    cJSON_ArrayForEach(it, c) {
        bool counted = it->string && (strcmp(it->string, "name") == 0 ||
                                      strcmp(it->string, "description") == 0 ||
                                      strcmp(it->string, "value") == 0);
        char num[32];

        if (counted && cJSON_IsString(it)) {
            n += utf8_length(it->valuestring);
        } else if (counted && cJSON_IsNumber(it)) {
            snprintf(num, sizeof(num), "%.17g", it->valuedouble);
            n += strlen(num);
        } else if (cJSON_IsArray(it) || cJSON_IsObject(it)) {
            n += discord_sim_rest_command_chars(it);
        }
    }
    return n;
}

static void
validate_command(const cJSON *c, int i, cJSON *errors)
{
    const cJSON *type = json_get(c, "type");
    const char *name = json_string(c, "name");
    const char *desc = json_string(c, "description");
    int t = type ? (cJSON_IsNumber(type) ? type->valueint : 0) : 1;
    char path[64];

    if (!cJSON_IsObject(c)) {
        snprintf(path, sizeof(path), "%d", i);
        form_error(errors, path, "MODEL_TYPE_CONVERT",
                   "Only dictionaries may be used in a ModelType");
        return;
    }
    if (t < 1 || t > 4) {
        snprintf(path, sizeof(path), "%d.type", i);
        form_error(errors, path, "BASE_TYPE_CHOICES",
                   "Value must be one of (1, 2, 3, 4).");
    }
    if (!name || !command_name_ok(name, t == 1)) {
        snprintf(path, sizeof(path), "%d.name", i);
        form_error(errors, path, "APPLICATION_COMMAND_INVALID_NAME",
                   "Command name is invalid");
    }
    snprintf(path, sizeof(path), "%d.description", i);
    if (t == 1 && (!desc || utf8_length(desc) < 1 ||
                   utf8_length(desc) > 100))
        form_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 100 in length.");
    else if (t != 1 && desc && desc[0])
        form_error(errors, path, "APPLICATION_COMMAND_INVALID_DESCRIPTION",
                   "Only chat input commands have a description");
    if (json_get(c, "options")) {
        snprintf(path, sizeof(path), "%d.options", i);
        if (t != 1)
            form_error(errors, path, "APPLICATION_COMMAND_OPTIONS_INVALID",
                       "Only chat input commands have options");
        else
            validate_options(json_get(c, "options"), path, 0, errors);
    }
    /* The code and message are Discord's (seen in client libraries'
     * fixtures and bots' logs); under the command's index in a bulk
     * overwrite [inferred: a single create has them at the root]. */
    if (t == 1 && discord_sim_rest_command_chars(c) > 8000) {
        snprintf(path, sizeof(path), "%d", i);
        form_error(errors, path, "APPLICATION_COMMAND_TOO_LARGE",
                   "Command exceeds maximum size (8000)");
    }
}

static const cJSON *
command_named(const cJSON *list, const char *name, int type)
{
    const cJSON *c;

    cJSON_ArrayForEach(c, list) {
        const cJSON *t = json_get(c, "type");

        if (ids_equal(json_string(c, "name"), name) &&
            (cJSON_IsNumber(t) ? t->valueint : 1) == type)
            return c;
    }
    return NULL;
}

static void
overwrite_commands(struct rest_ctx *x, bool guild)
{
    struct discord_sim *sim = x->sim;
    cJSON **list = guild ? &sim->guild_commands : &sim->global_commands;
    cJSON *errors = cJSON_CreateObject(), *out;
    const cJSON *c;
    struct buf names = BUF_INIT;
    int i = 0, chat = 0, creates = 0;
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_COMMANDS,
        .by_bot = true,
        .channel_name = guild ? "[guild]" : "[global]",
        .user_id = sim->app_id,
        .user_name = sim->bot_name,
    };

    if (!ids_equal(x->p[0], sim->app_id)) {
        cJSON_Delete(errors);
        fail(x, 403, 50001, "Missing Access");
        return;
    }
    if (guild && !ids_equal(x->p[1], sim->guild_id)) {
        cJSON_Delete(errors);
        fail(x, 404, 10004, "Unknown Guild");
        return;
    }
    if (!cJSON_IsArray(x->body)) {
        form_error(errors, "", "LIST_TYPE_CONVERT",
                   "Only iterables may be used in a ListType");
        fail_form(x, errors);
        return;
    }
    cJSON_ArrayForEach(c, x->body) {
        const cJSON *t = json_get(c, "type");
        int type = cJSON_IsNumber(t) ? t->valueint : 1;
        const char *name = json_string(c, "name");
        char path[32];

        validate_command(c, i, errors);
        if (name && command_named(x->body, name, type) != c) {
            snprintf(path, sizeof(path), "%d.name", i);
            form_error(errors, path, "APPLICATION_COMMANDS_DUPLICATE_NAME",
                       "Application command names must be unique");
        }
        chat += type == 1;
        if (name && !command_named(*list, name, type))
            creates++;
        i++;
    }
    if (fail_form(x, errors))
        return;
    /* Discord refuses the whole overwrite, not the commands past the
     * 100th. */
    if (chat > 100) {
        fail(x, 400, 30032,
             "Maximum number of application commands reached (100)");
        return;
    }
    if (sim->command_creates + creates > 200) {
        fail(x, 400, 30034, "Max number of daily application command "
                            "creates has been reached (200)");
        return;
    }
    sim->command_creates += creates;
    out = cJSON_CreateArray();
    cJSON_ArrayForEach(c, x->body) {
        const cJSON *t = json_get(c, "type");
        int type = cJSON_IsNumber(t) ? t->valueint : 1;
        const cJSON *old = command_named(*list, json_string(c, "name"), type);
        cJSON *cmd = cJSON_Duplicate(c, true);
        char id[DSIM_ID_LEN], version[DSIM_ID_LEN];

        /* An overwrite keeps the id of a command that already existed. */
        if (old)
            snprintf(id, sizeof(id), "%s", json_string(old, "id"));
        else
            discord_sim_new_id(sim, id);
        discord_sim_new_id(sim, version);
        cJSON_DeleteItemFromObjectCaseSensitive(cmd, "id");
        cJSON_AddStringToObject(cmd, "id", id);
        cJSON_DeleteItemFromObjectCaseSensitive(cmd, "application_id");
        cJSON_AddStringToObject(cmd, "application_id", sim->app_id);
        cJSON_DeleteItemFromObjectCaseSensitive(cmd, "version");
        cJSON_AddStringToObject(cmd, "version", version);
        if (!json_get(cmd, "type"))
            cJSON_AddNumberToObject(cmd, "type", 1);
        if (!json_get(cmd, "description"))
            cJSON_AddStringToObject(cmd, "description", "");
        if (!json_get(cmd, "default_member_permissions"))
            cJSON_AddNullToObject(cmd, "default_member_permissions");
        if (!json_get(cmd, "nsfw"))
            cJSON_AddFalseToObject(cmd, "nsfw");
        if (guild) {
            cJSON_DeleteItemFromObjectCaseSensitive(cmd, "guild_id");
            cJSON_AddStringToObject(cmd, "guild_id", sim->guild_id);
        }
        buf_printf(&names, "%s/%s", names.len ? ", " : "",
                   json_string(cmd, "name"));
        cJSON_AddItemToArray(out, cmd);
    }
    cJSON_Delete(*list);
    *list = cJSON_Duplicate(out, true);
    ev.content = "registered commands";
    ev.detail = buf_cstr(&names);
    discord_sim_observe(sim, &ev);
    buf_free(&names);
    reply_json(x, 200, out);
}

static void
r_commands_put(struct rest_ctx *x)
{
    overwrite_commands(x, false);
}

static void
r_guild_commands_put(struct rest_ctx *x)
{
    overwrite_commands(x, true);
}

static void
r_commands_get(struct rest_ctx *x)
{
    bool guild = x->p[1] != NULL;

    if (!ids_equal(x->p[0], x->sim->app_id))
        fail(x, 403, 50001, "Missing Access");
    else if (guild && !ids_equal(x->p[1], x->sim->guild_id))
        fail(x, 404, 10004, "Unknown Guild");
    else
        reply_json(x, 200, cJSON_Duplicate(guild ? x->sim->guild_commands
                                                 : x->sim->global_commands,
                                           true));
}

/* ---- interactions ---- */

/* Callback types allowed per interaction type (bit n = type n). */
static unsigned
callback_types_for(const struct discord_sim_interaction_rec *in)
{
    switch (in->type) {
    case 2:
        return 1u << 4 | 1u << 5 | 1u << 9;
    case 3:
        return 1u << 4 | 1u << 5 | 1u << 6 | 1u << 7 | 1u << 9;
    case 5:
        /* 6 and 7 only when the modal came from a component. */
        return 1u << 4 | 1u << 5 |
               (in->message_id[0] ? (1u << 6 | 1u << 7) : 0);
    default:
        return 0;
    }
}

static void
validate_modal(const cJSON *d, cJSON *errors)
{
    const char *cid = json_string(d, "custom_id");
    const char *title = json_string(d, "title");
    const cJSON *rows = json_get(d, "components");

    if (!cid || utf8_length(cid) < 1 || utf8_length(cid) > 100)
        form_error(errors, "data.custom_id", "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 100 in length.");
    if (!title || utf8_length(title) < 1 || utf8_length(title) > 45)
        form_error(errors, "data.title", "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 45 in length.");
    if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) < 1 ||
        cJSON_GetArraySize(rows) > 5)
        form_error(errors, "data.components", "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 5 in length.");
    /* Each row one text input (legacy modals). */
    const cJSON *row;
    int r = 0;
    cJSON_ArrayForEach(row, rows) {
        const cJSON *kids = json_get(row, "components");
        const cJSON *ti = cJSON_GetArrayItem(kids, 0);
        const cJSON *req = json_get(ti, "required");
        const char *tid = json_string(ti, "custom_id");
        const char *label = json_string(ti, "label");
        long style = json_int(ti, "style", 0, 10, 0);
        char path[64];

        snprintf(path, sizeof(path), "data.components.%d", r++);
        if (json_int(row, "type", 0, 100, 0) != 1 ||
            cJSON_GetArraySize(kids) != 1 ||
            json_int(ti, "type", 0, 100, 0) != 4)
            form_error(errors, path, "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                       "A modal row holds one text input.");
        else if (!tid || utf8_length(tid) < 1 || utf8_length(tid) > 100)
            form_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                       "custom_id: Must be between 1 and 100 in length.");
        else if (!label || utf8_length(label) < 1 ||
                 utf8_length(label) > 45)
            form_error(errors, path, "BASE_TYPE_BAD_LENGTH",
                       "label: Must be between 1 and 45 in length.");
        else if (style != 1 && style != 2)
            form_error(errors, path, "BASE_TYPE_CHOICES",
                       "style: Value must be one of (1, 2).");
        else if (req && !cJSON_IsBool(req))
            form_error(errors, path, "BASE_TYPE_BOOLEAN",
                       "required: Must be either true or false.");
    }
}

static void
observe_response(struct discord_sim *sim,
                 const struct discord_sim_interaction_rec *in, const char *what,
                 const char *detail)
{
    struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(sim, in->channel_id);
    char label[128];
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_RESPONSE,
        .by_bot = true,
        .channel_id = in->channel_id,
        .channel_name = label,
        .user_id = sim->app_id,
        .user_name = sim->bot_name,
        .content = what,
        .detail = detail,
    };

    if (ch && ch->type == DISCORD_SIM_CHANNEL_DM)
        snprintf(label, sizeof(label), "@dm");
    else
        snprintf(label, sizeof(label), "#%s", ch ? ch->name : "?");
    discord_sim_observe(sim, &ev);
}

static void
interaction_reply_json(struct rest_ctx *x,
                       const struct discord_sim_interaction_rec *in, int type,
                       const struct discord_sim_message_rec *m)
{
    cJSON *o = cJSON_CreateObject(), *i, *r;

    i = cJSON_AddObjectToObject(o, "interaction");
    cJSON_AddStringToObject(i, "id", in->id);
    cJSON_AddNumberToObject(i, "type", in->type);
    if (m)
        cJSON_AddStringToObject(i, "response_message_id", m->id);
    r = cJSON_AddObjectToObject(o, "resource");
    cJSON_AddNumberToObject(r, "type", type);
    if (m)
        cJSON_AddItemToObject(r, "message",
                              discord_sim_message_json(x->sim, m));
    reply_json(x, 200, o);
}

static void
callback_do(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_interaction_rec *in =
        discord_sim_interaction_rec(sim, x->p[0]);
    const cJSON *type, *data;
    struct discord_sim_channel_rec *ch;
    struct discord_sim_message_rec *m = NULL;
    int64_t latency;
    int t;
    cJSON *errors;

    if (!in || strcmp(in->token, x->p[1]) != 0) {
        fail(x, 404, 10062, "Unknown interaction");
        return;
    }
    in->callbacks++;
    sim->st.callbacks++;
    latency = discord_sim_now(sim) - in->created_ms;
    if (in->callbacks == 1)
        in->latency_ms = latency;
    if (in->callback_type) {
        sim->st.double_callbacks++;
        fail(x, 400, 40060, "Interaction has already been acknowledged.");
        return;
    }
    /* The token dies 3 s after the interaction was created. */
    if (latency > sim->o.interaction_deadline_ms) {
        sim->st.late_callbacks++;
        fail(x, 404, 10062, "Unknown interaction");
        return;
    }
    type = json_get(x->body, "type");
    data = json_get(x->body, "data");
    t = cJSON_IsNumber(type) ? type->valueint : 0;
    errors = cJSON_CreateObject();
    if (t < 1 || t > 31 || !(callback_types_for(in) & (1u << t)))
        form_error(errors, "type", "INTERACTION_RESPONSE_TYPE_INVALID",
                   "Value is not a valid interaction response type for "
                   "this interaction");
    else if (t == 4) {
        if (!cJSON_IsObject(data) || message_empty(data))
            form_error(errors, "data", "BASE_TYPE_REQUIRED",
                       "Cannot send an empty message");
        else
            validate_message(data, false, errors);
    } else if (t == 7 && data)
        validate_message(data, true, errors);
    else if (t == 9)
        validate_modal(data, errors);
    if (fail_form(x, errors))
        return;

    in->callback_type = t;
    ch = discord_sim_channel_rec(sim, in->channel_id);
    switch (t) {
    case 4:
        m = discord_sim_message_add(
            sim, ch, sim->app_id, json_string(data, "content"),
            json_get(data, "components"), json_get(data, "embeds"),
            create_flags(data, FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS |
                                   FLAG_SUPPRESS_NOTIFY),
            in);
        snprintf(in->original_id, sizeof(in->original_id), "%s", m->id);
        break;
    case 5:
        /* "thinking...": a loading message the follow-up fills in. */
        in->deferred = true;
        m = discord_sim_message_add(
            sim, ch, sim->app_id, "", NULL, NULL,
            FLAG_LOADING | create_flags(data, FLAG_EPHEMERAL), in);
        snprintf(in->original_id, sizeof(in->original_id), "%s", m->id);
        break;
    case 6:
        observe_response(sim, in, "acknowledged the click", NULL);
        break;
    case 7:
        m = discord_sim_message_rec(sim, in->message_id);
        if (m && data)
            discord_sim_message_edit(sim, m, json_string(data, "content"),
                                     json_get(data, "components"),
                                     json_get(data, "embeds"), NULL);
        break;
    case 9:
        in->modal = cJSON_Duplicate(data, true);
        observe_response(sim, in, "opened a form",
                         json_string(data, "title"));
        break;
    default:
        break;
    }
    if (strstr(x->rq->query, "with_response=true"))
        interaction_reply_json(x, in, t, m);
    else
        reply_json(x, 204, NULL);
}

static void
r_callback(struct rest_ctx *x)
{
    struct discord_sim_interaction_rec *in =
        discord_sim_interaction_rec(x->sim, x->p[0]);
    int before = in ? in->callbacks : -1;

    callback_do(x);
    if (in && before == 0 && in->callbacks == 1)
        in->first_status = x->rs->status;
}

/* The interaction behind a webhook token, or NULL after answering. */
static struct discord_sim_interaction_rec *
webhook_interaction(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_interaction_rec *in =
        discord_sim_interaction_by_token(sim, x->p[1]);

    if (!in || !ids_equal(x->p[0], sim->app_id)) {
        fail(x, 404, 10015, "Unknown Webhook");
        return NULL;
    }
    if (discord_sim_now(sim) - in->created_ms > sim->o.interaction_ttl_ms) {
        fail(x, 401, 50027, "Invalid Webhook Token");
        return NULL;
    }
    return in;
}

static void
edit_from_body(struct rest_ctx *x, struct discord_sim_message_rec *m,
               bool finish)
{
    cJSON *errors = cJSON_CreateObject();
    const cJSON *content = json_get(x->body, "content");

    validate_message(x->body, true, errors);
    if (fail_form(x, errors))
        return;
    if (finish)
        m->flags &= ~FLAG_LOADING;
    discord_sim_message_edit(x->sim, m,
                             cJSON_IsString(content) ? content->valuestring
                             : cJSON_IsNull(content) ? ""
                                                     : NULL,
                             json_get(x->body, "components"),
                             json_get(x->body, "embeds"),
                             json_get(x->body, "flags"));
    reply_json(x, 200, discord_sim_message_json(x->sim, m));
}

static void
r_original_get(struct rest_ctx *x)
{
    struct discord_sim_interaction_rec *in = webhook_interaction(x);
    struct discord_sim_message_rec *m;

    if (!in)
        return;
    m = discord_sim_message_rec(x->sim, in->original_id);
    if (!m)
        fail(x, 404, 10008, "Unknown Message");
    else
        reply_json(x, 200, discord_sim_message_json(x->sim, m));
}

static void
r_original_patch(struct rest_ctx *x)
{
    struct discord_sim_interaction_rec *in = webhook_interaction(x);
    struct discord_sim_message_rec *m;

    if (!in)
        return;
    m = discord_sim_message_rec(x->sim, in->original_id);
    if (!m)
        fail(x, 404, 10008, "Unknown Message");
    else
        edit_from_body(x, m, true);
}

static void
r_original_delete(struct rest_ctx *x)
{
    struct discord_sim_interaction_rec *in = webhook_interaction(x);
    struct discord_sim_message_rec *m;

    if (!in)
        return;
    m = discord_sim_message_rec(x->sim, in->original_id);
    if (!m) {
        fail(x, 404, 10008, "Unknown Message");
        return;
    }
    in->original_id[0] = '\0';
    discord_sim_message_delete(x->sim, m);
    reply_json(x, 204, NULL);
}

static void
r_followup(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_interaction_rec *in = webhook_interaction(x);
    struct discord_sim_message_rec *m;

    if (!in)
        return;
    if (!in->callback_type) {
        /* No initial response yet: the webhook does not exist. */
        fail(x, 404, 10015, "Unknown Webhook");
        return;
    }
    if (!check_new_message(x, x->body))
        return;
    /* Right after a deferred response, the first follow-up fills the
     * loading message instead of posting a new one. */
    m = discord_sim_message_rec(sim, in->original_id);
    if (in->deferred && m && (m->flags & FLAG_LOADING)) {
        edit_from_body(x, m, true);
        return;
    }
    in->followups++;
    m = discord_sim_message_add(
        sim, discord_sim_channel_rec(sim, in->channel_id), sim->app_id,
        json_string(x->body, "content"), json_get(x->body, "components"),
        json_get(x->body, "embeds"),
        create_flags(x->body, FLAG_EPHEMERAL | FLAG_SUPPRESS_EMBEDS |
                                  FLAG_SUPPRESS_NOTIFY),
        in);
    reply_json(x, 200, discord_sim_message_json(sim, m));
}

static void
r_followup_patch(struct rest_ctx *x)
{
    struct discord_sim_interaction_rec *in = webhook_interaction(x);
    struct discord_sim_message_rec *m;

    if (!in)
        return;
    m = discord_sim_message_rec(x->sim, x->p[2]);
    if (!m || strcmp(m->interaction_id, in->id) != 0)
        fail(x, 404, 10008, "Unknown Message");
    else
        edit_from_body(x, m, true);
}

/* ---- channels and messages ---- */

/* The channel, checked for the bot's access; NULL after answering. */
static struct discord_sim_channel_rec *
channel_for(struct rest_ctx *x, uint64_t need)
{
    struct discord_sim_channel_rec *ch =
        discord_sim_channel_rec(x->sim, x->p[0]);
    uint64_t have;

    if (!ch) {
        fail(x, 404, 10003, "Unknown Channel");
        return NULL;
    }
    have = discord_sim_bot_perms(x->sim, ch);
    if (!(have & DISCORD_SIM_PERM_VIEW_CHANNEL)) {
        fail(x, 403, 50001, "Missing Access");
        return NULL;
    }
    if ((have & need) != need) {
        fail(x, 403, 50013, "Missing Permissions");
        return NULL;
    }
    return ch;
}

static void
r_channel_get(struct rest_ctx *x)
{
    struct discord_sim_channel_rec *ch = channel_for(x, 0);

    if (ch)
        reply_json(x, 200, discord_sim_channel_json(x->sim, ch));
}

static void
r_message_create(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_channel_rec *ch =
        channel_for(x, DISCORD_SIM_PERM_SEND_MESSAGES);
    const cJSON *ref;
    struct discord_sim_message_rec *m;

    if (!ch)
        return;
    if (ch->type == DISCORD_SIM_CHANNEL_CATEGORY) {
        fail(x, 400, 50008, "Cannot send messages in a non-text channel");
        return;
    }
    if (ch->type == DISCORD_SIM_CHANNEL_DM) {
        struct discord_sim_user_rec *u =
            discord_sim_user_rec(sim, ch->recipient);

        if (!u || u->dm_blocked || u->bot) {
            fail(x, 403, 50007, "Cannot send messages to this user");
            return;
        }
    }
    if (!check_new_message(x, x->body))
        return;
    ref = json_get(x->body, "message_reference");
    if (ref) {
        struct discord_sim_message_rec *to =
            discord_sim_message_rec(sim, json_string(ref, "message_id"));

        if (!to || strcmp(to->channel_id, ch->id) != 0) {
            cJSON *errors = cJSON_CreateObject();

            form_error(errors, "message_reference", "MESSAGE_REFERENCE_"
                       "UNKNOWN_MESSAGE", "Unknown message");
            fail_form(x, errors);
            return;
        }
    }
    m = discord_sim_message_add(
        sim, ch, sim->app_id, json_string(x->body, "content"),
        json_get(x->body, "components"), json_get(x->body, "embeds"),
        create_flags(x->body, FLAG_SUPPRESS_EMBEDS | FLAG_SUPPRESS_NOTIFY),
        NULL);
    reply_json(x, 200, discord_sim_message_json(sim, m));
}

static struct discord_sim_message_rec *
message_in(struct rest_ctx *x, const struct discord_sim_channel_rec *ch,
           const char *id)
{
    struct discord_sim_message_rec *m = discord_sim_message_rec(x->sim, id);

    if (!m || strcmp(m->channel_id, ch->id) != 0 ||
        (m->visible_to[0] && !m->interaction_id[0])) {
        fail(x, 404, 10008, "Unknown Message");
        return NULL;
    }
    return m;
}

static void
r_message_get(struct rest_ctx *x)
{
    struct discord_sim_channel_rec *ch =
        channel_for(x, DISCORD_SIM_PERM_READ_HISTORY);
    struct discord_sim_message_rec *m;

    if (ch && (m = message_in(x, ch, x->p[1])))
        reply_json(x, 200, discord_sim_message_json(x->sim, m));
}

static void
r_message_edit(struct rest_ctx *x)
{
    struct discord_sim_channel_rec *ch = channel_for(x, 0);
    struct discord_sim_message_rec *m;

    if (!ch || !(m = message_in(x, ch, x->p[1])))
        return;
    if (!cJSON_IsObject(x->body)) {
        fail(x, 400, 50109, "The request body contains invalid JSON.");
        return;
    }
    /* Only the author may edit content or components. */
    if (!ids_equal(m->author_id, x->sim->app_id) &&
        (json_get(x->body, "content") || json_get(x->body, "components") ||
         json_get(x->body, "embeds"))) {
        fail(x, 403, 50005, "Cannot edit a message authored by another "
                            "user");
        return;
    }
    edit_from_body(x, m, false);
}

static void
pins_update(struct discord_sim *sim, const struct discord_sim_channel_rec *ch)
{
    struct dsim_target to = {
        .guild_id = ch->type == DISCORD_SIM_CHANNEL_DM ? NULL
                                                       : sim->guild_id,
        .channel_id = ch->id,
    };
    cJSON *d = cJSON_CreateObject();
    char now[40];

    if (to.guild_id)
        cJSON_AddStringToObject(d, "guild_id", sim->guild_id);
    cJSON_AddStringToObject(d, "channel_id", ch->id);
    discord_sim_iso_time(now);
    cJSON_AddStringToObject(d, "last_pin_timestamp", now);
    discord_sim_gateway_dispatch_to(sim, "CHANNEL_PINS_UPDATE", d, &to);
    cJSON_Delete(d);
}

static void
r_pin(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_channel_rec *ch;
    struct discord_sim_message_rec *m;
    size_t pins = 0;

    /* Since 2026 Discord asks PIN_MESSAGES, split from MANAGE_MESSAGES,
     * which no longer pins. */
    ch = channel_for(x, DISCORD_SIM_PERM_PIN_MESSAGES |
                            DISCORD_SIM_PERM_READ_HISTORY);
    if (!ch || !(m = message_in(x, ch, x->p[1])))
        return;
    if (m->pinned) {
        reply_json(x, 204, NULL);
        return;
    }
    for (size_t i = 0; i < sim->messages.n; i++) {
        const struct discord_sim_message_rec *o = sim->messages.v[i];

        pins += o->pinned && strcmp(o->channel_id, ch->id) == 0;
    }
    if (pins >= 50) {
        fail(x, 400, 30003, "Maximum number of pins reached (50)");
        return;
    }
    m->pinned = true;
    discord_sim_iso_time(m->pinned_at);
    pins_update(sim, ch);
    {
        char label[128];
        struct discord_sim_event ev = {
            .kind = DISCORD_SIM_EV_PIN,
            .by_bot = true,
            .channel_id = ch->id,
            .channel_name = label,
            .user_id = sim->app_id,
            .user_name = sim->bot_name,
            .message_id = m->id,
            .content = m->content,
        };

        snprintf(label, sizeof(label), "#%s", ch->name ? ch->name : "dm");
        discord_sim_observe(sim, &ev);
    }
    /* Discord posts a system message (type 6) about the pin. */
    discord_sim_pin_notice(sim, ch, m);
    reply_json(x, 204, NULL);
}

static void
r_unpin(struct rest_ctx *x)
{
    struct discord_sim_channel_rec *ch;
    struct discord_sim_message_rec *m;

    ch = channel_for(x, DISCORD_SIM_PERM_PIN_MESSAGES);
    if (!ch || !(m = message_in(x, ch, x->p[1])))
        return;
    if (m->pinned) {
        m->pinned = false;
        pins_update(x->sim, ch);
    }
    reply_json(x, 204, NULL);
}

/* The 2026 list: {"items":[{"pinned_at","message"}],"has_more"}, newest
 * first (paging by ?before= and ?limit= is not modelled: at most 50 pins
 * a channel fit in one answer). */
static void
r_pins_get(struct rest_ctx *x)
{
    struct discord_sim_channel_rec *ch =
        channel_for(x, DISCORD_SIM_PERM_READ_HISTORY);
    cJSON *o, *a;

    if (!ch)
        return;
    o = cJSON_CreateObject();
    a = cJSON_AddArrayToObject(o, "items");
    for (size_t i = x->sim->messages.n; i-- > 0;) {
        const struct discord_sim_message_rec *m = x->sim->messages.v[i];
        cJSON *item;

        if (!m->pinned || strcmp(m->channel_id, ch->id) != 0)
            continue;
        item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "pinned_at", m->pinned_at);
        cJSON_AddItemToObject(item, "message",
                              discord_sim_message_json(x->sim, m));
        cJSON_AddItemToArray(a, item);
    }
    cJSON_AddBoolToObject(o, "has_more", false);
    reply_json(x, 200, o);
}

/* Overwrites from a request: normalised (allow/deny as strings) into *out,
 * or false after answering (form error, or 403 for bits the bot lacks). */
static bool
parse_overwrites(struct rest_ctx *x, const cJSON *in, cJSON **out,
                 cJSON *errors)
{
    struct discord_sim *sim = x->sim;
    uint64_t mine = discord_sim_bot_base_perms(sim), asked = 0;
    const cJSON *ow;
    int i = 0;

    *out = cJSON_CreateArray();
    if (!cJSON_IsArray(in)) {
        form_error(errors, "permission_overwrites", "BASE_TYPE_ARRAY",
                   "Must be an array.");
        return true;
    }
    cJSON_ArrayForEach(ow, in) {
        const char *id = json_string(ow, "id");
        const cJSON *type = json_get(ow, "type");
        static const char *const keys[] = { "allow", "deny" };
        uint64_t bits[2] = { 0, 0 };
        cJSON *n;
        char path[64];
        int t = -1;

        snprintf(path, sizeof(path), "permission_overwrites.%d", i++);
        if (cJSON_IsNumber(type))
            t = type->valueint;
        else if (cJSON_IsString(type))
            t = (int)strtol(type->valuestring, NULL, 10);
        if (!discord_sim_is_snowflake(id) || (t != 0 && t != 1)) {
            form_error(errors, path, "BASE_TYPE_REQUIRED",
                       "An overwrite needs a snowflake id and type 0 or 1.");
            continue;
        }
        /* Roles here: @everyone (= guild id) and the bot's role. */
        if ((t == 0 && !ids_equal(id, sim->guild_id) &&
             !ids_equal(id, sim->bot_role_id)) ||
            (t == 1 && !discord_sim_user_rec(sim, id) &&
             !ids_equal(id, sim->app_id))) {
            form_error(errors, path, "UNKNOWN_OVERWRITE_TARGET",
                       t == 0 ? "Unknown Role" : "Unknown Member");
            continue;
        }
        for (int k = 0; k < 2; k++) {
            const cJSON *v = json_get(ow, keys[k]);

            if (cJSON_IsString(v))
                bits[k] = strtoull(v->valuestring, NULL, 10);
            else if (cJSON_IsNumber(v))
                bits[k] = (uint64_t)v->valuedouble;
        }
        asked |= bits[0] | bits[1];
        n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "id", id);
        cJSON_AddNumberToObject(n, "type", t);
        for (int k = 0; k < 2; k++) {
            char s[24];

            snprintf(s, sizeof(s), "%" PRIu64, bits[k]);
            cJSON_AddStringToObject(n, keys[k], s);
        }
        cJSON_AddItemToArray(*out, n);
    }
    /* The bot can only allow or deny what it has itself. */
    if ((asked & ~mine) && cJSON_GetArraySize(errors) == 0) {
        fail(x, 403, 50013, "Missing Permissions");
        return false;
    }
    return true;
}

/* Name and topic edits: 2 per 10 min per channel.  Returns the ms to
 * wait, 0 when allowed (and then records the edit). */
static int64_t
edit_sublimit(struct discord_sim *sim, struct discord_sim_channel_rec *ch)
{
    int64_t now = discord_sim_now(sim), window = sim->o.topic_edit_window_ms;
    size_t keep = 0;

    if (sim->o.topic_edit_limit < 0)
        return 0;
    for (size_t i = 0; i < ch->nedit_times; i++)
        if (now - ch->edit_times[i] < window)
            ch->edit_times[keep++] = ch->edit_times[i];
    ch->nedit_times = keep;
    if (keep >= (size_t)sim->o.topic_edit_limit)
        return ch->edit_times[0] + window - now;
    ch->edit_times = xrealloc(ch->edit_times, keep + 1,
                              sizeof(*ch->edit_times));
    ch->edit_times[ch->nedit_times++] = now;
    return 0;
}

static void
send_429(struct rest_ctx *x, double secs, bool global, const char *scope)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "message", "You are being rate limited.");
    cJSON_AddNumberToObject(o, "retry_after", round(secs * 1000) / 1000);
    cJSON_AddBoolToObject(o, "global", global);
    sim_server_json(x->rs, 429, o);
    sim_server_header(x->rs, "Retry-After", "%.0f", ceil(secs));
    sim_server_header(x->rs, "X-RateLimit-Scope", "%s", scope);
    if (global)
        sim_server_header(x->rs, "X-RateLimit-Global", "true");
}

static void
r_channel_patch(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_channel_rec *ch =
        channel_for(x, DISCORD_SIM_PERM_MANAGE_CHANNELS);
    const cJSON *name, *topic, *parent, *ows, *pos;
    cJSON *errors, *new_ows = NULL;
    char *new_name = NULL;
    bool renames;
    int64_t wait;
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_CHANNEL_EDIT,
        .by_bot = true,
        .user_id = sim->app_id,
        .user_name = sim->bot_name,
    };
    char label[128];

    if (!ch)
        return;
    if (ch->type == DISCORD_SIM_CHANNEL_DM) {
        fail(x, 400, 50024, "Cannot execute action on this channel type");
        return;
    }
    if (!cJSON_IsObject(x->body)) {
        fail(x, 400, 50109, "The request body contains invalid JSON.");
        return;
    }
    name = json_get(x->body, "name");
    topic = json_get(x->body, "topic");
    parent = json_get(x->body, "parent_id");
    ows = json_get(x->body, "permission_overwrites");
    pos = json_get(x->body, "position");
    errors = cJSON_CreateObject();
    if (name) {
        if (!cJSON_IsString(name) || utf8_length(name->valuestring) < 1 ||
            utf8_length(name->valuestring) > 100)
            form_error(errors, "name", "BASE_TYPE_BAD_LENGTH",
                       "Must be between 1 and 100 in length.");
        else if (ch->type == DISCORD_SIM_CHANNEL_TEXT &&
                 !(new_name = discord_sim_rest_channel_name(name->valuestring)))
            form_error(errors, "name", "CHANNEL_NAME_INVALID",
                       "Channel name is invalid");
        else if (!new_name)
            new_name = xstrdup(name->valuestring);
    }
    if (topic && !cJSON_IsNull(topic) &&
        (!cJSON_IsString(topic) ||
         utf8_length(topic->valuestring) > 1024))
        form_error(errors, "topic", "BASE_TYPE_MAX_LENGTH",
                   "Must be 1024 or fewer in length.");
    if (parent && !cJSON_IsNull(parent)) {
        struct discord_sim_channel_rec *p = discord_sim_channel_rec(
            sim, cJSON_IsString(parent) ? parent->valuestring : NULL);

        if (!p || p->type != DISCORD_SIM_CHANNEL_CATEGORY ||
            ch->type == DISCORD_SIM_CHANNEL_CATEGORY)
            form_error(errors, "parent_id", "CHANNEL_PARENT_INVALID",
                       "Category does not exist");
    }
    if (ows && !parse_overwrites(x, ows, &new_ows, errors)) {
        cJSON_Delete(errors);
        cJSON_Delete(new_ows);
        free(new_name);
        return;
    }
    if (fail_form(x, errors)) {
        cJSON_Delete(new_ows);
        free(new_name);
        return;
    }
    renames = (new_name && !ids_equal(new_name, ch->name)) ||
              (topic && !(cJSON_IsString(topic) && ch->topic &&
                          strcmp(topic->valuestring, ch->topic) == 0) &&
               !(cJSON_IsNull(topic) && !ch->topic));
    if (renames && (wait = edit_sublimit(sim, ch)) > 0) {
        /* A sublimit: the bucket still has room, only this edit waits. */
        send_429(x, (double)wait / 1000.0, false, "user");
        cJSON_Delete(new_ows);
        free(new_name);
        return;
    }
    if (new_name) {
        free(ch->name);
        ch->name = new_name;
    }
    if (topic) {
        free(ch->topic);
        ch->topic = cJSON_IsString(topic) && topic->valuestring[0]
                        ? xstrdup(topic->valuestring)
                        : NULL;
    }
    if (parent)
        snprintf(ch->parent_id, sizeof(ch->parent_id), "%s",
                 cJSON_IsString(parent) ? parent->valuestring : "");
    if (new_ows) {
        cJSON_Delete(ch->overwrites);
        ch->overwrites = new_ows;
    }
    if (cJSON_IsNumber(pos))
        ch->position = pos->valueint;
    if (renames)
        ch->topic_edits++;
    {
        struct dsim_target to = { .guild_id = sim->guild_id };
        cJSON *d = discord_sim_channel_json(sim, ch);

        discord_sim_gateway_dispatch_to(sim, "CHANNEL_UPDATE", d, &to);
        cJSON_Delete(d);
    }
    snprintf(label, sizeof(label), "#%s", ch->name);
    ev.channel_id = ch->id;
    ev.channel_name = label;
    ev.content = topic ? "set the topic" : "edited the channel";
    ev.detail = ch->topic;
    discord_sim_observe(sim, &ev);
    reply_json(x, 200, discord_sim_channel_json(sim, ch));
}

/* Edit Channel Permissions: PUT one overwrite, addressed by
 * its role or member id; 204.  Needs MANAGE_ROLES in the channel. */
static void
r_permission_put(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_channel_rec *ch =
        channel_for(x, DISCORD_SIM_PERM_MANAGE_ROLES);
    cJSON *errors, *list, *one, *parsed = NULL, *kept, *o;
    struct discord_sim_event ev = {
        .kind = DISCORD_SIM_EV_CHANNEL_EDIT,
        .by_bot = true,
        .user_id = sim->app_id,
        .user_name = sim->bot_name,
        .content = "changed permissions",
    };
    char label[128];

    if (!ch)
        return;
    if (ch->type == DISCORD_SIM_CHANNEL_DM) {
        fail(x, 400, 50024, "Cannot execute action on this channel type");
        return;
    }
    if (!cJSON_IsObject(x->body)) {
        fail(x, 400, 50109, "The request body contains invalid JSON.");
        return;
    }
    one = cJSON_Duplicate(x->body, true);
    cJSON_DeleteItemFromObjectCaseSensitive(one, "id");
    cJSON_AddStringToObject(one, "id", x->p[1]);
    list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, one);
    errors = cJSON_CreateObject();
    if (!parse_overwrites(x, list, &parsed, errors)) {
        cJSON_Delete(errors);
        cJSON_Delete(list);
        cJSON_Delete(parsed);
        return;
    }
    cJSON_Delete(list);
    if (fail_form(x, errors)) {
        cJSON_Delete(parsed);
        return;
    }
    /* Replace this target's overwrite, keep the others. */
    kept = cJSON_CreateArray();
    cJSON_ArrayForEach(o, ch->overwrites)
        if (!ids_equal(json_string(o, "id"), x->p[1]))
            cJSON_AddItemToArray(kept, cJSON_Duplicate(o, true));
    cJSON_AddItemToArray(kept, cJSON_DetachItemFromArray(parsed, 0));
    cJSON_Delete(parsed);
    cJSON_Delete(ch->overwrites);
    ch->overwrites = kept;
    {
        struct dsim_target to = { .guild_id = sim->guild_id };
        cJSON *d = discord_sim_channel_json(sim, ch);

        discord_sim_gateway_dispatch_to(sim, "CHANNEL_UPDATE", d, &to);
        cJSON_Delete(d);
    }
    snprintf(label, sizeof(label), "#%s", ch->name);
    ev.channel_id = ch->id;
    ev.channel_name = label;
    {
        struct discord_sim_user_rec *u = discord_sim_user_rec(sim, x->p[1]);

        ev.detail = u ? u->username : x->p[1];
    }
    discord_sim_observe(sim, &ev);
    reply_json(x, 204, NULL);
}

static void
r_dm_open(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    struct discord_sim_user_rec *u =
        discord_sim_user_rec(sim, json_string(x->body, "recipient_id"));
    struct discord_sim_channel_rec *ch;
    bool fresh;

    if (!u) {
        fail(x, 400, 50033, "Invalid Recipient(s)");
        return;
    }
    fresh = !u->dm_channel[0];
    ch = discord_sim_dm_open(sim, u);
    if (fresh) {
        char label[128];
        struct discord_sim_event ev = {
            .kind = DISCORD_SIM_EV_DM_OPEN,
            .by_bot = true,
            .channel_id = ch->id,
            .channel_name = label,
            .user_id = sim->app_id,
            .user_name = sim->bot_name,
            .content = "opened a DM",
        };

        snprintf(label, sizeof(label), "@%s", u->username);
        discord_sim_observe(sim, &ev);
    }
    reply_json(x, 200, discord_sim_channel_json(sim, ch));
}

static bool
guild_ours(struct rest_ctx *x)
{
    if (ids_equal(x->p[0], x->sim->guild_id))
        return true;
    fail(x, 404, 10004, "Unknown Guild");
    return false;
}

static void
r_guild_get(struct rest_ctx *x)
{
    cJSON *g;

    if (!guild_ours(x))
        return;
    g = discord_sim_guild_json(x->sim);
    /* The REST guild has no GUILD_CREATE extras. */
    cJSON_DeleteItemFromObjectCaseSensitive(g, "members");
    cJSON_DeleteItemFromObjectCaseSensitive(g, "channels");
    cJSON_DeleteItemFromObjectCaseSensitive(g, "presences");
    cJSON_DeleteItemFromObjectCaseSensitive(g, "voice_states");
    cJSON_DeleteItemFromObjectCaseSensitive(g, "threads");
    reply_json(x, 200, g);
}

static void
r_guild_channels(struct rest_ctx *x)
{
    cJSON *a;

    if (!guild_ours(x))
        return;
    a = cJSON_CreateArray();
    for (size_t i = 0; i < x->sim->channels.n; i++) {
        const struct discord_sim_channel_rec *ch = x->sim->channels.v[i];

        if (ch->type != DISCORD_SIM_CHANNEL_DM)
            cJSON_AddItemToArray(a, discord_sim_channel_json(x->sim, ch));
    }
    reply_json(x, 200, a);
}

static void
r_channel_create(struct rest_ctx *x)
{
    struct discord_sim *sim = x->sim;
    const cJSON *b = x->body, *type, *topic, *pos, *ows;
    const char *name, *parent_id;
    struct discord_sim_channel_rec *parent = NULL, *ch;
    cJSON *errors, *new_ows = NULL;
    char *norm = NULL;
    int t, in_parent = 0, total = 0;

    if (!guild_ours(x))
        return;
    if ((discord_sim_bot_base_perms(sim) & DISCORD_SIM_PERM_MANAGE_CHANNELS) ==
        0) {
        fail(x, 403, 50013, "Missing Permissions");
        return;
    }
    if (!cJSON_IsObject(b)) {
        fail(x, 400, 50109, "The request body contains invalid JSON.");
        return;
    }
    errors = cJSON_CreateObject();
    name = json_string(b, "name");
    type = json_get(b, "type");
    topic = json_get(b, "topic");
    pos = json_get(b, "position");
    ows = json_get(b, "permission_overwrites");
    parent_id = json_string(b, "parent_id");
    t = cJSON_IsNumber(type) ? type->valueint : 0;
    if (!name || utf8_length(name) < 1 || utf8_length(name) > 100)
        form_error(errors, "name", "BASE_TYPE_BAD_LENGTH",
                   "Must be between 1 and 100 in length.");
    else if (t == DISCORD_SIM_CHANNEL_TEXT &&
             !(norm = discord_sim_rest_channel_name(name)))
        form_error(errors, "name", "CHANNEL_NAME_INVALID",
                   "Channel name is invalid");
    if (t != DISCORD_SIM_CHANNEL_TEXT && t != DISCORD_SIM_CHANNEL_CATEGORY)
        form_error(errors, "type", "BASE_TYPE_CHOICES",
                   "discord-sim supports type 0 (text) and 4 (category).");
    if (topic && !cJSON_IsNull(topic) &&
        (!cJSON_IsString(topic) ||
         utf8_length(topic->valuestring) > 1024))
        form_error(errors, "topic", "BASE_TYPE_MAX_LENGTH",
                   "Must be 1024 or fewer in length.");
    if (parent_id) {
        parent = discord_sim_channel_rec(sim, parent_id);
        if (!parent || parent->type != DISCORD_SIM_CHANNEL_CATEGORY ||
            t == DISCORD_SIM_CHANNEL_CATEGORY)
            form_error(errors, "parent_id", "CHANNEL_PARENT_INVALID",
                       "Category does not exist");
    }
    for (size_t i = 0; i < sim->channels.n; i++) {
        const struct discord_sim_channel_rec *o = sim->channels.v[i];

        if (o->type == DISCORD_SIM_CHANNEL_DM)
            continue;
        total++;
        if (parent && strcmp(o->parent_id, parent->id) == 0)
            in_parent++;
    }
    if (in_parent >= 50)
        form_error(errors, "parent_id", "CHANNEL_PARENT_MAX_CHANNELS",
                   "Maximum number of channels in category reached (50)");
    if (ows && !parse_overwrites(x, ows, &new_ows, errors)) {
        cJSON_Delete(errors);
        cJSON_Delete(new_ows);
        free(norm);
        return;
    }
    if (fail_form(x, errors)) {
        cJSON_Delete(new_ows);
        free(norm);
        return;
    }
    if (total >= 500) {
        cJSON_Delete(new_ows);
        free(norm);
        fail(x, 400, 30013, "Maximum number of guild channels reached "
                            "(500)");
        return;
    }
    ch = xcalloc(1, sizeof(*ch));
    discord_sim_new_id(sim, ch->id);
    ch->type = t;
    ch->name = norm ? norm : xstrdup(name);
    ch->by_bot = true;
    ch->overwrites = new_ows ? new_ows : cJSON_CreateArray();
    if (parent)
        snprintf(ch->parent_id, sizeof(ch->parent_id), "%s", parent->id);
    if (cJSON_IsString(topic) && topic->valuestring[0] &&
        t == DISCORD_SIM_CHANNEL_TEXT)
        ch->topic = xstrdup(topic->valuestring);
    ch->nsfw = cJSON_IsTrue(json_get(b, "nsfw"));
    if (cJSON_IsNumber(pos))
        ch->position = pos->valueint;
    else
        for (size_t i = 0; i < sim->channels.n; i++)
            ch->position +=
                ((struct discord_sim_channel_rec *)sim->channels.v[i])->type ==
                t;
    discord_sim_vec_push(&sim->channels, ch);
    discord_sim_channel_created(sim, ch);
    reply_json(x, 201, discord_sim_channel_json(sim, ch));
}

/* ---- the route table ---- */

static const struct route routes[] = {
    { .method = "GET", .pattern = "/gateway", .fn = r_gateway,
      .bucket = "gateway", .no_auth = true },
    { .method = "GET", .pattern = "/gateway/bot", .fn = r_gateway_bot,
      .bucket = "gateway-bot" },
    { .method = "GET", .pattern = "/users/@me", .fn = r_users_me,
      .bucket = "users-me" },
    { .method = "POST", .pattern = "/users/@me/channels", .fn = r_dm_open,
      .bucket = "dm-create" },
    { .method = "GET", .pattern = "/users/{id}", .fn = r_user_get,
      .bucket = "users-get" },
    { .method = "GET", .pattern = "/oauth2/applications/@me",
      .fn = r_app_me, .bucket = "app-me" },
    { .method = "GET", .pattern = "/applications/@me", .fn = r_app_me,
      .bucket = "app-me" },
    { .method = "PUT", .pattern = "/applications/{id}/commands",
      .fn = r_commands_put, .bucket = "commands-put", .limit = 2,
      .window_ms = 20000 },
    { .method = "GET", .pattern = "/applications/{id}/commands",
      .fn = r_commands_get, .bucket = "commands-get" },
    { .method = "PUT", .pattern = "/applications/{id}/guilds/{id}/commands",
      .fn = r_guild_commands_put, .bucket = "commands-put", .limit = 2,
      .window_ms = 20000 },
    { .method = "GET", .pattern = "/applications/{id}/guilds/{id}/commands",
      .fn = r_commands_get, .bucket = "commands-get" },
    { .method = "POST", .pattern = "/interactions/{id}/{token}/callback",
      .fn = r_callback, .bucket = "interaction-callback", .no_auth = true,
      .no_global = true },
    { .method = "GET",
      .pattern = "/webhooks/{id}/{token}/messages/@original",
      .fn = r_original_get, .bucket = "webhook", .no_auth = true,
      .no_global = true },
    { .method = "PATCH",
      .pattern = "/webhooks/{id}/{token}/messages/@original",
      .fn = r_original_patch, .bucket = "webhook", .no_auth = true,
      .no_global = true },
    { .method = "DELETE",
      .pattern = "/webhooks/{id}/{token}/messages/@original",
      .fn = r_original_delete, .bucket = "webhook", .no_auth = true,
      .no_global = true },
    { .method = "PATCH", .pattern = "/webhooks/{id}/{token}/messages/{id}",
      .fn = r_followup_patch, .bucket = "webhook", .no_auth = true,
      .no_global = true },
    { .method = "POST", .pattern = "/webhooks/{id}/{token}",
      .fn = r_followup, .bucket = "webhook", .no_auth = true,
      .no_global = true },
    { .method = "GET", .pattern = "/channels/{id}", .fn = r_channel_get,
      .bucket = "channel-get" },
    { .method = "PATCH", .pattern = "/channels/{id}", .fn = r_channel_patch,
      .bucket = "channel-patch", .limit = 5, .window_ms = 15000 },
    { .method = "PUT", .pattern = "/channels/{id}/permissions/{id}",
      .fn = r_permission_put, .bucket = "channel-permissions" },
    { .method = "POST", .pattern = "/channels/{id}/messages",
      .fn = r_message_create, .bucket = "message-create" },
    /* The pins routes since 2026, before /messages/{id} would take
     * "pins" for a message id.  The old /channels/{id}/pins[/{id}] are
     * not served: 404, so a bot still on them finds out here. */
    { .method = "GET", .pattern = "/channels/{id}/messages/pins",
      .fn = r_pins_get, .bucket = "pins-get" },
    { .method = "PUT", .pattern = "/channels/{id}/messages/pins/{id}",
      .fn = r_pin, .bucket = "pins" },
    { .method = "DELETE", .pattern = "/channels/{id}/messages/pins/{id}",
      .fn = r_unpin, .bucket = "pins" },
    { .method = "GET", .pattern = "/channels/{id}/messages/{id}",
      .fn = r_message_get, .bucket = "message-get" },
    { .method = "PATCH", .pattern = "/channels/{id}/messages/{id}",
      .fn = r_message_edit, .bucket = "message-edit" },
    /* The pins routes since 2026, before /messages/{id} would take
     * "pins" for a message id.  The old /channels/{id}/pins[/{id}] are
     * not served: 404, so a bot still on them finds out here. */
    { .method = "GET", .pattern = "/channels/{id}/messages/pins",
      .fn = r_pins_get, .bucket = "pins-get" },
    { .method = "PUT", .pattern = "/channels/{id}/messages/pins/{id}",
      .fn = r_pin, .bucket = "pins" },
    { .method = "DELETE", .pattern = "/channels/{id}/messages/pins/{id}",
      .fn = r_unpin, .bucket = "pins" },
    { .method = "GET", .pattern = "/channels/{id}/messages/{id}",
      .fn = r_message_get, .bucket = "message-get" },    { .method = "GET", .pattern = "/guilds/{id}", .fn = r_guild_get,
      .bucket = "guild-get" },
    { .method = "GET", .pattern = "/guilds/{id}/channels",
      .fn = r_guild_channels, .bucket = "guild-channels-get" },
    { .method = "POST", .pattern = "/guilds/{id}/channels",
      .fn = r_channel_create, .bucket = "guild-channels-create" },
};

/* Match path against pattern, capturing the {..} segments into seg/p. */
static bool
route_match(const char *pattern, const char *path, char segs[][256],
            const char *p[MAX_PARAMS])
{
    int np = 0;

    while (*pattern && *path) {
        size_t pl, sl;

        if (*pattern != '/' || *path != '/')
            return false;
        pattern++;
        path++;
        pl = strcspn(pattern, "/");
        sl = strcspn(path, "/");
        if (pattern[0] == '{') {
            if (sl == 0 || sl >= 256 || np >= MAX_PARAMS)
                return false;
            memcpy(segs[np], path, sl);
            segs[np][sl] = '\0';
            p[np] = segs[np];
            np++;
        } else if (pl != sl || strncmp(pattern, path, pl) != 0)
            return false;
        pattern += pl;
        path += sl;
    }
    /* A trailing '/' on the request is tolerated. */
    return !*pattern && (!*path || strcmp(path, "/") == 0);
}

static const struct route *
route_find(const char *method, const char *path, char segs[][256],
           const char *p[MAX_PARAMS], bool *other_method)
{
    *other_method = false;
    for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++) {
        memset((void *)p, 0, sizeof(*p) * MAX_PARAMS);
        if (!route_match(routes[i].pattern, path, segs, p))
            continue;
        if (strcmp(routes[i].method, method) == 0)
            return &routes[i];
        *other_method = true;
    }
    return NULL;
}

/* ---- rate limits ---- */

static void
major_of(const struct route *r, const char *const p[MAX_PARAMS], char *out,
         size_t n)
{
    if (strncmp(r->pattern, "/channels/", 10) == 0 ||
        strncmp(r->pattern, "/guilds/", 8) == 0 ||
        strncmp(r->pattern, "/interactions/", 14) == 0)
        snprintf(out, n, "%s", p[0]);
    else if (strncmp(r->pattern, "/webhooks/", 10) == 0)
        snprintf(out, n, "%s/%s", p[0], p[1]);
    else
        snprintf(out, n, "global");
}

static void
budget_of(struct discord_sim *sim, const struct route *r, int *limit,
          int *window)
{
    const struct dsim_budget *def = NULL;

    for (size_t i = 0; i < sim->budgets.n; i++) {
        const struct dsim_budget *b = sim->budgets.v[i];

        if (!b->route[0])
            def = b;
        else if (strcmp(b->method, r->method) == 0 &&
                 strcmp(b->route, r->pattern) == 0) {
            *limit = b->limit;
            *window = b->window_ms;
            return;
        }
    }
    if (def) {
        *limit = def->limit;
        *window = def->window_ms;
    } else if (r->limit) {
        *limit = r->limit;
        *window = r->window_ms;
    } else {
        *limit = sim->o.default_limit;
        *window = sim->o.default_window_ms;
    }
}

static struct dsim_bucket *
bucket_get(struct discord_sim *sim, const struct route *r,
           const char *const p[MAX_PARAMS])
{
    char major[200], key[sizeof(((struct dsim_bucket *)0)->key)];
    struct dsim_bucket *b = NULL;
    uint32_t h1 = 2166136261u, h2 = 5381;

    major_of(r, p, major, sizeof(major));
    snprintf(key, sizeof(key), "%.30s:%.120s", r->bucket, major);
    for (size_t i = 0; i < sim->buckets.n && !b; i++)
        if (strcmp(((struct dsim_bucket *)sim->buckets.v[i])->key, key) == 0)
            b = sim->buckets.v[i];
    if (!b) {
        b = xcalloc(1, sizeof(*b));
        snprintf(b->key, sizeof(b->key), "%s", key);
        /* The bucket id is opaque: a hash of the route's bucket name, the
         * same for every major parameter, as on Discord. */
        for (const char *s = r->bucket; *s; s++) {
            h1 = (h1 ^ (unsigned char)*s) * 16777619u;
            h2 = h2 * 33 + (unsigned char)*s;
        }
        snprintf(b->hash, sizeof(b->hash), "%08x%08x%08x%08x", h1, h2,
                 h1 ^ 0x5bd1e995u, h2 ^ 0x9e3779b9u);
        discord_sim_vec_push(&sim->buckets, b);
    }
    if (b->used == 0 || discord_sim_now(sim) >= b->reset_ms) {
        budget_of(sim, r, &b->limit, &b->window_ms);
        if (discord_sim_now(sim) >= b->reset_ms)
            b->used = 0;
    }
    return b;
}

static void
bucket_headers(struct discord_sim *sim, struct sim_response *rs,
               const struct dsim_bucket *b)
{
    int64_t now = discord_sim_now(sim);
    int64_t left = b->reset_ms > now ? b->reset_ms - now : 0;
    int remaining = b->limit - b->used;

    sim_server_header(rs, "X-RateLimit-Limit", "%d", b->limit);
    sim_server_header(rs, "X-RateLimit-Remaining", "%d",
                     remaining > 0 ? remaining : 0);
    sim_server_header(rs, "X-RateLimit-Reset", "%.3f",
                     (double)(clock_realtime_ms() + left) / 1000.0);
    sim_server_header(rs, "X-RateLimit-Reset-After", "%.3f",
                     (double)left / 1000.0);
    sim_server_header(rs, "X-RateLimit-Bucket", "%s", b->hash);
}

bool
discord_sim_rest_set_budget(struct discord_sim *sim, const char *method,
                            const char *route, int limit, int window_ms)
{
    struct dsim_budget *b = NULL;

    if (limit < 1 || window_ms < 1)
        return false;
    if (route) {
        bool known = false;

        for (size_t i = 0; i < sizeof(routes) / sizeof(*routes); i++)
            known |= strcmp(routes[i].pattern, route) == 0 &&
                     (!method || strcmp(routes[i].method, method) == 0);
        if (!known || !method)
            return false;
    }
    for (size_t i = 0; i < sim->budgets.n && !b; i++) {
        struct dsim_budget *o = sim->budgets.v[i];

        if (route ? strcmp(o->method, method) == 0 &&
                        strcmp(o->route, route) == 0
                  : !o->route[0])
            b = o;
    }
    if (!b) {
        b = xcalloc(1, sizeof(*b));
        if (route) {
            snprintf(b->method, sizeof(b->method), "%s", method);
            snprintf(b->route, sizeof(b->route), "%s", route);
        }
        discord_sim_vec_push(&sim->budgets, b);
    }
    b->limit = limit;
    b->window_ms = window_ms;
    return true;
}

/* ---- injected faults ---- */

static const struct dsim_fault *
fault_take(struct discord_sim *sim, const struct route *r)
{
    for (size_t i = 0; i < sim->faults.n; i++) {
        struct dsim_fault *f = sim->faults.v[i];

        if (f->f.count <= 0)
            continue;
        if (f->method && strcmp(f->method, r->method) != 0)
            continue;
        if (f->route && strcmp(f->route, r->pattern) != 0)
            continue;
        f->f.count--;
        return f;
    }
    return NULL;
}

static const struct {
    int         status;
    int         code;
    const char *message;
} fault_texts[] = {
    { .status = 401, .code = 0, .message = "401: Unauthorized" },
    { .status = 403, .code = 50013, .message = "Missing Permissions" },
    { .status = 404, .code = 0, .message = "404: Not Found" },
    { .status = 500, .code = 0, .message = "500: Internal Server Error" },
    { .status = 502, .code = 0, .message = "502: Bad Gateway" },
    { .status = 503, .code = 0, .message = "503: Service Unavailable" },
};

static void
fault_answer(struct rest_ctx *x, const struct dsim_fault *f)
{
    const char *msg = f->message;
    int code = f->f.code;

    if (f->f.status == 429) {
        send_429(x, f->f.retry_after > 0 ? f->f.retry_after : 1.0,
                 f->f.global, f->scope ? f->scope
                                       : f->f.global ? "global" : "user");
        return;
    }
    for (size_t i = 0; !msg && i < sizeof(fault_texts) / sizeof(*fault_texts);
         i++)
        if (fault_texts[i].status == f->f.status) {
            msg = fault_texts[i].message;
            code = code ? code : fault_texts[i].code;
        }
    fail(x, f->f.status, code, msg ? msg : "injected error");
}

void
discord_sim_rest_fault(struct discord_sim *sim,
                       const struct discord_sim_rest_fault *spec)
{
    struct dsim_fault *f = xcalloc(1, sizeof(*f));

    f->f = *spec;
    f->method = spec->method ? xstrdup(spec->method) : NULL;
    f->route = spec->route ? xstrdup(spec->route) : NULL;
    f->scope = spec->scope ? xstrdup(spec->scope) : NULL;
    f->message = spec->message ? xstrdup(spec->message) : NULL;
    f->f.method = f->method;
    f->f.route = f->route;
    f->f.scope = f->scope;
    f->f.message = f->message;
    discord_sim_vec_push(&sim->faults, f);
}

static void
faults_free(struct discord_sim *sim)
{
    for (size_t i = 0; i < sim->faults.n; i++) {
        struct dsim_fault *f = sim->faults.v[i];

        free(f->method);
        free(f->route);
        free(f->scope);
        free(f->message);
        free(f);
    }
    sim->faults.n = 0;
}

void
discord_sim_rest_faults_clear(struct discord_sim *sim)
{
    faults_free(sim);
}

void
discord_sim_rest_free(struct discord_sim *sim)
{
    faults_free(sim);
    discord_sim_vec_free(&sim->faults);
    for (size_t i = 0; i < sim->buckets.n; i++)
        free(sim->buckets.v[i]);
    discord_sim_vec_free(&sim->buckets);
    for (size_t i = 0; i < sim->budgets.n; i++)
        free(sim->budgets.v[i]);
    discord_sim_vec_free(&sim->budgets);
}

/* ---- the request pipeline ---- */

static bool
authorized(const struct discord_sim *sim, const char *auth)
{
    return strncmp(auth, "Bot ", 4) == 0 && strcmp(auth + 4, sim->token) == 0;
}

static void
count_status(struct discord_sim *sim, const struct sim_response *rs)
{
    const char *scope = NULL;

    for (int i = 0; i < rs->nhdrs; i++)
        if (strcmp(rs->hdrs[i].name, "X-RateLimit-Scope") == 0)
            scope = rs->hdrs[i].value;
    switch (rs->status) {
    case 401:
        sim->st.http_401++;
        sim->st.invalid_requests++;
        break;
    case 403:
        sim->st.http_403++;
        sim->st.invalid_requests++;
        break;
    case 429:
        sim->st.http_429++;
        /* "429s with X-RateLimit-Scope: shared do not count." */
        if (scope && strcmp(scope, "shared") == 0)
            sim->st.http_429_shared++;
        else
            sim->st.invalid_requests++;
        break;
    default:
        if (rs->status >= 500)
            sim->st.http_5xx++;
        break;
    }
}

/* Strip "/api" and an optional "/v10"; NULL if not an API path. */
static const char *
api_path(const char *path, bool *bad_version)
{
    *bad_version = false;
    if (strncmp(path, "/api/", 5) != 0)
        return NULL;
    path += 4;
    if (strncmp(path, "/v", 2) == 0 && path[2] >= '0' && path[2] <= '9') {
        if (strncmp(path, "/v10", 4) == 0 &&
            (path[4] == '/' || path[4] == '\0'))
            return path[4] ? path + 4 : "/";
        *bad_version = true;
        return NULL;
    }
    return path;
}

static void
pipeline(struct rest_ctx *x, const struct route *r, struct dsim_rest_rec *rec)
{
    struct discord_sim *sim = x->sim;
    const struct sim_request *rq = x->rq;
    const struct dsim_fault *f;
    struct dsim_bucket *b;
    int64_t now = discord_sim_now(sim);
    cJSON *body = NULL;

    if ((f = fault_take(sim, r)) != NULL) {
        rec->pub.injected = true;
        fault_answer(x, f);
        return;
    }
    if (!r->no_auth && !rec->pub.authorized) {
        fail(x, 401, 0, "401: Unauthorized");
        return;
    }
    if (!r->no_global) {
        if (now >= sim->global_reset_ms) {
            sim->global_used = 0;
            sim->global_reset_ms = now + 1000;
        }
        if (sim->global_used >= sim->o.global_limit) {
            send_429(x, (double)(sim->global_reset_ms - now) / 1000.0, true,
                     "global");
            return;
        }
        sim->global_used++;
    }
    b = bucket_get(sim, r, x->p);
    free(rec->bucket);
    rec->bucket = xasprintf("%s:%s", b->hash, strchr(b->key, ':') + 1);
    if (b->used >= b->limit) {
        send_429(x, (double)(b->reset_ms - now) / 1000.0, false, "user");
        bucket_headers(sim, x->rs, b);
        return;
    }
    if (b->used++ == 0)
        b->reset_ms = now + b->window_ms;
    if (rq->body_len) {
        if (strncmp(rq->ctype, "application/json", 16) != 0) {
            cJSON *errors = cJSON_CreateObject();

            form_error(errors, "", "CONTENT_TYPE_INVALID",
                       "Expected \"Content-Type\" header to be one of "
                       "{'application/json', 'application/x-www-form-"
                       "urlencoded', 'multipart/form-data'}.");
            fail_form(x, errors);
            bucket_headers(sim, x->rs, b);
            return;
        }
        body = cJSON_ParseWithLength(rq->body, rq->body_len);
        if (!body) {
            fail(x, 400, 50109, "The request body contains invalid JSON.");
            bucket_headers(sim, x->rs, b);
            return;
        }
    }
    x->body = body;
    /* {id} segments must be snowflakes (pattern order = capture order). */
    {
        const char *pat = r->pattern;
        int i = 0;

        while ((pat = strchr(pat, '{')) != NULL) {
            if (strncmp(pat, "{id}", 4) == 0 && x->p[i] &&
                !discord_sim_is_snowflake(x->p[i])) {
                cJSON *errors = cJSON_CreateObject();
                char msg[320];

                snprintf(msg, sizeof(msg), "Value \"%.256s\" is not "
                         "snowflake.", x->p[i]);
                form_error(errors, "id", "NUMBER_TYPE_COERCE", msg);
                fail_form(x, errors);
                bucket_headers(sim, x->rs, b);
                cJSON_Delete(body);
                x->body = NULL;
                return;
            }
            pat++;
            i++;
        }
    }
    r->fn(x);
    bucket_headers(sim, x->rs, b);
    rec->body = body;      /* the log keeps the parsed body */
    x->body = NULL;
}

void
discord_sim_rest_handle(struct discord_sim *sim, const struct sim_request *rq,
                        struct sim_response *rs)
{
    char segs[MAX_PARAMS][256];
    struct rest_ctx x = { .sim = sim, .rq = rq, .rs = rs };
    struct dsim_rest_rec *rec = xcalloc(1, sizeof(*rec));
    const struct route *r = NULL;
    const char *path;
    bool other_method = false, bad_version;

    rec->pub.at_ms = discord_sim_now(sim);
    rec->method = xstrdup(rq->method);
    rec->path = rq->query[0] ? xasprintf("%s?%s", rq->path, rq->query)
                             : xstrdup(rq->path);
    rec->raw_body = xstrndup(rq->body, rq->body_len);
    rec->audit = rq->audit[0] ? xstrdup(rq->audit) : NULL;
    rec->ua = xstrdup(rq->ua);
    rec->pub.authorized = authorized(sim, rq->auth);

    path = api_path(rq->path, &bad_version);
    if (bad_version)
        fail(&x, 400, 50041, "Invalid API version");
    else if (!path ||
             !(r = route_find(rq->method, path, segs, x.p, &other_method))) {
        if (other_method)
            fail(&x, 405, 0, "405: Method Not Allowed");
        else
            fail(&x, 404, 0, "404: Not Found");
    } else {
        rec->route = xstrdup(r->pattern);
        pipeline(&x, r, rec);
    }
    count_status(sim, rs);
    rec->pub.status = rs->status;
    if (rs->body.len)
        rec->response = cJSON_ParseWithLength(buf_cstr(&rs->body),
                                              rs->body.len);
    if (!rec->body && rq->body_len)
        rec->body = cJSON_ParseWithLength(rq->body, rq->body_len);
    log_debug("discord-sim", "%s %s -> %d", rq->method, rq->path,
              rs->status);
    discord_sim_log_rest(sim, rec);
}
