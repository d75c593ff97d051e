// EVE-style JSON lines (Suricata field names) for flow records, label changes and alerts.
// The schema is the outside contract in DESIGN.md and is documented in README.md.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/events.hpp"
#include "btsensor/exclusion_ids.hpp"
#include "outputs/json_line.hpp"

namespace btsensor {

struct EveOptions {
  uint16_t community_id_seed = 0;
  // Exclusion ids by index, for "suppressed": {"exclusion": ID} (event.suppressed_by - 1).
  // Null or short: the id is written as "#N".
  // Names of exclusions by index (suppressed_by - 1); grows with reloads (exclusion_ids.hpp).
  std::shared_ptr<const ExclusionIds> exclusion_ids;
};

// Formats events as JSON text. Separate from where the text goes (file, syslog, queue), so
// every output shares one formatter.
class EveFormatter {
 public:
  explicit EveFormatter(EveOptions opt = {}) : opt_(opt) {}
  // Each returns the line without the trailing newline; valid until the next call.
  const std::string& flow(const FlowRecord& r);
  const std::string& label(const LabelEvent& e);
  const std::string& alert(const AlertEvent& e);

 private:
  void common(Timestamp ts, const char* type, const FiveTuple* t, uint64_t flow_id);
  void flow_ref(const FlowRef& f);
  void suppressed(uint16_t by);
  EveOptions opt_;
  JsonLine j_;
};

// RFC 3339 UTC with microseconds: 2024-05-01T12:00:00.123456Z.
std::string format_timestamp(Timestamp ts);
void format_timestamp(Timestamp ts, char out[32]);

// Writes one line per event to a stdio stream (stdout or a file opened by the caller).
class EveStreamWriter final : public EventSink {
 public:
  EveStreamWriter(FILE* out, EveOptions opt = {}) : out_(out), fmt_(opt) {}
  void on_flow(const FlowRecord& r) override { write(fmt_.flow(r)); }
  void on_label(const LabelEvent& e) override { write(fmt_.label(e)); }
  void on_alert(const AlertEvent& e) override { write(fmt_.alert(e)); }
  uint64_t lines() const { return lines_; }
  uint64_t write_errors() const { return errors_; }

 private:
  void write(const std::string& line);
  FILE* out_;
  EveFormatter fmt_;
  uint64_t lines_ = 0, errors_ = 0;
};

}  // namespace btsensor
