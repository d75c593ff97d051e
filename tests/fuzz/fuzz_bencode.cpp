// Bencode validator, dict/list cursors, find_key and the HTTP body classifier over arbitrary
// bytes. Checks: consumed within the input, every value's raw bytes inside the input, the
// cursors terminate.
#include "engine/proto/bencode.hpp"
#include "engine/proto/http.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

namespace {

// Walks nested containers; depth-bounded by the parser's own kBencodeMaxDepth.
void walk(fuzz::Bytes in, const BencodeValue& v, int depth) {
  FUZZ_CHECK(fuzz::inside(in, v.raw));
  FUZZ_CHECK(depth <= 1000);
  (void)bencode_string(v);
  (void)bencode_text(v);
  (void)bencode_int(v);
  size_t steps = 0;
  if (v.type == BencodeType::dict) {
    DictCursor c(v.raw);
    std::string_view key;
    BencodeValue child;
    while (c.next(&key, &child)) {
      FUZZ_CHECK(fuzz::inside(in, key));
      FUZZ_CHECK(++steps <= in.size());
      walk(in, child, depth + 1);
    }
    (void)find_key(v, "info_hash");
  } else if (v.type == BencodeType::list) {
    ListCursor c(v.raw);
    BencodeValue child;
    while (c.next(&child)) {
      FUZZ_CHECK(++steps <= in.size());
      walk(in, child, depth + 1);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  size_t consumed = 0;
  BencodeStatus st = validate(in, &consumed);
  if (st == BencodeStatus::complete) FUZZ_CHECK(consumed >= 2 && consumed <= size);
  if (size > 0 && (data[0] == 'd' || data[0] == 'l')) {
    BencodeValue v;
    v.type = data[0] == 'd' ? BencodeType::dict : BencodeType::list;
    v.raw = in;
    v.complete = st == BencodeStatus::complete;
    walk(in, v, 0);
  }
  for (const char* key : {"peers", "interval", "files", "info", "a", "r"}) {
    auto v = find_key(in, key);
    if (v) walk(in, *v, 0);
  }
  (void)classify_bencoded_body(in);
  return 0;
}
