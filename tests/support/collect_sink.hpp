#pragma once

#include <vector>

#include "btsensor/events.hpp"

namespace btsensor::test {

struct CollectSink : EventSink {
  std::vector<FlowRecord> flows;
  std::vector<LabelEvent> labels;
  std::vector<AlertEvent> alerts;
  std::vector<LearnedAddress> learned;
  void on_flow(const FlowRecord& r) override { flows.push_back(r); }
  void on_label(const LabelEvent& e) override { labels.push_back(e); }
  void on_alert(const AlertEvent& e) override { alerts.push_back(e); }
  void on_learned(const LearnedAddress& a) override { learned.push_back(a); }
};

}  // namespace btsensor::test
