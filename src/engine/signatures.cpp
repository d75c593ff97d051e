#include "btsensor/signatures.hpp"

namespace btsensor {

SignatureSet::~SignatureSet() {
  for (hs_scratch_t* s : scratch) hs_free_scratch(s);
  hs_free_database(tcp_db);
  hs_free_database(udp_db);
}

const char* validator_name(Validator v) {
  switch (v) {
    case Validator::kNone:
      return "none";
    case Validator::kPeerHandshake:
      return "peer_handshake";
    case Validator::kPeerFraming:
      return "peer_framing";
    case Validator::kExtensionHandshake:
      return "extension_handshake";
    case Validator::kAzmp:
      return "azmp";
    case Validator::kHttpRequest:
      return "http_request";
    case Validator::kHttpResponse:
      return "http_response";
    case Validator::kUdpTracker:
      return "udp_tracker";
    case Validator::kDht:
      return "dht";
    case Validator::kUtp:
      return "utp";
    case Validator::kUtpHandshake:
      return "utp_handshake";
    case Validator::kLsd:
      return "lsd";
    case Validator::kTlsClientHello:
      return "tls_client_hello";
    case Validator::kCount_:
      break;
  }
  return "unknown";
}

}  // namespace btsensor
