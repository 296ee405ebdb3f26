# Shared by the e2e scripts that drive `chorus console` on a database
# file (sourced, not run).  The script sets chorus, wrap (CHORUS_WRAP)
# and failed=0 first.

fail() { echo "FAIL: $*"; failed=1; }

# chorus console on a database; input from stdin.
# usage: console <db> <now> <out> [fault]
console() {
    # shellcheck disable=SC2086
    CHORUS_FAULT=${4:-} $wrap "$chorus" console --db "$1" --empty \
        --now "$2" >>"$3" 2>>"$3.err"
}

# A clean run must end well and, under a wrapper, quietly.
# usage: check_clean <exit status> <what> <out>
check_clean() {
    if [ "$1" -ne 0 ]; then
        fail "$2: chorus exited $1"
        cat "$3.err"
    elif [ -n "$wrap" ] && [ -s "$3.err" ]; then
        fail "$2: the wrapper reported problems:"
        cat "$3.err"
    fi
    : >"$3.err"
}

sql() { sqlite3 -batch "$1" "$2" 2>&1; }

expect_sql() {  # <what> <db> <want> <sql>
    got=$(sql "$2" "$4" | tr '\n' ';' | sed 's/;$//')
    [ "$got" = "$3" ] || fail "$1: $4: got '$got', want '$3'"
}
