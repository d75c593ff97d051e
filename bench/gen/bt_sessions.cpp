#include "bt_sessions.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "app_messages.hpp"
#include "background.hpp"
#include "bt_messages.hpp"
#include "bytes.hpp"
#include "tcp_conn.hpp"
#include "udp_link.hpp"
#include "utp_conn.hpp"

namespace btsensor::gen {
namespace {

constexpr uint16_t kListenPort = 6881;  // the client's TCP/uTP/DHT port (also announced)
constexpr uint16_t kTrackerPort = 6969;
constexpr uint16_t kPortDns = 53;

constexpr std::string_view kTrackerNames[Topology::kTrackers] = {
    "tracker.opentorrent-demo.test", "tracker2.opentorrent-demo.test", "open.tracker-demo.test",
    "udp.tracker-demo.test",         "tracker.linux-isos.test",        "bt.example-tracker.test",
    "announce.swarm-demo.test",      "tracker.public-demo.test"};

// "v" key of libtorrent's KRPC messages: client "LT" + version bytes 02 00 (2.0).
constexpr std::string_view kLibtorrentDhtVersion{"LT\x02\x00", 4};

enum class BtKind : uint8_t {
  kTrackerDns,
  kHttpTracker,
  kUdpTracker,
  kLsd,
  kDht,
  kPeerWire,
  kPeerWireIncoming,
  kMse,
  kUtp,
  kUtpIncoming,
};
enum DhtVariant : uint8_t {
  kDhtPing,
  kDhtFindNode,
  kDhtGetPeers,
  kDhtAnnounce,
  kDhtPingNonCanonical,
  kDhtGetPeersNonCanonical,
};

struct ChildSpec {
  BtKind kind;
  uint8_t variant = 0;  // DhtVariant for kDht
  bool v6 = false;
  int64_t start = 0;
};

// Every kind once, in a sensible order, for sessions that must show everything.
constexpr ChildSpec kCoverage[] = {
    {BtKind::kTrackerDns},
    {BtKind::kHttpTracker},
    {BtKind::kUdpTracker},
    {BtKind::kLsd},
    {BtKind::kDht, kDhtPing},
    {BtKind::kDht, kDhtFindNode},
    {BtKind::kDht, kDhtGetPeers},
    {BtKind::kDht, kDhtPingNonCanonical},
    {BtKind::kPeerWire},
    {BtKind::kMse},
    {BtKind::kUtp},
    {BtKind::kPeerWireIncoming},
    {BtKind::kDht, kDhtAnnounce},
    {BtKind::kUtpIncoming},
    {BtKind::kPeerWire, 0, true},
    {BtKind::kDht, kDhtGetPeersNonCanonical},
};
// Mix for the rest of a session, in BtKind order (tracker DNS never repeats). DHT traffic
// dominates a real client's flow count; peer connections are fewer but carry the bytes.
constexpr uint32_t kKindWeights[] = {0, 1, 1, 1, 60, 14, 4, 6, 9, 2};
constexpr uint32_t kDhtWeights[] = {25, 25, 35, 5, 5, 5};

struct SessionPlan {
  uint32_t host = 0;
  uint32_t first_n = 0;  // flow numbers first_n .. first_n + children.size() - 1
  Sha1 info_hash{}, peer_id{}, node_id{};
  uint64_t total_size = 0;
  uint32_t piece_len = 0, num_pieces = 0, metadata_size = 0;
  uint32_t tracker = 0;
  uint16_t http_port = kTrackerPort;
  uint32_t tracker_n = 0;  // flow number of the first announce: fixes the tracker address
  std::vector<ChildSpec> children;
  std::vector<Endpoint> tracker_peers;  // compact peer list both trackers return
};
using PlanPtr = std::shared_ptr<const SessionPlan>;

// --- peer wire conversation, over TCP or uTP -------------------------------------------------

struct PeerSetup {
  Sha1 info_hash{}, id_a{}, id_b{};
  std::string_view client_a, client_b;  // BEP 10 "v"
  uint16_t port_a = 0, port_b = 0;      // listen ports, BEP 10 "p"
  IpAddress ip_a, ip_b;
  uint32_t num_pieces = 0, piece_len = 0, metadata_size = 0;
  Dir downloader = Dir::kAtoB;
  uint32_t blocks = 0;     // 16 KiB blocks transferred; 0 = never unchoked
  bool obfuscate = false;  // MSE/PE: every byte on the wire is RC4 output, i.e. random
  int64_t pace_us = 100;
};

uint32_t pick_block_count(Rng& rng) {
  const double r = rng.unit();
  // Most peer connections of a public swarm never get unchoked or deliver a block or two;
  // a few carry real bulk.
  if (r < 0.50) return 0;
  if (r < 0.88) return 1;
  if (r < 0.98) return uint32_t(rng.between(2, 4));
  return uint32_t(rng.between(5, 16));
}

template <class Conn>
Task peer_conversation(Conn& conn, FlowCtx& c, PeerSetup s) {
  Rng& rng = c.rng();
  // MSE keeps message lengths but encrypts every byte, so replace the content with noise.
  auto wire = [&](Bytes b) {
    if (s.obfuscate) fill_noise(rng, b.data(), b.size());
    return b;
  };
  const Dir a = Dir::kAtoB, b = Dir::kBtoA;
  const Dir down = s.downloader, up = reverse(s.downloader);
  const uint32_t have_down = uint32_t(rng.between(0, 600));
  const uint32_t have_up = rng.chance(0.5) ? 1000 : uint32_t(rng.between(300, 1000));
  Bytes m;
  put_handshake(m, s.info_hash, s.id_a);
  co_await conn.send(a, wire(std::move(m)), rng.between(30, 200));
  m = Bytes();
  put_handshake(m, s.info_hash, s.id_b);
  put_extended_handshake(m, s.client_b, s.port_b, s.metadata_size, s.ip_a);
  put_bitfield(m, s.num_pieces, b == down ? have_down : have_up, rng);
  co_await conn.reply(b, wire(std::move(m)));
  m = Bytes();
  put_extended_handshake(m, s.client_a, s.port_a, s.metadata_size, s.ip_b);
  put_bitfield(m, s.num_pieces, a == down ? have_down : have_up, rng);
  if (down == a) put_simple_message(m, kInterested);
  co_await conn.reply(a, wire(std::move(m)));
  if (down == b) {
    m = Bytes();
    put_simple_message(m, kInterested);
    co_await conn.reply(b, wire(std::move(m)));
  }
  if (s.blocks == 0) {
    // Never unchoked: the downloader gives up after a while.
    m = Bytes();
    put_simple_message(m, kNotInterested);
    co_await conn.send(down, wire(std::move(m)), rng.between(500'000, 5'000'000));
    co_return;
  }
  m = Bytes();
  put_simple_message(m, kUnchoke);
  co_await conn.reply(up, wire(std::move(m)));
  const uint32_t blocks_per_piece = std::max<uint32_t>(1, s.piece_len / kBlockLen);
  uint32_t done = 0;
  while (done < s.blocks) {
    const uint32_t batch = std::min<uint32_t>(s.blocks - done, uint32_t(rng.between(1, 4)));
    const uint32_t piece = uint32_t(rng.below(s.num_pieces));
    const uint32_t first_block = uint32_t(rng.below(blocks_per_piece));
    m = Bytes();
    for (uint32_t i = 0; i < batch; ++i) {
      put_request(m, piece, ((first_block + i) % blocks_per_piece) * kBlockLen, kBlockLen);
    }
    co_await conn.reply(down, wire(std::move(m)));
    for (uint32_t i = 0; i < batch; ++i) {
      Bytes p;
      p.reserve(13 + kBlockLen);
      put_piece(p, piece, ((first_block + i) % blocks_per_piece) * kBlockLen, kBlockLen, rng);
      co_await conn.send(up, wire(std::move(p)), i == 0 ? conn.reply_delay(up) : s.pace_us);
    }
    done += batch;
    if (rng.chance(0.4)) {
      m = Bytes();
      put_have(m, piece);
      co_await conn.reply(down, wire(std::move(m)));
    }
  }
}

PeerSetup make_peer_setup(const SessionPlan& plan, const FlowPath& path, bool internal_is_a,
                          const FlowTiming& tm, Rng& rng) {
  PeerSetup s;
  s.info_hash = plan.info_hash;
  const ClientKind& remote = random_client(rng);
  const Sha1 remote_id = make_peer_id(rng, remote.peer_id_prefix);
  const uint16_t remote_listen =
      internal_is_a ? path.b().ep.port : uint16_t(rng.between(10'000, 60'000));
  s.id_a = internal_is_a ? plan.peer_id : remote_id;
  s.id_b = internal_is_a ? remote_id : plan.peer_id;
  s.client_a = internal_is_a ? kQbittorrent.version : remote.version;
  s.client_b = internal_is_a ? remote.version : kQbittorrent.version;
  s.port_a = internal_is_a ? kListenPort : remote_listen;
  s.port_b = internal_is_a ? remote_listen : kListenPort;
  s.ip_a = path.a().ep.ip;
  s.ip_b = path.b().ep.ip;
  s.num_pieces = plan.num_pieces;
  s.piece_len = plan.piece_len;
  s.metadata_size = plan.metadata_size;
  // Mostly our client downloads; sometimes it seeds to the remote peer.
  const Dir internal = internal_is_a ? Dir::kAtoB : Dir::kBtoA;
  s.downloader = rng.chance(0.75) ? internal : reverse(internal);
  s.blocks = pick_block_count(rng);
  s.pace_us = tm.pace_us;
  return s;
}

// --- flow scripts -----------------------------------------------------------------------------

Task peer_wire_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, TcpEnding ending,
                    PlanPtr plan, bool internal_is_a, bool mse) {
  Rng& rng = c.rng();
  TcpConn t(c, g.out(), path, tm, ending);
  co_await t.open();
  PeerSetup s = make_peer_setup(*plan, path, internal_is_a, tm, rng);
  if (mse) {
    // MSE/PE (message stream encryption): Diffie-Hellman public keys (96 bytes) each followed
    // by 0-512 bytes of random padding; then hashes + encrypted VC/crypto_provide/padding/IA
    // from A and the encrypted VC/crypto_select/padding from B. All of it looks random.
    Bytes ya, yb, req, sel;
    put_random(ya, rng, size_t(rng.between(96, 608)));
    co_await t.send(Dir::kAtoB, std::move(ya), rng.between(30, 200));
    put_random(yb, rng, size_t(rng.between(96, 608)));
    co_await t.reply(Dir::kBtoA, std::move(yb));
    put_random(req, rng, size_t(20 + 20 + 8 + 4 + 2 + rng.between(0, 512) + 2));
    co_await t.reply(Dir::kAtoB, std::move(req));
    put_random(sel, rng, size_t(8 + 4 + 2 + rng.between(0, 512)));
    co_await t.reply(Dir::kBtoA, std::move(sel));
    s.obfuscate = true;
  }
  co_await peer_conversation(t, c, s);
  co_await t.close(rng.chance(0.5) ? Dir::kAtoB : Dir::kBtoA);
}

Task utp_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, PlanPtr plan,
              bool internal_is_a) {
  Rng& rng = c.rng();
  UtpConn u(c, g.out(), path, tm);
  co_await u.open();
  const PeerSetup s = make_peer_setup(*plan, path, internal_is_a, tm, rng);
  co_await peer_conversation(u, c, s);
  co_await u.close(rng.chance(0.5) ? Dir::kAtoB : Dir::kBtoA);
}

Task http_tracker_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, TcpEnding ending,
                       PlanPtr plan, std::string host_header) {
  Rng& rng = c.rng();
  TcpConn t(c, g.out(), path, tm, ending);
  co_await t.open();
  co_await t.send(Dir::kAtoB,
                  http_announce_request(host_header, plan->info_hash, plan->peer_id, kListenPort,
                                        plan->total_size),
                  tm.local_us);
  co_await t.reply(Dir::kBtoA,
                   http_announce_response(plan->tracker_peers, uint32_t(rng.between(1, 500)),
                                          uint32_t(rng.between(0, 200))));
  co_await t.close(Dir::kBtoA);  // "Connection: close": the tracker closes first
}

Task udp_tracker_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, PlanPtr plan) {
  Rng& rng = c.rng();
  UdpLink link(c, g.out(), path, tm);
  const uint32_t connect_tx = rng.next32();
  link.send(Dir::kAtoB, udp_connect_request(connect_tx));
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  const uint64_t connection_id = rng.next();
  link.send(Dir::kBtoA, udp_connect_response(connect_tx, connection_id));
  co_await c.sleep(link.reply_delay(Dir::kAtoB));
  const uint32_t announce_tx = rng.next32();
  link.send(Dir::kAtoB,
            udp_announce_request(connection_id, announce_tx, plan->info_hash, plan->peer_id,
                                 plan->total_size, rng.next32(), kListenPort));
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  link.send(Dir::kBtoA, udp_announce_response(announce_tx, uint32_t(rng.between(0, 200)),
                                              uint32_t(rng.between(1, 500)), plan->tracker_peers));
}

Task lsd_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, PlanPtr plan) {
  Rng& rng = c.rng();
  UdpLink link(c, g.out(), path, tm);
  link.send(Dir::kAtoB, lsd_announce(plan->info_hash, kListenPort));
  if (rng.chance(0.4)) {
    co_await c.sleep(rng.between(1'000'000, 5'000'000));  // a retry, as libtorrent does
    link.send(Dir::kAtoB, lsd_announce(plan->info_hash, kListenPort));
  }
}

KrpcMethod dht_method(uint8_t variant) {
  switch (variant) {
    case kDhtFindNode:
      return KrpcMethod::kFindNode;
    case kDhtGetPeers:
    case kDhtGetPeersNonCanonical:
      return KrpcMethod::kGetPeers;
    case kDhtAnnounce:
      return KrpcMethod::kAnnouncePeer;
    default:
      return KrpcMethod::kPing;
  }
}

Task dht_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, PlanPtr plan,
              uint8_t variant) {
  Rng& rng = c.rng();
  const Topology& topo = g.topo();
  UdpLink link(c, g.out(), path, tm);
  Sha1 remote_id;
  rng.fill(remote_id.data(), remote_id.size());
  const int transactions = rng.chance(0.2) ? 2 : 1;
  for (int i = 0; i < transactions; ++i) {
    if (i > 0) {
      co_await c.sleep(rng.between(200'000, 3'000'000));
      variant = uint8_t(pick_weighted(rng, kDhtWeights));
    }
    KrpcQuery q;
    q.method = dht_method(variant);
    q.canonical = variant != kDhtPingNonCanonical && variant != kDhtGetPeersNonCanonical;
    rng.fill(q.tid.data(), q.tid.size());
    q.id = plan->node_id;
    if (q.method == KrpcMethod::kFindNode) {
      rng.fill(q.target.data(), q.target.size());
    } else {
      q.target = plan->info_hash;
    }
    std::string token;
    if (q.method == KrpcMethod::kAnnouncePeer) {
      token.resize(8);
      for (char& ch : token) ch = char(rng.next32());
      q.token = token;
    }
    q.port = kListenPort;
    if (q.canonical && rng.chance(0.6)) q.version = kLibtorrentDhtVersion;
    link.send(Dir::kAtoB, krpc_query(q));
    if (rng.chance(0.12)) continue;  // many DHT nodes are gone: the query times out
    co_await c.sleep(link.reply_delay(Dir::kBtoA));
    KrpcResponse r;
    r.tid = q.tid;
    r.id = remote_id;
    std::vector<Endpoint> values;
    if (q.method == KrpcMethod::kFindNode ||
        (q.method == KrpcMethod::kGetPeers && rng.chance(0.6))) {
      for (int k = 0; k < 8; ++k) {  // K = 8 closest nodes
        Sha1 id;
        rng.fill(id.data(), id.size());
        put_compact_node(r.nodes, id, topo.random_peer(rng));
      }
    } else if (q.method == KrpcMethod::kGetPeers) {
      const uint64_t count = rng.between(1, 20);
      for (uint64_t k = 0; k < count; ++k) values.push_back(topo.random_peer(rng));
      r.values = values;
    }
    if (q.method == KrpcMethod::kGetPeers) {
      r.token.resize(size_t(rng.between(4, 20)));
      for (char& ch : r.token) ch = char(rng.next32());
    }
    if (rng.chance(0.5)) r.requester = &path.a().ep;  // BEP 42 "ip": requester's address
    link.send(Dir::kBtoA, krpc_response(r));
  }
}

// Starts child j of the session now.
void start_child(Generator& g, Rng& rng, const PlanPtr& plan, size_t j) {
  Topology& topo = g.topo();
  const ChildSpec& ch = plan->children[j];
  const uint32_t h = plan->host;
  const uint32_t n = plan->first_n + uint32_t(j);
  const uint16_t eph = topo.ephemeral_port(h, n);
  const IpAddress tracker_ip = topo.server(ServerRole::kTracker, plan->tracker, false, h, n);
  switch (ch.kind) {
    case BtKind::kTrackerDns: {
      const FlowTiming tm = Generator::server_timing(rng);
      const Endpoint resolver{topo.server(ServerRole::kResolver, 0, false, h, n), kPortDns};
      const FlowPath path = g.make_path(h, false, eph, resolver, true, rng);
      const std::string name(kTrackerNames[plan->tracker]);
      const std::vector<IpAddress> answers = {
          topo.server(ServerRole::kTracker, plan->tracker, false, h, plan->tracker_n)};
      g.start_flow(path, false, true, "tracker_dns", [=, &g](FlowCtx& c) {
        return dns_flow(c, g, path, tm, name, kDnsTypeA, answers, true);
      });
      break;
    }
    case BtKind::kHttpTracker: {
      const FlowTiming tm = Generator::server_timing(rng);
      const FlowPath path =
          g.make_path(h, false, eph, Endpoint{tracker_ip, plan->http_port}, true, rng);
      std::string host(kTrackerNames[plan->tracker]);
      if (plan->http_port != 80) {
        host += ':';
        host += std::to_string(plan->http_port);
      }
      const TcpEnding ending = g.pick_ending(rng);
      g.start_flow(path, true, true, "http_tracker", [=, &g](FlowCtx& c) {
        return http_tracker_flow(c, g, path, tm, ending, plan, host);
      });
      break;
    }
    case BtKind::kUdpTracker: {
      const FlowTiming tm = Generator::server_timing(rng);
      const FlowPath path =
          g.make_path(h, false, eph, Endpoint{tracker_ip, kTrackerPort}, true, rng);
      g.start_flow(path, false, true, "udp_tracker",
                   [=, &g](FlowCtx& c) { return udp_tracker_flow(c, g, path, tm, plan); });
      break;
    }
    case BtKind::kLsd: {
      const FlowTiming tm = Generator::server_timing(rng);
      static const MacAddress kLsdMac = Topology::multicast_mac(kLsdGroup);  // 01:00:5e:40:98:8f
      const FlowPath path = g.make_path(h, false, eph, Endpoint{IpAddress::v4(kLsdGroup), kLsdPort},
                                        true, rng, &kLsdMac);
      g.start_flow(path, false, true, "lsd",
                   [=, &g](FlowCtx& c) { return lsd_flow(c, g, path, tm, plan); });
      break;
    }
    case BtKind::kDht: {
      const FlowTiming tm = Generator::peer_timing(rng);
      // libtorrent sends DHT traffic from its listen port; some clients use a separate socket.
      const uint16_t local = rng.chance(0.7) ? kListenPort : eph;
      const FlowPath path = g.make_path(h, false, local, topo.unique_peer(h, n, false), true, rng);
      const uint8_t variant = ch.variant;
      g.start_flow(path, false, true, "dht",
                   [=, &g](FlowCtx& c) { return dht_flow(c, g, path, tm, plan, variant); });
      break;
    }
    case BtKind::kPeerWire:
    case BtKind::kPeerWireIncoming:
    case BtKind::kMse: {
      const FlowTiming tm = Generator::peer_timing(rng);
      const bool outgoing = ch.kind != BtKind::kPeerWireIncoming;
      const bool mse = ch.kind == BtKind::kMse;
      const FlowPath path = g.make_path(h, ch.v6, outgoing ? eph : kListenPort,
                                        topo.unique_peer(h, n, ch.v6), outgoing, rng);
      const TcpEnding ending = g.pick_ending(rng);
      g.start_flow(path, true, true, mse ? "mse" : "peer_wire", [=, &g](FlowCtx& c) {
        return peer_wire_flow(c, g, path, tm, ending, plan, outgoing, mse);
      });
      break;
    }
    case BtKind::kUtp:
    case BtKind::kUtpIncoming: {
      const FlowTiming tm = Generator::peer_timing(rng);
      const bool outgoing = ch.kind == BtKind::kUtp;
      // uTP shares the client's UDP listen port with the DHT.
      const FlowPath path =
          g.make_path(h, false, kListenPort, topo.unique_peer(h, n, false), outgoing, rng);
      g.start_flow(path, false, true, "peer_wire_utp",
                   [=, &g](FlowCtx& c) { return utp_flow(c, g, path, tm, plan, outgoing); });
      break;
    }
  }
}

Task session_driver(FlowCtx& c, Generator& g, PlanPtr plan) {
  for (size_t j = 0; j < plan->children.size(); ++j) {
    co_await c.sleep_until(plan->children[j].start);
    start_child(g, c.rng(), plan, j);
  }
}

}  // namespace

void start_bt_session(Generator& g, Rng& rng, uint32_t host, uint32_t flows, bool full_coverage) {
  Topology& topo = g.topo();
  auto plan = std::make_shared<SessionPlan>();
  plan->host = host;
  plan->first_n = topo.reserve_flows(host, flows);
  rng.fill(plan->info_hash.data(), plan->info_hash.size());
  plan->peer_id = make_peer_id(rng, kQbittorrent.peer_id_prefix);
  // The DHT node id belongs to the client, so it is the same in every session of the host.
  Rng node_rng(derive_seed(g.options().seed, 0x6e6f646500000000ULL + host));
  node_rng.fill(plan->node_id.data(), plan->node_id.size());
  plan->piece_len = uint32_t(1) << rng.between(15, 22);  // 32 KiB .. 4 MiB
  plan->num_pieces = uint32_t(rng.between(40, 4000));
  plan->total_size = uint64_t(plan->piece_len) * plan->num_pieces - rng.below(plan->piece_len);
  plan->metadata_size = uint32_t(plan->num_pieces * 20 + rng.between(100, 4000));
  plan->tracker = uint32_t(rng.below(Topology::kTrackers));
  plan->http_port = rng.chance(0.5) ? kTrackerPort : 80;

  // Which flows, in what order: tracker lookup, one announce, then the swarm.
  const double v6_share = g.ipv6_share();
  std::vector<ChildSpec>& kids = plan->children;
  kids.reserve(flows);
  for (uint32_t j = 0; j < flows; ++j) {
    ChildSpec ch;
    if (full_coverage && j < std::size(kCoverage)) {
      ch = kCoverage[j];
      ch.v6 = ch.v6 && v6_share > 0;
    } else if (j == 0) {
      ch.kind = BtKind::kTrackerDns;
    } else if (j == 1) {
      ch.kind = rng.chance(0.5) ? BtKind::kHttpTracker : BtKind::kUdpTracker;
    } else {
      ch.kind = BtKind(pick_weighted(rng, kKindWeights));
      if (ch.kind == BtKind::kDht) ch.variant = uint8_t(pick_weighted(rng, kDhtWeights));
      if (ch.kind == BtKind::kPeerWire) ch.v6 = rng.chance(v6_share);
    }
    kids.push_back(ch);
  }

  // When: DNS now, announces once the name is resolved, the swarm spread over a window.
  const int64_t t0 = g.sched().now();
  const int64_t remaining = std::max<int64_t>(g.sched().end() - t0, 1);
  const int64_t window = std::min<int64_t>(rng.between(5'000'000, 40'000'000),
                                           std::max<int64_t>(remaining / 10 * 8, 1));
  // DNS answers within ~135 ms (server RTT <= 120 ms + jitter), so later is causal.
  const int64_t after_dns = std::min<int64_t>(150'000, remaining / 4);
  for (ChildSpec& ch : kids) {
    switch (ch.kind) {
      case BtKind::kTrackerDns:
        ch.start = t0;
        break;
      case BtKind::kHttpTracker:
      case BtKind::kUdpTracker:
        ch.start = t0 + after_dns + int64_t(rng.below(uint64_t(after_dns / 2 + 1)));
        break;
      case BtKind::kLsd:
        ch.start = t0 + after_dns + int64_t(rng.below(2'000'000));
        break;
      default:
        // Peers come from the announce reply (a few RTTs after the DNS answer).
        ch.start = t0 + 2 * after_dns + int64_t(rng.below(uint64_t(window)));
        break;
    }
  }
  std::stable_sort(kids.begin(), kids.end(),
                   [](const ChildSpec& x, const ChildSpec& y) { return x.start < y.start; });

  // Flow numbers follow the final order; the DNS answer names the address of the first
  // announce, and an LSD announce only goes out in the host's first port epoch (its
  // multicast destination cannot be moved to an epoch block).
  plan->tracker_n = plan->first_n;
  bool tracker_seen = false;
  for (size_t j = 0; j < kids.size(); ++j) {
    const uint32_t n = plan->first_n + uint32_t(j);
    if (!tracker_seen &&
        (kids[j].kind == BtKind::kHttpTracker || kids[j].kind == BtKind::kUdpTracker)) {
      plan->tracker_n = n;
      tracker_seen = true;
    }
    if (kids[j].kind == BtKind::kLsd && topo.epoch(host, n) != 0) {
      kids[j].kind = BtKind::kDht;
      kids[j].variant = kDhtPing;
    }
  }

  // Tracker peer list: the IPv4 peers this client will connect to, plus others it never will.
  std::vector<Endpoint>& peers = plan->tracker_peers;
  for (size_t j = 0; j < kids.size() && peers.size() < 50; ++j) {
    const BtKind k = kids[j].kind;
    if ((k == BtKind::kPeerWire && !kids[j].v6) || k == BtKind::kMse || k == BtKind::kUtp) {
      peers.push_back(topo.unique_peer(host, plan->first_n + uint32_t(j), false));
    }
  }
  const uint64_t extra = rng.between(3, 20);
  for (uint64_t i = 0; i < extra && peers.size() < 50; ++i) peers.push_back(topo.random_peer(rng));
  for (size_t i = peers.size(); i > 1; --i) std::swap(peers[i - 1], peers[rng.below(i)]);

  PlanPtr shared = std::move(plan);
  g.start_driver([&g, shared](FlowCtx& c) { return session_driver(c, g, shared); });
}

}  // namespace btsensor::gen
