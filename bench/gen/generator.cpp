#include "generator.hpp"

#include <algorithm>
#include <cmath>

#include "background.hpp"
#include "bt_sessions.hpp"
#include "noise.hpp"

namespace btsensor::gen {
namespace {

uint32_t bt_host_count(const Options& o) {
  return uint32_t(std::llround(double(o.hosts) * o.bt_share));
}

// A BitTorrent client host opens this many times more flows than an ordinary host (DHT and
// peer connections are chatty), which sets the BT share of flows from the BT share of hosts.
constexpr double kBtActivityWeight = 2.0;
constexpr uint32_t kMinSessionFlows = 8;
constexpr uint32_t kMaxSessionFlows = 56;
constexpr double kMeanSessionFlows = (kMinSessionFlows + kMaxSessionFlows) / 2.0;
// Units at these positions are BitTorrent sessions no matter what, so that even a small run
// (--demo) shows a complete session from each of the first two BitTorrent hosts.
constexpr uint64_t kForcedSessionUnits[] = {0, 3};

}  // namespace

Generator::Generator(const Options& options, PcapWriter& writer, TruthWriter& truth)
    : options_(options),
      truth_(truth),
      sched_(options.start_unix * 1'000'000, options.start_unix * 1'000'000 + options.duration_us),
      out_(writer, options.profile),
      topo_(options.hosts, bt_host_count(options), options.seed, options.flows),
      ipv6_share_(options.profile == Profile::k64 ? 0.0 : options.ipv6_share) {
  init_noise(options.seed);
  const double b = double(topo_.bt_hosts()) / double(topo_.hosts());
  bt_flow_fraction_ = kBtActivityWeight * b / (1.0 + kBtActivityWeight * b);
}

Generator::Stats Generator::stats() const {
  Stats s;
  s.flows = truth_.rows();
  s.bt_flows = truth_.bt_rows();
  s.sessions = sessions_;
  s.peak_active = sched_.peak_active();
  return s;
}

FlowPath Generator::make_path(uint32_t h, bool v6, uint16_t local_port, const Endpoint& remote,
                              bool outgoing, Rng& rng, const MacAddress* remote_mac) const {
  Side local;
  local.ep = Endpoint{topo_.host_ip(h, v6), local_port};
  local.mac = topo_.host_mac(h);
  local.ttl = topo_.host_ttl(h);
  local.internal = true;
  local.ip_id = uint16_t(rng.next32());
  local.flow_label = rng.next32() & 0xfffff;
  Side far;
  far.ep = remote;
  far.mac = remote_mac != nullptr ? *remote_mac : Topology::gateway_mac();
  // Remote stacks start at 64 (Linux/macOS), 128 (Windows) or 255 (network gear); the packet
  // reaches the sensor 6-24 hops later.
  static constexpr uint8_t kInitialTtl[] = {64, 64, 128, 255};
  far.ttl = uint8_t(kInitialTtl[rng.below(4)] - rng.between(6, 24));
  far.ip_id = uint16_t(rng.next32());
  far.flow_label = rng.next32() & 0xfffff;
  FlowPath p;
  p.sides[0] = outgoing ? local : far;
  p.sides[1] = outgoing ? far : local;
  p.vlan_id = rng.chance(options_.vlan_share) ? topo_.host_vlan(h) : 0;
  return p;
}

FlowTiming Generator::server_timing(Rng& rng) {
  FlowTiming t;
  t.rtt_us = int64_t(rng.log_uniform(4'000, 120'000));
  t.local_us = rng.between(40, 400);
  t.pace_us = rng.between(15, 300);  // ~40 Mbit/s to ~800 Mbit/s at 1500-byte frames
  return t;
}

FlowTiming Generator::peer_timing(Rng& rng) {
  FlowTiming t;
  t.rtt_us = int64_t(rng.log_uniform(20'000, 400'000));
  t.local_us = rng.between(40, 400);
  t.pace_us = rng.between(100, 2'000);  // home uplinks: ~6 to ~120 Mbit/s
  return t;
}

TcpEnding Generator::pick_ending(Rng& rng) const {
  const double r = rng.unit();
  if (r < options_.rst_share) return TcpEnding::kRst;
  if (r < options_.rst_share + options_.noclose_share) return TcpEnding::kNoClose;
  return TcpEnding::kFin;
}

void Generator::run() {
  sched_.spawn(sched_.start(), derive_seed(options_.seed, 0x66656564ULL /* "feed" */),
               [this](FlowCtx& c) { return feed(c); });
  sched_.run();
}

Task Generator::feed(FlowCtx& ctx) {
  Rng& rng = ctx.rng();
  const uint64_t total = options_.flows;
  // Flows start in the first 92% of the capture so that most of them also finish inside it.
  const int64_t span = options_.duration_us / 25 * 23;
  const double p_session =
      topo_.bt_hosts() == 0
          ? 0.0
          : bt_flow_fraction_ / (kMeanSessionFlows * (1.0 - bt_flow_fraction_) + bt_flow_fraction_);
  const uint32_t non_bt_hosts = topo_.hosts() - topo_.bt_hosts();
  uint64_t assigned = 0;
  uint64_t unit = 0;
  uint64_t forced_sessions = 0;
  uint64_t ordinary = 0;
  while (assigned < total) {
    const int64_t slot = int64_t(static_cast<Uint128>(span) * assigned / total);
    const int64_t jitter = int64_t(rng.below(uint64_t(span / int64_t(total)) + 1));
    co_await ctx.sleep_until(sched_.start() + slot + jitter);
    const uint64_t left = total - assigned;
    bool forced = false;
    for (uint64_t u : kForcedSessionUnits) {
      if (u == unit && forced_sessions < topo_.bt_hosts()) forced = true;
    }
    if (forced || (p_session > 0 && rng.chance(p_session))) {
      uint32_t size = uint32_t(rng.between(kMinSessionFlows, kMaxSessionFlows));
      if (forced) {
        // Big enough to show every kind of BitTorrent flow, small enough that the two forced
        // sessions of a tiny run (--demo) leave room for the BT share of ordinary traffic.
        const double fair = double(total) * bt_flow_fraction_ / 2;
        size = std::clamp<uint32_t>(size, 20, std::max<uint32_t>(20, uint32_t(fair)));
      }
      size = uint32_t(std::min<uint64_t>(size, left));
      // Forced sessions take hosts 0 and 1 so the demo shows both BitTorrent users.
      const uint32_t host =
          forced ? uint32_t(forced_sessions) : uint32_t(rng.below(topo_.bt_hosts()));
      start_bt_session(*this, rng, host, size, /*full_coverage=*/forced);
      if (forced) ++forced_sessions;
      assigned += size;
    } else {
      start_ordinary_flow(*this, rng, ordinary, non_bt_hosts);
      ++ordinary;
      ++assigned;
    }
    ++unit;
  }
}

}  // namespace btsensor::gen
