// The record format of the fuzz_shard input (and of its seeds, tests/fuzz/make_seeds.py):
//
//   record := ctl:u8  dt:u16le  len:u16le  bytes[len]      (len capped by what is left)
//   ctl bits 0-1  unit of dt: 0 = µs, 1 = ms, 2 = s forward, 3 = ms BACKWARDS (the clock
//                 of a capture can step back; the shard must count it, not trip on it)
//       bit 2     the burst ends after this record (bursts are also cut at kMaxBurst)
//       bit 3     call Shard::advance(now) after the burst (timer work on an idle link)
//       bits 4-6  0-3 Ethernet, 4 raw IP, 5 Linux SLL, 6 Linux SLL2,
//                 7 synthesized: bytes = [mode][hosts][sport:2][dport:2][tcp flags][payload],
//                 built into an Ethernet/IPv4-or-IPv6/TCP-or-UDP frame so the fuzzer can
//                 reach the classifier without first finding valid headers
//       bit 7     the wire length exceeds the captured length (a snaplen-cut capture)
//
// Each frame is copied into a heap buffer of exactly its length, so ASan reports any read
// past the captured bytes.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "btsensor/shard.hpp"
#include "support/frames.hpp"

namespace btsensor::fuzz {

struct Frame {
  std::vector<uint8_t> bytes;
  uint32_t wire_len = 0;
  Timestamp ts = 0;
  LinkType link = LinkType::kEthernet;
};

class ShardInput {
 public:
  static constexpr size_t kMaxBurst = 32;
  static constexpr size_t kMaxFrames = 2048;  // bounds the time of one input
  static constexpr Timestamp kStart = 1'700'000'000 * kNsPerSec;

  explicit ShardInput(std::span<const uint8_t> in) : in_(in) {}

  // Fills `out` with the next burst; false when the input is used up.
  bool next_burst(std::vector<Frame>& out) {
    out.clear();
    advance_ = false;
    while (pos_ + 5 <= in_.size() && frames_ < kMaxFrames && out.size() < kMaxBurst) {
      uint8_t ctl = in_[pos_];
      uint16_t dt = uint16_t(in_[pos_ + 1] | in_[pos_ + 2] << 8);
      size_t len = size_t(in_[pos_ + 3] | in_[pos_ + 4] << 8);
      pos_ += 5;
      len = std::min(len, in_.size() - pos_);
      std::span<const uint8_t> bytes = in_.subspan(pos_, len);
      pos_ += len;
      ++frames_;
      switch (ctl & 3) {
        case 0:
          now_ += Timestamp(dt) * 1000;
          break;
        case 1:
          now_ += Timestamp(dt) * 1'000'000;
          break;
        case 2:
          now_ += Timestamp(dt) * kNsPerSec;
          break;
        case 3:
          now_ -= Timestamp(dt) * 1'000'000;
          break;
      }
      Frame f;
      f.ts = now_;
      unsigned kind = (ctl >> 4) & 7;
      if (kind == 7) {
        f.bytes = synthesize(bytes);
      } else {
        f.bytes.assign(bytes.begin(), bytes.end());
        f.link = kind < 4    ? LinkType::kEthernet
                 : kind == 4 ? LinkType::kRaw
                 : kind == 5 ? LinkType::kLinuxSll
                             : LinkType::kLinuxSll2;
      }
      f.wire_len = uint32_t(f.bytes.size()) + ((ctl & 0x80) ? dt : 0);
      out.push_back(std::move(f));
      if (ctl & 4) {
        advance_ = (ctl & 8) != 0;
        break;
      }
    }
    return !out.empty();
  }
  bool advance_after_burst() const { return advance_; }
  Timestamp now() const { return now_; }

 private:
  // [mode][hosts][sport:2][dport:2][flags][payload]: mode bit 0 IPv6, bit 1 UDP, bit 2 the
  // external side sends; hosts: low 2 bits pick the internal host, the next 3 the external
  // one (btgen's tracker and peer subnets, so reputation and learned peers can apply).
  static std::vector<uint8_t> synthesize(std::span<const uint8_t> b) {
    uint8_t hdr[7] = {};
    std::copy_n(b.begin(), std::min<size_t>(7, b.size()), hdr);
    std::span<const uint8_t> pay = b.size() > 7 ? b.subspan(7) : std::span<const uint8_t>();
    bool v6 = hdr[0] & 1, udp = hdr[0] & 2, inbound = hdr[0] & 4;
    unsigned hi = hdr[1] & 3, ei = (hdr[1] >> 2) & 7;
    IpAddr in =
        *IpAddr::parse(v6 ? "fd00::" + std::to_string(2 + hi) : "10.0.0." + std::to_string(2 + hi));
    std::string ext = ei < 4 ? (v6 ? "2001:db8:1::" : "198.18.1.") + std::to_string(1 + ei)
                             : (v6 ? "2001:db8:8000::" : "198.18.128.") + std::to_string(ei);
    IpAddr ex = *IpAddr::parse(ext);
    test::FrameSpec s;
    s.src = inbound ? ex : in;
    s.dst = inbound ? in : ex;
    s.sport = uint16_t(hdr[2] << 8 | hdr[3]);
    s.dport = uint16_t(hdr[4] << 8 | hdr[5]);
    s.proto = udp ? kProtoUdp : kProtoTcp;
    s.tcp_flags = hdr[6];
    s.payload.assign(pay.begin(), pay.end());
    return test::ether_frame(s);
  }

  std::span<const uint8_t> in_;
  size_t pos_ = 0;
  size_t frames_ = 0;
  Timestamp now_ = kStart;
  bool advance_ = false;
};

}  // namespace btsensor::fuzz
