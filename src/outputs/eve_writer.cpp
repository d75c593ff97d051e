#include "outputs/eve_writer.hpp"

#include <cstring>
#include <ctime>

#include "btsensor/community_id.hpp"
#include "btsensor/evidence.hpp"
#include "btsensor/model_ids.hpp"

namespace btsensor {
namespace {

void hex(const uint8_t* p, size_t n, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 15];
  }
  out[2 * n] = '\0';
}

// Suricata prints TCP flags as a hex byte ("1b"); SIEM parsers expect that.
void tcp_flags_hex(uint8_t f, char out[3]) {
  hex(&f, 1, out);
}

void evidence_list(JsonLine& j, std::string_view key, uint32_t mask) {
  j.begin_array(key);
  for (int i = 0; i < kEvidenceCount; ++i)
    if (mask & (uint32_t(1) << i)) j.elem_str(evidence_name(Evidence(i)));
  j.end_array();
}

template <size_t N>
std::string_view cstr(const std::array<char, N>& a) {
  size_t n = 0;
  while (n < N && a[n]) ++n;
  return {a.data(), n};
}

}  // namespace

void format_timestamp(Timestamp ts, char out[32]) {
  // Floor division so that pre-1970 (never in practice, but possible in a forged capture)
  // still prints a valid time.
  int64_t sec = ts / kNsPerSec;
  int64_t ns = ts % kNsPerSec;
  if (ns < 0) {
    ns += kNsPerSec;
    --sec;
  }
  time_t t = time_t(sec);
  struct tm tm;
  gmtime_r(&t, &tm);
  // Fixed-width digits written by hand: cheaper than snprintf and the format is fixed.
  auto put = [&](int pos, int width, long v) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[pos + i] = char('0' + v % 10);
  };
  std::memcpy(out, "0000-00-00T00:00:00.000000Z", 28);
  put(0, 4, (tm.tm_year + 1900) % 10000);
  put(5, 2, tm.tm_mon + 1);
  put(8, 2, tm.tm_mday);
  put(11, 2, tm.tm_hour);
  put(14, 2, tm.tm_min);
  put(17, 2, tm.tm_sec);
  put(20, 6, long(ns / 1000));
}

std::string format_timestamp(Timestamp ts) {
  char buf[32];
  format_timestamp(ts, buf);
  return buf;
}

void EveFormatter::common(Timestamp ts, const char* type, const FiveTuple* t, uint64_t flow_id) {
  char tsbuf[32];
  format_timestamp(ts, tsbuf);
  j_.clear();
  j_.begin_object();
  j_.str("timestamp", tsbuf);
  if (t) j_.num("flow_id", flow_id);
  j_.str("event_type", type);
  if (t) {
    j_.str("src_ip", t->src.to_string());
    j_.num("src_port", uint64_t(t->sport));
    j_.str("dest_ip", t->dst.to_string());
    j_.num("dest_port", uint64_t(t->dport));
    const char* p = proto_name(t->proto);
    if (p) {
      j_.str("proto", p);
    } else {
      j_.num("proto", uint64_t(t->proto));  // Suricata prints unknown protocols as numbers
    }
    CommunityId cid;
    community_id_v1(*t, opt_.community_id_seed, cid);
    j_.str("community_id", cid.data());
  }
}

const std::string& EveFormatter::flow(const FlowRecord& r) {
  common(r.start, "flow", &r.tuple, r.flow_id);
  if (r.vlan) {
    j_.begin_array("vlan");
    j_.elem_num(r.vlan);
    j_.end_array();
  }
  j_.str("app_proto", r.bittorrent ? "bittorrent" : "unknown");
  if (r.host_internal) j_.str("host", r.host.to_string());
  char start[32], end[32];
  format_timestamp(r.start, start);
  format_timestamp(r.end, end);
  j_.begin_object("flow")
      .num("pkts_toserver", uint64_t(r.pkts_toserver))
      .num("pkts_toclient", uint64_t(r.pkts_toclient))
      .num("bytes_toserver", r.bytes_toserver)
      .num("bytes_toclient", r.bytes_toclient)
      .str("start", start)
      .str("end", end)
      .num("age", uint64_t((r.end - r.start) / kNsPerSec))
      .str("state", flow_state_name(r.state))
      .str("reason", flow_end_reason_name(r.reason))
      .end_object();
  if (r.tuple.proto == kProtoTcp) {
    char all[3], ts[3], tc[3];
    tcp_flags_hex(uint8_t(r.tcp_flags_ts | r.tcp_flags_tc), all);
    tcp_flags_hex(r.tcp_flags_ts, ts);
    tcp_flags_hex(r.tcp_flags_tc, tc);
    j_.begin_object("tcp").str("tcp_flags", all).str("tcp_flags_ts", ts).str("tcp_flags_tc", tc);
    uint8_t f = r.tcp_flags_ts | r.tcp_flags_tc;
    if (f & 0x02) j_.boolean("syn", true);
    if (f & 0x01) j_.boolean("fin", true);
    if (f & 0x04) j_.boolean("rst", true);
    if (f & 0x08) j_.boolean("psh", true);
    if (f & 0x10) j_.boolean("ack", true);
    j_.end_object();
  }
  if (r.evidence) {
    j_.begin_object("bittorrent");
    evidence_list(j_, "evidence", r.evidence);
    j_.str("confidence", confidence_name(Confidence(r.confidence)));
    if (r.has_detail) {
      const FlowDetail& d = r.detail;
      if (d.client[0]) j_.str("client", cstr(d.client));
      if (d.peer_id_len) {
        // peer_id is mostly printable ("-TR2940-xxxxxxxxxxxx"); non-printables are escaped.
        j_.str("peer_id",
               std::string_view(reinterpret_cast<const char*>(d.peer_id.data()), d.peer_id_len));
      }
      if (d.has_info_hash) {
        char h[41];
        hex(d.info_hash.data(), 20, h);
        j_.str("info_hash", h);
      }
      if (d.tracker[0]) j_.str("tracker", cstr(d.tracker));
      if (d.name[0]) j_.str("name", cstr(d.name));
    }
    j_.end_object();
  }
  suppressed(r.suppressed_by);
  j_.end_object();
  return j_.text();
}

void EveFormatter::suppressed(uint16_t by) {
  if (!by) return;
  const ExclusionIds* ids = opt_.exclusion_ids.get();
  const std::string* id = ids ? ids->at(size_t(by - 1)) : nullptr;
  j_.begin_object("suppressed");
  if (id) {
    j_.str("exclusion", *id);
  } else {
    j_.str("exclusion", "#" + std::to_string(by));
  }
  j_.end_object();
}

void EveFormatter::flow_ref(const FlowRef& f) {
  CommunityId cid;
  community_id_v1(f.tuple, opt_.community_id_seed, cid);
  char first[32];
  format_timestamp(f.first_seen, first);
  j_.begin_object()
      .num("flow_id", f.flow_id)
      .str("community_id", cid.data())
      .str("src_ip", f.tuple.src.to_string())
      .num("src_port", uint64_t(f.tuple.sport))
      .str("dest_ip", f.tuple.dst.to_string())
      .num("dest_port", uint64_t(f.tuple.dport))
      .str("proto", proto_name(f.tuple.proto) ? proto_name(f.tuple.proto) : "other")
      .str("first_seen", first);
  evidence_list(j_, "kinds", f.evidence);
  j_.end_object();
}

const std::string& EveFormatter::label(const LabelEvent& e) {
  common(e.ts, "label", e.has_flow ? &e.flow.tuple : nullptr, e.flow.flow_id);
  j_.str("host", e.host.to_string());
  j_.begin_object("label")
      .str("name", label_name(LabelId(e.label)))
      .str("action", e.action == LabelAction::kSet ? "set" : "expire");
  j_.begin_array("reason");
  for (int i = 0; i < kEvidenceCount; ++i)
    if (e.reason & (uint32_t(1) << i)) j_.elem_str(evidence_name(Evidence(i)));
  j_.end_array();
  char buf[32];
  format_timestamp(e.last_activity, buf);
  j_.str("last_activity", buf);
  if (e.action == LabelAction::kSet) {
    format_timestamp(e.expires, buf);
    j_.str("expires", buf);
  }
  if (e.remote[0]) j_.str("remote", cstr(e.remote));
  if (e.action == LabelAction::kExpire) {
    if (e.evicted) j_.boolean("evicted", true);  // host table made room: not a TTL expiry
    if (e.alert_flows) j_.num("flows", uint64_t(e.alert_flows)).num("bytes", e.alert_bytes);
  }
  j_.end_object();
  suppressed(e.suppressed_by);
  j_.end_object();
  return j_.text();
}

const std::string& EveFormatter::alert(const AlertEvent& e) {
  const FiveTuple* t = e.has_flow ? &e.flows[0].tuple : nullptr;
  common(e.ts, "alert", t, e.has_flow ? e.flows[0].flow_id : 0);
  j_.str("host", e.host.to_string());
  j_.begin_object("alert")
      .str("action", "allowed")
      .num("signature_id", uint64_t(9'000'001 + e.model))
      .str("signature", "BTSENSOR BitTorrent use by internal host")
      .str("category", "Potential Corporate Privacy Violation")
      .num("severity", uint64_t(e.severity))
      .str("model", model_name(ModelId(e.model)))
      .end_object();
  char first[32], last[32];
  format_timestamp(e.first_seen, first);
  format_timestamp(e.last_seen, last);
  j_.begin_object("evidence");
  j_.str("first_seen", first).str("last_seen", last).num("bytes", e.bytes);
  j_.begin_array("labels");
  for (int i = 0; i < kLabelCount; ++i)
    if (e.labels & (1u << i)) j_.elem_str(label_name(LabelId(i)));
  j_.end_array();
  evidence_list(j_, "kinds", e.evidence);
  j_.begin_array("flows");
  for (int i = 0; i < e.nflows && i < kMaxAlertFlows; ++i) flow_ref(e.flows[i]);
  j_.end_array();
  j_.end_object();
  suppressed(e.suppressed_by);
  j_.end_object();
  return j_.text();
}

void EveStreamWriter::write(const std::string& line) {
  if (std::fwrite(line.data(), 1, line.size(), out_) != line.size() ||
      std::fputc('\n', out_) == EOF) {
    ++errors_;
    return;
  }
  ++lines_;
}

}  // namespace btsensor
