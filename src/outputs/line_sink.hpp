// Where formatted records go: a file, a syslog receiver. Called only by the writer thread
// that owns the sink (async_writer.hpp), so implementations need no locking and may block
// briefly (never an lcore).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "btsensor/types.hpp"

namespace btsensor {

using SteadyTime = std::chrono::steady_clock::time_point;

// One event record as its JSON text (no trailing newline) plus what a framing may need.
struct Record {
  std::string_view json;
  std::string_view event_type;  // "flow", "label", "alert" (syslog MSGID)
};

// Plain counters: written and read by the writer thread only, which publishes them to the
// output's OutputStats (sensor_stats.hpp) after every batch.
struct SinkCounters {
  uint64_t written = 0;  // records handed to the OS (write/send succeeded)
  uint64_t dropped = 0;  // records lost because the sink failed or was down
  uint64_t errors = 0;   // failed operations (open, write, fsync, connect, send)
};

class LineSink {
 public:
  virtual ~LineSink() = default;
  // Takes one record. A sink that buffers counts it written when the buffer reaches the OS.
  virtual void write(const Record& r, SteadyTime now) = 0;
  // End of a batch: hand buffered records to the OS, apply the fsync policy.
  virtual void flush(SteadyTime now) = 0;
  // Periodic call (also when idle): reconnect or reopen after failures, interval fsync.
  virtual void tick(SteadyTime now) = 0;
  // SIGHUP: close and reopen (a file moved away by logrotate, a syslog socket replaced).
  virtual void reopen(SteadyTime now) = 0;
  const SinkCounters& counters() const { return counters_; }

 protected:
  SinkCounters counters_;
};

// Exponential backoff between attempts to bring a failed sink back: min, 2·min, … max.
class Backoff {
 public:
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max) : min_(min), max_(max) {
    cur_ = min_;
  }
  // A failure at `now`: the next attempt is due after the current delay, which then doubles.
  void failed(SteadyTime now) {
    next_ = now + cur_;
    cur_ = std::min(cur_ * 2, max_);
  }
  void succeeded() { cur_ = min_; }
  bool due(SteadyTime now) const { return now >= next_; }
  std::chrono::milliseconds delay() const { return cur_; }

 private:
  std::chrono::milliseconds min_, max_, cur_;
  SteadyTime next_{};
};

}  // namespace btsensor
