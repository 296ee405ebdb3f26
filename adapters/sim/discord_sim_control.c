/*
 * discord_sim_control: /_sim/ routes, an HTTP face of the C control API
 * for poking a running `discord-sim` by hand (curl) or from scripts.  Only
 * served when discord_sim_options.control_api is set: it needs no token.
 *
 * Bodies are JSON objects; answers are JSON.  Users may be given by id or
 * username ("user"), channels by id or name ("channel", "#" optional).
 * Errors: 400/404 {"error": "..."}.  The route list is the table at the
 * end; GET /_sim/ returns it.
 */
#include "discord_sim_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* A route's context is a struct sim_ctl_call (sim_server.h): c->sim is
 * the struct discord_sim, c->body the JSON object sent (or NULL), c->arg
 * the path after a prefix route. */

static void
resp_error(struct sim_response *rs, int status, const char *msg)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "error", msg);
    sim_server_json(rs, status, o);
}

static void
ctl_error(struct sim_ctl_call *c, int status, const char *msg)
{
    resp_error(c->rs, status, msg);
}

static void
ctl_ok(struct sim_ctl_call *c, cJSON *o)
{
    sim_server_json(c->rs, 200, o ? o : cJSON_CreateObject());
}

static const char *
user_arg(const struct sim_ctl_call *c, const char *key)
{
    const char *v = json_string(c->body, key);

    if (!v)
        return NULL;
    if (discord_sim_user_rec(c->sim, v))
        return v;
    return discord_sim_user_by_name(c->sim, v);
}

static const char *
channel_arg(const struct sim_ctl_call *c, const char *key)
{
    const char *v = json_string(c->body, key);

    if (!v)
        return NULL;
    if (discord_sim_channel_rec(c->sim, v))
        return v;
    return discord_sim_channel_by_name(c->sim, v[0] == '#' ? v + 1 : v);
}

static void
ok_id(struct sim_ctl_call *c, const char *id, const char *what)
{
    struct discord_sim_interaction_info info;
    cJSON *o;

    if (!id) {
        ctl_error(c, 400, what);
        return;
    }
    o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    if (discord_sim_interaction(c->sim, id, &info))
        cJSON_AddStringToObject(o, "token", info.token);
    ctl_ok(c, o);
}

static void
count_reply(struct sim_ctl_call *c, int n)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "connections", n);
    ctl_ok(c, o);
}

/* ---- routes ---- */

static void
c_state(struct sim_ctl_call *c)
{
    ctl_ok(c, discord_sim_state_json(c->sim));
}

static size_t
since_arg(const struct sim_ctl_call *c)
{
    const char *q = strstr(c->rq->query, "since=");

    return q ? (size_t)strtoull(q + 6, NULL, 10) : 0;
}

static void
c_rest_log(struct sim_ctl_call *c)
{
    cJSON *a = cJSON_CreateArray();
    size_t n = discord_sim_rest_count(c->sim);

    for (size_t i = since_arg(c); i < n; i++) {
        const struct discord_sim_rest_call *r =
            discord_sim_rest_get(c->sim, i);
        cJSON *o;

        if (!r)
            continue;
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "index", (double)i);
        cJSON_AddNumberToObject(o, "at_ms", (double)r->at_ms);
        cJSON_AddStringToObject(o, "method", r->method);
        cJSON_AddStringToObject(o, "path", r->path);
        if (r->route)
            cJSON_AddStringToObject(o, "route", r->route);
        cJSON_AddNumberToObject(o, "status", (double)r->status);
        if (r->body)
            cJSON_AddItemToObject(o, "body", cJSON_Duplicate(r->body, true));
        if (r->response)
            cJSON_AddItemToObject(o, "response",
                                  cJSON_Duplicate(r->response, true));
        cJSON_AddItemToArray(a, o);
    }
    ctl_ok(c, a);
}

static void
c_gw_log(struct sim_ctl_call *c)
{
    cJSON *a = cJSON_CreateArray();
    size_t n = discord_sim_gw_count(c->sim);

    for (size_t i = since_arg(c); i < n; i++) {
        const struct discord_sim_gw_frame *f = discord_sim_gw_get(c->sim, i);
        cJSON *o;

        if (!f)
            continue;
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "index", (double)i);
        cJSON_AddNumberToObject(o, "at_ms", (double)f->at_ms);
        cJSON_AddNumberToObject(o, "conn", f->conn_id);
        cJSON_AddStringToObject(o, "dir", f->from_bot ? "in" : "out");
        cJSON_AddNumberToObject(o, "op", f->op);
        if (f->t)
            cJSON_AddStringToObject(o, "t", f->t);
        if (f->s >= 0)
            cJSON_AddNumberToObject(o, "s", (double)f->s);
        if (f->d)
            cJSON_AddItemToObject(o, "d", cJSON_Duplicate(f->d, true));
        cJSON_AddItemToArray(a, o);
    }
    ctl_ok(c, a);
}

static void
c_user(struct sim_ctl_call *c)
{
    struct discord_sim_user u = {
        .id = json_string(c->body, "id"),
        .username = json_string(c->body, "username"),
        .global_name = json_string(c->body, "global_name"),
        .bot = json_bool(c->body, "bot", false),
        .dm_blocked = json_bool(c->body, "dm_blocked", false),
        .not_member = json_bool(c->body, "not_member", false),
    };

    ok_id(c, discord_sim_add_user(c->sim, &u),
          "need a new username (and a free snowflake id if given)");
}

static void
c_channel(struct sim_ctl_call *c)
{
    struct discord_sim_channel_spec s = {
        .type = (int)json_int(c->body, "type", INT_MIN, INT_MAX,
                              DISCORD_SIM_CHANNEL_TEXT),
        .name = json_string(c->body, "name"),
        .parent_id = channel_arg(c, "parent"),
        .topic = json_string(c->body, "topic"),
    };

    ok_id(c, discord_sim_add_channel(c->sim, &s),
          "need name, type 0 or 4, and an existing parent category");
}

static void
c_message(struct sim_ctl_call *c)
{
    ok_id(c, discord_sim_post(c->sim, user_arg(c, "user"),
                              channel_arg(c, "channel"),
                              json_string(c->body, "content")),
          "need user, channel and content");
}

static void
c_dm(struct sim_ctl_call *c)
{
    ok_id(c, discord_sim_post_dm(c->sim, user_arg(c, "user"),
                                 json_string(c->body, "content")),
          "need user and content");
}

static void
c_command(struct sim_ctl_call *c)
{
    const cJSON *opts = cJSON_GetObjectItemCaseSensitive(c->body, "options");
    struct discord_sim_opt o[25];
    char values[25][64];
    struct discord_sim_command cmd = {
        .user_id = user_arg(c, "user"),
        .channel_id = channel_arg(c, "channel"),
        .name = json_string(c->body, "name"),
        .group = json_string(c->body, "group"),
        .subcommand = json_string(c->body, "subcommand"),
        .opts = o,
    };
    const cJSON *it;

    cJSON_ArrayForEach(it, opts) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "type");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");

        if (cmd.nopts == 25 || !cJSON_IsString(n))
            break;
        if (cJSON_IsString(v))
            snprintf(values[cmd.nopts], sizeof(values[0]), "%s",
                     v->valuestring);
        else if (cJSON_IsNumber(v))
            snprintf(values[cmd.nopts], sizeof(values[0]), "%.17g",
                     v->valuedouble);
        else if (cJSON_IsBool(v))
            snprintf(values[cmd.nopts], sizeof(values[0]), "%s",
                     cJSON_IsTrue(v) ? "true" : "false");
        else
            continue;
        o[cmd.nopts] = (struct discord_sim_opt){
            .name = n->valuestring,
            .type = cJSON_IsNumber(t) ? t->valueint : 3,
            .value = values[cmd.nopts],
        };
        cmd.nopts++;
    }
    ok_id(c, discord_sim_command(c->sim, &cmd),
          "need user, channel, name; options [{name,type,value}]");
}

static void
c_click(struct sim_ctl_call *c)
{
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(c->body, "values");
    const char *v[25];
    size_t n = 0;
    const cJSON *it;

    cJSON_ArrayForEach(it, vals)
        if (cJSON_IsString(it) && n < 25)
            v[n++] = it->valuestring;
    ok_id(c, discord_sim_click(c->sim, user_arg(c, "user"),
                               json_string(c->body, "message_id"),
                               json_string(c->body, "custom_id"),
                               vals ? v : NULL, n),
          "need user, message_id and an enabled component's custom_id");
}

static void
c_modal(struct sim_ctl_call *c)
{
    const cJSON *fields = json_get(c->body, "fields");
    struct discord_sim_field f[5];
    size_t n = 0;
    const cJSON *it;

    cJSON_ArrayForEach(it, fields)
        if (cJSON_IsString(it) && n < 5)
            f[n++] = (struct discord_sim_field){ it->string,
                                                 it->valuestring };
    ok_id(c, discord_sim_modal_submit(c->sim, user_arg(c, "user"),
                                      json_string(c->body, "interaction_id"),
                                      json_string(c->body, "custom_id"), f, n),
          "need user and interaction_id (or custom_id)");
}

static void
c_gateway(struct sim_ctl_call *c)
{
    struct discord_sim *sim = c->sim;
    const char *what = c->arg;
    const cJSON *b = c->body;
    const cJSON *d = json_get(b, "d");
    const char *text = json_string(b, "text");
    char *dtext = d ? cJSON_PrintUnformatted(d) : NULL;
    int n = -1;

    if (strcmp(what, "reconnect") == 0)
        n = discord_sim_gateway_reconnect(sim);
    else if (strcmp(what, "invalid_session") == 0)
        n = discord_sim_gateway_invalid_session(
            sim, json_bool(b, "resumable", false));
    else if (strcmp(what, "close") == 0)
        n = discord_sim_gateway_close(
            sim, (int)json_int(b, "code", INT_MIN, INT_MAX, 4000),
            json_string(b, "reason"));
    else if (strcmp(what, "drop") == 0)
        n = discord_sim_gateway_drop(sim);
    else if (strcmp(what, "zombie") == 0)
        n = discord_sim_gateway_zombie(sim, json_bool(b, "on", true));
    else if (strcmp(what, "heartbeat") == 0)
        n = discord_sim_gateway_request_heartbeat(sim);
    else if (strcmp(what, "raw") == 0 && text)
        n = discord_sim_gateway_send_raw(sim, text, strlen(text));
    else if (strcmp(what, "op") == 0)
        n = discord_sim_gateway_send_op(
            sim, (int)json_int(b, "op", INT_MIN, INT_MAX, 99), dtext);
    else if (strcmp(what, "dispatch") == 0 && json_string(b, "t"))
        n = discord_sim_gateway_dispatch(sim, json_string(b, "t"), dtext);
    else if (strcmp(what, "redeliver") == 0)
        n = discord_sim_gateway_redeliver(
            sim, (long)json_int(b, "seq", JSON_INT_MIN, JSON_INT_MAX, -1));
    else if (strcmp(what, "invalidate") == 0) {
        discord_sim_gateway_invalidate_sessions(sim);
        n = 0;
    }
    free(dtext);
    if (n < 0)
        ctl_error(c, 404, "unknown gateway fault or missing argument");
    else
        count_reply(c, n);
}

static void
c_fault(struct sim_ctl_call *c)
{
    struct discord_sim_rest_fault f = {
        .method = json_string(c->body, "method"),
        .route = json_string(c->body, "route"),
        .count = (int)json_int(c->body, "count", INT_MIN, INT_MAX, 1),
        .status = (int)json_int(c->body, "status", INT_MIN, INT_MAX, 429),
        .retry_after = json_number(c->body, "retry_after", 1.0),
        .global = json_bool(c->body, "global", false),
        .scope = json_string(c->body, "scope"),
        .code = (int)json_int(c->body, "code", INT_MIN, INT_MAX, 0),
        .message = json_string(c->body, "message"),
    };

    discord_sim_rest_fault(c->sim, &f);
    ctl_ok(c, NULL);
}

static void
c_faults_clear(struct sim_ctl_call *c)
{
    discord_sim_rest_faults_clear(c->sim);
    ctl_ok(c, NULL);
}

static void
c_budget(struct sim_ctl_call *c)
{
    const cJSON *b = c->body;

    if (!discord_sim_set_budget(c->sim, json_string(b, "method"),
                                json_string(b, "route"),
                                (int)json_int(b, "limit", INT_MIN, INT_MAX, 0),
                                (int)json_int(b, "window_ms", INT_MIN, INT_MAX,
                                              0)))
        ctl_error(c, 400, "need method and a known route (or neither), "
                          "limit and window_ms");
    else
        ctl_ok(c, NULL);
}

static void
c_config(struct sim_ctl_call *c)
{
    struct discord_sim *sim = c->sim;
    const cJSON *v;

    if ((v = cJSON_GetObjectItemCaseSensitive(c->body, "message_content")))
        discord_sim_set_message_content(sim, cJSON_IsTrue(v));
    if ((v = cJSON_GetObjectItemCaseSensitive(c->body,
                                              "heartbeat_interval_ms")))
        discord_sim_set_heartbeat_interval(sim, v->valueint);
    if ((v = cJSON_GetObjectItemCaseSensitive(c->body,
                                              "interaction_deadline_ms")))
        discord_sim_set_interaction_deadline(sim, v->valueint);
    if ((v = cJSON_GetObjectItemCaseSensitive(c->body,
                                              "identify_interval_ms")))
        discord_sim_set_identify_interval(sim, v->valueint);
    if ((v = cJSON_GetObjectItemCaseSensitive(c->body, "global_limit")))
        discord_sim_set_global_limit(sim, v->valueint);
    ctl_ok(c, NULL);
}

static void
c_reset_limits(struct sim_ctl_call *c)
{
    discord_sim_reset_limits(c->sim);
    ctl_ok(c, NULL);
}

static void
c_clear_logs(struct sim_ctl_call *c)
{
    discord_sim_clear_logs(c->sim);
    ctl_ok(c, NULL);
}

static void c_index(struct sim_ctl_call *c);

static const struct sim_ctl_route ctl_routes[] = {
    { .method = "GET", .path = "/_sim/", .fn = c_index,
      .help = "this list" },
    { .method = "GET", .path = "/_sim/state", .fn = c_state,
      .help = "everything: users, channels, messages, sessions, stats" },
    { .method = "GET", .path = "/_sim/log/rest", .fn = c_rest_log,
      .help = "REST calls (?since=N)" },
    { .method = "GET", .path = "/_sim/log/gateway", .fn = c_gw_log,
      .help = "gateway payloads both ways (?since=N)" },
    { .method = "DELETE", .path = "/_sim/log", .fn = c_clear_logs,
      .help = "drop both logs" },
    { .method = "POST", .path = "/_sim/users", .fn = c_user,
      .help = "{username, global_name?, bot?, dm_blocked?, id?}" },
    { .method = "POST", .path = "/_sim/channels", .fn = c_channel,
      .help = "{name, type?: 0|4, parent?, topic?}" },
    { .method = "POST", .path = "/_sim/messages", .fn = c_message,
      .help = "{user, channel, content}: MESSAGE_CREATE" },
    { .method = "POST", .path = "/_sim/dms", .fn = c_dm,
      .help = "{user, content}: a DM to the bot" },
    { .method = "POST", .path = "/_sim/commands", .fn = c_command,
      .help = "{user, channel, name, group?, subcommand?, "
              "options?: [{name, type, value}]}" },
    { .method = "POST", .path = "/_sim/clicks", .fn = c_click,
      .help = "{user, message_id, custom_id, values?}" },
    { .method = "POST", .path = "/_sim/modals", .fn = c_modal,
      .help = "{user, interaction_id, custom_id?, fields: {id: value}}" },
    { .method = "POST", .path = "/_sim/gateway/", .fn = c_gateway,
      .help = "reconnect | invalid_session {resumable} | close {code, "
              "reason} | drop | zombie {on} | heartbeat | raw {text} | "
              "op {op, d} | dispatch {t, d} | redeliver {seq} | "
              "invalidate" },
    { .method = "POST", .path = "/_sim/faults", .fn = c_fault,
      .help = "{method?, route?, count, status, retry_after?, global?, "
              "scope?, code?, message?}" },
    { .method = "DELETE", .path = "/_sim/faults", .fn = c_faults_clear,
      .help = "drop pending faults" },
    { .method = "POST", .path = "/_sim/budgets", .fn = c_budget,
      .help = "{method, route, limit, window_ms} (no route: default)" },
    { .method = "POST", .path = "/_sim/reset_limits", .fn = c_reset_limits,
      .help = "empty every bucket" },
    { .method = "POST", .path = "/_sim/config", .fn = c_config,
      .help = "{message_content?, heartbeat_interval_ms?, "
              "interaction_deadline_ms?, identify_interval_ms?, "
              "global_limit?}" },
};

static const struct sim_ctl_plane plane = {
    .routes = ctl_routes,
    .nroutes = sizeof(ctl_routes) / sizeof(*ctl_routes),
    .error = resp_error,
    .unknown = "unknown /_sim/ route; GET /_sim/ lists them",
    .bad_body = "the body must be a JSON object",
};

static void
c_index(struct sim_ctl_call *c)
{
    ctl_ok(c, sim_server_ctl_index(c->plane));
}

void
discord_sim_control_handle(struct discord_sim *sim,
                           const struct sim_request *rq,
                           struct sim_response *rs)
{
    sim_server_ctl(&plane, sim, rq, rs);
}
