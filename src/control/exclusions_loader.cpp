#include "control/exclusions_loader.hpp"

#include <chrono>
#include <cstdint>
#include <map>

#include "btsensor/evidence.hpp"
#include "btsensor/model_ids.hpp"
#include "control/config.hpp"
#include "control/tzif.hpp"
#include "control/yaml_util.hpp"

namespace btsensor {
namespace {

constexpr const char* kDayNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char* kDayLong[] = {"monday", "tuesday",  "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return s;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

// A scalar or a list of scalars, each handed to `item` with its node.
template <class F>
bool each_scalar(Reporter& rep, const YAML::Node& n, const std::string& key, F&& item) {
  if (n.IsScalar()) {
    item(n, n.Scalar());
    return true;
  }
  if (!n.IsSequence() || n.size() == 0) {
    rep.at(n, key, "expected a value or a non-empty list");
    return false;
  }
  for (const auto& i : n) {
    if (!i.IsScalar() || i.Scalar().empty()) {
      rep.at(i, key, "expected a string or number");
      continue;
    }
    item(i, i.Scalar());
  }
  return true;
}

bool valid_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(s[0])) return false;
  for (char c : s)
    if (!alnum(c) && c != '_' && c != '-' && c != '.') return false;
  return true;
}

// "example.com", ".example.com", "*.example.com" → "example.com"; "" when malformed.
std::string normalize_domain(std::string d) {
  d = lower(d);
  if (d.rfind("*.", 0) == 0) d.erase(0, 2);
  if (!d.empty() && d[0] == '.') d.erase(0, 1);
  if (!d.empty() && d.back() == '.') d.pop_back();
  if (d.empty() || d.size() > 253 || d.find("..") != std::string::npos || d[0] == '.') return "";
  for (char c : d)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'))
      return "";
  return d;
}

bool parse_u16(const std::string& s, uint16_t& out) {
  if (s.empty() || s.size() > 5) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint32_t(c - '0');
  }
  if (v > 65535) return false;
  out = uint16_t(v);
  return true;
}

// "HH:MM" → minutes; `allow_24` accepts "24:00" (an end of day).
bool parse_hhmm(const std::string& s, bool allow_24, uint16_t& out) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return false;
  int h = (s[0] - '0') * 10 + (s[1] - '0');
  int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59) return false;
  if (h > 23 && !(allow_24 && h == 24 && m == 0)) return false;
  out = uint16_t(h * 60 + m);
  return true;
}

int day_index(const std::string& s) {
  std::string l = lower(s);
  for (int i = 0; i < 7; ++i)
    if (l == kDayNames[i] || l == kDayLong[i]) return i;
  return -1;
}

class Loader {
 public:
  Loader(Reporter& rep, const ExclusionLoadOptions& opt)
      : rep_(rep),
        opt_(opt),
        zoneinfo_(opt.zoneinfo_dir.empty() ? default_zoneinfo_dir() : opt.zoneinfo_dir) {}

  std::unique_ptr<ExclusionSet> load(const YAML::Node& root) {
    std::vector<Exclusion> list;
    if (root.IsNull()) return std::make_unique<ExclusionSet>();  // empty file: none
    if (!root.IsMap()) {
      rep_.at(root, "(top level)", "expected a mapping with an 'exclusions:' list");
      return nullptr;
    }
    check_keys(rep_, root, "", {"exclusions"});
    YAML::Node items = root["exclusions"];
    if (!items || items.IsNull()) return rep_.errors() ? nullptr : std::make_unique<ExclusionSet>();
    if (!items.IsSequence()) {
      rep_.at(items, "exclusions", "expected a list of exclusions");
      return nullptr;
    }
    if (items.size() > kMaxExclusions) {
      rep_.at(items, "exclusions",
              "too many entries (" + std::to_string(items.size()) + ", at most " +
                  std::to_string(kMaxExclusions) + "): ids are metric labels");
      return nullptr;
    }
    std::map<std::string, int> ids;  // id → line
    size_t i = 0;
    for (const auto& item : items) {
      Exclusion x;
      const std::string key = "exclusions[" + std::to_string(i++) + "]";
      const bool ok = entry(item, key, x);
      if (!x.id.empty()) {  // duplicates are reported even on entries with other mistakes
        auto [it, fresh] = ids.emplace(x.id, x.line);
        if (!fresh)
          rep_.at(item["id"], key + ".id",
                  "duplicate id '" + x.id + "' (first at line " + std::to_string(it->second) + ")");
      }
      if (ok) list.push_back(std::move(x));
    }
    if (rep_.errors()) return nullptr;
    return std::make_unique<ExclusionSet>(std::move(list));
  }

 private:
  bool entry(const YAML::Node& n, const std::string& key, Exclusion& x) {
    if (!n.IsMap()) {
      rep_.at(n, key, "expected a mapping (id, reason, owner, criteria)");
      return false;
    }
    x.line = n.Mark().line + 1;
    const int before = rep_.errors();
    check_keys(rep_, n, key,
               {"id", "reason", "owner", "expires", "hosts", "remotes", "domains", "match", "ports",
                "window"});
    required(n, key, "id", x.id);
    if (!x.id.empty() && !valid_id(x.id)) {
      rep_.at(n["id"], key + ".id",
              "expected 1 to 64 characters [A-Za-z0-9_.-] starting with a letter or digit "
              "(it is a metric label)");
      x.id.clear();
    }
    required(n, key, "reason", x.reason);
    required(n, key, "owner", x.owner);
    if (YAML::Node e = n["expires"]) expires(e, key + ".expires", x);
    if (YAML::Node h = n["hosts"]) cidrs(h, key + ".hosts", x.hosts);
    if (YAML::Node h = n["remotes"]) cidrs(h, key + ".remotes", x.remotes);
    if (YAML::Node d = n["domains"]) domains(d, key + ".domains", x);
    if (YAML::Node p = n["ports"]) ports(p, key + ".ports", x);
    if (YAML::Node m = n["match"]) match(m, key + ".match", x);
    if (YAML::Node w = n["window"]) window(w, key + ".window", x);
    const bool criteria = n["hosts"] || n["remotes"] || n["domains"] || n["ports"] || n["match"];
    if (!criteria)
      rep_.at(n, key,
              "no criterion: it would suppress every detection (give at least one of hosts, "
              "remotes, domains, ports, match)");
    return rep_.errors() == before;
  }

  void required(const YAML::Node& n, const std::string& key, const char* field, std::string& out) {
    YAML::Node v = n[field];
    if (!v) {
      rep_.at(n, key + "." + field, "missing (required)");
      return;
    }
    read_string(rep_, v, key + "." + field, out);
  }

  void expires(const YAML::Node& n, const std::string& key, Exclusion& x) {
    std::string text = n.IsScalar() ? n.Scalar() : "";
    if (!parse_rfc3339(text, x.expires)) {
      rep_.at(n, key,
              "expected an RFC 3339 date or date-time (2026-12-31 or 2026-12-31T18:00:00Z), "
              "got '" +
                  text + "'");
      return;
    }
    if (opt_.now && opt_.warnings && x.expires <= opt_.now) {
      const YAML::Mark m = n.Mark();
      opt_.warnings->add(rep_.name() + ":" + std::to_string(m.line + 1) + ":" +
                         std::to_string(m.column + 1) + ": " + key + ": warning: expired (" + text +
                         "): the exclusion no longer matches anything; remove or renew it");
    }
  }

  void cidrs(const YAML::Node& n, const std::string& key, std::vector<Cidr>& out) {
    each_scalar(rep_, n, key, [&](const YAML::Node& at, const std::string& s) {
      std::string err;
      auto c = Cidr::parse(s, &err);
      if (!c) {
        rep_.at(at, key, "bad IP/CIDR '" + s + "': " + err);
      } else {
        out.push_back(*c);
      }
    });
  }

  void domains(const YAML::Node& n, const std::string& key, Exclusion& x) {
    each_scalar(rep_, n, key, [&](const YAML::Node& at, const std::string& s) {
      std::string d = normalize_domain(s);
      if (d.empty()) {
        rep_.at(at, key,
                "bad domain '" + s + "' (expected a DNS name such as tracker.example.com)");
      } else {
        x.domains.push_back(d);
      }
    });
  }

  void ports(const YAML::Node& n, const std::string& key, Exclusion& x) {
    each_scalar(rep_, n, key, [&](const YAML::Node& at, const std::string& s) {
      PortRange r;
      size_t dash = s.find('-');
      bool ok = dash == std::string::npos
                    ? parse_u16(s, r.lo) && (r.hi = r.lo, true)
                    : parse_u16(s.substr(0, dash), r.lo) && parse_u16(s.substr(dash + 1), r.hi);
      if (!ok || r.lo > r.hi) {
        rep_.at(at, key, "bad port or range '" + s + "' (expected 0-65535 or LOW-HIGH)");
      } else {
        x.ports.push_back(r);
      }
    });
  }

  void match(const YAML::Node& n, const std::string& key, Exclusion& x) {
    if (!n.IsMap() || n.size() == 0) {
      rep_.at(n, key, "expected a mapping with label, model, evidence and/or signature_id");
      return;
    }
    check_keys(rep_, n, key, {"label", "model", "evidence", "signature_id"});
    x.has_match = true;
    if (YAML::Node v = n["label"]) {
      each_scalar(rep_, v, key + ".label", [&](const YAML::Node& at, const std::string& s) {
        std::string list;
        for (int i = 0; i < kLabelCount; ++i) {
          if (s == label_name(LabelId(i))) {
            x.labels |= 1u << i;
            return;
          }
          list += std::string(i ? ", " : "") + label_name(LabelId(i));
        }
        rep_.at(at, key + ".label", "unknown label '" + s + "' (expected one of: " + list + ")");
      });
    }
    if (YAML::Node v = n["model"]) {
      each_scalar(rep_, v, key + ".model", [&](const YAML::Node& at, const std::string& s) {
        std::string list;
        for (int i = 0; i < kModelCount; ++i) {
          if (s == model_name(ModelId(i))) {
            x.models |= 1u << i;
            return;
          }
          list += std::string(i ? ", " : "") + model_name(ModelId(i));
        }
        rep_.at(at, key + ".model", "unknown model '" + s + "' (expected one of: " + list + ")");
      });
    }
    if (YAML::Node v = n["signature_id"]) {
      // Alerts carry signature_id = 9000001 + model (EVE alert.signature_id).
      each_scalar(rep_, v, key + ".signature_id", [&](const YAML::Node& at, const std::string& s) {
        for (int i = 0; i < kModelCount; ++i) {
          if (s == std::to_string(9'000'001 + i)) {
            x.models |= 1u << i;
            return;
          }
        }
        rep_.at(at, key + ".signature_id",
                "unknown signature_id '" + s +
                    "' (alerts use 9000001 + model: 9000001 = " + model_name(ModelId(0)) + ")");
      });
    }
    if (YAML::Node v = n["evidence"]) {
      each_scalar(rep_, v, key + ".evidence", [&](const YAML::Node& at, const std::string& s) {
        for (int i = 0; i < kEvidenceCount; ++i) {
          if (s == evidence_name(Evidence(i))) {
            x.evidence |= evidence_bit(Evidence(i));
            return;
          }
        }
        rep_.at(at, key + ".evidence",
                "unknown evidence '" + s + "' (names as in include/btsensor/evidence.hpp)");
      });
    }
  }

  void window(const YAML::Node& n, const std::string& key, Exclusion& x) {
    if (!n.IsMap() || n.size() == 0) {
      rep_.at(n, key, "expected a mapping with days, hours and/or tz");
      return;
    }
    check_keys(rep_, n, key, {"days", "hours", "tz"});
    x.has_window = true;
    TimeWindow& w = x.window;
    if (YAML::Node d = n["days"]) {
      w.days = 0;
      each_scalar(rep_, d, key + ".days", [&](const YAML::Node& at, const std::string& s) {
        size_t dash = s.find('-');
        int a = day_index(s.substr(0, dash));
        int b = dash == std::string::npos ? a : day_index(s.substr(dash + 1));
        if (a < 0 || b < 0) {
          rep_.at(at, key + ".days",
                  "bad day or day range '" + s +
                      "' (expected mon, tue, wed, thu, fri, sat, sun "
                      "or a range such as mon-fri)");
          return;
        }
        for (int i = a;; i = (i + 1) % 7) {  // ranges may wrap: fri-mon
          w.days |= uint8_t(1u << i);
          if (i == b) break;
        }
      });
    }
    if (YAML::Node h = n["hours"]) {
      std::string s = h.IsScalar() ? h.Scalar() : "";
      size_t dash = s.find('-');
      uint16_t a = 0, b = 0;
      if (dash == std::string::npos || !parse_hhmm(s.substr(0, dash), false, a) ||
          !parse_hhmm(s.substr(dash + 1), true, b)) {
        rep_.at(h, key + ".hours",
                "bad hour range '" + s +
                    "' (expected \"HH:MM-HH:MM\", e.g. \"08:00-18:00\"; "
                    "an end before the start runs past midnight)");
      } else if (a == b) {
        rep_.at(h, key + ".hours",
                "bad hour range '" + s + "': empty (use \"00:00-24:00\" for the whole day)");
      } else {
        w.start = a;
        w.end = b;
      }
    }
    if (YAML::Node t = n["tz"]) {
      std::string name = t.IsScalar() ? t.Scalar() : "";
      auto it = zones_.find(name);
      if (it == zones_.end()) {
        auto z = load_time_zone(name, zoneinfo_);
        if (!z) {
          rep_.at(t, key + ".tz", z.error());
          return;
        }
        it = zones_.emplace(name, std::move(*z)).first;
      }
      w.tz = it->second;
    }
  }

  Reporter& rep_;
  const ExclusionLoadOptions& opt_;
  std::string zoneinfo_;
  std::map<std::string, TimeZone> zones_;  // each file read once per load
};

Result<std::unique_ptr<ExclusionSet>> finish(std::unique_ptr<ExclusionSet> set) {
  if (!set) return Error{"invalid exclusions"};
  return set;
}

}  // namespace

bool parse_rfc3339(const std::string& s, Timestamp& out) {
  auto digits = [&](size_t pos, size_t n, int& v) {
    if (pos + n > s.size()) return false;
    v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d))
    return false;
  if (mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return false;
  int64_t secs = days_from_civil(y, unsigned(mo), unsigned(d)) * 86400;
  int64_t frac_ns = 0;
  if (s.size() > 10) {
    int h, mi, sec;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    if (!digits(11, 2, h) || s.size() < 19 || s[13] != ':' || !digits(14, 2, mi) || s[16] != ':' ||
        !digits(17, 2, sec))
      return false;
    if (h > 23 || mi > 59 || sec > 60) return false;  // 60: a leap second
    size_t i = 19;
    if (i < s.size() && s[i] == '.') {
      size_t b = ++i;
      int64_t scale = 100'000'000;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac_ns += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == b) return false;
    }
    if (i >= s.size()) return false;  // RFC 3339 requires the offset
    int64_t off = 0;
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      if (!digits(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(i + 4, 2, om) ||
          oh > 23 || om > 59)
        return false;
      off = (s[i] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      i += 6;
    } else {
      return false;
    }
    if (i != s.size()) return false;
    secs += h * 3600 + mi * 60 + sec - off;
  }
  // Timestamps are int64 ns since the epoch (1677-09-21 … 2262-04-11): a date outside that
  // cannot be represented (secs * kNsPerSec would overflow, found by fuzz_exclusions).
  constexpr int64_t kMaxSecs = INT64_MAX / kNsPerSec - 1;
  if (secs > kMaxSecs || secs < -kMaxSecs) return false;
  out = secs * kNsPerSec + frac_ns;
  return true;
}

Result<std::unique_ptr<ExclusionSet>> parse_exclusions(const std::string& text,
                                                       const std::string& name, Diagnostics& diag,
                                                       const ExclusionLoadOptions& opt) {
  YAML::Node root;
  if (!load_yaml_text(text, name, diag, root)) return Error{"invalid exclusions"};
  Reporter rep(name, diag);
  return finish(Loader(rep, opt).load(root));
}

Result<std::unique_ptr<ExclusionSet>> load_exclusions(const std::string& path, Diagnostics& diag,
                                                      const ExclusionLoadOptions& opt) {
  YAML::Node root;
  if (!load_yaml_file(path, diag, root)) return Error{"invalid exclusions"};
  Reporter rep(path, diag);
  return finish(Loader(rep, opt).load(root));
}

Result<std::unique_ptr<ExclusionSet>> load_configured_exclusions(const SensorConfig& cfg,
                                                                 Diagnostics& diag,
                                                                 Diagnostics* warnings) {
  std::unique_ptr<ExclusionSet> set;
  if (cfg.exclusions.empty()) {
    set = std::make_unique<ExclusionSet>();
  } else {
    ExclusionLoadOptions opt;
    // The control plane may read the clock: only to warn about expired entries.
    opt.now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
    opt.warnings = warnings;
    auto loaded = load_exclusions(cfg.exclusions, diag, opt);
    if (!loaded) return Error{loaded.error()};
    set = std::move(*loaded);
  }
  set->set_write_suppressed(cfg.outputs.write_suppressed);
  return set;
}

}  // namespace btsensor
