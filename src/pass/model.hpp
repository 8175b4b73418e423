#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace carelive::pass {

struct Account {
  std::int64_t id = 0;
  std::string family_name;
  std::string given_name;
  std::string family_name_kana;
  std::string given_name_kana;
  std::optional<std::string> email;
  std::optional<std::string> phone;  // E.164
  std::string password_hash;
  bool is_operator = false;

  std::string display_name() const { return family_name + " " + given_name; }
  // Where messages about the account go when no login id was typed: email first.
  std::string primary_login_id() const { return email ? *email : phone.value_or(""); }
};

struct Signup {
  std::int64_t id = 0;
  std::string login_id;
  std::string login_kind;  // "email" | "phone"
  std::string family_name, given_name, family_name_kana, given_name_kana;
  std::string password_hash;
  core::UnixSeconds created_at = 0, expires_at = 0;
  std::optional<core::UnixSeconds> completed_at;
  std::optional<std::string> after_confirm;  // JSON of what to do once confirmed (applications)
};

// A single-use link of an existing account (password reset, contact change).
struct AccountToken {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string purpose;
  std::optional<std::string> new_value;
  core::UnixSeconds created_at = 0, expires_at = 0;
  std::optional<core::UnixSeconds> used_at;
};

struct Session {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  core::UnixSeconds created_at = 0, last_seen_at = 0, absolute_expires_at = 0;
  std::int64_t idle_timeout = 0;
  std::string user_agent, ip;
};

// Who asked: for the audit log, throttling and the session list.
struct RequestMeta {
  std::string ip;
  std::string user_agent;
};

}  // namespace carelive::pass
