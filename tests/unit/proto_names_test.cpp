// Host-name hunting rules: rule parsing, normalisation (port, trailing dot, case) and the
// contains/suffix semantics, one row per case.
#include "engine/proto/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace btsensor::proto {
namespace {

struct MatchCase {
  std::string_view name;
  int rule;  // index into kDefaultNameRules, -1 for no match
};

// Defaults: 0 contains:torrent, 1 contains:vuze, 2 contains:azureus, 3 suffix:.tor
const MatchCase kDefaultCases[] = {
    {"www.Torrent-News.example", 0},
    {"example.tor", 3},
    {"example.tor.", 3},  // absolute DNS form
    {"EXAMPLE.TOR", 3},
    {"example.tor:8080", 3},  // HTTP Host with port
    {"example.tor.:80", 3},
    {"historic.org", -1},
    {"example.torproject.org", -1},
    {"mentor", -1},
    {"tor", -1},  // the bare label is not under .tor
    {".tor", 3},
    {"utorrent.com", 0},
    {"tracker.torrent.eu.org:6969", 0},
    {"router.bittorrent.com", 0},
    {"TORRENT", 0},
    {"torrent.tor", 0},  // first matching rule wins
    {"www.vuze.com", 1},
    {"azureus.sourceforge.net", 2},
    {"tracker.opentrackr.org", -1},
    {"dht.transmissionbt.com", -1},
    {"", -1},
    {".", -1},
    {":80", -1},
    {"[2001:db8::1]:443", -1},
    {"2001:db8::1", -1},
};

TEST(ProtoNames, DefaultRulesTable) {
  const NameMatcher m = NameMatcher::defaults();
  ASSERT_EQ(m.size(), 4u);
  for (const MatchCase& c : kDefaultCases) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(m.match(c.name), c.rule);
  }
}

TEST(ProtoNames, RuleTextForEvidence) {
  const NameMatcher m = NameMatcher::defaults();
  EXPECT_EQ(m.rule_text(m.match("www.Torrent-News.example")), "contains:torrent");
  EXPECT_EQ(m.rule_text(m.match("example.tor.")), "suffix:.tor");
  EXPECT_EQ(m.rule_text(-1), "");
  EXPECT_EQ(m.rule_text(4), "");
}

TEST(ProtoNames, OverlongNameIgnored) {
  const NameMatcher m = NameMatcher::defaults();
  const std::string name = std::string(kNameMaxLen - 7, 'a') + "torrent";
  EXPECT_EQ(m.match(name), 0);  // exactly kNameMaxLen
  const std::string longer = std::string(kNameMaxLen - 6, 'a') + "torrent";
  EXPECT_EQ(m.match(longer), -1);  // one longer: not a host name
}

struct CustomCase {
  std::vector<std::string> rules;
  std::string_view name;
  int rule;
};

TEST(ProtoNames, CustomRulesTable) {
  const CustomCase cases[] = {
      // Suffix without a leading dot is label-aligned.
      {{"suffix:tor.example"}, "a.tor.example", 0},
      {{"suffix:tor.example"}, "tor.example", 0},
      {{"suffix:tor.example"}, "mentor.example", -1},
      // Rule text is case-insensitive, trimmed, and a trailing dot on a suffix is dropped.
      {{"  contains:TorRent  "}, "x.torrent.y", 0},
      {{"suffix:.TOR."}, "a.tor", 0},
      // contains may include dots (nDPI-style "torrent." patterns).
      {{"contains:torrent."}, "torrent.example", 0},
      {{"contains:torrent."}, "example.torrent", -1},
      // Order decides.
      {{"suffix:.com", "contains:torrent"}, "utorrent.com", 0},
      {{"contains:torrent", "suffix:.com"}, "utorrent.com", 0},
      {{"contains:zzz", "suffix:.com"}, "utorrent.com", 1},
      {{}, "anything", -1},
  };
  for (const CustomCase& c : cases) {
    SCOPED_TRACE(std::string(c.name));
    std::string error;
    const std::optional<NameMatcher> m = NameMatcher::create(c.rules, &error);
    ASSERT_TRUE(m.has_value()) << error;
    EXPECT_EQ(m->match(c.name), c.rule);
  }
}

TEST(ProtoNames, RuleTextIsTrimmedOriginal) {
  const std::vector<std::string> rules = {"  contains:TorRent  "};
  const std::optional<NameMatcher> m = NameMatcher::create(rules);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->rule_text(0), "contains:TorRent");
}

TEST(ProtoNames, BadRulesTable) {
  const std::string_view bad[] = {
      "",
      "torrent",           // no kind
      "prefix:torrent",    // unknown kind
      "Contains:torrent",  // kinds are lower-case
      "contains:",         // empty word
      "suffix:",
      "suffix:.",      // only the (dropped) trailing dot
      "contains:a b",  // two words
      "contains:tor\trent",
      "contains:t\xc3\xb6rrent",  // non-ASCII: host names on the wire are A-labels
  };
  for (std::string_view r : bad) {
    SCOPED_TRACE(std::string(r));
    const std::string_view one[] = {"contains:ok", r};
    std::string error;
    EXPECT_FALSE(NameMatcher::create(one, &error).has_value());
    EXPECT_NE(error.find("bad name rule"), std::string::npos);
  }
}

TEST(ProtoNames, HostPart) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"a.example", "a.example"},
      {"a.example.", "a.example"},
      {"a.example:80", "a.example"},
      {"a.example.:80", "a.example"},
      {"[::1]:80", "[::1]"},
      {"[::1", "[::1"},
      {"", ""},
      {"..", "."},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NameMatcher::host_part(c.in), c.out) << c.in;
  }
}

}  // namespace
}  // namespace btsensor::proto
