#include "dataplane/rcu_reclaimer.hpp"

#include <rte_malloc.h>

namespace btsensor {

std::unique_ptr<QsbrReclaimer> QsbrReclaimer::create(uint32_t max_readers) {
  size_t sz = rte_rcu_qsbr_get_memsize(max_readers);
  auto* v = static_cast<rte_rcu_qsbr*>(rte_zmalloc("bts_qsbr", sz, RTE_CACHE_LINE_SIZE));
  if (!v) return nullptr;
  if (rte_rcu_qsbr_init(v, max_readers) != 0) {
    rte_free(v);
    return nullptr;
  }
  return std::unique_ptr<QsbrReclaimer>(new QsbrReclaimer(v));
}

QsbrReclaimer::~QsbrReclaimer() {
  rte_free(v_);
}

void QsbrReclaimer::synchronize() {
  // RTE_QSBR_THRID_INVALID: the caller is not a registered reader.
  rte_rcu_qsbr_synchronize(v_, RTE_QSBR_THRID_INVALID);
}

}  // namespace btsensor
