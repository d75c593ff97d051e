// BitTorrent wire formats: peer wire (BEP 3/10), HTTP and UDP tracker announces (BEP 3/15/23),
// DHT KRPC (BEP 5), Local Service Discovery (BEP 14). Builders only; no timing or I/O.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "bytes.hpp"
#include "net.hpp"
#include "rng.hpp"

namespace btsensor::gen {

using Sha1 = std::array<uint8_t, 20>;  // info_hash, peer_id and DHT node ids are all 20 bytes

// Azureus-style peer id: 8-byte client prefix such as "-qB4500-" + 12 random characters.
Sha1 make_peer_id(Rng& rng, std::string_view prefix);

// A client other peers in the swarm may be running: peer-id prefix and BEP 10 "v" string.
struct ClientKind {
  std::string_view peer_id_prefix;
  std::string_view version;
};
const ClientKind& random_client(Rng& rng);
inline constexpr ClientKind kQbittorrent{"-qB4500-", "qBittorrent/4.5.0"};

// --- Peer wire protocol ---------------------------------------------------------------------
inline constexpr uint32_t kBlockLen = 16384;  // request/piece block size every client uses

// 68 bytes: pstrlen 19, "BitTorrent protocol", 8 reserved bytes, info_hash, peer_id.
void put_handshake(Bytes& b, const Sha1& info_hash, const Sha1& peer_id);
// BEP 10 extended handshake (message id 20, extended id 0) with a bencoded dictionary.
void put_extended_handshake(Bytes& b, std::string_view client_version, uint16_t listen_port,
                            uint32_t metadata_size, const IpAddress& your_ip);
// Bitfield (id 5); `have_permille` of the pieces set, spare bits at the end zero.
void put_bitfield(Bytes& b, uint32_t num_pieces, uint32_t have_permille, Rng& rng);
enum PeerMessage : uint8_t {
  kChoke = 0,
  kUnchoke = 1,
  kInterested = 2,
  kNotInterested = 3,
  kHave = 4,
  kBitfield = 5,
  kRequest = 6,
  kPiece = 7,
  kExtended = 20,
};
void put_simple_message(Bytes& b, PeerMessage id);  // choke/unchoke/interested/not_interested
void put_have(Bytes& b, uint32_t index);
void put_request(Bytes& b, uint32_t index, uint32_t begin, uint32_t length);
// Piece (id 7) carrying `length` bytes of random block data.
void put_piece(Bytes& b, uint32_t index, uint32_t begin, uint32_t length, Rng& rng);

// --- HTTP tracker -----------------------------------------------------------------------------
// Percent-encodes everything outside RFC 3986 "unreserved", like libtorrent does.
std::string url_encode(std::span<const uint8_t> s);
Bytes http_announce_request(std::string_view host_header, const Sha1& info_hash,
                            const Sha1& peer_id, uint16_t port, uint64_t left);
// "HTTP/1.1 200 OK" with a bencoded body and compact (BEP 23) IPv4 peers.
Bytes http_announce_response(std::span<const Endpoint> peers, uint32_t complete,
                             uint32_t incomplete);

// --- UDP tracker (BEP 15) -------------------------------------------------------------------
Bytes udp_connect_request(uint32_t transaction_id);
Bytes udp_connect_response(uint32_t transaction_id, uint64_t connection_id);
Bytes udp_announce_request(uint64_t connection_id, uint32_t transaction_id, const Sha1& info_hash,
                           const Sha1& peer_id, uint64_t left, uint32_t key, uint16_t port);
Bytes udp_announce_response(uint32_t transaction_id, uint32_t leechers, uint32_t seeders,
                            std::span<const Endpoint> peers);

// --- DHT (BEP 5 KRPC over UDP) ----------------------------------------------------------------
enum class KrpcMethod : uint8_t { kPing, kFindNode, kGetPeers, kAnnouncePeer };
struct KrpcQuery {
  KrpcMethod method = KrpcMethod::kPing;
  std::array<uint8_t, 2> tid{};  // transaction id
  Sha1 id{};                     // querying node
  Sha1 target{};                 // find_node target / get_peers & announce_peer info_hash
  std::string_view token;        // announce_peer only
  uint16_t port = 6881;          // announce_peer only
  std::string_view version;      // optional "v" key (e.g. "LT\x02\x00"), empty = absent
  // Non-canonical: top-level keys in q,t,y,a order instead of sorted. Real clients emit this
  // (bencode requires sorted keys, parsers accept both), so detectors must not rely on order.
  bool canonical = true;
};
Bytes krpc_query(const KrpcQuery& q);
struct KrpcResponse {
  std::array<uint8_t, 2> tid{};
  Sha1 id{};                            // responding node
  Bytes nodes;                          // compact node info, 26 bytes each (find_node, get_peers)
  std::string token;                    // get_peers only
  std::span<const Endpoint> values;     // get_peers peers (compact 6-byte entries)
  const Endpoint* requester = nullptr;  // BEP 42 "ip" key, when non-null
};
Bytes krpc_response(const KrpcResponse& r);
// Compact node info (BEP 5): 20-byte node id + 4-byte IPv4 + 2-byte port.
void put_compact_node(Bytes& b, const Sha1& id, const Endpoint& ep);
// Compact peer info (BEP 23): 4-byte IPv4 + 2-byte port.
void put_compact_peer(Bytes& b, const Endpoint& ep);

// --- Local Service Discovery (BEP 14) -------------------------------------------------------
inline constexpr uint32_t kLsdGroup = 0xefc0988f;  // 239.192.152.143
inline constexpr uint16_t kLsdPort = 6771;
Bytes lsd_announce(const Sha1& info_hash, uint16_t port);

}  // namespace btsensor::gen
