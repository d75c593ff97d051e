#include "control/control_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>

#include "btsensor/evidence.hpp"
#include "btsensor/home_net.hpp"
#include "btsensor/model_ids.hpp"
#include "control/json_event_fields.hpp"
#include "control/reloader.hpp"

namespace btsensor {
namespace {

constexpr size_t kMaxLine = 64 * 1024;  // one request; more is a client bug (or hostile)
constexpr size_t kMaxClients = 16;

constexpr const char* kCommands = "version, stats, reload, labels, host";

void write_time(JsonWriter& w, const char* key, Timestamp ts) {
  w.key(key);
  if (ts > 0) {
    w.value(rfc3339(ts));
  } else {
    w.null();
  }
}

// A label's times, reason and the flow that set it: the same in `labels` (LabelInfo) and in
// `host` (LabelState, with the expiry the query computed).
template <class Label>
void write_label_body(JsonWriter& w, const Label& l, Timestamp expires) {
  write_time(w, "set_at", l.set_at);
  write_time(w, "last_activity", l.last_activity);
  write_time(w, "expires", expires);
  w.key("reason");
  write_evidence_list(w, l.reason);
  w.key("flow");
  write_flow_ref(w, l.flow, FlowRefStyle::kReadable);
}

std::string error_body(const std::string& msg) {
  JsonWriter w;
  w.field("error", msg);
  return w.take();
}

}  // namespace

struct ControlServer::Client {
  uint64_t id = 0;
  int fd = -1;
  std::string in, out;
  bool busy = false;     // a request is being answered: later lines wait (answers in order)
  bool closing = false;  // peer closed or misbehaved: drop once `out` is written
};

struct ControlServer::ShardJob {
  enum Kind { kLabels, kHost } kind = kLabels;
  uint64_t client = 0;
  JsonValue request_id;
  bool has_id = false;
  IpAddr ip;
  std::string ip_text;
  uint32_t shard = 0;  // kHost: the owning shard
  bool posted = false, answered = false;
  std::chrono::steady_clock::time_point posted_at;
  std::string label_filter;
};

Result<std::unique_ptr<ControlServer>> ControlServer::open(const std::string& path,
                                                           ControlContext ctx) {
  namespace fs = std::filesystem;
  sockaddr_un addr{};
  if (path.empty() || path.size() >= sizeof(addr.sun_path))
    return Error{"control.socket: '" + path + "': a socket path must have 1 to " +
                 std::to_string(sizeof(addr.sun_path) - 1) + " characters"};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return Error{"control.socket: cannot create " + parent.string() + ": " + ec.message()};
    ::chmod(parent.c_str(), 0700);
  }
  // An old socket file: live (another sensor answers) is an error, stale is replaced.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return Error{"control.socket: " + path + " exists and is not a socket"};
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool live =
        probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    if (probe >= 0) ::close(probe);
    if (live)
      return Error{"control.socket: " + path +
                   " is in use (another btsensor is running with this socket?)"};
    ::unlink(path.c_str());
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error{std::string("control.socket: socket: ") + std::strerror(errno)};
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::string e = std::strerror(errno);
    ::close(fd);
    return Error{"control.socket: cannot bind " + path + ": " + e};
  }
  // Owner-only before listen(): until then a connect() is refused, so nobody slips in
  // between bind and chmod. The socket can reload, read host data and add exclusions.
  if (::chmod(path.c_str(), 0600) != 0 || ::listen(fd, 16) != 0) {
    std::string e = std::strerror(errno);
    ::close(fd);
    ::unlink(path.c_str());
    return Error{"control.socket: " + path + ": " + e};
  }
  return std::unique_ptr<ControlServer>(new ControlServer(path, fd, std::move(ctx)));
}

ControlServer::ControlServer(std::string path, int fd, ControlContext ctx)
    : path_(std::move(path)), fd_(fd), ctx_(std::move(ctx)) {
  // Preallocated once: the shards fill them without allocating.
  for (size_t i = 0; i < ctx_.mailboxes.size(); ++i) {
    labels_q_.push_back(std::make_unique<LabelsQuery>(ctx_.labels_per_shard));
    host_q_.push_back(std::make_unique<HostQuery>());
  }
}

ControlServer::~ControlServer() {
  for (auto& c : clients_) ::close(c->fd);
  ::close(fd_);
  ::unlink(path_.c_str());
  // A query still posted (a worker that stopped answering) is simply never read again: the
  // mailboxes and the queries die with the dataplane and this object, lcores stopped.
}

void ControlServer::poll() {
  accept_clients();
  for (auto& c : clients_) {
    if (!c->closing) read_client(*c);
    // Requests in order: the next line only once the previous one is answered.
    while (!c->busy) {
      size_t nl = c->in.find('\n');
      if (nl == std::string::npos) break;
      std::string line = c->in.substr(0, nl);
      c->in.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      handle(*c, line);
    }
  }
  run_shard_jobs();
  for (auto& c : clients_) flush(*c);
  std::erase_if(clients_, [](const std::unique_ptr<Client>& c) {
    // A closed peer still gets the answers to every complete line it sent.
    if (!c->closing || c->busy || !c->out.empty() || c->in.find('\n') != std::string::npos)
      return false;
    ::close(c->fd);
    return true;
  });
}

void ControlServer::accept_clients() {
  while (true) {
    int cfd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) return;  // EAGAIN: nobody waiting (other errors: try again next loop)
    auto c = std::make_unique<Client>();
    c->id = next_client_++;
    c->fd = cfd;
    if (clients_.size() >= kMaxClients) {
      c->out = "{\"ok\":false,\"error\":\"too many control connections\"}\n";
      c->closing = true;
    }
    clients_.push_back(std::move(c));
  }
}

void ControlServer::read_client(Client& c) {
  char buf[4096];
  while (true) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      c.in.append(buf, size_t(n));
      if (c.in.size() > kMaxLine && c.in.find('\n') == std::string::npos) {
        c.out += "{\"ok\":false,\"error\":\"request longer than 65536 bytes\"}\n";
        c.closing = true;
        return;
      }
      continue;
    }
    if (n == 0) {
      // Half-close: the client sent its requests and shut down writing; answer them, then
      // close once nothing is pending.
      c.closing = true;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      c.closing = true;
      c.in.clear();
    }
    break;
  }
}

void ControlServer::reply(uint64_t client_id, const JsonValue* id, std::string body) {
  for (auto& c : clients_) {
    if (c->id != client_id) continue;
    JsonWriter w;
    w.begin_object();
    if (id) {
      w.key("id");
      w.value(*id);
    }
    std::string head = w.take();
    // `body` starts with "ok" or "error": one object.
    c->out += head + (id ? "," : "") + body + "}\n";
    c->busy = false;
    return;
  }
}

void ControlServer::handle(Client& c, const std::string& line) {
  std::string perr;
  auto req = parse_json(line, &perr);
  if (!req || !req->is_object()) {
    c.out += "{\"ok\":false,\"error\":" +
             JsonWriter()
                 .value(req ? std::string("a request is a JSON object")
                            : "request is not valid JSON: " + perr)
                 .take() +
             "}\n";
    return;
  }
  const JsonValue* id = req->has("id") ? &(*req)["id"] : nullptr;
  const JsonValue& cmdv = (*req)["cmd"];
  if (!cmdv.is_string()) {
    reply(c.id, id,
          "\"ok\":false," + error_body("missing \"cmd\" (one of: " + std::string(kCommands) + ")"));
    return;
  }
  const std::string& cmd = cmdv.as_string();
  c.busy = true;  // cleared by reply()

  if (cmd == "version") {
    JsonWriter w;
    w.field("ok", true).field("version", ctx_.version);
    return reply(c.id, id, w.take());
  }
  if (cmd == "stats") {
    JsonWriter w;
    w.field("ok", true).key("stats").begin_object();
    if (ctx_.stats) ctx_.stats(w);
    w.end_object();
    return reply(c.id, id, w.take());
  }
  if (cmd == "reload") {
    if (!ctx_.reloader)
      return reply(c.id, id, "\"ok\":false," + error_body("reload: not available"));
    if (ctx_.on_reload) ctx_.on_reload();
    uint64_t cid = c.id;
    std::shared_ptr<JsonValue> idcopy = id ? std::make_shared<JsonValue>(*id) : nullptr;
    ctx_.reloader->request(
        ReloadScope::kAll, "control", [this, cid, idcopy](const ReloadResult& r) {
          JsonWriter w;
          w.field("ok", r.ok);
          if (!r.ok)
            w.field("error", r.errors.empty() ? std::string("reload failed") : r.errors[0]);
          w.key("reload").begin_object().field("seconds", r.seconds).key("reloaded").begin_array();
          for (const auto& x : r.reloaded) w.value(x);
          w.end_array().key("errors").begin_array();
          for (const auto& x : r.errors) w.value(x);
          w.end_array().key("restart_needed").begin_array();
          for (const auto& x : r.restart_needed) w.value(x);
          w.end_array().key("notes").begin_array();
          for (const auto& x : r.notes) w.value(x);
          w.end_array().field("feed_entries", uint64_t(r.feed_entries)).end_object();
          reply(cid, idcopy.get(), w.take());
        });
    return;
  }
  if (cmd == "labels" || cmd == "host") {
    if (ctx_.mailboxes.empty())
      return reply(c.id, id, "\"ok\":false," + error_body(cmd + ": no shards to ask"));
    auto job = std::make_unique<ShardJob>();
    job->client = c.id;
    if (id) {
      job->request_id = *id;
      job->has_id = true;
    }
    if (cmd == "labels") {
      job->kind = ShardJob::kLabels;
      const JsonValue& l = (*req)["label"];
      if (!l.is_null()) {
        bool known = false;
        for (int i = 0; i < kLabelCount; ++i)
          known = known || (l.is_string() && l.as_string() == label_name(LabelId(i)));
        if (!known)
          return reply(c.id, id,
                       "\"ok\":false," + error_body("labels: \"label\" must be bittorrent_user "
                                                    "or torrent_site"));
        job->label_filter = l.as_string();
      }
    } else {
      const JsonValue& ipv = (*req)["ip"];
      std::optional<IpAddr> a = ipv.is_string() ? IpAddr::parse(ipv.as_string()) : std::nullopt;
      if (!a) {
        std::string shown = ipv.is_string() ? "'" + ipv.as_string() + "'" : "missing";
        return reply(
            c.id, id,
            "\"ok\":false," + error_body("host: \"ip\" " + shown + " is not an IPv4/IPv6 address"));
      }
      job->kind = ShardJob::kHost;
      job->ip = *a;
      job->ip_text = a->to_string();
      job->shard = shard_of(*a, uint32_t(ctx_.mailboxes.size()));
    }
    jobs_.push_back(std::move(job));
    return;
  }
  for (auto& [name, handler] : ctx_.extra) {
    if (name != cmd) continue;
    JsonWriter w;
    w.field("ok", true);
    auto r = handler(*req, w);
    if (!r) return reply(c.id, id, "\"ok\":false," + error_body(r.error()));
    return reply(c.id, id, w.take());
  }
  std::string known = kCommands;
  for (auto& e : ctx_.extra) known += ", " + e.first;
  reply(c.id, id,
        "\"ok\":false," + error_body("unknown command '" + cmd + "' (known: " + known + ")"));
}

void ControlServer::run_shard_jobs() {
  while (!jobs_.empty()) {
    ShardJob& j = *jobs_.front();
    const size_t n = ctx_.mailboxes.size();
    auto mailboxes_of = [&](auto&& fn) {
      if (j.kind == ShardJob::kHost) {
        fn(j.shard);
      } else {
        for (uint32_t i = 0; i < n; ++i) fn(i);
      }
    };
    if (!j.posted) {
      bool free = true;
      mailboxes_of([&](uint32_t i) { free = free && ctx_.mailboxes[i]->idle(); });
      if (!free) return;  // an abandoned query is still being worked on
      mailboxes_of([&](uint32_t i) {
        ShardQuery* q;
        if (j.kind == ShardJob::kHost) {
          host_q_[i]->reset(j.ip);
          q = host_q_[i].get();
        } else {
          labels_q_[i]->reset();
          q = labels_q_[i].get();
        }
        ctx_.mailboxes[i]->post(q);
      });
      j.posted = true;
      j.posted_at = std::chrono::steady_clock::now();
    }
    bool ready = true;
    mailboxes_of([&](uint32_t i) { ready = ready && ctx_.mailboxes[i]->ready(); });
    const JsonValue* rid = j.has_id ? &j.request_id : nullptr;
    if (!ready) {
      if (!j.answered && std::chrono::steady_clock::now() - j.posted_at > ctx_.shard_timeout) {
        j.answered = true;
        reply(j.client, rid,
              "\"ok\":false," + error_body("the workers did not answer in time (stopping?)"));
      }
      return;
    }
    if (!j.answered) {
      JsonWriter w;
      w.field("ok", true);
      if (j.kind == ShardJob::kLabels) {
        bool truncated = false;
        size_t count = 0;
        w.key("labels").begin_array();
        for (uint32_t i = 0; i < n; ++i) {
          truncated = truncated || labels_q_[i]->truncated();
          for (const LabelInfo& l : labels_q_[i]->results()) {
            if (!j.label_filter.empty() && j.label_filter != label_name(l.label)) continue;
            ++count;
            w.begin_object().field("host", l.host.to_string()).field("label", label_name(l.label));
            write_label_body(w, l, l.expires);
            w.end_object();
          }
        }
        w.end_array().field("count", uint64_t(count)).field("truncated", truncated);
      } else {
        const HostQuery& q = *host_q_[j.shard];
        w.key("host").begin_object().field("ip", j.ip_text).field("shard", unsigned(j.shard));
        w.field("known", q.found());
        if (q.found()) {
          const HostSnapshot& h = q.host();
          write_time(w, "last_seen", h.last_seen);
          write_time(w, "last_bittorrent_activity", h.bt_activity);
          w.key("listen_ports").begin_array();
          for (int i = 0; i < h.nlisten; ++i) w.value(unsigned(h.listen_ports[size_t(i)]));
          w.end_array().field("learned_peers", unsigned(q.learned_peers()));
          w.key("labels").begin_array();
          for (int i = 0; i < kLabelCount; ++i) {
            const LabelState& l = h.labels[size_t(i)];
            if (!l.set_at) continue;
            w.begin_object().field("label", label_name(LabelId(i)));
            write_label_body(w, l, q.expires(LabelId(i)));
            w.end_object();
          }
          w.end_array();
          const AlertState& a = h.alert;
          w.key("alert").begin_object().field("fired", a.fired);
          write_time(w, "first_seen", a.first_seen);
          write_time(w, "last_seen", a.last_seen);
          w.field("flows", unsigned(a.flows)).field("bytes", uint64_t(a.bytes)).key("evidence");
          write_evidence_list(w, a.evidence);
          w.end_object();
        }
        w.end_object();
      }
      reply(j.client, rid, w.take());
    }
    mailboxes_of([&](uint32_t i) { ctx_.mailboxes[i]->take(); });
    jobs_.pop_front();
  }
}

void ControlServer::flush(Client& c) {
  while (!c.out.empty()) {
    ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, size_t(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    c.out.clear();  // the peer is gone
    c.closing = true;
    return;
  }
}

}  // namespace btsensor
