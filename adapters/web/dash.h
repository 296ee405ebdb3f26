/*
 * dash: the web dashboard's pages, HTML without JavaScript, rendered from
 * what core_dash gathers (core.h).  Paths, under /dashboard:
 *   /dashboard, /dashboard/page/<n>   the reader's campaigns, a page of
 *                  CORE_DASH_PAGE at a time by brand: their windows and
 *                  publish dates as an SVG timeline, states and counts
 *   /dashboard/c/<slug>               a campaign: status, open conflicts,
 *                  the report, its people
 *   /dashboard/p/<person id>          a scorecard
 * The reader is the admin (admin true: the web server checked the admin
 * token) or the person behind a `dashboard` token.  Links between pages
 * carry the token as ?token=, the way the first link came; every page
 * asks browsers to send no Referer, so a link followed out of a page
 * (a submission's) does not carry it away.
 *
 * Returns the HTTP status: 200 with the page in a, else 401 (no reader,
 * or a campaign or person she may not see or that does not exist: the
 * same answer) or 404 (no such page), whose body the caller writes so
 * that every route answers them alike.
 */
#ifndef CHORUS_DASH_H
#define CHORUS_DASH_H

#include <stdbool.h>

struct core;
struct web_answer;

int dash_serve(struct core *core, const char *path, const char *token,
               bool admin, struct web_answer *a);

#endif
