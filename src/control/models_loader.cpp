#include "control/models_loader.hpp"

#include <charconv>

#include "control/yaml_util.hpp"

namespace btsensor {
namespace {

// A list of ports and "lo-hi" ranges.
bool read_ports(Reporter& rep, const YAML::Node& n, const std::string& path, PortMask& out) {
  if (!n.IsSequence()) {
    rep.at(n, path, "expected a list of ports or \"lo-hi\" ranges");
    return false;
  }
  out = PortMask{};
  for (const auto& item : n) {
    std::string s = item.IsScalar() ? item.Scalar() : "";
    unsigned lo = 0, hi = 0;
    auto dash = s.find('-');
    std::string a = s.substr(0, dash), b = dash == std::string::npos ? a : s.substr(dash + 1);
    auto r1 = std::from_chars(a.data(), a.data() + a.size(), lo);
    auto r2 = std::from_chars(b.data(), b.data() + b.size(), hi);
    if (s.empty() || r1.ec != std::errc{} || r1.ptr != a.data() + a.size() ||
        r2.ec != std::errc{} || r2.ptr != b.data() + b.size() || lo == 0 || hi > 65535 || lo > hi) {
      rep.at(item, path, "expected a port 1-65535 or a range \"lo-hi\", got '" + s + "'");
      continue;
    }
    out.add(uint16_t(lo), uint16_t(hi));
  }
  return true;
}

void read_label(Reporter& rep, const YAML::Node& n, const std::string& path, LabelConfig& lc,
                ModelConfig* tracker_ports) {
  if (!n.IsMap()) return rep.at(n, path, "expected a mapping");
  if (tracker_ports) {
    check_keys(rep, n, path, {"enabled", "ttl", "tracker_ports"});
  } else {
    check_keys(rep, n, path, {"enabled", "ttl"});
  }
  if (n["enabled"]) read_bool(rep, n["enabled"], path + ".enabled", lc.enabled);
  uint64_t ttl;
  // A week bounds it: a label that outlives that is an inventory, not a detection.
  if (n["ttl"] && read_u64(rep, n["ttl"], path + ".ttl", ttl, 1, 7 * 86400))
    lc.ttl = Timestamp(ttl) * kNsPerSec;
  if (tracker_ports && n["tracker_ports"]) {
    const YAML::Node tp = n["tracker_ports"];
    if (!tp.IsMap())
      return rep.at(tp, path + ".tracker_ports", "expected {tcp: [...], udp: [...]}");
    check_keys(rep, tp, path + ".tracker_ports", {"tcp", "udp"});
    if (tp["tcp"])
      read_ports(rep, tp["tcp"], path + ".tracker_ports.tcp", tracker_ports->tracker_ports_tcp);
    if (tp["udp"])
      read_ports(rep, tp["udp"], path + ".tracker_ports.udp", tracker_ports->tracker_ports_udp);
  }
}

}  // namespace

Result<std::unique_ptr<ModelConfig>> load_models(const std::string& path, Diagnostics& diag) {
  YAML::Node root;
  if (!load_yaml_file(path, diag, root)) return Error{"invalid models"};
  Reporter rep(path, diag);
  auto cfg = std::make_unique<ModelConfig>(ModelConfig::defaults());
  if (!root.IsMap()) {
    rep.at(root, "(top level)", "expected 'labels:' and 'models:' sections");
    return Error{"invalid models"};
  }
  check_keys(rep, root, "", {"labels", "models"});
  // Each section must be a mapping (or empty) before it is subscripted: yaml-cpp throws on
  // operator[] of a scalar ("labels: yes" crashed check-config; found by fuzz_pipeline).
  if (const YAML::Node l = root["labels"]; l && !l.IsMap() && !l.IsNull()) {
    rep.at(l, "labels", "expected a mapping of labels");
  } else if (l) {
    check_keys(rep, l, "labels", {"bittorrent_user", "torrent_site"});
    if (l["bittorrent_user"])
      read_label(rep, l["bittorrent_user"], "labels.bittorrent_user",
                 cfg->labels[size_t(LabelId::kBittorrentUser)], cfg.get());
    if (l["torrent_site"])
      read_label(rep, l["torrent_site"], "labels.torrent_site",
                 cfg->labels[size_t(LabelId::kTorrentSite)], nullptr);
  }
  if (const YAML::Node m = root["models"]; m && !m.IsMap() && !m.IsNull()) {
    rep.at(m, "models", "expected a mapping of models");
  } else if (m) {
    check_keys(rep, m, "models", {"bittorrent"});
    if (const YAML::Node b = m["bittorrent"]; b && !b.IsMap() && !b.IsNull()) {
      rep.at(b, "models.bittorrent", "expected a mapping");
    } else if (b) {
      check_keys(rep, b, "models.bittorrent", {"enabled", "transfer_ports"});
      if (b["enabled"])
        read_bool(rep, b["enabled"], "models.bittorrent.enabled", cfg->bittorrent_enabled);
      if (b["transfer_ports"])
        read_ports(rep, b["transfer_ports"], "models.bittorrent.transfer_ports",
                   cfg->transfer_ports);
    }
  }
  if (rep.errors()) return Error{"invalid models"};
  return cfg;
}

}  // namespace btsensor
