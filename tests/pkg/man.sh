#!/bin/sh
# The manual pages: both render with groff and man-db without a single
# warning; chorus.conf(5) is what the binary prints from its directive
# table now, one entry per directive; chorus(8) documents every command
# `chorus help` lists.
set -u
chorus=${1:?usage: man.sh CHORUS BUILD_DIR}
build=${2:?usage: man.sh CHORUS BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; failed=1; }
failed=0
conf5=$build/man/chorus.conf.5
page8=$build/man/chorus.8

for page in "$page8" "$conf5"; do
    [ -s "$page" ] || { fail "$page is missing"; continue; }
    groff -man -Tutf8 -ww -z "$page" 2>"$tmp/warn" || fail "groff failed on $page"
    [ -s "$tmp/warn" ] && fail "groff warns on $page: $(cat "$tmp/warn")"
    MANWIDTH=80 MANPAGER=cat man --warnings=all -l "$page" >"$tmp/out" 2>"$tmp/warn" ||
        fail "man -l failed on $page"
    [ -s "$tmp/warn" ] && fail "man -l warns on $page: $(cat "$tmp/warn")"
    grep -q '^NAME' "$tmp/out" || fail "$page renders no NAME section"
    grep -q '@[A-Z_]*@' "$page" && fail "$page has an unsubstituted @VAR@"
    grep -q "chorus $("$chorus" version | cut -d' ' -f2)" "$page" ||
        fail "$page does not carry this version"
done

"$chorus" help-config --man >"$tmp/now.5" || fail "help-config --man failed"
cmp -s "$tmp/now.5" "$conf5" || fail "$conf5 is stale: rebuild (target chorus_man)"
"$chorus" help-config | sed -n 's/^\([a-z_][a-z_]*\) .*/\1/p' >"$tmp/directives"
[ "$(wc -l <"$tmp/directives")" -gt 30 ] || fail "help-config lists too few directives"
entries=$(grep -c '^\\fB[a-z_]*\\fR' "$conf5")
[ "$entries" -eq "$(wc -l <"$tmp/directives")" ] ||
    fail "chorus.conf(5) has $entries entries for $(wc -l <"$tmp/directives") directives"
while read -r d; do
    grep -q "^\\\\fB$d\\\\fR" "$conf5" ||
        fail "chorus.conf(5) lacks $d"
done <"$tmp/directives"

"$chorus" help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' >"$tmp/commands"
[ "$(wc -l <"$tmp/commands")" -ge 6 ] || fail "chorus help lists too few commands"
while read -r c; do
    grep -q "^\\.BI\\{0,1\\} $(echo "$c" | sed 's/-/\\\\-/g')\\( \\|\$\\)" "$page8" ||
        fail "chorus(8) does not document \"$c\""
done <"$tmp/commands"
[ $failed -eq 0 ] && echo "man: ok"
exit $failed
