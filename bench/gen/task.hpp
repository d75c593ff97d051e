// Minimal lazily-started C++20 coroutine type used to write each flow as a straight-line
// script ("send SYN, wait one RTT, send SYN-ACK, ...") instead of a hand-written state machine.
//
// A Task can co_await another Task (the child runs until it finishes, then the parent resumes
// by symmetric transfer) and can co_await a scheduler sleep (see scheduler.hpp). Exceptions
// propagate from child to parent and finally to the scheduler.
#pragma once

#include <coroutine>
#include <cstddef>
#include <exception>
#include <utility>

namespace btsensor::gen {

// Recycles coroutine frames. Every flow allocates several frames (its script plus one per
// nested send/close) and frees them soon after; millions of malloc/free pairs cost ~10% of
// the run time, a size-class free list almost nothing. Single-threaded by design, and memory
// is only reused, never returned, which is fine because the number of live frames is bounded
// by the number of active flows.
class FramePool {
 public:
  static void* allocate(size_t size);
  static void release(void* p, size_t size) noexcept;
};

class [[nodiscard]] Task {
 public:
  struct promise_type;
  using Handle = std::coroutine_handle<promise_type>;

  struct FinalAwaiter {
    bool await_ready() const noexcept { return false; }
    // Resume whoever awaited us; a root task (no continuation) hands control back to the
    // scheduler's resume() call.
    std::coroutine_handle<> await_suspend(Handle h) const noexcept {
      auto next = h.promise().continuation;
      return next ? next : std::noop_coroutine();
    }
    void await_resume() const noexcept {}
  };

  struct promise_type {
    std::coroutine_handle<> continuation;
    std::exception_ptr error;

    static void* operator new(size_t size) { return FramePool::allocate(size); }
    static void operator delete(void* p, size_t size) noexcept { FramePool::release(p, size); }

    Task get_return_object() { return Task(Handle::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    FinalAwaiter final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() { error = std::current_exception(); }
  };

  Task() = default;
  explicit Task(Handle h) : handle_(h) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  Handle handle() const { return handle_; }
  bool done() const { return !handle_ || handle_.done(); }
  // Rethrows an exception that escaped the coroutine body, if any.
  void rethrow_if_failed() const {
    if (handle_ && handle_.promise().error) std::rethrow_exception(handle_.promise().error);
  }

  // Awaiting a Task starts it and suspends the awaiter until it completes.
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
    handle_.promise().continuation = awaiting;
    return handle_;
  }
  void await_resume() const { rethrow_if_failed(); }

 private:
  void reset() {
    if (handle_) handle_.destroy();
    handle_ = {};
  }

  Handle handle_;
};

}  // namespace btsensor::gen
