// TLS ClientHello parser (SNI, ALPN).
#include "engine/proto/tls.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  TlsClientHello h;
  TlsStatus st = parse_client_hello(in, h);
  FUZZ_CHECK(fuzz::inside(in, h.session_id));
  FUZZ_CHECK(fuzz::inside(in, h.sni));
  FUZZ_CHECK(fuzz::inside(in, h.alpn_first));
  FUZZ_CHECK(h.extension_count <= kTlsMaxExtensions);
  if (st == TlsStatus::kOk || st == TlsStatus::kTruncated) FUZZ_CHECK(h.has_sni || h.sni.empty());
  return 0;
}
