#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/database.hpp"

// The rows of two-step sign-in (migrations 0010, 0011): `totp_factors` (an account's
// authenticator app, its secret sealed), `recovery_codes` (keyed hashes, single use), `passkeys`
// (WebAuthn credentials) and `webauthn_challenges_used`.
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

struct PasskeyRow {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  std::string credential_id;  // base64url
  int algorithm = 0;
  std::string public_key;  // base64url
  std::int64_t sign_count = 0;
  bool synced = false;
  std::string user_agent;
  core::UnixSeconds created_at = 0;
  std::optional<core::UnixSeconds> last_used_at;
};

// Adds a passkey; false when its credential id is registered already (to anyone).
bool insert_passkey(Connection& c, const PasskeyRow& row);
std::vector<PasskeyRow> passkeys_of(Connection& c, std::int64_t account_id);
std::optional<PasskeyRow> find_passkey(Connection& c, const std::string& credential_id);
std::int64_t count_passkeys(Connection& c, std::int64_t account_id);
// Records a sign-in with the passkey if its sign count is still `expected` (a compare-and-set: of
// two parallel uses of one count, one wins).
bool use_passkey(Connection& c, std::int64_t id, std::int64_t expected_count,
                 std::int64_t new_count, core::UnixSeconds now);
// Deletes the account's passkey `id`; false when it has none of that id.
bool delete_passkey(Connection& c, std::int64_t account_id, std::int64_t id);
void delete_passkeys(Connection& c, std::int64_t account_id);

// Marks a challenge answered (expired ones are dropped on the way); false when it was already.
bool take_challenge(Connection& c, const std::string& challenge_hash, core::UnixSeconds expires_at,
                    core::UnixSeconds now);

}  // namespace carelive::pass::second_factor_repo
