#pragma once

#include <cstdint>
#include <string>

#include "store/database.hpp"

// The rows of `login_throttle`: one per key (a login id, an account, a client address or a
// message quota), changed only by compare-and-set on its version so that parallel attempts
// never count as one.

namespace carelive::pass::throttle_repo {

using store::Connection;

struct Counter {
  std::int64_t version = 0;
  int consecutive = 0;
  std::int64_t window_start = 0;
  int window_count = 0;
  std::int64_t next_allowed_at = 0;
  std::int64_t locked_until = 0;
};

// The key's counter; a fresh one (all zero) is stored first when the key is new.
Counter load(Connection& c, const std::string& key);
// Stores `counter` with the next version if the row still has `counter.version`; false when a
// parallel attempt changed it first (then load again and retry).
bool store_if_unchanged(Connection& c, const std::string& key, const Counter& counter);
// Back to no failures and no delay or lock.
void clear(Connection& c, const std::string& key);
// One counted attempt taken back from the current window.
void give_back(Connection& c, const std::string& key);

}  // namespace carelive::pass::throttle_repo
