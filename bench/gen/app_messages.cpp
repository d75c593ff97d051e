#include "app_messages.hpp"

#include <algorithm>
#include <string>

namespace btsensor::gen {
namespace {

void put_dns_name(Bytes& b, std::string_view name) {
  // Sequence of length-prefixed labels ending with the root label 0.
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    const std::string_view label = name.substr(start, dot - start);
    if (!label.empty()) {
      put_u8(b, uint8_t(label.size()));
      put_str(b, label);
    }
    start = dot + 1;
  }
  put_u8(b, 0);
}

void put_dns_header(Bytes& b, uint16_t id, uint16_t flags, uint16_t answers) {
  put_u16(b, id);
  put_u16(b, flags);
  put_u16(b, 1);  // QDCOUNT
  put_u16(b, answers);
  put_u16(b, 0);  // NSCOUNT
  put_u16(b, 0);  // ARCOUNT
}

constexpr std::string_view kUserAgents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/119.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.0.0",
};

constexpr std::string_view kHtmlFiller =
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p>\n";

// TLS record header: content type, legacy version, 16-bit length (patched later).
size_t begin_record(Bytes& b, uint8_t content_type, uint16_t version) {
  put_u8(b, content_type);
  put_u16(b, version);
  const size_t at = b.size();
  put_u16(b, 0);
  return at;
}
void end_record(Bytes& b, size_t len_at) {
  patch_u16(b, len_at, uint16_t(b.size() - len_at - 2));
}

// Handshake message header: type + 24-bit length (patched later).
size_t begin_handshake(Bytes& b, uint8_t type) {
  put_u8(b, type);
  const size_t at = b.size();
  put_u24(b, 0);
  return at;
}
void end_handshake(Bytes& b, size_t len_at) {
  patch_u24(b, len_at, uint32_t(b.size() - len_at - 3));
}

// Extension: 16-bit type + 16-bit length around a body.
size_t begin_ext(Bytes& b, uint16_t type) {
  put_u16(b, type);
  const size_t at = b.size();
  put_u16(b, 0);
  return at;
}
void end_ext(Bytes& b, size_t len_at) {
  patch_u16(b, len_at, uint16_t(b.size() - len_at - 2));
}

constexpr uint8_t kContentChangeCipherSpec = 20;
constexpr uint8_t kContentHandshake = 22;
constexpr uint8_t kContentApplicationData = 23;
constexpr uint16_t kTls10 = 0x0301;  // legacy record version of a first ClientHello
constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;

void put_change_cipher_spec(Bytes& b) {
  const size_t at = begin_record(b, kContentChangeCipherSpec, kTls12);
  put_u8(b, 1);  // the single ChangeCipherSpec message value
  end_record(b, at);
}

void put_encrypted_record(Bytes& b, uint8_t content_type, size_t len, Rng& rng) {
  const size_t at = begin_record(b, content_type, kTls12);
  put_random(b, rng, len);
  end_record(b, at);
}

void put_varint2(Bytes& b, size_t v) {
  put_u16(b, uint16_t(0x4000 | v));
}  // 2-byte QUIC varint

}  // namespace

Bytes dns_query(uint16_t id, std::string_view name, uint16_t qtype) {
  Bytes b;
  put_dns_header(b, id, 0x0100, 0);  // flags: standard query, RD (recursion desired)
  put_dns_name(b, name);
  put_u16(b, qtype);
  put_u16(b, 1);  // class IN
  return b;
}

Bytes dns_response(uint16_t id, std::string_view name, uint16_t qtype,
                   std::span<const IpAddress> answers, uint32_t ttl, bool nxdomain) {
  Bytes b;
  // 0x8180: QR (response), RD, RA, rcode 0 NOERROR; 0x8183: same with rcode 3 NXDOMAIN.
  put_dns_header(b, id, nxdomain ? 0x8183 : 0x8180, nxdomain ? 0 : uint16_t(answers.size()));
  put_dns_name(b, name);
  put_u16(b, qtype);
  put_u16(b, 1);
  if (nxdomain) return b;
  for (const IpAddress& a : answers) {
    put_u16(b, 0xc00c);  // compressed name: pointer (top bits 11) to offset 12, the question
    put_u16(b, qtype);
    put_u16(b, 1);  // class IN
    put_u32(b, ttl);
    put_u16(b, uint16_t(a.size()));
    put_bytes(b, std::span<const uint8_t>(a.data(), a.size()));
  }
  return b;
}

std::string_view random_browser_user_agent(Rng& rng) {
  return kUserAgents[rng.below(sizeof kUserAgents / sizeof kUserAgents[0])];
}

Bytes http_get(std::string_view host, std::string_view path, std::string_view user_agent) {
  std::string r = "GET ";
  r += path;
  r += " HTTP/1.1\r\nHost: ";
  r += host;
  r += "\r\nUser-Agent: ";
  r += user_agent;
  r += "\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
       "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate\r\n"
       "Connection: keep-alive\r\n\r\n";
  return Bytes(r.begin(), r.end());
}

Bytes http_response(size_t body_len, bool html, Rng& rng) {
  std::string head = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: ";
  // Binary bodies are labelled octet-stream rather than e.g. image/jpeg so that Wireshark
  // does not run an image dissector over random bytes and report them as malformed.
  head += html ? "text/html; charset=utf-8" : "application/octet-stream";
  head += "\r\nContent-Length: " + std::to_string(body_len) +
          "\r\nConnection: keep-alive\r\nCache-Control: max-age=600\r\n\r\n";
  Bytes b(head.begin(), head.end());
  if (html) {
    static constexpr std::string_view kPrefix =
        "<!DOCTYPE html>\n<html><head><title>Example</title></head><body>\n";
    size_t left = body_len;
    const size_t n = std::min(left, kPrefix.size());
    put_str(b, kPrefix.substr(0, n));
    left -= n;
    while (left > 0) {
      const size_t m = std::min(left, kHtmlFiller.size());
      put_str(b, kHtmlFiller.substr(0, m));
      left -= m;
    }
  } else {
    put_random(b, rng, body_len);
  }
  return b;
}

Bytes tls_client_hello(std::string_view sni, bool tls13, Rng& rng) {
  Bytes b;
  const size_t rec = begin_record(b, kContentHandshake, kTls10);
  const size_t hs = begin_handshake(b, 1);  // 1 = ClientHello
  put_u16(b, kTls12);                       // legacy_version; 1.3 is negotiated by extension
  put_random(b, rng, 32);                   // client random
  put_u8(b, 32);                            // session id length: 32 (1.3 middlebox compat)
  put_random(b, rng, 32);
  // Cipher suites: 13 01/02/03 are the TLS 1.3 AEAD suites; c0 2b/2f/2c/30 ECDHE-*-GCM;
  // cc a9/a8 ECDHE-*-CHACHA20-POLY1305; c0 13/14 ECDHE-RSA-AES-CBC; 00 9c/9d/2f/35 RSA-*.
  static constexpr uint16_t kSuites13[] = {0x1301, 0x1302, 0x1303};
  static constexpr uint16_t kSuites12[] = {0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
                                           0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
  put_u16(b, uint16_t(2 * ((tls13 ? 3 : 0) + 12)));
  if (tls13) {
    for (uint16_t s : kSuites13) put_u16(b, s);
  }
  for (uint16_t s : kSuites12) put_u16(b, s);
  put_u8(b, 1);  // compression methods: one, "null" (0)
  put_u8(b, 0);
  const size_t exts = b.size();
  put_u16(b, 0);
  {
    const size_t e = begin_ext(b, 0x0000);  // server_name
    put_u16(b, uint16_t(sni.size() + 3));   // server_name_list length
    put_u8(b, 0);                           // name type: host_name
    put_u16(b, uint16_t(sni.size()));
    put_str(b, sni);
    end_ext(b, e);
  }
  end_ext(b, begin_ext(b, 0x0017));  // extended_master_secret, empty
  {
    const size_t e = begin_ext(b, 0xff01);  // renegotiation_info
    put_u8(b, 0);                           // empty renegotiated_connection
    end_ext(b, e);
  }
  {
    const size_t e = begin_ext(b, 0x000a);  // supported_groups
    put_u16(b, 6);
    put_u16(b, 0x001d);  // x25519
    put_u16(b, 0x0017);  // secp256r1
    put_u16(b, 0x0018);  // secp384r1
    end_ext(b, e);
  }
  {
    const size_t e = begin_ext(b, 0x000b);  // ec_point_formats
    put_u8(b, 1);
    put_u8(b, 0);  // uncompressed
    end_ext(b, e);
  }
  end_ext(b, begin_ext(b, 0x0023));  // session_ticket, empty
  {
    const size_t e = begin_ext(b, 0x0010);  // application_layer_protocol_negotiation
    put_u16(b, 12);
    put_u8(b, 2);
    put_str(b, "h2");
    put_u8(b, 8);
    put_str(b, "http/1.1");
    end_ext(b, e);
  }
  {
    const size_t e = begin_ext(b, 0x0005);  // status_request (OCSP)
    put_u8(b, 1);                           // status type ocsp
    put_u16(b, 0);                          // responder id list
    put_u16(b, 0);                          // request extensions
    end_ext(b, e);
  }
  {
    const size_t e = begin_ext(b, 0x000d);  // signature_algorithms
    // ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256, ecdsa_secp384r1_sha384,
    // rsa_pss_rsae_sha384, rsa_pkcs1_sha384, rsa_pss_rsae_sha512, rsa_pkcs1_sha512
    static constexpr uint16_t kSigAlgs[] = {0x0403, 0x0804, 0x0401, 0x0503,
                                            0x0805, 0x0501, 0x0806, 0x0601};
    put_u16(b, uint16_t(sizeof kSigAlgs));
    for (uint16_t s : kSigAlgs) put_u16(b, s);
    end_ext(b, e);
  }
  if (tls13) {
    {
      const size_t e = begin_ext(b, 0x002b);  // supported_versions
      put_u8(b, 4);
      put_u16(b, kTls13);
      put_u16(b, kTls12);
      end_ext(b, e);
    }
    {
      const size_t e = begin_ext(b, 0x002d);  // psk_key_exchange_modes
      put_u8(b, 1);
      put_u8(b, 1);  // psk_dhe_ke
      end_ext(b, e);
    }
    {
      const size_t e = begin_ext(b, 0x0033);  // key_share
      put_u16(b, 36);                         // client_shares length: group + len + key
      put_u16(b, 0x001d);                     // x25519
      put_u16(b, 32);
      put_random(b, rng, 32);
      end_ext(b, e);
    }
  }
  patch_u16(b, exts, uint16_t(b.size() - exts - 2));
  end_handshake(b, hs);
  end_record(b, rec);
  return b;
}

Bytes tls_server_flight(bool tls13, size_t encrypted_len, Rng& rng) {
  Bytes b;
  const size_t rec = begin_record(b, kContentHandshake, kTls12);
  const size_t hs = begin_handshake(b, 2);  // 2 = ServerHello
  put_u16(b, kTls12);
  put_random(b, rng, 32);  // server random
  put_u8(b, 32);
  put_random(b, rng, 32);               // session id
  put_u16(b, tls13 ? 0x1301 : 0xc02f);  // TLS_AES_128_GCM_SHA256 / ECDHE-RSA-AES128-GCM
  put_u8(b, 0);                         // compression: null
  const size_t exts = b.size();
  put_u16(b, 0);
  if (tls13) {
    {
      const size_t e = begin_ext(b, 0x002b);  // supported_versions: selected 1.3
      put_u16(b, kTls13);
      end_ext(b, e);
    }
    {
      const size_t e = begin_ext(b, 0x0033);  // key_share: server share
      put_u16(b, 0x001d);
      put_u16(b, 32);
      put_random(b, rng, 32);
      end_ext(b, e);
    }
  } else {
    {
      const size_t e = begin_ext(b, 0xff01);  // renegotiation_info
      put_u8(b, 0);
      end_ext(b, e);
    }
    end_ext(b, begin_ext(b, 0x0017));  // extended_master_secret
  }
  patch_u16(b, exts, uint16_t(b.size() - exts - 2));
  end_handshake(b, hs);
  if (!tls13) end_handshake(b, begin_handshake(b, 14));  // ServerHelloDone, empty body
  end_record(b, rec);
  if (tls13) {
    put_change_cipher_spec(b);
    // EncryptedExtensions, Certificate, CertificateVerify, Finished: opaque to observers.
    size_t left = encrypted_len;
    while (left > 0) {
      const size_t n = std::min<size_t>(left, 16384 + 17);  // max plaintext + tag/type
      put_encrypted_record(b, kContentApplicationData, n, rng);
      left -= n;
    }
  }
  return b;
}

Bytes tls_client_finish(bool tls13, Rng& rng) {
  Bytes b;
  if (!tls13) {
    const size_t rec = begin_record(b, kContentHandshake, kTls12);
    const size_t hs = begin_handshake(b, 16);  // 16 = ClientKeyExchange
    put_u8(b, 32);                             // ECDHE public key length (x25519)
    put_random(b, rng, 32);
    end_handshake(b, hs);
    end_record(b, rec);
    put_change_cipher_spec(b);
    put_encrypted_record(b, kContentHandshake, 40, rng);  // Finished under the new keys
  } else {
    put_change_cipher_spec(b);
    put_encrypted_record(b, kContentApplicationData, 53, rng);  // Finished (32 + type + tag)
  }
  return b;
}

Bytes tls12_server_finish(Rng& rng) {
  Bytes b;
  put_change_cipher_spec(b);
  put_encrypted_record(b, kContentHandshake, 40, rng);
  return b;
}

Bytes tls_application_data(size_t len, Rng& rng) {
  Bytes b;
  b.reserve(len + 5 * (len / 16401 + 1));
  while (len > 0) {
    const size_t n = std::min<size_t>(len, 16384 + 17);
    put_encrypted_record(b, kContentApplicationData, n, rng);
    len -= n;
  }
  return b;
}

Bytes quic_long(std::span<const uint8_t> dcid, std::span<const uint8_t> scid, size_t total,
                bool initial, Rng& rng) {
  Bytes b;
  // 0xc0: long header (bit 7), fixed bit (6), type 00 = Initial; 0xe0: type 10 = Handshake.
  // The low 4 bits (reserved, packet-number length) are header-protected, hence random.
  put_u8(b, uint8_t((initial ? 0xc0 : 0xe0) | (rng.next32() & 0x0f)));
  put_u32(b, 0x00000001);  // QUIC version 1
  put_u8(b, uint8_t(dcid.size()));
  put_bytes(b, dcid);
  put_u8(b, uint8_t(scid.size()));
  put_bytes(b, scid);
  if (initial) put_u8(b, 0);  // token length 0 (varint)
  const size_t header = b.size() + 2;
  const size_t rest = total > header ? total - header : 20;
  put_varint2(b, rest);  // length of packet number + protected payload
  put_random(b, rng, rest);
  return b;
}

Bytes quic_short(std::span<const uint8_t> dcid, size_t total, Rng& rng) {
  Bytes b;
  put_u8(b, uint8_t(0x40 | (rng.next32() & 0x3f)));  // short header: form 0, fixed bit 1
  put_bytes(b, dcid);
  const size_t rest = total > b.size() ? total - b.size() : 20;
  put_random(b, rng, rest);
  return b;
}

uint64_t to_ntp_time(int64_t unix_us) {
  constexpr uint64_t kNtpToUnixSeconds = 2208988800ULL;  // 1900-01-01 to 1970-01-01
  const uint64_t sec = uint64_t(unix_us / 1'000'000) + kNtpToUnixSeconds;
  const uint64_t frac = (uint64_t(unix_us % 1'000'000) << 32) / 1'000'000;
  return (sec << 32) | frac;
}

Bytes ntp_client_request(uint64_t transmit_ntp) {
  Bytes b;
  put_u8(b, 0x23);  // LI 0, version 4, mode 3 (client)
  put_u8(b, 0);     // stratum: unspecified
  put_u8(b, 6);     // poll: 2^6 = 64 s
  put_u8(b, 0xe9);  // precision: -23 (about 0.1 us)
  put_u32(b, 0);    // root delay
  put_u32(b, 0);    // root dispersion
  put_u32(b, 0);    // reference id
  put_u64(b, 0);    // reference timestamp
  put_u64(b, 0);    // origin timestamp
  put_u64(b, 0);    // receive timestamp
  put_u64(b, transmit_ntp);
  return b;  // 48 bytes
}

Bytes ntp_server_reply(uint64_t origin_ntp, uint64_t receive_ntp, uint64_t transmit_ntp,
                       uint32_t ref_id) {
  Bytes b;
  put_u8(b, 0x24);         // LI 0, version 4, mode 4 (server)
  put_u8(b, 2);            // stratum 2: synced to a stratum-1 server
  put_u8(b, 6);            // poll
  put_u8(b, 0xe7);         // precision: -25
  put_u32(b, 0x00000a3c);  // root delay, 16.16 fixed point seconds (~40 ms)
  put_u32(b, 0x00000410);  // root dispersion (~16 ms)
  put_u32(b, ref_id);      // stratum >= 2: IPv4 address of the upstream server
  put_u64(b, transmit_ntp - (uint64_t(37) << 32));  // reference: last sync 37 s ago
  put_u64(b, origin_ntp);                           // echo of the client's transmit timestamp
  put_u64(b, receive_ntp);
  put_u64(b, transmit_ntp);
  return b;  // 48 bytes
}

Bytes stun_binding_request(std::span<const uint8_t, 12> txid) {
  Bytes b;
  put_u16(b, 0x0001);      // Binding Request
  put_u16(b, 0);           // message length: no attributes
  put_u32(b, 0x2112a442);  // magic cookie
  put_bytes(b, txid);
  return b;  // 20 bytes
}

Bytes stun_binding_success(std::span<const uint8_t, 12> txid, const Endpoint& mapped) {
  Bytes b;
  put_u16(b, 0x0101);  // Binding Success Response: first bytes 01 01 look like uTP ST_DATA v1
  put_u16(b, 12);      // one 12-byte attribute follows
  put_u32(b, 0x2112a442);
  put_bytes(b, txid);
  put_u16(b, 0x0020);  // XOR-MAPPED-ADDRESS
  put_u16(b, 8);
  put_u8(b, 0);
  put_u8(b, 1);                                   // family IPv4
  put_u16(b, uint16_t(mapped.port ^ 0x2112));     // port XOR top half of the cookie
  put_u32(b, mapped.ip.v4_value() ^ 0x2112a442);  // address XOR cookie
  return b;                                       // 32 bytes
}

Bytes wireguard_initiation(uint32_t sender, Rng& rng) {
  Bytes b;
  put_u32_le(b, 1);  // 01 00 00 00: type 1 handshake initiation + 3 reserved zero bytes
  put_u32_le(b, sender);
  put_random(b, rng, 32);      // unencrypted ephemeral
  put_random(b, rng, 48);      // encrypted static (32 + 16 tag)
  put_random(b, rng, 28);      // encrypted TAI64N timestamp (12 + 16 tag)
  put_random(b, rng, 16);      // mac1
  b.resize(b.size() + 16, 0);  // mac2: zero unless under load (cookie)
  return b;                    // 148 bytes
}

Bytes wireguard_response(uint32_t sender, uint32_t receiver, Rng& rng) {
  Bytes b;
  put_u32_le(b, 2);  // 02 00 00 00: handshake response
  put_u32_le(b, sender);
  put_u32_le(b, receiver);
  put_random(b, rng, 32);      // unencrypted ephemeral
  put_random(b, rng, 16);      // encrypted nothing (tag only)
  put_random(b, rng, 16);      // mac1
  b.resize(b.size() + 16, 0);  // mac2
  return b;                    // 92 bytes
}

Bytes wireguard_transport(uint32_t receiver, uint64_t counter, size_t inner_len, Rng& rng) {
  Bytes b;
  put_u32_le(b, 4);  // 04 00 00 00: transport data
  put_u32_le(b, receiver);
  put_u64_le(b, counter);
  // Inner packet padded to a multiple of 16, plus the 16-byte Poly1305 tag; 0 = keepalive.
  put_random(b, rng, (inner_len + 15) / 16 * 16 + 16);
  return b;
}

}  // namespace btsensor::gen
