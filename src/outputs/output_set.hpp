// The outputs a sensor was configured with (EVE file/stdout, syslog), as one EventSink that
// hands every event to each output's queue.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "btsensor/result.hpp"
#include "outputs/async_writer.hpp"
#include "outputs/output_options.hpp"

namespace btsensor {

class OutputSet final : public EventSink {
 public:
  // Opens the enabled outputs: a file that cannot be opened is an error now (a typo in a
  // path should stop the sensor at startup); a syslog receiver that is down is not (it is
  // retried in the background and its losses counted).
  // `exclusion_ids` (index = suppressed_by - 1) names exclusions in suppressed records.
  static Result<std::unique_ptr<OutputSet>> create(
      const OutputsConfig& cfg, QueueFull on_full,
      std::shared_ptr<const ExclusionIds> exclusion_ids = nullptr);

  void on_flow(const FlowRecord& r) override {
    for (auto& w : writers_) w->on_flow(r);
  }
  void on_label(const LabelEvent& e) override {
    for (auto& w : writers_) w->on_label(e);
  }
  void on_alert(const AlertEvent& e) override {
    for (auto& w : writers_) w->on_alert(e);
  }

  bool drain(std::chrono::milliseconds timeout);
  void stop();  // writes what is queued and stops every writer thread

  std::vector<const OutputStats*> stats() const;
  const std::vector<std::unique_ptr<AsyncWriter>>& writers() const { return writers_; }

 private:
  std::vector<std::unique_ptr<AsyncWriter>> writers_;
};

}  // namespace btsensor
