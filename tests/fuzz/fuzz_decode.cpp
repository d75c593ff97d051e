// decode_packet / decode_tuple over every supported link type. The first byte picks the link
// type, the rest is the frame. Checks: the payload lies inside the frame, decode_tuple agrees
// with decode_packet, the status is a known value.
#include <algorithm>
#include <iterator>
#include <memory>

#include "btsensor/decode.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static constexpr LinkType kLinks[] = {LinkType::kNull,     LinkType::kEthernet, LinkType::kRaw,
                                        LinkType::kLinuxSll, LinkType::kIpv4,     LinkType::kIpv6,
                                        LinkType::kLinuxSll2};
  if (size < 1) return 0;
  LinkType link = kLinks[data[0] % std::size(kLinks)];
  FUZZ_CHECK(link_type_supported(uint32_t(link)));
  fuzz::Bytes frame(data + 1, size - 1);
  // A copy of exactly the frame's size on the heap: ASan then flags any read past caplen
  // (the fuzzer's own buffer may have slack after it).
  std::unique_ptr<uint8_t[]> own(new uint8_t[frame.size() ? frame.size() : 1]);
  std::copy(frame.begin(), frame.end(), own.get());
  fuzz::Bytes f(own.get(), frame.size());

  DecodedPacket d;
  DecodeStatus st = decode_packet(link, f, d);
  FUZZ_CHECK(size_t(st) < kDecodeStatusCount);
  FUZZ_CHECK(decode_status_name(st) != nullptr);
  FiveTuple t;
  bool tuple_ok = decode_tuple(link, f, t);
  FUZZ_CHECK(tuple_ok == (st == DecodeStatus::ok));
  if (st == DecodeStatus::ok) {
    FUZZ_CHECK(fuzz::inside(f, d.payload, d.payload_len));
    FUZZ_CHECK(t.src == d.tuple.src && t.dst == d.tuple.dst && t.sport == d.tuple.sport &&
               t.dport == d.tuple.dport && t.proto == d.tuple.proto);
    FUZZ_CHECK(tunnel_name(d.tunnel) != nullptr);
    volatile uint8_t sink = 0;
    for (uint32_t i = 0; i < d.payload_len; ++i) sink = sink ^ d.payload[i];
  }
  return 0;
}
