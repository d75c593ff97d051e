// Community ID v1; see community_id.hpp. Follows pycommunityid (communityid/algo.py, icmp.py,
// icmp6.py), which the spec names as the reference implementation.
#include "btsensor/community_id.hpp"

#include <cstring>

#include "engine/base64.hpp"
#include "engine/sha1.hpp"

namespace btsensor {

namespace {

// Not in types.hpp because the engine itself never handles SCTP, but the spec hashes its ports.
constexpr uint8_t kProtoSctp = 132;

// The protocols whose ports (or ICMP type/code) are part of the hash; every other protocol is
// hashed on addresses alone (pycommunityid PORT_PROTOS).
bool has_ports(uint8_t proto) {
  switch (proto) {
    case kProtoIcmp:
    case kProtoTcp:
    case kProtoUdp:
    case kProtoIcmp6:
    case kProtoSctp:
      return true;
    default:
      return false;
  }
}

// Request/response pairs of ICMPv4 message types (Zeek's ICMP4_counterpart, pycommunityid
// icmp.py). Returns the counterpart type, or -1 when the type is not part of a two-way exchange.
int icmp4_counterpart(uint16_t type) {
  switch (type) {
    case 8:
      return 0;  // echo request -> echo reply
    case 0:
      return 8;  // echo reply -> echo request
    case 13:
      return 14;  // timestamp -> timestamp reply
    case 14:
      return 13;
    case 15:
      return 16;  // information request -> information reply
    case 16:
      return 15;
    case 10:
      return 9;  // router solicitation -> router advertisement
    case 9:
      return 10;
    case 17:
      return 18;  // address mask request -> address mask reply
    case 18:
      return 17;
    default:
      return -1;
  }
}

// Same for ICMPv6 (Zeek's ICMP6_counterpart, pycommunityid icmp6.py).
int icmp6_counterpart(uint16_t type) {
  switch (type) {
    case 128:
      return 129;  // echo request -> echo reply
    case 129:
      return 128;
    case 130:
      return 131;  // MLD listener query -> listener report
    case 131:
      return 130;
    case 133:
      return 134;  // NDP router solicitation -> router advertisement
    case 134:
      return 133;
    case 135:
      return 136;  // NDP neighbor solicitation -> neighbor advertisement
    case 136:
      return 135;
    case 139:
      return 140;  // node information ("who are you") query -> reply
    case 140:
      return 139;
    case 144:
      return 145;  // home agent address discovery request -> reply
    case 145:
      return 144;
    default:
      return -1;
  }
}

// Byte-wise comparison of the network-order address bytes, shorter-is-smaller on a common prefix:
// exactly how the reference compares its packed `bytes` values.
int compare_addr(const IpAddr& a, const IpAddr& b) {
  const size_t la = a.wire_len(), lb = b.wire_len();
  const int c = std::memcmp(a.wire_bytes(), b.wire_bytes(), la < lb ? la : lb);
  if (c != 0) return c;
  return la < lb ? -1 : (la > lb ? 1 : 0);
}

uint8_t* put_be16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
  return p + 2;
}

}  // namespace

void community_id_v1(const FiveTuple& t, uint16_t seed, CommunityId& out) noexcept {
  uint16_t sport = t.sport, dport = t.dport;

  // ICMP has no ports; the spec maps (type, code) onto them. Types with a request/response
  // counterpart become (type, counterpart) so both directions order to the same tuple; all
  // other types are one-way: (type, code), never flipped.
  bool one_way = false;
  if (t.proto == kProtoIcmp || t.proto == kProtoIcmp6) {
    const int peer =
        t.proto == kProtoIcmp ? icmp4_counterpart(t.sport) : icmp6_counterpart(t.sport);
    if (peer < 0) {
      one_way = true;
    } else {
      dport = uint16_t(peer);
    }
  }
  const bool ports = has_ports(t.proto);

  // Canonical order: the tuple is kept as is when one-way, when src addr < dst addr, or when the
  // addresses are equal and src port < dst port (ports compared as big-endian bytes, which is
  // numeric order); otherwise both endpoints are swapped (pycommunityid FlowTuple.is_ordered).
  const int cmp = compare_addr(t.src, t.dst);
  const bool ordered = one_way || cmp < 0 || (cmp == 0 && ports && sport < dport);
  const IpAddr& a = ordered ? t.src : t.dst;
  const IpAddr& b = ordered ? t.dst : t.src;
  if (!ordered) {
    const uint16_t tmp = sport;
    sport = dport;
    dport = tmp;
  }

  // Hash input: seed(2) . saddr(4|16) . daddr(4|16) . proto(1) . pad 0(1) [. sport(2) . dport(2)],
  // all network byte order; at most 2 + 16 + 16 + 1 + 1 + 2 + 2 = 40 bytes.
  uint8_t buf[40];
  uint8_t* p = put_be16(buf, seed);
  std::memcpy(p, a.wire_bytes(), a.wire_len());
  p += a.wire_len();
  std::memcpy(p, b.wire_bytes(), b.wire_len());
  p += b.wire_len();
  *p++ = t.proto;
  *p++ = 0;  // padding keeps the ports 32-bit aligned in the hash input, per the spec
  if (ports) {
    p = put_be16(p, sport);
    p = put_be16(p, dport);
  }

  uint8_t digest[Sha1::kDigestLen];
  Sha1 h;
  h.update(buf, size_t(p - buf));
  h.finish(digest);

  // "1:" is the version prefix; v1 is the only version the spec defines.
  out.fill('\0');
  out[0] = '1';
  out[1] = ':';
  static_assert(2 + base64_encoded_len(Sha1::kDigestLen) < std::tuple_size_v<CommunityId>,
                "CommunityId must hold prefix, base64 digest and NUL");
  base64_encode(digest, sizeof digest, out.data() + 2, out.size() - 3);
}

std::string community_id_v1(const FiveTuple& t, uint16_t seed) {
  CommunityId id;
  community_id_v1(t, seed, id);
  return std::string(id.data());
}

}  // namespace btsensor
