#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (one directory per target) from project data
only: a capture made by btgen (bench/gen, seeded, so the same bytes every run), the shipped
pipeline and example configs, and a few hand-written vectors. Never from real captures.

  tests/fuzz/make_seeds.py --btgen BUILD/bench/gen/btgen --out DIR

DIR/<target>/ gets the seeds of fuzz_<target>. The L4 payloads of the capture go to every
packet-parser target: libFuzzer keeps the ones that add coverage (`-merge=1` or simply
loading them as a corpus), so no routing by protocol is needed here.
"""
import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PARSERS = ["bencode", "dht", "utp", "tracker_udp", "peer_wire", "lsd", "http", "dns", "tls",
           "names", "peer_id"]


def read_pcap(path):
    """Yields (ts_us, frame) from a classic microsecond pcap."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        assert magic == 0xA1B2C3D4, "btgen writes little-endian microsecond pcaps"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, usec, incl, _orig = struct.unpack("<IIII", rec)
            yield sec * 1_000_000 + usec, f.read(incl)


def l3_offset(frame):
    """Offset of the IP header and the ethertype, through 802.1Q tags."""
    off, etype = 12, struct.unpack(">H", frame[12:14])[0]
    while etype in (0x8100, 0x88A8) and len(frame) >= off + 6:
        off += 4
        etype = struct.unpack(">H", frame[off:off + 2])[0]
    return off + 2, etype


def parse(frame):
    """(flow key, proto, payload) of an Ethernet frame; None when not TCP/UDP over IP."""
    off, etype = l3_offset(frame)
    if etype == 0x0800:
        ihl = (frame[off] & 15) * 4
        proto = frame[off + 9]
        src, dst = frame[off + 12:off + 16], frame[off + 16:off + 20]
        l4 = off + ihl
    elif etype == 0x86DD:
        proto = frame[off + 6]
        src, dst = frame[off + 8:off + 24], frame[off + 24:off + 40]
        l4 = off + 40
    else:
        return None
    if proto == 6:
        sport, dport = struct.unpack(">HH", frame[l4:l4 + 4])
        pay = frame[l4 + (frame[l4 + 12] >> 4) * 4:]
    elif proto == 17:
        sport, dport = struct.unpack(">HH", frame[l4:l4 + 4])
        pay = frame[l4 + 8:]
    else:
        return None
    a, b = (src, sport), (dst, dport)
    return (proto,) + tuple(sorted([a, b])), proto, bytes(pay), off


class Out:
    def __init__(self, base):
        self.base = base
        self.count = {}

    def put(self, target, data):
        d = os.path.join(self.base, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        self.count[target] = self.count.get(target, 0) + 1


def shard_record(ctl, dt_us, frame):
    # tests/fuzz/shard_input.hpp: ctl, dt (u16 LE), len (u16 LE), bytes. The time step is
    # written in the coarsest unit that keeps it (µs below 65 ms, ms below 65 s, else s).
    if dt_us < 65536:
        unit, dt = 0, dt_us
    elif dt_us < 65536 * 1000:
        unit, dt = 1, dt_us // 1000
    else:
        unit, dt = 2, min(dt_us // 1_000_000, 65535)
    frame = frame[:65535]
    return struct.pack("<BHH", ctl | unit, dt, len(frame)) + frame


def capture_seeds(out, pcap):
    packets = list(read_pcap(pcap))
    flows = {}
    seen_pay = set()
    seen_frame = set()
    for ts, fr in packets:
        p = parse(fr)
        if p is None:
            continue
        key, proto, pay, l3 = p
        flows.setdefault(key, []).append((ts, fr))
        # decode: Ethernet (link index 1) and raw IP (index 2) forms of distinct shapes.
        shape = (proto, l3, fr[l3] >> 4, len(pay) > 0, pay[:1])
        if shape not in seen_frame:
            seen_frame.add(shape)
            out.put("decode", b"\x01" + fr)
            out.put("decode", b"\x02" + fr[l3:])
        if not pay:
            continue
        # One payload per (protocol, first bytes, size class): enough variety, no flood.
        sig = (proto, pay[:6], min(len(pay) // 64, 8))
        if sig in seen_pay or len(seen_pay) >= 400:
            continue
        seen_pay.add(sig)
        for t in PARSERS:
            if t in ("utp", "tracker_udp"):
                continue
            out.put(t, pay[:4096])
        if proto == 17:
            # utp: first byte = length of the first packet (the rest is the second one).
            out.put("utp", bytes([min(len(pay), 255)]) + pay[:255])
            out.put("tracker_udp", bytes([min(len(pay) // 2, 255)]) + pay[:510])
        if pay.startswith(b"\x13BitTorrent protocol") and len(pay) >= 68:
            out.put("peer_id", pay[48:68])
    # Two-packet uTP / UDP tracker exchanges: the first two UDP payloads of each flow.
    for key, pk in flows.items():
        if key[0] != 17:
            continue
        pays = [parse(fr)[2] for _, fr in pk[:2]]
        if len(pays) == 2 and len(pays[0]) <= 255 and len(pays[0]) <= 510:
            out.put("utp", bytes([len(pays[0])]) + pays[0] + pays[1])
            if len(pays[0]) % 2 == 0:
                out.put("tracker_udp", bytes([len(pays[0]) // 2]) + pays[0] + pays[1])
    # shard: each flow on its own (first 24 packets), and windows of the interleaved capture.
    for key, pk in list(flows.items())[:400]:
        recs, prev = [], pk[0][0]
        for i, (ts, fr) in enumerate(pk[:24]):
            recs.append(shard_record(0x04 if i % 4 == 3 else 0, ts - prev, fr))
            prev = ts
        out.put("shard", b"".join(recs))
    for start in range(0, len(packets), 200):
        recs, prev = [], packets[start][0]
        for i, (ts, fr) in enumerate(packets[start:start + 200]):
            recs.append(shard_record(0x0C if i % 16 == 15 else 0, ts - prev, fr))
            prev = ts
        out.put("shard", b"".join(recs))


def file_seeds(out):
    def read(rel):
        with open(os.path.join(ROOT, rel), "rb") as f:
            return f.read()

    for rel in ["deploy/btsensor.example.yaml", "deploy/demo.yaml"]:
        out.put("config", read(rel))
    out.put("config", b"home_net: [10.0.0.0/8, 'fd00::/8']\nflows: {capacity: 1024, output: all,"
            b" timeouts: {tcp_new: 30, udp: 60}}\nhosts: {capacity: 64}\n"
            b"dpi: {max_packets: 4, max_bytes: 512, mse_heuristic: false}\n"
            b"reputation: {max_entries: 10, feeds: [{name: a, path: a.txt, format: ip_list},"
            b" {name: b, path: b.txt, format: iprep, categories: c.txt}]}\n")
    out.put("config", b"outputs:\n  eve: {enabled: true, path: '-', fsync: always}\n"
            b"  syslog: {enabled: true, transport: tcp, address: '[::1]:514',"
            b" framing: newline, facility: local0, severity: debug}\n"
            b"  metrics: {enabled: true, listen: '127.0.0.1:0'}\n")
    pipe = "pipelines/bittorrent/"
    out.put("pipeline", b"\x00" + read(pipe + "signatures.yaml"))
    out.put("pipeline", b"\x01" + read(pipe + "hunting.yaml"))
    out.put("pipeline", b"\x02" + read(pipe + "models.yaml"))
    out.put("feed", b"\x00# ips\n192.0.2.1\n198.51.100.0/24\n2001:db8::/32\n::ffff:1.2.3.4\n")
    out.put("feed", b"\x01" + b"1,BitTorrent,trackers\n2,CnC,bots\n\x00"
            b"192.0.2.1,1,100\n198.51.100.0/24,2,50\n2001:db8::1,1,127\n")
    out.put("feed", b"\x02" + read(pipe + "feeds/trackers.example.txt"))
    # The control socket's JSON requests and the state file (tests/unit/state_test.cpp shapes).
    for j in [b'{"cmd":"labels","host":"10.0.0.2"}', b'{"cmd":"reload"}', b'[1,-2.5e3,true,null,"\\u00e9"]']:
        out.put("state", b"\x00" + j)
    out.put("state", b'\x01{"format":"btsensor-state","version":1,"written_at":1,"saved_now":1,'
            b'"hosts":[],"peers":[],"trackers":[]}')
    if os.path.exists(os.path.join(ROOT, pipe + "exclusions.example.yaml")):
        out.put("exclusions", b"\x00" + read(pipe + "exclusions.example.yaml"))
        for zone in ["Europe/Berlin", "America/New_York", "UTC"]:
            path = os.path.join("/usr/share/zoneinfo", zone)  # tzdata: system data, not captures
            if os.path.exists(path):
                with open(path, "rb") as f:
                    out.put("exclusions", b"\x01" + f.read())
        out.put("exclusions", b"\x02CET-1CEST,M3.5.0,M10.5.0/3")
        out.put("exclusions", b"\x02EST5EDT,M3.2.0,M11.1.0")
        out.put("exclusions", b"\x032026-01-31T18:00:00.123+01:00")
    out.put("names", b"contains:torrent\nsuffix:.tor\nsuffix:example.org\x00"
            b"www.thepiratebay.org\nfoo.tor.\n[::1]:80\ntracker.example.org:6969\n")
    for ua in [b"Transmission/3.00", b"uTorrent/3550(45722)", b"qBittorrent/4.5.0",
               b"-TR2940-k8hj0wgej6ch", b"-qB4500-abcdefghijkl", b"M7-4-3--abcdefghijkl",
               b"T03I-----abcdefghijk", b"exbc\x01\x02abcdefghijklmn"]:
        out.put("peer_id", ua)
    # DNS query for a tracker name, and a TLS-looking record header: small, valid starts.
    q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
    name = b"".join(bytes([len(l)]) + l for l in [b"tracker", b"example", b"org"]) + b"\x00"
    out.put("dns", q + name + struct.pack(">HH", 1, 1))
    out.put("lsd", b"BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: 6881\r\n"
            b"Infohash: " + b"a" * 40 + b"\r\ncookie: x\r\n\r\n\r\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--btgen", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    out = Out(a.out)
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "seeds.pcap")
        subprocess.run([a.btgen, "--out", pcap, "--seed", "7", "--hosts", "8", "--flows", "400",
                        "--bt-share", "0.5", "--ipv6-share", "0.2", "--duration", "90",
                        "--quiet"], check=True)
        capture_seeds(out, pcap)
    file_seeds(out)
    for t in sorted(out.count):
        print(f"make_seeds: {t}: {out.count[t]} seeds")


if __name__ == "__main__":
    sys.exit(main())
