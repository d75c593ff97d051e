#include "bt_messages.hpp"

#include <cstring>

namespace btsensor::gen {
namespace {

// Peer-id tail alphabet: libtorrent and qBittorrent use printable alphanumerics.
constexpr std::string_view kPeerIdChars =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

constexpr ClientKind kClients[] = {
    kQbittorrent,
    {"-TR3000-", "Transmission 3.00"},
    {"-UT355W-", "\xc2\xb5Torrent 3.5.5"},  // UTF-8 for the micro sign
    {"-DE211s-", "Deluge 2.1.1"},
    {"-LT2090-", "libtorrent/2.0.9"},
};

// BEP 15 magic protocol id that starts every connect request.
constexpr uint64_t kUdpTrackerProtocolId = 0x41727101980ULL;
enum UdpTrackerAction : uint32_t { kActionConnect = 0, kActionAnnounce = 1 };
constexpr uint32_t kEventStarted = 2;  // BEP 15 event codes: 0 none, 1 completed, 2 started

void put_key(Bytes& b, std::string_view key) {
  bencode_str(b, key);
}

}  // namespace

Sha1 make_peer_id(Rng& rng, std::string_view prefix) {
  Sha1 id{};
  std::memcpy(id.data(), prefix.data(), prefix.size() < 8 ? prefix.size() : 8);
  for (size_t i = 8; i < id.size(); ++i)
    id[i] = uint8_t(kPeerIdChars[rng.below(kPeerIdChars.size())]);
  return id;
}

const ClientKind& random_client(Rng& rng) {
  return kClients[rng.below(sizeof kClients / sizeof kClients[0])];
}

void put_handshake(Bytes& b, const Sha1& info_hash, const Sha1& peer_id) {
  put_u8(b, 19);  // pstrlen: length of "BitTorrent protocol"
  put_str(b, "BitTorrent protocol");
  // Reserved bytes as libtorrent sends them: 00 00 00 00 00 10 00 05
  //   reserved[5] & 0x10: BEP 10 extension protocol
  //   reserved[7] & 0x04: BEP 6 fast extension; reserved[7] & 0x01: BEP 5 DHT port
  static constexpr uint8_t kReserved[8] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x05};
  put_bytes(b, kReserved);
  put_bytes(b, info_hash);
  put_bytes(b, peer_id);
}

void put_extended_handshake(Bytes& b, std::string_view client_version, uint16_t listen_port,
                            uint32_t metadata_size, const IpAddress& your_ip) {
  Bytes dict;
  // Keys in sorted order as bencoding requires: m, metadata_size, p, reqq, v, yourip.
  put_str(dict, "d");
  put_key(dict, "m");
  put_str(dict, "d");
  put_key(dict, "ut_metadata");
  bencode_int(dict, 1);  // our local extended message id for BEP 9
  put_key(dict, "ut_pex");
  bencode_int(dict, 2);  // our local extended message id for BEP 11
  put_str(dict, "e");
  put_key(dict, "metadata_size");
  bencode_int(dict, metadata_size);
  put_key(dict, "p");
  bencode_int(dict, listen_port);
  put_key(dict, "reqq");
  bencode_int(dict, 500);  // request queue depth libtorrent advertises
  put_key(dict, "v");
  bencode_str(dict, client_version);
  put_key(dict, "yourip");
  bencode_str(dict, std::span<const uint8_t>(your_ip.data(), your_ip.size()));
  put_str(dict, "e");
  put_u32(b, uint32_t(2 + dict.size()));  // length prefix: id byte + extended id + payload
  put_u8(b, kExtended);
  put_u8(b, 0);  // extended message id 0 = handshake
  put_bytes(b, dict);
}

void put_bitfield(Bytes& b, uint32_t num_pieces, uint32_t have_permille, Rng& rng) {
  const uint32_t nbytes = (num_pieces + 7) / 8;
  put_u32(b, 1 + nbytes);
  put_u8(b, kBitfield);
  // Each piece is present with probability p = have_permille/1000 rounded to 1/64. Bitfields
  // of big torrents have thousands of bits, so 64 are drawn at once: starting from all-zero
  // words, fold in one random word per binary digit of p (least significant first) with OR
  // for a 1 digit and AND for a 0 digit; each step maps probability q to (d + q) / 2.
  const uint32_t p64 = uint32_t((uint64_t(have_permille) * 64 + 500) / 1000);
  const size_t start = b.size();
  for (uint32_t i = 0; i < nbytes; i += 8) {
    uint64_t word = p64 >= 64 ? ~uint64_t(0) : 0;
    if (p64 > 0 && p64 < 64) {
      for (int digit = 0; digit < 6; ++digit) {
        const uint64_t r = rng.next();
        word = ((p64 >> digit) & 1) ? (word | r) : (word & r);
      }
    }
    for (uint32_t k = 0; k < 8 && i + k < nbytes; ++k) put_u8(b, uint8_t(word >> (8 * k)));
  }
  // Bit 7 of byte 0 is piece 0; spare bits past the last piece must be zero.
  if (num_pieces % 8 != 0) b[start + nbytes - 1] &= uint8_t(0xff00 >> (num_pieces % 8));
}

void put_simple_message(Bytes& b, PeerMessage id) {
  put_u32(b, 1);  // length: just the id byte
  put_u8(b, id);
}

void put_have(Bytes& b, uint32_t index) {
  put_u32(b, 5);
  put_u8(b, kHave);
  put_u32(b, index);
}

void put_request(Bytes& b, uint32_t index, uint32_t begin, uint32_t length) {
  put_u32(b, 13);  // 00 00 00 0d: id + index + begin + length
  put_u8(b, kRequest);
  put_u32(b, index);
  put_u32(b, begin);
  put_u32(b, length);
}

void put_piece(Bytes& b, uint32_t index, uint32_t begin, uint32_t length, Rng& rng) {
  put_u32(b, 9 + length);  // id + index + begin + block
  put_u8(b, kPiece);
  put_u32(b, index);
  put_u32(b, begin);
  put_random(b, rng, length);
}

std::string url_encode(std::span<const uint8_t> s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (uint8_t c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Bytes http_announce_request(std::string_view host_header, const Sha1& info_hash,
                            const Sha1& peer_id, uint16_t port, uint64_t left) {
  std::string req = "GET /announce?info_hash=" + url_encode(info_hash) +
                    "&peer_id=" + url_encode(peer_id) + "&port=" + std::to_string(port) +
                    "&uploaded=0&downloaded=0&left=" + std::to_string(left) +
                    "&compact=1&event=started HTTP/1.1\r\n";
  req += "Host: ";
  req += host_header;
  req += "\r\nUser-Agent: qBittorrent/4.5.0\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n";
  return Bytes(req.begin(), req.end());
}

void put_compact_peer(Bytes& b, const Endpoint& ep) {
  put_bytes(b, std::span<const uint8_t>(ep.ip.data(), 4));
  put_u16(b, ep.port);
}

void put_compact_node(Bytes& b, const Sha1& id, const Endpoint& ep) {
  put_bytes(b, id);
  put_compact_peer(b, ep);
}

Bytes http_announce_response(std::span<const Endpoint> peers, uint32_t complete,
                             uint32_t incomplete) {
  Bytes body;
  // d8:completei5e10:incompletei3e8:intervali1800e5:peers<6N>:<compact peers>e
  put_str(body, "d");
  put_key(body, "complete");
  bencode_int(body, complete);
  put_key(body, "incomplete");
  bencode_int(body, incomplete);
  put_key(body, "interval");
  bencode_int(body, 1800);  // re-announce every 30 minutes
  put_key(body, "peers");
  put_str(body, std::to_string(peers.size() * 6));
  put_u8(body, ':');
  for (const Endpoint& p : peers) put_compact_peer(body, p);
  put_str(body, "e");
  std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  Bytes out(head.begin(), head.end());
  put_bytes(out, body);
  return out;
}

Bytes udp_connect_request(uint32_t transaction_id) {
  Bytes b;
  put_u64(b, kUdpTrackerProtocolId);  // 00 00 04 17 27 10 19 80
  put_u32(b, kActionConnect);
  put_u32(b, transaction_id);
  return b;  // 16 bytes
}

Bytes udp_connect_response(uint32_t transaction_id, uint64_t connection_id) {
  Bytes b;
  put_u32(b, kActionConnect);
  put_u32(b, transaction_id);
  put_u64(b, connection_id);
  return b;  // 16 bytes
}

Bytes udp_announce_request(uint64_t connection_id, uint32_t transaction_id, const Sha1& info_hash,
                           const Sha1& peer_id, uint64_t left, uint32_t key, uint16_t port) {
  Bytes b;
  put_u64(b, connection_id);    // offset 0
  put_u32(b, kActionAnnounce);  // 8
  put_u32(b, transaction_id);   // 12
  put_bytes(b, info_hash);      // 16
  put_bytes(b, peer_id);        // 36
  put_u64(b, 0);                // 56 downloaded
  put_u64(b, left);             // 64 left
  put_u64(b, 0);                // 72 uploaded
  put_u32(b, kEventStarted);    // 80 event
  put_u32(b, 0);                // 84 IP address: 0 = use the packet's source
  put_u32(b, key);              // 88 key
  put_u32(b, 0xffffffff);       // 92 num_want: -1 = tracker default
  put_u16(b, port);             // 96 port
  return b;                     // 98 bytes
}

Bytes udp_announce_response(uint32_t transaction_id, uint32_t leechers, uint32_t seeders,
                            std::span<const Endpoint> peers) {
  Bytes b;
  put_u32(b, kActionAnnounce);
  put_u32(b, transaction_id);
  put_u32(b, 1800);  // interval, seconds
  put_u32(b, leechers);
  put_u32(b, seeders);
  for (const Endpoint& p : peers) put_compact_peer(b, p);
  return b;  // 20 + 6N bytes
}

namespace {

std::string_view method_name(KrpcMethod m) {
  switch (m) {
    case KrpcMethod::kPing:
      return "ping";
    case KrpcMethod::kFindNode:
      return "find_node";
    case KrpcMethod::kGetPeers:
      return "get_peers";
    case KrpcMethod::kAnnouncePeer:
      return "announce_peer";
  }
  return "ping";
}

void put_query_args(Bytes& b, const KrpcQuery& q) {
  // Argument keys sorted: id, implied_port, info_hash, port, target, token.
  put_str(b, "d");
  put_key(b, "id");
  bencode_str(b, q.id);
  switch (q.method) {
    case KrpcMethod::kPing:
      break;
    case KrpcMethod::kFindNode:
      put_key(b, "target");
      bencode_str(b, q.target);
      break;
    case KrpcMethod::kGetPeers:
      put_key(b, "info_hash");
      bencode_str(b, q.target);
      break;
    case KrpcMethod::kAnnouncePeer:
      put_key(b, "implied_port");
      bencode_int(b, 1);  // use the UDP source port instead of "port" (NAT friendly)
      put_key(b, "info_hash");
      bencode_str(b, q.target);
      put_key(b, "port");
      bencode_int(b, q.port);
      put_key(b, "token");
      bencode_str(b, q.token);
      break;
  }
  put_str(b, "e");
}

}  // namespace

Bytes krpc_query(const KrpcQuery& q) {
  Bytes b;
  put_str(b, "d");
  if (q.canonical) {
    // d1:ad2:id20:<id>...e1:q<method>1:t2:<tid>[1:v4:<ver>]1:y1:qe
    put_key(b, "a");
    put_query_args(b, q);
    put_key(b, "q");
    bencode_str(b, method_name(q.method));
    put_key(b, "t");
    bencode_str(b, q.tid);
    if (!q.version.empty()) {
      put_key(b, "v");
      bencode_str(b, q.version);
    }
    put_key(b, "y");
    bencode_str(b, "q");
  } else {
    // d1:q4:ping1:t2:xx1:y1:q1:ad2:id20:...ee -- the order some minimal clients write.
    put_key(b, "q");
    bencode_str(b, method_name(q.method));
    put_key(b, "t");
    bencode_str(b, q.tid);
    put_key(b, "y");
    bencode_str(b, "q");
    put_key(b, "a");
    put_query_args(b, q);
  }
  put_str(b, "e");
  return b;
}

Bytes krpc_response(const KrpcResponse& r) {
  Bytes b;
  // d[2:ip6:<requester>]1:rd2:id20:<id>[5:nodes..][5:token..][6:valuesl..e]e1:t2:<tid>1:y1:re
  put_str(b, "d");
  if (r.requester != nullptr) {
    put_key(b, "ip");
    Bytes compact;
    put_compact_peer(compact, *r.requester);
    bencode_str(b, compact);
  }
  put_key(b, "r");
  put_str(b, "d");
  put_key(b, "id");
  bencode_str(b, r.id);
  if (!r.nodes.empty()) {
    put_key(b, "nodes");
    bencode_str(b, r.nodes);
  }
  if (!r.token.empty()) {
    put_key(b, "token");
    bencode_str(b, r.token);
  }
  if (!r.values.empty()) {
    put_key(b, "values");
    put_str(b, "l");
    for (const Endpoint& p : r.values) {
      Bytes compact;
      put_compact_peer(compact, p);
      bencode_str(b, compact);
    }
    put_str(b, "e");
  }
  put_str(b, "e");
  put_key(b, "t");
  bencode_str(b, r.tid);
  put_key(b, "y");
  bencode_str(b, "r");
  put_str(b, "e");
  return b;
}

Bytes lsd_announce(const Sha1& info_hash, uint16_t port) {
  const std::string msg =
      "BT-SEARCH * HTTP/1.1\r\nHost: 239.192.152.143:6771\r\nPort: " + std::to_string(port) +
      "\r\nInfohash: " + hex_lower(info_hash) + "\r\n\r\n\r\n";
  return Bytes(msg.begin(), msg.end());
}

}  // namespace btsensor::gen
