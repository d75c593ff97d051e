// The JSON reader behind the control socket (`btsensor ctl` requests) and the state file
// (labels and learned peers kept across a restart): parse_json over any text, and
// decode_state with a round trip: what decodes must encode and decode to the same state.
#include "control/json.hpp"
#include "control/state_file.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string_view text = fuzz::as_text({data + 1, size - 1});
  if (data[0] % 2 == 0) {
    std::string err;
    auto v = parse_json(text, &err);
    FUZZ_CHECK(v.has_value() || !err.empty());  // a rejection says why
    return 0;
  }
  auto s = decode_state(text, "fuzz.json");
  if (!s) {
    FUZZ_CHECK(!s.error().empty());
    return 0;
  }
  const std::string once = encode_state(*s);
  auto again = decode_state(once, "again.json");
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(encode_state(*again) == once);
  return 0;
}
