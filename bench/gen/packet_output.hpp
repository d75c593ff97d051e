// Turns "side d of this flow sends this payload now" into a frame in the pcap, applying the
// --profile size rules. This is the only place that knows about profiles, so every flow script
// is written once for natural protocol sizes and the 64/imix variants fall out automatically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "flow_path.hpp"
#include "packet_builder.hpp"
#include "pcap_writer.hpp"
#include "scheduler.hpp"

namespace btsensor::gen {

enum class Profile : uint8_t {
  kRealistic,  // natural sizes; bulk data in MTU-sized segments
  k64,         // every frame 64 bytes on the wire (60 captured + FCS the NIC adds)
  kImix,       // payload-carrying frames 64/570/1518 bytes on the wire in ratio 7:4:1
};

struct FrameSize {
  size_t payload;  // payload bytes actually carried (may be truncated)
  size_t frame;    // captured frame length, padding included
};

// Chooses frame and payload length for a frame with `header` bytes of headers that wants to
// carry `payload` bytes. Lengths are as captured: the 4-byte FCS is not in pcap files, so
// "64 on the wire" is a 60-byte record, 570 -> 566, 1518 -> 1514.
FrameSize fit_frame(Profile profile, size_t header, size_t payload, Rng& rng);

class PacketOutput {
 public:
  PacketOutput(PcapWriter& writer, Profile profile) : writer_(writer), profile_(profile) {}

  Profile profile() const { return profile_; }
  // 64-byte frames have no room for TCP options (SYN with MSS/SACK/WS would be 66 bytes).
  bool tcp_options_allowed() const { return profile_ != Profile::k64; }

  // Both return the number of payload bytes that made it into the frame.
  size_t emit_tcp(FlowCtx& ctx, FlowPath& path, Dir d, const TcpFields& tcp,
                  std::span<const uint8_t> payload);
  size_t emit_udp(FlowCtx& ctx, FlowPath& path, Dir d, std::span<const uint8_t> payload);

 private:
  FrameHeaders headers_for(FlowPath& path, Dir d) const;

  PcapWriter& writer_;
  Profile profile_;
};

}  // namespace btsensor::gen
