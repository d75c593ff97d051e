// btgen: writes a deterministic synthetic pcap (+ optional ground truth) for btsensor tests
// and benchmarks. See `btgen --help` and generator.hpp for the design.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "generator.hpp"
#include "options.hpp"
#include "pcap_writer.hpp"
#include "truth_writer.hpp"

namespace {

std::string base_name(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace btsensor::gen;
  const ParsedArgs parsed = parse_args(argc, argv);
  if (parsed.exit_code >= 0) {
    std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  const Options& o = parsed.options;
  try {
    const auto t0 = std::chrono::steady_clock::now();
    PcapWriter pcap(o.out_path);
    TruthWriter truth(o.truth_path, base_name(o.out_path));
    Generator gen(o, pcap, truth);
    gen.run();
    pcap.close();
    truth.close();
    if (!o.quiet) {
      const double secs =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const Generator::Stats s = gen.stats();
      std::fprintf(
          stderr,
          "btgen: %llu flows (%llu BT, %llu sessions), %llu packets, %.1f MB in %.2f s "
          "(%.2f Mpkt/s), peak %zu active flows\n",
          static_cast<unsigned long long>(s.flows), static_cast<unsigned long long>(s.bt_flows),
          static_cast<unsigned long long>(s.sessions),
          static_cast<unsigned long long>(pcap.packets()), double(pcap.bytes_written()) / 1e6, secs,
          secs > 0 ? double(pcap.packets()) / secs / 1e6 : 0.0, s.peak_active);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "btgen: %s\n", e.what());
    return 1;
  }
  return 0;
}
