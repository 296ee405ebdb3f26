/*
 * http: a non-blocking HTTP client for the adapters' Web/REST APIs.
 *
 * libcurl's multi socket API driven by the loop:
 * curl's sockets become loop_watch handles and curl's single timeout one
 * loop_timer; curl_multi_socket_action() runs only from those callbacks,
 * never from inside curl's own callbacks.  Nothing here blocks, except
 * that curl may start a resolver thread for host names (a literal IP
 * address needs none).
 *
 * Completion is always reported through the request's callback, on the
 * loop, after http_request() has returned; a transport failure (connect,
 * TLS, timeout, a body over the cap) arrives the same way with status 0 or
 * the status seen so far, and error != HTTP_ERR_NONE.  Rate limiting is the
 * caller's business: a 429 is an ordinary response, and its Retry-After and
 * X-RateLimit-* headers are read with http_response_header().
 *
 * Logging: only method, URL and outcome at debug level, module "http";
 * request headers (Authorization) and bodies are never logged.
 *
 * Ownership:
 *  - struct http is created by http_new() and released by http_free(),
 *    which cancels every request still in flight without calling their
 *    callbacks.  Call it before the loop is stopped (it frees loop handles).
 *  - everything in struct http_request (URL, headers, body) is copied by
 *    http_request(); the caller may free it as soon as the call returns.
 *  - a struct http_call handle stays valid until its callback has returned
 *    or until http_cancel(); do not use it afterwards.
 *  - struct http_response, its body and its header values are borrowed for
 *    the duration of the callback only: copy what you keep.
 *
 * Re-entrancy: a callback may start new requests, cancel other ones, or
 * call http_free() (the remaining requests are then dropped silently).
 */
#ifndef CHORUS_HTTP_H
#define CHORUS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct loop;
struct http;
struct http_call;

#define HTTP_DEFAULT_MAX_CONNECTIONS 8
#define HTTP_DEFAULT_TIMEOUT_MS      30000
#define HTTP_DEFAULT_MAX_BODY        ((size_t)4 << 20)

struct http_options {
    const char *user_agent;      /* NULL: "chorus" */
    long        max_connections; /* 0: HTTP_DEFAULT_MAX_CONNECTIONS */
    long        timeout_ms;      /* 0: HTTP_DEFAULT_TIMEOUT_MS */
    size_t      max_body;        /* 0: HTTP_DEFAULT_MAX_BODY */
    const char *ca_file;         /* NULL: the system CA store */
    bool        insecure;        /* tests only: skip TLS verification */
};

enum http_method {
    HTTP_GET,
    HTTP_POST,
    HTTP_PUT,
    HTTP_PATCH,
    HTTP_DELETE,
};

struct http_request {
    enum http_method   method;
    const char        *url;
    /* NULL-terminated list of "Name: value" lines; NULL for none.  A line
     * containing CR or LF is refused (header injection). */
    const char *const *headers;
    /* Body and its type.  body NULL and body_len 0: no body (for POST/PUT
     * an empty body is sent with Content-Length: 0). */
    const void        *body;
    size_t             body_len;
    const char        *content_type;  /* NULL: "application/json" */
    long               timeout_ms;    /* whole transfer; 0: the default */
};

enum http_error {
    HTTP_ERR_NONE,      /* a complete response; see status */
    HTTP_ERR_TIMEOUT,   /* request timeout_ms expired */
    HTTP_ERR_CONNECT,   /* DNS or TCP connect failed */
    HTTP_ERR_TOO_BIG,   /* body larger than max_body: refused */
    HTTP_ERR_TRANSPORT, /* anything else: TLS, reset, protocol */
};

struct http_response {
    long             status;      /* HTTP status, 0 if none was received */
    enum http_error  error;
    const char      *error_text;  /* NULL when error == HTTP_ERR_NONE */
    const char      *body;        /* NUL-terminated, never NULL */
    size_t           body_len;
    int64_t          elapsed_ms;
    const struct http_call *call; /* for http_response_header() */
};

typedef void http_done_fn(void *arg, const struct http_response *res);

/* NULL opts: all defaults.  Returns NULL if curl cannot be set up. */
struct http *http_new(struct loop *loop, const struct http_options *opts);
void         http_free(struct http *h);

/*
 * Start a request.  done(arg, res) is called exactly once, from the loop,
 * unless the request is cancelled or the client freed first.  Returns NULL
 * (and never calls done) if the request is malformed.
 */
struct http_call *http_request(struct http *h, const struct http_request *rq,
                               http_done_fn *done, void *arg);
/* Abort an in-flight request; its callback is not called.  NULL is a
 * no-op, and so is cancelling a request from inside its own callback. */
void              http_cancel(struct http_call *c);
/* Number of requests in flight (started, callback not yet called). */
size_t            http_pending(const struct http *h);

/* Case-insensitive lookup of a response header of the final response
 * (after any 100 Continue).  First occurrence; NULL if absent. */
const char *http_response_header(const struct http_response *res,
                                 const char *name);

/*
 * How long a rate-limited answer asks to wait, in ms, for both platforms:
 * body_secs when the platform puts the wait in the body (Discord's float
 * "retry_after"; negative when there is none), else the Retry-After
 * header in seconds (NULL when absent).  A value given is rounded up to
 * whole milliseconds, kept within [min_ms, max_ms] (a huge one is not
 * trusted) and padded with pad_ms; when neither is usable (absent, not a
 * number, negative), default_ms.
 */
struct http_retry_after {
    int64_t default_ms;
    int64_t min_ms;
    int64_t max_ms;
    int64_t pad_ms;
};
int64_t     http_retry_after_ms(const char *header, double body_secs,
                                const struct http_retry_after *rule);

/* Append key=value to an application/x-www-form-urlencoded body in b,
 * percent-encoding both; adds '&' between pairs.  False on buf overflow. */
bool        http_form_add(struct buf *b, const char *key, const char *value);

const char *http_method_name(enum http_method m);

#endif
