// Reputation feed loader, all three formats. The first byte picks ip_list / iprep /
// tracker_urls; for iprep the text before the first NUL byte is the categories file and the
// rest the data file. The loaded table is then queried (every line that parses as an address
// must not crash a lookup; the table's names must be found again).
#include "btsensor/home_net.hpp"
#include "control/feed_loader.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const char* kFormats[] = {"ip_list", "iprep", "tracker_urls"};
  std::string_view text = fuzz::as_text({data + 1, size - 1});
  FeedSpec spec;
  spec.name = "fuzz";
  spec.format = kFormats[data[0] % 3];
  if (spec.format == "iprep") {
    size_t nul = text.find('\0');
    spec.categories =
        fuzz::write_scratch("categories.txt", nul == text.npos ? text : text.substr(0, nul));
    text = nul == text.npos ? std::string_view() : text.substr(nul + 1);
  }
  spec.path = fuzz::write_scratch("feed.txt", text);
  Diagnostics diag;
  std::vector<FeedLoadReport> reports;
  // A small entry bound so the limit path is reached too.
  auto table = load_feeds({spec}, "file_sharing_bittorrent_tracker", 64, diag, &reports);
  FUZZ_CHECK(reports.size() == 1);
  if (reports[0].bad_lines > 0) FUZZ_CHECK(!diag.empty());  // a bad line is always reported
  if (!table) return 0;
  const ReputationTable& t = **table;
  for (size_t i = 0; i < t.feeds().size(); ++i) (void)t.feeds()[i];
  // Look up every line that parses as an address or CIDR network.
  size_t pos = 0;
  for (int lines = 0; pos <= text.size() && lines < 256; ++lines) {
    size_t nl = text.find('\n', pos);
    if (nl == text.npos) nl = text.size();
    std::string_view l = text.substr(pos, nl - pos);
    // ip_list lines are one address each; iprep lines start with one.
    std::string_view addr = spec.format == "iprep" ? l.substr(0, l.find(',')) : l;
    if (auto c = Cidr::parse(addr, nullptr)) {
      const RepEntry* e = t.lookup(c->network());
      if (spec.format == "ip_list") FUZZ_CHECK(e != nullptr);
    }
    (void)t.tracker_name(l);
    pos = nl + 1;
  }
  (void)t.memory_bytes();
  return 0;
}
