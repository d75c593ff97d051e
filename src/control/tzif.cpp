#include "control/tzif.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace btsensor {
namespace {

using Transition = TimeZone::Transition;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned month_days(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// The civil year of a Unix time (UTC).
int64_t year_of(int64_t t) {
  int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = unsigned(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return int64_t(yoe) + era * 400 + (m <= 2);
}

// ---- POSIX TZ strings (RFC 8536 §3.3, POSIX.1 "TZ") ----

struct Rule {
  char kind = 'M';  // 'J' (Julian, no Feb 29), 'N' (zero-based day of year), 'M' (month.week.day)
  int n = 0, m = 0, w = 0, d = 0;
  int64_t time = 7200;  // local time of day of the change, seconds (default 02:00)
};

class Posix {
 public:
  explicit Posix(std::string_view s) : s_(s) {}

  bool name() {
    if (at('<')) {
      size_t e = s_.find('>', i_);
      if (e == std::string_view::npos || e == i_ + 1) return false;
      i_ = e + 1;
      return true;
    }
    size_t b = i_;
    while (i_ < s_.size() && ((s_[i_] >= 'A' && s_[i_] <= 'Z') || (s_[i_] >= 'a' && s_[i_] <= 'z')))
      ++i_;
    return i_ - b >= 3;
  }

  // [+-]hh[:mm[:ss]] in seconds; hours up to max_h.
  bool hms(int64_t& out, int max_h) {
    int sign = 1;
    if (at('+')) {
    } else if (at('-')) {
      sign = -1;
    }
    int64_t h, m = 0, sec = 0;
    if (!num(h) || h > max_h) return false;
    if (at(':')) {
      if (!num(m) || m > 59) return false;
      if (at(':') && (!num(sec) || sec > 59)) return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool rule(Rule& r) {
    if (at('J')) {
      r.kind = 'J';
      int64_t n;
      if (!num(n) || n < 1 || n > 365) return false;
      r.n = int(n);
    } else if (at('M')) {
      r.kind = 'M';
      int64_t m, w, d;
      if (!num(m) || m < 1 || m > 12 || !at('.') || !num(w) || w < 1 || w > 5 || !at('.') ||
          !num(d) || d > 6)
        return false;
      r.m = int(m);
      r.w = int(w);
      r.d = int(d);
    } else {
      r.kind = 'N';
      int64_t n;
      if (!num(n) || n > 365) return false;
      r.n = int(n);
    }
    if (at('/')) return hms(r.time, 167);  // RFC 8536 §3.3.1: -167 … 167 hours
    return true;
  }

  bool at(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool end() const { return i_ == s_.size(); }

 private:
  bool num(int64_t& out) {
    size_t b = i_;
    out = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9' && i_ - b < 4)
      out = out * 10 + (s_[i_++] - '0');
    return i_ > b;
  }
  std::string_view s_;
  size_t i_ = 0;
};

// Local midnight (as days since the epoch) of the day a rule names in year y.
int64_t rule_day(const Rule& r, int64_t y) {
  const int64_t jan1 = days_from_civil(y, 1, 1);
  if (r.kind == 'J') return jan1 + r.n - 1 + (leap(y) && r.n >= 60 ? 1 : 0);
  if (r.kind == 'N') return jan1 + r.n;
  const int64_t first = days_from_civil(y, unsigned(r.m), 1);
  const int wd_first = int(((first + 4) % 7 + 7) % 7);  // 1970-01-01 was a Thursday (4)
  int64_t day = first + (r.d - wd_first + 7) % 7 + 7 * (r.w - 1);
  while (day >= first + month_days(y, unsigned(r.m))) day -= 7;  // w = 5: the last one
  return day;
}

Error bad(const std::string& name, const std::string& what) {
  return Error{"time zone '" + name + "': " + what};
}

// ---- TZif ----

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool need(size_t n) const { return b_.size() - i_ >= n; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | uint8_t(b_[i_++]);
    return v;
  }
  int64_t i64() {
    uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | uint8_t(b_[i_++]);
    return int64_t(v);
  }
  uint8_t u8() { return uint8_t(b_[i_++]); }
  void skip(size_t n) { i_ += n; }
  size_t pos() const { return i_; }
  std::string_view rest() const { return b_.substr(i_); }

 private:
  std::string_view b_;
  size_t i_ = 0;
};

struct Header {
  char version = 0;
  uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

bool read_header(Reader& r, Header& h) {
  if (!r.need(44) || r.rest().substr(0, 4) != "TZif") return false;
  r.skip(4);
  h.version = char(r.u8());
  r.skip(15);
  h.isutcnt = r.u32();
  h.isstdcnt = r.u32();
  h.leapcnt = r.u32();
  h.timecnt = r.u32();
  h.typecnt = r.u32();
  h.charcnt = r.u32();
  // RFC 8536 §3.1: typecnt ≥ 1, and the counts are bounded by sane file sizes.
  return h.typecnt >= 1 && h.typecnt <= 256 && h.timecnt <= 100000 && h.charcnt <= 65536 &&
         h.leapcnt <= 10000 && (h.isutcnt == 0 || h.isutcnt == h.typecnt) &&
         (h.isstdcnt == 0 || h.isstdcnt == h.typecnt);
}

size_t block_size(const Header& h, size_t time_size) {
  return size_t(h.timecnt) * time_size + h.timecnt + size_t(h.typecnt) * 6 + h.charcnt +
         size_t(h.leapcnt) * (time_size + 4) + h.isstdcnt + h.isutcnt;
}

// Appends the transitions a POSIX rule gives for years [from, kTzExpandUntilYear] after
// `after`. Returns false when the rule does not parse. `std_off` receives the standard offset.
bool expand_posix(std::string_view tz, int64_t from_year, int64_t after,
                  std::vector<Transition>& out, int32_t& std_off) {
  Posix p(tz);
  int64_t posix_std;
  if (!p.name() || !p.hms(posix_std, 24)) return false;
  std_off = int32_t(-posix_std);  // POSIX offsets count hours *west* of Greenwich
  if (p.end()) {
    out.push_back({after + 1, std_off});  // no DST: the standard offset from now on
    return true;
  }
  if (!p.name()) return false;
  int64_t dst_off = std_off + 3600;
  if (!p.end() && !p.at(',')) {
    int64_t posix_dst;
    if (!p.hms(posix_dst, 24)) return false;
    dst_off = -posix_dst;
    if (!p.end() && !p.at(',')) return false;
  }
  Rule start, end;
  if (p.end()) {
    // POSIX leaves the default rule to the implementation; zic never writes one. Use the
    // current US rule, as glibc does.
    Posix dflt("M3.2.0,M11.1.0");
    dflt.rule(start);
    dflt.at(',');
    dflt.rule(end);
  } else {
    if (!p.rule(start) || !p.at(',') || !p.rule(end) || !p.end()) return false;
  }
  std::vector<Transition> years;
  for (int64_t y = from_year; y <= kTzExpandUntilYear; ++y) {
    // Each change happens at a local time reckoned in the offset in force before it.
    int64_t on = rule_day(start, y) * 86400 + start.time - std_off;
    int64_t off = rule_day(end, y) * 86400 + end.time - dst_off;
    years.push_back({on, int32_t(dst_off)});
    years.push_back({off, std_off});
  }
  std::stable_sort(years.begin(), years.end(),
                   [](const Transition& a, const Transition& b) { return a.at < b.at; });
  for (const Transition& t : years)
    if (t.at > after) out.push_back(t);
  return true;
}

// Drops transitions that do not change the offset (abbreviation or isdst changes only).
std::vector<Transition> compact(int32_t initial, const std::vector<Transition>& in) {
  std::vector<Transition> out;
  int32_t cur = initial;
  for (const Transition& t : in) {
    if (t.offset == cur) continue;
    out.push_back(t);
    cur = t.offset;
  }
  return out;
}

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 255 || n[0] == '/' || n[0] == '.') return false;
  for (char c : n)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
          c == '_' || c == '-' || c == '+' || c == '.'))
      return false;
  return n.find("..") == std::string::npos;
}

}  // namespace

std::string default_zoneinfo_dir() {
  const char* env = std::getenv("TZDIR");
  return env && *env ? env : "/usr/share/zoneinfo";
}

Result<TimeZone> parse_posix_tz(const std::string& name, std::string_view rule, int from_year) {
  std::vector<Transition> t;
  int32_t std_off = 0;
  if (!expand_posix(rule, from_year, INT64_MIN, t, std_off))
    return bad(name, "bad POSIX TZ rule '" + std::string(rule) + "'");
  return TimeZone(name, std_off, compact(std_off, t));
}

Result<TimeZone> parse_tzif(const std::string& name, std::string_view bytes) {
  Reader r(bytes);
  Header h;
  if (!read_header(r, h)) return bad(name, "not a TZif file");
  size_t time_size = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block: the second header and its 64-bit data follow.
    if (!r.need(block_size(h, 4))) return bad(name, "truncated TZif file");
    r.skip(block_size(h, 4));
    if (!read_header(r, h)) return bad(name, "damaged TZif file (second header)");
    time_size = 8;
  }
  if (!r.need(block_size(h, time_size))) return bad(name, "truncated TZif file");
  std::vector<int64_t> times(h.timecnt);
  std::vector<uint8_t> idx(h.timecnt);
  for (auto& t : times) t = time_size == 8 ? r.i64() : int64_t(int32_t(r.u32()));
  for (auto& i : idx) i = r.u8();
  std::vector<int32_t> utoff(h.typecnt);
  for (auto& o : utoff) {
    o = int32_t(r.u32());
    r.skip(2);  // isdst, desigidx
    if (o <= -89999 || o >= 93600) return bad(name, "UT offset out of range");
  }
  r.skip(h.charcnt + size_t(h.leapcnt) * (time_size + 4) + h.isstdcnt + h.isutcnt);
  std::vector<Transition> table;
  for (size_t i = 0; i < times.size(); ++i) {
    if (idx[i] >= h.typecnt) return bad(name, "transition names a missing local time type");
    if (i && times[i] <= times[i - 1]) return bad(name, "transitions out of order");
    table.push_back({times[i], utoff[idx[i]]});
  }
  // RFC 8536 §3.2: local time type 0 applies before the first transition.
  const int32_t initial = utoff[0];
  if (time_size == 8) {
    // Footer: "\n" POSIX-TZ "\n"; an empty rule means "no rule" (the last type stays).
    std::string_view foot = r.rest();
    if (foot.size() >= 2 && foot[0] == '\n') {
      size_t e = foot.find('\n', 1);
      std::string_view tz = foot.substr(1, e == std::string_view::npos ? 0 : e - 1);
      if (!tz.empty()) {
        const int64_t last = table.empty() ? INT64_MIN : table.back().at;
        // From the year of the last explicit change (not before 1900: fat files start with
        // a transition at -2^59, the "big bang").
        const int64_t from = table.empty() ? 1970 : std::max<int64_t>(year_of(last), 1900);
        int32_t std_off;
        if (!expand_posix(tz, from, last, table, std_off))
          return bad(name, "bad POSIX TZ footer '" + std::string(tz) + "'");
      }
    }
  }
  return TimeZone(name, initial, compact(initial, table));
}

Result<TimeZone> load_time_zone(const std::string& name, const std::string& zoneinfo_dir) {
  if (name == "UTC" || name == "Z") return TimeZone::fixed(0, "UTC");
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    // Fixed offset, ±HH:MM.
    if (name.size() != 6 || name[3] != ':') return bad(name, "expected +HH:MM or -HH:MM");
    auto digit = [&](size_t i) { return name[i] >= '0' && name[i] <= '9'; };
    if (!digit(1) || !digit(2) || !digit(4) || !digit(5))
      return bad(name, "expected +HH:MM or -HH:MM");
    int hh = (name[1] - '0') * 10 + (name[2] - '0');
    int mm = (name[4] - '0') * 10 + (name[5] - '0');
    if (hh > 15 || mm > 59) return bad(name, "offset out of range (at most ±15:59)");
    int32_t off = (name[0] == '-' ? -1 : 1) * (hh * 3600 + mm * 60);
    return TimeZone::fixed(off, name);
  }
  if (!valid_name(name)) return bad(name, "not an IANA time zone name (e.g. Europe/Berlin)");
  const std::string path = zoneinfo_dir + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return bad(name, "unknown time zone (no " + path +
                         "; IANA names such as Europe/Berlin need the tzdata package)");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_tzif(name, ss.str());
}

}  // namespace btsensor
