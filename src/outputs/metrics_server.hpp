// /metrics over HTTP: prometheus-cpp's Exposer (civetweb) serving one collector.
// Runs its own threads (control plane), never on an lcore.
#pragma once

#include <memory>
#include <string>

#include "btsensor/result.hpp"

namespace prometheus {
class Collectable;
class Exposer;
}  // namespace prometheus

namespace btsensor {

class MetricsServer {
 public:
  // `listen` is host:port ("127.0.0.1:9100", "[::1]:9100"); port 0 picks a free port (see
  // port()). Fails (as a value) when the address is malformed or cannot be bound.
  static Result<std::unique_ptr<MetricsServer>> start(
      const std::string& listen, std::shared_ptr<prometheus::Collectable> collector);
  ~MetricsServer();

  uint16_t port() const { return port_; }

 private:
  MetricsServer() = default;
  std::shared_ptr<prometheus::Collectable> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  uint16_t port_ = 0;
};

}  // namespace btsensor
