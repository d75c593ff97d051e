// BitTorrent client identification from a 20-byte peer_id (BEP 20 conventions) and from an
// HTTP User-Agent (tracker announces, web seeds).
//
// A peer_id is chosen by the client and trivially forged, so the result labels a flow for the
// operator ("which client"), it is not detection evidence by itself: random 20-byte ids match
// the Azureus pattern with low but non-zero probability.
//
// Hot-path rules: no heap allocation, no exceptions, no I/O; output goes into fixed buffers
// inside PeerIdClient or views of static tables; every loop is bounded by the 20-byte id or a
// table size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace btsensor::proto {

inline constexpr size_t kPeerIdLen = 20;

enum class PeerIdStyle : uint8_t {
  unknown,
  azureus,   // "-XXvvvv-" + 12 random bytes: two-character client code, four version chars
  mainline,  // "M7-4-3--": BitTorrent Mainline (and BitTorrent 4.x), dash-separated digits
  shadow,    // "T03I-----": one-letter client code, up to five base-64 version chars, "---"
  other,     // a fixed vendor prefix ("exbc" BitComet, "OP" Opera, "XBT", "TIX" Tixati)
};

struct PeerIdClient {
  PeerIdStyle style = PeerIdStyle::unknown;
  // Client name from a static table (UTF-8, e.g. "µTorrent"); empty when unknown. Lives for the
  // whole program.
  std::string_view name;
  char code[5] = {};      // client code as sent ("qB", "M", "T", "exbc"), NUL-terminated
  char version[16] = {};  // decoded version, NUL-terminated; empty when not decodable
  // "<name> <version>" (or just the name), NUL-terminated, truncated to fit.
  char display[32] = {};

  bool known() const noexcept { return !name.empty(); }
};

// Identifies the client from a peer_id (only the first 20 bytes are looked at; shorter input
// is examined as far as it goes). Version formats, chosen per client:
//  * Azureus style, default: every version char decoded (0-9 -> 0-9, A-Z -> 10-35,
//    a-z -> 36-61) and dotted: "-qB4500-" -> "4.5.0.0", "-DE13F0-" -> "1.3.15.0";
//  * µTorrent / BitTorrent ("-UT", "-UM", "-BT"): first three chars, the 4th is a release stage:
//    "-UT355B-" -> "3.5.5";
//  * Transmission: "-TR2940-" -> "2.94", "-TR3000-" -> "3.00", from 4.x major.minor.patch
//    "-TR4050-" -> "4.0.5"; a non-'0' 4th char (beta/dev) appends '+';
//  * Mainline: "M7-4-3--" -> "7.4.3";  Shadow: "T03I-----" -> "0.3.18";
//  * other prefixes: no version.
// An Azureus/Shadow-shaped id with an unknown code sets style and code but leaves name empty.
// Returns known(). `out` is always reset first.
bool identify_peer_id(std::span<const uint8_t> peer_id, PeerIdClient& out) noexcept;

// Client name for a BitTorrent HTTP User-Agent (prefix match, ASCII case-insensitive), e.g.
// "uTorrent/3550(45722)" -> "µTorrent", "BTWebClient/…" -> "µTorrent", "Transmission/3.00" ->
// "Transmission", "rtorrent/0.9.8/0.13.8" -> "rTorrent", "libtorrent/1.2.19" -> "libtorrent",
// "qBittorrent/4.5.0" -> "qBittorrent". Generic download managers whose UA is not
// BitTorrent-specific (aria2, FDM) are deliberately absent. Returns an empty view when nothing
// matches; the returned view points into a static table.
std::string_view client_from_user_agent(std::string_view user_agent) noexcept;

}  // namespace btsensor::proto
