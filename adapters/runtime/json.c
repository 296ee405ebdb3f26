#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Longer than any key a platform uses; a longer segment finds nothing. */
#define KEY_MAX 63

/* A segment of 1 to 9 digits as an array index, else -1. */
static int
index_of(const char *seg, size_t n)
{
    int v = 0;
    if (n == 0 || n > 9)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return -1;
        v = v * 10 + (seg[i] - '0');
    }
    return v;
}

const cJSON *
json_get(const cJSON *o, const char *path)
{
    char key[KEY_MAX + 1];

    while (o != NULL && *path) {
        size_t n = strcspn(path, ".");
        int idx = index_of(path, n);
        if (cJSON_IsArray(o) && idx >= 0) {
            o = cJSON_GetArrayItem(o, idx);
        } else if (cJSON_IsObject(o) && n <= KEY_MAX) {
            memcpy(key, path, n);
            key[n] = '\0';
            o = cJSON_GetObjectItemCaseSensitive(o, key);
        } else {
            return NULL;
        }
        path += n;
        if (*path == '.')
            path++;
    }
    return o;
}

const char *
json_string(const cJSON *o, const char *path)
{
    const cJSON *v = json_get(o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

long long
json_int(const cJSON *o, const char *path, long long min, long long max,
         long long def)
{
    const cJSON *v = json_get(o, path);
    if (!cJSON_IsNumber(v))
        return def;
    /* Compared as doubles, which hold every bound within JSON_INT_MAX
     * exactly; a NaN fails both tests. */
    double d = v->valuedouble;
    if (!(d >= (double)min && d <= (double)max) || d < (double)JSON_INT_MIN ||
        d > (double)JSON_INT_MAX)
        return def;
    return (long long)d;
}

double
json_number(const cJSON *o, const char *path, double def)
{
    const cJSON *v = json_get(o, path);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

bool
json_bool(const cJSON *o, const char *path, bool def)
{
    const cJSON *v = json_get(o, path);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

bool
json_id(const cJSON *o, const char *path, char *out, size_t outlen)
{
    const cJSON *v = json_get(o, path);
    if (outlen == 0)
        return false;
    out[0] = '\0';
    if (cJSON_IsString(v)) {
        if (strlen(v->valuestring) >= outlen)
            return false;
        memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
        return true;
    }
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d >= 0 && d <= (double)JSON_INT_MAX) || d != (double)(long long)d)
        return false;
    int n = snprintf(out, outlen, "%lld", (long long)d);
    if (n < 0 || (size_t)n >= outlen) {
        out[0] = '\0';
        return false;
    }
    return true;
}

/* At s (after a backslash in a string), whether the escape is \u0000. */
static bool
is_nul_escape(const char *s, size_t left)
{
    return left >= 5 && s[0] == 'u' && s[1] == '0' && s[2] == '0' &&
           s[3] == '0' && s[4] == '0';
}

cJSON *
json_parse(const char *text, size_t len)
{
    char *copy = NULL;
    bool in_string = false;

    for (size_t i = 0; text && i < len; i++) {
        if (text[i] == '"') {
            in_string = !in_string;
        } else if (in_string && text[i] == '\\' && i + 1 < len) {
            i++;
            if (is_nul_escape(text + i, len - i)) {
                if (copy == NULL) {
                    copy = xmalloc(len);
                    memcpy(copy, text, len);
                }
                memcpy(copy + i, "u001a", 5);
            }
        }
    }
    cJSON *j = cJSON_ParseWithLength(copy ? copy : text, len);
    free(copy);
    return j;
}
