#!/bin/sh
# Run one fuzz target over its seed corpus, then for a fixed number of
# new inputs, under the sanitizers it was built with (leaks included).
# The seeds stay as they are: what libFuzzer finds goes to a scratch
# corpus, thrown away; a crashing input is kept next to the binary
# (crash-*, leak-*) and named in the output.
# Usage: run.sh <fuzz binary> <seed corpus dir> [runs]
set -u
bin=${1:?usage: run.sh fuzz-binary corpus-dir [runs]}
seeds=${2:?usage: run.sh fuzz-binary corpus-dir [runs]}
runs=${3:-${FUZZ_RUNS:-2000}}
[ -d "$seeds" ] || { echo "run.sh: no seed corpus at $seeds" >&2; exit 2; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts="$(dirname "$bin")/fuzz-artifacts/$(basename "$bin")-"
mkdir -p "$(dirname "$artifacts")"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
"$bin" -runs="$runs" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts" -print_final_stats=1 \
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
