#include "control/json_event_fields.hpp"

#include <cstdio>
#include <ctime>

#include "btsensor/evidence.hpp"

namespace btsensor {

std::string rfc3339(Timestamp ts) {
  time_t secs = time_t(ts / kNsPerSec);
  long us = long(ts % kNsPerSec / 1000);
  if (ts < 0) return "1970-01-01T00:00:00.000000Z";
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char b[96];  // room for any int the compiler can imagine in each field
  std::snprintf(b, sizeof b, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
  return b;
}

void write_evidence_list(JsonWriter& w, uint32_t bits) {
  w.begin_array();
  for (int e = 0; e < kEvidenceCount; ++e)
    if (bits & evidence_bit(Evidence(e))) w.value(evidence_name(Evidence(e)));
  w.end_array();
}

void write_flow_ref(JsonWriter& w, const FlowRef& f, FlowRefStyle style) {
  w.begin_object()
      .field("flow_id", uint64_t(f.flow_id))
      .field("src_ip", f.tuple.src.to_string())
      .field("src_port", unsigned(f.tuple.sport))
      .field("dest_ip", f.tuple.dst.to_string())
      .field("dest_port", unsigned(f.tuple.dport));
  if (style == FlowRefStyle::kExact) {
    w.field("proto", unsigned(f.tuple.proto)).field("first_seen", int64_t(f.first_seen));
  } else {
    w.field("proto", proto_name(f.tuple.proto)).key("first_seen");
    if (f.first_seen > 0) {
      w.value(rfc3339(f.first_seen));
    } else {
      w.null();
    }
  }
  w.key("evidence");
  write_evidence_list(w, f.evidence);
  w.end_object();
}

}  // namespace btsensor
