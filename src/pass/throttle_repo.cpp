#include "pass/throttle_repo.hpp"

namespace carelive::pass::throttle_repo {
namespace {

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

}  // namespace

Counter load(Connection& c, const std::string& key) {
  c.exec(kEnsureRow, {key});
  auto result = c.exec(kSelect, {key});
  const auto& r = result.first();
  Counter out;
  out.version = r.integer(0);
  out.consecutive = static_cast<int>(r.integer(1));
  out.window_start = r.integer(2);
  out.window_count = static_cast<int>(r.integer(3));
  out.next_allowed_at = r.integer(4);
  out.locked_until = r.integer(5);
  return out;
}

bool store_if_unchanged(Connection& c, const std::string& key, const Counter& counter) {
  auto r =
      c.exec(kCompareAndSet, {counter.version + 1, std::int64_t{counter.consecutive},
                              counter.window_start, std::int64_t{counter.window_count},
                              counter.next_allowed_at, counter.locked_until, key, counter.version});
  return r.affected == 1;
}

void clear(Connection& c, const std::string& key) { c.exec(kClear, {key}); }

void give_back(Connection& c, const std::string& key) { c.exec(kGiveBack, {key}); }

}  // namespace carelive::pass::throttle_repo
