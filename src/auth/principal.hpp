#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

// Who is asking. The HTTP layer authenticates a request into a Principal and every domain acts
// for one, so these types live below both (STYLE.md: a type two layers need lives in the lower
// one). pass/ owns the rows behind them (accounts, sessions) and their SQL.
namespace carelive::auth {

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

// How far a sign-in got (SPEC 15). Only a `full` session acts for its account. The other two
// live for minutes between the password and the second step: `second_factor` may only send the
// code (or use a passkey), `setup` may only set up a second factor, which the policy asks of
// staff and operators before anything else.
enum class SessionStage { full, second_factor, setup };

// Its name in the `sessions.stage` column and the API; an unknown name reads as second_factor,
// the stage that reaches least.
std::string_view stage_name(SessionStage stage);
SessionStage stage_named(std::string_view name);

struct Session {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  core::UnixSeconds created_at = 0, last_seen_at = 0, absolute_expires_at = 0;
  std::int64_t idle_timeout = 0;
  std::string user_agent, ip;
  SessionStage stage = SessionStage::full;
};

// The caller of an authenticated request.
struct Principal {
  Account account;
  Session session;
};

inline std::string_view stage_name(SessionStage stage) {
  switch (stage) {
    case SessionStage::full:
      return "full";
    case SessionStage::setup:
      return "setup";
    case SessionStage::second_factor:
      break;
  }
  return "second_factor";
}

inline SessionStage stage_named(std::string_view name) {
  if (name == "full") return SessionStage::full;
  if (name == "setup") return SessionStage::setup;
  return SessionStage::second_factor;
}

// Where a request came from: for the audit log, throttling and the session list.
struct RequestMeta {
  std::string ip;
  std::string user_agent;
};

}  // namespace carelive::auth
