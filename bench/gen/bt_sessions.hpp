// BitTorrent traffic (label BT): one "session" is a client on an internal host joining one
// torrent. It resolves the tracker name, announces over HTTP and/or UDP, and then talks to
// the swarm: DHT queries, TCP peer-wire connections (plain and MSE/PE-obfuscated) in both
// directions, uTP connections, and now and then a Local Service Discovery multicast.
#pragma once

#include <cstdint>

#include "generator.hpp"
#include "rng.hpp"

namespace btsensor::gen {

// Starts a session driver now on BitTorrent host `host` that will start exactly `flows`
// flows over the following seconds. full_coverage puts every kind of BitTorrent flow first.
void start_bt_session(Generator& g, Rng& rng, uint32_t host, uint32_t flows, bool full_coverage);

}  // namespace btsensor::gen
