#!/usr/bin/env python3
"""Summarises bench_micro's JSON (--benchmark_repetitions=N --benchmark_out=FILE):
median, min and max over the repetitions of wall ns/op, CPU ns/op and TSC cycles/op.

  micro_summary.py FILE.json [--markdown]

Wall time is what a core dedicated to the work would see only on an idle machine; on a
shared one the CPU time is the closer figure (the process was descheduled for the rest).
"""
import collections
import json
import statistics
import sys


def main():
    path = sys.argv[1]
    md = "--markdown" in sys.argv
    data = json.load(open(path))
    ctx = data["context"]
    runs = collections.OrderedDict()
    for b in data["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        name = b.get("run_name", b["name"])
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        r = runs.setdefault(name, {"wall": [], "cpu": [], "cyc": [], "extra": {}})
        per = 1.0
        if "packets" in b:  # shard benchmark: one iteration is a whole capture
            per = b["packets"]
        r["wall"].append(b["real_time"] * scale / per)
        r["cpu"].append(b["cpu_time"] * scale / per)
        r["cyc"].append(b.get("cycles/op", b.get("cycles/pkt", float("nan"))))
        for k in ("hit%", "MiB", "fired/op", "matched"):
            if k in b:
                r["extra"][k] = b[k]
    print(f"# {path}: {ctx.get('date')}, host {ctx.get('host_name')}, "
          f"{ctx.get('num_cpus')} CPUs, load {ctx.get('load_avg')}, tsc {ctx.get('tsc', '?')}")
    hdr = ("benchmark", "wall ns/op med [min-max]", "cpu ns/op med [min-max]",
           "TSC cycles/op med [min-max]", "n", "notes")
    rows = []
    for name, r in runs.items():
        def f(v, nd=1):
            return f"{statistics.median(v):.{nd}f} [{min(v):.{nd}f}-{max(v):.{nd}f}]"
        notes = " ".join(f"{k}={v:.3g}" for k, v in r["extra"].items())
        rows.append((name, f(r["wall"]), f(r["cpu"]), f(r["cyc"], 0), str(len(r["wall"])), notes))
    if md:
        print("| " + " | ".join(hdr) + " |")
        print("|" + "---|" * len(hdr))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
        for row in [hdr] + rows:
            print("  ".join(c.ljust(w[i]) for i, c in enumerate(row)))


if __name__ == "__main__":
    main()
