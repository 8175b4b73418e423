#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "auth/principal.hpp"

namespace carelive::audit {

// Who makes a change, as the audit log records it (DESIGN.md "Security baseline"): the account
// acting, when someone is logged in, and the client address of the request. Every service
// function that changes something takes one and audits with it in the change's transaction.
struct Actor {
  std::optional<std::int64_t> account;
  std::string address;

  // The logged-in caller of a request.
  static Actor of(const auth::Principal& who, const auth::RequestMeta& meta) {
    return {who.account.id, meta.ip};
  }
  // An account acting from `address` (known to the service only, e.g. at login).
  static Actor account_at(std::int64_t account, std::string address) {
    return {account, std::move(address)};
  }
  // Someone not logged in (sign-up, password reset), from `address`.
  static Actor anonymous(std::string address) { return {std::nullopt, std::move(address)}; }
  // `carelive admin`: no account and an empty address, as the log has always shown it.
  static Actor command_line() { return {}; }

  // The same address under another account: for the events whose account column names the
  // account concerned rather than the one acting (a new account, a new staff member).
  Actor with_account(std::int64_t other) const { return {other, address}; }
};

}  // namespace carelive::audit
