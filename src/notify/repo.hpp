#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "notify/message.hpp"
#include "store/database.hpp"

// SQL of the `messages` table (migrations/0001_pass_accounts.sql, 0006_message_links.sql): the
// outbox that the Dispatcher drains. Portable to SQLite (≥ 3.35 for RETURNING) and PostgreSQL.
namespace carelive::notify::repo {

struct StoredMessage {
  std::int64_t id = 0;
  std::string channel;  // as stored; the Dispatcher refuses anything but "email" / "sms"
  Message message;      // `sealed` set (and `body` empty) when the body holds a link
  int attempts = 0;     // attempts made before this one
  core::UnixSeconds created_at = 0;
};

// Stores `m.sealed` instead of `m.body` when the message has one.
std::int64_t insert(store::Connection& c, const Message& m, core::UnixSeconds now);

// Ids of unsent messages whose next attempt is due and that nobody holds a claim on.
std::vector<std::int64_t> due_ids(store::Connection& c, core::UnixSeconds now, int limit);

// Compare-and-set: takes the message for `owner` until `claimed_until` unless another
// dispatcher took it (or sent it) first. Returns the message only to the one caller that won.
std::optional<StoredMessage> claim(store::Connection& c, std::int64_t id, core::UnixSeconds now,
                                   core::UnixSeconds claimed_until, const std::string& owner);

// Owners of the claims still running at `now`, other than `except`.
std::vector<std::string> claim_owners(store::Connection& c, core::UnixSeconds now,
                                      const std::string& except);
// Makes the unsent messages claimed by `owner` (a process that is gone) due again at once;
// returns how many.
std::int64_t release_claims(store::Connection& c, const std::string& owner);

// Sent: the sealed part (and any link still in the body) is wiped.
void mark_sent(store::Connection& c, std::int64_t id, core::UnixSeconds now);
void mark_failed(store::Connection& c, std::int64_t id, const std::string& error,
                 core::UnixSeconds next_attempt_at);
// Given up for good (`reason`): no longer due, its sealed part wiped.
void mark_abandoned(store::Connection& c, std::int64_t id, const std::string& reason,
                    core::UnixSeconds now);

// Messages neither sent nor given up (due now, waiting for a retry, or claimed): the metric
// carelive_messages_pending.
std::int64_t count_pending(store::Connection& c);

// Retention (`[retention] message_bodies_days`): blanks the bodies of messages sent or given up
// before `before`; returns how many.
std::int64_t purge_bodies(store::Connection& c, core::UnixSeconds before);

// Personal data (SPEC 15): the messages sent to these login ids, oldest first; a body that held
// a link (sealed) or was purged comes back empty.
struct SentMessage {
  std::string channel, recipient, subject, body;
  core::UnixSeconds created_at = 0;
  std::optional<core::UnixSeconds> sent_at;
};
std::vector<SentMessage> messages_to(store::Connection& c, const std::vector<std::string>& to);
// The messages to these login ids go (a deleted Pass: its contact data goes with them).
std::int64_t forget_recipients(store::Connection& c, const std::vector<std::string>& to);

}  // namespace carelive::notify::repo
