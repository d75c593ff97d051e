// decode_packet() per frame: on the generated mix (VLAN, IPv6, TCP, UDP as btgen writes
// them) and on one minimal 64-byte IPv4/TCP frame.
#include <array>

#include "bench/micro/micro_util.hpp"
#include "btsensor/decode.hpp"

namespace btsensor::bench {
namespace {

void BM_DecodeMix(benchmark::State& state, const char* profile) {
  const LoadedCapture& c = mix_capture(profile);
  if (!c.error.empty()) return state.SkipWithError(c.error.c_str());
  size_t i = 0, n = c.packets.size();
  DecodedPacket d;
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    const RawPacket& p = c.packets[i];
    benchmark::DoNotOptimize(decode_packet(p.link, {p.data, p.caplen}, d));
    benchmark::DoNotOptimize(d);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK_CAPTURE(BM_DecodeMix, realistic, "realistic");
BENCHMARK_CAPTURE(BM_DecodeMix, imix, "imix");

void BM_DecodeTcp64(benchmark::State& state) {
  // Ethernet II (type 0x0800) + IPv4 (IHL 5, total length 46, proto 6) + TCP (data offset
  // 5, flags ACK) + 6 bytes of payload = 60 bytes, the pcap size of a 64-byte wire frame.
  std::array<uint8_t, 60> f{};
  f[12] = 0x08, f[13] = 0x00;
  f[14] = 0x45, f[17] = 46, f[22] = 64, f[23] = 6;
  f[26] = 10, f[29] = 1, f[30] = 198, f[31] = 18, f[33] = 1;
  f[34] = 0xc3, f[35] = 0x50, f[36] = 0x1a, f[37] = 0xe1;
  f[46] = 0x50, f[47] = 0x10;
  DecodedPacket d;
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    benchmark::DoNotOptimize(decode_packet(LinkType::kEthernet, f, d));
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_DecodeTcp64);

}  // namespace
}  // namespace btsensor::bench
