#!/bin/sh
# Source rules enforced by a script, not by review (c-style P13):
#  1. the layers form a stack: a file includes headers of its own folder
#     and of the layers below it, never above or beside it;
#  2. nothing under core/ includes a platform, network or JSON header;
#  3. banned calls (unbounded or surprising) appear nowhere in our C files;
#  4. with a build directory: every symbol a library exports starts with
#     its file's name (see exported_names below).
# Usage: checksrc.sh [source-dir [build-dir]]
set -u
root=${1:-.}
build=${2:-}
cd "$root" || exit 2
status=0

# --- 1. layers ---------------------------------------------------------------
# Folder -> layer (the awk below): core 0, adapters/runtime 1, each
# platform and the simulators 2, bot 3.  Folders of one layer may not
# include each other's headers (a platform never reaches into another).

headers=$(find core adapters bot tests bench -name '*.h' 2>/dev/null)
dups=$(for h in $headers; do basename "$h"; done | sort | uniq -d)
if [ -n "$dups" ]; then
    echo "checksrc: header names must be unique (includes name the file alone):"
    echo "$dups"
    status=1
fi

files=$(find core adapters bot tests bench -name '*.[ch]' 2>/dev/null)
# One pass: the headers' folders first, then every quoted include.
layers=$(
    { for h in $headers; do echo "H $h"; done
      grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files |
          sed 's/^/I /'; } |
    awk '
    function layer(d) {
        if (d == "core") return 0
        if (d == "adapters/runtime") return 1
        if (d ~ /^adapters\/(console|slack|discord|sim|web)$/) return 2
        if (d == "bot") return 3
        return 9                      # tests, bench: may include anything
    }
    function dirname(p) { sub(/\/[^\/]*$/, "", p); return p }
    $1 == "H" { n = split($2, parts, "/"); where[parts[n]] = dirname($2); next }
    {
        line = substr($0, 3)
        split(line, f, ":")
        inc = line; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
        dir = dirname(f[1])
        if (inc ~ /\//) {
            printf "checksrc: %s:%s: include \"%s\" by name alone (the layer folder is on the include path)\n", f[1], f[2], inc
            next
        }
        if (!(inc in where) || where[inc] == dir) next
        if (layer(where[inc]) >= layer(dir))
            printf "checksrc: %s:%s: \"%s\" is in %s, which is not below %s\n", f[1], f[2], inc, where[inc], dir
    }')
if [ -n "$layers" ]; then
    echo "$layers"
    status=1
fi

# --- 2. the core knows no platform -------------------------------------------
bad_includes=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](libwebsockets|curl/|cjson/|cJSON|uv\.h|uv/)' core/*.c core/*.h 2>/dev/null)
if [ -n "$bad_includes" ]; then
    echo "checksrc: core/ must not include platform headers:"
    echo "$bad_includes"
    status=1
fi

# --- 3. banned calls ---------------------------------------------------------
# \b keeps snprintf/strncpy out; the lookbehind-free form checks the char before.
banned=$(grep -nE '(^|[^a-z_])(sprintf|vsprintf|strcpy|strcat|atoi|atol|strtok|gets)[[:space:]]*\(' $files 2>/dev/null)
if [ -n "$banned" ]; then
    echo "checksrc: banned calls (use snprintf, buf_*, strtoll with an end pointer):"
    echo "$banned"
    status=1
fi

# --- 4. names lead to files ---------------------------------------------------
# Every symbol a library object exports starts with its file's name
# ("store_brief_get" in store_brief.c) or is that name.  The families
# below are named after what they export instead: xmalloc.c's x*()
# wrappers, status.c's ch_* status functions.
if [ -n "$build" ]; then
    libs=$(find "$build" -name 'libchorus_*.a' 2>/dev/null)
    if [ -z "$libs" ]; then
        echo "checksrc: no libraries under $build (build first)"
        status=1
    else
        # nm -A: "lib.a:file.c.o: addr T name"
        names=$(nm -A --defined-only -g $libs 2>/dev/null | awk '
            NF == 3 {
                n = split($1, part, ":"); stem = part[n - 1]
                sub(/\.c\.o$/, "", stem)
                s = $3
                if (s ~ /^__/) next     # the compiler: __odr_asan.* under ASan
                if (s == stem || index(s, stem "_") == 1) next
                if (stem == "xmalloc" && s ~ /^x/) next
                if (stem == "status" && s ~ /^ch_/) next
                printf "checksrc: %s.c exports %s\n", stem, s
            }')
        if [ -n "$names" ]; then
            echo "$names"
            echo "checksrc: exported names must start with their file's name"
            status=1
        fi
    fi
fi

[ $status -eq 0 ] && echo "checksrc: ok"
exit $status
