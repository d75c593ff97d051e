// Shared helpers for reading YAML with positions: every problem becomes one
// `file:line:col: key: message` line in a Diagnostics list.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "btsensor/result.hpp"

namespace btsensor {

class Reporter {
 public:
  Reporter(std::string file, Diagnostics& diag) : file_(std::move(file)), diag_(diag) {}
  void at(const YAML::Node& n, const std::string& key, const std::string& msg);
  void at_line(int line, const std::string& msg);  // 1-based line, for non-YAML files
  void file(const std::string& msg);
  int errors() const { return errors_; }
  const std::string& name() const { return file_; }
  Diagnostics& diagnostics() { return diag_; }

 private:
  std::string file_;
  Diagnostics& diag_;
  int errors_ = 0;
};

// Reports keys of `map` not in `allowed`.
void check_keys(Reporter& rep, const YAML::Node& map, const std::string& where,
                std::initializer_list<const char*> allowed);

// Reads an unsigned integer in [lo, hi] into out; reports and leaves out unchanged otherwise.
bool read_u64(Reporter& rep, const YAML::Node& n, const std::string& path, uint64_t& out,
              uint64_t lo, uint64_t hi);
template <class T>
void read_uint(Reporter& rep, const YAML::Node& parent, const char* key, const std::string& path,
               T& out, uint64_t lo, uint64_t hi) {
  YAML::Node n = parent[key];
  if (!n) return;
  uint64_t v;
  if (read_u64(rep, n, path, v, lo, hi)) out = T(v);
}
bool read_bool(Reporter& rep, const YAML::Node& n, const std::string& path, bool& out);
bool read_string(Reporter& rep, const YAML::Node& n, const std::string& path, std::string& out);

// `path` as written in `file`: absolute as is, relative to the file's directory otherwise.
std::string relative_to_file(const std::string& file, const std::string& path);

// Loads a YAML file; a syntax error is reported with its position. Null node on failure.
bool load_yaml_file(const std::string& path, Diagnostics& diag, YAML::Node& out);
bool load_yaml_text(const std::string& text, const std::string& name, Diagnostics& diag,
                    YAML::Node& out);

}  // namespace btsensor
