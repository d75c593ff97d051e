// What the outputs can be told to do: plain data, no behaviour. The config parser
// (control/outputs_config.cpp) fills these and the writers (this directory) consume them, so
// the two modules share one description of every option without a link dependency.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace btsensor {

// When the EVE file is forced to disk. `always` costs one fdatasync per record (a few hundred
// per second on a plain disk); `interval` bounds what a power cut loses to fsync_interval.
enum class FsyncPolicy : uint8_t { kNever, kInterval, kAlways };

struct EveFileOptions {
  bool enabled = true;
  std::string path = "-";  // "-" = stdout, else a file opened for append (reopened on SIGHUP)
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  uint32_t fsync_interval_ms = 1000;
  uint32_t queue = 16384;  // events buffered between the producer and the writer thread
};

enum class SyslogTransport : uint8_t { kUdp, kTcp, kUnix };
// RFC 6587: octet-counting ("LEN SP MSG") survives newlines in a message; newline framing is
// what older receivers understand. JSON lines never contain a raw newline, so both are safe.
enum class SyslogFraming : uint8_t { kOctetCounting, kNewline };

struct SyslogOptions {
  bool enabled = false;
  SyslogTransport transport = SyslogTransport::kUdp;
  std::string address;  // host:port (udp/tcp) or socket path (unix); "" = the default below
  SyslogFraming framing = SyslogFraming::kOctetCounting;
  uint8_t facility = 21;  // local5 (Suricata's default for EVE over syslog)
  uint8_t severity = 6;   // info
  std::string app_name = "btsensor";
  std::string hostname;  // "" = gethostname()
  uint32_t queue = 16384;
  uint32_t reconnect_max_ms = 30000;  // backoff cap while the receiver is down
  uint32_t send_timeout_ms = 1000;    // a TCP receiver slower than this loses the record
};

inline std::string default_syslog_address(SyslogTransport t) {
  return t == SyslogTransport::kUnix ? "/dev/log" : "127.0.0.1:514";
}

struct MetricsOptions {
  bool enabled = true;
  std::string listen = "127.0.0.1:9100";  // loopback unless the operator opens it up
};

struct OutputsConfig {
  uint16_t community_id_seed = 0;
  // Events an exclusion suppresses are still written, marked "suppressed": {"exclusion": ID}
  // (they are counted either way).
  bool write_suppressed = false;
  EveFileOptions eve;
  SyslogOptions syslog;
  MetricsOptions metrics;
};

// RFC 5424 §6.2.1 names, indexed by code (tables 1 and 2).
inline constexpr std::array<std::string_view, 24> kSyslogFacilityNames = {
    "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
    "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "clock",
    "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};
inline constexpr std::array<std::string_view, 8> kSyslogSeverityNames = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};

}  // namespace btsensor
