#include "notify/repo.hpp"

namespace carelive::notify::repo {
namespace sql {

constexpr const char* kInsertMessage =
    "INSERT INTO messages (channel, recipient, subject, body, created_at, next_attempt_at) "
    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kDueIds =
    "SELECT id FROM messages "
    "WHERE sent_at IS NULL AND next_attempt_at <= ? AND claimed_until <= ? "
    "ORDER BY next_attempt_at, id LIMIT ?";

// The WHERE clause repeats every condition of kDueIds: between the SELECT and this UPDATE
// another dispatcher may have claimed, sent or rescheduled the row, and then we must lose.
constexpr const char* kClaim =
    "UPDATE messages SET claimed_until = ? "
    "WHERE id = ? AND claimed_until <= ? AND sent_at IS NULL AND next_attempt_at <= ? "
    "RETURNING channel, recipient, subject, body, attempts";

constexpr const char* kMarkSent =
    "UPDATE messages SET sent_at = ?, attempts = attempts + 1, claimed_until = 0, "
    "last_error = NULL WHERE id = ?";

constexpr const char* kMarkFailed =
    "UPDATE messages SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
    "claimed_until = 0 WHERE id = ?";

}  // namespace sql

std::int64_t insert(store::Connection& c, const Message& m, core::UnixSeconds now) {
  auto r = c.exec(sql::kInsertMessage, {std::string(channel_name(m.channel)), m.to, m.subject,
                                        m.body, std::int64_t{now}, std::int64_t{now}});
  return r.first().integer(0);
}

std::vector<std::int64_t> due_ids(store::Connection& c, core::UnixSeconds now, int limit) {
  auto r = c.exec(sql::kDueIds, {std::int64_t{now}, std::int64_t{now}, std::int64_t{limit}});
  std::vector<std::int64_t> ids;
  ids.reserve(r.rows.size());
  for (const auto& row : r.rows) ids.push_back(row.integer(0));
  return ids;
}

std::optional<StoredMessage> claim(store::Connection& c, std::int64_t id, core::UnixSeconds now,
                                   core::UnixSeconds claimed_until) {
  auto r =
      c.exec(sql::kClaim, {std::int64_t{claimed_until}, id, std::int64_t{now}, std::int64_t{now}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.first();
  StoredMessage s;
  s.id = id;
  s.channel = row.text(0);
  s.message.channel = s.channel == "sms" ? Channel::sms : Channel::email;
  s.message.to = row.text(1);
  s.message.subject = row.text(2);
  s.message.body = row.text(3);
  s.attempts = static_cast<int>(row.integer(4));
  return s;
}

void mark_sent(store::Connection& c, std::int64_t id, core::UnixSeconds now) {
  c.exec(sql::kMarkSent, {std::int64_t{now}, id});
}

void mark_failed(store::Connection& c, std::int64_t id, const std::string& error,
                 core::UnixSeconds next_attempt_at) {
  c.exec(sql::kMarkFailed, {error, std::int64_t{next_attempt_at}, id});
}

}  // namespace carelive::notify::repo
