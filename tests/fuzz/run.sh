#!/bin/sh
# Run one fuzz target over its seed corpus, then for a fixed number of
# new inputs, under the sanitizers it was built with (leaks included).
# The seeds stay as they are: what libFuzzer finds goes to a scratch
# corpus, thrown away; a crashing input is kept next to the binary
# (crash-*, leak-*) and named in the output.
# Usage: run.sh <fuzz binary> <seed corpus dir> [runs]
# (FUZZ_RUNS in the environment wins over runs.)
set -u
bin=${1:?usage: run.sh fuzz-binary corpus-dir [runs]}
seeds=${2:?usage: run.sh fuzz-binary corpus-dir [runs]}
runs=${FUZZ_RUNS:-${3:-2000}}
[ -d "$seeds" ] || { echo "run.sh: no seed corpus at $seeds" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts="$(dirname "$bin")/fuzz-artifacts/$(basename "$bin")-"
mkdir -p "$(dirname "$artifacts")"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# The target's dictionary, when it has one: the platforms' frames share
# json.dict, the others are <name>.dict.
name=$(basename "$bin" | sed 's/^fuzz_//')
case $name in
slack | discord) dict=$(dirname "$0")/json.dict ;;
*) dict=$(dirname "$0")/$name.dict ;;
esac
if [ -f "$dict" ]; then dict="-dict=$dict"; else dict=; fi
# shellcheck disable=SC2086
"$bin" -runs="$runs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts" -print_final_stats=1 $dict \
    "$scratch" "$seeds" >"$scratch.log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
    tail -n 60 "$scratch.log"
    echo "run.sh: $(basename "$bin") failed ($rc); the input is under" \
         "$(dirname "$artifacts")"
else
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' \
        "$scratch.log"
fi
rm -f "$scratch.log"
exit $rc
