// A uTP connection (BEP 29, "Micro Transport Protocol") over a UdpLink: SYN/STATE handshake,
// DATA packets with per-side sequence numbers, selective STATE acks, FIN.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "task.hpp"
#include "udp_link.hpp"

namespace btsensor::gen {

class UtpConn {
 public:
  // Largest DATA payload: keeps the datagram at 1420 bytes, under a 1500 MTU in IPv4 and IPv6
  // (libutp likewise stays well below the path MTU to avoid fragmentation).
  static constexpr size_t kMaxPayload = 1400;

  UtpConn(FlowCtx& ctx, PacketOutput& out, const FlowPath& path, const FlowTiming& timing);

  // ST_SYN from A, ST_STATE from B.
  Task open();
  // Side d sends `data` after `delay_us` as ST_DATA packets; the receiver ST_STATE-acks every
  // second packet and the last.
  Task send(Dir d, std::vector<uint8_t> data, int64_t delay_us);
  Task reply(Dir d, std::vector<uint8_t> data) {
    return send(d, std::move(data), link_.reply_delay(d));
  }
  // ST_FIN from `first`, ST_STATE ack from the other side.
  Task close(Dir first);

  int64_t reply_delay(Dir sender) { return link_.reply_delay(sender); }

 private:
  enum Type : uint8_t { kData = 0, kFin = 1, kState = 2, kReset = 3, kSyn = 4 };
  void emit(Dir d, Type type, std::span<const uint8_t> payload);

  UdpLink link_;
  uint16_t conn_id_[2];  // connection_id carried by packets from each side
  uint16_t syn_conn_id_;
  uint16_t next_seq_[2];
  uint32_t clock_offset_[2];  // each side's private microsecond clock
  uint32_t wnd_[2];
  std::vector<uint8_t> scratch_;
};

}  // namespace btsensor::gen
