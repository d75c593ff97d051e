// One event of each kind, shaped like what the engine emits for a BitTorrent client behind
// 192.168.1.128: an HTTP tracker announce flow, the bittorrent_user label it sets and the
// alert the model raises when peer traffic follows. Used by the output tests and by the
// README examples test (README.md shows exactly these records).
#pragma once

#include <cstdio>
#include <cstring>

#include "btsensor/events.hpp"
#include "btsensor/evidence.hpp"
#include "btsensor/model_ids.hpp"
#include "support/frames.hpp"

namespace btsensor::test {

constexpr Timestamp kT0 = 1'631'962'352'376'282'000;  // 2021-09-18T10:52:32.376282Z

inline FlowRecord sample_flow() {
  FlowRecord r;
  r.tuple = FiveTuple{ip("192.168.1.128"), ip("176.31.225.118"), 46882, 80, kProtoTcp};
  r.flow_id = 6118602344696122314ULL;
  r.start = kT0;
  r.end = kT0 + 14'293'802'000;
  r.pkts_toserver = 10;
  r.pkts_toclient = 2;
  r.bytes_toserver = 930;
  r.bytes_toclient = 454;
  r.host = ip("192.168.1.128");
  r.host_internal = true;
  r.state = FlowState::kClosed;
  r.reason = FlowEndReason::kTimeout;
  r.tcp_flags_ts = 0x1b;
  r.tcp_flags_tc = 0x1b;
  r.evidence = evidence_bit(Evidence::kHttpAnnounce) | evidence_bit(Evidence::kPeerId) |
               evidence_bit(Evidence::kUserAgent);
  r.confidence = uint8_t(Confidence::kHigh);
  r.bittorrent = true;
  r.has_detail = true;
  std::snprintf(r.detail.client.data(), r.detail.client.size(), "Transmission/2.94");
  std::memcpy(r.detail.peer_id.data(), "-TR2940-k8hj0wgej6ch", 20);
  r.detail.peer_id_len = 20;
  const uint8_t ih[20] = {0x5a, 0x8c, 0xe2, 0x6e, 0x8a, 0x19, 0xa6, 0x34, 0xb9, 0x3f,
                          0x43, 0x08, 0x9f, 0xb4, 0x2b, 0x0b, 0x9a, 0xa2, 0x14, 0xd1};
  std::memcpy(r.detail.info_hash.data(), ih, 20);
  r.detail.has_info_hash = true;
  std::snprintf(r.detail.tracker.data(), r.detail.tracker.size(), "torrent.ubuntu.com/announce");
  return r;
}

inline FlowRef sample_ref() {
  FlowRecord f = sample_flow();
  return FlowRef{f.tuple, f.flow_id, f.start, f.evidence};
}

inline LabelEvent sample_label() {
  LabelEvent e;
  e.ts = kT0 + 105'000;
  e.host = ip("192.168.1.128");
  e.label = uint8_t(LabelId::kBittorrentUser);
  e.action = LabelAction::kSet;
  e.last_activity = e.ts;
  e.expires = e.ts + 86400 * kNsPerSec;
  e.reason = evidence_bit(Evidence::kHttpAnnounce);
  e.has_flow = true;
  e.flow = sample_ref();
  std::snprintf(e.remote.data(), e.remote.size(), "torrent.ubuntu.com");
  return e;
}

inline AlertEvent sample_alert() {
  AlertEvent a;
  a.ts = kT0 + 31'250'000'000;
  a.host = ip("192.168.1.128");
  a.model = uint8_t(ModelId::kBittorrent);
  a.severity = 2;
  a.evidence = evidence_bit(Evidence::kHttpAnnounce) | evidence_bit(Evidence::kPeerHandshake);
  a.first_seen = kT0;
  a.last_seen = a.ts;
  a.bytes = 183'244;
  a.nflows = 2;
  a.flows[0] =
      FlowRef{FiveTuple{ip("192.168.1.128"), ip("82.64.131.9"), 51413, 6881, kProtoTcp},
              2284954513642792130ULL, a.ts - 2'000'000'000, evidence_bit(Evidence::kPeerHandshake)};
  a.flows[1] = sample_ref();
  a.labels = 1u << int(LabelId::kBittorrentUser);
  a.has_flow = true;
  return a;
}

}  // namespace btsensor::test
