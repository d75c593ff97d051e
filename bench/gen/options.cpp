#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace btsensor::gen {
namespace {

constexpr uint32_t kMaxHosts = 1'000'000;
constexpr uint64_t kMaxFlows = 100'000'000;
constexpr double kMaxDurationSec = 366.0 * 86400;  // a year-long capture is plenty

struct ArgError {
  std::string message;
};

bool parse_u64(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t next = v * 10 + uint64_t(c - '0');
    if (next / 10 != v) return false;  // overflow
    v = next;
  }
  out = v;
  return true;
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const std::string s(text);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

uint64_t int_arg(std::string_view name, std::string_view value, uint64_t lo, uint64_t hi) {
  uint64_t v = 0;
  if (!parse_u64(value, v) || v < lo || v > hi) {
    throw ArgError{"--" + std::string(name) + " must be an integer in [" + std::to_string(lo) +
                   ", " + std::to_string(hi) + "], got '" + std::string(value) + "'"};
  }
  return v;
}

double share_arg(std::string_view name, std::string_view value) {
  double v = 0;
  if (!parse_double(value, v) || v < 0.0 || v > 1.0) {
    throw ArgError{"--" + std::string(name) + " must be a fraction in [0, 1], got '" +
                   std::string(value) + "'"};
  }
  return v;
}

}  // namespace

std::string help_text() {
  return R"(btgen - deterministic synthetic traffic generator for btsensor (BitTorrent detection)

Writes a classic pcap (LINKTYPE_ETHERNET, microsecond timestamps, snaplen 65535) of many
interleaved flows between internal hosts (10.0.0.0/8, some IPv6 in fd00::/8) and external
hosts (198.18.0.0/15, 2001:db8::/32). A share of internal hosts run a BitTorrent client
(tracker DNS, HTTP/UDP tracker announces, peer wire over TCP and uTP, MSE/PE, DHT, LSD);
all hosts make ordinary traffic (DNS, HTTP, TLS, QUIC, NTP, and look-alike hard negatives:
STUN, WireGuard, names containing "torrent"). The same seed and options always produce
byte-identical output.

Usage: btgen --out FILE [options]

Options:
  --out FILE          pcap to write (required)
  --truth FILE        ground-truth TSV sidecar, one row per flow:
                        file  l4  endpoint_a  endpoint_b  label  evidence
                      endpoint_a is the initiator; label is BT or notBT; evidence is
                      BT: tracker_dns http_tracker udp_tracker dht peer_wire mse
                          peer_wire_utp lsd
                      notBT: dns http tls quic ntp stun wireguard name_torrent
  --seed N            PRNG seed, unsigned 64-bit (default 1)
  --hosts N           internal hosts, 1..1000000 (default 16)
  --flows N           total flows, 1..100000000 (default 400); every flow has its own 5-tuple
  --bt-share F        fraction of internal hosts running BitTorrent, 0..1 (default 0.25)
  --profile P         frame sizes (default realistic):
                        realistic  natural protocol sizes, bulk data in MTU-sized segments
                        64         every frame 64 bytes on the wire (60 in the pcap + the
                                   4-byte FCS a NIC adds); payloads truncated to fit, no TCP
                                   options, no IPv6 (an IPv6+TCP header alone is 74 bytes)
                        imix       payload-carrying frames 64/570/1518 bytes on the wire
                                   (60/566/1514 in the pcap) in ratio 7:4:1; payloads are
                                   truncated or the frame zero-padded to the chosen size
  --duration SEC      capture span in seconds, > 0 (default 120)
  --start UNIXTIME    timestamp of the capture start (default 1700000000)
  --ipv6-share F      fraction of flows over IPv6 where the protocol allows (default 0.05)
  --vlan-share F      fraction of flows whose frames carry an 802.1Q tag (default 0.1)
  --rst-share F       fraction of TCP flows that end with RST instead of FIN (default 0.03)
  --noclose-share F   fraction of TCP flows that never close in the capture (default 0.03)
  --demo              small readable sample: 4 internal hosts (2 BitTorrent users), 150 flows,
                      60 s; explicit options given alongside still override these
  --quiet             no summary on stderr
  --help              this text

Exit status: 0 success, 1 I/O error, 2 bad command line.
)";
}

ParsedArgs parse_args(int argc, const char* const* argv) {
  ParsedArgs result;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  // --demo only changes defaults, so apply it first whatever its position.
  for (std::string_view a : args) {
    if (a == "--demo") {
      result.options.demo = true;
      result.options.hosts = 4;
      result.options.bt_share = 0.5;
      result.options.flows = 150;
      result.options.duration_us = 60'000'000;
    }
  }
  Options& o = result.options;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      std::string_view name = args[i];
      if (name == "--help" || name == "-h") {
        result.exit_code = 0;
        result.message = help_text();
        return result;
      }
      if (name == "--demo") continue;
      if (name == "--quiet") {
        o.quiet = true;
        continue;
      }
      std::string_view value;
      const size_t eq = name.find('=');
      if (name.substr(0, 2) == "--" && eq != std::string_view::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else {
        if (name.substr(0, 2) != "--")
          throw ArgError{"unexpected argument '" + std::string(name) + "'"};
        // A following option is not a value: "--out --quiet" must not create "--quiet".
        if (i + 1 >= args.size() || args[i + 1].substr(0, 2) == "--") {
          throw ArgError{std::string(name) + " needs a value"};
        }
        value = args[++i];
      }
      const std::string_view key = name.substr(2);
      if (key == "out") {
        if (value.empty()) throw ArgError{"--out needs a file name"};
        o.out_path = value;
      } else if (key == "truth") {
        if (value.empty()) throw ArgError{"--truth needs a file name"};
        o.truth_path = value;
      } else if (key == "seed") {
        o.seed = int_arg(key, value, 0, UINT64_MAX);
      } else if (key == "hosts") {
        o.hosts = uint32_t(int_arg(key, value, 1, kMaxHosts));
      } else if (key == "flows") {
        o.flows = int_arg(key, value, 1, kMaxFlows);
      } else if (key == "bt-share") {
        o.bt_share = share_arg(key, value);
      } else if (key == "profile") {
        if (value == "realistic") {
          o.profile = Profile::kRealistic;
        } else if (value == "64") {
          o.profile = Profile::k64;
        } else if (value == "imix") {
          o.profile = Profile::kImix;
        } else {
          throw ArgError{"--profile must be realistic, 64 or imix, got '" + std::string(value) +
                         "'"};
        }
      } else if (key == "duration") {
        double sec = 0;
        if (!parse_double(value, sec) || sec < 0.001 || sec > kMaxDurationSec) {
          throw ArgError{"--duration must be a number of seconds in [0.001, " +
                         std::to_string(int64_t(kMaxDurationSec)) + "], got '" +
                         std::string(value) + "'"};
        }
        o.duration_us = int64_t(std::llround(sec * 1e6));
      } else if (key == "start") {
        o.start_unix = int64_t(int_arg(key, value, 0, 4'000'000'000ULL));
      } else if (key == "ipv6-share") {
        o.ipv6_share = share_arg(key, value);
      } else if (key == "vlan-share") {
        o.vlan_share = share_arg(key, value);
      } else if (key == "rst-share") {
        o.rst_share = share_arg(key, value);
      } else if (key == "noclose-share") {
        o.noclose_share = share_arg(key, value);
      } else {
        throw ArgError{"unknown option '" + std::string(name) + "' (see --help)"};
      }
    }
    if (o.out_path.empty()) throw ArgError{"--out FILE is required (see --help)"};
    if (o.rst_share + o.noclose_share > 1.0) {
      throw ArgError{"--rst-share plus --noclose-share must not exceed 1"};
    }
    // pcap timestamps are unsigned 32-bit seconds.
    if (o.start_unix + o.duration_us / 1'000'000 + 1 > int64_t(UINT32_MAX)) {
      throw ArgError{"--start plus --duration must stay below 2^32 seconds (pcap limit)"};
    }
  } catch (const ArgError& e) {
    result.exit_code = 2;
    result.message = "btgen: " + e.message + "\n";
  }
  return result;
}

}  // namespace btsensor::gen
