// Local Service Discovery (BEP 14) announce parser.
#include "engine/proto/lsd.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  LsdAnnounce a;
  if (parse_lsd(in, a)) {
    FUZZ_CHECK(a.port != 0);
    FUZZ_CHECK(a.infohash_count >= 1);
    FUZZ_CHECK(fuzz::inside(in, a.cookie));
  }
  return 0;
}
