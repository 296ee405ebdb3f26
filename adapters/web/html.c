/* html: escaping for the web server's pages (html.h). */
#include "html.h"

#include <string.h>

#include "buf.h"

void
html_escape(struct buf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p;) {
        size_t run = strcspn(p, "&<>\"'");
        buf_add(out, p, run);
        p += run;
        switch (*p) {
        case '&': buf_adds(out, "&amp;"); break;
        case '<': buf_adds(out, "&lt;"); break;
        case '>': buf_adds(out, "&gt;"); break;
        case '"': buf_adds(out, "&quot;"); break;
        case '\'': buf_adds(out, "&#39;"); break;
        default: return;        /* the end */
        }
        p++;
    }
}

void
html_url_escape(struct buf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
         p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            buf_addc(out, (char)*p);
        } else {
            buf_addc(out, '%');
            buf_addc(out, hex[*p >> 4]);
            buf_addc(out, hex[*p & 15]);
        }
    }
}
