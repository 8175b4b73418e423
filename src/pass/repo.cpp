#include "pass/repo.hpp"

#include <algorithm>

#include "store/rows.hpp"

namespace carelive::pass::repo {
namespace sql {

constexpr const char* kSelectAccountById =
    "SELECT id, family_name, given_name, family_name_kana, given_name_kana, email, phone, "
    "password_hash, is_operator FROM accounts WHERE id = ?";
constexpr const char* kSelectAccountByLogin =
    "SELECT id, family_name, given_name, family_name_kana, given_name_kana, email, phone, "
    "password_hash, is_operator FROM accounts WHERE email = ? OR phone = ?";
constexpr const char* kAccountsMatching =
    "SELECT id FROM accounts WHERE family_name || given_name LIKE ? ESCAPE '\\' OR "
    "family_name_kana || given_name_kana LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR "
    "phone LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?";
constexpr const char* kInsertAccount =
    "INSERT INTO accounts (family_name, given_name, family_name_kana, given_name_kana, email, "
    "phone, password_hash, is_operator, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?) "
    "RETURNING id";
constexpr const char* kUpdateNames =
    "UPDATE accounts SET family_name = ?, given_name = ?, updated_at = ? WHERE id = ?";
constexpr const char* kUpdateKana =
    "UPDATE accounts SET family_name_kana = ?, given_name_kana = ?, updated_at = ? WHERE id = ?";
constexpr const char* kUpdateEmail = "UPDATE accounts SET email = ?, updated_at = ? WHERE id = ?";
constexpr const char* kUpdatePhone = "UPDATE accounts SET phone = ?, updated_at = ? WHERE id = ?";
constexpr const char* kUpdatePassword =
    "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?";
constexpr const char* kSetOperator = "UPDATE accounts SET is_operator = ? WHERE id = ?";

constexpr const char* kInsertHistory =
    "INSERT INTO password_history (account_id, password_hash, created_at) VALUES (?, ?, ?)";
constexpr const char* kSelectHistory =
    "SELECT password_hash FROM password_history WHERE account_id = ? ORDER BY id DESC";

constexpr const char* kDeleteOpenSignups =
    "DELETE FROM signups WHERE login_id = ? AND completed_at IS NULL";
constexpr const char* kInsertSignup =
    "INSERT INTO signups (login_id, login_kind, family_name, given_name, family_name_kana, "
    "given_name_kana, password_hash, token_hash, created_at, expires_at, after_confirm) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kSelectSignupByToken =
    "SELECT id, login_id, login_kind, family_name, given_name, family_name_kana, given_name_kana, "
    "password_hash, created_at, expires_at, completed_at, after_confirm FROM signups "
    "WHERE token_hash = ?";
constexpr const char* kCompleteSignup =
    "UPDATE signups SET completed_at = ?, account_id = ?, after_confirm = NULL WHERE id = ?";

constexpr const char* kInsertToken =
    "INSERT INTO account_tokens (account_id, purpose, token_hash, new_value, created_at, "
    "expires_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kSelectToken =
    "SELECT id, account_id, purpose, new_value, created_at, expires_at, used_at "
    "FROM account_tokens WHERE token_hash = ?";
constexpr const char* kUseToken =
    "UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL";
// Replaced links are removed, not expired: docs/api.md answers a link "replaced by a newer
// one" with token_invalid, as for a replaced sign-up (token_expired would wrongly say 24 h passed).
constexpr const char* kRetireTokens =
    "DELETE FROM account_tokens WHERE account_id = ? AND purpose = ? AND used_at IS NULL";

constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, absolute_expires_at, "
    "idle_timeout, user_agent, ip, stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kSelectSession =
    "SELECT id, account_id, created_at, last_seen_at, absolute_expires_at, idle_timeout, "
    "user_agent, ip, stage FROM sessions WHERE token_hash = ?";
constexpr const char* kSelectSessionById =
    "SELECT id, account_id, created_at, last_seen_at, absolute_expires_at, idle_timeout, "
    "user_agent, ip, stage FROM sessions WHERE id = ?";
constexpr const char* kTouchSession = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
constexpr const char* kLimitSession =
    "UPDATE sessions SET absolute_expires_at = ?, idle_timeout = ? WHERE id = ?";
constexpr const char* kDeleteSession = "DELETE FROM sessions WHERE id = ?";
constexpr const char* kDeleteAccountSession =
    "DELETE FROM sessions WHERE id = ? AND account_id = ?";
constexpr const char* kDeleteSessionsExcept =
    "DELETE FROM sessions WHERE account_id = ? AND id <> ?";
// Signed-in devices only: a sign-in halfway through its second step is none yet.
constexpr const char* kListSessions =
    "SELECT id, account_id, created_at, last_seen_at, absolute_expires_at, idle_timeout, "
    "user_agent, ip, stage FROM sessions WHERE account_id = ? AND stage = 'full' "
    "ORDER BY last_seen_at DESC";

constexpr const char* kPurgeEndedSessions =
    "DELETE FROM sessions WHERE absolute_expires_at < ? OR last_seen_at + idle_timeout < ?";
constexpr const char* kPurgeSpentTokens =
    "DELETE FROM account_tokens WHERE (used_at IS NOT NULL AND used_at < ?) OR expires_at < ?";
constexpr const char* kPurgeSpentSignups =
    "DELETE FROM signups WHERE (completed_at IS NOT NULL AND completed_at < ?) OR "
    "(completed_at IS NULL AND expires_at < ?)";

}  // namespace sql

namespace {

using store::Columns;

// Each reads its SELECT's columns in the order of the struct's members (braced initialization
// evaluates left to right).

// id, family_name, given_name, family_name_kana, given_name_kana, email, phone, password_hash,
// is_operator
Account read_account(Columns& r) {
  return {r.integer(),  r.text(),     r.text(), r.text(),   r.text(),
          r.opt_text(), r.opt_text(), r.text(), r.boolean()};
}

// id, account_id, created_at, last_seen_at, absolute_expires_at, idle_timeout, user_agent, ip,
// stage
Session read_session(Columns& r) {
  return {r.integer(), r.integer(), r.integer(),
          r.integer(), r.integer(), r.integer(),
          r.text(),    r.text(),    auth::stage_named(r.text())};
}

// The columns of kSelectSignupByToken.
Signup read_signup(Columns& r) {
  return {r.integer(), r.text(), r.text(),    r.text(),    r.text(),        r.text(),
          r.text(),    r.text(), r.integer(), r.integer(), r.opt_integer(), r.opt_text()};
}

// The columns of kSelectToken.
AccountToken read_token(Columns& r) {
  return {r.integer(), r.integer(), r.text(),       r.opt_text(),
          r.integer(), r.integer(), r.opt_integer()};
}

}  // namespace

std::optional<Account> find_account(Connection& c, std::int64_t id) {
  return store::first_of(c.exec(sql::kSelectAccountById, {id}), read_account);
}

std::optional<Account> find_account_by_login(Connection& c, const std::string& login_id) {
  return store::first_of(c.exec(sql::kSelectAccountByLogin, {login_id, login_id}), read_account);
}

std::vector<std::int64_t> accounts_matching(Connection& c, const std::string& text,
                                            std::int64_t limit) {
  std::string escaped;
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') escaped += '\\';
    escaped += ch;
  }
  const auto pattern = "%" + escaped + "%";
  // A phone number as people type it (090-1234-5678) against the stored +8190…: its digits
  // after the leading 0.
  std::string digits;
  for (char ch : text)
    if (ch >= '0' && ch <= '9') digits += ch;
  const auto phone =
      digits.size() >= 4 && digits.size() == text.size() - std::count(text.begin(), text.end(), '-')
          ? "%" + (digits[0] == '0' ? digits.substr(1) : digits) + "%"
          : pattern;
  return store::all_of(c.exec(sql::kAccountsMatching, {pattern, pattern, pattern, phone, limit}),
                       [](store::Columns& r) { return r.integer(); });
}

std::int64_t insert_account(Connection& c, const Account& a, core::UnixSeconds now) {
  auto r = c.exec(
      sql::kInsertAccount,
      {a.family_name, a.given_name, a.family_name_kana, a.given_name_kana, store::nullable(a.email),
       store::nullable(a.phone), a.password_hash, std::int64_t{a.is_operator ? 1 : 0}, now, now});
  return r.first().integer(0);
}

void update_names(Connection& c, std::int64_t id, const std::string& family,
                  const std::string& given, core::UnixSeconds now) {
  c.exec(sql::kUpdateNames, {family, given, now, id});
}

void update_kana(Connection& c, std::int64_t id, const std::string& family,
                 const std::string& given, core::UnixSeconds now) {
  c.exec(sql::kUpdateKana, {family, given, now, id});
}

void update_email(Connection& c, std::int64_t id, const std::string& email, core::UnixSeconds now) {
  c.exec(sql::kUpdateEmail, {email, now, id});
}

void update_phone(Connection& c, std::int64_t id, const std::string& phone, core::UnixSeconds now) {
  c.exec(sql::kUpdatePhone, {phone, now, id});
}

void update_password(Connection& c, std::int64_t id, const std::string& hash,
                     core::UnixSeconds now) {
  c.exec(sql::kUpdatePassword, {hash, now, id});
}

void set_operator(Connection& c, std::int64_t id, bool is_operator) {
  c.exec(sql::kSetOperator, {std::int64_t{is_operator ? 1 : 0}, id});
}

void add_password_history(Connection& c, std::int64_t account_id, const std::string& hash,
                          core::UnixSeconds now) {
  c.exec(sql::kInsertHistory, {account_id, hash, now});
}

std::vector<std::string> password_history(Connection& c, std::int64_t account_id) {
  return store::all_of(c.exec(sql::kSelectHistory, {account_id}),
                       [](Columns& r) { return r.text(); });
}

void delete_open_signups(Connection& c, const std::string& login_id) {
  c.exec(sql::kDeleteOpenSignups, {login_id});
}

std::int64_t insert_signup(Connection& c, const Signup& s, const std::string& token_hash) {
  auto r = c.exec(
      sql::kInsertSignup,
      {s.login_id, s.login_kind, s.family_name, s.given_name, s.family_name_kana, s.given_name_kana,
       s.password_hash, token_hash, s.created_at, s.expires_at, store::nullable(s.after_confirm)});
  return r.first().integer(0);
}

std::optional<Signup> find_signup_by_token(Connection& c, const std::string& token_hash) {
  return store::first_of(c.exec(sql::kSelectSignupByToken, {token_hash}), read_signup);
}

void complete_signup(Connection& c, std::int64_t signup_id, std::int64_t account_id,
                     core::UnixSeconds now) {
  c.exec(sql::kCompleteSignup, {now, account_id, signup_id});
}

std::int64_t insert_token(Connection& c, const AccountToken& t, const std::string& token_hash) {
  auto r = c.exec(sql::kInsertToken, {t.account_id, t.purpose, token_hash,
                                      store::nullable(t.new_value), t.created_at, t.expires_at});
  return r.first().integer(0);
}

std::optional<AccountToken> find_token(Connection& c, const std::string& token_hash,
                                       const std::string& purpose_prefix) {
  auto t = store::first_of(c.exec(sql::kSelectToken, {token_hash}), read_token);
  // A link made for one purpose never works for another.
  if (t && t->purpose.rfind(purpose_prefix, 0) != 0) return std::nullopt;
  return t;
}

bool use_token(Connection& c, std::int64_t token_id, core::UnixSeconds now) {
  return c.exec(sql::kUseToken, {now, token_id}).affected == 1;
}

void retire_tokens(Connection& c, std::int64_t account_id, const std::string& purpose,
                   core::UnixSeconds /*now*/) {
  c.exec(sql::kRetireTokens, {account_id, purpose});
}

std::int64_t insert_session(Connection& c, const Session& s, const std::string& token_hash) {
  auto r = c.exec(sql::kInsertSession,
                  {token_hash, s.account_id, s.created_at, s.last_seen_at, s.absolute_expires_at,
                   s.idle_timeout, s.user_agent, s.ip, std::string(auth::stage_name(s.stage))});
  return r.first().integer(0);
}

std::optional<Session> find_session(Connection& c, const std::string& token_hash) {
  return store::first_of(c.exec(sql::kSelectSession, {token_hash}), read_session);
}

std::optional<Session> find_session_by_id(Connection& c, std::int64_t session_id) {
  return store::first_of(c.exec(sql::kSelectSessionById, {session_id}), read_session);
}

void touch_session(Connection& c, std::int64_t session_id, core::UnixSeconds now) {
  c.exec(sql::kTouchSession, {now, session_id});
}

void limit_session(Connection& c, std::int64_t session_id, core::UnixSeconds absolute_expires_at,
                   std::int64_t idle_timeout) {
  c.exec(sql::kLimitSession, {absolute_expires_at, idle_timeout, session_id});
}

void limit_sessions_of(Connection& c, std::int64_t account_id, std::int64_t absolute_seconds,
                       std::int64_t idle_timeout) {
  c.exec(
      "UPDATE sessions SET absolute_expires_at = CASE WHEN created_at + ? < absolute_expires_at "
      "THEN created_at + ? ELSE absolute_expires_at END, idle_timeout = CASE WHEN ? < "
      "idle_timeout THEN ? ELSE idle_timeout END WHERE account_id = ?",
      {absolute_seconds, absolute_seconds, idle_timeout, idle_timeout, account_id});
}

void delete_session(Connection& c, std::int64_t session_id) {
  c.exec(sql::kDeleteSession, {session_id});
}

bool delete_account_session(Connection& c, std::int64_t account_id, std::int64_t session_id) {
  return c.exec(sql::kDeleteAccountSession, {session_id, account_id}).affected == 1;
}

std::int64_t delete_sessions_except(Connection& c, std::int64_t account_id, std::int64_t keep) {
  return c.exec(sql::kDeleteSessionsExcept, {account_id, keep}).affected;
}

std::vector<Session> list_sessions(Connection& c, std::int64_t account_id) {
  return store::all_of(c.exec(sql::kListSessions, {account_id}), read_session);
}

std::int64_t purge_ended_sessions(Connection& c, core::UnixSeconds before) {
  return c.exec(sql::kPurgeEndedSessions, {before, before}).affected;
}

std::int64_t purge_spent_links(Connection& c, core::UnixSeconds before) {
  return c.exec(sql::kPurgeSpentTokens, {before, before}).affected +
         c.exec(sql::kPurgeSpentSignups, {before, before}).affected;
}

}  // namespace carelive::pass::repo
