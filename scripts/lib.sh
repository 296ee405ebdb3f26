# Shared by scripts/console and scripts/test: install what is missing from
# Debian's archive, then configure and build with CMake.  Sourced, not run.

ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Debian packages chorus builds and runs with (see README "Dependencies").
BUILD_PACKAGES="gcc make cmake pkg-config libsqlite3-dev libuv1-dev
  libwebsockets-dev libwebsockets-evlib-uv libcurl4-openssl-dev
  libcjson-dev libical-dev tzdata ca-certificates"
TEST_PACKAGES="libcmocka-dev valgrind sqlite3 groff-base man-db systemd clang
  libclang-rt-14-dev chromium"

missing_packages() {
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
            grep -q 'install ok installed' || printf '%s ' "$pkg"
    done
}

need_packages() {
    missing=$(missing_packages "$@")
    [ -z "$missing" ] && return 0
    echo "chorus: installing missing Debian packages: $missing" >&2
    if [ "$(id -u)" -eq 0 ]; then
        apt=apt-get
    elif command -v sudo >/dev/null 2>&1; then
        apt="sudo apt-get"
    else
        echo "chorus: cannot install packages (not root and no sudo)." >&2
        echo "chorus: please run: apt-get install $missing" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # shellcheck disable=SC2086
    if ! $apt install -y -q $missing >/dev/null; then
        $apt update -q >/dev/null || true
        # shellcheck disable=SC2086
        $apt install -y -q $missing >/dev/null || {
            echo "chorus: apt-get could not install: $missing" >&2
            exit 1
        }
    fi
}

# build <dir> [cmake options...]
build() {
    dir=$1
    shift
    cmake -S "$ROOT" -B "$ROOT/$dir" "$@" >/dev/null || exit 1
    cmake --build "$ROOT/$dir" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null || {
        # Show the errors, quietly built the first time.
        cmake --build "$ROOT/$dir" -j1
        exit 1
    }
}
