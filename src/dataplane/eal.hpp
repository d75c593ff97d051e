// EAL arguments and lifetime.
//
// Arguments: the lcore list from the config's roles (unless the command line brings its own
// -l/--lcores/-c), `-a ADDR[,devargs]` for bus-address ports, `--no-pci` when every port is
// a vdev and the command line says nothing about PCI, then everything after `--` verbatim.
// vdev ports are not passed as --vdev: the dataplane attaches them one by one after init
// (rte_dev_probe) so that a failing port is reported by name with its own error.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "btsensor/result.hpp"
#include "dataplane/options.hpp"

namespace btsensor {

// True for a bus address such as 0000:3b:00.0 (vdev names never contain ':').
bool is_bus_address(const std::string& port_name);

std::vector<std::string> build_eal_args(const DataplaneOptions& opt);

// rte_eal_init on construction, rte_eal_cleanup on destruction. One per process (an EAL
// limit): a second init fails with EALREADY.
class EalSession {
 public:
  static Result<std::unique_ptr<EalSession>> init(const std::vector<std::string>& args);
  ~EalSession();
  EalSession(const EalSession&) = delete;
  EalSession& operator=(const EalSession&) = delete;

 private:
  EalSession() = default;
  // rte_eal_init may keep pointers into argv (e.g. the program name): keep them alive.
  std::vector<std::string> storage_;
  std::vector<char*> argv_;
  bool initialised_ = false;
};

}  // namespace btsensor
