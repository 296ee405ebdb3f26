#include "adapter.h"

#include "buf.h"
#include "log.h"
#include "when.h"

const char *const out_kind_names[] = {
    [OUT_REPLY] = "reply",
    [OUT_POST] = "post",
    [OUT_DM] = "dm",
    [OUT_UPDATE] = "update",
    [OUT_CREATE_CHANNEL] = "create_channel",
    [OUT_INVITE] = "invite",
    [OUT_PIN] = "pin",
    [OUT_TOPIC] = "topic",
    [OUT_LOOKUP] = "lookup",
    NULL,
};

const char *
adapter_name(const struct adapter *a)
{
    return a->ops->name;
}

typedef enum ch_status deliver_fn(struct adapter *, const struct out_msg *);

enum ch_status
adapter_deliver(struct adapter *a, const struct out_msg *m)
{
    const struct adapter_ops *o = a->ops;
    deliver_fn *fn = NULL;
    switch (m->kind) {
    case OUT_REPLY: fn = o->reply ? o->reply : o->dm; break;
    case OUT_POST: fn = o->post; break;
    case OUT_DM: fn = o->dm; break;
    case OUT_UPDATE: fn = o->update; break;
    case OUT_CREATE_CHANNEL: fn = o->create_channel; break;
    case OUT_INVITE: fn = o->invite; break;
    case OUT_PIN: fn = o->pin; break;
    case OUT_TOPIC: fn = o->set_topic; break;
    case OUT_LOOKUP: fn = o->lookup_user; break;
    case OUT_KIND_COUNT: break;
    }
    if (fn)
        return fn(a, m);
    /* A platform without pins, topics, edits or lookups loses nothing the
     * core depends on: the core treats these as done. */
    switch (m->kind) {
    case OUT_UPDATE:
    case OUT_PIN:
    case OUT_TOPIC:
    case OUT_LOOKUP:
    case OUT_INVITE:
        log_debug("adapter", "%s: %s not supported, skipped", o->name,
                  out_kind_names[m->kind]);
        return CH_UNSUPPORTED;
    default:
        return CH_INTERNAL;
    }
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
    when_format(utc_ms, "UTC", WHEN_LONG, text, sizeof(text));
    buf_adds(out, text);
}
