#include "tcp_conn.hpp"

#include <algorithm>

namespace btsensor::gen {
namespace {

// SYN options in the order Windows and Linux both emit them (12 bytes):
//   02 04 05 b4  MSS 1460 (IPv4: 1500 MTU - 20 IP - 20 TCP)
//   01           NOP
//   03 03 07     window scale, shift 7
//   01 01        NOP NOP
//   04 02        SACK permitted
constexpr uint8_t kSynOptionsV4[] = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
                                     0x03, 0x07, 0x01, 0x01, 0x04, 0x02};
// Same with MSS 1440 (05 a0) = 1500 - 40 IPv6 header - 20 TCP.
constexpr uint8_t kSynOptionsV6[] = {0x02, 0x04, 0x05, 0xa0, 0x01, 0x03,
                                     0x03, 0x07, 0x01, 0x01, 0x04, 0x02};

}  // namespace

TcpConn::TcpConn(FlowCtx& ctx, PacketOutput& out, const FlowPath& path, const FlowTiming& timing,
                 TcpEnding ending)
    : ctx_(ctx), out_(out), path_(path), timing_(timing), ending_(ending) {
  Rng& rng = ctx_.rng();
  next_seq_[0] = rng.next32();  // random ISNs (RFC 6528)
  next_seq_[1] = rng.next32();
  // Scaled windows (x128 after the SYN's window-scale 7), i.e. 32-128 KiB.
  window_[0] = uint16_t(rng.between(250, 1000));
  window_[1] = uint16_t(rng.between(250, 1000));
  mss_ = path_.v6() ? 1440 : 1460;
}

size_t TcpConn::emit(Dir d, uint8_t flags, std::span<const uint8_t> payload,
                     std::span<const uint8_t> options) {
  const size_t i = size_t(d);
  TcpFields f;
  f.seq = next_seq_[i];
  f.ack = (flags & kTcpAck) ? next_seq_[1 - i] : 0;
  f.flags = flags;
  // SYNs carry an unscaled window (scaling applies only after the handshake, RFC 7323 2.2);
  // without options (64-byte profile) there is no scaling at all.
  const bool scaled = out_.tcp_options_allowed() && !(flags & kTcpSyn);
  f.window = scaled ? window_[i] : uint16_t(64240);  // 64240 = 44 * 1460, Windows' default
  f.options = options;
  const size_t sent = out_.emit_tcp(ctx_, path_, d, f, payload);
  next_seq_[i] += uint32_t(sent) + ((flags & (kTcpSyn | kTcpFin)) ? 1 : 0);
  return sent;
}

Task TcpConn::open() {
  std::span<const uint8_t> opts;
  if (out_.tcp_options_allowed()) {
    opts = path_.v6() ? std::span<const uint8_t>(kSynOptionsV6)
                      : std::span<const uint8_t>(kSynOptionsV4);
  }
  emit(Dir::kAtoB, kTcpSyn, {}, opts);
  co_await ctx_.sleep(reply_delay(Dir::kBtoA));
  emit(Dir::kBtoA, kTcpSyn | kTcpAck, {}, opts);
  co_await ctx_.sleep(reply_delay(Dir::kAtoB));
  emit(Dir::kAtoB, kTcpAck, {});
}

Task TcpConn::send(Dir d, std::vector<uint8_t> data, int64_t delay_us) {
  co_await ctx_.sleep(delay_us);
  const Dir rx = reverse(d);
  // The receiver's ACKs show up quickly when it is next to the sensor, otherwise they are
  // paced with the data (the sensor sees a steady interleaving either way).
  const int64_t ack_gap = path_.from(rx).internal ? timing_.local_us : timing_.pace_us;
  size_t off = 0;
  int unacked = 0;
  while (off < data.size()) {
    const size_t seg = std::min(mss_, data.size() - off);
    const bool last = off + seg == data.size();
    // In the 64/imix profiles emit() may carry fewer bytes than `seg`; the logical stream
    // still advances by `seg`, which is what "payload truncated to fit" means.
    emit(d, uint8_t(kTcpAck | (last ? kTcpPsh : 0)),
         std::span<const uint8_t>(data).subspan(off, seg));
    off += seg;
    if (last) break;
    if (++unacked == 2) {
      co_await ctx_.sleep(ack_gap);
      emit(rx, kTcpAck, {});
      unacked = 0;
    }
    co_await ctx_.sleep(timing_.pace_us);
  }
}

Task TcpConn::close(Dir first) {
  const Dir second = reverse(first);
  switch (ending_) {
    case TcpEnding::kNoClose:
      co_return;  // still open when the capture ends (or the FIN fell outside it)
    case TcpEnding::kRst:
      co_await ctx_.sleep(reply_delay(first));
      emit(first, kTcpRst | kTcpAck, {});
      co_return;
    case TcpEnding::kFin:
      co_await ctx_.sleep(reply_delay(first));
      emit(first, kTcpFin | kTcpAck, {});
      co_await ctx_.sleep(reply_delay(second));
      emit(second, kTcpFin | kTcpAck, {});
      co_await ctx_.sleep(reply_delay(first));
      emit(first, kTcpAck, {});
      co_return;
  }
}

}  // namespace btsensor::gen
