#include "notify/repo.hpp"

#include <algorithm>

#include "store/rows.hpp"

namespace carelive::notify::repo {
namespace sql {

constexpr const char* kInsertMessage =
    "INSERT INTO messages (channel, recipient, subject, body, sealed_body, created_at, "
    "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";

constexpr const char* kDueIds =
    "SELECT id FROM messages "
    "WHERE sent_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= ? "
    "AND claimed_until <= ? ORDER BY next_attempt_at, id LIMIT ?";

// The WHERE clause repeats every condition of kDueIds: between the SELECT and this UPDATE
// another dispatcher may have claimed, sent or rescheduled the row, and then we must lose.
constexpr const char* kClaim =
    "UPDATE messages SET claimed_until = ?, claimed_by = ? "
    "WHERE id = ? AND claimed_until <= ? AND sent_at IS NULL AND abandoned_at IS NULL "
    "AND next_attempt_at <= ? "
    "RETURNING channel, recipient, subject, body, sealed_body, attempts, created_at";

constexpr const char* kClaimOwners =
    "SELECT DISTINCT claimed_by FROM messages "
    "WHERE sent_at IS NULL AND claimed_until > ? AND claimed_by IS NOT NULL AND claimed_by <> ?";

constexpr const char* kReleaseClaims =
    "UPDATE messages SET claimed_until = 0, claimed_by = NULL "
    "WHERE claimed_by = ? AND sent_at IS NULL";

// `body LIKE '%token=%'`: a link written in plain text before bodies were sealed.
constexpr const char* kMarkSent =
    "UPDATE messages SET sent_at = ?, attempts = attempts + 1, claimed_until = 0, "
    "claimed_by = NULL, last_error = NULL, sealed_body = NULL, "
    "body = CASE WHEN body LIKE '%token=%' THEN '' ELSE body END WHERE id = ?";

constexpr const char* kMarkFailed =
    "UPDATE messages SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, "
    "claimed_until = 0, claimed_by = NULL WHERE id = ? AND sent_at IS NULL";

constexpr const char* kMarkAbandoned =
    "UPDATE messages SET abandoned_at = ?, last_error = ?, claimed_until = 0, claimed_by = NULL, "
    "sealed_body = NULL, body = CASE WHEN body LIKE '%token=%' THEN '' ELSE body END "
    "WHERE id = ? AND sent_at IS NULL";

// Uses the messages_due index (sent_at first): a count of the unsent rows, not of the table.
constexpr const char* kCountPending =
    "SELECT COUNT(*) FROM messages WHERE sent_at IS NULL AND abandoned_at IS NULL";

// Retention: the body of a message sent or given up before the cutoff is blanked (who and when
// stay, as the record that it went).
constexpr const char* kPurgeBodies =
    "UPDATE messages SET body = '', sealed_body = NULL WHERE ((sent_at IS NOT NULL AND sent_at < "
    "?) OR (abandoned_at IS NOT NULL AND abandoned_at < ?)) AND (body <> '' OR sealed_body IS NOT "
    "NULL)";

constexpr const char* kMessagesTo =
    "SELECT channel, recipient, subject, body, created_at, sent_at FROM messages WHERE "
    "recipient = ? ORDER BY id";
constexpr const char* kForgetRecipient = "DELETE FROM messages WHERE recipient = ?";

}  // namespace sql

std::int64_t insert(store::Connection& c, const Message& m, core::UnixSeconds now) {
  const bool sealed = !m.sealed.empty();
  auto r = c.exec(sql::kInsertMessage, {std::string(channel_name(m.channel)), m.to, m.subject,
                                        sealed ? std::string() : m.body,
                                        sealed ? store::Value(m.sealed) : store::Value(nullptr),
                                        std::int64_t{now}, std::int64_t{now}});
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
                                   core::UnixSeconds claimed_until, const std::string& owner) {
  auto r = c.exec(sql::kClaim,
                  {std::int64_t{claimed_until}, owner, id, std::int64_t{now}, std::int64_t{now}});
  if (r.empty()) return std::nullopt;
  const auto& row = r.first();
  StoredMessage s;
  s.id = id;
  s.channel = row.text(0);
  s.message.channel = s.channel == "sms"    ? Channel::sms
                      : s.channel == "push" ? Channel::push
                                            : Channel::email;
  s.message.to = row.text(1);
  s.message.subject = row.text(2);
  s.message.body = row.text(3);
  s.message.sealed = row.opt_text(4).value_or("");
  s.message.id = id;
  s.attempts = static_cast<int>(row.integer(5));
  s.created_at = row.integer(6);
  s.message.created_at = s.created_at;
  return s;
}

std::vector<std::string> claim_owners(store::Connection& c, core::UnixSeconds now,
                                      const std::string& except) {
  auto r = c.exec(sql::kClaimOwners, {std::int64_t{now}, except});
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.push_back(row.text(0));
  return out;
}

std::int64_t release_claims(store::Connection& c, const std::string& owner) {
  return c.exec(sql::kReleaseClaims, {owner}).affected;
}

void mark_sent(store::Connection& c, std::int64_t id, core::UnixSeconds now) {
  c.exec(sql::kMarkSent, {std::int64_t{now}, id});
}

void mark_failed(store::Connection& c, std::int64_t id, const std::string& error,
                 core::UnixSeconds next_attempt_at) {
  c.exec(sql::kMarkFailed, {error, std::int64_t{next_attempt_at}, id});
}

void mark_abandoned(store::Connection& c, std::int64_t id, const std::string& reason,
                    core::UnixSeconds now) {
  c.exec(sql::kMarkAbandoned, {std::int64_t{now}, reason, id});
}

std::int64_t count_pending(store::Connection& c) {
  return c.exec(sql::kCountPending).first().integer(0);
}

std::int64_t purge_bodies(store::Connection& c, core::UnixSeconds before) {
  return c.exec(sql::kPurgeBodies, {before, before}).affected;
}

std::vector<SentMessage> messages_to(store::Connection& c, const std::vector<std::string>& to) {
  std::vector<SentMessage> out;
  for (const auto& recipient : to) {
    auto rows = store::all_of(c.exec(sql::kMessagesTo, {recipient}), [](store::Columns& r) {
      SentMessage m;
      m.channel = r.text();
      m.recipient = r.text();
      m.subject = r.text();
      m.body = r.text();
      m.created_at = r.integer();
      m.sent_at = r.opt_integer();
      return m;
    });
    out.insert(out.end(), rows.begin(), rows.end());
  }
  std::sort(out.begin(), out.end(),
            [](const SentMessage& a, const SentMessage& b) { return a.created_at < b.created_at; });
  return out;
}

std::int64_t forget_recipients(store::Connection& c, const std::vector<std::string>& to) {
  std::int64_t gone = 0;
  for (const auto& recipient : to) gone += c.exec(sql::kForgetRecipient, {recipient}).affected;
  return gone;
}

}  // namespace carelive::notify::repo
