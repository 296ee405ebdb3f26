#!/bin/sh
# Bad input through the real console: a 100 KB command, invalid UTF-8,
# control characters, SQL fragments and quotes in names, a line over the
# console's 1 MiB cap.  Each gets a specific reply; nothing crashes; what
# is stored is stored verbatim; refusals change nothing but the audit log.
set -u
chorus=${1:?usage: bad_input.sh path/to/chorus}
wrap=${CHORUS_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; failed=1; }
failed=0

big=$(head -c 102400 /dev/zero | tr '\0' 'x')
huge=$(head -c 1200000 /dev/zero | tr '\0' 'y')
{
    echo "admin: /campaign new safe brand:Fizz"
    echo "admin: /campaign brief safe set story $big"
    printf 'admin: /campaign brief safe set story caf\303\251 \377\376 broken\n'
    printf 'admin: /campaign brief safe set story tab\tok but bell \007 not\n'
    echo "admin: /campaign new bobby brand:\"Robert'); DROP TABLE campaigns;--\" title:\"It's \\\"quoted\\\" \`x\`\""
    echo "admin: /campaign brief bobby set audience '; DELETE FROM people; --"
    echo "admin: $huge"
    echo "admin: /campaign status bobby"
    # a mention at the very end of a line (it once read past the end)
    printf 'bob: thanks @carol'
} >"$tmp/in"

# shellcheck disable=SC2086
$wrap "$chorus" console --db "$tmp/db" --empty --now 2026-12-01T08:00Z \
    <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "chorus exited $rc: $(head -5 "$tmp/err")"
if [ -n "$wrap" ] && [ -s "$tmp/err" ]; then
    fail "the wrapper reported problems:"; cat "$tmp/err"
fi

grep -q 'that message is [0-9]* bytes long; the limit is 16384' "$tmp/out" ||
    fail "no reply naming the size limit for a 100 KB command"
grep -q 'not valid UTF-8 (at byte' "$tmp/out" ||
    fail "no reply for invalid UTF-8"
grep -q 'contains a control character' "$tmp/out" ||
    fail "no reply for a control character"
grep -q 'a line longer than 1048576 bytes was skipped' "$tmp/out" ||
    fail "over-long line not reported"
grep -q 'Created bobby' "$tmp/out" || fail "the campaign with SQL in names was not created"

q() { sqlite3 -batch "$tmp/db" "$1"; }
[ "$(q "SELECT count(*) FROM campaigns")" = 2 ] || fail "campaigns table changed"
[ "$(q "SELECT name FROM brands WHERE id = (SELECT brand_id FROM campaigns WHERE slug = 'bobby')")" = "Robert'); DROP TABLE campaigns;--" ] ||
    fail "brand name not stored verbatim"
[ "$(q "SELECT title FROM campaigns WHERE slug = 'bobby'")" = "It's \"quoted\" \`x\`" ] ||
    fail "title not stored verbatim: $(q "SELECT title FROM campaigns WHERE slug = 'bobby'")"
[ "$(q "SELECT audience FROM brief_versions b JOIN campaigns c ON c.id = b.campaign_id AND b.version = c.brief_version WHERE c.slug = 'bobby'")" = "'; DELETE FROM people; --" ] ||
    fail "audience not stored verbatim"
[ "$(q "SELECT count(*) FROM people")" -ge 1 ] || fail "people table emptied"
[ "$(q "SELECT story IS NULL FROM brief_versions b JOIN campaigns c ON c.id = b.campaign_id AND b.version = c.brief_version WHERE c.slug = 'safe'")" = 1 ] ||
    fail "a refused brief change was applied"
grep -q 'unknown command "thanks"' "$tmp/out" ||
    fail "no reply to the DM that ended in a mention"
[ "$(q "SELECT count(*) FROM audit WHERE action = 'refused'")" = 4 ] ||
    fail "expected 4 refusals in the audit log, got $(q "SELECT count(*) FROM audit WHERE action = 'refused'")"
# check-config on a FIFO is refused at once (it once waited for a writer
# for ever), and a file's escape bytes are written out, not sent to the
# terminal.
mkfifo "$tmp/fifo.conf"
# shellcheck disable=SC2086
timeout 20 $wrap "$chorus" check-config "$tmp/fifo.conf" >"$tmp/cc.out" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "check-config on a FIFO exited $rc (124: it hung)"
grep -q 'fifo.conf: is not a regular file (a FIFO)' "$tmp/cc.out" ||
    fail "check-config on a FIFO: $(cat "$tmp/cc.out")"
printf 'log_level info\n\033]0;owned\007\033[2Jx 1\n' >"$tmp/esc.conf"
# shellcheck disable=SC2086
$wrap "$chorus" check-config "$tmp/esc.conf" >"$tmp/cc.out" 2>&1
grep -q 'esc.conf:2: unknown key "\\x1b\]0;owned\\x07\\x1b\[2Jx"' \
    "$tmp/cc.out" ||
    fail "escape bytes not written out: $(cat -v "$tmp/cc.out")"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/cc.out"; then
    fail "check-config echoed a raw escape byte"
fi

[ $failed -eq 0 ] && echo "ok   bad input"
exit $failed
