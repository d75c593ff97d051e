// TLS ClientHello (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2) from the first client
// segment: record header, handshake header, and the walk to the server_name (RFC 6066
// section 3) and ALPN (RFC 7301) extensions.
//
// Runs on worker lcores in the packet hot path: no heap allocation, no exceptions, no I/O,
// every read bounds-checked, extension and list walks capped. No reassembly: a ClientHello
// larger than the segment (post-quantum key shares make 1.5-2 KB hellos common) is reported
// as truncated with whatever was complete inside the segment.
//
// Lifetime: the string_views/spans in TlsClientHello point into the segment and are valid
// only while that packet buffer is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace btsensor::proto {

// Extensions walked. Chrome sends about 18 (GREASE included); the cap bounds a hello made of
// empty extensions.
inline constexpr size_t kTlsMaxExtensions = 64;
// Entries walked inside the server_name list. RFC 6066 allows one name per type; the cap
// bounds lists of bogus types.
inline constexpr size_t kTlsMaxServerNames = 8;

enum class TlsStatus : uint8_t {
  kOk,              // the whole ClientHello was inside the segment and well-formed
  kTruncated,       // well-formed as far as the segment (or the first record) goes
  kNotClientHello,  // not a TLS handshake record with a ClientHello (wrong type/version)
  kMalformed,       // a length field contradicts its enclosing length
};

struct TlsClientHello {
  uint16_t record_version = 0;  // 0x0301..0x0304 (the record layer's legacy version)
  uint16_t record_length = 0;
  uint32_t handshake_length = 0;
  uint16_t client_version = 0;  // legacy_version inside the hello (0x0303 for TLS 1.3)
  std::span<const uint8_t> session_id;
  uint16_t cipher_suite_count = 0;
  uint16_t extension_count = 0;  // extensions walked (complete ones)
  bool extensions_capped = false;
  bool truncated = false;  // same as status kTruncated; kept for callers that keep the struct
  bool has_sni = false;
  std::string_view sni;  // first host_name entry, as sent (not lower-cased, not validated)
  bool has_alpn = false;
  std::string_view alpn_first;  // first protocol of the ALPN list, e.g. "h2"
};

// Parses the ClientHello at the start of `segment`.
// Pre:  `segment` is the first payload segment of the client side of a TCP flow.
// Post: `out` is reset and filled. SNI/ALPN are reported only from extensions that were
//       complete in the segment (a cut host name could match a suffix rule the full one does
//       not). A hello fragmented over several records is read up to the first record's end and
//       reported as truncated.
TlsStatus parse_client_hello(std::span<const uint8_t> segment, TlsClientHello& out) noexcept;

}  // namespace btsensor::proto
