#!/bin/sh
# The web dashboard in a real browser: headless Chromium (Debian's
# `chromium`, which the test command installs; without it this test
# fails) loads the pages of the real daemon (`chorus run` with
# http_listen, on the Slack simulator) for a small scripted workspace:
#  - bob's own link: his campaign, its publish dates, the SVG timeline,
#    the campaign's status page and his scorecard; not the campaign he
#    has no part in;
#  - the admin token: every campaign;
#  - no token, a wrong one, a campaign he has no part in: the 401 page,
#    with no campaign name in it;
#  - a screenshot of the timeline (<build>/dashboard-timeline.png),
#    which must be a PNG of some substance.
# Each Chromium start costs seconds, so the pages load side by side and
# what needs no browser (a replaced link, 404s, every route's rules) is
# tests/unit/test_dash.c's.  CHORUS_WRAP runs the daemon under a wrapper
# (valgrind).
set -u
chorus=${1:?usage: dashboard.sh path/to/chorus}
wrap=${CHORUS_WRAP:-}
build=$(cd "$(dirname "$chorus")" && pwd)
sim="$build/slack-sim"
tmp=$(mktemp -d)
failed=0
simpid=""
daemonpid=""
cleanup() {
    [ -n "$daemonpid" ] && kill "$daemonpid" 2>/dev/null
    [ -n "$simpid" ] && kill "$simpid" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; failed=1; }

browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
    echo "FAIL: chromium is not installed (Debian package chromium; the test"
    echo "      command, ./scripts/test, installs it)"
    exit 1
fi
[ -x "$sim" ] || { echo "FAIL: no simulator at $sim"; exit 1; }

admin_token="dash-e2e-admin-$$"

# ---- the workspace, scripted on the console (the daemon then serves it) ----
day() { date -u -d "$1" +%Y-%m-%d; }
now=$(date -u +%Y-%m-%dT%H:%MZ)
from=$(day '+1 day'); to=$(day '+40 days')
publish1=$(day '+12 days'); publish2=$(day '+20 days')
# The console only needs the setting to hand out links; the daemon's
# port is picked below.
printf 'http_listen 127.0.0.1:8080\nadmin console:admin\n' >"$tmp/chorus.conf"
cat >"$tmp/setup.in" <<EOF
admin: /campaign new spring-launch brand:Fizz title:"Spring <Launch> & co" from:$from to:$to
admin: /campaign new autumn-drop brand:Acme title:"Autumn Drop" from:$from to:$to
admin: /campaign add spring-launch carol role:coordinator
admin: /campaign add spring-launch bob role:creator
admin: /campaign add autumn-drop erin role:creator
admin: /campaign deliverable spring-launch bob "Unboxing reel" on:tiktok draft:$(day '+5 days') publish:"$publish1 18:00"
admin: /campaign deliverable spring-launch bob "Story set" on:instagram draft:$(day '+9 days') publish:"$publish2 18:00"
admin: /campaign deliverable autumn-drop erin "Haul video" draft:$(day '+6 days') publish:$(day '+15 days')
bob: /campaign dashboard
bob: /campaign dashboard
EOF
"$chorus" console --config "$tmp/chorus.conf" --db "$tmp/chorus.db" --empty \
    --now "$now" <"$tmp/setup.in" >"$tmp/console.out" 2>&1 ||
    fail "the console setup failed: $(tail -3 "$tmp/console.out")"
links=$(grep -o "/dashboard?token=[0-9a-f]*" "$tmp/console.out")
old=$(echo "$links" | sed -n 1p)
link=$(echo "$links" | sed -n 2p)
[ -n "$link" ] && [ "$link" != "$old" ] ||
    fail "dashboard gave no fresh link: $(tail -3 "$tmp/console.out")"
token=${link#*token=}

# ---- the daemon, on the Slack simulator ----
"$sim" --port 0 --quiet >"$tmp/sim.out" 2>&1 &
simpid=$!
i=0
until grep -q '^listening ' "$tmp/sim.out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 100 ] && { echo "FAIL: no simulator"; exit 1; }
    sleep 0.1
done
simurl="http://$(sed -n 's/^listening //p' "$tmp/sim.out")"
# A port of the high range, another if it is taken (configuration
# wants a number, not 0).
start_daemon() {
    printf 'http_listen 127.0.0.1:%s\nlog_level info\n' "$1" >"$tmp/run.conf"
    : >"$tmp/daemon.log"
    # shellcheck disable=SC2086
    SLACK_APP_TOKEN=xapp-1-A0CHORUS1-sim SLACK_BOT_TOKEN=xoxb-sim-bot-token \
    SLACK_API_URL="$simurl/api/" CHORUS_ADMIN_TOKEN="$admin_token" \
        $wrap "$chorus" run --config "$tmp/run.conf" --db "$tmp/chorus.db" \
        >"$tmp/daemon.log" 2>&1 &
    daemonpid=$!
    i=0
    until grep -q 'listening on http://' "$tmp/daemon.log" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 600 ] || ! kill -0 "$daemonpid" 2>/dev/null; then
            kill "$daemonpid" 2>/dev/null
            wait "$daemonpid" 2>/dev/null
            daemonpid=""
            return 1
        fi
        sleep 0.1
    done
}
tries=0
until start_daemon $((20000 + ($$ * 7919 + tries * 104729) % 40000)); do
    tries=$((tries + 1))
    if [ $tries -ge 5 ]; then
        echo "FAIL: the daemon's web server did not start:"
        tail -20 "$tmp/daemon.log"
        exit 1
    fi
done
base=$(sed -n 's|.*listening on \(http://127.0.0.1:[0-9]*\)/.*|\1|p' \
       "$tmp/daemon.log" | head -1)

# ---- the browser: every page at once (each Chromium takes seconds) ----
# usage: load <name> <url>: the DOM as Chromium rendered it, in <name>.html
browsers=""
load() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
        --no-first-run --disable-extensions --disable-sync \
        --user-data-dir="$tmp/profile-$1" --dump-dom "$2" \
        >"$tmp/$1.html" 2>"$tmp/$1.err" &
    browsers="$browsers $!"
}
bob_id=$(sqlite3 -batch "$tmp/chorus.db" \
         "SELECT id FROM people WHERE name = 'bob'" 2>/dev/null)
load index "$base/dashboard?token=$token"
load campaign "$base/dashboard/c/spring-launch?token=$token"
load scorecard "$base/dashboard/p/$bob_id?token=$token"
load other "$base/dashboard/c/autumn-drop?token=$token"
load admin "$base/dashboard?token=$admin_token"
load none "$base/dashboard/c/spring-launch"
load wrong "$base/dashboard/c/spring-launch?token=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
rm -f "$build/dashboard-timeline.png"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-extensions --disable-sync --user-data-dir="$tmp/profile-shot" \
    --hide-scrollbars --window-size=1280,900 \
    --screenshot="$build/dashboard-timeline.png" \
    "$base/dashboard?token=$token" >"$tmp/shot.out" 2>&1 &
browsers="$browsers $!"
for pid in $browsers; do
    wait "$pid"
done

has() {     # <page> <text>: the rendered page shows it
    grep -qF -- "$2" "$tmp/$1.html" ||
        fail "$1: no \"$2\" in: $(head -c 600 "$tmp/$1.html")"
}
lacks() {
    if grep -qF -- "$2" "$tmp/$1.html"; then
        fail "$1: \"$2\" must not show"
    fi
}

# bob's index: his campaign, escaped, its publish dates and the picture.
has index "spring-launch"
has index "Spring &lt;Launch&gt; &amp; co"
has index "<svg"
has index "<title>publish $(date -u -d "$publish1" '+%-d %b') 18:00</title>"
has index "<title>publish $(date -u -d "$publish2" '+%-d %b') 18:00</title>"
has index ">draft<"
has index "/dashboard/c/spring-launch?token=$token"
lacks index "autumn-drop"
lacks index "$admin_token"
# The campaign page: its status, deliverables and dates.
has campaign "<h2>Status</h2>"
has campaign "Unboxing reel"
has campaign "Story set"
has campaign "<h2>People</h2>"
lacks campaign "<h2>Report</h2>"
has scorecard "Scorecard of bob"
has scorecard "Drafts on time"
# The admin token: both campaigns, and the report.
has admin "spring-launch"
has admin "autumn-drop"
# Refused alike, saying nothing.
for page in other none wrong; do
    has $page "unauthorized"
    lacks $page "spring-launch"
    lacks $page "autumn-drop"
    lacks $page "Spring"
done

# The screenshot: a PNG, and not an empty page's few bytes.
png="$build/dashboard-timeline.png"
if [ ! -s "$png" ]; then
    fail "no screenshot at $png: $(tail -3 "$tmp/shot.out")"
else
    magic=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
    [ "$magic" = "89504e470d0a1a0a" ] || fail "$png is not a PNG ($magic)"
    size=$(wc -c <"$png")
    [ "$size" -gt 20000 ] || fail "$png is only $size bytes"
fi

# The daemon stops cleanly, and neither token reached its log.
kill "$daemonpid"
wait "$daemonpid"
rc=$?
daemonpid=""
[ $rc -eq 0 ] || fail "the daemon exited $rc: $(tail -5 "$tmp/daemon.log")"
if grep -qF -- "$token" "$tmp/daemon.log" ||
   grep -qF -- "$admin_token" "$tmp/daemon.log"; then
    fail "a token reached the daemon's log"
fi
if [ -n "$wrap" ] && grep -q '==[0-9]*==' "$tmp/daemon.log"; then
    fail "the wrapper reported problems:"
    grep '==[0-9]*==' "$tmp/daemon.log" | head -20
fi
[ $failed -eq 0 ] && echo "ok   dashboard"
exit $failed
