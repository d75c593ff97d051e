// A real Prometheus server scrapes `btsensor replay --metrics` and its query API must return
// exactly what the replay counted. Everything binds 127.0.0.1; everything started is stopped.
#include <gtest/gtest.h>

#include <regex>

#include "support/json.hpp"
#include "support/pcap_writer.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

using namespace std::chrono_literals;

// 40 TCP packets in 4 flows, 25 UDP packets in 5 flows, 3 ARP frames (not_ip): 68 packets.
Capture make_capture() {
  Capture cap;
  Timestamp t = 1'700'000'000 * kNsPerSec;
  for (int f = 0; f < 4; ++f)
    for (int i = 0; i < 10; ++i) {
      FrameSpec s;
      s.src = ip("10.1.0.5");
      s.dst = ip("198.51.100.7");
      s.sport = uint16_t(40000 + f);
      s.dport = 443;
      s.payload = text("hello");
      cap.add(t += 1'000'000, ether_frame(s));
    }
  for (int f = 0; f < 5; ++f)
    for (int i = 0; i < 5; ++i) {
      FrameSpec s;
      s.src = ip("10.1.0.6");
      s.dst = ip("203.0.113.9");
      s.sport = uint16_t(50000 + f);
      s.dport = 53;
      s.proto = kProtoUdp;
      s.payload = text("q");
      cap.add(t += 1'000'000, ether_frame(s));
    }
  for (int i = 0; i < 3; ++i) {
    Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 1, 0x08, 0x06};
    arp.resize(60, 0);
    cap.add(t += 1'000'000, arp);
  }
  return cap;
}

// The single value of an instant-vector query, or nullopt while Prometheus has none yet.
std::optional<std::string> query_value(uint16_t prom_port, const std::string& q) {
  auto body = http_get(prom_port, "/api/v1/query?query=" + url_encode(q));
  if (!body) return std::nullopt;
  auto j = JsonParser::parse(*body);
  if (!j || (*j)["status"].str() != "success") return std::nullopt;
  const Json& result = (*j)["data"]["result"];
  if (!result.is_array() || result.array().size() != 1) return std::nullopt;
  const Json& value = result.array()[0]["value"];
  if (!value.is_array() || value.array().size() != 2) return std::nullopt;
  return value.array()[1].str();
}

TEST(Prometheus, ScrapesReplayCounters) {
  BTSENSOR_REQUIRE_PROGRAM(prometheus, "prometheus");
  const char* bin = std::getenv("BTSENSOR_BIN");
  ASSERT_TRUE(bin) << "BTSENSOR_BIN not set (meson sets it)";
  TempDir dir;
  write_pcap(dir / "cap.pcap", make_capture());

  // 1. The replay serves /metrics on a port of its choosing and lingers after the run.
  Child replay({bin, "replay", "--metrics", "127.0.0.1:0", "--metrics-linger", "60", "--eve",
                dir / "eve.json", dir / "cap.pcap"},
               dir / "replay.log");
  ASSERT_TRUE(replay.started());
  std::smatch m;
  std::string log;
  const std::regex port_re(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)");
  ASSERT_TRUE(wait_for(
      [&] {
        log = read_file(dir / "replay.log");
        return std::regex_search(log, m, port_re) &&
               log.find("serving metrics") != std::string::npos;
      },
      20s))
      << log;
  const std::string metrics_port = m[1];
  ASSERT_NE(log.find("68 packets"), std::string::npos) << log;

  // 2. Prometheus on loopback, scraping it every second, storage in the temp dir.
  const uint16_t prom_port = free_loopback_port();
  write_file(dir / "prometheus.yml",
             "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
             "scrape_configs:\n  - job_name: btsensor\n    static_configs:\n"
             "      - targets: ['127.0.0.1:" +
                 metrics_port + "']\n");
  Child prom({prometheus, "--config.file=" + (dir / "prometheus.yml"),
              "--storage.tsdb.path=" + (dir / "tsdb"),
              "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
             dir / "prometheus.log");
  ASSERT_TRUE(prom.started());

  // 3. Wait for a successful scrape, then compare with what the replay counted.
  std::optional<std::string> up;
  ASSERT_TRUE(wait_for(
      [&] {
        up = query_value(prom_port, "up{job=\"btsensor\"}");
        return up && *up == "1";
      },
      30s))
      << "no successful scrape; prometheus log:\n"
      << read_file(dir / "prometheus.log");
  EXPECT_EQ(query_value(prom_port, "btsensor_packets_total"), "68");
  EXPECT_EQ(query_value(prom_port, "btsensor_decode_errors_total{reason=\"not_ip\"}"), "3");
  EXPECT_EQ(query_value(prom_port, "btsensor_flows_created_total"), "9");
  EXPECT_EQ(query_value(prom_port, "btsensor_output_records_written_total{output=\"eve\"}"), "9");
  EXPECT_EQ(query_value(prom_port, "btsensor_build_info"), "1");
  // A labelled series that never moved is there at 0.
  EXPECT_EQ(query_value(prom_port, "btsensor_decode_errors_total{reason=\"truncated_tcp\"}"), "0");
  prom.stop();
  replay.stop();
}

}  // namespace
}  // namespace btsensor::test
