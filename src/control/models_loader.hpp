// pipelines/<name>/models.yaml → ModelConfig (control plane).
#pragma once

#include <memory>
#include <string>

#include "btsensor/models.hpp"
#include "btsensor/result.hpp"

namespace btsensor {

Result<std::unique_ptr<ModelConfig>> load_models(const std::string& path, Diagnostics& diag);

}  // namespace btsensor
