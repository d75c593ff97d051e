#include "dataplane/eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>

#include <algorithm>
#include <set>

namespace btsensor {
namespace {

bool starts_with(const std::string& s, const char* p) {
  return s.rfind(p, 0) == 0;
}

// Does the user's EAL command line already choose lcores / PCI devices?
bool has_lcore_arg(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "-l" || s == "-c" || s == "--lcores" || starts_with(s, "--lcores=") ||
        (starts_with(s, "-l") && s.size() > 2 && !starts_with(s, "--")) ||
        (starts_with(s, "-c") && s.size() > 2 && !starts_with(s, "--")))
      return true;
  return false;
}

bool has_pci_arg(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "--no-pci" || s == "-a" || s == "-b" || starts_with(s, "--allow") ||
        starts_with(s, "--block") || (starts_with(s, "-a") && !starts_with(s, "--")) ||
        (starts_with(s, "-b") && !starts_with(s, "--")))
      return true;
  return false;
}

}  // namespace

bool is_bus_address(const std::string& port_name) {
  return port_name.find(':') != std::string::npos;
}

std::vector<std::string> build_eal_args(const DataplaneOptions& opt) {
  std::vector<std::string> args{"btsensor"};
  if (!has_lcore_arg(opt.eal_args)) {
    std::set<unsigned> ids(opt.rx_lcores.begin(), opt.rx_lcores.end());
    ids.insert(opt.worker_lcores.begin(), opt.worker_lcores.end());
    ids.insert(opt.aggregator_lcore);
    // The main lcore runs the control thread and the writer: the lowest id no role uses.
    unsigned main = 0;
    while (ids.count(main)) ++main;
    ids.insert(main);
    std::string list;
    for (unsigned id : ids) {
      if (!list.empty()) list += ',';
      list += std::to_string(id);
    }
    args.insert(args.end(), {"-l", list, "--main-lcore", std::to_string(main)});
  }
  bool any_bus = false;
  for (const auto& p : opt.ports) {
    if (!is_bus_address(p.name)) continue;
    any_bus = true;
    args.push_back("-a");
    args.push_back(p.devargs.empty() ? p.name : p.name + "," + p.devargs);
  }
  if (!any_bus && !has_pci_arg(opt.eal_args)) args.push_back("--no-pci");
  args.insert(args.end(), opt.eal_args.begin(), opt.eal_args.end());
  return args;
}

Result<std::unique_ptr<EalSession>> EalSession::init(const std::vector<std::string>& args) {
  std::unique_ptr<EalSession> s(new EalSession());
  s->storage_ = args;
  for (auto& a : s->storage_) s->argv_.push_back(a.data());
  s->argv_.push_back(nullptr);
  int rc = rte_eal_init(int(s->storage_.size()), s->argv_.data());
  if (rc < 0) {
    std::string cmd;
    for (size_t i = 1; i < args.size(); ++i) cmd += (i > 1 ? " " : "") + args[i];
    return Error{"EAL initialisation failed: " + std::string(rte_strerror(rte_errno)) +
                 " (EAL arguments: " + cmd + ")"};
  }
  s->initialised_ = true;
  return s;
}

EalSession::~EalSession() {
  if (initialised_) rte_eal_cleanup();
}

}  // namespace btsensor
