// Exclusions: the YAML file (parse_exclusions, with the system's zoneinfo for windows), the
// TZif reader, POSIX TZ rules and RFC 3339 times. The first byte picks which; a loaded set is
// then matched against sample flow, label and alert events.
#include "btsensor/exclusions.hpp"
#include "control/exclusions_loader.hpp"
#include "control/tzif.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;

namespace {

void match_samples(const ExclusionSet& set) {
  FlowRecord f;
  f.host = *IpAddr::parse("10.0.0.2");
  f.tuple.src = f.host;
  f.tuple.dst = *IpAddr::parse("198.18.1.1");
  f.tuple.sport = 6881;
  f.tuple.dport = 51413;
  f.tuple.proto = kProtoUdp;
  f.start = f.end = 1'700'000'000 * kNsPerSec;
  uint16_t m = set.match(f);
  FUZZ_CHECK(m <= set.size());
  LabelEvent l;
  l.host = f.host;
  l.ts = f.end;
  FUZZ_CHECK(set.match(l) <= set.size());
  AlertEvent a;
  a.host = f.host;
  a.ts = f.end;
  FUZZ_CHECK(set.match(a) <= set.size());
  (void)set.ids();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      Diagnostics diag, warnings;
      ExclusionLoadOptions opt;
      opt.now = 1'700'000'000 * kNsPerSec;
      opt.warnings = &warnings;
      auto set = parse_exclusions(text, "fuzz.yaml", diag, opt);
      if (set) {
        FUZZ_CHECK((*set)->size() <= kMaxExclusions);
        match_samples(**set);
      } else {
        FUZZ_CHECK(!diag.empty());
      }
      break;
    }
    case 1: {
      auto tz = parse_tzif("Fuzz/Zone", text);
      if (tz) {
        for (int64_t t : {int64_t(0), int64_t(1'700'000'000), int64_t(-1) << 40, int64_t(1) << 40})
          (void)tz->offset_at(t);
      }
      break;
    }
    case 2: {
      auto tz = parse_posix_tz("Fuzz/Rule", text, 2020);
      if (tz) (void)tz->offset_at(1'700'000'000);
      break;
    }
    case 3: {
      Timestamp t = 0;
      (void)parse_rfc3339(text, t);
      break;
    }
  }
  return 0;
}
