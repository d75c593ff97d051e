// Who talks to whom: internal host addresses and MACs, the external server and peer address
// plan, ephemeral ports, and the rule that makes every flow's 5-tuple unique in the capture.
//
// Address plan (nothing real is ever addressed):
//   internal IPv4   10.0.0.0/8: host h -> 10.A.B.C, C in 2..251 (10.0.0.1 is the gateway)
//   internal IPv6   fd00::/8 (ULA):  host h -> fd00::(h+2)
//   external IPv4   198.18.0.0/15 (RFC 2544 benchmarking range)
//     198.18.0.0/24     infrastructure: resolver .53, NTP .123, STUN .34, WireGuard .51
//     198.18.1.0/24     BitTorrent trackers
//     198.18.16.0/20    web/TLS/QUIC servers
//     198.18.128.0/17   BitTorrent peers and DHT nodes
//     198.19.0.0/16     server addresses for "port epochs" (see below)
//   external IPv6   2001:db8::/32 (RFC 3849 documentation range), same roles by subnet.
//
// 5-tuple uniqueness. Every flow of internal host h gets a per-host flow number n (a counter).
//   * Flows from an ephemeral port: port = f_h(n mod P), a bijection over the P usable ports
//     of the OS's ephemeral range, so ports never repeat within an "epoch" of P flows. Only a host
//     that opens more than P flows (e.g. --hosts 1 --flows 2000000) reaches epoch n/P >= 1; flows
//     to servers in such an epoch use a server address from 198.19.0.0/16 (or 2001:db8:8000+
//     e::/48) reserved for that epoch, so the tuple still differs.
//   * Flows to peers/DHT nodes: the remote (address, port) is an injective function of (h, n),
//     so those tuples differ whatever the local port (used for the fixed BitTorrent port 6881).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "net.hpp"
#include "rng.hpp"

namespace btsensor::gen {

enum class ServerRole : uint8_t { kResolver, kNtp, kStun, kWireguard, kTracker, kWeb };

class Topology {
 public:
  // max_flows bounds the flows any one host can open; it sizes the epoch address blocks.
  Topology(uint32_t hosts, uint32_t bt_hosts, uint64_t seed, uint64_t max_flows);

  uint32_t hosts() const { return hosts_; }
  uint32_t bt_hosts() const { return bt_hosts_; }
  // The first bt_hosts hosts run a BitTorrent client (10.0.0.2, 10.0.0.3, ... in --demo).
  bool is_bt_host(uint32_t h) const { return h < bt_hosts_; }

  IpAddress host_ip(uint32_t h, bool v6) const;
  MacAddress host_mac(uint32_t h) const;
  // Initial TTL of the host's OS: 128 for the Windows-like third of hosts, else 64 (Linux).
  uint8_t host_ttl(uint32_t h) const { return is_windows(h) ? 128 : 64; }
  // 802.1Q VLAN the host sits on when its frames are tagged.
  uint16_t host_vlan(uint32_t h) const { return uint16_t(100 + h % 8); }

  // Port epoch of flow number n: 0 unless the host has used up its ephemeral range.
  uint32_t epoch(uint32_t h, uint32_t n) const { return n / port_range(h); }

  // Reserves `count` consecutive flow numbers for host h and returns the first.
  uint32_t reserve_flows(uint32_t h, uint32_t count);

  uint16_t ephemeral_port(uint32_t h, uint32_t n) const;
  // Server address for a flow with flow number n (moved to the epoch block if n/P >= 1).
  IpAddress server(ServerRole role, uint32_t index, bool v6, uint32_t h, uint32_t n) const;
  // A BitTorrent peer / DHT node address unique to (h, n).
  Endpoint unique_peer(uint32_t h, uint32_t n, bool v6) const;
  // Any plausible peer address (for tracker lists and DHT "nodes" nobody connects to).
  Endpoint random_peer(Rng& rng) const;

  static MacAddress gateway_mac();
  // 01:00:5e + low 23 bits of the IPv4 group (RFC 1112 section 6.4).
  static MacAddress multicast_mac(uint32_t group);

  static constexpr uint32_t kTrackers = 8;
  static constexpr uint32_t kWebServers = 4096;

 private:
  bool is_windows(uint32_t h) const { return h % 3 == 2; }
  const std::vector<uint16_t>& port_table(uint32_t h) const {
    return is_windows(h) ? windows_ports_ : linux_ports_;
  }
  uint32_t port_range(uint32_t h) const { return uint32_t(port_table(h).size()); }
  uint64_t host_key(uint32_t h) const { return derive_seed(seed_, 0x686f7374ULL + h); }

  uint32_t hosts_;
  uint32_t bt_hosts_;
  uint64_t seed_;
  uint32_t epoch_stride_;  // addresses per epoch inside 198.19.0.0/16
  std::vector<uint32_t> next_flow_;
  // Usable ports of each OS's ephemeral range and of the peer listen-port range, without the
  // ports Wireshark dissects as some other protocol (see topology.cpp).
  std::vector<uint16_t> linux_ports_, windows_ports_, peer_ports_;
  uint32_t linux_step_ = 0, windows_step_ = 0;
};

}  // namespace btsensor::gen
