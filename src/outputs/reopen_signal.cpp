#include "outputs/reopen_signal.hpp"

#include <atomic>
#include <csignal>

namespace btsensor {
namespace {

// Lock-free is required for use in a signal handler; checked at compile time.
std::atomic<uint32_t> g_generation{0};
static_assert(std::atomic<uint32_t>::is_always_lock_free);

void on_sighup(int) {
  g_generation.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

void install_sighup_handler(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // a writer in write(2) resumes instead of failing with EINTR
  sigaction(SIGHUP, &sa, nullptr);
}

void install_reopen_on_sighup() {
  install_sighup_handler(on_sighup);
}

uint32_t reopen_generation() {
  return g_generation.load(std::memory_order_relaxed);
}

void request_reopen_all() {
  on_sighup(SIGHUP);
}

}  // namespace btsensor
