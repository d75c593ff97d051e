// uTP (BEP 29) header parser and the cross-packet corroboration checks. The input is split
// in two packets at a fuzzed point (a SYN and its reply / a later packet).
#include "engine/proto/utp.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t cut = data[0] <= size - 1 ? data[0] : size - 1;
  fuzz::Bytes a(data + 1, cut), b(data + 1 + cut, size - 1 - cut);
  for (fuzz::Bytes p : {a, b}) {
    UtpHeader h = parse_utp(p);
    FUZZ_CHECK(utp_status_name(h.status) != nullptr);
    if (h.valid()) FUZZ_CHECK(size_t(h.payload_offset) + h.payload_len == p.size());
  }
  UtpHeader ha = parse_utp(a), hb = parse_utp(b);
  (void)utp_reply_matches(ha, hb);
  (void)utp_same_connection(ha, hb, true);
  (void)utp_same_connection(ha, hb, false);
  return 0;
}
