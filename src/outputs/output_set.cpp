#include "outputs/output_set.hpp"

#include "outputs/file_sink.hpp"
#include "outputs/syslog_sink.hpp"

namespace btsensor {

Result<std::unique_ptr<OutputSet>> OutputSet::create(
    const OutputsConfig& cfg, QueueFull on_full,
    std::shared_ptr<const ExclusionIds> exclusion_ids) {
  auto set = std::make_unique<OutputSet>();
  WriterOptions wo;
  wo.on_full = on_full;
  wo.eve.community_id_seed = cfg.community_id_seed;
  wo.eve.exclusion_ids = std::move(exclusion_ids);
  if (cfg.eve.enabled) {
    auto sink = FileSink::open(cfg.eve);
    if (!sink) return Error{sink.error()};
    wo.queue = cfg.eve.queue;
    set->writers_.push_back(std::make_unique<AsyncWriter>("eve", std::move(*sink), wo));
  }
  if (cfg.syslog.enabled) {
    auto sink = SyslogSink::create(cfg.syslog);
    if (!sink) return Error{sink.error()};
    wo.queue = cfg.syslog.queue;
    set->writers_.push_back(std::make_unique<AsyncWriter>("syslog", std::move(*sink), wo));
  }
  return set;
}

bool OutputSet::drain(std::chrono::milliseconds timeout) {
  bool ok = true;
  for (auto& w : writers_) ok = w->drain(timeout) && ok;
  return ok;
}

void OutputSet::stop() {
  for (auto& w : writers_) w->stop();
}

std::vector<const OutputStats*> OutputSet::stats() const {
  std::vector<const OutputStats*> v;
  for (const auto& w : writers_) v.push_back(&w->stats());
  return v;
}

}  // namespace btsensor
