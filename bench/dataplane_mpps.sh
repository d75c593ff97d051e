#!/usr/bin/env bash
# Packets per second of `btsensor run` with 1 RX lcore + 1 worker on a net_pcap vdev looping
# a capture (infinite_rx=1), and of dpdk-testpmd io-forwarding the same vdev (the ceiling:
# the same PMD with no work per packet), one after the other in the same run.
#
#   bench/dataplane_mpps.sh [BUILD_DIR] [CAPTURE] [SECONDS] [ORDER]
#
# ORDER is `run-first` (default) or `testpmd-first`: bench/compare.sh alternates it between
# repetitions so that neither tool always runs on the warmer (or busier) machine.
#
# No hugepages or NIC needed (--no-huge --no-shconf). Lcores: main and aggregator share CPU
# 0 with the worker (they nap when idle); the RX lcore has CPU 1. Both tools get the same
# RX lcore placement. dpdk-testpmd is in Debian's dpdk-dev package.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
CAPTURE=$(realpath "${2:-../shared/corpus/ndpi-pr2260/bittorrent_transmission_A.pcapng}")
SECS=${3:-10}
ORDER=${4:-run-first}
BIN=$BUILD/src/app/btsensor
ncpu=$(nproc)
if [ "$ncpu" -ge 2 ]; then RXCPU=1; else RXCPU=0; fi
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT
EAL=(--no-huge --no-shconf -m 1024 --no-telemetry --log-level=lib.eal:warning)

cat > "$tmp/bench.yaml" <<YAML
flows:
  output: none            # measure the dataplane and engine, not JSON formatting
dataplane:
  ports:
    - {name: net_pcap0, devargs: "rx_pcap=$CAPTURE,infinite_rx=1"}
  rx_lcores: [1]
  worker_lcores: [2]
  aggregator_lcore: 3
  mempool_mbufs: 65535
  ring_size: 4096
  burst: 32
  time_source: tsc
  idle_sleep_us: 0
YAML

run_btsensor() {
echo "== btsensor run: 1 RX + 1 worker, ${SECS} s, $(basename "$CAPTURE") looped"
"$BIN" run -c "$tmp/bench.yaml" --eve "$tmp/eve.json" -- "${EAL[@]}" \
  --lcores "0@0,1@$RXCPU,2@0,3@0" 2> "$tmp/run.err" &
pid=$!
sleep "$SECS"
kill -INT $pid
wait $pid || echo "(btsensor run exited $?)"
grep -E "^run: (stopped|[0-9]+ packets|worker|lcores|port)" "$tmp/run.err"
run_mpps=$(grep -o 'mpps=[0-9.]*' "$tmp/run.err" | cut -d= -f2)
}

run_testpmd() {
if command -v dpdk-testpmd > /dev/null; then
  echo "== dpdk-testpmd io forwarding, same vdev, ${SECS} s"
  timeout -s INT "$((SECS + 3))" dpdk-testpmd "${EAL[@]}" --no-pci --lcores "0@0,1@$RXCPU" \
    --vdev "net_pcap0,rx_pcap=$CAPTURE,infinite_rx=1" -- \
    --forward-mode=io --port-topology=loop --nb-cores=1 --total-num-mbufs=65535 \
    --auto-start --stats-period=1 < /dev/null > "$tmp/testpmd.out" 2>&1 || true
  # The periodic stats print "Rx-pps:" per port; take the median of the samples.
  testpmd_pps=$(grep -o 'Rx-pps: *[0-9]*' "$tmp/testpmd.out" | awk '{print $2}' | sort -n |
    awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print 0}')
  testpmd_mpps=$(awk -v p="$testpmd_pps" 'BEGIN {printf "%.3f", p / 1e6}')
else
  echo "== dpdk-testpmd not installed (Debian package dpdk-dev): no ceiling measured"
  testpmd_mpps=n/a
fi
}

if [ "$ORDER" = testpmd-first ]; then
  run_testpmd
  run_btsensor
else
  run_btsensor
  run_testpmd
fi
echo "RESULT btsensor_run_mpps=$run_mpps testpmd_io_mpps=$testpmd_mpps capture=$(basename "$CAPTURE") seconds=$SECS order=$ORDER cpus=$ncpu loadavg=$(cut -d" " -f1 /proc/loadavg)"
echo "(a loaded machine, e.g. other builds, lowers both figures: compare them from the same run)"
