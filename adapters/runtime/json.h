/*
 * json: reading what a platform (or a test driving a simulator) sends,
 * with cJSON, without trusting its shape.
 *
 * Every getter takes a value that may be NULL or of any type and a path
 * of keys joined by dots ("view.state.values", "actions.0.value"); a
 * segment of digits indexes an array, any other segment names a member
 * of an object (case-sensitive).  A key that itself holds a dot cannot be
 * named; look such a member up with cJSON.  What is missing or of another
 * type reads as NULL or as the caller's default, never as an error: the
 * caller decides whether that input is acceptable.
 *
 * Platform rules (what a Discord snowflake or a Slack user id looks like)
 * stay in the adapters, on top of these.
 *
 * Ownership: returned pointers point into o and live as long as it does.
 */
#ifndef CHORUS_JSON_H
#define CHORUS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* The whole numbers a JSON number (a double) holds exactly: +-(2^53 - 1).
 * json_int bounds must lie within them. */
#define JSON_INT_MAX 9007199254740991LL
#define JSON_INT_MIN (-JSON_INT_MAX)

/*
 * Parse len bytes of JSON, as cJSON_ParseWithLength, except that a
 * \u0000 escape in a string reads as U+001A (SUBSTITUTE): a C string
 * would end at the NUL and a command would silently lose its tail
 * ("approve x#1\u0000 ..." read as "approve x#1").  The control
 * character is kept instead, so the core refuses the text and says
 * where.  NULL for what is not JSON.  Ownership: cJSON_Delete().
 */
cJSON       *json_parse(const char *text, size_t len);

/* The value at path, or NULL. */
const cJSON *json_get(const cJSON *o, const char *path);
/* The string at path, or NULL. */
const char  *json_string(const cJSON *o, const char *path);
/* The number at path, its fraction dropped, when it lies within
 * [min, max]; def when it is missing, not a number or out of range. */
long long    json_int(const cJSON *o, const char *path, long long min,
                      long long max, long long def);
/* The number at path as it is, or def. */
double       json_number(const cJSON *o, const char *path, double def);
/* The boolean at path, or def. */
bool         json_bool(const cJSON *o, const char *path, bool def);
/*
 * An id at path, as text in out[outlen]: a string that fits, or a whole
 * number from 0 to JSON_INT_MAX written in decimal (platforms send ids
 * as either).  false, with out "", for anything else.
 */
bool         json_id(const cJSON *o, const char *path, char *out,
                     size_t outlen);

#endif
