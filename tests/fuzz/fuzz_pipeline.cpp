// The pipeline files: signatures.yaml, hunting.yaml and models.yaml. The first byte picks the
// file the rest of the input becomes; the other two are the shipped ones (hunting, models) or
// a one-signature file (signatures: compiling the full set per input would make the target
// ~100x slower). Then load_pipeline() runs over that directory as check-config would.
// Fuzzed signature sets are also parsed on their own; they are compiled only when small, so
// one pathological pattern cannot turn the target into a Hyperscan compile benchmark.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "btsensor_paths.hpp"
#include "control/models_loader.hpp"
#include "control/pipeline.hpp"
#include "control/signature_loader.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const std::string kOneSignature =
    "signatures:\n"
    "  - id: 1\n"
    "    name: peer_handshake\n"
    "    transport: tcp\n"
    "    pattern: '^\\x13BitTorrent protocol'\n"
    "    validator: peer_handshake\n"
    "    evidence: peer_handshake\n"
    "    confidence: high\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string src = std::string(BTSENSOR_SOURCE_PIPELINES) + "/bittorrent/";
  static const std::string hunting = slurp(src + "hunting.yaml");
  static const std::string models = slurp(src + "models.yaml");
  if (size < 1) return 0;
  std::string_view text = fuzz::as_text({data + 1, size - 1});
  int which = data[0] % 3;
  const std::string& dir = fuzz::scratch_dir();
  fuzz::write_scratch("signatures.yaml", which == 0 ? text : std::string_view(kOneSignature));
  fuzz::write_scratch("hunting.yaml", which == 1 ? text : std::string_view(hunting));
  std::string models_path = fuzz::write_scratch("models.yaml", which == 2 ? text : models);

  if (which == 0) {
    Diagnostics diag;
    auto parsed = parse_signatures_text(std::string(text), "signatures.yaml", diag);
    if (parsed) {
      size_t pattern_bytes = 0;
      for (const auto& s : *parsed) pattern_bytes += s.pattern.size();
      if (parsed->size() <= 4 && pattern_bytes <= 64) {
        Diagnostics cdiag;
        auto set = compile_signatures(std::move(*parsed), 1, cdiag);
        FUZZ_CHECK(bool(set) || !cdiag.empty());
      }
    } else {
      FUZZ_CHECK(!diag.empty());
    }
    return 0;  // load_pipeline would compile the fuzzed set unconditionally
  }
  Diagnostics diag;
  auto p = load_pipeline(dir, 1, diag);
  if (p) {
    FUZZ_CHECK(p->signatures && p->names && p->models);
  } else {
    FUZZ_CHECK(!diag.empty());
  }
  if (which == 2) {
    Diagnostics mdiag;
    (void)load_models(models_path, mdiag);
  }
  return 0;
}
