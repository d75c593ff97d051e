#include "btsensor/exclusions.hpp"

#include <algorithm>

namespace btsensor {
namespace {

constexpr int64_t kSecPerDay = 86400;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != b[i]) return false;  // b is lower case already
  return true;
}

template <size_t N>
std::string_view cstr(const std::array<char, N>& a) {
  size_t n = 0;
  while (n < N && a[n]) ++n;
  return {a.data(), n};
}

bool any_contains(const std::vector<Cidr>& nets, const IpAddr& a) {
  for (const Cidr& c : nets)
    if (c.contains(a)) return true;
  return false;
}

bool port_in(const std::vector<PortRange>& ports, uint16_t p) {
  for (const PortRange& r : ports)
    if (p >= r.lo && p <= r.hi) return true;
  return false;
}

bool domain_in(const std::vector<std::string>& domains, std::string_view text) {
  std::string_view host = name_host(text);
  if (host.empty()) return false;
  for (const std::string& d : domains)
    if (domain_suffix_match(host, d)) return true;
  return false;
}

// All of the event's evidence is within the exclusion's list (and there is some).
bool evidence_within(uint32_t ev, uint32_t allowed) {
  return allowed != 0 && ev != 0 && (ev & ~allowed) == 0;
}

bool in_force(const Exclusion& x, Timestamp t) {
  if (x.expires && t >= x.expires) return false;
  return !x.has_window || x.window.contains(t);
}

// Remote and port criteria on one flow of `host`. The remote is the endpoint that is not
// the host (the destination when neither is, which the engine never produces).
bool flow_ok(const Exclusion& x, const FiveTuple& t, const IpAddr& host) {
  if (!x.remotes.empty()) {
    const IpAddr& remote = t.src == host ? t.dst : t.src;
    if (!any_contains(x.remotes, remote)) return false;
  }
  if (!x.ports.empty() && !port_in(x.ports, t.sport) && !port_in(x.ports, t.dport)) return false;
  return true;
}

bool needs_flow(const Exclusion& x) {
  return !x.remotes.empty() || !x.ports.empty();
}

}  // namespace

TimeZone TimeZone::fixed(int32_t offset, std::string name) {
  return TimeZone(std::move(name), offset, {});
}

TimeZone::TimeZone(std::string name, int32_t initial, std::vector<Transition> transitions)
    : name_(std::move(name)), initial_(initial), table_(std::move(transitions)) {}

int32_t TimeZone::offset_at(int64_t t) const {
  // The last transition at or before t.
  auto it = std::upper_bound(table_.begin(), table_.end(), t,
                             [](int64_t v, const Transition& tr) { return v < tr.at; });
  return it == table_.begin() ? initial_ : std::prev(it)->offset;
}

bool TimeWindow::contains(Timestamp t) const {
  const int64_t secs = floor_div(t, kNsPerSec);
  const int64_t local = secs + tz.offset_at(secs);
  const int64_t day = floor_div(local, kSecPerDay);
  const int minute = int((local - day * kSecPerDay) / 60);
  // 1970-01-01 was a Thursday: day 0 has index 3 when Monday is 0.
  const int dow = int(((day + 3) % 7 + 7) % 7);
  if (start < end) return minute >= start && minute < end && (days >> dow & 1);
  // Past midnight: the early hours belong to the window that began the day before.
  if (minute >= start) return days >> dow & 1;
  if (minute < end) return days >> ((dow + 6) % 7) & 1;
  return false;
}

std::string_view name_host(std::string_view s) {
  if (size_t p = s.find("://"); p != std::string_view::npos && s.find('/') > p)
    s.remove_prefix(p + 3);
  if (s.empty() || s[0] == '[') return {};
  s = s.substr(0, s.find_first_of("/?"));
  if (size_t c = s.find(':'); c != std::string_view::npos) {
    if (s.find(':', c + 1) != std::string_view::npos) return {};  // a bare IPv6 address
    s = s.substr(0, c);
  }
  return s;
}

bool domain_suffix_match(std::string_view host, std::string_view domain) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  if (domain.empty() || host.size() < domain.size()) return false;
  if (host.size() > domain.size() && host[host.size() - domain.size() - 1] != '.') return false;
  return iequal(host.substr(host.size() - domain.size()), domain);
}

uint16_t ExclusionSet::match(const FlowRecord& r) const {
  if (r.evidence == 0) return 0;
  for (size_t i = 0; i < list_.size(); ++i) {
    const Exclusion& x = list_[i];
    if (x.has_match && !evidence_within(r.evidence, x.evidence)) continue;
    if (!x.hosts.empty() && !any_contains(x.hosts, r.host)) continue;
    if (!flow_ok(x, r.tuple, r.host)) continue;
    if (!x.domains.empty() && !(r.has_detail && (domain_in(x.domains, cstr(r.detail.tracker)) ||
                                                 domain_in(x.domains, cstr(r.detail.name)))))
      continue;
    if (!in_force(x, r.start)) continue;
    return uint16_t(i + 1);
  }
  return 0;
}

uint16_t ExclusionSet::match(const LabelEvent& e) const {
  // An expiry is judged at the last activity it reports, like the set that began it.
  const Timestamp t = e.action == LabelAction::kSet ? e.ts : e.last_activity;
  for (size_t i = 0; i < list_.size(); ++i) {
    const Exclusion& x = list_[i];
    if (x.has_match && !((x.labels >> e.label) & 1) && !evidence_within(e.reason, x.evidence))
      continue;
    if (!x.hosts.empty() && !any_contains(x.hosts, e.host)) continue;
    if (needs_flow(x) && !(e.has_flow && flow_ok(x, e.flow.tuple, e.host))) continue;
    if (!x.domains.empty() && !domain_in(x.domains, cstr(e.remote))) continue;
    if (!in_force(x, t)) continue;
    return uint16_t(i + 1);
  }
  return 0;
}

uint16_t ExclusionSet::match(const AlertEvent& e) const {
  for (size_t i = 0; i < list_.size(); ++i) {
    const Exclusion& x = list_[i];
    if (x.has_match && !((x.models >> e.model) & 1) && !evidence_within(e.evidence, x.evidence))
      continue;
    if (!x.hosts.empty() && !any_contains(x.hosts, e.host)) continue;
    if (needs_flow(x)) {
      // Conservative: every flow the alert names must be covered, so an alert that also
      // involves a peer outside the exclusion is still reported.
      const int n = std::min<int>(e.nflows, kMaxAlertFlows);
      bool ok = n > 0;
      for (int f = 0; f < n && ok; ++f) ok = flow_ok(x, e.flows[size_t(f)].tuple, e.host);
      if (!ok) continue;
    }
    if (!x.domains.empty() && !domain_in(x.domains, cstr(e.remote))) continue;
    if (!in_force(x, e.ts)) continue;
    return uint16_t(i + 1);
  }
  return 0;
}

std::vector<std::string> ExclusionSet::ids() const {
  std::vector<std::string> v;
  v.reserve(list_.size());
  for (const Exclusion& x : list_) v.push_back(x.id);
  return v;
}

}  // namespace btsensor
