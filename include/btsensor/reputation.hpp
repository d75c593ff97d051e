// IP reputation: addresses and prefixes from tracker feeds, immutable once built, published by
// the control plane with RCU (published.hpp) and read by every shard without a lock.
//
// Layout: one open-addressing hash table per prefix length present in the feeds (exact
// addresses are just the /32 or /128 table). A lookup masks the address once per distinct
// length and probes that table: for the usual feeds (a few lengths) that is one to three
// probes, each one cache line, whatever the number of entries. IPv4 tables use 8-byte slots
// (4-byte key + 4-byte entry index): 10 M addresses take 256 MiB of slots at load ≤ 0.5.
//
// Large IPv4 tables (slots beyond L2) also keep a one-bit-per-key filter, 8 bits per entry
// (16 MiB at 10 M entries): most addresses are on no feed, and the filter answers "not
// here" for ~88–93% of them from a structure 16× smaller than the slots, instead of a DRAM
// miss into the slots. Big arrays ask for transparent huge pages, so a random probe does not
// also miss the TLB. (bench_micro BM_Reputation* measures both.)
//
// Also holds the tracker *hostnames* from URL feeds, for passive DNS: a DNS answer for one of
// them teaches the shard the tracker's current addresses.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "btsensor/types.hpp"

namespace btsensor {

// What a feed says about an address. Port/transport come from tracker URLs
// (udp://1.2.3.4:6969/announce); plain lists leave them 0 (any).
struct RepEntry {
  uint16_t feed = 0;      // index into ReputationTable::feeds()
  uint16_t category = 0;  // index into ReputationTable::categories()
  uint16_t port = 0;      // 0: any (then the configured tracker ports apply)
  uint8_t transport = 0;  // 0 any, kProtoTcp, kProtoUdp
  uint8_t score = 0;      // iprep score (0–127), 0 when the feed has none
};

class ReputationTable {
 public:
  class Builder;
  // The entry for `a`, longest prefix first; nullptr when no feed lists it. No allocation.
  const RepEntry* lookup(const IpAddr& a) const;
  // Is `name` (lower case, no trailing dot) a tracker hostname from a feed? No allocation.
  int tracker_name(std::string_view name) const;  // index, or -1

  const std::vector<std::string>& feeds() const { return feeds_; }
  const std::vector<std::string>& categories() const { return categories_; }
  const std::vector<uint64_t>& feed_entries() const { return feed_entries_; }
  const std::string& name_at(int i) const { return names_[size_t(i)]; }
  size_t size() const { return entries_.size(); }
  size_t memory_bytes() const;
  // The category index that means "BitTorrent tracker", or -1 when no feed uses it.
  int tracker_category() const { return tracker_category_; }

 private:
  struct V4Slot {
    uint32_t key = 0;
    uint32_t value = 0;  // entry index + 1; 0 = empty
  };
  struct V6Slot {
    uint64_t hi = 0, lo = 0;
    uint32_t value = 0;
  };
  struct V4Table {
    uint8_t prefix = 32;
    uint32_t mask = 0;
    uint64_t slot_mask = 0;
    std::vector<V4Slot> slots;
    // Bit (hash >> 32) & filter_mask is set for every key in the table; empty = no filter.
    std::vector<uint64_t> filter;
    uint64_t filter_mask = 0;
  };
  struct V6Table {
    uint8_t prefix = 128;
    uint64_t mask_hi = 0, mask_lo = 0;
    uint64_t slot_mask = 0;
    std::vector<V6Slot> slots;
  };
  std::vector<V4Table> v4_;  // longest prefix first
  std::vector<V6Table> v6_;
  std::vector<RepEntry> entries_;
  std::vector<std::string> feeds_, categories_;
  std::vector<uint64_t> feed_entries_;
  int tracker_category_ = -1;
  // Tracker names: open addressing over name hashes → index into names_.
  std::vector<std::string> names_;
  std::vector<uint32_t> name_slots_;  // index + 1; 0 = empty
  uint64_t name_mask_ = 0;
};

// Builds a table (control plane; allocates freely).
class ReputationTable::Builder {
 public:
  uint16_t feed(const std::string& name);
  uint16_t category(const std::string& name);
  // Later additions of the same prefix do not replace earlier ones (first feed wins).
  void add(const IpAddr& net, unsigned prefix_len_128, RepEntry e);
  void add_tracker_name(std::string name);  // lower-cased by the caller
  std::unique_ptr<ReputationTable> build(const std::string& tracker_category_name);

 private:
  struct Pending {
    IpAddr net;
    unsigned prefix128;
    RepEntry e;
  };
  std::vector<Pending> pending_;
  std::vector<std::string> feeds_, categories_, names_;
};

// FNV-1a over lower-case text: shared by the table and its users so the hash is the same.
inline uint64_t hash_name(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= (c >= 'A' && c <= 'Z') ? uint8_t(c + 32) : c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace btsensor
