// Host-name rules. Needles are lower-cased once at construction so that match() only has to
// fold the (untrusted) name, byte by byte, without copying it.
#include "engine/proto/names.hpp"

namespace btsensor::proto {
namespace {

constexpr std::string_view kContains = "contains:";
constexpr std::string_view kSuffix = "suffix:";

constexpr char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// `needle` is lower-case.
bool iends_with(std::string_view s, std::string_view needle) {
  if (s.size() < needle.size()) return false;
  const size_t off = s.size() - needle.size();
  for (size_t i = 0; i < needle.size(); ++i) {
    if (lower(s[off + i]) != needle[i]) return false;
  }
  return true;
}

// `needle` is lower-case and non-empty. O(n*m) with n <= kNameMaxLen and short needles;
// cheaper than building a skip table for a handful of rules.
bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A word may hold any visible ASCII character; whitespace or control bytes mean a config
// mistake (e.g. two rules on one line), and such a rule could never match a host name.
bool valid_word(std::string_view w) {
  if (w.empty() || w.size() > kNameMaxLen) return false;
  for (char ch : w) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<NameMatcher> NameMatcher::create(std::span<const std::string_view> rules,
                                               std::string* error) {
  NameMatcher m;
  m.rules_.reserve(rules.size());
  for (std::string_view raw : rules) {
    const std::string_view r = trim(raw);
    Rule rule{Kind::kContains, {}, {}};
    std::string_view word;
    if (r.starts_with(kContains)) {
      rule.kind = Kind::kContains;
      word = r.substr(kContains.size());
    } else if (r.starts_with(kSuffix)) {
      rule.kind = Kind::kSuffix;
      word = r.substr(kSuffix.size());
      // Names are compared without their trailing dot, so a rule written in absolute form
      // ("suffix:.tor.") must be too.
      if (!word.empty() && word.back() == '.') word.remove_suffix(1);
    }
    if (!valid_word(word)) {
      if (error)
        *error = "bad name rule '" + std::string(r) + "' (want contains:<word> or suffix:<text>)";
      return std::nullopt;
    }
    rule.text = std::string(r);
    rule.needle.reserve(word.size());
    for (char c : word) rule.needle.push_back(lower(c));
    m.rules_.push_back(std::move(rule));
  }
  return m;
}

std::optional<NameMatcher> NameMatcher::create(std::span<const std::string> rules,
                                               std::string* error) {
  std::vector<std::string_view> views(rules.begin(), rules.end());
  return create(std::span<const std::string_view>(views), error);
}

NameMatcher NameMatcher::defaults() {
  // The defaults are valid by construction (covered by a unit test).
  return *create(std::span<const std::string_view>(kDefaultNameRules));
}

std::string_view NameMatcher::host_part(std::string_view name) noexcept {
  if (!name.empty() && name.front() == '[') {
    const size_t close = name.find(']');
    return close == std::string_view::npos ? name : std::string_view(name.data(), close + 1);
  }
  // Host names cannot contain ':', so the first one starts a port (or this is an
  // unbracketed IPv6 literal, which no rule should match anyway).
  if (const size_t colon = name.find(':'); colon != std::string_view::npos) {
    name = std::string_view(name.data(), colon);
  }
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

int NameMatcher::match(std::string_view name) const noexcept {
  const std::string_view host = host_part(name);
  if (host.empty() || host.size() > kNameMaxLen) return -1;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    bool hit;
    if (r.kind == Kind::kContains) {
      hit = icontains(host, r.needle);
    } else {
      // A suffix starting with '.' is label-aligned by itself; otherwise insist on a label
      // boundary so that "suffix:tor.example" does not match "mentor.example".
      hit = iends_with(host, r.needle) &&
            (r.needle.front() == '.' || host.size() == r.needle.size() ||
             host[host.size() - r.needle.size() - 1] == '.');
    }
    if (hit) return int(i);
  }
  return -1;
}

std::string_view NameMatcher::rule_text(int index) const noexcept {
  if (index < 0 || size_t(index) >= rules_.size()) return {};
  return rules_[size_t(index)].text;
}

}  // namespace btsensor::proto
