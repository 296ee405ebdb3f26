/* test_match: words, phrases and shingles as conflict alerts compare them
 * (core/match.c): case, accents, plurals and hyphens do not matter, whole
 * words do; near-duplicate captions by shingle similarity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "arena.h"
#include "match.h"

static struct arena *a;

static int
setup(void **state)
{
    (void)state;
    a = arena_new();
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    arena_free(a);
    return 0;
}

static struct match_text
words(const char *s)
{
    struct match_text t;
    match_words(a, s, 0, &t);
    return t;
}

/* Is phrase in text, and which words of it? */
static bool
found(const char *phrase, const char *text, const char **where)
{
    struct match_text p = words(phrase), t = words(text);
    size_t from, to;
    if (!match_find(&p, &t, &from, &to))
        return false;
    if (where) {
        size_t s = t.w[from].start, e = t.w[to - 1].end;
        char *w = arena_strndup(a, text + s, e - s);
        *where = w;
    }
    return true;
}

static void
words_are_folded(void **state)
{
    (void)state;
    struct match_text t = words("Crème BRÛLÉE, Straße & Œuvres: don't!");
    assert_int_equal(t.n, 5);
    assert_string_equal(t.w[0].norm, "creme");
    assert_string_equal(t.w[1].norm, "brulee");
    assert_string_equal(t.w[2].norm, "strasse");
    assert_string_equal(t.w[3].norm, "oeuvre");     /* plural off */
    assert_string_equal(t.w[4].norm, "dont");
    assert_string_equal(match_canonical(a, &t),
                        "creme brulee strasse oeuvre dont");
    /* Plurals: -ies, -es after a hiss, -s; not -ss, -us, -is. */
    t = words("berries boxes claims glass bonus basis gas");
    assert_string_equal(match_canonical(a, &t),
                        "berry box claim glass bonus basis gas");
    /* Greek and Cyrillic capitals fold too. */
    t = words("ΚΑΦΕ КОФЕ");
    assert_string_equal(match_canonical(a, &t), "καφε кофе");
}

static void
phrases_match_whole_words(void **state)
{
    (void)state;
    const char *w;
    assert_true(found("coffee", "a Coffee mug on the desk", &w));
    assert_string_equal(w, "Coffee");
    assert_true(found("coffee", "two COFFEES please", NULL));
    /* Never a piece of a word. */
    assert_false(found("cola", "rich chocolate taste", NULL));
    assert_false(found("ad", "made for you", NULL));
    assert_true(found("cola", "Coca-Cola classic", &w));
    assert_string_equal(w, "Cola");
    /* Hyphens, spaces and joined words are one phrase. */
    assert_true(found("sugar free", "100% Sugar-free!", &w));
    assert_string_equal(w, "Sugar-free");
    assert_true(found("sugar-free", "sugar free fizz", NULL));
    assert_true(found("sugarfree", "it is sugar free", NULL));
    assert_true(found("sugar free", "sugarfree", NULL));
    assert_false(found("sugar free", "sugar is not free", NULL));
    /* Accents and plurals. */
    assert_true(found("creme brulee", "Crèmes Brûlées at dawn", NULL));
    assert_true(found("energy claims", "no energy claim here", NULL));
    /* A phrase of nothing is found nowhere. */
    assert_false(found("!!!", "wow!!!", NULL));
    assert_false(found("", "anything", NULL));
}

static void
emoji_and_scripts(void **state)
{
    (void)state;
    /* An emoji is a word of its own, skin tone and variation selector
     * left out. */
    assert_true(found("🍺", "cheers🍺 tonight", NULL));
    assert_true(found("👍", "great 👍🏽", NULL));
    assert_false(found("🍺", "cheers 🍷", NULL));
    assert_true(found("beer 🍺", "cold BEERS 🍺!", NULL));
    /* CJK characters are words of one character. */
    assert_true(found("咖啡", "我喜欢咖啡。", NULL));
    assert_false(found("咖啡", "我喜欢茶", NULL));
    /* Stray bytes and long text do not crash. */
    struct match_text t = words("\xff\xfe abc \xc3");
    assert_true(t.n >= 1);
}

static void
same_words(void **state)
{
    (void)state;
    struct match_text x = words("Urban runners, 18-30");
    struct match_text y = words("urban runner 18 30");
    struct match_text z = words("urban runners 18-35");
    struct match_text e = words("  ");
    assert_true(match_same_words(a, &x, &y));
    assert_false(match_same_words(a, &x, &z));
    assert_false(match_same_words(a, &e, &e));
}

static uint64_t *
shingles(const char *s, unsigned flags, size_t *n, struct match_text *t)
{
    match_words(a, s, flags, t);
    return match_shingles(a, t, n);
}

static void
shingles_and_similarity(void **state)
{
    (void)state;
    struct match_text ta, tb, tc, td;
    size_t na, nb, nc, nd;
    const char *one = "Morning run with a cold can of Fizz Zero, big smile "
                      "at the finish line #ad #fizz @fizzco";
    uint64_t *ha = shingles(one, MATCH_SKIP_TAGS, &na, &ta);
    /* The same caption with other tags and case is the same text. */
    uint64_t *hb = shingles("MORNING RUN with a cold can of fizz zero - big "
                            "smile at the finish line! #sponsored "
                            "https://x.example/1",
                            MATCH_SKIP_TAGS, &nb, &tb);
    assert_int_equal(na, nb);
    assert_int_equal(match_similarity(ha, na, hb, nb), 100);
    /* A rephrased caption sharing only the tags shares nothing. */
    uint64_t *hc = shingles("Sunday picnic by the lake, sharing a Fizz with "
                            "friends #ad #fizz @fizzco",
                            MATCH_SKIP_TAGS, &nc, &tc);
    assert_int_equal(match_common(ha, na, hc, nc), 0);
    assert_int_equal(match_similarity(ha, na, hc, nc), 0);
    /* Half rewritten: alike, and the passage is the shared run. */
    uint64_t *hd = shingles("Morning run with a cold can of Fizz Zero, then "
                            "coffee and a nap on the sofa",
                            MATCH_SKIP_TAGS, &nd, &td);
    int sim = match_similarity(ha, na, hd, nd);
    assert_true(sim > 20 && sim < 60);
    const char *q = match_passage(a, &td, ha, na, 200);
    assert_string_equal(q, "Morning run with a cold can of Fizz Zero");
    q = match_passage(a, &td, ha, na, 12);
    assert_string_equal(q, "Morning run \xe2\x80\xa6");
    assert_null(match_passage(a, &tc, ha, na, 200));
    /* Too short for a shingle: nothing to compare. */
    size_t ne;
    struct match_text te;
    shingles("two words #ad", MATCH_SKIP_TAGS, &ne, &te);
    assert_int_equal(ne, 0);
    assert_int_equal(match_similarity(NULL, 0, NULL, 0), 0);
}

static void
dropped_words_leave_shingles(void **state)
{
    (void)state;
    struct match_text t, p;
    match_words(a, "Fizz Zero zero sugar full taste on my morning run", 0,
                &t);
    match_words(a, "Fizz Zero: zero sugar, full taste", 0, &p);
    match_drop(&p, &t);
    size_t n;
    match_shingles(a, &t, &n);
    assert_int_equal(n, 2);   /* "on my morning", "my morning run" */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_are_folded),
        cmocka_unit_test(phrases_match_whole_words),
        cmocka_unit_test(emoji_and_scripts),
        cmocka_unit_test(same_words),
        cmocka_unit_test(shingles_and_similarity),
        cmocka_unit_test(dropped_words_leave_shingles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
