#!/bin/sh
# The Debian package builds (scripts/deb, dpkg-buildpackage -us -uc -b) and
# holds what it should: skipped (77) where debhelper or dpkg-dev is not
# installed, as on a machine that only runs ./scripts/test.
set -u
src=${CHORUS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
    echo "deb: skipped (dpkg-buildpackage or debhelper missing; ./scripts/deb installs them)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; failed=1; }
failed=0

"$src/scripts/deb" "$tmp/out" >"$tmp/log" 2>&1 || {
    cat "$tmp/log"; echo "FAIL: scripts/deb"; exit 1; }
deb=$(ls "$tmp"/out/chorus_*.deb)
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/bin/chorus /lib/systemd/system/chorus.service \
    /etc/chorus/chorus.conf /usr/share/chorus/slack-manifest.yaml \
    /usr/share/man/man8/chorus.8.gz /usr/share/man/man5/chorus.conf.5.gz \
    /usr/share/doc/chorus/copyright \
    /usr/share/doc/chorus/examples/chorus.conf.example; do
    grep -qx "$f" "$tmp/files" || fail "the package lacks $f"
done
grep -q '^/usr/local' "$tmp/files" && fail "the package installs under /usr/local"

depends=$(dpkg-deb -f "$deb" Depends)
for d in libwebsockets-evlib-uv libsqlite3-0 libuv1 libwebsockets17 libcurl4; do
    echo "$depends" | grep -q "\\b$d\\b" || fail "Depends lacks $d: $depends"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/chorus/chorus.conf ||
    fail "/etc/chorus/chorus.conf is not a conffile"
# --no-enable: postinst enables the unit only where it was enabled before
# (dh_installsystemd's "debian-installed" guard).
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postinst >"$tmp/postinst"
grep -q "debian-installed 'chorus.service'" "$tmp/postinst" ||
    fail "postinst would enable chorus.service on a fresh install"

dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/chorus" version | grep -q "^chorus $(dpkg-deb -f "$deb" Version)\$" ||
    fail "the packaged binary is not version $(dpkg-deb -f "$deb" Version)"
unit=$tmp/root/lib/systemd/system/chorus.service
grep -q '^ExecStart=/usr/bin/chorus run ' "$unit" || fail "ExecStart: $(grep ExecStart= "$unit")"
grep -q '^database /var/lib/chorus/chorus.db$' "$tmp/root/etc/chorus/chorus.conf" ||
    fail "the packaged configuration does not name the service's database"
"$tmp/root/usr/bin/chorus" check-config "$tmp/root/etc/chorus/chorus.conf" >"$tmp/check" ||
    fail "the packaged configuration does not check: $(cat "$tmp/check")"
for page in man8/chorus.8.gz man5/chorus.conf.5.gz; do
    MANPAGER=cat man --warnings=all -l "$tmp/root/usr/share/man/$page" \
        >/dev/null 2>"$tmp/warn" && [ ! -s "$tmp/warn" ] ||
        fail "$page: $(cat "$tmp/warn")"
done
[ $failed -eq 0 ] && echo "deb: ok ($(basename "$deb"), $(wc -l <"$tmp/files") entries)"
exit $failed
