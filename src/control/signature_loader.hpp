// Loads pipelines/<name>/signatures.yaml and compiles it into Hyperscan databases
// (control plane only: compiling takes milliseconds to seconds and allocates).
#pragma once

#include <memory>
#include <string>

#include "btsensor/result.hpp"
#include "btsensor/signatures.hpp"

namespace btsensor {

struct SignatureSource {
  SignatureMeta meta;
  std::string pattern;
  unsigned hs_flags = 0;
};

// Parses the file; every problem goes to diag as file:line:col. Empty result on errors.
Result<std::vector<SignatureSource>> parse_signatures(const std::string& path, Diagnostics& diag);
Result<std::vector<SignatureSource>> parse_signatures_text(const std::string& text,
                                                           const std::string& name,
                                                           Diagnostics& diag);

// Compiles and allocates `shards` scratches. A pattern Hyperscan rejects is reported as
// `file:line: signature NAME: pattern '…': <hyperscan's message>`.
Result<std::unique_ptr<SignatureSet>> compile_signatures(std::vector<SignatureSource> sources,
                                                         uint32_t shards, Diagnostics& diag);

Result<std::unique_ptr<SignatureSet>> load_signatures(const std::string& path, uint32_t shards,
                                                      Diagnostics& diag);

}  // namespace btsensor
