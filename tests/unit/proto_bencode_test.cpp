// Table-driven tests for the bounded bencode validator and walker (src/engine/proto/bencode.*).
#include "engine/proto/bencode.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {
namespace {

std::span<const uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// "ll…ee": `depth` nested lists.
std::string nested(size_t depth) {
  return std::string(depth, 'l') + std::string(depth, 'e');
}
// "d1:ad1:a…de…e": `depth` nested dicts, each holding the next under key "a".
std::string nested_dicts(size_t depth) {
  std::string s;
  for (size_t i = 1; i < depth; ++i) s += "d1:a";
  return s + "de" + std::string(depth - 1, 'e');
}

// A canonical DHT ping query: d 1:a d 2:id 20:<id> e 1:q 4:ping 1:t 2:aa 1:y 1:q e.
const std::string kPing = "d1:ad2:id20:" + std::string(20, 'A') + "e1:q4:ping1:t2:aa1:y1:qe";

struct ValidateCase {
  std::string name;
  std::string input;
  BencodeStatus status;
  size_t consumed;  // checked only for complete
};

void PrintTo(const ValidateCase& c, std::ostream* os) {
  *os << c.name;
}

const ValidateCase kValidateCases[] = {
    // --- integers (BEP 3: i<base10>e, no leading zeros, no negative zero) ---
    {"int_positive", "i42e", BencodeStatus::complete, 4},
    {"int_zero", "i0e", BencodeStatus::complete, 3},
    {"int_negative", "i-7e", BencodeStatus::complete, 4},
    {"int_huge_digits_still_valid", "i123456789012345678901234567890e", BencodeStatus::complete,
     32},
    {"int_negative_zero", "i-0e", BencodeStatus::invalid, 0},
    {"int_leading_zero", "i03e", BencodeStatus::invalid, 0},
    {"int_negative_leading_zero", "i-03e", BencodeStatus::invalid, 0},
    {"int_empty", "ie", BencodeStatus::invalid, 0},
    {"int_only_minus", "i-e", BencodeStatus::invalid, 0},
    {"int_plus_sign", "i+1e", BencodeStatus::invalid, 0},
    {"int_bad_terminator", "i1x", BencodeStatus::invalid, 0},
    {"int_zero_then_digit", "i0", BencodeStatus::truncated, 0},
    {"int_cut_in_digits", "i12", BencodeStatus::truncated, 0},
    {"int_cut_after_i", "i", BencodeStatus::truncated, 0},
    {"int_cut_after_minus", "i-", BencodeStatus::truncated, 0},
    // --- strings (<len>:<bytes>) ---
    {"string", "4:spam", BencodeStatus::complete, 6},
    {"string_empty", "0:", BencodeStatus::complete, 2},
    {"string_binary", std::string("3:\0\xff\x01", 5), BencodeStatus::complete, 5},
    {"string_cut_in_data", "4:spa", BencodeStatus::truncated, 0},
    {"string_cut_in_length", "4", BencodeStatus::truncated, 0},
    {"string_length_larger_than_input", "999:abc", BencodeStatus::truncated, 0},
    {"string_length_leading_zero", "03:abc", BencodeStatus::invalid, 0},
    {"string_missing_colon", "4spam", BencodeStatus::invalid, 0},
    {"string_length_10_digits", "1234567890:x", BencodeStatus::invalid, 0},
    // --- lists and dicts ---
    {"list_empty", "le", BencodeStatus::complete, 2},
    {"list_mixed", "l4:spami42ee", BencodeStatus::complete, 12},
    {"dict_empty", "de", BencodeStatus::complete, 2},
    {"dict_sorted", "d3:cow3:moo4:spam4:eggse", BencodeStatus::complete, 24},
    {"dict_unsorted_keys_accepted", "d4:spam4:eggs3:cow3:mooe", BencodeStatus::complete, 24},
    {"dict_nested", "d1:ad2:id2:xyee", BencodeStatus::complete, 15},
    {"dht_ping", kPing, BencodeStatus::complete, kPing.size()},
    {"dict_int_key", "di1e3:fooe", BencodeStatus::invalid, 0},
    {"dict_list_key", "dle3:fooe", BencodeStatus::invalid, 0},
    {"dict_key_without_value", "d3:fooe", BencodeStatus::invalid, 0},
    {"dict_cut_after_key", "d3:foo", BencodeStatus::truncated, 0},
    {"dict_cut_in_key", "d3:fo", BencodeStatus::truncated, 0},
    {"list_cut", "l", BencodeStatus::truncated, 0},
    {"list_cut_after_element", "li1e", BencodeStatus::truncated, 0},
    // --- top level ---
    {"empty_input_is_truncated", "", BencodeStatus::truncated, 0},
    {"bad_first_byte", "x", BencodeStatus::invalid, 0},
    {"stray_end", "e", BencodeStatus::invalid, 0},
    {"trailing_bytes_not_consumed", "i42etrailing", BencodeStatus::complete, 4},
    {"two_values_only_first_consumed", "lei1e", BencodeStatus::complete, 2},
    // --- depth cap (kBencodeMaxDepth = 16) ---
    {"depth_16_ok", nested(16), BencodeStatus::complete, 32},
    {"depth_17_rejected", nested(17), BencodeStatus::invalid, 0},
    {"depth_17_rejected_even_when_truncated", std::string(17, 'l'), BencodeStatus::invalid, 0},
    {"depth_16_dicts_ok", nested_dicts(16), BencodeStatus::complete, nested_dicts(16).size()},
    {"depth_17_dicts_rejected", nested_dicts(17), BencodeStatus::invalid, 0},
};

class BencodeValidate : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(BencodeValidate, Status) {
  const ValidateCase& c = GetParam();
  size_t consumed = 12345;
  EXPECT_EQ(validate(as_bytes(c.input), &consumed), c.status);
  if (c.status == BencodeStatus::complete) {
    EXPECT_EQ(consumed, c.consumed);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BencodeValidate, ::testing::ValuesIn(kValidateCases),
                         [](const auto& row) { return row.param.name; });

// Every proper prefix of a valid value is "truncated": this is the first-packet-of-a-large-
// reply case, and it also exercises every bounds check on the way.
struct PrefixCase {
  std::string name;
  std::string input;
};
void PrintTo(const PrefixCase& c, std::ostream* os) {
  *os << c.name;
}

const PrefixCase kPrefixCases[] = {
    {"dht_ping", kPing},
    {"tracker_reply",
     "d8:completei5e10:incompletei2e8:intervali1800e5:peers12:" + std::string(12, '\x7f') + "e"},
    {"negative_int", "i-1234e"},
    {"nested_list", "ll4:spamei0ee"},
};

class BencodePrefix : public ::testing::TestWithParam<PrefixCase> {};

TEST_P(BencodePrefix, EveryProperPrefixIsTruncated) {
  const std::string& full = GetParam().input;
  ASSERT_EQ(validate(as_bytes(full), nullptr), BencodeStatus::complete);
  for (size_t len = 0; len < full.size(); ++len) {
    EXPECT_EQ(validate(as_bytes(std::string_view(full).substr(0, len)), nullptr),
              BencodeStatus::truncated)
        << "prefix length " << len;
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BencodePrefix, ::testing::ValuesIn(kPrefixCases),
                         [](const auto& row) { return row.param.name; });

struct IntCase {
  std::string name;
  std::string input;
  bool ok;
  int64_t value;
};
void PrintTo(const IntCase& c, std::ostream* os) {
  *os << c.name;
}

const IntCase kIntCases[] = {
    {"zero", "i0e", true, 0},
    {"negative", "i-42e", true, -42},
    {"int64_max", "i9223372036854775807e", true, INT64_MAX},
    {"int64_max_plus_1", "i9223372036854775808e", false, 0},
    {"int64_min", "i-9223372036854775808e", true, INT64_MIN},
    {"int64_min_minus_1", "i-9223372036854775809e", false, 0},
    {"not_an_int", "4:spam", false, 0},
};

class BencodeInt : public ::testing::TestWithParam<IntCase> {};

TEST_P(BencodeInt, Value) {
  const IntCase& c = GetParam();
  size_t n = 0;
  ASSERT_EQ(validate(as_bytes(c.input), &n), BencodeStatus::complete);
  const BencodeValue v{c.input[0] == 'i' ? BencodeType::integer : BencodeType::string,
                       as_bytes(c.input), true};
  const auto got = bencode_int(v);
  EXPECT_EQ(got.has_value(), c.ok);
  if (c.ok && got) {
    EXPECT_EQ(*got, c.value);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, BencodeInt, ::testing::ValuesIn(kIntCases),
                         [](const auto& row) { return row.param.name; });

struct FindCase {
  std::string name;
  std::string dict;
  std::string key;
  bool found;
  BencodeType type;
  std::string raw;  // expected raw encoding of the value
  bool complete;
};
void PrintTo(const FindCase& c, std::ostream* os) {
  *os << c.name;
}

const FindCase kFindCases[] = {
    {"first_key", "d3:cow3:moo4:spam4:eggse", "cow", true, BencodeType::string, "3:moo", true},
    {"last_key", "d3:cow3:moo4:spam4:eggse", "spam", true, BencodeType::string, "4:eggs", true},
    {"absent_key", "d3:cow3:moo4:spam4:eggse", "dog", false, BencodeType::string, "", false},
    {"key_is_prefix_of_other", "d4:spam4:eggse", "spa", false, BencodeType::string, "", false},
    {"int_value", "d8:intervali1800ee", "interval", true, BencodeType::integer, "i1800e", true},
    {"dict_value", "d1:ad2:id2:xye1:y1:qe", "a", true, BencodeType::dict, "d2:id2:xye", true},
    {"list_value", "d1:eli201e5:erroree", "e", true, BencodeType::list, "li201e5:errore", true},
    {"duplicate_returns_first", "d1:y1:q1:y1:re", "y", true, BencodeType::string, "1:q", true},
    // First packet of a large tracker reply: "peers" announces 12 bytes, only 6 arrived.
    {"truncated_value_is_yielded", "d8:intervali1800e5:peers12:abcdef", "peers", true,
     BencodeType::string, "12:abcdef", false},
    {"key_after_truncation_not_found", "d8:intervali1800e5:peers12:abcdef", "zzz", false,
     BencodeType::string, "", false},
    {"not_a_dict", "l3:cowe", "cow", false, BencodeType::string, "", false},
    {"malformed_before_key", "di1e3:cow3:cow3:mooe", "cow", false, BencodeType::string, "", false},
    {"empty_input", "", "cow", false, BencodeType::string, "", false},
};

class BencodeFindKey : public ::testing::TestWithParam<FindCase> {};

TEST_P(BencodeFindKey, Lookup) {
  const FindCase& c = GetParam();
  const auto v = find_key(as_bytes(c.dict), c.key);
  ASSERT_EQ(v.has_value(), c.found);
  if (!v) return;
  EXPECT_EQ(v->type, c.type);
  EXPECT_EQ(v->complete, c.complete);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(v->raw.data()), v->raw.size()), c.raw);
}

INSTANTIATE_TEST_SUITE_P(Cases, BencodeFindKey, ::testing::ValuesIn(kFindCases),
                         [](const auto& row) { return row.param.name; });

TEST(BencodeNestedLookup, ThroughValue) {
  const auto a = find_key(as_bytes(kPing), "a");
  ASSERT_TRUE(a);
  const auto id = find_key(*a, "id");
  ASSERT_TRUE(id);
  const auto s = bencode_string(*id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size(), 20u);
  EXPECT_FALSE(find_key(*find_key(as_bytes(kPing), "q"), "id"));  // "q" is a string, not a dict
}

TEST(BencodeCursor, DictWalksEntriesInWireOrderAndEndsComplete) {
  const std::string d = "d1:t2:aa1:y1:q1:q4:pinge";  // non-canonical order
  DictCursor cur(as_bytes(d));
  std::string_view k;
  BencodeValue v;
  std::vector<std::string> keys;
  while (cur.next(&k, &v)) keys.emplace_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"t", "y", "q"}));
  EXPECT_EQ(cur.status(), BencodeStatus::complete);
  EXPECT_FALSE(cur.next(&k, &v));  // stays finished
}

TEST(BencodeCursor, DictReportsInvalidAndTruncated) {
  std::string_view k;
  BencodeValue v;
  DictCursor bad(as_bytes("d3:fooi01ee"));  // "i01e": leading zero
  EXPECT_FALSE(bad.next(&k, &v));
  EXPECT_EQ(bad.status(), BencodeStatus::invalid);
  DictCursor notdict(as_bytes("le"));
  EXPECT_FALSE(notdict.next(&k, &v));
  EXPECT_EQ(notdict.status(), BencodeStatus::invalid);
  DictCursor cut(as_bytes("d3:fooi1e3:ba"));
  ASSERT_TRUE(cut.next(&k, &v));
  EXPECT_EQ(k, "foo");
  EXPECT_FALSE(cut.next(&k, &v));  // cut inside the second key: nothing to yield
  EXPECT_EQ(cut.status(), BencodeStatus::truncated);
}

TEST(BencodeCursor, ListYieldsElementsThenTruncatedTail) {
  ListCursor cur(as_bytes("l6:abcdefi7e18:xyz"));
  BencodeValue v;
  ASSERT_TRUE(cur.next(&v));
  EXPECT_EQ(bencode_string(v)->size(), 6u);
  ASSERT_TRUE(cur.next(&v));
  EXPECT_EQ(*bencode_int(v), 7);
  ASSERT_TRUE(cur.next(&v));  // "18:xyz" is cut: yielded once as incomplete
  EXPECT_FALSE(v.complete);
  EXPECT_FALSE(bencode_string(v));
  EXPECT_FALSE(cur.next(&v));
  EXPECT_EQ(cur.status(), BencodeStatus::truncated);
}

}  // namespace
}  // namespace btsensor::proto
