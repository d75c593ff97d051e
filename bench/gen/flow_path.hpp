// The two endpoints of one flow and the per-flow timing model shared by TCP, UDP and uTP
// helpers. Side A is always the initiator (first packet), side B the responder.
#pragma once

#include <array>
#include <cstdint>

#include "net.hpp"
#include "rng.hpp"

namespace btsensor::gen {

enum class Dir : uint8_t { kAtoB = 0, kBtoA = 1 };

constexpr Dir reverse(Dir d) {
  return d == Dir::kAtoB ? Dir::kBtoA : Dir::kAtoB;
}

struct Side {
  Endpoint ep;
  // MAC of the L2 hop this side is reached through: the host's own NIC for internal hosts,
  // the default gateway for external hosts, a multicast group MAC for multicast destinations.
  MacAddress mac;
  uint8_t ttl = 64;  // TTL / hop limit as seen at the sensor (externals arrive decremented)
  bool internal = false;
  uint16_t ip_id = 0;       // next IPv4 identification this side uses
  uint32_t flow_label = 0;  // IPv6 flow label this side uses
};

struct FlowPath {
  std::array<Side, 2> sides;
  uint16_t vlan_id = 0;  // 0 = untagged; otherwise every frame of the flow carries this tag

  Side& from(Dir d) { return sides[size_t(d)]; }
  Side& to(Dir d) { return sides[size_t(reverse(d))]; }
  const Side& from(Dir d) const { return sides[size_t(d)]; }
  const Side& a() const { return sides[0]; }
  const Side& b() const { return sides[1]; }
  bool v6() const { return sides[0].ep.ip.is_v6; }
};

// How long things take as seen from the sensor, which sits next to the internal hosts: an
// internal host answers within local_us, an external one only after a full round trip.
struct FlowTiming {
  int64_t rtt_us = 30'000;
  int64_t local_us = 200;
  int64_t pace_us = 100;  // gap between back-to-back segments of one burst

  // Delay before `sender` reacts to the other side's last packet (with ~12% jitter).
  int64_t reply_delay(const FlowPath& path, Dir sender, Rng& rng) const {
    const int64_t base = path.sides[size_t(sender)].internal ? local_us : rtt_us;
    return base + int64_t(rng.below(uint64_t(base / 8 + 1)));
  }
};

}  // namespace btsensor::gen
