#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "pass/model.hpp"
#include "store/database.hpp"

// Personal data held by CareLive Pass (SPEC 15, APPI Art. 33 and 35): what an account's own
// download holds of it, and what its deletion takes away. Each works in the caller's connection
// (the deletion in the caller's transaction, with the other domains' parts).
namespace carelive::pass::personal_data {

// {"account", "sessions", "second_factor", "passkeys"}: names, contact data, devices signed in,
// which second factors there are (never a secret, a hash or a password hash).
nlohmann::json collect(store::Connection& c, const Account& a);

// The login ids the account has (its email and phone): the other domains find what they hold
// of the person by them (messages sent to them).
std::vector<std::string> login_ids(const Account& a);

// Names, contact data and the password go (the row stays for the ids others hold, deleted_at
// set); sessions, links sent by message, sign-ups made with its login ids, second factors,
// passkeys and the password history go. The person can never sign in again.
void erase(store::Connection& c, const Account& a, core::UnixSeconds now);

// A deleted account (its names are gone: every other account has them).
bool is_deleted(const Account& a);

}  // namespace carelive::pass::personal_data
