// Peer wire (BEP 3) handshake, message framing, extension handshake (BEP 10), Azureus
// messaging (AZMP) and BSYNC over arbitrary segments.
#include "engine/proto/peer_wire.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  PeerHandshake hs;
  HandshakeStatus hst = parse_handshake(in, hs);
  fuzz::Bytes after = in;
  if (hst == HandshakeStatus::complete || hst == HandshakeStatus::no_peer_id) {
    FUZZ_CHECK(hs.length == kHandshakeNoPeerIdLen || hs.length == kHandshakeLen);
    FUZZ_CHECK(hs.length <= size);
    after = in.subspan(hs.length);
  }
  PeerMessage msg;
  size_t consumed = 0;
  if (parse_peer_message(after, msg, &consumed) == FramingStatus::valid) {
    FUZZ_CHECK(consumed <= after.size());
    FUZZ_CHECK(fuzz::inside(in, msg.payload));
  }
  FramingSummary sum;
  (void)validate_peer_framing(after, sum);
  FUZZ_CHECK(sum.consumed <= after.size());
  FUZZ_CHECK(sum.messages <= kPeerMaxFramedMessages);
  for (fuzz::Bytes seg : {in, after}) {
    ExtensionHandshake ext;
    if (parse_extension_handshake(seg, ext)) {
      FUZZ_CHECK(fuzz::inside(in, ext.client));
      FUZZ_CHECK(fuzz::inside(in, ext.yourip));
      FUZZ_CHECK(ext.yourip.empty() || ext.yourip.size() == 4 || ext.yourip.size() == 16);
    }
    AzmpMessage az;
    if (parse_azmp_message(seg, az)) {
      FUZZ_CHECK(fuzz::inside(in, az.name));
      FUZZ_CHECK(fuzz::inside(in, az.payload));
      FUZZ_CHECK(az.name.size() <= kAzmpMaxNameLen);
    }
    (void)is_bsync(seg);
  }
  return 0;
}
