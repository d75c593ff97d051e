#include "btsensor/events.hpp"

namespace btsensor {

// Names as Suricata's flow records spell them (flow.reason, flow.state), so SIEM parsers
// written for EVE need no new vocabulary.
const char* flow_end_reason_name(FlowEndReason r) {
  switch (r) {
    case FlowEndReason::kTimeout:
      return "timeout";
    case FlowEndReason::kForced:
      return "forced";
    case FlowEndReason::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

const char* flow_state_name(FlowState s) {
  switch (s) {
    case FlowState::kNew:
      return "new";
    case FlowState::kEstablished:
      return "established";
    case FlowState::kClosed:
      return "closed";
  }
  return "unknown";
}

}  // namespace btsensor
