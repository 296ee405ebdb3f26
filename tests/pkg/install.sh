#!/bin/sh
# `cmake --install` into a temporary prefix: exactly the expected files,
# all under that prefix, the unit pointing at the installed binary and at
# a manual page that is installed.
set -u
build=${1:?usage: install.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; failed=1; }
failed=0
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" >"$tmp/log" 2>&1 || {
    cat "$tmp/log"; echo "FAIL: cmake --install"; exit 1; }
(cd "$prefix" && find . -type f -o -type l | sort) >"$tmp/got"
cat >"$tmp/want" <<'LIST'
./bin/chorus
./lib/systemd/system/chorus.service
./share/chorus/slack-manifest.yaml
./share/doc/chorus/LICENSE
./share/doc/chorus/README.md
./share/doc/chorus/examples/chorus.conf.example
./share/man/man5/chorus.conf.5
./share/man/man8/chorus.8
LIST
diff -u "$tmp/want" "$tmp/got" || fail "installed files differ (- expected, + installed)"
escaped=$(grep -E '^-- (Installing|Up-to-date):' "$tmp/log" | grep -v " $prefix/")
[ -z "$escaped" ] || fail "installed outside the prefix: $escaped"

unit=$prefix/lib/systemd/system/chorus.service
configured=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
grep -q "^ExecStart=$configured/bin/chorus run " "$unit" ||
    fail "ExecStart does not run $configured/bin/chorus: $(grep ExecStart= "$unit")"
grep -q '^Documentation=.*man:chorus(8)' "$unit" ||
    fail "the unit's Documentation= does not name man:chorus(8)"
for page in $(sed -n 's/^Documentation=//p' "$unit"); do
    case $page in
    man:*) f=$(echo "$page" | sed 's/^man:\(.*\)(\(.\))$/\2\/\1.\2/')
           [ -f "$prefix/share/man/man$f" ] ||
               fail "Documentation= names $page, which is not installed";;
    *) fail "Documentation= names $page, which nothing installs";;
    esac
done
"$prefix/bin/chorus" version | grep -q '^chorus [0-9]' ||
    fail "the installed binary does not run"
cmp -s "$prefix/share/chorus/slack-manifest.yaml" \
    "$(dirname "$0")/../../config/slack-manifest.yaml" ||
    fail "the installed manifest is not config/slack-manifest.yaml"
[ $failed -eq 0 ] && echo "install: ok ($(wc -l <"$tmp/got") files)"
exit $failed
