#include "outputs/syslog_sink.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "outputs/host_port.hpp"
#include "outputs/syslog_format.hpp"

namespace btsensor {
namespace {

std::string local_hostname() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "-";
  return buf;
}

Timestamp wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SyslogSink::SyslogSink(const SyslogOptions& opt)
    : opt_(opt),
      backoff_(std::chrono::milliseconds(100),
               std::chrono::milliseconds(std::max<uint32_t>(opt.reconnect_max_ms, 100))) {
  if (opt_.address.empty()) opt_.address = default_syslog_address(opt_.transport);
  header_fields_ = syslog_header_fields(opt_.hostname.empty() ? local_hostname() : opt_.hostname,
                                        opt_.app_name, long(::getpid()));
  msg_.reserve(8192);
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0 && !out_.empty()) send_all(out_);
  disconnect();
}

Result<std::unique_ptr<SyslogSink>> SyslogSink::create(const SyslogOptions& opt) {
  std::unique_ptr<SyslogSink> s(new SyslogSink(opt));
  if (s->opt_.transport != SyslogTransport::kUnix) {
    HostPort hp;
    if (!split_host_port(s->opt_.address, hp) || hp.port == 0)
      return Error{"syslog address '" + s->opt_.address + "': expected host:port"};
  } else if (s->opt_.address.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return Error{"syslog socket path too long: " + s->opt_.address};
  }
  auto now = std::chrono::steady_clock::now();
  if (!s->connect_now(now)) s->failed(now);
  return s;
}

bool SyslogSink::connect_now(SteadyTime) {
  disconnect();
  ++connects_;
  if (opt_.transport == SyslogTransport::kUnix) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::memcpy(sa.sun_path, opt_.address.data(), opt_.address.size());
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      disconnect();
      return false;
    }
    return true;
  }
  HostPort hp;
  split_host_port(opt_.address, hp);  // checked in create()
  const bool tcp = opt_.transport == SyslogTransport::kTcp;
  addrinfo hints{};
  hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  // Resolved on every attempt (on the writer thread) so that a receiver that moved to
  // another address is found again after a reconnect.
  if (::getaddrinfo(hp.host.c_str(), std::to_string(hp.port).c_str(), &hints, &res) != 0)
    return false;
  for (addrinfo* ai = res; ai && fd_ < 0; ai = ai->ai_next) {
    fd_ = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) continue;
    int rc = ::connect(fd_, ai->ai_addr, ai->ai_addrlen);
    if (rc != 0 && errno == EINPROGRESS) {
      // Bounded wait for the TCP handshake: the writer thread must get back to its queue.
      pollfd p{fd_, POLLOUT, 0};
      int err = 0;
      socklen_t len = sizeof err;
      if (::poll(&p, 1, int(opt_.send_timeout_ms)) == 1 &&
          ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
        rc = 0;
    }
    if (rc != 0) disconnect();
  }
  ::freeaddrinfo(res);
  if (fd_ < 0) return false;
  if (tcp) {
    // Blocking sends with a timeout: a slow receiver holds the writer at most this long.
    int fl = ::fcntl(fd_, F_GETFL);
    ::fcntl(fd_, F_SETFL, fl & ~O_NONBLOCK);
    timeval tv{time_t(opt_.send_timeout_ms / 1000),
               suseconds_t(opt_.send_timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  return true;
}

void SyslogSink::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void SyslogSink::failed(SteadyTime now) {
  ++counters_.errors;
  disconnect();
  backoff_.failed(now);
}

bool SyslogSink::send_all(const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// A syslog receiver never sends anything, so a readable TCP socket means EOF or RST.
bool SyslogSink::peer_closed() {
  char c;
  ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return true;
  return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

void SyslogSink::write(const Record& r, SteadyTime now) {
  if (fd_ < 0) {
    ++counters_.dropped;  // receiver down: tick() reconnects
    return;
  }
  msg_.clear();
  append_syslog_message(msg_, opt_.facility, opt_.severity, wall_now(), header_fields_, r);
  if (opt_.transport == SyslogTransport::kTcp) {
    append_syslog_frame(out_, opt_.framing, msg_);
    ++pending_;
    if (out_.size() >= 64 * 1024) flush(now);
    return;
  }
  // One record per datagram, never blocking: a full receive queue drops this record.
  ssize_t n = ::send(fd_, msg_.data(), msg_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n == ssize_t(msg_.size())) {
    ++counters_.written;
    return;
  }
  ++counters_.dropped;
  if (opt_.transport == SyslogTransport::kUnix && n < 0 &&
      (errno == ECONNREFUSED || errno == ENOENT || errno == ENOTCONN)) {
    failed(now);  // the receiver went away (restarted daemon): connect to its new socket
  } else {
    ++counters_.errors;  // UDP: ICMP unreachable, or a full queue; the socket stays
  }
}

void SyslogSink::flush(SteadyTime now) {
  if (out_.empty()) return;
  // A receiver restarted since the last batch: reconnect before writing into a dead
  // stream, so the batch is not lost to it.
  if (fd_ >= 0 && peer_closed()) {
    ++counters_.errors;
    if (!connect_now(now)) failed(now);
  }
  if (fd_ >= 0 && send_all(out_)) {
    counters_.written += pending_;
  } else {
    counters_.dropped += pending_;
    if (fd_ >= 0) failed(now);
  }
  out_.clear();
  pending_ = 0;
}

void SyslogSink::tick(SteadyTime now) {
  if (fd_ >= 0) {
    if (opt_.transport != SyslogTransport::kTcp || !peer_closed()) return;
    ++counters_.errors;
    disconnect();  // the peer closed: reconnect now, back off only if that fails
  }
  if (!backoff_.due(now)) return;
  if (connect_now(now)) {
    backoff_.succeeded();
  } else {
    failed(now);
  }
}

void SyslogSink::reopen(SteadyTime now) {
  flush(now);
  if (connect_now(now)) {
    backoff_.succeeded();
  } else {
    failed(now);
  }
}

}  // namespace btsensor
