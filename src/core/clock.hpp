#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace carelive::core {

// Unix time in seconds. Everything that reads the time takes a Clock, so that expiry
// (24-hour links, session ages, throttling delays) is tested by moving a ManualClock.
using UnixSeconds = std::int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixSeconds now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixSeconds now() const override {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixSeconds start = 1'800'000'000) : now_(start) {}
  UnixSeconds now() const override { return now_.load(); }
  void set(UnixSeconds t) { now_.store(t); }
  void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<UnixSeconds> now_;
};

inline constexpr std::int64_t kMinute = 60;
inline constexpr std::int64_t kHour = 60 * kMinute;
inline constexpr std::int64_t kDay = 24 * kHour;

}  // namespace carelive::core
