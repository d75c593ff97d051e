// A LineSink for tests: keeps records in memory and can be held (a stalled disk or
// receiver) to fill the writer's queue.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "outputs/line_sink.hpp"

namespace btsensor::test {

struct FakeSinkState {
  std::atomic<bool> hold{false};
  std::atomic<bool> holding{false};  // the writer thread is inside write(), held
  std::atomic<int> reopens{0};
  std::mutex mu;
  std::vector<std::string> lines;
  std::vector<std::string> types;
};

class FakeSink final : public LineSink {
 public:
  explicit FakeSink(FakeSinkState& s) : s_(s) {}
  void write(const Record& r, SteadyTime) override {
    while (s_.hold.load()) {
      s_.holding.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    s_.holding.store(false);
    std::lock_guard lock(s_.mu);
    s_.lines.emplace_back(r.json);
    s_.types.emplace_back(r.event_type);
    ++counters_.written;
  }
  void flush(SteadyTime) override {}
  void tick(SteadyTime) override {}
  void reopen(SteadyTime) override { ++s_.reopens; }

 private:
  FakeSinkState& s_;
};

}  // namespace btsensor::test
