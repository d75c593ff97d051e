// Damaged captures through the replay path: the file layer (truncated file, unsupported link
// type, not a capture, a record larger than any snaplen) ends with one clear line and exit 1;
// the packet layer (zero-length and jumbo frames, IPv4 IHL and total-length lies, IPv6
// extension-header chains that loop or run past the capture, TCP data-offset lies) is counted
// by decode reason and never read out of bounds (the ASan+UBSan CI build runs this too).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "btsensor/shard.hpp"
#include "replay/replay_driver.hpp"
#include "support/collect_sink.hpp"
#include "support/frames.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

// A classic pcap written field by field, so every length can lie.
class RawPcap {
 public:
  RawPcap(uint32_t linktype = 1, uint32_t snaplen = 262144) {
    u32(0xa1b2c3d4);  // microsecond magic, host order
    u16(2);
    u16(4);
    u32(0);
    u32(0);
    u32(snaplen);
    u32(linktype);
  }
  // One record; `caplen`/`len` default to the data size.
  RawPcap& record(const Bytes& data, int64_t caplen = -1, int64_t len = -1) {
    u32(uint32_t(1'700'000'000 + n_));
    u32(uint32_t(n_++));
    u32(uint32_t(caplen < 0 ? int64_t(data.size()) : caplen));
    u32(uint32_t(len < 0 ? int64_t(data.size()) : len));
    buf_.insert(buf_.end(), data.begin(), data.end());
    return *this;
  }
  RawPcap& raw(const Bytes& bytes) {
    buf_.insert(buf_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  void write(const std::string& path) const {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(buf_.data()), std::streamsize(buf_.size()));
  }

 private:
  void u32(uint32_t v) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    buf_.insert(buf_.end(), b, b + 4);
  }
  void u16(uint16_t v) {
    uint8_t b[2];
    std::memcpy(b, &v, 2);
    buf_.insert(buf_.end(), b, b + 2);
  }
  Bytes buf_;
  uint32_t n_ = 0;
};

FrameSpec udp(const char* s, const char* d, size_t payload = 4) {
  return FrameSpec{ip(s), ip(d), 40000, 53, kProtoUdp, 0, {}, Bytes(payload, 'x')};
}
FrameSpec tcp(const char* s, const char* d) {
  return FrameSpec{ip(s), ip(d), 40000, 80, kProtoTcp, kTcpSyn, {}, {}};
}

constexpr size_t kEth = 14;  // Ethernet header; the IP header follows

struct Replayed {
  std::array<uint64_t, kDecodeStatusCount> decode{};
  uint64_t packets = 0;
  std::vector<std::string> errors;
  size_t flows = 0;
};

Replayed replay_in_process(const std::string& path) {
  EngineConfig cfg;
  CollectSink sink;
  ReplayDriver drv(cfg, ReplayOptions{}, sink);
  auto r = drv.run({path});
  Replayed out;
  if (!r) {
    out.errors.push_back(r.error());
    return out;
  }
  out.errors = r->errors;
  out.packets = r->packets;
  const ShardStats& s = drv.shard(0).stats();
  for (size_t k = 0; k < kDecodeStatusCount; ++k) out.decode[k] = s.decode[k].get();
  out.flows = sink.flows.size();
  return out;
}

uint64_t count(const Replayed& r, DecodeStatus s) {
  return r.decode[size_t(s)];
}

struct BinResult {
  int code = -1;
  std::string out;
};

// `btsensor replay -q --eve /dev/null FILE`: exit code and everything it printed.
BinResult replay_binary(const TempDir& dir, const std::string& capture) {
  std::string log = dir / "replay.log";
  Child c({BTSENSOR_BIN, "replay", "-q", "--eve", "/dev/null", capture}, log);
  EXPECT_TRUE(c.started());
  EXPECT_TRUE(wait_for([&] { return !c.running(); }, std::chrono::seconds(60)));
  BinResult r;
  if (c.status() && WIFEXITED(*c.status())) r.code = WEXITSTATUS(*c.status());
  r.out = read_file(log);
  return r;
}

TEST(MalformedCapture, LyingHeadersAreCountedByReason) {
  TempDir dir;
  RawPcap pcap;
  Bytes good = ether_frame(udp("10.0.0.1", "192.0.2.1"));
  pcap.record(good);

  pcap.record({});  // zero-length record
  Bytes jumbo = ether_frame(udp("10.0.0.2", "192.0.2.1", 9000));
  pcap.record(jumbo);  // jumbo frame: decodes, payload inside the capture
  // Snaplen-cut jumbo: 200 bytes captured of 9042 on the wire.
  pcap.record(Bytes(jumbo.begin(), jumbo.begin() + 200), 200, int64_t(jumbo.size()));

  Bytes f = good;  // IHL 15 (60 bytes) but 20 + 12 bytes of IP present
  f[kEth] = 0x4f;
  pcap.record(f);
  f = good;  // IHL 4: less than the fixed header
  f[kEth] = 0x44;
  pcap.record(f);
  f = good;  // total length 12 < IHL*4
  f[kEth + 2] = 0;
  f[kEth + 3] = 12;
  pcap.record(f);

  // IPv6: a chain of 12 destination-options headers (more than kMaxIpv6ExtHeaders), each
  // naming the next: what a loop looks like to a bounded parser.
  FrameSpec v6 = udp("fd00::1", "2001:db8::1");
  Bytes base6 = ether_frame(v6);
  Bytes chain(base6.begin(), base6.begin() + kEth + 40);
  chain[kEth + 6] = 60;  // next header: destination options
  for (int i = 0; i < 12; ++i) chain.insert(chain.end(), {60, 0, 1, 4, 0, 0, 0, 0});
  chain[kEth + 4] = 0;  // payload length: exactly the chain, so only its depth is wrong
  chain[kEth + 5] = 12 * 8;
  pcap.record(chain);
  // One hop-by-hop header claiming (255 + 1) * 8 bytes, with 8 present.
  Bytes longext(base6.begin(), base6.begin() + kEth + 40);
  longext[kEth + 6] = 0;
  longext.insert(longext.end(), {17, 255, 0, 0, 0, 0, 0, 0});
  longext[kEth + 4] = 0;
  longext[kEth + 5] = 8;
  pcap.record(longext);

  Bytes t = ether_frame(tcp("10.0.0.3", "192.0.2.1"));
  f = t;  // TCP data offset 15 words (60 bytes) with a 20-byte header present
  f[kEth + 20 + 12] = 0xf0;
  pcap.record(f);
  f = t;  // data offset 2: shorter than the fixed header
  f[kEth + 20 + 12] = 0x20;
  pcap.record(f);
  f = good;  // UDP length 3 < 8
  f[kEth + 20 + 4] = 0;
  f[kEth + 20 + 5] = 3;
  pcap.record(f);
  // An Ethernet header cut in the middle, and a frame cut inside the IPv4 header.
  pcap.record(Bytes(good.begin(), good.begin() + 9));
  pcap.record(Bytes(good.begin(), good.begin() + kEth + 10));
  pcap.write(dir / "lies.pcap");

  Replayed r = replay_in_process(dir / "lies.pcap");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  EXPECT_EQ(r.packets, 14u);
  EXPECT_EQ(count(r, DecodeStatus::ok), 3u);  // good, jumbo, cut jumbo
  EXPECT_EQ(count(r, DecodeStatus::truncated_l2), 2u);
  EXPECT_EQ(count(r, DecodeStatus::truncated_ipv4), 2u);
  EXPECT_EQ(count(r, DecodeStatus::bad_ipv4_header), 2u);
  EXPECT_EQ(count(r, DecodeStatus::ipv6_ext_too_deep), 1u);
  EXPECT_EQ(count(r, DecodeStatus::ipv6_ext_truncated), 1u);
  EXPECT_EQ(count(r, DecodeStatus::truncated_tcp), 1u);
  EXPECT_EQ(count(r, DecodeStatus::bad_tcp_header), 1u);
  EXPECT_EQ(count(r, DecodeStatus::bad_udp_header), 1u);

  // The binary: the file is intact, so exit 0, and the summary names the reasons.
  Child c({BTSENSOR_BIN, "replay", "--eve", "/dev/null", dir / "lies.pcap"}, dir / "log");
  ASSERT_TRUE(wait_for([&] { return !c.running(); }, std::chrono::seconds(60)));
  ASSERT_TRUE(c.status());
  EXPECT_EQ(WEXITSTATUS(*c.status()), 0);
  std::string log = read_file(dir / "log");
  EXPECT_NE(log.find("ipv6_ext_too_deep=1"), std::string::npos) << log;
  EXPECT_NE(log.find("bad_tcp_header=1"), std::string::npos) << log;
}

TEST(MalformedCapture, TruncatedFileIsProcessedUpToTheDamageThenExit1) {
  TempDir dir;
  RawPcap pcap;
  Bytes good = ether_frame(udp("10.0.0.1", "192.0.2.1"));
  pcap.record(good).record(good);
  // A record header promising 100 bytes, followed by 10.
  pcap.raw({0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 100, 0, 0, 0}).raw(Bytes(10, 0xab));
  pcap.write(dir / "cut.pcap");

  Replayed r = replay_in_process(dir / "cut.pcap");
  EXPECT_EQ(r.packets, 2u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("cut.pcap"), std::string::npos) << r.errors[0];
  EXPECT_EQ(r.flows, 1u);  // what came before the damage is still reported

  BinResult b = replay_binary(dir, dir / "cut.pcap");
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(b.out.find("cut.pcap"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("truncated"), std::string::npos) << b.out;
}

TEST(MalformedCapture, UnsupportedLinkTypeIsNamed) {
  TempDir dir;
  RawPcap(147).record(Bytes(60, 0)).write(dir / "user0.pcap");  // LINKTYPE_USER0
  BinResult b = replay_binary(dir, dir / "user0.pcap");
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(b.out.find("unsupported link type 147"), std::string::npos) << b.out;
}

TEST(MalformedCapture, NotACaptureAndEmptyFileExit1) {
  TempDir dir;
  write_file(dir / "text.pcap", "this is not a capture file\n");
  write_file(dir / "empty.pcap", "");
  for (const char* name : {"text.pcap", "empty.pcap"}) {
    BinResult b = replay_binary(dir, dir / name);
    EXPECT_EQ(b.code, 1) << name << ": " << b.out;
    EXPECT_NE(b.out.find(name), std::string::npos) << b.out;
  }
}

TEST(MalformedCapture, RecordLargerThanAnySnaplenIsDamage) {
  TempDir dir;
  RawPcap pcap;
  pcap.record(ether_frame(udp("10.0.0.1", "192.0.2.1")));
  // caplen 16 MiB: libpcap refuses it rather than allocating; nothing after it is read.
  pcap.raw({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1}).raw(Bytes(64, 0));
  pcap.write(dir / "huge.pcap");
  Replayed r = replay_in_process(dir / "huge.pcap");
  EXPECT_EQ(r.packets, 1u);
  EXPECT_EQ(r.errors.size(), 1u);
  BinResult b = replay_binary(dir, dir / "huge.pcap");
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(b.out.find("huge.pcap"), std::string::npos) << b.out;
}

}  // namespace
}  // namespace btsensor::test
