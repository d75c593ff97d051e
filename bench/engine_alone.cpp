// engine_alone: the detection engine by itself on packets already in memory.
//
// Loads a capture into one arena, loads the real pipeline (signatures compiled by Hyperscan,
// hunting rules, models) and the configured reputation feeds exactly as `btsensor replay`
// does, then runs ONE Shard over the packets in bursts (as a dataplane worker receives them
// from its ring) and prints packets/s and TSC cycles/packet. No libpcap, no copy, no JSON in
// the timed loop: what is left is decode → flow table → host table → classifier → models.
//
//   engine_alone [options] CAPTURE
//     -c, --config FILE        sensor config (engine, dpi, flows, hosts, reputation feeds)
//     --reps N                 timed passes, each on a fresh shard (default 5)
//     --burst N                packets per Shard::process call (default 32, the RX burst)
//     --lookahead N            packets decoded and prefetched ahead in a burst (default: the
//                              engine's, 8; 0 turns the pipeline off: the A/B peer)
//     --flow-capacity N        flows per shard (default: config)
//     --host-capacity N        hosts per shard (default: config)
//     --dpi-max-packets N      payload packets inspected per flow direction (default: config)
//     --reputation N           add N synthetic tracker /32s (IPv4) to the reputation table
//     --flows all|bittorrent|none   flow records built (default none, as replay --flows none)
//     --memory                 also measure bytes per flow and per host (RSS delta) and exit
//
// Output: one `engine_alone: rep=…` line per pass and a final `RESULT …` line (key=value,
// median over the passes) for bench/compare.sh.
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench/common/bench_util.hpp"
#include "btsensor/reputation.hpp"
#include "btsensor/shard.hpp"
#include "control/config.hpp"
#include "control/memory_budget.hpp"
#include "control/shared_state.hpp"

namespace {

using namespace btsensor;
using namespace btsensor::bench;

bool parse_u64(const char* s, uint64_t& out) {
  auto [p, ec] = std::from_chars(s, s + std::strlen(s), out);
  return ec == std::errc{} && *p == '\0';
}

// CPU time of this thread: on a shared machine the process is descheduled part of the wall
// time; packets / CPU seconds estimates what a dedicated worker core would do.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// N distinct IPv4 /32s spread over the whole space (a multiplicative walk), as a large IP
// feed would be. Category: the tracker category, so lookups take the full tracker path.
std::unique_ptr<ReputationTable> synthetic_reputation(uint64_t n, const std::string& category) {
  ReputationTable::Builder b;
  uint16_t feed = b.feed("synthetic");
  uint16_t cat = b.category(category);
  for (uint64_t i = 0; i < n; ++i) {
    // 2654435761 is odd, so i → i·k mod 2^32 is a bijection: no duplicates below 2^32.
    uint32_t v = uint32_t(i * 2654435761ULL + 0x01000000u);
    b.add(IpAddr::v4(v), 128, RepEntry{feed, cat, 0, 0, 0});
  }
  return b.build(category);
}

// Bytes per flow and per host as the engine allocates them: the resident-memory growth of a
// shard when its flow (host) capacity doubles, divided by the added capacity. Capacities are
// powers of two so that no table rounds up differently between the two sizes.
void measure_memory(const EngineConfig& base, const SharedTables* shared) {
  // A fixed mmap threshold: glibc otherwise raises it after the first large free and serves
  // the next shard's tables from memory the previous one left resident, hiding their cost.
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  CountingSink sink;
  auto rss_of = [&](uint32_t flows, uint32_t hosts) {
    EngineConfig cfg = base;
    cfg.flow_capacity = flows;
    cfg.host_capacity = hosts;
    uint64_t before = rss_bytes();
    auto s = std::make_unique<Shard>(cfg, sink, shared, 0);
    uint64_t after = rss_bytes();
    return double(after - before);
  };
  const uint32_t f1 = 1u << 20, f2 = 1u << 21, h1 = 1u << 18, h2 = 1u << 19, small = 1u << 10;
  double per_flow = (rss_of(f2, small) - rss_of(f1, small)) / double(f2 - f1);
  double per_host = (rss_of(small, h2) - rss_of(small, h1)) / double(h2 - h1);
  // The same from the element sizes the config check uses (control/memory_budget), with
  // the host's share of the label pool at this capacity.
  const TableEntryBytes per = table_entry_bytes();
  EngineConfig big = base;
  big.host_capacity = h2;
  double label_share = double(big.effective_label_capacity()) / double(h2);
  double flow_sizeof = double(per.flow);
  double label_slot = double(per.label_slot);
  double host_sizeof = double(per.host) + label_slot * label_share;
  std::printf(
      "MEMORY bytes_per_flow_rss=%.1f bytes_per_host_rss=%.1f bytes_per_flow_sizeof=%.0f "
      "bytes_per_host_sizeof=%.0f sizeof_flow=%zu sizeof_host=%zu bytes_per_label_slot=%.0f "
      "label_slots_per_host=%.4f\n",
      per_flow, per_host, flow_sizeof, host_sizeof, sizeof(Flow), sizeof(Host), label_slot,
      label_share);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path, capture, flows = "none";
  uint64_t reps = 5, burst = 32, flow_cap = 0, host_cap = 0, dpi_max = 0, rep_n = 0;
  uint64_t lookahead = EngineConfig{}.lookahead;
  bool have_dpi = false, memory = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto num = [&](uint64_t& out) {
      if (i + 1 >= argc || !parse_u64(argv[i + 1], out)) {
        std::fprintf(stderr, "engine_alone: %s needs a number\n", a.c_str());
        std::exit(2);
      }
      ++i;
    };
    if (a == "-c" || a == "--config") {
      if (++i >= argc) return 2;
      config_path = argv[i];
    } else if (a == "--reps") {
      num(reps);
    } else if (a == "--burst") {
      num(burst);
    } else if (a == "--lookahead") {
      num(lookahead);
      if (lookahead > EngineConfig::kMaxLookahead) {
        std::fprintf(stderr, "engine_alone: --lookahead is at most %u\n",
                     EngineConfig::kMaxLookahead);
        return 2;
      }
    } else if (a == "--flow-capacity") {
      num(flow_cap);
    } else if (a == "--host-capacity") {
      num(host_cap);
    } else if (a == "--dpi-max-packets") {
      num(dpi_max);
      have_dpi = true;
    } else if (a == "--reputation") {
      num(rep_n);
    } else if (a == "--flows") {
      if (++i >= argc) return 2;
      flows = argv[i];
    } else if (a == "--memory") {
      memory = true;
    } else if (a == "-h" || a == "--help") {
      std::puts("usage: engine_alone [-c CONFIG] [--reps N] [--burst N] [--lookahead N]");
      std::puts("       [--flow-capacity N]");
      std::puts("       [--host-capacity N] [--dpi-max-packets N] [--reputation N]");
      std::puts("       [--flows all|bittorrent|none] [--memory] CAPTURE");
      return 0;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "engine_alone: unknown option %s\n", a.c_str());
      return 2;
    } else {
      capture = a;
    }
  }
  if (reps == 0 || burst == 0 || (capture.empty() && !memory)) {
    std::fprintf(stderr, "engine_alone: need a capture (and --reps, --burst > 0); see --help\n");
    return 2;
  }

  SensorConfig cfg;
  if (!config_path.empty()) {
    Diagnostics diag;
    auto loaded = load_config(config_path, diag);
    for (const auto& l : diag.lines) std::fprintf(stderr, "%s\n", l.c_str());
    if (!loaded) return 1;
    cfg = std::move(*loaded);
  }
  EngineConfig& ec = cfg.engine;
  if (flow_cap) ec.flow_capacity = uint32_t(flow_cap);
  if (host_cap) ec.host_capacity = uint32_t(host_cap);
  ec.lookahead = uint32_t(lookahead);
  if (have_dpi) ec.dpi.max_packets = uint32_t(dpi_max);
  ec.flow_output = flows == "all"          ? FlowOutput::kAll
                   : flows == "bittorrent" ? FlowOutput::kBittorrent
                                           : FlowOutput::kNone;

  SharedTables shared;
  StoppedReaders no_readers;  // nothing runs while we publish
  {
    Diagnostics diag;
    bool ok = load_shared_state(cfg, 1, /*strict=*/false, diag, shared, no_readers);
    for (const auto& l : diag.lines) std::fprintf(stderr, "%s\n", l.c_str());
    if (!ok) return 1;
  }
  if (rep_n) {
    if (!cfg.reputation.feeds.empty())
      std::fprintf(stderr, "engine_alone: --reputation replaces the configured feeds\n");
    shared.reputation.publish(synthetic_reputation(rep_n, cfg.reputation.tracker_category),
                              no_readers);
  }
  const ReputationTable* rt = shared.reputation.get();
  uint64_t rep_entries = rt ? rt->size() : 0;

  if (memory) {
    measure_memory(ec, &shared);
    if (capture.empty()) return 0;
  }

  double hz = tsc_hz();
  LoadedCapture cap = load_capture(capture);
  if (!cap.error.empty()) {
    std::fprintf(stderr, "engine_alone: %s\n", cap.error.c_str());
    return 1;
  }
  const size_t n = cap.packets.size();
  std::vector<double> pps, cpp, pps_cpu;
  uint64_t flows_created = 0, labels = 0, alerts = 0, bt_flows = 0, peak_flows = 0;
  double rss_per_flow_peak = 0;
  for (uint64_t r = 0; r < reps; ++r) {
    CountingSink sink;
    uint64_t rss0 = rss_bytes();
    auto shard = std::make_unique<Shard>(ec, sink, &shared, 0);
    uint64_t rss1 = rss_bytes();
    uint32_t peak = 0;
    uint64_t c0 = rdtsc();
    double cpu0 = thread_cpu_seconds();
    auto t0 = std::chrono::steady_clock::now();
    for (size_t off = 0; off < n; off += burst) {
      size_t k = std::min<size_t>(burst, n - off);
      shard->process(std::span<const RawPacket>(cap.packets.data() + off, k));
      // Sampled once a burst: one load, outside the shard.
      peak = std::max(peak, shard->active_flows());
    }
    shard->flush(cap.packets.back().ts);
    auto t1 = std::chrono::steady_clock::now();
    uint64_t c1 = rdtsc();
    double cpu_secs = thread_cpu_seconds() - cpu0;
    double secs = std::chrono::duration<double>(t1 - t0).count();
    pps.push_back(double(n) / secs);
    pps_cpu.push_back(double(n) / cpu_secs);
    cpp.push_back(double(c1 - c0) / double(n));
    flows_created = shard->stats().flows_created.get();
    labels = sink.labels;
    alerts = sink.alerts;
    // Counted as flow records are built: 0 with --flows none.
    bt_flows = shard->classifier_stats().flows_bittorrent.get();
    peak_flows = peak;
    rss_per_flow_peak = double(rss1 - rss0);
    std::printf(
        "engine_alone: rep=%llu packets=%zu seconds=%.4f cpu_seconds=%.4f pps=%.0f pps_cpu=%.0f "
        "cycles_per_pkt=%.1f\n",
        (unsigned long long)r + 1, n, secs, cpu_secs, pps.back(), pps_cpu.back(), cpp.back());
  }
  auto [mn, mx] = std::minmax_element(pps.begin(), pps.end());
  auto [cmn, cmx] = std::minmax_element(pps_cpu.begin(), pps_cpu.end());
  std::printf(
      "RESULT pps_median=%.0f pps_min=%.0f pps_max=%.0f pps_cpu_median=%.0f pps_cpu_min=%.0f "
      "pps_cpu_max=%.0f "
      "cycles_per_pkt_median=%.1f cpu_cycles_per_pkt_median=%.1f "
      "ns_per_pkt_median=%.1f tsc_ghz=%.3f packets=%zu wire_bytes=%llu flows=%llu "
      "peak_active_flows=%llu bt_flows=%llu labels=%llu alerts=%llu reputation_entries=%llu "
      "dpi_max_packets=%u flow_capacity=%u host_capacity=%u lookahead=%u shard_rss_bytes=%.0f\n",
      median(pps), *mn, *mx, median(pps_cpu), *cmn, *cmx, median(cpp), hz / median(pps_cpu),
      1e9 / median(pps), hz / 1e9, n, (unsigned long long)cap.wire_bytes,
      (unsigned long long)flows_created, (unsigned long long)peak_flows,
      (unsigned long long)bt_flows, (unsigned long long)labels, (unsigned long long)alerts,
      (unsigned long long)rep_entries, ec.dpi.max_packets, ec.flow_capacity, ec.host_capacity,
      ec.lookahead, rss_per_flow_peak);
  return 0;
}
