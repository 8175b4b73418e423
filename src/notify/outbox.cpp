#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

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

// Temp file in the same folder, fsync, rename: a reader that lists `*.eml` / `*.sms` sees a
// whole file or none (rename(2) is atomic within one file system).
void write_atomically(const fs::path& dir, const std::string& name, const std::string& content) {
  const fs::path final_path = dir / name;
  const fs::path temp_path = dir / ("." + name + ".tmp");
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
    fs::create_directories(dir_);
  }

  // SPEC "Acceptance contract", Outbox: one new file per message.
  void send(const Message& m) override {
    fs::create_directories(dir_);  // an operator may have emptied the data folder by hand
    const std::string stem = file_stem();
    if (m.channel == Channel::email) {
      write_atomically(dir_, stem + ".eml", render_email(m, from_, clock_.now(), false));
    } else {
      write_atomically(dir_, stem + ".sms", "To: " + mime::header_safe(m.to) + "\n\n" + m.body);
    }
  }

 private:
  fs::path dir_;
  std::string from_;
  core::SystemClock clock_;  // the Date header only
};

}  // namespace

std::unique_ptr<Transport> make_outbox_transport(const std::string& dir, const std::string& from) {
  return std::make_unique<OutboxTransport>(dir, from);
}

}  // namespace carelive::notify
