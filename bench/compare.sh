#!/usr/bin/env bash
# One command, end to end: btsensor against nDPI and against the DPDK ceiling on generated
# captures, plus scaling sweeps written as CSV and plotted as PNG. bench/README.md explains
# every figure; budget: under ~10 minutes on a 2-CPU machine.
#
#   bench/compare.sh [BUILD_DIR]
#
# Environment:
#   REPS=5           repetitions of every timed measurement (tools alternate within each)
#   SWEEP_REPS=3     passes per sweep point (engine_alone --reps)
#   SIZES="small medium large"   which captures the comparison uses
#   DATAPLANE=1      0 skips btsensor run vs dpdk-testpmd
#   SWEEPS=1         0 skips the sweeps and plots
#   DP_SECS=4        seconds per dataplane run
#
# Captures (btgen, seed 1, profile realistic, 120 s; cached in BUILD_DIR/bench/pcaps):
#   small  256 hosts,    2k flows   (~20k packets)
#   medium 4096 hosts,   50k flows  (~480k packets)
#   large  65536 hosts,  250k flows (~2.4M packets, ~1.2 GB)
# (1M flows of the realistic profile would be ~5 GB and a minute of ndpiReader per run:
# beyond the budget. The flow sweep reaches further with 64-byte frames.)
#
# Single-core tools run under `taskset -c $CPU` (CPU=1 by default: CPU 0 keeps the shell).
# Output: the tables on stdout; raw runs in BUILD_DIR/bench/compare_runs.tsv, sweeps in
# BUILD_DIR/bench/*.csv and *.png.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
REPS=${REPS:-5}
SWEEP_REPS=${SWEEP_REPS:-3}
SIZES=${SIZES:-small medium large}
DATAPLANE=${DATAPLANE:-1}
SWEEPS=${SWEEPS:-1}
DP_SECS=${DP_SECS:-4}
CPU=${CPU:-$(($(nproc) > 1 ? 1 : 0))}
BT=$BUILD/src/app/btsensor
GEN=$BUILD/bench/gen/btgen
ENGINE=$BUILD/bench/engine_alone
OUT=$BUILD/bench
PCAPS=$OUT/pcaps
RUNS=$OUT/compare_runs.tsv
mkdir -p "$PCAPS"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t_start=$(date +%s)

for f in "$BT" "$GEN" "$ENGINE"; do
  [ -x "$f" ] || { echo "compare: $f missing: build first (ninja -C $BUILD)" >&2; exit 1; }
done
have() { command -v "$1" > /dev/null; }
have ndpiReader || echo "compare: ndpiReader missing (Debian libndpi-bin): nDPI columns empty" >&2
have gnuplot || echo "compare: gnuplot missing (Debian gnuplot-nox): no PNGs" >&2

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.4f", b - a}'; }

size_args() {
  case $1 in
    small) echo "--hosts 256 --flows 2000" ;;
    medium) echo "--hosts 4096 --flows 50000" ;;
    large) echo "--hosts 65536 --flows 250000" ;;
    *) echo "compare: unknown size $1" >&2; exit 2 ;;
  esac
}

# gen NAME ARGS...: a seeded capture and its truth, made once and kept.
gen() {
  local name=$1
  shift
  if [ ! -s "$PCAPS/$name.pcap" ] || [ ! -s "$PCAPS/$name.tsv" ]; then
    "$GEN" --seed 1 --out "$PCAPS/$name.pcap" --truth "$PCAPS/$name.tsv" --quiet "$@"
  fi
}

echo "== btsensor comparison on $(hostname), $(date -u +%FT%TZ), $(nproc) CPUs, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   REPS=$REPS, single-core tools on CPU $CPU; captures in $PCAPS"
for s in $SIZES; do
  # shellcheck disable=SC2046
  gen "$s" $(size_args "$s")
done

printf 'kind\tsize\ttool\trep\tpps\twall_s\tcycles_per_pkt\textra\n' > "$RUNS"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RUNS"; }

# --- one-core throughput: ndpiReader vs btsensor replay vs engine_alone -------------------
run_ndpi() {  # size rep
  have ndpiReader || return 0
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$tmp/cpu" taskset -c "$CPU" ndpiReader -i "$PCAPS/$1.pcap" \
    > "$tmp/ndpi.out" 2>&1 || { echo "compare: ndpiReader failed:" >&2; tail -5 "$tmp/ndpi.out" >&2; }
  t1=$(now)
  # Its own clock: "Packet Processing Time: N msec" (setup and the final report excluded),
  # over all packets read ("IP packets: X of N packets total").
  local ms pkts
  ms=$(awk '/Packet Processing Time/ {print $(NF-1)}' "$tmp/ndpi.out")
  pkts=$(awk '/IP packets:/ {print $(NF-2)}' "$tmp/ndpi.out")
  [ -n "$ms" ] && [ -n "$pkts" ] || return 0
  record throughput "$1" ndpiReader "$2" "$(awk -v p="$pkts" -v m="$ms" 'BEGIN {printf "%.0f", p / (m / 1000)}')" \
    "$(elapsed "$t0" "$t1")" "" "packets=$pkts cpu_s=$(cpu_s)"
}
cpu_s() { awk '{printf "%.3f", $1 + $2}' "$tmp/cpu"; }
run_replay() {
  local t0 t1
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$tmp/cpu" \
    taskset -c "$CPU" "$BT" replay --shards 1 --flows none --eve "$tmp/eve.json" "$PCAPS/$1.pcap" \
    2> "$tmp/replay.err" || { echo "compare: replay failed:" >&2; cat "$tmp/replay.err" >&2; }
  # (A file, not /dev/null: fsync on /dev/null fails with EINVAL, which replay counts as an
  # output error and exits 1.)
  rm -f "$tmp/eve.json"
  t1=$(now)
  # Its own clock: "(N packets/s)" over ReplayDriver::run (pipeline compile excluded).
  local pps
  pps=$(grep -o '([0-9]* packets/s)' "$tmp/replay.err" | tr -dc 0-9)
  record throughput "$1" replay "$2" "$pps" "$(elapsed "$t0" "$t1")" "" "cpu_s=$(cpu_s)"
}
run_engine() {  # size rep [kind [pcap]]
  local t0 t1
  t0=$(now)
  taskset -c "$CPU" "$ENGINE" --reps 1 "$PCAPS/${4:-$1}.pcap" > "$tmp/engine.out" ||
    echo "compare: engine_alone failed on ${4:-$1}" >&2
  t1=$(now)
  local r
  r=$(grep '^RESULT' "$tmp/engine.out" || true)
  kv() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
  record "${3:-throughput}" "$1" engine_alone "$2" "$(kv pps_median)" "$(elapsed "$t0" "$t1")" \
    "$(kv cycles_per_pkt_median)" "tsc_ghz=$(kv tsc_ghz) pps_cpu=$(kv pps_cpu_median) cpu_cycles_per_pkt=$(kv cpu_cycles_per_pkt_median) packets=$(kv packets) flows=$(kv flows) peak_active_flows=$(kv peak_active_flows)"
}

echo "== one core: ndpiReader vs btsensor replay vs engine_alone ($REPS reps, alternating order)"
for rep in $(seq 1 "$REPS"); do
  for s in $SIZES; do
    # Rotate the order every repetition: no tool always goes first (cold caches, page cache).
    case $((rep % 3)) in
      1) run_ndpi "$s" "$rep"; run_replay "$s" "$rep"; run_engine "$s" "$rep" ;;
      2) run_replay "$s" "$rep"; run_engine "$s" "$rep"; run_ndpi "$s" "$rep" ;;
      0) run_engine "$s" "$rep"; run_ndpi "$s" "$rep"; run_replay "$s" "$rep" ;;
    esac
  done
  echo "   rep $rep done ($(($(date +%s) - t_start)) s)"
done

# --- frame-size profiles for the sizing table: the medium mix with 64-byte and IMIX frames --
echo "== engine_alone on the medium mix with 64-byte and IMIX frames ($REPS reps)"
gen medium $(size_args medium)
gen medium_64 $(size_args medium) --profile 64
gen medium_imix $(size_args medium) --profile imix
for rep in $(seq 1 "$REPS"); do
  run_engine 64 "$rep" profile medium_64
  run_engine imix "$rep" profile medium_imix
  run_engine realistic "$rep" profile medium
done

# --- accuracy: BitTorrent flows found vs the generator's truth (one run each) --------------
echo "== accuracy runs (ndpiReader -v 2, btsensor replay --flows all)"
for s in $SIZES; do
  if have ndpiReader; then
    taskset -c "$CPU" ndpiReader -i "$PCAPS/$s.pcap" -v 2 > "$OUT/ndpi_$s.txt" 2>&1 || true
  fi
  taskset -c "$CPU" "$BT" replay --shards 1 --flows all -q --eve "$tmp/all.json" "$PCAPS/$s.pcap" ||
    echo "compare: replay --flows all failed on $s" >&2
  grep '"event_type":"flow"' "$tmp/all.json" > "$OUT/btsensor_flows_$s.json" || true
  rm -f "$tmp/all.json"
done

# --- DPDK: btsensor run vs dpdk-testpmd on net_pcap infinite_rx ----------------------------
if [ "$DATAPLANE" = 1 ]; then
  # net_pcap's infinite_rx keeps the whole capture in mbufs: the small capture fits the pool.
  echo "== dataplane: btsensor run (1 RX + 1 worker) vs dpdk-testpmd io, small capture, ${DP_SECS} s x $REPS"
  for rep in $(seq 1 "$REPS"); do
    order=run-first
    [ $((rep % 2)) = 0 ] && order=testpmd-first
    bench/dataplane_mpps.sh "$BUILD" "$PCAPS/small.pcap" "$DP_SECS" "$order" > "$tmp/dp.out" 2>&1 || true
    line=$(grep '^RESULT' "$tmp/dp.out" || true)
    run=$(echo "$line" | grep -o 'btsensor_run_mpps=[0-9.]*' | cut -d= -f2 || true)
    pmd=$(echo "$line" | grep -o 'testpmd_io_mpps=[0-9.a-z/]*' | cut -d= -f2 || true)
    record dataplane small btsensor_run "$rep" "$(awk -v m="${run:-0}" 'BEGIN {printf "%.0f", m * 1e6}')" "$DP_SECS" "" "order=$order"
    record dataplane small testpmd_io "$rep" "$(awk -v m="${pmd:-0}" 'BEGIN {printf "%.0f", m * 1e6}')" "$DP_SECS" "" "order=$order"
    [ -n "$line" ] || { echo "   dataplane run $rep failed:"; tail -5 "$tmp/dp.out"; }
  done
fi

# --- sweeps: engine_alone while one parameter moves ----------------------------------------
if [ "$SWEEPS" = 1 ]; then
  echo "== sweeps (engine_alone, $SWEEP_REPS passes a point)"
  sweep_csv=$OUT/sweep.csv
  # pps_cpu_*: packets per second of the thread's CPU time (this machine is shared: wall-clock
  # figures swing with the other users' load); cpu_cycles_per_pkt: TSC cycles of CPU time.
  echo "sweep,value,pps_cpu_median,pps_cpu_min,pps_cpu_max,cpu_cycles_per_pkt,pps_median,pps_min,pps_max,cycles_per_pkt,packets,flows,peak_active_flows,reputation_entries" > "$sweep_csv"
  sweep_point() {  # sweep value pcap engine-args...
    local name=$1 value=$2 pcap=$3
    shift 3
    local r
    r=$(taskset -c "$CPU" "$ENGINE" --reps "$SWEEP_REPS" "$@" "$pcap" | grep '^RESULT' || true)
    kv() { echo "$r" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }
    echo "$name,$value,$(kv pps_cpu_median),$(kv pps_cpu_min),$(kv pps_cpu_max),$(kv cpu_cycles_per_pkt_median),$(kv pps_median),$(kv pps_min),$(kv pps_max),$(kv cycles_per_pkt_median),$(kv packets),$(kv flows),$(kv peak_active_flows),$(kv reputation_entries)" >> "$sweep_csv"
  }
  # Flows: 64-byte frames and a 10 s span, so that many flows are live at once (the flow
  # table, not the generator's pacing, is what grows); 4096 hosts throughout. The flow
  # capacity follows so that nothing is evicted.
  for f in 10000 50000 200000 500000; do
    gen "flows_$f" --hosts 4096 --flows "$f" --profile 64 --duration 10
    cap=262144
    while [ "$cap" -lt "$f" ]; do cap=$((cap * 2)); done
    sweep_point flows "$f" "$PCAPS/flows_$f.pcap" --flow-capacity "$cap"
  done
  # Hosts: 100k flows over more and more internal hosts; host capacity follows.
  for h in 256 4096 65536 1000000; do
    gen "hosts_$h" --hosts "$h" --flows 100000 --profile 64 --duration 10
    hc=65536
    while [ "$hc" -lt "$h" ]; do hc=$((hc * 2)); done
    sweep_point hosts "$h" "$PCAPS/hosts_$h.pcap" --host-capacity "$hc" --flow-capacity 262144
  done
  # Reputation size: synthetic tracker /32s, medium capture.
  for n in 0 1000 100000 1000000 10000000; do
    sweep_point reputation "$n" "$PCAPS/medium.pcap" --reputation "$n"
  done
  # DPI depth: payload packets inspected per flow direction, medium capture.
  for d in 1 2 4 8 16 32; do
    sweep_point dpi_max_packets "$d" "$PCAPS/medium.pcap" --dpi-max-packets "$d"
  done
  "$ENGINE" --memory > "$OUT/memory.txt"
  if have gnuplot; then
    for s in flows hosts reputation dpi_max_packets; do
      gnuplot -e "csv='$sweep_csv'; sweep='$s'; out='$OUT/sweep_$s.png'" bench/sweep.gp
    done
  fi
fi

python3 bench/compare_report.py --runs "$RUNS" --out "$OUT" --sizes "$SIZES"
echo "== done in $(($(date +%s) - t_start)) s; raw runs $RUNS; sweeps $OUT/sweep.csv, $OUT/sweep_*.png"
