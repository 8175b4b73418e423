#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pass/model.hpp"
#include "store/database.hpp"

namespace carelive::pass::repo {

using store::Connection;

std::optional<Account> find_account(Connection& c, std::int64_t id);
std::optional<Account> find_account_by_login(Connection& c, const std::string& login_id);
// Ids of up to `limit` accounts whose name, furigana, email or phone contains `text` (the access
// records' search by person; `text` without spaces, lower case).
std::vector<std::int64_t> accounts_matching(Connection& c, const std::string& text,
                                            std::int64_t limit);
std::int64_t insert_account(Connection& c, const Account& a, core::UnixSeconds now);
void update_names(Connection& c, std::int64_t id, const std::string& family,
                  const std::string& given, core::UnixSeconds now);
void update_kana(Connection& c, std::int64_t id, const std::string& family,
                 const std::string& given, core::UnixSeconds now);
void update_email(Connection& c, std::int64_t id, const std::string& email, core::UnixSeconds now);
void update_phone(Connection& c, std::int64_t id, const std::string& phone, core::UnixSeconds now);
void update_password(Connection& c, std::int64_t id, const std::string& hash,
                     core::UnixSeconds now);
void set_operator(Connection& c, std::int64_t id, bool is_operator);

void add_password_history(Connection& c, std::int64_t account_id, const std::string& hash,
                          core::UnixSeconds now);
std::vector<std::string> password_history(Connection& c, std::int64_t account_id);

// Removes open (not completed) attempts for the login id: a new sign-up replaces them.
void delete_open_signups(Connection& c, const std::string& login_id);
std::int64_t insert_signup(Connection& c, const Signup& s, const std::string& token_hash);
std::optional<Signup> find_signup_by_token(Connection& c, const std::string& token_hash);
void complete_signup(Connection& c, std::int64_t signup_id, std::int64_t account_id,
                     core::UnixSeconds now);

std::int64_t insert_token(Connection& c, const AccountToken& t, const std::string& token_hash);
std::optional<AccountToken> find_token(Connection& c, const std::string& token_hash,
                                       const std::string& purpose_prefix);
// Marks the token used; false when another request used it first (single use under races).
bool use_token(Connection& c, std::int64_t token_id, core::UnixSeconds now);
// Older unused links of the same purpose stop working when a new one is sent.
void retire_tokens(Connection& c, std::int64_t account_id, const std::string& purpose,
                   core::UnixSeconds now);

std::int64_t insert_session(Connection& c, const Session& s, const std::string& token_hash);
std::optional<Session> find_session(Connection& c, const std::string& token_hash);
std::optional<Session> find_session_by_id(Connection& c, std::int64_t session_id);
void touch_session(Connection& c, std::int64_t session_id, core::UnixSeconds now);
// Shorter limits for an open session (its account became staff or operator).
void limit_session(Connection& c, std::int64_t session_id, core::UnixSeconds absolute_expires_at,
                   std::int64_t idle_timeout);
// The same for every session of the account: at most `absolute_seconds` from its start and
// `idle_timeout` idle.
void limit_sessions_of(Connection& c, std::int64_t account_id, std::int64_t absolute_seconds,
                       std::int64_t idle_timeout);
void delete_session(Connection& c, std::int64_t session_id);
bool delete_account_session(Connection& c, std::int64_t account_id, std::int64_t session_id);
// Ends every session of the account except `keep` (0: all). Returns how many ended.
std::int64_t delete_sessions_except(Connection& c, std::int64_t account_id, std::int64_t keep);
std::vector<Session> list_sessions(Connection& c, std::int64_t account_id);
// Retention: sessions that ended (idle or absolute limit) before `before`; returns how many.
std::int64_t purge_ended_sessions(Connection& c, core::UnixSeconds before);
// Retention: links (account tokens) and sign-ups used or expired before `before`.
std::int64_t purge_spent_links(Connection& c, core::UnixSeconds before);

}  // namespace carelive::pass::repo
