// Identifiers of host labels and detection models, and their names in events and metrics.
#pragma once

#include <cstdint>

namespace btsensor {

enum class LabelId : uint8_t {
  kBittorrentUser = 0,  // talked to a tracker (reputation or DPI announce/scrape)
  kTorrentSite = 1,     // hunting: looked up / visited a torrent-related name
  kCount_
};
constexpr int kLabelCount = int(LabelId::kCount_);

enum class ModelId : uint8_t {
  kBittorrent = 0,  // labelled host also seen in peer traffic / on transfer ports
  kCount_
};
constexpr int kModelCount = int(ModelId::kCount_);

const char* label_name(LabelId l);
const char* model_name(ModelId m);

}  // namespace btsensor
