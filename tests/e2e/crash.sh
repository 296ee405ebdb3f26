#!/bin/sh
# Crash safety of the scheduler ("a restart loses none and does
# not repeat any"), through the real `chorus console` on a database file:
#  1. CHORUS_FAULT=job-before-commit: the process dies by SIGKILL between
#     a nudge's due time and its commit; restarted, it sends the nudge
#     exactly once.
#  2. CHORUS_FAULT=job-after-commit: committed, never handed over; the
#     restart delivers it once and does not fire the job again.
#  3. A busy week advanced by N restarts, each killed with kill -9 at a
#     random moment, ends exactly where one uninterrupted run ends: the
#     same nudges, the same messages, the same jobs left.
# CHORUS_WRAP runs the binary under a wrapper (valgrind); a run killed
# by SIGKILL reports nothing there, which is fine.
set -u
chorus=${1:?usage: crash.sh path/to/chorus}
wrap=${CHORUS_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
. "$(dirname "$0")/lib/console.sh"

# ---- 1 and 2: a fault between due time and commit, and after it -------------

# bob works 09:00-18:00 in Berlin (CET).  The draft is due Thu 10 Dec
# 12:00 UTC, so the first nudge (- 48h) is due Tue 8 Dec 12:00 UTC = 13:00
# CET, inside his hours: the first job to fire is that nudge.
cat >"$tmp/setup.in" <<'EOF'
admin: /campaign new crash-test brand:Fizz title:"Crash test" from:2026-12-01 to:2026-12-31
admin: /campaign add crash-test carol role:coordinator
admin: /campaign add crash-test bob role:creator tz:Europe/Berlin
carol: /campaign brief crash-test set story Winter mornings
carol: /campaign brief crash-test set audience commuters
carol: /campaign brief crash-test set core_message Fizz wakes you up
carol: /campaign kickoff crash-test
carol: /campaign deliverable crash-test bob "Reel" draft:"2026-12-10 12:00" publish:"2026-12-20 12:00"
~ 2026-12-08T13:00Z
EOF
echo "~ 2026-12-08T14:00Z" >"$tmp/later.in"
nudge_line='\] \[dm bob\] chorus: Reminder: the draft of crash-test#1 "Reel" '
nudge_line="${nudge_line}is due in"

for point in job-before-commit job-after-commit; do
    db="$tmp/$point.db"
    out="$tmp/$point.out"
    : >"$out"
    console "$db" 2026-12-01T08:00Z "$out" "$point" <"$tmp/setup.in"
    rc=$?
    # 137 = 128 + SIGKILL, as the shell reports a death by signal 9.
    [ $rc -eq 137 ] || fail "$point: exit status $rc, want 137 (SIGKILL)"
    : >"$out.err"
    if [ $point = job-before-commit ]; then
        expect_sql "$point, killed" "$db" "0" "SELECT count(*) FROM nudges"
        expect_sql "$point, killed" "$db" "1" \
            "SELECT count(*) FROM jobs WHERE kind = 'nudge' AND \
             arg = 'draft:-172800000'"
    else
        # Committed: the nudge is recorded, its message waits in the
        # outbox and was never printed; the job is gone.
        expect_sql "$point, killed" "$db" "1" "SELECT count(*) FROM nudges"
        expect_sql "$point, killed" "$db" "pending" \
            "SELECT state FROM outbox WHERE kind = 'dm' AND \
             text LIKE 'Reminder: the draft of crash-test#1%'"
        expect_sql "$point, killed" "$db" "0" \
            "SELECT count(*) FROM jobs WHERE kind = 'nudge' AND \
             arg = 'draft:-172800000'"
    fi
    n=$(grep -c "$nudge_line" "$out")
    [ "$n" -eq 0 ] || fail "$point: the nudge was printed before the kill"

    # Restart where the clock stopped and move it a little further.
    console "$db" 2026-12-08T12:00Z "$out" <"$tmp/later.in"
    check_clean $? "$point, restart" "$out"
    expect_sql "$point" "$db" "1" \
        "SELECT count(*) FROM nudges WHERE kind = 'draft' AND \
         offset_ms = -172800000"
    expect_sql "$point" "$db" "1|sent" \
        "SELECT count(*), group_concat(state) FROM outbox WHERE kind = 'dm' \
         AND text LIKE 'Reminder: the draft of crash-test#1%'"
    expect_sql "$point" "$db" "0" \
        "SELECT count(*) FROM jobs WHERE kind = 'nudge' AND \
         arg = 'draft:-172800000'"
    # The next nudge (- 4h, Thu 08:00 UTC) is still planned.
    expect_sql "$point" "$db" "3" \
        "SELECT count(*) FROM jobs WHERE kind = 'nudge'"
    n=$(grep -c "$nudge_line" "$out")
    [ "$n" -eq 1 ] || fail "$point: the nudge was printed $n times"
done
# Before the commit the nudge was sent after the restart, at 12:00;
# after it, the restart delivered the message decided at 12:00.
grep -q "^\[2026-12-08 12:00Z$nudge_line 2d " "$tmp/job-before-commit.out" ||
    fail "job-before-commit: nudge text or time"

# ---- 3: a busy week, killed at random moments ------------------------------

# Four creators in four zones, three deliverables each, due during the
# week of Mon 7 Dec: nudges at night and weekends are put back, the cap
# holds some, overdue drafts escalate, guards fire before publishing.
cat >"$tmp/busy.in" <<'EOF'
admin: /campaign new busy brand:Fizz title:"Busy week" from:2026-12-01 to:2026-12-31
admin: /campaign add busy carol role:coordinator
admin: /campaign add busy brenda role:brand tz:America/New_York
carol: /campaign add busy bob role:creator tz:Europe/Berlin
carol: /campaign add busy nina role:creator tz:America/New_York
carol: /campaign add busy kiran role:creator tier:flex tz:Asia/Kolkata
carol: /campaign add busy dana role:creator
carol: /campaign brief busy set story Winter mornings
carol: /campaign brief busy set audience commuters
carol: /campaign brief busy set core_message Fizz wakes you up
carol: /campaign kickoff busy
kiran: /campaign ooo "2026-12-08 00:00" "2026-12-09 12:00" travel
carol: /campaign deliverable busy bob "B1" draft:"2026-12-07 09:30" publish:"2026-12-09 12:00"
carol: /campaign deliverable busy bob "B2" draft:"2026-12-07 11:00" publish:"2026-12-10 12:00"
carol: /campaign deliverable busy bob "B3" draft:"2026-12-07 16:00" publish:"2026-12-11 12:00"
carol: /campaign deliverable busy nina "N1" draft:"2026-12-08 02:00" publish:"2026-12-10 18:00"
carol: /campaign deliverable busy nina "N2" draft:"2026-12-08 15:00" publish:"2026-12-11 18:00"
carol: /campaign deliverable busy nina "N3" draft:"2026-12-09 22:00" publish:"2026-12-12 18:00"
carol: /campaign deliverable busy kiran "K1" draft:"2026-12-08 06:00" publish:"2026-12-10 06:00"
carol: /campaign deliverable busy kiran "K2" draft:"2026-12-09 04:00" publish:"2026-12-11 06:00"
carol: /campaign deliverable busy kiran "K3" draft:"2026-12-10 10:00" publish:"2026-12-12 06:00"
carol: /campaign deliverable busy dana "D1" draft:"2026-12-07 08:00" publish:"2026-12-09 08:00"
carol: /campaign deliverable busy dana "D2" draft:"2026-12-07 12:00" publish:"2026-12-09 20:00"
carol: /campaign deliverable busy dana "D3" draft:"2026-12-11 17:00" publish:"2026-12-14 09:00"
EOF
start=2026-12-05T00:00Z
end_s=$(date -u -d 2026-12-13T00:00Z +%s)
out="$tmp/busy.out"
: >"$out"
console "$tmp/busy.db" 2026-12-01T08:00Z "$out" <"$tmp/busy.in"
check_clean $? "busy week setup" "$out"
cp "$tmp/busy.db" "$tmp/ref.db"
cp "$tmp/busy.db" "$tmp/crash.db"

# The reference: one uninterrupted run to the end of the week.
echo "~ 2026-12-13T00:00Z" | console "$tmp/ref.db" $start "$tmp/ref.out"
check_clean $? "busy week reference" "$tmp/ref.out"

# The last instant the database saw committed, rounded up to a minute.
last_instant() {
    sql "$1" "SELECT strftime('%Y-%m-%dT%H:%MZ', ((max(\
        (SELECT ifnull(max(sent_at), 0) FROM nudges), \
        (SELECT ifnull(max(created_at), 0) FROM jobs), \
        (SELECT ifnull(max(created_at), 0) FROM outbox), \
        (SELECT ifnull(max(at), 0) FROM audit)) + 59999) / 60000) * 60, \
        'unixepoch')"
}

# Feed the clock an hour at a time, slowly, so a kill lands mid-week.
feed() {  # <from ISO> <pause>
    t=$(date -u -d "$1" +%s)
    while [ "$t" -lt "$end_s" ]; do
        t=$((t + 3600))
        [ "$t" -gt "$end_s" ] && t=$end_s
        echo "~ $(date -u -d "@$t" +%Y-%m-%dT%H:%MZ)"
        sleep "$2"
    done
}

# A round is killed after `base` seconds (start-up) plus a random part
# of `window`: at `pause` seconds per simulated hour, 0 to 16 hours in.
rounds=${CHORUS_CRASH_ROUNDS:-20}
pause=0.01 base=0.05 window=0.16
if [ -n "$wrap" ]; then
    rounds=${CHORUS_CRASH_ROUNDS:-5}
    pause=0.05 base=2.0 window=0.8
fi
now=$start
killed=0
i=0
while [ $i -lt "$rounds" ]; do
    i=$((i + 1))
    # exec: the pipeline's last process is chorus (or its wrapper)
    # itself, so $! is the process to kill.
    # shellcheck disable=SC2086
    feed "$now" $pause | {
        CHORUS_FAULT='' exec $wrap "$chorus" console --db "$tmp/crash.db" \
            --empty --now "$now" >>"$out" 2>>"$out.err"
    } &
    pid=$!
    delay=$(awk -v s="$i$$" -v b=$base -v w=$window \
        'BEGIN { srand(s); printf "%.3f", b + rand() * w }')
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    # (braces: the shell's "Killed" notice goes to /dev/null)
    { wait $pid; } 2>/dev/null
    rc=$?
    if [ $rc -eq 137 ]; then
        killed=$((killed + 1))
    elif [ $rc -ne 0 ]; then
        fail "round $i: chorus exited $rc"
        cat "$out.err"
    fi
    : >"$out.err"
    now=$(last_instant "$tmp/crash.db")
    [ -n "$now" ] || fail "round $i: no instant in the database"
    # A round killed before its first commit leaves only the setup's
    # instants: the week still starts where the reference run starts.
    if [ "$(date -u -d "$now" +%s)" -lt "$(date -u -d "$start" +%s)" ]; then
        now=$start
    fi
done
# The last run, uninterrupted, to the end.
echo "~ 2026-12-13T00:00Z" | console "$tmp/crash.db" "$now" "$out"
check_clean $? "busy week, last run" "$out"
[ $killed -ge $((rounds / 2)) ] ||
    fail "only $killed of $rounds rounds were killed mid-run"

db="$tmp/crash.db"
# No nudge twice for one deliverable, kind and offset.
expect_sql "busy week" "$db" "" \
    "SELECT deliverable_id, kind, offset_ms FROM nudges \
     WHERE deliverable_id IS NOT NULL \
     GROUP BY 1, 2, 3 HAVING count(*) > 1"
# Nothing left undelivered but what waits for Monday's working hours,
# as in the uninterrupted run.  (Two nudges can read the same: - 48h and
# - 4h both put back to the same 09:00 say "due in 1h 30m"; so the
# outbox is compared with the uninterrupted run below, row by row.)
expect_sql "busy week" "$db" "0" \
    "SELECT count(*) FROM outbox WHERE state != 'sent' \
     AND not_before <= $end_s * 1000"
expect_sql "busy week" "$db" \
    "$(sql "$tmp/ref.db" "SELECT count(*) FROM outbox \
                          WHERE state = 'pending'")" \
    "SELECT count(*) FROM outbox WHERE state = 'pending'"
# Every job that was due fired exactly once or is still there: the same
# nudges at the same instants, the same messages in the same order and
# the same jobs left as in the run that was never interrupted.
for q in \
    "SELECT deliverable_id, kind, offset_ms, sent_at, local_day FROM nudges \
     ORDER BY id" \
    "SELECT kind, ifnull(user_ref, ''), text FROM outbox ORDER BY id" \
    "SELECT kind, due_at, ifnull(deliverable_id, 0), ifnull(person_id, 0), \
            ifnull(escalation_id, 0), ifnull(arg, '') FROM jobs ORDER BY id" \
    "SELECT id, deliverable_id, state, level, cycle, opened_at, cause, \
            ifnull(resolution, '') FROM escalations ORDER BY id" \
    "SELECT escalation_id, person_id, level, at FROM escalation_reached \
     ORDER BY 1, 2" \
    "SELECT at, subject, action, detail FROM audit \
     WHERE action LIKE 'escalation.%' ORDER BY id" \
    "SELECT number, state FROM deliverables ORDER BY id"; do
    sql "$tmp/ref.db" "$q" >"$tmp/want"
    sql "$db" "$q" >"$tmp/got"
    if [ ! -s "$tmp/want" ] || grep -q '^Error' "$tmp/want"; then
        fail "the reference gave nothing or an error: $q"
    fi
    if ! diff "$tmp/want" "$tmp/got" >"$tmp/diff"; then
        fail "after $rounds kills, differs from the uninterrupted run: $q"
        head -20 "$tmp/diff"
    fi
done
# The week was busy: all of this really happened.
n=$(sql "$db" "SELECT count(*) FROM nudges")
[ "$n" -ge 30 ] || fail "busy week: only $n nudges"
n=$(sql "$db" "SELECT count(*) FROM escalations")
[ "$n" -ge 5 ] || fail "busy week: only $n escalations"
[ $failed -eq 0 ] && echo "ok   crash ($killed of $rounds rounds killed)"
exit $failed
