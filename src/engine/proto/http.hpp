// HTTP/1.x request/response head parsing from a single TCP segment, and the BitTorrent
// semantics layered on it: tracker announce/scrape requests (BEP 3, BEP 48), .torrent and
// magnet-link fetches, tracker replies and .torrent bodies (prefix test only).
//
// Runs on worker lcores in the packet hot path, on the first payload packets of a flow:
//  * no heap allocation, no exceptions, no I/O;
//  * every read is bounds-checked against the segment; every loop has a fixed cap;
//  * no reassembly: a head cut at the segment end is reported as truncated with what was seen.
//
// Lifetime: every std::string_view / std::span in the result structs points into the segment
// passed in and is valid only while that packet buffer is.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace btsensor::proto {

// Header lines looked at per head (including malformed/folded lines). Real requests carry
// 5-20; the cap bounds the work an adversarial segment of tiny lines can cause.
inline constexpr size_t kHttpMaxHeaders = 64;
// Longest method token accepted. The longest registered method (UPDATEREDIRECTREF) is 17.
inline constexpr size_t kHttpMaxMethodLen = 20;
// Query parameters looked at in a tracker request. An announce has about 12, a scrape one
// per torrent; trackers cap scrapes well below this anyway.
inline constexpr size_t kHttpMaxQueryParams = 64;

enum class HttpStatus : uint8_t {
  kComplete,   // the head up to and including the blank line was in the segment
  kTruncated,  // a valid start, but the segment (or kHttpMaxHeaders) ended before the blank line
  kInvalid,    // not an HTTP/1.x head (or too short to tell)
};

enum class HttpMethod : uint8_t {
  kOther,  // any other syntactically valid token, e.g. BT-SEARCH (BEP 14) or WebDAV methods
  kGet,
  kHead,
  kPost,
  kPut,
  kDelete,
  kConnect,
  kOptions,
  kTrace,
  kPatch,
};

struct HttpRequest {
  HttpMethod method = HttpMethod::kOther;
  std::string_view method_text;
  std::string_view target;        // request-target exactly as sent (still percent-encoded)
  bool target_truncated = false;  // the request line ran past the segment end; target is a prefix
  bool version_seen = false;      // false only when the request line was truncated
  uint8_t version_minor = 0;      // x of HTTP/1.x
  bool has_host = false;
  std::string_view host;  // Host value, OWS-trimmed, may include ":port"; first one wins
  bool has_user_agent = false;
  std::string_view user_agent;
  uint16_t header_lines = 0;    // header lines looked at (capped at kHttpMaxHeaders)
  bool headers_capped = false;  // stopped at kHttpMaxHeaders before the blank line
  size_t head_len = 0;          // kComplete: bytes up to and including the blank line
};

// Parses the request line and the Host / User-Agent headers.
// Pre:  `segment` is the first payload segment of the client side of a TCP flow.
// Post: `out` is reset and filled. kTruncated means `out` holds everything that was fully
//       seen: a header line cut at the segment end is ignored (a cut Host value could otherwise
//       match a suffix rule it would not match in full); a cut request line is reported with
//       target_truncated, but only for a well-known method (a bare token + space is too weak).
HttpStatus parse_http_request(std::span<const uint8_t> segment, HttpRequest& out) noexcept;

// Why a body was classified; only a prefix test, the body is not parsed as bencode.
enum class BencodeBodyKind : uint8_t {
  kUnknown,
  kTrackerReply,  // dict whose first key is a tracker announce/scrape reply key
  kTorrentFile,   // dict starting with announce / announce-list / info (a metainfo file)
};

struct HttpResponse {
  uint8_t version_minor = 0;
  uint16_t status_code = 0;
  std::string_view reason;
  bool has_content_type = false;
  std::string_view content_type;      // full value, e.g. "application/x-bittorrent; charset=x"
  bool content_type_torrent = false;  // media type is application/x-bittorrent
  bool has_server = false;
  std::string_view server;
  bool chunked = false;  // Transfer-Encoding names chunked; the body starts with a size line
  uint16_t header_lines = 0;
  bool headers_capped = false;
  size_t head_len = 0;
  std::span<const uint8_t> body;  // body bytes present in this segment (kComplete only)
  BencodeBodyKind body_kind = BencodeBodyKind::kUnknown;
};

// Parses a response status line and the Content-Type / Server / Transfer-Encoding headers and,
// when the head ends inside the segment, classifies the start of the body.
// Pre:  `segment` is the first payload segment of the server side of a TCP flow.
// Post: `out` is reset and filled. The status line must be complete (kInvalid otherwise);
//       truncation after it is handled as in parse_http_request.
HttpStatus parse_http_response(std::span<const uint8_t> segment, HttpResponse& out) noexcept;

// Prefix test on a body: is it a bencoded dict whose first key marks a tracker reply or a
// .torrent file? Needs the whole first key in `body`. A chunked body must have its chunk-size
// line skipped by the caller (parse_http_response does that).
BencodeBodyKind classify_bencoded_body(std::span<const uint8_t> body) noexcept;

// True when the media type (before any ';' parameter) is application/x-bittorrent,
// case-insensitively.
bool is_torrent_content_type(std::string_view content_type) noexcept;

// Percent-decodes `in` into `out` (RFC 3986 section 2.1). '+' is kept literally: tracker
// clients encode binary info_hash/peer_id bytes with %XX, and a literal 0x2b is legal there.
// Returns false on a malformed escape ('%' not followed by two hex digits) or when the
// decoded bytes do not fit in `out`; `out_len` is then meaningless.
bool url_decode(std::string_view in, std::span<uint8_t> out, size_t& out_len) noexcept;

enum class TrackerKind : uint8_t { kNone, kAnnounce, kScrape };
enum class TrackerEvent : uint8_t { kNone, kStarted, kStopped, kCompleted, kPaused, kOther };

struct TrackerRequest {
  TrackerKind kind = TrackerKind::kNone;
  std::array<uint8_t, 20> info_hash{};  // first info_hash parameter, raw SHA-1 bytes
  uint16_t info_hash_count = 0;         // scrapes may carry several; all were 20 bytes
  bool has_peer_id = false;             // present, decodable and at most 20 bytes
  uint8_t peer_id_len = 0;
  std::array<uint8_t, 20> peer_id{};
  bool has_port = false;
  uint16_t port = 0;
  TrackerEvent event = TrackerEvent::kNone;
  std::string_view event_text;  // raw value as sent
  int8_t compact = -1;          // -1 absent, else the value 0 or 1
};

// Tracker request test over a parsed request. Matches when
//  * the path (target before '?', scheme/authority of an absolute-form target removed) has a
//    last segment starting with "scrape" (kScrape), or ends with "/announce", "announce.php"
//    or contains "announce" anywhere (kAnnounce, covers /<passkey>/announce.php and similar),
//    compared case-insensitively; and
//  * the query has at least one parameter named exactly `info_hash`, and every such parameter
//    percent-decodes (strictly) to exactly 20 bytes.
// peer_id, port, event and compact are extracted best-effort and never decide the match.
// When the request line was truncated the last (possibly cut) parameter is ignored.
// Post: `out` is reset; returns out.kind != TrackerKind::kNone.
bool classify_tracker_request(const HttpRequest& req, TrackerRequest& out) noexcept;

struct TorrentLink {
  bool torrent_file = false;  // GET of a path ending in ".torrent" (case-insensitive)
  bool magnet = false;        // target carries magnet:?...xt=urn:btih:<hash> (literal or %-encoded)
  std::array<uint8_t, 20> btih{};  // magnet info-hash from 40 hex or 32 base32 characters
};

// Detects a .torrent download or a magnet link in the request-target.
// Post: `out` is reset; returns torrent_file || magnet.
bool classify_torrent_link(const HttpRequest& req, TorrentLink& out) noexcept;

}  // namespace btsensor::proto
