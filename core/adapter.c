/* The wrappers around struct adapter_ops: defaults for empty slots. */
#include "adapter.h"

#include "buf.h"
#include "log.h"
#include "when.h"

const char *const adapter_kind_names[] = {
    [OUT_REPLY] = "reply",
    [OUT_POST] = "post",
    [OUT_DM] = "dm",
    [OUT_UPDATE] = "update",
    [OUT_CREATE_CHANNEL] = "create_channel",
    [OUT_INVITE] = "invite",
    [OUT_PIN] = "pin",
    [OUT_TOPIC] = "topic",
    [OUT_LOOKUP] = "lookup",
    [OUT_ARCHIVE] = "archive",
    NULL,
};

const struct adapter_rubric_point adapter_rubric[ADAPTER_RUBRIC_POINTS] = {
    { "visible", "Product clearly visible" },
    { "message", "Message understood" },
    { "engagement", "Engagement (hook, pacing, call to action)" },
};

enum ch_status
adapter_check(const struct adapter *a, struct ch_error *err)
{
    const struct adapter_ops *o = a ? a->ops : NULL;
    if (o == NULL || o->name == NULL || !*o->name)
        return ch_fail(err, CH_INVALID, "an adapter without a name");
    if (o->version != ADAPTER_OPS_VERSION)
        return ch_fail(err, CH_INVALID, "adapter %s has interface version "
                       "%u; this build needs %u", o->name, o->version,
                       ADAPTER_OPS_VERSION);
    if (o->deliver == NULL)
        return ch_fail(err, CH_INVALID, "adapter %s cannot deliver", o->name);
    return CH_OK;
}

const char *
adapter_name(const struct adapter *a)
{
    return a->ops->name;
}

const char *
adapter_command_lead(const struct adapter *a)
{
    return a && a->ops->command_lead ? a->ops->command_lead : "/campaign ";
}

unsigned
adapter_caps(const struct adapter *a)
{
    return a->ops->caps;
}

enum ch_status
adapter_deliver(struct adapter *a, const struct out_msg *m)
{
    enum ch_status s = a->ops->deliver(a, m);
    if (s == CH_UNSUPPORTED)
        log_debug("adapter", "%s: %s not supported, skipped", a->ops->name,
                  adapter_kind_names[m->kind]);
    return s;
}

enum ch_status
adapter_find_user(struct adapter *a, const char *name, struct buf *out)
{
    if (a->ops->find_user == NULL)
        return CH_NOT_FOUND;
    return a->ops->find_user(a, name, out);
}

void
adapter_render_person(struct adapter *a, const char *user_id,
                      const char *name, struct buf *out)
{
    if (a->ops->render_person && user_id)
        a->ops->render_person(a, user_id, name, out);
    else
        buf_printf(out, "@%s", name);
}

void
adapter_render_channel(struct adapter *a, const char *channel_id,
                       const char *slug, struct buf *out)
{
    if (a->ops->render_channel && channel_id)
        a->ops->render_channel(a, channel_id, slug, out);
    else
        buf_printf(out, "#%s", slug);
}

void
adapter_render_time(struct adapter *a, int64_t utc_ms, struct buf *out)
{
    if (a->ops->render_time) {
        a->ops->render_time(a, utc_ms, out);
        return;
    }
    char text[64];
    when_format(utc_ms, "UTC", WHEN_YEAR_ALWAYS, WHEN_LONG, text,
                sizeof(text));
    buf_adds(out, text);
}

int
adapter_start(struct adapter *a)
{
    return a->ops->start ? a->ops->start(a) : 0;
}

void
adapter_stop(struct adapter *a, int64_t deadline_ms, void (*done)(void *arg),
             void *arg)
{
    if (a->ops->stop)
        a->ops->stop(a, deadline_ms, done, arg);
    else
        done(arg);
}

void
adapter_free(struct adapter *a)
{
    if (a && a->ops->free)
        a->ops->free(a);
}
