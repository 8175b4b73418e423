#include "pass/throttle.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

#include "pass/throttle_repo.hpp"

namespace carelive::pass {
namespace {
constexpr int kMaxRetries = 100;
}

std::string address_group(const std::string& ip) {
  std::array<unsigned char, 16> a{};
  if (ip.find(':') == std::string::npos || ::inet_pton(AF_INET6, ip.c_str(), a.data()) != 1)
    return ip;
  char text[INET6_ADDRSTRLEN] = {};
  const std::array<unsigned char, 12> v4_mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(v4_mapped.begin(), v4_mapped.end(), a.begin())) {
    ::inet_ntop(AF_INET, a.data() + 12, text, sizeof text);
    return text;
  }
  std::fill(a.begin() + 8, a.end(), 0);
  ::inet_ntop(AF_INET6, a.data(), text, sizeof text);
  return std::string(text) + "/64";
}

std::int64_t LoginThrottle::delay_after(int consecutive) const {
  if (consecutive < s_.free_failures) return 0;
  int exponent = std::min(consecutive - s_.free_failures, 30);
  return std::min<std::int64_t>(std::int64_t{1} << exponent, s_.max_delay);
}

LoginThrottle::Admission LoginThrottle::admit_id(store::Connection& c, const std::string& key,
                                                 core::UnixSeconds now) {
  for (int i = 0; i < kMaxRetries; ++i) {
    auto s = throttle_repo::load(c, key);
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
    if (throttle_repo::store_if_unchanged(c, key, s)) return {true, 0, locks};
  }
  return {false, 1, false};
}

LoginThrottle::Admission LoginThrottle::admit_address(store::Connection& c, const std::string& key,
                                                      core::UnixSeconds now) {
  for (int i = 0; i < kMaxRetries; ++i) {
    auto s = throttle_repo::load(c, key);
    if (now - s.window_start >= s_.address_window) {
      s.window_start = now;
      s.window_count = 0;
    }
    if (s.window_count >= s_.address_failures)
      return {false, s.window_start + s_.address_window - now, false};
    ++s.window_count;
    if (throttle_repo::store_if_unchanged(c, key, s)) return {true, 0, false};
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
    if (!id.allowed) throttle_repo::give_back(c, address_key);
    return id;
  });
}

bool LoginThrottle::take_quota(const std::string& key, int limit, std::int64_t window) {
  const auto now = clock_.now();
  return db_.with([&](store::Connection& c) {
    for (int i = 0; i < kMaxRetries; ++i) {
      auto s = throttle_repo::load(c, key);
      if (now - s.window_start >= window) {
        s.window_start = now;
        s.window_count = 0;
      }
      if (s.window_count >= limit) return false;
      ++s.window_count;
      if (throttle_repo::store_if_unchanged(c, key, s)) return true;
    }
    return false;
  });
}

void LoginThrottle::succeeded(const std::string& id_key, const std::string& address_key) {
  db_.with([&](store::Connection& c) {
    throttle_repo::clear(c, id_key);
    throttle_repo::give_back(c, address_key);
  });
}

void LoginThrottle::clear(const std::string& id_key) {
  db_.with([&](store::Connection& c) { throttle_repo::clear(c, id_key); });
}

}  // namespace carelive::pass
