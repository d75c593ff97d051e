// BitTorrent payloads that several tests send through a shard.
#pragma once

#include <cstdio>
#include <string>

#include "support/frames.hpp"

namespace btsensor::test {

// GET /announce with a 20-byte info_hash (%01 … %14 url-encoded) and a Transmission peer_id.
inline Bytes announce() {
  std::string q = "GET /announce?info_hash=";
  for (int i = 1; i <= 20; ++i) {
    char b[4];
    std::snprintf(b, sizeof b, "%%%02X", i);
    q += b;
  }
  q += "&peer_id=-TR2940-abcdefghijkl&port=51413&uploaded=0&downloaded=0&left=0&event=started "
       "HTTP/1.1\r\nHost: tracker.example\r\nUser-Agent: Transmission/2.94\r\n\r\n";
  return text(q);
}

// A DHT ping query: d1:ad2:id20:<20 x 'A'>e1:q4:ping1:t2:aa1:y1:qe
inline Bytes dht_ping() {
  return text("d1:ad2:id20:AAAAAAAAAAAAAAAAAAAAe1:q4:ping1:t2:aa1:y1:qe");
}

}  // namespace btsensor::test
