/*
 * test_export: `export <slug|brand>` and the CSV files behind its links
 * (core_export_read, adapters/web/csv.c), through web_route() without a
 * socket.  The campaign is tests/chat/retro.chat's, whose figures are
 * worked out by hand there; here they are read back from the CSV by the
 * small RFC 4180 parser below, which refuses anything malformed, and
 * summed per creator and currency as a sheet would.  Also: who may
 * export and every refusal, a link that stops working when its holder
 * loses the role, single cells quoted and defused one by one, and
 * migration 7 keeping a version-6 database's calendar links.
 *
 * The campaign "retro" of brand "Fizz, Inc" (a comma in every brand
 * cell), everyone in London (UTC in December):
 *   #1 bob "Reel" tiktok, 500 EUR, late:80.  Draft in 8 Dec 10:00 (due
 *      12:00: on time), caption with a comma and quotes; approved by carol
 *      11:00 and brenda 15:00; live 13 Dec 12:00, due 12 Dec 12:00: the
 *      publish window missed -> 80 % -> 400.00 EUR.
 *   #2 bob "Story" instagram, 200 EUR.  Draft 9 Dec 14:00 (due 12:00:
 *      late); changes with a reason of two lines holding quotes; the fix
 *      10 Dec 10:00 in time; approved 11:00 and 12:00; live 14 Dec 13:00,
 *      due 12:00: the campaign's late:50 -> 100.00 EUR.
 *   #3 dana "Short" youtube, 300 USD, late:90.  Draft 10 Dec 11:00;
 *      changes 12:00; no fix in the 2-day window: missed -> 0.00 USD.
 *   #4 dana "Post" instagram, 100 EUR: rejected with a reason that starts
 *      with "=" (a formula to a spreadsheet) -> 0.00 EUR.
 *   #5 bob "Extra" x, no fee: cancelled -> no fee, nothing owed.
 * Owed: bob 500.00 EUR; dana 0.00 USD and 0.00 EUR.  Fees: 800.00 EUR,
 * 300.00 USD.  Seven review decisions.
 */
#include "core_fixture.h"

#include "csv.h"
#include "records.h"
#include "web.h"

/* ---- a strict RFC 4180 reader ---- */

#define MAX_ROWS 32
#define MAX_COLS 24

struct csv {
    int   nrows;
    int   ncols[MAX_ROWS];
    char *cell[MAX_ROWS][MAX_COLS];
};

/* Parse text into t; fails the test on anything RFC 4180 does not allow
 * (a bare quote, a row not ended by CRLF, a lone CR or LF outside
 * quotes). */
static void
csv_read(const char *text, struct csv *t)
{
    const char *p = text;

    memset(t, 0, sizeof(*t));
    while (*p) {
        int r = t->nrows++;
        assert_true(r < MAX_ROWS);
        for (;;) {
            struct buf cell = BUF_INIT;
            int c = t->ncols[r]++;
            assert_true(c < MAX_COLS);
            if (*p == '"') {
                p++;
                for (;;) {
                    if (*p == '\0')
                        fail_msg("unterminated quoted field in row %d", r);
                    if (*p == '"' && p[1] == '"') {
                        buf_addc(&cell, '"');
                        p += 2;
                    } else if (*p == '"') {
                        p++;
                        break;
                    } else {
                        buf_addc(&cell, *p++);
                    }
                }
            } else {
                while (*p && *p != ',' && *p != '\r' && *p != '\n') {
                    if (*p == '"')
                        fail_msg("a quote inside an unquoted field, row %d",
                                 r);
                    buf_addc(&cell, *p++);
                }
            }
            t->cell[r][c] = strdup(buf_cstr(&cell));
            buf_free(&cell);
            if (*p == ',') {
                p++;
                continue;
            }
            if (p[0] == '\r' && p[1] == '\n') {
                p += 2;
                break;
            }
            fail_msg("row %d does not end with CRLF: \"%.20s\"", r, p);
        }
    }
}

static void
csv_free(struct csv *t)
{
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols[r]; c++)
            free(t->cell[r][c]);
}

/* The column named name in the header row. */
static int
col(const struct csv *t, const char *name)
{
    for (int c = 0; c < t->ncols[0]; c++)
        if (strcmp(t->cell[0][c], name) == 0)
            return c;
    fail_msg("no column \"%s\"", name);
    return -1;
}

static const char *
at(const struct csv *t, int row, const char *name)
{
    assert_true(row < t->nrows);
    return t->cell[row][col(t, name)];
}

/* Cents of a plain decimal cell: "400.00" -> 40000. */
static int64_t
cents(const char *s)
{
    long long whole = 0, frac = 0;
    char dot = 0;
    assert_int_equal(sscanf(s, "%lld%c%2lld", &whole, &dot, &frac), 3);
    assert_int_equal(dot, '.');
    return whole * 100 + frac;
}

static long
whole(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    assert_true(end != s && *end == '\0');
    return n;
}

/* ---- the web side ---- */

struct got {
    struct buf  body;
    int         status;
    char        ctype[64];
    char        attachment[96];
};

static void
fetch(struct web *w, const char *path, struct got *g)
{
    struct web_answer a = { .status = 0 };

    buf_init(&g->body, 0);
    a.body = &g->body;
    web_route(w, path, NULL, &a);
    g->status = a.status;
    snprintf(g->ctype, sizeof(g->ctype), "%s", a.ctype ? a.ctype : "");
    snprintf(g->attachment, sizeof(g->attachment), "%s", a.attachment);
}

/* The token and subject of the first link in fx's reply. */
static void
link_of(struct fx *fx, char token[65], char *subject, size_t n)
{
    const char *p = strstr(fx->reply, "/export/");

    assert_non_null(p);
    p += strlen("/export/");
    memcpy(token, p, 64);
    token[64] = '\0';
    assert_int_equal(p[64], '/');
    p += 65;
    size_t len = strcspn(p, "/");
    assert_true(len < n);
    memcpy(subject, p, len);
    subject[len] = '\0';
}

static struct web *
web_of(struct fx *fx)
{
    struct web_options o = { .core = fx->core };
    struct web *w = web_listen(NULL, NULL, &o, NULL);
    assert_non_null(w);
    return w;
}

/* The scripted campaign of the header comment, at 18 Dec 09:00. */
static void
script(struct fx *fx)
{
    fx_ok(fx, "admin", NULL, "tz Europe/London");
    fx_ok(fx, "admin", NULL, "new retro brand:\"Fizz, Inc\" title:\"Retro\" "
          "from:2026-12-01 to:2026-12-20 need:3");
    fx_ok(fx, "admin", NULL, "add retro carol role:coordinator "
          "tz:Europe/London");
    fx_ok(fx, "admin", NULL, "add retro brenda role:brand tz:Europe/London");
    fx_ok(fx, "admin", NULL, "add retro bob role:creator tz:Europe/London");
    fx_ok(fx, "admin", NULL, "add retro dana role:creator tz:Europe/London");
    fx_ok(fx, "carol", NULL, "brief retro set story Winter retro");
    fx_ok(fx, "carol", NULL, "brief retro set audience everyone");
    fx_ok(fx, "carol", NULL, "brief retro set core_message Fizz looks back");
    fx_ok(fx, "carol", NULL, "kickoff retro");
    fx_ok(fx, "carol", NULL, "settings retro late:50");
    fx_ok(fx, "carol", NULL, "deliverable retro bob \"Reel\" on:tiktok "
          "draft:\"2026-12-08 12:00\" publish:\"2026-12-12 12:00\" "
          "fee:500EUR late:80%%");
    fx_ok(fx, "carol", NULL, "deliverable retro bob \"Story\" on:instagram "
          "draft:\"2026-12-09 12:00\" publish:\"2026-12-14 12:00\" "
          "fee:200EUR");
    fx_ok(fx, "carol", NULL, "deliverable retro dana \"Short\" on:youtube "
          "draft:\"2026-12-10 12:00\" publish:\"2026-12-19 12:00\" "
          "fee:$300 late:90");
    fx_ok(fx, "carol", NULL, "deliverable retro dana \"Post\" on:instagram "
          "draft:\"2026-12-11 12:00\" publish:\"2026-12-16 12:00\" "
          "fee:100EUR");
    fx_ok(fx, "carol", NULL, "deliverable retro bob \"Extra\" on:x "
          "draft:\"2026-12-11 12:00\" publish:\"2026-12-17 12:00\"");
    fx_ok(fx, "carol", NULL, "deliverable retro#5 cancel not needed");
    fx_at(fx, fx_utc(2026, 12, 8, 10, 0));
    fx_ok(fx, "bob", NULL, "submit retro#1 https://x.example/reel cold can, "
          "\"big\" smile #ad");
    fx_at(fx, fx_utc(2026, 12, 8, 11, 0));
    fx_ok(fx, "carol", NULL, "approve retro#1");
    fx_at(fx, fx_utc(2026, 12, 8, 15, 0));
    fx_ok(fx, "brenda", NULL, "approve retro#1");
    fx_at(fx, fx_utc(2026, 12, 9, 14, 0));
    fx_ok(fx, "bob", NULL, "submit retro#2 https://x.example/story morning "
          "story #ad");
    fx_at(fx, fx_utc(2026, 12, 9, 15, 0));
    fx_ok(fx, "carol", NULL, "changes retro#2 fail:visible show the can,\n"
          "say \"Fizz\" too");
    fx_at(fx, fx_utc(2026, 12, 10, 10, 0));
    fx_ok(fx, "bob", NULL, "submit retro#2 https://x.example/story2 morning "
          "story with the can #ad");
    fx_at(fx, fx_utc(2026, 12, 10, 11, 0));
    fx_ok(fx, "carol", NULL, "approve retro#2");
    fx_ok(fx, "dana", NULL, "submit retro#3 https://x.example/short short "
          "take #ad");
    fx_at(fx, fx_utc(2026, 12, 10, 12, 0));
    fx_ok(fx, "brenda", NULL, "approve retro#2");
    fx_ok(fx, "carol", NULL, "changes retro#3 fail:message say the name");
    fx_at(fx, fx_utc(2026, 12, 11, 10, 0));
    fx_ok(fx, "dana", NULL, "submit retro#4 https://x.example/post a post "
          "#ad");
    fx_at(fx, fx_utc(2026, 12, 11, 11, 0));
    fx_ok(fx, "carol", NULL, "reject retro#4 =HYPERLINK(\"http://evil\") "
          "off brief");
    fx_at(fx, fx_utc(2026, 12, 13, 12, 0));
    fx_ok(fx, "bob", NULL, "published retro#1 https://tiktok.example/reel");
    fx_at(fx, fx_utc(2026, 12, 14, 13, 0));
    fx_ok(fx, "bob", NULL, "published retro#2 "
          "https://instagram.example/story");
    fx_at(fx, fx_utc(2026, 12, 18, 9, 0));
}

static void
exports_read_back(void **state)
{
    (void)state;
    struct fx *fx = fx_open();
    struct csv t;
    struct got g;
    char token[65], subject[128], path[512];

    script(fx);
    /* The report's own figures, which the payouts file must agree with. */
    fx_ok(fx, "carol", NULL, "report retro");
    fx_reply_has(fx, "500.00 EUR of 800.00 EUR; 0.00 USD of 300.00 USD");

    fx_ok(fx, "carol", NULL, "export retro");
    fx_reply_has(fx, "CSV exports of retro (Fizz, Inc)");
    fx_reply_has(fx, "http://127.0.0.1:8080/export/");
    link_of(fx, token, subject, sizeof(subject));
    assert_string_equal(subject, "retro");
    struct web *w = web_of(fx);

    /* payouts.csv */
    snprintf(path, sizeof(path), "/export/%s/retro/payouts.csv", token);
    fetch(w, path, &g);
    assert_int_equal(g.status, 200);
    assert_string_equal(g.ctype, "text/csv; charset=utf-8");
    assert_string_equal(g.attachment, "chorus-retro-payouts.csv");
    csv_read(buf_cstr(&g.body), &t);
    assert_int_equal(t.nrows, 6);           /* a header and 5 pieces */
    for (int r = 0; r < t.nrows; r++)
        assert_int_equal(t.ncols[r], 12);
    assert_string_equal(at(&t, 1, "brand"), "Fizz, Inc");
    assert_string_equal(at(&t, 1, "ref"), "retro#1");
    assert_string_equal(at(&t, 1, "creator"), "bob");
    assert_string_equal(at(&t, 1, "fee"), "500.00");
    assert_string_equal(at(&t, 1, "currency"), "EUR");
    assert_string_equal(at(&t, 1, "late rule"), "80%");
    assert_string_equal(at(&t, 1, "late because"), "publish window missed");
    assert_string_equal(at(&t, 1, "owed"), "400.00");
    assert_string_equal(at(&t, 2, "late rule"), "50%");
    assert_string_equal(at(&t, 2, "owed"), "100.00");
    assert_string_equal(at(&t, 3, "state"), "missed");
    assert_string_equal(at(&t, 3, "delivered"), "no");
    assert_string_equal(at(&t, 3, "currency"), "USD");
    assert_string_equal(at(&t, 3, "late rule"), "");
    assert_string_equal(at(&t, 3, "owed"), "0.00");
    assert_string_equal(at(&t, 4, "state"), "rejected");
    assert_string_equal(at(&t, 5, "state"), "cancelled");
    assert_string_equal(at(&t, 5, "fee"), "");
    assert_string_equal(at(&t, 5, "owed"), "");
    /* Summed as a sheet would, per creator and currency. */
    int64_t bob_eur = 0, dana_eur = 0, dana_usd = 0, fees_eur = 0;
    for (int r = 1; r < t.nrows; r++) {
        if (at(&t, r, "fee")[0] == '\0')
            continue;
        bool eur = strcmp(at(&t, r, "currency"), "EUR") == 0;
        int64_t owed = cents(at(&t, r, "owed"));
        if (strcmp(at(&t, r, "creator"), "bob") == 0)
            bob_eur += eur ? owed : 0;
        else if (eur)
            dana_eur += owed;
        else
            dana_usd += owed + 1;   /* +1: the row was there */
        fees_eur += eur ? cents(at(&t, r, "fee")) : 0;
    }
    assert_int_equal(bob_eur, 50000);
    assert_int_equal(dana_eur, 0);
    assert_int_equal(dana_usd, 1);
    assert_int_equal(fees_eur, 80000);
    csv_free(&t);
    buf_free(&g.body);

    /* deliverables.csv */
    snprintf(path, sizeof(path), "/export/%s/retro/deliverables.csv", token);
    fetch(w, path, &g);
    assert_int_equal(g.status, 200);
    csv_read(buf_cstr(&g.body), &t);
    assert_int_equal(t.nrows, 6);
    assert_string_equal(at(&t, 1, "title"), "Reel");
    assert_string_equal(at(&t, 1, "platform"), "tiktok");
    assert_string_equal(at(&t, 1, "draft due"), "2026-12-08T12:00:00Z");
    assert_string_equal(at(&t, 1, "publish due"), "2026-12-12T12:00:00Z");
    assert_string_equal(at(&t, 1, "first submitted"), "2026-12-08T10:00:00Z");
    assert_string_equal(at(&t, 1, "final approval"), "2026-12-08T15:00:00Z");
    assert_string_equal(at(&t, 1, "published"), "2026-12-13T12:00:00Z");
    assert_string_equal(at(&t, 1, "state"), "published");
    assert_string_equal(at(&t, 1, "draft late"), "no");
    assert_string_equal(at(&t, 1, "publish late"), "yes");
    assert_string_equal(at(&t, 2, "draft late"), "yes");
    assert_string_equal(at(&t, 2, "revision rounds"), "1");
    assert_string_equal(at(&t, 2, "fixes"), "1");
    assert_string_equal(at(&t, 2, "fixes late"), "0");
    assert_string_equal(at(&t, 3, "revision rounds"), "1");
    assert_string_equal(at(&t, 3, "final approval"), "");
    assert_string_equal(at(&t, 5, "draft late"), "");   /* none in */
    int rounds = 0;
    for (int r = 1; r < t.nrows; r++)
        rounds += (int)whole(at(&t, r, "revision rounds"));
    assert_int_equal(rounds, 2);
    csv_free(&t);
    buf_free(&g.body);

    /* reviews.csv: the caption's comma and quotes, the reason's line
     * break and quotes, the formula neutralised. */
    snprintf(path, sizeof(path), "/export/%s/retro/reviews.csv", token);
    fetch(w, path, &g);
    assert_int_equal(g.status, 200);
    assert_non_null(strstr(buf_cstr(&g.body),
                           "\"'=HYPERLINK(\"\"http://evil\"\") off brief\""));
    csv_read(buf_cstr(&g.body), &t);
    assert_int_equal(t.nrows, 8);           /* a header and 7 decisions */
    assert_string_equal(at(&t, 1, "ref"), "retro#1");
    assert_string_equal(at(&t, 1, "caption"), "cold can, \"big\" smile #ad");
    assert_string_equal(at(&t, 1, "stage"), "review");
    assert_string_equal(at(&t, 1, "reviewer"), "carol");
    assert_string_equal(at(&t, 1, "decided"), "2026-12-08T11:00:00Z");
    assert_string_equal(at(&t, 2, "stage"), "brand");
    assert_string_equal(at(&t, 2, "reviewer"), "brenda");
    assert_string_equal(at(&t, 3, "decision"), "changes");
    assert_string_equal(at(&t, 3, "visible"), "fail");
    assert_string_equal(at(&t, 3, "message"), "pass");
    assert_string_equal(at(&t, 3, "reason"),
                        "show the can,\nsay \"Fizz\" too");
    assert_string_equal(at(&t, 4, "round"), "2");
    assert_string_equal(at(&t, 7, "decision"), "reject");
    assert_string_equal(at(&t, 7, "reason"),
                        "'=HYPERLINK(\"http://evil\") off brief");
    csv_free(&t);
    buf_free(&g.body);
    web_free(w);
    assert_int_equal(fx_close(fx), 0);
}

/* A refusal: 401 with the one body every refusal has. */
static void
refused(struct web *w, const char *path)
{
    struct got g;

    fetch(w, path, &g);
    if (g.status != 401)
        fail_msg("%s: %d, not 401: %s", path, g.status, buf_cstr(&g.body));
    assert_string_equal(buf_cstr(&g.body), "unauthorized\n");
    assert_string_equal(g.ctype, "text/plain; charset=utf-8");
    assert_string_equal(g.attachment, "");
    buf_free(&g.body);
}

/* The data rows of a fetched file (its header left out). */
static int
data_rows(struct web *w, const char *path, const char *campaign)
{
    struct got g;
    struct csv t;
    int n = 0;

    fetch(w, path, &g);
    if (g.status != 200)
        fail_msg("%s: %d: %s", path, g.status, buf_cstr(&g.body));
    csv_read(buf_cstr(&g.body), &t);
    for (int r = 1; r < t.nrows; r++)
        n += campaign == NULL || strcmp(at(&t, r, "campaign"), campaign) == 0;
    csv_free(&t);
    buf_free(&g.body);
    return n;
}

static void
who_may_export(void **state)
{
    (void)state;
    struct fx *fx = fx_open();
    char old[65], token[65], zed[65], admin[65], cal[65], subject[128];
    char path[512];

    script(fx);
    /* Two more campaigns of the brand: carol runs summer, zed winter. */
    fx_ok(fx, "admin", NULL, "new summer brand:\"Fizz, Inc\"");
    fx_ok(fx, "admin", NULL, "add summer carol role:coordinator");
    fx_ok(fx, "admin", NULL, "add summer bob role:creator");
    fx_ok(fx, "carol", NULL, "deliverable summer bob \"Sun\" "
          "draft:2026-12-28 publish:2026-12-30 fee:50EUR");
    fx_ok(fx, "admin", NULL, "new winter brand:\"Fizz, Inc\"");
    fx_ok(fx, "admin", NULL, "add winter zed role:coordinator");
    fx_ok(fx, "admin", NULL, "add winter bob role:creator");
    fx_ok(fx, "zed", NULL, "deliverable winter bob \"Snow\" "
          "draft:2026-12-28 publish:2026-12-30 fee:70EUR");
    int64_t tokens = fx_int(fx, "SELECT count(*) FROM web_tokens");

    /* A creator sees no payouts, of a campaign or of its brand. */
    fx_fails(fx, CH_DENIED, "export needs the role", "bob", NULL,
             "export retro");
    fx_reply_has(fx, "you are creator there");
    fx_fails(fx, CH_DENIED, "export needs the role", "bob", NULL,
             "export \"Fizz, Inc\"");
    /* Neither a campaign nor a brand. */
    fx_fails(fx, CH_NOT_FOUND, "there is no campaign or brand called "
             "\"nope\"", "carol", NULL, "export nope");
    /* A coordinator of no campaign of the brand: none to export. */
    fx_ok(fx, "admin", NULL, "new autumn brand:Nova");
    fx_ok(fx, "admin", NULL, "add autumn zed role:creator");
    fx_fails(fx, CH_DENIED, "you may export none of the campaigns of Nova",
             "carol", NULL, "export Nova");
    /* The web server off: said so. */
    fx->set.web_url = NULL;
    fx_fails(fx, CH_INVALID, "export links need the web server, which is "
             "off", "carol", NULL, "export retro");
    fx->set.web_url = "http://127.0.0.1:8080";
    /* Nothing was minted by a refusal. */
    assert_int_equal(fx_int(fx, "SELECT count(*) FROM web_tokens"), tokens);

    fx_ok(fx, "carol", NULL, "export retro");
    link_of(fx, old, subject, sizeof(subject));
    /* The brand's: the campaigns carol may see, the name encoded. */
    fx_ok(fx, "carol", NULL, "export \"Fizz, Inc\"");
    fx_reply_has(fx, "Fizz, Inc: 2 campaigns you may see (retro, summer)");
    link_of(fx, token, subject, sizeof(subject));
    assert_string_equal(subject, "Fizz%2C%20Inc");
    assert_string_not_equal(old, token);
    fx_ok(fx, "zed", NULL, "export winter");
    link_of(fx, zed, subject, sizeof(subject));
    fx_ok(fx, "admin", NULL, "export \"Fizz, Inc\"");
    fx_reply_has(fx, "3 campaigns you may see (retro, summer, winter)");
    link_of(fx, admin, subject, sizeof(subject));
    fx_ok(fx, "carol", NULL, "calendar");
    const char *p = strstr(fx->reply, "/calendar/");
    assert_non_null(p);
    memcpy(cal, p + 10, 64);
    cal[64] = '\0';
    /* Only hashes are kept. */
    snprintf(path, sizeof(path),
             "SELECT count(*) FROM web_tokens WHERE hash = '%s'", token);
    assert_int_equal(fx_int(fx, path), 0);

    struct web *w = web_of(fx);
    /* lws hands the path over decoded. */
    snprintf(path, sizeof(path), "/export/%s/Fizz, Inc/payouts.csv", token);
    assert_int_equal(data_rows(w, path, NULL), 6);
    assert_int_equal(data_rows(w, path, "summer"), 1);
    assert_int_equal(data_rows(w, path, "winter"), 0);
    snprintf(path, sizeof(path), "/export/%s/fizz, inc/deliverables.csv",
             token);
    assert_int_equal(data_rows(w, path, NULL), 6);
    snprintf(path, sizeof(path), "/export/%s/Fizz, Inc/payouts.csv", admin);
    assert_int_equal(data_rows(w, path, "winter"), 1);
    snprintf(path, sizeof(path), "/export/%s/summer/payouts.csv", token);
    assert_int_equal(data_rows(w, path, NULL), 1);

    /* Refused alike, 401 with one body: her replaced link; a made-up
     * token; a campaign that does not exist and one she has no part in;
     * her calendar's token, which is not an export's. */
    snprintf(path, sizeof(path), "/export/%s/retro/payouts.csv", old);
    refused(w, path);
    refused(w, "/export/0123456789abcdef0123456789abcdef0123456789abcdef"
               "0123456789abcdef/retro/payouts.csv");
    snprintf(path, sizeof(path), "/export/%s/nope/payouts.csv", token);
    refused(w, path);
    snprintf(path, sizeof(path), "/export/%s/winter/payouts.csv", token);
    refused(w, path);
    snprintf(path, sizeof(path), "/export/%s/retro/payouts.csv", cal);
    refused(w, path);
    snprintf(path, sizeof(path), "/export/%s/retro/payouts.csv", token);
    path[10] ^= 1;
    refused(w, path);
    /* A file that is no export's is no route. */
    struct got g;
    snprintf(path, sizeof(path), "/export/%s/retro/secrets.csv", token);
    fetch(w, path, &g);
    assert_int_equal(g.status, 404);
    buf_free(&g.body);

    /* zed's link works until he leaves winter, then no more. */
    snprintf(path, sizeof(path), "/export/%s/winter/reviews.csv", zed);
    assert_int_equal(data_rows(w, path, NULL), 0);
    fx_ok(fx, "admin", NULL, "remove winter zed");
    refused(w, path);

    /* A closed campaign is still exported: payouts come after. */
    fx_ok(fx, "carol", NULL, "wrap retro");
    fx_ok(fx, "carol", NULL, "close retro");
    fx_ok(fx, "carol", NULL, "export retro");
    link_of(fx, token, subject, sizeof(subject));
    snprintf(path, sizeof(path), "/export/%s/retro/payouts.csv", token);
    assert_int_equal(data_rows(w, path, NULL), 5);
    web_free(w);
    assert_int_equal(fx_close(fx), 0);
}

/* One cell at a time: quoted when it must be, a formula's first
 * character defused, nothing else touched. */
static void
cells(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain", "plain" },
        { "", "" },
        { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "two\r\nlines", "\"two\r\nlines\"" },
        { "one\nline", "\"one\nline\"" },
        { "=1+2", "\"'=1+2\"" },
        { "+49 30 123", "\"'+49 30 123\"" },
        { "-5", "\"'-5\"" },
        { "@SUM(A1)", "\"'@SUM(A1)\"" },
        { "\tcmd", "\"'\tcmd\"" },
        { "\rcmd", "\"'\rcmd\"" },
        { "a=b-c", "a=b-c" },           /* only the first character */
        { "Café ☕", "Café ☕" },        /* UTF-8 as it is */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct buf b = BUF_INIT;
        csv_text(&b, cases[i].in);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        buf_free(&b);
    }
}

/* Migration 7 rebuilds web_tokens for the new kinds: a version-6
 * database keeps its calendar links; a kind that is none is refused. */
static void
migration_keeps_calendar_links(void **state)
{
    (void)state;
    char path[] = "/tmp/chorus-test-export-XXXXXX";
    int fd = mkstemp(path);
    sqlite3 *db;
    struct store *st;
    struct ch_error err = { .status = CH_OK };

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    for (int v = 1; v <= 6; v++) {
        char *msg = NULL;
        if (sqlite3_exec(db, store_schema_sql(v), NULL, NULL, &msg) !=
            SQLITE_OK)
            fail_msg("migration %d: %s", v, msg);
    }
    assert_int_equal(sqlite3_exec(db,
        "PRAGMA user_version = 6;"
        "INSERT INTO people (id, name, created_at) VALUES (1, 'carol', 0);"
        "INSERT INTO web_tokens VALUES (1, 'calendar', 'abc', 5);",
        NULL, NULL, NULL), SQLITE_OK);
    /* Version 6 knows no export link. */
    assert_int_not_equal(sqlite3_exec(db, "INSERT INTO web_tokens VALUES "
                                          "(1, 'export', 'def', 6)",
                                      NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(store_open(path, &st, &err), CH_OK);
    assert_true(store_version(st) >= 7);
    assert_int_equal(store_web_token_person(st, "calendar", "abc"), 1);
    assert_int_equal(store_web_token_set(st, 1, "export", "def", 6), CH_OK);
    assert_int_equal(store_web_token_person(st, "export", "def"), 1);
    assert_int_equal(store_web_token_person(st, "calendar", "abc"), 1);
    assert_int_not_equal(store_web_token_set(st, 1, "bogus", "ghi", 7),
                         CH_OK);
    store_close(st);
    unlink(path);
    char side[64];
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cells),
        cmocka_unit_test(migration_keeps_calendar_links),
        cmocka_unit_test(exports_read_back),
        cmocka_unit_test(who_may_export),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
