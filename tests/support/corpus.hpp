// Finding ../shared/corpus and reading its ground truth. Tests that need the corpus skip
// with a visible message when it is absent, except under CI=true, where absence fails.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "btsensor/types.hpp"

namespace btsensor::test {

inline std::filesystem::path corpus_dir() {
  if (const char* env = std::getenv("BTSENSOR_CORPUS")) return env;
  return std::filesystem::path(BTSENSOR_SOURCE_DIR) / ".." / "shared" / "corpus";
}

inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

// Use as: BTSENSOR_REQUIRE_CORPUS(); at the top of a test.
#define BTSENSOR_REQUIRE_CORPUS()                                                         \
  do {                                                                                    \
    if (!std::filesystem::exists(::btsensor::test::corpus_dir() / "files.txt")) {         \
      if (::btsensor::test::in_ci())                                                      \
        FAIL() << "corpus not found at " << ::btsensor::test::corpus_dir()                \
               << " (CI=true: the corpus must be present)";                               \
      GTEST_SKIP() << "SKIPPED: corpus not found at " << ::btsensor::test::corpus_dir()   \
                   << " (set BTSENSOR_CORPUS or place ../shared/corpus beside the repo)"; \
    }                                                                                     \
  } while (0)

inline std::vector<std::string> corpus_files() {
  std::vector<std::string> v;
  std::ifstream in(corpus_dir() / "files.txt");
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#') v.push_back(line);
  return v;
}

// A flow's identity as the corpus gives it: L4 name and the unordered endpoint pair.
struct TruthKey {
  std::string l4;    // TCP, UDP, ICMP, ICMPV6, IGMP
  std::string a, b;  // "ip:port", a < b
  friend auto operator<=>(const TruthKey&, const TruthKey&) = default;
};

struct TruthFlow {
  std::string file;
  TruthKey key;
  bool bt = false;
  std::string evidence;
};

inline std::string canon_ip(const std::string& text) {
  auto a = IpAddr::parse(text);
  return a ? a->to_string() : text;
}

// "1.2.3.4:80" or "2001:db8::1:443" (IPv6 without brackets: the port follows the last colon).
inline std::string canon_endpoint(const std::string& ep) {
  auto c = ep.rfind(':');
  return canon_ip(ep.substr(0, c)) + ":" + ep.substr(c + 1);
}

inline TruthKey make_truth_key(std::string l4, std::string a, std::string b) {
  // ICMP-like protocols have no ports; the corpus writes 0, we key on type/code. Compare on
  // addresses only for them.
  if (l4 != "TCP" && l4 != "UDP") {
    a = a.substr(0, a.rfind(':')) + ":0";
    b = b.substr(0, b.rfind(':')) + ":0";
  }
  if (b < a) std::swap(a, b);
  return TruthKey{std::move(l4), std::move(a), std::move(b)};
}

inline std::vector<TruthFlow> truth_flows() {
  std::vector<TruthFlow> v;
  std::ifstream in(corpus_dir() / "truth_flows.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    size_t s = 0;
    for (size_t t; (t = line.find('\t', s)) != std::string::npos; s = t + 1)
      f.push_back(line.substr(s, t - s));
    f.push_back(line.substr(s));
    if (f.size() < 6) continue;
    v.push_back(TruthFlow{f[0], make_truth_key(f[1], canon_endpoint(f[2]), canon_endpoint(f[3])),
                          f[4] == "BT", f[5]});
  }
  return v;
}

inline std::string l4_name(uint8_t proto) {
  switch (proto) {
    case kProtoTcp:
      return "TCP";
    case kProtoUdp:
      return "UDP";
    case kProtoIcmp:
      return "ICMP";
    case kProtoIcmp6:
      return "ICMPV6";
    case 2:
      return "IGMP";
    default:
      return std::to_string(proto);
  }
}

inline TruthKey key_of(const FiveTuple& t) {
  return make_truth_key(l4_name(t.proto), t.src.to_string() + ":" + std::to_string(t.sport),
                        t.dst.to_string() + ":" + std::to_string(t.dport));
}

}  // namespace btsensor::test
