#include "outputs/file_sink.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "outputs/async_writer.hpp"
#include "outputs/reopen_signal.hpp"
#include "support/json.hpp"
#include "support/sample_events.hpp"
#include "support/temp_dir.hpp"

namespace btsensor::test {
namespace {

using namespace std::chrono_literals;

size_t count_lines(const std::string& text) {
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

std::unique_ptr<FileSink> open_sink(const EveFileOptions& o) {
  auto s = FileSink::open(o);
  EXPECT_TRUE(s) << (s ? "" : s.error());
  return s ? std::move(*s) : nullptr;
}

TEST(FileSink, AppendsLines) {
  TempDir dir;
  std::string path = dir / "eve.json";
  write_file(path, "{\"old\":1}\n");
  EveFileOptions o;
  o.path = path;
  auto s = open_sink(o);
  ASSERT_TRUE(s);
  auto now = std::chrono::steady_clock::now();
  s->write(Record{R"({"a":1})", "flow"}, now);
  s->write(Record{R"({"b":2})", "flow"}, now);
  EXPECT_EQ(read_file(path), "{\"old\":1}\n");  // buffered until the batch ends
  s->flush(now);
  EXPECT_EQ(read_file(path), "{\"old\":1}\n{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(s->counters().written, 2u);
}

TEST(FileSink, UnopenablePathFailsAtStartup) {
  EveFileOptions o;
  o.path = "/nonexistent-dir/eve.json";
  auto s = FileSink::open(o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().find("cannot open /nonexistent-dir/eve.json"), std::string::npos);
}

// logrotate: rename the file, send SIGHUP; the writer thread reopens `path` and new records
// go to the new file while nothing written before the signal is lost.
TEST(FileSink, ReopenAfterRenameOnSighup) {
  TempDir dir;
  std::string path = dir / "eve.json";
  EveFileOptions o;
  o.path = path;
  WriterOptions wo;
  wo.idle_sleep = 1ms;
  install_reopen_on_sighup();
  AsyncWriter w("eve", open_sink(o), wo);
  for (int i = 0; i < 10; ++i) w.on_flow(sample_flow());
  ASSERT_TRUE(w.drain(10s));
  std::filesystem::rename(path, dir / "eve.json.1");
  // Still the old file descriptor: these land in the rotated file.
  for (int i = 0; i < 5; ++i) w.on_flow(sample_flow());
  ASSERT_TRUE(w.drain(10s));
  uint32_t gen = reopen_generation();
  ASSERT_EQ(::raise(SIGHUP), 0);
  ASSERT_NE(reopen_generation(), gen);  // the handler ran (synchronously for raise)
  for (int i = 0; i < 7; ++i) w.on_label(sample_label());
  w.stop();
  EXPECT_EQ(count_lines(read_file(dir / "eve.json.1")), 15u);
  std::string fresh = read_file(path);
  EXPECT_EQ(count_lines(fresh), 7u);
  EXPECT_NE(fresh.find("\"event_type\":\"label\""), std::string::npos);
  EXPECT_EQ(w.stats().written.get(), 22u);
  EXPECT_EQ(w.stats().dropped.get(), 0u);
  EXPECT_EQ(w.stats().errors.get(), 0u);
}

TEST(FileSink, FsyncNever) {
  TempDir dir;
  EveFileOptions o;
  o.path = dir / "eve.json";
  o.fsync = FsyncPolicy::kNever;
  auto s = open_sink(o);
  auto t = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    s->write(Record{"{}", "flow"}, t);
    s->flush(t);
    t += 10s;
    s->tick(t);
  }
  EXPECT_EQ(s->fsyncs(), 0u);
}

TEST(FsyncPolicy, AlwaysSyncsEveryRecord) {
  TempDir dir;
  EveFileOptions o;
  o.path = dir / "eve.json";
  o.fsync = FsyncPolicy::kAlways;
  auto s = open_sink(o);
  auto t = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) s->write(Record{"{}", "flow"}, t);
  EXPECT_EQ(s->fsyncs(), 5u);
  EXPECT_EQ(count_lines(read_file(o.path)), 5u);  // nothing left in the buffer
  s->flush(t);
  EXPECT_EQ(s->fsyncs(), 5u);  // nothing new to sync
}

TEST(FsyncPolicy, IntervalSyncsAtMostOncePerInterval) {
  TempDir dir;
  EveFileOptions o;
  o.path = dir / "eve.json";
  o.fsync = FsyncPolicy::kInterval;
  o.fsync_interval_ms = 1000;
  auto s = open_sink(o);
  auto t0 = std::chrono::steady_clock::now();
  s->write(Record{"{}", "flow"}, t0);
  s->flush(t0);
  EXPECT_EQ(s->fsyncs(), 1u);     // first batch: nothing synced yet
  for (int i = 1; i <= 9; ++i) {  // 900 ms of batches: within the interval
    auto t = t0 + std::chrono::milliseconds(100 * i);
    s->write(Record{"{}", "flow"}, t);
    s->flush(t);
  }
  EXPECT_EQ(s->fsyncs(), 1u);
  s->tick(t0 + 1000ms);  // idle tick after the interval: the pending data is synced
  EXPECT_EQ(s->fsyncs(), 2u);
  s->tick(t0 + 5000ms);  // nothing written since: no sync
  EXPECT_EQ(s->fsyncs(), 2u);
}

// A file that cannot be written (here: a directory that vanished before a reopen) counts
// errors and drops, then recovers when the path is writable again.
TEST(FileSink, FailingPathIsCountedAndRetried) {
  TempDir dir;
  std::filesystem::create_directory(dir / "sub");
  EveFileOptions o;
  o.path = dir / "sub/eve.json";
  auto s = open_sink(o);
  auto t = std::chrono::steady_clock::now();
  std::filesystem::remove_all(dir / "sub");
  s->reopen(t);
  EXPECT_EQ(s->counters().errors, 1u);
  s->write(Record{"{}", "flow"}, t);
  s->flush(t);
  EXPECT_EQ(s->counters().dropped, 1u);
  std::filesystem::create_directory(dir / "sub");
  s->tick(t + 1s);  // backoff elapsed: reopened
  s->write(Record{R"({"ok":1})", "flow"}, t + 1s);
  s->flush(t + 1s);
  EXPECT_EQ(s->counters().written, 1u);
  EXPECT_EQ(read_file(o.path), "{\"ok\":1}\n");
}

// What the writer thread produces end to end is valid JSON, one object per line.
TEST(FileSink, EveLinesParse) {
  TempDir dir;
  EveFileOptions o;
  o.path = dir / "eve.json";
  AsyncWriter w("eve", open_sink(o), WriterOptions{});
  w.on_flow(sample_flow());
  w.on_label(sample_label());
  w.on_alert(sample_alert());
  w.stop();
  std::string text = read_file(o.path);
  size_t start = 0, n = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1, ++n) {
    auto j = JsonParser::parse(std::string_view(text).substr(start, nl - start));
    ASSERT_TRUE(j) << text.substr(start, nl - start);
    EXPECT_TRUE((*j)["event_type"].is_string());
  }
  EXPECT_EQ(n, 3u);
}

}  // namespace
}  // namespace btsensor::test
