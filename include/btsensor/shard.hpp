// One engine shard: the state and logic of one worker (one lcore, or one TBB task in replay).
//
// A shard owns the flows (and, through the models, the hosts) of the internal hosts that
// shard_of() assigns to it. It takes bursts of raw frames with their timestamps and emits
// events into its sink. It knows nothing of DPDK, files, sockets or clocks: `now` is the
// packet time, and the driver calls advance() on an idle link so that timers still fire.
//
// Hot-path contract: process() does no allocation, no locking, no syscall, no exception.
// All tables are sized at construction.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "btsensor/classifier.hpp"
#include "btsensor/decode.hpp"
#include "btsensor/events.hpp"
#include "btsensor/flow_table.hpp"
#include "btsensor/home_net.hpp"
#include "btsensor/host_table.hpp"
#include "btsensor/models.hpp"
#include "btsensor/shard_stats.hpp"
#include "btsensor/shared_tables.hpp"
#include "btsensor/timer_wheel.hpp"

namespace btsensor {

struct RawPacket {
  const uint8_t* data = nullptr;
  uint32_t caplen = 0;    // bytes present at data
  uint32_t wire_len = 0;  // length on the wire (≥ caplen)
  Timestamp ts = 0;
  LinkType link = LinkType::kEthernet;
};

struct FlowTimeouts {
  Timestamp tcp_new = 60 * kNsPerSec;  // handshake not completed
  Timestamp tcp_established = 600 * kNsPerSec;
  Timestamp tcp_closed = 10 * kNsPerSec;  // after RST or FIN both ways: absorb stragglers
  Timestamp udp = 180 * kNsPerSec;
  Timestamp other = 120 * kNsPerSec;
};

enum class FlowOutput : uint8_t { kAll, kBittorrent, kNone };

// Everything a shard needs, fixed at construction (control plane builds it once).
struct EngineConfig {
  HomeNet home_net = HomeNet::defaults();
  uint32_t flow_capacity = 1u << 18;
  FlowTimeouts timeouts;
  FlowOutput flow_output = FlowOutput::kAll;
  // At most this many timer expirations per advance() call: bounds the latency one burst can
  // add on a worker when many flows time out together.
  uint32_t expiry_budget = 512;
  Timestamp timer_tick = kNsPerSec;
  uint32_t host_capacity = 1u << 16;  // hosts per shard
  // Hosts of the shard that may hold a label at once: their label and alert state (~430
  // bytes each with its timer) lives in a pool of this size, not in every host entry.
  // 0: host_capacity / 16, at least 1024 (never more than the host table).
  uint32_t label_capacity = 0;
  uint32_t effective_label_capacity() const {
    if (label_capacity) return std::min(label_capacity, host_capacity);
    return std::min(host_capacity, std::max<uint32_t>(1024, host_capacity / 16));
  }
  DpiConfig dpi;
  // Packets of a burst decoded ahead of their processing (0: none, at most kMaxLookahead),
  // so that the memory they will touch is already being fetched: see Shard::process().
  uint32_t lookahead = 8;
  static constexpr uint32_t kMaxLookahead = 16;
};

class Shard {
 public:
  // `shared` (may be null: no DPI) must outlive the shard; `index` selects this shard's
  // Hyperscan scratch and must be < the shard count the signatures were compiled for.
  Shard(const EngineConfig& cfg, EventSink& sink, const SharedTables* shared = nullptr,
        uint32_t index = 0);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Processes a burst in order, then runs bounded timer work at the burst's last timestamp.
  void process(std::span<const RawPacket> burst);
  // Timer work without packets (idle link): fires due expirations, bounded by the budget.
  // Returns the number of timers fired.
  uint32_t advance(Timestamp now);
  // Ends every flow with reason `shutdown` (end of capture, sensor stopping).
  void flush(Timestamp now);

  const ShardStats& stats() const { return stats_; }
  const ClassifierStats& classifier_stats() const { return cstats_; }
  const ModelStats& model_stats() const { return mstats_; }
  uint32_t active_hosts() const { return hosts_.size(); }
  uint32_t active_flows() const { return flows_.size(); }
  Timestamp now() const { return now_; }

  // Read access for control queries (shard_query.hpp) and state export. Only from the
  // shard's own thread, or while it does not run.
  const HostTable& hosts() const { return hosts_; }
  const PeerTable& peers() const { return classifier_.peers(); }
  const SharedTables* shared() const { return shared_; }

  // State restored across a restart (the control plane reads the state file). Only while
  // the shard does not run. `saved_now` is the engine time when the state was saved.
  // restore_host: the host with its labels, alert state and context; false when its bucket
  // was full and a host had to make room (that host's labels end as evicted).
  bool restore_host(const HostSnapshot& saved, Timestamp saved_now);
  // A learned peer of `host` until `expires`.
  void restore_peer(const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp expires,
                    Timestamp saved_now);

 private:
  // A packet decoded ahead of its turn (Shard::process): decoding is a pure function of the
  // frame, so doing it early changes nothing but when its memory is fetched.
  struct Staged {
    DecodedPacket d;
    DecodeStatus status = DecodeStatus::ok;
    bool src_is_a = false;
    FlowKey key;
    uint64_t hash = 0;
    uint32_t flow_hint = FlowTable::kNil;  // a record the index points at (prefetch only)
  };
  static constexpr size_t kStageRing = 2 * EngineConfig::kMaxLookahead;
  void stage(const RawPacket& p, Staged& s);
  void prefetch_record(Staged& s);
  void prefetch_host(const Staged& s) const;
  void process_one(const RawPacket& p, const Staged& s);
  uint32_t lookup_or_create(const DecodedPacket& d, const FlowKey& key, uint64_t hash,
                            bool src_is_a, Timestamp ts);
  Timestamp timeout_of(const Flow& f) const;
  void end_flow(uint32_t h, FlowEndReason reason);
  uint32_t pick_victim();
  void on_timer(uint32_t h);
  Host* host_of(Flow& f, const IpAddr& host_addr, Timestamp ts);
  uint32_t transfer_ports(Flow& f);
  uint32_t tracker_reputation(Flow& f, const FiveTuple& t, bool host_is_src, Timestamp ts);
  bool home_internal(const IpAddr& a) const { return cfg_.home_net.contains(a); }

  const EngineConfig& cfg_;
  EventSink& sink_;
  FlowTable flows_;
  TimerWheel flow_timers_;
  HostTable hosts_;
  ShardStats stats_;
  ClassifierStats cstats_;
  Classifier classifier_;
  ModelStats mstats_;
  HostModels models_;
  const SharedTables* shared_;
  Timestamp now_ = 0;  // high-water mark of packet time seen by this shard
  std::array<Staged, kStageRing> staged_{};
};

}  // namespace btsensor
