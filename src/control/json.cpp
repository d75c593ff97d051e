#include "control/json.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace btsensor {

const JsonValue& JsonValue::operator[](std::string_view key) const {
  static const JsonValue null;
  if (!is_object()) return null;
  auto it = as_object().find(key);
  return it == as_object().end() ? null : it->second;
}

bool JsonValue::has(std::string_view key) const {
  return is_object() && as_object().find(key) != as_object().end();
}

JsonValue JsonValue::of_bool(bool b) {
  JsonValue v;
  v.v_ = b;
  return v;
}
JsonValue JsonValue::of_int(int64_t i) {
  JsonValue v;
  v.v_ = i;
  return v;
}
JsonValue JsonValue::of_double(double d) {
  JsonValue v;
  v.v_ = d;
  return v;
}
JsonValue JsonValue::of_string(std::string s) {
  JsonValue v;
  v.v_ = std::move(s);
  return v;
}
JsonValue JsonValue::of_array(Array a) {
  JsonValue v;
  v.v_ = std::make_shared<Array>(std::move(a));
  return v;
}
JsonValue JsonValue::of_object(Object o) {
  JsonValue v;
  v.v_ = std::make_shared<Object>(std::move(o));
  return v;
}

namespace {

// Recursive descent over the text; depth-bounded so a hostile request cannot exhaust the
// stack of the control thread.
class Parser {
 public:
  explicit Parser(std::string_view t) : t_(t) {}

  std::optional<JsonValue> run(std::string* error) {
    ws();
    JsonValue v;
    if (!value(v, 0) || (ws(), i_ != t_.size())) {
      if (err_.empty()) err_ = "unexpected text";
      if (error) *error = err_ + " at byte " + std::to_string(i_);
      return std::nullopt;
    }
    return v;
  }

 private:
  static constexpr int kMaxDepth = 64;

  bool fail(const char* what) {
    if (err_.empty()) err_ = what;
    return false;
  }
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }
  bool lit(std::string_view s) {
    if (t_.substr(i_, s.size()) != s) return fail("invalid literal");
    i_ += s.size();
    return true;
  }
  bool value(JsonValue& out, int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    if (i_ >= t_.size()) return fail("unexpected end");
    switch (t_[i_]) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string s;
        if (!string(s)) return false;
        out = JsonValue::of_string(std::move(s));
        return true;
      }
      case 't':
        out = JsonValue::of_bool(true);
        return lit("true");
      case 'f':
        out = JsonValue::of_bool(false);
        return lit("false");
      case 'n':
        out = JsonValue();
        return lit("null");
      default:
        return number(out);
    }
  }
  bool object(JsonValue& out, int depth) {
    ++i_;  // {
    JsonValue::Object o;
    ws();
    if (i_ < t_.size() && t_[i_] == '}') {
      ++i_;
      out = JsonValue::of_object(std::move(o));
      return true;
    }
    while (true) {
      ws();
      std::string k;
      if (i_ >= t_.size() || t_[i_] != '"') return fail("expected a string key");
      if (!string(k)) return false;
      ws();
      if (i_ >= t_.size() || t_[i_] != ':') return fail("expected ':'");
      ++i_;
      ws();
      JsonValue v;
      if (!value(v, depth + 1)) return false;
      o[std::move(k)] = std::move(v);  // a repeated key: the last one wins (RFC 8259 §4)
      ws();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        out = JsonValue::of_object(std::move(o));
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }
  bool array(JsonValue& out, int depth) {
    ++i_;  // [
    JsonValue::Array a;
    ws();
    if (i_ < t_.size() && t_[i_] == ']') {
      ++i_;
      out = JsonValue::of_array(std::move(a));
      return true;
    }
    while (true) {
      ws();
      JsonValue v;
      if (!value(v, depth + 1)) return false;
      a.push_back(std::move(v));
      ws();
      if (i_ < t_.size() && t_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < t_.size() && t_[i_] == ']') {
        ++i_;
        out = JsonValue::of_array(std::move(a));
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }
  static void utf8(std::string& s, uint32_t cp) {
    if (cp < 0x80) {
      s += char(cp);
    } else if (cp < 0x800) {
      s += char(0xc0 | (cp >> 6));
      s += char(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      s += char(0xe0 | (cp >> 12));
      s += char(0x80 | ((cp >> 6) & 0x3f));
      s += char(0x80 | (cp & 0x3f));
    } else {
      s += char(0xf0 | (cp >> 18));
      s += char(0x80 | ((cp >> 12) & 0x3f));
      s += char(0x80 | ((cp >> 6) & 0x3f));
      s += char(0x80 | (cp & 0x3f));
    }
  }
  bool hex4(uint32_t& v) {
    if (i_ + 4 > t_.size()) return fail("short \\u escape");
    v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = t_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= uint32_t(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= uint32_t(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= uint32_t(c - 'A' + 10);
      } else {
        return fail("bad \\u escape");
      }
    }
    return true;
  }
  bool string(std::string& s) {
    ++i_;  // "
    while (i_ < t_.size()) {
      unsigned char c = static_cast<unsigned char>(t_[i_++]);
      if (c == '"') return true;
      if (c < 0x20) return fail("control character in string");
      if (c != '\\') {
        s += char(c);
        continue;
      }
      if (i_ >= t_.size()) break;
      char e = t_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          s += e;
          break;
        case 'b':
          s += '\b';
          break;
        case 'f':
          s += '\f';
          break;
        case 'n':
          s += '\n';
          break;
        case 'r':
          s += '\r';
          break;
        case 't':
          s += '\t';
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && t_.substr(i_, 2) == "\\u") {
            i_ += 2;
            uint32_t lo;
            if (!hex4(lo)) return false;
            if (lo < 0xdc00 || lo > 0xdfff) return fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          utf8(s, cp);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
    return fail("unterminated string");
  }
  bool number(JsonValue& out) {
    size_t start = i_;
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    if (i_ >= t_.size() || t_[i_] < '0' || t_[i_] > '9') return fail("expected a value");
    if (t_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
    }
    bool integral = true;
    if (i_ < t_.size() && t_[i_] == '.') {
      integral = false;
      ++i_;
      if (i_ >= t_.size() || t_[i_] < '0' || t_[i_] > '9') return fail("bad number");
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      integral = false;
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (i_ >= t_.size() || t_[i_] < '0' || t_[i_] > '9') return fail("bad number");
      while (i_ < t_.size() && t_[i_] >= '0' && t_[i_] <= '9') ++i_;
    }
    std::string_view text = t_.substr(start, i_ - start);
    if (integral) {
      int64_t v = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc{} && p == text.data() + text.size()) {
        out = JsonValue::of_int(v);
        return true;
      }
    }
    std::string copy(text);  // strtod needs a terminated string
    errno = 0;
    double d = std::strtod(copy.c_str(), nullptr);
    if (!std::isfinite(d)) return fail("number out of range");
    out = JsonValue::of_double(d);
    return true;
  }

  std::string_view t_;
  size_t i_ = 0;
  std::string err_;
};

}  // namespace

std::optional<JsonValue> parse_json(std::string_view text, std::string* error) {
  return Parser(text).run(error);
}

void JsonWriter::comma() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  comma();
  out_ += '{';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::begin_array() {
  comma();
  out_ += '[';
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  value(k);
  out_ += ':';
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
  comma();
  out_ += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x80) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", unsigned(c));
          out_ += b;
        } else {
          out_ += char(c);
        }
    }
  }
  out_ += '"';
  return *this;
}
JsonWriter& JsonWriter::value(int64_t i) {
  comma();
  out_ += std::to_string(i);
  return *this;
}
JsonWriter& JsonWriter::value(uint64_t u) {
  comma();
  out_ += std::to_string(u);
  return *this;
}
JsonWriter& JsonWriter::value(double d) {
  comma();
  if (!std::isfinite(d)) {
    out_ += "null";  // JSON has no NaN/Inf
    return *this;
  }
  char b[32];
  std::snprintf(b, sizeof b, "%.6f", d);
  out_ += b;
  return *this;
}
JsonWriter& JsonWriter::value(bool b) {
  comma();
  out_ += b ? "true" : "false";
  return *this;
}
JsonWriter& JsonWriter::null() {
  comma();
  out_ += "null";
  return *this;
}
JsonWriter& JsonWriter::raw(std::string_view json) {
  comma();
  out_ += json;
  return *this;
}
JsonWriter& JsonWriter::value(const JsonValue& v) {
  if (v.is_null()) return null();
  if (v.is_bool()) return value(v.as_bool());
  if (v.is_int()) return value(v.as_int());
  if (v.is_number()) return value(v.as_double());
  if (v.is_string()) return value(std::string_view(v.as_string()));
  if (v.is_array()) {
    begin_array();
    for (const JsonValue& e : v.as_array()) value(e);
    return end_array();
  }
  begin_object();
  for (const auto& [k, e] : v.as_object()) {
    key(k);
    value(e);
  }
  return end_object();
}

}  // namespace btsensor
