// `btsensor ctl`: the client of a running sensor's control socket. Sends one JSON request
// line, prints the one JSON response line on stdout.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "control/json.hpp"

namespace btsensor::app {
namespace {

constexpr const char* kDefaultSocket = "/run/btsensor/control.sock";

constexpr const char* kHelp = R"(Usage: btsensor ctl [--socket PATH] [--timeout SEC] COMMAND [ARGS]

Talks to a running sensor over its control socket (config `control.socket`; default
$BTSENSOR_CONTROL_SOCKET, else /run/btsensor/control.sock) and prints its JSON answer.

Commands:
  version                 the running sensor's version
  stats                   packets, drops (by place), flows, hosts, labels, alerts, outputs,
                          reloads, feeds
  reload                  hot reload (pipeline, reputation feeds) as SIGHUP does, and wait
                          for the result; a failed reload keeps the running state
  labels [LABEL]          hosts holding a label (bittorrent_user, torrent_site), with expiry
  host IP                 what the sensor knows about one host: labels, last BitTorrent
                          activity, listen ports, learned peers, alert state
  exclusion add JSON [--persist]
                          add an exclusion at run time (same fields as an exclusions file
                          entry, as one JSON object); until the next restart, or kept in
                          control.runtime_exclusions with --persist
  exclusion remove ID [--persist]
                          remove one; an entry of the config's exclusions file stays
                          removed until the next restart (reloads included), and
                          --persist is refused for it: edit the file instead
  exclusion list          the exclusions in force and where they come from
  json REQUEST            send a raw JSON request object

Exit codes: 0 the sensor answered ok, 1 it answered an error or could not be reached,
2 usage.
)";

// Writes all of `s`; false on error.
bool send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += size_t(n);
  }
  return true;
}

}  // namespace

int cmd_ctl(int argc, char** argv) {
  std::string socket_path;
  if (const char* env = std::getenv("BTSENSOR_CONTROL_SOCKET")) socket_path = env;
  if (socket_path.empty()) socket_path = kDefaultSocket;
  int timeout_s = 60;  // a reload compiles every signature: give it time
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    } else if (a == "--socket" || a == "-s") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "btsensor ctl: %s needs a path\n", a.c_str());
        return kExitUsage;
      }
      socket_path = argv[++i];
    } else if (a == "--timeout") {
      if (i + 1 >= argc || (timeout_s = std::atoi(argv[i + 1])) <= 0) {
        std::fprintf(stderr, "btsensor ctl: --timeout takes seconds\n");
        return kExitUsage;
      }
      ++i;
    } else {
      args.push_back(a);
    }
  }
  auto usage = [](const char* msg) {
    std::fprintf(stderr, "btsensor ctl: %s\n%s", msg, kHelp);
    return kExitUsage;
  };
  if (args.empty()) return usage("no command");

  JsonWriter w;
  const std::string& cmd = args[0];
  if (cmd == "version" || cmd == "stats" || cmd == "reload") {
    if (args.size() != 1) return usage("this command takes no argument");
    w.begin_object().field("cmd", cmd).end_object();
  } else if (cmd == "labels") {
    if (args.size() > 2) return usage("labels takes at most a label name");
    w.begin_object().field("cmd", cmd);
    if (args.size() == 2) w.field("label", args[1]);
    w.end_object();
  } else if (cmd == "host") {
    if (args.size() != 2) return usage("host takes an IP address");
    w.begin_object().field("cmd", cmd).field("ip", args[1]).end_object();
  } else if (cmd == "exclusion") {
    bool persist = false;
    std::vector<std::string> rest;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--persist") {
        persist = true;
      } else {
        rest.push_back(args[i]);
      }
    }
    bool list = rest.size() == 1 && rest[0] == "list";
    if (!list && (rest.size() != 2 || (rest[0] != "add" && rest[0] != "remove")))
      return usage("exclusion add JSON | exclusion remove ID | exclusion list");
    w.begin_object().field("cmd", cmd).field("action", rest[0]);
    if (list) {
      // nothing more
    } else if (rest[0] == "add") {
      std::string err;
      auto entry = parse_json(rest[1], &err);
      if (!entry || !entry->is_object()) {
        std::fprintf(stderr, "btsensor ctl: exclusion add: not a JSON object: %s\n",
                     err.empty() ? "expected {...}" : err.c_str());
        return kExitUsage;
      }
      w.key("exclusion").value(*entry);
    } else {
      w.field("id", rest[1]);
    }
    if (!list) w.field("persist", persist);
    w.end_object();
  } else if (cmd == "json") {
    if (args.size() != 2) return usage("json takes one request object");
    std::string err;
    auto req = parse_json(args[1], &err);
    if (!req || !req->is_object()) {
      std::fprintf(stderr, "btsensor ctl: json: not a JSON object: %s\n", err.c_str());
      return kExitUsage;
    }
    w.value(*req);
  } else {
    return usage(("unknown command '" + cmd + "'").c_str());
  }
  std::string request = w.take() + "\n";

  sockaddr_un addr{};
  if (socket_path.size() >= sizeof(addr.sun_path)) return usage("socket path too long");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr,
                 "btsensor ctl: cannot connect to %s: %s (is the sensor running with "
                 "control.socket set to this path? --socket PATH)\n",
                 socket_path.c_str(), std::strerror(errno));
    if (fd >= 0) ::close(fd);
    return kExitBadInput;
  }
  if (!send_all(fd, request)) {
    std::fprintf(stderr, "btsensor ctl: %s: send: %s\n", socket_path.c_str(), std::strerror(errno));
    ::close(fd);
    return kExitBadInput;
  }
  ::shutdown(fd, SHUT_WR);  // one request: the sensor answers and closes
  std::string in;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (in.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      std::fprintf(stderr, "btsensor ctl: no answer from %s within %d s\n", socket_path.c_str(),
                   timeout_s);
      ::close(fd);
      return kExitBadInput;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, int(left.count())) <= 0) continue;
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    in.append(buf, size_t(n));
  }
  ::close(fd);
  size_t nl = in.find('\n');
  if (nl == std::string::npos) {
    std::fprintf(stderr, "btsensor ctl: %s closed without a complete answer\n",
                 socket_path.c_str());
    return kExitBadInput;
  }
  std::string line = in.substr(0, nl);
  std::printf("%s\n", line.c_str());
  auto resp = parse_json(line);
  return resp && (*resp)["ok"].is_bool() && (*resp)["ok"].as_bool() ? kExitOk : kExitBadInput;
}

}  // namespace btsensor::app
