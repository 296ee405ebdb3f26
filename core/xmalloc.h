/*
 * xmalloc: allocation wrappers that never return NULL.
 *
 * chorus is a daemon that cannot do anything useful once malloc fails, so
 * these abort with a log line instead of making every caller handle OOM
 * (the tmux / OpenSMTPD convention).  Everything else allocates through here.
 */
#ifndef CHORUS_XMALLOC_H
#define CHORUS_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Ownership: returns a new string the caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
