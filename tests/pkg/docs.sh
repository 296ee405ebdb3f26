#!/bin/sh
# What the docs tell people to type works:
#  - every `chorus <command>` in README.md, the example configuration and
#    chorus(8) is a command `chorus help` lists;
#  - each form in the Slack manifest's usage hint, its placeholders filled
#    in, parses with the command grammar (the console, demo workspace).
set -u
chorus=${1:?usage: docs.sh CHORUS}
src=${CHORUS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
wrap=${CHORUS_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; failed=1; }
failed=0

"$chorus" help | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' >"$tmp/commands"
for f in README.md config/chorus.conf.example man/chorus.8; do
    # In code: `chorus word` and "$ chorus word"; in the man page,
    # ".B chorus word" and example lines.
    case $f in
    *.8) code='^(\.B )?chorus [a-z][a-z\\-]*' ;;
    *) code='(`|^\$ )chorus [a-z][a-z-]*' ;;
    esac
    grep -oE "$code" "$src/$f" |
        sed 's/.*chorus //; s/\\-/-/g' | sort -u >"$tmp/said"
    [ -s "$tmp/said" ] || fail "$f names no chorus command (the pattern broke?)"
    while read -r word; do
        grep -qx "$word" "$tmp/commands" ||
            fail "$f mentions \"chorus $word\", which is no command"
    done <"$tmp/said"
done

hint=$(sed -n 's/^ *usage_hint: "\(.*\)"$/\1/p' "$src/config/slack-manifest.yaml")
[ -n "$hint" ] || fail "no usage_hint in config/slack-manifest.yaml"
echo "$hint" | tr '|' '\n' | sed 's/^ *//; s/ *$//' >"$tmp/forms"
n=0
while read -r form; do
    n=$((n + 1))
    # The demo workspace has campaign holiday-glow, brand Glowly and
    # deliverable #1; `new` needs a slug not yet taken.
    case $form in
    new*) slug=hint-check ;;
    *) slug=holiday-glow ;;
    esac
    line=$(echo "$form" | sed "s/<slug>/$slug/g; s/<name>/Glowly/g; \
s/<brand>/Glowly/g; s/<n>/1/g")
    case $line in
    *'<'*) fail "hint form \"$form\": placeholder this test cannot fill" ;;
    esac
    # shellcheck disable=SC2086
    echo "admin: /campaign $line" | $wrap "$chorus" console --db "$tmp/$n.db" \
        --now 2026-12-01T08:00Z >"$tmp/out" 2>"$tmp/err" ||
        fail "console failed on \"$line\": $(tail -3 "$tmp/err")"
    sed -n "/^> admin: \/campaign $line\$/,\$p" "$tmp/out" >"$tmp/reply"
    [ "$(wc -l <"$tmp/reply")" -ge 2 ] || fail "no reply to \"$line\""
    if grep -qiE 'usage:|unknown command|unexpected' "$tmp/reply"; then
        fail "the manifest's hint \"$form\" does not parse:"
        cat "$tmp/reply"
    fi
done <"$tmp/forms"
[ "$n" -ge 3 ] || fail "the usage hint has only $n forms"
[ $failed -eq 0 ] && echo "docs: ok ($n hint forms)"
exit $failed
