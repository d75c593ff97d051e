// One output: a preallocated event queue in front of a writer thread that formats EVE JSON
// and hands it to a LineSink (file, syslog).
//
// The producer side (on_flow/on_label/on_alert) is what an lcore calls: one try_push, no
// allocation, no lock, no syscall. A full queue is a counted drop (OutputStats.dropped) —
// or, for drivers that are not lcores and must not lose events (offline replay), a short
// wait (QueueFull::kWait).
//
// The writer thread owns the sink, the formatter and the OutputStats: it publishes
// written/dropped/errors after every pass, folding in the producers' queue-full count, so
// every stats field keeps a single writer (counter.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <variant>

#include "btsensor/events.hpp"
#include "btsensor/sensor_stats.hpp"
#include "outputs/eve_writer.hpp"
#include "outputs/event_queue.hpp"
#include "outputs/line_sink.hpp"

namespace btsensor {

enum class QueueFull : uint8_t {
  kDrop,  // count and drop: lcores (never block the data path)
  kWait,  // wait for room: offline replay, where every event must be written
};

struct WriterOptions {
  uint32_t queue = 16384;
  QueueFull on_full = QueueFull::kDrop;
  EveOptions eve;
  // How long the writer sleeps when its queue is empty: the latency added to an event
  // arriving on an idle sensor, and the period of the sink's tick() (reconnect, fsync).
  std::chrono::milliseconds idle_sleep{5};
};

using OutputEvent = std::variant<FlowRecord, LabelEvent, AlertEvent>;

class AsyncWriter final : public EventSink {
 public:
  // Starts the writer thread. `name` labels the output in metrics ("eve", "syslog").
  AsyncWriter(std::string name, std::unique_ptr<LineSink> sink, WriterOptions opt);
  ~AsyncWriter() override;  // stop()
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  void on_flow(const FlowRecord& r) override { push(OutputEvent(r)); }
  void on_label(const LabelEvent& e) override { push(OutputEvent(e)); }
  void on_alert(const AlertEvent& e) override { push(OutputEvent(e)); }

  // Waits until every event pushed before the call has been handed to the sink and the
  // sink flushed. False on timeout. Any thread but the writer.
  bool drain(std::chrono::milliseconds timeout);
  // Asks the writer thread to reopen its sink (SIGHUP, see reopen_signal.hpp).
  void request_reopen() { reopen_.store(true, std::memory_order_relaxed); }
  // Writes what is queued, flushes, stops the thread. Idempotent.
  void stop();

  // Read by the metrics collector; written by the writer thread only.
  const OutputStats& stats() const { return stats_; }
  const LineSink& sink() const { return *sink_; }

 private:
  void push(const OutputEvent& e);
  void run();
  void publish();

  WriterOptions opt_;
  std::unique_ptr<LineSink> sink_;
  EveFormatter fmt_;
  BoundedQueue<OutputEvent> queue_;
  OutputStats stats_;
  // Producers' drop count. An atomic RMW, unlike the per-packet counters: there may be
  // several producers, and it is touched only when the queue is already full.
  std::atomic<uint64_t> queue_full_{0};
  std::atomic<bool> reopen_{false};
  std::atomic<bool> stop_{false};
  // drain(): the writer numbers its passes and records the last one that found the queue
  // empty; a pass numbered after a drain() call that found it empty has written everything
  // pushed before the call.
  std::atomic<uint64_t> pass_{0};
  std::atomic<uint64_t> empty_pass_{0};
  uint32_t hup_seen_ = 0;
  std::thread thread_;
};

}  // namespace btsensor
