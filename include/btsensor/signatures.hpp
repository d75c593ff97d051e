// Compiled BitTorrent signatures: what the control plane publishes and shards scan with.
//
// Each signature is a Hyperscan pattern (a cheap prefilter over the first payload bytes of a
// flow direction) plus an optional structural validator in C++ (the pattern says "this may be
// a DHT message", the validator parses the bencoded dict and says "it is"). The set is
// immutable once built; the control plane builds a new one on reload and publishes it with
// RCU (published.hpp). It owns one Hyperscan scratch per shard (hs_clone_scratch), so shards
// never allocate.
#pragma once

#include <hs/hs.h>

#include <cstdint>
#include <string>
#include <vector>

#include "btsensor/evidence.hpp"

namespace btsensor {

// The structural check that confirms a pattern match. Validators live in the classifier.
enum class Validator : uint8_t {
  kNone,                // the pattern alone is the evidence
  kPeerHandshake,       // BEP 3 handshake: info_hash, peer_id
  kPeerFraming,         // BEP 3 message framing (mid-stream)
  kExtensionHandshake,  // BEP 10 extended handshake
  kAzmp,                // Azureus messaging handshake
  kHttpRequest,         // tracker announce/scrape, .torrent, magnet, User-Agent, Host
  kHttpResponse,        // bencoded tracker reply / .torrent body, compact peers
  kUdpTracker,          // BEP 15 (needs a request/reply pair or a connect magic)
  kDht,                 // BEP 5 KRPC, any key order
  kUtp,                 // BEP 29 header; corroborated across packets
  kUtpHandshake,        // BEP 3 handshake inside a uTP DATA payload
  kLsd,                 // BEP 14
  kTlsClientHello,      // SNI for name hunting
  kCount_
};
const char* validator_name(Validator v);

enum class Direction : uint8_t { kAny, kToServer, kToClient };

enum : uint8_t { kTransportTcp = 1, kTransportUdp = 2 };

struct SignatureMeta {
  uint32_t id = 0;   // as written in the file (stable, for metrics and evidence)
  std::string name;  // metric label: low cardinality, [a-z0-9_]
  std::string file;  // where it was defined
  int line = 0;
  Validator validator = Validator::kNone;
  Evidence evidence = Evidence::kPeerHandshake;
  Confidence confidence = Confidence::kHigh;
  uint8_t transports = kTransportTcp | kTransportUdp;
  Direction direction = Direction::kAny;
  // false: matches are still counted and recorded as evidence, but never make a flow
  // "bittorrent" nor feed the host models (BitTorrent Sync is off by default).
  bool detect = true;
};

// Hyperscan ids are indices into `sigs`; at most kMaxSignatures so that a scan's matches fit
// in a fixed bitset.
constexpr size_t kMaxSignatures = 128;

class SignatureSet {
 public:
  SignatureSet() = default;
  ~SignatureSet();
  SignatureSet(const SignatureSet&) = delete;
  SignatureSet& operator=(const SignatureSet&) = delete;

  std::vector<SignatureMeta> sigs;
  hs_database_t* tcp_db = nullptr;  // signatures whose transports include TCP (may be null)
  hs_database_t* udp_db = nullptr;
  std::vector<hs_scratch_t*> scratch;  // one per shard, sized for both databases
};

}  // namespace btsensor
