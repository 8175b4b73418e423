#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/actor.hpp"
#include "audit/audit.hpp"
#include "core/clock.hpp"
#include "store/database.hpp"

namespace carelive::audit {

// Access records (SPEC 15, MHLW guideline 6.0): who read which resident's data, when, from
// where. A read changes nothing, so its row is not written in a transaction of its own on the
// read's path: rows wait here and a writer thread puts them into the audit log together, a batch
// per transaction, within `interval` (or at once when `batch` are waiting). A search flushes
// first, so it sees every read made before it on this process; a stop flushes the rest. What
// the store refused stays queued for the next round (up to `kMaxPending`, then the oldest go,
// counted and logged).
class AccessLog {
 public:
  static constexpr std::size_t kMaxPending = 100'000;

  // `enabled` false: reads are not recorded (only to measure their cost).
  AccessLog(store::Database& db, const core::Clock& clock, bool enabled = true,
            std::chrono::milliseconds interval = std::chrono::milliseconds(250),
            std::size_t batch = 500);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // `event` ("people_viewed" …) by `who`, about `facility` and `resident` when given.
  void viewed(const Actor& who, std::string event, std::optional<std::int64_t> facility,
              std::optional<std::int64_t> resident,
              const nlohmann::json& detail = nlohmann::json::object());
  // Writes what waits now, in the caller's thread; throws what the store throws (the rows stay).
  void flush();
  std::uint64_t dropped() const;

 private:
  void run();

  store::Database& db_;
  const core::Clock& clock_;
  const bool enabled_;
  const std::chrono::milliseconds interval_;
  const std::size_t batch_;
  mutable std::mutex mutex_;
  std::mutex writing_;  // one batch at a time, in order
  std::condition_variable wake_;
  std::vector<Entry> pending_;
  std::uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace carelive::audit
