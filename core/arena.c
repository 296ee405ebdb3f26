#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Under AddressSanitizer a kept block is poisoned until handed out again,
 * so a pointer used after arena_reset() is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* Blocks are chained; a request larger than a block gets a block of its own. */
struct arena_block {
    struct arena_block *next;
    size_t              used;
    size_t              size;
    max_align_t         data[];
};

struct arena {
    struct arena_block *head;
};

#define ARENA_BLOCK_SIZE ((size_t)16 * 1024)

struct arena *
arena_new(void)
{
    return xcalloc(1, sizeof(struct arena));
}

/* Keep one standard block for the next use: an arena is reset once per
 * event or flush, and giving its block back each time made malloc trim
 * and grow the heap over and over. */
void
arena_reset(struct arena *a)
{
    struct arena_block *keep = NULL;
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        if (keep == NULL && b->size == ARENA_BLOCK_SIZE) {
            keep = b;
            keep->used = 0;
            keep->next = NULL;
            POISON(keep->data, keep->size);
        } else {
            free(b);
        }
        b = next;
    }
    a->head = keep;
}

void
arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    arena_reset(a);
    if (a->head)
        UNPOISON(a->head->data, a->head->size);
    free(a->head);
    free(a);
}

void *
arena_alloc(struct arena *a, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) & ~(align - 1);
    struct arena_block *b = a->head;
    if (b == NULL || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
        b = xmalloc(sizeof(*b) + bsize);
        b->used = 0;
        b->size = bsize;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    UNPOISON(p, size);
    memset(p, 0, size);
    return p;
}

void *
arena_grow(struct arena *a, void *old, size_t old_size, size_t new_size)
{
    void *p = arena_alloc(a, new_size);
    if (old && old_size)
        memcpy(p, old, old_size < new_size ? old_size : new_size);
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}
