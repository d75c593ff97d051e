// hs_scan of one payload with the real pipelines/bittorrent/signatures.yaml databases, at
// 64, 256 and 1500 bytes: random bytes (no signature matches: most payloads a sensor
// inspects) and a BitTorrent handshake followed by random bytes (prefilter hit).
#include <hs/hs.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/micro/micro_util.hpp"
#include "btsensor_paths.hpp"
#include "control/signature_loader.hpp"

namespace btsensor::bench {
namespace {

const SignatureSet* signatures() {
  static std::unique_ptr<SignatureSet> set = [] {
    Diagnostics diag;
    auto s = load_signatures(std::string(BTSENSOR_SOURCE_PIPELINES) + "/bittorrent/signatures.yaml",
                             1, diag);
    return s ? std::move(*s) : nullptr;
  }();
  return set.get();
}

// The classifier's callback does as little: record the id, keep scanning.
int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  static_cast<uint64_t*>(ctx)[id / 64] |= uint64_t(1) << (id % 64);
  return 0;
}

void BM_Hyperscan(benchmark::State& state, bool tcp, bool handshake) {
  const SignatureSet* s = signatures();
  if (!s) return state.SkipWithError("signatures.yaml did not load");
  hs_database_t* db = tcp ? s->tcp_db : s->udp_db;
  size_t len = size_t(state.range(0));
  std::vector<uint8_t> payload(len);
  uint64_t rng = 3;
  for (auto& b : payload) b = uint8_t(next_random(rng));
  if (handshake) {
    // BEP 3: pstrlen 19, "BitTorrent protocol", 8 reserved bytes (info_hash, peer_id follow).
    static const char kHs[] =
        "\x13"
        "BitTorrent protocol\0\0\0\0\0\x10\0\x05";
    std::memcpy(payload.data(), kHs, std::min(len, sizeof kHs - 1));
  }
  uint64_t bits[2] = {0, 0};
  CyclesPerOp cyc(state);
  for (auto _ : state) {
    hs_scan(db, reinterpret_cast<const char*>(payload.data()), unsigned(len), 0, s->scratch[0],
            on_match, bits);
    benchmark::DoNotOptimize(bits);
  }
  state.counters["matched"] = double(bits[0] != 0 || bits[1] != 0);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(len));
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK_CAPTURE(BM_Hyperscan, tcp_random, true, false)->Arg(64)->Arg(256)->Arg(1500);
BENCHMARK_CAPTURE(BM_Hyperscan, udp_random, false, false)->Arg(64)->Arg(256)->Arg(1500);
BENCHMARK_CAPTURE(BM_Hyperscan, tcp_handshake, true, true)->Arg(64)->Arg(256)->Arg(1500);

}  // namespace
}  // namespace btsensor::bench
