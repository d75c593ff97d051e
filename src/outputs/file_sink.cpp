#include "outputs/file_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace btsensor {
namespace {

// Past this the buffer goes to the kernel even mid-batch: bounds memory and keeps each
// write(2) a size the page cache takes in one go.
constexpr size_t kFlushBytes = 256 * 1024;

}  // namespace

FileSink::FileSink(const EveFileOptions& opt) : opt_(opt), is_stdout_(opt.path == "-") {
  buf_.reserve(kFlushBytes + 8192);
}

FileSink::~FileSink() {
  write_buffer();
  close_file();
}

Result<std::unique_ptr<FileSink>> FileSink::open(const EveFileOptions& opt) {
  std::unique_ptr<FileSink> s(new FileSink(opt));
  std::string err;
  if (!s->open_file(&err)) return Error{"cannot open " + opt.path + ": " + err};
  return s;
}

bool FileSink::open_file(std::string* err) {
  ++opens_;
  if (is_stdout_) {
    fd_ = STDOUT_FILENO;
    return true;
  }
  // 0640: events name internal hosts; the group (e.g. adm) may read them, others may not.
  fd_ = ::open(opt_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    if (err) *err = std::strerror(errno);
    return false;
  }
  return true;
}

void FileSink::close_file() {
  if (fd_ >= 0 && !is_stdout_) ::close(fd_);
  fd_ = -1;
}

void FileSink::write(const Record& r, SteadyTime now) {
  if (fd_ < 0) {
    ++counters_.dropped;  // file could not be (re)opened: tick() retries
    return;
  }
  buf_.append(r.json);
  buf_ += '\n';
  ++buffered_;
  if (opt_.fsync == FsyncPolicy::kAlways) {
    flush(now);
  } else if (buf_.size() >= kFlushBytes) {
    write_buffer();
  }
}

void FileSink::write_buffer() {
  if (buf_.empty()) return;
  if (fd_ < 0) {
    counters_.dropped += buffered_;
  } else {
    // After a failed write the file may end in half a line: start on a fresh line so the
    // damage stays one unparsable line instead of corrupting the next record too.
    std::string_view out(buf_);
    std::string fixed;
    if (broken_line_) {
      fixed = "\n" + buf_;
      out = fixed;
    }
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::write(fd_, out.data() + done, out.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += size_t(n);
    }
    if (done == out.size()) {
      counters_.written += buffered_;
      broken_line_ = false;
      dirty_ = true;
    } else {
      // Disk full, I/O error: what did not reach the file is lost. Count the whole batch as
      // dropped (a partial tail cannot be told apart from a whole record here).
      ++counters_.errors;
      counters_.dropped += buffered_;
      broken_line_ = done > 0 || broken_line_;
    }
  }
  buf_.clear();
  buffered_ = 0;
}

void FileSink::sync(SteadyTime now) {
  last_sync_ = now;
  if (!dirty_ || fd_ < 0 || is_stdout_) return;
  ++fsyncs_;
  dirty_ = false;
  // EINVAL/EROFS: the target cannot be synced at all (a character device such as /dev/null,
  // a pipe): nothing to make durable, so not an output error.
  if (::fdatasync(fd_) != 0 && errno != EINVAL && errno != EROFS) ++counters_.errors;
}

void FileSink::flush(SteadyTime now) {
  write_buffer();
  switch (opt_.fsync) {
    case FsyncPolicy::kNever:
      break;
    case FsyncPolicy::kAlways:
      sync(now);
      break;
    case FsyncPolicy::kInterval:
      if (now - last_sync_ >= std::chrono::milliseconds(opt_.fsync_interval_ms)) sync(now);
      break;
  }
}

void FileSink::tick(SteadyTime now) {
  if (fd_ < 0 && retry_.due(now)) {
    if (open_file(nullptr)) {
      retry_.succeeded();
    } else {
      ++counters_.errors;
      retry_.failed(now);
    }
  }
  if (opt_.fsync == FsyncPolicy::kInterval) flush(now);
}

void FileSink::reopen(SteadyTime now) {
  if (is_stdout_) return;
  write_buffer();
  sync(now);  // the rotated file is complete on disk before we let go of it
  close_file();
  if (open_file(nullptr)) {
    retry_.succeeded();
  } else {
    ++counters_.errors;
    retry_.failed(now);
  }
}

}  // namespace btsensor
