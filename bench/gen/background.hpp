// Ordinary traffic every host makes (label notBT): DNS, HTTP, TLS, QUIC, NTP, plus hard
// negatives that share features with BitTorrent: STUN and WireGuard (first bytes look like a
// uTP header) and flows whose names contain "torrent" from hosts that never run BitTorrent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow_path.hpp"
#include "generator.hpp"
#include "net.hpp"
#include "rng.hpp"
#include "scheduler.hpp"
#include "task.hpp"

namespace btsensor::gen {

// Starts the index-th ordinary flow of the run now. The first few cycle through every kind
// (so even --demo contains each one); later ones follow a weighted mix.
void start_ordinary_flow(Generator& g, Rng& rng, uint64_t index, uint32_t non_bt_hosts);

// One DNS query (and its answer unless !answered). Also used for tracker name lookups.
Task dns_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, std::string name,
              uint16_t qtype, std::vector<IpAddress> answers, bool answered);

}  // namespace btsensor::gen
