// Ties the pieces together: owns the scheduler, topology and outputs, decides the traffic mix,
// and offers flow scripts (background.cpp, bt_sessions.cpp) the helpers they share.
//
// Flow starts are produced in time order by one "feeder" coroutine that spreads --flows over
// the capture; BitTorrent sessions are driver coroutines that start their own child flows
// later. Every flow start writes its ground-truth row, so rows follow start-time order.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

#include "flow_path.hpp"
#include "options.hpp"
#include "packet_output.hpp"
#include "pcap_writer.hpp"
#include "scheduler.hpp"
#include "tcp_conn.hpp"
#include "topology.hpp"
#include "truth_writer.hpp"

namespace btsensor::gen {

class Generator {
 public:
  Generator(const Options& options, PcapWriter& writer, TruthWriter& truth);

  void run();

  struct Stats {
    uint64_t flows = 0;
    uint64_t bt_flows = 0;
    uint64_t sessions = 0;
    size_t peak_active = 0;
  };
  Stats stats() const;

  // --- for flow scripts ---------------------------------------------------------------------
  Scheduler& sched() { return sched_; }
  PacketOutput& out() { return out_; }
  Topology& topo() { return topo_; }
  const Options& options() const { return options_; }
  // IPv6 share actually used (0 in the 64-byte profile, where IPv6 headers do not fit).
  double ipv6_share() const { return ipv6_share_; }

  // Builds the two sides of a flow between internal host h and `remote`. outgoing: the
  // internal host initiates (side A); otherwise the remote does. remote_mac overrides the
  // gateway MAC (multicast). Chooses TTLs, IP ids, flow labels and the VLAN tag.
  FlowPath make_path(uint32_t h, bool v6, uint16_t local_port, const Endpoint& remote,
                     bool outgoing, Rng& rng, const MacAddress* remote_mac = nullptr) const;
  // Timing for a flow to a well-connected server, or to a home-connection BitTorrent peer.
  static FlowTiming server_timing(Rng& rng);
  static FlowTiming peer_timing(Rng& rng);
  TcpEnding pick_ending(Rng& rng) const;

  // Starts a flow now: writes its truth row and schedules make(FlowCtx&) -> Task.
  template <class MakeTask>
  void start_flow(const FlowPath& path, bool tcp, bool bittorrent, std::string_view evidence,
                  MakeTask&& make) {
    truth_.add(tcp, path.a().ep, path.b().ep, bittorrent, evidence);
    sched_.spawn(sched_.now(), derive_seed(options_.seed, kFlowSeedLabel + flows_started_++),
                 std::forward<MakeTask>(make));
  }
  // Starts a coroutine that emits no packets itself (a BitTorrent session driver).
  template <class MakeTask>
  void start_driver(MakeTask&& make) {
    ++sessions_;
    sched_.spawn(sched_.now(), derive_seed(options_.seed, kDriverSeedLabel + sessions_),
                 std::forward<MakeTask>(make));
  }

 private:
  static constexpr uint64_t kFlowSeedLabel = 0x666c6f7700000000ULL;    // "flow"
  static constexpr uint64_t kDriverSeedLabel = 0x7365737300000000ULL;  // "sess"

  Task feed(FlowCtx& ctx);

  const Options& options_;
  TruthWriter& truth_;
  Scheduler sched_;
  PacketOutput out_;
  Topology topo_;
  double ipv6_share_;
  double bt_flow_fraction_;
  uint64_t flows_started_ = 0;
  uint64_t sessions_ = 0;
};

}  // namespace btsensor::gen
