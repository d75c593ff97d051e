// Wire formats of the ordinary ("background") protocols: DNS, HTTP/1.1, TLS 1.2/1.3
// handshakes, QUIC long/short headers, NTP, STUN, WireGuard. Formats are real enough for
// Wireshark to dissect them without errors; encrypted parts are random bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "bytes.hpp"
#include "net.hpp"
#include "rng.hpp"

namespace btsensor::gen {

// --- DNS (RFC 1035) ---------------------------------------------------------------------------
inline constexpr uint16_t kDnsTypeA = 1;
inline constexpr uint16_t kDnsTypeAaaa = 28;
Bytes dns_query(uint16_t id, std::string_view name, uint16_t qtype);
// Response echoing the question; `answers` are addresses of the query's type (may be empty,
// then rcode is NXDOMAIN when nxdomain is set, else an empty NOERROR answer).
Bytes dns_response(uint16_t id, std::string_view name, uint16_t qtype,
                   std::span<const IpAddress> answers, uint32_t ttl, bool nxdomain);

// --- HTTP/1.1 ---------------------------------------------------------------------------------
std::string_view random_browser_user_agent(Rng& rng);
Bytes http_get(std::string_view host, std::string_view path, std::string_view user_agent);
// Status line, headers and a body of body_len bytes (HTML-like text or random "image" bytes).
Bytes http_response(size_t body_len, bool html, Rng& rng);

// --- TLS --------------------------------------------------------------------------------------
// ClientHello in a handshake record, with SNI (server_name), ALPN and, for 1.3, the
// supported_versions and key_share extensions.
Bytes tls_client_hello(std::string_view sni, bool tls13, Rng& rng);
// Server flight: TLS 1.3 ServerHello + ChangeCipherSpec + encrypted records; TLS 1.2
// ServerHello + ServerHelloDone.
Bytes tls_server_flight(bool tls13, size_t encrypted_len, Rng& rng);
// TLS 1.2 ClientKeyExchange + ChangeCipherSpec + encrypted Finished, or for TLS 1.3 the
// client's ChangeCipherSpec + encrypted Finished.
Bytes tls_client_finish(bool tls13, Rng& rng);
// TLS 1.2 server ChangeCipherSpec + encrypted Finished (TLS 1.3 has no such flight).
Bytes tls12_server_finish(Rng& rng);
// application_data records (content type 23) with `len` bytes of ciphertext in total.
Bytes tls_application_data(size_t len, Rng& rng);

// --- QUIC (RFC 9000) --------------------------------------------------------------------------
// Long-header packet, version 1, connection ids, then random "protected" bytes, `total` bytes
// in all: an Initial (first byte 0xc0 | protected bits, with a token-length field) or, when
// initial is false, a Handshake packet (0xe0 | protected bits).
Bytes quic_long(std::span<const uint8_t> dcid, std::span<const uint8_t> scid, size_t total,
                bool initial, Rng& rng);
// Short-header (1-RTT) packet: first byte 0x40 | random low bits, DCID, random bytes.
Bytes quic_short(std::span<const uint8_t> dcid, size_t total, Rng& rng);

// --- NTP (RFC 5905) ---------------------------------------------------------------------------
Bytes ntp_client_request(uint64_t transmit_ntp);
Bytes ntp_server_reply(uint64_t origin_ntp, uint64_t receive_ntp, uint64_t transmit_ntp,
                       uint32_t ref_id);
// Unix microseconds to 64-bit NTP timestamp (seconds since 1900 . 32-bit fraction).
uint64_t to_ntp_time(int64_t unix_us);

// --- STUN (RFC 8489) --------------------------------------------------------------------------
Bytes stun_binding_request(std::span<const uint8_t, 12> txid);
Bytes stun_binding_success(std::span<const uint8_t, 12> txid, const Endpoint& mapped);

// --- WireGuard --------------------------------------------------------------------------------
Bytes wireguard_initiation(uint32_t sender, Rng& rng);                   // 148 bytes
Bytes wireguard_response(uint32_t sender, uint32_t receiver, Rng& rng);  // 92 bytes
Bytes wireguard_transport(uint32_t receiver, uint64_t counter, size_t inner_len, Rng& rng);

}  // namespace btsensor::gen
