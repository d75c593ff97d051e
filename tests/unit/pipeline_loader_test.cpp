// The pipeline files (signatures, hunting rules, models) as an operator edits them: every kind
// of mistake is reported with file:line[:col] and the key or pattern at fault, all at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "control/models_loader.hpp"
#include "control/pipeline.hpp"
#include "control/signature_loader.hpp"
#include "support/pipeline.hpp"

namespace btsensor::test {
namespace {

namespace fs = std::filesystem;

std::string write_tmp(const std::string& name, const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("btsensor-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(Signatures, ShippedPipelineCompiles) {
  Diagnostics d;
  auto p = load_pipeline(source_pipeline_dir(), 2, d);
  ASSERT_TRUE(p) << (d.lines.empty() ? "" : d.lines[0]);
  EXPECT_GE(p->signatures->sigs.size(), 15u);
  EXPECT_EQ(p->signatures->scratch.size(), 2u);  // one scratch per shard
  EXPECT_TRUE(p->signatures->tcp_db && p->signatures->udp_db);
}

TEST(Signatures, MistakesNameFileLineAndKey) {
  struct Row {
    const char* text;
    const char* expect;
  };
  const Row rows[] = {
      {"signatures:\n  - {id: 1, name: a, pattern: 'x', evidence: dht, transport: sctp}\n",
       "s.yaml:2:62: signatures[0].transport: unknown value 'sctp'"},
      {"signatures:\n  - {id: 1, name: a, pattern: 'x', evidence: nope}\n",
       "signatures[0].evidence: unknown value 'nope'"},
      {"signatures:\n  - {id: 1, name: a, pattern: 'x', evidence: dht, validator: magic}\n",
       "signatures[0].validator: unknown value 'magic'"},
      {"signatures:\n  - {id: 1, name: a, pattern: 'x', evidence: dht}\n  - {id: 1, name: b, "
       "pattern: 'y', evidence: dht}\n",
       "signatures[1].id: duplicate id 1"},
      {"signatures:\n  - {id: 1, name: Bad-Name, pattern: 'x', evidence: dht}\n",
       "signatures[0].name: use 1-48 characters of [a-z0-9_]"},
      {"signatures:\n  - {id: 1, name: a, evidence: dht}\n", "missing required key 'pattern'"},
      {"signatures:\n  - {id: 1, name: a, pattern: 'x', evidence: dht, colour: red}\n",
       "signatures[0].colour: unknown key"},
      {"signatures:\n  - {id: 1, name: a, pattern: 'x', evidence: dht, flags: [sticky]}\n",
       "signatures[0].flags: unknown value 'sticky'"},
      {"sigs: []\n", "s.yaml:1:1: signatures: expected a top-level 'signatures:' list"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    Diagnostics d;
    auto s = parse_signatures_text(r.text, "s.yaml", d);
    EXPECT_FALSE(s);
    ASSERT_FALSE(d.lines.empty());
    EXPECT_NE(d.lines[0].find(r.expect), std::string::npos) << d.lines[0];
  }
}

TEST(Signatures, HyperscanRejectionNamesFileLineAndPattern) {
  Diagnostics d;
  auto src = parse_signatures_text(
      "signatures:\n  - {id: 1, name: ok, pattern: '^ok', evidence: dht}\n"
      "  - {id: 2, name: broken, pattern: '(unclosed', evidence: dht}\n",
      "s.yaml", d);
  ASSERT_TRUE(src);
  auto set = compile_signatures(std::move(*src), 1, d);
  EXPECT_FALSE(set);
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_EQ(d.lines[0].rfind("s.yaml:3: signature broken: pattern '(unclosed': ", 0), 0u)
      << d.lines[0];
}

TEST(Models, DefaultsAndMistakes) {
  Diagnostics ok;
  auto m = load_models(source_pipeline_dir() + "/models.yaml", ok);
  ASSERT_TRUE(m) << (ok.lines.empty() ? "" : ok.lines[0]);
  EXPECT_EQ((*m)->labels[0].ttl, 1800 * kNsPerSec);
  EXPECT_TRUE((*m)->transfer_ports.contains(6885));
  EXPECT_TRUE((*m)->tracker_ports_udp.contains(1337));
  EXPECT_FALSE((*m)->transfer_ports.contains(80));
  struct Row {
    const char* text;
    const char* expect;
  };
  const Row rows[] = {
      {"labels:\n  bittorrent_user: {ttl: 0}\n",
       "labels.bittorrent_user.ttl: value 0 out of range"},
      {"labels:\n  bittorrent_user: {ttl: 9999999}\n", "out of range [1, 604800]"},
      {"labels:\n  torrent_site: {enabled: maybe}\n",
       "labels.torrent_site.enabled: expected true or false"},
      {"labels:\n  pirate: {}\n", "labels.pirate: unknown key"},
      {"models:\n  bittorrent: {transfer_ports: [\"6889-6881\"]}\n",
       "models.bittorrent.transfer_ports: expected a port 1-65535 or a range"},
      {"models:\n  bittorrent: {transfer_ports: [70000]}\n", "expected a port 1-65535"},
      {"labels:\n  bittorrent_user: {tracker_ports: {sctp: [1]}}\n",
       "labels.bittorrent_user.tracker_ports.sctp: unknown key"},
  };
  for (const Row& r : rows) {
    SCOPED_TRACE(r.text);
    Diagnostics d;
    auto bad = load_models(write_tmp("models.yaml", r.text), d);
    EXPECT_FALSE(bad);
    ASSERT_FALSE(d.lines.empty());
    EXPECT_NE(d.lines[0].find(r.expect), std::string::npos) << d.lines[0];
  }
}

TEST(Hunting, BadRuleIsReported) {
  fs::path dir = fs::temp_directory_path() / ("btsensor-pipe-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::copy_file(source_pipeline_dir() + "/signatures.yaml", dir / "signatures.yaml",
                fs::copy_options::overwrite_existing);
  fs::copy_file(source_pipeline_dir() + "/models.yaml", dir / "models.yaml",
                fs::copy_options::overwrite_existing);
  std::ofstream(dir / "hunting.yaml") << "names:\n  - contains:torrent\n  - startswith:x\n";
  Diagnostics d;
  auto p = load_pipeline(dir.string(), 1, d);
  EXPECT_FALSE(p);
  ASSERT_EQ(d.lines.size(), 1u);
  EXPECT_NE(d.lines[0].find("hunting.yaml:3:5: names:"), std::string::npos) << d.lines[0];
  fs::remove_all(dir);
}

}  // namespace
}  // namespace btsensor::test
