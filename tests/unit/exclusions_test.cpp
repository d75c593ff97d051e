// Exclusions: the matcher (each criterion in and out, windows across DST and midnight,
// expiry), time zones from TZif files, the loader's diagnostics, the five worked examples of
// pipelines/bittorrent/exclusions.example.yaml, counting and writing suppressed events, and
// `btsensor check-config` on bad files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "btsensor/evidence.hpp"
#include "btsensor/exclusions.hpp"
#include "btsensor_paths.hpp"
#include "control/config.hpp"
#include "control/exclusions_loader.hpp"
#include "control/tzif.hpp"
#include "outputs/eve_writer.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

Timestamp at(const char* rfc3339) {
  Timestamp t = 0;
  EXPECT_TRUE(parse_rfc3339(rfc3339, t)) << rfc3339;
  return t;
}

template <size_t N>
void set_text(std::array<char, N>& a, const char* s) {
  std::snprintf(a.data(), N, "%s", s);
}

// A peer-wire flow of internal host 10.1.2.3 to 198.51.100.7:6881 whose tracker is known.
FlowRecord bt_flow(Timestamp t = at("2025-06-02T09:00:00Z")) {
  FlowRecord r;
  r.tuple = FiveTuple{ip("10.1.2.3"), ip("198.51.100.7"), 50000, 6881, kProtoTcp};
  r.flow_id = 7;
  r.start = t;
  r.end = t + 5 * kNsPerSec;
  r.host = ip("10.1.2.3");
  r.host_internal = true;
  r.evidence = evidence_bit(Evidence::kPeerHandshake) | evidence_bit(Evidence::kPeerId);
  r.confidence = uint8_t(Confidence::kHigh);
  r.bittorrent = true;
  r.has_detail = true;
  set_text(r.detail.tracker, "tracker.example.org:6969/announce");
  return r;
}

FlowRef ref(const char* remote, uint16_t dport, uint32_t ev) {
  return FlowRef{FiveTuple{ip("10.1.2.3"), ip(remote), 50000, dport, kProtoTcp}, 9, 0, ev};
}

// bittorrent_user set by an announce to tracker.example.org (198.51.100.7:6969).
LabelEvent bt_label(Timestamp t = at("2025-06-02T09:00:00Z")) {
  LabelEvent e;
  e.ts = t;
  e.host = ip("10.1.2.3");
  e.label = uint8_t(LabelId::kBittorrentUser);
  e.action = LabelAction::kSet;
  e.last_activity = t;
  e.expires = t + 1800 * kNsPerSec;
  e.reason = evidence_bit(Evidence::kHttpAnnounce);
  e.has_flow = true;
  e.flow = ref("198.51.100.7", 6969, e.reason);
  set_text(e.remote, "tracker.example.org:6969");
  return e;
}

LabelEvent site_label(Timestamp t = at("2025-06-02T09:00:00Z")) {
  LabelEvent e = bt_label(t);
  e.label = uint8_t(LabelId::kTorrentSite);
  e.reason = evidence_bit(Evidence::kNameHunt);
  e.flow = ref("198.51.100.53", 53, e.reason);
  set_text(e.remote, "www.torrentsite.example");
  return e;
}

// The bittorrent alert: a peer flow (198.51.100.7:6881) and the announce (…:6969).
AlertEvent bt_alert(Timestamp t = at("2025-06-02T09:00:00Z")) {
  AlertEvent a;
  a.ts = t;
  a.host = ip("10.1.2.3");
  a.model = uint8_t(ModelId::kBittorrent);
  a.evidence = evidence_bit(Evidence::kPeerHandshake) | evidence_bit(Evidence::kHttpAnnounce);
  a.nflows = 2;
  a.flows[0] = ref("198.51.100.7", 6881, evidence_bit(Evidence::kPeerHandshake));
  a.flows[1] = ref("198.51.100.7", 6969, evidence_bit(Evidence::kHttpAnnounce));
  a.has_flow = true;
  a.labels = 1;
  set_text(a.remote, "tracker.example.org:6969");
  return a;
}

// One exclusion with the given criteria (YAML lines, indented by 4).
std::unique_ptr<ExclusionSet> one(const std::string& criteria) {
  Diagnostics d;
  auto s = parse_exclusions("exclusions:\n  - id: x\n    reason: r\n    owner: o\n" + criteria,
                            "t.yaml", d);
  EXPECT_TRUE(s) << criteria << "\n" << (d.lines.empty() ? "" : d.lines[0]);
  return s ? std::move(*s) : std::make_unique<ExclusionSet>();
}

struct Row {
  const char* criteria;
  bool flow, label, alert;  // expected: bt_flow(), bt_label(), bt_alert() covered
};

// Each criterion, in and out, on each kind of event.
TEST(Exclusions, EachCriterionInAndOut) {
  const Row rows[] = {
      {"    hosts: [10.1.2.0/24]\n", true, true, true},
      {"    hosts: 10.1.2.3\n", true, true, true},
      {"    hosts: [10.9.0.0/16]\n", false, false, false},
      {"    remotes: [198.51.100.0/24]\n", true, true, true},
      {"    remotes: [198.51.100.7]\n", true, true, true},
      {"    remotes: [203.0.113.0/24]\n", false, false, false},
      {"    remotes: [10.1.2.3]\n", false, false, false},  // the host is not its own remote
      {"    domains: [example.org]\n", true, true, true},
      {"    domains: [Tracker.EXAMPLE.org]\n", true, true, true},
      {"    domains: ['*.example.org']\n", true, true, true},
      {"    domains: [ample.org]\n", false, false, false},  // suffix on a label boundary only
      {"    domains: [example.com]\n", false, false, false},
      // Ports: the flow's 6881, the label's 6969; the alert needs both of its flows.
      {"    ports: [6881]\n", true, false, false},
      {"    ports: [6969]\n", false, true, false},
      {"    ports: [6881, 6969]\n", true, true, true},
      {"    ports: [6000-7000]\n", true, true, true},
      {"    ports: [50000]\n", true, true, true},  // either endpoint
      {"    ports: [1-1000]\n", false, false, false},
      {"    match: {model: bittorrent}\n", false, false, true},
      {"    match: {signature_id: 9000001}\n", false, false, true},
      {"    match: {label: bittorrent_user}\n", false, true, false},
      {"    match: {label: torrent_site}\n", false, false, false},
      {"    match: {evidence: [peer_handshake, peer_id]}\n", true, false, false},
      {"    match: {evidence: [peer_handshake, peer_id, http_announce]}\n", true, true, true},
      {"    match: {evidence: [peer_handshake]}\n", false, false, false},  // peer_id is not
      {"    match: {evidence: [http_announce], model: bittorrent}\n", false, true, true},
      // Combinations: every criterion must hold.
      {"    hosts: [10.1.2.3]\n    remotes: [198.51.100.7]\n    ports: [6881-6969]\n", true, true,
       true},
      {"    hosts: [10.1.2.3]\n    remotes: [203.0.113.1]\n", false, false, false},
      {"    hosts: [10.1.2.3]\n    match: {model: bittorrent}\n", false, false, true},
      {"    hosts: [10.9.9.9]\n    match: {model: bittorrent}\n", false, false, false},
      // Expiry, against the events' time (2025-06-02T09:00:00Z).
      {"    hosts: [10.1.2.3]\n    expires: 2025-06-02T09:00:01Z\n", true, true, true},
      {"    hosts: [10.1.2.3]\n    expires: 2025-06-02T09:00:00Z\n", false, false, false},
      {"    hosts: [10.1.2.3]\n    expires: 2025-06-02T10:59:59+02:00\n", false, false, false},
      {"    hosts: [10.1.2.3]\n    expires: 2025-06-01\n", false, false, false},
      {"    hosts: [10.1.2.3]\n    expires: 2025-06-03\n", true, true, true},
      // A window (2025-06-02 is a Monday; 09:00Z = 11:00 in Berlin).
      {"    hosts: [10.1.2.3]\n    window: {days: [mon], hours: \"10:00-12:00\", tz: "
       "Europe/Berlin}\n",
       true, true, true},
      {"    hosts: [10.1.2.3]\n    window: {days: [mon], hours: \"10:00-12:00\"}\n", false, false,
       false},  // UTC by default
      {"    hosts: [10.1.2.3]\n    window: {days: [tue-sun]}\n", false, false, false},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.criteria);
    auto s = one(r.criteria);
    EXPECT_EQ(s->match(bt_flow()) != 0, r.flow);
    EXPECT_EQ(s->match(bt_label()) != 0, r.label);
    EXPECT_EQ(s->match(bt_alert()) != 0, r.alert);
  }
}

TEST(Exclusions, FlowsWithoutEvidenceAreNeverCovered) {
  auto s = one("    hosts: [0.0.0.0/0]\n");
  FlowRecord plain = bt_flow();
  plain.evidence = 0;
  plain.bittorrent = false;
  EXPECT_EQ(s->match(plain), 0);
  EXPECT_EQ(s->match(bt_flow()), 1);
}

TEST(Exclusions, HuntedNamesAndLabelsWithoutFlows) {
  FlowRecord dns = bt_flow();
  dns.evidence = evidence_bit(Evidence::kNameHunt);
  dns.detail.tracker[0] = '\0';
  set_text(dns.detail.name, "www.TorrentSite.example.");
  EXPECT_TRUE(one("    domains: [torrentsite.example]\n")->match(dns));
  EXPECT_TRUE(one("    match: {evidence: [name_hunt]}\n")->match(dns));
  EXPECT_TRUE(one("    match: {label: torrent_site}\n")->match(site_label()));
  EXPECT_TRUE(one("    domains: [torrentsite.example]\n")->match(site_label()));
  // A label with no flow fails flow criteria (remotes, ports), not the others.
  LabelEvent bare = bt_label();
  bare.has_flow = false;
  EXPECT_FALSE(one("    remotes: [198.51.100.7]\n")->match(bare));
  EXPECT_FALSE(one("    ports: [6969]\n")->match(bare));
  EXPECT_TRUE(one("    hosts: [10.1.2.3]\n")->match(bare));
  // A flow without a tracker/name fails a domain criterion.
  FlowRecord nameless = bt_flow();
  nameless.has_detail = false;
  EXPECT_FALSE(one("    domains: [example.org]\n")->match(nameless));
}

TEST(Exclusions, AlertFlowCriteriaMustHoldForEveryFlow) {
  AlertEvent a = bt_alert();
  a.flows[2] = ref("203.0.113.9", 6881, evidence_bit(Evidence::kPeerHandshake));
  a.nflows = 3;  // also an outside peer: still reported
  EXPECT_FALSE(one("    remotes: [198.51.100.0/24]\n")->match(a));
  EXPECT_TRUE(one("    remotes: [198.51.100.0/24, 203.0.113.0/24]\n")->match(a));
}

TEST(Exclusions, FirstMatchInFileOrderWins) {
  Diagnostics d;
  auto s = parse_exclusions(R"(exclusions:
  - {id: a, reason: r, owner: o, hosts: [10.9.0.0/16]}
  - {id: b, reason: r, owner: o, hosts: [10.1.0.0/16]}
  - {id: c, reason: r, owner: o, hosts: [10.1.2.3]}
)",
                            "t.yaml", d);
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)->match(bt_flow()), 2);
  EXPECT_EQ((*s)->ids(), (std::vector<std::string>{"a", "b", "c"}));
}

// Label expiries are judged at their last activity, so they follow their set.
TEST(Exclusions, LabelExpiryJudgedAtLastActivity) {
  auto s = one("    hosts: [10.1.2.3]\n    window: {hours: \"08:00-18:00\"}\n");
  LabelEvent set = bt_label(at("2025-06-02T17:50:00Z"));
  LabelEvent expire = set;
  expire.action = LabelAction::kExpire;
  expire.ts = at("2025-06-02T18:20:00Z");
  EXPECT_TRUE(s->match(set));
  EXPECT_TRUE(s->match(expire));
  LabelEvent late = bt_label(at("2025-06-02T18:20:00Z"));
  EXPECT_FALSE(s->match(late));
}

struct WindowRow {
  const char* when;
  bool in;
};

void check_window(const char* window, const std::vector<WindowRow>& rows) {
  auto s = one(std::string("    hosts: [10.1.2.3]\n    window: ") + window + "\n");
  for (const WindowRow& r : rows) {
    SCOPED_TRACE(std::string(window) + " at " + r.when);
    EXPECT_EQ(s->match(bt_flow(at(r.when))) != 0, r.in);
  }
}

// Europe/Berlin: 2024-03-31 02:00 CET → 03:00 CEST, 2024-10-27 03:00 CEST → 02:00 CET.
TEST(Exclusions, WindowAcrossDstInBerlin) {
  check_window("{days: [sun], hours: \"08:00-18:00\", tz: Europe/Berlin}",
               {
                   {"2024-03-24T06:30:00Z", false},  // 07:30 CET, the Sunday before
                   {"2024-03-24T07:30:00Z", true},   // 08:30 CET
                   {"2024-03-31T05:59:59Z", false},  // 07:59:59 CEST, the day DST begins
                   {"2024-03-31T06:00:00Z", true},   // 08:00 CEST
                   {"2024-03-31T06:30:00Z", true},   // 08:30 CEST (07:30 if the DST were missed)
                   {"2024-03-31T15:59:59Z", true},   // 17:59:59 CEST
                   {"2024-03-31T16:00:00Z", false},  // 18:00 CEST
                   {"2024-10-27T06:30:00Z", false},  // 07:30 CET, the day DST ends
                   {"2024-10-27T07:00:00Z", true},   // 08:00 CET
                   {"2024-10-27T16:30:00Z", true},   // 17:30 CET
                   {"2024-10-27T17:00:00Z", false},  // 18:00 CET
                   {"2024-03-30T07:30:00Z", false},  // a Saturday
               });
  // Around the change itself: 01:00Z is 02:00 CET = 03:00 CEST.
  check_window("{hours: \"03:00-04:00\", tz: Europe/Berlin}", {{"2024-03-31T00:59:59Z", false},
                                                               {"2024-03-31T01:00:00Z", true},
                                                               {"2024-03-31T01:59:59Z", true},
                                                               {"2024-03-31T02:00:00Z", false}});
  // Beyond the explicit transitions of a fat TZif file (2037): the footer rule.
  check_window("{hours: \"08:00-18:00\", tz: Europe/Berlin}", {{"2060-07-01T06:00:00Z", true},
                                                               {"2060-07-01T05:59:00Z", false},
                                                               {"2060-12-01T07:00:00Z", true},
                                                               {"2060-12-01T06:59:00Z", false}});
}

TEST(Exclusions, WindowCrossingMidnight) {
  // Friday night into Saturday morning (2024-03-29 is a Friday).
  check_window("{days: [fri], hours: \"22:00-06:00\"}",
               {
                   {"2024-03-29T21:59:59Z", false},
                   {"2024-03-29T22:00:00Z", true},
                   {"2024-03-29T23:59:59Z", true},
                   {"2024-03-30T00:00:00Z", true},  // Saturday, still Friday's window
                   {"2024-03-30T05:59:59Z", true},
                   {"2024-03-30T06:00:00Z", false},
                   {"2024-03-30T22:30:00Z", false},  // Saturday night: not a window day
                   {"2024-03-29T03:00:00Z", false},  // Friday morning: Thursday's window
                   {"2024-03-28T23:00:00Z", false},  // Thursday night
               });
  // In a zone: 22:00-02:00 Berlin on Saturdays, across the spring change (2024-03-30 Sat).
  check_window("{days: [sat], hours: \"22:00-02:00\", tz: Europe/Berlin}",
               {{"2024-03-30T21:30:00Z", true},     // Sat 22:30 CET
                {"2024-03-31T00:59:59Z", true},     // Sun 01:59:59 CET
                {"2024-03-31T01:00:00Z", false},    // Sun 03:00 CEST
                {"2024-03-30T20:59:00Z", false}});  // Sat 21:59 CET
  // Whole days, and fixed offsets.
  check_window("{days: [sat, sun], hours: \"00:00-24:00\", tz: \"+05:30\"}",
               {{"2024-03-29T18:29:59Z", false},  // Fri 23:59:59 IST
                {"2024-03-29T18:30:00Z", true},   // Sat 00:00 IST
                {"2024-03-31T18:29:59Z", true},   // Sun 23:59:59 IST
                {"2024-03-31T18:30:00Z", false}});
}

TEST(TimeZones, OffsetsFromTzif) {
  auto berlin = load_time_zone("Europe/Berlin", default_zoneinfo_dir());
  ASSERT_TRUE(berlin) << berlin.error();
  const int64_t spring = at("2024-03-31T01:00:00Z") / kNsPerSec;
  const int64_t autumn = at("2024-10-27T01:00:00Z") / kNsPerSec;
  EXPECT_EQ(berlin->offset_at(spring - 1), 3600);
  EXPECT_EQ(berlin->offset_at(spring), 7200);
  EXPECT_EQ(berlin->offset_at(autumn - 1), 7200);
  EXPECT_EQ(berlin->offset_at(autumn), 3600);
  EXPECT_EQ(berlin->offset_at(at("1980-07-01T00:00:00Z") / kNsPerSec), 7200);
  EXPECT_EQ(berlin->offset_at(at("2099-07-01T00:00:00Z") / kNsPerSec), 7200);
  EXPECT_EQ(berlin->offset_at(at("2099-12-01T00:00:00Z") / kNsPerSec), 3600);
  // Southern hemisphere: DST over the new year.
  auto sydney = load_time_zone("Australia/Sydney", default_zoneinfo_dir());
  ASSERT_TRUE(sydney) << sydney.error();
  EXPECT_EQ(sydney->offset_at(at("2050-01-15T00:00:00Z") / kNsPerSec), 11 * 3600);
  EXPECT_EQ(sydney->offset_at(at("2050-07-15T00:00:00Z") / kNsPerSec), 10 * 3600);
  // No DST at all.
  auto kolkata = load_time_zone("Asia/Kolkata", default_zoneinfo_dir());
  ASSERT_TRUE(kolkata) << kolkata.error();
  EXPECT_EQ(kolkata->offset_at(at("2030-01-01T00:00:00Z") / kNsPerSec), 5 * 3600 + 1800);
  auto utc = load_time_zone("UTC", default_zoneinfo_dir());
  ASSERT_TRUE(utc);
  EXPECT_EQ(utc->offset_at(0), 0);
  auto fixed = load_time_zone("-03:30", default_zoneinfo_dir());
  ASSERT_TRUE(fixed);
  EXPECT_EQ(fixed->offset_at(0), -(3 * 3600 + 1800));
  for (const char* bad :
       {"Europe/Berln", "../etc/passwd", "/etc/localtime", "+25:00", "+5:30", "", "Europe"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(load_time_zone(bad, default_zoneinfo_dir()));
  }
}

// zic's "slim" files end their transitions in 2007 and leave the rest to the footer rule.
TEST(TimeZones, PosixFooterRules) {
  auto cet = parse_posix_tz("CET", "CET-1CEST,M3.5.0,M10.5.0/3", 2024);
  ASSERT_TRUE(cet) << cet.error();
  const int64_t spring = at("2024-03-31T01:00:00Z") / kNsPerSec;
  EXPECT_EQ(cet->offset_at(spring - 1), 3600);
  EXPECT_EQ(cet->offset_at(spring), 7200);
  EXPECT_EQ(cet->offset_at(at("2024-10-27T00:59:59Z") / kNsPerSec), 7200);
  EXPECT_EQ(cet->offset_at(at("2024-10-27T01:00:00Z") / kNsPerSec), 3600);
  auto ny = parse_posix_tz("NY", "EST5EDT,M3.2.0,M11.1.0", 2024);
  ASSERT_TRUE(ny);
  EXPECT_EQ(ny->offset_at(at("2024-03-10T06:59:59Z") / kNsPerSec), -5 * 3600);
  EXPECT_EQ(ny->offset_at(at("2024-03-10T07:00:00Z") / kNsPerSec), -4 * 3600);
  EXPECT_EQ(ny->offset_at(at("2024-11-03T06:00:00Z") / kNsPerSec), -5 * 3600);
  auto quoted = parse_posix_tz("X", "<+0330>-3:30", 2024);
  ASSERT_TRUE(quoted);
  EXPECT_EQ(quoted->offset_at(0), 3 * 3600 + 1800);
  EXPECT_FALSE(parse_posix_tz("X", "CET-1CEST,M13.5.0,M10.5.0", 2024));
  EXPECT_FALSE(parse_tzif("X", "not a tzif file at all, certainly not"));
}

TEST(Exclusions, Rfc3339) {
  EXPECT_EQ(at("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(at("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(at("1970-01-01T00:00:01.5z"), 1'500'000'000);
  EXPECT_EQ(at("2024-02-29"), 1'709'164'800 * kNsPerSec);
  Timestamp t;
  for (const char* bad :
       {"2023-02-29", "2024-13-01", "2024-01-01T12:00:00", "2024-01-01T25:00:00Z", "tomorrow",
        "2024-01-01T12:00Z", "2024-1-1", "2024-01-01T12:00:00+1:00"}) {
    EXPECT_FALSE(parse_rfc3339(bad, t)) << bad;
  }
}

// ---- The worked examples ----

std::unique_ptr<ExclusionSet> load_example(Diagnostics* warnings = nullptr, Timestamp now = 0) {
  Diagnostics d;
  ExclusionLoadOptions opt;
  opt.warnings = warnings;
  opt.now = now;
  auto s = load_exclusions(
      std::string(BTSENSOR_SOURCE_PIPELINES) + "/bittorrent/exclusions.example.yaml", d, opt);
  EXPECT_TRUE(s) << (d.lines.empty() ? "" : d.lines[0]);
  return s ? std::move(*s) : std::make_unique<ExclusionSet>();
}

std::string covered_by(const ExclusionSet& s, uint16_t m) {
  return m ? s.at(m - 1).id : "(none)";
}

// Events of `host`, talking to `remote` with tracker name `tracker`, at `t`.
struct Scenario {
  FlowRecord flow;
  LabelEvent label;
  AlertEvent alert;
};

Scenario scenario(const char* host, const char* remote, uint16_t port, const char* tracker,
                  Timestamp t) {
  Scenario s{bt_flow(t), bt_label(t), bt_alert(t)};
  for (IpAddr* a : {&s.flow.host, &s.flow.tuple.src, &s.label.host, &s.label.flow.tuple.src,
                    &s.alert.host, &s.alert.flows[0].tuple.src, &s.alert.flows[1].tuple.src})
    *a = ip(host);
  for (IpAddr* a : {&s.flow.tuple.dst, &s.label.flow.tuple.dst, &s.alert.flows[0].tuple.dst,
                    &s.alert.flows[1].tuple.dst})
    *a = ip(remote);
  s.flow.tuple.dport = port;
  s.alert.flows[0].tuple.dport = port;
  set_text(s.flow.detail.tracker, tracker);
  set_text(s.label.remote, tracker);
  set_text(s.alert.remote, tracker);
  return s;
}

TEST(ExclusionExamples, EachSuppressesItsScenario) {
  auto set = load_example();
  ASSERT_EQ(set->size(), 5u);
  const ExclusionSet& s = *set;
  const Timestamp monday_11_berlin = at("2025-06-02T09:00:00Z");

  // 1. The admin host's torrent client, office hours in Berlin — and not at night.
  auto admin =
      scenario("10.10.5.21", "198.51.100.7", 6881, "tracker.example.org", monday_11_berlin);
  EXPECT_EQ(covered_by(s, s.match(admin.flow)), "admin-updates");
  EXPECT_EQ(covered_by(s, s.match(admin.label)), "admin-updates");
  EXPECT_EQ(covered_by(s, s.match(admin.alert)), "admin-updates");
  auto admin_night = scenario("10.10.5.21", "198.51.100.7", 6881, "tracker.example.org",
                              at("2025-06-02T20:00:00Z"));
  EXPECT_EQ(s.match(admin_night.alert), 0);
  auto admin_sunday = scenario("10.10.5.21", "198.51.100.7", 6881, "tracker.example.org",
                               at("2025-06-01T09:00:00Z"));
  EXPECT_EQ(s.match(admin_sunday.alert), 0);

  // 2. The backup server's vendor torrent: label, alert and tracker flow; not another tracker.
  auto backup =
      scenario("10.20.1.10", "192.0.2.80", 6881, "torrent.vendor.example:443", monday_11_berlin);
  EXPECT_EQ(covered_by(s, s.match(backup.flow)), "backup-vendor-image");
  EXPECT_EQ(covered_by(s, s.match(backup.label)), "backup-vendor-image");
  EXPECT_EQ(covered_by(s, s.match(backup.alert)), "backup-vendor-image");
  auto backup_other =
      scenario("10.20.1.10", "192.0.2.80", 6881, "tracker.opentrackr.example", monday_11_berlin);
  EXPECT_EQ(s.match(backup_other.label), 0);
  EXPECT_EQ(s.match(backup_other.alert), 0);
  // After 2027-06-30 it no longer applies.
  auto backup_late = scenario("10.20.1.10", "192.0.2.80", 6881, "torrent.vendor.example",
                              at("2027-07-01T09:00:00Z"));
  EXPECT_EQ(s.match(backup_late.alert), 0);

  // 3. Anything from the sandbox, IPv4 or IPv6, at any time.
  auto sandbox = scenario("10.66.0.77", "203.0.113.5", 51413, "", at("2025-06-08T03:00:00Z"));
  EXPECT_EQ(covered_by(s, s.match(sandbox.flow)), "malware-sandbox");
  EXPECT_EQ(covered_by(s, s.match(sandbox.label)), "malware-sandbox");
  EXPECT_EQ(covered_by(s, s.match(sandbox.alert)), "malware-sandbox");
  auto sandbox6 = scenario("fd00:66::9", "2001:db8::5", 51413, "", monday_11_berlin);
  EXPECT_EQ(covered_by(s, s.match(sandbox6.alert)), "malware-sandbox");

  // 4. Analysts: torrent_site labels and name-hunt flows; their BitTorrent use still alerts.
  auto cti = scenario("10.30.8.12", "198.51.100.53", 53, "", monday_11_berlin);
  LabelEvent site = site_label(monday_11_berlin);
  site.host = site.flow.tuple.src = ip("10.30.8.12");
  FlowRecord hunt = cti.flow;
  hunt.evidence = evidence_bit(Evidence::kNameHunt);
  hunt.bittorrent = false;
  EXPECT_EQ(covered_by(s, s.match(site)), "cti-torrent-sites");
  EXPECT_EQ(covered_by(s, s.match(hunt)), "cti-torrent-sites");
  EXPECT_EQ(s.match(cti.label), 0);  // bittorrent_user
  EXPECT_EQ(s.match(cti.alert), 0);
  EXPECT_EQ(s.match(cti.flow), 0);                     // peer wire
  site.host = site.flow.tuple.src = ip("10.30.9.12");  // outside the analysts' /26
  EXPECT_EQ(s.match(site), 0);

  // 5. CI runners with the private tracker (6969) and seeders (6881-6889).
  auto ci = scenario("10.40.1.20", "10.20.0.5", 6881, "10.20.0.5:6969", monday_11_berlin);
  EXPECT_EQ(covered_by(s, s.match(ci.flow)), "ci-private-tracker");
  EXPECT_EQ(covered_by(s, s.match(ci.label)), "ci-private-tracker");
  EXPECT_EQ(covered_by(s, s.match(ci.alert)), "ci-private-tracker");
  auto ci_public = scenario("10.40.1.20", "198.51.100.7", 6881, "", monday_11_berlin);
  EXPECT_EQ(s.match(ci_public.flow), 0);
  EXPECT_EQ(s.match(ci_public.alert), 0);
  ci.alert.flows[0].tuple.dst = ip("198.51.100.7");  // one peer outside the swarm
  EXPECT_EQ(s.match(ci.alert), 0);

  // Nobody else.
  auto other =
      scenario("10.1.2.3", "198.51.100.7", 6881, "torrent.vendor.example", monday_11_berlin);
  EXPECT_EQ(s.match(other.flow), 0);
  EXPECT_EQ(s.match(other.label), 0);
  EXPECT_EQ(s.match(other.alert), 0);
}

TEST(ExclusionExamples, ExpiredEntriesAreWarnedAbout) {
  Diagnostics warnings;
  load_example(&warnings, at("2027-07-01T00:00:00Z"));
  ASSERT_EQ(warnings.lines.size(), 1u);
  EXPECT_NE(warnings.lines[0].find("exclusions.example.yaml:"), std::string::npos);
  EXPECT_NE(warnings.lines[0].find(": exclusions[1].expires: warning: expired"), std::string::npos)
      << warnings.lines[0];
  Diagnostics later;
  load_example(&later, at("2028-01-01T00:00:00Z"));
  EXPECT_EQ(later.lines.size(), 2u);
  Diagnostics none;
  load_example(&none, at("2025-01-01T00:00:00Z"));
  EXPECT_TRUE(none.lines.empty());
}

// ---- Counting, and writing only when asked ----

struct Published1 {
  Published<ExclusionSet> p;
  explicit Published1(std::unique_ptr<ExclusionSet> s, bool write) {
    s->set_write_suppressed(write);
    StoppedReaders none;
    p.publish(std::move(s), none);
  }
};

std::unique_ptr<ExclusionSet> two() {
  Diagnostics d;
  auto s = parse_exclusions(R"(exclusions:
  - {id: sandbox, reason: r, owner: o, hosts: [10.66.0.0/24]}
  - {id: ci, reason: r, owner: o, match: {model: bittorrent}, hosts: [10.40.0.0/22]}
)",
                            "t.yaml", d);
  EXPECT_TRUE(s);
  return std::move(*s);
}

void feed(EventSink& sink) {
  auto sb = scenario("10.66.0.7", "198.51.100.7", 6881, "", at("2025-06-02T09:00:00Z"));
  auto ci = scenario("10.40.0.9", "198.51.100.7", 6881, "", at("2025-06-02T09:00:00Z"));
  auto other = scenario("10.1.2.3", "198.51.100.7", 6881, "", at("2025-06-02T09:00:00Z"));
  for (auto* s : {&sb, &ci, &other}) {
    sink.on_flow(s->flow);
    sink.on_label(s->label);
    sink.on_alert(s->alert);
  }
}

TEST(ExclusionCounting, CountedPerExclusionNotWrittenByDefault) {
  Published1 pub(two(), false);
  CollectSink out;
  ExclusionSink gate(out, &pub.p);
  feed(gate);
  // sandbox: its flow, label and alert; ci: only the alert (match: model).
  EXPECT_EQ(gate.stats().by_exclusion[0].get(), 3u);
  EXPECT_EQ(gate.stats().by_exclusion[1].get(), 1u);
  EXPECT_EQ(gate.stats().suppressed.get(), 4u);
  EXPECT_EQ(gate.stats().withheld.get(), 4u);
  EXPECT_EQ(out.flows.size() + out.labels.size() + out.alerts.size(), 5u);  // 9 - 4
  EXPECT_EQ(out.alerts.size(), 1u);
  for (const auto& f : out.flows) EXPECT_EQ(f.suppressed_by, 0);
}

TEST(ExclusionCounting, WrittenMarkedWhenAsked) {
  Published1 pub(two(), true);
  CollectSink out;
  ExclusionSink gate(out, &pub.p);
  feed(gate);
  EXPECT_EQ(gate.stats().suppressed.get(), 4u);
  EXPECT_EQ(gate.stats().withheld.get(), 0u);
  ASSERT_EQ(out.alerts.size(), 3u);
  EXPECT_EQ(out.alerts[0].suppressed_by, 1);
  EXPECT_EQ(out.alerts[1].suppressed_by, 2);
  EXPECT_EQ(out.alerts[2].suppressed_by, 0);
  EveOptions eo;
  eo.exclusion_ids = ExclusionIds::make(pub.p.get()->ids());
  EveFormatter fmt(eo);
  const std::string a0 = fmt.alert(out.alerts[0]);
  const std::string tail = R"(,"suppressed":{"exclusion":"sandbox"}})";
  EXPECT_EQ(a0.substr(a0.size() - tail.size()), tail) << a0;
  const std::string a1 = fmt.alert(out.alerts[1]);
  EXPECT_NE(a1.find(R"("suppressed":{"exclusion":"ci"})"), std::string::npos);
  EXPECT_EQ(fmt.alert(out.alerts[2]).find("suppressed"), std::string::npos);
  EXPECT_NE(fmt.flow(out.flows[0]).find(R"(,"suppressed":{"exclusion":"sandbox"}})"),
            std::string::npos);
  EXPECT_NE(fmt.label(out.labels[0]).find(R"(,"suppressed":{"exclusion":"sandbox"}})"),
            std::string::npos);
}

TEST(ExclusionCounting, NoSetNoEffect) {
  CollectSink out;
  ExclusionSink gate(out, nullptr);
  feed(gate);
  EXPECT_EQ(out.alerts.size(), 3u);
  EXPECT_EQ(gate.stats().suppressed.get(), 0u);
}

// ---- The loader's diagnostics ----

struct BadRow {
  const char* text;
  const char* expect;  // substring of the one diagnostic
};

constexpr const char* kHead = "exclusions:\n  - id: x\n    reason: r\n    owner: o\n";

TEST(ExclusionLoader, EachMistakeReportedWithPosition) {
  const BadRow rows[] = {
      {"    hosts: [10.0.0.0/8]\n    hostz: [10.0.0.0/8]\n",
       "t.yaml:6:5: exclusions[0].hostz: unknown key"},
      {"    hosts: [10.0.0.0/8]\n    window: {day: [mon]}\n",
       "t.yaml:6:14: exclusions[0].window.day: unknown key"},
      {"    hosts: [10.0.0.0/8]\n    match: {labels: torrent_site}\n",
       "t.yaml:6:13: exclusions[0].match.labels: unknown key"},
      {"    hosts: [10.1.2.3/8]\n", "t.yaml:5:13: exclusions[0].hosts: bad IP/CIDR '10.1.2.3/8'"},
      {"    hosts: [banana]\n", "t.yaml:5:13: exclusions[0].hosts: bad IP/CIDR 'banana'"},
      {"    remotes: [10.0.0.0/33]\n", "t.yaml:5:15: exclusions[0].remotes: bad IP/CIDR"},
      {"    hosts: [10.0.0.0/8]\n    window: {days: [mon, fry]}\n",
       "t.yaml:6:26: exclusions[0].window.days: bad day or day range 'fry'"},
      {"    hosts: [10.0.0.0/8]\n    window: {hours: \"8-18\"}\n",
       "t.yaml:6:21: exclusions[0].window.hours: bad hour range '8-18'"},
      {"    hosts: [10.0.0.0/8]\n    window: {hours: \"08:00-25:00\"}\n",
       "exclusions[0].window.hours: bad hour range '08:00-25:00'"},
      {"    hosts: [10.0.0.0/8]\n    window: {hours: \"08:00-08:00\"}\n",
       "exclusions[0].window.hours: bad hour range '08:00-08:00': empty"},
      {"    hosts: [10.0.0.0/8]\n    window: {tz: Europe/Berln}\n",
       "t.yaml:6:18: exclusions[0].window.tz: time zone 'Europe/Berln': unknown time zone"},
      {"    hosts: [10.0.0.0/8]\n  - id: x\n    reason: r\n    owner: o\n    hosts: [10.0.0.1]\n",
       "t.yaml:6:9: exclusions[1].id: duplicate id 'x' (first at line 2)"},
      {"    hosts: [10.0.0.0/8]\n    expires: next tuesday\n",
       "t.yaml:6:14: exclusions[0].expires: expected an RFC 3339 date"},
      {"    hosts: [10.0.0.0/8]\n    expires: 2026-02-30\n",
       "t.yaml:6:14: exclusions[0].expires: expected an RFC 3339"},
      {"    ports: [70000]\n", "t.yaml:5:13: exclusions[0].ports: bad port or range '70000'"},
      {"    ports: [\"9-1\"]\n", "exclusions[0].ports: bad port or range '9-1'"},
      {"    domains: [\"bad domain\"]\n", "exclusions[0].domains: bad domain 'bad domain'"},
      {"    match: {label: seeder}\n", "t.yaml:5:20: exclusions[0].match.label: unknown label"},
      {"    match: {model: nope}\n", "exclusions[0].match.model: unknown model 'nope'"},
      {"    match: {evidence: [dht, telepathy]}\n",
       "exclusions[0].match.evidence: unknown evidence 'telepathy'"},
      {"    match: {signature_id: 1001}\n", "exclusions[0].match.signature_id: unknown"},
      {"    window: {days: [mon]}\n", "t.yaml:2:5: exclusions[0]: no criterion"},
  };
  for (const BadRow& r : rows) {
    SCOPED_TRACE(r.text);
    Diagnostics d;
    auto s = parse_exclusions(std::string(kHead) + r.text, "t.yaml", d);
    EXPECT_FALSE(s);
    ASSERT_EQ(d.lines.size(), 1u) << (d.lines.empty() ? "" : d.lines[0] + "\n" + d.lines.back());
    EXPECT_NE(d.lines[0].find(r.expect), std::string::npos) << d.lines[0];
  }
}

TEST(ExclusionLoader, MissingReasonOwnerIdAndBadId) {
  const BadRow rows[] = {
      {"exclusions:\n  - id: x\n    owner: o\n    hosts: [10.0.0.1]\n",
       "t.yaml:2:5: exclusions[0].reason: missing (required)"},
      {"exclusions:\n  - id: x\n    reason: r\n    hosts: [10.0.0.1]\n",
       "t.yaml:2:5: exclusions[0].owner: missing (required)"},
      {"exclusions:\n  - reason: r\n    owner: o\n    hosts: [10.0.0.1]\n",
       "exclusions[0].id: missing (required)"},
      {"exclusions:\n  - id: x\n    reason: \"\"\n    owner: o\n    hosts: [10.0.0.1]\n",
       "t.yaml:3:13: exclusions[0].reason: expected a non-empty string"},
      {"exclusions:\n  - id: \"sand box\"\n    reason: r\n    owner: o\n    hosts: [10.0.0.1]\n",
       "t.yaml:2:9: exclusions[0].id: expected 1 to 64 characters"},
      {"exclusion:\n  - id: x\n", "t.yaml:1:1: exclusion: unknown key"},
      {"exclusions: {id: x}\n", "t.yaml:1:13: exclusions: expected a list"},
      {"exclusions:\n  - [x]\n", "t.yaml:2:5: exclusions[0]: expected a mapping"},
      {"exclusions:\n  - id: x\n   bad indent: [\n", "t.yaml:"},
  };
  for (const BadRow& r : rows) {
    SCOPED_TRACE(r.text);
    Diagnostics d;
    EXPECT_FALSE(parse_exclusions(r.text, "t.yaml", d));
    ASSERT_EQ(d.lines.size(), 1u) << (d.lines.empty() ? "" : d.lines[0]);
    EXPECT_NE(d.lines[0].find(r.expect), std::string::npos) << d.lines[0];
  }
}

TEST(ExclusionLoader, AllMistakesAtOnce) {
  Diagnostics d;
  auto s = parse_exclusions(R"(exclusions:
  - id: a
    reason: r
    hosts: [10.0.0.300]
    window: {days: [someday], hours: "9-5", tz: Mars/Olympus}
  - id: a
    owner: o
    expires: soon
    colour: blue
)",
                            "t.yaml", d);
  EXPECT_FALSE(s);
  // owner (1st), hosts, days, hours, tz; reason (2nd), expires, unknown key, no criterion,
  // duplicate id.
  EXPECT_EQ(d.lines.size(), 10u);
  for (const auto& l : d.lines) EXPECT_EQ(l.rfind("t.yaml:", 0), 0u) << l;
}

TEST(ExclusionLoader, EmptyFilesAndConfigKeys) {
  Diagnostics d;
  auto empty = parse_exclusions("", "t.yaml", d);
  ASSERT_TRUE(empty);
  EXPECT_TRUE((*empty)->empty());
  auto none = parse_exclusions("exclusions: []\n", "t.yaml", d);
  ASSERT_TRUE(none);
  EXPECT_TRUE(d.lines.empty());
  // The config names the file relative to its own directory; write_suppressed is an output.
  auto cfg = parse_config("exclusions: excl.yaml\noutputs: {write_suppressed: true}\n",
                          "/etc/btsensor/btsensor.yaml", d);
  ASSERT_TRUE(cfg) << (d.lines.empty() ? "" : d.lines[0]);
  EXPECT_EQ(cfg->exclusions, "/etc/btsensor/excl.yaml");
  EXPECT_TRUE(cfg->outputs.write_suppressed);
  auto abs = parse_config("exclusions: /srv/x.yaml\n", "conf/b.yaml", d);
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->exclusions, "/srv/x.yaml");
  auto rel = parse_config("exclusions: ../x.yaml\n", "conf/b.yaml", d);
  ASSERT_TRUE(rel);
  EXPECT_EQ(rel->exclusions, "x.yaml");
  EXPECT_FALSE(parse_config("exclusions: \"\"\n", "b.yaml", d));
}

// ---- btsensor check-config on bad exclusions files ----

int run_check_config(const std::string& bin, const std::string& cfg, const std::string& out) {
  std::string cmd = "'" + bin + "' check-config '" + cfg + "' >'" + out + "' 2>&1";
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(CheckConfig, ReportsEveryExclusionMistake) {
  const char* bin = std::getenv("BTSENSOR_BIN");
  if (!bin) GTEST_SKIP() << "SKIPPED: BTSENSOR_BIN not set (meson sets it)";
  TempDir dir;
  write_file(dir / "btsensor.yaml", "exclusions: exclusions.yaml\n");
  write_file(dir / "exclusions.yaml", R"(exclusions:
  - id: sandbox
    reason: malware lab
    owner: soc
    hosts: [10.66.0.0/24]
    colour: blue
  - id: sandbox
    owner: soc
    hosts: [10.66.0.300/24]
    window: {days: [mon, funday], hours: "18:00-99:00", tz: Europe/Nowhere}
    expires: 2026-13-01
  - id: ci
    reason: build farm
    hosts: [10.40.0.0/22]
)");
  ASSERT_EQ(run_check_config(bin, dir / "btsensor.yaml", dir / "out.txt"), 1);
  const std::string out = read_file(dir / "out.txt");
  const std::string f = dir / "exclusions.yaml";
  for (const std::string& want :
       {f + ":6:5: exclusions[0].colour: unknown key", f + ":7:9: exclusions[1].id: duplicate id",
        f + ":7:5: exclusions[1].reason: missing (required)",
        f + ":9:13: exclusions[1].hosts: bad IP/CIDR",
        f + ":10:26: exclusions[1].window.days: bad day",
        f + ":10:42: exclusions[1].window.hours: bad hour range",
        f + ":10:61: exclusions[1].window.tz: time zone 'Europe/Nowhere': unknown time zone",
        f + ":11:14: exclusions[1].expires: expected an RFC 3339",
        f + ":12:5: exclusions[2].owner: missing (required)"}) {
    EXPECT_NE(out.find(want), std::string::npos) << "missing: " << want << "\n" << out;
  }
  // A good file with an expired entry: a warning, still ok.
  write_file(dir / "exclusions.yaml", R"(exclusions:
  - id: old
    reason: finished project
    owner: soc
    expires: 2020-01-01
    hosts: [10.1.0.0/16]
)");
  ASSERT_EQ(run_check_config(bin, dir / "btsensor.yaml", dir / "out.txt"), 0)
      << read_file(dir / "out.txt");
  const std::string ok = read_file(dir / "out.txt");
  EXPECT_NE(ok.find(f + ":5:14: exclusions[0].expires: warning: expired"), std::string::npos) << ok;
  EXPECT_NE(ok.find(": ok"), std::string::npos) << ok;
  // A missing file is an error naming it.
  write_file(dir / "btsensor.yaml", "exclusions: nothere.yaml\n");
  ASSERT_EQ(run_check_config(bin, dir / "btsensor.yaml", dir / "out.txt"), 1);
  EXPECT_NE(read_file(dir / "out.txt").find(dir / "nothere.yaml"), std::string::npos);
}

}  // namespace
}  // namespace btsensor::test
