#include "control/feed_loader.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>

#include "btsensor/home_net.hpp"

namespace btsensor {
namespace {

constexpr int kMaxReportedPerFeed = 20;  // a garbage feed must not flood the terminal

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

struct LineSink {
  const FeedSpec& spec;
  Diagnostics& diag;
  FeedLoadReport& rep;
  void bad(int line, const std::string& why) {
    if (rep.bad_lines++ < kMaxReportedPerFeed)
      diag.add(spec.path + ":" + std::to_string(line) + ": " + why);
    else if (rep.bad_lines == kMaxReportedPerFeed + 1)
      diag.add(spec.path + ": more bad lines not shown (counted)");
  }
};

bool add_cidr(ReputationTable::Builder& b, std::string_view text, RepEntry e, std::string* err) {
  auto c = Cidr::parse(text, err);
  if (!c) return false;
  b.add(c->network(), c->prefix_len_128(), e);
  return true;
}

// udp://tracker.example.org:1337/announce → transport, host, port.
bool parse_tracker_url(std::string_view url, uint8_t& transport, std::string& host, uint16_t& port,
                       std::string* err) {
  auto sep = url.find("://");
  if (sep == std::string_view::npos) {
    *err = "not a URL (expected udp://, http:// or https://)";
    return false;
  }
  std::string scheme(url.substr(0, sep));
  for (char& ch : scheme) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  uint16_t def_port;
  if (scheme == "udp") {
    transport = kProtoUdp;
    def_port = 0;
  } else if (scheme == "http") {
    transport = kProtoTcp;
    def_port = 80;
  } else if (scheme == "https") {
    transport = kProtoTcp;
    def_port = 443;
  } else {
    *err = "unsupported scheme '" + scheme + "' (udp, http, https)";
    return false;
  }
  std::string_view rest = url.substr(sep + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  std::string_view hostpart = rest, portpart;
  if (!rest.empty() && rest[0] == '[') {  // [IPv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos) {
      *err = "unterminated [IPv6] host";
      return false;
    }
    hostpart = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') portpart = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    hostpart = rest.substr(0, colon);
    portpart = rest.substr(colon + 1);
  }
  if (hostpart.empty()) {
    *err = "no host";
    return false;
  }
  port = def_port;
  if (!portpart.empty()) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(portpart.data(), portpart.data() + portpart.size(), p);
    if (ec != std::errc{} || ptr != portpart.data() + portpart.size() || p == 0 || p > 65535) {
      *err = "bad port '" + std::string(portpart) + "'";
      return false;
    }
    port = uint16_t(p);
  }
  if (port == 0) {
    *err = "udp:// tracker without a port";
    return false;
  }
  host.assign(hostpart);
  for (char& ch : host) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (!host.empty() && host.back() == '.') host.pop_back();
  return true;
}

bool valid_hostname(const std::string& h) {
  if (h.empty() || h.size() > 253) return false;
  for (char c : h)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_'))
      return false;
  return true;
}

}  // namespace

Result<std::unique_ptr<ReputationTable>> load_feeds(const std::vector<FeedSpec>& feeds,
                                                    const std::string& tracker_category,
                                                    uint64_t max_entries, Diagnostics& diag,
                                                    std::vector<FeedLoadReport>* reports) {
  ReputationTable::Builder b;
  uint64_t total = 0;
  bool failed = false;
  std::vector<FeedLoadReport> reps(feeds.size());
  for (size_t fi = 0; fi < feeds.size(); ++fi) {
    const FeedSpec& spec = feeds[fi];
    FeedLoadReport& rep = reps[fi];
    LineSink sink{spec, diag, rep};
    RepEntry base;
    base.feed = b.feed(spec.name);
    base.category = b.category(spec.category);
    std::map<std::string, uint16_t> iprep_cats;  // id → category index
    if (spec.format == "iprep") {
      std::ifstream cats(spec.categories);
      if (!cats) {
        diag.add(spec.categories + ": cannot open iprep categories file: " + std::strerror(errno));
        failed = true;
        continue;
      }
      std::string line;
      for (int n = 1; std::getline(cats, line); ++n) {
        std::string_view l = trim(line);
        if (l.empty() || l[0] == '#') continue;
        auto c1 = l.find(','), c2 = c1 == std::string_view::npos ? c1 : l.find(',', c1 + 1);
        if (c1 == std::string_view::npos || c2 == std::string_view::npos) {
          diag.add(spec.categories + ":" + std::to_string(n) +
                   ": expected 'id,short name,description'");
          continue;
        }
        iprep_cats[std::string(trim(l.substr(0, c1)))] =
            b.category(std::string(trim(l.substr(c1 + 1, c2 - c1 - 1))));
      }
    }
    std::ifstream in(spec.path);
    if (!in) {
      diag.add(spec.path + ": cannot open feed '" + spec.name + "': " + std::strerror(errno));
      failed = true;
      continue;
    }
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::string_view l = trim(line);
      if (l.empty() || l[0] == '#') continue;
      if (total >= max_entries) {
        diag.add(spec.path + ":" + std::to_string(n) + ": entry limit (" +
                 std::to_string(max_entries) + ") reached; rest of the feeds ignored");
        failed = true;
        break;
      }
      std::string err;
      if (spec.format == "ip_list") {
        if (add_cidr(b, l, base, &err)) {
          ++rep.entries;
          ++total;
        } else {
          sink.bad(n, err);
        }
      } else if (spec.format == "iprep") {
        auto c1 = l.find(','), c2 = c1 == std::string_view::npos ? c1 : l.find(',', c1 + 1);
        if (c1 == std::string_view::npos || c2 == std::string_view::npos) {
          sink.bad(n, "expected 'ip[/cidr],category,score'");
          continue;
        }
        auto cat = iprep_cats.find(std::string(trim(l.substr(c1 + 1, c2 - c1 - 1))));
        if (cat == iprep_cats.end()) {
          sink.bad(n, "category '" + std::string(trim(l.substr(c1 + 1, c2 - c1 - 1))) +
                          "' not in " + spec.categories);
          continue;
        }
        unsigned score = 0;
        std::string_view sc = trim(l.substr(c2 + 1));
        auto [ptr, ec] = std::from_chars(sc.data(), sc.data() + sc.size(), score);
        if (ec != std::errc{} || ptr != sc.data() + sc.size() || score > 127) {
          sink.bad(n, "score must be 0-127, got '" + std::string(sc) + "'");
          continue;
        }
        RepEntry e = base;
        e.category = cat->second;
        e.score = uint8_t(score);
        if (add_cidr(b, trim(l.substr(0, c1)), e, &err)) {
          ++rep.entries;
          ++total;
        } else {
          sink.bad(n, err);
        }
      } else {  // tracker_urls
        uint8_t transport;
        std::string host;
        uint16_t port;
        if (!parse_tracker_url(l, transport, host, port, &err)) {
          sink.bad(n, err);
          continue;
        }
        if (auto ip = IpAddr::parse(host)) {
          RepEntry e = base;
          e.port = port;
          e.transport = transport;
          b.add(*ip, 128, e);
          ++rep.entries;
          ++total;
        } else if (valid_hostname(host)) {
          b.add_tracker_name(host);
          ++rep.names;
        } else {
          sink.bad(n, "bad host '" + host + "'");
        }
      }
    }
  }
  if (reports) *reports = reps;
  if (failed) return Error{"feeds failed to load"};
  return b.build(tracker_category);
}

}  // namespace btsensor
