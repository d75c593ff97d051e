// EVE lines to stdout or to a file opened for append.
//
// Records are buffered and handed to the kernel with write(2) at the end of every batch
// (or when the buffer fills), so a burst of events costs a few syscalls, not one per line.
// On SIGHUP the writer thread calls reopen(): the current file is closed and `path` opened
// again, which is what logrotate's default `create` mode needs. A failing file (disk full,
// directory gone) loses the affected records — counted — and is retried with backoff;
// the sensor keeps running.
#pragma once

#include <memory>
#include <string>

#include "btsensor/result.hpp"
#include "outputs/line_sink.hpp"
#include "outputs/output_options.hpp"

namespace btsensor {

class FileSink final : public LineSink {
 public:
  // Opens the file now so that a wrong path fails at startup, not in the writer thread.
  static Result<std::unique_ptr<FileSink>> open(const EveFileOptions& opt);
  ~FileSink() override;

  void write(const Record& r, SteadyTime now) override;
  void flush(SteadyTime now) override;
  void tick(SteadyTime now) override;
  void reopen(SteadyTime now) override;

  uint64_t fsyncs() const { return fsyncs_; }  // for tests of the fsync policy
  uint64_t opens() const { return opens_; }

 private:
  explicit FileSink(const EveFileOptions& opt);
  bool open_file(std::string* err);
  void close_file();
  void write_buffer();
  void sync(SteadyTime now);

  EveFileOptions opt_;
  int fd_ = -1;
  bool is_stdout_ = false;
  std::string buf_;
  uint64_t buffered_ = 0;     // records in buf_
  bool broken_line_ = false;  // a failed write may have left half a line in the file
  bool dirty_ = false;        // written since the last fsync
  SteadyTime last_sync_{};
  Backoff retry_{std::chrono::milliseconds(100), std::chrono::milliseconds(10000)};
  uint64_t fsyncs_ = 0, opens_ = 0;
};

}  // namespace btsensor
