// L2–L4 decode. Every read goes through `Cursor`, which checks the remaining length first;
// the decoder is a straight line of "need N bytes, else report why" steps so that the bounds
// argument can be read top to bottom.
#include "btsensor/decode.hpp"

#include <utility>

namespace btsensor {
namespace {

inline uint16_t rd16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t rd32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// EtherTypes (IEEE registry).
constexpr uint16_t kEthIpv4 = 0x0800;
constexpr uint16_t kEthIpv6 = 0x86dd;
constexpr uint16_t kEthVlan = 0x8100;     // 802.1Q C-tag
constexpr uint16_t kEthQinq = 0x88a8;     // 802.1ad S-tag
constexpr uint16_t kEthQinqOld = 0x9100;  // pre-standard QinQ still seen on carrier gear
constexpr uint16_t kEthPppoeSession = 0x8864;
constexpr uint16_t kEthMpls = 0x8847;  // MPLS unicast
constexpr int kMaxMplsLabels = 8;      // real stacks are 1–3 labels deep

// IPv6 extension headers that we walk (RFC 8200 §4, RFC 4302 for AH).
constexpr uint8_t kIp6HopByHop = 0;
constexpr uint8_t kIp6Routing = 43;
constexpr uint8_t kIp6Fragment = 44;
constexpr uint8_t kIp6Esp = 50;
constexpr uint8_t kIp6Ah = 51;
constexpr uint8_t kIp6NoNext = 59;
constexpr uint8_t kIp6DestOpts = 60;
constexpr uint8_t kIp6Mobility = 135;

struct L3Start {
  const uint8_t* p;
  size_t len;
  uint16_t ethertype;  // kEthIpv4 / kEthIpv6 / other
  uint16_t vlan;
};

// Finds the start of the network header. Returns ok / truncated_l2 / vlan_too_deep / not_ip.
DecodeStatus find_l3(LinkType link, const uint8_t* p, size_t len, L3Start& out) {
  out.vlan = 0;
  uint16_t type = 0;
  switch (link) {
    case LinkType::kEthernet: {
      if (len < 14) return DecodeStatus::truncated_l2;
      type = rd16(p + 12);
      p += 14;
      len -= 14;
      int tags = 0;
      while (type == kEthVlan || type == kEthQinq || type == kEthQinqOld) {
        if (++tags > kMaxVlanTags) return DecodeStatus::vlan_too_deep;
        if (len < 4) return DecodeStatus::truncated_l2;
        if (tags == 1) out.vlan = rd16(p) & 0x0fff;  // low 12 bits of the TCI are the VID
        type = rd16(p + 2);
        p += 4;
        len -= 4;
      }
      if (type == kEthPppoeSession) {
        // PPPoE session header (RFC 2516): ver/type, code, session id, length; then the
        // 2-byte PPP protocol: 0x0021 IPv4, 0x0057 IPv6.
        if (len < 8) return DecodeStatus::truncated_l2;
        uint16_t ppp = rd16(p + 6);
        type = ppp == 0x0021 ? kEthIpv4 : ppp == 0x0057 ? kEthIpv6 : 0;
        p += 8;
        len -= 8;
      } else if (type == kEthMpls) {
        // MPLS label stack (RFC 3032): 4 bytes a label, bottom-of-stack bit 0x100 in the
        // third byte. The payload's type is not signalled: guess from the IP version nibble.
        for (int labels = 0;; ++labels) {
          if (labels >= kMaxMplsLabels) return DecodeStatus::vlan_too_deep;
          if (len < 4) return DecodeStatus::truncated_l2;
          bool bottom = p[2] & 0x01;
          p += 4;
          len -= 4;
          if (bottom) break;
        }
        if (len < 1) return DecodeStatus::truncated_l2;
        type = (p[0] >> 4) == 4 ? kEthIpv4 : (p[0] >> 4) == 6 ? kEthIpv6 : 0;
      }
      break;
    }
    case LinkType::kLinuxSll:  // 16 bytes; protocol (EtherType) at offset 14
      if (len < 16) return DecodeStatus::truncated_l2;
      type = rd16(p + 14);
      p += 16;
      len -= 16;
      break;
    case LinkType::kLinuxSll2:  // 20 bytes; protocol (EtherType) at offset 0
      if (len < 20) return DecodeStatus::truncated_l2;
      type = rd16(p);
      p += 20;
      len -= 20;
      break;
    case LinkType::kNull: {  // 4-byte address family in the capturing host's byte order
      if (len < 4) return DecodeStatus::truncated_l2;
      uint32_t af_le =
          uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
      uint32_t af_be = rd32(p);
      uint32_t af = af_le < 256 ? af_le : af_be;
      // AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD), 28 (FreeBSD), 30 (macOS).
      type = af == 2 ? kEthIpv4 : (af == 24 || af == 28 || af == 30) ? kEthIpv6 : 0;
      p += 4;
      len -= 4;
      break;
    }
    case LinkType::kRaw:
      if (len < 1) return DecodeStatus::truncated_l2;
      type = (p[0] >> 4) == 4 ? kEthIpv4 : (p[0] >> 4) == 6 ? kEthIpv6 : 0;
      break;
    case LinkType::kIpv4:
      type = kEthIpv4;
      break;
    case LinkType::kIpv6:
      type = kEthIpv6;
      break;
    default:
      return DecodeStatus::not_ip;
  }
  if (type != kEthIpv4 && type != kEthIpv6) return DecodeStatus::not_ip;
  out.p = p;
  out.len = len;
  out.ethertype = type;
  return DecodeStatus::ok;
}

DecodeStatus decode_l4(const uint8_t* p, size_t len, DecodedPacket& out) {
  switch (out.tuple.proto) {
    case kProtoTcp: {
      if (len < 20) return DecodeStatus::truncated_tcp;
      size_t off = size_t(p[12] >> 4) * 4;  // data offset in 32-bit words
      if (off < 20) return DecodeStatus::bad_tcp_header;
      if (len < off) return DecodeStatus::truncated_tcp;
      out.tuple.sport = rd16(p);
      out.tuple.dport = rd16(p + 2);
      out.tcp_seq = rd32(p + 4);
      out.tcp_flags = p[13];
      out.payload = p + off;
      out.payload_len = uint32_t(len - off);
      out.has_l4 = true;
      return DecodeStatus::ok;
    }
    case kProtoUdp: {
      if (len < 8) return DecodeStatus::truncated_udp;
      size_t ulen = rd16(p + 4);
      // UDP length 0 is legal only for IPv6 jumbograms; treat it like "to the end".
      if (ulen != 0 && ulen < 8) return DecodeStatus::bad_udp_header;
      out.tuple.sport = rd16(p);
      out.tuple.dport = rd16(p + 2);
      size_t avail = len - 8;
      size_t claimed = ulen == 0 ? avail : ulen - 8;
      out.payload = p + 8;
      out.payload_len = uint32_t(claimed < avail ? claimed : avail);
      out.has_l4 = true;
      return DecodeStatus::ok;
    }
    case kProtoIcmp:
    case kProtoIcmp6:
      if (len < 4) return DecodeStatus::truncated_icmp;
      // Community ID and Suricata key ICMP flows on type/code in the port slots.
      out.tuple.sport = p[0];
      out.tuple.dport = p[1];
      out.payload = p + 4;
      out.payload_len = uint32_t(len - 4);
      out.has_l4 = true;
      return DecodeStatus::ok;
    default:
      // Other L4 (GRE, ESP, SCTP, IP-in-IP…): flow keyed on addresses only; the payload is
      // kept for tunnel decapsulation.
      out.payload = p;
      out.payload_len = uint32_t(len);
      return DecodeStatus::ok;
  }
}

DecodeStatus decode_ipv4(const uint8_t* p, size_t len, DecodedPacket& out) {
  if (len < 20) return DecodeStatus::truncated_ipv4;
  if ((p[0] >> 4) != 4) return DecodeStatus::bad_ipv4_header;
  size_t ihl = size_t(p[0] & 0x0f) * 4;
  if (ihl < 20) return DecodeStatus::bad_ipv4_header;
  if (len < ihl) return DecodeStatus::truncated_ipv4;
  size_t total = rd16(p + 2);
  if (total < ihl) return DecodeStatus::bad_ipv4_header;
  out.tuple.src = IpAddr::v4_bytes(p + 12);
  out.tuple.dst = IpAddr::v4_bytes(p + 16);
  out.tuple.proto = p[9];
  out.ttl = p[8];
  out.ip_len = uint32_t(total);
  uint16_t frag = rd16(p + 6);
  bool more_fragments = frag & 0x2000;  // MF flag
  uint16_t frag_off = frag & 0x1fff;    // in 8-byte units
  out.fragment = more_fragments || frag_off != 0;
  // Trust the smaller of "what the header says" and "what was captured": Ethernet pads
  // short frames, snaplen cuts long ones.
  size_t l4_len = (total < len ? total : len) - ihl;
  if (frag_off != 0) return DecodeStatus::ok;  // non-first fragment: no L4 header here
  return decode_l4(p + ihl, l4_len, out);
}

DecodeStatus decode_ipv6(const uint8_t* p, size_t len, DecodedPacket& out) {
  if (len < 40) return DecodeStatus::truncated_ipv6;
  if ((p[0] >> 4) != 6) return DecodeStatus::bad_ipv6_header;
  out.tuple.src = IpAddr::v6_bytes(p + 8);
  out.tuple.dst = IpAddr::v6_bytes(p + 24);
  out.ttl = p[7];
  size_t plen = rd16(p + 4);
  out.ip_len = uint32_t(plen + 40);
  uint8_t next = p[6];
  out.tuple.proto = next;
  // Payload length 0 means a jumbogram (RFC 2675); fall back to the captured length.
  size_t avail = len - 40;
  size_t rest = (plen != 0 && plen < avail) ? plen : avail;
  const uint8_t* q = p + 40;
  for (int i = 0;; ++i) {
    switch (next) {
      case kIp6HopByHop:
      case kIp6Routing:
      case kIp6DestOpts:
      case kIp6Mobility:
      case kIp6Ah: {
        if (i >= kMaxIpv6ExtHeaders) return DecodeStatus::ipv6_ext_too_deep;
        if (rest < 2) return DecodeStatus::ipv6_ext_truncated;
        // Generic ext headers count 8-octet units beyond the first 8; AH counts 4-octet
        // units beyond the first 8 (RFC 4302 §2.2).
        size_t hlen = next == kIp6Ah ? (size_t(q[1]) + 2) * 4 : (size_t(q[1]) + 1) * 8;
        if (rest < hlen) return DecodeStatus::ipv6_ext_truncated;
        next = q[0];
        q += hlen;
        rest -= hlen;
        break;
      }
      case kIp6Fragment: {
        if (i >= kMaxIpv6ExtHeaders) return DecodeStatus::ipv6_ext_too_deep;
        if (rest < 8) return DecodeStatus::ipv6_ext_truncated;
        uint16_t off = rd16(q + 2) >> 3;  // fragment offset, 8-octet units, top 13 bits
        out.fragment = true;
        next = q[0];
        q += 8;
        rest -= 8;
        if (off != 0) {
          out.tuple.proto = next;
          return DecodeStatus::ok;  // non-first fragment: no L4 header here
        }
        break;
      }
      case kIp6Esp:
      case kIp6NoNext:
      default:
        out.tuple.proto = next;
        return decode_l4(q, rest, out);
    }
  }
}

// Decodes an IP packet that starts at p (inner packet of a tunnel).
DecodeStatus decode_inner_ip(const uint8_t* p, size_t len, DecodedPacket& out) {
  if (len < 1) return DecodeStatus::truncated_l2;
  switch (p[0] >> 4) {
    case 4:
      return decode_ipv4(p, len, out);
    case 6:
      return decode_ipv6(p, len, out);
    default:
      return DecodeStatus::not_ip;
  }
}

DecodeStatus decode_inner_ether(const uint8_t* p, size_t len, DecodedPacket& out) {
  L3Start l3;
  DecodeStatus st = find_l3(LinkType::kEthernet, p, len, l3);
  if (st != DecodeStatus::ok) return st;
  return l3.ethertype == kEthIpv4 ? decode_ipv4(l3.p, l3.len, out) : decode_ipv6(l3.p, l3.len, out);
}

// CAPWAP data channel (RFC 5415 §4.3, RFC 5416 for the IEEE 802.11 binding).
DecodeStatus decode_capwap(const uint8_t* p, size_t len, DecodedPacket& out) {
  if (len < 8) return DecodeStatus::not_ip;
  if (p[0] != 0) return DecodeStatus::not_ip;  // preamble: version 0, type 0 (plain header)
  uint32_t w = rd32(p);
  size_t hlen = size_t((w >> 19) & 0x1f) * 4;  // HLEN: header length in 4-byte words
  unsigned wbid = (w >> 9) & 0x1f;             // wireless binding: 1 = IEEE 802.11
  bool native = (w >> 8) & 1;                  // T: payload in the binding's native format
  bool fragment = (w >> 7) & 1;                // F: fragments are not reassembled here
  if (fragment || hlen < 8 || len < hlen) return DecodeStatus::not_ip;
  p += hlen;
  len -= hlen;
  if (!native) return decode_inner_ether(p, len, out);  // T=0: an IEEE 802.3 frame
  if (wbid != 1 || len < 24) return DecodeStatus::not_ip;
  // IEEE 802.11 MAC header: frame control (type 2 = data), flags byte.
  uint8_t fc0 = p[0], fc1 = p[1];
  // Cisco controllers send the frame control field byte-swapped (Wireshark's "swap frame
  // control" preference). The protocol version bits (low 2 of byte 0) are always 0 in a
  // real first byte, which tells the two orders apart.
  if ((fc0 & 3) != 0 && (fc1 & 3) == 0) std::swap(fc0, fc1);
  if (((fc0 >> 2) & 3) != 2) return DecodeStatus::not_ip;  // not a data frame
  if (fc1 & 0x40) return DecodeStatus::not_ip;             // protected: payload encrypted
  size_t h = 24;
  if ((fc1 & 3) == 3) h += 6;                   // ToDS and FromDS: a fourth address
  if (fc0 & 0x80) h += 2;                       // QoS data subtypes (subtype bit 3): QoS control
  if (fc0 & 0x40) return DecodeStatus::not_ip;  // "no data" subtypes carry no payload
  // LLC/SNAP: AA AA 03 00 00 00 + EtherType.
  if (len < h + 8 || p[h] != 0xaa || p[h + 1] != 0xaa || p[h + 2] != 0x03)
    return DecodeStatus::not_ip;
  uint16_t type = rd16(p + h + 6);
  if (type != kEthIpv4 && type != kEthIpv6) return DecodeStatus::not_ip;
  return decode_inner_ip(p + h + 8, len - h - 8, out);
}

// GTP-U (3GPP TS 29.281): version 1, PT 1, message type 255 (G-PDU) carries user IP.
DecodeStatus decode_gtpu(const uint8_t* p, size_t len, DecodedPacket& out) {
  if (len < 8 || (p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != 0xff) return DecodeStatus::not_ip;
  size_t off = 8;
  if (p[0] & 0x07) {  // E, S or PN: the optional 4-byte field is present
    if (len < 12) return DecodeStatus::not_ip;
    uint8_t next = p[11];
    off = 12;
    // Extension headers: length in 4-byte units, last byte is the next type. Bounded.
    for (int i = 0; next != 0 && i < 8; ++i) {
      if (len < off + 1 || p[off] == 0) return DecodeStatus::not_ip;
      size_t elen = size_t(p[off]) * 4;
      if (len < off + elen) return DecodeStatus::not_ip;
      next = p[off + elen - 1];
      off += elen;
    }
    if (next != 0) return DecodeStatus::not_ip;
  }
  return decode_inner_ip(p + off, len - off, out);
}

// GRE (RFC 2784/2890), version 0 only (version 1 is PPTP's enhanced GRE: PPP inside).
DecodeStatus decode_gre(const uint8_t* p, size_t len, DecodedPacket& out) {
  if (len < 4) return DecodeStatus::not_ip;
  uint16_t flags = rd16(p);
  if ((flags & 0x7) != 0) return DecodeStatus::not_ip;  // version
  size_t off = 4;
  if (flags & 0x8000) off += 4;  // C: checksum + reserved
  if (flags & 0x2000) off += 4;  // K: key
  if (flags & 0x1000) off += 4;  // S: sequence number
  if (len < off) return DecodeStatus::not_ip;
  uint16_t proto = rd16(p + 2);
  if (proto == kEthIpv4 || proto == kEthIpv6) return decode_inner_ip(p + off, len - off, out);
  if (proto == 0x6558) return decode_inner_ether(p + off, len - off, out);  // transparent bridging
  return DecodeStatus::not_ip;
}

// Well-known ports of UDP encapsulations. Teredo (3544) is deliberately not opened: its
// outer flow is what other tools and operators expect to see for it.
constexpr uint16_t kPortVxlan = 4789;
constexpr uint16_t kPortGtpU = 2152;
constexpr uint16_t kPortCapwapData = 5247;

Tunnel decode_tunnel(const DecodedPacket& outer, DecodedPacket& inner) {
  if (outer.fragment) return Tunnel::kNone;  // a fragment's payload is not a whole packet
  const uint8_t* p = outer.payload;
  size_t len = outer.payload_len;
  DecodeStatus st = DecodeStatus::not_ip;
  Tunnel kind = Tunnel::kNone;
  switch (outer.tuple.proto) {
    case 4:   // IPv4-in-IP
    case 41:  // IPv6-in-IP (6in4)
      kind = Tunnel::kIpInIp;
      st = decode_inner_ip(p, len, inner);
      break;
    case 47:
      kind = Tunnel::kGre;
      st = decode_gre(p, len, inner);
      break;
    case kProtoUdp: {
      uint16_t sp = outer.tuple.sport, dp = outer.tuple.dport;
      if ((dp == kPortVxlan || sp == kPortVxlan) && len >= 8 && (p[0] & 0x08)) {
        kind = Tunnel::kVxlan;  // 8-byte header, I flag set, then an Ethernet frame
        st = decode_inner_ether(p + 8, len - 8, inner);
      } else if (dp == kPortGtpU || sp == kPortGtpU) {
        kind = Tunnel::kGtpU;
        st = decode_gtpu(p, len, inner);
      } else if (dp == kPortCapwapData || sp == kPortCapwapData) {
        kind = Tunnel::kCapwap;
        st = decode_capwap(p, len, inner);
      }
      break;
    }
    default:
      break;
  }
  return st == DecodeStatus::ok ? kind : Tunnel::kNone;
}

}  // namespace

bool link_type_supported(uint32_t linktype) {
  switch (LinkType(linktype)) {
    case LinkType::kNull:
    case LinkType::kEthernet:
    case LinkType::kRaw:
    case LinkType::kLinuxSll:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
    case LinkType::kLinuxSll2:
      return true;
  }
  return false;
}

const char* decode_status_name(DecodeStatus s) {
  switch (s) {
    case DecodeStatus::ok:
      return "ok";
    case DecodeStatus::truncated_l2:
      return "truncated_l2";
    case DecodeStatus::vlan_too_deep:
      return "vlan_too_deep";
    case DecodeStatus::not_ip:
      return "not_ip";
    case DecodeStatus::truncated_ipv4:
      return "truncated_ipv4";
    case DecodeStatus::bad_ipv4_header:
      return "bad_ipv4_header";
    case DecodeStatus::truncated_ipv6:
      return "truncated_ipv6";
    case DecodeStatus::bad_ipv6_header:
      return "bad_ipv6_header";
    case DecodeStatus::ipv6_ext_truncated:
      return "ipv6_ext_truncated";
    case DecodeStatus::ipv6_ext_too_deep:
      return "ipv6_ext_too_deep";
    case DecodeStatus::truncated_tcp:
      return "truncated_tcp";
    case DecodeStatus::bad_tcp_header:
      return "bad_tcp_header";
    case DecodeStatus::truncated_udp:
      return "truncated_udp";
    case DecodeStatus::bad_udp_header:
      return "bad_udp_header";
    case DecodeStatus::truncated_icmp:
      return "truncated_icmp";
    case DecodeStatus::count_:
      break;
  }
  return "unknown";
}

DecodeStatus decode_packet(LinkType link, std::span<const uint8_t> frame, DecodedPacket& out) {
  out = DecodedPacket{};
  L3Start l3;
  DecodeStatus st = find_l3(link, frame.data(), frame.size(), l3);
  if (st != DecodeStatus::ok) return st;
  out.vlan = l3.vlan;
  st = l3.ethertype == kEthIpv4 ? decode_ipv4(l3.p, l3.len, out) : decode_ipv6(l3.p, l3.len, out);
  if (st != DecodeStatus::ok) return st;
  // Tunnels: if the outer packet carries a recognised encapsulation whose inner packet
  // decodes cleanly, the inner packet is what we track (its hosts are the ones talking).
  // Anything else (keepalives, control, encrypted 802.11, malformed inner) stays the outer
  // flow, so nothing is dropped on the floor. Depth is bounded.
  for (int depth = 0; depth < kMaxTunnelDepth; ++depth) {
    DecodedPacket inner;
    Tunnel kind = decode_tunnel(out, inner);
    if (kind == Tunnel::kNone) break;
    inner.vlan = out.vlan;
    inner.tunnel = kind;
    out = inner;
  }
  return DecodeStatus::ok;
}

bool decode_tuple(LinkType link, std::span<const uint8_t> frame, FiveTuple& out) {
  // The full decode, so that tunnel handling can never differ between the RX lcore's choice
  // of worker and the worker's own view of the packet. It costs tens of nanoseconds.
  DecodedPacket d;
  if (decode_packet(link, frame, d) != DecodeStatus::ok) return false;
  out = d.tuple;
  return true;
}

const char* tunnel_name(Tunnel t) {
  switch (t) {
    case Tunnel::kNone:
      return "none";
    case Tunnel::kIpInIp:
      return "ipip";
    case Tunnel::kGre:
      return "gre";
    case Tunnel::kVxlan:
      return "vxlan";
    case Tunnel::kGtpU:
      return "gtp-u";
    case Tunnel::kCapwap:
      return "capwap";
  }
  return "unknown";
}

}  // namespace btsensor
