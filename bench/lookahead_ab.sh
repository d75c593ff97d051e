#!/usr/bin/env bash
# A/B of the shard's burst pipeline (EngineConfig::lookahead: packets decoded and their flow
# index slot, flow record and host prefetched ahead of their turn) against no lookahead, on
# the same captures in the same go, alternating: engine_alone on one core.
#
#   bench/lookahead_ab.sh [BUILD_DIR]
# Environment: REPS=5 (alternations), LOOKAHEADS="0 4 8 16", CPU (default 1).
#
# Captures (btgen, cached in BUILD_DIR/bench/pcaps, as bench/compare.sh makes them):
#   flows_10000   10k flows, 64-byte frames, 10 s: the tables fit in the caches
#   flows_500000  500k flows, same: flow and host tables far beyond the caches
#   medium        4096 hosts, 50k flows, realistic sizes, 120 s
#   medium_imix   the same with IMIX 7:4:1 frames (the engine-alone target's profile)
# Prints, per capture and lookahead: median (min–max) packets per CPU second and CPU cycles
# per packet over REPS runs, and the ratio to lookahead 0.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
REPS=${REPS:-5}
LOOKAHEADS=${LOOKAHEADS:-0 4 8 16}
CPU=${CPU:-$(($(nproc) > 1 ? 1 : 0))}
GEN=$BUILD/bench/gen/btgen
ENGINE=$BUILD/bench/engine_alone
PCAPS=$BUILD/bench/pcaps
for f in "$GEN" "$ENGINE"; do
  [ -x "$f" ] || { echo "lookahead_ab: $f missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
mkdir -p "$PCAPS"
gen() {  # name btgen-args...
  local name=$1
  shift
  [ -s "$PCAPS/$name.pcap" ] || "$GEN" --seed 1 --quiet "$@" --out "$PCAPS/$name.pcap"
}
gen flows_10000 --hosts 4096 --flows 10000 --profile 64 --duration 10
gen flows_500000 --hosts 4096 --flows 500000 --profile 64 --duration 10
gen medium --hosts 4096 --flows 50000 --profile realistic --duration 120
gen medium_imix --hosts 4096 --flows 50000 --profile imix --duration 120

runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for cap in flows_10000 flows_500000 medium medium_imix; do
  args=(--flow-capacity 524288 --reps 1)
  [ "$cap" = flows_500000 ] && args=(--flow-capacity 1048576 --reps 1)
  for ((r = 1; r <= REPS; ++r)); do
    for la in $LOOKAHEADS; do  # alternate: every lookahead sees the same machine moments
      line=$(taskset -c "$CPU" "$ENGINE" "${args[@]}" --lookahead "$la" "$PCAPS/$cap.pcap" |
             grep '^RESULT')
      kv() { tr ' ' '\n' <<<"$line" | awk -F= -v k="$1" '$1 == k {print $2}'; }
      echo "$cap $la $(kv pps_cpu_median) $(kv cpu_cycles_per_pkt_median)" >> "$runs"
    done
  done
done

python3 - "$runs" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    cap, la, pps, cyc = line.split()
    rows.setdefault((cap, int(la)), []).append((float(pps), float(cyc)))
print("| capture | lookahead | Mpps per CPU second, median [min–max] | CPU cycles/packet | vs lookahead 0 |")
print("|---|---|---|---|---|")
for cap in dict.fromkeys(c for c, _ in rows):
    base = statistics.median(p for p, _ in rows.get((cap, 0), [(0, 0)])) or None
    for (c, la), v in sorted(rows.items()):
        if c != cap:
            continue
        pps = [p for p, _ in v]
        med = statistics.median(pps)
        cyc = statistics.median(c2 for _, c2 in v)
        ratio = f"{med / base:.2f}×" if base else "–"
        print(f"| {cap} | {la} | {med / 1e6:.2f} [{min(pps) / 1e6:.2f}–{max(pps) / 1e6:.2f}] "
              f"| {cyc:.0f} | {ratio} |")
EOF
