// KRPC (BEP 5) parser and the compact peer/node decoders.
#include <array>

#include "engine/proto/dht.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  DhtMessage m;
  std::array<PeerEndpoint, 8> peers;
  if (parse_dht(in, m)) {
    FUZZ_CHECK(fuzz::inside(in, m.transaction_id));
    FUZZ_CHECK(!m.transaction_id.empty());
    FUZZ_CHECK(fuzz::inside(in, m.query_name));
    FUZZ_CHECK(fuzz::inside(in, m.nodes) && fuzz::inside(in, m.nodes6));
    FUZZ_CHECK(fuzz::inside(in, m.values));
    FUZZ_CHECK(fuzz::inside(in, m.error_message));
    FUZZ_CHECK(m.version_len <= 4);
    FUZZ_CHECK(dht_query_name(m.query) != nullptr);
    FUZZ_CHECK(decode_compact_nodes(m.nodes, false, peers) <= peers.size());
    FUZZ_CHECK(decode_compact_nodes(m.nodes6, true, peers) <= peers.size());
    FUZZ_CHECK(decode_dht_values(m.values, peers) <= peers.size());
  }
  // The decoders on their own: any bytes, and a cap smaller than the data.
  FUZZ_CHECK(decode_compact_peers(in, size % 2 == 0, peers) <= peers.size());
  FUZZ_CHECK(decode_compact_nodes(in, size % 3 == 0, std::span(peers).first(size % 5)) <= size % 5);
  FUZZ_CHECK(decode_dht_values(in, peers) <= peers.size());
  return 0;
}
