#!/bin/sh
# config/chorus.service: systemd-analyze scores its hardening 2.5 or better
# (lower is safer; the issue's bar) and `verify` finds nothing wrong with
# it, and it keeps the promises the daemon relies on (Type=notify, the
# permanent exit codes kept from restarting).
set -u
chorus=${1:?usage: service_unit.sh path/to/chorus}
chorus=$(cd "$(dirname "$chorus")" && pwd)/$(basename "$chorus")
src=${CHORUS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
unit=$src/config/chorus.service
fail() { echo "FAIL: $*"; failed=1; }
failed=0

if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "FAIL: systemd-analyze is missing: install Debian's systemd" \
         "package (scripts/lib.sh lists it in TEST_PACKAGES)"
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# verify checks that ExecStart's program exists: the one just built.
sed "s|^ExecStart=/usr/bin/chorus |ExecStart=$chorus |" "$unit" \
    >"$tmp/chorus.service"
grep -q "^ExecStart=$chorus " "$tmp/chorus.service" ||
    fail "ExecStart is not /usr/bin/chorus run ..."

out=$(systemd-analyze security --offline=yes --no-pager \
      "$tmp/chorus.service" 2>&1)
score=$(printf '%s\n' "$out" |
        sed -n 's/.*Overall exposure level for chorus.service: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
    fail "systemd-analyze security gave no score:"
    printf '%s\n' "$out" | tail -5
elif ! awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }'; then
    fail "systemd-analyze security scores the unit $score (over 2.5):"
    printf '%s\n' "$out" | grep '✗'
fi

out=$(systemd-analyze verify --man=no "$tmp/chorus.service" 2>&1) ||
    fail "systemd-analyze verify failed"
[ -z "$out" ] || fail "systemd-analyze verify: $out"

grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
grep -qx 'NotifyAccess=main' "$unit" || fail "no NotifyAccess=main"
grep -q '^WatchdogSec=[1-9]' "$unit" || fail "no WatchdogSec="
grep -qx 'RestartPreventExitStatus=77 78' "$unit" ||
    fail "RestartPreventExitStatus= does not name 77 and 78"
[ $failed -eq 0 ] && echo "ok   service unit (exposure $score)"
exit $failed
