// The `outputs:` section of the sensor config: EVE file, syslog, metrics listener.
//
//   outputs:
//     community_id_seed: 0
//     write_suppressed: false   # write events an exclusion suppressed (marked), or not
//     eve:     {enabled: true, path: /var/log/btsensor/eve.json, fsync: interval,
//               fsync_interval: 1, queue: 16384}
//     syslog:  {enabled: false, transport: udp, address: "127.0.0.1:514",
//               framing: octet-counting, facility: local5, severity: info,
//               app_name: btsensor, hostname: "", queue: 16384, reconnect_max: 30,
//               send_timeout: 1}
//     metrics: {enabled: true, listen: "127.0.0.1:9100"}
//
// Problems are reported through `report` as (node, key, message), which config.cpp turns
// into `file:line:col: key: message` like every other section.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "outputs/output_options.hpp"

namespace btsensor {

using ConfigReport =
    std::function<void(const YAML::Node& at, const std::string& key, const std::string& msg)>;

void parse_outputs_config(const YAML::Node& n, OutputsConfig& out, const ConfigReport& report);

}  // namespace btsensor
