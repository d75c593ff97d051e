#include "control/config.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace btsensor {
namespace {

// Reports problems with their position in the file.
class Reporter {
 public:
  Reporter(std::string file, Diagnostics& diag) : file_(std::move(file)), diag_(diag) {}
  void at(const YAML::Node& n, const std::string& key, const std::string& msg) {
    const YAML::Mark m = n.Mark();
    // yaml-cpp marks are 0-based; editors and compilers count from 1.
    diag_.add(file_ + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
              key + ": " + msg);
    ++errors_;
  }
  void file(const std::string& msg) {
    diag_.add(file_ + ": " + msg);
    ++errors_;
  }
  int errors() const { return errors_; }
  const std::string& name() const { return file_; }

 private:
  std::string file_;
  Diagnostics& diag_;
  int errors_ = 0;
};

void check_keys(Reporter& rep, const YAML::Node& map, const std::string& where,
                std::initializer_list<const char*> allowed) {
  std::set<std::string> ok(allowed.begin(), allowed.end());
  for (const auto& kv : map) {
    std::string k = kv.first.as<std::string>("");
    if (!ok.count(k)) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      rep.at(kv.first, where.empty() ? k : where + "." + k,
             "unknown key (expected one of: " + list + ")");
    }
  }
}

// Reads an unsigned integer in [lo, hi]; reports and keeps the default otherwise.
template <class T>
void read_uint(Reporter& rep, const YAML::Node& parent, const char* key, const std::string& path,
               T& out, uint64_t lo, uint64_t hi) {
  YAML::Node n = parent[key];
  if (!n) return;
  uint64_t v;
  std::string text = n.IsScalar() ? n.Scalar() : "";
  if (!n.IsScalar() || text.empty() || text[0] == '-' || !YAML::convert<uint64_t>::decode(n, v)) {
    rep.at(n, path, "expected a whole number, got '" + text + "'");
    return;
  }
  if (v < lo || v > hi) {
    rep.at(n, path,
           "value " + std::to_string(v) + " out of range [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]");
    return;
  }
  out = T(v);
}

void read_seconds(Reporter& rep, const YAML::Node& parent, const char* key, const std::string& path,
                  Timestamp& out, uint64_t lo, uint64_t hi) {
  uint64_t secs = uint64_t(out / kNsPerSec);
  read_uint(rep, parent, key, path, secs, lo, hi);
  out = Timestamp(secs) * kNsPerSec;
}

void parse_home_net(Reporter& rep, const YAML::Node& n, EngineConfig& eng) {
  if (!n.IsSequence() || n.size() == 0) {
    rep.at(n, "home_net", "expected a non-empty list of CIDRs");
    return;
  }
  std::vector<Cidr> nets;
  for (const auto& item : n) {
    std::string err;
    auto c = item.IsScalar() ? Cidr::parse(item.Scalar(), &err) : std::nullopt;
    if (!item.IsScalar()) err = "expected a CIDR string";
    if (!c) {
      rep.at(item, "home_net", err);
    } else {
      nets.push_back(*c);
    }
  }
  eng.home_net = HomeNet(std::move(nets));
}

void parse_flows(Reporter& rep, const YAML::Node& n, EngineConfig& eng) {
  if (!n.IsMap()) return rep.at(n, "flows", "expected a mapping");
  check_keys(rep, n, "flows", {"capacity", "timeouts", "output", "expiry_budget"});
  // 1 Gi flows would need > 128 GiB: far beyond any sensor; catches typos with extra zeros.
  read_uint(rep, n, "capacity", "flows.capacity", eng.flow_capacity, 16, 1u << 30);
  read_uint(rep, n, "expiry_budget", "flows.expiry_budget", eng.expiry_budget, 1, 1u << 20);
  if (YAML::Node o = n["output"]) {
    std::string v = o.IsScalar() ? o.Scalar() : "";
    if (v == "all") {
      eng.flow_output = FlowOutput::kAll;
    } else if (v == "bittorrent") {
      eng.flow_output = FlowOutput::kBittorrent;
    } else if (v == "none") {
      eng.flow_output = FlowOutput::kNone;
    } else {
      rep.at(o, "flows.output", "expected all, bittorrent or none, got '" + v + "'");
    }
  }
  if (YAML::Node t = n["timeouts"]) {
    if (!t.IsMap()) return rep.at(t, "flows.timeouts", "expected a mapping");
    check_keys(rep, t, "flows.timeouts",
               {"tcp_new", "tcp_established", "tcp_closed", "udp", "other"});
    const uint64_t day = 86400;
    read_seconds(rep, t, "tcp_new", "flows.timeouts.tcp_new", eng.timeouts.tcp_new, 1, day);
    read_seconds(rep, t, "tcp_established", "flows.timeouts.tcp_established",
                 eng.timeouts.tcp_established, 1, day);
    read_seconds(rep, t, "tcp_closed", "flows.timeouts.tcp_closed", eng.timeouts.tcp_closed, 0,
                 day);
    read_seconds(rep, t, "udp", "flows.timeouts.udp", eng.timeouts.udp, 1, day);
    read_seconds(rep, t, "other", "flows.timeouts.other", eng.timeouts.other, 1, day);
  }
}

void parse_output(Reporter& rep, const YAML::Node& n, OutputConfig& out) {
  if (!n.IsMap()) return rep.at(n, "output", "expected a mapping");
  check_keys(rep, n, "output", {"eve", "community_id_seed"});
  if (YAML::Node e = n["eve"]) {
    if (!e.IsScalar() || e.Scalar().empty()) {
      rep.at(e, "output.eve", "expected '-' (stdout) or a file path");
    } else {
      out.eve = e.Scalar();
    }
  }
  read_uint(rep, n, "community_id_seed", "output.community_id_seed", out.community_id_seed, 0,
            65535);
}

Result<SensorConfig> parse_root(const YAML::Node& root, Reporter& rep) {
  SensorConfig cfg;
  cfg.path = rep.name();
  if (root.IsNull()) return cfg;  // empty file: all defaults
  if (!root.IsMap()) {
    rep.at(root, "(top level)", "expected a mapping of sections");
    return Error{"invalid config"};
  }
  check_keys(rep, root, "", {"home_net", "flows", "output", "dataplane"});
  if (YAML::Node n = root["home_net"]) parse_home_net(rep, n, cfg.engine);
  if (YAML::Node n = root["flows"]) parse_flows(rep, n, cfg.engine);
  if (YAML::Node n = root["output"]) parse_output(rep, n, cfg.output);
  if (YAML::Node n = root["dataplane"])
    parse_dataplane_config(n, cfg.dataplane,
                           [&](const YAML::Node& at, const std::string& key,
                               const std::string& msg) { rep.at(at, key, msg); });
  if (rep.errors()) return Error{"invalid config"};
  return cfg;
}

}  // namespace

Result<SensorConfig> parse_config(const std::string& text, const std::string& name,
                                  Diagnostics& diag) {
  Reporter rep(name, diag);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp's message already carries "yaml-cpp: error at line L, column C"; re-anchor
    // it in our file:line:col form.
    diag.add(name + ":" + std::to_string(e.mark.line + 1) + ":" +
             std::to_string(e.mark.column + 1) + ": YAML syntax error: " + e.msg);
    return Error{"invalid config"};
  }
  return parse_root(root, rep);
}

Result<SensorConfig> load_config(const std::string& path, Diagnostics& diag) {
  std::ifstream in(path);
  if (!in) {
    diag.add(path + ": cannot open: " + std::strerror(errno));
    return Error{"cannot open config"};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path, diag);
}

Result<HomeNet> parse_home_net_list(const std::string& csv) {
  std::vector<Cidr> nets;
  size_t start = 0;
  while (start <= csv.size()) {
    size_t comma = csv.find(',', start);
    std::string item =
        csv.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::string err;
    auto c = Cidr::parse(item, &err);
    if (!c) return Error{"--home-net: " + err};
    nets.push_back(*c);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return HomeNet(std::move(nets));
}

}  // namespace btsensor
