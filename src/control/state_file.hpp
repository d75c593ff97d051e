// State kept across a restart (config `state.file`): the hosts holding a label (with the
// label's set time, last activity, reason, setting flow, the alert state of its lifetime and
// the host's BitTorrent context), the peers each host learned, and the tracker addresses
// learned from DNS answers.
//
// The engine stays I/O-free: it only exports (Shard::hosts()/peers()) and restores
// (Shard::restore_host/restore_peer); this file does the JSON and the file system.
//
// File: one JSON object, {"format": "btsensor-state", "version": 1, ...}. Timestamps are
// integer nanoseconds of engine time (packet time in replay-like runs, TSC-derived wall time
// on a NIC). Evidence and labels are stored by name (names never change; bit positions may).
// Written atomically: a temporary file in the same directory, fsync, rename, fsync of the
// directory — a crash leaves the old file or the new one, never half of one.
//
// Restoring: each host goes to the shard that owns it now (shard_of(host, workers): the
// worker count may have changed). A label keeps its original last activity, so it still
// lapses TTL after it; one whose TTL ran out while the sensor was down is expired by the
// shard's first timer work, and its `expire` event carries the original deadline as its
// time (the SIEM saw its `set` before the restart and gets the matching `expire`).
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "btsensor/host_table.hpp"
#include "btsensor/result.hpp"
#include "btsensor/types.hpp"

namespace btsensor {

class Shard;

constexpr int kStateFormatVersion = 1;

struct SavedPeer {
  IpAddr host, ip;
  uint16_t port = 0;
  Timestamp expires = 0;
};

struct SavedTracker {
  IpAddr addr;
  Timestamp expires = 0;
};

struct SensorState {
  Timestamp saved_now = 0;          // engine time when saved: the latest shard clock
  int64_t written_at = 0;           // wall clock, unix seconds (for people)
  std::vector<HostSnapshot> hosts;  // hosts holding at least one label
  std::vector<SavedPeer> peers;
  std::vector<SavedTracker> trackers;
  size_t labels() const;
};

// Shards must not be running (after the lcores stopped). `trackers`: the learned tracker
// overlay (address → expiry).
SensorState collect_state(std::span<const Shard* const> shards,
                          const std::map<IpAddr, Timestamp>& trackers);

std::string encode_state(const SensorState& s);
// Every problem names `name` and what is wrong; unknown label names are skipped (a newer
// sensor's file), anything malformed fails the whole file.
Result<SensorState> decode_state(std::string_view text, const std::string& name);

// Atomic write (see above). Error: one line naming the path.
Result<bool> write_state_file(const std::string& path, const SensorState& s);
// nullopt (no error) when the file does not exist: a first start.
Result<std::optional<SensorState>> read_state_file(const std::string& path);

struct RestoreReport {
  size_t hosts = 0, labels = 0, evicted = 0, peers = 0, trackers = 0;
};

// Into shards that are not running yet: each host to shard_of(host, shards.size()). The
// trackers are returned for the control plane's overlay (it publishes them).
RestoreReport restore_state(const SensorState& s, std::span<Shard* const> shards);

}  // namespace btsensor
