#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/database.hpp"

// The rows of two-step sign-in (migration 0010): `totp_factors` (an account's authenticator app,
// its secret sealed) and `recovery_codes` (keyed hashes, single use).
namespace carelive::pass::second_factor_repo {

using store::Connection;

struct TotpFactor {
  std::string secret_sealed;
  core::UnixSeconds created_at = 0;
  std::optional<core::UnixSeconds> confirmed_at;  // none: being set up, no second factor yet
  std::int64_t last_step = 0;
};

std::optional<TotpFactor> find_totp(Connection& c, std::int64_t account_id);
// A new secret being set up, replacing any earlier one of the account.
void put_totp(Connection& c, std::int64_t account_id, const std::string& secret_sealed,
              core::UnixSeconds now);
// Marks the secret set up (confirmed by its first code).
void confirm_totp(Connection& c, std::int64_t account_id, core::UnixSeconds now);
// Takes time step `step` if it is later than the last one taken (a compare-and-set: of two
// parallel uses of one code, one wins); false when it was taken already.
bool take_step(Connection& c, std::int64_t account_id, std::int64_t step);
void delete_totp(Connection& c, std::int64_t account_id);

// Replaces the account's recovery codes with these hashes.
void replace_recovery_codes(Connection& c, std::int64_t account_id,
                            const std::vector<std::string>& hashes, core::UnixSeconds now);
// Uses the code with this hash if it is the account's and unused; false otherwise.
bool use_recovery_code(Connection& c, std::int64_t account_id, const std::string& hash,
                       core::UnixSeconds now);
std::int64_t unused_recovery_codes(Connection& c, std::int64_t account_id);
void delete_recovery_codes(Connection& c, std::int64_t account_id);

}  // namespace carelive::pass::second_factor_repo
