// systemd service notifications (sd_notify(3)) for `Type=notify` units: READY=1 once every
// lcore runs, RELOADING=1 … READY=1 around a hot reload, STOPPING=1 when the stop begins,
// STATUS= lines for `systemctl status`, and WATCHDOG=1 pings when the unit sets WatchdogSec.
//
// Without libsystemd at build time (meson finds it optionally) or outside systemd
// (NOTIFY_SOCKET unset) every call does nothing.
#pragma once

#include <chrono>
#include <string>

namespace btsensor::app {

class ServiceNotifier {
 public:
  ServiceNotifier();
  void ready(const std::string& status);
  void reloading();
  void stopping();
  void status(const std::string& status);
  // Call often (the control loop): pings the watchdog at half its interval.
  void watchdog();
  bool active() const { return active_; }

 private:
  void send(const std::string& msg);
  bool active_ = false;
  std::chrono::microseconds watchdog_{0};
  std::chrono::steady_clock::time_point next_ping_{};
};

}  // namespace btsensor::app
