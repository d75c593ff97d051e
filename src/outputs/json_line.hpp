// A minimal JSON object writer for one event line: appends into a reusable buffer, escapes
// strings per RFC 8259, formats numbers with std::to_chars. No allocation once the buffer has
// grown to the longest line.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace btsensor {

class JsonLine {
 public:
  void clear() {
    buf_.clear();
    first_ = true;
  }
  JsonLine& begin_object() {
    sep_value();
    buf_ += '{';
    first_ = true;
    return *this;
  }
  JsonLine& begin_object(std::string_view k) {
    key(k);
    buf_ += '{';
    first_ = true;
    return *this;
  }
  JsonLine& end_object() {
    buf_ += '}';
    first_ = false;
    return *this;
  }
  JsonLine& begin_array(std::string_view k) {
    key(k);
    buf_ += '[';
    first_ = true;
    return *this;
  }
  JsonLine& end_array() {
    buf_ += ']';
    first_ = false;
    return *this;
  }
  JsonLine& str(std::string_view k, std::string_view v) {
    key(k);
    quoted(v);
    return *this;
  }
  JsonLine& num(std::string_view k, uint64_t v) {
    key(k);
    append_num(v);
    return *this;
  }
  JsonLine& num(std::string_view k, double v) {
    key(k);
    char tmp[32];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v, std::chars_format::fixed, 6);
    buf_.append(tmp, r.ptr);
    return *this;
  }
  JsonLine& boolean(std::string_view k, bool v) {
    key(k);
    buf_ += v ? "true" : "false";
    return *this;
  }
  // Array elements.
  JsonLine& elem_str(std::string_view v) {
    sep_value();
    quoted(v);
    return *this;
  }
  JsonLine& elem_num(uint64_t v) {
    sep_value();
    append_num(v);
    return *this;
  }
  const std::string& text() const { return buf_; }
  std::string& buffer() { return buf_; }

 private:
  void sep_value() {
    if (!first_) buf_ += ',';
    first_ = false;
  }
  void key(std::string_view k) {
    sep_value();
    quoted(k);
    buf_ += ':';
  }
  void append_num(uint64_t v) {
    char tmp[24];
    auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
    buf_.append(tmp, r.ptr);
  }
  void quoted(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    buf_ += '"';
    for (unsigned char c : s) {
      switch (c) {
        case '"':
          buf_ += "\\\"";
          break;
        case '\\':
          buf_ += "\\\\";
          break;
        case '\n':
          buf_ += "\\n";
          break;
        case '\r':
          buf_ += "\\r";
          break;
        case '\t':
          buf_ += "\\t";
          break;
        default:
          // Control characters and bytes ≥ 0x80 (names from packets are not guaranteed to be
          // UTF-8) are escaped, so every line is valid JSON whatever the packet held.
          if (c < 0x20 || c >= 0x80) {
            buf_ += "\\u00";
            buf_ += kHex[c >> 4];
            buf_ += kHex[c & 15];
          } else {
            buf_ += char(c);
          }
      }
    }
    buf_ += '"';
  }

  std::string buf_;
  bool first_ = true;
};

}  // namespace btsensor
