/*
 * html: what the web server's pages need to put text safely in HTML.
 * Every string a user could have written (names, titles, slugs, reasons,
 * captions) goes through html_escape(); a value in a link's URL through
 * html_url_escape() first (its output needs no HTML escaping).
 */
#ifndef CHORUS_HTML_H
#define CHORUS_HTML_H

struct buf;

/* s with & < > " ' as character references: safe as element text and
 * inside a quoted attribute. */
void html_escape(struct buf *out, const char *s);
/* s percent-encoded but for RFC 3986's unreserved characters: safe as a
 * path segment or a query value. */
void html_url_escape(struct buf *out, const char *s);

#endif
