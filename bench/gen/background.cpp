#include "background.hpp"

#include <array>
#include <string_view>

#include "app_messages.hpp"
#include "bytes.hpp"
#include "tcp_conn.hpp"
#include "udp_link.hpp"

namespace btsensor::gen {
namespace {

constexpr std::string_view kSites[] = {
    "www.example-shop.test",  "news.example-portal.test", "cdn.static-media.test",
    "api.weather-demo.test",  "mail.example-corp.test",   "video.stream-demo.test",
    "www.search-demo.test",   "static.social-demo.test",  "updates.os-vendor.test",
    "img.photo-share.test",   "login.bank-demo.test",     "www.travel-deals.test",
    "docs.office-suite.test", "chat.messenger-demo.test", "maps.geo-demo.test",
    "www.recipes-demo.test",
};
// Ordinary site whose name merely contains "torrent": a detector keying on names alone
// would flag it, so it is a labelled hard negative.
constexpr std::string_view kTorrentNewsSite = "www.torrent-news.test";
constexpr std::string_view kPaths[] = {"/",
                                       "/index.html",
                                       "/products/42",
                                       "/news/today",
                                       "/static/app.js",
                                       "/img/banner.png",
                                       "/api/v1/status",
                                       "/search?q=shoes"};

constexpr uint16_t kPortDns = 53;
constexpr uint16_t kPortHttp = 80;
constexpr uint16_t kPortHttps = 443;
constexpr uint16_t kPortNtp = 123;
constexpr uint16_t kPortStun = 3478;
constexpr uint16_t kPortWireguard = 51820;

enum class Kind : uint8_t { kDns, kHttp, kTls, kQuic, kNtp, kStun, kWireguard, kNameTorrent };
struct Choice {
  Kind kind;
  uint8_t variant;  // dns: 0 A / 1 AAAA; tls: 0 TLS 1.3 / 1 TLS 1.2; name_torrent: dns/tls/http
  bool v6;
};
// One of each kind (and variant) first.
constexpr Choice kCoverage[] = {
    {Kind::kDns, 0, false},       {Kind::kHttp, 0, false},        {Kind::kTls, 0, false},
    {Kind::kQuic, 0, false},      {Kind::kNtp, 0, false},         {Kind::kStun, 0, false},
    {Kind::kWireguard, 0, false}, {Kind::kNameTorrent, 0, false}, {Kind::kTls, 1, false},
    {Kind::kDns, 1, true},        {Kind::kNameTorrent, 1, false}, {Kind::kTls, 0, true},
    {Kind::kHttp, 0, true},       {Kind::kNameTorrent, 2, false},
};
// Weighted mix afterwards, in Kind order.
constexpr uint32_t kKindWeights[] = {28, 10, 28, 10, 4, 3, 2, 1};

bool kind_allows_v6(Kind k) {
  return k == Kind::kDns || k == Kind::kHttp || k == Kind::kTls || k == Kind::kQuic ||
         k == Kind::kNtp;
}

uint32_t site_server(size_t site, Rng& rng) {
  return uint32_t(site * 16 + rng.below(4));
}

Task http_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, TcpEnding ending,
               std::string host) {
  Rng& rng = c.rng();
  TcpConn t(c, g.out(), path, tm, ending);
  co_await t.open();
  const std::string_view ua = random_browser_user_agent(rng);
  const int requests = rng.chance(0.25) ? 2 : 1;  // keep-alive reuse
  for (int i = 0; i < requests; ++i) {
    const std::string_view url = kPaths[rng.below(std::size(kPaths))];
    const int64_t think = i == 0 ? tm.local_us : rng.between(50'000, 1'500'000);
    co_await t.send(Dir::kAtoB, http_get(host, url, ua), think);
    const bool html = rng.chance(0.6);
    co_await t.reply(Dir::kBtoA, http_response(rng.log_uniform(200, 10'000), html, rng));
  }
  co_await t.close(Dir::kAtoB);
}

Task tls_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, TcpEnding ending,
              std::string sni, bool tls13) {
  Rng& rng = c.rng();
  TcpConn t(c, g.out(), path, tm, ending);
  co_await t.open();
  co_await t.send(Dir::kAtoB, tls_client_hello(sni, tls13, rng), tm.local_us);
  co_await t.reply(Dir::kBtoA,
                   tls_server_flight(tls13, tls13 ? rng.log_uniform(1'500, 4'000) : 0, rng));
  co_await t.reply(Dir::kAtoB, tls_client_finish(tls13, rng));
  if (!tls13) co_await t.reply(Dir::kBtoA, tls12_server_finish(rng));
  const int exchanges = rng.chance(0.25) ? 2 : 1;
  for (int i = 0; i < exchanges; ++i) {
    const int64_t think = i == 0 ? tm.local_us : rng.between(100'000, 2'000'000);
    co_await t.send(Dir::kAtoB, tls_application_data(rng.log_uniform(60, 900), rng), think);
    co_await t.reply(Dir::kBtoA, tls_application_data(rng.log_uniform(200, 10'000), rng));
  }
  co_await t.close(Dir::kAtoB);
}

Task quic_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm) {
  Rng& rng = c.rng();
  UdpLink link(c, g.out(), path, tm);
  std::array<uint8_t, 8> dcid, client_cid, server_cid;
  rng.fill(dcid.data(), 8);
  rng.fill(client_cid.data(), 8);
  rng.fill(server_cid.data(), 8);
  // Client Initial padded to 1200 bytes, the minimum RFC 9000 section 14.1 requires.
  link.send(Dir::kAtoB, quic_long(dcid, client_cid, 1200, true, rng));
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  link.send(Dir::kBtoA, quic_long(client_cid, server_cid, 1200, true, rng));
  co_await c.sleep(tm.pace_us);
  link.send(Dir::kBtoA,
            quic_long(client_cid, server_cid, size_t(rng.between(600, 1200)), false, rng));
  co_await c.sleep(link.reply_delay(Dir::kAtoB));
  link.send(Dir::kAtoB, quic_long(server_cid, client_cid, 1200, true, rng));
  co_await c.sleep(tm.local_us);
  link.send(Dir::kAtoB, quic_short(server_cid, size_t(rng.between(60, 400)), rng));
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  const uint64_t packets = rng.log_uniform(1, 5);
  for (uint64_t i = 0; i < packets; ++i) {
    link.send(Dir::kBtoA, quic_short(client_cid, 1252, rng));  // full 1280-byte datagram
    if (i % 2 == 1 || i + 1 == packets) {
      co_await c.sleep(tm.local_us);
      link.send(Dir::kAtoB, quic_short(server_cid, size_t(rng.between(30, 60)), rng));  // ACK
    }
    co_await c.sleep(tm.pace_us);
  }
}

Task ntp_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm) {
  UdpLink link(c, g.out(), path, tm);
  const uint64_t t1 = to_ntp_time(c.now());
  link.send(Dir::kAtoB, ntp_client_request(t1));
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  const int64_t server_time = c.now() - tm.rtt_us / 2;
  link.send(Dir::kBtoA, ntp_server_reply(t1, to_ntp_time(server_time),
                                         to_ntp_time(server_time + 25), 0xc612007b));
}

Task stun_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm) {
  Rng& rng = c.rng();
  UdpLink link(c, g.out(), path, tm);
  const int transactions = rng.chance(0.3) ? 2 : 1;  // e.g. a WebRTC keepalive re-check
  for (int i = 0; i < transactions; ++i) {
    if (i > 0) co_await c.sleep(rng.between(500'000, 5'000'000));
    std::array<uint8_t, 12> txid;
    rng.fill(txid.data(), txid.size());
    link.send(Dir::kAtoB, stun_binding_request(txid));
    co_await c.sleep(link.reply_delay(Dir::kBtoA));
    link.send(Dir::kBtoA, stun_binding_success(txid, path.a().ep));
  }
}

Task wireguard_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm) {
  Rng& rng = c.rng();
  UdpLink link(c, g.out(), path, tm);
  const uint32_t initiator_index = rng.next32();
  const uint32_t responder_index = rng.next32();
  link.send(Dir::kAtoB, wireguard_initiation(initiator_index, rng));
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  link.send(Dir::kBtoA, wireguard_response(responder_index, initiator_index, rng));
  co_await c.sleep(tm.local_us);
  uint64_t counter[2] = {0, 0};
  link.send(Dir::kAtoB, wireguard_transport(responder_index, counter[0]++, 0, rng));  // keepalive
  const int64_t packets = rng.between(2, 12);
  for (int64_t i = 0; i < packets; ++i) {
    co_await c.sleep(rng.between(200, 50'000));
    const bool outbound = rng.chance(0.5);
    const Dir d = outbound ? Dir::kAtoB : Dir::kBtoA;
    const uint32_t receiver = outbound ? responder_index : initiator_index;
    link.send(d, wireguard_transport(receiver, counter[outbound ? 0 : 1]++,
                                     rng.log_uniform(40, 1380), rng));
  }
}

Choice random_choice(Rng& rng) {
  Choice ch;
  ch.kind = Kind(pick_weighted(rng, kKindWeights));
  ch.variant = uint8_t(rng.below(ch.kind == Kind::kNameTorrent ? 3 : 2));
  if (ch.kind == Kind::kDns) ch.variant = rng.chance(0.3) ? 1 : 0;  // AAAA 30% of lookups
  if (ch.kind == Kind::kTls) ch.variant = rng.chance(0.8) ? 0 : 1;  // mostly TLS 1.3
  ch.v6 = false;
  return ch;
}

}  // namespace

Task dns_flow(FlowCtx& c, Generator& g, FlowPath path, FlowTiming tm, std::string name,
              uint16_t qtype, std::vector<IpAddress> answers, bool answered) {
  Rng& rng = c.rng();
  UdpLink link(c, g.out(), path, tm);
  const uint16_t id = uint16_t(rng.next32());
  link.send(Dir::kAtoB, dns_query(id, name, qtype));
  if (!answered) co_return;  // lost or ignored query: a one-packet flow
  co_await c.sleep(link.reply_delay(Dir::kBtoA));
  link.send(Dir::kBtoA, dns_response(id, name, qtype, answers, uint32_t(rng.between(60, 3600)),
                                     answers.empty()));
}

void start_ordinary_flow(Generator& g, Rng& rng, uint64_t index, uint32_t non_bt_hosts) {
  Topology& topo = g.topo();
  const bool coverage = index < std::size(kCoverage);
  Choice ch = coverage ? kCoverage[index] : random_choice(rng);
  if (ch.kind == Kind::kNameTorrent && non_bt_hosts == 0) ch = Choice{Kind::kDns, 0, false};
  // "torrent"-named flows come only from hosts that never run BitTorrent.
  const uint32_t host = ch.kind == Kind::kNameTorrent
                            ? topo.bt_hosts() + uint32_t(rng.below(non_bt_hosts))
                            : uint32_t(rng.below(topo.hosts()));
  const bool v6 = kind_allows_v6(ch.kind) && g.ipv6_share() > 0 &&
                  (coverage ? ch.v6 : rng.chance(g.ipv6_share()));
  const uint32_t n = topo.reserve_flows(host, 1);
  const uint16_t port = topo.ephemeral_port(host, n);
  const FlowTiming tm = Generator::server_timing(rng);
  const size_t site = rng.below(std::size(kSites));
  std::string name(kSites[site]);
  std::string_view evidence;
  Kind kind = ch.kind;
  if (kind == Kind::kNameTorrent) {
    name = kTorrentNewsSite;
    evidence = "name_torrent";
    kind = ch.variant == 0 ? Kind::kDns : (ch.variant == 1 ? Kind::kTls : Kind::kHttp);
    ch.variant = 0;
  }
  // The torrent-news site lives on its own server index past the ordinary sites.
  const uint32_t web_index =
      evidence.empty() ? site_server(site, rng) : uint32_t(std::size(kSites) * 16);
  auto web = [&](uint16_t p) {
    return Endpoint{topo.server(ServerRole::kWeb, web_index, v6, host, n), p};
  };
  switch (kind) {
    case Kind::kDns: {
      const uint16_t qtype = ch.variant == 1 ? kDnsTypeAaaa : kDnsTypeA;
      std::vector<IpAddress> answers;
      const bool nxdomain = evidence.empty() && rng.chance(0.03);
      if (!nxdomain) {
        const uint64_t count = rng.between(1, 3);
        for (uint64_t i = 0; i < count; ++i) {
          const uint32_t idx = evidence.empty() ? site_server(site, rng) : web_index;
          answers.push_back(topo.server(ServerRole::kWeb, idx, qtype == kDnsTypeAaaa, host, 0));
        }
      }
      const bool answered = !rng.chance(0.02);
      const Endpoint resolver{topo.server(ServerRole::kResolver, 0, v6, host, n), kPortDns};
      const FlowPath path = g.make_path(host, v6, port, resolver, true, rng);
      g.start_flow(path, false, false, evidence.empty() ? "dns" : evidence, [=, &g](FlowCtx& c) {
        return dns_flow(c, g, path, tm, name, qtype, answers, answered);
      });
      break;
    }
    case Kind::kHttp: {
      const FlowPath path = g.make_path(host, v6, port, web(kPortHttp), true, rng);
      const TcpEnding ending = g.pick_ending(rng);
      g.start_flow(path, true, false, evidence.empty() ? "http" : evidence,
                   [=, &g](FlowCtx& c) { return http_flow(c, g, path, tm, ending, name); });
      break;
    }
    case Kind::kTls: {
      const FlowPath path = g.make_path(host, v6, port, web(kPortHttps), true, rng);
      const TcpEnding ending = g.pick_ending(rng);
      const bool tls13 = ch.variant == 0;
      g.start_flow(path, true, false, evidence.empty() ? "tls" : evidence,
                   [=, &g](FlowCtx& c) { return tls_flow(c, g, path, tm, ending, name, tls13); });
      break;
    }
    case Kind::kQuic: {
      const FlowPath path = g.make_path(host, v6, port, web(kPortHttps), true, rng);
      g.start_flow(path, false, false, "quic",
                   [=, &g](FlowCtx& c) { return quic_flow(c, g, path, tm); });
      break;
    }
    case Kind::kNtp: {
      const Endpoint ntp{topo.server(ServerRole::kNtp, 0, v6, host, n), kPortNtp};
      const FlowPath path = g.make_path(host, v6, port, ntp, true, rng);
      g.start_flow(path, false, false, "ntp",
                   [=, &g](FlowCtx& c) { return ntp_flow(c, g, path, tm); });
      break;
    }
    case Kind::kStun: {
      const Endpoint stun{topo.server(ServerRole::kStun, 0, false, host, n), kPortStun};
      const FlowPath path = g.make_path(host, false, port, stun, true, rng);
      g.start_flow(path, false, false, "stun",
                   [=, &g](FlowCtx& c) { return stun_flow(c, g, path, tm); });
      break;
    }
    case Kind::kWireguard: {
      const Endpoint wg{topo.server(ServerRole::kWireguard, 0, false, host, n), kPortWireguard};
      const FlowPath path = g.make_path(host, false, port, wg, true, rng);
      g.start_flow(path, false, false, "wireguard",
                   [=, &g](FlowCtx& c) { return wireguard_flow(c, g, path, tm); });
      break;
    }
    case Kind::kNameTorrent:
      break;  // rewritten to dns/tls/http above
  }
}

}  // namespace btsensor::gen
