// The engine shard fed arbitrary packet sequences, with the real pipeline (signatures,
// hunting rules, models) and a small reputation table loaded once, and tiny tables so flow
// and host evictions, learned-peer and detail exhaustion all happen within one input.
//
// Input: records back to back (shard_input.hpp), each a control byte, a 16-bit time step, a
// 16-bit length and that many frame bytes. tests/fuzz/make_seeds.py writes btgen captures in
// this format. Every event is formatted as an EVE line, which must be printable ASCII.
#include <memory>
#include <vector>

#include "btsensor/shard.hpp"
#include "btsensor_paths.hpp"
#include "control/feed_loader.hpp"
#include "control/pipeline.hpp"
#include "fuzz_common.hpp"
#include "outputs/eve_writer.hpp"
#include "shard_input.hpp"

using namespace btsensor;

namespace {

struct CheckingSink final : EventSink {
  EveFormatter fmt;
  static void check_line(const std::string& line) {
    for (char c : line) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  }
  void on_flow(const FlowRecord& r) override { check_line(fmt.flow(r)); }
  void on_label(const LabelEvent& e) override { check_line(fmt.label(e)); }
  void on_alert(const AlertEvent& e) override { check_line(fmt.alert(e)); }
  void on_learned(const LearnedAddress& a) override {
    FUZZ_CHECK(a.name.back() == '\0');
    FUZZ_CHECK(a.expires >= a.ts);
  }
};

SharedTables* shared_tables() {
  static SharedTables* shared = [] {
    auto* s = new SharedTables;
    StoppedReaders none;
    Diagnostics diag;
    auto p = load_pipeline(std::string(BTSENSOR_SOURCE_PIPELINES) + "/bittorrent", 1, diag);
    if (!p) {
      for (auto& l : diag.lines) std::fprintf(stderr, "%s\n", l.c_str());
      std::abort();
    }
    publish_pipeline(std::move(*p), *s, none);
    // btgen's tracker subnet (bench/gen/topology.hpp) and the example tracker URL list, so
    // the reputation and passive-DNS paths run too.
    FeedSpec ips, urls;
    ips.name = "fuzz_ips";
    ips.path = fuzz::write_scratch("ips.txt", "198.18.1.0/24\n2001:db8:1::/48\n");
    ips.format = "ip_list";
    urls.name = "fuzz_urls";
    urls.path = std::string(BTSENSOR_SOURCE_PIPELINES) + "/bittorrent/feeds/trackers.example.txt";
    urls.format = "tracker_urls";
    auto table = load_feeds({ips, urls}, "file_sharing_bittorrent_tracker", 1000, diag);
    if (!table) std::abort();
    s->reputation.publish(std::move(*table), none);
    return s;
  }();
  return shared;
}

EngineConfig small_config() {
  EngineConfig c;
  c.flow_capacity = 16;  // the config's minimum: evictions after 16 concurrent flows
  c.host_capacity = 8;
  c.expiry_budget = 4;
  c.dpi.learned_capacity = 4;
  c.dpi.detail_capacity = 4;
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shared_tables();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const EngineConfig cfg = small_config();
  CheckingSink sink;
  Shard shard(cfg, sink, shared_tables(), 0);
  fuzz::ShardInput in({data, size});
  std::vector<fuzz::Frame> frames;
  std::vector<RawPacket> burst;
  while (in.next_burst(frames)) {
    burst.clear();
    for (const auto& f : frames) {
      burst.push_back(
          RawPacket{f.bytes.data(), uint32_t(f.bytes.size()), f.wire_len, f.ts, f.link});
    }
    shard.process(burst);
    if (in.advance_after_burst()) shard.advance(in.now());
    FUZZ_CHECK(shard.active_flows() <= cfg.flow_capacity);
    FUZZ_CHECK(shard.active_hosts() <= cfg.host_capacity);
  }
  shard.flush(in.now());
  FUZZ_CHECK(shard.active_flows() == 0);
  return 0;
}
