#include "packet_output.hpp"

#include <algorithm>

namespace btsensor::gen {

FrameSize fit_frame(Profile profile, size_t header, size_t payload, Rng& rng) {
  switch (profile) {
    case Profile::kRealistic:
      return {payload, std::max(kMinFrameLen, header + payload)};
    case Profile::k64: {
      const size_t room = header < kMinFrameLen ? kMinFrameLen - header : 0;
      return {std::min(payload, room), std::max(kMinFrameLen, header)};
    }
    case Profile::kImix: {
      if (payload == 0) return {0, std::max(kMinFrameLen, header)};
      // Simple IMIX: 64, 570 and 1518 bytes on the wire, 7:4:1 by count.
      static constexpr size_t kClasses[] = {60, 566, 1514};
      const uint64_t r = rng.below(12);
      size_t k = r < 7 ? 0 : (r < 11 ? 1 : 2);
      // An IPv6 or tagged header can leave no payload room in the small class; use the next.
      while (k < 2 && kClasses[k] <= header) ++k;
      return {std::min(payload, kClasses[k] - header), kClasses[k]};
    }
  }
  return {payload, header + payload};
}

FrameHeaders PacketOutput::headers_for(FlowPath& path, Dir d) const {
  const Side& s = path.from(d);
  const Side& r = path.to(d);
  FrameHeaders h;
  h.src_mac = s.mac;
  h.dst_mac = r.mac;
  h.vlan_id = path.vlan_id;
  h.src_ip = s.ep.ip;
  h.dst_ip = r.ep.ip;
  h.ttl = s.ttl;
  h.ip_id = s.ip_id;
  h.flow_label = s.flow_label;
  h.src_port = s.ep.port;
  h.dst_port = r.ep.port;
  return h;
}

size_t PacketOutput::emit_tcp(FlowCtx& ctx, FlowPath& path, Dir d, const TcpFields& tcp,
                              std::span<const uint8_t> payload) {
  FrameHeaders h = headers_for(path, d);
  h.dont_fragment = true;  // TCP stacks do path-MTU discovery, so DF is set
  const size_t header = header_length(path.vlan_id, path.v6(), kIpProtoTcp, tcp.options.size());
  const FrameSize fs = fit_frame(profile_, header, payload.size(), ctx.rng());
  uint8_t* out = writer_.begin_record(fs.frame);
  write_tcp_frame(out, fs.frame, h, tcp, payload.first(fs.payload));
  writer_.end_record(ctx.now(), fs.frame);
  ++path.from(d).ip_id;
  return fs.payload;
}

size_t PacketOutput::emit_udp(FlowCtx& ctx, FlowPath& path, Dir d,
                              std::span<const uint8_t> payload) {
  FrameHeaders h = headers_for(path, d);
  const size_t header = header_length(path.vlan_id, path.v6(), kIpProtoUdp);
  const FrameSize fs = fit_frame(profile_, header, payload.size(), ctx.rng());
  uint8_t* out = writer_.begin_record(fs.frame);
  write_udp_frame(out, fs.frame, h, payload.first(fs.payload));
  writer_.end_record(ctx.now(), fs.frame);
  ++path.from(d).ip_id;
  return fs.payload;
}

}  // namespace btsensor::gen
