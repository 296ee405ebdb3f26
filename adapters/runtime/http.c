/*
 * http: curl multi socket API on the loop (as curl's docs/examples/
 * multi-uv.c does).  curl 7.88 has no curl_multi_get_handles(), so the
 * calls in flight are kept in our own list.
 *
 * curl tells us which sockets to watch (sock_cb) and when to call it back
 * (timer_fn); we only record that, and call curl_multi_socket_action() from
 * the watch and timer callbacks.  After each socket_action the finished
 * transfers are collected with curl_multi_info_read() and their callbacks
 * run.  curl 7.88 has no curl_multi_get_handles(), so every easy handle in
 * flight is also on our own list, which is what http_free() walks.
 */
#include "http.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "loop.h"
#include "buf.h"
#include "log.h"
#include "xmalloc.h"

#define HTTP_MAX_HEADER_BYTES  ((size_t)64 << 10)
#define HTTP_CONNECT_TIMEOUT_MS 10000L
/* Easy handles kept for reuse (curl_easy_reset keeps their buffers), so a
 * request does not allocate and free ~100 KB, which made malloc trim and
 * regrow the heap on every request. */
#define HTTP_SPARE_EASY 8

/* A socket curl told us to watch.  When curl stops watching it (an idle
 * kept-alive connection), its watch is paused and kept, parked, until the
 * socket is closed (close_socket): the next request on the connection
 * resumes it instead of setting up a new watch, which costs libuv an
 * ioctl and a few epoll_ctl calls per request. */
struct http_sock {
    struct http_sock  *next, *prev;
    struct http       *http;
    struct loop_watch *watch;
    curl_socket_t      fd;
};

enum call_state {
    CALL_RUNNING,
    CALL_IN_CALLBACK,
};

struct http_call {
    struct http_call  *next, *prev;
    struct http       *http;
    CURL              *easy;
    struct curl_slist *hdrs_out;
    http_done_fn      *done;
    void              *arg;
    enum call_state    state;
    enum http_method   method;
    struct buf         body;        /* response body, capped */
    struct buf         hdrs_in;     /* "name\0value\0" pairs, capped */
    bool               too_big;
    char               errbuf[CURL_ERROR_SIZE];
};

struct http {
    struct loop       *loop;
    CURLM             *multi;
    struct loop_timer *timer;
    struct http_call  *calls;
    struct http_sock  *socks;
    size_t             ncalls;
    char              *user_agent;
    char              *ca_file;
    long               timeout_ms;
    size_t             max_body;
    bool               insecure;
    CURL              *spare[HTTP_SPARE_EASY];
    size_t             nspare;
    int                depth;       /* > 0 while delivering completions */
    bool               closing;     /* http_free() called during delivery */
};

static unsigned curl_users;        /* http_new() minus http_free() */

static const char *const method_names[] = {
    [HTTP_GET] = "GET",
    [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT",
    [HTTP_PATCH] = "PATCH",
    [HTTP_DELETE] = "DELETE",
};

const char *
http_method_name(enum http_method m)
{
    if ((size_t)m < sizeof(method_names) / sizeof(method_names[0]))
        return method_names[m];
    return "?";
}

/* ---- curl -> loop glue ---- */

static void check_done(struct http *h);

static void
on_watch(void *arg, int fd, unsigned events)
{
    struct http_sock *hs = arg;
    struct http *h = hs->http;
    int flags = 0, running;

    if (events & LOOP_READ)
        flags |= CURL_CSELECT_IN;
    if (events & LOOP_WRITE)
        flags |= CURL_CSELECT_OUT;
    if (events & LOOP_ERROR)
        flags |= CURL_CSELECT_ERR;
    /* hs may be freed inside (curl closing the socket); h may not. */
    curl_multi_socket_action(h->multi, fd, flags, &running);
    check_done(h);
}

static void
on_timer(void *arg)
{
    struct http *h = arg;
    int running;

    curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(h);
}

static void
sock_unlink_free(struct http *h, struct http_sock *hs)
{
    if (hs->prev)
        hs->prev->next = hs->next;
    else
        h->socks = hs->next;
    if (hs->next)
        hs->next->prev = hs->prev;
    loop_watch_free(hs->watch);
    free(hs);
}

static struct http_sock *
sock_by_fd(struct http *h, curl_socket_t s)
{
    struct http_sock *hs = h->socks;
    while (hs && hs->fd != s)
        hs = hs->next;
    return hs;
}

static int
close_socket(void *arg, curl_socket_t s)
{
    struct http *h = arg;
    struct http_sock *hs = sock_by_fd(h, s);
    if (hs)
        sock_unlink_free(h, hs);
    return close(s);
}

static int
sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct http *h = userp;
    struct http_sock *hs = socketp;
    unsigned ev = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (hs) {
            loop_watch_set(hs->watch, 0);     /* parked */
            curl_multi_assign(h->multi, s, NULL);
        }
        return 0;
    }
    if (!hs) {
        hs = sock_by_fd(h, s);      /* parked since curl last watched it */
        if (!hs) {
            hs = xcalloc(1, sizeof(*hs));
            hs->http = h;
            hs->fd = s;
            hs->watch = loop_watch_new(h->loop, (int)s, on_watch, hs);
            if (!hs->watch) {
                free(hs);
                return -1;
            }
            hs->next = h->socks;
            if (h->socks)
                h->socks->prev = hs;
            h->socks = hs;
        }
        curl_multi_assign(h->multi, s, hs);
    }
    if (what & CURL_POLL_IN)
        ev |= LOOP_READ;
    if (what & CURL_POLL_OUT)
        ev |= LOOP_WRITE;
    loop_watch_set(hs->watch, ev);
    return 0;
}

static int
timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
    struct http *h = userp;

    (void)multi;
    /* Only arm: socket_action must not run inside this function. */
    if (timeout_ms < 0)
        loop_timer_stop(h->timer);
    else
        loop_timer_arm(h->timer, timeout_ms);
    return 0;
}

/* ---- per-transfer callbacks (inside curl: only record) ---- */

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct http_call *c = userdata;
    size_t n = size * nmemb;

    if (!buf_add(&c->body, ptr, n)) {
        c->too_big = true;
        return 0;       /* CURLE_WRITE_ERROR: the transfer stops */
    }
    return n;
}

static void
trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && strchr(" \t\r\n", (*s)[*len - 1]))
        (*len)--;
}

static size_t
header_cb(char *ptr, size_t size, size_t nitems, void *userdata)
{
    struct http_call *c = userdata;
    size_t n = size * nitems, nlen, vlen;
    const char *colon, *name = ptr, *val;

    /* A status line starts a new response (100 Continue, a redirect):
     * only the last response's headers are kept. */
    if (n >= 5 && memcmp(ptr, "HTTP/", 5) == 0) {
        buf_reset(&c->hdrs_in);
        return n;
    }
    colon = memchr(ptr, ':', n);
    if (!colon || colon == ptr || ptr[0] == ' ' || ptr[0] == '\t')
        return n;       /* blank line, obsolete folding: ignore */
    nlen = (size_t)(colon - ptr);
    val = colon + 1;
    vlen = n - nlen - 1;
    trim(&name, &nlen);
    trim(&val, &vlen);
    if (!buf_add(&c->hdrs_in, name, nlen) || !buf_addc(&c->hdrs_in, '\0') ||
        !buf_add(&c->hdrs_in, val, vlen) || !buf_addc(&c->hdrs_in, '\0'))
        log_debug("http", "response headers over %zu bytes: some dropped",
                  HTTP_MAX_HEADER_BYTES);
    return n;
}

/* ---- completion ---- */

static void
call_unlink(struct http_call *c)
{
    struct http *h = c->http;

    if (c->prev)
        c->prev->next = c->next;
    else
        h->calls = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->next = c->prev = NULL;
    h->ncalls--;
}

static CURL *
easy_take(struct http *h)
{
    return h->nspare > 0 ? h->spare[--h->nspare] : curl_easy_init();
}

static void
easy_give_back(struct http *h, CURL *easy)
{
    if (!h->closing && h->nspare < HTTP_SPARE_EASY) {
        curl_easy_reset(easy);
        h->spare[h->nspare++] = easy;
    } else
        curl_easy_cleanup(easy);
}

static void
call_free(struct http_call *c)
{
    easy_give_back(c->http, c->easy);
    curl_slist_free_all(c->hdrs_out);
    buf_free(&c->body);
    buf_free(&c->hdrs_in);
    free(c);
}

static enum http_error
classify(CURLcode rc, bool too_big)
{
    switch (rc) {
    case CURLE_OK:
        return HTTP_ERR_NONE;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_ERR_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return HTTP_ERR_CONNECT;
    case CURLE_FILESIZE_EXCEEDED:
        return HTTP_ERR_TOO_BIG;
    case CURLE_WRITE_ERROR:
        return too_big ? HTTP_ERR_TOO_BIG : HTTP_ERR_TRANSPORT;
    default:
        return HTTP_ERR_TRANSPORT;
    }
}

static void
finish(struct http_call *c, CURLcode rc)
{
    struct http *h = c->http;
    struct http_response res = { 0 };
    curl_off_t us = 0;
    char toobig[96];
    const char *url = NULL;

    curl_multi_remove_handle(h->multi, c->easy);
    call_unlink(c);

    curl_easy_getinfo(c->easy, CURLINFO_RESPONSE_CODE, &res.status);
    curl_easy_getinfo(c->easy, CURLINFO_TOTAL_TIME_T, &us);
    curl_easy_getinfo(c->easy, CURLINFO_EFFECTIVE_URL, &url);
    res.error = classify(rc, c->too_big);
    if (res.error == HTTP_ERR_TOO_BIG) {
        snprintf(toobig, sizeof(toobig), "response body exceeds %zu bytes",
                 h->max_body);
        res.error_text = toobig;
    } else if (res.error != HTTP_ERR_NONE)
        res.error_text = c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
    res.body = buf_cstr(&c->body);
    res.body_len = c->body.len;
    res.elapsed_ms = (int64_t)(us / 1000);
    res.call = c;
    if (res.error == HTTP_ERR_NONE)
        log_debug("http", "%s %s -> %ld (%lld ms)",
                  http_method_name(c->method), url ? url : "?", res.status,
                  (long long)res.elapsed_ms);
    else
        log_debug("http", "%s %s failed: %s", http_method_name(c->method),
                  url ? url : "?", res.error_text);

    c->state = CALL_IN_CALLBACK;
    c->done(c->arg, &res);
    call_free(c);
}

static void teardown(struct http *h);

static void
check_done(struct http *h)
{
    CURLMsg *msg;
    int left;

    h->depth++;
    while (!h->closing && (msg = curl_multi_info_read(h->multi, &left))) {
        struct http_call *c = NULL;
        CURLcode rc;

        if (msg->msg != CURLMSG_DONE)
            continue;
        /* msg dies with remove_handle: copy what we need first. */
        rc = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
        finish(c, rc);
    }
    h->depth--;
    if (h->closing && h->depth == 0)
        teardown(h);
}

/* ---- public ---- */

struct http *
http_new(struct loop *loop, const struct http_options *opts)
{
    struct http_options none = { 0 };
    struct http *h;

    if (!opts)
        opts = &none;
    if (curl_users++ == 0 && curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
        curl_users--;
        log_error("http", "curl_global_init failed");
        return NULL;
    }
    h = xcalloc(1, sizeof(*h));
    h->loop = loop;
    h->multi = curl_multi_init();
    if (!h->multi) {
        log_error("http", "curl_multi_init failed");
        free(h);
        if (--curl_users == 0)
            curl_global_cleanup();
        return NULL;
    }
    h->timer = loop_timer_new(loop, on_timer, h);
    h->user_agent = xstrdup(opts->user_agent ? opts->user_agent : "chorus");
    h->ca_file = opts->ca_file ? xstrdup(opts->ca_file) : NULL;
    h->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms
                                         : HTTP_DEFAULT_TIMEOUT_MS;
    h->max_body = opts->max_body ? opts->max_body : HTTP_DEFAULT_MAX_BODY;
    h->insecure = opts->insecure;

    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_fn);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    /* A burst of parallel TLS connects stalls the loop: a cap makes curl
     * reuse keep-alive connections instead of
     * opening (and TLS-handshaking) one per request. */
    curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      opts->max_connections > 0
                          ? opts->max_connections
                          : (long)HTTP_DEFAULT_MAX_CONNECTIONS);
    return h;
}

static void
teardown(struct http *h)
{
    struct http_call *c;

    /* Remove, then clean up each easy handle; the multi last.
     * curl_multi_cleanup() closes the connections it still caches, which
     * frees their watches (close_socket); any left are freed after it. */
    while ((c = h->calls)) {
        curl_multi_remove_handle(h->multi, c->easy);
        call_unlink(c);
        call_free(c);
    }
    while (h->nspare > 0)
        curl_easy_cleanup(h->spare[--h->nspare]);
    curl_multi_cleanup(h->multi);
    while (h->socks)
        sock_unlink_free(h, h->socks);
    loop_timer_free(h->timer);
    free(h->user_agent);
    free(h->ca_file);
    free(h);
    if (--curl_users == 0)
        curl_global_cleanup();
}

void
http_free(struct http *h)
{
    if (!h || h->closing)
        return;
    h->closing = true;
    if (h->depth == 0)
        teardown(h);
}

size_t
http_pending(const struct http *h)
{
    return h->ncalls;
}

static bool
header_ok(const char *line)
{
    return strpbrk(line, "\r\n") == NULL && strchr(line, ':') != NULL;
}

struct http_call *
http_request(struct http *h, const struct http_request *rq,
             http_done_fn *done, void *arg)
{
    struct http_call *c;
    struct curl_slist *sl = NULL;
    long timeout;
    bool has_body = rq->body != NULL || rq->body_len > 0;
    CURLMcode mrc;

    if (h->closing || !rq->url || !done ||
        (size_t)rq->method >= sizeof(method_names) / sizeof(method_names[0]))
        return NULL;
    if (rq->headers) {
        for (const char *const *p = rq->headers; *p; p++) {
            if (!header_ok(*p)) {
                log_warn("http", "refusing a malformed request header");
                curl_slist_free_all(sl);
                return NULL;
            }
            sl = curl_slist_append(sl, *p);
        }
    }
    c = xcalloc(1, sizeof(*c));
    c->http = h;
    c->done = done;
    c->arg = arg;
    c->method = rq->method;
    buf_init(&c->body, h->max_body);
    buf_init(&c->hdrs_in, HTTP_MAX_HEADER_BYTES);
    c->easy = easy_take(h);
    if (!c->easy) {
        curl_slist_free_all(sl);
        free(c);
        return NULL;
    }

    timeout = rq->timeout_ms > 0 ? rq->timeout_ms : h->timeout_ms;
    curl_easy_setopt(c->easy, CURLOPT_URL, rq->url);
    curl_easy_setopt(c->easy, CURLOPT_PRIVATE, c);
    curl_easy_setopt(c->easy, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(c->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c->easy, CURLOPT_USERAGENT, h->user_agent);
    curl_easy_setopt(c->easy, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c->easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c->easy, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c->easy, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < HTTP_CONNECT_TIMEOUT_MS
                         ? timeout : HTTP_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c->easy, CURLOPT_MAXFILESIZE_LARGE,
                     (curl_off_t)h->max_body);
    curl_easy_setopt(c->easy, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(c->easy, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_HEADERFUNCTION, header_cb);
    curl_easy_setopt(c->easy, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(c->easy, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
    curl_easy_setopt(c->easy, CURLOPT_CLOSESOCKETDATA, h);
    if (h->ca_file)
        curl_easy_setopt(c->easy, CURLOPT_CAINFO, h->ca_file);
    if (h->insecure) {
        curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c->easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }

    switch (rq->method) {
    case HTTP_GET:
        curl_easy_setopt(c->easy, CURLOPT_HTTPGET, 1L);
        break;
    case HTTP_POST:
        curl_easy_setopt(c->easy, CURLOPT_POST, 1L);
        break;
    default:
        curl_easy_setopt(c->easy, CURLOPT_CUSTOMREQUEST,
                         http_method_name(rq->method));
        break;
    }
    if (has_body || rq->method == HTTP_POST || rq->method == HTTP_PUT ||
        rq->method == HTTP_PATCH) {
        char *ct = xasprintf("Content-Type: %s", rq->content_type
                             ? rq->content_type : "application/json");

        /* Size first, so COPYPOSTFIELDS copies exactly body_len bytes. */
        curl_easy_setopt(c->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)rq->body_len);
        curl_easy_setopt(c->easy, CURLOPT_COPYPOSTFIELDS,
                         rq->body ? (const char *)rq->body : "");
        if (has_body)
            sl = curl_slist_append(sl, ct);
        /* No 1 s wait for a 100 Continue on bodies over 1 KiB. */
        sl = curl_slist_append(sl, "Expect:");
        free(ct);
    }
    c->hdrs_out = sl;
    if (sl)
        curl_easy_setopt(c->easy, CURLOPT_HTTPHEADER, sl);

    c->next = h->calls;
    if (h->calls)
        h->calls->prev = c;
    h->calls = c;
    h->ncalls++;
    /* Adding arms curl's timer (0 ms): the transfer starts from the loop,
     * so the callback can never run before we return. */
    if ((mrc = curl_multi_add_handle(h->multi, c->easy)) != CURLM_OK) {
        log_error("http", "curl_multi_add_handle: %s",
                  curl_multi_strerror(mrc));
        call_unlink(c);
        call_free(c);
        return NULL;
    }
    return c;
}

void
http_cancel(struct http_call *c)
{
    struct http *h;

    if (!c || c->state == CALL_IN_CALLBACK)
        return;
    h = c->http;
    curl_multi_remove_handle(h->multi, c->easy);
    call_unlink(c);
    call_free(c);
}

const char *
http_response_header(const struct http_response *res, const char *name)
{
    const struct buf *b = &res->call->hdrs_in;
    size_t off = 0;

    while (off < b->len) {
        const char *n = b->data + off;
        const char *v = n + strlen(n) + 1;

        if (strcasecmp(n, name) == 0)
            return v;
        off = (size_t)(v + strlen(v) + 1 - b->data);
    }
    return NULL;
}

int64_t
http_retry_after_ms(const char *header, double body_secs,
                    const struct http_retry_after *rule)
{
    double secs = body_secs;

    if (!(secs >= 0) && header) {
        char *end;

        secs = strtod(header, &end);
        if (end == header)
            secs = -1;
    }
    if (!(secs >= 0) || !isfinite(secs))
        return rule->default_ms;
    double ms = ceil(secs * 1000.0);
    int64_t wait = ms >= (double)rule->max_ms ? rule->max_ms : (int64_t)ms;
    if (wait < rule->min_ms)
        wait = rule->min_ms;
    return wait + rule->pad_ms;
}

static bool
form_escape(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool ok;

        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || strchr("-._~", ch))
            ok = buf_addc(b, (char)ch);
        else
            ok = buf_addc(b, '%') && buf_addc(b, hex[ch >> 4]) &&
                 buf_addc(b, hex[ch & 15]);
        if (!ok)
            return false;
    }
    return true;
}

bool
http_form_add(struct buf *b, const char *key, const char *value)
{
    if (b->len && !buf_addc(b, '&'))
        return false;
    return form_escape(b, key) && buf_addc(b, '=') && form_escape(b, value);
}
