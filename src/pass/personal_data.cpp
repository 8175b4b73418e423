#include "pass/personal_data.hpp"

#include "core/time_text.hpp"
#include "store/rows.hpp"

namespace carelive::pass::personal_data {

namespace sql {

constexpr const char* kSessions =
    "SELECT created_at, last_seen_at, user_agent, ip FROM sessions WHERE account_id = ? "
    "ORDER BY created_at";
constexpr const char* kCreatedAt = "SELECT created_at FROM accounts WHERE id = ?";
constexpr const char* kTotp =
    "SELECT confirmed_at FROM totp_factors WHERE account_id = ? AND confirmed_at IS NOT NULL";
constexpr const char* kRecoveryLeft =
    "SELECT COUNT(*) FROM recovery_codes WHERE account_id = ? AND used_at IS NULL";
constexpr const char* kPasskeys =
    "SELECT user_agent, created_at, last_used_at FROM passkeys WHERE account_id = ? ORDER BY id";

constexpr const char* kDeleteSessions = "DELETE FROM sessions WHERE account_id = ?";
constexpr const char* kDeleteTokens = "DELETE FROM account_tokens WHERE account_id = ?";
constexpr const char* kDeleteSignups = "DELETE FROM signups WHERE account_id = ? OR login_id = ?";
constexpr const char* kDeleteTotp = "DELETE FROM totp_factors WHERE account_id = ?";
constexpr const char* kDeleteRecovery = "DELETE FROM recovery_codes WHERE account_id = ?";
constexpr const char* kDeletePasskeys = "DELETE FROM passkeys WHERE account_id = ?";
constexpr const char* kDeleteHistory = "DELETE FROM password_history WHERE account_id = ?";
constexpr const char* kDeleteThrottle = "DELETE FROM login_throttle WHERE throttle_key = ?";
// The row stays for the ids others hold; the CHECK wants a login id: one that reaches nobody.
constexpr const char* kAnonymize =
    "UPDATE accounts SET family_name = '', given_name = '', family_name_kana = '', "
    "given_name_kana = '', email = ?, phone = NULL, password_hash = '!', is_operator = 0, "
    "updated_at = ?, deleted_at = ? WHERE id = ?";

}  // namespace sql

namespace {

nlohmann::json time_or_null(const std::optional<core::UnixSeconds>& t) {
  return t ? nlohmann::json(core::iso8601(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json collect(store::Connection& c, const Account& a) {
  // Braced lists are read left to right: each member takes the next column.
  const nlohmann::json sessions =
      store::all_of(c.exec(sql::kSessions, {a.id}), [](store::Columns& r) {
        return nlohmann::json{{"signed_in_at", core::iso8601(r.integer())},
                              {"last_used_at", core::iso8601(r.integer())},
                              {"user_agent", r.text()},
                              {"ip", r.text()}};
      });
  const nlohmann::json passkeys =
      store::all_of(c.exec(sql::kPasskeys, {a.id}), [](store::Columns& r) {
        return nlohmann::json{{"user_agent", r.text()},
                              {"registered_at", core::iso8601(r.integer())},
                              {"last_used_at", time_or_null(r.opt_integer())}};
      });
  const auto totp =
      store::first_of(c.exec(sql::kTotp, {a.id}), [](store::Columns& r) { return r.integer(); });
  return {{"account",
           {{"id", a.id},
            {"family_name", a.family_name},
            {"given_name", a.given_name},
            {"family_name_kana", a.family_name_kana},
            {"given_name_kana", a.given_name_kana},
            {"email", a.email ? nlohmann::json(*a.email) : nlohmann::json(nullptr)},
            {"phone", a.phone ? nlohmann::json(*a.phone) : nlohmann::json(nullptr)},
            {"created_at", core::iso8601(c.exec(sql::kCreatedAt, {a.id}).first().integer(0))}}},
          {"sessions", sessions},
          {"second_factor",
           {{"authenticator_app_since", time_or_null(totp)},
            {"recovery_codes_left", c.exec(sql::kRecoveryLeft, {a.id}).first().integer(0)}}},
          {"passkeys", passkeys}};
}

std::vector<std::string> login_ids(const Account& a) {
  std::vector<std::string> out;
  if (a.email) out.push_back(*a.email);
  if (a.phone) out.push_back(*a.phone);
  return out;
}

void erase(store::Connection& c, const Account& a, core::UnixSeconds now) {
  for (const char* statement : {sql::kDeleteSessions, sql::kDeleteTokens, sql::kDeleteTotp,
                                sql::kDeleteRecovery, sql::kDeletePasskeys, sql::kDeleteHistory})
    c.exec(statement, {a.id});
  for (const auto& id : login_ids(a)) {
    c.exec(sql::kDeleteSignups, {a.id, id});
    c.exec(sql::kDeleteThrottle, {"login:" + id});
  }
  c.exec(sql::kAnonymize, {"deleted-" + std::to_string(a.id) + "@deleted.invalid", now, now, a.id});
}

bool is_deleted(const Account& a) { return a.family_name.empty() && a.given_name.empty(); }

}  // namespace carelive::pass::personal_data
