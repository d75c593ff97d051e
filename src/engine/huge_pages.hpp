// Large engine tables on transparent huge pages.
//
// A table of millions of entries probed at random costs a TLB miss per probe on 4 KiB pages
// (the walk itself often misses the caches). Debian's default THP mode is "madvise": only
// regions that ask get 2 MiB pages, and only for pages first touched after asking. So the
// tables reserve their memory, advise it, and only then write it. Construction time only
// (control plane or shard set-up), never per packet; where THP is off the advice is ignored.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <vector>

namespace btsensor {

// Replaces v's contents with n copies of `value`, in memory advised for huge pages.
template <class T>
void assign_huge(std::vector<T>& v, size_t n, const T& value) {
  constexpr uintptr_t kHuge = uintptr_t(2) << 20;
  v.clear();
  v.shrink_to_fit();
  v.reserve(n);  // allocated, not yet touched
  uintptr_t lo = (reinterpret_cast<uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
  uintptr_t hi = (reinterpret_cast<uintptr_t>(v.data()) + n * sizeof(T)) & ~(kHuge - 1);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
  v.assign(n, value);  // within capacity: no reallocation; first touch after the advice
}

}  // namespace btsensor
