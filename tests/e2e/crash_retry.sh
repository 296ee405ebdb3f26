#!/bin/sh
# A command retried after chorus died between its commit and its answer
# (issue 14), through the real `chorus console` on a database file:
# CHORUS_FAULT=event-after-commit kills it by SIGKILL once the command is
# committed and before its answer is printed; restarted, the same person
# typing the same command within 10 minutes is told "Already done at
# <time>: <the first answer>" and nothing is applied twice.  A command
# whose answer was printed, typed again, runs again.
# CHORUS_WRAP runs the binary under a wrapper (valgrind).
set -u
chorus=${1:?usage: crash_retry.sh path/to/chorus}
wrap=${CHORUS_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
. "$(dirname "$0")/lib/console.sh"

db="$tmp/retry.db"
out="$tmp/retry.out"
: >"$out"
cat >"$tmp/setup.in" <<'IN'
admin: /campaign new retry-test brand:Fizz from:2026-12-01 to:2026-12-31
admin: /campaign add retry-test carol role:coordinator
admin: /campaign add retry-test bob role:creator
carol: /campaign brief retry-test set story Winter mornings
carol: /campaign brief retry-test set audience commuters
carol: /campaign brief retry-test set core_message Fizz wakes you up
carol: /campaign kickoff retry-test
carol: /campaign deliverable retry-test bob "Reel" draft:+7d publish:+14d
IN
console "$db" 2026-12-01T08:00Z "$out" <"$tmp/setup.in"
[ $? -eq 0 ] || fail "setup: chorus exited non-zero"

line='carol: /campaign escalate retry-test#1 bob has gone quiet'
echo "$line" | console "$db" 2026-12-01T08:05Z "$out" event-after-commit
rc=$?
[ $rc -eq 137 ] || fail "killed: exit status $rc, want 137 (SIGKILL)"
grep -q 'Opened E1' "$out" && fail "the answer was printed before the kill"
expect_sql "killed" "$db" "1" "SELECT count(*) FROM escalations"
expect_sql "killed" "$db" "0" \
    "SELECT answered FROM commands_recent WHERE text LIKE 'escalate%'"

# Restarted two minutes later, carol tries again: "already done".
: >"$out"
printf '%s\n%s\n' "$line" "$line" | console "$db" 2026-12-01T08:07Z "$out"
[ $? -eq 0 ] || { fail "restart: chorus exited non-zero"; cat "$out.err"; }
said='\[dm carol\] chorus: Already done at Tue 1 Dec 08:05 UTC: '
n=$(grep -c "${said}Opened E1 on retry-test#1" "$out")
[ "$n" -eq 2 ] || { fail "retry: 'Already done' printed $n times, want 2"
                   cat "$out"; }
expect_sql "retried" "$db" "1" "SELECT count(*) FROM escalations"

# Past the window it is a new command; and with its answer seen, a
# deliberate repeat runs too.
: >"$out"
printf '~ 2026-12-01T08:20Z\n%s\n%s\n' "$line" "$line" |
    console "$db" 2026-12-01T08:07Z "$out"
[ $? -eq 0 ] || fail "later: chorus exited non-zero"
grep -q 'Already done' "$out" && fail "later: said already done"
expect_sql "later" "$db" "3" "SELECT count(*) FROM escalations"

[ $failed -eq 0 ] && echo "ok   crash_retry"
exit $failed
