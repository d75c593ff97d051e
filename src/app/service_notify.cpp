#include "app/service_notify.hpp"

#include <cstdlib>

#ifdef BTSENSOR_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace btsensor::app {

ServiceNotifier::ServiceNotifier() {
#ifdef BTSENSOR_HAVE_SYSTEMD
  active_ = std::getenv("NOTIFY_SOCKET") != nullptr;
  uint64_t usec = 0;
  if (active_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_ = std::chrono::microseconds(usec);
#endif
}

void ServiceNotifier::send(const std::string& msg) {
#ifdef BTSENSOR_HAVE_SYSTEMD
  if (active_) sd_notify(0, msg.c_str());
#else
  (void)msg;
#endif
}

void ServiceNotifier::ready(const std::string& status) {
  send("READY=1\nSTATUS=" + status);
}

void ServiceNotifier::reloading() {
  send("RELOADING=1\nSTATUS=reloading");
}

void ServiceNotifier::stopping() {
  send("STOPPING=1\nSTATUS=stopping: flushing flows and events");
}

void ServiceNotifier::status(const std::string& status) {
  send("STATUS=" + status);
}

void ServiceNotifier::watchdog() {
  if (watchdog_.count() == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_ping_) return;
  next_ping_ = now + watchdog_ / 2;
  send("WATCHDOG=1");
}

}  // namespace btsensor::app
