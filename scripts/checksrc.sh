#!/bin/sh
# Source rules enforced by a script, not by review (c-style P13):
#  1. nothing under core/ includes a platform, network or JSON header;
#  2. banned calls (unbounded or surprising) appear nowhere in our C files.
set -u
root=${1:-.}
cd "$root" || exit 2
status=0

bad_includes=$(grep -nE '#[[:space:]]*include[[:space:]]*[<"](libwebsockets|curl/|cjson/|cJSON|uv\.h|uv/)' core/*.c core/*.h 2>/dev/null)
if [ -n "$bad_includes" ]; then
    echo "checksrc: core/ must not include platform headers:"
    echo "$bad_includes"
    status=1
fi

files=$(find core bot adapters tests bench -name '*.[ch]' 2>/dev/null)
# \b keeps snprintf/strncpy out; the lookbehind-free form checks the char before.
banned=$(grep -nE '(^|[^a-z_])(sprintf|vsprintf|strcpy|strcat|atoi|atol|strtok|gets)[[:space:]]*\(' $files 2>/dev/null)
if [ -n "$banned" ]; then
    echo "checksrc: banned calls (use snprintf, buf_*, strtoll with an end pointer):"
    echo "$banned"
    status=1
fi
[ $status -eq 0 ] && echo "checksrc: ok"
exit $status
