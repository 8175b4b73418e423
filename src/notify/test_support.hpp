#pragma once

// Helpers for notify/'s tests only (header-only, so it never lands in carelive_lib): temp
// folders, helper processes (the SMTP sink and SMS gateway of tests/), files in a folder.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace carelive::notify::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "carelive-notify-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str(const std::string& child = "") const {
    return child.empty() ? path_.string() : (path_ / child).string();
  }

 private:
  fs::path path_;
};

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Regular files of `dir` whose names end in `ext`, sorted by name.
inline std::vector<fs::path> files_with(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (e.is_regular_file() && name.size() >= ext.size() &&
        name.compare(name.size() - ext.size(), ext.size(), ext) == 0)
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string source_path(const std::string& relative) {
  return std::string(CARELIVE_SOURCE_DIR) + "/" + relative;
}

// Debian's interpreter: python3-aiosmtpd lives in /usr/lib/python3/dist-packages, which a
// pyenv or venv python3 earlier on PATH does not see. CARELIVE_PYTHON overrides.
inline std::string python() {
  const char* p = std::getenv("CARELIVE_PYTHON");
  return p && *p ? p : "/usr/bin/python3";
}

inline std::vector<char*> argv_of(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return argv;
}

// Runs a command to its end with stdout and stderr into `log_path`; returns its exit status.
inline int run_command(std::vector<std::string> args, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  auto argv = argv_of(args);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A self-signed certificate for 127.0.0.1 / localhost (it is its own CA for ca_file).
struct Certificate {
  std::string cert;
  std::string key;
};
inline Certificate make_certificate(const TempDir& dir) {
  Certificate c{dir.str("cert.pem"), dir.str("key.pem")};
  const std::string log = dir.str("openssl.log");
  const int rc = run_command(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", c.key, "-out", c.cert, "-days", "2", "-subj", "/CN=localhost",
       "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"},
      log);
  if (rc != 0) throw std::runtime_error("openssl req failed: " + read_file(log));
  return c;
}

// A helper server started for one test: it prints its port on the first line of stdout; the
// destructor stops it (SIGTERM, then SIGKILL) and reaps it.
class ServerProcess {
 public:
  explicit ServerProcess(std::vector<std::string> args) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    auto argv = argv_of(args);
    const int rc = posix_spawnp(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      throw std::runtime_error("cannot start " + args.at(0));
    }
    stdout_ = out[0];
    try {
      port_ = read_port();
      wait_until_accepting();
    } catch (...) {
      stop();
      throw;
    }
  }
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      if (!reaped_within(std::chrono::seconds(5))) {
        ::kill(pid_, SIGKILL);
        reaped_within(std::chrono::seconds(5));
      }
      pid_ = -1;
    }
    if (stdout_ >= 0) ::close(stdout_);
    stdout_ = -1;
  }

 private:
  bool reaped_within(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  int read_port() {
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{stdout_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        throw std::runtime_error("helper server printed no port in time");
      }
      char buf[64];
      const ssize_t n = ::read(stdout_, buf, sizeof buf);
      if (n <= 0)
        throw std::runtime_error("helper server exited before printing its port (see stderr)");
      line.append(buf, static_cast<std::size_t>(n));
    }
    return std::stoi(line);
  }

  void wait_until_accepting() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
      const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port_));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(s);
      if (ok) return;
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error("helper server does not accept connections");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  pid_t pid_ = -1;
  int stdout_ = -1;
  int port_ = 0;
};

}  // namespace carelive::notify::testing
