// Child processes and loopback plumbing for tests that run real servers (Prometheus,
// rsyslog) and the btsensor binary: spawn with output to files, stop on scope exit, pick a
// free loopback port, plain HTTP GET.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace btsensor::test {

// Path of an executable on $PATH (or the sbin directories, where rsyslogd lives), or "".
inline std::string find_program(const std::string& name) {
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/bin";
  size_t s = 0;
  while (s <= path.size()) {
    size_t e = path.find(':', s);
    std::string dir = path.substr(s, e == std::string::npos ? std::string::npos : e - s);
    if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    if (e == std::string::npos) break;
    s = e + 1;
  }
  return "";
}

// A child process, stopped (SIGTERM, then SIGKILL after 5 s) when this goes out of scope.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& out_file) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out_file.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  // True while running; records the exit status once it has ended.
  bool running() {
    if (pid_ <= 0) return false;
    int st;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = st;
      pid_ = -1;
      return false;
    }
    return true;
  }
  std::optional<int> status() const { return status_; }
  void stop() {
    if (!running()) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 500 && running(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (running()) {
      ::kill(pid_, SIGKILL);
      int st;
      ::waitpid(pid_, &st, 0);
      status_ = st;
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// Polls `cond` every 50 ms until it holds or `timeout` passes.
inline bool wait_for(const std::function<bool()>& cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

// A port on 127.0.0.1 that was free a moment ago (bind to 0, read it back, release it):
// for servers whose config needs the port before they start.
inline uint16_t free_loopback_port(int type = SOCK_STREAM) {
  int fd = ::socket(AF_INET, type, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  ::close(fd);
  return ntohs(sa.sin_port);
}

inline bool tcp_port_open(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0;
  ::close(fd);
  return ok;
}

// GET http://127.0.0.1:port/target; returns the body of a 200 answer, nullopt otherwise.
inline std::optional<std::string> http_get(uint16_t port, const std::string& target) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sa.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string resp;
  char buf[8192];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) resp.append(buf, size_t(n));
  ::close(fd);
  size_t body = resp.find("\r\n\r\n");
  if (resp.compare(0, 12, "HTTP/1.0 200") != 0 && resp.compare(0, 12, "HTTP/1.1 200") != 0)
    return std::nullopt;
  return body == std::string::npos ? std::string() : resp.substr(body + 4);
}

inline std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Fails under CI=true (the servers must be installed there: deploy/install-deps.sh), skips
// visibly elsewhere.
#define BTSENSOR_REQUIRE_PROGRAM(var, name)                                                   \
  std::string var = ::btsensor::test::find_program(name);                                     \
  do {                                                                                        \
    if (var.empty()) {                                                                        \
      const char* ci = std::getenv("CI");                                                     \
      if (ci && std::string(ci) == "true")                                                    \
        FAIL() << name << " not installed (CI=true: deploy/install-deps.sh must install it)"; \
      GTEST_SKIP() << "SKIPPED: " << name << " not installed (deploy/install-deps.sh)";       \
    }                                                                                         \
  } while (0)

}  // namespace btsensor::test
