// The sensor config parser (every section: home_net, flows, dpi, hosts, outputs, reputation,
// dataplane) over arbitrary YAML text. Checks: it never throws, and an accepted config holds
// values inside the documented ranges.
#include "control/config.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  auto cfg = parse_config(text, "fuzz.yaml", diag);
  if (cfg) {
    FUZZ_CHECK(diag.empty());
    FUZZ_CHECK(cfg->engine.flow_capacity >= 16 && cfg->engine.flow_capacity <= (1u << 30));
    FUZZ_CHECK(cfg->engine.host_capacity >= 8 && cfg->engine.host_capacity <= (1u << 26));
    FUZZ_CHECK(cfg->engine.expiry_budget >= 1);
    FUZZ_CHECK(cfg->reputation.max_entries >= 1);
  } else {
    FUZZ_CHECK(!diag.empty());  // a rejected config always says why
  }
  return 0;
}
