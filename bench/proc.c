#include "proc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The number after "key:" in a /proc file of "key: value" lines. */
static long
field_kib(pid_t pid, const char *file, const char *key)
{
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    FILE *fp = fopen(path, "r");
    long kib = -1;
    size_t klen = strlen(key);
    while (fp && fgets(line, sizeof(line), fp))
        if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
            kib = strtol(line + klen + 1, NULL, 10);
            break;
        }
    if (fp)
        fclose(fp);
    return kib;
}

long
proc_status_kib(pid_t pid, const char *key)
{
    return field_kib(pid, "status", key);
}

long
proc_pss_kib(pid_t pid)
{
    return field_kib(pid, "smaps_rollup", "Pss");
}

double
proc_cpu_seconds(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    /* Fields after the ")" closing the command name (which may hold
     * spaces): state is field 3, utime 14, stime 15. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p += 2;
    for (int field = 3; field < 14 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    unsigned long long ut, st;
    if (!p || sscanf(p, "%llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}
