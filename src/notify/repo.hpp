#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "notify/message.hpp"
#include "store/database.hpp"

// SQL of the `messages` table (migrations/0001_pass_accounts.sql): the outbox that the
// Dispatcher drains. Portable to SQLite (≥ 3.35 for RETURNING) and PostgreSQL.
namespace carelive::notify::repo {

struct StoredMessage {
  std::int64_t id = 0;
  std::string channel;  // as stored; the Dispatcher refuses anything but "email" / "sms"
  Message message;
  int attempts = 0;  // attempts made before this one
};

std::int64_t insert(store::Connection& c, const Message& m, core::UnixSeconds now);

// Ids of unsent messages whose next attempt is due and that nobody holds a claim on.
std::vector<std::int64_t> due_ids(store::Connection& c, core::UnixSeconds now, int limit);

// Compare-and-set: takes the message until `claimed_until` unless another dispatcher took it
// (or sent it) first. Returns the message only to the one caller that won.
std::optional<StoredMessage> claim(store::Connection& c, std::int64_t id, core::UnixSeconds now,
                                   core::UnixSeconds claimed_until);

void mark_sent(store::Connection& c, std::int64_t id, core::UnixSeconds now);
void mark_failed(store::Connection& c, std::int64_t id, const std::string& error,
                 core::UnixSeconds next_attempt_at);

}  // namespace carelive::notify::repo
