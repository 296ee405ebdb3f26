/*
 * arena: bump allocation for everything that lives exactly as long as one
 * inbound event or one scheduler tick.
 *
 * The core reads rows into structs whose strings come from the event's
 * arena, so handlers never free individual strings: the dispatcher frees
 * the whole arena once the event is committed or rolled back.
 * Ownership: memory from arena_* belongs to the arena; arena_free() (or
 * arena_reset()) releases all of it at once.
 */
#ifndef CHORUS_ARENA_H
#define CHORUS_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void          arena_free(struct arena *a);
void          arena_reset(struct arena *a);
void         *arena_alloc(struct arena *a, size_t size);   /* zeroed */
/* Grow an arena array: a new zeroed block with the old contents copied. */
void         *arena_grow(struct arena *a, void *old, size_t old_size,
                         size_t new_size);
char         *arena_strdup(struct arena *a, const char *s); /* NULL -> NULL */
char         *arena_strndup(struct arena *a, const char *s, size_t n);
char         *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char         *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

#endif
