// Shared helpers of the benchmark programs (bench_micro, engine_alone): TSC calibration,
// captures loaded into memory, a sink that only counts, resident memory.
//
// Benchmarks only: nothing here is linked into the sensor.
#pragma once

#include <unistd.h>
#include <x86intrin.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "btsensor/events.hpp"
#include "btsensor/shard.hpp"
#include "replay/pcap_source.hpp"

namespace btsensor::bench {

inline uint64_t rdtsc() {
  return __rdtsc();
}

// TSC ticks per second, measured against steady_clock over `ms` milliseconds. The TSC runs
// at a fixed rate (constant_tsc), not at the core's current clock: cycles/op reported from
// it are TSC cycles, which equal core cycles only when the core runs at the TSC frequency.
inline double tsc_hz(int ms = 200) {
  using clk = std::chrono::steady_clock;
  auto t0 = clk::now();
  uint64_t c0 = rdtsc();
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  auto t1 = clk::now();
  uint64_t c1 = rdtsc();
  return double(c1 - c0) / std::chrono::duration<double>(t1 - t0).count();
}

// A capture held in memory: one arena of frame bytes and RawPacket views into it, so the
// timed loop reads no file and copies nothing (packets "already in memory", as after RX).
struct LoadedCapture {
  std::vector<uint8_t> bytes;
  std::vector<RawPacket> packets;
  uint64_t wire_bytes = 0;
  std::string error;
};

inline LoadedCapture load_capture(const std::string& path, size_t max_packets = SIZE_MAX) {
  LoadedCapture c;
  auto src = PcapSource::open(path);
  if (!src) {
    c.error = src.error();
    return c;
  }
  std::vector<size_t> offsets;
  std::vector<RawPacket> meta;
  PcapPacket p;
  LinkType link = (*src)->link_type();
  while (c.packets.size() < max_packets && (*src)->next(p) == PcapSource::Next::kPacket) {
    offsets.push_back(c.bytes.size());
    c.bytes.insert(c.bytes.end(), p.data, p.data + p.caplen);
    c.packets.push_back(RawPacket{nullptr, p.caplen, p.wire_len, p.ts, link});
    c.wire_bytes += p.wire_len;
  }
  // Pointers only once the arena has stopped growing.
  for (size_t i = 0; i < c.packets.size(); ++i) c.packets[i].data = c.bytes.data() + offsets[i];
  if (c.packets.empty() && c.error.empty()) c.error = path + ": no packets";
  return c;
}

// Counts what a shard emits; formats nothing, so a run measures the engine, not JSON.
class CountingSink final : public EventSink {
 public:
  void on_flow(const FlowRecord& r) override {
    ++flows;
    if (r.evidence != 0) ++bt_flows;
  }
  void on_label(const LabelEvent&) override { ++labels; }
  void on_alert(const AlertEvent&) override { ++alerts; }
  uint64_t flows = 0, bt_flows = 0, labels = 0, alerts = 0;
};

// Resident set size of this process in bytes (/proc/self/statm), 0 when unavailable.
inline uint64_t rss_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * uint64_t(sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace btsensor::bench
