#include "utp_conn.hpp"

#include <algorithm>

namespace btsensor::gen {
namespace {

constexpr uint8_t kUtpVersion = 1;
constexpr size_t kUtpHeaderLen = 20;

void put16(uint8_t* p, uint16_t v) {
  p[0] = uint8_t(v >> 8);
  p[1] = uint8_t(v);
}
void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

}  // namespace

UtpConn::UtpConn(FlowCtx& ctx, PacketOutput& out, const FlowPath& path, const FlowTiming& timing)
    : link_(ctx, out, path, timing) {
  Rng& rng = ctx.rng();
  // BEP 29: the initiator picks conn_id_recv at random and sends the SYN with it; afterwards
  // it sends with conn_id_recv + 1, and the responder sends with the SYN's id.
  syn_conn_id_ = uint16_t(rng.next32());
  conn_id_[0] = uint16_t(syn_conn_id_ + 1);
  conn_id_[1] = syn_conn_id_;
  next_seq_[0] = uint16_t(rng.next32());
  next_seq_[1] = uint16_t(rng.next32());
  clock_offset_[0] = rng.next32();
  clock_offset_[1] = rng.next32();
  wnd_[0] = uint32_t(rng.between(256, 1024)) * 1024;  // advertised receive window, bytes
  wnd_[1] = uint32_t(rng.between(256, 1024)) * 1024;
  scratch_.reserve(kUtpHeaderLen + kMaxPayload);
}

void UtpConn::emit(Dir d, Type type, std::span<const uint8_t> payload) {
  const size_t i = size_t(d);
  const int64_t now = link_.ctx().now();
  uint32_t ts = uint32_t(now) + clock_offset_[i];
  if (ts == 0) ts = 1;  // 0 would read as "no timestamp"
  // timestamp_difference_microseconds: this side's clock minus the peer's at the peer's last
  // packet, i.e. the clock skew plus the one-way delay; 0 in the SYN, which has no peer packet.
  const uint32_t ts_diff =
      type == kSyn ? 0
                   : clock_offset_[i] - clock_offset_[1 - i] + uint32_t(link_.timing().rtt_us / 2);
  scratch_.resize(kUtpHeaderLen + payload.size());
  uint8_t* h = scratch_.data();
  h[0] = uint8_t((type << 4) | kUtpVersion);  // SYN 0x41, STATE 0x21, DATA 0x01, FIN 0x11
  h[1] = 0;                                   // extension: none
  put16(h + 2, type == kSyn ? syn_conn_id_ : conn_id_[i]);
  put32(h + 4, ts);
  put32(h + 8, ts_diff);
  put32(h + 12, wnd_[i]);
  // seq_nr: DATA/SYN/FIN consume a sequence number, STATE repeats the next one unconsumed.
  const uint16_t seq = next_seq_[i];
  if (type != kState) ++next_seq_[i];
  put16(h + 16, seq);
  // ack_nr: the last sequence number received from the peer.
  put16(h + 18, type == kSyn ? uint16_t(0) : uint16_t(next_seq_[1 - i] - 1));
  std::copy(payload.begin(), payload.end(), h + kUtpHeaderLen);
  link_.send(d, scratch_);
}

Task UtpConn::open() {
  emit(Dir::kAtoB, kSyn, {});
  co_await link_.ctx().sleep(link_.reply_delay(Dir::kBtoA));
  emit(Dir::kBtoA, kState, {});
}

Task UtpConn::send(Dir d, std::vector<uint8_t> data, int64_t delay_us) {
  FlowCtx& ctx = link_.ctx();
  co_await ctx.sleep(delay_us);
  const Dir rx = reverse(d);
  size_t off = 0;
  int unacked = 0;
  while (off < data.size()) {
    const size_t n = std::min(kMaxPayload, data.size() - off);
    emit(d, kData, std::span<const uint8_t>(data).subspan(off, n));
    off += n;
    const bool last = off == data.size();
    if (++unacked == 2 || last) {
      co_await ctx.sleep(link_.path().from(rx).internal ? link_.timing().local_us
                                                        : link_.timing().pace_us);
      emit(rx, kState, {});
      unacked = 0;
    }
    if (!last) co_await ctx.sleep(link_.timing().pace_us);
  }
}

Task UtpConn::close(Dir first) {
  FlowCtx& ctx = link_.ctx();
  co_await ctx.sleep(link_.reply_delay(first));
  emit(first, kFin, {});
  co_await ctx.sleep(link_.reply_delay(reverse(first)));
  emit(reverse(first), kState, {});
}

}  // namespace btsensor::gen
