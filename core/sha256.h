/* sha256: FIPS 180-4 SHA-256, for the hashes of secret tokens. */
#ifndef CHORUS_SHA256_H
#define CHORUS_SHA256_H

#include <stddef.h>

/* The digest of data as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
