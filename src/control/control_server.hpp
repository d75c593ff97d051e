// The control socket (config `control.socket`; `btsensor ctl` is its client): a unix stream
// socket, owner-only (0600), speaking JSON lines — one request object per line, one
// response object per line, in order:
//
//   {"cmd":"version"}                       → {"ok":true,"version":"0.1.0"}
//   {"cmd":"stats"}                         → {"ok":true,"stats":{packets, drops, flows, …}}
//   {"cmd":"reload"}                        → {"ok":true|false,"reload":{…}} when it is done
//   {"cmd":"labels"}                        → {"ok":true,"labels":[{host,label,expires,…}]}
//   {"cmd":"host","ip":"10.1.2.3"}          → {"ok":true,"host":{labels, listen ports, …}}
//   {"cmd":"exclusion","action":"add"|"remove",…}   (when the exclusions are built in)
// Errors: {"ok":false,"error":"…"}. A request's "id" (any JSON value) is echoed back.
//
// Served on the control (main) thread from its loop, never on an lcore: poll() does
// non-blocking socket I/O only. Answers about hosts and labels come from the shards'
// mailboxes (btsensor/shard_query.hpp): each worker answers on its own thread, in bounded
// steps, so reading shard state is race-free and costs the data path nothing while no
// query is posted. A reload runs through the Reloader (loaded off-thread, published here).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "btsensor/result.hpp"
#include "btsensor/shard_query.hpp"
#include "control/json.hpp"

namespace btsensor {

class Reloader;

// A command the wiring adds (e.g. "exclusion" once exclusions exist): gets the request,
// writes the members of the response object after "ok" (or returns an error message).
using ControlHandler = std::function<Result<bool>(const JsonValue& request, JsonWriter& out)>;

struct ControlContext {
  std::string version;
  // Writes the members of the "stats" object (counters the wiring owns).
  std::function<void(JsonWriter&)> stats;
  Reloader* reloader = nullptr;          // null: "reload" answers an error
  std::function<void()> on_reload;       // also run for "reload" (the outputs reopen)
  std::vector<ShardMailbox*> mailboxes;  // one per shard, index = shard_of(host, n)
  size_t labels_per_shard = 16384;       // answer bound (then "truncated": true)
  std::chrono::milliseconds shard_timeout{5000};
  std::vector<std::pair<std::string, ControlHandler>> extra;  // more commands
};

class ControlServer {
 public:
  // Binds `path` (its parent directory is created 0700 when missing; a stale socket is
  // replaced, a live one — another sensor — is an error), mode 0600, then listens.
  static Result<std::unique_ptr<ControlServer>> open(const std::string& path, ControlContext ctx);
  ~ControlServer();  // closes every connection and removes the socket file
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Control thread, once per loop iteration: accepts, reads requests, advances pending
  // answers, writes what it can. Never blocks.
  void poll();
  const std::string& path() const { return path_; }

  struct Client;
  struct ShardJob;

 private:
  ControlServer(std::string path, int fd, ControlContext ctx);
  void accept_clients();
  void read_client(Client& c);
  void handle(Client& c, const std::string& line);
  void reply(uint64_t client_id, const JsonValue* id, std::string body);
  void run_shard_jobs();
  void flush(Client& c);

  std::string path_;
  int fd_;
  ControlContext ctx_;
  uint64_t next_client_ = 1;
  std::vector<std::unique_ptr<Client>> clients_;
  std::deque<std::unique_ptr<ShardJob>> jobs_;  // front = the one in the mailboxes
  std::vector<std::unique_ptr<LabelsQuery>> labels_q_;
  std::vector<std::unique_ptr<HostQuery>> host_q_;
};

}  // namespace btsensor
