// DNS message parser (question, answers, CNAME chains, compression pointers) and the name
// decoder at every offset of the first bytes.
#include <array>
#include <cstring>

#include "engine/proto/dns.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

namespace {

void check_name(const DnsName& n) {
  FUZZ_CHECK(n.len < kDnsNameBufLen);
  FUZZ_CHECK(n.text[n.len] == '\0');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  DnsMessage m;
  // The first byte picks how much caller storage there is (0 .. 7 slots): caps must hold.
  size_t slots = size ? data[0] % 8 : 4;
  std::array<DnsAddress, 8> addrs;
  std::array<DnsName, 8> cnames;
  (void)parse_dns(in, m, std::span(addrs).first(slots), std::span(cnames).first(slots));
  FUZZ_CHECK(m.addr_count <= slots);
  FUZZ_CHECK(m.cname_count <= slots);
  FUZZ_CHECK(m.answers_walked <= kDnsMaxAnswers);
  check_name(m.qname);
  for (size_t i = 0; i < m.cname_count; ++i) check_name(cnames[i]);
  for (size_t off = 0; off < std::min<size_t>(size, 64); ++off) {
    DnsName n;
    size_t next = 0;
    if (decode_dns_name(in, off, n, next)) {
      check_name(n);
      FUZZ_CHECK(next > off && next <= size);
    }
  }
  return 0;
}
