/*
 * buf: a growable NUL-terminated byte string with a hard cap.
 *
 * Invariants: b->data is always NUL-terminated once anything was written
 * (buf_cstr() never returns NULL); b->len never exceeds b->cap_limit.  A
 * write that would pass the cap is refused and sets b->overflow, so text
 * built from network input can never grow without bound (curl's dynbuf
 * "toobig" rule).  Ownership: buf_free() releases data; buf_detach() hands
 * it to the caller.
 */
#ifndef CHORUS_BUF_H
#define CHORUS_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char   *data;
    size_t  len;
    size_t  alloc;
    size_t  cap_limit;  /* maximum len; 0 means BUF_DEFAULT_LIMIT */
    bool    overflow;   /* a write was refused because of the cap */
};

#define BUF_DEFAULT_LIMIT ((size_t)16 << 20)
#define BUF_INIT { NULL, 0, 0, 0, false }

void        buf_init(struct buf *b, size_t cap_limit);
void        buf_free(struct buf *b);
void        buf_reset(struct buf *b);
bool        buf_add(struct buf *b, const void *data, size_t len);
bool        buf_adds(struct buf *b, const char *s);
bool        buf_addc(struct buf *b, char c);
bool        buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
bool        buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
const char *buf_cstr(const struct buf *b);
/* Ownership: the caller frees the returned string; b is left empty. */
char       *buf_detach(struct buf *b);
/* Drop trailing whitespace (used to tidy generated messages). */
void        buf_rtrim(struct buf *b);

#endif
