#include "control/pipeline.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "btsensor_paths.hpp"
#include "control/models_loader.hpp"
#include "control/signature_loader.hpp"
#include "control/yaml_util.hpp"

namespace btsensor {
namespace {

std::unique_ptr<proto::NameMatcher> load_names(const std::string& path, Diagnostics& diag) {
  YAML::Node root;
  if (!load_yaml_file(path, diag, root)) return nullptr;
  Reporter rep(path, diag);
  if (!root.IsMap() || !root["names"] || !root["names"].IsSequence()) {
    rep.at(root, "names", "expected a top-level 'names:' list of contains:/suffix: rules");
    return nullptr;
  }
  check_keys(rep, root, "", {"names"});
  std::vector<std::string> rules;
  for (const auto& n : root["names"]) {
    std::string rule;
    if (!read_string(rep, n, "names", rule)) continue;
    std::string err;
    std::string_view one[] = {rule};
    if (!proto::NameMatcher::create(one, &err)) {
      rep.at(n, "names", err);
      continue;
    }
    rules.push_back(rule);
  }
  if (rep.errors()) return nullptr;
  std::string err;
  auto m = proto::NameMatcher::create(rules, &err);
  if (!m) {
    rep.file(err);
    return nullptr;
  }
  return std::make_unique<proto::NameMatcher>(std::move(*m));
}

}  // namespace

Result<Pipeline> load_pipeline(const std::string& dir, uint32_t shards, Diagnostics& diag) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) {
    diag.add(dir + ": pipeline directory not found");
    return Error{"no pipeline"};
  }
  Pipeline p;
  p.dir = dir;
  size_t before = diag.lines.size();
  auto sigs = load_signatures((fs::path(dir) / "signatures.yaml").string(), shards, diag);
  if (sigs) p.signatures = std::move(*sigs);
  p.names = load_names((fs::path(dir) / "hunting.yaml").string(), diag);
  auto models = load_models((fs::path(dir) / "models.yaml").string(), diag);
  if (models) p.models = std::move(*models);
  if (diag.lines.size() != before || !p.signatures || !p.names || !p.models)
    return Error{"invalid pipeline"};
  return p;
}

std::string default_pipeline_dir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("BTSENSOR_PIPELINE")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> bases;
  // A binary in its build directory uses the source tree's pipeline, even when a package
  // is installed on the same machine (tests must see the pipeline they were built with).
  const std::string build_root = BTSENSOR_BUILD_ROOT;
  if (!ec && exe.string().compare(0, build_root.size() + 1, build_root + "/") == 0)
    bases.push_back(BTSENSOR_SOURCE_PIPELINES);
  // Installed: <prefix>/bin/btsensor next to <prefix>/share/btsensor/pipelines — found
  // relative to the binary first, so a staged or relocated install finds its own copy.
  if (!ec) bases.push_back(exe.parent_path().parent_path() / "share" / "btsensor" / "pipelines");
  bases.push_back(BTSENSOR_INSTALLED_PIPELINES);
  bases.push_back(BTSENSOR_SOURCE_PIPELINES);
  for (const fs::path& base : bases) {
    fs::path p = base / "bittorrent";
    if (fs::is_directory(p, ec)) return p.string();
  }
  return (fs::path(BTSENSOR_INSTALLED_PIPELINES) / "bittorrent").string();
}

void publish_pipeline(Pipeline&& p, SharedTables& shared, Reclaimer& r) {
  shared.signatures.publish(std::move(p.signatures), r);
  shared.names.publish(std::move(p.names), r);
  shared.models.publish(std::move(p.models), r);
}

}  // namespace btsensor
