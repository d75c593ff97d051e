// Prefix parsing and the default home_net. Control plane only.
#include "btsensor/home_net.hpp"

#include <charconv>

namespace btsensor {

Cidr::Cidr(const IpAddr& net, unsigned prefix_len_128) : prefix128_(prefix_len_128) {
  uint8_t mask[16] = {};
  for (unsigned i = 0; i < 16; ++i) {
    unsigned bits = prefix128_ > i * 8 ? prefix128_ - i * 8 : 0;
    mask[i] = bits >= 8 ? 0xff : uint8_t(0xff << (8 - bits));
  }
  for (unsigned i = 0; i < 16; ++i) net_.b[i] = net.b[i] & mask[i];
  std::memcpy(&mask_hi_, mask, 8);
  std::memcpy(&mask_lo_, mask + 8, 8);
  std::memcpy(&net_hi_, net_.b.data(), 8);
  std::memcpy(&net_lo_, net_.b.data() + 8, 8);
}

std::optional<Cidr> Cidr::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<Cidr> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  auto slash = text.find('/');
  auto addr = IpAddr::parse(text.substr(0, slash));
  if (!addr) return fail("not an IP address: '" + std::string(text.substr(0, slash)) + "'");
  unsigned max = addr->is_v4() ? 32 : 128;
  unsigned len = max;
  if (slash != std::string_view::npos) {
    std::string_view num = text.substr(slash + 1);
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), len);
    if (ec != std::errc{} || ptr != num.data() + num.size() || num.empty() || len > max)
      return fail("bad prefix length '/" + std::string(num) + "' (0-" + std::to_string(max) + ")");
  }
  Cidr c(*addr, addr->is_v4() ? len + 96 : len);
  if (c.network() != *addr)
    return fail("host bits set in '" + std::string(text) + "' (network is " + c.to_string() + ")");
  return c;
}

std::string Cidr::to_string() const {
  return net_.to_string() + "/" + std::to_string(prefix_len());
}

HomeNet HomeNet::defaults() {
  std::vector<Cidr> nets;
  for (const char* s :
       {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "fc00::/7", "fe80::/10"})
    nets.push_back(*Cidr::parse(s));
  return HomeNet(std::move(nets));
}

}  // namespace btsensor
