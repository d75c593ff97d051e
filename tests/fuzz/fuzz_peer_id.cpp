// Client identification from a peer_id and from an HTTP User-Agent.
#include "engine/proto/peer_id.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  PeerIdClient c;
  bool known = identify_peer_id(in, c);
  FUZZ_CHECK(known == c.known());
  // Bytes past the 20th are never looked at: the same result on the 20-byte prefix.
  if (size > 20) {
    PeerIdClient c20;
    FUZZ_CHECK(identify_peer_id(in.first(20), c20) == known);
  }
  std::string_view ua = client_from_user_agent(fuzz::as_text(in));
  (void)ua;
  return 0;
}
