// Serialises Ethernet (optionally 802.1Q-tagged) / IPv4 or IPv6 / TCP or UDP frames with
// correct IPv4 header checksums and TCP/UDP checksums. Pure functions over caller buffers:
// no allocation, so the hot path can write straight into the pcap output buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "net.hpp"

namespace btsensor::gen {

inline constexpr size_t kEthHeaderLen = 14;   // dst MAC, src MAC, EtherType
inline constexpr size_t kVlanTagLen = 4;      // TPID 0x8100 + TCI
inline constexpr size_t kIpv4HeaderLen = 20;  // no IP options are ever generated
inline constexpr size_t kIpv6HeaderLen = 40;
inline constexpr size_t kTcpHeaderLen = 20;  // without options
inline constexpr size_t kUdpHeaderLen = 8;
// Shortest Ethernet frame as captured: 64 bytes on the wire minus the 4-byte FCS, which
// pcap files do not carry. Shorter frames get zero padding (an Ethernet trailer).
inline constexpr size_t kMinFrameLen = 60;

inline constexpr uint8_t kIpProtoTcp = 6;
inline constexpr uint8_t kIpProtoUdp = 17;

enum TcpFlag : uint8_t {
  kTcpFin = 0x01,
  kTcpSyn = 0x02,
  kTcpRst = 0x04,
  kTcpPsh = 0x08,
  kTcpAck = 0x10,
};

// Everything below L4 plus the ports: one per packet, built from the flow's two sides.
struct FrameHeaders {
  MacAddress src_mac, dst_mac;
  uint16_t vlan_id = 0;  // 0 = untagged (VID 0 means "priority tag only", never used here)
  IpAddress src_ip, dst_ip;
  uint8_t ttl = 64;
  uint16_t ip_id = 0;       // IPv4 identification
  uint32_t flow_label = 0;  // IPv6 flow label (20 bits)
  bool dont_fragment = false;
  uint16_t src_port = 0, dst_port = 0;
};

struct TcpFields {
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  std::span<const uint8_t> options;  // length must be a multiple of 4
};

// Bytes of L2+L3+L4 headers for a frame of this shape.
size_t header_length(uint16_t vlan_id, bool v6, uint8_t proto, size_t tcp_options_len = 0);

// Writes a complete frame of exactly frame_len bytes into out. frame_len must be at least
// header_length(...) + payload.size(); the excess is zero-filled Ethernet padding.
void write_tcp_frame(uint8_t* out, size_t frame_len, const FrameHeaders& h, const TcpFields& tcp,
                     std::span<const uint8_t> payload);
void write_udp_frame(uint8_t* out, size_t frame_len, const FrameHeaders& h,
                     std::span<const uint8_t> payload);

// RFC 1071 one's-complement sum of data, folded to 16 bits, in the byte order of memory (so
// storing the result with memcpy yields correct wire bytes on any host). Exposed for tests.
uint16_t ones_complement_sum(const uint8_t* data, size_t len, uint64_t initial = 0);

}  // namespace btsensor::gen
