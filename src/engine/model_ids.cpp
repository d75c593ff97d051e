#include "btsensor/model_ids.hpp"

namespace btsensor {

const char* label_name(LabelId l) {
  switch (l) {
    case LabelId::kBittorrentUser:
      return "bittorrent_user";
    case LabelId::kTorrentSite:
      return "torrent_site";
    case LabelId::kCount_:
      break;
  }
  return "unknown";
}

const char* model_name(ModelId m) {
  switch (m) {
    case ModelId::kBittorrent:
      return "bittorrent";
    case ModelId::kCount_:
      break;
  }
  return "unknown";
}

}  // namespace btsensor
