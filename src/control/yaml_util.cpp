#include "control/yaml_util.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace btsensor {

void Reporter::at(const YAML::Node& n, const std::string& key, const std::string& msg) {
  const YAML::Mark m = n.Mark();
  // yaml-cpp marks are 0-based; editors and compilers count from 1.
  diag_.add(file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
            key + ": " + msg);
  ++errors_;
}

void Reporter::at_line(int line, const std::string& msg) {
  diag_.add(file_ + ":" + std::to_string(line) + ": " + msg);
  ++errors_;
}

void Reporter::file(const std::string& msg) {
  diag_.add(file_ + ": " + msg);
  ++errors_;
}

void check_keys(Reporter& rep, const YAML::Node& map, const std::string& where,
                std::initializer_list<const char*> allowed) {
  std::set<std::string> ok(allowed.begin(), allowed.end());
  for (const auto& kv : map) {
    std::string k = kv.first.as<std::string>("");
    if (ok.count(k)) continue;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    rep.at(kv.first, where.empty() ? k : where + "." + k,
           "unknown key (expected one of: " + list + ")");
  }
}

bool read_u64(Reporter& rep, const YAML::Node& n, const std::string& path, uint64_t& out,
              uint64_t lo, uint64_t hi) {
  uint64_t v;
  std::string text = n.IsScalar() ? n.Scalar() : "";
  if (!n.IsScalar() || text.empty() || text[0] == '-' || !YAML::convert<uint64_t>::decode(n, v)) {
    rep.at(n, path, "expected a whole number, got '" + text + "'");
    return false;
  }
  if (v < lo || v > hi) {
    rep.at(n, path,
           "value " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]");
    return false;
  }
  out = v;
  return true;
}

bool read_bool(Reporter& rep, const YAML::Node& n, const std::string& path, bool& out) {
  bool v;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    rep.at(n, path, "expected true or false");
    return false;
  }
  out = v;
  return true;
}

bool read_string(Reporter& rep, const YAML::Node& n, const std::string& path, std::string& out) {
  if (!n.IsScalar() || n.Scalar().empty()) {
    rep.at(n, path, "expected a non-empty string");
    return false;
  }
  out = n.Scalar();
  return true;
}

std::string relative_to_file(const std::string& file, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

bool load_yaml_text(const std::string& text, const std::string& name, Diagnostics& diag,
                    YAML::Node& out) {
  try {
    out = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    diag.add(name + ":" + std::to_string(e.mark.line + 1) + ":" +
             std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
    return false;
  }
  return true;
}

bool load_yaml_file(const std::string& path, Diagnostics& diag, YAML::Node& out) {
  std::ifstream in(path);
  if (!in) {
    diag.add(path + ": cannot open: " + std::strerror(errno));
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_yaml_text(ss.str(), path, diag, out);
}

}  // namespace btsensor
