#include "pass/throttle.hpp"

#include <algorithm>

namespace carelive::pass {
namespace sql {
constexpr const char* kEnsureRow =
    "INSERT INTO login_throttle (throttle_key) VALUES (?) ON CONFLICT (throttle_key) DO NOTHING";
constexpr const char* kSelect =
    "SELECT version, consecutive, window_start, window_count, next_allowed_at, locked_until "
    "FROM login_throttle WHERE throttle_key = ?";
constexpr const char* kCompareAndSet =
    "UPDATE login_throttle SET version = ?, consecutive = ?, window_start = ?, window_count = ?, "
    "next_allowed_at = ?, locked_until = ? WHERE throttle_key = ? AND version = ?";
constexpr const char* kClear =
    "UPDATE login_throttle SET version = version + 1, consecutive = 0, window_count = 0, "
    "next_allowed_at = 0, locked_until = 0 WHERE throttle_key = ?";
constexpr const char* kGiveBack =
    "UPDATE login_throttle SET version = version + 1, window_count = window_count - 1 "
    "WHERE throttle_key = ? AND window_count > 0";
}  // namespace sql

namespace {
constexpr int kMaxRetries = 100;
}

std::int64_t LoginThrottle::delay_after(int consecutive) const {
  if (consecutive < s_.free_failures) return 0;
  int exponent = std::min(consecutive - s_.free_failures, 30);
  return std::min<std::int64_t>(std::int64_t{1} << exponent, s_.max_delay);
}

LoginThrottle::State LoginThrottle::load(store::Connection& c, const std::string& key) {
  c.exec(sql::kEnsureRow, {key});
  auto result = c.exec(sql::kSelect, {key});
  const auto& r = result.first();
  State s;
  s.version = r.integer(0);
  s.consecutive = static_cast<int>(r.integer(1));
  s.window_start = r.integer(2);
  s.window_count = static_cast<int>(r.integer(3));
  s.next_allowed_at = r.integer(4);
  s.locked_until = r.integer(5);
  return s;
}

bool LoginThrottle::store_if_unchanged(store::Connection& c, const std::string& key,
                                       const State& s) {
  auto r = c.exec(sql::kCompareAndSet, {s.version + 1, std::int64_t{s.consecutive}, s.window_start,
                                        std::int64_t{s.window_count}, s.next_allowed_at,
                                        s.locked_until, key, s.version});
  return r.affected == 1;
}

LoginThrottle::Admission LoginThrottle::admit_id(store::Connection& c, const std::string& key,
                                                 core::UnixSeconds now) {
  for (int i = 0; i < kMaxRetries; ++i) {
    State s = load(c, key);
    if (s.locked_until > now) return {false, s.locked_until - now, false};
    if (s.next_allowed_at > now) return {false, s.next_allowed_at - now, false};
    if (now - s.window_start >= s_.lock_window) {
      s.window_start = now;
      s.window_count = 0;
    }
    ++s.consecutive;
    ++s.window_count;
    bool locks = s.window_count >= s_.lock_failures;
    // No delay due: leave no timestamp, or a parallel attempt that read the clock a moment
    // earlier would see it in the future and be refused.
    const auto delay = delay_after(s.consecutive);
    s.next_allowed_at = delay > 0 ? now + delay : 0;
    if (locks) {
      s.locked_until = now + s_.lock_duration;
      s.window_start = now;
      s.window_count = 0;
    }
    if (store_if_unchanged(c, key, s)) return {true, 0, locks};
  }
  return {false, 1, false};
}

LoginThrottle::Admission LoginThrottle::admit_address(store::Connection& c, const std::string& key,
                                                      core::UnixSeconds now) {
  for (int i = 0; i < kMaxRetries; ++i) {
    State s = load(c, key);
    if (now - s.window_start >= s_.address_window) {
      s.window_start = now;
      s.window_count = 0;
    }
    if (s.window_count >= s_.address_failures)
      return {false, s.window_start + s_.address_window - now, false};
    ++s.window_count;
    if (store_if_unchanged(c, key, s)) return {true, 0, false};
  }
  return {false, 1, false};
}

LoginThrottle::Admission LoginThrottle::admit(const std::string& id_key,
                                              const std::string& address_key) {
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) {
    Admission address = admit_address(c, address_key, now);
    if (!address.allowed) return address;
    Admission id = admit_id(c, id_key, now);
    if (!id.allowed) c.exec(sql::kGiveBack, {address_key});
    return id;
  });
}

bool LoginThrottle::take_quota(const std::string& key, int limit, std::int64_t window) {
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) {
    for (int i = 0; i < kMaxRetries; ++i) {
      State s = load(c, key);
      if (now - s.window_start >= window) {
        s.window_start = now;
        s.window_count = 0;
      }
      if (s.window_count >= limit) return false;
      ++s.window_count;
      if (store_if_unchanged(c, key, s)) return true;
    }
    return false;
  });
}

void LoginThrottle::succeeded(const std::string& id_key, const std::string& address_key) {
  db_.with([&](store::Connection& c) {
    c.exec(sql::kClear, {id_key});
    c.exec(sql::kGiveBack, {address_key});
  });
}

void LoginThrottle::clear(const std::string& id_key) {
  db_.with([&](store::Connection& c) { c.exec(sql::kClear, {id_key}); });
}

}  // namespace carelive::pass
