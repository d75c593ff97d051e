// EVE records to a syslog receiver as RFC 5424 messages over UDP, TCP (RFC 6587 framing) or
// a local datagram socket (/dev/log style).
//
// The receiver may be down or slow: a record that cannot be sent is counted (dropped +
// errors) and the sink reconnects with exponential backoff (100 ms doubling up to
// reconnect_max), so the sensor keeps running and output resumes when the receiver returns.
// TCP sends block the writer thread at most send_timeout; a timed-out stream is closed
// (a half-sent frame would desynchronise the framing). Like any plain syslog transport, TCP
// can lose the records written into a connection the peer has just closed: the loss is
// noticed (and counted) on the next send or tick, not per record.
#pragma once

#include <sys/socket.h>

#include <memory>
#include <string>

#include "btsensor/result.hpp"
#include "outputs/line_sink.hpp"
#include "outputs/output_options.hpp"

namespace btsensor {

class SyslogSink final : public LineSink {
 public:
  // Checks the address syntax and tries a first connection (a failure there is counted and
  // retried like any later one: the receiver may start after the sensor).
  static Result<std::unique_ptr<SyslogSink>> create(const SyslogOptions& opt);
  ~SyslogSink() override;

  void write(const Record& r, SteadyTime now) override;
  void flush(SteadyTime now) override;
  void tick(SteadyTime now) override;
  void reopen(SteadyTime now) override;

  bool connected() const { return fd_ >= 0; }
  uint64_t connects() const { return connects_; }

 private:
  explicit SyslogSink(const SyslogOptions& opt);
  bool connect_now(SteadyTime now);
  void disconnect();
  void failed(SteadyTime now);
  bool send_all(const std::string& data);
  bool peer_closed();

  SyslogOptions opt_;
  std::string header_fields_;  // "HOSTNAME APP-NAME PROCID"
  int fd_ = -1;
  std::string msg_;       // one message being built
  std::string out_;       // TCP: frames of the current batch
  uint64_t pending_ = 0;  // records in out_
  Backoff backoff_;
  uint64_t connects_ = 0;
};

}  // namespace btsensor
