#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, build-fuzz/) and runs each for TARGET_SECONDS.
#   tests/fuzz/run_long.sh TARGET_SECONDS [TARGET...]     (default: every target)
# Environment:
#   FUZZ_BUILD   build directory (default build-fuzz)
#   FUZZ_JOBS    targets run at once (default: the number of CPUs)
#   FUZZ_NICE    nice level of the fuzzers (default 0; 19 to share a machine politely)
# The corpus grows in $FUZZ_BUILD/fuzz-corpus/<target> (kept between runs, seeded by
# make_seeds.py from a btgen capture and the shipped configs); crashes, leaks, timeouts and
# out-of-memory inputs go to $FUZZ_BUILD/fuzz-artifacts/<target>/ and make the script exit 1
# (libFuzzer's slow-unit notes are re-timed and listed, not counted: see the end).
# CI runs it with 20 s per target (.ci/run); long runs use hours.
# Reproduce a finding: $FUZZ_BUILD/tests/fuzz/fuzz_<target> ARTIFACT; once fixed, copy it to
# tests/fuzz/regressions/<target>/ so the normal suite replays it.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:?usage: tests/fuzz/run_long.sh TARGET_SECONDS [TARGET...]}
shift
B=${FUZZ_BUILD:-build-fuzz}
JOBS=${FUZZ_JOBS:-$(nproc)}
NICE=${FUZZ_NICE:-0}

if [ ! -f "$B/build.ninja" ]; then
  # No DPDK: nothing the fuzz targets link needs it, and it halves the build.
  CC=clang CXX=clang++ meson setup "$B" -Dfuzz=true -Ddataplane=disabled \
    --buildtype=debugoptimized >/dev/null
fi
ninja -C "$B" -j"$JOBS" fuzz >/dev/null
if [ $# -eq 0 ]; then
  set -- $(ls "$B"/tests/fuzz/ | sed -n 's/^fuzz_\([a-z_0-9]*\)$/\1/p' | grep -v '^replay_')
fi
if [ ! -d "$B/fuzz-seeds" ] || [ tests/fuzz/make_seeds.py -nt "$B/fuzz-seeds" ]; then
  # btgen for the seeds, built plainly (the fuzz build does not build it: see bench/meson.build).
  if [ ! -x "$B/btgen" ]; then
    c++ -std=c++20 -O2 -o "$B/btgen" bench/gen/*.cpp
  fi
  rm -rf "$B/fuzz-seeds.tmp"
  tests/fuzz/make_seeds.py --btgen "$B/btgen" --out "$B/fuzz-seeds.tmp" >/dev/null
  rm -rf "$B/fuzz-seeds"
  mv "$B/fuzz-seeds.tmp" "$B/fuzz-seeds"
fi

run_one() {
  local t=$1 max_len=8192
  case $t in shard) max_len=65536 ;; config | pipeline | feed | exclusions) max_len=16384 ;; esac
  local corpus="$B/fuzz-corpus/$t" art="$B/fuzz-artifacts/$t" log="$B/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$art" "$B/fuzz-logs" "$B/fuzz-seeds/$t"
  local dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  local start=$(date +%s) rc=0
  # -timeout: one input taking 60 s is a hang (every input runs in well under a second; 10 s
  # gave false timeouts while other builds stalled this shared 2-CPU machine);
  # -rss_limit_mb bounds a runaway allocation.
  # Regressions are loaded too, so a fixed crash that comes back is found at once.
  nice -n "$NICE" "$B/tests/fuzz/fuzz_$t" -max_total_time="$SECS" -timeout=60 \
    -rss_limit_mb=2048 -max_len=$max_len -report_slow_units=30 -print_final_stats=1 \
    -artifact_prefix="$art/" \
    "${dict[@]}" "$corpus" "$B/fuzz-seeds/$t" $( [ -d "tests/fuzz/regressions/$t" ] && echo "tests/fuzz/regressions/$t" ) \
    >"$log" 2>&1 || rc=$?
  local execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  local cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  echo "fuzz: $t: rc=$rc $(( $(date +%s) - start )) s, ${execs:-?} execs, ${cov:-cov: ?}, corpus $(ls "$corpus" | wc -l)"
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED, log $log, artifacts:" $(ls "$art") >&2
    grep -m5 -E 'ERROR|FUZZ_CHECK|runtime error' "$log" >&2 || true
    return 1
  fi
}
export -f run_one
export B SECS NICE
status=0
printf '%s\n' "$@" | xargs -P "$JOBS" -I{} bash -c 'run_one {}' || status=1
# Crashes, leaks, timeouts and out-of-memory inputs fail the run. "slow-unit" files are
# libFuzzer's notes of an input that took over -report_slow_units seconds once: on a shared
# machine a stall does that to whatever ran at the moment, so they are listed with their
# time on a re-run, not counted as findings.
found=$(find "$B/fuzz-artifacts" -type f ! -name 'slow-unit-*' | wc -l)
echo "fuzz: $# targets x ${SECS} s, $found findings in $B/fuzz-artifacts"
find "$B/fuzz-artifacts" -type f -name 'slow-unit-*' | while read -r f; do
  t=$(basename "$(dirname "$f")")
  start=$(date +%s%N)
  "$B/tests/fuzz/fuzz_$t" "$f" > /dev/null 2>&1 || true
  echo "fuzz: slow unit $f: $(( ($(date +%s%N) - start) / 1000000 )) ms on a re-run"
done
[ "$found" -eq 0 ] || status=1
exit $status
