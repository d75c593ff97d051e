// Hunting name matcher: rules built from fuzzed text (one rule per line up to a NUL byte),
// then names after it matched against those rules and the defaults.
#include <string>
#include <vector>

#include "engine/proto/names.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all = fuzz::as_text({data, size});
  size_t nul = all.find('\0');
  std::string_view rules_text = all.substr(0, nul);
  std::string_view names_text = nul == std::string_view::npos ? all : all.substr(nul + 1);

  std::vector<std::string> rules;
  for (size_t pos = 0; pos <= rules_text.size() && rules.size() < 64;) {
    size_t nl = rules_text.find('\n', pos);
    if (nl == std::string_view::npos) nl = rules_text.size();
    rules.emplace_back(rules_text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  std::string err;
  auto m = NameMatcher::create(rules, &err);
  static const NameMatcher defaults = NameMatcher::defaults();

  for (size_t pos = 0; pos <= names_text.size();) {
    size_t nl = names_text.find('\n', pos);
    if (nl == std::string_view::npos) nl = names_text.size();
    std::string_view name = names_text.substr(pos, nl - pos);
    FUZZ_CHECK(fuzz::inside({data, size}, NameMatcher::host_part(name)));
    int d = defaults.match(name);
    FUZZ_CHECK(d >= -1 && d < int(defaults.size()));
    if (d >= 0) FUZZ_CHECK(!defaults.rule_text(d).empty());
    if (m) {
      int i = m->match(name);
      FUZZ_CHECK(i >= -1 && i < int(m->size()));
      (void)m->rule_text(i);
    }
    pos = nl + 1;
  }
  return 0;
}
