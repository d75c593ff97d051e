// The host-name hunting rule applied to DNS query names, HTTP Host values and TLS SNI.
//
// A rule is "contains:<word>" (substring anywhere in the host name) or "suffix:<text>"
// (the host name ends with <text>; when <text> does not start with '.', the match must also
// be label-aligned: "suffix:tor.example" matches "a.tor.example" and "tor.example" but not
// "mentor.example"). Matching is ASCII case-insensitive.
//
// Construction is control-plane code and may allocate; match() runs on worker lcores and does
// not allocate, throw or do I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {

// Default hunting rules (see the detection-techniques notes, row 14). Bare "torrent" covers
// nDPI's "torrent."/"torrents."/"utorrent." patterns and tracker names like tracker.torrent.eu.org.
inline constexpr std::string_view kDefaultNameRules[] = {
    "contains:torrent",
    "contains:vuze",
    "contains:azureus",
    "suffix:.tor",
};

// Longest name match() looks at, after normalisation. A DNS name is at most 253 characters;
// anything longer is not a host name (and the cap bounds the substring search).
inline constexpr size_t kNameMaxLen = 253;

class NameMatcher {
 public:
  enum class Kind : unsigned char { kContains, kSuffix };

  // Builds a matcher from rule strings (surrounding whitespace ignored). On a bad rule returns
  // nullopt and, if `error` is given, a message naming the rule.
  static std::optional<NameMatcher> create(std::span<const std::string_view> rules,
                                           std::string* error = nullptr);
  static std::optional<NameMatcher> create(std::span<const std::string> rules,
                                           std::string* error = nullptr);
  // kDefaultNameRules.
  static NameMatcher defaults();

  // Index of the first rule matching host_part(name), or -1 (also for an empty or over-long
  // name). No allocation.
  int match(std::string_view name) const noexcept;

  // The rule as configured (trimmed), e.g. "contains:torrent", for evidence; "" when `index`
  // is out of range. Points into the matcher: valid while it is alive and not moved from.
  std::string_view rule_text(int index) const noexcept;
  size_t size() const noexcept { return rules_.size(); }

  // The host name inside `name`: drops a ":port" (an HTTP Host value; a bracketed IPv6
  // literal keeps its brackets) and one trailing dot (absolute DNS form).
  static std::string_view host_part(std::string_view name) noexcept;

 private:
  struct Rule {
    Kind kind;
    std::string text;    // as configured, for evidence
    std::string needle;  // lower-case word / suffix
  };
  std::vector<Rule> rules_;
};

}  // namespace btsensor::proto
