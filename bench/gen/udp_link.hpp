// A UDP "flow": the datagrams exchanged between one pair of endpoints.
#pragma once

#include <span>

#include "flow_path.hpp"
#include "packet_output.hpp"
#include "scheduler.hpp"

namespace btsensor::gen {

class UdpLink {
 public:
  UdpLink(FlowCtx& ctx, PacketOutput& out, const FlowPath& path, const FlowTiming& timing)
      : ctx_(ctx), out_(out), path_(path), timing_(timing) {}

  // Sends one datagram from side d at the current time.
  void send(Dir d, std::span<const uint8_t> payload) { out_.emit_udp(ctx_, path_, d, payload); }

  int64_t reply_delay(Dir sender) { return timing_.reply_delay(path_, sender, ctx_.rng()); }
  const FlowTiming& timing() const { return timing_; }
  const FlowPath& path() const { return path_; }
  FlowCtx& ctx() { return ctx_; }

 private:
  FlowCtx& ctx_;
  PacketOutput& out_;
  FlowPath path_;
  FlowTiming timing_;
};

}  // namespace btsensor::gen
