// Which time a packet gets: the PMD's RX timestamp (packet time) or the TSC.
//
// Replay's `now` is the capture timestamp, so a capture replayed through net_pcap must use
// packet time to give the same flows. net_pcap (DPDK 22.11, drivers/net/pcap) opens files
// with microsecond precision and writes tv_sec * 1e6 + tv_usec into the RX timestamp dynfield
// and sets the RX timestamp dynflag on every mbuf it reads from a file; it does not advertise
// RTE_ETH_RX_OFFLOAD_TIMESTAMP, and with infinite_rx=1 it copies packets into fresh mbufs
// without the stamp. NIC timestamps count the device clock, whose unit and epoch vary by PMD,
// so they are only used when time_source is `packet` (taken as nanoseconds since the epoch).
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <array>
#include <cstdint>

#include "btsensor/types.hpp"
#include "dataplane/tsc_clock.hpp"

namespace btsensor {

struct PacketTime {
  // Idle workers advance their shard to the packet-time frontier instead of the TSC, so that
  // a capture's timeouts do not jump to "now" when the capture ends.
  bool packet_mode = false;
  uint64_t ts_flag = 0;  // the RX timestamp dynflag bit; 0 when none is registered
  int ts_offset = -1;    // the RX timestamp dynfield offset
  // Nanoseconds per timestamp unit, by port id; 0 = ignore that port's stamps.
  std::array<uint32_t, RTE_MAX_ETHPORTS> scale{};
  TscClock clock;

  // Time of one packet: its RX stamp when the port's stamps are used, else `tsc_now` (one TSC
  // reading per burst). Sets `fallback` when packet mode had to use the TSC for it.
  Timestamp of(const rte_mbuf* m, Timestamp tsc_now, bool& fallback) const {
    if (!packet_mode) return tsc_now;
    uint32_t s = m->port < scale.size() ? scale[m->port] : 0;
    if (s != 0 && (m->ol_flags & ts_flag)) {
      return Timestamp(*RTE_MBUF_DYNFIELD(m, ts_offset, const rte_mbuf_timestamp_t*)) * s;
    }
    fallback = true;
    return tsc_now;
  }
};

}  // namespace btsensor
