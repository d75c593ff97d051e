#!/usr/bin/env bash
# A/B (or A/B/C…) of the engine alone: engine_alone variants run alternately on the same
# captures in the same go, one core, so that every variant sees the same machine moments.
#
#   bench/engine_ab.sh VARIANT...        VARIANT = LABEL=BUILD_DIR[,ENGINE_ARG...]
#   bench/engine_ab.sh before=../old/build after=build      two builds (e.g. two commits)
#   bench/engine_ab.sh off=build,--lookahead,0 on=build     one build, two settings
# Environment: REPS=5 (alternations), CAPTURES (default: all below), CPU (default 1),
#   GEN (btgen; default: the first variant's build that has one), PCAPS (capture cache;
#   default: the last variant's BUILD_DIR/bench/pcaps).
#
# Captures (btgen seed 1, cached in PCAPS, as bench/compare.sh makes them):
#   flows_10000     10k flows, 4096 hosts, 64-byte frames, 10 s: tables fit the caches
#   flows_500000    500k flows, same: flow tables far beyond the caches
#   hosts_1000000   100k flows over 1M internal hosts, 64-byte frames: the host table
#   medium          4096 hosts, 50k flows, realistic sizes, 120 s
#   medium_imix     the same with IMIX 7:4:1 frames (the engine-alone target's profile)
# Prints per capture and variant: Mpps per CPU second, median [min–max] over REPS runs,
# CPU cycles per packet, and the ratio to the first variant.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,9p' "$0" >&2; exit 2; }
REPS=${REPS:-5}
CAPTURES=${CAPTURES:-flows_10000 flows_500000 hosts_1000000 medium medium_imix}
CPU=${CPU:-$(($(nproc) > 1 ? 1 : 0))}
labels=() builds=() extra=()
for v in "$@"; do
  label=${v%%=*} rest=${v#*=}
  [ "$label" != "$v" ] && [ -n "$rest" ] || { echo "engine_ab: bad variant '$v'" >&2; exit 2; }
  IFS=, read -r -a parts <<<"$rest"
  [ -x "${parts[0]}/bench/engine_alone" ] ||
    { echo "engine_ab: ${parts[0]}/bench/engine_alone missing: build it first" >&2; exit 1; }
  labels+=("$label") builds+=("${parts[0]}") extra+=("${parts[*]:1}")
done
if [ -z "${GEN:-}" ]; then
  for b in "${builds[@]}"; do
    if [ -x "$b/bench/gen/btgen" ]; then GEN=$b/bench/gen/btgen; break; fi
  done
fi
[ -x "${GEN:-}" ] || { echo "engine_ab: no btgen (build bench/gen/btgen or set GEN)" >&2; exit 1; }
PCAPS=${PCAPS:-${builds[-1]}/bench/pcaps}
mkdir -p "$PCAPS"
gen() {  # name btgen-args...
  local name=$1
  shift
  [ -s "$PCAPS/$name.pcap" ] || "$GEN" --seed 1 --quiet "$@" --out "$PCAPS/$name.pcap"
}
capture_args() {  # what each capture needs so that nothing is evicted
  case $1 in
    flows_10000)
      gen "$1" --hosts 4096 --flows 10000 --profile 64 --duration 10
      echo "--flow-capacity 524288" ;;
    flows_500000)
      gen "$1" --hosts 4096 --flows 500000 --profile 64 --duration 10
      echo "--flow-capacity 1048576" ;;
    hosts_1000000)
      gen "$1" --hosts 1000000 --flows 100000 --profile 64 --duration 10
      echo "--flow-capacity 262144 --host-capacity 1048576" ;;
    medium)
      gen "$1" --hosts 4096 --flows 50000 --profile realistic --duration 120
      echo "--flow-capacity 524288" ;;
    medium_imix)
      gen "$1" --hosts 4096 --flows 50000 --profile imix --duration 120
      echo "--flow-capacity 524288" ;;
    *) echo "engine_ab: unknown capture $1" >&2; exit 2 ;;
  esac
}

runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for cap in $CAPTURES; do
  args=$(capture_args "$cap")
  for ((r = 1; r <= REPS; ++r)); do
    for i in "${!labels[@]}"; do
      # shellcheck disable=SC2086  # word splitting of the argument lists is intended
      line=$(taskset -c "$CPU" "${builds[$i]}/bench/engine_alone" --reps 1 $args ${extra[$i]} \
             "$PCAPS/$cap.pcap" | grep '^RESULT')
      kv() { tr ' ' '\n' <<<"$line" | awk -F= -v k="$1" '$1 == k {print $2}'; }
      echo "$cap $i ${labels[$i]} $(kv pps_cpu_median) $(kv cpu_cycles_per_pkt_median)" >> "$runs"
    done
  done
done

python3 - "$runs" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    cap, i, label, pps, cyc = line.split()
    rows.setdefault(cap, {}).setdefault((int(i), label), []).append((float(pps), float(cyc)))
print("| capture | variant | Mpps per CPU second, median [min–max] | CPU cycles/packet | vs first |")
print("|---|---|---|---|---|")
for cap, variants in rows.items():
    base = None
    for (i, label), v in sorted(variants.items()):
        pps = [p for p, _ in v]
        med = statistics.median(pps)
        base = base or med
        cyc = statistics.median(c for _, c in v)
        print(f"| {cap} | {label} | {med / 1e6:.2f} [{min(pps) / 1e6:.2f}–{max(pps) / 1e6:.2f}] "
              f"| {cyc:.0f} | {med / base:.2f}× |")
EOF
