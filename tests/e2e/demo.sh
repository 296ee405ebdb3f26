#!/bin/sh
# `chorus demo`: the daemon against both simulators in one process.  It
# must end by itself with status 0, and the scripted campaign must have
# flowed on both platforms: created, kicked off, reviewed twice, escalated
# from Discord and acknowledged from Slack.
set -u
chorus=${1:?usage: demo.sh path/to/chorus}
wrap=${CHORUS_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# shellcheck disable=SC2086
timeout 300 $wrap "$chorus" demo >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "chorus demo exited $rc: $(tail -5 "$tmp/err")"
if [ -n "$wrap" ] && [ -s "$tmp/err" ]; then
    fail "the wrapper reported problems:"; cat "$tmp/err"
fi
expect() {
    grep -qF -- "$1" "$tmp/out" || fail "missing: $1"
}
expect "slack   | #spring-launch     chorus: created private channel #spring-launch"
expect "discord | #spring-launch   chorus: created a channel"
expect "chorus: pinned: Kickoff! Brief for spring-launch"
expect "chorus pinned a message: Kickoff! Brief for spring-launch"
expect "is approved by the brand (@brenda)."
expect "discord | #spring-launch   chorus [BOT]: @dana opened E1 on spring-launch#2"
expect "slack   | #spring-launch     chorus: @carol acknowledged E1: calling the warehouse now"
expect "E1 spring-launch#2 · acknowledged by @carol · the product samples have not arrived"
expect "(the demo is over"
# Markup is rendered as the clients show it, never leaked raw.
if grep -q '<@\|<#\|<!date\|<t:' "$tmp/out"; then
    fail "raw platform markup in the output:"
    grep '<@\|<#\|<!date\|<t:' "$tmp/out" | head -3
fi
[ $failed -eq 0 ] && echo "ok   demo"
exit $failed
