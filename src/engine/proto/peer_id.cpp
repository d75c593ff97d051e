#include "engine/proto/peer_id.hpp"

#include <cstring>

namespace btsensor::proto {
namespace {

enum class VersionFormat : uint8_t {
  four,          // a.b.c.d, every char decoded
  three,         // a.b.c, 4th char is a release stage (µTorrent family)
  transmission,  // a.bc before 4.0, a.b.c from 4.0, '+' for non-release builds
};

struct AzureusClient {
  char code[3];  // two characters + NUL
  std::string_view name;
  VersionFormat format;
};

// Azureus-style codes (BEP 20 list, Wireshark's table, Wikipedia's peer_id list). Case matters:
// "LT" (libtorrent-rasterbar) and "lt" (rakshasa libTorrent) are different libraries.
constexpr AzureusClient kAzureus[] = {
    {"7T", "aTorrent", VersionFormat::four},
    {"AG", "Ares", VersionFormat::four},
    {"A~", "Ares", VersionFormat::four},
    {"AR", "Arctic", VersionFormat::four},
    {"AV", "Avicora", VersionFormat::four},
    {"AX", "BitPump", VersionFormat::four},
    {"AZ", "Azureus/Vuze", VersionFormat::four},
    {"BB", "BitBuddy", VersionFormat::four},
    {"BC", "BitComet", VersionFormat::four},
    {"BE", "BitTorrent SDK", VersionFormat::four},
    {"BF", "Bitflu", VersionFormat::four},
    {"BG", "BTG", VersionFormat::four},
    {"BI", "BiglyBT", VersionFormat::four},
    {"BL", "BitBlinder", VersionFormat::four},
    {"BP", "BitTorrent Pro", VersionFormat::four},
    {"BR", "BitRocket", VersionFormat::four},
    {"BS", "BTSlave", VersionFormat::four},
    {"BT", "BitTorrent", VersionFormat::three},
    {"BW", "BitWombat", VersionFormat::four},
    {"BX", "BitTorrent X", VersionFormat::four},
    {"CD", "Enhanced CTorrent", VersionFormat::four},
    {"CT", "CTorrent", VersionFormat::four},
    {"DE", "Deluge", VersionFormat::four},
    {"DP", "Propagate Data Client", VersionFormat::four},
    {"EB", "EBit", VersionFormat::four},
    {"ES", "Electric Sheep", VersionFormat::four},
    {"FD", "Free Download Manager", VersionFormat::four},
    {"FT", "FoxTorrent", VersionFormat::four},
    {"FW", "FrostWire", VersionFormat::four},
    {"FX", "Freebox BitTorrent", VersionFormat::four},
    {"GS", "GSTorrent", VersionFormat::four},
    {"HL", "Halite", VersionFormat::four},
    {"HN", "Hydranode", VersionFormat::four},
    {"KG", "KGet", VersionFormat::four},
    {"KT", "KTorrent", VersionFormat::four},
    {"LC", "LeechCraft", VersionFormat::four},
    {"LH", "LH-ABC", VersionFormat::four},
    {"LP", "Lphant", VersionFormat::four},
    {"LT", "libtorrent (rasterbar)", VersionFormat::four},
    {"lt", "libTorrent (rakshasa)", VersionFormat::four},
    {"LW", "LimeWire", VersionFormat::four},
    {"ML", "MLDonkey", VersionFormat::four},
    {"MO", "MonoTorrent", VersionFormat::four},
    {"MP", "MooPolice", VersionFormat::four},
    {"MR", "Miro", VersionFormat::four},
    {"MT", "MoonlightTorrent", VersionFormat::four},
    {"NX", "Net Transport", VersionFormat::four},
    {"PD", "Pando", VersionFormat::four},
    {"PI", "PicoTorrent", VersionFormat::four},
    {"qB", "qBittorrent", VersionFormat::four},
    {"QD", "QQDownload", VersionFormat::four},
    {"QT", "Qt 4 Torrent example", VersionFormat::four},
    {"RT", "Retriever", VersionFormat::four},
    {"SB", "Swiftbit", VersionFormat::four},
    {"SD", "Thunder", VersionFormat::four},
    {"SS", "SwarmScope", VersionFormat::four},
    {"ST", "SymTorrent", VersionFormat::four},
    {"st", "sharktorrent", VersionFormat::four},
    {"SZ", "Shareaza", VersionFormat::four},
    {"TN", "TorrentDotNET", VersionFormat::four},
    {"TR", "Transmission", VersionFormat::transmission},
    {"TS", "Torrentstorm", VersionFormat::four},
    {"TT", "TuoTu", VersionFormat::four},
    {"TX", "Tixati", VersionFormat::four},
    {"UE", "\xc2\xb5Torrent Embedded", VersionFormat::three},
    {"UL", "uLeecher!", VersionFormat::four},
    {"UM", "\xc2\xb5Torrent Mac", VersionFormat::three},
    {"UT", "\xc2\xb5Torrent", VersionFormat::three},  // "\xc2\xb5": UTF-8 MICRO SIGN
    {"UW", "\xc2\xb5Torrent Web", VersionFormat::three},
    {"VG", "Vagaa", VersionFormat::four},
    {"WD", "WebTorrent Desktop", VersionFormat::four},
    {"WT", "BitLet", VersionFormat::four},
    {"WW", "WebTorrent", VersionFormat::four},
    {"WY", "FireTorrent", VersionFormat::four},
    {"XL", "Xunlei", VersionFormat::four},
    {"XT", "XanTorrent", VersionFormat::four},
    {"XX", "Xtorrent", VersionFormat::four},
    {"ZT", "ZipTorrent", VersionFormat::four},
};

struct ShadowClient {
  char code;
  std::string_view name;
};

// Shadow-style one-letter codes (BEP 20).
constexpr ShadowClient kShadow[] = {
    {'A', "ABC"},
    {'O', "Osprey Permaseed"},
    {'Q', "BTQueue"},
    {'R', "Tribler"},
    {'S', "Shadow"},
    {'T', "BitTornado"},
    {'U', "UPnP NAT Bit Torrent"},
};

struct PrefixClient {
  std::string_view prefix;
  std::string_view name;
};

// Fixed vendor prefixes that follow neither convention.
constexpr PrefixClient kOtherPrefixes[] = {
    {"exbc", "BitComet"},  // old BitComet: "exbc" + 2 raw version bytes
    {"OP", "Opera"},       // "OP" + 4-digit build
    {"XBT", "XBT Client"},
    {"TIX", "Tixati"},
};

struct UserAgentClient {
  std::string_view prefix;
  std::string_view name;
};

// Ordered: a longer prefix must precede any shorter prefix of it ("uTorrentMac" before
// "uTorrent"). Sources: ET Open P2P User-Agent rules, nDPI, client source.
constexpr UserAgentClient kUserAgents[] = {
    {"uTorrentMac", "\xc2\xb5Torrent Mac"},
    {"uTorrent", "\xc2\xb5Torrent"},
    {"BTWebClient", "\xc2\xb5Torrent"},  // µTorrent's HTTP client UA
    {"BitTorrentMac", "BitTorrent"},
    {"BitTorrent", "BitTorrent"},  // also matches ET's "Bittorrent" (case-insensitive)
    {"Transmission/", "Transmission"},
    {"Deluge", "Deluge"},
    {"rtorrent/", "rTorrent"},
    {"libtorrent/", "libtorrent"},
    {"qBittorrent/", "qBittorrent"},
    {"Azureus", "Azureus/Vuze"},
    {"Vuze", "Azureus/Vuze"},
    {"BiglyBT", "BiglyBT"},
    {"BitComet/", "BitComet"},
    {"KTorrent/", "KTorrent"},
    {"BitTornado/", "BitTornado"},
    {"Enhanced-CTorrent", "Enhanced CTorrent"},
    {"Opera BitTorrent", "Opera"},
    {"BTSP/", "BTSP"},
    {"FFTorrent/", "FFTorrent"},
    {"PicoTorrent/", "PicoTorrent"},
    {"Tixati", "Tixati"},
    {"WebTorrent/", "WebTorrent"},
    {"Tribler/", "Tribler"},
};

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {  // bounded by the prefix length
    if (lower(s[i]) != lower(prefix[i])) return false;
  }
  return true;
}

bool is_alnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Azureus-style version char: 0-9, then A-Z = 10..35, a-z = 36..61 (libtorrent convention).
int version_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c >= 'a' && c <= 'z') return c - 'a' + 36;
  return -1;
}

// Shadow-style version char: base 64 over "0-9A-Za-z.-" (BEP 20); '-' is padding here.
int shadow_value(uint8_t c) {
  if (c == '.') return 62;
  return version_value(c);
}

// Bounded string builder over a fixed char buffer; always NUL-terminated, silently truncates.
class Writer {
 public:
  Writer(char* buf, size_t cap) : buf_(buf), cap_(cap) { buf_[0] = '\0'; }
  void put(char c) {
    if (len_ + 1 < cap_) {
      buf_[len_++] = c;
      buf_[len_] = '\0';
    }
  }
  void put(std::string_view s) {
    for (char c : s) put(c);  // bounded by s.size()
  }
  void put_number(int v) {  // 0 <= v < 100 for every caller
    if (v >= 10) put(char('0' + v / 10));
    put(char('0' + v % 10));
  }

 private:
  char* buf_;
  size_t cap_;
  size_t len_ = 0;
};

void decode_azureus_version(const uint8_t* v, VersionFormat format, PeerIdClient& out) {
  int n[4];
  for (int i = 0; i < 4; ++i) {
    n[i] = version_value(v[i]);
    if (n[i] < 0) return;  // not decodable: leave version empty
  }
  Writer w(out.version, sizeof(out.version));
  switch (format) {
    case VersionFormat::four:
      for (int i = 0; i < 4; ++i) {
        if (i > 0) w.put('.');
        w.put_number(n[i]);
      }
      break;
    case VersionFormat::three:
      for (int i = 0; i < 3; ++i) {
        if (i > 0) w.put('.');
        w.put_number(n[i]);
      }
      break;
    case VersionFormat::transmission:
      w.put_number(n[0]);
      w.put('.');
      if (n[0] >= 4) {  // Transmission 4+: major.minor.patch
        w.put_number(n[1]);
        w.put('.');
        w.put_number(n[2]);
      } else {  // before 4.0: "2.94", "3.00" — two minor digits, kept as sent
        w.put(char(v[1]));
        w.put(char(v[2]));
      }
      if (v[3] != '0') w.put('+');  // 'Z'/'X'/'B': development or beta build
      break;
  }
}

bool identify_azureus(std::span<const uint8_t> id, PeerIdClient& out) {
  // '-' at 0 and 7, a two-character code, four version characters.
  if (id.size() < 8 || id[0] != '-' || id[7] != '-') return false;
  const bool code_ok = (is_alnum(id[1]) || id[1] == '~') && (is_alnum(id[2]) || id[2] == '~');
  if (!code_ok) return false;
  out.style = PeerIdStyle::azureus;
  out.code[0] = char(id[1]);
  out.code[1] = char(id[2]);
  for (const AzureusClient& c : kAzureus) {  // bounded by the table size
    if (c.code[0] == out.code[0] && c.code[1] == out.code[1]) {
      out.name = c.name;
      decode_azureus_version(id.data() + 3, c.format, out);
      return true;
    }
  }
  return true;  // Azureus-shaped, unknown code
}

// "M7-4-3--", "M4-20-8-": 'M', then three dash-terminated decimal groups within 8 bytes.
bool identify_mainline(std::span<const uint8_t> id, PeerIdClient& out) {
  if (id.size() < 8 || id[0] != 'M') return false;
  int groups[3];
  size_t p = 1;
  for (int g = 0; g < 3; ++g) {
    int value = 0;
    size_t digits = 0;
    // At most 2 digits per group: all three groups must fit in bytes 1..7.
    while (p < 8 && id[p] >= '0' && id[p] <= '9' && digits < 2) {
      value = value * 10 + (id[p] - '0');
      ++p;
      ++digits;
    }
    if (digits == 0 || p >= 8 || id[p] != '-') return false;
    ++p;
    groups[g] = value;
  }
  // The remaining bytes up to offset 8 are '-' padding.
  for (; p < 8; ++p) {
    if (id[p] != '-') return false;
  }
  out.style = PeerIdStyle::mainline;
  out.code[0] = 'M';
  out.name = "Mainline";
  Writer w(out.version, sizeof(out.version));
  for (int g = 0; g < 3; ++g) {
    if (g > 0) w.put('.');
    w.put_number(groups[g]);
  }
  return true;
}

// "T03I-----": letter, 1..5 version chars then '-' padding up to offset 5, "---" at 6..8.
bool identify_shadow(std::span<const uint8_t> id, PeerIdClient& out) {
  if (id.size() < 9) return false;
  const ShadowClient* client = nullptr;
  for (const ShadowClient& c : kShadow) {  // bounded by the table size
    if (id[0] == uint8_t(c.code)) client = &c;
  }
  if (client == nullptr) return false;
  int values[5];
  size_t count = 0;
  size_t p = 1;
  for (; p <= 5 && id[p] != '-'; ++p) {
    const int v = shadow_value(id[p]);
    if (v < 0) return false;
    values[count++] = v;
  }
  if (count == 0) return false;
  for (; p <= 8; ++p) {  // padding up to 5 and the "---" at 6..8
    if (id[p] != '-') return false;
  }
  out.style = PeerIdStyle::shadow;
  out.code[0] = client->code;
  out.name = client->name;
  Writer w(out.version, sizeof(out.version));
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) w.put('.');
    w.put_number(values[i]);
  }
  return true;
}

bool identify_other(std::span<const uint8_t> id, PeerIdClient& out) {
  for (const PrefixClient& c : kOtherPrefixes) {  // bounded by the table size
    if (id.size() >= c.prefix.size() &&
        std::memcmp(id.data(), c.prefix.data(), c.prefix.size()) == 0) {
      out.style = PeerIdStyle::other;
      std::memcpy(out.code, c.prefix.data(), c.prefix.size());  // prefixes are <= 4 chars
      out.name = c.name;
      return true;
    }
  }
  return false;
}

}  // namespace

bool identify_peer_id(std::span<const uint8_t> peer_id, PeerIdClient& out) noexcept {
  out = PeerIdClient{};
  const std::span<const uint8_t> id =
      peer_id.size() > kPeerIdLen ? peer_id.first(kPeerIdLen) : peer_id;
  // Fixed vendor prefixes go before Shadow style: "OP…"/"TIX…" start with Shadow letters.
  if (!identify_azureus(id, out) && !identify_mainline(id, out) && !identify_other(id, out)) {
    identify_shadow(id, out);
  }
  if (out.known()) {
    Writer w(out.display, sizeof(out.display));
    w.put(out.name);
    if (out.version[0] != '\0') {
      w.put(' ');
      w.put(std::string_view(out.version));
    }
  }
  return out.known();
}

std::string_view client_from_user_agent(std::string_view user_agent) noexcept {
  for (const UserAgentClient& c : kUserAgents) {  // bounded by the table size
    if (istarts_with(user_agent, c.prefix)) return c.name;
  }
  return {};
}

}  // namespace btsensor::proto
