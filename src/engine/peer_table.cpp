#include "btsensor/peer_table.hpp"

namespace btsensor {

PeerTable::PeerTable(uint32_t capacity) {
  uint64_t buckets = 1;
  while (buckets * kWays < capacity) buckets <<= 1;
  entries_.resize(buckets * kWays);
  mask_ = buckets - 1;
}

size_t PeerTable::bucket(const IpAddr& host, const IpAddr& ip, uint16_t port) const {
  uint64_t h = hash_addr(ip, hash_addr(host, port));
  return size_t(h & mask_) * kWays;
}

void PeerTable::learn(const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp now,
                      Timestamp expires) {
  Entry* b = &entries_[bucket(host, ip, port)];
  Entry* victim = &b[0];
  for (int i = 0; i < kWays; ++i) {
    Entry& e = b[i];
    if (e.expires != 0 && e.port == port && e.ip == ip && e.host == host) {
      if (expires > e.expires) e.expires = expires;
      return;
    }
    if (e.expires < victim->expires) victim = &e;
  }
  if (victim->expires > now) ++evictions_;  // a live entry makes room
  *victim = Entry{host, ip, expires, port};
}

bool PeerTable::known(const IpAddr& host, const IpAddr& ip, uint16_t port, Timestamp now) const {
  const Entry* b = &entries_[bucket(host, ip, port)];
  for (int i = 0; i < kWays; ++i) {
    const Entry& e = b[i];
    if (e.expires > now && e.port == port && e.ip == ip && e.host == host) return true;
  }
  return false;
}

}  // namespace btsensor
