/*
 * slack_sim_ctl: the /_sim/ HTTP control interface, for poking a running
 * simulator by hand (curl) or from a test written in another language.
 * It is a thin layer over the C control API: JSON in, the same calls,
 * JSON out.  No authentication: it listens on 127.0.0.1 only.
 *
 *   GET  /_sim/identity        tokens, ids, URLs
 *   GET  /_sim/state           users, channels (members, topic, messages
 *                              with edits and pins), ephemerals, modals,
 *                              connections
 *   GET  /_sim/calls[?method=] Web API calls: method, args, status, response
 *   GET  /_sim/acks            acks: envelope_id, type, payload, late...
 *   GET  /_sim/envelopes       envelopes sent: id, type, attempt, acked...
 *   POST /_sim/users           {"name","id","real_name","tz","tz_label",
 *                               "tz_offset","email","is_bot"}
 *   POST /_sim/channels        {"name","is_private","members":[...]}
 *   POST /_sim/push/command    {"user","channel","command","text"}
 *   POST /_sim/push/dm         {"user","text"}
 *   POST /_sim/push/mention    {"user","channel","text"}
 *   POST /_sim/push/message    {"user","channel","text","thread_ts"}
 *   POST /_sim/push/action     {"user","channel","message_ts","action_id",
 *                               "value"}
 *   POST /_sim/push/submission {"user","view_id",
 *                               "values":{"block":{"action":"value"}}}
 *   POST /_sim/fault           {"fault":"warning"|...,"conn":0,"code":N,
 *                               "bytes":N}
 *   POST /_sim/fail_method     {"method","count","status","retry_after",
 *                               "error","channel"}
 *   POST /_sim/redeliver       {"envelope_id"}
 *   POST /_sim/raw             {"conn":0,"text":"..."}
 * Errors: 400 {"ok":false,"error":"..."}; unknown route 404.
 */
#include "slack_sim_int.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static void
add_str(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static void
add_json(cJSON *o, const char *k, const cJSON *v)
{
    if (v)
        cJSON_AddItemToObject(o, k, cJSON_Duplicate(v, 1));
    else
        cJSON_AddNullToObject(o, k);
}

/* ---- dumps ---- */

static cJSON *
message_dump(const struct slack_sim_message *m)
{
    cJSON *j = cJSON_CreateObject(), *ed;

    add_str(j, "ts", m->ts);
    add_str(j, "user", m->user);
    add_str(j, "bot_id", m->bot_id);
    add_str(j, "text", m->text);
    add_json(j, "blocks", m->blocks);
    add_str(j, "thread_ts", m->thread_ts);
    add_str(j, "subtype", m->subtype);
    cJSON_AddBoolToObject(j, "pinned", m->pinned);
    ed = cJSON_AddArrayToObject(j, "edits");
    for (size_t i = 0; i < m->nedits; i++) {
        cJSON *e = cJSON_CreateObject();

        add_str(e, "text", m->edits[i].text);
        add_json(e, "blocks", m->edits[i].blocks);
        cJSON_AddItemToArray(ed, e);
    }
    return j;
}

static cJSON *
state_dump(const struct slack_sim *sim)
{
    cJSON *j = cJSON_CreateObject(), *a;

    a = cJSON_AddArrayToObject(j, "users");
    for (size_t i = 0; i < sim->users.n; i++) {
        const struct slack_sim_user *u = sim->users.v[i];
        cJSON *o = slack_sim_user_json(sim, u);

        add_str(o, "dm_id", u->dm_id);
        cJSON_AddItemToArray(a, o);
    }
    a = cJSON_AddArrayToObject(j, "channels");
    for (size_t i = 0; i < sim->channels.n; i++) {
        const struct slack_sim_channel *ch = sim->channels.v[i];
        cJSON *o = slack_sim_chan_json(sim, ch), *m;

        m = cJSON_AddArrayToObject(o, "members");
        for (size_t k = 0; k < ch->nmembers; k++)
            cJSON_AddItemToArray(m, cJSON_CreateString(ch->members[k]));
        m = cJSON_AddArrayToObject(o, "messages");
        for (size_t k = 0; k < ch->nmessages; k++)
            cJSON_AddItemToArray(m, message_dump(ch->messages[k]));
        cJSON_AddItemToArray(a, o);
    }
    a = cJSON_AddArrayToObject(j, "ephemerals");
    for (size_t i = 0; i < sim->ephemerals.n; i++) {
        const struct slack_sim_ephemeral *e = sim->ephemerals.v[i];
        cJSON *o = cJSON_CreateObject();

        add_str(o, "channel", e->channel_id);
        add_str(o, "user", e->user);
        add_str(o, "text", e->text);
        add_json(o, "blocks", e->blocks);
        add_str(o, "source", e->source);
        cJSON_AddItemToArray(a, o);
    }
    a = cJSON_AddArrayToObject(j, "views");
    for (size_t i = 0; i < sim->views.n; i++) {
        const struct slack_sim_view *v = sim->views.v[i];
        cJSON *o = cJSON_CreateObject();

        add_str(o, "id", v->id);
        add_str(o, "user", v->user);
        add_str(o, "callback_id", v->callback_id);
        add_json(o, "view", v->view);
        cJSON_AddItemToArray(a, o);
    }
    a = cJSON_AddArrayToObject(j, "connections");
    for (size_t i = 0; i < sim->conns.n; i++) {
        const struct slack_sim_conn *c = sim->conns.v[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddNumberToObject(o, "id", c->id);
        cJSON_AddBoolToObject(o, "open", c->open);
        cJSON_AddBoolToObject(o, "refused", c->refused);
        add_str(o, "refused_reason", c->refused_reason);
        cJSON_AddBoolToObject(o, "debug_reconnects", c->debug_reconnects);
        cJSON_AddNumberToObject(o, "num_connections", c->num_connections);
        cJSON_AddNumberToObject(o, "pings_sent", c->pings_sent);
        cJSON_AddNumberToObject(o, "pongs_received", c->pongs_received);
        cJSON_AddNumberToObject(o, "frames_in", c->frames_in);
        cJSON_AddNumberToObject(o, "bad_frames", c->bad_frames);
        cJSON_AddNumberToObject(o, "close_code", c->close_code);
        cJSON_AddBoolToObject(o, "peer_closed", c->peer_closed);
        add_str(o, "last_disconnect", c->last_disconnect);
        cJSON_AddItemToArray(a, o);
    }
    return j;
}

/* ---- routes ---- */

static void
r_identity(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    cJSON *out = c->out;
    const struct slack_sim_identity *id = &sim->id;

    cJSON_AddStringToObject(out, "api_url", sim->api_url);
    cJSON_AddStringToObject(out, "app_token", id->app_token);
    cJSON_AddStringToObject(out, "bot_token", id->bot_token);
    cJSON_AddStringToObject(out, "app_id", id->app_id);
    cJSON_AddStringToObject(out, "team_id", id->team_id);
    cJSON_AddStringToObject(out, "bot_user_id", id->bot_user_id);
    cJSON_AddStringToObject(out, "bot_id", id->bot_id);
}

static void
r_state(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    cJSON *out = c->out;
    cJSON *st = state_dump(sim), *e;

    while ((e = st->child)) {
        cJSON_DetachItemViaPointer(st, e);
        cJSON_AddItemToObject(out, e->string, e);
    }
    cJSON_Delete(st);
}

static void
r_calls(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const char *only = sim_server_arg(c->rq, "method");
    cJSON *a = cJSON_AddArrayToObject(c->out, "calls");

    for (size_t i = 0; i < sim->calls.n; i++) {
        const struct slack_sim_call *k = sim->calls.v[i];
        cJSON *o;

        if (only && strcmp(only, k->method) != 0)
            continue;
        o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seq", k->seq);
        cJSON_AddStringToObject(o, "method", k->method);
        add_json(o, "args", k->args);
        cJSON_AddNumberToObject(o, "status", (double)k->status);
        add_json(o, "response", k->response);
        cJSON_AddBoolToObject(o, "injected", k->injected);
        cJSON_AddItemToArray(a, o);
    }
}

static void
r_acks(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    cJSON *out = c->out;
    cJSON *a = cJSON_AddArrayToObject(out, "acks");

    for (size_t i = 0; i < sim->acks.n; i++) {
        const struct slack_sim_ack *k = sim->acks.v[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddNumberToObject(o, "seq", k->seq);
        cJSON_AddStringToObject(o, "envelope_id", k->envelope_id);
        add_str(o, "type", k->type);
        add_json(o, "payload", k->payload);
        cJSON_AddNumberToObject(o, "conn", k->conn_id);
        cJSON_AddBoolToObject(o, "late", k->late);
        cJSON_AddBoolToObject(o, "duplicate", k->duplicate);
        cJSON_AddItemToArray(a, o);
    }
}

static void
r_envelopes(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    cJSON *out = c->out;
    cJSON *a = cJSON_AddArrayToObject(out, "envelopes");

    for (size_t i = 0; i < sim->envs.n; i++) {
        const struct slack_sim_envelope *e = sim->envs.v[i];
        cJSON *o = cJSON_CreateObject();

        cJSON_AddNumberToObject(o, "seq", e->seq);
        cJSON_AddStringToObject(o, "envelope_id", e->envelope_id);
        cJSON_AddStringToObject(o, "type", e->type);
        add_str(o, "event_id", e->event_id);
        cJSON_AddNumberToObject(o, "attempt", e->attempt);
        cJSON_AddNumberToObject(o, "conn", e->conn_id);
        cJSON_AddBoolToObject(o, "acked", e->acked);
        cJSON_AddBoolToObject(o, "timed_out", e->timed_out);
        cJSON_AddItemToArray(a, o);
    }
}

static void
r_user(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    const struct slack_sim_user *u;

    u = slack_sim_add_user(sim, &(struct slack_sim_user_spec){
        .id = json_string(in, "id"),
        .name = json_string(in, "name"),
        .real_name = json_string(in, "real_name"),
        .tz = json_string(in, "tz"),
        .tz_label = json_string(in, "tz_label"),
        .tz_offset = (int)json_int(in, "tz_offset", INT_MIN, INT_MAX, 0),
        .email = json_string(in, "email"),
        .is_bot = cJSON_IsTrue(cJSON_GetObjectItem(in, "is_bot")),
    });
    if (u)
        cJSON_AddStringToObject(out, "id", u->id);
}

static void
r_channel(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    const cJSON *m, *members = cJSON_GetObjectItem(in, "members");
    const char **list = xcalloc((size_t)cJSON_GetArraySize(members) + 1,
                                sizeof(*list));
    const struct slack_sim_channel *ch;
    size_t n = 0;

    cJSON_ArrayForEach(m, members)
        if (cJSON_IsString(m))
            list[n++] = m->valuestring;
    ch = slack_sim_add_channel(sim, json_string(in, "name"),
                               cJSON_IsTrue(cJSON_GetObjectItem(in,
                                                                "is_private")),
                               list);
    free(list);
    if (ch)
        cJSON_AddStringToObject(out, "id", ch->id);
}

static void
push_out(cJSON *out, int rc, const struct slack_sim_push *p)
{
    if (rc != 0)
        return;
    cJSON_AddStringToObject(out, "envelope_id", p->envelope_id);
    cJSON_AddStringToObject(out, "event_id", p->event_id);
    cJSON_AddStringToObject(out, "trigger_id", p->trigger_id);
    cJSON_AddStringToObject(out, "ts", p->ts);
    cJSON_AddStringToObject(out, "response_url", p->response_url);
}

static void
r_push_command(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    struct slack_sim_push p;

    push_out(out, slack_sim_push_command(sim, json_string(in, "user"),
                                         json_string(in, "channel"),
                                         json_string(in, "command"),
                                         json_string(in, "text"), &p), &p);
}

static void
r_push_dm(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    struct slack_sim_push p;

    push_out(out,
             slack_sim_push_dm(sim, json_string(in, "user"),
                               json_string(in, "text"), &p),
             &p);
}

static void
r_push_mention(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    struct slack_sim_push p;

    push_out(out, slack_sim_push_mention(sim, json_string(in, "user"),
                                         json_string(in, "channel"),
                                         json_string(in, "text"), &p), &p);
}

static void
r_push_message(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    struct slack_sim_push p;

    push_out(out, slack_sim_push_message(sim, json_string(in, "user"),
                                         json_string(in, "channel"),
                                         json_string(in, "text"),
                                         json_string(in, "thread_ts"), &p), &p);
}

static void
r_push_action(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    struct slack_sim_push p;

    push_out(out, slack_sim_push_action(sim, json_string(in, "user"),
                                        json_string(in, "channel"),
                                        json_string(in, "message_ts"),
                                        json_string(in, "action_id"),
                                        json_string(in, "value"), &p), &p);
}

static void
r_push_submission(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    cJSON *out = c->out;
    const cJSON *values = cJSON_GetObjectItem(in, "values"), *b, *a;
    struct slack_sim_field f[32];
    struct slack_sim_push p;
    size_t n = 0;

    cJSON_ArrayForEach(b, values)
        cJSON_ArrayForEach(a, b)
            if (cJSON_IsString(a) && n < 32)
                f[n++] = (struct slack_sim_field){
                    .block_id = b->string,
                    .action_id = a->string,
                    .value = a->valuestring,
                };
    push_out(out, slack_sim_push_submission(sim, json_string(in, "user"),
                                            json_string(in, "view_id"), f, n,
                                            &p),
             &p);
}

static void
r_fault(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    const char *name = json_string(in, "fault");
    int f = name ? slack_sim_socket_fault_from_name(name) : -1;
    struct slack_sim_fault_args a = {
        .code = (int)json_int(in, "code", INT_MIN, INT_MAX, 0),
        .bytes = (size_t)json_int(in, "bytes", 0, INT_MAX, 0),
    };

    if (f < 0) {
        slack_sim_err(sim, "unknown fault %s", name ? name : "(none)");
        return;
    }
    slack_sim_socket_inject(sim, (int)json_int(in, "conn", INT_MIN, INT_MAX, 0),
                            (enum slack_sim_fault)f, &a);
}

static void
r_fail_method(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;

    if (!json_string(in, "method")) {
        slack_sim_err(sim, "fail_method: method required");
        return;
    }
    slack_sim_api_fail_method(
        sim, &(struct slack_sim_method_fault){
                 .method = json_string(in, "method"),
                 .count = (int)json_int(in, "count", INT_MIN, INT_MAX, 0),
                 .status = (int)json_int(in, "status", INT_MIN, INT_MAX, 0),
                 .retry_after =
                     (int)json_int(in, "retry_after", INT_MIN, INT_MAX, 0),
                 .error = json_string(in, "error"),
                 .channel = json_string(in, "channel"),
             });
}

static void
r_redeliver(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;

    slack_sim_socket_redeliver(sim, json_string(in, "envelope_id")
                                        ? json_string(in, "envelope_id")
                                        : "");
}

static void
r_raw(struct sim_ctl_call *c)
{
    struct slack_sim *sim = c->sim;
    const cJSON *in = c->body;
    const char *text = json_string(in, "text");

    if (!text) {
        slack_sim_err(sim, "raw: text required");
        return;
    }
    slack_sim_socket_send_raw(sim,
                              (int)json_int(in, "conn", INT_MIN, INT_MAX, 0),
                              text, strlen(text));
}

static const struct sim_ctl_route routes[] = {
    { .method = "GET", .path = "/_sim/identity", .fn = r_identity },
    { .method = "GET", .path = "/_sim/state", .fn = r_state },
    { .method = "GET", .path = "/_sim/calls", .fn = r_calls },
    { .method = "GET", .path = "/_sim/acks", .fn = r_acks },
    { .method = "GET", .path = "/_sim/envelopes", .fn = r_envelopes },
    { .method = "POST", .path = "/_sim/users", .fn = r_user },
    { .method = "POST", .path = "/_sim/channels", .fn = r_channel },
    { .method = "POST", .path = "/_sim/push/command",
      .fn = r_push_command },
    { .method = "POST", .path = "/_sim/push/dm", .fn = r_push_dm },
    { .method = "POST", .path = "/_sim/push/mention",
      .fn = r_push_mention },
    { .method = "POST", .path = "/_sim/push/message",
      .fn = r_push_message },
    { .method = "POST", .path = "/_sim/push/action", .fn = r_push_action },
    { .method = "POST", .path = "/_sim/push/submission",
      .fn = r_push_submission },
    { .method = "POST", .path = "/_sim/fault", .fn = r_fault },
    { .method = "POST", .path = "/_sim/fail_method", .fn = r_fail_method },
    { .method = "POST", .path = "/_sim/redeliver", .fn = r_redeliver },
    { .method = "POST", .path = "/_sim/raw", .fn = r_raw },
};

/* The routes call the C control API, which reports a refusal in
 * sim->err: {"ok":true, ...} unless it did. */
static void
run(struct sim_ctl_call *c, sim_ctl_fn *fn)
{
    struct slack_sim *sim = c->sim;

    sim->err[0] = '\0';
    c->out = cJSON_CreateObject();
    cJSON_AddBoolToObject(c->out, "ok", 1);
    fn(c);
    if (sim->err[0]) {
        cJSON_Delete(c->out);
        slack_sim_api_resp_error(c->rs, 400, sim->err);
        return;
    }
    slack_sim_api_resp_json(c->rs, 200, c->out);
}

static const struct sim_ctl_plane plane = {
    .routes = routes,
    .nroutes = sizeof(routes) / sizeof(*routes),
    .error = slack_sim_api_resp_error,
    .unknown = "no_such_route",
    .bad_body = "body must be a JSON object",
    .run = run,
};

void
slack_sim_ctl_handle(struct slack_sim *sim, const struct sim_request *rq,
                     struct sim_response *rs)
{
    sim_server_ctl(&plane, sim, rq, rs);
}
