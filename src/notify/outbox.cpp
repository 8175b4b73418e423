#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "core/files.hpp"
#include "notify/dispatcher.hpp"
#include "notify/mime.hpp"

namespace carelive::notify {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const fs::path& path) {
  throw std::runtime_error("outbox: " + what + " " + path.string() + ": " + std::strerror(errno));
}

// Microseconds since the epoch, strictly increasing within the process, so that names sort
// in sending order even when two messages leave within one microsecond.
std::int64_t next_stamp_us() {
  static std::atomic<std::int64_t> last{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  std::int64_t prev = last.load();
  std::int64_t next;
  do {
    next = std::max(now, prev + 1);
  } while (!last.compare_exchange_weak(prev, next));
  return next;
}

// "20261124T193500.123456Z-3f9a0c1d": UTC time (fixed width, sorts as text) and a random
// part that keeps names of several processes writing into one folder apart.
std::string file_stem() {
  using namespace std::chrono;
  const std::int64_t us = next_stamp_us();
  const sys_seconds secs{seconds{us / 1'000'000}};
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  thread_local std::mt19937 rng{std::random_device{}()};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d.%06dZ-%08x",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
                static_cast<int>(us % 1'000'000), static_cast<unsigned>(rng()));
  return buf;
}

// "000000000042": a stored message's id, fixed width so that names sort in the order messages
// were written. Sending the message again (after a crash) writes the same name.
std::string id_stem(std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(id));
  return buf;
}

// Temp file in the same folder, fsync, rename: a reader that lists `*.eml` / `*.sms` sees a
// whole file or none (rename(2) is atomic within one file system, and replaces a file of the
// same name whole). The temp name is this writer's own, so two writers never share one.
void write_atomically(const fs::path& dir, const std::string& name, const std::string& content) {
  const fs::path final_path = dir / name;
  thread_local std::mt19937 rng{std::random_device{}()};
  char unique[48];
  std::snprintf(unique, sizeof unique, ".%ld.%08x.tmp", static_cast<long>(::getpid()),
                static_cast<unsigned>(rng()));
  const fs::path temp_path = dir / ("." + name + unique);
  // 0600: the files hold sign-in links.
  const int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot create", temp_path);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int saved = errno;
      ::close(fd);
      ::unlink(temp_path.c_str());
      errno = saved;
      fail("cannot write", temp_path);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temp_path.c_str());
    errno = saved;
    fail("cannot write", temp_path);
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp_path.c_str());
    errno = saved;
    fail("cannot rename to", final_path);
  }
  // Make the new name itself durable: the Dispatcher marks the message sent right after.
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

class OutboxTransport final : public Transport {
 public:
  OutboxTransport(std::string dir, std::string from)
      : dir_(std::move(dir)), from_(std::move(from)) {
    core::create_private_directories(dir_);
    remove_stray_temp_files();
  }

  // SPEC "Acceptance contract", Outbox: one file per message.
  void send(const Message& m) override {
    core::create_private_directories(dir_);  // an operator may have emptied the data folder by hand
    const std::string stem = m.id > 0 ? id_stem(m.id) : file_stem();
    if (m.channel == Channel::email) {
      write_atomically(dir_, stem + ".eml", render_email(m, from_, clock_.now(), false));
    } else {
      write_atomically(dir_, stem + ".sms", "To: " + mime::header_safe(m.to) + "\n\n" + m.body);
    }
  }

 private:
  // A process killed while writing leaves its temp file behind; readers never list them, but
  // they hold a message (and its link) and would pile up. Run at start, before this process
  // writes any. A temp file names its writer's pid: one of a process still running (another
  // server, or the server while `carelive admin` starts) is left alone; one of this very pid
  // is a predecessor's (a restarted container may get the same pid), since we wrote none yet.
  void remove_stray_temp_files() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.size() <= 4 || name.compare(name.size() - 4, 4, ".tmp") != 0) continue;
      if (writer_running(name)) continue;
      std::error_code ignored;  // gone already (another process cleaned it): fine
      fs::remove(entry.path(), ignored);
    }
  }

  // ".<name>.<pid>.<random>.tmp": true when that pid is another process that runs.
  static bool writer_running(const std::string& temp_name) {
    const auto end = temp_name.rfind('.', temp_name.size() - 5);  // before <random>
    if (end == std::string::npos || end == 0) return false;
    const auto start = temp_name.rfind('.', end - 1);
    if (start == std::string::npos) return false;
    const std::string digits = temp_name.substr(start + 1, end - start - 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        digits.size() > 9)
      return false;
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 0 || pid == ::getpid()) return false;
    return ::kill(pid, 0) == 0 || errno == EPERM;
  }

  fs::path dir_;
  std::string from_;
  core::SystemClock clock_;  // the Date header only
};

}  // namespace

std::unique_ptr<Transport> make_outbox_transport(const std::string& dir, const std::string& from) {
  return std::make_unique<OutboxTransport>(dir, from);
}

}  // namespace carelive::notify
