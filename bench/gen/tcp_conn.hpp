// One simulated TCP connection: handshake, MSS segmentation with correct sequence and
// acknowledgement numbers, delayed ACKs, and the three ways a flow can end (FIN exchange,
// RST, or never closing inside the capture).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "flow_path.hpp"
#include "packet_output.hpp"
#include "scheduler.hpp"
#include "task.hpp"

namespace btsensor::gen {

enum class TcpEnding : uint8_t { kFin, kRst, kNoClose };

class TcpConn {
 public:
  TcpConn(FlowCtx& ctx, PacketOutput& out, const FlowPath& path, const FlowTiming& timing,
          TcpEnding ending);

  // SYN from A, SYN-ACK from B, ACK from A.
  Task open();
  // Side d sends `data` after `delay_us`: MSS-sized segments, PSH on the last one, and the
  // receiver ACKs every second segment (delayed ACK, RFC 1122 4.2.3.2).
  Task send(Dir d, std::vector<uint8_t> data, int64_t delay_us);
  // Side d answers the other side's last packet after its reply delay.
  Task reply(Dir d, std::vector<uint8_t> data) { return send(d, std::move(data), reply_delay(d)); }
  // Ends the connection as chosen at flow creation; `first` is the side that closes.
  Task close(Dir first);

  int64_t reply_delay(Dir sender) { return timing_.reply_delay(path_, sender, ctx_.rng()); }
  FlowCtx& ctx() { return ctx_; }

 private:
  size_t emit(Dir d, uint8_t flags, std::span<const uint8_t> payload,
              std::span<const uint8_t> options = {});

  FlowCtx& ctx_;
  PacketOutput& out_;
  FlowPath path_;
  FlowTiming timing_;
  TcpEnding ending_;
  uint32_t next_seq_[2];
  uint16_t window_[2];
  size_t mss_;
};

}  // namespace btsensor::gen
