#!/usr/bin/env bash
# The README's main job, from a fresh Debian 12 machine: install dependencies, build, generate
# the sample capture, run the DPDK sensor on it through the pcap PMD (no NIC, no hugepages),
# scrape its Prometheus metrics while it runs, and show what it detected.
#   deploy/demo.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
deploy/install-deps.sh
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null
mkdir -p build/demo
"$BUILD/bench/gen/btgen" --demo --out build/demo/sample.pcap --truth build/demo/sample.truth.tsv
rm -f build/demo/eve.json build/demo/run.log

echo "== btsensor run (DPDK net_pcap vdev, 1 RX + 1 worker + aggregator lcores on 2 CPUs)"
"$BUILD/src/app/btsensor" run -c deploy/demo.yaml --eve build/demo/eve.json \
  -- --no-huge --no-pci --no-shconf -m 512 --lcores '(0-3)@(0,1)' 2>build/demo/run.log &
pid=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://[^ ]*/metrics' build/demo/run.log 2>/dev/null || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -n "$url" ]; then
  sleep 1  # let the capture play
  echo "== metrics ($url), a few of them:"
  python3 - "$url" <<'PY' || echo "(metrics not reachable)"
import sys, urllib.request
text = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
keep = ("btsensor_packets_total", "btsensor_flows_created_total", "btsensor_port_rx_packets_total",
        "btsensor_ring_dropped_packets_total", "btsensor_build_info")
for line in text.splitlines():
    if line.startswith(keep):
        print("  " + line)
PY
fi
wait "$pid" || { echo "btsensor run failed:"; cat build/demo/run.log; exit 1; }
grep -E '^run: (events|worker|port)' build/demo/run.log || true

echo "== detections (build/demo/eve.json)"
python3 - build/demo/eve.json <<'PY'
import json, sys, collections
labels, alerts, flows = [], [], collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    t = r["event_type"]
    if t == "label":
        labels.append(r)
    elif t == "alert":
        alerts.append(r)
    elif t == "flow" and r.get("bittorrent"):
        flows[r["host"] if "host" in r else r["src_ip"]] += 1
for r in labels:
    l = r["label"]
    print(f'  {r["timestamp"]}  label  {l["action"]:6} {l["name"]:16} host {r["host"]:12} reason {",".join(l["reason"])}')
for r in alerts:
    a, e = r["alert"], r["evidence"]
    print(f'  {r["timestamp"]}  ALERT  {a["signature"]} (severity {a["severity"]}) host {r["host"]}')
    print(f'      evidence: {",".join(e["kinds"])}; flows: ' +
          ", ".join(f'{f["dest_ip"]}:{f["dest_port"]}/{f["proto"]} {f["community_id"]}' for f in e["flows"]))
print("  BitTorrent flow records by host: " + ", ".join(f"{h}={n}" for h, n in sorted(flows.items())))
PY
