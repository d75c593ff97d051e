#include "control/state_file.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "btsensor/evidence.hpp"
#include "btsensor/home_net.hpp"
#include "btsensor/model_ids.hpp"
#include "btsensor/shard.hpp"
#include "control/atomic_file.hpp"
#include "control/json.hpp"
#include "control/json_event_fields.hpp"

namespace btsensor {
namespace {

constexpr const char* kFormat = "btsensor-state";

// Decoding: every accessor records the first problem with its JSON path; the caller turns
// it into one error line.
class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}
  bool ok() const { return err_.empty(); }
  std::string error() const { return name_ + ": " + err_; }
  void fail(const std::string& path, const std::string& msg) {
    if (err_.empty()) err_ = path + ": " + msg;
  }

  int64_t integer(const JsonValue& o, const char* key, const std::string& path, int64_t lo,
                  int64_t hi) {
    const JsonValue& v = o[key];
    if (!v.is_int() || v.as_int() < lo || v.as_int() > hi) {
      fail(path + "." + key,
           "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      return lo;
    }
    return v.as_int();
  }
  IpAddr ip(const JsonValue& o, const char* key, const std::string& path) {
    const JsonValue& v = o[key];
    std::optional<IpAddr> a = v.is_string() ? IpAddr::parse(v.as_string()) : std::nullopt;
    if (!a) {
      fail(path + "." + key, "expected an IP address");
      return IpAddr{};
    }
    return *a;
  }
  uint32_t evidence(const JsonValue& o, const char* key, const std::string& path) {
    const JsonValue& v = o[key];
    if (!v.is_array()) {
      fail(path + "." + key, "expected a list of evidence names");
      return 0;
    }
    uint32_t bits = 0;
    for (const JsonValue& e : v.as_array()) {
      if (!e.is_string()) {
        fail(path + "." + key, "expected evidence names");
        return 0;
      }
      for (int k = 0; k < kEvidenceCount; ++k)
        if (e.as_string() == evidence_name(Evidence(k))) bits |= evidence_bit(Evidence(k));
      // A name this version does not know (a newer sensor's) is dropped, not an error.
    }
    return bits;
  }
  const JsonValue& list(const JsonValue& o, const char* key) {
    const JsonValue& v = o[key];
    if (!v.is_array()) fail(key, "expected a list");
    return v;
  }

 private:
  std::string name_, err_;
};

constexpr int64_t kMaxTs = INT64_MAX;

FlowRef read_flow(Reader& r, const JsonValue& f, const std::string& path) {
  FlowRef out;
  if (!f.is_object()) {
    r.fail(path, "expected an object");
    return out;
  }
  out.flow_id = uint64_t(r.integer(f, "flow_id", path, 0, INT64_MAX));
  out.tuple.src = r.ip(f, "src_ip", path);
  out.tuple.sport = uint16_t(r.integer(f, "src_port", path, 0, 65535));
  out.tuple.dst = r.ip(f, "dest_ip", path);
  out.tuple.dport = uint16_t(r.integer(f, "dest_port", path, 0, 65535));
  out.tuple.proto = uint8_t(r.integer(f, "proto", path, 0, 255));
  out.first_seen = r.integer(f, "first_seen", path, 0, kMaxTs);
  out.evidence = r.evidence(f, "evidence", path);
  return out;
}

}  // namespace

size_t SensorState::labels() const {
  size_t n = 0;
  for (const HostSnapshot& h : hosts)
    for (const LabelState& l : h.labels) n += l.set_at != 0;
  return n;
}

SensorState collect_state(std::span<const Shard* const> shards,
                          const std::map<IpAddr, Timestamp>& trackers) {
  SensorState s;
  s.written_at = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  for (const Shard* sh : shards) s.saved_now = std::max(s.saved_now, sh->now());
  for (const Shard* sh : shards) {
    const HostTable& t = sh->hosts();
    t.for_each_in(0, t.capacity(), [&](uint32_t handle, const Host& h) {
      if (!h.any_label()) return;
      const HostSnapshot& snap = s.hosts.emplace_back(t.snapshot(handle));
      // A run that saw no packet still carries restored labels: the saved time is never
      // before their activity (the restoring timer wheel starts there).
      for (const LabelState& x : snap.labels) s.saved_now = std::max(s.saved_now, x.last_activity);
    });
    const PeerTable& p = sh->peers();
    p.for_each_in(0, p.capacity(), sh->now(),
                  [&](const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp exp) {
                    s.peers.push_back({host, ip, port, exp});
                  });
  }
  for (const auto& [addr, exp] : trackers)
    if (exp > s.saved_now) s.trackers.push_back({addr, exp});
  return s;
}

std::string encode_state(const SensorState& s) {
  JsonWriter w;
  w.begin_object()
      .field("format", kFormat)
      .field("version", kStateFormatVersion)
      .field("written_at", int64_t(s.written_at))
      .field("saved_now", int64_t(s.saved_now))
      .key("hosts")
      .begin_array();
  for (const HostSnapshot& h : s.hosts) {
    w.begin_object()
        .field("ip", h.addr.to_string())
        .field("last_seen", int64_t(h.last_seen))
        .field("bt_activity", int64_t(h.bt_activity))
        .key("listen_ports")
        .begin_array();
    for (int i = 0; i < h.nlisten; ++i) w.value(unsigned(h.listen_ports[size_t(i)]));
    w.end_array().key("labels").begin_array();
    for (int i = 0; i < kLabelCount; ++i) {
      const LabelState& l = h.labels[size_t(i)];
      if (!l.set_at) continue;
      w.begin_object()
          .field("label", label_name(LabelId(i)))
          .field("set_at", int64_t(l.set_at))
          .field("last_activity", int64_t(l.last_activity))
          .field("remote",
                 std::string_view(l.remote.data(), strnlen(l.remote.data(), l.remote.size())))
          .key("reason");
      write_evidence_list(w, l.reason);
      w.key("flow");
      write_flow_ref(w, l.flow, FlowRefStyle::kExact);
      w.end_object();
    }
    w.end_array();
    const AlertState& a = h.alert;
    w.key("alert")
        .begin_object()
        .field("fired", a.fired)
        .field("first_seen", int64_t(a.first_seen))
        .field("last_seen", int64_t(a.last_seen))
        .field("bytes", uint64_t(a.bytes))
        .field("flows", unsigned(a.flows))
        .key("evidence");
    write_evidence_list(w, a.evidence);
    w.end_object().end_object();
  }
  w.end_array().key("peers").begin_array();
  for (const SavedPeer& p : s.peers)
    w.begin_object()
        .field("host", p.host.to_string())
        .field("ip", p.ip.to_string())
        .field("port", unsigned(p.port))
        .field("expires", int64_t(p.expires))
        .end_object();
  w.end_array().key("trackers").begin_array();
  for (const SavedTracker& t : s.trackers)
    w.begin_object()
        .field("ip", t.addr.to_string())
        .field("expires", int64_t(t.expires))
        .end_object();
  w.end_array().end_object();
  std::string out = w.take();
  out += '\n';
  return out;
}

Result<SensorState> decode_state(std::string_view text, const std::string& name) {
  std::string perr;
  auto root = parse_json(text, &perr);
  if (!root) return Error{name + ": not a JSON document (truncated or damaged?): " + perr};
  if (!root->is_object() || !(*root)["format"].is_string() ||
      (*root)["format"].as_string() != kFormat)
    return Error{name + ": not a btsensor state file (no \"format\": \"" + kFormat + "\")"};
  const JsonValue& ver = (*root)["version"];
  if (!ver.is_int() || ver.as_int() != kStateFormatVersion)
    return Error{name + ": state format version " +
                 (ver.is_int() ? std::to_string(ver.as_int()) : std::string("?")) +
                 ", this sensor reads version " + std::to_string(kStateFormatVersion)};
  Reader r(name);
  SensorState s;
  s.written_at = r.integer(*root, "written_at", "", 0, kMaxTs);
  s.saved_now = r.integer(*root, "saved_now", "", 0, kMaxTs);
  const JsonValue& hosts = r.list(*root, "hosts");
  const JsonValue& peers = r.list(*root, "peers");
  const JsonValue& trackers = r.list(*root, "trackers");
  if (!r.ok()) return Error{r.error()};
  std::map<IpAddr, size_t> seen;  // a host listed twice: the later entry wins
  for (size_t i = 0; i < hosts.as_array().size() && r.ok(); ++i) {
    const JsonValue& h = hosts.as_array()[i];
    std::string path = "hosts[" + std::to_string(i) + "]";
    if (!h.is_object()) {
      r.fail(path, "expected an object");
      break;
    }
    HostSnapshot out;
    out.addr = r.ip(h, "ip", path);
    out.last_seen = r.integer(h, "last_seen", path, 0, kMaxTs);
    out.bt_activity = r.integer(h, "bt_activity", path, 0, kMaxTs);
    const JsonValue& ports = h["listen_ports"];
    if (!ports.is_array()) r.fail(path + ".listen_ports", "expected a list");
    for (size_t k = 0; r.ok() && k < ports.as_array().size(); ++k) {
      const JsonValue& p = ports.as_array()[k];
      if (!p.is_int() || p.as_int() < 1 || p.as_int() > 65535) {
        r.fail(path + ".listen_ports", "expected ports");
        break;
      }
      out.add_listen_port(uint16_t(p.as_int()));
    }
    const JsonValue& labels = h["labels"];
    if (r.ok() && !labels.is_array()) r.fail(path + ".labels", "expected a list");
    for (size_t k = 0; r.ok() && k < labels.as_array().size(); ++k) {
      const JsonValue& l = labels.as_array()[k];
      std::string lp = path + ".labels[" + std::to_string(k) + "]";
      if (!l.is_object() || !l["label"].is_string()) {
        r.fail(lp, "expected an object with a label name");
        break;
      }
      int id = -1;
      for (int x = 0; x < kLabelCount; ++x)
        if (l["label"].as_string() == label_name(LabelId(x))) id = x;
      if (id < 0) continue;  // a label this version does not have
      LabelState& st = out.labels[size_t(id)];
      st.set_at = r.integer(l, "set_at", lp, 1, kMaxTs);
      st.last_activity = r.integer(l, "last_activity", lp, 1, kMaxTs);
      st.reason = r.evidence(l, "reason", lp);
      // The tracker or hunted name behind the label (exclusions match on it); optional.
      if (l["remote"].is_string()) {
        const std::string& rem = l["remote"].as_string();
        size_t n = std::min(rem.size(), st.remote.size() - 1);
        std::copy_n(rem.data(), n, st.remote.data());
        st.remote[n] = '\0';
      }
      st.flow = read_flow(r, l["flow"], lp + ".flow");
    }
    const JsonValue& a = h["alert"];
    if (r.ok() && !a.is_object()) r.fail(path + ".alert", "expected an object");
    if (r.ok()) {
      std::string ap = path + ".alert";
      if (!a["fired"].is_bool()) r.fail(ap + ".fired", "expected true or false");
      out.alert.fired = r.ok() && a["fired"].as_bool();
      out.alert.first_seen = r.integer(a, "first_seen", ap, 0, kMaxTs);
      out.alert.last_seen = r.integer(a, "last_seen", ap, 0, kMaxTs);
      out.alert.bytes = uint64_t(r.integer(a, "bytes", ap, 0, INT64_MAX));
      out.alert.flows = uint32_t(r.integer(a, "flows", ap, 0, UINT32_MAX));
      out.alert.evidence = r.evidence(a, "evidence", ap);
    }
    if (!r.ok()) break;
    out.sync_label_bits();
    if (!out.any_label()) continue;
    auto [it, fresh] = seen.try_emplace(out.addr, s.hosts.size());
    if (fresh) {
      s.hosts.push_back(out);
    } else {
      s.hosts[it->second] = out;
    }
  }
  for (size_t i = 0; r.ok() && i < peers.as_array().size(); ++i) {
    const JsonValue& p = peers.as_array()[i];
    std::string path = "peers[" + std::to_string(i) + "]";
    if (!p.is_object()) {
      r.fail(path, "expected an object");
      break;
    }
    SavedPeer sp;
    sp.host = r.ip(p, "host", path);
    sp.ip = r.ip(p, "ip", path);
    sp.port = uint16_t(r.integer(p, "port", path, 0, 65535));
    sp.expires = r.integer(p, "expires", path, 1, kMaxTs);
    s.peers.push_back(sp);
  }
  for (size_t i = 0; r.ok() && i < trackers.as_array().size(); ++i) {
    const JsonValue& t = trackers.as_array()[i];
    std::string path = "trackers[" + std::to_string(i) + "]";
    if (!t.is_object()) {
      r.fail(path, "expected an object");
      break;
    }
    SavedTracker st;
    st.addr = r.ip(t, "ip", path);
    st.expires = r.integer(t, "expires", path, 1, kMaxTs);
    s.trackers.push_back(st);
  }
  if (!r.ok()) return Error{r.error()};
  return s;
}

Result<bool> write_state_file(const std::string& path, const SensorState& s) {
  // Owner-only: the file names internal hosts and what they did.
  auto w = write_file_atomically(path, encode_state(s), 0600);
  if (!w) return Error{w.error() + " (state not saved)"};
  return true;
}

Result<std::optional<SensorState>> read_state_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return std::optional<SensorState>{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the state file: " + std::strerror(errno)};
  std::stringstream ss;
  ss << in.rdbuf();
  auto s = decode_state(ss.str(), path);
  if (!s) return Error{s.error()};
  return std::optional<SensorState>(std::move(*s));
}

RestoreReport restore_state(const SensorState& s, std::span<Shard* const> shards) {
  RestoreReport rep;
  if (shards.empty()) return rep;
  const uint32_t n = uint32_t(shards.size());
  for (const HostSnapshot& h : s.hosts) {
    Shard& sh = *shards[shard_of(h.addr, n)];
    if (!sh.restore_host(h, s.saved_now)) ++rep.evicted;
    ++rep.hosts;
    for (const LabelState& l : h.labels) rep.labels += l.set_at != 0;
  }
  for (const SavedPeer& p : s.peers) {
    if (p.expires <= s.saved_now) continue;
    shards[shard_of(p.host, n)]->restore_peer(p.host, p.ip, p.port, p.expires, s.saved_now);
    ++rep.peers;
  }
  rep.trackers = s.trackers.size();
  return rep;
}

}  // namespace btsensor
