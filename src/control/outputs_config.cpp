#include "control/outputs_config.hpp"

#include <set>

#include "outputs/host_port.hpp"

namespace btsensor {
namespace {

class Section {
 public:
  Section(const YAML::Node& n, std::string path, const ConfigReport& report)
      : n_(n), path_(std::move(path)), report_(report) {}

  // False (and reported) when the node is not a mapping; unknown keys are reported.
  bool check(std::initializer_list<const char*> allowed) {
    if (!n_.IsMap()) {
      report_(n_, path_, "expected a mapping");
      return false;
    }
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& kv : n_) {
      std::string k = kv.first.as<std::string>("");
      if (ok.count(k)) continue;
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      report_(kv.first, key(k), "unknown key (expected one of: " + list + ")");
    }
    return true;
  }

  std::string key(const std::string& k) const { return path_ + "." + k; }

  template <class T>
  void uint(const char* k, T& out, uint64_t lo, uint64_t hi) {
    YAML::Node v = n_[k];
    if (!v) return;
    std::string text = v.IsScalar() ? v.Scalar() : "";
    uint64_t x;
    if (text.empty() || text[0] == '-' || !YAML::convert<uint64_t>::decode(v, x)) {
      report_(v, key(k), "expected a whole number, got '" + text + "'");
    } else if (x < lo || x > hi) {
      report_(v, key(k),
              "value " + std::to_string(x) + " out of range [" + std::to_string(lo) + ", " +
                  std::to_string(hi) + "]");
    } else {
      out = T(x);
    }
  }

  void seconds_ms(const char* k, uint32_t& ms, uint64_t lo, uint64_t hi) {
    uint64_t s = ms / 1000;
    uint(k, s, lo, hi);
    ms = uint32_t(s * 1000);
  }

  void boolean(const char* k, bool& out) {
    YAML::Node v = n_[k];
    if (!v) return;
    bool b;
    if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
      report_(v, key(k), "expected true or false, got '" + (v.IsScalar() ? v.Scalar() : "") + "'");
    } else {
      out = b;
    }
  }

  // A non-empty string; `check` may add a message for invalid values.
  bool string(const char* k, std::string& out) {
    YAML::Node v = n_[k];
    if (!v) return false;
    if (!v.IsScalar() || v.Scalar().empty()) {
      report_(v, key(k), "expected a non-empty string");
      return false;
    }
    out = v.Scalar();
    return true;
  }

  // One of `names` (by index); the result is the index.
  template <class T, class Names>
  void choice(const char* k, T& out, const Names& names) {
    YAML::Node v = n_[k];
    if (!v) return;
    std::string text = v.IsScalar() ? v.Scalar() : "";
    std::string list;
    for (size_t i = 0; i < std::size(names); ++i) {
      if (text == names[i]) {
        out = T(i);
        return;
      }
      list += (i ? ", " : "") + std::string(names[i]);
    }
    report_(v, key(k), "expected one of " + list + ", got '" + text + "'");
  }

  void error(const char* k, const std::string& msg) { report_(n_[k], key(k), msg); }

 private:
  YAML::Node n_;
  std::string path_;
  const ConfigReport& report_;
};

// RFC 5424 §6.2.5 APP-NAME / §6.2.4 HOSTNAME: printable US-ASCII without spaces.
bool printusascii(const std::string& s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s)
    if (c < 33 || c > 126) return false;
  return true;
}

void parse_eve(const YAML::Node& n, EveFileOptions& eve, const ConfigReport& report) {
  Section s(n, "outputs.eve", report);
  if (!s.check({"enabled", "path", "fsync", "fsync_interval", "queue"})) return;
  s.boolean("enabled", eve.enabled);
  s.string("path", eve.path);
  static constexpr const char* kFsync[] = {"never", "interval", "always"};
  s.choice("fsync", eve.fsync, kFsync);
  s.seconds_ms("fsync_interval", eve.fsync_interval_ms, 1, 3600);
  // 1 Mi events ≈ 600 MiB of queue: the upper bound catches extra zeros.
  s.uint("queue", eve.queue, 16, 1u << 20);
}

void parse_syslog(const YAML::Node& n, SyslogOptions& sl, const ConfigReport& report) {
  Section s(n, "outputs.syslog", report);
  if (!s.check({"enabled", "transport", "address", "framing", "facility", "severity", "app_name",
                "hostname", "queue", "reconnect_max", "send_timeout"}))
    return;
  s.boolean("enabled", sl.enabled);
  static constexpr const char* kTransport[] = {"udp", "tcp", "unix"};
  s.choice("transport", sl.transport, kTransport);
  if (s.string("address", sl.address)) {
    HostPort hp;
    if (sl.transport == SyslogTransport::kUnix) {
      if (sl.address[0] != '/' || sl.address.size() > 107)
        s.error("address", "expected an absolute socket path (at most 107 bytes) for unix");
    } else if (!split_host_port(sl.address, hp) || hp.port == 0) {
      s.error("address", "expected host:port (IPv6 in brackets), got '" + sl.address + "'");
    }
  }
  static constexpr const char* kFraming[] = {"octet-counting", "newline"};
  s.choice("framing", sl.framing, kFraming);
  s.choice("facility", sl.facility, kSyslogFacilityNames);
  s.choice("severity", sl.severity, kSyslogSeverityNames);
  if (s.string("app_name", sl.app_name) && !printusascii(sl.app_name, 48))
    s.error("app_name", "expected 1 to 48 printable ASCII characters without spaces");
  if (n["hostname"] && s.string("hostname", sl.hostname) && !printusascii(sl.hostname, 255))
    s.error("hostname", "expected 1 to 255 printable ASCII characters without spaces");
  s.uint("queue", sl.queue, 16, 1u << 20);
  s.seconds_ms("reconnect_max", sl.reconnect_max_ms, 1, 3600);
  s.seconds_ms("send_timeout", sl.send_timeout_ms, 1, 60);
}

void parse_metrics(const YAML::Node& n, MetricsOptions& m, const ConfigReport& report) {
  Section s(n, "outputs.metrics", report);
  if (!s.check({"enabled", "listen"})) return;
  s.boolean("enabled", m.enabled);
  if (s.string("listen", m.listen)) {
    HostPort hp;
    if (!split_host_port(m.listen, hp))
      s.error("listen", "expected host:port (IPv6 in brackets), got '" + m.listen + "'");
  }
}

}  // namespace

void parse_outputs_config(const YAML::Node& n, OutputsConfig& out, const ConfigReport& report) {
  Section s(n, "outputs", report);
  if (!s.check({"community_id_seed", "write_suppressed", "eve", "syslog", "metrics"})) return;
  s.uint("community_id_seed", out.community_id_seed, 0, 65535);
  s.boolean("write_suppressed", out.write_suppressed);
  if (YAML::Node e = n["eve"]) parse_eve(e, out.eve, report);
  if (YAML::Node e = n["syslog"]) parse_syslog(e, out.syslog, report);
  if (YAML::Node e = n["metrics"]) parse_metrics(e, out.metrics, report);
}

}  // namespace btsensor
