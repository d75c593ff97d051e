// btgen command line: parsing, validation and --help text.
#pragma once

#include <cstdint>
#include <string>

#include "packet_output.hpp"

namespace btsensor::gen {

struct Options {
  std::string out_path;
  std::string truth_path;
  uint64_t seed = 1;
  uint32_t hosts = 16;
  uint64_t flows = 400;
  double bt_share = 0.25;
  Profile profile = Profile::kRealistic;
  int64_t duration_us = 120'000'000;
  int64_t start_unix = 1'700'000'000;  // 2023-11-14T22:13:20Z
  double ipv6_share = 0.05;
  double vlan_share = 0.10;
  double rst_share = 0.03;
  double noclose_share = 0.03;
  bool demo = false;
  bool quiet = false;
};

struct ParsedArgs {
  Options options;
  // -1: run with `options`; otherwise exit with this code after printing `message`
  // (to stdout for --help, to stderr for errors).
  int exit_code = -1;
  std::string message;
};

ParsedArgs parse_args(int argc, const char* const* argv);
std::string help_text();

}  // namespace btsensor::gen
