#include "topology.hpp"

#include <numeric>
#include <stdexcept>

namespace btsensor::gen {
namespace {

constexpr uint32_t kExternalBase = 0xc6120000;  // 198.18.0.0
constexpr uint32_t kEpochBase = 0xc6130000;     // 198.19.0.0
constexpr uint32_t kPeerBase = 0xc6128000;      // 198.18.128.0
constexpr uint16_t kPeerPortBase = 16384;       // peers listen on ports from 16384 up
constexpr size_t kPeerPorts = 32768;            // 15 bits of the peer id go into the port

// Ephemeral ranges: Windows 49152-65535 (IANA dynamic range); Linux 32768-60999
// (net.ipv4.ip_local_port_range).
constexpr uint32_t kWindowsPortLo = 49152, kWindowsPortHi = 65535;
constexpr uint32_t kLinuxPortLo = 32768, kLinuxPortHi = 60999;

// TCP/UDP ports >= 16384 that Wireshark 4.0 binds to a specific dissector (from
// `tshark -G decodes`). Random peer and ephemeral ports skip them: real clients would not, but
// DHT packets decoded as EtherNet/IP (44818) or TZSP (37008) show up as "malformed" and make
// the capture useless for checking with Wireshark.
struct PortRange {
  uint16_t lo, hi;
};
constexpr PortRange kDissectorPorts[] = {
    {17220, 17220}, {17500, 17500}, {17754, 17756}, {18246, 18246}, {19006, 19006}, {19042, 19043},
    {19132, 19132}, {19506, 19506}, {19543, 19543}, {19788, 19788}, {19948, 19948}, {19999, 20000},
    {20256, 20256}, {20561, 20561}, {21064, 21064}, {22222, 22222}, {23272, 23272}, {24576, 24577},
    {24800, 24800}, {25826, 25826}, {26000, 26000}, {27017, 27017}, {27036, 27036}, {27500, 27500},
    {27910, 27910}, {27950, 27953}, {27960, 27963}, {29418, 29418}, {30000, 30200}, {32000, 32000},
    {32512, 32512}, {34962, 34962}, {34980, 34980}, {37008, 37008}, {41170, 41170}, {44321, 44322},
    {44818, 44818}, {45564, 45564}, {47000, 47000}, {47808, 47808}, {48049, 48049}, {48898, 48898},
    {49999, 49999}, {54328, 54328}, {56000, 56001}, {56500, 56501}, {57000, 57001}, {57032, 57033},
    {57500, 57501}, {57532, 57533}, {59000, 59001}, {59032, 59033}, {59500, 59501}, {59532, 59533},
    {60001, 60001}};

bool is_dissector_port(uint32_t port) {
  for (const PortRange& r : kDissectorPorts) {
    if (port >= r.lo && port <= r.hi) return true;
  }
  return false;
}

// The first `count` usable ports from `lo` upwards (or all usable ones up to `hi`).
std::vector<uint16_t> usable_ports(uint32_t lo, uint32_t hi, size_t count) {
  std::vector<uint16_t> out;
  for (uint32_t p = lo; p <= hi && out.size() < count; ++p) {
    if (!is_dissector_port(p)) out.push_back(uint16_t(p));
  }
  return out;
}

// A multiplier coprime to n, so that i -> (step * i + offset) mod n permutes [0, n).
uint32_t coprime_step(uint32_t n) {
  uint32_t step = 7919;  // a prime, so it only fails for multiples of itself
  while (std::gcd(step, n) != 1) step += 2;
  return step;
}

// A bijection on 30-bit integers (odd multiplications and xorshifts are each invertible
// modulo 2^30), used to turn (host, flow number) into distinct, random-looking peers.
uint32_t permute30(uint32_t x) {
  constexpr uint32_t kMask = (1u << 30) - 1;
  x &= kMask;
  x = (x * 0x2545f491u) & kMask;
  x ^= x >> 13;
  x = (x * 0x9e3779b1u) & kMask;
  x ^= x >> 15;
  return x & kMask;
}

// Bijection on 32-bit integers (same construction, full width).
uint32_t permute32(uint32_t x) {
  x *= 0x2545f491u;
  x ^= x >> 16;
  x *= 0x9e3779b1u;
  x ^= x >> 13;
  return x;
}

std::array<uint8_t, 16> v6_bytes(uint16_t g0, uint16_t g1, uint16_t g2, uint16_t g3, uint64_t low) {
  std::array<uint8_t, 16> b{};
  const uint16_t g[4] = {g0, g1, g2, g3};
  for (int i = 0; i < 4; ++i) {
    b[2 * i] = uint8_t(g[i] >> 8);
    b[2 * i + 1] = uint8_t(g[i]);
  }
  for (int i = 0; i < 8; ++i) b[8 + i] = uint8_t(low >> (56 - 8 * i));
  return b;
}

}  // namespace

Topology::Topology(uint32_t hosts, uint32_t bt_hosts, uint64_t seed, uint64_t max_flows)
    : hosts_(hosts),
      bt_hosts_(bt_hosts),
      seed_(seed),
      next_flow_(hosts, 0),
      linux_ports_(usable_ports(kLinuxPortLo, kLinuxPortHi, 65536)),
      windows_ports_(usable_ports(kWindowsPortLo, kWindowsPortHi, 65536)),
      peer_ports_(usable_ports(kPeerPortBase, 65535, kPeerPorts)),
      linux_step_(coprime_step(uint32_t(linux_ports_.size()))),
      windows_step_(coprime_step(uint32_t(windows_ports_.size()))) {
  // The smaller ephemeral range gives the most epochs; epoch 0 needs no block.
  const uint64_t max_epochs = max_flows / windows_ports_.size() + 1;
  if (max_epochs > 65536) throw std::invalid_argument("too many flows for the address plan");
  epoch_stride_ = uint32_t(65536 / max_epochs);
}

IpAddress Topology::host_ip(uint32_t h, bool v6) const {
  if (v6) {
    const uint64_t id = uint64_t(h) + 2;  // fd00::2, fd00::3, ... (fd00::1 is the gateway)
    return IpAddress::v6(v6_bytes(0xfd00, 0, 0, 0, id));
  }
  // 250 hosts per /24 (.2 to .251) keeps .0, .1 (gateway) and broadcast-looking .255 unused.
  const uint32_t c = 2 + h % 250;
  const uint32_t b = (h / 250) % 256;
  const uint32_t a = h / (250 * 256);
  return IpAddress::v4((10u << 24) | (a << 16) | (b << 8) | c);
}

MacAddress Topology::host_mac(uint32_t h) const {
  // Real vendor OUIs so the capture looks like an office LAN: Intel, Dell, Realtek, HP,
  // Raspberry Pi. The NIC-specific part is a bijection of h, so MACs never collide.
  static constexpr uint8_t kOuis[5][3] = {{0x3c, 0xfd, 0xfe},
                                          {0x18, 0x66, 0xda},
                                          {0x00, 0xe0, 0x4c},
                                          {0x3c, 0xd9, 0x2b},
                                          {0xb8, 0x27, 0xeb}};
  const uint8_t* oui = kOuis[h % 5];
  // Odd multiplications and xorshifts are bijections modulo 2^24.
  uint32_t nic = (h * 0x9e3779u + 0x3a91c7u) & 0xffffff;
  nic ^= nic >> 11;
  nic = (nic * 0x2545f5u) & 0xffffff;
  nic ^= nic >> 13;
  return MacAddress{{oui[0], oui[1], oui[2], uint8_t(nic >> 16), uint8_t(nic >> 8), uint8_t(nic)}};
}

uint32_t Topology::reserve_flows(uint32_t h, uint32_t count) {
  const uint32_t first = next_flow_[h];
  next_flow_[h] += count;
  return first;
}

uint16_t Topology::ephemeral_port(uint32_t h, uint32_t n) const {
  const std::vector<uint16_t>& ports = port_table(h);
  const uint32_t range = uint32_t(ports.size());
  const uint32_t offset = uint32_t(host_key(h) % range);
  // step is coprime to range, so n -> (step n + offset) mod range visits every usable port
  // once per epoch, in a scrambled order like a real stack's randomised port selection.
  const uint32_t step = is_windows(h) ? windows_step_ : linux_step_;
  return ports[(uint64_t(n % range) * step + offset) % range];
}

IpAddress Topology::server(ServerRole role, uint32_t index, bool v6, uint32_t h, uint32_t n) const {
  uint32_t v4 = kExternalBase;
  uint16_t subnet = 0;
  uint64_t low = 0;
  switch (role) {
    case ServerRole::kResolver:
      v4 += 53;
      low = 0x53;
      break;
    case ServerRole::kNtp:
      v4 += 123;
      low = 0x123;
      break;
    case ServerRole::kStun:
      v4 += 34;
      low = 0x3478;
      break;
    case ServerRole::kWireguard:
      v4 += 51;
      low = 0x51820;
      break;
    case ServerRole::kTracker:
      v4 += 0x0100 + 10 + index % kTrackers;  // 198.18.1.10 ...
      subnet = 1;
      low = 10 + index % kTrackers;
      break;
    case ServerRole::kWeb:
      v4 += 0x1000 + index % kWebServers;  // 198.18.16.0/20
      subnet = 0x10;
      low = 0x100 + index % kWebServers;
      break;
  }
  const uint32_t e = epoch(h, n);
  if (v6) {
    return IpAddress::v6(v6_bytes(0x2001, 0x0db8, uint16_t(e == 0 ? 0 : 0x8000 + e), subnet, low));
  }
  if (e == 0) return IpAddress::v4(v4);
  return IpAddress::v4(kEpochBase + (e - 1) * epoch_stride_ + (v4 - kExternalBase) % epoch_stride_);
}

Endpoint Topology::unique_peer(uint32_t h, uint32_t n, bool v6) const {
  const uint64_t key = host_key(h);
  if (v6) {
    // 2001:db8:1::/48 + permuted host in group 3..4 and permuted flow number below.
    const uint32_t hp = permute32(h ^ uint32_t(key));
    const uint32_t np = permute32(n ^ uint32_t(key >> 32));
    Endpoint ep;
    ep.ip = IpAddress::v6(v6_bytes(0x2001, 0x0db8, 0x0001, uint16_t(hp >> 16),
                                   (uint64_t(hp & 0xffff) << 48) | (uint64_t(np) << 16) | 0x1));
    ep.port = peer_ports_[(key >> 20) % kPeerPorts];
    return ep;
  }
  // 15 bits of address in 198.18.128.0/17 and 15 bits of port index: injective for n < 2^30.
  const uint32_t x = permute30(n ^ uint32_t(key));
  Endpoint ep;
  ep.ip = IpAddress::v4(kPeerBase + (x >> 15));
  ep.port = peer_ports_[x & 0x7fff];
  return ep;
}

Endpoint Topology::random_peer(Rng& rng) const {
  Endpoint ep;
  ep.ip = IpAddress::v4(kPeerBase + uint32_t(rng.below(32768)));
  // Mostly random listen ports, sometimes the classic 6881 or Transmission's 51413.
  const uint64_t r = rng.below(10);
  ep.port = r == 0 ? 6881 : (r == 1 ? 51413 : peer_ports_[rng.below(kPeerPorts)]);
  return ep;
}

MacAddress Topology::gateway_mac() {
  // 00:00:0c:07:ac:01 = Cisco HSRP virtual MAC for group 1, a typical default-gateway MAC.
  return MacAddress{{0x00, 0x00, 0x0c, 0x07, 0xac, 0x01}};
}

MacAddress Topology::multicast_mac(uint32_t group) {
  return MacAddress{
      {0x01, 0x00, 0x5e, uint8_t((group >> 16) & 0x7f), uint8_t(group >> 8), uint8_t(group)}};
}

}  // namespace btsensor::gen
