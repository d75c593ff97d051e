#include "engine/proto/bencode.hpp"

namespace btsensor::proto {
namespace {

bool is_digit(uint8_t c) {
  return c >= '0' && c <= '9';
}

// Scans "i<digits>e" starting at in[pos] == 'i'. On complete, *end is one past the 'e'.
BencodeStatus scan_int(std::span<const uint8_t> in, size_t pos, size_t* end) {
  const size_t n = in.size();
  size_t p = pos + 1;  // skip 'i'
  bool negative = false;
  if (p < n && in[p] == '-') {
    negative = true;
    ++p;
  }
  if (p >= n) return BencodeStatus::truncated;
  if (!is_digit(in[p])) return BencodeStatus::invalid;  // "ie", "i-e", "i+1e", "i e"
  if (in[p] == '0') {
    // "i0e" is the only integer that may start with 0; "i-0…" can never become valid.
    if (negative) return BencodeStatus::invalid;
    ++p;
    if (p >= n) return BencodeStatus::truncated;
    if (in[p] != 'e') return BencodeStatus::invalid;  // "i01e", "i0xe"
    *end = p + 1;
    return BencodeStatus::complete;
  }
  // Each iteration consumes one byte, so this loop is bounded by the input size.
  while (p < n && is_digit(in[p])) ++p;
  if (p >= n) return BencodeStatus::truncated;
  if (in[p] != 'e') return BencodeStatus::invalid;
  *end = p + 1;
  return BencodeStatus::complete;
}

// Scans "<len>:<bytes>" starting at a digit. On complete, *end is one past the last byte.
BencodeStatus scan_string(std::span<const uint8_t> in, size_t pos, size_t* end) {
  const size_t n = in.size();
  size_t p = pos;
  size_t len = 0;
  size_t digits = 0;
  // Bounded by kBencodeMaxLenDigits + 1 iterations (and by the input size).
  while (p < n && is_digit(in[p])) {
    if (digits == 1 && in[pos] == '0') return BencodeStatus::invalid;  // "03:abc": leading zero
    if (++digits > kBencodeMaxLenDigits) return BencodeStatus::invalid;
    len = len * 10 + size_t(in[p] - '0');
    ++p;
  }
  if (p >= n) return BencodeStatus::truncated;
  if (in[p] != ':') return BencodeStatus::invalid;
  ++p;
  if (len > n - p) return BencodeStatus::truncated;  // bounded by the input: data cut short
  *end = p + len;
  return BencodeStatus::complete;
}

// What the innermost open container expects next.
enum class Frame : uint8_t { list, dict_key, dict_value };

// Walks exactly one value starting at in[pos] with an explicit stack instead of recursion.
BencodeStatus scan_value(std::span<const uint8_t> in, size_t pos, size_t* end) {
  Frame stack[kBencodeMaxDepth];
  size_t depth = 0;
  const size_t n = in.size();
  // Every iteration consumes at least one byte, so at most n + 1 iterations can happen; the
  // explicit cap makes that bound visible and survives future edits of the loop body.
  for (size_t steps = 0; steps <= n; ++steps) {
    if (pos >= n) return BencodeStatus::truncated;
    const uint8_t c = in[pos];
    if (depth > 0 && c == 'e') {
      if (stack[depth - 1] == Frame::dict_value) return BencodeStatus::invalid;  // key, no value
      ++pos;
      --depth;
    } else if (depth > 0 && stack[depth - 1] == Frame::dict_key && !is_digit(c)) {
      return BencodeStatus::invalid;  // dictionary keys must be byte strings
    } else if (c == 'l' || c == 'd') {
      if (depth == kBencodeMaxDepth) return BencodeStatus::invalid;
      stack[depth++] = (c == 'l') ? Frame::list : Frame::dict_key;
      ++pos;
      continue;  // the new container has no value yet; the parent state changes when it closes
    } else if (c == 'i') {
      const BencodeStatus s = scan_int(in, pos, &pos);
      if (s != BencodeStatus::complete) return s;
    } else if (is_digit(c)) {
      const BencodeStatus s = scan_string(in, pos, &pos);
      if (s != BencodeStatus::complete) return s;
    } else {
      return BencodeStatus::invalid;
    }
    // A value (scalar or closed container) just ended.
    if (depth == 0) {
      *end = pos;
      return BencodeStatus::complete;
    }
    Frame& top = stack[depth - 1];
    if (top == Frame::dict_key) {
      top = Frame::dict_value;
    } else if (top == Frame::dict_value) {
      top = Frame::dict_key;
    }
  }
  return BencodeStatus::invalid;  // unreachable: each step consumes input
}

BencodeType type_of(uint8_t c) {
  switch (c) {
    case 'i':
      return BencodeType::integer;
    case 'l':
      return BencodeType::list;
    case 'd':
      return BencodeType::dict;
    default:
      return BencodeType::string;
  }
}

// Shared by both cursors: scans the value at *pos, fills *out, advances *pos.
// Returns the scan status; on truncated with at least one byte present, *out is filled as an
// incomplete value.
BencodeStatus read_element(std::span<const uint8_t> in, size_t* pos, BencodeValue* out) {
  size_t end = 0;
  const BencodeStatus s = scan_value(in, *pos, &end);
  if (s == BencodeStatus::complete) {
    *out = BencodeValue{type_of(in[*pos]), in.subspan(*pos, end - *pos), true};
    *pos = end;
  } else if (s == BencodeStatus::truncated && *pos < in.size()) {
    *out = BencodeValue{type_of(in[*pos]), in.subspan(*pos), false};
    *pos = in.size();
  }
  return s;
}

}  // namespace

BencodeStatus validate(std::span<const uint8_t> input, size_t* consumed) noexcept {
  size_t end = 0;
  const BencodeStatus s = scan_value(input, 0, &end);
  if (s == BencodeStatus::complete && consumed != nullptr) *consumed = end;
  return s;
}

std::optional<std::span<const uint8_t>> bencode_string(const BencodeValue& v) noexcept {
  if (v.type != BencodeType::string || !v.complete) return std::nullopt;
  size_t p = 0;
  // A complete string has a ':' within kBencodeMaxLenDigits + 1 bytes; the cap bounds the scan.
  while (p < v.raw.size() && p <= kBencodeMaxLenDigits && v.raw[p] != ':') ++p;
  if (p >= v.raw.size() || v.raw[p] != ':') return std::nullopt;
  return v.raw.subspan(p + 1);
}

std::optional<std::string_view> bencode_text(const BencodeValue& v) noexcept {
  const auto s = bencode_string(v);
  if (!s) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(s->data()), s->size());
}

std::optional<int64_t> bencode_int(const BencodeValue& v) noexcept {
  if (v.type != BencodeType::integer || !v.complete || v.raw.size() < 3) return std::nullopt;
  size_t p = 1;  // skip 'i'
  const bool negative = v.raw[p] == '-';
  if (negative) ++p;
  // Accumulate as a negative number so that INT64_MIN is representable.
  int64_t acc = 0;
  constexpr int64_t kMin = INT64_MIN;
  const size_t first_digit = p;
  // Bounded by the value size; a complete value ends with 'e'.
  for (; p < v.raw.size() && is_digit(v.raw[p]); ++p) {
    const int64_t d = v.raw[p] - '0';
    // Division truncates toward zero, i.e. rounds this negative quotient up, which is exactly
    // the smallest acc for which acc * 10 - d does not go below INT64_MIN.
    if (acc < (kMin + d) / 10) return std::nullopt;
    acc = acc * 10 - d;
  }
  // Defensive: a hand-built BencodeValue might not be well formed.
  if (p == first_digit || p + 1 != v.raw.size() || v.raw[p] != 'e') return std::nullopt;
  if (negative) return acc;
  if (acc == kMin) return std::nullopt;
  return -acc;
}

DictCursor::DictCursor(std::span<const uint8_t> dict) noexcept : in_(dict) {
  if (in_.empty()) {
    done_ = true;  // status_ stays truncated
  } else if (in_[0] != 'd') {
    done_ = true;
    status_ = BencodeStatus::invalid;
  } else {
    pos_ = 1;
  }
}

bool DictCursor::next(std::string_view* key, BencodeValue* value) noexcept {
  if (done_) return false;
  done_ = true;                          // any early return below ends the iteration
  if (pos_ >= in_.size()) return false;  // truncated before the key
  if (in_[pos_] == 'e') {
    status_ = BencodeStatus::complete;
    return false;
  }
  if (!is_digit(in_[pos_])) {
    status_ = BencodeStatus::invalid;
    return false;
  }
  size_t key_end = 0;
  const BencodeStatus ks = scan_string(in_, pos_, &key_end);
  if (ks != BencodeStatus::complete) {
    status_ = ks;
    return false;
  }
  BencodeValue key_value{BencodeType::string, in_.subspan(pos_, key_end - pos_), true};
  *key = *bencode_text(key_value);  // a complete string always has a payload
  pos_ = key_end;
  const BencodeStatus vs = read_element(in_, &pos_, value);
  if (vs == BencodeStatus::invalid) {
    status_ = vs;
    return false;
  }
  // Truncated: yield the incomplete value once if at least its first byte is present.
  if (vs == BencodeStatus::truncated) return key_end < in_.size();
  done_ = false;
  return true;
}

ListCursor::ListCursor(std::span<const uint8_t> list) noexcept : in_(list) {
  if (in_.empty()) {
    done_ = true;
  } else if (in_[0] != 'l') {
    done_ = true;
    status_ = BencodeStatus::invalid;
  } else {
    pos_ = 1;
  }
}

bool ListCursor::next(BencodeValue* value) noexcept {
  if (done_) return false;
  done_ = true;
  if (pos_ >= in_.size()) return false;
  if (in_[pos_] == 'e') {
    status_ = BencodeStatus::complete;
    return false;
  }
  const BencodeStatus s = read_element(in_, &pos_, value);
  if (s == BencodeStatus::invalid) {
    status_ = s;
    return false;
  }
  if (s == BencodeStatus::truncated) return true;  // an incomplete element (pos_ < size held)
  done_ = false;
  return true;
}

std::optional<BencodeValue> find_key(std::span<const uint8_t> dict, std::string_view key) noexcept {
  DictCursor cursor(dict);
  std::string_view k;
  BencodeValue v;
  // Each next() consumes at least 3 bytes ("0:" + a value), so the loop is bounded by the
  // input size; the cursor itself stops on the first malformed byte.
  while (cursor.next(&k, &v)) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::optional<BencodeValue> find_key(const BencodeValue& dict, std::string_view key) noexcept {
  if (dict.type != BencodeType::dict) return std::nullopt;
  return find_key(dict.raw, key);
}

}  // namespace btsensor::proto
