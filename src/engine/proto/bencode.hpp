// Bounded, non-recursive bencode (BEP 3) validator and allocation-free dictionary/list walker.
//
// Shared by the DHT (BEP 5), UDP/HTTP tracker reply and BEP 10 extension-handshake parsers.
// Runs on worker lcores in the packet hot path:
//  * no heap allocation, no exceptions, no I/O, no recursion (an explicit stack of
//    kBencodeMaxDepth frames replaces it, so hostile nesting cannot blow the lcore stack);
//  * every read is bounds-checked against the input span; every loop has an explicit cap.
//
// Lifetime: every std::span / std::string_view handed out points into the input buffer and is
// valid only while that packet buffer is.
//
// Deliberate deviations from a full decoder:
//  * dictionary key order is NOT checked: BEP 3 requires sorted keys, but real DHT clients send
//    non-canonical order and a detector must not miss them (Suricata/Wireshark prefixes do);
//  * duplicate keys are not detected here (that would be O(n^2) without allocation); lookups
//    return the first occurrence, and callers that care (dht.cpp) reject duplicates themselves;
//  * nesting deeper than kBencodeMaxDepth is reported as invalid although BEP 3 has no limit:
//    no BitTorrent message nests more than 4 levels, so deeper input is hostile or not bencode.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace btsensor::proto {

// Maximum container nesting (lists + dicts). Real messages use at most 4 (DHT: dict > dict >
// list > string); 16 leaves ample margin while keeping the explicit stack at 16 bytes.
inline constexpr size_t kBencodeMaxDepth = 16;
// Maximum decimal digits in a string length prefix. 9 digits (< 10^9) is far beyond any packet
// and keeps the length computation free of overflow on every platform.
inline constexpr size_t kBencodeMaxLenDigits = 9;

enum class BencodeStatus : uint8_t {
  complete,   // one whole value was found (there may be trailing bytes after it)
  truncated,  // the input ends inside a value, but every byte seen so far is valid bencode
  invalid,    // the bytes seen cannot be the start of any valid bencoded value
};

enum class BencodeType : uint8_t { integer, string, list, dict };

// One bencoded value located inside an input buffer.
struct BencodeValue {
  BencodeType type = BencodeType::string;
  // The whole encoding of the value ("i42e", "4:spam", "l...e", "d...e"). When !complete it
  // runs from the value's first byte to the end of the input.
  std::span<const uint8_t> raw;
  bool complete = false;
};

// Validates the single bencoded value that starts at input[0].
// Pre:  none (any span, including empty, is accepted).
// Post: complete  -> *consumed (if non-null) = length of that value; bytes after it are NOT
//                    examined, callers that need "exactly one value" compare with input.size();
//       truncated -> the input is a proper prefix of some valid value; an EMPTY input is also
//                    reported as truncated (vacuously valid so far), so callers must gate on a
//                    minimum payload size before treating truncated as evidence;
//       invalid   -> not bencode (including nesting deeper than kBencodeMaxDepth).
// Integers follow the spec: optional '-', no leading zeros, "i-0e"/"ie"/"i-e" invalid; the
// digit count is not limited (use bencode_int to read a value). String lengths follow the same
// no-leading-zero rule and a length larger than the remaining input is truncated, not invalid.
BencodeStatus validate(std::span<const uint8_t> input, size_t* consumed) noexcept;

// Payload bytes of a complete string value; nullopt for other types or incomplete values.
std::optional<std::span<const uint8_t>> bencode_string(const BencodeValue& v) noexcept;
// Same, as text (no encoding check: BitTorrent strings are arbitrary bytes).
std::optional<std::string_view> bencode_text(const BencodeValue& v) noexcept;
// Value of a complete integer that fits in int64_t; nullopt otherwise.
std::optional<int64_t> bencode_int(const BencodeValue& v) noexcept;

// Iterates the entries of one dictionary without allocating.
//
// Construct with a span that starts with 'd' (normally BencodeValue::raw of a dict). next()
// yields entries in wire order; a value that runs past the end of the input is yielded once
// with complete == false (so a truncated first packet of a tracker reply can still be
// searched), after which iteration stops with status() == truncated.
class DictCursor {
 public:
  explicit DictCursor(std::span<const uint8_t> dict) noexcept;

  // Pre: key and value non-null. Returns false at the end of the dict or on error.
  bool next(std::string_view* key, BencodeValue* value) noexcept;
  // complete after the closing 'e' was reached; truncated/invalid explain an early stop.
  // Before the end is reached, status() reports truncated.
  BencodeStatus status() const noexcept { return status_; }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool done_ = false;
  BencodeStatus status_ = BencodeStatus::truncated;
};

// Iterates the elements of one list; same conventions as DictCursor.
class ListCursor {
 public:
  explicit ListCursor(std::span<const uint8_t> list) noexcept;
  bool next(BencodeValue* value) noexcept;
  BencodeStatus status() const noexcept { return status_; }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  bool done_ = false;
  BencodeStatus status_ = BencodeStatus::truncated;
};

// First value stored under `key` in the dictionary encoded at the start of `dict`; nullopt if
// absent, if `dict` is not a dict, or if the dict is malformed before the key is reached.
// The returned value may be incomplete (see DictCursor). Nested lookup: call again with the
// returned value (the BencodeValue overload checks that it is a dict).
std::optional<BencodeValue> find_key(std::span<const uint8_t> dict, std::string_view key) noexcept;
std::optional<BencodeValue> find_key(const BencodeValue& dict, std::string_view key) noexcept;

}  // namespace btsensor::proto
