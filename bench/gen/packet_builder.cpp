#include "packet_builder.hpp"

#include <cstring>

namespace btsensor::gen {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;  // IEEE 802.1Q tag protocol identifier

void put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

// One's-complement sum via plain 64-bit additions of 32-bit words: with end-around carry
// the word size does not matter (RFC 1071 section 2), and 32-bit words in a 64-bit
// accumulator cannot overflow for any frame, so the loop has no carry dependency and the
// compiler vectorises it. fold() applies the carries at the end.
uint64_t sum_bytes(const uint8_t* data, size_t len, uint64_t acc) {
  // Four independent accumulators so the adds of one iteration do not wait on each other.
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  while (len >= 16) {
    uint32_t w[4];
    std::memcpy(w, data, 16);
    a0 += w[0];
    a1 += w[1];
    a2 += w[2];
    a3 += w[3];
    data += 16;
    len -= 16;
  }
  if (len > 0) {
    uint8_t tail[16] = {};  // zero padding to a whole word, as RFC 1071 prescribes for odd ends
    std::memcpy(tail, data, len);
    uint32_t w[4];
    std::memcpy(w, tail, 16);
    a0 += w[0];
    a1 += w[1];
    a2 += w[2];
    a3 += w[3];
  }
  // acc is a pseudo-header sum (< 2^40), so this cannot wrap either.
  return acc + a0 + a1 + a2 + a3;
}

uint16_t fold(uint64_t acc) {
  acc = (acc & 0xffffffffULL) + (acc >> 32);
  acc = (acc & 0xffffffffULL) + (acc >> 32);
  acc = (acc & 0xffff) + (acc >> 16);
  acc = (acc & 0xffff) + (acc >> 16);
  return uint16_t(acc);
}

// Writes Ethernet (+VLAN) and the IP header; returns the offset of the L4 header.
size_t write_l2_l3(uint8_t* out, const FrameHeaders& h, uint8_t proto, size_t l4_len) {
  std::memcpy(out, h.dst_mac.bytes.data(), 6);
  std::memcpy(out + 6, h.src_mac.bytes.data(), 6);
  size_t off = 12;
  if (h.vlan_id != 0) {
    put16(out + off, kEtherTypeVlan);
    put16(out + off + 2, uint16_t(h.vlan_id & 0x0fff));  // TCI: PCP 0, DEI 0, 12-bit VID
    off += kVlanTagLen;
  }
  put16(out + off, h.src_ip.is_v6 ? kEtherTypeIpv6 : kEtherTypeIpv4);
  off += 2;
  uint8_t* ip = out + off;
  if (!h.src_ip.is_v6) {
    ip[0] = 0x45;  // version 4, IHL 5 words (20 bytes, no options)
    ip[1] = 0x00;  // DSCP 0 (best effort), ECN not-ECT
    put16(ip + 2, uint16_t(kIpv4HeaderLen + l4_len));
    put16(ip + 4, h.ip_id);
    put16(ip + 6, h.dont_fragment ? 0x4000 : 0x0000);  // flags: DF bit; fragment offset 0
    ip[8] = h.ttl;
    ip[9] = proto;
    put16(ip + 10, 0);  // checksum placeholder, computed below over the finished header
    std::memcpy(ip + 12, h.src_ip.data(), 4);
    std::memcpy(ip + 16, h.dst_ip.data(), 4);
    const uint16_t sum = uint16_t(~fold(sum_bytes(ip, kIpv4HeaderLen, 0)));
    std::memcpy(ip + 10, &sum, 2);
    return off + kIpv4HeaderLen;
  }
  // Version 6, traffic class 0, 20-bit flow label.
  put32(ip, 0x60000000u | (h.flow_label & 0xfffff));
  put16(ip + 4, uint16_t(l4_len));
  ip[6] = proto;  // next header: directly TCP/UDP, no extension headers
  ip[7] = h.ttl;  // hop limit
  std::memcpy(ip + 8, h.src_ip.data(), 16);
  std::memcpy(ip + 24, h.dst_ip.data(), 16);
  return off + kIpv6HeaderLen;
}

// Sum of the TCP/UDP pseudo-header (RFC 793 / RFC 8200 section 8.1).
uint64_t pseudo_header_sum(const FrameHeaders& h, uint8_t proto, size_t l4_len) {
  uint8_t ph[40];
  size_t n;
  if (!h.src_ip.is_v6) {
    std::memcpy(ph, h.src_ip.data(), 4);
    std::memcpy(ph + 4, h.dst_ip.data(), 4);
    ph[8] = 0;
    ph[9] = proto;
    put16(ph + 10, uint16_t(l4_len));
    n = 12;
  } else {
    std::memcpy(ph, h.src_ip.data(), 16);
    std::memcpy(ph + 16, h.dst_ip.data(), 16);
    put32(ph + 32, uint32_t(l4_len));
    ph[36] = ph[37] = ph[38] = 0;
    ph[39] = proto;
    n = 40;
  }
  return sum_bytes(ph, n, 0);
}

}  // namespace

uint16_t ones_complement_sum(const uint8_t* data, size_t len, uint64_t initial) {
  return fold(sum_bytes(data, len, initial));
}

size_t header_length(uint16_t vlan_id, bool v6, uint8_t proto, size_t tcp_options_len) {
  size_t n = kEthHeaderLen + (vlan_id != 0 ? kVlanTagLen : 0);
  n += v6 ? kIpv6HeaderLen : kIpv4HeaderLen;
  n += proto == kIpProtoTcp ? kTcpHeaderLen + tcp_options_len : kUdpHeaderLen;
  return n;
}

void write_tcp_frame(uint8_t* out, size_t frame_len, const FrameHeaders& h, const TcpFields& tcp,
                     std::span<const uint8_t> payload) {
  const size_t tcp_len = kTcpHeaderLen + tcp.options.size() + payload.size();
  const size_t off = write_l2_l3(out, h, kIpProtoTcp, tcp_len);
  uint8_t* t = out + off;
  put16(t, h.src_port);
  put16(t + 2, h.dst_port);
  put32(t + 4, tcp.seq);
  put32(t + 8, tcp.ack);
  t[12] = uint8_t(((kTcpHeaderLen + tcp.options.size()) / 4) << 4);  // data offset in words
  t[13] = tcp.flags;
  put16(t + 14, tcp.window);
  put16(t + 16, 0);  // checksum placeholder
  put16(t + 18, 0);  // urgent pointer: URG never set
  if (!tcp.options.empty()) std::memcpy(t + 20, tcp.options.data(), tcp.options.size());
  if (!payload.empty()) {
    std::memcpy(t + kTcpHeaderLen + tcp.options.size(), payload.data(), payload.size());
  }
  const uint16_t sum =
      uint16_t(~fold(sum_bytes(t, tcp_len, pseudo_header_sum(h, kIpProtoTcp, tcp_len))));
  std::memcpy(t + 16, &sum, 2);
  const size_t used = off + tcp_len;
  if (frame_len > used) std::memset(out + used, 0, frame_len - used);
}

void write_udp_frame(uint8_t* out, size_t frame_len, const FrameHeaders& h,
                     std::span<const uint8_t> payload) {
  const size_t udp_len = kUdpHeaderLen + payload.size();
  const size_t off = write_l2_l3(out, h, kIpProtoUdp, udp_len);
  uint8_t* u = out + off;
  put16(u, h.src_port);
  put16(u + 2, h.dst_port);
  put16(u + 4, uint16_t(udp_len));
  put16(u + 6, 0);  // checksum placeholder
  if (!payload.empty()) std::memcpy(u + kUdpHeaderLen, payload.data(), payload.size());
  uint16_t sum = uint16_t(~fold(sum_bytes(u, udp_len, pseudo_header_sum(h, kIpProtoUdp, udp_len))));
  // A computed 0 is sent as 0xffff: 0 means "no checksum" for UDP over IPv4 (RFC 768) and is
  // forbidden over IPv6 (RFC 8200). Both bit patterns are zero in one's complement.
  if (sum == 0) sum = 0xffff;
  std::memcpy(u + 6, &sum, 2);
  const size_t used = off + udp_len;
  if (frame_len > used) std::memset(out + used, 0, frame_len - used);
}

}  // namespace btsensor::gen
