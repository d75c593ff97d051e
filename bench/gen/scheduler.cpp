#include "scheduler.hpp"

namespace btsensor::gen {
namespace {

constexpr size_t kFrameGranule = 64;      // size classes are multiples of a cache line
constexpr size_t kMaxPooledFrame = 4096;  // larger frames (none today) go to operator new

struct FreeFrame {
  FreeFrame* next;
};
FreeFrame* free_frames[kMaxPooledFrame / kFrameGranule + 1];

size_t size_class(size_t size) {
  return (size + kFrameGranule - 1) / kFrameGranule;
}

}  // namespace

void* FramePool::allocate(size_t size) {
  if (size > kMaxPooledFrame) return ::operator new(size);
  const size_t c = size_class(size);
  if (FreeFrame* f = free_frames[c]) {
    free_frames[c] = f->next;
    return f;
  }
  return ::operator new(c* kFrameGranule);
}

void FramePool::release(void* p, size_t size) noexcept {
  if (size > kMaxPooledFrame) {
    ::operator delete(p);
    return;
  }
  const size_t c = size_class(size);
  FreeFrame* f = static_cast<FreeFrame*>(p);
  f->next = free_frames[c];
  free_frames[c] = f;
}

Scheduler::~Scheduler() {
  // Only reached with flows left over if run() threw; free them so tools like ASan stay quiet.
  for (const Entry& e : heap_) delete e.ctx;
}

void Scheduler::push(const Entry& e) {
  size_t i = heap_.size();
  heap_.push_back(e);
  while (i > 0) {
    const size_t parent = (i - 1) / 4;
    if (!earlier(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void Scheduler::replace_top(const Entry& e) {
  const size_t n = heap_.size();
  size_t i = 0;
  for (;;) {
    const size_t first = 4 * i + 1;
    if (first >= n) break;
    size_t best = first;
    const size_t last = std::min(first + 4, n);
    for (size_t c = first + 1; c < last; ++c) {
      if (earlier(heap_[c], heap_[best])) best = c;
    }
    if (!earlier(heap_[best], e)) break;
    heap_[i] = heap_[best];
    i = best;
  }
  heap_[i] = e;
}

void Scheduler::pop_top() {
  const Entry last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) replace_top(last);
}

void Scheduler::run() {
  while (!heap_.empty()) {
    FlowCtx* ctx = heap_[0].ctx;
    now_ = ctx->wake_;
    // While it runs, the flow stays at the top: flows it spawns start no earlier than now and
    // have a larger spawn order, so they sort after it.
    ctx->resume_.resume();
    if (ctx->root_.done()) {
      pop_top();
      std::unique_ptr<FlowCtx> owned(ctx);
      owned->root_.rethrow_if_failed();
    } else {
      replace_top(Entry{ctx->wake_, ctx->order_, ctx});
    }
  }
}

}  // namespace btsensor::gen
