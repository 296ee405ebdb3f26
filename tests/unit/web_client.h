/*
 * web_client: a blocking HTTP/1.1 client on plain sockets to 127.0.0.1,
 * and a reader of the Prometheus text format, for the tests of the
 * daemon's web server (test_web, test_web_e2e).  Header-only, static
 * functions only, like core_fixture.h.  A request is sent whole and the
 * answer read until Content-Length is in or the peer closes (5 s bound).
 */
#ifndef CHORUS_TEST_WEB_CLIENT_H
#define CHORUS_TEST_WEB_CLIENT_H

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"

#define WC_STATIC static __attribute__((unused))

/* ---- a blocking client ---- */

WC_STATIC int
dial(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port) };
    struct timeval tv = { .tv_sec = 5 };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

struct reply {
    int  status;
    char head[4096];
    char *body;                 /* malloc'ed */
};

/* Send req whole, read until the peer closes or Content-Length is in. */
WC_STATIC void
exchange(int port, const char *req, size_t len, struct reply *r)
{
    struct buf in;
    int fd = dial(port);
    size_t sent = 0;

    memset(r, 0, sizeof(*r));
    if (fd < 0) {
        r->body = strdup("");
        return;
    }
    while (sent < len) {
        ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    buf_init(&in, 0);
    for (;;) {
        char chunk[8192];
        ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
        if (n <= 0)
            break;
        buf_add(&in, chunk, (size_t)n);
        const char *text = buf_cstr(&in);
        const char *end = strstr(text, "\r\n\r\n");
        const char *cl = strcasestr(text, "content-length:");
        if (end && cl && cl < end &&
            (size_t)(end + 4 - text) + (size_t)strtol(cl + 15, NULL, 10) <=
                in.len)
            break;
    }
    close(fd);
    const char *text = buf_cstr(&in);
    if (getenv("TEST_WEB_DEBUG"))
        fprintf(stderr, "<<%s>>\n", text);
    const char *end = strstr(text, "\r\n\r\n");
    if (strncmp(text, "HTTP/1.1 ", 9) == 0)
        r->status = (int)strtol(text + 9, NULL, 10);
    if (end) {
        snprintf(r->head, sizeof(r->head), "%.*s", (int)(end - text), text);
        r->body = strdup(end + 4);
    } else {
        r->body = strdup("");
    }
    buf_free(&in);
}

WC_STATIC void
get(int port, const char *target, const char *extra, struct reply *r)
{
    char req[1024];
    int n = snprintf(req, sizeof(req),
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                     "Connection: close\r\n\r\n", target, extra ? extra : "");
    exchange(port, req, (size_t)n, r);
}

/* ---- a Prometheus text-format reader (version 0.0.4) ---- */

struct sample {
    char   name[96];
    char   labels[160];         /* what is between the braces */
    double value;
};

/* Parse text; every line must be a HELP, a TYPE or a sample of a family
 * whose TYPE came before it.  Returns the number of samples, -1 (with
 * the line in *bad) on a malformed line. */
WC_STATIC int
prom_parse(const char *text, struct sample *out, int max, char *bad,
           size_t badn)
{
    char types[64][96];
    int ntypes = 0, n = 0;
    const char *line = text;

    while (*line) {
        const char *eol = strchr(line, '\n');
        char l[512];
        size_t len = eol ? (size_t)(eol - line) : strlen(line);

        if (len >= sizeof(l))
            goto fail;
        memcpy(l, line, len);
        l[len] = '\0';
        line = eol ? eol + 1 : line + len;
        if (len == 0)
            continue;
        if (strncmp(l, "# HELP ", 7) == 0)
            continue;
        if (strncmp(l, "# TYPE ", 7) == 0) {
            char name[96], type[32];
            if (sscanf(l + 7, "%95s %31s", name, type) != 2 ||
                (strcmp(type, "counter") && strcmp(type, "gauge") &&
                 strcmp(type, "summary") && strcmp(type, "histogram") &&
                 strcmp(type, "untyped")) || ntypes == 64)
                goto fail;
            snprintf(types[ntypes++], sizeof(types[0]), "%s", name);
            continue;
        }
        if (l[0] == '#')
            continue;
        struct sample sm = { .name = "" };
        size_t i = 0;
        while (isalnum((unsigned char)l[i]) || l[i] == '_' || l[i] == ':')
            i++;
        if (i == 0 || i >= sizeof(sm.name) || isdigit((unsigned char)l[0]))
            goto fail;
        memcpy(sm.name, l, i);
        sm.name[i] = '\0';
        if (l[i] == '{') {
            const char *close = strchr(l + i, '}');
            if (!close || (size_t)(close - (l + i + 1)) >= sizeof(sm.labels))
                goto fail;
            snprintf(sm.labels, sizeof(sm.labels), "%.*s",
                     (int)(close - (l + i + 1)), l + i + 1);
            if (sm.labels[0] && !strstr(sm.labels, "=\""))
                goto fail;
            i = (size_t)(close - l) + 1;
        }
        if (l[i] != ' ')
            goto fail;
        char *endp;
        sm.value = strtod(l + i + 1, &endp);
        if (endp == l + i + 1 || (*endp && *endp != ' '))
            goto fail;
        bool typed = false;
        for (int t = 0; t < ntypes && !typed; t++) {
            size_t tl = strlen(types[t]);
            typed = strncmp(sm.name, types[t], tl) == 0 &&
                    (sm.name[tl] == '\0' || strcmp(sm.name + tl, "_sum") == 0
                     || strcmp(sm.name + tl, "_count") == 0);
        }
        if (!typed)
            goto fail;
        if (n < max)
            out[n] = sm;
        n++;
        continue;
fail:
        snprintf(bad, badn, "%s", l);
        return -1;
    }
    return n;
}

WC_STATIC double
prom_value(const struct sample *s, int n, const char *name,
           const char *labels)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s[i].name, name) == 0 &&
            strcmp(s[i].labels, labels ? labels : "") == 0)
            return s[i].value;
    return -1;
}

WC_STATIC void
free_reply(struct reply *r)
{
    free(r->body);
    r->body = NULL;
}

/* A port nobody listens on now (bound and let go: a small race). */
WC_STATIC int
free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

#endif
