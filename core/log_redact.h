/*
 * log_redact: secrets recognised by their shape in a log line (log.c
 * redacts them and the registered ones from every line).
 */
#ifndef CHORUS_LOG_REDACT_H
#define CHORUS_LOG_REDACT_H

#include <stddef.h>

/* At s: the length of a secret starting *keep bytes further (the bytes
 * before it, "/interactions/<id>/" say, stay as they are), else 0. */
size_t log_redact_shape(const char *s, size_t *keep);

#endif
