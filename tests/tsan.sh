#!/usr/bin/env bash
# ThreadSanitizer run of everything that runs on several threads:
#  * replay with several shards (hardening TablesFull: a btgen capture on 2 shards; the
#    corpus replayed on 1 and 3 shards), run on plain threads in a TSan build because Debian's
#    oneTBB is not instrumented (src/replay/replay_driver.cpp says why);
#  * output writer threads and queues (outputs_tests);
#  * the DPDK dataplane: its parts in one process (RCU, event rings) and `btsensor run` with
#    1-2 workers on vdevs (dataplane_tests; the 20 s soak is left to the normal suites). DPDK's
#    libraries are not instrumented: src/dataplane/tsan.hpp annotates the lcore launch/wait
#    and mempool hand-offs they make, and the inline rte_ring is compiled as DPDK's C11
#    variant (src/dataplane/meson.build), so what TSan reports is about our code.
#   tests/tsan.sh [BUILD_DIR]        (default build-tsan)
# A report makes the program exit 66 (the children of dataplane_tests too, which then fail).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-build-tsan}
if [ ! -f "$B/build.ninja" ]; then
  # Without -Werror, as the ASan build: g++ 12 reports false -Wmaybe-uninitialized in
  # libstdc++ under -fsanitize (see .ci/run).
  meson setup "$B" -Dwerror=false -Db_sanitize=thread -Db_lundef=false \
    --buildtype=debugoptimized >/dev/null
fi
targets=(tests/hardening_tests tests/outputs_tests tests/pcap_tests src/app/btsensor)
has_dp=false
if ninja -C "$B" -t targets all | grep -q '^tests/dataplane_tests:'; then
  has_dp=true
  targets+=(tests/dataplane_tests tests/dataplane_parts_tests)
fi
ninja -C "$B" "${targets[@]}" bench/gen/btgen
# As meson's test() sets it (tests/meson.build): tests that run the (TSan-built) binary.
export BTSENSOR_BIN="$(cd "$B" && pwd)/src/app/btsensor"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
status=0
run() {
  echo "== tsan: $*"
  "$@" || { echo "tsan: FAILED: $*" >&2; status=1; }
}
run "$B/tests/hardening_tests" --gtest_filter='TablesFull.*'
run "$B/tests/outputs_tests"
# Only the corpus test that replays on several shards (3): the others run on one thread.
run "$B/tests/pcap_tests" --gtest_filter='CorpusReplay.RecordsDoNotDependOnShardCount'
if $has_dp; then
  run "$B/tests/dataplane_parts_tests"
  run "$B/tests/dataplane_tests" --gtest_filter='-*MemoryFlat*'
fi
exit $status
