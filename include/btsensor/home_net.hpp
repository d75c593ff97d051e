// Which endpoint of a packet is "ours", and which shard owns it.
//
// Every flow, label and timer of one internal host lives on one shard (worker lcore), so
// per-host state needs no locks. The RX lcores and the replay reader pick the shard with
// `host_key()` + `shard_of()`; the shard itself uses the same functions to know whose
// packet it is. The rule is stateless (no flow lookup) so that both directions of a flow,
// seen by different RX queues, land on the same shard:
//   - exactly one endpoint inside home_net  → that endpoint, internal = true;
//   - both inside (east-west traffic)       → the client side: the endpoint with the higher
//     (ephemeral) port, the lower address on a tie; internal = true;
//   - neither inside (transit, misconfigured home_net) → the same choice, internal = false;
//     such flows are still tracked and classified, but host models (labels, alerts) skip them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "btsensor/types.hpp"

namespace btsensor {

// An IPv4 or IPv6 prefix. IPv4 prefixes are stored in the IPv4-mapped space (prefix + 96).
class Cidr {
 public:
  Cidr() = default;
  Cidr(const IpAddr& net, unsigned prefix_len_128);
  // Accepts "a.b.c.d", "a.b.c.d/n", "v6", "v6/n". Host bits set under the mask are an error
  // (a typo like 10.1.2.3/8 usually means the operator meant something else).
  static std::optional<Cidr> parse(std::string_view text, std::string* error = nullptr);

  bool contains(const IpAddr& a) const {
    uint64_t hi, lo;
    std::memcpy(&hi, a.b.data(), 8);
    std::memcpy(&lo, a.b.data() + 8, 8);
    return ((hi & mask_hi_) == net_hi_) && ((lo & mask_lo_) == net_lo_);
  }
  const IpAddr& network() const { return net_; }
  // Prefix length as written: 0–32 for IPv4, 0–128 for IPv6.
  unsigned prefix_len() const { return net_.is_v4() ? prefix128_ - 96 : prefix128_; }
  unsigned prefix_len_128() const { return prefix128_; }
  std::string to_string() const;

 private:
  IpAddr net_{};
  unsigned prefix128_ = 0;
  // Masks and network in native-endian 64-bit halves of the 16 address bytes: contains() is
  // two AND+compare, whatever the byte order, because both sides are loaded the same way.
  uint64_t mask_hi_ = 0, mask_lo_ = 0, net_hi_ = 0, net_lo_ = 0;
};

class HomeNet {
 public:
  HomeNet() = default;
  explicit HomeNet(std::vector<Cidr> nets) : nets_(std::move(nets)) {}
  // RFC 1918, RFC 4193 (fc00::/7), and link-local (169.254.0.0/16, fe80::/10).
  static HomeNet defaults();
  bool contains(const IpAddr& a) const {
    for (const Cidr& c : nets_)
      if (c.contains(a)) return true;
    return false;
  }
  const std::vector<Cidr>& nets() const { return nets_; }

 private:
  std::vector<Cidr> nets_;
};

struct HostKey {
  IpAddr host;
  bool internal = false;     // host is inside home_net (host models apply)
  bool host_is_src = false;  // the host sent this packet
};

inline HostKey host_key(const HomeNet& home, const FiveTuple& t) {
  bool s = home.contains(t.src), d = home.contains(t.dst);
  if (s != d) return HostKey{s ? t.src : t.dst, true, s};
  // Both inside or both outside: prefer the client side, i.e. the higher (ephemeral) port,
  // so that an internal DNS resolver or file server is not taken for its clients. Ties go
  // to the lower address. Symmetric, so both directions agree.
  bool src_is_host = t.sport != t.dport ? t.sport > t.dport : t.src <= t.dst;
  return HostKey{src_is_host ? t.src : t.dst, s, src_is_host};
}

// Shard index for a host. Both the RX path and replay must use exactly this function.
inline uint32_t shard_of(const IpAddr& host, uint32_t nshards) {
  // Multiply-shift range reduction of a well-mixed 64-bit hash: unbiased enough and no
  // division on the RX path.
  uint64_t h = hash_addr(host, 0x62747365'6e736f72ULL /* "btsensor" */);
  return uint32_t(((h >> 32) * uint64_t(nshards)) >> 32);
}

}  // namespace btsensor
