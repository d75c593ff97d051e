#include "btsensor/classifier.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "engine/proto/bencode.hpp"
#include "engine/proto/dht.hpp"
#include "engine/proto/dns.hpp"
#include "engine/proto/http.hpp"
#include "engine/proto/lsd.hpp"
#include "engine/proto/names.hpp"
#include "engine/proto/peer_id.hpp"
#include "engine/proto/peer_wire.hpp"
#include "engine/proto/tls.hpp"
#include "engine/proto/tracker_udp.hpp"
#include "engine/proto/utp.hpp"

namespace btsensor {

// Everything a validator needs about the packet at hand.
struct Classifier::Ctx {
  Flow& f;
  int dir;
  const DecodedPacket& d;
  std::span<const uint8_t> payload;
  Host* host;
  bool host_is_src;
  Timestamp now;
  uint32_t added = 0;
  bool ipv6() const { return !d.tuple.src.is_v4(); }
  // The remote endpoint (not the host key) of this packet.
  const IpAddr& remote_ip() const { return host_is_src ? d.tuple.dst : d.tuple.src; }
  uint16_t remote_port() const { return host_is_src ? d.tuple.dport : d.tuple.sport; }
  uint16_t local_port() const { return host_is_src ? d.tuple.sport : d.tuple.dport; }
};

namespace {

struct MatchBits {
  uint64_t w[kMaxSignatures / 64] = {};
};

// Hyperscan match callback: records the id and continues. Nothing else may happen here
// (DESIGN.md: the callback only records ids).
int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
  auto* m = static_cast<MatchBits*>(ctx);
  if (id < kMaxSignatures) m->w[id / 64] |= uint64_t(1) << (id % 64);
  return 0;
}

template <size_t N>
void copy_text(std::array<char, N>& dst, std::string_view s) {
  size_t n = std::min(s.size(), N - 1);
  std::memcpy(dst.data(), s.data(), n);
  dst[n] = '\0';
}

// "ip:port" (IPv6 in brackets) into a fixed buffer, without allocating.
template <size_t N>
void format_endpoint(std::array<char, N>& dst, const IpAddr& a, uint16_t port) {
  char ip[INET6_ADDRSTRLEN];
  inet_ntop(a.is_v4() ? AF_INET : AF_INET6, a.wire_bytes(), ip, sizeof ip);
  std::snprintf(dst.data(), N, a.is_v4() ? "%s:%u" : "[%s]:%u", ip, unsigned(port));
}

// Distinct byte values in the first 256 bytes, compared with what uniformly random bytes
// would give (256·(1 − e^(−n/256)) ≈ 79 of 96): plaintext protocols reach a third of that.
// Cheap, branch-light, and only ever run on one packet per flow.
bool looks_random(std::span<const uint8_t> p) {
  size_t n = std::min<size_t>(p.size(), 256);
  if (n < 32) return false;
  uint64_t seen[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n; ++i) seen[p[i] >> 6] |= uint64_t(1) << (p[i] & 63);
  int distinct = 0;
  for (uint64_t w : seen) distinct += __builtin_popcountll(w);
  // Expected distinct values for n random bytes; accept ≥ 80% of it.
  static const auto expected = [] {
    std::array<float, 257> e{};
    for (size_t k = 0; k <= 256; ++k) e[k] = 256.0f * (1.0f - __builtin_expf(-float(k) / 256.0f));
    return e;
  }();
  return float(distinct) >= 0.8f * expected[n];
}

}  // namespace

Classifier::Classifier(const DpiConfig& cfg, const SharedTables* shared, uint32_t shard_index,
                       ClassifierStats& stats)
    : cfg_(cfg),
      shared_(shared),
      shard_index_(shard_index),
      stats_(stats),
      peers_(cfg.learned_capacity),
      trackers_(4096),
      details_(cfg.detail_capacity) {
  free_details_.reserve(cfg.detail_capacity);
  for (uint32_t i = cfg.detail_capacity; i-- > 0;) free_details_.push_back(i);
}

void Classifier::begin_burst() {
  sigs_ = shared_ ? shared_->signatures.get() : nullptr;
  rep_ = shared_ ? shared_->reputation.get() : nullptr;
  overlay_ = shared_ ? shared_->learned_trackers.get() : nullptr;
  if (sigs_ && shard_index_ >= sigs_->scratch.size()) sigs_ = nullptr;  // built for fewer shards
  names_ = shared_ ? shared_->names.get() : nullptr;
}

FlowDetail* Classifier::detail(Flow& f) {
  if (f.detail != FlowTable::kNil) return &details_[f.detail];
  if (free_details_.empty()) {
    stats_.detail_exhausted.add();
    return nullptr;
  }
  f.detail = free_details_.back();
  free_details_.pop_back();
  details_[f.detail] = FlowDetail{};
  return &details_[f.detail];
}

void Classifier::add(Flow& f, Ctx& c, Evidence e, Confidence conf) {
  uint32_t bit = evidence_bit(e);
  c.added |= bit;
  f.evidence |= bit;
  if (uint8_t(conf) > f.confidence) f.confidence = uint8_t(conf);
  if (bit & kBittorrentProtocolEvidence) {
    f.flags |= kFlowBittorrent;
    if (c.host) c.host->bt_activity = c.now;
  }
}

void Classifier::set_client_from_peer_id(Ctx& c, std::span<const uint8_t> peer_id) {
  FlowDetail* det = detail(c.f);
  if (det && det->peer_id_len == 0) {
    size_t n = std::min<size_t>(peer_id.size(), 20);
    std::memcpy(det->peer_id.data(), peer_id.data(), n);
    det->peer_id_len = uint8_t(n);
  }
  proto::PeerIdClient client;
  if (!proto::identify_peer_id(peer_id, client)) return;
  if (det && !det->client[0]) copy_text(det->client, client.display);
  add(c.f, c, Evidence::kPeerId, Confidence::kHigh);
}

void Classifier::learn_peers(Ctx& c, std::span<const uint8_t> compact, bool ipv6, bool nodes) {
  if (!c.host) return;
  // Bounded: a tracker reply or DHT response carries at most a few hundred peers; 64 per
  // packet is plenty to recognise later flows and bounds the work per packet.
  std::array<proto::PeerEndpoint, 64> eps;
  size_t n = nodes ? proto::decode_compact_nodes(compact, ipv6, eps)
                   : proto::decode_compact_peers(compact, ipv6, eps);
  for (size_t i = 0; i < n; ++i)
    peers_.learn(c.host->addr, eps[i].addr, eps[i].port, c.now, c.now + cfg_.learned_ttl);
  stats_.peers_learned.add(n);
}

void Classifier::hunt_name(Ctx& c, std::string_view name) {
  if (!names_ || name.empty()) return;
  if (names_->match(name) < 0) return;
  if (FlowDetail* det = detail(c.f); det && !det->name[0]) copy_text(det->name, name);
  add(c.f, c, Evidence::kNameHunt, Confidence::kLow);
}

bool Classifier::v_handshake(Ctx& c, std::span<const uint8_t> p, bool utp) {
  proto::PeerHandshake hs;
  auto st = proto::parse_handshake(p, hs);
  if (st != proto::HandshakeStatus::complete && st != proto::HandshakeStatus::no_peer_id)
    return false;
  if (FlowDetail* det = detail(c.f); det && !det->has_info_hash) {
    det->info_hash = hs.info_hash;
    det->has_info_hash = true;
  }
  if (hs.has_peer_id) set_client_from_peer_id(c, hs.peer_id);
  // Messages right behind the handshake in the same segment (often the extension handshake).
  if (!utp && p.size() > hs.length) {
    proto::ExtensionHandshake ext;
    if (proto::parse_extension_handshake(p.subspan(hs.length), ext)) {
      add(c.f, c, Evidence::kExtensionProtocol, Confidence::kHigh);
      if (FlowDetail* det = detail(c.f); det && !det->client[0] && !ext.client.empty())
        copy_text(det->client, ext.client);
    }
  }
  return true;
}

bool Classifier::v_framing(Ctx& c) {
  // MS Delivery Optimization (port 7680) speaks the same request/piece framing.
  if (c.d.tuple.sport == 7680 || c.d.tuple.dport == 7680) return false;
  proto::FramingSummary sum;
  auto st = proto::validate_peer_framing(c.payload, sum);
  if (st == proto::FramingStatus::invalid) return false;
  // One message is a coincidence of 5 bytes; two or more back to back, or one whole block
  // message filling the segment, is the protocol.
  return sum.messages - sum.keepalives >= 2 ||
         ((sum.messages - sum.keepalives >= 1 || sum.consumed == 0) &&
          st == proto::FramingStatus::truncated && c.payload.size() >= 512);
}

bool Classifier::v_extension(Ctx& c) {
  proto::ExtensionHandshake ext;
  if (!proto::parse_extension_handshake(c.payload, ext)) return false;
  if (!ext.has_m) return false;  // the dict must at least list its extensions
  if (FlowDetail* det = detail(c.f); det && !det->client[0] && !ext.client.empty())
    copy_text(det->client, ext.client);
  if (c.host && ext.listen_port && c.host_is_src) c.host->add_listen_port(ext.listen_port);
  return true;
}

bool Classifier::v_azmp(Ctx& c) {
  proto::AzmpMessage m;
  return proto::parse_azmp_message(c.payload, m) && m.is_handshake;
}

bool Classifier::v_http_request(Ctx& c, Evidence wanted) {
  proto::HttpRequest req;
  if (proto::parse_http_request(c.payload, req) == proto::HttpStatus::kInvalid) return false;
  bool hit = false;
  if (req.has_host) hunt_name(c, req.host);
  if (req.has_user_agent) {
    std::string_view client = proto::client_from_user_agent(req.user_agent);
    if (!client.empty()) {
      if (FlowDetail* det = detail(c.f); det && !det->client[0]) copy_text(det->client, client);
      add(c.f, c, Evidence::kUserAgent, Confidence::kMedium);
      hit = wanted == Evidence::kUserAgent;
    }
  }
  proto::TrackerRequest tr;
  if (proto::classify_tracker_request(req, tr)) {
    Evidence e =
        tr.kind == proto::TrackerKind::kScrape ? Evidence::kHttpScrape : Evidence::kHttpAnnounce;
    add(c.f, c, e, Confidence::kHigh);
    if (FlowDetail* det = detail(c.f)) {
      if (!det->has_info_hash) {
        det->info_hash = tr.info_hash;
        det->has_info_hash = true;
      }
      if (!det->tracker[0]) {
        std::string_view path = req.target.substr(0, req.target.find('?'));
        char buf[96];
        std::snprintf(buf, sizeof buf, "%.*s%.*s", int(std::min<size_t>(req.host.size(), 60)),
                      req.host.data(), int(std::min<size_t>(path.size(), 34)), path.data());
        copy_text(det->tracker, buf);
      }
    }
    if (tr.has_peer_id) set_client_from_peer_id(c, std::span(tr.peer_id.data(), tr.peer_id_len));
    if (tr.has_port && c.host && c.host_is_src) c.host->add_listen_port(tr.port);
    hit = true;
  }
  proto::TorrentLink link;
  if (proto::classify_torrent_link(req, link)) {
    if (link.torrent_file) add(c.f, c, Evidence::kTorrentFile, Confidence::kMedium);
    if (link.magnet) add(c.f, c, Evidence::kMagnetLink, Confidence::kMedium);
    hit = true;
  }
  return hit;
}

bool Classifier::v_http_response(Ctx& c) {
  proto::HttpResponse resp;
  if (proto::parse_http_response(c.payload, resp) != proto::HttpStatus::kComplete) return false;
  auto kind = resp.body_kind;  // skips a chunk-size line
  bool tracker_flow =
      c.f.evidence & (evidence_bit(Evidence::kHttpAnnounce) | evidence_bit(Evidence::kHttpScrape));
  if (kind == proto::BencodeBodyKind::kTorrentFile || resp.content_type_torrent) {
    add(c.f, c, Evidence::kTorrentFile, Confidence::kMedium);
    return false;  // evidence added; not a tracker reply
  }
  if (kind != proto::BencodeBodyKind::kTrackerReply) return false;
  // A bencoded reply to a request that was not a tracker request is still a tracker reply
  // (the request may have been in a segment we did not see), but only with the body's
  // structure to go on.
  if (auto peers = proto::find_key(resp.body, "peers"))
    if (auto s = proto::bencode_string(*peers)) learn_peers(c, *s, false, false);
  if (auto peers6 = proto::find_key(resp.body, "peers6"))
    if (auto s = proto::bencode_string(*peers6)) learn_peers(c, *s, true, false);
  (void)tracker_flow;
  return true;
}

bool Classifier::v_udp_tracker(Ctx& c) {
  // The connect magic (a 64-bit constant) is evidence by itself; other requests need a reply
  // that echoes their transaction id.
  if (c.dir == 0) {
    proto::UdpTrackerRequest req;
    if (!proto::parse_udp_tracker_request(c.payload, req)) return false;
    c.f.proto_state = req.transaction_id;
    c.f.flags |= kFlowTrackerReq;
    if (req.action == proto::UdpTrackerAction::announce) {
      if (c.host && c.host_is_src && req.port) c.host->add_listen_port(req.port);
      if (FlowDetail* det = detail(c.f)) {
        if (!det->has_info_hash) {
          det->info_hash = req.info_hash;
          det->has_info_hash = true;
        }
        if (det->peer_id_len == 0) {
          det->peer_id = req.peer_id;
          det->peer_id_len = uint8_t(req.peer_id.size());
        }
      }
    }
    return req.action == proto::UdpTrackerAction::connect;
  }
  if (!(c.f.flags & kFlowTrackerReq)) return false;
  proto::UdpTrackerResponse resp;
  if (!proto::parse_udp_tracker_response(c.payload, c.ipv6(), resp)) return false;
  if (resp.transaction_id != c.f.proto_state) return false;
  if (FlowDetail* det = detail(c.f); det && det->peer_id_len)
    set_client_from_peer_id(c, std::span(det->peer_id.data(), det->peer_id_len));
  if (resp.action == proto::UdpTrackerAction::announce)
    learn_peers(c, resp.peers, resp.peers_ipv6, false);
  if (FlowDetail* det = detail(c.f); det && !det->tracker[0])
    format_endpoint(det->tracker, c.remote_ip(), c.remote_port());
  return true;
}

bool Classifier::v_dht(Ctx& c) {
  proto::DhtMessage m;
  if (!proto::parse_dht(c.payload, m)) return false;
  if (m.has_info_hash)
    if (FlowDetail* det = detail(c.f); det && !det->has_info_hash) {
      det->info_hash = m.info_hash;
      det->has_info_hash = true;
    }
  learn_peers(c, m.nodes, false, true);
  learn_peers(c, m.nodes6, true, true);
  if (!m.values.empty() && c.host) {
    std::array<proto::PeerEndpoint, 64> eps;
    size_t n = proto::decode_dht_values(m.values, eps);
    for (size_t i = 0; i < n; ++i)
      peers_.learn(c.host->addr, eps[i].addr, eps[i].port, c.now, c.now + cfg_.learned_ttl);
    stats_.peers_learned.add(n);
  }
  // DHT runs on the client's listen port (BEP 5 shares it with uTP).
  if (c.host) c.host->add_listen_port(c.local_port());
  return true;
}

bool Classifier::v_utp(Ctx& c) {
  proto::UtpHeader h = proto::parse_utp(c.payload);
  if (!h.valid()) return false;
  // A single uTP-looking packet never classifies (STUN, WireGuard, DNS, game traffic all
  // pass header checks). Corroboration: (a) a SYN and a STATE reply on its connection id
  // acknowledging its sequence number; or (b) mid-stream, packets in both directions whose
  // connection ids differ by exactly one (BEP 29: the initiator sends with recv_id + 1).
  // (c) a DATA payload that is BitTorrent peer-wire framing: an extended message (id 20, BEP 10
  // ext id) or several whole messages. uTP carries nothing else in practice.
  if (h.type == proto::UtpType::data && h.payload_len > 0) {
    std::span<const uint8_t> p =
        c.payload.subspan(std::min<size_t>(h.payload_offset, c.payload.size()));
    proto::FramingSummary sum;
    auto st = proto::validate_peer_framing(p, sum);
    if (st != proto::FramingStatus::invalid &&
        ((sum.id_mask & (uint32_t(1) << 20)) || sum.messages - sum.keepalives >= 2))
      return true;
    // The header of a long extended message whose body continues in the next packet:
    // 4-byte length (2 … 256 KiB), id 20, a small extension id.
    if (p.size() >= 6 && p.size() < 16) {
      uint32_t len = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
      if (len >= 2 && len <= proto::kPeerMaxMessageLen && p[4] == 20 && p[5] <= 32) return true;
    }
  }
  if (h.type == proto::UtpType::syn && c.dir == 0) {
    c.f.proto_state = uint32_t(h.conn_id) | uint32_t(h.seq_nr) << 16;
    c.f.flags |= kFlowUtpSyn;
    return false;
  }
  if ((c.f.flags & kFlowUtpSyn) && c.dir == 1 && h.type == proto::UtpType::state) {
    uint16_t syn_conn = uint16_t(c.f.proto_state), syn_seq = uint16_t(c.f.proto_state >> 16);
    return h.conn_id == syn_conn && h.ack_nr == syn_seq;
  }
  if (c.f.flags & kFlowUtpSyn) return false;
  uint8_t mine = c.dir == 0 ? kFlowUtpDir0 : kFlowUtpDir1;
  uint8_t other = c.dir == 0 ? kFlowUtpDir1 : kFlowUtpDir0;
  int shift = c.dir == 0 ? 0 : 16;
  if (!(c.f.flags & mine)) {
    c.f.proto_state = (c.f.proto_state & ~(uint32_t(0xffff) << shift)) | uint32_t(h.conn_id)
                                                                             << shift;
    c.f.flags |= mine;
  }
  if (!(c.f.flags & other)) return false;
  uint16_t a = uint16_t(c.f.proto_state), b = uint16_t(c.f.proto_state >> 16);
  return uint16_t(a - b) == 1 || uint16_t(b - a) == 1;
}

bool Classifier::v_lsd(Ctx& c) {
  proto::LsdAnnounce a;
  if (!proto::parse_lsd(c.payload, a)) return false;
  if (c.host && c.host_is_src && a.port) c.host->add_listen_port(a.port);
  if (a.infohash_count)
    if (FlowDetail* det = detail(c.f); det && !det->has_info_hash) {
      det->info_hash = a.infohashes[0];
      det->has_info_hash = true;
    }
  return true;
}

bool Classifier::v_tls(Ctx& c) {
  proto::TlsClientHello hello;
  auto st = proto::parse_client_hello(c.payload, hello);
  if ((st == proto::TlsStatus::kOk || st == proto::TlsStatus::kTruncated) && hello.has_sni)
    hunt_name(c, hello.sni);
  return false;  // evidence (if any) was added by hunt_name
}

void Classifier::inspect_dns(Ctx& c) {
  proto::DnsMessage m;
  std::array<proto::DnsAddress, 16> addrs;
  std::array<proto::DnsName, 1> cnames;
  auto st = proto::parse_dns(c.payload, m, addrs, cnames);
  if (st == proto::DnsStatus::kMalformed || st == proto::DnsStatus::kUnsupported) return;
  hunt_name(c, m.qname.view());
  // Passive DNS: an answer for a tracker hostname from the feeds teaches its addresses, here
  // at once (this shard) and, through the control plane, to every shard.
  if (!m.is_response || !rep_ || rep_->tracker_name(m.qname.view()) < 0) return;
  size_t n = std::min(m.addr_count, addrs.size());
  for (size_t i = 0; i < n; ++i) {
    Timestamp ttl =
        std::min<Timestamp>(Timestamp(addrs[i].ttl) * kNsPerSec, cfg_.learned_dns_max_ttl);
    if (ttl <= 0) ttl = kNsPerSec;  // TTL 0 still means "this is the tracker right now"
    trackers_.learn(IpAddr{}, addrs[i].addr, 0, c.now, c.now + ttl);
    if (nlearned_ < learned_.size()) {
      LearnedAddress& l = learned_[nlearned_++];
      l = LearnedAddress{};
      l.ts = c.now;
      l.expires = c.now + ttl;
      l.addr = addrs[i].addr;
      copy_text(l.name, m.qname.view());
    }
  }
}

bool Classifier::learned_tracker(const IpAddr& a, Timestamp now) const {
  if (trackers_.known(IpAddr{}, a, 0, now)) return true;
  return overlay_ && overlay_->contains(a, now);
}

bool Classifier::validate(const SignatureMeta& m, Ctx& c) {
  switch (m.validator) {
    case Validator::kNone:
      return true;
    case Validator::kPeerHandshake:
      return v_handshake(c, c.payload, false);
    case Validator::kUtpHandshake: {
      proto::UtpHeader h = proto::parse_utp(c.payload);
      if (!h.valid() || h.type != proto::UtpType::data) return false;
      return v_handshake(c, c.payload.subspan(h.payload_offset), true);
    }
    case Validator::kPeerFraming:
      return v_framing(c);
    case Validator::kExtensionHandshake:
      return v_extension(c);
    case Validator::kAzmp:
      return v_azmp(c);
    case Validator::kHttpRequest:
      return v_http_request(c, m.evidence);
    case Validator::kHttpResponse:
      return v_http_response(c);
    case Validator::kUdpTracker:
      return v_udp_tracker(c);
    case Validator::kDht:
      return v_dht(c);
    case Validator::kUtp:
      return v_utp(c);
    case Validator::kLsd:
      return v_lsd(c);
    case Validator::kTlsClientHello:
      return v_tls(c);
    case Validator::kCount_:
      break;
  }
  return false;
}

uint32_t Classifier::inspect(Flow& f, int dir, const DecodedPacket& d, Host* host, bool host_is_src,
                             Timestamp now) {
  if (f.payload_pkts[dir] < 255) f.payload_pkts[dir]++;
  std::span<const uint8_t> payload(d.payload, std::min<size_t>(d.payload_len, cfg_.max_bytes));
  Ctx c{f, dir, d, payload, host, host_is_src, now};

  // MSE/PE shape of the initiator's first TCP payload: judged later with host context.
  if (cfg_.mse_heuristic && dir == 0 && f.payload_pkts[0] == 1 && d.tuple.proto == kProtoTcp) {
    size_t n = d.payload_len;
    // A TLS record header (content type 20–23, version 3.x) in front of random bytes is TLS
    // seen mid-stream, not MSE.
    bool tls_record = n >= 3 && payload[0] >= 0x14 && payload[0] <= 0x17 && payload[1] == 0x03;
    if (((n >= cfg_.mse_min_len && n <= cfg_.mse_max_len) || n == 68) && !tls_record &&
        looks_random(payload))
      f.flags |= kFlowMseCandidate;
  }

  // DNS is recognised by port, not by pattern: it has no magic bytes worth a signature.
  if (d.tuple.proto == kProtoUdp && (d.tuple.sport == 53 || d.tuple.dport == 53)) inspect_dns(c);

  if (sigs_) {
    hs_database_t* db = d.tuple.proto == kProtoTcp   ? sigs_->tcp_db
                        : d.tuple.proto == kProtoUdp ? sigs_->udp_db
                                                     : nullptr;
    if (db && !payload.empty()) {
      MatchBits bits;
      stats_.scans.add();
      stats_.scanned_bytes.add(payload.size());
      if (hs_scan(db, reinterpret_cast<const char*>(payload.data()), unsigned(payload.size()), 0,
                  sigs_->scratch[shard_index_], on_match, &bits) != HS_SUCCESS)
        stats_.scan_errors.add();
      for (size_t w = 0; w < std::size(bits.w); ++w) {
        for (uint64_t m = bits.w[w]; m; m &= m - 1) {
          size_t id = w * 64 + size_t(__builtin_ctzll(m));
          if (id >= sigs_->sigs.size()) continue;
          const SignatureMeta& meta = sigs_->sigs[id];
          stats_.prefilter[id].add();
          if ((meta.direction == Direction::kToServer && dir != 0) ||
              (meta.direction == Direction::kToClient && dir != 1))
            continue;
          if (!validate(meta, c)) continue;
          stats_.matches[id].add();
          if (meta.validator == Validator::kHttpRequest) continue;  // added by the validator itself
          if (meta.detect) {
            add(f, c, meta.evidence, meta.confidence);
          } else {
            // Policy classes (BitTorrent Sync): recorded, but never BitTorrent.
            f.evidence |= evidence_bit(meta.evidence);
            c.added |= evidence_bit(meta.evidence);
          }
        }
      }
    }
  }

  // Peer protocols (not trackers: a tracker is not a peer) identify the remote as a peer.
  constexpr uint32_t kPeerProtocol =
      evidence_bit(Evidence::kPeerHandshake) | evidence_bit(Evidence::kPeerHandshakeUtp) |
      evidence_bit(Evidence::kPeerMessage) | evidence_bit(Evidence::kExtensionProtocol) |
      evidence_bit(Evidence::kAzureusMessaging) | evidence_bit(Evidence::kDht) |
      evidence_bit(Evidence::kUtp);
  if (c.added & kPeerProtocol) {
    // A confirmed BitTorrent flow teaches us the peer's endpoint, and on UDP (DHT, uTP share
    // the client's listen port) or on inbound TCP, the host's own listen port.
    if (host) {
      bool udp = d.tuple.proto == kProtoUdp;
      bool host_initiated = host_is_src == (dir == 0);
      if (udp || !host_initiated) host->add_listen_port(c.local_port());
      if (udp || host_initiated)
        peers_.learn(host->addr, c.remote_ip(), c.remote_port(), now, now + cfg_.learned_ttl);
    }
  }
  // Peer-wire flows have nothing more to teach once confirmed; tracker and DHT flows keep
  // being inspected (replies carry peer lists) until the budget runs out.
  constexpr uint32_t kKeepLooking =
      evidence_bit(Evidence::kHttpAnnounce) | evidence_bit(Evidence::kHttpScrape) |
      evidence_bit(Evidence::kUdpTracker) | evidence_bit(Evidence::kDht);
  if ((f.flags & kFlowBittorrent) && !(f.evidence & kKeepLooking) &&
      (f.evidence & evidence_bit(Evidence::kPeerId)))
    f.flags |= kFlowDpiDone;
  return c.added;
}

uint32_t Classifier::apply_context(Flow& f, Host* host, Timestamp now, bool end_of_flow) {
  // Context rules only explain flows that nothing else explained; on a flow that already
  // speaks BitTorrent they would only repeat what taught them.
  if (!host || (f.flags & kFlowBittorrent)) return 0;
  if (host->bt_activity == 0 || now - host->bt_activity > cfg_.context_window) return 0;
  // Endpoints of the flow as seen from the host.
  bool host_is_a = f.key.a == host->addr;
  const IpAddr& remote = host_is_a ? f.key.b : f.key.a;
  uint16_t local_port = host_is_a ? f.key.port_a : f.key.port_b;
  uint16_t remote_port = host_is_a ? f.key.port_b : f.key.port_a;
  if (f.key.proto != kProtoTcp && f.key.proto != kProtoUdp) return 0;
  Flow& fl = f;
  DecodedPacket none;
  Ctx c{fl, 0, none, {}, host, host_is_a, now};
  bool known_peer = peers_.known(host->addr, remote, remote_port, now);
  if (host->has_listen_port(local_port)) {
    add(f, c, Evidence::kListenPort, Confidence::kMedium);
    // UDP from the client's listen port goes to other clients' listen ports (uTP, DHT):
    // the remote endpoint is a peer worth remembering for the host's TCP connections.
    if (f.key.proto == kProtoUdp)
      peers_.learn(host->addr, remote, remote_port, now, now + cfg_.learned_ttl);
  }
  if (known_peer) add(f, c, Evidence::kLearnedPeer, Confidence::kLow);
  if ((f.flags & kFlowMseCandidate) && cfg_.mse_heuristic)
    add(f, c, Evidence::kMseHeuristic, Confidence::kMedium);
  // A BitTorrent client dials many peers that never answer with data (choked, full, gone).
  // Such an attempt has no payload to inspect; what marks it is the dialling host's context
  // and a peer-style destination: an unprivileged port. Judged only when the flow ends, so a
  // connection that later carries a recognisable protocol is never called an attempt.
  bool host_initiated = (f.initiator_is_a == host_is_a);
  if (end_of_flow && cfg_.mse_heuristic && f.key.proto == kProtoTcp && host_initiated &&
      remote_port >= 1024 && f.payload_pkts[0] == 0 && f.payload_pkts[1] == 0 && !c.added)
    add(f, c, Evidence::kPeerAttempt, Confidence::kLow);
  return c.added;
}

void Classifier::finish(Flow& f, FlowRecord& r) {
  if (f.detail != FlowTable::kNil) {
    r.detail = details_[f.detail];
    r.has_detail = true;
  }
}

void Classifier::release(Flow& f) {
  // Counted here, for every ending flow, whether or not its record is written.
  for (int i = 0; i < kEvidenceCount; ++i)
    if (f.evidence & (uint32_t(1) << i)) stats_.flows_by_evidence[size_t(i)].add();
  if (f.flags & kFlowBittorrent) stats_.flows_bittorrent.add();
  if (f.detail != FlowTable::kNil) {
    free_details_.push_back(f.detail);
    f.detail = FlowTable::kNil;
  }
}

}  // namespace btsensor
