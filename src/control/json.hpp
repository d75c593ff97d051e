// Minimal JSON for the control plane: the control socket's requests and responses and the
// state file. RFC 8259, strict; integers that fit in int64 are kept exact (timestamps are
// nanoseconds since the epoch, beyond a double's 53 bits).
//
// Not for the data path: values allocate freely.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace btsensor {

class JsonValue {
 public:
  using Array = std::vector<JsonValue>;
  using Object = std::map<std::string, JsonValue, std::less<>>;

  JsonValue() = default;  // null
  bool is_null() const { return v_.index() == 0; }
  bool is_bool() const { return v_.index() == 1; }
  bool is_int() const { return v_.index() == 2; }
  bool is_number() const { return v_.index() == 2 || v_.index() == 3; }
  bool is_string() const { return v_.index() == 4; }
  bool is_array() const { return v_.index() == 5; }
  bool is_object() const { return v_.index() == 6; }

  bool as_bool() const { return std::get<1>(v_); }
  int64_t as_int() const { return std::get<2>(v_); }
  double as_double() const { return is_int() ? double(as_int()) : std::get<3>(v_); }
  const std::string& as_string() const { return std::get<4>(v_); }
  const Array& as_array() const { return *std::get<5>(v_); }
  const Object& as_object() const { return *std::get<6>(v_); }

  // obj["key"]: null when missing or not an object.
  const JsonValue& operator[](std::string_view key) const;
  bool has(std::string_view key) const;

  static JsonValue of_bool(bool b);
  static JsonValue of_int(int64_t i);
  static JsonValue of_double(double d);
  static JsonValue of_string(std::string s);
  static JsonValue of_array(Array a);
  static JsonValue of_object(Object o);

 private:
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      v_{nullptr};
};

// Parses exactly one JSON value (surrounding whitespace allowed). On failure: nullopt and
// `error` says what and at which byte offset.
std::optional<JsonValue> parse_json(std::string_view text, std::string* error = nullptr);

// Builds one JSON text in order, without a tree: object/array nesting by begin/end calls.
// Strings are escaped per RFC 8259; bytes ≥ 0x80 are written as \u00XX so the output is
// ASCII whatever the input (names from packets need not be UTF-8).
class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t i);
  JsonWriter& value(uint64_t u);
  JsonWriter& value(int i) { return value(int64_t(i)); }
  JsonWriter& value(unsigned u) { return value(uint64_t(u)); }
  JsonWriter& value(double d);
  JsonWriter& value(bool b);
  JsonWriter& null();
  // A value that is already JSON text.
  JsonWriter& raw(std::string_view json);
  // Writes a parsed value back.
  JsonWriter& value(const JsonValue& v);

  template <class T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void comma();
  std::string out_;
  // Per open container: no element written yet. The bottom entry is the top level, so a
  // sequence of members can also be written without an enclosing object (a fragment).
  std::vector<bool> first_{true};
  bool after_key_ = false;
};

}  // namespace btsensor
