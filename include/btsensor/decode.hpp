// Bounds-checked L2–L4 decode of one frame into a flat view.
//
// Pre: `data` points at `caplen` readable bytes (what the capture holds; may be less than the
// wire length). Post: on DecodeStatus::ok the returned view's payload lies inside the input;
// on any other status no field beyond those documented is meaningful. Never reads outside
// [data, data + caplen), never allocates, never throws.
#pragma once

#include <cstdint>
#include <span>

#include "btsensor/types.hpp"

namespace btsensor {

// Link types, numbered as libpcap's LINKTYPE_* so the replay path can pass them straight
// through; the dataplane always uses kEthernet.
enum class LinkType : uint16_t {
  kNull = 0,        // BSD loopback: 4-byte host-order address family
  kEthernet = 1,    // Ethernet II
  kRaw = 101,       // raw IPv4/IPv6, version in the first nibble
  kLinuxSll = 113,  // Linux cooked capture v1 (16-byte header)
  kIpv4 = 228,
  kIpv6 = 229,
  kLinuxSll2 = 276,  // Linux cooked capture v2 (20-byte header)
};

bool link_type_supported(uint32_t linktype);

// Why a frame was not fully decoded. Every value has a counter in the shard statistics.
// `ok` means L3 was decoded; l4 fields are valid only when has_l4 is set.
enum class DecodeStatus : uint8_t {
  ok = 0,
  truncated_l2,        // shorter than the link header or a VLAN tag
  vlan_too_deep,       // more than kMaxVlanTags stacked tags (or 8 MPLS labels)
  not_ip,              // ARP, LLDP, … : valid but not for us
  truncated_ipv4,      // fewer than 20 bytes or fewer than IHL*4
  bad_ipv4_header,     // version != 4, IHL < 5, total length < IHL*4
  truncated_ipv6,      // fewer than 40 bytes
  bad_ipv6_header,     // version != 6
  ipv6_ext_truncated,  // an extension header runs past the capture
  ipv6_ext_too_deep,   // more than kMaxIpv6ExtHeaders extension headers
  truncated_tcp,       // fewer than 20 bytes or fewer than data offset
  bad_tcp_header,      // data offset < 5
  truncated_udp,       // fewer than 8 bytes
  bad_udp_header,      // UDP length < 8
  truncated_icmp,      // fewer than 4 bytes
  count_
};
constexpr size_t kDecodeStatusCount = size_t(DecodeStatus::count_);
const char* decode_status_name(DecodeStatus s);

// Encapsulations the decoder opens; the inner packet is what the engine tracks.
enum class Tunnel : uint8_t { kNone, kIpInIp, kGre, kVxlan, kGtpU, kCapwap };
const char* tunnel_name(Tunnel t);
constexpr int kMaxTunnelDepth = 2;  // tunnel in tunnel is real (GTP in GRE); 3 is an attack

constexpr int kMaxVlanTags = 4;        // QinQ is 2; 4 leaves room for odd carrier stacks
constexpr int kMaxIpv6ExtHeaders = 8;  // RFC 8200 recommends ≤ 1 of each; 8 bounds loops

// TCP flag bits as in the header's 13th byte.
enum : uint8_t {
  kTcpFin = 0x01,
  kTcpSyn = 0x02,
  kTcpRst = 0x04,
  kTcpPsh = 0x08,
  kTcpAck = 0x10,
};

struct DecodedPacket {
  FiveTuple tuple;                   // ports are 0 when !has_l4 (ICMP: sport = type, dport = code)
  const uint8_t* payload = nullptr;  // L4 payload (inside the input), may be empty
  uint32_t payload_len = 0;          // bytes of payload present in the capture
  uint32_t ip_len = 0;               // IP total length (header + payload) as the header says
  uint16_t vlan = 0;                 // outermost VLAN id, 0 if untagged
  uint8_t tcp_flags = 0;
  uint8_t ttl = 0;
  bool has_l4 = false;    // ports valid (false for non-first fragments, unknown L4)
  bool fragment = false;  // any IPv4/IPv6 fragment (first fragments still carry L4)
  uint32_t tcp_seq = 0;
  Tunnel tunnel = Tunnel::kNone;  // set when the tuple is that of a decapsulated packet
};

DecodeStatus decode_packet(LinkType link, std::span<const uint8_t> frame, DecodedPacket& out);

// The 5-tuple the engine will key the packet on (the inner one for tunnels): what an RX
// lcore needs to pick a worker. Returns false when decode_packet would not return ok.
bool decode_tuple(LinkType link, std::span<const uint8_t> frame, FiveTuple& out);

}  // namespace btsensor
