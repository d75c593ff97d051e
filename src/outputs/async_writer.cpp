#include "outputs/async_writer.hpp"

#include "outputs/reopen_signal.hpp"

namespace btsensor {
namespace {

// Records formatted per pass before the sink is flushed and the stats are published:
// bounds the time between two publications under a continuous stream of events.
constexpr int kBatch = 1024;

}  // namespace

AsyncWriter::AsyncWriter(std::string name, std::unique_ptr<LineSink> sink, WriterOptions opt)
    : opt_(opt), sink_(std::move(sink)), fmt_(opt.eve), queue_(opt.queue) {
  stats_.name = std::move(name);
  hup_seen_ = reopen_generation();
  thread_ = std::thread([this] { run(); });
}

AsyncWriter::~AsyncWriter() {
  stop();
}

void AsyncWriter::push(const OutputEvent& e) {
  if (queue_.try_push(e)) return;
  if (opt_.on_full == QueueFull::kDrop || stop_.load(std::memory_order_relaxed)) {
    queue_full_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  while (!queue_.try_push(e)) std::this_thread::sleep_for(std::chrono::microseconds(200));
}

void AsyncWriter::publish() {
  const SinkCounters& c = sink_->counters();
  stats_.written.set(c.written);
  stats_.errors.set(c.errors);
  stats_.dropped.set(c.dropped + queue_full_.load(std::memory_order_relaxed));
}

void AsyncWriter::run() {
  OutputEvent ev;
  for (;;) {
    // Read stop before draining: a pass that saw stop and then found the queue empty has
    // written everything pushed before stop() was called.
    const bool stopping = stop_.load(std::memory_order_acquire);
    const uint64_t pass = pass_.fetch_add(1, std::memory_order_acq_rel) + 1;
    auto now = std::chrono::steady_clock::now();
    uint32_t gen = reopen_generation();
    if (gen != hup_seen_ || reopen_.exchange(false, std::memory_order_relaxed)) {
      hup_seen_ = gen;
      sink_->reopen(now);
    }
    int n = 0;
    while (n < kBatch && queue_.try_pop(ev)) {
      ++n;
      if (auto* r = std::get_if<FlowRecord>(&ev)) {
        sink_->write(Record{fmt_.flow(*r), "flow"}, now);
      } else if (auto* l = std::get_if<LabelEvent>(&ev)) {
        sink_->write(Record{fmt_.label(*l), "label"}, now);
      } else {
        sink_->write(Record{fmt_.alert(std::get<AlertEvent>(ev)), "alert"}, now);
      }
    }
    if (n) sink_->flush(now);
    sink_->tick(now);
    publish();
    if (n == 0) {
      empty_pass_.store(pass, std::memory_order_release);
      if (stopping) break;
      std::this_thread::sleep_for(opt_.idle_sleep);
    }
  }
}

bool AsyncWriter::drain(std::chrono::milliseconds timeout) {
  // An RMW, not a load: the writer's next fetch_add then synchronises with it, so every push
  // made before this call is visible to the passes numbered after it.
  const uint64_t called_at = pass_.fetch_add(0, std::memory_order_acq_rel);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (empty_pass_.load(std::memory_order_acquire) <= called_at) {
    if (!thread_.joinable() || std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void AsyncWriter::stop() {
  stop_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
  publish();
}

}  // namespace btsensor
