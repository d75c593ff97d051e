#include "outputs/metrics_server.hpp"

#include <prometheus/exposer.h>

#include <exception>

#include "outputs/host_port.hpp"

namespace btsensor {

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(
    const std::string& listen, std::shared_ptr<prometheus::Collectable> collector) {
  HostPort hp;
  if (!split_host_port(listen, hp))
    return Error{"metrics address '" + listen + "': expected host:port (e.g. 127.0.0.1:9100)"};
  std::unique_ptr<MetricsServer> s(new MetricsServer());
  try {
    // civetweb wants IPv6 in brackets, as host_port.hpp accepts it.
    std::string addr = (hp.host.find(':') != std::string::npos ? "[" + hp.host + "]" : hp.host) +
                       ":" + std::to_string(hp.port);
    s->exposer_ = std::make_unique<prometheus::Exposer>(addr, 2);
  } catch (const std::exception& e) {
    // civetweb reports a busy port or a bad address by throwing from the constructor.
    return Error{"metrics: cannot listen on " + listen + ": " + e.what()};
  }
  auto ports = s->exposer_->GetListeningPorts();
  s->port_ = ports.empty() ? hp.port : uint16_t(ports.front());
  s->collector_ = std::move(collector);
  s->exposer_->RegisterCollectable(s->collector_);
  return s;
}

MetricsServer::~MetricsServer() {
  // Stop serving before the collector (and the stats it points to) can go away.
  if (exposer_) exposer_->RemoveCollectable(collector_);
  exposer_.reset();
}

}  // namespace btsensor
