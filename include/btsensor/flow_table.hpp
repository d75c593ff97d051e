// Per-shard flow table: bounded, preallocated, keyed by the 5-tuple of either direction.
//
// Records live in a fixed array and are addressed by a 32-bit handle (also their timer
// handle). The index is open addressing with linear probing at load ≤ 0.5 and backward-shift
// deletion, 8 bytes a slot (32-bit hash tag + handle), so a miss rarely touches a record.
// The table never allocates after construction; when it is full, insert() fails and the
// caller evicts (the shard picks the flow whose timer is due first) and counts it.
#pragma once

#include <cstdint>
#include <vector>

#include "btsensor/types.hpp"

namespace btsensor {

// Direction-free key: endpoint a is the lower (address, port) pair, so both directions of a
// flow produce the same key.
struct FlowKey {
  IpAddr a, b;
  uint16_t port_a = 0, port_b = 0;
  uint8_t proto = 0;
  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};

// Builds the key of a packet's tuple; sets `src_is_a` when the packet's sender is endpoint a.
inline FlowKey make_flow_key(const FiveTuple& t, bool& src_is_a) {
  FlowKey k;
  auto c = t.src <=> t.dst;
  src_is_a = c < 0 || (c == 0 && t.sport <= t.dport);
  if (src_is_a) {
    k.a = t.src, k.b = t.dst, k.port_a = t.sport, k.port_b = t.dport;
  } else {
    k.a = t.dst, k.b = t.src, k.port_a = t.dport, k.port_b = t.sport;
  }
  k.proto = t.proto;
  return k;
}

inline uint64_t hash_flow_key(const FlowKey& k) {
  uint64_t h = hash_addr(k.a, k.proto);
  h = hash_addr(k.b, h);
  return mix64(h ^ (uint64_t(k.port_a) << 16 | k.port_b));
}

enum class FlowState : uint8_t { kNew, kEstablished, kClosed };

// Direction 0 is initiator → responder (the sender of the first packet seen; for TCP the
// sender of a SYN without ACK when we saw one), direction 1 the reverse.
struct Flow {
  FlowKey key;
  Timestamp first_ts = 0, last_ts = 0;
  uint64_t bytes[2] = {0, 0};  // IP bytes (header + payload) per direction
  uint32_t pkts[2] = {0, 0};
  uint16_t vlan = 0;
  bool initiator_is_a = true;
  FlowState state = FlowState::kNew;
  uint8_t tcp_flags[2] = {0, 0};  // OR of TCP flags seen per direction
  bool fin[2] = {false, false};
  // --- classification state (owned by the classifier) ---
  uint8_t payload_pkts[2] = {0, 0};  // payload packets inspected per direction (saturating)
  uint8_t confidence = 0;            // Confidence enum value of the best evidence
  uint8_t flags = 0;                 // classifier flags (see classifier.hpp)
  uint32_t evidence = 0;             // bitmask of Evidence kinds
  uint32_t detail = 0xffffffffu;     // handle into the shard's detail pool, or none
  uint32_t proto_state = 0;          // per-protocol scratch (see classifier flags)
  uint32_t host = 0xffffffffu;       // host table handle (checked against the key on use)
};

// The flow's 5-tuple as the initiator sent it (src = initiator): what records and evidence
// references print.
inline FiveTuple initiator_tuple(const Flow& f) {
  bool a = f.initiator_is_a;
  return FiveTuple{a ? f.key.a : f.key.b, a ? f.key.b : f.key.a, a ? f.key.port_a : f.key.port_b,
                   a ? f.key.port_b : f.key.port_a, f.key.proto};
}

class FlowTable {
 public:
  static constexpr uint32_t kNil = 0xffffffffu;

  explicit FlowTable(uint32_t capacity);

  uint32_t find(const FlowKey& k, uint64_t hash) const;
  // Prefetch hints for a lookup coming a few packets later (Shard::process): first the
  // key's home index slot; then, once that slot is in cache, the record it points at
  // (returned: kNil when the slot is empty or its tag differs, i.e. probably a new flow).
  // Never needed for correctness: the table may change before the lookup.
  void prefetch_slot(uint64_t hash) const { __builtin_prefetch(&index_[uint32_t(hash) & mask_]); }
  uint32_t prefetch_record(uint64_t hash) const {
    uint64_t s = index_[uint32_t(hash) & mask_];
    if (s == 0 || tag_of(s) != uint32_t(hash)) return kNil;
    const char* r = reinterpret_cast<const char*>(&flows_[handle_of(s)]);
    __builtin_prefetch(r, 1);
    __builtin_prefetch(r + sizeof(Flow) - 1, 1);  // a record spans two lines
    return handle_of(s);
  }
  // Returns the new record's handle (record reset to defaults with `key` set), or kNil when
  // the table is full. Pre: the key is not present.
  uint32_t insert(const FlowKey& k, uint64_t hash);
  void erase(uint32_t handle);

  Flow& at(uint32_t h) { return flows_[h]; }
  const Flow& at(uint32_t h) const { return flows_[h]; }
  bool live(uint32_t h) const { return slot_of_[h] != kNil; }
  uint32_t size() const { return size_; }
  uint32_t capacity() const { return uint32_t(flows_.size()); }

  template <class Fn>
  void for_each(Fn&& fn) {
    for (uint32_t h = 0; h < flows_.size(); ++h)
      if (slot_of_[h] != kNil) fn(h, flows_[h]);
  }

 private:
  static uint64_t pack(uint32_t tag, uint32_t h) { return uint64_t(tag) << 32 | (h + 1); }
  static uint32_t handle_of(uint64_t s) { return uint32_t(s) - 1; }
  static uint32_t tag_of(uint64_t s) { return uint32_t(s >> 32); }

  std::vector<Flow> flows_;
  std::vector<uint64_t> index_;    // 0 = empty slot
  std::vector<uint32_t> slot_of_;  // handle → index slot, kNil when free
  std::vector<uint32_t> free_;     // stack of free handles
  uint64_t mask_ = 0;
  uint32_t size_ = 0;
};

}  // namespace btsensor
