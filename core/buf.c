#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
buf_init(struct buf *b, size_t cap_limit)
{
    memset(b, 0, sizeof(*b));
    b->cap_limit = cap_limit;
}

void
buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->alloc = 0;
    b->overflow = false;
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    b->overflow = false;
    if (b->data)
        b->data[0] = '\0';
}

static size_t
limit_of(const struct buf *b)
{
    return b->cap_limit ? b->cap_limit : BUF_DEFAULT_LIMIT;
}

static bool
reserve(struct buf *b, size_t extra)
{
    if (extra > limit_of(b) - b->len) {
        b->overflow = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need > b->alloc) {
        size_t n = b->alloc ? b->alloc : 64;
        while (n < need)
            n *= 2;
        b->data = xrealloc(b->data, n, 1);
        b->alloc = n;
    }
    return true;
}

bool
buf_add(struct buf *b, const void *data, size_t len)
{
    if (!reserve(b, len))
        return false;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return true;
}

bool
buf_adds(struct buf *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

bool
buf_addc(struct buf *b, char c)
{
    return buf_add(b, &c, 1);
}

bool
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !reserve(b, (size_t)n))
        return false;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return true;
}

bool
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

const char *
buf_cstr(const struct buf *b)
{
    return b->data ? b->data : "";
}

char *
buf_detach(struct buf *b)
{
    char *s = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = b->alloc = 0;
    b->overflow = false;
    return s;
}

void
buf_rtrim(struct buf *b)
{
    while (b->len > 0 && (b->data[b->len - 1] == ' ' ||
                          b->data[b->len - 1] == '\n' ||
                          b->data[b->len - 1] == '\t'))
        b->data[--b->len] = '\0';
}
