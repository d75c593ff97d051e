// Decode tables: every truncation length of every header kind, and the classic header lies.
// Each frame is copied into a heap buffer of exactly the tested length, so that under ASan
// any read past the end is a reported error, not a silent pass.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "btsensor/decode.hpp"
#include "support/frames.hpp"

namespace btsensor::test {
namespace {

DecodeStatus decode_prefix(LinkType link, const Bytes& frame, size_t len, DecodedPacket& out) {
  std::unique_ptr<uint8_t[]> exact(new uint8_t[len ? len : 1]);
  std::copy(frame.begin(), frame.begin() + long(len), exact.get());
  return decode_packet(link, {exact.get(), len}, out);
}

// A frame plus where its headers end: truncating inside region i must give status[i].
struct TruncCase {
  const char* name;
  LinkType link;
  Bytes frame;
  std::vector<std::pair<size_t, DecodeStatus>> regions;  // (end offset, status when shorter)
  size_t payload_off;
};

Bytes with_prefix(Bytes prefix, const Bytes& rest) {
  prefix.insert(prefix.end(), rest.begin(), rest.end());
  return prefix;
}

std::vector<TruncCase> truncation_cases() {
  std::vector<TruncCase> v;
  FrameSpec tcp4{ip("10.0.0.1"), ip("198.51.100.7"), 40000, 443, kProtoTcp, 0x18, {},
                 text("hello")};
  v.push_back({"eth_ipv4_tcp",
               LinkType::kEthernet,
               ether_frame(tcp4),
               {{14, DecodeStatus::truncated_l2},
                {34, DecodeStatus::truncated_ipv4},
                {54, DecodeStatus::truncated_tcp}},
               54});
  FrameSpec udp4{ip("10.0.0.1"), ip("198.51.100.7"), 5353, 53, kProtoUdp, 0, {100}, text("dnsq")};
  v.push_back({"vlan_ipv4_udp",
               LinkType::kEthernet,
               ether_frame(udp4),
               {{18, DecodeStatus::truncated_l2},
                {38, DecodeStatus::truncated_ipv4},
                {46, DecodeStatus::truncated_udp}},
               46});
  FrameSpec tcp6{ip("fd00::1"), ip("2001:db8::7"), 40000,    6881, kProtoTcp,
                 0x02,          {100, 200},        text("x")};
  v.push_back({"qinq_ipv6_tcp",
               LinkType::kEthernet,
               ether_frame(tcp6),
               {{22, DecodeStatus::truncated_l2},
                {62, DecodeStatus::truncated_ipv6},
                {82, DecodeStatus::truncated_tcp}},
               82});
  // IPv6 + hop-by-hop (8 bytes) + destination options (16 bytes) + UDP.
  {
    FrameSpec u6{ip("fd00::1"), ip("2001:db8::7"), 6881, 6881, kProtoUdp, 0, {}, text("d1:ad")};
    Bytes ipb = ip_packet(u6);
    Bytes l4(ipb.begin() + 40, ipb.end());
    Bytes ext = {60, 0, 1, 4,  0, 0, 0, 0,  // HBH: next=60 (dest opts), len 0 → 8 bytes, PadN
                 17, 1, 1, 12, 0, 0, 0, 0,
                 0,  0, 0, 0,  0, 0, 0, 0};  // dest opts: next=17, len 1 → 16 bytes, PadN(12)
    Bytes hdr(ipb.begin(), ipb.begin() + 40);
    hdr[6] = 0;  // next header: hop-by-hop
    uint16_t plen = uint16_t(ext.size() + l4.size());
    hdr[4] = uint8_t(plen >> 8);
    hdr[5] = uint8_t(plen);
    Bytes pkt = with_prefix(with_prefix(hdr, ext), l4);
    Bytes eth = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x86, 0xdd};
    v.push_back({"ipv6_ext_udp",
                 LinkType::kEthernet,
                 with_prefix(eth, pkt),
                 {{14, DecodeStatus::truncated_l2},
                  {54, DecodeStatus::truncated_ipv6},
                  {56, DecodeStatus::ipv6_ext_truncated},
                  {62, DecodeStatus::ipv6_ext_truncated},
                  {64, DecodeStatus::ipv6_ext_truncated},
                  {78, DecodeStatus::ipv6_ext_truncated},
                  {86, DecodeStatus::truncated_udp}},
                 86});
  }
  // IPv4 with 8 bytes of options (IHL 7) and TCP with 12 bytes of options (offset 8).
  {
    FrameSpec t{ip("10.0.0.1"), ip("198.51.100.7"), 40000, 80, kProtoTcp, 0x18, {}, text("GET /")};
    Bytes ipb = ip_packet(t);
    Bytes iph(ipb.begin(), ipb.begin() + 20), tcph(ipb.begin() + 20, ipb.begin() + 40),
        pay(ipb.begin() + 40, ipb.end());
    iph[0] = 0x47;                                                   // IHL 7
    Bytes ipopt = {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00};  // NOPs + EOL
    tcph[12] = 0x80;                                                 // data offset 8
    Bytes tcpopt = {0x02, 0x04, 0x05, 0xb4, 0x01, 0x01,
                    0x08, 0x0a, 0,    0,    0,    0};  // MSS, NOP, NOP, TS…
    tcpopt.resize(12);
    Bytes pkt = with_prefix(with_prefix(with_prefix(with_prefix(iph, ipopt), tcph), tcpopt), pay);
    uint16_t tot = uint16_t(pkt.size());
    pkt[2] = uint8_t(tot >> 8);
    pkt[3] = uint8_t(tot);
    Bytes eth = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00};
    v.push_back({"ipv4_opts_tcp_opts",
                 LinkType::kEthernet,
                 with_prefix(eth, pkt),
                 {{14, DecodeStatus::truncated_l2},
                  {42, DecodeStatus::truncated_ipv4},
                  {74, DecodeStatus::truncated_tcp}},
                 74});
  }
  // Linux cooked v1 (16 bytes, protocol at 14) and v2 (20 bytes, protocol at 0).
  {
    Bytes ipb = ip_packet(tcp4);
    Bytes sll(16, 0);
    sll[14] = 0x08;
    v.push_back({"sll_ipv4_tcp",
                 LinkType::kLinuxSll,
                 with_prefix(sll, ipb),
                 {{16, DecodeStatus::truncated_l2},
                  {36, DecodeStatus::truncated_ipv4},
                  {56, DecodeStatus::truncated_tcp}},
                 56});
    Bytes sll2(20, 0);
    sll2[0] = 0x08;
    v.push_back({"sll2_ipv4_tcp",
                 LinkType::kLinuxSll2,
                 with_prefix(sll2, ipb),
                 {{20, DecodeStatus::truncated_l2},
                  {40, DecodeStatus::truncated_ipv4},
                  {60, DecodeStatus::truncated_tcp}},
                 60});
    v.push_back({"raw_ipv4_tcp",
                 LinkType::kRaw,
                 ipb,
                 {{1, DecodeStatus::truncated_l2},
                  {20, DecodeStatus::truncated_ipv4},
                  {40, DecodeStatus::truncated_tcp}},
                 40});
    Bytes null_hdr = {2, 0, 0, 0};  // AF_INET, little-endian host
    v.push_back({"null_ipv4_tcp",
                 LinkType::kNull,
                 with_prefix(null_hdr, ipb),
                 {{4, DecodeStatus::truncated_l2},
                  {24, DecodeStatus::truncated_ipv4},
                  {44, DecodeStatus::truncated_tcp}},
                 44});
  }
  return v;
}

TEST(Decode, EveryTruncationLength) {
  for (const TruncCase& c : truncation_cases()) {
    SCOPED_TRACE(c.name);
    DecodedPacket d;
    ASSERT_EQ(decode_prefix(c.link, c.frame, c.frame.size(), d), DecodeStatus::ok);
    ASSERT_TRUE(d.has_l4);
    EXPECT_EQ(d.payload_len, c.frame.size() - c.payload_off);
    for (size_t len = 0; len < c.frame.size(); ++len) {
      SCOPED_TRACE("length " + std::to_string(len));
      DecodeStatus want = DecodeStatus::ok;
      for (const auto& [end, st] : c.regions) {
        if (len < end) {
          want = st;
          break;
        }
      }
      DecodeStatus got = decode_prefix(c.link, c.frame, len, d);
      // Zero bytes of raw IP have no version nibble; everything else must match exactly.
      EXPECT_EQ(decode_status_name(got), decode_status_name(want));
      if (got == DecodeStatus::ok) {
        EXPECT_EQ(d.payload_len, len - c.payload_off);
        EXPECT_TRUE(d.payload_len == 0 || d.payload != nullptr);
      }
    }
  }
}

TEST(Decode, FieldsOfAnIpv4TcpFrame) {
  FrameSpec f{ip("10.1.2.3"), ip("203.0.113.9"), 51413, 6881, kProtoTcp, 0x02, {42}, text("abc")};
  Bytes fr = ether_frame(f);
  DecodedPacket d;
  ASSERT_EQ(decode_packet(LinkType::kEthernet, fr, d), DecodeStatus::ok);
  EXPECT_EQ(d.tuple.src, ip("10.1.2.3"));
  EXPECT_EQ(d.tuple.dst, ip("203.0.113.9"));
  EXPECT_EQ(d.tuple.sport, 51413);
  EXPECT_EQ(d.tuple.dport, 6881);
  EXPECT_EQ(d.tuple.proto, kProtoTcp);
  EXPECT_EQ(d.tcp_flags, kTcpSyn);
  EXPECT_EQ(d.vlan, 42);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(d.payload), d.payload_len), "abc");
}

struct LieCase {
  const char* name;
  std::function<void(Bytes&)> mutate;  // applied to an Ethernet+IPv4+TCP frame
  DecodeStatus want;
};

TEST(Decode, HeaderLies) {
  FrameSpec f{ip("10.0.0.1"),  ip("198.51.100.7"), 40000, 443, kProtoTcp, 0x18, {},
              text("payload!")};
  const std::vector<LieCase> cases = {
      {"ihl_below_5", [](Bytes& b) { b[14] = 0x44; }, DecodeStatus::bad_ipv4_header},
      {"ihl_beyond_capture", [](Bytes& b) { b[14] = 0x4f; }, DecodeStatus::truncated_ipv4},
      {"version_6_in_ipv4_ethertype", [](Bytes& b) { b[14] = 0x65; },
       DecodeStatus::bad_ipv4_header},
      {"total_length_below_ihl",
       [](Bytes& b) {
         b[16] = 0;
         b[17] = 10;
       },
       DecodeStatus::bad_ipv4_header},
      {"tcp_offset_below_5", [](Bytes& b) { b[46] = 0x40; }, DecodeStatus::bad_tcp_header},
      {"tcp_offset_beyond_capture", [](Bytes& b) { b[46] = 0xf0; }, DecodeStatus::truncated_tcp},
      {"arp_is_not_ip",
       [](Bytes& b) {
         b[12] = 0x08;
         b[13] = 0x06;
       },
       DecodeStatus::not_ip},
      {"five_vlan_tags",
       [](Bytes& b) {
         Bytes out(b.begin(), b.begin() + 12);
         for (int i = 0; i < 5; ++i) put32(out, 0x81000001);  // 802.1Q tag, VID 1
         out.insert(out.end(), b.begin() + 12, b.end());
         b = out;
       },
       DecodeStatus::vlan_too_deep},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Bytes fr = ether_frame(f);
    c.mutate(fr);
    DecodedPacket d;
    EXPECT_EQ(decode_status_name(decode_prefix(LinkType::kEthernet, fr, fr.size(), d)),
              decode_status_name(c.want));
  }
}

TEST(Decode, EthernetPaddingIsNotPayload) {
  FrameSpec f{ip("10.0.0.1"), ip("198.51.100.7"), 40000, 443, kProtoTcp, 0x10, {}, {}};
  Bytes fr = ether_frame(f);
  fr.resize(60, 0);  // minimum Ethernet frame: 6 bytes of padding after a bare ACK
  DecodedPacket d;
  ASSERT_EQ(decode_packet(LinkType::kEthernet, fr, d), DecodeStatus::ok);
  EXPECT_EQ(d.payload_len, 0u);
}

TEST(Decode, NonFirstFragmentsCarryNoL4) {
  FrameSpec f{ip("10.0.0.1"), ip("198.51.100.7"), 40000, 443, kProtoUdp, 0, {}, text("0123456789")};
  Bytes fr = ether_frame(f);
  DecodedPacket d;
  fr[20] = 0x20;  // MF set, offset 0: first fragment, L4 present
  fr[21] = 0x00;
  ASSERT_EQ(decode_packet(LinkType::kEthernet, fr, d), DecodeStatus::ok);
  EXPECT_TRUE(d.fragment);
  EXPECT_TRUE(d.has_l4);
  fr[20] = 0x00;  // offset 185 × 8 bytes: a later fragment, its first bytes are not a header
  fr[21] = 0xb9;
  ASSERT_EQ(decode_packet(LinkType::kEthernet, fr, d), DecodeStatus::ok);
  EXPECT_TRUE(d.fragment);
  EXPECT_FALSE(d.has_l4);
  EXPECT_EQ(d.tuple.sport, 0);
}

TEST(Decode, Ipv6ExtensionHeaderChainIsBounded) {
  // 9 hop-by-hop-style headers in a row (each says "next: hop-by-hop"): a loop in spirit.
  Bytes hdr = {0x60, 0, 0, 0, 0, 72, 0, 64};
  for (int i = 0; i < 32; ++i) hdr.push_back(i == 15 || i == 31 ? 1 : 0);
  for (int i = 0; i < 9; ++i) hdr.insert(hdr.end(), {0, 0, 1, 4, 0, 0, 0, 0});
  Bytes eth = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x86, 0xdd};
  eth.insert(eth.end(), hdr.begin(), hdr.end());
  DecodedPacket d;
  EXPECT_EQ(decode_packet(LinkType::kEthernet, eth, d), DecodeStatus::ipv6_ext_too_deep);
}

TEST(Decode, Ipv6NonFirstFragment) {
  FrameSpec f{ip("fd00::1"), ip("2001:db8::7"), 1, 2, kProtoUdp, 0, {}, text("abcdefgh")};
  Bytes ipb = ip_packet(f);
  Bytes frag = {17, 0, 0x00, 0x08 /* offset 1 × 8 bytes */, 0, 0, 0, 1};
  ipb.insert(ipb.begin() + 40, frag.begin(), frag.end());
  ipb[6] = 44;  // next header: fragment
  ipb[5] = uint8_t(ipb[5] + 8);
  Bytes eth = {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x86, 0xdd};
  eth.insert(eth.end(), ipb.begin(), ipb.end());
  DecodedPacket d;
  ASSERT_EQ(decode_packet(LinkType::kEthernet, eth, d), DecodeStatus::ok);
  EXPECT_TRUE(d.fragment);
  EXPECT_FALSE(d.has_l4);
  EXPECT_EQ(d.tuple.proto, kProtoUdp);
}

TEST(Decode, UdpLengthLies) {
  FrameSpec f{ip("10.0.0.1"), ip("198.51.100.7"), 1, 2, kProtoUdp, 0, {}, text("abcdefgh")};
  Bytes fr = ether_frame(f);
  DecodedPacket d;
  fr[38] = 0;
  fr[39] = 4;  // UDP length 4 < header size
  EXPECT_EQ(decode_packet(LinkType::kEthernet, fr, d), DecodeStatus::bad_udp_header);
  fr[39] = 200;  // claims more than captured: payload limited to what is there
  ASSERT_EQ(decode_packet(LinkType::kEthernet, fr, d), DecodeStatus::ok);
  EXPECT_EQ(d.payload_len, 8u);
}

TEST(Decode, TupleOnly) {
  FrameSpec f{ip("10.0.0.1"), ip("198.51.100.7"), 1, 2, kProtoUdp, 0, {7}, text("x")};
  Bytes fr = ether_frame(f);
  FiveTuple t;
  ASSERT_TRUE(decode_tuple(LinkType::kEthernet, fr, t));
  EXPECT_EQ(t.src, ip("10.0.0.1"));
  EXPECT_EQ(t.dst, ip("198.51.100.7"));
  EXPECT_FALSE(decode_tuple(LinkType::kEthernet, std::span<const uint8_t>(fr.data(), 20), t));
}

}  // namespace
}  // namespace btsensor::test

namespace btsensor::test {
namespace {

// Encapsulations: the inner packet is what gets tracked; a broken inner packet leaves the
// outer flow intact (nothing is dropped).
TEST(Decode, TunnelsAndCarrierEncapsulations) {
  FrameSpec inner{ip("10.9.9.9"), ip("203.0.113.77"), 51413, 6881, kProtoTcp, 0x02, {}, text("hi")};
  Bytes inner_eth = ether_frame(inner);
  Bytes inner_ip = ip_packet(inner);
  auto udp_outer = [](uint16_t dport, Bytes pay) {
    return ether_frame(
        FrameSpec{ip("192.0.2.1"), ip("192.0.2.2"), 40000, dport, kProtoUdp, 0, {}, pay});
  };
  auto cat = [](Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  struct Row {
    const char* name;
    Bytes frame;
    Tunnel tunnel;
  };
  // IPv4 outer header with protocol `proto` around `pay`.
  auto ip_outer = [&](uint8_t proto, const Bytes& pay) {
    FrameSpec o{ip("192.0.2.1"), ip("192.0.2.2"), 0, 0, proto, 0, {}, pay};
    return ether_frame(o);
  };
  std::vector<Row> rows;
  rows.push_back(
      {"vxlan", udp_outer(4789, cat({0x08, 0, 0, 0, 0, 0, 0x2a, 0}, inner_eth)), Tunnel::kVxlan});
  rows.push_back(
      {"gtp_u",
       udp_outer(2152, cat({0x30, 0xff, 0, uint8_t(inner_ip.size()), 0, 0, 0, 1}, inner_ip)),
       Tunnel::kGtpU});
  rows.push_back({"gre_ip", ip_outer(47, cat({0x00, 0x00, 0x08, 0x00}, inner_ip)), Tunnel::kGre});
  rows.push_back({"gre_key_ether",
                  ip_outer(47, cat({0x20, 0x00, 0x65, 0x58, 0, 0, 0, 7}, inner_eth)),
                  Tunnel::kGre});
  rows.push_back({"ipip", ip_outer(4, inner_ip), Tunnel::kIpInIp});
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    DecodedPacket d;
    ASSERT_EQ(decode_packet(LinkType::kEthernet, r.frame, d), DecodeStatus::ok);
    EXPECT_EQ(d.tunnel, r.tunnel);
    EXPECT_EQ(d.tuple.src, ip("10.9.9.9"));
    EXPECT_EQ(d.tuple.dport, 6881);
    FiveTuple t;
    ASSERT_TRUE(decode_tuple(LinkType::kEthernet, r.frame, t));
    EXPECT_EQ(t.src, ip("10.9.9.9"));  // the RX lcore hashes the same host the worker sees
  }
  // A VXLAN header without the I flag is not VXLAN: the outer UDP flow stays.
  DecodedPacket d;
  ASSERT_EQ(decode_packet(LinkType::kEthernet,
                          udp_outer(4789, cat({0, 0, 0, 0, 0, 0, 0, 0}, inner_eth)), d),
            DecodeStatus::ok);
  EXPECT_EQ(d.tunnel, Tunnel::kNone);
  EXPECT_EQ(d.tuple.dport, 4789);
  // Truncated inner packet: outer flow stays, nothing read out of bounds.
  Bytes cut = udp_outer(
      4789, cat({0x08, 0, 0, 0, 0, 0, 0x2a, 0}, Bytes(inner_eth.begin(), inner_eth.begin() + 20)));
  ASSERT_EQ(decode_packet(LinkType::kEthernet, cut, d), DecodeStatus::ok);
  EXPECT_EQ(d.tunnel, Tunnel::kNone);
}

TEST(Decode, PppoeAndMpls) {
  FrameSpec f{ip("10.9.9.9"), ip("203.0.113.77"), 1000, 53, kProtoUdp, 0, {}, text("q")};
  Bytes ipb = ip_packet(f);
  Bytes pppoe = {0x02, 0,   0,    0,    0,    1,    0x02, 0,    0,    0,
                 0,    2,   0x88, 0x64, 0x11, 0x00, 0x12, 0x34, 0x00, uint8_t(ipb.size() + 2),
                 0x00, 0x21};  // PPPoE session, PPP IPv4
  pppoe.insert(pppoe.end(), ipb.begin(), ipb.end());
  Bytes mpls = {0x02, 0,    0,    0,    0,    1,    0x02, 0,    0,
                0,    0,    2,    0x88, 0x47, 0x00, 0x01, 0x00, 0x40,  // label 16, not bottom
                0x00, 0x02, 0x01, 0x40};                               // label 32, bottom of stack
  mpls.insert(mpls.end(), ipb.begin(), ipb.end());
  for (const Bytes* fr : {&pppoe, &mpls}) {
    DecodedPacket d;
    ASSERT_EQ(decode_packet(LinkType::kEthernet, *fr, d), DecodeStatus::ok);
    EXPECT_EQ(d.tuple.src, ip("10.9.9.9"));
    EXPECT_EQ(d.tuple.dport, 53);
    for (size_t len = 0; len < fr->size(); ++len) decode_prefix(LinkType::kEthernet, *fr, len, d);
  }
}

}  // namespace
}  // namespace btsensor::test
