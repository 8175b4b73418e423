#pragma once

// Tests only (header-only): a real redis-server on a free loopback port, without persistence,
// started by the test and stopped with it. Skipped with a message when the binary is missing,
// unless CARELIVE_TEST_REQUIRE_PG=1 (CI, where scripts/setup.sh installs redis-server): then
// its absence is a failure, as for PostgreSQL.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace carelive::calls::testing {

inline std::string find_redis_server() {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/local/bin"}) {
    auto p = std::filesystem::path(dir) / "redis-server";
    if (std::filesystem::exists(p)) return p.string();
  }
  return "";
}

inline int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_open(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

class RedisServer {
 public:
  // nullptr when redis-server is not installed; `why_not` says so.
  static std::unique_ptr<RedisServer> start(std::string& why_not) {
    auto binary = find_redis_server();
    if (binary.empty()) {
      why_not = "redis-server is not installed (scripts/setup.sh installs it)";
      return nullptr;
    }
    auto server = std::unique_ptr<RedisServer>(new RedisServer(binary, free_port()));
    server->run();
    return server;
  }
  ~RedisServer() { stop(); }

  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  // Starts again on the same port (after stop()).
  void run() {
    pid_ = ::fork();
    if (pid_ == 0) {
      // Quiet, no persistence, loopback only.
      ::freopen("/dev/null", "w", stdout);
      const std::string port = std::to_string(port_);
      ::execl(binary_.c_str(), binary_.c_str(), "--port", port.c_str(), "--bind", "127.0.0.1",
              "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 400 && !port_open(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (!port_open(port_)) throw std::runtime_error("redis-server did not start");
  }

 private:
  RedisServer(std::string binary, int port) : binary_(std::move(binary)), port_(port) {}
  std::string binary_;
  int port_;
  pid_t pid_ = -1;
};

// For fixtures: a running server, or skip/fail as described above.
#define CARELIVE_START_REDIS(var)                                   \
  do {                                                              \
    std::string why_not_;                                           \
    var = ::carelive::calls::testing::RedisServer::start(why_not_); \
    if (!var) {                                                     \
      const char* req_ = std::getenv("CARELIVE_TEST_REQUIRE_PG");   \
      if (req_ && std::string(req_) == "1") FAIL() << why_not_;     \
      GTEST_SKIP() << why_not_;                                     \
    }                                                               \
  } while (0)

// Waits (without asserting on time) until `done` holds, re-checking when notified and every
// 20 ms; gives up after a generous limit so that a lost message fails the test instead of
// hanging it.
inline bool eventually(const std::function<bool()>& done) {
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done()) {
    if (std::chrono::steady_clock::now() > limit) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace carelive::calls::testing
