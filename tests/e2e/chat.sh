#!/bin/sh
# End-to-end: type each tests/chat/*.chat conversation into the real
# `chorus console`, compare everything printed with the .expected
# transcript next to it, then check the database with the .checks file
# (lines "expected value | SQL").  The first line of a .chat file may be
# "#! <console options>"; a .conf file next to it is the configuration
# (--config).  A later line "#! restart <console options>" ends that run
# of chorus and starts another on the same database, as a restart would.
# CHORUS_WRAP runs the binary under a wrapper
# (valgrind); CHORUS_UPDATE_GOLDEN=1 rewrites the transcripts instead.
set -u
chorus=${1:?usage: chat.sh path/to/chorus}
# Each conversation runs in a scratch directory: keep a relative path good.
case $chorus in /*) ;; *) chorus=$PWD/$chorus ;; esac
src=${CHORUS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
wrap=${CHORUS_WRAP:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

for chat in "$src"/tests/chat/*.chat; do
    name=$(basename "$chat" .chat)
    expected="$src/tests/chat/$name.expected"
    db="$tmp/$name.db"
    conf="$src/tests/chat/$name.conf"
    parts="$tmp/$name.parts"
    mkdir -p "$parts"
    awk -v dir="$parts" 'NR == 1 || /^#! restart/ { n++ }
        { print > (dir "/" n) }' "$chat"
    : >"$tmp/$name.out"
    : >"$tmp/$name.err"
    rc=0
    for part in $(ls "$parts" | sort -n); do
        opts=$(sed -n '1s/^#! \(restart \)\{0,1\}//p' "$parts/$part")
        [ -f "$conf" ] && opts="$opts --config $conf"
        # shellcheck disable=SC2086
        (cd "$tmp" && $wrap "$chorus" console --db "$db" $opts) \
            <"$parts/$part" >>"$tmp/$name.out" 2>>"$tmp/$name.err"
        rc=$?
        [ $rc -ne 0 ] && break
    done
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: chorus exited $rc"
        cat "$tmp/$name.err"
        failed=1
        continue
    fi
    if [ -s "$tmp/$name.err" ] && [ -n "$wrap" ]; then
        echo "FAIL $name: the wrapper reported problems:"
        cat "$tmp/$name.err"
        failed=1
    fi
    # A secret link's token (64 random hex digits) differs on every run.
    sed -E 's#/(calendar|export)/[0-9a-f]{64}#/\1/<secret>#g' \
        "$tmp/$name.out" >"$tmp/$name.masked"
    mv "$tmp/$name.masked" "$tmp/$name.out"
    if [ "${CHORUS_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$tmp/$name.out" "$expected"
        echo "updated $expected"
    elif ! diff -u "$expected" "$tmp/$name.out" >"$tmp/$name.diff"; then
        echo "FAIL $name: transcript differs from $name.expected:"
        head -80 "$tmp/$name.diff"
        failed=1
    fi
    checks="$src/tests/chat/$name.checks"
    [ -f "$checks" ] || continue
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        want=${line%%|*}
        want=$(printf '%s' "$want" | sed 's/[[:space:]]*$//')
        sql=${line#*|}
        got=$(sqlite3 -batch "$db" "$sql" 2>&1 | tr '\n' ';' | sed 's/;$//')
        if [ "$got" != "$want" ]; then
            echo "FAIL $name: $sql"
            echo "  expected: $want"
            echo "  got:      $got"
            failed=1
        fi
    done <"$checks"
    [ $failed -eq 0 ] && echo "ok   $name"
done
exit $failed
