#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/principal.hpp"
#include "core/clock.hpp"

namespace carelive::pass {

using auth::Account;
using auth::Principal;
using auth::RequestMeta;
using auth::Session;

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

}  // namespace carelive::pass
