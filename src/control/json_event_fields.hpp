// JSON for the engine's event pieces that the control plane writes (the control socket's
// answers, the state file): an evidence list and a flow reference. One writer, two styles,
// because the socket is read by people and the state file by the next run.
#pragma once

#include <cstdint>
#include <string>

#include "btsensor/events.hpp"
#include "control/json.hpp"

namespace btsensor {

// "2021-09-18T10:52:32.376282Z" (µs, UTC), as in EVE records.
std::string rfc3339(Timestamp ts);

// ["http_announce", "dht", …]: the names of the set evidence bits.
void write_evidence_list(JsonWriter& w, uint32_t bits);

enum class FlowRefStyle : uint8_t {
  kReadable,  // protocol by name, first_seen as RFC 3339 (null when unknown)
  kExact,     // protocol number and first_seen in nanoseconds: reads back to the same value
};
// {"flow_id", "src_ip", "src_port", "dest_ip", "dest_port", "proto", "first_seen", "evidence"}
void write_flow_ref(JsonWriter& w, const FlowRef& f, FlowRefStyle style);

}  // namespace btsensor
