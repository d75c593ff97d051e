// A small strict JSON parser (RFC 8259) for tests: checks that output lines are valid JSON
// and reads fields out of them and out of HTTP API answers.
#pragma once

#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace btsensor::test {

struct Json {
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;
  std::variant<std::nullptr_t, bool, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Object>>
      v;

  bool is_object() const { return v.index() == 5; }
  bool is_array() const { return v.index() == 4; }
  bool is_string() const { return v.index() == 3; }
  bool is_number() const { return v.index() == 2; }
  const Object& object() const { return *std::get<5>(v); }
  const Array& array() const { return *std::get<4>(v); }
  const std::string& str() const { return std::get<3>(v); }
  double num() const { return std::get<2>(v); }
  // obj["a"]["b"]; a missing key or a non-object yields null.
  const Json& operator[](const std::string& k) const {
    static const Json null;
    if (!is_object()) return null;
    auto it = object().find(k);
    return it == object().end() ? null : it->second;
  }
  bool has(const std::string& k) const { return is_object() && object().count(k); }
};

class JsonParser {
 public:
  // nullopt when `text` is not exactly one JSON value (surrounding whitespace allowed).
  static std::optional<Json> parse(std::string_view text) {
    JsonParser p(text);
    Json out;
    p.ws();
    if (!p.value(out, 0)) return std::nullopt;
    p.ws();
    if (p.i_ != text.size()) return std::nullopt;
    return out;
  }

 private:
  explicit JsonParser(std::string_view t) : t_(t) {}
  void ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
      ++i_;
  }
  bool lit(std::string_view s) {
    if (t_.substr(i_, s.size()) != s) return false;
    i_ += s.size();
    return true;
  }
  bool string(std::string& out) {
    if (i_ >= t_.size() || t_[i_] != '"') return false;
    ++i_;
    while (i_ < t_.size()) {
      unsigned char c = t_[i_++];
      if (c == '"') return true;
      if (c < 0x20) return false;
      if (c != '\\') {
        out += char(c);
        continue;
      }
      if (i_ >= t_.size()) return false;
      char e = t_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (i_ + 4 > t_.size()) return false;
          unsigned cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = t_[i_++];
            cp <<= 4;
            if (h >= '0' && h <= '9')
              cp |= unsigned(h - '0');
            else if (h >= 'a' && h <= 'f')
              cp |= unsigned(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F')
              cp |= unsigned(h - 'A' + 10);
            else
              return false;
          }
          out += cp < 0x100 ? char(cp) : '?';  // tests only look at ASCII and \u00XX
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  bool number(double& out) {
    size_t start = i_;
    if (i_ < t_.size() && t_[i_] == '-') ++i_;
    if (i_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[i_]))) return false;
    if (t_[i_] == '0') {
      ++i_;
    } else {
      while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    }
    if (i_ < t_.size() && t_[i_] == '.') {
      ++i_;
      if (i_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[i_]))) return false;
      while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    }
    if (i_ < t_.size() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (i_ < t_.size() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (i_ >= t_.size() || !std::isdigit(static_cast<unsigned char>(t_[i_]))) return false;
      while (i_ < t_.size() && std::isdigit(static_cast<unsigned char>(t_[i_]))) ++i_;
    }
    out = std::strtod(std::string(t_.substr(start, i_ - start)).c_str(), nullptr);
    return true;
  }
  bool value(Json& out, int depth) {
    if (depth > 64 || i_ >= t_.size()) return false;
    char c = t_[i_];
    if (c == '{') {
      ++i_;
      auto obj = std::make_shared<Json::Object>();
      ws();
      if (i_ < t_.size() && t_[i_] == '}') {
        ++i_;
        out.v = obj;
        return true;
      }
      for (;;) {
        std::string k;
        ws();
        if (!string(k)) return false;
        ws();
        if (!lit(":")) return false;
        ws();
        Json v;
        if (!value(v, depth + 1)) return false;
        if (obj->count(k)) return false;  // duplicate keys: ambiguous for SIEM parsers
        (*obj)[k] = std::move(v);
        ws();
        if (lit("}")) break;
        if (!lit(",")) return false;
      }
      out.v = obj;
      return true;
    }
    if (c == '[') {
      ++i_;
      auto arr = std::make_shared<Json::Array>();
      ws();
      if (lit("]")) {
        out.v = arr;
        return true;
      }
      for (;;) {
        ws();
        Json v;
        if (!value(v, depth + 1)) return false;
        arr->push_back(std::move(v));
        ws();
        if (lit("]")) break;
        if (!lit(",")) return false;
      }
      out.v = arr;
      return true;
    }
    if (c == '"') {
      std::string s;
      if (!string(s)) return false;
      out.v = std::move(s);
      return true;
    }
    if (lit("true")) return out.v = true, true;
    if (lit("false")) return out.v = false, true;
    if (lit("null")) return out.v = nullptr, true;
    double d;
    if (!number(d)) return false;
    out.v = d;
    return true;
  }

  std::string_view t_;
  size_t i_ = 0;
};

}  // namespace btsensor::test
