#include "control/config.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "control/memory_budget.hpp"
#include "control/yaml_util.hpp"

#include "control/outputs_config.hpp"

namespace btsensor {
namespace {

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

void parse_dpi(Reporter& rep, const YAML::Node& n, EngineConfig& eng) {
  if (!n.IsMap()) return rep.at(n, "dpi", "expected a mapping");
  check_keys(rep, n, "dpi",
             {"max_packets", "max_bytes", "mse_heuristic", "context_window", "learned_ttl",
              "learned_capacity", "detail_capacity"});
  DpiConfig& d = eng.dpi;
  read_uint(rep, n, "max_packets", "dpi.max_packets", d.max_packets, 1, 255);
  read_uint(rep, n, "max_bytes", "dpi.max_bytes", d.max_bytes, 16, 65535);
  if (YAML::Node b = n["mse_heuristic"]) read_bool(rep, b, "dpi.mse_heuristic", d.mse_heuristic);
  read_seconds(rep, n, "context_window", "dpi.context_window", d.context_window, 1, 7 * 86400);
  read_seconds(rep, n, "learned_ttl", "dpi.learned_ttl", d.learned_ttl, 1, 7 * 86400);
  read_uint(rep, n, "learned_capacity", "dpi.learned_capacity", d.learned_capacity, 4, 1u << 26);
  read_uint(rep, n, "detail_capacity", "dpi.detail_capacity", d.detail_capacity, 1, 1u << 24);
}

// Relative paths in a config file are relative to the file's directory, so a config works
// from wherever the sensor is started.
std::string resolve(const std::string& config_path, const std::string& p) {
  namespace fs = std::filesystem;
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(config_path).parent_path() / p).lexically_normal().string();
}

void parse_reputation(Reporter& rep, const YAML::Node& n, SensorConfig& cfg) {
  if (!n.IsMap()) return rep.at(n, "reputation", "expected a mapping");
  check_keys(rep, n, "reputation",
             {"tracker_category", "max_entries", "feeds", "watch", "watch_interval"});
  auto& r = cfg.reputation;
  if (n["watch"]) read_bool(rep, n["watch"], "reputation.watch", r.watch);
  read_uint(rep, n, "watch_interval", "reputation.watch_interval", r.watch_interval, 1, 3600);
  if (n["tracker_category"])
    read_string(rep, n["tracker_category"], "reputation.tracker_category", r.tracker_category);
  read_uint(rep, n, "max_entries", "reputation.max_entries", r.max_entries, 1, 200'000'000);
  const YAML::Node feeds = n["feeds"];
  if (!feeds) return;
  if (!feeds.IsSequence()) return rep.at(feeds, "reputation.feeds", "expected a list of feeds");
  int i = 0;
  for (const auto& f : feeds) {
    std::string where = "reputation.feeds[" + std::to_string(i++) + "]";
    if (!f.IsMap()) {
      rep.at(f, where, "expected a mapping (name, path, format, ...)");
      continue;
    }
    check_keys(rep, f, where, {"name", "path", "format", "category", "categories"});
    FeedSpec spec;
    spec.category = r.tracker_category;
    for (const char* req : {"name", "path", "format"})
      if (!f[req]) rep.at(f, where, std::string("missing required key '") + req + "'");
    if (f["name"]) read_string(rep, f["name"], where + ".name", spec.name);
    if (f["path"] && read_string(rep, f["path"], where + ".path", spec.path))
      spec.path = resolve(cfg.path, spec.path);
    if (f["format"] && read_string(rep, f["format"], where + ".format", spec.format) &&
        spec.format != "ip_list" && spec.format != "iprep" && spec.format != "tracker_urls")
      rep.at(f["format"], where + ".format", "expected ip_list, iprep or tracker_urls");
    if (f["category"]) read_string(rep, f["category"], where + ".category", spec.category);
    if (f["categories"] &&
        read_string(rep, f["categories"], where + ".categories", spec.categories))
      spec.categories = resolve(cfg.path, spec.categories);
    if (spec.format == "iprep" && spec.categories.empty())
      rep.at(f, where, "format iprep needs 'categories' (the iprep categories file)");
    r.feeds.push_back(std::move(spec));
  }
}

// A path key of a small section (`control.socket`, `state.file`): absolute, or relative to
// the config's directory; "" switches the feature off.
void parse_path_section(Reporter& rep, const YAML::Node& n, const char* section,
                        std::initializer_list<std::pair<const char*, std::string*>> keys,
                        const std::string& config_path) {
  if (!n.IsMap()) return rep.at(n, section, "expected a mapping");
  for (const auto& [key, out] : keys) {
    if (YAML::Node v = n[key]) {
      std::string where = std::string(section) + "." + key;
      if (read_string(rep, v, where, *out)) *out = resolve(config_path, *out);
    }
  }
}

// "No absurd memory": each key has its own bound, but together they can still ask for more
// than the machine has (flows.capacity 2^30 alone is ~150 GiB per worker). Refuse that here,
// naming the keys, instead of dying in std::bad_alloc when the shards are built.
void check_memory(Reporter& rep, const YAML::Node& root, const SensorConfig& cfg) {
  const uint64_t ram = physical_memory_bytes();
  if (ram == 0) return;
  const uint64_t workers = std::max<size_t>(1, cfg.dataplane.worker_lcores.size());
  const uint64_t need = shard_table_bytes(cfg.engine) * workers;
  if (need <= ram) return;
  auto gib = [](uint64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(1ull << 30));
    return std::string(buf);
  };
  const bool flows = bool(root["flows"]);
  rep.at(flows           ? root["flows"]
         : root["hosts"] ? root["hosts"]
                         : root,
         flows ? "flows.capacity" : "hosts.capacity",
         "the engine tables need ~" + gib(need) + " (" + std::to_string(workers) +
             " worker(s) x flows.capacity, hosts.capacity, dpi.learned_capacity, "
             "dpi.detail_capacity), more than this machine's " +
             gib(ram));
}

Result<SensorConfig> parse_root(const YAML::Node& root, Reporter& rep) {
  SensorConfig cfg;
  cfg.path = rep.name();
  if (root.IsNull()) return cfg;  // empty file: all defaults
  if (!root.IsMap()) {
    rep.at(root, "(top level)", "expected a mapping of sections");
    return Error{"invalid config"};
  }
  check_keys(rep, root, "",
             {"home_net", "flows", "output", "outputs", "pipeline", "dpi", "hosts", "dataplane",
              "reputation", "exclusions", "control", "state"});
  if (YAML::Node n = root["pipeline"])
    if (read_string(rep, n, "pipeline", cfg.pipeline))
      cfg.pipeline = resolve(cfg.path, cfg.pipeline);
  if (YAML::Node n = root["exclusions"]; n && read_string(rep, n, "exclusions", cfg.exclusions))
    cfg.exclusions = relative_to_file(rep.name(), cfg.exclusions);
  if (YAML::Node n = root["dpi"]) parse_dpi(rep, n, cfg.engine);
  if (YAML::Node n = root["hosts"]) {
    if (!n.IsMap()) {
      rep.at(n, "hosts", "expected a mapping");
    } else {
      check_keys(rep, n, "hosts", {"capacity", "label_capacity"});
      read_uint(rep, n, "capacity", "hosts.capacity", cfg.engine.host_capacity, 8, 1u << 26);
      // 0 (the default): host capacity / 16, at least 1024 (shard.hpp).
      read_uint(rep, n, "label_capacity", "hosts.label_capacity", cfg.engine.label_capacity, 0,
                1u << 26);
    }
  }
  if (YAML::Node n = root["home_net"]) parse_home_net(rep, n, cfg.engine);
  if (YAML::Node n = root["flows"]) parse_flows(rep, n, cfg.engine);
  if (YAML::Node n = root["output"])
    rep.at(n, "output", "replaced by outputs: (outputs.eve.path, outputs.community_id_seed)");
  if (YAML::Node n = root["outputs"])
    parse_outputs_config(n, cfg.outputs,
                         [&](const YAML::Node& at, const std::string& key, const std::string& msg) {
                           rep.at(at, key, msg);
                         });
  if (YAML::Node n = root["reputation"]) parse_reputation(rep, n, cfg);
  if (YAML::Node n = root["control"]) {
    if (n.IsMap()) check_keys(rep, n, "control", {"socket", "runtime_exclusions"});
    parse_path_section(
        rep, n, "control",
        {{"socket", &cfg.control.socket}, {"runtime_exclusions", &cfg.control.runtime_exclusions}},
        cfg.path);
  }
  if (YAML::Node n = root["state"]) {
    if (n.IsMap()) check_keys(rep, n, "state", {"file"});
    parse_path_section(rep, n, "state", {{"file", &cfg.state.file}}, cfg.path);
  }
  if (YAML::Node n = root["dataplane"])
    parse_dataplane_config(n, cfg.dataplane,
                           [&](const YAML::Node& at, const std::string& key,
                               const std::string& msg) { rep.at(at, key, msg); });
  if (!rep.errors()) check_memory(rep, root, cfg);
  if (rep.errors()) return Error{"invalid config"};
  return cfg;
}

}  // namespace

Result<SensorConfig> parse_config(const std::string& text, const std::string& name,
                                  Diagnostics& diag) {
  YAML::Node root;
  if (!load_yaml_text(text, name, diag, root)) return Error{"invalid config"};
  Reporter rep(name, diag);
  return parse_root(root, rep);
}

Result<SensorConfig> load_config(const std::string& path, Diagnostics& diag) {
  YAML::Node root;
  if (!load_yaml_file(path, diag, root)) return Error{"invalid config"};
  Reporter rep(path, diag);
  return parse_root(root, rep);
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
