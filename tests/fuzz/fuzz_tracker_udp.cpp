// UDP tracker (BEP 15) request/response parsers and the transaction checks. The input is
// split in a request and a response at a fuzzed point.
#include "engine/proto/tracker_udp.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  fuzz::Bytes all(data + 1, size - 1);
  size_t cut = std::min<size_t>(data[0] * 2u, all.size());
  fuzz::Bytes req_bytes = all.first(cut), resp_bytes = all.subspan(cut);
  UdpTrackerRequest req;
  UdpTrackerResponse resp4, resp6;
  bool rq = parse_udp_tracker_request(req_bytes, req);
  bool r4 = parse_udp_tracker_response(resp_bytes, false, resp4);
  bool r6 = parse_udp_tracker_response(resp_bytes, true, resp6);
  // Each side on the whole input too (a datagram is either).
  UdpTrackerRequest req2;
  UdpTrackerResponse resp2;
  (void)parse_udp_tracker_request(all, req2);
  (void)parse_udp_tracker_response(all, false, resp2);
  if (rq && (r4 || r6)) {
    (void)matches_transaction(req, r4 ? resp4 : resp6);
    (void)connection_issued(r4 ? resp4 : resp6, req);
  }
  (void)matches_transaction(req2, resp2);
  (void)connection_issued(resp2, req2);
  return 0;
}
